package console

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/netwright/netwright/internal/plan"
)

func planned(t *testing.T, name string) *Console {
	t.Helper()
	src, err := os.ReadFile("../../examples/" + name)
	if err != nil {
		t.Fatal(err)
	}
	c := New(Options{Filename: name, Token: "secret"})
	d, ds := plan.File(name, src)
	c.Update(src, d, ds)
	return c
}

func TestTokenAndHost(t *testing.T) {
	c := planned(t, "shop.yaml")
	tests := []struct {
		name, method, target, host, header, cookie string
		want                                       int
	}{
		{"the page with the token sets the cookie", "GET", "/?token=secret", "127.0.0.1:9902", "", "", http.StatusSeeOther},
		{"the page with a wrong token", "GET", "/?token=guess", "127.0.0.1:9902", "", "", http.StatusForbidden},
		{"the page without the token", "GET", "/", "localhost:9902", "", "", http.StatusForbidden},
		{"the page with the cookie", "GET", "/", "localhost:9902", "", "secret", http.StatusOK},
		{"state without the token", "GET", "/api/state", "127.0.0.1", "", "", http.StatusForbidden},
		{"state with the cookie", "GET", "/api/state", "127.0.0.1", "", "secret", http.StatusOK},
		{"a form with the cookie alone", "POST", "/api/reach", "127.0.0.1", "", "secret", http.StatusForbidden},
		{"a form with the header", "POST", "/api/reach", "[::1]:9902", "secret", "", http.StatusOK},
		{"a rebound host name", "GET", "/api/state", "evil.example.com", "secret", "", http.StatusMisdirectedRequest},
		{"assets need no token", "GET", "/static/console.js", "127.0.0.1", "", "", http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, tt.target, strings.NewReader(`{"from":"orders","to":"payments"}`))
			r.Host = tt.host
			if tt.header != "" {
				r.Header.Set(TokenHeader, tt.header)
			}
			if tt.cookie != "" {
				r.AddCookie(&http.Cookie{Name: tokenCookie, Value: tt.cookie})
			}
			w := httptest.NewRecorder()
			c.ServeHTTP(w, r)
			if w.Code != tt.want {
				t.Errorf("%s %s (host %s) = %d; want %d: %s", tt.method, tt.target, tt.host, w.Code, tt.want, w.Body)
			}
		})
	}
}

// TestFormsAnswerAsTheCommands: the reach and route forms give the
// answers `netwright reach` and `netwright route` give.
func TestFormsAnswerAsTheCommands(t *testing.T) {
	c := planned(t, "shop.yaml")
	d := c.snap().design
	tests := []struct {
		f     reachForm
		port  int
		reach bool
	}{
		{reachForm{From: "orders", To: "payments"}, 8443, true},
		{reachForm{From: "payments", To: "orders"}, 8080, false},
		{reachForm{From: "internet", To: "storefront"}, 443, true},
		{reachForm{From: "orders", To: "payments", Port: 22}, 22, false},
	}
	for _, tt := range tests {
		a, err := reach(d, tt.f)
		if err != nil {
			t.Fatalf("reach(%+v): %v", tt.f, err)
		}
		if a.Port != tt.port || a.Reachable != tt.reach {
			t.Errorf("reach(%+v) = port %d reachable %v; want %d %v", tt.f, a.Port, a.Reachable, tt.port, tt.reach)
		}
	}
	if _, err := reach(d, reachForm{From: "orders", To: "nowhere"}); err == nil {
		t.Error("reach to an unknown service: no error")
	}
	a, err := route(d, routeForm{Host: "track.shop.example.com", Path: "/x?y=1"})
	if err != nil {
		t.Fatal(err)
	}
	if a.Rule == nil || len(a.Targets) != 1 || a.Targets[0].Service != "tracking" {
		t.Errorf("route(track.shop.example.com) = %+v; want the tracking rule", a)
	}
	a, _ = route(d, routeForm{Host: "shop.example.com", Path: "/"})
	if a.Rule != nil || a.Targets[0].Service != "storefront" {
		t.Errorf("route(/) = %+v; want the default action to storefront", a)
	}
}

// TestEventsOnUpdate: an open event stream hears of each new version.
func TestEventsOnUpdate(t *testing.T) {
	c := planned(t, "three-tier.yaml")
	srv := httptest.NewServer(c)
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/api/events", nil)
	req.Header.Set(TokenHeader, "secret")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	rd := bufio.NewReader(resp.Body)
	next := func() (string, string) {
		var name, data string
		for {
			line, err := rd.ReadString('\n')
			if err != nil {
				t.Fatalf("reading events: %v", err)
			}
			line = strings.TrimRight(line, "\n")
			switch {
			case strings.HasPrefix(line, "event: "):
				name = line[7:]
			case strings.HasPrefix(line, "data: "):
				data += line[6:]
			case line == "" && name != "":
				return name, data
			}
		}
	}
	if name, data := next(); name != "hello" || data != `{"version":1}` {
		t.Fatalf("first event = %s %s; want hello version 1", name, data)
	}
	src := []byte("version: 1\napp: x\nservices:\n  a:\n    port: 70000\n")
	d, ds := plan.File("x.yaml", src)
	c.Update(src, d, ds)
	name, data := next()
	var got struct {
		Version     int
		OK          bool
		Diagnostics []diagJSON
	}
	json.Unmarshal([]byte(data), &got)
	if name != "design" || got.Version != 2 || got.OK || len(got.Diagnostics) == 0 || got.Diagnostics[0].Line == 0 {
		t.Errorf("after a save with errors: %s %s; want design version 2, not ok, diagnostics with lines", name, data)
	}
	if s := c.stateJSON(); !s.HasDesign || s.App != "webapp" {
		t.Errorf("after a save with errors the state shows %q (has design %v); want the last design built", s.App, s.HasDesign)
	}
}
