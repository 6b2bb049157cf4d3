package analysis

import (
	"fmt"
	"slices"
	"strings"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/diag"
	"github.com/netwright/netwright/internal/portset"
)

// Cell is one entry of the all-pairs matrix: what From can open to To.
type Cell struct {
	From string `json:"from"`
	To   string `json:"to"`
	VPC  string `json:"vpc"`
	// TCP and UDP are the ports that pass, written out.
	TCP string `json:"tcp"`
	UDP string `json:"udp"`
	// Declared is what the spec declares between them.
	Declared string `json:"declared"`
	// Via names the load balancer a declared call goes through, if any.
	Via string `json:"via,omitempty"`
}

// frontOf returns the internal load balancer in front of a service in a
// VPC and the listener port callers use.
func frontOf(d *design.Design, service, vpc string) (*design.LoadBalancer, int, int) {
	tgs := map[string]design.TargetGroup{}
	for _, tg := range d.TargetGroups {
		tgs[tg.ID] = tg
	}
	for i := range d.LoadBalancers {
		lb := &d.LoadBalancers[i]
		if lb.Scheme != design.Internal || lb.VPC != vpc {
			continue
		}
		for _, l := range lb.Listeners {
			for _, a := range l.Actions() {
				for _, f := range a.Forward {
					if tg := tgs[f.TargetGroup]; tg.Service == service {
						return lb, l.Port, tg.Port
					}
				}
			}
		}
	}
	return nil, 0, 0
}

// dedupeFindings keeps the first finding per check and subject.
func dedupeFindings(fs []Finding) []Finding {
	seen := map[string]bool{}
	out := fs[:0]
	for _, f := range fs {
		k := f.Check + "\x00" + f.Subject + "\x00" + f.Summary
		if !seen[k] {
			seen[k] = true
			out = append(out, f)
		}
	}
	return out
}

// intent runs Intent once per engine.
func (e *Engine) intent() ([]Finding, []Cell) {
	if !e.intentDone {
		e.intentFindings, e.cells = Intent(e.d, e)
		e.intentDone = true
	}
	return e.intentFindings, e.cells
}

// Intent checks every declared flow passes and nothing undeclared does,
// and returns the findings and the all-pairs matrix of services.
func Intent(d *design.Design, e *Engine) ([]Finding, []Cell) {
	var fs []Finding
	declared := map[[2]string]map[string]portset.Set{} // (from, to) -> transport -> ports
	for _, f := range d.Flows {
		if f.Kind == design.FlowService {
			k := [2]string{f.From, f.To}
			if declared[k] == nil {
				declared[k] = map[string]portset.Set{}
			}
			declared[k][f.Transport] = declared[k][f.Transport].Union(portset.Of(f.Port, f.Port))
		}
		for _, p := range e.flowPaths(f) {
			if p.Ports.Contains(f.Port) {
				continue
			}
			fs = append(fs, Finding{Check: "NW101", Severity: diag.Error, Subject: f.ID, Origin: f.Origin, Path: &p,
				Summary: fmt.Sprintf("declared flow %s is blocked between %s and %s: %s", f.ID, p.From, p.To, blockers(p))})
			break
		}
	}

	// All pairs of services, in each VPC where the caller runs. Only pairs
	// whose groups could admit anything are queried: a caller the callee's
	// ingress names (by group, or by a block holding its subnets), or one
	// a flow declares. The others pass nothing, by construction.
	byGroup := map[string][]string{}
	for _, s := range d.Services {
		for _, pl := range s.Placements {
			for _, g := range pl.SecurityGroups {
				byGroup[g] = append(byGroup[g], s.Name)
			}
		}
	}
	var cells []Cell
	for _, to := range d.Services {
		candidates := map[string]bool{}
		hasBlocks := false
		for _, pl := range to.Placements {
			for _, gid := range pl.SecurityGroups {
				g := e.groups[gid]
				if g == nil {
					continue
				}
				for _, r := range g.Ingress {
					if r.PeerGroup != "" {
						for _, name := range byGroup[r.PeerGroup] {
							candidates[name] = true
						}
					} else if r.PeerCIDR.IsValid() {
						hasBlocks = true
					}
				}
			}
		}
		for k := range declared {
			if k[1] == to.Name {
				candidates[k[0]] = true
			}
		}
		for _, from := range d.Services {
			if from.Name == to.Name || !candidates[from.Name] && !hasBlocks {
				continue
			}
			for _, pl := range from.Placements {
				src, _ := e.ServiceEndpoint(from.Name, pl.VPC)
				dst, ok := e.ServiceEndpoint(to.Name, pl.VPC)
				if !ok {
					dst, ok = e.ServiceEndpoint(to.Name, "")
				}
				if !ok {
					continue
				}
				k := [2]string{from.Name, to.Name}
				cell := Cell{From: from.Name, To: to.Name, VPC: pl.VPC}
				var decl []string
				ls := e.latticeFlow(design.Flow{Kind: design.FlowService, From: from.Name, To: to.Name, Port: to.Port})
				for _, tr := range []string{"tcp", "udp"} {
					got := e.query(src, dst, tr, portset.All(), false)
					if ls != nil && tr == "tcp" && declared[k] != nil {
						// Calls through VPC Lattice: count the declared ports
						// when every hop passes.
						pass := true
						for _, p := range e.latticePaths(design.Flow{Kind: design.FlowService, From: from.Name, To: to.Name, Port: to.Port}, ls, src) {
							pass = pass && !p.Blocked()
						}
						if pass {
							got.Ports = got.Ports.Union(declared[k][tr])
						}
						cell.Via = ls.ID
					}
					if lb, lport, _ := frontOf(d, to.Name, dst.VPC); lb != nil && declared[k] != nil {
						// Calls to a service behind an internal load balancer go
						// to the balancer; count its listener port as the call's.
						viaLB := e.Query(src, e.LBEndpoint(lb), tr, portset.Of(lport, lport))
						if !viaLB.Ports.IsEmpty() {
							got.Ports = got.Ports.Union(declared[k][tr])
						}
						cell.Via = lb.ID
					}
					want := declared[k][tr]
					if !want.IsEmpty() {
						decl = append(decl, tr+" "+want.String())
					}
					extra := got.Ports.Subtract(want)
					if tr == "tcp" {
						cell.TCP = got.Ports.String()
					} else {
						cell.UDP = got.Ports.String()
					}
					if !extra.IsEmpty() {
						witness := e.Query(src, dst, tr, extra)
						fs = append(fs, Finding{Check: "NW102", Severity: diag.Error, Subject: from.Name + "->" + to.Name, Path: &witness,
							Summary: fmt.Sprintf("%s can reach %s on %s %s, which no declared flow asks for: %s", from.Name, to.Name, tr, extra, admitters(witness))})
					}
				}
				cell.Declared = strings.Join(decl, ", ")
				if cell.Declared == "" {
					cell.Declared = "none"
				}
				if cell.TCP != "none" || cell.UDP != "none" || cell.Declared != "none" {
					cells = append(cells, cell)
				}
			}
		}
	}
	siteFindings, siteCells := e.siteSweep()
	fs, cells = append(fs, siteFindings...), append(cells, siteCells...)
	slices.SortFunc(cells, func(a, b Cell) int {
		return strings.Compare(a.From+"\x00"+a.To+"\x00"+a.VPC, b.From+"\x00"+b.To+"\x00"+b.VPC)
	})
	fs = dedupeFindings(fs)
	return fs, cells
}

// flowPaths returns the paths a declared flow needs, hop by hop: a call
// (through an internal load balancer when one fronts the callee), the
// internet to a public load balancer and on to the service, or a service
// out to the internet.
func (e *Engine) flowPaths(f design.Flow) []Path {
	d := e.d
	switch f.Kind {
	case design.FlowService:
		var out []Path
		ls := e.latticeFlow(f)
		for _, pl := range d.Service(f.From).Placements {
			src, _ := e.ServiceEndpoint(f.From, pl.VPC)
			if ls != nil {
				out = append(out, e.latticePaths(f, ls, src)...)
				continue
			}
			dst, ok := e.ServiceEndpoint(f.To, pl.VPC)
			if !ok {
				dst, _ = e.ServiceEndpoint(f.To, "")
			}
			if lb, lport, tport := frontOf(d, f.To, dst.VPC); lb != nil {
				hop := e.Query(src, e.LBEndpoint(lb), f.Transport, portset.Of(lport, lport))
				if hop.Blocked() {
					hop.Ports = portset.Set{}
				} else {
					hop.Ports = portset.Of(f.Port, f.Port)
				}
				out = append(out, hop)
				from := e.LBEndpoint(lb)
				if tg := e.targetGroupFor(lb, f.To); tg != nil && tg.PreserveClientIP && lb.Type == design.NLB {
					from = forwardedFrom(from, src)
				}
				next := e.Query(from, dst, f.Transport, portset.Of(tport, tport))
				if !next.Blocked() {
					next.Ports = portset.Of(f.Port, f.Port)
				}
				out = append(out, next)
				continue
			}
			out = append(out, e.Query(src, dst, f.Transport, portset.Of(f.Port, f.Port)))
		}
		return out
	case design.FlowIngress:
		var out []Path
		for i := range d.LoadBalancers {
			lb := &d.LoadBalancers[i]
			if lb.Scheme != design.InternetFacing {
				continue
			}
			for _, l := range lb.Listeners {
				if l.Port != f.Port || l.DefaultAction.Type == design.ActionRedirect {
					continue
				}
				for _, tg := range e.targetGroupsOf(l) {
					if tg.Service != f.To {
						continue
					}
					client := e.clientOf(lb)
					in := e.Query(client, e.LBEndpoint(lb), f.Transport, portset.Of(l.Port, l.Port))
					in.Ports = remap(in.Ports, l.Port, f.Port)
					out = append(out, in)
					src := e.LBEndpoint(lb)
					if tg.PreserveClientIP {
						src = forwardedFrom(src, client)
					}
					dst, ok := e.ServiceEndpoint(f.To, lb.VPC)
					if !ok {
						dst, _ = e.ServiceEndpoint(f.To, "")
					}
					next := e.Query(src, dst, f.Transport, portset.Of(tg.Port, tg.Port))
					next.Ports = remap(next.Ports, tg.Port, f.Port)
					out = append(out, next)
				}
			}
		}
		return out
	case design.FlowOnprem:
		return e.sitePaths(f)
	case design.FlowEgress:
		addr := netipFor(f.Destination)
		var out []Path
		for _, pl := range d.Service(f.From).Placements {
			src, _ := e.ServiceEndpoint(f.From, pl.VPC)
			out = append(out, e.Query(src, Internet(addr), f.Transport, portset.Of(f.Port, f.Port)))
		}
		return out
	}
	return nil
}

// remap turns a hop's own port into the flow's, so one test reads all the
// hops of a flow.
func remap(ps portset.Set, hopPort, flowPort int) portset.Set {
	if ps.Contains(hopPort) {
		return portset.Of(flowPort, flowPort)
	}
	return portset.Set{}
}

func (e *Engine) targetGroupsOf(l design.Listener) []design.TargetGroup {
	var out []design.TargetGroup
	for _, a := range l.Actions() {
		for _, f := range a.Forward {
			for _, tg := range e.d.TargetGroups {
				if tg.ID == f.TargetGroup && !slices.ContainsFunc(out, func(x design.TargetGroup) bool { return x.ID == tg.ID }) {
					out = append(out, tg)
				}
			}
		}
	}
	return out
}

// blockers lists every hop that blocks a path.
func blockers(p Path) string {
	var out []string
	for _, h := range p.Hops {
		if !h.Allowed {
			out = append(out, h.Where+": "+h.Detail)
		}
	}
	if len(out) == 0 {
		return "no port passes every hop"
	}
	return strings.Join(out, "; ")
}

// admitters lists the security-group rules that admit a witness path.
func admitters(p Path) string {
	var out []string
	for _, h := range p.Hops {
		if strings.HasPrefix(h.Where, "security groups") && h.Allowed {
			out = append(out, h.Where+" "+h.Detail)
		}
	}
	return strings.Join(out, "; ")
}

// Reach answers one question: can from open connections to to on port?
// from and to are service names, or "internet" for one side. It returns
// every hop-by-hop path the flow needs (a call through an internal load
// balancer has two; the internet reaches a public service through its load
// balancer, also two).
func (e *Engine) Reach(from, to string, port int, proto string) ([]Path, error) {
	f := design.Flow{From: from, To: to, Port: port, Transport: proto}
	if design.SiteName(from) != "" || design.SiteName(to) != "" {
		return e.reachSite(f)
	}
	switch {
	case from == design.Internet && to == design.Internet:
		return nil, fmt.Errorf("from and to are both the internet")
	case from == design.Internet:
		if e.d.Service(to) == nil {
			return nil, fmt.Errorf("no service %q", to)
		}
		f.Kind = design.FlowIngress
		paths := e.flowPaths(f)
		if len(paths) == 0 {
			return nil, fmt.Errorf("no internet-facing load balancer listens on %d for %s", port, to)
		}
		return paths, nil
	case to == design.Internet:
		f.Kind = design.FlowEgress
		f.Destination = "203.0.113.10"
	default:
		f.Kind = design.FlowService
		if e.d.Service(to) == nil {
			return nil, fmt.Errorf("no service %q", to)
		}
	}
	if e.d.Service(from) == nil {
		return nil, fmt.Errorf("no service %q", from)
	}
	return e.flowPaths(f), nil
}
