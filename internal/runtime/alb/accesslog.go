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
	"time"
)

// AccessLog writes one line per request in ALB's access-log format
// (the fields ALB writes to S3, space-separated, in its order). It is safe
// for concurrent use; each line is written with one Write.
type AccessLog struct {
	mu sync.Mutex
	w  io.Writer
}

// NewAccessLog writes to w.
func NewAccessLog(w io.Writer) *AccessLog { return &AccessLog{w: w} }

func (l *AccessLog) write(line []byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	_, _ = l.w.Write(line) // a full disk must not fail requests
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

// log writes ex's line.
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
	target, tgARN, targetStatus := "-", "-", "-"
	reqTime, targetTime, respTime := -1.0, -1.0, -1.0
	if ex.t != nil {
		target = ex.t.addr
		tgARN = x.arn("targetgroup", ex.tg)
	}
	if !ex.sent.IsZero() {
		reqTime = ex.sent.Sub(ex.received).Seconds()
	}
	if !ex.headers.IsZero() {
		targetTime = ex.headers.Sub(ex.sent).Seconds()
		respTime = done.Sub(ex.headers).Seconds()
		targetStatus = strconv.Itoa(ex.targetStatus)
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
	scheme := "http"
	if x.tls {
		scheme = "https"
	}
	host := r.host
	if !strings.Contains(host, ":") {
		host += ":" + strconv.Itoa(x.l.Port)
	}
	request := r.method + " " + scheme + "://" + host + r.uri + " " + r.proto
	priority := strconv.Itoa(ex.priority)
	if ex.action == "" {
		priority = "-" // refused before the rules (463)
	}
	targets, statuses := "-", "-"
	if ex.t != nil {
		targets, statuses = target, targetStatus
	}
	line := fmt.Sprintf("%s %s %s %s %s %.3f %.3f %.3f %d %s %d %d %s %s %s %s %s %s %s %s %s %s %s %s %s %s %s %s %s -\n",
		typ, isoTime(done), x.arn("app", x.lb.Name), r.remote, target, reqTime, targetTime, respTime,
		status, targetStatus, r.received, r.sent,
		quote(request), quote(r.userAgent), cipher, proto, tgARN, quote(ex.trace), quote(domain), `"-"`,
		priority, isoTime(ex.received), quote(orDash(ex.action)), quote(orDash(ex.redirect)), quote(orDash(ex.errorReason)),
		quote(targets), quote(statuses), quote(ex.class.Tier()), quote(ex.class.Reason()))
	x.accessLog.write([]byte(line))
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

func isoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000Z") }

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// quote writes a quoted field as ALB does, escaping quotes and
// backslashes so a line always splits the same way.
func quote(s string) string {
	if s == "" {
		s = "-"
	}
	return `"` + logEscaper.Replace(s) + `"`
}

var logEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`)

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
