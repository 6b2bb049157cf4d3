// Package alb serves one listener of a design's Application Load Balancer
// on this machine with ALB's semantics, for `netwright up`: rules
// evaluated by internal/albrules (the code `netwright route` uses),
// forward actions split by weight across target groups, each group's
// algorithm (round robin, least outstanding requests, weighted random),
// active health checks with the designed thresholds and matcher, fail-open
// when no target is healthy, redirects and fixed responses, the
// X-Forwarded-* and X-Amzn-Trace-Id headers, and ALB's own status codes
// (502 bad target response, 503 no target, 504 target timeout).
package alb

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httputil"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/netwright/netwright/internal/albrules"
	"github.com/netwright/netwright/internal/clock"
	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/runtime/h1"
)

// Listener serves one designed listener. Create it with New; register
// targets with Register; it is safe for concurrent use.
type Listener struct {
	lb     *design.LoadBalancer
	l      *design.Listener
	groups map[string]*group
	// tls reports whether clients reach this listener over TLS, for
	// X-Forwarded-Proto and redirects.
	tls        bool
	mapPort    func(int) int
	metrics    *Metrics
	clock      clock.Clock
	transports Transports
	accessLog  *AccessLog
	region     string
	// appARN caches the load balancer's ARN for the access log.
	appARN atomic.Pointer[arnEntry]
	// queryRules is set when a rule has a query-string condition: only
	// then is the query parsed; headerRules likewise for http-header
	// conditions on the data path.
	queryRules, headerRules bool
	// dial connects to targets; idle is the load balancer's idle timeout
	// and maxIdle the idle connections the data path keeps per target.
	dial    func(ctx context.Context, network, addr string) (net.Conn, error)
	idle    time.Duration
	maxIdle int
	// watchAfter is how long the data path waits on a target before it
	// watches the client for leaving.
	watchAfter time.Duration
	// ended tells of requests that end, to WaitIdle.
	ended ends
	// counters caches request counters by counterKey.
	counters sync.Map
	proxy    *httputil.ReverseProxy
	intn     func(n int) int
	now      func() time.Time
}

// Options tunes a Listener; the zero value serves the design as is.
type Options struct {
	// TLS is set when the listener is served over TLS.
	TLS bool
	// Intn returns a random number in [0, n) and must be safe for
	// concurrent use; math/rand/v2's IntN when nil.
	Intn func(n int) int
	// MaxConnsPerTarget sizes the upstream pool (default 256, not Go's 2
	// idle connections per host).
	MaxConnsPerTarget int
	// MapPort turns a designed port into the one served locally, for
	// redirects; identity when nil.
	MapPort func(port int) int
	// Metrics, when set, receives the listener's numbers.
	Metrics *Metrics
	// Clock is the time the listener runs on (the system's when nil):
	// the health checks' rhythm and timeouts, the deregistration delay,
	// slow start, the idle timeout of requests, on either path (a timer
	// per request the full path serves; clock.Deadlines on the data
	// path's target connections), the wait before the data path watches
	// for a client that leaves, and the times logged. A Server serving
	// the listener should have the same clock.
	Clock clock.Clock
	// AccessLog, when set, receives a line per request in ALB's format.
	AccessLog *AccessLog
	// Region is the load balancer's, for the ARNs in the access log.
	Region string
	// Dial connects to a target; a plain dial with ALB's 10 s connect
	// timeout when nil. The local runtime routes inspected paths through
	// an appliance with it.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
}

// New prepares the listener l of lb, whose forward actions name groups of
// tgs.
func New(lb *design.LoadBalancer, l *design.Listener, tgs []design.TargetGroup, opt Options) (*Listener, error) {
	if lb.Type != design.ALB {
		return nil, fmt.Errorf("%s is a %s load balancer; only application load balancers are served over HTTP", lb.ID, lb.Type)
	}
	byID := map[string]*design.TargetGroup{}
	for i := range tgs {
		byID[tgs[i].ID] = &tgs[i]
	}
	x := &Listener{lb: lb, l: l, groups: map[string]*group{}, tls: opt.TLS, intn: opt.Intn, mapPort: opt.MapPort, metrics: opt.Metrics, clock: clock.Or(opt.Clock), accessLog: opt.AccessLog, region: opt.Region}
	x.now = time.Now
	if _, real := x.clock.(clock.Real); !real {
		x.now = x.clock.Now
	}
	if x.mapPort == nil {
		x.mapPort = func(p int) int { return p }
	}
	if x.intn == nil {
		x.intn = randIntn
	}
	for _, r := range l.Rules {
		x.queryRules = x.queryRules || len(r.Conditions.Query) > 0
		x.headerRules = x.headerRules || len(r.Conditions.Headers) > 0
	}
	for _, a := range l.Actions() {
		if a.Type == design.ActionForward && len(a.Forward) == 0 {
			return nil, fmt.Errorf("listener %s has a forward action without target groups", l.ID)
		}
		for _, f := range a.Forward {
			tg, ok := byID[f.TargetGroup]
			if !ok {
				return nil, fmt.Errorf("listener %s forwards to %s, which the design does not have", l.ID, f.TargetGroup)
			}
			if _, seen := x.groups[tg.ID]; !seen {
				x.groups[tg.ID] = &group{tg: tg, slow: time.Duration(tg.SlowStart), ended: &x.ended}
			}
		}
	}
	conns := opt.MaxConnsPerTarget
	if conns <= 0 {
		conns = 256
	}
	idle := time.Duration(lb.IdleTimeout)
	if idle <= 0 {
		idle = 60 * time.Second
	}
	x.dial, x.idle, x.maxIdle, x.watchAfter = opt.Dial, idle, conns, 250*time.Millisecond
	if x.dial == nil {
		x.dial = (&net.Dialer{Timeout: targetConnectTimeout}).DialContext
	}
	x.transports = NewTransports(conns, idle, x.dial)
	x.proxy = &httputil.ReverseProxy{Rewrite: x.rewrite, Transport: x, ErrorHandler: x.targetError, ModifyResponse: x.responded, BufferPool: h1.BufferPool{}}
	return x, nil
}

// TargetGroups lists the IDs of the groups the listener forwards to.
func (x *Listener) TargetGroups() []string {
	return slices.Sorted(maps.Keys(x.groups))
}

// Close drops pooled upstream connections.
func (x *Listener) Close() {
	x.transports.CloseIdleConnections()
	for _, g := range x.groups {
		g.mu.Lock()
		for _, t := range g.targets {
			t.pool.Close()
		}
		g.mu.Unlock()
	}
}

// RoundTrip sends a forwarded request with the protocol its target group
// speaks.
func (x *Listener) RoundTrip(r *http.Request) (*http.Response, error) {
	ex := r.Context().Value(ctxKey{}).(*exchange)
	return x.transports.For(ex.version).RoundTrip(r)
}

type ctxKey struct{}

// ServeHTTP routes one request.
func (x *Listener) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ex := &exchange{received: x.now()}
	ex.trace = traceID(r.Header.Get("X-Amzn-Trace-Id"), ex.received, requestHeaderBytes(r))
	rec := &statusRecorder{ResponseWriter: w}
	if class, ok := r.Context().Value(desyncKey{}).(desyncClass); ok {
		ex.class = class
		if class.tier >= ambiguous {
			// Served, then the client's connection closes (and the
			// target's, in rewrite).
			rec.Header().Set("Connection", "close")
		}
	}
	if r.Body != nil && r.Body != http.NoBody {
		ex.in = &countingBody{ReadCloser: r.Body}
		r.Body = ex.in
	}
	r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, ex))
	defer x.finish(r, rec, ex)
	if tooLarge(r) {
		ex.errorReason = "HeaderTooLarge"
		status(rec, http.StatusBadRequest)
		return
	}
	if x.lb.DropInvalidHeaders {
		dropInvalidHeaders(r.Header)
	}
	if countForwardedFor(r.Header) >= maxForwardedFor {
		status(rec, StatusTooManyForwardedFor)
		return
	}
	req := albrules.Request{Host: r.Host, Path: r.URL.Path, Method: r.Method, Headers: r.Header}
	if x.queryRules {
		req.Query = r.URL.Query()
	}
	if ap, err := netip.ParseAddrPort(r.RemoteAddr); err == nil {
		req.SourceIP = ap.Addr().Unmap()
	}
	action := x.l.DefaultAction
	if rule := albrules.Evaluate(x.l, &req); rule != nil {
		action, ex.priority = rule.Action, rule.Priority
	}
	switch action.Type {
	case design.ActionFixed:
		ex.action = "fixed-response"
		rec.Header().Set("Content-Type", "text/plain; charset=utf-8")
		rec.WriteHeader(action.StatusCode)
		fmt.Fprint(rec, action.Body)
	case design.ActionRedirect:
		ex.action = "redirect"
		ex.redirect = x.redirect(rec, r, action)
	case design.ActionForward:
		ex.action = "forward"
		x.forward(rec, r, ex, action)
	default:
		ex.action = string(action.Type)
		status(rec, http.StatusInternalServerError)
	}
}

// forward sends r to a target of one of the action's groups.
func (x *Listener) forward(w http.ResponseWriter, r *http.Request, ex *exchange, action design.Action) {
	g := x.pickGroup(action.Forward)
	ex.tg, ex.version = g.tg.ID, g.tg.ProtocolVersion
	if !compatible(g.tg.ProtocolVersion, r) {
		status(w, StatusIncompatibleProtocol)
		return
	}
	var t *target
	sticky := g.tg.Stickiness == "lb_cookie"
	if sticky {
		if c, err := r.Cookie(stickyCookie); err == nil {
			t = g.stuck(c.Value)
		}
	}
	if t == nil {
		if t = g.pick(x.intn, x.now()); t == nil {
			ex.errorReason = "NoHealthyTargets"
			status(w, http.StatusServiceUnavailable)
			return
		}
	}
	if sticky {
		x.setSticky(w, g.tg, t)
	}
	ex.t = t
	t.outstanding.Add(1)
	defer g.done(t)
	ctx, idle, stop := watchIdle(r.Context(), x.clock, x.idle)
	defer stop()
	ex.idle = idle
	if ex.in != nil {
		ex.in.idle = idle
	}
	x.proxy.ServeHTTP(w, r.WithContext(ctx))
}

// finish counts the request and writes its access-log line.
func (x *Listener) finish(r *http.Request, rec *statusRecorder, ex *exchange) {
	code := rec.code
	if code == 0 && ex.upgraded != nil {
		code = http.StatusSwitchingProtocols // written on the hijacked connection
	}
	x.count(ex.priority, ex.tg, code)
	if x.accessLog != nil {
		x.log(logHTTP(r, rec, ex), ex)
	}
}

// count adds a request answered with code (0: none) after the rule of
// priority (0: the default action) to the metrics.
func (x *Listener) count(priority int, tg string, code int) {
	if x.metrics == nil {
		return
	}
	rule := "default"
	if priority != 0 {
		rule = strconv.Itoa(priority)
	}
	x.requestCounter(rule, tg, codeClass(code)).Inc()
}

// stickyCookie is the cookie ALB's duration-based stickiness sets; the
// CORS twin carries the same value with SameSite=None.
const (
	stickyCookie     = "AWSALB"
	stickyCookieCORS = "AWSALBCORS"
)

// setSticky pins the client to t for the group's stickiness duration.
// ALB's value is opaque and encrypted; this one is opaque.
func (x *Listener) setSticky(w http.ResponseWriter, tg *design.TargetGroup, t *target) {
	for _, c := range x.stickyCookies(tg, t) {
		http.SetCookie(w, c)
	}
}

// stickyCookies are the cookies that pin a client to t.
func (x *Listener) stickyCookies(tg *design.TargetGroup, t *target) []*http.Cookie {
	d := time.Duration(tg.StickinessDuration)
	if d <= 0 {
		d = 24 * time.Hour // ALB's default
	}
	v := base64.RawURLEncoding.EncodeToString([]byte(tg.ID + "\x00" + t.id))
	// The client's cookie jar reads Expires on its own clock, the wall's.
	exp := time.Now().Add(d)
	return []*http.Cookie{
		{Name: stickyCookie, Value: v, Path: "/", Expires: exp},
		{Name: stickyCookieCORS, Value: v, Path: "/", Expires: exp, SameSite: http.SameSiteNoneMode, Secure: true},
	}
}

// stuck returns the target of g a sticky cookie's value pins, if it may
// still get requests.
func (g *group) stuck(value string) *target {
	if tg, id, ok := decodeSticky(value); ok && tg == g.tg.ID {
		return g.sticky(id)
	}
	return nil
}

func decodeSticky(v string) (tg, id string, ok bool) {
	b, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil {
		return "", "", false
	}
	return strings.Cut(string(b), "\x00")
}

// redirect answers with the designed redirect, keeping the host, path and
// query as ALB's #{host}, #{path} and #{query} defaults do.
func (x *Listener) redirect(w http.ResponseWriter, r *http.Request, a design.Action) string {
	proto := strings.ToLower(a.RedirectProtocol)
	if proto == "" {
		proto = "http"
		if x.tls {
			proto = "https"
		}
	}
	host := r.Host
	if h, _, err := net.SplitHostPort(r.Host); err == nil {
		host = h
	}
	port := a.RedirectPort
	if port == 0 {
		port = x.l.Port
	}
	port = x.mapPort(port)
	u := url.URL{Scheme: proto, Host: host, Path: r.URL.Path, RawQuery: r.URL.RawQuery}
	if !(proto == "https" && port == 443 || proto == "http" && port == 80) {
		u.Host = net.JoinHostPort(host, strconv.Itoa(port))
	}
	code := a.StatusCode
	if code == 0 {
		code = http.StatusFound
	}
	http.Redirect(w, r, u.String(), code)
	return u.String()
}

// pickGroup chooses a target group of a forward action in proportion to
// the weights; a group of weight 0 receives nothing.
func (x *Listener) pickGroup(fw []design.WeightedTarget) *group {
	total := 0
	for _, f := range fw {
		total += max(f.Weight, 0)
	}
	if total == 0 {
		return x.groups[fw[0].TargetGroup]
	}
	n := x.intn(total)
	for _, f := range fw {
		if n < f.Weight {
			return x.groups[f.TargetGroup]
		}
		n -= max(f.Weight, 0)
	}
	return x.groups[fw[len(fw)-1].TargetGroup]
}

// rewrite sends the request to the chosen target with ALB's headers.
func (x *Listener) rewrite(pr *httputil.ProxyRequest) {
	ex := pr.In.Context().Value(ctxKey{}).(*exchange)
	ex.sent = x.now()
	pr.SetURL(&url.URL{Scheme: "http", Host: ex.t.addr})
	pr.Out.Host = pr.In.Host
	// ALB appends the client's address to X-Forwarded-For.
	client, _, err := net.SplitHostPort(pr.In.RemoteAddr)
	if err == nil {
		if prior := pr.In.Header.Values("X-Forwarded-For"); len(prior) > 0 {
			client = strings.Join(prior, ", ") + ", " + client
		}
		pr.Out.Header.Set("X-Forwarded-For", client)
	}
	proto := "http"
	if x.tls {
		proto = "https"
	}
	pr.Out.Header.Set("X-Forwarded-Proto", proto)
	pr.Out.Header.Set("X-Forwarded-Port", strconv.Itoa(x.l.Port))
	pr.Out.Header.Set("X-Amzn-Trace-Id", ex.trace)
	pr.Out.Close = ex.class.tier >= ambiguous // no reuse of the target's connection after an ambiguous request
}

// responded records the target response time: request sent to response
// headers in, as CloudWatch's TargetResponseTime.
func (x *Listener) responded(resp *http.Response) error {
	ex := resp.Request.Context().Value(ctxKey{}).(*exchange)
	ex.headers, ex.targetStatus = x.now(), resp.StatusCode
	ex.idle.touch()
	if rwc, ok := resp.Body.(io.ReadWriteCloser); ok && resp.StatusCode == http.StatusSwitchingProtocols {
		ex.upgraded = &idleConn{ReadWriteCloser: rwc, w: ex.idle}
		resp.Body = ex.upgraded
	} else if resp.Body != nil {
		resp.Body = &idleBody{ReadCloser: resp.Body, w: ex.idle}
	}
	if x.metrics != nil {
		x.responseTimer(ex.tg).Observe(ex.headers.Sub(ex.sent).Seconds())
	}
	return nil
}

// traceID is the X-Amzn-Trace-Id ALB forwards, given the client's (in)
// and the size of the request's header: with no Root field in, a new
// Root, the client's own fields kept after it; with a Root, this hop's
// Self inserted before it, or an existing Self's value updated in place,
// every other field kept. Past 7 KB of header ALB rewrites the header
// with a new Root alone. An ID is 1-<epoch seconds, 8 hex>-<96 random
// bits, 24 hex>; it need not be secret, only unique: math/rand/v2's
// generator is seeded from the system's and far cheaper per request than
// crypto/rand.
func traceID(in string, now time.Time, headerSize int) string {
	return string(appendTraceID(nil, in, now, headerSize))
}

// appendTraceID appends traceID's value to out.
func appendTraceID(out []byte, in string, now time.Time, headerSize int) []byte {
	var b [64]byte
	id := appendHex(append(b[:0], "1-"...), uint64(now.Unix()), 8)
	id = append(id, '-')
	id = appendHex(id, uint64(rand.Uint32()), 8)
	id = appendHex(id, rand.Uint64(), 16)
	if in == "" || headerSize > maxTracedHeader {
		return append(append(out, "Root="...), id...)
	}
	hasRoot, hasSelf := false, false
	for f := range strings.SplitSeq(in, ";") {
		switch k, _, _ := strings.Cut(f, "="); strings.TrimSpace(k) {
		case "Root":
			hasRoot = true
		case "Self":
			hasSelf = true
		}
	}
	switch {
	case !hasRoot: // a new trace; the client's own fields stay, a stale Self does not
		out = append(append(out, "Root="...), id...)
		for f := range strings.SplitSeq(in, ";") {
			if k, _, _ := strings.Cut(f, "="); strings.TrimSpace(f) != "" && strings.TrimSpace(k) != "Self" {
				out = append(append(out, ';'), strings.TrimSpace(f)...)
			}
		}
	case !hasSelf:
		out = append(append(out, "Self="...), id...)
		out = append(append(out, ';'), in...)
	default:
		first := true
		for f := range strings.SplitSeq(in, ";") {
			if !first {
				out = append(out, ';')
			}
			first = false
			if k, _, _ := strings.Cut(f, "="); strings.TrimSpace(k) == "Self" {
				out = append(append(out, "Self="...), id...)
				continue
			}
			out = append(out, f...)
		}
	}
	return out
}

// maxTracedHeader is the header size past which ALB rewrites
// X-Amzn-Trace-Id with a Root field alone.
const maxTracedHeader = 7 << 10

// appendHex appends the low digits hex digits of v, zero-padded.
func appendHex(b []byte, v uint64, digits int) []byte {
	const hexDigits = "0123456789abcdef"
	for i := digits - 1; i >= 0; i-- {
		b = append(b, hexDigits[(v>>(4*uint(i)))&0xf])
	}
	return b
}

// targetError maps a failed proxy attempt to ALB's status: 504 when the
// target did not answer in time, 502 otherwise (refused, reset, or a
// response that is not HTTP).
func (x *Listener) targetError(w http.ResponseWriter, r *http.Request, err error) {
	ex := r.Context().Value(ctxKey{}).(*exchange)
	timedOut := ex.idle.timedOut() // nothing moved for the idle timeout
	if r.Context().Err() != nil && !timedOut {
		ex.elbStatus = StatusClientClosed // the client left; ALB logs 460 and sends nothing
		return
	}
	var ne net.Error
	if timedOut || errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout() {
		ex.errorReason = "TargetResponseTimeout"
		status(w, http.StatusGatewayTimeout)
		return
	}
	ex.errorReason = "TargetConnectionError"
	if !ex.headers.IsZero() {
		ex.errorReason = "TargetResponseError"
	}
	status(w, http.StatusBadGateway)
}

// ALB's limits on a request's header, beyond which it answers 400.
const (
	maxRequestLine = 16 << 10
	maxHeaderLine  = 16 << 10
	maxHeaderBlock = 64 << 10
)

// tooLarge reports whether r's request line, one of its headers or its
// whole header is past ALB's limits.
func tooLarge(r *http.Request) bool {
	if len(r.Method)+len(r.RequestURI)+len(r.Proto)+2 > maxRequestLine {
		return true
	}
	total := 0
	for k, vs := range r.Header {
		for _, v := range vs {
			n := len(k) + 2 + len(v)
			if n > maxHeaderLine {
				return true
			}
			total += n + 2
		}
	}
	return total > maxHeaderBlock
}

// dropInvalidHeaders removes the headers ALB drops with
// drop_invalid_header_fields: names other than letters, digits and
// hyphens.
func dropInvalidHeaders(h http.Header) {
	for k := range h {
		for i := 0; i < len(k); i++ {
			c := k[i]
			if !(c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
				delete(h, k)
				break
			}
		}
	}
}

// ALB's own status codes beyond HTTP's.
const (
	// StatusClientClosed is logged when the client closed the connection
	// before the load balancer answered; nothing is sent.
	StatusClientClosed = 460
	// StatusTooManyForwardedFor answers a request whose X-Forwarded-For
	// already holds 30 or more addresses.
	StatusTooManyForwardedFor = 463
	// StatusIncompatibleProtocol answers a request whose protocol the
	// target group's protocol version cannot carry: HTTP/1.1 to an HTTP2
	// or GRPC group, gRPC to an HTTP1 group.
	StatusIncompatibleProtocol = 464
)

// maxForwardedFor is how many X-Forwarded-For addresses a request may
// bring: ALB answers 463 from 30 on (it appends one more).
const maxForwardedFor = 30

// countForwardedFor counts the addresses of every X-Forwarded-For header.
func countForwardedFor(h http.Header) int {
	n := 0
	for _, v := range h.Values("X-Forwarded-For") {
		for a := range strings.SplitSeq(v, ",") {
			if strings.TrimSpace(a) != "" {
				n++
			}
		}
	}
	return n
}

// isGRPC reports whether r is a gRPC call: HTTP/2 with a gRPC content type.
func isGRPC(r *http.Request) bool {
	return r.ProtoMajor == 2 && strings.HasPrefix(r.Header.Get("Content-Type"), "application/grpc")
}

// compatible reports whether a target group of protocol version v can
// carry r, as ALB's protocol-version table decides before answering 464:
// a GRPC group takes gRPC and any other HTTP/2 POST, an HTTP2 group any
// HTTP/2 request, an HTTP1 group anything but gRPC.
func compatible(v string, r *http.Request) bool {
	switch v {
	case design.VersionGRPC:
		return isGRPC(r) || r.ProtoMajor == 2 && r.Method == http.MethodPost
	case design.VersionHTTP2:
		return r.ProtoMajor == 2
	}
	return !isGRPC(r)
}

// status writes ALB's own error page for code.
func status(w http.ResponseWriter, code int) {
	w.Header().Set("Content-Type", "text/html")
	w.Header().Set("Server", "awselb/2.0")
	w.WriteHeader(code)
	io.WriteString(w, statusPage(code))
}

// statusPage is ALB's own error page for code.
func statusPage(code int) string {
	title := strings.TrimSpace(strconv.Itoa(code) + " " + http.StatusText(code))
	return "<html>\r\n<head><title>" + title + "</title></head>\r\n<body>\r\n<center><h1>" + title + "</h1></center>\r\n</body>\r\n</html>\r\n"
}
