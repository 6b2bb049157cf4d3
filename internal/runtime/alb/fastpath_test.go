package alb

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/netwright/netwright/internal/clock/clocktest"
	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/runtime/h1"
	"github.com/netwright/netwright/internal/runtime/runtimetest"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// plainListener is an internal ALB's HTTP listener: the default action
// forwards to tg; rules answer fixed, forward to a sticky group, and
// route on a header.
func plainListener(t *testing.T, idle time.Duration, opt Options) *Listener {
	t.Helper()
	lb := &design.LoadBalancer{ID: "alb-int", Name: "alb-int", Type: design.ALB, Scheme: design.Internal, IdleTimeout: design.Duration(idle)}
	fwd := func(tg string) design.Action {
		return design.Action{Type: design.ActionForward, Forward: []design.WeightedTarget{{TargetGroup: tg, Weight: 1}}}
	}
	l := &design.Listener{ID: "lst-80", Port: 80, Protocol: "HTTP", DefaultAction: fwd("tg"),
		Rules: []design.ListenerRule{
			{Priority: 10, Conditions: design.Conditions{Path: "/fixed"}, Action: design.Action{Type: design.ActionFixed, StatusCode: 200, Body: "fixed"}},
			{Priority: 20, Conditions: design.Conditions{Path: "/sticky/*"}, Action: fwd("tg-sticky")},
			{Priority: 30, Conditions: design.Conditions{Headers: []design.KeyValue{{Key: "x-route", Value: "b"}}}, Action: fwd("tg-b")},
		}}
	tgs := []design.TargetGroup{
		{ID: "tg", Port: 8080, Protocol: "HTTP", Algorithm: "round_robin", Health: targetHealth("/health")},
		{ID: "tg-b", Port: 8080, Protocol: "HTTP", Algorithm: "round_robin", Health: targetHealth("/health")},
		{ID: "tg-sticky", Port: 8080, Protocol: "HTTP", Stickiness: "lb_cookie", Health: targetHealth("/health")},
	}
	x, err := New(lb, l, tgs, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(x.Close)
	return x
}

// seen is what the echo target received.
type seen struct {
	Method, URI, Host, Body string
	Header                  map[string][]string
}

// echoTarget answers with what it received, in several framings by path.
type echoTarget struct {
	srv *httptest.Server
	// conns counts the connections the target accepted, closed those
	// that ended.
	conns, closed atomic.Int64
	release       chan struct{}
	once          sync.Once
}

// finish lets /stream requests end.
func (e *echoTarget) finish() { e.once.Do(func() { close(e.release) }) }

func newEchoTarget(t *testing.T) *echoTarget {
	e := &echoTarget{release: make(chan struct{})}
	e.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "text/plain")
		w.Header().Set("X-Target", "echo")
		switch r.URL.Path {
		case "/chunked":
			io.WriteString(w, "part1,")
			w.(http.Flusher).Flush()
			io.WriteString(w, "part2")
			return
		case "/close": // a response delimited by the end of the connection
			c, bw, _ := w.(http.Hijacker).Hijack()
			bw.WriteString("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end")
			bw.Flush()
			c.Close()
			return
		case "/204":
			w.WriteHeader(http.StatusNoContent)
			return
		case "/early":
			w.Header().Set("Link", "</style.css>; rel=preload")
			w.WriteHeader(http.StatusEarlyHints)
			io.WriteString(w, "after hints")
			return
		case "/stream":
			io.WriteString(w, "first,")
			w.(http.Flusher).Flush()
			<-e.release
			io.WriteString(w, "second")
			return
		}
		h := r.Header.Clone()
		trace := h.Get("X-Amzn-Trace-Id")
		h.Del("X-Amzn-Trace-Id")
		h.Set("Trace-Shape", regexp.MustCompile(`[0-9a-f]`).ReplaceAllString(trace, "x"))
		json.NewEncoder(w).Encode(seen{Method: r.Method, URI: r.RequestURI, Host: r.Host, Body: string(body), Header: h})
	}))
	e.srv.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		switch st {
		case http.StateNew:
			e.conns.Add(1)
		case http.StateClosed:
			e.closed.Add(1)
		}
	}
	e.srv.Start()
	t.Cleanup(e.srv.Close)
	t.Cleanup(e.finish) // runs first: a failed test must not leave a handler waiting
	return e
}

func (e *echoTarget) addr() string { return e.srv.Listener.Addr().String() }

// serveFastPath serves x with the data path, with the given client idle
// timeout, and returns its address.
func serveFastPath(t *testing.T, x *Listener, idle time.Duration) (*Server, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{Current: func() *Listener { return x }, Fallback: &http.Server{Handler: x, ReadHeaderTimeout: idle}, IdleTimeout: idle, Clock: x.clock}
	go s.Serve(ln)
	t.Cleanup(func() { s.Close() })
	return s, ln.Addr().String()
}

type exchangeResult struct {
	Status      int
	Body        string
	ContentType string
	Target      string
}

func do(t *testing.T, c *http.Client, req *http.Request) exchangeResult {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: body: %v", req.Method, req.URL, err)
	}
	return exchangeResult{Status: resp.StatusCode, Body: string(b), ContentType: resp.Header.Get("Content-Type"), Target: resp.Header.Get("X-Target")}
}

// TestDataPathMatchesFullPath sends the same requests through the data
// path and through net/http's (ServeHTTP) and wants the same answers and
// the same requests at the target, and no request handed over.
func TestDataPathMatchesFullPath(t *testing.T) {
	e := newEchoTarget(t)
	x := plainListener(t, 5*time.Second, Options{})
	for _, tg := range []string{"tg", "tg-b"} {
		if err := x.Register(tg, "echo", e.addr()); err != nil {
			t.Fatal(err)
		}
	}
	full := httptest.NewServer(x)
	defer full.Close()
	s, fast := serveFastPath(t, x, 5*time.Second)
	type request struct {
		method, path, body string
		chunked            bool
		header             []string
	}
	cases := []request{
		{method: "GET", path: "/a/b?x=1&y=2"},
		{method: "GET", path: "/hdr", header: []string{"X-Forwarded-For", "203.0.113.7, 198.51.100.1", "X-Amzn-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793",
			"X-Forwarded-Proto", "https", "X-Forwarded-Port", "443", "X-Forwarded-Host", "evil", "Forwarded", "for=1.2.3.4", "Proxy-Authorization", "Basic x",
			"Te", "trailers", "Keep-Alive", "timeout=5", "X-Custom", "one", "Cookie", "a=b"}},
		{method: "GET", path: "/route", header: []string{"X-Route", "b"}},
		{method: "POST", path: "/post", body: strings.Repeat("payload ", 5000)},
		{method: "PUT", path: "/chunked-in", body: "streamed body", chunked: true},
		{method: "DELETE", path: "/d"},
		{method: "GET", path: "/chunked"},
		{method: "GET", path: "/close"},
		{method: "GET", path: "/204"},
		{method: "GET", path: "/early"},
		{method: "HEAD", path: "/head"},
	}
	for _, c := range cases {
		var got [2]exchangeResult
		for i, base := range []string{full.URL, "http://" + fast} {
			var body io.Reader
			if c.body != "" {
				body = strings.NewReader(c.body)
				if c.chunked {
					body = io.MultiReader(body) // unknown length: chunked
				}
			}
			req, err := http.NewRequest(c.method, base+c.path, body)
			if err != nil {
				t.Fatal(err)
			}
			req.Host = "api.internal"
			for j := 0; j+1 < len(c.header); j += 2 {
				req.Header.Set(c.header[j], c.header[j+1])
			}
			got[i] = do(t, http.DefaultClient, req)
		}
		if diff := cmp.Diff(got[0], got[1]); diff != "" {
			t.Errorf("%s %s: full path (-) and data path (+) differ:\n%s", c.method, c.path, diff)
		}
		if got[1].Status == 0 || got[1].Status >= 500 {
			t.Errorf("%s %s: %d", c.method, c.path, got[1].Status)
		}
	}
	if n := s.HandedOver(); n != 0 {
		t.Errorf("%d connections handed to the fallback; want every request on the data path", n)
	}
}

// TestDataPathReusesTargetConnections: sequential requests share one
// connection to the target; one the target closed while idle is replaced
// without failing the request.
func TestDataPathReusesTargetConnections(t *testing.T) {
	e := newEchoTarget(t)
	x := plainListener(t, 5*time.Second, Options{})
	x.Register("tg", "echo", e.addr())
	_, fast := serveFastPath(t, x, 5*time.Second)
	for i := range 20 {
		if r := do(t, http.DefaultClient, mustRequest(t, "GET", "http://"+fast+fmt.Sprintf("/n/%d", i))); r.Status != 200 {
			t.Fatalf("request %d: %d", i, r.Status)
		}
	}
	if n := e.conns.Load(); n != 1 {
		t.Errorf("20 sequential requests opened %d target connections; want 1", n)
	}
	e.srv.CloseClientConnections() // the target drops its idle connections
	waitFor(t, "the target's close", func() bool { return e.closed.Load() > 0 })
	if r := do(t, http.DefaultClient, mustRequest(t, "GET", "http://"+fast+"/after")); r.Status != 200 {
		t.Errorf("after the target closed the idle connection: %d; want 200 over a new one", r.Status)
	}
}

func mustRequest(t *testing.T, method, url string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// TestDataPathStatusCodes: 503 with no target, 502 when the target
// refuses, 504 when it is silent past the idle timeout, each ALB's page.
func TestDataPathStatusCodes(t *testing.T) {
	x := plainListener(t, 300*time.Millisecond, Options{})
	s, fast := serveFastPath(t, x, 5*time.Second)
	check := func(what string, want int) {
		t.Helper()
		resp, err := http.Get("http://" + fast + "/x")
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != want || resp.Header.Get("Server") != "awselb/2.0" || !strings.Contains(string(b), fmt.Sprint(want)) {
			t.Errorf("%s: %d from %q %q; want ALB's %d", what, resp.StatusCode, resp.Header.Get("Server"), b, want)
		}
	}
	check("no target", 503)
	refused, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := refused.Addr().String()
	refused.Close()
	x.Register("tg", "gone", addr)
	check("a target that refuses", 502)
	x.Deregister("tg", "gone")
	silent, _ := net.Listen("tcp", "127.0.0.1:0")
	defer silent.Close()
	go func() {
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			defer c.Close() // reads nothing, answers nothing
		}
	}()
	x.Register("tg", "silent", silent.Addr().String())
	check("a silent target", 504)
	if n := s.HandedOver(); n != 0 {
		t.Errorf("%d connections handed over; the data path answers these itself", n)
	}
}

// TestDataPathHandsOver: what the data path does not serve reaches the
// full path with the connection, and is answered as ALB would.
func TestDataPathHandsOver(t *testing.T) {
	e := newEchoTarget(t)
	x := plainListener(t, 5*time.Second, Options{})
	x.Register("tg", "echo", e.addr())
	x.Register("tg-sticky", "echo", e.addr())
	for _, c := range []struct {
		what, raw string
		want      int
		wantIn    string
	}{
		{"a fixed response", "GET /fixed HTTP/1.1\r\nHost: a\r\n\r\n", 200, "fixed"},
		{"an upgrade", "GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n", 200, "\"Upgrade\""},
		{"a header past the buffer", "GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + strings.Repeat("b", 17<<10) + "\r\n\r\n", 400, "Bad Request"},
		{"no Host", "GET / HTTP/1.1\r\n\r\n", 400, "awselb/2.0"},
		{"an escaped path", "GET /a%2Fb HTTP/1.1\r\nHost: a\r\n\r\n", 200, `"URI":"/a%2Fb"`},
		{"Expect", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\nhi", 100, "Continue"},
	} {
		s, fast := serveFastPath(t, x, 5*time.Second)
		c0, err := net.Dial("tcp", fast)
		if err != nil {
			t.Fatal(err)
		}
		c0.SetDeadline(time.Now().Add(5 * time.Second))
		io.WriteString(c0, c.raw)
		resp, err := http.ReadResponse(bufio.NewReader(c0), nil)
		if err != nil {
			t.Fatalf("%s: %v", c.what, err)
		}
		var b strings.Builder
		resp.Header.Write(&b)
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		b.Write(body)
		c0.Close()
		if resp.StatusCode != c.want || !strings.Contains(resp.Status+b.String(), c.wantIn) {
			t.Errorf("%s: %s with %q; want %d with %q", c.what, resp.Status, b.String(), c.want, c.wantIn)
		}
		if s.HandedOver() != 1 {
			t.Errorf("%s: %d connections handed over; want 1", c.what, s.HandedOver())
		}
	}
}

// TestDataPathConnections: keep-alive as the client asks, pipelined
// requests in order, HTTP/1.0, and a header that stops answered with
// ALB's 408 at the idle timeout.
func TestDataPathConnections(t *testing.T) {
	e := newEchoTarget(t)
	x := plainListener(t, 5*time.Second, Options{})
	x.Register("tg", "echo", e.addr())
	_, fast := serveFastPath(t, x, 300*time.Millisecond)
	dial := func() (net.Conn, *bufio.Reader) {
		c, err := net.Dial("tcp", fast)
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(5 * time.Second))
		t.Cleanup(func() { c.Close() })
		return c, bufio.NewReader(c)
	}
	read := func(br *bufio.Reader, method string) (*http.Response, string) {
		t.Helper()
		resp, err := http.ReadResponse(br, &http.Request{Method: method})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	// Three pipelined requests come back in order on one connection.
	c, br := dial()
	io.WriteString(c, "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nHEAD /2 HTTP/1.1\r\nHost: a\r\n\r\nGET /3 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
	for i, m := range []string{"GET", "HEAD", "GET"} {
		resp, body := read(br, m)
		if want := fmt.Sprintf(`"URI":"/%d"`, i+1); m == "GET" && !strings.Contains(body, want) {
			t.Errorf("pipelined request %d answered %q", i+1, body)
		}
		if i == 2 && !resp.Close {
			t.Error("Connection: close was not answered with Connection: close")
		}
	}
	if _, err := br.ReadByte(); err != io.EOF {
		t.Errorf("the connection stayed open after Connection: close (%v)", err)
	}
	// HTTP/1.0: closed after the answer unless keep-alive was asked; a
	// connection-delimited target answer goes to it the same way.
	c, br = dial()
	io.WriteString(c, "GET /close HTTP/1.0\r\nHost: a\r\n\r\n")
	if _, body := read(br, "GET"); body != "until the end" {
		t.Errorf("HTTP/1.0 got %q", body)
	}
	if _, err := br.ReadByte(); err != io.EOF {
		t.Errorf("an HTTP/1.0 connection without keep-alive stayed open (%v)", err)
	}
	c, br = dial()
	io.WriteString(c, "GET /k HTTP/1.0\r\nHost: a\r\nConnection: keep-alive\r\n\r\n")
	if resp, _ := read(br, "GET"); resp.Close || resp.Header.Get("Connection") != "keep-alive" {
		t.Errorf("HTTP/1.0 keep-alive: close=%v Connection=%q", resp.Close, resp.Header.Get("Connection"))
	}
	// A head that stops is answered 408 at the idle timeout, and closed.
	c, br = dial()
	io.WriteString(c, "GET / HTTP/1.1\r\nHost: a\r\nX-Slow: ")
	start := time.Now()
	if resp, _ := read(br, "GET"); resp.StatusCode != http.StatusRequestTimeout || time.Since(start) < 300*time.Millisecond {
		t.Errorf("a header that stops: %d after %v; want 408 at the 300 ms idle timeout", resp.StatusCode, time.Since(start))
	}
	if _, err := br.ReadByte(); err != io.EOF {
		t.Errorf("the connection stayed open after a 408 (%v)", err)
	}
}

// TestDataPathStreams: the client gets what the target flushed before the
// target finishes.
func TestDataPathStreams(t *testing.T) {
	e := newEchoTarget(t)
	x := plainListener(t, 5*time.Second, Options{})
	x.Register("tg", "echo", e.addr())
	_, fast := serveFastPath(t, x, 5*time.Second)
	resp, err := http.Get("http://" + fast + "/stream")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	buf := make([]byte, len("first,"))
	got := make(chan error, 1)
	go func() { _, err := io.ReadFull(resp.Body, buf); got <- err }()
	select {
	case err := <-got:
		if err != nil || string(buf) != "first," {
			t.Fatalf("first part: %q %v", buf, err)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("the first part did not arrive while the target held the rest")
	}
	e.finish()
	if rest, _ := io.ReadAll(resp.Body); string(rest) != "second" {
		t.Errorf("rest %q", rest)
	}
}

// TestDataPathShutdown: Shutdown lets a request in flight finish, closes
// idle connections and refuses new ones.
func TestDataPathShutdown(t *testing.T) {
	e := newEchoTarget(t)
	x := plainListener(t, 5*time.Second, Options{})
	x.Register("tg", "echo", e.addr())
	s, fast := serveFastPath(t, x, 5*time.Second)
	idle, err := net.Dial("tcp", fast)
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	answer := make(chan string, 1)
	go func() {
		resp, err := http.Get("http://" + fast + "/stream")
		if err != nil {
			answer <- err.Error()
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		answer <- string(b)
	}()
	waitFor(t, "the request in flight", func() bool { return x.InFlight() > 0 })
	done := make(chan error, 1)
	go func() { done <- s.Shutdown(context.Background()) }()
	waitFor(t, "the shutdown to begin", s.isClosing) // the listeners closed with it
	idle.SetReadDeadline(time.Now().Add(2 * time.Second))
	if _, err := idle.Read(make([]byte, 1)); err != io.EOF {
		t.Errorf("an idle connection during shutdown: %v; want it closed", err)
	}
	if c, err := net.DialTimeout("tcp", fast, time.Second); err == nil {
		c.Close()
		t.Error("a new connection was accepted during shutdown")
	}
	select {
	case err := <-done:
		t.Fatalf("Shutdown returned (%v) with a request in flight", err)
	default:
	}
	e.finish()
	if got := <-answer; got != "first,second" {
		t.Errorf("the request in flight got %q", got)
	}
	if err := <-done; err != nil {
		t.Errorf("Shutdown: %v", err)
	}
}

// TestDataPathCountsRequests: the data path feeds the same metrics.
func TestDataPathCountsRequests(t *testing.T) {
	e := newEchoTarget(t)
	m := newTestMetrics(t)
	x := plainListener(t, 5*time.Second, Options{Metrics: m})
	x.Register("tg", "echo", e.addr())
	_, fast := serveFastPath(t, x, 5*time.Second)
	for range 3 {
		do(t, http.DefaultClient, mustRequest(t, "GET", "http://"+fast+"/m"))
	}
	// The data path counts after the answer is out: wait for the count.
	for deadline := time.Now().Add(5 * time.Second); counterValue(t, m, "default", "tg", "2xx") < 3 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	if got := counterValue(t, m, "default", "tg", "2xx"); got != 3 {
		t.Errorf("requests counted %v; want 3", got)
	}
}

func TestParseLength(t *testing.T) {
	for in, want := range map[string]int64{"0": 0, "42": 42, "": -1, "+1": -1, "1 2": -1, "0x10": -1, strings.Repeat("9", 19): -1} {
		n, ok := h1.ParseLength(in)
		if !ok {
			n = -1
		}
		if n != want {
			t.Errorf("h1.ParseLength(%q) = %d; want %d", in, n, want)
		}
	}
	if !slices.Equal([]bool{albHeaderName("X-Good-1"), albHeaderName("X_Bad")}, []bool{true, false}) {
		t.Error("albHeaderName")
	}
}

func newTestMetrics(t *testing.T) *Metrics {
	t.Helper()
	m, err := NewMetrics(prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// counterValue reads plainListener's request counter for a rule, target
// group and status class.
func counterValue(t *testing.T, m *Metrics, rule, tg, class string) float64 {
	t.Helper()
	return testutil.ToFloat64(m.requests.WithLabelValues("alb-int", "80", rule, tg, class))
}

// TestDataPathAccessLog: the data path writes the line the full path
// writes for the same request.
func TestDataPathAccessLog(t *testing.T) {
	e := newEchoTarget(t)
	var fullLog, fastLog runtimetest.Buffer
	var lines [2][]map[string]string
	for i, w := range []*runtimetest.Buffer{&fullLog, &fastLog} {
		x := plainListener(t, 5*time.Second, Options{AccessLog: NewAccessLog(w), Region: "eu-west-1"})
		x.Register("tg", "echo", e.addr())
		base := ""
		if i == 0 {
			full := httptest.NewServer(x)
			defer full.Close()
			base = full.URL
		} else {
			s, fast := serveFastPath(t, x, 5*time.Second)
			defer func() {
				if s.HandedOver() != 0 {
					t.Errorf("%d connections handed over with access logs on", s.HandedOver())
				}
			}()
			base = "http://" + fast
		}
		for _, r := range []struct{ method, path, body, route string }{
			{"GET", "/orders?id=7", "", ""}, {"POST", "/orders", "a body of 22 bytes....", ""}, {"GET", "/none", "", "b"},
		} {
			req, _ := http.NewRequest(r.method, base+r.path, strings.NewReader(r.body))
			req.Host = "api.internal"
			req.Header.Set("User-Agent", `curl "quoted"`)
			if r.route != "" {
				req.Header.Set("X-Route", r.route)
			}
			do(t, http.DefaultClient, req)
		}
		// The data path logs after the answer is out: wait for the lines.
		for deadline := time.Now().Add(5 * time.Second); strings.Count(w.String(), "\n") < 3 && time.Now().Before(deadline); {
			time.Sleep(5 * time.Millisecond)
		}
		for _, l := range strings.Split(strings.TrimSuffix(w.String(), "\n"), "\n") {
			lines[i] = append(lines[i], splitLogLine(t, l))
		}
	}
	if len(lines[0]) != 3 || len(lines[1]) != 3 {
		t.Fatalf("lines: full path %d, data path %d; want 3 each", len(lines[0]), len(lines[1]))
	}
	same := []string{"type", "elb", "target:port", "elb_status_code", "target_status_code", "received_bytes", "request", "user_agent",
		"ssl_cipher", "target_group_arn", "matched_rule_priority", "actions_executed", "error_reason", "target:port_list", "target_status_code_list"}
	for i := range 3 {
		for _, f := range same {
			if a, b := lines[0][i][f], lines[1][i][f]; a != b {
				t.Errorf("request %d: %s is %q on the full path, %q on the data path", i+1, f, a, b)
			}
		}
		if !strings.HasPrefix(lines[1][i]["trace_id"], "Root=1-") || strings.HasPrefix(lines[1][i]["target_processing_time"], "-") && i < 2 {
			t.Errorf("request %d on the data path: %v", i+1, lines[1][i])
		}
	}
	if got := lines[1][2]["elb_status_code"] + " " + lines[1][2]["error_reason"]; got != "503 NoHealthyTargets" {
		t.Errorf("no targets logged %q", got)
	}
}

// BenchmarkListener measures one keep-alive request over loopback, client
// to listener to a real backend, on the data path and on net/http's
// server with ServeHTTP, side by side. Allocations include the backend's
// (the client's are none).
func BenchmarkListener(b *testing.B) {
	x := benchListener(b, Options{})
	req := []byte("GET /api/orders?id=1 HTTP/1.1\r\nHost: bench.local\r\nUser-Agent: bench\r\n\r\n")
	run := func(b *testing.B, serve func(net.Listener)) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		serve(ln)
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		br := bufio.NewReader(c)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.Write(req); err != nil {
				b.Fatal(err)
			}
			for { // the head, then the 2-byte body
				line, err := br.ReadSlice('\n')
				if err != nil {
					b.Fatal(err)
				}
				if len(line) == 2 {
					break
				}
			}
			if _, err := br.Discard(2); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("data-path", func(b *testing.B) {
		s := &Server{Current: func() *Listener { return x }, Fallback: &http.Server{Handler: x}, HeaderTimeout: 10 * time.Second, IdleTimeout: time.Minute}
		defer s.Close()
		run(b, func(ln net.Listener) { go s.Serve(ln) })
	})
	b.Run("net-http", func(b *testing.B) {
		s := &http.Server{Handler: x}
		defer s.Close()
		run(b, func(ln net.Listener) { go s.Serve(ln) })
	})
}

// TestDataPathTLS: an HTTPS listener forwards HTTP/1.1 on the data path
// as the full path does (X-Forwarded-Proto https, the session in the
// access log), and an HTTP/2 client, by ALPN, is served by the fallback
// over HTTP/2.
func TestDataPathTLS(t *testing.T) {
	e := newEchoTarget(t)
	var logged runtimetest.Buffer
	x := plainListener(t, 5*time.Second, Options{TLS: true, AccessLog: NewAccessLog(&logged)})
	x.Register("tg", "echo", e.addr())
	full := httptest.NewUnstartedServer(x)
	full.EnableHTTP2 = true
	full.StartTLS()
	defer full.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{Current: func() *Listener { return x }, Fallback: &http.Server{Handler: x}, TLS: full.TLS.Clone()}
	go s.Serve(ln)
	defer s.Close()
	h2 := full.Client()
	roots := h2.Transport.(*http.Transport).TLSClientConfig.RootCAs
	h1 := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}}
	var got [2]exchangeResult
	for i, base := range []string{full.URL, "https://" + ln.Addr().String()} {
		req := mustRequest(t, "GET", base+"/tls?q=1")
		req.Host = "api.internal"
		req.Header.Set("X-Forwarded-For", "203.0.113.9")
		got[i] = do(t, h1, req)
	}
	if diff := cmp.Diff(got[0], got[1]); diff != "" || !strings.Contains(got[1].Body, `"X-Forwarded-Proto":["https"]`) {
		t.Errorf("full path (-) and data path (+) over TLS differ:\n%s\n%s", diff, got[1].Body)
	}
	if n := s.HandedOver(); n != 0 {
		t.Errorf("%d connections handed over; HTTP/1.1 over TLS is the data path's", n)
	}
	for deadline := time.Now().Add(5 * time.Second); strings.Count(logged.String(), "\n") < 2 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	lines := strings.Split(strings.TrimSuffix(logged.String(), "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d access-log lines; want 2", len(lines))
	}
	a, b := splitLogLine(t, lines[0]), splitLogLine(t, lines[1])
	for _, f := range []string{"type", "ssl_protocol", "ssl_cipher", "request", "elb_status_code"} {
		if a[f] != b[f] || b[f] == "-" {
			t.Errorf("%s: %q on the full path, %q on the data path", f, a[f], b[f])
		}
	}
	// A request the data path hands over (a fixed response) keeps its TLS
	// fields in the log.
	if r := do(t, h1, mustRequest(t, "GET", "https://"+ln.Addr().String()+"/fixed")); r.Body != "fixed" || s.HandedOver() != 1 {
		t.Fatalf("a fixed response over TLS: %q, %d handed over", r.Body, s.HandedOver())
	}
	for deadline := time.Now().Add(5 * time.Second); strings.Count(logged.String(), "\n") < 3 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	lines = strings.Split(strings.TrimSuffix(logged.String(), "\n"), "\n")
	if f := splitLogLine(t, lines[len(lines)-1]); f["ssl_protocol"] != a["ssl_protocol"] || f["actions_executed"] != "fixed-response" {
		t.Errorf("a handed-over request over TLS logged ssl_protocol %q (%s); want %q", f["ssl_protocol"], f["actions_executed"], a["ssl_protocol"])
	}
	resp, err := h2.Get("https://" + ln.Addr().String() + "/h2")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.ProtoMajor != 2 || resp.StatusCode != 200 || s.HandedOver() != 2 {
		t.Errorf("an HTTP/2 client: %s %d, %d handed over; want HTTP/2 200 from the fallback", resp.Proto, resp.StatusCode, s.HandedOver())
	}
}

// TestDataPathTargetMisbehaves: a response head past 32 KB is ALB's 502
// on both paths;
// a target that says Connection: close gets a new connection next time;
// one that dies mid-body cuts the client's connection rather than
// leaving it waiting.
func TestDataPathTargetMisbehaves(t *testing.T) {
	var conns atomic.Int64
	target := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/big-head":
			w.Header().Set("X-Big", strings.Repeat("h", 40<<10))
		case "/close":
			w.Header().Set("Connection", "close")
		case "/die":
			w.Header().Set("Content-Length", "100")
			w.WriteHeader(200)
			io.WriteString(w, "only part of it")
			w.(http.Flusher).Flush()
			c, _, _ := w.(http.Hijacker).Hijack()
			c.Close()
			return
		}
		io.WriteString(w, "ok")
	}))
	target.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			conns.Add(1)
		}
	}
	target.Start()
	defer target.Close()
	x := plainListener(t, 5*time.Second, Options{})
	x.Register("tg", "t", target.Listener.Addr().String())
	s, fast := serveFastPath(t, x, 5*time.Second)
	full := httptest.NewServer(x)
	defer full.Close()
	for _, base := range []string{full.URL, "http://" + fast} {
		if r := do(t, http.DefaultClient, mustRequest(t, "GET", base+"/big-head")); r.Status != 502 {
			t.Errorf("%s: a 40 KB response head: %d; want ALB's 502 (its limit is 32 KB)", base, r.Status)
		}
	}
	before := conns.Load()
	for range 2 {
		if r := do(t, http.DefaultClient, mustRequest(t, "GET", "http://"+fast+"/close")); r.Status != 200 {
			t.Errorf("Connection: close from the target: %d", r.Status)
		}
	}
	if n := conns.Load() - before; n != 2 {
		t.Errorf("two requests to a target that closes opened %d connections; want 2", n)
	}
	c, err := net.Dial("tcp", fast)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	io.WriteString(c, "GET /die HTTP/1.1\r\nHost: a\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(resp.Body); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("a body cut by the target: %v; want the connection ended early", err)
	}
	if s.HandedOver() != 0 {
		t.Errorf("%d connections handed over", s.HandedOver())
	}
}

// TestServerSetTLS: a listener that turns from HTTP to HTTPS on a reload
// keeps its socket; connections accepted after SetTLS get TLS.
func TestServerSetTLS(t *testing.T) {
	e := newEchoTarget(t)
	x := plainListener(t, 5*time.Second, Options{})
	x.Register("tg", "echo", e.addr())
	s, fast := serveFastPath(t, x, 5*time.Second)
	if r := do(t, http.DefaultClient, mustRequest(t, "GET", "http://"+fast+"/plain")); r.Status != 200 {
		t.Fatalf("plain HTTP: %d", r.Status)
	}
	secure := httptest.NewTLSServer(x)
	defer secure.Close()
	s.SetTLS(secure.TLS.Clone())
	if r := do(t, secure.Client(), mustRequest(t, "GET", "https://"+fast+"/secure")); r.Status != 200 {
		t.Errorf("HTTPS after SetTLS: %d", r.Status)
	}
}

// TestDataPathStickiness: lb_cookie stickiness on the data path sets the
// cookies the full path sets, and a client that sends one back keeps its
// target.
func TestDataPathStickiness(t *testing.T) {
	x := plainListener(t, 5*time.Second, Options{})
	for _, name := range []string{"a", "b", "c"} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, name) }))
		defer srv.Close()
		x.Register("tg-sticky", name, srv.Listener.Addr().String())
	}
	full := httptest.NewServer(x)
	defer full.Close()
	s, fast := serveFastPath(t, x, 5*time.Second)
	var set [2][]string
	for i, base := range []string{full.URL, "http://" + fast} {
		resp, err := http.Get(base + "/sticky/x")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		var pin *http.Cookie
		for _, c := range resp.Cookies() {
			set[i] = append(set[i], fmt.Sprintf("%s path=%s secure=%v samesite=%v expires=%v", c.Name, c.Path, c.Secure, c.SameSite, !c.Expires.IsZero()))
			if c.Name == stickyCookie {
				pin = c
			}
		}
		if pin == nil {
			t.Fatalf("%s: no %s cookie in %v", base, stickyCookie, resp.Header["Set-Cookie"])
		}
		first := ""
		for range 10 {
			req := mustRequest(t, "GET", base+"/sticky/x")
			req.Header.Set("Cookie", "other=1; "+pin.Name+"="+pin.Value)
			got := do(t, http.DefaultClient, req).Body
			if first == "" {
				first = got
			} else if got != first {
				t.Errorf("%s: a pinned client reached %s, then %s", base, first, got)
			}
		}
	}
	if diff := cmp.Diff(set[0], set[1]); diff != "" {
		t.Errorf("stickiness cookies, full path (-) and data path (+):\n%s", diff)
	}
	if n := s.HandedOver(); n != 0 {
		t.Errorf("%d connections handed over; stickiness is on the data path", n)
	}
}

// TestDataPathClientLeaves: a client that closes while a slow target is
// still answering is noticed once the data path watches for it (on the
// listener's clock, after watchAfter): the request to the target is cut
// (its context ends) and the request is counted with no answer (460 in
// the access log), as ALB does; an answer that comes after the watch
// began is not disturbed by it, nor is the next request on the
// connection.
func TestDataPathClientLeaves(t *testing.T) {
	clk := clocktest.New(t)
	arrived, cancelled, answer := make(chan struct{}, 1), make(chan struct{}, 1), make(chan struct{})
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		if r.URL.Path == "/slow" {
			<-r.Context().Done()
			cancelled <- struct{}{}
			return
		}
		select { // the test lets it answer once the watch began
		case <-answer:
			io.WriteString(w, "late but here")
		case <-r.Context().Done():
		}
	}))
	defer target.Close()
	m := newTestMetrics(t)
	var logged runtimetest.Buffer
	x := plainListener(t, 10*time.Second, Options{Metrics: m, AccessLog: NewAccessLog(&logged), Clock: clk})
	x.Register("tg", "t", target.Listener.Addr().String())
	_, fast := serveFastPath(t, x, 5*time.Second)
	within := func(ch <-chan struct{}, what string) {
		t.Helper()
		select {
		case <-ch:
		case <-time.After(time.Minute):
			t.Fatalf("waited a minute for %s", what)
		}
	}
	// watching waits until the data path waits on the target and will
	// watch the client, and steps the clock until it does.
	watching := func() {
		within(arrived, "the target to get the request")
		clk.BlockUntilDue(x.watchAfter)
		clk.AdvanceAndWait(x.watchAfter)
	}

	// Two requests on one connection, each answered after the watch began.
	c, err := net.Dial("tcp", fast)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(time.Minute))
	br := bufio.NewReader(c)
	for i := range 2 {
		io.WriteString(c, "GET /late HTTP/1.1\r\nHost: a\r\n\r\n")
		watching()
		answer <- struct{}{}
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("request %d: %v", i+1, err)
		}
		b, _ := io.ReadAll(resp.Body)
		if string(b) != "late but here" {
			t.Errorf("request %d answered %q", i+1, b)
		}
	}

	gone, err := net.Dial("tcp", fast)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(gone, "GET /slow HTTP/1.1\r\nHost: a\r\n\r\n")
	within(arrived, "the target to get the request")
	gone.Close()
	clk.BlockUntilDue(x.watchAfter)
	clk.AdvanceAndWait(x.watchAfter)
	within(cancelled, "the request to the target to be cut")
	for deadline := time.Now().Add(time.Minute); counterValue(t, m, "default", "tg", "none") < 1 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	if n := counterValue(t, m, "default", "tg", "none"); n != 1 {
		t.Errorf("requests counted without an answer: %v; want 1", n)
	}
	// The line is written after the count: wait for it.
	for deadline := time.Now().Add(time.Minute); strings.Count(logged.String(), "\n") < 3 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	lines := strings.Split(strings.TrimSuffix(logged.String(), "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d access-log lines; want 3:\n%s", len(lines), logged.String())
	}
	// Lines are written once answers are out, in any order.
	var got []string
	for _, l := range lines {
		f := splitLogLine(t, l)
		got = append(got, f["elb_status_code"]+"/"+f["target_status_code"])
	}
	if slices.Sort(got); !slices.Equal(got, []string{"200/200", "200/200", "460/-"}) {
		t.Errorf("logged %v; want two 200/200 and the client that left as 460/-", got)
	}
}

// TestNoAllocs: a keep-alive request on the data path, client to
// listener to target and back, with metrics counted, allocates nothing
// once its connections are warm (their buffers, pooled target connection
// and watcher made): the heads are parsed in place in per-connection
// buffers, the trace ID is written into one, the watch for a client that
// leaves reuses the connection's timer. The client and the target here
// allocate nothing themselves, so the process's count is the data
// path's.
func TestNoAllocs(t *testing.T) {
	x := plainListener(t, 5*time.Second, Options{Metrics: newTestMetrics(t)})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() { // the target: reads a head, answers 2 bytes, without a Date
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		br := bufio.NewReader(c)
		answer := []byte("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok")
		for {
			for {
				line, err := br.ReadSlice('\n')
				if err != nil {
					return
				}
				if len(line) == 2 {
					break
				}
			}
			if _, err := c.Write(answer); err != nil {
				return
			}
		}
	}()
	x.Register("tg", "t", ln.Addr().String())
	_, fast := serveFastPath(t, x, 5*time.Second)
	c, err := net.Dial("tcp", fast)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(time.Minute))
	br := bufio.NewReader(c)
	req := []byte("GET /api/orders?id=1 HTTP/1.1\r\nHost: api.internal\r\nUser-Agent: test\r\n\r\n")
	var failed error
	do := func() {
		if _, err := c.Write(req); err != nil {
			failed = err
			return
		}
		for { // the head, then the 2-byte body
			line, err := br.ReadSlice('\n')
			if err != nil {
				failed = err
				return
			}
			if len(line) == 2 {
				break
			}
		}
		if _, err := br.Discard(2); err != nil {
			failed = err
		}
	}
	for range 100 {
		do()
	}
	allocs := testing.AllocsPerRun(1000, do)
	if failed != nil {
		t.Fatal(failed)
	}
	if allocs != 0 {
		t.Errorf("a request on the data path allocates %v times; want 0", allocs)
	}
}
