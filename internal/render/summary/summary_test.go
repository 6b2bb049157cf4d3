package summary

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netwright/netwright/internal/plan"
	"github.com/netwright/netwright/internal/spec"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// TestGolden renders every example's plan summary and compares it, byte
// for byte, with testdata/<example>.txt.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("../../../examples/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no examples: %v", err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".yaml")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			s, ds := spec.Parse(filepath.Base(f), src)
			if s == nil {
				t.Fatal(ds)
			}
			d, ds := plan.Build(s)
			if d == nil {
				t.Fatal(ds)
			}
			var got bytes.Buffer
			if err := Write(&got, d); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", name+".txt")
			if *update {
				os.MkdirAll("testdata", 0o755)
				if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./internal/render/summary -update)", err)
			}
			if diff := cmp.Diff(string(want), got.String()); diff != "" {
				t.Errorf("summary differs from %s (-want +got):\n%s", path, diff)
			}
		})
	}
}
