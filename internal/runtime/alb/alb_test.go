package alb

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/netwright/netwright/internal/clock"
	"github.com/netwright/netwright/internal/clock/clocktest"
	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/plan/plantest"
	"github.com/netwright/netwright/internal/runtime/health"
	"github.com/prometheus/client_golang/prometheus"
)

func targetHealth(path string) design.TargetHealth {
	return design.TargetHealth{Protocol: "HTTP", Path: path, Matcher: "200-299", Interval: design.Duration(time.Second),
		Timeout: design.Duration(time.Second), HealthyThreshold: 2, UnhealthyThreshold: 2}
}

// listener is an internet-facing ALB's HTTPS listener with a rule per
// action kind, in front of four target groups.
func listener(t *testing.T, idle time.Duration) *Listener {
	t.Helper()
	return listenerOn(t, idle, nil)
}

// listenerOn is listener on a clock (the system's when nil).
func listenerOn(t *testing.T, idle time.Duration, clk clock.Clock) *Listener {
	t.Helper()
	lb := &design.LoadBalancer{ID: "alb-test", Name: "alb-test", Type: design.ALB, Scheme: design.InternetFacing, IdleTimeout: design.Duration(idle)}
	l := &design.Listener{ID: "lst-443", Port: 443, Protocol: "HTTPS",
		DefaultAction: design.Action{Type: design.ActionFixed, StatusCode: 404, Body: "no route"},
		Rules: []design.ListenerRule{
			{Priority: 10, Conditions: design.Conditions{Path: "/api/*"}, Action: design.Action{Type: design.ActionForward, Forward: []design.WeightedTarget{{TargetGroup: "tg-rr", Weight: 1}}}},
			{Priority: 20, Conditions: design.Conditions{Path: "/lor/*"}, Action: design.Action{Type: design.ActionForward, Forward: []design.WeightedTarget{{TargetGroup: "tg-lor", Weight: 1}}}},
			{Priority: 30, Conditions: design.Conditions{Headers: []design.KeyValue{{Key: "x-canary", Value: "tr?e"}}}, Action: design.Action{Type: design.ActionForward, Forward: []design.WeightedTarget{{TargetGroup: "tg-a", Weight: 3}, {TargetGroup: "tg-b", Weight: 1}, {TargetGroup: "tg-rr", Weight: 0}}}},
			{Priority: 35, Conditions: design.Conditions{Path: "/sticky/*"}, Action: design.Action{Type: design.ActionForward, Forward: []design.WeightedTarget{{TargetGroup: "tg-sticky", Weight: 1}}}},
			{Priority: 40, Conditions: design.Conditions{Path: "/old"}, Action: design.Action{Type: design.ActionRedirect, RedirectProtocol: "HTTPS", RedirectPort: 443, StatusCode: 301}},
			{Priority: 50, Conditions: design.Conditions{Path: "/grpc/*"}, Action: design.Action{Type: design.ActionForward, Forward: []design.WeightedTarget{{TargetGroup: "tg-grpc", Weight: 1}}}},
		}}
	tgs := []design.TargetGroup{
		{ID: "tg-rr", Port: 8080, Protocol: "HTTP", Algorithm: "round_robin", Health: targetHealth("/health")},
		{ID: "tg-lor", Port: 8080, Protocol: "HTTP", Algorithm: "least_outstanding_requests", Health: targetHealth("/health")},
		{ID: "tg-a", Port: 8080, Protocol: "HTTP", Algorithm: "weighted_random", Health: targetHealth("/health")},
		{ID: "tg-b", Port: 8080, Protocol: "HTTP", Health: targetHealth("/health")},
		{ID: "tg-sticky", Port: 8080, Protocol: "HTTP", Algorithm: "round_robin", Stickiness: "lb_cookie", StickinessDuration: design.Duration(time.Hour),
			DeregistrationDelay: design.Duration(300 * time.Millisecond), Health: targetHealth("/health")},
		{ID: "tg-grpc", Port: 8080, Protocol: "HTTP", ProtocolVersion: "GRPC", Health: targetHealth("/health")},
	}
	var mu sync.Mutex
	rng := rand.New(rand.NewPCG(3, 4))
	x, err := New(lb, l, tgs, Options{TLS: true, Clock: clk, Intn: func(n int) int { mu.Lock(); defer mu.Unlock(); return rng.IntN(n) }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(x.Close)
	return x
}

// backend is a task: it answers its name, and /health with 200 until sick.
type backend struct {
	name string
	sick atomic.Bool
	srv  *httptest.Server
	// hold, when set, makes requests wait until it is closed.
	hold chan struct{}
	seen atomic.Int64
}

func newBackend(t *testing.T, name string) *backend {
	b := &backend{name: name}
	b.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/health" {
			if b.sick.Load() {
				w.WriteHeader(http.StatusInternalServerError)
			}
			return
		}
		b.seen.Add(1)
		if b.hold != nil {
			<-b.hold
		}
		w.Header().Set("X-Target", b.name)
		for _, h := range []string{"X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Port", "X-Amzn-Trace-Id"} {
			w.Header().Set("Echo-"+h, r.Header.Get(h))
		}
	}))
	t.Cleanup(b.srv.Close)
	return b
}

func register(t *testing.T, x *Listener, tg string, bs ...*backend) {
	t.Helper()
	for _, b := range bs {
		if err := x.Register(tg, b.name, b.srv.Listener.Addr().String()); err != nil {
			t.Fatal(err)
		}
	}
}

func get(t *testing.T, h http.Handler, path string, header ...string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "https://shop.example.com"+path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w.Result()
}

func TestRoundRobinHealthAndFailOpen(t *testing.T) {
	x := listener(t, 5*time.Second)
	a, b, c := newBackend(t, "a"), newBackend(t, "b"), newBackend(t, "c")
	register(t, x, "tg-rr", a, b, c)
	x.CheckHealth(context.Background())
	counts := map[string]int{}
	for range 6 {
		counts[get(t, x, "/api/x").Header.Get("X-Target")]++
	}
	if counts["a"] != 2 || counts["b"] != 2 || counts["c"] != 2 {
		t.Errorf("round robin over three healthy targets: %v; want 2 each", counts)
	}
	c.sick.Store(true)
	x.CheckHealth(context.Background())
	if x.Health("tg-rr")["c"] != health.Healthy {
		t.Error("one failed check of a threshold of 2 took c out")
	}
	x.CheckHealth(context.Background())
	if x.Health("tg-rr")["c"] != health.Unhealthy {
		t.Fatalf("two failed checks left c %s", x.Health("tg-rr")["c"])
	}
	for range 6 {
		if got := get(t, x, "/api/x").Header.Get("X-Target"); got == "c" {
			t.Fatal("an unhealthy target got a request")
		}
	}
	a.sick.Store(true)
	b.sick.Store(true)
	x.CheckHealth(context.Background())
	x.CheckHealth(context.Background())
	counts = map[string]int{}
	for range 6 {
		counts[get(t, x, "/api/x").Header.Get("X-Target")]++
	}
	if counts["a"] != 2 || counts["b"] != 2 || counts["c"] != 2 {
		t.Errorf("with every target unhealthy ALB fails open to all: %v; want 2 each", counts)
	}
}

func TestLeastOutstandingPrefersTheIdleTarget(t *testing.T) {
	x := listener(t, 5*time.Second)
	a, b := newBackend(t, "a"), newBackend(t, "b")
	a.hold, b.hold = make(chan struct{}), make(chan struct{})
	register(t, x, "tg-lor", a, b)
	x.CheckHealth(context.Background())
	x.CheckHealth(context.Background())
	done := make(chan struct{})
	go func() { get(t, x, "/lor/slow"); close(done) }()
	waitFor(t, "a request at a target", func() bool { return a.seen.Load()+b.seen.Load() > 0 })
	busy, idle := a, b
	if b.seen.Load() == 1 {
		busy, idle = b, a
	}
	close(idle.hold)
	for range 5 {
		if got := get(t, x, "/lor/fast").Header.Get("X-Target"); got != idle.name {
			t.Errorf("request went to %s, which has one in flight; want the idle %s", got, idle.name)
		}
	}
	close(busy.hold)
	<-done
}

func TestWeightedForward(t *testing.T) {
	x := listener(t, 5*time.Second)
	a, b, rr := newBackend(t, "a"), newBackend(t, "b"), newBackend(t, "rr")
	register(t, x, "tg-a", a)
	register(t, x, "tg-b", b)
	register(t, x, "tg-rr", rr)
	counts := map[string]int{}
	for range 800 {
		counts[get(t, x, "/", "X-Canary", "true").Header.Get("X-Target")]++
	}
	if counts["rr"] != 0 || counts["a"] < 520 || counts["a"] > 680 || counts["a"]+counts["b"] != 800 {
		t.Errorf("weights 3:1:0 over 800 requests: %v; want about 600:200:0", counts)
	}
}

func TestActionsAndStatusCodes(t *testing.T) {
	x := listener(t, 300*time.Millisecond)
	if r := get(t, x, "/nothing"); r.StatusCode != 404 || body(r) != "no route" {
		t.Errorf("default fixed response: %d %q", r.StatusCode, body(r))
	}
	if r := get(t, x, "/old?x=1"); r.StatusCode != 301 || r.Header.Get("Location") != "https://shop.example.com/old?x=1" {
		t.Errorf("redirect: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
	if r := get(t, x, "/api/x"); r.StatusCode != 503 || r.Header.Get("Server") != "awselb/2.0" {
		t.Errorf("no targets: %d from %q; want 503 from awselb/2.0", r.StatusCode, r.Header.Get("Server"))
	}
	slow := newBackend(t, "slow")
	slow.hold = make(chan struct{})
	defer close(slow.hold)
	register(t, x, "tg-rr", slow)
	if r := get(t, x, "/api/x"); r.StatusCode != 504 {
		t.Errorf("a target silent past the idle timeout: %d; want 504", r.StatusCode)
	}
	x.Deregister("tg-rr", "slow")
	gone := newBackend(t, "gone")
	register(t, x, "tg-rr", gone)
	gone.srv.Close()
	if r := get(t, x, "/api/x"); r.StatusCode != 502 {
		t.Errorf("a target that refuses connections: %d; want 502", r.StatusCode)
	}
	if err := x.Register("tg-nope", "x", "127.0.0.1:1"); err == nil {
		t.Error("registered into a target group the listener does not use")
	}
	// 463: 30 addresses in X-Forwarded-For already; 29 pass.
	ips := make([]string, 30)
	for i := range ips {
		ips[i] = fmt.Sprintf("192.0.2.%d", i+1)
	}
	if r := get(t, x, "/nothing", "X-Forwarded-For", strings.Join(ips, ", ")); r.StatusCode != 463 {
		t.Errorf("30 X-Forwarded-For addresses: %d; want 463", r.StatusCode)
	}
	if r := get(t, x, "/nothing", "X-Forwarded-For", strings.Join(ips[1:], ",")); r.StatusCode != 404 {
		t.Errorf("29 X-Forwarded-For addresses: %d; want the default action's 404", r.StatusCode)
	}
	// 464: HTTP/1.1 to a GRPC target group; gRPC to an HTTP1 group.
	register(t, x, "tg-grpc", newBackend(t, "grpc"))
	if r := get(t, x, "/grpc/x"); r.StatusCode != 464 {
		t.Errorf("HTTP/1.1 to a GRPC target group: %d; want 464", r.StatusCode)
	}
	req := httptest.NewRequest(http.MethodPost, "https://shop.example.com/lor/pkg.Svc/Call", nil)
	req.ProtoMajor, req.ProtoMinor, req.Proto = 2, 0, "HTTP/2.0"
	req.Header.Set("Content-Type", "application/grpc")
	w := httptest.NewRecorder()
	x.ServeHTTP(w, req)
	if w.Code != 464 {
		t.Errorf("gRPC to an HTTP1 target group: %d; want 464", w.Code)
	}
}

func TestForwardedHeaders(t *testing.T) {
	x := listener(t, 5*time.Second)
	register(t, x, "tg-rr", newBackend(t, "a"))
	r := get(t, x, "/api/x", "X-Forwarded-For", "203.0.113.7")
	if got := r.Header.Get("Echo-X-Forwarded-For"); got != "203.0.113.7, 192.0.2.1" {
		t.Errorf("X-Forwarded-For %q; want the client appended to what came in", got)
	}
	if p, port := r.Header.Get("Echo-X-Forwarded-Proto"), r.Header.Get("Echo-X-Forwarded-Port"); p != "https" || port != "443" {
		t.Errorf("X-Forwarded-Proto %q, -Port %q; want https, 443", p, port)
	}
	if got := r.Header.Get("Echo-X-Amzn-Trace-Id"); !regexp.MustCompile(`^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$`).MatchString(got) {
		t.Errorf("X-Amzn-Trace-Id %q; want Root=1-<8 hex>-<24 hex>", got)
	}
	in := "Root=1-5759e988-bd862e3fe1be46a994272793"
	if got := get(t, x, "/api/x", "X-Amzn-Trace-Id", in).Header.Get("Echo-X-Amzn-Trace-Id"); !strings.HasPrefix(got, "Self=1-") || !strings.HasSuffix(got, ";"+in) {
		t.Errorf("X-Amzn-Trace-Id %q; want this hop as Self before the client's %q", got, in)
	}
}

func body(r *http.Response) string {
	b, _ := io.ReadAll(r.Body)
	return string(b)
}

func TestNewRejectsWhatItCannotServe(t *testing.T) {
	nlb := &design.LoadBalancer{ID: "nlb", Type: design.NLB}
	if _, err := New(nlb, &design.Listener{}, nil, Options{}); err == nil {
		t.Error("served an NLB as an ALB")
	}
	alb := &design.LoadBalancer{ID: "alb", Type: design.ALB}
	l := &design.Listener{ID: "l", DefaultAction: design.Action{Type: design.ActionForward, Forward: []design.WeightedTarget{{TargetGroup: "missing", Weight: 1}}}}
	if _, err := New(alb, l, nil, Options{}); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("a forward to a group the design lacks: %v", err)
	}
	l.DefaultAction.Forward = nil
	if _, err := New(alb, l, nil, Options{}); err == nil {
		t.Error("accepted a forward action without target groups")
	}
}

// TestServesEveryDesignedListener builds a Listener for every HTTP and
// HTTPS listener of every example's ALBs, and sends a request through the
// public entry of each: whatever rule matches, the answer is ALB's (a
// forward without targets is 503, a redirect 301, a fixed response its
// code), never a panic or a 500.
func TestServesEveryDesignedListener(t *testing.T) {
	for name, d := range plantest.Examples(t, "../../../examples") {
		for i := range d.LoadBalancers {
			lb := &d.LoadBalancers[i]
			if lb.Type != design.ALB {
				continue
			}
			for j := range lb.Listeners {
				l := &lb.Listeners[j]
				x, err := New(lb, l, d.TargetGroups, Options{TLS: l.Protocol == "HTTPS"})
				if err != nil {
					t.Errorf("%s %s: %v", name, l.ID, err)
					continue
				}
				if r := get(t, x, "/"); r.StatusCode == http.StatusInternalServerError {
					t.Errorf("%s %s: GET / answered 500", name, l.ID)
				}
				x.Close()
			}
		}
	}
}

func TestLBCookieStickiness(t *testing.T) {
	x := listener(t, 5*time.Second)
	a, b := newBackend(t, "a"), newBackend(t, "b")
	register(t, x, "tg-sticky", a, b)
	x.CheckHealth(context.Background())
	x.CheckHealth(context.Background())
	first := get(t, x, "/sticky/x")
	var cookie *http.Cookie
	for _, c := range first.Cookies() {
		if c.Name == "AWSALB" {
			cookie = c
		}
	}
	if cookie == nil || cookie.Expires.IsZero() {
		t.Fatalf("no AWSALB cookie with an expiry: %v", first.Header["Set-Cookie"])
	}
	pinned := first.Header.Get("X-Target")
	for range 6 {
		if got := get(t, x, "/sticky/x", "Cookie", "AWSALB="+cookie.Value).Header.Get("X-Target"); got != pinned {
			t.Fatalf("with the cookie the request went to %s; want %s every time", got, pinned)
		}
	}
	// Without the cookie round robin goes on.
	if got := get(t, x, "/sticky/x").Header.Get("X-Target"); got == pinned {
		t.Errorf("a request without the cookie went to %s again; round robin would pick the other", got)
	}
	// A pinned target that turns unhealthy loses its clients, who get a new cookie.
	sick := a
	if pinned == "b" {
		sick = b
	}
	sick.sick.Store(true)
	x.CheckHealth(context.Background())
	x.CheckHealth(context.Background())
	r := get(t, x, "/sticky/x", "Cookie", "AWSALB="+cookie.Value)
	if r.Header.Get("X-Target") == pinned || !strings.Contains(strings.Join(r.Header["Set-Cookie"], ";"), "AWSALB=") {
		t.Errorf("after %s turned unhealthy: went to %s, cookies %v", pinned, r.Header.Get("X-Target"), r.Header["Set-Cookie"])
	}
	// A cookie that does not decode, or names another group, is ignored.
	if r := get(t, x, "/sticky/x", "Cookie", "AWSALB=%%%"); r.StatusCode != http.StatusOK {
		t.Errorf("a garbled cookie: %d", r.StatusCode)
	}
}

func TestDeregistrationDrains(t *testing.T) {
	x := listener(t, 5*time.Second)
	a, b := newBackend(t, "a"), newBackend(t, "b")
	a.hold = make(chan struct{})
	register(t, x, "tg-sticky", a, b)
	done := make(chan int)
	go func() { done <- get(t, x, "/sticky/slow").StatusCode }() // round robin: a first
	waitFor(t, "a request at a", func() bool { return a.seen.Load() > 0 })
	x.Deregister("tg-sticky", "a")
	if got := x.Health("tg-sticky")["a"]; got != health.Draining {
		t.Fatalf("a with a request in flight is %q after deregistration; want draining", got)
	}
	for range 4 {
		if got := get(t, x, "/sticky/new").Header.Get("X-Target"); got != "b" {
			t.Fatalf("a draining target got a new request (%s)", got)
		}
	}
	close(a.hold)
	if code := <-done; code != http.StatusOK {
		t.Errorf("the request in flight when a was deregistered ended %d; want 200", code)
	}
	if _, still := x.Health("tg-sticky")["a"]; still {
		t.Error("a stayed registered after its last request finished")
	}
	// An idle target goes at once.
	x.Deregister("tg-sticky", "b")
	if _, still := x.Health("tg-sticky")["b"]; still {
		t.Error("an idle target was not removed at once")
	}
}

func TestDrainingEndsAtTheDelay(t *testing.T) {
	clk := clocktest.New(t)
	x := listenerOn(t, 5*time.Second, clk)
	a := newBackend(t, "a")
	a.hold = make(chan struct{})
	defer close(a.hold)
	register(t, x, "tg-sticky", a)
	go get(t, x, "/sticky/stuck")
	waitFor(t, "a request at a", func() bool { return a.seen.Load() > 0 })
	x.Deregister("tg-sticky", "a")
	clk.AdvanceAndWait(300*time.Millisecond - time.Nanosecond)
	if got := x.Health("tg-sticky")["a"]; got != health.Draining {
		t.Fatalf("a draining target with a request in flight, before its 300 ms delay: %q; want draining", got)
	}
	clk.AdvanceAndWait(time.Nanosecond)
	if _, still := x.Health("tg-sticky")["a"]; still {
		t.Fatal("a draining target with a stuck request stayed past its 300 ms delay")
	}
}

// TestSlowStart: a target that turns healthy beside healthy ones gets a
// share that grows linearly over the slow-start duration, under round
// robin and weighted random; targets healthy from the start do not warm.
func TestSlowStart(t *testing.T) {
	for _, algo := range []string{"round_robin", "weighted_random"} {
		t.Run(algo, func(t *testing.T) {
			lb := &design.LoadBalancer{ID: "alb-slow", Name: "alb-slow", Type: design.ALB}
			l := &design.Listener{ID: "lst", Port: 80, Protocol: "HTTP",
				DefaultAction: design.Action{Type: design.ActionForward, Forward: []design.WeightedTarget{{TargetGroup: "tg", Weight: 1}}}}
			tgs := []design.TargetGroup{{ID: "tg", Port: 8080, Protocol: "HTTP", Algorithm: algo, SlowStart: design.Duration(100 * time.Second), Health: targetHealth("/health")}}
			rng := rand.New(rand.NewPCG(1, 2))
			x, err := New(lb, l, tgs, Options{Intn: rng.IntN})
			if err != nil {
				t.Fatal(err)
			}
			defer x.Close()
			t0 := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
			clock := t0
			x.now = func() time.Time { return clock }
			register(t, x, "tg", newBackend(t, "a"), newBackend(t, "b"))
			x.CheckHealth(context.Background())
			x.CheckHealth(context.Background())
			register(t, x, "tg", newBackend(t, "c"))
			x.CheckHealth(context.Background())
			x.CheckHealth(context.Background())
			if h := x.Health("tg"); h["a"] != health.Healthy || h["c"] != health.Healthy {
				t.Fatalf("health %v", h)
			}
			g := x.groups["tg"]
			share := func(n int) map[string]int {
				got := map[string]int{}
				for range n {
					got[g.pick(rng.IntN, clock).id]++
				}
				return got
			}
			if got := share(300); got["c"] != 0 || got["a"] == 0 || got["b"] == 0 {
				t.Errorf("as it enters slow start c got %v; want none", got)
			}
			clock = t0.Add(25 * time.Second)
			if got := share(8000); ratio(got["c"], got["a"]) < 0.18 || ratio(got["c"], got["a"]) > 0.32 {
				t.Errorf("a quarter into slow start: %v; want c about a quarter of a's share", got)
			}
			clock = t0.Add(100 * time.Second)
			if got := share(8000); ratio(got["c"], got["a"]) < 0.9 || ratio(got["c"], got["a"]) > 1.1 {
				t.Errorf("after slow start: %v; want c's share equal to a's", got)
			}
		})
	}
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// TestPickAllocatesNothing guards the picker, which runs on every
// forwarded request, for every algorithm and in slow start.
func TestPickAllocatesNothing(t *testing.T) {
	now := time.Now()
	for _, algo := range []string{"round_robin", "least_outstanding_requests", "weighted_random"} {
		g := &group{tg: &design.TargetGroup{Algorithm: algo}, slow: time.Minute}
		for i := range 8 {
			g.targets = append(g.targets, &target{id: fmt.Sprint(i), state: health.Healthy})
		}
		g.targets[3].warming = now.Add(-30 * time.Second)
		rng := rand.New(rand.NewPCG(1, 2))
		g.pick(rng.IntN, now) // sizes the scratch space
		if allocs := testing.AllocsPerRun(1000, func() { g.pick(rng.IntN, now) }); allocs != 0 {
			t.Errorf("%s: pick allocates %v times", algo, allocs)
		}
	}
}

func BenchmarkPick(b *testing.B) {
	g := &group{tg: &design.TargetGroup{Algorithm: "round_robin"}}
	for i := range 16 {
		g.targets = append(g.targets, &target{id: fmt.Sprint(i), state: health.Healthy})
	}
	rng := rand.New(rand.NewPCG(1, 2))
	now := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		g.pick(rng.IntN, now)
	}
}

// TestHeaderLimits: past 16 KB of request line or of one header, or 64 KB
// of header, ALB answers 400 itself; just under, the request is routed.
func TestHeaderLimits(t *testing.T) {
	x := listener(t, time.Second)
	long := func(n int) string { return strings.Repeat("a", n) }
	if r := get(t, x, "/nothing", "X-Big", long(16<<10-20)); r.StatusCode != 404 {
		t.Errorf("a header just under 16 KB: %d; want the default action's 404", r.StatusCode)
	}
	if r := get(t, x, "/nothing", "X-Big", long(16<<10)); r.StatusCode != 400 {
		t.Errorf("a header over 16 KB: %d; want 400", r.StatusCode)
	}
	hs := []string{}
	for i := range 5 {
		hs = append(hs, fmt.Sprintf("X-Part-%d", i), long(15<<10))
	}
	if r := get(t, x, "/nothing", hs...); r.StatusCode != 400 {
		t.Errorf("75 KB of headers: %d; want 400", r.StatusCode)
	}
	if r := get(t, x, "/"+long(16<<10)); r.StatusCode != 400 {
		t.Errorf("a request line over 16 KB: %d; want 400", r.StatusCode)
	}
}

// TestDropInvalidHeaderFields: with the setting on, a header whose name
// has other than letters, digits and hyphens does not reach the target.
func TestDropInvalidHeaderFields(t *testing.T) {
	for _, drop := range []bool{false, true} {
		x := listener(t, time.Second)
		x.lb.DropInvalidHeaders = drop
		var got http.Header
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = r.Header.Clone() }))
		defer srv.Close()
		if err := x.Register("tg-rr", "h", srv.Listener.Addr().String()); err != nil {
			t.Fatal(err)
		}
		get(t, x, "/api/x", "X_User", "alice", "X-Ok", "1").Body.Close()
		if _, kept := got["X_user"]; kept == drop || got.Get("X-Ok") != "1" {
			t.Errorf("drop_invalid_header_fields %v: the target got %v", drop, got)
		}
	}
}

// benchListener is an HTTP listener that forwards everything to one
// target, a backend answering "ok", with metrics on.
func benchListener(b *testing.B, opt Options) *Listener {
	b.Helper()
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) }))
	b.Cleanup(backend.Close)
	lb := &design.LoadBalancer{ID: "alb-bench", Name: "alb-bench", Type: design.ALB}
	l := &design.Listener{ID: "lst", Port: 80, Protocol: "HTTP",
		DefaultAction: design.Action{Type: design.ActionForward, Forward: []design.WeightedTarget{{TargetGroup: "tg", Weight: 1}}}}
	tgs := []design.TargetGroup{{ID: "tg", Port: 8080, Protocol: "HTTP", Algorithm: "least_outstanding_requests", Health: targetHealth("/health")}}
	m, err := NewMetrics(prometheus.NewRegistry())
	if err != nil {
		b.Fatal(err)
	}
	opt.Metrics = m
	x, err := New(lb, l, tgs, opt)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(x.Close)
	if err := x.Register("tg", "a", backend.Listener.Addr().String()); err != nil {
		b.Fatal(err)
	}
	return x
}

// BenchmarkForward measures one forwarded request through the listener,
// with metrics and the access log on, to a real backend over loopback.
func BenchmarkForward(b *testing.B) {
	x := benchListener(b, Options{AccessLog: NewAccessLog(io.Discard)})
	req := httptest.NewRequest(http.MethodGet, "http://bench.local/api/orders?id=1", nil)
	req.RemoteAddr = "127.0.0.1:40000"
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		x.ServeHTTP(w, req)
		if w.Code != 200 {
			b.Fatal(w.Code)
		}
	}
}

// TestQueryStringRule: a query-string condition routes (the listener
// parses the query only when a rule needs it).
func TestQueryStringRule(t *testing.T) {
	lb := &design.LoadBalancer{ID: "alb-q", Name: "alb-q", Type: design.ALB}
	l := &design.Listener{ID: "lst", Port: 80, Protocol: "HTTP",
		DefaultAction: design.Action{Type: design.ActionFixed, StatusCode: 404, Body: "default"},
		Rules: []design.ListenerRule{{Priority: 1, Conditions: design.Conditions{Query: []design.KeyValue{{Key: "version", Value: "2"}}},
			Action: design.Action{Type: design.ActionFixed, StatusCode: 200, Body: "v2"}}}}
	x, err := New(lb, l, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r := get(t, x, "/a?version=2"); body(r) != "v2" {
		t.Errorf("?version=2 got %q; want the query rule's answer", body(r))
	}
	if r := get(t, x, "/a?version=3"); body(r) != "default" {
		t.Errorf("?version=3 got %q; want the default", body(r))
	}
}

// waitFor polls cond, for at most a minute, until it holds: an event on
// a socket or a goroutine, not a time.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("waited a minute for %s", what)
		}
	}
}
