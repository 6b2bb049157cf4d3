//go:build linux

package netns

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/plan/plantest"
)

// tasksIn returns the agreement test's tasks of a service in AZ
// position az.
func tasksIn(t *testing.T, tasks []placedTask, service string, az int) placedTask {
	t.Helper()
	for _, p := range tasks {
		if p.service.Name == service && p.subnet.AZIndex == az {
			return p
		}
	}
	t.Fatalf("no task of %s in AZ %d", service, az)
	return placedTask{}
}

// closeSubnet gives one subnet a NACL of its own, a copy of its
// current one with every rule of one direction replaced by a deny of
// everything, and returns that NACL's ID.
func closeSubnet(t *testing.T, d *design.Design, subnet string, inbound bool) string {
	t.Helper()
	for i := range d.NetworkACLs {
		n := &d.NetworkACLs[i]
		if !slices.Contains(n.Subnets, subnet) {
			continue
		}
		closed := *n
		closed.ID, closed.Subnets = n.ID+"-closed", []string{subnet}
		deny := []design.NACLRule{{Number: 100, Protocol: "all", ToPort: 65535, CIDR: netip.MustParsePrefix("0.0.0.0/0")}}
		if inbound {
			closed.Inbound = deny
		} else {
			closed.Outbound = deny
		}
		n.Subnets = slices.DeleteFunc(slices.Clone(n.Subnets), func(s string) bool { return s == subnet })
		d.NetworkACLs = append(d.NetworkACLs, closed)
		return closed.ID
	}
	t.Fatalf("no NACL holds %s", subnet)
	return ""
}

// TestTransitGatewayKeepsTheAZ: between hub-spoke's two spokes a call
// crosses the Transit Gateway, which delivers it into the callee's VPC
// through the attachment subnet in the caller's AZ, and the answers go
// back through the attachment subnet in the callee's AZ. AWS evaluates
// an attachment subnet's outbound rules for what the gateway delivers
// and its inbound rules for what it is sent (AWS-FACTS.md): so with
// identity's attachment subnet in AZ a refusing everything outbound,
// calls from AZ a are dropped whichever AZ the callee is in; refusing
// everything inbound, calls to identity's tasks in AZ a are (their
// answers are), whichever AZ the caller is in. The analyzer agrees on
// every pair.
func TestTransitGatewayKeepsTheAZ(t *testing.T) {
	const entryA = "subnet-portal-shared-transit-a"
	for _, c := range []struct {
		name    string
		inbound bool
		want    map[[2]int]outcome // portal's AZ, identity's AZ
	}{
		{"outbound closed: the caller's AZ", false, map[[2]int]outcome{{0, 0}: dropped, {0, 1}: dropped, {1, 0}: passed, {1, 1}: passed}},
		{"inbound closed: the callee's AZ", true, map[[2]int]outcome{{0, 0}: dropped, {0, 1}: passed, {1, 0}: dropped, {1, 1}: passed}},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := plantest.File(t, "../../../examples/hub-spoke.yaml")
			closeSubnet(t, d, entryA, c.inbound)
			f := fabric(t, d)
			tasks, _ := agree(t, f, d)
			for az, want := range c.want {
				from, to := tasksIn(t, tasks, "portal", az[0]), tasksIn(t, tasks, "identity", az[1])
				if got := dial(t, from, to, 8443); got != want {
					t.Errorf("portal in AZ %d -> identity in AZ %d: %s; want %s", az[0], az[1], got, want)
				}
			}
		})
	}
}

// TestTransitGatewayCallerAttachmentSubnet: a call to a gateway passes
// the inbound rules of the attachment subnet in the caller's own VPC
// and AZ, which AWS evaluates for traffic from the instances to the
// gateway. With portal's attachment subnet in AZ b refusing everything
// inbound, portal's calls from AZ b to identity are dropped, those from
// AZ a pass, and the analyzer agrees on every pair.
func TestTransitGatewayCallerAttachmentSubnet(t *testing.T) {
	d := plantest.File(t, "../../../examples/hub-spoke.yaml")
	closeSubnet(t, d, "subnet-portal-transit-b", true)
	f := fabric(t, d)
	tasks, _ := agree(t, f, d)
	for _, c := range []struct {
		from, to int
		want     outcome
	}{{0, 0, passed}, {0, 1, passed}, {1, 0, dropped}, {1, 1, dropped}} {
		from, to := tasksIn(t, tasks, "portal", c.from), tasksIn(t, tasks, "identity", c.to)
		if got := dial(t, from, to, 8443); got != c.want {
			t.Errorf("portal in AZ %d -> identity in AZ %d: %s; want %s", c.from, c.to, got, c.want)
		}
	}
}

// TestTransitGatewayPeering: two-region's Regions are joined by a
// Transit Gateway peering. With the groups and NACLs opened to each
// other's blocks for ledger -> ledger-db, a ledger task in us-east-1
// reaches ledger-db in eu-west-1 across both gateways and the peering
// (and the analyzer agrees on every pair, across the Regions too).
func TestTransitGatewayPeering(t *testing.T) {
	d := plantest.File(t, "../../../examples/two-region.yaml")
	private := netip.MustParsePrefix("10.0.0.0/8")
	port := d.Service("ledger-db").Port
	for i := range d.SecurityGroups {
		g := &d.SecurityGroups[i]
		rule := design.SGRule{Protocol: "tcp", FromPort: port, ToPort: port, PeerCIDR: private, Description: "test: across the Regions"}
		switch {
		case slices.ContainsFunc(d.Service("ledger").Placements, func(p design.Placement) bool { return slices.Contains(p.SecurityGroups, g.ID) }):
			g.Egress = append(g.Egress, rule)
		case slices.ContainsFunc(d.Service("ledger-db").Placements, func(p design.Placement) bool { return slices.Contains(p.SecurityGroups, g.ID) }):
			g.Ingress = append(g.Ingress, rule)
		}
	}
	for i := range d.NetworkACLs {
		n := &d.NetworkACLs[i]
		open := design.NACLRule{Number: 1, Protocol: "all", ToPort: 65535, CIDR: private, Allow: true}
		n.Inbound, n.Outbound = append(n.Inbound, open), append(n.Outbound, open)
	}
	f := fabric(t, d)
	tasks, _ := agree(t, f, d)
	var from, to placedTask
	for _, p := range tasks {
		if p.service.Name == "ledger" && p.eni.VPC == "vpc-pay-us-east-1" {
			from = p
		}
		if p.service.Name == "ledger-db" && p.eni.VPC == "vpc-pay-eu-west-1" {
			to = p
		}
	}
	if from.eni == nil || to.eni == nil {
		t.Fatal("no ledger task in us-east-1 or no ledger-db task in eu-west-1")
	}
	if got := dial(t, from, to, port); got != passed {
		t.Errorf("ledger (us-east-1) -> ledger-db (eu-west-1):%d %s; want it through the peering", port, got)
	}
}
