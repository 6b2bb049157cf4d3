package alb

import (
	"crypto/tls"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/netwright/netwright/internal/clock"
)

// AccessLog writes one line per request in ALB's access-log format
// (the fields ALB writes to S3, space-separated, in its order). It is safe
// for concurrent use. NewAccessLog's writes each line with one Write as
// it ends; NewBufferedAccessLog's gathers lines and writes them in
// batches, as ALB itself delivers its logs every few minutes.
type AccessLog struct {
	mu sync.Mutex
	w  io.Writer
	// Buffered: lines wait in buf until it holds logBatch bytes or the
	// first of them waited every; timer (on clk) then writes them.
	buffered bool
	buf      []byte
	every    time.Duration
	clk      clock.Clock
	timer    clock.Timer
	armed    bool
}

// NewAccessLog writes to w, each line as it ends.
func NewAccessLog(w io.Writer) *AccessLog { return &AccessLog{w: w} }

// logBatch is how much a buffered access log gathers before it writes.
const logBatch = 64 << 10

// NewBufferedAccessLog writes to w in batches: once 64 KB of lines
// gathered, or every after the first line of a batch (on clk, the
// system's when nil), whichever is first, so a busy listener makes a
// write per few hundred requests rather than one each. Flush writes what
// waits; call it before w closes.
func NewBufferedAccessLog(w io.Writer, clk clock.Clock, every time.Duration) *AccessLog {
	return &AccessLog{w: w, buffered: true, every: every, clk: clock.Or(clk), buf: make([]byte, 0, logBatch+4<<10)}
}

func (l *AccessLog) write(line []byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.buffered {
		_, _ = l.w.Write(line) // a full disk must not fail requests
		return
	}
	l.buf = append(l.buf, line...)
	switch {
	case len(l.buf) >= logBatch:
		l.flushLocked()
	case !l.armed:
		l.armed = true
		if l.timer == nil {
			l.timer = l.clk.AfterFunc(l.every, func() { _ = l.Flush() })
		} else {
			l.timer.Reset(l.every)
		}
	}
}

// Flush writes the lines a buffered log gathered.
func (l *AccessLog) Flush() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.flushLocked()
}

func (l *AccessLog) flushLocked() error {
	if l.armed {
		l.armed = false
		l.timer.Stop()
	}
	if len(l.buf) == 0 {
		return nil
	}
	_, err := l.w.Write(l.buf) // a full disk must not fail requests
	l.buf = l.buf[:0]
	return err
}

// exchange is what the listener knows of one request, for the proxy, the
// metrics and the access log.
type exchange struct {
	received time.Time
	trace    string
	// priority is the matched rule's, 0 for the default action.
	priority int
	action   string // forward, redirect, fixed-response
	redirect string // the Location of a redirect
	// The forward, when there was one.
	t       *target
	tg      string
	version string // the group's protocol version
	// sent is when the request went to the target; headers when its
	// response headers came back, with targetStatus.
	sent, headers time.Time
	targetStatus  int
	// elbStatus is a status the load balancer logged but did not send
	// (460: the client left).
	elbStatus   int
	errorReason string
	in          *countingBody
	// idle is the forward's idle timeout; upgraded the connection to the
	// target a 101 switched to (a WebSocket).
	idle     *idleWatch
	upgraded *idleConn
	// bodyIn and out are what the data path counted: the request body's
	// bytes and the whole answer's.
	bodyIn, out int64
	// cookies are the data path's stickiness cookies for the answer.
	cookies []*http.Cookie
	// rejected is set for a request answered before it could be routed
	// (408, 400, 505): ALB logs -1 for its processing times.
	rejected bool
	// class is the request's desync classification.
	class desyncClass
	// counted is set once the data path counted the request, which it
	// does before the answer's last bytes leave (countOnce).
	counted bool
}

// countingBody counts the bytes of a request body read; once forwarded,
// each read keeps the idle timeout from firing.
type countingBody struct {
	io.ReadCloser
	n    int64
	idle *idleWatch
}

func (c *countingBody) Read(p []byte) (int, error) {
	n, err := c.ReadCloser.Read(p)
	c.n += int64(n)
	if n > 0 {
		c.idle.touch()
	}
	return n, err
}

// logRequest is what an access-log line tells of a request and of the
// answer sent to the client.
type logRequest struct {
	// typ is ALB's request type before TLS: http, ws, h2 or grpc.
	typ                                         string
	remote, method, host, uri, proto, userAgent string
	tls                                         *tls.ConnectionState
	// received counts the request's bytes (head and body), sent the
	// answer's; code is the status sent, 0 when none was.
	received, sent int64
	code           int
}

// logHTTP describes a request served by ServeHTTP; rec holds what was
// sent to the client.
func logHTTP(r *http.Request, rec *statusRecorder, ex *exchange) *logRequest {
	typ := "http"
	switch {
	case strings.EqualFold(r.Header.Get("Upgrade"), "websocket"):
		typ = "ws"
	case isGRPC(r):
		typ = "grpc"
	case r.ProtoMajor == 2:
		typ = "h2"
	}
	l := &logRequest{typ: typ, remote: r.RemoteAddr, method: r.Method, host: r.Host, uri: r.URL.RequestURI(), proto: r.Proto,
		userAgent: r.UserAgent(), tls: r.TLS, code: rec.code, sent: int64(headerBytes(rec.Header())) + rec.bytes}
	l.received = int64(requestHeaderBytes(r))
	if ex.in != nil {
		l.received += ex.in.n
	}
	if u := ex.upgraded; u != nil && l.code == 0 {
		// A WebSocket: the 101 went out on the hijacked connection, and
		// the session's bytes count both ways.
		l.code = http.StatusSwitchingProtocols
		l.received += u.in.Load()
		l.sent += u.out.Load()
	}
	return l
}

// log writes ex's line, built in a pooled buffer with no formatting
// package (fmt would cost more than the request it logs).
func (x *Listener) log(r *logRequest, ex *exchange) {
	done := x.now()
	typ := r.typ
	if x.tls {
		switch typ {
		case "http":
			typ = "https"
		case "ws":
			typ = "wss"
		case "grpc":
			typ = "grpcs"
		}
	}
	target, tgARN := "-", "-"
	reqTime, targetTime, respTime := -1.0, -1.0, -1.0
	if ex.t != nil {
		target = ex.t.addr
		tgARN = x.groupARN(ex.tg)
	}
	if !ex.sent.IsZero() {
		reqTime = ex.sent.Sub(ex.received).Seconds()
	}
	targetStatus := 0 // "-"
	if !ex.headers.IsZero() {
		targetTime = ex.headers.Sub(ex.sent).Seconds()
		respTime = done.Sub(ex.headers).Seconds()
		targetStatus = ex.targetStatus
	} else if ex.t == nil && !ex.rejected {
		reqTime = 0 // answered by the load balancer itself
		respTime = 0
	}
	status := r.code
	if status == 0 {
		status = ex.elbStatus
	}
	if status == 0 {
		status = StatusClientClosed
	}
	cipher, proto, domain := "-", "-", "-"
	if r.tls != nil {
		cipher, proto = cipherName(r.tls.CipherSuite), tlsVersionName(r.tls.Version)
		if r.tls.ServerName != "" {
			domain = r.tls.ServerName
		}
	}
	scheme := "http://"
	if x.tls {
		scheme = "https://"
	}
	buf := lineBuffers.Get().(*[]byte)
	b := append((*buf)[:0], typ...)
	b = append(b, ' ')
	b = appendISOTime(b, done)
	b = append(b, ' ')
	b = append(b, x.cachedARN(&x.appARN, "app", x.lb.Name)...)
	b = append(b, ' ')
	b = append(b, r.remote...)
	b = append(b, ' ')
	b = append(b, target...)
	for _, d := range [...]float64{reqTime, targetTime, respTime} {
		b = append(b, ' ')
		b = strconv.AppendFloat(b, d, 'f', 3, 64)
	}
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(status), 10)
	b = append(b, ' ')
	b = appendStatusOrDash(b, targetStatus)
	b = append(b, ' ')
	b = strconv.AppendInt(b, r.received, 10)
	b = append(b, ' ')
	b = strconv.AppendInt(b, r.sent, 10)
	// The request: method, URL with the port, protocol, quoted as one.
	b = append(b, ` "`...)
	b = appendEscaped(b, r.method)
	b = append(b, ' ')
	b = append(b, scheme...)
	b = appendEscaped(b, r.host)
	if !strings.Contains(r.host, ":") {
		b = append(b, ':')
		b = strconv.AppendInt(b, int64(x.l.Port), 10)
	}
	b = appendEscaped(b, r.uri)
	b = append(b, ' ')
	b = appendEscaped(b, r.proto)
	b = append(b, `" `...)
	b = appendQuoted(b, r.userAgent)
	b = append(b, ' ')
	b = append(b, cipher...)
	b = append(b, ' ')
	b = append(b, proto...)
	b = append(b, ' ')
	b = append(b, tgARN...)
	b = append(b, ' ')
	b = appendQuoted(b, ex.trace)
	b = append(b, ' ')
	b = appendQuoted(b, domain)
	b = append(b, ` "-" `...)
	if ex.action == "" {
		b = append(b, '-') // refused before the rules (463)
	} else {
		b = strconv.AppendInt(b, int64(ex.priority), 10)
	}
	b = append(b, ' ')
	b = appendISOTime(b, ex.received)
	for _, f := range [...]string{ex.action, ex.redirect, ex.errorReason} {
		b = append(b, ' ')
		b = appendQuoted(b, f)
	}
	b = append(b, ' ')
	if ex.t != nil {
		b = appendQuoted(b, target)
		b = append(b, ' ', '"')
		b = appendStatusOrDash(b, targetStatus)
		b = append(b, '"')
	} else {
		b = append(b, `"-" "-"`...)
	}
	b = append(b, ' ')
	b = appendQuoted(b, ex.class.Tier())
	b = append(b, ' ')
	b = appendQuoted(b, ex.class.Reason())
	b = append(b, " -\n"...)
	x.accessLog.write(b)
	*buf = b
	lineBuffers.Put(buf)
}

var lineBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 1<<10); return &b }}

// appendStatusOrDash appends a target's status, or - for none (0).
func appendStatusOrDash(b []byte, code int) []byte {
	if code == 0 {
		return append(b, '-')
	}
	return strconv.AppendInt(b, int64(code), 10)
}

// arnEntry is an ARN computed for a region.
type arnEntry struct{ region, arn string }

// cachedARN is arn, kept in *cache, computed again only when the
// listener's region changes.
func (x *Listener) cachedARN(cache *atomic.Pointer[arnEntry], kind, name string) string {
	if e := cache.Load(); e != nil && e.region == x.region {
		return e.arn
	}
	e := &arnEntry{region: x.region, arn: x.arn(kind, name)}
	cache.Store(e)
	return e.arn
}

// groupARN is the ARN of the target group id.
func (x *Listener) groupARN(id string) string {
	if g, ok := x.groups[id]; ok {
		return x.cachedARN(&g.arn, "targetgroup", id)
	}
	return x.arn("targetgroup", id)
}

// arn names a load balancer ("app") or target group the way ALB's log
// does, in the design's Region and a placeholder account: the local
// runtime has neither an account nor resource IDs, so the ID is a hash of
// the name.
func (x *Listener) arn(kind, name string) string {
	h := fnv.New64a()
	h.Write([]byte(name))
	id := fmt.Sprintf("%016x", h.Sum64())
	if kind == "app" {
		return "app/" + name + "/" + id
	}
	region := x.region
	if region == "" {
		region = "local"
	}
	return "arn:aws:elasticloadbalancing:" + region + ":000000000000:" + kind + "/" + name + "/" + id
}

// appendQuoted appends a quoted field as ALB writes it ("-" when
// empty), escaping quotes and backslashes so a line always splits the
// same way.
func appendQuoted(b []byte, s string) []byte {
	if s == "" {
		s = "-"
	}
	b = append(b, '"')
	b = appendEscaped(b, s)
	return append(b, '"')
}

// appendEscaped appends s with its quotes and backslashes escaped.
func appendEscaped(b []byte, s string) []byte {
	for {
		i := strings.IndexAny(s, `\"`)
		if i < 0 {
			return append(b, s...)
		}
		b = append(b, s[:i]...)
		b = append(b, '\\', s[i])
		s = s[i+1:]
	}
}

func appendISOTime(b []byte, t time.Time) []byte {
	return t.UTC().AppendFormat(b, "2006-01-02T15:04:05.000000Z")
}

// requestHeaderBytes is the size of r's header on the wire: the request
// line, the Host line (net/http keeps Host out of r.Header) and the
// other fields.
func requestHeaderBytes(r *http.Request) int {
	return len(r.Method) + len(r.URL.RequestURI()) + len(r.Proto) + 4 + len("Host: \r\n") + len(r.Host) + headerBytes(r.Header)
}

// headerBytes is the size of a header block on the wire, for the
// received_bytes and sent_bytes estimates.
func headerBytes(h http.Header) int {
	n := 2
	for k, vs := range h {
		for _, v := range vs {
			n += len(k) + len(v) + 4
		}
	}
	return n
}

// cipherName gives a TLS 1.2 suite's OpenSSL name, as ALB logs it; TLS
// 1.3 suites keep their IANA names (as ALB's do).
func cipherName(id uint16) string {
	switch id {
	case tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256:
		return "ECDHE-RSA-AES128-GCM-SHA256"
	case tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256:
		return "ECDHE-ECDSA-AES128-GCM-SHA256"
	case tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384:
		return "ECDHE-RSA-AES256-GCM-SHA384"
	case tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384:
		return "ECDHE-ECDSA-AES256-GCM-SHA384"
	case tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256:
		return "ECDHE-RSA-CHACHA20-POLY1305"
	case tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256:
		return "ECDHE-ECDSA-CHACHA20-POLY1305"
	}
	if id == 0 {
		return "-"
	}
	return tls.CipherSuiteName(id)
}

func tlsVersionName(v uint16) string {
	switch v {
	case tls.VersionTLS13:
		return "TLSv1.3"
	case tls.VersionTLS12:
		return "TLSv1.2"
	case tls.VersionTLS11:
		return "TLSv1.1"
	}
	return "TLSv1"
}
