package cloudformation

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/netwright/netwright/internal/golden"
	"github.com/netwright/netwright/internal/plan"
	"github.com/netwright/netwright/internal/plan/plantest"
	"github.com/netwright/netwright/internal/spec"
	"github.com/netwright/netwright/internal/specgen"
)

var (
	cfnspec = flag.String("cfnspec", "", "path to the full CloudFormation resource specification, to refresh testdata/cfn-spec.json (see scripts/refresh-cfn-spec.sh)")
)

// examples renders every example's templates, and those of the Lattice
// and Global Accelerator specs.
func examples(t *testing.T) map[string]File {
	t.Helper()
	designs := plantest.Examples(t, "../../../examples")
	designs["lattice"] = plantest.Design(t, "lattice.yaml", []byte(plantest.LatticeSpec))
	designs["accelerator"] = plantest.Design(t, "accelerator.yaml", []byte(plantest.AcceleratorSpec))
	designs["eks"] = plantest.Design(t, "eks.yaml", []byte(plantest.EKSSpec))
	designs["cloudmap"] = plantest.Design(t, "cloudmap.yaml", []byte(plantest.CloudMapSpec))
	designs["secondary"] = plantest.Design(t, "big.yaml", []byte(plantest.SecondaryBlocksSpec))
	out := map[string]File{}
	for _, d := range designs {
		rendered, _, err := Build(d)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rendered {
			out[r.Name] = r
		}
	}
	// eks-storefront with the AWS Load Balancer Controller owning its
	// ALBs: the same app and Region, so its templates get a prefix.
	rendered, _, err := Build(plantest.File(t, "../../../testdata/specs/eks-storefront-ingress.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rendered {
		out["ingress-"+r.Name] = r
	}
	return out
}

func TestGoldenTemplates(t *testing.T) {
	for name, f := range examples(t) {
		t.Run(name, func(t *testing.T) {
			got, err := f.Template.YAML()
			if err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("testdata", name+".yaml"), got)
		})
	}
}

// The part of AWS's CloudFormation resource specification the tests use.
type specification struct {
	ResourceTypes map[string]typeSpec `json:"ResourceTypes"`
	PropertyTypes map[string]typeSpec `json:"PropertyTypes"`
}

type typeSpec struct {
	Properties map[string]propSpec `json:"Properties"`
	Attributes map[string]any      `json:"Attributes,omitempty"`
}

type propSpec struct {
	PrimitiveType     string `json:"PrimitiveType,omitempty"`
	Type              string `json:"Type,omitempty"`
	ItemType          string `json:"ItemType,omitempty"`
	PrimitiveItemType string `json:"PrimitiveItemType,omitempty"`
	Required          bool   `json:"Required,omitempty"`
}

func readSpec(t *testing.T, path string) *specification {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var s specification
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	return &s
}

// loadSpec reads the specification subset and merges in the properties
// AWS added after the last published specification (cfn-spec-additions.json).
func loadSpec(t *testing.T, path string) *specification {
	t.Helper()
	s := readSpec(t, path)
	add := readSpec(t, "testdata/cfn-spec-additions.json")
	for _, m := range []struct{ dst, src map[string]typeSpec }{{s.ResourceTypes, add.ResourceTypes}, {s.PropertyTypes, add.PropertyTypes}} {
		for name, ts := range m.src {
			cur := m.dst[name]
			if cur.Properties == nil {
				cur.Properties = map[string]propSpec{}
			}
			for k, p := range ts.Properties {
				cur.Properties[k] = p
			}
			for k, a := range ts.Attributes {
				if cur.Attributes == nil {
					cur.Attributes = map[string]any{}
				}
				cur.Attributes[k] = a
			}
			m.dst[name] = cur
		}
	}
	return s
}

// validator checks a template against the specification.
type validator struct {
	spec *specification
	tmpl map[string]any
	errs []string
}

func (v *validator) bad(format string, args ...any) {
	v.errs = append(v.errs, fmt.Sprintf(format, args...))
}

var pseudo = map[string]bool{"AWS::Region": true, "AWS::AccountId": true, "AWS::StackName": true, "AWS::Partition": true, "AWS::URLSuffix": true, "AWS::NoValue": true}

var subVarRE = regexp.MustCompile(`\$\{([^}!]+)\}`)

func (v *validator) resources() map[string]any { return v.tmpl["Resources"].(map[string]any) }

func (v *validator) exists(name string) bool {
	if pseudo[name] {
		return true
	}
	if _, ok := v.resources()[name]; ok {
		return true
	}
	params, _ := v.tmpl["Parameters"].(map[string]any)
	_, ok := params[name]
	return ok
}

// intrinsic checks an intrinsic function's targets and reports whether
// x was one.
func (v *validator) intrinsic(where string, x any) bool {
	m, ok := x.(map[string]any)
	if !ok || len(m) != 1 {
		return false
	}
	for k, arg := range m {
		switch k {
		case "Ref":
			if name, _ := arg.(string); !v.exists(name) {
				v.bad("%s: Ref to %v, which is not a resource or parameter", where, arg)
			}
		case "Fn::GetAtt":
			a, _ := arg.([]any)
			if len(a) != 2 {
				v.bad("%s: Fn::GetAtt takes [resource, attribute]", where)
				return true
			}
			res, _ := v.resources()[a[0].(string)].(map[string]any)
			if res == nil {
				v.bad("%s: Fn::GetAtt on %v, which does not exist", where, a[0])
				return true
			}
			ts := v.spec.ResourceTypes[res["Type"].(string)]
			// A nested stack's attributes are its outputs: Outputs.<name>.
			nested := res["Type"] == "AWS::CloudFormation::Stack" && strings.HasPrefix(a[1].(string), "Outputs.")
			if _, ok := ts.Attributes[a[1].(string)]; !ok && !nested {
				v.bad("%s: %v has no attribute %v", where, res["Type"], a[1])
			}
		case "Fn::Sub":
			s, _ := arg.(string)
			for _, m := range subVarRE.FindAllStringSubmatch(s, -1) {
				name, _, _ := strings.Cut(m[1], ".")
				if !v.exists(name) {
					v.bad("%s: Fn::Sub names ${%s}, which is not a resource or parameter", where, m[1])
				}
			}
		case "Fn::Select", "Fn::GetAZs", "Fn::Join", "Fn::ImportValue":
			v.walkIntrinsics(where, arg)
		default:
			return false
		}
	}
	return true
}

func (v *validator) walkIntrinsics(where string, x any) {
	switch t := x.(type) {
	case []any:
		for _, e := range t {
			if !v.intrinsic(where, e) {
				v.walkIntrinsics(where, e)
			}
		}
	case map[string]any:
		if !v.intrinsic(where, t) {
			for _, e := range t {
				v.walkIntrinsics(where, e)
			}
		}
	}
}

func (v *validator) value(where string, x any, p propSpec, owner string) {
	if v.intrinsic(where, x) {
		return
	}
	switch {
	case p.PrimitiveType != "":
		v.primitive(where, x, p.PrimitiveType)
	case p.Type == "List":
		list, ok := x.([]any)
		if !ok {
			v.bad("%s: want a list, got %T", where, x)
			return
		}
		for i, e := range list {
			w := fmt.Sprintf("%s[%d]", where, i)
			if p.PrimitiveItemType != "" {
				if !v.intrinsic(w, e) {
					v.primitive(w, e, p.PrimitiveItemType)
				}
			} else {
				v.object(w, e, owner, p.ItemType)
			}
		}
	case p.Type == "Map":
		if _, ok := x.(map[string]any); !ok {
			v.bad("%s: want a map, got %T", where, x)
		}
	default:
		v.object(where, x, owner, p.Type)
	}
}

func (v *validator) primitive(where string, x any, typ string) {
	switch typ {
	case "String":
		if _, ok := x.(string); !ok {
			v.bad("%s: want a string, got %T", where, x)
		}
	case "Integer", "Long", "Double":
		if _, ok := x.(float64); !ok {
			v.bad("%s: want a number, got %T", where, x)
		}
	case "Boolean":
		if _, ok := x.(bool); !ok {
			v.bad("%s: want a boolean, got %T", where, x)
		}
	}
}

// object checks a property-type object: "Tag" is global, others are named
// "<resource type>.<name>".
func (v *validator) object(where string, x any, owner, name string) {
	key := owner + "." + name
	if name == "Tag" {
		key = "Tag"
	}
	ts, ok := v.spec.PropertyTypes[key]
	if !ok {
		v.bad("%s: the specification has no property type %s", where, key)
		return
	}
	v.properties(where, x, ts, owner)
}

func (v *validator) properties(where string, x any, ts typeSpec, owner string) {
	m, ok := x.(map[string]any)
	if !ok {
		v.bad("%s: want an object, got %T", where, x)
		return
	}
	for k, val := range m {
		p, ok := ts.Properties[k]
		if !ok {
			v.bad("%s: unknown property %s", where, k)
			continue
		}
		v.value(where+"."+k, val, p, owner)
	}
	for k, p := range ts.Properties {
		if _, ok := m[k]; p.Required && !ok {
			v.bad("%s: required property %s is missing", where, k)
		}
	}
}

func validate(s *specification, templateJSON []byte) []string {
	var tmpl map[string]any
	if err := json.Unmarshal(templateJSON, &tmpl); err != nil {
		return []string{err.Error()}
	}
	v := &validator{spec: s, tmpl: tmpl}
	for _, id := range sortedKeys(v.resources()) {
		res := v.resources()[id].(map[string]any)
		typ, _ := res["Type"].(string)
		ts, ok := s.ResourceTypes[typ]
		if !ok {
			v.bad("%s: unknown resource type %s", id, typ)
			continue
		}
		v.properties(id, res["Properties"], ts, typ)
		deps, _ := res["DependsOn"].([]any)
		for _, d := range deps {
			if _, ok := v.resources()[d.(string)]; !ok {
				v.bad("%s: DependsOn %v, which does not exist", id, d)
			}
		}
	}
	outputs, _ := tmpl["Outputs"].(map[string]any)
	for id, o := range outputs {
		v.walkIntrinsics("Outputs."+id, o)
	}
	return v.errs
}

// TestTemplatesMatchResourceSpecification checks every example's templates
// against AWS's published specification: each resource type exists, each
// property is known with the right shape, required properties are there,
// and every Ref, Fn::GetAtt and Fn::Sub target exists.
func TestTemplatesMatchResourceSpecification(t *testing.T) {
	s := loadSpec(t, "testdata/cfn-spec.json")
	for name, f := range examples(t) {
		b, err := f.Template.JSON()
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range validate(s, b) {
			t.Errorf("%s: %s", name, e)
		}
	}
}

// TestValidatorCatchesBrokenTemplates proves the check can fail.
func TestValidatorCatchesBrokenTemplates(t *testing.T) {
	s := loadSpec(t, "testdata/cfn-spec.json")
	f := examples(t)["webapp-us-east-1"]
	good, _ := f.Template.JSON()
	breaks := map[string]func(m map[string]any){
		"unknown property": func(m map[string]any) { res(m, "VpcWebapp")["Properties"].(map[string]any)["CidrBlok"] = "10.0.0.0/16" },
		"wrong shape":      func(m map[string]any) { res(m, "VpcWebapp")["Properties"].(map[string]any)["EnableDnsSupport"] = "yes" },
		"missing required": func(m map[string]any) { delete(res(m, "SubnetWebappAppA")["Properties"].(map[string]any), "VpcId") },
		"dangling Ref": func(m map[string]any) {
			res(m, "SubnetWebappAppA")["Properties"].(map[string]any)["VpcId"] = map[string]any{"Ref": "VpcGone"}
		},
		"unknown type": func(m map[string]any) { res(m, "VpcWebapp")["Type"] = "AWS::EC2::VPCC" },
		"bad attribute": func(m map[string]any) {
			res(m, "NatWebappA")["Properties"].(map[string]any)["AllocationId"] = map[string]any{"Fn::GetAtt": []any{"NatWebappAEIP", "Nope"}}
		},
	}
	for name, breakIt := range breaks {
		var m map[string]any
		json.Unmarshal(good, &m)
		breakIt(m)
		b, _ := json.Marshal(m)
		if errs := validate(s, b); len(errs) == 0 {
			t.Errorf("%s: the broken template passed", name)
		}
	}
}

func res(m map[string]any, id string) map[string]any {
	return m["Resources"].(map[string]any)[id].(map[string]any)
}

// TestRefreshSpec rewrites testdata/cfn-spec.json from the full
// specification, keeping the resource types the templates use and every
// property type they reach. scripts/refresh-cfn-spec.sh runs it.
func TestRefreshSpec(t *testing.T) {
	if *cfnspec == "" {
		t.Skip("give -cfnspec to refresh testdata/cfn-spec.json")
	}
	full := readSpec(t, *cfnspec)
	sub := specification{ResourceTypes: map[string]typeSpec{}, PropertyTypes: map[string]typeSpec{}}
	var reach func(owner string, ts typeSpec)
	reach = func(owner string, ts typeSpec) {
		for _, p := range ts.Properties {
			name := p.ItemType
			if name == "" && p.Type != "List" && p.Type != "Map" {
				name = p.Type
			}
			if name == "" {
				continue
			}
			key := owner + "." + name
			if name == "Tag" {
				key = "Tag"
			}
			if _, done := sub.PropertyTypes[key]; done {
				continue
			}
			if pt, ok := full.PropertyTypes[key]; ok {
				sub.PropertyTypes[key] = pt
				reach(owner, pt)
			}
		}
	}
	// The parent of a split template is made of nested stacks.
	used := []string{"AWS::CloudFormation::Stack"}
	for _, f := range examples(t) {
		for _, r := range f.Template.Resources {
			if !slices.Contains(used, r.Type) {
				used = append(used, r.Type)
			}
		}
	}
	added := readSpec(t, "testdata/cfn-spec-additions.json")
	for _, typ := range used {
		ts, ok := full.ResourceTypes[typ]
		if _, newer := added.ResourceTypes[typ]; !ok && newer {
			continue // newer than the specification: cfn-spec-additions.json has it whole
		}
		if !ok {
			t.Fatalf("%s is not in the specification", typ)
		}
		sub.ResourceTypes[typ] = ts
		reach(typ, ts)
	}
	b, err := json.MarshalIndent(sub, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile("testdata/cfn-spec.json", append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestLargeDesignSplitsIntoNestedStacks renders a generated design too
// large for one template and checks the parent and each layer stack fit
// CloudFormation's limits, match the specification, and pass every value
// they share through outputs and parameters that exist.
func TestLargeDesignSplitsIntoNestedStacks(t *testing.T) {
	s, ds := spec.Parse("big.yaml", specgen.Spec(specgen.Options{Services: 150, Dependencies: 300}))
	if s == nil {
		t.Fatal(ds)
	}
	d, ds := plan.Build(s)
	if d == nil {
		t.Fatal(ds)
	}
	files, notes, err := Build(d)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 3 || files[0].Nested || !files[1].Nested {
		t.Fatalf("got %d files; want a parent and nested layer stacks", len(files))
	}
	if !strings.Contains(strings.Join(notes, " "), "nested stacks per layer") {
		t.Errorf("notes do not explain the split: %v", notes)
	}
	sp := loadSpec(t, "testdata/cfn-spec.json")
	byName := map[string]*Template{}
	for _, f := range files {
		byName[f.Name] = f.Template
		b, _ := f.Template.JSON()
		if len(f.Template.Resources) > MaxResources || len(f.Template.Parameters) > MaxParameters || len(f.Template.Outputs) > MaxOutputs || len(b) > MaxTemplateBytes {
			t.Errorf("%s passes a limit: %d resources, %d parameters, %d outputs, %d bytes", f.Name, len(f.Template.Resources), len(f.Template.Parameters), len(f.Template.Outputs), len(b))
		}
		for _, e := range validate(sp, b) {
			t.Errorf("%s: %s", f.Name, e)
		}
	}
	parent := files[0].Template
	for id, r := range parent.Resources {
		props := r.Properties.(map[string]any)
		url := props["TemplateURL"].(map[string]any)["Fn::Sub"].(string)
		child := byName[strings.TrimSuffix(strings.TrimPrefix(url, "${TemplateBaseURL}/"), ".template.json")]
		if child == nil {
			t.Fatalf("%s points at %s, which was not written", id, url)
		}
		given := props["Parameters"].(map[string]any)
		for p := range child.Parameters {
			v, ok := given[p]
			if !ok {
				t.Errorf("%s does not pass parameter %s", id, p)
				continue
			}
			if ga, ok := v.(map[string]any)["Fn::GetAtt"].([]any); ok {
				producer := parent.Resources[ga[0].(string)].Properties.(map[string]any)["TemplateURL"].(map[string]any)["Fn::Sub"].(string)
				out := strings.TrimPrefix(ga[1].(string), "Outputs.")
				if _, ok := byName[strings.TrimSuffix(strings.TrimPrefix(producer, "${TemplateBaseURL}/"), ".template.json")].Outputs[out]; !ok {
					t.Errorf("%s takes %s from %s, which has no such output", id, p, ga[0])
				}
			}
		}
	}
}

// TestAcceleratorStackTakesRegionalOutputs checks the Global Accelerator's
// template is deployed in us-west-2 and that each load balancer ARN it
// asks for is an output, of the same name, of the Regional stack of the
// endpoint group's Region, which outputs the load balancer itself.
func TestAcceleratorStackTakesRegionalOutputs(t *testing.T) {
	files := examples(t)
	global, ok := files["edge-global"]
	if !ok {
		t.Fatal("no edge-global template")
	}
	if global.Region != AcceleratorRegion {
		t.Errorf("the accelerator's template is for %s, want %s", global.Region, AcceleratorRegion)
	}
	arns := 0
	for id, r := range global.Template.Resources {
		g, ok := r.Properties.(gaEndpointGroup)
		if !ok {
			continue
		}
		regional, ok := files["edge-"+g.EndpointGroupRegion]
		if !ok {
			t.Fatalf("%s: no stack for %s", id, g.EndpointGroupRegion)
		}
		for _, e := range g.EndpointConfigurations {
			p := e.EndpointId.(map[string]any)["Ref"].(string)
			if _, ok := global.Template.Parameters[p]; !ok {
				t.Errorf("%s: endpoint %s is not a parameter", id, p)
			}
			out, ok := regional.Template.Outputs[p]
			if !ok {
				t.Errorf("%s: the %s stack has no output %s", id, g.EndpointGroupRegion, p)
				continue
			}
			lb := out.Value.(map[string]any)["Ref"].(string)
			if regional.Template.Resources[lb].Type != "AWS::ElasticLoadBalancingV2::LoadBalancer" {
				t.Errorf("%s: output %s is %s, not a load balancer", id, p, lb)
			}
			arns++
		}
	}
	if arns != 4 { // two listeners (80, 443) times two Regions
		t.Errorf("%d endpoints, want 4", arns)
	}
}
