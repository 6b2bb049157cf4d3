package alb

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"golang.org/x/net/http/httpguts"

	"github.com/netwright/netwright/internal/albrules"
	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/runtime/h1"
)

// The listener's own HTTP/1.1 data path. A request head is read whole
// from the connection's buffer, copied once into a string and parsed in
// place; the rules are evaluated; the head ALB would send is written to a
// pooled keep-alive connection to the target (upstream.go), whose
// response head is parsed the same way and streamed back, flushed
// whenever the target has nothing more buffered.
//
// The path takes only what it can serve exactly as the full one
// (ServeHTTP) does: HTTP/1.0 and 1.1 requests in origin form with a valid
// Host, a head within 8 KB, no Expect, Upgrade or Connection options,
// Content-Length or chunked bodies, routed to a forward action whose
// target group speaks HTTP/1 (lb_cookie stickiness included). Anything
// else goes to the fallback before a byte of it is consumed.

// errNotFast marks a request left to the fallback.
var errNotFast = h1.ErrNotFast

// field is one header line of a request.
type field struct {
	name, value string
	// drop marks a hop-by-hop header, or one the load balancer sets.
	drop bool
	// invalid marks a name drop_invalid_header_fields drops: other than
	// letters, digits and hyphens.
	invalid bool
}

// reqHead is a parsed request head; its strings share raw.
type reqHead struct {
	raw                         string
	method, target, path, query string
	minor                       int // HTTP/1.<minor>
	host                        string
	hostSeen                    bool
	fields                      []field
	contentLength               int64 // -1 when absent
	chunked                     bool
	close, keepAlive            bool
	teTrailers                  bool
	// xff holds the X-Forwarded-For values; xffCount their addresses.
	xff       []string
	xffCount  int
	trace     string
	userAgent string
	// invalidName is set when a name has a character other than a letter,
	// a digit or a hyphen (drop_invalid_header_fields drops it).
	invalidName bool
}

// readHead reads the next request head into cc.head without consuming
// it, waiting at most idle for each further part of it (ALB's idle
// timeout, which each byte resets). errNotFast means it is not for the
// data path; other errors mean the connection failed or timed out.
func (cc *clientConn) readHead(idle time.Duration) error {
	cc.class = desyncClass{}
	buf, err := h1.PeekHead(cc.br, &cc.dl, idle)
	switch {
	case errors.Is(err, h1.ErrHeadFull):
		return errNotFast // past the data path's buffer
	case err != nil:
		return err
	}
	raw := h1.Hold(&cc.headBuf, buf)
	cc.class = classifyHead(raw)
	return cc.head.parse(raw)
}

// nextRequestField is nextField for a request, which may also carry a
// name that is not an HTTP token (a space in it, say) as long as the line
// can be read: ALB forwards such a field, or drops it with
// drop_invalid_header_fields, where net/http would refuse the request.
func nextRequestField(s string) (name, value, rest string, end bool, err error) {
	line, rest, ok := h1.NextLine(s)
	switch {
	case !ok:
		return "", "", "", false, errNotFast
	case line == "":
		return "", "", rest, true, nil
	case line[0] == ' ' || line[0] == '\t': // obsolete line folding
		return "", "", "", false, errNotFast
	}
	name, value, ok = strings.Cut(line, ":")
	value = strings.Trim(value, " \t")
	if !ok || name == "" || hasCTL(name) || !isASCII(name) || !httpguts.ValidHeaderFieldValue(value) {
		return "", "", "", false, errNotFast
	}
	return name, value, rest, false, nil
}

func (h *reqHead) parse(raw string) error {
	*h = reqHead{raw: raw, fields: h.fields[:0], xff: h.xff[:0], contentLength: -1}
	line, rest, ok := h1.NextLine(raw)
	if !ok {
		return errNotFast
	}
	method, target, minor, err := h1.RequestLine(line)
	if err != nil {
		return err
	}
	h.method, h.target, h.minor = method, target, minor
	h.path, h.query, _ = strings.Cut(target, "?")
	for {
		name, value, next, end, err := nextRequestField(rest)
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
	if !h.hostSeen || h.host == "" || !httpguts.ValidHostHeader(h.host) || h.chunked && h.minor == 0 {
		return errNotFast
	}
	if h.chunked {
		// Transfer-Encoding wins over a Content-Length beside it (an
		// ambiguous request, which ALB serves on closing connections);
		// the target gets the chunked body.
		h.contentLength = -1
	}
	return nil
}

// add takes one header field, noting what the load balancer acts on.
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
				return errNotFast
			}
			drop, h.hostSeen, h.host = true, true, value
		}
	case 6:
		if is("Expect") {
			return errNotFast
		}
	case 7:
		if is("Upgrade") {
			return errNotFast
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
					return errNotFast // it names headers to drop, or upgrades
				}
			}
		}
		drop = drop || is("Keep-Alive")
		if is("User-Agent") && h.userAgent == "" {
			h.userAgent = value
		}
	case 14:
		if is("Content-Length") {
			n, ok := h1.ParseLength(value)
			if !ok || h.contentLength >= 0 && n != h.contentLength {
				return errNotFast
			}
			drop, h.contentLength = true, n // a duplicate of the same length is one
		}
	case 15:
		switch {
		case is("X-Forwarded-For"):
			drop = true
			h.xff = append(h.xff, value)
			for a := range strings.SplitSeq(value, ",") {
				if strings.TrimSpace(a) != "" {
					h.xffCount++
				}
			}
		case is("X-Amzn-Trace-Id"):
			drop = true
			if h.trace == "" {
				h.trace = value
			}
		}
	case 16:
		drop = is("Proxy-Connection") || is("X-Forwarded-Host") || is("X-Forwarded-Port")
	case 17:
		if is("Transfer-Encoding") {
			if h.chunked || !strings.EqualFold(value, "chunked") {
				return errNotFast
			}
			drop, h.chunked = true, true
		}
		drop = drop || is("X-Forwarded-Proto")
	case 18:
		drop = is("Proxy-Authenticate")
	case 19:
		drop = is("Proxy-Authorization")
	}
	invalid := !albHeaderName(name)
	h.invalidName = h.invalidName || invalid
	h.fields = append(h.fields, field{name: name, value: value, drop: drop, invalid: invalid})
	return nil
}

// albHeaderName reports whether drop_invalid_header_fields keeps a name.
func albHeaderName(k string) bool {
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// keep reports whether the client wants the connection kept.
func (h *reqHead) keep() bool {
	if h.close {
		return false
	}
	return h.minor == 1 || h.keepAlive
}

func (h *reqHead) hasBody() bool { return h.chunked || h.contentLength > 0 }

// cookie returns the value of the named cookie in the Cookie fields, or
// "" (as Request.Cookie reads them).
func (h *reqHead) cookie(name string) string {
	for _, f := range h.fields {
		if !strings.EqualFold(f.name, "Cookie") {
			continue
		}
		cs, _ := http.ParseCookie(f.value)
		for _, c := range cs {
			if c.Name == name {
				return c.Value
			}
		}
	}
	return ""
}

// headers maps every field but Host (and the invalid ones when they are
// dropped) by name, for http-header conditions, into m (emptied first),
// with value slices from arena, so a connection's requests reuse both.
// Names keep their case: albrules compares them without it, so the map
// matches as net/http's Request.Header (whose names are canonical) does.
// The names point into the request's head: empty m once the conditions
// are evaluated.
func (h *reqHead) headers(dropInvalid bool, m map[string][]string, arena *[][]string) {
	n := 0
	for _, f := range h.fields {
		if strings.EqualFold(f.name, "Host") || dropInvalid && f.invalid {
			continue
		}
		if vs, ok := m[f.name]; ok {
			m[f.name] = append(vs, f.value)
			continue
		}
		if n == len(*arena) {
			*arena = append(*arena, make([]string, 0, 2))
		}
		m[f.name] = append((*arena)[n][:0], f.value)
		n++
	}
}

// serveFast serves the request in cc.head. It reports whether the
// connection may carry another request, or that the request must go to
// the fallback, in which case nothing of it was consumed. closing is set
// while the server shuts down: the connection then ends after this
// request.
func (x *Listener) serveFast(cc *clientConn, closing bool) (keep, fallback bool) {
	h := &cc.head
	if h.xffCount >= maxForwardedFor {
		return false, true
	}
	received := x.now()
	req := albrules.Request{Host: h.host, Path: h.path, Method: h.method, SourceIP: cc.src}
	if x.queryRules {
		req.Query, _ = url.ParseQuery(h.query)
	}
	if x.headerRules {
		if cc.headers == nil {
			cc.headers = make(map[string][]string, len(h.fields))
		}
		h.headers(x.lb.DropInvalidHeaders, cc.headers, &cc.headerValues)
		req.Headers = cc.headers
	}
	action, priority := x.l.DefaultAction, 0
	if rule := albrules.Evaluate(x.l, &req); rule != nil {
		action, priority = rule.Action, rule.Priority
	}
	clear(cc.headers)
	if action.Type != design.ActionForward {
		return false, true
	}
	g := x.pickGroup(action.Forward)
	if v := g.tg.ProtocolVersion; v == design.VersionHTTP2 || v == design.VersionGRPC {
		return false, true
	}
	cc.br.Discard(len(h.raw))
	cc.traceBuf = appendTraceID(cc.traceBuf[:0], h.trace, received, len(h.raw))
	ex := exchange{received: received, priority: priority, action: "forward", tg: g.tg.ID, version: g.tg.ProtocolVersion,
		trace: unsafe.String(unsafe.SliceData(cc.traceBuf), len(cc.traceBuf)), class: cc.class} // valid while the request is served
	// An ambiguous request is served, then both connections close.
	keep = h.keep() && !closing && cc.class.tier < ambiguous
	var code int
	var t *target
	sticky := g.tg.Stickiness == "lb_cookie"
	if sticky {
		if v := h.cookie(stickyCookie); v != "" {
			t = g.stuck(v)
		}
	}
	if t == nil {
		t = g.pick(x.intn, received)
	}
	if t != nil {
		if sticky {
			ex.cookies = x.stickyCookies(g.tg, t)
		}
		ex.t = t
		t.outstanding.Add(1)
		code, keep = x.proxyFast(cc, &ex, keep)
		g.done(t)
	} else {
		ex.errorReason = "NoHealthyTargets"
		code, keep = http.StatusServiceUnavailable, keep && !h.hasBody()
		keep = cc.writeStatus(code, keep, &ex, x) && keep
	}
	x.countOnce(&ex, code) // counted already, unless the client left before an answer
	if x.accessLog != nil {
		if code == 0 {
			ex.elbStatus = StatusClientClosed
		}
		x.log(&logRequest{typ: "http", tls: cc.tls, remote: cc.remote, method: h.method, host: h.host, uri: h.target, proto: h.proto(),
			userAgent: h.userAgent, received: int64(len(h.raw)) + ex.bodyIn, sent: ex.out, code: code}, &ex)
	}
	return keep, false
}

func (h *reqHead) proto() string {
	if h.minor == 0 {
		return "HTTP/1.0"
	}
	return "HTTP/1.1"
}

// writeStatus answers with ALB's own page for code; it reports whether
// the write went through.
func (cc *clientConn) writeStatus(code int, keep bool, ex *exchange, x *Listener) bool {
	page := statusPage(code)
	b := h1.AppendStatusLine(cc.scratch[:0], code)
	b = append(b, "Content-Type: text/html\r\nServer: awselb/2.0\r\nDate: "...)
	b = x.now().UTC().AppendFormat(b, http.TimeFormat)
	b = append(b, "\r\nContent-Length: "...)
	b = strconv.AppendInt(b, int64(len(page)), 10)
	b = append(b, "\r\n"...)
	b = h1.AppendConnection(b, keep, cc.head.minor)
	b = append(b, "\r\n"...)
	b = append(b, page...)
	cc.scratch = b
	x.countOnce(ex, code)
	_, err := cc.bw.Write(b)
	if err == nil {
		err = cc.bw.Flush()
	}
	ex.out = int64(len(b))
	return err == nil
}

// countOnce counts a request the data path answers with code, once, and
// before the answer leaves: a client that has its answer finds it
// counted in /metrics. Later calls for the same request do nothing.
func (x *Listener) countOnce(ex *exchange, code int) {
	if !ex.counted {
		ex.counted = true
		x.count(ex.priority, ex.tg, code)
	}
}
