package mesh

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/netwright/netwright/internal/clock"
)

// egress is a task's proxy's listener for the task's calls to one
// dependency: it routes each call, picks a task of the target service,
// and forwards to that task's proxy, retrying, timing out, ejecting and
// breaking circuits as the semantics say.
type egress struct {
	p        *Proxy
	service  string
	protocol string
	ln       net.Listener
	// up is the policy the proxy started with, used when a reload takes
	// the dependency out of the mesh.
	up *Upstream
	rp *httputil.ReverseProxy

	mu         sync.Mutex
	transports map[string]*http.Transport // by target service

	// queue feeds the net/http server the connections the fast path
	// (fastpath.go) hands over; pools are the fast path's connections to
	// the targets' proxies, labels its metrics' labels by target.
	queue  *connQueue
	pools  pools
	labels labelCache
}

func newEgress(p *Proxy, service, protocol string, ln net.Listener) *egress {
	return &egress{p: p, service: service, protocol: protocol, ln: ln, transports: map[string]*http.Transport{}}
}

func (e *egress) upstream() *Upstream {
	if c := e.p.m.cfg.Load(); c != nil {
		if up := c.Upstreams[e.service]; up != nil {
			return up
		}
	}
	return e.up
}

func (e *egress) start() {
	e.up = e.p.m.cfg.Load().Upstreams[e.service]
	if e.protocol == "tcp" {
		e.p.loop(e.ln, e.serveTCP)
		return
	}
	e.rp = reverseProxy(func(pr *httputil.ProxyRequest) {
		pr.Out.Host = pr.In.Host
	}, roundTripper(e.roundTrip), func(w http.ResponseWriter, r *http.Request, err error) {
		if r.Context().Err() != nil {
			return
		}
		localReply(w, r, http.StatusServiceUnavailable, "upstream connect error or disconnect/reset before headers. reset reason: "+err.Error())
	})
	e.queue = newConnQueue(e.ln.Addr())
	e.p.serveHTTP(e.queue, e, e.up.Idle, nil)
	e.p.loop(e.ln, e.accept)
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// call is one request through an egress listener, as its tries see it.
type call struct {
	up     *Upstream
	route  *Route
	target string
	span   trace.Span
	start  time.Time
	labels []string
	status int
}

type callKey struct{}

func (e *egress) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p, m := e.p, e.p.m
	up := e.upstream()
	ctx, span := p.startSpan(Extract(r.Context(), r.Header), "egress "+e.service, trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(attribute.String("netwright.task", p.task.ID), attribute.String("netwright.upstream", e.service),
			attribute.String("http.request.method", r.Method), attribute.String("url.path", r.URL.Path)))
	defer span.End()
	c := &call{up: up, span: span, start: time.Now()}
	if up.Auth != nil && !up.Auth.Allowed[p.task.Service] {
		// Lattice's answer to a caller no auth policy allows.
		m.metrics.denied.WithLabelValues(up.Service, e.service, m.metrics.cluster, p.task.Service).Inc()
		m.logf("denied HTTP call from %s (%s) to VPC Lattice service %s: no auth policy allows it", p.task.ID, m.ids.ID(p.task.Service), up.Auth.Service)
		span.SetStatus(codes.Error, "AccessDeniedException")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprintf(w, `{"Message":"AccessDeniedException: User: %s is not authorized to perform: vpc-lattice-svcs:Invoke on resource: %s because no service-based policy allows the vpc-lattice-svcs:Invoke action"}`+"\n", m.ids.ID(p.task.Service), up.Auth.Service)
		return
	}
	c.route = up.route(r.Method, r.URL.Path, r.Header.Get)
	if c.route == nil {
		span.SetStatus(codes.Error, "no route")
		localReply(w, r, http.StatusNotFound, "no route matched")
		return
	}
	c.target = e.pickTarget(c.route.Targets)
	c.labels = m.metrics.client(c.target, p.task.Service)
	span.SetAttributes(attribute.String("netwright.target", c.target), attribute.String("netwright.route", c.route.Source))
	cl := p.cluster(c.target)
	if bp := up.Breaker[c.target]; bp != nil && bp.MaxRequests > 0 && bp.MaxRequests < unlimited && cl.active.Load() >= int64(bp.MaxRequests) {
		m.metrics.overflow.WithLabelValues(append(c.labels, "max_requests")...).Inc()
		span.SetStatus(codes.Error, "overflow: max_requests")
		w.Header().Set("X-Envoy-Overloaded", "true")
		localReply(w, r, http.StatusServiceUnavailable, "upstream connect error or disconnect/reset before headers. reset reason: overflow")
		m.metrics.code(http.StatusServiceUnavailable, c.labels)
		return
	}
	cl.active.Add(1)
	defer cl.active.Add(-1)
	e.rp.ServeHTTP(w, r.WithContext(context.WithValue(ctx, callKey{}, c)))
}

// unlimited is App Mesh's "no limit" for a breaker (2147483647).
const unlimited = 2147483647

// pickTarget chooses a route's target by weight.
func (e *egress) pickTarget(ts []Target) string {
	if len(ts) == 1 {
		return ts[0].Service
	}
	total := 0
	for _, t := range ts {
		total += t.Weight
	}
	if total <= 0 {
		return ts[0].Service
	}
	n := e.p.m.rng.IntN(total)
	for _, t := range ts {
		if n < t.Weight {
			return t.Service
		}
		n -= t.Weight
	}
	return ts[len(ts)-1].Service
}

// outcome is how one try went.
type outcome int

const (
	tryAnswered outcome = iota
	tryConnectFailure
	tryReset
	tryPerTryTimeout
	tryTimeout  // the request's own timeout
	tryCanceled // the caller left
)

func (o outcome) String() string {
	return [...]string{"answered", "connection failure", "connection termination", "per-try timeout", "request timeout", "caller left"}[o]
}

// connectError is a failure to connect to a target's proxy (TLS
// included).
type connectError struct {
	err error
	tls bool
}

func (e *connectError) Error() string { return e.err.Error() }
func (e *connectError) Unwrap() error { return e.err }

// grpcEvents are the gRPC statuses retry policies name.
var grpcEvents = map[int]string{1: "cancelled", 4: "deadline-exceeded", 8: "resource-exhausted", 13: "internal", 14: "unavailable"}

// retriable reports whether a try's outcome is one of the retry
// policy's events (Envoy's retry_on, App Mesh's retry events).
func retriable(on map[string]bool, o outcome, status, grpcStatus int) bool {
	any := func(evs ...string) bool {
		for _, e := range evs {
			if on[e] {
				return true
			}
		}
		return false
	}
	switch o {
	case tryConnectFailure:
		return any("connect-failure", "connection-error", "5xx", "gateway-error", "reset", "server-error")
	case tryReset:
		return any("reset", "5xx", "gateway-error", "server-error", "stream-error", "refused-stream")
	case tryPerTryTimeout:
		return any("5xx", "gateway-error", "reset", "server-error")
	case tryAnswered:
		switch {
		case status >= 500 && any("5xx"):
			return true
		case (status == 502 || status == 503 || status == 504) && any("gateway-error"):
			return true
		case status == 503 && any("503", "retriable-status-codes"):
			return true
		case status == 409 && any("retriable-4xx", "client-error"):
			return true
		case status >= 500 && status <= 511 && status != 509 && any("server-error"):
			return true
		}
		if ev, ok := grpcEvents[grpcStatus]; ok && on[ev] {
			return true
		}
	}
	return false
}

// failed reports whether a try counts against the task's passive health:
// Service Connect's failed connections (a connection failure, a reset,
// and a 503, what its proxy retries) or Envoy's consecutive_5xx (5xx
// answers and local-origin failures alike, its default mode).
func failed(od *Outlier, o outcome, status int) bool {
	if od == nil {
		return false
	}
	switch o {
	case tryConnectFailure, tryReset, tryPerTryTimeout:
		return true
	case tryAnswered:
		if od.Window > 0 {
			return status == http.StatusServiceUnavailable
		}
		return status >= 500
	}
	return false
}

// roundTrip is the egress's tries of one request: pick a task, forward,
// and retry as the policy says, within the request's timeout.
func (e *egress) roundTrip(req *http.Request) (*http.Response, error) {
	p, m := e.p, e.p.m
	c := req.Context().Value(callKey{}).(*call)
	up, route := c.up, c.route
	timeout, retry := up.Timeout, up.Retry
	if route.Timeout > 0 {
		timeout = route.Timeout
	}
	if route.Retry != nil || m.cfg.Load() != nil && m.cfg.Load().Semantics == Model {
		retry = route.Retry
	}
	upgrade := req.Header.Get("Upgrade") != ""
	ctx, cancel := req.Context(), context.CancelFunc(func() {})
	if timeout > 0 && !upgrade {
		ctx, cancel = clock.WithTimeout(ctx, m.clock, timeout)
	}
	body := newReplayBody(req.Body)
	cl := p.cluster(c.target)
	od := up.Outlier[c.target]
	bp := up.Breaker[c.target]
	var tried []string
	maxRetries := 0
	if retry != nil {
		maxRetries = retry.Max
	}
	for attempt := 0; ; attempt++ {
		if attempt > 0 {
			m.metrics.retries.WithLabelValues(c.labels...).Inc()
			c.span.AddEvent("retry", trace.WithAttributes(attribute.Int("netwright.attempt", attempt+1)))
			if retry.Backoff && !clock.Sleep(ctx, m.clock, backoff(m.rng, attempt)) {
				break
			}
		}
		ep, ok := cl.pick(m.clock.Now(), m.endpoints(c.target), tried, od, func(task string) bool { return m.health.healthy(c.target, task) })
		if !ok {
			cancel()
			c.span.SetStatus(codes.Error, "no healthy upstream")
			return e.local(req, c, http.StatusServiceUnavailable, "no healthy upstream"), nil
		}
		tried = append(tried, ep.Task)
		resp, o, status, grpcStatus := e.try(ctx, req, c, ep, body, retry)
		if ej, until := cl.report(m.clock.Now(), ep.Task, failed(od, o, status), od, len(m.endpoints(c.target))); ej {
			m.metrics.ejections.WithLabelValues(c.labels...).Inc()
			m.logf("%s ejected %s until %s", p.task.ID, ep.Task, until.Format(time.RFC3339))
			c.span.AddEvent("ejected", trace.WithAttributes(attribute.String("netwright.ejected", ep.Task)))
		}
		if ctx.Err() != nil && req.Context().Err() == nil {
			o = tryTimeout // the request's own timeout passed, whatever the try saw
		}
		c.span.AddEvent("try", trace.WithAttributes(attribute.String("netwright.endpoint", ep.Task), attribute.String("netwright.outcome", o.String()), attribute.Int("http.response.status_code", status)))
		again := attempt < maxRetries && retry != nil && retriable(retry.On, o, status, grpcStatus) && body.replayable() && !upgrade
		if again && bp != nil && bp.MaxRetries > 0 && bp.MaxRetries < unlimited && cl.retries.Load() >= int64(bp.MaxRetries) {
			m.metrics.overflow.WithLabelValues(append(c.labels, "max_retries")...).Inc()
			again = false
		}
		switch {
		case o == tryCanceled:
			cancel()
			return nil, req.Context().Err()
		case o == tryTimeout:
			if resp != nil {
				resp.Body.Close()
			}
			cancel()
			m.metrics.timeouts.WithLabelValues(c.labels...).Inc()
			c.span.SetStatus(codes.Error, "upstream request timeout")
			return e.local(req, c, http.StatusGatewayTimeout, "upstream request timeout"), nil
		case again:
			if resp != nil {
				resp.Body.Close()
			}
			if attempt == 0 {
				cl.retries.Add(1)
				defer cl.retries.Add(-1)
			}
			continue
		case resp == nil:
			cancel()
			code, msg := http.StatusServiceUnavailable, "upstream connect error or disconnect/reset before headers. reset reason: "+o.String()
			if o == tryPerTryTimeout {
				code, msg = http.StatusGatewayTimeout, "upstream request timeout"
			}
			c.span.SetStatus(codes.Error, msg)
			return e.local(req, c, code, msg), nil
		}
		if attempt > 0 && status < 500 {
			m.metrics.retrySuccess.WithLabelValues(c.labels...).Inc()
		}
		c.status = status
		m.metrics.code(status, c.labels)
		m.metrics.targetRequests.WithLabelValues(c.labels...).Inc()
		m.metrics.targetTime.WithLabelValues(c.labels...).Observe(float64(time.Since(c.start).Microseconds()) / 1000)
		c.span.SetAttributes(attribute.Int("http.response.status_code", status))
		if status >= 500 || grpcStatus > 0 {
			c.span.SetStatus(codes.Error, resp.Status)
		}
		if resp.StatusCode != http.StatusSwitchingProtocols {
			resp.Body = &endBody{ReadCloser: resp.Body, end: cancel}
		}
		return resp, nil
	}
	cancel()
	if req.Context().Err() != nil {
		return nil, req.Context().Err()
	}
	m.metrics.timeouts.WithLabelValues(c.labels...).Inc()
	c.span.SetStatus(codes.Error, "upstream request timeout")
	return e.local(req, c, http.StatusGatewayTimeout, "upstream request timeout"), nil
}

// backoff is Envoy's fully jittered exponential back-off before retry n
// (1 for the first): uniform in [0, (2^n - 1) x 25 ms), capped at 250 ms.
func backoff(rng *lockedRand, n int) time.Duration {
	limit := envoyBackoffBase * time.Duration(int64(1)<<min(n, 10)-1)
	limit = min(limit, envoyBackoffMax)
	if limit <= 0 {
		return 0
	}
	return time.Duration(rng.Int64N(int64(limit)))
}

// local is an answer of the caller's proxy's own.
func (e *egress) local(req *http.Request, c *call, status int, msg string) *http.Response {
	m := e.p.m
	if c.labels != nil {
		m.metrics.code(status, c.labels)
		m.metrics.targetRequests.WithLabelValues(c.labels...).Inc()
	}
	h := http.Header{}
	resp := &http.Response{StatusCode: status, Status: strconv.Itoa(status) + " " + http.StatusText(status), Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Header: h, Request: req}
	if isGRPC(req) {
		h.Set("Content-Type", "application/grpc")
		h.Set("Grpc-Status", strconv.Itoa(grpcStatusOf(status)))
		h.Set("Grpc-Message", msg)
		resp.StatusCode, resp.Status = http.StatusOK, "200 OK"
		resp.Body = http.NoBody
		return resp
	}
	h.Set("Content-Type", "text/plain")
	resp.Body = io.NopCloser(stringsReader(msg))
	resp.ContentLength = int64(len(msg))
	return resp
}

// try sends one try of req to ep.
func (e *egress) try(ctx context.Context, req *http.Request, c *call, ep Endpoint, body *replayBody, retry *Retry) (resp *http.Response, o outcome, status, grpcStatus int) {
	p, m := e.p, e.p.m
	tctx, tcancel := context.WithCancel(ctx)
	var perTryHit atomic.Bool
	var perTry clock.Timer
	if retry != nil && retry.PerTry > 0 {
		perTry = m.clock.AfterFunc(retry.PerTry, func() { perTryHit.Store(true); tcancel() })
	}
	defer func() {
		if perTry != nil {
			perTry.Stop()
		}
		if resp == nil {
			tcancel()
		}
	}()
	classify := func(err error) outcome {
		switch {
		case req.Context().Err() != nil:
			return tryCanceled
		case ctx.Err() != nil:
			return tryTimeout
		case perTryHit.Load():
			return tryPerTryTimeout
		}
		var ce *connectError
		if errors.As(err, &ce) {
			if ce.tls {
				m.metrics.targetTLSErrors.WithLabelValues(c.labels...).Inc()
			}
			return tryConnectFailure
		}
		return tryReset
	}
	cl := p.cluster(c.target)
	h := cl.hostFor(ep.Task)
	h.inFlight.Add(1)
	defer h.inFlight.Add(-1)
	if f := m.faults.onPath(p.task.ID, p.task.Service, ep.Task, c.target); f != nil {
		m.metrics.faults.WithLabelValues(f.Target, f.Kind).Inc()
		switch f.Kind {
		case FaultPartition:
			// A black hole: the connection attempt times out.
			if !clock.Sleep(tctx, m.clock, envoyConnectTime) {
				return nil, classify(tctx.Err()), 0, -1
			}
			return nil, tryConnectFailure, 0, -1
		case FaultDelay:
			if !clock.Sleep(tctx, m.clock, f.delay) {
				return nil, classify(tctx.Err()), 0, -1
			}
		case FaultAbort:
			r := e.local(req, &call{}, f.status, "fault filter abort")
			return r, tryAnswered, f.status, grpcCode(r.Header)
		case FaultDrop, FaultKill:
			return nil, tryReset, 0, -1
		case FaultStall:
			<-tctx.Done()
			return nil, classify(tctx.Err()), 0, -1
		}
	}
	out := req.Clone(tctx)
	out.URL.Scheme, out.URL.Host = "http", ep.Addr
	if c.up.TLS != TLSOff {
		out.URL.Scheme = "https"
	}
	out.Body, out.GetBody = body.reader(), nil
	if req.Body == nil || req.Body == http.NoBody {
		out.Body = req.Body
	}
	Inject(trace.ContextWithSpan(tctx, c.span), out.Header)
	r, err := e.transport(c.target, c.up.TLS).RoundTrip(out)
	if err != nil {
		return nil, classify(err), 0, -1
	}
	if perTry != nil && !perTry.Stop() && perTryHit.Load() {
		r.Body.Close()
		return nil, tryPerTryTimeout, 0, -1
	}
	if rw, ok := r.Body.(io.ReadWriteCloser); ok && r.StatusCode == http.StatusSwitchingProtocols {
		r.Body = &endRWBody{ReadWriteCloser: rw, end: tcancel}
	} else {
		r.Body = &endBody{ReadCloser: r.Body, end: tcancel}
	}
	return r, tryAnswered, r.StatusCode, grpcCode(r.Header)
}

func grpcCode(h http.Header) int {
	if v := h.Get("Grpc-Status"); v != "" {
		n, _ := strconv.Atoi(v)
		return n
	}
	return -1
}

// transport is the proxy's client to target's proxies, made on first use:
// HTTP/1.1 for HTTP and WebSocket, HTTP/2 for HTTP/2 and gRPC (by prior
// knowledge, or negotiated over TLS).
func (e *egress) transport(target string, mode TLSMode) *http.Transport {
	e.mu.Lock()
	defer e.mu.Unlock()
	if t := e.transports[target]; t != nil {
		return t
	}
	p := e.p
	h2 := e.protocol == "http2" || e.protocol == "grpc"
	idle := e.up.Idle
	if idle <= 0 {
		idle = 5 * time.Minute
	}
	t := &http.Transport{MaxIdleConnsPerHost: 256, IdleConnTimeout: idle, Protocols: new(http.Protocols), DisableCompression: true,
		DialContext: func(ctx context.Context, _, addr string) (net.Conn, error) {
			c, err := p.net.Dial(ctx, p.task, addr)
			if err != nil {
				return nil, &connectError{err: err}
			}
			return c, nil
		}}
	switch {
	case mode != TLSOff:
		alpn := []string{"http/1.1"}
		if h2 {
			alpn = []string{"h2"}
			t.Protocols.SetHTTP2(true)
		} else {
			t.Protocols.SetHTTP1(true)
		}
		cfg := p.m.ids.clientTLS(p.task.Service, target, mode, alpn)
		t.DialTLSContext = func(ctx context.Context, _, addr string) (net.Conn, error) {
			raw, err := p.net.Dial(ctx, p.task, addr)
			if err != nil {
				return nil, &connectError{err: err}
			}
			tc := tls.Client(raw, cfg)
			if err := tc.HandshakeContext(ctx); err != nil {
				raw.Close()
				return nil, &connectError{err: fmt.Errorf("TLS: %w", err), tls: true}
			}
			return tc, nil
		}
	case h2:
		t.Protocols.SetUnencryptedHTTP2(true)
	default:
		t.Protocols.SetHTTP1(true)
	}
	e.transports[target] = t
	return t
}

// endBody runs end once the answer's body is closed.
type endBody struct {
	io.ReadCloser
	once sync.Once
	end  func()
}

func (b *endBody) Close() error {
	err := b.ReadCloser.Close()
	b.once.Do(b.end)
	return err
}

// endRWBody is endBody for a switched protocol's connection, which the
// reverse proxy writes to.
type endRWBody struct {
	io.ReadWriteCloser
	once sync.Once
	end  func()
}

func (b *endRWBody) Close() error {
	err := b.ReadWriteCloser.Close()
	b.once.Do(b.end)
	return err
}

// replayBody keeps the first 64 KiB of a request's body, so a try that
// failed can be sent again: each try reads what is kept, then the rest.
// Past 64 KiB read the request is not retried.
type replayBody struct {
	mu       sync.Mutex
	src      io.ReadCloser
	kept     []byte
	overflow bool
	eof      bool
	gen      int // the try now reading; earlier ones are cut off
}

const replayLimit = 64 << 10

func newReplayBody(src io.ReadCloser) *replayBody { return &replayBody{src: src} }

func (b *replayBody) replayable() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return !b.overflow
}

func (b *replayBody) reader() io.ReadCloser {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.gen++
	return &replayReader{b: b, gen: b.gen}
}

type replayReader struct {
	b   *replayBody
	gen int
	off int
}

var errStaleTry = errors.New("mesh: a later try reads the body")

func (r *replayReader) Read(p []byte) (int, error) {
	b := r.b
	b.mu.Lock()
	defer b.mu.Unlock()
	if r.gen != b.gen {
		return 0, errStaleTry
	}
	if r.off < len(b.kept) {
		n := copy(p, b.kept[r.off:])
		r.off += n
		return n, nil
	}
	if b.eof || b.src == nil {
		return 0, io.EOF
	}
	n, err := b.src.Read(p)
	if n > 0 {
		if len(b.kept)+n <= replayLimit && !b.overflow {
			b.kept = append(b.kept, p[:n]...)
			r.off += n
		} else {
			b.overflow = true
		}
	}
	if errors.Is(err, io.EOF) {
		b.eof = true
	}
	return n, err
}

func (r *replayReader) Close() error { return nil }

type stringReader struct {
	s string
	i int
}

func stringsReader(s string) io.Reader { return &stringReader{s: s} }

func (r *stringReader) Read(p []byte) (int, error) {
	if r.i >= len(r.s) {
		return 0, io.EOF
	}
	n := copy(p, r.s[r.i:])
	r.i += n
	return n, nil
}

// serveTCP carries one TCP connection of the task to a target task's
// proxy: round robin, connection failures retried on another task as the
// policy says, and the bytes relayed until either end closes (or the
// connection idles out).
func (e *egress) serveTCP(c net.Conn) {
	p, m := e.p, e.p.m
	if !p.track(c, true) {
		c.Close()
		return
	}
	defer p.track(c, false)
	up := e.upstream()
	if len(up.Routes) == 0 {
		reset(c)
		return
	}
	target := e.pickTarget(up.Routes[len(up.Routes)-1].Targets)
	labels := m.metrics.client(target, p.task.Service)
	cl := p.cluster(target)
	od := up.Outlier[target]
	if bp := up.Breaker[target]; bp != nil && bp.MaxConnections > 0 && bp.MaxConnections < unlimited && cl.conns.Load() >= int64(bp.MaxConnections) {
		m.metrics.overflow.WithLabelValues(append(labels, "max_connections")...).Inc()
		reset(c)
		return
	}
	cl.conns.Add(1)
	defer cl.conns.Add(-1)
	retry := up.Retry
	if r := up.Routes[len(up.Routes)-1].Retry; r != nil {
		retry = r
	}
	var tried []string
	for attempt := 0; ; attempt++ {
		ep, ok := cl.pick(m.clock.Now(), m.endpoints(target), tried, od, func(task string) bool { return m.health.healthy(target, task) })
		if !ok {
			reset(c)
			return
		}
		tried = append(tried, ep.Task)
		conn, err := e.dialTCP(ep, target, up.TLS)
		ok = err == nil
		if ej, _ := cl.report(m.clock.Now(), ep.Task, !ok && od != nil, od, len(m.endpoints(target))); ej {
			m.metrics.ejections.WithLabelValues(labels...).Inc()
		}
		if ok {
			m.metrics.targetRequests.WithLabelValues(labels...).Inc()
			start := time.Now()
			sent, got := relay(c, conn, up.Idle)
			m.metrics.targetProcessed.WithLabelValues(labels...).Add(float64(sent + got))
			m.metrics.targetTime.WithLabelValues(labels...).Observe(float64(time.Since(start).Microseconds()) / 1000)
			return
		}
		if retry == nil || attempt >= retry.Max || !retriable(retry.On, tryConnectFailure, 0, -1) {
			reset(c)
			return
		}
		m.metrics.retries.WithLabelValues(labels...).Inc()
	}
}

// dialTCP connects to a target task's proxy, through the path's faults.
func (e *egress) dialTCP(ep Endpoint, target string, mode TLSMode) (net.Conn, error) {
	p, m := e.p, e.p.m
	ctx, cancel := clock.WithTimeout(m.ctx, m.clock, envoyConnectTime)
	defer cancel()
	if f := m.faults.kill(ep.Task, target); f != nil {
		// A dead task's address refuses the connection: a connection
		// failure, which the policy retries on another task. (Its proxy
		// would reset the connection once accepted, too late for a retry
		// of a connection whose bytes are already relayed.)
		m.metrics.faults.WithLabelValues(f.Target, f.Kind).Inc()
		return nil, errors.New("connection refused (kill fault)")
	}
	if f := m.faults.onPath(p.task.ID, p.task.Service, ep.Task, target); f != nil {
		m.metrics.faults.WithLabelValues(f.Target, f.Kind).Inc()
		switch f.Kind {
		case FaultPartition, FaultStall:
			<-ctx.Done()
			return nil, errors.New("connect timeout")
		case FaultDelay:
			if !clock.Sleep(m.ctx, m.clock, f.delay) {
				return nil, m.ctx.Err()
			}
		default:
			return nil, fmt.Errorf("%s fault", f.Kind)
		}
	}
	raw, err := p.net.Dial(ctx, p.task, ep.Addr)
	if err != nil {
		return nil, err
	}
	if mode == TLSOff {
		return raw, nil
	}
	tc := tls.Client(raw, p.m.ids.clientTLS(p.task.Service, target, mode, nil))
	if err := tc.HandshakeContext(ctx); err != nil {
		raw.Close()
		m.metrics.targetTLSErrors.WithLabelValues(m.metrics.client(target, p.task.Service)...).Inc()
		return nil, err
	}
	return tc, nil
}
