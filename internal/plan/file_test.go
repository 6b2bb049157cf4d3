package plan

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzFile runs File, the CLI's path from bytes to design, on arbitrary
// input: the checks it runs on a spec with errors (one that decoded only
// in part) may not panic either, and the design is there exactly when
// there are no errors.
func FuzzFile(f *testing.F) {
	for _, glob := range []string{"../../testdata/errors/*.yaml", "../spec/testdata/*.yaml", "../../examples/three-tier.yaml"} {
		files, _ := filepath.Glob(glob)
		for _, file := range files {
			if b, err := os.ReadFile(file); err == nil {
				f.Add(b)
			}
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		d, ds := File("fuzz.yaml", src)
		if (d == nil) != ds.HasErrors() {
			t.Fatalf("File returned design %v with diagnostics %v", d != nil, ds)
		}
	})
}
