package up

import (
	"encoding/json"
	"net/http"
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/netwright/netwright/internal/analysis"
	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/plan/plantest"
	"github.com/netwright/netwright/internal/runtime/netns"
)

// TestNetnsNLBClientAddress: in netns mode an NLB target group that
// preserves client addresses has its targets see the client's address,
// and one that does not the NLB node's; where it preserves them, the
// target's security group decides by the client's address, not the
// node's, and the analyzer agrees with the packets each time: web's
// group admits the NLB's group alone, so with preservation turned on the
// internet's request is dropped (the call times out) until the group
// admits the internet.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/network/edit-target-group-attributes.html#client-ip-preservation
func TestNetnsNLBClientAddress(t *testing.T) {
	for _, c := range []struct {
		name            string
		preserve, admit bool
		want            string // the client web sees; empty: dropped
	}{
		{"not preserved", false, false, "node"},
		{"preserved, the group admits the node", true, false, ""},
		{"preserved, the group admits the internet", true, true, netns.ClientAddr.String()},
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
			if c.admit {
				admitInternet(t, d, "web", web.Port)
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
					t.Fatalf("the request passed (%s); web's group does not admit the client and the analyzer says it is blocked", resp.Status)
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
// admits the internet on port, and to its subnets' NACLs the port in and
// the answers out.
func admitInternet(t *testing.T, d *design.Design, service string, port int) {
	t.Helper()
	s := d.Service(service)
	any := netip.MustParsePrefix("0.0.0.0/0")
	for _, pl := range s.Placements {
		for i := range d.SecurityGroups {
			if slices.Contains(pl.SecurityGroups, d.SecurityGroups[i].ID) {
				d.SecurityGroups[i].Ingress = append(d.SecurityGroups[i].Ingress,
					design.SGRule{Protocol: "tcp", FromPort: port, ToPort: port, PeerCIDR: any, Description: "the test's clients"})
			}
		}
		for i := range d.NetworkACLs {
			if slices.ContainsFunc(pl.Subnets, func(s string) bool { return slices.Contains(d.NetworkACLs[i].Subnets, s) }) {
				d.NetworkACLs[i].Inbound = append(d.NetworkACLs[i].Inbound, design.NACLRule{Number: 1, Protocol: "tcp", FromPort: port, ToPort: port, CIDR: any, Allow: true})
				d.NetworkACLs[i].Outbound = append(d.NetworkACLs[i].Outbound, design.NACLRule{Number: 1, Protocol: "tcp", FromPort: 1024, ToPort: 65535, CIDR: any, Allow: true})
			}
		}
	}
}
