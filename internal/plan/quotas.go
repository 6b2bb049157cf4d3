package plan

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/netwright/netwright/internal/awsfacts"
	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/diag"
)

// checkQuotas warns where the design passes a default AWS quota. Each can
// be raised, so a warning names the quota and the value to request; past
// the most AWS raises it to (awsfacts.QuotaMax) no request helps, and it
// is an error.
func (p *planner) checkQuotas() {
	quota := func(what string, have, limit int, quotaName string) {
		if have <= limit {
			return
		}
		if most := awsfacts.QuotaMax(quotaName); most > 0 && have > most {
			p.errorAt(nil, fmt.Sprintf("%s: %d, past the %d AWS allows even on request", what, have, most),
				fmt.Sprintf("AWS raises %q to %d at most: split the application into several specs.", quotaName, most))
			return
		}
		p.warnAt(nil, fmt.Sprintf("%s: %d, past the default quota of %d", what, have, limit),
			fmt.Sprintf("Request an increase of %q to at least %d in Service Quotas before deploying.", quotaName, have))
		p.suggest(diag.Suggestion{Kind: diag.SuggestQuota, For: quotaName, Value: strconv.Itoa(have)})
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
		quota("IPv4 CIDR blocks in "+v.Name, len(v.Blocks()), awsfacts.CIDRBlocksPerVPC, "IPv4 CIDR blocks per VPC")
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
	// A rule naming a managed prefix list counts as the list's weight (VPC
	// Lattice's 10), so a group within 60 rules can pass 60 all the same.
	// CloudFront's list, which weighs 55, is the edge's error instead
	// (checkPrefixListWeight).
	for _, g := range p.d.SecurityGroups {
		for _, side := range []struct {
			dir   string
			rules []design.SGRule
		}{{"inbound", g.Ingress}, {"outbound", g.Egress}} {
			if slices.ContainsFunc(side.rules, func(r design.SGRule) bool { return r.PeerPrefixList == design.CloudFrontPrefixList }) {
				continue
			}
			quota(side.dir+" rules of "+g.ID+", counting each prefix list as its weight", design.RulesWeight(side.rules), awsfacts.RulesPerSecurityGroup, "Inbound or outbound rules per security group")
		}
	}
}
