package design

import (
	"net/netip"
	"slices"

	"github.com/netwright/netwright/internal/portset"
)

// AWS's path semantics, one copy: how a route table, a Transit Gateway
// route table, a security group rule and a NACL decide a packet. The
// verifier (analysis) and the local runtime (runtime/up) both ask these,
// so they cannot disagree on a path.

// RouteFor returns the route a route table takes for addr: the most
// specific route whose destination holds it, local routes included (AWS's
// longest prefix match). Routes to prefix lists (AWS services behind
// gateway endpoints) never match a VPC or internet address. nil when no
// route matches.
func (rt *RouteTable) RouteFor(addr netip.Addr) *Route {
	var best *Route
	for i := range rt.Routes {
		r := &rt.Routes[i]
		if r.DestinationPrefixList != "" || !r.Destination.Contains(addr) {
			continue
		}
		if best == nil || r.Destination.Bits() > best.Destination.Bits() {
			best = r
		}
	}
	return best
}

// RouteTable returns a route table by ID and the VPC it is in, or nils.
func (d *Design) RouteTable(id string) (*VPC, *RouteTable) {
	for i := range d.VPCs {
		v := &d.VPCs[i]
		for j := range v.RouteTables {
			if v.RouteTables[j].ID == id {
				return v, &v.RouteTables[j]
			}
		}
	}
	return nil, nil
}

// Subnet returns a subnet by ID and its VPC, or nils.
func (d *Design) Subnet(id string) (*VPC, *Subnet) {
	for i := range d.VPCs {
		v := &d.VPCs[i]
		for j := range v.Subnets {
			if v.Subnets[j].ID == id {
				return v, &v.Subnets[j]
			}
		}
	}
	return nil, nil
}

// SubnetAt returns the subnet of the VPC whose block holds addr, or nil.
func (v *VPC) SubnetAt(addr netip.Addr) *Subnet {
	for i := range v.Subnets {
		if v.Subnets[i].CIDR.Contains(addr) {
			return &v.Subnets[i]
		}
	}
	return nil
}

// SubnetAt returns the subnet, in any VPC, that holds addr, and its VPC.
func (d *Design) SubnetAt(addr netip.Addr) (*VPC, *Subnet) {
	for i := range d.VPCs {
		if s := d.VPCs[i].SubnetAt(addr); s != nil {
			return &d.VPCs[i], s
		}
	}
	return nil, nil
}

// EdgeTable returns the route table associated with the VPC's internet
// gateway (ingress routing), or nil.
func (v *VPC) EdgeTable() *RouteTable {
	for i := range v.RouteTables {
		if rt := &v.RouteTables[i]; v.InternetGateway != "" && rt.EdgeGateway == v.InternetGateway {
			return rt
		}
	}
	return nil
}

// AttachmentOf returns the Transit Gateway a VPC is attached to and its
// attachment, or nils.
func (d *Design) AttachmentOf(vpc string) (*TransitGateway, *TransitGatewayAttachment) {
	for i := range d.TransitGateways {
		t := &d.TransitGateways[i]
		for j := range t.Attachments {
			if t.Attachments[j].VPC == vpc {
				return t, &t.Attachments[j]
			}
		}
	}
	return nil, nil
}

// RouteFor returns the route a Transit Gateway takes for dst arriving on
// an attachment: the longest match in the route table associated with
// that attachment, a static route before a propagated one to the same
// prefix, and among propagated ones a VPC's, then a Direct Connect
// gateway's, then a VPN's (AWS's route evaluation order), with the table,
// or nils.
func (t *TransitGateway) RouteFor(attachment string, dst netip.Addr) (*TransitGatewayRouteTable, *TransitGatewayRoute) {
	rt, routes := t.RoutesFor(attachment)
	var best *TransitGatewayRoute
	for _, r := range routes {
		if r.Destination.Contains(dst) && (best == nil || r.Destination.Bits() > best.Destination.Bits()) {
			best = r
		}
	}
	return rt, best
}

// RoutesFor returns the route table associated with an attachment and,
// for each destination prefix in it, the route the gateway takes to that
// prefix (a static route before a propagated one, and so on: routeRank),
// in the table's order; nils when no table is associated. RouteFor is the
// longest match among them, so a router that holds them (the local
// runtime's kernel tables) routes as RouteFor does.
func (t *TransitGateway) RoutesFor(attachment string) (*TransitGatewayRouteTable, []*TransitGatewayRoute) {
	for i := range t.RouteTables {
		rt := &t.RouteTables[i]
		if !slices.Contains(rt.Associations, attachment) {
			continue
		}
		var out []*TransitGatewayRoute
		for j := range rt.Routes {
			r := &rt.Routes[j]
			k := slices.IndexFunc(out, func(o *TransitGatewayRoute) bool { return o.Destination.Masked() == r.Destination.Masked() })
			switch {
			case k < 0:
				out = append(out, r)
			case routeRank(r) < routeRank(out[k]):
				out[k] = r
			}
		}
		return rt, out
	}
	return nil, nil
}

// AttachmentEntry is the subnet a Transit Gateway delivers into a VPC
// through: the attachment's subnet in the AZ at position az (a gateway
// keeps traffic in the AZ it came from), else its first; a VPC attachment
// without subnets uses the VPC's transit tier.
func (d *Design) AttachmentEntry(v *VPC, at *TransitGatewayAttachment, az int) *Subnet {
	var entry *Subnet
	if at != nil {
		for _, id := range at.Subnets {
			_, s := d.Subnet(id)
			if s != nil && (entry == nil || s.AZIndex == az) {
				entry = s
			}
		}
	}
	if entry != nil {
		return entry
	}
	for i := range v.Subnets {
		s := &v.Subnets[i]
		if s.Tier == TierTransit && (entry == nil || s.AZIndex == az) {
			entry = s
		}
	}
	return entry
}

// PeerGateway is the Transit Gateway at the other end of a peering
// attachment from gateway from, or nil when id is no peering of it.
func (d *Design) PeerGateway(id, from string) *TransitGateway {
	p := d.Peering(id)
	if p == nil {
		return nil
	}
	switch from {
	case p.Requester:
		return d.TransitGateway(p.Accepter)
	case p.Accepter:
		return d.TransitGateway(p.Requester)
	}
	return nil
}

// Peer is the other end of a connection as a security group rule sees it:
// the groups it carries, its address, and the managed prefix list its
// address is in (VPC Lattice's side of a call), if any.
type Peer struct {
	Groups     []string
	Addr       netip.Addr
	PrefixList string
}

// Names reports whether a security group rule names a peer: by one of its
// groups, a block holding its address, or its prefix list. (A rule naming
// a group admits its members' addresses; AWS-FACTS.md.)
func (r SGRule) Names(p Peer) bool {
	switch {
	case r.PeerGroup != "":
		return slices.Contains(p.Groups, r.PeerGroup)
	case r.PeerPrefixList != "":
		if r.PeerPrefixList == p.PrefixList {
			return true
		}
		for _, c := range r.PrefixListCIDRs {
			if c.Contains(p.Addr) {
				return true
			}
		}
		return false
	case r.PeerCIDR.IsValid():
		return r.PeerCIDR.Contains(p.Addr)
	}
	return false
}

// Carries reports whether a rule's protocol is proto (tcp, udp, icmp or
// another protocol's number), or all.
func (r SGRule) Carries(proto string) bool {
	return r.Protocol == proto || r.Protocol == "-1" || r.Protocol == "all"
}

// PortSet is what a rule that carries proto admits of it: the port range
// for TCP and UDP; for ICMP the ICMP type (FromPort; -1 is every type),
// which netwright's queries carry in place of a port; everything for a
// rule of every protocol, or of a protocol without ports.
func (r SGRule) PortSet(proto string) portset.Set {
	if r.Protocol == "-1" || r.Protocol == "all" {
		return portset.All()
	}
	switch proto {
	case "tcp", "udp":
		return portset.Of(r.FromPort, r.ToPort)
	case "icmp":
		if r.FromPort < 0 {
			return portset.All()
		}
		return portset.Of(r.FromPort, r.FromPort)
	}
	return portset.All()
}

// NACLPorts evaluates ordered NACL rules for one remote address and
// protocol, port by port: the lowest-numbered matching rule decides each
// port, and ports no rule matches are denied (the `*` rule). It returns
// the ports allowed.
func NACLPorts(rules []NACLRule, proto string, remote netip.Addr) portset.Set {
	sorted := slices.Clone(rules)
	slices.SortFunc(sorted, func(a, b NACLRule) int { return a.Number - b.Number })
	remaining, allowed := portset.All(), portset.Set{}
	for _, r := range sorted {
		if r.Protocol != "all" && r.Protocol != proto || !r.CIDR.Contains(remote) {
			continue
		}
		ps := portset.All()
		if r.Protocol == "tcp" || r.Protocol == "udp" {
			ps = portset.Of(r.FromPort, r.ToPort)
		}
		ps = ps.Intersect(remaining)
		if r.Allow {
			allowed = allowed.Union(ps)
		}
		remaining = remaining.Subtract(ps)
	}
	return allowed
}
