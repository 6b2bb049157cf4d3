package up

import (
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/plan/plantest"
)

// result is one request of a load run.
type result struct {
	sent, at time.Time // when the request went, when the answer came
	status   int       // 0: no HTTP answer
}

// loadCounted sends GETs to url from workers clients until stop closes,
// counting the answers so far.
func loadCounted(t *testing.T, rt *Runtime, url string, workers int, stop <-chan struct{}) (<-chan []result, *atomic.Int64) {
	out := make(chan []result, 1)
	var answered atomic.Int64
	var mu sync.Mutex
	var all []result
	var wg sync.WaitGroup
	c := client(t, rt)
	for range workers {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				r := result{sent: time.Now()}
				resp, err := c.Get(url)
				r.at = time.Now()
				if err == nil {
					r.status = resp.StatusCode
					resp.Body.Close()
				}
				mu.Lock()
				all = append(all, r)
				mu.Unlock()
				answered.Add(1)
			}
		})
	}
	go func() { wg.Wait(); out <- all }()
	return out, &answered
}

// TestKilledTaskUnderLoad kills one of web's tasks while clients keep
// sending: every request gets an answer from the load balancer; the only
// failures are ALB's 502 for requests that reached the dead task before
// its health checks caught it (ALB loses those too), and none sent once
// they had. The checks catch it at the designed pace: out of service
// after the unhealthy threshold of failed checks, stepped an interval at
// a time on the runtime's clock.
func TestKilledTaskUnderLoad(t *testing.T) {
	d := plantest.File(t, "../../../examples/three-tier.yaml")
	rt, clk := startOnClock(t, d, Options{})
	e := entry(t, rt, design.InternetFacing, "HTTPS")
	var tg *design.TargetGroup
	for i := range d.TargetGroups {
		if d.TargetGroups[i].Service == "web" {
			tg = &d.TargetGroups[i]
		}
	}
	allHealthy := func() bool {
		for _, x := range rt.albListeners() {
			for _, ts := range x.Targets(tg.ID) {
				if ts.State != "healthy" {
					return false
				}
			}
		}
		return true
	}
	eventually(t, "web's targets healthy", allHealthy)

	stop := make(chan struct{})
	results, answered := loadCounted(t, rt, "https://"+e.Addr+"/", 6, stop)
	// Some answers before the kill, however slow the machine.
	eventually(t, "the load's first answers", func() bool { return answered.Load() >= 12 })
	killed := time.Now()
	kill(t, rt, "web-1")
	// Out of service: unhealthy, or deregistered by ECS's replacement,
	// which its own container check (the same pace here) decides.
	out := func() bool { s := targetState(rt, tg.ID, "web-1"); return s != "healthy" && s != "initial" }
	h := tg.Health
	for i := 1; i <= h.UnhealthyThreshold; i++ {
		clk.AdvanceAndWait(time.Duration(h.Interval))
		if i < h.UnhealthyThreshold && out() {
			t.Fatalf("web-1 out of service after %d failed checks; the threshold is %d", i, h.UnhealthyThreshold)
		}
	}
	if !out() {
		t.Fatalf("web-1 is %s after %d failed checks", targetState(rt, tg.ID, "web-1"), h.UnhealthyThreshold)
	}
	detected := time.Now()
	seen := answered.Load()
	eventually(t, "the load's answers after the detection", func() bool { return answered.Load() >= seen+24 })
	close(stop)
	var before, window, after, failed int
	for _, r := range <-results {
		switch {
		case r.status == 0:
			t.Errorf("a request got no answer from the load balancer")
		case r.at.Before(killed):
			before++
			if r.status != http.StatusOK {
				t.Errorf("before the kill: %d", r.status)
			}
		case r.sent.Before(detected):
			window++
			if r.status != http.StatusOK {
				failed++
				if r.status != http.StatusBadGateway {
					t.Errorf("while web-1 was dead but not yet out of service: %d; want 200 or ALB's 502", r.status)
				}
			}
		default:
			after++
			if r.status != http.StatusOK {
				t.Errorf("sent %v after web-1 went out of service: %d", r.sent.Sub(detected), r.status)
			}
		}
	}
	if before == 0 || after == 0 {
		t.Fatalf("requests before the kill, while it was detected and after: %d %d %d; the load did not cover the run", before, window, after)
	}
	t.Logf("%d requests before the kill, %d during detection (%d got 502), %d after", before, window, failed, after)
}

// TestFaultyTasksUnderLoad: a task answering errors and a stalled task
// lose nothing at the load balancer: the errors are the target's own
// 500s, passed on; the stall only delays.
func TestFaultyTasksUnderLoad(t *testing.T) {
	_, rt := start(t, "three-tier")
	e := entry(t, rt, design.InternetFacing, "HTTPS")
	if code := admin(t, rt, http.MethodPut, "/faults/web-1", `{"error_rate": 1}`); code != http.StatusNoContent {
		t.Fatalf("PUT faults: %d", code)
	}
	if code := admin(t, rt, http.MethodPut, "/faults/web-2", `{"latency_ms": 200}`); code != http.StatusNoContent {
		t.Fatalf("PUT faults: %d", code)
	}
	stop := make(chan struct{})
	results, answered := loadCounted(t, rt, "https://"+e.Addr+"/", 6, stop)
	eventually(t, "36 answers", func() bool { return answered.Load() >= 36 })
	close(stop)
	counts := map[int]int{}
	for _, r := range <-results {
		counts[r.status]++
	}
	if counts[0] > 0 || counts[http.StatusInternalServerError] == 0 || counts[http.StatusOK] == 0 || len(counts) != 2 {
		t.Errorf("statuses %v; want only 200 and web-1's own 500s, every request answered", counts)
	}
}

// kill makes a built-in task die: its server closes, and its address
// resets every connection from then on. The address stays held, so no
// other runtime on this machine (a test running beside this one) takes
// it while the test still checks it.
func kill(t *testing.T, rt *Runtime, id string) {
	t.Helper()
	addr := rt.tasksAddr(id)
	rt.workload(id).srv.Close()
	dead, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("holding %s's address %s after it died: %v", id, addr, err)
	}
	t.Cleanup(func() { dead.Close() })
	go func() {
		for {
			c, err := dead.Accept()
			if err != nil {
				return
			}
			c.(*net.TCPConn).SetLinger(0)
			c.Close()
		}
	}()
}
