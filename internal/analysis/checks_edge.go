package analysis

import (
	"fmt"
	"slices"

	"github.com/netwright/netwright/internal/awsfacts"
	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/diag"
)

// NW134: an origin CloudFront fronts must be reachable only through
// CloudFront. Its security groups admit CloudFront's origin-facing prefix
// list and nothing from the internet, and its listeners forward only
// requests carrying the origin header CloudFront adds: otherwise anyone
// who finds the ALB's name goes around the distribution (its caching,
// its TLS policy, any WAF on it).
var _ = register(Check{ID: "NW134", Severity: diag.Error, Title: "ALB open to the world while CloudFront fronts it",
	Rationale: fmt.Sprintf("Clients that reach an ALB directly skip everything CloudFront in front of it does. AWS's pattern: the ALB's group admits only %s (weighing %d rules), and a listener rule forwards only requests with a secret custom header CloudFront adds, answering the rest 403.",
		design.CloudFrontPrefixList, awsfacts.CloudFrontPrefixListWeight),
	Fix:   "Admit only the CloudFront origin-facing prefix list in the ALB's group, and add the origin header condition to every forwarding rule with a fixed 403 default action.",
	Peers: "none (needs the distribution and the ALB together)",
	run: func(d *design.Design, _ *Engine) []Finding {
		if d.Distribution == nil {
			return nil
		}
		var fs []Finding
		for _, o := range d.Distribution.Origins {
			var lb *design.LoadBalancer
			for i := range d.LoadBalancers {
				if d.LoadBalancers[i].ID == o.LoadBalancer {
					lb = &d.LoadBalancers[i]
				}
			}
			if lb == nil {
				continue
			}
			for _, g := range d.SecurityGroups {
				if !slices.Contains(lb.SecurityGroups, g.ID) {
					continue
				}
				for _, r := range g.Ingress {
					if r.PeerCIDR.IsValid() && !r.PeerCIDR.Addr().IsPrivate() {
						fs = append(fs, finding(lb.ID, "%s is CloudFront's origin, but %s admits %s on %s %s: clients can go around the distribution", lb.ID, g.ID, r.PeerCIDR, r.Protocol, r.Ports()))
					}
				}
			}
			header := design.KeyValue{Key: o.Header, Value: design.OriginSecret}
			for _, l := range lb.Listeners {
				if l.DefaultAction.Type == design.ActionForward {
					fs = append(fs, finding(lb.ID, "%s forwards requests without the %s header by default: clients can go around CloudFront", l.ID, o.Header))
				}
				for _, r := range l.Rules {
					if r.Action.Type == design.ActionForward && !slices.Contains(r.Conditions.Headers, header) {
						fs = append(fs, finding(lb.ID, "rule %s of %s forwards requests without the %s header", r.ID, l.ID, o.Header))
					}
				}
			}
		}
		return fs
	}})
