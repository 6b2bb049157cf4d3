package terraform

import (
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/netwright/netwright/internal/plan/plantest"
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

// TestClusterNamePerRegion: a design in several Regions has an EKS
// cluster in each, so the cluster configuration asks for each one's name
// and gives each Region's associations its own.
func TestClusterNamePerRegion(t *testing.T) {
	d := plantest.Design(t, "mr.yaml", []byte(`version: 1
app: mr
regions: [us-east-1, us-west-2]
network: {compute: eks}
services:
  web: {port: 8080, public: true, depends_on: [api]}
  api: {port: 9090}
tls: {domain: mr.example.com}
`))
	files, _, err := Render(d)
	if err != nil {
		t.Fatal(err)
	}
	f, diags := hclsyntax.ParseConfig(files[ClusterDir+"/main.tf"], "main.tf", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	n := 0
	for _, b := range f.Body.(*hclsyntax.Body).Blocks {
		if b.Type != "resource" || b.Labels[0] != "aws_eks_pod_identity_association" {
			continue
		}
		n++
		provider, cluster := traversals(b, "provider"), traversals(b, "cluster_name")
		if len(provider) != 1 || len(cluster) != 1 || strings.TrimPrefix(provider[0], "aws.") != strings.TrimPrefix(cluster[0], "var.eks_cluster_name_") {
			t.Errorf("%s: provider %v, cluster %v; want the cluster of the provider's Region", b.Labels[1], provider, cluster)
		}
	}
	if n < 2 {
		t.Errorf("%d associations; want those of both Regions", n)
	}
}

// TestLatticeTargetGroupsRegistered: ECS registers tasks in a VPC Lattice
// target group only through the service's vpc_lattice_configurations
// (the ECS API reference, VpcLatticeConfiguration), so every target group
// the configuration makes needs a service naming it; a group none names
// stays empty, and the share of calls a rule forwards to it is lost.
func TestLatticeTargetGroupsRegistered(t *testing.T) {
	files := render(t, "lattice")
	f, diags := hclsyntax.ParseConfig(files["services.tf"], "services.tf", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	var groups []string
	registered := map[string]bool{}
	for _, b := range f.Body.(*hclsyntax.Body).Blocks {
		if b.Type != "resource" {
			continue
		}
		switch b.Labels[0] {
		case "aws_vpclattice_target_group":
			groups = append(groups, "aws_vpclattice_target_group."+b.Labels[1])
		case "aws_ecs_service":
			for _, c := range b.Body.Blocks {
				if c.Type != "vpc_lattice_configurations" {
					continue
				}
				for _, tr := range traversals(c, "target_group_arn") {
					registered[strings.TrimSuffix(tr, ".arn")] = true
				}
			}
		}
	}
	if len(groups) < 2 {
		t.Fatalf("the lattice example makes %d target groups; want its two", len(groups))
	}
	for _, g := range groups {
		if !registered[g] {
			t.Errorf("no aws_ecs_service registers its tasks in %s", g)
		}
	}
}

// TestDistributionProxiesGRPC: CloudFront proxies gRPC only from a cache
// behavior whose grpc_config is enabled (the CloudFront developer guide,
// "Using gRPC with CloudFront distributions"): the default behavior in
// front of a public gRPC service has it, the static ones do not.
func TestDistributionProxiesGRPC(t *testing.T) {
	files := render(t, "edge-grpc")
	f, diags := hclsyntax.ParseConfig(files["edge.tf"], "edge.tf", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	n := 0
	for _, b := range f.Body.(*hclsyntax.Body).Blocks {
		if b.Type != "resource" || b.Labels[0] != "aws_cloudfront_distribution" {
			continue
		}
		for _, c := range b.Body.Blocks {
			var grpc *hclsyntax.Block
			for _, g := range c.Body.Blocks {
				if g.Type == "grpc_config" {
					grpc = g
				}
			}
			switch c.Type {
			case "default_cache_behavior":
				n++
				if grpc == nil {
					t.Errorf("%s: the default cache behavior has no grpc_config", b.Labels[1])
					continue
				}
				if v, _ := grpc.Body.Attributes["enabled"].Expr.Value(nil); !v.True() {
					t.Errorf("%s: grpc_config is not enabled", b.Labels[1])
				}
			case "ordered_cache_behavior":
				if grpc != nil {
					t.Errorf("%s: a static cache behavior has grpc_config, which only POST carries", b.Labels[1])
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no distribution in edge.tf")
	}
}
