package plan

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/netwright/netwright/internal/awsfacts"
	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/spec"
)

// ephemeralFrom and ephemeralTo are the return-traffic ports NAT gateways,
// load balancers and Lambda use (1024-65535); the common 32768-65535 breaks
// their returns.
const (
	ephemeralFrom = 1024
	ephemeralTo   = 65535
)

// sgSet collects security groups and their rules, merging duplicates.
type sgSet struct {
	groups []*design.SecurityGroup
	byID   map[string]*design.SecurityGroup
	// names are the group names taken in each VPC, where AWS wants them
	// unique (a service called "public" would take its ALB's).
	names nameBook
}

func (s *sgSet) add(g design.SecurityGroup) *design.SecurityGroup {
	if s.byID == nil {
		s.byID, s.names = map[string]*design.SecurityGroup{}, nameBook{}
	}
	if old, ok := s.byID[g.ID]; ok {
		return old
	}
	ng := g
	ng.Name = s.names.take(design.NameSecurityGroup, g.VPC, design.NameSecurityGroup.MaxLen(), g.Name, strings.TrimPrefix(g.ID, "sg-"))
	s.groups = append(s.groups, &ng)
	s.byID[g.ID] = &ng
	return &ng
}

// rule adds a rule to a group's ingress or egress, or merges it into an
// existing rule with the same protocol, ports and peer.
func addRule(rules *[]design.SGRule, r design.SGRule) {
	for i := range *rules {
		o := &(*rules)[i]
		if o.Protocol == r.Protocol && o.FromPort == r.FromPort && o.ToPort == r.ToPort &&
			o.PeerGroup == r.PeerGroup && o.PeerCIDR == r.PeerCIDR && o.PeerPrefixList == r.PeerPrefixList {
			for _, f := range r.Flows {
				if !slices.Contains(o.Flows, f) {
					o.Flows = append(o.Flows, f)
				}
			}
			if !strings.Contains(o.Description, r.Description) && len(o.Description)+len(r.Description)+2 <= 255 {
				o.Description += "; " + r.Description
			}
			return
		}
	}
	*rules = append(*rules, r)
}

func (p *planner) sgID(vpc *design.VPC, owner string) string {
	return "sg-" + vpc.Name + "-" + owner
}

// subnetCIDRs returns the blocks of the given subnets, merged where they
// are siblings.
func (p *planner) subnetCIDRs(ids []string) []netip.Prefix {
	var out []netip.Prefix
	for _, v := range p.d.VPCs {
		for _, s := range v.Subnets {
			if slices.Contains(ids, s.ID) {
				out = append(out, s.CIDR)
			}
		}
	}
	return aggregate(out)
}

// aggregate merges sibling blocks (10.0.0.0/25 and 10.0.0.128/25 into
// 10.0.0.0/24) and drops blocks inside others; the result covers exactly
// the same addresses, sorted.
func aggregate(ps []netip.Prefix) []netip.Prefix {
	out := slices.Clone(ps)
	for {
		slices.SortFunc(out, func(a, b netip.Prefix) int {
			if c := a.Addr().Compare(b.Addr()); c != 0 {
				return c
			}
			return a.Bits() - b.Bits()
		})
		out = slices.Compact(out)
		changed := false
		var next []netip.Prefix
		for i := 0; i < len(out); i++ {
			if len(next) > 0 {
				last := next[len(next)-1]
				if last.Bits() <= out[i].Bits() && last.Contains(out[i].Addr()) {
					changed = true
					continue
				}
			}
			if i+1 < len(out) && out[i].Bits() == out[i+1].Bits() && out[i].Bits() > 0 {
				parent, _ := out[i].Addr().Prefix(out[i].Bits() - 1)
				if parent.Addr() == out[i].Addr() && parent.Contains(out[i+1].Addr()) {
					next = append(next, parent)
					i++
					changed = true
					continue
				}
			}
			next = append(next, out[i])
		}
		out = next
		if !changed {
			return out
		}
	}
}

// placementIn returns a service's placement in the VPC, or nil.
func placementIn(svc *design.Service, vpc string) *design.Placement {
	for i := range svc.Placements {
		if svc.Placements[i].VPC == vpc {
			return &svc.Placements[i]
		}
	}
	return nil
}

// homePlacement picks the placement of a callee that a caller in vpc
// reaches: the same VPC when the callee runs there, else its only one.
func homePlacement(svc *design.Service, vpc string) *design.Placement {
	if pl := placementIn(svc, vpc); pl != nil {
		return pl
	}
	return &svc.Placements[0]
}

// allow adds the pair of rules that let from open connections to to: to's
// ingress and from's egress. A peer in the same VPC is named by its group.
// Across VPCs joined by a Transit Gateway with security group referencing,
// the inbound rule still names the group (AWS allows it inbound only) and
// the outbound rule names the peer's subnets; otherwise both name blocks.
func (p *planner) allow(set *sgSet, from, to *design.SecurityGroup, fromCIDRs, toCIDRs []netip.Prefix, proto string, port int, desc string, flows []string) {
	if from.VPC == to.VPC {
		addRule(&to.Ingress, design.SGRule{Protocol: proto, FromPort: port, ToPort: port, PeerGroup: from.ID, Description: desc, Flows: flows})
		addRule(&from.Egress, design.SGRule{Protocol: proto, FromPort: port, ToPort: port, PeerGroup: to.ID, Description: desc, Flows: flows})
		return
	}
	if p.d.SharesTransitGateway(from.VPC, to.VPC) {
		addRule(&to.Ingress, design.SGRule{Protocol: proto, FromPort: port, ToPort: port, PeerGroup: from.ID, Description: desc + " across the transit gateway", Flows: flows})
	} else {
		for _, c := range fromCIDRs {
			addRule(&to.Ingress, design.SGRule{Protocol: proto, FromPort: port, ToPort: port, PeerCIDR: c, Description: desc + " across the transit gateway", Flows: flows})
		}
	}
	for _, c := range toCIDRs {
		addRule(&from.Egress, design.SGRule{Protocol: proto, FromPort: port, ToPort: port, PeerCIDR: c, Description: desc + " across the transit gateway", Flows: flows})
	}
}

// security designs one security group per service, data store, appliance,
// load balancer and interface-endpoint set in each VPC, with rules only for
// the declared flows, and empties each VPC's default group.
func (p *planner) security() {
	set := &sgSet{}
	for i := range p.d.VPCs {
		v := &p.d.VPCs[i]
		set.add(design.SecurityGroup{ID: p.sgID(v, "default"), Name: v.Name + "-default", VPC: v.ID, Kind: design.SGDefault,
			Description: "The VPC default group with every rule removed: nothing may use it"})
		if slices.ContainsFunc(v.Endpoints, func(e design.Endpoint) bool { return e.Kind == design.EndpointInterface }) {
			set.add(design.SecurityGroup{ID: p.sgID(v, "endpoints"), Name: v.Name + "-endpoints", VPC: v.ID, Kind: design.SGEndpoints, Owner: "endpoints",
				Description: "Interface endpoints of " + v.Name + ": HTTPS from the services that call AWS APIs"})
		}
	}
	groupOf := map[[2]string]*design.SecurityGroup{} // (service, vpc ID)
	for si := range p.d.Services {
		svc := &p.d.Services[si]
		kind := design.SGService
		switch {
		case spec.IsDataStoreKind(svc.Kind):
			kind = design.SGDataStore
		case svc.Kind == spec.KindAppliance:
			kind = design.SGAppliance
		}
		for pi := range svc.Placements {
			pl := &svc.Placements[pi]
			v := p.d.VPC(pl.VPC)
			g := set.add(design.SecurityGroup{ID: p.sgID(v, svc.Name), Name: v.Name + "-" + svc.Name, VPC: v.ID, Kind: kind, Owner: svc.Name,
				Description: fmt.Sprintf("Tasks of %s (%s): only the declared flows", svc.Name, svc.Kind)})
			groupOf[[2]string{svc.Name, v.ID}] = g
			pl.SecurityGroups = []string{g.ID}
		}
	}
	lbGroup := map[string]*design.SecurityGroup{}
	for li := range p.d.LoadBalancers {
		lb := &p.d.LoadBalancers[li]
		if lb.Type == design.GWLB {
			continue // a GWLB has no security group
		}
		g := set.add(design.SecurityGroup{ID: "sg-" + lb.ID, Name: lb.Name, VPC: lb.VPC, Kind: design.SGLoadBalancer, Owner: lb.ID,
			Description: fmt.Sprintf("The %s load balancer %s: its listeners from clients, its targets only", lb.Scheme, lb.Name)})
		lb.SecurityGroups = []string{g.ID}
		lbGroup[lb.ID] = g
	}

	for _, f := range p.d.Flows {
		switch f.Kind {
		case design.FlowService:
			caller, callee := p.d.Service(f.From), p.d.Service(f.To)
			if ls := p.latticeFlow(f); ls != nil {
				// Through VPC Lattice: the caller reaches the service
				// network's addresses on the listener's port, and the callee
				// admits Lattice's prefix list, never the caller itself, so
				// no call can go around Lattice's auth and rules.
				for _, pl := range caller.Placements {
					cpl := homePlacement(callee, pl.VPC)
					region := p.d.VPC(pl.VPC).Region
					addRule(&groupOf[[2]string{f.From, pl.VPC}].Egress, design.SGRule{Protocol: "tcp", FromPort: ls.Port, ToPort: ls.Port, PeerPrefixList: design.LatticePrefixList(region),
						Description: fmt.Sprintf("%s calls %s through VPC Lattice on tcp %d (services.%s.depends_on)", f.From, f.To, ls.Port, f.From), Flows: []string{f.ID}})
					// Lattice forwards to every service the rules name.
					for _, target := range p.latticeTargets(ls) {
						tpl := homePlacement(target, cpl.VPC)
						addRule(&groupOf[[2]string{target.Name, tpl.VPC}].Ingress, design.SGRule{Protocol: "tcp", FromPort: target.Port, ToPort: target.Port, PeerPrefixList: design.LatticePrefixList(p.d.VPC(tpl.VPC).Region),
							Description: fmt.Sprintf("VPC Lattice forwards calls to %s and checks its health on tcp %d", target.Name, target.Port), Flows: []string{f.ID}})
					}
				}
				continue
			}
			for _, pl := range caller.Placements {
				cpl := homePlacement(callee, pl.VPC)
				desc := fmt.Sprintf("%s calls %s on %s %d (services.%s.depends_on)", f.From, f.To, f.Transport, f.Port, f.From)
				if lb, port := p.internalFront(f.To, cpl.VPC); lb != nil {
					desc = fmt.Sprintf("%s calls %s through %s on %s %d (services.%s.depends_on)", f.From, f.To, lb.Name, f.Transport, port, f.From)
					p.allow(set, groupOf[[2]string{f.From, pl.VPC}], lbGroup[lb.ID],
						p.subnetCIDRs(pl.Subnets), p.subnetCIDRs(lb.Subnets), f.Transport, port, desc, []string{f.ID})
					continue
				}
				p.allow(set, groupOf[[2]string{f.From, pl.VPC}], groupOf[[2]string{f.To, cpl.VPC}],
					p.subnetCIDRs(pl.Subnets), p.subnetCIDRs(cpl.Subnets), f.Transport, f.Port, desc, []string{f.ID})
			}
		case design.FlowOnprem:
			p.siteSecurity(set, f, groupOf, lbGroup)
		case design.FlowEgress:
			svc := p.d.Service(f.From)
			dst := anyIPv4
			if pre, err := netip.ParsePrefix(f.Destination); err == nil {
				dst = pre
			}
			desc := fmt.Sprintf("%s egress to %s on tcp %d via NAT (services.%s.egress)", f.From, f.Destination, f.Port, f.From)
			for _, pl := range svc.Placements {
				addRule(&groupOf[[2]string{f.From, pl.VPC}].Egress, design.SGRule{Protocol: "tcp", FromPort: f.Port, ToPort: f.Port, PeerCIDR: dst, Description: desc, Flows: []string{f.ID}})
			}
		}
	}

	// Load balancers: clients to listeners, listeners to targets.
	internet := p.ingressSources()
	for _, lb := range p.d.LoadBalancers {
		g := lbGroup[lb.ID]
		if g == nil {
			continue
		}
		lbVPC := p.d.VPC(lb.VPC)
		for _, l := range lb.Listeners {
			proto := "tcp"
			if l.Protocol == "UDP" {
				proto = "udp"
			}
			clients := internet
			if p.cloudFront() && lb.Type == design.ALB && lb.Scheme == design.InternetFacing {
				// Only CloudFront's origin-facing servers (the requests'
				// header is checked by the listener's rules).
				addRule(&g.Ingress, design.SGRule{Protocol: proto, FromPort: l.Port, ToPort: l.Port, PeerPrefixList: design.CloudFrontPrefixList,
					Description: fmt.Sprintf("CloudFront origin-facing servers to the %s listener on %s %d (edge.cloudfront)", lb.Name, proto, l.Port), Flows: p.ingressFlowsOf(l)})
				clients = nil
			}
			for _, c := range clients {
				if lb.Scheme == design.Internal {
					break // its callers are admitted flow by flow above
				}
				desc := fmt.Sprintf("clients to the %s listener on %s %d", lb.Name, proto, l.Port)
				if l.DefaultAction.Type == design.ActionRedirect {
					desc = fmt.Sprintf("clients to %s on %s %d, redirected to HTTPS", lb.Name, proto, l.Port)
				}
				addRule(&g.Ingress, design.SGRule{Protocol: proto, FromPort: l.Port, ToPort: l.Port, PeerCIDR: c, Description: desc, Flows: p.ingressFlowsOf(l)})
			}
			for _, tgID := range forwardedTargetGroups(l) {
				tg := p.targetGroupByID(tgID)
				svc := p.d.Service(tg.Service)
				pl := homePlacement(svc, lbVPC.ID)
				target := groupOf[[2]string{svc.Name, pl.VPC}]
				flows := p.flowsThrough(lb, svc.Name)
				desc := fmt.Sprintf("%s forwards to %s and checks its health on %s %d", lb.Name, svc.Name, transport(svc.Protocol), tg.Port)
				p.allow(set, g, target, p.subnetCIDRs(lb.Subnets), p.subnetCIDRs(pl.Subnets), transport(svc.Protocol), tg.Port, desc, flows)
				if healthApart(tg) {
					p.allow(set, g, target, p.subnetCIDRs(lb.Subnets), p.subnetCIDRs(pl.Subnets), "tcp", tg.Health.Port,
						fmt.Sprintf("%s checks the health of %s on tcp %d", lb.Name, svc.Name, tg.Health.Port), nil)
				}
				// With client IP preservation the target sees the client's
				// address, but a rule naming the NLB's group still admits
				// what the NLB sends (AWS matches a group reference by the
				// sending interface): only a target that admits the NLB by
				// its subnets' addresses needs the clients' too.
				// https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-security-groups.html
				byReference := target.VPC == g.VPC || p.d.SharesTransitGateway(g.VPC, target.VPC)
				if tg.PreserveClientIP && lb.Scheme == design.InternetFacing && !byReference {
					for _, c := range internet {
						addRule(&target.Ingress, design.SGRule{Protocol: transport(svc.Protocol), FromPort: tg.Port, ToPort: tg.Port, PeerCIDR: c,
							Description: fmt.Sprintf("clients of %s keep their address (NLB client IP preservation)", lb.Name), Flows: flows})
					}
				}
				if tg.PreserveClientIP && lb.Scheme == design.Internal && !byReference {
					// The callers' own addresses arrive: admit them as well.
					for _, f := range flows {
						for _, cpl := range p.d.Service(p.flowByID(f).From).Placements {
							p.allow(set, groupOf[[2]string{p.flowByID(f).From, cpl.VPC}], target, p.subnetCIDRs(cpl.Subnets), p.subnetCIDRs(pl.Subnets),
								transport(svc.Protocol), tg.Port, fmt.Sprintf("callers of %s keep their address through %s (client IP preservation)", svc.Name, lb.Name), []string{f})
						}
					}
				}
			}
		}
	}

	// AWS APIs: interface endpoints, gateway endpoints, or NAT. On
	// Fargate the task's own ENI pulls its image and ships its logs; on
	// ECS on EC2 and EKS the instance or node does that through its own
	// ENI (the agent, the kubelet and the log driver run on the host), so
	// those calls belong to a group of the nodes, and the tasks keep only
	// their own AWS API calls.
	hostPulls := p.spec.Network.Compute != spec.ComputeFargate
	apis := func(g *design.SecurityGroup, who string, v *design.VPC, subnets []string, startup bool) {
		epVPC := v
		if p.spec.Network.Pattern == spec.PatternHubSpoke {
			epVPC = &p.d.VPCs[0]
		}
		if eg := set.byID[p.sgID(epVPC, "endpoints")]; eg != nil {
			var epSubnets []string
			for _, e := range epVPC.Endpoints {
				if e.Kind == design.EndpointInterface {
					epSubnets = e.Subnets
				}
			}
			p.allow(set, g, eg, p.subnetCIDRs(subnets), p.subnetCIDRs(epSubnets), "tcp", 443,
				fmt.Sprintf("%s calls AWS APIs through the interface endpoints on tcp 443", who), nil)
		}
		for _, e := range v.Endpoints {
			if e.Kind == design.EndpointGateway {
				addRule(&g.Egress, design.SGRule{Protocol: "tcp", FromPort: 443, ToPort: 443, PeerPrefixList: e.ServiceName,
					Description: fmt.Sprintf("%s reaches %s through its gateway endpoint on tcp 443", who, e.Service)})
			}
		}
		if startup && len(p.missingStartup) > 0 && p.natNeeded {
			addRule(&g.Egress, design.SGRule{Protocol: "tcp", FromPort: 443, ToPort: 443, PeerCIDR: anyIPv4,
				Description: fmt.Sprintf("%s pulls images and calls AWS APIs through NAT on tcp 443: network.endpoints lacks %s", who, strings.Join(p.missingStartup, " "))})
		}
	}
	nodeSubnets := map[string][]string{} // VPC -> subnets that hold tasks
	var nodeVPCs []string
	for si := range p.d.Services {
		svc := &p.d.Services[si]
		if spec.IsDataStoreKind(svc.Kind) {
			continue
		}
		for _, pl := range svc.Placements {
			apis(groupOf[[2]string{svc.Name, pl.VPC}], svc.Name, p.d.VPC(pl.VPC), pl.Subnets, !hostPulls)
			if hostPulls {
				if _, ok := nodeSubnets[pl.VPC]; !ok {
					nodeVPCs = append(nodeVPCs, pl.VPC)
				}
				for _, s := range pl.Subnets {
					if !slices.Contains(nodeSubnets[pl.VPC], s) {
						nodeSubnets[pl.VPC] = append(nodeSubnets[pl.VPC], s)
					}
				}
			}
		}
	}
	what := map[string]string{spec.ComputeECSEC2: "ECS container instances", spec.ComputeEKS: "EKS nodes"}[p.spec.Network.Compute]
	for _, id := range nodeVPCs {
		v := p.d.VPC(id)
		g := set.add(design.SecurityGroup{ID: p.sgID(v, "nodes"), Name: v.Name + "-nodes", VPC: v.ID, Kind: design.SGNodes, Owner: "nodes",
			Description: what + " of " + v.Name + ": image pulls, logs and AWS calls of the host agents"})
		apis(g, what, v, nodeSubnets[id], true)
	}
	if p.spec.Network.Compute == spec.ComputeEKS {
		p.clusterNeeds(set, nodeVPCs)
	}
	if p.spec.Network.Compute == spec.ComputeEKS && p.spec.Network.PodSecurityGroups {
		p.podGroupNeeds(set, groupOf)
	}
	if len(nodeVPCs) > 0 {
		p.note("security", "On %s the hosts pull images, ship logs and run the agents through their own ENIs, not the tasks': the nodes group (sg-<vpc>-nodes) carries those calls; give it to the %s. Tasks keep only their declared flows and their own AWS API calls.", p.spec.Network.Compute, what)
	}

	// Appliances hear GENEVE from the GWLB nodes in their own subnets.
	for _, lb := range p.d.LoadBalancers {
		if lb.Type != design.GWLB {
			continue
		}
		nodes := p.subnetCIDRs(lb.Subnets)
		for _, tgID := range forwardedTargetGroups(lb.Listeners[0]) {
			tg := p.targetGroupByID(tgID)
			g := groupOf[[2]string{tg.Service, lb.VPC}]
			for _, c := range nodes {
				addRule(&g.Ingress, design.SGRule{Protocol: "udp", FromPort: tg.Port, ToPort: tg.Port, PeerCIDR: c, Description: "GENEVE from the gateway load balancer " + lb.Name})
				addRule(&g.Ingress, design.SGRule{Protocol: "tcp", FromPort: tg.Health.Port, ToPort: tg.Health.Port, PeerCIDR: c, Description: "health checks from the gateway load balancer " + lb.Name})
				addRule(&g.Egress, design.SGRule{Protocol: "udp", FromPort: tg.Port, ToPort: tg.Port, PeerCIDR: c, Description: "GENEVE back to the gateway load balancer " + lb.Name})
			}
		}
	}

	p.resolverSecurity(set)
	if p.spec.Network.Compute == spec.ComputeEKS {
		p.makePodPolicies(set, groupOf)
		if p.spec.Network.PodSecurityGroups {
			p.mirrorLeavingVPC(set, groupOf)
			p.warnPodGroupsAcrossVPCs()
		} else {
			p.foldIntoNodes(set)
		}
	}
	for _, g := range set.groups {
		g.Ingress = dropCovered(g.Ingress)
		g.Egress = dropCovered(g.Egress)
	}
	p.fitSecurityQuotas(set)
	for _, g := range set.groups {
		sortRules(g.Ingress)
		sortRules(g.Egress)
		if g.Ingress == nil {
			g.Ingress = []design.SGRule{}
		}
		if g.Egress == nil {
			g.Egress = []design.SGRule{}
		}
		p.d.SecurityGroups = append(p.d.SecurityGroups, *g)
	}
	slices.SortFunc(p.d.SecurityGroups, func(a, b design.SecurityGroup) int { return strings.Compare(a.ID, b.ID) })
}

// dropCovered removes block rules another block rule of the group already
// covers (same protocol, its ports, a wider block), keeping their
// descriptions and flows on the wider rule: a security group is a union, so
// the narrower rule changes nothing.
func dropCovered(rules []design.SGRule) []design.SGRule {
	// Only block rules can cover or be covered; most rules name groups.
	var blocks []int
	for i, r := range rules {
		if r.PeerCIDR.IsValid() {
			blocks = append(blocks, i)
		}
	}
	keep := make([]bool, len(rules))
	for i, r := range rules {
		covered := -1
		if r.PeerCIDR.IsValid() {
			for _, j := range blocks {
				o := &rules[j]
				if i != j && o.Protocol == r.Protocol && o.FromPort <= r.FromPort && r.ToPort <= o.ToPort &&
					o.PeerCIDR.Bits() < r.PeerCIDR.Bits() && o.PeerCIDR.Contains(r.PeerCIDR.Addr()) {
					covered = j
					break
				}
			}
		}
		if covered < 0 {
			keep[i] = true
			continue
		}
		o := &rules[covered]
		if !strings.Contains(o.Description, r.Description) && len(o.Description)+len(r.Description)+2 <= 255 {
			o.Description += "; " + r.Description
		}
		for _, f := range r.Flows {
			if !slices.Contains(o.Flows, f) {
				o.Flows = append(o.Flows, f)
			}
		}
	}
	// Collected last, so the wider rules carry what they took in.
	out := make([]design.SGRule, 0, len(rules))
	for i, r := range rules {
		if keep[i] {
			out = append(out, r)
		}
	}
	return out
}

func sortRules(rs []design.SGRule) {
	slices.SortFunc(rs, func(a, b design.SGRule) int {
		if a.FromPort != b.FromPort {
			return a.FromPort - b.FromPort
		}
		if c := strings.Compare(a.Protocol, b.Protocol); c != 0 {
			return c
		}
		return strings.Compare(a.Peer(), b.Peer())
	})
}

// ingressSources are the blocks the public listeners admit: the union of
// the ingress rules' source_ips when every rule has one, else the internet.
func (p *planner) ingressSources() []netip.Prefix {
	var srcs []netip.Prefix
	for _, r := range p.spec.Ingress {
		if len(r.SourceIPs) == 0 {
			return []netip.Prefix{anyIPv4}
		}
		srcs = append(srcs, r.SourceIPs...)
	}
	if len(srcs) == 0 {
		return []netip.Prefix{anyIPv4}
	}
	return aggregate(srcs)
}

// healthApart reports whether a target group's health checks reach its
// targets on another port or transport than its traffic (a health port,
// or TCP checks of a UDP group), which the groups and NACLs must admit too.
func healthApart(tg *design.TargetGroup) bool {
	return tg.Health.Port != tg.Port || tg.Protocol == "UDP"
}

func forwardedTargetGroups(l design.Listener) []string {
	var ids []string
	for _, a := range l.Actions() {
		for _, f := range a.Forward {
			if !slices.Contains(ids, f.TargetGroup) {
				ids = append(ids, f.TargetGroup)
			}
		}
	}
	return ids
}

func (p *planner) targetGroupByID(id string) *design.TargetGroup {
	for i := range p.d.TargetGroups {
		if p.d.TargetGroups[i].ID == id {
			return &p.d.TargetGroups[i]
		}
	}
	return nil
}

// internalFront returns the internal load balancer in front of a service
// in a VPC, and the listener port its callers use, or nil.
func (p *planner) internalFront(service, vpc string) (*design.LoadBalancer, int) {
	for i := range p.d.LoadBalancers {
		lb := &p.d.LoadBalancers[i]
		if lb.Scheme != design.Internal || lb.VPC != vpc {
			continue
		}
		for _, l := range lb.Listeners {
			for _, tgID := range forwardedTargetGroups(l) {
				if p.targetGroupByID(tgID).Service == service {
					return lb, l.Port
				}
			}
		}
	}
	return nil, 0
}

// flowsThrough returns the declared flows a load balancer carries to a
// service: the public entry for an internet-facing one, the callers' flows
// for an internal one.
func (p *planner) flowsThrough(lb design.LoadBalancer, service string) []string {
	if lb.Scheme != design.Internal {
		if id := ingressFlowID(p.d, service); id != "" {
			return []string{id}
		}
		return nil
	}
	var ids []string
	for _, f := range p.d.Flows {
		if f.Kind == design.FlowService && f.To == service {
			ids = append(ids, f.ID)
		}
	}
	return ids
}

func (p *planner) flowByID(id string) design.Flow {
	for _, f := range p.d.Flows {
		if f.ID == id {
			return f
		}
	}
	return design.Flow{}
}

func ingressFlowID(d *design.Design, service string) string {
	for _, f := range d.Flows {
		if f.Kind == design.FlowIngress && f.To == service {
			return f.ID
		}
	}
	return ""
}

func (p *planner) ingressFlowsOf(l design.Listener) []string {
	var ids []string
	for _, tgID := range forwardedTargetGroups(l) {
		if id := ingressFlowID(p.d, p.targetGroupByID(tgID).Service); id != "" && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	if l.DefaultAction.Type == design.ActionRedirect {
		for _, f := range p.d.Flows {
			if f.Kind == design.FlowIngress && f.Protocol == "https" {
				ids = append(ids, f.ID)
			}
		}
	}
	slices.Sort(ids)
	return ids
}

// fitSecurityQuotas keeps every group within 60 rules a direction. A group
// admitting more than 60 groups gets a shared "clients of X" group that
// its callers carry; a group with more than 60 egress rules to other
// groups reaches the VPC's block on those ports instead.
func (p *planner) fitSecurityQuotas(set *sgSet) {
	for _, g := range slices.Clone(set.groups) {
		if len(g.Ingress) > awsfacts.RulesPerSecurityGroup {
			clients := set.add(design.SecurityGroup{ID: g.ID + "-clients", Name: g.Name + "-clients", VPC: g.VPC, Kind: design.SGClients, Owner: g.Owner,
				Description: "Clients of " + g.Owner + ": carried by every task that may call it", Ingress: []design.SGRule{}, Egress: []design.SGRule{}})
			var keep []design.SGRule
			callers := map[string]bool{}
			for _, r := range g.Ingress {
				peer := set.byID[r.PeerGroup]
				if peer == nil || peer.Kind != design.SGService {
					keep = append(keep, r)
					continue
				}
				callers[peer.ID] = true
				addRule(&keep, design.SGRule{Protocol: r.Protocol, FromPort: r.FromPort, ToPort: r.ToPort, PeerGroup: clients.ID,
					Description: "clients of " + g.Owner + " (shared group: more than 60 callers)", Flows: r.Flows})
			}
			g.Ingress = keep
			for si := range p.d.Services {
				for pi := range p.d.Services[si].Placements {
					pl := &p.d.Services[si].Placements[pi]
					if pl.VPC == g.VPC && slices.ContainsFunc(pl.SecurityGroups, func(id string) bool { return callers[id] }) {
						pl.SecurityGroups = append(pl.SecurityGroups, clients.ID)
					}
				}
			}
			p.warnAt(p.spec.At("services."+g.Owner, "network.endpoints"), fmt.Sprintf("%s has %d callers, past the 60 rules a security group holds; they share the group %s", g.Owner, len(callers), clients.ID),
				"Each caller's tasks carry the extra group, and "+g.Owner+" admits that one group. A task may carry 5 groups at most.")
		}
		if len(g.Egress) > awsfacts.RulesPerSecurityGroup {
			v := p.d.VPC(g.VPC)
			var keep []design.SGRule
			for _, r := range g.Egress {
				if r.PeerGroup == "" {
					keep = append(keep, r)
					continue
				}
				for _, b := range vpcBlocks(v) {
					addRule(&keep, design.SGRule{Protocol: r.Protocol, FromPort: r.FromPort, ToPort: r.ToPort, PeerCIDR: b,
						Description: g.Owner + " calls its dependencies in the VPC (merged: more than 60 rules)", Flows: r.Flows})
				}
			}
			g.Egress = keep
			p.warnAt(p.spec.At("services."+g.Owner), fmt.Sprintf("%s calls so many groups that its egress rules name the VPC's blocks %s instead", g.Owner, prefixList(vpcBlocks(v))),
				"The callees' ingress rules still admit only declared callers; only this group's egress is wider.")
		}
	}
	for _, svc := range p.d.Services {
		for _, pl := range svc.Placements {
			if len(pl.SecurityGroups) > awsfacts.SecurityGroupsPerENI {
				p.errorAt(p.spec.At("services."+svc.Name), fmt.Sprintf("%s's tasks would need %d security groups, past the %d AWS allows per ENI", svc.Name, len(pl.SecurityGroups), awsfacts.SecurityGroupsPerENI),
					"It calls too many services that each have more than 60 callers; use fewer dependencies or split the application.")
			}
		}
	}
}
