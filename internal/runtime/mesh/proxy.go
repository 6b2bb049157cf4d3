package mesh

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/netwright/netwright/internal/runtime/accept"
	"github.com/netwright/netwright/internal/runtime/h1"
)

// Proxy is one task's proxy: an ingress listener that hands calls to the
// task, and an egress listener per dependency the mesh carries.
type Proxy struct {
	m      *Mesh
	task   Task
	net    Network
	tracer trace.Tracer
	in     *ingress
	egress map[string]*egress // by dependency

	mu       sync.Mutex
	conns    map[net.Conn]struct{} // open connections, closed by Close
	servers  []*http.Server
	clusters map[string]*cluster // by target service
	closed   bool
	// fast holds the fast path's client connections, for a drain;
	// draining is set once one starts.
	fast map[*fastConn]struct{}
	// h2 holds the HTTP/2 fast path's caller connections, for a drain
	// and for a fault added (h2fast.go).
	h2       map[*h2conn]struct{}
	draining atomic.Bool
	// fastRequests counts the requests the fast path served, handed the
	// connections it gave the net/http server.
	fastRequests, handed atomic.Int64
	// record is set when spans are exported: the fast path records its
	// spans only then (fastSpan).
	record bool
}

// Task is the task the proxy serves.
func (p *Proxy) Task() Task { return p.task }

// Ingress is the address callers' proxies reach the task at ("" when
// nothing calls it through the mesh).
func (p *Proxy) Ingress() string {
	if p.in == nil {
		return ""
	}
	return p.in.ln.Addr().String()
}

// Egress is the address the task calls dep at, through its proxy.
func (p *Proxy) Egress(dep string) (string, bool) {
	e, ok := p.egress[dep]
	if !ok {
		return "", false
	}
	return e.ln.Addr().String(), true
}

func (p *Proxy) start() {
	p.tracer = p.m.opt.tracerFor(p.task.Service)
	p.record = p.m.opt.Tracing.exporting()
	if p.in != nil {
		p.in.start()
	}
	for _, e := range p.egress {
		e.start()
	}
}

func (p *Proxy) cluster(service string) *cluster {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.clusters == nil {
		p.clusters = map[string]*cluster{}
	}
	c := p.clusters[service]
	if c == nil {
		c = newCluster(service)
		p.clusters[service] = c
	}
	return c
}

// track records an open connection; false when the proxy is closed.
func (p *Proxy) track(c net.Conn, add bool) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if add {
		if p.closed {
			return false
		}
		p.conns[c] = struct{}{}
	} else {
		delete(p.conns, c)
	}
	return true
}

func (p *Proxy) serveHTTP(ln net.Listener, h http.Handler, idle time.Duration, connCtx func(context.Context, net.Conn) context.Context) *http.Server {
	if idle <= 0 {
		idle = 5 * time.Minute
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 30 * time.Second, IdleTimeout: idle, Protocols: new(http.Protocols), ConnContext: connCtx}
	srv.Protocols.SetHTTP1(true)
	srv.Protocols.SetHTTP2(true)
	srv.Protocols.SetUnencryptedHTTP2(true)
	srv.SetKeepAlivesEnabled(true)
	p.mu.Lock()
	p.servers = append(p.servers, srv)
	p.mu.Unlock()
	p.m.goroutines.Go(func() { _ = srv.Serve(ln) })
	return srv
}

func (p *Proxy) closeListeners() {
	if p.in != nil {
		p.in.ln.Close()
	}
	for _, e := range p.egress {
		e.ln.Close()
	}
}

// Close stops the proxy at once: its listeners and every connection.
func (p *Proxy) Close() {
	p.mu.Lock()
	p.closed = true
	servers := slices.Clone(p.servers)
	conns := make([]net.Conn, 0, len(p.conns))
	for c := range p.conns {
		conns = append(conns, c)
	}
	p.mu.Unlock()
	p.closeListeners()
	for _, s := range servers {
		s.Close()
	}
	for _, c := range conns {
		c.Close()
	}
	p.closeTransports()
	p.m.forget(p)
}

// Shutdown drains the proxy: its listeners close, calls in flight finish
// until ctx ends, then it closes.
func (p *Proxy) Shutdown(ctx context.Context) {
	p.closeListeners()
	p.drainFast(ctx)
	p.mu.Lock()
	servers := slices.Clone(p.servers)
	p.mu.Unlock()
	for _, s := range servers {
		_ = s.Shutdown(ctx)
	}
	p.Close()
}

func (p *Proxy) closeTransports() {
	for _, e := range p.egress {
		e.mu.Lock()
		for _, t := range e.transports {
			t.CloseIdleConnections()
		}
		e.mu.Unlock()
		e.pools.close()
	}
	if p.in != nil && p.in.app != nil {
		p.in.app.CloseIdleConnections()
		p.in.pools.close()
	}
}

func (p *Proxy) status(cfg *Config) ProxyStatus {
	st := ProxyStatus{Task: p.task.ID, Service: p.task.Service, Ingress: p.Ingress()}
	if p.in != nil {
		st.Identity = p.m.ids.ID(p.task.Service)
		if cfg != nil && cfg.Ingress[p.task.Service] != nil {
			st.TLS = cfg.Ingress[p.task.Service].TLS.String()
		}
	}
	now := p.m.clock.Now()
	deps := make([]string, 0, len(p.egress))
	for d := range p.egress {
		deps = append(deps, d)
	}
	sort.Strings(deps)
	for _, d := range deps {
		e := p.egress[d]
		us := UpstreamStatus{Service: d, Addr: e.ln.Addr().String(), Targets: []EndpointStatus{}}
		up := e.upstream()
		seen := map[string]bool{}
		for _, r := range up.Routes {
			for _, t := range r.Targets {
				if seen[t.Service] {
					continue
				}
				seen[t.Service] = true
				cl := p.cluster(t.Service)
				for _, ep := range p.m.endpoints(t.Service) {
					es := EndpointStatus{Service: t.Service, Task: ep.Task, Addr: ep.Addr, State: "available", InFlight: cl.inFlight(ep.Task)}
					if until := cl.ejectedUntil(now, ep.Task); !until.IsZero() {
						es.State, es.EjectedUntil = "ejected", until
					} else if !p.m.health.healthy(t.Service, ep.Task) {
						es.State = "unhealthy"
					}
					es.Health = p.m.health.state(t.Service, ep.Task)
					us.Targets = append(us.Targets, es)
				}
			}
		}
		st.Egress = append(st.Egress, us)
	}
	return st
}

// connQueue is a net.Listener fed connections one at a time, for an
// http.Server serving connections a proxy accepted and prepared itself
// (TLS, identity, faults at accept).
type connQueue struct {
	ch   chan net.Conn
	addr net.Addr
	once sync.Once
	done chan struct{}
}

func newConnQueue(addr net.Addr) *connQueue {
	return &connQueue{ch: make(chan net.Conn), addr: addr, done: make(chan struct{})}
}

func (q *connQueue) Accept() (net.Conn, error) {
	select {
	case c := <-q.ch:
		return c, nil
	case <-q.done:
		return nil, net.ErrClosed
	}
}

func (q *connQueue) Close() error { q.once.Do(func() { close(q.done) }); return nil }

func (q *connQueue) Addr() net.Addr { return q.addr }

func (q *connQueue) give(c net.Conn) bool {
	select {
	case q.ch <- c:
		return true
	case <-q.done:
		return false
	}
}

// reset closes c with a TCP reset, as a dead task's address answers.
func reset(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	c.Close()
}

// countedConn counts a connection's bytes and, closed, out of the
// active connections.
type countedConn struct {
	net.Conn
	p      *Proxy
	raw    net.Conn
	closed atomic.Bool
	bytes  *atomic.Int64
	onEnd  func(n int64)
}

func (c *countedConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	c.bytes.Add(int64(n))
	return n, err
}

func (c *countedConn) Write(b []byte) (int, error) {
	n, err := c.Conn.Write(b)
	c.bytes.Add(int64(n))
	return n, err
}

func (c *countedConn) Close() error {
	err := c.Conn.Close()
	if c.closed.CompareAndSwap(false, true) {
		c.p.track(c.raw, false)
		if c.onEnd != nil {
			c.onEnd(c.bytes.Load())
		}
	}
	return err
}

// peekedConn is a connection whose first bytes were read ahead.
type peekedConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *peekedConn) Read(b []byte) (int, error) { return c.r.Read(b) }

// sniffTLS reports whether the client opened with a TLS handshake record,
// returning the connection with that byte still to be read.
func sniffTLS(c net.Conn) (net.Conn, bool, error) {
	br := bufio.NewReaderSize(c, 512)
	c.SetReadDeadline(time.Now().Add(30 * time.Second))
	b, err := br.Peek(1)
	c.SetReadDeadline(time.Time{})
	if err != nil {
		return nil, false, err
	}
	return &peekedConn{Conn: c, r: br}, b[0] == 0x16, nil
}

// relay copies between a and b until both directions end, each read
// waiting at most idle (none when 0), passing half-closes on.
func relay(a, b net.Conn, idle time.Duration) (int64, int64) {
	var up, down int64
	var wg sync.WaitGroup
	cp := func(dst, src net.Conn, n *int64) {
		buf := make([]byte, 32<<10)
		for {
			if idle > 0 {
				src.SetReadDeadline(time.Now().Add(idle))
			}
			k, err := src.Read(buf)
			if k > 0 {
				if _, werr := dst.Write(buf[:k]); werr != nil {
					break
				}
				*n += int64(k)
			}
			if err != nil {
				if errors.Is(err, io.EOF) {
					closeWrite(dst)
					return
				}
				break
			}
		}
		a.Close()
		b.Close()
	}
	wg.Go(func() { cp(b, a, &up) })
	cp(a, b, &down)
	wg.Wait()
	a.Close()
	b.Close()
	return up, down
}

func closeWrite(c net.Conn) {
	switch x := c.(type) {
	case interface{ CloseWrite() error }:
		x.CloseWrite()
	case *peekedConn:
		closeWrite(x.Conn)
	case *countedConn:
		closeWrite(x.Conn)
	}
}

// tlsHandshake runs a server handshake within 10 s.
func tlsHandshake(c net.Conn, cfg *tls.Config) (*tls.Conn, error) {
	tc := tls.Server(c, cfg)
	c.SetDeadline(time.Now().Add(10 * time.Second))
	err := tc.Handshake()
	c.SetDeadline(time.Time{})
	return tc, err
}

// reverseProxy is a ReverseProxy that streams (gRPC, server-sent
// answers) and leaves headers to the caller.
func reverseProxy(rewrite func(*httputil.ProxyRequest), rt http.RoundTripper, onError func(http.ResponseWriter, *http.Request, error)) *httputil.ReverseProxy {
	return &httputil.ReverseProxy{Rewrite: rewrite, Transport: rt, FlushInterval: -1, ErrorHandler: onError, ErrorLog: discardLog, BufferPool: h1.BufferPool{},
		ModifyResponse: grpcStatusAsTrailers}
}

// grpcStatusAsTrailers moves a gRPC trailers-only answer's status into
// trailers. The reverse proxy flushes an answer's head at once when it
// flushes every write (FlushInterval -1, by a timer of its own), which
// can send the head before the handler ends, without END_STREAM: a
// status in that head, not followed by trailers, is one gRPC clients
// do not read ("server closed the stream without sending trailers").
// As trailers, the status arrives however the head went.
func grpcStatusAsTrailers(res *http.Response) error {
	if res.ContentLength != 0 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/grpc") || res.Header.Get("Grpc-Status") == "" {
		return nil
	}
	if res.Trailer == nil {
		res.Trailer = http.Header{}
	}
	for _, k := range []string{"Grpc-Status", "Grpc-Message", "Grpc-Status-Details-Bin"} {
		if v, ok := res.Header[k]; ok {
			res.Trailer[k] = v
			delete(res.Header, k)
		}
	}
	return nil
}

func (p *Proxy) loop(ln net.Listener, handle func(net.Conn)) {
	p.m.goroutines.Go(func() { _ = accept.Loop{Conns: &p.m.goroutines, Handle: handle}.Serve(ln) })
}
