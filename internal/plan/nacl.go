package plan

import (
	"cmp"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/spec"
)

// naclRuleStep leaves gaps between NACL rule numbers for rules added by
// hand; numbering starts at naclFirstRule.
const (
	naclRuleStep  = 10
	naclFirstRule = 100
)

// naclDraft is a NACL's rules before numbering.
type naclDraft struct {
	acl     design.NetworkACL
	in, out []design.NACLRule
}

// naclSet maps each subnet to the draft NACL of its tier (and group).
type naclSet struct {
	drafts   []*naclDraft
	bySubnet map[string]*naclDraft
}

func (n *naclSet) add(subnets []string, inbound bool, proto string, from, to int, cidrs []netip.Prefix, reason string) {
	seen := map[*naclDraft]bool{}
	for _, s := range subnets {
		d := n.bySubnet[s]
		if d == nil || seen[d] {
			continue
		}
		seen[d] = true
		for _, c := range cidrs {
			r := design.NACLRule{Protocol: proto, FromPort: from, ToPort: to, CIDR: c, Allow: true, Reason: reason}
			if inbound {
				d.in = append(d.in, r)
			} else {
				d.out = append(d.out, r)
			}
		}
	}
}

// connection adds the four NACL rules a connection needs, NACLs being
// stateless: out from the client and in at the server on the port, and the
// answers back on ephemeral ports. Inside one subnet NACLs do not apply,
// which the rules cost nothing to ignore.
func (n *naclSet) connection(client, server []string, clientCIDRs, serverCIDRs []netip.Prefix, proto string, port int, reason string) {
	n.add(client, false, proto, port, port, serverCIDRs, reason)
	n.add(server, true, proto, port, port, clientCIDRs, reason)
	n.add(server, false, proto, ephemeralFrom, ephemeralTo, clientCIDRs, "answers: "+reason)
	n.add(client, true, proto, ephemeralFrom, ephemeralTo, serverCIDRs, "answers: "+reason)
}

// networkACLs designs one NACL per tier (and per service subnet group in
// the microservices pattern) as a second, stateless layer under the
// security groups: each admits exactly the tiers a declared flow crosses,
// with return traffic on 1024-65535, the range NAT gateways and load
// balancers use. Transit and GWLB endpoint subnets stay open, as AWS
// advises: the traffic they carry is filtered where it starts and ends.
func (p *planner) networkACLs() {
	set := &naclSet{bySubnet: map[string]*naclDraft{}}
	for _, v := range p.d.VPCs {
		byKey := map[string]*naclDraft{}
		for _, s := range v.Subnets {
			key := s.Tier
			if s.Group != "" {
				key += "-" + s.Group
			}
			d := byKey[key]
			if d == nil {
				d = &naclDraft{acl: design.NetworkACL{ID: "acl-" + v.Name + "-" + key, Name: v.Name + "-" + key, VPC: v.ID, Tier: s.Tier, Group: s.Group}}
				byKey[key] = d
				set.drafts = append(set.drafts, d)
			}
			d.acl.Subnets = append(d.acl.Subnets, s.ID)
			set.bySubnet[s.ID] = d
		}
		for _, d := range byKey {
			if d.acl.Tier == design.TierTransit || d.acl.Tier == design.TierFirewall {
				why := "Transit Gateway attachment subnets stay open (AWS guidance); traffic is filtered in the subnets it comes from and goes to"
				if d.acl.Tier == design.TierFirewall {
					why = "GWLB endpoint subnets pass inspected traffic of every kind; the appliances filter it"
				}
				set.add(d.acl.Subnets, true, "all", 0, 65535, []netip.Prefix{anyIPv4}, why)
				set.add(d.acl.Subnets, false, "all", 0, 65535, []netip.Prefix{anyIPv4}, why)
			}
		}
	}

	natSubnets := func(vpc string) []string {
		for _, v := range p.d.VPCs {
			if v.ID == vpc && len(v.NATGateways) > 0 {
				var ids []string
				for _, n := range v.NATGateways {
					ids = append(ids, n.Subnet)
				}
				return ids
			}
		}
		if p.spec.Network.Pattern == spec.PatternHubSpoke {
			return natSubnetsOf(&p.d.VPCs[0])
		}
		return nil
	}
	// internetVia opens a path from subnets to the internet through NAT.
	internetVia := func(src []string, vpc string, dst netip.Prefix, port int, reason string) {
		srcCIDRs := p.subnetCIDRs(src)
		set.connection(src, nil, nil, []netip.Prefix{dst}, "tcp", port, reason)
		nat := natSubnets(vpc)
		set.connection(nil, nat, srcCIDRs, nil, "tcp", port, reason+" (into NAT)")
		set.connection(nat, nil, nil, []netip.Prefix{dst}, "tcp", port, reason+" (out of NAT)")
	}

	for _, f := range p.d.Flows {
		switch f.Kind {
		case design.FlowService:
			caller, callee := p.d.Service(f.From), p.d.Service(f.To)
			if ls := p.latticeFlow(f); ls != nil {
				// VPC Lattice's addresses on both sides: the caller's subnets
				// to Lattice on the listener's port, Lattice to the callee's
				// on its port (health checks included).
				lattice := []netip.Prefix{design.LatticeCIDR}
				for _, pl := range caller.Placements {
					cpl := homePlacement(callee, pl.VPC)
					set.connection(pl.Subnets, nil, p.subnetCIDRs(pl.Subnets), lattice, "tcp", ls.Port, fmt.Sprintf("%s calls %s through VPC Lattice on %d", f.From, f.To, ls.Port))
					for _, target := range p.latticeTargets(ls) {
						tpl := homePlacement(target, cpl.VPC)
						set.connection(nil, tpl.Subnets, lattice, p.subnetCIDRs(tpl.Subnets), "tcp", target.Port, fmt.Sprintf("VPC Lattice forwards to %s on %d", target.Name, target.Port))
					}
				}
				continue
			}
			for _, pl := range caller.Placements {
				cpl := homePlacement(callee, pl.VPC)
				if lb, port := p.internalFront(f.To, cpl.VPC); lb != nil {
					set.connection(pl.Subnets, lb.Subnets, p.subnetCIDRs(pl.Subnets), p.subnetCIDRs(lb.Subnets), f.Transport, port,
						fmt.Sprintf("%s calls %s through %s on %d", f.From, f.To, lb.Name, port))
					continue
				}
				set.connection(pl.Subnets, cpl.Subnets, p.subnetCIDRs(pl.Subnets), p.subnetCIDRs(cpl.Subnets), f.Transport, f.Port,
					fmt.Sprintf("%s calls %s on %d", f.From, f.To, f.Port))
			}
		case design.FlowOnprem:
			p.siteNACLs(set, f)
		case design.FlowEgress:
			dst := anyIPv4
			if pre, err := netip.ParsePrefix(f.Destination); err == nil {
				dst = pre
			}
			for _, pl := range p.d.Service(f.From).Placements {
				internetVia(pl.Subnets, pl.VPC, dst, f.Port, fmt.Sprintf("%s egress to %s:%d", f.From, f.Destination, f.Port))
			}
		}
	}
	internet := p.ingressSources()
	for _, lb := range p.d.LoadBalancers {
		for _, l := range lb.Listeners {
			if lb.Type != design.GWLB && lb.Scheme == design.InternetFacing {
				proto := "tcp"
				if l.Protocol == "UDP" {
					proto = "udp"
				}
				set.connection(nil, lb.Subnets, internet, nil, proto, l.Port, fmt.Sprintf("clients to %s port %d", lb.Name, l.Port))
			}
			for _, tgID := range forwardedTargetGroups(l) {
				tg := p.targetGroupByID(tgID)
				svc := p.d.Service(tg.Service)
				pl := homePlacement(svc, lb.VPC)
				proto := transport(svc.Protocol)
				if lb.Type == design.GWLB {
					set.connection(lb.Subnets, pl.Subnets, p.subnetCIDRs(lb.Subnets), p.subnetCIDRs(pl.Subnets), "udp", tg.Port, "GENEVE from "+lb.Name)
					set.connection(lb.Subnets, pl.Subnets, p.subnetCIDRs(lb.Subnets), p.subnetCIDRs(pl.Subnets), "tcp", tg.Health.Port, "health checks from "+lb.Name)
					continue
				}
				set.connection(lb.Subnets, pl.Subnets, p.subnetCIDRs(lb.Subnets), p.subnetCIDRs(pl.Subnets), proto, tg.Port,
					fmt.Sprintf("%s to %s and its health checks on %d", lb.Name, svc.Name, tg.Port))
				if healthApart(tg) {
					set.connection(lb.Subnets, pl.Subnets, p.subnetCIDRs(lb.Subnets), p.subnetCIDRs(pl.Subnets), "tcp", tg.Health.Port,
						fmt.Sprintf("%s checks the health of %s on tcp %d", lb.Name, svc.Name, tg.Health.Port))
				}
				if tg.PreserveClientIP && lb.Scheme == design.InternetFacing {
					set.connection(nil, pl.Subnets, internet, nil, proto, tg.Port, fmt.Sprintf("clients of %s keep their address", lb.Name))
				}
				if tg.PreserveClientIP && lb.Scheme == design.Internal {
					for _, id := range p.flowsThrough(lb, svc.Name) {
						from := p.flowByID(id).From
						for _, cpl := range p.d.Service(from).Placements {
							set.connection(cpl.Subnets, pl.Subnets, p.subnetCIDRs(cpl.Subnets), p.subnetCIDRs(pl.Subnets), proto, tg.Port,
								fmt.Sprintf("%s keeps its address through %s to %s", from, lb.Name, svc.Name))
						}
					}
				}
			}
		}
	}
	// AWS APIs for every task that is not a data store.
	for _, svc := range p.d.Services {
		if spec.IsDataStoreKind(svc.Kind) {
			continue
		}
		for _, pl := range svc.Placements {
			v := p.d.VPC(pl.VPC)
			epVPC := v
			if p.spec.Network.Pattern == spec.PatternHubSpoke {
				epVPC = &p.d.VPCs[0]
			}
			for _, e := range epVPC.Endpoints {
				if e.Kind == design.EndpointInterface {
					set.connection(pl.Subnets, e.Subnets, p.subnetCIDRs(pl.Subnets), p.subnetCIDRs(e.Subnets), "tcp", 443,
						svc.Name+" calls AWS APIs through the interface endpoints")
					break
				}
			}
			if slices.ContainsFunc(v.Endpoints, func(e design.Endpoint) bool { return e.Kind == design.EndpointGateway }) {
				// A gateway endpoint's services answer from public
				// addresses, and NACLs cannot name prefix lists.
				set.connection(pl.Subnets, nil, nil, []netip.Prefix{anyIPv4}, "tcp", 443, svc.Name+" reaches S3 or DynamoDB through a gateway endpoint (NACLs cannot name prefix lists)")
			}
			if len(p.missingStartup) > 0 && p.natNeeded {
				internetVia(pl.Subnets, pl.VPC, anyIPv4, 443, svc.Name+" pulls images and calls AWS APIs through NAT")
			}
		}
	}

	if p.spec.Network.Compute == spec.ComputeEKS {
		// Pods ask the cluster DNS, CoreDNS pods on any node of the VPC.
		nodes := map[string][]string{}
		for _, svc := range p.d.Services {
			if !spec.IsDataStoreKind(svc.Kind) {
				for _, pl := range svc.Placements {
					nodes[pl.VPC] = append(nodes[pl.VPC], pl.Subnets...)
				}
			}
		}
		for _, svc := range p.d.Services {
			if spec.IsDataStoreKind(svc.Kind) {
				continue
			}
			for _, pl := range svc.Placements {
				for _, tr := range []string{"udp", "tcp"} {
					set.connection(pl.Subnets, nodes[pl.VPC], p.subnetCIDRs(pl.Subnets), p.subnetCIDRs(nodes[pl.VPC]), tr, clusterDNS.Port,
						svc.Name+" resolves names through the cluster DNS (CoreDNS on the nodes)")
				}
			}
		}
		// The control plane's interfaces are in the nodes' subnets (the
		// cluster is created on them): the API server, the kubelets and
		// webhooks across the subnets of the zones (clusterNeeds).
		for _, vpc := range slices.Sorted(maps.Keys(nodes)) {
			subnets := nodes[vpc]
			for _, port := range []int{apiServerPort, kubeletPort, lbcWebhookPort} {
				set.connection(subnets, subnets, p.subnetCIDRs(subnets), p.subnetCIDRs(subnets), "tcp", port,
					fmt.Sprintf("the EKS control plane and the nodes on tcp %d", port))
			}
			if slices.Contains(p.controllersViaNAT, vpc) {
				internetVia(subnets, vpc, anyIPv4, 443, "the cluster's controllers call AWS APIs through NAT")
			}
		}
	}

	p.resolverNACLs(set)
	for _, d := range set.drafts {
		d.acl.Inbound = p.numberNACL(d.acl, compactNACL(d.in), "inbound")
		d.acl.Outbound = p.numberNACL(d.acl, compactNACL(d.out), "outbound")
		p.d.NetworkACLs = append(p.d.NetworkACLs, d.acl)
	}
	slices.SortFunc(p.d.NetworkACLs, func(a, b design.NetworkACL) int { return strings.Compare(a.ID, b.ID) })
}

func natSubnetsOf(v *design.VPC) []string {
	var ids []string
	for _, n := range v.NATGateways {
		ids = append(ids, n.Subnet)
	}
	return ids
}

// compactNACL drops rules another rule already covers, merges port ranges
// that touch for one block, and merges sibling blocks for one port range.
// Every rule allows, so order does not change what passes.
func compactNACL(rules []design.NACLRule) []design.NACLRule {
	covers := func(a, b design.NACLRule) bool {
		return (a.Protocol == "all" || a.Protocol == b.Protocol) &&
			(a.Protocol == "all" || a.FromPort <= b.FromPort && b.ToPort <= a.ToPort) &&
			a.CIDR.Bits() <= b.CIDR.Bits() && a.CIDR.Contains(b.CIDR.Addr())
	}
	// Exact duplicates first, in one pass: flows between the same tiers
	// repeat the same rule many times.
	type exact struct {
		proto    string
		from, to int
		cidr     netip.Prefix
	}
	seen := map[exact]bool{}
	unique := rules[:0:0]
	for _, r := range rules {
		k := exact{r.Protocol, r.FromPort, r.ToPort, r.CIDR}
		if !seen[k] {
			seen[k] = true
			unique = append(unique, r)
		}
	}
	rules = unique
	// The broad rules (all protocols, the ephemeral range, 0.0.0.0/0) are
	// few; checking each rule against them alone removes most coverage.
	for changed := true; changed; {
		changed = false
		// Drop covered rules, keeping the reason of the first.
		var broad []int
		for i, r := range rules {
			if r.Protocol == "all" || r.ToPort-r.FromPort > 0 || r.CIDR.Bits() < 16 {
				broad = append(broad, i)
			}
		}
		var kept []design.NACLRule
		for i, r := range rules {
			dup := false
			for _, j := range broad {
				o := rules[j]
				if i != j && covers(o, r) && (!covers(r, o) || j < i) {
					dup = true
					break
				}
			}
			if !dup {
				kept = append(kept, r)
			}
		}
		changed = len(kept) < len(rules)
		rules = kept
		// Merge sibling blocks with the same protocol and ports.
		type key struct {
			proto    string
			from, to int
		}
		groups := map[key][]netip.Prefix{}
		reasons := map[key]string{}
		var order []key
		for _, r := range rules {
			k := key{r.Protocol, r.FromPort, r.ToPort}
			if _, ok := groups[k]; !ok {
				order = append(order, k)
				reasons[k] = r.Reason
			}
			groups[k] = append(groups[k], r.CIDR)
		}
		var merged []design.NACLRule
		for _, k := range order {
			blocks := aggregate(groups[k])
			if len(blocks) < len(groups[k]) {
				changed = true
			}
			for _, c := range blocks {
				reason := reasons[k]
				for _, r := range rules {
					if r.Protocol == k.proto && r.FromPort == k.from && r.ToPort == k.to && r.CIDR == c {
						reason = r.Reason
						break
					}
				}
				merged = append(merged, design.NACLRule{Protocol: k.proto, FromPort: k.from, ToPort: k.to, CIDR: c, Allow: true, Reason: reason})
			}
		}
		rules = merged
	}
	slices.SortFunc(rules, func(a, b design.NACLRule) int {
		return cmp.Or(cmp.Compare(a.FromPort, b.FromPort), cmp.Compare(a.ToPort, b.ToPort), strings.Compare(a.Protocol, b.Protocol),
			a.CIDR.Addr().Compare(b.CIDR.Addr()), cmp.Compare(a.CIDR.Bits(), b.CIDR.Bits()))
	})
	return rules
}

// numberNACL fits rules to AWS's limits (fitNACL) and numbers them 100,
// 110, ...
func (p *planner) numberNACL(acl design.NetworkACL, rules []design.NACLRule, dir string) []design.NACLRule {
	rules = p.fitNACL(acl, rules, dir)
	for i := range rules {
		rules[i].Number = naclFirstRule + naclRuleStep*i
	}
	if rules == nil {
		rules = []design.NACLRule{}
	}
	return rules
}
