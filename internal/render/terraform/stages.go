package terraform

import (
	"fmt"
	"slices"
	"strings"

	"github.com/netwright/netwright/internal/design"
)

// ReadmeName is the file the deployment guide is written to, beside the
// configuration.
func ReadmeName(d *design.Design) string { return d.App + "-README.md" }

// readme returns the deployment guide of a design that deploys in stages:
// the order one terraform apply follows and the references and depends_on
// that make it, or nil for a design whose Regions each deploy at once.
func (w *writer) readme() []byte {
	d := w.d
	if d.Deployment == nil {
		if len(w.podRoles) == 0 {
			return nil
		}
		var b strings.Builder
		fmt.Fprintf(&b, "# Deploying %s (%s) with Terraform\n\n", d.App, d.Environment)
		b.WriteString(w.clusterGuide(1))
		return []byte(b.String())
	}
	provider := func(region string) string {
		if a := w.aliases[region]; a != "" {
			return "aws." + a
		}
		return "aws"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# Deploying %s (%s) with Terraform\n\n", d.App, d.Environment)
	b.WriteString("Written by `netwright export --format terraform`. The Transit Gateways of this design peer\n" +
		"across Regions: a peering attachment is created from both gateways' IDs and waits in\n" +
		"`pendingAcceptance` until it is accepted from the accepter's Region, and only an accepted\n" +
		"attachment can be associated with a Transit Gateway route table or carry static routes. One\n" +
		"`terraform apply` creates everything in the design's order, which the configuration's references\n" +
		"and `depends_on` give Terraform:\n\n")
	for i, s := range d.Stages() {
		var what string
		switch s.Kind {
		case design.StageBase:
			what = fmt.Sprintf("%s's network, Transit Gateway with its VPC attachments and route tables, security, load balancers and services (provider `%s`)", s.Region, provider(s.Region))
		case design.StagePeeringRequest:
			what = fmt.Sprintf("the peering attachments %s requests, `aws_ec2_transit_gateway_peering_attachment` %s (provider `%s`), from both gateways' IDs", s.Region, names(s.Peerings), provider(s.Region))
		case design.StagePeeringAccept:
			what = fmt.Sprintf("their acceptance in %s, `aws_ec2_transit_gateway_peering_attachment_accepter` %s (provider `%s`), which waits until each attachment is available; the attachment has the same ID on both sides", s.Region, names(s.Peerings), provider(s.Region))
		case design.StagePeeringRoutes:
			what = fmt.Sprintf("the route table associations and static routes through %s in %s (provider `%s`), which use the accepter's ID or depend on it", strings.Join(s.Peerings, ", "), s.Region, provider(s.Region))
		}
		fmt.Fprintf(&b, "%d. `%s`: %s.\n", i+1, s.ID, what)
	}
	b.WriteString("\nEvery Region deploys in one account, the one your credentials are for.\n\n```sh\nterraform init\nterraform apply")
	var inputs []string
	for _, n := range slices.Sorted(mapKeys(w.vars)) {
		if !strings.HasSuffix(n, "_image") {
			inputs = append(inputs, n)
		}
	}
	for _, n := range inputs {
		fmt.Fprintf(&b, " \\\n  -var '%s=...'", n)
	}
	b.WriteString("\n```\n")
	if len(inputs) > 0 {
		b.WriteString("\nGive these values in place of `...`:\n\n")
		for _, n := range inputs {
			fmt.Fprintf(&b, "- `%s`: %s\n", n, w.vars[n])
		}
	}
	b.WriteString("\n`terraform destroy` removes it all in the reverse order.\n")
	if len(w.podRoles) > 0 {
		b.WriteString("\n" + w.clusterGuide(2))
	}
	return []byte(b.String())
}

// clusterGuide says how an EKS design deploys: this configuration, then
// the cluster on its subnets, then the configuration in ClusterDir, which
// associates the pods' roles with their service accounts; level is the
// Markdown heading level of its sections.
func (w *writer) clusterGuide(level int) string {
	h := strings.Repeat("#", level+1)
	var b strings.Builder
	b.WriteString("Written by `netwright export --format terraform`. The pods of this design run in an EKS cluster\n" +
		"built on the subnets this configuration makes, so the cluster comes after it; and an EKS Pod\n" +
		"Identity association names its cluster (CreatePodIdentityAssociation fails with\n" +
		"ResourceNotFoundException for a cluster that does not exist yet). So this configuration makes\n" +
		"the network, security groups and the pods' IAM roles, you create the cluster on its subnets, and\n" +
		"the configuration in `" + ClusterDir + "/`, applied after it, associates each role with its service account.\n")
	fmt.Fprintf(&b, "\n%s 1. This configuration\n\n```sh\nterraform init\nterraform apply\n```\n", h)
	fmt.Fprintf(&b, "\n%s 2. The EKS cluster\n\nCreate the cluster (eksctl, the terraform-aws-modules/eks module or the console) on the\nsubnets of this configuration, with the `eks-pod-identity-agent` add-on.\n", h)
	for _, g := range w.d.SecurityGroups {
		switch g.Kind {
		case design.SGControlPlane:
			if len(w.d.NodeSubnets(g.VPC)) > 0 {
				fmt.Fprintf(&b, "\n- Create the cluster and its node groups on the subnets of output `%s_node_subnet_ids`\n  (`vpc_config.subnet_ids`, the node groups' `subnet_ids`): the pods' tier, whose routes and NACLs\n  the design made for the nodes; the other tiers' NACLs refuse their traffic.\n", name(g.VPC))
			}
			fmt.Fprintf(&b, "\n- Give the cluster the security group of output `%s_id` (`vpc_config.security_group_ids`)\n  and turn its private endpoint access on: the nodes reach the API server through it.\n", name(g.ID))
		case design.SGNodes:
			fmt.Fprintf(&b, "\n- Give the managed node group a launch template whose security group is output `%s_id`: a\n  launch template that names groups gets no cluster security group, and this group has what the\n  nodes need.\n", name(g.ID))
		}
	}
	if k := w.d.Kubernetes; k != nil {
		for _, pol := range k.ClusterRoleManagedPolicies() {
			fmt.Fprintf(&b, "\n- Attach the managed policy %s to the cluster's IAM role\n  (`aws_iam_role_policy_attachment`, `arn:aws:iam::aws:policy/%s`):\n  the pods' security groups ride branch network interfaces the control plane's VPC resource controller makes with it.\n", pol, pol)
		}
		fmt.Fprintf(&b, "\n- Give the `vpc-cni` add-on this configuration (`configuration_values`), which the pods'\n  NetworkPolicies and security groups need:\n\n  ```json\n  %s\n  ```\n", k.VPCCNIAddonConfiguration())
	}
	fmt.Fprintf(&b, "\n%s 3. The configuration in %s/\n\n```sh\ncd %s\nterraform init\nterraform apply", h, ClusterDir, ClusterDir)
	for _, region := range w.d.Regions {
		if slices.ContainsFunc(w.podRoles, func(r podRole) bool { return r.region == region }) {
			fmt.Fprintf(&b, " \\\n  -var '%s=...'", clusterVar(w.d, region))
		}
	}
	for _, r := range w.podRoles {
		fmt.Fprintf(&b, " \\\n  -var \"%s=$(terraform -chdir=.. output -raw %s)\"", r.output(), r.output())
	}
	fmt.Fprintf(&b, "\n```\n\nDestroy in the reverse order: `%s/` first, then the cluster, then this configuration.\n", ClusterDir)
	return b.String()
}

// names lists design IDs as the Terraform names of their resources.
func names(ids []string) string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = "`" + name(id) + "`"
	}
	return strings.Join(out, ", ")
}
