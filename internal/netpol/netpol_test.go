package netpol

import (
	"net/netip"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/yaml"
)

// policies reads NetworkPolicies written as YAML, strictly.
func policies(t *testing.T, docs ...string) []networkingv1.NetworkPolicy {
	t.Helper()
	var out []networkingv1.NetworkPolicy
	for _, d := range docs {
		var p networkingv1.NetworkPolicy
		if err := yaml.UnmarshalStrict([]byte(d), &p); err != nil {
			t.Fatalf("%v in\n%s", err, d)
		}
		out = append(out, p)
	}
	return out
}

func pod(ns string, lbl map[string]string, ip string) Endpoint {
	return Endpoint{Namespace: ns, NamespaceLabels: map[string]string{"kubernetes.io/metadata.name": ns, "team": ns + "-team"}, Labels: lbl,
		Ports: map[string]NamedPort{"http": {Port: 8080, Protocol: "TCP"}}, IP: netip.MustParseAddr(ip)}
}

// TestSemantics checks the rules of the Kubernetes NetworkPolicy
// reference (concepts/services-networking/network-policies), case by case.
func TestSemantics(t *testing.T) {
	web := pod("shop", map[string]string{"app": "web"}, "10.0.1.10")
	api := pod("shop", map[string]string{"app": "api"}, "10.0.2.10")
	other := pod("ops", map[string]string{"app": "web"}, "10.0.3.10")
	outside := Endpoint{IP: netip.MustParseAddr("203.0.113.7")}
	denyAll := `metadata: {name: deny, namespace: shop}
spec: {podSelector: {}, policyTypes: [Ingress, Egress]}`
	apiFromWeb := `metadata: {name: api, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: [Ingress]
  ingress: [{from: [{podSelector: {matchLabels: {app: web}}}], ports: [{port: 9090}]}]`
	webToAPI := `metadata: {name: web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress: [{to: [{podSelector: {matchLabels: {app: api}}}], ports: [{protocol: TCP, port: 9000, endPort: 9100}]}]`
	for _, tc := range []struct {
		name     string
		policies []string
		src, dst Endpoint
		proto    string
		port     int
		want     bool
	}{
		{"no policy: open", nil, web, api, "TCP", 9090, true},
		{"default deny both ways", []string{denyAll}, web, api, "TCP", 9090, false},
		{"ingress only isolates ingress: egress open", []string{apiFromWeb}, web, api, "TCP", 9090, true},
		{"ingress rule port", []string{apiFromWeb}, web, api, "TCP", 9091, false},
		{"protocol defaults to TCP", []string{apiFromWeb}, web, api, "UDP", 9090, false},
		{"podSelector alone is the policy's namespace", []string{apiFromWeb}, other, api, "TCP", 9090, false},
		{"deny plus ingress: the caller's egress still denied", []string{denyAll, apiFromWeb}, web, api, "TCP", 9090, false},
		{"union of policies: deny plus both sides", []string{denyAll, apiFromWeb, webToAPI}, web, api, "TCP", 9090, true},
		{"endPort range upper bound", []string{webToAPI}, web, api, "TCP", 9100, true},
		{"past endPort", []string{webToAPI}, web, api, "TCP", 9101, false},
		{"egress to a pod outside the rule", []string{webToAPI}, web, other, "TCP", 9090, false},
		{"namespaceSelector alone: any pod there", []string{`metadata: {name: a, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress: [{from: [{namespaceSelector: {matchLabels: {team: ops-team}}}]}]`}, other, api, "UDP", 53, true},
		{"namespace and pod selectors together: both must match", []string{`metadata: {name: a, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress: [{from: [{namespaceSelector: {matchLabels: {team: ops-team}}, podSelector: {matchLabels: {app: api}}}]}]`}, other, api, "TCP", 1, false},
		{"two peers: either matches", []string{`metadata: {name: a, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress: [{from: [{namespaceSelector: {matchLabels: {team: ops-team}}}, {podSelector: {matchLabels: {app: web}}}]}]`}, web, api, "TCP", 1, true},
		{"ipBlock holds the source", []string{`metadata: {name: a, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress: [{from: [{ipBlock: {cidr: 203.0.113.0/24}}]}]`}, outside, api, "TCP", 443, true},
		{"ipBlock except", []string{`metadata: {name: a, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress: [{from: [{ipBlock: {cidr: 203.0.113.0/24, except: [203.0.113.0/29]}}]}]`}, outside, api, "TCP", 443, false},
		{"egress to an address past the except", []string{`metadata: {name: a, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress: [{to: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}}], ports: [{port: 443}]}]`}, web, api, "TCP", 443, false},
		{"named port of the destination", []string{`metadata: {name: a, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress: [{ports: [{port: http}]}]`}, web, api, "TCP", 8080, true},
		{"named port, other number", []string{`metadata: {name: a, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress: [{ports: [{port: http}]}]`}, web, api, "TCP", 8081, false},
		{"no policyTypes and no egress rules: ingress only", []string{`metadata: {name: a, namespace: shop}
spec:
  podSelector: {}
  ingress: []`}, web, outside, "TCP", 443, true},
		{"no policyTypes with egress rules: egress too", []string{`metadata: {name: a, namespace: shop}
spec:
  podSelector: {}
  egress: [{ports: [{port: 53, protocol: UDP}]}]`}, web, outside, "TCP", 443, false},
		{"a policy of another namespace does not select", []string{`metadata: {name: deny, namespace: ops}
spec: {podSelector: {}, policyTypes: [Ingress, Egress]}`}, web, api, "TCP", 1, true},
		{"between addresses outside pods nothing applies", []string{denyAll}, outside, outside, "TCP", 1, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Allowed(policies(t, tc.policies...), tc.src, tc.dst, tc.proto, tc.port); got != tc.want {
				t.Errorf("Allowed(%s -> %s %s/%d) = %v; want %v", tc.src.Labels, tc.dst.Labels, tc.proto, tc.port, got, tc.want)
			}
		})
	}
}

// TestPortWithoutNumber checks a port entry with a protocol and no port
// admits every port of that protocol.
func TestPortWithoutNumber(t *testing.T) {
	udp := corev1.ProtocolUDP
	ports := []networkingv1.NetworkPolicyPort{{Protocol: &udp}}
	if !portsMatch(ports, Endpoint{}, "UDP", 5353) || portsMatch(ports, Endpoint{}, "TCP", 5353) {
		t.Error("a UDP entry without a port admits every UDP port and no TCP")
	}
	p := intstr.FromInt32(80)
	if !portsMatch([]networkingv1.NetworkPolicyPort{{Port: &p}}, Endpoint{}, "TCP", 80) {
		t.Error("port 80 with no protocol is TCP 80")
	}
	if matches(nil, map[string]string{"a": "b"}) || !matches(&metav1.LabelSelector{}, nil) {
		t.Error("a nil selector matches nothing and an empty one everything")
	}
}
