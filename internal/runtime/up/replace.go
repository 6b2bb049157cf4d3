package up

import (
	"fmt"
	"net/netip"
	"strconv"

	"github.com/netwright/netwright/internal/cloudmap"
	"github.com/netwright/netwright/internal/runtime/alb"
)

// replaceTask replaces the task id of service once its health check
// finds it unhealthy, as ECS's service scheduler does: a new task starts
// in its slot (a new ID, a new address in the same subnet) and is
// registered in the service's target groups (in `initial`, healthy
// after one passing check) and in Cloud Map; the old one is deregistered
// from its target groups (draining), keeps its Cloud Map registration
// (whose health ECS updates ecsHealthLag after its decision) until it has
// drained, then stops and leaves Cloud Map.
func (rt *Runtime) replaceTask(service, id string) {
	rt.reloading.Lock()
	defer rt.reloading.Unlock()
	if rt.ctx.Err() != nil {
		return
	}
	rt.mu.RLock()
	d := rt.design
	slot, n := "", -1
	var old *runningTask
	for k, t := range rt.tasks {
		if t.ID == id && t.Service == service {
			slot, old = k, t
		}
	}
	if old != nil {
		_, num, _ := cutLast(slot, "-")
		n, _ = strconv.Atoi(num)
		n--
	}
	rt.mu.RUnlock()
	s := d.Service(service)
	if old == nil || s == nil || n < 0 || n >= len(rt.byService[service]) {
		return // replaced already, or a reload took it away
	}

	rt.mu.Lock()
	if rt.replaced == nil {
		rt.replaced = map[string]int{}
	}
	rt.replaced[slot]++
	newID := slot + "-r" + strconv.Itoa(rt.replaced[slot]+1)
	var t *runningTask
	var err error
	if rt.fabric != nil {
		places, _ := placed(d)
		t, err = rt.attachTask(d, s, newID, old.spec, places[s.Name][n], heldAddrs(rt.tasks), plannedAddrs(places))
		if err == nil {
			err = behindProxy(rt.mesh.Config(), s, t)
		}
	} else if rt.perTask {
		places, _ := placed(d)
		var pl place
		if t, pl, err = newAddrPool(places, rt.tasks).openAt(s, newID, old.spec, places[s.Name][n]); t != nil {
			t.designed = pl.designed
		}
	} else {
		t, err = openTask(s, newID, "127.0.0.1", 0, old.spec)
	}
	if err != nil {
		rt.mu.Unlock()
		fmt.Fprintf(rt.out, "[ecs] %s failed its health checks; no task could start in its place: %v\n", id, err)
		return
	}
	byService := map[string][]Task{}
	for k, ts := range rt.byService {
		byService[k] = append([]Task(nil), ts...)
	}
	byService[service][n] = t.Task
	rt.startProxy(d, t)
	rt.startTask(d, s, n, t, rt.internal, byService)
	rt.tasks[slot] = t
	rt.setEndpoints(rt.tasks)
	if rt.workloads[old.ID] == old.w {
		delete(rt.workloads, old.ID)
	}
	rt.byService = byService
	rt.Tasks = nil
	for i := range d.Services {
		rt.Tasks = append(rt.Tasks, byService[d.Services[i].Name]...)
	}
	// Built-in tasks that reach the service's tasks directly find the new
	// one; tasks' calls dial through a gateway that knows its address.
	designed := map[string]netip.Addr{}
	for _, tk := range rt.tasks {
		if tk.designed.IsValid() {
			designed[tk.Addr] = tk.designed
			if tk.proxy != nil && tk.proxy.Ingress() != "" {
				designed[tk.proxy.Ingress()] = tk.designed
			}
		}
		if tk.w != nil {
			deps := rt.dependencies(d, tk, rt.internal, byService)
			tk.w.deps.Store(&deps)
		}
	}
	rt.gateway.Store(newGateway(d, byService, designed))
	// The load balancers: the new task in, the old one draining.
	var prior []*alb.Listener
	for _, sa := range rt.albs {
		x := sa.x.Load()
		prior = append(prior, x)
		for _, tg := range x.TargetGroups() {
			if g := targetGroup(d, tg); g != nil && g.Service == service {
				if err := x.Register(tg, newID, t.Addr); err != nil {
					fmt.Fprintf(rt.out, "[ecs] %s: %v\n", newID, err)
				}
				x.Deregister(tg, old.ID)
			}
		}
	}
	for _, sn := range rt.nlbs {
		x := sn.x.Load()
		if g := targetGroup(d, x.TargetGroup()); g != nil && g.Service == service {
			if err := x.Register(newID, t.Addr); err != nil {
				fmt.Fprintf(rt.out, "[ecs] %s: %v\n", newID, err)
			}
			x.Deregister(old.ID)
		}
	}
	rt.mu.Unlock()

	var namespaces []string
	for _, ns := range d.Namespaces {
		for _, ds := range ns.Services {
			if ds.Service == service {
				namespaces = append(namespaces, ns.Name)
			}
		}
	}
	ap := netip.MustParseAddrPort(t.Addr)
	for _, ns := range namespaces {
		_ = rt.reg.Register(ns, service, cloudmap.Instance{ID: newID, Addr: ap.Addr(), Port: int(ap.Port()), Healthy: true}) // the design's own service
	}
	fmt.Fprintf(rt.out, "[ecs] %s failed its health checks: %s started in its place; %s drains, then stops\n", id, newID, id)
	rt.retireTasks(d, []*runningTask{old}, prior, func() {
		for _, ns := range namespaces {
			rt.reg.Deregister(ns, service, old.ID)
		}
	})
	rt.startTaskHealth(d, s, byService[service])
}

// cutLast cuts s around the last sep.
func cutLast(s, sep string) (before, after string, found bool) {
	for i := len(s) - len(sep); i >= 0; i-- {
		if s[i:i+len(sep)] == sep {
			return s[:i], s[i+len(sep):], true
		}
	}
	return s, "", false
}
