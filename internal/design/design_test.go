package design

import (
	"net/netip"
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
	if diff := cmp.Diff(d, back, cmpopts.EquateComparable(netip.Prefix{})); diff != "" {
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
