// Package albrules evaluates Application Load Balancer listener rules with
// ALB's semantics, for `netwright route`, the local runtime and the rule
// architect's shadowing checks: host-header matching is case-insensitive
// and ignores the port, path-pattern is case-sensitive and sees the path
// without the query string, * matches any run of characters and ? exactly
// one (in query-string conditions a backslash makes either literal),
// http-header and query-string values compare case-insensitively,
// methods case-sensitively, and rules are tried by ascending priority with
// the default action last.
//
// It owns matching only; which rules exist and in what order is the plan's.
package albrules

import (
	"net/netip"
	"strings"

	"github.com/netwright/netwright/internal/design"
)

// Request is what a listener rule can see of an HTTP request.
type Request struct {
	// Host is the Host header, with or without a port.
	Host string
	// Path is the URL path, without the query string.
	Path   string
	Method string
	// Headers maps a header name (any case) to its values.
	Headers map[string][]string
	// Query maps a query key to its values.
	Query    map[string][]string
	SourceIP netip.Addr
}

// Evaluate returns the first rule of the listener, by ascending priority,
// whose conditions all match, or nil when the default action applies. The
// listener's rules must already be sorted by priority, as plan writes them.
func Evaluate(l *design.Listener, r *Request) *design.ListenerRule {
	for i := range l.Rules {
		if Match(&l.Rules[i].Conditions, r) {
			return &l.Rules[i]
		}
	}
	return nil
}

// Match reports whether every condition matches the request.
func Match(c *design.Conditions, r *Request) bool {
	if c.Host != "" && !Glob(c.Host, hostOnly(r.Host), true) {
		return false
	}
	if c.Path != "" && !Glob(c.Path, r.Path, false) {
		return false
	}
	if len(c.Methods) > 0 && !containsExact(c.Methods, r.Method) {
		return false
	}
	for _, h := range c.Headers {
		if !headerMatches(h, r.Headers) {
			return false
		}
	}
	for _, q := range c.Query {
		if !queryMatches(q, r.Query) {
			return false
		}
	}
	if len(c.SourceIPs) > 0 {
		ok := false
		for _, p := range c.SourceIPs {
			ok = ok || r.SourceIP.IsValid() && p.Contains(r.SourceIP.Unmap())
		}
		if !ok {
			return false
		}
	}
	return true
}

// hostOnly drops a ":port" suffix and IPv6 brackets from a Host header,
// without allocating.
func hostOnly(h string) string {
	if strings.HasPrefix(h, "[") {
		if end := strings.IndexByte(h, ']'); end > 0 {
			return h[1:end]
		}
		return h
	}
	if i := strings.LastIndexByte(h, ':'); i >= 0 && strings.IndexByte(h, ':') == i {
		return h[:i]
	}
	return h
}

func containsExact(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// headerMatches checks an http-header condition: the name compares
// without case, and any value of the header may match.
func headerMatches(kv design.KeyValue, h map[string][]string) bool {
	for k, vs := range h {
		if strings.EqualFold(k, kv.Key) && anyGlob(kv.Value, vs) {
			return true
		}
	}
	return false
}

func anyGlob(pattern string, values []string) bool {
	for _, v := range values {
		if Glob(pattern, v, true) {
			return true
		}
	}
	return false
}

// queryMatches checks a query-string condition. An empty key matches the
// value against every parameter's value. A backslash escapes a literal
// * or ? (or backslash) in the key and the value, as ALB's query-string
// conditions do.
func queryMatches(kv design.KeyValue, q map[string][]string) bool {
	for k, vs := range q {
		if kv.Key != "" && !GlobEscaped(kv.Key, k, true) {
			continue
		}
		for _, v := range vs {
			if GlobEscaped(kv.Value, v, true) {
				return true
			}
		}
	}
	return false
}

// Glob reports whether s matches pattern, where * matches any run of
// characters (also none) and ? exactly one; fold compares letters without
// case. It runs in O(len(pattern) x len(s)) time and allocates nothing.
func Glob(pattern, s string, fold bool) bool {
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case p < len(pattern) && (pattern[p] == '?' || same(pattern[p], s[i], fold)):
			p++
			i++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// GlobEscaped is Glob where a backslash makes the character after it
// literal: \* and \? match a star and a question mark, \\ a backslash.
// It allocates nothing either.
func GlobEscaped(pattern, s string, fold bool) bool {
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		c, width := byte(0), 0
		if p < len(pattern) {
			c, width = pattern[p], 1
			if c == '\\' && p+1 < len(pattern) {
				c, width = pattern[p+1], 2
			}
		}
		switch {
		case width == 1 && c == '*':
			star, mark = p, i
			p++
		case width == 1 && c == '?' || width > 0 && same(c, s[i], fold):
			p += width
			i++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

func same(a, b byte, fold bool) bool {
	if a == b {
		return true
	}
	if !fold {
		return false
	}
	if 'A' <= a && a <= 'Z' {
		a += 'a' - 'A'
	}
	if 'A' <= b && b <= 'Z' {
		b += 'a' - 'A'
	}
	return a == b
}

// Covers reports whether every string pattern b matches is also matched by
// pattern a: a rule on a catches every request a rule on b would. A * in b
// can only be covered by a * in a; a ? in b by a ? or a * in a.
func Covers(a, b string, fold bool) bool {
	return covers(tokens(a, false), tokens(b, false), fold)
}

// CoversEscaped is Covers for patterns with GlobEscaped's backslash
// escapes (query-string conditions).
func CoversEscaped(a, b string, fold bool) bool {
	return covers(tokens(a, true), tokens(b, true), fold)
}

// A pattern token: a literal byte (0-255), or one of these.
const (
	tokStar = -1
	tokAny  = -2
)

// tokens splits a pattern into literal bytes and wildcards; with escapes,
// a backslash makes the character after it literal.
func tokens(p string, escapes bool) []int {
	out := make([]int, 0, len(p))
	for i := 0; i < len(p); i++ {
		switch c := p[i]; {
		case escapes && c == '\\' && i+1 < len(p):
			i++
			out = append(out, int(p[i]))
		case c == '*':
			out = append(out, tokStar)
		case c == '?':
			out = append(out, tokAny)
		default:
			out = append(out, int(c))
		}
	}
	return out
}

// covers reports whether token pattern a covers token pattern b.
func covers(a, b []int, fold bool) bool {
	// memo[i][j]: a[i:] covers b[j:].
	memo := make([][]int8, len(a)+1)
	for i := range memo {
		memo[i] = make([]int8, len(b)+1)
	}
	var cov func(i, j int) bool
	cov = func(i, j int) bool {
		if m := memo[i][j]; m != 0 {
			return m > 0
		}
		var ok bool
		switch {
		case i == len(a):
			ok = j == len(b)
		case a[i] == tokStar:
			// The star takes nothing, or one more character of b.
			ok = cov(i+1, j) || j < len(b) && cov(i, j+1)
		case j == len(b):
			ok = false
		case b[j] == tokStar:
			ok = false
		case a[i] == tokAny:
			ok = cov(i+1, j+1)
		case b[j] == tokAny:
			ok = false
		default:
			ok = same(byte(a[i]), byte(b[j]), fold) && cov(i+1, j+1)
		}
		memo[i][j] = -1
		if ok {
			memo[i][j] = 1
		}
		return ok
	}
	return cov(0, 0)
}

// Subsumes reports whether every request matching b also matches a, so a
// rule with conditions a placed before b leaves b nothing to match.
func Subsumes(a, b *design.Conditions) bool {
	if a.Host != "" && (b.Host == "" || !Covers(a.Host, b.Host, true)) {
		return false
	}
	if a.Path != "" && (b.Path == "" || !Covers(a.Path, b.Path, false)) {
		return false
	}
	if len(a.Methods) > 0 {
		if len(b.Methods) == 0 {
			return false
		}
		for _, m := range b.Methods {
			if !containsExact(a.Methods, m) {
				return false
			}
		}
	}
	for _, ha := range a.Headers {
		found := false
		for _, hb := range b.Headers {
			found = found || strings.EqualFold(ha.Key, hb.Key) && Covers(ha.Value, hb.Value, true)
		}
		if !found {
			return false
		}
	}
	for _, qa := range a.Query {
		found := false
		for _, qb := range b.Query {
			found = found || (qa.Key == "" || qb.Key != "" && CoversEscaped(qa.Key, qb.Key, true)) && CoversEscaped(qa.Value, qb.Value, true)
		}
		if !found {
			return false
		}
	}
	if len(a.SourceIPs) > 0 {
		if len(b.SourceIPs) == 0 {
			return false
		}
		for _, pb := range b.SourceIPs {
			in := false
			for _, pa := range a.SourceIPs {
				in = in || pa.Bits() <= pb.Bits() && pa.Contains(pb.Addr())
			}
			if !in {
				return false
			}
		}
	}
	return true
}
