//go:build linux

package netns

import (
	"fmt"
	"net"
	"strconv"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/netwright/netwright/internal/design"
)

// VPC Lattice's data plane: one namespace for the design's service
// network, joined to the router by a link per VPC associated with it.
// Every address of the link-local block design.LatticeCIDR is local
// there (its loopback holds the block), so a Lattice service listens at
// LatticeAddr(i) and Lattice connects to targets from LatticeSource.
//
// In the router, each subnet table of an associated VPC routes the block
// to that VPC's link, so a task's call to a Lattice service leaves its
// interface under its groups' egress rules and its subnet's outbound
// NACL rules, as on AWS, where the caller's security group must allow
// the managed prefix list
// (https://docs.aws.amazon.com/vpc-lattice/latest/ug/security-groups.html);
// a subnet of a VPC not associated holds the block as a blackhole, so
// nothing there reaches the service network. What Lattice sends a
// target comes in on the VPC's link, in no subnet's device group (no
// NACL and no group of its own, as Lattice has none here), and meets the
// target's subnet's inbound NACL rules and its groups' ingress rules,
// which admit the prefix list by its block (rules.go); the answers go
// back by the target subnet's table to the same link.
const latticeGroup = 0x400

// latticeVPCs are the VPCs associated with the design's service
// network, when it has Lattice services.
func latticeVPCs(d *design.Design) []string {
	if d.Mesh == nil || d.Mesh.Lattice == nil || len(d.Mesh.Lattice.Services) == 0 {
		return nil
	}
	return d.Mesh.Lattice.VPCs
}

// hasLattice reports whether the design has Lattice services, so the
// service network's namespace is built even with no VPC associated.
func hasLattice(d *design.Design) bool {
	return d.Mesh != nil && d.Mesh.Lattice != nil && len(d.Mesh.Lattice.Services) > 0
}

// buildLattice makes the service network's namespace and its links.
func (f *Fabric) buildLattice() error {
	if !hasLattice(f.d) {
		return nil
	}
	ns, err := newNamespace(f.run + "-vpc-lattice")
	if err != nil {
		return err
	}
	f.lattice, f.latticeLinks = ns, map[string]*port{}
	for _, kv := range [][2]string{{"net/ipv4/conf/all/rp_filter", "0"}, {"net/ipv4/conf/default/rp_filter", "0"}} {
		if err := ns.sysctl(kv[0], kv[1]); err != nil {
			return fmt.Errorf("VPC Lattice: %w", err)
		}
	}
	lo, err := ns.nl.LinkByName("lo")
	if err != nil {
		return err
	}
	block := design.LatticeCIDR
	if err := ns.nl.AddrAdd(lo, &netlink.Addr{IPNet: &net.IPNet{IP: LatticeAddr(0).AsSlice(), Mask: net.CIDRMask(block.Bits(), 32)}}); err != nil {
		return fmt.Errorf("VPC Lattice's block %s: %w", block, err)
	}
	for k, id := range latticeVPCs(f.d) {
		v := f.vpcs[id]
		if v == nil {
			return fmt.Errorf("VPC Lattice: the service network's VPC %s is not in the design", id)
		}
		p, err := f.link(ns, f.router, latticeGroup|uint32(k+1))
		if err != nil {
			return fmt.Errorf("VPC Lattice's association with %s: %w", id, err)
		}
		f.latticeLinks[id] = p
		for _, b := range v.v.Blocks() {
			if err := ns.nl.RouteReplace(&netlink.Route{Dst: prefixNet(b), LinkIndex: p.here.Attrs().Index, Gw: p.thereAddr.AsSlice(),
				Flags: int(netlink.FLAG_ONLINK), Src: LatticeSource.AsSlice()}); err != nil {
				return fmt.Errorf("VPC Lattice's route to %s: %w", b, err)
			}
		}
	}
	return nil
}

// latticeRoutes routes the Lattice block in every subnet's table: to
// its VPC's link when the VPC is associated, else nowhere.
func (f *Fabric) latticeRoutes() error {
	if f.lattice == nil {
		return nil
	}
	for _, sn := range f.subnets {
		route := &netlink.Route{Table: subnetTable + int(sn.group), Dst: prefixNet(design.LatticeCIDR)}
		if p := f.latticeLinks[sn.vpc.ID]; p != nil {
			route.LinkIndex, route.Gw, route.Flags = p.there.Attrs().Index, p.hereAddr.AsSlice(), int(netlink.FLAG_ONLINK)
		} else {
			route.Type = unix.RTN_BLACKHOLE
		}
		if err := f.router.nl.RouteReplace(route); err != nil {
			return fmt.Errorf("subnet %s: VPC Lattice's route: %w", sn.s.ID, err)
		}
	}
	return nil
}

// Lattice is the namespace of the design's VPC Lattice service network,
// where its services listen (LatticeAddr) and from which it connects to
// targets (LatticeSource); nil when the design has no Lattice services.
func (f *Fabric) Lattice() *Namespace { return f.lattice }

// latticeLayout is the associations, for sameLayout.
func latticeLayout(d *design.Design) string {
	if !hasLattice(d) {
		return ""
	}
	return "lattice " + strconv.Quote(fmt.Sprint(latticeVPCs(d)))
}
