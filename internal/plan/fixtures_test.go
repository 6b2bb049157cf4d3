package plan

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/netwright/netwright/internal/diag"
)

// expectation is one "# ERROR: text" or "# WARNING: text" written in a
// fixture on the line it is about.
type expectation struct {
	line     int
	severity diag.Severity
	text     string
}

var expectRE = regexp.MustCompile(`^\s*(ERROR|WARNING):\s*(.+?)\s*$`)

// readExpectations collects the expectations in a fixture. A comment
// after a value applies to its own line; a comment alone on a line applies
// to the next line that is not a comment, or to no line (0) at the end.
// Several expectations on one line are separated by " | ".
func readExpectations(t *testing.T, src []byte) []expectation {
	t.Helper()
	lines := strings.Split(string(src), "\n")
	var out []expectation
	var pending []expectation
	for i, l := range lines {
		n := i + 1
		trimmed := strings.TrimSpace(l)
		hash := strings.Index(l, "# ")
		if trimmed == "" {
			continue
		}
		var exps []expectation
		if hash >= 0 {
			for part := range strings.SplitSeq(l[hash+2:], " | ") {
				m := expectRE.FindStringSubmatch(part)
				if m == nil {
					continue
				}
				sev := diag.Error
				if m[1] == "WARNING" {
					sev = diag.Warning
				}
				exps = append(exps, expectation{severity: sev, text: m[2]})
			}
		}
		if strings.HasPrefix(trimmed, "#") {
			pending = append(pending, exps...)
			continue
		}
		for _, e := range append(pending, exps...) {
			e.line = n
			out = append(out, e)
		}
		pending = nil
	}
	out = append(out, pending...) // line 0
	return out
}

// TestErrorFixtures runs every fixture in testdata/errors through File,
// as the CLI does (the spec parser, then the architects, or only their
// checks that need no layout when the spec has errors), and checks that
// each diagnostic is expected on its line and each expectation is met.
func TestErrorFixtures(t *testing.T) {
	files, err := filepath.Glob("../../testdata/errors/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			name := filepath.Base(f)
			_, ds := File(name, src)
			want := readExpectations(t, src)
			if len(want) == 0 {
				t.Fatal("fixture has no expectations")
			}
			used := make([]bool, len(want))
			for _, d := range ds {
				line := 0
				if d.Subject != nil {
					line = d.Subject.Start.Line
				}
				i := slices.IndexFunc(want, func(e expectation) bool {
					return e.line == line && e.severity == d.Severity && strings.Contains(d.Summary, e.text)
				})
				for i >= 0 && used[i] {
					j := slices.IndexFunc(want[i+1:], func(e expectation) bool {
						return e.line == line && e.severity == d.Severity && strings.Contains(d.Summary, e.text)
					})
					if j < 0 {
						i = -1
						break
					}
					i += 1 + j
				}
				if i < 0 {
					t.Errorf("unexpected %s on line %d: %s", d.Severity, line, d.Summary)
					continue
				}
				used[i] = true
				if d.Detail == "" && d.Severity == diag.Error && !strings.HasPrefix(d.Summary, "invalid YAML") {
					t.Errorf("line %d: %q has no detail saying how to fix it", line, d.Summary)
				}
			}
			for i, e := range want {
				if !used[i] {
					t.Errorf("line %d: want %s containing %q; got none", e.line, e.severity, e.text)
				}
			}
			if t.Failed() {
				t.Log(fmt.Sprint(ds))
			}
		})
	}
}
