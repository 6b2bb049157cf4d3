package alb

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/netwright/netwright/internal/design"
)

// TestTraceID sends X-Amzn-Trace-Id headers down both paths and checks
// what the target gets, as ALB's request tracing documents it: a Root
// made when there is none (the client's own fields kept), a Self inserted
// before a Root, an existing Self updated in place (one Self, never two),
// every other field kept; past 7 KB of header, a new Root alone.
func TestTraceID(t *testing.T) {
	const (
		root = "Root=1-5759e988-bd862e3fe1be46a994272793"
		self = "Self=1-5759e988-aaaaaaaaaaaaaaaaaaaaaaaa"
		id   = `1-[0-9a-f]{8}-[0-9a-f]{24}`
	)
	for _, tt := range []struct {
		name, in, want string
		bigHeader      bool
	}{
		{"none", "", `^Root=` + id + `$`, false},
		{"a root", root, `^Self=` + id + `;` + root + `$`, false},
		{"a root and a custom field", root + ";CalledFrom=app", `^Self=` + id + `;` + root + `;CalledFrom=app$`, false},
		{"a root, a self and a custom field", root + ";" + self + ";CalledFrom=app", `^` + root + `;Self=` + id + `;CalledFrom=app$`, false},
		{"custom fields, no root", "CalledFrom=app;Lineage=a1:0", `^Root=` + id + `;CalledFrom=app;Lineage=a1:0$`, false},
		{"past 7 KB of header", root + ";CalledFrom=app", `^Root=` + id + `$`, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for _, path := range []string{"full", "data"} {
				x := plainListener(t, 5*time.Second, Options{})
				register(t, x, "tg", newBackend(t, "a"))
				base := ""
				if path == "full" {
					srv := httptest.NewServer(x)
					defer srv.Close()
					base = srv.URL
				} else {
					_, addr := serveFastPath(t, x, 5*time.Second)
					base = "http://" + addr
				}
				req, _ := http.NewRequest(http.MethodGet, base+"/trace", nil)
				if tt.in != "" {
					req.Header.Set("X-Amzn-Trace-Id", tt.in)
				}
				if tt.bigHeader {
					req.Header.Set("X-Padding", strings.Repeat("p", 7<<10))
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				got := resp.Header.Get("Echo-X-Amzn-Trace-Id")
				if !regexp.MustCompile(tt.want).MatchString(got) || strings.Contains(got, self) {
					t.Errorf("%s path: %q became %q; want %s", path, tt.in, got, tt.want)
				}
				if n := strings.Count(got, "Self="); n > 1 {
					t.Errorf("%s path: %d Self fields in %q", path, n, got)
				}
			}
		})
	}
}

// TestQueryStringEscapesRoute: a query-string condition with an escaped
// star routes only a literal star, on both paths.
func TestQueryStringEscapesRoute(t *testing.T) {
	lb := &design.LoadBalancer{ID: "alb-q", Name: "alb-q", Type: design.ALB}
	fwd := func(tg string) design.Action {
		return design.Action{Type: design.ActionForward, Forward: []design.WeightedTarget{{TargetGroup: tg, Weight: 1}}}
	}
	l := &design.Listener{ID: "lst", Port: 80, Protocol: "HTTP", DefaultAction: fwd("tg-default"),
		Rules: []design.ListenerRule{{Priority: 1, Conditions: design.Conditions{Query: []design.KeyValue{{Key: "q", Value: `2\*3`}}}, Action: fwd("tg-star")}}}
	tgs := []design.TargetGroup{{ID: "tg-default", Port: 8080, Protocol: "HTTP", Health: targetHealth("/health")}, {ID: "tg-star", Port: 8080, Protocol: "HTTP", Health: targetHealth("/health")}}
	x, err := New(lb, l, tgs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(x.Close)
	register(t, x, "tg-default", newBackend(t, "default"))
	register(t, x, "tg-star", newBackend(t, "star"))
	full := httptest.NewServer(x)
	defer full.Close()
	_, fast := serveFastPath(t, x, 5*time.Second)
	for _, base := range []string{full.URL, "http://" + fast} {
		for query, want := range map[string]string{"q=2*3": "star", "q=2x3": "default", "q=2xx3": "default"} {
			resp, err := http.Get(base + "/x?" + query)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if got := resp.Header.Get("X-Target"); got != want {
				t.Errorf("%s/x?%s reached %s; want %s (the rule is q=2\\*3, a literal star)", base, query, got, want)
			}
		}
	}
}
