// Package cloudfront runs a design's CloudFront distribution as an edge
// for `netwright up`: the viewers' front door, which picks a request's
// cache behavior by its path pattern, refuses methods the behavior does
// not allow, answers cacheable requests of the static paths from its
// cache as the behavior's managed cache policy says (its cache key and
// TTLs, the origin's Cache-Control and Expires within them), and sends
// everything else to the behavior's origin (a public ALB) with the
// secret origin header (WebSocket upgrades too), failing over inside an
// origin group. Answers carry CloudFront's X-Cache, Via, Age and
// X-Amz-Cf-Id headers.
//
// It owns no socket and reaches no network itself: runtime/up listens
// for viewers and gives it an http.RoundTripper per origin (from the
// internet, and from CloudFront's origin-facing range in netns mode).
// It does not run compression, signed URLs, Lambda@Edge or CloudFront
// Functions, a web ACL, error caching or custom error pages.
package cloudfront

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/netwright/netwright/internal/clock"
	"github.com/netwright/netwright/internal/design"
)

// CachePolicy is what a managed cache policy says: how long objects stay
// and what the cache key holds.
type CachePolicy struct {
	Name                         string
	MinTTL, DefaultTTL, MaxTTL   time.Duration
	QueryStringsInKey            bool
	AcceptEncodingInKey, Enabled bool
}

// Managed cache policies by ID (CloudFront developer guide, "Use managed
// cache policies"): CachingOptimized keeps objects 1 s to a year, a day
// when the origin says nothing, and keys on the path and the normalized
// Accept-Encoding (no query string, header or cookie); CachingDisabled
// caches nothing (all TTLs 0).
var managedPolicies = map[string]CachePolicy{
	design.CachingOptimizedPolicy: {Name: "CachingOptimized", MinTTL: time.Second, DefaultTTL: 24 * time.Hour, MaxTTL: 365 * 24 * time.Hour,
		AcceptEncodingInKey: true, Enabled: true},
	design.CachingDisabledPolicy: {Name: "CachingDisabled"},
}

// Policy returns a managed cache policy by ID.
func Policy(id string) (CachePolicy, bool) {
	p, ok := managedPolicies[id]
	return p, ok
}

// Origin is one origin of the distribution as the edge reaches it.
type Origin struct {
	// ID is the design's origin ID.
	ID string
	// URL is where requests go: scheme and host:port, the request's path
	// and query appended.
	URL *url.URL
	// Transport reaches it.
	Transport http.RoundTripper
}

// Options are what a distribution's edge needs beside the design.
type Options struct {
	// Secret is the origin header's value the origins' ALB rules check
	// (design.OriginSecret stands for it in the design).
	Secret string
	// Origins are the distribution's origins, by design ID.
	Origins map[string]Origin
	// Clock runs the cache's TTLs and Age (the system's when nil).
	Clock clock.Clock
	// MaxObjects and MaxObjectBytes bound the cache: 1024 objects of up to
	// 8 MiB by default; a larger answer is passed on uncached.
	MaxObjects     int
	MaxObjectBytes int64
	// HTTPSPort is the viewers' local HTTPS port, for redirect-to-https.
	HTTPSPort int
	// Counters count the answers; give the same to the edge that replaces
	// this one at a reload, so the counts go on. Nil makes the edge's own.
	Counters *Counters
}

// Counters count an edge's answers by X-Cache: hits, misses (every
// answer from an origin below 400) and errors (the rest, and refusals at
// the edge).
type Counters struct {
	Hits, Misses, Errors atomic.Int64
}

// Edge is a distribution's edge. It is an http.Handler.
type Edge struct {
	dist  *design.Distribution
	opt   Options
	clock clock.Clock
	via   string
	mu    sync.Mutex
	cache map[string]*object
	n     *Counters
}

// object is a cached answer.
type object struct {
	status  int
	header  http.Header
	body    []byte
	stored  time.Time
	expires time.Time
}

// New makes the edge of dist. Every behavior's target must be an origin
// in opt.Origins or the origin group, and its cache policy a managed one
// netwright knows.
func New(dist *design.Distribution, opt Options) (*Edge, error) {
	if dist == nil {
		return nil, errors.New("no distribution")
	}
	if opt.MaxObjects <= 0 {
		opt.MaxObjects = 1024
	}
	if opt.MaxObjectBytes <= 0 {
		opt.MaxObjectBytes = 8 << 20
	}
	if opt.Counters == nil {
		opt.Counters = &Counters{}
	}
	var id [16]byte
	_, _ = rand.Read(id[:]) // crypto/rand does not fail
	e := &Edge{dist: dist, opt: opt, clock: clock.Or(opt.Clock), cache: map[string]*object{}, n: opt.Counters,
		via: "1.1 " + hex.EncodeToString(id[:]) + ".cloudfront.net (CloudFront)"}
	for _, b := range append([]design.CacheBehavior{dist.DefaultBehavior}, dist.Behaviors...) {
		if _, ok := managedPolicies[b.CachePolicy]; !ok {
			return nil, fmt.Errorf("distribution %s: behavior %q has cache policy %s, which netwright does not run", dist.ID, b.PathPattern, b.CachePolicy)
		}
		for _, o := range e.targets(b.Target) {
			if _, ok := opt.Origins[o]; !ok {
				return nil, fmt.Errorf("distribution %s: behavior %q goes to %s, which has no local origin", dist.ID, b.PathPattern, o)
			}
		}
	}
	return e, nil
}

// targets are the origins a behavior's target tries, in order.
func (e *Edge) targets(target string) []string {
	if g := e.dist.OriginGroup; g != nil && g.ID == target {
		return g.Members
	}
	return []string{target}
}

// Behavior returns the cache behavior a path matches: the first of the
// distribution's behaviors in order whose pattern matches, else the
// default one.
func (e *Edge) Behavior(path string) *design.CacheBehavior {
	for i := range e.dist.Behaviors {
		if PathMatch(e.dist.Behaviors[i].PathPattern, path) {
			return &e.dist.Behaviors[i]
		}
	}
	return &e.dist.DefaultBehavior
}

// PathMatch reports whether a CloudFront path pattern matches a path:
// * matches any run of characters (/ included), ? exactly one, the rest
// itself, case-sensitively; a pattern without a leading / is matched as
// if it had one.
func PathMatch(pattern, path string) bool {
	if !strings.HasPrefix(pattern, "/") {
		pattern = "/" + pattern
	}
	// Backtracking on the last * seen: linear enough for paths.
	p, s, star, mark := 0, 0, -1, 0
	for s < len(path) {
		switch {
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == path[s]):
			p++
			s++
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, s
			p++
		case star >= 0:
			p = star + 1
			mark++
			s = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// Stats counts the edge's answers by X-Cache.
type Stats struct {
	Hits, Misses, Errors int64
	Objects              int
}

// Stats says how the edge answered so far.
func (e *Edge) Stats() Stats {
	e.mu.Lock()
	n := len(e.cache)
	e.mu.Unlock()
	return Stats{Hits: e.n.Hits.Load(), Misses: e.n.Misses.Load(), Errors: e.n.Errors.Load(), Objects: n}
}

// ServeHTTP answers a viewer.
func (e *Edge) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b := e.Behavior(r.URL.Path)
	cfID := requestID()
	h := w.Header()
	h.Set("Via", e.via)
	h.Set("X-Amz-Cf-Id", cfID)
	if r.TLS == nil && b.ViewerProtocol == "redirect-to-https" {
		host, _, err := net.SplitHostPort(r.Host)
		if err != nil {
			host = r.Host
		}
		u := *r.URL
		u.Scheme, u.Host = "https", net.JoinHostPort(host, strconv.Itoa(e.opt.HTTPSPort))
		h.Set("X-Cache", "Redirect from cloudfront")
		http.Redirect(w, r, u.String(), http.StatusMovedPermanently)
		return
	}
	if !slices.Contains(b.Methods, r.Method) {
		e.n.Errors.Add(1)
		h.Set("X-Cache", "Error from cloudfront")
		http.Error(w, "403 ERROR: This distribution is not configured to allow the HTTP request method that was used for this request.", http.StatusForbidden)
		return
	}
	if isUpgrade(r) {
		e.n.Misses.Add(1)
		e.upgrade(w, r, b, cfID)
		return
	}
	pol := managedPolicies[b.CachePolicy]
	cacheable := pol.Enabled && (r.Method == http.MethodGet || r.Method == http.MethodHead)
	key := ""
	if cacheable {
		key = e.cacheKey(pol, r)
		if o := e.lookup(key); o != nil {
			e.n.Hits.Add(1)
			e.serveObject(w, r, o, "Hit from cloudfront")
			return
		}
	}
	resp, err := e.forward(r, b, cfID, pol, cacheable)
	if err != nil {
		e.n.Errors.Add(1)
		h.Set("X-Cache", "Error from cloudfront")
		http.Error(w, "502 ERROR: CloudFront wasn't able to connect to the origin.", http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	xcache := "Miss from cloudfront"
	if resp.StatusCode >= 400 {
		xcache = "Error from cloudfront"
		e.n.Errors.Add(1)
	} else {
		e.n.Misses.Add(1)
	}
	if cacheable && cacheableStatus[resp.StatusCode] {
		if ttl, ok := ttl(pol, resp.Header, e.clock.Now()); ok {
			body, err := io.ReadAll(io.LimitReader(resp.Body, e.opt.MaxObjectBytes+1))
			if err != nil {
				e.n.Errors.Add(1)
				h.Set("X-Cache", "Error from cloudfront")
				http.Error(w, "502 ERROR: CloudFront lost the origin's answer.", http.StatusBadGateway)
				return
			}
			if int64(len(body)) <= e.opt.MaxObjectBytes {
				now := e.clock.Now()
				o := &object{status: resp.StatusCode, header: originHeaders(resp.Header), body: body, stored: now, expires: now.Add(ttl)}
				e.store(key, o)
				e.serveObject(w, r, o, xcache)
				return
			}
			resp.Body = struct {
				io.Reader
				io.Closer
			}{io.MultiReader(bytes.NewReader(body), resp.Body), resp.Body}
		}
	}
	for k, vs := range originHeaders(resp.Header) {
		h[k] = vs
	}
	h.Set("X-Cache", xcache)
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(w, resp.Body)
}

// cacheableStatus are the origin answers CloudFront caches by the cache
// policy's TTLs (error answers have their own caching, not run here).
var cacheableStatus = map[int]bool{200: true, 203: true, 300: true, 301: true, 410: true}

// cacheKey is the request's key under a cache policy: the path (the
// distribution's domain, which CloudFront's keys also hold, is the same
// for every key here), the query string when the policy includes it,
// and the normalized Accept-Encoding (br, gzip or nothing) when it does.
func (e *Edge) cacheKey(pol CachePolicy, r *http.Request) string {
	k := r.URL.EscapedPath()
	if pol.QueryStringsInKey && r.URL.RawQuery != "" {
		k += "?" + r.URL.RawQuery
	}
	if pol.AcceptEncodingInKey {
		k += "\x00" + normalizedEncoding(r.Header.Get("Accept-Encoding"))
	}
	return k
}

// normalizedEncoding is Accept-Encoding as CloudFront normalizes it for
// the cache key: br when the viewer accepts it, else gzip, else nothing.
func normalizedEncoding(v string) string {
	has := func(name string) bool {
		for _, part := range strings.Split(v, ",") {
			token, _, _ := strings.Cut(strings.TrimSpace(part), ";")
			if strings.EqualFold(strings.TrimSpace(token), name) {
				return true
			}
		}
		return false
	}
	switch {
	case has("br") && has("gzip"):
		return "br,gzip"
	case has("gzip"):
		return "gzip"
	}
	return ""
}

// lookup returns the cached object under key while it is fresh.
func (e *Edge) lookup(key string) *object {
	e.mu.Lock()
	defer e.mu.Unlock()
	o := e.cache[key]
	if o == nil {
		return nil
	}
	if !e.clock.Now().Before(o.expires) {
		delete(e.cache, key)
		return nil
	}
	return o
}

// store caches o under key, making room first: the expired go, then
// the one expiring soonest.
func (e *Edge) store(key string, o *object) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, ok := e.cache[key]; !ok && len(e.cache) >= e.opt.MaxObjects {
		now := e.clock.Now()
		soonest := ""
		for k, c := range e.cache {
			if !now.Before(c.expires) {
				delete(e.cache, k)
				continue
			}
			if soonest == "" || c.expires.Before(e.cache[soonest].expires) || c.expires.Equal(e.cache[soonest].expires) && k < soonest {
				soonest = k
			}
		}
		if len(e.cache) >= e.opt.MaxObjects {
			delete(e.cache, soonest)
		}
	}
	e.cache[key] = o
}

// serveObject answers with an object, its Age the seconds it has been
// in the cache.
func (e *Edge) serveObject(w http.ResponseWriter, r *http.Request, o *object, xcache string) {
	h := w.Header()
	for k, vs := range o.header {
		h[k] = vs
	}
	if age := int(e.clock.Now().Sub(o.stored) / time.Second); xcache == "Hit from cloudfront" {
		h.Set("Age", strconv.Itoa(max(age, 0)))
	}
	h.Set("X-Cache", xcache)
	h.Set("Content-Length", strconv.Itoa(len(o.body)))
	w.WriteHeader(o.status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(o.body)
	}
}

// hopHeaders are the hop-by-hop headers a proxy does not pass on.
var hopHeaders = []string{"Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Upgrade"}

// originHeaders are an origin answer's headers as CloudFront passes them
// to viewers: without hop-by-hop headers and without the ones the edge
// sets itself.
func originHeaders(in http.Header) http.Header {
	out := in.Clone()
	for _, k := range hopHeaders {
		out.Del(k)
	}
	for _, k := range []string{"Via", "X-Cache", "X-Amz-Cf-Id", "Age"} {
		out.Del(k)
	}
	return out
}

// forward sends the request to the behavior's origins in order: the next
// is tried (GET, HEAD and OPTIONS only, as CloudFront fails over) when one
// does not answer or answers with one of the origin group's failover
// codes.
func (e *Edge) forward(r *http.Request, b *design.CacheBehavior, cfID string, pol CachePolicy, cacheable bool) (*http.Response, error) {
	targets := e.targets(b.Target)
	retryable := r.Method == http.MethodGet || r.Method == http.MethodHead || r.Method == http.MethodOptions
	if !retryable {
		targets = targets[:1]
	}
	// A request that may be sent twice keeps its body (at most
	// MaxObjectBytes); one sent once streams it.
	var body []byte
	buffered := len(targets) > 1 && r.Body != nil && r.Body != http.NoBody
	if buffered {
		var err error
		if body, err = io.ReadAll(io.LimitReader(r.Body, e.opt.MaxObjectBytes)); err != nil {
			return nil, err
		}
	}
	var lastErr error
	for i, id := range targets {
		o := e.opt.Origins[id]
		out := r.Clone(r.Context())
		u := *o.URL
		u.Path, u.RawPath, u.RawQuery = r.URL.Path, r.URL.RawPath, r.URL.RawQuery
		out.URL, out.RequestURI = &u, ""
		out.Host = r.Host // AllViewer passes the viewer's Host on
		if buffered {
			out.Body, out.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
		}
		for _, k := range hopHeaders {
			out.Header.Del(k)
		}
		if cacheable && r.Method == http.MethodHead {
			out.Method = http.MethodGet // CloudFront fills its cache with a GET
		}
		if pol.AcceptEncodingInKey {
			if enc := normalizedEncoding(r.Header.Get("Accept-Encoding")); enc != "" {
				out.Header.Set("Accept-Encoding", enc)
			} else {
				out.Header.Del("Accept-Encoding")
			}
		}
		if ip, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
			if prior := r.Header.Values("X-Forwarded-For"); len(prior) > 0 {
				ip = strings.Join(prior, ", ") + ", " + ip
			}
			out.Header.Set("X-Forwarded-For", ip)
		}
		out.Header.Set("Via", e.via)
		out.Header.Set("X-Amz-Cf-Id", cfID)
		out.Header.Set("CloudFront-Forwarded-Proto", "https")
		// The custom origin header replaces a viewer's of the same name.
		out.Header.Set(design.OriginHeader, e.opt.Secret)
		resp, err := o.Transport.RoundTrip(out)
		last := i == len(targets)-1 || !retryable
		if err != nil {
			lastErr = err
			if last {
				return nil, err
			}
			continue
		}
		if !last && e.dist.OriginGroup != nil && slices.Contains(e.dist.OriginGroup.StatusCodes, resp.StatusCode) {
			resp.Body.Close()
			continue
		}
		return resp, nil
	}
	return nil, lastErr
}

// isUpgrade reports whether a request asks to switch to WebSocket, which
// CloudFront passes to the origin over HTTP/1.1.
func isUpgrade(r *http.Request) bool {
	if r.ProtoMajor != 1 || !strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
		return false
	}
	for _, v := range r.Header.Values("Connection") {
		for _, token := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(token), "upgrade") {
				return true
			}
		}
	}
	return false
}

// upgrade passes a WebSocket upgrade to the behavior's first origin with
// the origin header, and the session both ways once the origin switches
// protocols (httputil.ReverseProxy's upgrade handling); nothing of it is
// cached.
func (e *Edge) upgrade(w http.ResponseWriter, r *http.Request, b *design.CacheBehavior, cfID string) {
	o := e.opt.Origins[e.targets(b.Target)[0]]
	rp := &httputil.ReverseProxy{
		Transport: o.Transport,
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(o.URL)
			pr.Out.Host = pr.In.Host
			pr.SetXForwarded()
			pr.Out.Header.Del("X-Forwarded-Host")
			pr.Out.Header.Del("X-Forwarded-Proto")
			pr.Out.Header.Set("Via", e.via)
			pr.Out.Header.Set("X-Amz-Cf-Id", cfID)
			pr.Out.Header.Set("CloudFront-Forwarded-Proto", "https")
			pr.Out.Header.Set(design.OriginHeader, e.opt.Secret)
		},
		ModifyResponse: func(resp *http.Response) error {
			resp.Header.Set("X-Cache", "Miss from cloudfront")
			return nil
		},
		ErrorHandler: func(w http.ResponseWriter, _ *http.Request, _ error) {
			e.n.Errors.Add(1)
			w.Header().Set("X-Cache", "Error from cloudfront")
			http.Error(w, "502 ERROR: CloudFront wasn't able to connect to the origin.", http.StatusBadGateway)
		},
	}
	rp.ServeHTTP(w, r)
}

// ttl is how long an answer stays cached under a policy (CloudFront
// developer guide, "Manage how long content stays in the cache"):
// Cache-Control's s-maxage, else max-age, else Expires, held within the
// policy's minimum and maximum; the default TTL when the origin says
// nothing; no-cache, no-store and private cache for the minimum TTL, or
// not at all when it is 0.
func ttl(pol CachePolicy, h http.Header, now time.Time) (time.Duration, bool) {
	clamp := func(d time.Duration) (time.Duration, bool) {
		d = min(max(d, pol.MinTTL), pol.MaxTTL)
		return d, d > 0
	}
	var maxAge, sMaxAge time.Duration = -1, -1
	for _, v := range h.Values("Cache-Control") {
		for _, dir := range strings.Split(v, ",") {
			name, val, _ := strings.Cut(strings.TrimSpace(dir), "=")
			name = strings.ToLower(strings.TrimSpace(name))
			switch name {
			case "no-cache", "no-store", "private":
				if pol.MinTTL <= 0 {
					return 0, false
				}
				return pol.MinTTL, true
			case "max-age", "s-maxage":
				n, err := strconv.Atoi(strings.Trim(strings.TrimSpace(val), `"`))
				if err != nil || n < 0 {
					continue
				}
				if name == "max-age" {
					maxAge = time.Duration(n) * time.Second
				} else {
					sMaxAge = time.Duration(n) * time.Second
				}
			}
		}
	}
	switch {
	case sMaxAge >= 0:
		return clamp(sMaxAge)
	case maxAge >= 0:
		return clamp(maxAge)
	}
	if v := h.Get("Expires"); v != "" {
		if t, err := http.ParseTime(v); err == nil {
			return clamp(t.Sub(now))
		}
		return clamp(0) // an invalid Expires is in the past
	}
	return clamp(pol.DefaultTTL)
}

// requestID is a fresh X-Amz-Cf-Id: 40 random bytes in URL-safe base64,
// 56 characters ending in ==, as CloudFront's are.
func requestID() string {
	var b [40]byte
	_, _ = rand.Read(b[:])
	return base64.URLEncoding.EncodeToString(b[:])
}
