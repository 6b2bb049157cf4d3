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

// routing gives every VPC its internet gateway, NAT gateways, endpoints,
// route tables and flow logs, and associates each subnet with a table.
func (p *planner) routing() {
	flows := p.crossVPCFlows()
	for _, v := range p.vpcs {
		vpc := &v.vpc
		name := vpc.Name
		if v.hasPublic {
			vpc.InternetGateway = "igw-" + name
		}
		natByAZ := map[int]string{}
		for _, az := range v.natAZs {
			id := fmt.Sprintf("nat-%s-%s", name, azSuffix(vpc.AZs[az]))
			natByAZ[az] = id
			vpc.NATGateways = append(vpc.NATGateways, design.NATGateway{ID: id, AZ: vpc.AZs[az], Subnet: p.subnetID(v, design.TierPublic, az)})
		}
		natFor := func(az int) string {
			if id, ok := natByAZ[az]; ok {
				return id
			}
			return natByAZ[v.natAZs[0]]
		}
		tgw := p.transitGatewayIn(vpc.Region)

		// Other VPCs this one exchanges traffic with: in multi_region every
		// Region's VPC; in hub_spoke the hub (endpoints, load balancers,
		// NAT) and the spokes a declared flow crosses to. Data subnets get
		// only the declared ones.
		var peers, dataPeers []netip.Prefix
		for _, other := range p.vpcs {
			if other == v {
				continue
			}
			key := [2]string{min(name, other.vpc.Name), max(name, other.vpc.Name)}
			_, declared := flows[key]
			if p.spec.Network.Pattern == spec.PatternMultiRegion || declared {
				dataPeers = append(dataPeers, vpcBlocks(&other.vpc)...)
			}
			if p.spec.Network.Pattern == spec.PatternMultiRegion || declared || v.vpc.Role == design.RoleHub || other.vpc.Role == design.RoleHub {
				peers = append(peers, vpcBlocks(&other.vpc)...)
			}
		}

		locals := localRoutes(vpc) // one per block, as AWS adds them
		toTGW := func(dsts []netip.Prefix) []design.Route {
			var rs []design.Route
			for _, d := range dsts {
				rs = append(rs, design.Route{Destination: d, TargetKind: design.TargetTransitGateway, Target: tgw})
			}
			return rs
		}
		rtFor := map[string]string{} // tier/az key -> route table ID
		addRT := func(suffix string, routes []design.Route) string {
			id := fmt.Sprintf("rtb-%s-%s", name, suffix)
			vpc.RouteTables = append(vpc.RouteTables, design.RouteTable{ID: id, Name: name + "-" + suffix, Routes: append(slices.Clone(locals), routes...)})
			return id
		}

		if v.hasPublic {
			routes := []design.Route{{Destination: anyIPv4, TargetKind: design.TargetInternetGateway, Target: vpc.InternetGateway}}
			if vpc.Role == design.RoleHub {
				routes = append(routes, toTGW(peers)...)
			}
			rtFor[design.TierPublic] = addRT("public", routes)
		}

		// Private tables: per AZ when each AZ has its own NAT, else one.
		privateRoutes := func(az int) []design.Route {
			var routes []design.Route
			switch {
			case len(v.natAZs) > 0:
				routes = append(routes, design.Route{Destination: anyIPv4, TargetKind: design.TargetNATGateway, Target: natFor(az)})
			case p.natNeeded && tgw != "" && p.spec.Network.Pattern == spec.PatternHubSpoke:
				routes = append(routes, design.Route{Destination: anyIPv4, TargetKind: design.TargetTransitGateway, Target: tgw})
			}
			// The sites whose declared flows reach this VPC, through the
			// Transit Gateway's VPN or Direct Connect attachment.
			return append(append(routes, toTGW(peers)...), toTGW(p.siteCIDRsFor(v))...)
		}
		perAZ := len(v.natAZs) > 1
		hasPrivate := slices.ContainsFunc(vpc.Subnets, func(s design.Subnet) bool {
			return s.Tier == design.TierApp || s.Tier == design.TierEndpoints || s.Tier == design.TierInspection
		})
		if hasPrivate {
			if perAZ {
				for az := range vpc.AZs {
					rtFor[fmt.Sprintf("private/%d", az)] = addRT("private-"+azSuffix(vpc.AZs[az]), privateRoutes(az))
				}
			} else {
				rtFor["private"] = addRT("private", privateRoutes(0))
			}
		}
		if slices.ContainsFunc(vpc.Subnets, func(s design.Subnet) bool { return s.Tier == design.TierData }) {
			// No internet route at all; other VPCs only where declared.
			rtFor[design.TierData] = addRT("data", toTGW(dataPeers))
		}
		if v.hasTransit {
			if vpc.Role == design.RoleHub && (len(v.natAZs) > 0 || len(v.inspection) > 0) {
				// Spoke egress arrives here from the Transit Gateway and
				// leaves through the NAT gateway in the same AZ; inspection
				// steers through the AZ's GWLB endpoint from here too.
				for az := range vpc.AZs {
					var routes []design.Route
					if len(v.natAZs) > 0 {
						routes = append(routes, design.Route{Destination: anyIPv4, TargetKind: design.TargetNATGateway, Target: natFor(az)})
					}
					rtFor[fmt.Sprintf("transit/%d", az)] = addRT("transit-"+azSuffix(vpc.AZs[az]), routes)
				}
			} else {
				rtFor[design.TierTransit] = addRT("transit", nil)
			}
		}

		if p.needsGWLBEndpoints(v) {
			// GWLB endpoints hand inspected traffic on: to the internet
			// gateway in a VPC of its own or a spoke that holds the public
			// load balancers, to NAT and the spokes in a hub.
			if vpc.Role == design.RoleHub {
				for az := range vpc.AZs {
					var routes []design.Route
					if len(v.natAZs) > 0 {
						routes = append(routes, design.Route{Destination: anyIPv4, TargetKind: design.TargetNATGateway, Target: natFor(az)})
					}
					rtFor[fmt.Sprintf("firewall/%d", az)] = addRT("firewall-"+azSuffix(vpc.AZs[az]), append(routes, toTGW(peers)...))
				}
			} else {
				rtFor[design.TierFirewall] = addRT("firewall",
					[]design.Route{{Destination: anyIPv4, TargetKind: design.TargetInternetGateway, Target: vpc.InternetGateway}})
			}
		}

		for i := range vpc.Subnets {
			s := &vpc.Subnets[i]
			switch s.Tier {
			case design.TierFirewall:
				if id, ok := rtFor[fmt.Sprintf("firewall/%d", s.AZIndex)]; ok {
					s.RouteTable = id
				} else {
					s.RouteTable = rtFor[design.TierFirewall]
				}
			case design.TierPublic, design.TierData:
				s.RouteTable = rtFor[s.Tier]
			case design.TierTransit:
				if id, ok := rtFor[fmt.Sprintf("transit/%d", s.AZIndex)]; ok {
					s.RouteTable = id
				} else {
					s.RouteTable = rtFor[design.TierTransit]
				}
			default:
				if perAZ {
					s.RouteTable = rtFor[fmt.Sprintf("private/%d", s.AZIndex)]
				} else {
					s.RouteTable = rtFor["private"]
				}
			}
		}
		p.endpoints(v)
		if p.spec.Network.FlowLogs {
			retention := 14
			if p.spec.Environment == "production" {
				retention = 90
			}
			vpc.FlowLogs = &design.FlowLogs{
				ID:                    "fl-" + name,
				TrafficType:           "ALL",
				LogGroup:              p.awsName(design.NameLogGroup, vpc.Region, fmt.Sprintf("/netwright/%s/vpc-flow-logs", name)),
				MaxAggregationSeconds: 60,
				RetentionDays:         retention,
			}
		}
		p.d.VPCs = append(p.d.VPCs, *vpc)
	}
	p.centralZones()
	if !p.spec.Network.FlowLogs {
		p.note("flow_logs", "VPC flow logs are off (network.flow_logs: false): rejected and accepted traffic will not be recorded for investigation.")
	}
}

// centralZones gives each interface endpoint without private DNS (the
// hub's, in hub_spoke) a private hosted zone named for its service's host,
// with the apex (and for ECR's registries every name under it) aliased to
// the endpoint, associated with the endpoint's VPC and every VPC in the
// Region that has no endpoint of its own for the service.
func (p *planner) centralZones() {
	for _, v := range p.d.VPCs {
		for _, e := range v.Endpoints {
			if e.Kind != design.EndpointInterface || e.PrivateDNS {
				continue
			}
			name, wildcard := awsfacts.EndpointDNSName(e.Service, v.Region)
			z := design.PrivateZone{ID: "phz-" + strings.ReplaceAll(name, ".", "-"), Name: name, Endpoint: e.ID, Wildcard: wildcard}
			for _, o := range p.d.VPCs {
				if o.Region != v.Region {
					continue
				}
				if o.ID == v.ID || !slices.ContainsFunc(o.Endpoints, func(x design.Endpoint) bool { return x.Service == e.Service }) {
					z.VPCs = append(z.VPCs, o.ID)
				}
			}
			p.d.PrivateZones = append(p.d.PrivateZones, z)
		}
	}
	if len(p.d.PrivateZones) > 0 {
		p.note("endpoints", "The hub's interface endpoints have private DNS off, which only the hub would see; a private hosted zone per service (%s) aliases its name to the endpoint and is associated with every VPC, so spoke tasks pull images and call AWS APIs through the hub.", strings.Join(zoneNames(p.d.PrivateZones), ", "))
	}
}

func zoneNames(zs []design.PrivateZone) []string {
	var out []string
	for _, z := range zs {
		out = append(out, z.Name)
	}
	return out
}

func (p *planner) transitGatewayIn(region string) string {
	for _, t := range p.d.TransitGateways {
		if t.Region == region {
			return t.ID
		}
	}
	return ""
}

func (p *planner) subnetID(v *vpcPlan, tier string, az int) string {
	for _, s := range v.vpc.Subnets {
		if s.Tier == tier && s.AZIndex == az {
			return s.ID
		}
	}
	return ""
}

// endpoints adds the VPC's gateway endpoints to every private route table
// and its interface endpoints to one subnet per AZ: the endpoints tier
// where there is one, else the app tier.
func (p *planner) endpoints(v *vpcPlan) {
	vpc := &v.vpc
	var private []string
	for _, rt := range vpc.RouteTables {
		if !strings.HasSuffix(rt.ID, "-public") && !strings.Contains(rt.ID, "-transit") && !strings.Contains(rt.ID, "-firewall") {
			private = append(private, rt.ID)
		}
	}
	for _, e := range v.gatewayEndpoints {
		id := fmt.Sprintf("vpce-%s-%s", vpc.Name, strings.ReplaceAll(e, ".", "-"))
		serviceName := fmt.Sprintf("com.amazonaws.%s.%s", vpc.Region, e)
		vpc.Endpoints = append(vpc.Endpoints, design.Endpoint{ID: id, Service: e, ServiceName: serviceName, Kind: design.EndpointGateway, RouteTables: private})
		for i := range vpc.RouteTables {
			if slices.Contains(private, vpc.RouteTables[i].ID) {
				vpc.RouteTables[i].Routes = append(vpc.RouteTables[i].Routes, design.Route{
					DestinationPrefixList: serviceName, TargetKind: design.TargetGatewayEndpoint, Target: id,
				})
			}
		}
	}
	tier := design.TierApp
	if v.hasEndpointsTier {
		tier = design.TierEndpoints
	}
	var subnets []string
	for az := range vpc.AZs {
		for _, s := range vpc.Subnets {
			if s.Tier == tier && s.AZIndex == az {
				subnets = append(subnets, s.ID)
				break
			}
		}
	}
	// A hub's endpoints serve the spokes too, which the endpoint's own
	// private DNS would not: it answers in the hub alone. Their names come
	// from private hosted zones associated with every VPC instead
	// (centralZones).
	central := p.spec.Network.Pattern == spec.PatternHubSpoke && vpc.Role == design.RoleHub
	for _, e := range v.interfaceEndpoints {
		vpc.Endpoints = append(vpc.Endpoints, design.Endpoint{
			ID:          fmt.Sprintf("vpce-%s-%s", vpc.Name, strings.ReplaceAll(e, ".", "-")),
			Service:     e,
			ServiceName: fmt.Sprintf("com.amazonaws.%s.%s", vpc.Region, e),
			Kind:        design.EndpointInterface,
			Subnets:     subnets,
			PrivateDNS:  !central,
		})
	}
	if len(v.interfaceEndpoints) > awsfacts.InterfaceEndpointsPerVPC {
		p.warnAt(nil, fmt.Sprintf("%s has %d interface endpoints; the default quota is %d per VPC", vpc.Name, len(v.interfaceEndpoints), awsfacts.InterfaceEndpointsPerVPC),
			"Request an increase of \"Interface VPC endpoints per VPC\" in Service Quotas before deploying, or drop endpoints you do not need.")
	}
}
