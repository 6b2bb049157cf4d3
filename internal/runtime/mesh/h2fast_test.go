package mesh

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/net/http2"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/netwright/netwright/internal/design"
)

// The HTTP/2 fast path (h2conn.go, h2fast.go) against running proxies,
// with real grpc-go clients and servers: every call here goes caller ->
// web's proxy -> api's proxy -> api's task and back.

// h2Task is a gRPC task with a handful of methods; seen gets what the
// blocking methods saw of their context.
type h2Task struct {
	addr string
	seen chan string
	srv  *grpc.Server
	sent atomic.Int64
}

func startH2Task(t testing.TB, name string, opts ...grpc.ServerOption) *h2Task {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tk := &h2Task{addr: ln.Addr().String(), seen: make(chan string, 16)}
	tk.srv = grpc.NewServer(append(opts, grpc.MaxRecvMsgSize(16<<20), grpc.MaxSendMsgSize(16<<20), grpc.UnknownServiceHandler(func(_ any, st grpc.ServerStream) error {
		method, _ := grpc.MethodFromServerStream(st)
		ctx := st.Context()
		st.SetHeader(metadata.Pairs("task", name))
		switch method {
		case "/t.T/Unary": // echoes the message
			var in wrapperspb.BytesValue
			if err := st.RecvMsg(&in); err != nil {
				return err
			}
			return st.SendMsg(&in)
		case "/t.T/Server": // sends in.Value[0] copies of in
			var in wrapperspb.BytesValue
			if err := st.RecvMsg(&in); err != nil {
				return err
			}
			for range int(in.Value[0]) {
				if err := st.SendMsg(&in); err != nil {
					return err
				}
			}
			return nil
		case "/t.T/Bidi": // echoes each message until the caller ends
			for {
				var in wrapperspb.BytesValue
				if err := st.RecvMsg(&in); err == io.EOF {
					return nil
				} else if err != nil {
					return err
				}
				if err := st.SendMsg(&in); err != nil {
					return err
				}
			}
		case "/t.T/Block": // holds the call until the caller leaves
			var in wrapperspb.BytesValue
			if err := st.RecvMsg(&in); err != nil {
				return err
			}
			tk.seen <- "started"
			<-ctx.Done()
			tk.seen <- ctx.Err().Error()
			return ctx.Err()
		case "/t.T/Status":
			st.SetTrailer(metadata.Pairs("x-trailer", "yes"))
			return status.Error(codes.NotFound, "no such thing")
		case "/t.T/Trace": // answers the trace context it got
			md, _ := metadata.FromIncomingContext(ctx)
			return st.SendMsg(wrapperspb.String(strings.Join(md.Get("traceparent"), ",")))
		case "/t.T/Flood": // sends 1 MiB messages, counting them, until 120
			flood := wrapperspb.Bytes(payload(1<<20, 9))
			for range 120 {
				if err := st.SendMsg(flood); err != nil {
					select { // tells of a flood cut short, when seen has room
					case tk.seen <- "flood: " + status.Code(err).String():
					default:
					}
					return err
				}
				tk.sent.Add(1)
			}
			return nil
		case "/t.T/Header": // answers the length of its "big" field
			md, _ := metadata.FromIncomingContext(ctx)
			return st.SendMsg(wrapperspb.String(fmt.Sprint(len(strings.Join(md.Get("big"), "")))))
		case "/t.T/Slow":
			time.Sleep(300 * time.Millisecond)
			return st.SendMsg(wrapperspb.String(name))
		}
		return status.Error(codes.Unimplemented, method)
	}))...)
	go tk.srv.Serve(ln)
	t.Cleanup(tk.srv.Stop)
	return tk
}

// h2Mesh starts a mesh with web calling api over gRPC with Service
// Connect's semantics and a task of api at each of tasks; edit changes
// the config first. It returns the mesh, web's proxy and api's.
func h2Mesh(t testing.TB, reg prometheus.Registerer, edit func(*Config), tasks ...*h2Task) (*Mesh, *Proxy, []*Proxy) {
	t.Helper()
	return h2MeshWith(t, Options{Metrics: reg}, edit, tasks...)
}

// h2MeshWith is h2Mesh with the mesh's options (its CA is the test's).
func h2MeshWith(t testing.TB, opt Options, edit func(*Config), tasks ...*h2Task) (*Mesh, *Proxy, []*Proxy) {
	t.Helper()
	ca, key := testCA(t)
	opt.CA, opt.CAKey = ca, key
	m, err := New(opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Close(context.Background()) })
	cfg := &Config{Semantics: ServiceConnect, TrustDomain: "test.local", Members: map[string]bool{"web": true, "api": true},
		Callers: map[string][]string{"api": {"web"}},
		Upstreams: map[string]*Upstream{"api": {Service: "api", Protocol: "grpc", Timeout: 15 * time.Second, Idle: 5 * time.Minute,
			Routes:  []Route{{Targets: []Target{{Service: "api", Weight: 1}}}},
			Outlier: map[string]*Outlier{"api": {Window: scFailureWindow, Failures: scFailures, Base: scEjectBase, Max: scEjectMax, MaxPercent: 100}},
			Retry:   &Retry{Max: scRetries, On: map[string]bool{"connect-failure": true, "reset": true, "503": true}}}},
		Ingress: map[string]*Ingress{"api": {Service: "api", Protocol: "grpc", DiscoveryName: "api"}}}
	if edit != nil {
		edit(cfg)
	}
	m.SetConfig(cfg)
	var apis []*Proxy
	var eps []Endpoint
	for i, tk := range tasks {
		id := fmt.Sprintf("api-%d", i+1)
		api, err := m.StartProxy(Task{ID: id, Service: "api", Addr: tk.addr}, nil, Loopback{})
		if err != nil {
			t.Fatal(err)
		}
		apis = append(apis, api)
		eps = append(eps, Endpoint{Task: id, Addr: api.Ingress(), AppAddr: tk.addr})
	}
	m.SetEndpoints(map[string][]Endpoint{"api": eps})
	web, err := m.StartProxy(Task{ID: "web-1", Service: "web", Addr: "127.0.0.1:1"}, []string{"api"}, Loopback{})
	if err != nil {
		t.Fatal(err)
	}
	return m, web, apis
}

func h2Client(t *testing.T, p *Proxy) *grpc.ClientConn {
	t.Helper()
	addr, _ := p.Egress("api")
	conn, err := grpc.NewClient("passthrough:///"+addr, grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(16<<20), grpc.MaxCallSendMsgSize(16<<20)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func payload(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = seed + byte(i*7)
	}
	return b
}

// fastOnly fails unless each proxy served calls on the fast path.
func fastOnly(t *testing.T, first *Proxy, more ...*Proxy) {
	t.Helper()
	for _, p := range append([]*Proxy{first}, more...) {
		if p.fastRequests.Load() == 0 {
			t.Errorf("%s's proxy served no call on the HTTP/2 fast path", p.task.ID)
		}
	}
}

// TestH2FastUnaryAndStreaming: unary, server-streaming and bidi calls
// whose messages are many times the initial 64 KB window, so both
// proxies' flow control has to credit each side as the other drains.
func TestH2FastUnaryAndStreaming(t *testing.T) {
	tk := startH2Task(t, "api-1")
	_, web, apis := h2Mesh(t, nil, nil, tk)
	conn := h2Client(t, web)
	ctx := testCtx(t)

	big := payload(3<<20, 1)
	var out wrapperspb.BytesValue
	if err := conn.Invoke(ctx, "/t.T/Unary", wrapperspb.Bytes(big), &out); err != nil {
		t.Fatalf("unary of 3 MiB: %v", err)
	}
	if !bytes.Equal(out.Value, big) {
		t.Errorf("unary of 3 MiB: got %d bytes back, not the same", len(out.Value))
	}

	msg := payload(300<<10, 20)
	msg[0] = 12
	st, err := conn.NewStream(ctx, &grpc.StreamDesc{ServerStreams: true}, "/t.T/Server")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SendMsg(wrapperspb.Bytes(msg)); err != nil {
		t.Fatal(err)
	}
	st.CloseSend()
	n := 0
	for {
		var in wrapperspb.BytesValue
		err := st.RecvMsg(&in)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("server streaming, message %d: %v", n+1, err)
		}
		if !bytes.Equal(in.Value, msg) {
			t.Fatalf("server streaming, message %d differs", n+1)
		}
		n++
	}
	if n != 12 {
		t.Errorf("server streaming: %d messages; want 12", n)
	}

	bidi, err := conn.NewStream(ctx, &grpc.StreamDesc{ServerStreams: true, ClientStreams: true}, "/t.T/Bidi")
	if err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		m := payload(200<<10+i, byte(i))
		if err := bidi.SendMsg(wrapperspb.Bytes(m)); err != nil {
			t.Fatalf("bidi send %d: %v", i, err)
		}
		var in wrapperspb.BytesValue
		if err := bidi.RecvMsg(&in); err != nil {
			t.Fatalf("bidi receive %d: %v", i, err)
		}
		if !bytes.Equal(in.Value, m) {
			t.Fatalf("bidi message %d differs", i)
		}
	}
	bidi.CloseSend()
	if err := bidi.RecvMsg(&out); err != io.EOF {
		t.Errorf("bidi end: %v; want EOF", err)
	}

	// Many calls at once share the pooled connections.
	atOnce(t, 40, func(i int) error {
		m := payload(100<<10, byte(i))
		var o wrapperspb.BytesValue
		if err := conn.Invoke(ctx, "/t.T/Unary", wrapperspb.Bytes(m), &o); err != nil {
			return err
		} else if !bytes.Equal(o.Value, m) {
			return fmt.Errorf("call %d: answer differs", i)
		}
		return nil
	})
	fastOnly(t, web, apis...)
}

// TestH2FastCancelAndDeadline: a caller that cancels, or whose deadline
// passes, cancels the call at the task through both proxies.
func TestH2FastCancelAndDeadline(t *testing.T) {
	tk := startH2Task(t, "api-1")
	_, web, apis := h2Mesh(t, nil, nil, tk)
	conn := h2Client(t, web)
	wait := func(want string) {
		t.Helper()
		select {
		case got := <-tk.seen:
			if got != want {
				t.Fatalf("the task saw %q; want %q", got, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("the task never saw %q", want)
		}
	}

	ctx, cancel := context.WithCancel(testCtx(t))
	done := make(chan error, 1)
	go func() {
		var out wrapperspb.BytesValue
		done <- conn.Invoke(ctx, "/t.T/Block", wrapperspb.Bytes([]byte("x")), &out)
	}()
	wait("started")
	cancel()
	wait(context.Canceled.Error())
	if err := <-done; status.Code(err) != codes.Canceled {
		t.Errorf("cancelled call: %v; want Canceled", err)
	}

	dctx, dcancel := context.WithTimeout(testCtx(t), 300*time.Millisecond)
	defer dcancel()
	var out wrapperspb.BytesValue
	err := conn.Invoke(dctx, "/t.T/Block", wrapperspb.Bytes([]byte("x")), &out)
	// The task holds the same deadline (grpc-timeout passes through): when
	// its copy ends the call first, grpc-go's server resets the stream and
	// the proxy answers UNAVAILABLE, as Envoy answers an upstream reset.
	// Which clock fires first is the scheduler's; both end the call.
	if c := status.Code(err); c != codes.DeadlineExceeded && c != codes.Unavailable {
		t.Errorf("call past its deadline: %v; want DeadlineExceeded (or Unavailable, the task's deadline first)", err)
	}
	wait("started")
	if got := <-tk.seen; got != context.Canceled.Error() && got != context.DeadlineExceeded.Error() {
		t.Errorf("the task saw %q; want its context ended", got)
	}
	fastOnly(t, web, apis...)
}

// TestH2FastStatusAndTrailers: the task's status, message, headers and
// trailers reach the caller as they left the task.
func TestH2FastStatusAndTrailers(t *testing.T) {
	tk := startH2Task(t, "api-1")
	_, web, apis := h2Mesh(t, nil, nil, tk)
	conn := h2Client(t, web)
	var hdr, trl metadata.MD
	var out wrapperspb.BytesValue
	err := conn.Invoke(testCtx(t), "/t.T/Status", wrapperspb.Bytes(nil), &out, grpc.Header(&hdr), grpc.Trailer(&trl))
	if st := status.Convert(err); st.Code() != codes.NotFound || st.Message() != "no such thing" {
		t.Errorf("status: %v; want NotFound \"no such thing\"", err)
	}
	if got := trl.Get("x-trailer"); len(got) != 1 || got[0] != "yes" {
		t.Errorf("trailer x-trailer = %v; want [yes]", got)
	}
	if got := hdr.Get("task"); len(got) != 1 || got[0] != "api-1" {
		t.Errorf("header task = %v; want [api-1]", got)
	}
	err = conn.Invoke(testCtx(t), "/t.T/Nope", wrapperspb.Bytes(nil), &out)
	if status.Code(err) != codes.Unimplemented {
		t.Errorf("unknown method: %v; want Unimplemented", err)
	}
	fastOnly(t, web, apis...)
}

// TestH2FastRetriesAKilledTask: with Service Connect's semantics a task
// whose proxy is gone (its pooled connection ends, new ones are refused)
// costs the caller nothing: each call goes again to the other task, and
// the dead one is ejected.
func TestH2FastRetriesAKilledTask(t *testing.T) {
	reg := prometheus.NewRegistry()
	t1, t2 := startH2Task(t, "api-1"), startH2Task(t, "api-2")
	_, web, apis := h2Mesh(t, reg, nil, t1, t2)
	conn := h2Client(t, web)
	ctx := testCtx(t)
	call := func() (string, error) {
		var hdr metadata.MD
		var out wrapperspb.BytesValue
		err := conn.Invoke(ctx, "/t.T/Unary", wrapperspb.Bytes([]byte("hi")), &out, grpc.Header(&hdr))
		return strings.Join(hdr.Get("task"), ","), err
	}
	seen := map[string]bool{}
	for range 20 {
		task, err := call()
		if err != nil {
			t.Fatal(err)
		}
		seen[task] = true
	}
	if !seen["api-1"] || !seen["api-2"] {
		t.Fatalf("calls reached %v; want both tasks", seen)
	}
	apis[0].Close()
	for i := range 20 {
		task, err := call()
		if err != nil {
			t.Fatalf("call %d after api-1 died: %v", i, err)
		}
		if task != "api-2" {
			t.Fatalf("call %d answered by %q; want api-2", i, task)
		}
	}
	if n := gathered(t, reg, "netwright_mesh_upstream_rq_retry_total"); n == 0 {
		t.Error("no retry counted")
	}
	if n := gathered(t, reg, "netwright_mesh_outlier_ejections_total"); n != 1 {
		t.Errorf("ejections %v; want 1 (api-1, after its 5 failures)", n)
	}
	fastOnly(t, web, apis...)
}

// TestH2FastDrains: a caller's proxy that drains sends GOAWAY; calls in
// flight finish.
func TestH2FastDrains(t *testing.T) {
	tk := startH2Task(t, "api-1")
	_, web, apis := h2Mesh(t, nil, nil, tk)
	conn := h2Client(t, web)
	ctx := testCtx(t)
	var out wrapperspb.StringValue
	if err := conn.Invoke(ctx, "/t.T/Unary", wrapperspb.Bytes(nil), &out); err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 5)
	for range 5 {
		go func() { errs <- conn.Invoke(ctx, "/t.T/Slow", wrapperspb.Bytes(nil), &wrapperspb.StringValue{}) }()
	}
	deadline := time.Now().Add(10 * time.Second)
	for web.fastRequests.Load() < 6 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	web.Shutdown(sctx)
	if sctx.Err() != nil {
		t.Error("the drain waited out its time")
	}
	for range 5 {
		if err := <-errs; err != nil {
			t.Errorf("call in flight at the drain: %v", err)
		}
	}
	fastOnly(t, web, apis...)
}

// TestH2FastFaultMovesCallsToTheFullPath: a fault added while calls run
// on the fast path sends its connections away; the calls after it take
// the net/http path, where the fault hits them.
func TestH2FastFaultMovesCallsToTheFullPath(t *testing.T) {
	tk := startH2Task(t, "api-1")
	m, web, apis := h2Mesh(t, nil, nil, tk)
	conn := h2Client(t, web)
	ctx := testCtx(t)
	var out wrapperspb.BytesValue
	for range 3 {
		if err := conn.Invoke(ctx, "/t.T/Unary", wrapperspb.Bytes(nil), &out); err != nil {
			t.Fatal(err)
		}
	}
	fastOnly(t, web, apis...)
	before := web.fastRequests.Load()
	if _, err := m.Faults().Add(Fault{Target: "api", Kind: FaultAbort, Value: "503"}); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		err := conn.Invoke(ctx, "/t.T/Unary", wrapperspb.Bytes(nil), &out)
		if st := status.Convert(err); st.Code() != codes.Unavailable || st.Message() != "fault filter abort" {
			t.Fatalf("call %d with an abort fault: %v; want Unavailable \"fault filter abort\"", i, err)
		}
	}
	if got := web.fastRequests.Load(); got != before {
		t.Errorf("the fast path took %d calls after the fault; want none", got-before)
	}
	m.Faults().Clear("")
}

// TestH2FastMetricsAndTrace: the fast path counts Service Connect's
// metrics and passes the trace context on, a span of each proxy's in
// between: same trace, new parent.
func TestH2FastMetricsAndTrace(t *testing.T) {
	reg := prometheus.NewRegistry()
	tk := startH2Task(t, "api-1")
	_, web, apis := h2Mesh(t, reg, nil, tk)
	conn := h2Client(t, web)
	const tid, sid = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
	ctx := metadata.AppendToOutgoingContext(testCtx(t), "traceparent", "00-"+tid+"-"+sid+"-01")
	for range 4 {
		var out wrapperspb.StringValue
		if err := conn.Invoke(ctx, "/t.T/Trace", wrapperspb.Bytes(nil), &out); err != nil {
			t.Fatal(err)
		}
		got := strings.Split(out.Value, "-")
		if len(got) != 4 || got[1] != tid || got[2] == sid || got[3] != "01" {
			t.Fatalf("the task got traceparent %q; want trace %s under a proxy's span", out.Value, tid)
		}
	}
	for name, want := range map[string]float64{"RequestCountPerTarget": 4, "HTTPCode_Target_2XX_Count": 4, "RequestCount": 4, "GrpcRequestCount": 4} {
		if got := gathered(t, reg, name); got != want {
			t.Errorf("%s = %v; want %v", name, got, want)
		}
	}
	fastOnly(t, web, apis...)
}

// TestH2FastMutualTLSAuthorizes: with mutual TLS between the proxies
// (h2 by ALPN) a declared caller's calls pass on the fast path at both
// proxies, and a caller no policy declares is refused with
// PERMISSION_DENIED.
func TestH2FastMutualTLSAuthorizes(t *testing.T) {
	reg := prometheus.NewRegistry()
	tk := startH2Task(t, "api-1")
	m, web, apis := h2Mesh(t, reg, func(c *Config) {
		c.Members["spy"] = true
		c.Upstreams["api"].TLS = TLSMutualStrict
		c.Ingress["api"].TLS, c.Ingress["api"].Authorize = TLSMutualStrict, true
	}, tk)
	conn := h2Client(t, web)
	var out wrapperspb.BytesValue
	if err := conn.Invoke(testCtx(t), "/t.T/Unary", wrapperspb.Bytes(payload(200<<10, 3)), &out); err != nil {
		t.Fatalf("web, a declared caller: %v", err)
	}
	spy, err := m.StartProxy(Task{ID: "spy-1", Service: "spy", Addr: "127.0.0.1:1"}, []string{"api"}, Loopback{})
	if err != nil {
		t.Fatal(err)
	}
	err = h2Client(t, spy).Invoke(testCtx(t), "/t.T/Unary", wrapperspb.Bytes(nil), &out)
	if st := status.Convert(err); st.Code() != codes.PermissionDenied || st.Message() != "RBAC: access denied" {
		t.Errorf("spy, not a declared caller: %v; want PermissionDenied \"RBAC: access denied\"", err)
	}
	if n := gathered(t, reg, "netwright_mesh_denied_total"); n != 1 {
		t.Errorf("denied %v; want 1", n)
	}
	fastOnly(t, web, spy, apis[0])
}

// TestH2FastRefusesConnectionHeaders: a request with a connection-
// specific field is malformed in HTTP/2 (RFC 9113 8.2.2): the stream is
// reset, and the connection serves the next call.
func TestH2FastRefusesConnectionHeaders(t *testing.T) {
	tk := startH2Task(t, "api-1")
	_, web, _ := h2Mesh(t, nil, nil, tk)
	addr, _ := web.Egress("api")
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	cl := newRawH2(t, c)
	cl.request(1, [][2]string{{"connection", "close"}}, true)
	if code := cl.waitReset(1); code != "PROTOCOL_ERROR" {
		t.Errorf("stream with a connection field: reset %s; want PROTOCOL_ERROR", code)
	}
	cl.request(3, nil, true)
	if st := cl.waitStatus(3); st != "200" {
		t.Errorf("next stream: status %q; want 200", st)
	}
}

// TestH2FastFlowControlHoldsBack: a caller that reads nothing holds the
// task back: the proxies buffer no more than their windows, so the
// task's sends stop long before its 120 MiB; once the caller reads,
// every message arrives.
func TestH2FastFlowControlHoldsBack(t *testing.T) {
	tk := startH2Task(t, "api-1")
	// No request timeout: under the race detector 120 MiB take longer
	// than Service Connect's 15 s.
	_, web, apis := h2Mesh(t, nil, func(c *Config) { c.Upstreams["api"].Timeout = 0 }, tk)
	addr, _ := web.Egress("api")
	// A fixed 64 KB window at the caller (no BDP estimation).
	conn, err := grpc.NewClient("passthrough:///"+addr, grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithInitialWindowSize(64<<10), grpc.WithInitialConnWindowSize(64<<10), grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(16<<20)))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// 120 MiB through both proxies 64 KB at a time: under the race
	// detector on a loaded machine that took from 8 to over 30 s. The
	// bound is for a hang, not a speed target.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	st, err := conn.NewStream(ctx, &grpc.StreamDesc{ServerStreams: true}, "/t.T/Flood")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SendMsg(wrapperspb.Bytes(nil)); err != nil {
		t.Fatal(err)
	}
	st.CloseSend()
	// Wait until the task's sends stop moving (bounded: 10 s).
	last, still := int64(-1), 0
	for i := 0; i < 200 && still < 5; i++ {
		time.Sleep(50 * time.Millisecond)
		if n := tk.sent.Load(); n == last {
			still++
		} else {
			last, still = n, 0
		}
	}
	t.Logf("the task sent %d MiB before it was held back", last)
	if still < 5 || last >= 48 {
		t.Fatalf("the task sent %d MiB to a caller that reads nothing (still for %d polls); want it held back under 48 MiB", last, still)
	}
	n := 0
	for {
		var in wrapperspb.BytesValue
		if err := st.RecvMsg(&in); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("message %d: %v", n+1, err)
		}
		n++
	}
	if n != 120 {
		t.Errorf("%d messages; want 120", n)
	}
	fastOnly(t, web, apis...)
}

// TestH2FastMaxConcurrentStreams: a task that takes 2 streams at once
// per connection gets more connections from its proxy, not refused
// streams.
func TestH2FastMaxConcurrentStreams(t *testing.T) {
	tk := startH2Task(t, "api-1", grpc.MaxConcurrentStreams(2))
	_, web, apis := h2Mesh(t, nil, nil, tk)
	conn := h2Client(t, web)
	ctx := testCtx(t)
	atOnce(t, 12, func(int) error {
		return conn.Invoke(ctx, "/t.T/Slow", wrapperspb.Bytes(nil), &wrapperspb.StringValue{})
	})
	pool := apis[0].in.pools.h2get(poolKey{addr: tk.addr})
	pool.mu.Lock()
	n := len(pool.conns)
	pool.mu.Unlock()
	if n < 2 {
		t.Errorf("api's proxy has %d connections to its task; want more than one for 12 calls 2 at a time", n)
	}
	fastOnly(t, web, apis...)
}

// h2cTask is an HTTP/2 (prior knowledge) task answering with answer.
func h2cTask(t *testing.T, answer http.HandlerFunc) *h2Task {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: answer, Protocols: new(http.Protocols)}
	srv.Protocols.SetUnencryptedHTTP2(true)
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return &h2Task{addr: ln.Addr().String()}
}

// TestH2FastRetries503WithTheBody: over plain HTTP/2, a task's 503 is
// tried again on the other task with the request's body, which the
// caller's proxy kept; a body past 64 KiB is not kept, and its 503
// reaches the caller.
func TestH2FastRetries503WithTheBody(t *testing.T) {
	reg := prometheus.NewRegistry()
	down := h2cTask(t, func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	up := h2cTask(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("X-Proto", r.Proto)
		w.Write(b)
	})
	_, web, apis := h2Mesh(t, reg, func(c *Config) {
		c.Upstreams["api"].Protocol, c.Ingress["api"].Protocol = "http2", "http2"
		c.Upstreams["api"].Outlier = nil // both tasks stay in the picks
	}, down, up)
	addr, _ := web.Egress("api")
	tr := &http.Transport{Protocols: new(http.Protocols)}
	tr.Protocols.SetUnencryptedHTTP2(true)
	client := &http.Client{Transport: tr}
	defer tr.CloseIdleConnections()
	post := func(body []byte) (int, []byte) {
		t.Helper()
		resp, err := client.Post("http://"+addr+"/echo", "application/octet-stream", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		got, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, got
	}
	for i := range 6 {
		body := payload(40<<10, byte(i))
		code, got := post(body)
		if code != http.StatusOK || !bytes.Equal(got, body) {
			t.Fatalf("call %d with a 40 KiB body: %d, %d bytes back; want 200 and the body", i, code, len(got))
		}
	}
	if n := gathered(t, reg, "netwright_mesh_upstream_rq_retry_total"); n == 0 {
		t.Error("no retry counted")
	}
	saw503 := false
	for i := range 6 {
		code, _ := post(payload(100<<10, byte(i)))
		saw503 = saw503 || code == http.StatusServiceUnavailable
	}
	if !saw503 {
		t.Error("no 503 reached the caller with 100 KiB bodies; want the task's 503 where the body was too long to keep")
	}
	fastOnly(t, web, apis...)
}

// TestH2FastTargetDrains: a task's proxy that drains lets its calls in
// flight finish (with no retries to hide a cut one); the calls after go
// to the task left.
func TestH2FastTargetDrains(t *testing.T) {
	t1, t2 := startH2Task(t, "api-1"), startH2Task(t, "api-2")
	// No retries: a call cut at the drain would fail, not go again.
	m, web, apis := h2Mesh(t, nil, func(c *Config) { c.Upstreams["api"].Retry = nil }, t1, t2)
	conn := h2Client(t, web)
	ctx := testCtx(t)
	errs := make(chan error, 6)
	for range 6 {
		go func() { errs <- conn.Invoke(ctx, "/t.T/Slow", wrapperspb.Bytes(nil), &wrapperspb.StringValue{}) }()
	}
	deadline := time.Now().Add(10 * time.Second)
	for apis[0].fastRequests.Load()+apis[1].fastRequests.Load() < 6 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	apis[0].Shutdown(sctx)
	m.SetEndpoints(map[string][]Endpoint{"api": {{Task: "api-2", Addr: apis[1].Ingress(), AppAddr: t2.addr}}})
	for range 6 {
		if err := <-errs; err != nil {
			t.Errorf("call in flight at api-1's drain: %v", err)
		}
	}
	for i := range 6 {
		var hdr metadata.MD
		if err := conn.Invoke(ctx, "/t.T/Unary", wrapperspb.Bytes(nil), &wrapperspb.BytesValue{}, grpc.Header(&hdr)); err != nil {
			t.Fatalf("call %d after the drain: %v", i, err)
		}
		if got := hdr.Get("task"); len(got) != 1 || got[0] != "api-2" {
			t.Fatalf("call %d after the drain answered by %v; want api-2", i, got)
		}
	}
}

// gateNet is Loopback whose dials to addr wait for gate.
type gateNet struct {
	Loopback
	addr string
	gate chan struct{}
}

func (g gateNet) Dial(ctx context.Context, t Task, addr string) (net.Conn, error) {
	if addr == g.addr {
		select {
		case <-g.gate:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return g.Loopback.Dial(ctx, t, addr)
}

// TestH2FastSlowConnectBlocksNoOtherCall: while the caller's proxy waits
// to connect to one task, the other calls on the same connection go on
// to the other task.
func TestH2FastSlowConnectBlocksNoOtherCall(t *testing.T) {
	t1, t2 := startH2Task(t, "api-1"), startH2Task(t, "api-2")
	m, _, apis := h2Mesh(t, nil, nil, t1, t2)
	gate := make(chan struct{})
	web, err := m.StartProxy(Task{ID: "web-2", Service: "web", Addr: "127.0.0.1:1"}, []string{"api"}, gateNet{addr: apis[0].Ingress(), gate: gate})
	if err != nil {
		t.Fatal(err)
	}
	conn := h2Client(t, web)
	ctx := testCtx(t)
	done := make(chan string, 6)
	for range 6 {
		go func() {
			var hdr metadata.MD
			if err := conn.Invoke(ctx, "/t.T/Unary", wrapperspb.Bytes(nil), &wrapperspb.BytesValue{}, grpc.Header(&hdr)); err != nil {
				done <- err.Error()
				return
			}
			done <- strings.Join(hdr.Get("task"), ",")
		}()
	}
	for i := range 3 {
		select {
		case got := <-done:
			if got != "api-2" {
				t.Fatalf("call %d while api-1's connect waits: %q; want api-2", i, got)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%d calls answered while api-1's connect waits; want the 3 to api-2", i)
		}
	}
	close(gate)
	for i := range 3 {
		if got := <-done; got != "api-1" {
			t.Errorf("call %d after api-1's connect: %q; want api-1", i, got)
		}
	}
	fastOnly(t, web)
}

// TestH2FastUpstreamResetAndHTTP1: over plain HTTP/2, a task that resets
// a stream after its answer's head resets the caller's stream too; an
// HTTP/1.1 caller of the same listener is served by the net/http path.
func TestH2FastUpstreamResetAndHTTP1(t *testing.T) {
	tk := h2cTask(t, func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("partial"))
		w.(http.Flusher).Flush()
		if r.URL.Path == "/abort" {
			panic(http.ErrAbortHandler) // RST_STREAM after the head
		}
	})
	_, web, apis := h2Mesh(t, nil, func(c *Config) {
		c.Upstreams["api"].Protocol, c.Ingress["api"].Protocol = "http2", "http2"
	}, tk)
	addr, _ := web.Egress("api")
	tr := &http.Transport{Protocols: new(http.Protocols)}
	tr.Protocols.SetUnencryptedHTTP2(true)
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Get("http://" + addr + "/abort")
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err == nil || !strings.Contains(err.Error(), "INTERNAL_ERROR") {
		t.Errorf("a stream the task reset: read %q, %v; want its reset, INTERNAL_ERROR", b, err)
	}
	fastOnly(t, web, apis[0])

	before := web.fastRequests.Load()
	resp, err = h1Client().Get("http://" + addr + "/ok")
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(b) != "partial" {
		t.Errorf("HTTP/1.1 caller: %d %q; want 200 partial", resp.StatusCode, b)
	}
	if web.fastRequests.Load() != before {
		t.Error("the HTTP/2 fast path took an HTTP/1.1 call")
	}
}

// TestH2FastRequestAndIdleTimeouts: a call past the request's timeout
// gets the caller's proxy's answer (UNAVAILABLE, "upstream request
// timeout"), counted, and the task's call is cancelled; a connection
// idle past the idle timeout gets GOAWAY and is closed.
func TestH2FastRequestAndIdleTimeouts(t *testing.T) {
	reg := prometheus.NewRegistry()
	tk := startH2Task(t, "api-1")
	_, web, apis := h2Mesh(t, reg, func(c *Config) {
		c.Upstreams["api"].Timeout, c.Upstreams["api"].Idle = 300*time.Millisecond, 300*time.Millisecond
	}, tk)
	conn := h2Client(t, web)
	var out wrapperspb.BytesValue
	err := conn.Invoke(testCtx(t), "/t.T/Block", wrapperspb.Bytes([]byte("x")), &out)
	if st := status.Convert(err); st.Code() != codes.Unavailable || st.Message() != "upstream request timeout" {
		t.Errorf("call past its timeout: %v; want Unavailable \"upstream request timeout\"", err)
	}
	for _, want := range []string{"started", context.Canceled.Error()} {
		select {
		case got := <-tk.seen:
			if got != want {
				t.Fatalf("the task saw %q; want %q", got, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("the task never saw %q", want)
		}
	}
	if n := gathered(t, reg, "netwright_mesh_upstream_rq_timeout_total"); n != 1 {
		t.Errorf("timeouts %v; want 1", n)
	}
	fastOnly(t, web, apis[0])

	addr, _ := web.Egress("api")
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	r := newRawH2(t, c)
	goaway := false
	for {
		f, err := r.fr.ReadFrame()
		if err != nil {
			if !goaway {
				t.Errorf("the idle connection ended (%v) without a GOAWAY", err)
			}
			if errors.Is(err, os.ErrDeadlineExceeded) {
				t.Error("the idle connection was not closed")
			}
			break
		}
		if _, ok := f.(*http2.GoAwayFrame); ok {
			goaway = true
		}
	}
}

// TestH2FastLongHeaders: a header list spread over CONTINUATION frames
// passes both proxies whole; one past the proxy's 1 MiB limit (in its
// last fragment) is answered 431, and the connection serves the next
// call.
func TestH2FastLongHeaders(t *testing.T) {
	tk := startH2Task(t, "api-1")
	_, web, apis := h2Mesh(t, nil, nil, tk)
	conn := h2Client(t, web)
	var out wrapperspb.StringValue
	big := strings.Repeat("x", 100<<10)
	ctx := metadata.AppendToOutgoingContext(testCtx(t), "big", big)
	if err := conn.Invoke(ctx, "/t.T/Header", wrapperspb.Bytes(nil), &out); err != nil || out.Value != fmt.Sprint(len(big)) {
		t.Errorf("a 100 KiB field: %v, the task saw %q bytes; want %d", err, out.Value, len(big))
	}
	fastOnly(t, web, apis[0])

	addr, _ := web.Egress("api")
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	r := newRawH2(t, c)
	// 1030 KiB in all, the last field crossing the limit in the last
	// fragment (x/net's Framer ends the connection, as net/http's server
	// does, when more fragments follow past the limit).
	var fields [][2]string
	for i := range 10 {
		fields = append(fields, [2]string{fmt.Sprintf("big-%d", i), strings.Repeat("y", 100<<10)})
	}
	fields = append(fields, [2]string{"last", strings.Repeat("z", 30<<10)})
	r.request(1, fields, true)
	if st := r.waitStatus(1); st != "431" {
		t.Errorf("a header list past 1 MiB: %q; want 431", st)
	}
	r.request(3, nil, true)
	if st := r.waitStatus(3); st != "200" {
		t.Errorf("next stream: %q; want 200", st)
	}
}

// TestNetHTTPPathGRPCTrailersOnly: on the net/http path (a fault in the
// table), an abort's trailers-only gRPC answer reaches the caller with its
// status every time (the reverse proxy's flush of the head used to race
// the handler's end, now and then leaving the status in a head without
// END_STREAM, which gRPC clients do not read).
func TestNetHTTPPathGRPCTrailersOnly(t *testing.T) {
	tk := startH2Task(t, "api-1")
	m, web, _ := h2Mesh(t, nil, nil, tk)
	if _, err := m.Faults().Add(Fault{Target: "api", Kind: FaultAbort, Value: "503"}); err != nil {
		t.Fatal(err)
	}
	conn := h2Client(t, web)
	ctx := testCtx(t)
	for i := range 100 {
		err := conn.Invoke(ctx, "/t.T/Unary", wrapperspb.Bytes(nil), &wrapperspb.BytesValue{})
		if st := status.Convert(err); st.Code() != codes.Unavailable || st.Message() != "fault filter abort" {
			t.Fatalf("call %d with an abort fault: %v; want Unavailable \"fault filter abort\"", i, err)
		}
	}
	if web.fastRequests.Load() != 0 {
		t.Error("the fast path took calls with a fault in the table")
	}
}

// TestH2FastRoutes: the upstream's routes match on the path without its
// query, the method and the headers, as on the net/http path; a call no
// route matches is answered 404.
func TestH2FastRoutes(t *testing.T) {
	tk := h2cTask(t, func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(r.URL.RequestURI())) })
	_, web, apis := h2Mesh(t, nil, func(c *Config) {
		up := c.Upstreams["api"]
		up.Protocol, c.Ingress["api"].Protocol = "http2", "http2"
		up.Routes = []Route{{Match: design.MeshMatch{PathExact: "/only", Method: http.MethodGet, Headers: []design.KeyValue{{Key: "X-Canary", Value: "1"}}},
			Targets: []Target{{Service: "api", Weight: 1}}}}
	}, tk)
	addr, _ := web.Egress("api")
	tr := &http.Transport{Protocols: new(http.Protocols)}
	tr.Protocols.SetUnencryptedHTTP2(true)
	defer tr.CloseIdleConnections()
	get := func(path, canary string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, "http://"+addr+path, nil)
		if canary != "" {
			req.Header.Set("X-Canary", canary)
		}
		resp, err := tr.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	for _, tc := range []struct {
		path, canary string
		code         int
		body         string
	}{
		{"/only?x=1", "1", http.StatusOK, "/only?x=1"},
		{"/only", "1", http.StatusOK, "/only"},
		{"/only", "", http.StatusNotFound, "no route matched"},
		{"/other", "1", http.StatusNotFound, "no route matched"},
	} {
		if code, body := get(tc.path, tc.canary); code != tc.code || body != tc.body {
			t.Errorf("GET %s (x-canary %q) = %d %q; want %d %q", tc.path, tc.canary, code, body, tc.code, tc.body)
		}
	}
	fastOnly(t, web, apis...)
}

// TestH2FastBurstSharesOneConnection: a burst of calls before any
// connection to the target's proxy exists shares the one the first call
// dials (the others wait for it), multiplexed.
func TestH2FastBurstSharesOneConnection(t *testing.T) {
	tk := startH2Task(t, "api-1")
	_, web, apis := h2Mesh(t, nil, nil, tk)
	conn := h2Client(t, web)
	ctx := testCtx(t)
	atOnce(t, 30, func(int) error {
		return conn.Invoke(ctx, "/t.T/Unary", wrapperspb.Bytes(nil), &wrapperspb.BytesValue{})
	})
	pool := web.egress["api"].pools.h2get(poolKey{apis[0].Ingress(), TLSOff})
	pool.mu.Lock()
	n := len(pool.conns)
	pool.mu.Unlock()
	if n != 1 {
		t.Errorf("web's proxy has %d connections to api-1's; want 1 for the burst", n)
	}
	fastOnly(t, web, apis...)
}

// TestH2FastPermissiveTakesPlaintext: a target's proxy with permissive
// mutual TLS takes a caller's plaintext HTTP/2 (prior knowledge) on the
// fast path too, after telling it from a TLS handshake.
func TestH2FastPermissiveTakesPlaintext(t *testing.T) {
	tk := startH2Task(t, "api-1")
	_, web, apis := h2Mesh(t, nil, func(c *Config) { c.Ingress["api"].TLS = TLSMutualPermissive }, tk)
	var out wrapperspb.BytesValue
	if err := h2Client(t, web).Invoke(testCtx(t), "/t.T/Unary", wrapperspb.Bytes([]byte("x")), &out); err != nil {
		t.Fatal(err)
	}
	fastOnly(t, web, apis...)
}

// atOnce makes n calls at once, call(i) for each, and reports every
// error.
func atOnce(t *testing.T, n int, call func(i int) error) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			if err := call(i); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
