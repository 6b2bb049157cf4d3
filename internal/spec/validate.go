package spec

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/netwright/netwright/internal/awsfacts"
	"github.com/netwright/netwright/internal/diag"
)

// validate checks what no single key can: references between sections and
// combinations that cannot work. It runs after defaults, so it sees the
// values the design will use.
func (d *decoder) validate(s *Spec) {
	d.validateNetwork(s)
	names := make([]string, len(s.Services))
	for i, svc := range s.Services {
		names[i] = svc.Name
	}
	for i := range s.Services {
		d.validateService(s, &s.Services[i], names)
	}
	d.validateIngress(s, names)
	d.validateTLSAndMesh(s)
	d.validateTraffic(s, names)
	d.validateGlobal(s)
	d.validateInspection(s, names)
	d.validateHybrid(s)
}

func (d *decoder) validateNetwork(s *Spec) {
	nw := &s.Network
	switch {
	case nw.Pattern == PatternMultiRegion && len(s.Regions) < 2:
		d.errorRange(d.at("network.pattern"), "network.pattern multi_region needs at least two regions",
			"List two or more Regions in regions, or choose three_tier, microservices or hub_spoke.")
	case nw.Pattern != PatternMultiRegion && len(s.Regions) > 1:
		d.errorRange(d.at("network.pattern", "regions"), fmt.Sprintf("%d regions need network.pattern multi_region, not %s", len(s.Regions), nw.Pattern),
			"Set network.pattern to multi_region (each Region gets a three-tier VPC), or list one Region.")
	}
	for _, r := range s.Regions {
		reg, _ := awsfacts.LookupRegion(r)
		if nw.AZs > len(reg.AZLetters) {
			d.errorRange(d.at("network.azs"), fmt.Sprintf("network.azs is %d but %s has %d Availability Zones", nw.AZs, r, len(reg.AZLetters)),
				fmt.Sprintf("Set network.azs to at most %d.", len(reg.AZLetters)))
		}
	}
	if len(nw.Spokes) > 0 && nw.Pattern != PatternHubSpoke {
		d.errorRange(d.at("network.spokes"), "network.spokes needs network.pattern hub_spoke",
			"Spoke VPCs exist only in the hub-and-spoke pattern; set network.pattern: hub_spoke or remove spokes.")
	}
	if slices.Contains(nw.Spokes, s.App) {
		d.errorRange(d.at("network.spokes"), fmt.Sprintf("network.spokes: %q is the app's own VPC", s.App),
			"The app's VPC is always a spoke; list only the other spokes.")
	}
	if nw.PrefixDelegation && nw.Compute != ComputeEKS {
		d.errorRange(d.at("network.prefix_delegation"), "network.prefix_delegation needs network.compute eks",
			"Prefix delegation is a setting of the EKS VPC CNI; ECS tasks get one address each.")
	}
	if nw.PodSecurityGroups && nw.Compute != ComputeEKS {
		d.errorRange(d.at("network.pod_security_groups"), "network.pod_security_groups needs network.compute eks",
			"Security Groups for Pods is a setting of the EKS VPC CNI; every ECS task has its own ENI and security group already.")
	}
	if nw.ALBOwner == ALBOwnerController {
		at := d.at("network.alb_owner")
		switch {
		case nw.Compute != ComputeEKS:
			d.errorRange(at, "network.alb_owner controller needs network.compute eks",
				"The AWS Load Balancer Controller runs in an EKS cluster and registers its pods; ECS registers tasks only in target groups the stack creates. Remove alb_owner or set it to stack.")
		case len(s.Regions) > 1:
			d.errorRange(at, fmt.Sprintf("network.alb_owner controller needs one Region, not %d", len(s.Regions)),
				"Each Region's ALB would be made by that Region's cluster, but the Kubernetes export writes one cluster's manifests, and global routing aliases ALBs the stack must know. Keep alb_owner: stack for a multi-Region design.")
		}
		if s.Edge != nil && s.Edge.CloudFront {
			d.errorRange(at, "network.alb_owner controller cannot be used with edge.cloudfront",
				"CloudFront's origin is the ALB's DNS name, and every listener rule checks the origin header whose value is a stack parameter; the stack knows neither when the controller makes the ALB. Keep alb_owner: stack behind CloudFront.")
		}
	}
	if nw.NAT == NATNone {
		for _, svc := range s.Services {
			for _, e := range svc.Egress {
				d.errorRange(e.At, fmt.Sprintf("services.%s.egress %s needs NAT, but network.nat is none", svc.Name, e),
					"Private subnets reach the internet only through a NAT gateway: set network.nat to single or per_az, or remove the egress entry.")
			}
		}
	}
	if nw.Pattern == PatternHubSpoke && nw.NAT == NATNone {
		hasEgress := slices.ContainsFunc(s.Services, func(svc Service) bool { return len(svc.Egress) > 0 })
		if !hasEgress {
			d.warnRange(d.at("network.nat", "network.pattern"), "a hub without NAT has no shared egress to offer",
				"The hub VPC exists to centralise egress and endpoints; with nat: none only its endpoints are shared.")
		}
	}
}

func (d *decoder) validateService(s *Spec, svc *Service, names []string) {
	p := "services." + svc.Name
	if svc.Kind == KindService && d.set[p+".port"] == nil {
		d.errorRange(svc.At, p+" has no port", "A service of kind service needs the port it listens on, such as \"port: 8080\".")
	}
	if svc.IsDataStore() && svc.Protocol != ProtoTCP && svc.Protocol != ProtoTLS {
		d.errorRange(d.at(p+".protocol"), fmt.Sprintf("%s is a %s data store; its protocol must be tcp or tls, not %s", p, svc.Kind, svc.Protocol),
			"Data stores speak their own wire protocol over TCP; write tcp, or tls for in-transit encryption.")
	}
	if svc.Kind == KindAppliance && svc.Protocol != ProtoUDP && svc.Protocol != ProtoTCP {
		d.errorRange(d.at(p+".protocol"), fmt.Sprintf("%s is an appliance; its protocol must be udp (GENEVE) or tcp, not %s", p, svc.Protocol), "")
	}
	if svc.Public && (svc.IsDataStore() || svc.Kind == KindAppliance) {
		d.errorRange(d.at(p+".public"), fmt.Sprintf("%s is a %s and cannot be public", p, svc.Kind),
			"Only application services sit behind a public load balancer; keep data stores and appliances private.")
	}
	if svc.StaticIP && !svc.Public {
		d.errorRange(d.at(p+".static_ip"), p+".static_ip needs public: true",
			"static_ip puts a public service behind an NLB with fixed Elastic IPs; set public: true or remove static_ip.")
	}
	if svc.MaxReplicas < svc.Replicas {
		d.errorRange(d.at(p+".max_replicas"), fmt.Sprintf("%s.max_replicas (%d) is less than replicas (%d)", p, svc.MaxReplicas, svc.Replicas),
			"max_replicas is the autoscaling ceiling; make it at least replicas.")
	}
	if svc.Spoke != "" {
		switch {
		case s.Network.Pattern != PatternHubSpoke:
			d.errorRange(d.at(p+".spoke"), p+".spoke needs network.pattern hub_spoke", "")
		case !slices.Contains(s.Network.Spokes, svc.Spoke):
			d.errorRange(d.at(p+".spoke"), fmt.Sprintf("%s.spoke: %q is not in network.spokes", p, svc.Spoke),
				suggest(svc.Spoke, s.Network.Spokes, "Add it to network.spokes, or name one of: "+strings.Join(s.Network.Spokes, ", ")+"."))
		}
		if svc.Public {
			d.errorRange(d.at(p+".spoke"), p+" is public and cannot live in a spoke",
				"Public entry points sit in the hub (or the app's VPC); spokes have private subnets only.")
		}
	}
	d.validateHealth(svc, p)
	d.validateBalancing(svc, p)

	seen := map[string]bool{}
	for _, dep := range svc.DependsOn {
		callee := s.Service(dep.Service)
		switch {
		case callee == nil:
			d.errorRange(dep.At, fmt.Sprintf("%s.depends_on: unknown service %q", p, dep.Service),
				suggest(dep.Service, names, "Declare it under services, or remove the dependency."))
			continue
		case dep.Service == svc.Name:
			d.errorRange(dep.At, fmt.Sprintf("%s depends on itself", p), "Calls inside a service need no network rule; remove the entry.")
			continue
		case callee.Kind == KindAppliance:
			d.errorRange(dep.At, fmt.Sprintf("%s.depends_on: %s is an appliance", p, dep.Service),
				"Appliances sit in the path of inspected flows; nothing calls them directly. Use inspection instead.")
			continue
		}
		key := dep.Service + ":" + strconv.Itoa(dep.Port)
		if seen[key] {
			d.errorRange(dep.At, fmt.Sprintf("%s.depends_on: %s is listed twice", p, key), "List each call once.")
		}
		seen[key] = true
	}
}

func (d *decoder) validateHealth(svc *Service, p string) {
	h := &svc.Health
	at := func(key string) *diag.Range { return d.at(p+".health."+key, p+".health", p) }
	if !IsHTTPLike(svc.Protocol) {
		if d.set[p+".health.path"] != nil {
			d.errorRange(at("path"), fmt.Sprintf("%s.health.path is set, but %s checks have no path", p, svc.Protocol),
				"A tcp, udp or tls health check only opens a connection; remove the path.")
		}
		if d.set[p+".health.matcher"] != nil {
			d.errorRange(at("matcher"), fmt.Sprintf("%s.health.matcher is set, but %s checks have no status code", p, svc.Protocol), "Remove the matcher.")
		}
	} else if h.Matcher != "" {
		lo, hi, kind := 200, 499, "HTTP"
		if svc.Protocol == ProtoGRPC {
			lo, hi, kind = 0, 99, "gRPC"
		}
		if err := checkMatcher(h.Matcher, lo, hi); err != nil {
			d.errorRange(at("matcher"), fmt.Sprintf("%s.health.matcher: %q %s", p, h.Matcher, err),
				fmt.Sprintf("A %s matcher is a code, a range such as %d-%d, or a list such as %d,%d, within %d-%d.", kind, lo, lo+99, lo, lo+2, lo, hi))
		}
	}
	if h.Timeout >= h.Interval {
		d.errorRange(at("timeout"), fmt.Sprintf("%s.health.timeout (%s) must be less than the interval (%s)", p, FormatDuration(h.Timeout), FormatDuration(h.Interval)),
			"A check must time out before the next one starts; lower the timeout or raise the interval.")
	}
}

// checkMatcher validates an ELB success-code matcher: "200", "200-299" or
// "200,202,204" with every code in lo..hi.
func checkMatcher(m string, lo, hi int) error {
	for part := range strings.SplitSeq(m, ",") {
		a, b, isRange := strings.Cut(strings.TrimSpace(part), "-")
		x, err := strconv.Atoi(a)
		if err != nil {
			return fmt.Errorf("is not a list of status codes")
		}
		y := x
		if isRange {
			if y, err = strconv.Atoi(b); err != nil || y < x {
				return fmt.Errorf("has a range that is not low-high")
			}
		}
		if x < lo || y > hi {
			return fmt.Errorf("is outside %d-%d", lo, hi)
		}
	}
	return nil
}

func (d *decoder) validateBalancing(svc *Service, p string) {
	alb := IsHTTPLike(svc.Protocol)
	if svc.Stickiness > 0 && !alb {
		d.errorRange(d.at(p+".stickiness"), fmt.Sprintf("%s.stickiness needs an ALB, but %s goes through an NLB", p, svc.Protocol),
			"Cookie stickiness exists only on ALB; for TCP, UDP and TLS use load_balancing: ip_hash (NLB source-IP affinity).")
	}
	if svc.SlowStart > 0 && !alb {
		d.errorRange(d.at(p+".slow_start"), fmt.Sprintf("%s.slow_start needs an ALB, but %s goes through an NLB", p, svc.Protocol),
			"NLB target groups have no slow start mode; remove it.")
	}
	if svc.SlowStart > 0 && svc.LoadBalancing == "weighted_random" {
		d.errorRange(d.at(p+".slow_start"), p+".slow_start cannot be used with weighted_random",
			"ALB does not support slow start with the weighted random algorithm; use round_robin or remove slow_start.")
	}
	if svc.SlowStart > 0 && svc.LoadBalancing == "least_outstanding_requests" {
		d.errorRange(d.at(p+".slow_start"), p+".slow_start cannot be used with least_outstanding_requests",
			"ALB refuses slow start on a target group that routes by least outstanding requests; keep least_outstanding_requests and remove slow_start, or use load_balancing: round_robin with slow_start.")
	}
	if !alb && (svc.LoadBalancing == "least_outstanding_requests" || svc.LoadBalancing == "weighted_random") {
		d.errorRange(d.at(p+".load_balancing"), fmt.Sprintf("%s.load_balancing %s needs an ALB, but %s goes through an NLB", p, svc.LoadBalancing, svc.Protocol),
			"An NLB hashes each flow; use round_robin (flow hash) or ip_hash (source-IP affinity).")
	}
}

func (d *decoder) validateIngress(s *Spec, names []string) {
	var publicHTTP []string
	for _, svc := range s.Services {
		if svc.Public && IsHTTPLike(svc.Protocol) && !svc.StaticIP {
			publicHTTP = append(publicHTTP, svc.Name)
		}
	}
	for i, r := range s.Ingress {
		p := fmt.Sprintf("ingress[%d]", i)
		for _, w := range r.To {
			svc := s.Service(w.Service)
			switch {
			case svc == nil:
				d.errorRange(d.at(p+".to", p), fmt.Sprintf("%s.to: unknown service %q", p, w.Service),
					suggest(w.Service, publicHTTP, "Route to a service with public: true."))
			case !svc.Public:
				d.errorRange(d.at(p+".to", p), fmt.Sprintf("%s.to: %s is not public", p, w.Service),
					fmt.Sprintf("Set services.%s.public: true so the load balancer may reach it, or route elsewhere.", w.Service))
			case !IsHTTPLike(svc.Protocol):
				d.errorRange(d.at(p+".to", p), fmt.Sprintf("%s.to: %s speaks %s, which an ALB cannot route", p, w.Service, svc.Protocol),
					"Ingress rules are ALB listener rules; TCP, UDP and TLS services get their own NLB listener without rules.")
			}
		}
	}
	if len(s.Ingress) == 0 && len(publicHTTP) > 1 {
		d.errorRange(d.at("services"), fmt.Sprintf("%d public HTTP services share one entry point but there are no ingress rules", len(publicHTTP)),
			"Add ingress rules that say which requests go to "+strings.Join(publicHTTP, ", ")+", with one condition-less rule as the default.")
	}
	if len(s.Ingress) > 0 && len(publicHTTP) == 0 {
		d.errorRange(d.at("ingress"), "ingress rules are given but no service is public over HTTP",
			"Set public: true on the HTTP, HTTP/2, gRPC or WebSocket services the rules send to.")
	}
	if len(publicHTTP) > 0 && s.TLS.Certificate == "auto" && s.TLS.Domain == "" {
		d.errorRange(d.at("tls.certificate", "tls", "services"), "tls.domain is needed for an auto certificate",
			"The public HTTPS listener needs a certificate: set tls.domain (a DNS-validated ACM certificate is requested for it), or give tls.certificate as an ACM ARN.")
	}
}

func (d *decoder) validateTLSAndMesh(s *Spec) {
	if s.Discovery.Type == "http" && d.set["discovery.ttl"] != nil {
		d.warnRange(d.at("discovery.ttl"), "discovery.ttl has no effect in an http namespace",
			"HTTP namespaces answer API calls only; there are no DNS records to cache. Remove ttl or use dns_private.")
	}
	if s.Mesh.Target == "service_connect" && s.Network.Compute == ComputeEKS {
		d.errorRange(d.at("mesh.target"), "mesh.target service_connect needs ECS, but network.compute is eks",
			"ECS Service Connect runs only on ECS; use vpc_lattice on EKS.")
	}
	if s.Mesh.Target == "none" && s.Mesh.MTLS != "off" {
		d.errorRange(d.at("mesh.mtls"), fmt.Sprintf("mesh.mtls %s needs a mesh, but mesh.target is none", s.Mesh.MTLS),
			"Without a mesh nothing terminates mutual TLS; set mtls: off or choose a mesh target.")
	}
}

func (d *decoder) validateTraffic(s *Spec, names []string) {
	for _, tp := range s.Traffic {
		p := "traffic." + tp.Service
		if s.Service(tp.Service) == nil {
			d.errorRange(tp.At, fmt.Sprintf("traffic: unknown service %q", tp.Service),
				suggest(tp.Service, names, "Traffic policy is keyed by the destination service's name."))
			continue
		}
		for i, rt := range tp.Routes {
			for _, w := range rt.To {
				if s.Service(w.Service) == nil {
					d.errorRange(rt.At, fmt.Sprintf("%s.routes[%d].to: unknown service %q", p, i, w.Service),
						suggest(w.Service, names, "Route to a declared service."))
				}
			}
		}
		if tp.Retries != nil && tp.Retries.Attempts > 0 && tp.Retries.PerTryTimeout > 0 && tp.Timeout > 0 &&
			tp.Retries.PerTryTimeout > tp.Timeout {
			d.errorRange(d.at(p+".retries"), fmt.Sprintf("%s.retries.per_try_timeout (%s) is longer than the route timeout (%s)", p,
				FormatDuration(tp.Retries.PerTryTimeout), FormatDuration(tp.Timeout)),
				"The route timeout includes retries, so one try can never use its whole per-try timeout; lower per_try_timeout.")
		}
		switch s.Mesh.Target {
		case "none":
			d.warnRange(tp.At, p+" is ignored because mesh.target is none",
				"Without a mesh, calls go straight to DNS answers and no proxy applies timeouts, retries or routes.")
		case "service_connect":
			d.serviceConnectDrops(tp, p)
		}
	}
}

// serviceConnectDrops warns about each setting ECS Service Connect cannot
// express: it has per-request and idle timeouts only.
func (d *decoder) serviceConnectDrops(tp TrafficPolicy, p string) {
	drop := func(key, what string) {
		d.warnRange(d.at(p+"."+key, p), fmt.Sprintf("%s.%s is dropped by the service_connect export", p, key),
			"ECS Service Connect cannot express "+what+"; the setting stays in the mesh model and the local runtime only. Use mesh.target vpc_lattice to keep it.")
	}
	if tp.Retries != nil {
		drop("retries", "retry policies")
	}
	if tp.CircuitBreaker != nil {
		drop("circuit_breaker", "circuit breaker limits")
	}
	if tp.OutlierDetection != nil {
		drop("outlier_detection", "outlier detection tuning")
	}
	if tp.ConnectionPool != nil && tp.ConnectionPool.MaxIdlePerHost > 0 {
		drop("connection_pool", "connection pool sizes (only the idle timeout)")
	}
	for i, rt := range tp.Routes {
		var what []string
		if len(rt.To) > 1 {
			what = append(what, "weighted targets")
		}
		if len(rt.Match.Headers) > 0 {
			what = append(what, "header matches")
		}
		if rt.Match.Path != "" {
			what = append(what, "path matches")
		}
		if rt.Match.Method != "" {
			what = append(what, "method matches")
		}
		if len(what) == 0 {
			what = append(what, "routes to another service")
		}
		d.warnRange(rt.At, fmt.Sprintf("%s.routes[%d] is dropped by the service_connect export", p, i),
			"ECS Service Connect cannot express "+strings.Join(what, ", ")+"; calls go to the service itself. Use mesh.target vpc_lattice to keep the route.")
	}
}

func (d *decoder) validateGlobal(s *Spec) {
	g := s.Global
	if g == nil {
		cloudFront := s.Edge != nil && s.Edge.CloudFront // CloudFront is then the one entry
		if len(s.Regions) > 1 && !cloudFront && slices.ContainsFunc(s.Services, func(svc Service) bool { return svc.Public }) {
			d.warnRange(d.at("regions"), "public services in several regions but no global routing",
				"Without a global section each Region's load balancer is its own entry point; add global with a domain and a routing policy.")
		}
		return
	}
	if len(s.Regions) < 2 {
		d.errorRange(g.At, "global needs at least two regions", "Global DNS routing chooses between Regions; list two or more, or remove global.")
		return
	}
	if g.Domain == "" {
		d.errorRange(g.At, "global has no domain", "Set global.domain to the name clients use, such as shop.example.com.")
	}
	if !slices.ContainsFunc(s.Services, func(svc Service) bool { return svc.Public }) {
		d.errorRange(g.At, "global routing needs a public service", "Global records alias each Region's public load balancer; make a service public.")
	}
	inRegions := func(r string) bool { return slices.Contains(s.Regions, r) }
	for _, w := range g.Weights {
		if !inRegions(w.Region) {
			d.errorRange(d.at("global.weights"), fmt.Sprintf("global.weights: %q is not one of the regions", w.Region),
				suggest(w.Region, s.Regions, "Weights are keyed by the Regions listed in regions."))
		}
	}
	for _, gt := range g.Geo {
		if !inRegions(gt.Region) {
			d.errorRange(d.at("global.geo"), fmt.Sprintf("global.geo.%s: %q is not one of the regions", gt.Location, gt.Region),
				suggest(gt.Region, s.Regions, "Send each location to a Region listed in regions."))
		}
	}
	if g.Primary != "" && !inRegions(g.Primary) {
		d.errorRange(d.at("global.primary"), fmt.Sprintf("global.primary: %q is not one of the regions", g.Primary),
			suggest(g.Primary, s.Regions, "The primary is one of the Regions listed in regions."))
	}
	switch g.Routing {
	case "weighted":
		if len(g.Weights) == 0 {
			d.errorRange(d.at("global.routing"), "global.routing weighted needs global.weights", "Give each Region a weight from 0 to 255.")
		}
		for _, r := range s.Regions {
			if len(g.Weights) > 0 && !slices.ContainsFunc(g.Weights, func(w RegionWeight) bool { return w.Region == r }) {
				d.warnRange(d.at("global.weights"), fmt.Sprintf("global.weights has no weight for %s, so it gets no traffic", r),
					"Give it a weight, or 0 to say so.")
			}
		}
	case "failover":
		if g.Primary == "" {
			d.errorRange(d.at("global.routing"), "global.routing failover needs global.primary", "Name the Region that serves while it is healthy.")
		}
		if len(s.Regions) > 2 {
			d.warnRange(d.at("global.routing"), fmt.Sprintf("failover routing has one primary and one secondary, but there are %d regions", len(s.Regions)),
				"Only the first Region after the primary becomes the secondary; the others get no traffic.")
		}
	case "geolocation":
		if len(g.Geo) == 0 {
			d.errorRange(d.at("global.routing"), "global.routing geolocation needs global.geo", "Map locations to Regions, with a default entry.")
		} else if g.Geo[len(g.Geo)-1].Location != "default" {
			d.warnRange(d.at("global.geo"), "global.geo has no default",
				"Route 53 answers NODATA to clients in locations no record covers; add \"default: <region>\".")
		}
	}
	ignored := func(key string, present bool) {
		if present {
			d.warnRange(d.at("global."+key), fmt.Sprintf("global.%s is ignored with routing %s", key, g.Routing), "Remove it, or change global.routing.")
		}
	}
	ignored("weights", g.Routing != "weighted" && len(g.Weights) > 0)
	ignored("primary", g.Routing != "failover" && g.Primary != "")
	ignored("geo", g.Routing != "geolocation" && len(g.Geo) > 0)
}

func (d *decoder) validateInspection(s *Spec, names []string) {
	in := s.Inspection
	if in == nil {
		for _, svc := range s.Services {
			if svc.Kind == KindAppliance {
				d.warnRange(svc.At, fmt.Sprintf("services.%s is an appliance but no inspection section uses it", svc.Name),
					"Add inspection with appliance: "+svc.Name+" and the flows to inspect, or remove the service.")
			}
		}
		return
	}
	if in.Appliance == "" {
		d.errorRange(in.At, "inspection has no appliance", "Name a service of kind appliance.")
	} else if svc := s.Service(in.Appliance); svc == nil {
		d.errorRange(d.at("inspection.appliance"), fmt.Sprintf("inspection.appliance: unknown service %q", in.Appliance),
			suggest(in.Appliance, names, "Declare a service of kind appliance."))
	} else if svc.Kind != KindAppliance {
		d.errorRange(d.at("inspection.appliance"), fmt.Sprintf("inspection.appliance: %s is a %s, not an appliance", in.Appliance, svc.Kind),
			fmt.Sprintf("Set services.%s.kind: appliance, or name another service.", in.Appliance))
	}
	if len(in.Flows) == 0 {
		d.errorRange(in.At, "inspection has no flows", "List the flows to inspect: ingress, egress, east_west.")
	}
}
