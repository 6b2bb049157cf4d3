package analysis

import (
	"fmt"
	"strings"
	"testing"

	"github.com/netwright/netwright/internal/golden"
	"github.com/netwright/netwright/internal/plan/plantest"
)

// driftText writes a drift as the test compares it: the bindings, then
// each finding's check, subject and summary, then the matrix.
func driftText(d *Drift) string {
	var b strings.Builder
	for _, x := range d.Bindings {
		fmt.Fprintf(&b, "bind %s: %s %s %v\n", x.Service, x.How, x.Resource, x.Interfaces)
	}
	for _, f := range d.Findings {
		fmt.Fprintf(&b, "%s %s %s: %s\n", f.Check, f.Severity, f.Subject, f.Summary)
	}
	for _, c := range d.Matrix {
		fmt.Fprintf(&b, "matrix %s -> %s: tcp %s, udp %s; declared %s\n", c.From, c.To, c.TCP, c.UDP, c.Declared)
	}
	return b.String()
}

// TestDiffFixtureAccount compares testdata/drift/shop.yaml with the
// fixture account: worker's declared call to db is blocked (db's group
// names only api's and the spoke's), billing is missing, api and worker
// may reach the internet on every port though the spec declares one
// egress, the instances the spec does not have are extra, and three of
// them reach worker on 443 (the web group admits 443 from anywhere).
// The answer is in testdata/drift/shop.want.
func TestDiffFixtureAccount(t *testing.T) {
	spec := plantest.File(t, "testdata/drift/shop.yaml")
	real := importNetwork(t, nil)
	d, err := Diff(spec, real, nil)
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "testdata/drift/shop.want", []byte(driftText(d)))
}
