package terraform

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"

	"github.com/netwright/netwright/internal/design"
)

func (w *writer) regionOf(vpc string) string {
	if v := w.d.VPC(vpc); v != nil {
		return v.Region
	}
	return ""
}

func secs(d design.Duration) int { return int(time.Duration(d) / time.Second) }

func (w *writer) network() {
	for _, v := range w.d.VPCs {
		r := v.Region
		azs := w.azData(r)
		b := w.resource("network.tf", "aws_vpc", v.ID, r)
		b.SetAttributeValue("cidr_block", str(v.CIDR.String()))
		b.SetAttributeValue("enable_dns_support", cty.BoolVal(v.DNSSupport))
		b.SetAttributeValue("enable_dns_hostnames", cty.BoolVal(v.DNSHostnames))
		tagsOf(b, v.Name)
		// Secondary blocks; a subnet in one takes the VPC ID from the
		// association, so it is created once the block is associated.
		blockID := map[netip.Prefix]string{}
		for k, c := range v.SecondaryCIDRs {
			blockID[c] = fmt.Sprintf("%s-cidr-%d", v.ID, k+2)
			a := w.resource("network.tf", "aws_vpc_ipv4_cidr_block_association", blockID[c], r)
			a.SetAttributeRaw("vpc_id", ref("aws_vpc", name(v.ID), "id"))
			a.SetAttributeValue("cidr_block", str(c.String()))
		}
		for _, s := range v.Subnets {
			b := w.resource("network.tf", "aws_subnet", s.ID, r)
			if blk, ok := v.BlockHolding(s.CIDR); ok && blockID[blk] != "" {
				b.SetAttributeRaw("vpc_id", ref("aws_vpc_ipv4_cidr_block_association", name(blockID[blk]), "vpc_id"))
			} else {
				b.SetAttributeRaw("vpc_id", ref("aws_vpc", name(v.ID), "id"))
			}
			b.SetAttributeValue("cidr_block", str(s.CIDR.String()))
			b.SetAttributeRaw("availability_zone", index(azs, s.AZIndex))
			b.SetAttributeValue("map_public_ip_on_launch", cty.False)
			tagsOf(b, s.Name)
			a := w.resource("network.tf", "aws_route_table_association", s.ID, r)
			a.SetAttributeRaw("subnet_id", ref("aws_subnet", name(s.ID), "id"))
			a.SetAttributeRaw("route_table_id", ref("aws_route_table", name(s.RouteTable), "id"))
		}
		if v.InternetGateway != "" {
			b := w.resource("network.tf", "aws_internet_gateway", v.InternetGateway, r)
			b.SetAttributeRaw("vpc_id", ref("aws_vpc", name(v.ID), "id"))
			tagsOf(b, v.Name)
		}
		for _, n := range v.NATGateways {
			// A NAT gateway, and its Elastic IP, need the internet
			// gateway attached first, and refer to nothing that orders it.
			e := w.resource("network.tf", "aws_eip", n.ID, r)
			e.SetAttributeValue("domain", str("vpc"))
			tagsOf(e, n.ID)
			b := w.resource("network.tf", "aws_nat_gateway", n.ID, r)
			b.SetAttributeRaw("allocation_id", ref("aws_eip", name(n.ID), "id"))
			b.SetAttributeRaw("subnet_id", ref("aws_subnet", name(n.Subnet), "id"))
			tagsOf(b, n.ID)
			if v.InternetGateway != "" {
				e.SetAttributeRaw("depends_on", list(ref("aws_internet_gateway", name(v.InternetGateway))))
				b.SetAttributeRaw("depends_on", list(ref("aws_internet_gateway", name(v.InternetGateway))))
			}
		}
		for _, rt := range v.RouteTables {
			b := w.resource("network.tf", "aws_route_table", rt.ID, r)
			b.SetAttributeRaw("vpc_id", ref("aws_vpc", name(v.ID), "id"))
			tagsOf(b, rt.Name)
			if rt.EdgeGateway != "" {
				a := w.resource("network.tf", "aws_route_table_association", rt.ID+"-edge", r)
				a.SetAttributeRaw("gateway_id", ref("aws_internet_gateway", name(rt.EdgeGateway), "id"))
				a.SetAttributeRaw("route_table_id", ref("aws_route_table", name(rt.ID), "id"))
			}
			locals := 0
			for k, rr := range rt.Routes {
				if rr.TargetKind == design.TargetLocal {
					locals++
				}
				// Numbered as if the table had one local route, so a
				// secondary block renames no route.
				k := k - max(locals, 1) + 1
				var attr string
				var target hclwrite.Tokens
				switch rr.TargetKind {
				case design.TargetInternetGateway:
					attr, target = "gateway_id", ref("aws_internet_gateway", name(rr.Target), "id")
				case design.TargetNATGateway:
					attr, target = "nat_gateway_id", ref("aws_nat_gateway", name(rr.Target), "id")
				case design.TargetTransitGateway:
					attr, target = "transit_gateway_id", ref("aws_ec2_transit_gateway", name(rr.Target), "id")
				case design.TargetGWLBEndpoint:
					attr, target = "vpc_endpoint_id", ref("aws_vpc_endpoint", name(rr.Target), "id")
				default:
					continue // local routes are implicit; gateway endpoints add their own
				}
				b := w.resource("network.tf", "aws_route", fmt.Sprintf("%s-%d", rt.ID, k), r)
				b.SetAttributeRaw("route_table_id", ref("aws_route_table", name(rt.ID), "id"))
				b.SetAttributeValue("destination_cidr_block", str(rr.Destination.String()))
				b.SetAttributeRaw(attr, target)
				if rr.TargetKind == design.TargetTransitGateway {
					b.SetAttributeRaw("depends_on", list(ref("aws_ec2_transit_gateway_vpc_attachment", name("tgw-attach-"+v.Name))))
				}
			}
		}
		for _, e := range v.Endpoints {
			b := w.resource("network.tf", "aws_vpc_endpoint", e.ID, r)
			b.SetAttributeRaw("vpc_id", ref("aws_vpc", name(v.ID), "id"))
			b.SetAttributeValue("service_name", str(e.ServiceName))
			if e.Kind == design.EndpointGateway {
				b.SetAttributeValue("vpc_endpoint_type", str("Gateway"))
				b.SetAttributeRaw("route_table_ids", refs("aws_route_table", e.RouteTables, "id"))
			} else {
				b.SetAttributeValue("vpc_endpoint_type", str("Interface"))
				b.SetAttributeRaw("subnet_ids", refs("aws_subnet", e.Subnets, "id"))
				b.SetAttributeRaw("security_group_ids", refs("aws_security_group", []string{"sg-" + v.Name + "-endpoints"}, "id"))
				b.SetAttributeValue("private_dns_enabled", cty.BoolVal(e.PrivateDNS))
			}
		}
		if fl := v.FlowLogs; fl != nil {
			lg := w.resource("network.tf", "aws_cloudwatch_log_group", fl.ID, r)
			lg.SetAttributeValue("name", str(fl.LogGroup))
			lg.SetAttributeValue("retention_in_days", num(fl.RetentionDays))
			role := w.resource("network.tf", "aws_iam_role", fl.ID, r)
			role.SetAttributeValue("name_prefix", str("flow-logs-"))
			role.SetAttributeRaw("assume_role_policy", jsonencode(`{Version = "2012-10-17", Statement = [{Effect = "Allow", Principal = {Service = "vpc-flow-logs.amazonaws.com"}, Action = "sts:AssumeRole"}]}`))
			pol := w.resource("network.tf", "aws_iam_role_policy", fl.ID, r)
			pol.SetAttributeRaw("role", ref("aws_iam_role", name(fl.ID), "id"))
			pol.SetAttributeRaw("policy", jsonencode(fmt.Sprintf(`{Version = "2012-10-17", Statement = [{Effect = "Allow", Action = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"], Resource = "${aws_cloudwatch_log_group.%s.arn}:*"}]}`, name(fl.ID))))
			f := w.resource("network.tf", "aws_flow_log", fl.ID, r)
			f.SetAttributeRaw("vpc_id", ref("aws_vpc", name(v.ID), "id"))
			f.SetAttributeValue("traffic_type", str(fl.TrafficType))
			f.SetAttributeRaw("log_destination", ref("aws_cloudwatch_log_group", name(fl.ID), "arn"))
			f.SetAttributeRaw("iam_role_arn", ref("aws_iam_role", name(fl.ID), "arn"))
			f.SetAttributeValue("max_aggregation_interval", num(fl.MaxAggregationSeconds))
		}
	}
	for _, n := range w.d.NetworkACLs {
		r := w.regionOf(n.VPC)
		b := w.resource("network.tf", "aws_network_acl", n.ID, r)
		b.SetAttributeRaw("vpc_id", ref("aws_vpc", name(n.VPC), "id"))
		b.SetAttributeRaw("subnet_ids", refs("aws_subnet", n.Subnets, "id"))
		tagsOf(b, n.Name)
		for _, dir := range []struct {
			egress bool
			rules  []design.NACLRule
			word   string
		}{{false, n.Inbound, "in"}, {true, n.Outbound, "out"}} {
			for _, rule := range dir.rules {
				e := w.resource("network.tf", "aws_network_acl_rule", fmt.Sprintf("%s-%s-%d", n.ID, dir.word, rule.Number), r, rule.Waiver)
				e.SetAttributeRaw("network_acl_id", ref("aws_network_acl", name(n.ID), "id"))
				e.SetAttributeValue("rule_number", num(rule.Number))
				e.SetAttributeValue("egress", cty.BoolVal(dir.egress))
				proto := rule.Protocol
				if proto == "all" {
					proto = "-1"
				}
				e.SetAttributeValue("protocol", str(proto))
				action := "allow"
				if !rule.Allow {
					action = "deny"
				}
				e.SetAttributeValue("rule_action", str(action))
				e.SetAttributeValue("cidr_block", str(rule.CIDR.String()))
				if rule.Protocol != "all" {
					e.SetAttributeValue("from_port", num(rule.FromPort))
					e.SetAttributeValue("to_port", num(rule.ToPort))
				}
			}
		}
	}
}

// jsonencode writes jsonencode(<HCL object>) for a policy document.
func jsonencode(obj string) hclwrite.Tokens {
	return hclwrite.Tokens{{Type: 0, Bytes: []byte("jsonencode(" + obj + ")")}}
}

// privateZones writes the private hosted zones that give interface
// endpoints' names to VPCs without endpoints of their own, with an alias of
// the apex (and every name under it, for ECR's registries) to the
// endpoint's regional DNS name.
func (w *writer) privateZones() {
	for _, z := range w.d.PrivateZones {
		if len(z.VPCs) == 0 {
			continue
		}
		r := w.regionOf(z.VPCs[0])
		b := w.resource("network.tf", "aws_route53_zone", z.ID, r)
		b.SetAttributeValue("name", str(z.Name))
		b.SetAttributeValue("comment", str("netwright: "+z.Name+" through the interface endpoint "+z.Endpoint))
		for _, v := range z.VPCs {
			b.AppendNewBlock("vpc", nil).Body().SetAttributeRaw("vpc_id", ref("aws_vpc", name(v), "id"))
		}
		names := []string{z.Name}
		if z.Wildcard {
			names = append(names, "*."+z.Name)
		}
		for k, n := range names {
			rec := w.resource("network.tf", "aws_route53_record", fmt.Sprintf("%s-%d", z.ID, k), r)
			rec.SetAttributeRaw("zone_id", ref("aws_route53_zone", name(z.ID), "zone_id"))
			rec.SetAttributeValue("name", str(n))
			rec.SetAttributeValue("type", str("A"))
			al := rec.AppendNewBlock("alias", nil).Body()
			entry := hclwrite.Tokens{}
			entry = append(entry, ref("aws_vpc_endpoint", name(z.Endpoint), "dns_entry")...)
			al.SetAttributeRaw("name", append(index(entry, 0), ref("x", "dns_name")[1:]...))
			al.SetAttributeRaw("zone_id", append(index(entry, 0), ref("x", "hosted_zone_id")[1:]...))
			al.SetAttributeValue("evaluate_target_health", cty.False)
		}
	}
}

func (w *writer) transit() {
	for _, t := range w.d.TransitGateways {
		b := w.resource("network.tf", "aws_ec2_transit_gateway", t.ID, t.Region)
		b.SetAttributeValue("amazon_side_asn", num(t.ASN))
		b.SetAttributeValue("default_route_table_association", str("disable"))
		b.SetAttributeValue("default_route_table_propagation", str("disable"))
		if t.SecurityGroupReferencing {
			b.SetAttributeValue("security_group_referencing_support", str("enable"))
		}
		tagsOf(b, t.ID)
		for _, a := range t.Attachments {
			b := w.resource("network.tf", "aws_ec2_transit_gateway_vpc_attachment", a.ID, t.Region)
			b.SetAttributeRaw("transit_gateway_id", ref("aws_ec2_transit_gateway", name(t.ID), "id"))
			b.SetAttributeRaw("vpc_id", ref("aws_vpc", name(a.VPC), "id"))
			b.SetAttributeRaw("subnet_ids", refs("aws_subnet", a.Subnets, "id"))
			b.SetAttributeValue("transit_gateway_default_route_table_association", cty.False)
			b.SetAttributeValue("transit_gateway_default_route_table_propagation", cty.False)
			if a.ApplianceMode {
				b.SetAttributeValue("appliance_mode_support", str("enable"))
			}
			if t.SecurityGroupReferencing {
				// Both ends must allow it; AWS's pages disagree on the
				// attachment's default, so it is said.
				b.SetAttributeValue("security_group_referencing_support", str("enable"))
			}
		}
		for _, rt := range t.RouteTables {
			b := w.resource("network.tf", "aws_ec2_transit_gateway_route_table", rt.ID, t.Region)
			b.SetAttributeRaw("transit_gateway_id", ref("aws_ec2_transit_gateway", name(t.ID), "id"))
			for _, a := range rt.Propagations {
				pb := w.resource("network.tf", "aws_ec2_transit_gateway_route_table_propagation", rt.ID+"-"+a, t.Region)
				id, _ := w.attachment(t.ID, a)
				pb.SetAttributeRaw("transit_gateway_attachment_id", id)
				pb.SetAttributeRaw("transit_gateway_route_table_id", ref("aws_ec2_transit_gateway_route_table", name(rt.ID), "id"))
			}
			for _, a := range rt.Associations {
				as := w.resource("network.tf", "aws_ec2_transit_gateway_route_table_association", rt.ID+"-"+a, t.Region)
				id, after := w.attachment(t.ID, a)
				as.SetAttributeRaw("transit_gateway_attachment_id", id)
				as.SetAttributeRaw("transit_gateway_route_table_id", ref("aws_ec2_transit_gateway_route_table", name(rt.ID), "id"))
				if after != nil {
					as.SetAttributeRaw("depends_on", after)
				}
			}
			for k, rr := range rt.Routes {
				if rr.Propagated != "" {
					continue // learned through the propagations above
				}
				b := w.resource("network.tf", "aws_ec2_transit_gateway_route", fmt.Sprintf("%s-%d", rt.ID, k), t.Region)
				b.SetAttributeValue("destination_cidr_block", str(rr.Destination.String()))
				id, after := w.attachment(t.ID, rr.Attachment)
				b.SetAttributeRaw("transit_gateway_attachment_id", id)
				b.SetAttributeRaw("transit_gateway_route_table_id", ref("aws_ec2_transit_gateway_route_table", name(rt.ID), "id"))
				if after != nil {
					b.SetAttributeRaw("depends_on", after)
				}
			}
		}
	}
	for _, p := range w.d.TransitGatewayPeerings {
		req, acc := w.d.TransitGateway(p.Requester), w.d.TransitGateway(p.Accepter)
		if req == nil || acc == nil {
			w.fail(fmt.Errorf("peering %s: a Transit Gateway it joins does not exist", p.ID))
			continue
		}
		b := w.resource("network.tf", "aws_ec2_transit_gateway_peering_attachment", p.ID, req.Region)
		b.SetAttributeRaw("transit_gateway_id", ref("aws_ec2_transit_gateway", name(req.ID), "id"))
		b.SetAttributeRaw("peer_transit_gateway_id", ref("aws_ec2_transit_gateway", name(acc.ID), "id"))
		b.SetAttributeValue("peer_region", str(acc.Region))
		tagsOf(b, p.ID)
		// The design's accept stage: the accepter's Region accepts the
		// attachment, by the ID it has on both sides, and the provider
		// waits until it is available.
		a := w.resource("network.tf", "aws_ec2_transit_gateway_peering_attachment_accepter", p.ID, acc.Region)
		a.SetAttributeRaw("transit_gateway_attachment_id", ref("aws_ec2_transit_gateway_peering_attachment", name(p.ID), "id"))
		tagsOf(a, p.ID)
	}
}

// attachment returns the ID a Transit Gateway route table association or
// route through attachment a uses, and what it must depend on. A peering
// attachment is used only after its acceptance (the design's routes stage
// follows its accept stage): on the accepter's side through the accepter
// resource's ID, on the requester's side with depends_on the accepter.
func (w *writer) attachment(tgw, a string) (id, dependsOn hclwrite.Tokens) {
	if id := w.siteAttachment(a); id != nil {
		return id, nil
	}
	p := w.d.Peering(a)
	if p == nil {
		return ref("aws_ec2_transit_gateway_vpc_attachment", name(a), "id"), nil
	}
	if w.d.PeeringAcceptStage(a) == "" {
		w.fail(fmt.Errorf("nothing in the design's deployment accepts Transit Gateway peering %s, so no route through it could be created; plan the design again (check NW127 says why)", a))
	}
	if tgw == p.Accepter {
		return ref("aws_ec2_transit_gateway_peering_attachment_accepter", name(a), "id"), nil
	}
	return ref("aws_ec2_transit_gateway_peering_attachment", name(a), "id"), list(ref("aws_ec2_transit_gateway_peering_attachment_accepter", name(a)))
}

func (w *writer) security() {
	for _, g := range w.d.SecurityGroups {
		r := w.regionOf(g.VPC)
		if g.Kind == design.SGDefault {
			// Terraform adopts the default group and removes its rules.
			b := w.resource("security.tf", "aws_default_security_group", g.ID, r)
			b.SetAttributeRaw("vpc_id", ref("aws_vpc", name(g.VPC), "id"))
			continue
		}
		b := w.resource("security.tf", "aws_security_group", g.ID, r)
		b.SetAttributeValue("name", str(g.Name))
		b.SetAttributeValue("description", str(g.Description))
		b.SetAttributeRaw("vpc_id", ref("aws_vpc", name(g.VPC), "id"))
		tagsOf(b, g.Name)
		for _, side := range []struct {
			dir   string
			rules []design.SGRule
		}{{"ingress", g.Ingress}, {"egress", g.Egress}} {
			dir, rules := side.dir, side.rules
			typ := "aws_vpc_security_group_" + dir + "_rule"
			for k, rule := range rules {
				b := w.resource("security.tf", typ, fmt.Sprintf("%s-%s-%d", g.ID, dir, k), r, rule.Waiver)
				b.SetAttributeRaw("security_group_id", ref("aws_security_group", name(g.ID), "id"))
				b.SetAttributeValue("ip_protocol", str(rule.Protocol))
				b.SetAttributeValue("from_port", num(rule.FromPort))
				b.SetAttributeValue("to_port", num(rule.ToPort))
				b.SetAttributeValue("description", str(rule.Description))
				switch {
				case rule.PeerGroup != "":
					b.SetAttributeRaw("referenced_security_group_id", ref("aws_security_group", name(rule.PeerGroup), "id"))
				case rule.PeerPrefixList != "":
					n := "prefix_list_" + name(rule.PeerPrefixList[strings.LastIndex(rule.PeerPrefixList, ".")+1:])
					dn := w.prefixList(rule.PeerPrefixList, r, n)
					b.SetAttributeRaw("prefix_list_id", dn)
				default:
					b.SetAttributeValue("cidr_ipv4", str(rule.PeerCIDR.String()))
				}
			}
		}
	}
}

// prefixList looks up an AWS-managed prefix list with a data source.
func (w *writer) prefixList(pl, region, n string) hclwrite.Tokens {
	if a := w.aliases[region]; a != "" {
		n += "_" + a
	}
	body := w.file("security.tf")
	for _, blk := range body.Blocks() {
		if blk.Type() == "data" && blk.Labels()[1] == n {
			return ref("data", "aws_ec2_managed_prefix_list", n, "id")
		}
	}
	body.AppendNewline()
	b := body.AppendNewBlock("data", []string{"aws_ec2_managed_prefix_list", n}).Body()
	if a := w.aliases[region]; a != "" {
		b.SetAttributeTraversal("provider", travers("aws", a))
	}
	b.SetAttributeValue("name", str(pl))
	return ref("data", "aws_ec2_managed_prefix_list", n, "id")
}

func (w *writer) outputs() {
	body := w.file("outputs.tf")
	out := func(n, desc string, value hclwrite.Tokens) {
		if len(body.Blocks()) > 0 {
			body.AppendNewline()
		}
		b := body.AppendNewBlock("output", []string{n}).Body()
		b.SetAttributeValue("description", str(desc))
		b.SetAttributeRaw("value", value)
	}
	for _, v := range w.d.VPCs {
		out(name(v.ID)+"_id", "VPC "+v.Name, ref("aws_vpc", name(v.ID), "id"))
	}
	for _, lb := range w.d.LoadBalancers {
		if lb.Type != design.GWLB && lb.StackOwns() {
			out(name(lb.ID)+"_dns_name", "DNS name of "+lb.Name, ref("aws_lb", name(lb.ID), "dns_name"))
		}
	}
	if g := w.d.Global; g != nil && g.Accelerator != nil {
		out(name(g.Accelerator.ID)+"_dns_name", "DNS name of the accelerator "+g.Accelerator.Name, ref("aws_globalaccelerator_accelerator", name(g.Accelerator.ID), "dns_name"))
		out(name(g.Accelerator.ID)+"_ip_sets", "the accelerator's static anycast addresses", ref("aws_globalaccelerator_accelerator", name(g.Accelerator.ID), "ip_sets"))
	}
	for _, g := range w.d.SecurityGroups {
		switch g.Kind {
		case design.SGNodes:
			out(name(g.ID)+"_id", g.Description+": give it to the instances or node group", ref("aws_security_group", name(g.ID), "id"))
			if sns := w.d.NodeSubnets(g.VPC); len(sns) > 0 {
				out(name(g.VPC)+"_node_subnet_ids", "subnets to create the EKS cluster and its node groups on: the pods' tier, whose NACLs admit what the nodes need", refs("aws_subnet", sns, "id"))
			}
		case design.SGControlPlane:
			out(name(g.ID)+"_id", g.Description, ref("aws_security_group", name(g.ID), "id"))
		}
	}
	// What the Kubernetes export's manifests take from the stack.
	for _, o := range w.d.ClusterOutputs() {
		switch o.Kind {
		case design.OutputTargetGroup:
			out(o.TerraformName(), o.Description, ref("aws_lb_target_group", name(o.Object), "arn"))
		case design.OutputSubnet:
			out(o.TerraformName(), o.Description, ref("aws_subnet", name(o.Object), "id"))
		case design.OutputLogsBucket:
			out(o.TerraformName(), o.Description, ref("aws_s3_bucket", name("lb-logs-"+w.bucketRegion(o.Object)), "id"))
		case design.OutputCertificate:
			out(o.TerraformName(), o.Description, w.variable("certificate_arn", "ACM certificate for the public domain (netwright's auto: request it in ACM with DNS validation, then pass its ARN)"))
		case design.OutputRole:
			// A role is made in each Region the service runs in: one
			// output, or one per Region named for it, never the first's
			// under a name that stands for all.
			s := w.d.Service(w.d.Identity(o.Object).Service)
			var regions []string
			for _, pl := range s.Placements {
				if r := w.regionOf(pl.VPC); !slices.Contains(regions, r) {
					regions = append(regions, r)
				}
			}
			for _, r := range regions {
				n, desc := o.TerraformName(), o.Description
				if len(regions) > 1 {
					n, desc = n+"_"+name(r), desc+" (in "+r+")"
				}
				out(n, desc, ref("aws_iam_role", name(o.Object+"-"+r), "arn"))
			}
		default:
			out(o.TerraformName(), o.Description, ref("aws_security_group", name(o.Object), "id"))
		}
	}
	for _, r := range w.podRoles {
		out(r.output(), fmt.Sprintf("IAM role of %s's pods (EKS Pod Identity) in %s, associated with service account %s/%s by the configuration in %s/", r.id.Service, r.region, r.id.Namespace, r.id.ServiceAccount, ClusterDir), ref("aws_iam_role", name(r.rid), "arn"))
	}
	for _, ns := range w.d.Namespaces {
		typ := "aws_service_discovery_private_dns_namespace"
		if ns.Type == design.NamespaceHTTP {
			typ = "aws_service_discovery_http_namespace"
		}
		out(name(ns.ID)+"_id", "Cloud Map namespace "+ns.Name, ref(typ, name(ns.ID), "id"))
	}
}

// bucketRegion is the Region of the load balancers whose access logs go
// to a bucket (one bucket per Region).
func (w *writer) bucketRegion(bucket string) string {
	for _, lb := range w.d.LoadBalancers {
		if lb.AccessLogs != nil && lb.AccessLogs.Bucket == bucket {
			return w.regionOf(lb.VPC)
		}
	}
	return ""
}
