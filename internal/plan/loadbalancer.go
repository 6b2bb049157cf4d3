package plan

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/netwright/netwright/internal/albrules"
	"github.com/netwright/netwright/internal/awsfacts"
	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/diag"
	"github.com/netwright/netwright/internal/spec"
)

// albIdleTimeout is the ALB connection idle timeout netwright keeps at
// AWS's default; applications' keep-alive timeouts must outlive it.
const albIdleTimeout = 60 * time.Second

// rulePriorityStep leaves room between listener rules for rules added by
// hand.
const rulePriorityStep = 10

// orderedRule is one ingress rule with its ALB conditions.
type orderedRule struct {
	index int // position in spec.Ingress
	cond  design.Conditions
	to    []spec.Weighted
	at    *diag.Range
}

func (r orderedRule) source() string { return fmt.Sprintf("ingress[%d]", r.index) }

// specificity orders rules so the most specific is tried first: an exact
// host before a wildcard host before none, a longer literal path prefix
// before a shorter one, an exact path before a pattern with the same
// prefix, more condition values before fewer, then the order written.
func specificity(a, b orderedRule) int {
	return cmp.Or(
		-cmp.Compare(hostRank(a.cond.Host), hostRank(b.cond.Host)),
		-cmp.Compare(literalPrefix(a.cond.Path), literalPrefix(b.cond.Path)),
		-cmp.Compare(exactRank(a.cond.Path), exactRank(b.cond.Path)),
		-cmp.Compare(a.cond.Count(), b.cond.Count()),
		cmp.Compare(a.index, b.index),
	)
}

func hostRank(h string) int {
	switch {
	case h == "":
		return 0
	case strings.ContainsAny(h, "*?"):
		return 1
	}
	return 2
}

// literalPrefix is the length of a path pattern before its first wildcard,
// or -1 with no path condition.
func literalPrefix(p string) int {
	if p == "" {
		return -1
	}
	if i := strings.IndexAny(p, "*?"); i >= 0 {
		return i
	}
	return len(p)
}

func exactRank(p string) int {
	if p != "" && !strings.ContainsAny(p, "*?") {
		return 1
	}
	return 0
}

func conditionsOf(r spec.IngressRule) design.Conditions {
	c := design.Conditions{Host: r.Host, Path: r.Path, Methods: r.Methods, SourceIPs: r.SourceIPs}
	for _, h := range r.Headers {
		c.Headers = append(c.Headers, design.KeyValue{Key: h.Key, Value: h.Value})
	}
	for _, q := range r.Query {
		c.Query = append(c.Query, design.KeyValue{Key: q.Key, Value: q.Value})
	}
	return c
}

func sameTargets(a, b []spec.Weighted) bool {
	return slices.Equal(a, b)
}

func targetsText(ws []spec.Weighted) string {
	if len(ws) == 1 {
		return ws[0].Service
	}
	var parts []string
	for _, w := range ws {
		parts = append(parts, fmt.Sprintf("%s %d", w.Service, w.Weight))
	}
	return strings.Join(parts, ", ")
}

// checkGRPCPath finds a path condition that can never match the gRPC
// calls a rule sends to a gRPC service: every gRPC request's path is
// /<package.Service>/<Method>, two segments (gRPC over HTTP/2 protocol,
// "Path"), and an ALB path pattern's * matches any characters but its
// literal slashes stay, so a pattern with three or more literal slashes
// (/api/mobile/*) matches no gRPC call. A first segment without a dot
// matches only services declared outside any package, which is rare: a
// warning.
func (p *planner) checkGRPCPath(r orderedRule) {
	path := r.cond.Path
	if path == "" {
		return
	}
	var grpc []string
	for _, w := range r.to {
		if svc := p.spec.Service(w.Service); svc != nil && svc.Protocol == spec.ProtoGRPC {
			grpc = append(grpc, svc.Name)
		}
	}
	if len(grpc) == 0 {
		return
	}
	fix := ("Match the gRPC service's full name instead, such as path: /<package>.<Service>/* (for example /shop.mobile.v1.MobileAPI/*), or route by host: with a host name of its own.")
	if strings.Count(path, "/") > 2 {
		p.errorAt(r.at, fmt.Sprintf("%s: path %s can never match a gRPC call to %s", r.source(), path, strings.Join(grpc, ", ")),
			"gRPC calls have the path /<package.Service>/<Method>, two segments, and "+path+" needs more. "+fix)
		return
	}
	first, _, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	if !strings.ContainsAny(first, ".*?") {
		p.warnAt(r.at, fmt.Sprintf("%s: path %s matches gRPC calls to %s only if its service is declared outside any package", r.source(), path, strings.Join(grpc, ", ")),
			"gRPC calls have the path /<package.Service>/<Method>; \""+first+"\" has no package. "+fix)
	}
}

// orderIngress gives the ingress rules their listener order and finds the
// rules that can never match or that contradict each other. It returns the
// conditional rules in priority order and the condition-less default, if
// any.
func (p *planner) orderIngress() ([]orderedRule, *orderedRule) {
	var rules []orderedRule
	var def *orderedRule
	for i, r := range p.spec.Ingress {
		if r.Incomplete {
			continue // judged by what it lost, it would look wider than it is
		}
		or := orderedRule{index: i, cond: conditionsOf(r), to: r.To, at: r.At}
		p.checkGRPCPath(or)
		if or.cond.Count() > 0 {
			rules = append(rules, or)
			continue
		}
		if def != nil {
			if sameTargets(def.to, or.to) {
				p.errorAt(or.at, fmt.Sprintf("%s repeats %s: both are condition-less rules to %s", or.source(), def.source(), targetsText(or.to)),
					"Only one rule can be the default action; remove one of them.")
			} else {
				p.errorAt(or.at, fmt.Sprintf("%s and %s both have no conditions but send to different services (%s; %s)", def.source(), or.source(), targetsText(def.to), targetsText(or.to)),
					"A rule with no conditions is the listener's default action, and there is one; add conditions to one of them, or merge them into a weighted target.")
			}
			continue
		}
		def = &or
	}
	slices.SortStableFunc(rules, specificity)
	if len(rules) > awsfacts.ALBRules {
		p.errorAt(p.spec.At("ingress"), fmt.Sprintf("ingress has %d rules; an ALB allows %d", len(rules), awsfacts.ALBRules),
			"Merge rules with weighted targets or wider patterns, or split the entry point across load balancers.")
	}
	for j := range rules {
		for i := range j {
			a, b := &rules[i], &rules[j]
			if !albrules.Subsumes(&a.cond, &b.cond) {
				continue
			}
			prio := rulePriorityStep * (i + 1)
			switch {
			case albrules.Subsumes(&b.cond, &a.cond) && sameTargets(a.to, b.to):
				p.errorAt(b.at, fmt.Sprintf("%s repeats %s: they match the same requests", b.source(), a.source()),
					"Remove one of them.")
			case albrules.Subsumes(&b.cond, &a.cond):
				p.errorAt(b.at, fmt.Sprintf("%s and %s match the same requests but send them to different services (%s; %s)", a.source(), b.source(), targetsText(a.to), targetsText(b.to)),
					"ALB would send every such request to the first by priority. Make the conditions differ, or use one rule with a weighted target.")
			default:
				p.errorAt(b.at, fmt.Sprintf("%s can never match: %s (priority %d) catches every request it would", b.source(), a.source(), prio),
					fmt.Sprintf("Every request that matches %s also matches %s, which is tried first. Narrow %s or remove %s.", b.source(), a.source(), a.source(), b.source()))
			}
		}
	}
	return rules, def
}

// logsBucket names the S3 bucket that takes the access logs of a Region's
// load balancers: within 32 characters, as it always was.
func (p *planner) logsBucket(region string) string {
	return design.FitNameWithin(design.NameS3Bucket, fmt.Sprintf("%s-%s-lb-logs", p.spec.App, region), 32)
}

// entryVPCs are the VPCs that hold public load balancers: the spoke of
// the public services in hub_spoke, every Region's VPC in multi_region,
// else the one VPC.
func (p *planner) entryVPCs() []*vpcPlan {
	var out []*vpcPlan
	for _, v := range p.vpcs {
		if v.hostsPublicLBs {
			out = append(out, v)
		}
	}
	return out
}

func (p *planner) subnetsOf(v *vpcPlan, tier string) []string {
	var ids []string
	for _, s := range v.vpc.Subnets {
		if s.Tier == tier {
			ids = append(ids, s.ID)
		}
	}
	return ids
}

// targetGroup returns the ID of the target group for a service in a VPC,
// making it on first use.
func (p *planner) targetGroup(v *vpcPlan, svc *spec.Service, lbType, listener string) string {
	id := fmt.Sprintf("tg-%s-%s-%d", v.vpc.Name, svc.Name, svc.Port)
	if lbType == design.NLB && spec.IsHTTPLike(svc.Protocol) {
		id += "-nlb"
	}
	// A TLS service behind a TCP listener (an internal NLB: callers reach
	// it by the load balancer's own name, for which no certificate is
	// designed) is passed through to the task, which ends TLS as when
	// called directly. A TCP listener forwards only to a TCP or TCP_UDP
	// group (the NLB guide's "Routing configuration" table), so its group
	// is TCP, and has an ID of its own beside a TLS listener's TLS group.
	passthrough := lbType == design.NLB && svc.Protocol == spec.ProtoTLS && listener != "TLS"
	if passthrough {
		id += "-tcp"
	}
	if slices.ContainsFunc(p.d.TargetGroups, func(tg design.TargetGroup) bool { return tg.ID == id }) {
		return id
	}
	h := svc.Health
	tg := design.TargetGroup{
		ID:                  id,
		VPC:                 v.vpc.ID,
		Service:             svc.Name,
		Port:                svc.Port,
		TargetType:          "ip",
		DeregistrationDelay: design.Duration(svc.DeregistrationDelay),
		Health: design.TargetHealth{
			Port:               cmp.Or(h.Port, svc.Port),
			Interval:           design.Duration(h.Interval),
			Timeout:            design.Duration(h.Timeout),
			HealthyThreshold:   h.HealthyThreshold,
			UnhealthyThreshold: h.UnhealthyThreshold,
			// The worst case: a target that stalls just after passing a check
			// fails the next unhealthy_threshold checks, the last one by
			// timing out. With AWS's defaults that is 2 x 30s + 5s, the
			// "about 60 s" AWS quotes, counted to the end of the last check.
			UnhealthyAfter: design.Duration(time.Duration(h.UnhealthyThreshold)*h.Interval + h.Timeout),
			HealthyAfter:   design.Duration(time.Duration(h.HealthyThreshold) * h.Interval),
		},
	}
	switch lbType {
	case design.ALB:
		tg.Protocol = "HTTP"
		tg.ProtocolVersion = design.ProtocolVersion(svc.Protocol)
		tg.Health.Protocol = "HTTP"
		tg.Health.Path = h.Path
		tg.Health.Matcher = h.Matcher
		tg.Algorithm = svc.LoadBalancing
		tg.SlowStart = design.Duration(svc.SlowStart)
		switch svc.LoadBalancing {
		case "weighted_random":
			tg.AnomalyMitigation = true
		case "ip_hash":
			// ALB has no hash on the client address; a long lb_cookie keeps
			// each client on one target, which is what ip_hash is for.
			tg.Algorithm = "round_robin"
			if svc.Stickiness == 0 {
				tg.Stickiness, tg.StickinessDuration = "lb_cookie", design.Duration(24*time.Hour)
			}
			p.warnAt(p.spec.At("services."+svc.Name+".load_balancing"), fmt.Sprintf("services.%s.load_balancing ip_hash becomes lb_cookie stickiness on its ALB", svc.Name),
				"An ALB cannot hash on the client address; netwright uses round_robin with a one-day lb_cookie, which keeps each client on one target. Clients that drop cookies are spread round robin.")
		}
		if svc.Stickiness > 0 {
			tg.Stickiness, tg.StickinessDuration = "lb_cookie", design.Duration(svc.Stickiness)
		}
	case design.NLB:
		switch {
		case svc.Protocol == spec.ProtoUDP:
			tg.Protocol = "UDP"
		case svc.Protocol == spec.ProtoTLS && !passthrough:
			tg.Protocol = "TLS"
		default:
			tg.Protocol = "TCP"
		}
		// No load balancer checks UDP: a UDP group is checked over TCP, on
		// the health port when the spec gives one, else on the service's
		// port, which the task must then also accept over TCP (the
		// container maps it and the groups admit it).
		tg.Health.Protocol = "TCP"
		if svc.Protocol == spec.ProtoUDP && h.Port == 0 {
			p.warnAt(p.spec.At("services."+svc.Name+".health", "services."+svc.Name), fmt.Sprintf("services.%s is udp: its target group is health-checked over TCP on port %d", svc.Name, svc.Port),
				fmt.Sprintf("UDP health checks do not exist, so the NLB opens TCP connections to port %d; a task that only listens on UDP never becomes healthy. The design maps and admits tcp %d; set services.%s.health.port to the TCP port the task answers health checks on if it is another one.", svc.Port, svc.Port, svc.Name))
		}
		// NLB ip targets keep the client address for UDP only by default.
		tg.PreserveClientIP = svc.Protocol == spec.ProtoUDP
		switch {
		case svc.LoadBalancing != "ip_hash":
		case tg.Protocol == "TLS":
			// AWS: "Sticky sessions are not supported with TLS listeners
			// when used together with TLS target groups."
			p.warnAt(p.spec.At("services."+svc.Name+".load_balancing"), fmt.Sprintf("services.%s.load_balancing ip_hash: its public NLB ends TLS and sends TLS on, and such a target group cannot be sticky; connections are spread with no affinity", svc.Name),
				"Network Load Balancers do not support sticky sessions with a TLS listener in front of a TLS target group (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/edit-target-group-attributes.html#sticky-sessions). Set the service's protocol to tcp to pass TLS through to the tasks (they then present their own certificate) with source_ip stickiness, or drop ip_hash.")
		default:
			tg.Stickiness = "source_ip"
		}
	case design.GWLB:
		tg.Protocol, tg.Port = "GENEVE", spec.ApplianceGenevePort
		tg.Health.Protocol, tg.Health.Port = "TCP", cmp.Or(h.Port, applianceHealthPort)
	}
	// The name stays as it was first given: a target group's protocol,
	// version and port are set only when it is made, so changing them
	// replaces it, which a stack cannot do under the same name; a name
	// that carried them would instead replace every deployed group once,
	// with the listener on an empty group until tasks register
	// (docs/commands.md, "Changing a service's protocol or port").
	tg.Name = p.awsName(design.NameTargetGroup, v.vpc.Region, strings.TrimPrefix(id, "tg-"))
	p.d.TargetGroups = append(p.d.TargetGroups, tg)
	return id
}

// applianceHealthPort is where appliances answer the GWLB's TCP health
// check: GENEVE is UDP and cannot be checked itself.
const applianceHealthPort = 80

func (p *planner) forward(v *vpcPlan, to []spec.Weighted) design.Action {
	a := design.Action{Type: design.ActionForward}
	for _, w := range to {
		a.Forward = append(a.Forward, design.WeightedTarget{TargetGroup: p.targetGroup(v, p.spec.Service(w.Service), design.ALB, ""), Weight: w.Weight})
	}
	return a
}

// needsInternalLB reports whether a private service asks for what only a
// load balancer gives: cookie stickiness, slow start, or an algorithm other
// than round robin. Its callers then reach it through an internal load
// balancer; other private services are reached directly, through the mesh
// or Cloud Map.
func needsInternalLB(svc *spec.Service) bool {
	return !svc.Public && svc.Kind == spec.KindService &&
		(svc.Stickiness > 0 || svc.SlowStart > 0 || svc.LoadBalancing != "round_robin" || len(svc.CallersFrom) > 0)
}

// internalLBAsks names what a service asks for that gives it an internal
// load balancer (needsInternalLB), as spec keys.
func internalLBAsks(svc *spec.Service) string {
	asks := targetGroupAsks(svc)
	if len(svc.CallersFrom) > 0 {
		asks = append(asks, "callers_from")
	}
	return strings.Join(asks, ", ")
}

// targetGroupAsks names the target group settings a service asks for
// (an algorithm other than round robin, stickiness, slow start), as spec
// keys.
func targetGroupAsks(svc *spec.Service) []string {
	var asks []string
	if svc.LoadBalancing != "round_robin" {
		asks = append(asks, "load_balancing "+svc.LoadBalancing)
	}
	if svc.Stickiness > 0 {
		asks = append(asks, "stickiness")
	}
	if svc.SlowStart > 0 {
		asks = append(asks, "slow_start")
	}
	return asks
}

// internalLoadBalancers says whether services need an internal ALB (HTTP
// protocols) and an internal NLB (the others).
// internalLBID is the ID of a VPC's internal load balancer of a kind
// ("alb" or "nlb").
func internalLBID(kind, vpc string) string { return kind + "-" + vpc + "-internal" }

func internalLoadBalancers(services []*spec.Service) (alb, nlb bool) {
	for _, svc := range services {
		if needsInternalLB(svc) {
			if spec.IsHTTPLike(svc.Protocol) {
				alb = true
			} else {
				nlb = true
			}
		}
	}
	return alb, nlb
}

// internalLB designs the internal load balancers of one VPC: one listener
// per service on its own port, or host-header rules on a shared port.
func (p *planner) internalLB(v *vpcPlan) {
	hosts := p.subnetsOf(v, design.TierEndpoints)
	if len(hosts) == 0 {
		hosts = p.subnetsOf(v, design.TierApp)[:len(v.vpc.AZs)]
	}
	for _, kind := range []string{design.ALB, design.NLB} {
		var svcs []*spec.Service
		for _, svc := range v.app {
			if needsInternalLB(svc) && spec.IsHTTPLike(svc.Protocol) == (kind == design.ALB) {
				svcs = append(svcs, svc)
			}
		}
		if len(svcs) == 0 {
			continue
		}
		if kind == design.ALB {
			// The internal listeners are HTTP: there is no certificate for
			// the names callers use inside the VPC. An ALB speaks HTTP/2
			// only on HTTPS listeners, so gRPC and HTTP/2 calls through an
			// HTTP listener fail (the ALB user guide, Listeners, "HTTP/2").
			for _, svc := range svcs {
				if svc.Protocol == spec.ProtoGRPC || svc.Protocol == spec.ProtoHTTP2 {
					name := svc.Name
					p.errorAt(p.spec.At("services."+name+".protocol", "services."+name),
						fmt.Sprintf("services.%s (%s) needs an internal ALB, whose HTTP listener cannot carry %s", name, svc.Protocol, svc.Protocol),
						fmt.Sprintf("An ALB speaks HTTP/2, and so gRPC, only on HTTPS listeners, and netwright makes internal listeners HTTP. services.%s asks for an internal load balancer through %s; remove it to keep the calls on the mesh (round robin), or use protocol http.", name, internalLBAsks(svc)))
				}
			}
		}
		short := map[string]string{design.ALB: "alb", design.NLB: "nlb"}[kind]
		lb := design.LoadBalancer{
			ID: internalLBID(short, v.vpc.Name), Name: p.awsName(design.NameLoadBalancer, v.vpc.Region, v.vpc.Name+"-internal-"+short),
			Type: kind, Scheme: design.Internal, VPC: v.vpc.ID, Subnets: hosts,
			DeletionProtection: p.spec.Environment == "production", CrossZone: true,
			AccessLogs: &design.AccessLogs{Bucket: p.logsBucket(v.vpc.Region), Prefix: v.vpc.Name + "-internal"},
		}
		if kind == design.ALB {
			lb.IdleTimeout, lb.DropInvalidHeaders = design.Duration(albIdleTimeout), true
		}
		byPort := map[int][]*spec.Service{}
		var ports []int
		for _, svc := range svcs {
			if _, ok := byPort[svc.Port]; !ok {
				ports = append(ports, svc.Port)
			}
			byPort[svc.Port] = append(byPort[svc.Port], svc)
		}
		for _, port := range ports {
			group := byPort[port]
			l := design.Listener{ID: fmt.Sprintf("%s-%d", lb.ID, port), Port: port}
			switch {
			case kind == design.ALB:
				l.Protocol = "HTTP"
			case group[0].Protocol == spec.ProtoUDP:
				l.Protocol = "UDP"
			default:
				l.Protocol = "TCP"
			}
			if len(group) == 1 || kind == design.NLB {
				if len(group) > 1 {
					p.errorAt(p.spec.At("services."+group[1].Name+".port"), fmt.Sprintf("services %s and %s both need internal NLB port %d", group[0].Name, group[1].Name, port),
						"An NLB listener serves one port; give one of them another port.")
				}
				l.DefaultAction = design.Action{Type: design.ActionForward, Forward: []design.WeightedTarget{{TargetGroup: p.targetGroup(v, group[0], kind, l.Protocol), Weight: 1}}}
			} else {
				// Several services on one port share the listener and are
				// told apart by the name callers use.
				for k, svc := range group {
					l.Rules = append(l.Rules, design.ListenerRule{
						ID: fmt.Sprintf("%s-%s", l.ID, svc.Name), Priority: rulePriorityStep * (k + 1),
						Conditions: design.Conditions{Host: svc.Name + "." + p.spec.Discovery.Namespace},
						Action:     design.Action{Type: design.ActionForward, Forward: []design.WeightedTarget{{TargetGroup: p.targetGroup(v, svc, kind, l.Protocol), Weight: 1}}},
						Source:     "services." + svc.Name,
					})
				}
				l.DefaultAction = design.Action{Type: design.ActionFixed, StatusCode: 404, Body: "no route"}
			}
			lb.Listeners = append(lb.Listeners, l)
		}
		p.d.LoadBalancers = append(p.d.LoadBalancers, lb)
		var names []string
		for _, svc := range svcs {
			names = append(names, svc.Name)
		}
		why := "because it asks for stickiness, slow start or an algorithm only a load balancer provides"
		if slices.ContainsFunc(svcs, func(s *spec.Service) bool { return len(s.CallersFrom) > 0 }) {
			why = "because it asks for what only a load balancer provides, or on-premises sites call it (callers_from): a site reaches one stable address, never the tasks"
		}
		p.note("load_balancing", "%s is reached through the internal load balancer %s, %s.", strings.Join(names, ", "), lb.ID, why)
		if p.lbNotes == nil {
			p.lbNotes = map[string]design.Note{}
		}
		p.lbNotes[lb.ID] = p.d.Notes[len(p.d.Notes)-1]
	}
}

// loadBalancers designs the public ALB and NLB of each entry VPC, the
// internal load balancers, and the GWLB of the inspection appliances.
func (p *planner) loadBalancers() {
	rules, def := p.orderIngress()
	var publicHTTP, publicL4 []*spec.Service
	for i := range p.spec.Services {
		svc := &p.spec.Services[i]
		switch {
		case !svc.Public:
		case spec.IsHTTPLike(svc.Protocol) && !svc.StaticIP:
			publicHTTP = append(publicHTTP, svc)
		default:
			publicL4 = append(publicL4, svc)
		}
	}
	prod := p.spec.Environment == "production"
	for _, v := range p.entryVPCs() {
		public := p.subnetsOf(v, design.TierPublic)
		logs := &design.AccessLogs{Bucket: p.logsBucket(v.vpc.Region), Prefix: v.vpc.Name}
		if len(publicHTTP) > 0 {
			lb := design.LoadBalancer{
				ID: "alb-" + v.vpc.Name + "-public", Name: p.awsName(design.NameLoadBalancer, v.vpc.Region, v.vpc.Name+"-public"),
				Type: design.ALB, Scheme: design.InternetFacing, VPC: v.vpc.ID, Subnets: public,
				IdleTimeout: design.Duration(albIdleTimeout), DropInvalidHeaders: true,
				DeletionProtection: prod, CrossZone: true, AccessLogs: logs,
			}
			https := design.Listener{ID: lb.ID + "-https", Port: 443, Protocol: "HTTPS", Certificate: p.spec.TLS.Certificate, SSLPolicy: p.spec.TLS.Policy}
			for k, r := range rules {
				https.Rules = append(https.Rules, design.ListenerRule{
					ID:         fmt.Sprintf("%s-rule-%d", lb.ID, r.index),
					Priority:   rulePriorityStep * (k + 1),
					Conditions: r.cond,
					Action:     p.forward(v, r.to),
					Source:     r.source(),
					Origin:     r.at,
				})
			}
			switch {
			case def != nil:
				https.DefaultAction = p.forward(v, def.to)
			case len(p.spec.Ingress) == 0 && len(publicHTTP) == 1:
				https.DefaultAction = p.forward(v, []spec.Weighted{{Service: publicHTTP[0].Name, Weight: 1}})
			default:
				https.DefaultAction = design.Action{Type: design.ActionFixed, StatusCode: 404, Body: "no route"}
			}
			redirect := design.Listener{ID: lb.ID + "-http", Port: 80, Protocol: "HTTP",
				DefaultAction: design.Action{Type: design.ActionRedirect, RedirectProtocol: "HTTPS", RedirectPort: 443, StatusCode: 301}}
			lb.Listeners = []design.Listener{https, redirect}
			if p.cloudFront() {
				// CloudFront redirects viewers to HTTPS itself and reaches
				// the ALB on 443 only, with the origin header.
				p.verifyOrigin(&https)
				lb.Listeners = []design.Listener{https}
			}
			p.d.LoadBalancers = append(p.d.LoadBalancers, lb)
		}
		if len(publicL4) > 0 {
			lb := design.LoadBalancer{
				ID: "nlb-" + v.vpc.Name + "-public", Name: p.awsName(design.NameLoadBalancer, v.vpc.Region, v.vpc.Name+"-nlb"),
				Type: design.NLB, Scheme: design.InternetFacing, VPC: v.vpc.ID, Subnets: public,
				DeletionProtection: prod, CrossZone: true, AccessLogs: logs,
			}
			ports := map[string]string{}
			for _, svc := range publicL4 {
				lb.ElasticIPs = lb.ElasticIPs || svc.StaticIP
				l := design.Listener{ID: fmt.Sprintf("%s-%s", lb.ID, svc.Name), Port: svc.Port}
				switch {
				case spec.IsHTTPLike(svc.Protocol):
					// A static address for an HTTP service: the NLB ends TLS on
					// 443 and passes the requests on over TCP.
					l.Port, l.Protocol = 443, "TLS"
				case svc.Protocol == spec.ProtoUDP:
					l.Protocol = "UDP"
				case svc.Protocol == spec.ProtoTLS:
					l.Protocol = "TLS"
				default:
					l.Protocol = "TCP"
				}
				if l.Protocol == "TLS" {
					l.Certificate, l.SSLPolicy = p.spec.TLS.Certificate, p.spec.TLS.Policy
					if svc.Protocol == spec.ProtoGRPC || svc.Protocol == spec.ProtoHTTP2 {
						l.ALPNPolicy = "HTTP2Preferred"
					}
				}
				key := fmt.Sprintf("%d/%s", l.Port, transport(svc.Protocol))
				if other, taken := ports[key]; taken {
					p.errorAt(p.spec.At("services."+svc.Name+".port", "services."+svc.Name), fmt.Sprintf("services %s and %s both need public NLB port %s", other, svc.Name, key),
						"One NLB listener serves one port and protocol; give one of them another port.")
					continue
				}
				ports[key] = svc.Name
				l.DefaultAction = design.Action{Type: design.ActionForward, Forward: []design.WeightedTarget{{TargetGroup: p.targetGroup(v, svc, design.NLB, l.Protocol), Weight: 1}}}
				lb.Listeners = append(lb.Listeners, l)
			}
			p.d.LoadBalancers = append(p.d.LoadBalancers, lb)
		}
	}
	if len(p.spec.Ingress) > 0 && def == nil && len(publicHTTP) > 0 {
		p.note("load_balancing", "No ingress rule is condition-less, so the HTTPS listener's default action answers 404 to requests no rule matches.")
	}
	for _, v := range p.vpcs {
		p.internalLB(v)
	}
	p.gatewayLoadBalancer()
	slices.SortFunc(p.d.TargetGroups, func(a, b design.TargetGroup) int { return strings.Compare(a.ID, b.ID) })
}

// albOwners gives the ALBs, with their listeners, rules and target groups,
// to the owner network.alb_owner names. The AWS Load Balancer Controller
// makes each from the Ingresses of the Kubernetes export, names its target
// groups itself, and takes the stack's security groups, subnets, bucket
// and certificate from the Ingress; one controller works in its cluster's
// VPC, so the ALBs it makes must all be in one.
func (p *planner) albOwners() {
	if p.spec.Network.ALBOwner != spec.ALBOwnerController {
		return
	}
	at := p.spec.At("network.alb_owner")
	var names, vpcs []string
	for i := range p.d.LoadBalancers {
		lb := &p.d.LoadBalancers[i]
		if lb.Type != design.ALB {
			continue
		}
		lb.Owner = design.OwnerLoadBalancerController
		names = append(names, lb.Name)
		if !slices.Contains(vpcs, lb.VPC) {
			vpcs = append(vpcs, lb.VPC)
		}
		for _, id := range lb.TargetGroupsOf() {
			for j := range p.d.TargetGroups {
				if tg := &p.d.TargetGroups[j]; tg.ID == id {
					tg.Owner, tg.Name = design.OwnerLoadBalancerController, ""
				}
			}
		}
	}
	switch {
	case len(names) == 0:
		p.warnAt(at, "network.alb_owner controller has no ALB to own",
			"No service is public over HTTP and none needs an internal ALB, so the design has no ALB; remove alb_owner.")
		return
	case len(vpcs) > 1:
		p.errorAt(at, fmt.Sprintf("network.alb_owner controller: the ALBs are in %d VPCs (%s)", len(vpcs), strings.Join(vpcs, ", ")),
			"One cluster's AWS Load Balancer Controller makes load balancers and target groups in its own VPC only; keep alb_owner: stack for this layout.")
		return
	}
	p.note("load_balancing", "The AWS Load Balancer Controller makes the ALBs %s, their listeners, rules and target groups from the Ingresses of export --format kubernetes --ingress (an IngressGroup per ALB, an Ingress per listener, the rules in the designed order, which the controller numbers 1, 2, ... where the design says 10, 20, ...), names the target groups itself (one per Service) and registers the pods; the stack makes what the Ingresses name: the ALBs' security groups (so the controller makes none, and adds no rules: the design's groups already admit the ALBs), the access-log bucket, and takes the certificate.", strings.Join(names, ", "))
}

// gatewayLoadBalancer puts the inspection appliances behind a GWLB in the
// VPC that holds them, with one GWLB endpoint per AZ.
func (p *planner) gatewayLoadBalancer() {
	in := p.spec.Inspection
	if in == nil {
		return
	}
	appliance := p.spec.Service(in.Appliance)
	var gwlb string
	for _, v := range p.vpcs {
		if len(v.inspection) == 0 {
			continue
		}
		lb := design.LoadBalancer{
			ID: "gwlb-" + v.vpc.Name, Name: p.awsName(design.NameLoadBalancer, v.vpc.Region, v.vpc.Name+"-gwlb"),
			Type: design.GWLB, VPC: v.vpc.ID, Subnets: p.subnetsOf(v, design.TierInspection),
			DeletionProtection: p.spec.Environment == "production", CrossZone: false,
		}
		lb.Listeners = []design.Listener{{ID: lb.ID + "-geneve", Port: spec.ApplianceGenevePort, Protocol: "GENEVE",
			DefaultAction: design.Action{Type: design.ActionForward, Forward: []design.WeightedTarget{{TargetGroup: p.targetGroup(v, appliance, design.GWLB, "GENEVE"), Weight: 1}}}}}
		p.d.LoadBalancers = append(p.d.LoadBalancers, lb)
		gwlb = lb.ID
	}
	// One endpoint per AZ in every VPC with a firewall tier, in front of
	// the GWLB through its endpoint service (PrivateLink reaches it from
	// another VPC of the account as well).
	for _, v := range p.vpcs {
		if !p.needsGWLBEndpoints(v) || gwlb == "" {
			continue
		}
		for az := range v.vpc.AZs {
			p.d.GatewayLoadBalancerEndpoints = append(p.d.GatewayLoadBalancerEndpoints, design.GatewayLoadBalancerEndpoint{
				ID: fmt.Sprintf("gwlbe-%s-%s", v.vpc.Name, azSuffix(v.vpc.AZs[az])), LoadBalancer: gwlb,
				Subnet: p.subnetID(v, design.TierFirewall, az), AZ: v.vpc.AZs[az],
			})
		}
	}
}

// dropUnusedInternalLBs removes an internal load balancer no caller
// would use: VPC Lattice carries every declared call to the services
// behind it (their callers get the Lattice service's name) and no site
// calls them. Lattice's target groups route without an algorithm
// choice, stickiness or slow start, so what the spec asked of the load
// balancer is not applied, which the plan says where the spec asks it.
func (p *planner) dropUnusedInternalLBs() map[string]bool {
	if p.d.Mesh == nil || p.d.Mesh.Lattice == nil {
		return nil
	}
	used := func(service string) bool {
		if svc := p.spec.Service(service); svc == nil || len(svc.CallersFrom) > 0 {
			return true
		}
		for _, f := range p.d.Flows {
			if f.Kind == design.FlowService && f.To == service && p.latticeFlow(f) == nil {
				return true
			}
		}
		return false
	}
	var keep []design.LoadBalancer
	drop, dropTG, warned := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, lb := range p.d.LoadBalancers {
		if lb.Scheme != design.Internal || lb.Type == design.GWLB {
			keep = append(keep, lb)
			continue
		}
		var services []string
		inUse := false
		for _, l := range lb.Listeners {
			for _, tgID := range forwardedTargetGroups(l) {
				svc := p.targetGroupByID(tgID).Service
				if !slices.Contains(services, svc) {
					services = append(services, svc)
				}
				inUse = inUse || used(svc)
			}
		}
		if inUse || len(services) == 0 {
			keep = append(keep, lb)
			continue
		}
		drop[lb.ID] = true
		for _, l := range lb.Listeners {
			for _, tgID := range forwardedTargetGroups(l) {
				dropTG[tgID] = true
			}
		}
		for _, name := range services {
			asks := targetGroupAsks(p.spec.Service(name))
			if warned[name] {
				continue
			}
			warned[name] = true
			targets := "service_connect or none"
			if p.spec.Network.Compute == spec.ComputeEKS {
				targets = "none" // Service Connect is ECS's
			}
			p.warnAt(p.spec.At("services."+name+".load_balancing", "services."+name+".stickiness", "services."+name+".slow_start", "services."+name),
				fmt.Sprintf("services.%s: VPC Lattice carries every call to it, and Lattice target groups have no %s; no internal load balancer is designed for it", name, strings.Join(asks, ", ")),
				"VPC Lattice routes by listener rules and weights only (https://docs.aws.amazon.com/vpc-lattice/latest/ug/target-groups.html). Drop the setting, or set mesh.target to "+targets+" to have callers reach it through an internal load balancer.")
		}
	}
	if len(drop) == 0 {
		return nil
	}
	p.d.LoadBalancers = keep
	var tgs []design.TargetGroup
	for _, tg := range p.d.TargetGroups {
		if !dropTG[tg.ID] {
			tgs = append(tgs, tg)
		}
	}
	p.d.TargetGroups = tgs
	p.d.Notes = slices.DeleteFunc(p.d.Notes, func(n design.Note) bool {
		for id := range drop {
			if n == p.lbNotes[id] {
				return true
			}
		}
		return false
	})
	return drop
}
