package spec

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse feeds arbitrary bytes to the parser: it must never panic, and
// a spec it accepts must have the defaults the rest of netwright relies on.
// Seeds are the examples, the fixtures and testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	for _, glob := range []string{"../../examples/*.yaml", "../../testdata/errors/*.yaml", "testdata/*.yaml"} {
		files, _ := filepath.Glob(glob)
		for _, file := range files {
			if b, err := os.ReadFile(file); err == nil {
				f.Add(b)
			}
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		s, ds := Parse("fuzz.yaml", src)
		if s == nil {
			if !ds.HasErrors() {
				t.Fatal("Parse returned no spec and no error")
			}
			return
		}
		if ds.HasErrors() {
			t.Fatal("Parse returned a spec with errors")
		}
		if s.Version != 1 || s.App == "" || len(s.Services) == 0 || len(s.Regions) == 0 || s.Network.AZs < 2 {
			t.Fatalf("accepted spec lacks required values: %+v", s)
		}
		for _, svc := range s.Services {
			if svc.Port < 1 || svc.Port > 65535 || svc.MaxReplicas < svc.Replicas || svc.Replicas < 1 {
				t.Fatalf("accepted service %s has port %d, replicas %d-%d", svc.Name, svc.Port, svc.Replicas, svc.MaxReplicas)
			}
			for _, dep := range svc.DependsOn {
				if s.Service(dep.Service) == nil {
					t.Fatalf("accepted dependency on unknown %s", dep.Service)
				}
			}
		}
	})
}
