package terraform

import (
	"bytes"
	"fmt"
	"maps"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/golden"
	"github.com/netwright/netwright/internal/plan/plantest"
)

// edgeGRPCSpec has a public gRPC service behind CloudFront, which no
// example has.
const edgeGRPCSpec = `version: 1
app: cf
services:
  web: {port: 8080, public: true}
  rpc: {port: 50051, protocol: grpc, public: true}
ingress:
  - {path: /shop.v1.Rpc/*, to: rpc}
  - {to: web}
tls: {domain: cf.example.com}
edge: {cloudfront: true, static_paths: [/assets/*]}
`

func render(t *testing.T, example string) Files {
	t.Helper()
	var d *design.Design
	switch example {
	case "lattice":
		d = plantest.Design(t, "lattice.yaml", []byte(plantest.LatticeSpec))
	case "accelerator":
		d = plantest.Design(t, "accelerator.yaml", []byte(plantest.AcceleratorSpec))
	case "eks":
		d = plantest.Design(t, "eks.yaml", []byte(plantest.EKSSpec))
	case "cloudmap":
		d = plantest.Design(t, "cloudmap.yaml", []byte(plantest.CloudMapSpec))
	case "secondary":
		d = plantest.Design(t, "big.yaml", []byte(plantest.SecondaryBlocksSpec))
	case "eks-storefront-ingress":
		d = plantest.File(t, "../../../testdata/specs/eks-storefront-ingress.yaml")
	case "edge-grpc":
		d = plantest.Design(t, "cf.yaml", []byte(edgeGRPCSpec))
	default:
		d = plantest.File(t, example)
	}
	files, _, err := Render(d)
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// unresolved parses every file and returns each reference to a resource,
// data source, variable or provider the configuration does not declare.
func unresolved(t *testing.T, files Files) []string {
	t.Helper()
	declared := map[string]bool{}
	type attr struct {
		file string
		expr hclsyntax.Expression
	}
	var exprs []attr
	var walk func(file string, b *hclsyntax.Body)
	walk = func(file string, b *hclsyntax.Body) {
		for _, a := range b.Attributes {
			exprs = append(exprs, attr{file, a.Expr})
		}
		for _, blk := range b.Blocks {
			walk(file, blk.Body)
		}
	}
	for name, src := range files {
		if !strings.HasSuffix(name, ".tf") {
			continue // the deployment guide
		}
		f, diags := hclsyntax.ParseConfig(src, name, hcl.InitialPos)
		if diags.HasErrors() {
			t.Fatalf("%s does not parse: %v", name, diags)
		}
		body := f.Body.(*hclsyntax.Body)
		for _, blk := range body.Blocks {
			switch blk.Type {
			case "resource":
				declared[blk.Labels[0]+"."+blk.Labels[1]] = true
			case "data":
				declared["data."+blk.Labels[0]+"."+blk.Labels[1]] = true
			case "variable":
				declared["var."+blk.Labels[0]] = true
			case "provider":
				if a, ok := blk.Body.Attributes["alias"]; ok {
					v, _ := a.Expr.Value(nil)
					declared["aws."+v.AsString()] = true
				}
			}
		}
		walk(name, body)
	}
	var missing []string
	for _, a := range exprs {
		for _, tr := range a.expr.Variables() {
			parts := []string{tr.RootName()}
			for _, step := range tr[1:] {
				if at, ok := step.(hcl.TraverseAttr); ok {
					parts = append(parts, at.Name)
				}
			}
			var key string
			switch {
			case parts[0] == "string":
				continue
			case parts[0] == "data" && len(parts) >= 3:
				key = strings.Join(parts[:3], ".")
			case len(parts) >= 2:
				key = parts[0] + "." + parts[1]
			default:
				key = parts[0]
			}
			if !declared[key] {
				missing = append(missing, fmt.Sprintf("%s: %s", a.file, key))
			}
		}
	}
	slices.Sort(missing)
	return slices.Compact(missing)
}

// TestOutputParsesFormatsAndResolves checks every example's configuration:
// it parses, it is in canonical format, every reference resolves, and it
// matches the golden files.
func TestOutputParsesFormatsAndResolves(t *testing.T) {
	examples, _ := filepath.Glob("../../../examples/*.yaml")
	for _, ex := range append(examples, "lattice", "accelerator", "eks", "cloudmap", "secondary", "eks-storefront-ingress") {
		base := strings.TrimSuffix(filepath.Base(ex), ".yaml")
		t.Run(base, func(t *testing.T) {
			files := render(t, ex)
			for _, want := range []string{"versions.tf", "variables.tf", "network.tf", "security.tf", "loadbalancing.tf", "services.tf", "outputs.tf"} {
				if _, ok := files[want]; !ok {
					t.Errorf("no %s", want)
				}
			}
			for name, src := range files {
				if strings.HasSuffix(name, ".tf") && !bytes.Equal(hclwrite.Format(src), src) {
					t.Errorf("%s is not canonically formatted", name)
				}
			}
			for dir, root := range roots(files) {
				for _, m := range unresolved(t, root) {
					t.Errorf("%s: unresolved reference %s", dir, m)
				}
			}
			for name, src := range files {
				golden.Check(t, filepath.Join("testdata", base, name), src)
			}
		})
	}
}

// TestReferenceCheckCanFail removes a resource the others use.
func TestReferenceCheckCanFail(t *testing.T) {
	files := render(t, "../../../examples/three-tier.yaml")
	f, _ := hclwrite.ParseConfig(files["network.tf"], "network.tf", hcl.InitialPos)
	for _, blk := range f.Body().Blocks() {
		if blk.Type() == "resource" && blk.Labels()[0] == "aws_vpc" {
			f.Body().RemoveBlock(blk)
		}
	}
	files["network.tf"] = f.Bytes()
	if len(unresolved(t, files)) == 0 {
		t.Error("removing the VPC left no unresolved reference")
	}
}

// TestAcceleratorThroughUsWest2 checks Global Accelerator's resources go
// through a us-west-2 provider, declared even though the design has no
// Region there, and that each endpoint group names its Region's public
// load balancer.
func TestAcceleratorThroughUsWest2(t *testing.T) {
	files := render(t, "accelerator")
	if !strings.Contains(string(files["versions.tf"]), "alias  = \"us_west_2\"\n  region = \"us-west-2\"") {
		t.Errorf("versions.tf declares no us-west-2 provider:\n%s", files["versions.tf"])
	}
	f, diags := hclwrite.ParseConfig(files["services.tf"], "services.tf", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	groups := 0
	for _, b := range f.Body().Blocks() {
		labels := b.Labels()
		if b.Type() != "resource" || !strings.HasPrefix(labels[0], "aws_globalaccelerator_") {
			continue
		}
		if p := strings.TrimSpace(string(b.Body().GetAttribute("provider").Expr().BuildTokens(nil).Bytes())); p != "aws.us_west_2" {
			t.Errorf("%s.%s goes through provider %q, not aws.us_west_2", labels[0], labels[1], p)
		}
		if labels[0] != "aws_globalaccelerator_endpoint_group" {
			continue
		}
		groups++
		region := strings.Trim(strings.TrimSpace(string(b.Body().GetAttribute("endpoint_group_region").Expr().BuildTokens(nil).Bytes())), `"`)
		ep := b.Body().Blocks()[0].Body().GetAttribute("endpoint_id")
		if want := "aws_lb.alb_edge_" + name(region) + "_public.arn"; strings.TrimSpace(string(ep.Expr().BuildTokens(nil).Bytes())) != want {
			t.Errorf("%s: endpoint %s, want %s", labels[1], ep.Expr().BuildTokens(nil).Bytes(), want)
		}
	}
	if groups != 4 { // two listeners (80, 443) times two Regions
		t.Errorf("%d endpoint groups, want 4", groups)
	}
}

// roots splits the files by the directory of the Terraform root they
// belong to ("." for the base configuration).
func roots(files Files) map[string]Files {
	out := map[string]Files{}
	for n, b := range files {
		dir, base := path.Split(n)
		dir = strings.TrimSuffix(dir, "/")
		if dir == "" {
			dir = "."
		}
		if out[dir] == nil {
			out[dir] = Files{}
		}
		out[dir][base] = b
	}
	return out
}

// TestClusterConfiguration pins the order an EKS design applies in: the
// base configuration makes the subnets and the pods' roles and nothing
// that names the cluster (built on those subnets afterwards, so
// CreatePodIdentityAssociation would fail with ResourceNotFoundException);
// the configuration in cluster/ associates every role, taking its ARN as
// a variable the base configuration outputs.
func TestClusterConfiguration(t *testing.T) {
	files := render(t, "../../../examples/eks-storefront.yaml")
	rs := roots(files)
	base, cluster := rs["."], rs[ClusterDir]
	if cluster == nil {
		t.Fatalf("files %v; want a configuration in %s/", slices.Sorted(maps.Keys(files)), ClusterDir)
	}
	for n, b := range base {
		if !strings.HasSuffix(n, ".tf") {
			continue
		}
		if strings.Contains(string(b), "aws_eks_") || strings.Contains(string(b), "eks_cluster_name") {
			t.Errorf("base configuration's %s names the EKS cluster, which cannot exist before its subnets", n)
		}
	}
	assoc := regexp.MustCompile(`resource "aws_eks_pod_identity_association" "\w+" \{[^}]*role_arn\s*=\s*var\.(\w+)`)
	got := assoc.FindAllStringSubmatch(string(cluster["main.tf"]), -1)
	if len(got) != 5 {
		t.Errorf("cluster/main.tf associates %d roles; want the 5 services' roles:\n%s", len(got), cluster["main.tf"])
	}
	for _, m := range got {
		if !strings.Contains(string(base["outputs.tf"]), `output "`+m[1]+`"`) {
			t.Errorf("cluster/ takes var.%s, which the base configuration does not output", m[1])
		}
	}
	// Security Groups for Pods ride trunk and branch network interfaces
	// the VPC resource controller makes with the cluster role's
	// AmazonEKSVPCResourceController policy:
	// https://docs.aws.amazon.com/eks/latest/userguide/security-groups-pods-deployment.html
	if !strings.Contains(string(files["storefront-README.md"]), "arn:aws:iam::aws:policy/AmazonEKSVPCResourceController") {
		t.Errorf("the guide does not attach AmazonEKSVPCResourceController to the cluster role:\n%s", files["storefront-README.md"])
	}
	if !strings.Contains(string(files["storefront-README.md"]), "cd "+ClusterDir) {
		t.Errorf("the guide does not say to apply %s/ after the cluster:\n%s", ClusterDir, files["storefront-README.md"])
	}
	// The cluster and its nodes go on the pods' subnets, whose NACLs the
	// design made for them: an output lists them and the guide names it.
	d := plantest.File(t, "../../../examples/eks-storefront.yaml")
	var subnets []string
	for _, sn := range d.NodeSubnets("vpc-storefront") {
		subnets = append(subnets, "aws_subnet."+name(sn)+".id")
	}
	out := regexp.MustCompile(`output "vpc_storefront_node_subnet_ids" \{[^}]*value\s*=\s*\[([^\]]*)\]`).FindStringSubmatch(string(base["outputs.tf"]))
	if len(subnets) < 2 || out == nil || strings.Join(strings.Fields(strings.ReplaceAll(out[1], ",", " ")), " ") != strings.Join(subnets, " ") {
		t.Errorf("output vpc_storefront_node_subnet_ids is %q; want %v", out, subnets)
	}
	if !strings.Contains(string(files["storefront-README.md"]), "subnets of output `vpc_storefront_node_subnet_ids`") {
		t.Errorf("the guide does not point at the node subnets:\n%s", files["storefront-README.md"])
	}
}

// argumentsSince are the arguments the configuration writes that
// hashicorp/aws added after 5.0, with the first release that has them:
// below it terraform refuses the configuration (Unsupported argument or
// block type) instead of choosing a newer provider.
//   - aws_ecs_service vpc_lattice_configurations: hashicorp/terraform-provider-aws
//     #40177 (issue #40176, ECS's VPC Lattice launch of 2024-11-18), in 5.77.0.
//   - security_group_referencing_support on Transit Gateways and their VPC
//     attachments: #34542, in 5.69.0 (aws-ia/terraform-aws-vpc #160).
//   - aws_customer_gateway bgp_asn_extended (an ASN above 2,147,483,647):
//     #37815 (issue #37810), in 5.53.0.
//   - aws_cloudfront_distribution's cache behaviors' grpc_config: #40762
//     (issue #40492), merged on 2025-01-06 after 5.82.2, in 5.83.0.
//
// An argument is named without its blocks: grpc_config is
// default_cache_behavior's.
var argumentsSince = map[[2]string]string{
	{"aws_cloudfront_distribution", "grpc_config"}:                                   "5.83.0",
	{"aws_customer_gateway", "bgp_asn_extended"}:                                     "5.53.0",
	{"aws_ecs_service", "vpc_lattice_configurations"}:                                "5.77.0",
	{"aws_ec2_transit_gateway", "security_group_referencing_support"}:                "5.69.0",
	{"aws_ec2_transit_gateway_vpc_attachment", "security_group_referencing_support"}: "5.69.0",
}

// versionLess compares dotted versions numerically.
func versionLess(a, b string) bool {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := range max(len(as), len(bs)) {
		var x, y int
		if i < len(as) {
			fmt.Sscan(as[i], &x)
		}
		if i < len(bs) {
			fmt.Sscan(bs[i], &y)
		}
		if x != y {
			return x < y
		}
	}
	return false
}

// TestProviderFloorHasEveryArgument: the lowest hashicorp/aws version the
// required_providers constraint admits has every argument each example's
// configuration uses (argumentsSince), in every root.
func TestProviderFloorHasEveryArgument(t *testing.T) {
	examples, _ := filepath.Glob("../../../examples/*.yaml")
	used := 0
	for _, ex := range append(examples, "lattice", "accelerator", "eks", "cloudmap", "secondary", "eks-storefront-ingress", "edge-grpc") {
		base := strings.TrimSuffix(filepath.Base(ex), ".yaml")
		t.Run(base, func(t *testing.T) {
			for dir, root := range roots(render(t, ex)) {
				floor := ""
				if m := regexp.MustCompile(`"hashicorp/aws"[^}]*version\s*=\s*">=\s*([0-9.]+)`).FindSubmatch(root["versions.tf"]); m != nil {
					floor = string(m[1])
				} else {
					t.Fatalf("%s/versions.tf has no lower bound on hashicorp/aws", dir)
				}
				for name, src := range root {
					if !strings.HasSuffix(name, ".tf") {
						continue
					}
					f, diags := hclsyntax.ParseConfig(src, name, hcl.InitialPos)
					if diags.HasErrors() {
						t.Fatal(diags)
					}
					for _, b := range f.Body.(*hclsyntax.Body).Blocks {
						if b.Type != "resource" {
							continue
						}
						var args []string
						var collect func(body *hclsyntax.Body)
						collect = func(body *hclsyntax.Body) {
							args = append(args, slices.Collect(maps.Keys(body.Attributes))...)
							for _, c := range body.Blocks {
								args = append(args, c.Type)
								collect(c.Body)
							}
						}
						collect(b.Body)
						for _, a := range args {
							since, ok := argumentsSince[[2]string{b.Labels[0], a}]
							if !ok {
								continue
							}
							used++
							if versionLess(floor, since) {
								t.Errorf("%s: %s.%s sets %s, which hashicorp/aws has since %s, but the constraint admits %s", path.Join(dir, name), b.Labels[0], b.Labels[1], a, since, floor)
							}
						}
					}
				}
			}
		})
	}
	if used == 0 {
		t.Error("no example uses an argument of argumentsSince: the check checked nothing")
	}
}
