package mesh

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/netwright/netwright/internal/clock/clocktest"
	"github.com/netwright/netwright/internal/runtime/h1"
)

// rawBackend is a task that reads request heads and answers each with
// answer, allocating nothing per request; it returns its address.
func rawBackend(t *testing.T, answer string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				br := bufio.NewReader(c)
				out := []byte(answer)
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
					if _, err := c.Write(out); err != nil {
						return
					}
				}
			}()
		}
	}()
	return ln.Addr().String()
}

// TestFastPathNoAllocs: a keep-alive HTTP/1.1 call through the proxy
// pair, caller to web's proxy to api's proxy to api's task and back, with
// Service Connect's semantics, metrics counted and the trace context
// propagated, allocates nothing once the connections are warm. The
// caller and the task here allocate nothing themselves, so the process's
// count is the proxies'.
func TestFastPathNoAllocs(t *testing.T) {
	backend := rawBackend(t, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok")
	_, web, apis := pairWith(t, "http", Options{Metrics: prometheus.NewRegistry()}, backend)
	addr, _ := web.Egress("api")
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(time.Minute))
	br := bufio.NewReader(c)
	req := []byte("GET /orders?id=1 HTTP/1.1\r\nHost: api\r\nUser-Agent: test\r\n" +
		"Traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\r\n\r\n")
	var failed error
	do := func() {
		if _, err := c.Write(req); err != nil {
			failed = err
			return
		}
		for {
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
		t.Errorf("a call through the proxies' fast path allocates %v times; want 0", allocs)
	}
	if n := web.fastRequests.Load() + apis[0].fastRequests.Load(); n < 2*1100 {
		t.Errorf("the proxies served %d requests on the fast path; want all %d of both", n, 2*1100)
	}
}

// echoBackend answers each request with what it received, as JSON.
func echoBackend(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Connection", "X-Secret")
		w.Header().Set("X-Secret", "hop")
		json.NewEncoder(w).Encode(map[string]any{"method": r.Method, "host": r.Host, "uri": r.RequestURI, "header": r.Header, "body": string(body)})
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

type echo struct {
	Method, Host, URI, Body string
	Header                  http.Header
}

func echoCall(t *testing.T, c *http.Client, req *http.Request) (*http.Response, echo) {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var e echo
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(b, &e); err != nil {
			t.Fatalf("%s: %v", b, err)
		}
	}
	return resp, e
}

// TestFastPathForwardsAsTheFullPathDoes: what the task receives and the
// caller gets back through the fast path, and that a request the fast
// path does not take (a chunked body) is served by the net/http path on
// the same connection's behalf.
func TestFastPathForwardsAsTheFullPathDoes(t *testing.T) {
	_, web, apis := pairWith(t, "http", Options{}, echoBackend(t))
	addr, _ := web.Egress("api")
	c := h1Client()
	const parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	req, _ := http.NewRequest("POST", "http://"+addr+"/orders?id=7", strings.NewReader(`{"n":1}`))
	req.Host = "api.local"
	req.Header.Set("Traceparent", parent)
	req.Header.Set("Tracestate", "vendor=1")
	req.Header.Set("X-Forwarded-For", "10.9.9.9")
	req.Header.Set("X-Custom", "kept")
	resp, got := echoCall(t, c, req)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if got.Method != "POST" || got.Host != "api.local" || got.URI != "/orders?id=7" || got.Body != `{"n":1}` {
		t.Errorf("the task got %s %s host %s body %q; want POST /orders?id=7 host api.local body {\"n\":1}", got.Method, got.URI, got.Host, got.Body)
	}
	if got.Header.Get("X-Custom") != "kept" || got.Header.Get("X-Forwarded-For") != "" {
		t.Errorf("the task got X-Custom %q, X-Forwarded-For %q; want kept and none (dropped as the reverse proxy drops it)", got.Header.Get("X-Custom"), got.Header.Get("X-Forwarded-For"))
	}
	tp := got.Header.Values("Traceparent")
	if len(tp) != 1 || !strings.HasPrefix(tp[0], "00-4bf92f3577b34da6a3ce929d0e0e4736-") || tp[0] == parent || !strings.HasSuffix(tp[0], "-01") {
		t.Errorf("the task got traceparent %q; want one, of the caller's trace, a span of the proxies', sampled", tp)
	}
	if ts := got.Header.Get("Tracestate"); ts != "vendor=1" {
		t.Errorf("the task got tracestate %q; want the caller's", ts)
	}
	if resp.Header.Get("X-Secret") != "" || resp.Header.Get("Date") == "" || resp.ContentLength <= 0 {
		t.Errorf("the answer has X-Secret %q (named by Connection), Date %q, length %d; want none, a date, a length", resp.Header.Get("X-Secret"), resp.Header.Get("Date"), resp.ContentLength)
	}
	if web.fastRequests.Load() != 1 || apis[0].fastRequests.Load() != 1 || web.handed.Load() != 0 {
		t.Errorf("fast requests %d and %d, handed %d; want the call on both fast paths", web.fastRequests.Load(), apis[0].fastRequests.Load(), web.handed.Load())
	}

	// A chunked body: the net/http path serves it, as before.
	req, _ = http.NewRequest("PUT", "http://"+addr+"/big", io.MultiReader(strings.NewReader("chunk one,"), strings.NewReader("chunk two")))
	req.ContentLength = -1
	req.Header.Set("Traceparent", parent)
	resp, got = echoCall(t, c, req)
	if resp.StatusCode != http.StatusOK || got.Body != "chunk one,chunk two" || got.Method != "PUT" {
		t.Errorf("chunked PUT: %d, the task got %s %q", resp.StatusCode, got.Method, got.Body)
	}
	// Its spans are not recorded either (none are exported), and the
	// trace context goes on as the SDK's spans would carry it.
	tp = got.Header.Values("Traceparent")
	if len(tp) != 1 || !strings.HasPrefix(tp[0], "00-4bf92f3577b34da6a3ce929d0e0e4736-") || tp[0] == parent || !strings.HasSuffix(tp[0], "-01") {
		t.Errorf("through the net/http path the task got traceparent %q; want one, of the caller's trace, a span of the proxies', sampled", tp)
	}
	if web.handed.Load() == 0 {
		t.Errorf("the chunked request did not go to the net/http path")
	}
}

// TestFastPathRetriesElsewhereAndEjects: with Service Connect's
// semantics a 503 is retried on another task, the retries are counted,
// and the task answering 503 is ejected after 5 failures in 30 s.
func TestFastPathRetriesElsewhereAndEjects(t *testing.T) {
	var bad atomic.Int64
	sick := rawBackendFunc(t, func() string {
		bad.Add(1)
		return "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nsick"
	})
	good := rawBackend(t, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
	reg := prometheus.NewRegistry()
	_, web, _ := pairWith(t, "http", Options{Metrics: reg}, sick, good)
	addr, _ := web.Egress("api")
	c := h1Client()
	for i := range 20 {
		resp, err := c.Get("http://" + addr + "/")
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("call %d: %d; want 200, the 503 retried on the other task", i, resp.StatusCode)
		}
	}
	if n := bad.Load(); n != scFailures {
		t.Errorf("the sick task got %d tries; want %d, then ejected", n, scFailures)
	}
	if n := gathered(t, reg, "netwright_mesh_upstream_rq_retry_total"); n != scFailures {
		t.Errorf("retries %v; want %d", n, scFailures)
	}
	if n := gathered(t, reg, "netwright_mesh_outlier_ejections_total"); n != 1 {
		t.Errorf("ejections %v; want 1", n)
	}
	if n := gathered(t, reg, "HTTPCode_Target_2XX_Count"); n != 20 {
		t.Errorf("HTTPCode_Target_2XX_Count %v; want 20", n)
	}
	if web.handed.Load() != 0 {
		t.Errorf("%d connections went to the net/http path; want none", web.handed.Load())
	}
}

func rawBackendFunc(t *testing.T, answer func() string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				br := bufio.NewReader(c)
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
					if _, err := io.WriteString(c, answer()); err != nil {
						return
					}
				}
			}()
		}
	}()
	return ln.Addr().String()
}

// gathered sums a metric's series.
func gathered(t *testing.T, g prometheus.Gatherer, name string) float64 {
	t.Helper()
	fams, err := g.Gather()
	if err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for _, f := range fams {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			sum += m.GetCounter().GetValue()
		}
	}
	return sum
}

// TestFastPathRequestTimeout: a task that never answers gets the
// caller's proxy's 504 once the request's timeout passes on the mesh's
// clock, and the timeout is counted.
func TestFastPathRequestTimeout(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var mu sync.Mutex
	var held []net.Conn // read from never, answered never
	defer func() {
		mu.Lock()
		defer mu.Unlock()
		for _, c := range held {
			c.Close()
		}
	}()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			held = append(held, c)
			mu.Unlock()
		}
	}()
	clk := clocktest.New(t)
	reg := prometheus.NewRegistry()
	_, web, _ := pairWith(t, "http", Options{Clock: clk, Metrics: reg}, ln.Addr().String())
	addr, _ := web.Egress("api")
	type answer struct {
		resp *http.Response
		err  error
	}
	got := make(chan answer, 1)
	go func() {
		resp, err := h1Client().Get("http://" + addr + "/slow")
		got <- answer{resp, err}
	}()
	var a *answer
	for i := 0; a == nil && i < 40; i++ {
		select {
		case x := <-got:
			a = &x
		case <-time.After(50 * time.Millisecond):
			clk.Advance(time.Second)
		}
	}
	if a == nil {
		t.Fatal("no answer 40 s after on the clock")
	}
	if a.err != nil {
		t.Fatal(a.err)
	}
	resp := a.resp
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusGatewayTimeout || string(b) != "upstream request timeout" {
		t.Errorf("answer %d %q; want 504 upstream request timeout", resp.StatusCode, b)
	}
	if n := gathered(t, reg, "netwright_mesh_upstream_rq_timeout_total"); n != 1 {
		t.Errorf("timeouts %v; want 1", n)
	}
	if web.fastRequests.Load() != 1 {
		t.Errorf("fast requests %d; want the call on the fast path", web.fastRequests.Load())
	}
}

// TestFastPathDrains: a proxy that drains closes its idle fast-path
// connections at once and lets a call in flight finish before it stops.
func TestFastPathDrains(t *testing.T) {
	arrived, release := make(chan struct{}, 1), make(chan struct{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			arrived <- struct{}{}
			<-release
		}
		fmt.Fprint(w, "done")
	})}
	go srv.Serve(ln)
	defer srv.Close()
	_, web, apis := pairWith(t, "http", Options{}, ln.Addr().String())
	addr, _ := web.Egress("api")
	// An idle keep-alive connection straight to api's proxy.
	idle, err := net.Dial("tcp", apis[0].Ingress())
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	fmt.Fprint(idle, "GET /fast HTTP/1.1\r\nHost: api\r\n\r\n")
	br := bufio.NewReader(idle)
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("idle connection's call: %v %v", resp, err)
	}
	io.Copy(io.Discard, resp.Body)
	got := make(chan string, 1)
	go func() {
		resp, err := h1Client().Get("http://" + addr + "/slow")
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		got <- fmt.Sprintf("%d %s", resp.StatusCode, b)
	}()
	<-arrived
	stopped := make(chan struct{})
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		apis[0].Shutdown(ctx)
		close(stopped)
	}()
	idle.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := br.ReadByte(); err != io.EOF {
		t.Errorf("the idle connection read %v; want it closed by the drain (EOF)", err)
	}
	select {
	case <-stopped:
		t.Fatal("the proxy stopped with a call in flight")
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	if a := <-got; a != "200 done" {
		t.Errorf("the call in flight got %q; want 200 done", a)
	}
	<-stopped
	if apis[0].handed.Load() != 0 {
		t.Errorf("%d connections went to the net/http path; want none", apis[0].handed.Load())
	}
}

// FuzzFastRequestHead: a request head the proxies' fast path takes,
// net/http's server takes too and reads the same way (method, target,
// version, Host, body length, whether the connection is kept), so the
// fast path serves nothing the net/http path would have refused or read
// otherwise.
func FuzzFastRequestHead(f *testing.F) {
	for _, s := range []string{
		"GET / HTTP/1.1\r\nHost: api\r\n\r\n",
		"POST /orders?id=1 HTTP/1.1\r\nHost: api\r\nContent-Length: 3\r\nConnection: keep-alive\r\n\r\nabc",
		"GET /x HTTP/1.0\r\nHost: api:9090\r\nConnection: keep-alive\r\nTraceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 1\r\nConnection: close\r\n\r\n",
		"PUT /a HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
		"GET / HTTP/1.1\r\nhost: a\r\nX: y \r\n\r\n",
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
		req, err := http.ReadRequest(bufio.NewReader(strings.NewReader(raw[:end])))
		if err != nil {
			t.Fatalf("the fast path takes %q; net/http refuses it: %v", raw[:end], err)
		}
		if req.Method != h.method || req.RequestURI != h.target || req.ProtoMinor != h.minor || req.Host != h.host ||
			req.ContentLength != max(h.contentLength, 0) || req.Close == h.keep() {
			t.Errorf("%q: fast path %s %s 1.%d host %q length %d keep %v; net/http %s %s 1.%d host %q length %d close %v", raw[:end],
				h.method, h.target, h.minor, h.host, h.contentLength, h.keep(), req.Method, req.RequestURI, req.ProtoMinor, req.Host, req.ContentLength, req.Close)
		}
	})
}

// TestFastPathMutualTLSAuthorizes: under strict mutual TLS the fast path
// runs over the proxies' TLS at both ends; the ingress admits the
// declared caller and answers any other identity 403, counted.
func TestFastPathMutualTLSAuthorizes(t *testing.T) {
	ca, key := testCA(t)
	reg := prometheus.NewRegistry()
	m, err := New(Options{CA: ca, CAKey: key, Metrics: reg})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Close(context.Background()) })
	up := func() *Upstream {
		return &Upstream{Service: "api", Protocol: "http", Timeout: 15 * time.Second, Idle: 5 * time.Minute, TLS: TLSMutualStrict,
			Routes: []Route{{Targets: []Target{{Service: "api", Weight: 1}}}}}
	}
	m.SetConfig(&Config{Semantics: Model, TrustDomain: "test.local", Members: map[string]bool{"web": true, "spy": true, "api": true},
		Callers:   map[string][]string{"api": {"web"}},
		Upstreams: map[string]*Upstream{"api": up()},
		Ingress:   map[string]*Ingress{"api": {Service: "api", Protocol: "http", DiscoveryName: "api", TLS: TLSMutualStrict, Authorize: true}}})
	backend := rawBackend(t, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
	api, err := m.StartProxy(Task{ID: "api-1", Service: "api", Addr: backend}, nil, Loopback{})
	if err != nil {
		t.Fatal(err)
	}
	m.SetEndpoints(map[string][]Endpoint{"api": {{Task: "api-1", Addr: api.Ingress(), AppAddr: backend}}})
	get := func(task, service string) (int, string) {
		p, err := m.StartProxy(Task{ID: task, Service: service, Addr: "127.0.0.1:1"}, []string{"api"}, Loopback{})
		if err != nil {
			t.Fatal(err)
		}
		addr, _ := p.Egress("api")
		resp, err := h1Client().Get("http://" + addr + "/")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get("web-1", "web"); code != http.StatusOK || body != "ok" {
		t.Errorf("web, a declared caller: %d %q; want 200 ok", code, body)
	}
	if code, body := get("spy-1", "spy"); code != http.StatusForbidden || body != "RBAC: access denied" {
		t.Errorf("spy, not a declared caller: %d %q; want 403 RBAC: access denied", code, body)
	}
	if n := gathered(t, reg, "netwright_mesh_denied_total"); n != 1 {
		t.Errorf("denied %v; want 1", n)
	}
	if api.fastRequests.Load() != 2 || api.handed.Load() != 0 {
		t.Errorf("api's proxy served %d calls on the fast path, handed %d over; want both on the fast path", api.fastRequests.Load(), api.handed.Load())
	}
}

// TestFastPathCallerLeaves: a caller that gives up on a slow task is
// noticed by both proxies while they wait, as net/http's server notices
// it: the task's connection is closed, nothing is retried, and no answer
// is counted.
func TestFastPathCallerLeaves(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	arrived, closed := make(chan struct{}, 4), make(chan struct{}, 4)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { // reads the request, answers never, reports its end
				defer c.Close()
				br := bufio.NewReader(c)
				for {
					line, err := br.ReadSlice('\n')
					if err != nil {
						closed <- struct{}{}
						return
					}
					if len(line) == 2 {
						arrived <- struct{}{}
					}
				}
			}()
		}
	}()
	reg := prometheus.NewRegistry()
	_, web, apis := pairWith(t, "http", Options{Metrics: reg}, ln.Addr().String())
	addr, _ := web.Egress("api")
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprint(c, "GET /slow HTTP/1.1\r\nHost: api\r\n\r\n")
	<-arrived
	c.Close()
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("the task's connection stayed open 10 s after its caller left")
	}
	if len(arrived) > 0 {
		t.Errorf("the call was tried again after its caller left")
	}
	for _, name := range []string{"RequestCountPerTarget", "netwright_mesh_upstream_rq_retry_total", "netwright_mesh_upstream_rq_timeout_total"} {
		if n := gathered(t, reg, name); n != 0 {
			t.Errorf("%s %v; want 0 for a call whose caller left", name, n)
		}
	}
	if web.fastRequests.Load() != 1 || apis[0].fastRequests.Load() != 1 {
		t.Errorf("fast requests %d and %d; want the call on both fast paths", web.fastRequests.Load(), apis[0].fastRequests.Load())
	}
}

// TestFastPathReplaysOnlySafeMethods: when the task closes a kept-alive
// connection after reading a request and before answering it, the task's
// proxy sends the request again on a new connection only if its method
// changes nothing the second time (GET, HEAD, OPTIONS, TRACE), as
// net/http's Transport does; a POST may have been served before the
// connection died, so it gets the proxy's 503 and the task sees it once.
func TestFastPathReplaysOnlySafeMethods(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]int{} // by method
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				br := bufio.NewReader(c)
				for n := 1; ; n++ {
					req, err := http.ReadRequest(br)
					if err != nil {
						return
					}
					io.Copy(io.Discard, req.Body)
					mu.Lock()
					seen[req.Method]++
					mu.Unlock()
					if n == 2 {
						return // the second request on a connection: read, never answered
					}
					if _, err := io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"); err != nil {
						return
					}
				}
			}()
		}
	}()
	_, web, apis := pairWith(t, "http", Options{}, ln.Addr().String())
	c := h1Client()
	call := func(method string) int {
		t.Helper()
		req, _ := http.NewRequest(method, "http://"+apis[0].Ingress()+"/", strings.NewReader("order"))
		if method == http.MethodGet {
			req.Body, req.ContentLength = nil, 0
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	if s := call(http.MethodGet); s != http.StatusOK {
		t.Fatalf("first GET: %d", s)
	}
	// The pooled connection dies under the second GET: sent again on a
	// new one.
	if s := call(http.MethodGet); s != http.StatusOK {
		t.Fatalf("GET on a connection that died: %d; want 200, sent again on a new connection", s)
	}
	// The new connection has served one request; it dies under the POST.
	if s := call(http.MethodPost); s != http.StatusServiceUnavailable {
		t.Errorf("POST on a connection that died: %d; want 503, not sent again", s)
	}
	mu.Lock()
	defer mu.Unlock()
	if seen[http.MethodGet] != 3 || seen[http.MethodPost] != 1 {
		t.Errorf("the task saw %v; want GET 3 times (once again after the connection died) and POST once", seen)
	}
	if apis[0].handed.Load() != 0 || web.handed.Load() != 0 {
		t.Errorf("a connection went to the net/http path; the test is of the fast path")
	}
}
