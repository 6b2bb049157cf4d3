//go:build linux

package netns

import (
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strconv"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/netwright/netwright/internal/design"
)

// Transit Gateways. Each is a namespace of its own that routes as the
// gateway does: a packet arrives on a port, one per attachment and AZ
// (a gateway keeps a flow in the AZ it came from), and the port picks
// the kernel table compiled from the route table associated with the
// attachment (design.TransitGateway.RoutesFor: per prefix the route
// RouteFor prefers, so the kernel's longest prefix match is RouteFor's).
// A route to a VPC attachment leaves by that attachment's port for the
// same AZ, whose other end is in the router, in the device group of the
// subnet design.Design.AttachmentEntry names plus fromTGW: the router
// routes it on with that subnet's table and applies its NACL (its
// outbound rules only; a packet to the gateway meets its inbound ones),
// as the analyzer walks it. A route to a peering leaves by the peering's port
// for the AZ to the peer gateway's namespace; a route to a site's VPN or
// Direct Connect attachment by its port to the site's namespace
// (sites.go).

// transitGateway is a Transit Gateway in the fabric.
type transitGateway struct {
	t     *design.TransitGateway
	ns    *Namespace
	ports map[portKey]*port
}

// portKey names a port: an attachment and the AZ position of the
// traffic it carries (0 for a site's).
type portKey struct {
	attachment string
	az         int
}

// port is one link of a gateway: its end in the gateway's namespace and
// the other end (in the router, the peer gateway's namespace or the
// site's), with the addresses each end routes to.
type port struct {
	here, there         netlink.Link
	hereAddr, thereAddr netip.Addr
}

// Kernel tables in a gateway's namespace: tgwTable plus the port's
// index there.
const tgwTable = 5000

// linkNet is the n-th /30 of the links between namespaces, from
// 169.254.128.0/17 (link-local: no VPC, site or internet address).
func linkNet(n int) (a, b netip.Addr) {
	base := uint32(169)<<24 | uint32(254)<<16 | uint32(128)<<8 + uint32(n)*4
	at := func(v uint32) netip.Addr {
		return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
	}
	return at(base + 1), at(base + 2)
}

// azPositions are the AZ positions of every subnet of the design, and 0.
func azPositions(d *design.Design) []int {
	out := []int{0}
	for _, v := range d.VPCs {
		for _, s := range v.Subnets {
			if !slices.Contains(out, s.AZIndex) {
				out = append(out, s.AZIndex)
			}
		}
	}
	slices.Sort(out)
	return out
}

// buildTransit makes every Transit Gateway's namespace, its ports to the
// router (VPC attachments) and to peer gateways (peerings), and its
// tables.
func (f *Fabric) buildTransit() error {
	azs := azPositions(f.d)
	for i := range f.d.TransitGateways {
		t := &f.d.TransitGateways[i]
		ns, err := newNamespace(f.run + "-" + nsSafe(t.ID))
		if err != nil {
			return err
		}
		g := &transitGateway{t: t, ns: ns, ports: map[portKey]*port{}}
		f.tgws = append(f.tgws, g)
		for _, kv := range [][2]string{{"net/ipv4/ip_forward", "1"}, {"net/ipv4/conf/all/rp_filter", "0"}, {"net/ipv4/conf/default/rp_filter", "0"},
			{"net/ipv4/conf/all/send_redirects", "0"}, {"net/ipv4/conf/default/send_redirects", "0"}} {
			if err := ns.sysctl(kv[0], kv[1]); err != nil {
				return fmt.Errorf("transit gateway %s: %w", t.ID, err)
			}
		}
		for _, a := range t.Attachments {
			v := f.vpcs[a.VPC]
			if v == nil || a.State != "" && a.State != "available" {
				continue // a VPC the design does not hold: its routes drop
			}
			for _, az := range azs {
				entry := f.d.AttachmentEntry(v.v, &a, az)
				if entry == nil {
					continue
				}
				p, err := f.link(ns, f.router, f.subnets[entry.ID].group|fromTGW)
				if err != nil {
					return fmt.Errorf("transit gateway %s, attachment %s: %w", t.ID, a.ID, err)
				}
				g.ports[portKey{a.ID, az}] = p
			}
		}
	}
	for _, pr := range f.d.TransitGatewayPeerings {
		a, b := f.tgw(pr.Requester), f.tgw(pr.Accepter)
		if a == nil || b == nil {
			continue
		}
		for _, az := range azs {
			p, err := f.link(a.ns, b.ns, 0)
			if err != nil {
				return fmt.Errorf("transit gateway peering %s: %w", pr.ID, err)
			}
			a.ports[portKey{pr.ID, az}] = p
			b.ports[portKey{pr.ID, az}] = &port{here: p.there, there: p.here, hereAddr: p.thereAddr, thereAddr: p.hereAddr}
		}
	}
	return nil
}

// tgw returns a gateway of the fabric by ID, or nil.
func (f *Fabric) tgw(id string) *transitGateway {
	for _, g := range f.tgws {
		if g.t.ID == id {
			return g
		}
	}
	return nil
}

// link joins two namespaces with a veth pair whose ends hold the two
// addresses of the next link /30; the far end is in device group group.
func (f *Fabric) link(here, there *Namespace, group uint32) (*port, error) {
	n := int(f.linkNets.Add(1))
	name := "t" + strconv.Itoa(n)
	veth := &netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: name}, PeerName: "t" + strconv.Itoa(n) + "p", PeerNamespace: netlink.NsFd(int(there.h))}
	if err := here.nl.LinkAdd(veth); err != nil {
		return nil, fmt.Errorf("veth: %w", err)
	}
	p := &port{}
	p.hereAddr, p.thereAddr = linkNet(n)
	var err error
	if p.here, err = here.nl.LinkByName(name); err != nil {
		return nil, err
	}
	if p.there, err = there.nl.LinkByName(name + "p"); err != nil {
		return nil, err
	}
	if group != 0 {
		if err := there.nl.LinkSetGroup(p.there, int(group)); err != nil {
			return nil, err
		}
	}
	for _, end := range []struct {
		ns *Namespace
		l  netlink.Link
		a  netip.Addr
	}{{here, p.here, p.hereAddr}, {there, p.there, p.thereAddr}} {
		if err := end.ns.nl.AddrAdd(end.l, &netlink.Addr{IPNet: &net.IPNet{IP: end.a.AsSlice(), Mask: net.CIDRMask(30, 32)}}); err != nil {
			return nil, err
		}
		if err := end.ns.nl.LinkSetUp(end.l); err != nil {
			return nil, err
		}
	}
	for _, end := range []struct {
		ns *Namespace
		l  netlink.Link
	}{{here, p.here}, {there, p.there}} {
		if err := waitUp(end.ns.nl, end.l); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// buildTransitRoutes compiles each gateway's tables: the table of a
// port is the route table associated with its attachment, each route
// leaving by the port of its attachment for the port's AZ.
func (f *Fabric) buildTransitRoutes() error {
	for _, g := range f.tgws {
		keys := make([]portKey, 0, len(g.ports))
		for k := range g.ports {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, func(a, b portKey) int {
			if a.attachment != b.attachment {
				if a.attachment < b.attachment {
					return -1
				}
				return 1
			}
			return a.az - b.az
		})
		for _, k := range keys {
			p := g.ports[k]
			table := tgwTable + p.here.Attrs().Index
			r := netlink.NewRule()
			r.IifName, r.Table, r.Priority = p.here.Attrs().Name, table, rulePrio
			if err := g.ns.nl.RuleAdd(r); err != nil {
				return fmt.Errorf("transit gateway %s: rule for %s: %w", g.t.ID, k.attachment, err)
			}
			_, routes := g.t.RoutesFor(k.attachment)
			for _, rt := range routes {
				route := &netlink.Route{Table: table, Dst: prefixNet(rt.Destination)}
				out := g.ports[portKey{rt.Attachment, k.az}]
				if out == nil {
					out = g.ports[portKey{rt.Attachment, 0}] // a site's
				}
				if out != nil && rt.State != design.RouteBlackhole {
					route.LinkIndex, route.Gw, route.Flags = out.here.Attrs().Index, out.thereAddr.AsSlice(), int(netlink.FLAG_ONLINK)
				} else {
					route.Type = unix.RTN_BLACKHOLE
				}
				if err := g.ns.nl.RouteReplace(route); err != nil {
					return fmt.Errorf("transit gateway %s: route %s: %w", g.t.ID, rt.Destination, err)
				}
			}
		}
	}
	return nil
}

// toTransit is the router's way to a Transit Gateway from a subnet of a
// VPC in AZ position az: the port of the VPC's attachment for that AZ,
// or nil.
func (f *Fabric) toTransit(v *vpc, az int) *port {
	t, a := f.d.AttachmentOf(v.v.ID)
	if t == nil {
		return nil
	}
	g := f.tgw(t.ID)
	if g == nil {
		return nil
	}
	return g.ports[portKey{a.ID, az}]
}
