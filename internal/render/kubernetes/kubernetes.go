// Package kubernetes writes the cluster half of an EKS design as
// Kubernetes manifests, ready for kustomize: per service its
// ServiceAccount, Service, NetworkPolicy, SecurityGroupPolicy (Security
// Groups for Pods), TargetGroupBindings (AWS Load Balancer Controller),
// and for services VPC Lattice fronts their HTTPRoute or GRPCRoute,
// TargetGroupPolicy and IAMAuthPolicy (AWS Gateway API Controller);
// shared objects (the namespace, default-deny, the Lattice Gateway); and
// optionally Deployment skeletons. Values AWS assigns at creation (target group ARNs,
// security group IDs, role ARNs) come from the stack's outputs
// (design.ClusterOutputs) through stack-outputs.env and kustomize
// replacements.
//
// It reads only the design. It does not write the cluster itself, its node
// groups or add-ons, nor the managed data stores.
package kubernetes

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/netwright/netwright/internal/design"
)

// Options chooses the optional objects.
type Options struct {
	// Workloads adds a Deployment skeleton per service.
	Workloads bool
	// Ingress writes the Ingresses the AWS Load Balancer Controller makes
	// the design's ALBs from, for a design that gives them to it
	// (network.alb_owner controller); it is an error otherwise, and so is
	// its absence for such a design.
	Ingress bool
}

// File names besides one per service (a DNS label, so never these).
const (
	SharedFile        = "_shared.yaml"
	KustomizationFile = "kustomization.yaml"
	OutputsFile       = "stack-outputs.env"
	outputsConfigMap  = "netwright-stack-outputs"
)

// Labels and annotations netwright writes.
const (
	annotationRules = "netwright.dev/rules"
	annotationImage = "netwright.dev/image-contract"
	labelManagedBy  = "app.kubernetes.io/managed-by"
)

// ErrNotKubernetes is returned for a design that does not run on EKS.
var ErrNotKubernetes = errors.New("the design has no Kubernetes side: set network.compute to eks")

// ErrSeveralClusters is returned for a design whose pods run in more than
// one Region: the export writes one cluster's manifests.
var ErrSeveralClusters = errors.New("the Kubernetes export writes one cluster's manifests")

// workloadRegions are the Regions the workloads' pods run in, sorted.
func workloadRegions(d *design.Design) []string {
	var out []string
	for _, w := range d.Kubernetes.Workloads {
		s := d.Service(w.Service)
		if s == nil {
			continue
		}
		for _, pl := range s.Placements {
			if v := d.VPC(pl.VPC); v != nil && !slices.Contains(out, v.Region) {
				out = append(out, v.Region)
			}
		}
	}
	slices.Sort(out)
	return out
}

// placeholder is how a manifest names a stack output until kustomize
// replaces it (envsubst reads the same form).
func placeholder(o design.StackOutput) string { return "${" + o.CloudFormationName() + "}" }

// replacement is one kustomize replacement: a stack output into a field.
type replacement struct {
	output    design.StackOutput
	kind      string
	name      string
	fieldPath string
	// delimiter and index replace one part of a string field.
	delimiter string
	index     int
}

// renderer collects the objects of each file.
type renderer struct {
	d     *design.Design
	k     *design.Kubernetes
	o     Options
	files map[string][]any
	repl  []replacement
	notes []string
	errs  []error
}

// Render writes the design's Kubernetes manifests: file name to contents,
// and notes on what the manifests leave to the user.
func Render(d *design.Design, o Options) (map[string][]byte, []string, error) {
	if d.Kubernetes == nil {
		return nil, nil, ErrNotKubernetes
	}
	if regions := workloadRegions(d); len(regions) > 1 {
		return nil, nil, fmt.Errorf("%w: the pods run in %s, a cluster in each, and each cluster's manifests need its own Region's target groups, security groups and roles", ErrSeveralClusters, strings.Join(regions, " and "))
	}
	switch albs := d.ControllerALBs(); {
	case o.Ingress && len(albs) == 0:
		return nil, nil, ErrStackOwnsALBs
	case !o.Ingress && len(albs) > 0:
		return nil, nil, fmt.Errorf("%w (%s)", ErrIngressNeeded, strings.Join(albs, ", "))
	}
	r := &renderer{d: d, k: d.Kubernetes, o: o, files: map[string][]any{}}
	for _, n := range d.Notes {
		if n.Topic == "kubernetes" {
			r.note(n.Text) // the planner's word on the cluster's half
		}
	}
	r.shared()
	for _, w := range r.k.Workloads {
		r.workload(w)
	}
	r.lattice()
	if o.Ingress {
		r.ingresses()
		r.note(fmt.Sprintf("%s holds the Ingresses the AWS Load Balancer Controller (v2.4.3 or later, with the IngressClass %s its chart makes) makes the ALBs %s from, with their listeners, rules in the designed order, and a target group per Service: deploy the stack first, since they take its security groups, subnets, certificate and access-log bucket from %s; the ALB's DNS name is then each Ingress's status.loadBalancer.ingress[0].hostname.", IngressFile, albIngressClass, strings.Join(d.ControllerALBs(), ", "), OutputsFile))
	}
	r.egressNames()
	if err := errors.Join(r.errs...); err != nil {
		return nil, nil, err
	}
	out := map[string][]byte{}
	var resources []string
	names := make([]string, 0, len(r.files))
	for n := range r.files {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		b, err := documents(r.files[n])
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", n, err)
		}
		out[n] = b
		resources = append(resources, n)
	}
	k, err := r.kustomization(resources)
	if err != nil {
		return nil, nil, err
	}
	out[KustomizationFile] = k
	out[OutputsFile] = r.outputsEnv()
	return out, r.notes, nil
}

// meta is an object's metadata in the app's namespace.
func (r *renderer) meta(name string, labels map[string]string) metav1.ObjectMeta {
	l := map[string]string{labelManagedBy: "netwright", "app.kubernetes.io/part-of": r.d.App}
	for k, v := range labels {
		l[k] = v
	}
	return metav1.ObjectMeta{Name: name, Namespace: r.k.Namespace, Labels: l}
}

// add appends an object to a file.
func (r *renderer) add(file string, obj any) { r.files[file] = append(r.files[file], obj) }

// labels returns a workload's pod labels as a map.
func labels(kv []design.KeyValue) map[string]string {
	m := map[string]string{}
	for _, l := range kv {
		m[l.Key] = l.Value
	}
	return m
}

// documents writes objects as one YAML stream: each object's JSON form
// (without status and empty creation timestamps), keys sorted.
func documents(objs []any) ([]byte, error) {
	var b strings.Builder
	for i, o := range objs {
		j, err := json.Marshal(o)
		if err != nil {
			return nil, err
		}
		var m map[string]any
		if err := json.Unmarshal(j, &m); err != nil {
			return nil, err
		}
		delete(m, "status")
		if md, ok := m["metadata"].(map[string]any); ok {
			if md["creationTimestamp"] == nil {
				delete(md, "creationTimestamp")
			}
		}
		prune(m)
		y, err := yaml.Marshal(m)
		if err != nil {
			return nil, err
		}
		if i > 0 {
			b.WriteString("---\n")
		}
		b.Write(y)
	}
	return []byte(b.String()), nil
}

// keepEmpty are the keys whose empty object means something: a selector
// of every pod, a volume of the emptyDir type.
var keepEmpty = map[string]bool{"podSelector": true, "matchLabels": true, "emptyDir": true}

// prune drops the empty objects the API types leave behind
// (template.metadata.creationTimestamp, resources: {}, strategy fields).
func prune(v any) bool {
	switch t := v.(type) {
	case map[string]any:
		for k, c := range t {
			if c == nil {
				delete(t, k)
				continue
			}
			if prune(c) && !keepEmpty[k] {
				delete(t, k)
			}
		}
		return len(t) == 0
	case []any:
		for _, c := range t {
			prune(c)
		}
	}
	return false
}

// kustomization lists the files and sets each stack output into the
// fields that need it, from a ConfigMap made of stack-outputs.env.
func (r *renderer) kustomization(resources []string) ([]byte, error) {
	type selector struct {
		Kind string `json:"kind"`
		Name string `json:"name"`
	}
	type options struct {
		Delimiter string `json:"delimiter,omitempty"`
		Index     int    `json:"index,omitempty"`
	}
	type target struct {
		Select     selector `json:"select"`
		FieldPaths []string `json:"fieldPaths"`
		Options    *options `json:"options,omitempty"`
	}
	type source struct {
		Kind      string `json:"kind"`
		Name      string `json:"name"`
		FieldPath string `json:"fieldPath"`
	}
	type repl struct {
		Source  source   `json:"source"`
		Targets []target `json:"targets"`
	}
	type generator struct {
		Name    string            `json:"name"`
		Envs    []string          `json:"envs"`
		Options map[string]any    `json:"options"`
		Labels  map[string]string `json:"-"`
	}
	k := struct {
		APIVersion         string      `json:"apiVersion"`
		Kind               string      `json:"kind"`
		Namespace          string      `json:"namespace"`
		Resources          []string    `json:"resources"`
		ConfigMapGenerator []generator `json:"configMapGenerator,omitempty"`
		Replacements       []repl      `json:"replacements,omitempty"`
	}{APIVersion: "kustomize.config.k8s.io/v1beta1", Kind: "Kustomization", Namespace: r.k.Namespace, Resources: resources}
	if len(r.repl) > 0 {
		k.ConfigMapGenerator = []generator{{Name: outputsConfigMap, Envs: []string{OutputsFile}, Options: map[string]any{"disableNameSuffixHash": true}}}
	}
	var order []design.StackOutput
	bySource := map[string][]target{}
	for _, rp := range r.repl {
		key := rp.output.CloudFormationName()
		if _, ok := bySource[key]; !ok {
			order = append(order, rp.output)
		}
		t := target{Select: selector{Kind: rp.kind, Name: rp.name}, FieldPaths: []string{rp.fieldPath}}
		if rp.delimiter != "" {
			t.Options = &options{Delimiter: rp.delimiter, Index: rp.index}
		}
		bySource[key] = append(bySource[key], t)
	}
	for _, o := range order {
		key := o.CloudFormationName()
		k.Replacements = append(k.Replacements, repl{Source: source{Kind: "ConfigMap", Name: outputsConfigMap, FieldPath: "data." + key}, Targets: bySource[key]})
	}
	return yaml.Marshal(k)
}

// outputsEnv is the file the user fills with the stack's outputs: a line
// per value the manifests need, named as the CloudFormation output (the
// Terraform output is the same name in snake case, given in the comment).
func (r *renderer) outputsEnv() []byte {
	var b strings.Builder
	b.WriteString("# The values the manifests take from the network's stack, one per line.\n")
	b.WriteString("# From CloudFormation: aws cloudformation describe-stacks --stack-name STACK \\\n")
	b.WriteString("#   --query 'Stacks[0].Outputs[].[OutputKey,OutputValue]' --output text | tr '\\t' '='\n")
	b.WriteString("# From Terraform: terraform output -raw <the name in brackets>.\n")
	b.WriteString("# Set every value: kustomize build does not check them, and one left empty\n")
	b.WriteString("# becomes an empty ARN or ID the controllers refuse.\n")
	seen := map[string]bool{}
	for _, o := range r.d.ClusterOutputs() {
		if !r.used(o) || seen[o.CloudFormationName()] {
			continue
		}
		seen[o.CloudFormationName()] = true
		fmt.Fprintf(&b, "\n# %s (%s)\n%s=\n", o.Description, o.TerraformName(), o.CloudFormationName())
	}
	return []byte(b.String())
}

// used reports whether a manifest takes the output.
func (r *renderer) used(o design.StackOutput) bool {
	return slices.ContainsFunc(r.repl, func(rp replacement) bool {
		return rp.output.Object == o.Object && rp.output.Attribute == o.Attribute
	})
}

// output returns the stack output for an object's attribute. Every value
// a manifest takes must be one of design.ClusterOutputs, which the stacks
// output; anything else is an error of the design.
func (r *renderer) output(object, attribute string) design.StackOutput {
	for _, o := range r.d.ClusterOutputs() {
		if o.Object == object && o.Attribute == attribute {
			return o
		}
	}
	r.errs = append(r.errs, fmt.Errorf("%s %s is not an output of the stack", object, attribute))
	return design.StackOutput{Object: object, Attribute: attribute}
}

// egressNames notes each declared internet destination given by name: a
// NetworkPolicy holds addresses, so the pod may reach any address
// outside the VPCs on that port, as its security group does.
func (r *renderer) egressNames() {
	for _, f := range r.d.Flows {
		if f.Kind != design.FlowEgress {
			continue
		}
		if _, err := netip.ParsePrefix(f.Destination); err == nil {
			continue
		}
		r.note(fmt.Sprintf("%s: %s is a name, which a NetworkPolicy cannot hold; its policy admits any address outside the VPCs on %s %d, as its security group does.", f.From, f.Destination, f.Transport, f.Port))
	}
}
