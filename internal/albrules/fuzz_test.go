package albrules

import (
	"net/netip"
	"regexp"
	"strings"
	"testing"
)

// FuzzGlob checks Glob against regexp on ASCII input: * is .*, ? is one
// character, fold is (?i).
func FuzzGlob(f *testing.F) {
	for _, s := range [][2]string{{"/api/*", "/api/orders"}, {"*.example.com", "a.example.com"}, {"a?c", "abc"}, {"**?*", ""}, {"*x*y*", "xaay"}} {
		f.Add(s[0], s[1], false)
		f.Add(s[0], strings.ToUpper(s[1]), true)
	}
	f.Fuzz(func(t *testing.T, pattern, s string, fold bool) {
		if !ascii(pattern) || !ascii(s) || len(pattern) > 64 || len(s) > 256 {
			return
		}
		var re strings.Builder
		re.WriteString("(?s)")
		if fold {
			re.WriteString("(?i)")
		}
		re.WriteString("^")
		for _, c := range pattern {
			switch c {
			case '*':
				re.WriteString(".*")
			case '?':
				re.WriteString(".")
			default:
				re.WriteString(regexp.QuoteMeta(string(c)))
			}
		}
		re.WriteString("$")
		want := regexp.MustCompile(re.String()).MatchString(s)
		if got := Glob(pattern, s, fold); got != want {
			t.Errorf("Glob(%q, %q, %v) = %v; regexp says %v", pattern, s, fold, got, want)
		}
	})
}

func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// FuzzEvaluate sends any request through a listener with every kind of
// condition: no panic, and the rule returned is the first that matches.
func FuzzEvaluate(f *testing.F) {
	f.Add("shop.example.com:443", "/api/orders", "GET", "x-canary", "true", "version", "2", "198.51.100.1")
	f.Add("", "", "", "", "", "", "", "")
	f.Add("[::1]:80", "/static/a.js?x", "POST", "X-CANARY", "TrUe", "", "2", "::ffff:10.0.0.1")
	l := listener()
	f.Fuzz(func(t *testing.T, host, path, method, hk, hv, qk, qv, ip string) {
		r := &Request{Host: host, Path: path, Method: method,
			Headers: map[string][]string{hk: {hv}}, Query: map[string][]string{qk: {qv}}}
		r.SourceIP, _ = netip.ParseAddr(ip)
		got := Evaluate(l, r)
		for i := range l.Rules {
			m := Match(&l.Rules[i].Conditions, r)
			if &l.Rules[i] == got {
				if !m {
					t.Fatalf("Evaluate returned rule %d, which does not match", l.Rules[i].Priority)
				}
				return
			}
			if m {
				t.Fatalf("rule %d matches but Evaluate returned %v", l.Rules[i].Priority, got)
			}
		}
		if got != nil {
			t.Fatalf("Evaluate returned a rule not in the listener")
		}
	})
}
