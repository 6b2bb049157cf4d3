package summary

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netwright/netwright/internal/golden"
	"github.com/netwright/netwright/internal/plan/plantest"
)

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
			d := plantest.File(t, f)
			var got bytes.Buffer
			if err := Write(&got, d); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("testdata", name+".txt"), got.Bytes())
		})
	}
}
