package plan

import (
	"fmt"
	"slices"
	"strings"

	"github.com/netwright/netwright/internal/awsfacts"
	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/spec"
)

// The edge architect: a CloudFront distribution in front of the public
// ALBs. The ALB admits only CloudFront's origin-facing prefix list on
// 443, and forwards only requests carrying the secret origin header
// CloudFront adds; the rest get 403. Static paths are cached, the rest
// forwarded uncached; with two Regions, static requests fail over to the
// second Region's ALB.

// Managed CloudFront policies (CloudFront developer guide, "Use managed
// cache policies" and "Use managed origin request policies").
const (
	cachingOptimized = design.CachingOptimizedPolicy
	cachingDisabled  = design.CachingDisabledPolicy
	// allViewer passes every viewer header (Host among them), cookie and
	// query string on: the ALB's rules and its certificate's name need the
	// viewer's Host.
	allViewer = "216adef6-5c7f-47e4-b989-5492eafa07d3" // AllViewer
)

// failoverStatusCodes are the origin answers that send a request to the
// secondary origin.
var failoverStatusCodes = []int{500, 502, 503, 504}

func (p *planner) cloudFront() bool { return p.spec.Edge != nil && p.spec.Edge.CloudFront }

// verifyOrigin makes an HTTPS listener forward only requests that carry
// the origin header: every rule also matches the header, the default
// action's forward becomes the last rule, and the default action answers
// 403.
func (p *planner) verifyOrigin(l *design.Listener) {
	header := design.KeyValue{Key: design.OriginHeader, Value: design.OriginSecret}
	for i := range l.Rules {
		r := &l.Rules[i]
		r.Conditions.Headers = append(r.Conditions.Headers, header)
		if n := r.Conditions.Count(); n > awsfacts.ALBConditionValues {
			p.errorAt(r.Origin, fmt.Sprintf("%s has %d condition values with CloudFront's origin header; an ALB rule allows %d", r.Source, n, awsfacts.ALBConditionValues),
				"edge.cloudfront adds a condition on the origin header to every rule: drop one condition of this rule, or split it in two.")
		}
	}
	if l.DefaultAction.Type == design.ActionForward {
		prio := rulePriorityStep
		if n := len(l.Rules); n > 0 {
			prio = l.Rules[n-1].Priority + rulePriorityStep
		}
		l.Rules = append(l.Rules, design.ListenerRule{
			ID: l.ID + "-rule-origin", Priority: prio, Conditions: design.Conditions{Headers: []design.KeyValue{header}},
			Action: l.DefaultAction, Source: "edge.cloudfront",
		})
	}
	l.DefaultAction = design.Action{Type: design.ActionFixed, StatusCode: 403, Body: "forbidden"}
}

// distribution designs the CloudFront distribution: an origin per public
// ALB (the home Region's first), an origin group failing static requests
// over to the second Region, a cached behavior per static path and an
// uncached default forwarding everything.
func (p *planner) distribution() {
	if !p.cloudFront() {
		return
	}
	e := p.spec.Edge
	dist := &design.Distribution{ID: "cf-" + p.spec.App, PriceClass: "PriceClass_All", MinimumProtocol: "TLSv1.2_2021"}
	if p.spec.TLS.Domain != "" {
		dist.Aliases = []string{p.spec.TLS.Domain}
	}
	switch {
	case e.Certificate != "":
		dist.Certificate = e.Certificate
	case p.spec.TLS.Certificate != "auto":
		dist.Certificate = p.spec.TLS.Certificate
	default:
		dist.Certificate = "auto"
	}
	for _, lb := range p.d.LoadBalancers {
		if lb.Type != design.ALB || lb.Scheme != design.InternetFacing {
			continue
		}
		region := p.d.VPC(lb.VPC).Region
		dist.Origins = append(dist.Origins, design.CloudFrontOrigin{
			ID: "origin-" + region, LoadBalancer: lb.ID, Region: region, Header: design.OriginHeader, ProtocolPolicy: "https-only",
		})
	}
	if len(dist.Origins) == 0 {
		return
	}
	static := dist.Origins[0].ID
	if len(dist.Origins) > 1 {
		dist.OriginGroup = &design.OriginGroup{ID: "origins-failover", Members: []string{dist.Origins[0].ID, dist.Origins[1].ID}, StatusCodes: failoverStatusCodes}
		static = dist.OriginGroup.ID
	}
	dist.DefaultBehavior = design.CacheBehavior{
		Target: dist.Origins[0].ID, Methods: []string{"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"},
		CachePolicy: cachingDisabled, OriginRequestPolicy: allViewer, ViewerProtocol: "redirect-to-https",
		// CloudFront proxies gRPC only from a behavior that enables it;
		// otherwise it calls the origin over HTTP/1.1, which a gRPC
		// target group refuses.
		GRPC: slices.ContainsFunc(p.spec.Services, func(s spec.Service) bool {
			return s.Public && s.Protocol == spec.ProtoGRPC && !s.StaticIP
		}),
	}
	for _, path := range e.StaticPaths {
		dist.Behaviors = append(dist.Behaviors, design.CacheBehavior{
			PathPattern: path, Target: static, Methods: []string{"GET", "HEAD", "OPTIONS"},
			CachePolicy: cachingOptimized, OriginRequestPolicy: allViewer, ViewerProtocol: "redirect-to-https", Compress: true,
		})
	}
	dist.Waiver = &design.Waiver{Checks: []string{trivyCloudFrontWAF, checkovCloudFrontWAF},
		Reason: "the spec declares no AWS WAF rules and netwright designs none; the ALB behind admits only CloudFront with the origin header. Attach a web ACL (scope CLOUDFRONT, in us-east-1) by its ARN as WebACLId"}
	p.d.Distribution = dist
	cached := "nothing is cached"
	if len(e.StaticPaths) > 0 {
		cached = strings.Join(e.StaticPaths, ", ") + " are cached at the edge (CachingOptimized); the rest is forwarded uncached (CachingDisabled)"
	}
	p.note("edge", "CloudFront (%s) fronts the public ALB: its group admits only %s on 443 (a rule weighing %d of the group's %d), every listener rule also requires the %s header CloudFront adds with a secret given at deploy time, and requests without it get 403; %s. The certificate is in us-east-1, as CloudFront requires.",
		dist.ID, design.CloudFrontPrefixList, awsfacts.CloudFrontPrefixListWeight, awsfacts.RulesPerSecurityGroup, design.OriginHeader, cached)
	if dist.OriginGroup != nil {
		p.note("edge", "Static requests fail over from %s to %s on %v or when the origin does not answer; CloudFront fails over only GET, HEAD and OPTIONS, so the uncached default behavior goes to %s alone.",
			dist.OriginGroup.Members[0], dist.OriginGroup.Members[1], failoverStatusCodes, dist.Origins[0].ID)
	}
	p.checkPrefixListWeight()
}

// checkPrefixListWeight counts each group's rules as AWS does, a managed
// prefix list for its weight, and says where a group passes the quota.
func (p *planner) checkPrefixListWeight() {
	for _, g := range p.d.SecurityGroups {
		for _, side := range []struct {
			dir   string
			rules []design.SGRule
		}{{"inbound", g.Ingress}, {"outbound", g.Egress}} {
			dir, rules := side.dir, side.rules
			n := design.RulesWeight(rules)
			if n > awsfacts.RulesPerSecurityGroup && slices.ContainsFunc(rules, func(r design.SGRule) bool { return r.PeerPrefixList == design.CloudFrontPrefixList }) {
				p.errorAt(p.spec.At("edge.cloudfront"), fmt.Sprintf("security group %s has %s rules weighing %d: CloudFront's prefix list counts as %d of the %d a group holds", g.ID, dir, n, awsfacts.CloudFrontPrefixListWeight, awsfacts.RulesPerSecurityGroup),
					"Request a higher \"Inbound or outbound rules per security group\" quota, or admit fewer peers beside CloudFront.")
			}
		}
	}
}
