package plan

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/spec"
)

// steerInspection changes route tables so the inspected flows pass the
// GWLB endpoints. In a VPC of its own (three_tier, microservices,
// multi_region) the internet path is inspected: an edge route table on the
// internet gateway sends traffic for each public subnet to its AZ's
// endpoint, and the public subnets send the internet to it, so inbound
// requests, their answers and NAT egress all pass the appliances. In a hub,
// traffic arriving from the spokes goes to the endpoint before NAT, traffic
// from the public subnets to the spokes goes to it before the Transit
// Gateway, and with east_west spoke-to-spoke traffic turns through the hub.
func (p *planner) steerInspection() {
	in := p.spec.Inspection
	if in == nil {
		return
	}
	for vi := range p.d.VPCs {
		vpc := &p.d.VPCs[vi]
		gwlbe := map[int]string{}
		for _, e := range p.d.GatewayLoadBalancerEndpoints {
			if i := slices.Index(vpc.AZs, e.AZ); i >= 0 && p.subnetVPC(e.Subnet) == vpc.ID {
				gwlbe[i] = e.ID
			}
		}
		if len(gwlbe) == 0 {
			continue
		}
		ingress, egress, eastWest := slices.Contains(in.Flows, "ingress"), slices.Contains(in.Flows, "egress"), slices.Contains(in.Flows, "east_west")
		if vpc.Role == design.RoleHub {
			p.steerHub(vpc, gwlbe, egress, eastWest)
			continue
		}
		if p.spec.Network.Pattern == spec.PatternHubSpoke {
			// The spoke with the public load balancers: its internet
			// traffic, requests and answers, passes its own endpoints in
			// front of the hub's appliances, AZ by AZ.
			if ingress {
				p.steerInternet(vpc, gwlbe)
				p.note("inspection", "Internet traffic of the public load balancers in %s passes the %s appliances in the hub: the internet gateway's edge route table and the public subnets route through %s's GWLB endpoint of each AZ, so requests and answers take the same appliance.", vpc.Name, in.Appliance, vpc.Name)
			}
			continue
		}
		if eastWest {
			p.warnAt(in.At, "inspection.flows east_west is not steered inside one VPC",
				"VPC routes cannot keep both directions of a flow between two subnets on one appliance across AZs. Use network.pattern hub_spoke, where traffic between spokes turns through the hub's appliances.")
		}
		if !ingress && !egress {
			continue
		}
		p.steerInternet(vpc, gwlbe)
		p.note("inspection", "Internet traffic of %s passes the %s appliances: the internet gateway's edge route table and the public subnets route through the GWLB endpoint of each AZ. Inbound requests and NAT egress share that path, so both are inspected.", vpc.Name, in.Appliance)
	}
}

// steerInternet sends a VPC's internet traffic through its GWLB endpoints:
// per-AZ public route tables send the internet to the AZ's endpoint, and
// an edge route table on the internet gateway sends each public subnet's
// traffic to the endpoint of its AZ, so both directions of a flow meet the
// same appliance.
func (p *planner) steerInternet(vpc *design.VPC, gwlbe map[int]string) {
	p.splitPublicByAZ(vpc, func(az int) []design.Route {
		return []design.Route{{Destination: anyIPv4, TargetKind: design.TargetGWLBEndpoint, Target: gwlbe[az]}}
	})
	edge := design.RouteTable{ID: "rtb-" + vpc.Name + "-edge", Name: vpc.Name + "-edge", EdgeGateway: vpc.InternetGateway,
		Routes: localRoutes(vpc)}
	for _, s := range vpc.Subnets {
		if s.Tier == design.TierPublic {
			edge.Routes = append(edge.Routes, design.Route{Destination: s.CIDR, TargetKind: design.TargetGWLBEndpoint, Target: gwlbe[s.AZIndex]})
		}
	}
	vpc.RouteTables = append(vpc.RouteTables, edge)
}

func (p *planner) subnetVPC(id string) string {
	for _, v := range p.d.VPCs {
		for _, s := range v.Subnets {
			if s.ID == id {
				return v.ID
			}
		}
	}
	return ""
}

// splitPublicByAZ replaces the shared public route table with one per AZ,
// keeping its routes except the default, which extra(az) supplies.
func (p *planner) splitPublicByAZ(vpc *design.VPC, extra func(az int) []design.Route) {
	i := slices.IndexFunc(vpc.RouteTables, func(rt design.RouteTable) bool { return rt.ID == "rtb-"+vpc.Name+"-public" })
	if i < 0 {
		return
	}
	shared := vpc.RouteTables[i]
	vpc.RouteTables = slices.Delete(vpc.RouteTables, i, i+1)
	for az := range vpc.AZs {
		rt := design.RouteTable{ID: fmt.Sprintf("rtb-%s-public-%s", vpc.Name, azSuffix(vpc.AZs[az])), Name: fmt.Sprintf("%s-public-%s", vpc.Name, azSuffix(vpc.AZs[az]))}
		rt.Routes = append(rt.Routes, localRoutes(vpc)...)
		rt.Routes = append(rt.Routes, extra(az)...)
		for _, r := range shared.Routes {
			if r.TargetKind == design.TargetLocal {
				continue
			}
			if !slices.ContainsFunc(rt.Routes, func(x design.Route) bool {
				return x.Destination == r.Destination && x.DestinationPrefixList == r.DestinationPrefixList
			}) {
				rt.Routes = append(rt.Routes, r)
			}
		}
		vpc.RouteTables = append(vpc.RouteTables, rt)
	}
	for si := range vpc.Subnets {
		if s := &vpc.Subnets[si]; s.Tier == design.TierPublic {
			s.RouteTable = fmt.Sprintf("rtb-%s-public-%s", vpc.Name, azSuffix(s.AZ))
		}
	}
}

// steerHub routes the hub's traffic through its GWLB endpoints: spoke
// egress before NAT (and its answers from NAT back to the spokes), and
// with east_west traffic between spokes. Ingress is inspected in the spoke
// that holds the public load balancers.
func (p *planner) steerHub(hub *design.VPC, gwlbe map[int]string, egress, eastWest bool) {
	var spokes []netip.Prefix
	for _, v := range p.d.VPCs {
		if v.ID != hub.ID {
			spokes = append(spokes, vpcBlocks(&v)...)
		}
	}
	setRoute := func(rt *design.RouteTable, dst netip.Prefix, target string) {
		for i := range rt.Routes {
			if rt.Routes[i].Destination == dst && rt.Routes[i].DestinationPrefixList == "" {
				rt.Routes[i].TargetKind, rt.Routes[i].Target = design.TargetGWLBEndpoint, target
				return
			}
		}
		rt.Routes = append(rt.Routes, design.Route{Destination: dst, TargetKind: design.TargetGWLBEndpoint, Target: target})
	}
	// Transit subnets receive what the spokes send.
	for i := range hub.RouteTables {
		rt := &hub.RouteTables[i]
		for az, e := range gwlbe {
			if rt.ID != fmt.Sprintf("rtb-%s-transit-%s", hub.Name, azSuffix(hub.AZs[az])) {
				continue
			}
			if egress {
				setRoute(rt, anyIPv4, e)
			}
			if eastWest {
				for _, c := range spokes {
					setRoute(rt, c, e)
				}
			}
		}
	}
	if egress {
		// The public subnets (NAT) answer the spokes through the endpoint
		// of their AZ.
		var keep []design.Route
		for _, rt := range hub.RouteTables {
			if rt.ID == "rtb-"+hub.Name+"-public" {
				keep = rt.Routes
			}
		}
		p.splitPublicByAZ(hub, func(az int) []design.Route {
			var routes []design.Route
			for _, r := range keep {
				if r.TargetKind == design.TargetLocal {
					continue
				}
				if slices.Contains(spokes, r.Destination) {
					routes = append(routes, design.Route{Destination: r.Destination, TargetKind: design.TargetGWLBEndpoint, Target: gwlbe[az]})
				} else {
					routes = append(routes, r)
				}
			}
			return routes
		})
	}
	if eastWest {
		// Spokes reach each other only through the hub.
		for ti := range p.d.TransitGateways {
			tgw := &p.d.TransitGateways[ti]
			hubAttach := "tgw-attach-" + hub.Name
			for ri := range tgw.RouteTables {
				rt := &tgw.RouteTables[ri]
				if slices.Contains(rt.Associations, hubAttach) {
					continue
				}
				for k := range rt.Routes {
					if rt.Routes[k].Attachment != hubAttach {
						rt.Routes[k].Attachment = hubAttach
						rt.Routes[k].Reason += ", inspected in the hub (inspection.flows east_west)"
					}
				}
			}
		}
	}
	var what []string
	for _, f := range []struct {
		on   bool
		name string
	}{{egress, "egress"}, {eastWest, "east_west"}} {
		if f.on {
			what = append(what, f.name)
		}
	}
	if len(what) > 0 {
		p.note("inspection", "The hub's Transit Gateway attachment uses appliance mode, so both directions of a flow enter the hub in one AZ, and %s traffic passes the %s appliances through the GWLB endpoint in that AZ before NAT or another spoke.", strings.Join(what, ", "), p.spec.Inspection.Appliance)
	}
}
