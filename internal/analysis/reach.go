// Package analysis verifies a design: exhaustive reachability with AWS
// semantics (security groups, NACLs, route tables, Transit Gateways, NAT,
// load balancer hops), the declared intent checked against it, and the
// production checklist. It reads only the design; it changes nothing and
// prints nothing.
package analysis

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/portset"
)

// ephemeral is the return-traffic range NAT gateways, load balancers and
// clients use: 1024-65535 (AWS-FACTS.md).
var ephemeral = portset.Of(1024, 65535)

// clientAddr stands for a client on the internet.
var clientAddr = netip.MustParseAddr("198.51.100.10")

// EndpointKind says what an end of a flow is.
type EndpointKind string

// Endpoint kinds.
const (
	EndService      EndpointKind = "service"       // a service's tasks
	EndLoadBalancer EndpointKind = "load_balancer" // a load balancer's nodes
	EndInternet     EndpointKind = "internet"      // an address on the internet
	EndLattice      EndpointKind = "lattice"       // VPC Lattice's side of a call
	EndSite         EndpointKind = "onprem"        // an on-premises site's networks
)

// Endpoint is one end of a flow: a service's tasks, a load balancer's
// nodes, the internet, or VPC Lattice.
type Endpoint struct {
	Kind    EndpointKind
	Name    string
	VPC     string
	Subnets []*design.Subnet
	Groups  []string
	// Addr is the internet address, for Kind internet.
	Addr netip.Addr
	// Addrs are a site's addresses, one in each of its blocks, for Kind
	// onprem.
	Addrs []netip.Addr
	// PrefixList is the AWS-managed prefix list the end's addresses are
	// in (VPC Lattice's side of a call), which rules may name.
	PrefixList string
}

// Hop is one setting a packet meets on a path, and its verdict.
type Hop struct {
	Where   string `json:"where"`
	Allowed bool   `json:"allowed"`
	Detail  string `json:"detail"`
}

// Path is what one query found: the ports that pass, and the hops with the
// rules that admitted or blocked the flow.
type Path struct {
	From  string      `json:"from"`
	To    string      `json:"to"`
	Proto string      `json:"protocol"`
	Ports portset.Set `json:"-"`
	// PortsText is Ports written out, for JSON.
	PortsText string `json:"ports"`
	Hops      []Hop  `json:"hops"`
}

// Blocked reports whether no port passes.
func (p Path) Blocked() bool { return p.Ports.IsEmpty() }

// Engine answers reachability questions about one design.
type Engine struct {
	d        *design.Design
	subnets  map[string]*design.Subnet
	subnetOf map[string]string // subnet -> VPC
	nacls    map[string]*design.NetworkACL
	tables   map[string]*design.RouteTable
	groups   map[string]*design.SecurityGroup
	nats     map[string]string // NAT ID -> subnet
	gwlbe    map[string]string // GWLB endpoint ID -> subnet
	attach   map[string]string // attachment ID -> VPC

	walks map[walkKey]walkResult

	intentDone     bool
	intentFindings []Finding
	cells          []Cell
}

// NewEngine indexes a design for queries.
func NewEngine(d *design.Design) *Engine {
	e := &Engine{d: d, subnets: map[string]*design.Subnet{}, subnetOf: map[string]string{}, nacls: map[string]*design.NetworkACL{},
		tables: map[string]*design.RouteTable{}, groups: map[string]*design.SecurityGroup{}, nats: map[string]string{}, gwlbe: map[string]string{}, attach: map[string]string{},
		walks: map[walkKey]walkResult{}}
	for vi := range d.VPCs {
		v := &d.VPCs[vi]
		for si := range v.Subnets {
			e.subnets[v.Subnets[si].ID] = &v.Subnets[si]
			e.subnetOf[v.Subnets[si].ID] = v.ID
		}
		for ri := range v.RouteTables {
			e.tables[v.RouteTables[ri].ID] = &v.RouteTables[ri]
		}
		for _, n := range v.NATGateways {
			e.nats[n.ID] = n.Subnet
		}
	}
	for i := range d.NetworkACLs {
		for _, s := range d.NetworkACLs[i].Subnets {
			e.nacls[s] = &d.NetworkACLs[i]
		}
	}
	for i := range d.SecurityGroups {
		e.groups[d.SecurityGroups[i].ID] = &d.SecurityGroups[i]
	}
	for _, g := range d.GatewayLoadBalancerEndpoints {
		e.gwlbe[g.ID] = g.Subnet
	}
	for _, t := range d.TransitGateways {
		for _, a := range t.Attachments {
			e.attach[a.ID] = a.VPC
		}
	}
	return e
}

// addrOf is the address a subnet's tasks are represented by: the first
// assignable one (the network address plus 4).
func addrOf(s *design.Subnet) netip.Addr {
	a := s.CIDR.Addr()
	for range 4 {
		a = a.Next()
	}
	return a
}

// ServiceEndpoint returns a service's tasks in a VPC.
func (e *Engine) ServiceEndpoint(name, vpc string) (Endpoint, bool) {
	svc := e.d.Service(name)
	if svc == nil {
		return Endpoint{}, false
	}
	for _, pl := range svc.Placements {
		if pl.VPC == vpc || vpc == "" {
			ep := Endpoint{Kind: EndService, Name: name, VPC: pl.VPC, Groups: pl.SecurityGroups}
			for _, s := range pl.Subnets {
				ep.Subnets = append(ep.Subnets, e.subnets[s])
			}
			return ep, true
		}
	}
	return Endpoint{}, false
}

// LBEndpoint returns a load balancer's nodes.
func (e *Engine) LBEndpoint(lb *design.LoadBalancer) Endpoint {
	ep := Endpoint{Kind: EndLoadBalancer, Name: lb.ID, VPC: lb.VPC, Groups: lb.SecurityGroups}
	for _, s := range lb.Subnets {
		ep.Subnets = append(ep.Subnets, e.subnets[s])
	}
	return ep
}

// Internet is a client or server on the internet at addr.
func Internet(addr netip.Addr) Endpoint {
	return Endpoint{Kind: EndInternet, Name: "internet", Addr: addr}
}

// SiteEndpoint returns an on-premises site: an address in each of its
// blocks (the tenth, or the first for blocks smaller than a /28).
func (e *Engine) SiteEndpoint(name string) (Endpoint, bool) {
	st := e.d.Site(name)
	if st == nil {
		return Endpoint{}, false
	}
	ep := Endpoint{Kind: EndSite, Name: design.SiteRef(name)}
	for _, c := range st.CIDRs {
		a := c.Addr().Next()
		if c.Bits() <= 28 {
			for range 9 {
				a = a.Next()
			}
		}
		ep.Addrs = append(ep.Addrs, a)
	}
	return ep, true
}

// outside reports whether an end is outside every VPC (the internet, a
// site): it has no security groups, and NACLs meet it at the first
// subnet it enters or the last it leaves.
func (ep Endpoint) outside() bool { return ep.Kind == EndInternet || ep.Kind == EndSite }

// location is one place a packet is: a subnet, the internet, or a site.
type location struct {
	subnet *design.Subnet
	addr   netip.Addr
	// site is the site the address is in, or "".
	site string
}

func (e *Engine) locations(ep Endpoint) []location {
	if ep.Kind == EndInternet {
		return []location{{addr: ep.Addr}}
	}
	if ep.Kind == EndSite {
		out := make([]location, len(ep.Addrs))
		for i, a := range ep.Addrs {
			out[i] = location{addr: a, site: design.SiteName(ep.Name)}
		}
		return out
	}
	out := make([]location, len(ep.Subnets))
	for i, s := range ep.Subnets {
		out[i] = location{subnet: s, addr: addrOf(s)}
	}
	return out
}

// Query returns the ports on which src can open connections to dst over
// proto, checked for every pair of src and dst subnets (a flow may start
// and end in any AZ), with the hops of the first pair that blocks, or of
// the first pair when none blocks.
func (e *Engine) Query(src, dst Endpoint, proto string, want portset.Set) Path {
	return e.query(src, dst, proto, want, true)
}

// query is Query; with full false it stops at the security groups when
// they admit nothing, which is what most pairs of an all-pairs sweep do,
// and records no hops for them.
func (e *Engine) query(src, dst Endpoint, proto string, want portset.Set, full bool) Path {
	out := Path{From: src.Name, To: dst.Name, Proto: proto, Ports: want}
	if !full {
		if !e.groupsAdmit(src, dst, proto, want) {
			out.Ports = portset.Set{}
			out.PortsText = "none"
			return out
		}
	}
	first := true
	for _, a := range e.locations(src) {
		for _, b := range e.locations(dst) {
			ports, hops := e.pair(src, dst, a, b, proto, want)
			if first || ports.IsEmpty() && !out.Ports.IsEmpty() {
				out.Hops = hops
			}
			first = false
			out.Ports = out.Ports.Intersect(ports)
		}
	}
	out.PortsText = out.Ports.String()
	return out
}

// groupsAdmit is the quick test: do the groups admit any wanted port
// between any subnets of the two ends?
func (e *Engine) groupsAdmit(src, dst Endpoint, proto string, want portset.Set) bool {
	for _, a := range e.locations(src) {
		for _, b := range e.locations(dst) {
			ports := want
			if !src.outside() {
				ports = ports.Intersect(e.groupPortSet(src.Groups, true, proto, dst, b))
			}
			if !dst.outside() && !ports.IsEmpty() {
				ports = ports.Intersect(e.groupPortSet(dst.Groups, false, proto, src, a))
			}
			if !ports.IsEmpty() {
				return true
			}
		}
	}
	return false
}

// pair checks one subnet pair: routes both ways, the groups, and the NACLs
// at every subnet the packets cross, with returns on ephemeral ports.
func (e *Engine) pair(src, dst Endpoint, a, b location, proto string, want portset.Set) (portset.Set, []Hop) {
	ports := want
	var hops []Hop
	blocked := false
	add := func(where string, ok bool, detail string) {
		hops = append(hops, Hop{Where: where, Allowed: ok, Detail: detail})
		blocked = blocked || !ok
	}
	// Routes there and back. Answers from the internet come back through
	// the NAT gateway that translated the request, so the way back starts
	// at its subnet.
	there, okThere, why := e.walk(a, b)
	back := b
	if b.subnet == nil && b.site == "" && okThere {
		nat := e.natOnPath(there)
		if nat == nil {
			okThere, why = false, why+"; no NAT gateway on the path, and a private address cannot reach the internet"
		} else {
			back = location{subnet: nat, addr: addrOf(nat)}
		}
	}
	add("route "+placeName(a)+" to "+placeName(b), okThere, why)
	if okThere {
		_, okBack, whyBack := e.walk(back, a)
		add("route back "+placeName(back)+" to "+placeName(a), okBack, whyBack)
	}

	// Security groups: the source's egress, the destination's ingress.
	if !src.outside() {
		p, detail := e.groupPorts(src.Groups, true, proto, dst, b)
		ports = ports.Intersect(p)
		add("security groups of "+src.Name+" (egress)", !p.Intersect(want).IsEmpty(), detail)
	}
	if !dst.outside() {
		p, detail := e.groupPorts(dst.Groups, false, proto, src, a)
		ports = ports.Intersect(p)
		add("security groups of "+dst.Name+" (ingress)", !p.Intersect(want).IsEmpty(), detail)
	}
	// NACLs at each subnet boundary the packets cross.
	if okThere {
		ports = e.naclPath(there, a.addr, b.addr, a.subnet == nil, b.subnet == nil, proto, want, ports, add)
	}
	if blocked {
		ports = portset.Set{}
	}
	return ports, hops
}

func placeName(l location) string {
	if l.site != "" {
		return design.SiteRef(l.site) + " " + l.addr.String()
	}
	if l.subnet == nil {
		return "internet " + l.addr.String()
	}
	return l.subnet.ID
}

// naclPath applies the NACLs at every subnet boundary the forward path
// crosses: outbound where a packet leaves a subnet toward dst, inbound
// where it enters one from src, and for the answers the other way the
// ephemeral range 1024-65535. NACLs do not filter inside one subnet. A
// path from the internet enters its first subnet from outside; a path to
// the internet leaves its last one.
func (e *Engine) naclPath(visited []*design.Subnet, src, dst netip.Addr, fromInternet, toInternet bool, proto string, want, ports portset.Set, add func(string, bool, string)) portset.Set {
	leave := func(s *design.Subnet) {
		n := e.nacls[s.ID]
		if n == nil {
			return
		}
		out := design.NACLPorts(n.Outbound, proto, dst)
		ports = ports.Intersect(out)
		add(n.ID+" outbound", !out.Intersect(want).IsEmpty(), "allows "+out.String()+" to "+dst.String())
		back := design.NACLPorts(n.Inbound, proto, dst)
		add(n.ID+" inbound answers", back.ContainsSet(ephemeral), "allows "+back.String()+" back from "+dst.String()+"; answers need 1024-65535")
	}
	enter := func(s *design.Subnet) {
		n := e.nacls[s.ID]
		if n == nil {
			return
		}
		in := design.NACLPorts(n.Inbound, proto, src)
		ports = ports.Intersect(in)
		add(n.ID+" inbound", !in.Intersect(want).IsEmpty(), "allows "+in.String()+" from "+src.String())
		back := design.NACLPorts(n.Outbound, proto, src)
		add(n.ID+" outbound answers", back.ContainsSet(ephemeral), "allows "+back.String()+" back to "+src.String()+"; answers need 1024-65535")
	}
	if fromInternet && len(visited) > 0 {
		enter(visited[0])
	}
	for i := 0; i+1 < len(visited); i++ {
		if visited[i].ID == visited[i+1].ID {
			continue
		}
		leave(visited[i])
		enter(visited[i+1])
	}
	if toInternet && len(visited) > 0 {
		leave(visited[len(visited)-1])
	}
	return ports
}

// groupPortSet is groupPorts without the explanation, for sweeps.
func (e *Engine) groupPortSet(groups []string, egress bool, proto string, peer Endpoint, at location) portset.Set {
	ports := portset.Set{}
	for _, gid := range groups {
		g := e.groups[gid]
		if g == nil {
			continue
		}
		rules := g.Ingress
		if egress {
			rules = g.Egress
		}
		for _, r := range rules {
			if !r.Carries(proto) {
				continue
			}
			if r.Names(peerAt(peer, at)) {
				ports = ports.Union(portset.Of(r.FromPort, r.ToPort))
			}
		}
	}
	return ports
}

// peerAt is an end of a connection as a security group rule sees it.
func peerAt(ep Endpoint, at location) design.Peer {
	return design.Peer{Groups: ep.Groups, Addr: at.addr, PrefixList: ep.PrefixList}
}

// groupPorts is the union of the ports the groups' rules in one direction
// admit for the peer, and the rules that admit them.
func (e *Engine) groupPorts(groups []string, egress bool, proto string, peer Endpoint, at location) (portset.Set, string) {
	ports := portset.Set{}
	var admitted []string
	for _, gid := range groups {
		g := e.groups[gid]
		if g == nil {
			continue
		}
		rules := g.Ingress
		if egress {
			rules = g.Egress
		}
		for _, r := range rules {
			if !r.Carries(proto) {
				continue
			}
			if !r.Names(peerAt(peer, at)) {
				continue
			}
			ports = ports.Union(portset.Of(r.FromPort, r.ToPort))
			admitted = append(admitted, fmt.Sprintf("%s %s %s %s (%s)", gid, r.Protocol, r.Ports(), r.Peer(), r.Description))
		}
	}
	if len(admitted) == 0 {
		dir := "ingress from"
		if egress {
			dir = "egress to"
		}
		return ports, fmt.Sprintf("no rule in %s admits %s %s", strings.Join(groups, ", "), dir, peer.Name)
	}
	return ports, "admitted by " + strings.Join(admitted, "; ")
}

type walkKey struct {
	from string
	to   netip.Addr
}

type walkResult struct {
	visited []*design.Subnet
	ok      bool
	why     string
}

// Route follows the route tables from a subnet toward an address and
// returns the subnets the packet visits on the way (GWLB endpoint and
// Transit Gateway attachment subnets included) and whether it arrives: the
// path the local runtime's inspection follows too (runtime/up), asked of
// the same design methods.
func (e *Engine) Route(fromSubnet string, dst netip.Addr) ([]*design.Subnet, bool) {
	from := e.subnets[fromSubnet]
	if from == nil {
		return nil, false
	}
	to := location{addr: dst}
	if v := e.d.VPC(e.subnetOf[fromSubnet]); v != nil {
		_, to.subnet = e.d.SubnetAt(dst)
	}
	visited, ok, _ := e.walk(location{subnet: from, addr: addrOf(from)}, to)
	return visited, ok
}

// walk follows route tables from one location toward another and returns
// the subnets the packet visits, whether it arrives, and the routes taken.
// Results are cached: an all-pairs sweep asks the same few questions often.
func (e *Engine) walk(from, to location) ([]*design.Subnet, bool, string) {
	k := walkKey{to: to.addr}
	switch {
	case from.subnet != nil:
		k.from = from.subnet.ID
	case from.site != "":
		k.from = design.SiteRef(from.site)
	default:
		k.from = "internet"
	}
	if r, ok := e.walks[k]; ok {
		return r.visited, r.ok, r.why
	}
	visited, ok, why := e.walkUncached(from, to)
	e.walks[k] = walkResult{visited, ok, why}
	return visited, ok, why
}

func (e *Engine) walkUncached(from, to location) ([]*design.Subnet, bool, string) {
	var visited []*design.Subnet
	var steps []string
	cur := from.subnet
	if from.site != "" {
		// From a site: into its Transit Gateway over the attachment its
		// traffic arrives on (Direct Connect's when it has one), and on to
		// the VPC the gateway routes the address to.
		st := e.d.Site(from.site)
		tgw := e.d.TransitGateway(st.TransitGateway)
		if tgw == nil {
			return nil, false, design.SiteRef(st.Name) + " is attached to no transit gateway"
		}
		steps = append(steps, design.SiteRef(st.Name)+" over "+st.EntryAttachment())
		next, site, why := e.transitVia(tgw, st.EntryAttachment(), 0, to.addr)
		steps = append(steps, why)
		switch {
		case site != "":
			return nil, false, strings.Join(append(steps, "routes back to "+design.SiteRef(site)), ", ")
		case next == nil:
			return nil, false, strings.Join(steps, ", ")
		}
		cur = next
	} else if from.subnet == nil {
		// From the internet: through the internet gateway, and its edge
		// route table when there is one.
		vpc := e.subnetOf[to.subnet.ID]
		v := e.d.VPC(vpc)
		if v == nil || v.InternetGateway == "" {
			return nil, false, "the VPC has no internet gateway"
		}
		cur := to.subnet
		for _, rt := range v.RouteTables {
			if rt.EdgeGateway == v.InternetGateway {
				if r := rt.RouteFor(to.addr); r != nil && r.TargetKind == design.TargetGWLBEndpoint {
					if s := e.subnets[e.gwlbe[r.Target]]; s != nil {
						steps = append(steps, "edge table "+rt.ID+" sends it to "+r.Target)
						visited = append(visited, s)
					}
				}
			}
		}
		visited = append(visited, cur)
		steps = append(steps, "internet gateway "+v.InternetGateway)
		return visited, true, strings.Join(steps, ", ")
	}
	visited = append(visited, cur)
	for range 16 {
		if to.subnet != nil && cur.ID == to.subnet.ID {
			return visited, true, strings.Join(append(steps, "arrives in "+cur.ID), ", ")
		}
		rt := e.tables[cur.RouteTable]
		if rt == nil {
			return visited, false, fmt.Sprintf("subnet %s has no route table %q", cur.ID, cur.RouteTable)
		}
		r := rt.RouteFor(to.addr)
		if r == nil {
			return visited, false, fmt.Sprintf("%s has no route to %s", rt.ID, to.addr)
		}
		steps = append(steps, fmt.Sprintf("%s: %s via %s", rt.ID, r.Destination, targetName(r)))
		switch r.TargetKind {
		case design.TargetLocal:
			var next *design.Subnet
			if v := e.d.VPC(e.subnetOf[cur.ID]); v != nil {
				next = v.SubnetAt(to.addr)
			}
			if next == nil {
				return visited, false, strings.Join(append(steps, "no subnet holds "+to.addr.String()), ", ")
			}
			cur = next
			visited = append(visited, cur)
		case design.TargetNATGateway:
			s := e.subnets[e.nats[r.Target]]
			if s == nil {
				return visited, false, strings.Join(append(steps, "NAT gateway "+r.Target+" does not exist"), ", ")
			}
			if to.subnet != nil {
				return visited, false, strings.Join(append(steps, "a NAT gateway cannot reach a private address"), ", ")
			}
			cur = s
			visited = append(visited, cur)
		case design.TargetGWLBEndpoint:
			s := e.subnets[e.gwlbe[r.Target]]
			if s == nil {
				return visited, false, strings.Join(append(steps, "GWLB endpoint "+r.Target+" does not exist"), ", ")
			}
			if s.ID == cur.ID {
				return visited, false, strings.Join(append(steps, "loops back to its own endpoint"), ", ")
			}
			cur = s
			visited = append(visited, cur)
		case design.TargetInternetGateway:
			if to.subnet != nil {
				return visited, false, strings.Join(append(steps, "an internet gateway cannot reach a private address"), ", ")
			}
			return visited, true, strings.Join(steps, ", ")
		case design.TargetTransitGateway:
			next, site, why := e.transit(e.subnetOf[cur.ID], cur.AZIndex, to.addr)
			if site != "" {
				steps = append(steps, why)
				if to.site == site {
					return visited, true, strings.Join(append(steps, "arrives at "+design.SiteRef(site)), ", ")
				}
				return visited, false, strings.Join(append(steps, "goes to "+design.SiteRef(site)+", not "+to.addr.String()), ", ")
			}
			if next == nil {
				return visited, false, strings.Join(append(steps, why), ", ")
			}
			steps = append(steps, why)
			cur = next
			visited = append(visited, cur)
		default:
			return visited, false, strings.Join(append(steps, "unknown route target "+r.TargetKind), ", ")
		}
	}
	return visited, false, strings.Join(append(steps, "routing loop"), ", ")
}

func targetName(r *design.Route) string {
	if r.TargetKind == design.TargetLocal {
		return "local"
	}
	return r.Target
}

// natOnPath returns the subnet of the first NAT gateway a path crosses.
func (e *Engine) natOnPath(visited []*design.Subnet) *design.Subnet {
	for _, s := range visited {
		for _, sub := range e.nats {
			if sub == s.ID {
				return s
			}
		}
	}
	return nil
}

// transit follows a packet from a VPC through Transit Gateways (and
// peerings) to the VPC attachment its destination is routed to, and
// enters that VPC through the attachment subnet in the same AZ position;
// or to the site attachment it leaves AWS by, whose site it returns.
func (e *Engine) transit(vpc string, az int, addr netip.Addr) (*design.Subnet, string, string) {
	tgw, a := e.d.AttachmentOf(vpc)
	if tgw == nil {
		return nil, "", "the VPC is attached to no transit gateway"
	}
	return e.transitVia(tgw, a.ID, az, addr)
}

// transitVia is transit for a packet arriving at tgw on attachment.
func (e *Engine) transitVia(tgw *design.TransitGateway, attachment string, az int, addr netip.Addr) (*design.Subnet, string, string) {
	var steps []string
	for range 4 {
		table, best := tgw.RouteFor(attachment, addr)
		if table == nil {
			return nil, "", fmt.Sprintf("attachment %s has no route table on %s", attachment, tgw.ID)
		}
		if best == nil {
			return nil, "", fmt.Sprintf("%s has no route to %s", table.ID, addr)
		}
		steps = append(steps, fmt.Sprintf("%s: %s via %s", table.ID, best.Destination, best.Attachment))
		if _, sa := e.d.SiteAttachment(best.Attachment); sa != nil {
			return nil, sa.Site, strings.Join(steps, ", ")
		}
		if dst, ok := e.attach[best.Attachment]; ok {
			v := e.d.VPC(dst)
			var entry *design.Subnet
			for i := range v.Subnets {
				s := &v.Subnets[i]
				if s.Tier == design.TierTransit && (entry == nil || s.AZIndex == az) {
					entry = s
				}
			}
			if entry == nil {
				return nil, "", strings.Join(append(steps, dst+" has no attachment subnet"), ", ")
			}
			return entry, "", strings.Join(steps, ", ")
		}
		// A peering: continue on the peer's gateway.
		found := false
		for _, p := range e.d.TransitGatewayPeerings {
			if p.ID != best.Attachment {
				continue
			}
			peer := p.Accepter
			if peer == tgw.ID {
				peer = p.Requester
			}
			for i := range e.d.TransitGateways {
				if e.d.TransitGateways[i].ID == peer {
					tgw, attachment, found = &e.d.TransitGateways[i], p.ID, true
				}
			}
		}
		if !found {
			return nil, "", strings.Join(append(steps, "attachment "+best.Attachment+" does not exist"), ", ")
		}
	}
	return nil, "", strings.Join(append(steps, "transit routing loop"), ", ")
}
