package up

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/netwright/netwright/internal/clock/clocktest"
	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/plan/plantest"
)

// meshSpec is a small mesh: web (public, HTTP) calls api (HTTP, three
// tasks) and ledger (TCP, two tasks).
const meshSpec = `version: 1
app: meshy
services:
  web: {port: 8080, public: true, replicas: 2, depends_on: [api, ledger]}
  api: {port: 9090, replicas: 3}
  ledger: {port: 7000, protocol: tcp, replicas: 2}
mesh: {target: service_connect, mtls: off}
tls: {domain: meshy.example.com}
`

func meshDesign(t *testing.T, edits ...string) *design.Design {
	t.Helper()
	src := meshSpec
	for i := 0; i+1 < len(edits); i += 2 {
		if !strings.Contains(src, edits[i]) {
			t.Fatalf("the mesh spec has no %q", edits[i])
		}
		src = strings.Replace(src, edits[i], edits[i+1], 1)
	}
	return plantest.Design(t, "meshy.yaml", []byte(src))
}

// callEntry sends one GET through the public HTTPS listener and returns
// the status and the call tree.
func callEntry(c *http.Client, e Entry) (int, Call, error) {
	resp, err := c.Get("https://" + e.Addr + "/")
	if err != nil {
		return 0, Call{}, err
	}
	defer resp.Body.Close()
	var tree Call
	b, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(b, &tree)
	return resp.StatusCode, tree, nil
}

// counter sums a family's counters (or histograms' counts) whose labels
// include want.
func counter(fams map[string]*dto.MetricFamily, name string, want map[string]string) float64 {
	sum := 0.0
	f := fams[name]
	if f == nil {
		return 0
	}
	for _, m := range f.GetMetric() {
		ok := true
		for k, v := range want {
			found := false
			for _, l := range m.GetLabel() {
				found = found || l.GetName() == k && l.GetValue() == v
			}
			ok = ok && found
		}
		if !ok {
			continue
		}
		switch {
		case m.Counter != nil:
			sum += m.GetCounter().GetValue()
		case m.Gauge != nil:
			sum += m.GetGauge().GetValue()
		case m.Histogram != nil:
			sum += float64(m.GetHistogram().GetSampleCount())
		}
	}
	return sum
}

func addFault(t *testing.T, rt *Runtime, body string) {
	t.Helper()
	if code := admin(t, rt, http.MethodPost, "/faults", body); code != http.StatusCreated {
		t.Fatalf("POST /faults %s: %d", body, code)
	}
}

// TestMeshCallsGoThroughTheProxies: with Service Connect every call
// between services goes through the caller's proxy and the callee's,
// which count Service Connect's metrics on both sides.
func TestMeshCallsGoThroughTheProxies(t *testing.T) {
	rt := startDesign(t, meshDesign(t), Options{Ephemeral: true})
	e := entry(t, rt, design.InternetFacing, "HTTPS")
	code, tree, err := callEntry(client(t, rt), e)
	if err != nil || code != http.StatusOK {
		t.Fatalf("GET through the entry: %d %v", code, err)
	}
	if len(tree.Calls) != 2 {
		t.Fatalf("web made calls %+v; want api and ledger", tree.Calls)
	}
	for _, c := range tree.Calls {
		if c.Via != "Service Connect proxy" || c.Error != "" || !strings.HasPrefix(c.Task, c.Service+"-") {
			t.Errorf("web's call to %s: via %q, task %q, error %q; want an answer through the Service Connect proxy", c.Service, c.Via, c.Task, c.Error)
		}
	}
	fams := metrics(t, rt)
	if n := counter(fams, "RequestCount", map[string]string{"DiscoveryName": "api", "ServiceName": "api", "ClusterName": "meshy"}); n != 1 {
		t.Errorf("api's RequestCount %v; want 1", n)
	}
	if n := counter(fams, "HTTPCode_Target_2XX_Count", map[string]string{"TargetDiscoveryName": "api", "ServiceName": "web"}); n != 1 {
		t.Errorf("web's HTTPCode_Target_2XX_Count for api %v; want 1", n)
	}
	if n := counter(fams, "NewConnectionCount", map[string]string{"DiscoveryName": "ledger"}); n != 1 {
		t.Errorf("ledger's NewConnectionCount %v; want 1", n)
	}
	st := getStatus(t, rt)
	if st.Mesh == nil || st.Mesh.Semantics != "service_connect" || len(st.Mesh.Proxies) != 7 {
		t.Fatalf("status's mesh: %+v; want service_connect with 7 proxies", st.Mesh)
	}
}

// load sends GETs through e from workers clients until stop closes,
// checking each answer's call tree.
func meshLoad(t *testing.T, rt *Runtime, e Entry, workers int, stop <-chan struct{}) (*atomic.Int64, func() []string) {
	var answered atomic.Int64
	var mu sync.Mutex
	var problems []string
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
				code, tree, err := callEntry(c, e)
				mu.Lock()
				switch {
				case err != nil:
					problems = append(problems, err.Error())
				case code != http.StatusOK:
					problems = append(problems, "status "+http.StatusText(code))
				}
				for _, sub := range tree.Calls {
					if sub.Error != "" {
						problems = append(problems, "web's call to "+sub.Service+": "+sub.Error)
					}
				}
				mu.Unlock()
				answered.Add(1)
			}
		})
	}
	return &answered, func() []string { wg.Wait(); return problems }
}

// TestMeshKilledTaskUnderLoadServiceConnect kills one of api's three
// tasks (and one of ledger's two) while web's tasks keep calling: with
// Service Connect's semantics no caller sees an error (a failed try is
// retried on another task), and each web proxy ejects the dead task once
// it has failed five times in 30 s.
func TestMeshKilledTaskUnderLoadServiceConnect(t *testing.T) {
	rt, _ := startOnClock(t, meshDesign(t), Options{})
	e := entry(t, rt, design.InternetFacing, "HTTPS")
	stop := make(chan struct{})
	answered, done := meshLoad(t, rt, e, 4, stop)
	eventually(t, "the load's first answers", func() bool { return answered.Load() >= 20 })
	addFault(t, rt, `{"target": "api-2", "kind": "kill"}`)
	addFault(t, rt, `{"target": "ledger-1", "kind": "kill"}`)
	seen := answered.Load()
	eventually(t, "120 answers after the kill", func() bool { return answered.Load() >= seen+120 })
	close(stop)
	if problems := done(); len(problems) > 0 {
		t.Errorf("%d callers saw errors, first %q; Service Connect retries on another task", len(problems), problems[0])
	}
	fams := metrics(t, rt)
	if n := counter(fams, "netwright_mesh_outlier_ejections_total", map[string]string{"TargetDiscoveryName": "api"}); n < 1 || n > 2 {
		t.Errorf("api ejections %v; want one per web proxy that met the dead task", n)
	}
	if n := counter(fams, "netwright_mesh_upstream_rq_retry_total", map[string]string{"TargetDiscoveryName": "api"}); n < 5 {
		t.Errorf("retries to api %v; want the dead task's tries retried", n)
	}
	if n := counter(fams, "netwright_mesh_upstream_rq_retry_total", map[string]string{"TargetDiscoveryName": "ledger"}); n < 1 {
		t.Errorf("retries to ledger %v; want the dead task's connections retried", n)
	}
	// Ejected: the proxies stop trying it (for 30 s, on a clock that
	// stands still here).
	tries := counter(fams, "netwright_mesh_faults_total", map[string]string{"Target": "api-2"})
	c := client(t, rt)
	for range 30 {
		if code, _, err := callEntry(c, e); err != nil || code != http.StatusOK {
			t.Fatalf("GET after the ejection: %d %v", code, err)
		}
	}
	if again := counter(metrics(t, rt), "netwright_mesh_faults_total", map[string]string{"Target": "api-2"}); again != tries {
		t.Errorf("the dead task was tried %v more times after its ejection", again-tries)
	}
	st := getStatus(t, rt)
	ejected := 0
	for _, p := range st.Mesh.Proxies {
		for _, u := range p.Egress {
			for _, tg := range u.Targets {
				if tg.Task == "api-2" && tg.State == "ejected" {
					ejected++
				}
			}
		}
	}
	if ejected == 0 {
		t.Errorf("no web proxy shows api-2 ejected in status")
	}
}

// TestMeshAbortShowsRetriesInMetrics: a 503 answered to 10% of api's
// calls (at api's proxies) is retried by the callers' proxies: the
// retries show in the metrics, the callers see (almost) none of it.
// With 300 calls and p = 0.1 per try, the retries are binomial around
// 33 (sd 5.4): 10 to 70 bounds them beyond 4 sd; a call fails only if
// three tries in a row do (p = 0.001).
func TestMeshAbortShowsRetriesInMetrics(t *testing.T) {
	rt := startDesign(t, meshDesign(t), Options{Ephemeral: true, MeshSeed: 17})
	e := entry(t, rt, design.InternetFacing, "HTTPS")
	addFault(t, rt, `{"target": "api", "kind": "abort", "value": "503", "share": 0.1}`)
	c := client(t, rt)
	failed := 0
	for range 300 {
		code, tree, err := callEntry(c, e)
		if err != nil || code != http.StatusOK {
			t.Fatalf("GET: %d %v", code, err)
		}
		for _, sub := range tree.Calls {
			if sub.Service == "api" && sub.Error != "" {
				failed++
			}
		}
	}
	fams := metrics(t, rt)
	retries := counter(fams, "netwright_mesh_upstream_rq_retry_total", map[string]string{"TargetDiscoveryName": "api"})
	if retries < 10 || retries > 70 {
		t.Errorf("%v retries to api; want about 33 (10 to 70)", retries)
	}
	served := counter(fams, "RequestCount", map[string]string{"DiscoveryName": "api"})
	answered := counter(fams, "RequestCountPerTarget", map[string]string{"TargetDiscoveryName": "api"})
	if answered != 300 || served != answered+retries {
		t.Errorf("api's proxies took %v requests, callers' answered %v with %v retries; want 300 answered and every try taken", served, answered, retries)
	}
	if errs := counter(fams, "HTTPCode_Target_5XX_Count", map[string]string{"TargetDiscoveryName": "api"}); errs != float64(failed) || failed > 3 {
		t.Errorf("%d calls failed (HTTPCode_Target_5XX_Count %v); want at most 3 and the metric to agree", failed, errs)
	}
}

// TestMeshPartitionTimesOutAtTheCaller: with api partitioned, each try's
// connection attempt times out (5 s, Envoy's connect timeout), and the
// per-request timeout (12 s here) ends the call during the third try:
// web's call fails with 504, counted as a timeout. All on the runtime's
// clock.
func TestMeshPartitionTimesOutAtTheCaller(t *testing.T) {
	rt, clk := startOnClock(t, meshDesign(t, "mesh:", "traffic: {api: {timeout: 12s}}\nmesh:"), Options{})
	e := entry(t, rt, design.InternetFacing, "HTTPS")
	addFault(t, rt, `{"target": "api", "kind": "partition"}`)
	type answer struct {
		code int
		tree Call
		err  error
	}
	got := make(chan answer, 1)
	go func() {
		code, tree, err := callEntry(client(t, rt), e)
		got <- answer{code, tree, err}
	}()
	a := advanceUntilAnswer(t, clk, got, 12*time.Second)
	if a.err != nil || a.code != http.StatusOK {
		t.Fatalf("GET: %d %v", a.code, a.err)
	}
	for _, sub := range a.tree.Calls {
		switch sub.Service {
		case "api":
			if !strings.Contains(sub.Error, "504") {
				t.Errorf("web's call to api: %q; want the proxy's 504 (upstream request timeout)", sub.Error)
			}
		case "ledger":
			if sub.Error != "" {
				t.Errorf("web's call to ledger: %q; only api is partitioned", sub.Error)
			}
		}
	}
	if n := counter(metrics(t, rt), "netwright_mesh_upstream_rq_timeout_total", map[string]string{"TargetDiscoveryName": "api"}); n != 1 {
		t.Errorf("timeouts to api %v; want 1", n)
	}
}

// advanceUntilAnswer steps clk a second at a time until an answer comes,
// failing past limit and a bit on the clock.
func advanceUntilAnswer[T any](t *testing.T, clk *clocktest.Clock, got <-chan T, limit time.Duration) T {
	t.Helper()
	for passed := time.Duration(0); passed <= limit+2*time.Second; passed += time.Second {
		select {
		case a := <-got:
			if passed < limit {
				t.Errorf("answered after %v on the clock; want %v", passed, limit)
			}
			return a
		case <-time.After(50 * time.Millisecond):
		}
		clk.Advance(time.Second)
	}
	select {
	case a := <-got:
		return a
	case <-time.After(10 * time.Second):
		t.Fatalf("no answer %v after on the clock", limit)
	}
	var zero T
	return zero
}
