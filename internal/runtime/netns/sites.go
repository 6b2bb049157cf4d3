//go:build linux

package netns

import (
	"fmt"
	"net/netip"

	"github.com/vishvananda/netlink"

	"github.com/netwright/netwright/internal/design"
)

// On-premises sites. Each is a namespace of its own, the site's network
// as its router sees it: the addresses that stand for its hosts
// (design.Site.Hosts) and its DNS servers, and a port to its Transit
// Gateway for each of its attachments (Direct Connect's, the VPN's).
// What the site sends leaves by the attachment its traffic arrives on
// (Site.EntryAttachment: Direct Connect's when it has one), where the
// gateway routes it with the table associated with that attachment; the
// gateway reaches the site by the attachment its own route table picks
// (a Direct Connect route before a VPN's to the same prefix), both as
// the analyzer walks them. Nothing of the site leaves the machine.

// site is a site in the fabric.
type site struct {
	s  *design.Site
	ns *Namespace
}

// buildSites makes every site's namespace and its ports to its gateway.
func (f *Fabric) buildSites() error {
	for i := range f.d.Sites {
		st := &f.d.Sites[i]
		g := f.tgw(st.TransitGateway)
		if g == nil {
			continue // attached to no gateway the design holds: unreachable
		}
		ns, err := newNamespace(f.run + "-site-" + nsSafe(st.Name))
		if err != nil {
			return err
		}
		f.sites = append(f.sites, &site{s: st, ns: ns})
		for _, kv := range [][2]string{{"net/ipv4/conf/all/rp_filter", "0"}, {"net/ipv4/conf/default/rp_filter", "0"}} {
			if err := ns.sysctl(kv[0], kv[1]); err != nil {
				return fmt.Errorf("site %s: %w", st.Name, err)
			}
		}
		lo, err := ns.nl.LinkByName("lo")
		if err != nil {
			return err
		}
		var addrs []netip.Addr
		addrs = append(addrs, st.Hosts()...)
		if st.DNS != nil {
			addrs = append(addrs, st.DNS.Servers...)
		}
		seen := map[netip.Addr]bool{}
		for _, a := range addrs {
			if seen[a] || !a.Is4() {
				continue
			}
			seen[a] = true
			if err := ns.nl.AddrAdd(lo, &netlink.Addr{IPNet: hostNet(a)}); err != nil {
				return fmt.Errorf("site %s: address %s: %w", st.Name, a, err)
			}
		}
		for _, att := range st.Attachments() {
			p, err := f.link(g.ns, ns, 0)
			if err != nil {
				return fmt.Errorf("site %s: %w", st.Name, err)
			}
			g.ports[portKey{att, 0}] = p
			if att != st.EntryAttachment() {
				continue
			}
			// The site's router: everything not its own to the gateway.
			if err := ns.nl.RouteReplace(&netlink.Route{Dst: prefixNet(netip.MustParsePrefix("0.0.0.0/0")), LinkIndex: p.there.Attrs().Index,
				Gw: p.hereAddr.AsSlice(), Flags: int(netlink.FLAG_ONLINK), Src: st.Hosts()[0].AsSlice()}); err != nil {
				return fmt.Errorf("site %s: route: %w", st.Name, err)
			}
		}
	}
	return nil
}

// Site is a site's namespace, or nil: its hosts' and DNS servers'
// addresses are local there.
func (f *Fabric) Site(name string) *Namespace {
	for _, s := range f.sites {
		if s.s.Name == name {
			return s.ns
		}
	}
	return nil
}
