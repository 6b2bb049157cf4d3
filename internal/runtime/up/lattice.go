package up

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"sync"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/runtime/accept"
	"github.com/netwright/netwright/internal/runtime/mesh"
	"github.com/netwright/netwright/internal/runtime/netns"
)

// VPC Lattice in netns mode. Each Lattice service listens in the service
// network's namespace (netns's Lattice) at its link-local address
// (netns.LatticeAddr) and its listener's port, which every associated
// VPC routes there: a task calls it from its own namespace, through its
// interface, its groups' egress rules and its subnet's NACL, as on AWS.
// A connection that arrives is the calling task's (by its source
// address), and goes to that task's proxy's egress for the service,
// which runs Lattice's semantics as in loopback mode (rules, weights,
// auth policy with the task's identity, health checks) and connects to
// the targets from Lattice's own address (netns.LatticeSource) in that
// namespace, so the targets' groups and NACLs decide. Lattice's target
// groups are HTTP (or TCP): it reaches the targets in plaintext, so the
// targets' proxies take plaintext.

// latticeFront is the Lattice services' listeners and the calling tasks'
// egress sockets they hand connections to.
type latticeFront struct {
	ns *netns.Namespace

	mu sync.Mutex
	// addrs are the Lattice services' addresses, by mesh service;
	// listeners their sockets, by address.
	addrs     map[string]netip.AddrPort
	listeners map[netip.AddrPort]net.Listener
	callers   map[callerKey]*callerSocket
}

// callerKey is a task (by its address) calling a Lattice service.
type callerKey struct {
	service string
	caller  netip.Addr
}

// serveLattice opens (or keeps) a listener per Lattice service of d in
// the service network's namespace and closes those d no longer has.
func (rt *Runtime) serveLattice(d *design.Design) error {
	if rt.fabric == nil || rt.fabric.Lattice() == nil || d.Mesh == nil || d.Mesh.Lattice == nil {
		return nil
	}
	if rt.lattice == nil {
		rt.lattice = &latticeFront{ns: rt.fabric.Lattice(), addrs: map[string]netip.AddrPort{}, listeners: map[netip.AddrPort]net.Listener{}, callers: map[callerKey]*callerSocket{}}
	}
	f := rt.lattice
	f.mu.Lock()
	defer f.mu.Unlock()
	addrs := map[string]netip.AddrPort{}
	for i, ls := range d.Mesh.Lattice.Services {
		if i >= netns.LatticeServices {
			return fmt.Errorf("VPC Lattice: %d services; netns mode gives addresses to %d", len(d.Mesh.Lattice.Services), netns.LatticeServices)
		}
		addrs[ls.Service] = netip.AddrPortFrom(netns.LatticeAddr(i), uint16(ls.Port))
	}
	for _, ap := range addrs {
		if f.listeners[ap] != nil {
			continue
		}
		ln, err := f.ns.Listen("tcp", ap.String())
		if err != nil {
			return fmt.Errorf("VPC Lattice service at %s: %w", ap, err)
		}
		f.listeners[ap] = ln
		rt.goroutines.Go(func() { _ = accept.Loop{Conns: &rt.goroutines, Handle: f.handle(ap)}.Serve(ln) })
	}
	for ap, ln := range f.listeners {
		kept := false
		for _, a := range addrs {
			kept = kept || a == ap
		}
		if !kept {
			ln.Close()
			delete(f.listeners, ap)
		}
	}
	f.addrs = addrs
	return nil
}

// handle gives a connection to a Lattice service at ap to its caller's
// proxy; one no task's proxy takes (a task that does not declare the
// service) is reset, as no proxy here stands for its Lattice data plane.
func (f *latticeFront) handle(ap netip.AddrPort) func(net.Conn) {
	return func(c net.Conn) {
		from, err := netip.ParseAddrPort(c.RemoteAddr().String())
		if err != nil {
			c.Close()
			return
		}
		f.mu.Lock()
		var sock *callerSocket
		for service, a := range f.addrs {
			if a == ap {
				sock = f.callers[callerKey{service, from.Addr().Unmap()}]
			}
		}
		f.mu.Unlock()
		if sock == nil || !sock.give(c) {
			if tc, ok := c.(*net.TCPConn); ok {
				tc.SetLinger(0)
			}
			c.Close()
		}
	}
}

// egressSocket is where a task's proxy takes the task's calls to a
// Lattice service: fed by the service's listener; nil when service is
// not one.
func (f *latticeFront) egressSocket(service string, caller netip.Addr) net.Listener {
	f.mu.Lock()
	defer f.mu.Unlock()
	ap, ok := f.addrs[service]
	if !ok {
		return nil
	}
	k := callerKey{service, caller}
	s := &callerSocket{f: f, key: k, addr: net.TCPAddrFromAddrPort(ap), ch: make(chan net.Conn), done: make(chan struct{})}
	if old := f.callers[k]; old != nil {
		old.Close()
	}
	f.callers[k] = s
	return s
}

// dial connects from Lattice's address to a target.
func (f *latticeFront) dial(ctx context.Context, addr string) (net.Conn, error) {
	return f.ns.Dialer(&net.Dialer{LocalAddr: &net.TCPAddr{IP: netns.LatticeSource.AsSlice()}})(ctx, "tcp", addr)
}

func (f *latticeFront) close() {
	if f == nil {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for ap, ln := range f.listeners {
		ln.Close()
		delete(f.listeners, ap)
	}
}

// callerSocket is a net.Listener of one task's connections to one
// Lattice service.
type callerSocket struct {
	f    *latticeFront
	key  callerKey
	addr net.Addr
	ch   chan net.Conn
	once sync.Once
	done chan struct{}
}

func (s *callerSocket) Accept() (net.Conn, error) {
	select {
	case c := <-s.ch:
		return c, nil
	case <-s.done:
		return nil, net.ErrClosed
	}
}

func (s *callerSocket) Close() error {
	s.once.Do(func() {
		close(s.done)
		s.f.mu.Lock()
		if s.f.callers[s.key] == s {
			delete(s.f.callers, s.key)
		}
		s.f.mu.Unlock()
	})
	return nil
}

func (s *callerSocket) Addr() net.Addr { return s.addr }

func (s *callerSocket) give(c net.Conn) bool {
	select {
	case s.ch <- c:
		return true
	case <-s.done:
		return false
	}
}

// latticeNetns reports whether Lattice's data plane runs in the
// fabric: netns mode, a Lattice mesh.
func (rt *Runtime) latticeNetns() bool {
	cfg := rt.mesh.Config()
	return rt.lattice != nil && cfg != nil && cfg.Semantics == mesh.Lattice
}

// latticeHealthDial is how Lattice's health checks connect: from its
// address in netns mode, from the host in loopback mode.
func (rt *Runtime) latticeHealthDial(ctx context.Context, network, addr string) (net.Conn, error) {
	if rt.lattice != nil {
		return rt.lattice.dial(ctx, addr)
	}
	return (&net.Dialer{}).DialContext(ctx, network, addr)
}

// plainToTargets makes a Lattice policy for netns mode, where Lattice
// itself reaches the targets: in plaintext, as its HTTP target groups
// do, so the targets' proxies take plaintext (a caller's TLS to an HTTPS
// listener is not run: the task calls the service in plaintext, as it
// calls its proxy in loopback mode).
func plainToTargets(cfg *mesh.Config) {
	for _, up := range cfg.Upstreams {
		up.TLS = mesh.TLSOff
	}
	for _, in := range cfg.Ingress {
		in.TLS = mesh.TLSOff
	}
	cfg.Notes = append(cfg.Notes, "In netns mode each VPC Lattice service listens at an address of "+design.LatticeCIDR.String()+" in every VPC associated with the service network (a VPC not associated does not reach it), and Lattice connects to the targets from "+netns.LatticeSource.String()+" in plaintext, as its HTTP target groups do: the callers' and the targets' security groups and NACLs decide, as on AWS.")
}
