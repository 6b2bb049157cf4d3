package console

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/netwright/netwright/internal/console/browsertest"
	"github.com/netwright/netwright/internal/plan"
)

// served is a console following a spec file, as `netwright serve` runs it.
type served struct {
	c    *Console
	url  string
	spec string
}

// serveSpec writes src to a file and serves the console for it.
func serveSpec(t *testing.T, src []byte) *served {
	t.Helper()
	path := filepath.Join(t.TempDir(), "shop.yaml")
	if err := os.WriteFile(path, src, 0o644); err != nil {
		t.Fatal(err)
	}
	c := New(Options{Filename: filepath.Base(path)})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{}, 2)
	go func() { c.Follow(ctx, path, os.ReadFile, plan.File, 50*time.Millisecond, nil); done <- struct{}{} }()
	go func() { c.Serve(ctx, ln); done <- struct{}{} }()
	t.Cleanup(func() { cancel(); <-done; <-done })
	for c.snap().version == 0 {
		time.Sleep(10 * time.Millisecond)
	}
	return &served{c: c, url: c.URL(ln.Addr().String()), spec: path}
}

// save replaces a file as editors save one: a new file renamed over it.
func save(t *testing.T, path, text string) {
	t.Helper()
	tmp := path + ".new"
	if err := os.WriteFile(tmp, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// shopWithFindings is the shop example with two services that drain too
// quickly for callers that resolve them by name (NW119).
func shopWithFindings(t *testing.T) []byte {
	t.Helper()
	src, err := os.ReadFile("../../examples/shop.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return []byte(strings.ReplaceAll(string(src), "    max_replicas: 6\n", "    max_replicas: 6\n    deregistration_delay: 1s\n"))
}

// TestServeInChromium drives `serve`'s page in headless Chromium.
func TestServeInChromium(t *testing.T) {
	b := browsertest.Start(t)
	src := shopWithFindings(t)
	s := serveSpec(t, src)
	d := s.c.snap().design

	t.Run("the diagram shows every service and load balancer, and selects them", func(t *testing.T) {
		p := b.Page(t, s.url)
		p.Wait("the diagram", `document.querySelector("#diagram svg [data-ref]") !== null`, 10*time.Second)
		refs := browsertest.Eval[[]string](p, `[...new Set([...document.querySelectorAll("#diagram [data-ref]")].map(e => e.dataset.ref))]`)
		for _, svc := range d.Services {
			if !slices.Contains(refs, "service:"+svc.Name) {
				t.Errorf("the diagram has no chip for service %s", svc.Name)
			}
		}
		for _, lb := range d.LoadBalancers {
			if !slices.Contains(refs, "lb:"+lb.ID) {
				t.Errorf("the diagram has no chip for load balancer %s", lb.ID)
			}
		}
		// A click on the ALB shows its listeners and rules in priority order.
		p.Do("click the ALB", chromedp.Click(`#diagram rect[data-ref^="lb:"]`, chromedp.NodeVisible))
		p.Wait("the ALB's details", `/Listener HTTPS 443/.test(document.getElementById("details").textContent)`, 5*time.Second)
		prios := browsertest.Eval[[]int](p, `[...document.querySelectorAll("#details table")[0].tBodies[0].rows].map(r => Number(r.cells[0].textContent)).filter(n => n > 0)`)
		if len(prios) == 0 || !slices.IsSorted(prios) {
			t.Errorf("rule priorities shown = %v; want some, ascending", prios)
		}
		p.Shot("serve-lb")
		// Keyboard: focus a service's chip and press Enter.
		p.Do("focus the cart chip", chromedp.Focus(`#diagram rect[data-ref="service:cart"]`))
		p.Do("press Enter", chromedp.KeyEvent("\r"))
		p.Wait("cart's details", `/Service cart/.test(document.getElementById("details").textContent)`, 5*time.Second)
		if got := browsertest.Eval[string](p, `document.activeElement.getAttribute("aria-label")`); !strings.Contains(got, "service cart") {
			t.Errorf("the focused chip's label = %q; want it to name service cart", got)
		}
		p.Shot("serve-service")
	})

	t.Run("findings link to their place in the spec", func(t *testing.T) {
		p := b.Page(t, s.url)
		p.Wait("the findings", `document.querySelectorAll("#findings li .pos").length > 0`, 10*time.Second)
		p.Do("open the findings tab", chromedp.Click(`#tab-findings`))
		text := browsertest.Eval[string](p, `document.getElementById("findings").textContent`)
		if !strings.Contains(text, "NW119") {
			t.Errorf("findings = %q; want NW119", text)
		}
		link := browsertest.Eval[string](p, `document.querySelector("#findings li .pos").textContent`)
		m := regexp.MustCompile(`:(\d+):\d+$`).FindStringSubmatch(link)
		if m == nil {
			t.Fatalf("the finding's link %q has no line:column", link)
		}
		p.Do("follow the link", chromedp.Click(`#findings li .pos`))
		p.Wait("the spec line", `document.querySelector(".spec .line.hit") !== null`, 5*time.Second)
		if got := browsertest.Eval[string](p, `document.querySelector(".spec .line.hit").id`); got != "L"+m[1] {
			t.Errorf("highlighted spec line = %s; want L%s", got, m[1])
		}
		line := browsertest.Eval[string](p, `document.querySelector(".spec .line.hit code").textContent`)
		if !strings.Contains(line, ":") {
			t.Errorf("the highlighted line %q is not a key of the spec", line)
		}
		p.Shot("serve-findings")
	})

	t.Run("reach and route as forms", func(t *testing.T) {
		p := b.Page(t, s.url)
		p.Wait("the forms", `document.querySelectorAll("#reach-from option").length > 2`, 10*time.Second)
		p.Do("ask reach", chromedp.Click(`#tab-reach`),
			chromedp.SetValue(`#reach-from`, "orders"), chromedp.SetValue(`#reach-to`, "payments"),
			chromedp.Click(`#reach-form button[type=submit]`))
		p.Wait("reach's answer", `/orders → payments tcp 8443: reachable/.test(document.getElementById("reach-result").textContent)`, 5*time.Second)
		p.Do("ask reach the other way", chromedp.SetValue(`#reach-from`, "payments"), chromedp.SetValue(`#reach-to`, "orders"),
			chromedp.Click(`#reach-form button[type=submit]`))
		p.Wait("reach's blocked answer", `/payments → orders tcp 8080: BLOCKED/.test(document.getElementById("reach-result").textContent)`, 5*time.Second)
		p.Shot("serve-reach")
		p.Do("ask route", chromedp.Click(`#tab-route`), chromedp.SetValue(`#route-host`, "track.shop.example.com"), chromedp.SetValue(`#route-path`, "/track/1"),
			chromedp.Click(`#route-form button[type=submit]`))
		p.Wait("route's answer", `/rule priority \d+/.test(document.getElementById("route-result").textContent)`, 5*time.Second)
		if got := browsertest.Eval[string](p, `document.getElementById("route-result").textContent`); !strings.Contains(got, "tracking") {
			t.Errorf("route answer = %q; want the tracking service", got)
		}
		p.Do("subnets", chromedp.Click(`#tab-subnets`))
		rows := browsertest.Eval[int](p, `document.querySelectorAll("#subnets tbody tr").length`)
		want := 0
		for _, v := range d.VPCs {
			want += len(v.Subnets)
		}
		if rows != want {
			t.Errorf("subnets table has %d rows; want %d", rows, want)
		}
		p.Shot("serve-route")
	})

	t.Run("a mutating call without the token is refused", func(t *testing.T) {
		p := b.Page(t, s.url)
		p.Wait("the page", `document.body.dataset.version !== undefined`, 10*time.Second)
		codes := browsertest.Eval[[]int](p, `Promise.all([
			fetch("/api/reach", {method: "POST", body: "{}"}).then(r => r.status),
			fetch("/api/reach", {method: "POST", body: "{}", headers: {"X-Netwright-Token": "wrong"}}).then(r => r.status),
			fetch("/api/state", {credentials: "omit"}).then(r => r.status),
			fetch("/api/state").then(r => r.status),
		])`)
		if want := []int{403, 403, 403, 200}; !slices.Equal(codes, want) {
			t.Errorf("statuses (POST without token, with a wrong one, GET without the cookie, GET with it) = %v; want %v", codes, want)
		}
	})

	t.Run("it follows the spec as saved", func(t *testing.T) {
		p := b.Page(t, s.url)
		// The page marks its version once everything is drawn.
		p.Wait("the diagram", `document.querySelector("#diagram svg") !== null && document.body.dataset.version !== undefined`, 10*time.Second)
		v := browsertest.Eval[string](p, `document.body.dataset.version`)
		added := strings.Replace(string(src), "  inventory:\n", "  audit:\n    port: 9100\n    protocol: http\n    replicas: 2\n  inventory:\n", 1)
		save(t, s.spec, added)
		p.Wait("the new service", `document.querySelector('#diagram [data-ref="service:audit"]') !== null && document.body.dataset.version !== "`+v+`"`, 10*time.Second)
		p.Shot("serve-reloaded")
		broken := strings.Replace(added, "    port: 9100\n", "    port: 70000\n", 1)
		save(t, s.spec, broken)
		p.Wait("the spec's error", `!document.getElementById("errors").hidden && /port: 70000|out of range/.test(document.getElementById("errors").textContent)`, 10*time.Second)
		text := browsertest.Eval[string](p, `document.getElementById("errors").textContent`)
		line := strings.Count(broken[:strings.Index(broken, "port: 70000")], "\n") + 1
		if !regexp.MustCompile(`shop\.yaml:` + itoa(line) + `:\d+`).MatchString(text) {
			t.Errorf("error banner = %q; want shop.yaml:%d:COLUMN", text, line)
		}
		if browsertest.Eval[bool](p, `document.querySelector('#diagram [data-ref="service:audit"]') === null`) {
			t.Error("the last design built is no longer shown after a save with errors")
		}
		p.Shot("serve-spec-error")
	})

	t.Run("a phone-width screen", func(t *testing.T) {
		p := b.Page(t, s.url)
		p.Do("a phone's viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
		p.Wait("the diagram", `document.querySelector("#diagram svg") !== null`, 10*time.Second)
		if w := browsertest.Eval[[]int](p, `[document.documentElement.scrollWidth, window.innerWidth]`); w[0] > w[1] {
			t.Errorf("the page is %d wide on a %d-wide screen: it scrolls sideways", w[0], w[1])
		}
		if r := browsertest.Eval[[]float64](p, `(() => { const r = document.getElementById("tabs").getBoundingClientRect(); return [r.left, r.right]; })()`); r[0] < 0 || r[1] > 390 {
			t.Errorf("the tabs span %v; want them within the screen", r)
		}
		p.Shot("serve-phone")
	})
}
