// Package nlb serves one listener of a design's Network Load Balancer on
// this machine with NLB's semantics, for `netwright up`: TCP passed
// through byte for byte (both ends *net.TCPConn, so Linux splices),
// TLS terminated with the listener's certificate (and started again to a
// TLS target group, whose certificate NLB does not verify), UDP with flow
// affinity and idle expiry, the flow hash on the 5-tuple (on the source
// address alone with source_ip stickiness), TCP or HTTP health checks with
// the designed thresholds and fail-open, and the client's address kept or
// replaced by the load balancer node's as the target group says.
package nlb

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/netwright/netwright/internal/clock"
	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/runtime/accept"
	"github.com/netwright/netwright/internal/runtime/health"
)

// UDPIdleTimeout is how long NLB keeps a UDP flow without traffic;
// TCPIdleTimeout a TCP flow (NLB's default).
const (
	UDPIdleTimeout = 120 * time.Second
	TCPIdleTimeout = 350 * time.Second
)

// Options tunes a Listener; the zero value serves the design as is.
type Options struct {
	// TLS is the listener's certificate configuration; required for a
	// TLS listener.
	TLS *tls.Config
	// Node is the load balancer node's address, the source targets see
	// when the target group does not preserve the client's address; the
	// system picks one when it is not valid.
	Node netip.Addr
	// Clock runs the health checks' rhythm and timeouts and the TCP and
	// UDP idle timeouts; the system's clock when nil.
	Clock clock.Clock
	// Dial connects to a TCP target from a source address; a plain dial
	// when nil. The local runtime routes inspected paths through an
	// appliance with it.
	Dial func(ctx context.Context, network, addr string, src netip.Addr) (net.Conn, error)
	// DialUDP opens a UDP flow's socket to a target from a source
	// address (any when invalid); a plain DialUDP when nil. The local
	// runtime's netns mode opens it in the load balancer node's namespace.
	DialUDP func(addr string, src netip.Addr) (*net.UDPConn, error)
}

type target struct {
	id, addr string
	state    string
	tally    health.Tally
	flows    atomic.Int64
}

// Listener serves one designed NLB listener; create it with New and
// register its targets with Register. Safe for concurrent use.
type Listener struct {
	lb   *design.LoadBalancer
	conf *design.Listener
	tg   *design.TargetGroup
	opt  Options

	mu      sync.Mutex
	targets []*target

	// open are the client connections and UDP flows in progress, closed
	// by Close, which ends ctx: dials to targets in progress stop.
	openMu sync.Mutex
	open   map[io.Closer]struct{}
	closed bool
	ctx    context.Context
	cancel context.CancelFunc
	// flowsRunning counts the UDP flows' goroutines, which Close waits
	// for.
	flowsRunning sync.WaitGroup

	// checker is the client of HTTP health checks.
	checker *http.Transport
	// idledOut counts the TCP flows dropped for idleness.
	idledOut atomic.Int64
}

// New prepares listener l of lb, which forwards to one of tgs.
func New(lb *design.LoadBalancer, l *design.Listener, tgs []design.TargetGroup, opt Options) (*Listener, error) {
	if lb.Type != design.NLB {
		return nil, fmt.Errorf("%s is a %s load balancer, not a network load balancer", lb.ID, lb.Type)
	}
	if l.DefaultAction.Type != design.ActionForward || len(l.DefaultAction.Forward) != 1 {
		return nil, fmt.Errorf("listener %s: an NLB listener forwards to one target group", l.ID)
	}
	lis := &Listener{lb: lb, conf: l, opt: opt, open: map[io.Closer]struct{}{}}
	lis.ctx, lis.cancel = context.WithCancel(context.Background())
	for i := range tgs {
		if tgs[i].ID == l.DefaultAction.Forward[0].TargetGroup {
			lis.tg = &tgs[i]
		}
	}
	if lis.tg == nil {
		return nil, fmt.Errorf("listener %s forwards to %s, which the design does not have", l.ID, l.DefaultAction.Forward[0].TargetGroup)
	}
	switch l.Protocol {
	case "TCP", "UDP", "TCP_UDP":
	case "TLS":
		if opt.TLS == nil {
			return nil, fmt.Errorf("listener %s is TLS and has no certificate", l.ID)
		}
	default:
		return nil, fmt.Errorf("listener %s: protocol %s is not served locally", l.ID, l.Protocol)
	}
	lis.opt.Clock = clock.Or(lis.opt.Clock)
	// As ELB's checker: no compression asked for, ALB's 32 KB limit on a
	// response header, a few idle connections per target.
	lis.checker = &http.Transport{DisableCompression: true, DialContext: lis.checkDial,
		MaxResponseHeaderBytes: 32 << 10, MaxIdleConns: 64, MaxIdleConnsPerHost: 4, IdleConnTimeout: time.Minute, ResponseHeaderTimeout: time.Minute}
	return lis, nil
}

// checkDial connects a health check to a target: from the node, through
// Options.Dial when it is set.
func (lis *Listener) checkDial(ctx context.Context, network, addr string) (net.Conn, error) {
	if lis.opt.Dial != nil {
		return lis.opt.Dial(ctx, network, addr, netip.Addr{})
	}
	return (&net.Dialer{Timeout: 10 * time.Second}).DialContext(ctx, network, addr)
}

// TargetGroup is the ID of the group the listener forwards to.
func (lis *Listener) TargetGroup() string { return lis.tg.ID }

// Register adds a target (host:port) in the initial state.
func (lis *Listener) Register(id, addr string) error {
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return fmt.Errorf("target %s: %w", id, err)
	}
	lis.mu.Lock()
	defer lis.mu.Unlock()
	if slices.ContainsFunc(lis.targets, func(t *target) bool { return t.id == id }) {
		return fmt.Errorf("target %s is already registered in %s", id, lis.tg.ID)
	}
	lis.targets = append(lis.targets, &target{id: id, addr: addr, state: health.Initial})
	return nil
}

// Deregister takes a target out of service: new flows no longer go to
// it; flows in progress go on until they end.
func (lis *Listener) Deregister(id string) {
	lis.mu.Lock()
	defer lis.mu.Unlock()
	lis.targets = slices.DeleteFunc(lis.targets, func(t *target) bool { return t.id == id })
}

// Targets returns the targets in registration order, for status.
func (lis *Listener) Targets() []health.TargetStatus {
	lis.mu.Lock()
	defer lis.mu.Unlock()
	out := make([]health.TargetStatus, 0, len(lis.targets))
	for _, t := range lis.targets {
		out = append(out, health.TargetStatus{ID: t.id, Addr: t.addr, State: t.state, InFlight: t.flows.Load()})
	}
	return out
}

// pick chooses the target of a flow: the flow's hash over the healthy
// targets, or over all of them when none is healthy (NLB fails open too).
// nil when the group is empty.
func (lis *Listener) pick(key uint64) *target {
	lis.mu.Lock()
	defer lis.mu.Unlock()
	pool := make([]*target, 0, len(lis.targets))
	for _, t := range lis.targets {
		if t.state == health.Healthy {
			pool = append(pool, t)
		}
	}
	if len(pool) == 0 {
		pool = append(pool, lis.targets...)
	}
	if len(pool) == 0 {
		return nil
	}
	return pool[key%uint64(len(pool))]
}

// flowKey hashes a flow as NLB does: protocol, source and destination
// address and port; the source address alone with source_ip stickiness.
func (lis *Listener) flowKey(proto string, src, dst netip.AddrPort) uint64 {
	h := fnv.New64a()
	b := src.Addr().Unmap().As16()
	h.Write(b[:])
	if lis.tg.Stickiness != "source_ip" {
		h.Write([]byte(proto))
		h.Write([]byte(strconv.Itoa(int(src.Port()))))
		d := dst.Addr().Unmap().As16()
		h.Write(d[:])
		h.Write([]byte(strconv.Itoa(int(dst.Port()))))
	}
	return h.Sum64()
}

// source is the address a connection to a target comes from: the
// client's when the group preserves it (all of 127.0.0.0/8 is this
// machine's, so the client's loopback address can be used), else the
// node's.
func (lis *Listener) source(client netip.Addr) netip.Addr {
	if lis.tg.PreserveClientIP {
		return client.Unmap()
	}
	return lis.opt.Node
}

// track registers a connection or flow to close on Close; false when the
// listener is already closed.
func (lis *Listener) track(c io.Closer) bool {
	lis.openMu.Lock()
	defer lis.openMu.Unlock()
	if lis.closed {
		return false
	}
	lis.open[c] = struct{}{}
	return true
}

// trackFlow is track for a UDP flow, whose goroutine run is then started
// and counted (before Close can wait); false when the listener is
// already closed.
func (lis *Listener) trackFlow(f *flow, run func()) bool {
	lis.openMu.Lock()
	defer lis.openMu.Unlock()
	if lis.closed {
		return false
	}
	lis.open[f] = struct{}{}
	lis.flowsRunning.Go(run)
	return true
}

func (lis *Listener) untrack(c io.Closer) {
	lis.openMu.Lock()
	defer lis.openMu.Unlock()
	delete(lis.open, c)
}

// Close ends every connection and flow in progress and waits for the
// goroutines the listener started. Closing the listening sockets is the
// caller's.
func (lis *Listener) Close() {
	lis.openMu.Lock()
	lis.closed = true
	open := lis.open
	lis.open = map[io.Closer]struct{}{}
	lis.openMu.Unlock()
	lis.cancel()
	for c := range open {
		c.Close()
	}
	lis.flowsRunning.Wait()
	lis.checker.CloseIdleConnections()
}

// ServeTCP accepts connections on ln until it is closed: TCP passes
// through, a TLS listener terminates TLS first.
func (lis *Listener) ServeTCP(ln net.Listener) error {
	return accept.Loop{Handle: lis.Handle}.Serve(ln)
}

// Handle serves one accepted connection until both ends close.
func (lis *Listener) Handle(c net.Conn) {
	if !lis.track(c) {
		c.Close()
		return
	}
	defer lis.untrack(c)
	defer c.Close()
	src, _ := netip.ParseAddrPort(c.RemoteAddr().String())
	dst, _ := netip.ParseAddrPort(c.LocalAddr().String())
	t := lis.pick(lis.flowKey("tcp", src, dst))
	if t == nil {
		reset(c) // no targets: NLB resets the connection
		return
	}
	t.flows.Add(1)
	defer t.flows.Add(-1)
	up, err := lis.dial(t.addr, lis.source(src.Addr()))
	if err != nil {
		// The target refused or is unreachable: the client gets a reset,
		// as it would get the target's own refusal through NLB.
		reset(c)
		return
	}
	if !lis.track(up) {
		up.Close()
		return
	}
	defer lis.untrack(up)
	defer up.Close()
	var client, target net.Conn = c, up
	if lis.conf.Protocol == "TLS" {
		tc := tls.Server(c, lis.opt.TLS)
		if err := tc.Handshake(); err != nil {
			return
		}
		client = tc
	}
	if lis.tg.Protocol == "TLS" {
		// NLB does not verify a target's certificate.
		tc := tls.Client(up, &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS12}) //nolint:gosec // as NLB does
		if err := tc.Handshake(); err != nil {
			reset(client)
			return
		}
		target = tc
	}
	lis.relay(client, target)
}

// dial connects to a target from src (any address when invalid).
func (lis *Listener) dial(addr string, src netip.Addr) (net.Conn, error) {
	ctx, cancel := context.WithTimeout(lis.ctx, 10*time.Second)
	defer cancel()
	if lis.opt.Dial != nil {
		return lis.opt.Dial(ctx, "tcp", addr, src)
	}
	d := net.Dialer{}
	if src.IsValid() {
		d.LocalAddr = &net.TCPAddr{IP: src.AsSlice()}
	}
	return d.DialContext(ctx, "tcp", addr)
}

// closeWriter is a connection that can end one direction.
type closeWriter interface{ CloseWrite() error }

// relay copies both ways between the client a and the target b until
// both directions end, passing each direction's end on as a half close
// and a reset on either side to the other. With two *net.TCPConn,
// io.Copy reaches (*net.TCPConn).ReadFrom, which splices on Linux.
//
// A flow with no data either way for the TCP idle timeout (on the
// listener's clock) is dropped, as NLB
// drops it: nothing is sent to either end then; each end that sends
// afterwards (or closes) gets a reset.
//
// On the system's clock, where the kernel can say (TCP_INFO on Linux),
// the time since either end last sent is the kernel's: spliced bytes
// never pass through the relay, so only the kernel sees them move, and
// its wall-clock count is the system clock's. The read deadline each
// copy runs under is set to the moment the flow would idle out, and
// looked at again when it passes. Any other clock (a test's) the kernel
// cannot count on, so the relay copies through its own reads and stamps
// each on the clock, and every read puts both directions' deadlines
// (clock.Deadlines, timers of that clock) at idle from then: the flow
// idles out exactly idle after its last byte on that clock. Systems
// without TCP_INFO do the same on the system's clock.
func (lis *Listener) relay(a, b net.Conn) {
	f := &tcpFlow{a: a, b: b, idle: TCPIdleTimeout, clk: lis.opt.Clock, idledOut: &lis.idledOut}
	f.da.Init(a, f.clk)
	f.db.Init(b, f.clk)
	defer f.da.Stop()
	defer f.db.Stop()
	if f.da.OnSystemClock() {
		_, oka := sinceData(a)
		_, okb := sinceData(b)
		f.kernel = oka && okb
	}
	f.last.Store(f.clk.Now().UnixNano())
	f.da.Set(f.idle)
	f.db.Set(f.idle)
	done := make(chan struct{})
	go func() {
		defer close(done)
		f.pump(b, a)
	}()
	f.pump(a, b)
	<-done
}

// tcpFlow is one relayed TCP connection.
type tcpFlow struct {
	a, b net.Conn
	idle time.Duration
	clk  clock.Clock
	// da and db are a's and b's read deadlines.
	da, db clock.Deadline
	// kernel is set when the kernel tells when each end last sent.
	kernel bool
	// last is when a byte last moved, on clk, in Unix nanoseconds, when
	// the kernel does not tell.
	last atomic.Int64
	// expired is set once the flow idled out; broken once a reset from
	// either end was passed on.
	expired, broken atomic.Bool
	// idledOut counts the listener's flows dropped for idleness.
	idledOut *atomic.Int64
}

// deadline is src's read deadline.
func (f *tcpFlow) deadline(src net.Conn) *clock.Deadline {
	if src == f.a {
		return &f.da
	}
	return &f.db
}

// stamped reads an end of a flow the kernel does not count for: each
// read notes the time and moves both deadlines on.
type stamped struct {
	net.Conn
	f *tcpFlow
}

func (s stamped) Read(p []byte) (int, error) {
	n, err := s.Conn.Read(p)
	if n > 0 {
		s.f.last.Store(s.f.clk.Now().UnixNano())
		s.f.da.Set(s.f.idle)
		s.f.db.Set(s.f.idle)
	}
	return n, err
}

// pump copies src to dst until src's direction ends.
func (f *tcpFlow) pump(dst, src net.Conn) {
	var from io.Reader = src // *net.TCPConn: spliced
	if !f.kernel {
		from = stamped{src, f}
	}
	for {
		_, err := io.Copy(dst, from)
		switch {
		case f.broken.Load():
			return
		case isReset(err):
			// A reset from either end (or a write into one that is
			// gone) goes on to the other as a reset.
			if !f.broken.Swap(true) {
				reset(f.a)
				reset(f.b)
			}
			return
		case err == nil || !isTimeout(err):
			if f.expired.Load() {
				f.idleOut(src)
				return
			}
			// The end of this direction, or a failure: pass it on.
			if cw, ok := dst.(closeWriter); ok {
				_ = cw.CloseWrite()
			} else {
				dst.Close()
			}
			return
		case f.expired.Load():
			f.idleOut(src)
			return
		}
		left := f.untilIdle()
		if left <= 0 {
			if !f.expired.Swap(true) {
				f.idledOut.Add(1)
				// The other direction's copy stops at once and waits too.
				other := &f.da
				if src == f.a {
					other = &f.db
				}
				other.Expire()
			}
			f.idleOut(src)
			return
		}
		f.deadline(src).Set(left)
	}
}

// untilIdle is how long the flow may stay quiet before it idles out:
// the idle timeout less the time since either end last sent, as the
// kernel counts it or as the relay stamped it on the clock.
func (f *tcpFlow) untilIdle() time.Duration {
	if f.kernel {
		sa, oka := sinceData(f.a)
		sb, okb := sinceData(f.b)
		if oka && okb {
			return f.idle - min(sa, sb)
		}
	}
	return f.idle - f.clk.Now().Sub(time.Unix(0, f.last.Load()))
}

// idleOut waits, after the flow idled out, for c's end to send or close,
// and resets it then, as NLB answers a packet of a flow it no longer
// has; nothing reaches the other end.
func (f *tcpFlow) idleOut(c net.Conn) {
	raw := c
	if tc, ok := c.(*tls.Conn); ok {
		raw = tc.NetConn()
	}
	var b [1]byte
	for {
		f.deadline(c).Clear()
		_, err := raw.Read(b[:])
		switch {
		case errors.Is(err, net.ErrClosed):
			return // the listener closed it
		case isTimeout(err):
			continue // the other direction stopping this one's copy, late: not the end's doing
		}
		reset(c) // the end sent, closed or reset
		return
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// isReset reports an error that means an end reset the connection or is
// gone.
func isReset(err error) bool {
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

// reset closes c with a RST rather than a FIN.
func reset(c net.Conn) {
	if tc, ok := c.(*tls.Conn); ok {
		c = tc.NetConn()
	}
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	c.Close()
}

// Adopt carries health over from old, the listener this one replaces on
// a reload: a target with the same ID and address keeps its state.
func (lis *Listener) Adopt(old *Listener) {
	old.mu.Lock()
	prior := map[[2]string]*target{}
	for _, t := range old.targets {
		prior[[2]string{t.id, t.addr}] = t
	}
	old.mu.Unlock()
	lis.mu.Lock()
	defer lis.mu.Unlock()
	for _, t := range lis.targets {
		if p, ok := prior[[2]string{t.id, t.addr}]; ok {
			t.state, t.tally = p.state, p.tally
		}
	}
}

// CheckHealth checks every target once, concurrently: TCP connect, or
// HTTP(S) GET of the path, as the group designs it.
func (lis *Listener) CheckHealth(ctx context.Context) {
	lis.mu.Lock()
	targets := slices.Clone(lis.targets)
	lis.mu.Unlock()
	h := lis.tg.Health
	timeout := time.Duration(h.Timeout)
	if timeout <= 0 {
		timeout = 10 * time.Second // NLB's default for TCP checks
	}
	var wg sync.WaitGroup
	for _, t := range targets {
		wg.Go(func() {
			addr := t.addr
			if h.Port != 0 && h.Port != lis.tg.Port {
				host, _, _ := net.SplitHostPort(addr)
				addr = net.JoinHostPort(host, strconv.Itoa(h.Port))
			}
			c := health.Check{Addr: addr, Matcher: h.Matcher, UserAgent: "ELB-HealthChecker/2.0", Timeout: timeout, Dial: lis.checkDial}
			if h.Protocol == "HTTP" || h.Protocol == "HTTPS" {
				c.Path = h.Path
				if c.Path == "" {
					c.Path = "/"
				}
			}
			ok := health.Probe(ctx, lis.opt.Clock, lis.checker, c)
			lis.mu.Lock()
			defer lis.mu.Unlock()
			t.state = t.tally.Observe(t.state, ok, h.HealthyThreshold, h.UnhealthyThreshold)
		})
	}
	wg.Wait()
}

// RunHealthChecks checks at the designed interval until ctx ends, the
// first round at once.
func (lis *Listener) RunHealthChecks(ctx context.Context) {
	health.Every(ctx, lis.opt.Clock, time.Duration(lis.tg.Health.Interval), func() { lis.CheckHealth(ctx) })
}

// LoadBalancer is the designed load balancer the listener belongs to.
func (lis *Listener) LoadBalancer() *design.LoadBalancer { return lis.lb }

// DesignListener is the designed listener served.
func (lis *Listener) DesignListener() *design.Listener { return lis.conf }
