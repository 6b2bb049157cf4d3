package alb

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/netwright/netwright/internal/clock/clocktest"
	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/runtime/runtimetest"
)

// versionsListener is an HTTPS listener in front of a target group of
// each protocol version: /h1/* to HTTP1, /h2/* to HTTP2, /grpc/* to
// GRPC, with the given idle timeout.
func versionsListener(t *testing.T, idle time.Duration, opt Options) *Listener {
	t.Helper()
	lb := &design.LoadBalancer{ID: "alb-v", Name: "alb-v", Type: design.ALB, Scheme: design.InternetFacing, IdleTimeout: design.Duration(idle)}
	fwd := func(tg string) design.Action {
		return design.Action{Type: design.ActionForward, Forward: []design.WeightedTarget{{TargetGroup: tg, Weight: 1}}}
	}
	l := &design.Listener{ID: "lst-443", Port: 443, Protocol: "HTTPS", DefaultAction: design.Action{Type: design.ActionFixed, StatusCode: 404},
		Rules: []design.ListenerRule{
			{Priority: 1, Conditions: design.Conditions{Path: "/h1/*"}, Action: fwd("tg-h1")},
			{Priority: 2, Conditions: design.Conditions{Path: "/h2/*"}, Action: fwd("tg-h2")},
			{Priority: 3, Conditions: design.Conditions{Path: "/grpc/*"}, Action: fwd("tg-grpc")},
		}}
	tgs := []design.TargetGroup{
		{ID: "tg-h1", Port: 8080, Protocol: "HTTP", ProtocolVersion: "HTTP1", Health: targetHealth("/health")},
		{ID: "tg-h2", Port: 8080, Protocol: "HTTP", ProtocolVersion: "HTTP2", Health: targetHealth("/health")},
		{ID: "tg-grpc", Port: 8080, Protocol: "HTTP", ProtocolVersion: "GRPC", Health: targetHealth("/health")},
	}
	opt.TLS = true
	x, err := New(lb, l, tgs, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(x.Close)
	return x
}

// h2cTarget serves h over HTTP/1.1 and cleartext HTTP/2 (prior
// knowledge), as a target of any protocol version.
func h2cTarget(t *testing.T, h http.HandlerFunc) string {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	srv.Config.Protocols = new(http.Protocols)
	srv.Config.Protocols.SetHTTP1(true)
	srv.Config.Protocols.SetUnencryptedHTTP2(true)
	srv.Start()
	t.Cleanup(srv.Close)
	return srv.Listener.Addr().String()
}

// serveTLS serves x as `up` does an HTTPS listener (the data path,
// HTTP/2 by ALPN to net/http) and returns its address and clients that
// trust it, one speaking HTTP/1.1 and one HTTP/2.
func serveTLS(t *testing.T, x *Listener) (addr string, h1, h2 *http.Client) {
	t.Helper()
	cert := httptest.NewUnstartedServer(nil)
	cert.EnableHTTP2 = true
	cert.StartTLS()
	t.Cleanup(cert.Close)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg := cert.TLS.Clone()
	cfg.NextProtos = []string{"h2", "http/1.1"}
	s := &Server{Current: func() *Listener { return x }, Fallback: &http.Server{Handler: x}, TLS: cfg, Clock: x.clock}
	go s.Serve(ln)
	t.Cleanup(func() { s.Close() })
	roots := cert.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
	t1 := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}, Protocols: new(http.Protocols)}
	t1.Protocols.SetHTTP1(true)
	t2 := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}, Protocols: new(http.Protocols)}
	t2.Protocols.SetHTTP2(true)
	t.Cleanup(t1.CloseIdleConnections)
	t.Cleanup(t2.CloseIdleConnections)
	return ln.Addr().String(), &http.Client{Transport: t1, Timeout: 20 * time.Second}, &http.Client{Transport: t2, Timeout: 20 * time.Second}
}

// TestIdleTimeoutEveryProtocolVersion: a target silent for the load
// balancer's idle timeout gets the client ALB's 504 whatever the target
// group's protocol version, exactly at the timeout and not a nanosecond
// sooner; one that stops mid-answer has its answer cut at the timeout
// rather than the client kept waiting. The timeout runs on a fake clock;
// the targets would answer only when the test ends.
func TestIdleTimeoutEveryProtocolVersion(t *testing.T) {
	const idle = 45 * time.Second
	clk := clocktest.New(t)
	x := versionsListener(t, idle, Options{Clock: clk})
	arrived, release := make(chan struct{}, 1), make(chan struct{})
	slow := h2cTarget(t, func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/stream") {
			io.WriteString(w, "first,")
			w.(http.Flusher).Flush()
		}
		arrived <- struct{}{}
		select {
		case <-r.Context().Done():
			return
		case <-release:
		}
		io.WriteString(w, "late")
	})
	t.Cleanup(func() { close(release) }) // before the target closes
	for _, tg := range []string{"tg-h1", "tg-h2", "tg-grpc"} {
		if err := x.Register(tg, "slow", slow); err != nil {
			t.Fatal(err)
		}
	}
	addr, h1, h2 := serveTLS(t, x)
	type outcome struct {
		code int
		body string
		err  error
	}
	// timeOut sends req, waits until the target has it (and, with first
	// set, until the client has that part of the answer: the load
	// balancer then waits for the rest), steps the clock to a nanosecond
	// before the idle timeout, checks nothing came, then steps to it.
	timeOut := func(t *testing.T, client *http.Client, req *http.Request, first string) outcome {
		t.Helper()
		got, part := make(chan outcome, 1), make(chan struct{})
		go func() {
			resp, err := client.Do(req)
			if err != nil {
				got <- outcome{err: err}
				return
			}
			defer resp.Body.Close()
			b := make([]byte, len(first))
			if _, err := io.ReadFull(resp.Body, b); err != nil {
				got <- outcome{resp.StatusCode, string(b), err}
				return
			}
			close(part)
			rest, err := io.ReadAll(resp.Body)
			got <- outcome{resp.StatusCode, string(b) + string(rest), err}
		}()
		wait := func(ready <-chan struct{}, what string) {
			select {
			case <-ready:
			case o := <-got:
				t.Fatalf("answered (%+v) before %s", o, what)
			case <-time.After(time.Minute):
				t.Fatalf("waited a minute for %s", what)
			}
		}
		wait(arrived, "the target had the request")
		if first != "" {
			wait(part, "the client had the first part")
		}
		clk.BlockUntilDue(idle)
		clk.AdvanceAndWait(idle - time.Nanosecond)
		if next, ok := clk.Next(); !ok || next != time.Nanosecond {
			t.Fatalf("a nanosecond before the idle timeout the next timer is %v away (%v); want the timeout's, 1ns", next, ok)
		}
		select {
		case o := <-got:
			t.Fatalf("answered (%+v) before the %v idle timeout", o, idle)
		default:
		}
		clk.AdvanceAndWait(time.Nanosecond)
		select {
		case o := <-got:
			return o
		case <-time.After(time.Minute):
			t.Fatal("no answer once the idle timeout passed")
		}
		return outcome{}
	}
	for _, tt := range []struct {
		name   string
		client *http.Client
		path   string
		grpc   bool
	}{
		{"HTTP1 group", h1, "/h1/wait", false},
		{"HTTP2 group", h2, "/h2/wait", false},
		{"GRPC group", h2, "/grpc/pkg.Svc/Wait", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			method, body := http.MethodGet, io.Reader(nil)
			if tt.grpc {
				method, body = http.MethodPost, strings.NewReader("\x00\x00\x00\x00\x00")
			}
			req, _ := http.NewRequest(method, "https://"+addr+tt.path, body)
			if tt.grpc {
				req.Header.Set("Content-Type", "application/grpc")
				req.Header.Set("Te", "trailers")
			}
			if o := timeOut(t, tt.client, req, ""); o.err != nil || o.code != http.StatusGatewayTimeout {
				t.Errorf("a silent target at the %v idle timeout: %d %q %v; want ALB's 504", idle, o.code, o.body, o.err)
			}
		})
	}
	// Mid-answer: the first part comes, then nothing.
	for _, tt := range []struct {
		name   string
		client *http.Client
		path   string
	}{{"HTTP1 group", h1, "/h1/stream"}, {"HTTP2 group", h2, "/h2/stream"}} {
		t.Run(tt.name+" mid-answer", func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, "https://"+addr+tt.path, nil)
			if o := timeOut(t, tt.client, req, "first,"); o.err == nil || o.body != "first," {
				t.Errorf("a target silent mid-answer: read %q, %v; want the answer cut after its first part at the idle timeout", o.body, o.err)
			}
		})
	}
}

// TestIdleWebSocketIsClosed: ALB's idle timeout applies to WebSocket
// connections: one with frames going keeps open past it, an idle one is
// closed (no sooner than the timeout after its last frame). The session
// is logged with 101, also when the client ends it.
func TestIdleWebSocketIsClosed(t *testing.T) {
	// The idle timeout is a timer on the listener's clock; a minute of it
	// never passes on the wall clock while the test runs.
	const idle = time.Minute
	clk := clocktest.New(t)
	var logged runtimetest.Buffer
	x := versionsListener(t, idle, Options{AccessLog: NewAccessLog(&logged), Clock: clk})
	target := h2cTarget(t, func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer c.CloseNow()
		for {
			typ, msg, err := c.Read(r.Context())
			if err != nil {
				return
			}
			if err := c.Write(r.Context(), typ, msg); err != nil {
				return
			}
		}
	})
	if err := x.Register("tg-h1", "ws", target); err != nil {
		t.Fatal(err)
	}
	addr, h1, _ := serveTLS(t, x)
	dial := func() *websocket.Conn {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		c, _, err := websocket.Dial(ctx, "wss://"+addr+"/h1/live", &websocket.DialOptions{HTTPClient: h1})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	echo := func(c *websocket.Conn, msg string) error {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := c.Write(ctx, websocket.MessageText, []byte(msg)); err != nil {
			return err
		}
		_, got, err := c.Read(ctx)
		if err == nil && string(got) != msg {
			t.Errorf("echo of %q: %q", msg, got)
		}
		return err
	}

	// Frames every third of the timeout, for twice the timeout: open.
	busy := dial()
	for i := range 6 {
		if err := echo(busy, "tick"); err != nil {
			t.Fatalf("message %d of a busy WebSocket: %v", i, err)
		}
		clk.AdvanceAndWait(idle / 3)
	}
	busy.Close(websocket.StatusNormalClosure, "")
	// The client ended it: ALB logs the session's 101, not 460.
	waitLines := func(n int) []string {
		for deadline := time.Now().Add(5 * time.Second); strings.Count(logged.String(), "\n") < n && time.Now().Before(deadline); {
			time.Sleep(5 * time.Millisecond)
		}
		return strings.Split(strings.TrimSuffix(logged.String(), "\n"), "\n")
	}
	if f := splitLogLine(t, waitLines(1)[0]); f["type"] != "wss" || f["elb_status_code"] != "101" || f["target_status_code"] != "101" {
		t.Errorf("a WebSocket session the client closed logged %s %s %s; want wss 101 101", f["type"], f["elb_status_code"], f["target_status_code"])
	}

	quiet := dial()
	if err := echo(quiet, "hello"); err != nil {
		t.Fatal(err)
	}
	// Its last frame has passed: the watch is due exactly the idle
	// timeout later, and nothing closes it before.
	if next, ok := clk.Next(); !ok || next != idle {
		t.Fatalf("after an idle WebSocket's last frame the next timer is due in %v (%v); want the %v idle timeout", next, ok, idle)
	}
	read := make(chan error, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	go func() {
		_, _, err := quiet.Read(ctx)
		read <- err
	}()
	clk.AdvanceAndWait(idle - time.Nanosecond)
	select {
	case err := <-read:
		t.Fatalf("an idle WebSocket was closed before its %v idle timeout: %v", idle, err)
	default:
	}
	clk.AdvanceAndWait(time.Nanosecond)
	err := <-read
	quiet.CloseNow()
	if err == nil || errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil {
		t.Fatalf("an idle WebSocket was still open 10 s after its %v idle timeout passed (%v)", idle, err)
	}
	lines := waitLines(2)
	if len(lines) != 2 {
		t.Fatalf("%d access-log lines for two WebSocket sessions:\n%s", len(lines), logged.String())
	}
	for _, line := range lines {
		if f := splitLogLine(t, line); f["type"] != "wss" || f["elb_status_code"] != "101" || f["target_status_code"] != "101" {
			t.Errorf("a WebSocket session logged %s %s %s; want wss 101 101", f["type"], f["elb_status_code"], f["target_status_code"])
		}
	}
}

// TestNoHeadersAdded: a request without Accept-Encoding reaches the
// target without one, whatever the target group's protocol version (ALB
// adds no Accept-Encoding; Go's transport would add gzip and undo the
// target's compression behind the client's back); one that asks for gzip
// gets the target's gzip bytes as they are.
func TestNoHeadersAdded(t *testing.T) {
	x := versionsListener(t, 5*time.Second, Options{})
	var seen atomic.Value
	target := h2cTarget(t, func(w http.ResponseWriter, r *http.Request) {
		seen.Store(strings.Join(r.Header.Values("Accept-Encoding"), ","))
		if r.Header.Get("Accept-Encoding") == "gzip" {
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(gzipped)
			return
		}
		io.WriteString(w, "plain")
	})
	for _, tg := range []string{"tg-h1", "tg-h2"} {
		if err := x.Register(tg, "t", target); err != nil {
			t.Fatal(err)
		}
	}
	addr, _, h2 := serveTLS(t, x)
	h2.Transport.(*http.Transport).DisableCompression = true // the client sends no Accept-Encoding
	for _, path := range []string{"/h1/x", "/h2/x"} {
		seen.Store("unset")
		resp, err := h2.Get("https://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if got := seen.Load().(string); got != "" || string(b) != "plain" {
			t.Errorf("%s over HTTP/2 without Accept-Encoding: the target saw Accept-Encoding %q and answered %q; want none", path, got, b)
		}
		req, _ := http.NewRequest(http.MethodGet, "https://"+addr+path, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		resp, err = h2.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.Header.Get("Content-Encoding") != "gzip" || string(b) != string(gzipped) {
			t.Errorf("%s asking for gzip: Content-Encoding %q, %d bytes; want the target's gzip body as it is", path, resp.Header.Get("Content-Encoding"), len(b))
		}
	}
}

// gzipped is "compressed", gzip-encoded.
var gzipped = func() []byte {
	var b bytes.Buffer
	z := gzip.NewWriter(&b)
	io.WriteString(z, "compressed")
	z.Close()
	return b.Bytes()
}()

// TestProtocolVersionTable: ALB's table of request protocol against
// target-group protocol version, over a real HTTP/2 client and HTTP/1.1
// client: what succeeds is forwarded, the rest is 464.
func TestProtocolVersionTable(t *testing.T) {
	x := versionsListener(t, 5*time.Second, Options{})
	target := h2cTarget(t, func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if strings.HasPrefix(r.Header.Get("Content-Type"), "application/grpc") {
			w.Header().Set("Content-Type", "application/grpc")
			w.Header().Set("Trailer", "Grpc-Status")
			w.Header().Set("Grpc-Status", "0")
			return
		}
		io.WriteString(w, "ok")
	})
	for _, tg := range []string{"tg-h1", "tg-h2", "tg-grpc"} {
		if err := x.Register(tg, "t", target); err != nil {
			t.Fatal(err)
		}
	}
	addr, h1, h2 := serveTLS(t, x)
	for _, tt := range []struct {
		name   string
		client *http.Client
		method string
		path   string
		grpc   bool
		want   int
	}{
		{"HTTP/1.1 to HTTP1", h1, "GET", "/h1/x", false, 200},
		{"HTTP/2 to HTTP1", h2, "GET", "/h1/x", false, 200},
		{"gRPC to HTTP1", h2, "POST", "/h1/pkg.S/M", true, 464},
		{"HTTP/1.1 to HTTP2", h1, "GET", "/h2/x", false, 464},
		{"HTTP/2 to HTTP2", h2, "GET", "/h2/x", false, 200},
		{"gRPC to HTTP2", h2, "POST", "/h2/pkg.S/M", true, 200},
		{"HTTP/1.1 to GRPC", h1, "POST", "/grpc/x", false, 464},
		{"HTTP/2 POST to GRPC", h2, "POST", "/grpc/x", false, 200},
		{"HTTP/2 GET to GRPC", h2, "GET", "/grpc/x", false, 464},
		{"gRPC to GRPC", h2, "POST", "/grpc/pkg.S/M", true, 200},
	} {
		var body io.Reader
		if tt.method == "POST" {
			body = strings.NewReader("\x00\x00\x00\x00\x00")
		}
		req, _ := http.NewRequest(tt.method, "https://"+addr+tt.path, body)
		if tt.grpc {
			req.Header.Set("Content-Type", "application/grpc")
			req.Header.Set("Te", "trailers")
		}
		resp, err := tt.client.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tt.want {
			t.Errorf("%s: %d; ALB's table says %d", tt.name, resp.StatusCode, tt.want)
		}
	}
}
