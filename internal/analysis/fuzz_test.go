package analysis

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/netwright/netwright/internal/design"
)

// FuzzAnalyzeDesign feeds hand-edited designs (as `check --design` reads
// them) through decoding, validation and, when valid, the analyzer: none
// may panic.
func FuzzAnalyzeDesign(f *testing.F) {
	files, _ := filepath.Glob("testdata/checks/*.json")
	for _, file := range files {
		if b, err := os.ReadFile(file); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := design.Decode(b)
		if err != nil || len(d.Validate()) > 0 {
			return
		}
		Analyze(d)
	})
}
