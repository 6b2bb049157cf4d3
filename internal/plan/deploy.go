package plan

import (
	"slices"

	"github.com/netwright/netwright/internal/design"
)

// deployInStages orders a design whose Transit Gateways peer across
// Regions. A peering attachment needs both gateways' IDs to be created, is
// created pendingAcceptance, must be accepted from the accepter's Region,
// and only then can be associated with a route table or carry a static
// route, on either side. One stack per Region would need a value only the
// other Region's stack yields (a cycle), so each Region's base stack comes
// first (its gateway, attachments and route tables, needing nothing from
// elsewhere), then each requester Region's peering attachments, then the
// acceptances, then each Region's associations and routes through the
// accepted attachments.
func (p *planner) deployInStages() {
	if len(p.d.TransitGatewayPeerings) == 0 {
		return
	}
	region := func(tgw string) string {
		if t := p.d.TransitGateway(tgw); t != nil {
			return t.Region
		}
		return ""
	}
	byRegion := func(kind string, regionOf func(design.TransitGatewayPeering) []string) []design.Stage {
		var out []design.Stage
		for _, r := range p.d.Regions {
			s := design.Stage{ID: design.StageID(kind, r), Kind: kind, Region: r}
			for _, peer := range p.d.TransitGatewayPeerings {
				if slices.Contains(regionOf(peer), r) {
					s.Peerings = append(s.Peerings, peer.ID)
				}
			}
			if len(s.Peerings) > 0 {
				out = append(out, s)
			}
		}
		return out
	}
	var stages []design.Stage
	for _, r := range p.d.Regions {
		stages = append(stages, design.Stage{ID: design.StageID(design.StageBase, r), Kind: design.StageBase, Region: r})
	}
	stages = slices.Concat(stages,
		byRegion(design.StagePeeringRequest, func(peer design.TransitGatewayPeering) []string { return []string{region(peer.Requester)} }),
		byRegion(design.StagePeeringAccept, func(peer design.TransitGatewayPeering) []string { return []string{region(peer.Accepter)} }),
		byRegion(design.StagePeeringRoutes, func(peer design.TransitGatewayPeering) []string { return p.regionsRoutingThrough(peer.ID) }))
	p.d.Deployment = &design.Deployment{Stages: stages}
	for i := range stages {
		stages[i].Takes = p.d.StageTakes(stages[i].ID)
	}
	p.note("transit", "Transit Gateway peering deploys in stages (the design's deployment): each Region's base stack, needing nothing from another Region; then the requester Region's peering attachments, from both gateways' IDs; then acceptance in the accepter's Region, an API call no CloudFormation resource makes; then, on both sides, the peering's route table associations and static routes, which an attachment takes only once accepted.")
}

// regionsRoutingThrough returns the Regions whose Transit Gateway route
// tables associate, or route through, an attachment.
func (p *planner) regionsRoutingThrough(attachment string) []string {
	var out []string
	for _, t := range p.d.TransitGateways {
		for _, rt := range t.RouteTables {
			uses := slices.Contains(rt.Associations, attachment)
			for _, r := range rt.Routes {
				uses = uses || r.Attachment == attachment
			}
			if uses && !slices.Contains(out, t.Region) {
				out = append(out, t.Region)
			}
		}
	}
	return out
}
