package plan

import (
	"bytes"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/diag"
	"github.com/netwright/netwright/internal/golden"
	"github.com/netwright/netwright/internal/ipam"
	"github.com/netwright/netwright/internal/spec"
)

// examples returns the example specs by name.
func examples(t testing.TB) map[string][]byte {
	t.Helper()
	files, err := filepath.Glob("../../examples/*.yaml")
	if err != nil || len(files) < 4 {
		t.Fatalf("want at least 4 examples, found %d (%v)", len(files), err)
	}
	out := map[string][]byte{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out[strings.TrimSuffix(filepath.Base(f), ".yaml")] = b
	}
	return out
}

func mustBuild(t testing.TB, name string, src []byte) *design.Design {
	t.Helper()
	s, ds := spec.Parse(name+".yaml", src)
	if len(ds) > 0 {
		t.Fatalf("%s: spec diagnostics: %v", name, ds)
	}
	d, ds := Build(s)
	if len(ds) > 0 {
		t.Fatalf("%s: plan diagnostics: %v", name, ds)
	}
	return d
}

// TestExamplesGolden plans every example and compares the whole design,
// byte for byte, with testdata/golden/<example>.json.
func TestExamplesGolden(t *testing.T) {
	for name, src := range examples(t) {
		t.Run(name, func(t *testing.T) {
			got, err := mustBuild(t, name, src).JSON()
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", "golden", name+".json")
			golden.Check(t, path, got)
		})
	}
}

// TestExamplesInvariants checks what every design must satisfy: subnets
// inside their VPC without overlap, VPCs that never overlap, each AZ with
// each tier, capacity covering demand, and every reference resolving.
func TestExamplesInvariants(t *testing.T) {
	for name, src := range examples(t) {
		t.Run(name, func(t *testing.T) {
			d := mustBuild(t, name, src)
			for _, err := range d.Validate() {
				t.Error(err)
			}
			var vpcs []netip.Prefix
			for _, v := range d.VPCs {
				vpcs = append(vpcs, v.CIDR)
				var subnets []netip.Prefix
				for _, s := range v.Subnets {
					subnets = append(subnets, s.CIDR)
					if !ipam.Within(s.CIDR, v.CIDR) {
						t.Errorf("subnet %s %s outside %s", s.ID, s.CIDR, v.CIDR)
					}
					if s.Capacity < s.PeakIPs+s.HeadroomIPs {
						t.Errorf("subnet %s: capacity %d < demand %d", s.ID, s.Capacity, s.PeakIPs+s.HeadroomIPs)
					}
					if s.Tier == design.TierData {
						for _, r := range routesOf(v, s.RouteTable) {
							if r.Destination == anyIPv4 {
								t.Errorf("data subnet %s has a default route to %s", s.ID, r.Target)
							}
						}
					}
				}
				if a, b, ok := ipam.Overlaps(subnets); ok {
					t.Errorf("vpc %s: %s overlaps %s", v.ID, a, b)
				}
			}
			if a, b, ok := ipam.Overlaps(vpcs); ok {
				t.Errorf("vpcs %s and %s overlap", a, b)
			}
			for _, svc := range d.Services {
				if len(svc.Placements) == 0 {
					t.Errorf("service %s is placed nowhere", svc.Name)
				}
			}
		})
	}
}

func routesOf(v design.VPC, rt string) []design.Route {
	for _, r := range v.RouteTables {
		if r.ID == rt {
			return r.Routes
		}
	}
	return nil
}

func TestBuildIsDeterministic(t *testing.T) {
	for name, src := range examples(t) {
		a, _ := mustBuild(t, name, src).JSON()
		b, _ := mustBuild(t, name, src).JSON()
		if !bytes.Equal(a, b) {
			t.Errorf("%s: two builds of the same spec differ", name)
		}
	}
}

// build parses and plans an inline spec, failing on errors.
func build(t *testing.T, src string) *design.Design {
	t.Helper()
	s, ds := spec.Parse("inline.yaml", []byte(src))
	if ds.HasErrors() {
		t.Fatalf("spec errors: %v", ds)
	}
	d, ds := Build(s)
	if ds.HasErrors() {
		t.Fatalf("plan errors: %v", ds)
	}
	return d
}

func subnet(t *testing.T, d *design.Design, name string) design.Subnet {
	t.Helper()
	for _, v := range d.VPCs {
		for _, s := range v.Subnets {
			if s.Name == name {
				return s
			}
		}
	}
	t.Fatalf("no subnet %s", name)
	return design.Subnet{}
}

// TestSubnetDemandByCompute checks the IP arithmetic of each compute model
// on one service of 30 tasks at most over 3 AZs, with each platform's
// deploy surge.
func TestSubnetDemandByCompute(t *testing.T) {
	const base = `version: 1
app: calc
network: {azs: 3, endpoints: [], nat: single, compute: %s%s}
services:
  api: {port: 8080, replicas: 3, max_replicas: 30}
`
	tests := []struct {
		name, compute, extra string
		wantPeak             int
	}{
		// 20 task ENIs.
		{"fargate", "fargate", "", 20},
		// 20 task ENIs + 2 trunked m5.large instances (10 tasks each),
		// each with its primary and its trunk ENI's address.
		{"ecs_ec2", "ecs_ec2", "", 24},
		// A Kubernetes rolling update surges 25%, not ECS's 100%: 30 x
		// 125% = 37 pods over 3 AZs, 13 here. Each pod carries its
		// service's group on a branch ENI, 9 per m5.large: 2 nodes, each
		// with its primary ENI's 10 addresses and its trunk ENI's: 22.
		{"eks", "eks", "", 35},
		// The same 2 nodes with prefix delegation: the node's address,
		// one warm /28 and the trunk ENI's: 2 x 18 + 13 = 49.
		{"eks prefix delegation", "eks", ", prefix_delegation: true", 49},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := strings.Replace(strings.Replace(base, "%s%s", tt.compute+tt.extra, 1), "%s", "", 1)
			if tt.compute == "eks" {
				src += "mesh: {target: vpc_lattice}\n"
			}
			s := subnet(t, build(t, src), "calc-app-a")
			if s.PeakIPs != tt.wantPeak {
				t.Errorf("peak = %d; want %d (demand %+v)", s.PeakIPs, tt.wantPeak, s.Demand)
			}
			if s.HeadroomIPs != (tt.wantPeak*25+99)/100 {
				t.Errorf("headroom = %d; want 25%% of %d", s.HeadroomIPs, tt.wantPeak)
			}
		})
	}
}

func TestNATStrategies(t *testing.T) {
	const base = `version: 1
app: n
environment: %s
network: {nat: %s}
services:
  api: {port: 8080%s}
`
	tests := []struct {
		name, env, nat, extra string
		wantNATs              int
		wantDefaultRoute      bool
	}{
		{"per_az with egress", "production", "per_az", ", egress: [api.example.com:443]", 3, true},
		{"single with egress", "staging", "single", ", egress: [api.example.com:443]", 1, true},
		{"no egress needs no NAT", "production", "per_az", "", 0, false},
		{"none", "production", "none", "", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := base
			for _, r := range []string{tt.env, tt.nat, tt.extra} {
				src = strings.Replace(src, "%s", r, 1)
			}
			d := build(t, src)
			v := d.VPCs[0]
			if len(v.NATGateways) != tt.wantNATs {
				t.Errorf("NAT gateways = %d; want %d", len(v.NATGateways), tt.wantNATs)
			}
			for _, s := range v.Subnets {
				if s.Tier != design.TierApp {
					continue
				}
				has := false
				for _, r := range routesOf(v, s.RouteTable) {
					if r.Destination == anyIPv4 {
						has = true
						if r.TargetKind != design.TargetNATGateway {
							t.Errorf("%s default route goes to %s; want a NAT gateway", s.ID, r.TargetKind)
						}
						if tt.nat == "per_az" && !strings.HasSuffix(r.Target, azSuffix(s.AZ)) {
							t.Errorf("%s in %s routes to %s; want the NAT in its own AZ", s.ID, s.AZ, r.Target)
						}
					}
				}
				if has != tt.wantDefaultRoute {
					t.Errorf("%s has default route = %v; want %v", s.ID, has, tt.wantDefaultRoute)
				}
			}
		})
	}
}

// TestHubSpokeKeepsSpokesApart checks that a spoke's Transit Gateway route
// table reaches another spoke only where a declared flow crosses them.
func TestHubSpokeKeepsSpokesApart(t *testing.T) {
	d := build(t, `version: 1
app: p
network: {pattern: hub_spoke, spokes: [a, b]}
services:
  web: {port: 8080, depends_on: [auth]}
  auth: {port: 8443, spoke: a}
  batch: {port: 9000, spoke: b}
`)
	tgw := d.TransitGateways[0]
	routes := map[string][]string{}
	cidr := map[string]string{}
	for _, v := range d.VPCs {
		cidr[v.CIDR.String()] = v.Name
	}
	for _, rt := range tgw.RouteTables {
		for _, r := range rt.Routes {
			routes[rt.Name] = append(routes[rt.Name], cidr[r.Destination.String()])
		}
	}
	want := map[string][]string{
		"hub":       {"p", "p-a", "p-b"},
		"spoke p":   {"p-hub", "p-a"},
		"spoke p-a": {"p-hub", "p"},
		"spoke p-b": {"p-hub"},
	}
	if diff := cmp.Diff(want, routes); diff != "" {
		t.Errorf("transit gateway routes by table (-want +got):\n%s", diff)
	}
}

func TestMultiRegionCIDRsAndPeering(t *testing.T) {
	d := build(t, `version: 1
app: g
regions: [us-east-1, eu-west-1, ap-southeast-2]
network: {cidr: 10.1.0.0/16}
services:
  api: {port: 8080}
`)
	var got []string
	for _, v := range d.VPCs {
		got = append(got, v.Region+"="+v.CIDR.String())
	}
	want := []string{"us-east-1=10.1.0.0/16", "eu-west-1=10.0.0.0/16", "ap-southeast-2=10.2.0.0/16"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("VPC CIDRs (-want +got):\n%s", diff)
	}
	if n := len(d.TransitGatewayPeerings); n != 3 {
		t.Errorf("peerings = %d; want 3 for three Regions", n)
	}
	for _, tgw := range d.TransitGateways {
		if n := len(tgw.RouteTables[0].Routes); n != 3 {
			t.Errorf("%s has %d routes; want its VPC and two peers", tgw.ID, n)
		}
	}
}

func TestMicroservicesGroupPastSubnetQuota(t *testing.T) {
	var b strings.Builder
	b.WriteString("version: 1\napp: m\nnetwork: {pattern: microservices, azs: 3}\nservices:\n  edge: {port: 8080, depends_on: [")
	for i := range 70 {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("s" + strconv.Itoa(i))
	}
	b.WriteString("]}\n")
	for i := range 70 {
		b.WriteString("  s" + strconv.Itoa(i) + ": {port: 8080}\n")
	}
	s, _ := spec.Parse("m.yaml", []byte(b.String()))
	d, ds := Build(s)
	if d == nil {
		t.Fatalf("plan failed: %v", ds)
	}
	if ds.HasErrors() || !slices.ContainsFunc(ds, func(d diag.Diagnostic) bool { return strings.Contains(d.Summary, "share a subnet") }) {
		t.Errorf("diagnostics = %v; want a warning about grouping and no errors", ds)
	}
	if n := len(d.VPCs[0].Subnets); n > 200 {
		t.Errorf("subnets = %d; want at most 200", n)
	}
	for _, err := range d.Validate() {
		t.Error(err)
	}
}
