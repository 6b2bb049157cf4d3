// Package h1 is the HTTP/1.1 wire the runtime's own data paths share
// (the ALB listener's and the mesh proxies'): a head read whole from a
// connection's buffer without consuming it, its lines and fields parsed
// in place, a target's response head parsed the way net/http's client
// reads one, the lines a proxy writes, and pooled keep-alive connections
// to upstreams whose buffers are lent, not allocated, per connection.
//
// It owns no semantics: which requests a data path takes, the headers it
// adds or drops and what it answers are the load balancer's or the
// mesh's. Nothing here allocates per request once buffers are warm.
package h1

import (
	"bufio"
	"bytes"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"golang.org/x/net/http/httpguts"

	"github.com/netwright/netwright/internal/clock"
)

// ErrNotFast marks a head a data path leaves to its net/http fallback:
// nothing of it was consumed.
var ErrNotFast = errors.New("h1: head for the full path")

// ErrHeadFull: a head that does not fit the reader's buffer.
var ErrHeadFull = errors.New("h1: head larger than the buffer")

// PeekHead waits until br holds a whole head, through its blank line,
// and returns it without consuming it. When dl is set, each read that may
// block waits at most idle on dl's clock.
func PeekHead(br *bufio.Reader, dl *clock.Deadline, idle time.Duration) ([]byte, error) {
	for {
		buf, _ := br.Peek(br.Buffered())
		if end := HeadEnd(buf); end > 0 {
			return buf[:end], nil
		}
		if len(buf) == br.Size() {
			return nil, ErrHeadFull
		}
		if dl != nil {
			dl.Set(idle)
		}
		if _, err := br.Peek(len(buf) + 1); err != nil {
			return nil, err
		}
	}
}

// HeadEnd returns the length of the head in buf, through its blank line,
// or 0 when buf does not hold a whole head yet.
func HeadEnd(buf []byte) int {
	start := 0
	for {
		i := bytes.IndexByte(buf[start:], '\n')
		if i < 0 {
			return 0
		}
		line := buf[start : start+i]
		start += i + 1
		if len(line) == 0 || len(line) == 1 && line[0] == '\r' {
			return start
		}
	}
}

// NextLine cuts one CRLF-terminated line off s; ok is false when the line
// ends in a bare LF.
func NextLine(s string) (line, rest string, ok bool) {
	line, rest, _ = strings.Cut(s, "\n")
	line, ok = strings.CutSuffix(line, "\r")
	return line, rest, ok
}

// NextField parses the header line at the start of s; end is set at the
// blank line. A line net/http would refuse, or fold, is ErrNotFast.
func NextField(s string) (name, value, rest string, end bool, err error) {
	line, rest, ok := NextLine(s)
	switch {
	case !ok:
		return "", "", "", false, ErrNotFast
	case line == "":
		return "", "", rest, true, nil
	case line[0] == ' ' || line[0] == '\t': // obsolete line folding
		return "", "", "", false, ErrNotFast
	}
	name, value, ok = strings.Cut(line, ":")
	value = strings.Trim(value, " \t")
	if !ok || !httpguts.ValidHeaderFieldName(name) || !httpguts.ValidHeaderFieldValue(value) {
		return "", "", "", false, ErrNotFast
	}
	return name, value, rest, false, nil
}

// RequestLine parses a request line in origin form (an absolute path
// with an optional query, no escapes) of HTTP/1.0 or 1.1; anything else,
// CONNECT included, is ErrNotFast.
func RequestLine(line string) (method, target string, minor int, err error) {
	method, line, ok1 := strings.Cut(line, " ")
	target, proto, ok2 := strings.Cut(line, " ")
	if !ok1 || !ok2 || method == "CONNECT" || !httpguts.ValidHeaderFieldName(method) || !OriginForm(target) {
		return "", "", 0, ErrNotFast
	}
	switch proto {
	case "HTTP/1.1":
		minor = 1
	case "HTTP/1.0":
		minor = 0
	default:
		return "", "", 0, ErrNotFast
	}
	return method, target, minor, nil
}

// OriginForm reports whether a request target is an absolute path with
// an optional query, without escapes (a data path that routes on the
// path sees it as net/http decodes it, and here it needs no decoding).
func OriginForm(t string) bool {
	if t == "" || t[0] != '/' {
		return false
	}
	for i := 0; i < len(t); i++ {
		if c := t[i]; c <= ' ' || c >= 0x7f || c == '%' || c == '#' {
			return false
		}
	}
	return true
}

// ParseLength parses a Content-Length: digits only, at most 18.
func ParseLength(v string) (int64, bool) {
	if v == "" || len(v) > 18 {
		return 0, false
	}
	var n int64
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return 0, false
		}
		n = n*10 + int64(v[i]-'0')
	}
	return n, true
}

// Hold copies b into *buf (grown when it is too small) and returns it as
// a string, valid until *buf is next held into: the head of a request or
// response, whose strings are used only while it is served.
func Hold(buf *[]byte, b []byte) string {
	if cap(*buf) < len(b) {
		*buf = make([]byte, len(b), max(len(b), 1<<10))
	}
	*buf = append((*buf)[:0], b...)
	return unsafe.String(unsafe.SliceData(*buf), len(*buf))
}

// AppendStatusLine appends an HTTP/1.1 status line as net/http's server
// writes it.
func AppendStatusLine(b []byte, code int) []byte {
	b = append(b, "HTTP/1.1 "...)
	b = strconv.AppendInt(b, int64(code), 10)
	b = append(b, ' ')
	if text := http.StatusText(code); text != "" {
		b = append(b, text...)
	} else {
		b = append(b, "status code "...)
		b = strconv.AppendInt(b, int64(code), 10)
	}
	return append(b, "\r\n"...)
}

// AppendField appends a header line.
func AppendField(b []byte, name, value string) []byte {
	b = append(b, name...)
	b = append(b, ": "...)
	b = append(b, value...)
	return append(b, "\r\n"...)
}

// AppendConnection appends the Connection header a response needs: close
// when the connection ends after it, keep-alive for an HTTP/1.0 client
// that keeps it.
func AppendConnection(b []byte, keep bool, minor int) []byte {
	switch {
	case !keep:
		return append(b, "Connection: close\r\n"...)
	case minor == 0:
		return append(b, "Connection: keep-alive\r\n"...)
	}
	return b
}

// ReadTrailers consumes a chunked body's trailer section, up to and
// including its blank line; trailers are not forwarded.
func ReadTrailers(br *bufio.Reader) error {
	for {
		line, err := br.ReadSlice('\n')
		if err != nil {
			return err
		}
		if len(bytes.TrimRight(line, "\r\n")) == 0 {
			return nil
		}
	}
}

// TimedOut reports whether err is a timeout.
func TimedOut(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
