package alb

import (
	"bufio"
	"net/http"
	"strings"
	"testing"
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
		end := headEnd([]byte(raw))
		if end == 0 {
			return
		}
		var h reqHead
		if h.parse(raw[:end]) != nil {
			return
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

// FuzzResponseHead: a target's response head the data path takes,
// net/http's client takes too, with the same status and framing.
func FuzzResponseHead(f *testing.F) {
	for _, s := range []string{
		"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
		"HTTP/1.1 204 No Content\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
		"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n",
		"HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n",
		"HTTP/1.1 999 X\r\n\r\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		end := headEnd([]byte(raw))
		if end == 0 {
			return
		}
		var r respHead
		if r.parse(raw[:end], false) != nil {
			return
		}
		resp, err := http.ReadResponse(bufio.NewReader(strings.NewReader(raw[:end])), &http.Request{Method: "GET"})
		if err != nil {
			t.Fatalf("the data path takes %q; net/http refuses it: %v", raw[:end], err)
		}
		if resp.StatusCode != r.code {
			t.Errorf("%q: status %d; net/http %d", raw[:end], r.code, resp.StatusCode)
		}
		chunked := len(resp.TransferEncoding) == 1 && resp.TransferEncoding[0] == "chunked"
		if !r.noBody && (chunked != r.chunked || !r.chunked && r.contentLength != resp.ContentLength) {
			t.Errorf("%q: chunked=%v length %d; net/http %v %d", raw[:end], r.chunked, r.contentLength, resp.TransferEncoding, resp.ContentLength)
		}
	})
}
