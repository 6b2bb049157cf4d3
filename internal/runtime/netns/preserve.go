//go:build linux

package netns

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"syscall"

	"github.com/google/nftables"
	"github.com/google/nftables/expr"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// NLB client IP preservation: a load balancer node whose target group
// keeps the client's address connects to a target from that address,
// which is not its own, and the target's answers must come back to the
// node, not go to the client (in AWS the NLB stays in the path of a
// flow it preserves the address of).
//
// In the node's namespace a transparent socket (IP_TRANSPARENT) takes
// an address the namespace does not hold (DialFrom), and every packet that comes
// in on its link is delivered locally, to the socket of its flow (a
// local route for every address in a table the link's packets look up,
// as a transparent proxy's are). In the router, a connection the node
// opens from an address other than its own carries the node's mark in
// conntrack (the prerouting chain: iif in preserve_marks, saddr not in
// node_addrs), and the answers of such a connection are routed by that
// mark to a table that sends them to the node. The security groups and
// NACLs see the client's address on the target's side, as in AWS: the
// target's groups must admit the client, not the node.

const (
	// preserveBit marks the connections a node opened from a client's
	// address; the node's number is in the bits below it.
	preserveBit = 0x10000
	// preserveTable is the router's table of a node's answers, plus its
	// number; nodeLocalTable the node's table of local delivery.
	preserveTable  = 5000
	nodeLocalTable = 100
)

// PreserveClients lets the node e connect to targets from its clients'
// addresses (DialFrom) and get the answers. Calling it again does
// nothing.
func (f *Fabric) PreserveClients(e *ENI) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed || f.enis[e.Owner] != e {
		return fmt.Errorf("%s is not attached", e.Owner)
	}
	if e.preserveMark != 0 {
		return nil
	}
	f.preserving++
	mark := uint32(preserveBit | f.preserving)
	// The node: every packet from the router is delivered here.
	eth, err := e.NS.nl.LinkByName("eth0")
	if err != nil {
		return err
	}
	lo, err := e.NS.nl.LinkByName("lo")
	if err != nil {
		return err
	}
	if err := e.NS.nl.RouteAdd(&netlink.Route{Dst: &net.IPNet{IP: net.IPv4zero.To4(), Mask: net.CIDRMask(0, 32)}, LinkIndex: lo.Attrs().Index,
		Type: unix.RTN_LOCAL, Scope: netlink.SCOPE_HOST, Table: nodeLocalTable}); err != nil {
		return fmt.Errorf("%s: local route: %w", e.Owner, err)
	}
	r := netlink.NewRule()
	r.IifName, r.Table, r.Priority = eth.Attrs().Name, nodeLocalTable, rulePrio
	if err := e.NS.nl.RuleAdd(r); err != nil {
		return fmt.Errorf("%s: local rule: %w", e.Owner, err)
	}
	// The router: the node's answers by its mark.
	table := preserveTable + f.preserving
	if err := f.router.nl.RouteAdd(&netlink.Route{Dst: &net.IPNet{IP: net.IPv4zero.To4(), Mask: net.CIDRMask(0, 32)}, LinkIndex: e.link.Attrs().Index,
		Gw: e.Addr.AsSlice(), Flags: int(netlink.FLAG_ONLINK), Table: table}); err != nil {
		return fmt.Errorf("%s: answers' route: %w", e.Owner, err)
	}
	r = netlink.NewRule()
	r.Mark, r.Table, r.Priority = mark, table, rulePrio-1
	if err := f.router.nl.RuleAdd(r); err != nil {
		return fmt.Errorf("%s: answers' rule: %w", e.Owner, err)
	}
	e.preserveMark, e.preserveRule = mark, r
	return f.addPreserving(e)
}

// addPreserving puts a node that preserves its clients' addresses into
// the current table's sets. The caller holds f.mu.
func (f *Fabric) addPreserving(e *ENI) error {
	a := e.Addr.As4()
	if err := f.nft.SetAddElements(f.preserveMarks, []nftables.SetElement{{Key: ne32(uint32(e.link.Attrs().Index)), Val: ne32(e.preserveMark)}}); err != nil {
		return err
	}
	if err := f.nft.SetAddElements(f.nodeAddrs, []nftables.SetElement{{Key: a[:]}}); err != nil {
		return err
	}
	return f.nft.Flush()
}

// removePreserving undoes addPreserving and the router's rule. The
// caller holds f.mu; the link's removal takes the route.
func (f *Fabric) removePreserving(e *ENI) error {
	a := e.Addr.As4()
	return errors.Join(f.nft.SetDeleteElements(f.preserveMarks, []nftables.SetElement{{Key: ne32(uint32(e.link.Attrs().Index))}}),
		f.nft.SetDeleteElements(f.nodeAddrs, []nftables.SetElement{{Key: a[:]}}), f.router.nl.RuleDel(e.preserveRule))
}

// preserveSets adds the sets of the nodes that preserve addresses to a
// new table; addSet is buildRules'.
func (f *Fabric) preserveSets(addSet func(*nftables.Set) *nftables.Set) {
	f.preserveMarks = addSet(&nftables.Set{Name: "preserve_marks", KeyType: nftables.TypeIFIndex, DataType: nftables.TypeMark, IsMap: true})
	f.nodeAddrs = addSet(&nftables.Set{Name: "node_addrs", KeyType: nftables.TypeIPAddr})
}

// preserveRules are the prerouting chain's rules for preserved
// addresses, after the rule that marks by device group: a connection a
// preserving node opens from an address not its own gets the node's
// mark in conntrack; its answers get that mark, which routes them to the
// node.
func (f *Fabric) preserveRules() [][]expr.Any {
	return [][]expr.Any{
		{
			&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseNetworkHeader, Offset: 12, Len: 4},
			&expr.Lookup{SourceRegister: 1, SetName: f.nodeAddrs.Name, SetID: f.nodeAddrs.ID, Invert: true},
			metaLoad(expr.MetaKeyIIF, 1),
			&expr.Lookup{SourceRegister: 1, SetName: f.preserveMarks.Name, SetID: f.preserveMarks.ID, DestRegister: 1, IsDestRegSet: true},
			&expr.Ct{Key: expr.CtKeyMARK, Register: 1, SourceRegister: true},
		},
		{
			&expr.Ct{Key: expr.CtKeyDIRECTION, Register: 1},
			cmpEq([]byte{1}), // IP_CT_DIR_REPLY
			&expr.Ct{Key: expr.CtKeyMARK, Register: 1},
			&expr.Bitwise{SourceRegister: 1, DestRegister: 2, Len: 4, Mask: ne32(preserveBit), Xor: ne32(0)},
			&expr.Cmp{Op: expr.CmpOpNeq, Register: 2, Data: ne32(0)},
			&expr.Meta{Key: expr.MetaKeyMARK, SourceRegister: true, Register: 1},
		},
	}
}

// DialFrom connects from the namespace with src as the local address
// (any when invalid): a node that preserves its clients' addresses
// (Fabric.PreserveClients) may use one that is not its own.
func (n *Namespace) DialFrom(ctx context.Context, network, addr string, src netip.Addr, d net.Dialer) (net.Conn, error) {
	if src.IsValid() {
		// A transparent socket may take, and send from, an address its
		// namespace does not hold (CAP_NET_ADMIN, which the run has).
		d.Control = func(_, _ string, rc syscall.RawConn) error {
			var serr error
			err := rc.Control(func(fd uintptr) { serr = unix.SetsockoptInt(int(fd), unix.SOL_IP, unix.IP_TRANSPARENT, 1) })
			return errors.Join(err, serr)
		}
		switch network {
		case "udp", "udp4":
			d.LocalAddr = &net.UDPAddr{IP: src.AsSlice()}
		default:
			d.LocalAddr = &net.TCPAddr{IP: src.AsSlice()}
		}
	}
	return n.Dialer(&d)(ctx, network, addr)
}
