package albrules

import (
	"net/netip"
	"testing"

	"github.com/netwright/netwright/internal/design"
)

func TestGlob(t *testing.T) {
	tests := []struct {
		pattern, s string
		fold, want bool
	}{
		{"*.example.com", "api.example.com", true, true},
		{"*.example.com", "example.com", true, false}, // the AWS-FACTS trap
		{"*.example.com", "a.b.example.com", true, true},
		{"API.example.com", "api.EXAMPLE.com", true, true},
		{"/API/*", "/api/x", false, false}, // paths are case-sensitive
		{"/api/*", "/api/", false, true},
		{"/api/*", "/api", false, false},
		{"/api/?", "/api/v", false, true},
		{"/api/?", "/api/", false, false},
		{"/api/?", "/api/v1", false, false},
		{"/a*b*c", "/axxbyyc", false, true},
		{"/a*b*c", "/axxbyy", false, false},
		{"*", "", false, true},
		{"", "", false, true},
		{"", "x", false, false},
		{"/img/*.png", "/img/a/b.png", false, true},
	}
	for _, tt := range tests {
		if got := Glob(tt.pattern, tt.s, tt.fold); got != tt.want {
			t.Errorf("Glob(%q, %q, fold=%v) = %v; want %v", tt.pattern, tt.s, tt.fold, got, tt.want)
		}
	}
}

func TestCovers(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"/api/*", "/api/v1", true},
		{"/api/*", "/api/v1/*", true},
		{"/api/*", "/api/?", true},
		{"/api/?", "/api/*", false},
		{"/api/v1", "/api/*", false},
		{"/a/*", "/a/*/c", true},
		{"/a/*/c", "/a/*", false},
		{"*", "/anything/*", true},
		{"/x", "/x", true},
		{"/x", "/y", false},
		{"/?/b", "/a/b", true},
	}
	for _, tt := range tests {
		if got := Covers(tt.a, tt.b, false); got != tt.want {
			t.Errorf("Covers(%q, %q) = %v; want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

// TestCoversAgreesWithGlob checks Covers against Glob on sample strings:
// when a covers b, every sample b matches a matches too.
func TestCoversAgreesWithGlob(t *testing.T) {
	patterns := []string{"/a*", "/a/*", "/a/?", "/a/b", "/*/b", "/a*b", "*", "/a?*", "/?", "/a/*/c"}
	samples := []string{"/a", "/a/", "/a/b", "/ab", "/a/bb", "/x/b", "/a/x/c", "/axb", "/", "/a/b/c", "/b"}
	for _, a := range patterns {
		for _, b := range patterns {
			if !Covers(a, b, false) {
				continue
			}
			for _, s := range samples {
				if Glob(b, s, false) && !Glob(a, s, false) {
					t.Errorf("Covers(%q, %q) but %q matches only the second", a, b, s)
				}
			}
		}
	}
}

func listener() *design.Listener {
	return &design.Listener{
		Port: 443, Protocol: "HTTPS",
		DefaultAction: design.Action{Type: design.ActionForward, Forward: []design.WeightedTarget{{TargetGroup: "tg-web", Weight: 1}}},
		Rules: []design.ListenerRule{
			{Priority: 10, Source: "exact host", Conditions: design.Conditions{Host: "admin.example.com"}},
			{Priority: 20, Source: "wildcard host and path", Conditions: design.Conditions{Host: "*.example.com", Path: "/api/*"}},
			{Priority: 30, Source: "canary header", Conditions: design.Conditions{Headers: []design.KeyValue{{Key: "X-Canary", Value: "true"}}}},
			{Priority: 40, Source: "query", Conditions: design.Conditions{Query: []design.KeyValue{{Key: "version", Value: "2"}}}},
			{Priority: 50, Source: "office", Conditions: design.Conditions{Path: "/internal/*", SourceIPs: []netip.Prefix{netip.MustParsePrefix("203.0.113.0/24")}}},
			{Priority: 60, Source: "post", Conditions: design.Conditions{Path: "/upload", Methods: []string{"POST", "PUT"}}},
		},
	}
}

func TestEvaluate(t *testing.T) {
	office := netip.MustParseAddr("203.0.113.7")
	home := netip.MustParseAddr("198.51.100.1")
	tests := []struct {
		name string
		req  Request
		want string // rule source, or "default"
	}{
		{"exact host, any case, with port", Request{Host: "ADMIN.example.com:443", Path: "/"}, "exact host"},
		{"wildcard host needs a subdomain", Request{Host: "example.com", Path: "/api/x"}, "default"},
		{"wildcard host and path", Request{Host: "shop.example.com", Path: "/api/orders"}, "wildcard host and path"},
		{"path is case-sensitive", Request{Host: "shop.example.com", Path: "/API/orders"}, "default"},
		{"header name and value ignore case", Request{Host: "x", Path: "/", Headers: map[string][]string{"x-canary": {"TRUE"}}}, "canary header"},
		{"query value", Request{Host: "x", Path: "/", Query: map[string][]string{"version": {"2"}}}, "query"},
		{"query value mismatch", Request{Host: "x", Path: "/", Query: map[string][]string{"version": {"3"}}}, "default"},
		{"source ip inside", Request{Host: "x", Path: "/internal/a", SourceIP: office}, "office"},
		{"source ip outside", Request{Host: "x", Path: "/internal/a", SourceIP: home}, "default"},
		{"method matches", Request{Host: "x", Path: "/upload", Method: "PUT"}, "post"},
		{"method is case-sensitive", Request{Host: "x", Path: "/upload", Method: "put"}, "default"},
		{"lower priority first", Request{Host: "admin.example.com", Path: "/api/x", Headers: map[string][]string{"X-Canary": {"true"}}}, "exact host"},
	}
	l := listener()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := "default"
			if r := Evaluate(l, &tt.req); r != nil {
				got = r.Source
			}
			if got != tt.want {
				t.Errorf("Evaluate(%+v) = %q; want %q", tt.req, got, tt.want)
			}
		})
	}
}

func TestSubsumes(t *testing.T) {
	p := func(s string) []netip.Prefix { return []netip.Prefix{netip.MustParsePrefix(s)} }
	tests := []struct {
		name string
		a, b design.Conditions
		want bool
	}{
		{"path prefix covers longer path", design.Conditions{Path: "/api/*"}, design.Conditions{Path: "/api/v1/*", Methods: []string{"GET"}}, true},
		{"extra condition on a narrows it", design.Conditions{Path: "/api/*", Methods: []string{"GET"}}, design.Conditions{Path: "/api/v1"}, false},
		{"host wildcard covers exact", design.Conditions{Host: "*.example.com"}, design.Conditions{Host: "a.example.com", Path: "/x"}, true},
		{"wider source range", design.Conditions{SourceIPs: p("10.0.0.0/8")}, design.Conditions{SourceIPs: p("10.1.0.0/16")}, true},
		{"narrower source range", design.Conditions{SourceIPs: p("10.1.0.0/16")}, design.Conditions{SourceIPs: p("10.0.0.0/8")}, false},
		{"no conditions covers all", design.Conditions{}, design.Conditions{Path: "/x"}, true},
		{"header covered", design.Conditions{Headers: []design.KeyValue{{Key: "x-a", Value: "*"}}}, design.Conditions{Headers: []design.KeyValue{{Key: "X-A", Value: "1"}}}, true},
		{"header absent in b", design.Conditions{Headers: []design.KeyValue{{Key: "x-a", Value: "*"}}}, design.Conditions{}, false},
	}
	for _, tt := range tests {
		if got := Subsumes(&tt.a, &tt.b); got != tt.want {
			t.Errorf("%s: Subsumes = %v; want %v", tt.name, got, tt.want)
		}
	}
}

// TestNoAllocs guards the matcher, which the local runtime runs on every
// request.
func TestNoAllocs(t *testing.T) {
	l := listener()
	req := &Request{Host: "shop.example.com", Path: "/api/orders", Method: "GET",
		Headers: map[string][]string{"X-Canary": {"false"}}, SourceIP: netip.MustParseAddr("198.51.100.1")}
	allocs := testing.AllocsPerRun(1000, func() {
		if Evaluate(l, req) == nil {
			t.Fatal("no rule matched")
		}
	})
	if allocs != 0 {
		t.Errorf("Evaluate allocates %.1f times per request; want 0", allocs)
	}
}

func BenchmarkEvaluate(b *testing.B) {
	l := listener()
	req := &Request{Host: "other.example.org", Path: "/static/app.js", Method: "GET", SourceIP: netip.MustParseAddr("198.51.100.1")}
	b.ReportAllocs()
	for b.Loop() {
		Evaluate(l, req)
	}
}

// TestQueryStringEscapes: in a query-string condition a backslash makes
// * and ? literal, as ALB's query-string conditions document; unescaped
// they stay wildcards. Other conditions keep no escapes.
func TestQueryStringEscapes(t *testing.T) {
	for _, tt := range []struct {
		pattern, s string
		want       bool
	}{
		{`a\*b`, "a*b", true},
		{`a\*b`, "axxb", false},
		{`a\?b`, "a?b", true},
		{`a\?b`, "axb", false},
		{`a*b`, "axxb", true},
		{`\*`, "*", true},
		{`\*`, "x", false},
		{`a\\b`, `a\b`, true},
		{`a\*b*`, "a*bcd", true},
		{`*\?`, "why?", true},
		{`*\?`, "why", false},
		{`A\*B`, "a*b", true}, // values compare without case
	} {
		if got := GlobEscaped(tt.pattern, tt.s, true); got != tt.want {
			t.Errorf("GlobEscaped(%q, %q) = %v; want %v", tt.pattern, tt.s, got, tt.want)
		}
	}
	l := &design.Listener{Rules: []design.ListenerRule{
		{Priority: 1, Conditions: design.Conditions{Query: []design.KeyValue{{Key: "q", Value: `2\*3`}}}},
		{Priority: 2, Conditions: design.Conditions{Query: []design.KeyValue{{Key: `we\?rd`, Value: "*"}}}},
	}}
	for _, tt := range []struct {
		query map[string][]string
		want  int
	}{
		{map[string][]string{"q": {"2*3"}}, 1},
		{map[string][]string{"q": {"2x3"}}, 0},
		{map[string][]string{"we?rd": {"x"}}, 2},
		{map[string][]string{"weird": {"x"}}, 0},
	} {
		got := 0
		if r := Evaluate(l, &Request{Query: tt.query}); r != nil {
			got = r.Priority
		}
		if got != tt.want {
			t.Errorf("query %v matched rule %d; want %d", tt.query, got, tt.want)
		}
	}
	// A literal star covers only itself; a wildcard covers it.
	if CoversEscaped(`a\*`, `a*`, true) || !CoversEscaped(`a*`, `a\*`, true) || !CoversEscaped(`a\*`, `a\*`, true) {
		t.Error("CoversEscaped does not tell a literal star from a wildcard")
	}
	if allocs := testing.AllocsPerRun(1000, func() { sink = GlobEscaped(`a\*b*c?`, "a*bxxcy", true) }); allocs != 0 {
		t.Errorf("GlobEscaped allocates %v times", allocs)
	}
}

// sink keeps the result of a call measured for allocations.
var sink bool
