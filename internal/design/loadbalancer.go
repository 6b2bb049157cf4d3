package design

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/netwright/netwright/internal/diag"
)

// Load balancer types and schemes.
const (
	ALB            = "application"
	NLB            = "network"
	GWLB           = "gateway"
	InternetFacing = "internet-facing"
	Internal       = "internal"
)

// LoadBalancer is an ALB, NLB or GWLB.
type LoadBalancer struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Type   string `json:"type"`
	Scheme string `json:"scheme,omitempty"`
	VPC    string `json:"vpc"`
	// Subnets hold the load balancer's nodes, one per AZ.
	Subnets        []string `json:"subnets"`
	SecurityGroups []string `json:"security_groups,omitempty"`
	// ElasticIPs gives an NLB fixed addresses, one per subnet.
	ElasticIPs bool `json:"elastic_ips,omitempty"`
	// IdleTimeout is the ALB connection idle timeout (60s by default);
	// keep-alive timeouts behind it must be longer.
	IdleTimeout        Duration    `json:"idle_timeout,omitzero"`
	DropInvalidHeaders bool        `json:"drop_invalid_header_fields,omitempty"`
	DeletionProtection bool        `json:"deletion_protection"`
	CrossZone          bool        `json:"cross_zone"`
	AccessLogs         *AccessLogs `json:"access_logs,omitempty"`
	Listeners          []Listener  `json:"listeners"`
	// Owner is who creates the load balancer with its listeners and rules:
	// the stack (OwnerStack, or empty in a design written before owners
	// were recorded) or, for an EKS design's ALB, the AWS Load Balancer
	// Controller (OwnerLoadBalancerController) from the Ingresses the
	// Kubernetes export writes. Its security groups and access-log bucket
	// are the stack's either way: the Ingress names them.
	Owner string `json:"owner,omitempty"`
	// Waiver explains a scanner's finding on the load balancer (an
	// internet-facing one is meant to face the internet), or nil.
	Waiver *Waiver `json:"waiver,omitempty"`
	// DNSName and State are known for imported load balancers.
	DNSName string `json:"dns_name,omitempty"`
	State   string `json:"state,omitempty"`
}

// AccessLogs sends a load balancer's access logs to S3.
type AccessLogs struct {
	Bucket string `json:"bucket"`
	Prefix string `json:"prefix"`
	// Waiver explains a scanner's finding on the bucket (ELB writes its
	// logs only to buckets encrypted with S3-managed keys), or nil.
	Waiver *Waiver `json:"waiver,omitempty"`
}

// Listener is a port and protocol a load balancer accepts.
type Listener struct {
	ID       string `json:"id"`
	Port     int    `json:"port"`
	Protocol string `json:"protocol"` // HTTP, HTTPS, TCP, UDP, TLS, GENEVE
	// Certificate is an ACM ARN or "auto" (DNS-validated for the domain).
	Certificate   string         `json:"certificate,omitempty"`
	SSLPolicy     string         `json:"ssl_policy,omitempty"`
	ALPNPolicy    string         `json:"alpn_policy,omitempty"`
	DefaultAction Action         `json:"default_action"`
	Rules         []ListenerRule `json:"rules,omitempty"`
	// Waiver explains a scanner's finding on the listener, or nil.
	Waiver *Waiver `json:"waiver,omitempty"`
}

// Actions returns the listener's default action, then each rule's, in
// rule order.
func (l *Listener) Actions() []Action {
	out := make([]Action, 0, len(l.Rules)+1)
	out = append(out, l.DefaultAction)
	for _, r := range l.Rules {
		out = append(out, r.Action)
	}
	return out
}

// ListenerRule is an ALB rule: evaluated by ascending priority, the first
// match wins, the default action last.
type ListenerRule struct {
	ID         string     `json:"id"`
	Priority   int        `json:"priority"`
	Conditions Conditions `json:"conditions"`
	Action     Action     `json:"action"`
	// Source names the spec's rule, such as "ingress[2]".
	Source string      `json:"source"`
	Origin *diag.Range `json:"origin,omitempty"`
}

// Conditions are an ALB rule's conditions; all must match. Empty fields
// match everything.
type Conditions struct {
	Host      string         `json:"host,omitempty"`
	Path      string         `json:"path,omitempty"`
	Headers   []KeyValue     `json:"headers,omitempty"`
	Methods   []string       `json:"methods,omitempty"`
	Query     []KeyValue     `json:"query,omitempty"`
	SourceIPs []netip.Prefix `json:"source_ips,omitempty"`
}

// Count is the number of condition values, which ALB limits to five.
func (c Conditions) Count() int {
	n := len(c.Headers) + len(c.Methods) + len(c.Query) + len(c.SourceIPs)
	if c.Host != "" {
		n++
	}
	if c.Path != "" {
		n++
	}
	return n
}

// String lists the conditions with ALB's names for them:
// "host-header api.example.com; path-pattern /v1/*".
func (c Conditions) String() string {
	var parts []string
	if c.Host != "" {
		parts = append(parts, "host-header "+c.Host)
	}
	if c.Path != "" {
		parts = append(parts, "path-pattern "+c.Path)
	}
	for _, h := range c.Headers {
		parts = append(parts, "http-header "+h.Key+"="+h.Value)
	}
	if len(c.Methods) > 0 {
		parts = append(parts, "http-request-method "+strings.Join(c.Methods, ","))
	}
	for _, q := range c.Query {
		parts = append(parts, "query-string "+q.Key+"="+q.Value)
	}
	for _, p := range c.SourceIPs {
		parts = append(parts, "source-ip "+p.String())
	}
	return strings.Join(parts, "; ")
}

// KeyValue is a header or query condition; the value may hold * and ?.
type KeyValue struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Action kinds.
const (
	ActionForward  = "forward"
	ActionRedirect = "redirect"
	ActionFixed    = "fixed-response"
)

// Action is what a listener does with a request.
type Action struct {
	Type string `json:"type"`
	// Forward lists target groups and weights.
	Forward []WeightedTarget `json:"forward,omitempty"`
	// Redirect sends the client elsewhere (HTTP to HTTPS).
	RedirectProtocol string `json:"redirect_protocol,omitempty"`
	RedirectPort     int    `json:"redirect_port,omitempty"`
	// StatusCode is the redirect or fixed response code.
	StatusCode int    `json:"status_code,omitempty"`
	Body       string `json:"body,omitempty"`
}

// String says what the action does: "forward to tg-a 75%, tg-b 25%"
// (shares of the weights), "redirect to HTTPS:443 (301)" or "fixed
// response 404".
func (a Action) String() string {
	switch a.Type {
	case ActionRedirect:
		return fmt.Sprintf("redirect to %s:%d (%d)", a.RedirectProtocol, a.RedirectPort, a.StatusCode)
	case ActionFixed:
		return fmt.Sprintf("fixed response %d", a.StatusCode)
	}
	total := 0
	for _, f := range a.Forward {
		total += f.Weight
	}
	var parts []string
	for _, f := range a.Forward {
		if len(a.Forward) == 1 {
			parts = append(parts, f.TargetGroup)
		} else {
			parts = append(parts, fmt.Sprintf("%s %d%%", f.TargetGroup, f.Weight*100/max(total, 1)))
		}
	}
	return "forward to " + strings.Join(parts, ", ")
}

// WeightedTarget is one target group of a forward action.
type WeightedTarget struct {
	TargetGroup string `json:"target_group"`
	Weight      int    `json:"weight"`
}

// TargetGroup is a set of task IPs a load balancer sends to.
type TargetGroup struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	VPC     string `json:"vpc"`
	Service string `json:"service"`
	Port    int    `json:"port"`
	// Protocol is HTTP, TCP, UDP, TLS or GENEVE; ProtocolVersion HTTP1,
	// HTTP2 or GRPC for HTTP.
	Protocol        string `json:"protocol"`
	ProtocolVersion string `json:"protocol_version,omitempty"`
	TargetType      string `json:"target_type"`
	// Algorithm is round_robin, least_outstanding_requests or
	// weighted_random for ALB; NLB and GWLB hash flows.
	Algorithm         string `json:"algorithm,omitempty"`
	AnomalyMitigation bool   `json:"anomaly_mitigation,omitempty"`
	// Stickiness is lb_cookie (ALB) or source_ip (NLB), or empty.
	Stickiness          string       `json:"stickiness,omitempty"`
	StickinessDuration  Duration     `json:"stickiness_duration,omitzero"`
	DeregistrationDelay Duration     `json:"deregistration_delay"`
	SlowStart           Duration     `json:"slow_start,omitzero"`
	PreserveClientIP    bool         `json:"preserve_client_ip,omitempty"`
	Health              TargetHealth `json:"health"`
	// Targets are the registered targets of an imported target group;
	// a planned one registers its service's tasks.
	Targets []Target `json:"targets,omitempty"`
	// Owner is who creates the group and registers its targets: the
	// stack (empty or OwnerStack; on EKS the pods join it through a
	// TargetGroupBinding), or the AWS Load Balancer Controller, which
	// makes one group per Service an Ingress forwards to and names it
	// itself (Name is then empty). A group has the owner of the load
	// balancers that forward to it.
	Owner string `json:"owner,omitempty"`
}

// OwnerLoadBalancerController is the AWS Load Balancer Controller as the
// owner of an ALB and its target groups (LoadBalancer.Owner,
// TargetGroup.Owner).
const OwnerLoadBalancerController = "aws_load_balancer_controller"

// StackOwns reports whether the stack creates the load balancer, its
// listeners and rules.
func (lb *LoadBalancer) StackOwns() bool { return StackMakes(lb.Owner) }

// StackOwns reports whether the stack creates the target group.
func (tg *TargetGroup) StackOwns() bool { return StackMakes(tg.Owner) }

// TargetGroupsOf returns the IDs of the target groups a load balancer's
// listeners forward to, in listener and rule order, each once.
func (lb *LoadBalancer) TargetGroupsOf() []string {
	var out []string
	for _, l := range lb.Listeners {
		for _, a := range l.Actions() {
			for _, f := range a.Forward {
				if !slices.Contains(out, f.TargetGroup) {
					out = append(out, f.TargetGroup)
				}
			}
		}
	}
	return out
}

// TargetHealth is a target group's health check and what its settings
// mean in time.
type TargetHealth struct {
	Protocol           string   `json:"protocol"` // HTTP, TCP
	Port               int      `json:"port"`
	Path               string   `json:"path,omitempty"`
	Matcher            string   `json:"matcher,omitempty"`
	Interval           Duration `json:"interval"`
	Timeout            Duration `json:"timeout"`
	HealthyThreshold   int      `json:"healthy_threshold"`
	UnhealthyThreshold int      `json:"unhealthy_threshold"`
	// UnhealthyAfter is how long a target that stops answering keeps
	// receiving traffic: unhealthy_threshold failed checks, the last one
	// timing out.
	UnhealthyAfter Duration `json:"unhealthy_after"`
	// HealthyAfter is how long a recovered target waits before traffic:
	// healthy_threshold passing checks. A newly registered target needs
	// one.
	HealthyAfter Duration `json:"healthy_after"`
}

// GatewayLoadBalancerEndpoint steers routed traffic to a GWLB.
type GatewayLoadBalancerEndpoint struct {
	ID           string `json:"id"`
	LoadBalancer string `json:"load_balancer"`
	Subnet       string `json:"subnet"`
	AZ           string `json:"az"`
}

// PublicHTTPSListener returns the first internet-facing ALB and its HTTPS
// listener: the public entry point, or nil when the design has none.
func (d *Design) PublicHTTPSListener() (*LoadBalancer, *Listener) {
	for i := range d.LoadBalancers {
		lb := &d.LoadBalancers[i]
		if lb.Type != ALB || lb.Scheme != InternetFacing {
			continue
		}
		for j := range lb.Listeners {
			if lb.Listeners[j].Protocol == "HTTPS" {
				return lb, &lb.Listeners[j]
			}
		}
	}
	return nil, nil
}
