package console

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"strings"

	"github.com/netwright/netwright/internal/albrules"
	"github.com/netwright/netwright/internal/analysis"
	"github.com/netwright/netwright/internal/design"
)

// The forms: `netwright reach` and `netwright route` asked from the page.

// maxForm is the most a form's JSON body may be.
const maxForm = 64 << 10

func decodeForm(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxForm))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		badRequest(w, "the form's JSON: "+err.Error())
		return false
	}
	return true
}

type reachForm struct {
	From string `json:"from"`
	To   string `json:"to"`
	// Port is 0 for the destination's port (443 for the internet).
	Port int `json:"port"`
	// Protocol is tcp or udp, or empty for the destination's transport.
	Protocol string `json:"protocol"`
}

type reachAnswer struct {
	From      string          `json:"from"`
	To        string          `json:"to"`
	Protocol  string          `json:"protocol"`
	Port      int             `json:"port"`
	Reachable bool            `json:"reachable"`
	Paths     []analysis.Path `json:"paths"`
}

// reach answers as `netwright reach` does: the same defaults, the same
// engine.
func reach(d *design.Design, f reachForm) (reachAnswer, error) {
	if f.Port < 0 || f.Port > 65535 {
		return reachAnswer{}, fmt.Errorf("%d is not a port", f.Port)
	}
	port, transport := f.Port, "tcp"
	if svc := d.Service(f.To); svc != nil {
		if port == 0 {
			port = svc.Port
		}
		if svc.Protocol == design.ProtoUDP {
			transport = "udp"
		}
	}
	if f.Port == 0 && (f.From == design.Internet || f.To == design.Internet) {
		port = 443
	}
	switch f.Protocol {
	case "":
	case "tcp", "udp":
		transport = f.Protocol
	default:
		return reachAnswer{}, fmt.Errorf("protocol %q is not tcp or udp", f.Protocol)
	}
	paths, err := analysis.NewEngine(d).Reach(f.From, f.To, port, transport)
	if err != nil {
		return reachAnswer{}, err
	}
	a := reachAnswer{From: f.From, To: f.To, Protocol: transport, Port: port, Reachable: true, Paths: paths}
	for _, p := range paths {
		if !p.Ports.Contains(port) {
			a.Reachable = false
		}
	}
	if a.Paths == nil {
		a.Paths = []analysis.Path{}
	}
	return a, nil
}

func (c *Console) serveReach(w http.ResponseWriter, r *http.Request) {
	var f reachForm
	if !decodeForm(w, r, &f) {
		return
	}
	d := c.snap().design
	if d == nil {
		badRequest(w, "no design yet: the spec has errors")
		return
	}
	a, err := reach(d, f)
	if err != nil {
		badRequest(w, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, a)
}

type routeForm struct {
	Method string `json:"method"`
	Host   string `json:"host"`
	// Path may carry a query string after ?.
	Path     string      `json:"path"`
	Headers  [][2]string `json:"headers"`
	SourceIP string      `json:"source_ip"`
}

type routeAnswer struct {
	LoadBalancer string `json:"load_balancer"`
	Listener     string `json:"listener"`
	// Rule is the rule that matched, or nil for the default action.
	Rule    *ruleJSON     `json:"rule"`
	Action  string        `json:"action"`
	Targets []routeTarget `json:"targets"`
}

type routeTarget struct {
	TargetGroup string `json:"target_group"`
	Service     string `json:"service"`
	Percent     int    `json:"percent"`
}

// routeRequest makes the request a route form describes.
func routeRequest(f routeForm) (*albrules.Request, error) {
	req := &albrules.Request{Host: f.Host, Method: f.Method, Path: f.Path, Headers: map[string][]string{}, Query: map[string][]string{}}
	if req.Method == "" {
		req.Method = "GET"
	}
	if req.Path == "" {
		req.Path = "/"
	}
	if p, q, found := strings.Cut(req.Path, "?"); found {
		req.Path = p
		values, err := url.ParseQuery(q)
		if err != nil {
			return nil, fmt.Errorf("the path's query string: %w", err)
		}
		for k, vs := range values {
			req.Query[k] = vs
		}
	}
	for _, h := range f.Headers {
		if h[0] == "" {
			continue
		}
		req.Headers[h[0]] = append(req.Headers[h[0]], h[1])
	}
	if f.SourceIP != "" {
		a, err := netip.ParseAddr(f.SourceIP)
		if err != nil {
			return nil, fmt.Errorf("%q is not an IP address", f.SourceIP)
		}
		req.SourceIP = a
	}
	return req, nil
}

// route answers as `netwright route` does: the public ALB's HTTPS
// listener, evaluated by albrules.
func route(d *design.Design, f routeForm) (routeAnswer, error) {
	req, err := routeRequest(f)
	if err != nil {
		return routeAnswer{}, err
	}
	lb, l := d.PublicHTTPSListener()
	if l == nil {
		return routeAnswer{}, fmt.Errorf("the design has no public ALB: no service is public over HTTP")
	}
	a := routeAnswer{LoadBalancer: lb.ID, Listener: fmt.Sprintf("HTTPS %d", l.Port), Action: l.DefaultAction.String(), Targets: []routeTarget{}}
	action := l.DefaultAction
	if rule := albrules.Evaluate(l, req); rule != nil {
		action = rule.Action
		a.Rule = &ruleJSON{Priority: rule.Priority, Conditions: rule.Conditions.String(), Action: rule.Action.String(), Source: rule.Source}
		if rule.Origin != nil {
			a.Rule.Line = rule.Origin.Start.Line
		}
		a.Action = rule.Action.String()
	}
	total := 0
	for _, t := range action.Forward {
		total += t.Weight
	}
	for _, t := range action.Forward {
		rt := routeTarget{TargetGroup: t.TargetGroup, Percent: 100}
		if tg := d.TargetGroup(t.TargetGroup); tg != nil {
			rt.Service = tg.Service
		}
		if total > 0 {
			rt.Percent = t.Weight * 100 / total
		}
		a.Targets = append(a.Targets, rt)
	}
	return a, nil
}

func (c *Console) serveRoute(w http.ResponseWriter, r *http.Request) {
	var f routeForm
	if !decodeForm(w, r, &f) {
		return
	}
	d := c.snap().design
	if d == nil {
		badRequest(w, "no design yet: the spec has errors")
		return
	}
	a, err := route(d, f)
	if err != nil {
		badRequest(w, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, a)
}
