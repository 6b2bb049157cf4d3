//go:build linux

package netns

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/nftables"
	"github.com/google/nftables/expr"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/netwright/netwright/internal/design"
)

// Fabric is a design's VPCs built of network namespaces for one run:
//
//   - the VPC router, one namespace for every VPC of the design, which
//     holds each subnet's router address (the block's base + 1) on every
//     interface of the subnet and each VPC's resolver (base + 2); it
//     routes with one kernel table per subnet compiled from the subnet's
//     route table, and filters with nftables (rules.go);
//   - a namespace per network interface: every task (Attach), load
//     balancer node, NAT gateway (which translates sources to its own
//     address) and GWLB endpoint, each joined to the router by a veth
//     pair whose router end is in its subnet's device group;
//   - the internet, a namespace joined to the router by a link per
//     internet gateway, holding the addresses the design's egress
//     destinations stand for and a client address; nothing in it leaves
//     the machine.
//
// No address of the design is added to the host's namespace, nor any
// route to one. Close removes every namespace, and with them every link,
// route and rule.
type Fabric struct {
	d   *design.Design
	run string

	router, internet *Namespace

	mu    sync.Mutex
	nft   *nftables.Conn
	table *nftables.Table
	sets  map[string]*nftables.Set // SG ID -> its members' addresses
	// senders are, by SG ID, the router ends of its members' links.
	senders map[string]*nftables.Set
	groups  map[string]*design.SecurityGroup
	// eniOut and eniIn map an interface (its router end's index) to its
	// groups' chains; logged holds the interfaces that count flows.
	eniOut, eniIn, logged, flows *nftables.Set
	// preserveMarks and nodeAddrs hold the load balancer nodes that
	// preserve their clients' addresses, preserving counts them
	// (preserve.go).
	preserveMarks, nodeAddrs *nftables.Set
	preserving               int
	groupSets                map[string]int // sorted SG IDs -> chain number
	tables                   int            // the rules' generation, in the table's name

	subnets map[string]*subnet
	vpcs    map[string]*vpc
	enis    map[string]*ENI // by name
	// byIndex keeps every interface the run attached by its router end's
	// index, for the flow logs (a detached one's records still name it).
	byIndex map[uint32]*ENI
	links   atomic.Int64 // router-end interface names
	// tgws are the Transit Gateways (transit.go); linkNets numbers the
	// links between namespaces other than interfaces'.
	tgws     []*transitGateway
	linkNets atomic.Int64
	// gwlbNodes are the GWLBs' nodes and gwlbEndpoints the endpoints
	// joined to them, by their option value less one (gwlb.go);
	// goroutines serve them until Close.
	gwlbNodes     []*gwlbNode
	gwlbEndpoints []*gwlbEndpoint
	goroutines    sync.WaitGroup
	eips          *eipTable // eip.go
	sites         []*site   // sites.go
	// lattice is VPC Lattice's namespace and latticeLinks its links to
	// the router, by associated VPC (lattice.go).
	lattice      *Namespace
	latticeLinks map[string]*port
	closed       bool
}

// subnet is a subnet as the router knows it.
type subnet struct {
	s     *design.Subnet
	vpc   *design.VPC
	group uint32 // device group and kernel route table offset
	table *design.RouteTable
}

// vpc is a VPC's place in the fabric.
type vpc struct {
	v        *design.VPC
	resolver netip.Addr
	// igw is the router end of the VPC's internet gateway link, and its
	// index; nil without an internet gateway.
	igw      netlink.Link
	igwIndex int
	nats     map[string]*ENI // by NAT gateway ID
	gwlbes   map[string]*ENI // by GWLB endpoint ID
}

// Kernel route tables: a subnet's is subnetTable plus its group, an
// internet gateway's igwTable plus its index.
const (
	subnetTable = 1000
	igwTable    = 3000
	rulePrio    = 100
)

// New builds the fabric of a design: the router, the internet, NAT
// gateways and GWLB endpoints; tasks and load balancer nodes are
// attached after. It needs CAP_NET_ADMIN and CAP_SYS_ADMIN (root).
func New(d *design.Design, seq int) (f *Fabric, err error) {
	if err := distinctBlocks(d); err != nil {
		return nil, err
	}
	f = &Fabric{d: d, run: runName(os.Getpid(), seq), sets: map[string]*nftables.Set{}, groups: map[string]*design.SecurityGroup{},
		groupSets: map[string]int{}, subnets: map[string]*subnet{}, vpcs: map[string]*vpc{}, enis: map[string]*ENI{}, byIndex: map[uint32]*ENI{}}
	defer func() {
		if err != nil {
			f.Close()
			f = nil
		}
	}()
	if f.router, err = newNamespace(f.run + "-router"); err != nil {
		return f, err
	}
	if f.internet, err = newNamespace(f.run + "-internet"); err != nil {
		return f, err
	}
	for _, kv := range [][2]string{{"net/ipv4/ip_forward", "1"}, {"net/ipv4/conf/all/send_redirects", "0"}, {"net/ipv4/conf/default/send_redirects", "0"},
		{"net/ipv4/conf/all/rp_filter", "0"}, {"net/ipv4/conf/default/rp_filter", "0"}} {
		if err := f.router.sysctl(kv[0], kv[1]); err != nil {
			return f, fmt.Errorf("router: %w", err)
		}
	}
	if err := f.indexDesign(); err != nil {
		return f, err
	}
	if err := f.buildRules(); err != nil {
		return f, err
	}
	if err := f.buildInternet(); err != nil {
		return f, err
	}
	if err := f.buildEIPs(); err != nil {
		return f, err
	}
	for _, v := range d.VPCs {
		for _, n := range v.NATGateways {
			if err := f.addNAT(v.ID, n); err != nil {
				return f, err
			}
		}
	}
	for _, g := range d.GatewayLoadBalancerEndpoints {
		if err := f.addGWLBEndpoint(g); err != nil {
			return f, err
		}
	}
	if err := f.buildGWLBs(); err != nil {
		return f, err
	}
	if err := f.buildTransit(); err != nil {
		return f, err
	}
	if err := f.buildSites(); err != nil {
		return f, err
	}
	if err := f.buildLattice(); err != nil {
		return f, err
	}
	if err := f.buildRoutes(); err != nil {
		return f, err
	}
	if err := f.latticeRoutes(); err != nil {
		return f, err
	}
	if err := f.buildTransitRoutes(); err != nil {
		return f, err
	}
	return f, nil
}

// distinctBlocks refuses designs whose VPCs overlap: the router holds
// every VPC's addresses.
func distinctBlocks(d *design.Design) error {
	var seen []netip.Prefix
	for _, v := range d.VPCs {
		for _, b := range v.Blocks() {
			if !b.Addr().Is4() {
				return fmt.Errorf("VPC %s: block %s is not IPv4", v.ID, b)
			}
			for _, o := range seen {
				if o.Overlaps(b) {
					return fmt.Errorf("VPC %s's block %s overlaps %s: the namespaces hold every VPC's addresses", v.ID, b, o)
				}
			}
			seen = append(seen, b)
		}
	}
	return nil
}

// Run is the run's part of its namespaces' names.
func (f *Fabric) Run() string { return f.run }

// Router is the VPC router's namespace, where each VPC's resolver
// address is local.
func (f *Fabric) Router() *Namespace { return f.router }

// Internet is the internet's namespace.
func (f *Fabric) Internet() *Namespace { return f.internet }

// Resolver is a VPC's DNS address (the Route 53 Resolver's, the VPC
// block's base + 2).
func (f *Fabric) Resolver(vpcID string) netip.Addr {
	if v := f.vpcs[vpcID]; v != nil {
		return v.resolver
	}
	return netip.Addr{}
}

// Resolvers are every VPC's DNS address, in the design's order.
func (f *Fabric) Resolvers() []netip.Addr {
	var out []netip.Addr
	for _, v := range f.d.VPCs {
		out = append(out, f.vpcs[v.ID].resolver)
	}
	return out
}

func (f *Fabric) indexDesign() error {
	for i := range f.d.SecurityGroups {
		f.groups[f.d.SecurityGroups[i].ID] = &f.d.SecurityGroups[i]
	}
	g := uint32(0)
	for vi := range f.d.VPCs {
		v := &f.d.VPCs[vi]
		f.vpcs[v.ID] = &vpc{v: v, resolver: plus(v.CIDR.Masked().Addr(), 2), nats: map[string]*ENI{}, gwlbes: map[string]*ENI{}}
		for si := range v.Subnets {
			s := &v.Subnets[si]
			g++
			if g >= fromTGW {
				return fmt.Errorf("the design has more than %d subnets", fromTGW-1)
			}
			sn := &subnet{s: s, vpc: v, group: g}
			_, sn.table = f.d.RouteTable(s.RouteTable)
			f.subnets[s.ID] = sn
		}
	}
	// Each VPC's resolver is local to the router.
	lo, err := f.router.nl.LinkByName("lo")
	if err != nil {
		return err
	}
	for _, v := range f.vpcs {
		if err := f.router.nl.AddrAdd(lo, &netlink.Addr{IPNet: hostNet(v.resolver)}); err != nil {
			return fmt.Errorf("resolver %s: %w", v.resolver, err)
		}
	}
	return nil
}

func hostNet(a netip.Addr) *net.IPNet {
	return &net.IPNet{IP: a.AsSlice(), Mask: net.CIDRMask(32, 32)}
}

func prefixNet(p netip.Prefix) *net.IPNet {
	p = p.Masked()
	return &net.IPNet{IP: p.Addr().AsSlice(), Mask: net.CIDRMask(p.Bits(), 32)}
}

// buildRules makes the router's nftables table (rules.go): the sets, the
// chains of every subnet's NACL, and the forward chain.
func (f *Fabric) buildRules() error {
	if f.nft == nil {
		c, err := f.router.nftConn()
		if err != nil {
			return fmt.Errorf("nftables in the router: %w", err)
		}
		f.nft = c
	}
	c := f.nft
	var err error
	f.sets, f.groupSets = map[string]*nftables.Set{}, map[string]int{}
	f.tables++
	f.table = c.AddTable(&nftables.Table{Family: nftables.TableFamilyIPv4, Name: "netwright" + strconv.Itoa(f.tables)})
	addSet := func(s *nftables.Set) *nftables.Set {
		s.Table = f.table
		if err == nil {
			err = c.AddSet(s, nil)
		}
		return s
	}
	f.senders = map[string]*nftables.Set{}
	for _, sg := range f.d.SecurityGroups {
		f.senders[sg.ID] = addSet(&nftables.Set{Name: "i" + strconv.Itoa(len(f.sets)), KeyType: nftables.TypeIFIndex, Comment: sg.ID})
		f.sets[sg.ID] = addSet(&nftables.Set{Name: "g" + strconv.Itoa(len(f.sets)), KeyType: nftables.TypeIPAddr, Comment: sg.ID})
	}
	f.eniOut = addSet(&nftables.Set{Name: "eni_out", KeyType: nftables.TypeIFIndex, DataType: nftables.TypeVerdict, IsMap: true})
	f.eniIn = addSet(&nftables.Set{Name: "eni_in", KeyType: nftables.TypeIFIndex, DataType: nftables.TypeVerdict, IsMap: true})
	f.logged = addSet(&nftables.Set{Name: "logged", KeyType: nftables.TypeIFIndex})
	f.flows = addSet(&nftables.Set{Name: "flows", KeyType: flowKeyType(), Dynamic: true, Counter: true, Size: 65535})
	f.preserveSets(addSet)
	leave := addSet(&nftables.Set{Name: "leave", KeyType: nftables.TypeDevGroup, DataType: nftables.TypeVerdict, IsMap: true})
	enter := addSet(&nftables.Set{Name: "enter", KeyType: nftables.TypeDevGroup, DataType: nftables.TypeVerdict, IsMap: true})
	if err != nil {
		return fmt.Errorf("nftables sets: %w", err)
	}
	chain := func(name string, rules [][]expr.Any) *nftables.Chain {
		ch := c.AddChain(&nftables.Chain{Name: name, Table: f.table})
		for _, r := range rules {
			c.AddRule(&nftables.Rule{Table: f.table, Chain: ch, Exprs: r})
		}
		return ch
	}
	// A packet refused at the interface it leaves (egress) or enters
	// (ingress) is counted there, then dropped.
	rejectOut := append(countFlow(f.flows, f.logged, true, codeReject), []expr.Any{drop()})
	rejectIn := append(countFlow(f.flows, f.logged, false, codeReject|codeIngress), []expr.Any{drop()})
	chain("reject_out", rejectOut)
	chain("reject_in", rejectIn)
	toRejectOut := []expr.Any{verdict(expr.VerdictGoto, "reject_out")}
	toRejectIn := []expr.Any{verdict(expr.VerdictGoto, "reject_in")}

	nacls := map[string]*design.NetworkACL{}
	for i := range f.d.NetworkACLs {
		for _, s := range f.d.NetworkACLs[i].Subnets {
			nacls[s] = &f.d.NetworkACLs[i]
		}
	}
	var leaveElems, enterElems []nftables.SetElement
	for _, v := range f.d.VPCs {
		for _, s := range v.Subnets {
			sn := f.subnets[s.ID]
			n := nacls[s.ID]
			g := strconv.Itoa(int(sn.group))
			// Leaving s: no NACL within the subnet.
			out := [][]expr.Any{append(matchGroup(false, sn.group), ret())}
			in := [][]expr.Any{append(matchGroup(true, sn.group), ret()), append(matchGroup(true, sn.group|fromTGW), ret())}
			if n != nil {
				out = append(out, naclRules(n.Outbound, false, toRejectOut)...)
				in = append(in, naclRules(n.Inbound, true, toRejectIn)...)
			} else {
				out, in = out[:1], in[:2] // no NACL: everything passes
			}
			chain(chainName("leave", g), out)
			chain(chainName("enter", g), in)
			if n != nil {
				// s as a Transit Gateway's attachment subnet, as AWS
				// evaluates its NACL (AWS-FACTS.md): a packet the gateway
				// delivers through s passes its outbound rules unless it
				// stays in s, never its inbound ones; a packet sent to the
				// gateway through s passes its inbound rules, never its
				// outbound ones (the sender's subnet's outbound rules
				// apply as it leaves that subnet).
				leaveElems = append(leaveElems, nftables.SetElement{Key: ne32(sn.group | fromTGW), VerdictData: &expr.Verdict{Kind: expr.VerdictJump, Chain: chainName("leave", g)}})
				chain(chainName("totgw", g), naclRules(n.Inbound, true, toRejectIn))
				enterElems = append(enterElems, nftables.SetElement{Key: ne32(sn.group | fromTGW), VerdictData: &expr.Verdict{Kind: expr.VerdictJump, Chain: chainName("totgw", g)}})
			}
			// A batch's answers must fit the socket's buffer: send each
			// subnet's chains on their own.
			if err := c.Flush(); err != nil {
				return fmt.Errorf("nftables NACL rules of %s: %w", s.ID, err)
			}
			leaveElems = append(leaveElems, nftables.SetElement{Key: ne32(sn.group), VerdictData: &expr.Verdict{Kind: expr.VerdictJump, Chain: chainName("leave", g)}})
			enterElems = append(enterElems, nftables.SetElement{Key: ne32(sn.group), VerdictData: &expr.Verdict{Kind: expr.VerdictJump, Chain: chainName("enter", g)}})
		}
	}
	if err := c.SetAddElements(leave, leaveElems); err != nil {
		return err
	}
	if err := c.SetAddElements(enter, enterElems); err != nil {
		return err
	}
	// Routing by subnet: the kernel picks a subnet's table by the mark,
	// which is the device group of the interface a packet came in on.
	pre := c.AddChain(&nftables.Chain{Name: "prerouting", Table: f.table, Type: nftables.ChainTypeFilter,
		Hooknum: nftables.ChainHookPrerouting, Priority: nftables.ChainPriorityMangle})
	c.AddRule(&nftables.Rule{Table: f.table, Chain: pre, Exprs: []expr.Any{
		metaLoad(expr.MetaKeyIIFGROUP, 1), &expr.Meta{Key: expr.MetaKeyMARK, SourceRegister: true, Register: 1}}})
	for _, r := range f.preserveRules() {
		c.AddRule(&nftables.Rule{Table: f.table, Chain: pre, Exprs: r})
	}

	policy := nftables.ChainPolicyAccept
	fwd := c.AddChain(&nftables.Chain{Name: "forward", Table: f.table, Type: nftables.ChainTypeFilter,
		Hooknum: nftables.ChainHookForward, Priority: nftables.ChainPriorityFilter, Policy: &policy})
	rule := func(e ...expr.Any) { c.AddRule(&nftables.Rule{Table: f.table, Chain: fwd, Exprs: e}) }
	lookupMap := func(in bool, byGroup bool, s *nftables.Set) []expr.Any {
		k := expr.MetaKeyOIF
		switch {
		case in && byGroup:
			k = expr.MetaKeyIIFGROUP
		case byGroup:
			k = expr.MetaKeyOIFGROUP
		case in:
			k = expr.MetaKeyIIF
		}
		return []expr.Any{metaLoad(k, 1), &expr.Lookup{SourceRegister: 1, SetName: s.Name, SetID: s.ID, DestRegister: 0, IsDestRegSet: true}}
	}
	// Leaving: the NACL, then the groups, then the count.
	rule(lookupMap(true, true, leave)...)
	rule(append(notTracked(), lookupMap(true, false, f.eniOut)...)...)
	for _, r := range countFlow(f.flows, f.logged, true, 0) {
		rule(r...)
	}
	// Entering.
	rule(lookupMap(false, true, enter)...)
	rule(append(notTracked(), lookupMap(false, false, f.eniIn)...)...)
	for _, r := range countFlow(f.flows, f.logged, false, codeIngress) {
		rule(r...)
	}
	rule(accept())
	if err := c.Flush(); err != nil {
		return fmt.Errorf("nftables rules: %w", err)
	}
	if f.tables > 1 {
		return nil // the route rules are there from the first table
	}
	// The subnets' route tables, chosen by mark.
	for _, sn := range f.subnets {
		for _, g := range []uint32{sn.group, sn.group | fromTGW} {
			r := netlink.NewRule()
			r.Mark, r.Table, r.Priority = g, subnetTable+int(sn.group), rulePrio
			if err := f.router.nl.RuleAdd(r); err != nil {
				return fmt.Errorf("route rule for %s: %w", sn.s.ID, err)
			}
		}
	}
	return nil
}

// Update compiles a reloaded design's security groups and NACLs into a
// new table, puts every attached interface under it, then removes the
// old one: while both are there a packet must pass both. The VPCs'
// layout (blocks, subnets, route tables, gateways and endpoints) cannot
// change under running namespaces: a design that changes it is refused.
func (f *Fabric) Update(d *design.Design) error {
	if err := sameLayout(f.d, d); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return errors.New("the fabric is closed")
	}
	old := f.table
	f.d = d
	f.groups = map[string]*design.SecurityGroup{}
	for i := range d.SecurityGroups {
		f.groups[d.SecurityGroups[i].ID] = &d.SecurityGroups[i]
	}
	if err := f.buildRules(); err != nil {
		return err
	}
	for _, e := range f.enis {
		if err := f.addToRules(e); err != nil {
			return err
		}
	}
	f.nft.DelTable(old)
	return f.nft.Flush()
}

// sameLayout refuses a design whose VPCs' layout differs from the
// running one's.
func sameLayout(a, b *design.Design) error {
	layout := func(d *design.Design) string {
		var sb strings.Builder
		for _, v := range d.VPCs {
			fmt.Fprintln(&sb, v.ID, v.Blocks(), v.InternetGateway, v.NATGateways)
			for _, s := range v.Subnets {
				fmt.Fprintln(&sb, s.ID, s.CIDR, s.RouteTable)
			}
			for _, rt := range v.RouteTables {
				fmt.Fprintln(&sb, rt.ID, rt.EdgeGateway, rt.Routes)
			}
		}
		fmt.Fprintln(&sb, d.GatewayLoadBalancerEndpoints, d.TransitGateways)
		fmt.Fprintln(&sb, latticeLayout(d))
		return sb.String()
	}
	if layout(a) != layout(b) {
		return errors.New("the VPCs' layout changed (blocks, subnets, routes, gateways or VPC Lattice's associations): restart netwright up to run it with --isolation netns")
	}
	return nil
}

// groupChains returns the number of the chains for a set of groups,
// made on first use: gs<n>_out and gs<n>_in, the union of the groups'
// egress and ingress rules. The caller holds f.mu.
func (f *Fabric) groupChains(ids []string) (int, error) {
	key := strings.Join(ids, ",")
	if n, ok := f.groupSets[key]; ok {
		return n, nil
	}
	n := len(f.groupSets)
	var gs []*design.SecurityGroup
	for _, id := range ids {
		if g := f.groups[id]; g != nil {
			gs = append(gs, g)
		}
	}
	members := func(id string) *nftables.Set { return f.sets[id] }
	senders := func(id string) *nftables.Set { return f.senders[id] }
	for _, egress := range []bool{true, false} {
		name, deny := chainName("gs"+strconv.Itoa(n), "in"), "reject_in"
		if egress {
			name, deny = chainName("gs"+strconv.Itoa(n), "out"), "reject_out"
		}
		ch := f.nft.AddChain(&nftables.Chain{Name: name, Table: f.table})
		for _, r := range sgRules(gs, egress, members, senders, []expr.Any{verdict(expr.VerdictGoto, deny)}) {
			f.nft.AddRule(&nftables.Rule{Table: f.table, Chain: ch, Exprs: r})
		}
	}
	if err := f.nft.Flush(); err != nil {
		return 0, fmt.Errorf("security group rules: %w", err)
	}
	f.groupSets[key] = n
	return n, nil
}

// buildInternet joins the internet to the router, one link per internet
// gateway, and gives it the addresses of the design's egress
// destinations and the client's.
func (f *Fabric) buildInternet() error {
	lo, err := f.internet.nl.LinkByName("lo")
	if err != nil {
		return err
	}
	// CloudFront's edge connects to its origins from its address, which
	// is there whether or not the design has a distribution yet (a reload
	// may add one).
	for _, a := range append(EgressAddrs(f.d), ClientAddr, design.CloudFrontOriginAddr) {
		if err := f.internet.nl.AddrAdd(lo, &netlink.Addr{IPNet: hostNet(a)}); err != nil {
			return fmt.Errorf("internet address %s: %w", a, err)
		}
	}
	k := 0
	for _, v := range f.d.VPCs {
		if v.InternetGateway == "" {
			continue
		}
		k++
		name := "i" + strconv.Itoa(k)
		veth := &netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: name, Group: igwGroup | uint32(k)}, PeerName: "g" + strconv.Itoa(k),
			PeerNamespace: netlink.NsFd(int(f.internet.h))}
		if err := f.router.nl.LinkAdd(veth); err != nil {
			return fmt.Errorf("internet gateway %s: %w", v.InternetGateway, err)
		}
		link, err := f.router.nl.LinkByName(name)
		if err != nil {
			return err
		}
		peer, err := f.internet.nl.LinkByName("g" + strconv.Itoa(k))
		if err != nil {
			return err
		}
		if err := f.router.nl.AddrAdd(link, &netlink.Addr{IPNet: &net.IPNet{IP: igwRouter(k).AsSlice(), Mask: net.CIDRMask(30, 32)}}); err != nil {
			return err
		}
		if err := f.internet.nl.AddrAdd(peer, &netlink.Addr{IPNet: &net.IPNet{IP: igwInternet(k).AsSlice(), Mask: net.CIDRMask(30, 32)}}); err != nil {
			return err
		}
		for _, l := range []struct {
			h *netlink.Handle
			l netlink.Link
		}{{f.router.nl, link}, {f.internet.nl, peer}} {
			if err := l.h.LinkSetUp(l.l); err != nil {
				return err
			}
		}
		vp := f.vpcs[v.ID]
		vp.igw, vp.igwIndex = link, k
		r := netlink.NewRule()
		r.Mark, r.Table, r.Priority = igwGroup|uint32(k), igwTable+k, rulePrio
		if err := f.router.nl.RuleAdd(r); err != nil {
			return err
		}
		// From the internet, the edge table's routes (buildRoutes).
	}
	return nil
}

// The link addresses of internet gateway k.
func igwRouter(k int) netip.Addr   { return netip.AddrFrom4([4]byte{169, 254, byte(k), 1}) }
func igwInternet(k int) netip.Addr { return netip.AddrFrom4([4]byte{169, 254, byte(k), 2}) }

// addNAT makes a NAT gateway: an interface in its subnet (the subnet's
// last usable address but one) that translates what it forwards to its
// own address.
func (f *Fabric) addNAT(vpcID string, n design.NATGateway) error {
	sn := f.subnets[n.Subnet]
	if sn == nil {
		return fmt.Errorf("NAT gateway %s: no subnet %s", n.ID, n.Subnet)
	}
	addr := plus(LastUsable(sn.s.CIDR), ^uint32(0)) // last usable - 1
	e, err := f.attach(Attachment{Owner: n.ID, Subnet: n.Subnet, Addr: addr, Exposed: true, Public: n.PublicIP}, true)
	if err != nil {
		return fmt.Errorf("NAT gateway %s: %w", n.ID, err)
	}
	f.vpcs[vpcID].nats[n.ID] = e
	c, err := e.NS.nftConn()
	if err != nil {
		return err
	}
	defer c.CloseLasting()
	t := c.AddTable(&nftables.Table{Family: nftables.TableFamilyIPv4, Name: "nat"})
	ch := c.AddChain(&nftables.Chain{Name: "postrouting", Table: t, Type: nftables.ChainTypeNAT,
		Hooknum: nftables.ChainHookPostrouting, Priority: nftables.ChainPriorityNATSource})
	a := addr.As4()
	c.AddRule(&nftables.Rule{Table: t, Chain: ch, Exprs: []expr.Any{
		&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseNetworkHeader, Offset: 12, Len: 4},
		&expr.Cmp{Op: expr.CmpOpNeq, Register: 1, Data: a[:]},
		&expr.Masq{},
	}})
	if err := c.Flush(); err != nil {
		return fmt.Errorf("NAT gateway %s: %w", n.ID, err)
	}
	return nil
}

// addGWLBEndpoint makes a GWLB endpoint: an interface in its subnet (the
// last usable address but two) that hands every packet back to the
// router, which routes it on with the endpoint subnet's table. The
// appliances behind it are not in this path (see the package doc).
func (f *Fabric) addGWLBEndpoint(g design.GatewayLoadBalancerEndpoint) error {
	sn := f.subnets[g.Subnet]
	if sn == nil {
		return fmt.Errorf("GWLB endpoint %s: no subnet %s", g.ID, g.Subnet)
	}
	addr := plus(LastUsable(sn.s.CIDR), ^uint32(1)) // last usable - 2
	e, err := f.attach(Attachment{Owner: g.ID, Subnet: g.Subnet, Addr: addr}, true)
	if err != nil {
		return fmt.Errorf("GWLB endpoint %s: %w", g.ID, err)
	}
	f.vpcs[sn.vpc.ID].gwlbes[g.ID] = e
	return nil
}

// buildRoutes compiles every subnet's route table into its kernel table,
// and each internet gateway's edge table into the gateway's, what
// arrives from the internet is routed by. It runs once the NAT gateways,
// GWLB endpoints and Transit Gateway ports the routes go to are there: a
// route to one that is not yet is compiled as a blackhole.
func (f *Fabric) buildRoutes() error {
	for _, sn := range f.subnets {
		if sn.table == nil {
			continue
		}
		if err := f.compileTable(subnetTable+int(sn.group), f.vpcs[sn.vpc.ID], sn.table, sn.s.AZIndex); err != nil {
			return fmt.Errorf("subnet %s: %w", sn.s.ID, err)
		}
	}
	for _, v := range f.d.VPCs {
		vp := f.vpcs[v.ID]
		edge := v.EdgeTable()
		if vp == nil || vp.igw == nil || edge == nil {
			continue
		}
		if err := f.compileTable(igwTable+vp.igwIndex, vp, edge, 0); err != nil {
			return fmt.Errorf("edge route table %s: %w", edge.ID, err)
		}
	}
	return nil
}

// compileTable writes a design route table's routes other than to
// interfaces into kernel table id: a local route's block is a blackhole
// (an address no interface holds is dropped, as in the VPC), and each
// interface the table's local route reaches gets a host route when it is
// attached (hostRoutes); a route to a gateway, NAT gateway or endpoint
// goes to its link, and one to a Transit Gateway to the port of the
// VPC's attachment for the subnet's AZ (az; transit.go). The kernel's
// longest prefix match then picks what RouteTable.RouteFor picks. Routes
// to gateway endpoints (prefix lists), VPC peerings and anything the
// fabric does not hold are blackholes.
func (f *Fabric) compileTable(id int, v *vpc, rt *design.RouteTable, az int) error {
	for _, r := range rt.Routes {
		if r.DestinationPrefixList != "" {
			continue
		}
		route := &netlink.Route{Table: id, Dst: prefixNet(r.Destination)}
		var via *ENI
		switch r.TargetKind {
		case design.TargetInternetGateway:
			if v.igw != nil && r.Target == v.v.InternetGateway {
				route.LinkIndex, route.Gw, route.Flags = v.igw.Attrs().Index, igwInternet(v.igwIndex).AsSlice(), int(netlink.FLAG_ONLINK)
			}
		case design.TargetNATGateway:
			via = v.nats[r.Target]
		case design.TargetGWLBEndpoint:
			via = v.gwlbes[r.Target]
		case design.TargetTransitGateway:
			if p := f.toTransit(v, az); p != nil {
				route.LinkIndex, route.Gw, route.Flags = p.there.Attrs().Index, p.hereAddr.AsSlice(), int(netlink.FLAG_ONLINK)
			}
		}
		if via != nil {
			route.LinkIndex, route.Gw, route.Flags = via.link.Attrs().Index, via.Addr.AsSlice(), int(netlink.FLAG_ONLINK)
		}
		if route.LinkIndex == 0 {
			route.Type = unix.RTN_BLACKHOLE
		}
		if err := f.router.nl.RouteReplace(route); err != nil {
			return fmt.Errorf("route %s in table %d: %w", r.Destination, id, err)
		}
	}
	return nil
}

// Attach gives a task (or a load balancer node) a namespace of its own
// holding its address in its subnet: a veth pair to the router, the
// subnet's router as its default gateway, the VPC's resolver, its
// groups' rules on its interface, and its address in every group it
// carries, so rules that name them admit it at once.
func (f *Fabric) Attach(a Attachment) (*ENI, error) { return f.attach(a, false) }

func (f *Fabric) attach(a Attachment, forwards bool) (e *ENI, err error) {
	sn := f.subnets[a.Subnet]
	if sn == nil {
		return nil, fmt.Errorf("%s: no subnet %s", a.Owner, a.Subnet)
	}
	if !sn.s.CIDR.Contains(a.Addr) {
		return nil, fmt.Errorf("%s: %s is not in subnet %s (%s)", a.Owner, a.Addr, a.Subnet, sn.s.CIDR)
	}
	groups := slices.Clone(a.Groups)
	slices.Sort(groups)
	e = &ENI{ID: "eni-" + a.Owner, Owner: a.Owner, Service: a.Service, Subnet: a.Subnet, VPC: sn.vpc.ID, Addr: a.Addr, Groups: groups, exposed: a.Exposed}
	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		return nil, errors.New("the fabric is closed")
	}
	if a.Exposed && f.vpcs[sn.vpc.ID].igw != nil {
		if e.Public, err = f.publicAddr(a.Public); err != nil {
			f.mu.Unlock()
			return nil, fmt.Errorf("%s: %w", a.Owner, err)
		}
	}
	if _, dup := f.enis[a.Owner]; dup {
		f.mu.Unlock()
		return nil, fmt.Errorf("%s has an interface already", a.Owner)
	}
	f.enis[a.Owner] = e
	f.mu.Unlock()
	defer func() {
		if err != nil {
			f.detach(e)
		}
	}()
	if e.NS, err = newNamespace(f.run + "-" + nsSafe(a.Owner)); err != nil {
		return e, err
	}
	if forwards {
		for _, kv := range [][2]string{{"net/ipv4/ip_forward", "1"}, {"net/ipv4/conf/all/send_redirects", "0"}, {"net/ipv4/conf/default/send_redirects", "0"},
			{"net/ipv4/conf/all/rp_filter", "0"}, {"net/ipv4/conf/default/rp_filter", "0"}} {
			if err := e.NS.sysctl(kv[0], kv[1]); err != nil {
				return e, err
			}
		}
	}
	name := "e" + strconv.FormatInt(f.links.Add(1), 10)
	veth := &netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: name, Group: sn.group}, PeerName: "eth0", PeerNamespace: netlink.NsFd(int(e.NS.h))}
	if err := f.router.nl.LinkAdd(veth); err != nil {
		return e, fmt.Errorf("%s: veth: %w", a.Owner, err)
	}
	if e.link, err = f.router.nl.LinkByName(name); err != nil {
		return e, err
	}
	gw := plus(sn.s.CIDR.Masked().Addr(), 1)
	if err := f.router.nl.AddrAdd(e.link, &netlink.Addr{IPNet: hostNet(gw)}); err != nil {
		return e, fmt.Errorf("%s: router address: %w", a.Owner, err)
	}
	if err := f.router.nl.LinkSetUp(e.link); err != nil {
		return e, err
	}
	eth, err := e.NS.nl.LinkByName("eth0")
	if err != nil {
		return e, err
	}
	// The address in its subnet's block, but no route to the block: every
	// packet, to its own subnet too, goes through the router.
	if err := e.NS.nl.AddrAdd(eth, &netlink.Addr{IPNet: &net.IPNet{IP: a.Addr.AsSlice(), Mask: net.CIDRMask(sn.s.CIDR.Bits(), 32)}, Flags: unix.IFA_F_NOPREFIXROUTE}); err != nil {
		return e, fmt.Errorf("%s: address: %w", a.Owner, err)
	}
	if err := e.NS.nl.LinkSetUp(eth); err != nil {
		return e, err
	}
	if err := e.NS.nl.RouteAdd(&netlink.Route{LinkIndex: eth.Attrs().Index, Gw: gw.AsSlice(), Flags: int(netlink.FLAG_ONLINK)}); err != nil {
		return e, fmt.Errorf("%s: default route: %w", a.Owner, err)
	}
	if err := f.hostRoutes(e, sn); err != nil {
		return e, err
	}
	if err := waitUp(f.router.nl, e.link); err != nil {
		return e, fmt.Errorf("%s: %w", a.Owner, err)
	}
	if err := waitUp(e.NS.nl, eth); err != nil {
		return e, fmt.Errorf("%s: %w", a.Owner, err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.addToRules(e); err != nil {
		return e, err
	}
	f.steer()
	return e, nil
}

// waitUp waits until the kernel has put a link in service: until then
// (the link watcher's work, run apart from the call that set it up) its
// queue drops what is sent, and a connection's first packet would be
// lost to a retransmission a second later.
func waitUp(h *netlink.Handle, l netlink.Link) error {
	deadline := time.Now().Add(2 * time.Second)
	for {
		got, err := h.LinkByIndex(l.Attrs().Index)
		if err != nil {
			return err
		}
		if got.Attrs().OperState == netlink.OperUp {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("link %s is %s, not up", got.Attrs().Name, got.Attrs().OperState)
		}
		time.Sleep(100 * time.Microsecond)
	}
}

// nsSafe makes an owner's name fit a namespace's file name.
func nsSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '/' || r == 0 {
			return '_'
		}
		return r
	}, s)
}

// hostRoutes routes to an interface: in the main table (the router's
// own answers, from the resolver), in each table of its VPC whose route
// for it is the local one (RouteTable.RouteFor), and, when exposed, in
// its internet gateway's, from the internet.
func (f *Fabric) hostRoutes(e *ENI, sn *subnet) error {
	idx := e.link.Attrs().Index
	add := func(table int) error {
		return f.router.nl.RouteReplace(&netlink.Route{Table: table, Dst: hostNet(e.Addr), LinkIndex: idx, Scope: netlink.SCOPE_LINK})
	}
	if err := add(unix.RT_TABLE_MAIN); err != nil {
		return fmt.Errorf("%s: route: %w", e.Owner, err)
	}
	for _, other := range f.subnets {
		if other.vpc.ID != sn.vpc.ID || other.table == nil {
			continue
		}
		if r := other.table.RouteFor(e.Addr); r != nil && r.TargetKind == design.TargetLocal {
			if err := add(subnetTable + int(other.group)); err != nil {
				return fmt.Errorf("%s: route: %w", e.Owner, err)
			}
		}
	}
	v := f.vpcs[sn.vpc.ID]
	if !e.exposed || v.igw == nil || !e.Public.IsValid() {
		return nil
	}
	if edge := sn.vpc.EdgeTable(); edge == nil || edgeLocal(edge, e.Addr) {
		if err := add(igwTable + v.igwIndex); err != nil {
			return err
		}
	}
	// The internet's way to its public address.
	if err := f.internet.nl.RouteReplace(&netlink.Route{Dst: hostNet(e.Public), Gw: igwRouter(v.igwIndex).AsSlice(), Src: ClientAddr.AsSlice()}); err != nil {
		return fmt.Errorf("%s: public address: %w", e.Owner, err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.mapEIP(e, true); err != nil {
		return err
	}
	return f.nft.Flush()
}

func edgeLocal(edge *design.RouteTable, a netip.Addr) bool {
	r := edge.RouteFor(a)
	return r != nil && r.TargetKind == design.TargetLocal
}

// addToRules puts an interface under its groups' rules, into the sets
// of the groups it carries, and among the interfaces that count flows.
// The caller holds f.mu.
func (f *Fabric) addToRules(e *ENI) error {
	f.byIndex[uint32(e.link.Attrs().Index)] = e
	idx := ne32(uint32(e.link.Attrs().Index))
	if len(e.Groups) > 0 {
		n, err := f.groupChains(e.Groups)
		if err != nil {
			return err
		}
		gs := "gs" + strconv.Itoa(n)
		if err := f.nft.SetAddElements(f.eniOut, []nftables.SetElement{{Key: idx, VerdictData: &expr.Verdict{Kind: expr.VerdictJump, Chain: gs + "_out"}}}); err != nil {
			return err
		}
		if err := f.nft.SetAddElements(f.eniIn, []nftables.SetElement{{Key: idx, VerdictData: &expr.Verdict{Kind: expr.VerdictJump, Chain: gs + "_in"}}}); err != nil {
			return err
		}
	}
	a := e.Addr.As4()
	for _, g := range e.Groups {
		if s := f.sets[g]; s != nil {
			if err := f.nft.SetAddElements(s, []nftables.SetElement{{Key: a[:]}}); err != nil {
				return err
			}
		}
		if s := f.senders[g]; s != nil {
			if err := f.nft.SetAddElements(s, []nftables.SetElement{{Key: idx}}); err != nil {
				return err
			}
		}
	}
	if err := f.nft.SetAddElements(f.logged, []nftables.SetElement{{Key: idx}}); err != nil {
		return err
	}
	if err := f.nft.Flush(); err != nil {
		return fmt.Errorf("%s: rules: %w", e.Owner, err)
	}
	if e.preserveMark != 0 { // a new table's (Update)
		return f.addPreserving(e)
	}
	return nil
}

// Detach removes an interface: its address leaves its groups' sets, its
// link and routes go, and its namespace is removed (sockets still open
// in it keep it until they close, but nothing reaches it).
func (f *Fabric) Detach(e *ENI) error { return f.detach(e) }

func (f *Fabric) detach(e *ENI) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.enis[e.Owner] != e {
		return nil
	}
	delete(f.enis, e.Owner)
	f.steer()
	var errs []error
	if e.link != nil && !f.closed {
		idx := ne32(uint32(e.link.Attrs().Index))
		a := e.Addr.As4()
		for _, g := range e.Groups {
			if s := f.sets[g]; s != nil && !f.sharedAddr(e) {
				errs = append(errs, f.nft.SetDeleteElements(s, []nftables.SetElement{{Key: a[:]}}))
			}
			if s := f.senders[g]; s != nil {
				errs = append(errs, f.nft.SetDeleteElements(s, []nftables.SetElement{{Key: idx}}))
			}
		}
		if len(e.Groups) > 0 {
			errs = append(errs, f.nft.SetDeleteElements(f.eniOut, []nftables.SetElement{{Key: idx}}),
				f.nft.SetDeleteElements(f.eniIn, []nftables.SetElement{{Key: idx}}))
		}
		if e.preserveMark != 0 {
			errs = append(errs, f.removePreserving(e))
		}
		errs = append(errs, f.nft.SetDeleteElements(f.logged, []nftables.SetElement{{Key: idx}}), f.nft.Flush())
		// Deleting the link deletes the routes through it.
		errs = append(errs, f.router.nl.LinkDel(e.link))
		if e.Public.IsValid() {
			_ = f.internet.nl.RouteDel(&netlink.Route{Dst: hostNet(e.Public)})
			errs = append(errs, f.mapEIP(e, false), f.nft.Flush())
		}
	}
	if e.NS != nil {
		errs = append(errs, e.NS.remove())
	}
	return errors.Join(errs...)
}

// sharedAddr reports whether another interface holds e's address (it
// cannot, in one run: addresses are allocated once).
func (f *Fabric) sharedAddr(e *ENI) bool {
	for _, o := range f.enis {
		if o.Addr == e.Addr {
			return true
		}
	}
	return false
}

// ENIs returns the attached interfaces, by owner.
func (f *Fabric) ENIs() []*ENI {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]*ENI, 0, len(f.enis))
	for _, e := range f.enis {
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b *ENI) int { return strings.Compare(a.Owner, b.Owner) })
	return out
}

// ENI returns the interface of an owner, or nil.
func (f *Fabric) ENI(owner string) *ENI {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.enis[owner]
}

// Close removes every namespace of the run.
func (f *Fabric) Close() error {
	f.mu.Lock()
	f.closed = true
	enis := make([]*ENI, 0, len(f.enis))
	for _, e := range f.enis {
		enis = append(enis, e)
	}
	f.mu.Unlock()
	errs := []error{f.closeGWLBs()}
	for _, e := range enis {
		errs = append(errs, f.detach(e))
	}
	if f.nft != nil {
		errs = append(errs, f.nft.CloseLasting())
	}
	spaces := []*Namespace{f.router, f.internet, f.lattice}
	for _, g := range f.tgws {
		spaces = append(spaces, g.ns)
	}
	for _, st := range f.sites {
		spaces = append(spaces, st.ns)
	}
	for _, n := range spaces {
		if n != nil {
			errs = append(errs, n.remove())
		}
	}
	if netnsDir() != rootNetnsDir {
		_ = os.Remove(netnsDir()) // a rootless run's directory, when no other run's names are in it
	}
	return errors.Join(errs...)
}

// link is an interface's end in the router.
type link = netlink.Link
