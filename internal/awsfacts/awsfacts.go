// Package awsfacts holds the AWS behaviour, limits and defaults that netwright
// designs against: regions and their Availability Zones, VPC endpoint
// services, ELB TLS policies and the default quotas. Each value follows the
// AWS documentation named beside it.
//
// It owns facts only; deciding what a design does with them belongs to plan
// and analysis.
package awsfacts

import (
	"fmt"
	"slices"
	"strings"
)

// Addressing facts (VPC user guide, "Subnet CIDR blocks").
const (
	// ReservedIPsPerSubnet are the addresses AWS keeps in every subnet: the
	// network address, the VPC router, DNS, one reserved for future use and
	// the broadcast address.
	ReservedIPsPerSubnet = 5
	// MinSubnetPrefix and MaxSubnetPrefix bound subnet and VPC sizes: /16 is
	// the largest, /28 the smallest.
	MinSubnetPrefix = 16
	MaxSubnetPrefix = 28
	// LoadBalancerFreeIPs is how many free addresses an ALB or GWLB needs in
	// each of its subnets to scale.
	LoadBalancerFreeIPs = 8
	// ALBMinSubnetPrefix: ALB subnets must be at least a /27 (ELB user guide,
	// "Subnets for your Application Load Balancer").
	ALBMinSubnetPrefix = 27
	// DeploySurgePercent is ECS's default maximumPercent: a rolling deploy can
	// run twice the desired tasks at once. ECSMinHealthyPercent is its
	// default minimumHealthyPercent (ECS developer guide, "Deployment
	// configuration parameters").
	DeploySurgePercent   = 200
	ECSMinHealthyPercent = 100
	// KubernetesMaxSurgePercent and KubernetesMaxUnavailablePercent are a
	// Deployment's RollingUpdate defaults: 25% each (Kubernetes
	// documentation, "Deployments", Max Surge and Max Unavailable).
	KubernetesMaxSurgePercent       = 25
	KubernetesMaxUnavailablePercent = 25
	// IntraVPCMTU and InternetMTU are the MTUs inside a VPC and through an
	// internet gateway, VPN or inter-region peering.
	IntraVPCMTU = 9001
	InternetMTU = 1500
)

// Default quotas per account and Region (Service Quotas console names). Most
// can be raised on request.
const (
	VPCsPerRegion                 = 5
	SubnetsPerVPC                 = 200
	RouteTablesPerVPC             = 200
	RoutesPerRouteTable           = 50
	NACLsPerVPC                   = 200
	SecurityGroupsPerRegion       = 2500
	NATGatewaysPerAZ              = 5
	ElasticIPsPerRegion           = 5
	InterfaceEndpointsPerVPC      = 50
	GatewayEndpointsPerRegion     = 20
	RouteTablesPerTransitGateway  = 20
	RulesPerSecurityGroup         = 60 // per direction
	SecurityGroupsPerENI          = 5
	NACLRulesPerDirection         = 20 // the default deny among them; see limits.go
	ALBRules                      = 100
	CloudMapServicesPerNamespace  = 2000
	CloudMapInstancesPerService   = 1000
	EKSMaxPodsM5Large             = 29 // 3 ENIs x (10 IPv4 - 1) + 2
	EKSIPv4PerENIM5Large          = 10
	EKSENIsM5Large                = 3
	ECSTrunkedTasksPerInstanceM5L = 10 // awsvpcTrunking on m5.large
	// ECSTrunkedInstanceIPs: an instance with awsvpcTrunking holds its
	// primary ENI's address and the trunk ENI's, both in its subnet.
	ECSTrunkedInstanceIPs = 2
	// EKSBranchENIsM5Large is how many pods with security groups of their
	// own (Security Groups for Pods, one branch ENI each) an m5.large holds
	// (EKS user guide, "Security groups for Pods"; the VPC resource
	// controller's limits table).
	EKSBranchENIsM5Large = 9
)

// Region describes one AWS Region as netwright sees it.
type Region struct {
	Code string
	// AZLetters are the suffixes of the Availability Zone names most accounts
	// see, in order. AZ names map to physical zones per account; exports pick
	// zones by index (Fn::GetAZs), so these letters label the design only.
	AZLetters string
}

// regions lists the commercial, GovCloud and China Regions, sorted by code.
var regions = []Region{
	{"af-south-1", "abc"},
	{"ap-east-1", "abc"},
	{"ap-east-2", "abc"},
	{"ap-northeast-1", "acd"},
	{"ap-northeast-2", "abcd"},
	{"ap-northeast-3", "abc"},
	{"ap-south-1", "abc"},
	{"ap-south-2", "abc"},
	{"ap-southeast-1", "abc"},
	{"ap-southeast-2", "abc"},
	{"ap-southeast-3", "abc"},
	{"ap-southeast-4", "abc"},
	{"ap-southeast-5", "abc"},
	{"ap-southeast-7", "abc"},
	{"ca-central-1", "abd"},
	{"ca-west-1", "abc"},
	{"cn-north-1", "abd"},
	{"cn-northwest-1", "abc"},
	{"eu-central-1", "abc"},
	{"eu-central-2", "abc"},
	{"eu-north-1", "abc"},
	{"eu-south-1", "abc"},
	{"eu-south-2", "abc"},
	{"eu-west-1", "abc"},
	{"eu-west-2", "abc"},
	{"eu-west-3", "abc"},
	{"il-central-1", "abc"},
	{"me-central-1", "abc"},
	{"me-south-1", "abc"},
	{"mx-central-1", "abc"},
	{"sa-east-1", "abc"},
	{"us-east-1", "abcdef"},
	{"us-east-2", "abc"},
	{"us-gov-east-1", "abc"},
	{"us-gov-west-1", "abc"},
	{"us-west-1", "ac"},
	{"us-west-2", "abcd"},
}

// LookupRegion returns the Region with the given code.
func LookupRegion(code string) (Region, bool) {
	i, ok := slices.BinarySearchFunc(regions, code, func(r Region, c string) int {
		switch {
		case r.Code < c:
			return -1
		case r.Code > c:
			return 1
		}
		return 0
	})
	if !ok {
		return Region{}, false
	}
	return regions[i], true
}

// RegionCodes returns every known Region code, sorted.
func RegionCodes() []string {
	codes := make([]string, len(regions))
	for i, r := range regions {
		codes[i] = r.Code
	}
	return codes
}

// AZNames returns the names of the first n Availability Zones of the Region,
// or nil when it has fewer.
func (r Region) AZNames(n int) []string {
	if n > len(r.AZLetters) {
		return nil
	}
	names := make([]string, n)
	for i := range n {
		names[i] = r.Code + r.AZLetters[i:i+1]
	}
	return names
}

// EndpointKind says how a VPC endpoint attaches.
type EndpointKind string

const (
	// GatewayEndpoint is a route-table target reached through a prefix list
	// (S3 and DynamoDB). It costs nothing and uses no IP addresses.
	GatewayEndpoint EndpointKind = "gateway"
	// InterfaceEndpoint is one ENI per Availability Zone with a security
	// group that admits HTTPS (443) from the VPC's workloads.
	InterfaceEndpoint EndpointKind = "interface"
)

// endpoints maps the short service names users write to how they attach.
// S3 also offers an interface endpoint; netwright always uses the free
// gateway form for it.
var endpoints = map[string]EndpointKind{
	"s3":                       GatewayEndpoint,
	"dynamodb":                 GatewayEndpoint,
	"ecr.api":                  InterfaceEndpoint,
	"ecr.dkr":                  InterfaceEndpoint,
	"logs":                     InterfaceEndpoint,
	"sts":                      InterfaceEndpoint,
	"secretsmanager":           InterfaceEndpoint,
	"ssm":                      InterfaceEndpoint,
	"ssmmessages":              InterfaceEndpoint,
	"ec2messages":              InterfaceEndpoint,
	"ec2":                      InterfaceEndpoint,
	"kms":                      InterfaceEndpoint,
	"ecs":                      InterfaceEndpoint,
	"ecs-agent":                InterfaceEndpoint,
	"ecs-telemetry":            InterfaceEndpoint,
	"elasticloadbalancing":     InterfaceEndpoint,
	"autoscaling":              InterfaceEndpoint,
	"monitoring":               InterfaceEndpoint,
	"sqs":                      InterfaceEndpoint,
	"sns":                      InterfaceEndpoint,
	"events":                   InterfaceEndpoint,
	"xray":                     InterfaceEndpoint,
	"execute-api":              InterfaceEndpoint,
	"kinesis-streams":          InterfaceEndpoint,
	"servicediscovery":         InterfaceEndpoint,
	"appmesh-envoy-management": InterfaceEndpoint,
	"eks":                      InterfaceEndpoint,
	"eks-auth":                 InterfaceEndpoint,
	"elasticfilesystem":        InterfaceEndpoint,
	"rds":                      InterfaceEndpoint,
	"lambda":                   InterfaceEndpoint,
	// VPC Lattice's API (com.amazonaws.REGION.vpc-lattice), which the AWS
	// Gateway API Controller calls; not the data plane's link-local block.
	"vpc-lattice": InterfaceEndpoint,
}

// DefaultEndpoints is what a spec gets when it names none: what an ECS task in
// a private subnet needs to start (image pulls, logs, credentials, secrets)
// without sending that traffic through NAT.
var DefaultEndpoints = []string{"s3", "ecr.api", "ecr.dkr", "logs", "sts", "secretsmanager"}

// LookupEndpoint returns how the named endpoint service attaches.
func LookupEndpoint(name string) (EndpointKind, bool) {
	k, ok := endpoints[name]
	return k, ok
}

// endpointHosts are the interface endpoints whose private DNS name is not
// <service>.<region>.amazonaws.com (the ECS page "Amazon ECS interface VPC
// endpoints" names ecs-a and ecs-t; the ECR endpoints page api.ecr and
// dkr.ecr; Kinesis Data Streams answers as kinesis; EKS Pod Identity's
// agent calls eks-auth.<region>.api.aws).
var endpointHosts = map[string]string{
	"ecr.api":         "api.ecr.%s.amazonaws.com",
	"ecr.dkr":         "dkr.ecr.%s.amazonaws.com",
	"ecs-agent":       "ecs-a.%s.amazonaws.com",
	"ecs-telemetry":   "ecs-t.%s.amazonaws.com",
	"kinesis-streams": "kinesis.%s.amazonaws.com",
	"eks-auth":        "eks-auth.%s.api.aws",
}

// EndpointDNSName is the name an interface endpoint's private DNS answers
// for in a Region: the service's regional host name, which a private
// hosted zone must carry when the endpoint lives in another VPC (AWS's
// centralised-endpoint pattern). Wildcard says the zone also needs
// *.<name>: ECR registries are <account>.dkr.ecr.<region>.amazonaws.com,
// and API Gateway's private APIs are <id>.execute-api.<region>.amazonaws.com.
func EndpointDNSName(service, region string) (name string, wildcard bool) {
	if f, ok := endpointHosts[service]; ok {
		return fmt.Sprintf(f, region), service == "ecr.dkr"
	}
	return service + "." + region + ".amazonaws.com", service == "execute-api"
}

// EndpointNames returns every known endpoint service name, sorted.
func EndpointNames() []string {
	names := make([]string, 0, len(endpoints))
	for n := range endpoints {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// TLSPolicy is an Elastic Load Balancing security policy.
type TLSPolicy struct {
	Name string
	// MinVersion is the oldest protocol the policy accepts: "1.0" to "1.3".
	MinVersion string
}

// DefaultTLSPolicy is the policy netwright uses when a spec names none.
const DefaultTLSPolicy = "ELBSecurityPolicy-TLS13-1-2-2021-06"

// tlsPolicies are the ELB predefined policies (ELB user guide, "Security
// policies for your Application Load Balancer").
var tlsPolicies = []TLSPolicy{
	{"ELBSecurityPolicy-2015-05", "1.0"},
	{"ELBSecurityPolicy-2016-08", "1.0"},
	{"ELBSecurityPolicy-FS-1-1-2019-08", "1.1"},
	{"ELBSecurityPolicy-FS-1-2-2019-08", "1.2"},
	{"ELBSecurityPolicy-FS-1-2-Res-2019-08", "1.2"},
	{"ELBSecurityPolicy-FS-1-2-Res-2020-10", "1.2"},
	{"ELBSecurityPolicy-FS-2018-06", "1.0"},
	{"ELBSecurityPolicy-TLS-1-0-2015-04", "1.0"},
	{"ELBSecurityPolicy-TLS-1-1-2017-01", "1.1"},
	{"ELBSecurityPolicy-TLS-1-2-2017-01", "1.2"},
	{"ELBSecurityPolicy-TLS-1-2-Ext-2018-06", "1.2"},
	{"ELBSecurityPolicy-TLS13-1-0-2021-06", "1.0"},
	{"ELBSecurityPolicy-TLS13-1-0-FIPS-2023-04", "1.0"},
	{"ELBSecurityPolicy-TLS13-1-1-2021-06", "1.1"},
	{"ELBSecurityPolicy-TLS13-1-1-FIPS-2023-04", "1.1"},
	{"ELBSecurityPolicy-TLS13-1-2-2021-06", "1.2"},
	{"ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06", "1.2"},
	{"ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06", "1.2"},
	{"ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04", "1.2"},
	{"ELBSecurityPolicy-TLS13-1-2-Res-2021-06", "1.2"},
	{"ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04", "1.2"},
	{"ELBSecurityPolicy-TLS13-1-3-2021-06", "1.3"},
	{"ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04", "1.3"},
}

// LookupTLSPolicy returns the named ELB security policy.
func LookupTLSPolicy(name string) (TLSPolicy, bool) {
	for _, p := range tlsPolicies {
		if p.Name == name {
			return p, true
		}
	}
	return TLSPolicy{}, false
}

// TLSPolicyNames returns every known policy name, sorted.
func TLSPolicyNames() []string {
	names := make([]string, len(tlsPolicies))
	for i, p := range tlsPolicies {
		names[i] = p.Name
	}
	return names
}

// Hybrid and edge (AWS-FACTS.md, "Hybrid and edge: Site-to-Site VPN,
// Direct Connect, Route 53 Resolver, CloudFront").
const (
	// DirectConnectAllowedPrefixes is the most prefixes a Transit Gateway
	// advertises to on premises over a transit virtual interface (the
	// association's allowed prefixes): "200 combined total for IPv4 and
	// IPv6" (https://docs.aws.amazon.com/directconnect/latest/UserGuide/limits.html;
	// it was 20 until AWS raised it).
	DirectConnectAllowedPrefixes = 200
	// DirectConnectGatewaysPerTransitGateway is the most Direct Connect
	// gateways one Transit Gateway is associated with; "This limit cannot
	// be increased"
	// (https://docs.aws.amazon.com/directconnect/latest/UserGuide/limits.html).
	DirectConnectGatewaysPerTransitGateway = 20
	// ResolverEndpointMinIPs is the fewest addresses (ENIs) a Resolver
	// endpoint takes; AWS asks for two in different AZs.
	ResolverEndpointMinIPs = 2
	// CloudFrontPrefixListWeight is how many rules of a security group
	// one rule naming com.amazonaws.global.cloudfront.origin-facing
	// counts for (a managed prefix list counts as its weight).
	CloudFrontPrefixListWeight = 55
	// ALBConditionValues is the most condition values an ALB rule has.
	ALBConditionValues = 5
	// VPNTunnelsPerConnection is the tunnels a Site-to-Site VPN has.
	VPNTunnelsPerConnection = 2
)

// VPNReservedInsideCIDRs are the /30s of 169.254.0.0/16 a VPN tunnel's
// inside CIDR may not use (the VPN user guide's tunnel options).
var VPNReservedInsideCIDRs = []string{
	"169.254.0.0/30", "169.254.1.0/30", "169.254.2.0/30", "169.254.3.0/30",
	"169.254.4.0/30", "169.254.5.0/30", "169.254.169.252/30",
}

// PrefixListWeight is how many security group rules one rule naming an
// AWS-managed prefix list counts for: its weight, 1 for a list AWS does
// not document a weight for.
func PrefixListWeight(name string) int {
	switch {
	case name == "com.amazonaws.global.cloudfront.origin-facing":
		return CloudFrontPrefixListWeight
	case strings.HasSuffix(name, ".vpc-lattice"):
		return 10
	}
	return 1
}

// ReservedCustomerASN reports whether AWS keeps asn from customer
// gateways in region: "7224 — Reserved in all Regions", 9059 in
// eu-west-1, 10124 in ap-northeast-1, 17943 in ap-southeast-1
// (https://docs.aws.amazon.com/vpn/latest/s2svpn/cgw-options.html).
func ReservedCustomerASN(region string, asn int64) bool {
	switch asn {
	case 7224:
		return true
	case 9059:
		return region == "eu-west-1"
	case 10124:
		return region == "ap-northeast-1"
	case 17943:
		return region == "ap-southeast-1"
	}
	return false
}
