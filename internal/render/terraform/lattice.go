package terraform

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"

	"github.com/netwright/netwright/internal/design"
)

// lattice writes the mesh compiled to VPC Lattice, Region by Region: the
// service network and its VPC associations, and per service a Lattice
// service, target group, listener, rules in route order with weights, and
// the auth policy admitting exactly the declared callers' task roles. It
// writes only what the design gives the stack to own
// (design.LatticeOwners): on EKS the AWS Gateway API Controller makes the
// services, their target groups and auth policies.
func (w *writer) lattice() {
	m := w.d.Mesh
	if m == nil || m.Lattice == nil {
		return
	}
	lat := m.Lattice
	for _, region := range w.d.Regions {
		var vpcs []string
		for _, v := range lat.VPCs {
			if w.regionOf(v) == region {
				vpcs = append(vpcs, v)
			}
		}
		if len(vpcs) == 0 {
			continue
		}
		sn := "lattice-" + lat.ServiceNetwork + "-" + region
		b := w.resource("services.tf", "aws_vpclattice_service_network", sn, region)
		b.SetAttributeValue("name", str(lat.ServiceNetwork))
		b.SetAttributeValue("auth_type", str(lat.AuthType))
		own := lat.Owners
		for _, v := range vpcs {
			if !design.StackMakes(own.VPCAssociations) {
				break
			}
			a := w.resource("services.tf", "aws_vpclattice_service_network_vpc_association", sn+"-"+v, region)
			a.SetAttributeRaw("service_network_identifier", ref("aws_vpclattice_service_network", name(sn), "id"))
			a.SetAttributeRaw("vpc_identifier", ref("aws_vpc", name(v), "id"))
		}
		tg := func(svc string) string { return "lattice-tg-" + svc + "-" + region }
		for _, g := range lat.TargetGroups {
			if design.StackMakes(own.TargetGroups) {
				w.latticeTargetGroup(tg(g.Service), g, region)
			}
		}
		forward := func(body *hclwrite.Body, targets []design.WeightedNode) {
			fw := body.AppendNewBlock("forward", nil).Body()
			for _, t := range targets {
				svc := strings.TrimPrefix(t.Node, "vn-")
				g := fw.AppendNewBlock("target_groups", nil).Body()
				g.SetAttributeRaw("target_group_identifier", ref("aws_vpclattice_target_group", name(tg(svc)), "id"))
				g.SetAttributeValue("weight", num(t.Weight))
			}
		}
		if lat.AuthType == "AWS_IAM" && lat.NetworkAuth == design.LatticeNetworkAccount && design.StackMakes(own.NetworkAuthPolicy) {
			// Without a policy of its own an AWS_IAM network denies everything.
			ap := w.resource("services.tf", "aws_vpclattice_auth_policy", sn, region)
			ap.SetAttributeRaw("resource_identifier", ref("aws_vpclattice_service_network", name(sn), "arn"))
			ap.SetAttributeRaw("policy", jsonencode(fmt.Sprintf(`{ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { AWS = %q }, Action = "vpc-lattice-svcs:Invoke", Resource = "*" }] }`, w.accountData(region))))
		}
		for _, ls := range lat.Services {
			if !lat.StackOwnsServices() {
				break // the AWS Gateway API Controller's, from the Kubernetes export
			}
			id := ls.ID + "-" + region
			s := w.resource("services.tf", "aws_vpclattice_service", id, region)
			s.SetAttributeValue("name", str(ls.Name))
			s.SetAttributeValue("auth_type", str(lat.AuthType))
			as := w.resource("services.tf", "aws_vpclattice_service_network_service_association", id, region)
			as.SetAttributeRaw("service_network_identifier", ref("aws_vpclattice_service_network", name(sn), "id"))
			as.SetAttributeRaw("service_identifier", ref("aws_vpclattice_service", name(id), "id"))
			l := w.resource("services.tf", "aws_vpclattice_listener", id, region)
			l.SetAttributeValue("name", str("listener"))
			l.SetAttributeValue("protocol", str(ls.Protocol))
			l.SetAttributeValue("port", num(ls.Port))
			l.SetAttributeRaw("service_identifier", ref("aws_vpclattice_service", name(id), "id"))
			forward(l.AppendNewBlock("default_action", nil).Body(), ls.DefaultTarget)
			for _, r := range ls.Rules {
				rb := w.resource("services.tf", "aws_vpclattice_listener_rule", fmt.Sprintf("%s-%d", id, r.Priority), region)
				rb.SetAttributeValue("name", str(fmt.Sprintf("rule-%d", r.Priority)))
				rb.SetAttributeRaw("listener_identifier", ref("aws_vpclattice_listener", name(id), "listener_id"))
				rb.SetAttributeRaw("service_identifier", ref("aws_vpclattice_service", name(id), "id"))
				rb.SetAttributeValue("priority", num(r.Priority))
				hm := rb.AppendNewBlock("match", nil).Body().AppendNewBlock("http_match", nil).Body()
				if r.Match.Method != "" {
					hm.SetAttributeValue("method", str(r.Match.Method))
				}
				if r.Match.PathPrefix != "" || r.Match.PathExact != "" {
					pm := hm.AppendNewBlock("path_match", nil).Body()
					pm.SetAttributeValue("case_sensitive", cty.True)
					mb := pm.AppendNewBlock("match", nil).Body()
					if r.Match.PathPrefix != "" {
						mb.SetAttributeValue("prefix", str(r.Match.PathPrefix))
					} else {
						mb.SetAttributeValue("exact", str(r.Match.PathExact))
					}
				}
				for _, h := range r.Match.Headers {
					hb := hm.AppendNewBlock("header_matches", nil).Body()
					hb.SetAttributeValue("name", str(h.Key))
					hb.SetAttributeValue("case_sensitive", cty.False)
					hb.AppendNewBlock("match", nil).Body().SetAttributeValue("exact", str(h.Value))
				}
				forward(rb.AppendNewBlock("action", nil).Body(), r.Targets)
			}
			if lat.AuthType == "AWS_IAM" && design.StackMakes(own.ServiceAuthPolicies) {
				var principals []string
				for _, c := range ls.AllowedCallers {
					if s := w.d.Service(c); s != nil && s.Platform != nil {
						principals = append(principals, fmt.Sprintf("aws_iam_role.%s.arn", name(s.Platform.Identity+"-"+region)))
					}
				}
				effect, who := "Allow", fmt.Sprintf("{ AWS = [%s] }", strings.Join(principals, ", "))
				if len(principals) == 0 {
					effect, who = "Deny", `"*"` // nobody is declared to call it
				}
				ap := w.resource("services.tf", "aws_vpclattice_auth_policy", id, region)
				ap.SetAttributeRaw("resource_identifier", ref("aws_vpclattice_service", name(id), "arn"))
				ap.SetAttributeRaw("policy", jsonencode(fmt.Sprintf(`{ Version = "2012-10-17", Statement = [{ Effect = %q, Principal = %s, Action = "vpc-lattice-svcs:Invoke", Resource = "*" }] }`, effect, who)))
			}
		}
	}
}

func (w *writer) latticeTargetGroup(id string, g design.LatticeTargetGroup, region string) {
	var vpc string
	if s := w.d.Service(g.Service); s != nil {
		for _, p := range s.Placements {
			if w.regionOf(p.VPC) == region {
				vpc = p.VPC
			}
		}
	}
	b := w.resource("services.tf", "aws_vpclattice_target_group", id, region)
	b.SetAttributeValue("name", str(g.Name))
	b.SetAttributeValue("type", str("IP"))
	cfg := b.AppendNewBlock("config", nil).Body()
	cfg.SetAttributeValue("port", num(g.Port))
	cfg.SetAttributeRaw("vpc_identifier", ref("aws_vpc", name(vpc), "id"))
	cfg.SetAttributeValue("protocol", str(g.Protocol))
	if g.ProtocolVersion != "" {
		cfg.SetAttributeValue("protocol_version", str(g.ProtocolVersion))
	}
	h := g.Health
	if h == nil {
		return
	}
	hc := cfg.AppendNewBlock("health_check", nil).Body()
	hc.SetAttributeValue("enabled", cty.True)
	hc.SetAttributeValue("protocol", str(h.Protocol))
	hc.SetAttributeValue("protocol_version", str(h.ProtocolVersion))
	hc.SetAttributeValue("path", str(h.Path))
	hc.SetAttributeValue("health_check_interval_seconds", num(secs(h.Interval)))
	hc.SetAttributeValue("health_check_timeout_seconds", num(secs(h.Timeout)))
	hc.SetAttributeValue("healthy_threshold_count", num(h.HealthyThreshold))
	hc.SetAttributeValue("unhealthy_threshold_count", num(h.UnhealthyThreshold))
	hc.AppendNewBlock("matcher", nil).Body().SetAttributeValue("value", str(h.Matcher))
}
