//go:build linux

package netns

import (
	"net/netip"
	"slices"
	"testing"

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
