package plan

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/netwright/netwright/internal/awsfacts"
	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/diag"
	"github.com/netwright/netwright/internal/ipam"
	"github.com/netwright/netwright/internal/spec"
)

// defaultPool is where VPCs get their /16s when the spec names no CIDR.
var defaultPool = netip.MustParsePrefix("10.0.0.0/8")

// startupEndpoints are the endpoints tasks in private subnets need to start
// without NAT: image pulls (ECR API, ECR Docker, S3 for layers), logs, and
// for EC2 and EKS the agents' control planes.
var startupEndpoints = map[string][]string{
	spec.ComputeFargate: {"ecr.api", "ecr.dkr", "logs", "s3"},
	spec.ComputeECSEC2:  {"ecr.api", "ecr.dkr", "ecs", "ecs-agent", "ecs-telemetry", "logs", "s3"},
	spec.ComputeEKS:     {"ec2", "ecr.api", "ecr.dkr", "eks", "logs", "s3", "sts"},
}

// vpcPlan is a VPC while it is laid out.
type vpcPlan struct {
	vpc     design.VPC
	subnets []subnetPlan
	// services placed here, by tier, in name order.
	app, data, inspection                   []*spec.Service
	hasPublic, hasEndpointsTier, hasTransit bool
	// hostsPublicLBs says the VPC holds the internet-facing load
	// balancers: the one with the public services' tasks, since ECS
	// registers IP targets only in a target group of the tasks' own VPC.
	// ingressEndpoints says its internet traffic is inspected there, through
	// GWLB endpoints of its own in front of the hub's appliances.
	hostsPublicLBs, ingressEndpoints bool
	// hostsResolver says the VPC holds the Route 53 Resolver endpoints of
	// hybrid DNS.
	hostsResolver bool
	// natAZs are the AZ indexes with a NAT gateway.
	natAZs []int
	// interfaceEndpoints and gatewayEndpoints hosted in this VPC.
	interfaceEndpoints, gatewayEndpoints []string
}

// tierRank orders tiers from the internet inwards.
var tierRank = map[string]int{
	design.TierPublic:     0,
	design.TierTransit:    1,
	design.TierFirewall:   2,
	design.TierInspection: 3,
	design.TierEndpoints:  4,
	design.TierApp:        5,
	design.TierData:       6,
}

// subnetPlan is a subnet before it has an address.
type subnetPlan struct {
	tier, group string
	az          int
	demand      []design.Demand
	// peakIPs is the sum of demand; headroomIPs the growth allowance.
	peakIPs, headroomIPs int
	// maxBits is the longest prefix the contents allow (27 for an ALB).
	maxBits int
	// services placed in this subnet.
	services []*spec.Service
}

func (p *planner) decideNAT() {
	nw := &p.spec.Network
	var missing []string
	for _, e := range startupEndpoints[nw.Compute] {
		if !slices.Contains(nw.Endpoints, e) {
			missing = append(missing, e)
		}
	}
	p.missingStartup = missing
	var egress []string
	for _, svc := range p.spec.Services {
		if len(svc.Egress) > 0 {
			egress = append(egress, svc.Name)
		}
	}
	switch {
	case nw.NAT == spec.NATNone && len(missing) > 0:
		p.errorAt(p.spec.At("network.nat"), fmt.Sprintf("network.nat is none, but tasks in private subnets need the %s endpoints to start", strings.Join(missing, ", ")),
			fmt.Sprintf("Without NAT, %s tasks reach ECR, S3 and CloudWatch Logs only through VPC endpoints: add %s to network.endpoints, or set network.nat to single.", nw.Compute, strings.Join(missing, ", ")))
	case nw.NAT == spec.NATNone:
		p.note("nat", "No NAT gateways (nat: none): no service declares egress, and VPC endpoints cover image pulls, logs and credentials.")
	case len(egress) > 0:
		p.natNeeded = true
		p.note("nat", "NAT gateways (%s) carry internet egress for %s; nothing else may use them.", nw.NAT, strings.Join(egress, ", "))
	case len(missing) > 0:
		p.natNeeded = true
		p.note("nat", "NAT gateways (%s) are needed because network.endpoints lacks %s, which %s tasks need to start; add them to run without NAT and its data-processing charge.", nw.NAT, strings.Join(missing, ", "), nw.Compute)
	default:
		p.note("nat", "No NAT gateways: no service declares egress and VPC endpoints cover image pulls, logs and credentials, so private subnets have no default route. Declaring egress adds NAT (%s).", nw.NAT)
	}
}

// layoutVPCs decides the VPCs, their subnets and sizes, and gives every VPC
// and subnet its CIDR.
func (p *planner) layoutVPCs() {
	s := p.spec
	switch s.Network.Pattern {
	case spec.PatternHubSpoke:
		hub := p.newVPC(s.App+"-hub", s.Regions[0], design.RoleHub)
		app := p.newVPC(s.App, s.Regions[0], design.RoleApp)
		spokes := map[string]*vpcPlan{}
		for _, name := range s.Network.Spokes {
			spokes[name] = p.newVPC(s.App+"-"+name, s.Regions[0], design.RoleSpoke)
		}
		for i := range s.Services {
			svc := &s.Services[i]
			switch {
			case svc.Kind == spec.KindAppliance:
				hub.inspection = append(hub.inspection, svc)
			case svc.Spoke != "":
				spokes[svc.Spoke].place(svc)
			default:
				app.place(svc)
			}
		}
		hub.hasPublic = true
		hub.hasEndpointsTier = true
		for _, v := range p.vpcs {
			v.hasTransit = true
		}
		entry := p.hubSpokeEntry(app)
		if entry != nil {
			entry.hasPublic, entry.hostsPublicLBs = true, true
			entry.ingressEndpoints = s.Inspection != nil && slices.Contains(s.Inspection.Flows, "ingress")
			p.note("hub_spoke", "The hub VPC %s holds the shared NAT, interface endpoints and inspection appliances; %s holds the public load balancers beside their services' tasks, since ECS registers IP targets only in a target group of the tasks' own VPC. Spokes reach the hub and each other through the Transit Gateway.", hub.vpc.Name, entry.vpc.Name)
		} else {
			p.note("hub_spoke", "The hub VPC %s holds the shared NAT, interface endpoints and inspection appliances; spokes have private subnets only and reach the hub and each other through the Transit Gateway.", hub.vpc.Name)
		}
	case spec.PatternMultiRegion:
		for _, r := range s.Regions {
			v := p.newVPC(s.App+"-"+r, r, design.RoleApp)
			for i := range s.Services {
				v.place(&s.Services[i])
			}
			v.hasPublic, v.hostsPublicLBs = true, true
			v.hasTransit = true
		}
		p.note("multi_region", "Each Region has its own three-tier VPC running every service; the VPCs' CIDRs never overlap, and Transit Gateway peering joins the Regions.")
	default:
		v := p.newVPC(s.App, s.Regions[0], design.RoleApp)
		for i := range s.Services {
			v.place(&s.Services[i])
		}
		v.hasPublic, v.hostsPublicLBs = true, true
		v.hasEndpointsTier = s.Network.Pattern == spec.PatternMicroservices
	}

	p.hybridLayout()
	for _, v := range p.vpcs {
		p.chooseEndpoints(v)
		p.planSubnets(v)
	}
	if p.diags.HasErrors() {
		return
	}
	p.assignCIDRs()
}

// needsGWLBEndpoints says whether a VPC has a firewall tier of GWLB
// endpoints: the spoke whose internet traffic is inspected, and the VPC
// of the appliances, except a hub whose only inspected flows are ingress
// (inspected in the spoke that holds the public load balancers).
func (p *planner) needsGWLBEndpoints(v *vpcPlan) bool {
	if v.ingressEndpoints {
		return true
	}
	if len(v.inspection) == 0 {
		return false
	}
	in := p.spec.Inspection
	return v.vpc.Role != design.RoleHub || slices.Contains(in.Flows, "egress") || slices.Contains(in.Flows, "east_west")
}

// hubSpokeEntry is the VPC that holds the public load balancers: the app's
// own, where the public services run (the spec keeps public services out
// of the other spokes), since ECS registers tasks only in a target group
// of their own VPC. nil when nothing is public.
func (p *planner) hubSpokeEntry(app *vpcPlan) *vpcPlan {
	for _, svc := range p.spec.Services {
		if svc.Public {
			return app
		}
	}
	return nil
}

func (p *planner) newVPC(name, region string, role string) *vpcPlan {
	reg, _ := awsfacts.LookupRegion(region)
	v := &vpcPlan{vpc: design.VPC{
		ID:           "vpc-" + name,
		Name:         name,
		Region:       region,
		Role:         role,
		AZs:          reg.AZNames(p.spec.Network.AZs),
		DNSSupport:   true,
		DNSHostnames: true,
	}}
	p.vpcs = append(p.vpcs, v)
	return v
}

// place puts a service in the tier its kind belongs to, and marks the
// public load balancers it needs.
func (v *vpcPlan) place(svc *spec.Service) {
	switch {
	case svc.IsDataStore():
		v.data = append(v.data, svc)
	case svc.Kind == spec.KindAppliance:
		v.inspection = append(v.inspection, svc)
	default:
		v.app = append(v.app, svc)
	}
}

// chooseEndpoints decides which endpoints live in the VPC. Gateway
// endpoints cannot be shared across VPCs, so every VPC gets its own; in
// hub_spoke the interface endpoints are centralised in the hub.
func (p *planner) chooseEndpoints(v *vpcPlan) {
	for _, e := range p.spec.Network.Endpoints {
		kind, _ := awsfacts.LookupEndpoint(e)
		switch {
		case kind == awsfacts.GatewayEndpoint:
			// A hub needs its own for the tasks it holds: inspection
			// appliances pull their image layers from S3 too.
			if v.vpc.Role != design.RoleHub || len(v.app)+len(v.data)+len(v.inspection) > 0 {
				v.gatewayEndpoints = append(v.gatewayEndpoints, e)
			}
		case p.spec.Network.Pattern == spec.PatternHubSpoke && v.vpc.Role != design.RoleHub:
			// Served from the hub.
		default:
			v.interfaceEndpoints = append(v.interfaceEndpoints, e)
		}
	}
}

// publicLoadBalancers says which internet-facing load balancers a design
// has: an ALB for public HTTP-like services, an NLB for the others and for
// static IPs.
func (p *planner) publicLoadBalancers() (alb, nlb bool) {
	for _, svc := range p.spec.Services {
		if !svc.Public {
			continue
		}
		if spec.IsHTTPLike(svc.Protocol) && !svc.StaticIP {
			alb = true
		} else {
			nlb = true
		}
	}
	return alb, nlb
}

// planSubnets decides every subnet of the VPC with its demand and size.
func (p *planner) planSubnets(v *vpcPlan) {
	azs := len(v.vpc.AZs)
	nw := &p.spec.Network
	alb, nlb := p.publicLoadBalancers()
	hostsLBs := v.hostsPublicLBs
	if p.natNeeded && v.hasPublic && (p.spec.Network.Pattern != spec.PatternHubSpoke || v.vpc.Role == design.RoleHub) {
		switch nw.NAT {
		case spec.NATPerAZ:
			for az := range azs {
				v.natAZs = append(v.natAZs, az)
			}
		case spec.NATSingle:
			v.natAZs = []int{0}
		}
	}

	var appGroups, dataGroups []serviceGroup
	if nw.Pattern == spec.PatternMicroservices {
		appGroups, dataGroups = p.microserviceGroups(v)
	}
	for az := range azs {
		if v.hasPublic {
			sp := subnetPlan{tier: design.TierPublic, az: az, maxBits: awsfacts.MaxSubnetPrefix}
			if hostsLBs && alb {
				sp.demand = append(sp.demand, design.Demand{What: "internet-facing ALB: free addresses it needs to scale", IPs: awsfacts.LoadBalancerFreeIPs})
				sp.maxBits = awsfacts.ALBMinSubnetPrefix
			}
			if hostsLBs && nlb {
				sp.demand = append(sp.demand, design.Demand{What: "internet-facing NLB: one address per AZ", IPs: 1})
			}
			if slices.Contains(v.natAZs, az) {
				sp.demand = append(sp.demand, design.Demand{What: "NAT gateway", IPs: 1})
			}
			v.subnets = append(v.subnets, sp)
		}
		if v.hasTransit {
			v.subnets = append(v.subnets, subnetPlan{tier: design.TierTransit, az: az, maxBits: awsfacts.MaxSubnetPrefix,
				demand: []design.Demand{{What: "Transit Gateway attachment ENI", IPs: 1}}})
		}
		var endpointDemand []design.Demand
		// Internal load balancers live with the interface endpoints: the
		// endpoints tier where there is one, else the app tier.
		ialb, inlb := internalLoadBalancers(v.app)
		// Not those a first pass found no caller uses (plan.go's Build).
		ialb = ialb && !p.unsized[internalLBID("alb", v.vpc.Name)]
		inlb = inlb && !p.unsized[internalLBID("nlb", v.vpc.Name)]
		if ialb || inlb {
			if ialb {
				endpointDemand = append(endpointDemand, design.Demand{What: "internal ALB: free addresses it needs to scale", IPs: awsfacts.LoadBalancerFreeIPs})
			}
			if inlb {
				endpointDemand = append(endpointDemand, design.Demand{What: "internal NLB: one address per AZ", IPs: 1})
			}
		}
		if v.hostsResolver && az < awsfacts.ResolverEndpointMinIPs {
			n := 0
			if p.resolverInbound() {
				n++
			}
			if p.resolverOutbound() {
				n++
			}
			endpointDemand = append(endpointDemand, design.Demand{What: "Route 53 Resolver endpoints: one ENI each", IPs: n})
		}
		if len(v.interfaceEndpoints) > 0 {
			endpointDemand = append(endpointDemand, design.Demand{
				What: fmt.Sprintf("interface endpoints: %s, one ENI each", strings.Join(v.interfaceEndpoints, ", ")),
				IPs:  len(v.interfaceEndpoints),
			})
		}
		if v.hasEndpointsTier {
			v.subnets = append(v.subnets, subnetPlan{tier: design.TierEndpoints, az: az, maxBits: awsfacts.MaxSubnetPrefix, demand: endpointDemand})
			endpointDemand = nil
		}
		if p.needsGWLBEndpoints(v) {
			v.subnets = append(v.subnets, subnetPlan{tier: design.TierFirewall, az: az, maxBits: awsfacts.MaxSubnetPrefix,
				demand: []design.Demand{{What: "Gateway Load Balancer endpoint ENI", IPs: 1}}})
		}
		if len(v.inspection) > 0 {
			sp := subnetPlan{tier: design.TierInspection, az: az, maxBits: awsfacts.MaxSubnetPrefix, services: v.inspection}
			sp.demand = append(sp.demand, design.Demand{What: "Gateway Load Balancer: free addresses it needs", IPs: awsfacts.LoadBalancerFreeIPs})
			for _, svc := range v.inspection {
				sp.demand = append(sp.demand, serviceDemand(svc, azs, nw.Compute))
			}
			v.subnets = append(v.subnets, sp)
		}
		if nw.Pattern == spec.PatternMicroservices {
			for _, g := range appGroups {
				v.subnets = append(v.subnets, p.workloadSubnet(design.TierApp, g.name, az, g.services, nil))
			}
			for _, g := range dataGroups {
				v.subnets = append(v.subnets, p.workloadSubnet(design.TierData, g.name, az, g.services, nil))
			}
			continue
		}
		if v.vpc.Role == design.RoleHub {
			continue
		}
		v.subnets = append(v.subnets, p.workloadSubnet(design.TierApp, "", az, v.app, endpointDemand))
		v.subnets = append(v.subnets, p.workloadSubnet(design.TierData, "", az, v.data, nil))
	}
	// A subnet that holds an ALB must be a /27 or larger.
	for i := range v.subnets {
		for _, dm := range v.subnets[i].demand {
			if strings.HasPrefix(dm.What, "internal ALB") {
				v.subnets[i].maxBits = min(v.subnets[i].maxBits, awsfacts.ALBMinSubnetPrefix)
			}
		}
	}
	// Tier by tier, then group, then AZ: the order people read a layout in.
	slices.SortStableFunc(v.subnets, func(a, b subnetPlan) int {
		return cmp.Or(cmp.Compare(tierRank[a.tier], tierRank[b.tier]), strings.Compare(a.group, b.group), cmp.Compare(a.az, b.az))
	})
	for i := range v.subnets {
		sp := &v.subnets[i]
		peak, extra := headroom(sp.demand)
		sp.peakIPs, sp.headroomIPs = peak, extra
		if peak+extra > ipam.Size(awsfacts.MinSubnetPrefix)-awsfacts.ReservedIPsPerSubnet {
			// A subnet is a /16 at most, whatever the VPC's blocks.
			fix := "Lower max_replicas, use network.pattern microservices to spread services over subnets, or split the application into several specs."
			if nw.Pattern == spec.PatternMicroservices {
				fix = "Lower max_replicas, or split the application into several specs."
				if len(sp.services) > 1 {
					fix = "These services share a subnet so the VPC stays within its subnet quota: request a higher \"Subnets per VPC\" quota to give each its own, lower max_replicas, or split the application into several specs."
				}
			}
			p.errorAt(p.spec.At("network.cidr", "services"), fmt.Sprintf("the %s subnet in %s needs %d addresses, more than a /16 subnet holds", subnetLabel(sp), v.vpc.AZs[sp.az], peak+extra), fix)
		}
	}
}

// workloadSubnet is an app or data subnet in one AZ holding services.
func (p *planner) workloadSubnet(tier, group string, az int, services []*spec.Service, extra []design.Demand) subnetPlan {
	azs := p.spec.Network.AZs
	sp := subnetPlan{tier: tier, group: group, az: az, maxBits: awsfacts.MaxSubnetPrefix, services: services}
	tasks := 0
	for _, svc := range services {
		dm := serviceDemand(svc, azs, p.spec.Network.Compute)
		sp.demand = append(sp.demand, dm)
		if !svc.IsDataStore() {
			tasks += dm.IPs
		}
	}
	if over, ok := computeOverhead(p.spec.Network.Compute, p.spec.Network.PrefixDelegation, p.spec.Network.PodSecurityGroups, tasks); ok {
		sp.demand = append(sp.demand, over)
	}
	sp.demand = append(sp.demand, extra...)
	return sp
}

func subnetLabel(sp *subnetPlan) string {
	if sp.group != "" {
		return sp.tier + "-" + sp.group
	}
	return sp.tier
}

// serviceGroup is the services that share a subnet in the microservices
// pattern.
type serviceGroup struct {
	name     string
	services []*spec.Service
}

// microserviceGroups gives each service its own subnet group: the
// microservices pattern's service-per-subnet, so NACLs and routes can
// differ per service. When that would pass the subnets-per-VPC quota, it
// groups services with the same exposure (public or not, and the same
// callers), which would get the same NACL anyway, and says so.
func (p *planner) microserviceGroups(v *vpcPlan) (app, data []serviceGroup) {
	single := func(svcs []*spec.Service) []serviceGroup {
		gs := make([]serviceGroup, len(svcs))
		for i, svc := range svcs {
			gs[i] = serviceGroup{name: svc.Name, services: []*spec.Service{svc}}
		}
		return gs
	}
	app, data = single(v.app), single(v.data)
	fixed := 2 // public and endpoints
	if len(v.inspection) > 0 {
		fixed += 2 // inspection and firewall
	}
	azs := p.spec.Network.AZs
	if (fixed+len(app)+len(data))*azs <= awsfacts.SubnetsPerVPC {
		return app, data
	}
	callers := map[string][]string{}
	for _, svc := range p.spec.Services {
		for _, dep := range svc.DependsOn {
			callers[dep.Service] = append(callers[dep.Service], svc.Name)
		}
	}
	byExposure := func(svcs []*spec.Service) []serviceGroup {
		var gs []serviceGroup
		index := map[string]int{}
		for _, svc := range svcs {
			cs := slices.Clone(callers[svc.Name])
			slices.Sort(cs)
			key := fmt.Sprintf("%t|%s", svc.Public, strings.Join(slices.Compact(cs), ","))
			i, ok := index[key]
			if !ok {
				i = len(gs)
				index[key] = i
				gs = append(gs, serviceGroup{name: "group-" + svc.Name})
			}
			gs[i].services = append(gs[i].services, svc)
		}
		return gs
	}
	app, data = byExposure(v.app), byExposure(v.data)
	total := (fixed + len(app) + len(data)) * azs
	if total > awsfacts.SubnetsPerVPC {
		p.errorAt(nil, fmt.Sprintf("the microservices pattern needs %d subnets in %s, past the quota of %d per VPC, even with services grouped by exposure", total, v.vpc.Name, awsfacts.SubnetsPerVPC),
			"Use network.pattern three_tier, fewer AZs, or split the application into several specs.")
		return app, data
	}
	p.warnAt(nil, fmt.Sprintf("%d services need more subnets than the %d a VPC may have; services with the same callers share a subnet", len(v.app)+len(v.data), awsfacts.SubnetsPerVPC),
		"Each group's subnet is named after its first service. Request a higher \"Subnets per VPC\" quota to give every service its own.")
	return app, data
}

// assignCIDRs gives each VPC its blocks and packs its subnets into them:
// the first VPC network.cidr when given, the others the next free /16 of
// 10.0.0.0/8, and secondary blocks where the subnets need more than one
// /16 holds.
func (p *planner) assignCIDRs() {
	nw := &p.spec.Network
	var taken []netip.Prefix
	// The sites' blocks are taken: a VPC that overlapped one could not
	// reach it (its local route wins).
	for _, st := range p.spec.Sites {
		taken = append(taken, st.CIDRs...)
	}
	// pool returns the first free /16 of 10.0.0.0/8 AWS accepts beside
	// primary (any, when primary is not yet chosen).
	pool := func(primary netip.Prefix) (netip.Prefix, bool) {
		for n := 0; ; n++ {
			c, ok := ipam.Nth(defaultPool, 16, n)
			if !ok {
				return c, false
			}
			if !slices.ContainsFunc(taken, c.Overlaps) && (!primary.IsValid() || awsfacts.SecondaryCIDRAllowed(primary, c)) {
				taken = append(taken, c)
				return c, true
			}
		}
	}
	for i, v := range p.vpcs {
		reqs := make([]ipam.Request, len(v.subnets))
		for j := range v.subnets {
			sp := &v.subnets[j]
			reqs[j] = ipam.Request{Bits: sizeSubnet(sp.peakIPs+sp.headroomIPs, sp.maxBits), Key: subnetLabel(sp)}
		}
		need := ipam.SmallestParent(reqs)
		given := i == 0 && nw.CIDR.IsValid()
		if given {
			v.vpc.CIDR = nw.CIDR
			if need < nw.CIDR.Bits() && nw.CIDR.Bits() > awsfacts.MinSubnetPrefix {
				// A larger network.cidr holds them; past a /16, a /16
				// with secondary blocks beside it does.
				want := max(need, awsfacts.MinSubnetPrefix)
				such := netip.PrefixFrom(nw.CIDR.Addr(), want).Masked()
				summary := fmt.Sprintf("network.cidr %s is too small for the %s VPC, which needs a /%d", nw.CIDR, v.vpc.Name, need)
				detail := fmt.Sprintf("The subnets need %d addresses with headroom; use a /%d or larger, such as %s.", sumSizes(reqs), need, such)
				if need < awsfacts.MinSubnetPrefix {
					summary = fmt.Sprintf("network.cidr %s is too small for the %s VPC, whose subnets need more than a /16", nw.CIDR, v.vpc.Name)
					detail = fmt.Sprintf("The subnets need %d addresses with headroom, more than a /16, the largest VPC block, holds; use a /16, such as %s, and netwright adds secondary blocks beside it.", sumSizes(reqs), such)
				}
				p.errorAt(p.spec.At("network.cidr", "services"), summary, detail)
				p.suggest(diag.Suggestion{Kind: diag.SuggestPrefixLength, For: "network.cidr", Value: strconv.Itoa(want)},
					diag.Suggestion{Kind: diag.SuggestCIDR, For: "network.cidr", Value: such.String()})
				continue
			}
			taken = append(taken, v.vpc.CIDR)
		} else {
			c, ok := pool(netip.Prefix{})
			if !ok {
				p.errorAt(nil, "10.0.0.0/8 has no free /16 left for "+v.vpc.Name, "Give network.cidr explicitly.")
				return
			}
			v.vpc.CIDR = c
		}
		var blocks []netip.Prefix
		if need >= v.vpc.CIDR.Bits() {
			var err error
			blocks, err = allocateByTier(v.vpc.CIDR, v.subnets, reqs)
			if err != nil {
				p.errorAt(p.spec.At("network.cidr", "services"), fmt.Sprintf("the subnets of %s do not fit in %s", v.vpc.Name, v.vpc.CIDR), err.Error())
				continue
			}
		} else {
			source := func() (netip.Prefix, bool) { return pool(v.vpc.CIDR) }
			if given {
				source = blocksBeside(v.vpc.CIDR, &taken)
			}
			var ok bool
			if blocks, ok = p.allocateAcrossBlocks(v, reqs, source); !ok {
				continue
			}
			if given {
				p.warnAt(p.spec.At("network.cidr"), fmt.Sprintf("network.cidr %s is too small for the %s VPC; it also gets %s", nw.CIDR, v.vpc.Name, prefixList(v.vpc.SecondaryCIDRs)),
					"A VPC block is a /16 at most, so netwright adds secondary blocks beside network.cidr. Make sure those ranges are free in your network (on premises, peered VPCs), or lower max_replicas.")
			}
		}
		for j := range v.subnets {
			sp := &v.subnets[j]
			name := fmt.Sprintf("%s-%s-%s", v.vpc.Name, subnetLabel(sp), azSuffix(v.vpc.AZs[sp.az]))
			v.vpc.Subnets = append(v.vpc.Subnets, design.Subnet{
				ID:          "subnet-" + name,
				Name:        name,
				AZ:          v.vpc.AZs[sp.az],
				AZIndex:     sp.az,
				Tier:        sp.tier,
				Group:       sp.group,
				CIDR:        blocks[j],
				Capacity:    ipam.Size(blocks[j].Bits()) - awsfacts.ReservedIPsPerSubnet,
				Demand:      sp.demand,
				PeakIPs:     sp.peakIPs,
				HeadroomIPs: sp.headroomIPs,
			})
		}
	}
	if nw.CIDR.IsValid() && len(p.vpcs) > 1 {
		p.note("cidr", "The first VPC uses network.cidr %s; the others get /16s from 10.0.0.0/8 that do not overlap it.", nw.CIDR)
	}
	p.note("sizing", "Subnets are sized from demand: tasks at max_replicas with the 200%% deploy surge, spread over %d AZs, plus load balancer, NAT, endpoint and attachment addresses, %d%% headroom and AWS's 5 reserved addresses.", nw.AZs, headroomPercent)
}

// allocateByTier gives each tier (and microservice group) one contiguous
// aligned block and packs its subnets inside, so a tier reads as one range
// (app is 10.0.0.0/22, say) and route or NACL rules can name it whole. When
// that does not fit, it falls back to packing every subnet tightly.
func allocateByTier(parent netip.Prefix, subnets []subnetPlan, reqs []ipam.Request) ([]netip.Prefix, error) {
	var keys []string
	members := map[string][]int{}
	for i := range subnets {
		k := subnetLabel(&subnets[i])
		if _, ok := members[k]; !ok {
			keys = append(keys, k)
		}
		members[k] = append(members[k], i)
	}
	tierReqs := make([]ipam.Request, len(keys))
	for i, k := range keys {
		var rs []ipam.Request
		for _, j := range members[k] {
			rs = append(rs, reqs[j])
		}
		tierReqs[i] = ipam.Request{Bits: ipam.SmallestParent(rs), Key: k}
	}
	tierBlocks, err := ipam.Allocate(parent, tierReqs)
	if err != nil {
		return ipam.Allocate(parent, reqs)
	}
	out := make([]netip.Prefix, len(reqs))
	for i, k := range keys {
		var rs []ipam.Request
		for _, j := range members[k] {
			rs = append(rs, reqs[j])
		}
		blocks, err := ipam.Allocate(tierBlocks[i], rs)
		if err != nil {
			return nil, err
		}
		for n, j := range members[k] {
			out[j] = blocks[n]
		}
	}
	return out, nil
}

func sumSizes(reqs []ipam.Request) int {
	n := 0
	for _, r := range reqs {
		n += ipam.Size(r.Bits)
	}
	return n
}

// azSuffix is the zone letter of an AZ name: "a" for us-east-1a.
func azSuffix(az string) string { return az[len(az)-1:] }
