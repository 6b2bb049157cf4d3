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

func runRoute(env Env, args []string) int {
	fs := newFlags(env, "route", "FILE", "Say which listener rule of the public ALB a request matches and where it goes, evaluated with ALB semantics (host without case, path with case and without the query string, * and ? wildcards)")
	host := fs.String("host", "", "the Host header")
	path := fs.String("path", "/", "the request path; a query string after ? is split off into --query")
	method := fs.String("method", "GET", "the HTTP method")
	source := fs.String("source-ip", "", "the client address, for source-ip conditions")
	var headers, query multiFlag
	fs.Var(&headers, "header", "a request header as name=value (repeatable)")
	fs.Var(&query, "query", "a query parameter as key=value (repeatable)")
	pos, code, ok := parseFlags(env, fs, args, 1)
	if !ok {
		return code
	}
	req := &albrules.Request{Host: *host, Method: *method, Headers: map[string][]string{}, Query: map[string][]string{}}
	p, rawQuery, _ := strings.Cut(*path, "?")
	req.Path = p
	if rawQuery != "" {
		values, err := url.ParseQuery(rawQuery)
		if err != nil {
			fmt.Fprintf(env.Stderr, "netwright route: --path query string: %v\n", err)
			return ExitUsage
		}
		for k, vs := range values {
			req.Query[k] = append(req.Query[k], vs...)
		}
	}
	for _, h := range headers {
		k, v, found := strings.Cut(h, "=")
		if !found || k == "" {
			fmt.Fprintf(env.Stderr, "netwright route: --header %q is not name=value\n", h)
			return ExitUsage
		}
		req.Headers[k] = append(req.Headers[k], v)
	}
	for _, q := range query {
		k, v, found := strings.Cut(q, "=")
		if !found {
			fmt.Fprintf(env.Stderr, "netwright route: --query %q is not key=value\n", q)
			return ExitUsage
		}
		req.Query[k] = append(req.Query[k], v)
	}
	if *source != "" {
		a, err := netip.ParseAddr(*source)
		if err != nil {
			fmt.Fprintf(env.Stderr, "netwright route: --source-ip %q is not an IP address\n", *source)
			return ExitUsage
		}
		req.SourceIP = a
	}

	d, code := build(env, pos[0])
	if d == nil {
		return code
	}
	lb, l := d.PublicHTTPSListener()
	if l == nil {
		fmt.Fprintf(env.Stderr, "netwright route: %s has no public ALB: no service is public over HTTP\n", pos[0])
		return ExitSpec
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s listener HTTPS %d\n", lb.ID, l.Port)
	rule := albrules.Evaluate(l, req)
	action := l.DefaultAction
	if rule != nil {
		fmt.Fprintf(&b, "matched: priority %d, %s", rule.Priority, rule.Source)
		if rule.Origin != nil {
			fmt.Fprintf(&b, " (%s:%d)", rule.Origin.Filename, rule.Origin.Start.Line)
		}
		fmt.Fprintf(&b, "\nconditions: %s\n", rule.Conditions.String())
		action = rule.Action
	} else {
		b.WriteString("matched: the default action (no rule matched)\n")
	}
	b.WriteString(describeAction(d, action))
	fmt.Fprint(env.Stdout, b.String())
	return ExitOK
}

func describeAction(d *design.Design, a design.Action) string {
	switch a.Type {
	case design.ActionFixed:
		return fmt.Sprintf("action: fixed response %d\n", a.StatusCode)
	case design.ActionRedirect:
		return fmt.Sprintf("action: redirect to %s:%d (%d)\n", a.RedirectProtocol, a.RedirectPort, a.StatusCode)
	}
	total := 0
	for _, f := range a.Forward {
		total += f.Weight
	}
	var b strings.Builder
	b.WriteString("action: forward\n")
	for _, f := range a.Forward {
		svc := ""
		for _, tg := range d.TargetGroups {
			if tg.ID == f.TargetGroup {
				svc = fmt.Sprintf("%s on %s %d", tg.Service, tg.Protocol, tg.Port)
			}
		}
		share := 100
		if total > 0 {
			share = f.Weight * 100 / total
		}
		fmt.Fprintf(&b, "  %s (%s): weight %d, %d%% of requests\n", f.TargetGroup, svc, f.Weight, share)
	}
	return b.String()
}
