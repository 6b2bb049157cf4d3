package awsimport

import (
	"os"
	"strings"
	"testing"

	"github.com/netwright/netwright/internal/golden"
)

func readNetwork(t *testing.T) (string, []byte) {
	t.Helper()
	d, ds := ReadDir(os.DirFS("testdata/network"), ".")
	if ds.HasErrors() {
		t.Fatalf("import: %v", ds)
	}
	if errs := d.Validate(); len(errs) > 0 {
		t.Fatalf("imported design does not validate: %v", errs)
	}
	b, err := d.JSON()
	if err != nil {
		t.Fatal(err)
	}
	var w strings.Builder
	for _, x := range ds {
		w.WriteString(x.Severity.String() + ": " + x.Summary + "\n")
	}
	return w.String(), b
}

// TestImportNetwork imports the fixture account and compares the design
// and the warnings with their golden files.
func TestImportNetwork(t *testing.T) {
	warnings, b := readNetwork(t)
	golden.Check(t, "testdata/golden/network.json", b)
	golden.Check(t, "testdata/golden/network.warnings", []byte(warnings))
}
