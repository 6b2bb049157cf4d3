package design

import (
	"net/netip"
	"slices"

	"github.com/netwright/netwright/internal/portset"
)

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
	// pods share their nodes' ENIs and the nodes' group (the services'
	// placements name it), which admits what every service's flows need,
	// and each workload's Policy alone keeps the services apart.
	PodSecurityGroups bool `json:"pod_security_groups"`
	// PodSecurityGroupEnforcingMode is the VPC CNI's
	// POD_SECURITY_GROUP_ENFORCING_MODE with PodSecurityGroups: standard,
	// in which a pod reaches its node (the EKS Pod Identity agent, the
	// kubelet) and its NetworkPolicy applies, and its traffic leaving the
	// VPC leaves from the node's primary ENI under the nodes' group, which
	// the planner gives the pods' rules for it. Empty without
	// PodSecurityGroups.
	PodSecurityGroupEnforcingMode string `json:"pod_security_group_enforcing_mode,omitempty"`
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
	// Policy is what the workload's NetworkPolicy admits, enforced by the
	// VPC CNI's network policy agent at each pod whichever groups it
	// carries; with the namespace's default deny, nothing else passes.
	Policy PodPolicy `json:"policy"`
}

// PodPolicy is a workload's NetworkPolicy in the design's terms: its pods
// are isolated both ways, and take the union of the rules (standard
// networking.k8s.io/v1 semantics). The analyzer evaluates it as a layer of
// every path to or from the pods; the Kubernetes export writes it.
type PodPolicy struct {
	Ingress []PodRule `json:"ingress"`
	Egress  []PodRule `json:"egress"`
}

// PodRule admits peers on a protocol's port range.
type PodRule struct {
	Peers []PodPeer `json:"peers"`
	// Protocol is tcp or udp.
	Protocol string `json:"protocol"`
	FromPort int    `json:"from_port"`
	ToPort   int    `json:"to_port"`
	// Description says which flow or need made the rule.
	Description string `json:"description"`
}

// PodPeer is one peer of a rule: the pods of a workload of the namespace,
// the cluster's DNS resolver, or a block of addresses other than the
// pods' (load balancer, endpoint and data-store subnets, VPC Lattice's
// link-local block, the internet with the VPCs excepted).
type PodPeer struct {
	Workload   string         `json:"workload,omitempty"`
	ClusterDNS bool           `json:"cluster_dns,omitempty"`
	CIDR       netip.Prefix   `json:"cidr,omitzero"`
	Except     []netip.Prefix `json:"except,omitempty"`
}

// PolicyPeer is the other end of a connection a policy is asked about: a
// workload's pod, or an address.
type PolicyPeer struct {
	Workload string
	Addr     netip.Addr
}

// matches reports whether a rule's peer stands for the connection's
// other end: the same workload, or an address in the block and not in
// its exceptions (an ipBlock matches any address, a pod's too).
func (pp PodPeer) matches(o PolicyPeer) bool {
	switch {
	case pp.Workload != "":
		return pp.Workload == o.Workload
	case pp.CIDR.IsValid():
		return o.Addr.IsValid() && pp.CIDR.Contains(o.Addr) && !slices.ContainsFunc(pp.Except, func(e netip.Prefix) bool { return e.Contains(o.Addr) })
	}
	return false
}

// Admits returns the ports of proto the policy admits with a peer in one
// direction (egress: the workload's pods open the connection), and the
// descriptions of the rules that admit them.
func (p *PodPolicy) Admits(egress bool, proto string, peer PolicyPeer) (portset.Set, []string) {
	rules := p.Ingress
	if egress {
		rules = p.Egress
	}
	var out portset.Set
	var why []string
	for _, r := range rules {
		if r.Protocol == proto && slices.ContainsFunc(r.Peers, func(pp PodPeer) bool { return pp.matches(peer) }) {
			out = out.Union(portset.Of(r.FromPort, r.ToPort))
			why = append(why, r.Description)
		}
	}
	return out, why
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
	// Attribute is "arn", "id", "name" or "certificate-arn".
	Attribute string `json:"attribute"`
	// Kind is what Object is, which says where a stack finds the value
	// (OutputTargetGroup, OutputSecurityGroup, ...).
	Kind string `json:"kind"`
	// Description says what the value is and who needs it.
	Description string `json:"description"`
}

// Stack output attributes.
const (
	OutputARN            = "arn"
	OutputID             = "id"
	OutputName           = "name"
	OutputCertificateARN = "certificate-arn"
)

// Kinds of what a stack output names (StackOutput.Kind).
const (
	OutputTargetGroup   = "target_group"   // Object: a target group; its ARN
	OutputSecurityGroup = "security_group" // Object: a security group; its ID
	OutputRole          = "role"           // Object: an identity; its role's ARN
	OutputSubnet        = "subnet"         // Object: a subnet; its ID
	OutputLogsBucket    = "logs_bucket"    // Object: an access-log bucket's design name; the name AWS gave it
	OutputCertificate   = "certificate"    // Object: a listener; the ARN of its certificate, given to the stack
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
// ARNs of the stack's groups (TargetGroupBinding), its pods' security
// group IDs (SecurityGroupPolicy), the role ARNs of the callers VPC
// Lattice auth policies admit (IAMAuthPolicy), and for each ALB the AWS
// Load Balancer Controller makes what its Ingress names of the stack's:
// security group and subnet IDs, the certificate given to the stack and
// the access-log bucket's name. None for a design without Kubernetes.
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
			if tg := d.TargetGroup(r.TargetGroup); tg != nil && tg.StackOwns() {
				add(StackOutput{Object: r.TargetGroup, Attribute: OutputARN, Kind: OutputTargetGroup, Description: "ARN of the target group " + r.TargetGroup + ": the TargetGroupBinding of " + w.Name + " registers its pods in it"})
			}
		}
		for _, g := range w.SecurityGroups {
			add(StackOutput{Object: g, Attribute: OutputID, Kind: OutputSecurityGroup, Description: "ID of the security group " + g + ": the SecurityGroupPolicy of " + w.Name + " gives it to its pods"})
		}
	}
	if d.Mesh != nil && d.Mesh.Lattice != nil && d.Mesh.Lattice.AuthType == "AWS_IAM" {
		for _, ls := range d.Mesh.Lattice.Services {
			for _, c := range ls.AllowedCallers {
				if s := d.Service(c); s != nil && s.Platform != nil {
					add(StackOutput{Object: s.Platform.Identity, Attribute: OutputARN, Kind: OutputRole, Description: "ARN of the role of " + c + "'s pods: VPC Lattice auth policies name it"})
				}
			}
		}
	}
	for _, lb := range d.LoadBalancers {
		if lb.StackOwns() {
			continue
		}
		by := ": the Ingress of " + lb.Name + " gives it to the ALB the AWS Load Balancer Controller makes"
		for _, g := range lb.SecurityGroups {
			add(StackOutput{Object: g, Attribute: OutputID, Kind: OutputSecurityGroup, Description: "ID of the security group " + g + by})
		}
		for _, sn := range lb.Subnets {
			add(StackOutput{Object: sn, Attribute: OutputID, Kind: OutputSubnet, Description: "ID of the subnet " + sn + by})
		}
		for _, l := range lb.Listeners {
			if l.Certificate == CertificateAuto {
				add(StackOutput{Object: l.ID, Attribute: OutputCertificateARN, Kind: OutputCertificate, Description: "ARN of the certificate of the listener " + l.ID + ", the one given to the stack" + by})
			}
		}
		if lb.AccessLogs != nil {
			add(StackOutput{Object: lb.AccessLogs.Bucket, Attribute: OutputName, Kind: OutputLogsBucket, Description: "name of the access-log bucket " + lb.AccessLogs.Bucket + ": the Ingresses give it to the ALBs the AWS Load Balancer Controller makes"})
		}
	}
	return out
}

// CertificateAuto is a listener's certificate when the spec asks for one
// netwright does not name: a DNS-validated ACM certificate for the domain,
// whose ARN the stack is given.
const CertificateAuto = "auto"

// ControllerALBs returns the names of the load balancers the AWS Load
// Balancer Controller makes, in design order.
func (d *Design) ControllerALBs() []string {
	var out []string
	for _, lb := range d.LoadBalancers {
		if !lb.StackOwns() {
			out = append(out, lb.Name)
		}
	}
	return out
}

// ClusterRoleManagedPolicies are the AWS managed IAM policies the
// cluster's IAM role needs besides AmazonEKSClusterPolicy: with Security
// Groups for Pods, AmazonEKSVPCResourceController, with which the VPC
// resource controller on the control plane makes the nodes' trunk and
// the pods' branch network interfaces ("Add the
// AmazonEKSVPCResourceController managed IAM policy to the cluster role",
// https://docs.aws.amazon.com/eks/latest/userguide/security-groups-pods-deployment.html).
func (k *Kubernetes) ClusterRoleManagedPolicies() []string {
	if !k.PodSecurityGroups {
		return nil
	}
	return []string{"AmazonEKSVPCResourceController"}
}

// VPCCNIAddonConfiguration is the configuration of the Amazon VPC CNI
// add-on (aws eks create-addon --configuration-values) the design's pods
// need: the network policy agent, which enforces the workloads' policies,
// and with Security Groups for Pods the branch ENIs, the enforcing mode,
// and TCP early demux off so the kubelet's probes reach pods on branch
// ENIs.
func (k *Kubernetes) VPCCNIAddonConfiguration() string {
	if !k.PodSecurityGroups {
		return `{"enableNetworkPolicy":"true"}`
	}
	return `{"enableNetworkPolicy":"true","env":{"ENABLE_POD_ENI":"true","POD_SECURITY_GROUP_ENFORCING_MODE":"` + k.PodSecurityGroupEnforcingMode + `"},"init":{"env":{"DISABLE_TCP_EARLY_DEMUX":"true"}}}`
}

// NodeSubnets returns the subnets of vpc that an EKS design places its
// pods in, in the order the workloads name them. Pods take their nodes'
// subnets (the VPC CNI gives them addresses of the node's), so these are
// the subnets to create the cluster's node groups and control-plane
// interfaces on: the NACLs and routes the design gives them admit what
// the nodes need, which other tiers' do not. Nil outside EKS designs.
func (d *Design) NodeSubnets(vpc string) []string {
	if d.Kubernetes == nil {
		return nil
	}
	var out []string
	for _, w := range d.Kubernetes.Workloads {
		s := d.Service(w.Service)
		if s == nil {
			continue
		}
		for _, pl := range s.Placements {
			if pl.VPC != vpc {
				continue
			}
			for _, sn := range pl.Subnets {
				if !slices.Contains(out, sn) {
					out = append(out, sn)
				}
			}
		}
	}
	return out
}
