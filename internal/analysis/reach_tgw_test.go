package analysis

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/plan/plantest"
)

// withDeny gives subnet a NACL of its own, a copy of its current one
// whose rules in one direction deny everything, and returns its ID.
func withDeny(t *testing.T, d *design.Design, subnet string, inbound bool) string {
	t.Helper()
	for i := range d.NetworkACLs {
		n := &d.NetworkACLs[i]
		if !slices.Contains(n.Subnets, subnet) {
			continue
		}
		c := *n
		c.ID, c.Subnets = n.ID+"-deny", []string{subnet}
		deny := []design.NACLRule{{Number: 100, Protocol: "all", ToPort: 65535, CIDR: netip.MustParsePrefix("0.0.0.0/0")}}
		if inbound {
			c.Inbound = deny
		} else {
			c.Outbound = deny
		}
		n.Subnets = slices.DeleteFunc(slices.Clone(n.Subnets), func(s string) bool { return s == subnet })
		d.NetworkACLs = append(d.NetworkACLs, c)
		return c.ID
	}
	t.Fatalf("no NACL holds %s", subnet)
	return ""
}

// TestTransitAttachmentSubnetNACLs: across hub-spoke's Transit Gateway
// (portal -> identity, tcp 8443) AWS evaluates the caller's attachment
// subnet's inbound rules and outbound rules for the answers, and the
// callee's attachment subnet's outbound rules and inbound rules for the
// answers, never the other two (AWS-FACTS.md). A deny in a direction AWS
// evaluates blocks the call with the NACL's explanation code and names
// it; a deny in a direction it does not evaluate changes nothing.
func TestTransitAttachmentSubnetNACLs(t *testing.T) {
	for _, c := range []struct {
		name    string
		subnets []string
		inbound bool
		blocked string // the hop that blocks, or "" for open
	}{
		{"caller's attachment subnet, inbound", []string{"subnet-portal-transit-a", "subnet-portal-transit-b"}, true, " inbound"},
		{"caller's attachment subnet, outbound (the answers)", []string{"subnet-portal-transit-a", "subnet-portal-transit-b"}, false, " outbound answers"},
		{"callee's attachment subnet, outbound", []string{"subnet-portal-shared-transit-a", "subnet-portal-shared-transit-b"}, false, " outbound"},
		{"callee's attachment subnet, inbound (the answers)", []string{"subnet-portal-shared-transit-a", "subnet-portal-shared-transit-b"}, true, " inbound answers"},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := plantest.File(t, "../../examples/hub-spoke.yaml")
			var ids []string
			for _, s := range c.subnets {
				ids = append(ids, withDeny(t, d, s, c.inbound))
			}
			paths, err := NewEngine(d).Reach("portal", "identity", 8443, "tcp")
			if err != nil || len(paths) != 1 {
				t.Fatalf("reach = %v, %v", paths, err)
			}
			p := paths[0]
			if !p.Blocked() {
				t.Fatalf("portal -> identity passes %s through a NACL denying everything %s", p.PortsText, c.name)
			}
			found := false
			for _, h := range p.Hops {
				if !h.Allowed {
					found = found || h.Code == CodeSubnetACL && slices.Contains(ids, h.Component) && strings.HasSuffix(h.Where, c.blocked)
				}
			}
			if !found {
				t.Errorf("no hop %q blocked by %v with %s: %+v", c.blocked, ids, CodeSubnetACL, p.Hops)
			}
		})
	}
	// The directions AWS does not evaluate: an attachment subnet's
	// outbound rules for what is sent to the gateway, its inbound rules
	// for what the gateway delivers. The caller's attachment subnets deny
	// everything to the callee's block, the callee's everything from the
	// caller's: only the packet, not its answers, would meet those rules,
	// and AWS does not evaluate them for it.
	d := plantest.File(t, "../../examples/hub-spoke.yaml")
	deny := func(subnets []string, inbound bool, cidr string) {
		rule := design.NACLRule{Number: 1, Protocol: "all", ToPort: 65535, CIDR: netip.MustParsePrefix(cidr)}
		for i := range d.NetworkACLs {
			n := &d.NetworkACLs[i]
			if slices.Contains(n.Subnets, subnets[0]) {
				if inbound {
					n.Inbound = append([]design.NACLRule{rule}, n.Inbound...)
				} else {
					n.Outbound = append([]design.NACLRule{rule}, n.Outbound...)
				}
			}
		}
	}
	deny([]string{"subnet-portal-transit-a"}, false, d.VPC("vpc-portal-shared").CIDR.String())
	deny([]string{"subnet-portal-shared-transit-a"}, true, d.VPC("vpc-portal").CIDR.String())
	paths, err := NewEngine(d).Reach("portal", "identity", 8443, "tcp")
	if err != nil || len(paths) != 1 || paths[0].Blocked() {
		t.Fatalf("portal -> identity through rules AWS does not evaluate = %+v, %v; want open", paths, err)
	}
}
