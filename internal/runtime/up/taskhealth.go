package up

import (
	"cmp"
	"context"
	"time"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/runtime/alb"
	"github.com/netwright/netwright/internal/runtime/health"
)

// ecsHealthLag is how long a task's health status takes to reach Cloud
// Map after ECS decides it: ECS pushes it as a custom health status,
// which takes about 30 s to take effect.
const ecsHealthLag = 30 * time.Second

// taskHealthAgent is the User-Agent of the task health checks.
const taskHealthAgent = "netwright-task-health"

// taskHealth checks a service's tasks with the service's health check,
// as ECS checks a task's container: unhealthy after the unhealthy
// threshold of failures in a row, healthy again after the healthy
// threshold of passes, a round every interval on the runtime's clock.
// Each change goes to decided; initial gives each task's health to start
// from.
func (rt *Runtime) taskHealth(ctx context.Context, s *design.Service, ts []Task, initial func(id string) bool, decided func(t Task, healthy bool)) {
	h := s.Health
	interval, timeout := time.Duration(h.Interval), time.Duration(h.Timeout)
	if interval <= 0 || len(ts) == 0 {
		return
	}
	if timeout <= 0 || timeout > interval {
		timeout = interval
	}
	tallies := make([]health.Tally, len(ts))
	healthy := make([]bool, len(ts))
	for i, t := range ts {
		healthy[i] = initial(t.ID)
	}
	version := cmp.Or(design.ProtocolVersion(s.Protocol), design.VersionHTTP1)
	transports := alb.NewTransports(4, 2*interval, nil)
	defer transports.CloseIdleConnections()
	// In netns mode a task is checked from its own namespace, as ECS runs
	// a container's check inside the container.
	own := make([]alb.Transports, len(ts))
	for i, t := range ts {
		if t.own != nil {
			own[i] = alb.NewTransports(1, 2*interval, t.dial())
			defer own[i].CloseIdleConnections()
		}
	}
	check := health.Check{Path: h.Path, Matcher: h.Matcher, GRPC: version == design.VersionGRPC, UserAgent: taskHealthAgent, Timeout: timeout}
	if check.Matcher == "" && !check.GRPC {
		check.Matcher = "200-299" // a container check passes on any success
	}
	first := true
	health.Every(ctx, rt.clock, interval, func() {
		if first { // ECS's first check comes an interval after the start
			first = false
			return
		}
		for i, t := range ts {
			check.Addr, check.Dial = t.appAddr(), t.dial() // the container's own check, past its proxy
			rtp := transports.For(version)
			if t.own != nil {
				rtp = own[i].For(version)
			}
			ok := health.Probe(ctx, rt.clock, rtp, check)
			if ctx.Err() != nil {
				return
			}
			state := health.Unhealthy
			if healthy[i] {
				state = health.Healthy
			}
			next := tallies[i].Observe(state, ok, max(h.HealthyThreshold, 1), max(h.UnhealthyThreshold, 1))
			if next == state {
				continue
			}
			healthy[i] = next == health.Healthy
			decided(t, healthy[i])
		}
	})
}

// restartTaskHealth runs the task health checks of d's services anew,
// each task starting from the health Cloud Map has for it.
func (rt *Runtime) restartTaskHealth(d *design.Design, byService map[string][]Task) {
	rt.mu.Lock()
	for _, stop := range rt.healthStops {
		stop()
	}
	rt.healthStops = map[string]context.CancelFunc{}
	rt.mu.Unlock()
	for i := range d.Services {
		rt.startTaskHealth(d, &d.Services[i], byService[d.Services[i].Name])
	}
}

// startTaskHealth (re)starts the checks of one service's tasks, as ECS
// checks each task's container health: it pushes each decision to Cloud
// Map (ecsHealthLag later, on the runtime's clock) and replaces a task
// of a service (not a data store or appliance) once it is unhealthy.
func (rt *Runtime) startTaskHealth(d *design.Design, s *design.Service, ts []Task) {
	var namespaces []string
	for _, ns := range d.Namespaces {
		for _, ds := range ns.Services {
			if ds.Service == s.Name {
				namespaces = append(namespaces, ns.Name)
			}
		}
	}
	replace := s.Kind == design.KindService
	if s.Protocol == design.ProtoUDP || len(ts) == 0 || len(namespaces) == 0 && !replace {
		return
	}
	ctx, cancel := context.WithCancel(rt.ctx)
	rt.mu.Lock()
	if stop := rt.healthStops[s.Name]; stop != nil {
		stop()
	}
	rt.healthStops[s.Name] = cancel
	rt.mu.Unlock()
	initial := func(id string) bool {
		for _, ns := range namespaces {
			if healthy, ok := rt.reg.Healthy(ns, s.Name, id); ok {
				return healthy
			}
		}
		return true
	}
	rt.goroutines.Go(func() {
		rt.taskHealth(ctx, s, ts, initial, func(t Task, healthy bool) {
			// Decisions reach Cloud Map in order: each waits the same lag.
			rt.clock.AfterFunc(ecsHealthLag, func() {
				if rt.ctx.Err() == nil {
					for _, ns := range namespaces {
						_ = rt.reg.SetHealth(ns, s.Name, t.ID, healthy) // gone if it was replaced and stopped since
					}
				}
			})
			if !healthy && replace {
				rt.goroutines.Go(func() { rt.replaceTask(s.Name, t.ID) })
			}
		})
	})
}
