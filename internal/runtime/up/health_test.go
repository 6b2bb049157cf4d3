package up

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/netwright/netwright/internal/clock/clocktest"
	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/plan/plantest"
)

// targetState returns a target's state in a target group at any ALB
// listener, or "" when it is not registered.
func targetState(rt *Runtime, tg, id string) string {
	for _, x := range rt.albListeners() {
		for _, ts := range x.Targets(tg) {
			if ts.ID == id {
				return ts.State
			}
		}
	}
	return ""
}

// startOnClock starts d on a fake clock, and stops it when the test ends.
func startOnClock(t *testing.T, d *design.Design, opt Options) (*Runtime, *clocktest.Clock) {
	t.Helper()
	clk := clocktest.New(t)
	opt.Ephemeral, opt.Clock = true, clk
	return startDesign(t, d, opt), clk
}

// advanceUntil moves clk forward a step at a time (waiting for the
// rounds each step starts) until cond holds, which may take a moment of
// work that is not the clock's (a replacement, a reload); it fails after
// limit on the clock.
func advanceUntil(t *testing.T, clk *clocktest.Clock, step, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	for passed := time.Duration(0); !waitBriefly(cond); passed += step {
		if passed >= limit {
			t.Fatalf("%s did not happen within %v on the runtime's clock", what, limit)
		}
		clk.AdvanceAndWait(step)
	}
}

// TestHealthTimesMatchThePlan: in shop, tracking's target group is checked
// every 30 s and needs 5 passes (plan: back in after 2m30s) behind the
// same listener as storefront's, checked every 10 s. Stepped 10 s at a
// time on the runtime's clock, a tracking task that fails its checks
// goes out exactly when its own group's second failed check says so, and
// comes back exactly after its own healthy threshold. (tracking's own
// container check is off, so ECS keeps the task while the target group
// decides.)
func TestHealthTimesMatchThePlan(t *testing.T) {
	d := plantest.File(t, "../../../examples/shop.yaml")
	for i := range d.Services {
		if d.Services[i].Name == "tracking" {
			d.Services[i].Health.Interval = 0
		}
	}
	rt, clk := startOnClock(t, d, Options{})
	tg := targetGroup(d, "tg-shop-tracking-8081")
	if tg == nil || targetGroup(d, "tg-shop-storefront-3000") == nil {
		t.Fatal("shop's tracking and storefront target groups are not in the design")
	}
	h := tg.Health
	interval, step := time.Duration(h.Interval), time.Duration(targetGroup(d, "tg-shop-storefront-3000").Health.Interval)
	if got := time.Duration(h.HealthyAfter); got != time.Duration(h.HealthyThreshold)*interval {
		t.Fatalf("plan's healthy_after %v is not the healthy threshold times the interval", got)
	}
	eventually(t, "tracking-1 healthy", func() bool { return targetState(rt, tg.ID, "tracking-1") == "healthy" })

	// The fault comes right after the first check (at 0); the group's
	// next checks come every interval from then.
	if code := admin(t, rt, http.MethodPut, "/faults/tracking-1", `{"fail_health": true}`); code != http.StatusNoContent {
		t.Fatalf("PUT faults: %d", code)
	}
	stepUntil(t, rt, clk, tg.ID, step, time.Duration(h.UnhealthyThreshold)*interval, "healthy", "unhealthy",
		"after failing (checks every "+interval.String()+", "+strconv.Itoa(h.UnhealthyThreshold)+" failures)")
	if code := admin(t, rt, http.MethodDelete, "/faults/tracking-1", ""); code != http.StatusNoContent {
		t.Fatalf("DELETE faults: %d", code)
	}
	stepUntil(t, rt, clk, tg.ID, step, time.Duration(h.HealthyAfter), "unhealthy", "healthy",
		"after recovering (plan: back after "+time.Duration(h.HealthyAfter).String()+")")
}

// stepUntil steps clk by step, round by round, to at: tracking-1 must be
// in state before at every step short of at, and in state after at at.
func stepUntil(t *testing.T, rt *Runtime, clk *clocktest.Clock, tg string, step, at time.Duration, before, after, what string) {
	t.Helper()
	for passed := step; passed <= at; passed += step {
		clk.AdvanceAndWait(step)
		want := before
		if passed >= at {
			want = after
		}
		if got := targetState(rt, tg, "tracking-1"); got != want {
			t.Fatalf("tracking-1 %v %s: %s; want %s", passed, what, got, want)
		}
	}
}

// TestNewTargetsComeInAfterOneCheck: at the designed pace (shop's tracking
// group checks every 30 s and needs 5 passes to bring a target back),
// every newly registered target is healthy after its first check, which
// ALB runs at registration: with no time passing on the runtime's clock.
func TestNewTargetsComeInAfterOneCheck(t *testing.T) {
	d := plantest.File(t, "../../../examples/shop.yaml")
	rt, _ := startOnClock(t, d, Options{})
	eventually(t, "every target of every group healthy", func() bool {
		for _, x := range rt.albListeners() {
			for _, tg := range x.TargetGroups() {
				if h := targetGroup(d, tg).Health; tg == "tg-shop-tracking-8081" && (h.HealthyThreshold != 5 || time.Duration(h.Interval) != 30*time.Second) {
					t.Fatalf("shop's tracking group: %+v; this test wants 5 passes every 30 s", h)
				}
				for _, ts := range x.Targets(tg) {
					if ts.State != "healthy" {
						return false
					}
				}
			}
		}
		return true
	})
}

// TestFaultsReachHealthChecksOnRequest: latency_ms spares health checks
// unless health_checks is set; with it, a latency past the check's
// timeout fails the target group's checks and takes the task out of
// service (and ECS then replaces it).
func TestFaultsReachHealthChecksOnRequest(t *testing.T) {
	d := plantest.File(t, "../../../examples/three-tier.yaml")
	rt, clk := startOnClock(t, d, Options{})
	const tg = "tg-webapp-app-9000"
	h := targetGroup(d, tg).Health
	interval := time.Duration(h.Interval)
	eventually(t, "app-1 healthy", func() bool { return targetState(rt, tg, "app-1") == "healthy" })
	// Four times the check timeout.
	latency := 4 * time.Duration(h.Timeout)
	body := `{"latency_ms": ` + strconv.Itoa(int(latency/time.Millisecond)) + `}`
	if code := admin(t, rt, http.MethodPut, "/faults/app-1", body); code != http.StatusNoContent {
		t.Fatalf("PUT %s: %d", body, code)
	}
	// Checks every interval for several: the latency spares them.
	for i := range h.UnhealthyThreshold + 2 {
		clk.AdvanceAndWait(interval)
		if s := targetState(rt, tg, "app-1"); s != "healthy" {
			t.Fatalf("app-1 with latency_ms but not health_checks is %s after %d checks; the latency should spare its checks", s, i+1)
		}
	}
	body = `{"latency_ms": ` + strconv.Itoa(int(latency/time.Millisecond)) + `, "health_checks": true}`
	if code := admin(t, rt, http.MethodPut, "/faults/app-1", body); code != http.StatusNoContent {
		t.Fatalf("PUT %s: %d", body, code)
	}
	// A check now waits on the latency until its timeout: the clock
	// moves on a timeout at a time without waiting for the rounds.
	timeout := time.Duration(h.Timeout)
	for passed := time.Duration(0); !waitBriefly(func() bool { return targetState(rt, tg, "app-1") != "healthy" }); passed += timeout {
		if passed > time.Duration(h.UnhealthyThreshold+1)*interval {
			t.Fatalf("app-1 still healthy %v after its checks began to time out", passed)
		}
		clk.Advance(timeout)
	}
}

// waitBriefly polls cond for a moment of work the clock does not see (a
// check's answer on a socket); it reports whether cond held.
func waitBriefly(cond func() bool) bool {
	for deadline := time.Now().Add(200 * time.Millisecond); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if cond() {
			return true
		}
	}
	return cond()
}
