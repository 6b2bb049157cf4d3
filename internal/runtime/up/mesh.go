package up

import (
	"context"
	"fmt"
	"net"

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
		case string(mesh.ServiceConnect), string(mesh.Lattice):
			return mesh.Compile(d, mesh.Semantics(d.Mesh.Target))
		}
		return nil, nil
	}
	return nil, fmt.Errorf("--mesh %q: want auto, model or off", rt.opt.Mesh)
}

// taskNetwork is where a task's proxy listens (the task's own address, a
// free port) and how it dials: to its own task directly, to other tasks'
// proxies as the task itself would, through the design's inspection.
type taskNetwork struct{ rt *Runtime }

func (n taskNetwork) Listen(t mesh.Task, _ string) (net.Listener, error) {
	return mesh.Loopback{}.Listen(t, "")
}

func (n taskNetwork) Dial(ctx context.Context, t mesh.Task, addr string) (net.Conn, error) {
	if addr == t.Addr {
		return (&net.Dialer{}).DialContext(ctx, "tcp", addr) // inside the task
	}
	return n.rt.taskDialer(t.Addr)(ctx, "tcp", addr)
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
	p, err := rt.mesh.StartProxy(mesh.Task{ID: t.ID, Service: t.Service, Addr: t.Addr}, deps, taskNetwork{rt})
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
