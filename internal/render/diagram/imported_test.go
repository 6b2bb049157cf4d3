package diagram

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/netwright/netwright/internal/awsimport"
)

// TestImportedNetwork draws the fixture account (internal/awsimport):
// nothing overlaps though one zone holds two subnets of a tier, every
// subnet is drawn with its CIDR, and what only real networks have is
// there: instances, an interface nothing else names, the peering, the
// virtual private gateway, and VPCs known by their IDs.
func TestImportedNetwork(t *testing.T) {
	d, ds := awsimport.ReadDir(os.DirFS("../../awsimport/testdata/network"), ".")
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	l := Build(d)
	for _, p := range geometryProblems(&Box{Kind: "canvas", W: l.W, H: l.H}, append(append([]*Box{}, l.Root...), l.Legend)) {
		t.Error(p)
	}
	var b bytes.Buffer
	if err := SVG(&b, d); err != nil {
		t.Fatal(err)
	}
	svg := b.String()
	for _, v := range d.VPCs {
		for _, s := range v.Subnets {
			if !strings.Contains(svg, ">"+s.CIDR.String()+"<") {
				t.Errorf("subnet %s (%s) is not drawn", s.ID, s.CIDR)
			}
		}
	}
	for _, want := range []string{"EC2 worker", "EC2 web", "ENI RDSNetworkInterface", "VPC peering pcx-0a000000000000001", "Virtual private gateway vgw-0a000000000000001",
		"VPC app (vpc-0a10000000000000a)", "ALB shop-public", "api :8080"} {
		if !strings.Contains(svg, want) {
			t.Errorf("the diagram lacks %q", want)
		}
	}
}
