package mesh

import (
	"context"
	"crypto/tls"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/netwright/netwright/internal/clock"
)

var discardLog = log.New(discardWriter{}, "", 0)

type discardWriter struct{}

func (discardWriter) Write(b []byte) (int, error) { return len(b), nil }

// ingress is a task's proxy's listener for calls to the task: it ends
// the proxies' TLS, authorizes the caller, applies the task's faults,
// and hands the call to the task in its own protocol.
type ingress struct {
	p     *Proxy
	ln    net.Listener
	queue *connQueue
	app   *http.Transport
	rp    *httputil.ReverseProxy
	// cfg is the service's ingress policy the proxy started with, used
	// when a reload leaves the service out of the mesh.
	cfg *Ingress
	// pools holds the fast path's connections to the task, labels its
	// metrics' labels by discovery name.
	pools  pools
	labels labelCache
}

type peerKey struct{}

func (in *ingress) policy() *Ingress {
	if c := in.p.m.cfg.Load(); c != nil && c.Ingress[in.p.task.Service] != nil {
		return c.Ingress[in.p.task.Service]
	}
	return in.cfg
}

func (in *ingress) start() {
	p := in.p
	in.cfg = p.m.cfg.Load().Ingress[p.task.Service]
	if in.cfg.Protocol != "tcp" {
		in.app = &http.Transport{
			DialContext: func(ctx context.Context, _, addr string) (net.Conn, error) {
				return p.net.Dial(ctx, p.task, addr)
			},
			MaxIdleConnsPerHost: 256, IdleConnTimeout: 90 * time.Second, Protocols: new(http.Protocols),
		}
		if in.cfg.Protocol == "http2" || in.cfg.Protocol == "grpc" {
			in.app.Protocols.SetUnencryptedHTTP2(true)
		} else {
			in.app.Protocols.SetHTTP1(true)
		}
		in.rp = reverseProxy(func(pr *httputil.ProxyRequest) {
			pr.Out.URL.Scheme, pr.Out.URL.Host = "http", p.task.Addr
			pr.Out.Host = pr.In.Host
			Inject(pr.Out.Context(), pr.Out.Header)
		}, in.app, func(w http.ResponseWriter, r *http.Request, err error) {
			if r.Context().Err() != nil {
				return // the caller left
			}
			localReply(w, r, http.StatusServiceUnavailable, "upstream connect error or disconnect/reset before headers. reset reason: connection failure")
		})
		in.queue = newConnQueue(in.ln.Addr())
		p.serveHTTP(in.queue, in, 0, func(ctx context.Context, c net.Conn) context.Context {
			// The caller's identity, checked once per connection.
			if hc, ok := c.(*handedConn); ok {
				return context.WithValue(ctx, peerKey{}, hc.peer)
			}
			if tc, ok := c.(*tls.Conn); ok {
				st := tc.ConnectionState()
				return context.WithValue(ctx, peerKey{}, p.m.ids.peerService(&st))
			}
			return context.WithValue(ctx, peerKey{}, "")
		})
	}
	p.loop(in.ln, in.accept)
}

// peerConn is a plaintext connection handed to the HTTP server (a TLS
// one goes as the *tls.Conn itself, the only kind net/http serves
// HTTP/2 over TLS on).
type peerConn struct {
	net.Conn
}

func (in *ingress) accept(raw net.Conn) {
	p, m := in.p, in.p.m
	if b, ok := p.net.(Bypass); ok && b.Bypassed(p.task, raw.RemoteAddr()) {
		in.pass(raw)
		return
	}
	if m.faults.killed(p.task.ID, p.task.Service) {
		m.metrics.faults.WithLabelValues(p.task.ID, FaultKill).Inc()
		reset(raw)
		return
	}
	if !p.track(raw, true) {
		raw.Close()
		return
	}
	pol := in.policy()
	labels := m.metrics.server(pol.DiscoveryName, p.task.Service)
	m.metrics.newConns.WithLabelValues(labels...).Inc()
	active := m.metrics.activeConns.WithLabelValues(labels...)
	active.Inc()
	var n atomic.Int64
	c := &countedConn{Conn: raw, raw: raw, p: p, bytes: &n, onEnd: func(b int64) {
		active.Dec()
		m.metrics.processed.WithLabelValues(labels...).Add(float64(b))
	}}
	var conn net.Conn = c
	peer := ""
	useTLS := pol.TLS != TLSOff
	if pol.TLS == TLSMutualPermissive {
		sc, isTLS, err := sniffTLS(c)
		if err != nil {
			c.Close()
			return
		}
		conn, useTLS = sc, isTLS
	}
	if useTLS {
		tc, err := tlsHandshake(conn, m.ids.serverTLS(p.task.Service, pol.TLS))
		if err != nil {
			m.metrics.clientTLSErrors.WithLabelValues(labels...).Inc()
			reset(raw)
			c.Close()
			return
		}
		st := tc.ConnectionState()
		peer = m.ids.peerService(&st)
		conn = tc
	}
	if pol.Protocol == "tcp" {
		in.serveTCP(conn, raw, pol, peer)
		return
	}
	if pol.Protocol == "http" {
		if tc, ok := conn.(*tls.Conn); !ok || tc.ConnectionState().NegotiatedProtocol != "h2" {
			p.serveFastConn(conn, raw, peer, in, 0, in.queue, nil)
			return
		}
	}
	if (pol.Protocol == "grpc" || pol.Protocol == "http2") && in.h2Eligible() {
		if useTLS {
			if isH2TLS(conn) {
				p.serveH2(conn, nil, in, peer, 0, nil)
				return
			}
		} else {
			br, h2 := peekPreface(conn)
			if h2 {
				p.serveH2(conn, br, in, peer, 0, nil)
				return
			}
			conn = &peekedConn{Conn: conn, r: br}
		}
	}
	if !useTLS {
		conn = &peerConn{Conn: conn}
	}
	if !in.queue.give(conn) {
		conn.Close()
	}
}

// pass relays a connection that bypasses the proxy to the task as it
// came (Bypass).
func (in *ingress) pass(raw net.Conn) {
	p := in.p
	if !p.track(raw, true) {
		raw.Close()
		return
	}
	defer p.track(raw, false)
	ctx, cancel := context.WithTimeout(p.m.ctx, 10*time.Second)
	app, err := p.net.Dial(ctx, p.task, p.task.Addr)
	cancel()
	if err != nil {
		reset(raw)
		return
	}
	relay(raw, app, 0)
}

// caller returns the identity of a request's caller: the service its
// proxy's certificate names, or "".
func (in *ingress) caller(r *http.Request) string {
	v, _ := r.Context().Value(peerKey{}).(string)
	return v
}

// authorized reports whether caller may call the service: under strict
// mutual TLS only its declared callers may (deny by default).
func (in *ingress) authorized(pol *Ingress, caller string) bool {
	if !pol.Authorize {
		return true
	}
	cfg := in.p.m.cfg.Load()
	return caller != "" && cfg != nil && slices.Contains(cfg.Callers[in.p.task.Service], caller)
}

func (in *ingress) deny(pol *Ingress, caller, proto string) {
	m := in.p.m
	who := caller
	if who == "" {
		who = "(no identity)"
	}
	m.metrics.denied.WithLabelValues(append(m.metrics.server(pol.DiscoveryName, in.p.task.Service), who)...).Inc()
	m.logf("denied %s call from %s to %s (%s): not a declared caller", proto, who, in.p.task.ID, m.ids.ID(in.p.task.Service))
}

func (in *ingress) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p, m := in.p, in.p.m
	pol := in.policy()
	labels := m.metrics.server(pol.DiscoveryName, p.task.Service)
	m.metrics.requests.WithLabelValues(labels...).Inc()
	grpc := isGRPC(r)
	if grpc {
		m.metrics.grpcRequests.WithLabelValues(labels...).Inc()
	}
	ctx, span := p.startSpan(Extract(r.Context(), r.Header), "ingress "+p.task.Service, trace.WithSpanKind(trace.SpanKindServer),
		trace.WithAttributes(attribute.String("netwright.task", p.task.ID), attribute.String("http.request.method", r.Method), attribute.String("url.path", r.URL.Path)))
	defer span.End()
	r = r.WithContext(ctx)
	caller := in.caller(r)
	if caller != "" {
		span.SetAttributes(attribute.String("netwright.caller", m.ids.ID(caller)))
	}
	if !in.authorized(pol, caller) {
		in.deny(pol, caller, "HTTP")
		span.SetStatus(codes.Error, "RBAC: access denied")
		localReply(w, r, http.StatusForbidden, "RBAC: access denied")
		return
	}
	if f := m.faults.atIngress(p.task.ID, p.task.Service); f != nil {
		m.metrics.faults.WithLabelValues(f.Target, f.Kind).Inc()
		span.AddEvent("fault", trace.WithAttributes(attribute.String("netwright.fault", f.Kind)))
		switch f.Kind {
		case FaultKill, FaultDrop:
			span.SetStatus(codes.Error, "connection reset ("+f.Kind+" fault)")
			abortConn(w)
			return
		case FaultStall:
			if !m.stall(ctx, f) {
				return
			}
		case FaultDelay:
			if !clock.Sleep(ctx, m.clock, f.delay) {
				return
			}
		case FaultAbort:
			span.SetStatus(codes.Error, "aborted ("+f.Value+", fault)")
			localReply(w, r, f.status, "fault filter abort")
			return
		}
	}
	in.rp.ServeHTTP(w, r)
}

// stall holds a call until ctx ends or the fault goes (cleared or past
// its time); it reports whether the call goes on.
func (m *Mesh) stall(ctx context.Context, f *Fault) bool {
	for {
		if !f.live(m.clock.Now()) {
			return true
		}
		changed := m.faults.Changed()
		still := false
		for _, g := range m.faults.List() {
			still = still || g.ID == f.ID
		}
		if !still {
			return true
		}
		var wait <-chan time.Time
		if !f.Until.IsZero() {
			t := m.clock.NewTimer(f.Until.Sub(m.clock.Now()))
			defer t.Stop()
			wait = t.C()
		}
		select {
		case <-ctx.Done():
			return false
		case <-changed:
		case <-wait:
		}
	}
}

// abortConn ends the call's connection without an answer: HTTP/1 is
// reset, an HTTP/2 stream reset.
func abortConn(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if c, _, err := hj.Hijack(); err == nil {
			reset(unwrapConn(c))
			return
		}
	}
	panic(http.ErrAbortHandler)
}

func unwrapConn(c net.Conn) net.Conn {
	for {
		switch x := c.(type) {
		case *peerConn:
			c = x.Conn
		case *handedConn:
			c = x.Conn
		case *peekedConn:
			c = x.Conn
		case *countedConn:
			x.Close()
			return x.raw
		default:
			return c
		}
	}
}

func isGRPC(r *http.Request) bool {
	return r.ProtoMajor == 2 && strings.HasPrefix(r.Header.Get("Content-Type"), "application/grpc")
}

// grpcStatusOf maps an HTTP status to the gRPC code Envoy answers a gRPC
// call with in its place.
func grpcStatusOf(status int) int {
	switch status {
	case http.StatusBadRequest:
		return 13 // INTERNAL
	case http.StatusUnauthorized:
		return 16
	case http.StatusForbidden:
		return 7 // PERMISSION_DENIED
	case http.StatusNotFound:
		return 12
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return 14 // UNAVAILABLE
	}
	return 2 // UNKNOWN
}

// localReply answers a call from the proxy itself, as Envoy does: the
// status and a text body, or a gRPC trailers-only answer to a gRPC call.
func localReply(w http.ResponseWriter, r *http.Request, status int, msg string) {
	if isGRPC(r) {
		w.Header().Set("Content-Type", "application/grpc")
		w.Header().Set("Grpc-Status", strconv.Itoa(grpcStatusOf(status)))
		w.Header().Set("Grpc-Message", msg)
		w.WriteHeader(http.StatusOK)
		return
	}
	w.Header().Set("Content-Type", "text/plain")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(msg))
}

func (in *ingress) serveTCP(conn, raw net.Conn, pol *Ingress, peer string) {
	p, m := in.p, in.p.m
	if !in.authorized(pol, peer) {
		in.deny(pol, peer, "TCP")
		reset(raw)
		conn.Close()
		return
	}
	if f := m.faults.atIngress(p.task.ID, p.task.Service); f != nil {
		m.metrics.faults.WithLabelValues(f.Target, f.Kind).Inc()
		switch f.Kind {
		case FaultKill, FaultAbort:
			reset(raw)
			conn.Close()
			return
		case FaultDrop:
			conn.Close()
			return
		case FaultStall:
			ctx, cancel := context.WithCancel(m.ctx)
			defer cancel()
			if !m.stall(ctx, f) {
				conn.Close()
				return
			}
		case FaultDelay:
			if !clock.Sleep(m.ctx, m.clock, f.delay) {
				conn.Close()
				return
			}
		}
	}
	ctx, cancel := context.WithTimeout(m.ctx, 10*time.Second)
	app, err := p.net.Dial(ctx, p.task, p.task.Addr)
	cancel()
	if err != nil {
		reset(raw)
		conn.Close()
		return
	}
	relay(conn, app, 0)
}
