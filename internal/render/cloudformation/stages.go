package cloudformation

import (
	"fmt"
	"slices"
	"strings"

	"github.com/netwright/netwright/internal/design"
)

// stageWhat says what a deployment stage makes.
var stageWhat = map[string]string{
	design.StageBase:           "the Region's network, Transit Gateway, security, load balancers and services",
	design.StagePeeringRequest: "the Transit Gateway peering attachments this Region requests",
	design.StagePeeringAccept:  "acceptance of the Transit Gateway peering attachments this Region's gateway is asked for",
	design.StagePeeringRoutes:  "the route table associations and static routes through accepted Transit Gateway peering attachments",
}

// StackName is the name of the stack, and of its template files, that a
// deployment stage makes: <app>-<region> for a Region's base stack,
// <app>-<region>-<kind> for a peering stage's, such as
// pay-us-east-1-peering-request.
func StackName(d *design.Design, s design.Stage) string {
	name := d.App + "-" + s.Region
	if s.Kind != design.StageBase {
		name += "-" + strings.ReplaceAll(s.Kind, "_", "-")
	}
	return name
}

// ReadmeName is the file the deployment guide (Readme) is written to,
// beside the templates.
func ReadmeName(d *design.Design) string { return d.App + "-README.md" }

// deployable refuses a design whose deployment would leave a Region out
// or a peering attachment unaccepted: its stacks could never all create.
func deployable(d *design.Design) error {
	for _, r := range d.Regions {
		if d.Stage(design.StageID(design.StageBase, r)) == nil {
			return fmt.Errorf("the design's deployment has no base stage for %s; plan the design again", r)
		}
	}
	for _, p := range d.TransitGatewayPeerings {
		if d.PeeringAcceptStage(p.ID) == "" {
			return fmt.Errorf("nothing in the design's deployment accepts Transit Gateway peering %s, so no route through it could be created; plan the design again (check NW127 says why)", p.ID)
		}
	}
	return nil
}

// Readme returns the deployment guide of a design that deploys in stages:
// each stack in order with the aws cloudformation deploy command that
// creates it, each parameter given from the output of the earlier stack
// that makes it, and the aws ec2 commands that accept each Transit Gateway
// peering attachment between the stacks that request it and the stacks
// that route through it. It returns nil for a design whose Regions each
// deploy as one stack.
func Readme(d *design.Design, files []File) []byte {
	isCluster := func(f File) bool { return f.Stage == "" && f.Name == ClusterStackName(d, f.Region) }
	cluster := slices.ContainsFunc(files, isCluster)
	if d.Deployment == nil && len(d.Sites) == 0 && !cluster {
		return nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# Deploying %s (%s) with CloudFormation\n\n", d.App, d.Environment)
	if cluster {
		b.WriteString("Written by `netwright export`. The pods of this design run in an EKS cluster that is built on\n" +
			"the subnets the base stack makes, so the cluster comes after that stack; and an EKS Pod\n" +
			"Identity association names its cluster (CreatePodIdentityAssociation fails with\n" +
			"ResourceNotFoundException for a cluster that does not exist yet). So the base stack makes the\n" +
			"network, security groups and the pods' IAM roles, you create the cluster on its subnets, and\n" +
			"the cluster stack, deployed after it, associates each role with its service account.\n\n")
	}
	switch {
	case d.Deployment == nil && len(d.Sites) == 0:
	case d.Deployment == nil:
		b.WriteString("Written by `netwright export`. The on-premises sites of this design attach to the Transit\n" +
			"Gateway through a VPN connection or a Direct Connect gateway association, each of which makes a\n" +
			"Transit Gateway attachment CloudFormation does not return. So the base stack makes the\n" +
			"connections and the route tables, and the sites stack, deployed after it, associates the\n" +
			"attachments and propagates their routes, taking their IDs from `aws ec2\n" +
			"describe-transit-gateway-attachments` (an attachment exists once its connection does).\n\n")
	default:
		b.WriteString("Written by `netwright export`. The Transit Gateways of this design peer across Regions, and\n" +
			"one stack per Region cannot make that: a peering attachment is created from both gateways' IDs\n" +
			"and waits in `pendingAcceptance` until it is accepted from the accepter's Region (an API call; no\n" +
			"CloudFormation resource accepts one), and only an accepted attachment can be associated with a\n" +
			"Transit Gateway route table or carry static routes. So the stacks deploy in this order, each\n" +
			"taking the IDs it needs from the outputs of stacks before it, with the acceptance between them.\n" +
			"Every Region deploys in one account, the one your credentials are for.\n\n")
	}
	b.WriteString("Run the steps in order from this directory. They read stack outputs with this shell function:\n\n")
	b.WriteString("```sh\noutput() { aws cloudformation describe-stacks --region \"$1\" --stack-name \"$2\" --query \"Stacks[0].Outputs[?OutputKey=='$3'].OutputValue\" --output text; }\n```\n")
	var done []File // stacks deployed by earlier steps
	var order []File
	step := 0
	deploy := func(f File) {
		step++
		what := stageWhat[design.StageBase]
		if s := d.Stage(f.Stage); s != nil {
			what = stageWhat[s.Kind]
		} else if isCluster(f) {
			what = "the EKS Pod Identity associations of the pods' IAM roles with their service accounts (after the cluster exists)"
		} else if strings.HasSuffix(f.Name, "-sites") {
			what = "the on-premises sites' Transit Gateway attachments, associated with their route tables and propagating into the VPCs' (after the VPN connections and Direct Connect gateway associations of the base stack exist)"
		} else if f.Stage == "" {
			what = "the Global Accelerator and the global domain's record, after every Regional stack"
		}
		fmt.Fprintf(&b, "\n## %d. Stack %s in %s\n\n%s.\n", step, f.Name, f.Region, upperFirst(what))
		var nested []File
		iam := hasIAM(f.Template)
		for _, c := range files {
			if c.Nested && strings.HasPrefix(c.Name, f.Name+"-") && c.Stage == f.Stage {
				nested = append(nested, c)
				iam = iam || hasIAM(c.Template)
			}
		}
		if len(nested) > 0 {
			b.WriteString("\nIts template is split into nested stacks: upload them to one S3 prefix first and give that\nprefix's URL as TemplateBaseURL.\n\n```sh\n")
			for _, c := range nested {
				fmt.Fprintf(&b, "aws s3 cp %s.template.json s3://BUCKET/PREFIX/\n", c.Name)
			}
			b.WriteString("```\n")
		}
		var given, inputs []string
		for _, p := range sortedKeys(f.Template.Parameters) {
			param := f.Template.Parameters[p]
			if param.Default != "" {
				continue
			}
			if from, ok := outputOf(done, p); ok {
				given = append(given, fmt.Sprintf("%s=\"$(output %s %s %s)\"", p, from.Region, from.Name, p))
				continue
			}
			if _, cmd, ok := strings.Cut(param.Description, lookupMarker); ok {
				given = append(given, fmt.Sprintf("%s=\"$(%s)\"", p, cmd))
				continue
			}
			given = append(given, p+"=...")
			inputs = append(inputs, fmt.Sprintf("- `%s`: %s", p, param.Description))
		}
		if len(inputs) > 0 {
			fmt.Fprintf(&b, "\nGive these values in place of `...`:\n\n%s\n", strings.Join(inputs, "\n"))
		}
		fmt.Fprintf(&b, "\n```sh\naws cloudformation deploy --region %s --stack-name %s \\\n  --template-file %s.template.yaml", f.Region, f.Name, f.Name)
		if iam {
			b.WriteString(" \\\n  --capabilities CAPABILITY_IAM")
		}
		if len(given) > 0 {
			fmt.Fprintf(&b, " \\\n  --parameter-overrides \\\n    %s", strings.Join(given, " \\\n    "))
		}
		b.WriteString("\n```\n")
		done = append(done, f)
		order = append(order, f)
	}
	for _, s := range d.Stages() {
		if s.Kind != design.StagePeeringAccept {
			for _, f := range files {
				if f.Stage == s.ID && !f.Nested {
					deploy(f)
				}
			}
			continue
		}
		for _, p := range s.Peerings {
			step++
			req := d.Stage(d.PeeringRequestStage(p))
			out := logicalID(p) + "Id"
			fmt.Fprintf(&b, "\n## %d. Accept peering %s in %s\n\n", step, p, s.Region)
			fmt.Fprintf(&b, "The attachment has the same ID in both Regions, output %s of stack %s.\nAccept it from %s, then wait until it is available.\n\n", out, StackName(d, *req), s.Region)
			fmt.Fprintf(&b, "```sh\nattachment=\"$(output %s %s %s)\"\n", req.Region, StackName(d, *req), out)
			fmt.Fprintf(&b, "aws ec2 accept-transit-gateway-peering-attachment --region %s --transit-gateway-attachment-id \"$attachment\"\n", s.Region)
			fmt.Fprintf(&b, "until [ \"$(aws ec2 describe-transit-gateway-peering-attachments --region %s --transit-gateway-attachment-ids \"$attachment\" \\\n"+
				"  --query 'TransitGatewayPeeringAttachments[0].State' --output text)\" = available ]; do sleep 15; done\n```\n", s.Region)
		}
	}
	for _, f := range files {
		if f.Stage == "" && !f.Nested {
			if isCluster(f) {
				step++
				fmt.Fprintf(&b, "\n## %d. The EKS cluster in %s\n\n%s", step, f.Region, clusterGuide(d, f.Region))
			}
			deploy(f)
		}
	}
	b.WriteString("\n## Deleting\n\nDelete the stacks in the reverse order")
	if d.Deployment != nil {
		b.WriteString("; deleting a peering request stack deletes its\nattachments on both sides")
	}
	if cluster {
		b.WriteString(" (delete the EKS cluster after the cluster stack and before the base stack)")
	}
	b.WriteString(".\n\n```sh\n")
	for _, f := range slices.Backward(order) {
		fmt.Fprintf(&b, "aws cloudformation delete-stack --region %s --stack-name %s && aws cloudformation wait stack-delete-complete --region %s --stack-name %s\n", f.Region, f.Name, f.Region, f.Name)
	}
	b.WriteString("```\n")
	return []byte(b.String())
}

// outputOf returns the last of the stacks that outputs name.
func outputOf(stacks []File, name string) (File, bool) {
	for _, f := range slices.Backward(stacks) {
		if _, ok := f.Template.Outputs[name]; ok {
			return f, true
		}
	}
	return File{}, false
}

func hasIAM(t *Template) bool {
	for _, r := range t.Resources {
		if strings.HasPrefix(r.Type, "AWS::IAM::") {
			return true
		}
	}
	return false
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// clusterGuide says how to create the EKS cluster on the base stack's
// subnets: what the cluster and its nodes are given from its outputs.
func clusterGuide(d *design.Design, region string) string {
	base := StackName(d, design.Stage{Kind: design.StageBase, Region: region})
	var b strings.Builder
	fmt.Fprintf(&b, "Create the cluster (eksctl, Terraform's EKS module or the console) on the subnets of stack\n%s, with the `eks-pod-identity-agent` add-on, then deploy the next stack with its name.\n", base)
	for _, g := range d.SecurityGroups {
		if v := d.VPC(g.VPC); v == nil || v.Region != region {
			continue
		}
		switch g.Kind {
		case design.SGControlPlane:
			if len(d.NodeSubnets(g.VPC)) > 0 {
				fmt.Fprintf(&b, "\n- Create the cluster and its node groups on the subnets of output %sNodeSubnetIds\n  (`--resources-vpc-config subnetIds=...`): the pods' tier, whose routes and NACLs the design\n  made for the nodes; the other tiers' NACLs refuse their traffic.\n", logicalID(g.VPC))
			}
			fmt.Fprintf(&b, "\n- Give the cluster the security group of output %sId (`--resources-vpc-config\n  securityGroupIds=...`) and turn its private endpoint access on: the nodes reach the API server\n  through it.\n", logicalID(g.ID))
		case design.SGNodes:
			fmt.Fprintf(&b, "\n- Give the managed node group a launch template whose security group is output %sId: a\n  launch template that names groups gets no cluster security group, and this group has what the\n  nodes need.\n", logicalID(g.ID))
		}
	}
	if k := d.Kubernetes; k != nil {
		for _, pol := range k.ClusterRoleManagedPolicies() {
			fmt.Fprintf(&b, "\n- Attach the managed policy %s to the cluster's IAM role (`aws iam\n  attach-role-policy --policy-arn arn:aws:iam::aws:policy/%s`): the pods' security groups\n  ride branch network interfaces the control plane's VPC resource controller makes with it.\n", pol, pol)
		}
		fmt.Fprintf(&b, "\n- Give the `vpc-cni` add-on this configuration (`--configuration-values`), which the pods'\n  NetworkPolicies and security groups need:\n\n  ```json\n  %s\n  ```\n", k.VPCCNIAddonConfiguration())
	}
	return b.String()
}
