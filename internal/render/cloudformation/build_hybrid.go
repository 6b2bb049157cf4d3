package cloudformation

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/netwright/netwright/internal/design"
)

// Sites, hybrid DNS and the CloudFront distribution.
//
// A VPN connection or a Direct Connect gateway association on a Transit
// Gateway makes an attachment that CloudFormation does not return
// (AWS::EC2::VPNConnection and AWS::DirectConnect::DirectConnectGatewayAssociation
// give no attachment ID), so the base stack makes the connections and the
// route tables, and a stack of its own per Region (<app>-<region>-sites)
// associates the sites' attachments and propagates their routes, taking
// their IDs as parameters the deployment guide looks up.

type customerGateway struct {
	Type           string `json:"Type"`
	IpAddress      any    `json:"IpAddress"`
	BgpAsn         *int64 `json:"BgpAsn,omitempty"`
	BgpAsnExtended *int64 `json:"BgpAsnExtended,omitempty"`
	Tags           []Tag  `json:"Tags,omitempty"`
}

type vpnTunnelOptions struct {
	TunnelInsideCidr string `json:"TunnelInsideCidr"`
}

type vpnConnection struct {
	Type                           string             `json:"Type"`
	CustomerGatewayId              any                `json:"CustomerGatewayId"`
	TransitGatewayId               any                `json:"TransitGatewayId"`
	StaticRoutesOnly               bool               `json:"StaticRoutesOnly"`
	VpnTunnelOptionsSpecifications []vpnTunnelOptions `json:"VpnTunnelOptionsSpecifications"`
	Tags                           []Tag              `json:"Tags,omitempty"`
}

type dxGateway struct {
	DirectConnectGatewayName string `json:"DirectConnectGatewayName"`
	AmazonSideAsn            string `json:"AmazonSideAsn"`
}

type dxGatewayAssociation struct {
	DirectConnectGatewayId                any      `json:"DirectConnectGatewayId"`
	AssociatedGatewayId                   any      `json:"AssociatedGatewayId"`
	AllowedPrefixesToDirectConnectGateway []string `json:"AllowedPrefixesToDirectConnectGateway"`
}

type tgwPropagation struct {
	TransitGatewayAttachmentId any `json:"TransitGatewayAttachmentId"`
	TransitGatewayRouteTableId any `json:"TransitGatewayRouteTableId"`
}

type resolverAddress struct {
	SubnetId any `json:"SubnetId"`
}

type resolverEndpoint struct {
	Name             string            `json:"Name"`
	Direction        string            `json:"Direction"`
	IpAddresses      []resolverAddress `json:"IpAddresses"`
	SecurityGroupIds []any             `json:"SecurityGroupIds"`
	Tags             []Tag             `json:"Tags,omitempty"`
}

type resolverTarget struct {
	Ip   string `json:"Ip"`
	Port string `json:"Port"`
}

type resolverRule struct {
	Name               string           `json:"Name"`
	RuleType           string           `json:"RuleType"`
	DomainName         string           `json:"DomainName"`
	ResolverEndpointId any              `json:"ResolverEndpointId"`
	TargetIps          []resolverTarget `json:"TargetIps"`
	Tags               []Tag            `json:"Tags,omitempty"`
}

type resolverRuleAssociation struct {
	ResolverRuleId any `json:"ResolverRuleId"`
	VPCId          any `json:"VPCId"`
}

// isSiteAttachment says whether an attachment belongs to a site.
func (b *builder) isSiteAttachment(a string) bool {
	_, sa := b.d.SiteAttachment(a)
	return sa != nil
}

// sites writes each site of the Region: its customer gateway and VPN
// connection, its Direct Connect gateway and the association with the
// Transit Gateway, and the outputs the sites stack and the guide need.
func (b *builder) sites() {
	for _, s := range b.d.Sites {
		if s.Region != b.region {
			continue
		}
		tgw := ref(logicalID(s.TransitGateway))
		if cg := s.CustomerGateway; cg != nil {
			param := logicalID(cg.ID) + "IpAddress"
			b.param(param, "String", fmt.Sprintf("The static public IPv4 address of onprem:%s's VPN device (its outside interface)", s.Name), "")
			props := customerGateway{Type: "ipsec.1", IpAddress: ref(param), Tags: tags(cg.ID)}
			asn := cg.ASN
			if asn > 2147483647 {
				props.BgpAsnExtended = &asn
			} else {
				props.BgpAsn = &asn
			}
			b.add(logicalID(cg.ID), "AWS::EC2::CustomerGateway", props)
		}
		if v := s.VPN; v != nil {
			props := vpnConnection{Type: "ipsec.1", CustomerGatewayId: ref(logicalID(s.CustomerGateway.ID)), TransitGatewayId: tgw, Tags: tags(v.ID)}
			for _, tn := range v.Tunnels {
				props.VpnTunnelOptionsSpecifications = append(props.VpnTunnelOptionsSpecifications, vpnTunnelOptions{TunnelInsideCidr: tn.InsideCIDR.String()})
			}
			b.add(logicalID(v.ID), "AWS::EC2::VPNConnection", props)
			b.output(logicalID(v.ID)+"Id", fmt.Sprintf("VPN connection of onprem:%s; its Transit Gateway attachment is the sites stack's %sId", s.Name, logicalID(v.Attachment)), ref(logicalID(v.ID)))
		}
		if dx := s.DirectConnect; dx != nil {
			b.add(logicalID(dx.ID), "AWS::DirectConnect::DirectConnectGateway", dxGateway{DirectConnectGatewayName: dx.ID, AmazonSideAsn: strconv.FormatInt(dx.ASN, 10)})
			var allowed []string
			for _, p := range dx.AllowedPrefixes {
				allowed = append(allowed, p.String())
			}
			b.add(logicalID(dx.ID)+"Association", "AWS::DirectConnect::DirectConnectGatewayAssociation", dxGatewayAssociation{
				DirectConnectGatewayId: getAtt(logicalID(dx.ID), "DirectConnectGatewayId"), AssociatedGatewayId: tgw, AllowedPrefixesToDirectConnectGateway: allowed})
			b.output(logicalID(dx.ID)+"Id", fmt.Sprintf("Direct Connect gateway of onprem:%s: create the transit virtual interface on your Direct Connect connection to it", s.Name), getAtt(logicalID(dx.ID), "DirectConnectGatewayId"))
			*b.notes = append(*b.notes, fmt.Sprintf("onprem:%s: the transit virtual interface to Direct Connect gateway %s is made on your Direct Connect connection (aws directconnect create-transit-virtual-interface, your VLAN and BGP ASN %d); the templates cannot order the connection.", s.Name, dx.ID, s.ASN))
		}
	}
	if len(b.regionSites()) > 0 {
		for _, t := range b.d.TransitGateways {
			if t.Region != b.region {
				continue
			}
			for _, rt := range t.RouteTables {
				if b.usesSite(rt) {
					b.output(logicalID(rt.ID)+"Id", "Transit Gateway route table "+rt.ID+", taken by the sites stack", ref(logicalID(rt.ID)))
				}
			}
		}
	}
}

func (b *builder) regionSites() []design.Site {
	var out []design.Site
	for _, s := range b.d.Sites {
		if s.Region == b.region {
			out = append(out, s)
		}
	}
	return out
}

// usesSite says whether a route table is associated with a site's
// attachment or learns a site's routes.
func (b *builder) usesSite(rt design.TransitGatewayRouteTable) bool {
	return slices.ContainsFunc(rt.Associations, b.isSiteAttachment) || slices.ContainsFunc(rt.Propagations, b.isSiteAttachment)
}

// SitesStackName is the name of a Region's sites stack.
func SitesStackName(d *design.Design, region string) string { return d.App + "-" + region + "-sites" }

// sitesTemplate is the Region's sites stack: the sites' attachments
// associated with their route tables and propagating into the VPCs'.
func sitesTemplate(d *design.Design, region string, notes *[]string) (*File, error) {
	b := &builder{d: d, region: region, notes: notes}
	b.newTemplate(fmt.Sprintf("netwright design of %s (%s) in %s: the on-premises sites' Transit Gateway attachments, associated and propagated (after the base stack)", d.App, d.Environment, region))
	attParam := func(a string) any {
		id := logicalID(a) + "Id"
		_, sa := d.SiteAttachment(a)
		b.param(id, "String", fmt.Sprintf("ID of Transit Gateway attachment %s (onprem:%s, %s)%s%s", a, sa.Site, sa.Kind, lookupMarker, SiteAttachmentLookup(d, a)), "")
		return ref(id)
	}
	rtParam := func(rt string) any {
		id := logicalID(rt) + "Id"
		b.param(id, "String", fmt.Sprintf("ID of Transit Gateway route table %s: output %s of stack %s", rt, id, StackName(d, design.Stage{Kind: design.StageBase, Region: region})), "")
		return ref(id)
	}
	made := false
	for _, t := range d.TransitGateways {
		if t.Region != region {
			continue
		}
		for _, rt := range t.RouteTables {
			rid := logicalID(rt.ID)
			for _, a := range rt.Associations {
				if b.isSiteAttachment(a) {
					b.add(rid+logicalID(a)+"Association", "AWS::EC2::TransitGatewayRouteTableAssociation", tgwRouteTableAssociation{TransitGatewayAttachmentId: attParam(a), TransitGatewayRouteTableId: rtParam(rt.ID)})
					made = true
				}
			}
			for _, a := range rt.Propagations {
				if b.isSiteAttachment(a) {
					b.add(rid+logicalID(a)+"Propagation", "AWS::EC2::TransitGatewayRouteTablePropagation", tgwPropagation{TransitGatewayAttachmentId: attParam(a), TransitGatewayRouteTableId: rtParam(rt.ID)})
					made = true
				}
			}
		}
	}
	if !made {
		return nil, nil
	}
	return &File{Name: SitesStackName(d, region), Region: region, Template: b.t}, b.err
}

// lookupMarker starts the command in a parameter's description that
// prints its value; the deployment guide runs it.
const lookupMarker = ", printed by: "

// SiteAttachmentLookup is the AWS CLI command that prints a site
// attachment's ID once the base stack made its VPN connection or Direct
// Connect gateway association (output is the guide's shell function).
func SiteAttachmentLookup(d *design.Design, a string) string {
	t, sa := d.SiteAttachment(a)
	site := d.Site(sa.Site)
	base := StackName(d, design.Stage{Kind: design.StageBase, Region: t.Region})
	resource, output := "", ""
	if sa.Kind == design.AttachVPN {
		resource, output = "vpn", logicalID(site.VPN.ID)+"Id"
	} else {
		resource, output = "direct-connect-gateway", logicalID(site.DirectConnect.ID)+"Id"
	}
	return fmt.Sprintf("aws ec2 describe-transit-gateway-attachments --region %s --filters Name=resource-type,Values=%s Name=resource-id,Values=$(output %s %s %s) --query TransitGatewayAttachments[0].TransitGatewayAttachmentId --output text",
		t.Region, resource, t.Region, base, output)
}

// resolver writes the Region's Route 53 Resolver endpoints, rules and
// rule associations.
func (b *builder) resolver() {
	for _, ep := range b.d.ResolverEndpoints {
		if !b.inRegion(ep.VPC) {
			continue
		}
		props := resolverEndpoint{Name: ep.ID, Direction: ep.Direction, SecurityGroupIds: []any{ref(logicalID(ep.SecurityGroup))}, Tags: tags(ep.ID)}
		for _, s := range ep.Subnets {
			props.IpAddresses = append(props.IpAddresses, resolverAddress{SubnetId: ref(logicalID(s))})
		}
		b.add(logicalID(ep.ID), "AWS::Route53Resolver::ResolverEndpoint", props)
		if ep.Direction == design.ResolverInbound {
			b.output(logicalID(ep.ID)+"Id", "Inbound Resolver endpoint: point the sites' DNS forwarders at its addresses (aws route53resolver list-resolver-endpoint-ip-addresses)", getAtt(logicalID(ep.ID), "ResolverEndpointId"))
		}
	}
	for _, r := range b.d.ResolverRules {
		if !slices.ContainsFunc(b.d.ResolverEndpoints, func(ep design.ResolverEndpoint) bool { return ep.ID == r.Endpoint && b.inRegion(ep.VPC) }) {
			continue
		}
		props := resolverRule{Name: r.ID, RuleType: "FORWARD", DomainName: r.Domain, ResolverEndpointId: getAtt(logicalID(r.Endpoint), "ResolverEndpointId"), Tags: tags(r.ID)}
		for _, a := range r.Targets {
			props.TargetIps = append(props.TargetIps, resolverTarget{Ip: a.String(), Port: strconv.Itoa(design.DNSPort)})
		}
		b.add(logicalID(r.ID), "AWS::Route53Resolver::ResolverRule", props)
		for _, v := range r.VPCs {
			b.add(logicalID(r.ID)+logicalID(v), "AWS::Route53Resolver::ResolverRuleAssociation", resolverRuleAssociation{ResolverRuleId: getAtt(logicalID(r.ID), "ResolverRuleId"), VPCId: ref(logicalID(v))})
		}
	}
}

// CloudFront.

type cfOriginHeader struct {
	HeaderName  string `json:"HeaderName"`
	HeaderValue any    `json:"HeaderValue"`
}

type cfCustomOrigin struct {
	OriginProtocolPolicy string   `json:"OriginProtocolPolicy"`
	HTTPSPort            int      `json:"HTTPSPort"`
	OriginSSLProtocols   []string `json:"OriginSSLProtocols"`
}

type cfOrigin struct {
	Id                  string           `json:"Id"`
	DomainName          any              `json:"DomainName"`
	CustomOriginConfig  cfCustomOrigin   `json:"CustomOriginConfig"`
	OriginCustomHeaders []cfOriginHeader `json:"OriginCustomHeaders"`
}

type cfStatusCodes struct {
	Quantity int   `json:"Quantity"`
	Items    []int `json:"Items"`
}

type cfFailover struct {
	StatusCodes cfStatusCodes `json:"StatusCodes"`
}

type cfMember struct {
	OriginId string `json:"OriginId"`
}

type cfMembers struct {
	Quantity int        `json:"Quantity"`
	Items    []cfMember `json:"Items"`
}

type cfOriginGroup struct {
	Id               string     `json:"Id"`
	FailoverCriteria cfFailover `json:"FailoverCriteria"`
	Members          cfMembers  `json:"Members"`
}

type cfOriginGroups struct {
	Quantity int             `json:"Quantity"`
	Items    []cfOriginGroup `json:"Items"`
}

type cfBehavior struct {
	PathPattern           string   `json:"PathPattern,omitempty"`
	TargetOriginId        string   `json:"TargetOriginId"`
	ViewerProtocolPolicy  string   `json:"ViewerProtocolPolicy"`
	AllowedMethods        []string `json:"AllowedMethods"`
	CachedMethods         []string `json:"CachedMethods"`
	CachePolicyId         string   `json:"CachePolicyId"`
	OriginRequestPolicyId string   `json:"OriginRequestPolicyId,omitempty"`
	Compress              bool     `json:"Compress"`
	// GrpcConfig lets the behavior proxy gRPC to the origin over HTTP/2.
	GrpcConfig *cfGrpcConfig `json:"GrpcConfig,omitempty"`
}

type cfGrpcConfig struct {
	Enabled bool `json:"Enabled"`
}

type cfViewerCertificate struct {
	AcmCertificateArn      any    `json:"AcmCertificateArn"`
	SslSupportMethod       string `json:"SslSupportMethod"`
	MinimumProtocolVersion string `json:"MinimumProtocolVersion"`
}

type cfDistributionConfig struct {
	Enabled              bool                `json:"Enabled"`
	Comment              string              `json:"Comment"`
	Aliases              []string            `json:"Aliases,omitempty"`
	HttpVersion          string              `json:"HttpVersion"`
	PriceClass           string              `json:"PriceClass"`
	Origins              []cfOrigin          `json:"Origins"`
	OriginGroups         *cfOriginGroups     `json:"OriginGroups,omitempty"`
	DefaultCacheBehavior cfBehavior          `json:"DefaultCacheBehavior"`
	CacheBehaviors       []cfBehavior        `json:"CacheBehaviors,omitempty"`
	ViewerCertificate    cfViewerCertificate `json:"ViewerCertificate"`
}

type cfDistribution struct {
	DistributionConfig cfDistributionConfig `json:"DistributionConfig"`
	Tags               []Tag                `json:"Tags,omitempty"`
}

// OriginSecretParameter is the parameter the origin header's value is
// given as: never in a template or the design.
const OriginSecretParameter = "OriginVerifySecret"

// originSecret refers to the origin header's secret value.
func (b *builder) originSecret() any {
	b.t.Parameters[OriginSecretParameter] = Parameter{Type: "String", NoEcho: true, MinLength: 32,
		Description: fmt.Sprintf("The secret value of the %s header CloudFront adds and the ALB's rules require: at least 32 random characters (openssl rand -hex 32), the same in every Region's stack", design.OriginHeader)}
	return ref(OriginSecretParameter)
}

// distribution writes the CloudFront distribution in the stack of its
// last origin's Region, which deploys after the others: their ALBs' DNS
// names are outputs of their Regions' stacks, given as parameters.
func (b *builder) distribution() {
	dist := b.d.Distribution
	if dist == nil || len(dist.Origins) == 0 {
		return
	}
	if b.t.Parameters == nil {
		b.t.Parameters = map[string]Parameter{}
	}
	last := dist.Origins[len(dist.Origins)-1].Region
	for _, o := range dist.Origins {
		if o.Region == b.region && o.Region != last {
			// The ALB's rules compare the header; the distribution in
			// the last origin's Region takes its name.
			b.originSecret()
			b.output(logicalID(o.LoadBalancer)+"DNSName", "DNS name of "+o.LoadBalancer+", CloudFront's origin "+o.ID, getAtt(logicalID(o.LoadBalancer), "DNSName"))
		}
	}
	if last != b.region {
		return
	}
	cfg := cfDistributionConfig{Enabled: true, Comment: fmt.Sprintf("%s (%s): CloudFront in front of the public ALB", b.d.App, b.d.Environment),
		Aliases: dist.Aliases, HttpVersion: "http2and3", PriceClass: dist.PriceClass}
	for _, o := range dist.Origins {
		var domain any
		if o.Region == b.region {
			domain = getAtt(logicalID(o.LoadBalancer), "DNSName")
		} else {
			param := logicalID(o.LoadBalancer) + "DNSName"
			b.param(param, "String", fmt.Sprintf("DNS name of %s: output %s of stack %s in %s", o.LoadBalancer, param, StackName(b.d, design.Stage{Kind: design.StageBase, Region: o.Region}), o.Region), "")
			domain = ref(param)
		}
		cfg.Origins = append(cfg.Origins, cfOrigin{Id: o.ID, DomainName: domain,
			CustomOriginConfig:  cfCustomOrigin{OriginProtocolPolicy: o.ProtocolPolicy, HTTPSPort: 443, OriginSSLProtocols: []string{"TLSv1.2"}},
			OriginCustomHeaders: []cfOriginHeader{{HeaderName: o.Header, HeaderValue: b.originSecret()}}})
	}
	if g := dist.OriginGroup; g != nil {
		og := cfOriginGroup{Id: g.ID, FailoverCriteria: cfFailover{StatusCodes: cfStatusCodes{Quantity: len(g.StatusCodes), Items: g.StatusCodes}}, Members: cfMembers{Quantity: len(g.Members)}}
		for _, m := range g.Members {
			og.Members.Items = append(og.Members.Items, cfMember{OriginId: m})
		}
		cfg.OriginGroups = &cfOriginGroups{Quantity: 1, Items: []cfOriginGroup{og}}
	}
	behavior := func(c design.CacheBehavior) cfBehavior {
		b := cfBehavior{PathPattern: c.PathPattern, TargetOriginId: c.Target, ViewerProtocolPolicy: c.ViewerProtocol, AllowedMethods: c.Methods,
			CachedMethods: []string{"GET", "HEAD"}, CachePolicyId: c.CachePolicy, OriginRequestPolicyId: c.OriginRequestPolicy, Compress: c.Compress}
		if c.GRPC {
			b.GrpcConfig = &cfGrpcConfig{Enabled: true}
		}
		return b
	}
	cfg.DefaultCacheBehavior = behavior(dist.DefaultBehavior)
	for _, c := range dist.Behaviors {
		cfg.CacheBehaviors = append(cfg.CacheBehaviors, behavior(c))
	}
	var cert any = dist.Certificate
	switch {
	case dist.Certificate == "auto" && b.region == "us-east-1":
		// The listeners' certificate: CloudFront takes it, being in
		// us-east-1.
		if _, ok := b.t.Parameters["CertificateArn"]; !ok {
			b.param("CertificateArn", "String", "ACM certificate for the public domain (netwright's auto: request it in ACM with DNS validation, then pass its ARN)", "")
		}
		cert = ref("CertificateArn")
	case dist.Certificate == "auto":
		b.param("CloudFrontCertificateArn", "String", "ACM certificate for "+strings.Join(dist.Aliases, ", ")+" in us-east-1, which CloudFront requires (the stack of us-east-1 takes the same as CertificateArn)", "")
		cert = ref("CloudFrontCertificateArn")
	}
	cfg.ViewerCertificate = cfViewerCertificate{AcmCertificateArn: cert, SslSupportMethod: "sni-only", MinimumProtocolVersion: dist.MinimumProtocol}
	id := logicalID(dist.ID)
	b.add(id, "AWS::CloudFront::Distribution", cfDistribution{DistributionConfig: cfg, Tags: tags(dist.ID)})
	b.waive(id, dist.Waiver)
	b.output(id+"DomainName", "The distribution's domain name: point "+strings.Join(dist.Aliases, ", ")+" at it (a Route 53 alias or a CNAME)", getAtt(id, "DomainName"))
}
