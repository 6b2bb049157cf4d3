// Package browsertest drives headless Chromium for the console's tests:
// Debian's chromium (which .ci/run installs) through chromedp, over a
// pipe, with a fresh profile and the flags that keep it off the network.
// It takes a screenshot per test and fails a test whose page is blank,
// shows an error, or throws. Tests only; nothing else imports it.
package browsertest

import (
	"bytes"
	"context"
	"fmt"

	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Browser is one headless Chromium; each Page is a tab in it.
type Browser struct {
	ctx    context.Context
	cancel func()
}

// Start starts Chromium for a test, or skips the test when it is not
// installed (and fails it in CI, where .ci/run installs it). The browser
// stops when the test ends.
func Start(t testing.TB) *Browser {
	t.Helper()
	bin := "/usr/bin/chromium"
	if _, err := os.Stat(bin); err != nil {
		if bin, err = exec.LookPath("chromium"); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatal("chromium is not installed; .ci/run installs it")
			}
			t.Skip("chromium not installed (apt-get install chromium)")
		}
	}
	profile, err := os.MkdirTemp("", "netwright-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 800),
	}
	actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, bcancel := chromedp.NewContext(actx)
	if err := chromedp.Do(bctx); err != nil { // start the browser now
		bcancel()
		acancel()
		os.RemoveAll(profile)
		t.Fatalf("starting chromium: %v", err)
	}
	b := &Browser{ctx: bctx, cancel: func() { bcancel(); acancel(); os.RemoveAll(profile) }}
	t.Cleanup(b.cancel)
	return b
}

// Page is one tab, with what it threw.
type Page struct {
	t   testing.TB
	Ctx context.Context
	mu  sync.Mutex
	// thrown are the uncaught exceptions the page threw.
	thrown []string
}

// Page opens a tab at url (1280x800), for the rest of the test.
func (b *Browser) Page(t testing.TB, url string) *Page {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx)
	t.Cleanup(cancel)
	ctx, tcancel := context.WithTimeout(ctx, 40*time.Second)
	t.Cleanup(tcancel)
	p := &Page{t: t, Ctx: ctx}
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.IsException() {
				p.mu.Lock()
				p.thrown = append(p.thrown, m.Text)
				p.mu.Unlock()
			}
		}
	}()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("opening %s: %v", url, err)
	}
	return p
}

// Do runs actions, failing the test on an error.
func (p *Page) Do(what string, actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	if err := chromedp.Do(p.Ctx, actions...); err != nil {
		p.Shot(strings.ReplaceAll(what, " ", "-") + "-failed")
		p.t.Fatalf("%s: %v", what, err)
	}
}

// Wait waits until a JavaScript expression is truthy, failing the test
// (with a screenshot) after timeout.
func (p *Page) Wait(what, expr string, timeout time.Duration) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.Ctx, timeout)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(timeout))); err != nil {
		p.Shot(strings.ReplaceAll(what, " ", "-") + "-timeout")
		p.t.Fatalf("waiting for %s (%s): %v", what, expr, err)
	}
}

// Eval evaluates a JavaScript expression (awaiting a promise) and
// decodes its value.
func Eval[T any](p *Page, expr string) T {
	p.t.Helper()
	v, err := chromedp.Run(p.Ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		p.t.Fatalf("evaluating %s: %v", expr, err)
	}
	return v
}

// Shot takes a screenshot of the viewport into the directory
// NETWRIGHT_SCREENSHOTS names (else the test's temporary directory) and
// fails the test when the page is blank, shows the console's error banner
// or threw.
func (p *Page) Shot(name string) string {
	p.t.Helper()
	dir := os.Getenv("NETWRIGHT_SCREENSHOTS")
	if dir == "" {
		dir = p.t.TempDir()
	}
	buf, err := chromedp.Run(p.Ctx, chromedp.CaptureScreenshot())
	if err != nil {
		p.t.Errorf("screenshot %s: %v", name, err)
		return ""
	}
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		p.t.Errorf("screenshot %s: %v", name, err)
	}
	if err := notBlank(buf); err != nil {
		p.t.Errorf("screenshot %s (%s): %v", name, path, err)
	}
	banner, _ := chromedp.Run(p.Ctx, chromedp.Evaluate[string](`(() => { const e = document.getElementById("errors"); return e && !e.hidden && /could not load/i.test(e.textContent) ? e.textContent : ""; })()`))
	if banner != "" {
		p.t.Errorf("screenshot %s: the page shows an error: %s", name, banner)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, e := range p.thrown {
		p.t.Errorf("screenshot %s: the page threw: %s", name, e)
	}
	p.thrown = nil
	return path
}

// notBlank fails a picture with fewer than 8 colours or with almost every
// pixel the same.
func notBlank(buf []byte) error {
	img, err := png.Decode(bytes.NewReader(buf))
	if err != nil {
		return fmt.Errorf("not a PNG: %w", err)
	}
	b := img.Bounds()
	counts := map[[3]uint32]int{}
	total := 0
	for y := b.Min.Y; y < b.Max.Y; y += 4 {
		for x := b.Min.X; x < b.Max.X; x += 4 {
			r, g, bl, _ := img.At(x, y).RGBA()
			counts[[3]uint32{r >> 12, g >> 12, bl >> 12}]++
			total++
		}
	}
	most := 0
	for _, n := range counts {
		most = max(most, n)
	}
	if len(counts) < 8 || most > total*99/100 {
		return fmt.Errorf("the page is blank: %d colours, the commonest on %d of %d pixels", len(counts), most, total)
	}
	return nil
}
