package mesh

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/runtime/health"
)

// latticeHealth is VPC Lattice's target-group health checks: each target
// group's tasks checked at their own address, with the group's path,
// matcher, interval, timeout and thresholds, on the mesh's clock. A new
// task is routed to once it passes one check; while no task of a group
// is healthy, calls go to all of them (what Lattice does then is not
// documented: netwright fails open, as ALB does).
type latticeHealth struct {
	m      *Mesh
	mu     sync.Mutex
	states map[string]map[string]string // service -> task -> state
	tally  map[string]*health.Tally
	stop   context.CancelFunc
}

func newLatticeHealth(m *Mesh) *latticeHealth {
	return &latticeHealth{m: m, states: map[string]map[string]string{}, tally: map[string]*health.Tally{}, stop: func() {}}
}

const latticeUserAgent = "Amazon-VPC-Lattice-HealthChecker"

// restart runs the checks of cfg's groups over the current endpoints.
func (h *latticeHealth) restart(cfg *Config) {
	h.mu.Lock()
	h.stop()
	ctx, cancel := context.WithCancel(h.m.ctx)
	h.stop = cancel
	h.mu.Unlock()
	if cfg == nil || cfg.Semantics != Lattice {
		return
	}
	for service, hc := range cfg.Health {
		eps := h.m.endpoints(service)
		if len(eps) == 0 {
			continue
		}
		rt := &http.Transport{Protocols: new(http.Protocols), DisableKeepAlives: true, DialContext: h.m.opt.HealthDial}
		if hc.ProtocolVersion == design.VersionHTTP2 {
			rt.Protocols.SetUnencryptedHTTP2(true)
		} else {
			rt.Protocols.SetHTTP1(true)
		}
		h.m.goroutines.Go(func() {
			defer rt.CloseIdleConnections()
			health.Every(ctx, h.m.clock, time.Duration(hc.Interval), func() { h.round(ctx, rt, service, hc, eps) })
			<-ctx.Done()
		})
	}
}

func (h *latticeHealth) round(ctx context.Context, rt http.RoundTripper, service string, hc *design.LatticeHealth, eps []Endpoint) {
	type result struct {
		task string
		ok   bool
	}
	results := make(chan result, len(eps))
	var wg sync.WaitGroup
	for _, ep := range eps {
		wg.Go(func() {
			ok := health.Probe(ctx, h.m.clock, rt, health.Check{Addr: ep.AppAddr, Path: hc.Path, Matcher: hc.Matcher, UserAgent: latticeUserAgent, Timeout: time.Duration(hc.Timeout)})
			results <- result{ep.Task, ok}
		})
	}
	wg.Wait()
	close(results)
	if ctx.Err() != nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	st := h.states[service]
	if st == nil {
		st = map[string]string{}
		h.states[service] = st
	}
	for r := range results {
		key := service + "/" + r.task
		t := h.tally[key]
		if t == nil {
			t = &health.Tally{}
			h.tally[key] = t
		}
		state := st[r.task]
		if state == "" {
			state = health.Initial
		}
		if state == health.Initial && r.ok {
			st[r.task] = health.Healthy // a new target needs one passing check
			t.Observe(health.Healthy, true, hc.HealthyThreshold, hc.UnhealthyThreshold)
			continue
		}
		st[r.task] = t.Observe(state, r.ok, hc.HealthyThreshold, hc.UnhealthyThreshold)
	}
}

// healthy reports whether calls may go to task of service: always where
// Lattice checks nothing, else when it is healthy or no task of the
// service is.
func (h *latticeHealth) healthy(service, task string) bool {
	cfg := h.m.cfg.Load()
	if cfg == nil || cfg.Semantics != Lattice || cfg.Health[service] == nil {
		return true
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	st := h.states[service]
	if st[task] == health.Healthy {
		return true
	}
	for _, ep := range h.m.endpoints(service) {
		if st[ep.Task] == health.Healthy {
			return false
		}
	}
	return true // fail open
}

// state is what the checks found of task of service: initial, healthy
// or unhealthy; empty where Lattice checks nothing.
func (h *latticeHealth) state(service, task string) string {
	cfg := h.m.cfg.Load()
	if cfg == nil || cfg.Semantics != Lattice || cfg.Health[service] == nil {
		return ""
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if st := h.states[service][task]; st != "" {
		return st
	}
	return health.Initial
}
