package analysis

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// checksDoc is docs/checks.md, made from the checklist itself so the table
// in the docs is always the one the analyzer runs.
func checksDoc() string {
	var b strings.Builder
	b.WriteString("# The checklist\n\n`netwright check` runs these checks on every design (generated from the code by\n")
	b.WriteString("`go test ./internal/analysis -update`; do not edit by hand). Errors fail `check` by default;\n")
	b.WriteString("`--fail-on warning` fails on warnings too; notes never fail.\n\n")
	b.WriteString("| ID | severity | check | why | fix | checkov / trivy |\n| --- | --- | --- | --- | --- | --- |\n")
	for _, c := range Checks() {
		peers := c.Peers
		if peers == "" {
			peers = "none (needs the whole design)"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", c.ID, c.Severity, c.Title, c.Rationale, c.Fix, peers)
	}
	return b.String()
}

func TestChecksDocIsCurrent(t *testing.T) {
	const path = "../../docs/checks.md"
	if *update {
		if err := os.WriteFile(path, []byte(checksDoc()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != checksDoc() {
		t.Error("docs/checks.md is out of date; run go test ./internal/analysis -update")
	}
}
