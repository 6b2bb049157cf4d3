package alb

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/netwright/netwright/internal/clock/clocktest"
	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/runtime/health"
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
// listener, checked every 5 s and every 30 s: each is checked at once and
// then at its own interval, not the listener's shortest, round by round
// on the listener's clock.
func TestHealthChecksAtEachGroupsInterval(t *testing.T) {
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
	clk := clocktest.New(t)
	x, err := New(lb, l, tgs, Options{Clock: clk})
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
	go func() { defer close(done); x.RunHealthChecks(ctx) }()
	defer func() { cancel(); <-done }()
	// Each group is checked at once.
	for deadline := time.Now().Add(10 * time.Second); fastChecks.Load() < 1 || slowChecks.Load() < 1; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the groups' first checks did not come")
		}
	}
	for step := range 13 {
		if step > 0 {
			clk.AdvanceAndWait(5 * time.Second)
		}
		elapsed := time.Duration(step) * 5 * time.Second
		wantFast, wantSlow := 1+int64(elapsed/(5*time.Second)), 1+int64(elapsed/(30*time.Second))
		if nFast, nSlow := fastChecks.Load(), slowChecks.Load(); nFast != wantFast || nSlow != wantSlow {
			t.Fatalf("after %v: %d checks of the 5 s group, %d of the 30 s group; want %d and %d", elapsed, nFast, nSlow, wantFast, wantSlow)
		}
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
	if got := x.Health("tg-rr")["a"]; got != health.Initial {
		t.Fatalf("a registered target is %s before any check; want initial", got)
	}
	x.CheckHealth(context.Background())
	if got := x.Health("tg-rr")["a"]; got != health.Healthy {
		t.Fatalf("a new target after one passing check: %s; want healthy", got)
	}
	a.sick.Store(true)
	x.CheckHealth(context.Background())
	x.CheckHealth(context.Background())
	if got := x.Health("tg-rr")["a"]; got != health.Unhealthy {
		t.Fatalf("after two failed checks: %s; want unhealthy", got)
	}
	a.sick.Store(false)
	for i := 1; i <= 3; i++ {
		x.CheckHealth(context.Background())
		want := health.Unhealthy
		if i == 3 {
			want = health.Healthy
		}
		if got := x.Health("tg-rr")["a"]; got != want {
			t.Errorf("an unhealthy target after %d passing checks of a threshold of 3: %s; want %s", i, got, want)
		}
	}
}
