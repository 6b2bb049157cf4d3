package terraform

import (
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/netwright/netwright/internal/plan/plantest"
)

// TestSecondaryBlocksExport: each secondary block of a VPC is an
// aws_vpc_ipv4_cidr_block_association, and a subnet in one takes its VPC
// ID from the association, so Terraform creates it once the block is
// associated (a subnet's CIDR must lie in an associated block:
// https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html).
func TestSecondaryBlocksExport(t *testing.T) {
	d := plantest.Design(t, "big.yaml", []byte(plantest.SecondaryBlocksSpec))
	files, _, err := Render(d)
	if err != nil {
		t.Fatal(err)
	}
	f, diags := hclwrite.ParseConfig(files["network.tf"], "network.tf", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	assoc := map[string]string{}   // CIDR -> resource name
	subnets := map[string]string{} // CIDR -> vpc_id expression
	for _, b := range f.Body().Blocks() {
		if b.Type() != "resource" {
			continue
		}
		attr := func(n string) string {
			return strings.Trim(strings.TrimSpace(string(b.Body().GetAttribute(n).Expr().BuildTokens(nil).Bytes())), `"`)
		}
		switch b.Labels()[0] {
		case "aws_vpc_ipv4_cidr_block_association":
			assoc[attr("cidr_block")] = b.Labels()[1]
		case "aws_subnet":
			subnets[attr("cidr_block")] = attr("vpc_id")
		}
	}
	v := d.VPCs[0]
	if len(assoc) != len(v.SecondaryCIDRs) {
		t.Fatalf("%d associations; want one per secondary block %v", len(assoc), v.SecondaryCIDRs)
	}
	for _, s := range v.Subnets {
		b, _ := v.BlockHolding(s.CIDR)
		want := "aws_vpc." + name(v.ID) + ".id"
		if a, ok := assoc[b.String()]; ok {
			want = "aws_vpc_ipv4_cidr_block_association." + a + ".vpc_id"
		}
		if got := subnets[s.CIDR.String()]; got != want {
			t.Errorf("subnet %s (%s) has vpc_id %s; want %s", s.ID, s.CIDR, got, want)
		}
	}
}
