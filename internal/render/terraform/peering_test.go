package terraform

import (
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/plan/plantest"
)

// peered returns the designs whose Transit Gateways peer across Regions:
// two Regions, two behind Global Accelerator, and three in a full mesh.
func peered(t *testing.T) map[string]*design.Design {
	t.Helper()
	return map[string]*design.Design{
		"two-region":  plantest.File(t, "../../../examples/two-region.yaml"),
		"accelerator": plantest.Design(t, "accelerator.yaml", []byte(plantest.AcceleratorSpec)),
		"tri": plantest.Design(t, "tri.yaml", []byte(`version: 1
app: tri
regions: [us-east-1, eu-west-1, ap-southeast-2]
network: {pattern: multi_region, azs: 2}
services:
  web: {port: 8080, public: true, depends_on: [api]}
  api: {port: 9090}
tls: {domain: tri.example.com}
`)),
	}
}

// traversals returns the references an attribute's expression makes, as
// dotted names (aws_vpc.x.id), or nil when the block lacks it.
func traversals(b *hclsyntax.Block, attr string) []string {
	a, ok := b.Body.Attributes[attr]
	if !ok {
		return nil
	}
	var out []string
	for _, tr := range a.Expr.Variables() {
		parts := []string{tr.RootName()}
		for _, step := range tr[1:] {
			if at, ok := step.(hcl.TraverseAttr); ok {
				parts = append(parts, at.Name)
			}
		}
		out = append(out, strings.Join(parts, "."))
	}
	return out
}

// TestPeeringWaitsForTheAccepter parses network.tf and checks each
// peering attachment has an accepter resource through the accepter
// Region's provider, accepting the requester's attachment, and that every
// Transit Gateway route table association and route through the peering,
// on either side, comes after the acceptance: it uses the accepter's ID or
// depends_on the accepter.
func TestPeeringWaitsForTheAccepter(t *testing.T) {
	for example, d := range peered(t) {
		t.Run(example, func(t *testing.T) {
			files, _, err := Render(d)
			if err != nil {
				t.Fatal(err)
			}
			f, diags := hclsyntax.ParseConfig(files["network.tf"], "network.tf", hcl.InitialPos)
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			blocks := map[string]*hclsyntax.Block{}
			for _, b := range f.Body.(*hclsyntax.Body).Blocks {
				if b.Type == "resource" {
					blocks[b.Labels[0]+"."+b.Labels[1]] = b
				}
			}
			for _, p := range d.TransitGatewayPeerings {
				requester := "aws_ec2_transit_gateway_peering_attachment." + name(p.ID)
				accepter := "aws_ec2_transit_gateway_peering_attachment_accepter." + name(p.ID)
				acc, ok := blocks[accepter]
				if !ok {
					t.Errorf("no %s", accepter)
					continue
				}
				if got, want := traversals(acc, "provider"), "aws."+name(d.TransitGateway(p.Accepter).Region); !slices.Equal(got, []string{want}) {
					t.Errorf("%s goes through provider %v, want %s (the accepter's Region)", accepter, got, want)
				}
				if got := traversals(acc, "transit_gateway_attachment_id"); !slices.Equal(got, []string{requester + ".id"}) {
					t.Errorf("%s accepts %v, want %s.id", accepter, got, requester)
				}
				uses := 0
				for key, b := range blocks {
					typ := b.Labels[0]
					if typ != "aws_ec2_transit_gateway_route_table_association" && typ != "aws_ec2_transit_gateway_route" {
						continue
					}
					id := traversals(b, "transit_gateway_attachment_id")
					if !slices.Contains(id, requester+".id") && !slices.Contains(id, accepter+".id") {
						continue
					}
					uses++
					if !slices.Contains(id, accepter+".id") && !slices.Contains(traversals(b, "depends_on"), accepter) {
						t.Errorf("%s uses %s before it is accepted: it neither takes %s.id nor depends_on it", key, p.ID, accepter)
					}
				}
				if uses != 4 { // an association and a route on each side
					t.Errorf("%d associations and routes through %s; want 4", uses, p.ID)
				}
			}
		})
	}
}

// TestUnstagedPeeringIsRefused checks a design that peers Regions with no
// stage accepting the peering is refused rather than exported.
func TestUnstagedPeeringIsRefused(t *testing.T) {
	d := plantest.File(t, "../../../examples/two-region.yaml")
	d.Deployment = nil
	if _, _, err := Render(d); err == nil || !strings.Contains(err.Error(), "accepts") {
		t.Errorf("Render of a design that never accepts its peering = %v; want an error", err)
	}
}
