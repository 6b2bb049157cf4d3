package kubernetes

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/netwright/netwright/internal/design"
)

// namespaceLabel is the label Kubernetes puts on every namespace, its name.
const namespaceLabel = "kubernetes.io/metadata.name"

// networkPolicy is a workload's NetworkPolicy: the rules of its security
// groups (each made from a declared flow, a load balancer, VPC Lattice,
// the endpoints or declared egress) written as NetworkPolicy rules, so
// the VPC CNI's network policy agent enforces inside the cluster what the
// groups enforce at the pods' ENIs; and what pods need that security
// groups do not filter: the cluster DNS and the EKS Pod Identity agent.
// With the namespace's default deny, everything else is refused.
func (r *renderer) networkPolicy(w design.PodWorkload) networkingv1.NetworkPolicy {
	svc := r.d.Service(w.Service)
	pl := labels(w.Labels)
	np := networkingv1.NetworkPolicy{TypeMeta: typeMeta("networking.k8s.io/v1", "NetworkPolicy"), ObjectMeta: r.meta(w.Name, pl),
		Spec: networkingv1.NetworkPolicySpec{PodSelector: metav1.LabelSelector{MatchLabels: pl},
			PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}}}
	var why []string
	var groups []string
	for _, p := range svc.Placements {
		for _, g := range p.SecurityGroups {
			if !slices.Contains(groups, g) {
				groups = append(groups, g)
			}
		}
	}
	for _, gid := range groups {
		g := r.group(gid)
		if g == nil {
			continue
		}
		for _, rule := range g.Ingress {
			peers, ok := r.peers(rule, true)
			ports, pok := policyPorts(rule)
			if !ok || !pok {
				continue
			}
			np.Spec.Ingress = append(np.Spec.Ingress, networkingv1.NetworkPolicyIngressRule{From: peers, Ports: ports})
			why = append(why, fmt.Sprintf("ingress[%d]: %s", len(np.Spec.Ingress)-1, rule.Description))
		}
		for _, rule := range g.Egress {
			peers, ok := r.peers(rule, false)
			ports, pok := policyPorts(rule)
			if !ok || !pok {
				continue
			}
			np.Spec.Egress = append(np.Spec.Egress, networkingv1.NetworkPolicyEgressRule{To: peers, Ports: ports})
			why = append(why, fmt.Sprintf("egress[%d]: %s", len(np.Spec.Egress)-1, rule.Description))
		}
	}
	dns := r.k.DNS
	np.Spec.Egress = append(np.Spec.Egress, networkingv1.NetworkPolicyEgressRule{
		To: []networkingv1.NetworkPolicyPeer{{NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{namespaceLabel: dns.Namespace}},
			PodSelector: &metav1.LabelSelector{MatchLabels: labels(dns.Labels)}}},
		Ports: []networkingv1.NetworkPolicyPort{port(corev1.ProtocolUDP, dns.Port, dns.Port), port(corev1.ProtocolTCP, dns.Port, dns.Port)}})
	why = append(why, fmt.Sprintf("egress[%d]: the cluster DNS (CoreDNS in %s) on udp and tcp %d", len(np.Spec.Egress)-1, dns.Namespace, dns.Port))
	if a := r.k.PodIdentityAgent; a.IsValid() && svc.Platform.Identity != "" {
		np.Spec.Egress = append(np.Spec.Egress, networkingv1.NetworkPolicyEgressRule{
			To:    []networkingv1.NetworkPolicyPeer{{IPBlock: &networkingv1.IPBlock{CIDR: netip.PrefixFrom(a, a.BitLen()).String()}}},
			Ports: []networkingv1.NetworkPolicyPort{port(corev1.ProtocolTCP, 80, 80)}})
		why = append(why, fmt.Sprintf("egress[%d]: the EKS Pod Identity agent on its node, for the credentials of %s", len(np.Spec.Egress)-1, svc.Platform.Identity))
	}
	np.Annotations = map[string]string{annotationRules: strings.Join(why, "\n")}
	return np
}

func (r *renderer) group(id string) *design.SecurityGroup {
	for i := range r.d.SecurityGroups {
		if r.d.SecurityGroups[i].ID == id {
			return &r.d.SecurityGroups[i]
		}
	}
	return nil
}

// port is a NetworkPolicy port or range.
func port(proto corev1.Protocol, from, to int) networkingv1.NetworkPolicyPort {
	p := intstr.FromInt32(int32(from))
	np := networkingv1.NetworkPolicyPort{Protocol: &proto, Port: &p}
	if to != from {
		end := int32(to)
		np.EndPort = &end
	}
	return np
}

// policyPorts are a security group rule's ports; false for a protocol
// NetworkPolicy cannot name.
func policyPorts(rule design.SGRule) ([]networkingv1.NetworkPolicyPort, bool) {
	switch rule.Protocol {
	case "tcp":
		return []networkingv1.NetworkPolicyPort{port(corev1.ProtocolTCP, rule.FromPort, rule.ToPort)}, true
	case "udp":
		return []networkingv1.NetworkPolicyPort{port(corev1.ProtocolUDP, rule.FromPort, rule.ToPort)}, true
	}
	return nil, false
}

// peers are the NetworkPolicy peers a security group rule's peer stands
// for: the pods of the workloads that carry a group, the subnets of a
// load balancer, data store or endpoints, VPC Lattice's block, or a
// block outside the VPCs. The nodes' group is left out: the kubelet's
// probes come from the pod's own node, which NetworkPolicy always admits,
// and the cluster DNS has a rule of its own.
func (r *renderer) peers(rule design.SGRule, ingress bool) ([]networkingv1.NetworkPolicyPeer, bool) {
	switch {
	case rule.PeerGroup != "":
		g := r.group(rule.PeerGroup)
		if g == nil {
			return nil, false
		}
		switch g.Kind {
		case design.SGNodes, design.SGDefault:
			return nil, false
		case design.SGLoadBalancer:
			for _, lb := range r.d.LoadBalancers {
				if slices.Contains(lb.SecurityGroups, g.ID) {
					return r.blocks(r.subnetBlocks(lb.Subnets)), true
				}
			}
			return nil, false
		case design.SGEndpoints:
			v := r.d.VPC(g.VPC)
			for _, e := range v.Endpoints {
				if e.Kind == design.EndpointInterface {
					return r.blocks(r.subnetBlocks(e.Subnets)), true
				}
			}
			return nil, false
		}
		var out []networkingv1.NetworkPolicyPeer
		for _, s := range r.d.Services {
			for _, pl := range s.Placements {
				if !slices.Contains(pl.SecurityGroups, g.ID) {
					continue
				}
				if w := r.k.Workload(s.Name); w != nil {
					out = append(out, networkingv1.NetworkPolicyPeer{PodSelector: &metav1.LabelSelector{MatchLabels: labels(w.Labels)}})
				} else {
					out = append(out, r.blocks(r.subnetBlocks(pl.Subnets))...)
				}
			}
		}
		return out, len(out) > 0
	case rule.PeerPrefixList != "":
		if strings.HasSuffix(rule.PeerPrefixList, ".vpc-lattice") {
			return r.blocks([]netip.Prefix{design.LatticeCIDR}), true
		}
		// A gateway endpoint's service answers from public addresses a
		// NetworkPolicy cannot name by prefix list: anywhere outside the
		// VPCs on the rule's port; the pods' security groups keep it to
		// the prefix list.
		r.note(fmt.Sprintf("NetworkPolicy cannot name the prefix list %s: pods may reach any address outside the VPCs on %s %s, and their security groups (or the nodes' without Security Groups for Pods) keep it to the list.", rule.PeerPrefixList, rule.Protocol, rule.Ports()))
		return r.blocks([]netip.Prefix{netip.MustParsePrefix("0.0.0.0/0")}), true
	case rule.PeerCIDR.IsValid():
		return r.blocks([]netip.Prefix{rule.PeerCIDR}), true
	}
	return nil, false
}

// subnetBlocks returns the CIDRs of subnets.
func (r *renderer) subnetBlocks(ids []string) []netip.Prefix {
	var out []netip.Prefix
	for _, v := range r.d.VPCs {
		for _, s := range v.Subnets {
			if slices.Contains(ids, s.ID) {
				out = append(out, s.CIDR)
			}
		}
	}
	return out
}

// blocks are ipBlock peers; a block that holds a VPC's blocks excepts
// them, so a rule for the internet never admits the cluster's own pods.
func (r *renderer) blocks(ps []netip.Prefix) []networkingv1.NetworkPolicyPeer {
	var out []networkingv1.NetworkPolicyPeer
	for _, p := range ps {
		b := &networkingv1.IPBlock{CIDR: p.String()}
		for _, v := range r.d.VPCs {
			for _, vb := range v.Blocks() {
				if p.Bits() < vb.Bits() && p.Contains(vb.Addr()) {
					b.Except = append(b.Except, vb.String())
				}
			}
		}
		out = append(out, networkingv1.NetworkPolicyPeer{IPBlock: b})
	}
	return out
}

// note records a note once.
func (r *renderer) note(s string) {
	if !slices.Contains(r.notes, s) {
		r.notes = append(r.notes, s)
	}
}
