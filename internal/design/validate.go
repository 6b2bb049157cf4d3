package design

import (
	"cmp"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strings"

	"github.com/netwright/netwright/internal/awsfacts"
	"github.com/netwright/netwright/internal/ipam"
)

// Validate checks the model's invariants: IDs are unique and every
// reference resolves; a VPC's blocks are /16 to /28, ones AWS accepts
// beside the primary, at most 50; subnets lie inside one block of their
// VPC and do not overlap; every route table has one local route per
// block; VPCs that can be connected do not overlap; every AZ of a VPC has every tier
// (and group) the VPC has; and every subnet's capacity covers its demand.
// It returns every violation, sorted, or nil. A design from plan always
// passes; a hand-edited one may not.
//
// An imported design (Imported) is what a real account holds, not what
// netwright would build: only the invariants the analyzer relies on are
// checked (validateImported).
func (d *Design) Validate() []error {
	if d.Imported() {
		return d.validateImported()
	}
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	ids := map[string]string{}
	claim := func(id, what string) {
		if id == "" {
			bad("%s has no id", what)
			return
		}
		if prev, ok := ids[id]; ok {
			bad("id %q is used by both %s and %s", id, prev, what)
			return
		}
		ids[id] = what
	}

	var vpcCIDRs []netip.Prefix
	subnetVPC := map[string]string{}
	for _, v := range d.VPCs {
		claim(v.ID, "vpc "+v.Name)
		if !awsfacts.ValidVPCBlock(v.CIDR) {
			bad("vpc %s: cidr %s is not a /16 to /28", v.ID, v.CIDR)
		}
		for _, b := range v.SecondaryCIDRs {
			if !awsfacts.SecondaryCIDRAllowed(v.CIDR, b) {
				bad("vpc %s: secondary cidr %s is not a /16 to /28 AWS accepts beside %s", v.ID, b, v.CIDR)
			}
		}
		if a, b, ok := ipam.Overlaps(v.Blocks()); ok {
			bad("vpc %s: blocks %s and %s overlap", v.ID, a, b)
		}
		if n := len(v.Blocks()); n > awsfacts.CIDRBlocksPerVPCMax {
			bad("vpc %s: %d cidr blocks; AWS allows %d", v.ID, n, awsfacts.CIDRBlocksPerVPCMax)
		}
		vpcCIDRs = append(vpcCIDRs, v.Blocks()...)
		rts := map[string]bool{}
		for _, rt := range v.RouteTables {
			claim(rt.ID, "route table "+rt.Name)
			rts[rt.ID] = true
		}
		var cidrs []netip.Prefix
		tiersByAZ := map[string]map[string]bool{}
		allTiers := map[string]bool{}
		for _, s := range v.Subnets {
			claim(s.ID, "subnet "+s.Name)
			subnetVPC[s.ID] = v.ID
			if _, ok := v.BlockHolding(s.CIDR); !ok {
				bad("subnet %s: %s is outside vpc %s (%s)", s.ID, s.CIDR, v.ID, blockList(v.Blocks()))
			}
			if s.CIDR.Bits() > 28 {
				bad("subnet %s: %s is smaller than a /28", s.ID, s.CIDR)
			}
			cidrs = append(cidrs, s.CIDR)
			if !slices.Contains(v.AZs, s.AZ) {
				bad("subnet %s: az %s is not one of vpc %s's", s.ID, s.AZ, v.ID)
			}
			if !rts[s.RouteTable] {
				bad("subnet %s: route table %q does not exist in vpc %s", s.ID, s.RouteTable, v.ID)
			}
			want := 1<<(32-s.CIDR.Bits()) - 5
			if s.Capacity != want {
				bad("subnet %s: capacity %d; a %s holds %d usable addresses", s.ID, s.Capacity, s.CIDR, want)
			}
			sum := 0
			for _, dm := range s.Demand {
				sum += dm.IPs
			}
			if sum != s.PeakIPs {
				bad("subnet %s: demand items add up to %d, not peak_ips %d", s.ID, sum, s.PeakIPs)
			}
			if s.PeakIPs+s.HeadroomIPs > s.Capacity {
				bad("subnet %s: peak %d plus headroom %d exceeds capacity %d", s.ID, s.PeakIPs, s.HeadroomIPs, s.Capacity)
			}
			key := s.Tier + "/" + s.Group
			allTiers[key] = true
			if tiersByAZ[s.AZ] == nil {
				tiersByAZ[s.AZ] = map[string]bool{}
			}
			tiersByAZ[s.AZ][key] = true
		}
		if a, b, ok := ipam.Overlaps(cidrs); ok {
			bad("vpc %s: subnets %s and %s overlap", v.ID, a, b)
		}
		for _, az := range v.AZs {
			for _, t := range sortedKeys(allTiers) {
				if !tiersByAZ[az][t] {
					bad("vpc %s: az %s has no %s subnet", v.ID, az, t)
				}
			}
		}
		targets := map[string]bool{v.InternetGateway: v.InternetGateway != ""}
		if v.InternetGateway != "" {
			claim(v.InternetGateway, "internet gateway of "+v.ID)
		}
		for _, n := range v.NATGateways {
			claim(n.ID, "nat gateway in "+n.AZ)
			targets[n.ID] = true
			if subnetVPC[n.Subnet] != v.ID {
				bad("nat gateway %s: subnet %q is not in vpc %s", n.ID, n.Subnet, v.ID)
			}
		}
		for _, e := range v.Endpoints {
			claim(e.ID, "endpoint "+e.Service)
			targets[e.ID] = true
			for _, s := range e.Subnets {
				if subnetVPC[s] != v.ID {
					bad("endpoint %s: subnet %q is not in vpc %s", e.ID, s, v.ID)
				}
			}
			for _, rt := range e.RouteTables {
				if !rts[rt] {
					bad("endpoint %s: route table %q is not in vpc %s", e.ID, rt, v.ID)
				}
			}
		}
		for _, tgw := range d.TransitGateways {
			if tgw.Region == v.Region {
				targets[tgw.ID] = true
			}
		}
		subnetOf := map[string]bool{}
		for _, s := range v.Subnets {
			subnetOf[s.ID] = true
		}
		for _, e := range d.GatewayLoadBalancerEndpoints {
			if subnetOf[e.Subnet] {
				targets[e.ID] = true
			}
		}
		for _, rt := range v.RouteTables {
			// AWS adds one local route for each of the VPC's blocks.
			local := map[netip.Prefix]int{}
			for _, r := range rt.Routes {
				if r.TargetKind == TargetLocal {
					if !slices.Contains(v.Blocks(), r.Destination) {
						bad("route table %s: local route to %s is not a block of the vpc (%s)", rt.ID, r.Destination, blockList(v.Blocks()))
					}
					local[r.Destination]++
					continue
				}
				if !targets[r.Target] {
					bad("route table %s: route to %s targets %q, which does not exist in vpc %s", rt.ID, r.DestinationString(), r.Target, v.ID)
				}
			}
			for _, b := range v.Blocks() {
				if local[b] != 1 {
					bad("route table %s: has %d local routes to the vpc block %s; want 1", rt.ID, local[b], b)
				}
			}
			if rt.EdgeGateway != "" && rt.EdgeGateway != v.InternetGateway {
				bad("route table %s: edge gateway %q is not vpc %s's internet gateway", rt.ID, rt.EdgeGateway, v.ID)
			}
		}
	}
	if a, b, ok := ipam.Overlaps(vpcCIDRs); ok && (len(d.TransitGateways) > 0) {
		bad("vpcs %s and %s overlap but are joined by a transit gateway", a, b)
	}

	attachments := map[string]bool{}
	for _, p := range d.TransitGatewayPeerings {
		claim(p.ID, "transit gateway peering")
		attachments[p.ID] = true
	}
	for _, tgw := range d.TransitGateways {
		claim(tgw.ID, "transit gateway in "+tgw.Region)
		for _, a := range tgw.Attachments {
			claim(a.ID, "transit gateway attachment of "+a.VPC)
			attachments[a.ID] = true
			if d.VPC(a.VPC) == nil {
				bad("attachment %s: vpc %q does not exist", a.ID, a.VPC)
			}
			for _, s := range a.Subnets {
				if subnetVPC[s] != a.VPC {
					bad("attachment %s: subnet %q is not in vpc %s", a.ID, s, a.VPC)
				}
			}
		}
		for _, a := range tgw.SiteAttachments {
			claim(a.ID, "transit gateway attachment of site "+a.Site)
			attachments[a.ID] = true
			if d.Site(a.Site) == nil {
				bad("attachment %s: site %q does not exist", a.ID, a.Site)
			}
		}
	}
	errs = append(errs, d.validateSites()...)
	for _, tgw := range d.TransitGateways {
		for _, rt := range tgw.RouteTables {
			claim(rt.ID, "transit gateway route table "+rt.Name)
			for _, a := range rt.Associations {
				if !attachments[a] {
					bad("transit gateway route table %s: association %q does not exist", rt.ID, a)
				}
			}
			for _, a := range rt.Propagations {
				if !attachments[a] {
					bad("transit gateway route table %s: propagation from %q, which does not exist", rt.ID, a)
				}
			}
			for _, r := range rt.Routes {
				if r.Propagated != "" && !slices.Contains(rt.Propagations, r.Attachment) {
					bad("transit gateway route table %s: route to %s is propagated from %q, which does not propagate into it", rt.ID, r.Destination, r.Attachment)
				}
				if !attachments[r.Attachment] {
					bad("transit gateway route table %s: route to %s uses %q, which does not exist", rt.ID, r.Destination, r.Attachment)
				}
			}
		}
	}

	for _, s := range d.Services {
		for _, p := range s.Placements {
			if d.VPC(p.VPC) == nil {
				bad("service %s: vpc %q does not exist", s.Name, p.VPC)
			}
			for _, sn := range p.Subnets {
				if subnetVPC[sn] != p.VPC {
					bad("service %s: subnet %q is not in vpc %s", s.Name, sn, p.VPC)
				}
			}
		}
	}
	errs = append(errs, d.validateLoadBalancing(subnetVPC)...)
	if g := d.Global; g != nil {
		targets := map[string]bool{}
		for _, lb := range d.LoadBalancers {
			targets[lb.ID] = lb.Scheme == InternetFacing
		}
		if g.Accelerator != nil {
			targets[g.Accelerator.ID] = true
			for _, eg := range g.Accelerator.EndpointGroups {
				for _, e := range eg.Endpoints {
					if !targets[e] {
						bad("accelerator %s: endpoint %q is not a public load balancer", g.Accelerator.ID, e)
					}
				}
			}
		}
		checks := map[string]bool{}
		for _, hc := range g.HealthChecks {
			checks[hc.ID] = true
			if !targets[hc.Target] {
				bad("health check %s: target %q is not a public load balancer", hc.ID, hc.Target)
			}
		}
		for _, r := range g.Records {
			if !targets[r.AliasTarget] {
				bad("global record %s: alias target %q does not exist", r.SetIdentifier, r.AliasTarget)
			}
			if r.HealthCheck != "" && !checks[r.HealthCheck] {
				bad("global record %s: health check %q does not exist", r.SetIdentifier, r.HealthCheck)
			}
		}
	}
	for _, ns := range d.Namespaces {
		for _, v := range append([]string{ns.VPC}, ns.AssociatedVPCs...) {
			if d.VPC(v) == nil {
				bad("namespace %s: vpc %q does not exist", ns.ID, v)
			}
		}
		names := map[string]bool{}
		for _, s := range ns.Services {
			if d.Service(s.Service) == nil {
				bad("namespace %s: service %q does not exist", ns.ID, s.Service)
			}
			if names[s.DNSName] {
				bad("namespace %s: %s is registered twice", ns.ID, s.DNSName)
			}
			names[s.DNSName] = true
		}
	}
	errs = append(errs, d.validateSecurity(subnetVPC)...)
	errs = append(errs, d.validateDeployment()...)
	if d.Mesh != nil && d.Mesh.Lattice != nil {
		errs = append(errs, d.Mesh.Lattice.validateOwners(d.Compute)...)
	}
	errs = append(errs, d.validateLoadBalancerOwners()...)

	services := make(map[string]bool, len(d.Services))
	for _, s := range d.Services {
		services[s.Name] = true
	}
	for _, f := range d.Flows {
		for _, end := range []string{f.From, f.To} {
			if site := SiteName(end); site != "" {
				if d.Site(site) == nil {
					bad("flow %s: site %q does not exist", f.ID, site)
				}
				continue
			}
			if end != Internet && !services[end] {
				bad("flow %s: service %q does not exist", f.ID, end)
			}
		}
	}
	slices.SortFunc(errs, func(a, b error) int { return cmp.Compare(a.Error(), b.Error()) })
	return errs
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func (d *Design) validateLoadBalancing(subnetVPC map[string]string) []error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	tgs := map[string]TargetGroup{}
	for _, tg := range d.TargetGroups {
		tgs[tg.ID] = tg
		if d.VPC(tg.VPC) == nil {
			bad("target group %s: vpc %q does not exist", tg.ID, tg.VPC)
		}
		if d.Service(tg.Service) == nil {
			bad("target group %s: service %q does not exist", tg.ID, tg.Service)
		}
		if len(tg.Name) > 32 {
			bad("target group %s: name %q is longer than 32 characters", tg.ID, tg.Name)
		}
		if tg.Health.Timeout >= tg.Health.Interval {
			bad("target group %s: health check timeout %s is not less than the interval %s", tg.ID, tg.Health.Timeout, tg.Health.Interval)
		}
	}
	groups := map[string]bool{}
	for _, sg := range d.SecurityGroups {
		groups[sg.ID] = true
	}
	lbs := map[string]bool{}
	for _, lb := range d.LoadBalancers {
		lbs[lb.ID] = true
		if len(lb.Name) > 32 {
			bad("load balancer %s: name %q is longer than 32 characters", lb.ID, lb.Name)
		}
		azs := map[string]bool{}
		for _, s := range lb.Subnets {
			if subnetVPC[s] != lb.VPC {
				bad("load balancer %s: subnet %q is not in vpc %s", lb.ID, s, lb.VPC)
			}
			for _, v := range d.VPCs {
				for _, sn := range v.Subnets {
					if sn.ID == s {
						if azs[sn.AZ] {
							bad("load balancer %s: two subnets in %s", lb.ID, sn.AZ)
						}
						azs[sn.AZ] = true
					}
				}
			}
		}
		if lb.Type == ALB && len(azs) < 2 {
			bad("load balancer %s: an ALB needs subnets in at least 2 AZs, has %d", lb.ID, len(azs))
		}
		for _, g := range lb.SecurityGroups {
			if !groups[g] {
				bad("load balancer %s: security group %q does not exist", lb.ID, g)
			}
		}
		prios := map[int]bool{}
		for _, l := range lb.Listeners {
			actions := []Action{l.DefaultAction}
			for _, r := range l.Rules {
				if r.Priority < 1 || r.Priority > 50000 || prios[r.Priority] {
					bad("listener %s: rule %s has priority %d, outside 1-50000 or repeated", l.ID, r.ID, r.Priority)
				}
				prios[r.Priority] = true
				actions = append(actions, r.Action)
			}
			for _, a := range actions {
				for _, f := range a.Forward {
					tg, ok := tgs[f.TargetGroup]
					if !ok {
						bad("listener %s: target group %q does not exist", l.ID, f.TargetGroup)
					} else if tg.VPC != lb.VPC {
						bad("listener %s: target group %s is in %s, not the load balancer's vpc %s", l.ID, tg.ID, tg.VPC, lb.VPC)
					}
				}
			}
		}
	}
	for _, e := range d.GatewayLoadBalancerEndpoints {
		if !lbs[e.LoadBalancer] {
			bad("gwlb endpoint %s: load balancer %q does not exist", e.ID, e.LoadBalancer)
		}
		if subnetVPC[e.Subnet] == "" {
			bad("gwlb endpoint %s: subnet %q does not exist", e.ID, e.Subnet)
		}
	}
	return errs
}

// sgDescriptionRE is what AWS accepts in a security group rule description.
var sgDescriptionRE = regexp.MustCompile(`^[a-zA-Z0-9. _\-:/()#,@\[\]+=&;{}!$*]{0,255}$`)

func (d *Design) validateSecurity(subnetVPC map[string]string) []error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	groups := map[string]string{}
	for _, sg := range d.SecurityGroups {
		groups[sg.ID] = sg.VPC
	}
	for _, sg := range d.SecurityGroups {
		if d.VPC(sg.VPC) == nil {
			bad("security group %s: vpc %q does not exist", sg.ID, sg.VPC)
		}
		if sg.Kind == SGDefault && len(sg.Ingress)+len(sg.Egress) > 0 {
			bad("security group %s: the default group must have no rules", sg.ID)
		}
		for dir, rules := range map[string][]SGRule{"ingress": sg.Ingress, "egress": sg.Egress} {
			if len(rules) > 60 {
				bad("security group %s: %d %s rules, past the 60 AWS allows", sg.ID, len(rules), dir)
			}
			for _, r := range rules {
				peers := 0
				if r.PeerGroup != "" {
					peers++
					if vpc, ok := groups[r.PeerGroup]; !ok {
						bad("security group %s: %s rule references %q, which does not exist", sg.ID, dir, r.PeerGroup)
					} else if vpc != sg.VPC && (dir != "ingress" || !d.SharesTransitGateway(vpc, sg.VPC)) {
						bad("security group %s: %s rule references %s in another vpc without transit gateway referencing", sg.ID, dir, r.PeerGroup)
					}
				}
				if r.PeerCIDR.IsValid() {
					peers++
				}
				if r.PeerPrefixList != "" {
					peers++
				}
				if peers != 1 {
					bad("security group %s: a %s rule has %d peers; want 1", sg.ID, dir, peers)
				}
				if r.Description == "" || !sgDescriptionRE.MatchString(r.Description) {
					bad("security group %s: %s rule description %q is empty or has characters AWS rejects", sg.ID, dir, r.Description)
				}
				if r.FromPort > r.ToPort || r.FromPort < 0 || r.ToPort > 65535 {
					bad("security group %s: %s rule ports %d-%d are invalid", sg.ID, dir, r.FromPort, r.ToPort)
				}
			}
		}
	}
	for _, s := range d.Services {
		for _, p := range s.Placements {
			if len(p.SecurityGroups) > 5 {
				bad("service %s: %d security groups per task in %s, past the 5 AWS allows per ENI", s.Name, len(p.SecurityGroups), p.VPC)
			}
			for _, g := range p.SecurityGroups {
				if groups[g] != p.VPC {
					bad("service %s: security group %q is not in vpc %s", s.Name, g, p.VPC)
				}
			}
		}
	}
	covered := map[string]int{}
	for _, n := range d.NetworkACLs {
		numbers := map[string]bool{}
		for dir, rules := range map[string][]NACLRule{"in": n.Inbound, "out": n.Outbound} {
			for _, r := range rules {
				key := fmt.Sprintf("%s/%d", dir, r.Number)
				if r.Number < 1 || r.Number > 32766 || numbers[key] {
					bad("network acl %s: rule number %d (%sbound) is outside 1-32766 or repeated", n.ID, r.Number, dir)
				}
				numbers[key] = true
			}
		}
		for _, s := range n.Subnets {
			covered[s]++
			if subnetVPC[s] != n.VPC {
				bad("network acl %s: subnet %q is not in vpc %s", n.ID, s, n.VPC)
			}
		}
	}
	if len(d.NetworkACLs) > 0 {
		for s := range subnetVPC {
			if covered[s] != 1 {
				bad("subnet %s is in %d network acls; want exactly 1", s, covered[s])
			}
		}
	}
	return errs
}

func blockList(ps []netip.Prefix) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	return strings.Join(s, ", ")
}

// validateImported checks what the analyzer relies on in a network read
// from AWS: unique IDs, subnets inside their VPC's blocks, and every
// reference from subnets, interfaces, groups, NACLs and load balancers
// resolving. Whatever else real accounts hold is theirs to hold.
func (d *Design) validateImported() []error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	ids := map[string]bool{}
	claim := func(id, what string) {
		if id == "" {
			bad("%s has no id", what)
		} else if ids[id] {
			bad("id %q is used twice (%s)", id, what)
		}
		ids[id] = true
	}
	subnetVPC := map[string]string{}
	for _, v := range d.VPCs {
		claim(v.ID, "vpc")
		rts := map[string]bool{}
		for _, rt := range v.RouteTables {
			claim(rt.ID, "route table")
			rts[rt.ID] = true
		}
		for _, s := range v.Subnets {
			claim(s.ID, "subnet")
			subnetVPC[s.ID] = v.ID
			if _, ok := v.BlockHolding(s.CIDR); !ok {
				bad("subnet %s: %s is outside vpc %s (%s)", s.ID, s.CIDR, v.ID, blockList(v.Blocks()))
			}
			if !rts[s.RouteTable] {
				bad("subnet %s: route table %q does not exist in vpc %s", s.ID, s.RouteTable, v.ID)
			}
		}
	}
	groups := map[string]bool{}
	for _, g := range d.SecurityGroups {
		claim(g.ID, "security group")
		groups[g.ID] = true
		if d.VPC(g.VPC) == nil {
			bad("security group %s: vpc %q does not exist", g.ID, g.VPC)
		}
	}
	for _, n := range d.NetworkACLs {
		claim(n.ID, "network acl")
		for _, s := range n.Subnets {
			if subnetVPC[s] != n.VPC {
				bad("network acl %s: subnet %q is not in vpc %s", n.ID, s, n.VPC)
			}
		}
	}
	for _, n := range d.Interfaces {
		claim(n.ID, "network interface")
		if subnetVPC[n.Subnet] != n.VPC {
			bad("network interface %s: subnet %q is not in vpc %s", n.ID, n.Subnet, n.VPC)
		}
		for _, g := range n.SecurityGroups {
			if !groups[g] {
				bad("network interface %s: security group %q does not exist", n.ID, g)
			}
		}
	}
	for _, lb := range d.LoadBalancers {
		for _, s := range lb.Subnets {
			if subnetVPC[s] != lb.VPC {
				bad("load balancer %s: subnet %q is not in vpc %s", lb.ID, s, lb.VPC)
			}
		}
	}
	for _, s := range d.Services {
		for _, p := range s.Placements {
			for _, sn := range p.Subnets {
				if subnetVPC[sn] != p.VPC {
					bad("service %s: subnet %q is not in vpc %s", s.Name, sn, p.VPC)
				}
			}
		}
	}
	slices.SortFunc(errs, func(a, b error) int { return cmp.Compare(a.Error(), b.Error()) })
	return errs
}

// validateOwners checks every kind of VPC Lattice object has one owner
// that can make it: the stack, or on EKS the AWS Gateway API Controller
// for what it makes from routes. A controller's service forwards to the
// controller's target groups and takes its auth policy from a route, so
// the three go together; the service network, its VPC associations and
// its auth policy are never the controller's (it finds the network by
// name and makes none of them here).
func (l *Lattice) validateOwners(compute string) []error {
	var errs []error
	o := l.Owners
	for _, k := range []struct{ what, owner string }{{"service network", o.ServiceNetwork}, {"VPC associations", o.VPCAssociations}, {"network auth policy", o.NetworkAuthPolicy}} {
		if !StackMakes(k.owner) {
			errs = append(errs, fmt.Errorf("vpc lattice %s: owner %q; only the stack makes it", k.what, k.owner))
		}
	}
	for _, k := range []struct{ what, owner string }{{"target groups", o.TargetGroups}, {"service auth policies", o.ServiceAuthPolicies}} {
		if StackMakes(k.owner) != StackMakes(o.Services) {
			errs = append(errs, fmt.Errorf("vpc lattice %s: owner %q, but the services' is %q; a service forwards to and is guarded by objects of its own owner", k.what, k.owner, o.Services))
		}
	}
	switch {
	case o.Services == OwnerGatewayAPIController && compute != ComputeEKS:
		errs = append(errs, fmt.Errorf("vpc lattice services: owner %s needs compute eks", o.Services))
	case !StackMakes(o.Services) && o.Services != OwnerGatewayAPIController:
		errs = append(errs, fmt.Errorf("vpc lattice services: unknown owner %q", o.Services))
	}
	for _, tg := range l.TargetGroups {
		if (tg.Name == "") == StackMakes(o.TargetGroups) {
			errs = append(errs, fmt.Errorf("vpc lattice target group %s: name %q; the stack names its groups, the controller its own", tg.ID, tg.Name))
		}
	}
	return errs
}

// validateLoadBalancerOwners checks every load balancer and target group
// has one owner that can make it: the stack, or for an EKS design's ALB
// the AWS Load Balancer Controller. A load balancer and the groups it
// forwards to have one owner (the controller makes the groups of the
// Services an Ingress names, and nothing registers pods in a group of
// the stack's behind its ALB); the controller's ALB carries the stack's
// security groups (else the controller would make its own), its groups
// forward to pods of the cluster's workloads, and it names them itself.
func (d *Design) validateLoadBalancerOwners() []error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	known := func(o string) bool { return StackMakes(o) || o == OwnerLoadBalancerController }
	ownerOf := map[string]string{} // target group -> owner of the load balancers forwarding to it
	for i := range d.LoadBalancers {
		lb := &d.LoadBalancers[i]
		if !known(lb.Owner) {
			bad("load balancer %s: unknown owner %q", lb.ID, lb.Owner)
			continue
		}
		if !lb.StackOwns() {
			switch {
			case lb.Type != ALB:
				bad("load balancer %s: owner %s makes only ALBs, not %s", lb.ID, lb.Owner, lb.Type)
			case d.Compute != ComputeEKS:
				bad("load balancer %s: owner %s needs compute eks", lb.ID, lb.Owner)
			case len(lb.SecurityGroups) == 0:
				bad("load balancer %s: owner %s is given no security group, so it would make its own", lb.ID, lb.Owner)
			}
		}
		for _, tg := range lb.TargetGroupsOf() {
			if o, ok := ownerOf[tg]; ok && StackMakes(o) != lb.StackOwns() {
				bad("target group %s: load balancers of two owners forward to it", tg)
			}
			ownerOf[tg] = cmp.Or(lb.Owner, OwnerStack)
		}
	}
	for i := range d.TargetGroups {
		tg := &d.TargetGroups[i]
		if !known(tg.Owner) {
			bad("target group %s: unknown owner %q", tg.ID, tg.Owner)
			continue
		}
		if lbOwner, ok := ownerOf[tg.ID]; ok && StackMakes(lbOwner) != tg.StackOwns() {
			bad("target group %s: owner %q, but the load balancer forwarding to it is %q's; a load balancer forwards to groups of its own owner", tg.ID, tg.Owner, lbOwner)
		}
		if tg.StackOwns() {
			continue
		}
		if tg.Name != "" {
			bad("target group %s: name %q; the controller names its own groups", tg.ID, tg.Name)
		}
		if d.Kubernetes.Workload(tg.Service) == nil {
			bad("target group %s: owner %s, but %s runs no pods", tg.ID, tg.Owner, tg.Service)
		}
	}
	return errs
}
