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
// the auth policy admitting exactly the declared callers' task roles.
func (w *writer) lattice() {
	m := w.d.Mesh
	if m == nil || m.Lattice == nil {
		return
	}
	lat := m.Lattice
	nodes := map[string]design.VirtualNode{}
	for _, n := range m.VirtualNodes {
		nodes[n.Name] = n
	}
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
		for _, v := range vpcs {
			a := w.resource("services.tf", "aws_vpclattice_service_network_vpc_association", sn+"-"+v, region)
			a.SetAttributeRaw("service_network_identifier", ref("aws_vpclattice_service_network", name(sn), "id"))
			a.SetAttributeRaw("vpc_identifier", ref("aws_vpc", name(v), "id"))
		}
		tg := func(svc string) string { return "lattice-tg-" + svc + "-" + region }
		made := map[string]bool{}
		forward := func(body *hclwrite.Body, targets []design.WeightedNode) {
			fw := body.AppendNewBlock("forward", nil).Body()
			for _, t := range targets {
				svc := strings.TrimPrefix(t.Node, "vn-")
				w.latticeTargetGroup(tg(svc), svc, nodes[t.Node], region, made)
				g := fw.AppendNewBlock("target_groups", nil).Body()
				g.SetAttributeRaw("target_group_identifier", ref("aws_vpclattice_target_group", name(tg(svc)), "id"))
				g.SetAttributeValue("weight", num(t.Weight))
			}
		}
		for _, ls := range lat.Services {
			id := "lattice-service-" + ls.Service + "-" + region
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
			if lat.AuthType == "AWS_IAM" {
				var principals []string
				for _, c := range ls.AllowedCallers {
					principals = append(principals, fmt.Sprintf("aws_iam_role.%s.arn", name("ecs-"+c+"-"+region+"-task")))
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

func (w *writer) latticeTargetGroup(id, svc string, n design.VirtualNode, region string, made map[string]bool) {
	if made[id] {
		return
	}
	made[id] = true
	var vpc string
	if s := w.d.Service(svc); s != nil {
		for _, p := range s.Placements {
			if w.regionOf(p.VPC) == region {
				vpc = p.VPC
			}
		}
	}
	b := w.resource("services.tf", "aws_vpclattice_target_group", id, region)
	b.SetAttributeValue("name", str(w.d.Mesh.Lattice.TargetGroupName(svc)))
	b.SetAttributeValue("type", str("IP"))
	cfg := b.AppendNewBlock("config", nil).Body()
	cfg.SetAttributeValue("port", num(n.Port))
	cfg.SetAttributeRaw("vpc_identifier", ref("aws_vpc", name(vpc), "id"))
	if n.Protocol == "tcp" {
		cfg.SetAttributeValue("protocol", str("TCP"))
		return
	}
	cfg.SetAttributeValue("protocol", str("HTTP"))
	cfg.SetAttributeValue("protocol_version", str(map[string]string{"http": "HTTP1", "http2": "HTTP2", "grpc": "GRPC"}[n.Protocol]))
	hc := cfg.AppendNewBlock("health_check", nil).Body()
	hc.SetAttributeValue("enabled", cty.True)
	hc.SetAttributeValue("path", str(n.Health.Path))
	hc.SetAttributeValue("health_check_interval_seconds", num(secs(n.Health.Interval)))
	hc.SetAttributeValue("health_check_timeout_seconds", num(secs(n.Health.Timeout)))
	hc.SetAttributeValue("healthy_threshold_count", num(n.Health.HealthyThreshold))
	hc.SetAttributeValue("unhealthy_threshold_count", num(n.Health.UnhealthyThreshold))
}
