package plan

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/spec"
)

// Kubernetes facts the manifests depend on.
var (
	// podIdentityAgent is the link-local address the EKS Pod Identity
	// agent listens on, on every node, for pods' credential requests
	// (port 80).
	podIdentityAgent = netip.MustParseAddr("169.254.170.23")
)

// clusterDNS is the EKS cluster resolver: CoreDNS in kube-system, whose
// pods carry k8s-app=kube-dns, on port 53.
var clusterDNS = design.ClusterResolver{Namespace: "kube-system", Labels: []design.KeyValue{{Key: "k8s-app", Value: "kube-dns"}}, Port: 53}

// Pod labels every workload carries, the Kubernetes recommended ones.
const (
	labelName   = "app.kubernetes.io/name"
	labelPartOf = "app.kubernetes.io/part-of"
)

// kubernetes decides how an EKS design's services live in the cluster:
// the namespace (the app's name, as the pod identities already say), the
// labels each workload's pods carry and every selector uses, the service
// account its role is bound to, the security groups its pods carry when
// Security Groups for Pods is on, and discovery by cluster DNS. It runs
// after platforms, whose identities it follows.
func (p *planner) kubernetes() {
	if p.spec.Network.Compute != spec.ComputeEKS {
		return
	}
	k := &design.Kubernetes{Namespace: p.eksNamespace(), PodSecurityGroups: p.spec.Network.PodSecurityGroups,
		Discovery: design.DiscoveryClusterDNS, DNS: clusterDNS, PodIdentityAgent: podIdentityAgent}
	if k.PodSecurityGroups {
		k.PodSecurityGroupEnforcingMode = enforcingStandard
	}
	for _, svc := range p.d.Services {
		if svc.Platform == nil {
			continue // managed data stores run outside the cluster
		}
		w := design.PodWorkload{Service: svc.Name, Name: svc.Name, ServiceAccount: svc.Name,
			Labels:  []design.KeyValue{{Key: labelName, Value: svc.Name}, {Key: labelPartOf, Value: p.spec.App}},
			DNSName: svc.Name + "." + k.Namespace + ".svc.cluster.local", Readiness: p.readinessProbe(&svc)}
		if id := p.d.Identity(svc.Platform.Identity); id != nil && id.ServiceAccount != "" {
			w.ServiceAccount = id.ServiceAccount
		}
		w.Policy = p.workloadPolicy(&svc, k)
		if k.PodSecurityGroups {
			for _, pl := range svc.Placements {
				for _, g := range pl.SecurityGroups {
					if !slices.Contains(w.SecurityGroups, g) {
						w.SecurityGroups = append(w.SecurityGroups, g)
					}
				}
			}
		}
		k.Workloads = append(k.Workloads, w)
	}
	p.d.Kubernetes = k
	if k.PodSecurityGroups {
		p.note("kubernetes", "Each service's pods carry its own security group through a SecurityGroupPolicy (the VPC CNI with ENABLE_POD_ENI=true, and DISABLE_TCP_EARLY_DEMUX=true so the kubelet's probes reach pods on branch ENIs), and NetworkPolicies in the namespace %s admit the same flows inside the cluster (the VPC CNI's network policy agent, ENABLE_NETWORK_POLICY=true).", k.Namespace)
		p.note("kubernetes", "The VPC CNI runs with POD_SECURITY_GROUP_ENFORCING_MODE=standard: in the default strict mode a pod with its own security group cannot reach its node, so not the EKS Pod Identity agent (169.254.170.23) its SDK gets credentials from, and the EKS best-practices guide asks for standard mode wherever NetworkPolicies and Security Groups for Pods are used together. In standard mode a pod's traffic leaving the VPC (VPC Lattice, S3, the internet) leaves from the node's primary ENI under the nodes' group, so the nodes' group carries those rules of every service's group, and each workload's NetworkPolicy keeps each pod to its own. Give the vpc-cni add-on the configuration %s.", k.VPCCNIAddonConfiguration())
	} else {
		p.note("kubernetes", "network.pod_security_groups is false: pods share their nodes' ENIs and carry the nodes' security group, which admits what every service's declared flows need (the load balancers, VPC Lattice, the data stores and the services among themselves); each workload's NetworkPolicy in the namespace %s (the VPC CNI's network policy agent, ENABLE_NETWORK_POLICY=true) keeps it to its own flows, and netwright check verifies both layers.", k.Namespace)
	}
}

// Ports the EKS control plane and the nodes talk on (EKS user guide,
// "View Amazon EKS security group requirements for clusters": the minimum
// rules of a cluster security group are tcp 443, tcp 10250 and tcp and
// udp 53; the AWS Load Balancer Controller's webhook server binds 9443,
// its chart's webhookBindPort).
const (
	apiServerPort  = 443
	kubeletPort    = 10250
	lbcWebhookPort = 9443
)

// clusterNeeds adds what an EKS cluster needs between its control plane
// and its nodes. The nodes' group goes in the node group's launch
// template, and a managed node group whose launch template names groups
// does not get the cluster security group (EKS user guide, "Customize
// managed nodes with launch templates"), so nothing else admits the
// control plane or lets nodes reach it. The control plane's network
// interfaces carry the cluster security group and any groups given at
// cluster creation, so each VPC with nodes gets a control-plane group
// (sg-<vpc>-control-plane) to give the cluster: the nodes reach the API
// server through it on tcp 443, and it reaches the kubelets on 10250,
// webhooks and extension API servers on 443 and the AWS Load Balancer
// Controller's webhooks on 9443, and CoreDNS on 53; nodes reach CoreDNS on
// other nodes on 53. Then the controllers' AWS APIs: controllerAPIs.
func (p *planner) clusterNeeds(set *sgSet, vpcs []string) {
	both := func(from, to *design.SecurityGroup, proto string, port int, desc string) {
		addRule(&from.Egress, design.SGRule{Protocol: proto, FromPort: port, ToPort: port, PeerGroup: to.ID, Description: desc})
		addRule(&to.Ingress, design.SGRule{Protocol: proto, FromPort: port, ToPort: port, PeerGroup: from.ID, Description: desc})
	}
	for _, id := range vpcs {
		v := p.d.VPC(id)
		nodes := set.byID[p.sgID(v, "nodes")]
		if nodes == nil {
			continue
		}
		cp := set.add(design.SecurityGroup{ID: p.sgID(v, "control-plane"), Name: v.Name + "-control-plane", VPC: v.ID, Kind: design.SGControlPlane, Owner: "control-plane",
			Description: "EKS control plane of " + v.Name + ": give it to the cluster at creation (resourcesVpcConfig securityGroupIds)"})
		both(nodes, cp, "tcp", apiServerPort, fmt.Sprintf("kubelets and pods on the nodes call the Kubernetes API server on tcp %d", apiServerPort))
		both(cp, nodes, "tcp", kubeletPort, fmt.Sprintf("the API server reaches the kubelets (logs, exec, port-forward) on tcp %d", kubeletPort))
		both(cp, nodes, "tcp", apiServerPort, fmt.Sprintf("the API server calls webhooks and extension API servers on the nodes on tcp %d", apiServerPort))
		both(cp, nodes, "tcp", lbcWebhookPort, fmt.Sprintf("the API server calls the webhooks of the AWS Load Balancer Controller on tcp %d", lbcWebhookPort))
		for _, tr := range []string{"udp", "tcp"} {
			both(cp, nodes, tr, clusterDNS.Port, fmt.Sprintf("the API server resolves names through CoreDNS on the nodes on %s %d", tr, clusterDNS.Port))
			both(nodes, nodes, tr, clusterDNS.Port, fmt.Sprintf("pods on the nodes resolve names through CoreDNS on other nodes on %s %d", tr, clusterDNS.Port))
		}
		p.controllerAPIs(nodes, v)
	}
	if len(vpcs) > 0 {
		p.note("kubernetes", "Give the cluster the control-plane group (sg-<vpc>-control-plane) when you create it, with private endpoint access on, and give the managed node group a launch template with the nodes group (sg-<vpc>-nodes): a launch template that names groups gets no cluster security group, so these two groups carry what the control plane and the nodes need of each other (tcp 443, 10250 and 9443, and DNS).")
	}
}

// controllerAPIs lets the nodes' group reach the AWS APIs the cluster's
// controllers call from their pods, which carry the nodes' group: the AWS
// Load Balancer Controller calls Elastic Load Balancing for the
// TargetGroupBindings (or the ALBs it makes), and the AWS Gateway API
// Controller calls VPC Lattice. An API in network.endpoints is reached
// through its endpoint like the others; one that is not goes through NAT,
// or, with no NAT, is a warning: the controller cannot work.
func (p *planner) controllerAPIs(nodes *design.SecurityGroup, v *design.VPC) {
	type need struct{ endpoint, controller string }
	var needs []need
	lbc := len(p.d.ControllerALBs()) > 0 // it makes the ALBs
	for _, tg := range p.d.TargetGroups {
		if s := p.d.Service(tg.Service); s != nil && slices.ContainsFunc(s.Placements, func(pl design.Placement) bool { return pl.VPC == v.ID }) {
			lbc = true // it binds the pods to the target group
		}
	}
	if lbc {
		needs = append(needs, need{"elasticloadbalancing", "the AWS Load Balancer Controller"})
	}
	if m := p.d.Mesh; m != nil && m.Lattice != nil && slices.Contains(m.Lattice.VPCs, v.ID) {
		needs = append(needs, need{"vpc-lattice", "the AWS Gateway API Controller"})
	}
	var missing, who []string
	for _, n := range needs {
		if !slices.Contains(p.spec.Network.Endpoints, n.endpoint) {
			missing, who = append(missing, n.endpoint), append(who, n.controller)
		}
	}
	if len(missing) == 0 {
		return
	}
	if p.natNeeded {
		addRule(&nodes.Egress, design.SGRule{Protocol: "tcp", FromPort: 443, ToPort: 443, PeerCIDR: anyIPv4,
			Description: fmt.Sprintf("%s through NAT on tcp 443: network.endpoints lacks %s", callers(who, missing), strings.Join(missing, " ")),
			Waiver:      &design.Waiver{Checks: []string{trivyPublicEgress}, Reason: fmt.Sprintf("network.endpoints lacks %s, which the cluster's controllers call through NAT on tcp 443"+removable, strings.Join(missing, ", "))}})
		p.controllersViaNAT = append(p.controllersViaNAT, v.ID)
		p.recommend("endpoints", "Add the endpoints the cluster's controllers call: "+strings.Join(missing, ", "),
			fmt.Sprintf("%s through NAT from the nodes of %s, so the nodes group reaches the whole internet on tcp 443.", "T"+strings.TrimPrefix(callers(who, missing), "t"), v.Name),
			"With them in network.endpoints the calls stay in the VPC and the nodes group loses its rule to 0.0.0.0/0.",
			"VPC Lattice user guide, interface endpoints (com.amazonaws.REGION.vpc-lattice); Elastic Load Balancing interface endpoints")
		return
	}
	p.warnAt(p.spec.At("network.endpoints"), fmt.Sprintf("%s cannot reach the %s API: no endpoint and no NAT", strings.Join(who, " and "), strings.Join(missing, " and ")),
		fmt.Sprintf("The controllers run as pods on the nodes of %s, with no route to AWS's public endpoints: add %s to network.endpoints.", v.Name, strings.Join(missing, ", ")))
}

// enforcingStandard is the VPC CNI's POD_SECURITY_GROUP_ENFORCING_MODE the
// design uses with Security Groups for Pods (design.Kubernetes).
const enforcingStandard = "standard"

// mirrorLeavingVPC gives the nodes' group each rule of a service's own
// group for traffic leaving the VPC. With Security Groups for Pods in
// standard mode (and AWS_VPC_K8S_CNI_EXTERNALSNAT false, the default),
// pod traffic to outside the VPC is translated to the node's primary ENI
// address and judged by the node's groups, not the pod's (EKS user guide,
// "Assign security groups to individual Pods"): VPC Lattice's link-local
// block and prefix list, gateway endpoints' prefix lists, the internet.
// The pods' own groups keep the rules, which standard mode still applies
// inside the VPC, and each workload's NetworkPolicy keeps each pod to its
// own flows on the shared node.
func (p *planner) mirrorLeavingVPC(set *sgSet, groupOf map[[2]string]*design.SecurityGroup) {
	for _, svc := range p.d.Services {
		if spec.IsDataStoreKind(svc.Kind) {
			continue
		}
		for _, pl := range svc.Placements {
			v := p.d.VPC(pl.VPC)
			g, nodes := groupOf[[2]string{svc.Name, pl.VPC}], set.byID[p.sgID(v, "nodes")]
			if g == nil || nodes == nil {
				continue
			}
			for _, r := range g.Egress {
				inside := r.PeerGroup != "" || r.PeerCIDR.IsValid() && slices.ContainsFunc(v.Blocks(), func(b netip.Prefix) bool { return b.Overlaps(r.PeerCIDR) && b.Bits() <= r.PeerCIDR.Bits() })
				if inside {
					continue
				}
				m := r
				m.Flows = slices.Clone(r.Flows)
				m.Waiver = nil
				m.Description = "from the node (standard mode): " + r.Description
				if len(m.Description) > 255 {
					m.Description = m.Description[:255]
				}
				addRule(&nodes.Egress, m)
			}
		}
	}
}

// warnPodGroupsAcrossVPCs says what the design does not model: the VPC
// CNI translates a pod's traffic to another VPC (over a Transit Gateway
// or peering) to its node's address unless AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS
// names that VPC (https://docs.aws.amazon.com/eks/latest/userguide/external-snat.html),
// and in standard mode such traffic leaves under the node's groups: a
// call whose rules name the caller pod's own group, at either end, is
// refused in AWS while the design's analysis passes it.
func (p *planner) warnPodGroupsAcrossVPCs() {
	var pairs []string
	for _, f := range p.d.Flows {
		if f.Kind != design.FlowService || p.latticeFlow(f) != nil {
			continue // VPC Lattice's leave the VPC under the nodes' mirrored rules
		}
		from, to := p.vpcOf(f.From), p.vpcOf(f.To)
		if from == nil || to == nil || from == to {
			continue
		}
		if pair := f.From + " -> " + f.To; !slices.Contains(pairs, pair) {
			pairs = append(pairs, pair)
		}
	}
	if len(pairs) == 0 {
		return
	}
	p.warnAt(p.spec.At("network.pod_security_groups", "network.compute"),
		fmt.Sprintf("pods with their own security groups call across VPCs (%s): AWS judges those calls by the nodes' groups", strings.Join(pairs, ", ")),
		"The VPC CNI translates a pod's traffic to another VPC to its node's address (https://docs.aws.amazon.com/eks/latest/userguide/external-snat.html), and with Security Groups for Pods in standard mode it leaves under the node's groups, which the design's rules for these calls do not name: in AWS the calls are refused, though netwright's analysis passes them. Set network.pod_security_groups to false (the nodes' group then carries every pod's rules), or keep each service and its callers in one VPC.")
}

// callers says who calls which APIs: "the AWS Load Balancer Controller
// calls the elasticloadbalancing API", or both controllers "call the ...
// and ... APIs".
func callers(who, apis []string) string {
	if len(who) == 1 {
		return fmt.Sprintf("%s calls the %s API", who[0], apis[0])
	}
	return fmt.Sprintf("%s call the %s APIs", strings.Join(who, " and "), strings.Join(apis, " and "))
}

// podGroupNeeds adds what pods with security groups of their own need
// beyond their flows (EKS user guide, "Security groups for Pods"): the
// kubelet's readiness probes come from the node, so each service's group
// admits the nodes' group on the probe's port; and cluster DNS answers
// from CoreDNS pods, which carry the nodes' group, so each service's
// group reaches the nodes' group on 53 and the nodes' group admits it.
func (p *planner) podGroupNeeds(set *sgSet, groupOf map[[2]string]*design.SecurityGroup) {
	for _, svc := range p.d.Services {
		if spec.IsDataStoreKind(svc.Kind) {
			continue
		}
		for _, pl := range svc.Placements {
			g := groupOf[[2]string{svc.Name, pl.VPC}]
			nodes := set.byID[p.sgID(p.d.VPC(pl.VPC), "nodes")]
			if g == nil || nodes == nil {
				continue
			}
			for _, tr := range []string{"udp", "tcp"} {
				addRule(&g.Egress, design.SGRule{Protocol: tr, FromPort: clusterDNS.Port, ToPort: clusterDNS.Port, PeerGroup: nodes.ID,
					Description: fmt.Sprintf("%s resolves names through the cluster DNS (CoreDNS pods carry the nodes group) on %s %d", svc.Name, tr, clusterDNS.Port)})
				addRule(&nodes.Ingress, design.SGRule{Protocol: tr, FromPort: clusterDNS.Port, ToPort: clusterDNS.Port, PeerGroup: g.ID,
					Description: fmt.Sprintf("CoreDNS answers the pods of %s on %s %d", svc.Name, tr, clusterDNS.Port)})
			}
			if pr := p.readinessProbe(&svc); pr != nil {
				addRule(&g.Ingress, design.SGRule{Protocol: "tcp", FromPort: pr.Port, ToPort: pr.Port, PeerGroup: nodes.ID,
					Description: fmt.Sprintf("kubelet readiness probes of %s from its node on tcp %d", svc.Name, pr.Port)})
			}
		}
	}
}

// readinessProbe is the check the kubelet makes of a service's pods before
// they take traffic, from the design's health check: HTTP GET on the
// health path for HTTP and WebSocket services, a TCP connect for HTTP/2
// (the kubelet speaks HTTP/1.1 to a server that may take only HTTP/2),
// gRPC (ALB's gRPC check is a call the kubelet cannot make), TCP and TLS, and
// for UDP the TCP health port, if any. It returns nil when there is
// nothing the kubelet can check.
func (p *planner) readinessProbe(svc *design.Service) *design.Probe {
	port := svc.Port
	for _, tg := range p.d.TargetGroups {
		if tg.Service == svc.Name && tg.Health.Port != tg.Port {
			port = tg.Health.Port // the health port the load balancers check
		}
	}
	h := svc.Health
	pr := &design.Probe{Kind: design.ProbeTCP, Port: port, Period: h.Interval, Timeout: h.Timeout,
		SuccessThreshold: h.HealthyThreshold, FailureThreshold: h.UnhealthyThreshold}
	switch {
	case svc.Protocol == spec.ProtoHTTP || svc.Protocol == spec.ProtoWebSocket:
		pr.Kind, pr.Path = design.ProbeHTTP, h.Path
	case svc.Protocol == spec.ProtoUDP && port == svc.Port:
		return nil
	}
	return pr
}

// makePodPolicies makes each service's NetworkPolicy from the rules of
// its own security group, which the flows, load balancers, VPC Lattice,
// endpoints and declared egress made: the same peers as NetworkPolicy
// peers (pods by workload, the subnets of load balancers, endpoints and
// data stores, VPC Lattice's block, blocks outside the VPCs). The nodes'
// group is no peer: the kubelet's probes come from the pod's own node,
// which NetworkPolicy always admits, and the cluster DNS gets a rule of
// its own. It runs before the groups are folded into the nodes' (without
// Security Groups for Pods) or fitted to quotas, whose merged rules are
// coarser than the flows.
func (p *planner) makePodPolicies(set *sgSet, groupOf map[[2]string]*design.SecurityGroup) {
	p.podPolicies = map[string]*design.PodPolicy{}
	for _, svc := range p.d.Services {
		if spec.IsDataStoreKind(svc.Kind) {
			continue
		}
		pol := &design.PodPolicy{Ingress: []design.PodRule{}, Egress: []design.PodRule{}}
		seen := map[string]bool{}
		for _, pl := range svc.Placements {
			g := groupOf[[2]string{svc.Name, pl.VPC}]
			if g == nil || seen[g.ID] {
				continue
			}
			seen[g.ID] = true
			for _, r := range g.Ingress {
				if rule, ok := p.podRule(set, r); ok {
					pol.Ingress = append(pol.Ingress, rule)
				}
			}
			for _, r := range g.Egress {
				if rule, ok := p.podRule(set, r); ok {
					pol.Egress = append(pol.Egress, rule)
				}
			}
		}
		p.podPolicies[svc.Name] = pol
	}
}

// podRule is a security group rule as a NetworkPolicy rule; false for a
// protocol NetworkPolicy cannot name or a peer it leaves to the node.
func (p *planner) podRule(set *sgSet, r design.SGRule) (design.PodRule, bool) {
	if r.Protocol != "tcp" && r.Protocol != "udp" {
		return design.PodRule{}, false
	}
	peers := p.podPeers(set, r)
	return design.PodRule{Peers: peers, Protocol: r.Protocol, FromPort: r.FromPort, ToPort: r.ToPort, Description: r.Description}, len(peers) > 0
}

// podPeers are the NetworkPolicy peers a security group rule's peer
// stands for.
func (p *planner) podPeers(set *sgSet, r design.SGRule) []design.PodPeer {
	switch {
	case r.PeerGroup != "":
		g := set.byID[r.PeerGroup]
		if g == nil {
			return nil
		}
		switch g.Kind {
		case design.SGNodes, design.SGDefault:
			return nil
		case design.SGLoadBalancer:
			for _, lb := range p.d.LoadBalancers {
				if slices.Contains(lb.SecurityGroups, g.ID) {
					return p.podBlocks(p.subnetCIDRs(lb.Subnets))
				}
			}
			return nil
		case design.SGEndpoints:
			for _, e := range p.d.VPC(g.VPC).Endpoints {
				if e.Kind == design.EndpointInterface {
					return p.podBlocks(p.subnetCIDRs(e.Subnets))
				}
			}
			return nil
		}
		var out []design.PodPeer
		for _, s := range p.d.Services {
			for _, pl := range s.Placements {
				switch {
				case !slices.Contains(pl.SecurityGroups, g.ID):
				case spec.IsDataStoreKind(s.Kind):
					out = append(out, p.podBlocks(p.subnetCIDRs(pl.Subnets))...)
				default:
					out = append(out, design.PodPeer{Workload: s.Name})
				}
			}
		}
		return out
	case r.PeerPrefixList != "":
		if strings.HasSuffix(r.PeerPrefixList, ".vpc-lattice") {
			return p.podBlocks([]netip.Prefix{design.LatticeCIDR})
		}
		// A gateway endpoint's service answers from public addresses, which
		// NetworkPolicy cannot name by prefix list.
		text := fmt.Sprintf("NetworkPolicy cannot name the prefix list %s: pods may reach any address outside the VPCs on %s %s, and the security groups they carry keep it to the list.", r.PeerPrefixList, r.Protocol, r.Ports())
		if !slices.ContainsFunc(p.d.Notes, func(n design.Note) bool { return n.Text == text }) {
			p.note("kubernetes", "%s", text)
		}
		return p.podBlocks([]netip.Prefix{anyIPv4})
	case r.PeerCIDR.IsValid():
		return p.podBlocks([]netip.Prefix{r.PeerCIDR})
	}
	return nil
}

// podBlocks are ipBlock peers; a block that holds a VPC's blocks excepts
// them, so a rule for the internet never admits the cluster's own pods.
func (p *planner) podBlocks(ps []netip.Prefix) []design.PodPeer {
	var out []design.PodPeer
	for _, c := range ps {
		pp := design.PodPeer{CIDR: c}
		for _, v := range p.d.VPCs {
			for _, vb := range v.Blocks() {
				if c.Bits() < vb.Bits() && c.Contains(vb.Addr()) {
					pp.Except = append(pp.Except, vb)
				}
			}
		}
		out = append(out, pp)
	}
	return out
}

// foldIntoNodes gives pods the nodes' group when they share their nodes'
// ENIs (no Security Groups for Pods): each service's group is merged into
// its VPC's nodes group, every rule that named it names the nodes' group
// (a rule between two services becomes one of the group with itself),
// and the services' placements carry the nodes' group. Pods resolve
// names through CoreDNS on other nodes, so the group also admits itself
// on 53. The workloads' NetworkPolicies keep each service to its own
// flows.
func (p *planner) foldIntoNodes(set *sgSet) {
	into := map[string]*design.SecurityGroup{} // service group ID -> nodes group
	for si := range p.d.Services {
		svc := &p.d.Services[si]
		if spec.IsDataStoreKind(svc.Kind) {
			continue
		}
		for pi := range svc.Placements {
			pl := &svc.Placements[pi]
			nodes := set.byID[p.sgID(p.d.VPC(pl.VPC), "nodes")]
			if nodes == nil {
				continue
			}
			for _, g := range pl.SecurityGroups {
				into[g] = nodes
			}
			pl.SecurityGroups = []string{nodes.ID}
		}
	}
	rename := func(rules []design.SGRule) []design.SGRule {
		for i := range rules {
			if n := into[rules[i].PeerGroup]; n != nil {
				rules[i].PeerGroup = n.ID
			}
		}
		return rules
	}
	var kept []*design.SecurityGroup
	for _, g := range set.groups {
		g.Ingress, g.Egress = rename(g.Ingress), rename(g.Egress)
		if into[g.ID] == nil {
			kept = append(kept, g)
		}
	}
	for _, g := range set.groups {
		n := into[g.ID]
		if n == nil {
			continue
		}
		for _, r := range g.Ingress {
			addRule(&n.Ingress, r)
		}
		for _, r := range g.Egress {
			addRule(&n.Egress, r)
		}
		delete(set.byID, g.ID)
	}
	set.groups = kept
	for _, n := range kept {
		if !slices.Contains(slices.Collect(maps.Values(into)), n) {
			continue
		}
		for _, tr := range []string{"udp", "tcp"} {
			addRule(&n.Ingress, design.SGRule{Protocol: tr, FromPort: clusterDNS.Port, ToPort: clusterDNS.Port, PeerGroup: n.ID,
				Description: fmt.Sprintf("CoreDNS on the nodes answers pods on other nodes on %s %d", tr, clusterDNS.Port)})
			addRule(&n.Egress, design.SGRule{Protocol: tr, FromPort: clusterDNS.Port, ToPort: clusterDNS.Port, PeerGroup: n.ID,
				Description: fmt.Sprintf("pods resolve names through the cluster DNS (CoreDNS on the nodes) on %s %d", tr, clusterDNS.Port)})
		}
	}
}

// workloadPolicy is a workload's NetworkPolicy: the rules made from its
// group (makePodPolicies), the cluster DNS and the EKS Pod Identity agent
// on its node, which security groups do not filter.
func (p *planner) workloadPolicy(svc *design.Service, k *design.Kubernetes) design.PodPolicy {
	pol := design.PodPolicy{Ingress: []design.PodRule{}, Egress: []design.PodRule{}}
	if made := p.podPolicies[svc.Name]; made != nil {
		pol.Ingress, pol.Egress = slices.Clone(made.Ingress), slices.Clone(made.Egress)
	}
	for _, tr := range []string{"udp", "tcp"} {
		pol.Egress = append(pol.Egress, design.PodRule{Peers: []design.PodPeer{{ClusterDNS: true}}, Protocol: tr, FromPort: k.DNS.Port, ToPort: k.DNS.Port,
			Description: fmt.Sprintf("the cluster DNS (CoreDNS in %s) on %s %d", k.DNS.Namespace, tr, k.DNS.Port)})
	}
	if a := k.PodIdentityAgent; a.IsValid() && svc.Platform != nil && svc.Platform.Identity != "" {
		pol.Egress = append(pol.Egress, design.PodRule{Peers: []design.PodPeer{{CIDR: netip.PrefixFrom(a, a.BitLen())}}, Protocol: "tcp", FromPort: 80, ToPort: 80,
			Description: "the EKS Pod Identity agent on its node, for the credentials of " + svc.Platform.Identity})
	}
	return pol
}
