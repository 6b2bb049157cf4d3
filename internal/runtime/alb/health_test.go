package alb

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/netwright/netwright/internal/design"
)

// countingTarget answers every request 200 and counts the health checks.
func countingTarget(t *testing.T) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var checks atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/health" {
			checks.Add(1)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &checks
}

// TestHealthChecksAtEachGroupsInterval: two target groups behind one
// listener, checked every 5 s and every 30 s (100 times faster here):
// each is checked at its own interval, not the listener's shortest. A
// ticker never fires more often than its interval, so the slow group's
// count is bounded by the time the checks ran, however loaded the
// machine.
func TestHealthChecksAtEachGroupsInterval(t *testing.T) {
	const scale = 0.01
	h := func(interval time.Duration) design.TargetHealth {
		return design.TargetHealth{Protocol: "HTTP", Path: "/health", Interval: design.Duration(interval), Timeout: design.Duration(2 * time.Second),
			HealthyThreshold: 5, UnhealthyThreshold: 2}
	}
	lb := &design.LoadBalancer{ID: "alb-h", Name: "alb-h", Type: design.ALB}
	l := &design.Listener{ID: "lst", Port: 80, Protocol: "HTTP",
		DefaultAction: design.Action{Type: design.ActionForward, Forward: []design.WeightedTarget{{TargetGroup: "tg-fast", Weight: 1}}},
		Rules: []design.ListenerRule{{Priority: 1, Conditions: design.Conditions{Path: "/slow"},
			Action: design.Action{Type: design.ActionForward, Forward: []design.WeightedTarget{{TargetGroup: "tg-slow", Weight: 1}}}}}}
	tgs := []design.TargetGroup{
		{ID: "tg-fast", Port: 8080, Protocol: "HTTP", Health: h(5 * time.Second)},
		{ID: "tg-slow", Port: 8080, Protocol: "HTTP", Health: h(30 * time.Second)},
	}
	x, err := New(lb, l, tgs, Options{TimeScale: scale})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(x.Close)
	fast, fastChecks := countingTarget(t)
	slow, slowChecks := countingTarget(t)
	if err := x.Register("tg-fast", "fast", fast.Listener.Addr().String()); err != nil {
		t.Fatal(err)
	}
	if err := x.Register("tg-slow", "slow", slow.Listener.Addr().String()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	began := time.Now()
	go func() { defer close(done); x.RunHealthChecks(ctx) }()
	deadline := time.Now().Add(20 * time.Second)
	for fastChecks.Load() < 25 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
	ran := time.Since(began)
	nFast, nSlow := fastChecks.Load(), slowChecks.Load()
	if nFast < 25 {
		t.Fatalf("the 50 ms group was checked %d times in %v", nFast, ran)
	}
	slowEvery := time.Duration(float64(30*time.Second) * scale)
	if most := 2 + int64(ran/slowEvery); nSlow > most {
		t.Errorf("the group checked every %v got %d checks in %v; at its own interval at most %d", slowEvery, nSlow, ran, most)
	}
	if nFast < nSlow+3 {
		t.Errorf("checks: %d of the 50 ms group, %d of the 300 ms group; want the first checked at its own, shorter interval", nFast, nSlow)
	}
}

// TestNewTargetNeedsOnePass: a newly registered target is healthy after
// one passing check, as ALB's are; a target that turned unhealthy needs
// the healthy threshold (3 here) of passes to come back.
func TestNewTargetNeedsOnePass(t *testing.T) {
	x := listener(t, 5*time.Second)
	x.groups["tg-rr"].tg.Health.HealthyThreshold = 3
	a := newBackend(t, "a")
	register(t, x, "tg-rr", a)
	if got := x.Health("tg-rr")["a"]; got != Initial {
		t.Fatalf("a registered target is %s before any check; want initial", got)
	}
	x.CheckHealth(context.Background())
	if got := x.Health("tg-rr")["a"]; got != Healthy {
		t.Fatalf("a new target after one passing check: %s; want healthy", got)
	}
	a.sick.Store(true)
	x.CheckHealth(context.Background())
	x.CheckHealth(context.Background())
	if got := x.Health("tg-rr")["a"]; got != Unhealthy {
		t.Fatalf("after two failed checks: %s; want unhealthy", got)
	}
	a.sick.Store(false)
	for i := 1; i <= 3; i++ {
		x.CheckHealth(context.Background())
		want := Unhealthy
		if i == 3 {
			want = Healthy
		}
		if got := x.Health("tg-rr")["a"]; got != want {
			t.Errorf("an unhealthy target after %d passing checks of a threshold of 3: %s; want %s", i, got, want)
		}
	}
}
