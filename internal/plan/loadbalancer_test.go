package plan

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/netwright/netwright/internal/albrules"
	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/spec"
)

func lbByID(t *testing.T, d *design.Design, id string) design.LoadBalancer {
	t.Helper()
	for _, lb := range d.LoadBalancers {
		if lb.ID == id {
			return lb
		}
	}
	t.Fatalf("no load balancer %s in %v", id, d.LoadBalancers)
	return design.LoadBalancer{}
}

// TestRulePrioritiesBySpecificity writes rules in the worst order and
// checks the listener tries them most specific first, whatever the order
// written: exact host, wildcard host, longer literal path, exact path,
// more conditions.
func TestRulePrioritiesBySpecificity(t *testing.T) {
	d := build(t, `version: 1
app: r
services:
  web: {port: 8080, public: true}
  api: {port: 8081, public: true}
ingress:
  - to: web
  - path: /*
    to: web
  - path: /api/*
    to: api
  - path: /api/v1/*
    to: api
  - path: /api/v1/health
    to: api
  - host: "*.example.com"
    to: api
  - host: admin.example.com
    to: api
  - path: /api/v1/*
    methods: [POST]
    to: api
tls: {domain: r.example.com}
`)
	lb := lbByID(t, d, "alb-r-public")
	var got []string
	for _, r := range lb.Listeners[0].Rules {
		got = append(got, r.Source)
	}
	want := []string{"ingress[6]", "ingress[5]", "ingress[4]", "ingress[7]", "ingress[3]", "ingress[2]", "ingress[1]"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rule order (-want +got):\n%s", diff)
	}
	for i, r := range lb.Listeners[0].Rules {
		if r.Priority != 10*(i+1) {
			t.Errorf("rule %s priority %d; want %d", r.Source, r.Priority, 10*(i+1))
		}
	}
	if def := lb.Listeners[0].DefaultAction; def.Type != design.ActionForward || def.Forward[0].TargetGroup != "tg-r-web-8080" {
		t.Errorf("default action = %+v; want forward to web", def)
	}
	// And the evaluator routes as the priorities say.
	l := &lb.Listeners[0]
	for _, tt := range []struct{ host, path, method, want string }{
		{"admin.example.com", "/api/v1/x", "POST", "ingress[6]"},
		{"shop.example.com", "/", "GET", "ingress[5]"},
		{"r.test", "/api/v1/health", "GET", "ingress[4]"},
		{"r.test", "/api/v1/orders", "POST", "ingress[7]"},
		{"r.test", "/api/v1/orders", "GET", "ingress[3]"},
		{"r.test", "/api/v2", "GET", "ingress[2]"},
		{"r.test", "/index.html", "GET", "ingress[1]"},
	} {
		r := albrules.Evaluate(l, &albrules.Request{Host: tt.host, Path: tt.path, Method: tt.method})
		if r == nil || r.Source != tt.want {
			t.Errorf("%s %s%s matched %v; want %s", tt.method, tt.host, tt.path, r, tt.want)
		}
	}
}

func TestListenersAndTargetGroups(t *testing.T) {
	s, ds := spec.Parse("lb.yaml", []byte(`version: 1
app: lb
environment: staging
services:
  web: {port: 8080, public: true, load_balancing: ip_hash, health: {interval: 10s, timeout: 3s, healthy_threshold: 3, unhealthy_threshold: 4}}
  rpc: {port: 50051, protocol: grpc, public: true, static_ip: true}
  dns: {port: 5353, protocol: udp, public: true, load_balancing: ip_hash}
  feed: {port: 9000, protocol: tls, public: true}
  w2: {port: 8081, public: true, load_balancing: weighted_random}
ingress:
  - path: /w2/*
    to: {weighted: {w2: 3, web: 1}}
  - to: web
tls: {certificate: "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012"}
`))
	if s == nil {
		t.Fatal(ds)
	}
	d, ds := Build(s)
	if d == nil {
		t.Fatal(ds)
	}
	if len(ds) != 2 || !strings.Contains(ds[0].Summary, "ip_hash becomes lb_cookie stickiness") || !strings.Contains(ds[1].Summary, "health-checked over TCP on port 5353") {
		t.Errorf("diagnostics = %v; want the ip_hash approximation warning and the UDP health check's", ds)
	}
	alb := lbByID(t, d, "alb-lb-public")
	if alb.DeletionProtection || !alb.DropInvalidHeaders || alb.IdleTimeout != design.Duration(60*time.Second) || alb.AccessLogs == nil {
		t.Errorf("ALB attributes = %+v", alb)
	}
	if l := alb.Listeners[1]; l.Port != 80 || l.DefaultAction.Type != design.ActionRedirect || l.DefaultAction.RedirectPort != 443 {
		t.Errorf("HTTP listener = %+v; want a redirect to 443", l)
	}
	want := []design.WeightedTarget{{TargetGroup: "tg-lb-w2-8081", Weight: 3}, {TargetGroup: "tg-lb-web-8080", Weight: 1}}
	if diff := cmp.Diff(want, alb.Listeners[0].Rules[0].Action.Forward); diff != "" {
		t.Errorf("weighted forward (-want +got):\n%s", diff)
	}
	nlb := lbByID(t, d, "nlb-lb-public")
	if !nlb.ElasticIPs {
		t.Error("NLB with a static_ip service has no Elastic IPs")
	}
	listeners := map[string]design.Listener{}
	for _, l := range nlb.Listeners {
		listeners[l.ID] = l
	}
	for id, want := range map[string]string{"nlb-lb-public-rpc": "TLS 443 HTTP2Preferred", "nlb-lb-public-dns": "UDP 5353 ", "nlb-lb-public-feed": "TLS 9000 "} {
		l := listeners[id]
		if got := strings.Join([]string{l.Protocol, strconv.Itoa(l.Port), l.ALPNPolicy}, " "); got != want {
			t.Errorf("%s = %q; want %q", id, got, want)
		}
	}
	tgs := map[string]design.TargetGroup{}
	for _, tg := range d.TargetGroups {
		tgs[tg.ID] = tg
	}
	web := tgs["tg-lb-web-8080"]
	if web.Stickiness != "lb_cookie" || web.Algorithm != "round_robin" {
		t.Errorf("ALB ip_hash target group = %+v; want round_robin with lb_cookie", web)
	}
	if web.Health.UnhealthyAfter != design.Duration(43*time.Second) || web.Health.HealthyAfter != design.Duration(30*time.Second) {
		t.Errorf("health timing = %s out, %s in; want 43s (4 x 10s + 3s) and 30s (3 x 10s)", web.Health.UnhealthyAfter, web.Health.HealthyAfter)
	}
	if tg := tgs["tg-lb-dns-5353"]; tg.Protocol != "UDP" || !tg.PreserveClientIP || tg.Stickiness != "source_ip" || tg.Health.Protocol != "TCP" {
		t.Errorf("UDP target group = %+v", tg)
	}
	if tg := tgs["tg-lb-rpc-50051-nlb"]; tg.Protocol != "TCP" {
		t.Errorf("static-IP gRPC target group = %+v; want TCP behind the NLB's TLS listener", tg)
	}
	if tg := tgs["tg-lb-w2-8081"]; !tg.AnomalyMitigation {
		t.Error("weighted_random without anomaly mitigation")
	}
	for _, err := range d.Validate() {
		t.Error(err)
	}
}

// TestInspectionSteersInternetPath checks the distributed GWLB design: the
// internet gateway's edge table and each public subnet send traffic to the
// GWLB endpoint in the same AZ, and the endpoints' table returns it to the
// internet gateway.
func TestInspectionSteersInternetPath(t *testing.T) {
	d := build(t, `version: 1
app: i
network: {azs: 2}
services:
  web: {port: 8080, public: true, egress: [api.example.com:443]}
  fw: {kind: appliance}
inspection: {appliance: fw, flows: [ingress, egress]}
tls: {domain: i.example.com}
`)
	v := d.VPCs[0]
	tables := map[string]design.RouteTable{}
	for _, rt := range v.RouteTables {
		tables[rt.ID] = rt
	}
	edge, ok := tables["rtb-i-edge"]
	if !ok || edge.EdgeGateway != v.InternetGateway {
		t.Fatalf("no edge route table on the internet gateway: %v", tables)
	}
	for _, s := range v.Subnets {
		switch s.Tier {
		case design.TierPublic:
			want := "gwlbe-i-" + azSuffix(s.AZ)
			if r := routesOf(v, s.RouteTable); r[1].Destination != anyIPv4 || r[1].Target != want {
				t.Errorf("%s default route = %+v; want %s", s.ID, r[1], want)
			}
			found := false
			for _, r := range edge.Routes {
				found = found || r.Destination == s.CIDR && r.Target == want
			}
			if !found {
				t.Errorf("edge table lacks %s -> %s", s.CIDR, want)
			}
		case design.TierFirewall:
			if r := routesOf(v, s.RouteTable); r[1].Target != v.InternetGateway {
				t.Errorf("%s routes %+v; want the internet gateway", s.ID, r)
			}
		}
	}
	gw := lbByID(t, d, "gwlb-i")
	if gw.Type != design.GWLB || gw.Listeners[0].Protocol != "GENEVE" || len(d.GatewayLoadBalancerEndpoints) != 2 {
		t.Errorf("GWLB = %+v, endpoints %v", gw, d.GatewayLoadBalancerEndpoints)
	}
	for _, err := range d.Validate() {
		t.Error(err)
	}
}

// TestHubEastWestTurnsThroughHub checks that with east_west inspection a
// spoke's Transit Gateway routes to another spoke go to the hub, whose
// transit subnets send spoke traffic to the GWLB endpoint in their AZ.
func TestHubEastWestTurnsThroughHub(t *testing.T) {
	d := build(t, `version: 1
app: h
network: {pattern: hub_spoke, spokes: [s], azs: 2}
services:
  web: {port: 8080, depends_on: [auth]}
  auth: {port: 8443, spoke: s}
  fw: {kind: appliance}
inspection: {appliance: fw, flows: [east_west]}
`)
	tgw := d.TransitGateways[0]
	if !tgw.Attachments[0].ApplianceMode {
		t.Error("the hub attachment lacks appliance mode")
	}
	for _, rt := range tgw.RouteTables {
		if rt.Name == "hub" {
			continue
		}
		for _, r := range rt.Routes {
			if r.Attachment != "tgw-attach-h-hub" {
				t.Errorf("%s routes %s to %s; east_west inspection wants every route through the hub", rt.ID, r.Destination, r.Attachment)
			}
		}
	}
	hub := d.VPCs[0]
	for _, s := range hub.Subnets {
		if s.Tier != design.TierTransit {
			continue
		}
		want := "gwlbe-h-hub-" + azSuffix(s.AZ)
		n := 0
		for _, r := range routesOf(hub, s.RouteTable) {
			for _, v := range d.VPCs[1:] {
				if r.Destination == v.CIDR && r.Target == want {
					n++
				}
			}
		}
		if n != 2 {
			t.Errorf("%s sends %d spoke blocks to %s; want both spokes", s.ID, n, want)
		}
	}
	for _, err := range d.Validate() {
		t.Error(err)
	}
}

// TestDroppedInternalLBSizesNoSubnet: an internal ALB that VPC Lattice
// leaves without a caller is not designed, and no subnet keeps addresses
// for it, nor the plan a note that callers reach the service through it.
func TestDroppedInternalLBSizesNoSubnet(t *testing.T) {
	const base = `version: 1
app: shop
network: {compute: eks}
services:
  web: {port: 8080, public: true, depends_on: [invoices]}
  invoices: {port: 9090, load_balancing: least_outstanding_requests}
tls: {domain: shop.example.com}
`
	d := build(t, base)
	for _, lb := range d.LoadBalancers {
		if lb.Scheme == design.Internal {
			t.Fatalf("internal load balancer %s designed; Lattice carries every call to invoices", lb.ID)
		}
	}
	check := func(d *design.Design, wantALB bool) {
		t.Helper()
		found := false
		for _, v := range d.VPCs {
			for _, s := range v.Subnets {
				for _, dm := range s.Demand {
					if strings.HasPrefix(dm.What, "internal ALB") {
						found = true
					}
				}
			}
		}
		if found != wantALB {
			t.Errorf("a subnet sized for an internal ALB: %v, want %v", found, wantALB)
		}
		for _, n := range d.Notes {
			if strings.Contains(n.Text, "internal load balancer") && !wantALB {
				t.Errorf("note on a load balancer not designed: %s", n.Text)
			}
		}
	}
	check(d, false)
	// The control: without Lattice (mesh target none) callers reach
	// invoices through its internal ALB, and a subnet keeps its addresses
	// (so the check above can see them).
	check(build(t, base+"mesh: {target: none}\n"), true)
}
