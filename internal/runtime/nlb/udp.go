package nlb

import (
	"errors"
	"net"
	"net/netip"
	"sync"
	"time"

	"github.com/netwright/netwright/internal/clock"
)

// flow is one UDP flow: a client's address and port, the target the
// flow hash chose, and the socket that talks to it. Its idle timeout
// runs on the listener's clock: lastSeen is a time of that clock, and
// the socket's read deadline a clock.Deadline.
type flow struct {
	up       *net.UDPConn
	t        *target
	clk      clock.Clock
	dl       clock.Deadline
	mu       sync.Mutex
	lastSeen time.Time
}

func (f *flow) touch() {
	now := f.clk.Now()
	f.mu.Lock()
	f.lastSeen = now
	f.mu.Unlock()
}

func (f *flow) idleFor() time.Duration {
	now := f.clk.Now()
	f.mu.Lock()
	defer f.mu.Unlock()
	return now.Sub(f.lastSeen)
}

// seen is when the flow last carried a datagram, on its clock.
func (f *flow) seen() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.lastSeen
}

// Close ends the flow.
func (f *flow) Close() error { return f.up.Close() }

// ServeUDP relays datagrams on pc until it is closed. Each client
// address and port is a flow that sticks to one target until it has been
// idle for the UDP idle timeout; the target's answers go back to the
// client from the listener's address.
func (lis *Listener) ServeUDP(pc *net.UDPConn) error {
	var mu sync.Mutex
	flows := map[netip.AddrPort]*flow{}
	dst, _ := netip.ParseAddrPort(pc.LocalAddr().String())
	buf := make([]byte, 64<<10)
	for {
		n, from, err := pc.ReadFromUDPAddrPort(buf)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				mu.Lock()
				for _, f := range flows {
					f.Close()
				}
				mu.Unlock()
				return nil
			}
			continue
		}
		mu.Lock()
		f := flows[from]
		if f == nil {
			f = lis.openFlow(pc, from, dst, func() {
				mu.Lock()
				delete(flows, from)
				mu.Unlock()
			})
			if f != nil {
				flows[from] = f
			}
		}
		mu.Unlock()
		if f == nil {
			continue // no target, or none reachable: NLB drops it
		}
		f.touch()
		_, _ = f.up.Write(buf[:n]) // UDP: a lost datagram is the client's to retry
	}
}

// openFlow picks the flow's target, opens its socket (from the client's
// address when the group preserves it) and relays the target's answers
// until the flow idles out; gone is called when it ends.
func (lis *Listener) openFlow(pc *net.UDPConn, from, dst netip.AddrPort, gone func()) *flow {
	t := lis.pick(lis.flowKey("udp", from, dst))
	if t == nil {
		return nil
	}
	up, err := lis.dialUDP(t.addr, lis.source(from.Addr()))
	if err != nil {
		return nil
	}
	f := &flow{up: up, t: t, clk: lis.opt.Clock}
	f.dl.Init(up, f.clk)
	f.touch()
	t.flows.Add(1)
	relayed := lis.trackFlow(f, func() {
		defer gone()
		defer lis.untrack(f)
		defer t.flows.Add(-1)
		defer up.Close()
		defer f.dl.Stop()
		buf := make([]byte, 64<<10)
		for {
			f.dl.SetUntil(f.seen().Add(UDPIdleTimeout))
			n, err := up.Read(buf)
			if err != nil {
				var ne net.Error
				if errors.As(err, &ne) && ne.Timeout() && f.idleFor() < UDPIdleTimeout {
					continue // traffic from the client kept it alive
				}
				return
			}
			f.touch()
			_, _ = pc.WriteToUDPAddrPort(buf[:n], from)
		}
	})
	if !relayed {
		t.flows.Add(-1)
		up.Close()
		return nil
	}
	return f
}

// dialUDP opens a flow's socket to a target from src (any when invalid).
func (lis *Listener) dialUDP(addr string, src netip.Addr) (*net.UDPConn, error) {
	if lis.opt.DialUDP != nil {
		return lis.opt.DialUDP(addr, src)
	}
	raddr, err := net.ResolveUDPAddr("udp", addr)
	if err != nil {
		return nil, err
	}
	var laddr *net.UDPAddr
	if src.IsValid() {
		laddr = &net.UDPAddr{IP: src.AsSlice()}
	}
	return net.DialUDP("udp", laddr, raddr)
}
