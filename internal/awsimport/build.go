package awsimport

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/diag"
)

// builder joins the answers into a design, collecting warnings.
type builder struct {
	a  *answers
	d  *design.Design
	ds diag.Diagnostics

	subnetVPC  map[string]string
	subnetAZ   map[string]string
	vpcs       map[string]*design.VPC
	prefixes   map[string][]netip.Prefix // prefix list ID -> entries
	lbByName   map[string]string         // "app/NAME/ID" -> ARN
	ownerOfENI map[string]string
	accounts   map[string]bool
	regions    map[string]bool
}

func (b *builder) warn(format string, args ...any) {
	b.ds = append(b.ds, diag.Diagnostic{Severity: diag.Warning, Summary: fmt.Sprintf(format, args...)})
}

// missing warns that a call's answer is absent and what that leaves
// unanswerable, and records it in the design's source.
func (b *builder) missing(call, question string) {
	b.warn("no %s answer: %s", call, question)
	b.d.Source.Unanswerable = append(b.d.Source.Unanswerable, call+": "+question)
}

func dedupe[T any](xs []T, id func(T) string) []T {
	seen := map[string]bool{}
	out := xs[:0:0]
	for _, x := range xs {
		k := id(x)
		if k == "" || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, x)
	}
	slices.SortStableFunc(out, func(p, q T) int { return strings.Compare(id(p), id(q)) })
	return out
}

func (a *answers) build() (*design.Design, diag.Diagnostics) {
	b := &builder{a: a, d: &design.Design{FormatVersion: design.FormatVersion, Source: &design.Source{Kind: "aws"}, Flows: []design.Flow{}, Services: []design.Service{}, VPCs: []design.VPC{}},
		subnetVPC: map[string]string{}, subnetAZ: map[string]string{}, vpcs: map[string]*design.VPC{}, prefixes: map[string][]netip.Prefix{},
		lbByName: map[string]string{}, ownerOfENI: map[string]string{}, accounts: map[string]bool{}, regions: map[string]bool{}}
	a.vpcs = dedupe(a.vpcs, func(v vpc) string { return v.VpcId })
	a.subnets = dedupe(a.subnets, func(s subnet) string { return s.SubnetId })
	a.routeTables = dedupe(a.routeTables, func(r routeTable) string { return r.RouteTableId })
	a.groups = dedupe(a.groups, func(g securityGroup) string { return g.GroupId })
	a.acls = dedupe(a.acls, func(n networkACL) string { return n.NetworkAclId })
	a.interfaces = dedupe(a.interfaces, func(n networkInterface) string { return n.NetworkInterfaceId })
	a.nats = dedupe(a.nats, func(n natGateway) string { return n.NatGatewayId })
	a.igws = dedupe(a.igws, func(g internetGateway) string { return g.InternetGatewayId })
	a.endpoints = dedupe(a.endpoints, func(e vpcEndpoint) string { return e.VpcEndpointId })
	a.peerings = dedupe(a.peerings, func(p vpcPeering) string { return p.VpcPeeringConnectionId })
	a.tgws = dedupe(a.tgws, func(t transitGateway) string { return t.TransitGatewayId })
	a.tgwAttach = dedupe(a.tgwAttach, func(t tgwAttachment) string { return t.TransitGatewayAttachmentId })
	a.tgwVPCAttach = dedupe(a.tgwVPCAttach, func(t tgwVPCAttachment) string { return t.TransitGatewayAttachmentId })
	a.tgwTables = dedupe(a.tgwTables, func(t tgwRouteTable) string { return t.TransitGatewayRouteTableId })
	a.prefixLists = dedupe(a.prefixLists, func(p managedPrefixList) string { return p.PrefixListId })
	a.vgws = dedupe(a.vgws, func(v vpnGateway) string { return v.VpnGatewayId })
	a.vpns = dedupe(a.vpns, func(v vpnConnection) string { return v.VpnConnectionId })
	a.lbs = dedupe(a.lbs, func(l loadBalancer) string { return l.LoadBalancerArn })
	a.listeners = dedupe(a.listeners, func(l listener) string { return l.ListenerArn })
	a.targetGroups = dedupe(a.targetGroups, func(t targetGroup) string { return t.TargetGroupArn })
	a.ecsServices = dedupe(a.ecsServices, func(s ecsService) string { return s.ServiceArn })
	a.ecsTasks = dedupe(a.ecsTasks, func(t ecsTask) string { return t.TaskArn })
	a.namespaces = dedupe(a.namespaces, func(n cmNamespace) string { return n.Id })
	a.cmServices = dedupe(a.cmServices, func(s cmService) string { return s.Id })

	b.prefixLists()
	b.vpcsAndSubnets()
	b.routeTables()
	b.gateways()
	b.securityGroups()
	b.networkACLs()
	b.peerings()
	b.transitGateways()
	b.vpnGateways()
	b.loadBalancers()
	b.ecs()
	b.interfaces()
	b.cloudMap()
	b.missingCalls()

	b.d.Source.Accounts = sortedSet(b.accounts)
	b.d.Source.Regions = sortedSet(b.regions)
	b.d.Regions = b.d.Source.Regions
	if b.d.Regions == nil {
		b.d.Regions = []string{}
	}
	b.d.App = "imported"
	if len(b.d.Source.Accounts) > 0 {
		b.d.App = strings.Join(b.d.Source.Accounts, ",")
	}
	b.d.Environment = "imported"
	b.ds.Sort()
	return b.d, b.ds
}

func sortedSet(m map[string]bool) []string {
	var out []string
	for k := range m {
		if k != "" {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// regionOfAZ returns the Region of an Availability Zone name
// (us-east-1a -> us-east-1, us-west-2-lax-1a -> us-west-2).
func regionOfAZ(az string) string {
	parts := strings.Split(az, "-")
	if len(parts) < 3 {
		return ""
	}
	last := parts[2]
	for i, r := range last {
		if r < '0' || r > '9' {
			last = last[:i]
			break
		}
	}
	if last == "" {
		return ""
	}
	return strings.Join(parts[:2], "-") + "-" + last
}

func parsePrefix(s string) (netip.Prefix, bool) {
	p, err := netip.ParsePrefix(strings.TrimSpace(s))
	if err != nil || !p.Addr().Is4() {
		return netip.Prefix{}, false
	}
	return p.Masked(), true
}

func parseAddr(s string) (netip.Addr, bool) {
	a, err := netip.ParseAddr(strings.TrimSpace(s))
	if err != nil || !a.Is4() {
		return netip.Addr{}, false
	}
	return a, true
}

func (b *builder) prefixLists() {
	for _, p := range b.a.prefixLists {
		var cidrs []netip.Prefix
		for _, c := range p.Cidrs {
			if pr, ok := parsePrefix(c); ok {
				cidrs = append(cidrs, pr)
			}
		}
		for _, e := range b.a.prefixEntries[p.PrefixListId] {
			if pr, ok := parsePrefix(e.Cidr); ok {
				cidrs = append(cidrs, pr)
			}
		}
		if p.AddressFamily == "IPv6" {
			continue
		}
		b.prefixes[p.PrefixListId] = cidrs
		b.d.PrefixLists = append(b.d.PrefixLists, design.PrefixList{ID: p.PrefixListId, Name: p.PrefixListName, CIDRs: cidrs})
	}
	for id, es := range b.a.prefixEntries {
		if _, ok := b.prefixes[id]; ok || id == "" {
			continue
		}
		var cidrs []netip.Prefix
		for _, e := range es {
			if pr, ok := parsePrefix(e.Cidr); ok {
				cidrs = append(cidrs, pr)
			}
		}
		b.prefixes[id] = cidrs
		b.d.PrefixLists = append(b.d.PrefixLists, design.PrefixList{ID: id, CIDRs: cidrs})
	}
	slices.SortFunc(b.d.PrefixLists, func(p, q design.PrefixList) int { return strings.Compare(p.ID, q.ID) })
}

func (b *builder) vpcsAndSubnets() {
	for _, v := range b.a.vpcs {
		primary, ok := parsePrefix(v.CidrBlock)
		if !ok {
			b.warn("vpc %s: CidrBlock %q is not an IPv4 block; the VPC is skipped", v.VpcId, v.CidrBlock)
			continue
		}
		b.accounts[v.OwnerId] = true
		dv := design.VPC{ID: v.VpcId, Name: nameTag(v.Tags), CIDR: primary, AZs: []string{}, Subnets: []design.Subnet{}, RouteTables: []design.RouteTable{}}
		for _, c := range v.CidrBlockAssociationSet {
			p, ok := parsePrefix(c.CidrBlock)
			if !ok || p == primary || c.CidrBlockState.State != "" && c.CidrBlockState.State != "associated" {
				continue
			}
			dv.SecondaryCIDRs = append(dv.SecondaryCIDRs, p)
		}
		b.d.VPCs = append(b.d.VPCs, dv)
	}
	for i := range b.d.VPCs {
		b.vpcs[b.d.VPCs[i].ID] = &b.d.VPCs[i]
	}
	for _, s := range b.a.subnets {
		v := b.vpcs[s.VpcId]
		if v == nil {
			b.warn("subnet %s: its vpc %q is not in the files; the subnet is skipped", s.SubnetId, s.VpcId)
			continue
		}
		p, ok := parsePrefix(s.CidrBlock)
		if !ok {
			b.warn("subnet %s: CidrBlock %q is not an IPv4 block (IPv6-only subnets are not read); it is skipped", s.SubnetId, s.CidrBlock)
			continue
		}
		if _, in := v.BlockHolding(p); !in {
			b.warn("subnet %s: %s lies in none of vpc %s's blocks; it is skipped", s.SubnetId, p, v.ID)
			continue
		}
		region := regionOfAZ(s.AvailabilityZone)
		if r := arnRegion(s.SubnetArn); r != "" {
			region = r
		}
		b.regions[region] = true
		if v.Region == "" {
			v.Region = region
		}
		if !slices.Contains(v.AZs, s.AvailabilityZone) {
			v.AZs = append(v.AZs, s.AvailabilityZone)
		}
		capacity := 1<<(32-p.Bits()) - 5
		v.Subnets = append(v.Subnets, design.Subnet{ID: s.SubnetId, Name: nameTag(s.Tags), AZ: s.AvailabilityZone, CIDR: p, Capacity: max(capacity, 0), Demand: []design.Demand{}})
		b.subnetVPC[s.SubnetId] = v.ID
		b.subnetAZ[s.SubnetId] = s.AvailabilityZone
	}
	for i := range b.d.VPCs {
		v := &b.d.VPCs[i]
		slices.Sort(v.AZs)
		for j := range v.Subnets {
			v.Subnets[j].AZIndex = slices.Index(v.AZs, v.Subnets[j].AZ)
		}
	}
}

// arnRegion returns the Region field of an ARN, or "".
func arnRegion(arn string) string {
	parts := strings.Split(arn, ":")
	if len(parts) < 6 || parts[0] != "arn" {
		return ""
	}
	return parts[3]
}

func (b *builder) routeTables() {
	main := map[string]string{}
	for _, rt := range b.a.routeTables {
		v := b.vpcs[rt.VpcId]
		if v == nil {
			b.warn("route table %s: its vpc %q is not in the files; it is skipped", rt.RouteTableId, rt.VpcId)
			continue
		}
		drt := design.RouteTable{ID: rt.RouteTableId, Name: nameTag(rt.Tags), Routes: []design.Route{}}
		for _, as := range rt.Associations {
			if as.AssociationState.State != "" && as.AssociationState.State != "associated" {
				continue
			}
			switch {
			case as.Main:
				main[v.ID] = rt.RouteTableId
			case as.SubnetId != "":
				for j := range v.Subnets {
					if v.Subnets[j].ID == as.SubnetId {
						v.Subnets[j].RouteTable = rt.RouteTableId
					}
				}
			case strings.HasPrefix(as.GatewayId, "igw-"):
				drt.EdgeGateway = as.GatewayId
			}
		}
		for _, r := range rt.Routes {
			drt.Routes = append(drt.Routes, b.routes(rt.RouteTableId, v, r)...)
		}
		v.RouteTables = append(v.RouteTables, drt)
	}
	for i := range b.d.VPCs {
		v := &b.d.VPCs[i]
		for j := range v.Subnets {
			s := &v.Subnets[j]
			if s.RouteTable == "" {
				s.RouteTable = main[v.ID]
			}
			if s.RouteTable == "" && b.a.seen["RouteTables"] {
				b.warn("subnet %s: no route table is associated and vpc %s has no main route table in the files; reach finds no route from it", s.ID, v.ID)
			}
		}
	}
}

// routes converts one route; a customer-managed prefix list becomes one
// route per entry, which is how longest-prefix match treats it.
func (b *builder) routes(table string, v *design.VPC, r route) []design.Route {
	if r.DestinationIpv6CidrBlock != "" || r.EgressOnlyInternetGatewayId != "" {
		return nil
	}
	out := design.Route{}
	switch {
	case r.GatewayId == "local":
		out.TargetKind = design.TargetLocal
	case strings.HasPrefix(r.GatewayId, "igw-"):
		out.TargetKind, out.Target = design.TargetInternetGateway, r.GatewayId
	case strings.HasPrefix(r.GatewayId, "vgw-"):
		out.TargetKind, out.Target = design.TargetVPNGateway, r.GatewayId
	case strings.HasPrefix(r.GatewayId, "vpce-"):
		out.TargetKind, out.Target = design.TargetGatewayEndpoint, r.GatewayId
		for _, e := range b.a.endpoints {
			if e.VpcEndpointId == r.GatewayId && e.VpcEndpointType == "GatewayLoadBalancer" {
				out.TargetKind = design.TargetGWLBEndpoint
			}
		}
	case r.NatGatewayId != "":
		out.TargetKind, out.Target = design.TargetNATGateway, r.NatGatewayId
	case r.TransitGatewayId != "":
		out.TargetKind, out.Target = design.TargetTransitGateway, r.TransitGatewayId
	case r.VpcPeeringConnectionId != "":
		out.TargetKind, out.Target = design.TargetVPCPeering, r.VpcPeeringConnectionId
	case r.NetworkInterfaceId != "":
		out.TargetKind, out.Target = design.TargetNetworkInterface, r.NetworkInterfaceId
	case r.InstanceId != "":
		out.TargetKind, out.Target = design.TargetNetworkInterface, r.InstanceId
	case r.LocalGatewayId != "":
		out.TargetKind, out.Target = design.TargetOther, r.LocalGatewayId
	case r.CarrierGatewayId != "":
		out.TargetKind, out.Target = design.TargetOther, r.CarrierGatewayId
	case r.CoreNetworkArn != "":
		out.TargetKind, out.Target = design.TargetOther, r.CoreNetworkArn
	default:
		out.TargetKind, out.Target = design.TargetOther, r.GatewayId
	}
	if r.State == "blackhole" {
		out.State = design.RouteBlackhole
	}
	if r.DestinationPrefixListId != "" {
		if out.TargetKind == design.TargetGatewayEndpoint {
			out.DestinationPrefixList = r.DestinationPrefixListId
			return []design.Route{out}
		}
		cidrs, ok := b.prefixes[r.DestinationPrefixListId]
		if !ok {
			b.warn("route table %s: a route to prefix list %s, whose entries are not in the files; the route is skipped (add get-managed-prefix-list-entries)", table, r.DestinationPrefixListId)
			return nil
		}
		var outs []design.Route
		for _, c := range cidrs {
			o := out
			o.Destination = c
			outs = append(outs, o)
		}
		return outs
	}
	p, ok := parsePrefix(r.DestinationCidrBlock)
	if !ok {
		b.warn("route table %s: route destination %q is not an IPv4 block; it is skipped", table, r.DestinationCidrBlock)
		return nil
	}
	out.Destination = p
	if out.TargetKind == design.TargetLocal && !slices.Contains(v.Blocks(), p) {
		// A local route for a block the VPC answer did not list.
		v.SecondaryCIDRs = append(v.SecondaryCIDRs, p)
	}
	return []design.Route{out}
}

func (b *builder) gateways() {
	for _, g := range b.a.igws {
		for _, at := range g.Attachments {
			if v := b.vpcs[at.VpcId]; v != nil && (at.State == "available" || at.State == "attached") {
				v.InternetGateway = g.InternetGatewayId
			}
		}
	}
	if !b.a.seen["InternetGateways"] {
		// The routes name the gateway; without the answer, assume it is
		// attached to the VPC whose tables route to it.
		for i := range b.d.VPCs {
			v := &b.d.VPCs[i]
			for _, rt := range v.RouteTables {
				for _, r := range rt.Routes {
					if r.TargetKind == design.TargetInternetGateway && r.State == "" && v.InternetGateway == "" {
						v.InternetGateway = r.Target
					}
				}
			}
		}
	}
	for _, n := range b.a.nats {
		v := b.vpcs[n.VpcId]
		if v == nil {
			continue
		}
		dn := design.NATGateway{ID: n.NatGatewayId, Subnet: n.SubnetId, AZ: b.subnetAZ[n.SubnetId], State: n.State, Private: n.ConnectivityType == "private"}
		for _, ad := range n.NatGatewayAddresses {
			if a, ok := parseAddr(ad.PublicIp); ok && !dn.PublicIP.IsValid() {
				dn.PublicIP = a
			}
			if ad.NetworkInterfaceId != "" {
				b.ownerOfENI[ad.NetworkInterfaceId] = n.NatGatewayId
			}
		}
		if b.subnetVPC[n.SubnetId] != v.ID {
			b.warn("nat gateway %s: subnet %q is not in the files; routes through it find no way on", n.NatGatewayId, n.SubnetId)
		}
		v.NATGateways = append(v.NATGateways, dn)
	}
	for _, e := range b.a.endpoints {
		v := b.vpcs[e.VpcId]
		if v == nil {
			continue
		}
		for _, id := range e.NetworkInterfaceIds {
			b.ownerOfENI[id] = e.VpcEndpointId
		}
		short := e.ServiceName
		if i := strings.LastIndex(short, "."+v.Region+"."); i >= 0 {
			short = short[i+len(v.Region)+2:]
		}
		switch e.VpcEndpointType {
		case "GatewayLoadBalancer":
			for _, s := range e.SubnetIds {
				b.d.GatewayLoadBalancerEndpoints = append(b.d.GatewayLoadBalancerEndpoints,
					design.GatewayLoadBalancerEndpoint{ID: e.VpcEndpointId, LoadBalancer: e.ServiceName, Subnet: s, AZ: b.subnetAZ[s]})
				break
			}
		case "Gateway":
			v.Endpoints = append(v.Endpoints, design.Endpoint{ID: e.VpcEndpointId, Service: short, ServiceName: e.ServiceName, Kind: design.EndpointGateway, RouteTables: e.RouteTableIds})
		default:
			v.Endpoints = append(v.Endpoints, design.Endpoint{ID: e.VpcEndpointId, Service: short, ServiceName: e.ServiceName, Kind: design.EndpointInterface, Subnets: e.SubnetIds, PrivateDNS: e.PrivateDnsEnabled})
		}
	}
	// Tiers: what the subnet's default route says it is.
	for i := range b.d.VPCs {
		v := &b.d.VPCs[i]
		tables := map[string]*design.RouteTable{}
		for j := range v.RouteTables {
			tables[v.RouteTables[j].ID] = &v.RouteTables[j]
		}
		for j := range v.Subnets {
			s := &v.Subnets[j]
			s.Tier = design.TierData
			if rt := tables[s.RouteTable]; rt != nil {
				if r := rt.RouteFor(netip.MustParseAddr("8.8.8.8")); r != nil && r.State == "" {
					s.Tier = design.TierApp
					if r.TargetKind == design.TargetInternetGateway {
						s.Tier = design.TierPublic
					}
				}
			}
		}
	}
}

// protocol turns EC2's IpProtocol or NACL Protocol (a name or an IANA
// number, -1 for all) into netwright's names: tcp, udp, icmp, all; any
// other protocol keeps its number.
func protocol(p string) string {
	switch strings.ToLower(p) {
	case "-1", "all":
		return "all"
	case "6", "tcp":
		return "tcp"
	case "17", "udp":
		return "udp"
	case "1", "icmp":
		return "icmp"
	}
	return p
}

func (b *builder) securityGroups() {
	ipv6 := 0
	for _, g := range b.a.groups {
		if b.vpcs[g.VpcId] == nil {
			b.warn("security group %s: its vpc %q is not in the files; it is skipped", g.GroupId, g.VpcId)
			continue
		}
		sg := design.SecurityGroup{ID: g.GroupId, Name: g.GroupName, Description: g.Description, VPC: g.VpcId, Ingress: []design.SGRule{}, Egress: []design.SGRule{}}
		if g.GroupName == "default" {
			sg.Kind = design.SGDefault
		}
		sg.Ingress, ipv6 = b.sgRules(g.GroupId, g.IpPermissions, ipv6)
		sg.Egress, ipv6 = b.sgRules(g.GroupId, g.IpPermissionsEgress, ipv6)
		b.d.SecurityGroups = append(b.d.SecurityGroups, sg)
	}
	if ipv6 > 0 {
		b.warn("%d security group rules name IPv6 blocks; netwright answers for IPv4 and skips them", ipv6)
	}
}

func (b *builder) sgRules(group string, perms []ipPermission, ipv6 int) ([]design.SGRule, int) {
	out := []design.SGRule{}
	for _, p := range perms {
		base := design.SGRule{Protocol: protocol(p.IpProtocol), FromPort: 0, ToPort: 65535}
		if base.Protocol == "all" {
			base.Protocol = "-1"
		}
		if (base.Protocol == "tcp" || base.Protocol == "udp") && p.FromPort != nil && p.ToPort != nil {
			base.FromPort, base.ToPort = *p.FromPort, *p.ToPort
			if base.FromPort < 0 || base.ToPort > 65535 || base.FromPort > base.ToPort {
				b.warn("security group %s: ports %d-%d are not a port range; the rule is read as all ports", group, base.FromPort, base.ToPort)
				base.FromPort, base.ToPort = 0, 65535
			}
		} else if base.Protocol == "icmp" && p.FromPort != nil && p.ToPort != nil {
			base.FromPort, base.ToPort = *p.FromPort, *p.ToPort
		}
		for _, r := range p.IpRanges {
			c, ok := parsePrefix(r.CidrIp)
			if !ok {
				b.warn("security group %s: %q is not an IPv4 block; the rule is skipped", group, r.CidrIp)
				continue
			}
			x := base
			x.PeerCIDR, x.Description = c, r.Description
			out = append(out, x)
		}
		ipv6 += len(p.Ipv6Ranges)
		for _, pl := range p.PrefixListIds {
			x := base
			x.PeerPrefixList, x.Description = pl.PrefixListId, pl.Description
			cidrs, ok := b.prefixes[pl.PrefixListId]
			if !ok {
				b.warn("security group %s: a rule names prefix list %s, whose entries are not in the files; it admits nothing in netwright's answers", group, pl.PrefixListId)
			}
			x.PrefixListCIDRs = cidrs
			out = append(out, x)
		}
		for _, gp := range p.UserIdGroupPairs {
			x := base
			x.PeerGroup, x.Description = gp.GroupId, gp.Description
			out = append(out, x)
		}
	}
	return out, ipv6
}

func (b *builder) networkACLs() {
	ipv6 := 0
	for _, n := range b.a.acls {
		if b.vpcs[n.VpcId] == nil {
			continue
		}
		acl := design.NetworkACL{ID: n.NetworkAclId, Name: nameTag(n.Tags), VPC: n.VpcId, Subnets: []string{}, Inbound: []design.NACLRule{}, Outbound: []design.NACLRule{}}
		for _, as := range n.Associations {
			if b.subnetVPC[as.SubnetId] == n.VpcId {
				acl.Subnets = append(acl.Subnets, as.SubnetId)
			}
		}
		slices.Sort(acl.Subnets)
		for _, e := range n.Entries {
			if e.Ipv6CidrBlock != "" {
				ipv6++
				continue
			}
			if e.RuleNumber >= 32767 {
				continue // the "*" rule, which every NACL ends with
			}
			c, ok := parsePrefix(e.CidrBlock)
			if !ok {
				b.warn("network acl %s: rule %d's block %q is not IPv4; it is skipped", n.NetworkAclId, e.RuleNumber, e.CidrBlock)
				continue
			}
			r := design.NACLRule{Number: e.RuleNumber, Protocol: protocol(e.Protocol), CIDR: c, Allow: e.RuleAction == "allow", FromPort: 0, ToPort: 65535}
			if e.PortRange != nil && (r.Protocol == "tcp" || r.Protocol == "udp") {
				r.FromPort, r.ToPort = e.PortRange.From, e.PortRange.To
			}
			if e.Egress {
				acl.Outbound = append(acl.Outbound, r)
			} else {
				acl.Inbound = append(acl.Inbound, r)
			}
		}
		for _, rules := range [][]design.NACLRule{acl.Inbound, acl.Outbound} {
			slices.SortFunc(rules, func(x, y design.NACLRule) int { return cmp.Compare(x.Number, y.Number) })
		}
		b.d.NetworkACLs = append(b.d.NetworkACLs, acl)
	}
	if ipv6 > 0 {
		b.warn("%d network ACL entries name IPv6 blocks; netwright answers for IPv4 and skips them", ipv6)
	}
}

func (b *builder) peerings() {
	for _, p := range b.a.peerings {
		if p.Status.Code == "deleted" || p.Status.Code == "rejected" || p.Status.Code == "expired" {
			continue
		}
		dp := design.VPCPeering{ID: p.VpcPeeringConnectionId, Requester: p.RequesterVpcInfo.VpcId, Accepter: p.AccepterVpcInfo.VpcId, Status: p.Status.Code,
			RequesterCIDRs: peerBlocks(p.RequesterVpcInfo), AccepterCIDRs: peerBlocks(p.AccepterVpcInfo)}
		for _, side := range []peeringVPCInfo{p.RequesterVpcInfo, p.AccepterVpcInfo} {
			if b.vpcs[side.VpcId] == nil {
				b.warn("vpc peering %s: vpc %s (account %s, %s) is not in the files; paths across it end there, and rules naming its groups admit nothing", p.VpcPeeringConnectionId, side.VpcId, side.OwnerId, side.Region)
			}
		}
		b.d.VPCPeerings = append(b.d.VPCPeerings, dp)
	}
}

func peerBlocks(info peeringVPCInfo) []netip.Prefix {
	var out []netip.Prefix
	for _, c := range info.CidrBlockSet {
		if p, ok := parsePrefix(c.CidrBlock); ok {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		if p, ok := parsePrefix(info.CidrBlock); ok {
			out = append(out, p)
		}
	}
	return out
}

func (b *builder) transitGateways() {
	vpcAttach := map[string]tgwVPCAttachment{}
	for _, at := range b.a.tgwVPCAttach {
		vpcAttach[at.TransitGatewayAttachmentId] = at
	}
	attachments := b.a.tgwAttach
	// Attachments described only by DescribeTransitGatewayVpcAttachments.
	for _, at := range b.a.tgwVPCAttach {
		if !slices.ContainsFunc(attachments, func(x tgwAttachment) bool { return x.TransitGatewayAttachmentId == at.TransitGatewayAttachmentId }) {
			attachments = append(attachments, tgwAttachment{TransitGatewayAttachmentId: at.TransitGatewayAttachmentId, TransitGatewayId: at.TransitGatewayId, ResourceType: "vpc", ResourceId: at.VpcId, State: at.State})
		}
	}
	for _, t := range b.a.tgws {
		if t.State == "deleted" {
			continue
		}
		dt := design.TransitGateway{ID: t.TransitGatewayId, ASN: int(t.Options.AmazonSideAsn), SecurityGroupReferencing: t.Options.SecurityGroupReferencingSupport == "enable",
			Attachments: []design.TransitGatewayAttachment{}, RouteTables: []design.TransitGatewayRouteTable{}}
		assoc := map[string][]string{}
		for _, at := range attachments {
			if at.TransitGatewayId != t.TransitGatewayId || at.State == "deleted" {
				continue
			}
			da := design.TransitGatewayAttachment{ID: at.TransitGatewayAttachmentId, ResourceType: at.ResourceType, Resource: at.ResourceId, State: at.State}
			if at.ResourceType == "vpc" {
				da.VPC = at.ResourceId
				if va, ok := vpcAttach[at.TransitGatewayAttachmentId]; ok {
					da.Subnets = va.SubnetIds
					da.ApplianceMode = va.Options.ApplianceModeSupport == "enable"
					if va.Options.SecurityGroupReferencingSupport == "disable" {
						// Referencing is a gateway option and an attachment one; both must be on.
						dt.SecurityGroupReferencing = false
					}
				} else {
					b.warn("transit gateway attachment %s: its subnets are not in the files (describe-transit-gateway-vpc-attachments); traffic from the gateway enters %s in any zone", at.TransitGatewayAttachmentId, at.ResourceId)
				}
				if b.vpcs[da.VPC] == nil {
					b.warn("transit gateway attachment %s: vpc %s is not in the files; paths to it end at the gateway", at.TransitGatewayAttachmentId, da.VPC)
				}
			}
			if at.Association != nil && at.Association.TransitGatewayRouteTableId != "" && at.Association.State != "disassociated" {
				assoc[at.Association.TransitGatewayRouteTableId] = append(assoc[at.Association.TransitGatewayRouteTableId], at.TransitGatewayAttachmentId)
			}
			dt.Attachments = append(dt.Attachments, da)
		}
		if b.a.seen["TransitGatewayVpcAttachments"] && !b.a.seen["TransitGatewayAttachments"] {
			b.warn("transit gateway %s: no describe-transit-gateway-attachments answer, so no attachment's route table association is known", t.TransitGatewayId)
		}
		for _, rt := range b.a.tgwTables {
			if rt.TransitGatewayId != t.TransitGatewayId || rt.State == "deleted" {
				continue
			}
			drt := design.TransitGatewayRouteTable{ID: rt.TransitGatewayRouteTableId, Name: nameTag(rt.Tags), Associations: assoc[rt.TransitGatewayRouteTableId], Routes: []design.TransitGatewayRoute{}}
			if drt.Associations == nil {
				drt.Associations = []string{}
			}
			slices.Sort(drt.Associations)
			routes, ok := b.a.tgwRoutes[rt.TransitGatewayRouteTableId]
			if !ok {
				b.warn("transit gateway route table %s: its routes are not in the files (search-transit-gateway-routes); paths through it find no route", rt.TransitGatewayRouteTableId)
			}
			for _, r := range routes {
				var dests []netip.Prefix
				if r.PrefixListId != "" {
					dests = b.prefixes[r.PrefixListId]
				} else if p, ok := parsePrefix(r.DestinationCidrBlock); ok {
					dests = []netip.Prefix{p}
				}
				att := ""
				if len(r.TransitGatewayAttachments) > 0 {
					att = r.TransitGatewayAttachments[0].TransitGatewayAttachmentId
				}
				for _, p := range dests {
					dr := design.TransitGatewayRoute{Destination: p, Attachment: att, Reason: r.Type}
					if r.State == "blackhole" {
						dr.State = design.RouteBlackhole
					}
					drt.Routes = append(drt.Routes, dr)
				}
			}
			dt.RouteTables = append(dt.RouteTables, drt)
		}
		for _, v := range b.d.VPCs {
			if slices.ContainsFunc(dt.Attachments, func(a design.TransitGatewayAttachment) bool { return a.VPC == v.ID }) {
				dt.Region = v.Region
			}
		}
		b.d.TransitGateways = append(b.d.TransitGateways, dt)
	}
}

func (b *builder) vpnGateways() {
	for _, g := range b.a.vgws {
		if g.State == "deleted" {
			continue
		}
		dg := design.VPNGateway{ID: g.VpnGatewayId, State: g.State}
		for _, at := range g.VpcAttachments {
			if at.State == "attached" {
				dg.VPC = at.VpcId
			}
		}
		b.d.VPNGateways = append(b.d.VPNGateways, dg)
	}
	for _, c := range b.a.vpns {
		if c.State == "deleted" {
			continue
		}
		dc := design.VPNConnection{ID: c.VpnConnectionId, State: c.State, TransitGateway: c.TransitGatewayId}
		for _, t := range c.VgwTelemetry {
			if t.Status == "UP" {
				dc.TunnelsUp++
			}
		}
		for _, r := range c.Routes {
			if p, ok := parsePrefix(r.DestinationCidrBlock); ok && r.State != "deleted" {
				dc.Routes = append(dc.Routes, p)
			}
		}
		if g := b.d.VPNGatewayByID(c.VpnGatewayId); g != nil {
			g.Connections = append(g.Connections, dc)
			continue
		}
		if c.TransitGatewayId != "" {
			// Kept on the gateway's attachment for this connection.
			for i := range b.d.TransitGateways {
				for j := range b.d.TransitGateways[i].Attachments {
					at := &b.d.TransitGateways[i].Attachments[j]
					if at.ResourceType == "vpn" && at.Resource == c.VpnConnectionId && c.State != "available" {
						at.State = c.State
					} else if at.ResourceType == "vpn" && at.Resource == c.VpnConnectionId && dc.TunnelsUp == 0 && len(c.VgwTelemetry) > 0 {
						at.State = "tunnels-down"
					}
				}
			}
			continue
		}
		b.warn("vpn connection %s: its gateway %s is not in the files", c.VpnConnectionId, c.VpnGatewayId)
	}
}

func attr(as []attribute, key string) (string, bool) {
	for _, a := range as {
		if a.Key == key {
			return a.Value, true
		}
	}
	return "", false
}

func (b *builder) loadBalancers() {
	tgs := map[string]bool{}
	for _, t := range b.a.targetGroups {
		dt := design.TargetGroup{ID: t.TargetGroupArn, Name: t.TargetGroupName, VPC: t.VpcId, Port: t.Port, Protocol: t.Protocol, ProtocolVersion: t.ProtocolVersion, TargetType: t.TargetType,
			Health: design.TargetHealth{Protocol: t.HealthCheckProtocol, Path: t.HealthCheckPath, Interval: seconds(t.HealthCheckIntervalSeconds), Timeout: seconds(t.HealthCheckTimeoutSeconds),
				HealthyThreshold: t.HealthyThresholdCount, UnhealthyThreshold: t.UnhealthyThresholdCount}}
		if port, err := strconv.Atoi(t.HealthCheckPort); err == nil {
			dt.Health.Port = port
		} else {
			dt.Health.Port = t.Port
		}
		if t.Matcher != nil {
			dt.Health.Matcher = cmp.Or(t.Matcher.HttpCode, t.Matcher.GrpcCode)
		}
		dt.PreserveClientIP = preserveDefault(t)
		if v, ok := attr(b.a.tgAttrs[t.TargetGroupArn], "preserve_client_ip.enabled"); ok {
			dt.PreserveClientIP = v == "true"
		}
		ths, ok := b.a.targetHealth[t.TargetGroupArn]
		if !ok && b.a.seen["TargetHealthDescriptions"] {
			b.warn("target group %s: its targets are not in the files; paths through it end at the load balancer", t.TargetGroupName)
		}
		for _, th := range ths {
			port := th.Target.Port
			if port == 0 {
				port = t.Port
			}
			dt.Targets = append(dt.Targets, design.Target{ID: th.Target.Id, Port: port, AZ: th.Target.AvailabilityZone, Health: th.TargetHealth.State})
		}
		tgs[t.TargetGroupArn] = true
		b.d.TargetGroups = append(b.d.TargetGroups, dt)
	}
	for _, l := range b.a.lbs {
		dl := design.LoadBalancer{ID: l.LoadBalancerArn, Name: l.LoadBalancerName, Type: l.Type, Scheme: l.Scheme, VPC: l.VpcId, DNSName: l.DNSName, State: l.State.Code,
			SecurityGroups: l.SecurityGroups, Subnets: []string{}, Listeners: []design.Listener{}, CrossZone: l.Type == design.ALB}
		for _, az := range l.AvailabilityZones {
			if az.SubnetId != "" {
				dl.Subnets = append(dl.Subnets, az.SubnetId)
			}
		}
		if v, ok := attr(b.a.lbAttrs[l.LoadBalancerArn], "load_balancing.cross_zone.enabled"); ok {
			dl.CrossZone = v == "true"
		}
		if v, ok := attr(b.a.lbAttrs[l.LoadBalancerArn], "deletion_protection.enabled"); ok {
			dl.DeletionProtection = v == "true"
		}
		if i := strings.Index(l.LoadBalancerArn, ":loadbalancer/"); i >= 0 {
			b.lbByName[l.LoadBalancerArn[i+len(":loadbalancer/"):]] = l.LoadBalancerArn
		}
		for _, ln := range b.a.listeners {
			if ln.LoadBalancerArn != l.LoadBalancerArn {
				continue
			}
			dln := design.Listener{ID: ln.ListenerArn, Port: ln.Port, Protocol: ln.Protocol, SSLPolicy: ln.SslPolicy, DefaultAction: b.action(ln.DefaultActions, tgs)}
			if len(ln.Certificates) > 0 {
				dln.Certificate = ln.Certificates[0].CertificateArn
			}
			if len(ln.AlpnPolicy) > 0 {
				dln.ALPNPolicy = ln.AlpnPolicy[0]
			}
			rules := b.a.rules[ln.ListenerArn]
			slices.SortStableFunc(rules, func(x, y listenerRule) int { return cmp.Compare(priority(x), priority(y)) })
			for _, r := range rules {
				if r.IsDefault || r.Priority == "default" {
					continue
				}
				dln.Rules = append(dln.Rules, design.ListenerRule{ID: r.RuleArn, Priority: priority(r), Conditions: b.conditions(r), Action: b.action(r.Actions, tgs), Source: r.RuleArn})
			}
			dl.Listeners = append(dl.Listeners, dln)
		}
		if len(dl.Listeners) == 0 && !b.a.seen["Listeners"] {
			// reported once in missingCalls
		}
		b.d.LoadBalancers = append(b.d.LoadBalancers, dl)
	}
}

func seconds(n int) design.Duration { return design.Duration(int64(n) * 1e9) }

// preserveDefault is NLB's default for client IP preservation: on for
// instance targets and for UDP and TCP_UDP groups, off for IP targets of
// TCP and TLS groups; ALB rewrites the source always (AWS-FACTS.md).
func preserveDefault(t targetGroup) bool {
	switch t.Protocol {
	case "UDP", "TCP_UDP":
		return true
	case "TCP", "TLS":
		return t.TargetType == "instance"
	}
	return false
}

func priority(r listenerRule) int {
	n, err := strconv.Atoi(r.Priority)
	if err != nil {
		return 50001
	}
	return n
}

func (b *builder) action(as []lbAction, tgs map[string]bool) design.Action {
	// Authentication actions come first; the last action decides.
	slices.SortStableFunc(as, func(x, y lbAction) int { return cmp.Compare(x.Order, y.Order) })
	var last *lbAction
	for i := range as {
		if !strings.HasPrefix(as[i].Type, "authenticate") {
			last = &as[i]
		}
	}
	if last == nil {
		return design.Action{Type: design.ActionFixed}
	}
	switch last.Type {
	case "redirect":
		out := design.Action{Type: design.ActionRedirect}
		if c := last.RedirectConfig; c != nil {
			out.RedirectProtocol = c.Protocol
			out.RedirectPort, _ = strconv.Atoi(c.Port)
			out.StatusCode, _ = strconv.Atoi(strings.TrimPrefix(c.StatusCode, "HTTP_"))
		}
		return out
	case "fixed-response":
		out := design.Action{Type: design.ActionFixed}
		if c := last.FixedResponseConfig; c != nil {
			out.StatusCode, _ = strconv.Atoi(c.StatusCode)
		}
		return out
	}
	out := design.Action{Type: design.ActionForward}
	if last.ForwardConfig != nil {
		for _, t := range last.ForwardConfig.TargetGroups {
			w := 1
			if t.Weight != nil {
				w = *t.Weight
			}
			out.Forward = append(out.Forward, design.WeightedTarget{TargetGroup: t.TargetGroupArn, Weight: w})
		}
	}
	if len(out.Forward) == 0 && last.TargetGroupArn != "" {
		out.Forward = []design.WeightedTarget{{TargetGroup: last.TargetGroupArn, Weight: 1}}
	}
	for _, f := range out.Forward {
		if !tgs[f.TargetGroup] && b.a.seen["TargetGroups"] {
			b.warn("a listener forwards to target group %s, which is not in the files", f.TargetGroup)
		}
	}
	return out
}

func (b *builder) conditions(r listenerRule) design.Conditions {
	var c design.Conditions
	values := func(cond ruleCondition, cfg *struct{ Values []string }) []string {
		if cfg != nil && len(cfg.Values) > 0 {
			return cfg.Values
		}
		return cond.Values
	}
	for _, cond := range r.Conditions {
		switch cond.Field {
		case "host-header":
			vs := values(cond, cond.HostHeaderConfig)
			if len(vs) > 0 {
				c.Host = vs[0]
			}
			if len(vs) > 1 {
				b.warn("listener rule %s: host-header has %d values; netwright's route answers for the first, %q", r.RuleArn, len(vs), vs[0])
			}
		case "path-pattern":
			vs := values(cond, cond.PathPatternConfig)
			if len(vs) > 0 {
				c.Path = vs[0]
			}
			if len(vs) > 1 {
				b.warn("listener rule %s: path-pattern has %d values; netwright's route answers for the first, %q", r.RuleArn, len(vs), vs[0])
			}
		case "source-ip":
			for _, v := range values(cond, cond.SourceIpConfig) {
				if p, ok := parsePrefix(v); ok {
					c.SourceIPs = append(c.SourceIPs, p)
				}
			}
		}
	}
	return c
}

// ecs turns ECS services into services placed where their tasks run, and
// tasks into the interfaces they own.
func (b *builder) ecs() {
	for _, t := range b.a.ecsTasks {
		if t.LastStatus == "STOPPED" {
			continue
		}
		dt := design.Task{ARN: t.TaskArn, Cluster: lastPart(t.ClusterArn), Status: t.LastStatus}
		if name, ok := strings.CutPrefix(t.Group, "service:"); ok {
			dt.Service = name
		}
		for _, at := range t.Attachments {
			if at.Type != "ElasticNetworkInterface" {
				continue
			}
			for _, det := range at.Details {
				switch det.Name {
				case "networkInterfaceId":
					dt.Interface = det.Value
				case "privateIPv4Address":
					dt.Addr, _ = parseAddr(det.Value)
				}
			}
		}
		if dt.Interface != "" {
			b.ownerOfENI[dt.Interface] = t.TaskArn
		}
		b.d.Tasks = append(b.d.Tasks, dt)
	}
	for _, s := range b.a.ecsServices {
		if s.Status == "INACTIVE" {
			continue
		}
		svc := design.Service{Name: s.ServiceName, Kind: design.KindService, Protocol: design.ProtoTCP, Replicas: s.DesiredCount, MaxReplicas: s.DesiredCount, Placements: []design.Placement{}}
		for _, lb := range s.LoadBalancers {
			if svc.Port == 0 {
				svc.Port = lb.ContainerPort
			}
			for i := range b.d.TargetGroups {
				if b.d.TargetGroups[i].ID == lb.TargetGroupArn {
					b.d.TargetGroups[i].Service = s.ServiceName
					if v := b.d.TargetGroups[i].ProtocolVersion; v != "" && b.d.TargetGroups[i].Protocol != "TCP" {
						svc.Protocol = map[string]string{design.VersionHTTP1: design.ProtoHTTP, design.VersionHTTP2: design.ProtoHTTP2, design.VersionGRPC: design.ProtoGRPC}[v]
					}
				}
			}
		}
		for _, r := range s.ServiceRegistries {
			if svc.Port == 0 {
				svc.Port = r.Port
			}
		}
		if nc := s.NetworkConfiguration; nc != nil {
			byVPC := map[string]*design.Placement{}
			var order []string
			for _, sn := range nc.AwsvpcConfiguration.Subnets {
				v := b.subnetVPC[sn]
				if v == "" {
					b.warn("ecs service %s: subnet %s is not in the files", s.ServiceName, sn)
					continue
				}
				if byVPC[v] == nil {
					byVPC[v] = &design.Placement{VPC: v, SecurityGroups: nc.AwsvpcConfiguration.SecurityGroups}
					order = append(order, v)
				}
				byVPC[v].Subnets = append(byVPC[v].Subnets, sn)
			}
			for _, v := range order {
				svc.Placements = append(svc.Placements, *byVPC[v])
			}
		}
		if i := slices.IndexFunc(b.d.Services, func(x design.Service) bool { return x.Name == svc.Name }); i >= 0 {
			b.warn("ecs service name %q is used in two clusters; the one in %s is kept as %q", svc.Name, lastPart(s.ClusterArn), lastPart(s.ClusterArn)+"/"+svc.Name)
			svc.Name = lastPart(s.ClusterArn) + "/" + svc.Name
		}
		b.d.Services = append(b.d.Services, svc)
	}
	slices.SortFunc(b.d.Services, func(x, y design.Service) int { return strings.Compare(x.Name, y.Name) })
}

func lastPart(arn string) string {
	if i := strings.LastIndex(arn, "/"); i >= 0 {
		return arn[i+1:]
	}
	return arn
}

func (b *builder) interfaces() {
	all := b.a.interfaces
	for _, r := range b.a.reservations {
		for _, in := range r.Instances {
			b.accounts[r.OwnerId] = true
			di := design.Instance{ID: in.InstanceId, Name: nameTag(in.Tags), State: in.State.Name, Interfaces: []string{}}
			for _, n := range in.NetworkInterfaces {
				di.Interfaces = append(di.Interfaces, n.NetworkInterfaceId)
				if !slices.ContainsFunc(all, func(x networkInterface) bool { return x.NetworkInterfaceId == n.NetworkInterfaceId }) {
					n.Attachment = &struct {
						InstanceId string
						Status     string
					}{InstanceId: in.InstanceId, Status: "attached"}
					if n.AvailabilityZone == "" {
						n.AvailabilityZone = in.Placement.AvailabilityZone
					}
					all = append(all, n)
				}
			}
			b.d.Instances = append(b.d.Instances, di)
		}
	}
	slices.SortFunc(b.d.Instances, func(x, y design.Instance) int { return strings.Compare(x.ID, y.ID) })
	all = dedupe(all, func(n networkInterface) string { return n.NetworkInterfaceId })
	groups := map[string]bool{}
	for _, g := range b.d.SecurityGroups {
		groups[g.ID] = true
	}
	for _, n := range all {
		if b.subnetVPC[n.SubnetId] == "" || b.subnetVPC[n.SubnetId] != n.VpcId {
			b.warn("network interface %s: subnet %q is not in the files; it is skipped", n.NetworkInterfaceId, n.SubnetId)
			continue
		}
		dn := design.NetworkInterface{ID: n.NetworkInterfaceId, VPC: n.VpcId, Subnet: n.SubnetId, AZ: cmp.Or(n.AvailabilityZone, b.subnetAZ[n.SubnetId]),
			Type: cmp.Or(n.InterfaceType, "interface"), Status: n.Status, Description: n.Description, SourceDestCheck: n.SourceDestCheck == nil || *n.SourceDestCheck, PrivateIPs: []netip.Addr{}}
		if a, ok := parseAddr(n.PrivateIpAddress); ok {
			dn.PrivateIPs = append(dn.PrivateIPs, a)
		}
		for _, p := range n.PrivateIpAddresses {
			if a, ok := parseAddr(p.PrivateIpAddress); ok && !slices.Contains(dn.PrivateIPs, a) {
				dn.PrivateIPs = append(dn.PrivateIPs, a)
			}
		}
		if n.Association != nil {
			dn.PublicIP, _ = parseAddr(n.Association.PublicIp)
		}
		for _, g := range n.Groups {
			if !groups[g.GroupId] {
				if b.a.seen["SecurityGroups"] {
					b.warn("network interface %s: security group %s is not in the files; it admits nothing in netwright's answers", n.NetworkInterfaceId, g.GroupId)
				}
				continue
			}
			dn.SecurityGroups = append(dn.SecurityGroups, g.GroupId)
		}
		switch {
		case b.ownerOfENI[n.NetworkInterfaceId] != "":
			dn.Owner = b.ownerOfENI[n.NetworkInterfaceId]
		case n.Attachment != nil && n.Attachment.InstanceId != "":
			dn.Owner = n.Attachment.InstanceId
		case strings.HasPrefix(n.Description, "ELB "):
			dn.Owner = b.lbByName[strings.TrimPrefix(n.Description, "ELB ")]
		case strings.HasPrefix(n.Description, "Network Interface for Transit Gateway Attachment "):
			dn.Owner = strings.TrimPrefix(n.Description, "Network Interface for Transit Gateway Attachment ")
		}
		b.d.Interfaces = append(b.d.Interfaces, dn)
	}
	// Inconsistencies between what ECS and EC2 say.
	for _, t := range b.d.Tasks {
		if t.Interface == "" {
			continue
		}
		n := b.d.Interface(t.Interface)
		switch {
		case n == nil && (b.a.seen["NetworkInterfaces"]):
			b.warn("ecs task %s: its interface %s is not in describe-network-interfaces (the snapshots were taken at different times?)", lastPart(t.ARN), t.Interface)
		case n != nil && t.Addr.IsValid() && !slices.Contains(n.PrivateIPs, t.Addr):
			b.warn("ecs task %s: ECS says its address is %s, but its interface %s has %s; netwright uses the interface's", lastPart(t.ARN), t.Addr, n.ID, addrList(n.PrivateIPs))
		}
	}
}

func addrList(as []netip.Addr) string {
	s := make([]string, len(as))
	for i, a := range as {
		s[i] = a.String()
	}
	return strings.Join(s, ", ")
}

func (b *builder) cloudMap() {
	for _, n := range b.a.namespaces {
		ns := design.Namespace{ID: n.Id, Name: n.Name, Type: n.Type, Services: []design.DiscoveryService{}}
		for _, s := range b.a.cmServices {
			if s.NamespaceId != n.Id {
				continue
			}
			ds := design.DiscoveryService{ID: s.Id, DNSName: s.Name + "." + n.Name, CustomHealthCheck: s.HealthCheckCustomConfig != nil}
			if s.DnsConfig != nil {
				ds.RoutingPolicy = s.DnsConfig.RoutingPolicy
				for _, r := range s.DnsConfig.DnsRecords {
					ds.Records = append(ds.Records, design.DNSRecord{Type: r.Type, TTL: seconds(int(r.TTL))})
				}
			}
			for _, es := range b.a.ecsServices {
				for _, r := range es.ServiceRegistries {
					if r.RegistryArn == s.Arn {
						ds.Service, ds.Port = es.ServiceName, r.Port
					}
				}
			}
			ns.Services = append(ns.Services, ds)
		}
		b.d.Namespaces = append(b.d.Namespaces, ns)
	}
	for _, s := range b.a.cmServices {
		if s.NamespaceId == "" {
			b.warn("cloud map service %s names no namespace: wrap list-services' answer as {\"NamespaceId\": ..., \"Services\": [...]}", s.Name)
		}
	}
}

// calls are the answers import reads, each with the question that cannot
// be answered without it. required ones are warned about always; the
// others only when something in the files needs them.
var calls = []struct {
	key, call, question string
	needed              func(a *answers) bool
}{
	{"Subnets", "describe-subnets", "no subnet is known, so no path can be followed", func(a *answers) bool { return true }},
	{"RouteTables", "describe-route-tables", "no route is known, so every path stops at its first subnet", func(a *answers) bool { return true }},
	{"SecurityGroups", "describe-security-groups", "no security group rule is known, so every interface admits nothing", func(a *answers) bool { return true }},
	{"NetworkAcls", "describe-network-acls", "network ACLs are unknown and are left out of every answer (as if they allowed all)", func(a *answers) bool { return true }},
	{"NetworkInterfaces", "describe-network-interfaces", "addresses, load balancer nodes and task interfaces are unknown beyond the instances' own", func(a *answers) bool { return true }},
	{"InternetGateways", "describe-internet-gateways", "internet gateways are assumed attached to the VPCs whose routes name them", func(a *answers) bool {
		return hasRouteTo(a, func(r route) bool { return strings.HasPrefix(r.GatewayId, "igw-") })
	}},
	{"NatGateways", "describe-nat-gateways", "paths through NAT gateways cannot be followed", func(a *answers) bool { return hasRouteTo(a, func(r route) bool { return r.NatGatewayId != "" }) }},
	{"VpcPeeringConnections", "describe-vpc-peering-connections", "paths across VPC peering cannot be followed", func(a *answers) bool {
		return hasRouteTo(a, func(r route) bool { return r.VpcPeeringConnectionId != "" })
	}},
	{"TransitGateways", "describe-transit-gateways", "paths through Transit Gateways cannot be followed", func(a *answers) bool {
		return hasRouteTo(a, func(r route) bool { return r.TransitGatewayId != "" })
	}},
	{"TransitGatewayRouteTables", "describe-transit-gateway-route-tables", "Transit Gateway routes are unknown", func(a *answers) bool { return len(a.tgws) > 0 }},
	{"TransitGatewayVpcAttachments", "describe-transit-gateway-vpc-attachments", "which subnets a Transit Gateway enters each VPC through is unknown", func(a *answers) bool { return len(a.tgws) > 0 }},
	{"VpnGateways", "describe-vpn-gateways", "paths to virtual private gateways cannot be followed", func(a *answers) bool {
		return hasRouteTo(a, func(r route) bool { return strings.HasPrefix(r.GatewayId, "vgw-") })
	}},
	{"Listeners", "elbv2 describe-listeners", "no listener is known, so nothing reaches a load balancer's targets", func(a *answers) bool { return len(a.lbs) > 0 }},
	{"TargetGroups", "elbv2 describe-target-groups", "target groups are unknown, so listeners forward nowhere", func(a *answers) bool { return len(a.listeners) > 0 }},
	{"TargetHealthDescriptions", "elbv2 describe-target-health", "registered targets are unknown, so paths end at the load balancer", func(a *answers) bool { return len(a.targetGroups) > 0 }},
	{"VpcEndpoints", "describe-vpc-endpoints", "gateway endpoints and GWLB endpoints on routes cannot be followed", func(a *answers) bool {
		return hasRouteTo(a, func(r route) bool { return strings.HasPrefix(r.GatewayId, "vpce-") })
	}},
	{"tasks", "ecs describe-tasks", "services' tasks and their interfaces are unknown; reach by service name uses the service's subnets", func(a *answers) bool { return len(a.ecsServices) > 0 }},
}

func hasRouteTo(a *answers, f func(route) bool) bool {
	for _, rt := range a.routeTables {
		if slices.ContainsFunc(rt.Routes, f) {
			return true
		}
	}
	return false
}

func (b *builder) missingCalls() {
	for _, c := range calls {
		if !b.a.seen[c.key] && c.needed(b.a) {
			b.missing(c.call, c.question)
		}
	}
}
