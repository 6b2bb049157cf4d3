package up

import (
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
	at     time.Time // when the answer came
	status int       // 0: no HTTP answer
}

// load sends GETs to url from workers clients until stop closes.
func load(t *testing.T, rt *Runtime, url string, workers int, stop <-chan struct{}) <-chan []result {
	out, _ := loadCounted(t, rt, url, workers, stop)
	return out
}

// loadCounted is load that also counts the answers so far.
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
				var r result
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
// its health checks caught it (ALB loses those too), and none after the
// designed detection time.
func TestKilledTaskUnderLoad(t *testing.T) {
	const scale = 0.01
	d := plantest.File(t, "../../../examples/three-tier.yaml")
	rt := startDesign(t, d, Options{Ephemeral: true, TimeScale: scale})
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
	rt.workload("web-1").srv.Close() // the task dies
	detection := time.Duration(float64(tg.Health.UnhealthyAfter)*scale) + time.Duration(float64(tg.Health.Interval)*scale)
	const slack = time.Second
	time.Sleep(detection + slack + 500*time.Millisecond)
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
		case r.at.Before(killed.Add(detection + slack)):
			window++
			if r.status != http.StatusOK {
				failed++
				if r.status != http.StatusBadGateway {
					t.Errorf("while web-1 was dead but not yet unhealthy: %d; want 200 or ALB's 502", r.status)
				}
			}
		default:
			after++
			if r.status != http.StatusOK {
				t.Errorf("%v after the kill, past the detection time (%v): %d", r.at.Sub(killed), detection, r.status)
			}
		}
	}
	if before == 0 || window == 0 || after == 0 {
		t.Fatalf("requests before, during and after detection: %d %d %d; the load did not cover the run", before, window, after)
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
	results := load(t, rt, "https://"+e.Addr+"/", 6, stop)
	time.Sleep(1500 * time.Millisecond)
	close(stop)
	counts := map[int]int{}
	for _, r := range <-results {
		counts[r.status]++
	}
	if counts[0] > 0 || counts[http.StatusInternalServerError] == 0 || counts[http.StatusOK] == 0 || len(counts) != 2 {
		t.Errorf("statuses %v; want only 200 and web-1's own 500s, every request answered", counts)
	}
}
