package plan

import (
	"fmt"

	"github.com/netwright/netwright/internal/awsfacts"
)

// checkQuotas warns where the design passes a default AWS quota. Each can
// be raised, so a warning names the quota to request; a design past a hard
// limit is an error raised where it is made.
func (p *planner) checkQuotas() {
	quota := func(what string, have, limit int, quotaName string) {
		if have > limit {
			p.warnAt(nil, fmt.Sprintf("%s: %d, past the default quota of %d", what, have, limit),
				fmt.Sprintf("Request an increase of %q in Service Quotas before deploying.", quotaName))
		}
	}
	vpcs := map[string]int{}
	for _, v := range p.d.VPCs {
		vpcs[v.Region]++
	}
	for _, r := range p.spec.Regions {
		quota("VPCs in "+r, vpcs[r], awsfacts.VPCsPerRegion, "VPCs per Region")
	}
	eips := map[string]int{}
	for _, v := range p.d.VPCs {
		quota("subnets in "+v.Name, len(v.Subnets), awsfacts.SubnetsPerVPC, "Subnets per VPC")
		quota("route tables in "+v.Name, len(v.RouteTables), awsfacts.RouteTablesPerVPC, "Route tables per VPC")
		for _, rt := range v.RouteTables {
			quota("routes in "+rt.ID, len(rt.Routes), awsfacts.RoutesPerRouteTable, "Routes per route table")
		}
		eips[v.Region] += len(v.NATGateways)
	}
	for _, svc := range p.spec.Services {
		if svc.StaticIP {
			// One Elastic IP per AZ for the NLB's fixed addresses, in every
			// Region the service runs in.
			for _, r := range p.spec.Regions {
				eips[r] += p.spec.Network.AZs
			}
			break
		}
	}
	for _, r := range p.spec.Regions {
		quota("Elastic IPs in "+r, eips[r], awsfacts.ElasticIPsPerRegion, "EC2-VPC Elastic IPs")
	}
	for _, t := range p.d.TransitGateways {
		quota("route tables on "+t.ID, len(t.RouteTables), awsfacts.RouteTablesPerTransitGateway, "Route tables per transit gateway")
	}
}
