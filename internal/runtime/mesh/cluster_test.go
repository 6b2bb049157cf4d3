package mesh

import (
	"math/rand/v2"
	"net/http"
	"testing"
	"time"

	"github.com/netwright/netwright/internal/clock"
	"github.com/netwright/netwright/internal/design"
)

var t0 = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

func eps(n int) []Endpoint {
	var out []Endpoint
	for i := range n {
		out = append(out, Endpoint{Task: string(rune('a' + i))})
	}
	return out
}

// TestServiceConnectEjection: five failures within 30 s eject a task for
// 30 s, then 60 s for the next ejection, up to 300 s; four do not, nor
// five spread over more than 30 s.
func TestServiceConnectEjection(t *testing.T) {
	od := &Outlier{Window: scFailureWindow, Failures: scFailures, Base: scEjectBase, Max: scEjectMax, MaxPercent: 100}
	c := newCluster("api")
	now := t0
	for i := range 4 {
		if ej, _ := c.report(now.Add(time.Duration(i)*10*time.Second), "a", true, od, 3); ej {
			t.Fatalf("ejected after %d failures", i+1)
		}
	}
	// The first failure is 40 s old now: four in the window.
	if ej, _ := c.report(now.Add(40*time.Second), "a", true, od, 3); ej {
		t.Fatal("ejected with only four failures in the last 30 s")
	}
	// 20, 30, 40, 41 and 42 s: five within 30 s.
	if ej, _ := c.report(now.Add(41*time.Second), "a", true, od, 3); ej {
		t.Fatal("ejected with four failures in the last 30 s")
	}
	now = now.Add(42 * time.Second)
	ej, until := c.report(now, "a", true, od, 3)
	if !ej || until.Sub(now) != 30*time.Second {
		t.Fatalf("five failures in 30 s: ejected %v until +%v; want 30 s", ej, until.Sub(now))
	}
	for want := 60 * time.Second; want <= 300*time.Second; want += 30 * time.Second {
		now = until
		for range 4 {
			c.report(now, "a", true, od, 3)
		}
		ej, until = c.report(now, "a", true, od, 3)
		if d := until.Sub(now); !ej || d != min(want, 300*time.Second) {
			t.Fatalf("ejection after %v: %v; want %v", want-30*time.Second, d, want)
		}
	}
	// Capped at 300 s.
	now = until
	for range 5 {
		_, until = c.report(now, "a", true, od, 3)
	}
	if until.Sub(now) != 300*time.Second {
		t.Errorf("ejection past the cap: %v; want 300 s", until.Sub(now))
	}
}

// TestEnvoyEjection: consecutive failures eject, a success resets the
// run; the time grows by the base per ejection and the multiplier comes
// down one per interval the host stays in; past max_ejection_percent
// only the first host is ejected (at least one always is).
func TestEnvoyEjection(t *testing.T) {
	od := &Outlier{Failures: 3, Interval: 10 * time.Second, Base: 30 * time.Second, Max: 300 * time.Second, MaxPercent: 10}
	c := newCluster("api")
	now := t0
	c.report(now, "a", true, od, 4)
	c.report(now, "a", true, od, 4)
	c.report(now, "a", false, od, 4)
	if ej, _ := c.report(now, "a", true, od, 4); ej {
		t.Fatal("a success did not reset the run")
	}
	c.report(now, "a", true, od, 4)
	ej, until := c.report(now, "a", true, od, 4)
	if !ej || until.Sub(now) != 30*time.Second {
		t.Fatalf("3 in a row: ejected %v for %v; want 30 s", ej, until.Sub(now))
	}
	// 10% of 4 hosts rounds to none: the first is ejected, not a second.
	for range 3 {
		if ej, _ := c.report(now, "b", true, od, 4); ej {
			t.Fatal("a second host ejected past max_ejection_percent 10 of 4")
		}
	}
	// Pick avoids the ejected host; back after the time.
	for range 8 {
		if e, _ := c.pick(now, eps(4), nil, od, nil); e.Task == "a" {
			t.Fatal("picked the ejected host")
		}
	}
	now = until
	seen := false
	for range 4 {
		e, _ := c.pick(now, eps(4), nil, od, nil)
		seen = seen || e.Task == "a"
	}
	if !seen {
		t.Fatal("the host did not come back after its ejection")
	}
	// Ejected again at once: twice the base.
	for range 3 {
		ej, until = c.report(now, "a", true, od, 4)
	}
	if !ej || until.Sub(now) != 60*time.Second {
		t.Fatalf("second ejection: %v for %v; want 60 s", ej, until.Sub(now))
	}
	// Back, and healthy for two intervals: the multiplier is down to 0,
	// so the next ejection is the base again.
	now = until.Add(20 * time.Second)
	c.pick(now, eps(4), nil, od, nil)
	for range 3 {
		ej, until = c.report(now, "a", true, od, 4)
	}
	if !ej || until.Sub(now) != 30*time.Second {
		t.Errorf("ejection after two healthy intervals: %v for %v; want the base, 30 s", ej, until.Sub(now))
	}
}

// TestPickRoundRobinAndPanic: tasks in turn; a retry avoids the tasks
// tried; with every task ejected, all are used (panic mode).
func TestPickRoundRobinAndPanic(t *testing.T) {
	c := newCluster("api")
	var got string
	for range 6 {
		e, _ := c.pick(t0, eps(3), nil, nil, nil)
		got += e.Task
	}
	if got != "abcabc" {
		t.Errorf("round robin: %s", got)
	}
	if e, _ := c.pick(t0, eps(3), []string{"a", "b"}, nil, nil); e.Task != "c" {
		t.Errorf("a retry after a and b picked %s", e.Task)
	}
	od := &Outlier{Failures: 1, Base: time.Minute, MaxPercent: 100}
	for _, task := range []string{"a", "b", "c"} {
		c.report(t0, task, true, od, 3)
	}
	if _, ok := c.pick(t0, eps(3), nil, od, nil); !ok {
		t.Error("no pick with every task ejected; Envoy's panic mode uses them all")
	}
}

// TestBackoff: Envoy's fully jittered back-off stays within
// [0, (2^n - 1) x 25 ms), capped at 250 ms, and spreads over it.
func TestBackoff(t *testing.T) {
	rng := &lockedRand{r: rand.New(rand.NewPCG(1, 2))}
	for n, limit := range map[int]time.Duration{1: 25 * time.Millisecond, 2: 75 * time.Millisecond, 3: 175 * time.Millisecond, 4: 250 * time.Millisecond, 9: 250 * time.Millisecond} {
		hi := time.Duration(0)
		for range 2000 {
			d := backoff(rng, n)
			if d < 0 || d >= limit {
				t.Fatalf("retry %d waited %v; want [0, %v)", n, d, limit)
			}
			hi = max(hi, d)
		}
		if hi < limit*9/10 {
			t.Errorf("retry %d: the longest of 2000 waits was %v; want near %v", n, hi, limit)
		}
	}
}

// TestRetriable: the retry events as Envoy and App Mesh define them.
func TestRetriable(t *testing.T) {
	on := func(evs ...string) map[string]bool {
		m := map[string]bool{}
		for _, e := range evs {
			m[e] = true
		}
		return m
	}
	for _, tc := range []struct {
		on     map[string]bool
		o      outcome
		status int
		grpc   int
		want   bool
	}{
		{on("503"), tryAnswered, 503, -1, true},
		{on("503"), tryAnswered, 500, -1, false},
		{on("5xx"), tryAnswered, 500, -1, true},
		{on("gateway-error"), tryAnswered, 500, -1, false},
		{on("gateway-error"), tryAnswered, 504, -1, true},
		{on("retriable-4xx"), tryAnswered, 409, -1, true},
		{on("connect-failure"), tryConnectFailure, 0, -1, true},
		{on("connect-failure"), tryReset, 0, -1, false},
		{on("reset"), tryReset, 0, -1, true},
		{on("5xx"), tryPerTryTimeout, 0, -1, true},
		{on("connect-failure"), tryPerTryTimeout, 0, -1, false},
		{on("unavailable"), tryAnswered, http.StatusOK, 14, true},
		{on("unavailable"), tryAnswered, http.StatusOK, 13, false},
		{on("5xx"), tryTimeout, 0, -1, false},
	} {
		if got := retriable(tc.on, tc.o, tc.status, tc.grpc); got != tc.want {
			t.Errorf("retriable(%v, %v, %d, %d) = %v; want %v", tc.on, tc.o, tc.status, tc.grpc, got, tc.want)
		}
	}
}

// TestNoAllocs: the proxy's per-request decisions (the route, the task,
// the faults when none is set, whether to retry) allocate nothing.
func TestNoAllocs(t *testing.T) {
	up := &Upstream{Routes: []Route{
		{Match: canonical(design.MeshMatch{PathPrefix: "/v2", Headers: []design.KeyValue{{Key: "x-canary", Value: "true"}}}), Targets: []Target{{Service: "api-v2", Weight: 1}}},
		{Targets: []Target{{Service: "api", Weight: 1}}},
	}}
	h := http.Header{"X-Canary": {"false"}}
	c := newCluster("api")
	list := eps(3)
	od := &Outlier{Window: scFailureWindow, Failures: scFailures, Base: scEjectBase, Max: scEjectMax, MaxPercent: 100}
	f := newFaults(nil, &lockedRand{r: rand.New(rand.NewPCG(1, 2))})
	f.clock = fixedClock{}
	on := map[string]bool{"503": true, "connect-failure": true}
	tried := make([]string, 0, 3)
	allocs := testing.AllocsPerRun(1000, func() {
		r := up.route(http.MethodGet, "/v2/orders", h.Get)
		e, _ := c.pick(t0, list, tried[:0], od, nil)
		c.report(t0, e.Task, false, od, 3)
		_ = f.atIngress("api-1", "api")
		_ = f.onPath("web-1", "web", "api-1", r.Targets[0].Service)
		_ = retriable(on, tryAnswered, 200, -1)
	})
	if allocs != 0 {
		t.Errorf("%v allocations per request's decisions; want 0", allocs)
	}
}

type fixedClock struct{ clock.Clock }

func (fixedClock) Now() time.Time { return t0 }
