// Package spec reads netwright's input: the version 1 YAML spec of an
// application (docs/spec.md in this repository). Parse decodes strictly, validates every
// key and every reference, fills in the documented defaults, and reports all
// problems at once with their positions.
//
// spec owns the user's words and their meaning as written; it designs
// nothing. The plan package turns a Spec into a design.
package spec

import (
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/netwright/netwright/internal/diag"
)

// Spec is a parsed, validated spec with every default filled in. Slices
// keyed by name are sorted by that name; lists the user orders (ingress
// rules, mesh routes, regions) keep the user's order.
type Spec struct {
	// Filename is the path the spec was read from, for diagnostics.
	Filename string
	// Version is the spec format version; only 1 exists.
	Version int
	// App names the application: a DNS label, [a-z][a-z0-9-]{0,30}.
	App string
	// Environment is production, staging or dev (default production). It
	// decides the defaults for azs, nat and replicas.
	Environment string
	// Regions are AWS Region codes in the user's order; the first is the
	// home Region. Default [us-east-1].
	Regions []string

	Network    Network
	Services   []Service
	Ingress    []IngressRule
	TLS        TLS
	Discovery  Discovery
	Mesh       Mesh
	Traffic    []TrafficPolicy
	Global     *Global
	Inspection *Inspection
	Workload   Workload
	// Sites are the on-premises networks (onprem), sorted by name.
	Sites []Site
	// Edge is what stands in front of the public load balancer, or nil.
	Edge *Edge

	// keys records where each key the user wrote is, by dotted path.
	keys map[string]*diag.Range
}

// At returns where the first of the dotted key paths the user wrote is
// ("network.cidr", "services.web.port"), so later stages can point their
// diagnostics at the spec line that caused them. With none written it
// returns the top of the file.
func (s *Spec) At(paths ...string) *diag.Range {
	for _, p := range paths {
		if r := s.keys[p]; r != nil {
			return r
		}
	}
	return &diag.Range{Filename: s.Filename, Start: diag.Pos{Line: 1, Column: 1}, End: diag.Pos{Line: 1, Column: 1}}
}

// Written reports whether the file wrote the key at path (a default fills
// in what it did not).
func (s *Spec) Written(path string) bool {
	return s.keys[path] != nil
}

// Patterns a network can follow.
const (
	PatternThreeTier     = "three_tier"
	PatternMicroservices = "microservices"
	PatternHubSpoke      = "hub_spoke"
	PatternMultiRegion   = "multi_region"
)

// NAT strategies.
const (
	NATNone   = "none"
	NATSingle = "single"
	NATPerAZ  = "per_az"
)

// Compute models.
const (
	ComputeFargate = "fargate"
	ComputeECSEC2  = "ecs_ec2"
	ComputeEKS     = "eks"
)

// Network is the spec's network section.
type Network struct {
	// Pattern is three_tier, microservices, hub_spoke or multi_region.
	// Default multi_region with 2+ regions, else three_tier.
	Pattern string
	// CIDR is the first VPC's CIDR. When not set, plan gives each VPC a /16
	// from 10.0.0.0/8.
	CIDR netip.Prefix
	// AZs is how many Availability Zones to span, 2 to 6. Default 3 in
	// production, else 2.
	AZs int
	// NAT is none, single or per_az. Default per_az in production, else single.
	NAT string
	// Endpoints are VPC endpoint services by short name. Default
	// [s3, ecr.api, ecr.dkr, logs, sts, secretsmanager]; [] for none.
	Endpoints []string
	// Compute is fargate, ecs_ec2 or eks; it decides IP use per task or pod.
	// Default fargate.
	Compute string
	// FlowLogs turns on VPC flow logs. Default true.
	FlowLogs bool
	// Spokes names spoke VPCs besides the app's own (hub_spoke only).
	Spokes []string
	// PrefixDelegation makes the EKS VPC CNI hand out /28 prefixes instead
	// of single addresses (eks only; netwright addition). Default false.
	PrefixDelegation bool
	// PodSecurityGroups gives each EKS service's pods the service's own
	// security group through Security Groups for Pods (a branch ENI per
	// pod, so fewer pods per node); false packs pods densely on the nodes'
	// ENIs and leaves NetworkPolicy alone to separate services (eks only;
	// netwright addition). Default true in production, else false.
	PodSecurityGroups bool
	// ALBOwner is who creates the design's Application Load Balancers
	// with their listeners, rules and target groups: ALBOwnerStack (the
	// CloudFormation or Terraform export) or ALBOwnerController (the AWS
	// Load Balancer Controller in the EKS cluster, from the Ingresses
	// export --format kubernetes --ingress writes; eks only, one Region,
	// not behind CloudFront). Their security groups, the access-log bucket
	// and the certificate stay the stack's either way (netwright
	// addition). Default stack.
	ALBOwner string
}

// Owners of the design's ALBs (Network.ALBOwner).
const (
	ALBOwnerStack      = "stack"
	ALBOwnerController = "controller"
)

// Service kinds.
const (
	KindService   = "service"
	KindPostgres  = "postgres"
	KindMySQL     = "mysql"
	KindAurora    = "aurora"
	KindRedis     = "redis"
	KindMemcached = "memcached"
	KindKafka     = "kafka"
	KindAppliance = "appliance"
)

// Protocols.
const (
	ProtoHTTP      = "http"
	ProtoHTTP2     = "http2"
	ProtoGRPC      = "grpc"
	ProtoWebSocket = "websocket"
	ProtoTCP       = "tcp"
	ProtoUDP       = "udp"
	ProtoTLS       = "tls"
)

// Service is one entry of the services map: an application service, a data
// store or a network appliance.
type Service struct {
	Name string
	At   *diag.Range
	// Kind is service (default), a data store (postgres, mysql, aurora,
	// redis, memcached, kafka) or appliance.
	Kind string
	// Port is what the service listens on, 1-65535. Required for kind
	// service; data stores default to their engine's port; appliances to
	// 6081 (GENEVE from a Gateway Load Balancer).
	Port int
	// Protocol is http, http2, grpc, websocket, tcp, udp or tls. Default
	// http; tcp for data stores; udp for appliances.
	Protocol string
	// Public makes the service reachable from the internet through a load
	// balancer.
	Public bool
	// Replicas is the desired task count. Default 2 in production, else 1.
	Replicas int
	// MaxReplicas is the autoscaling ceiling used for IP sizing. Default
	// Replicas.
	MaxReplicas int
	Health      Health
	// HealthAt is where the health key is, when written.
	HealthAt *diag.Range
	// DependsOn lists the calls this service makes; nothing else is allowed.
	DependsOn []Dependency
	// Egress lists internet destinations reached through NAT.
	Egress []Egress
	// LoadBalancing is round_robin (default), least_outstanding_requests,
	// weighted_random or ip_hash.
	LoadBalancing string
	// Stickiness is the lb_cookie duration, 1s to 7d; zero means off.
	Stickiness time.Duration
	// DeregistrationDelay is 0s to 3600s. Default 300s.
	DeregistrationDelay time.Duration
	// SlowStart is 30s to 900s; zero means off.
	SlowStart time.Duration
	// StaticIP puts the public service behind an NLB with fixed addresses.
	StaticIP bool
	// Run is the command that starts one task locally; empty means
	// netwright's built-in workload.
	Run string
	// Spoke places the service in a spoke VPC (hub_spoke only; netwright
	// addition). Empty means the app's own VPC.
	Spoke string
	// Onprem are the calls the service makes to on-premises sites, written
	// in depends_on as onprem:SITE:PORT (TCP).
	Onprem []SiteRef
	// CallersFrom are the sites that may call the service, through an
	// internal load balancer in front of it.
	CallersFrom []SiteRef
}

// IsDataStore reports whether the service is a managed data store, which
// lives in data subnets.
func (s *Service) IsDataStore() bool { return IsDataStoreKind(s.Kind) }

// IsDataStoreKind reports whether kind is one of the data store kinds.
func IsDataStoreKind(kind string) bool {
	switch kind {
	case KindPostgres, KindMySQL, KindAurora, KindRedis, KindMemcached, KindKafka:
		return true
	}
	return false
}

// IsHTTPLike reports whether the protocol is carried over HTTP, so an ALB
// can route it and health checks have a path.
func IsHTTPLike(protocol string) bool {
	switch protocol {
	case ProtoHTTP, ProtoHTTP2, ProtoGRPC, ProtoWebSocket:
		return true
	}
	return false
}

// Health is a load balancer and mesh health check.
type Health struct {
	// Path is the HTTP path checked; empty for tcp, udp and tls. Default
	// "/" for HTTP, "/AWS.ALB/healthcheck" for gRPC.
	Path string
	// Interval is 5s to 300s. Default 30s.
	Interval time.Duration
	// Timeout is 2s to 120s and less than Interval. Default 5s.
	Timeout time.Duration
	// HealthyThreshold is 2 to 10. Default 5.
	HealthyThreshold int
	// UnhealthyThreshold is 2 to 10. Default 2.
	UnhealthyThreshold int
	// Matcher is the success codes: HTTP 200-499 (default "200"), gRPC
	// 0-99 (default "12"); a code, a range "200-299", or a list "200,202".
	Matcher string
	// Port is the port health checks go to, 1 to 65535; 0 means the
	// service's own port (for udp services, over TCP: no load balancer
	// checks UDP), and for appliances the GWLB's TCP check on 80.
	// netwright's addition to the contract.
	Port int
}

// Dependency is one call a service makes.
type Dependency struct {
	Service string
	// Port defaults to the callee's port.
	Port int
	At   *diag.Range
}

// Egress is one internet destination: a host name or a CIDR, and a port.
type Egress struct {
	Host   string       // set when the destination is a name
	Prefix netip.Prefix // set when the destination is a CIDR
	Port   int
	At     *diag.Range
}

// String returns the destination as written, host:port or cidr:port.
func (e Egress) String() string {
	if e.Host != "" {
		return e.Host + ":" + itoa(e.Port)
	}
	return e.Prefix.String() + ":" + itoa(e.Port)
}

// KV is one name/value condition (a header or a query parameter).
type KV struct {
	Key   string
	Value string
}

// Weighted is one forward target and its weight.
type Weighted struct {
	Service string
	Weight  int
}

// IngressRule is one public HTTP(S) entry rule, as written.
type IngressRule struct {
	At        *diag.Range
	Host      string
	Path      string
	Headers   []KV // sorted by key
	Methods   []string
	Query     []KV // sorted by key
	SourceIPs []netip.Prefix
	// To is one service with weight 1, or the weighted targets sorted by
	// service name.
	To []Weighted
	// Incomplete is true when part of the rule failed to decode, so it
	// holds fewer conditions or targets than the file gives. Only a spec
	// from Decode with errors has incomplete rules.
	Incomplete bool
}

// TLS is the public entry's certificate and policy.
type TLS struct {
	// Certificate is an ACM certificate ARN, or "auto" for a DNS-validated
	// certificate for Domain. Default auto.
	Certificate string
	Domain      string
	// Policy is the ELB security policy. Default
	// ELBSecurityPolicy-TLS13-1-2-2021-06.
	Policy string
}

// Discovery is the Cloud Map configuration.
type Discovery struct {
	// Namespace defaults to <app>.local.
	Namespace string
	// Type is dns_private (default) or http.
	Type string
	// TTL of DNS records. Default 10s.
	TTL time.Duration
	// Routing is multivalue (default) or weighted.
	Routing string
}

// Mesh says what the mesh model compiles to.
type Mesh struct {
	// Target is service_connect, vpc_lattice or none. Default
	// service_connect on ECS, vpc_lattice on eks.
	Target string
	// MTLS is strict, permissive or off. Default strict, off when Target is
	// none.
	MTLS string
}

// TrafficPolicy is mesh policy for calls to one destination service.
type TrafficPolicy struct {
	Service          string
	At               *diag.Range
	Timeout          time.Duration // zero: the mesh default
	Retries          *Retries
	CircuitBreaker   *CircuitBreaker
	OutlierDetection *OutlierDetection
	ConnectionPool   *ConnectionPool
	Routes           []MeshRoute // first match wins
}

// Retries is a retry policy.
type Retries struct {
	Attempts      int
	On            []string
	PerTryTimeout time.Duration
}

// CircuitBreaker caps concurrent work toward a destination.
type CircuitBreaker struct {
	MaxConnections     int
	MaxPendingRequests int
	MaxRequests        int
	MaxRetries         int
}

// OutlierDetection ejects hosts that keep failing.
type OutlierDetection struct {
	Consecutive5xx     int
	Interval           time.Duration
	BaseEjectionTime   time.Duration
	MaxEjectionPercent int
}

// ConnectionPool sizes the client-side pool.
type ConnectionPool struct {
	MaxIdlePerHost int
	IdleTimeout    time.Duration
}

// MeshRoute is one route of a traffic policy.
type MeshRoute struct {
	At    *diag.Range
	Match RouteMatch
	To    []Weighted // sorted by service name
}

// RouteMatch is what a mesh route matches. Empty matches everything.
type RouteMatch struct {
	// Path is exact, or a prefix when it ends in "*".
	Path    string
	Headers []KV // sorted by key
	Method  string
}

// Global is multi-region DNS routing.
type Global struct {
	At     *diag.Range
	Domain string
	// Routing is latency (default), geolocation, weighted or failover.
	Routing string
	Weights []RegionWeight // sorted by region
	Primary string
	Geo     []GeoTarget // sorted by location, "default" last
	// Accelerator puts Global Accelerator's anycast static IPs in front.
	Accelerator bool
}

// RegionWeight is one weighted-routing entry.
type RegionWeight struct {
	Region string
	Weight int
}

// GeoTarget sends a location (continent code, country code or "default") to
// a Region.
type GeoTarget struct {
	Location string
	Region   string
}

// Inspection sends flows through appliances behind a Gateway Load Balancer.
type Inspection struct {
	At        *diag.Range
	Appliance string
	// Flows are ingress, egress and east_west, sorted.
	Flows []string
}

// Workload is the performance optimizer's input. Zero numbers mean unknown.
type Workload struct {
	LatencySensitive   bool
	BandwidthIntensive bool
	BulkDataTransfer   bool
	RequestsPerSecond  int
	AvgResponseBytes   int
}

// Service returns the named service, or nil.
func (s *Spec) Service(name string) *Service {
	i, ok := slices.BinarySearchFunc(s.Services, name, func(svc Service, n string) int {
		return strings.Compare(svc.Name, n)
	})
	if !ok {
		return nil
	}
	return &s.Services[i]
}

func itoa(n int) string { return strconv.Itoa(n) }
