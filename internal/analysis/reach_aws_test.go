package analysis

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"golang.org/x/tools/txtar"

	"github.com/netwright/netwright/internal/awsimport"
	"github.com/netwright/netwright/internal/design"
)

// network is the imported fixture account every reach case starts from
// (internal/awsimport/testdata/network: AWS CLI answers as the CLI prints
// them).
const network = "../awsimport/testdata/network"

// importNetwork imports the fixture account with a case's files laid over
// it (a file of the same path replaces the account's).
func importNetwork(t testing.TB, overlay []txtar.File) *design.Design {
	t.Helper()
	fsys := fstest.MapFS{}
	err := filepath.WalkDir(network, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(network, p)
		fsys[filepath.ToSlash(rel)] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range overlay {
		fsys[f.Name] = &fstest.MapFile{Data: f.Data}
	}
	d, ds := awsimport.ReadDir(fsys, ".")
	if ds.HasErrors() {
		t.Fatalf("import: %v", ds)
	}
	return d
}

// TestReachExplanationCodes runs every case in testdata/reach: a question
// (SRC DST:PORT [PROTOCOL]) about the fixture account, with files that
// change it, and the answer Reachability Analyzer would give: whether the
// destination is reachable and the explanation codes, each with the
// component it names. One case per code; a case fails when the code or
// its component is wrong.
func TestReachExplanationCodes(t *testing.T) {
	files, _ := filepath.Glob("testdata/reach/*.txtar")
	if len(files) == 0 {
		t.Fatal("no cases")
	}
	covered := map[string]bool{}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var query, want string
			var overlay []txtar.File
			for _, f := range ar.Files {
				switch f.Name {
				case "query":
					query = strings.TrimSpace(string(f.Data))
				case "want":
					want = strings.TrimSpace(string(f.Data))
				default:
					overlay = append(overlay, f)
				}
			}
			q := strings.Fields(query)
			if len(q) < 2 {
				t.Fatalf("query %q: want SRC DST:PORT [PROTOCOL]", query)
			}
			dst, portText, _ := strings.Cut(q[1], ":")
			if i := strings.LastIndex(q[1], ":"); i > 0 && strings.Count(q[1], ":") > 1 {
				dst, portText = q[1][:i], q[1][i+1:]
			}
			port, err := strconv.Atoi(portText)
			if err != nil {
				t.Fatalf("query %q: bad port", query)
			}
			proto := "tcp"
			if len(q) > 2 {
				proto = q[2]
			}
			d := importNetwork(t, overlay)
			a, err := NewEngine(d).ReachAWS(q[0], dst, port, proto)
			if err != nil {
				t.Fatalf("ReachAWS(%s) = %v", query, err)
			}
			var got []string
			got = append(got, "reachable: "+strconv.FormatBool(a.Reachable))
			var codes []string
			for _, x := range a.Explanations {
				codes = append(codes, x.Code+" "+x.Component)
				covered[x.Code] = true
				if _, ok := Codes[x.Code]; !ok {
					t.Errorf("code %s is not one of Reachability Analyzer's codes netwright knows (codes.go)", x.Code)
				}
			}
			slices.Sort(codes)
			got = append(got, slices.Compact(codes)...)
			if g := strings.Join(got, "\n"); g != want {
				t.Errorf("reach %s:\n%s\nwant:\n%s\nexplanations: %+v\npath: %v", query, g, want, a.Explanations, a.Path)
			}
			if len(a.Path) == 0 {
				t.Errorf("reach %s: empty path", query)
			}
		})
	}
}
