package alb

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/net/http/httpguts"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/runtime/h1"
)

// FuzzRequestHead: a head the data path takes, net/http takes too, and
// reads the same way (method, target, path, Host, framing, keep-alive).
func FuzzRequestHead(f *testing.F) {
	for _, s := range []string{
		"GET / HTTP/1.1\r\nHost: a\r\n\r\n",
		"POST /x?y=1 HTTP/1.1\r\nHost: a:80\r\nContent-Length: 3\r\n\r\nabc",
		"PUT /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n",
		"GET /k HTTP/1.0\r\nHost: [::1]:8\r\nConnection: keep-alive\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nConnection: close, keep-alive\r\nX-Forwarded-For: 1.2.3.4, 5.6.7.8\r\n\r\n",
		"GET / HTTP/1.1\nHost: a\n\n",
		"GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		end := h1.HeadEnd([]byte(raw))
		if end == 0 {
			return
		}
		var h reqHead
		if h.parse(raw[:end]) != nil {
			return
		}
		if slices.ContainsFunc(h.fields, func(f field) bool { return !httpguts.ValidHeaderFieldName(f.name) }) {
			return // a name that is not a token: ALB forwards (or drops) it, net/http refuses it
		}
		req, err := http.ReadRequest(bufio.NewReader(strings.NewReader(raw[:end])))
		if err != nil {
			t.Fatalf("the data path takes %q; net/http refuses it: %v", raw[:end], err)
		}
		if req.Method != h.method || req.RequestURI != h.target || req.URL.Path != h.path || req.URL.RawQuery != h.query || req.Host != h.host {
			t.Errorf("%q: data path %q %q %q %q %q; net/http %q %q %q %q %q", raw[:end], h.method, h.target, h.path, h.query, h.host,
				req.Method, req.RequestURI, req.URL.Path, req.URL.RawQuery, req.Host)
		}
		chunked := len(req.TransferEncoding) == 1 && req.TransferEncoding[0] == "chunked"
		if chunked != h.chunked || !h.chunked && max(h.contentLength, 0) != req.ContentLength {
			t.Errorf("%q: data path chunked=%v length %d; net/http %v %d", raw[:end], h.chunked, h.contentLength, req.TransferEncoding, req.ContentLength)
		}
		if req.Close != !h.keep() {
			t.Errorf("%q: data path keep-alive %v; net/http close %v", raw[:end], h.keep(), req.Close)
		}
	})
}

// FuzzServeConn sends any bytes to a listener's data path, as a client
// would on one connection: it must answer or close within its timeouts,
// never panic, and keep serving the next connection.
func FuzzServeConn(f *testing.F) {
	for _, s := range []string{
		"GET / HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
		"POST /p HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
		"POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nshort",
		"GET /fixed HTTP/1.1\r\nHost: a\r\n\r\n",
		"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nX: \x00\r\n\r\n",
	} {
		f.Add([]byte(s))
	}
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		io.WriteString(w, "ok")
	}))
	defer target.Close()
	lb := &design.LoadBalancer{ID: "alb-fuzz", Name: "alb-fuzz", Type: design.ALB}
	l := &design.Listener{ID: "lst", Port: 80, Protocol: "HTTP",
		DefaultAction: design.Action{Type: design.ActionForward, Forward: []design.WeightedTarget{{TargetGroup: "tg", Weight: 1}}},
		Rules:         []design.ListenerRule{{Priority: 1, Conditions: design.Conditions{Path: "/fixed"}, Action: design.Action{Type: design.ActionFixed, StatusCode: 200, Body: "fixed"}}}}
	x, err := New(lb, l, []design.TargetGroup{{ID: "tg", Port: 80, Protocol: "HTTP", Health: targetHealth("/health")}}, Options{})
	if err != nil {
		f.Fatal(err)
	}
	defer x.Close()
	x.Register("tg", "t", target.Listener.Addr().String())
	s := &Server{Current: func() *Listener { return x }, Fallback: &http.Server{Handler: x, ReadHeaderTimeout: 200 * time.Millisecond},
		HeaderTimeout: 200 * time.Millisecond, IdleTimeout: 200 * time.Millisecond}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		f.Fatal(err)
	}
	go s.Serve(ln)
	defer s.Close()
	f.Fuzz(func(t *testing.T, in []byte) {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(5 * time.Second))
		c.Write(in)
		c.(*net.TCPConn).CloseWrite()
		if _, err := io.Copy(io.Discard, c); err != nil && !errors.Is(err, syscall.ECONNRESET) {
			t.Fatalf("the connection neither answered nor closed: %v", err)
		}
		// The server still serves.
		c2, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c2.Close()
		c2.SetDeadline(time.Now().Add(5 * time.Second))
		io.WriteString(c2, "GET /after HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
		resp, err := http.ReadResponse(bufio.NewReader(c2), nil)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("after %q the next request got %v %v", in, resp, err)
		}
	})
}
