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
	if caller == nil || callee == nil || caller.Kind != "service" || f.Port != callee.Port {
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
	region := ""
	if v := e.d.VPC(src.VPC); v != nil {
		region = v.Region
	}
	pl := design.LatticePrefixList(region)
	add(&in, "service network "+lat.ServiceNetwork, slices.Contains(lat.VPCs, src.VPC),
		fmt.Sprintf("associated with %s: %t", src.VPC, slices.Contains(lat.VPCs, src.VPC)))
	egress, detail := e.prefixListPorts(src.Groups, true, pl)
	add(&in, "security groups of "+f.From+" (egress)", egress.Contains(ls.Port), detail)
	seen := map[string]bool{}
	for _, s := range src.Subnets {
		if n := e.nacls[s.ID]; n != nil && !seen[n.ID] {
			seen[n.ID] = true
			out := naclPorts(n.Outbound, "tcp", latticeAddr)
			add(&in, n.ID+" outbound", out.Contains(ls.Port), "allows "+out.String()+" to "+latticeAddr.String())
			back := naclPorts(n.Inbound, "tcp", latticeAddr)
			add(&in, n.ID+" inbound answers", back.ContainsSet(ephemeral), "allows "+back.String()+" back from "+latticeAddr.String()+"; answers need 1024-65535")
		}
	}
	in.PortsText = in.Ports.String()

	auth := Path{From: name, To: f.To + " (authorization)", Proto: "tcp", Ports: portset.Of(f.Port, f.Port)}
	if lat.AuthType == "AWS_IAM" {
		add(&auth, "auth policy of service network "+lat.ServiceNetwork, lat.NetworkAuth != "",
			map[bool]string{true: "admits the account's authenticated principals", false: "none: a network with AWS_IAM and no auth policy denies every request"}[lat.NetworkAuth != ""])
		add(&auth, "auth policy of "+ls.Name, slices.Contains(ls.AllowedCallers, f.From), "admits "+listOr(ls.AllowedCallers, "nobody"))
		add(&auth, "IAM policy of "+f.From, e.mayInvoke(f.From, ls.ID), "vpc-lattice-svcs:Invoke on "+ls.ID+": "+map[bool]string{true: "allowed", false: "not allowed"}[e.mayInvoke(f.From, ls.ID)])
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
		tregion := ""
		if v := e.d.VPC(dst.VPC); v != nil {
			tregion = v.Region
		}
		ingress, detail := e.prefixListPorts(dst.Groups, false, design.LatticePrefixList(tregion))
		add(&fwd, "security groups of "+target+" (ingress)", ingress.Contains(svc.Port), detail)
		seen := map[string]bool{}
		for _, s := range dst.Subnets {
			if n := e.nacls[s.ID]; n != nil && !seen[n.ID] {
				seen[n.ID] = true
				inb := naclPorts(n.Inbound, "tcp", latticeAddr)
				add(&fwd, n.ID+" inbound", inb.Contains(svc.Port), "allows "+inb.String()+" from "+latticeAddr.String())
				back := naclPorts(n.Outbound, "tcp", latticeAddr)
				add(&fwd, n.ID+" outbound answers", back.ContainsSet(ephemeral), "allows "+back.String()+" back to "+latticeAddr.String()+"; answers need 1024-65535")
			}
		}
		fwd.PortsText = fwd.Ports.String()
		out = append(out, fwd)
	}
	return out
}

// prefixListPorts is the union of the ports the groups' rules in one
// direction open to a managed prefix list, and the rules that open them.
func (e *Engine) prefixListPorts(groups []string, egress bool, prefixList string) (portset.Set, string) {
	ports := portset.Set{}
	var admitted []string
	for _, gid := range groups {
		g := e.groups[gid]
		if g == nil {
			continue
		}
		rules := g.Ingress
		if egress {
			rules = g.Egress
		}
		for _, r := range rules {
			if r.PeerPrefixList != prefixList || r.Protocol != "tcp" && r.Protocol != "-1" && r.Protocol != "all" {
				continue
			}
			ports = ports.Union(portset.Of(r.FromPort, r.ToPort))
			admitted = append(admitted, fmt.Sprintf("%s %s %s %s (%s)", gid, r.Protocol, r.Ports(), r.Peer(), r.Description))
		}
	}
	if len(admitted) == 0 {
		dir := "ingress from"
		if egress {
			dir = "egress to"
		}
		return ports, fmt.Sprintf("no rule in %s admits %s %s", strings.Join(groups, ", "), dir, prefixList)
	}
	return ports, "admitted by " + strings.Join(admitted, "; ")
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
		if slices.Contains(p.Actions, "vpc-lattice-svcs:Invoke") && slices.Contains(p.LatticeServices, latticeService) {
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
