package alb

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/netwright/netwright/internal/clock"
	"github.com/netwright/netwright/internal/runtime/accept"
	"github.com/netwright/netwright/internal/runtime/h1"
)

// Server serves a listener's connections with the listener's own
// HTTP/1.1 data path (fastpath.go), which costs half of what net/http's
// server and reverse proxy spend per request. A request the data path
// does not take (see Listener.serveFast) hands its connection, from that
// request on, to Fallback, a net/http server whose handler is the
// listener's ServeHTTP: every request gets ALB's semantics one way or the
// other. With TLS set, connections that negotiate HTTP/2 go to Fallback
// whole.
type Server struct {
	// Current returns the listener serving now; a reload swaps it.
	Current func() *Listener
	// Fallback serves handed-over connections. It must have no TLS
	// configuration and serve nothing else; Server runs and stops it.
	Fallback *http.Server
	// IdleTimeout is the load balancer's idle timeout (60 s when 0): the
	// longest wait for the next request, and for each further part of a
	// request's header or body, as ALB's idle timeout is reset by each
	// byte. A client that stops partway through a header for that long
	// gets ALB's 408. HeaderTimeout bounds a TLS handshake (the idle
	// timeout when 0).
	HeaderTimeout, IdleTimeout time.Duration
	// Clock is what the idle timeout and the TLS handshake's bound run
	// on (the system's when nil): each connection's read deadline is a
	// clock.Deadline, the socket's own deadline on the system's clock.
	// It should be the listeners' Options.Clock.
	Clock clock.Clock
	// OnConn, when set, is told of each client connection opened (+1)
	// and closed (-1), also of connections handed to Fallback.
	OnConn func(delta int)
	// TLS, when set, terminates TLS (an HTTPS listener); Fallback must
	// have no TLS configuration of its own. SetTLS replaces it.
	TLS *tls.Config
	tls atomic.Pointer[tls.Config]

	start   sync.Once
	handoff *connQueue
	handed  atomic.Int64
	// goroutines counts the accept loops, the connections' goroutines and
	// the fallback's accept loop, which a clean Shutdown waits for.
	goroutines sync.WaitGroup

	mu      sync.Mutex
	closing bool
	// shutting mirrors closing for the connections' lock-free look at
	// it between requests.
	shutting atomic.Bool
	lns      []net.Listener
	// conns holds the connections served here, for Shutdown; each says
	// itself whether it waits for a request (clientConn.state), so a
	// request costs no lock of the server's.
	conns map[*clientConn]struct{}
}

// A client connection's state, for Shutdown: waiting for a request,
// serving one, or closed by Shutdown while it waited.
const (
	connBusy int32 = iota
	connIdle
	connClosed
)

// Serve accepts connections on ln until Shutdown or Close.
func (s *Server) Serve(ln net.Listener) error {
	s.init()
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		ln.Close()
		return http.ErrServerClosed
	}
	s.lns = append(s.lns, ln)
	s.goroutines.Add(1) // before Shutdown can wait: it sets closing under s.mu
	s.mu.Unlock()
	defer s.goroutines.Done()
	err := accept.Loop{Handle: s.serveConn, Conns: &s.goroutines}.Serve(ln)
	if s.isClosing() {
		return http.ErrServerClosed
	}
	return err
}

func (s *Server) init() {
	s.start.Do(func() {
		s.handoff = &connQueue{ch: make(chan net.Conn), done: make(chan struct{})}
		s.conns = map[*clientConn]struct{}{}
		if s.TLS != nil && s.tls.Load() == nil {
			s.tls.Store(s.TLS)
		}
		if s.IdleTimeout <= 0 {
			s.IdleTimeout = 60 * time.Second // ALB's default
		}
		if s.HeaderTimeout <= 0 {
			s.HeaderTimeout = s.IdleTimeout
		}
		// An HTTP/2 connection is handed over as the *tls.Conn itself (the
		// only kind net/http serves HTTP/2 on): it is counted out here.
		prior := s.Fallback.ConnState
		s.Fallback.ConnState = func(c net.Conn, st http.ConnState) {
			if _, raw := c.(*tls.Conn); raw && (st == http.StateClosed || st == http.StateHijacked) {
				s.count(-1)
			}
			if prior != nil {
				prior(c, st)
			}
		}
		// A connection handed over mid-way through TLS reaches net/http as
		// a wrapper, which net/http cannot see the session of: the
		// session rides in the connection's context and is put back on
		// each request, for the access log's TLS fields.
		priorCtx, h := s.Fallback.ConnContext, s.Fallback.Handler
		s.Fallback.ConnContext = func(ctx context.Context, c net.Conn) context.Context {
			if priorCtx != nil {
				ctx = priorCtx(ctx, c)
			}
			if hc, ok := c.(*handedConn); ok {
				if hc.tls != nil {
					ctx = context.WithValue(ctx, tlsStateKey{}, hc.tls)
				}
				ctx = context.WithValue(ctx, handedKey{}, hc)
			}
			return ctx
		}
		s.Fallback.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if st, ok := r.Context().Value(tlsStateKey{}).(*tls.ConnectionState); ok && r.TLS == nil {
				r.TLS = st
			}
			// The first request of a handed-over connection carries the
			// data path's desync classification of it.
			if hc, ok := r.Context().Value(handedKey{}).(*handedConn); ok {
				if class, first := hc.firstClass(); first && class.tier > compliant {
					r = r.WithContext(context.WithValue(r.Context(), desyncKey{}, class))
				}
			}
			h.ServeHTTP(w, r)
		})
		s.goroutines.Go(func() { _ = s.Fallback.Serve(s.handoff) })
	})
}

type tlsStateKey struct{}

type handedKey struct{}

func (s *Server) isClosing() bool { return s.shutting.Load() }

// Shutdown stops accepting, closes idle connections, and waits for the
// requests in flight (here and at Fallback) until ctx ends, when it
// closes what is left. Once every connection ended in time, the
// server's goroutines have too.
func (s *Server) Shutdown(ctx context.Context) error {
	s.init()
	s.mu.Lock()
	s.closing = true
	s.shutting.Store(true)
	for _, ln := range s.lns {
		ln.Close()
	}
	s.closeIdle()
	s.mu.Unlock()
	fallback := make(chan error, 1)
	go func() { fallback <- s.Fallback.Shutdown(ctx) }()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		s.mu.Lock()
		n := len(s.conns)
		s.closeIdle() // those that finished a request since the last look
		s.mu.Unlock()
		if n == 0 {
			s.handoff.Close()
			err := <-fallback
			s.goroutines.Wait()
			return err
		}
		select {
		case <-ctx.Done():
			s.Close()
			<-fallback
			return ctx.Err()
		case <-tick.C:
		}
	}
}

// SetTLS changes the TLS configuration connections accepted from now on
// get (nil: plain HTTP), for a listener whose protocol changes between
// HTTP and HTTPS on a reload.
func (s *Server) SetTLS(cfg *tls.Config) {
	s.init()
	s.tls.Store(cfg)
}

// HandedOver counts the connections given to Fallback.
func (s *Server) HandedOver() int64 { return s.handed.Load() }

// Close closes every listener and connection at once.
func (s *Server) Close() error {
	s.init()
	s.mu.Lock()
	s.closing = true
	s.shutting.Store(true)
	for _, ln := range s.lns {
		ln.Close()
	}
	for cc := range s.conns {
		cc.c.Close()
	}
	s.mu.Unlock()
	s.handoff.Close()
	return s.Fallback.Close()
}

// closeIdle closes the connections waiting for a request. The caller
// holds s.mu.
func (s *Server) closeIdle() {
	for cc := range s.conns {
		if cc.state.CompareAndSwap(connIdle, connClosed) {
			cc.c.Close()
		}
	}
}

// track registers cc, busy, for Shutdown; false when the server is
// closing.
func (s *Server) track(cc *clientConn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return false
	}
	s.conns[cc] = struct{}{}
	return true
}

func (s *Server) untrack(cc *clientConn) {
	s.mu.Lock()
	delete(s.conns, cc)
	s.mu.Unlock()
}

// idle marks cc as waiting for a request; false (cc is to close) when
// the server shuts down.
func (s *Server) idle(cc *clientConn) bool {
	cc.state.Store(connIdle)
	return !s.shutting.Load() || !cc.state.CompareAndSwap(connIdle, connClosed)
}

// busy marks cc as serving a request; false when Shutdown closed it
// while it waited.
func (s *Server) busy(cc *clientConn) bool {
	return cc.state.CompareAndSwap(connIdle, connBusy)
}

func (s *Server) count(delta int) {
	if s.OnConn != nil {
		s.OnConn(delta)
	}
}

// clientConn is one client connection on the data path.
type clientConn struct {
	c  net.Conn
	br *bufio.Reader
	bw *bufio.Writer
	// src is the client's address, for source-ip conditions; clientIP its
	// text, for X-Forwarded-For.
	src      netip.Addr
	clientIP string
	remote   string
	// tls is the session of an HTTPS connection.
	tls *tls.ConnectionState
	// dl is the connection's read deadline, on the server's clock.
	dl clock.Deadline
	// state is connIdle, connBusy or connClosed, for Shutdown.
	state atomic.Int32
	// source is what br reads from: the connection, with the idle
	// timeout on each read while a body is read.
	source clientSource
	head   reqHead
	// class is the desync classification of the request in head.
	class desyncClass
	// scratch builds the upstream request head.
	scratch []byte
	// headBuf holds the request head cc.head's strings point into,
	// respBuf the target's response head, traceBuf the request's trace
	// ID: each is valid until the next request on the connection, and
	// reused for it, so a request allocates nothing.
	headBuf, respBuf, traceBuf []byte
	// headers and headerValues are the request's fields for http-header
	// conditions, reused by each request.
	headers      map[string][]string
	headerValues [][]string
	// watcher watches for a client that leaves while a target answers.
	watcher h1.Watcher
}

// Client connections read through an 8 KB buffer: a request head that
// does not fit goes to the fallback, which applies ALB's 16K/64K limits.
const clientBufSize = 8 << 10

var (
	clientReaders = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, clientBufSize) }}
	clientWriters = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 4<<10) }}
)

func (s *Server) serveConn(c net.Conn) {
	s.count(1)
	c = rawIO(c)
	cc := &clientConn{c: c}
	cc.dl.Init(c, s.Clock)
	if cfg := s.tls.Load(); cfg != nil {
		tc := tls.Server(c, cfg)
		// As net/http bounds the handshake: reads on the clock, writes
		// on the wall (a client that reads nothing).
		cc.dl.Set(s.HeaderTimeout)
		c.SetWriteDeadline(time.Now().Add(s.HeaderTimeout))
		err := tc.Handshake()
		cc.dl.Clear()
		c.SetWriteDeadline(time.Time{})
		if err != nil {
			cc.dl.Stop()
			c.Close()
			s.count(-1)
			return
		}
		st := tc.ConnectionState()
		if st.NegotiatedProtocol == "h2" {
			cc.dl.Stop()
			if !s.give(tc) {
				tc.Close()
				s.count(-1)
			}
			return
		}
		cc.c, cc.tls = tc, &st
	}
	c = cc.c
	cc.br, cc.bw = clientReaders.Get().(*bufio.Reader), clientWriters.Get().(*bufio.Writer)
	cc.source.c, cc.source.dl = c, &cc.dl
	cc.br.Reset(&cc.source)
	cc.bw.Reset(c)
	cc.remote = c.RemoteAddr().String()
	if ap, err := netip.ParseAddrPort(cc.remote); err == nil {
		cc.src = ap.Addr().Unmap()
		cc.clientIP = cc.src.String()
	}
	handed, tracked := false, s.track(cc)
	defer func() {
		if tracked {
			s.untrack(cc)
		}
		cc.dl.Stop()
		if handed {
			return // the wrapper's Close counts the connection out
		}
		c.Close()
		s.count(-1)
		cc.br.Reset(nil)
		cc.bw.Reset(nil)
		clientReaders.Put(cc.br)
		clientWriters.Put(cc.bw)
	}()
	for tracked {
		if !s.idle(cc) {
			return
		}
		// A deadline is set only before a read that may block: pipelined
		// requests and heads that came whole need none.
		if cc.br.Buffered() == 0 {
			cc.dl.Set(s.IdleTimeout)
			if _, err := cc.br.Peek(1); err != nil {
				return
			}
		}
		if !s.busy(cc) {
			return
		}
		err := cc.readHead(s.IdleTimeout)
		if cc.class.tier == severe && (err == nil || errors.Is(err, errNotFast)) {
			// Desync mitigation blocks it: ALB's 400 (or 501), then the
			// connection closes.
			s.Current().blockSevere(cc)
			return
		}
		switch {
		case errors.Is(err, errNotFast):
			handed = s.handOver(cc)
			return
		case err != nil && timedOut(err):
			// Part of a header came, then nothing for the idle timeout.
			s.Current().requestTimeout(cc)
			return
		case err != nil:
			return // closed mid-header: nothing to answer
		}
		keep, fallback := s.Current().serveFast(cc, s.isClosing())
		if fallback {
			handed = s.handOver(cc)
			return
		}
		if !keep {
			return
		}
	}
}

// handOver gives the connection, with what its reader holds, to the
// fallback server; it reports whether the fallback took it. What
// net/http answers there itself (a request it refuses before any
// handler) goes out as ALB's answer, logged.
func (s *Server) handOver(cc *clientConn) bool {
	remote, local := cc.remote, cc.c.LocalAddr().String()
	var r io.Reader = cc.br
	if s.Current().lb.DropInvalidHeaders {
		// drop_invalid_header_fields: the fields go before net/http, which
		// would refuse a name that is not a token, sees the request.
		if buf, err := h1.PeekHead(cc.br, nil, 0); err == nil {
			if kept := withoutInvalidFields(string(buf)); len(kept) != len(buf) {
				cc.br.Discard(len(buf))
				r = io.MultiReader(strings.NewReader(kept), cc.br)
			}
		}
	}
	// The wait for this request's head armed the connection's deadline:
	// it is stopped before the fallback owns the connection (the deferred
	// Stop in serveConn may run only once the fallback has served it for
	// a while, and on a clock other than the system's the deadline would
	// then still fire into the fallback's reads).
	cc.dl.Stop()
	hc := &handedConn{Conn: cc.c, r: r, tls: cc.tls, done: func() { s.count(-1) }, class: cc.class}
	hc.reject = func(code int, head []byte, w func([]byte) (int, error)) {
		x := s.Current()
		x.count(0, "", code)
		sent := writeALBStatus(writerFunc(w), code, x.now())
		class, _ := hc.firstClass() // the data path's verdict, if this is the first request
		x.logRejected(remote, local, cc.tls, head, code, int64(sent), class)
	}
	return s.give(hc)
}

// withoutInvalidFields is a raw request head without the header lines
// whose names drop_invalid_header_fields drops.
func withoutInvalidFields(raw string) string {
	line, rest, _ := strings.Cut(raw, "\n")
	var b strings.Builder
	b.WriteString(line)
	b.WriteByte('\n')
	for rest != "" {
		line, rest, _ = strings.Cut(rest, "\n")
		name, _, ok := strings.Cut(line, ":")
		if ok && line[0] != ' ' && line[0] != '\t' && !albHeaderName(name) {
			continue
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	return b.String()
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// give hands c to the fallback; it reports whether the fallback took it.
func (s *Server) give(c net.Conn) bool {
	s.handed.Add(1)
	select {
	case s.handoff.ch <- c:
		return true
	case <-s.handoff.done:
		s.handed.Add(-1)
		return false
	}
}

// handedConn is a client connection the fallback serves: reads drain what
// the data path had buffered first. An answer net/http's server writes
// itself to a request it refuses goes to reject in its place, with the
// head of that request as far as it was read.
type handedConn struct {
	net.Conn
	r    io.Reader
	tls  *tls.ConnectionState // the session, when c is TLS
	once sync.Once
	done func()
	// reject writes ALB's answer for code with w and logs it.
	reject func(code int, head []byte, w func([]byte) (int, error))
	// head holds what was read since the last answer, up to
	// maxRejectedHead bytes, for the log line of a refused request.
	// net/http reads in the background while it writes, so headMu
	// guards it.
	headMu sync.Mutex
	head   []byte
	// class is the desync classification of the first request, which
	// the data path read; firstTaken is set once a request took it.
	class      desyncClass
	firstTaken atomic.Bool
}

// firstClass returns the first request's classification, once.
func (c *handedConn) firstClass() (desyncClass, bool) {
	if c.firstTaken.Swap(true) {
		return desyncClass{}, false
	}
	return c.class, true
}

type desyncKey struct{}

// maxRejectedHead bounds what a handed-over connection keeps of a
// request's head for the log.
const maxRejectedHead = 16 << 10

func (c *handedConn) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if n > 0 {
		c.headMu.Lock()
		if room := maxRejectedHead - len(c.head); room > 0 {
			c.head = append(c.head, p[:min(n, room)]...)
		}
		c.headMu.Unlock()
	}
	return n, err
}

func (c *handedConn) Write(p []byte) (int, error) {
	c.headMu.Lock()
	defer c.headMu.Unlock()
	if code := netHTTPError(p); code != 0 && c.reject != nil {
		c.reject(albCodeFor(code), c.head, c.Conn.Write)
		c.head = c.head[:0]
		return len(p), nil
	}
	c.head = c.head[:0]
	return c.Conn.Write(p)
}

func (c *handedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.done)
	return err
}

// connQueue is the fallback server's listener: connections handed over.
type connQueue struct {
	ch   chan net.Conn
	done chan struct{}
	once sync.Once
}

func (q *connQueue) Accept() (net.Conn, error) {
	select {
	case c := <-q.ch:
		return c, nil
	case <-q.done:
		return nil, net.ErrClosed
	}
}

func (q *connQueue) Close() error {
	q.once.Do(func() { close(q.done) })
	return nil
}

func (q *connQueue) Addr() net.Addr { return &net.TCPAddr{IP: net.IPv4zero} }
