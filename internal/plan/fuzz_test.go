package plan

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/netwright/netwright/internal/analysis"
	"github.com/netwright/netwright/internal/spec"
)

// FuzzPlan parses, designs and analyzes arbitrary specs: no stage may
// panic, and every design the architects return must pass design.Validate.
func FuzzPlan(f *testing.F) {
	for _, glob := range []string{"../../examples/*.yaml", "../../testdata/errors/*.yaml", "../spec/testdata/*.yaml"} {
		files, _ := filepath.Glob(glob)
		for _, file := range files {
			if b, err := os.ReadFile(file); err == nil {
				f.Add(b)
			}
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		s, _ := spec.Parse("fuzz.yaml", src)
		if s == nil {
			return
		}
		d, ds := Build(s)
		if d == nil {
			if !ds.HasErrors() {
				t.Fatal("Build returned no design and no error")
			}
			return
		}
		if errs := d.Validate(); len(errs) > 0 {
			t.Fatalf("design breaks its invariants: %v", errs)
		}
		// The analyzer must take any design the architects make.
		analysis.Analyze(d)
	})
}
