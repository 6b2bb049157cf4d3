package mesh

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httputil"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
	"golang.org/x/net/http/httpguts"

	"github.com/netwright/netwright/internal/clock"
	"github.com/netwright/netwright/internal/runtime/h1"
)

// The proxies' own HTTP/1.1 data path, on the wire the ALB's runs on
// (internal/runtime/h1): a request head is read whole from the
// connection's buffer and parsed in place, the call is routed, its
// target task picked, tried and retried as the semantics say, over pooled
// keep-alive connections to the target's proxy (the caller's proxy) or to
// the task (the target's), and the answer streamed back. Spans, metrics,
// outlier detection and authorization are those of the net/http path
// (egress.go, ingress.go), which stays the fallback: a request the fast
// path does not take hands its connection, from that request on and
// before a byte of it is consumed, to the proxy's net/http server.
//
// The fast path takes HTTP/1.0 and 1.1 requests in origin form with a
// Host, a head within 8 KB, no Expect, Upgrade, Connection options or
// chunked body, a body of at most 64 KiB (kept, so a retry can send it
// again), to a listener of protocol http, while no fault is injected
// anywhere in the mesh; at the caller's proxy also not to a Lattice
// service whose auth policy refuses the caller, nor on a route with
// per-try timeouts, retry back-off or circuit breakers (the model's).
// Everything else (WebSocket, faults, the model's retries) runs as
// before; HTTP/2 and gRPC have a data path of their own (h2conn.go,
// h2fast.go).

// fastConn is one client connection on the fast path.
type fastConn struct {
	p *Proxy
	// c is what the request is read from and the answer written to (TLS,
	// when the ingress ended it); raw is the socket.
	c, raw net.Conn
	br     *bufio.Reader
	bw     *bufio.Writer
	dl     clock.Deadline
	// peer is the caller's identity (at an ingress that ended TLS).
	peer string
	// state is connIdle, connBusy or connClosed, for a drain.
	state atomic.Int32

	head reqHead
	resp h1.Response
	// headBuf holds the request head, respBuf the response head, body
	// the request's body, scratch the heads written: each is reused by
	// the next request.
	headBuf, respBuf, body, scratch []byte
	tried                           []string
	span                            fastSpan
	// watch notices a caller that leaves while an upstream answers.
	watch h1.Watcher
}

// watchAfter is how long the fast path waits on an upstream before it
// watches for a caller that leaves (net/http's server reads in the
// background at once; the wait spares a quick answer the system calls).
const watchAfter = 250 * time.Millisecond

// errCallerGone: the caller closed its connection while the upstream
// was answering.
var errCallerGone = errors.New("mesh: the caller left before the answer")

// A fast connection's state, for a drain.
const (
	connBusy int32 = iota
	connIdle
	connClosed
)

// Client connections read through an 8 KB buffer: a longer head goes to
// the fallback.
const fastBufSize = 8 << 10

var (
	fastReaders = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, fastBufSize) }}
	fastWriters = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 4<<10) }}
	// upBuffers lend the connections to targets and tasks their buffers;
	// a response head must fit the reader (net/http's client allows 1
	// MB; past 32 KB the fast path answers 503, as for a bad head).
	upBuffers = h1.NewBuffers(32<<10, 4<<10)
)

// fastHeaderTimeout bounds each part of a request head, as the fallback
// server's ReadHeaderTimeout does.
const fastHeaderTimeout = 30 * time.Second

// fastHandler serves the request in fc.head: keep reports whether the
// connection carries another request, fallback that the request goes to
// the net/http server, nothing of it consumed.
type fastHandler interface {
	serveFast(fc *fastConn) (keep, fallback bool)
}

// handedConn is a connection given to the net/http server after the
// fast path: reads drain what the fast path had buffered first.
type handedConn struct {
	net.Conn
	r    io.Reader
	peer string
	once sync.Once
	done func()
}

func (c *handedConn) Read(b []byte) (int, error) { return c.r.Read(b) }

func (c *handedConn) Close() error {
	err := c.Conn.Close()
	if c.done != nil {
		c.once.Do(c.done)
	}
	return err
}

// serveFastConn serves a connection's requests on the fast path until it
// closes, idles out, or a request goes to q's server. done runs when the
// connection ends, here or there.
func (p *Proxy) serveFastConn(c, raw net.Conn, peer string, h fastHandler, idle time.Duration, q *connQueue, done func()) {
	fc := &fastConn{p: p, c: c, raw: raw, peer: peer}
	fc.dl.Init(c, nil) // client timeouts run on the wall, as net/http's server's do
	fc.br, fc.bw = fastReaders.Get().(*bufio.Reader), fastWriters.Get().(*bufio.Writer)
	fc.br.Reset(c)
	fc.bw.Reset(c)
	if idle <= 0 {
		idle = 5 * time.Minute
	}
	handed := false
	if p.addFast(fc) {
		handed = fc.loop(h, idle, q, done)
		p.removeFast(fc)
	}
	fc.dl.Stop()
	if handed {
		return // the reader is the handed connection's now
	}
	c.Close()
	if done != nil {
		done()
	}
	fc.br.Reset(nil)
	fc.bw.Reset(nil)
	fastReaders.Put(fc.br)
	fastWriters.Put(fc.bw)
}

// loop serves requests; it reports whether it handed the connection over.
func (fc *fastConn) loop(h fastHandler, idle time.Duration, q *connQueue, done func()) bool {
	p := fc.p
	for {
		fc.state.Store(connIdle)
		if p.draining.Load() && fc.state.CompareAndSwap(connIdle, connClosed) {
			return false
		}
		if fc.br.Buffered() == 0 {
			fc.dl.Set(idle)
			if _, err := fc.br.Peek(1); err != nil {
				return false
			}
		}
		if !fc.state.CompareAndSwap(connIdle, connBusy) {
			return false // a drain closed it while it waited
		}
		buf, err := h1.PeekHead(fc.br, &fc.dl, fastHeaderTimeout)
		if err == nil {
			err = fc.head.parse(h1.Hold(&fc.headBuf, buf))
		}
		fallback := errors.Is(err, h1.ErrNotFast) || errors.Is(err, h1.ErrHeadFull)
		if err != nil && !fallback {
			return false
		}
		keep := false
		if !fallback {
			keep, fallback = h.serveFast(fc)
		}
		if fallback {
			p.handed.Add(1)
			fc.dl.Clear()
			hc := &handedConn{Conn: fc.c, r: fc.br, peer: fc.peer, done: done}
			if !q.give(hc) {
				fc.c.Close()
				if done != nil {
					done()
				}
			}
			return true
		}
		if !keep {
			return false
		}
	}
}

// addFast registers fc for a drain; false when the proxy is closed or
// draining.
func (p *Proxy) addFast(fc *fastConn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed || p.draining.Load() {
		return false
	}
	if p.fast == nil {
		p.fast = map[*fastConn]struct{}{}
	}
	p.fast[fc] = struct{}{}
	return true
}

func (p *Proxy) removeFast(fc *fastConn) {
	p.mu.Lock()
	delete(p.fast, fc)
	p.mu.Unlock()
}

// drainFast closes the fast path's idle connections and waits until
// those serving a request have answered it (each then closes), or ctx
// ends.
func (p *Proxy) drainFast(ctx context.Context) {
	p.draining.Store(true)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		p.mu.Lock()
		busy := 0
		var idle []net.Conn
		for fc := range p.fast {
			if fc.state.CompareAndSwap(connIdle, connClosed) {
				idle = append(idle, fc.c)
			} else if fc.state.Load() == connBusy {
				busy++
			}
		}
		p.mu.Unlock()
		for _, c := range idle { // outside p.mu: closing one untracks it
			c.Close()
		}
		busy += p.goAwayH2(true)
		if busy == 0 {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// field is one header line of a request.
type field struct {
	name, value string
	// drop marks a hop-by-hop field, or one the proxy sets itself.
	drop bool
}

// reqHead is a parsed request head; its strings share raw.
type reqHead struct {
	raw                  string
	method, target, path string
	minor                int // HTTP/1.<minor>
	host                 string
	hostSeen             bool
	fields               []field
	contentLength        int64 // -1 when absent
	close, keepAlive     bool
	teTrailers           bool
}

func (h *reqHead) parse(raw string) error {
	*h = reqHead{raw: raw, fields: h.fields[:0], contentLength: -1}
	line, rest, ok := h1.NextLine(raw)
	if !ok {
		return h1.ErrNotFast
	}
	method, target, minor, err := h1.RequestLine(line)
	if err != nil {
		return err
	}
	h.method, h.target, h.minor = method, target, minor
	h.path, _, _ = strings.Cut(target, "?")
	for {
		name, value, next, end, err := h1.NextField(rest)
		if err != nil {
			return err
		}
		if end {
			break
		}
		rest = next
		if err := h.add(name, value); err != nil {
			return err
		}
	}
	if !h.hostSeen || h.host == "" || !httpguts.ValidHostHeader(h.host) || h.contentLength > replayLimit {
		return h1.ErrNotFast
	}
	return nil
}

// replayable reports whether a request may go again on a fresh
// connection after a kept-alive one failed with no answer: as net/http's
// Transport decides, only a method that changes nothing the second time
// (a request that did change something may have been served before the
// connection died).
func (h *reqHead) replayable() bool {
	switch h.method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return true
	}
	return false
}

// add takes one header field, noting what the proxy acts on: the
// hop-by-hop fields and those the reverse proxy of the net/http path
// drops (Forwarded, X-Forwarded-*) or writes itself (traceparent and
// tracestate, Host, Content-Length).
func (h *reqHead) add(name, value string) error {
	drop := false
	is := func(s string) bool { return strings.EqualFold(name, s) }
	switch len(name) {
	case 2:
		if is("Te") {
			drop, h.teTrailers = true, httpguts.HeaderValuesContainsToken([]string{value}, "trailers")
		}
	case 4:
		if is("Host") {
			if h.hostSeen {
				return h1.ErrNotFast
			}
			h.hostSeen, h.host = true, value
			return nil
		}
	case 6:
		if is("Expect") {
			return h1.ErrNotFast
		}
	case 7:
		if is("Upgrade") {
			return h1.ErrNotFast
		}
		drop = is("Trailer")
	case 9:
		drop = is("Forwarded")
	case 10:
		if is("Connection") {
			drop = true
			for tok := range strings.SplitSeq(value, ",") {
				switch tok = strings.TrimSpace(tok); {
				case strings.EqualFold(tok, "close"):
					h.close = true
				case strings.EqualFold(tok, "keep-alive"):
					h.keepAlive = true
				case tok != "":
					return h1.ErrNotFast // it names headers to drop, or upgrades
				}
			}
		}
		drop = drop || is("Keep-Alive") || is("Tracestate")
	case 11:
		drop = is("Traceparent")
	case 14:
		if is("Content-Length") {
			n, ok := h1.ParseLength(value)
			if !ok || h.contentLength >= 0 && n != h.contentLength {
				return h1.ErrNotFast
			}
			drop, h.contentLength = true, n
		}
	case 15:
		drop = is("X-Forwarded-For")
	case 16:
		drop = is("Proxy-Connection") || is("X-Forwarded-Host")
	case 17:
		if is("Transfer-Encoding") {
			return h1.ErrNotFast
		}
		drop = is("X-Forwarded-Proto")
	case 18:
		drop = is("Proxy-Authenticate")
	case 19:
		drop = is("Proxy-Authorization")
	}
	h.fields = append(h.fields, field{name: name, value: value, drop: drop})
	return nil
}

// keep reports whether the client wants the connection kept.
func (h *reqHead) keep() bool {
	if h.close {
		return false
	}
	return h.minor == 1 || h.keepAlive
}

// Get returns the first value of a field (not Host, as net/http's
// Request.Header has none): the routes' header matches and the trace
// context read it.
func (h *reqHead) Get(key string) string {
	for i := range h.fields {
		if strings.EqualFold(h.fields[i].name, key) {
			return h.fields[i].value
		}
	}
	return ""
}

// Set and Keys make the head a propagation.TextMapCarrier to read from.
func (h *reqHead) Set(string, string) {}
func (h *reqHead) Keys() []string     { return nil }

// fastSpan is a call's span on the fast path. When the proxies' spans
// are exported it is the SDK's, recorded as the net/http path records
// it (span set); when they are not, nothing would read a recorded span,
// and only what the trace context needs is made, as the SDK would make
// it: the parent's trace ID (a new one without a parent), a new span ID,
// sampled (every span is), the parent's tracestate.
type fastSpan struct {
	span trace.Span      // nil unless recorded
	ctx  context.Context // the span's, when recorded
	sc   trace.SpanContext
}

// start starts the span of a call whose request head is h: recorded
// named side and service, with the attributes attrs gives, when
// record is set.
func (s *fastSpan) start(tr trace.Tracer, record bool, base context.Context, h propagation.TextMapCarrier, side, service string, kind trace.SpanKind, attrs func() []attribute.KeyValue) {
	if record {
		s.ctx, s.span = tr.Start(Propagator.Extract(base, h), side+" "+service, trace.WithSpanKind(kind), trace.WithAttributes(attrs()...))
		s.sc = s.span.SpanContext()
		return
	}
	s.span, s.ctx = nil, nil
	var tid trace.TraceID
	var ts trace.TraceState
	if id, ok := parseTraceparent(h.Get("traceparent")); ok {
		tid = id
		if v := h.Get("tracestate"); v != "" {
			if st, err := trace.ParseTraceState(v); err == nil {
				ts = st
			}
		}
	}
	s.sc = childContext(tid, ts)
}

// childContext is the context of a span the SDK would start under a
// parent of trace tid (none when zero) and tracestate ts: the parent's
// trace (a new one without a parent), a new span ID, sampled (every span
// is), the parent's tracestate.
func childContext(tid trace.TraceID, ts trace.TraceState) trace.SpanContext {
	cfg := trace.SpanContextConfig{TraceID: tid, TraceFlags: trace.FlagsSampled, TraceState: ts}
	for !cfg.TraceID.IsValid() {
		binary.BigEndian.PutUint64(cfg.TraceID[:8], rand.Uint64())
		binary.BigEndian.PutUint64(cfg.TraceID[8:], rand.Uint64())
	}
	for !cfg.SpanID.IsValid() {
		binary.BigEndian.PutUint64(cfg.SpanID[:], rand.Uint64())
	}
	return trace.NewSpanContext(cfg)
}

// startSpan starts a call's span on the net/http path: the SDK's,
// recorded, when spans are exported; else one that records nothing and
// carries the context childContext makes (as fastSpan does), all the
// trace context needs.
func (p *Proxy) startSpan(ctx context.Context, name string, opts ...trace.SpanStartOption) (context.Context, trace.Span) {
	if p.record {
		return p.tracer.Start(ctx, name, opts...)
	}
	parent := trace.SpanContextFromContext(ctx)
	var tid trace.TraceID
	if parent.IsValid() {
		tid = parent.TraceID()
	}
	ctx = trace.ContextWithSpanContext(ctx, childContext(tid, parent.TraceState()))
	return ctx, trace.SpanFromContext(ctx)
}

func (s *fastSpan) end() {
	if s.span != nil {
		s.span.End()
	}
}

// parseTraceparent reads a W3C traceparent as OpenTelemetry's
// TraceContext propagator does: version 00 exactly 55 characters, a
// later version at least that with a dash after, lowercase hex, a trace
// ID and a span ID not all zero. It returns the trace ID.
func parseTraceparent(v string) (trace.TraceID, bool) {
	var tid trace.TraceID
	if len(v) < 55 || v[2] != '-' || v[35] != '-' || v[52] != '-' {
		return tid, false
	}
	ver, ok := hexByte(v[0:2])
	if !ok || ver == 0xff || ver == 0 && len(v) != 55 || ver > 0 && len(v) > 55 && v[55] != '-' {
		return tid, false
	}
	for i := range 16 {
		b, ok := hexByte(v[3+2*i : 5+2*i])
		if !ok {
			return trace.TraceID{}, false
		}
		tid[i] = b
	}
	var sid trace.SpanID
	for i := range 8 {
		b, ok := hexByte(v[36+2*i : 38+2*i])
		if !ok {
			return trace.TraceID{}, false
		}
		sid[i] = b
	}
	if _, ok := hexByte(v[53:55]); !ok || !tid.IsValid() || !sid.IsValid() {
		return trace.TraceID{}, false
	}
	return tid, true
}

// hexByte parses two lowercase hex digits.
func hexByte(s string) (byte, bool) {
	var b byte
	for i := range 2 {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		default:
			return 0, false
		}
		b = b<<4 | c
	}
	return b, true
}

// appendTraceparent appends the traceparent and tracestate fields of sc,
// as the TraceContext propagator writes them.
func appendTraceparent(b []byte, sc trace.SpanContext) []byte {
	b = append(b, "Traceparent: 00-"...)
	tid, sid := sc.TraceID(), sc.SpanID()
	b = hex.AppendEncode(b, tid[:])
	b = append(b, '-')
	b = hex.AppendEncode(b, sid[:])
	b = append(b, "-01\r\n"...)
	if ts := sc.TraceState(); ts.Len() > 0 {
		b = h1.AppendField(b, "Tracestate", ts.String())
	}
	return b
}

// headWriter is a propagation.TextMapCarrier that writes the trace
// context into a head being built.
type headWriter struct{ b []byte }

func (w *headWriter) Get(string) string { return "" }
func (w *headWriter) Keys() []string    { return nil }
func (w *headWriter) Set(k, v string) {
	switch k { // the names as net/http's Header writes them
	case "traceparent":
		k = "Traceparent"
	case "tracestate":
		k = "Tracestate"
	}
	w.b = h1.AppendField(w.b, k, v)
}

// readBody reads the request's body whole into fc.body (at most 64 KiB:
// parse sent longer ones to the fallback).
func (fc *fastConn) readBody(idle time.Duration) error {
	n := max(fc.head.contentLength, 0)
	if int64(cap(fc.body)) < n {
		fc.body = make([]byte, n)
	}
	fc.body = fc.body[:n]
	if n == 0 {
		return nil
	}
	fc.dl.Set(idle)
	_, err := io.ReadFull(fc.br, fc.body)
	return err
}

// upstreamHead builds the head sent on (to the target's proxy or the
// task) into fc.scratch: the request's own without its hop-by-hop
// fields, the trace context of span's context written in.
func (fc *fastConn) upstreamHead(sp *fastSpan) []byte {
	h := &fc.head
	b := append(fc.scratch[:0], h.method...)
	b = append(b, ' ')
	b = append(b, h.target...)
	b = append(b, " HTTP/1.1\r\nHost: "...)
	b = append(b, h.host...)
	b = append(b, "\r\n"...)
	for _, f := range h.fields {
		if !f.drop {
			b = h1.AppendField(b, f.name, f.value)
		}
	}
	if sp.span != nil {
		w := headWriter{b: b}
		Propagator.Inject(trace.ContextWithSpan(sp.ctx, sp.span), &w)
		b = w.b
	} else {
		b = appendTraceparent(b, sp.sc)
	}
	if h.teTrailers {
		b = append(b, "Te: trailers\r\n"...)
	}
	if n := max(h.contentLength, 0); n > 0 || methodWantsLength(h.method) {
		b = append(b, "Content-Length: "...)
		b = strconv.AppendInt(b, n, 10)
		b = append(b, "\r\n"...)
	}
	b = append(b, "\r\n"...)
	fc.scratch = b
	return b
}

// methodWantsLength reports whether net/http's client sends a zero
// Content-Length for an empty body of method (it does for POST, PUT and
// PATCH).
func methodWantsLength(m string) bool { return m == "POST" || m == "PUT" || m == "PATCH" }

// exchange sends the request to u and reads the response head into
// fc.resp, each read waiting at most wait; started reports whether any
// of the response came.
func (fc *fastConn) exchange(u *h1.Conn, head []byte, wait time.Duration) (started bool, err error) {
	if _, err := u.W.Write(head); err != nil {
		return false, err
	}
	if len(fc.body) > 0 {
		if _, err := u.W.Write(fc.body); err != nil {
			return false, err
		}
	}
	if err := u.W.Flush(); err != nil {
		return false, err
	}
	if fc.br.Buffered() == 0 { // nothing of the caller's pending: watch it
		fc.watch.R, fc.watch.DL = fc.br, &fc.dl
		fc.watch.Watch(u, nil, watchAfter)
		defer func() {
			if fc.watch.Stop() {
				err = errCallerGone
			}
		}()
	}
	for {
		u.Deadline.Set(wait)
		started, err = fc.resp.Read(u.R, fc.head.method == http.MethodHead, &fc.respBuf)
		if err != nil {
			return started, err
		}
		if fc.resp.Code >= 200 {
			return true, nil
		}
		if fc.resp.Code == http.StatusSwitchingProtocols {
			return true, h1.ErrResponseHead // nothing asked to upgrade
		}
		u.R.Discard(len(fc.resp.Raw)) // 1xx: the final answer follows
	}
}

// relay writes the response head in fc.resp and streams its body from u
// to the client, each read from u waiting at most wait. ok is false when
// the answer could not be completed (both connections then end); reuse
// whether u may carry another request.
func (fc *fastConn) relay(u *h1.Conn, keep bool, wait time.Duration) (ok, keptAlive, reuse bool) {
	r, h := &fc.resp, &fc.head
	b := h1.AppendStatusLine(fc.scratch[:0], r.Code)
	r.Fields(func(name, value string) {
		if !r.HopByHop(name) {
			b = h1.AppendField(b, name, value)
		}
	})
	if !r.Date {
		b = append(b, "Date: "...)
		b = time.Now().UTC().AppendFormat(b, http.TimeFormat)
		b = append(b, "\r\n"...)
	}
	chunkOut := false
	switch {
	case r.NoBody:
		if r.ContentLength >= 0 && r.Code != http.StatusNoContent && r.Code >= 200 {
			b = append(b, "Content-Length: "...)
			b = strconv.AppendInt(b, r.ContentLength, 10)
			b = append(b, "\r\n"...)
		}
	case r.ContentLength >= 0:
		b = append(b, "Content-Length: "...)
		b = strconv.AppendInt(b, r.ContentLength, 10)
		b = append(b, "\r\n"...)
	case h.minor == 1:
		chunkOut = true
		b = append(b, "Transfer-Encoding: chunked\r\n"...)
	default:
		keep = false
	}
	b = h1.AppendConnection(b, keep, h.minor)
	b = append(b, "\r\n"...)
	fc.scratch = b
	u.R.Discard(len(r.Raw))
	if _, err := fc.bw.Write(b); err != nil {
		return false, false, false
	}
	reuse = !r.Close
	var err error
	switch {
	case r.NoBody:
	case r.ContentLength >= 0:
		err = u.CopyBody(fc.bw, r.ContentLength, wait)
	default:
		var dst io.Writer = fc.bw
		var cw io.WriteCloser
		if chunkOut {
			cw = httputil.NewChunkedWriter(fc.bw)
			dst = cw
		}
		var src io.Reader = u.R
		if r.Chunked {
			src = httputil.NewChunkedReader(u.R)
		} else {
			reuse = false // delimited by the end of the connection
		}
		err = stream(dst, fc.bw, u, src, wait)
		if err == nil && r.Chunked {
			u.Deadline.Set(wait)
			err = h1.ReadTrailers(u.R)
		}
		if err == nil && chunkOut {
			cw.Close()
			_, err = fc.bw.WriteString("\r\n")
		}
	}
	if err == nil {
		err = fc.bw.Flush()
	}
	if err != nil {
		return false, false, false
	}
	return true, keep, reuse
}

// stream copies src (a chunked or connection-delimited body) to dst until
// its end, flushing whenever the upstream has nothing more buffered (the
// net/http path flushes every write: answers stream).
func stream(dst io.Writer, flush *bufio.Writer, u *h1.Conn, src io.Reader, wait time.Duration) error {
	buf := h1.CopyBuffers.Get().(*[]byte)
	defer h1.CopyBuffers.Put(buf)
	for {
		if u.R.Buffered() == 0 {
			u.Deadline.Set(wait)
			if err := flush.Flush(); err != nil {
				return err
			}
		}
		n, err := src.Read(*buf)
		if n > 0 {
			if _, werr := dst.Write((*buf)[:n]); werr != nil {
				return werr
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// writeLocal answers with the proxy's own text answer, as localReply
// does; it reports whether the connection may carry another request.
func (fc *fastConn) writeLocal(status int, msg string, keep bool) bool {
	b := h1.AppendStatusLine(fc.scratch[:0], status)
	b = append(b, "Content-Type: text/plain\r\nDate: "...)
	b = time.Now().UTC().AppendFormat(b, http.TimeFormat)
	b = append(b, "\r\nContent-Length: "...)
	b = strconv.AppendInt(b, int64(len(msg)), 10)
	b = append(b, "\r\n"...)
	b = h1.AppendConnection(b, keep, fc.head.minor)
	b = append(b, "\r\n"...)
	if fc.head.method != http.MethodHead {
		b = append(b, msg...)
	}
	fc.scratch = b
	if _, err := fc.bw.Write(b); err != nil {
		return false
	}
	return fc.bw.Flush() == nil && keep
}

// upstreamPool is the pooled connections to one address.
type upstreamPool struct {
	h1.Pool
}

// maxIdlePerHost is how many idle connections a proxy keeps to each
// target's proxy or task (the net/http path's MaxIdleConnsPerHost).
const maxIdlePerHost = 256

// poolKey names a pool: an address and the TLS spoken to it.
type poolKey struct {
	addr string
	mode TLSMode
}

// pools are a proxy side's upstream pools.
type pools struct {
	mu sync.Mutex
	m  map[poolKey]*upstreamPool
	// h2 are the HTTP/2 fast path's multiplexed connections.
	h2     map[poolKey]*h2pool
	closed bool
}

func (ps *pools) h2get(k poolKey) *h2pool {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if ps.h2 == nil {
		ps.h2 = map[poolKey]*h2pool{}
	}
	p := ps.h2[k]
	if p == nil {
		p = &h2pool{closed: ps.closed}
		ps.h2[k] = p
	}
	return p
}

func (ps *pools) get(k poolKey) *upstreamPool {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if ps.m == nil {
		ps.m = map[poolKey]*upstreamPool{}
	}
	p := ps.m[k]
	if p == nil {
		p = &upstreamPool{}
		ps.m[k] = p
	}
	return p
}

func (ps *pools) close() {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	ps.closed = true
	for _, p := range ps.m {
		p.Close()
	}
	for _, p := range ps.h2 {
		p.close()
	}
}

// labelCache keeps the metrics' label slices by a key, so a request
// makes none.
type labelCache struct {
	mu sync.RWMutex
	m  map[string][]string
}

func (c *labelCache) get(key string, make func() []string) []string {
	c.mu.RLock()
	v, ok := c.m[key]
	c.mu.RUnlock()
	if ok {
		return v
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if v, ok := c.m[key]; ok {
		return v
	}
	if c.m == nil {
		c.m = map[string][]string{}
	}
	v = make()
	c.m[key] = v
	return v
}

// serveFast is the caller's proxy's fast path: ServeHTTP and roundTrip's
// semantics, one request of fc.
func (e *egress) serveFast(fc *fastConn) (keep, fallback bool) {
	p, m := e.p, e.p.m
	h := &fc.head
	cfg := m.cfg.Load()
	up := e.upstream()
	if cfg == nil || m.faults.any() || up.Auth != nil && !up.Auth.Allowed[p.task.Service] {
		return false, true
	}
	route := up.route(h.method, h.path, h.Get)
	timeout, retry := up.Timeout, up.Retry
	if route != nil {
		if route.Timeout > 0 {
			timeout = route.Timeout
		}
		if route.Retry != nil || cfg.Semantics == Model {
			retry = route.Retry
		}
		if retry != nil && (retry.PerTry > 0 || retry.Backoff) {
			return false, true
		}
		for _, t := range route.Targets {
			if bp := up.Breaker[t.Service]; bp != nil && (bp.MaxRequests > 0 && bp.MaxRequests < unlimited || bp.MaxRetries > 0 && bp.MaxRetries < unlimited) {
				return false, true
			}
		}
	}
	// The request is the fast path's from here.
	fc.br.Discard(len(h.raw))
	p.fastRequests.Add(1)
	keep = h.keep() && !p.draining.Load()
	if err := fc.readBody(fastHeaderTimeout); err != nil {
		return false, false
	}
	sp := &fc.span
	sp.start(p.tracer, p.record, m.ctx, h, "egress", e.service, trace.SpanKindClient, func() []attribute.KeyValue {
		return []attribute.KeyValue{attribute.String("netwright.task", p.task.ID), attribute.String("netwright.upstream", e.service),
			attribute.String("http.request.method", h.method), attribute.String("url.path", h.path)}
	})
	defer sp.end()
	span := sp.span // nil unless recorded
	if route == nil {
		if span != nil {
			span.SetStatus(codes.Error, "no route")
		}
		return fc.writeLocal(http.StatusNotFound, "no route matched", keep), false
	}
	target := e.pickTarget(route.Targets)
	labels := e.labels.get(target, func() []string { return m.metrics.client(target, p.task.Service) })
	if span != nil {
		span.SetAttributes(attribute.String("netwright.target", target), attribute.String("netwright.route", route.Source))
	}
	cl := p.cluster(target)
	cl.active.Add(1)
	defer cl.active.Add(-1)
	start := time.Now()
	var deadline time.Time
	if timeout > 0 {
		deadline = m.clock.Now().Add(timeout)
	}
	od := up.Outlier[target]
	maxRetries := 0
	if retry != nil {
		maxRetries = retry.Max
	}
	local := func(status int, msg string) (bool, bool) {
		m.metrics.code(status, labels)
		m.metrics.targetRequests.WithLabelValues(labels...).Inc()
		if span != nil {
			span.SetStatus(codes.Error, msg)
		}
		return fc.writeLocal(status, msg, keep), false
	}
	fc.tried = fc.tried[:0]
	eps := m.endpoints(target)
	healthy := func(task string) bool { return m.health.healthy(target, task) }
	for attempt := 0; ; attempt++ {
		if attempt > 0 {
			m.metrics.retries.WithLabelValues(labels...).Inc()
			if span != nil {
				span.AddEvent("retry", trace.WithAttributes(attribute.Int("netwright.attempt", attempt+1)))
			}
		}
		ep, ok := cl.pick(m.clock.Now(), eps, fc.tried, od, healthy)
		if !ok {
			return local(http.StatusServiceUnavailable, "no healthy upstream")
		}
		fc.tried = append(fc.tried, ep.Task)
		u, o := e.tryFast(fc, labels, target, ep, up.TLS, deadline, cl)
		status := 0
		if u != nil {
			status = fc.resp.Code
		}
		if ej, until := cl.report(m.clock.Now(), ep.Task, failed(od, o, status), od, len(eps)); ej {
			m.metrics.ejections.WithLabelValues(labels...).Inc()
			m.logf("%s ejected %s until %s", p.task.ID, ep.Task, until.Format(time.RFC3339))
			if span != nil {
				span.AddEvent("ejected", trace.WithAttributes(attribute.String("netwright.ejected", ep.Task)))
			}
		}
		if o != tryCanceled && !deadline.IsZero() && !m.clock.Now().Before(deadline) {
			o = tryTimeout // the request's own timeout passed, whatever the try saw
		}
		if span != nil {
			span.AddEvent("try", trace.WithAttributes(attribute.String("netwright.endpoint", ep.Task), attribute.String("netwright.outcome", o.String()), attribute.Int("http.response.status_code", status)))
		}
		again := attempt < maxRetries && retry != nil && retriable(retry.On, o, status, -1)
		switch {
		case o == tryCanceled:
			return false, false // the caller left: nothing to answer, nothing counted
		case o == tryTimeout:
			if u != nil {
				u.Close()
			}
			m.metrics.timeouts.WithLabelValues(labels...).Inc()
			return local(http.StatusGatewayTimeout, "upstream request timeout")
		case again:
			if u != nil {
				u.Close() // its answer is not read
			}
			continue
		case u == nil:
			return local(http.StatusServiceUnavailable, "upstream connect error or disconnect/reset before headers. reset reason: "+o.String())
		}
		if attempt > 0 && status < 500 {
			m.metrics.retrySuccess.WithLabelValues(labels...).Inc()
		}
		m.metrics.code(status, labels)
		m.metrics.targetRequests.WithLabelValues(labels...).Inc()
		m.metrics.targetTime.WithLabelValues(labels...).Observe(float64(time.Since(start).Microseconds()) / 1000)
		if span != nil {
			span.SetAttributes(attribute.Int("http.response.status_code", status))
			if status >= 500 {
				span.SetStatus(codes.Error, strconv.Itoa(status)+" "+http.StatusText(status))
			}
		}
		ok, kept, reuse := fc.relay(u, keep, e.wait(deadline, up.Idle))
		if ok && reuse {
			e.pools.get(poolKey{ep.Addr, up.TLS}).Put(u, time.Now(), maxIdlePerHost, e.idle())
		} else {
			u.Close()
		}
		return ok && kept, false
	}
}

// idle is how long a connection to a target's proxy may idle in the
// pool.
func (e *egress) idle() time.Duration {
	if e.up.Idle > 0 {
		return e.up.Idle
	}
	return 5 * time.Minute
}

// wait is the longest a read from a target's proxy may wait: to the
// request's deadline, else the idle timeout.
func (e *egress) wait(deadline time.Time, idle time.Duration) time.Duration {
	if !deadline.IsZero() {
		return max(deadline.Sub(e.p.m.clock.Now()), time.Nanosecond)
	}
	if idle > 0 {
		return idle
	}
	return 5 * time.Minute
}

// tryFast sends one try of fc's request to ep, over a pooled connection
// or a new one (a pooled one the target's proxy had closed is replaced
// once, as net/http's client does). It returns the connection with the
// response head read into fc.resp, or nil and how the try failed.
func (e *egress) tryFast(fc *fastConn, labels []string, target string, ep Endpoint, mode TLSMode, deadline time.Time, cl *cluster) (*h1.Conn, outcome) {
	m := e.p.m
	hst := cl.hostFor(ep.Task)
	hst.inFlight.Add(1)
	defer hst.inFlight.Add(-1)
	pool := e.pools.get(poolKey{ep.Addr, mode})
	head := fc.upstreamHead(&fc.span)
	for fresh := false; ; fresh = true {
		var u *h1.Conn
		if !fresh {
			u = pool.Get(time.Now(), e.idle())
		}
		if u == nil {
			fresh = true
			c, err := e.dialFast(target, ep, mode, deadline, "http/1.1")
			if err != nil {
				if !deadline.IsZero() && !m.clock.Now().Before(deadline) {
					return nil, tryTimeout
				}
				var ce *connectError
				if errors.As(err, &ce) && ce.tls {
					m.metrics.targetTLSErrors.WithLabelValues(labels...).Inc()
				}
				return nil, tryConnectFailure
			}
			u = upBuffers.Conn(c, m.clock)
		}
		started, err := fc.exchange(u, head, e.wait(deadline, e.up.Idle))
		if err == nil {
			return u, tryAnswered
		}
		u.Close()
		switch {
		case errors.Is(err, errCallerGone):
			return nil, tryCanceled
		case !deadline.IsZero() && !m.clock.Now().Before(deadline):
			return nil, tryTimeout
		case !fresh && !started && !h1.TimedOut(err) && fc.head.replayable():
			continue
		}
		return nil, tryReset
	}
}

// dialFast connects to a target task's proxy within the connect timeout
// and the request's deadline, with TLS when mode says.
func (e *egress) dialFast(target string, ep Endpoint, mode TLSMode, deadline time.Time, alpn string) (net.Conn, error) {
	p, m := e.p, e.p.m
	ctx, cancel := context.WithCancel(m.ctx)
	defer cancel()
	if !deadline.IsZero() {
		ctx, cancel = clock.WithTimeout(ctx, m.clock, deadline.Sub(m.clock.Now()))
		defer cancel()
	}
	raw, err := p.net.Dial(ctx, p.task, ep.Addr)
	if err != nil {
		return nil, &connectError{err: err}
	}
	if mode == TLSOff {
		return raw, nil
	}
	tc := tls.Client(raw, p.m.ids.clientTLS(p.task.Service, target, mode, []string{alpn}))
	if err := tc.HandshakeContext(ctx); err != nil {
		raw.Close()
		return nil, &connectError{err: fmt.Errorf("TLS: %w", err), tls: true}
	}
	if got := tc.ConnectionState().NegotiatedProtocol; got != alpn {
		raw.Close()
		return nil, &connectError{err: fmt.Errorf("TLS: the target's proxy chose %q, not %q", got, alpn), tls: true}
	}
	return tc, nil
}

// accept serves a task's connection to the egress listener: HTTP/1.1 on
// the fast path, HTTP/2 (gRPC) on its own when it takes the connection
// (h2fast.go), anything else on the net/http server.
func (e *egress) accept(c net.Conn) {
	p := e.p
	if !p.track(c, true) {
		c.Close()
		return
	}
	done := func() { p.track(c, false) }
	if e.protocol != "http" {
		var r io.Reader = c
		if (e.protocol == "grpc" || e.protocol == "http2") && e.h2Eligible() {
			br, h2 := peekPreface(c)
			if h2 {
				p.serveH2(c, br, e, "", e.up.Idle, done)
				return
			}
			r = br
		}
		if !e.queue.give(&handedConn{Conn: c, r: r, done: done}) {
			c.Close()
			done()
		}
		return
	}
	p.serveFastConn(c, c, "", e, e.up.Idle, e.queue, done)
}

// serveFast is the target's proxy's fast path: ServeHTTP's semantics,
// one request of fc.
func (in *ingress) serveFast(fc *fastConn) (keep, fallback bool) {
	p, m := in.p, in.p.m
	h := &fc.head
	pol := in.policy()
	if pol.Protocol != "http" || m.faults.any() {
		return false, true
	}
	fc.br.Discard(len(h.raw))
	p.fastRequests.Add(1)
	keep = h.keep() && !p.draining.Load()
	if err := fc.readBody(fastHeaderTimeout); err != nil {
		return false, false
	}
	labels := in.labels.get(pol.DiscoveryName, func() []string { return m.metrics.server(pol.DiscoveryName, p.task.Service) })
	m.metrics.requests.WithLabelValues(labels...).Inc()
	sp := &fc.span
	sp.start(p.tracer, p.record, m.ctx, h, "ingress", p.task.Service, trace.SpanKindServer, func() []attribute.KeyValue {
		return []attribute.KeyValue{attribute.String("netwright.task", p.task.ID), attribute.String("http.request.method", h.method), attribute.String("url.path", h.path)}
	})
	defer sp.end()
	if fc.peer != "" && sp.span != nil {
		sp.span.SetAttributes(attribute.String("netwright.caller", m.ids.ID(fc.peer)))
	}
	if !in.authorized(pol, fc.peer) {
		in.deny(pol, fc.peer, "HTTP")
		if sp.span != nil {
			sp.span.SetStatus(codes.Error, "RBAC: access denied")
		}
		return fc.writeLocal(http.StatusForbidden, "RBAC: access denied", keep), false
	}
	head := fc.upstreamHead(sp)
	pool := in.pools.get(poolKey{addr: p.task.Addr})
	for fresh := false; ; fresh = true {
		var u *h1.Conn
		if !fresh {
			u = pool.Get(time.Now(), 90*time.Second)
		}
		if u == nil {
			fresh = true
			dctx, cancel := context.WithTimeout(m.ctx, 10*time.Second)
			c, err := p.net.Dial(dctx, p.task, p.task.Addr)
			cancel()
			if err != nil {
				break
			}
			u = upBuffers.Conn(c, nil)
		}
		started, err := fc.exchange(u, head, 5*time.Minute)
		if err != nil {
			u.Close()
			if errors.Is(err, errCallerGone) {
				return false, false // the caller left: the task's connection is closed, as net/http cancels its request
			}
			if !fresh && !started && !h1.TimedOut(err) && fc.head.replayable() {
				continue
			}
			break
		}
		ok, kept, reuse := fc.relay(u, keep, 5*time.Minute)
		if ok && reuse {
			pool.Put(u, time.Now(), maxIdlePerHost, 90*time.Second)
		} else {
			u.Close()
		}
		return ok && kept, false
	}
	return fc.writeLocal(http.StatusServiceUnavailable, "upstream connect error or disconnect/reset before headers. reset reason: connection failure", keep), false
}
