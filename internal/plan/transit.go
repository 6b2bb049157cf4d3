package plan

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/spec"
)

// transitASNBase is the first private ASN given to Transit Gateways; each
// Region's gets the next one, so peered gateways never share an ASN.
const transitASNBase = 64512

// anyIPv4 is the default route.
var anyIPv4 = netip.MustParsePrefix("0.0.0.0/0")

// transit designs the Transit Gateways: hub-and-spoke routing that keeps
// spokes apart, or one gateway per Region joined by peering.
func (p *planner) transit() {
	switch p.spec.Network.Pattern {
	case spec.PatternHubSpoke:
		p.hubSpokeTransit()
	case spec.PatternMultiRegion:
		p.multiRegionTransit()
	}
}

func attachmentID(v *vpcPlan) string { return "tgw-attach-" + v.vpc.Name }

func transitSubnets(v *vpcPlan) []string {
	var ids []string
	for _, s := range v.vpc.Subnets {
		if s.Tier == design.TierTransit {
			ids = append(ids, s.ID)
		}
	}
	return ids
}

// vpcOf returns the VPC a service lives in (its first, for multi-region).
func (p *planner) vpcOf(name string) *vpcPlan {
	if p.home == nil {
		p.home = map[string]*vpcPlan{}
		for _, v := range p.vpcs {
			for _, group := range [][]*spec.Service{v.app, v.data, v.inspection} {
				for _, svc := range group {
					if _, ok := p.home[svc.Name]; !ok {
						p.home[svc.Name] = v
					}
				}
			}
		}
	}
	return p.home[name]
}

// crossVPCFlows returns, for each pair of VPCs with a declared dependency
// between them, the first dependency that asks for it, keyed by the two VPC
// names in order.
func (p *planner) crossVPCFlows() map[[2]string]string {
	if p.crossFlows != nil {
		return p.crossFlows
	}
	out := map[[2]string]string{}
	p.crossFlows = out
	if len(p.vpcs) < 2 {
		return out
	}
	for _, svc := range p.spec.Services {
		from := p.vpcOf(svc.Name)
		for _, dep := range svc.DependsOn {
			to := p.vpcOf(dep.Service)
			if from == nil || to == nil || from == to {
				continue
			}
			key := [2]string{from.vpc.Name, to.vpc.Name}
			if key[0] > key[1] {
				key[0], key[1] = key[1], key[0]
			}
			if _, ok := out[key]; !ok {
				out[key] = fmt.Sprintf("%s -> %s", svc.Name, dep.Service)
			}
		}
	}
	return out
}

func (p *planner) hubSpokeTransit() {
	hub := p.vpcs[0]
	region := hub.vpc.Region
	tgw := design.TransitGateway{
		ID:     fmt.Sprintf("tgw-%s-%s", p.spec.App, region),
		Region: region,
		ASN:    transitASNBase,
		// Lets a spoke's inbound rules name the calling spoke's groups
		// rather than its subnets' blocks.
		SecurityGroupReferencing: true,
	}
	for _, v := range p.vpcs {
		tgw.Attachments = append(tgw.Attachments, design.TransitGatewayAttachment{
			ID:            attachmentID(v),
			VPC:           v.vpc.ID,
			Subnets:       transitSubnets(v),
			ApplianceMode: v == hub && p.spec.Inspection != nil,
		})
	}
	hubRT := design.TransitGatewayRouteTable{
		ID:           fmt.Sprintf("tgw-rtb-%s-hub", p.spec.App),
		Name:         "hub",
		Associations: []string{attachmentID(hub)},
	}
	for _, v := range p.vpcs[1:] {
		hubRT.Routes = append(hubRT.Routes, routesToVPC(v, attachmentID(v),
			fmt.Sprintf("hub to spoke %s: return traffic from NAT, endpoints and load balancers", v.vpc.Name))...)
	}
	tgw.RouteTables = append(tgw.RouteTables, hubRT)
	flows := p.crossVPCFlows()
	for _, v := range p.vpcs[1:] {
		rt := design.TransitGatewayRouteTable{
			ID:           fmt.Sprintf("tgw-rtb-%s", v.vpc.Name),
			Name:         "spoke " + v.vpc.Name,
			Associations: []string{attachmentID(v)},
		}
		if p.natNeeded {
			rt.Routes = append(rt.Routes, design.TransitGatewayRoute{Destination: anyIPv4, Attachment: attachmentID(hub),
				Reason: "internet egress through the hub's NAT gateways"})
		}
		rt.Routes = append(rt.Routes, routesToVPC(hub, attachmentID(hub), "the hub's interface endpoints and load balancers")...)
		for _, other := range p.vpcs[1:] {
			key := [2]string{v.vpc.Name, other.vpc.Name}
			if key[0] > key[1] {
				key[0], key[1] = key[1], key[0]
			}
			if why, ok := flows[key]; ok && other != v {
				rt.Routes = append(rt.Routes, routesToVPC(other, attachmentID(other), "declared flow "+why)...)
			}
		}
		tgw.RouteTables = append(tgw.RouteTables, rt)
	}
	p.d.TransitGateways = []design.TransitGateway{tgw}
	p.note("transit", "Each spoke has its own Transit Gateway route table with no propagations: it reaches the hub, and another spoke only where a declared flow crosses them, so spokes stay apart by default.")
}

func (p *planner) multiRegionTransit() {
	for i, v := range p.vpcs {
		p.d.TransitGateways = append(p.d.TransitGateways, design.TransitGateway{
			ID:     fmt.Sprintf("tgw-%s-%s", p.spec.App, v.vpc.Region),
			Region: v.vpc.Region,
			ASN:    transitASNBase + i,
			Attachments: []design.TransitGatewayAttachment{{
				ID: attachmentID(v), VPC: v.vpc.ID, Subnets: transitSubnets(v),
			}},
		})
	}
	peerID := func(a, b int) string {
		return fmt.Sprintf("tgw-peer-%s-%s", p.vpcs[a].vpc.Region, p.vpcs[b].vpc.Region)
	}
	for i := range p.vpcs {
		for j := i + 1; j < len(p.vpcs); j++ {
			p.d.TransitGatewayPeerings = append(p.d.TransitGatewayPeerings, design.TransitGatewayPeering{
				ID: peerID(i, j), Requester: p.d.TransitGateways[i].ID, Accepter: p.d.TransitGateways[j].ID,
			})
		}
	}
	for i, v := range p.vpcs {
		rt := design.TransitGatewayRouteTable{
			ID:           fmt.Sprintf("tgw-rtb-%s-%s", p.spec.App, v.vpc.Region),
			Name:         v.vpc.Region,
			Associations: []string{attachmentID(v)},
			Routes:       routesToVPC(v, attachmentID(v), "this Region's VPC"),
		}
		for j, other := range p.vpcs {
			if i == j {
				continue
			}
			id := peerID(min(i, j), max(i, j))
			rt.Associations = append(rt.Associations, id)
			rt.Routes = append(rt.Routes, routesToVPC(other, id,
				fmt.Sprintf("the VPC in %s over peering (peering takes static routes only)", other.vpc.Region))...)
		}
		slices.Sort(rt.Associations)
		p.d.TransitGateways[i].RouteTables = []design.TransitGatewayRouteTable{rt}
	}
	p.deployInStages()
}

// routesToVPC returns the Transit Gateway routes that send every block of
// v to the attachment.
func routesToVPC(v *vpcPlan, attachment, reason string) []design.TransitGatewayRoute {
	var rs []design.TransitGatewayRoute
	for _, b := range vpcBlocks(&v.vpc) {
		rs = append(rs, design.TransitGatewayRoute{Destination: b, Attachment: attachment, Reason: reason})
	}
	return rs
}
