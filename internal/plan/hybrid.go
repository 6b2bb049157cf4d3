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

// The hybrid architect: on-premises sites joined to the Transit Gateway
// by a Site-to-Site VPN, a Direct Connect gateway or both, the routes
// that reach them only where a declared flow needs them, and the Route 53
// Resolver endpoints and rules of hybrid DNS. Security groups and NACLs
// for the sites' flows are made with the rest (security.go, nacl.go).

// vpnInsideBase is where the VPN tunnels' inside /30s come from: AWS
// takes any /30 of 169.254.0.0/16 but a few it reserves
// (awsfacts.VPNReservedInsideCIDRs); these start well past them.
var vpnInsideBase = netip.MustParseAddr("169.254.100.0")

// hybridLayout marks what the sites need before subnets are sized: a
// Transit Gateway attachment (transit subnets) in every VPC, and the
// Resolver endpoints' ENIs in the VPC that holds them.
func (p *planner) hybridLayout() {
	if len(p.spec.Sites) == 0 {
		return
	}
	if p.spec.Network.Pattern == spec.PatternMultiRegion {
		p.errorAt(p.spec.At("onprem", "network.pattern"), "onprem sites are not designed for multi_region yet",
			"netwright joins sites to one Region's Transit Gateway; with Transit Gateway peering the routes to a site would cross Regions, which it does not design. Use one Region, or connect the site to each Region outside netwright.")
		return
	}
	for _, v := range p.vpcs {
		v.hasTransit = true
	}
	if p.resolverInbound() || p.resolverOutbound() {
		p.vpcs[0].hostsResolver = true
	}
}

// resolverInbound says whether a site calls in, so it resolves the VPCs'
// names through an inbound endpoint; resolverOutbound whether a site has
// DNS the VPCs forward to.
func (p *planner) resolverInbound() bool {
	return slices.ContainsFunc(p.spec.Services, func(s spec.Service) bool { return len(s.CallersFrom) > 0 })
}

func (p *planner) resolverOutbound() bool {
	return slices.ContainsFunc(p.spec.Sites, func(s spec.Site) bool { return s.DNS != nil })
}

// siteVPCs returns, for each site, the VPCs its flows start or end in
// (and the Resolver's VPC when the site's DNS or callers use it), in
// design order.
func (p *planner) siteVPCs() map[string][]*vpcPlan {
	out := map[string][]*vpcPlan{}
	add := func(site string, v *vpcPlan) {
		if v != nil && !slices.Contains(out[site], v) {
			out[site] = append(out[site], v)
		}
	}
	for _, svc := range p.spec.Services {
		for _, ref := range svc.Onprem {
			add(ref.Site, p.vpcOf(svc.Name))
		}
		for _, ref := range svc.CallersFrom {
			add(ref.Site, p.vpcOf(svc.Name))
			add(ref.Site, p.vpcs[0]) // the inbound Resolver endpoint
		}
	}
	for _, st := range p.spec.Sites {
		if st.DNS != nil {
			add(st.Name, p.vpcs[0])
		}
	}
	for site, vs := range out {
		slices.SortFunc(vs, func(a, b *vpcPlan) int { return slices.Index(p.vpcs, a) - slices.Index(p.vpcs, b) })
		out[site] = vs
	}
	return out
}

// siteCIDRsFor returns the blocks of the sites whose flows reach a VPC.
func (p *planner) siteCIDRsFor(v *vpcPlan) []netip.Prefix {
	var out []netip.Prefix
	needs := p.siteVPCs()
	for _, st := range p.spec.Sites {
		if slices.Contains(needs[st.Name], v) {
			out = append(out, st.CIDRs...)
		}
	}
	return out
}

// singleVPCTransit gives a one-VPC design (three_tier, microservices) the
// Transit Gateway its sites attach to.
func (p *planner) singleVPCTransit() {
	if len(p.spec.Sites) == 0 || len(p.d.TransitGateways) > 0 {
		return
	}
	v := p.vpcs[0]
	region := v.vpc.Region
	p.d.TransitGateways = []design.TransitGateway{{
		ID:          fmt.Sprintf("tgw-%s-%s", p.spec.App, region),
		Region:      region,
		ASN:         transitASNBase,
		Attachments: []design.TransitGatewayAttachment{{ID: attachmentID(v), VPC: v.vpc.ID, Subnets: transitSubnets(v)}},
		RouteTables: []design.TransitGatewayRouteTable{{
			ID: fmt.Sprintf("tgw-rtb-%s", v.vpc.Name), Name: v.vpc.Name, Associations: []string{attachmentID(v)},
		}},
	}}
	p.note("hybrid", "A Transit Gateway joins %s to the on-premises sites; its route tables reach each site only where a declared flow needs it.", v.vpc.Name)
}

// sites attaches every site to the home Region's Transit Gateway: a
// customer gateway and a VPN with two tunnels and BGP, a Direct Connect
// gateway with its allowed prefixes, or both; a route table per site
// associated with its attachments; and propagation both ways only between
// a site and the VPCs its flows need.
func (p *planner) sites() {
	if len(p.spec.Sites) == 0 || p.diags.HasErrors() {
		return
	}
	tgw := &p.d.TransitGateways[0]
	// usedASN holds the ASNs a Direct Connect gateway must not take: the
	// Transit Gateways' and every site's. Sites may share an ASN with each
	// other (AWS takes customer gateways with the same ASN, and each site's
	// route table learns only VPCs), never a Transit Gateway's.
	usedASN := map[int64]bool{}
	transitASN := map[int64]bool{}
	for _, t := range p.d.TransitGateways {
		usedASN[int64(t.ASN)] = true
		transitASN[int64(t.ASN)] = true
	}
	for _, st := range p.spec.Sites {
		if transitASN[st.ASN] {
			p.errorAt(p.spec.At("onprem."+st.Name+".asn", "onprem."+st.Name), fmt.Sprintf("onprem.%s.asn %d is the Transit Gateway's own ASN", st.Name, st.ASN),
				fmt.Sprintf("BGP drops routes carrying its own ASN, so the two sides of a session need different ASNs; the Transit Gateway uses %d. Give the site another ASN, such as 65010.", st.ASN))
		}
		usedASN[st.ASN] = true
	}
	needs := p.siteVPCs()
	attachOf := func(v *vpcPlan) string { return attachmentID(v) }
	tableOf := func(att string) *design.TransitGatewayRouteTable {
		for i := range tgw.RouteTables {
			if slices.Contains(tgw.RouteTables[i].Associations, att) {
				return &tgw.RouteTables[i]
			}
		}
		return nil
	}
	dxSites := 0
	for i, st := range p.spec.Sites {
		if st.Connect != spec.ConnectVPN {
			// Each such site gets a Direct Connect gateway of its own,
			// all associated with the home Region's Transit Gateway.
			if dxSites++; dxSites == awsfacts.DirectConnectGatewaysPerTransitGateway+1 {
				p.errorAt(p.spec.At("onprem."+st.Name+".connect", "onprem."+st.Name), fmt.Sprintf("onprem.%s: more than %d sites connect by Direct Connect; a Transit Gateway is associated with at most %d Direct Connect gateways", st.Name, awsfacts.DirectConnectGatewaysPerTransitGateway, awsfacts.DirectConnectGatewaysPerTransitGateway),
					"netwright gives each site a Direct Connect gateway of its own, and AWS cannot raise this limit: connect the other sites by vpn.")
			}
		}
		site := design.Site{Name: st.Name, CIDRs: slices.Clone(st.CIDRs), Connect: st.Connect, ASN: st.ASN, Region: tgw.Region, TransitGateway: tgw.ID, Origin: st.At}
		if st.DNS != nil {
			site.DNS = &design.SiteDNS{Domains: slices.Clone(st.DNS.Domains), Servers: slices.Clone(st.DNS.Servers)}
		}
		vpcs := needs[st.Name]
		if st.Connect != spec.ConnectVPN {
			var allowed []netip.Prefix
			for _, v := range vpcs {
				allowed = append(allowed, vpcBlocks(&v.vpc)...)
			}
			allowed = aggregate(allowed)
			if len(allowed) > awsfacts.DirectConnectAllowedPrefixes {
				p.errorAt(p.spec.At("onprem."+st.Name+".connect"), fmt.Sprintf("onprem.%s: Direct Connect advertises %d VPC blocks to the site; a Transit Gateway association allows %d", st.Name, len(allowed), awsfacts.DirectConnectAllowedPrefixes),
					"Give the VPCs blocks that summarise into fewer prefixes (network.cidr), or connect the site by vpn.")
			}
			asn := int64(transitASNBase + 1)
			for usedASN[asn] {
				asn++
			}
			usedASN[asn] = true
			site.DirectConnect = &design.DirectConnectGateway{
				ID: fmt.Sprintf("dxgw-%s-%s", p.spec.App, st.Name), ASN: asn,
				Attachment: fmt.Sprintf("tgw-attach-%s-dx-%s", p.spec.App, st.Name), AllowedPrefixes: allowed,
			}
			tgw.SiteAttachments = append(tgw.SiteAttachments, design.SiteAttachment{ID: site.DirectConnect.Attachment, Site: st.Name, Kind: design.AttachDirectConnect})
		}
		if st.Connect != spec.ConnectDirectConnect {
			site.CustomerGateway = &design.CustomerGateway{ID: fmt.Sprintf("cgw-%s-%s", p.spec.App, st.Name), ASN: st.ASN}
			third := vpnInsideBase.As4()
			third[2] += byte(i)
			base := netip.AddrFrom4(third)
			t2 := base.As4()
			t2[3] += 4
			site.VPN = &design.VPNConnection{
				ID: fmt.Sprintf("vpn-%s-%s", p.spec.App, st.Name), Attachment: fmt.Sprintf("tgw-attach-%s-vpn-%s", p.spec.App, st.Name),
				Tunnels: []design.VPNTunnel{{InsideCIDR: netip.PrefixFrom(base, 30)}, {InsideCIDR: netip.PrefixFrom(netip.AddrFrom4(t2), 30)}},
			}
			tgw.SiteAttachments = append(tgw.SiteAttachments, design.SiteAttachment{ID: site.VPN.Attachment, Site: st.Name, Kind: design.AttachVPN})
		}
		// The site's own table: associated with its attachments, so
		// what it sends reaches only the VPCs its flows need.
		rt := design.TransitGatewayRouteTable{ID: fmt.Sprintf("tgw-rtb-%s-site-%s", p.spec.App, st.Name), Name: "site " + st.Name, Associations: site.Attachments()}
		for _, v := range vpcs {
			rt.Propagations = append(rt.Propagations, attachOf(v))
			for _, b := range vpcBlocks(&v.vpc) {
				rt.Routes = append(rt.Routes, design.TransitGatewayRoute{Destination: b, Attachment: attachOf(v), Propagated: design.AttachVPC,
					Reason: fmt.Sprintf("propagated from %s: declared flows between %s and onprem:%s", v.vpc.Name, v.vpc.Name, st.Name)})
			}
			// And the VPC's table learns the site's blocks from its
			// attachments: Direct Connect's preferred over the VPN's.
			vt := tableOf(attachOf(v))
			if vt == nil {
				continue
			}
			for _, sa := range tgw.SiteAttachments {
				if sa.Site != st.Name {
					continue
				}
				vt.Propagations = append(vt.Propagations, sa.ID)
				for _, c := range st.CIDRs {
					vt.Routes = append(vt.Routes, design.TransitGatewayRoute{Destination: c, Attachment: sa.ID, Propagated: sa.Kind,
						Reason: fmt.Sprintf("propagated from onprem:%s over %s: declared flows between %s and the site", st.Name, kindWord(sa.Kind), v.vpc.Name)})
				}
			}
		}
		tgw.RouteTables = append(tgw.RouteTables, rt)
		p.d.Sites = append(p.d.Sites, site)
		p.noteSite(st, site, vpcs)
	}
	slices.SortFunc(tgw.SiteAttachments, func(a, b design.SiteAttachment) int { return strings.Compare(a.ID, b.ID) })
}

func kindWord(kind string) string {
	if kind == design.AttachDirectConnect {
		return "Direct Connect"
	}
	return "the VPN"
}

func (p *planner) noteSite(st spec.Site, site design.Site, vpcs []*vpcPlan) {
	var names []string
	for _, v := range vpcs {
		names = append(names, v.vpc.Name)
	}
	reach := "no VPC (no declared flow crosses to it)"
	if len(names) > 0 {
		reach = strings.Join(names, ", ")
	}
	switch st.Connect {
	case spec.ConnectVPN:
		p.note("hybrid", "onprem:%s connects by Site-to-Site VPN: customer gateway ASN %d, two tunnels (%s, %s) with BGP; its route table reaches %s, and only those VPCs learn its blocks %s.",
			st.Name, st.ASN, site.VPN.Tunnels[0].InsideCIDR, site.VPN.Tunnels[1].InsideCIDR, reach, prefixList(st.CIDRs))
	case spec.ConnectDirectConnect:
		p.note("hybrid", "onprem:%s connects by Direct Connect: gateway %s (ASN %d) associated with the Transit Gateway, advertising %s; the transit virtual interface rides your Direct Connect connection. Its route table reaches %s.",
			st.Name, site.DirectConnect.ID, site.DirectConnect.ASN, prefixList(site.DirectConnect.AllowedPrefixes), reach)
	default:
		p.note("hybrid", "onprem:%s connects by Direct Connect (gateway %s, ASN %d) with a Site-to-Site VPN as backup: both propagate the site's blocks, and the Transit Gateway prefers Direct Connect's routes to a VPN's for the same prefix. Toward AWS, have the site's router prefer the Direct Connect session (a higher BGP local preference), since AWS advertises the same prefixes over both. Its route table reaches %s.",
			st.Name, site.DirectConnect.ID, site.DirectConnect.ASN, reach)
	}
}

// siteFlows adds the declared flows between services and sites: each
// onprem:SITE:PORT dependency, and each callers_from site calling the
// service on its port (through its internal load balancer).
func (p *planner) siteFlows() []design.Flow {
	var fs []design.Flow
	for _, svc := range p.spec.Services {
		for _, ref := range svc.Onprem {
			to := design.SiteRef(ref.Site)
			fs = append(fs, design.Flow{
				ID:   fmt.Sprintf("%s->%s:%d/tcp", svc.Name, to, ref.Port),
				Kind: design.FlowOnprem, From: svc.Name, To: to, Port: ref.Port, Transport: "tcp", Protocol: "tcp", Origin: ref.At,
			})
		}
		for _, ref := range svc.CallersFrom {
			from := design.SiteRef(ref.Site)
			tr := transport(svc.Protocol)
			fs = append(fs, design.Flow{
				ID:   fmt.Sprintf("%s->%s:%d/%s", from, svc.Name, svc.Port, tr),
				Kind: design.FlowOnprem, From: from, To: svc.Name, Port: svc.Port, Transport: tr, Protocol: svc.Protocol, Origin: ref.At,
			})
		}
	}
	return fs
}

// resolverSubnets are where a VPC's Resolver endpoints put their ENIs:
// two AZs of the subnets that hold the internal load balancers.
func (p *planner) resolverSubnets(v *vpcPlan) []string {
	hosts := p.subnetsOf(v, design.TierEndpoints)
	if len(hosts) == 0 {
		hosts = p.subnetsOf(v, design.TierApp)[:len(v.vpc.AZs)]
	}
	return hosts[:awsfacts.ResolverEndpointMinIPs]
}

// resolver designs hybrid DNS: an outbound endpoint with a forwarding rule
// per site domain, associated with the VPCs that call the site, and an
// inbound endpoint the calling sites resolve the VPCs' names through; each
// with a group admitting DNS to or from the sites only.
func (p *planner) resolver() {
	if !p.vpcs[0].hostsResolver || p.diags.HasErrors() {
		return
	}
	v := p.vpcs[0]
	subnets := p.resolverSubnets(v)
	if p.resolverInbound() {
		p.d.ResolverEndpoints = append(p.d.ResolverEndpoints, design.ResolverEndpoint{
			ID: "rslvr-in-" + v.vpc.Name, Direction: design.ResolverInbound, VPC: v.vpc.ID, Subnets: subnets, SecurityGroup: "sg-" + v.vpc.Name + "-resolver-in",
		})
	}
	if !p.resolverOutbound() {
		p.note("dns", "An inbound Route 53 Resolver endpoint in %s answers the calling sites for %s; point their DNS servers' forwarders at its addresses.", v.vpc.Name, p.spec.Discovery.Namespace)
		return
	}
	out := design.ResolverEndpoint{ID: "rslvr-out-" + v.vpc.Name, Direction: design.ResolverOutbound, VPC: v.vpc.ID, Subnets: subnets, SecurityGroup: "sg-" + v.vpc.Name + "-resolver-out"}
	p.d.ResolverEndpoints = append(p.d.ResolverEndpoints, out)
	var domains []string
	for _, st := range p.spec.Sites {
		if st.DNS == nil {
			continue
		}
		var vpcs []string
		for _, svc := range p.spec.Services {
			if slices.ContainsFunc(svc.Onprem, func(r spec.SiteRef) bool { return r.Site == st.Name }) {
				if cv := p.vpcOf(svc.Name); cv != nil && !slices.Contains(vpcs, cv.vpc.ID) {
					vpcs = append(vpcs, cv.vpc.ID)
				}
			}
		}
		if len(vpcs) == 0 {
			for _, o := range p.vpcs {
				if o.vpc.Role == design.RoleApp {
					vpcs = append(vpcs, o.vpc.ID)
				}
			}
		}
		slices.Sort(vpcs)
		for _, dom := range st.DNS.Domains {
			p.d.ResolverRules = append(p.d.ResolverRules, design.ResolverRule{
				ID: "rslvr-rule-" + strings.ReplaceAll(dom, ".", "-"), Domain: dom, Site: st.Name, Endpoint: out.ID,
				Targets: slices.Clone(st.DNS.Servers), VPCs: vpcs,
			})
			domains = append(domains, dom)
		}
	}
	p.note("dns", "Route 53 Resolver endpoints in %s (%s): the outbound one forwards %s to the sites' DNS servers for the VPCs that call them; the inbound one answers the calling sites for %s. Each endpoint's group admits DNS on TCP and UDP 53 to or from the sites only.",
		v.vpc.Name, strings.Join(subnets, ", "), strings.Join(domains, ", "), p.spec.Discovery.Namespace)
}

// resolverSecurity gives each Resolver endpoint its group: the inbound
// one admits DNS from the calling sites' blocks, the outbound one reaches
// the sites' DNS servers; both on TCP and UDP 53, nothing else.
func (p *planner) resolverSecurity(set *sgSet) {
	for _, ep := range p.d.ResolverEndpoints {
		v := p.d.VPC(ep.VPC)
		g := set.add(design.SecurityGroup{ID: ep.SecurityGroup, Name: v.Name + "-" + strings.TrimPrefix(ep.SecurityGroup, "sg-"+v.Name+"-"), VPC: v.ID, Kind: design.SGResolver, Owner: ep.ID,
			Description: fmt.Sprintf("Route 53 Resolver %s endpoint: DNS on TCP and UDP 53 %s the sites only", strings.ToLower(ep.Direction), map[bool]string{true: "from", false: "to"}[ep.Direction == design.ResolverInbound])})
		for _, proto := range []string{"udp", "tcp"} {
			if ep.Direction == design.ResolverInbound {
				for _, st := range p.callingSites() {
					for _, c := range st.CIDRs {
						addRule(&g.Ingress, design.SGRule{Protocol: proto, FromPort: design.DNSPort, ToPort: design.DNSPort, PeerCIDR: c,
							Description: fmt.Sprintf("onprem:%s resolves %s through the inbound endpoint", st.Name, p.spec.Discovery.Namespace)})
					}
				}
				continue
			}
			for _, st := range p.d.Sites {
				if st.DNS == nil {
					continue
				}
				for _, a := range st.DNS.Servers {
					addRule(&g.Egress, design.SGRule{Protocol: proto, FromPort: design.DNSPort, ToPort: design.DNSPort, PeerCIDR: netip.PrefixFrom(a, 32),
						Description: fmt.Sprintf("forwards %s to a DNS server of onprem:%s", strings.Join(st.DNS.Domains, " "), st.Name)})
				}
			}
		}
	}
}

// callingSites are the sites some service admits through callers_from.
func (p *planner) callingSites() []spec.Site {
	var out []spec.Site
	for _, st := range p.spec.Sites {
		if slices.ContainsFunc(p.spec.Services, func(s spec.Service) bool {
			return slices.ContainsFunc(s.CallersFrom, func(r spec.SiteRef) bool { return r.Site == st.Name })
		}) {
			out = append(out, st)
		}
	}
	return out
}

// resolverNACLs opens the endpoints' subnets to DNS with the sites.
func (p *planner) resolverNACLs(set *naclSet) {
	for _, ep := range p.d.ResolverEndpoints {
		for _, proto := range []string{"udp", "tcp"} {
			if ep.Direction == design.ResolverInbound {
				for _, st := range p.callingSites() {
					set.connection(nil, ep.Subnets, st.CIDRs, nil, proto, design.DNSPort, fmt.Sprintf("onprem:%s asks the inbound Resolver endpoint", st.Name))
				}
				continue
			}
			for _, st := range p.d.Sites {
				if st.DNS == nil {
					continue
				}
				var servers []netip.Prefix
				for _, a := range st.DNS.Servers {
					servers = append(servers, netip.PrefixFrom(a, 32))
				}
				set.connection(ep.Subnets, nil, nil, servers, proto, design.DNSPort, fmt.Sprintf("the outbound Resolver endpoint asks onprem:%s's DNS servers", st.Name))
			}
		}
	}
}

// siteSecurity adds the groups' rules of one flow with a site: the
// caller's egress to the site's blocks on the port, or the internal load
// balancer's ingress from them (and the service's, when the balancer
// keeps the client's address).
func (p *planner) siteSecurity(set *sgSet, f design.Flow, groupOf map[[2]string]*design.SecurityGroup, lbGroup map[string]*design.SecurityGroup) {
	if st := p.d.Site(design.SiteName(f.To)); st != nil {
		svc := p.d.Service(f.From)
		for _, pl := range svc.Placements {
			for _, c := range st.CIDRs {
				addRule(&groupOf[[2]string{f.From, pl.VPC}].Egress, design.SGRule{Protocol: f.Transport, FromPort: f.Port, ToPort: f.Port, PeerCIDR: c,
					Description: fmt.Sprintf("%s calls onprem:%s on %s %d (services.%s.depends_on)", f.From, st.Name, f.Transport, f.Port, f.From), Flows: []string{f.ID}})
			}
		}
		return
	}
	st := p.d.Site(design.SiteName(f.From))
	svc := p.d.Service(f.To)
	pl := homePlacement(svc, p.d.VPCs[0].ID)
	lb, port := p.internalFront(f.To, pl.VPC)
	if lb == nil {
		return
	}
	for _, c := range st.CIDRs {
		addRule(&lbGroup[lb.ID].Ingress, design.SGRule{Protocol: f.Transport, FromPort: port, ToPort: port, PeerCIDR: c,
			Description: fmt.Sprintf("onprem:%s calls %s through %s on %s %d (services.%s.callers_from)", st.Name, f.To, lb.Name, f.Transport, port, f.To), Flows: []string{f.ID}})
		// The target admits the NLB's group by reference when they share
		// a VPC, which admits preserved clients too (security.go).
		if tg := p.frontTargetGroup(lb, f.To); tg != nil && tg.PreserveClientIP && lb.VPC != pl.VPC && !p.d.SharesTransitGateway(lb.VPC, pl.VPC) {
			addRule(&groupOf[[2]string{f.To, pl.VPC}].Ingress, design.SGRule{Protocol: f.Transport, FromPort: tg.Port, ToPort: tg.Port, PeerCIDR: c,
				Description: fmt.Sprintf("onprem:%s keeps its address through %s (client IP preservation)", st.Name, lb.Name), Flows: []string{f.ID}})
		}
	}
}

// siteNACLs opens the subnets one flow with a site crosses.
func (p *planner) siteNACLs(set *naclSet, f design.Flow) {
	if st := p.d.Site(design.SiteName(f.To)); st != nil {
		for _, pl := range p.d.Service(f.From).Placements {
			set.connection(pl.Subnets, nil, p.subnetCIDRs(pl.Subnets), st.CIDRs, f.Transport, f.Port, fmt.Sprintf("%s calls onprem:%s on %d", f.From, st.Name, f.Port))
		}
		return
	}
	st := p.d.Site(design.SiteName(f.From))
	svc := p.d.Service(f.To)
	pl := homePlacement(svc, p.d.VPCs[0].ID)
	lb, port := p.internalFront(f.To, pl.VPC)
	if lb == nil {
		return
	}
	set.connection(nil, lb.Subnets, st.CIDRs, nil, f.Transport, port, fmt.Sprintf("onprem:%s calls %s through %s on %d", st.Name, f.To, lb.Name, port))
	if tg := p.frontTargetGroup(lb, f.To); tg != nil && tg.PreserveClientIP {
		set.connection(nil, pl.Subnets, st.CIDRs, nil, f.Transport, tg.Port, fmt.Sprintf("onprem:%s keeps its address through %s to %s", st.Name, lb.Name, f.To))
	}
}

// frontTargetGroup returns the target group of a service behind a load
// balancer, or nil.
func (p *planner) frontTargetGroup(lb *design.LoadBalancer, service string) *design.TargetGroup {
	for _, l := range lb.Listeners {
		for _, id := range forwardedTargetGroups(l) {
			if tg := p.targetGroupByID(id); tg != nil && tg.Service == service {
				return tg
			}
		}
	}
	return nil
}
