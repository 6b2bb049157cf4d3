package design

import (
	"fmt"
	"slices"
	"strings"
)

// Compute platforms (Design.Compute).
const (
	ComputeFargate = "fargate"
	ComputeECSEC2  = "ecs_ec2"
	ComputeEKS     = "eks"
)

// Platform is how one service runs on the design's compute platform: the
// ports its container maps and why, the identity its tasks or pods act
// as, how a deployment rolls, and where the platform registers its tasks.
// The architects decide all of it, so the exporters write what the
// design says and the checks can prove it deploys: every target group a
// service's tasks must join is in Registrations with a container port
// the container maps, every health check port is mapped, and every
// identity a policy names exists.
type Platform struct {
	// Ports are the container's port mappings, traffic first.
	Ports []ContainerPort `json:"ports"`
	// Identity is the ID of the IAM identity the tasks or pods use.
	Identity string `json:"identity"`
	// Deployment says how a new version rolls out.
	Deployment Rollout `json:"deployment"`
	// Registrations are the load balancer target groups the platform
	// registers each task in (ECS service load balancers; on EKS the
	// AWS Load Balancer Controller's TargetGroupBinding).
	Registrations []Registration `json:"registrations,omitempty"`
	// Discovery is the Cloud Map services the platform registers each
	// task in, with the port SRV records carry.
	Discovery []DiscoveryRegistration `json:"discovery,omitempty"`
	// Dependencies say how the tasks reach each service they call, handed
	// to them as <SERVICE>_ADDR (host:port), as netwright up does.
	Dependencies []DependencyAddress `json:"dependencies,omitempty"`
	// StartAfter names the services that must exist before this one is
	// created: a Service Connect client resolves only the endpoints that
	// existed when its tasks started.
	StartAfter []string `json:"start_after,omitempty"`
	// Image is what the service's container image must do for the first
	// deploy to become healthy; exporters ask for the image with it.
	Image ImageContract `json:"image"`
}

// Container port purposes.
const (
	PortTraffic = "traffic" // the service's own port
	PortHealth  = "health"  // a separate port a load balancer checks
	PortGENEVE  = "geneve"  // GWLB's encapsulated traffic to an appliance
)

// ContainerPort is one port mapping of a service's container.
type ContainerPort struct {
	// Name is the mapping's name; Service Connect and Lattice refer to it.
	Name string `json:"name"`
	Port int    `json:"port"`
	// Protocol is tcp or udp.
	Protocol string `json:"protocol"`
	// AppProtocol is http, http2 or grpc for Service Connect, else empty.
	AppProtocol string `json:"app_protocol,omitempty"`
	Purpose     string `json:"purpose"`
}

// Deployment controllers.
const (
	ControllerECS        = "ecs"        // ECS rolling update
	ControllerKubernetes = "kubernetes" // a Kubernetes Deployment's RollingUpdate
)

// Rollout is a rolling update's shape, which also sizes subnets: at
// the peak of a deploy MaxPercent of the desired tasks run at once.
type Rollout struct {
	Controller string `json:"controller"`
	// MaxPercent is the most tasks running during a deploy, in percent of
	// the desired count (ECS maximumPercent; 100 + Kubernetes maxSurge).
	MaxPercent int `json:"max_percent"`
	// MinHealthyPercent is the fewest healthy tasks kept during a deploy
	// (ECS minimumHealthyPercent; 100 - Kubernetes maxUnavailable).
	MinHealthyPercent int `json:"min_healthy_percent"`
	// CircuitBreaker stops a deploy whose tasks keep failing, and
	// Rollback returns to the last version that reached a steady state.
	CircuitBreaker bool `json:"circuit_breaker,omitempty"`
	Rollback       bool `json:"rollback,omitempty"`
	// HealthCheckGrace is how long ECS ignores load balancer health checks
	// of a new task, or zero.
	HealthCheckGrace Duration `json:"health_check_grace,omitzero"`
}

// Registration puts a service's tasks in a target group.
type Registration struct {
	TargetGroup string `json:"target_group"`
	// ContainerPort is the mapped port the target group sends to.
	ContainerPort int `json:"container_port"`
}

// DiscoveryRegistration puts a service's tasks in a Cloud Map service.
type DiscoveryRegistration struct {
	// Service is the DiscoveryService ID.
	Service string `json:"service"`
	// ContainerPort is the mapped port SRV records carry; ECS requires it
	// for SRV records with awsvpc.
	ContainerPort int `json:"container_port"`
}

// Ways a task reaches a dependency.
const (
	ViaServiceConnect = "service_connect" // the callee's Service Connect alias
	ViaLoadBalancer   = "load_balancer"   // the internal load balancer in front of it
	ViaLattice        = "vpc_lattice"     // its VPC Lattice service
	ViaCloudMap       = "cloud_map"       // its Cloud Map DNS name
	ViaClusterDNS     = "cluster_dns"     // its Kubernetes Service's cluster DNS name (EKS)
)

// DependencyAddress is where a service's tasks call one dependency.
type DependencyAddress struct {
	Service string `json:"service"`
	// Env is the variable that holds host:port, such as ORDERS_ADDR.
	Env string `json:"env"`
	Via string `json:"via"`
	// Host is the name to call when the design knows it; otherwise it is
	// the DNS name of LoadBalancer or LatticeService, known once deployed.
	Host           string `json:"host,omitempty"`
	LoadBalancer   string `json:"load_balancer,omitempty"`
	LatticeService string `json:"lattice_service,omitempty"`
	Port           int    `json:"port"`
}

// EnvName is the environment variable prefix for a service's name:
// upper case, with every character but letters and digits an underscore
// ("orders-db" becomes ORDERS_DB).
func EnvName(service string) string {
	b := []byte(service)
	for i, c := range b {
		switch {
		case c >= 'a' && c <= 'z':
			b[i] = c - 'a' + 'A'
		case c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		default:
			b[i] = '_'
		}
	}
	return string(b)
}

// ImageContract is what a container image must do for a deploy to
// become healthy.
type ImageContract struct {
	// Listens lists the ports and protocols it must accept, "tcp 8080".
	Listens []string `json:"listens"`
	// Answers says what its health check must get, "GET /health with
	// 200-399", or empty when a connection is enough.
	Answers string `json:"answers,omitempty"`
}

// Describe says what a service's image must do, for those who supply it
// ("container image of web: it must listen on tcp 8080 and answer HTTP GET
// /health with 200"): the exports ask for the image with no default, since
// a placeholder that listens elsewhere would leave the first deploy
// waiting for health checks that never pass.
func (c ImageContract) Describe(service string) string {
	s := fmt.Sprintf("container image of %s: it must listen on %s", service, strings.Join(c.Listens, " and "))
	if c.Answers != "" {
		s += " and answer " + c.Answers
	}
	return s
}

// Port returns the platform's port mapping with the given purpose, or nil.
func (w *Platform) Port(purpose string) *ContainerPort {
	for i := range w.Ports {
		if w.Ports[i].Purpose == purpose {
			return &w.Ports[i]
		}
	}
	return nil
}

// Maps reports whether the container maps a port for a protocol.
func (w *Platform) Maps(protocol string, port int) bool {
	return slices.ContainsFunc(w.Ports, func(p ContainerPort) bool { return p.Protocol == protocol && p.Port == port })
}

// Identity kinds.
const (
	// IdentityECSTask is an ECS task role, assumed by ecs-tasks.amazonaws.com.
	IdentityECSTask = "ecs_task_role"
	// IdentityEKSPod is an IAM role for a Kubernetes service account
	// through EKS Pod Identity, assumed by pods.eks.amazonaws.com.
	IdentityEKSPod = "eks_pod_identity"
)

// Identity is the IAM identity one service's tasks or pods act as, and
// what it may do. VPC Lattice auth policies name identities.
type Identity struct {
	ID   string `json:"id"`
	Kind string `json:"kind"`
	// Service is the service whose tasks or pods use it.
	Service string `json:"service"`
	// Principal is the AWS service principal that assumes the role.
	Principal string `json:"principal"`
	// Namespace and ServiceAccount are the Kubernetes service account an
	// EKS Pod Identity association binds the role to.
	Namespace      string `json:"namespace,omitempty"`
	ServiceAccount string `json:"service_account,omitempty"`
	// Permissions are what the identity may do beyond assuming it.
	Permissions []Permission `json:"permissions,omitempty"`
}

// Permission is one allow statement of an identity's policy.
type Permission struct {
	Actions []string `json:"actions"`
	// LatticeServices are the IDs of the VPC Lattice services the
	// statement covers (the only resources identities are given today).
	LatticeServices []string `json:"lattice_services,omitempty"`
	// Reason says which part of the spec asked for it.
	Reason string `json:"reason"`
}

// Identity returns the identity with the given ID, or nil.
func (d *Design) Identity(id string) *Identity {
	for i := range d.Identities {
		if d.Identities[i].ID == id {
			return &d.Identities[i]
		}
	}
	return nil
}

// ListenersForwardingTo returns the IDs of the listeners and listener
// rules that forward to a target group, in design order: ECS needs the
// group attached to a load balancer before a service registers in it.
func (d *Design) ListenersForwardingTo(targetGroup string) []string {
	var ids []string
	for _, lb := range d.LoadBalancers {
		for _, l := range lb.Listeners {
			if slices.ContainsFunc(l.DefaultAction.Forward, func(w WeightedTarget) bool { return w.TargetGroup == targetGroup }) {
				ids = append(ids, l.ID)
			}
			for _, r := range l.Rules {
				if slices.ContainsFunc(r.Action.Forward, func(w WeightedTarget) bool { return w.TargetGroup == targetGroup }) {
					ids = append(ids, r.ID)
				}
			}
		}
	}
	return ids
}

// TargetGroup returns the target group with the given ID, or nil.
func (d *Design) TargetGroup(id string) *TargetGroup {
	for i := range d.TargetGroups {
		if d.TargetGroups[i].ID == id {
			return &d.TargetGroups[i]
		}
	}
	return nil
}
