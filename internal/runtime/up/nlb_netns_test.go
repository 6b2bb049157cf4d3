package up

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/netwright/netwright/internal/analysis"
	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/plan/plantest"
	"github.com/netwright/netwright/internal/runtime/netns"
)

// TestNetnsNLBClientAddress: in netns mode an NLB target group that
// preserves client addresses has its targets see the client's address,
// and one that does not the NLB node's; with them preserved the
// target's subnet's NACL sees the client, and its security groups admit
// the NLB by a rule naming the NLB's group (AWS matches a reference by
// the sending interface) or, behind an NLB without groups, only by the
// client's address. The analyzer agrees with the packets each time: a
// path it blocks times out.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/network/edit-target-group-attributes.html#client-ip-preservation
// https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-security-groups.html
func TestNetnsNLBClientAddress(t *testing.T) {
	for _, c := range []struct {
		name string
		// preserve the client's address; open web's NACL to the
		// internet; take the NLB's groups away; admit the internet in
		// web's group.
		preserve, nacl, bare, admit bool
		want                        string // the client web sees; empty: dropped
	}{
		{"not preserved", false, false, false, false, "node"},
		{"preserved, the NACL planned for the node", true, false, false, false, ""},
		{"preserved, web's group names the NLB's", true, true, false, false, netns.ClientAddr.String()},
		{"preserved, an NLB without groups", true, true, true, false, ""},
		{"preserved, an NLB without groups, web's group admits the internet", true, true, true, true, netns.ClientAddr.String()},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := plantest.Design(t, "arcade.yaml", []byte(arcade))
			var web *design.TargetGroup
			for i := range d.TargetGroups {
				if d.TargetGroups[i].Service == "web" {
					web = &d.TargetGroups[i]
				}
			}
			if web == nil || web.PreserveClientIP {
				t.Fatalf("arcade's web target group: %+v; want one that does not preserve client addresses (ip targets over TCP)", web)
			}
			web.PreserveClientIP = c.preserve
			if c.nacl {
				openNACLs(d, "web", web.Port)
			}
			if c.bare {
				d.LoadBalancers[0].SecurityGroups = nil
			}
			if c.admit {
				admitInternet(d, "web", web.Port)
			}
			paths, err := analysis.NewEngine(d).Reach(design.Internet, "web", 443, "tcp")
			if err != nil {
				t.Fatal(err)
			}
			analyzed := !slices.ContainsFunc(paths, func(p analysis.Path) bool { return !p.Ports.Contains(443) })
			if analyzed != (c.want != "") {
				for _, p := range paths {
					t.Logf("%s -> %s %v: %v", p.From, p.To, p.PortsText, analysis.Explain(p))
				}
				t.Fatalf("the analyzer says internet -> web:443 reachable %v; the case wants %v", analyzed, c.want != "")
			}
			rt := startNetns(t, d, Options{})
			hc := client(t, rt)
			hc.Timeout = 5 * time.Second
			resp, err := hc.Get("https://" + nlbEntry(t, rt, 443).Addr + "/")
			if c.want == "" {
				if err == nil {
					resp.Body.Close()
					t.Fatalf("the request passed (%s); the analyzer says it is blocked", resp.Status)
				}
				return
			}
			if err != nil {
				t.Fatalf("the request failed: %v; the analyzer says it passes", err)
			}
			var tree Call
			err = json.NewDecoder(resp.Body).Decode(&tree)
			resp.Body.Close()
			if err != nil || resp.StatusCode != http.StatusOK || tree.Service != "web" {
				t.Fatalf("%s %+v %v; want web's call tree", resp.Status, tree, err)
			}
			want := c.want
			if want == "node" {
				want = rt.nodes[d.LoadBalancers[0].Name].Addr.String()
			}
			if tree.Client != want {
				t.Errorf("web saw the client %s; want %s", tree.Client, want)
			}
		})
	}
}

// TestNetnsNLBUDPKeepsClientAddress: a UDP target group preserves
// client addresses by default (ip targets); in netns mode a datagram to
// the internet-facing NLB's front door crosses the internet gateway to
// the node, and the game task's interface logs it from the client's
// address.
func TestNetnsNLBUDPKeepsClientAddress(t *testing.T) {
	d := plantest.Design(t, "arcade.yaml", []byte(arcade))
	for i := range d.TargetGroups {
		if tg := &d.TargetGroups[i]; tg.Service == "game" && !tg.PreserveClientIP {
			t.Fatalf("game's UDP target group does not preserve client addresses: %+v", tg)
		}
	}
	for i := range d.VPCs {
		d.VPCs[i].FlowLogs = &design.FlowLogs{ID: "fl-test", TrafficType: "ALL", MaxAggregationSeconds: 60}
	}
	rt := startNetns(t, d, Options{FlowLogDir: t.TempDir()})
	got, err := udpAnswer(t, nlbEntry(t, rt, 7777).Addr)
	if err != nil || len(got) < 5 || got[:5] != "game-" {
		t.Fatalf("UDP through the NLB: %q %v; want a game task", got, err)
	}
	rt.collectFlows()
	var game []FlowStat
	for _, f := range rt.FlowStats() {
		if f.DstPort == 7777 && f.Direction == "ingress" && f.Protocol == 17 && len(f.Owner) > 5 && f.Owner[:5] == "game-" {
			game = append(game, f)
		}
	}
	if len(game) == 0 {
		t.Fatalf("no flow into a game task on 7777 in %+v", rt.FlowStats())
	}
	for _, f := range game {
		if f.Src != netns.ClientAddr || f.Accepted == 0 {
			t.Errorf("game's interface logged %+v; want it accepted from the client %s", f, netns.ClientAddr)
		}
	}
}

// admitInternet adds to the groups of service's tasks a rule that
// admits the internet on port.
func admitInternet(d *design.Design, service string, port int) {
	for _, pl := range d.Service(service).Placements {
		for i := range d.SecurityGroups {
			if slices.Contains(pl.SecurityGroups, d.SecurityGroups[i].ID) {
				d.SecurityGroups[i].Ingress = append(d.SecurityGroups[i].Ingress,
					design.SGRule{Protocol: "tcp", FromPort: port, ToPort: port, PeerCIDR: netip.MustParsePrefix("0.0.0.0/0"), Description: "the test's clients"})
			}
		}
	}
}

// openNACLs lets the internet through the NACLs of service's subnets on
// port, and the answers out.
func openNACLs(d *design.Design, service string, port int) {
	any := netip.MustParsePrefix("0.0.0.0/0")
	for _, pl := range d.Service(service).Placements {
		for i := range d.NetworkACLs {
			if slices.ContainsFunc(pl.Subnets, func(s string) bool { return slices.Contains(d.NetworkACLs[i].Subnets, s) }) {
				d.NetworkACLs[i].Inbound = append(d.NetworkACLs[i].Inbound, design.NACLRule{Number: 1, Protocol: "tcp", FromPort: port, ToPort: port, CIDR: any, Allow: true})
				d.NetworkACLs[i].Outbound = append(d.NetworkACLs[i].Outbound, design.NACLRule{Number: 1, Protocol: "tcp", FromPort: 1024, ToPort: 65535, CIDR: any, Allow: true})
			}
		}
	}
}

// TestNetnsInternalNLBKeepsCallerAddress: a private UDP service that asks
// for an NLB's flow hash sits behind an internal NLB whose target group
// keeps client addresses (UDP); a task's datagram to the NLB's node
// reaches a target from the task's own address, the answer comes back
// through the node, and the analyzer says the call passes.
func TestNetnsInternalNLBKeepsCallerAddress(t *testing.T) {
	d := plantest.Design(t, "udp.yaml", []byte(`version: 1
app: udpy
regions: [eu-west-1]
services:
  api:
    port: 8080
    depends_on: [resolver]
  resolver:
    port: 5353
    protocol: udp
    load_balancing: ip_hash
`))
	var tg *design.TargetGroup
	for i := range d.TargetGroups {
		if d.TargetGroups[i].Service == "resolver" {
			tg = &d.TargetGroups[i]
		}
	}
	if tg == nil || !tg.PreserveClientIP {
		t.Fatalf("resolver's target group %+v; want one behind an internal NLB that keeps client addresses", tg)
	}
	paths, err := analysis.NewEngine(d).Reach("api", "resolver", 5353, "udp")
	if err != nil {
		t.Fatal(err)
	}
	if slices.ContainsFunc(paths, func(p analysis.Path) bool { return !p.Ports.Contains(5353) }) {
		for _, p := range paths {
			t.Logf("%s -> %s %v: %v", p.From, p.To, p.PortsText, analysis.Explain(p))
		}
		t.Fatal("the analyzer blocks api -> resolver udp 5353")
	}
	for i := range d.VPCs {
		d.VPCs[i].FlowLogs = &design.FlowLogs{ID: "fl-test", TrafficType: "ALL", MaxAggregationSeconds: 60}
	}
	rt := startNetns(t, d, Options{FlowLogDir: t.TempDir()})
	var at string
	for _, e := range rt.Entries {
		if e.Scheme == design.Internal && e.Protocol == "UDP" {
			at = e.Addr
		}
	}
	if at == "" {
		t.Fatalf("no internal UDP listener in %+v", rt.Entries)
	}
	api := rt.tasks["api-1"]
	c, err := api.eni.NS.Dialer(&net.Dialer{})(context.Background(), "udp", at)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Write([]byte("hello\n")); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64)
	n, err := c.Read(buf)
	if err != nil || !strings.HasPrefix(string(buf[:n]), "resolver-") {
		t.Fatalf("api-1 -> the NLB's node %s: %q %v; want a resolver task's answer", at, buf[:n], err)
	}
	rt.collectFlows()
	var seen []FlowStat
	for _, f := range rt.FlowStats() {
		if f.DstPort == 5353 && f.Direction == "ingress" && f.Protocol == 17 && strings.HasPrefix(f.Owner, "resolver-") {
			seen = append(seen, f)
		}
	}
	if len(seen) == 0 {
		t.Fatalf("no flow into a resolver task on 5353 in %+v", rt.FlowStats())
	}
	for _, f := range seen {
		if f.Src != api.designed || f.Accepted == 0 {
			t.Errorf("a resolver task's interface logged %+v; want it accepted from api-1's address %s", f, api.designed)
		}
	}
}
