package up

import (
	"errors"
	"fmt"
	"net/netip"
	"runtime"
	"syscall"

	"github.com/netwright/netwright/internal/design"
)

// place is where a task runs: its loopback address, the private address
// in its subnet that address is the twin of, and the subnet.
type place struct {
	local, designed netip.Addr
	subnet          netip.Prefix
}

// placed gives every task, by service, a loopback address made from the
// private address it would get in its designed subnet, 10.1.2.4
// becoming 127.1.2.4, so source addresses tell tasks and subnets apart as
// they do in the VPC and each task listens on its service's own port,
// as with ECS's awsvpc. Tasks take turns over their placement's subnets
// (one per AZ), from the subnet's fifth address (AWS reserves the first
// four). It works where all of 127.0.0.0/8 is local (Linux); elsewhere,
// or when two tasks would share an address, it returns nil and a note,
// and every task listens on 127.0.0.1 with a port of its own.
func placed(d *design.Design) (map[string][]place, string) {
	if runtime.GOOS != "linux" {
		return nil, "Tasks listen on 127.0.0.1 with a port each: only Linux routes all of 127.0.0.0/8 to this machine."
	}
	subnets := map[string]netip.Prefix{}
	for _, v := range d.VPCs {
		for _, s := range v.Subnets {
			subnets[s.ID] = s.CIDR
		}
	}
	next := map[string]netip.Addr{} // subnet -> next free address
	used := map[netip.Addr]string{}
	out := map[string][]place{}
	for _, s := range d.Services {
		if len(s.Placements) == 0 || len(s.Placements[0].Subnets) == 0 {
			return nil, fmt.Sprintf("Tasks listen on 127.0.0.1 with a port each: %s has no subnets.", s.Name)
		}
		ids := s.Placements[0].Subnets
		for i := range max(s.Replicas, 1) {
			id := ids[i%len(ids)]
			p, ok := subnets[id]
			if !ok || !p.Addr().Is4() {
				return nil, fmt.Sprintf("Tasks listen on 127.0.0.1 with a port each: subnet %s is not an IPv4 subnet of the design.", id)
			}
			p = p.Masked()
			a, ok := next[id]
			if !ok {
				a = p.Addr().Next().Next().Next().Next()
			}
			if !p.Contains(a) {
				return nil, fmt.Sprintf("Tasks listen on 127.0.0.1 with a port each: subnet %s is too small for its tasks.", id)
			}
			next[id] = a.Next()
			local := twin(a)
			if other, dup := used[local]; dup {
				return nil, fmt.Sprintf("Tasks listen on 127.0.0.1 with a port each: %s and %s would share %s.", other, s.Name, local)
			}
			used[local] = s.Name
			out[s.Name] = append(out[s.Name], place{local: local, designed: a, subnet: p})
		}
	}
	return out, fmt.Sprintf("Tasks listen on their services' ports at loopback addresses made from their subnets' (10.1.2.4 is 127.1.2.4), %d of them.", len(used))
}

// twin is the loopback address standing for a private IPv4 address.
func twin(a netip.Addr) netip.Addr {
	b := a.As4()
	return netip.AddrFrom4([4]byte{127, b[1], b[2], b[3]})
}

// addrPool tracks the loopback addresses tasks may take in one apply.
type addrPool struct {
	// planned holds every task's planned address in the design; held the
	// addresses of tasks running or started.
	planned, held map[netip.Addr]bool
}

func newAddrPool(places map[string][]place, running map[string]*runningTask) *addrPool {
	p := &addrPool{planned: map[netip.Addr]bool{}, held: map[netip.Addr]bool{}}
	for _, ps := range places {
		for _, pl := range ps {
			p.planned[pl.local] = true
		}
	}
	for _, t := range running {
		if ap, err := netip.ParseAddrPort(t.Addr); err == nil {
			p.held[ap.Addr()] = true
		}
	}
	return p
}

// openAt opens a new task's socket at its service's port on its planned
// place. When a task still holds that address (one a reload starts anew,
// or one ECS replaces, until it has drained) or another program holds
// the port there, the task takes the next address of its subnet that no
// task is planned on or holds, as a new ECS task gets a new address in
// its subnet. If none can be had, it listens on a free port of its
// planned address.
func (p *addrPool) openAt(s *design.Service, id, spec string, pl place) (*runningTask, place, error) {
	last := lastUsable(pl.subnet)
	a := pl.designed
	for try := 0; try < 256 && s.Port > 0 && pl.subnet.Contains(a) && a.Less(last); try, a = try+1, a.Next() {
		local := twin(a)
		if p.held[local] || try > 0 && p.planned[local] {
			continue
		}
		t, err := openTask(s, id, local.String(), s.Port, spec)
		if errors.Is(err, syscall.EADDRINUSE) {
			continue
		}
		if err != nil {
			return nil, pl, err
		}
		p.held[local] = true
		return t, place{local: local, designed: a, subnet: pl.subnet}, nil
	}
	t, err := openTask(s, id, pl.local.String(), 0, spec)
	return t, pl, err
}

// lastUsable is a subnet's last address before its broadcast address,
// which nodeAddr gives an NLB node: tasks stop short of it.
func lastUsable(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().As4()
	n := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3]) + uint32(1)<<(32-p.Bits()) - 2
	return netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)})
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
