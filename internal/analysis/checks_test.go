package analysis

import (
	"net/netip"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/golden"
)

// breakers turn the clean base design into one that triggers each check.
var breakers = map[string]func(d *design.Design){
	"NW101": func(d *design.Design) { group(d, "sg-fx-db").Ingress = nil },
	"NW102": func(d *design.Design) {
		group(d, "sg-fx-db").Ingress = append(group(d, "sg-fx-db").Ingress, design.SGRule{Protocol: "tcp", FromPort: 5432, ToPort: 5432, PeerGroup: "sg-fx-web", Description: "by hand"})
		group(d, "sg-fx-web").Egress = append(group(d, "sg-fx-web").Egress, design.SGRule{Protocol: "tcp", FromPort: 5432, ToPort: 5432, PeerGroup: "sg-fx-db", Description: "by hand"})
	},
	"NW103": func(d *design.Design) {
		group(d, "sg-fx-app").Ingress = append(group(d, "sg-fx-app").Ingress, design.SGRule{Protocol: "tcp", FromPort: 22, ToPort: 22, PeerCIDR: netip.MustParsePrefix("0.0.0.0/0"), Description: "ssh"})
	},
	"NW104": func(d *design.Design) {
		group(d, "sg-fx-web").Egress = append(group(d, "sg-fx-web").Egress, design.SGRule{Protocol: "tcp", FromPort: 0, ToPort: 65535, PeerCIDR: netip.MustParsePrefix("0.0.0.0/0"), Description: "anything"})
	},
	"NW105": func(d *design.Design) { group(d, "sg-fx-db").Ingress[0].Description = "" },
	"NW106": func(d *design.Design) {
		group(d, "sg-fx-default").Ingress = []design.SGRule{{Protocol: "tcp", FromPort: 0, ToPort: 65535, PeerGroup: "sg-fx-default", Description: "self"}}
	},
	"NW107": func(d *design.Design) {
		n := nacl(d, "acl-fx-data")
		for i := range n.Outbound {
			if n.Outbound[i].FromPort == 1024 {
				n.Outbound[i].FromPort = 32768
			}
		}
	},
	"NW108": func(d *design.Design) {
		svc := d.Service("app")
		svc.Placements[0].Subnets = []string{"subnet-fx-public-a", "subnet-fx-public-b", "subnet-fx-public-c"}
	},
	"NW109": func(d *design.Design) {
		l := &d.LoadBalancers[0].Listeners[1]
		l.DefaultAction = design.Action{Type: design.ActionForward, Forward: []design.WeightedTarget{{TargetGroup: "tg-fx-web-8080", Weight: 1}}}
	},
	"NW110": func(d *design.Design) { d.LoadBalancers[0].Listeners[0].SSLPolicy = "ELBSecurityPolicy-2016-08" },
	"NW111": func(d *design.Design) { d.LoadBalancers[0].DropInvalidHeaders = false },
	"NW112": func(d *design.Design) { d.LoadBalancers[0].DeletionProtection = false },
	"NW113": func(d *design.Design) {
		g := group(d, "sg-fx-db")
		g.Ingress = append(g.Ingress, g.Ingress[0])
	},
	"NW114": func(d *design.Design) {
		n := nacl(d, "acl-fx-data")
		r := n.Inbound[0]
		r.Number = 900
		n.Inbound = append(n.Inbound, r)
	},
	"NW115": func(d *design.Design) {
		l := &d.LoadBalancers[0].Listeners[0]
		l.Rules = append([]design.ListenerRule{{ID: "catch-all", Priority: 1, Source: "by hand", Conditions: design.Conditions{Host: "*.example.com"}, Action: l.DefaultAction}}, l.Rules...)
	},
	"NW116": func(d *design.Design) {
		g := group(d, "sg-fx-db")
		for p := range 61 {
			g.Ingress = append(g.Ingress, design.SGRule{Protocol: "tcp", FromPort: 10000 + p, ToPort: 10000 + p, PeerGroup: "sg-fx-app", Description: "many"})
		}
	},
	"NW117": func(d *design.Design) {
		s := &d.VPCs[0].Subnets[3]
		s.Demand = []design.Demand{{What: "far too many tasks", IPs: s.Capacity + 10}}
		s.PeakIPs = s.Capacity + 10
	},
	"NW118": func(d *design.Design) {
		s := &d.VPCs[0].Subnets[3]
		s.CIDR = netip.PrefixFrom(s.CIDR.Addr(), 26)
		s.Capacity = 59
		s.Demand = []design.Demand{{What: "EKS nodes: 1 (prefix delegation)", IPs: 40}}
		s.PeakIPs, s.HeadroomIPs = 40, 10
	},
	"NW119": func(d *design.Design) { d.Service("app").DeregistrationDelay = design.Duration(5e9) },
	"NW120": func(d *design.Design) {
		v := &d.VPCs[0]
		var keep []design.Endpoint
		for _, e := range v.Endpoints {
			if e.Service != "ecr.dkr" {
				keep = append(keep, e)
			}
		}
		v.Endpoints = keep
	},
	"NW121": func(d *design.Design) { d.VPCs[0].FlowLogs = nil },
	"NW122": func(d *design.Design) { d.LoadBalancers[0].AccessLogs = nil },
	"NW123": func(d *design.Design) { d.Service("web").Replicas = 1 },
	"NW124": func(d *design.Design) {
		for i := range d.VPCs[0].RouteTables {
			if rt := &d.VPCs[0].RouteTables[i]; rt.ID == "rtb-fx-data" {
				rt.Routes = append(rt.Routes, design.Route{Destination: netip.MustParsePrefix("0.0.0.0/0"), TargetKind: design.TargetNATGateway, Target: "nat-fx-a"})
			}
		}
	},
	"NW125": func(d *design.Design) { d.Mesh.Target = "vpc_lattice" },
	// Read as an imported network, its public load balancer is what the
	// internet reaches.
	"NW150": func(d *design.Design) { d.Source = &design.Source{Kind: "aws"} },
	// CloudFront in front of an ALB that still admits the internet and
	// forwards without the origin header.
	"NW134": func(d *design.Design) {
		d.Distribution = &design.Distribution{ID: "cf-fx", Certificate: "auto", PriceClass: "PriceClass_All", MinimumProtocol: "TLSv1.2_2021",
			Origins:         []design.CloudFrontOrigin{{ID: "origin-us-east-1", LoadBalancer: "alb-fx-public", Region: "us-east-1", Header: design.OriginHeader, ProtocolPolicy: "https-only"}},
			DefaultBehavior: design.CacheBehavior{Target: "origin-us-east-1", Methods: []string{"GET", "HEAD"}, CachePolicy: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad", ViewerProtocol: "redirect-to-https"}}
	},
}

// TestEveryCheckHasFixtures checks that each check has a fixture design
// in testdata/checks that triggers it, and that the clean base triggers
// none.
func TestEveryCheckHasFixtures(t *testing.T) {
	base := buildFile(t, "testdata/checks/base.yaml")
	if r := Analyze(base); len(r.Findings) > 0 {
		t.Fatalf("the base fixture triggers %v", r.Findings)
	}
	for _, c := range Checks() {
		t.Run(c.ID, func(t *testing.T) {
			// The breaker runs every time: the fixture is the base
			// design broken its way, byte for byte.
			path := filepath.Join("testdata", "checks", c.ID+".json")
			breakIt, ok := breakers[c.ID]
			if !ok {
				t.Fatalf("no breaker for %s", c.ID)
			}
			broken := buildFile(t, "testdata/checks/base.yaml")
			breakIt(broken)
			b, err := broken.JSON()
			if err != nil {
				t.Fatal(err)
			}
			golden.Check(t, path, b)
			d, err := design.Decode(b)
			if err != nil {
				t.Fatal(err)
			}
			got := findingsOf(Analyze(d), c.ID)
			if len(got) == 0 {
				t.Fatalf("%s does not trigger %s", path, c.ID)
			}
			if c.Title == "" || c.Rationale == "" || c.Fix == "" || !strings.HasPrefix(c.ID, "NW") {
				t.Errorf("check %s lacks a title, rationale or fix", c.ID)
			}
		})
	}
}
