package diagram

import (
	"bytes"
	"strings"
	"testing"

	"github.com/netwright/netwright/internal/plan/plantest"
)

// TestSecondaryBlocksShown: the VPC's header names each of its blocks,
// and the wider header still fits its box.
func TestSecondaryBlocksShown(t *testing.T) {
	d := plantest.Design(t, "big.yaml", []byte(plantest.SecondaryBlocksSpec))
	l := Build(d)
	for _, p := range geometryProblems(&Box{Kind: "canvas", W: l.W, H: l.H}, append(append([]*Box{}, l.Root...), l.Legend)) {
		t.Error(p)
	}
	var b bytes.Buffer
	if err := SVG(&b, d); err != nil {
		t.Fatal(err)
	}
	for _, c := range d.VPCs[0].Blocks() {
		if !strings.Contains(b.String(), c.String()+",") && !strings.Contains(b.String(), c.String()+"<") {
			t.Errorf("the diagram does not name the block %s", c)
		}
	}
	v := d.VPCs[0]
	for range 4 {
		v.SecondaryCIDRs = append(v.SecondaryCIDRs, v.SecondaryCIDRs[0])
	}
	if got := blocksText(&v); !strings.Contains(got, "(8 blocks)") {
		t.Errorf("blocksText of 8 blocks = %q; want the count", got)
	}
}
