// Package design is netwright's one canonical model of a network: VPCs,
// subnets, routing, gateways, endpoints, Transit Gateways, the workloads
// placed in them and the flows the application declares. The plan package
// builds it from a spec; the analyzer, the renderers and the local runtime
// read only this model, never the spec.
//
// A Design is plain data: every address is a net/netip value, every object
// has a stable ID derived from names, and every list is in a fixed order, so
// the same spec always gives the same bytes. Treat a built Design as
// read-only: it is shared by every later stage. design owns the shape of the
// model and its invariants (Validate); it makes no design decisions.
package design

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/netwright/netwright/internal/diag"
)

// FormatVersion is the version of the serialized design. It changes when a
// field changes meaning, so a saved design file is read as it was written.
const FormatVersion = 1

// Design is a whole network design.
type Design struct {
	FormatVersion int    `json:"format_version"`
	App           string `json:"app"`
	Environment   string `json:"environment"`
	// Pattern is three_tier, microservices, hub_spoke or multi_region.
	Pattern string `json:"pattern"`
	// Compute is fargate, ecs_ec2 or eks.
	Compute string   `json:"compute"`
	Regions []string `json:"regions"`

	VPCs            []VPC            `json:"vpcs"`
	TransitGateways []TransitGateway `json:"transit_gateways,omitempty"`
	// TransitGatewayPeerings join Transit Gateways across Regions.
	TransitGatewayPeerings []TransitGatewayPeering `json:"transit_gateway_peerings,omitempty"`
	// Deployment is the order the design is created in, when a Region
	// cannot deploy as one stack (deploy.go); nil otherwise.
	Deployment *Deployment `json:"deployment,omitempty"`

	LoadBalancers []LoadBalancer `json:"load_balancers,omitempty"`
	TargetGroups  []TargetGroup  `json:"target_groups,omitempty"`
	// GatewayLoadBalancerEndpoints steer inspected flows to a GWLB.
	GatewayLoadBalancerEndpoints []GatewayLoadBalancerEndpoint `json:"gateway_load_balancer_endpoints,omitempty"`
	SecurityGroups               []SecurityGroup               `json:"security_groups,omitempty"`
	NetworkACLs                  []NetworkACL                  `json:"network_acls,omitempty"`

	// PrivateZones are Route 53 private hosted zones that make interface
	// endpoints in one VPC answer for their services' names in others.
	PrivateZones []PrivateZone `json:"private_zones,omitempty"`
	// Namespaces are the Cloud Map namespaces services register in.
	Namespaces []Namespace `json:"namespaces,omitempty"`
	// Mesh is the traffic policy between services and its compiled form.
	Mesh *Mesh `json:"mesh,omitempty"`
	// Global routes clients to Regions (2+ Regions with a global section).
	Global *GlobalRouting `json:"global,omitempty"`
	// Sites are the on-premises networks joined through Transit Gateways.
	Sites []Site `json:"sites,omitempty"`
	// ResolverEndpoints and ResolverRules are the hybrid DNS: the sites'
	// domains forwarded to their servers, the VPCs' names answered to
	// the sites.
	ResolverEndpoints []ResolverEndpoint `json:"resolver_endpoints,omitempty"`
	ResolverRules     []ResolverRule     `json:"resolver_rules,omitempty"`
	// Distribution is the CloudFront distribution in front of the public
	// ALBs, or nil.
	Distribution *Distribution `json:"distribution,omitempty"`

	Workload        Workload         `json:"workload,omitzero"`
	Recommendations []Recommendation `json:"recommendations,omitempty"`
	Cost            *CostEstimate    `json:"cost,omitempty"`

	Services []Service `json:"services"`
	// ContainerInsights turns on CloudWatch Container Insights on the ECS
	// clusters (task and service metrics); InsightsWaiver explains it off.
	ContainerInsights bool    `json:"container_insights,omitempty"`
	InsightsWaiver    *Waiver `json:"insights_waiver,omitempty"`
	// Identities are the IAM identities the services' tasks or pods use.
	Identities []Identity `json:"identities,omitempty"`
	// Kubernetes is how an EKS design's services run in the cluster; nil
	// on ECS.
	Kubernetes *Kubernetes `json:"kubernetes,omitempty"`
	// Flows are what the application declares may happen: dependencies,
	// public entry and internet egress. Everything else must be blocked.
	Flows []Flow `json:"flows"`
	// Notes explain the architects' choices, in the order made.
	Notes []Note `json:"notes,omitempty"`

	// Source is set on a design read from a real network (imported.go),
	// with what only real networks have below it; nil for a planned one.
	Source      *Source            `json:"source,omitempty"`
	Interfaces  []NetworkInterface `json:"interfaces,omitempty"`
	Instances   []Instance         `json:"instances,omitempty"`
	Tasks       []Task             `json:"tasks,omitempty"`
	VPCPeerings []VPCPeering       `json:"vpc_peerings,omitempty"`
	VPNGateways []VPNGateway       `json:"vpn_gateways,omitempty"`
	PrefixLists []PrefixList       `json:"prefix_lists,omitempty"`
}

// VPC roles.
const (
	RoleApp   = "app"   // holds the application's own services
	RoleHub   = "hub"   // hub_spoke: shared egress, endpoints, inspection
	RoleSpoke = "spoke" // hub_spoke: another spoke VPC
)

// VPC is one Amazon VPC.
type VPC struct {
	ID     string       `json:"id"`
	Name   string       `json:"name"`
	Region string       `json:"region"`
	Role   string       `json:"role"`
	CIDR   netip.Prefix `json:"cidr"`
	// SecondaryCIDRs are further IPv4 blocks, given when the subnets need
	// more than one block (a VPC block is a /16 to a /28) holds. AWS adds
	// a local route for each to every route table; a subnet lies in one
	// block. Five blocks, the primary among them, by default; 50 at most.
	SecondaryCIDRs []netip.Prefix `json:"secondary_cidrs,omitempty"`
	AZs            []string       `json:"azs"`
	// DNSSupport and DNSHostnames are on: interface endpoints' private DNS
	// and Cloud Map private namespaces need both.
	DNSSupport   bool `json:"dns_support"`
	DNSHostnames bool `json:"dns_hostnames"`

	Subnets     []Subnet     `json:"subnets"`
	RouteTables []RouteTable `json:"route_tables"`
	// InternetGateway is the ID of the VPC's internet gateway, or empty.
	InternetGateway string       `json:"internet_gateway,omitempty"`
	NATGateways     []NATGateway `json:"nat_gateways,omitempty"`
	Endpoints       []Endpoint   `json:"endpoints,omitempty"`
	FlowLogs        *FlowLogs    `json:"flow_logs,omitempty"`
}

// Blocks returns the VPC's IPv4 blocks, the primary first.
func (v *VPC) Blocks() []netip.Prefix {
	return append([]netip.Prefix{v.CIDR}, v.SecondaryCIDRs...)
}

// BlockHolding returns the VPC block p lies in, or false.
func (v *VPC) BlockHolding(p netip.Prefix) (netip.Prefix, bool) {
	for _, b := range v.Blocks() {
		if b.IsValid() && p.IsValid() && b.Bits() <= p.Bits() && b.Contains(p.Addr()) {
			return b, true
		}
	}
	return netip.Prefix{}, false
}

// Subnet tiers.
const (
	TierPublic     = "public"     // internet-facing load balancers and NAT gateways
	TierApp        = "app"        // application tasks
	TierData       = "data"       // data stores; no internet route at all
	TierEndpoints  = "endpoints"  // interface endpoint ENIs
	TierTransit    = "transit"    // Transit Gateway attachment ENIs
	TierInspection = "inspection" // appliances behind a Gateway Load Balancer
	TierFirewall   = "firewall"   // Gateway Load Balancer endpoints that steer inspected flows
)

// Subnet is one subnet in one Availability Zone.
type Subnet struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	AZ   string `json:"az"`
	// AZIndex is the zone's position in the VPC's AZs; exports select zones
	// by index (Fn::GetAZs) because zone names map differently per account.
	AZIndex int    `json:"az_index"`
	Tier    string `json:"tier"`
	// Group names the service or group of services the subnet is for in
	// the microservices pattern, else empty.
	Group string       `json:"group,omitempty"`
	CIDR  netip.Prefix `json:"cidr"`
	// RouteTable is the ID of the associated route table.
	RouteTable string `json:"route_table"`
	// Capacity is the usable addresses: the block size less AWS's five.
	Capacity int `json:"capacity"`
	// Demand is what the design expects to use at peak, item by item.
	Demand []Demand `json:"demand"`
	// PeakIPs is the sum of Demand.
	PeakIPs int `json:"peak_ips"`
	// HeadroomIPs is the growth allowance sized in on top of the peak.
	// Capacity covers PeakIPs + HeadroomIPs.
	HeadroomIPs int `json:"headroom_ips"`
}

// Demand is one consumer of a subnet's addresses.
type Demand struct {
	What string `json:"what"`
	IPs  int    `json:"ips"`
}

// Route target kinds.
const (
	TargetLocal           = "local"
	TargetInternetGateway = "internet_gateway"
	TargetNATGateway      = "nat_gateway"
	TargetTransitGateway  = "transit_gateway"
	TargetGatewayEndpoint = "gateway_endpoint"
	// TargetGWLBEndpoint is a Gateway Load Balancer endpoint.
	TargetGWLBEndpoint = "gwlb_endpoint"
)

// RouteTable is a VPC route table.
type RouteTable struct {
	ID     string  `json:"id"`
	Name   string  `json:"name"`
	Routes []Route `json:"routes"`
	// EdgeGateway is set on an edge route table associated with the
	// internet gateway (ingress routing), which steers inbound traffic.
	EdgeGateway string `json:"edge_gateway,omitempty"`
}

// Route is one route. Exactly one of Destination and DestinationPrefixList
// is set.
type Route struct {
	Destination netip.Prefix `json:"destination,omitzero"`
	// DestinationPrefixList names an AWS-managed prefix list, such as
	// "com.amazonaws.us-east-1.s3", for gateway endpoint routes.
	DestinationPrefixList string `json:"destination_prefix_list,omitempty"`
	TargetKind            string `json:"target_kind"`
	// Target is the ID of the gateway, endpoint or Transit Gateway; empty
	// for local.
	Target string `json:"target,omitempty"`
	// State is "blackhole" for a route whose target is gone (imported
	// networks); empty for an active route.
	State string `json:"state,omitempty"`
}

// DestinationString returns the CIDR or prefix list the route matches.
func (r Route) DestinationString() string {
	if r.DestinationPrefixList != "" {
		return r.DestinationPrefixList
	}
	return r.Destination.String()
}

// NATGateway is a public NAT gateway with its Elastic IP.
type NATGateway struct {
	ID     string `json:"id"`
	AZ     string `json:"az"`
	Subnet string `json:"subnet"`
	// State, PublicIP and Private are known for imported networks: a
	// NAT gateway not "available" forwards nothing, and a private one
	// (connectivity type private) cannot reach the internet.
	State    string     `json:"state,omitempty"`
	PublicIP netip.Addr `json:"public_ip,omitzero"`
	Private  bool       `json:"private,omitempty"`
}

// Endpoint kinds.
const (
	EndpointGateway   = "gateway"
	EndpointInterface = "interface"
)

// Endpoint is a VPC endpoint.
type Endpoint struct {
	ID string `json:"id"`
	// Service is the short name, such as s3 or ecr.api.
	Service string `json:"service"`
	// ServiceName is the full AWS name, com.amazonaws.<region>.<service>.
	ServiceName string `json:"service_name"`
	Kind        string `json:"kind"`
	// Subnets hold the ENIs of an interface endpoint, one per AZ.
	Subnets []string `json:"subnets,omitempty"`
	// RouteTables receive a gateway endpoint's prefix-list route.
	RouteTables []string `json:"route_tables,omitempty"`
	// PrivateDNS makes the service's public name resolve to the ENIs.
	PrivateDNS bool `json:"private_dns,omitempty"`
}

// PrivateZone is a Route 53 private hosted zone named for an AWS service's
// regional host name, whose apex (and, with Wildcard, every name under it)
// is an alias of an interface endpoint. Associated with VPCs that have no
// endpoint of their own, it sends their calls to the endpoint: AWS's
// pattern for endpoints centralised in one VPC, whose private DNS only
// that VPC would see.
type PrivateZone struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Endpoint is the interface endpoint the records alias.
	Endpoint string `json:"endpoint"`
	Wildcard bool   `json:"wildcard,omitempty"`
	// VPCs are the VPCs whose resolvers answer from the zone.
	VPCs []string `json:"vpcs"`
}

// FlowLogs is a VPC flow log to CloudWatch Logs.
type FlowLogs struct {
	ID          string `json:"id"`
	TrafficType string `json:"traffic_type"`
	LogGroup    string `json:"log_group"`
	// MaxAggregationSeconds is 60 or 600.
	MaxAggregationSeconds int `json:"max_aggregation_seconds"`
	RetentionDays         int `json:"retention_days"`
}

// TransitGateway is a Transit Gateway in one Region.
type TransitGateway struct {
	ID     string `json:"id"`
	Region string `json:"region"`
	ASN    int    `json:"asn"`
	// SecurityGroupReferencing lets inbound security group rules in one
	// attached VPC name groups of another attached VPC in the Region.
	SecurityGroupReferencing bool                       `json:"security_group_referencing,omitempty"`
	Attachments              []TransitGatewayAttachment `json:"attachments"`
	// SiteAttachments attach on-premises sites (VPN and Direct Connect).
	SiteAttachments []SiteAttachment           `json:"site_attachments,omitempty"`
	RouteTables     []TransitGatewayRouteTable `json:"route_tables"`
}

// TransitGatewayAttachment attaches a VPC through one subnet per AZ.
type TransitGatewayAttachment struct {
	ID      string   `json:"id"`
	VPC     string   `json:"vpc"`
	Subnets []string `json:"subnets"`
	// ApplianceMode keeps both directions of a flow in one AZ, which
	// stateful appliances need.
	ApplianceMode bool `json:"appliance_mode,omitempty"`
	// ResourceType is vpc (or empty), vpn, peering, connect or
	// direct-connect-gateway; Resource the VPN connection or gateway it
	// attaches, and State its state (imported networks).
	ResourceType string `json:"resource_type,omitempty"`
	Resource     string `json:"resource,omitempty"`
	State        string `json:"state,omitempty"`
}

// TransitGatewayRouteTable is a Transit Gateway route table with the
// attachments associated with it.
type TransitGatewayRouteTable struct {
	ID           string   `json:"id"`
	Name         string   `json:"name"`
	Associations []string `json:"associations"`
	// Propagations are the attachments whose routes propagate into the
	// table: a VPC's blocks, a site's BGP-advertised blocks. Routes holds
	// what they propagate too, marked Propagated.
	Propagations []string              `json:"propagations,omitempty"`
	Routes       []TransitGatewayRoute `json:"routes"`
}

// TransitGatewayRoute is a route to an attachment or peering: static, or
// propagated from an attachment with route propagation on.
type TransitGatewayRoute struct {
	Destination netip.Prefix `json:"destination"`
	// Attachment is a VPC, site or peering attachment ID.
	Attachment string `json:"attachment"`
	// Reason says which part of the spec asked for the route.
	Reason string `json:"reason"`
	// State is "blackhole" for a route that drops what it matches
	// (imported networks); empty for an active route.
	State string `json:"state,omitempty"`
	// Propagated is the kind of attachment that propagates the route
	// (vpc, vpn, direct_connect_gateway); empty for a static route, which
	// the exporters write as one.
	Propagated string `json:"propagated,omitempty"`
}

// TransitGatewayPeering joins two Transit Gateways in different Regions.
type TransitGatewayPeering struct {
	ID        string `json:"id"`
	Requester string `json:"requester"`
	Accepter  string `json:"accepter"`
}

// Service is one workload of the application, placed in subnets.
type Service struct {
	Name     string `json:"name"`
	Kind     string `json:"kind"`
	Port     int    `json:"port"`
	Protocol string `json:"protocol"`
	Public   bool   `json:"public,omitempty"`
	// StaticIP puts the service behind an NLB with Elastic IPs.
	StaticIP    bool `json:"static_ip,omitempty"`
	Replicas    int  `json:"replicas"`
	MaxReplicas int  `json:"max_replicas"`
	// Health is the load balancer and mesh health check.
	Health              HealthCheck `json:"health"`
	LoadBalancing       string      `json:"load_balancing"`
	Stickiness          Duration    `json:"stickiness,omitzero"`
	DeregistrationDelay Duration    `json:"deregistration_delay"`
	SlowStart           Duration    `json:"slow_start,omitzero"`
	// Run is the local runtime's command, or empty for the built-in
	// workload.
	Run string `json:"run,omitempty"`
	// Placements are where the service runs: one per VPC it is in.
	Placements []Placement `json:"placements"`
	// Platform is how it runs on the compute platform; nil for managed
	// data stores, which are not tasks.
	Platform *Platform   `json:"platform,omitempty"`
	Origin   *diag.Range `json:"origin,omitempty"`
}

// Placement is the subnets a service's tasks use in one VPC, and the
// security groups each task's ENI gets there.
type Placement struct {
	VPC            string   `json:"vpc"`
	Subnets        []string `json:"subnets"`
	SecurityGroups []string `json:"security_groups,omitempty"`
}

// HealthCheck is a target group and mesh health check.
type HealthCheck struct {
	// Path is empty for tcp, udp and tls checks.
	Path               string   `json:"path,omitempty"`
	Interval           Duration `json:"interval"`
	Timeout            Duration `json:"timeout"`
	HealthyThreshold   int      `json:"healthy_threshold"`
	UnhealthyThreshold int      `json:"unhealthy_threshold"`
	Matcher            string   `json:"matcher,omitempty"`
}

// FlowKind says what declared a flow.
type FlowKind string

// Flow kinds.
const (
	FlowService FlowKind = "service" // a depends_on call between services
	FlowIngress FlowKind = "ingress" // the internet to a public service
	FlowEgress  FlowKind = "egress"  // a service to an internet destination
	// FlowOnprem is a call between a service and an on-premises site
	// (onprem:NAME), either way: depends_on onprem:SITE:PORT, or
	// callers_from through the service's internal load balancer.
	FlowOnprem FlowKind = "onprem"
)

// Internet stands for any address outside the design in Flow endpoints.
const Internet = "internet"

// Flow is one declared flow: who may open connections to whom, on which
// port and transport.
type Flow struct {
	ID   string   `json:"id"`
	Kind FlowKind `json:"kind"`
	// From and To are service names, Internet, or a site (onprem:NAME).
	From string `json:"from"`
	To   string `json:"to"`
	// Destination is the egress host or CIDR, when To is Internet.
	Destination string `json:"destination,omitempty"`
	Port        int    `json:"port"`
	// Transport is tcp or udp.
	Transport string `json:"transport"`
	// Protocol is the application protocol, such as http or grpc.
	Protocol string      `json:"protocol"`
	Origin   *diag.Range `json:"origin,omitempty"`
}

// Note is one explained choice.
type Note struct {
	Topic string `json:"topic"`
	Text  string `json:"text"`
}

// Duration is a time.Duration that serializes as text, such as "30s".
type Duration time.Duration

// MarshalText writes the duration as Go writes it, with whole days as "7d".
func (d Duration) MarshalText() ([]byte, error) {
	v := time.Duration(d)
	day := 24 * time.Hour
	if v >= day && v%day == 0 {
		return fmt.Appendf(nil, "%dd", v/day), nil
	}
	return []byte(v.String()), nil
}

// UnmarshalText reads what MarshalText writes.
func (d *Duration) UnmarshalText(b []byte) error {
	s := string(b)
	if days, ok := strings.CutSuffix(s, "d"); ok {
		var n int64
		if _, err := fmt.Sscanf(days, "%d", &n); err != nil || n < 0 {
			return fmt.Errorf("invalid duration %q", s)
		}
		*d = Duration(time.Duration(n) * 24 * time.Hour)
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// String returns the text form.
func (d Duration) String() string {
	b, _ := d.MarshalText()
	return string(b)
}

// JSON encodes the design with two-space indentation and a final newline.
func (d *Design) JSON() ([]byte, error) {
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode design: %w", err)
	}
	return append(b, '\n'), nil
}

// Decode reads a design written by JSON. Unknown fields are errors, so a
// hand-edited design with a typo is not silently misread.
func Decode(b []byte) (*Design, error) {
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	var d Design
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("decode design: %w", err)
	}
	if d.FormatVersion != FormatVersion {
		return nil, fmt.Errorf("decode design: format_version %d is not %d", d.FormatVersion, FormatVersion)
	}
	return &d, nil
}

// SharesTransitGateway reports whether two VPCs attach to one Transit
// Gateway with security group referencing on, so an inbound rule in one may
// name a group of the other.
func (d *Design) SharesTransitGateway(a, b string) bool {
	for _, t := range d.TransitGateways {
		if !t.SecurityGroupReferencing {
			continue
		}
		var hasA, hasB bool
		for _, at := range t.Attachments {
			hasA = hasA || at.VPC == a
			hasB = hasB || at.VPC == b
		}
		if hasA && hasB {
			return true
		}
	}
	return false
}

// VPC returns the VPC with the given ID, or nil.
func (d *Design) VPC(id string) *VPC {
	for i := range d.VPCs {
		if d.VPCs[i].ID == id {
			return &d.VPCs[i]
		}
	}
	return nil
}

// SubnetVPC returns the ID of the VPC that holds a subnet, or "".
func (d *Design) SubnetVPC(subnet string) string {
	for _, v := range d.VPCs {
		for _, s := range v.Subnets {
			if s.ID == subnet {
				return v.ID
			}
		}
	}
	return ""
}

// Service returns the named service, or nil. Services are kept sorted by
// name, so this is a binary search; a hand-edited design out of order still
// finds its services, by a scan.
func (d *Design) Service(name string) *Service {
	if i, ok := slices.BinarySearchFunc(d.Services, name, func(s Service, n string) int { return strings.Compare(s.Name, n) }); ok {
		return &d.Services[i]
	}
	for i := range d.Services {
		if d.Services[i].Name == name {
			return &d.Services[i]
		}
	}
	return nil
}
