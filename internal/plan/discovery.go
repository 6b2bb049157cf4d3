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

// ecsCloudMapLag is how long ECS takes to push a task's health change to
// Cloud Map (AWS-FACTS: about 30 s).
const ecsCloudMapLag = 30 * time.Second

// discovery registers every service in a Cloud Map namespace: one per VPC
// with services (multi_region), or one shared by the spokes (hub_spoke,
// its private hosted zone associated with every spoke), or the one VPC's.
//
// On EKS it plans no namespace: pods find the services they call through
// cluster DNS (plan/kubernetes.go), and nothing would register them in
// Cloud Map but the AWS Cloud Map MCS controller, which only callers
// outside the cluster need. Every caller a design has is in the cluster
// (its services) or reaches pods through target groups of its own (the
// load balancers, VPC Lattice), so a namespace would be planned, exported
// and paid for with nothing in it.
func (p *planner) discovery() {
	ds := p.spec.Discovery
	if p.spec.Network.Compute == spec.ComputeEKS {
		p.note("discovery", "No Cloud Map namespace: on EKS pods find the services they call through cluster DNS (<service>.%s.svc.cluster.local). Every caller in the design runs in the cluster or reaches pods through target groups of its own (the load balancers, VPC Lattice), so nothing needs the AWS Cloud Map MCS controller's ServiceExport.", p.eksNamespace())
		for _, key := range []string{"discovery.namespace", "discovery.type", "discovery.routing", "discovery.ttl"} {
			if p.spec.Written(key) {
				p.warnAt(p.spec.At(key), key+" has no effect with network.compute eks",
					"EKS designs plan no Cloud Map namespace: pods find one another through cluster DNS. Remove the key.")
			}
		}
		return
	}
	typ := design.NamespaceDNSPrivate
	if ds.Type == "http" {
		typ = design.NamespaceHTTP
	}
	var homes []*design.VPC
	for i := range p.d.VPCs {
		v := &p.d.VPCs[i]
		if v.Role != design.RoleHub && hasServices(p.d, v.ID) {
			homes = append(homes, v)
		}
	}
	if p.spec.Network.Pattern == spec.PatternHubSpoke && len(homes) > 1 {
		ns := p.namespace(homes[0], typ)
		for _, v := range homes[1:] {
			ns.AssociatedVPCs = append(ns.AssociatedVPCs, v.ID)
		}
		for _, v := range p.d.VPCs {
			if v.Role == design.RoleHub {
				ns.AssociatedVPCs = append(ns.AssociatedVPCs, v.ID)
			}
		}
		p.d.Namespaces = append(p.d.Namespaces, *ns)
		p.note("discovery", "One namespace %s serves every spoke: its private hosted zone is associated with each VPC, so a task resolves services in other spokes.", ds.Namespace)
	} else {
		for _, v := range homes {
			p.d.Namespaces = append(p.d.Namespaces, *p.namespace(v, typ))
		}
	}
	if len(p.spec.Services) > awsfacts.CloudMapServicesPerNamespace {
		p.warnAt(p.spec.At("discovery.namespace", "services"), fmt.Sprintf("%d services in one namespace, past Cloud Map's default quota of %d", len(p.spec.Services), awsfacts.CloudMapServicesPerNamespace),
			"Request an increase of \"Services per namespace\" in Service Quotas.")
	}
}

// isLatticeService reports whether a service is a VPC Lattice service.
func (p *planner) isLatticeService(name string) bool {
	if p.d.Mesh == nil || p.d.Mesh.Lattice == nil {
		return false
	}
	return slices.ContainsFunc(p.d.Mesh.Lattice.Services, func(ls design.LatticeService) bool { return ls.Service == name })
}

func hasServices(d *design.Design, vpc string) bool {
	for _, s := range d.Services {
		if placementIn(&s, vpc) != nil {
			return true
		}
	}
	return false
}

func (p *planner) namespace(v *design.VPC, typ string) *design.Namespace {
	ds := p.spec.Discovery
	ns := &design.Namespace{ID: "ns-" + v.Name, Name: ds.Namespace, Type: typ, VPC: v.ID}
	routing := strings.ToUpper(ds.Routing)
	for _, svc := range p.d.Services {
		if svc.Kind == spec.KindAppliance || spec.IsDataStoreKind(svc.Kind) {
			// Appliances are reached through the GWLB; managed data stores
			// through the endpoint names their service gives them.
			continue
		}
		if p.isLatticeService(svc.Name) {
			// Its callers reach it through VPC Lattice, whose rules, weights
			// and auth a Cloud Map answer would go around.
			continue
		}
		ssvc := p.spec.Service(svc.Name)
		ds2 := design.DiscoveryService{
			ID:                fmt.Sprintf("sd-%s-%s", v.Name, svc.Name),
			Service:           svc.Name,
			DNSName:           svc.Name + "." + ds.Namespace,
			CustomHealthCheck: true,
			Port:              svc.Port,
			MaxInstances:      ceilDiv(ssvc.MaxReplicas*deployMaxPercent(p.spec.Network.Compute), 100),
		}
		detect := p.detection(svc)
		if typ == design.NamespaceDNSPrivate {
			ttl := design.Duration(ds.TTL)
			ds2.Records = []design.DNSRecord{{Type: "A", TTL: ttl}, {Type: "SRV", TTL: ttl}}
			ds2.RoutingPolicy = routing
			ds2.DeadTaskGone = design.Duration(detect + ecsCloudMapLag + ds.TTL)
		} else {
			ds2.DeadTaskGone = design.Duration(detect + ecsCloudMapLag)
		}
		if ds2.MaxInstances > awsfacts.CloudMapInstancesPerService {
			p.warnAt(p.spec.At("services."+svc.Name+".max_replicas", "services."+svc.Name), fmt.Sprintf("%s may register %d instances during a deploy, past Cloud Map's %d per service", svc.Name, ds2.MaxInstances, awsfacts.CloudMapInstancesPerService),
				"Lower max_replicas, or request an increase of \"Instances per service\".")
		}
		ns.Services = append(ns.Services, ds2)
	}
	return ns
}

// detection is how long ECS takes, at worst, to see a task is unhealthy:
// its load balancer's health check when it has one, else the container
// health check the spec describes (the same settings).
func (p *planner) detection(svc design.Service) time.Duration {
	for _, tg := range p.d.TargetGroups {
		if tg.Service == svc.Name {
			return time.Duration(tg.Health.UnhealthyAfter)
		}
	}
	h := svc.Health
	return time.Duration(h.UnhealthyThreshold)*time.Duration(h.Interval) + time.Duration(h.Timeout)
}
