// Package console is netwright's web console: one page, served by
// `netwright serve SPEC` for a design that is not running and by
// `netwright up` at its admin address for one that is. It owns the page
// (HTML, CSS and JavaScript embedded in the binary, no build step, nothing
// fetched from the network), its JSON API, the server-sent events that
// keep the page current, the token that guards the API, and following a
// spec file as it is saved. It shows what the design says (the diagram
// from internal/render/diagram, the checklist's findings from
// internal/analysis linked to their place in the spec, a reachability
// form, a listener-rule form, the subnets with their use and headroom);
// for a running design it asks a Live, which the caller adapts from the
// runtime, for health, requests and faults. It does not plan specs (its
// caller passes a build function) and does not run anything.
package console

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"embed"
	"encoding/hex"
	"encoding/json"
	"html/template"
	"io/fs"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/netwright/netwright/internal/analysis"
	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/diag"
	"github.com/netwright/netwright/internal/render/diagram"
)

//go:embed assets
var assets embed.FS

// TokenHeader carries the token on the page's API calls.
const TokenHeader = "X-Netwright-Token"

// tokenCookie carries the token for requests the page cannot add a
// header to (server-sent events).
const tokenCookie = "netwright_token"

// NewToken returns a fresh random token (128 bits, hex).
func NewToken() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("console: no randomness: " + err.Error()) // crypto/rand does not fail on Linux
	}
	return hex.EncodeToString(b[:])
}

// Options configure a console.
type Options struct {
	// Token guards the API: every API request must carry it (in the
	// X-Netwright-Token header, or the cookie the page sets when it is
	// opened with ?token=), and every request that changes something
	// must carry it in the header. Empty means a fresh one (NewToken).
	Token string
	// Filename is the spec's name, as the page shows it.
	Filename string
	// Live is the running design, or nil for `serve`.
	Live Live
	// AnyHost accepts requests whose Host header is not a loopback name
	// or address. It is off by default, so that a web page elsewhere
	// cannot reach a console bound to loopback through a DNS name that
	// resolves to 127.0.0.1 (DNS rebinding); a console bound to another
	// interface sets it.
	AnyHost bool
}

// Console serves the page and its API. It is an http.Handler.
type Console struct {
	opt   Options
	mux   *http.ServeMux
	index *template.Template

	mu    sync.Mutex
	state *snapshot
	subs  map[chan event]struct{}
}

// snapshot is one version of the spec and what it designs.
type snapshot struct {
	version int
	source  []byte
	// design is the last design built; a spec saved with errors keeps
	// it, and diagnostics say what is wrong.
	design      *design.Design
	diagnostics diag.Diagnostics
	findings    []analysis.Finding
	svg         []byte
	// ok is false when the spec as saved has errors.
	ok bool
	at time.Time
}

// event is one server-sent event.
type event struct {
	name string
	data []byte
}

// New returns a console with no design yet; Update gives it one.
func New(opt Options) *Console {
	if opt.Token == "" {
		opt.Token = NewToken()
	}
	c := &Console{opt: opt, mux: http.NewServeMux(), subs: map[chan event]struct{}{}, state: &snapshot{}}
	c.index = template.Must(template.ParseFS(assets, "assets/index.html"))
	static, _ := fs.Sub(assets, "assets")
	c.mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	c.mux.HandleFunc("GET /{$}", c.serveIndex)
	c.mux.HandleFunc("GET /api/state", c.api(false, c.serveState))
	c.mux.HandleFunc("GET /api/diagram.svg", c.api(false, c.serveDiagram))
	c.mux.HandleFunc("GET /api/spec", c.api(false, c.serveSpec))
	c.mux.HandleFunc("GET /api/events", c.api(false, c.serveEvents))
	c.mux.HandleFunc("POST /api/reach", c.api(true, c.serveReach))
	c.mux.HandleFunc("POST /api/route", c.api(true, c.serveRoute))
	if opt.Live != nil {
		c.mux.HandleFunc("GET /api/live", c.api(false, c.serveLive))
		c.mux.HandleFunc("POST /api/send", c.api(true, c.serveSend))
		c.mux.HandleFunc("POST /api/faults", c.api(true, c.serveAddFault))
		c.mux.HandleFunc("DELETE /api/faults", c.api(true, c.serveClearFaults))
	}
	return c
}

// Token is the console's token.
func (c *Console) Token() string { return c.opt.Token }

// URL is the page's address on a listener, with the token, as the
// command prints it.
func (c *Console) URL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err == nil && (host == "" || host == "0.0.0.0" || host == "::") {
		addr = net.JoinHostPort("127.0.0.1", port)
	}
	return "http://" + addr + "/?token=" + c.opt.Token
}

// Update gives the console a new version of the spec: its source, the
// design it builds (nil when it has errors) and its diagnostics. The
// page is told at once.
func (c *Console) Update(src []byte, d *design.Design, ds diag.Diagnostics) {
	s := &snapshot{source: src, diagnostics: ds, ok: d != nil && !ds.HasErrors(), at: time.Now()}
	c.mu.Lock()
	prev := c.state
	c.mu.Unlock()
	if d == nil {
		s.design, s.findings, s.svg = prev.design, prev.findings, prev.svg
	} else {
		s.design = d
		s.findings = analysis.Analyze(d).Findings
		var b bytes.Buffer
		if err := diagram.SVG(&b, d); err == nil {
			s.svg = b.Bytes()
		}
	}
	c.mu.Lock()
	s.version = c.state.version + 1
	c.state = s
	c.mu.Unlock()
	data, _ := json.Marshal(map[string]any{"version": s.version, "ok": s.ok, "diagnostics": diagnosticsJSON(ds)})
	c.publish(event{name: "design", data: data})
}

// snap returns the current snapshot.
func (c *Console) snap() *snapshot {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.state
}

// Publish sends a server-sent event to every open page: name is the
// event's type, v its data as JSON.
func (c *Console) Publish(name string, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		return
	}
	c.publish(event{name: name, data: data})
}

func (c *Console) publish(e event) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for ch := range c.subs {
		select {
		case ch <- e:
		default: // a page that does not keep up misses an event, not the others
		}
	}
}

// Subscribers is how many pages are listening for events.
func (c *Console) Subscribers() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.subs)
}

func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !c.opt.AnyHost && !loopbackHost(r.Host) {
		http.Error(w, "netwright console: this console answers only to a loopback host name (localhost, 127.0.0.1, [::1])", http.StatusMisdirectedRequest)
		return
	}
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'")
	c.mux.ServeHTTP(w, r)
}

// loopbackHost reports whether a Host header names this machine's
// loopback.
func loopbackHost(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// tokenOK reports whether a request carries the token: in the header,
// or (when fromCookie) in the cookie.
func (c *Console) tokenOK(r *http.Request, fromCookie bool) bool {
	got := r.Header.Get(TokenHeader)
	if got == "" && fromCookie {
		if ck, err := r.Cookie(tokenCookie); err == nil {
			got = ck.Value
		}
	}
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(c.opt.Token)) == 1
}

// api wraps an API handler: every call needs the token, one that
// changes something in its header (a cookie alone could be sent by
// another site's form).
func (c *Console) api(mutates bool, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !c.tokenOK(r, !mutates) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusForbidden)
			json.NewEncoder(w).Encode(map[string]string{"error": "this call needs the console's token (in the " + TokenHeader + " header): open the URL netwright printed at start"})
			return
		}
		h(w, r)
	}
}

func (c *Console) serveIndex(w http.ResponseWriter, r *http.Request) {
	if q := r.URL.Query().Get("token"); q != "" {
		if subtle.ConstantTimeCompare([]byte(q), []byte(c.opt.Token)) != 1 {
			http.Error(w, "netwright console: wrong token; open the URL netwright printed at start", http.StatusForbidden)
			return
		}
		http.SetCookie(w, &http.Cookie{Name: tokenCookie, Value: q, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
		// Drop the token from the address bar and the history.
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	if !c.tokenOK(r, true) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusForbidden)
		w.Write([]byte(`<!doctype html><html lang="en"><meta charset="utf-8"><title>netwright console: token needed</title><body style="font-family:sans-serif;margin:2rem"><h1>Token needed</h1><p>Open the console with the URL netwright printed when it started (it ends in <code>?token=…</code>).</p></body></html>`))
		return
	}
	mode := "serve"
	if c.opt.Live != nil {
		mode = "up"
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	c.index.Execute(w, map[string]string{"Token": c.opt.Token, "Mode": mode, "Filename": c.opt.Filename})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	enc.Encode(v)
}

func badRequest(w http.ResponseWriter, msg string) {
	writeJSON(w, http.StatusBadRequest, map[string]string{"error": msg})
}

func (c *Console) serveDiagram(w http.ResponseWriter, r *http.Request) {
	s := c.snap()
	if s.svg == nil {
		http.Error(w, "no design yet", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(s.svg)
}

func (c *Console) serveSpec(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(c.snap().source)
}

// keepAlive is how often an idle event stream gets a comment, so proxies
// and the browser keep it open.
const keepAlive = 15 * time.Second

func (c *Console) serveEvents(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	ch := make(chan event, 64)
	c.mu.Lock()
	c.subs[ch] = struct{}{}
	version := c.state.version
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.subs, ch)
		c.mu.Unlock()
	}()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	writeEvent(w, event{name: "hello", data: []byte(`{"version":` + itoa(version) + `}`)})
	fl.Flush()
	tick := time.NewTicker(keepAlive)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case e := <-ch:
			writeEvent(w, e)
			fl.Flush()
		case <-tick.C:
			w.Write([]byte(": keep-alive\n\n"))
			fl.Flush()
		}
	}
}

func writeEvent(w http.ResponseWriter, e event) {
	var b bytes.Buffer
	b.WriteString("event: " + e.name + "\n")
	for _, line := range bytes.Split(e.data, []byte("\n")) {
		b.WriteString("data: ")
		b.Write(line)
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	w.Write(b.Bytes())
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// Serve serves the console on a listener until ctx ends.
func (c *Console) Serve(ctx context.Context, l net.Listener) error {
	// Requests end with ctx, event streams included.
	srv := &http.Server{Handler: c, ReadHeaderTimeout: 10 * time.Second, BaseContext: func(net.Listener) context.Context { return ctx }}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
		srv.Close()
	}()
	err := srv.Serve(l)
	if err == http.ErrServerClosed {
		return nil
	}
	return err
}
