//go:build linux

package netns

import (
	"fmt"
	"net/netip"

	"github.com/google/nftables"
	"github.com/google/nftables/expr"
)

// Elastic IPs. An interface the internet reaches (a NAT gateway, an
// internet-facing load balancer's node) has a public address besides
// its private one, as AWS gives it an Elastic IP (or the address an
// imported NAT gateway has). The internet gateway translates between
// them one to one, as AWS's does: on the way out of the router to the
// internet the private source becomes the public one, and a packet from
// the internet to the public address has it replaced by the private one
// before the router routes it. The internet knows only public
// addresses. The translation is an nftables table of its own in the
// router (eip), which reloads leave alone: two maps, private to public
// and back, that Attach and Detach keep current.

// publicBlock is where public addresses come from when the design gives
// none: 192.0.2.0/24 (TEST-NET-1, RFC 5737), apart from the egress
// destinations' 203.0.113.0/24 and the client's 198.51.100.10.
var publicBlock = netip.MustParsePrefix("192.0.2.0/24")

// eipTable is the router's table of the translation.
type eipTable struct {
	table    *nftables.Table
	out, in  *nftables.Set // private -> public, public -> private
	assigned int
}

// buildEIPs makes the translation's table: its maps, and a source NAT
// and a destination NAT rule on each internet gateway's link.
func (f *Fabric) buildEIPs() error {
	c := f.nft
	t := &eipTable{table: c.AddTable(&nftables.Table{Family: nftables.TableFamilyIPv4, Name: "eip"})}
	t.out = &nftables.Set{Table: t.table, Name: "eip_out", KeyType: nftables.TypeIPAddr, DataType: nftables.TypeIPAddr, IsMap: true}
	t.in = &nftables.Set{Table: t.table, Name: "eip_in", KeyType: nftables.TypeIPAddr, DataType: nftables.TypeIPAddr, IsMap: true}
	for _, s := range []*nftables.Set{t.out, t.in} {
		if err := c.AddSet(s, nil); err != nil {
			return err
		}
	}
	post := c.AddChain(&nftables.Chain{Name: "postrouting", Table: t.table, Type: nftables.ChainTypeNAT,
		Hooknum: nftables.ChainHookPostrouting, Priority: nftables.ChainPriorityNATSource})
	pre := c.AddChain(&nftables.Chain{Name: "prerouting", Table: t.table, Type: nftables.ChainTypeNAT,
		Hooknum: nftables.ChainHookPrerouting, Priority: nftables.ChainPriorityNATDest})
	for _, v := range f.vpcs {
		if v.igw == nil {
			continue
		}
		g := igwGroup | uint32(v.igwIndex)
		// ip saddr translated by eip_out, leaving by the gateway.
		c.AddRule(&nftables.Rule{Table: t.table, Chain: post, Exprs: append(matchGroup(false, g),
			&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseNetworkHeader, Offset: 12, Len: 4},
			&expr.Lookup{SourceRegister: 1, SetName: t.out.Name, SetID: t.out.ID, DestRegister: 1, IsDestRegSet: true},
			&expr.NAT{Type: expr.NATTypeSourceNAT, Family: uint32(nftables.TableFamilyIPv4), RegAddrMin: 1})})
		// ip daddr translated by eip_in, arriving from the gateway.
		c.AddRule(&nftables.Rule{Table: t.table, Chain: pre, Exprs: append(matchGroup(true, g),
			&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseNetworkHeader, Offset: 16, Len: 4},
			&expr.Lookup{SourceRegister: 1, SetName: t.in.Name, SetID: t.in.ID, DestRegister: 1, IsDestRegSet: true},
			&expr.NAT{Type: expr.NATTypeDestNAT, Family: uint32(nftables.TableFamilyIPv4), RegAddrMin: 1})})
	}
	if err := c.Flush(); err != nil {
		return fmt.Errorf("nftables Elastic IPs: %w", err)
	}
	f.eips = t
	return nil
}

// publicAddr gives an exposed interface its public address: want when
// the design knows it, else the next of publicBlock. The caller holds
// f.mu.
func (f *Fabric) publicAddr(want netip.Addr) (netip.Addr, error) {
	if want.Is4() {
		return want, nil
	}
	f.eips.assigned++
	a := plus(publicBlock.Addr(), uint32(f.eips.assigned))
	if !publicBlock.Contains(a) || a == LastUsable(publicBlock).Next() {
		return netip.Addr{}, fmt.Errorf("more than %d public addresses", f.eips.assigned-1)
	}
	return a, nil
}

// mapEIP puts an interface's pair of addresses into the translation, or
// takes it out. The caller holds f.mu and flushes.
func (f *Fabric) mapEIP(e *ENI, add bool) error {
	priv, pub := e.Addr.As4(), e.Public.As4()
	out := []nftables.SetElement{{Key: priv[:], Val: pub[:]}}
	in := []nftables.SetElement{{Key: pub[:], Val: priv[:]}}
	if !add {
		if err := f.nft.SetDeleteElements(f.eips.out, out); err != nil {
			return err
		}
		return f.nft.SetDeleteElements(f.eips.in, in)
	}
	if err := f.nft.SetAddElements(f.eips.out, out); err != nil {
		return err
	}
	return f.nft.SetAddElements(f.eips.in, in)
}
