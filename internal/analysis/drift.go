package analysis

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/diag"
	"github.com/netwright/netwright/internal/portset"
)

// Drift is what a real network allows and lacks against a spec's intent
// (netwright diff): where each of the spec's services is, the findings
// (NW160-NW163), and the all-pairs matrix of those services as the real
// network admits them.
type Drift struct {
	Bindings []Binding `json:"bindings"`
	Findings []Finding `json:"findings"`
	Matrix   []Cell    `json:"matrix"`
}

// Report is the drift as the findings renderers take it.
func (d *Drift) Report() *Report { return &Report{Findings: d.Findings, Matrix: d.Matrix} }

// internetHost stands for any host on the internet a service might
// call: a documentation address (RFC 5737).
var internetHost = netipFor("203.0.113.10")

// driftChecks are what netwright diff reports; they judge a real network
// against a spec, so they are not in the checklist check runs.
var driftChecks = []Check{
	{ID: "NW160", Severity: diag.Error, Title: "Declared flow is blocked in the real network",
		Rationale: "The spec says this flow happens; the real network's routes, security groups, NACLs, gateways or load balancers drop it, so the application fails where it runs.",
		Fix:       "Read the explanation codes and the component each names: change that setting in the account, or the spec if the flow is no longer meant."},
	{ID: "NW161", Severity: diag.Error, Title: "The real network admits an undeclared flow",
		Rationale: "Least privilege: what the spec does not declare should be denied. The real network admits it, through the rules named.",
		Fix:       "Remove or narrow the rule named, or declare the flow in the spec."},
	{ID: "NW162", Severity: diag.Error, Title: "Declared service is missing from the real network",
		Rationale: "No ECS service, instance or security group of the real network is the spec's service, so none of its flows can pass.",
		Fix:       "Deploy the service, or tell netwright where it is: --bind NAME=ID (an ECS service, instance, interface or security group)."},
	{ID: "NW163", Severity: diag.Warning, Title: "Workload the spec does not declare",
		Rationale: "An ECS service, instance or internet-facing load balancer runs in the network but is no service of the spec: the spec no longer describes the network, and its flows are unreviewed.",
		Fix:       "Add it to the spec (or bind it to a service with --bind), or remove it from the account."},
}

// DriftChecks are the checks netwright diff reports, in ID order.
func DriftChecks() []Check { return slices.Clone(driftChecks) }

// Diff compares a spec's design (its services and declared flows) with a
// real network (a design netwright import wrote): the declared flows the
// real network blocks, with Reachability Analyzer's explanation codes;
// the flows it admits that the spec does not declare, with the rules that
// admit them; the spec's services it lacks; and the workloads it runs
// that the spec does not have. given binds services to resources by hand
// (Bind).
func Diff(spec, real *design.Design, given map[string]string) (*Drift, error) {
	e := NewEngine(real)
	bs, err := e.Bind(spec, given)
	if err != nil {
		return nil, err
	}
	out := &Drift{Bindings: bs.List(), Matrix: []Cell{}}
	add := func(check string, f Finding) {
		f.Check = check
		c, _ := driftCheck(check)
		if !f.severitySet {
			f.Severity = c.Severity
		}
		out.Findings = append(out.Findings, f)
	}

	// What the spec declares, by pair and transport.
	calls := map[[2]string]map[string]portset.Set{}
	ingress := map[string]map[string]portset.Set{}
	egress := map[string]map[string]portset.Set{}
	addPort := func(m map[string]portset.Set, tr string, port int) map[string]portset.Set {
		if m == nil {
			m = map[string]portset.Set{}
		}
		m[tr] = m[tr].Union(portset.Of(port, port))
		return m
	}
	for _, f := range spec.Flows {
		switch f.Kind {
		case design.FlowService:
			k := [2]string{f.From, f.To}
			calls[k] = addPort(calls[k], f.Transport, f.Port)
		case design.FlowIngress:
			ingress[f.To] = addPort(ingress[f.To], f.Transport, f.Port)
		case design.FlowEgress:
			egress[f.From] = addPort(egress[f.From], f.Transport, f.Port)
		}
	}

	for _, name := range bs.Missing {
		n := 0
		for _, f := range spec.Flows {
			if f.From == name || f.To == name {
				n++
			}
		}
		var origin *diag.Range
		if s := spec.Service(name); s != nil {
			origin = s.Origin
		}
		add("NW162", Finding{Subject: name, Origin: origin,
			Summary: fmt.Sprintf("service %s is nowhere in the real network (no ECS service, running instance or security group of that name); %s", name, plural(n, "declared flow cannot pass", "declared flows cannot pass"))})
	}

	// Declared flows, each checked in the real network.
	for _, f := range spec.Flows {
		if f.From != design.Internet && bs.ByService[f.From] == nil || f.To != design.Internet && bs.ByService[f.To] == nil {
			continue
		}
		var blocked *Path
		var why []Explanation
		switch f.Kind {
		case design.FlowService:
			blocked, why = e.declaredCall(bs.ByService[f.From], bs.ByService[f.To], f.Transport, f.Port)
		case design.FlowIngress:
			blocked, why = e.declaredIngress(bs.ByService[f.To], f.Transport, f.Port)
		case design.FlowEgress:
			for _, s := range bs.ByService[f.From].ends {
				p := e.Query(s, Internet(netipFor(f.Destination)), f.Transport, portset.Of(f.Port, f.Port))
				if !p.Ports.Contains(f.Port) {
					blocked, why = &p, Explain(p)
					break
				}
			}
		}
		if blocked == nil && why == nil {
			continue
		}
		var reasons []string
		for _, x := range why {
			reasons = append(reasons, x.Code+" at "+x.Component+" ("+x.Detail+")")
		}
		where := ""
		if blocked != nil {
			where = fmt.Sprintf(" between %s and %s", blocked.From, blocked.To)
		}
		add("NW160", Finding{Subject: f.ID, Origin: f.Origin, Path: blocked,
			Summary: fmt.Sprintf("declared flow %s is blocked in the real network%s: %s", f.ID, where, cmp.Or(strings.Join(reasons, "; "), "no port passes every hop"))})
	}

	// Undeclared flows between the spec's services, and the matrix.
	names := make([]string, 0, len(bs.ByService))
	for name := range bs.ByService {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, from := range names {
		for _, to := range names {
			if from == to {
				continue
			}
			k := [2]string{from, to}
			b, t := bs.ByService[from], bs.ByService[to]
			cell := Cell{From: from, To: to, VPC: b.ends[0].VPC}
			var decl []string
			for _, tr := range []string{"tcp", "udp"} {
				got, witness := e.unionPorts(b.ends, t.ends, tr)
				want := calls[k][tr]
				if !want.IsEmpty() {
					decl = append(decl, tr+" "+want.String())
				}
				if tr == "tcp" {
					cell.TCP = got.String()
				} else {
					cell.UDP = got.String()
				}
				if extra := got.Subtract(want); !extra.IsEmpty() {
					w := e.Query(witness[0], witness[1], tr, extra)
					add("NW161", Finding{Subject: from + "->" + to, Path: &w,
						Summary: fmt.Sprintf("%s can reach %s on %s %s, which no declared flow asks for: %s", from, to, tr, extra, admitters(w))})
				}
			}
			cell.Declared = cmp.Or(strings.Join(decl, ", "), "none")
			if cell.TCP != "none" || cell.UDP != "none" || cell.Declared != "none" {
				out.Matrix = append(out.Matrix, cell)
			}
		}
	}

	// Undeclared entry from the internet, and undeclared egress.
	for _, name := range names {
		b := bs.ByService[name]
		for _, ll := range e.listenersTo(b, design.InternetFacing) {
			for _, tr := range []string{"tcp", "udp"} {
				if !listenerCarries(ll.l.Protocol, tr) || ingress[name][tr].Contains(ll.l.Port) {
					continue
				}
				if a := e.reachLB(Internet(clientAddr), ll.lb, ll.l.Port, tr); a.Reachable {
					w := a.Legs[0]
					add("NW161", Finding{Subject: "internet->" + name, Path: &w,
						Summary: fmt.Sprintf("the internet reaches %s through %s's listener %s %d, which no declared flow asks for: %s", name, ll.lb.Name, ll.l.Protocol, ll.l.Port, admitters(w))})
				}
			}
		}
		for _, end := range b.ends {
			if !end.PublicIP.IsValid() {
				continue
			}
			for _, tr := range []string{"tcp", "udp"} {
				got, w := portset.Set{}, Path{}
				for _, a := range e.internetSources(everywhere, end.Groups) {
					p := e.Query(Internet(a), end, tr, portset.All())
					if !p.Ports.Subtract(got).IsEmpty() {
						got, w = got.Union(p.Ports), p
					}
				}
				if !got.IsEmpty() {
					add("NW161", Finding{Subject: "internet->" + name, Path: &w,
						Summary: fmt.Sprintf("the internet reaches %s directly at %s (%s) on %s %s, which no declared flow asks for (the spec's entry is through its load balancers): %s", name, end.PublicIP, first(end.IDs), tr, got, admitters(w))})
				}
			}
		}
		for _, tr := range []string{"tcp", "udp"} {
			got, w := portset.Set{}, Path{}
			for _, s := range b.ends {
				p := e.query(s, Internet(internetHost), tr, portset.All(), false)
				if !p.Ports.Subtract(got).IsEmpty() {
					got, w = got.Union(p.Ports), e.Query(s, Internet(internetHost), tr, p.Ports)
				}
			}
			if extra := got.Subtract(egress[name][tr]); !extra.IsEmpty() {
				w = e.Query(b.ends[0], Internet(internetHost), tr, extra)
				add("NW161", Finding{Subject: name + "->internet", Path: &w,
					Summary: fmt.Sprintf("%s can open connections to the internet on %s %s, which no declared egress asks for: %s", name, tr, extra, admitters(w))})
			}
		}
	}

	// What runs in the network that the spec does not have, and what it
	// reaches of the spec's services.
	for _, x := range e.extras(bs) {
		add("NW163", Finding{Subject: x.id, Summary: x.summary})
		for _, name := range names {
			for _, tr := range []string{"tcp", "udp"} {
				got, witness := e.unionPorts(x.ends, bs.ByService[name].ends, tr)
				if got.IsEmpty() {
					continue
				}
				w := e.Query(witness[0], witness[1], tr, got)
				add("NW161", Finding{Subject: x.id + "->" + name, Path: &w,
					Summary: fmt.Sprintf("%s, which the spec does not declare, can reach %s on %s %s: %s", x.what, name, tr, got, admitters(w))})
			}
		}
	}
	sortFindings(out.Findings)
	out.Findings = dedupeFindings(out.Findings)
	if out.Findings == nil {
		out.Findings = []Finding{}
	}
	return out, nil
}

// plural writes n and the singular or plural words.
func plural(n int, one, many string) string {
	if n == 1 {
		return "its 1 " + one
	}
	return fmt.Sprintf("its %d %s", n, many)
}

func driftCheck(id string) (Check, bool) {
	for _, c := range driftChecks {
		if c.ID == id {
			return c, true
		}
	}
	return Check{}, false
}

// unionPorts is the ports any end of from opens to any end of to over
// proto, and the pair that opens the most.
func (e *Engine) unionPorts(from, to []Endpoint, proto string) (portset.Set, [2]Endpoint) {
	got := portset.Set{}
	var witness [2]Endpoint
	for _, s := range from {
		for _, t := range to {
			p := e.query(s, t, proto, portset.All(), false)
			if !p.Ports.Subtract(got).IsEmpty() {
				got = got.Union(p.Ports)
				witness = [2]Endpoint{s, t}
			}
		}
	}
	return got, witness
}

// declaredCall checks a declared call in a real network: every end of
// the caller must reach every end of the callee on the port, directly or
// through an internal load balancer in front of it. It returns the path
// that blocks and why, or nils.
func (e *Engine) declaredCall(from, to *Binding, proto string, port int) (*Path, []Explanation) {
	for _, s := range from.ends {
		for _, t := range to.ends {
			p := e.Query(s, t, proto, portset.Of(port, port))
			if p.Ports.Contains(port) {
				continue
			}
			viaLB := false
			for _, ll := range e.listenersTo(to, design.Internal) {
				if listenerCarries(ll.l.Protocol, proto) && e.reachLB(s, ll.lb, ll.l.Port, proto).Reachable {
					viaLB = true
					break
				}
			}
			if !viaLB {
				return &p, Explain(p)
			}
		}
	}
	return nil, nil
}

// declaredIngress checks a declared entry from the internet: an
// internet-facing load balancer listening on the port must forward to the
// service and reach it (or the service's own public address admits the
// port). It returns the leg that blocks and why, or nils.
func (e *Engine) declaredIngress(to *Binding, proto string, port int) (*Path, []Explanation) {
	lls := e.listenersTo(to, design.InternetFacing)
	var why []Explanation
	var blocked *Path
	for _, ll := range lls {
		if ll.l.Port != port || !listenerCarries(ll.l.Protocol, proto) {
			continue
		}
		a := e.reachLB(Internet(clientAddr), ll.lb, port, proto)
		if a.Reachable {
			return nil, nil
		}
		why = append(why, a.Explanations...)
		if len(a.Legs) > 0 && blocked == nil {
			blocked = &a.Legs[len(a.Legs)-1]
		}
	}
	for _, end := range to.ends {
		if end.PublicIP.IsValid() {
			if p := e.Query(Internet(clientAddr), end, proto, portset.Of(port, port)); p.Ports.Contains(port) {
				return nil, nil
			}
		}
	}
	if why != nil {
		return blocked, why
	}
	if len(lls) > 0 {
		var ports []string
		for _, ll := range lls {
			ports = append(ports, fmt.Sprintf("%s %d", ll.l.Protocol, ll.l.Port))
		}
		return nil, []Explanation{{Code: CodeELBv2ListenersMatch, Component: lls[0].lb.ID,
			Detail: fmt.Sprintf("no internet-facing listener on %s %d forwards to %s (listeners that do: %s)", proto, port, to.Service, strings.Join(ports, ", "))}}
	}
	return nil, []Explanation{{Code: CodeNoPath, Component: to.Service,
		Detail: "no internet-facing load balancer forwards to " + to.Service + ", and none of its interfaces has a public address"}}
}

// listenerTo is a load balancer listener that forwards to a service.
type listenerTo struct {
	lb *design.LoadBalancer
	l  *design.Listener
}

// listenersTo are the listeners of load balancers of a scheme with a
// target group whose targets are the binding's (its addresses, its
// instances, or its ECS service's group).
func (e *Engine) listenersTo(b *Binding, scheme string) []listenerTo {
	mine := map[string]bool{}
	for _, end := range b.ends {
		for _, a := range end.Addrs {
			mine[a.String()] = true
		}
	}
	for _, id := range b.Interfaces {
		if n := e.d.Interface(id); n != nil && n.Owner != "" {
			mine[n.Owner] = true
		}
	}
	var out []listenerTo
	for i := range e.d.LoadBalancers {
		lb := &e.d.LoadBalancers[i]
		if lb.Scheme != scheme {
			continue
		}
		for j := range lb.Listeners {
			l := &lb.Listeners[j]
			forwards := false
			for _, tg := range e.targetGroupsOf(*l) {
				if b.How == "ecs service" && tg.Service == b.Resource {
					forwards = true
				}
				for _, t := range tg.Targets {
					forwards = forwards || mine[t.ID]
				}
			}
			if forwards {
				out = append(out, listenerTo{lb, l})
			}
		}
	}
	return out
}

// extra is a workload of the real network no spec service is.
type extra struct {
	id, what, summary string
	ends              []Endpoint
}

// extras are the ECS services, running instances and internet-facing load
// balancers of the real network that no binding holds, in ID order.
func (e *Engine) extras(bs *Bindings) []extra {
	var out []extra
	boundECS := map[string]bool{}
	for _, b := range bs.ByService {
		if b.How == "ecs service" {
			boundECS[b.Resource] = true
		}
	}
	for i := range e.d.Services {
		svc := &e.d.Services[i]
		if boundECS[svc.Name] {
			continue
		}
		x := extra{id: svc.Name, what: "ECS service " + svc.Name}
		bound := false
		b := &Binding{Service: svc.Name}
		e.addECSService(b, svc)
		for _, id := range b.Interfaces {
			bound = bound || bs.ServiceOf(id) != ""
		}
		if bound {
			continue
		}
		x.ends = b.ends
		x.summary = fmt.Sprintf("ECS service %s runs in the network (%d tasks), but the spec has no such service", svc.Name, len(b.Interfaces))
		out = append(out, x)
	}
	for _, in := range e.d.Instances {
		if in.State != "running" {
			continue
		}
		b := &Binding{Service: in.ID}
		bound := false
		for _, id := range in.Interfaces {
			bound = bound || bs.ServiceOf(id) != ""
			if n := e.d.Interface(id); n != nil {
				e.addInterface(b, n)
			}
		}
		if bound || len(b.ends) == 0 {
			continue
		}
		what := "instance " + in.ID
		if in.Name != "" {
			what += " (" + in.Name + ")"
		}
		out = append(out, extra{id: in.ID, what: what, ends: b.ends,
			summary: fmt.Sprintf("%s runs in the network, but no service of the spec is it", what)})
	}
	for i := range e.d.LoadBalancers {
		lb := &e.d.LoadBalancers[i]
		if lb.Scheme != design.InternetFacing {
			continue
		}
		serves := false
		for _, b := range bs.ByService {
			for _, ll := range e.listenersTo(b, design.InternetFacing) {
				serves = serves || ll.lb.ID == lb.ID
			}
		}
		if !serves {
			out = append(out, extra{id: lb.ID, what: "load balancer " + lb.Name,
				summary: fmt.Sprintf("internet-facing load balancer %s forwards to no service of the spec", lb.Name)})
		}
	}
	slices.SortFunc(out, func(a, b extra) int { return strings.Compare(a.id, b.id) })
	return out
}
