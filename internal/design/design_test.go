package design

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// small returns a valid two-AZ design with one VPC.
func small() *Design {
	sub := func(name, az string, idx int, tier, cidr, rt string) Subnet {
		p := netip.MustParsePrefix(cidr)
		return Subnet{ID: "subnet-" + name, Name: name, AZ: az, AZIndex: idx, Tier: tier, CIDR: p, RouteTable: rt,
			Capacity: 1<<(32-p.Bits()) - 5, Demand: []Demand{{What: "tasks", IPs: 4}}, PeakIPs: 4, HeadroomIPs: 1}
	}
	vpcCIDR := netip.MustParsePrefix("10.0.0.0/16")
	return &Design{
		FormatVersion: FormatVersion, App: "t", Environment: "dev", Pattern: "three_tier", Compute: "fargate",
		Regions: []string{"us-east-1"},
		VPCs: []VPC{{
			ID: "vpc-t", Name: "t", Region: "us-east-1", Role: RoleApp, CIDR: vpcCIDR, AZs: []string{"us-east-1a", "us-east-1b"},
			Subnets: []Subnet{
				sub("t-public-a", "us-east-1a", 0, TierPublic, "10.0.0.0/28", "rtb-t-public"),
				sub("t-public-b", "us-east-1b", 1, TierPublic, "10.0.0.16/28", "rtb-t-public"),
				sub("t-app-a", "us-east-1a", 0, TierApp, "10.0.1.0/28", "rtb-t-private"),
				sub("t-app-b", "us-east-1b", 1, TierApp, "10.0.1.16/28", "rtb-t-private"),
			},
			RouteTables: []RouteTable{
				{ID: "rtb-t-public", Routes: []Route{{Destination: vpcCIDR, TargetKind: TargetLocal}, {Destination: netip.MustParsePrefix("0.0.0.0/0"), TargetKind: TargetInternetGateway, Target: "igw-t"}}},
				{ID: "rtb-t-private", Routes: []Route{{Destination: vpcCIDR, TargetKind: TargetLocal}, {Destination: netip.MustParsePrefix("0.0.0.0/0"), TargetKind: TargetNATGateway, Target: "nat-t-a"}}},
			},
			InternetGateway: "igw-t",
			NATGateways:     []NATGateway{{ID: "nat-t-a", AZ: "us-east-1a", Subnet: "subnet-t-public-a"}},
		}},
		Services: []Service{{Name: "api", Kind: "service", Port: 8080, Protocol: "http", Replicas: 1, MaxReplicas: 2,
			Health:     HealthCheck{Path: "/", Interval: Duration(30 * time.Second), Timeout: Duration(5 * time.Second), HealthyThreshold: 5, UnhealthyThreshold: 2, Matcher: "200"},
			Stickiness: Duration(7 * 24 * time.Hour), Placements: []Placement{{VPC: "vpc-t", Subnets: []string{"subnet-t-app-a", "subnet-t-app-b"}}}}},
		Flows: []Flow{{ID: "internet->api:443/tcp", Kind: FlowIngress, From: Internet, To: "api", Port: 443, Transport: "tcp", Protocol: "https"}},
	}
}

func TestValidateAcceptsValidDesign(t *testing.T) {
	if errs := small().Validate(); len(errs) > 0 {
		t.Fatalf("Validate() = %v; want none", errs)
	}
}

// multiBlock gives the small design's VPC a secondary block, its local
// route in every table, and moves the app subnets into it.
func multiBlock(d *Design, block string) {
	v := &d.VPCs[0]
	b := netip.MustParsePrefix(block)
	v.SecondaryCIDRs = append(v.SecondaryCIDRs, b)
	for i := range v.RouteTables {
		rt := &v.RouteTables[i]
		rt.Routes = append([]Route{rt.Routes[0], {Destination: b, TargetKind: TargetLocal}}, rt.Routes[1:]...)
	}
	for i := range v.Subnets {
		if s := &v.Subnets[i]; s.Tier == TierApp {
			a := b.Addr().As4()
			a[3] = byte(16 * s.AZIndex)
			s.CIDR = netip.PrefixFrom(netip.AddrFrom4(a), 28)
		}
	}
}

// TestValidateAcceptsSecondaryBlocks: a VPC with a secondary block (VPC
// user guide, "VPC CIDR blocks"): subnets in either block, a local route
// for each in every table.
func TestValidateAcceptsSecondaryBlocks(t *testing.T) {
	d := small()
	multiBlock(d, "10.1.0.0/16")
	if errs := d.Validate(); len(errs) > 0 {
		t.Fatalf("Validate() = %v; want none", errs)
	}
	if got := d.VPCs[0].Blocks(); len(got) != 2 || got[1] != netip.MustParsePrefix("10.1.0.0/16") {
		t.Errorf("Blocks() = %v; want the primary and 10.1.0.0/16", got)
	}
	if b, ok := d.VPCs[0].BlockHolding(d.VPCs[0].Subnets[2].CIDR); !ok || b.String() != "10.1.0.0/16" {
		t.Errorf("BlockHolding(%s) = %s, %v; want 10.1.0.0/16", d.VPCs[0].Subnets[2].CIDR, b, ok)
	}
}

// TestValidateCatchesBrokenDesigns edits a valid design by hand, as a user
// might edit plan -o json output, and checks each break is reported.
func TestValidateCatchesBrokenDesigns(t *testing.T) {
	tests := []struct {
		name   string
		break_ func(d *Design)
		want   string
	}{
		{"subnet outside vpc", func(d *Design) { d.VPCs[0].Subnets[0].CIDR = netip.MustParsePrefix("10.1.0.0/28") }, "is outside vpc"},
		{"overlapping subnets", func(d *Design) { d.VPCs[0].Subnets[1].CIDR = netip.MustParsePrefix("10.0.0.0/28") }, "overlap"},
		{"capacity below demand", func(d *Design) { d.VPCs[0].Subnets[2].PeakIPs = 11; d.VPCs[0].Subnets[2].Demand[0].IPs = 11 }, "exceeds capacity"},
		{"capacity misstated", func(d *Design) { d.VPCs[0].Subnets[2].Capacity = 16 }, "usable addresses"},
		{"missing route table", func(d *Design) { d.VPCs[0].Subnets[2].RouteTable = "rtb-gone" }, `route table "rtb-gone" does not exist`},
		{"route to missing nat", func(d *Design) { d.VPCs[0].NATGateways = nil }, `targets "nat-t-a", which does not exist`},
		{"az without a tier", func(d *Design) { d.VPCs[0].Subnets = d.VPCs[0].Subnets[:3] }, "has no app/ subnet"},
		{"duplicate id", func(d *Design) { d.VPCs[0].Subnets[1].ID = "subnet-t-public-a" }, "is used by both"},
		{"flow to unknown service", func(d *Design) { d.Flows[0].To = "ghost" }, `service "ghost" does not exist`},
		{"placement in foreign subnet", func(d *Design) { d.Services[0].Placements[0].Subnets[0] = "subnet-x" }, `subnet "subnet-x" is not in vpc`},
		{"two local routes", func(d *Design) {
			rt := &d.VPCs[0].RouteTables[0]
			rt.Routes = append(rt.Routes, rt.Routes[0])
		}, "has 2 local routes"},
		{"secondary block without its local route", func(d *Design) {
			d.VPCs[0].SecondaryCIDRs = []netip.Prefix{netip.MustParsePrefix("10.1.0.0/16")}
		}, "has 0 local routes to the vpc block 10.1.0.0/16"},
		{"secondary block from another RFC 1918 range", func(d *Design) { multiBlock(d, "172.16.0.0/16") }, "is not a /16 to /28 AWS accepts"},
		{"secondary block larger than a /16", func(d *Design) { multiBlock(d, "10.2.0.0/15") }, "is not a /16 to /28 AWS accepts"},
		{"secondary block overlapping another", func(d *Design) {
			multiBlock(d, "10.1.0.0/16")
			d.VPCs[0].SecondaryCIDRs = append(d.VPCs[0].SecondaryCIDRs, netip.MustParsePrefix("10.1.128.0/17"))
		}, "overlap"},
		{"local route to a foreign block", func(d *Design) {
			rt := &d.VPCs[0].RouteTables[0]
			rt.Routes = append(rt.Routes, Route{Destination: netip.MustParsePrefix("10.9.0.0/16"), TargetKind: TargetLocal})
		}, "is not a block of the vpc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := small()
			tt.break_(d)
			errs := d.Validate()
			found := false
			for _, e := range errs {
				found = found || strings.Contains(e.Error(), tt.want)
			}
			if !found {
				t.Errorf("Validate() = %v; want an error containing %q", errs, tt.want)
			}
		})
	}
}

func TestJSONRoundTrip(t *testing.T) {
	d := small()
	b, err := d.JSON()
	if err != nil {
		t.Fatal(err)
	}
	back, err := Decode(b)
	if err != nil {
		t.Fatalf("Decode(JSON()) = %v", err)
	}
	if diff := cmp.Diff(d, back, cmpopts.EquateComparable(netip.Prefix{}, netip.Addr{})); diff != "" {
		t.Errorf("round trip changed the design (-want +got):\n%s", diff)
	}
	if !strings.Contains(string(b), `"stickiness": "7d"`) || !strings.Contains(string(b), `"cidr": "10.0.0.0/16"`) {
		t.Errorf("durations and prefixes should serialize as text:\n%s", b)
	}
}

func TestDecodeRejects(t *testing.T) {
	tests := map[string]string{
		"unknown field": `{"format_version": 1, "vpcz": []}`,
		"wrong version": `{"format_version": 9}`,
		"bad prefix":    `{"format_version": 1, "vpcs": [{"cidr": "10.0.0.0/33"}]}`,
		"bad duration":  `{"format_version": 1, "services": [{"stickiness": "soon"}]}`,
	}
	for name, in := range tests {
		if _, err := Decode([]byte(in)); err == nil {
			t.Errorf("Decode(%s) succeeded; want an error", name)
		}
	}
}

// TestGRPCMethod checks which path matches a gRPC method match can state.
func TestGRPCMethod(t *testing.T) {
	for _, tc := range []struct {
		m               MeshMatch
		service, method string
		ok              bool
	}{
		{MeshMatch{}, "", "", true},
		{MeshMatch{PathPrefix: "/"}, "", "", true},
		{MeshMatch{PathExact: "/shop.v1.Orders/Get"}, "shop.v1.Orders", "Get", true},
		{MeshMatch{PathPrefix: "/shop.v1.Orders/"}, "shop.v1.Orders", "", true},
		{MeshMatch{PathPrefix: "/shop."}, "", "", false},
		{MeshMatch{PathPrefix: "/v1/"}, "v1", "", true},
		{MeshMatch{PathPrefix: "/v1/orders/"}, "", "", false},
		{MeshMatch{PathExact: "/shop.v1.Orders"}, "", "", false},
		{MeshMatch{PathExact: "/shop.v1.Orders/Get/x"}, "", "", false},
		{MeshMatch{PathExact: "/shop.v1.Orders/G?t"}, "", "", false},
		{MeshMatch{PathPrefix: "/shop.*/"}, "", "", false},
	} {
		s, m, ok := tc.m.GRPCMethod()
		if s != tc.service || m != tc.method || ok != tc.ok {
			t.Errorf("%v.GRPCMethod() = %q, %q, %v; want %q, %q, %v", tc.m, s, m, ok, tc.service, tc.method, tc.ok)
		}
	}
}

// TestLatticeOwners checks the owners a design may give VPC Lattice
// objects: the network's are always the stack's, target groups and
// service auth policies follow the services, and the AWS Gateway API
// Controller makes services only on EKS, naming its own target groups.
func TestLatticeOwners(t *testing.T) {
	eks := LatticeOwners{ServiceNetwork: OwnerStack, VPCAssociations: OwnerStack, NetworkAuthPolicy: OwnerStack,
		Services: OwnerGatewayAPIController, TargetGroups: OwnerGatewayAPIController, ServiceAuthPolicies: OwnerGatewayAPIController}
	for _, tc := range []struct {
		name    string
		compute string
		edit    func(*Lattice)
		want    string
	}{
		{"eks", ComputeEKS, func(*Lattice) {}, ""},
		{"unrecorded is the stack", ComputeFargate, func(l *Lattice) { l.Owners = LatticeOwners{}; l.TargetGroups[0].Name = "shop-api" }, ""},
		{"controller on ECS", ComputeFargate, func(*Lattice) {}, "needs compute eks"},
		{"network by the controller", ComputeEKS, func(l *Lattice) { l.Owners.ServiceNetwork = OwnerGatewayAPIController }, "only the stack makes it"},
		{"target groups apart from services", ComputeEKS, func(l *Lattice) { l.Owners.TargetGroups = OwnerStack; l.TargetGroups[0].Name = "shop-api" }, "a service forwards to and is guarded by objects of its own owner"},
		{"controller group with a name", ComputeEKS, func(l *Lattice) { l.TargetGroups[0].Name = "shop-api" }, "the controller its own"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := &Lattice{Owners: eks, TargetGroups: []LatticeTargetGroup{{ID: "lattice-tg-api"}}}
			tc.edit(l)
			errs := l.validateOwners(tc.compute)
			if tc.want == "" && len(errs) > 0 || tc.want != "" && !slices.ContainsFunc(errs, func(e error) bool { return strings.Contains(e.Error(), tc.want) }) {
				t.Errorf("validateOwners = %v; want %q", errs, tc.want)
			}
		})
	}
}

// TestLoadBalancerOwners checks the owners a design may give load
// balancers: the AWS Load Balancer Controller makes only ALBs, only on
// EKS, with the stack's security groups, and every target group has the
// owner of the load balancers forwarding to it, named by the controller
// when it is the controller's and holding pods of a workload.
func TestLoadBalancerOwners(t *testing.T) {
	base := func() *Design {
		fwd := Action{Type: ActionForward, Forward: []WeightedTarget{{TargetGroup: "tg-web", Weight: 1}}}
		return &Design{Compute: ComputeEKS,
			Kubernetes:    &Kubernetes{Workloads: []PodWorkload{{Service: "web", Name: "web"}}},
			LoadBalancers: []LoadBalancer{{ID: "alb", Type: ALB, Owner: OwnerLoadBalancerController, SecurityGroups: []string{"sg-alb"}, Listeners: []Listener{{ID: "alb-https", DefaultAction: fwd}}}},
			TargetGroups:  []TargetGroup{{ID: "tg-web", Service: "web", Owner: OwnerLoadBalancerController}},
		}
	}
	for _, tc := range []struct {
		name string
		edit func(*Design)
		want string
	}{
		{"controller on eks", func(*Design) {}, ""},
		{"unrecorded is the stack", func(d *Design) {
			d.LoadBalancers[0].Owner, d.TargetGroups[0].Owner, d.TargetGroups[0].Name = "", "", "web"
		}, ""},
		{"controller on ECS", func(d *Design) { d.Compute = ComputeFargate }, "needs compute eks"},
		{"controller NLB", func(d *Design) { d.LoadBalancers[0].Type = NLB }, "makes only ALBs"},
		{"no security group", func(d *Design) { d.LoadBalancers[0].SecurityGroups = nil }, "so it would make its own"},
		{"unknown owner", func(d *Design) { d.LoadBalancers[0].Owner = "terraform" }, "unknown owner"},
		{"group of the stack's behind the controller's ALB", func(d *Design) { d.TargetGroups[0].Owner, d.TargetGroups[0].Name = OwnerStack, "web" }, "a load balancer forwards to groups of its own owner"},
		{"controller group with a name", func(d *Design) { d.TargetGroups[0].Name = "shop-web" }, "the controller names its own groups"},
		{"controller group of no pods", func(d *Design) { d.Kubernetes.Workloads = nil }, "runs no pods"},
		{"two owners forward to one group", func(d *Design) {
			lb := d.LoadBalancers[0]
			lb.ID, lb.Owner = "alb2", OwnerStack
			d.LoadBalancers = append(d.LoadBalancers, lb)
		}, "load balancers of two owners forward to it"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := base()
			tc.edit(d)
			errs := d.validateLoadBalancerOwners()
			if tc.want == "" && len(errs) > 0 || tc.want != "" && !slices.ContainsFunc(errs, func(e error) bool { return strings.Contains(e.Error(), tc.want) }) {
				t.Errorf("validateLoadBalancerOwners = %v; want %q", errs, tc.want)
			}
		})
	}
}
