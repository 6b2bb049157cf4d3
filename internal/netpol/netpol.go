// Package netpol is the standard semantics of Kubernetes NetworkPolicy
// (networking.k8s.io/v1), written once, on the API's own types: which
// policies select a pod, whether a peer (pod selector, namespace
// selector, both, or an IP block with exceptions) and a port (protocol,
// number or name, endPort) match, and that a connection passes when the
// source's egress and the destination's ingress both allow it. A pod no
// policy of a direction selects is open in that direction; one that any
// selects takes the union of their rules. Tests of the Kubernetes export
// use it to prove its policies admit exactly the design's flows.
//
// It evaluates what the API defines; it knows nothing of AWS. Traffic
// from a pod's own node, which NetworkPolicy always admits, and
// host-network pods are outside it.
package netpol

import (
	"net/netip"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// Endpoint is one end of a connection: a pod (Namespace set, with its
// namespace's labels, its own labels and named ports) or an address
// outside the cluster's pods (Namespace empty).
type Endpoint struct {
	Namespace       string
	NamespaceLabels map[string]string
	Labels          map[string]string
	// Ports are the pod's named container ports, name to number and
	// protocol, for policies that name ports.
	Ports map[string]NamedPort
	IP    netip.Addr
}

// NamedPort is a named container port.
type NamedPort struct {
	Port     int
	Protocol string // TCP, UDP or SCTP
}

// IsPod reports whether the endpoint is a pod.
func (e Endpoint) IsPod() bool { return e.Namespace != "" }

// Allowed reports whether a connection from src to dst on protocol and
// port passes the policies: dst's ingress and src's egress.
func Allowed(policies []networkingv1.NetworkPolicy, src, dst Endpoint, protocol string, port int) bool {
	return direction(policies, src, dst, protocol, port, networkingv1.PolicyTypeEgress) &&
		direction(policies, dst, src, protocol, port, networkingv1.PolicyTypeIngress)
}

// direction evaluates one side: the policies that select self for the
// direction, and whether any of their rules admits peer. dst is the
// connection's destination, whose named ports a rule's port names.
func direction(policies []networkingv1.NetworkPolicy, self, peer Endpoint, protocol string, port int, dir networkingv1.PolicyType) bool {
	if !self.IsPod() {
		return true // NetworkPolicy governs pods only
	}
	dst := peer
	if dir == networkingv1.PolicyTypeIngress {
		dst = self
	}
	isolated := false
	for i := range policies {
		p := &policies[i]
		if p.Namespace != self.Namespace || !hasType(p, dir) || !matches(&p.Spec.PodSelector, self.Labels) {
			continue
		}
		isolated = true
		if dir == networkingv1.PolicyTypeIngress {
			for _, r := range p.Spec.Ingress {
				if peersMatch(r.From, p.Namespace, peer) && portsMatch(r.Ports, dst, protocol, port) {
					return true
				}
			}
		} else {
			for _, r := range p.Spec.Egress {
				if peersMatch(r.To, p.Namespace, peer) && portsMatch(r.Ports, dst, protocol, port) {
					return true
				}
			}
		}
	}
	return !isolated
}

// hasType reports whether a policy applies in a direction. Without
// policyTypes a policy is for ingress, and for egress too when it has
// egress rules.
func hasType(p *networkingv1.NetworkPolicy, dir networkingv1.PolicyType) bool {
	if len(p.Spec.PolicyTypes) == 0 {
		return dir == networkingv1.PolicyTypeIngress || len(p.Spec.Egress) > 0
	}
	for _, t := range p.Spec.PolicyTypes {
		if t == dir {
			return true
		}
	}
	return false
}

// matches evaluates a label selector; a nil selector matches nothing, an
// empty one everything.
func matches(s *metav1.LabelSelector, l map[string]string) bool {
	if s == nil {
		return false
	}
	sel, err := metav1.LabelSelectorAsSelector(s)
	if err != nil {
		return false // an invalid selector selects nothing (the API refuses it)
	}
	return sel.Matches(labels.Set(l))
}

// peersMatch: an empty list admits every peer; else any peer that
// matches.
func peersMatch(peers []networkingv1.NetworkPolicyPeer, policyNamespace string, e Endpoint) bool {
	if len(peers) == 0 {
		return true
	}
	for _, p := range peers {
		if peerMatches(p, policyNamespace, e) {
			return true
		}
	}
	return false
}

// peerMatches: an ipBlock holds the address and none of its exceptions;
// a podSelector alone selects pods of the policy's namespace; a
// namespaceSelector alone every pod of the namespaces it selects; both
// together the selected pods of the selected namespaces.
func peerMatches(p networkingv1.NetworkPolicyPeer, policyNamespace string, e Endpoint) bool {
	if p.IPBlock != nil {
		return inBlock(p.IPBlock, e.IP)
	}
	if !e.IsPod() {
		return false
	}
	switch {
	case p.NamespaceSelector != nil && p.PodSelector != nil:
		return matches(p.NamespaceSelector, e.NamespaceLabels) && matches(p.PodSelector, e.Labels)
	case p.NamespaceSelector != nil:
		return matches(p.NamespaceSelector, e.NamespaceLabels)
	case p.PodSelector != nil:
		return e.Namespace == policyNamespace && matches(p.PodSelector, e.Labels)
	}
	return false
}

func inBlock(b *networkingv1.IPBlock, ip netip.Addr) bool {
	c, err := netip.ParsePrefix(b.CIDR)
	if err != nil || !ip.IsValid() || !c.Contains(ip) {
		return false
	}
	for _, x := range b.Except {
		if e, err := netip.ParsePrefix(x); err == nil && e.Contains(ip) {
			return false
		}
	}
	return true
}

// portsMatch: an empty list admits every port and protocol; else any
// entry whose protocol (TCP when unset) and port match: a number, a range
// to endPort, a name of the destination pod's ports, or any port when
// unset.
func portsMatch(ports []networkingv1.NetworkPolicyPort, dst Endpoint, protocol string, port int) bool {
	if len(ports) == 0 {
		return true
	}
	for _, p := range ports {
		proto := "TCP"
		if p.Protocol != nil {
			proto = string(*p.Protocol)
		}
		if proto != protocol {
			continue
		}
		switch {
		case p.Port == nil:
			return true
		case p.Port.Type == intstr.String:
			if np, ok := dst.Ports[p.Port.StrVal]; ok && np.Port == port && np.Protocol == protocol {
				return true
			}
		default:
			from, to := int(p.Port.IntVal), int(p.Port.IntVal)
			if p.EndPort != nil {
				to = int(*p.EndPort)
			}
			if from <= port && port <= to {
				return true
			}
		}
	}
	return false
}
