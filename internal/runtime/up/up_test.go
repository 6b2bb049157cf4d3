package up

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"os"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/miekg/dns"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/netwright/netwright/internal/clock/clocktest"
	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/plan/plantest"
	"github.com/netwright/netwright/internal/runtime/alb"
	"github.com/netwright/netwright/internal/runtime/runtimetest"
)

func start(t *testing.T, example string) (*design.Design, *Runtime) {
	t.Helper()
	d := plantest.File(t, "../../../examples/"+example+".yaml")
	return d, startDesign(t, d, Options{Ephemeral: true})
}

// startDesign starts d and stops it when the test ends.
func startDesign(t *testing.T, d *design.Design, opt Options) *Runtime {
	t.Helper()
	rt, err := Start(context.Background(), d, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := rt.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})
	return rt
}

// getStatus reads the admin API's /status.
func getStatus(t *testing.T, rt *Runtime) Status {
	t.Helper()
	resp, err := http.Get("http://" + rt.AdminAddr + "/status")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var st Status
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		t.Fatal(err)
	}
	return st
}

func client(t *testing.T, rt *Runtime) *http.Client {
	t.Helper()
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(rt.CAPEM) {
		t.Fatal("CAPEM holds no certificate")
	}
	return &http.Client{Timeout: 20 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func entry(t *testing.T, rt *Runtime, scheme, protocol string) Entry {
	t.Helper()
	for _, e := range rt.Entries {
		if e.Scheme == scheme && e.Protocol == protocol {
			return e
		}
	}
	t.Fatalf("no %s %s listener in %v", scheme, protocol, rt.Entries)
	return Entry{}
}

// checkTree walks a call tree: every call succeeded, and every service
// called exactly the services the design says it depends on.
func checkTree(t *testing.T, d *design.Design, c Call, seen map[string]bool) {
	t.Helper()
	seen[c.Service] = true
	if c.Error != "" {
		t.Errorf("%s (via %s): %s", c.Service, c.Via, c.Error)
	}
	if c.Task == "" || !strings.HasPrefix(c.Task, c.Service+"-") {
		t.Errorf("%s answered as task %q", c.Service, c.Task)
	}
	if c.Via != "" && c.LatencyMS <= 0 {
		t.Errorf("the call to %s took %v ms", c.Service, c.LatencyMS)
	}
	var want, got []string
	for _, f := range d.Flows {
		if f.Kind == design.FlowService && f.From == c.Service {
			want = append(want, f.To)
		}
	}
	svc := d.Service(c.Service)
	for _, sub := range c.Calls {
		got = append(got, sub.Service)
		callee, want := d.Service(sub.Service), "tcp"
		if callee != nil && callee.Kind == "service" {
			want = callee.Protocol
		}
		if sub.Protocol != want {
			t.Errorf("%s called %s over %q; it speaks %s", c.Service, sub.Service, sub.Protocol, want)
		}
		checkTree(t, d, sub, seen)
	}
	if svc != nil && svc.Kind == design.KindService && httpFamily[svc.Protocol] {
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(want, got) {
			t.Errorf("%s called %v; the design says %v", c.Service, got, want)
		}
	}
}

func TestRequestThroughTheEntryCoversTheGraph(t *testing.T) {
	for _, example := range []string{"three-tier", "shop"} {
		t.Run(example, func(t *testing.T) {
			d, rt := start(t, example)
			e := entry(t, rt, design.InternetFacing, "HTTPS")
			resp, err := client(t, rt).Get("https://" + strings.Replace(e.Addr, "127.0.0.1", "localhost", 1) + "/")
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET / through %s: %s", e.LoadBalancer, resp.Status)
			}
			var tree Call
			if err := json.NewDecoder(resp.Body).Decode(&tree); err != nil {
				t.Fatal(err)
			}
			seen := map[string]bool{}
			checkTree(t, d, tree, seen)
			if example == "three-tier" && (len(tree.Calls) != 1 || !strings.HasPrefix(tree.Calls[0].Via, "load balancer ")) {
				t.Errorf("web reached app via %v; three-tier puts an internal ALB between them", tree.Calls)
			}
			// Behind the internal ALB app sees the web task that called.
			if example == "three-tier" && runtime.GOOS == "linux" && len(tree.Calls) == 1 {
				web, _, _ := net.SplitHostPort(rt.tasksAddr(tree.Task))
				if got := tree.Calls[0].Client; got != web {
					t.Errorf("app saw the call come from %s; web's task %s is at %s", got, tree.Task, web)
				}
			}
			if len(seen) < 3 {
				t.Errorf("the call tree reached only %v", seen)
			}
		})
	}
}

func TestHTTPRedirectsToTheLocalHTTPSPort(t *testing.T) {
	_, rt := start(t, "three-tier")
	plain, tls := entry(t, rt, design.InternetFacing, "HTTP"), entry(t, rt, design.InternetFacing, "HTTPS")
	resp, err := client(t, rt).Get("http://" + plain.Addr + "/a?b=1")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	_, port, _ := strings.Cut(tls.Addr, ":")
	if want := "https://127.0.0.1:" + port + "/a?b=1"; resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != want {
		t.Errorf("redirect %s to %q; want 301 to %q", resp.Status, resp.Header.Get("Location"), want)
	}
}

func TestDiscoveryAnswersForRunningTasks(t *testing.T) {
	d, rt := start(t, "three-tier")
	m := new(dns.Msg)
	m.SetQuestion("app.webapp.local.", dns.TypeA)
	in, _, err := (&dns.Client{Timeout: 5 * time.Second}).Exchange(m, rt.DNSAddr)
	if err != nil {
		t.Fatal(err)
	}
	if want := d.Service("app").Replicas; len(in.Answer) != want {
		t.Errorf("app.webapp.local: %d answers; want one per task (%d)", len(in.Answer), want)
	}
	req, _ := http.NewRequest(http.MethodPost, "http://"+rt.AdminAddr+"/", strings.NewReader(`{"NamespaceName":"webapp.local","ServiceName":"web"}`))
	req.Header.Set("X-Amz-Target", "Route53AutoNaming_v20170314.DiscoverInstances")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ Instances []map[string]any }
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || len(out.Instances) != d.Service("web").Replicas {
		t.Errorf("DiscoverInstances web: %v %v; want %d instances", out, err, d.Service("web").Replicas)
	}
}

func TestAddressInUseNamesTheFlag(t *testing.T) {
	_, rt := start(t, "three-tier")
	d := plantest.File(t, "../../../examples/three-tier.yaml")
	_, err := Start(context.Background(), d, Options{DNSAddr: rt.DNSAddr, AdminAddr: "127.0.0.1:0"})
	if err == nil || !strings.Contains(err.Error(), "--dns") {
		t.Errorf("a DNS address in use: %v; want an error naming --dns", err)
	}
}

// TestMetrics sends one request through three-tier's entry and reads the
// admin API's /metrics with Prometheus's own text-format parser.
func TestMetrics(t *testing.T) {
	_, rt := start(t, "three-tier")
	c := client(t, rt)
	e := entry(t, rt, design.InternetFacing, "HTTPS")
	for _, path := range []string{"/", "/"} {
		resp, err := c.Get("https://" + e.Addr + path)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	families := metrics(t, rt)
	value := func(family string, labels map[string]string) float64 {
		f, ok := families[family]
		if !ok {
			t.Fatalf("no %s in /metrics", family)
		}
		total := 0.0
	next:
		for _, m := range f.GetMetric() {
			got := map[string]string{}
			for _, l := range m.GetLabel() {
				got[l.GetName()] = l.GetValue()
			}
			for k, v := range labels {
				if got[k] != v {
					continue next
				}
			}
			switch {
			case m.Counter != nil:
				total += m.GetCounter().GetValue()
			case m.Gauge != nil:
				total += m.GetGauge().GetValue()
			case m.Histogram != nil:
				total += float64(m.GetHistogram().GetSampleCount())
			}
		}
		return total
	}
	if got := value("netwright_alb_requests_total", map[string]string{"load_balancer": e.LoadBalancer, "listener": "443", "rule": "default", "target_group": "tg-webapp-web-8080", "code_class": "2xx"}); got != 2 {
		t.Errorf("public 2xx requests: %v; want 2", got)
	}
	// Each request crossed the internal ALB to app once.
	if got := value("netwright_alb_target_response_seconds", map[string]string{"target_group": "tg-webapp-app-9000"}); got != 2 {
		t.Errorf("app's target response time samples: %v; want 2", got)
	}
	if got := value("netwright_alb_active_connections", map[string]string{"load_balancer": e.LoadBalancer, "listener": "443"}); got != 1 {
		t.Errorf("open connections to the public HTTPS listener: %v; want the client's one kept alive", got)
	}
	_ = value("netwright_alb_healthy_targets", nil)
	m := new(dns.Msg)
	m.SetQuestion("nope.webapp.local.", dns.TypeA)
	if _, _, err := (&dns.Client{Timeout: 5 * time.Second}).Exchange(m, rt.DNSAddr); err != nil {
		t.Fatal(err)
	}
	resp2, err := http.Get("http://" + rt.AdminAddr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp2.Body.Close()
	if families, err = textParser().TextToMetricFamilies(resp2.Body); err != nil {
		t.Fatal(err)
	}
	if got := value("netwright_dns_queries_total", map[string]string{"name": "unknown", "type": "A", "rcode": "NXDOMAIN"}); got != 1 {
		t.Errorf("NXDOMAIN queries counted: %v; want 1", got)
	}
}

func textParser() *expfmt.TextParser {
	p := expfmt.NewTextParser(model.UTF8Validation)
	return &p
}

func admin(t *testing.T, rt *Runtime, method, path, body string) int {
	t.Helper()
	return adminAs(t, rt, rt.Token, method, path, body)
}

// adminAs calls the admin API with a token in the header ("" for none).
func adminAs(t *testing.T, rt *Runtime, token, method, path, body string) int {
	t.Helper()
	req, _ := http.NewRequest(method, "http://"+rt.AdminAddr+path, strings.NewReader(body))
	if token != "" {
		req.Header.Set(TokenHeader, token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// eventually polls cond until it holds or 30 s pass.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s did not happen within 30 s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestUnhealthyTaskIsReplaced makes app-1 fail its health checks and
// checks ECS's answer, stepping the runtime's clock a check interval at a
// time: app-1 leaves the internal ALB's target group and gets no more
// requests; a new task takes its slot at an address of its own, joins
// the target group and Cloud Map's answers and serves; app-1 leaves Cloud
// Map and stops once it has drained.
func TestUnhealthyTaskIsReplaced(t *testing.T) {
	d := plantest.File(t, "../../../examples/three-tier.yaml")
	var out runtimetest.Buffer
	rt, clk := startOnClock(t, d, Options{Output: &out})
	const tg = "tg-webapp-app-9000"
	inDNS := func(task string) bool {
		m := new(dns.Msg)
		m.SetQuestion("app.webapp.local.", dns.TypeSRV)
		in, _, err := (&dns.Client{Timeout: 5 * time.Second}).Exchange(m, rt.DNSAddr)
		if err != nil {
			t.Fatal(err)
		}
		for _, rr := range in.Answer {
			if strings.HasPrefix(rr.(*dns.SRV).Target, task+".") {
				return true
			}
		}
		return false
	}
	eventually(t, "app-1 healthy in the target group", func() bool { return targetState(rt, tg, "app-1") == "healthy" })
	oldAddr := rt.tasksAddr("app-1")
	if code := admin(t, rt, http.MethodPut, "/faults/app-1", `{"fail_health": true}`); code != http.StatusNoContent {
		t.Fatalf("PUT faults: %d", code)
	}
	step, limit := time.Duration(d.Service("app").Health.Interval), 10*time.Minute
	advanceUntil(t, clk, step, limit, "a new task in app-1's slot, healthy in the target group", func() bool { return targetState(rt, tg, "app-1-r2") == "healthy" })
	advanceUntil(t, clk, step, limit, "app-1 out of the target group", func() bool { s := targetState(rt, tg, "app-1"); return s == "" || s == "draining" })
	if got := rt.tasksAddr("app-1-r2"); got == "" || got == oldAddr {
		t.Errorf("the new task is at %q; want an address of its own (app-1 was at %s)", got, oldAddr)
	}
	advanceUntil(t, clk, step, limit, "app-1-r2 in Cloud Map's answers", func() bool { return inDNS("app-1-r2") })
	advanceUntil(t, clk, step, limit, "app-1 out of Cloud Map's answers", func() bool { return !inDNS("app-1") })
	c := client(t, rt)
	e := entry(t, rt, design.InternetFacing, "HTTPS")
	saw := map[string]bool{}
	for range 12 {
		resp, err := c.Get("https://" + e.Addr + "/")
		if err != nil {
			t.Fatal(err)
		}
		var tree Call
		json.NewDecoder(resp.Body).Decode(&tree)
		resp.Body.Close()
		if len(tree.Calls) == 1 {
			saw[tree.Calls[0].Task] = true
		}
	}
	if saw["app-1"] || !saw["app-1-r2"] {
		t.Errorf("app's tasks that answered: %v; want app-1-r2 among them and app-1 not", saw)
	}
	advanceUntil(t, clk, step, limit, "app-1 to stop", func() bool {
		c, err := net.DialTimeout("tcp", oldAddr, time.Second)
		if err == nil {
			c.Close()
		}
		return err != nil
	})
	if !strings.Contains(out.String(), "[ecs] app-1 failed its health checks: app-1-r2 started in its place") {
		t.Errorf("the output does not tell of the replacement:\n%s", out.String())
	}
}

// TestAdminToken: every admin call that changes something needs the
// token in its header (403 without it, or with another, and nothing
// changes); calls that read need none.
func TestAdminToken(t *testing.T) {
	rt := startDesign(t, meshDesign(t), Options{Ephemeral: true, Token: "s3cret"})
	if rt.Token != "s3cret" {
		t.Fatalf("the runtime's token is %q; want the one given", rt.Token)
	}
	for _, token := range []string{"", "guess"} {
		for _, c := range []struct{ method, path, body string }{
			{http.MethodPut, "/faults/api-1", `{"error_rate": 1}`},
			{http.MethodDelete, "/faults/api-1", ""},
			{http.MethodPost, "/faults", `{"target": "api", "kind": "kill"}`},
			{http.MethodDelete, "/faults", ""},
		} {
			if code := adminAs(t, rt, token, c.method, c.path, c.body); code != http.StatusForbidden {
				t.Errorf("%s %s with token %q: %d; want 403", c.method, c.path, token, code)
			}
		}
	}
	if st := getStatus(t, rt); len(st.Mesh.Faults) != 0 {
		t.Errorf("faults in force after refused calls: %+v", st.Mesh.Faults)
	}
	for _, path := range []string{"/status", "/metrics", "/flows", "/faults", "/netns"} {
		if code := adminAs(t, rt, "", http.MethodGet, path, ""); code != http.StatusOK {
			t.Errorf("GET %s without the token: %d; want 200", path, code)
		}
	}
	if code := admin(t, rt, http.MethodPost, "/faults", `{"target": "api", "kind": "kill"}`); code != http.StatusCreated {
		t.Errorf("POST /faults with the token: %d; want 201", code)
	}
	if rt2 := startDesign(t, meshDesign(t), Options{Ephemeral: true}); len(rt2.Token) != 32 || rt2.Token == rt.Token {
		t.Errorf("a runtime started without a token has %q; want a fresh 128-bit one", rt2.Token)
	}
}

func TestFaultAPI(t *testing.T) {
	rt, clk := startOnClock(t, plantest.File(t, "../../../examples/three-tier.yaml"), Options{})
	for _, tt := range []struct {
		method, path, body string
		code               int
	}{
		{http.MethodPut, "/faults/web-1", `{"error_rate": 1}`, http.StatusNoContent},
		{http.MethodPut, "/faults/web-1", `{"error_rate": 2}`, http.StatusBadRequest},
		{http.MethodPut, "/faults/web-1", `{"latency": 5}`, http.StatusBadRequest},
		{http.MethodPut, "/faults/nope-1", `{}`, http.StatusNotFound},
		{http.MethodPut, "/faults/db-1", `{}`, http.StatusNotFound}, // a data store runs no built-in HTTP task
	} {
		if code := admin(t, rt, tt.method, tt.path, tt.body); code != tt.code {
			t.Errorf("%s %s %s: %d; want %d", tt.method, tt.path, tt.body, code, tt.code)
		}
	}
	// app-1 waits 200 ms before each answer, on the runtime's clock.
	if code := admin(t, rt, http.MethodPut, "/faults/app-1", `{"latency_ms": 200}`); code != http.StatusNoContent {
		t.Fatalf("PUT latency: %d", code)
	}
	answered := make(chan error, 1)
	go func() {
		resp, err := http.Get("http://" + rt.tasksAddr("app-1") + "/")
		if err == nil {
			resp.Body.Close()
		}
		answered <- err
	}()
	clk.BlockUntilDue(200 * time.Millisecond) // app-1 waits out its latency
	clk.Advance(200*time.Millisecond - time.Nanosecond)
	select {
	case err := <-answered:
		t.Fatalf("app-1 with 200 ms of added latency answered (%v) before 200 ms passed", err)
	default:
	}
	clk.Advance(time.Nanosecond)
	if err := <-answered; err != nil {
		t.Fatal(err)
	}
	if code := admin(t, rt, http.MethodDelete, "/faults/app-1", ""); code != http.StatusNoContent {
		t.Fatalf("DELETE latency: %d", code)
	}
	// web-1 now answers every request 500; ALB passes a target's 500 on.
	c := client(t, rt)
	e := entry(t, rt, design.InternetFacing, "HTTPS")
	saw500 := false
	for range 6 {
		resp, err := c.Get("https://" + e.Addr + "/")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		saw500 = saw500 || resp.StatusCode == http.StatusInternalServerError
	}
	if !saw500 {
		t.Error("six requests over three web tasks, one failing every request, saw no 500")
	}
}

// TestHelperTask is not a test: it is the task TestRunCommands starts, the
// test binary run again with NETWRIGHT_HELPER set. It serves HTTP on $PORT
// as the service's call-tree answer, and exits on /exit.
func TestHelperTask(t *testing.T) {
	if os.Getenv("NETWRIGHT_HELPER") != "1" {
		t.Skip("run by TestRunCommands as a task")
	}
	fmt.Println("listening on", os.Getenv("PORT"), "app at", os.Getenv("APP_ADDR"))
	http.HandleFunc("/exit", func(http.ResponseWriter, *http.Request) { os.Exit(3) })
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(Call{Service: os.Getenv("NETWRIGHT_SERVICE"), Task: os.Getenv("NETWRIGHT_TASK") + " " + os.Getenv("APP_ADDR")})
	})
	http.ListenAndServe(os.Getenv("HOST")+":"+os.Getenv("PORT"), nil)
	os.Exit(1)
}

func TestRunCommands(t *testing.T) {
	t.Setenv("NETWRIGHT_HELPER", "1")
	d := plantest.File(t, "../../../examples/three-tier.yaml")
	for i := range d.Services {
		if d.Services[i].Name == "web" {
			d.Services[i].Run = os.Args[0] + " -test.run=^TestHelperTask$"
		}
	}
	var out runtimetest.Buffer
	clk := clocktest.New(t)
	rt, err := Start(context.Background(), d, Options{Ephemeral: true, Output: &out, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	stopped := false
	defer func() {
		if !stopped {
			rt.Shutdown(context.Background())
		}
	}()
	c := client(t, rt)
	e := entry(t, rt, design.InternetFacing, "HTTPS")
	get := func(path string) (Call, error) {
		resp, err := c.Get("https://" + e.Addr + path)
		if err != nil {
			return Call{}, err
		}
		defer resp.Body.Close()
		var got Call
		err = json.NewDecoder(resp.Body).Decode(&got)
		return got, err
	}
	var got Call
	eventually(t, "the web commands answering through the entry", func() bool {
		got, err = get("/")
		return err == nil && got.Service == "web"
	})
	internalApp := ""
	for _, x := range rt.Entries {
		if x.Scheme == design.Internal {
			internalApp = x.Addr
		}
	}
	if !strings.HasPrefix(got.Task, "web-") || !strings.HasSuffix(got.Task, " "+internalApp) {
		t.Errorf("the command answered %q; want its task and APP_ADDR, the internal ALB at %s", got.Task, internalApp)
	}
	eventually(t, "web-1's output, prefixed with its name", func() bool { return strings.Contains(out.String(), "[web-1] listening on") })
	// A task that dies is started again, after its back-off on the
	// runtime's clock.
	p := rt.tasks["web-1"].proc
	first := p.pid.Load()
	advanceUntil(t, clk, firstBackoff, time.Minute, "web-1 exiting and starting again", func() bool {
		if p.starts.Load() < 2 {
			if resp, err := http.Get("http://" + rt.tasksAddr("web-1") + "/exit"); err == nil {
				resp.Body.Close()
			}
			return false
		}
		return p.pid.Load() != 0 && p.pid.Load() != first
	})
	// Stopping leaves no process behind.
	var pids []int
	for _, x := range rt.tasks {
		if x.proc == nil {
			continue
		}
		if pid := x.proc.pid.Load(); pid != 0 {
			pids = append(pids, int(pid))
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	stopped = true
	if err := rt.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	for _, pid := range pids {
		if err := syscall.Kill(pid, 0); err == nil {
			t.Errorf("process %d still runs after Shutdown", pid)
		}
	}
}

// TestRunCommandKeepsItsAddress: a `run` command's task releases its
// socket for the command to bind; until the command does, another
// runtime of the same design (whose tasks are planned on the same
// addresses) must not take the address, or this runtime's load
// balancers would send the command's requests to the other runtime's
// task. The command here never binds.
func TestRunCommandKeepsItsAddress(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("per-task loopback addresses need Linux")
	}
	d := plantest.File(t, "../../../examples/three-tier.yaml")
	for i := range d.Services {
		if d.Services[i].Name == "web" {
			d.Services[i].Run = "exec sleep 60"
		}
	}
	first := startDesign(t, d, Options{Ephemeral: true})
	held := map[string]string{}
	for _, task := range first.Tasks {
		held[task.Addr] = task.ID
	}
	second := startDesign(t, plantest.File(t, "../../../examples/three-tier.yaml"), Options{Ephemeral: true})
	for _, task := range second.Tasks {
		if id, ok := held[task.Addr]; ok {
			t.Errorf("the second runtime's %s listens on %s, the first runtime's %s's address", task.ID, task.Addr, id)
		}
	}
}

func (rt *Runtime) tasksAddr(id string) string {
	rt.mu.RLock()
	defer rt.mu.RUnlock()
	for _, t := range rt.Tasks {
		if t.ID == id {
			return t.Addr
		}
	}
	return ""
}

// TestFailedStartLeavesNothingOpen takes three-tier's HTTPS listener port
// so Start fails after the tasks, DNS and admin API are listening, and
// checks every socket it opened is closed again.
func TestFailedStartLeavesNothingOpen(t *testing.T) {
	fds := func() int {
		es, err := os.ReadDir("/proc/self/fd")
		if err != nil {
			t.Skip("no /proc/self/fd")
		}
		return len(es)
	}
	d := plantest.File(t, "../../../examples/three-tier.yaml")
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	// 443 is the first listener Start opens, so the offset is never
	// applied to 9000, which it could push past 65535.
	offset := taken.Addr().(*net.TCPAddr).Port - 443
	// The network poller is set up (its descriptors opened) by now.
	before := fds()
	_, err = Start(context.Background(), d, Options{PortOffset: offset, DNSAddr: "127.0.0.1:0", AdminAddr: "127.0.0.1:0"})
	if err == nil || !strings.Contains(err.Error(), "--port-offset") {
		t.Fatalf("Start with the HTTPS port taken: %v; want an error naming --port-offset", err)
	}
	// Earlier tests' runtimes may still be closing (a cancelled health
	// check's socket, say): a leak stays, their descriptors go.
	deadline := time.Now().Add(5 * time.Second)
	for fds() > before && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if after := fds(); after > before {
		t.Errorf("%d file descriptors open after a failed Start, %d before", after, before)
	}
}

// TestTaskAddressesComeFromSubnets checks each task listens on the
// loopback twin of an address in one of its service's subnets, none
// shared, spread over the AZs.
func TestTaskAddressesComeFromSubnets(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("per-task loopback addresses need Linux")
	}
	d, rt := start(t, "shop")
	seen := map[string]string{}
	for _, task := range rt.Tasks {
		host, _, _ := net.SplitHostPort(task.Addr)
		if other, dup := seen[host]; dup {
			t.Errorf("%s and %s share %s", other, task.ID, host)
		}
		seen[host] = task.ID
		a := netip.MustParseAddr(host).As4()
		in := false
		for _, v := range d.VPCs {
			for _, sn := range v.Subnets {
				b := sn.CIDR.Addr().As4()
				if slices.Contains(d.Service(task.Service).Placements[0].Subnets, sn.ID) &&
					sn.CIDR.Contains(netip.AddrFrom4([4]byte{b[0], a[1], a[2], a[3]})) {
					in = true
				}
			}
		}
		if a[0] != 127 || !in {
			t.Errorf("%s listens on %s, not the loopback twin of an address in its subnets", task.ID, host)
		}
	}
}

// albListeners returns the ALB listeners in service.
func (rt *Runtime) albListeners() []*alb.Listener {
	rt.mu.RLock()
	defer rt.mu.RUnlock()
	var out []*alb.Listener
	for _, s := range rt.albs {
		out = append(out, s.x.Load())
	}
	return out
}

// tcpAnswer connects to the listener served for designed port and
// returns what the task behind it writes.
func tcpAnswer(t *testing.T, rt *Runtime, port int) string {
	t.Helper()
	addr := ""
	for _, e := range rt.Entries {
		if e.Port == port {
			addr = e.Addr
		}
	}
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	b, _ := io.ReadAll(c)
	return strings.TrimSpace(string(b))
}
