//go:build linux

package netns

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/netwright/netwright/internal/analysis"
	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/plan/plantest"
	"github.com/netwright/netwright/internal/portset"
	"github.com/netwright/netwright/internal/runtime/geneve"
)

// startedBy reports whether an appliance started a flow from src to
// dst:port.
func startedBy(l *applianceLog, src, dst netip.Addr, port uint16) bool {
	started, _ := l.flows()
	return slices.ContainsFunc(started, func(f geneve.Flow) bool { return f.Src == src && f.Dst == dst && f.DstPort == port })
}

// TestGWLBInspectsEgress: in hub-spoke, portal's egress to
// api.github.com crosses the Transit Gateway to the hub, whose transit
// subnets route it to a GWLB endpoint: the packets go over GENEVE to the
// appliance in the caller's AZ (which sees the task's own address, before
// the NAT gateway) and back, then out through the NAT gateway, as the
// analyzer says. With the appliances gone, the GWLB has no target and
// the call is dropped.
func TestGWLBInspectsEgress(t *testing.T) {
	d := plantest.File(t, "../../../examples/hub-spoke.yaml")
	f := fabric(t, d)
	tasks, _ := agree(t, f, d)
	github := design.EgressAddr("api.github.com")
	ln, err := f.Internet().Listen("tcp", netip.AddrPortFrom(github, 443).String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	e := analysis.NewEngine(d)
	for _, az := range []int{0, 1} {
		portal := tasksIn(t, tasks, "portal", az)
		src := analysis.Endpoint{Kind: analysis.EndService, Name: "portal", VPC: portal.eni.VPC, Subnets: []*design.Subnet{portal.subnet}, Groups: portal.eni.Groups}
		if e.Query(src, analysis.Internet(github), "tcp", portset.Of(443, 443)).Blocked() {
			t.Fatalf("the analyzer blocks portal -> api.github.com:443 from AZ %d", az)
		}
		if got := dial(t, portal, placedTask{eni: &ENI{Addr: github}}, 443); got != passed {
			t.Errorf("portal in AZ %d -> api.github.com:443 %s; the analyzer says it passes", az, got)
		}
		for _, fw := range tasks {
			if fw.service.Name != "firewall" {
				continue
			}
			saw := startedBy(appliances[fw.eni.Owner], portal.eni.Addr, github, 443)
			if want := fw.subnet.AZIndex == az; saw != want {
				t.Errorf("appliance %s (AZ %d) saw portal's flow from AZ %d: %v; want %v", fw.eni.Owner, fw.subnet.AZIndex, az, saw, want)
			}
		}
	}
	for _, fw := range tasks {
		if fw.service.Name == "firewall" {
			if err := f.Detach(fw.eni); err != nil {
				t.Fatal(err)
			}
		}
	}
	if got := dial(t, tasksIn(t, tasks, "portal", 0), placedTask{eni: &ENI{Addr: github}}, 443); got != dropped {
		t.Errorf("portal -> api.github.com:443 %s with no appliance behind the GWLB; want dropped", got)
	}
}

// TestGWLBAsymmetricPath: with the hub's public subnet in AZ a routing
// the answers to the spoke through the other AZ's GWLB endpoint, the
// request meets AZ a's appliance and the answer AZ b's, which never saw
// the flow start and drops it: the call times out, as it does in AWS
// with a stateful appliance (the reason Transit Gateway appliance mode
// and symmetric routes exist). The analyzer, which does not model the
// appliances' state, says the path routes.
func TestGWLBAsymmetricPath(t *testing.T) {
	d := plantest.File(t, "../../../examples/hub-spoke.yaml")
	v := d.VPC("vpc-portal-hub")
	for i := range v.RouteTables {
		rt := &v.RouteTables[i]
		if rt.ID != "rtb-portal-hub-public-a" {
			continue
		}
		for j := range rt.Routes {
			if rt.Routes[j].TargetKind == design.TargetGWLBEndpoint {
				rt.Routes[j].Target = "gwlbe-portal-hub-b"
			}
		}
	}
	f := fabric(t, d)
	tasks, _ := agree(t, f, d)
	github := design.EgressAddr("api.github.com")
	ln, err := f.Internet().Listen("tcp", netip.AddrPortFrom(github, 443).String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	portal := tasksIn(t, tasks, "portal", 0)
	if _, ok := analysis.NewEngine(d).Route(portal.subnet.ID, github); !ok {
		t.Fatal("the analyzer finds no route from portal to api.github.com")
	}
	if got := dial(t, portal, placedTask{eni: &ENI{Addr: github}}, 443); got != dropped {
		t.Errorf("portal in AZ a -> api.github.com:443 %s over an asymmetric path; want dropped by the appliance", got)
	}
	for _, fw := range tasks {
		if fw.service.Name != "firewall" {
			continue
		}
		started, droppedFlows := appliances[fw.eni.Owner].flows()
		switch fw.subnet.AZIndex {
		case 0:
			if !startedBy(appliances[fw.eni.Owner], portal.eni.Addr, github, 443) {
				t.Errorf("AZ a's appliance did not see the request: %v", started)
			}
		case 1:
			if !slices.ContainsFunc(droppedFlows, func(fl geneve.Flow) bool { return fl.Src == github && fl.Dst == portal.eni.Addr }) {
				t.Errorf("AZ b's appliance did not drop the answer: started %v, dropped %v", started, droppedFlows)
			}
		}
	}
}

// TestGWLBInspectsIngress: in hub-spoke, the spoke's internet gateway's
// edge route table sends what the internet sends each of the ALB's
// subnets to the GWLB endpoint in its AZ, so a connection from the
// internet to a load balancer node's public address reaches the node
// after the appliance in the node's AZ saw it start, and the node's
// answers, routed by its subnet to the same endpoint, come back into the
// endpoint before they leave by the internet gateway (symmetric
// routing: the flow log records them there), as the analyzer says.
func TestGWLBInspectsIngress(t *testing.T) {
	d := plantest.File(t, "../../../examples/hub-spoke.yaml")
	f := fabric(t, d)
	log := f.FlowLog(time.Unix(0, 0))
	tasks := placeTasks(t, f, d)
	var alb *design.LoadBalancer
	for i := range d.LoadBalancers {
		if d.LoadBalancers[i].Scheme == design.InternetFacing {
			alb = &d.LoadBalancers[i]
		}
	}
	if alb == nil || len(alb.Subnets) < 2 {
		t.Fatal("hub-spoke has no internet-facing load balancer in two subnets")
	}
	internet := &ENI{NS: f.Internet(), Addr: ClientAddr}
	e := analysis.NewEngine(d)
	for _, sid := range alb.Subnets {
		_, sub := d.Subnet(sid)
		node, err := f.Attach(Attachment{Owner: "lb-" + alb.Name + "-" + sub.AZ, Subnet: sid, Addr: LastUsable(sub.CIDR), Groups: alb.SecurityGroups, Exposed: true})
		if err != nil {
			t.Fatal(err)
		}
		serve(t, node, "tcp", 443)
		dst := e.LBEndpoint(alb)
		dst.Subnets = []*design.Subnet{sub}
		if e.Query(analysis.Internet(ClientAddr), dst, "tcp", portset.Of(443, 443)).Blocked() {
			t.Fatalf("the analyzer blocks the internet -> %s:443 in %s", alb.Name, sub.AZ)
		}
		got, err := try(internet, "tcp", netip.AddrPortFrom(node.Public, 443), dropTimeout)
		if err != nil {
			t.Fatal(err)
		}
		if got != passed {
			t.Errorf("the internet -> %s's node in %s (%s, public %s):443 %s; the analyzer says it passes", alb.Name, sub.AZ, node.Addr, node.Public, got)
			continue
		}
		for _, fw := range tasks {
			if fw.service.Name != "firewall" {
				continue
			}
			saw := startedBy(appliances[fw.eni.Owner], ClientAddr, node.Addr, 443)
			if want := fw.subnet.AZIndex == sub.AZIndex; saw != want {
				t.Errorf("appliance %s (AZ %d) saw the client's flow to the node in AZ %d: %v; want %v", fw.eni.Owner, fw.subnet.AZIndex, sub.AZIndex, saw, want)
			}
		}
		recs, err := log.Collect(time.Unix(60, 0))
		if err != nil {
			t.Fatal(err)
		}
		back := slices.ContainsFunc(recs, func(r FlowRecord) bool {
			_, es := d.Subnet(r.Subnet)
			return strings.HasPrefix(r.Owner, "gwlbe-") && es != nil && es.AZ == sub.AZ && r.Action == "ACCEPT" && r.Direction == "ingress" &&
				r.PktSrc == node.Addr && r.PktDst == ClientAddr && r.SrcPort == 443
		})
		if !back {
			t.Errorf("no record of the node's answers in %s coming back into the GWLB endpoint of its AZ: %v", sub.AZ, recs)
		}
	}
}
