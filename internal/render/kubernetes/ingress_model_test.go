package kubernetes

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/netwright/netwright/internal/albrules"
	"github.com/netwright/netwright/internal/design"
)

// This file models what the AWS Load Balancer Controller makes of an
// IngressGroup: the listeners, their default actions and their rules in
// priority order (kubernetes-sigs/aws-load-balancer-controller
// pkg/ingress: group_loader.go sortGroupMembers, model_build_listener.go,
// model_build_listener_rules.go, enhanced_backend_builder.go,
// config_types.go). Matching is internal/albrules', so a request can be
// routed through the rules the controller would make and compared with
// the design's. Written once, for the tests; TestControllerModel tests it.

// The controller's annotation types, decoded strictly: a field the
// controller does not know fails.
type ctlAction struct {
	Type                string             `json:"type"`
	TargetGroupARN      *string            `json:"targetGroupARN"`
	ForwardConfig       *ctlForward        `json:"forwardConfig"`
	FixedResponseConfig *ctlFixedResponse  `json:"fixedResponseConfig"`
	RedirectConfig      *ctlRedirectConfig `json:"redirectConfig"`
}

type ctlForward struct {
	TargetGroups []struct {
		TargetGroupARN *string             `json:"targetGroupARN"`
		ServiceName    *string             `json:"serviceName"`
		ServicePort    *intstr.IntOrString `json:"servicePort"`
		Weight         *int64              `json:"weight"`
	} `json:"targetGroups"`
	TargetGroupStickinessConfig *struct {
		Enabled         *bool  `json:"enabled"`
		DurationSeconds *int64 `json:"durationSeconds"`
	} `json:"targetGroupStickinessConfig"`
}

type ctlFixedResponse struct {
	ContentType *string `json:"contentType"`
	MessageBody *string `json:"messageBody"`
	StatusCode  string  `json:"statusCode"`
}

type ctlRedirectConfig struct {
	Host       *string `json:"host"`
	Path       *string `json:"path"`
	Port       *string `json:"port"`
	Protocol   *string `json:"protocol"`
	Query      *string `json:"query"`
	StatusCode string  `json:"statusCode"`
}

type ctlValues struct {
	Values []string `json:"values"`
}

type ctlCondition struct {
	Field            string     `json:"field"`
	HostHeaderConfig *ctlValues `json:"hostHeaderConfig"`
	HTTPHeaderConfig *struct {
		HTTPHeaderName string   `json:"httpHeaderName"`
		Values         []string `json:"values"`
	} `json:"httpHeaderConfig"`
	HTTPRequestMethodConfig *ctlValues `json:"httpRequestMethodConfig"`
	PathPatternConfig       *ctlValues `json:"pathPatternConfig"`
	QueryStringConfig       *struct {
		Values []struct {
			Key   *string `json:"key"`
			Value string  `json:"value"`
		} `json:"values"`
	} `json:"queryStringConfig"`
	SourceIPConfig *ctlValues `json:"sourceIPConfig"`
}

func strictJSON(s string, v any) error {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// outcome is what a listener does with a request: forward to Services
// with weights ("web=80,web-next=20"), answer or redirect.
type outcome string

// ctlRule is one listener rule the controller makes: any host and any
// path of its lists (each list may be empty), and every other condition,
// each of which may hold several values.
type ctlRule struct {
	hosts, paths []string
	others       []ctlCondition
	action       outcome
}

// alternatives are the rule's conditions as design.Conditions, one per
// choice of a value from each condition that lists several: the rule
// matches when one of them does (albrules.Match).
func (r ctlRule) alternatives() []design.Conditions {
	alts := []design.Conditions{{}}
	expand := func(n int, set func(c *design.Conditions, i int)) {
		if n == 0 {
			return
		}
		var out []design.Conditions
		for _, c := range alts {
			for i := range n {
				cc := c
				cc.Headers, cc.Query = slices.Clone(c.Headers), slices.Clone(c.Query)
				set(&cc, i)
				out = append(out, cc)
			}
		}
		alts = out
	}
	expand(len(r.hosts), func(c *design.Conditions, i int) { c.Host = r.hosts[i] })
	expand(len(r.paths), func(c *design.Conditions, i int) { c.Path = r.paths[i] })
	for _, o := range r.others {
		switch o.Field {
		case "http-header":
			h := o.HTTPHeaderConfig
			expand(len(h.Values), func(c *design.Conditions, i int) {
				c.Headers = append(c.Headers, design.KeyValue{Key: h.HTTPHeaderName, Value: h.Values[i]})
			})
		case "query-string":
			q := o.QueryStringConfig.Values
			expand(len(q), func(c *design.Conditions, i int) {
				c.Query = append(c.Query, design.KeyValue{Key: deref(q[i].Key), Value: q[i].Value})
			})
		case "http-request-method":
			for i := range alts {
				alts[i].Methods = o.HTTPRequestMethodConfig.Values
			}
		case "source-ip":
			for i := range alts {
				for _, v := range o.SourceIPConfig.Values {
					alts[i].SourceIPs = append(alts[i].SourceIPs, netip.MustParsePrefix(v))
				}
			}
		}
	}
	return alts
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func (r ctlRule) matches(req *albrules.Request) bool {
	for _, c := range r.alternatives() {
		if albrules.Match(&c, req) {
			return true
		}
	}
	return false
}

// ctlListener is a listener the controller makes for a port.
type ctlListener struct {
	protocol string
	rules    []ctlRule
	def      outcome
}

func (l *ctlListener) route(req *albrules.Request) outcome {
	for _, r := range l.rules {
		if r.matches(req) {
			return r.action
		}
	}
	return l.def
}

const groupOrderAnnotation = albAnnotation + "group.order"

// controllerListeners models the listeners the controller makes of the
// Ingresses of one group, with the Services they name.
func controllerListeners(ings []*networkingv1.Ingress, services map[string]*corev1.Service) (map[int]*ctlListener, error) {
	type member struct {
		ing   *networkingv1.Ingress
		order int
	}
	var members []member
	for _, ing := range ings {
		order := 0
		if v, ok := ing.Annotations[groupOrderAnnotation]; ok {
			n, err := strconv.Atoi(v)
			if err != nil || n < -1000 || n > 1000 {
				return nil, fmt.Errorf("%s: group.order %q is not within [-1000:1000]", ing.Name, v)
			}
			order = n
		}
		members = append(members, member{ing, order})
	}
	slices.SortStableFunc(members, func(a, b member) int {
		return cmp.Or(cmp.Compare(a.order, b.order), strings.Compare(a.ing.Namespace+"/"+a.ing.Name, b.ing.Namespace+"/"+b.ing.Name))
	})
	sslRedirect := 0
	for _, m := range members {
		if v, ok := m.ing.Annotations[albAnnotation+"ssl-redirect"]; ok {
			n, err := strconv.Atoi(v)
			if err != nil || sslRedirect != 0 && n != sslRedirect {
				return nil, fmt.Errorf("%s: ssl-redirect %q", m.ing.Name, v)
			}
			sslRedirect = n
		}
	}
	listeners := map[int]*ctlListener{}
	byPort := map[int][]*networkingv1.Ingress{}
	for _, m := range members {
		ports := []map[string]int{{"HTTP": 80}}
		if _, ok := m.ing.Annotations[albAnnotation+"certificate-arn"]; ok {
			ports = []map[string]int{{"HTTPS": 443}}
		}
		if v, ok := m.ing.Annotations[albAnnotation+"listen-ports"]; ok {
			ports = nil
			if err := strictJSON(v, &ports); err != nil {
				return nil, fmt.Errorf("%s: listen-ports: %w", m.ing.Name, err)
			}
		}
		for _, e := range ports {
			for proto, port := range e {
				if l, ok := listeners[port]; ok && l.protocol != proto {
					return nil, fmt.Errorf("port %d is both %s and %s", port, l.protocol, proto)
				}
				if listeners[port] == nil {
					listeners[port] = &ctlListener{protocol: proto}
				}
				byPort[port] = append(byPort[port], m.ing)
			}
		}
	}
	for port, l := range listeners {
		if sslRedirect > 0 && l.protocol == "HTTP" {
			l.def = outcome(fmt.Sprintf("redirect HTTPS:%d 301", sslRedirect))
			continue // every rule of an HTTP listener is ignored
		}
		var withDefault []*networkingv1.Ingress
		for _, ing := range byPort[port] {
			if ing.Spec.DefaultBackend != nil {
				withDefault = append(withDefault, ing)
			}
		}
		switch len(withDefault) {
		case 0:
			l.def = "fixed 404 text/plain " // the controller's own 404
		case 1:
			o, _, err := backendOutcome(withDefault[0], *withDefault[0].Spec.DefaultBackend, services)
			if err != nil {
				return nil, err
			}
			l.def = o
		default:
			return nil, fmt.Errorf("port %d: several Ingresses define a default backend", port)
		}
		for _, ing := range byPort[port] {
			for _, rule := range ing.Spec.Rules {
				if rule.HTTP == nil {
					continue
				}
				for _, path := range sortedPaths(rule.HTTP.Paths) {
					o, conds, err := backendOutcome(ing, path.Backend, services)
					if err != nil {
						return nil, err
					}
					if strings.HasPrefix(string(o), "redirect") {
						return nil, fmt.Errorf("%s: a redirect rule, which the controller's rule optimizer may drop; the model does not cover it", ing.Name)
					}
					r := ctlRule{action: o}
					if rule.Host != "" {
						r.hosts = append(r.hosts, rule.Host)
					}
					if path.Path != "" {
						pp, err := pathPatterns(path)
						if err != nil {
							return nil, fmt.Errorf("%s: %w", ing.Name, err)
						}
						r.paths = append(r.paths, pp...)
					}
					for _, c := range conds {
						switch c.Field {
						case "host-header":
							r.hosts = append(r.hosts, c.HostHeaderConfig.Values...)
						case "path-pattern":
							r.paths = append(r.paths, c.PathPatternConfig.Values...)
						default:
							r.others = append(r.others, c)
						}
					}
					if len(r.hosts)+len(r.paths)+len(r.others) == 0 {
						r.paths = []string{"/*"}
					}
					l.rules = append(l.rules, r)
				}
			}
		}
	}
	return listeners, nil
}

// sortedPaths orders a rule's paths as the controller does: Exact, then
// Prefix by length (longest first), then ImplementationSpecific as
// written.
func sortedPaths(paths []networkingv1.HTTPIngressPath) []networkingv1.HTTPIngressPath {
	rank := func(p networkingv1.HTTPIngressPath) int {
		switch {
		case p.PathType != nil && *p.PathType == networkingv1.PathTypeExact:
			return 0
		case p.PathType != nil && *p.PathType == networkingv1.PathTypePrefix:
			return 1
		}
		return 2
	}
	out := slices.Clone(paths)
	sort.SliceStable(out, func(i, j int) bool {
		ri, rj := rank(out[i]), rank(out[j])
		if ri != rj {
			return ri < rj
		}
		return ri == 1 && len(out[i].Path) > len(out[j].Path)
	})
	return out
}

// pathPatterns is the path-pattern values the controller makes of a path.
func pathPatterns(p networkingv1.HTTPIngressPath) ([]string, error) {
	switch {
	case p.PathType == nil || *p.PathType == networkingv1.PathTypeImplementationSpecific:
		return []string{p.Path}, nil
	case strings.ContainsAny(p.Path, "*?"):
		return nil, fmt.Errorf("%s path %s holds a wildcard", *p.PathType, p.Path)
	case *p.PathType == networkingv1.PathTypeExact:
		return []string{p.Path}, nil
	case p.Path == "/":
		return []string{"/*"}, nil
	}
	n := strings.TrimSuffix(p.Path, "/")
	return []string{n, n + "/*"}, nil
}

// backendOutcome is what a backend does, and the conditions its
// conditions.<name> annotation adds.
func backendOutcome(ing *networkingv1.Ingress, b networkingv1.IngressBackend, services map[string]*corev1.Service) (outcome, []ctlCondition, error) {
	if b.Service == nil {
		return "", nil, fmt.Errorf("%s: a backend without a service", ing.Name)
	}
	var conds []ctlCondition
	if v, ok := ing.Annotations[albAnnotation+"conditions."+b.Service.Name]; ok {
		if err := strictJSON(v, &conds); err != nil {
			return "", nil, fmt.Errorf("%s: conditions.%s: %w", ing.Name, b.Service.Name, err)
		}
	}
	if b.Service.Port.Name != useAnnotation {
		svc := services[b.Service.Name]
		if svc == nil {
			return "fixed 503 text/plain Backend service does not exist", conds, nil
		}
		return outcome(b.Service.Name + "=1"), conds, nil
	}
	v, ok := ing.Annotations[albAnnotation+"actions."+b.Service.Name]
	if !ok {
		return "fixed 503 text/plain Backend action does not exist", conds, nil
	}
	var a ctlAction
	if err := strictJSON(v, &a); err != nil {
		return "", nil, fmt.Errorf("%s: actions.%s: %w", ing.Name, b.Service.Name, err)
	}
	switch {
	case a.Type == "fixed-response" && a.FixedResponseConfig != nil:
		f := a.FixedResponseConfig
		return outcome(fmt.Sprintf("fixed %s %s %s", f.StatusCode, deref(f.ContentType), deref(f.MessageBody))), conds, nil
	case a.Type == "redirect" && a.RedirectConfig != nil:
		rc := a.RedirectConfig
		if rc.Host != nil || rc.Path != nil || rc.Query != nil {
			return "", nil, fmt.Errorf("%s: a redirect to another host, path or query, which the model does not cover", ing.Name)
		}
		return outcome(fmt.Sprintf("redirect %s:%s %s", deref(rc.Protocol), deref(rc.Port), strings.TrimPrefix(rc.StatusCode, "HTTP_"))), conds, nil
	case a.Type == "forward" && a.ForwardConfig != nil && a.TargetGroupARN == nil:
	default:
		return "", nil, fmt.Errorf("%s: actions.%s is not an action the controller accepts", ing.Name, b.Service.Name)
	}
	tgs := a.ForwardConfig.TargetGroups
	var parts []string
	for _, tg := range tgs {
		if tg.ServiceName == nil || tg.ServicePort == nil || tg.TargetGroupARN != nil || len(tgs) > 1 && tg.Weight == nil {
			return "", nil, fmt.Errorf("%s: actions.%s: a target group is not one Service's port with its weight", ing.Name, b.Service.Name)
		}
		svc := services[*tg.ServiceName]
		if svc == nil || !slices.ContainsFunc(svc.Spec.Ports, func(p corev1.ServicePort) bool {
			return tg.ServicePort.Type == intstr.Int && p.Port == tg.ServicePort.IntVal || tg.ServicePort.Type == intstr.String && p.Name == tg.ServicePort.StrVal
		}) {
			return "", nil, fmt.Errorf("%s: actions.%s forwards to %s port %s, which no Service has", ing.Name, b.Service.Name, *tg.ServiceName, tg.ServicePort)
		}
		w := int64(1)
		if tg.Weight != nil {
			w = *tg.Weight
		}
		parts = append(parts, fmt.Sprintf("%s=%d", *tg.ServiceName, w))
	}
	return outcome(strings.Join(parts, ",")), conds, nil
}

// designOutcome is what a design's action does, in outcome's terms.
func designOutcome(d *design.Design, a design.Action) outcome {
	switch a.Type {
	case design.ActionFixed:
		return outcome(fmt.Sprintf("fixed %d text/plain %s", a.StatusCode, a.Body))
	case design.ActionRedirect:
		return outcome(fmt.Sprintf("redirect %s:%d %d", a.RedirectProtocol, a.RedirectPort, a.StatusCode))
	}
	var parts []string
	for _, f := range a.Forward {
		parts = append(parts, fmt.Sprintf("%s=%d", d.Kubernetes.Workload(d.TargetGroup(f.TargetGroup).Service).Name, f.Weight))
	}
	return outcome(strings.Join(parts, ","))
}

// sampleRequests are requests that exercise a listener's rules: for each
// rule, one that meets every condition, and for each condition one that
// meets all the others but it; and a few that meet none.
func sampleRequests(l *design.Listener) []albrules.Request {
	fill := func(p string) string { return strings.NewReplacer("*", "x", "?", "y").Replace(p) }
	out := []albrules.Request{
		{Host: "elsewhere.example.net", Path: "/", Method: "GET", SourceIP: netip.MustParseAddr("192.0.2.10")},
		{Host: "elsewhere.example.net", Path: "/nothing/here", Method: "POST", SourceIP: netip.MustParseAddr("192.0.2.10")},
	}
	for _, r := range l.Rules {
		c := r.Conditions
		base := albrules.Request{Host: "elsewhere.example.net", Path: "/", Method: "GET", Headers: map[string][]string{}, Query: map[string][]string{}, SourceIP: netip.MustParseAddr("192.0.2.10")}
		if c.Host != "" {
			base.Host = fill(c.Host)
		}
		if c.Path != "" {
			base.Path = fill(c.Path)
		}
		if len(c.Methods) > 0 {
			base.Method = c.Methods[len(c.Methods)-1]
		}
		for _, h := range c.Headers {
			base.Headers[h.Key] = []string{fill(h.Value)}
		}
		for _, q := range c.Query {
			base.Query[fill(q.Key)] = []string{fill(q.Value)}
		}
		if len(c.SourceIPs) > 0 {
			base.SourceIP = c.SourceIPs[len(c.SourceIPs)-1].Addr().Next()
		}
		clone := func() albrules.Request {
			r := base
			r.Headers, r.Query = map[string][]string{}, map[string][]string{}
			for k, v := range base.Headers {
				r.Headers[k] = v
			}
			for k, v := range base.Query {
				r.Query[k] = v
			}
			return r
		}
		out = append(out, clone())
		if c.Host != "" {
			r := clone()
			r.Host = "other." + r.Host + ".invalid"
			out = append(out, r)
		}
		if c.Path != "" {
			r := clone()
			r.Path = "/elsewhere"
			out = append(out, r)
		}
		if len(c.Methods) > 0 {
			r := clone()
			r.Method = "DELETE"
			out = append(out, r)
		}
		for _, h := range c.Headers {
			r := clone()
			r.Headers[h.Key] = []string{"not-" + fill(h.Value)}
			out = append(out, r)
		}
		for _, q := range c.Query {
			r := clone()
			delete(r.Query, fill(q.Key))
			out = append(out, r)
		}
		if len(c.SourceIPs) > 0 {
			r := clone()
			r.SourceIP = netip.MustParseAddr("192.0.2.200")
			out = append(out, r)
		}
	}
	return out
}

func describe(r albrules.Request) string {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s%s from %s", r.Method, r.Host, r.Path, r.SourceIP)
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range r.Headers {
			if !yield(k) {
				return
			}
		}
	}) {
		fmt.Fprintf(&b, " %s: %s", k, r.Headers[k])
	}
	if len(r.Query) > 0 {
		fmt.Fprintf(&b, " ?%v", r.Query)
	}
	return b.String()
}
