package uplive

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

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
	src, err := os.ReadFile("../../../examples/" + example)
	if err != nil {
		t.Fatal(err)
	}
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
	rt, err := up.Start(context.Background(), d, up.Options{Ephemeral: true, AccessLogDir: logs})
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
