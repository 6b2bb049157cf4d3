package up

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strings"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/runtime/mesh"
)

// The mesh's data plane (internal/runtime/mesh) plugs in here: each
// task of a service in the mesh gets a proxy, started before the task so
// a `run` command's <SERVICE>_ADDR can name its proxy; the mesh learns
// every task's proxy address after each apply or replacement.

// Mesh modes of Options.Mesh.
const (
	MeshAuto  = ""      // the design's target: service_connect, vpc_lattice or none
	MeshModel = "model" // the spec's own model, local-only
	MeshOff   = "off"   // no proxies: tasks call each other as without a mesh
)

// meshConfig compiles the mesh policy d runs with under the runtime's
// mode, or nil for none.
func (rt *Runtime) meshConfig(d *design.Design) (*mesh.Config, error) {
	if d.Mesh == nil || rt.opt.Mesh == MeshOff {
		return nil, nil
	}
	switch rt.opt.Mesh {
	case MeshModel:
		return mesh.Compile(d, mesh.Model)
	case MeshAuto:
		switch d.Mesh.Target {
		case string(mesh.Lattice):
			cfg, err := mesh.Compile(d, mesh.Lattice)
			if err != nil || cfg == nil || rt.fabric == nil {
				return cfg, err
			}
			if err := rt.serveLattice(d); err != nil {
				return nil, err
			}
			plainToTargets(cfg)
			return cfg, nil
		case string(mesh.ServiceConnect):
			return mesh.Compile(d, mesh.ServiceConnect)
		}
		return nil, nil
	}
	return nil, fmt.Errorf("--mesh %q: want auto, model or off", rt.opt.Mesh)
}

// behindProxy arranges a task in netns mode whose service takes calls
// through the mesh as Service Connect arranges an awsvpc task: the
// proxy's ingress takes the task's address and the service's port (the
// container port, where the security groups admit callers, so proxy to
// proxy traffic meets them), and the application listens behind it on
// the namespace's loopback, on the same port. A task that fails to get
// its socket is stopped.
func behindProxy(cfg *mesh.Config, s *design.Service, t *runningTask) error {
	if cfg == nil || cfg.Ingress[s.Name] == nil || t.eni == nil || len(t.lns) != 1 || t.pc != nil {
		return nil
	}
	_, port, _ := net.SplitHostPort(t.Addr)
	app, err := t.eni.NS.Listen("tcp", net.JoinHostPort("127.0.0.1", port))
	if err != nil {
		t.stop()
		return fmt.Errorf("task %s behind its proxy: %w", t.ID, err)
	}
	t.ingress, t.lns = t.lns[0], []net.Listener{app}
	t.app = app.Addr().String()
	t.Task.app = t.app
	return nil
}

// taskNetwork is where a task's proxy listens and how it dials. In
// loopback mode it listens on the task's address, on a free port, and
// dials to its own task directly and to other tasks' proxies as the
// task itself would, through the design's inspection. In netns mode it
// listens and dials in the task's namespace: the ingress on the task's
// address and port (behindProxy), the egress listeners on the
// namespace's loopback (where Service Connect's client aliases resolve),
// and every connection to another task's proxy leaves the task's
// interface, through its security groups, NACLs and routes.
type taskNetwork struct {
	rt *Runtime
	t  *runningTask
}

func (n taskNetwork) Listen(mt mesh.Task, role string) (net.Listener, error) {
	if n.t.eni == nil {
		return mesh.Loopback{}.Listen(mt, role)
	}
	if service, ok := strings.CutPrefix(role, "egress "); ok && n.rt.latticeNetns() {
		// The task calls a Lattice service at its address, out of its
		// namespace; the service's listener hands the call here.
		if ln := n.rt.lattice.egressSocket(service, n.t.eni.Addr); ln != nil {
			return ln, nil
		}
	}
	if role == "ingress" {
		if n.t.ingress == nil {
			return nil, fmt.Errorf("no socket at %s for the ingress", n.t.Addr)
		}
		ln := n.t.ingress
		n.t.ingress = nil // the proxy's now: it closes it
		return ln, nil
	}
	return n.t.eni.NS.Listen("tcp", "127.0.0.1:0")
}

func (n taskNetwork) Dial(ctx context.Context, mt mesh.Task, addr string) (net.Conn, error) {
	if n.t.eni != nil {
		if addr != mt.Addr && n.rt.latticeNetns() {
			// Lattice connects to a target, from its address.
			return n.rt.lattice.dial(ctx, addr)
		}
		return n.t.eni.NS.DialContext(ctx, "tcp", addr)
	}
	if addr == mt.Addr {
		return (&net.Dialer{}).DialContext(ctx, "tcp", addr) // inside the task
	}
	return n.rt.taskDialer(mt.Addr)(ctx, "tcp", addr)
}

// Bypassed: in netns mode the load balancers' nodes reach a task past
// its proxy, as they reach tasks directly in loopback mode.
func (n taskNetwork) Bypassed(_ mesh.Task, from net.Addr) bool {
	if n.t.eni == nil || n.rt.fabric == nil {
		return false
	}
	ap, err := netip.ParseAddrPort(from.String())
	if err != nil {
		return false
	}
	for _, e := range n.rt.fabric.ENIs() {
		if e.Addr == ap.Addr() && strings.HasPrefix(e.Owner, "lb-") {
			return true
		}
	}
	return false
}

// startProxy starts the proxy of a task that has none yet. The caller
// holds rt.mu.
func (rt *Runtime) startProxy(d *design.Design, t *runningTask) {
	if rt.mesh == nil || rt.mesh.Config() == nil || t.proxy != nil || t.pc != nil {
		return
	}
	var deps []string
	for _, f := range d.Flows {
		if f.Kind == design.FlowService && f.From == t.Service {
			deps = append(deps, f.To)
		}
	}
	p, err := rt.mesh.StartProxy(mesh.Task{ID: t.ID, Service: t.Service, Addr: t.appAddr()}, deps, taskNetwork{rt, t})
	if err != nil {
		rt.Notes = append(rt.Notes, fmt.Sprintf("%s runs without its mesh proxy: %v", t.ID, err))
		return
	}
	t.proxy = p
}

// setEndpoints tells the mesh where every task's proxy is. The caller
// holds rt.mu.
func (rt *Runtime) setEndpoints(tasks map[string]*runningTask) {
	if rt.mesh == nil {
		return
	}
	eps := map[string][]mesh.Endpoint{}
	for _, t := range tasks {
		if t.proxy != nil && t.proxy.Ingress() != "" {
			eps[t.Service] = append(eps[t.Service], mesh.Endpoint{Task: t.ID, Addr: t.proxy.Ingress(), AppAddr: t.Addr})
		}
	}
	for _, l := range eps {
		sortEndpoints(l)
	}
	rt.mesh.SetEndpoints(eps)
}

func sortEndpoints(l []mesh.Endpoint) {
	for i := 1; i < len(l); i++ {
		for j := i; j > 0 && l[j].Task < l[j-1].Task; j-- {
			l[j], l[j-1] = l[j-1], l[j]
		}
	}
}

// meshDependency is how task reaches to through its proxy, when the mesh
// carries the call.
func (rt *Runtime) meshDependency(t *runningTask, to string) (string, bool) {
	if t == nil || t.proxy == nil {
		return "", false
	}
	return t.proxy.Egress(to)
}

// meshVia names the hop a task's call takes through its proxy.
func (rt *Runtime) meshVia() string {
	if rt.mesh == nil || rt.mesh.Config() == nil {
		return ""
	}
	switch rt.mesh.Config().Semantics {
	case mesh.ServiceConnect:
		return "Service Connect proxy"
	case mesh.Lattice:
		return "VPC Lattice"
	}
	return "mesh proxy (model)"
}
