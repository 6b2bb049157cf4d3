package analysis

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/netwright/netwright/internal/design"
)

// Binding is where a service of a spec is in a real network: the ECS
// service, instances or interfaces that are it, and how netwright found
// them.
type Binding struct {
	Service string `json:"service"`
	// How says how it was found: "given" (--bind), "ecs service",
	// "instance name" or "security group".
	How string `json:"how"`
	// Resource is what was matched: the ECS service's name, the
	// instances' IDs, the security group's ID, or what --bind named.
	Resource string `json:"resource"`
	// Interfaces are the network interfaces its traffic uses.
	Interfaces []string `json:"interfaces"`
	ends       []Endpoint
}

// Ends are the binding's ends as reachability questions take them, one
// per interface (or one for an ECS service known only by its placement).
func (b *Binding) Ends() []Endpoint { return b.ends }

// Bindings are every service of a spec found in a real network.
type Bindings struct {
	ByService map[string]*Binding
	// Missing are the spec's services found nowhere, sorted.
	Missing []string
	// byInterface is the service each bound interface belongs to.
	byInterface map[string]string
}

// List returns the bindings sorted by service.
func (bs *Bindings) List() []Binding {
	out := []Binding{}
	for _, b := range bs.ByService {
		out = append(out, *b)
	}
	slices.SortFunc(out, func(a, b Binding) int { return strings.Compare(a.Service, b.Service) })
	return out
}

// ServiceOf returns the spec service an interface is bound to, or "".
func (bs *Bindings) ServiceOf(eni string) string { return bs.byInterface[eni] }

// Bind finds each service of the spec's design in the real network e
// reads: given (a service name to IDs, from --bind: an ECS service's
// name, instance, interface, task or security group IDs, or addresses,
// comma-separated) first; else an ECS service of the same name (or the
// app's name, a dash, and the name); else running instances whose Name
// tag is the name; else the interfaces of a security group of that name.
// Interfaces that load balancers and NAT gateways own are never a
// service's.
func (e *Engine) Bind(spec *design.Design, given map[string]string) (*Bindings, error) {
	bs := &Bindings{ByService: map[string]*Binding{}, byInterface: map[string]string{}}
	for name := range given {
		if spec.Service(name) == nil {
			return nil, fmt.Errorf("--bind %s: the spec has no service %q", name, name)
		}
	}
	for _, svc := range spec.Services {
		var b *Binding
		var err error
		if ids, ok := given[svc.Name]; ok {
			b, err = e.bindGiven(svc.Name, ids)
			if err != nil {
				return nil, err
			}
		} else {
			b = e.bindByName(svc.Name, spec.App)
		}
		if b == nil {
			bs.Missing = append(bs.Missing, svc.Name)
			continue
		}
		bs.ByService[svc.Name] = b
		for _, id := range b.Interfaces {
			bs.byInterface[id] = svc.Name
		}
	}
	slices.Sort(bs.Missing)
	return bs, nil
}

// serviceInterface reports whether an interface may be a workload's: not
// a load balancer's, NAT gateway's, endpoint's or attachment's.
func serviceInterface(n *design.NetworkInterface) bool {
	switch n.Type {
	case "nat_gateway", "vpc_endpoint", "gateway_load_balancer_endpoint", "transit_gateway", "network_load_balancer", "gateway_load_balancer":
		return false
	}
	return !strings.HasPrefix(n.Owner, "arn:aws:elasticloadbalancing:")
}

func (e *Engine) addInterface(b *Binding, n *design.NetworkInterface) {
	if slices.Contains(b.Interfaces, n.ID) || !serviceInterface(n) {
		return
	}
	r, err := e.resolveInterface(n, netip.Addr{})
	if err != nil || r.lb != nil || r.nat != "" {
		return
	}
	r.ep.Name = b.Service
	b.Interfaces = append(b.Interfaces, n.ID)
	b.ends = append(b.ends, r.ep)
}

func (e *Engine) bindGiven(name, ids string) (*Binding, error) {
	b := &Binding{Service: name, How: "given", Resource: ids}
	for _, id := range strings.Split(ids, ",") {
		id = strings.TrimSpace(id)
		if id == "" {
			continue
		}
		if strings.HasPrefix(id, "sg-") {
			if e.groups[id] == nil {
				return nil, fmt.Errorf("--bind %s=%s: no security group %s in the design", name, ids, id)
			}
			e.addGroup(b, id)
			continue
		}
		if svc := e.d.Service(id); svc != nil {
			e.addECSService(b, svc)
			continue
		}
		r, err := e.resolve(id)
		if err != nil {
			return nil, fmt.Errorf("--bind %s=%s: %w", name, ids, err)
		}
		if r.lb != nil || r.nat != "" || len(r.ep.IDs) == 0 {
			return nil, fmt.Errorf("--bind %s=%s: %s is not a workload's interface (a load balancer, NAT gateway or address outside the network)", name, ids, id)
		}
		for _, eni := range r.ep.IDs {
			if n := e.d.Interface(eni); n != nil {
				e.addInterface(b, n)
			} else {
				// An address in a subnet that no interface holds.
				ep := r.ep
				ep.Name = name
				b.Interfaces = append(b.Interfaces, eni)
				b.ends = append(b.ends, ep)
			}
		}
	}
	if len(b.ends) == 0 {
		return nil, fmt.Errorf("--bind %s=%s: nothing there has a network interface", name, ids)
	}
	return b, nil
}

// addECSService adds an ECS service's running tasks' interfaces, or its
// placement when no task is known.
func (e *Engine) addECSService(b *Binding, svc *design.Service) {
	before := len(b.ends)
	for _, t := range e.d.Tasks {
		if t.Service == svc.Name {
			if n := e.d.Interface(t.Interface); n != nil {
				e.addInterface(b, n)
			}
		}
	}
	if len(b.ends) == before {
		if ep, ok := e.ServiceEndpoint(svc.Name, ""); ok && len(ep.Subnets) > 0 {
			ep.Name = b.Service
			b.ends = append(b.ends, ep)
		}
	}
}

func (e *Engine) addGroup(b *Binding, gid string) {
	for i := range e.d.Interfaces {
		n := &e.d.Interfaces[i]
		if slices.Contains(n.SecurityGroups, gid) {
			e.addInterface(b, n)
		}
	}
}

func (e *Engine) bindByName(name, app string) *Binding {
	for _, ecsName := range []string{name, app + "-" + name} {
		if svc := e.d.Service(ecsName); svc != nil {
			b := &Binding{Service: name, How: "ecs service", Resource: ecsName}
			e.addECSService(b, svc)
			if len(b.ends) > 0 {
				return b
			}
		}
	}
	var ids []string
	b := &Binding{Service: name, How: "instance name"}
	for _, in := range e.d.Instances {
		if in.Name != name || in.State != "running" {
			continue
		}
		ids = append(ids, in.ID)
		for _, eni := range in.Interfaces {
			if n := e.d.Interface(eni); n != nil {
				e.addInterface(b, n)
			}
		}
	}
	if len(b.ends) > 0 {
		b.Resource = strings.Join(ids, ",")
		return b
	}
	for _, g := range e.d.SecurityGroups {
		if g.Name == name {
			b := &Binding{Service: name, How: "security group", Resource: g.ID}
			e.addGroup(b, g.ID)
			if len(b.ends) > 0 {
				return b
			}
		}
	}
	return nil
}
