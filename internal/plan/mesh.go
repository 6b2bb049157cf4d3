package plan

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/spec"
)

// App Mesh's documented defaults, which the model keeps (AWS-FACTS.md).
const (
	meshRouteTimeout       = 15 * time.Second
	meshRetries            = 2
	meshUnlimited          = 2147483647 // App Mesh leaves circuit breakers off
	serviceConnectHTTPIdle = 5 * time.Minute
	serviceConnectTCPIdle  = time.Hour
)

// meshProtocol is the protocol a virtual node listens with.
func meshProtocol(p string) string {
	switch p {
	case spec.ProtoHTTP, spec.ProtoWebSocket:
		return "http"
	case spec.ProtoHTTP2, spec.ProtoGRPC:
		return p
	}
	return "tcp"
}

// defaultRetry is App Mesh's: two retries on 503 (UNAVAILABLE for gRPC),
// connection failures and refused streams; TCP routes do not retry. Each
// try gets an equal share of the route timeout, which includes retries, so
// all three tries fit in it.
func defaultRetry(proto string, timeout time.Duration) *design.RetryPolicy {
	perTry := design.Duration(timeout / (meshRetries + 1))
	switch proto {
	case "http", "http2":
		return &design.RetryPolicy{MaxRetries: meshRetries, Events: []string{"503", "connect-failure", "refused-stream"}, PerTryTimeout: perTry}
	case "grpc":
		return &design.RetryPolicy{MaxRetries: meshRetries, Events: []string{"unavailable", "connect-failure", "refused-stream"}, PerTryTimeout: perTry}
	}
	return nil
}

func (p *planner) trafficFor(name string) *spec.TrafficPolicy {
	for i := range p.spec.Traffic {
		if p.spec.Traffic[i].Service == name {
			return &p.spec.Traffic[i]
		}
	}
	return nil
}

func inMesh(svc *spec.Service) bool { return svc.Kind == spec.KindService }

// mesh builds the App Mesh-style model of the services' traffic policy and
// compiles it to the chosen target.
func (p *planner) mesh() {
	s := p.spec
	m := &design.Mesh{Target: s.Mesh.Target, MTLS: s.Mesh.MTLS}
	callers := map[string][]string{}
	for _, svc := range s.Services {
		for _, dep := range svc.DependsOn {
			if callee := s.Service(dep.Service); callee != nil && inMesh(callee) && inMesh(&svc) {
				callers[dep.Service] = append(callers[dep.Service], svc.Name)
			}
		}
	}
	for i := range s.Services {
		svc := &s.Services[i]
		if !inMesh(svc) {
			continue
		}
		proto := meshProtocol(svc.Protocol)
		node := design.VirtualNode{Name: "vn-" + svc.Name, Service: svc.Name, Port: svc.Port, Protocol: proto, TLS: s.Mesh.MTLS,
			Health:         p.d.Service(svc.Name).Health,
			ConnectionPool: &design.ConnectionPool{MaxConnections: meshUnlimited, MaxPendingRequests: meshUnlimited, MaxRequests: meshUnlimited, MaxRetries: meshUnlimited}}
		for _, dep := range svc.DependsOn {
			if callee := s.Service(dep.Service); callee != nil && inMesh(callee) {
				node.Backends = append(node.Backends, dep.Service+"."+s.Discovery.Namespace)
			}
		}
		tp := p.trafficFor(svc.Name)
		timeout := meshRouteTimeout
		retry := defaultRetry(proto, timeout)
		if tp != nil {
			if tp.Timeout > 0 {
				timeout = tp.Timeout
				retry = defaultRetry(proto, timeout)
			}
			if r := tp.Retries; r != nil {
				retry = &design.RetryPolicy{MaxRetries: r.Attempts, Events: r.On, PerTryTimeout: design.Duration(r.PerTryTimeout)}
				if r.PerTryTimeout == 0 {
					retry.PerTryTimeout = design.Duration(timeout / time.Duration(r.Attempts+1))
				}
			}
			if cb := tp.CircuitBreaker; cb != nil {
				pick := func(v int) int {
					if v == 0 {
						return meshUnlimited
					}
					return v
				}
				node.ConnectionPool = &design.ConnectionPool{MaxConnections: pick(cb.MaxConnections), MaxPendingRequests: pick(cb.MaxPendingRequests), MaxRequests: pick(cb.MaxRequests), MaxRetries: pick(cb.MaxRetries)}
			}
			if cp := tp.ConnectionPool; cp != nil {
				node.ConnectionPool.MaxIdlePerHost = cp.MaxIdlePerHost
				node.ConnectionPool.IdleTimeout = design.Duration(cp.IdleTimeout)
			}
			if od := tp.OutlierDetection; od != nil {
				node.OutlierDetection = &design.OutlierDetection{Consecutive5xx: od.Consecutive5xx, Interval: design.Duration(od.Interval),
					BaseEjectionTime: design.Duration(od.BaseEjectionTime), MaxEjectionPercent: od.MaxEjectionPercent}
			}
		}
		m.VirtualNodes = append(m.VirtualNodes, node)

		router := design.VirtualRouter{Name: "vr-" + svc.Name, Service: svc.Name, Port: svc.Port, Protocol: proto}
		catchAll := false
		if tp != nil {
			for k, rt := range tp.Routes {
				mr := design.MeshRoute{Name: fmt.Sprintf("%s-route-%d", svc.Name, k), Priority: rulePriorityStep * (k + 1),
					Match: meshMatch(rt.Match), Timeout: design.Duration(timeout), Retry: retry, Source: fmt.Sprintf("traffic.%s.routes[%d]", svc.Name, k)}
				for _, w := range rt.To {
					mr.Targets = append(mr.Targets, design.WeightedNode{Node: "vn-" + w.Service, Weight: w.Weight})
				}
				catchAll = catchAll || mr.Match.IsEmpty()
				router.Routes = append(router.Routes, mr)
			}
		}
		if !catchAll {
			router.Routes = append(router.Routes, design.MeshRoute{Name: svc.Name + "-default", Priority: rulePriorityStep * (len(router.Routes) + 1),
				Targets: []design.WeightedNode{{Node: "vn-" + svc.Name, Weight: 100}}, Timeout: design.Duration(timeout), Retry: retry, Source: "default"})
		}
		m.VirtualRouters = append(m.VirtualRouters, router)
		m.VirtualServices = append(m.VirtualServices, design.VirtualService{Name: svc.Name + "." + s.Discovery.Namespace, Provider: router.Name})
	}
	if _, l := p.d.PublicHTTPSListener(); l != nil {
		vg := &design.VirtualGateway{Name: "vg-" + s.App, Port: l.Port}
		for _, r := range l.Rules {
			vg.Routes = append(vg.Routes, design.GatewayRoute{Name: "gr-" + strings.ReplaceAll(strings.ReplaceAll(r.Source, "[", "-"), "]", ""), Source: r.Source, Match: r.Conditions, Targets: p.nodesOf(r.Action)})
		}
		if l.DefaultAction.Type == design.ActionForward {
			vg.Routes = append(vg.Routes, design.GatewayRoute{Name: "gr-default", Source: "default", Targets: p.nodesOf(l.DefaultAction)})
		}
		m.VirtualGateway = vg
	}
	switch s.Mesh.Target {
	case "service_connect":
		m.ServiceConnect = p.compileServiceConnect(m, callers)
	case "vpc_lattice":
		m.Lattice = p.compileLattice(m, callers)
	}
	p.note("mesh", "Mesh intent is kept in App Mesh's model (App Mesh stopped on 2026-09-30) with its defaults: %s route timeout, %d retries on 503/UNAVAILABLE, connection failures and refused streams, circuit breakers off unless set; it compiles to %s.", meshRouteTimeout, meshRetries, s.Mesh.Target)
	p.d.Mesh = m
}

func meshMatch(m spec.RouteMatch) design.MeshMatch {
	out := design.MeshMatch{Method: m.Method}
	if prefix, ok := strings.CutSuffix(m.Path, "*"); ok {
		out.PathPrefix = prefix
	} else {
		out.PathExact = m.Path
	}
	for _, h := range m.Headers {
		out.Headers = append(out.Headers, design.KeyValue{Key: h.Key, Value: h.Value})
	}
	return out
}

// frontedInternally reports whether callers reach a service through an
// internal load balancer in front of it.
func (p *planner) frontedInternally(service string) bool {
	for _, pl := range p.d.Service(service).Placements {
		if lb, _ := p.internalFront(service, pl.VPC); lb != nil {
			return true
		}
	}
	return false
}

func (p *planner) nodesOf(a design.Action) []design.WeightedNode {
	var out []design.WeightedNode
	for _, f := range a.Forward {
		out = append(out, design.WeightedNode{Node: "vn-" + p.targetGroupByID(f.TargetGroup).Service, Weight: f.Weight})
	}
	return out
}

// compileServiceConnect turns the model into ECS Service Connect
// configuration: a discovery name, a client alias and timeouts per service.
// Routes, weights, retries and outlier tuning do not exist there; the spec
// parser has already warned about each one that is set.
func (p *planner) compileServiceConnect(m *design.Mesh, callers map[string][]string) *design.ServiceConnect {
	sc := &design.ServiceConnect{Namespace: p.spec.Discovery.Namespace}
	var fronted []string
	for i, n := range m.VirtualNodes {
		scs := design.ServiceConnectService{Service: n.Service, TLS: m.MTLS != "off"}
		switch {
		case len(callers[n.Service]) == 0:
			// Nothing calls it through the mesh: it only makes calls.
			scs.ClientOnly = true
		case p.frontedInternally(n.Service):
			// Its callers reach it through its internal load balancer, and
			// its groups admit only that: an alias would send them around
			// it, into a group that drops them.
			scs.ClientOnly = true
			fronted = append(fronted, n.Service)
		default:
			scs.DiscoveryName = n.Service
			scs.Port = n.Port
			scs.ClientAliases = []design.ClientAlias{{DNSName: strings.ToLower(n.Service + "." + p.spec.Discovery.Namespace), Port: n.Port}}
			scs.PerRequest = m.VirtualRouters[i].Routes[len(m.VirtualRouters[i].Routes)-1].Timeout
			scs.Idle = design.Duration(serviceConnectHTTPIdle)
			if n.Protocol == design.ProtoTCP {
				scs.PerRequest = 0 // per-request timeouts are HTTP-only
				scs.Idle = design.Duration(serviceConnectTCPIdle)
			}
			if n.ConnectionPool != nil && n.ConnectionPool.IdleTimeout > 0 {
				scs.Idle = n.ConnectionPool.IdleTimeout
			}
		}
		sc.Services = append(sc.Services, scs)
	}
	if len(fronted) > 0 {
		p.note("mesh", "Services reached through an internal load balancer publish no Service Connect alias (%s): their callers go through the load balancer, the only client their security groups admit.", strings.Join(fronted, ", "))
	}
	switch m.MTLS {
	case "permissive":
		p.warnAt(p.spec.At("mesh.mtls"), "mesh.mtls permissive becomes TLS on every Service Connect service",
			"Service Connect TLS is on or off per service; there is no permissive mode. The exports turn TLS on, issued by AWS Private CA.")
	case "strict":
		if !p.spec.Written("mesh.mtls") {
			break // the default: the note below says what it becomes
		}
		p.warnAt(p.spec.At("mesh.mtls"), "mesh.mtls strict is one-way TLS with Service Connect: callers are not authenticated",
			"Service Connect TLS is TLS 1.3 between the proxies with a certificate for the called service only (AWS Private CA, rotated by ECS); clients present none, so no service can refuse a caller by identity. The exports turn it on (give a Private CA in short-lived mode tagged AmazonECSManaged=true); who may call whom is enforced by the security groups. For identity-based authorization use mesh.target vpc_lattice (AWS_IAM auth).")
	}
	if m.MTLS != "off" {
		p.note("mesh", "Service Connect TLS (mesh.mtls %s): one-way TLS 1.3 between the proxies, certificates from AWS Private CA rotated by ECS; callers present no certificate (it is not mutual TLS), so who may call whom rests on the security groups, and the traffic between an application and its own proxy inside a task stays plaintext.", m.MTLS)
	}
	p.checkClientAliases(sc)
	return sc
}

// checkClientAliases reports, once, a client alias AWS refuses: the
// namespace is too long for <service>.<namespace>. Aliases are lowercase
// (DNS names ignore case; Service Connect takes lowercase only), so only
// the length can break the rules.
func (p *planner) checkClientAliases(sc *design.ServiceConnect) {
	for _, s := range sc.Services {
		for _, a := range s.ClientAliases {
			err := design.ValidName(design.NameServiceConnectAlias, a.DNSName)
			if err == nil {
				continue
			}
			longest := 0
			for _, svc := range sc.Services {
				longest = max(longest, len(svc.Service))
			}
			limit := design.NameServiceConnectAlias.MaxLen()
			p.errorAt(p.spec.At("discovery.namespace", "mesh.target"),
				fmt.Sprintf("discovery.namespace is too long for Service Connect: %v", err),
				fmt.Sprintf("Service Connect clients call <service>.<namespace>, at most %d characters (%s). With a service name of %d characters, shorten discovery.namespace to at most %d characters, or set mesh.target to vpc_lattice or none.",
					limit, design.NameServiceConnectAlias.Source(), longest, limit-1-longest))
			return
		}
	}
}

// compileLattice turns the model into VPC Lattice: a service network
// associated with the VPCs, a service per mesh service with rules that keep
// the routes' order and weights, and auth policies that admit exactly the
// declared callers.
func (p *planner) compileLattice(m *design.Mesh, callers map[string][]string) *design.Lattice {
	lat := &design.Lattice{ServiceNetwork: p.awsName(design.NameLatticeServiceNetwork, "", p.spec.App+"-mesh"), AuthType: "NONE", TargetGroups: []design.LatticeTargetGroup{}}
	eks := p.spec.Network.Compute == spec.ComputeEKS
	lat.Owners = latticeOwners(eks)
	if m.MTLS != "off" {
		// A network with AWS_IAM and no policy of its own denies every
		// request: it admits the account's principals, and each service's
		// policy names its callers.
		lat.AuthType, lat.NetworkAuth = "AWS_IAM", design.LatticeNetworkAccount
	}
	for _, v := range p.d.VPCs {
		if hasServices(p.d, v.ID) {
			lat.VPCs = append(lat.VPCs, v.ID)
		}
	}
	for i, n := range m.VirtualNodes {
		if len(callers[n.Service]) == 0 {
			// Nothing calls it through the mesh: no Lattice service, whose
			// health checks its groups would not admit either.
			continue
		}
		tp := p.trafficFor(n.Service)
		if tp != nil {
			for _, key := range []struct {
				set  bool
				name string
			}{{tp.Retries != nil, "retries"}, {tp.CircuitBreaker != nil, "circuit_breaker"}, {tp.OutlierDetection != nil, "outlier_detection"}, {tp.ConnectionPool != nil, "connection_pool"}, {tp.Timeout > 0, "timeout"}} {
				if key.set {
					p.warnAt(p.spec.At("traffic."+n.Service+"."+key.name, "traffic."+n.Service), fmt.Sprintf("traffic.%s.%s is dropped by the vpc_lattice export", n.Service, key.name),
						"VPC Lattice routes by listener rules and weights but has no retry, timeout, circuit-breaker or outlier settings; the setting stays in the mesh model and the local runtime.")
				}
			}
		}
		proto := "HTTP"
		switch {
		case n.Protocol == design.ProtoTCP && p.spec.Service(n.Service).Protocol == spec.ProtoTLS:
			// A TLS listener passes TLS through only for a service with a
			// custom domain name (the SNI it matches), and its auth policy
			// then admits anonymous principals only, never the callers'
			// roles (the Lattice user guide, "TLS listeners"): neither
			// the listener nor least privilege would hold.
			p.warnAt(p.spec.At("services."+n.Service), fmt.Sprintf("services.%s (%s) cannot be a VPC Lattice service; callers reach it by Cloud Map DNS", n.Service, p.spec.Service(n.Service).Protocol),
				"VPC Lattice passes TLS through only to a service with a custom domain name, and its auth policy then admits anonymous principals only, so it could not admit just the declared callers; the callers reach the tasks directly and its security group admits exactly them.")
			continue
		case n.Protocol == design.ProtoTCP:
			p.warnAt(p.spec.At("services."+n.Service), fmt.Sprintf("services.%s (%s) cannot be a VPC Lattice service; callers reach it by Cloud Map DNS", n.Service, p.spec.Service(n.Service).Protocol),
				"Lattice listeners carry HTTP, HTTPS and TLS passthrough only.")
			continue
		case m.MTLS != "off":
			proto = "HTTPS"
		}
		// Within 32 characters, as Lattice service names always were; on
		// EKS the controller's name for the route, unless AWS would refuse
		// it (the route then carries a service-name-override).
		name := p.awsNameWithin(design.NameLatticeService, "", 32, p.spec.App+"-"+n.Service)
		if eks {
			name = design.GatewayControllerServiceName(n.Service, p.eksNamespace())
			if design.ValidName(design.NameLatticeService, name) != nil {
				name = p.awsName(design.NameLatticeService, "", name)
			}
		}
		ls := design.LatticeService{ID: "lattice-svc-" + n.Service, Name: name, Service: n.Service, Protocol: proto, Port: n.Port, AllowedCallers: callers[n.Service]}
		if proto == "HTTPS" {
			ls.Port = 443
		}
		routes := m.VirtualRouters[i].Routes
		for k, r := range routes {
			if k == len(routes)-1 && r.Match.IsEmpty() {
				ls.DefaultTarget = r.Targets
				continue
			}
			ls.Rules = append(ls.Rules, design.LatticeRule{Priority: r.Priority, Match: r.Match, Targets: r.Targets, Source: r.Source})
		}
		lat.Services = append(lat.Services, ls)
	}
	targets := map[string]bool{}
	for _, ls := range lat.Services {
		for _, t := range ls.DefaultTarget {
			targets[strings.TrimPrefix(t.Node, "vn-")] = true
		}
		for _, r := range ls.Rules {
			for _, t := range r.Targets {
				targets[strings.TrimPrefix(t.Node, "vn-")] = true
			}
		}
	}
	for _, name := range slices.Sorted(maps.Keys(targets)) {
		tg := p.latticeTargetGroup(p.d.Service(name))
		if !design.StackMakes(lat.Owners.TargetGroups) {
			tg.Name = "" // the controller names its groups
		}
		lat.TargetGroups = append(lat.TargetGroups, tg)
	}
	if eks && len(lat.Services) > 0 {
		p.note("mesh", "VPC Lattice has one owner per object: the stack creates the service network %s, its VPC associations and its auth policy, and the callers' roles, whose vpc-lattice-svcs:Invoke covers the services of that network; the AWS Gateway API Controller creates each Lattice service (named <route>-<namespace>), its listener, rules, target group and auth policy from the HTTPRoutes, GRPCRoutes, TargetGroupPolicies and IAMAuthPolicies of export --format kubernetes, and registers the pods, finding the network by the Gateway's name.", lat.ServiceNetwork)
	}
	if len(lat.Services) > 0 {
		p.note("mesh", "VPC Lattice services are not registered in Cloud Map: a caller that found one there would go around Lattice's rules, weights and auth, so callers get the Lattice service's DNS name as <SERVICE>_ADDR, and the services' security groups admit only Lattice's prefix list.")
	}
	return lat
}

// latticeOwners says who creates each kind of Lattice object: on ECS the
// stack, all of it; on EKS the AWS Gateway API Controller what it makes
// from routes (services, listeners, rules, target groups and their auth
// policies), since nothing else registers pods in a Lattice target group,
// and the stack the rest, which the controller does not make.
func latticeOwners(eks bool) design.LatticeOwners {
	o := design.LatticeOwners{ServiceNetwork: design.OwnerStack, VPCAssociations: design.OwnerStack, NetworkAuthPolicy: design.OwnerStack,
		Services: design.OwnerStack, TargetGroups: design.OwnerStack, ServiceAuthPolicies: design.OwnerStack}
	if eks {
		o.Services, o.TargetGroups, o.ServiceAuthPolicies = design.OwnerGatewayAPIController, design.OwnerGatewayAPIController, design.OwnerGatewayAPIController
	}
	return o
}

// latticeTargetGroup is the Lattice target group of a service's tasks,
// with the health check Lattice can make: HTTP over HTTP/1.1 or HTTP/2,
// never gRPC. A gRPC service is checked with an HTTP/2 GET of its health
// path, which a gRPC server answers with an HTTP status (415 for a
// request that is not gRPC): any answer below 500 shows it serves.
func (p *planner) latticeTargetGroup(svc *design.Service) design.LatticeTargetGroup {
	tg := design.LatticeTargetGroup{ID: "lattice-tg-" + svc.Name, Name: p.awsName(design.NameLatticeTargetGroup, "", p.spec.App+"-"+svc.Name), Service: svc.Name, Port: svc.Port, Protocol: "TCP"}
	if !spec.IsHTTPLike(svc.Protocol) {
		return tg
	}
	h := svc.Health
	tg.Protocol = "HTTP"
	tg.ProtocolVersion = design.ProtocolVersion(svc.Protocol)
	lh := &design.LatticeHealth{Protocol: "HTTP", ProtocolVersion: tg.ProtocolVersion, Path: h.Path, Matcher: h.Matcher, Interval: h.Interval, Timeout: h.Timeout,
		HealthyThreshold: h.HealthyThreshold, UnhealthyThreshold: h.UnhealthyThreshold}
	if svc.Protocol == spec.ProtoGRPC {
		// Lattice has no gRPC check: an HTTP/2 GET, any status below 500.
		lh.ProtocolVersion, lh.Matcher = design.VersionHTTP2, "200-499"
		p.warnAt(p.spec.At("services."+svc.Name+".health", "services."+svc.Name), fmt.Sprintf("services.%s: VPC Lattice cannot health-check gRPC; it sends an HTTP/2 GET to %s and takes any status below 500", svc.Name, h.Path),
			"Lattice health checks are HTTP or HTTPS only. The check finds tasks that stopped serving; one that serves but reports NOT_SERVING keeps its calls, so keep ECS's or Kubernetes' own health check on the gRPC health service.")
	}
	tg.Health = lh
	return tg
}

// latticeTargets returns the services a Lattice service's rules and
// default action forward to, in name order.
func (p *planner) latticeTargets(ls *design.LatticeService) []*design.Service {
	names := map[string]bool{}
	for _, t := range ls.DefaultTarget {
		names[strings.TrimPrefix(t.Node, "vn-")] = true
	}
	for _, r := range ls.Rules {
		for _, t := range r.Targets {
			names[strings.TrimPrefix(t.Node, "vn-")] = true
		}
	}
	var out []*design.Service
	for _, n := range slices.Sorted(maps.Keys(names)) {
		out = append(out, p.d.Service(n))
	}
	return out
}

// latticeFlow returns the Lattice service a flow's callee is, when the
// flow goes through VPC Lattice: a mesh service calling a Lattice
// service on its own port. Other flows go directly.
func (p *planner) latticeFlow(f design.Flow) *design.LatticeService {
	if p.d.Mesh == nil || p.d.Mesh.Lattice == nil || f.Kind != design.FlowService {
		return nil
	}
	caller, callee := p.d.Service(f.From), p.d.Service(f.To)
	if caller == nil || callee == nil || caller.Kind != spec.KindService || f.Port != callee.Port {
		return nil
	}
	for i := range p.d.Mesh.Lattice.Services {
		if ls := &p.d.Mesh.Lattice.Services[i]; ls.Service == f.To {
			return ls
		}
	}
	return nil
}
