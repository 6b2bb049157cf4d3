package design

import "net/netip"

// Kubernetes is how an EKS design's services live in the cluster: the
// namespace and the labels every object and selector uses, which pods
// carry a security group of their own, the cluster's DNS resolver that
// pods' egress must reach, and how pods find one another. The planner
// decides it (plan/kubernetes.go); the Kubernetes exporter writes it
// with the rest of the design (flows, load balancers, VPC Lattice,
// identities) as manifests.
type Kubernetes struct {
	// Namespace holds every object of the application.
	Namespace string `json:"namespace"`
	// PodSecurityGroups is true when each service's pods carry the
	// service's own security group through Security Groups for Pods (a
	// SecurityGroupPolicy per workload, a branch ENI per pod); false when
	// pods share their nodes' ENIs and groups, and NetworkPolicy alone
	// keeps the services apart.
	PodSecurityGroups bool `json:"pod_security_groups"`
	// Discovery is how pods find the services they call: by cluster DNS
	// (<service>.<namespace>.svc.cluster.local), or through the AWS Cloud
	// Map MCS controller.
	Discovery string `json:"discovery"`
	// DNS is the cluster's resolver, which every pod's egress admits.
	DNS ClusterResolver `json:"dns"`
	// PodIdentityAgent is the EKS Pod Identity agent's address on every
	// node, which pods ask for their role's credentials (port 80).
	PodIdentityAgent netip.Addr `json:"pod_identity_agent"`
	// Workloads are the services that run as pods, in service order.
	Workloads []PodWorkload `json:"workloads"`
}

// Ways pods find one another (Kubernetes.Discovery).
const (
	DiscoveryClusterDNS  = "cluster_dns"
	DiscoveryCloudMapMCS = "cloud_map_mcs"
)

// ClusterResolver is the cluster DNS: the pods that answer and where.
type ClusterResolver struct {
	// Namespace and Labels select the resolver's pods (CoreDNS in
	// kube-system, labelled k8s-app=kube-dns on EKS).
	Namespace string     `json:"namespace"`
	Labels    []KeyValue `json:"labels"`
	Port      int        `json:"port"`
}

// PodWorkload is one service's pods: the names and labels its objects use.
type PodWorkload struct {
	Service string `json:"service"`
	// Name names the Deployment, Service, ServiceAccount and the
	// workload's NetworkPolicy and SecurityGroupPolicy.
	Name string `json:"name"`
	// Labels are on every pod of the workload, sorted by key; the
	// Service, NetworkPolicies and SecurityGroupPolicy select on them.
	Labels []KeyValue `json:"labels"`
	// ServiceAccount is what its pods run as; the EKS Pod Identity
	// association binds the service's role to it.
	ServiceAccount string `json:"service_account"`
	// SecurityGroups are the groups its SecurityGroupPolicy gives each
	// pod's branch ENI, or none when the pods share their nodes' groups.
	SecurityGroups []string `json:"security_groups,omitempty"`
	// DNSName is the name cluster DNS answers for the workload's Service.
	DNSName string `json:"dns_name"`
	// Readiness is the kubelet's check before a pod takes traffic, or nil.
	Readiness *Probe `json:"readiness,omitempty"`
}

// Probe kinds.
const (
	ProbeHTTP = "http" // GET Path; 200-399 passes
	ProbeTCP  = "tcp"  // a connection passes
)

// Probe is a kubelet readiness check, made from the node the pod runs on.
type Probe struct {
	Kind string `json:"kind"`
	Port int    `json:"port"`
	// Path is the HTTP GET path.
	Path             string   `json:"path,omitempty"`
	Period           Duration `json:"period"`
	Timeout          Duration `json:"timeout"`
	SuccessThreshold int      `json:"success_threshold"`
	FailureThreshold int      `json:"failure_threshold"`
}

// Workload returns the workload of a service, or nil.
func (k *Kubernetes) Workload(service string) *PodWorkload {
	if k == nil {
		return nil
	}
	for i := range k.Workloads {
		if k.Workloads[i].Service == service {
			return &k.Workloads[i]
		}
	}
	return nil
}

// StackOutput is a value the Kubernetes manifests take from the network's
// stack (an ARN or ID AWS assigns at creation): the CloudFormation export
// and the Terraform export both output it, under CloudFormationName and
// TerraformName, and the Kubernetes export fills it in from the one the
// user deploys.
type StackOutput struct {
	// Object is the design ID of what AWS names: a target group, security
	// group, identity or VPC Lattice service network.
	Object string `json:"object"`
	// Attribute is "arn" or "id".
	Attribute string `json:"attribute"`
	// Description says what the value is and who needs it.
	Description string `json:"description"`
}

// Stack output attributes.
const (
	OutputARN = "arn"
	OutputID  = "id"
)

// CloudFormationName is the output's name in a CloudFormation template:
// the object's ID and the attribute in upper camel case (TgKubeWeb8080Arn).
func (o StackOutput) CloudFormationName() string {
	var b []byte
	upper := true
	for _, c := range []byte(o.Object + "-" + o.Attribute) {
		switch {
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9':
			if upper && c >= 'a' && c <= 'z' {
				c -= 'a' - 'A'
			}
			b = append(b, c)
			upper = false
		default:
			upper = true
		}
	}
	return string(b)
}

// TerraformName is the output's name in a Terraform configuration: the
// object's ID and the attribute in snake case (tg_kube_web_8080_arn).
func (o StackOutput) TerraformName() string {
	b := []byte(o.Object + "_" + o.Attribute)
	for i, c := range b {
		switch {
		case c >= 'A' && c <= 'Z':
			b[i] = c + 'a' - 'A'
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
		default:
			b[i] = '_'
		}
	}
	return string(b)
}

// ClusterOutputs are the values the Kubernetes manifests of an EKS design
// need from its stack, in a fixed order: each workload's target group
// ARNs (TargetGroupBinding), its pods' security group IDs
// (SecurityGroupPolicy), and the role ARNs of the callers VPC Lattice auth
// policies admit (IAMAuthPolicy). None for a design without Kubernetes.
func (d *Design) ClusterOutputs() []StackOutput {
	if d.Kubernetes == nil {
		return nil
	}
	var out []StackOutput
	seen := map[StackOutput]bool{}
	add := func(o StackOutput) {
		k := StackOutput{Object: o.Object, Attribute: o.Attribute}
		if !seen[k] {
			seen[k] = true
			out = append(out, o)
		}
	}
	for _, w := range d.Kubernetes.Workloads {
		s := d.Service(w.Service)
		if s == nil || s.Platform == nil {
			continue
		}
		for _, r := range s.Platform.Registrations {
			add(StackOutput{Object: r.TargetGroup, Attribute: OutputARN, Description: "ARN of the target group " + r.TargetGroup + ": the TargetGroupBinding of " + w.Name + " registers its pods in it"})
		}
		for _, g := range w.SecurityGroups {
			add(StackOutput{Object: g, Attribute: OutputID, Description: "ID of the security group " + g + ": the SecurityGroupPolicy of " + w.Name + " gives it to its pods"})
		}
	}
	if d.Mesh != nil && d.Mesh.Lattice != nil && d.Mesh.Lattice.AuthType == "AWS_IAM" {
		for _, ls := range d.Mesh.Lattice.Services {
			for _, c := range ls.AllowedCallers {
				if s := d.Service(c); s != nil && s.Platform != nil {
					add(StackOutput{Object: s.Platform.Identity, Attribute: OutputARN, Description: "ARN of the role of " + c + "'s pods: VPC Lattice auth policies name it"})
				}
			}
		}
	}
	return out
}
