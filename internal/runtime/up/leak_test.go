package up

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"go.uber.org/goleak"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/netwright/netwright/internal/clock/clocktest"
	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/plan/plantest"
)

// TestShutdownEndsEveryGoroutine runs designs whose listeners start
// goroutines of every kind (ALB connections over HTTP/1.1 and HTTP/2, a
// gRPC call, a WebSocket session still open at Shutdown; NLB TCP, TLS
// and a UDP flow still open; a reload that replaces listeners and
// retires tasks while a request is still with one of them), shuts each
// down, and wants no goroutine the runtime started left (waiting up to
// 10 s for the last to finish).
func TestShutdownEndsEveryGoroutine(t *testing.T) {
	for _, tt := range []struct {
		name string
		d    func(t *testing.T) *design.Design
		use  func(t *testing.T, rt *Runtime, clk *clocktest.Clock)
		// isolation is the mode; netns where namespaces can be made.
		isolation string
	}{
		{"shop", func(t *testing.T) *design.Design { return plantest.File(t, "../../../examples/shop.yaml") }, useShop, ""},
		{"arcade", func(t *testing.T) *design.Design { return plantest.Design(t, "arcade.yaml", []byte(arcade)) }, useArcade, ""},
		{"three-tier reloaded", func(t *testing.T) *design.Design { return threeTier(t) }, useReload, ""},
		{"shop in namespaces", func(t *testing.T) *design.Design { return plantest.File(t, "../../../examples/shop.yaml") }, useShop, IsolationAuto},
		{"hybrid behind CloudFront", func(t *testing.T) *design.Design { return plantest.File(t, "../../../examples/hybrid.yaml") }, useEdge, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d := tt.d(t) // planning starts no goroutine that stays
			before := goleak.IgnoreCurrent()
			clk := clocktest.New(t)
			rt, err := Start(context.Background(), d, Options{Ephemeral: true, Clock: clk, Isolation: tt.isolation, FlowLogDir: t.TempDir()})
			if err != nil {
				t.Fatal(err)
			}
			tt.use(t, rt, clk)
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			if err := rt.Shutdown(ctx); err != nil {
				t.Fatalf("shutdown: %v", err)
			}
			var leaks error
			for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
				if leaks = goleak.Find(before); leaks == nil {
					return
				}
			}
			t.Error(leaks)
		})
	}
}

// useEdge sends static and dynamic requests through the CloudFront
// edge, over HTTP/1.1 and HTTP/2, and one over HTTP to be redirected.
func useEdge(t *testing.T, rt *Runtime, _ *clocktest.Clock) {
	cf := entry(t, rt, "cloudfront", "HTTPS")
	h2 := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots(t, rt)}, ForceAttemptHTTP2: true}
	defer h2.CloseIdleConnections()
	c := &http.Client{Timeout: 10 * time.Second, Transport: h2}
	for _, path := range []string{"/assets/a.css", "/assets/a.css", "/orders/1"} {
		if code, _ := edgeGet(t, c, cf.Addr, path); code != http.StatusOK {
			t.Fatalf("GET %s through CloudFront: %d", path, code)
		}
	}
	plain := entry(t, rt, "cloudfront", "HTTP")
	nc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{}, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	defer nc.CloseIdleConnections()
	resp, err := nc.Get("http://" + plain.Addr + "/x")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMovedPermanently {
		t.Errorf("HTTP to CloudFront: %s; want a redirect to HTTPS", resp.Status)
	}
}

// useShop sends HTTP/1.1, HTTP/2 and gRPC through shop's entry, and
// leaves a WebSocket session open.
func useShop(t *testing.T, rt *Runtime, _ *clocktest.Clock) {
	e := entry(t, rt, design.InternetFacing, "HTTPS")
	h1 := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots(t, rt)}}
	h2 := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots(t, rt)}, Protocols: new(http.Protocols)}
	h2.Protocols.SetHTTP2(true)
	defer h1.CloseIdleConnections()
	defer h2.CloseIdleConnections()
	for _, tr := range []*http.Transport{h1, h2} {
		resp, err := (&http.Client{Transport: tr, Timeout: 20 * time.Second}).Get("https://" + e.Addr + "/")
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	conn, err := grpc.NewClient("passthrough:///"+e.Addr, grpc.WithTransportCredentials(credentials.NewTLS(&tls.Config{RootCAs: roots(t, rt)})))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var out wrapperspb.StringValue
	if err := conn.Invoke(ctx, "/shop.mobile.v1.MobileAPI/Feed", &emptypb.Empty{}, &out); err != nil {
		t.Fatal(err)
	}
	ws, _, err := websocket.Dial(ctx, "wss://"+e.Addr+"/live", &websocket.DialOptions{HTTPClient: &http.Client{Transport: h1}, Host: "track.shop.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := ws.Read(ctx); err != nil {
		t.Fatal(err)
	}
	// The session stays open: Shutdown ends it. The client's side is
	// the test's, and goes when the test is done with it.
	t.Cleanup(func() { ws.CloseNow() })
}

// useArcade sends HTTPS through the NLB's TLS listener, TCP and TLS
// through, and a datagram whose UDP flow is still open at Shutdown.
func useArcade(t *testing.T, rt *Runtime, _ *clocktest.Clock) {
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots(t, rt)}}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr, Timeout: 20 * time.Second}).Get("https://" + nlbEntry(t, rt, 443).Addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	for _, dial := range []func() (net.Conn, error){
		func() (net.Conn, error) { return net.Dial("tcp", nlbEntry(t, rt, 1883).Addr) },
		func() (net.Conn, error) {
			return tls.Dial("tcp", nlbEntry(t, rt, 8443).Addr, &tls.Config{RootCAs: roots(t, rt), ServerName: "localhost"})
		},
	} {
		c, err := dial()
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(10 * time.Second))
		if b, err := io.ReadAll(c); err != nil || len(b) == 0 {
			t.Errorf("through the NLB: %q %v", b, err)
		}
		c.Close()
	}
	if _, err := udpAnswer(t, nlbEntry(t, rt, 7777).Addr); err != nil {
		t.Fatal(err)
	}
}

// useReload reloads three-tier so that app's tasks start anew and its
// listeners are replaced, while a request waits at an app task: the old
// task is retiring, and the old listener draining, at Shutdown.
func useReload(t *testing.T, rt *Runtime, clk *clocktest.Clock) {
	for _, id := range []string{"app-1", "app-2", "app-3"} {
		if code := admin(t, rt, http.MethodPut, "/faults/"+id, `{"latency_ms": 60000}`); code != http.StatusNoContent {
			t.Fatalf("PUT faults: %d", code)
		}
	}
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots(t, rt)}}
	defer tr.CloseIdleConnections()
	e := entry(t, rt, design.InternetFacing, "HTTPS")
	done := make(chan struct{})
	go func() {
		defer close(done)
		resp, err := (&http.Client{Transport: tr}).Get("https://" + e.Addr + "/")
		if err == nil {
			var tree Call
			json.NewDecoder(resp.Body).Decode(&tree)
			resp.Body.Close()
		}
	}()
	t.Cleanup(func() { <-done }) // the request ends with the runtime
	clk.BlockUntilDue(time.Minute)
	ch, err := rt.Reload(threeTier(t, "    replicas: 3\n    max_replicas: 20", "    replicas: 4\n    max_replicas: 20"))
	if err != nil {
		t.Fatal(err)
	}
	if len(ch.Stopped) == 0 || len(ch.Replaced) == 0 || !strings.HasPrefix(ch.Stopped[0], "app-") {
		t.Fatalf("the reload: %+v; want app's tasks retired and the listeners replaced", ch)
	}
}
