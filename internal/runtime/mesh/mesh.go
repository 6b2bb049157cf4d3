// Package mesh is the local runtime's service-mesh data plane: a proxy
// per task, in the `up` process, as ECS Service Connect's agent is one
// per task. A task's calls to a dependency in the mesh go to its own
// proxy's egress listener for that dependency; the proxy picks a task of
// the target service and forwards to that task's proxy's ingress
// listener, which hands the call to the task. What the proxies do comes
// from the design's compiled mesh (Config), with the semantics of the
// target that will run it: Service Connect (round robin, its fixed
// retries and outlier detection, per-request and idle timeouts, one-way
// TLS), VPC Lattice (rules, weights, auth policy, health checks, no
// retries) or the spec's own model (Envoy's retries, back-off, circuit
// breakers and outlier detection, mutual TLS with SPIFFE identities and
// deny-by-default authorization). The proxies propagate W3C trace
// context and export spans over OTLP/HTTP when asked, count Service
// Connect's metrics, and apply faults injected through the runtime's
// admin API.
//
// It does not own the tasks, their addresses or how the runtime finds
// a task's dependencies: internal/runtime/up starts a proxy for each task
// it runs, tells the mesh every task's proxy address (SetEndpoints) and
// gives its tasks the egress addresses. Where a proxy listens and how it
// dials are a Network, so a proxy can run for a task in a network
// namespace.
package mesh

import (
	"context"
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/otel/trace"

	"github.com/netwright/netwright/internal/clock"
)

// Options are what a mesh is built with.
type Options struct {
	// Clock runs the mesh's times: request and per-try timeouts, retry
	// back-off, outlier ejections, fault durations, delays, identity
	// rotation and Lattice's health checks. The system's when nil.
	Clock clock.Clock
	// Metrics receives the proxies' series; nil keeps them unregistered.
	Metrics prometheus.Registerer
	// CA and CAKey sign the tasks' identities (the runtime's local CA).
	CA    *x509.Certificate
	CAKey crypto.Signer
	// Tracing makes the proxies' spans; spans are made but not exported
	// when nil.
	Tracing *Tracing
	// Log receives a line per refused call (authorization) and ejection;
	// nil discards them. Written a line at a time from many goroutines.
	Log io.Writer
	// Cluster is the ClusterName dimension of the metrics.
	Cluster string
	// Seed, when not zero, seeds the weighted picks of routes (Lattice's
	// and the model's target weights) and the faults' shares, so a test
	// can repeat a run.
	Seed uint64
	// HealthDial connects Lattice's health checks to the targets; nil
	// dials from the host. In netns mode it dials from Lattice's own
	// addresses, so the targets' security groups and NACLs decide.
	HealthDial func(ctx context.Context, network, addr string) (net.Conn, error)
	// IdentityTTL is how long an identity is valid (1 h by default, as
	// SPIRE's default SVID lifetime); it is renewed at half its life.
	IdentityTTL time.Duration
}

func (o Options) tracerFor(service string) trace.Tracer { return o.Tracing.For(service) }

// Task is a task a proxy serves: its ID, its service, and the address
// its application listens on.
type Task struct {
	ID, Service, Addr string
}

// Endpoint is one task of a service as callers' proxies reach it: at its
// proxy's ingress address; AppAddr is the task itself (Lattice checks
// its health there).
type Endpoint struct {
	Task, Addr, AppAddr string
}

// Network is where a task's proxy listens and how it dials, so that a
// proxy can serve a task that has a network (namespace) of its own.
type Network interface {
	// Listen opens a socket for task's proxy; role is "ingress" or
	// "egress <service>".
	Listen(task Task, role string) (net.Listener, error)
	// Dial connects from task's proxy to addr over TCP.
	Dial(ctx context.Context, task Task, addr string) (net.Conn, error)
}

// Bypass is a Network some of whose peers reach a task past its proxy:
// a connection to the proxy's ingress from such a peer is relayed to the
// task as it came, with no TLS, authorization, faults or metrics. up's
// load balancers are such peers: they reach tasks directly in either
// isolation mode, and in netns mode, where a task's proxy holds the
// task's address and port as Service Connect's ingress does, they come
// through the proxy's socket.
type Bypass interface {
	// Bypassed reports whether a connection from addr to task's proxy
	// goes to the task as it came.
	Bypassed(task Task, addr net.Addr) bool
}

// Loopback is the Network of tasks that share the host's: a proxy
// listens on its task's address, on a free port, and dials from it.
type Loopback struct{}

// Listen listens on the task's host, on a free port.
func (Loopback) Listen(t Task, _ string) (net.Listener, error) {
	host, _, err := net.SplitHostPort(t.Addr)
	if err != nil {
		return nil, err
	}
	return net.Listen("tcp", net.JoinHostPort(host, "0"))
}

// Dial dials from the task's host.
func (Loopback) Dial(ctx context.Context, t Task, addr string) (net.Conn, error) {
	host, _, _ := net.SplitHostPort(t.Addr)
	d := net.Dialer{}
	if ip := net.ParseIP(host); ip != nil && !ip.Equal(net.IPv4(127, 0, 0, 1)) {
		d.LocalAddr = &net.TCPAddr{IP: ip}
	}
	return d.DialContext(ctx, "tcp", addr)
}

// Mesh is the running data plane: its policy, the endpoints, the
// proxies, the faults, identities and metrics.
type Mesh struct {
	opt     Options
	clock   clock.Clock
	cfg     atomic.Pointer[Config]
	eps     atomic.Pointer[map[string][]Endpoint]
	faults  *Faults
	metrics *metrics
	ids     *identities
	health  *latticeHealth
	rng     *lockedRand

	ctx    context.Context
	cancel context.CancelFunc
	// goroutines counts every goroutine the mesh starts; Close waits.
	goroutines sync.WaitGroup

	mu      sync.Mutex
	proxies map[string]*Proxy // by task ID
	closed  bool
}

// New makes a mesh with no policy: SetConfig gives it one.
func New(opt Options) (*Mesh, error) {
	if opt.Tracing == nil {
		opt.Tracing = &Tracing{}
	}
	m := &Mesh{opt: opt, clock: clock.Or(opt.Clock), proxies: map[string]*Proxy{}}
	seed := opt.Seed
	if seed == 0 {
		seed = rand.Uint64()
	}
	m.rng = &lockedRand{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	m.ctx, m.cancel = context.WithCancel(context.Background())
	m.faults = newFaults(m.clock, m.rng)
	m.faults.added = m.faultAdded
	var err error
	if m.metrics, err = newMetrics(opt.Metrics, opt.Cluster); err != nil {
		return nil, err
	}
	if opt.CA == nil || opt.CAKey == nil {
		return nil, errors.New("mesh: a CA is needed for the tasks' identities")
	}
	m.ids = newIdentities(opt.CA, opt.CAKey, m.clock, opt.IdentityTTL, m.metrics)
	m.health = newLatticeHealth(m)
	empty := map[string][]Endpoint{}
	m.eps.Store(&empty)
	return m, nil
}

// SetConfig swaps in the policy the proxies run from now on. Proxies
// started before keep the egress listeners they opened.
func (m *Mesh) SetConfig(c *Config) {
	if c != nil {
		m.ids.setTrustDomain(c.TrustDomain)
	}
	m.cfg.Store(c)
	m.health.restart(c)
}

// Config returns the running policy.
func (m *Mesh) Config() *Config { return m.cfg.Load() }

// Faults is the mesh's fault table.
func (m *Mesh) Faults() *Faults { return m.faults }

// SetEndpoints swaps in every service's tasks as callers reach them.
func (m *Mesh) SetEndpoints(eps map[string][]Endpoint) {
	cp := map[string][]Endpoint{}
	for k, v := range eps {
		cp[k] = slices.Clone(v)
	}
	m.eps.Store(&cp)
	m.health.restart(m.cfg.Load())
}

func (m *Mesh) endpoints(service string) []Endpoint { return (*m.eps.Load())[service] }

// StartProxy starts task's proxy on n: an ingress listener when its
// service takes calls through the mesh, and an egress listener for each
// of deps the mesh carries (the endpoints a Service Connect task knows
// are those that exist now, as on AWS). It returns nil when the mesh
// carries nothing for the task.
func (m *Mesh) StartProxy(t Task, deps []string, n Network) (*Proxy, error) {
	cfg := m.cfg.Load()
	if cfg == nil || !cfg.Members[t.Service] && cfg.Ingress[t.Service] == nil {
		return nil, nil
	}
	p := &Proxy{m: m, task: t, net: n, egress: map[string]*egress{}, conns: map[net.Conn]struct{}{}}
	if in := cfg.Ingress[t.Service]; in != nil {
		ln, err := n.Listen(t, "ingress")
		if err != nil {
			return nil, fmt.Errorf("task %s's proxy: %w", t.ID, err)
		}
		p.in = &ingress{p: p, ln: ln}
	}
	for _, dep := range deps {
		up := cfg.Upstream(t.Service, dep)
		if up == nil {
			continue
		}
		ln, err := n.Listen(t, "egress "+dep)
		if err != nil {
			p.closeListeners()
			return nil, fmt.Errorf("task %s's proxy for %s: %w", t.ID, dep, err)
		}
		p.egress[dep] = newEgress(p, dep, up.Protocol, ln)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		p.closeListeners()
		return nil, errors.New("mesh: closed")
	}
	m.proxies[t.ID] = p
	p.start()
	return p, nil
}

// faultAdded sends the HTTP/2 fast path's connections GOAWAY: their
// callers reconnect, onto the net/http path, which injects faults.
func (m *Mesh) faultAdded() {
	m.mu.Lock()
	ps := make([]*Proxy, 0, len(m.proxies))
	for _, p := range m.proxies {
		ps = append(ps, p)
	}
	m.mu.Unlock()
	for _, p := range ps {
		p.goAwayH2(false)
	}
}

func (m *Mesh) forget(p *Proxy) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.proxies[p.task.ID] == p {
		delete(m.proxies, p.task.ID)
	}
}

// Close stops every proxy and the health checks at once and waits (until
// ctx ends) for the mesh's goroutines.
func (m *Mesh) Close(ctx context.Context) error {
	m.mu.Lock()
	m.closed = true
	ps := make([]*Proxy, 0, len(m.proxies))
	for _, p := range m.proxies {
		ps = append(ps, p)
	}
	m.mu.Unlock()
	m.cancel()
	for _, p := range ps {
		p.Close()
	}
	done := make(chan struct{})
	go func() { m.goroutines.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("mesh: connections still closing: %w", ctx.Err())
	}
}

func (m *Mesh) logf(format string, args ...any) {
	if m.opt.Log != nil {
		fmt.Fprintf(m.opt.Log, "mesh: "+format+"\n", args...)
	}
}

// lockedRand is a random source many proxies share.
type lockedRand struct {
	mu sync.Mutex
	r  *rand.Rand
}

func (l *lockedRand) Float64() float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.r.Float64()
}

func (l *lockedRand) IntN(n int) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.r.IntN(n)
}

func (l *lockedRand) Int64N(n int64) int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.r.Int64N(n)
}

// Status is what `netwright status` shows of the mesh.
type Status struct {
	// Semantics is whose data plane runs: service_connect, vpc_lattice
	// or model.
	Semantics string `json:"semantics"`
	// Notes say how it runs, and what is local-only.
	Notes   []string      `json:"notes"`
	Proxies []ProxyStatus `json:"proxies"`
	Faults  []Fault       `json:"faults"`
}

// ProxyStatus is one task's proxy.
type ProxyStatus struct {
	Task     string `json:"task"`
	Service  string `json:"service"`
	Ingress  string `json:"ingress,omitempty"`
	Identity string `json:"identity,omitempty"`
	// TLS is what its ingress speaks.
	TLS    string           `json:"tls,omitempty"`
	Egress []UpstreamStatus `json:"egress,omitempty"`
}

// UpstreamStatus is one dependency a proxy carries calls to.
type UpstreamStatus struct {
	Service string           `json:"service"`
	Addr    string           `json:"addr"`
	Targets []EndpointStatus `json:"targets"`
}

// EndpointStatus is a task a proxy may send calls to, as that proxy
// sees it.
type EndpointStatus struct {
	Service string `json:"service"`
	Task    string `json:"task"`
	Addr    string `json:"addr"`
	// State is available, ejected (by this proxy's outlier detection,
	// until EjectedUntil) or unhealthy (Lattice's health checks).
	State        string    `json:"state"`
	EjectedUntil time.Time `json:"ejected_until,omitzero"`
	// Health is what Lattice's health checks of the task found:
	// initial, healthy or unhealthy; empty where nothing checks it. An
	// unhealthy task's State stays available while no task of its
	// service is healthy (Lattice fails open here).
	Health   string `json:"health,omitempty"`
	InFlight int64  `json:"in_flight"`
}

// Status returns the mesh as it runs now, proxies by task ID.
func (m *Mesh) Status() Status {
	cfg := m.cfg.Load()
	st := Status{Faults: m.faults.List()}
	if cfg != nil {
		st.Semantics, st.Notes = string(cfg.Semantics), cfg.Notes
	}
	m.mu.Lock()
	ps := make([]*Proxy, 0, len(m.proxies))
	for _, p := range m.proxies {
		ps = append(ps, p)
	}
	m.mu.Unlock()
	sort.Slice(ps, func(i, j int) bool { return ps[i].task.ID < ps[j].task.ID })
	for _, p := range ps {
		st.Proxies = append(st.Proxies, p.status(cfg))
	}
	return st
}
