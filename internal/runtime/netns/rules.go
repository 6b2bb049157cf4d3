//go:build linux

package netns

import (
	"encoding/binary"
	"net/netip"
	"slices"
	"strings"

	"github.com/google/nftables"
	"github.com/google/nftables/binaryutil"
	"github.com/google/nftables/expr"
	"golang.org/x/sys/unix"

	"github.com/netwright/netwright/internal/design"
)

// The VPC router's nftables table. Every packet between two interfaces
// of the design crosses the router's forward hook once per hop, in two
// halves, as AWS evaluates it:
//
//   - leaving: the NACL of the subnet it leaves (outbound rules, the
//     destination as the remote address; stateless, so answers too), then,
//     unless conntrack knows the connection, the security groups of the
//     interface it comes from (egress rules);
//   - entering: the NACL of the subnet it enters (inbound rules, the
//     source as the remote address), then, for a new connection, the
//     groups of the interface it goes to (ingress rules).
//
// Within one subnet no NACL applies. A rule that names a group matches
// the set of that group's members' addresses, which Attach and Detach
// keep current, so a new task joins the groups that name its service
// without the rules changing. Each half that passes or drops a packet at
// an interface that keeps a flow log counts it in the flows set, per
// interface, 5-tuple, action and direction (flowlog.go).

// Registers (NFT_REG32_00 and on) the flow key is built in.
const (
	regIf = 8 + iota
	regSrc
	regDst
	regSport
	regDport
	regProto
	regCode
)

// Flow key codes: the action and direction, beside the TCP flags.
const (
	codeReject  = 1 << 0
	codeIngress = 1 << 1
)

// Device groups: an interface in a subnet is in the subnet's group (its
// index, from 1); an interface on which packets come from a Transit
// Gateway into an attachment subnet in that group plus fromTGW; an
// internet gateway's link in igwGroup plus its index.
const (
	fromTGW  = 0x100
	igwGroup = 0x200
)

func be32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }
func ne32(v uint32) []byte { return binaryutil.NativeEndian.PutUint32(v) }

// cmpEq loads nothing; it compares register 1 with data.
func cmpEq(data []byte) expr.Any {
	return &expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: data}
}

func metaLoad(key expr.MetaKey, reg uint32) expr.Any { return &expr.Meta{Key: key, Register: reg} }

// matchGroup matches the in or out interface's group.
func matchGroup(in bool, g uint32) []expr.Any {
	k := expr.MetaKeyOIFGROUP
	if in {
		k = expr.MetaKeyIIFGROUP
	}
	return []expr.Any{metaLoad(k, 1), cmpEq(ne32(g))}
}

// matchProto matches the IP protocol: tcp, udp or icmp; anything else
// (all, -1) matches every packet.
func matchProto(proto string) ([]expr.Any, bool) {
	var p byte
	switch proto {
	case "tcp":
		p = unix.IPPROTO_TCP
	case "udp":
		p = unix.IPPROTO_UDP
	case "icmp":
		p = unix.IPPROTO_ICMP
	default:
		return nil, false
	}
	return []expr.Any{metaLoad(expr.MetaKeyL4PROTO, 1), cmpEq([]byte{p})}, true
}

// matchDport matches a destination port range.
func matchDport(from, to int) []expr.Any {
	if from <= 0 && to >= 65535 {
		return nil
	}
	load := &expr.Payload{DestRegister: 1, Base: expr.PayloadBaseTransportHeader, Offset: 2, Len: 2}
	if from == to {
		return []expr.Any{load, cmpEq(binaryutil.BigEndian.PutUint16(uint16(from)))}
	}
	return []expr.Any{load, &expr.Range{Op: expr.CmpOpEq, Register: 1,
		FromData: binaryutil.BigEndian.PutUint16(uint16(from)), ToData: binaryutil.BigEndian.PutUint16(uint16(to))}}
}

// matchPrefix matches the source (src) or destination address against
// a block.
func matchPrefix(src bool, p netip.Prefix) []expr.Any {
	if !p.IsValid() || p.Bits() == 0 {
		return nil
	}
	off := uint32(16)
	if src {
		off = 12
	}
	p = p.Masked()
	mask := be32(^uint32(0) << (32 - p.Bits()))
	a := p.Addr().As4()
	return []expr.Any{
		&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseNetworkHeader, Offset: off, Len: 4},
		&expr.Bitwise{SourceRegister: 1, DestRegister: 1, Len: 4, Mask: mask, Xor: []byte{0, 0, 0, 0}},
		cmpEq(a[:]),
	}
}

// matchSet matches the source or destination address against a set.
func matchSet(src bool, s *nftables.Set) []expr.Any {
	off := uint32(16)
	if src {
		off = 12
	}
	return []expr.Any{
		&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseNetworkHeader, Offset: off, Len: 4},
		&expr.Lookup{SourceRegister: 1, SetName: s.Name, SetID: s.ID},
	}
}

// notTracked matches a packet of no connection conntrack knows
// (neither established nor related): the security groups decide it.
func notTracked() []expr.Any {
	bits := ne32(expr.CtStateBitESTABLISHED | expr.CtStateBitRELATED)
	return []expr.Any{
		&expr.Ct{Register: 1, Key: expr.CtKeySTATE},
		&expr.Bitwise{SourceRegister: 1, DestRegister: 1, Len: 4, Mask: bits, Xor: []byte{0, 0, 0, 0}},
		&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: []byte{0, 0, 0, 0}},
	}
}

func verdict(k expr.VerdictKind, chain string) expr.Any { return &expr.Verdict{Kind: k, Chain: chain} }

func ret() expr.Any    { return verdict(expr.VerdictReturn, "") }
func drop() expr.Any   { return verdict(expr.VerdictDrop, "") }
func accept() expr.Any { return verdict(expr.VerdictAccept, "") }

// naclRules compiles ordered NACL rules in one direction: the lowest
// number first, the first match decides (allow returns to the caller,
// deny goes to denied), nothing matching is denied (the `*` rule).
// Remote is the source for inbound rules, the destination for outbound.
func naclRules(rules []design.NACLRule, inbound bool, denied []expr.Any) [][]expr.Any {
	sorted := slices.Clone(rules)
	slices.SortFunc(sorted, func(a, b design.NACLRule) int { return a.Number - b.Number })
	var out [][]expr.Any
	for _, r := range sorted {
		var m []expr.Any
		if r.Protocol != "all" {
			p, ok := matchProto(r.Protocol)
			if !ok {
				continue
			}
			m = append(m, p...)
			m = append(m, matchDport(r.FromPort, r.ToPort)...)
		}
		m = append(m, matchPrefix(inbound, r.CIDR)...)
		if r.Allow {
			out = append(out, append(m, ret()))
		} else {
			out = append(out, append(m, denied...))
		}
	}
	return append(out, denied)
}

// sgRules compiles the union of the groups' rules in one direction: a
// rule that admits the packet returns to the caller; none admitting goes
// to denied. members gives the set of a group's members' addresses.
//
// An ingress rule that names a group also admits what comes in on the
// link of an interface that carries the group (senders gives the set of
// their router ends): AWS matches a group reference by the interface
// that sends, so a load balancer node that sends on from its client's
// address (preserve.go) is still admitted by a rule naming its group,
// as AWS admits an NLB's traffic by a reference to the NLB's group with
// client IP preservation on
// (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-security-groups.html).
func sgRules(groups []*design.SecurityGroup, egress bool, members, senders func(id string) *nftables.Set, denied []expr.Any) [][]expr.Any {
	var out [][]expr.Any
	for _, g := range groups {
		rules := g.Ingress
		if egress {
			rules = g.Egress
		}
		for _, r := range rules {
			var m []expr.Any
			if p, ok := matchProto(r.Protocol); ok {
				m = append(m, p...)
				if r.Protocol != "icmp" {
					m = append(m, matchDport(r.FromPort, r.ToPort)...)
				}
			} else if r.Protocol != "-1" && r.Protocol != "all" {
				continue
			}
			// The peer: the source of an ingress rule's packets, the
			// destination of an egress rule's.
			switch {
			case r.PeerGroup != "":
				s := members(r.PeerGroup)
				if s == nil {
					continue
				}
				if ifs := senders(r.PeerGroup); !egress && ifs != nil {
					by := append(slices.Clone(m), metaLoad(expr.MetaKeyIIF, 1), &expr.Lookup{SourceRegister: 1, SetName: ifs.Name, SetID: ifs.ID})
					out = append(out, append(by, ret()))
				}
				m = append(m, matchSet(!egress, s)...)
			case r.PeerCIDR.IsValid():
				m = append(m, matchPrefix(!egress, r.PeerCIDR)...)
			case r.PeerPrefixList == design.CloudFrontPrefixList:
				// CloudFront's origin-facing servers, as the runtime's edge
				// stands for them.
				m = append(m, matchPrefix(!egress, design.CloudFrontOriginRange)...)
			case isLatticePrefixList(r.PeerPrefixList):
				// VPC Lattice's addresses in the VPC: its services' for a
				// caller, its sources for a target (lattice.go).
				m = append(m, matchPrefix(!egress, design.LatticeCIDR)...)
			default:
				continue // another prefix list: AWS services behind endpoints, not run here
			}
			out = append(out, append(m, ret()))
		}
	}
	return append(out, denied)
}

// isLatticePrefixList reports whether a prefix list is VPC Lattice's
// IPv4 one in some Region (design.LatticePrefixList).
func isLatticePrefixList(name string) bool {
	region, ok := strings.CutPrefix(name, "com.amazonaws.")
	region, ok2 := strings.CutSuffix(region, ".vpc-lattice")
	return ok && ok2 && region != "" && !strings.Contains(region, ".") && design.LatticePrefixList(region) == name
}

// flowKey loads the flow key of the packet into regIf..regCode: the
// interface (in or out), the 5-tuple and the code, with the TCP flags
// FIN, SYN, RST and ACK for TCP.
func flowKey(in bool, code uint32, tcp bool) []expr.Any {
	ifKey := expr.MetaKeyOIF
	if in {
		ifKey = expr.MetaKeyIIF
	}
	e := []expr.Any{
		metaLoad(ifKey, regIf),
		&expr.Payload{DestRegister: regSrc, Base: expr.PayloadBaseNetworkHeader, Offset: 12, Len: 4},
		&expr.Payload{DestRegister: regDst, Base: expr.PayloadBaseNetworkHeader, Offset: 16, Len: 4},
		&expr.Payload{DestRegister: regSport, Base: expr.PayloadBaseTransportHeader, Offset: 0, Len: 2},
		&expr.Payload{DestRegister: regDport, Base: expr.PayloadBaseTransportHeader, Offset: 2, Len: 2},
		metaLoad(expr.MetaKeyL4PROTO, regProto),
	}
	if tcp {
		return append(e,
			&expr.Payload{DestRegister: regCode, Base: expr.PayloadBaseTransportHeader, Offset: 13, Len: 1},
			&expr.Bitwise{SourceRegister: regCode, DestRegister: regCode, Len: 4, Mask: []byte{0x17, 0, 0, 0}, Xor: []byte{0, byte(code), 0, 0}})
	}
	return append(e, &expr.Immediate{Register: regCode, Data: []byte{0, byte(code), 0, 0}})
}

// flowKeyType is the flows set's key: interface, source, destination,
// ports, protocol, code.
// It is seven registers of four bytes, past the five types a
// concatenated type can name, so the set knows it as one 28-byte
// integer (a hash set needs no more).
func flowKeyType() nftables.SetDatatype {
	t := nftables.TypeInteger
	t.Bytes = flowKeyLen
	return t
}

// flowKeyLen is the flows set key's length: seven registers.
const flowKeyLen = 7 * 4

// countFlow returns the rules that count a packet in the flows set at
// the in or out interface, when that interface is in logged: one for
// TCP (with its flags), one for everything else.
func countFlow(flows, logged *nftables.Set, in bool, code uint32) [][]expr.Any {
	ifKey := expr.MetaKeyOIF
	if in {
		ifKey = expr.MetaKeyIIF
	}
	var out [][]expr.Any
	for _, tcp := range []bool{true, false} {
		op := expr.CmpOpEq
		if !tcp {
			op = expr.CmpOpNeq
		}
		e := []expr.Any{
			metaLoad(ifKey, 1), &expr.Lookup{SourceRegister: 1, SetName: logged.Name, SetID: logged.ID},
			metaLoad(expr.MetaKeyL4PROTO, 1), &expr.Cmp{Op: op, Register: 1, Data: []byte{unix.IPPROTO_TCP}},
		}
		e = append(e, flowKey(in, code, tcp)...)
		e = append(e, &expr.Dynset{SrcRegKey: regIf, SetName: flows.Name, SetID: flows.ID, Operation: uint32(unix.NFT_DYNSET_OP_UPDATE),
			Exprs: []expr.Any{&expr.Counter{}}})
		out = append(out, e)
	}
	return out
}

// chainName makes an nftables chain name from parts.
func chainName(parts ...string) string { return strings.Join(parts, "_") }
