package kubernetes

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"
	gwv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/netwright/netwright/internal/analysis"
	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/golden"
	"github.com/netwright/netwright/internal/netpol"
	"github.com/netwright/netwright/internal/plan/plantest"
	"github.com/netwright/netwright/internal/portset"
	"github.com/netwright/netwright/internal/render/cloudformation"
	"github.com/netwright/netwright/internal/render/terraform"
)

// designs are the EKS designs the tests export: the example, the example
// with the AWS Load Balancer Controller owning its ALBs, the plan fixture
// with a gRPC service, and it without Security Groups for Pods.
func designs(t *testing.T) map[string]*design.Design {
	t.Helper()
	eks := plantest.File(t, filepath.Join("..", "..", "..", "examples", "eks-storefront.yaml"))
	return map[string]*design.Design{
		"eks-storefront":         eks,
		"eks-storefront-ingress": plantest.File(t, ingressSpec),
		"kube":                   plantest.Design(t, "kube.yaml", []byte(plantest.EKSSpec)),
		"kube-dense":             plantest.Design(t, "kube-dense.yaml", []byte(strings.Replace(plantest.EKSSpec, "{compute: eks}", "{compute: eks, pod_security_groups: false}", 1))),
	}
}

// ingressSpec is eks-storefront with the AWS Load Balancer Controller
// owning its ALBs (network.alb_owner controller) and a public ALB with
// rules of every kind.
var ingressSpec = filepath.Join("..", "..", "..", "testdata", "specs", "eks-storefront-ingress.yaml")

// render exports a design, with the Ingresses its ALBs need when the
// controller owns them (Render refuses the design otherwise).
func render(t *testing.T, d *design.Design, o Options) (map[string][]byte, []string) {
	t.Helper()
	o.Ingress = len(d.ControllerALBs()) > 0
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
				for _, r := range d.Service(w.Service).Platform.Registrations {
					if d.TargetGroup(r.TargetGroup).StackOwns() {
						regs++
					}
				}
				if len(w.SecurityGroups) > 0 {
					groups++
				}
			}
			want["TargetGroupBinding"], want["SecurityGroupPolicy"] = regs, groups
			for _, lb := range d.LoadBalancers {
				if !lb.StackOwns() {
					want["Ingress"] += len(lb.Listeners)
					if sslRedirectPort(&lb) > 0 {
						want["Ingress"]-- // the HTTP listener is the HTTPS Ingress's ssl-redirect
					}
				}
			}
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
	// where says which resource (or parameter) of the template and which
	// expression of the configuration give an output's value.
	where := func(o design.StackOutput) (logical, cfnType, tfValue string) {
		logical = design.StackOutput{Object: o.Object}.CloudFormationName()
		tfName := strings.TrimSuffix(design.StackOutput{Object: o.Object}.TerraformName(), "_")
		switch o.Kind {
		case design.OutputTargetGroup:
			return logical, "AWS::ElasticLoadBalancingV2::TargetGroup", "aws_lb_target_group." + tfName + ".arn"
		case design.OutputRole:
			return logical, "AWS::IAM::Role", "aws_iam_role." + tfName + "_" + strings.ReplaceAll(d.Regions[0], "-", "_") + ".arn" // a role per Region
		case design.OutputSubnet:
			return logical, "AWS::EC2::Subnet", "aws_subnet." + tfName + ".id"
		case design.OutputLogsBucket:
			return "LoadBalancerLogsBucket", "AWS::S3::Bucket", "aws_s3_bucket.lb_logs_" + strings.ReplaceAll(d.Regions[0], "-", "_") + ".id"
		case design.OutputCertificate:
			return "CertificateArn", "parameter", "var.certificate_arn"
		}
		return logical, "AWS::EC2::SecurityGroup", "aws_security_group." + tfName + ".id"
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
		logical, cfnType, tfValue := where(o)
		found := false
		for _, f := range files {
			out, ok := f.Template.Outputs[o.CloudFormationName()]
			if !ok {
				continue
			}
			found = true
			v, _ := json.Marshal(out.Value)
			typ := f.Template.Resources[logical].Type
			if _, ok := f.Template.Parameters[logical]; ok {
				typ = "parameter"
			}
			if !strings.Contains(string(v), `"`+logical+`"`) || typ != cfnType {
				t.Errorf("CloudFormation output %s is %s; want the %s %s", o.CloudFormationName(), v, cfnType, logical)
			}
		}
		if !found {
			t.Errorf("no CloudFormation template outputs %s", o.CloudFormationName())
		}
		want := fmt.Sprintf("output %q {\n  description = %q\n  value       = %s\n}", o.TerraformName(), o.Description, tfValue)
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

// TestGRPCRouteMethods checks a gRPC Lattice service's routes become
// GRPCRoute method matches: an exact /pkg.Service/Method one method, a
// /pkg.Service/* prefix the service, headers kept, and a path a method
// match cannot state left out with a note, the default rule last.
func TestGRPCRouteMethods(t *testing.T) {
	d := plantest.Design(t, "grpc.yaml", []byte(`version: 1
app: rpc
network: {compute: eks}
services:
  web: {port: 8080, public: true, depends_on: [orders]}
  orders: {port: 9090, protocol: grpc}
  orders-v2: {port: 9090, protocol: grpc}
traffic:
  orders:
    routes:
      - match: {path: /shop.v1.Orders/Cancel}
        to: {orders-v2: 100}
      - match: {path: /shop.v1.Orders/*, headers: {x-canary: "true"}}
        to: {orders-v2: 100}
      - match: {path: /shop.*}
        to: {orders-v2: 100}
tls: {domain: rpc.example.com}
`))
	files, notes := render(t, d, Options{})
	var route *gwv1.GRPCRoute
	for _, o := range decodeAll(t, files) {
		if o.kind == "GRPCRoute" && o.name == "orders" {
			route = o.typed.(*gwv1.GRPCRoute)
		}
	}
	if route == nil {
		t.Fatal("no GRPCRoute for orders")
	}
	type match struct{ service, method, header string }
	var got []match
	for _, rl := range route.Spec.Rules {
		var m match
		if len(rl.Matches) > 0 {
			if mm := rl.Matches[0].Method; mm != nil {
				if mm.Type == nil || *mm.Type != gwv1.GRPCMethodMatchExact {
					t.Errorf("method match %+v is not Exact", mm)
				}
				m.service = *mm.Service
				if mm.Method != nil {
					m.method = *mm.Method
				}
			}
			for _, h := range rl.Matches[0].Headers {
				m.header += string(h.Name) + "=" + h.Value
			}
		}
		got = append(got, m)
	}
	want := []match{{"shop.v1.Orders", "Cancel", ""}, {"shop.v1.Orders", "", "x-canary=true"}, {}}
	if !slices.Equal(got, want) {
		t.Errorf("GRPCRoute rules %+v; want %+v", got, want)
	}
	if !slices.ContainsFunc(notes, func(n string) bool {
		return strings.Contains(n, "prefix /shop.") && strings.Contains(n, "cannot state")
	}) {
		t.Errorf("no note says the route on /shop.* cannot be a GRPCRoute match: %q", notes)
	}
}

// TestLatticeHasOneOwner checks every VPC Lattice object of an EKS design
// is made once: the CloudFormation template and the Terraform
// configuration create the service network, its VPC association and auth
// policy and no service, listener, rule, target group or service auth
// policy; the manifests hold a route, TargetGroupPolicy and IAMAuthPolicy
// for every Lattice service and target group instead; and the callers'
// roles may invoke the network's services, by the
// vpc-lattice-svcs:ServiceNetworkArn condition, since their ARNs come
// after the stack.
func TestLatticeHasOneOwner(t *testing.T) {
	stackOnly := []string{"AWS::VpcLattice::ServiceNetwork", "AWS::VpcLattice::ServiceNetworkVpcAssociation"}
	controllers := []string{"AWS::VpcLattice::Service", "AWS::VpcLattice::Listener", "AWS::VpcLattice::Rule", "AWS::VpcLattice::TargetGroup", "AWS::VpcLattice::ServiceNetworkServiceAssociation"}
	for name, d := range designs(t) {
		t.Run(name, func(t *testing.T) {
			if d.Mesh == nil || d.Mesh.Target != "vpc_lattice" {
				t.Skip("no VPC Lattice mesh")
			}
			lat := d.Mesh.Lattice
			if lat == nil || len(lat.Services) == 0 {
				t.Fatal("no VPC Lattice services to own")
			}
			templates, _, err := cloudformation.Build(d)
			if err != nil {
				t.Fatal(err)
			}
			count := map[string]int{}
			conditions := 0
			for _, f := range templates {
				for _, r := range f.Template.Resources {
					count[r.Type]++
					p, _ := json.Marshal(r.Properties)
					if r.Type == "AWS::IAM::Role" && strings.Contains(string(p), `"vpc-lattice-svcs:ServiceNetworkArn":{"Fn::GetAtt":["Lattice`) {
						conditions++
					}
				}
			}
			for _, typ := range stackOnly {
				if count[typ] == 0 {
					t.Errorf("CloudFormation creates no %s", typ)
				}
			}
			for _, typ := range controllers {
				if count[typ] != 0 {
					t.Errorf("CloudFormation creates %d %s, which the AWS Gateway API Controller makes", count[typ], typ)
				}
			}
			if count["AWS::VpcLattice::AuthPolicy"] != 1 {
				t.Errorf("CloudFormation creates %d auth policies; want the service network's only", count["AWS::VpcLattice::AuthPolicy"])
			}
			callers := 0
			for _, id := range d.Identities {
				if len(id.Permissions) > 0 {
					callers++
				}
			}
			if conditions != callers || callers == 0 {
				t.Errorf("%d roles invoke by the service network's ARN; want the %d callers'", conditions, callers)
			}
			tf, _, err := terraform.Render(d)
			if err != nil {
				t.Fatal(err)
			}
			services := string(tf["services.tf"])
			for _, typ := range []string{"aws_vpclattice_service", "aws_vpclattice_listener", "aws_vpclattice_listener_rule", "aws_vpclattice_target_group", "aws_vpclattice_service_network_service_association"} {
				if strings.Contains(services, "resource \""+typ+"\"") {
					t.Errorf("Terraform creates %s, which the AWS Gateway API Controller makes", typ)
				}
			}
			if strings.Count(services, "resource \"aws_vpclattice_auth_policy\"") != 1 || !strings.Contains(services, "resource \"aws_vpclattice_service_network_vpc_association\"") {
				t.Error("Terraform lacks the service network's VPC association or auth policy")
			}
			if strings.Count(services, `"vpc-lattice-svcs:ServiceNetworkArn" = aws_vpclattice_service_network.`) != callers {
				t.Errorf("Terraform roles do not invoke by the service network's ARN")
			}
			files, _ := render(t, d, Options{})
			kinds := map[string]int{}
			for _, o := range decodeAll(t, files) {
				kinds[o.kind]++
			}
			if kinds["HTTPRoute"]+kinds["GRPCRoute"] != len(lat.Services) || kinds["TargetGroupPolicy"] != len(lat.TargetGroups) || kinds["IAMAuthPolicy"] != len(lat.Services) {
				t.Errorf("manifests hold %v; want a route and IAMAuthPolicy per Lattice service (%d) and a TargetGroupPolicy per target group (%d)", kinds, len(lat.Services), len(lat.TargetGroups))
			}
		})
	}
}

// TestSeveralRegions checks a design whose pods run in two Regions: the
// Kubernetes export refuses to mix both clusters' target groups, groups
// and roles in one set of manifests, and the Terraform configuration
// outputs each Region's role under a name of its own.
func TestSeveralRegions(t *testing.T) {
	d := plantest.Design(t, "two.yaml", []byte(`version: 1
app: edge
regions: [us-east-1, eu-west-1]
network: {pattern: multi_region, compute: eks}
services:
  web: {port: 8080, public: true, depends_on: [api]}
  api: {port: 9090}
tls: {domain: edge.example.com}
`))
	if _, _, err := Render(d, Options{}); !errors.Is(err, ErrSeveralClusters) || !strings.Contains(err.Error(), "eu-west-1 and us-east-1") {
		t.Errorf("Render = %v; want %v naming both Regions", err, ErrSeveralClusters)
	}
	tf, _, err := terraform.Render(d)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []string{"us_east_1", "eu_west_1"} {
		want := fmt.Sprintf("output \"role_web_arn_%s\" {\n  description = %q\n  value       = aws_iam_role.role_web_%s.arn", r,
			"ARN of the role of web's pods: VPC Lattice auth policies name it (in "+strings.ReplaceAll(r, "_", "-")+")", r)
		if !strings.Contains(string(tf["outputs.tf"]), want) {
			t.Errorf("outputs.tf lacks\n%s", want)
		}
	}
	if strings.Contains(string(tf["outputs.tf"]), "output \"role_web_arn\"") {
		t.Error("outputs.tf names one Region's role as if it were every Region's")
	}
}
