package analysis

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/portset"
)

// TestReachSite asks the questions a network engineer asks of a site: the
// site reaches inventory through its internal load balancer, orders
// reaches the site's database, the site reaches nothing else, and each
// answer names the Transit Gateway hop.
func TestReachSite(t *testing.T) {
	d := buildFile(t, "../../examples/hybrid.yaml")
	e := NewEngine(d)
	for _, tt := range []struct {
		from, to string
		port     int
		pass     bool
		hop      string
	}{
		{"onprem:corp", "inventory", 7000, true, "tgw-attach-orders-dx-corp"},
		{"orders", "onprem:corp", 5432, true, "arrives at onprem:corp"},
		{"onprem:corp", "orders", 9000, false, ""},
		{"onprem:corp", "shop", 8080, false, ""},
		{"shop", "onprem:corp", 5432, false, ""},
		{"orders", "onprem:corp", 22, false, ""},
	} {
		paths, err := e.Reach(tt.from, tt.to, tt.port, "tcp")
		if err != nil {
			t.Fatalf("Reach(%s, %s, %d): %v", tt.from, tt.to, tt.port, err)
		}
		pass := len(paths) > 0
		var hops []string
		for _, p := range paths {
			pass = pass && p.Ports.Contains(tt.port)
			for _, h := range p.Hops {
				hops = append(hops, h.Detail)
			}
		}
		if pass != tt.pass {
			t.Errorf("Reach(%s, %s, %d) passes = %v; want %v (%v)", tt.from, tt.to, tt.port, pass, tt.pass, hops)
		}
		if tt.hop != "" && !strings.Contains(strings.Join(hops, "; "), tt.hop) {
			t.Errorf("Reach(%s, %s, %d) hops %v do not name %s", tt.from, tt.to, tt.port, hops, tt.hop)
		}
	}
	if _, err := e.Reach("onprem:lab", "inventory", 7000, "tcp"); err == nil {
		t.Error("Reach from an unknown site gives no error")
	}
}

// TestSiteBreakers breaks the hybrid design the ways that matter and
// checks the verifier notices each: a group admitting the site beyond its
// flows (NW102), a private route table without the site's route and a
// Transit Gateway table without its propagation (NW101), and a site NACL
// rule gone (NW101).
func TestSiteBreakers(t *testing.T) {
	corp := netip.MustParsePrefix("10.200.0.0/16")
	for _, tt := range []struct {
		name, check, subject string
		breakIt              func(d *design.Design)
	}{
		// The app NACL admits DNS from the site (the Resolver's inbound
		// endpoint shares the tier), so only orders' group stops it.
		{"group admits the site on another port", "NW102", "onprem:corp->orders", func(d *design.Design) {
			for i := range d.SecurityGroups {
				if g := &d.SecurityGroups[i]; g.ID == "sg-orders-orders" {
					g.Ingress = append(g.Ingress, design.SGRule{Protocol: "tcp", FromPort: 53, ToPort: 53, PeerCIDR: corp, Description: "too wide"})
				}
			}
		}},
		{"service reaches the site on every port", "NW102", "shop->onprem:corp", func(d *design.Design) {
			for i := range d.SecurityGroups {
				if g := &d.SecurityGroups[i]; g.ID == "sg-orders-shop" {
					g.Egress = append(g.Egress, design.SGRule{Protocol: "tcp", FromPort: 0, ToPort: 65535, PeerCIDR: corp, Description: "too wide"})
				}
			}
		}},
		{"private table lost the site route", "NW101", "orders->onprem:corp:5432/tcp", func(d *design.Design) {
			for i := range d.VPCs[0].RouteTables {
				rt := &d.VPCs[0].RouteTables[i]
				rt.Routes = slices.DeleteFunc(rt.Routes, func(r design.Route) bool { return r.Destination == corp })
			}
		}},
		{"transit table lost the propagation", "NW101", "orders->onprem:corp:5432/tcp", func(d *design.Design) {
			for i := range d.TransitGateways[0].RouteTables {
				rt := &d.TransitGateways[0].RouteTables[i]
				rt.Routes = slices.DeleteFunc(rt.Routes, func(r design.TransitGatewayRoute) bool { return r.Destination == corp })
			}
		}},
		{"site table lost the VPC", "NW101", "onprem:corp->inventory:7000/tcp", func(d *design.Design) {
			for i := range d.TransitGateways[0].RouteTables {
				rt := &d.TransitGateways[0].RouteTables[i]
				if strings.Contains(rt.ID, "site-corp") {
					rt.Routes = nil
				}
			}
		}},
		{"app NACL drops the site's answers", "NW101", "onprem:corp->inventory:7000/tcp", func(d *design.Design) {
			for i := range d.NetworkACLs {
				if n := &d.NetworkACLs[i]; n.ID == "acl-orders-app" {
					n.Outbound = slices.DeleteFunc(n.Outbound, func(r design.NACLRule) bool { return r.CIDR == corp && r.FromPort == 1024 })
				}
			}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d := buildFile(t, "../../examples/hybrid.yaml")
			if fs := Analyze(d).Findings; len(fs) > 0 {
				t.Fatalf("the example is not clean: %v", fs)
			}
			tt.breakIt(d)
			fs := Analyze(d).Findings
			if !slices.ContainsFunc(fs, func(f Finding) bool { return f.Check == tt.check && f.Subject == tt.subject }) {
				t.Errorf("no %s on %s; findings: %v", tt.check, tt.subject, fs)
			}
		})
	}
}

// TestCloudFrontClient checks the public entry is verified from
// CloudFront's side: the ALB admits its prefix list, and a client on the
// internet, which the distribution replaces, is refused.
func TestCloudFrontClient(t *testing.T) {
	d := buildFile(t, "../../examples/hybrid.yaml")
	e := NewEngine(d)
	lb, _ := d.PublicHTTPSListener()
	if p := e.Query(e.clientOf(lb), e.LBEndpoint(lb), "tcp", portsOf(443)); !p.Ports.Contains(443) {
		t.Errorf("CloudFront cannot reach %s: %v", lb.ID, p.Hops)
	}
	if p := e.Query(Internet(clientAddr), e.LBEndpoint(lb), "tcp", portsOf(443)); p.Ports.Contains(443) {
		t.Errorf("a client on the internet reaches %s around CloudFront", lb.ID)
	}
}

func portsOf(p int) portset.Set { return portset.Of(p, p) }
