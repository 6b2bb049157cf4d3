package plan

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/netwright/netwright/internal/awsfacts"
	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/diag"
	"github.com/netwright/netwright/internal/spec"
)

// hubSites is a hub-and-spoke design where the app's spoke calls the
// site and the shared spoke does not.
const hubSites = `version: 1
app: hyb
network: {pattern: hub_spoke, spokes: [shared]}
services:
  api: {port: 8080, depends_on: ["onprem:corp:5432"]}
  auth: {port: 9000, spoke: shared}
  reports: {port: 7000, callers_from: ["onprem:corp"]}
onprem:
  corp:
    cidrs: [10.200.0.0/16]
    connect: both
    asn: 65010
    dns: {domains: [corp.example.com], servers: [10.200.0.10]}
`

func buildSrc(t *testing.T, src string) *design.Design {
	t.Helper()
	return mustBuild(t, "test", []byte(src))
}

func tgwTable(d *design.Design, attachment string) *design.TransitGatewayRouteTable {
	for i := range d.TransitGateways[0].RouteTables {
		rt := &d.TransitGateways[0].RouteTables[i]
		if slices.Contains(rt.Associations, attachment) {
			return rt
		}
	}
	return nil
}

// TestSiteRoutesOnlyWhereFlowsNeed checks the site's blocks reach the
// spoke whose services call it (in its Transit Gateway table and its
// private route tables) and never the spoke none of whose flows cross to
// it; and that the site's own table reaches only the VPCs it needs.
func TestSiteRoutesOnlyWhereFlowsNeed(t *testing.T) {
	d := buildSrc(t, hubSites)
	site := d.Site("corp")
	if site == nil || site.VPN == nil || site.DirectConnect == nil || site.CustomerGateway == nil {
		t.Fatalf("site corp = %+v; want a VPN, a customer gateway and a Direct Connect gateway", site)
	}
	corp := netip.MustParsePrefix("10.200.0.0/16")
	hasSiteRoute := func(rt *design.TransitGatewayRouteTable) bool {
		return slices.ContainsFunc(rt.Routes, func(r design.TransitGatewayRoute) bool { return r.Destination == corp })
	}
	for _, tc := range []struct {
		vpc  string
		want bool
	}{{"vpc-hyb", true}, {"vpc-hyb-hub", true}, {"vpc-hyb-shared", false}} {
		_, att := d.AttachmentOf(tc.vpc)
		rt := tgwTable(d, att.ID)
		if got := hasSiteRoute(rt); got != tc.want {
			t.Errorf("%s (%s) routes to the site: %v; want %v", rt.ID, tc.vpc, got, tc.want)
		}
		if got := slices.Contains(rt.Propagations, site.VPN.Attachment); got != tc.want {
			t.Errorf("%s propagates the VPN: %v; want %v", rt.ID, got, tc.want)
		}
		v := d.VPC(tc.vpc)
		private := false
		for _, vrt := range v.RouteTables {
			private = private || slices.ContainsFunc(vrt.Routes, func(r design.Route) bool { return r.Destination == corp })
		}
		if private != tc.want {
			t.Errorf("%s's route tables route to the site: %v; want %v", tc.vpc, private, tc.want)
		}
	}
	st := tgwTable(d, site.VPN.Attachment)
	if st == nil || !slices.Contains(st.Associations, site.DirectConnect.Attachment) {
		t.Fatalf("the site's attachments share no table: %+v", st)
	}
	_, shared := d.AttachmentOf("vpc-hyb-shared")
	if slices.Contains(st.Propagations, shared.ID) {
		t.Errorf("the site's table %s learns the shared spoke, which no site flow needs", st.ID)
	}
	for _, v := range []string{"vpc-hyb", "vpc-hyb-hub"} {
		_, a := d.AttachmentOf(v)
		if !slices.Contains(st.Propagations, a.ID) {
			t.Errorf("the site's table %s does not learn %s", st.ID, v)
		}
	}
}

// TestBothPrefersDirectConnect checks that with connect: both the
// Transit Gateway sends the site's traffic over Direct Connect (its
// propagated routes win over the VPN's for the same prefix, as AWS
// orders them), and over the VPN once Direct Connect's routes are gone.
func TestBothPrefersDirectConnect(t *testing.T) {
	d := buildSrc(t, hubSites)
	site := d.Site("corp")
	_, att := d.AttachmentOf("vpc-hyb")
	tgw := &d.TransitGateways[0]
	dst := netip.MustParseAddr("10.200.1.1")
	rt := tgwTable(d, att.ID)
	// Whatever order the routes are listed in.
	for range 2 {
		if _, r := tgw.RouteFor(att.ID, dst); r == nil || r.Attachment != site.DirectConnect.Attachment {
			t.Fatalf("route to %s = %+v; want Direct Connect's %s", dst, r, site.DirectConnect.Attachment)
		}
		slices.Reverse(rt.Routes)
	}
	rt.Routes = slices.DeleteFunc(rt.Routes, func(r design.TransitGatewayRoute) bool { return r.Propagated == design.AttachDirectConnect })
	if _, r := tgw.RouteFor(att.ID, dst); r == nil || r.Attachment != site.VPN.Attachment {
		t.Fatalf("with Direct Connect down, route to %s = %+v; want the VPN's %s", dst, r, site.VPN.Attachment)
	}
}

// TestSiteConnections checks what each connect value designs and that
// the pieces hold what AWS requires: two tunnels with accepted /30s, a
// Direct Connect ASN apart from the Transit Gateway's, allowed prefixes
// covering the VPCs the site reaches.
func TestSiteConnections(t *testing.T) {
	for _, connect := range []string{"vpn", "direct_connect", "both"} {
		t.Run(connect, func(t *testing.T) {
			d := buildSrc(t, strings.Replace(hubSites, "connect: both", "connect: "+connect, 1))
			s := d.Site("corp")
			if (s.VPN != nil) != (connect != "direct_connect") || (s.DirectConnect != nil) != (connect != "vpn") {
				t.Fatalf("connect %s: vpn %v, direct connect %v", connect, s.VPN != nil, s.DirectConnect != nil)
			}
			if s.VPN != nil {
				if len(s.VPN.Tunnels) != 2 || s.CustomerGateway.ASN != 65010 {
					t.Errorf("vpn %+v, customer gateway %+v; want 2 tunnels and ASN 65010", s.VPN, s.CustomerGateway)
				}
				for _, tn := range s.VPN.Tunnels {
					if !design.ValidTunnelInsideCIDR(tn.InsideCIDR) {
						t.Errorf("tunnel inside CIDR %s is not one AWS takes", tn.InsideCIDR)
					}
				}
			}
			if dx := s.DirectConnect; dx != nil {
				if dx.ASN == int64(d.TransitGateways[0].ASN) {
					t.Errorf("Direct Connect gateway ASN %d is the Transit Gateway's", dx.ASN)
				}
				for _, v := range []string{"vpc-hyb", "vpc-hyb-hub"} {
					if !slices.ContainsFunc(dx.AllowedPrefixes, func(p netip.Prefix) bool { return p.Overlaps(d.VPC(v).CIDR) }) {
						t.Errorf("allowed prefixes %v leave out %s", dx.AllowedPrefixes, v)
					}
				}
				if slices.ContainsFunc(dx.AllowedPrefixes, func(p netip.Prefix) bool { return p.Overlaps(d.VPC("vpc-hyb-shared").CIDR) }) {
					t.Errorf("allowed prefixes %v advertise the shared spoke, which the site does not reach", dx.AllowedPrefixes)
				}
			}
			if errs := d.Validate(); errs != nil {
				t.Errorf("invariants: %v", errs)
			}
		})
	}
}

// TestSitesAvoidVPCBlocks checks the VPCs' default /16s skip a site's
// blocks: a site on 10.0.0.0/16 pushes the first VPC to the next /16.
func TestSitesAvoidVPCBlocks(t *testing.T) {
	d := buildSrc(t, strings.Replace(hubSites, "10.200.0.0/16]", "10.200.0.0/16, 10.0.0.0/15]", 1))
	for _, v := range d.VPCs {
		for _, b := range v.Blocks() {
			if b.Overlaps(netip.MustParsePrefix("10.0.0.0/15")) {
				t.Errorf("%s's block %s overlaps the site", v.ID, b)
			}
		}
	}
}

// TestSiteSecurityIsLeastPrivilege checks the groups admit the site only
// for its declared flows: the internal load balancer of reports from the
// site's block on the listener port, api's egress to it on 5432, and no
// other group names the site's blocks but the Resolver endpoints', on 53.
func TestSiteSecurityIsLeastPrivilege(t *testing.T) {
	d := buildSrc(t, hubSites)
	corp := netip.MustParsePrefix("10.200.0.0/16")
	dns := netip.MustParsePrefix("10.200.0.10/32")
	for _, g := range d.SecurityGroups {
		for dir, rules := range [][]design.SGRule{g.Ingress, g.Egress} {
			for _, r := range rules {
				if !r.PeerCIDR.IsValid() || !corp.Overlaps(r.PeerCIDR) {
					continue
				}
				switch {
				case g.Kind == design.SGLoadBalancer && dir == 0 && r.FromPort == 7000 && r.ToPort == 7000 && r.PeerCIDR == corp:
				case g.Owner == "api" && dir == 1 && r.FromPort == 5432 && r.ToPort == 5432 && r.PeerCIDR == corp:
				case g.Kind == design.SGResolver && r.FromPort == design.DNSPort && r.ToPort == design.DNSPort &&
					(dir == 0 && r.PeerCIDR == corp && strings.HasSuffix(g.ID, "-in") || dir == 1 && r.PeerCIDR == dns && strings.HasSuffix(g.ID, "-out")):
				default:
					t.Errorf("%s %s rule %s %s %s (%s) names the site beyond its flows", g.ID, []string{"ingress", "egress"}[dir], r.Protocol, r.Ports(), r.Peer(), r.Description)
				}
			}
		}
	}
}

// TestResolverEndpoints checks hybrid DNS: two endpoints with ENIs in two
// AZs, a rule per site domain to its servers through the outbound one,
// associated with the VPC that calls the site.
func TestResolverEndpoints(t *testing.T) {
	d := buildSrc(t, hubSites)
	if len(d.ResolverEndpoints) != 2 {
		t.Fatalf("resolver endpoints = %+v; want an inbound and an outbound", d.ResolverEndpoints)
	}
	for _, ep := range d.ResolverEndpoints {
		azs := map[string]bool{}
		for _, s := range ep.Subnets {
			_, sub := d.Subnet(s)
			azs[sub.AZ] = true
		}
		if len(azs) < awsfacts.ResolverEndpointMinIPs {
			t.Errorf("%s has ENIs in %d AZs; want %d", ep.ID, len(azs), awsfacts.ResolverEndpointMinIPs)
		}
	}
	if len(d.ResolverRules) != 1 {
		t.Fatalf("rules = %+v; want one for corp.example.com", d.ResolverRules)
	}
	r := d.ResolverRules[0]
	if r.Domain != "corp.example.com" || !slices.Equal(r.VPCs, []string{"vpc-hyb"}) || r.Targets[0] != netip.MustParseAddr("10.200.0.10") {
		t.Errorf("rule = %+v; want corp.example.com to 10.200.0.10 for vpc-hyb", r)
	}
}

// TestCloudFrontFrontsTheALB checks the edge: the ALB's only listener is
// HTTPS, every forwarding rule needs the origin header and the default
// answers 403; its group admits only CloudFront's prefix list; static
// paths are cached and the rest is not.
func TestCloudFrontFrontsTheALB(t *testing.T) {
	src := `version: 1
app: cf
services:
  web: {port: 8080, public: true}
  api: {port: 9090, public: true}
ingress:
  - {path: /api/*, to: api}
  - {to: web}
tls: {domain: cf.example.com}
edge: {cloudfront: true, static_paths: [/assets/*]}
`
	d := buildSrc(t, src)
	lb, l := d.PublicHTTPSListener()
	if len(lb.Listeners) != 1 {
		t.Errorf("the ALB has %d listeners; want HTTPS only", len(lb.Listeners))
	}
	if l.DefaultAction.Type != design.ActionFixed || l.DefaultAction.StatusCode != 403 {
		t.Errorf("default action = %+v; want a 403", l.DefaultAction)
	}
	for _, r := range l.Rules {
		if !slices.Contains(r.Conditions.Headers, design.KeyValue{Key: design.OriginHeader, Value: design.OriginSecret}) {
			t.Errorf("rule %s forwards without the origin header", r.ID)
		}
	}
	if len(l.Rules) != 2 {
		t.Errorf("%d rules; want /api/* and the former default", len(l.Rules))
	}
	for _, g := range d.SecurityGroups {
		if g.Owner != lb.ID {
			continue
		}
		if len(g.Ingress) != 1 || g.Ingress[0].PeerPrefixList != design.CloudFrontPrefixList || g.Ingress[0].FromPort != 443 {
			t.Errorf("%s ingress = %+v; want CloudFront's prefix list on 443 alone", g.ID, g.Ingress)
		}
	}
	dist := d.Distribution
	if dist == nil || len(dist.Behaviors) != 1 || dist.Behaviors[0].CachePolicy != cachingOptimized || dist.DefaultBehavior.CachePolicy != cachingDisabled {
		t.Fatalf("distribution = %+v; want /assets/* cached and the default not", dist)
	}
	if dist.Certificate != "auto" || dist.Origins[0].Header != design.OriginHeader {
		t.Errorf("distribution = %+v", dist)
	}
}

// TestCloudFrontRuleLimit checks a rule with five condition values has no
// room for the origin header: an error names it.
func TestCloudFrontRuleLimit(t *testing.T) {
	src := `version: 1
app: cf
services:
  web: {port: 8080, public: true}
ingress:
  - {host: a.example.com, path: /x/*, methods: [GET, POST, PUT], to: web}
  - {to: web}
tls: {domain: cf.example.com}
edge: {cloudfront: true}
`
	s, ds := spec.Parse("t.yaml", []byte(src))
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	_, ds = Build(s)
	if !slices.ContainsFunc(ds, func(x diag.Diagnostic) bool {
		return strings.Contains(x.Summary, "condition values with CloudFront's origin header")
	}) {
		t.Errorf("no error for a rule past five values: %v", ds)
	}
}

// TestHybridCost checks the estimate prices what the sites and the edge
// add, from the design's own counts: a VPN connection and a Direct
// Connect port per site (the port speed a stated assumption), an ENI-hour
// per Resolver endpoint address, and CloudFront's requests.
func TestHybridCost(t *testing.T) {
	d := mustBuild(t, "hybrid", examples(t)["hybrid"])
	items := map[string]design.CostItem{}
	for _, it := range d.Cost.Items {
		items[strings.SplitN(it.What, " (", 2)[0]] = it
	}
	enis := 0
	for _, ep := range d.ResolverEndpoints {
		enis += len(ep.Subnets)
	}
	hour := func(key string, n int) float64 {
		return round(float64(n*awsfacts.HoursPerMonth) * awsfacts.LookupPrice(key).USD)
	}
	for what, want := range map[string]float64{
		"Site-to-Site VPN connections":    hour("vpn_connection_hour", 1),
		"Direct Connect ports":            hour("dx_port_1g_hour", 1),
		"Route 53 Resolver endpoint ENIs": hour("resolver_endpoint_eni_hour", enis),
		"Transit Gateway attachments":     hour("tgw_attachment_hour", 3),
		"CloudFront HTTPS requests":       round(300 * 3600 * awsfacts.HoursPerMonth / 10000 * awsfacts.LookupPrice("cloudfront_https_10k").USD),
	} {
		if got := items[what].USD; got != want {
			t.Errorf("%s = $%.2f; want $%.2f", what, got, want)
		}
	}
	if !strings.Contains(items["Direct Connect ports"].What, "assumed") {
		t.Errorf("the Direct Connect port does not say its speed is assumed: %q", items["Direct Connect ports"].What)
	}
	if _, ok := items["responses to the internet"]; ok {
		t.Error("responses are priced as the ALB's internet egress; CloudFront answers the internet")
	}
}

// TestCloudFrontFailsOverStaticPaths checks a two-Region distribution:
// an origin per Region's ALB, the group failing over from the home
// Region's, static paths (GET, HEAD and OPTIONS only, the methods
// CloudFront fails over) through the group, and the default behavior,
// which takes every method, on the home origin alone.
func TestCloudFrontFailsOverStaticPaths(t *testing.T) {
	src := `version: 1
app: cf
regions: [us-east-1, eu-west-1]
services:
  web: {port: 8080, public: true}
tls: {domain: cf.example.com}
edge: {cloudfront: true, static_paths: [/assets/*]}
`
	d := buildSrc(t, src)
	dist := d.Distribution
	if len(dist.Origins) != 2 || dist.Origins[0].Region != "us-east-1" || dist.OriginGroup == nil {
		t.Fatalf("distribution = %+v; want two origins, us-east-1 first, and a group", dist)
	}
	if got := dist.OriginGroup.Members; !slices.Equal(got, []string{dist.Origins[0].ID, dist.Origins[1].ID}) {
		t.Errorf("group members = %v", got)
	}
	for _, c := range dist.Behaviors {
		if c.Target != dist.OriginGroup.ID || !slices.Equal(c.Methods, []string{"GET", "HEAD", "OPTIONS"}) {
			t.Errorf("static behavior %s = %+v; want the group, GET/HEAD/OPTIONS", c.PathPattern, c)
		}
	}
	if dist.DefaultBehavior.Target != dist.Origins[0].ID {
		t.Errorf("the default behavior goes to %s; want the home origin %s (it takes POST, which CloudFront does not fail over)", dist.DefaultBehavior.Target, dist.Origins[0].ID)
	}
	// Every Region's ALB admits CloudFront alone and checks the header.
	for _, lb := range d.LoadBalancers {
		if lb.Scheme != design.InternetFacing {
			continue
		}
		if lb.Listeners[0].DefaultAction.StatusCode != 403 {
			t.Errorf("%s answers %+v by default; want 403", lb.ID, lb.Listeners[0].DefaultAction)
		}
	}
}

// TestCloudFrontGroupWeight pins the prefix list's weight: the ALB's
// group admits CloudFront with one rule that counts as 55 of the 60 a
// group holds.
func TestCloudFrontGroupWeight(t *testing.T) {
	d := mustBuild(t, "hybrid", examples(t)["hybrid"])
	lb, _ := d.PublicHTTPSListener()
	for _, g := range d.SecurityGroups {
		if g.Owner != lb.ID {
			continue
		}
		n := 0
		for _, r := range g.Ingress {
			if r.PeerPrefixList != "" {
				n += awsfacts.PrefixListWeight(r.PeerPrefixList)
			} else {
				n++
			}
		}
		if n != awsfacts.CloudFrontPrefixListWeight || n > awsfacts.RulesPerSecurityGroup {
			t.Errorf("%s's ingress weighs %d; want %d, within %d", g.ID, n, awsfacts.CloudFrontPrefixListWeight, awsfacts.RulesPerSecurityGroup)
		}
	}
}

// TestCloudFrontProxiesGRPC: CloudFront proxies gRPC only from a cache
// behavior whose GrpcConfig is enabled (the CloudFront developer guide,
// "Using gRPC with CloudFront distributions"); without it a public gRPC
// service behind the distribution gets its calls over HTTP/1.1, which its
// gRPC target group refuses. The uncached default behavior, which allows
// POST, proxies gRPC when a public service speaks it, and only then.
func TestCloudFrontProxiesGRPC(t *testing.T) {
	src := `version: 1
app: cf
services:
  web: {port: 8080, public: true}
  rpc: {port: 50051, protocol: grpc, public: true}
ingress:
  - {path: /shop.v1.Rpc/*, to: rpc}
  - {to: web}
tls: {domain: cf.example.com}
edge: {cloudfront: true, static_paths: [/assets/*]}
`
	d := buildSrc(t, src)
	if dist := d.Distribution; dist == nil || !dist.DefaultBehavior.GRPC || !slices.Contains(dist.DefaultBehavior.Methods, "POST") {
		t.Fatalf("distribution = %+v; want the default behavior to proxy gRPC, with POST", dist)
	}
	for _, b := range d.Distribution.Behaviors {
		if b.GRPC {
			t.Errorf("static behavior %s proxies gRPC; gRPC needs POST, which it does not allow", b.PathPattern)
		}
	}
	plain := buildSrc(t, strings.Replace(src, "protocol: grpc", "protocol: http", 1))
	if plain.Distribution.DefaultBehavior.GRPC {
		t.Error("the default behavior proxies gRPC with no gRPC service behind it")
	}
}

// TestSitesMayShareAnASN checks two sites with the same ASN (both
// defaulting to 65000) are planned, each with its own customer gateway:
// CreateCustomerGateway takes several gateways with one BGP ASN, and a
// site's route table learns only VPCs, so no site's routes loop through
// another's. Only a Transit Gateway's own ASN is refused.
func TestSitesMayShareAnASN(t *testing.T) {
	src := strings.Replace(hubSites, "    asn: 65010\n", "", 1) + `  lab:
    cidrs: [192.168.50.0/24]
`
	src = strings.Replace(src, `depends_on: ["onprem:corp:5432"]`, `depends_on: ["onprem:corp:5432", "onprem:lab:22"]`, 1)
	d := buildSrc(t, src)
	corp, lab := d.Site("corp"), d.Site("lab")
	if corp == nil || lab == nil {
		t.Fatalf("sites %+v; want corp and lab", d.Sites)
	}
	if corp.CustomerGateway.ASN != spec.DefaultCustomerASN || lab.CustomerGateway.ASN != spec.DefaultCustomerASN {
		t.Errorf("customer gateway ASNs %d, %d; want both %d", corp.CustomerGateway.ASN, lab.CustomerGateway.ASN, spec.DefaultCustomerASN)
	}
	if dx := corp.DirectConnect; dx == nil || dx.ASN == spec.DefaultCustomerASN || dx.ASN == int64(d.TransitGateways[0].ASN) {
		t.Errorf("Direct Connect gateway %+v; want an ASN other than the sites' and the Transit Gateway's", dx)
	}
}

// TestDirectConnectAdvertisesMoreThan20Prefixes checks a site reached by
// 22 VPCs whose blocks do not summarise is planned: a Transit Gateway
// advertises up to 200 prefixes to on premises over a transit virtual
// interface ("200 combined total for IPv4 and IPv6",
// https://docs.aws.amazon.com/directconnect/latest/UserGuide/limits.html),
// not 20 as it once did.
func TestDirectConnectAdvertisesMoreThan20Prefixes(t *testing.T) {
	var spokes, svcs, cidrs []string
	for i := range 21 {
		spokes = append(spokes, fmt.Sprintf("s%d", i))
		svcs = append(svcs, fmt.Sprintf("  svc%d: {port: 8080, spoke: s%d, depends_on: [\"onprem:corp:5432\"]}\n", i, i))
	}
	// The site's blocks sit between the VPCs' default /16s, so no two
	// VPC blocks are adjacent and none summarise.
	for i := range 30 {
		cidrs = append(cidrs, fmt.Sprintf("10.%d.0.0/16", 2*i+1))
	}
	src := "version: 1\napp: dx\nnetwork: {pattern: hub_spoke, spokes: [" + strings.Join(spokes, ", ") + "]}\nservices:\n" +
		"  api: {port: 8080, depends_on: [\"onprem:corp:5432\"]}\n" + strings.Join(svcs, "") +
		"onprem:\n  corp:\n    cidrs: [" + strings.Join(cidrs, ", ") + "]\n    connect: direct_connect\n    asn: 65010\n"
	s, ds := spec.Parse("dx.yaml", []byte(src))
	if ds.HasErrors() {
		t.Fatalf("spec diagnostics: %v", ds)
	}
	d, ds := Build(s)
	if ds.HasErrors() {
		t.Fatalf("plan errors: %v", ds)
	}
	dx := d.Site("corp").DirectConnect
	if n := len(dx.AllowedPrefixes); n <= 20 || n > awsfacts.DirectConnectAllowedPrefixes {
		t.Errorf("%d allowed prefixes %v; want more than 20 (the VPC blocks do not summarise) and at most %d", n, dx.AllowedPrefixes, awsfacts.DirectConnectAllowedPrefixes)
	}
	if errs := d.Validate(); errs != nil {
		t.Errorf("invariants: %v", errs)
	}
}

// TestDirectConnectGatewaysPerTransitGateway checks 21 sites connected by
// Direct Connect are refused: each gets a Direct Connect gateway of its
// own, and a Transit Gateway takes at most 20 ("Number of Direct Connect
// gateways associated to a Transit Gateway | 20 | This limit cannot be
// increased", https://docs.aws.amazon.com/directconnect/latest/UserGuide/limits.html).
func TestDirectConnectGatewaysPerTransitGateway(t *testing.T) {
	for _, n := range []int{20, 21} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			var b strings.Builder
			b.WriteString("version: 1\napp: dx\nservices:\n  api: {port: 8080, depends_on: [\"onprem:s0:5432\"]}\nonprem:\n")
			for i := range n {
				fmt.Fprintf(&b, "  s%d:\n    cidrs: [172.16.%d.0/24]\n    connect: direct_connect\n    asn: 65010\n", i, i)
			}
			s, ds := spec.Parse("dx.yaml", []byte(b.String()))
			if ds.HasErrors() {
				t.Fatalf("spec diagnostics: %v", ds)
			}
			_, ds = Build(s)
			refused := strings.Contains(ds.Errors().Error(), "at most 20 Direct Connect gateways")
			if refused != (n > 20) {
				t.Errorf("%d Direct Connect sites: errors %v; want refused %v", n, ds.Errors(), n > 20)
			}
		})
	}
}
