package uplive

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	vnetns "github.com/vishvananda/netns"

	"github.com/netwright/netwright/internal/clock/clocktest"
	"github.com/netwright/netwright/internal/console"
	"github.com/netwright/netwright/internal/console/browsertest"
	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/diag"
	"github.com/netwright/netwright/internal/plan"
	"github.com/netwright/netwright/internal/runtime/up"
)

// running is `netwright up` for a spec file with its console, wired as
// the command wires them: a save reloads the runtime and the page.
type running struct {
	url  string
	spec string
	rt   *up.Runtime
	d    *design.Design
}

func startUp(t *testing.T, example string) *running {
	t.Helper()
	return startUpWith(t, example, up.Options{})
}

// startUpWith is startUp with the runtime's options (isolation, clock).
func startUpWith(t *testing.T, example string, opt up.Options) *running {
	t.Helper()
	src, err := os.ReadFile("../../../examples/" + example)
	if err != nil {
		t.Fatal(err)
	}
	return startUpSpec(t, example, src, opt)
}

// startUpSpec is startUpWith for a spec given whole.
func startUpSpec(t *testing.T, example string, src []byte, opt up.Options) *running {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, example)
	if err := os.WriteFile(path, src, 0o644); err != nil {
		t.Fatal(err)
	}
	d, ds := plan.File(path, src)
	if d == nil {
		t.Fatal(ds)
	}
	logs := filepath.Join(dir, "access-logs")
	opt.Ephemeral, opt.AccessLogDir = true, logs
	rt, err := up.Start(context.Background(), d, opt)
	if err != nil {
		t.Fatal(err)
	}
	live := New(rt, d, logs)
	// At the admin address, with the runtime's token, as the command
	// serves it.
	c := console.New(console.Options{Token: rt.Token, Filename: example, Live: live})
	rt.SetConsole(c)
	ctx, cancel := context.WithCancel(context.Background())
	var done = make(chan struct{}, 2)
	reload := func(nd *design.Design, ds diag.Diagnostics) {
		if nd == nil || nd == d {
			return
		}
		if _, err := rt.Reload(nd); err != nil {
			c.Publish("reload", map[string]any{"ok": false, "text": "reloading: " + err.Error()})
			return
		}
		live.Reloaded(nd)
		c.Publish("reload", map[string]any{"ok": true, "text": "reloaded"})
	}
	c.Update(src, d, ds)
	go func() { c.Follow(ctx, path, os.ReadFile, plan.File, 50*time.Millisecond, reload); done <- struct{}{} }()
	go func() { c.RunLive(ctx, 200*time.Millisecond); done <- struct{}{} }()
	t.Cleanup(func() {
		cancel()
		<-done
		<-done
		sctx, scancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer scancel()
		if err := rt.Shutdown(sctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})
	return &running{url: c.URL(rt.AdminAddr), spec: path, rt: rt, d: d}
}

// TestUpConsoleInChromium drives the console of a running three-tier
// example in headless Chromium.
func TestUpConsoleInChromium(t *testing.T) {
	b := browsertest.Start(t)
	r := startUp(t, "three-tier.yaml")
	p := b.Page(t, r.url)
	p.Wait("the live diagram", `document.querySelectorAll("#diagram rect[class*=health-]").length > 0`, 15*time.Second)

	// Every service and load balancer is drawn.
	refs := browsertest.Eval[[]string](p, `[...new Set([...document.querySelectorAll("#diagram [data-ref]")].map(e => e.dataset.ref))]`)
	for _, s := range r.d.Services {
		if !slices.Contains(refs, "service:"+s.Name) {
			t.Errorf("no chip for service %s", s.Name)
		}
	}
	for _, lb := range r.d.LoadBalancers {
		if !slices.Contains(refs, "lb:"+lb.ID) {
			t.Errorf("no chip for load balancer %s", lb.ID)
		}
	}
	// Each task is coloured by the health its target groups see.
	p.Do("select web", chromedp.Click(`#diagram rect[data-ref="service:web"]`, chromedp.NodeVisible))
	p.Wait("web's tasks", `document.querySelectorAll("#details table tbody tr").length >= 3`, 10*time.Second)
	p.Shot("up-service")

	// A request from the request panel, with its call tree and trace ID.
	p.Do("send a request", chromedp.Click(`#tab-requests`), chromedp.SetValue(`#send-path`, "/orders"),
		chromedp.Click(`#send-form button[type=submit]`))
	p.Wait("the call tree", `document.querySelector("#call-tree") !== null`, 15*time.Second)
	tree := browsertest.Eval[string](p, `document.getElementById("call-tree").textContent`)
	for _, svc := range []string{"web", "app", "db"} {
		if !strings.Contains(tree, svc) {
			t.Errorf("call tree %q lacks %s", tree, svc)
		}
	}
	trace := browsertest.Eval[string](p, `document.getElementById("trace-id").textContent`)
	if !strings.HasPrefix(trace, "Root=1-") {
		t.Errorf("trace ID = %q; want Root=1-…", trace)
	}
	// The request is among the last requests, found by its trace ID.
	root := strings.TrimPrefix(trace, "Root=")
	p.Do("filter by trace", chromedp.SetValue(`#requests-filter`, root), chromedp.Evaluate[chromedp.Void](`document.getElementById("requests-filter").dispatchEvent(new Event("input"))`))
	p.Wait("the request in the list", `[...document.querySelectorAll("#requests tbody tr")].some(tr => tr.textContent.includes("`+root+`") && tr.textContent.includes("GET /orders"))`, 10*time.Second)
	p.Shot("up-request")

	// A fault from the page: web's tasks answer 500, and the ingress
	// edge turns the error colour.
	p.Do("open faults", chromedp.Click(`#tab-faults`))
	p.Wait("built-in tasks", `document.querySelectorAll("#fault-task option").length > 0`, 10*time.Second)
	webTasks := browsertest.Eval[[]string](p, `[...document.querySelectorAll("#fault-task option")].map(o => o.value).filter(v => v.startsWith("web"))`)
	if len(webTasks) == 0 {
		t.Fatal("no built-in web task to fault")
	}
	for _, task := range webTasks {
		p.Do("add a fault", chromedp.SetValue(`#fault-task`, task), chromedp.SetValue(`#fault-error`, "1"), chromedp.Click(`#fault-form button[type=submit]`))
		p.Wait("the fault", `/Fault added to `+task+`/.test(document.getElementById("fault-result").textContent)`, 5*time.Second)
	}
	p.Do("send requests", chromedp.Click(`#tab-requests`))
	for range 5 {
		p.Do("send", chromedp.Click(`#send-form button[type=submit]`))
		p.Wait("an answer", `/^5\d\d /.test(document.querySelector("#send-result .verdict")?.textContent || "")`, 10*time.Second)
		p.Do("clear", chromedp.Evaluate[chromedp.Void](`document.getElementById("send-result").replaceChildren()`))
	}
	p.Wait("the error colour", `[...document.querySelectorAll('#diagram path[data-kind="ingress"]')].some(e => e.classList.contains("flow-errors"))`, 10*time.Second)
	p.Shot("up-fault")

	// A change saved to the spec reloads the design and the page.
	src, _ := os.ReadFile(r.spec)
	changed := strings.Replace(string(src), "  db:\n", "  audit:\n    port: 9100\n    protocol: http\n    replicas: 1\n  db:\n", 1)
	tmp := r.spec + ".new"
	os.WriteFile(tmp, []byte(changed), 0o644)
	os.Rename(tmp, r.spec)
	p.Wait("the reloaded design", `document.querySelector('#diagram [data-ref="service:audit"]') !== null && /reloaded/.test(document.getElementById("reloads").textContent)`, 20*time.Second)
	p.Shot("up-reloaded")

	// A mutating call without the token is refused.
	codes := browsertest.Eval[[]int](p, `Promise.all([
		fetch("/api/faults", {method: "POST", body: JSON.stringify({task: "`+webTasks[0]+`", faults: {error_rate: 0}})}).then(r => r.status),
		fetch("/api/send", {method: "POST", body: "{}"}).then(r => r.status),
		fetch("/api/faults?task=`+webTasks[0]+`", {method: "DELETE"}).then(r => r.status),
	])`)
	if !slices.Equal(codes, []int{403, 403, 403}) {
		t.Errorf("mutating calls without the token = %v; want 403 each", codes)
	}
	// The admin API shares the page's address: its calls that change
	// something need the token in the header too, the page's cookie does
	// not stand for it; what status and Prometheus read needs none.
	codes = browsertest.Eval[[]int](p, `Promise.all([
		fetch("/faults/`+webTasks[0]+`", {method: "DELETE"}).then(r => r.status),
		fetch("/faults", {method: "DELETE"}).then(r => r.status),
		fetch("/faults", {method: "POST", body: JSON.stringify({target: "web", kind: "kill"})}).then(r => r.status),
		fetch("/status").then(r => r.status),
		fetch("/metrics").then(r => r.status),
	])`)
	if !slices.Equal(codes, []int{403, 403, 403, 200, 200}) {
		t.Errorf("admin calls from the page without the token (DELETE, DELETE, POST, GET status, GET metrics) = %v; want 403, 403, 403, 200, 200", codes)
	}
	// The faults are still in place after those refused calls.
	if got := browsertest.Eval[int](p, `document.querySelectorAll("#faults li button").length`); got != len(webTasks) {
		t.Errorf("%d faults listed after the refused calls; want %d", got, len(webTasks))
	}
}

// meshSpec is a small Service Connect mesh with flow logs: web calls
// api (HTTP) and ledger (TCP); api may not call ledger.
const meshSpec = `version: 1
app: meshy
services:
  web: {port: 8080, public: true, replicas: 2, depends_on: [api, ledger]}
  api: {port: 9090, replicas: 3}
  ledger: {port: 7000, protocol: tcp, replicas: 2}
mesh: {target: service_connect}
tls: {domain: meshy.example.com}
`

// TestUpConsoleNetnsInChromium drives the console of a Service Connect
// mesh running in netns mode: the Flows tab lists the flow logs' accepted
// and rejected connections; a service's panel shows its Cloud Map
// answers and the mesh semantics its proxies run; calls between services
// carried by the proxies get rates on their edges from the proxies'
// metrics, and a fault added from the page (api's tasks answering 500)
// turns web's edge to api the error colour.
func TestUpConsoleNetnsInChromium(t *testing.T) {
	b := browsertest.Start(t)
	clk := clocktest.New(t)
	r := startUpSpec(t, "meshy.yaml", []byte(meshSpec), up.Options{Isolation: up.IsolationAuto, Clock: clk, FlowLogDir: t.TempDir()})
	if r.rt.Isolation != up.IsolationNetns {
		t.Skipf("network namespaces are refused here: %v", r.rt.Notes)
	}
	p := b.Page(t, r.url)
	p.Wait("the live diagram", `document.querySelectorAll("#diagram rect[class*=health-]").length > 0`, 15*time.Second)

	// Traffic: requests through web's entry, and a call the design does
	// not allow (api to ledger) that the groups drop. Then an aggregation
	// interval passes on the clock.
	send := func() {
		p.Do("send", chromedp.Click(`#send-form button[type=submit]`))
		p.Wait("an answer", `/^\d\d\d /.test(document.querySelector("#send-result .verdict")?.textContent || "")`, 15*time.Second)
		p.Do("clear", chromedp.Evaluate[chromedp.Void](`document.getElementById("send-result").replaceChildren()`))
	}
	p.Do("open requests", chromedp.Click(`#tab-requests`))
	for range 3 {
		send()
	}
	var ledger string
	for _, task := range r.rt.Tasks {
		if task.ID == "ledger-1" {
			ledger = task.Addr
		}
	}
	if _, err := netnsDial(r.rt, "api-1", ledger); err == nil {
		t.Fatalf("api-1 reached ledger-1 at %s; the groups do not admit it", ledger)
	}
	clk.Advance(time.Minute) // the flow logs aggregate a minute at a time

	p.Do("open flows", chromedp.Click(`#tab-flows`))
	p.Wait("accepted flows", `[...document.querySelectorAll("#flow-table tbody tr.accepted")].some(tr => /web-1/.test(tr.textContent) && /api-/.test(tr.textContent))`, 10*time.Second)
	p.Wait("the rejected call", `[...document.querySelectorAll("#flow-table tbody tr.rejected")].some(tr => /api-1/.test(tr.textContent) && /ledger-1/.test(tr.textContent) && /tcp 7000/.test(tr.textContent))`, 10*time.Second)
	p.Shot("up-netns-flows")

	// api's panel: its Cloud Map answers and the semantics running.
	p.Do("select api", chromedp.Click(`#diagram rect[data-ref="service:api"]`, chromedp.NodeVisible))
	p.Wait("api's Cloud Map answers", `/Cloud Map answers for api.meshy.local/.test(document.getElementById("details").textContent) && document.querySelectorAll("#details ul.plain li code").length >= 3`, 10*time.Second)
	p.Wait("the semantics running", `/Semantics running/.test(document.getElementById("details").textContent) && /service_connect: Service Connect semantics/.test(document.getElementById("details").textContent)`, 10*time.Second)
	p.Shot("up-netns-service")

	// A fault from the page: api's tasks answer 500. Requests go on until
	// web's edge to api shows the error colour (each second's rates paint
	// the edges), at most 20 of them.
	p.Do("open faults", chromedp.Click(`#tab-faults`))
	p.Wait("built-in tasks", `[...document.querySelectorAll("#fault-task option")].some(o => o.value.startsWith("api-"))`, 10*time.Second)
	tasks := browsertest.Eval[[]string](p, `[...document.querySelectorAll("#fault-task option")].map(o => o.value).filter(v => v.startsWith("api-"))`)
	for _, task := range tasks {
		p.Do("add a fault", chromedp.SetValue(`#fault-task`, task), chromedp.SetValue(`#fault-error`, "1"), chromedp.Click(`#fault-form button[type=submit]`))
		p.Wait("the fault", `/Fault added to `+task+`/.test(document.getElementById("fault-result").textContent)`, 5*time.Second)
	}
	p.Do("open requests", chromedp.Click(`#tab-requests`))
	red := `[...document.querySelectorAll('#diagram path[data-flow="web->api:9090/tcp"]')].some(e => e.classList.contains("flow-errors"))`
	for i := 0; i < 20 && !browsertest.Eval[bool](p, red); i++ {
		send()
		time.Sleep(300 * time.Millisecond) // a tick of the page's rates (200 ms here)
	}
	p.Wait("the error colour on web's edge to api", red, 5*time.Second)
	p.Shot("up-netns-fault")
}

// netnsDial connects from a task's namespace (the one `netwright
// exec` enters, from the runtime's list), as a user's command there would.
func netnsDial(rt *up.Runtime, task, addr string) (net.Conn, error) {
	var ns string
	for _, nt := range rt.NetnsTasks() {
		if nt.Task == task {
			ns = nt.Namespace
		}
	}
	if ns == "" {
		return nil, errors.New("no namespace for " + task)
	}
	type result struct {
		c   net.Conn
		err error
	}
	done := make(chan result, 1)
	go func() {
		runtime.LockOSThread() // a thread left in another namespace ends with its goroutine
		host, err := vnetns.Get()
		if err != nil {
			done <- result{nil, err}
			return
		}
		defer host.Close()
		h, err := vnetns.GetFromPath(ns)
		if err != nil {
			done <- result{nil, err}
			return
		}
		defer h.Close()
		if err := vnetns.Set(h); err != nil {
			done <- result{nil, err}
			return
		}
		c, err := net.DialTimeout("tcp", addr, 700*time.Millisecond)
		if vnetns.Set(host) == nil {
			runtime.UnlockOSThread()
		}
		done <- result{c, err}
	}()
	r := <-done
	return r.c, r.err
}
