package kubernetes

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/netwright/netwright/internal/analysis"
	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/golden"
	"github.com/netwright/netwright/internal/netpol"
	"github.com/netwright/netwright/internal/plan/plantest"
	"github.com/netwright/netwright/internal/portset"
	"github.com/netwright/netwright/internal/render/cloudformation"
	"github.com/netwright/netwright/internal/render/terraform"
)

// designs are the EKS designs the tests export: the example, the plan
// fixture with a gRPC service, and both without Security Groups for Pods.
func designs(t *testing.T) map[string]*design.Design {
	t.Helper()
	eks := plantest.File(t, filepath.Join("..", "..", "..", "examples", "eks-storefront.yaml"))
	return map[string]*design.Design{
		"eks-storefront": eks,
		"kube":           plantest.Design(t, "kube.yaml", []byte(plantest.EKSSpec)),
		"kube-dense":     plantest.Design(t, "kube-dense.yaml", []byte(strings.Replace(plantest.EKSSpec, "{compute: eks}", "{compute: eks, pod_security_groups: false}", 1))),
	}
}

func render(t *testing.T, d *design.Design, o Options) (map[string][]byte, []string) {
	t.Helper()
	files, notes, err := Render(d, o)
	if err != nil {
		t.Fatal(err)
	}
	return files, notes
}

// TestGolden compares every file of each export, Deployments included,
// byte for byte.
func TestGolden(t *testing.T) {
	for name, d := range designs(t) {
		t.Run(name, func(t *testing.T) {
			files, notes := render(t, d, Options{Workloads: true})
			for f, b := range files {
				golden.Check(t, filepath.Join("testdata", name, f), b)
			}
			golden.Check(t, filepath.Join("testdata", name, "NOTES"), []byte(strings.Join(notes, "\n")+"\n"))
			again, _ := render(t, d, Options{Workloads: true})
			for f := range files {
				if string(again[f]) != string(files[f]) {
					t.Errorf("%s differs between two runs", f)
				}
			}
		})
	}
}

// TestManifestsDecode decodes every manifest strictly with the Kubernetes
// API's Go types or the controllers' CRDs, and checks every object the
// export promises is there.
func TestManifestsDecode(t *testing.T) {
	for name, d := range designs(t) {
		t.Run(name, func(t *testing.T) {
			files, _ := render(t, d, Options{Workloads: true})
			objs := decodeAll(t, files)
			count := map[string]int{}
			for _, o := range objs {
				count[o.kind]++
			}
			n := len(d.Kubernetes.Workloads)
			want := map[string]int{"Namespace": 1, "ServiceAccount": n, "Service": n, "Deployment": n, "NetworkPolicy": n + 1}
			regs, groups := 0, 0
			for _, w := range d.Kubernetes.Workloads {
				regs += len(d.Service(w.Service).Platform.Registrations)
				if len(w.SecurityGroups) > 0 {
					groups++
				}
			}
			want["TargetGroupBinding"], want["SecurityGroupPolicy"] = regs, groups
			if d.Kubernetes.PodSecurityGroups != (groups == n) || !d.Kubernetes.PodSecurityGroups && groups != 0 {
				t.Errorf("pod security groups %v but %d of %d workloads have a SecurityGroupPolicy", d.Kubernetes.PodSecurityGroups, groups, n)
			}
			if lat := d.Mesh.Lattice; lat != nil {
				want["Gateway"] = 1
				want["IAMAuthPolicy"] = len(lat.Services)
				routes := 0
				for _, ls := range lat.Services {
					if d.Service(ls.Service).Protocol != "grpc" {
						routes++
					}
				}
				want["HTTPRoute"], want["GRPCRoute"] = routes, len(lat.Services)-routes
				want["TargetGroupPolicy"] = len(lat.TargetGroups)
			}
			for k, v := range want {
				if count[k] != v {
					t.Errorf("%d %s objects; want %d", count[k], k, v)
				}
			}
			for k := range count {
				if _, ok := want[k]; !ok {
					t.Errorf("unexpected kind %s", k)
				}
			}
			noWorkloads, _ := render(t, d, Options{})
			for _, o := range decodeAll(t, noWorkloads) {
				if o.kind == "Deployment" {
					t.Error("a Deployment without --workloads")
				}
			}
		})
	}
}

// endpoints places each service, load balancer and VPC Lattice at an
// address the design gives it: pods in their subnets with their labels,
// data stores and load balancer nodes in theirs.
type endpoints struct {
	d        *design.Design
	services map[string]netpol.Endpoint
	lbs      map[string]netpol.Endpoint
	lattice  netpol.Endpoint
}

func addrIn(p netip.Prefix) netip.Addr {
	a := p.Addr()
	for range 10 {
		a = a.Next()
	}
	return a
}

func placeEndpoints(d *design.Design) endpoints {
	e := endpoints{d: d, services: map[string]netpol.Endpoint{}, lbs: map[string]netpol.Endpoint{},
		lattice: netpol.Endpoint{IP: addrIn(design.LatticeCIDR)}}
	subnet := func(id string) netip.Prefix {
		for _, v := range d.VPCs {
			for _, s := range v.Subnets {
				if s.ID == id {
					return s.CIDR
				}
			}
		}
		return netip.Prefix{}
	}
	k := d.Kubernetes
	for _, s := range d.Services {
		ip := addrIn(subnet(s.Placements[0].Subnets[0]))
		if w := k.Workload(s.Name); w != nil {
			ports := map[string]netpol.NamedPort{}
			for _, cp := range s.Platform.Ports {
				ports[portName(&s, cp)] = netpol.NamedPort{Port: cp.Port, Protocol: strings.ToUpper(cp.Protocol)}
			}
			e.services[s.Name] = netpol.Endpoint{Namespace: k.Namespace, NamespaceLabels: map[string]string{namespaceLabel: k.Namespace},
				Labels: labels(w.Labels), Ports: ports, IP: ip}
		} else {
			e.services[s.Name] = netpol.Endpoint{IP: ip}
		}
	}
	for _, lb := range d.LoadBalancers {
		e.lbs[lb.ID] = netpol.Endpoint{IP: addrIn(subnet(lb.Subnets[0]))}
	}
	return e
}

// allowedPorts is every port of a protocol the policies let from reach
// to: the ports split where any policy's range starts or ends, one
// evaluation per piece.
func allowedPorts(policies []networkingv1.NetworkPolicy, from, to netpol.Endpoint, proto string) portset.Set {
	cuts := []int{0, 65536}
	for _, p := range policies {
		add := func(ports []networkingv1.NetworkPolicyPort) {
			for _, pp := range ports {
				if pp.Port != nil {
					lo, hi := int(pp.Port.IntVal), int(pp.Port.IntVal)
					if pp.EndPort != nil {
						hi = int(*pp.EndPort)
					}
					cuts = append(cuts, lo, hi+1)
				}
			}
		}
		for _, r := range p.Spec.Ingress {
			add(r.Ports)
		}
		for _, r := range p.Spec.Egress {
			add(r.Ports)
		}
	}
	slices.Sort(cuts)
	cuts = slices.Compact(cuts)
	var out portset.Set
	for i := 0; i+1 < len(cuts); i++ {
		if netpol.Allowed(policies, from, to, proto, cuts[i]) {
			out = out.Union(portset.Of(cuts[i], min(cuts[i+1]-1, 65535)))
		}
	}
	return out
}

// TestNetworkPoliciesAgreeWithAnalysis evaluates the exported
// NetworkPolicies (decoded with the API's types) with standard
// NetworkPolicy semantics over every pair of services, and compares the
// ports that pass with what the analyzer finds the design lets through:
// directly pod to pod, through an internal load balancer (the caller's
// egress to its nodes on the listener's port and the target's ingress
// from them), and through VPC Lattice (the caller's egress to Lattice on
// the listener's port, the target's ingress from Lattice, and the
// exported IAMAuthPolicy naming the caller's role).
func TestNetworkPoliciesAgreeWithAnalysis(t *testing.T) {
	for name, d := range designs(t) {
		t.Run(name, func(t *testing.T) {
			files, _ := render(t, d, Options{})
			policies, callers := exported(t, d, files)
			got := policyMatrix(d, policies, callers)
			want := analysisMatrix(d)
			for _, k := range slices.Sorted(keys(got, want)) {
				if got[k] != want[k] {
					t.Errorf("%s: the NetworkPolicies pass %q; the analysis %q", k, got[k], want[k])
				}
			}
			if len(want) == 0 {
				t.Fatal("the analysis found no flow at all")
			}
		})
	}
}

func keys(ms ...map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		seen := map[string]bool{}
		for _, m := range ms {
			for k := range m {
				if !seen[k] {
					seen[k] = true
					if !yield(k) {
						return
					}
				}
			}
		}
	}
}

// exported decodes the NetworkPolicies and, per Lattice route, the roles
// its IAMAuthPolicy admits (by stack output name).
func exported(t *testing.T, d *design.Design, files map[string][]byte) ([]networkingv1.NetworkPolicy, map[string][]string) {
	t.Helper()
	var policies []networkingv1.NetworkPolicy
	callers := map[string][]string{}
	for _, o := range decodeAll(t, files) {
		switch o.kind {
		case "NetworkPolicy":
			policies = append(policies, *o.typed.(*networkingv1.NetworkPolicy))
		case "IAMAuthPolicy":
			var doc struct {
				Statement []struct {
					Effect    string
					Principal json.RawMessage
				}
			}
			spec := o.raw["spec"].(map[string]any)
			if err := json.Unmarshal([]byte(spec["policy"].(string)), &doc); err != nil {
				t.Fatal(err)
			}
			for _, st := range doc.Statement {
				var p struct{ AWS []string }
				if st.Effect == "Allow" && json.Unmarshal(st.Principal, &p) == nil {
					callers[o.name] = append(callers[o.name], p.AWS...)
				}
			}
		}
	}
	return policies, callers
}

// policyMatrix is, for each pair a pod can open, "tcp PORTS; udp PORTS".
func policyMatrix(d *design.Design, policies []networkingv1.NetworkPolicy, callers map[string][]string) map[string]string {
	e := placeEndpoints(d)
	out := map[string]string{}
	for _, from := range d.Services {
		src := e.services[from.Name]
		if !src.IsPod() {
			continue
		}
		for _, to := range d.Services {
			if to.Name == from.Name {
				continue
			}
			dst := e.services[to.Name]
			sets := map[string]portset.Set{}
			for _, proto := range []string{"TCP", "UDP"} {
				sets[proto] = allowedPorts(policies, src, dst, proto)
			}
			for _, dep := range from.Platform.Dependencies {
				if dep.Service != to.Name {
					continue
				}
				proto := "TCP"
				if to.Protocol == "udp" {
					proto = "UDP"
				}
				switch dep.Via {
				case design.ViaLoadBalancer:
					lb := e.lbs[dep.LoadBalancer]
					tg := targetPort(d, dep.LoadBalancer, to.Name)
					if netpol.Allowed(policies, src, lb, proto, dep.Port) && netpol.Allowed(policies, lb, dst, proto, tg) {
						sets[proto] = sets[proto].Union(portset.Of(to.Port, to.Port))
					}
				case design.ViaLattice:
					role := placeholder(design.StackOutput{Object: from.Platform.Identity, Attribute: design.OutputARN})
					ls := latticeService(d, dep.LatticeService)
					if netpol.Allowed(policies, src, e.lattice, "TCP", dep.Port) && latticeTargetsAdmit(d, policies, e, ls) &&
						slices.Contains(callers[ls.Service], role) {
						sets[proto] = sets[proto].Union(portset.Of(to.Port, to.Port))
					}
				}
			}
			if sets["TCP"].IsEmpty() && sets["UDP"].IsEmpty() {
				continue
			}
			out[from.Name+"->"+to.Name] = "tcp " + sets["TCP"].String() + "; udp " + sets["UDP"].String()
		}
	}
	return out
}

func targetPort(d *design.Design, lbID, service string) int {
	for _, lb := range d.LoadBalancers {
		if lb.ID != lbID {
			continue
		}
		for _, l := range lb.Listeners {
			for _, a := range l.Actions() {
				for _, f := range a.Forward {
					if tg := d.TargetGroup(f.TargetGroup); tg != nil && tg.Service == service {
						return tg.Port
					}
				}
			}
		}
	}
	return 0
}

func latticeService(d *design.Design, id string) design.LatticeService {
	for _, ls := range d.Mesh.Lattice.Services {
		if ls.ID == id {
			return ls
		}
	}
	return design.LatticeService{}
}

// latticeTargetsAdmit reports whether every service the Lattice service
// forwards to admits Lattice on its port.
func latticeTargetsAdmit(d *design.Design, policies []networkingv1.NetworkPolicy, e endpoints, ls design.LatticeService) bool {
	targets := slices.Clone(ls.DefaultTarget)
	for _, r := range ls.Rules {
		targets = append(targets, r.Targets...)
	}
	for _, t := range targets {
		s := d.Service(strings.TrimPrefix(t.Node, "vn-"))
		if s == nil || !netpol.Allowed(policies, e.lattice, e.services[s.Name], "TCP", s.Port) {
			return false
		}
	}
	return len(targets) > 0
}

// analysisMatrix is the analyzer's all-pairs matrix in the same form, for
// callers that run as pods.
func analysisMatrix(d *design.Design) map[string]string {
	out := map[string]string{}
	for _, c := range analysis.Analyze(d).Matrix {
		if d.Kubernetes.Workload(c.From) == nil || c.TCP == "none" && c.UDP == "none" {
			continue
		}
		out[c.From+"->"+c.To] = "tcp " + c.TCP + "; udp " + c.UDP
	}
	return out
}

// TestOutputsCrossReference checks every value a manifest takes from the
// stack: its placeholder is set by a kustomize replacement from
// stack-outputs.env, and the CloudFormation template and the Terraform
// configuration output it from the resource it names.
func TestOutputsCrossReference(t *testing.T) {
	for name, d := range designs(t) {
		t.Run(name, func(t *testing.T) {
			files, _ := render(t, d, Options{Workloads: true})
			env := string(files[OutputsFile])
			kust := string(files[KustomizationFile])
			var manifests strings.Builder
			for f, b := range files {
				if f != KustomizationFile && strings.HasSuffix(f, ".yaml") {
					manifests.Write(b)
				}
			}
			used := 0
			for _, o := range d.ClusterOutputs() {
				if !strings.Contains(manifests.String(), placeholder(o)) {
					continue
				}
				used++
				key := o.CloudFormationName()
				if !strings.Contains(env, "\n"+key+"=\n") || !strings.Contains(kust, "fieldPath: data."+key+"\n") {
					t.Errorf("%s: placeholder %s has no line in %s or no replacement", key, placeholder(o), OutputsFile)
				}
			}
			if used == 0 {
				t.Fatal("no manifest takes a value from the stack")
			}
			if strings.Count(manifests.String(), "${") != strings.Count(manifests.String(), "${"+"") || strings.Contains(manifests.String(), "${}") {
				t.Error("an empty placeholder")
			}
			stackOutputs(t, d)
		})
	}
}

// stackOutputs checks the CloudFormation and Terraform exports output
// each of the design's cluster outputs from the resource it names, and
// create the service network the Lattice Gateway adopts by name.
func stackOutputs(t *testing.T, d *design.Design) {
	t.Helper()
	types := func(o design.StackOutput) (cfn, tf, attr string) {
		switch {
		case d.TargetGroup(o.Object) != nil:
			return "AWS::ElasticLoadBalancingV2::TargetGroup", "aws_lb_target_group", "arn"
		case d.Identity(o.Object) != nil:
			return "AWS::IAM::Role", "aws_iam_role", "arn"
		}
		return "AWS::EC2::SecurityGroup", "aws_security_group", "id"
	}
	files, _, err := cloudformation.Build(d)
	if err != nil {
		t.Fatal(err)
	}
	tf, _, err := terraform.Render(d)
	if err != nil {
		t.Fatal(err)
	}
	outputsTF := string(tf["outputs.tf"])
	for _, o := range d.ClusterOutputs() {
		cfnType, tfType, attr := types(o)
		logical := design.StackOutput{Object: o.Object}.CloudFormationName()
		found := false
		for _, f := range files {
			out, ok := f.Template.Outputs[o.CloudFormationName()]
			if !ok {
				continue
			}
			found = true
			v, _ := json.Marshal(out.Value)
			if !strings.Contains(string(v), `"`+logical+`"`) || f.Template.Resources[logical].Type != cfnType {
				t.Errorf("CloudFormation output %s is %s; want the %s %s", o.CloudFormationName(), v, cfnType, logical)
			}
		}
		if !found {
			t.Errorf("no CloudFormation template outputs %s", o.CloudFormationName())
		}
		tfName := strings.TrimSuffix(design.StackOutput{Object: o.Object}.TerraformName(), "_")
		if id := d.Identity(o.Object); id != nil {
			tfName += "_" + strings.ReplaceAll(d.Regions[0], "-", "_") // a role per Region
		}
		want := fmt.Sprintf("output %q {\n  description = %q\n  value       = %s.%s.%s\n}", o.TerraformName(), o.Description, tfType, tfName, attr)
		if !strings.Contains(outputsTF, want) {
			t.Errorf("outputs.tf lacks\n%s", want)
		}
	}
	if d.Mesh != nil && d.Mesh.Lattice != nil {
		found := false
		for _, f := range files {
			for _, r := range f.Template.Resources {
				if r.Type == "AWS::VpcLattice::ServiceNetwork" {
					p, _ := json.Marshal(r.Properties)
					found = found || strings.Contains(string(p), fmt.Sprintf(`"Name":%q`, d.Mesh.Lattice.ServiceNetwork))
				}
			}
		}
		if !found {
			t.Errorf("no CloudFormation service network named %s for the Gateway to adopt", d.Mesh.Lattice.ServiceNetwork)
		}
		if !strings.Contains(string(tf["services.tf"]), fmt.Sprintf("_mesh_us_east_1\" {\n  name      = %q", d.Mesh.Lattice.ServiceNetwork)) {
			t.Errorf("no Terraform service network named %s for the Gateway to adopt", d.Mesh.Lattice.ServiceNetwork)
		}
	}
}
