package h1

import (
	"bufio"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// FuzzResponseHead: a target's response head the data paths take,
// net/http's client takes too, with the same status, framing and
// keep-alive.
func FuzzResponseHead(f *testing.F) {
	for _, s := range []string{
		"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
		"HTTP/1.1 204 No Content\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
		"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n",
		"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n",
		"HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n",
		"HTTP/1.1 999 X\r\n\r\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		end := HeadEnd([]byte(raw))
		if end == 0 {
			return
		}
		var r Response
		if r.Parse(raw[:end], false) != nil {
			return
		}
		resp, err := http.ReadResponse(bufio.NewReader(strings.NewReader(raw[:end])), &http.Request{Method: "GET"})
		if err != nil {
			t.Fatalf("the data paths take %q; net/http refuses it: %v", raw[:end], err)
		}
		if resp.StatusCode != r.Code {
			t.Errorf("%q: status %d; net/http %d", raw[:end], r.Code, resp.StatusCode)
		}
		chunked := len(resp.TransferEncoding) == 1 && resp.TransferEncoding[0] == "chunked"
		if !r.NoBody && (chunked != r.Chunked || !r.Chunked && r.ContentLength != resp.ContentLength) {
			t.Errorf("%q: chunked=%v length %d; net/http %v %d", raw[:end], r.Chunked, r.ContentLength, resp.TransferEncoding, resp.ContentLength)
		}
		// A body that runs to the end of the connection ends it too.
		closes := r.Close || !r.NoBody && !r.Chunked && r.ContentLength < 0
		if r.Code >= 200 && closes != resp.Close {
			t.Errorf("%q: the connection closes after it: %v; net/http %v", raw[:end], closes, resp.Close)
		}
	})
}

func TestRequestLine(t *testing.T) {
	for _, c := range []struct {
		line, method, target string
		minor                int
		fast                 bool
	}{
		{"GET / HTTP/1.1", "GET", "/", 1, true},
		{"POST /a/b?x=1&y=2 HTTP/1.0", "POST", "/a/b?x=1&y=2", 0, true},
		{"GET /a%2Fb HTTP/1.1", "", "", 0, false},    // escapes: net/http decodes the path
		{"GET http://h/ HTTP/1.1", "", "", 0, false}, // absolute form
		{"CONNECT h:443 HTTP/1.1", "", "", 0, false}, // authority form
		{"GET * HTTP/1.1", "", "", 0, false},         // asterisk form
		{"GET / HTTP/2.0", "", "", 0, false},         // the HTTP/2 preface's line
		{"GET /a b HTTP/1.1", "", "", 0, false},      // a space in the target
		{"G(T / HTTP/1.1", "", "", 0, false},         // not a token
		{"GET /\x7f HTTP/1.1", "", "", 0, false},     // a control byte
		{"GET /#frag HTTP/1.1", "", "", 0, false},    // a fragment is never sent
		{"GET", "", "", 0, false},
	} {
		m, target, minor, err := RequestLine(c.line)
		if fast := err == nil; fast != c.fast || fast && (m != c.method || target != c.target || minor != c.minor) {
			t.Errorf("RequestLine(%q) = %q %q %d %v", c.line, m, target, minor, err)
		}
		if err != nil && !errors.Is(err, ErrNotFast) {
			t.Errorf("RequestLine(%q): %v; want ErrNotFast", c.line, err)
		}
	}
}

func TestParseLength(t *testing.T) {
	for v, want := range map[string]int64{"0": 0, "42": 42, "999999999999999999": 999999999999999999} {
		if n, ok := ParseLength(v); !ok || n != want {
			t.Errorf("ParseLength(%q) = %d %v", v, n, ok)
		}
	}
	for _, v := range []string{"", "-1", "+1", " 1", "1 ", "0x10", "1e3", "1000000000000000000"} {
		if _, ok := ParseLength(v); ok {
			t.Errorf("ParseLength(%q) took it", v)
		}
	}
}

func TestNextField(t *testing.T) {
	name, value, rest, end, err := NextField("Host:  a.example \t\r\nX: y\r\n\r\n")
	if name != "Host" || value != "a.example" || rest != "X: y\r\n\r\n" || end || err != nil {
		t.Errorf("NextField = %q %q %q %v %v", name, value, rest, end, err)
	}
	if _, _, rest, end, err := NextField("\r\nbody"); !end || rest != "body" || err != nil {
		t.Errorf("the blank line: %q %v %v", rest, end, err)
	}
	for _, s := range []string{
		"Host: a\n",        // a bare LF
		" folded\r\n",      // obsolete line folding
		"No colon\r\n",     //
		"Bad Name: v\r\n",  // a space in the name
		"X: a\x00b\r\n",    // a NUL in the value
		": empty name\r\n", //
	} {
		if _, _, _, _, err := NextField(s); !errors.Is(err, ErrNotFast) {
			t.Errorf("NextField(%q): %v; want ErrNotFast", s, err)
		}
	}
}

func TestPeekHead(t *testing.T) {
	c, s := net.Pipe()
	defer c.Close()
	defer s.Close()
	br := bufio.NewReaderSize(s, 64)
	go func() {
		c.Write([]byte("GET / HTTP/1.1\r\n"))
		c.Write([]byte("Host: a\r\n\r\nnext"))
	}()
	head, err := PeekHead(br, nil, 0)
	if err != nil || string(head) != "GET / HTTP/1.1\r\nHost: a\r\n\r\n" {
		t.Fatalf("PeekHead = %q, %v", head, err)
	}
	if br.Buffered() < len(head) {
		t.Errorf("PeekHead consumed the head")
	}
	// A head past the reader's buffer.
	br.Discard(br.Buffered())
	go c.Write([]byte("GET /" + strings.Repeat("a", 100) + " HTTP/1.1\r\n\r\n"))
	if _, err := PeekHead(br, nil, 0); !errors.Is(err, ErrHeadFull) {
		t.Errorf("a 120-byte head through a 64-byte buffer: %v; want ErrHeadFull", err)
	}
}

func TestAppendStatusLine(t *testing.T) {
	for code, want := range map[int]string{200: "HTTP/1.1 200 OK\r\n", 503: "HTTP/1.1 503 Service Unavailable\r\n", 599: "HTTP/1.1 599 status code 599\r\n"} {
		if got := string(AppendStatusLine(nil, code)); got != want {
			t.Errorf("AppendStatusLine(%d) = %q; want %q", code, got, want)
		}
	}
}

func TestResponseHopByHop(t *testing.T) {
	var r Response
	if err := r.Parse("HTTP/1.1 200 OK\r\nConnection: X-Secret, close\r\nX-Secret: 1\r\nX-Kept: 2\r\nKeep-Alive: timeout=5\r\nContent-Length: 0\r\n\r\n", false); err != nil {
		t.Fatal(err)
	}
	if !r.Close {
		t.Errorf("Connection: close not noted")
	}
	var kept []string
	r.Fields(func(name, _ string) {
		if !r.HopByHop(name) {
			kept = append(kept, name)
		}
	})
	if strings.Join(kept, ",") != "X-Kept" {
		t.Errorf("fields forwarded: %v; want only X-Kept", kept)
	}
}

// closeCounter is a net.Conn that counts its Close calls.
type closeCounter struct {
	net.Conn
	closed *int
}

func (c closeCounter) Close() error { *c.closed++; return nil }

func TestPool(t *testing.T) {
	b := NewBuffers(512, 512)
	closed := 0
	conn := func() *Conn { return b.Conn(closeCounter{closed: &closed}, nil) }
	t0 := time.Unix(1000, 0)
	var p Pool
	if p.Get(t0, time.Minute) != nil {
		t.Fatal("an empty pool gave a connection")
	}
	a, bb, c := conn(), conn(), conn()
	p.Put(a, t0, 2, time.Minute)
	p.Put(bb, t0.Add(time.Second), 2, time.Minute)
	p.Put(c, t0.Add(2*time.Second), 2, time.Minute) // past max: the oldest, a, is closed
	if closed != 1 {
		t.Errorf("%d closed putting a third into a pool of 2; want 1 (the oldest)", closed)
	}
	if got := p.Get(t0.Add(3*time.Second), time.Minute); got != c {
		t.Errorf("Get gave not the newest")
	}
	// The newest idle too long: it and every older one are closed.
	if got := p.Get(t0.Add(time.Hour), time.Minute); got != nil {
		t.Errorf("Get gave a connection idle for an hour")
	}
	if closed != 2 {
		t.Errorf("%d closed; want 2 (a, and b idle too long)", closed)
	}
	p.Put(c, t0, 2, time.Minute)
	p.Close()
	p.Put(conn(), t0, 2, time.Minute) // after Close: closed at once
	if closed != 4 || p.Get(t0, time.Minute) != nil {
		t.Errorf("after Close: %d closed, want 4, and the pool empty", closed)
	}
}
