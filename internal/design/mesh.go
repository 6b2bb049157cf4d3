package design

import (
	"net/netip"
	"strings"
)

// Mesh is the application's service-mesh intent in App Mesh's resource
// model (virtual nodes, routers, routes, services and a gateway), which
// states traffic policy most clearly, and that intent compiled to what AWS
// runs today: ECS Service Connect or VPC Lattice. App Mesh itself stopped
// on 2026-09-30 and is never exported.
type Mesh struct {
	// Target is service_connect, vpc_lattice or none.
	Target string `json:"target"`
	// MTLS is strict, permissive or off.
	MTLS            string           `json:"mtls"`
	VirtualNodes    []VirtualNode    `json:"virtual_nodes"`
	VirtualRouters  []VirtualRouter  `json:"virtual_routers"`
	VirtualServices []VirtualService `json:"virtual_services"`
	VirtualGateway  *VirtualGateway  `json:"virtual_gateway,omitempty"`

	ServiceConnect *ServiceConnect `json:"service_connect,omitempty"`
	Lattice        *Lattice        `json:"vpc_lattice,omitempty"`
}

// VirtualNode is one service's listener and the backends it may call.
type VirtualNode struct {
	Name     string `json:"name"`
	Service  string `json:"service"`
	Port     int    `json:"port"`
	Protocol string `json:"protocol"` // http, http2, grpc, tcp
	// TLS is the mTLS mode on the listener: strict, permissive or off.
	TLS              string            `json:"tls"`
	Health           HealthCheck       `json:"health"`
	OutlierDetection *OutlierDetection `json:"outlier_detection,omitempty"`
	ConnectionPool   *ConnectionPool   `json:"connection_pool,omitempty"`
	// Backends are the virtual services the node may call: its depends_on.
	Backends []string `json:"backends,omitempty"`
}

// OutlierDetection ejects hosts that keep failing.
type OutlierDetection struct {
	Consecutive5xx     int      `json:"consecutive_5xx"`
	Interval           Duration `json:"interval"`
	BaseEjectionTime   Duration `json:"base_ejection_time"`
	MaxEjectionPercent int      `json:"max_ejection_percent"`
}

// ConnectionPool bounds a node's connections and requests.
type ConnectionPool struct {
	MaxConnections     int      `json:"max_connections"`
	MaxPendingRequests int      `json:"max_pending_requests"`
	MaxRequests        int      `json:"max_requests"`
	MaxRetries         int      `json:"max_retries"`
	MaxIdlePerHost     int      `json:"max_idle_per_host,omitempty"`
	IdleTimeout        Duration `json:"idle_timeout,omitzero"`
}

// VirtualRouter routes calls to one virtual service.
type VirtualRouter struct {
	Name     string      `json:"name"`
	Service  string      `json:"service"`
	Port     int         `json:"port"`
	Protocol string      `json:"protocol"`
	Routes   []MeshRoute `json:"routes"`
}

// MeshRoute is one route: the first that matches, by ascending priority,
// wins; the last matches everything.
type MeshRoute struct {
	Name     string         `json:"name"`
	Priority int            `json:"priority"`
	Match    MeshMatch      `json:"match,omitzero"`
	Targets  []WeightedNode `json:"targets"`
	Timeout  Duration       `json:"timeout"`
	Retry    *RetryPolicy   `json:"retry,omitempty"`
	// Source names the spec entry, or "default".
	Source string `json:"source"`
}

// MeshMatch is what a route matches; empty fields match everything.
type MeshMatch struct {
	PathPrefix string     `json:"path_prefix,omitempty"`
	PathExact  string     `json:"path_exact,omitempty"`
	Headers    []KeyValue `json:"headers,omitempty"`
	Method     string     `json:"method,omitempty"`
}

// IsEmpty reports whether the match matches everything.
func (m MeshMatch) IsEmpty() bool {
	return m.PathPrefix == "" && m.PathExact == "" && len(m.Headers) == 0 && m.Method == ""
}

// String lists the match's parts, "prefix /v1, header x-canary=1", or
// "any" for the empty match.
func (m MeshMatch) String() string {
	var parts []string
	if m.PathPrefix != "" {
		parts = append(parts, "prefix "+m.PathPrefix)
	}
	if m.PathExact != "" {
		parts = append(parts, "path "+m.PathExact)
	}
	for _, h := range m.Headers {
		parts = append(parts, "header "+h.Key+"="+h.Value)
	}
	if m.Method != "" {
		parts = append(parts, "method "+m.Method)
	}
	if len(parts) == 0 {
		return "any"
	}
	return strings.Join(parts, ", ")
}

// GRPCMethod is the gRPC method match a path match stands for. A gRPC
// call's path is /<package.Service>/<Method> (gRPC over HTTP/2, "Path"),
// so an exact path of that form names one method of one service, the
// prefix /<package.Service>/ every method of the service, and no path or
// the prefix / every call (service and method empty). ok is false for any
// other path, which a match by service and method cannot state: a
// partial name (/shop.), a wildcard inside a segment, or more segments.
func (m MeshMatch) GRPCMethod() (service, method string, ok bool) {
	switch {
	case m.PathExact == "" && (m.PathPrefix == "" || m.PathPrefix == "/"):
		return "", "", true
	case m.PathExact != "":
		s, meth, found := strings.Cut(strings.TrimPrefix(m.PathExact, "/"), "/")
		if !strings.HasPrefix(m.PathExact, "/") || !found || !grpcName(s) || !grpcName(meth) || strings.Contains(meth, ".") {
			return "", "", false
		}
		return s, meth, true
	}
	s, found := strings.CutSuffix(strings.TrimPrefix(m.PathPrefix, "/"), "/")
	if !strings.HasPrefix(m.PathPrefix, "/") || !found || !grpcName(s) {
		return "", "", false
	}
	return s, "", true
}

// grpcName reports whether s can be a gRPC service or method name as a
// path segment: letters, digits, underscores and dots, no wildcard.
func grpcName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// WeightedNode is a route target.
type WeightedNode struct {
	Node   string `json:"node"`
	Weight int    `json:"weight"`
}

// RetryPolicy retries failed calls.
type RetryPolicy struct {
	MaxRetries    int      `json:"max_retries"`
	Events        []string `json:"events"`
	PerTryTimeout Duration `json:"per_try_timeout"`
}

// VirtualService is the name clients call, provided by a router.
type VirtualService struct {
	Name     string `json:"name"`
	Provider string `json:"provider"`
}

// VirtualGateway is the mesh's public entry.
type VirtualGateway struct {
	Name   string         `json:"name"`
	Port   int            `json:"port"`
	Routes []GatewayRoute `json:"routes"`
}

// GatewayRoute sends public requests to a virtual service.
type GatewayRoute struct {
	Name    string         `json:"name"`
	Source  string         `json:"source"`
	Match   Conditions     `json:"match,omitzero"`
	Targets []WeightedNode `json:"targets"`
}

// ServiceConnect is the mesh compiled to ECS Service Connect.
type ServiceConnect struct {
	Namespace string                  `json:"namespace"`
	Services  []ServiceConnectService `json:"services"`
}

// ServiceConnectService is one ECS service's Service Connect configuration.
type ServiceConnectService struct {
	Service string `json:"service"`
	// DiscoveryName and ClientAliases: what the service registers as, and
	// the name and port clients call it by.
	DiscoveryName string        `json:"discovery_name,omitempty"`
	ClientAliases []ClientAlias `json:"client_aliases,omitempty"`
	Port          int           `json:"port,omitempty"`
	PerRequest    Duration      `json:"per_request_timeout,omitzero"`
	Idle          Duration      `json:"idle_timeout,omitzero"`
	// TLS turns on Service Connect TLS for calls to the service: one-way
	// (server-authenticated) TLS 1.3 between the proxies, with a
	// certificate AWS Private CA issues and ECS rotates. Clients present
	// no certificate: it is not mutual TLS.
	TLS bool `json:"tls,omitempty"`
	// ClientOnly services call others but take no Service Connect traffic.
	ClientOnly bool `json:"client_only,omitempty"`
}

// ClientAlias is a name and port clients use.
type ClientAlias struct {
	DNSName string `json:"dns_name"`
	Port    int    `json:"port"`
}

// Lattice is the mesh compiled to Amazon VPC Lattice.
type Lattice struct {
	ServiceNetwork string   `json:"service_network"`
	VPCs           []string `json:"vpcs"`
	AuthType       string   `json:"auth_type"` // AWS_IAM or NONE
	// NetworkAuth is who the service network's own auth policy admits
	// when AuthType is AWS_IAM (a network with AWS_IAM and no policy denies
	// everything): LatticeNetworkAccount, the authenticated principals of
	// the account, leaving each service's policy to name its callers.
	NetworkAuth string `json:"network_auth,omitempty"`
	// Owners say who creates each kind of Lattice object: one owner
	// each, so no object is made twice and nothing is left unmade. Empty
	// (a design written before owners were recorded) is the stack.
	Owners       LatticeOwners        `json:"owners,omitzero"`
	Services     []LatticeService     `json:"services"`
	TargetGroups []LatticeTargetGroup `json:"target_groups"`
}

// LatticeOwners say who creates each kind of VPC Lattice object: the
// network's stack (the CloudFormation or Terraform export) or the AWS
// Gateway API Controller in an EKS cluster, from the Gateway, routes and
// policies the Kubernetes export writes. On ECS the stack makes all of
// it. On EKS the controller makes what it derives from routes (services
// with their listeners, rules and network associations, their target
// groups, which it keeps registering pods in, and their auth policies),
// and finds the service network by the Gateway's name; the stack makes
// the network, its VPC associations and its auth policy, which the
// controller does not, and the callers' roles, whose Invoke covers the
// network's services (Permission.LatticeServiceNetwork) because their
// ARNs exist only once the controller has made them.
type LatticeOwners struct {
	ServiceNetwork      string `json:"service_network"`
	VPCAssociations     string `json:"vpc_associations"`
	NetworkAuthPolicy   string `json:"network_auth_policy"`
	Services            string `json:"services"`
	TargetGroups        string `json:"target_groups"`
	ServiceAuthPolicies string `json:"service_auth_policies"`
}

// Owners of VPC Lattice objects (LatticeOwners).
const (
	OwnerStack                = "stack"
	OwnerGatewayAPIController = "aws_gateway_api_controller"
)

// StackMakes reports whether an owner (a LatticeOwners field) is the
// stack; empty is the stack.
func StackMakes(owner string) bool { return owner == "" || owner == OwnerStack }

// StackOwnsServices reports whether the stack creates the Lattice
// services, listeners and rules.
func (l *Lattice) StackOwnsServices() bool { return StackMakes(l.Owners.Services) }

// GatewayControllerServiceName is the name the AWS Gateway API Controller
// gives the Lattice service it makes for a route: the route's name cut to
// 20 characters, a hyphen, and its namespace cut to 18, each without
// leading or trailing hyphens (aws-application-networking-k8s
// pkg/utils LatticeServiceName). A route whose name this would not be
// carries the service-name-override annotation.
func GatewayControllerServiceName(route, namespace string) string {
	cut := func(s string, n int) string {
		if len(s) > n {
			s = s[:n]
		}
		return strings.Trim(s, "-")
	}
	return cut(route, 20) + "-" + cut(namespace, 18)
}

// LatticeNetworkAccount: the service network admits the account's
// authenticated principals.
const LatticeNetworkAccount = "account"

// LatticeCIDR is the link-local block VPC Lattice's traffic to services
// comes from and goes to inside an associated VPC; NACLs, which cannot
// name the managed prefix list, name it.
var LatticeCIDR = netip.MustParsePrefix("169.254.171.0/24")

// LatticePrefixList is the AWS-managed prefix list of VPC Lattice's
// addresses in a Region, which targets' security groups admit.
func LatticePrefixList(region string) string {
	return "com.amazonaws." + region + ".vpc-lattice"
}

// LatticeTargetGroup is the group of a service's tasks that Lattice
// forwards to, with the health check Lattice can make of them.
type LatticeTargetGroup struct {
	ID string `json:"id"`
	// Name is empty when the AWS Gateway API Controller makes the group
	// and names it (k8s-<namespace>-<service>-<random letters>).
	Name    string `json:"name,omitempty"`
	Service string `json:"service"`
	// Protocol is HTTP or TCP; ProtocolVersion HTTP1, HTTP2 or GRPC.
	Protocol        string `json:"protocol"`
	ProtocolVersion string `json:"protocol_version,omitempty"`
	Port            int    `json:"port"`
	// Health is nil where Lattice checks nothing (TCP groups).
	Health *LatticeHealth `json:"health,omitempty"`
}

// LatticeHealth is a Lattice target group's health check: HTTP or HTTPS
// only, over HTTP/1.1 or HTTP/2 (there is no gRPC check).
type LatticeHealth struct {
	Protocol           string   `json:"protocol"`
	ProtocolVersion    string   `json:"protocol_version"`
	Path               string   `json:"path"`
	Matcher            string   `json:"matcher"`
	Interval           Duration `json:"interval"`
	Timeout            Duration `json:"timeout"`
	HealthyThreshold   int      `json:"healthy_threshold"`
	UnhealthyThreshold int      `json:"unhealthy_threshold"`
}

// StackMakesTargetGroup reports whether the stack makes the Lattice target
// group of a service's tasks: a rule or default action forwards to the
// service and the stack owns target groups. An ECS service's tasks are
// registered in it only through the service's VPC Lattice configuration,
// so every service it is true of needs one, the backends a route shifts a
// share of calls to as much as the service callers name.
func (l *Lattice) StackMakesTargetGroup(service string) bool {
	if !StackMakes(l.Owners.TargetGroups) {
		return false
	}
	for _, tg := range l.TargetGroups {
		if tg.Service == service {
			return true
		}
	}
	return false
}

// TargetGroupName returns the name of the target group of a service's
// tasks, or empty if no rule forwards to the service.
func (l *Lattice) TargetGroupName(service string) string {
	for _, tg := range l.TargetGroups {
		if tg.Service == service {
			return tg.Name
		}
	}
	return ""
}

// LatticeService is one Lattice service with its listener, rules and auth
// policy.
type LatticeService struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Service  string `json:"service"`
	Protocol string `json:"protocol"` // HTTP or HTTPS (TLS_PASSTHROUGH in designs planned before TLS services stayed on Cloud Map)
	Port     int    `json:"port"`
	// Rules keep the mesh routes' order and weights.
	Rules         []LatticeRule  `json:"rules"`
	DefaultTarget []WeightedNode `json:"default_targets"`
	// AllowedCallers are the services whose task roles the auth policy
	// lets invoke this one: exactly its declared callers.
	AllowedCallers []string `json:"allowed_callers"`
}

// LatticeRule is a listener rule.
type LatticeRule struct {
	Priority int            `json:"priority"`
	Match    MeshMatch      `json:"match,omitzero"`
	Targets  []WeightedNode `json:"targets"`
	Source   string         `json:"source"`
}
