package plan

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/netwright/netwright/internal/awsfacts"
	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/spec"
)

// ecsHealthCheckGrace is how long ECS ignores a new task's load balancer
// health checks: long enough for a task to start and pass its first one.
const ecsHealthCheckGrace = 60 * time.Second

// eksNamespace is the Kubernetes namespace the design expects an EKS
// application's pods in: the app's name.
func (p *planner) eksNamespace() string { return p.spec.App }

// platforms decides how each service runs on the compute platform: the
// ports its container maps (traffic, a separate health port, GENEVE), the
// IAM identity its tasks or pods act as and what it may do, how a
// deployment rolls, the target groups and Cloud Map services the platform
// registers its tasks in, and which services must exist before it. It
// runs after the load balancers, discovery and the mesh, whose choices it
// follows.
func (p *planner) platforms() {
	compute := p.spec.Network.Compute
	sc := p.d.Mesh != nil && p.d.Mesh.ServiceConnect != nil
	lattice := map[string]string{} // service -> Lattice service ID
	if p.d.Mesh != nil && p.d.Mesh.Lattice != nil {
		for _, ls := range p.d.Mesh.Lattice.Services {
			lattice[ls.Service] = ls.ID
		}
	}
	scAlias := map[string]bool{}
	if sc {
		for _, s := range p.d.Mesh.ServiceConnect.Services {
			scAlias[s.Service] = len(s.ClientAliases) > 0
		}
	}
	for i := range p.d.Services {
		svc := &p.d.Services[i]
		if spec.IsDataStoreKind(svc.Kind) {
			continue
		}
		ssvc := p.spec.Service(svc.Name)
		pf := &design.Platform{Identity: "role-" + svc.Name}
		traffic := design.ContainerPort{Name: svc.Name, Port: svc.Port, Protocol: transport(svc.Protocol), AppProtocol: ecsAppProtocol(svc.Protocol), Purpose: design.PortTraffic}
		if svc.Kind == spec.KindAppliance {
			traffic.Purpose = design.PortGENEVE
		}
		pf.Ports = []design.ContainerPort{traffic}
		for _, tg := range p.d.TargetGroups {
			if tg.Service != svc.Name {
				continue
			}
			pf.Registrations = append(pf.Registrations, design.Registration{TargetGroup: tg.ID, ContainerPort: tg.Port})
			if !pf.Maps("tcp", tg.Health.Port) {
				pf.Ports = append(pf.Ports, design.ContainerPort{Name: fmt.Sprintf("%s-health-%d", svc.Name, tg.Health.Port), Port: tg.Health.Port, Protocol: "tcp", Purpose: design.PortHealth})
			}
		}
		for _, ns := range p.d.Namespaces {
			for _, ds := range ns.Services {
				// Service Connect registers its services in the namespace
				// itself; ECS registers the rest. Nothing registers EKS
				// pods in Cloud Map (that takes the Cloud Map MCS
				// controller); they are found through cluster DNS.
				if ds.Service == svc.Name && !sc && compute != spec.ComputeEKS {
					pf.Discovery = append(pf.Discovery, design.DiscoveryRegistration{Service: ds.ID, ContainerPort: ds.Port})
				}
			}
		}
		pf.Dependencies = p.dependencyAddresses(svc)
		pf.Deployment = p.deployment(len(pf.Registrations) > 0)
		for _, dep := range ssvc.DependsOn {
			if sc && scAlias[dep.Service] && !slices.Contains(pf.StartAfter, dep.Service) && p.startOrderAllows(svc.Name, dep.Service) {
				pf.StartAfter = append(pf.StartAfter, dep.Service)
			}
		}
		slices.Sort(pf.StartAfter)
		pf.Image = imageContract(svc, pf)
		svc.Platform = pf

		id := design.Identity{ID: pf.Identity, Service: svc.Name, Kind: design.IdentityECSTask, Principal: "ecs-tasks.amazonaws.com"}
		if compute == spec.ComputeEKS {
			id.Kind, id.Principal = design.IdentityEKSPod, "pods.eks.amazonaws.com"
			id.Namespace, id.ServiceAccount = p.eksNamespace(), svc.Name
		}
		var invoke []string
		for _, dep := range ssvc.DependsOn {
			if ls, ok := lattice[dep.Service]; ok && !slices.Contains(invoke, ls) {
				invoke = append(invoke, ls)
			}
		}
		if len(invoke) > 0 && p.d.Mesh.Lattice.AuthType == "AWS_IAM" {
			slices.Sort(invoke)
			id.Permissions = append(id.Permissions, design.Permission{Actions: []string{"vpc-lattice-svcs:Invoke"}, LatticeServices: invoke,
				Reason: fmt.Sprintf("services.%s.depends_on: VPC Lattice with AWS_IAM needs the caller's own policy to allow the call as well as the service's auth policy", svc.Name)})
		}
		p.d.Identities = append(p.d.Identities, id)
	}
	switch compute {
	case spec.ComputeEKS:
		p.note("platform", "Each service's pods act as their own IAM role through EKS Pod Identity (service account <service> in the namespace %s); a rolling update surges %d%%.", p.eksNamespace(), awsfacts.KubernetesMaxSurgePercent)
	default:
		p.note("platform", "Each ECS service has its own task role, a rolling deploy of %d%% maximum and %d%% minimum healthy with the deployment circuit breaker and rollback on, so a version that never becomes healthy rolls back instead of leaving the deploy waiting.", awsfacts.DeploySurgePercent, awsfacts.ECSMinHealthyPercent)
	}
}

// dependencyAddresses says how a service's tasks reach each service they
// call, the way the design connects them: through VPC Lattice, an internal
// load balancer, a Service Connect alias, or the Cloud Map name.
func (p *planner) dependencyAddresses(svc *design.Service) []design.DependencyAddress {
	var out []design.DependencyAddress
	for _, f := range p.d.Flows {
		if f.Kind != design.FlowService || f.From != svc.Name {
			continue
		}
		callee := p.d.Service(f.To)
		if callee == nil || spec.IsDataStoreKind(callee.Kind) {
			continue // data stores are not exported; their endpoints are the user's
		}
		a := design.DependencyAddress{Service: f.To, Env: design.EnvName(f.To) + "_ADDR", Port: f.Port}
		// A call VPC Lattice carries goes through Lattice, as the security
		// groups, NACLs and the analyzer have it, even when the callee also
		// has an internal load balancer.
		if ls := p.latticeFlow(f); ls == nil && len(svc.Placements) > 0 {
			if lb, port := p.internalFront(f.To, homePlacement(callee, svc.Placements[0].VPC).VPC); lb != nil {
				a.Via, a.LoadBalancer, a.Port = design.ViaLoadBalancer, lb.ID, port
				out = append(out, a)
				continue
			}
		}
		switch ls := p.latticeFlow(f); {
		case ls != nil:
			a.Via, a.LatticeService, a.Port = design.ViaLattice, ls.ID, ls.Port
		case p.scAlias(f.To, f.Port) != "":
			a.Via, a.Host = design.ViaServiceConnect, p.scAlias(f.To, f.Port)
		case p.spec.Network.Compute == spec.ComputeEKS:
			// Nothing registers EKS pods in Cloud Map; cluster DNS answers
			// for the callee's Kubernetes Service (plan/kubernetes.go).
			a.Via, a.Host = design.ViaClusterDNS, f.To+"."+p.eksNamespace()+".svc.cluster.local"
		default:
			a.Via, a.Host = design.ViaCloudMap, f.To+"."+p.spec.Discovery.Namespace
		}
		out = append(out, a)
	}
	return out
}

// scAlias returns the Service Connect alias a service publishes on a port,
// or "".
func (p *planner) scAlias(service string, port int) string {
	if p.d.Mesh == nil || p.d.Mesh.ServiceConnect == nil {
		return ""
	}
	for _, s := range p.d.Mesh.ServiceConnect.Services {
		for _, a := range s.ClientAliases {
			if s.Service == service && a.Port == port {
				return a.DNSName
			}
		}
	}
	return ""
}

// startOrderAllows reports whether service may start after dep without a
// cycle: dep must not already (transitively) start after service. Services
// that call each other cannot both start after the other; the first of the
// pair by name starts first, and a warning says to redeploy it once the
// other exists, since a Service Connect client resolves only the
// endpoints that existed when it started.
func (p *planner) startOrderAllows(service, dep string) bool {
	seen := map[string]bool{}
	var after func(name string) bool // does name start after service?
	after = func(name string) bool {
		if name == service {
			return true
		}
		if seen[name] {
			return false
		}
		seen[name] = true
		s := p.d.Service(name)
		if s == nil || s.Platform == nil {
			return false
		}
		return slices.ContainsFunc(s.Platform.StartAfter, after)
	}
	if !after(dep) {
		return true
	}
	p.warnAt(p.spec.At("services."+service+".depends_on", "services."+service), fmt.Sprintf("%s and %s call each other through Service Connect: %s is created first and does not see %s until it is redeployed", service, dep, dep, service),
		fmt.Sprintf("A Service Connect client resolves only the endpoints that existed when its tasks started. After the first deploy, redeploy %s (aws ecs update-service --force-new-deployment) so its tasks can call %s.", dep, service))
	return false
}

// deployment is the compute platform's rolling update.
func (p *planner) deployment(balanced bool) design.Rollout {
	if p.spec.Network.Compute == spec.ComputeEKS {
		return design.Rollout{Controller: design.ControllerKubernetes,
			MaxPercent: deployMaxPercent(spec.ComputeEKS), MinHealthyPercent: 100 - awsfacts.KubernetesMaxUnavailablePercent}
	}
	d := design.Rollout{Controller: design.ControllerECS, MaxPercent: awsfacts.DeploySurgePercent, MinHealthyPercent: awsfacts.ECSMinHealthyPercent,
		CircuitBreaker: true, Rollback: true}
	if balanced {
		d.HealthCheckGrace = design.Duration(ecsHealthCheckGrace)
	}
	return d
}

// ecsAppProtocol is the port mapping's application protocol, which Service
// Connect needs for HTTP metrics and timeouts: the mesh's protocol for
// HTTP, HTTP/2 and gRPC, none for plain TCP.
func ecsAppProtocol(protocol string) string {
	if p := meshProtocol(protocol); p != design.ProtoTCP {
		return p
	}
	return ""
}

// imageContract says what the service's image must do for its first
// deploy to become healthy: listen on every mapped port and answer the
// health check the load balancers make.
func imageContract(svc *design.Service, pf *design.Platform) design.ImageContract {
	var c design.ImageContract
	for _, cp := range pf.Ports {
		c.Listens = append(c.Listens, fmt.Sprintf("%s %d", cp.Protocol, cp.Port))
	}
	h := svc.Health
	switch {
	case svc.Protocol == spec.ProtoGRPC:
		c.Answers = fmt.Sprintf("gRPC %s with status %s", h.Path, h.Matcher)
	case spec.IsHTTPLike(svc.Protocol):
		c.Answers = fmt.Sprintf("HTTP GET %s with %s", h.Path, strings.ReplaceAll(h.Matcher, ",", ", "))
	}
	return c
}
