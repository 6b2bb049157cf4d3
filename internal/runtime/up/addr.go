package up

import (
	"fmt"
	"net/netip"
	"runtime"

	"github.com/netwright/netwright/internal/design"
)

// taskAddrs gives every task a loopback address made from the private
// address it would get in its designed subnet, 10.1.2.4 becoming
// 127.1.2.4, so source addresses tell tasks and subnets apart as they do
// in the VPC. Tasks take turns over their placement's subnets (one per
// AZ), from the subnet's fifth address (AWS reserves the first four). It
// works where all of 127.0.0.0/8 is local (Linux); elsewhere, or when two
// tasks would share an address, it returns nil and every task listens on
// 127.0.0.1.
func taskAddrs(d *design.Design) (map[string][]netip.Addr, string) {
	out, _, note := placed(d)
	return out, note
}

// placed gives every task its designed address and its loopback twin
// (see taskAddrs), by service; both nil where twins cannot be used.
func placed(d *design.Design) (map[string][]netip.Addr, map[string][]netip.Addr, string) {
	designed := map[string][]netip.Addr{}
	if runtime.GOOS != "linux" {
		return nil, nil, "Tasks listen on 127.0.0.1 with a port each: only Linux routes all of 127.0.0.0/8 to this machine."
	}
	subnets := map[string]netip.Prefix{}
	for _, v := range d.VPCs {
		for _, s := range v.Subnets {
			subnets[s.ID] = s.CIDR
		}
	}
	next := map[string]netip.Addr{} // subnet -> next free address
	used := map[netip.Addr]string{}
	out := map[string][]netip.Addr{}
	for _, s := range d.Services {
		if len(s.Placements) == 0 || len(s.Placements[0].Subnets) == 0 {
			return nil, nil, fmt.Sprintf("Tasks listen on 127.0.0.1 with a port each: %s has no subnets.", s.Name)
		}
		ids := s.Placements[0].Subnets
		for i := range max(s.Replicas, 1) {
			id := ids[i%len(ids)]
			p, ok := subnets[id]
			if !ok || !p.Addr().Is4() {
				return nil, nil, fmt.Sprintf("Tasks listen on 127.0.0.1 with a port each: subnet %s is not an IPv4 subnet of the design.", id)
			}
			a, ok := next[id]
			if !ok {
				a = p.Masked().Addr().Next().Next().Next().Next()
			}
			if !p.Contains(a) {
				return nil, nil, fmt.Sprintf("Tasks listen on 127.0.0.1 with a port each: subnet %s is too small for its tasks.", id)
			}
			next[id] = a.Next()
			b := a.As4()
			local := netip.AddrFrom4([4]byte{127, b[1], b[2], b[3]})
			if other, dup := used[local]; dup {
				return nil, nil, fmt.Sprintf("Tasks listen on 127.0.0.1 with a port each: %s and %s would share %s.", other, s.Name, local)
			}
			used[local] = s.Name
			out[s.Name] = append(out[s.Name], local)
			designed[s.Name] = append(designed[s.Name], a)
		}
	}
	return out, designed, fmt.Sprintf("Tasks listen on loopback addresses made from their subnets' (10.1.2.4 is 127.1.2.4), %d of them.", len(used))
}

// nodeAddr is the loopback twin of the address an NLB node would have:
// the last usable address of the load balancer's first subnet (tasks are
// numbered from the bottom). Invalid when tasks do not get their own
// addresses (not Linux) or the subnet is unknown.
func nodeAddr(d *design.Design, lb *design.LoadBalancer, perTask bool) netip.Addr {
	if !perTask || len(lb.Subnets) == 0 {
		return netip.Addr{}
	}
	for _, v := range d.VPCs {
		for _, s := range v.Subnets {
			if s.ID != lb.Subnets[0] || !s.CIDR.Addr().Is4() {
				continue
			}
			p := s.CIDR.Masked()
			b := p.Addr().As4()
			host := uint32(1)<<(32-p.Bits()) - 2 // the last usable: AWS keeps the broadcast address
			n := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3]) + host
			return netip.AddrFrom4([4]byte{127, byte(n >> 16), byte(n >> 8), byte(n)})
		}
	}
	return netip.Addr{}
}
