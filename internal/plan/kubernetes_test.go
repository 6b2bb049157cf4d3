package plan

import (
	"fmt"
	"net/netip"
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
			if len(d.Namespaces) != 0 {
				t.Errorf("Cloud Map namespaces %v planned on EKS, where nothing registers pods in them", d.Namespaces)
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
}

// TestDensePodsCarryNodesGroup checks the design without Security Groups
// for Pods: the services' pods carry their nodes' group, no group of
// their own is left, the nodes' group admits what the flows need (the
// ALB to web, VPC Lattice to api, the nodes' own pods on 53, web's egress
// to Lattice, api's to the database, whose group admits the nodes'), and
// each workload's policy keeps it to its own flows.
func TestDensePodsCarryNodesGroup(t *testing.T) {
	has := func(rules []design.SGRule, proto string, port int, peer func(design.SGRule) bool) bool {
		return slices.ContainsFunc(rules, func(r design.SGRule) bool {
			return r.Protocol == proto && r.FromPort <= port && port <= r.ToPort && peer(r)
		})
	}
	group := func(id string) func(design.SGRule) bool {
		return func(r design.SGRule) bool { return r.PeerGroup == id }
	}
	lattice := func(r design.SGRule) bool { return strings.HasSuffix(r.PeerPrefixList, ".vpc-lattice") }
	d := eksDesign(t, "production", ", pod_security_groups: false")
	g := groupsByID(d)
	for _, svc := range []string{"web", "api", "feed"} {
		if got := d.Service(svc).Placements[0].SecurityGroups; !slices.Equal(got, []string{"sg-kube-nodes"}) {
			t.Errorf("%s's pods carry %v; want the nodes group", svc, got)
		}
		if g["sg-kube-"+svc] != nil {
			t.Errorf("a group sg-kube-%s no pod carries", svc)
		}
	}
	nodes := g["sg-kube-nodes"]
	var alb string
	for _, lb := range d.LoadBalancers {
		if lb.Scheme == design.InternetFacing {
			alb = lb.SecurityGroups[0]
		}
	}
	for _, c := range []struct {
		what string
		ok   bool
	}{
		{"the ALB forwards to web", has(nodes.Ingress, "tcp", 8080, group(alb))},
		{"Lattice forwards to api", has(nodes.Ingress, "tcp", 9090, lattice)},
		{"web calls Lattice", has(nodes.Egress, "tcp", 443, lattice)},
		{"api calls the database", has(nodes.Egress, "tcp", 5432, group("sg-kube-db")) && has(g["sg-kube-db"].Ingress, "tcp", 5432, group("sg-kube-nodes"))},
		{"pods resolve names on other nodes", has(nodes.Ingress, "udp", 53, group("sg-kube-nodes")) && has(nodes.Egress, "udp", 53, group("sg-kube-nodes"))},
	} {
		if !c.ok {
			t.Errorf("the nodes group does not admit it: %s", c.what)
		}
	}
	web := d.Kubernetes.Workload("web").Policy
	if p, _ := web.Admits(true, "tcp", design.PolicyPeer{Addr: design.LatticeCIDR.Addr().Next()}); !p.Contains(443) {
		t.Errorf("web's policy does not let it call VPC Lattice on 443: %v", p)
	}
	db := d.Service("db").Placements[0].Subnets
	var dbAddr netip.Addr
	for _, s := range d.VPCs[0].Subnets {
		if s.ID == db[0] {
			dbAddr = s.CIDR.Addr().Next().Next().Next().Next()
		}
	}
	if p, _ := web.Admits(true, "tcp", design.PolicyPeer{Addr: dbAddr}); !p.IsEmpty() {
		t.Errorf("web's policy lets it reach the database on %v; only api calls it", p)
	}
	if p, _ := d.Kubernetes.Workload("api").Policy.Admits(true, "tcp", design.PolicyPeer{Addr: dbAddr}); !p.Contains(5432) {
		t.Errorf("api's policy does not let it call the database: %v", p)
	}
}

// hasRule reports whether rules hold one with the protocol, port and peer
// group.
func hasRule(rules []design.SGRule, proto string, port int, peer string) bool {
	return slices.ContainsFunc(rules, func(r design.SGRule) bool {
		return r.Protocol == proto && r.FromPort <= port && port <= r.ToPort && r.PeerGroup == peer
	})
}

// TestClusterSecurityGroups checks what the EKS control plane and the
// nodes need of each other when the node group's launch template names the
// nodes' group, which then gets no cluster security group (EKS user guide,
// "Customize managed nodes with launch templates" and "Security group
// requirements"): a control-plane group to give the cluster, the nodes
// reaching the API server on 443 through it, it reaching the kubelets on
// 10250, webhooks on 443 and 9443 and CoreDNS on 53, and nodes reaching
// CoreDNS on other nodes.
func TestClusterSecurityGroups(t *testing.T) {
	for _, extra := range []string{"", ", pod_security_groups: false", ", pod_security_groups: true"} {
		t.Run(extra, func(t *testing.T) {
			d := eksDesign(t, "production", extra)
			var nodes, cp *design.SecurityGroup
			for i := range d.SecurityGroups {
				switch g := &d.SecurityGroups[i]; g.Kind {
				case design.SGNodes:
					nodes = g
				case design.SGControlPlane:
					cp = g
				}
			}
			if nodes == nil || cp == nil {
				t.Fatalf("nodes group %v, control-plane group %v; want both", nodes, cp)
			}
			for _, c := range []struct {
				what        string
				rules       []design.SGRule
				proto       string
				port        int
				peer        string
				description string
			}{
				{"nodes egress", nodes.Egress, "tcp", 443, cp.ID, "the API server"},
				{"control plane ingress", cp.Ingress, "tcp", 443, nodes.ID, "the API server"},
				{"control plane egress", cp.Egress, "tcp", 10250, nodes.ID, "the kubelets"},
				{"nodes ingress", nodes.Ingress, "tcp", 10250, cp.ID, "the kubelets"},
				{"nodes ingress", nodes.Ingress, "tcp", 443, cp.ID, "webhooks"},
				{"nodes ingress", nodes.Ingress, "tcp", 9443, cp.ID, "the AWS Load Balancer Controller's webhooks"},
				{"nodes ingress", nodes.Ingress, "udp", 53, cp.ID, "CoreDNS for the control plane"},
				{"nodes ingress", nodes.Ingress, "tcp", 53, cp.ID, "CoreDNS for the control plane"},
				{"nodes egress", nodes.Egress, "udp", 53, nodes.ID, "CoreDNS on other nodes"},
				{"nodes ingress", nodes.Ingress, "udp", 53, nodes.ID, "CoreDNS for other nodes"},
			} {
				if !hasRule(c.rules, c.proto, c.port, c.peer) {
					t.Errorf("%s has no %s %d with %s (%s)", c.what, c.proto, c.port, c.peer, c.description)
				}
			}
		})
	}
}

// TestControllerAPIsThroughNAT checks that the cluster's controllers, which
// run on the nodes, reach the Elastic Load Balancing and VPC Lattice APIs
// through NAT when network.endpoints lacks them, and through the endpoints
// when it has them.
func TestControllerAPIsThroughNAT(t *testing.T) {
	const spec = `version: 1
app: kube
network: {compute: eks, endpoints: [s3, ecr.api, ecr.dkr, ec2, eks, eks-auth, logs, sts%s]}
services:
  web: {port: 8080, public: true, depends_on: [api]}
  api: {port: 9090, egress: [api.example.net:8443]} # NAT, on a port of its own
tls: {domain: kube.example.com}
`
	anywhere := func(d *design.Design) bool {
		for _, g := range d.SecurityGroups {
			if g.Kind == design.SGNodes {
				return slices.ContainsFunc(g.Egress, func(r design.SGRule) bool {
					return r.PeerCIDR.IsValid() && r.PeerCIDR.Bits() == 0 && r.FromPort <= 443 && 443 <= r.ToPort
				})
			}
		}
		return false
	}
	d := build(t, fmt.Sprintf(spec, ""))
	if !anywhere(d) {
		t.Error("without the elasticloadbalancing and vpc-lattice endpoints the nodes reach no AWS API of the controllers")
	}
	if !slices.ContainsFunc(d.Recommendations, func(r design.Recommendation) bool {
		return strings.Contains(r.Title, "elasticloadbalancing, vpc-lattice")
	}) {
		t.Errorf("recommendations %v; want one to add the controllers' endpoints", d.Recommendations)
	}
	if d := build(t, fmt.Sprintf(spec, ", elasticloadbalancing, vpc-lattice")); anywhere(d) {
		t.Error("with the controllers' endpoints the nodes still reach the internet on tcp 443")
	}
}

// TestPodSecurityGroupsStandardMode checks the design for pods with
// security groups of their own that need credentials from the EKS Pod
// Identity agent on their node: the VPC CNI's standard mode (in strict
// mode such a pod cannot reach its node, and so not the agent), in which
// pod traffic leaving the VPC is judged by the node's groups, so the
// nodes' group carries every such rule of the pods' groups and none of
// their rules inside the VPC.
func TestPodSecurityGroupsStandardMode(t *testing.T) {
	const spec = `version: 1
app: kube
network: {compute: eks, pod_security_groups: true, endpoints: [s3, ecr.api, ecr.dkr, ec2, eks, eks-auth, logs, sts, elasticloadbalancing, vpc-lattice]}
services:
  web: {port: 8080, public: true, depends_on: [api]}
  api: {port: 9090, depends_on: [db], egress: [api.example.net:443]}
  db: {kind: postgres}
tls: {domain: kube.example.com}
`
	d := build(t, spec)
	if k := d.Kubernetes; k == nil || k.PodSecurityGroupEnforcingMode != "standard" {
		t.Fatalf("Kubernetes = %+v; want POD_SECURITY_GROUP_ENFORCING_MODE standard", d.Kubernetes)
	}
	if c := d.Kubernetes.VPCCNIAddonConfiguration(); !strings.Contains(c, `"POD_SECURITY_GROUP_ENFORCING_MODE":"standard"`) {
		t.Errorf("VPC CNI configuration %s; want standard mode", c)
	}
	var nodes *design.SecurityGroup
	for i := range d.SecurityGroups {
		if d.SecurityGroups[i].Kind == design.SGNodes {
			nodes = &d.SecurityGroups[i]
		}
	}
	v := &d.VPCs[0]
	mirrored := 0
	for _, g := range d.SecurityGroups {
		if g.Kind != design.SGService {
			continue
		}
		for _, r := range g.Egress {
			leaves := r.PeerPrefixList != "" || r.PeerCIDR.IsValid() && !slices.ContainsFunc(v.Blocks(), func(b netip.Prefix) bool { return b.Contains(r.PeerCIDR.Addr()) })
			has := slices.ContainsFunc(nodes.Egress, func(n design.SGRule) bool {
				return n.Protocol == r.Protocol && n.FromPort <= r.FromPort && r.ToPort <= n.ToPort && n.PeerCIDR == r.PeerCIDR && n.PeerPrefixList == r.PeerPrefixList && n.PeerGroup == "" && r.PeerGroup == ""
			})
			switch {
			case leaves && !has:
				t.Errorf("%s's rule to %s %s %s leaves the VPC, which standard mode judges by the nodes' group, but the nodes' group lacks it", g.Owner, r.Peer(), r.Protocol, r.Ports())
			case leaves:
				mirrored++
			case r.PeerGroup != "" && hasRule(nodes.Egress, r.Protocol, r.FromPort, r.PeerGroup) && r.PeerGroup != nodes.ID && !strings.HasSuffix(r.PeerGroup, "-endpoints"): // the hosts' own calls go there too
				t.Errorf("the nodes' group has %s's rule to %s inside the VPC, which the pod's own group judges", g.Owner, r.Peer())
			}
		}
	}
	if mirrored < 3 { // web and api to VPC Lattice and S3, api to the internet
		t.Errorf("%d rules leave the VPC; want at least 3 (VPC Lattice, S3, the internet)", mirrored)
	}
}

// TestControllerAPIsNACL checks that the NACL of the nodes' subnets lets the
// controllers' calls out to NAT on tcp 443 when they go through it, though
// no service's declared egress uses that port.
func TestControllerAPIsNACL(t *testing.T) {
	d := build(t, `version: 1
app: kube
network: {compute: eks, endpoints: [s3, ecr.api, ecr.dkr, ec2, eks, eks-auth, logs, sts]}
services:
  web: {port: 8080, public: true, depends_on: [api]}
  api: {port: 9090, egress: [api.example.net:8443]}
tls: {domain: kube.example.com}
`)
	aws := netip.MustParseAddr("52.94.0.10")
	web := d.Service("web").Placements[0].Subnets[0]
	var node netip.Addr
	for _, sn := range d.VPCs[0].Subnets {
		if sn.ID == web {
			node = sn.CIDR.Addr().Next().Next().Next().Next()
		}
	}
	checked := 0
	for _, n := range d.NetworkACLs {
		switch {
		case slices.Contains(n.Subnets, web):
			if ok, _ := design.Decide(n.Outbound, "tcp", 443, aws); !ok {
				t.Errorf("NACL %s of the nodes' subnet %s denies tcp 443 out to an AWS API through NAT", n.ID, web)
			}
			checked++
		case n.Tier == design.TierPublic: // the NAT gateways'
			in, _ := design.Decide(n.Inbound, "tcp", 443, node)
			out, _ := design.Decide(n.Outbound, "tcp", 443, aws)
			if !in || !out {
				t.Errorf("NACL %s of the NAT gateways' subnets: tcp 443 in from the nodes %v, out to AWS %v; want both", n.ID, in, out)
			}
			checked++
		}
	}
	if checked < 2 {
		t.Fatalf("checked %d NACLs; want the nodes' and the NAT gateways'", checked)
	}
}
