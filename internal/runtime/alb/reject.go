package alb

import (
	"bytes"
	"crypto/tls"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/netwright/netwright/internal/clock"
	"github.com/netwright/netwright/internal/runtime/h1"
)

// Requests the load balancer answers before routing them: a client that
// stops partway through a header (408), and a request net/http refuses
// on a connection handed to the fallback (400, 505, 501). ALB sends its
// own page for each, writes an access-log line and counts it.

// clientSource is what a client connection's reader reads from. While
// idle is set (a request body is being read) each read waits at most
// idle, ALB's idle timeout reset by each byte.
type clientSource struct {
	c    net.Conn
	dl   *clock.Deadline
	idle time.Duration
}

func (s *clientSource) Read(p []byte) (int, error) {
	if s.idle > 0 {
		s.dl.Set(s.idle)
	}
	return s.c.Read(p)
}

// requestTimeout answers a client that sent part of a request header and
// then nothing for the idle timeout: ALB's 408, and the connection ends.
func (x *Listener) requestTimeout(cc *clientConn) {
	buffered, _ := cc.br.Peek(cc.br.Buffered())
	head := append([]byte(nil), buffered...)
	cc.c.SetWriteDeadline(time.Now().Add(5 * time.Second))
	x.count(0, "", http.StatusRequestTimeout)
	sent := writeALBStatus(cc.c, http.StatusRequestTimeout, x.now())
	x.logRejected(cc.remote, cc.c.LocalAddr().String(), cc.tls, head, http.StatusRequestTimeout, int64(sent), desyncClass{})
}

// blockSevere answers a request desync mitigation classifies severe:
// ALB's 400 (501 for a transfer coding it does not know), logged with
// the classification, and the connection ends.
func (x *Listener) blockSevere(cc *clientConn) {
	buffered, _ := cc.br.Peek(cc.br.Buffered())
	head := append([]byte(nil), buffered...)
	if end := h1.HeadEnd(head); end > 0 {
		head = head[:end]
	}
	cc.c.SetWriteDeadline(time.Now().Add(5 * time.Second))
	code := cc.class.status()
	x.count(0, "", code)
	sent := writeALBStatus(cc.c, code, x.now())
	x.logRejected(cc.remote, cc.c.LocalAddr().String(), cc.tls, head, code, int64(sent), cc.class)
}

// writeALBStatus writes ALB's own answer for code, closing the
// connection, and returns the bytes written.
func writeALBStatus(w interface{ Write([]byte) (int, error) }, code int, now time.Time) int {
	page := statusPage(code)
	b := h1.AppendStatusLine(nil, code)
	b = append(b, "Server: awselb/2.0\r\nDate: "...)
	b = now.UTC().AppendFormat(b, http.TimeFormat)
	b = append(b, "\r\nContent-Type: text/html\r\nContent-Length: "...)
	b = strconv.AppendInt(b, int64(len(page)), 10)
	b = append(b, "\r\nConnection: close\r\n\r\n"...)
	b = append(b, page...)
	n, _ := w.Write(b) // the connection ends either way
	return n
}

// netHTTPErrorTail follows the status line of every answer net/http's
// server writes itself, before any handler, to a request it cannot take
// (a malformed request, an unsupported version or transfer coding, a
// header past its limit). A handler's answers never have it: their
// fields are sorted, and carry a Date.
const netHTTPErrorTail = "\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n"

// netHTTPError reports the status of an answer net/http's server wrote
// itself, or 0.
func netHTTPError(p []byte) int {
	if !bytes.HasPrefix(p, []byte("HTTP/1.1 ")) || len(p) < 12 {
		return 0
	}
	end := bytes.Index(p, []byte("\r\n"))
	if end < 0 || !bytes.HasPrefix(p[end:], []byte(netHTTPErrorTail)) {
		return 0
	}
	code, err := strconv.Atoi(string(p[9:12]))
	if err != nil {
		return 0
	}
	return code
}

// albCodeFor is what ALB answers where net/http's server answers code:
// 400 for a malformed request or a header past the limits (net/http's
// 431), the version and transfer-coding refusals as they are.
func albCodeFor(code int) int {
	switch code {
	case http.StatusHTTPVersionNotSupported, http.StatusNotImplemented:
		return code
	}
	return http.StatusBadRequest
}

// logRejected writes the access-log line of a request answered before
// it could be routed, from what came of its head: the request line and
// Host when they can be read ("-" for the method and version when not),
// no target, and -1 for the processing times, as ALB logs a request it
// cannot dispatch. The caller counted it before answering.
func (x *Listener) logRejected(remote, local string, st *tls.ConnectionState, head []byte, code int, sent int64, class desyncClass) {
	if x.accessLog == nil {
		return
	}
	r := &logRequest{typ: "http", remote: remote, tls: st, method: "-", uri: "-", proto: "-", code: code, received: int64(len(head)), sent: sent}
	line, rest, _ := strings.Cut(string(head), "\n")
	if method, after, ok := strings.Cut(strings.TrimSuffix(line, "\r"), " "); ok {
		if uri, proto, ok := strings.Cut(after, " "); ok && strings.HasPrefix(proto, "HTTP/") && uri != "" {
			r.method, r.uri, r.proto = method, uri, proto
		}
	}
	for l := range strings.SplitSeq(rest, "\n") {
		name, value, ok := strings.Cut(strings.TrimSuffix(l, "\r"), ":")
		switch {
		case !ok:
		case strings.EqualFold(name, "Host") && r.host == "":
			r.host = strings.TrimSpace(value)
		case strings.EqualFold(name, "User-Agent") && r.userAgent == "":
			r.userAgent = strings.TrimSpace(value)
		}
	}
	if r.host == "" {
		r.host = local
	}
	now := x.now()
	x.log(r, &exchange{received: now, rejected: true, class: class})
}
