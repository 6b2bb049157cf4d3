package plan

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/netwright/netwright/internal/design"
)

const eksSpec = `version: 1
app: kube
environment: %s
network: {compute: eks%s}
services:
  web: {port: 8080, public: true, replicas: 9, max_replicas: 60, depends_on: [api]}
  api: {port: 9090, protocol: grpc, replicas: 9, max_replicas: 60, depends_on: [db]}
  feed: {port: 7000, protocol: tcp, depends_on: [api]}
  db: {kind: postgres}
tls: {domain: kube.example.com}
`

func eksDesign(t *testing.T, env, extra string) *design.Design {
	t.Helper()
	return build(t, fmt.Sprintf(eksSpec, env, extra))
}

// TestKubernetesWorkloads checks the cluster facts the planner decides: the
// namespace the pod identities name, one workload per service that runs as
// pods (not the data store) with the labels its selectors use, the
// service account its role is bound to, and its own security group only
// with Security Groups for Pods, which production turns on by default.
func TestKubernetesWorkloads(t *testing.T) {
	for _, tc := range []struct {
		env, extra string
		podGroups  bool
	}{
		{"production", "", true},
		{"staging", "", false},
		{"production", ", pod_security_groups: false", false},
		{"dev", ", pod_security_groups: true", true},
	} {
		t.Run(tc.env+tc.extra, func(t *testing.T) {
			d := eksDesign(t, tc.env, tc.extra)
			k := d.Kubernetes
			if k == nil {
				t.Fatal("an EKS design has no Kubernetes section")
			}
			if k.Namespace != "kube" || k.PodSecurityGroups != tc.podGroups || k.Discovery != design.DiscoveryClusterDNS {
				t.Fatalf("Kubernetes = %+v; want namespace kube, pod security groups %v, cluster DNS", k, tc.podGroups)
			}
			var names []string
			for _, w := range k.Workloads {
				names = append(names, w.Service)
				id := d.Identity(d.Service(w.Service).Platform.Identity)
				if id.Namespace != k.Namespace || id.ServiceAccount != w.ServiceAccount {
					t.Errorf("%s: pod identity binds %s/%s; the workload runs as %s/%s", w.Service, id.Namespace, id.ServiceAccount, k.Namespace, w.ServiceAccount)
				}
				if !slices.Contains(w.Labels, design.KeyValue{Key: labelName, Value: w.Service}) {
					t.Errorf("%s: labels %v lack %s=%s", w.Service, w.Labels, labelName, w.Service)
				}
				want := []string(nil)
				if tc.podGroups {
					want = d.Service(w.Service).Placements[0].SecurityGroups
				}
				if !slices.Equal(w.SecurityGroups, want) {
					t.Errorf("%s: pod security groups %v; want %v", w.Service, w.SecurityGroups, want)
				}
			}
			if !slices.Equal(names, []string{"api", "feed", "web"}) {
				t.Errorf("workloads %v; want api, feed, web (db is a managed data store)", names)
			}
			for _, dep := range d.Service("web").Platform.Dependencies {
				if dep.Service == "feed" {
					t.Errorf("web does not call feed")
				}
			}
			for _, dep := range d.Service("feed").Platform.Dependencies {
				if dep.Via == design.ViaCloudMap {
					t.Errorf("feed reaches %s through Cloud Map, where nothing registers EKS pods", dep.Service)
				}
			}
		})
	}
}

// TestEKSNodesSizing checks the nodes' addresses each subnet is sized for:
// with Security Groups for Pods an m5.large holds 9 pods (its branch ENIs)
// and adds its trunk ENI's address; without, 27 (maxPods 29 less two
// daemon sets) and no trunk.
func TestEKSNodesSizing(t *testing.T) {
	nodes := func(d *design.Design) design.Demand {
		for _, it := range subnet(t, d, "kube-app-a").Demand {
			if strings.HasPrefix(it.What, "EKS nodes") {
				return it
			}
		}
		t.Fatal("kube-app-a has no EKS nodes demand")
		return design.Demand{}
	}
	// web and api: 60 pods x 125% over 3 AZs = 25 each; feed 2 x 125% / 3 = 1:
	// 51 pods in each app subnet.
	withGroups := nodes(eksDesign(t, "production", ""))
	if want := 6 * 11; withGroups.IPs != want || !strings.Contains(withGroups.What, "EKS nodes: 6 ") {
		t.Errorf("with pod security groups: %q = %d; want 6 nodes of 9 pods, %d addresses", withGroups.What, withGroups.IPs, want)
	}
	dense := nodes(eksDesign(t, "production", ", pod_security_groups: false"))
	if want := 2 * 11; dense.IPs != want || !strings.Contains(dense.What, "EKS nodes: 2 ") {
		t.Errorf("dense: %q = %d; want 2 nodes of 27 pods, %d addresses", dense.What, dense.IPs, want)
	}
}

// TestPodGroupNeeds checks what pods with their own security groups need
// besides their flows: the nodes' group (CoreDNS) on 53 both ways, and the
// kubelet's probes from the nodes' group on the probe port; and that
// without Security Groups for Pods no such rules are added.
func TestPodGroupNeeds(t *testing.T) {
	has := func(rules []design.SGRule, proto string, port int, peer string) bool {
		return slices.ContainsFunc(rules, func(r design.SGRule) bool {
			return r.Protocol == proto && r.FromPort <= port && port <= r.ToPort && r.PeerGroup == peer
		})
	}
	d := eksDesign(t, "production", "")
	g := groupsByID(d)
	for _, svc := range []string{"web", "api", "feed"} {
		sg := g["sg-kube-"+svc]
		for _, tr := range []string{"udp", "tcp"} {
			if !has(sg.Egress, tr, 53, "sg-kube-nodes") || !has(g["sg-kube-nodes"].Ingress, tr, 53, sg.ID) {
				t.Errorf("%s: no %s 53 between its group and the nodes group (cluster DNS)", svc, tr)
			}
		}
		port := d.Service(svc).Port
		if !has(sg.Ingress, "tcp", port, "sg-kube-nodes") {
			t.Errorf("%s: the nodes group cannot probe tcp %d", svc, port)
		}
	}
	dense := groupsByID(eksDesign(t, "production", ", pod_security_groups: false"))
	if has(dense["sg-kube-web"].Egress, "udp", 53, "sg-kube-nodes") {
		t.Error("without pod security groups the pods carry the nodes group; no DNS rule is added to theirs")
	}
}
