package analysis

import (
	"fmt"
	"slices"
	"strings"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/portset"
)

// latticeAddr stands for VPC Lattice's side of a connection inside an
// associated VPC: an address of its link-local block.
var latticeAddr = design.LatticeCIDR.Addr().Next()

// latticeFlow returns the VPC Lattice service a declared flow goes
// through, or nil: a mesh service calling a Lattice service on its own
// port, as the design's security groups and NACLs route it.
func (e *Engine) latticeFlow(f design.Flow) *design.LatticeService {
	m := e.d.Mesh
	if m == nil || m.Lattice == nil || f.Kind != design.FlowService {
		return nil
	}
	caller, callee := e.d.Service(f.From), e.d.Service(f.To)
	if caller == nil || callee == nil || caller.Kind != design.KindService || f.Port != callee.Port {
		return nil
	}
	for i := range m.Lattice.Services {
		if ls := &m.Lattice.Services[i]; ls.Service == f.To {
			return ls
		}
	}
	return nil
}

// latticeTargets returns the services a Lattice service forwards to.
func latticeTargets(ls *design.LatticeService) []string {
	var out []string
	add := func(ts []design.WeightedNode) {
		for _, t := range ts {
			if n := strings.TrimPrefix(t.Node, "vn-"); !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
	}
	add(ls.DefaultTarget)
	for _, r := range ls.Rules {
		add(r.Targets)
	}
	slices.Sort(out)
	return out
}

// latticePaths returns the hops of a call through VPC Lattice: the
// caller into the service network (its VPC associated, its groups' egress
// to Lattice's prefix list, its subnets' NACLs), Lattice's authorization
// (the network's and the service's auth policies and the caller's own IAM
// policy), and Lattice on to each service its rules forward to (their
// groups' ingress from the prefix list and their NACLs). Each path's
// ports are the flow's port when the hop passes, else none.
func (e *Engine) latticePaths(f design.Flow, ls *design.LatticeService, src Endpoint) []Path {
	lat := e.d.Mesh.Lattice
	name := "vpc-lattice " + ls.Name
	in := Path{From: f.From, To: name, Proto: "tcp", Ports: portset.Of(f.Port, f.Port)}
	add := func(p *Path, where string, ok bool, detail string) {
		p.Hops = append(p.Hops, Hop{Where: where, Allowed: ok, Detail: detail})
		if !ok {
			p.Ports = portset.Set{}
		}
	}
	add(&in, "service network "+lat.ServiceNetwork, slices.Contains(lat.VPCs, src.VPC),
		fmt.Sprintf("associated with %s: %t", src.VPC, slices.Contains(lat.VPCs, src.VPC)))
	egress, detail, _ := e.groupPorts(src.Groups, true, "tcp", e.latticeEndpoint(src.VPC), location{addr: latticeAddr}, groupRefs{egress: true, ingress: true})
	add(&in, "security groups of "+f.From+" (egress)", egress.Contains(ls.Port), detail)
	if pol := e.podPolicy(src); pol != nil {
		p, why := pol.Admits(true, "tcp", design.PolicyPeer{Addr: latticeAddr})
		add(&in, "network policy of "+f.From+" (egress)", p.Contains(ls.Port), policyDetail(p, why))
	}
	e.latticeNACLs(&in, src.Subnets, true, ls.Port, add)
	in.PortsText = in.Ports.String()

	auth := Path{From: name, To: f.To + " (authorization)", Proto: "tcp", Ports: portset.Of(f.Port, f.Port)}
	if lat.AuthType == "AWS_IAM" {
		add(&auth, "auth policy of service network "+lat.ServiceNetwork, lat.NetworkAuth != "",
			map[bool]string{true: "admits the account's authenticated principals", false: "none: a network with AWS_IAM and no auth policy denies every request"}[lat.NetworkAuth != ""])
		add(&auth, "auth policy of "+ls.Name, slices.Contains(ls.AllowedCallers, f.From), "admits "+listOr(ls.AllowedCallers, "nobody"))
		add(&auth, "IAM policy of "+f.From, e.mayInvoke(f.From, ls.ID), "vpc-lattice-svcs:Invoke on "+ls.ID+" (a service of "+lat.ServiceNetwork+"): "+map[bool]string{true: "allowed", false: "not allowed"}[e.mayInvoke(f.From, ls.ID)])
	}
	auth.PortsText = auth.Ports.String()
	out := []Path{in, auth}

	for _, target := range latticeTargets(ls) {
		dst, ok := e.ServiceEndpoint(target, src.VPC)
		if !ok {
			dst, ok = e.ServiceEndpoint(target, "")
		}
		svc := e.d.Service(target)
		if !ok || svc == nil {
			continue
		}
		fwd := Path{From: name, To: target, Proto: "tcp", Ports: portset.Of(f.Port, f.Port)}
		ingress, detail, _ := e.groupPorts(dst.Groups, false, "tcp", e.latticeEndpoint(dst.VPC), location{addr: latticeAddr}, groupRefs{egress: true, ingress: true})
		add(&fwd, "security groups of "+target+" (ingress)", ingress.Contains(svc.Port), detail)
		if pol := e.podPolicy(dst); pol != nil {
			p, why := pol.Admits(false, "tcp", design.PolicyPeer{Addr: latticeAddr})
			add(&fwd, "network policy of "+target+" (ingress)", p.Contains(svc.Port), policyDetail(p, why))
		}
		e.latticeNACLs(&fwd, dst.Subnets, false, svc.Port, add)
		fwd.PortsText = fwd.Ports.String()
		out = append(out, fwd)
	}
	return out
}

// latticeEndpoint is VPC Lattice's side of a call in a VPC: its link-local
// addresses, the Region's managed prefix list.
func (e *Engine) latticeEndpoint(vpc string) Endpoint {
	region := ""
	if v := e.d.VPC(vpc); v != nil {
		region = v.Region
	}
	return Endpoint{Kind: EndLattice, Name: "VPC Lattice", VPC: vpc, Addr: latticeAddr, PrefixList: design.LatticePrefixList(region)}
}

// latticeNACLs adds the hops of the NACLs between subnets and VPC
// Lattice's addresses: the calls out to Lattice on port (toLattice) or in
// from it, and the answers on the ephemeral range the other way.
func (e *Engine) latticeNACLs(p *Path, subnets []*design.Subnet, toLattice bool, port int, add func(*Path, string, bool, string)) {
	seen := map[string]bool{}
	for _, s := range subnets {
		n := e.nacls[s.ID]
		if n == nil || seen[n.ID] {
			continue
		}
		seen[n.ID] = true
		calls, answers, dir, back := n.Inbound, n.Outbound, " inbound", " outbound answers"
		if toLattice {
			calls, answers, dir, back = n.Outbound, n.Inbound, " outbound", " inbound answers"
		}
		c := design.NACLPorts(calls, "tcp", latticeAddr)
		add(p, n.ID+dir, c.Contains(port), "allows "+c.String()+" with "+latticeAddr.String())
		a := design.NACLPorts(answers, "tcp", latticeAddr)
		add(p, n.ID+back, a.ContainsSet(ephemeral), "allows "+a.String()+" with "+latticeAddr.String()+"; answers need 1024-65535")
	}
}

// mayInvoke reports whether a service's identity may call a Lattice
// service (vpc-lattice-svcs:Invoke in its own policy).
func (e *Engine) mayInvoke(service, latticeService string) bool {
	svc := e.d.Service(service)
	if svc == nil || svc.Platform == nil {
		return false
	}
	id := e.d.Identity(svc.Platform.Identity)
	if id == nil {
		return false
	}
	for _, p := range id.Permissions {
		if !slices.Contains(p.Actions, "vpc-lattice-svcs:Invoke") {
			continue
		}
		// Every service of a network is associated with it: a grant on
		// the network's services covers each.
		if slices.Contains(p.LatticeServices, latticeService) || p.LatticeServiceNetwork != "" && p.LatticeServiceNetwork == e.d.Mesh.Lattice.ServiceNetwork {
			return true
		}
	}
	return false
}

func listOr(xs []string, none string) string {
	if len(xs) == 0 {
		return none
	}
	return strings.Join(xs, ", ")
}
