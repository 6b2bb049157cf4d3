package terraform

import (
	"fmt"
	"math"
	"strconv"

	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"

	"github.com/netwright/netwright/internal/design"
)

// Sites, hybrid DNS and the CloudFront distribution. Unlike
// CloudFormation, Terraform returns a VPN connection's Transit Gateway
// attachment (transit_gateway_attachment_id) and looks up a Direct
// Connect gateway's (aws_ec2_transit_gateway_dx_gateway_attachment), so
// one apply associates and propagates them.

// originSecretVar is the sensitive variable the origin header's value is
// given in.
const originSecretVar = "origin_verify_secret"

func (w *writer) sites() {
	for _, s := range w.d.Sites {
		tgw := ref("aws_ec2_transit_gateway", name(s.TransitGateway), "id")
		if cg := s.CustomerGateway; cg != nil {
			b := w.resource("network.tf", "aws_customer_gateway", cg.ID, s.Region)
			b.SetAttributeValue("type", str("ipsec.1"))
			b.SetAttributeRaw("ip_address", w.variable(name(cg.ID)+"_ip_address", fmt.Sprintf("The static public IPv4 address of onprem:%s's VPN device (its outside interface)", s.Name)))
			// hashicorp/aws parses bgp_asn as a 32-bit signed integer and
			// CreateCustomerGateway takes an ASN above 2,147,483,647 only
			// as BgpAsnExtended: bgp_asn_extended (5.53.0, PR #37815).
			asnArg := "bgp_asn"
			if cg.ASN > math.MaxInt32 {
				asnArg = "bgp_asn_extended"
			}
			b.SetAttributeValue(asnArg, str(strconv.FormatInt(cg.ASN, 10)))
			tagsOf(b, cg.ID)
		}
		if v := s.VPN; v != nil {
			b := w.resource("network.tf", "aws_vpn_connection", v.ID, s.Region)
			b.SetAttributeValue("type", str("ipsec.1"))
			b.SetAttributeRaw("customer_gateway_id", ref("aws_customer_gateway", name(s.CustomerGateway.ID), "id"))
			b.SetAttributeRaw("transit_gateway_id", tgw)
			b.SetAttributeValue("static_routes_only", cty.False)
			for i, tn := range v.Tunnels {
				b.SetAttributeValue(fmt.Sprintf("tunnel%d_inside_cidr", i+1), str(tn.InsideCIDR.String()))
			}
			tagsOf(b, v.ID)
		}
		if dx := s.DirectConnect; dx != nil {
			b := w.resource("network.tf", "aws_dx_gateway", dx.ID, s.Region)
			b.SetAttributeValue("name", str(dx.ID))
			b.SetAttributeValue("amazon_side_asn", str(strconv.FormatInt(dx.ASN, 10)))
			a := w.resource("network.tf", "aws_dx_gateway_association", dx.ID, s.Region)
			a.SetAttributeRaw("dx_gateway_id", ref("aws_dx_gateway", name(dx.ID), "id"))
			a.SetAttributeRaw("associated_gateway_id", tgw)
			var allowed []cty.Value
			for _, p := range dx.AllowedPrefixes {
				allowed = append(allowed, str(p.String()))
			}
			a.SetAttributeValue("allowed_prefixes", cty.SetVal(allowed))
			body := w.file("network.tf")
			body.AppendNewline()
			d := body.AppendNewBlock("data", []string{"aws_ec2_transit_gateway_dx_gateway_attachment", name(dx.Attachment)}).Body()
			if al := w.aliases[s.Region]; al != "" {
				d.SetAttributeTraversal("provider", travers("aws", al))
			}
			d.SetAttributeRaw("transit_gateway_id", tgw)
			d.SetAttributeRaw("dx_gateway_id", ref("aws_dx_gateway", name(dx.ID), "id"))
			d.SetAttributeRaw("depends_on", list(ref("aws_dx_gateway_association", name(dx.ID))))
			w.notes = append(w.notes, fmt.Sprintf("onprem:%s: the transit virtual interface to Direct Connect gateway %s is made on your Direct Connect connection (aws_dx_transit_virtual_interface with your connection ID, VLAN and BGP ASN %d); the configuration cannot order the connection.", s.Name, dx.ID, s.ASN))
		}
	}
}

// siteAttachment returns the ID of a site's Transit Gateway attachment,
// or nil for an attachment that is not a site's.
func (w *writer) siteAttachment(a string) hclwrite.Tokens {
	_, sa := w.d.SiteAttachment(a)
	if sa == nil {
		return nil
	}
	s := w.d.Site(sa.Site)
	if sa.Kind == design.AttachVPN {
		return ref("aws_vpn_connection", name(s.VPN.ID), "transit_gateway_attachment_id")
	}
	return ref("data", "aws_ec2_transit_gateway_dx_gateway_attachment", name(a), "id")
}

func (w *writer) resolver() {
	for _, ep := range w.d.ResolverEndpoints {
		r := w.regionOf(ep.VPC)
		b := w.resource("dns.tf", "aws_route53_resolver_endpoint", ep.ID, r)
		b.SetAttributeValue("name", str(ep.ID))
		b.SetAttributeValue("direction", str(ep.Direction))
		b.SetAttributeRaw("security_group_ids", list(ref("aws_security_group", name(ep.SecurityGroup), "id")))
		for _, s := range ep.Subnets {
			b.AppendNewBlock("ip_address", nil).Body().SetAttributeRaw("subnet_id", ref("aws_subnet", name(s), "id"))
		}
		tagsOf(b, ep.ID)
	}
	for _, rule := range w.d.ResolverRules {
		var region string
		for _, ep := range w.d.ResolverEndpoints {
			if ep.ID == rule.Endpoint {
				region = w.regionOf(ep.VPC)
			}
		}
		b := w.resource("dns.tf", "aws_route53_resolver_rule", rule.ID, region)
		b.SetAttributeValue("name", str(rule.ID))
		b.SetAttributeValue("domain_name", str(rule.Domain))
		b.SetAttributeValue("rule_type", str("FORWARD"))
		b.SetAttributeRaw("resolver_endpoint_id", ref("aws_route53_resolver_endpoint", name(rule.Endpoint), "id"))
		for _, a := range rule.Targets {
			t := b.AppendNewBlock("target_ip", nil).Body()
			t.SetAttributeValue("ip", str(a.String()))
			t.SetAttributeValue("port", num(design.DNSPort))
		}
		tagsOf(b, rule.ID)
		for _, v := range rule.VPCs {
			a := w.resource("dns.tf", "aws_route53_resolver_rule_association", rule.ID+"-"+v, region)
			a.SetAttributeRaw("resolver_rule_id", ref("aws_route53_resolver_rule", name(rule.ID), "id"))
			a.SetAttributeRaw("vpc_id", ref("aws_vpc", name(v), "id"))
		}
	}
}

// originSecret is the origin header's value: a sensitive variable.
func (w *writer) originSecret() hclwrite.Tokens {
	w.sensitive[originSecretVar] = true
	return w.variable(originSecretVar, fmt.Sprintf("The secret value of the %s header CloudFront adds and the ALB's rules require: at least 32 random characters (openssl rand -hex 32)", design.OriginHeader))
}

func (w *writer) distribution() {
	dist := w.d.Distribution
	if dist == nil || len(dist.Origins) == 0 {
		return
	}
	home := dist.Origins[0].Region
	b := w.resource("edge.tf", "aws_cloudfront_distribution", dist.ID, home, dist.Waiver)
	b.SetAttributeValue("enabled", cty.True)
	b.SetAttributeValue("comment", str(fmt.Sprintf("%s (%s): CloudFront in front of the public ALB", w.d.App, w.d.Environment)))
	if len(dist.Aliases) > 0 {
		var as []cty.Value
		for _, a := range dist.Aliases {
			as = append(as, str(a))
		}
		b.SetAttributeValue("aliases", cty.ListVal(as))
	}
	b.SetAttributeValue("http_version", str("http2and3"))
	b.SetAttributeValue("price_class", str(dist.PriceClass))
	for _, o := range dist.Origins {
		ob := b.AppendNewBlock("origin", nil).Body()
		ob.SetAttributeRaw("domain_name", ref("aws_lb", name(o.LoadBalancer), "dns_name"))
		ob.SetAttributeValue("origin_id", str(o.ID))
		c := ob.AppendNewBlock("custom_origin_config", nil).Body()
		c.SetAttributeValue("http_port", num(80))
		c.SetAttributeValue("https_port", num(443))
		c.SetAttributeValue("origin_protocol_policy", str(o.ProtocolPolicy))
		c.SetAttributeValue("origin_ssl_protocols", cty.ListVal([]cty.Value{str("TLSv1.2")}))
		h := ob.AppendNewBlock("custom_header", nil).Body()
		h.SetAttributeValue("name", str(o.Header))
		h.SetAttributeRaw("value", w.originSecret())
	}
	if g := dist.OriginGroup; g != nil {
		gb := b.AppendNewBlock("origin_group", nil).Body()
		gb.SetAttributeValue("origin_id", str(g.ID))
		var codes []cty.Value
		for _, c := range g.StatusCodes {
			codes = append(codes, num(c))
		}
		gb.AppendNewBlock("failover_criteria", nil).Body().SetAttributeValue("status_codes", cty.SetVal(codes))
		for _, m := range g.Members {
			gb.AppendNewBlock("member", nil).Body().SetAttributeValue("origin_id", str(m))
		}
	}
	behavior := func(blk string, c design.CacheBehavior) {
		cb := b.AppendNewBlock(blk, nil).Body()
		if c.PathPattern != "" {
			cb.SetAttributeValue("path_pattern", str(c.PathPattern))
		}
		var ms []cty.Value
		for _, m := range c.Methods {
			ms = append(ms, str(m))
		}
		cb.SetAttributeValue("allowed_methods", cty.SetVal(ms))
		cb.SetAttributeValue("cached_methods", cty.SetVal([]cty.Value{str("GET"), str("HEAD")}))
		cb.SetAttributeValue("target_origin_id", str(c.Target))
		cb.SetAttributeValue("viewer_protocol_policy", str(c.ViewerProtocol))
		cb.SetAttributeValue("cache_policy_id", str(c.CachePolicy))
		if c.OriginRequestPolicy != "" {
			cb.SetAttributeValue("origin_request_policy_id", str(c.OriginRequestPolicy))
		}
		cb.SetAttributeValue("compress", cty.BoolVal(c.Compress))
		if c.GRPC {
			cb.AppendNewBlock("grpc_config", nil).Body().SetAttributeValue("enabled", cty.True)
		}
	}
	behavior("default_cache_behavior", dist.DefaultBehavior)
	for _, c := range dist.Behaviors {
		behavior("ordered_cache_behavior", c)
	}
	b.AppendNewBlock("restrictions", nil).Body().AppendNewBlock("geo_restriction", nil).Body().SetAttributeValue("restriction_type", str("none"))
	vc := b.AppendNewBlock("viewer_certificate", nil).Body()
	if dist.Certificate == "auto" {
		vc.SetAttributeRaw("acm_certificate_arn", w.variable("certificate_arn", "ACM certificate for the public domain in us-east-1 (netwright's auto: request it in ACM with DNS validation, then pass its ARN)"))
	} else {
		vc.SetAttributeValue("acm_certificate_arn", str(dist.Certificate))
	}
	vc.SetAttributeValue("ssl_support_method", str("sni-only"))
	vc.SetAttributeValue("minimum_protocol_version", str(dist.MinimumProtocol))
	tagsOf(b, dist.ID)
}
