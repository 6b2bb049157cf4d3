package mesh

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/netwright/netwright/internal/design"
)

// Semantics is whose data plane the proxies behave as.
type Semantics string

// The semantics a mesh runs with: the design's target, or the spec's own
// model (App Mesh's, on Envoy's algorithms) when `up --mesh model` asks.
const (
	ServiceConnect Semantics = "service_connect"
	Lattice        Semantics = "vpc_lattice"
	Model          Semantics = "model"
)

// Service Connect's proxy, which no setting changes (MESH-FACTS 0.1, 1.2;
// the ECS guide's "Service Connect proxy" section, quoted [2]): round
// robin, 2 retries on another task on a connection failure or a 503, a
// task with 5 failed connections in 30 s avoided for 30 to 300 s.
const (
	scRetries       = 2
	scFailures      = 5
	scFailureWindow = 30 * time.Second
	scEjectBase     = 30 * time.Second
	scEjectMax      = 300 * time.Second
	// scDrain is how long a stopping task's proxy drains its listeners:
	// the agent's LISTENER_DRAIN_WAIT_TIME_S default (MESH-FACTS 1.2).
	scDrain = 20 * time.Second
)

// Envoy's and Lattice's numbers the proxies keep (MESH-FACTS 3, 4).
const (
	envoyBackoffBase   = 25 * time.Millisecond
	envoyBackoffMax    = 250 * time.Millisecond
	envoyMaxEjection   = 300 * time.Second
	envoyConnectTime   = 5 * time.Second // connect_timeout's default
	latticeIdle        = 60 * time.Second
	latticeMaxDuration = 10 * time.Minute
	defaultTimeout     = 15 * time.Second
)

// TLSMode is what the proxies speak between them for calls to a service.
type TLSMode int

// The TLS modes: none, server-authenticated TLS 1.3 (Service Connect
// TLS, a Lattice HTTPS listener), or mutual TLS with SPIFFE identities,
// strict (deny by default) or permissive (plaintext accepted too).
const (
	TLSOff TLSMode = iota
	TLSOneWay
	TLSMutualStrict
	TLSMutualPermissive
)

func (m TLSMode) String() string {
	return [...]string{"plaintext", "TLS 1.3, server authenticated", "mutual TLS, strict", "mutual TLS, permissive"}[m]
}

// Config is the mesh policy the proxies run, compiled from a design for
// one semantics. It is built whole and swapped in.
type Config struct {
	Semantics Semantics
	// TrustDomain is the SPIFFE trust domain: the design's Cloud Map
	// namespace.
	TrustDomain string
	// Upstreams are the names callers call through the mesh, by service.
	Upstreams map[string]*Upstream
	// Ingress is how each service's proxies take calls, by service.
	Ingress map[string]*Ingress
	// Callers are each service's declared callers (depends_on), by
	// service.
	Callers map[string][]string
	// Members are the services whose tasks run a proxy for their calls.
	Members map[string]bool
	// Health is Lattice's target-group health checks, by target service.
	Health map[string]*design.LatticeHealth
	// Notes say what runs locally as the target would not, or differs.
	Notes []string
}

// Upstream is one name callers call and what their proxies do with a
// call to it.
type Upstream struct {
	Service string
	// Protocol is http, http2, grpc, websocket or tcp.
	Protocol string
	// Routes are matched in order; the first that matches takes the call.
	Routes []Route
	// Retry is nil where the semantics do not retry.
	Retry *Retry
	// Timeout bounds a request, its retries included (0: none); Idle
	// closes a connection with nothing in flight for that long (0:
	// never); MaxDuration ends any connection past it (0: never).
	Timeout, Idle, MaxDuration time.Duration
	// Outlier is the passive health checking of the target services'
	// tasks, by target service; nil entries eject nothing.
	Outlier map[string]*Outlier
	// Breaker bounds what one caller's proxy has in flight to each target
	// service; nil is unlimited.
	Breaker map[string]*design.ConnectionPool
	// Auth, set under Lattice's AWS_IAM auth, is who may invoke it.
	Auth *Auth
	// TLS is what the caller's proxy speaks to the target's.
	TLS TLSMode
}

// Route is a match and where a call that matches goes.
type Route struct {
	Match   design.MeshMatch
	Targets []Target
	// Timeout and Retry override the upstream's when set (the model's
	// routes each have theirs).
	Timeout time.Duration
	Retry   *Retry
	Source  string
}

// Target is a service a route sends a share of calls to.
type Target struct {
	Service string
	Weight  int
}

// Retry is a retry policy: how many retries, on which events, each try
// bounded by PerTry (0: only by the request's timeout).
type Retry struct {
	Max    int
	On     map[string]bool
	PerTry time.Duration
	// Backoff jitters a wait before each retry, Envoy's way; Service
	// Connect's retries are not documented to wait.
	Backoff bool
}

// Outlier is passive ejection of a target's tasks.
type Outlier struct {
	// Window, when set, is Service Connect's rule: Failures failures in
	// Window eject a task. Otherwise Envoy's: Failures consecutive ones.
	Window   time.Duration
	Failures int
	// Interval is Envoy's sweep interval (an ejection's multiplier comes
	// down by one each interval a task stays in).
	Interval time.Duration
	// Base is the first ejection's time, multiplied by the ejections in
	// a row, up to Max.
	Base, Max time.Duration
	// MaxPercent caps the share of a target's tasks ejected at once, at
	// least one (Envoy); 100 for Service Connect.
	MaxPercent int
}

// Auth is Lattice's auth policy for a service.
type Auth struct {
	// Allowed are the services whose identities may invoke it.
	Allowed map[string]bool
	// Service is the Lattice service's name, for the error message.
	Service string
}

// Ingress is how a service's proxies take calls.
type Ingress struct {
	Service  string
	Protocol string
	TLS      TLSMode
	// Authorize, set under strict mutual TLS, admits only the declared
	// callers' identities (deny by default).
	Authorize bool
	// DiscoveryName is the service's name in the metrics.
	DiscoveryName string
	Drain         time.Duration
}

// meshProtocol is what the proxies speak for a service's protocol.
func meshProtocol(p string) string {
	switch p {
	case "http", "http2", "grpc", "websocket":
		return p
	case "udp", "tcp_udp":
		return "" // no mesh carries UDP: callers reach it directly
	}
	return "tcp"
}

// Compile builds the mesh policy of d for sem, or nil when d's services
// call each other without a mesh.
func Compile(d *design.Design, sem Semantics) (*Config, error) {
	if d.Mesh == nil {
		return nil, nil
	}
	c := &Config{Semantics: sem, Upstreams: map[string]*Upstream{}, Ingress: map[string]*Ingress{}, Callers: map[string][]string{}, Members: map[string]bool{}, Health: map[string]*design.LatticeHealth{}}
	for _, ns := range d.Namespaces {
		c.TrustDomain = ns.Name
		break
	}
	if d.Mesh.ServiceConnect != nil {
		c.TrustDomain = d.Mesh.ServiceConnect.Namespace
	}
	if c.TrustDomain == "" {
		c.TrustDomain = d.App + ".local"
	}
	for _, f := range d.Flows {
		if f.Kind == design.FlowService {
			c.Callers[f.To] = append(c.Callers[f.To], f.From)
		}
	}
	for k := range c.Callers {
		slices.Sort(c.Callers[k])
		c.Callers[k] = slices.Compact(c.Callers[k])
	}
	var err error
	switch sem {
	case ServiceConnect:
		err = c.serviceConnect(d)
	case Lattice:
		err = c.lattice(d)
	case Model:
		err = c.model(d)
	default:
		return nil, fmt.Errorf("mesh semantics %q: want service_connect, vpc_lattice or model", sem)
	}
	if err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Config) serviceConnect(d *design.Design) error {
	sc := d.Mesh.ServiceConnect
	if sc == nil {
		return fmt.Errorf("the design has no Service Connect configuration (mesh.target is %s)", d.Mesh.Target)
	}
	for _, s := range sc.Services {
		svc := d.Service(s.Service)
		if svc != nil {
			c.Members[s.Service] = true
		}
		if svc == nil || s.ClientOnly || s.DiscoveryName == "" {
			continue
		}
		proto := meshProtocol(svc.Protocol)
		if proto == "" {
			continue
		}
		tls := TLSOff
		if s.TLS {
			tls = TLSOneWay
		}
		up := &Upstream{Service: s.Service, Protocol: proto, Timeout: time.Duration(s.PerRequest), Idle: time.Duration(s.Idle), TLS: tls,
			Routes:  []Route{{Targets: []Target{{Service: s.Service, Weight: 1}}, Source: "Service Connect: the service's own tasks"}},
			Outlier: map[string]*Outlier{s.Service: {Window: scFailureWindow, Failures: scFailures, Base: scEjectBase, Max: scEjectMax, MaxPercent: 100}},
			Retry:   &Retry{Max: scRetries, On: map[string]bool{"connect-failure": true, "reset": true, "refused-stream": true, "503": true}}}
		c.Upstreams[s.Service] = up
		c.Ingress[s.Service] = &Ingress{Service: s.Service, Protocol: proto, TLS: tls, DiscoveryName: s.DiscoveryName, Drain: scDrain}
	}
	c.Notes = append(c.Notes,
		"Service Connect semantics: round robin; 2 retries on another task after a connection failure, a reset or a 503; a task with 5 failures in 30 s avoided for 30 s, then 60 s, up to 300 s; per-request and idle timeouts from the design.",
		"As on AWS, a task's proxy knows only the Service Connect endpoints that existed when the task started: a service given an endpoint later is reached by tasks started after it (new tasks of a known endpoint are reached at once).")
	if d.Mesh.MTLS == "strict" {
		c.Notes = append(c.Notes, "mesh.mtls strict runs as Service Connect TLS, one-way: callers present no identity and no call is refused by identity. Mutual TLS with deny-by-default authorization is local-only: try it with `up --mesh model`.")
	}
	return nil
}

func (c *Config) lattice(d *design.Design) error {
	lat := d.Mesh.Lattice
	if lat == nil {
		return fmt.Errorf("the design has no VPC Lattice configuration (mesh.target is %s)", d.Mesh.Target)
	}
	for _, n := range d.Mesh.VirtualNodes {
		c.Members[n.Service] = true
	}
	for _, tg := range lat.TargetGroups {
		if tg.Health != nil {
			c.Health[tg.Service] = tg.Health
		}
		if svc := d.Service(tg.Service); svc != nil && meshProtocol(svc.Protocol) != "" {
			c.Ingress[tg.Service] = &Ingress{Service: tg.Service, Protocol: meshProtocol(svc.Protocol), TLS: TLSOff, DiscoveryName: tg.Name}
		}
	}
	for _, ls := range lat.Services {
		svc := d.Service(ls.Service)
		if svc == nil || meshProtocol(svc.Protocol) == "" {
			continue
		}
		up := &Upstream{Service: ls.Service, Protocol: meshProtocol(svc.Protocol), Idle: latticeIdle, MaxDuration: latticeMaxDuration}
		if ls.Protocol == "HTTPS" {
			up.TLS = TLSOneWay
		}
		rules := slices.Clone(ls.Rules)
		slices.SortStableFunc(rules, func(a, b design.LatticeRule) int { return a.Priority - b.Priority })
		for _, r := range rules {
			up.Routes = append(up.Routes, Route{Match: canonical(r.Match), Targets: targets(r.Targets), Source: r.Source})
		}
		if len(ls.DefaultTarget) > 0 {
			up.Routes = append(up.Routes, Route{Targets: targets(ls.DefaultTarget), Source: "default"})
		}
		if lat.AuthType == "AWS_IAM" {
			up.Auth = &Auth{Allowed: map[string]bool{}, Service: ls.Name}
			for _, a := range ls.AllowedCallers {
				up.Auth.Allowed[a] = true
			}
		}
		for _, r := range up.Routes {
			for _, t := range r.Targets {
				if in := c.Ingress[t.Service]; in != nil {
					in.TLS = max(in.TLS, up.TLS)
				}
			}
		}
		c.Upstreams[ls.Service] = up
	}
	c.Notes = append(c.Notes,
		"VPC Lattice semantics: listener rules by priority (path, header and method matches), weighted target groups, no retries, 60 s idle timeout and a 10-minute cap per connection, target-group health checks; with AWS_IAM auth a caller the service's auth policy does not name gets 403 AccessDeniedException.",
		"Lattice's SigV4 caller identity is the calling task's X.509 identity here: the caller's proxy stands for Lattice's data plane, which has no sidecar on AWS.")
	return nil
}

// canonical is a match with its header names in canonical form, so a
// request's header is found without a conversion per request (names
// match without regard to case).
func canonical(m design.MeshMatch) design.MeshMatch {
	if len(m.Headers) == 0 {
		return m
	}
	hs := make([]design.KeyValue, len(m.Headers))
	for i, h := range m.Headers {
		hs[i] = design.KeyValue{Key: http.CanonicalHeaderKey(h.Key), Value: h.Value}
	}
	m.Headers = hs
	return m
}

func targets(ws []design.WeightedNode) []Target {
	var out []Target
	for _, w := range ws {
		out = append(out, Target{Service: strings.TrimPrefix(w.Node, "vn-"), Weight: w.Weight})
	}
	return out
}

func (c *Config) model(d *design.Design) error {
	m := d.Mesh
	nodes := map[string]*design.VirtualNode{}
	for i := range m.VirtualNodes {
		nodes[m.VirtualNodes[i].Service] = &m.VirtualNodes[i]
	}
	mode := func(tls string) TLSMode {
		switch tls {
		case "strict":
			return TLSMutualStrict
		case "permissive":
			return TLSMutualPermissive
		}
		return TLSOff
	}
	for _, n := range m.VirtualNodes {
		svc := d.Service(n.Service)
		if svc == nil {
			continue
		}
		c.Members[n.Service] = true
		if meshProtocol(svc.Protocol) == "" {
			continue
		}
		c.Ingress[n.Service] = &Ingress{Service: n.Service, Protocol: meshProtocol(svc.Protocol), TLS: mode(n.TLS), Authorize: n.TLS == "strict", DiscoveryName: n.Service, Drain: scDrain}
	}
	for _, r := range m.VirtualRouters {
		svc := d.Service(r.Service)
		if svc == nil || len(c.Callers[r.Service]) == 0 || meshProtocol(svc.Protocol) == "" {
			continue
		}
		up := &Upstream{Service: r.Service, Protocol: meshProtocol(svc.Protocol), Outlier: map[string]*Outlier{}, Breaker: map[string]*design.ConnectionPool{}, TLS: mode(nodes[r.Service].TLS)}
		for _, rt := range r.Routes {
			route := Route{Match: canonical(rt.Match), Targets: targets(rt.Targets), Timeout: time.Duration(rt.Timeout), Source: rt.Source}
			if rt.Retry != nil && rt.Retry.MaxRetries > 0 {
				route.Retry = &Retry{Max: rt.Retry.MaxRetries, On: map[string]bool{}, PerTry: time.Duration(rt.Retry.PerTryTimeout), Backoff: true}
				for _, e := range rt.Retry.Events {
					route.Retry.On[e] = true
				}
			}
			up.Routes = append(up.Routes, route)
			for _, t := range route.Targets {
				n := nodes[t.Service]
				if n == nil {
					continue
				}
				if od := n.OutlierDetection; od != nil {
					up.Outlier[t.Service] = &Outlier{Failures: od.Consecutive5xx, Interval: time.Duration(od.Interval), Base: time.Duration(od.BaseEjectionTime),
						Max: max(envoyMaxEjection, time.Duration(od.BaseEjectionTime)), MaxPercent: od.MaxEjectionPercent}
				}
				up.Breaker[t.Service] = n.ConnectionPool
			}
		}
		if cp := nodes[r.Service].ConnectionPool; cp != nil && cp.IdleTimeout > 0 {
			up.Idle = time.Duration(cp.IdleTimeout)
		}
		c.Upstreams[r.Service] = up
	}
	c.Notes = append(c.Notes, "the spec's own mesh model (up --mesh model), local-only: routes with matches and weights, retries on the routes' retry_on events with per-try timeouts and Envoy's jittered back-off (25 ms base, 250 ms cap), circuit breakers answering 503 with x-envoy-overloaded, Envoy's outlier detection; no AWS target runs all of it.")
	switch m.MTLS {
	case "strict":
		c.Notes = append(c.Notes, "mutual TLS, strict (local-only on Service Connect): every task has a SPIFFE identity spiffe://"+c.TrustDomain+"/<service> from the local CA, rotated at half its hour; a caller that is not a declared caller of a service gets 403, or a reset over TCP.")
	case "permissive":
		c.Notes = append(c.Notes, "mutual TLS, permissive: proxies present SPIFFE identities and accept plaintext too.")
	}
	return nil
}

// Upstream returns the policy for caller's calls to service, or nil when
// they do not go through the mesh.
func (c *Config) Upstream(caller, service string) *Upstream {
	if c == nil || !c.Members[caller] {
		return nil
	}
	return c.Upstreams[service]
}

// route returns the first route matching a request.
func (u *Upstream) route(method, path string, header func(string) string) *Route {
	for i := range u.Routes {
		if matches(&u.Routes[i].Match, method, path, header) {
			return &u.Routes[i]
		}
	}
	return nil
}

// matches is App Mesh's and Lattice's match: an exact or prefix path,
// headers by exact value (names without regard to case), a method.
func matches(m *design.MeshMatch, method, path string, header func(string) string) bool {
	if m.PathExact != "" && path != m.PathExact {
		return false
	}
	if m.PathPrefix != "" && !strings.HasPrefix(path, m.PathPrefix) {
		return false
	}
	if m.Method != "" && method != m.Method {
		return false
	}
	for _, h := range m.Headers {
		if header(h.Key) != h.Value {
			return false
		}
	}
	return true
}
