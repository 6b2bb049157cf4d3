package analysis

import (
	"slices"
	"strings"

	"github.com/netwright/netwright/internal/awsfacts"
	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/diag"
)

// The deploy-semantics checks (issue 13): what AWS refuses or silently
// breaks although every template is valid. Each follows the AWS page its
// rationale names.
var _ = register(
	Check{ID: "NW126", Severity: diag.Error, Title: "Resource refers to one no stack creates",
		Rationale: "A template that names a role, target group, Cloud Map service, endpoint or load balancer no stack creates is refused when it deploys (an EKS design once named ECS task roles that were never made).",
		Fix:       "Create what is referred to (an identity per service, a target group per registration), or refer to what exists.",
		Peers:     "none; cfn-lint E3005/E6101 see one template, not the design",
		run:       danglingReferences},
	Check{ID: "NW128", Severity: diag.Error, Title: "Target group whose targets cannot be registered or checked",
		Rationale: "ECS registers a task only in a target group of its own VPC, with target type ip, on a port its container maps (ECS developer guide, load balancer considerations); no load balancer health-checks UDP or GENEVE, so a check must go to a TCP or HTTP port the task answers and its groups admit (ELB API reference, CreateTargetGroup HealthCheckProtocol). A group no task can join, or whose check never passes, deploys and drops every request.",
		Fix:       "Register the service's tasks from the target group's VPC, map the traffic and health ports in the container, admit the health port from the load balancer, and check UDP services over TCP (services.X.health.port).",
		Peers:     "none; a scanner sees the target group, never the tasks",
		run:       unregistrable},
	Check{ID: "NW129", Severity: diag.Error, Title: "Route target with nothing behind it",
		Rationale: "A route to a GWLB endpoint whose load balancer has no appliance registered (GWLB fails closed: no healthy target, no traffic), or to an endpoint or gateway that does not exist, drops everything it carries: the stack deploys, the traffic stops.",
		Fix:       "Register the appliance service in the GWLB's target group (ECS service load balancers), or route around the endpoint.",
		Peers:     "none",
		run:       emptyRouteTargets},
	Check{ID: "NW131", Severity: diag.Error, Title: "Interface endpoint a VPC cannot resolve",
		Rationale: "An interface endpoint's private DNS answers only in its own VPC. Tasks in another VPC resolve the service's public address, which their groups block: image pulls and AWS calls fail (AWS whitepaper, building a scalable and secure multi-VPC network: centralized access to VPC private endpoints).",
		Fix:       "Give the endpoint VPC's endpoints private DNS off and a private hosted zone per service name associated with every VPC that uses them (netwright does for hub_spoke), or an endpoint in each VPC.",
		Peers:     "none",
		run:       unresolvableEndpoints},
	Check{ID: "NW132", Severity: diag.Error, Title: "VPC Lattice path denied by auth or groups",
		Rationale: "With AWS_IAM, the service network's auth policy, the service's auth policy and the caller's own IAM policy must all allow vpc-lattice-svcs:Invoke (a network with no policy denies everything), and targets' security groups must admit the VPC Lattice prefix list, health checks included (VPC Lattice user guide: auth policies; security groups). Otherwise every call is 403 or times out.",
		Fix:       "Give the network an auth policy, name the callers in each service's policy and give their identities vpc-lattice-svcs:Invoke on it, and admit com.amazonaws.<region>.vpc-lattice on the targets' port.",
		Peers:     "none",
		run:       latticeDenied},
)

func danglingReferences(d *design.Design, _ *Engine) []Finding {
	var fs []Finding
	lbs := map[string]bool{}
	for _, lb := range d.LoadBalancers {
		lbs[lb.ID] = true
	}
	discovery := map[string]bool{}
	for _, ns := range d.Namespaces {
		for _, s := range ns.Services {
			discovery[s.ID] = true
		}
	}
	endpoints := map[string]bool{}
	for _, v := range d.VPCs {
		for _, e := range v.Endpoints {
			endpoints[e.ID] = true
		}
	}
	lattice := map[string]bool{}
	if d.Mesh != nil && d.Mesh.Lattice != nil {
		for _, ls := range d.Mesh.Lattice.Services {
			lattice[ls.ID] = true
		}
	}
	for _, s := range d.Services {
		pf := s.Platform
		if pf == nil {
			continue
		}
		if d.Identity(pf.Identity) == nil {
			fs = append(fs, finding(s.Name, "%s's tasks act as %s, which no stack creates", s.Name, pf.Identity))
		}
		for _, r := range pf.Registrations {
			if d.TargetGroup(r.TargetGroup) == nil {
				fs = append(fs, finding(s.Name, "%s registers in target group %s, which no stack creates", s.Name, r.TargetGroup))
			}
		}
		for _, r := range pf.Discovery {
			if !discovery[r.Service] {
				fs = append(fs, finding(s.Name, "%s registers in Cloud Map service %s, which no stack creates", s.Name, r.Service))
			}
		}
		for _, a := range pf.Dependencies {
			switch {
			case a.Via == design.ViaLoadBalancer && !lbs[a.LoadBalancer]:
				fs = append(fs, finding(s.Name, "%s calls %s through load balancer %s, which no stack creates", s.Name, a.Service, a.LoadBalancer))
			case a.Via == design.ViaLattice && !lattice[a.LatticeService]:
				fs = append(fs, finding(s.Name, "%s calls %s through VPC Lattice service %s, which no stack creates", s.Name, a.Service, a.LatticeService))
			}
		}
		for _, after := range pf.StartAfter {
			if o := d.Service(after); o == nil || o.Platform == nil {
				fs = append(fs, finding(s.Name, "%s starts after %s, which no stack creates", s.Name, after))
			}
		}
	}
	if d.Mesh != nil && d.Mesh.Lattice != nil {
		for _, ls := range d.Mesh.Lattice.Services {
			for _, c := range ls.AllowedCallers {
				if s := d.Service(c); s == nil || s.Platform == nil || d.Identity(s.Platform.Identity) == nil {
					fs = append(fs, finding(ls.Name, "the auth policy of %s names %s's identity, which no stack creates", ls.Name, c))
				}
			}
		}
	}
	for _, z := range d.PrivateZones {
		if !endpoints[z.Endpoint] {
			fs = append(fs, finding(z.ID, "private hosted zone %s aliases endpoint %s, which no stack creates", z.Name, z.Endpoint))
		}
	}
	return fs
}

// healthProtocols are the health check protocols each load balancer type
// takes (ELB API reference, CreateTargetGroup HealthCheckProtocol).
var healthProtocols = map[string][]string{
	design.ALB:  {"HTTP", "HTTPS"},
	design.NLB:  {"TCP", "HTTP", "HTTPS"},
	design.GWLB: {"TCP", "HTTP", "HTTPS"},
}

func unregistrable(d *design.Design, e *Engine) []Finding {
	var fs []Finding
	lbOf := map[string]*design.LoadBalancer{}
	for i := range d.LoadBalancers {
		lb := &d.LoadBalancers[i]
		for _, l := range lb.Listeners {
			for _, a := range l.Actions() {
				for _, f := range a.Forward {
					lbOf[f.TargetGroup] = lb
				}
			}
		}
	}
	for _, tg := range d.TargetGroups {
		svc := d.Service(tg.Service)
		if svc == nil || svc.Platform == nil {
			continue
		}
		pf := svc.Platform
		if tg.TargetType != "ip" {
			fs = append(fs, finding(tg.ID, "%s has target type %s; ECS registers awsvpc tasks only as ip targets", tg.ID, tg.TargetType))
		}
		reg := slices.IndexFunc(pf.Registrations, func(r design.Registration) bool { return r.TargetGroup == tg.ID })
		if reg < 0 {
			fs = append(fs, finding(tg.ID, "no service registers its tasks in %s, so it stays empty", tg.ID))
			continue
		}
		if placementIn(svc, tg.VPC) == nil {
			fs = append(fs, finding(tg.ID, "%s is in %s, where %s has no tasks: ECS registers tasks only in a target group of their own VPC", tg.ID, tg.VPC, svc.Name))
		}
		transport := "tcp"
		if tg.Protocol == "UDP" || tg.Protocol == "GENEVE" {
			transport = "udp"
		}
		if port := pf.Registrations[reg].ContainerPort; !pf.Maps(transport, port) {
			fs = append(fs, finding(tg.ID, "%s sends %s %d to %s, whose container does not map it", tg.ID, transport, port, svc.Name))
		}
		lb := lbOf[tg.ID]
		h := tg.Health
		if lb != nil && !slices.Contains(healthProtocols[lb.Type], h.Protocol) {
			fs = append(fs, finding(tg.ID, "%s checks health over %s, which a %s load balancer cannot (%s only)", tg.ID, h.Protocol, lb.Type, strings.Join(healthProtocols[lb.Type], ", ")))
			continue
		}
		if !pf.Maps("tcp", h.Port) {
			fs = append(fs, finding(tg.ID, "%s checks health on tcp %d, which %s's container does not map: the check never passes", tg.ID, h.Port, svc.Name))
		}
		if lb != nil && lb.Type != design.GWLB && !healthAdmitted(d, e, lb, svc, tg) {
			fs = append(fs, finding(tg.ID, "%s's groups do not admit %s's health checks on tcp %d: the check never passes", svc.Name, lb.Name, h.Port))
		}
	}
	return fs
}

// placementIn returns a service's placement in a VPC, or nil.
func placementIn(s *design.Service, vpc string) *design.Placement {
	for i := range s.Placements {
		if s.Placements[i].VPC == vpc {
			return &s.Placements[i]
		}
	}
	return nil
}

// healthAdmitted reports whether a service's groups admit a load
// balancer's health checks: from its group, or a block holding its nodes.
func healthAdmitted(d *design.Design, e *Engine, lb *design.LoadBalancer, svc *design.Service, tg design.TargetGroup) bool {
	pl := placementIn(svc, tg.VPC)
	if pl == nil {
		return false
	}
	from := e.LBEndpoint(lb)
	for _, loc := range e.locations(from) {
		if e.groupPortSet(pl.SecurityGroups, false, "tcp", from, loc).Contains(tg.Health.Port) {
			return true
		}
	}
	return false
}

func emptyRouteTargets(d *design.Design, _ *Engine) []Finding {
	var fs []Finding
	gwlbe := map[string]string{} // endpoint -> GWLB
	for _, g := range d.GatewayLoadBalancerEndpoints {
		gwlbe[g.ID] = g.LoadBalancer
	}
	registered := map[string]bool{}
	for _, s := range d.Services {
		if s.Platform != nil {
			for _, r := range s.Platform.Registrations {
				registered[r.TargetGroup] = true
			}
		}
	}
	appliance := func(lbID string) bool {
		for _, lb := range d.LoadBalancers {
			if lb.ID != lbID {
				continue
			}
			for _, l := range lb.Listeners {
				for _, a := range l.Actions() {
					for _, f := range a.Forward {
						if registered[f.TargetGroup] {
							return true
						}
					}
				}
			}
		}
		return false
	}
	for _, v := range d.VPCs {
		nats := map[string]bool{}
		for _, n := range v.NATGateways {
			nats[n.ID] = true
		}
		for _, rt := range v.RouteTables {
			for _, r := range rt.Routes {
				switch r.TargetKind {
				case design.TargetGWLBEndpoint:
					lb, ok := gwlbe[r.Target]
					switch {
					case !ok:
						fs = append(fs, finding(rt.ID, "%s sends %s to GWLB endpoint %s, which does not exist", rt.ID, r.DestinationString(), r.Target))
					case !appliance(lb):
						fs = append(fs, finding(rt.ID, "%s sends %s to GWLB endpoint %s, but no appliance is registered behind %s: the traffic is dropped", rt.ID, r.DestinationString(), r.Target, lb))
					}
				case design.TargetNATGateway:
					if !nats[r.Target] {
						fs = append(fs, finding(rt.ID, "%s sends %s to NAT gateway %s, which does not exist in %s", rt.ID, r.DestinationString(), r.Target, v.ID))
					}
				case design.TargetInternetGateway:
					if r.Target != v.InternetGateway || v.InternetGateway == "" {
						fs = append(fs, finding(rt.ID, "%s sends %s to internet gateway %s, which %s does not have", rt.ID, r.DestinationString(), r.Target, v.ID))
					}
				}
			}
		}
	}
	return fs
}

func unresolvableEndpoints(d *design.Design, _ *Engine) []Finding {
	var fs []Finding
	for _, v := range d.VPCs {
		uses := false
		for _, s := range d.Services {
			uses = uses || s.Platform != nil && placementIn(&s, v.ID) != nil
		}
		if !uses {
			continue
		}
		// Every interface endpoint service the Region's design provides,
		// and whether this VPC resolves it to an endpoint.
		var missing []string
		for _, o := range d.VPCs {
			if o.Region != v.Region {
				continue
			}
			for _, ep := range o.Endpoints {
				if ep.Kind != design.EndpointInterface || slices.Contains(missing, ep.Service) || resolves(d, &v, ep.Service) {
					continue
				}
				missing = append(missing, ep.Service)
			}
		}
		slices.Sort(missing)
		if len(missing) > 0 {
			fs = append(fs, finding(v.ID, "tasks in %s resolve %s to public addresses: the endpoints' private DNS answers in their own VPC only, and no private hosted zone carries the names here", v.ID, strings.Join(missing, ", ")))
		}
	}
	return fs
}

// resolves reports whether a VPC resolves an AWS service's name to an
// interface endpoint: one of its own with private DNS, or a private hosted
// zone of the name associated with it.
func resolves(d *design.Design, v *design.VPC, service string) bool {
	for _, ep := range v.Endpoints {
		if ep.Service == service && ep.Kind == design.EndpointInterface && ep.PrivateDNS {
			return true
		}
	}
	name, _ := awsfacts.EndpointDNSName(service, v.Region)
	for _, z := range d.PrivateZones {
		if z.Name == name && slices.Contains(z.VPCs, v.ID) {
			return true
		}
	}
	return false
}

func latticeDenied(d *design.Design, e *Engine) []Finding {
	if d.Mesh == nil || d.Mesh.Lattice == nil {
		return nil
	}
	lat := d.Mesh.Lattice
	var fs []Finding
	if lat.AuthType == "AWS_IAM" && lat.NetworkAuth == "" && len(lat.Services) > 0 {
		fs = append(fs, finding(lat.ServiceNetwork, "service network %s has auth type AWS_IAM and no auth policy: it denies every request", lat.ServiceNetwork))
	}
	for _, ls := range lat.Services {
		if lat.AuthType == "AWS_IAM" {
			for _, c := range ls.AllowedCallers {
				if !e.mayInvoke(c, ls.ID) {
					fs = append(fs, finding(ls.Name, "%s's identity may not invoke %s (vpc-lattice-svcs:Invoke in its own policy): its calls get 403", c, ls.Name))
				}
			}
		}
	}
	for _, tg := range lat.TargetGroups {
		svc := d.Service(tg.Service)
		if svc == nil {
			continue
		}
		for _, pl := range svc.Placements {
			ep, _ := e.ServiceEndpoint(svc.Name, pl.VPC)
			v := d.VPC(pl.VPC)
			if v == nil {
				continue
			}
			ports := e.groupPortSet(ep.Groups, false, "tcp", e.latticeEndpoint(v.ID), location{addr: latticeAddr})
			if !ports.Contains(tg.Port) {
				fs = append(fs, finding(tg.ID, "%s's groups in %s do not admit %s on tcp %d: VPC Lattice's calls and health checks time out", svc.Name, v.ID, design.LatticePrefixList(v.Region), tg.Port))
			}
		}
		if h := tg.Health; h != nil && (h.Protocol != "HTTP" && h.Protocol != "HTTPS" || h.ProtocolVersion != "HTTP1" && h.ProtocolVersion != "HTTP2") {
			fs = append(fs, finding(tg.ID, "%s checks health over %s %s; VPC Lattice checks HTTP or HTTPS over HTTP1 or HTTP2 only", tg.ID, h.Protocol, h.ProtocolVersion))
		}
	}
	return fs
}
