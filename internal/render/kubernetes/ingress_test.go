package kubernetes

import (
	"encoding/json"
	"errors"
	"net/netip"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"sigs.k8s.io/yaml"

	"github.com/netwright/netwright/internal/albrules"
	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/plan/plantest"
	"github.com/netwright/netwright/internal/render/cloudformation"
	"github.com/netwright/netwright/internal/render/terraform"
)

// group decodes an export's Ingresses and Services: the Ingresses of
// each IngressGroup by its name, and the Services by theirs.
func group(t *testing.T, files map[string][]byte) (map[string][]*networkingv1.Ingress, map[string]*corev1.Service) {
	t.Helper()
	groups := map[string][]*networkingv1.Ingress{}
	services := map[string]*corev1.Service{}
	for _, o := range decodeAll(t, files) {
		switch v := o.typed.(type) {
		case *networkingv1.Ingress:
			g := v.Annotations[albAnnotation+"group.name"]
			groups[g] = append(groups[g], v)
		case *corev1.Service:
			services[v.Name] = v
		}
	}
	return groups, services
}

// TestIngressFollowsTheDesign checks each ALB the AWS Load Balancer
// Controller owns against what the controller makes of its Ingresses
// (controllerListeners): every designed listener exists with its
// protocol and default action, every designed rule is there in priority
// order with its conditions and action and nothing else is, and requests
// that meet and miss each rule's conditions are routed, through
// internal/albrules, to the same Services with the same weights (or the
// same answer) by the design's listener and by the controller's.
func TestIngressFollowsTheDesign(t *testing.T) {
	d := designs(t)["eks-storefront-ingress"]
	files, _ := render(t, d, Options{})
	groups, services := group(t, files)
	owned := 0
	for i := range d.LoadBalancers {
		lb := &d.LoadBalancers[i]
		if lb.StackOwns() {
			continue
		}
		owned++
		t.Run(lb.Name, func(t *testing.T) {
			ings := groups[lb.Name]
			if len(ings) == 0 {
				t.Fatalf("no Ingress of the group %s", lb.Name)
			}
			for _, ing := range ings[1:] {
				for _, k := range []string{"load-balancer-name", "scheme", "subnets", "security-groups", "load-balancer-attributes"} {
					if _, ok := ing.Annotations[albAnnotation+k]; ok {
						t.Errorf("%s sets %s, which only the group's first Ingress sets", ing.Name, k)
					}
				}
			}
			for _, ing := range ings {
				if errs := apiServerIngressErrors(ing); len(errs) > 0 {
					t.Errorf("the API server would refuse %s: %v", ing.Name, errs)
				}
			}
			model, err := controllerListeners(ings, services)
			if err != nil {
				t.Fatal(err)
			}
			if len(model) != len(lb.Listeners) {
				t.Errorf("the controller makes %d listeners; the design has %d", len(model), len(lb.Listeners))
			}
			for _, l := range lb.Listeners {
				got := model[l.Port]
				if got == nil || got.protocol != l.Protocol {
					t.Errorf("listener %s %d: the controller makes %+v", l.Protocol, l.Port, got)
					continue
				}
				if want := designOutcome(d, l.DefaultAction); got.def != want {
					t.Errorf("listener %d default: %q; want %q", l.Port, got.def, want)
				}
				if len(got.rules) != len(l.Rules) {
					t.Errorf("listener %d: %d rules; the design has %d", l.Port, len(got.rules), len(l.Rules))
				}
				for k := range min(len(got.rules), len(l.Rules)) {
					want, alts := l.Rules[k], got.rules[k].alternatives()
					if len(alts) != 1 || alts[0].String() != want.Conditions.String() {
						t.Errorf("listener %d rule %d: conditions %v; the design's priority %d has %q", l.Port, k+1, alts, want.Priority, want.Conditions)
					}
					if a := designOutcome(d, want.Action); got.rules[k].action != a {
						t.Errorf("listener %d rule %d: %q; the design's priority %d does %q", l.Port, k+1, got.rules[k].action, want.Priority, a)
					}
				}
				reqs := sampleRequests(&l)
				for _, req := range reqs {
					want := designOutcome(d, l.DefaultAction)
					if r := albrules.Evaluate(&l, &req); r != nil {
						want = designOutcome(d, r.Action)
					}
					if o := got.route(&req); o != want {
						t.Errorf("listener %d: %s goes to %q; the design sends it to %q", l.Port, describe(req), o, want)
					}
				}
				if len(l.Rules) > 0 && len(reqs) < 3*len(l.Rules) {
					t.Errorf("listener %d: %d sample requests for %d rules", l.Port, len(reqs), len(l.Rules))
				}
			}
		})
	}
	if owned < 2 {
		t.Fatalf("%d ALBs of the controller; the variant gives it the public and the internal one", owned)
	}
}

// TestControllerModel checks the model of the controller the test above
// relies on, with Ingresses whose outcome the controller's documentation
// and code state: group order then namespace and name, paths sorted
// Exact, Prefix (longest first), then as written, Prefix paths matching
// the path and below it, a conditions annotation adding host values to
// the rule's host, several values of a condition meaning any, a missing
// action answering 503, no default backend answering 404, ssl-redirect
// turning HTTP listeners into redirects, and annotations decoded
// strictly.
func TestControllerModel(t *testing.T) {
	doc := `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: b
  annotations:
    alb.ingress.kubernetes.io/group.order: "1"
    alb.ingress.kubernetes.io/listen-ports: '[{"HTTP":80},{"HTTPS":443}]'
    alb.ingress.kubernetes.io/certificate-arn: arn:aws:acm:us-east-1:111122223333:certificate/x
    alb.ingress.kubernetes.io/conditions.www: '[{"field":"host-header","hostHeaderConfig":{"values":["anno.example.com"]}}]'
    alb.ingress.kubernetes.io/conditions.hdr: '[{"field":"http-header","httpHeaderConfig":{"httpHeaderName":"X-Beta","values":["1","yes"]}},{"field":"source-ip","sourceIPConfig":{"values":["10.1.0.0/16","10.2.0.0/16"]}}]'
    alb.ingress.kubernetes.io/actions.hdr: '{"type":"forward","forwardConfig":{"targetGroups":[{"serviceName":"one","servicePort":80,"weight":3},{"serviceName":"two","servicePort":"http","weight":1}]}}'
spec:
  rules:
  - host: www.example.com
    http:
      paths:
      - {path: /www, pathType: ImplementationSpecific, backend: {service: {name: www, port: {number: 80}}}}
  - http:
      paths:
      - {path: /hdr, pathType: ImplementationSpecific, backend: {service: {name: hdr, port: {name: use-annotation}}}}
      - {path: /api, pathType: Prefix, backend: {service: {name: one, port: {number: 80}}}}
      - {path: /api/v1, pathType: Prefix, backend: {service: {name: two, port: {number: 80}}}}
      - {path: /api/v1/exact, pathType: Exact, backend: {service: {name: three, port: {number: 80}}}}
      - {path: /gone, pathType: ImplementationSpecific, backend: {service: {name: gone, port: {name: use-annotation}}}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: c
  annotations:
    alb.ingress.kubernetes.io/group.order: "2"
    alb.ingress.kubernetes.io/listen-ports: '[{"HTTPS":443}]'
spec:
  rules:
  - http:
      paths:
      - {path: /shared/*, pathType: ImplementationSpecific, backend: {service: {name: two, port: {number: 80}}}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: a
  annotations:
    alb.ingress.kubernetes.io/group.order: "2"
    alb.ingress.kubernetes.io/listen-ports: '[{"HTTPS":443}]'
    alb.ingress.kubernetes.io/ssl-redirect: "443"
spec:
  rules:
  - http:
      paths:
      - {path: /shared/*, pathType: ImplementationSpecific, backend: {service: {name: one, port: {number: 80}}}}
      - {path: /www, pathType: ImplementationSpecific, backend: {service: {name: one, port: {number: 80}}}}
`
	var ings []*networkingv1.Ingress
	for _, part := range strings.Split(doc, "\n---\n") {
		var ing networkingv1.Ingress
		if err := yaml.UnmarshalStrict([]byte(part), &ing); err != nil {
			t.Fatal(err)
		}
		ings = append(ings, &ing)
	}
	services := map[string]*corev1.Service{}
	for _, n := range []string{"one", "two", "three", "www"} {
		services[n] = &corev1.Service{Spec: corev1.ServiceSpec{Ports: []corev1.ServicePort{{Name: "http", Port: 80}}}}
	}
	model, err := controllerListeners(ings, services)
	if err != nil {
		t.Fatal(err)
	}
	https, http := model[443], model[80]
	if https == nil || http == nil || http.protocol != "HTTP" || https.protocol != "HTTPS" {
		t.Fatalf("listeners %v; want HTTP 80 and HTTPS 443", model)
	}
	if http.def != "redirect HTTPS:443 301" || len(http.rules) != 0 {
		t.Errorf("HTTP 80 with ssl-redirect: default %q and %d rules; want the redirect and none", http.def, len(http.rules))
	}
	if https.def != "fixed 404 text/plain " {
		t.Errorf("HTTPS 443 without a default backend: %q; want the controller's 404", https.def)
	}
	src := netip.MustParseAddr("10.2.3.4")
	for _, tc := range []struct {
		host, path string
		header     string
		src        netip.Addr
		want       outcome
	}{
		{"www.example.com", "/www", "", src, "www=1"},
		{"ANNO.example.com", "/www", "", src, "www=1"},    // the annotation's host, without case
		{"other.example.com", "/www", "", src, "one=1"},   // falls to Ingress a's /www
		{"x", "/hdr", "yes", src, "one=3,two=1"},          // either header value, either block
		{"x", "/hdr", "no", src, "fixed 404 text/plain "}, // no other rule has /hdr
		{"x", "/hdr", "1", netip.MustParseAddr("10.9.0.1"), "fixed 404 text/plain "},
		{"x", "/api/v1/exact", "", src, "three=1"},         // Exact first
		{"x", "/api/v1/list", "", src, "two=1"},            // the longer prefix first
		{"x", "/api/v1", "", src, "two=1"},                 // a prefix matches itself
		{"x", "/api/other", "", src, "one=1"},              // the shorter prefix
		{"x", "/apiary", "", src, "fixed 404 text/plain "}, // a prefix is by path segment
		{"x", "/gone", "", src, "fixed 503 text/plain Backend action does not exist"},
		{"x", "/shared/1", "", src, "one=1"}, // group order 2, then a before c
	} {
		req := albrules.Request{Host: tc.host, Path: tc.path, Method: "GET", Headers: map[string][]string{"x-beta": {tc.header}}, SourceIP: tc.src}
		if got := https.route(&req); got != tc.want {
			t.Errorf("%s%s (x-beta %q from %s) goes to %q; want %q", tc.host, tc.path, tc.header, tc.src, got, tc.want)
		}
	}
	for _, bad := range []string{
		`{"type":"forward","forwardConfig":{"targetGroups":[{"serviceName":"one","servicePort":80,"wieght":1}]}}`,
		`{"type":"forward","forwardConfig":{"targetGroups":[{"serviceName":"nine","servicePort":80}]}}`,
		`{"type":"fixed-response"}`,
	} {
		ings[0].Annotations[albAnnotation+"actions.hdr"] = bad
		if _, err := controllerListeners(ings, services); err == nil {
			t.Errorf("the model accepted actions %s", bad)
		}
	}
}

// TestALBHasOneOwner checks an ALB the AWS Load Balancer Controller owns
// is made once: the CloudFormation template and the Terraform
// configuration create no load balancer, listener, rule or target group
// for it (nor output its DNS name), keep its security groups and the
// access-log bucket, and output every ID its Ingresses take; the
// manifests hold its Ingresses and no TargetGroupBinding for its groups,
// whose settings are on the Services instead. A design whose ALBs the
// stack owns keeps them there.
func TestALBHasOneOwner(t *testing.T) {
	for name, d := range designs(t) {
		t.Run(name, func(t *testing.T) {
			templates, _, err := cloudformation.Build(d)
			if err != nil {
				t.Fatal(err)
			}
			count := map[string]int{}
			outputs := map[string]bool{}
			for _, f := range templates {
				for _, r := range f.Template.Resources {
					count[r.Type]++
				}
				for k := range f.Template.Outputs {
					outputs[k] = true
				}
			}
			tf, _, err := terraform.Render(d)
			if err != nil {
				t.Fatal(err)
			}
			lbTF := string(tf["loadbalancing.tf"])
			files, _ := render(t, d, Options{})
			var manifests strings.Builder
			for f, b := range files {
				if f != KustomizationFile && f != OutputsFile {
					manifests.Write(b)
				}
			}
			stackALBs, stackTGs := 0, 0
			for _, lb := range d.LoadBalancers {
				if lb.StackOwns() {
					stackALBs++
					continue
				}
				if outputs[logical(lb.ID)+"DNSName"] || strings.Contains(string(tf["outputs.tf"]), "aws_lb."+tfName(lb.ID)+".") {
					t.Errorf("a stack outputs the DNS name of %s, which it does not make", lb.ID)
				}
				for _, g := range lb.SecurityGroups {
					if !strings.Contains(string(tf["security.tf"]), `resource "aws_security_group" "`+tfName(g)+`"`) || count["AWS::EC2::SecurityGroup"] == 0 {
						t.Errorf("the stacks do not make %s, which the Ingress of %s names", g, lb.Name)
					}
				}
				if count["AWS::S3::Bucket"] == 0 || !strings.Contains(lbTF, `resource "aws_s3_bucket" "lb_logs_`) {
					t.Errorf("the stacks do not make the access-log bucket of %s", lb.Name)
				}
				if !strings.Contains(manifests.String(), albAnnotation+"load-balancer-name: "+lb.Name+"\n") {
					t.Errorf("no Ingress makes %s", lb.Name)
				}
			}
			for _, tg := range d.TargetGroups {
				if tg.StackOwns() {
					stackTGs++
					if !strings.Contains(manifests.String(), "targetGroupARN: ${"+design.StackOutput{Object: tg.ID}.CloudFormationName()) {
						t.Errorf("no TargetGroupBinding registers pods in the stack's %s", tg.ID)
					}
					continue
				}
				if strings.Contains(lbTF, `"`+tfName(tg.ID)+`"`) || strings.Contains(manifests.String(), "name: "+tg.ID+"\n") {
					t.Errorf("%s is made or bound outside the controller, which makes it", tg.ID)
				}
			}
			lbs := 0
			for _, lb := range d.LoadBalancers {
				if lb.StackOwns() {
					lbs++
				}
			}
			if count["AWS::ElasticLoadBalancingV2::LoadBalancer"] != lbs || strings.Count(lbTF, `resource "aws_lb" `) != lbs {
				t.Errorf("the stacks make %d and %d load balancers; the stack owns %d", count["AWS::ElasticLoadBalancingV2::LoadBalancer"], strings.Count(lbTF, `resource "aws_lb" `), lbs)
			}
			if count["AWS::ElasticLoadBalancingV2::TargetGroup"] != stackTGs || strings.Count(lbTF, `resource "aws_lb_target_group" `) != stackTGs {
				t.Errorf("the stacks make %d and %d target groups; the stack owns %d", count["AWS::ElasticLoadBalancingV2::TargetGroup"], strings.Count(lbTF, `resource "aws_lb_target_group" `), stackTGs)
			}
			if owned := len(d.ControllerALBs()); owned > 0 {
				rules := count["AWS::ElasticLoadBalancingV2::ListenerRule"] + count["AWS::ElasticLoadBalancingV2::Listener"] + strings.Count(lbTF, `resource "aws_lb_listener`)
				if stackALBs == 0 && rules != 0 {
					t.Errorf("the stacks make %d listeners and rules, though the controller owns every ALB", rules)
				}
				for _, o := range d.ClusterOutputs() {
					if o.Kind == design.OutputTargetGroup && !d.TargetGroup(o.Object).StackOwns() {
						t.Errorf("the stack is asked to output the controller's target group %s", o.Object)
					}
				}
			}
		})
	}
}

// TestIngressAnnotationsTakeStackOutputs checks every value an Ingress
// takes from the stack is a placeholder of a cluster output (which
// TestOutputsCrossReference checks both stacks output): the subnets and
// security groups of the ALB, its certificate when the stack is given
// it, and the access-log bucket's name.
func TestIngressAnnotationsTakeStackOutputs(t *testing.T) {
	d := designs(t)["eks-storefront-ingress"]
	files, _ := render(t, d, Options{})
	groups, _ := group(t, files)
	outputs := map[string]bool{}
	for _, o := range d.ClusterOutputs() {
		outputs[placeholder(o)] = true
	}
	for _, lb := range d.LoadBalancers {
		if lb.StackOwns() {
			continue
		}
		a := groups[lb.Name][0].Annotations
		var want []string
		for _, s := range lb.Subnets {
			want = append(want, "${"+design.StackOutput{Object: s, Attribute: design.OutputID}.CloudFormationName()+"}")
		}
		if got := a[albAnnotation+"subnets"]; got != strings.Join(want, ",") {
			t.Errorf("%s subnets %q; want %q", lb.Name, got, strings.Join(want, ","))
		}
		for _, v := range []string{a[albAnnotation+"subnets"], a[albAnnotation+"security-groups"], a[albAnnotation+"load-balancer-attributes"], a[albAnnotation+"certificate-arn"]} {
			for _, p := range placeholderRE.FindAllString(v, -1) {
				if !outputs[p] {
					t.Errorf("%s: %s is no output of the stack", lb.Name, p)
				}
			}
		}
		if !strings.HasSuffix(a[albAnnotation+"load-balancer-attributes"], bucketAttribute+"${"+design.StackOutput{Object: lb.AccessLogs.Bucket, Attribute: design.OutputName}.CloudFormationName()+"}") {
			t.Errorf("%s: the bucket is not the stack's: %s", lb.Name, a[albAnnotation+"load-balancer-attributes"])
		}
		if a[albAnnotation+"manage-backend-security-group-rules"] != "false" || a[albAnnotation+"security-groups"] == "" {
			t.Errorf("%s: the controller would make or open groups of its own: %v", lb.Name, a)
		}
	}
	var ingresses []any
	for _, o := range decodeAll(t, files) {
		if o.kind == "Ingress" {
			ingresses = append(ingresses, o.raw)
		}
	}
	b, _ := json.Marshal(ingresses)
	if !strings.Contains(string(b), "${AlbStorefrontPublicHttpsCertificateArn}") {
		t.Error("the public HTTPS Ingress does not take the certificate given to the stack")
	}
}

// TestIngressNeedsTheControllerAsOwner checks --ingress is refused for a
// design whose ALBs the stack makes (an Ingress would make a second
// ALB), and its absence for one whose ALBs the controller makes
// (nothing would make them).
func TestIngressNeedsTheControllerAsOwner(t *testing.T) {
	ds := designs(t)
	if _, _, err := Render(ds["eks-storefront"], Options{Ingress: true}); !errors.Is(err, ErrStackOwnsALBs) {
		t.Errorf("--ingress with the stack owning the ALBs: %v; want %v", err, ErrStackOwnsALBs)
	}
	if _, _, err := Render(ds["eks-storefront-ingress"], Options{}); !errors.Is(err, ErrIngressNeeded) || !strings.Contains(err.Error(), "storefront-public") {
		t.Errorf("no --ingress with the controller owning the ALBs: %v; want %v naming them", err, ErrIngressNeeded)
	}
	// A design with no ALB and the controller asked for: the plan warns,
	// and --ingress has nothing to write.
	d := plantest.Design(t, "tcp.yaml", []byte("version: 1\napp: tcp\nnetwork: {compute: eks, alb_owner: controller}\nservices:\n  db: {port: 9000, protocol: tcp, public: true}\n"))
	if _, _, err := Render(d, Options{Ingress: true}); !errors.Is(err, ErrStackOwnsALBs) {
		t.Errorf("--ingress with no ALB: %v; want %v", err, ErrStackOwnsALBs)
	}
	if slices.ContainsFunc(d.LoadBalancers, func(lb design.LoadBalancer) bool { return !lb.StackOwns() }) {
		t.Error("the controller owns a load balancer that is not an ALB")
	}
}

var placeholderRE = regexp.MustCompile(`\$\{[A-Za-z0-9]+\}`)

// logical is a design ID's CloudFormation logical ID.
func logical(id string) string { return design.StackOutput{Object: id}.CloudFormationName() }

// tfName is a design ID's Terraform resource name.
func tfName(id string) string {
	return strings.TrimSuffix(design.StackOutput{Object: id}.TerraformName(), "_")
}

// apiServerIngressErrors are what the API server's validation of an
// Ingress (k8s.io/kubernetes pkg/apis/networking/validation) says of the
// fields the export writes: annotation keys, hosts (a DNS subdomain, or
// one with a leading "*." label), ImplementationSpecific paths (empty or
// absolute) and backends' Service names (DNS-1035 labels).
func apiServerIngressErrors(ing *networkingv1.Ingress) []string {
	var errs []string
	for k := range ing.Annotations {
		errs = append(errs, validation.IsQualifiedName(k)...)
	}
	backend := func(b *networkingv1.IngressBackend) {
		if b == nil || b.Service == nil {
			errs = append(errs, "a backend without a service")
			return
		}
		errs = append(errs, validation.IsDNS1035Label(b.Service.Name)...)
	}
	backend(ing.Spec.DefaultBackend)
	for _, r := range ing.Spec.Rules {
		switch {
		case r.Host == "":
		case strings.HasPrefix(r.Host, "*."):
			errs = append(errs, validation.IsWildcardDNS1123Subdomain(r.Host)...)
		default:
			errs = append(errs, validation.IsDNS1123Subdomain(r.Host)...)
		}
		if r.HTTP == nil || len(r.HTTP.Paths) == 0 {
			errs = append(errs, "a rule without paths")
			continue
		}
		for _, p := range r.HTTP.Paths {
			if p.PathType == nil || *p.PathType != networkingv1.PathTypeImplementationSpecific || p.Path != "" && !strings.HasPrefix(p.Path, "/") {
				errs = append(errs, "path "+p.Path+" is not an ImplementationSpecific absolute path")
			}
			backend(&p.Backend)
		}
	}
	return errs
}

// TestIngressDeletionProtection checks a production design's ALB keeps
// deletion protection through its Ingress, with a note that the
// controller then cannot delete it.
func TestIngressDeletionProtection(t *testing.T) {
	src, err := os.ReadFile(ingressSpec)
	if err != nil {
		t.Fatal(err)
	}
	d := plantest.Design(t, "prod.yaml", []byte(strings.Replace(string(src), "environment: staging", "environment: production", 1)))
	files, notes := render(t, d, Options{})
	groups, _ := group(t, files)
	attrs := groups["storefront-public"][0].Annotations[albAnnotation+"load-balancer-attributes"]
	if !strings.Contains(attrs, "deletion_protection.enabled=true") {
		t.Errorf("load-balancer-attributes %q; want deletion protection on", attrs)
	}
	if !slices.ContainsFunc(notes, func(n string) bool { return strings.Contains(n, "storefront-public has deletion protection") }) {
		t.Errorf("no note says the controller cannot delete storefront-public: %q", notes)
	}
}
