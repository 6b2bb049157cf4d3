package plan

import (
	"fmt"
	"net/netip"
	"slices"

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
	} else {
		p.note("kubernetes", "network.pod_security_groups is false: pods share their nodes' ENIs and the nodes' security group, and the NetworkPolicies in the namespace %s (the VPC CNI's network policy agent, ENABLE_NETWORK_POLICY=true) alone keep the services apart.", k.Namespace)
		p.warnAt(p.spec.At("network.pod_security_groups", "network.compute"), "network.pod_security_groups is false: the services' security groups are not on their pods",
			"Without Security Groups for Pods the pods carry the nodes' security group, which this design does not yet open to the load balancers, VPC Lattice or the data stores: netwright check verifies the per-service groups, and the exported NetworkPolicies enforce the same flows inside the cluster, but at the VPC the nodes' group must also admit them. Set network.pod_security_groups: true to deploy the design as verified.")
	}
	p.note("kubernetes", "Pods find the services they call through cluster DNS (<service>.%s.svc.cluster.local), not Cloud Map: nothing registers EKS pods in a Cloud Map namespace unless the AWS Cloud Map MCS controller exports them, which only calls from outside the cluster need.", k.Namespace)
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
