package plan

import (
	"net/netip"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/diag"
	"github.com/netwright/netwright/internal/spec"
)

func planSrc(t *testing.T, src string) (*design.Design, diag.Diagnostics) {
	t.Helper()
	s, ds := spec.Parse("t.yaml", []byte(src))
	if s == nil {
		t.Fatal(ds)
	}
	d, more := Build(s)
	if d == nil {
		t.Fatal(more)
	}
	return d, append(ds, more...)
}

// TestHubSpokeDeploys pins issue 13 items 7, 8 and 12 on the hub-spoke
// example: the public load balancers and their target groups live in the
// VPC of the tasks they register (ECS registers only there); ingress is
// inspected at that VPC's edge AZ by AZ, the edge route of each public
// subnet and the subnet's own default route going to the endpoint of the
// same AZ, so requests and answers meet one appliance; the hub's
// attachment runs in appliance mode; and the hub's interface endpoints have
// private DNS off with a private hosted zone per service associated with
// every VPC.
func TestHubSpokeDeploys(t *testing.T) {
	d := build(t, readExample(t, "hub-spoke"))
	for _, tg := range d.TargetGroups {
		svc := d.Service(tg.Service)
		if !slices.ContainsFunc(svc.Placements, func(p design.Placement) bool { return p.VPC == tg.VPC }) {
			t.Errorf("target group %s is in %s, where %s has no tasks", tg.ID, tg.VPC, svc.Name)
		}
	}
	for _, lb := range d.LoadBalancers {
		if lb.Scheme == design.InternetFacing && lb.VPC != "vpc-portal" {
			t.Errorf("public %s is in %s; want the portal's VPC", lb.ID, lb.VPC)
		}
	}
	spoke := d.VPC("vpc-portal")
	azOf := map[string]int{}
	for _, e := range d.GatewayLoadBalancerEndpoints {
		azOf[e.ID] = slices.Index(spoke.AZs, e.AZ)
	}
	var edge *design.RouteTable
	for i := range spoke.RouteTables {
		if spoke.RouteTables[i].EdgeGateway != "" {
			edge = &spoke.RouteTables[i]
		}
	}
	if edge == nil {
		t.Fatal("the portal's VPC has no edge route table on its internet gateway")
	}
	public := 0
	for _, s := range spoke.Subnets {
		if s.Tier != design.TierPublic {
			continue
		}
		public++
		in := slices.IndexFunc(edge.Routes, func(r design.Route) bool { return r.Destination == s.CIDR })
		if in < 0 || edge.Routes[in].TargetKind != design.TargetGWLBEndpoint || azOf[edge.Routes[in].Target] != s.AZIndex {
			t.Errorf("the edge route to %s does not go to the GWLB endpoint of its AZ: %+v", s.ID, edge.Routes)
		}
		for _, rt := range spoke.RouteTables {
			if rt.ID != s.RouteTable {
				continue
			}
			for _, r := range rt.Routes {
				if r.Destination.Bits() == 0 && (r.TargetKind != design.TargetGWLBEndpoint || azOf[r.Target] != s.AZIndex) {
					t.Errorf("%s answers the internet through %s, not its AZ's endpoint", s.ID, r.Target)
				}
			}
		}
	}
	if public == 0 {
		t.Error("the portal's VPC has no public subnets for its load balancers")
	}
	for _, a := range d.TransitGateways[0].Attachments {
		if (a.VPC == "vpc-portal-hub") != a.ApplianceMode {
			t.Errorf("attachment %s appliance mode %v", a.ID, a.ApplianceMode)
		}
	}
	hub := d.VPC("vpc-portal-hub")
	var services []string
	for _, e := range hub.Endpoints {
		if e.Kind == design.EndpointInterface {
			if e.PrivateDNS {
				t.Errorf("hub endpoint %s has private DNS on, which only the hub sees", e.ID)
			}
			services = append(services, e.Service)
		}
	}
	for _, svc := range services {
		found := false
		for _, z := range d.PrivateZones {
			if strings.Contains(z.Endpoint, strings.ReplaceAll(svc, ".", "-")) {
				found = true
				for _, v := range d.VPCs {
					if !slices.Contains(z.VPCs, v.ID) {
						t.Errorf("zone %s is not associated with %s", z.Name, v.ID)
					}
				}
			}
		}
		if !found {
			t.Errorf("no private hosted zone carries %s for the spokes", svc)
		}
	}
}

// TestServiceConnectBehindAnInternalLB pins item 10: a service its callers
// reach through an internal load balancer publishes no alias (its groups
// admit only the load balancer), and a Service Connect client is created
// after the services whose aliases it calls.
func TestServiceConnectBehindAnInternalLB(t *testing.T) {
	d, _ := planSrc(t, `version: 1
app: sc
services:
  web: {port: 8080, public: true, depends_on: [app, api]}
  app: {port: 9000, stickiness: 1h}
  api: {port: 9090}
tls: {domain: sc.example.com}
`)
	for _, s := range d.Mesh.ServiceConnect.Services {
		if s.Service == "app" && len(s.ClientAliases) > 0 {
			t.Errorf("app, reached through the internal ALB, publishes %v", s.ClientAliases)
		}
	}
	web := d.Service("web").Platform
	if !slices.Equal(web.StartAfter, []string{"api"}) {
		t.Errorf("web starts after %v; want [api] (app is reached through its load balancer)", web.StartAfter)
	}
	for _, a := range web.Dependencies {
		want := map[string]string{"app": design.ViaLoadBalancer, "api": design.ViaServiceConnect}[a.Service]
		if a.Via != want {
			t.Errorf("web reaches %s via %s; want %s", a.Service, a.Via, want)
		}
	}
}

// TestHostsPullImages pins item 15: on ECS on EC2 and EKS the hosts pull
// images through their own ENIs, so the tasks' groups have no internet
// egress for it; the nodes group does when endpoints are missing. On
// Fargate the task pulls.
func TestHostsPullImages(t *testing.T) {
	const src = `version: 1
app: pull
network: {compute: %s, endpoints: [s3]}
services:
  web: {port: 8080, public: true, depends_on: [api]}
  api: {port: 9090}
tls: {domain: pull.example.com}
`
	internet := func(g *design.SecurityGroup) bool {
		return slices.ContainsFunc(g.Egress, func(r design.SGRule) bool { return r.PeerCIDR.IsValid() && r.PeerCIDR.Bits() == 0 })
	}
	for _, compute := range []string{"fargate", "ecs_ec2", "eks"} {
		t.Run(compute, func(t *testing.T) {
			d, _ := planSrc(t, strings.Replace(src, "%s", compute, 1))
			var nodes *design.SecurityGroup
			for i := range d.SecurityGroups {
				g := &d.SecurityGroups[i]
				switch g.Kind {
				case design.SGNodes:
					nodes = g
				case design.SGService:
					if internet(g) != (compute == "fargate") {
						t.Errorf("%s: internet egress %v", g.ID, internet(g))
					}
				}
			}
			if (nodes != nil) != (compute != "fargate") || nodes != nil && !internet(nodes) {
				t.Errorf("nodes group %+v", nodes)
			}
		})
	}
}

// TestStrictMTLSWithServiceConnect pins item 11: Service Connect cannot do
// mutual TLS; a spec that asks for strict hears so, and the design keeps
// one-way TLS on.
func TestStrictMTLSWithServiceConnect(t *testing.T) {
	d, ds := planSrc(t, `version: 1
app: tls
services:
  web: {port: 8080, public: true, depends_on: [api]}
  api: {port: 9090}
mesh: {target: service_connect, mtls: strict}
tls: {domain: tls.example.com}
`)
	if !strings.Contains(ds.Error(), "mesh.mtls strict is one-way TLS with Service Connect: callers are not authenticated") {
		t.Errorf("diagnostics = %v", ds)
	}
	for _, s := range d.Mesh.ServiceConnect.Services {
		if s.Service == "api" && !s.TLS {
			t.Error("api's Service Connect TLS is off")
		}
	}
}

func readExample(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("../../examples/" + name + ".yaml")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestEveryTaskReachesImageLayers: ECR serves image layers from S3, and
// its interface endpoints cannot stand in for S3's ("The interface
// endpoints for Amazon S3 can't be used with Amazon ECR",
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/vpc-endpoints.html):
// every subnet that holds tasks, inspection appliances included, routes
// S3's prefix list to a gateway endpoint or has a default route out.
func TestEveryTaskReachesImageLayers(t *testing.T) {
	for name, src := range examples(t) {
		d := mustBuild(t, name, src)
		for _, svc := range d.Services {
			if spec.IsDataStoreKind(svc.Kind) {
				continue
			}
			for _, pl := range svc.Placements {
				for _, sn := range pl.Subnets {
					v, s := d.Subnet(sn)
					s3 := "com.amazonaws." + v.Region + ".s3"
					ok := false
					for _, r := range routesOf(*v, s.RouteTable) {
						ok = ok || r.DestinationPrefixList == s3 && r.TargetKind == design.TargetGatewayEndpoint ||
							r.Destination.IsValid() && r.Destination.Bits() == 0
					}
					if !ok {
						t.Errorf("%s: %s's subnet %s (route table %s) reaches neither S3's gateway endpoint nor the internet: its image layers cannot be pulled", name, svc.Name, sn, s.RouteTable)
					}
					// S3 answers from public addresses (NACLs cannot name
					// its prefix list): one of them.
					s3Addr := netip.MustParseAddr("52.216.8.1")
					for _, acl := range d.NetworkACLs {
						if !slices.Contains(acl.Subnets, sn) {
							continue
						}
						if out, _ := design.Decide(acl.Outbound, "tcp", 443, s3Addr); !out {
							t.Errorf("%s: %s's subnet %s: NACL %s denies tcp 443 out to S3", name, svc.Name, sn, acl.ID)
						}
						if in, _ := design.Decide(acl.Inbound, "tcp", 50000, s3Addr); !in {
							t.Errorf("%s: %s's subnet %s: NACL %s denies S3's answers", name, svc.Name, sn, acl.ID)
						}
					}
				}
				// The tasks pull on Fargate, the hosts on EC2 and EKS.
				var groups []string
				if d.Compute == spec.ComputeFargate {
					groups = pl.SecurityGroups
				}
				admits := false
				for _, g := range d.SecurityGroups {
					if g.VPC != pl.VPC || !slices.Contains(groups, g.ID) && !(d.Compute != spec.ComputeFargate && g.Kind == design.SGNodes) {
						continue
					}
					for _, r := range g.Egress {
						admits = admits || (r.Protocol == "tcp" || r.Protocol == "-1") && r.FromPort <= 443 && 443 <= r.ToPort &&
							(r.PeerPrefixList == "com.amazonaws."+d.VPC(pl.VPC).Region+".s3" || r.PeerCIDR.IsValid() && r.PeerCIDR.Bits() == 0)
					}
				}
				if !admits {
					t.Errorf("%s: %s in %s: no security group that pulls its image admits tcp 443 to S3", name, svc.Name, pl.VPC)
				}
			}
		}
	}
}

// TestMergedNATEgressSaysEveryReason: on eks-storefront the nodes' one
// rule to 0.0.0.0/0 on tcp 443 carries the controllers' calls through NAT
// and payments' declared egress (mirrored in standard mode): its waiver
// names both, names the service that declared the egress, and does not
// promise that adding the endpoints removes it.
func TestMergedNATEgressSaysEveryReason(t *testing.T) {
	d := build(t, readExample(t, "eks-storefront"))
	found := false
	for _, g := range d.SecurityGroups {
		if g.Kind != design.SGNodes {
			continue
		}
		for _, r := range g.Egress {
			if !r.PeerCIDR.IsValid() || r.PeerCIDR.Bits() != 0 || r.Waiver == nil {
				continue
			}
			found = true
			why := r.Waiver.Reason
			if !strings.Contains(why, "controllers") || !strings.Contains(why, "services.payments.egress") || strings.Contains(why, "remove this rule") {
				t.Errorf("%s's waiver: %q; want the controllers' calls and payments' declared egress, and no promise the endpoints remove it", g.ID, why)
			}
		}
	}
	if !found {
		t.Fatal("no waived rule to 0.0.0.0/0 on the nodes' group")
	}
}

// nlbTargetProtocols is the NLB guide's table of the target group
// protocols each listener protocol forwards to ("Routing configuration",
// https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-target-groups.html):
// CreateListener refuses any other pair.
var nlbTargetProtocols = map[string][]string{
	"TCP":     {"TCP", "TCP_UDP"},
	"TLS":     {"TCP", "TLS"},
	"UDP":     {"UDP", "TCP_UDP"},
	"TCP_UDP": {"TCP_UDP"},
}

// checkNLBPairs reports every NLB listener that forwards to a target
// group of a protocol AWS does not pair with the listener's, and every
// sticky group behind a TLS listener that is TLS itself (the NLB guide:
// "Sticky sessions are not supported with TLS listeners when used
// together with TLS target groups").
func checkNLBPairs(t *testing.T, name string, d *design.Design) {
	t.Helper()
	for _, lb := range d.LoadBalancers {
		if lb.Type != design.NLB {
			continue
		}
		for _, l := range lb.Listeners {
			actions := []design.Action{l.DefaultAction}
			for _, r := range l.Rules {
				actions = append(actions, r.Action)
			}
			for _, a := range actions {
				for _, w := range a.Forward {
					tg := d.TargetGroup(w.TargetGroup)
					if !slices.Contains(nlbTargetProtocols[l.Protocol], tg.Protocol) {
						t.Errorf("%s: %s listener %s forwards to %s target group %s; AWS pairs it only with %v", name, l.Protocol, l.ID, tg.Protocol, tg.ID, nlbTargetProtocols[l.Protocol])
					}
					if l.Protocol == "TLS" && tg.Protocol == "TLS" && tg.Stickiness != "" {
						t.Errorf("%s: %s is TLS behind TLS listener %s and sticky (%s), which AWS does not support", name, tg.ID, l.ID, tg.Stickiness)
					}
				}
			}
		}
	}
}

// TestNLBListenersPairWithTheirGroups: on every example, and on a TLS
// service that asks for ip_hash both behind its public NLB and behind
// the internal NLB ip_hash gives it, each NLB listener forwards only to
// a group AWS pairs with it. The internal NLB's TCP listener passes TLS
// through to a TCP group, sticky on the client address; the public TLS
// listener's TLS group cannot be sticky, and the plan says so.
func TestNLBListenersPairWithTheirGroups(t *testing.T) {
	for name, src := range examples(t) {
		checkNLBPairs(t, name, mustBuild(t, name, src))
	}
	d, ds := planSrc(t, `version: 1
app: tl
services:
  web: {port: 8080, public: true, depends_on: [ledger, edge]}
  ledger: {port: 8443, protocol: tls, load_balancing: ip_hash}
  edge: {port: 9443, protocol: tls, public: true, load_balancing: ip_hash}
tls: {domain: tl.example.com}
`)
	checkNLBPairs(t, "tls-ip-hash", d)
	var ledger, edge *design.TargetGroup
	for i, tg := range d.TargetGroups {
		switch tg.Service {
		case "ledger":
			ledger = &d.TargetGroups[i]
		case "edge":
			if tg.Protocol == "TLS" {
				edge = &d.TargetGroups[i]
			}
		}
	}
	if ledger == nil || ledger.Protocol != "TCP" || ledger.Stickiness != "source_ip" {
		t.Errorf("ledger's group behind the internal NLB: %+v; want TCP, sticky on source_ip", ledger)
	}
	if edge == nil || edge.Stickiness != "" {
		t.Errorf("edge's group behind the public TLS listener: %+v; want TLS and not sticky", edge)
	}
	if !slices.ContainsFunc(ds, func(x diag.Diagnostic) bool {
		return x.Severity == diag.Warning && strings.Contains(x.Summary, "services.edge.load_balancing ip_hash")
	}) {
		t.Errorf("no warning that edge cannot be sticky: %v", ds)
	}
}
