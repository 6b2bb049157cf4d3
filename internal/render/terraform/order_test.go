package terraform

import (
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// TestCreatedAfterTheInternetGateway: an Elastic IP, a NAT gateway and an
// internet-facing load balancer need their VPC's internet gateway attached
// first, and none refers to it; without depends_on Terraform creates them
// at once and AWS refuses them ("has no Internet gateway attached").
// Every example, every file.
func TestCreatedAfterTheInternetGateway(t *testing.T) {
	for _, example := range []string{"three-tier", "shop", "hub-spoke", "two-region", "hybrid", "eks-storefront"} {
		t.Run(example, func(t *testing.T) {
			files := render(t, "../../../examples/"+example+".yaml")
			checked := 0
			for file, src := range files {
				if !strings.HasSuffix(file, ".tf") {
					continue
				}
				f, diags := hclsyntax.ParseConfig(src, file, hcl.InitialPos)
				if diags.HasErrors() {
					t.Fatal(diags)
				}
				for _, b := range f.Body.(*hclsyntax.Body).Blocks {
					if b.Type != "resource" {
						continue
					}
					switch b.Labels[0] {
					case "aws_eip", "aws_nat_gateway":
					case "aws_lb":
						if internal, ok := b.Body.Attributes["internal"]; !ok || strings.Contains(string(internal.SrcRange.SliceBytes(src)), "true") {
							continue // internal, or a GWLB
						}
					default:
						continue
					}
					checked++
					if !slices.ContainsFunc(traversals(b, "depends_on"), func(s string) bool { return strings.HasPrefix(s, "aws_internet_gateway.") }) {
						t.Errorf("%s.%s (%s) does not depend on the VPC's internet gateway", b.Labels[0], b.Labels[1], file)
					}
				}
			}
			if checked == 0 {
				t.Errorf("no Elastic IP, NAT gateway or internet-facing load balancer found")
			}
		})
	}
}

// TestAttachmentsAllowGroupReferences: a Transit Gateway that lets
// security groups reference groups across VPCs needs each VPC attachment
// to allow it too; the attachment's default is documented both ways
// (enable in the EC2 API reference, disable in CloudFormation's), so the
// export says it.
func TestAttachmentsAllowGroupReferences(t *testing.T) {
	files := render(t, "../../../examples/hub-spoke.yaml")
	f, diags := hclsyntax.ParseConfig(files["network.tf"], "network.tf", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	n := 0
	for _, b := range f.Body.(*hclsyntax.Body).Blocks {
		if b.Type != "resource" || b.Labels[0] != "aws_ec2_transit_gateway_vpc_attachment" {
			continue
		}
		n++
		a, ok := b.Body.Attributes["security_group_referencing_support"]
		if !ok {
			t.Errorf("aws_ec2_transit_gateway_vpc_attachment.%s does not say whether it allows security group references", b.Labels[1])
			continue
		}
		if v, _ := a.Expr.Value(nil); v.AsString() != "enable" {
			t.Errorf("aws_ec2_transit_gateway_vpc_attachment.%s does not enable security group referencing", b.Labels[1])
		}
	}
	if n == 0 {
		t.Fatal("no VPC attachment in hub-spoke's network.tf")
	}
}
