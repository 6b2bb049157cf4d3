package up

import (
	"bufio"
	"context"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/netwright/netwright/internal/plan/plantest"
	"github.com/netwright/netwright/internal/runtime/netns"
)

// lookupFrom asks a VPC resolver for name's A records from inside a
// namespace, as a task's resolver library does.
func lookupFrom(t *testing.T, ns *netns.Namespace, resolver netip.Addr, name string) []netip.Addr {
	t.Helper()
	c, err := ns.Dialer(&net.Dialer{Timeout: time.Second})(context.Background(), "udp", netip.AddrPortFrom(resolver, 53).String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	conn := &dns.Conn{Conn: c}
	q := new(dns.Msg)
	q.SetQuestion(dns.Fqdn(name), dns.TypeA)
	_ = c.SetDeadline(time.Now().Add(2 * time.Second))
	if err := conn.WriteMsg(q); err != nil {
		t.Fatal(err)
	}
	m, err := conn.ReadMsg()
	if err != nil {
		t.Fatalf("%s from %s: %v", name, resolver, err)
	}
	var out []netip.Addr
	for _, rr := range m.Answer {
		if a, ok := rr.(*dns.A); ok {
			ip, _ := netip.AddrFromSlice(a.A.To4())
			out = append(out, ip)
		}
	}
	return out
}

// TestNetnsEgressThroughTheInternet: in three-tier, app's declared
// egress to api.stripe.com resolves through the VPC's resolver to the
// internet stub's address, goes out through a NAT gateway, and the stub
// answers; the stub counts it from the NAT gateway's Elastic IP, not a
// private address. A name the design does not declare is refused.
func TestNetnsEgressThroughTheInternet(t *testing.T) {
	d := plantest.File(t, "../../../examples/three-tier.yaml")
	rt := startNetns(t, d, Options{})
	app := rt.tasks["app-1"]
	resolver := rt.fabric.Resolver(app.eni.VPC)
	got := lookupFrom(t, app.eni.NS, resolver, "api.stripe.com")
	if len(got) != 1 || got[0] != netip.MustParseAddr("203.0.113.10") {
		t.Fatalf("api.stripe.com from app-1's resolver = %v; want the internet stub's 203.0.113.10", got)
	}
	if got := lookupFrom(t, app.eni.NS, resolver, "example.org"); len(got) != 0 {
		t.Errorf("example.org, which the design does not declare, resolved to %v", got)
	}
	c, err := app.eni.NS.Dialer(&net.Dialer{Timeout: 2 * time.Second})(context.Background(), "tcp", "203.0.113.10:443")
	if err != nil {
		t.Fatal(err)
	}
	_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
	line, err := bufio.NewReader(c).ReadString('\n')
	c.Close()
	if err != nil || !strings.Contains(line, "api.stripe.com:443") {
		t.Fatalf("the stub answered %q, %v", line, err)
	}
	var sources []string
	for _, m := range metrics(t, rt)["netwright_internet_stub_connections_total"].GetMetric() {
		for _, l := range m.GetLabel() {
			if l.GetName() == "source" {
				sources = append(sources, l.GetValue())
			}
		}
	}
	if len(sources) != 1 || !strings.HasPrefix(sources[0], "192.0.2.") {
		t.Errorf("the stub saw the call from %v; want one Elastic IP from 192.0.2.0/24", sources)
	}
}

// TestNetnsGWLBAppliance: hub-spoke's portal egress crosses the hub,
// whose GWLB sends it over GENEVE to a firewall task running the
// built-in appliance, which counts the flow by the portal task's own
// address before the NAT gateway translates it.
func TestNetnsGWLBAppliance(t *testing.T) {
	d := plantest.File(t, "../../../examples/hub-spoke.yaml")
	rt := startNetns(t, d, Options{})
	portal := rt.tasks["portal-1"]
	c, err := portal.eni.NS.Dialer(&net.Dialer{Timeout: 2 * time.Second})(context.Background(), "tcp", "203.0.113.10:443")
	if err != nil {
		t.Fatal(err)
	}
	_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
	line, err := bufio.NewReader(c).ReadString('\n')
	c.Close()
	if err != nil || !strings.Contains(line, "api.github.com:443") {
		t.Fatalf("the stub answered %q, %v", line, err)
	}
	found := false
	for _, m := range metrics(t, rt)["netwright_appliance_flows_total"].GetMetric() {
		labels := map[string]string{}
		for _, l := range m.GetLabel() {
			labels[l.GetName()] = l.GetValue()
		}
		found = found || labels["source"] == portal.designed.String() && labels["destination"] == "203.0.113.10:443" && strings.HasPrefix(labels["task"], "firewall-")
	}
	if !found {
		t.Errorf("no appliance counted portal-1's flow from %s: %v", portal.designed, metrics(t, rt)["netwright_appliance_flows_total"])
	}
}

// TestNetnsFrontDoorCrossesTheInternet: a request to the public ALB's
// front door on 127.0.0.1 enters from the internet namespace through
// the internet gateway, so the ALB's security group decides it as AWS's
// does: with the group admitting HTTPS from 10.0.0.0/8 only, the
// client's request (from 198.51.100.10) never reaches the ALB, and the
// flow log shows the REJECT at the ALB node's interface.
func TestNetnsFrontDoorCrossesTheInternet(t *testing.T) {
	d := plantest.File(t, "../../../examples/three-tier.yaml")
	for _, lb := range d.LoadBalancers {
		if lb.Scheme != "internet-facing" {
			continue
		}
		for i := range d.SecurityGroups {
			g := &d.SecurityGroups[i]
			if g.ID != lb.SecurityGroups[0] {
				continue
			}
			for j := range g.Ingress {
				g.Ingress[j].PeerCIDR = netip.MustParsePrefix("10.0.0.0/8")
			}
		}
	}
	rt := startNetns(t, d, Options{})
	e := entry(t, rt, "internet-facing", "HTTPS")
	c := client(t, rt)
	c.Timeout = 1500 * time.Millisecond
	if resp, err := c.Get("https://" + strings.Replace(e.Addr, "127.0.0.1", "localhost", 1) + "/"); err == nil {
		resp.Body.Close()
		t.Fatalf("GET / through a group that does not admit the client: %s", resp.Status)
	}
	rt.collectFlows()
	rejected := false
	for _, s := range rt.FlowStats() {
		rejected = rejected || strings.HasPrefix(s.Owner, "lb-") && s.Src == netns.ClientAddr && s.Rejected > 0
	}
	if !rejected {
		t.Errorf("no REJECT of the client %s at a load balancer node: %+v", netns.ClientAddr, rt.FlowStats())
	}
}
