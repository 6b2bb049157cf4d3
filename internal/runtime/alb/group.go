package alb

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/runtime/h1"
	"github.com/netwright/netwright/internal/runtime/health"
)

func randIntn(n int) int { return rand.IntN(n) }

type target struct {
	id, addr    string
	outstanding atomic.Int64
	// Guarded by the group's mutex.
	state string
	tally health.Tally
	// warming is when the target entered slow start; zero when not in it.
	warming time.Time
	// pool holds the data path's idle connections to the target.
	pool h1.Pool
}

type group struct {
	tg *design.TargetGroup
	// arn caches the group's ARN for the access log.
	arn atomic.Pointer[arnEntry]
	// ended tells of requests that end, to WaitIdle.
	ended *ends
	// slow is the group's slow-start duration; zero for none.
	slow    time.Duration
	mu      sync.Mutex
	targets []*target
	// pool and weights are scratch space for pick, reused so picking a
	// target allocates nothing.
	pool    []*target
	weights []int
	next    int // round robin position
}

// Register adds a target (host:port) to a target group. It starts in the
// initial state and receives traffic once it passes one health check, as
// ALB's newly registered targets do (an unhealthy one needs the healthy
// threshold of passes), or while no target of the group is healthy
// (fail-open: then every target not draining, initial ones included).
func (x *Listener) Register(targetGroup, id, addr string) error {
	g, ok := x.groups[targetGroup]
	if !ok {
		return fmt.Errorf("listener %s does not forward to target group %s", x.l.ID, targetGroup)
	}
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return fmt.Errorf("target %s: %w", id, err)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if slices.ContainsFunc(g.targets, func(t *target) bool { return t.id == id }) {
		return fmt.Errorf("target %s is already registered in %s", id, targetGroup)
	}
	g.targets = append(g.targets, &target{id: id, addr: addr, state: health.Initial})
	return nil
}

// Deregister takes a target out of service: it gets no new requests, and
// it is removed once its requests in flight finish or the group's
// deregistration delay passes, whichever is first (at once when idle).
func (x *Listener) Deregister(targetGroup, id string) {
	g, ok := x.groups[targetGroup]
	if !ok {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	i := slices.IndexFunc(g.targets, func(t *target) bool { return t.id == id })
	if i < 0 || g.targets[i].state == health.Draining {
		return
	}
	t := g.targets[i]
	if t.outstanding.Load() == 0 {
		g.targets = slices.Delete(g.targets, i, i+1)
		t.pool.Close()
		return
	}
	t.state = health.Draining
	x.clock.AfterFunc(time.Duration(g.tg.DeregistrationDelay), func() { g.remove(t) })
}

// remove drops a target, if it is still there.
func (g *group) remove(t *target) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.targets = slices.DeleteFunc(g.targets, func(x *target) bool { return x == t })
	t.pool.Close()
}

// done ends a request on t; a draining target with none left goes.
func (g *group) done(t *target) {
	defer g.ended.signal()
	if t.outstanding.Add(-1) == 0 {
		g.mu.Lock()
		draining := t.state == health.Draining
		g.mu.Unlock()
		if draining {
			g.remove(t)
		}
	}
}

// Targets returns a target group's targets in registration order.
func (x *Listener) Targets(targetGroup string) []health.TargetStatus {
	g, ok := x.groups[targetGroup]
	if !ok {
		return nil
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	out := make([]health.TargetStatus, 0, len(g.targets))
	for _, t := range g.targets {
		out = append(out, health.TargetStatus{ID: t.id, Addr: t.addr, State: t.state, InFlight: t.outstanding.Load()})
	}
	return out
}

// Health returns each target's state, by target ID.
func (x *Listener) Health(targetGroup string) map[string]string {
	out := map[string]string{}
	if g, ok := x.groups[targetGroup]; ok {
		g.mu.Lock()
		for _, t := range g.targets {
			out[t.id] = t.state
		}
		g.mu.Unlock()
	}
	return out
}

// routable returns the targets that may get new requests: the healthy
// ones, or every target not draining when none is healthy (ALB fails
// open). The caller holds g.mu.
func (g *group) routable() []*target {
	pool := g.pool[:0]
	for _, t := range g.targets {
		if t.state == health.Healthy {
			pool = append(pool, t)
		}
	}
	if len(pool) == 0 {
		for _, t := range g.targets {
			if t.state != health.Draining {
				pool = append(pool, t)
			}
		}
	}
	g.pool = pool
	return pool
}

// sticky returns the target named id if it may get new requests.
func (g *group) sticky(id string) *target {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, t := range g.routable() {
		if t.id == id {
			return t
		}
	}
	return nil
}

// pick chooses a target with the group's algorithm among the healthy
// ones, or among all when none is healthy (ALB fails open); nil when the
// group has no targets.
func (g *group) pick(intn func(int) int, now time.Time) *target {
	g.mu.Lock()
	defer g.mu.Unlock()
	pool := g.routable()
	if len(pool) == 0 {
		return nil
	}
	if g.slow > 0 && g.tg.Algorithm != "least_outstanding_requests" { // ALB has no slow start with LOR
		if t := g.pickWarming(pool, intn, now); t != nil {
			return t
		}
	}
	switch g.tg.Algorithm {
	case "least_outstanding_requests":
		// The fewest requests in flight; ties go round robin so idle
		// targets share the load.
		best := -1
		for k := range pool {
			i := (g.next + k) % len(pool)
			if best < 0 || pool[i].outstanding.Load() < pool[best].outstanding.Load() {
				best = i
			}
		}
		g.next = (best + 1) % len(pool)
		return pool[best]
	case "weighted_random":
		return pool[intn(len(pool))]
	default: // round_robin
		t := pool[g.next%len(pool)]
		g.next = (g.next + 1) % len(pool)
		return t
	}
}

// weightScale is the resolution of slow start's weights.
const weightScale = 1000

// weight is a target's share in slow start, 0 to weightScale: it grows
// linearly from 0 to full over the group's slow-start duration, after
// which the target leaves slow start. The caller holds g.mu.
func (g *group) weight(t *target, now time.Time) int {
	if t.warming.IsZero() {
		return weightScale
	}
	e := now.Sub(t.warming)
	if e >= g.slow {
		t.warming = time.Time{}
		return weightScale
	}
	return int(int64(e) * weightScale / int64(g.slow))
}

// pickWarming picks by weight when a target of the pool is in slow start
// (round robin advances past a warming target unless a draw below its
// weight keeps it); nil when none is. The caller holds g.mu.
func (g *group) pickWarming(pool []*target, intn func(int) int, now time.Time) *target {
	weights := g.weights[:0]
	warming := false
	for i, t := range pool {
		weights = append(weights, g.weight(t, now))
		warming = warming || weights[i] < weightScale
	}
	g.weights = weights
	if !warming {
		return nil
	}
	if g.tg.Algorithm == "weighted_random" {
		total := 0
		for _, w := range weights {
			total += w
		}
		if total == 0 {
			return nil
		}
		n := intn(total)
		for i, w := range weights {
			if n < w {
				return pool[i]
			}
			n -= w
		}
	}
	for range pool {
		i := g.next % len(pool)
		g.next = (g.next + 1) % len(pool)
		if weights[i] == weightScale || intn(weightScale) < weights[i] {
			return pool[i]
		}
	}
	return nil
}

// CheckHealth runs one health check of every target of every group,
// concurrently, and moves each through ALB's states (see checkGroup).
func (x *Listener) CheckHealth(ctx context.Context) {
	var wg sync.WaitGroup
	for _, g := range x.groups {
		wg.Go(func() { x.checkGroup(ctx, g) })
	}
	wg.Wait()
	x.observeHealth()
}

// checkGroup runs one health check of each of g's targets, concurrently,
// and moves each through ALB's states: a newly registered (initial)
// target is healthy after one pass, an unhealthy one after the healthy
// threshold of consecutive passes; any is unhealthy after the unhealthy
// threshold of consecutive failures.
func (x *Listener) checkGroup(ctx context.Context, g *group) {
	g.mu.Lock()
	targets := slices.Clone(g.targets)
	// A target that turns healthy enters slow start only if the group
	// had a healthy target before this round.
	hadHealthy := slices.ContainsFunc(targets, func(t *target) bool { return t.state == health.Healthy })
	g.mu.Unlock()
	var wg sync.WaitGroup
	for _, t := range targets {
		wg.Go(func() {
			ok := x.probe(ctx, g.tg, t)
			g.mu.Lock()
			defer g.mu.Unlock()
			if t.state == health.Draining {
				return
			}
			healthyThreshold := g.tg.Health.HealthyThreshold
			if t.state == health.Initial {
				healthyThreshold = 1 // a newly registered target must pass one check
			}
			next := t.tally.Observe(t.state, ok, healthyThreshold, g.tg.Health.UnhealthyThreshold)
			if next == health.Healthy && t.state != health.Healthy && g.slow > 0 && hadHealthy {
				t.warming = x.now()
			}
			t.state = next
		})
	}
	wg.Wait()
}

// RunHealthChecks checks each target group at its own designed interval
// on the listener's clock until ctx ends, so a target goes out of service and comes
// back after the times `netwright plan` prints for its group. Each target
// is checked once at start, as ALB does on registration.
func (x *Listener) RunHealthChecks(ctx context.Context) {
	var wg sync.WaitGroup
	for _, id := range x.TargetGroups() {
		g := x.groups[id]
		wg.Go(func() {
			health.Every(ctx, x.clock, time.Duration(g.tg.Health.Interval), func() {
				x.checkGroup(ctx, g)
				x.observeGroup(id, g)
			})
		})
	}
	wg.Wait()
}

// probe runs one health check of a target as the group designs it.
func (x *Listener) probe(ctx context.Context, tg *design.TargetGroup, t *target) bool {
	h := tg.Health
	timeout := time.Duration(h.Timeout)
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	host, _, _ := net.SplitHostPort(t.addr)
	addr := t.addr
	if h.Port != 0 && h.Port != tg.Port {
		addr = net.JoinHostPort(host, strconv.Itoa(h.Port))
	}
	c := health.Check{Addr: addr, Path: h.Path, Matcher: h.Matcher, Timeout: timeout, UserAgent: "ELB-HealthChecker/2.0", GRPC: tg.ProtocolVersion == design.VersionGRPC, Dial: x.dial}
	if h.Protocol == "TCP" {
		c.Path = ""
	} else if c.Path == "" {
		c.Path = "/"
	}
	return health.Probe(ctx, x.clock, x.transports.For(tg.ProtocolVersion), c)
}

// Adopt carries health over from old, the listener this one replaces on
// a reload: a target of a group both forward to, with the same ID and
// address, keeps its state, its run of check results and its slow start.
// Either way the groups' healthy and unhealthy counts are published, so
// a listener put in service (old is nil for a new one) has them before
// its first round of checks.
func (x *Listener) Adopt(old *Listener) {
	for id, g := range x.groups {
		if old == nil {
			break
		}
		og, ok := old.groups[id]
		if !ok {
			continue
		}
		og.mu.Lock()
		prior := map[[2]string]*target{}
		for _, t := range og.targets {
			if t.state != health.Draining {
				prior[[2]string{t.id, t.addr}] = t
			}
		}
		g.mu.Lock()
		for _, t := range g.targets {
			if p, ok := prior[[2]string{t.id, t.addr}]; ok {
				t.state, t.tally, t.warming = p.state, p.tally, p.warming
			}
		}
		g.mu.Unlock()
		og.mu.Unlock()
	}
	x.observeHealth()
}

// LoadBalancer is the designed load balancer the listener belongs to.
func (x *Listener) LoadBalancer() *design.LoadBalancer { return x.lb }

// DesignListener is the designed listener served.
func (x *Listener) DesignListener() *design.Listener { return x.l }

// WaitIdle waits until no request is in flight to a target whose
// address is in addrs (to any target when addrs is nil), or ctx ends; it
// reports whether none is. A listener no longer in service gets no new
// requests, so its count only falls.
func (x *Listener) WaitIdle(ctx context.Context, addrs map[string]bool) bool {
	for {
		ended := x.ended.next()
		n := x.inFlightTo(addrs)
		if n == 0 {
			x.ended.stop()
			return true
		}
		select {
		case <-ended:
		case <-ctx.Done():
			x.ended.stop()
			return x.inFlightTo(addrs) == 0
		}
		x.ended.stop()
	}
}

// inFlightTo counts the requests in flight to the targets at addrs (all
// when nil).
func (x *Listener) inFlightTo(addrs map[string]bool) int64 {
	var n int64
	for _, g := range x.groups {
		g.mu.Lock()
		for _, t := range g.targets {
			if addrs == nil || addrs[t.addr] {
				n += t.outstanding.Load()
			}
		}
		g.mu.Unlock()
	}
	return n
}

// ends tells those waiting for requests to end (WaitIdle) that one did.
// A request that ends costs an atomic load while no one waits.
type ends struct {
	waiting atomic.Int32
	mu      sync.Mutex
	ch      chan struct{} // closed at the next end
}

// next registers a waiter and returns the channel the next end closes;
// stop unregisters it.
func (e *ends) next() <-chan struct{} {
	e.waiting.Add(1)
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.ch == nil {
		e.ch = make(chan struct{})
	}
	return e.ch
}

func (e *ends) stop() { e.waiting.Add(-1) }

// signal wakes the waiters, if any.
func (e *ends) signal() {
	if e == nil || e.waiting.Load() == 0 {
		return
	}
	e.mu.Lock()
	if e.ch != nil {
		close(e.ch)
		e.ch = nil
	}
	e.mu.Unlock()
}

// InFlight counts the requests in flight to every target.
func (x *Listener) InFlight() int64 { return x.inFlightTo(nil) }
