package awsimport

import (
	"io/fs"
	"os"
	"strings"
	"testing"

	"github.com/netwright/netwright/internal/analysis"
)

// FuzzImport feeds any bytes through Import as one file, and any network
// it makes that validates through the analyzer's reachability questions
// between its interfaces: neither may panic. The seeds are the fixture
// account's answers, alone and all in one file.
func FuzzImport(f *testing.F) {
	var all strings.Builder
	fs.WalkDir(os.DirFS("testdata/network"), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(os.DirFS("testdata/network"), p)
		if err == nil {
			f.Add(b)
			all.Write(b)
		}
		return nil
	})
	f.Add([]byte(all.String()))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, ds := Import([]File{{Name: "f.json", Data: b}})
		if d == nil || ds.HasErrors() || len(d.Validate()) > 0 {
			return
		}
		e := analysis.NewEngine(d)
		names := []string{"internet"}
		for i, n := range d.Interfaces {
			if i < 4 {
				names = append(names, n.ID)
			}
		}
		for _, lb := range d.LoadBalancers {
			names = append(names, lb.ID)
		}
		for _, a := range names {
			for _, z := range names {
				e.ReachAWS(a, z, 443, "tcp")
			}
		}
		analysis.Analyze(d)
	})
}
