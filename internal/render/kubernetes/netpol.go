package kubernetes

import (
	"fmt"
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

// networkPolicy is a workload's NetworkPolicy as the design states it
// (design.PodWorkload.Policy, made from its security group's rules plus
// the cluster DNS and the EKS Pod Identity agent): pods by their
// workload's labels, the cluster resolver by namespace and labels, and
// blocks as ipBlocks, each rule's reason in an annotation. With the
// namespace's default deny, everything else is refused.
func (r *renderer) networkPolicy(w design.PodWorkload) networkingv1.NetworkPolicy {
	pl := labels(w.Labels)
	np := networkingv1.NetworkPolicy{TypeMeta: typeMeta("networking.k8s.io/v1", "NetworkPolicy"), ObjectMeta: r.meta(w.Name, pl),
		Spec: networkingv1.NetworkPolicySpec{PodSelector: metav1.LabelSelector{MatchLabels: pl},
			PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}}}
	var why []string
	for _, rule := range w.Policy.Ingress {
		np.Spec.Ingress = append(np.Spec.Ingress, networkingv1.NetworkPolicyIngressRule{From: r.policyPeers(rule.Peers), Ports: policyPorts(rule)})
		why = append(why, fmt.Sprintf("ingress[%d]: %s", len(np.Spec.Ingress)-1, rule.Description))
	}
	for _, rule := range w.Policy.Egress {
		np.Spec.Egress = append(np.Spec.Egress, networkingv1.NetworkPolicyEgressRule{To: r.policyPeers(rule.Peers), Ports: policyPorts(rule)})
		why = append(why, fmt.Sprintf("egress[%d]: %s", len(np.Spec.Egress)-1, rule.Description))
	}
	np.Annotations = map[string]string{annotationRules: strings.Join(why, "\n")}
	return np
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

// policyPorts are a rule's protocol and ports.
func policyPorts(rule design.PodRule) []networkingv1.NetworkPolicyPort {
	proto := corev1.ProtocolTCP
	if rule.Protocol == "udp" {
		proto = corev1.ProtocolUDP
	}
	return []networkingv1.NetworkPolicyPort{port(proto, rule.FromPort, rule.ToPort)}
}

// policyPeers are a rule's peers as NetworkPolicy peers.
func (r *renderer) policyPeers(peers []design.PodPeer) []networkingv1.NetworkPolicyPeer {
	var out []networkingv1.NetworkPolicyPeer
	for _, p := range peers {
		switch {
		case p.Workload != "":
			if w := r.k.Workload(p.Workload); w != nil {
				out = append(out, networkingv1.NetworkPolicyPeer{PodSelector: &metav1.LabelSelector{MatchLabels: labels(w.Labels)}})
			}
		case p.ClusterDNS:
			dns := r.k.DNS
			out = append(out, networkingv1.NetworkPolicyPeer{NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{namespaceLabel: dns.Namespace}},
				PodSelector: &metav1.LabelSelector{MatchLabels: labels(dns.Labels)}})
		case p.CIDR.IsValid():
			b := &networkingv1.IPBlock{CIDR: p.CIDR.String()}
			for _, x := range p.Except {
				b.Except = append(b.Except, x.String())
			}
			out = append(out, networkingv1.NetworkPolicyPeer{IPBlock: b})
		}
	}
	return out
}

// note records a note once.
func (r *renderer) note(s string) {
	if !slices.Contains(r.notes, s) {
		r.notes = append(r.notes, s)
	}
}
