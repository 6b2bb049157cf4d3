package mesh

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"

	"github.com/netwright/netwright/internal/clock"
)

// The semantics of a call on the HTTP/2 data path (h2conn.go): those of
// the net/http path (egress.go, ingress.go) and of the HTTP/1.1 fast path
// (fastpath.go), with the same code where it can be: routes, weighted
// targets, the task pick, Service Connect's retries on a connection
// failure (before a byte went: another task) and on a reset or an answer
// the policy retries while the request can go again (its body kept up to
// 64 KiB until the answer's head comes), the request's timeout, outlier
// detection, metrics, spans and the trace context, authorization at the
// target's proxy.
//
// A connection is the fast path's or the net/http server's from its
// start: the fast path takes a connection of a gRPC or HTTP/2 listener
// that opens with HTTP/2's preface (prior knowledge, or h2 by ALPN where
// the target's proxy ends TLS), when no fault is injected anywhere in
// the mesh, and at the caller's proxy the dependency is not a Lattice
// service whose auth policy refuses the caller and no route has per-try
// timeouts, back-off or circuit breakers (the model's). A fault added
// later sends the fast path's connections GOAWAY; a stream a connection
// can no longer take is refused (REFUSED_STREAM, which gRPC sends again
// on a new connection), so new calls go to the net/http path.

// noRST: reset nothing on that side.
const noRST = http2.ErrCode(1<<32 - 1)

// h2server is what the egress and the ingress do with a stream.
type h2server interface {
	// openH2 takes a new stream: routes it and opens it upstream.
	openH2(rd *h2reader, s *h2stream)
	// answeredH2 sees the head of the upstream's answer; true when the
	// stream went again instead.
	answeredH2(rd *h2reader, s *h2stream, status, grpcStatus int) bool
	// failedH2: the upstream reset the stream (code), or its connection
	// ended, before the answer's head.
	failedH2(rd *h2reader, s *h2stream, code http2.ErrCode)
	// localH2 counts an answer of the proxy's own.
	localH2(s *h2stream, status int, msg string)
	// finishedH2: the stream ended.
	finishedH2(s *h2stream)
}

// h2stream is one call on the HTTP/2 fast path: the caller's stream
// (down) and the upstream's (up). mu is taken before either connection's.
type h2stream struct {
	mu   sync.Mutex
	srv  h2server
	down h2half
	up   *h2half

	method, scheme, authority, path string
	regular                         h2fields
	grpc                            bool
	reqEnded, answered, done        bool
	// rstAfter: the answer is whole but still held for want of the
	// caller's window; once it went, the caller's stream is reset
	// NO_ERROR (the request is wanted no more) and the stream finishes.
	rstAfter bool
	// opened is when the caller opened it (the mesh's clock).
	opened time.Time
	// reqLen and respLen are the request's and the answer's
	// content-length (-1: none), reqGot and respGot the DATA so far
	// (RFC 9113 8.1.1).
	reqLen, reqGot, respLen, respGot int64
	// kept is the request's body so far, while it can go again; overflow
	// once it passed 64 KiB (or had trailers).
	keep, overflow bool
	kept           []byte
	// early is the caller's data that came while a try connected (the
	// tail of kept too, when kept); trailers its trailers then.
	early    []byte
	trailers []hpack.HeaderField

	// The caller's proxy's call.
	upst       *Upstream
	target     string
	labels     []string
	retry      *Retry
	maxRetries int
	attempt    int
	tried      []string
	cl         *cluster
	od         *Outlier
	ep         Endpoint
	hst        *host
	active     bool
	start      time.Time
	deadline   time.Time
	timer      clock.Timer

	span fastSpan
}

func (s *h2stream) other(h *h2half) *h2half {
	if h == &s.down {
		return s.up
	}
	return &s.down
}

// forward passes data from one side to the other.
func (s *h2stream) forward(rd *h2reader, from *h2half, data []byte, end bool) {
	to := s.other(from)
	if from == &s.down && s.rstAfter {
		// The answer is whole: the rest of the request goes nowhere.
		from.c.credit(rd, from, len(data))
		return
	}
	if from == &s.down {
		s.reqGot += int64(len(data))
		if !lengthOK(s.reqLen, s.reqGot, end) {
			s.reset(rd, http2.ErrCodeProtocol, http2.ErrCodeCancel)
			return
		}
	} else if s.answered {
		s.respGot += int64(len(data))
		if !lengthOK(s.respLen, s.respGot, end) {
			s.reset(rd, http2.ErrCodeInternal, http2.ErrCodeProtocol)
			return
		}
	}
	if from != &s.down && !s.answered {
		// Data before the answer's head: the upstream's message is
		// malformed.
		from.c.writeRST(rd, from, http2.ErrCodeProtocol)
		from.endRecv.Store(true)
		s.srv.failedH2(rd, s, http2.ErrCodeProtocol)
		return
	}
	if from == &s.down {
		if s.keep && !s.overflow {
			if len(s.kept)+len(data) > replayLimit && s.up != nil {
				s.overflow, s.kept = true, nil
			} else {
				s.kept = append(s.kept, data...) // past 64 KiB only while a try connects
			}
		}
		if end {
			s.reqEnded = true
		}
		if !s.done && s.up == nil {
			// A try connects: the data waits, uncredited, for it.
			s.early = append(s.early, data...)
			return
		}
	}
	if s.done || to == nil || to.c == nil {
		from.c.credit(rd, from, len(data))
		return
	}
	cr := to.c.send(rd, to, data, end, false)
	from.c.credit(rd, from, cr)
	s.settle(rd)
}

// lengthOK reports whether got bytes of DATA agree with a
// content-length (-1: none): no more, and as many at the end.
func lengthOK(want, got int64, end bool) bool {
	return want < 0 || got <= want && (!end || got == want)
}

// contentLength is a header list's content-length: -1 when it has none,
// false when it is not a number or given twice differently.
func contentLength(fs []hpack.HeaderField) (int64, bool) {
	n := int64(-1)
	for _, f := range fs {
		if f.Name != "content-length" {
			continue
		}
		v, err := strconv.ParseInt(f.Value, 10, 64)
		if err != nil || v < 0 || n >= 0 && v != n || f.Value == "" || f.Value[0] == '+' {
			return 0, false
		}
		n = v
	}
	return n, true
}

// settle finishes the stream once both sides ended both ways.
func (s *h2stream) settle(rd *h2reader) {
	if s.done {
		return
	}
	if s.rstAfter {
		if s.down.endSent.Load() { // the held answer went, to its end
			if !s.down.endRecv.Load() {
				s.down.c.writeRST(rd, &s.down, http2.ErrCodeNo)
			}
			s.finish(rd)
		}
		return
	}
	if s.up == nil {
		return
	}
	if s.down.endRecv.Load() && s.down.endSent.Load() && s.up.endRecv.Load() && s.up.endSent.Load() {
		s.finish(rd)
	}
}

// finish forgets the stream on both connections.
func (s *h2stream) finish(rd *h2reader) {
	if s.done {
		return
	}
	s.done = true
	if s.timer != nil {
		s.timer.Stop()
	}
	// What either side held goes: the connections' windows were
	// credited for it as it came (onData).
	s.down.c.remove(rd, &s.down)
	s.early = nil
	if s.up != nil && s.up.c != nil {
		s.up.c.remove(rd, s.up)
	}
	if s.hst != nil {
		s.hst.inFlight.Add(-1)
		s.hst = nil
	}
	s.srv.finishedH2(s)
}

// reset ends the stream, resetting the caller's side with downCode and
// the upstream's with upCode (noRST: not that side).
func (s *h2stream) reset(rd *h2reader, downCode, upCode http2.ErrCode) {
	if s.done {
		return
	}
	if downCode != noRST && !(s.down.endSent.Load() && s.down.endRecv.Load()) {
		s.down.c.writeRST(rd, &s.down, downCode)
	}
	if upCode != noRST && s.up != nil && s.up.c != nil && !(s.up.endSent.Load() && s.up.endRecv.Load()) {
		s.up.c.writeRST(rd, s.up, upCode)
	}
	s.finish(rd)
}

// upstreamFailed: the upstream reset the stream (code) or its connection
// ended.
func (s *h2stream) upstreamFailed(rd *h2reader, code http2.ErrCode) {
	if s.done {
		return
	}
	if s.answered {
		s.reset(rd, code, noRST)
		return
	}
	s.srv.failedH2(rd, s, code)
}

// upstreamDone: the upstream ended its answer and then reset its stream
// with NO_ERROR, as grpc-go's server does when the caller has not
// half-closed: it wants no more of the request, and the answer stands
// (RFC 9113 8.1). The upstream's stream is forgotten at once; the
// answer held for want of the caller's window still goes out whole,
// then the caller's stream is reset NO_ERROR (settle).
func (s *h2stream) upstreamDone(rd *h2reader) {
	if s.done {
		return
	}
	s.down.c.credit(rd, &s.down, s.up.c.remove(rd, s.up))
	s.rstAfter = true
	s.settle(rd)
}

// refuse turns a stream away unprocessed, and the connection with it:
// the caller sends it again on a new connection.
func (s *h2stream) refuse(rd *h2reader) {
	c := s.down.c
	c.mu.Lock()
	if !c.goingAway {
		c.goingAway = true
		last := uint32(0)
		if s.down.id > 2 {
			last = s.down.id - 2
		}
		c.lastID = last // no later GOAWAY says more
		c.fr.WriteGoAway(last, http2.ErrCodeNo, nil)
		rd.mark(c)
	}
	c.mu.Unlock()
	s.reset(rd, http2.ErrCodeRefusedStream, noRST)
}

// local answers the call from the proxy, as localReply does: a gRPC
// trailers-only answer to a gRPC call, else the status and a text body.
func (s *h2stream) local(rd *h2reader, status int, msg string) {
	if s.done {
		return
	}
	s.srv.localH2(s, status, msg)
	c := s.down.c
	c.mu.Lock()
	if s.grpc {
		c.writeHeadersLocked(rd, &s.down, true, []hpack.HeaderField{statusField(http.StatusOK)}, []hpack.HeaderField{
			{Name: "content-type", Value: "application/grpc"}, {Name: "grpc-status", Value: strconv.Itoa(grpcStatusOf(status))}, {Name: "grpc-message", Value: msg}})
	} else {
		c.writeHeadersLocked(rd, &s.down, false, []hpack.HeaderField{statusField(status)}, []hpack.HeaderField{
			{Name: "content-type", Value: "text/plain"}, {Name: "content-length", Value: strconv.Itoa(len(msg))}})
	}
	c.mu.Unlock()
	if !s.grpc {
		c.send(rd, &s.down, []byte(msg), true, true)
	}
	s.answered = true
	if s.up != nil && s.up.c != nil {
		s.up.c.writeRST(rd, s.up, http2.ErrCodeCancel)
	}
	if !s.down.endSent.Load() {
		// The body waits for the caller's window: it goes whole first
		// (settle), the upstream's stream is done with now.
		if s.up != nil && s.up.c != nil {
			s.down.c.credit(rd, &s.down, s.up.c.remove(rd, s.up))
		}
		s.rstAfter = true
		return
	}
	if !s.down.endRecv.Load() {
		// The answer is whole: the caller may stop sending.
		c.writeRST(rd, &s.down, http2.ErrCodeNo)
	}
	s.finish(rd)
}

// onHeaders takes a header block: a new call (serving), the upstream's
// answer or trailers, or the caller's trailers.
func (c *h2conn) onHeaders(rd *h2reader, f *http2.MetaHeadersFrame) bool {
	id := f.StreamID
	c.mu.Lock()
	h := c.streams[id]
	c.mu.Unlock()
	if h != nil {
		s := h.s
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.done {
			return true
		}
		if h == &s.down {
			// Trailers end the stream and carry no pseudo-header field
			// (RFC 9113 8.1): else the request is malformed.
			if !f.StreamEnded() || f.Truncated || len(f.PseudoFields()) > 0 {
				s.reset(rd, http2.ErrCodeProtocol, http2.ErrCodeCancel)
				return true
			}
			if !lengthOK(s.reqLen, s.reqGot, true) {
				s.reset(rd, http2.ErrCodeProtocol, http2.ErrCodeCancel)
				return true
			}
			h.endRecv.Store(true)
			if s.up != nil && s.up.c != nil {
				s.reqEnded, s.overflow, s.kept = true, true, nil // trailers are not kept for a replay
				s.up.c.writeTrailers(rd, s.up, f.RegularFields())
			} else {
				s.reqEnded, s.trailers = true, f.RegularFields() // a try connects: they wait for it
			}
			s.settle(rd)
			return true
		}
		if h == s.up {
			s.onAnswer(rd, f)
		}
		return true
	}
	if !c.serving {
		return true // a stream the proxy reset
	}
	c.mu.Lock()
	if id%2 == 1 && id <= c.seenID {
		c.mu.Unlock()
		return true // a stream the proxy ended or refused: its trailers crossed the reset
	}
	if id%2 == 0 {
		c.mu.Unlock()
		c.goAway(rd, http2.ErrCodeProtocol, true)
		return false
	}
	c.seenID = id
	if c.goingAway {
		c.fr.WriteRSTStream(id, http2.ErrCodeRefusedStream)
		rd.mark(c)
		c.mu.Unlock()
		return true
	}
	full := len(c.streams) >= h2MaxStreams
	if !full {
		c.lastID = id // a refused stream is not one a GOAWAY says was taken
	}
	c.mu.Unlock()
	if full {
		c.resetStream(rd, id, http2.ErrCodeRefusedStream)
		return true
	}
	s := &h2stream{srv: c.srv, opened: c.p.m.clock.Now(), reqLen: -1, respLen: -1}
	s.down.s, s.down.id = s, id
	if !c.add(&s.down) {
		c.resetStream(rd, id, http2.ErrCodeRefusedStream)
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if f.StreamEnded() {
		s.down.endRecv.Store(true)
		s.reqEnded = true
	}
	s.method, s.scheme, s.authority, s.path = f.PseudoValue("method"), f.PseudoValue("scheme"), f.PseudoValue("authority"), f.PseudoValue("path")
	s.regular = f.RegularFields()
	s.grpc = isGRPCType(s.regular.Get("content-type"))
	if f.Truncated {
		s.grpc = false // net/http's server's own answer, gRPC or not
		s.local(rd, http.StatusRequestHeaderFieldsTooLarge, "request header fields too large")
		return true
	}
	if s.method == "" || s.method == http.MethodConnect || !validPath(s.method, s.path) || s.scheme == "" || f.PseudoValue("protocol") != "" {
		// CONNECT (and extended CONNECT, which the fast path does not
		// offer) is for the net/http path; a request without its
		// pseudo-header fields is malformed.
		s.reset(rd, http2.ErrCodeProtocol, noRST)
		return true
	}
	for _, hf := range s.regular {
		if connectionHeader(hf.Name, hf.Value) {
			s.reset(rd, http2.ErrCodeProtocol, noRST)
			return true
		}
	}
	var ok bool
	if s.reqLen, ok = contentLength(s.regular); !ok || !lengthOK(s.reqLen, 0, f.StreamEnded()) {
		s.reset(rd, http2.ErrCodeProtocol, noRST)
		return true
	}
	c.srv.openH2(rd, s)
	return true
}

// validPath reports whether :path is one a request may have: an origin
// form, starting with "/", or "*" for OPTIONS (RFC 9113 8.3.1).
func validPath(method, path string) bool {
	return strings.HasPrefix(path, "/") || method == http.MethodOptions && path == "*"
}

// onAnswer takes the upstream's answer head or trailers.
func (s *h2stream) onAnswer(rd *h2reader, f *http2.MetaHeadersFrame) {
	up := s.up
	if f.StreamEnded() {
		up.endRecv.Store(true)
	}
	if s.answered {
		if !f.StreamEnded() || f.Truncated || len(f.PseudoFields()) > 0 || !lengthOK(s.respLen, s.respGot, true) {
			s.reset(rd, http2.ErrCodeInternal, http2.ErrCodeProtocol)
			return
		}
		s.down.c.writeTrailers(rd, &s.down, f.RegularFields())
		s.settle(rd)
		return
	}
	status, err := strconv.Atoi(f.PseudoValue("status"))
	regular := f.RegularFields()
	// An interim (1xx) head cannot end the stream (RFC 9113 8.1).
	malformed := err != nil || status < 100 || status == http.StatusSwitchingProtocols || f.Truncated || status < 200 && f.StreamEnded()
	for _, hf := range regular {
		malformed = malformed || connectionHeader(hf.Name, hf.Value)
	}
	respLen := int64(-1)
	if status >= 200 && s.method != http.MethodHead && status != http.StatusNoContent && status != http.StatusNotModified {
		// (a HEAD's and a 304's content-length is that of a body not
		// sent; a 204 has none)
		var ok bool
		respLen, ok = contentLength(regular)
		malformed = malformed || !ok || !lengthOK(respLen, 0, f.StreamEnded())
	}
	if malformed {
		up.c.writeRST(rd, up, http2.ErrCodeProtocol)
		up.endRecv.Store(true)
		s.srv.failedH2(rd, s, http2.ErrCodeProtocol)
		return
	}
	c := s.down.c
	if status < 200 {
		c.mu.Lock()
		c.writeHeadersLocked(rd, &s.down, false, []hpack.HeaderField{statusField(status)}, regular)
		c.mu.Unlock()
		return
	}
	g := -1
	if v := (*h2fields)(&regular).Get("grpc-status"); v != "" {
		g, _ = strconv.Atoi(v)
	}
	if s.srv.answeredH2(rd, s, status, g) {
		return
	}
	s.answered, s.keep, s.kept = true, false, nil
	s.respLen = respLen
	c.mu.Lock()
	c.writeHeadersLocked(rd, &s.down, f.StreamEnded(), []hpack.HeaderField{statusField(status)}, regular)
	c.mu.Unlock()
	s.settle(rd)
}

// requestFields are the request's fields as they go upstream: without
// the trace context (the span's is written) and the forwarding fields
// the net/http path's reverse proxy drops.
func (s *h2stream) requestFields(scheme string) (pseudo, fields []hpack.HeaderField) {
	pseudo = append(make([]hpack.HeaderField, 0, 4), hpack.HeaderField{Name: ":method", Value: s.method}, hpack.HeaderField{Name: ":scheme", Value: scheme})
	if s.authority != "" {
		pseudo = append(pseudo, hpack.HeaderField{Name: ":authority", Value: s.authority})
	}
	pseudo = append(pseudo, hpack.HeaderField{Name: ":path", Value: s.path})
	fields = make([]hpack.HeaderField, 0, len(s.regular)+2)
	for _, f := range s.regular {
		switch f.Name {
		case "traceparent", "tracestate", "forwarded", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto":
			continue
		}
		fields = append(fields, f)
	}
	sp := &s.span
	if sp.span != nil {
		w := fieldWriter{fs: fields}
		Propagator.Inject(trace.ContextWithSpan(sp.ctx, sp.span), &w)
		fields = w.fs
	} else {
		fields = append(fields, hpack.HeaderField{Name: "traceparent", Value: traceparentValue(sp.sc)})
		if ts := sp.sc.TraceState(); ts.Len() > 0 {
			fields = append(fields, hpack.HeaderField{Name: "tracestate", Value: ts.String()})
		}
	}
	return pseudo, fields
}

func traceparentValue(sc trace.SpanContext) string {
	tid, sid := sc.TraceID(), sc.SpanID()
	b := make([]byte, 0, 55)
	b = append(b, "00-"...)
	b = hex.AppendEncode(b, tid[:])
	b = append(b, '-')
	b = hex.AppendEncode(b, sid[:])
	b = append(b, "-01"...)
	return string(b)
}

// fieldWriter is a TextMapCarrier that writes the trace context into a
// header list.
type fieldWriter struct{ fs []hpack.HeaderField }

func (w *fieldWriter) Get(string) string { return "" }
func (w *fieldWriter) Keys() []string    { return nil }
func (w *fieldWriter) Set(k, v string) {
	w.fs = append(w.fs, hpack.HeaderField{Name: strings.ToLower(k), Value: v})
}

// errHeadersTooLarge: the upstream takes no header list this long.
var errHeadersTooLarge = errors.New("mesh: the request's header list is longer than the upstream takes")

// attach opens the stream on uc: its head, and the body kept so far.
func (s *h2stream) attach(rd *h2reader, uc *h2conn) error {
	pseudo, fields := s.requestFields(uc.scheme)
	h := &h2half{s: s}
	replay := 0
	if s.keep {
		replay = len(s.kept) - len(s.early)
	}
	end := s.reqEnded && s.trailers == nil && replay == 0 && len(s.early) == 0
	uc.mu.Lock()
	if uc.broken || uc.goingAway || uint32(len(uc.streams)) >= uc.peerMaxStreams || uc.nextID >= 1<<31-1 {
		uc.mu.Unlock()
		return errH2Gone
	}
	if headerListSize(pseudo)+headerListSize(fields) > uc.peerHeaderList {
		uc.mu.Unlock()
		return errHeadersTooLarge
	}
	h.id = uc.nextID
	uc.nextID += 2
	if len(uc.streams) == 0 {
		uc.c.SetReadDeadline(time.Time{}) // no idle timeout while it carries a stream
	}
	uc.streams[h.id] = h
	h.c = uc
	h.sendWin, h.recvWin = uc.peerInit, h2StreamWindow
	uc.writeHeadersLocked(rd, h, end, pseudo, fields)
	uc.mu.Unlock()
	s.up = h
	endData := s.reqEnded && s.trailers == nil
	if replay > 0 {
		// Sent before, and credited then.
		uc.send(rd, h, s.kept[:replay], endData && len(s.early) == 0, true)
	}
	if len(s.early) > 0 {
		s.down.c.credit(rd, &s.down, uc.send(rd, h, s.early, endData, false))
		s.early = nil
	}
	if s.trailers != nil {
		uc.writeTrailers(rd, h, s.trailers)
	}
	return nil
}

// detach resets the upstream's stream of a try that goes again; what it
// held of the caller's data is the caller's to send no more (it is kept).
func (s *h2stream) detach(rd *h2reader) {
	old := s.up
	if old == nil {
		return
	}
	s.up = nil
	old.c.writeRST(rd, old, http2.ErrCodeCancel)
	held := old.c.remove(rd, old)
	s.down.c.credit(rd, &s.down, held)
	if s.hst != nil {
		s.hst.inFlight.Add(-1)
		s.hst = nil
	}
}

// replayable reports whether the request can go again: its body so far
// is kept.
func (s *h2stream) replayable() bool { return s.keep && !s.overflow }

// serveH2 serves a caller's HTTP/2 connection on the fast path until it
// ends; br holds what was read of it (the preface, at least in part).
func (p *Proxy) serveH2(c net.Conn, br *bufio.Reader, srv h2server, peer string, idle time.Duration, done func()) {
	if idle <= 0 {
		idle = 5 * time.Minute
	}
	if br == nil {
		br = bufio.NewReaderSize(c, 16<<10)
	}
	hc := newH2Conn(p, c, br, true, idle)
	hc.srv, hc.peer = srv, peer
	if p.addH2(hc) {
		c.SetReadDeadline(time.Now().Add(fastHeaderTimeout))
		b, err := br.Peek(len(http2.ClientPreface))
		if err == nil && string(b) == http2.ClientPreface {
			br.Discard(len(b))
			if hc.start() == nil {
				hc.readLoop()
			}
		}
		p.removeH2(hc)
	}
	c.Close()
	if done != nil {
		done()
	}
}

// peekPreface reports whether a connection opens with HTTP/2's preface,
// reading no further than it must: an HTTP/1 request is told apart at
// its first byte that differs.
func peekPreface(c net.Conn) (*bufio.Reader, bool) {
	br := bufio.NewReaderSize(c, 16<<10)
	c.SetReadDeadline(time.Now().Add(fastHeaderTimeout))
	defer c.SetReadDeadline(time.Time{})
	for n := 1; ; n = br.Buffered() + 1 {
		b, err := br.Peek(min(n, len(http2.ClientPreface)))
		if err != nil && len(b) == 0 {
			return br, false
		}
		if !strings.HasPrefix(http2.ClientPreface, string(b)) {
			return br, false
		}
		if len(b) == len(http2.ClientPreface) {
			return br, true
		}
		if err != nil {
			return br, false
		}
	}
}

func (p *Proxy) addH2(hc *h2conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed || p.draining.Load() {
		return false
	}
	if p.h2 == nil {
		p.h2 = map[*h2conn]struct{}{}
	}
	p.h2[hc] = struct{}{}
	return true
}

func (p *Proxy) removeH2(hc *h2conn) {
	p.mu.Lock()
	delete(p.h2, hc)
	p.mu.Unlock()
}

// goAwayH2 sends the fast path's HTTP/2 connections GOAWAY: each ends
// once its streams have; with drain, it reports how many still carry
// streams.
func (p *Proxy) goAwayH2(drain bool) int {
	p.mu.Lock()
	conns := make([]*h2conn, 0, len(p.h2))
	for hc := range p.h2 {
		conns = append(conns, hc)
	}
	p.mu.Unlock()
	rd := &h2reader{}
	busy := 0
	for _, hc := range conns {
		if drain {
			hc.draining.Store(true)
		}
		hc.goAway(rd, http2.ErrCodeNo, false)
		if hc.streamCount() > 0 {
			busy++
		}
	}
	rd.flush()
	return busy
}

// dialH2 makes a connection to an upstream of the fast path and starts
// its reader.
func (p *Proxy) dialH2(pool *h2pool, conn net.Conn, scheme string, idle time.Duration) (*h2conn, error) {
	uc := newH2Conn(p, conn, nil, false, idle)
	uc.scheme, uc.pool = scheme, pool
	if err := uc.start(); err != nil {
		conn.Close()
		return nil, &connectError{err: err}
	}
	p.m.goroutines.Go(uc.readLoop)
	// The upstream's SETTINGS first (its MAX_CONCURRENT_STREAMS above
	// all), within the connect timeout; then others may use it.
	t := time.NewTimer(envoyConnectTime)
	defer t.Stop()
	select {
	case <-uc.settled:
	case <-uc.done:
	case <-t.C:
		uc.fail()
	case <-p.m.ctx.Done():
		uc.fail()
	}
	if !uc.usable() {
		return nil, &connectError{err: errors.New("the upstream sent no HTTP/2 settings")}
	}
	if !pool.put(uc) {
		conn.Close()
		return nil, errH2Gone
	}
	if !uc.usable() { // it ended as it went in
		pool.drop(uc)
		return nil, errH2Gone
	}
	return uc, nil
}

// h2Eligible reports whether the egress takes HTTP/2 connections on the
// fast path now (the conditions the HTTP/1.1 fast path checks per
// request, for every route).
func (e *egress) h2Eligible() bool {
	p, m := e.p, e.p.m
	cfg := m.cfg.Load()
	up := e.upstream()
	if cfg == nil || m.faults.any() || up.Auth != nil && !up.Auth.Allowed[p.task.Service] {
		return false
	}
	for i := range up.Routes {
		r := &up.Routes[i]
		retry := up.Retry
		if r.Retry != nil || cfg.Semantics == Model {
			retry = r.Retry
		}
		if retry != nil && (retry.PerTry > 0 || retry.Backoff) {
			return false
		}
		for _, t := range r.Targets {
			if bp := up.Breaker[t.Service]; bp != nil && (bp.MaxRequests > 0 && bp.MaxRequests < unlimited || bp.MaxRetries > 0 && bp.MaxRetries < unlimited) {
				return false
			}
		}
	}
	return true
}

func (e *egress) openH2(rd *h2reader, s *h2stream) {
	p, m := e.p, e.p.m
	if !e.h2Eligible() {
		s.refuse(rd)
		return
	}
	p.fastRequests.Add(1)
	cfg := m.cfg.Load()
	up := e.upstream()
	s.upst = up
	route := up.route(s.method, pathOnly(s.path), s.regular.Get)
	s.span.start(p.tracer, p.record, m.ctx, &s.regular, "egress", e.service, trace.SpanKindClient, func() []attribute.KeyValue {
		return []attribute.KeyValue{attribute.String("netwright.task", p.task.ID), attribute.String("netwright.upstream", e.service),
			attribute.String("http.request.method", s.method), attribute.String("url.path", pathOnly(s.path))}
	})
	if route == nil {
		s.local(rd, http.StatusNotFound, "no route matched")
		return
	}
	timeout, retry := up.Timeout, up.Retry
	if route.Timeout > 0 {
		timeout = route.Timeout
	}
	if route.Retry != nil || cfg.Semantics == Model {
		retry = route.Retry
	}
	s.target = e.pickTarget(route.Targets)
	s.labels = e.labels.get(s.target, func() []string { return m.metrics.client(s.target, p.task.Service) })
	if sp := s.span.span; sp != nil {
		sp.SetAttributes(attribute.String("netwright.target", s.target), attribute.String("netwright.route", route.Source))
	}
	s.cl = p.cluster(s.target)
	s.cl.active.Add(1)
	s.active = true
	s.start = time.Now()
	if timeout > 0 {
		s.deadline = m.clock.Now().Add(timeout)
		s.timer = m.clock.AfterFunc(timeout, s.timedOut)
	}
	s.od = up.Outlier[s.target]
	s.retry = retry
	if retry != nil {
		s.maxRetries = retry.Max
	}
	s.keep = s.maxRetries > 0
	e.tryH2(rd, s)
}

func pathOnly(p string) string {
	p, _, _ = strings.Cut(p, "?")
	return p
}

// passed reports whether the request's timeout passed.
func (e *egress) passed(s *h2stream) bool {
	return !s.deadline.IsZero() && !e.p.m.clock.Now().Before(s.deadline)
}

// tryH2 picks a task and opens the stream to its proxy, going on to
// another task while connecting fails as the policy retries.
func (e *egress) tryH2(rd *h2reader, s *h2stream) {
	m := e.p.m
	eps := m.endpoints(s.target)
	healthy := func(task string) bool { return m.health.healthy(s.target, task) }
	for {
		if s.attempt > 0 {
			m.metrics.retries.WithLabelValues(s.labels...).Inc()
			if sp := s.span.span; sp != nil {
				sp.AddEvent("retry", trace.WithAttributes(attribute.Int("netwright.attempt", s.attempt+1)))
			}
		}
		ep, ok := s.cl.pick(m.clock.Now(), eps, s.tried, s.od, healthy)
		if !ok {
			s.local(rd, http.StatusServiceUnavailable, "no healthy upstream")
			return
		}
		s.tried = append(s.tried, ep.Task)
		s.ep = ep
		err := e.openUpstream(rd, s, ep)
		if errors.Is(err, errDialing) || !e.opened(rd, s, err) {
			return
		}
	}
}

// errDialing: the try waits for a new connection, dialed apart.
var errDialing = errors.New("mesh: dialing")

// opened takes how opening a try went; true when the call goes on to
// another task.
func (e *egress) opened(rd *h2reader, s *h2stream, err error) bool {
	m := e.p.m
	if err == nil {
		s.hst = s.cl.hostFor(s.ep.Task)
		s.hst.inFlight.Add(1)
		return false
	}
	if errors.Is(err, errHeadersTooLarge) {
		s.local(rd, http.StatusRequestHeaderFieldsTooLarge, "request header fields too large")
		return false
	}
	e.reportH2(s, tryConnectFailure, 0)
	if e.passed(s) {
		m.metrics.timeouts.WithLabelValues(s.labels...).Inc()
		s.local(rd, http.StatusGatewayTimeout, "upstream request timeout")
		return false
	}
	if s.attempt < s.maxRetries && s.retry != nil && retriable(s.retry.On, tryConnectFailure, 0, -1) {
		s.attempt++
		return true
	}
	s.local(rd, http.StatusServiceUnavailable, "upstream connect error or disconnect/reset before headers. reset reason: "+tryConnectFailure.String())
	return false
}

// openUpstream opens the stream on a pooled connection to ep's proxy;
// with none, it waits for one dialed in a goroutine of its own
// (errDialing): one dial at a time per pool, the streams that come
// meanwhile waiting for it, so a burst shares one connection; the
// caller's connection's other streams go on meanwhile (a connection
// black-holed takes up to the request's timeout), and the try goes on
// when the dial ends.
func (e *egress) openUpstream(rd *h2reader, s *h2stream, ep Endpoint) error {
	pool := e.pools.h2get(poolKey{ep.Addr, s.upst.TLS})
	for range 3 {
		uc := pool.get()
		if uc == nil {
			if pool.wait(s) {
				e.p.m.goroutines.Go(func() { e.dialFor(s, ep, pool) })
			}
			return errDialing
		}
		if err := s.attach(rd, uc); !errors.Is(err, errH2Gone) {
			return err
		}
	}
	return errH2Gone
}

// dialFor dials a connection to ep's proxy for the streams waiting on
// pool (s0 first, whose deadline bounds it; its target, TLS and labels
// are the pool's), and goes on with each.
func (e *egress) dialFor(s0 *h2stream, ep Endpoint, pool *h2pool) {
	m := e.p.m
	mode := s0.upst.TLS
	var uc *h2conn
	c, err := e.dialFast(s0.target, ep, mode, s0.deadline, "h2")
	if err == nil {
		scheme := "http"
		if mode != TLSOff {
			scheme = "https"
		}
		uc, err = e.p.dialH2(pool, c, scheme, e.idle())
	} else {
		var ce *connectError
		if errors.As(err, &ce) && ce.tls {
			m.metrics.targetTLSErrors.WithLabelValues(s0.labels...).Inc()
		}
	}
	for _, s := range pool.dialed() {
		e.goOn(s, ep, uc, err)
	}
}

// goOn goes on with s's try once the dial it waited for ended.
func (e *egress) goOn(s *h2stream, ep Endpoint, uc *h2conn, err error) {
	rd := &h2reader{}
	s.mu.Lock()
	if !s.done && !s.answered { // answered: the proxy's own answer, still going out
		if err == nil {
			if err = s.attach(rd, uc); errors.Is(err, errH2Gone) {
				err = e.openUpstream(rd, s, ep) // full already: another
			}
		}
		if !errors.Is(err, errDialing) && e.opened(rd, s, err) {
			e.tryH2(rd, s)
		}
	}
	s.mu.Unlock()
	rd.flush()
}

// reportH2 tells outlier detection how a try went.
func (e *egress) reportH2(s *h2stream, o outcome, status int) {
	p, m := e.p, e.p.m
	if ej, until := s.cl.report(m.clock.Now(), s.ep.Task, failed(s.od, o, status), s.od, len(m.endpoints(s.target))); ej {
		m.metrics.ejections.WithLabelValues(s.labels...).Inc()
		m.logf("%s ejected %s until %s", p.task.ID, s.ep.Task, until.Format(time.RFC3339))
		if sp := s.span.span; sp != nil {
			sp.AddEvent("ejected", trace.WithAttributes(attribute.String("netwright.ejected", s.ep.Task)))
		}
	}
	if sp := s.span.span; sp != nil {
		sp.AddEvent("try", trace.WithAttributes(attribute.String("netwright.endpoint", s.ep.Task), attribute.String("netwright.outcome", o.String()), attribute.Int("http.response.status_code", status)))
	}
}

func (e *egress) answeredH2(rd *h2reader, s *h2stream, status, grpcStatus int) bool {
	m := e.p.m
	e.reportH2(s, tryAnswered, status)
	if !e.passed(s) && s.attempt < s.maxRetries && s.retry != nil && retriable(s.retry.On, tryAnswered, status, grpcStatus) && s.replayable() {
		s.detach(rd)
		s.attempt++
		e.tryH2(rd, s)
		return true
	}
	if s.attempt > 0 && status < 500 {
		m.metrics.retrySuccess.WithLabelValues(s.labels...).Inc()
	}
	m.metrics.code(status, s.labels)
	m.metrics.targetRequests.WithLabelValues(s.labels...).Inc()
	m.metrics.targetTime.WithLabelValues(s.labels...).Observe(float64(time.Since(s.start).Microseconds()) / 1000)
	if sp := s.span.span; sp != nil {
		sp.SetAttributes(attribute.Int("http.response.status_code", status))
		if status >= 500 || grpcStatus > 0 {
			sp.SetStatus(codes.Error, strconv.Itoa(status)+" "+http.StatusText(status))
		}
	}
	return false
}

func (e *egress) failedH2(rd *h2reader, s *h2stream, code http2.ErrCode) {
	m := e.p.m
	e.reportH2(s, tryReset, 0)
	if e.passed(s) {
		m.metrics.timeouts.WithLabelValues(s.labels...).Inc()
		s.local(rd, http.StatusGatewayTimeout, "upstream request timeout")
		return
	}
	if s.attempt < s.maxRetries && s.retry != nil && retriable(s.retry.On, tryReset, 0, -1) && s.replayable() {
		s.detach(rd)
		s.attempt++
		e.tryH2(rd, s)
		return
	}
	if code == http2.ErrCodeRefusedStream {
		// Unprocessed: the caller may send it again, as gRPC does at once.
		s.reset(rd, http2.ErrCodeRefusedStream, noRST)
		return
	}
	s.local(rd, http.StatusServiceUnavailable, "upstream connect error or disconnect/reset before headers. reset reason: "+tryReset.String())
}

func (e *egress) localH2(s *h2stream, status int, msg string) {
	if s.labels != nil {
		e.p.m.metrics.code(status, s.labels)
		e.p.m.metrics.targetRequests.WithLabelValues(s.labels...).Inc()
	}
	if sp := s.span.span; sp != nil {
		sp.SetStatus(codes.Error, msg)
	}
}

func (e *egress) finishedH2(s *h2stream) {
	if s.active {
		s.cl.active.Add(-1)
		s.active = false
	}
	s.span.end()
}

// timedOut ends a call past its request timeout: 504 before the answer's
// head, a reset after.
func (s *h2stream) timedOut() {
	rd := &h2reader{}
	s.mu.Lock()
	if !s.done {
		if !s.answered {
			if e, ok := s.srv.(*egress); ok && s.labels != nil {
				e.p.m.metrics.timeouts.WithLabelValues(s.labels...).Inc()
			}
			s.local(rd, http.StatusGatewayTimeout, "upstream request timeout")
		} else {
			s.reset(rd, http2.ErrCodeCancel, http2.ErrCodeCancel)
		}
	}
	s.mu.Unlock()
	rd.flush()
}

// h2Eligible reports whether the ingress takes HTTP/2 connections on the
// fast path now.
func (in *ingress) h2Eligible() bool {
	pol := in.policy()
	return (pol.Protocol == "grpc" || pol.Protocol == "http2") && !in.p.m.faults.any()
}

func (in *ingress) openH2(rd *h2reader, s *h2stream) {
	p, m := in.p, in.p.m
	if !in.h2Eligible() {
		s.refuse(rd)
		return
	}
	p.fastRequests.Add(1)
	pol := in.policy()
	labels := in.labels.get(pol.DiscoveryName, func() []string { return m.metrics.server(pol.DiscoveryName, p.task.Service) })
	m.metrics.requests.WithLabelValues(labels...).Inc()
	if s.grpc {
		m.metrics.grpcRequests.WithLabelValues(labels...).Inc()
	}
	s.span.start(p.tracer, p.record, m.ctx, &s.regular, "ingress", p.task.Service, trace.SpanKindServer, func() []attribute.KeyValue {
		return []attribute.KeyValue{attribute.String("netwright.task", p.task.ID), attribute.String("http.request.method", s.method), attribute.String("url.path", pathOnly(s.path))}
	})
	peer := s.down.c.peer
	if peer != "" && s.span.span != nil {
		s.span.span.SetAttributes(attribute.String("netwright.caller", m.ids.ID(peer)))
	}
	if !in.authorized(pol, peer) {
		in.deny(pol, peer, "HTTP")
		s.local(rd, http.StatusForbidden, "RBAC: access denied")
		return
	}
	in.tryH2(rd, s)
}

// tryH2 opens the stream on a pooled connection to the task; with none,
// it waits for one dialed in a goroutine of its own, as the egress's
// tries do (one dial at a time, the streams that come meanwhile waiting
// for it): the caller's connection's other streams, and its PINGs, go on
// while the task is dialed.
func (in *ingress) tryH2(rd *h2reader, s *h2stream) {
	pool := in.pools.h2get(poolKey{addr: in.p.task.Addr})
	for range 3 {
		uc := pool.get()
		if uc == nil {
			if pool.wait(s) {
				in.p.m.goroutines.Go(func() { in.dialFor(pool) })
			}
			return
		}
		err := s.attach(rd, uc)
		if err == nil {
			return
		}
		if errors.Is(err, errHeadersTooLarge) {
			s.local(rd, http.StatusRequestHeaderFieldsTooLarge, "request header fields too large")
			return
		}
	}
	s.local(rd, http.StatusServiceUnavailable, "upstream connect error or disconnect/reset before headers. reset reason: connection failure")
}

// dialFor dials a connection to the task for the streams waiting on
// pool, and goes on with each.
func (in *ingress) dialFor(pool *h2pool) {
	p, m := in.p, in.p.m
	ctx, cancel := context.WithTimeout(m.ctx, 10*time.Second)
	c, err := p.net.Dial(ctx, p.task, p.task.Addr)
	cancel()
	var uc *h2conn
	if err == nil {
		uc, err = p.dialH2(pool, c, "http", 90*time.Second)
	}
	for _, s := range pool.dialed() {
		in.goOn(s, uc, err)
	}
}

// goOn goes on with s once the dial it waited for ended: a connection
// full already has it try another, one gone already has it try again (3
// times in all), a dial that failed answers 503.
func (in *ingress) goOn(s *h2stream, uc *h2conn, err error) {
	rd := &h2reader{}
	s.mu.Lock()
	if !s.done && !s.answered {
		if err == nil {
			err = s.attach(rd, uc)
		}
		switch {
		case err == nil:
		case errors.Is(err, errHeadersTooLarge):
			s.local(rd, http.StatusRequestHeaderFieldsTooLarge, "request header fields too large")
		case errors.Is(err, errH2Gone) && uc != nil && uc.takesStreams():
			in.tryH2(rd, s) // full already: another
		case errors.Is(err, errH2Gone) && s.attempt < 2:
			s.attempt++ // the ingress's count of connections gone as they came
			in.tryH2(rd, s)
		default:
			s.local(rd, http.StatusServiceUnavailable, "upstream connect error or disconnect/reset before headers. reset reason: connection failure")
		}
	}
	s.mu.Unlock()
	rd.flush()
}

func (in *ingress) answeredH2(_ *h2reader, s *h2stream, status, _ int) bool {
	if sp := s.span.span; sp != nil {
		sp.SetAttributes(attribute.Int("http.response.status_code", status))
	}
	return false
}

func (in *ingress) failedH2(rd *h2reader, s *h2stream, code http2.ErrCode) {
	if code == http2.ErrCodeRefusedStream {
		s.reset(rd, http2.ErrCodeRefusedStream, noRST) // unprocessed: the caller's proxy may send it again
		return
	}
	s.local(rd, http.StatusServiceUnavailable, "upstream connect error or disconnect/reset before headers. reset reason: connection failure")
}

func (in *ingress) localH2(s *h2stream, _ int, msg string) {
	if sp := s.span.span; sp != nil {
		sp.SetStatus(codes.Error, msg)
	}
}

func (in *ingress) finishedH2(s *h2stream) { s.span.end() }

// isH2TLS reports whether a connection is TLS that negotiated h2.
func isH2TLS(c net.Conn) bool {
	tc, ok := c.(*tls.Conn)
	return ok && tc.ConnectionState().NegotiatedProtocol == "h2"
}
