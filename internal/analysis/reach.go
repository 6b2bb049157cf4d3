// Package analysis verifies a design: exhaustive reachability with AWS
// semantics (security groups, NACLs, route tables, Transit Gateways, NAT,
// load balancer hops), the declared intent checked against it, and the
// production checklist. It reads only the design; it changes nothing and
// prints nothing.
package analysis

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
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
	// PrefixList is the AWS-managed prefix list the end's addresses are
	// in (VPC Lattice's side of a call), which rules may name.
	PrefixList string
	// Addrs are the end's real addresses, one per subnet, and IDs the
	// AWS resources (interfaces) holding them: an end in an imported
	// network. Without them each subnet's first address stands for the
	// end. For a site (Kind onprem) they are its addresses, one in each
	// of its blocks, with no subnets.
	Addrs []netip.Addr
	IDs   []string
	// Real marks an end of a real network: gateways check its addresses
	// as AWS does (an internet gateway needs a public address paired with
	// a private one, PublicIP).
	Real     bool
	PublicIP netip.Addr
	// NoGroups is an end no security group filters (a Network Load
	// Balancer without groups).
	NoGroups bool
	// Forwarded is a load balancer's nodes sending a connection on from
	// its client's address (NLB client IP preservation, forwardedFrom):
	// the target's answers go back to the node that keeps the flow,
	// whatever the target's routes to the client say.
	Forwarded bool
}

// Hop is one setting a packet meets on a path, and its verdict. A hop
// that blocks says why with Reachability Analyzer's explanation code
// (codes.go) and the AWS resource that blocks.
type Hop struct {
	Where     string `json:"where"`
	Allowed   bool   `json:"allowed"`
	Detail    string `json:"detail"`
	Code      string `json:"code,omitempty"`
	Component string `json:"component,omitempty"`
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
	// Components are the AWS resources the path crosses, in order, for
	// the pair of ends whose hops are kept.
	Components []string `json:"components,omitempty"`
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
	// from is the range exposure (NW150) asks about: the internet unless
	// AnalyzeFrom says otherwise.
	from netip.Prefix

	intentDone     bool
	intentFindings []Finding
	cells          []Cell
}

// NewEngine indexes a design for queries.
func NewEngine(d *design.Design) *Engine {
	e := &Engine{d: d, subnets: map[string]*design.Subnet{}, subnetOf: map[string]string{}, nacls: map[string]*design.NetworkACL{},
		tables: map[string]*design.RouteTable{}, groups: map[string]*design.SecurityGroup{}, nats: map[string]string{}, gwlbe: map[string]string{}, attach: map[string]string{},
		walks: map[walkKey]walkResult{}, from: everywhere}
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
	ep := Endpoint{Kind: EndLoadBalancer, Name: lb.ID, VPC: lb.VPC, Groups: lb.SecurityGroups, NoGroups: noGroups(e.d, lb)}
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
	return Endpoint{Kind: EndSite, Name: design.SiteRef(name), Addrs: st.Hosts()}, true
}

// outside reports whether an end is outside every VPC (the internet, a
// site): it has no security groups, and NACLs meet it at the first
// subnet it enters or the last it leaves.
func (ep Endpoint) outside() bool { return ep.Kind == EndInternet || ep.Kind == EndSite }

// location is one place a packet is: a subnet, the internet, or a site.
type location struct {
	subnet *design.Subnet
	addr   netip.Addr
	// id is the interface at addr, when known.
	id string
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
	out := make([]location, 0, len(ep.Subnets))
	for i, s := range ep.Subnets {
		if s == nil {
			continue
		}
		l := location{subnet: s, addr: addrOf(s)}
		if i < len(ep.Addrs) && ep.Addrs[i].IsValid() {
			l.addr = ep.Addrs[i]
		}
		if i < len(ep.IDs) {
			l.id = ep.IDs[i]
		}
		out = append(out, l)
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
			ports, hops, comps := e.pair(src, dst, a, b, proto, want)
			if first || ports.IsEmpty() && !out.Ports.IsEmpty() {
				out.Hops, out.Components = hops, comps
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
			if !src.outside() && !src.NoGroups {
				ports = ports.Intersect(e.groupPortSet(src.Groups, true, proto, dst, b))
			}
			if !dst.outside() && !dst.NoGroups && !ports.IsEmpty() {
				ports = ports.Intersect(e.groupPortSet(dst.Groups, false, proto, src, a))
			}
			if pol := e.podPolicy(src); pol != nil && !ports.IsEmpty() {
				p, _ := pol.Admits(true, proto, e.policyPeer(dst, b))
				ports = ports.Intersect(p)
			}
			if pol := e.podPolicy(dst); pol != nil && !ports.IsEmpty() {
				p, _ := pol.Admits(false, proto, e.policyPeer(src, a))
				ports = ports.Intersect(p)
			}
			if !ports.IsEmpty() {
				return true
			}
		}
	}
	return false
}

// pair checks one subnet pair: routes both ways, the groups, and the NACLs
// at every subnet the packets cross, with returns on ephemeral ports. It
// returns the ports that pass, the hops, and the AWS resources crossed.
func (e *Engine) pair(src, dst Endpoint, a, b location, proto string, want portset.Set) (portset.Set, []Hop, []string) {
	ports := want
	var hops []Hop
	blocked := false
	add := func(where string, ok bool, detail, code, component string) {
		h := Hop{Where: where, Allowed: ok, Detail: detail}
		if !ok {
			h.Code, h.Component = code, component
		}
		hops = append(hops, h)
		blocked = blocked || !ok
	}
	// Routes there and back. Answers from the internet come back through
	// the NAT gateway that translated the request, so the way back starts
	// at its subnet; an interface with a public address gets them
	// through the internet gateway.
	there := e.walk(a, b)
	if a.subnet == nil && a.site == "" && there.ok && dst.Real && dst.Kind != EndLoadBalancer && !dst.PublicIP.IsValid() {
		there.ok, there.code, there.component = false, CodeIGWPrivateIPIngress, cmp.Or(b.id, dst.Name)
		there.why += "; " + b.addr.String() + " has no public address, and an internet gateway delivers only to the public address of an interface"
	}
	back, backFromInternet := b, false
	if b.subnet == nil && there.ok && there.exit == exitInternet {
		switch {
		case there.nat != nil:
			back = location{subnet: there.nat, addr: addrOf(there.nat)}
		case src.Real && src.PublicIP.IsValid():
			backFromInternet = true
		case src.Real:
			there.ok, there.code, there.component = false, CodeIGWPublicIPEgress, there.igw
			there.why += "; " + a.addr.String() + " has no public address and the path crosses no NAT gateway"
		default:
			there.ok, there.code, there.component = false, CodeIGWPublicIPEgress, there.igw
			there.why += "; no NAT gateway on the path, and a private address cannot reach the internet"
		}
	}
	if there.ok && there.nat != nil && !natProtocols[proto] {
		there.ok, there.code, there.component = false, CodeProtocolRestriction, there.natID
		there.why += "; a NAT gateway translates only TCP, UDP and ICMP, and drops protocol " + proto
	}
	add("route "+placeName(a)+" to "+placeName(b), there.ok, there.why, there.code, there.component)
	var answers *walkResult // the answers' way, when walked
	if there.ok {
		switch {
		case b.site == "" && b.subnet == nil && (there.exit == exitOnPremises || there.exit == exitElsewhere):
			// A network netwright was not shown (on premises, another
			// account's VPC): answers come back the way the packet left.
			add("route back from "+b.addr.String(), true, "answers come back through "+there.gateway, "", "")
		case backFromInternet:
			r := e.walk(location{addr: b.addr}, a)
			answers = &r
			add("route back "+placeName(b)+" to "+placeName(a), r.ok, r.why, r.code, r.component)
		case src.Forwarded:
			add("route back "+placeName(back)+" to "+placeName(a), true,
				"answers return through "+src.Name+", which keeps the flow and the client's address on it (NLB client IP preservation)", "", "")
		default:
			r := e.walk(back, a)
			if r.ok && a.subnet == nil && r.nat != nil && dst.Real {
				// The request came in through the internet gateway; an
				// answer that leaves through a NAT gateway has another
				// source address, and the client drops it.
				r.ok, r.code, r.component = false, CodeNGWSourceReassign, r.natID
				r.why += "; the answer leaves through a NAT gateway, which rewrites its source address, so the client never matches it to its request"
			}
			answers = &r
			add("route back "+placeName(back)+" to "+placeName(a), r.ok, r.why, r.code, r.component)
		}
	}

	// Security groups: the source's egress, the destination's ingress.
	refs := e.groupRefs(src, dst, there)
	if !src.outside() && !src.NoGroups {
		p, detail, code := e.groupPorts(src.Groups, true, proto, dst, b, refs)
		ports = ports.Intersect(p)
		add("security groups of "+src.Name+" (egress)", !p.Intersect(want).IsEmpty(), detail, code, first(src.Groups))
	}
	if !dst.outside() && !dst.NoGroups {
		p, detail, code := e.groupPorts(dst.Groups, false, proto, src, a, refs)
		ports = ports.Intersect(p)
		add("security groups of "+dst.Name+" (ingress)", !p.Intersect(want).IsEmpty(), detail, code, first(dst.Groups))
	}
	// NetworkPolicy at the pods of either end (EKS).
	if pol := e.podPolicy(src); pol != nil {
		p, why := pol.Admits(true, proto, e.policyPeer(dst, b))
		ports = ports.Intersect(p)
		add("network policy of "+src.Name+" (egress)", !p.Intersect(want).IsEmpty(), policyDetail(p, why), "", "")
	}
	if pol := e.podPolicy(dst); pol != nil {
		p, why := pol.Admits(false, proto, e.policyPeer(src, a))
		ports = ports.Intersect(p)
		add("network policy of "+dst.Name+" (ingress)", !p.Intersect(want).IsEmpty(), policyDetail(p, why), "", "")
	}
	// NACLs at each subnet boundary the packets cross.
	if there.ok {
		ports = e.naclPath(there, answers, a.addr, b.addr, a.subnet == nil, b.subnet == nil, proto, want, ports, add)
	}
	if blocked {
		ports = portset.Set{}
	}
	var comps []string
	addComp := func(ids ...string) {
		for _, id := range ids {
			if id != "" && (len(comps) == 0 || comps[len(comps)-1] != id) {
				comps = append(comps, id)
			}
		}
	}
	if a.subnet == nil {
		addComp("internet")
	} else {
		addComp(a.id)
	}
	if !src.NoGroups {
		addComp(src.Groups...)
	}
	if a.subnet != nil {
		addComp(e.naclID(a.subnet))
	}
	addComp(there.path...)
	if !dst.NoGroups {
		addComp(dst.Groups...)
	}
	if b.subnet == nil {
		addComp(cmp.Or(there.gateway, "internet"))
	} else {
		addComp(b.id)
	}
	return ports, hops, comps
}

func first(xs []string) string {
	if len(xs) == 0 {
		return ""
	}
	return xs[0]
}

// naclID returns the ID of the NACL guarding a subnet, or "".
func (e *Engine) naclID(s *design.Subnet) string {
	if n := e.nacls[s.ID]; n != nil {
		return n.ID
	}
	return ""
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
//
// A Transit Gateway's attachment subnets are evaluated as AWS documents
// (AWS-FACTS.md): a packet sent to a gateway passes the sender's subnet's
// outbound rules and the attachment subnet's inbound rules (never its
// outbound ones), and a packet a gateway delivers passes the attachment
// subnet's outbound rules and the receiver's subnet's inbound rules
// (never the attachment subnet's inbound ones), each by the other end's
// address; what a gateway delivers into the attachment subnet itself
// passes no NACL. The answers take the attachment subnets of their own
// AZs, so with the answers' walk (back) they are checked on it.
func (e *Engine) naclPath(w walkResult, back *walkResult, src, dst netip.Addr, fromInternet, toInternet bool, proto string, want, ports portset.Set, add func(string, bool, string, string, string)) portset.Set {
	need, needText := answersNeed(proto)
	// leave checks a subnet's outbound rules for the packet (fwd) and its
	// inbound rules for the answers (ans).
	leave := func(s *design.Subnet, fwd, ans bool) {
		n := e.nacls[s.ID]
		if n == nil {
			return
		}
		if fwd {
			out := design.NACLPorts(n.Outbound, proto, dst)
			ports = ports.Intersect(out)
			add(n.ID+" outbound", !out.Intersect(want).IsEmpty(), "allows "+out.String()+" to "+dst.String(), CodeSubnetACL, n.ID)
		}
		if ans {
			in := design.NACLPorts(n.Inbound, proto, dst)
			add(n.ID+" inbound answers", in.ContainsSet(need), "allows "+in.String()+" back from "+dst.String()+"; answers need "+needText, CodeSubnetACL, n.ID)
		}
	}
	// enter checks a subnet's inbound rules for the packet (fwd) and its
	// outbound rules for the answers (ans).
	enter := func(s *design.Subnet, fwd, ans bool) {
		n := e.nacls[s.ID]
		if n == nil {
			return
		}
		if fwd {
			in := design.NACLPorts(n.Inbound, proto, src)
			ports = ports.Intersect(in)
			add(n.ID+" inbound", !in.Intersect(want).IsEmpty(), "allows "+in.String()+" from "+src.String(), CodeSubnetACL, n.ID)
		}
		if ans {
			out := design.NACLPorts(n.Outbound, proto, src)
			add(n.ID+" outbound answers", out.ContainsSet(need), "allows "+out.String()+" back to "+src.String()+"; answers need "+needText, CodeSubnetACL, n.ID)
		}
	}
	// staysAt reports whether a walk is delivered by a gateway into
	// visited[i], which it does not leave.
	staysAt := func(r *walkResult, i int, toOutside bool) bool {
		last := i+1 == len(r.visited)
		return r.fromTGW[i] && (last && !toOutside || !last && r.visited[i+1].ID == r.visited[i].ID)
	}
	// The answers' own attachment subnets, when they were walked across a
	// gateway: out through one (its inbound rules, from dst), in through
	// another (its outbound rules, to src) unless they stay there.
	answersWalked := back != nil && back.ok && (len(back.toTGW) > 0 || len(back.fromTGW) > 0)
	var deliveredInto map[string]bool // subnets the answers reach from a gateway and stay in
	if answersWalked {
		deliveredInto = map[string]bool{}
		for i, s := range back.visited {
			if t := back.toTGW[i]; t != nil {
				leave(t, false, true)
			}
			if back.fromTGW[i] {
				if staysAt(back, i, false) {
					deliveredInto[s.ID] = true
				} else {
					enter(s, false, true)
				}
			}
		}
	}
	visited := w.visited
	if fromInternet && len(visited) > 0 && !w.fromTGW[0] {
		enter(visited[0], true, true)
	}
	for i, cur := range visited {
		if t := w.toTGW[i]; t != nil {
			// To a gateway through t. The answers come back into cur from
			// a gateway (through nothing when they are delivered into cur).
			if answersWalked {
				leave(cur, true, !deliveredInto[cur.ID])
				enter(t, true, false)
			} else {
				same := t.ID == cur.ID
				leave(cur, true, !same)
				enter(t, true, !same)
			}
			continue // the next subnet visited is where a gateway delivered it
		}
		if staysAt(&w, i, toInternet) {
			// Delivered into its attachment subnet, where it stays: only
			// the answers, sent to the gateway from cur, pass its NACL.
			enter(cur, false, true)
			if !answersWalked {
				leave(cur, false, true)
			}
			continue
		}
		last := i+1 == len(visited)
		if last || visited[i+1].ID == cur.ID {
			continue
		}
		leave(cur, true, !(w.fromTGW[i] && answersWalked))
		enter(visited[i+1], true, true)
	}
	if last := len(visited) - 1; toInternet && last >= 0 && w.toTGW[last] == nil {
		leave(visited[last], true, true)
	}
	return ports
}

// answersNeed is what a NACL must admit of a protocol for the answers
// the other way: TCP and UDP answer on the ephemeral ports 1024-65535;
// ICMP's echo reply is type 0; a protocol without ports needs the
// protocol itself (port 0 stands for it).
func answersNeed(proto string) (portset.Set, string) {
	switch proto {
	case "tcp", "udp":
		return ephemeral, "1024-65535"
	case "icmp":
		return portset.Of(0, 0), "ICMP type 0 (echo reply)"
	}
	return portset.Of(0, 0), "protocol " + proto
}

// natProtocols are the protocols a NAT gateway translates (AWS-FACTS.md).
var natProtocols = map[string]bool{"tcp": true, "udp": true, "icmp": true}

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
				ports = ports.Union(r.PortSet(proto))
			}
		}
	}
	return ports
}

// peerAt is an end of a connection as a security group rule sees it.
func peerAt(ep Endpoint, at location) design.Peer {
	return design.Peer{Groups: ep.Groups, Addr: at.addr, PrefixList: ep.PrefixList}
}

// groupRefs says how rules naming a group of the other end apply on a
// path: within a VPC they do; across a VPC peering in one Region they do
// when both VPCs are known; across a Transit Gateway only inbound rules
// do, and only with security group referencing on (AWS-FACTS.md).
type groupRefs struct {
	egress, ingress bool
	// code is why they do not, as Reachability Analyzer says it.
	code string
}

func (e *Engine) groupRefs(src, dst Endpoint, there walkResult) groupRefs {
	if there.peering && (e.d.VPC(src.VPC) == nil || e.d.VPC(dst.VPC) == nil) {
		// Across a peering to a VPC the files do not show: its groups'
		// members are unknown, so rules naming them admit nothing.
		return groupRefs{code: CodeUnknownPeeredSGs}
	}
	if src.VPC == dst.VPC || src.VPC == "" || dst.VPC == "" {
		return groupRefs{egress: true, ingress: true}
	}
	if there.peering {
		if e.d.VPC(src.VPC) == nil || e.d.VPC(dst.VPC) == nil {
			return groupRefs{code: CodeUnknownPeeredSGs}
		}
		return groupRefs{egress: true, ingress: true}
	}
	if e.d.SharesTransitGateway(src.VPC, dst.VPC) {
		return groupRefs{ingress: true, code: CodeSGReferencingSupport}
	}
	return groupRefs{code: CodeSGReferencingSupport}
}

// groupPorts is the union of the ports the groups' rules in one direction
// admit for the peer, the rules that admit them, and when none does, the
// explanation code.
func (e *Engine) groupPorts(groups []string, egress bool, proto string, peer Endpoint, at location, refs groupRefs) (portset.Set, string, string) {
	ports := portset.Set{}
	var admitted []string
	rules, skippedRef := 0, false
	for _, gid := range groups {
		g := e.groups[gid]
		if g == nil {
			continue
		}
		rs := g.Ingress
		if egress {
			rs = g.Egress
		}
		rules += len(rs)
		for _, r := range rs {
			if !r.Carries(proto) {
				continue
			}
			if r.PeerGroup != "" && refs.code == CodeUnknownPeeredSGs && e.groups[r.PeerGroup] == nil {
				// A group of the unknown peered VPC: it might hold the
				// peer, but Reachability Analyzer (and netwright) cannot
				// say.
				skippedRef = true
				continue
			}
			if !r.Names(peerAt(peer, at)) {
				continue
			}
			if r.PeerGroup != "" && (egress && !refs.egress || !egress && !refs.ingress) {
				skippedRef = true
				continue
			}
			ports = ports.Union(r.PortSet(proto))
			admitted = append(admitted, fmt.Sprintf("%s %s %s %s (%s)", gid, r.Protocol, r.Ports(), r.Peer(), r.Description))
		}
	}
	if len(admitted) == 0 {
		dir := "ingress from"
		if egress {
			dir = "egress to"
		}
		code := CodeENISGRulesMismatch
		detail := fmt.Sprintf("no rule in %s admits %s %s", strings.Join(groups, ", "), dir, peer.Name)
		switch {
		case skippedRef:
			code = refs.code
			detail += "; a rule names the other end's group, which does not apply across this path"
		case rules == 0:
			code = CodeSGHasNoRules
		}
		return ports, detail, code
	}
	return ports, "admitted by " + strings.Join(admitted, "; "), ""
}

type walkKey struct {
	from string
	to   netip.Addr
}

// Where a walk toward an address outside every known subnet leaves AWS.
const (
	exitNone       = iota
	exitInternet   // through an internet gateway
	exitOnPremises // through a virtual private gateway or a VPN or Direct Connect attachment
	exitElsewhere  // into a network netwright was not shown (another account's VPC)
)

// walkResult is what following the route tables found.
type walkResult struct {
	visited []*design.Subnet
	// toTGW maps the index in visited of a subnet the packet left for a
	// Transit Gateway to the attachment subnet it left through (in that
	// subnet's VPC and AZ); fromTGW marks the attachment subnets a gateway
	// delivered it into. AWS evaluates an attachment subnet's NACL only in
	// one direction per leg (naclPath).
	toTGW   map[int]*design.Subnet
	fromTGW map[int]bool
	ok      bool
	why     string
	// code and component say why the walk stops, as Reachability
	// Analyzer says it; empty when it arrives.
	code, component string
	// path is the route tables, gateways and NACLs crossed, in order.
	path []string
	// exit is where a walk to an address outside the network leaves,
	// through gateway (the internet gateway igw).
	exit    int
	gateway string
	igw     string
	// nat is the subnet of the first NAT gateway crossed, natID its ID.
	nat   *design.Subnet
	natID string
	// peering is set when the walk crosses a VPC peering connection.
	peering bool
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
	if s := e.d.SiteAt(dst); s != nil && to.subnet == nil {
		to.site = s.Name
	}
	r := e.walk(location{subnet: from, addr: addrOf(from)}, to)
	return r.visited, r.ok
}

// walk follows route tables from one location toward another and returns
// the subnets the packet visits, whether it arrives, and the routes taken.
// Results are cached: an all-pairs sweep asks the same few questions often.
func (e *Engine) walk(from, to location) walkResult {
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
		return r
	}
	r := e.walkUncached(from, to)
	e.walks[k] = r
	return r
}

// isPrivate reports whether an address is in RFC 1918's private ranges
// or RFC 6598's shared range, which internet gateways neither send to nor
// accept from; the code says which.
func isPrivate(a netip.Addr) (bool, string) {
	for _, p := range rfc1918 {
		if p.Contains(a) {
			return true, "RFC1918"
		}
	}
	if rfc6598.Contains(a) {
		return true, "RFC6598"
	}
	return false, ""
}

var (
	rfc1918 = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("172.16.0.0/12"), netip.MustParsePrefix("192.168.0.0/16")}
	rfc6598 = netip.MustParsePrefix("100.64.0.0/10")
)

func (e *Engine) walkUncached(from, to location) walkResult {
	w := walkResult{}
	var steps []string
	stop := func(code, component, why string) walkResult {
		w.ok, w.code, w.component = false, code, component
		if why != "" {
			steps = append(steps, why)
		}
		w.why = strings.Join(steps, ", ")
		return w
	}
	done := func() walkResult {
		w.ok, w.why = true, strings.Join(steps, ", ")
		return w
	}
	var cur *design.Subnet
	if from.site != "" {
		// From a site: into its Transit Gateway over the attachment its
		// traffic arrives on (Direct Connect's when it has one), and on to
		// the VPC the gateway routes the address to.
		st := e.d.Site(from.site)
		ref := design.SiteRef(from.site)
		tgw := (*design.TransitGateway)(nil)
		if st != nil {
			tgw = e.d.TransitGateway(st.TransitGateway)
		}
		if tgw == nil {
			return stop(CodeNoPath, ref, ref+" is attached to no transit gateway")
		}
		steps = append(steps, ref+" over "+st.EntryAttachment())
		next, res := e.transitVia(tgw, st.EntryAttachment(), nil, to.addr)
		steps = append(steps, res.why)
		w.path = append(w.path, res.path...)
		switch {
		case res.code != "":
			return stop(res.code, res.component, "")
		case res.site != "":
			return stop(CodeNoPossibleDestination, res.gateway, "routes back to "+design.SiteRef(res.site))
		case next == nil:
			return stop(CodeNoPossibleDestination, res.gateway, to.addr.String()+" is in no VPC the gateway reaches")
		}
		cur = e.enter(&w, next)
		w.markFromTGW()
	} else if from.subnet == nil {
		// From the internet: through the internet gateway, and its edge
		// route table when there is one.
		if to.subnet == nil {
			return stop(CodeNoPath, "", "neither end is in the network")
		}
		vpc := e.subnetOf[to.subnet.ID]
		v := e.d.VPC(vpc)
		if v == nil || v.InternetGateway == "" {
			return stop(CodeNoPath, vpc, "the VPC has no internet gateway")
		}
		if private, rfc := isPrivate(from.addr); private && e.d.Imported() {
			return stop("IGW_SOURCE_ADDRESS_NOT_IN_"+rfc+"_INGRESS", v.InternetGateway, "an internet gateway drops packets from "+from.addr.String()+", a private address")
		}
		w.path = append(w.path, v.InternetGateway)
		cur := to.subnet
		for _, rt := range v.RouteTables {
			if rt.EdgeGateway == v.InternetGateway {
				if r := rt.RouteFor(to.addr); r != nil && r.TargetKind == design.TargetGWLBEndpoint {
					if s := e.subnets[e.gwlbe[r.Target]]; s != nil {
						steps = append(steps, "edge table "+rt.ID+" sends it to "+r.Target)
						w.path = append(w.path, rt.ID, r.Target)
						w.visited = append(w.visited, s)
					}
				}
			}
		}
		w.visited = append(w.visited, cur)
		w.path = append(w.path, e.naclID(cur))
		steps = append(steps, "internet gateway "+v.InternetGateway)
		return done()
	}
	if cur == nil {
		cur = from.subnet
		w.visited = append(w.visited, cur)
	}
	for range 16 {
		if to.subnet != nil && cur.ID == to.subnet.ID {
			steps = append(steps, "arrives in "+cur.ID)
			return done()
		}
		rt := e.tables[cur.RouteTable]
		if rt == nil {
			return stop(CodeNoRoute, cur.ID, fmt.Sprintf("subnet %s has no route table %q", cur.ID, cur.RouteTable))
		}
		w.path = append(w.path, rt.ID)
		r := rt.RouteFor(to.addr)
		if r == nil {
			return stop(CodeNoRoute, rt.ID, fmt.Sprintf("%s has no route to %s", rt.ID, to.addr))
		}
		steps = append(steps, fmt.Sprintf("%s: %s via %s", rt.ID, r.Destination, targetName(r)))
		if r.State == design.RouteBlackhole {
			return stop(CodeBadStateRoute, rt.ID, "the route is a blackhole: "+r.Target+" no longer exists")
		}
		if r.TargetKind != design.TargetLocal {
			w.path = append(w.path, r.Target)
		}
		v := e.d.VPC(e.subnetOf[cur.ID])
		switch r.TargetKind {
		case design.TargetLocal:
			var next *design.Subnet
			if v != nil {
				next = v.SubnetAt(to.addr)
			}
			if next == nil {
				return stop(CodeNoPossibleDestination, rt.ID, "no subnet holds "+to.addr.String())
			}
			cur = e.enter(&w, next)
		case design.TargetNATGateway:
			_, nat := e.d.NATGateway(r.Target)
			s := e.subnets[e.nats[r.Target]]
			if nat == nil || s == nil {
				return stop(CodeNoPossibleDestination, r.Target, "NAT gateway "+r.Target+" does not exist")
			}
			if nat.State != "" && nat.State != "available" {
				return stop(CodeBadState, r.Target, "NAT gateway "+r.Target+" is "+nat.State)
			}
			if nat.Private && to.subnet == nil {
				if private, _ := isPrivate(to.addr); !private {
					return stop(CodeIGWPublicIPEgress, r.Target, "NAT gateway "+r.Target+" is private: it has no public address to reach the internet with")
				}
			}
			if to.subnet != nil && !e.d.Imported() {
				// A planned design sends nothing for its own subnets to a
				// NAT gateway: such a path means a local route is missing.
				return stop(CodeNoRoute, rt.ID, "a NAT gateway cannot reach a private address")
			}
			if w.nat == nil {
				w.nat, w.natID = s, nat.ID
			}
			if s.ID == cur.ID {
				return stop(CodeNoPossibleDestination, r.Target, "the NAT gateway's own subnet routes back to it")
			}
			cur = e.enter(&w, s)
		case design.TargetGWLBEndpoint:
			s := e.subnets[e.gwlbe[r.Target]]
			if s == nil {
				return stop(CodeNoPossibleDestination, r.Target, "GWLB endpoint "+r.Target+" does not exist")
			}
			if s.ID == cur.ID {
				return stop(CodeNoPossibleDestination, r.Target, "loops back to its own endpoint")
			}
			cur = e.enter(&w, s)
		case design.TargetInternetGateway:
			if v == nil || r.Target != v.InternetGateway {
				return stop(CodeBadStateAttachment, r.Target, "internet gateway "+r.Target+" is not attached to the VPC")
			}
			if to.subnet != nil {
				return stop("IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS", r.Target, "an internet gateway cannot reach a private address")
			}
			if private, rfc := isPrivate(to.addr); private {
				return stop("IGW_DESTINATION_ADDRESS_NOT_IN_"+rfc+"_EGRESS", r.Target, "an internet gateway cannot reach "+to.addr.String()+", a private address")
			}
			w.exit, w.gateway, w.igw = exitInternet, r.Target, r.Target
			return done()
		case design.TargetTransitGateway:
			next, res := e.transit(e.subnetOf[cur.ID], cur, to.addr)
			if res.code == "" {
				// Out through the attachment's subnet in cur's AZ.
				if _, a := e.d.AttachmentOf(e.subnetOf[cur.ID]); a != nil && v != nil {
					if out := e.d.AttachmentEntry(v, a, cur.AZIndex); out != nil {
						if w.toTGW == nil {
							w.toTGW = map[int]*design.Subnet{}
						}
						w.toTGW[len(w.visited)-1] = out
						w.path = append(w.path, e.naclID(out))
					}
				}
			}
			steps = append(steps, res.why)
			w.path = append(w.path, res.path...)
			if res.code != "" {
				return stop(res.code, res.component, "")
			}
			if next == nil {
				if res.site != "" {
					if to.site == res.site {
						steps = append(steps, "arrives at "+design.SiteRef(res.site))
						w.exit, w.gateway = exitOnPremises, res.gateway
						return done()
					}
					if to.site != "" || !e.d.Imported() {
						return stop(CodeNoPossibleDestination, res.gateway, "goes to "+design.SiteRef(res.site)+", not "+to.addr.String())
					}
				}
				if to.subnet != nil {
					return stop(CodeNoPossibleDestination, res.gateway, to.addr.String()+" is in a known subnet, but the gateway sends it elsewhere")
				}
				w.exit, w.gateway = res.exit, res.gateway
				return done()
			}
			cur = e.enter(&w, next)
			w.markFromTGW()
		case design.TargetVPCPeering:
			next, code, why := e.peer(v, r.Target, to)
			if code != "" {
				return stop(code, r.Target, why)
			}
			steps = append(steps, why)
			w.peering = true
			if next == nil {
				w.exit, w.gateway = exitElsewhere, r.Target
				return done()
			}
			cur = e.enter(&w, next)
		case design.TargetVPNGateway:
			g := e.d.VPNGatewayByID(r.Target)
			if g == nil || v == nil || g.VPC != v.ID {
				return stop(CodeBadStateAttachment, r.Target, "virtual private gateway "+r.Target+" is not attached to the VPC")
			}
			if to.subnet != nil {
				return stop(CodeNoPossibleDestination, r.Target, to.addr.String()+" is in a known subnet; netwright does not follow it through the VPN")
			}
			up := ""
			for _, c := range g.Connections {
				if c.State == "available" && c.TunnelsUp > 0 && up == "" {
					up = c.ID
				}
			}
			if up == "" {
				comp := r.Target
				if len(g.Connections) > 0 {
					comp = g.Connections[0].ID
				}
				return stop(CodeBadStateVPN, comp, "no VPN connection of "+r.Target+" is available with a tunnel up")
			}
			w.path = append(w.path, up)
			w.exit, w.gateway = exitOnPremises, r.Target
			return done()
		case design.TargetNetworkInterface:
			n := e.d.Interface(r.Target)
			if n == nil {
				for _, in := range e.d.Instances {
					if in.ID == r.Target && len(in.Interfaces) > 0 {
						n = e.d.Interface(in.Interfaces[0])
					}
				}
			}
			if n == nil || e.subnets[n.Subnet] == nil {
				return stop(CodeNoPossibleDestination, r.Target, "interface "+r.Target+" is not in the network")
			}
			if n.SourceDestCheck {
				return stop(CodeENISourceDestCheck, n.ID, n.ID+" has source/destination checking on, so it drops packets addressed to others")
			}
			steps = append(steps, "forwarded by "+n.ID)
			s := e.subnets[n.Subnet]
			if s.ID == cur.ID {
				// The appliance forwards with its own subnet's routes.
				w.path = append(w.path, n.ID)
			}
			cur = e.enter(&w, s)
		default:
			return stop(CodeNoPossibleDestination, r.Target, "netwright does not follow routes to "+cmp.Or(r.Target, r.TargetKind))
		}
	}
	return stop(CodeNoPossibleDestination, "", "routing loop")
}

// markFromTGW marks the last subnet visited as one a Transit Gateway
// delivered the packet into.
func (w *walkResult) markFromTGW() {
	if w.fromTGW == nil {
		w.fromTGW = map[int]bool{}
	}
	w.fromTGW[len(w.visited)-1] = true
}

// enter records the packet arriving in a subnet, through its NACL.
func (e *Engine) enter(w *walkResult, s *design.Subnet) *design.Subnet {
	w.visited = append(w.visited, s)
	w.path = append(w.path, e.naclID(s))
	return s
}

// peer follows a route across a VPC peering connection: the packet is
// delivered in the peer VPC only when its destination is in one of the
// blocks the peering carries to it.
func (e *Engine) peer(v *design.VPC, id string, to location) (*design.Subnet, string, string) {
	p := e.d.VPCPeering(id)
	if p == nil {
		return nil, CodeNoPossibleDestination, "VPC peering connection " + id + " is not in the network"
	}
	if p.Status != "active" {
		return nil, CodeBadState, "VPC peering connection " + id + " is " + p.Status
	}
	if v == nil {
		return nil, CodeNoPossibleDestination, "no VPC"
	}
	other, blocks := p.Other(v.ID)
	if other == "" {
		return nil, CodeBadState, id + " does not join " + v.ID
	}
	in := false
	for _, b := range blocks {
		in = in || b.Contains(to.addr)
	}
	if !in {
		return nil, CodePCXAddressInVPC, to.addr.String() + " is not in " + other + "'s blocks; peering is not transitive"
	}
	ov := e.d.VPC(other)
	if ov == nil {
		return nil, "", "across " + id + " to " + other + ", which the network does not include"
	}
	next := ov.SubnetAt(to.addr)
	if next == nil {
		return nil, CodeNoPossibleDestination, "no subnet of " + other + " holds " + to.addr.String()
	}
	return next, "", "across " + id + " to " + other
}

func targetName(r *design.Route) string {
	if r.TargetKind == design.TargetLocal {
		return "local"
	}
	return r.Target
}

// transitResult is what a Transit Gateway did with a packet.
type transitResult struct {
	why, code, component string
	path                 []string
	exit                 int
	gateway              string
	// site is the designed site whose attachment the packet leaves by.
	site string
}

// transit follows a packet through Transit Gateways (and peerings) to the
// VPC attachment its destination is routed to, and enters that VPC
// through the attachment's subnet in the same AZ (or one of the
// attachment subnets when the zone has none); a VPN or Direct Connect
// attachment takes it on premises, and a designed site's attachment to
// that site.
func (e *Engine) transit(vpc string, from *design.Subnet, addr netip.Addr) (*design.Subnet, transitResult) {
	tgw, a := e.d.AttachmentOf(vpc)
	if tgw == nil {
		return nil, transitResult{code: CodeBadStateAttachment, component: vpc, why: "the VPC is attached to no transit gateway"}
	}
	if a.State != "" && a.State != "available" {
		return nil, transitResult{code: CodeBadStateAttachment, component: a.ID, why: "attachment " + a.ID + " is " + a.State}
	}
	if e.d.Imported() && len(a.Subnets) > 0 && !slices.ContainsFunc(a.Subnets, func(id string) bool {
		s := e.subnets[id]
		return s != nil && s.AZ == from.AZ
	}) {
		return nil, transitResult{code: CodeTGWRouteAZ, component: a.ID, why: "attachment " + a.ID + " has no subnet in " + from.AZ + ", so the gateway takes no traffic from there"}
	}
	return e.transitVia(tgw, a.ID, from, addr)
}

// transitVia is transit for a packet arriving at tgw on attachment, from
// subnet from (nil for a packet from a site).
func (e *Engine) transitVia(tgw *design.TransitGateway, attachment string, from *design.Subnet, addr netip.Addr) (*design.Subnet, transitResult) {
	var res transitResult
	var steps []string
	fail := func(code, component, why string) (*design.Subnet, transitResult) {
		res.code, res.component, res.why = code, component, strings.Join(append(steps, why), ", ")
		return nil, res
	}
	res.path = append(res.path, attachment)
	az := 0
	if from != nil {
		az = from.AZIndex
	}
	for range 4 {
		table, best := tgw.RouteFor(attachment, addr)
		if table == nil {
			return fail(CodeTGWAttachNoRTB, attachment, fmt.Sprintf("attachment %s has no route table on %s", attachment, tgw.ID))
		}
		res.path = append(res.path, table.ID)
		if best == nil {
			return fail(CodeNoRoute, table.ID, fmt.Sprintf("%s has no route to %s", table.ID, addr))
		}
		steps = append(steps, fmt.Sprintf("%s: %s via %s", table.ID, best.Destination, cmp.Or(best.Attachment, "blackhole")))
		if best.State == design.RouteBlackhole || best.Attachment == "" {
			return fail(CodeTGWRTBBadStateRoute, table.ID, "the route to "+best.Destination.String()+" is a blackhole")
		}
		res.path = append(res.path, best.Attachment)
		if _, sa := e.d.SiteAttachment(best.Attachment); sa != nil {
			res.exit, res.gateway, res.site, res.why = exitOnPremises, best.Attachment, sa.Site, strings.Join(steps, ", ")
			return nil, res
		}
		var dstAt *design.TransitGatewayAttachment
		for i := range tgw.Attachments {
			if tgw.Attachments[i].ID == best.Attachment {
				dstAt = &tgw.Attachments[i]
			}
		}
		if dstAt != nil && dstAt.State != "" && dstAt.State != "available" {
			if dstAt.ResourceType == "vpn" {
				return fail(CodeTGWBadStateVPN, dstAt.Resource, "VPN attachment "+dstAt.ID+" is "+dstAt.State)
			}
			return fail(CodeBadStateAttachment, dstAt.ID, "attachment "+dstAt.ID+" is "+dstAt.State)
		}
		if dstAt != nil && (dstAt.ResourceType == "vpn" || dstAt.ResourceType == "direct-connect-gateway" || dstAt.ResourceType == "connect") {
			res.exit, res.gateway, res.why = exitOnPremises, dstAt.ID, strings.Join(steps, ", ")
			return nil, res
		}
		if dst, ok := e.attach[best.Attachment]; ok {
			v := e.d.VPC(dst)
			if v == nil {
				res.exit, res.gateway, res.why = exitElsewhere, best.Attachment, strings.Join(append(steps, dst+" is not in the network"), ", ")
				return nil, res
			}
			entry := e.d.AttachmentEntry(v, dstAt, az)
			if entry == nil {
				return fail(CodeNoPossibleDestination, best.Attachment, dst+" has no attachment subnet")
			}
			res.why = strings.Join(steps, ", ")
			return entry, res
		}
		// A peering: continue on the peer's gateway.
		peer := e.d.PeerGateway(best.Attachment, tgw.ID)
		found := peer != nil
		if found {
			tgw, attachment = peer, best.Attachment
		}
		if !found {
			return fail(CodeNoPossibleDestination, best.Attachment, "attachment "+best.Attachment+" does not exist")
		}
	}
	return fail(CodeNoPossibleDestination, tgw.ID, "transit routing loop")
}

// podPolicy returns the NetworkPolicy of an end's pods, or nil for an end
// that is no pod of an EKS workload.
func (e *Engine) podPolicy(end Endpoint) *design.PodPolicy {
	if end.Kind != EndService || e.d.Kubernetes == nil {
		return nil
	}
	if w := e.d.Kubernetes.Workload(end.Name); w != nil {
		return &w.Policy
	}
	return nil
}

// policyPeer is the other end of a connection as a NetworkPolicy sees it:
// a workload's pod, or the address it comes from or goes to.
func (e *Engine) policyPeer(other Endpoint, at location) design.PolicyPeer {
	pp := design.PolicyPeer{Addr: at.addr}
	if other.Kind == EndService && e.d.Kubernetes != nil && e.d.Kubernetes.Workload(other.Name) != nil {
		pp.Workload = other.Name
	}
	return pp
}

func policyDetail(p portset.Set, why []string) string {
	if len(why) == 0 {
		return "no rule admits it (the namespace denies by default)"
	}
	return "allows " + p.String() + ": " + strings.Join(why, "; ")
}
