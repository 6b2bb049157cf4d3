package analysis

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/diag"
	"github.com/netwright/netwright/internal/portset"
)

// Paths to and from on-premises sites: a service's call to a site goes
// from its tasks over the Transit Gateway to the site's VPN or Direct
// Connect attachment; a site's call to a service goes to the internal
// load balancer in front of it (in the site's Region), then on to the
// tasks. Everything else between a site and the VPCs must be blocked.

// siteHome returns the placement VPC of a service a site reaches: the one
// in the site's Region, else its first.
func (e *Engine) siteHome(site *design.Site, service string) string {
	svc := e.d.Service(service)
	if svc == nil || len(svc.Placements) == 0 {
		return ""
	}
	for _, pl := range svc.Placements {
		if v := e.d.VPC(pl.VPC); v != nil && v.Region == site.Region {
			return pl.VPC
		}
	}
	return svc.Placements[0].VPC
}

// sitePaths returns the hops of a declared flow with a site.
func (e *Engine) sitePaths(f design.Flow) []Path {
	if name := design.SiteName(f.To); name != "" {
		site, ok := e.SiteEndpoint(name)
		if !ok || e.d.Service(f.From) == nil {
			return nil
		}
		var out []Path
		for _, pl := range e.d.Service(f.From).Placements {
			src, _ := e.ServiceEndpoint(f.From, pl.VPC)
			out = append(out, e.Query(src, site, f.Transport, portset.Of(f.Port, f.Port)))
		}
		return out
	}
	name := design.SiteName(f.From)
	site, ok := e.SiteEndpoint(name)
	st := e.d.Site(name)
	if !ok || e.d.Service(f.To) == nil {
		return nil
	}
	dst, _ := e.ServiceEndpoint(f.To, e.siteHome(st, f.To))
	if lb, lport, tport := frontOf(e.d, f.To, dst.VPC); lb != nil {
		hop := e.Query(site, e.LBEndpoint(lb), f.Transport, portset.Of(lport, lport))
		hop.Ports = remap(hop.Ports, lport, f.Port)
		src := e.LBEndpoint(lb)
		if tg := e.targetGroupFor(lb, f.To); tg != nil && tg.PreserveClientIP && lb.Type == design.NLB {
			src = forwardedFrom(src, site)
		}
		next := e.Query(src, dst, f.Transport, portset.Of(tport, tport))
		next.Ports = remap(next.Ports, tport, f.Port)
		return []Path{hop, next}
	}
	return []Path{e.Query(site, dst, f.Transport, portset.Of(f.Port, f.Port))}
}

func (e *Engine) targetGroupFor(lb *design.LoadBalancer, service string) *design.TargetGroup {
	for _, l := range lb.Listeners {
		for _, tg := range e.targetGroupsOf(l) {
			if tg.Service == service {
				return &tg
			}
		}
	}
	return nil
}

// reachSite answers Reach for a query with a site at one end.
func (e *Engine) reachSite(f design.Flow) ([]Path, error) {
	for _, end := range []string{f.From, f.To} {
		if name := design.SiteName(end); name != "" {
			if e.d.Site(name) == nil {
				return nil, fmt.Errorf("no site %q", name)
			}
		} else if e.d.Service(end) == nil {
			return nil, fmt.Errorf("no service %q", end)
		}
	}
	if design.SiteName(f.From) != "" && design.SiteName(f.To) != "" {
		return nil, fmt.Errorf("from and to are both sites")
	}
	f.Kind = design.FlowOnprem
	return e.sitePaths(f), nil
}

// siteSweep checks nothing undeclared passes between a site and the
// VPCs: the site to each service's tasks and each internal load
// balancer, each service's tasks to the site, on every TCP and UDP port.
// It returns the findings and the matrix's cells of each pair where
// something passes or is declared.
func (e *Engine) siteSweep() ([]Finding, []Cell) {
	var fs []Finding
	var cells []Cell
	declared := map[[2]string]map[string]portset.Set{}
	decl := func(from, to, tr string, port int) {
		k := [2]string{from, to}
		if declared[k] == nil {
			declared[k] = map[string]portset.Set{}
		}
		declared[k][tr] = declared[k][tr].Union(portset.Of(port, port))
	}
	for _, f := range e.d.Flows {
		if f.Kind != design.FlowOnprem {
			continue
		}
		if design.SiteName(f.From) != "" {
			// A site calls a service at its internal load balancer's
			// listener (and the tasks' port when it keeps its address).
			st := e.d.Site(design.SiteName(f.From))
			vpc := e.siteHome(st, f.To)
			if lb, lport, tport := frontOf(e.d, f.To, vpc); lb != nil {
				decl(f.From, lb.ID, f.Transport, lport)
				if tg := e.targetGroupFor(lb, f.To); tg != nil && tg.PreserveClientIP {
					decl(f.From, f.To, f.Transport, tport)
				}
				continue
			}
		}
		decl(f.From, f.To, f.Transport, f.Port)
	}
	// A site's blocks are apart and rules name them one by one: what any
	// one of them reaches counts, so each is asked on its own.
	each := func(ep Endpoint) []Endpoint {
		if ep.Kind != EndSite {
			return []Endpoint{ep}
		}
		var out []Endpoint
		for _, a := range ep.Addrs {
			one := ep
			one.Addrs = []netip.Addr{a}
			out = append(out, one)
		}
		return out
	}
	check := func(src, dst Endpoint, vpc string) {
		k := [2]string{src.Name, dst.Name}
		cell := Cell{From: src.Name, To: dst.Name, VPC: vpc, Declared: "none"}
		var declText []string
		for _, tr := range []string{"tcp", "udp"} {
			got := Path{Ports: portset.Set{}}
			var witnessFrom, witnessTo Endpoint
			for _, s := range each(src) {
				for _, t := range each(dst) {
					p := e.query(s, t, tr, portset.All(), false)
					if !p.Ports.Subtract(declared[k][tr]).IsEmpty() && witnessFrom.Name == "" {
						witnessFrom, witnessTo = s, t
					}
					got.Ports = got.Ports.Union(p.Ports)
				}
			}
			want := declared[k][tr]
			if !want.IsEmpty() {
				declText = append(declText, tr+" "+want.String())
			}
			if tr == "tcp" {
				cell.TCP = got.Ports.String()
			} else {
				cell.UDP = got.Ports.String()
			}
			if extra := got.Ports.Subtract(want); !extra.IsEmpty() {
				witness := e.Query(witnessFrom, witnessTo, tr, extra)
				fs = append(fs, Finding{Check: "NW102", Severity: diag.Error, Subject: src.Name + "->" + dst.Name, Path: &witness,
					Summary: fmt.Sprintf("%s can reach %s on %s %s, which no declared flow asks for: %s", src.Name, dst.Name, tr, extra, admitters(witness))})
			}
		}
		if len(declText) > 0 {
			cell.Declared = strings.Join(declText, ", ")
		}
		if cell.TCP != "none" || cell.UDP != "none" || cell.Declared != "none" {
			cells = append(cells, cell)
		}
	}
	for _, st := range e.d.Sites {
		site, _ := e.SiteEndpoint(st.Name)
		for _, svc := range e.d.Services {
			for _, pl := range svc.Placements {
				tasks, _ := e.ServiceEndpoint(svc.Name, pl.VPC)
				check(site, tasks, pl.VPC)
				check(tasks, site, pl.VPC)
			}
		}
		for i := range e.d.LoadBalancers {
			if lb := &e.d.LoadBalancers[i]; lb.Scheme == design.Internal {
				check(site, e.LBEndpoint(lb), lb.VPC)
			}
		}
	}
	return fs, cells
}

// clientOf is who opens connections to an internet-facing load balancer:
// CloudFront's origin-facing servers when a distribution fronts it (its
// clients reach CloudFront, never the balancer), else a client on the
// internet.
func (e *Engine) clientOf(lb *design.LoadBalancer) Endpoint {
	if dist := e.d.Distribution; dist != nil {
		for _, o := range dist.Origins {
			if o.LoadBalancer == lb.ID {
				return Endpoint{Kind: EndInternet, Name: "cloudfront", Addr: design.CloudFrontOriginAddr, PrefixList: design.CloudFrontPrefixList}
			}
		}
	}
	return Internet(clientAddr)
}
