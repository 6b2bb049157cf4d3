package up

import (
	"net/http"
	"strconv"
	"testing"
	"time"

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

// TestHealthTimesMatchThePlan: in shop, tracking's target group is checked
// every 30 s and needs 5 passes (plan: back in after 2m30s) behind the
// same listener as storefront's, checked every 10 s. Run 100 times
// faster, a tracking task that fails its checks goes out no sooner than
// its own group's checks allow, and comes back no sooner than its own
// healthy threshold allows: lower bounds, which a busy machine only makes
// easier to meet. (tracking's own container check is off, so ECS keeps
// the task while the target group decides.)
func TestHealthTimesMatchThePlan(t *testing.T) {
	const scale = 0.01
	d := plantest.File(t, "../../../examples/shop.yaml")
	for i := range d.Services {
		if d.Services[i].Name == "tracking" {
			d.Services[i].Health.Interval = 0
		}
	}
	rt := startDesign(t, d, Options{Ephemeral: true, TimeScale: scale})
	tg := targetGroup(d, "tg-shop-tracking-8081")
	if tg == nil || targetGroup(d, "tg-shop-storefront-3000") == nil {
		t.Fatal("shop's tracking and storefront target groups are not in the design")
	}
	h := tg.Health
	interval := time.Duration(float64(h.Interval) * scale)
	if got := time.Duration(h.HealthyAfter); got != time.Duration(h.HealthyThreshold)*time.Duration(h.Interval) {
		t.Fatalf("plan's healthy_after %v is not the healthy threshold times the interval", got)
	}
	eventually(t, "tracking-1 healthy", func() bool { return targetState(rt, tg.ID, "tracking-1") == "healthy" })

	faulted := time.Now()
	if code := admin(t, rt, http.MethodPut, "/faults/tracking-1", `{"fail_health": true}`); code != http.StatusNoContent {
		t.Fatalf("PUT faults: %d", code)
	}
	eventually(t, "tracking-1 unhealthy", func() bool { return targetState(rt, tg.ID, "tracking-1") == "unhealthy" })
	// The first failed check may come at once; the last one an interval
	// per further failure later.
	if took, least := time.Since(faulted), time.Duration(h.UnhealthyThreshold-1)*interval; took < least {
		t.Errorf("tracking-1 went out %v after failing; its group's checks (every %v, %d failures) take at least %v", took, interval, h.UnhealthyThreshold, least)
	}

	recovered := time.Now()
	if code := admin(t, rt, http.MethodDelete, "/faults/tracking-1", ""); code != http.StatusNoContent {
		t.Fatalf("DELETE faults: %d", code)
	}
	eventually(t, "tracking-1 healthy again", func() bool { return targetState(rt, tg.ID, "tracking-1") == "healthy" })
	if took, least := time.Since(recovered), time.Duration(float64(h.HealthyAfter)*scale)-interval; took < least {
		t.Errorf("tracking-1 came back %v after recovering; plan says %v (%v here), at least %v", took, time.Duration(h.HealthyAfter), time.Duration(float64(h.HealthyAfter)*scale), least)
	}
}

// TestNewTargetsComeInAfterOneCheck: at the designed pace (shop's tracking
// group checks every 30 s and needs 5 passes to bring a target back),
// every newly registered target is healthy after its first check, which
// ALB runs at registration: well within 30 s, not 2m30s.
func TestNewTargetsComeInAfterOneCheck(t *testing.T) {
	d, rt := start(t, "shop")
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
	const scale = 0.01
	d := plantest.File(t, "../../../examples/three-tier.yaml")
	rt := startDesign(t, d, Options{Ephemeral: true, TimeScale: scale})
	const tg = "tg-webapp-app-9000"
	h := targetGroup(d, tg).Health
	interval := time.Duration(float64(h.Interval) * scale)
	eventually(t, "app-1 healthy", func() bool { return targetState(rt, tg, "app-1") == "healthy" })
	// Four times the check timeout (at least the probes' 500 ms floor).
	latency := 4 * max(time.Duration(float64(h.Timeout)*scale), 500*time.Millisecond)
	body := `{"latency_ms": ` + strconv.Itoa(int(latency/time.Millisecond)) + `}`
	if code := admin(t, rt, http.MethodPut, "/faults/app-1", body); code != http.StatusNoContent {
		t.Fatalf("PUT %s: %d", body, code)
	}
	// Checks every interval for several: the latency spares them.
	for deadline := time.Now().Add(time.Duration(h.UnhealthyThreshold+2) * interval); time.Now().Before(deadline); time.Sleep(interval / 4) {
		if s := targetState(rt, tg, "app-1"); s != "healthy" {
			t.Fatalf("app-1 with latency_ms but not health_checks is %s; the latency should spare its checks", s)
		}
	}
	body = `{"latency_ms": ` + strconv.Itoa(int(latency/time.Millisecond)) + `, "health_checks": true}`
	if code := admin(t, rt, http.MethodPut, "/faults/app-1", body); code != http.StatusNoContent {
		t.Fatalf("PUT %s: %d", body, code)
	}
	eventually(t, "app-1 out of service once its checks time out", func() bool { return targetState(rt, tg, "app-1") != "healthy" })
}
