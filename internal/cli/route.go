package cli

import (
	"flag"
	"fmt"
	"net/netip"
	"net/url"
	"strings"

	"github.com/netwright/netwright/internal/albrules"
	"github.com/netwright/netwright/internal/design"
)

// multiFlag collects a repeated key=value flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

var _ flag.Value = (*multiFlag)(nil)

// routeAnswer is route's answer, as -o json writes it.
type routeAnswer struct {
	LoadBalancer string `json:"load_balancer"`
	Listener     struct {
		Protocol string `json:"protocol"`
		Port     int    `json:"port"`
	} `json:"listener"`
	// Rule is the rule that matched, or null for the default action.
	Rule   *design.ListenerRule `json:"rule"`
	Action design.Action        `json:"action"`
	// Targets are the forward action's target groups with their services
	// and shares of requests.
	Targets []routeTarget `json:"targets"`
}

type routeTarget struct {
	TargetGroup string `json:"target_group"`
	Service     string `json:"service"`
	Protocol    string `json:"protocol"`
	Port        int    `json:"port"`
	Weight      int    `json:"weight"`
	Percent     int    `json:"percent"`
}

func routeCommand() *command {
	c := &command{
		name: "route", args: "FILE", argFiles: specFiles,
		summary: "show which ALB listener rule a request matches and where it goes",
		about: "Say which listener rule of the public ALB a request matches and where it goes, evaluated with ALB semantics " +
			"(host without case, path with case and without the query string, * and ? wildcards).",
	}
	c.define = func(fs *flagSet) func(Env, []string) int {
		host := fs.String(flagSpec{long: "host", value: "HOST", usage: "the Host header"}, "")
		path := fs.String(flagSpec{long: "path", value: "PATH", usage: "the request path; a query string after ? is split off into --query"}, "/")
		method := fs.String(flagSpec{long: "method", value: "METHOD", usage: "the HTTP method",
			suggest: []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}}, "GET")
		source := fs.String(flagSpec{long: "source-ip", value: "IP", usage: "the client address, for source-ip conditions"}, "")
		var headers, query multiFlag
		fs.Var(flagSpec{long: "header", value: "NAME=VALUE", usage: "a request header (repeatable)"}, &headers)
		fs.Var(flagSpec{long: "query", value: "KEY=VALUE", usage: "a query parameter (repeatable)"}, &query)
		output := fs.Output("text", "json")
		return func(env Env, pos []string) int {
			if !c.wantArgs(env, pos, 1) {
				return ExitUsage
			}
			req, ok := routeRequest(env, *host, *path, *method, *source, headers, query)
			if !ok {
				return ExitUsage
			}
			d, _, code := build(env, pos[0])
			if d == nil {
				return code
			}
			lb, l := d.PublicHTTPSListener()
			if l == nil {
				fmt.Fprintf(env.Stderr, "netwright route: %s has no public ALB: no service is public over HTTP\n", pos[0])
				return ExitSpec
			}
			a := routeAnswer{LoadBalancer: lb.ID, Rule: albrules.Evaluate(l, req), Action: l.DefaultAction, Targets: []routeTarget{}}
			a.Listener.Protocol, a.Listener.Port = "HTTPS", l.Port
			if a.Rule != nil {
				a.Action = a.Rule.Action
			}
			a.Targets = append(a.Targets, forwardTargets(d, a.Action)...)
			var err error
			if *output == "json" {
				err = writeJSON(env.Stdout, a)
			} else {
				_, err = fmt.Fprint(env.Stdout, routeText(a))
			}
			return wrote(env, c.name, err)
		}
	}
	return c
}

// routeRequest makes the request route evaluates from its flags; ok is
// false after it has said which flag is wrong.
func routeRequest(env Env, host, path, method, source string, headers, query []string) (*albrules.Request, bool) {
	req := &albrules.Request{Host: host, Method: method, Headers: map[string][]string{}, Query: map[string][]string{}}
	p, rawQuery, _ := strings.Cut(path, "?")
	req.Path = p
	if rawQuery != "" {
		values, err := url.ParseQuery(rawQuery)
		if err != nil {
			fmt.Fprintf(env.Stderr, "netwright route: --path query string: %v\n", err)
			return nil, false
		}
		for k, vs := range values {
			req.Query[k] = append(req.Query[k], vs...)
		}
	}
	for _, h := range headers {
		k, v, found := strings.Cut(h, "=")
		if !found || k == "" {
			fmt.Fprintf(env.Stderr, "netwright route: --header %q is not name=value\n", h)
			return nil, false
		}
		req.Headers[k] = append(req.Headers[k], v)
	}
	for _, q := range query {
		k, v, found := strings.Cut(q, "=")
		if !found {
			fmt.Fprintf(env.Stderr, "netwright route: --query %q is not key=value\n", q)
			return nil, false
		}
		req.Query[k] = append(req.Query[k], v)
	}
	if source != "" {
		a, err := netip.ParseAddr(source)
		if err != nil {
			fmt.Fprintf(env.Stderr, "netwright route: --source-ip %q is not an IP address\n", source)
			return nil, false
		}
		req.SourceIP = a
	}
	return req, true
}

// forwardTargets lists a forward action's target groups with their
// services and shares of requests.
func forwardTargets(d *design.Design, a design.Action) []routeTarget {
	total := 0
	for _, f := range a.Forward {
		total += f.Weight
	}
	var out []routeTarget
	for _, f := range a.Forward {
		t := routeTarget{TargetGroup: f.TargetGroup, Weight: f.Weight, Percent: 100}
		for _, tg := range d.TargetGroups {
			if tg.ID == f.TargetGroup {
				t.Service, t.Protocol, t.Port = tg.Service, tg.Protocol, tg.Port
			}
		}
		if total > 0 {
			t.Percent = f.Weight * 100 / total
		}
		out = append(out, t)
	}
	return out
}

func routeText(a routeAnswer) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s listener HTTPS %d\n", a.LoadBalancer, a.Listener.Port)
	if r := a.Rule; r != nil {
		fmt.Fprintf(&b, "matched: priority %d, %s", r.Priority, r.Source)
		if r.Origin != nil {
			fmt.Fprintf(&b, " (%s:%d)", r.Origin.Filename, r.Origin.Start.Line)
		}
		fmt.Fprintf(&b, "\nconditions: %s\n", r.Conditions.String())
	} else {
		b.WriteString("matched: the default action (no rule matched)\n")
	}
	switch a.Action.Type {
	case design.ActionFixed:
		fmt.Fprintf(&b, "action: fixed response %d\n", a.Action.StatusCode)
	case design.ActionRedirect:
		fmt.Fprintf(&b, "action: redirect to %s:%d (%d)\n", a.Action.RedirectProtocol, a.Action.RedirectPort, a.Action.StatusCode)
	default:
		b.WriteString("action: forward\n")
		for _, t := range a.Targets {
			svc := ""
			if t.Service != "" {
				svc = fmt.Sprintf("%s on %s %d", t.Service, t.Protocol, t.Port)
			}
			fmt.Fprintf(&b, "  %s (%s): weight %d, %d%% of requests\n", t.TargetGroup, svc, t.Weight, t.Percent)
		}
	}
	return b.String()
}
