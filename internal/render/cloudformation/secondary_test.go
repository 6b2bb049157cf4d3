package cloudformation

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/netwright/netwright/internal/plan/plantest"
)

// TestSecondaryBlocksExport: each secondary block of a VPC is an
// AWS::EC2::VPCCidrBlock, and a subnet in one is created only after the
// block is associated (a subnet's CIDR must lie in an associated block:
// https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html).
func TestSecondaryBlocksExport(t *testing.T) {
	d := plantest.Design(t, "big.yaml", []byte(plantest.SecondaryBlocksSpec))
	files, _, err := Build(d)
	if err != nil {
		t.Fatal(err)
	}
	res := files[0].Template.Resources
	v := d.VPCs[0]
	blocks := map[string]string{} // CIDR -> logical ID
	for id, r := range res {
		if r.Type == "AWS::EC2::VPCCidrBlock" {
			var props struct{ CidrBlock string }
			b, _ := json.Marshal(r.Properties)
			json.Unmarshal(b, &props)
			blocks[props.CidrBlock] = id
		}
	}
	if len(blocks) != len(v.SecondaryCIDRs) {
		t.Fatalf("%d AWS::EC2::VPCCidrBlock resources; want one per secondary block %v", len(blocks), v.SecondaryCIDRs)
	}
	for _, s := range v.Subnets {
		b, _ := v.BlockHolding(s.CIDR)
		r := res[logicalID(s.ID)]
		want, secondary := blocks[b.String()]
		switch {
		case secondary && !slices.Contains(r.DependsOn, want):
			t.Errorf("subnet %s in %s depends on %v; want %s", s.ID, b, r.DependsOn, want)
		case !secondary && len(r.DependsOn) > 0:
			t.Errorf("subnet %s in the primary block depends on %v", s.ID, r.DependsOn)
		}
	}
}
