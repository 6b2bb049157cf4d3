package h1

import (
	"bufio"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"golang.org/x/net/http/httpguts"
)

// ErrResponseHead is a response head a data path refuses, as net/http's
// client would: malformed, or larger than the reader's buffer.
var ErrResponseHead = errors.New("h1: malformed or oversized response head from the target")

// Response is a parsed response head; its strings share Raw.
type Response struct {
	Raw  string
	Code int
	// Framing: none (HEAD, 1xx, 204, 304), a length, chunked, or to the
	// end of the connection (ContentLength -1 and not Chunked).
	NoBody        bool
	ContentLength int64
	Chunked       bool
	// Close is set when the target closes the connection after it.
	Close bool
	// Date is set when the head has a Date field.
	Date bool
	// Connection holds a Connection value naming headers to drop.
	Connection string
}

// Read reads a response head from br without consuming it; its strings
// are held in buf. started reports whether any of it came.
func (r *Response) Read(br *bufio.Reader, isHead bool, buf *[]byte) (started bool, err error) {
	if _, err := br.Peek(1); err != nil {
		return false, err
	}
	head, err := PeekHead(br, nil, 0)
	switch {
	case errors.Is(err, ErrHeadFull):
		return true, ErrResponseHead
	case err != nil:
		return true, err
	}
	return true, r.Parse(Hold(buf, head), isHead)
}

// Parse parses raw, the answer to a HEAD request when isHead.
func (r *Response) Parse(raw string, isHead bool) error {
	*r = Response{Raw: raw, ContentLength: -1}
	line, rest, ok := NextLine(raw)
	proto, status, _ := strings.Cut(line, " ")
	code, _, _ := strings.Cut(status, " ")
	n, err := strconv.Atoi(code)
	if !ok || proto != "HTTP/1.1" && proto != "HTTP/1.0" || len(code) != 3 || err != nil || n < 100 {
		return ErrResponseHead
	}
	r.Code = n
	r.Close = proto == "HTTP/1.0"
	for {
		name, value, next, end, err := NextField(rest)
		if err != nil {
			return ErrResponseHead
		}
		if end {
			break
		}
		rest = next
		switch {
		case strings.EqualFold(name, "Content-Length"):
			n, ok := ParseLength(value)
			if !ok || r.ContentLength >= 0 && r.ContentLength != n {
				return ErrResponseHead
			}
			r.ContentLength = n
		case strings.EqualFold(name, "Transfer-Encoding"):
			if proto == "HTTP/1.0" {
				// HTTP/1.0 has no transfer codings: as net/http's
				// client, the field is ignored and the body framed by
				// its length or the connection's end.
				continue
			}
			if !strings.EqualFold(value, "chunked") {
				return ErrResponseHead
			}
			r.Chunked = true
		case strings.EqualFold(name, "Connection"):
			for tok := range strings.SplitSeq(value, ",") {
				switch tok = strings.TrimSpace(tok); {
				case strings.EqualFold(tok, "close"):
					r.Close = true
				case strings.EqualFold(tok, "keep-alive"):
					r.Close = r.Close && proto != "HTTP/1.0"
				case tok != "":
					r.Connection = value
				}
			}
		case strings.EqualFold(name, "Date"):
			r.Date = true
		}
	}
	r.NoBody = isHead || n < 200 || n == http.StatusNoContent || n == http.StatusNotModified
	if r.Chunked {
		r.ContentLength = -1
	}
	return nil
}

// HopByHop reports whether a response field stays between the target
// and the proxy (the framing fields included: the proxy writes its own).
func (r *Response) HopByHop(name string) bool {
	switch {
	case strings.EqualFold(name, "Connection"), strings.EqualFold(name, "Keep-Alive"),
		strings.EqualFold(name, "Proxy-Connection"), strings.EqualFold(name, "Proxy-Authenticate"),
		strings.EqualFold(name, "Te"), strings.EqualFold(name, "Trailer"),
		strings.EqualFold(name, "Transfer-Encoding"), strings.EqualFold(name, "Upgrade"),
		strings.EqualFold(name, "Content-Length"):
		return true
	}
	return r.Connection != "" && httpguts.HeaderValuesContainsToken([]string{r.Connection}, name)
}

// Fields calls f with each field of the head, in order.
func (r *Response) Fields(f func(name, value string)) {
	rest := r.Raw[strings.IndexByte(r.Raw, '\n')+1:]
	for {
		name, value, next, end, _ := NextField(rest) // Parse checked every line
		if end || name == "" {
			return
		}
		rest = next
		f(name, value)
	}
}
