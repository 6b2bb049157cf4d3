package up

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/miekg/dns"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/plan/plantest"
)

func roots(t *testing.T, rt *Runtime) *x509.CertPool {
	t.Helper()
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(rt.CAPEM) {
		t.Fatal("CAPEM holds no certificate")
	}
	return pool
}

// TestHTTP2ClientThroughTheEntry: Go's HTTP/2 client negotiates h2 with
// the HTTPS listener (ALPN) and gets the storefront's call tree, in which
// catalog was called over cleartext HTTP/2 and cart and orders over gRPC.
func TestHTTP2ClientThroughTheEntry(t *testing.T) {
	d, rt := start(t, "shop")
	e := entry(t, rt, design.InternetFacing, "HTTPS")
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots(t, rt)}, Protocols: new(http.Protocols)}
	tr.Protocols.SetHTTP2(true)
	resp, err := (&http.Client{Transport: tr, Timeout: 20 * time.Second}).Get("https://" + e.Addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.ProtoMajor != 2 || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET / over h2: %s %s; want HTTP/2 200", resp.Proto, resp.Status)
	}
	var tree Call
	if err := json.NewDecoder(resp.Body).Decode(&tree); err != nil {
		t.Fatal(err)
	}
	if tree.Service != "storefront" {
		t.Errorf("the default rule reached %s; want storefront", tree.Service)
	}
	checkTree(t, d, tree, map[string]bool{})
}

func grpcConn(t *testing.T, rt *Runtime, addr string) *grpc.ClientConn {
	t.Helper()
	conn, err := grpc.NewClient("passthrough:///"+addr, grpc.WithTransportCredentials(credentials.NewTLS(&tls.Config{RootCAs: roots(t, rt)})))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// TestGRPCClientThroughTheEntry: a gRPC client calls through the HTTPS
// listener; the path rule sends /shop.mobile.v1.MobileAPI/* to mobile-api's GRPC
// target group, end to end over HTTP/2 with the status in the trailers.
// A gRPC call that falls to the default rule (storefront, HTTP1) gets
// ALB's 464.
func TestGRPCClientThroughTheEntry(t *testing.T) {
	d, rt := start(t, "shop")
	conn := grpcConn(t, rt, entry(t, rt, design.InternetFacing, "HTTPS").Addr)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var out wrapperspb.StringValue
	if err := conn.Invoke(ctx, "/shop.mobile.v1.MobileAPI/Call", &emptypb.Empty{}, &out); err != nil {
		t.Fatal(err)
	}
	var tree Call
	if err := json.Unmarshal([]byte(out.Value), &tree); err != nil {
		t.Fatal(err)
	}
	if tree.Service != "mobile-api" {
		t.Errorf("/shop.mobile.v1.MobileAPI/Call reached %s; want mobile-api", tree.Service)
	}
	checkTree(t, d, tree, map[string]bool{})

	err := conn.Invoke(ctx, CallMethod, &emptypb.Empty{}, &out)
	if err == nil || !strings.Contains(err.Error(), "464") {
		t.Errorf("gRPC to the HTTP1 storefront group: %v; want ALB's 464", err)
	}
}

// TestWebSocketThroughTheEntry: a WebSocket client upgrades through the
// HTTPS listener to tracking (host rule), gets the call tree as the first
// message, and its messages are echoed over the same connection.
func TestWebSocketThroughTheEntry(t *testing.T) {
	d, rt := start(t, "shop")
	e := entry(t, rt, design.InternetFacing, "HTTPS")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots(t, rt)}}
	ws, resp, err := websocket.Dial(ctx, "wss://"+e.Addr+"/live", &websocket.DialOptions{
		HTTPClient: &http.Client{Transport: tr},
		Host:       "track.shop.example.com",
	})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.CloseNow()
	if resp.StatusCode != http.StatusSwitchingProtocols {
		t.Errorf("upgrade: %s", resp.Status)
	}
	_, msg, err := ws.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var tree Call
	if err := json.Unmarshal(msg, &tree); err != nil {
		t.Fatal(err)
	}
	if tree.Service != "tracking" {
		t.Errorf("track.shop.example.com reached %s; want tracking", tree.Service)
	}
	checkTree(t, d, tree, map[string]bool{})
	for _, m := range []string{"order 1 shipped", "order 2 delivered"} {
		if err := ws.Write(ctx, websocket.MessageText, []byte(m)); err != nil {
			t.Fatal(err)
		}
		if _, got, err := ws.Read(ctx); err != nil || string(got) != m {
			t.Errorf("echo of %q: %q %v", m, got, err)
		}
	}
	ws.Close(websocket.StatusNormalClosure, "")
}

// TestUDPService: a service calls a UDP dependency found through Cloud
// Map's SRV record; the UDP task answers the datagram.
func TestUDPService(t *testing.T) {
	d := plantest.Design(t, "udp.yaml", []byte(`version: 1
app: metrics
regions: [eu-west-1]
services:
  api:
    port: 8080
    public: true
    depends_on: [collector]
  collector:
    port: 8125
    protocol: udp
    replicas: 2
tls:
  domain: metrics.example.com
discovery:
  namespace: metrics.local
`))
	rt := startDesign(t, d, Options{Ephemeral: true})
	e := entry(t, rt, design.InternetFacing, "HTTPS")
	resp, err := client(t, rt).Get("https://" + e.Addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tree Call
	if err := json.NewDecoder(resp.Body).Decode(&tree); err != nil {
		t.Fatal(err)
	}
	checkTree(t, d, tree, map[string]bool{})
	if len(tree.Calls) != 1 || !strings.HasPrefix(tree.Calls[0].Task, "collector-") {
		t.Errorf("api's calls: %+v; want collector's UDP task to answer", tree.Calls)
	}
}

// TestAccessLogFiles: each load balancer writes its own file, a line per
// request, complete when the runtime stops.
func TestAccessLogFiles(t *testing.T) {
	d := plantest.File(t, "../../../examples/three-tier.yaml")
	dir := t.TempDir()
	rt, err := Start(context.Background(), d, Options{Ephemeral: true, AccessLogDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	e := entry(t, rt, design.InternetFacing, "HTTPS")
	resp, err := client(t, rt).Get("https://" + e.Addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := rt.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, lb := range d.LoadBalancers {
		b, err := os.ReadFile(filepath.Join(dir, lb.Name+".log"))
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(string(b)), "\n")
		// The public entry forwarded to web, which called app through
		// the internal load balancer: one request at each.
		if len(lines) != 1 {
			t.Fatalf("%s logged %d lines: %q", lb.Name, len(lines), b)
		}
		want := "https "
		if lb.Scheme == design.Internal {
			want = "http "
		}
		if !strings.HasPrefix(lines[0], want) || !strings.Contains(lines[0], " 200 200 ") {
			t.Errorf("%s logged %q; want a %sline with 200 from the load balancer and the target", lb.Name, lines[0], want)
		}
	}
}

// TestCloudMapHearsOfHealthLate: a task failing its checks leaves its
// target group at the designed detection time, and Cloud Map's answers
// only after ECS's lag (30 s past ECS's own decision), stepped on the
// runtime's clock. ECS replaces the task at once, but a request in flight
// to it keeps it draining (and registered) past that lag, so it is the
// health Cloud Map hears that takes it out of the answers.
func TestCloudMapHearsOfHealthLate(t *testing.T) {
	d := plantest.Design(t, "lag.yaml", []byte(`version: 1
app: lag
regions: [eu-west-1]
services:
  api:
    port: 8080
    public: true
    replicas: 2
    health: {path: /health, interval: 5s, timeout: 2s, healthy_threshold: 2, unhealthy_threshold: 2}
tls:
  domain: lag.example.com
discovery:
  namespace: lag.local
`))
	rt, clk := startOnClock(t, d, Options{})
	// The tasks in Cloud Map's SRV answer (api-1 stays registered while
	// it drains after ECS replaces it; it leaves the answers when Cloud
	// Map hears it is unhealthy).
	answers := func() map[string]bool {
		m := new(dns.Msg)
		m.SetQuestion("api.lag.local.", dns.TypeSRV)
		in, _, err := (&dns.Client{Timeout: 5 * time.Second}).Exchange(m, rt.DNSAddr)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]bool{}
		for _, rr := range in.Answer {
			task, _, _ := strings.Cut(rr.(*dns.SRV).Target, ".")
			out[task] = true
		}
		return out
	}
	tg := d.TargetGroups[0]
	eventually(t, "api's tasks healthy", func() bool {
		return targetState(rt, tg.ID, "api-1") == "healthy" && targetState(rt, tg.ID, "api-2") == "healthy"
	})
	// A slow request in flight at api-1 (round robin gives one of two to
	// each), slower than detection and ECS's lag together; then api-1
	// fails its checks.
	const latency = "120000"
	if code := admin(t, rt, http.MethodPut, "/faults/api-1", `{"latency_ms": `+latency+`}`); code != http.StatusNoContent {
		t.Fatalf("PUT faults: %d", code)
	}
	e := entry(t, rt, design.InternetFacing, "HTTPS")
	c := client(t, rt)
	for range 2 {
		go func() {
			if resp, err := c.Get("https://" + e.Addr + "/"); err == nil {
				resp.Body.Close()
			}
		}()
	}
	inFlight := func() int64 {
		for _, x := range rt.albListeners() {
			for _, ts := range x.Targets(tg.ID) {
				if ts.ID == "api-1" {
					return ts.InFlight
				}
			}
		}
		return 0
	}
	eventually(t, "a request in flight at api-1", func() bool { return inFlight() > 0 })
	clk.BlockUntilDue(120 * time.Second) // api-1 holds it
	if code := admin(t, rt, http.MethodPut, "/faults/api-1", `{"fail_health": true, "latency_ms": `+latency+`}`); code != http.StatusNoContent {
		t.Fatalf("PUT faults: %d", code)
	}
	// Out of service: unhealthy, or already deregistered by ECS's
	// replacement (the same checks at the same pace decide both).
	unhealthy := func() bool {
		s := targetState(rt, tg.ID, "api-1")
		return s == "unhealthy" || s == "draining" || s == ""
	}
	h := d.Service("api").Health
	interval := time.Duration(tg.Health.Interval)
	detection := time.Duration(tg.Health.UnhealthyThreshold) * interval
	for passed := interval; passed <= detection; passed += interval {
		clk.AdvanceAndWait(interval)
		if got := unhealthy(); got != (passed >= detection) {
			t.Fatalf("api-1 out of service %v after failing: %v; the group's %d checks every %v take it out at %v", passed, got, tg.Health.UnhealthyThreshold, interval, detection)
		}
	}
	// ECS decided with the same checks; Cloud Map hears of it its lag
	// later, not sooner.
	if ecs := time.Duration(h.UnhealthyThreshold) * time.Duration(h.Interval); ecs != detection {
		t.Fatalf("api's container checks decide after %v, its target group's after %v; this test wants them together", ecs, detection)
	}
	eventually(t, "ECS's replacement of api-1 in Cloud Map's answers", func() bool { return answers()["api-1-r2"] })
	clk.AdvanceAndWait(ecsHealthLag - time.Nanosecond)
	if !answers()["api-1"] {
		t.Errorf("api-1 left Cloud Map's answers before ECS's %v lag passed", ecsHealthLag)
	}
	clk.AdvanceAndWait(time.Nanosecond)
	if answers()["api-1"] {
		t.Errorf("api-1 is in Cloud Map's answers %v after ECS found it unhealthy; ECS's lag is %v", ecsHealthLag, ecsHealthLag)
	}
}
