package cloudfront

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/netwright/netwright/internal/clock/clocktest"
	"github.com/netwright/netwright/internal/design"
)

func TestPathMatch(t *testing.T) {
	for _, c := range []struct {
		pattern, path string
		want          bool
	}{
		{"/assets/*", "/assets/app.js", true},
		{"/assets/*", "/assets/img/a.png", true},
		{"/assets/*", "/assets/", true},
		{"/assets/*", "/assets", false},
		{"/assets/*", "/Assets/app.js", false},
		{"/favicon.ico", "/favicon.ico", true},
		{"/favicon.ico", "/favicon.icon", false},
		{"*.jpg", "/a/b.jpg", true},
		{"/images/*.jpg", "/images/x.png", false},
		{"/v?/x", "/v1/x", true},
		{"/v?/x", "/v12/x", false},
	} {
		if got := PathMatch(c.pattern, c.path); got != c.want {
			t.Errorf("PathMatch(%q, %q) = %v; want %v", c.pattern, c.path, got, c.want)
		}
	}
}

func TestTTL(t *testing.T) {
	opt, _ := Policy(design.CachingOptimizedPolicy)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name   string
		header http.Header
		want   time.Duration
		cached bool
	}{
		{"nothing said: the default TTL", http.Header{}, 24 * time.Hour, true},
		{"max-age", http.Header{"Cache-Control": {"public, max-age=60"}}, time.Minute, true},
		{"s-maxage before max-age", http.Header{"Cache-Control": {"max-age=60, s-maxage=120"}}, 2 * time.Minute, true},
		{"max-age 0: the minimum TTL", http.Header{"Cache-Control": {"max-age=0"}}, time.Second, true},
		{"past the maximum", http.Header{"Cache-Control": {"max-age=999999999"}}, 365 * 24 * time.Hour, true},
		{"no-store: the minimum TTL", http.Header{"Cache-Control": {"no-store"}}, time.Second, true},
		{"Expires", http.Header{"Expires": {now.Add(time.Hour).Format(http.TimeFormat)}}, time.Hour, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, ok := ttl(opt, c.header, now)
			if got != c.want || ok != c.cached {
				t.Errorf("ttl(%v) = %v, %v; want %v, %v", c.header, got, ok, c.want, c.cached)
			}
		})
	}
	disabled, _ := Policy(design.CachingDisabledPolicy)
	if _, ok := ttl(disabled, http.Header{"Cache-Control": {"max-age=60"}}, now); ok {
		t.Error("CachingDisabled cached an answer")
	}
}

// origin is a fake ALB counting the requests that carry the secret.
type origin struct {
	calls, refused atomic.Int64
	lastVia        atomic.Value
	cacheControl   string
	status         int
}

func (o *origin) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get(design.OriginHeader) != "s3cret" {
		o.refused.Add(1)
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	o.calls.Add(1)
	o.lastVia.Store(r.Header.Get("Via"))
	if o.cacheControl != "" {
		w.Header().Set("Cache-Control", o.cacheControl)
	}
	w.WriteHeader(max(o.status, 200))
	io.WriteString(w, "body of "+r.URL.RequestURI())
}

func distribution(group bool) *design.Distribution {
	d := &design.Distribution{ID: "cf-x",
		Origins:         []design.CloudFrontOrigin{{ID: "origin-a"}, {ID: "origin-b"}},
		DefaultBehavior: design.CacheBehavior{Target: "origin-a", Methods: []string{"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"}, CachePolicy: design.CachingDisabledPolicy},
		Behaviors:       []design.CacheBehavior{{PathPattern: "/assets/*", Target: "origin-a", Methods: []string{"GET", "HEAD", "OPTIONS"}, CachePolicy: design.CachingOptimizedPolicy}},
	}
	if group {
		d.OriginGroup = &design.OriginGroup{ID: "group", Members: []string{"origin-a", "origin-b"}, StatusCodes: []int{500, 502, 503, 504}}
		d.Behaviors[0].Target = "group"
	}
	return d
}

func edgeFor(t *testing.T, dist *design.Distribution, origins map[string]http.Handler) (*Edge, *clocktest.Clock) {
	t.Helper()
	clk := clocktest.New(t)
	opt := Options{Secret: "s3cret", Clock: clk, Origins: map[string]Origin{}}
	for id, h := range origins {
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		u, _ := url.Parse(srv.URL)
		opt.Origins[id] = Origin{ID: id, URL: u, Transport: srv.Client().Transport}
	}
	e, err := New(dist, opt)
	if err != nil {
		t.Fatal(err)
	}
	return e, clk
}

func get(t *testing.T, e *Edge, method, target string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, "https://shop.example.com"+target, nil)
	w := httptest.NewRecorder()
	e.ServeHTTP(w, r)
	return w
}

var cfID = regexp.MustCompile(`^[A-Za-z0-9_-]{54}==$`)

// TestStaticPathsCached: a static path is fetched from the origin once,
// with the secret header, then answered from the cache (X-Cache Hit, an
// Age) until its max-age passes; the query string is not in
// CachingOptimized's key; the dynamic path goes to the origin each time.
func TestStaticPathsCached(t *testing.T) {
	o := &origin{cacheControl: "max-age=60"}
	e, clk := edgeFor(t, distribution(false), map[string]http.Handler{"origin-a": o, "origin-b": o})
	w := get(t, e, "GET", "/assets/app.js")
	if w.Code != 200 || w.Header().Get("X-Cache") != "Miss from cloudfront" || w.Body.String() != "body of /assets/app.js" {
		t.Fatalf("first GET: %d %q %q", w.Code, w.Header().Get("X-Cache"), w.Body)
	}
	if via := w.Header().Get("Via"); !regexp.MustCompile(`^1\.1 [0-9a-f]{32}\.cloudfront\.net \(CloudFront\)$`).MatchString(via) || o.lastVia.Load() != via {
		t.Errorf("Via %q to the viewer, %q to the origin", via, o.lastVia.Load())
	}
	if id := w.Header().Get("X-Amz-Cf-Id"); !cfID.MatchString(id) {
		t.Errorf("X-Amz-Cf-Id %q", id)
	}
	clk.Advance(30 * time.Second)
	w = get(t, e, "GET", "/assets/app.js?v=2")
	if w.Header().Get("X-Cache") != "Hit from cloudfront" || w.Header().Get("Age") != "30" || w.Body.String() != "body of /assets/app.js" {
		t.Fatalf("second GET: %q age %q %q", w.Header().Get("X-Cache"), w.Header().Get("Age"), w.Body)
	}
	if w := get(t, e, "HEAD", "/assets/app.js"); w.Header().Get("X-Cache") != "Hit from cloudfront" || w.Body.Len() != 0 {
		t.Errorf("HEAD: %q with %d bytes", w.Header().Get("X-Cache"), w.Body.Len())
	}
	if n := o.calls.Load(); n != 1 {
		t.Fatalf("the origin was called %d times; want 1", n)
	}
	clk.Advance(31 * time.Second)
	if w := get(t, e, "GET", "/assets/app.js"); w.Header().Get("X-Cache") != "Miss from cloudfront" {
		t.Errorf("after max-age: %q", w.Header().Get("X-Cache"))
	}
	for range 3 {
		if w := get(t, e, "GET", "/api/orders"); w.Header().Get("X-Cache") != "Miss from cloudfront" {
			t.Errorf("dynamic path: %q", w.Header().Get("X-Cache"))
		}
	}
	if n := o.calls.Load(); n != 5 {
		t.Errorf("the origin was called %d times; want 5 (the expired object and three dynamic requests)", n)
	}
	if o.refused.Load() != 0 {
		t.Errorf("%d requests reached the origin without the secret", o.refused.Load())
	}
	if st := e.Stats(); st.Hits != 2 || st.Misses != 5 {
		t.Errorf("stats %+v", st)
	}
}

// TestMethodsAndErrors: a POST to a static path is refused at the edge;
// an origin's 403 is passed on as "Error from cloudfront" and not
// cached; a viewer's own origin header is replaced.
func TestMethodsAndErrors(t *testing.T) {
	o := &origin{status: 403}
	e, _ := edgeFor(t, distribution(false), map[string]http.Handler{"origin-a": o, "origin-b": o})
	if w := get(t, e, "POST", "/assets/x"); w.Code != 403 || o.calls.Load() != 0 {
		t.Errorf("POST to a static path: %d, origin called %d times", w.Code, o.calls.Load())
	}
	for range 2 {
		if w := get(t, e, "GET", "/assets/x"); w.Code != 403 || w.Header().Get("X-Cache") != "Error from cloudfront" {
			t.Errorf("origin 403: %d %q", w.Code, w.Header().Get("X-Cache"))
		}
	}
	if o.calls.Load() != 2 {
		t.Errorf("an error answer was cached: origin called %d times", o.calls.Load())
	}
	r := httptest.NewRequest("GET", "https://shop.example.com/api", nil)
	r.Header.Set(design.OriginHeader, "guess")
	w := httptest.NewRecorder()
	e.ServeHTTP(w, r)
	if o.refused.Load() != 0 {
		t.Errorf("the viewer's origin header reached the origin")
	}
}

// TestOriginGroupFailover: a static GET that the primary answers 503
// goes to the secondary; the default behavior's POST does not fail over.
func TestOriginGroupFailover(t *testing.T) {
	bad, good := &origin{status: 503}, &origin{}
	e, _ := edgeFor(t, distribution(true), map[string]http.Handler{"origin-a": bad, "origin-b": good})
	if w := get(t, e, "GET", "/assets/x"); w.Code != 200 || !strings.HasPrefix(w.Body.String(), "body of") {
		t.Fatalf("failover: %d %q", w.Code, w.Body)
	}
	if bad.calls.Load() != 1 || good.calls.Load() != 1 {
		t.Errorf("primary %d, secondary %d calls", bad.calls.Load(), good.calls.Load())
	}
	if w := get(t, e, "POST", "/api"); w.Code != 503 {
		t.Errorf("POST on the default behavior: %d; want the primary's 503", w.Code)
	}
}

// TestRedirectToHTTPS: a viewer over HTTP is sent to HTTPS on the local
// HTTPS port.
func TestRedirectToHTTPS(t *testing.T) {
	dist := distribution(false)
	dist.DefaultBehavior.ViewerProtocol = "redirect-to-https"
	o := &origin{}
	e, _ := edgeFor(t, dist, map[string]http.Handler{"origin-a": o, "origin-b": o})
	e.opt.HTTPSPort = 9443
	r := httptest.NewRequest("GET", "http://localhost:9080/x?y=1", nil)
	r.TLS = nil
	w := httptest.NewRecorder()
	e.ServeHTTP(w, r)
	if w.Code != http.StatusMovedPermanently || w.Header().Get("Location") != "https://localhost:9443/x?y=1" {
		t.Errorf("redirect: %d %q", w.Code, w.Header().Get("Location"))
	}
}

// TestBodiesAndUnreachableOrigins: a POST's body reaches the origin; an
// origin that does not answer gets the viewer CloudFront's 502.
func TestBodiesAndUnreachableOrigins(t *testing.T) {
	echo := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Write(b)
	})
	e, _ := edgeFor(t, distribution(false), map[string]http.Handler{"origin-a": echo, "origin-b": echo})
	r := httptest.NewRequest("POST", "https://shop.example.com/orders", strings.NewReader("an order"))
	w := httptest.NewRecorder()
	e.ServeHTTP(w, r)
	if w.Code != 200 || w.Body.String() != "an order" {
		t.Errorf("POST: %d %q", w.Code, w.Body)
	}
	gone := httptest.NewServer(echo)
	u, _ := url.Parse(gone.URL)
	gone.Close()
	e.opt.Origins["origin-a"] = Origin{ID: "origin-a", URL: u, Transport: &http.Transport{}}
	if w := get(t, e, "GET", "/orders"); w.Code != http.StatusBadGateway || w.Header().Get("X-Cache") != "Error from cloudfront" {
		t.Errorf("an origin that does not answer: %d %q", w.Code, w.Header().Get("X-Cache"))
	}
}

// TestWebSocket: an upgrade goes to the origin with the origin header,
// and the session carries messages both ways.
func TestWebSocket(t *testing.T) {
	var secret atomic.Value
	origin := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		secret.Store(r.Header.Get(design.OriginHeader))
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer c.CloseNow()
		for {
			typ, msg, err := c.Read(r.Context())
			if err != nil {
				return
			}
			if err := c.Write(r.Context(), typ, msg); err != nil {
				return
			}
		}
	})
	e, _ := edgeFor(t, distribution(false), map[string]http.Handler{"origin-a": origin, "origin-b": origin})
	viewer := httptest.NewServer(e)
	defer viewer.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, resp, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(viewer.URL, "http")+"/live", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	if resp.Header.Get("X-Cache") != "Miss from cloudfront" || secret.Load() != "s3cret" {
		t.Errorf("upgrade: X-Cache %q, origin header %q", resp.Header.Get("X-Cache"), secret.Load())
	}
	if err := c.Write(ctx, websocket.MessageText, []byte("hello")); err != nil {
		t.Fatal(err)
	}
	if _, msg, err := c.Read(ctx); err != nil || string(msg) != "hello" {
		t.Errorf("echo: %q, %v", msg, err)
	}
	c.Close(websocket.StatusNormalClosure, "")
}

// BenchmarkHit is a cached object's answer, the edge's hot path.
func BenchmarkHit(b *testing.B) {
	o := &origin{cacheControl: "max-age=3600"}
	srv := httptest.NewServer(o)
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	e, err := New(distribution(false), Options{Secret: "s3cret", Origins: map[string]Origin{
		"origin-a": {ID: "origin-a", URL: u, Transport: srv.Client().Transport}, "origin-b": {ID: "origin-b", URL: u, Transport: srv.Client().Transport}}})
	if err != nil {
		b.Fatal(err)
	}
	r := httptest.NewRequest("GET", "https://shop.example.com/assets/app.js", nil)
	e.ServeHTTP(httptest.NewRecorder(), r)
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		e.ServeHTTP(w, r)
		if w.Header().Get("X-Cache") != "Hit from cloudfront" {
			b.Fatal(w.Header().Get("X-Cache"))
		}
	}
}
