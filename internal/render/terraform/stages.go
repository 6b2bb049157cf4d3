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
		return nil
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
	return []byte(b.String())
}

// names lists design IDs as the Terraform names of their resources.
func names(ids []string) string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = "`" + name(id) + "`"
	}
	return strings.Join(out, ", ")
}
