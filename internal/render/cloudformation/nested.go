package cloudformation

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Limits of one template besides its resources.
const (
	MaxParameters = 200
	MaxOutputs    = 200
)

// layers are the nested stacks a large template is split into, in the
// order they are created.
var layers = []string{"network", "security", "loadbalancing", "services"}

// preferredLayer puts a resource type in its layer; a resource also moves
// up to the layer of anything it refers to, so stacks only ever depend on
// earlier ones.
func preferredLayer(typ string) int {
	switch {
	case strings.HasPrefix(typ, "AWS::EC2::SecurityGroup"):
		return 1
	case strings.HasPrefix(typ, "AWS::ElasticLoadBalancingV2::"), strings.HasPrefix(typ, "AWS::S3::"), typ == "AWS::EC2::VPCEndpointService":
		return 2
	case strings.HasPrefix(typ, "AWS::ServiceDiscovery::"), strings.HasPrefix(typ, "AWS::ECS::"), strings.HasPrefix(typ, "AWS::Route53::"),
		strings.HasPrefix(typ, "AWS::IAM::"), strings.HasPrefix(typ, "AWS::EKS::"), strings.HasPrefix(typ, "AWS::VpcLattice::"):
		return 3
	}
	return 0
}

// generic is a resource as plain JSON values, to rewrite references in.
type generic = map[string]any

func toGeneric(v any) any {
	b, _ := json.Marshal(v)
	var out any
	json.Unmarshal(b, &out)
	return out
}

var subVar = regexp.MustCompile(`\$\{([A-Za-z0-9:]+)(\.[A-Za-z0-9.]+)?\}`)

// refsOf lists the resources a value refers to, with the attribute for
// Fn::GetAtt ("" for Ref).
func refsOf(v any, visit func(res, attr string)) {
	switch t := v.(type) {
	case map[string]any:
		if r, ok := t["Ref"].(string); ok && len(t) == 1 {
			visit(r, "")
			return
		}
		if a, ok := t["Fn::GetAtt"].([]any); ok && len(t) == 1 && len(a) == 2 {
			visit(a[0].(string), a[1].(string))
			return
		}
		if s, ok := t["Fn::Sub"].(string); ok && len(t) == 1 {
			for _, m := range subVar.FindAllStringSubmatch(s, -1) {
				visit(m[1], strings.TrimPrefix(m[2], "."))
			}
			return
		}
		for _, k := range sortedKeys(t) {
			refsOf(t[k], visit)
		}
	case []any:
		for _, e := range t {
			refsOf(e, visit)
		}
	}
}

// rewrite replaces references to resources of other stacks with
// references to parameters, by name.
func rewrite(v any, param func(res, attr string) (string, bool)) any {
	switch t := v.(type) {
	case map[string]any:
		if r, ok := t["Ref"].(string); ok && len(t) == 1 {
			if p, ok := param(r, ""); ok {
				return generic{"Ref": p}
			}
			return t
		}
		if a, ok := t["Fn::GetAtt"].([]any); ok && len(t) == 1 && len(a) == 2 {
			if p, ok := param(a[0].(string), a[1].(string)); ok {
				return generic{"Ref": p}
			}
			return t
		}
		if s, ok := t["Fn::Sub"].(string); ok && len(t) == 1 {
			return generic{"Fn::Sub": subVar.ReplaceAllStringFunc(s, func(m string) string {
				g := subVar.FindStringSubmatch(m)
				if p, ok := param(g[1], strings.TrimPrefix(g[2], ".")); ok {
					return "${" + p + "}"
				}
				return m
			})}
		}
		out := generic{}
		for k, e := range t {
			out[k] = rewrite(e, param)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = rewrite(e, param)
		}
		return out
	}
	return v
}

func crossName(res, attr string) string { return res + strings.ReplaceAll(attr, ".", "") }

// split turns one template into a parent stack and a nested stack per
// layer, passing every value one layer needs from another through the
// parent as outputs and parameters.
func split(f File) ([]File, error) {
	t := f.Template
	ids := sortedKeys(t.Resources)
	res := map[string]generic{}
	deps := map[string][]string{}
	layer := map[string]int{}
	for _, id := range ids {
		r := toGeneric(t.Resources[id]).(map[string]any)
		res[id] = r
		refsOf(r, func(dep, _ string) {
			if _, ok := t.Resources[dep]; ok && dep != id {
				deps[id] = append(deps[id], dep)
			}
		})
		if dd, ok := r["DependsOn"].([]any); ok {
			for _, d := range dd {
				deps[id] = append(deps[id], d.(string))
			}
		}
		layer[id] = preferredLayer(t.Resources[id].Type)
	}
	for changed := true; changed; {
		changed = false
		for _, id := range ids {
			for _, d := range deps[id] {
				if layer[d] > layer[id] {
					layer[id], changed = layer[d], true
				}
			}
		}
	}
	// What each resource takes from outside: other resources' values and
	// the template's parameters, which become a nested stack's parameters.
	needs := map[string][]need{}
	for _, id := range ids {
		refsOf(res[id], func(ref, attr string) {
			if _, ok := t.Parameters[ref]; ok {
				needs[id] = append(needs[id], need{key: ref})
			} else if _, ok := t.Resources[ref]; ok && ref != id {
				needs[id] = append(needs[id], need{res: ref, key: crossName(ref, attr)})
			}
		})
	}
	units := chunk(ids, deps, needs, layer)
	unit := map[string]int{}
	for i, u := range units {
		for _, id := range u.ids {
			unit[id] = i
		}
	}
	children := make([]*Template, len(units))
	for i, u := range units {
		children[i] = &Template{AWSTemplateFormatVersion: t.AWSTemplateFormatVersion, Description: fmt.Sprintf("%s: %s", t.Description, u.name),
			Resources: map[string]Resource{}, Parameters: map[string]Parameter{}, Outputs: map[string]Output{}}
	}
	stackOf := func(i int) string { return logicalID(units[i].name) + "Stack" }
	parent := &Template{AWSTemplateFormatVersion: t.AWSTemplateFormatVersion, Description: t.Description + " (parent stack; nested stacks per layer)",
		Parameters: map[string]Parameter{"TemplateBaseURL": {Type: "String", Description: "S3 URL the nested templates were uploaded to, without a trailing slash"}},
		Resources:  map[string]Resource{}, Outputs: map[string]Output{}}
	for k, p := range t.Parameters {
		parent.Parameters[k] = p
	}
	passed := make([]generic, len(units))
	stackDeps := make([][]string, len(units))
	for i := range passed {
		passed[i] = generic{}
	}
	for _, id := range ids {
		l := unit[id]
		r := rewrite(res[id], func(ref, attr string) (string, bool) {
			if p, ok := t.Parameters[ref]; ok {
				children[l].Parameters[ref] = p
				passed[l][ref] = generic{"Ref": ref}
				return "", false
			}
			src, ok := unit[ref]
			if !ok || src == l {
				return "", false
			}
			name := crossName(ref, attr)
			value := any(generic{"Ref": ref})
			if attr != "" {
				value = generic{"Fn::GetAtt": []any{ref, attr}}
			}
			children[src].Outputs[name] = Output{Description: "for the " + units[l].name + " stack", Value: value}
			children[l].Parameters[name] = Parameter{Type: "String", Description: fmt.Sprintf("%s of %s, from the %s stack", orRef(attr), ref, units[src].name)}
			passed[l][name] = generic{"Fn::GetAtt": []any{stackOf(src), "Outputs." + name}}
			return name, true
		}).(map[string]any)
		var keep []string
		if dd, ok := r["DependsOn"].([]any); ok {
			for _, d := range dd {
				if unit[d.(string)] == l {
					keep = append(keep, d.(string))
				} else if !slices.Contains(stackDeps[l], stackOf(unit[d.(string)])) {
					stackDeps[l] = append(stackDeps[l], stackOf(unit[d.(string)]))
				}
			}
		}
		children[l].Resources[id] = Resource{Type: r["Type"].(string), Properties: r["Properties"], DependsOn: keep, Metadata: r["Metadata"], Comments: t.Resources[id].Comments}
	}
	for name, o := range t.Outputs {
		var owner string
		refsOf(toGeneric(o.Value), func(r, _ string) {
			if _, ok := layer[r]; ok {
				owner = r
			}
		})
		if owner == "" {
			parent.Outputs[name] = o
			continue
		}
		l := unit[owner]
		children[l].Outputs[name] = Output{Description: o.Description, Value: o.Value}
		parent.Outputs[name] = Output{Description: o.Description, Value: generic{"Fn::GetAtt": []any{stackOf(l), "Outputs." + name}}, Export: o.Export}
	}
	var out []File
	for i, c := range children {
		if len(c.Resources) == 0 {
			continue
		}
		for _, lim := range []struct {
			what   string
			n, max int
		}{{"resources", len(c.Resources), MaxResources}, {"parameters", len(c.Parameters), MaxParameters}, {"outputs", len(c.Outputs), MaxOutputs}} {
			if lim.n > lim.max {
				return nil, fmt.Errorf("the %s stack of %s needs %d %s, past CloudFormation's %d per template; split the application into several specs", units[i].name, f.Name, lim.n, lim.what, lim.max)
			}
		}
		name := f.Name + "-" + units[i].name
		parent.Resources[stackOf(i)] = Resource{Type: "AWS::CloudFormation::Stack", DependsOn: stackDeps[i],
			Properties: generic{"TemplateURL": generic{"Fn::Sub": "${TemplateBaseURL}/" + name + ".template.json"}, "Parameters": passed[i]}}
		out = append(out, File{Name: name, Region: f.Region, Stage: f.Stage, Template: c, Nested: true})
	}
	for i := range children {
		if len(children[i].Parameters) == 0 {
			children[i].Parameters = nil
		}
		if len(children[i].Outputs) == 0 {
			children[i].Outputs = nil
		}
	}
	return append([]File{{Name: f.Name, Region: f.Region, Stage: f.Stage, Template: parent}}, out...), nil
}

func orRef(attr string) string {
	if attr == "" {
		return "ID"
	}
	return attr
}

// need is one value a resource takes: another resource's (res set) or a
// template parameter (res empty), by the name it would be passed under.
type need struct{ res, key string }

// unitOf is one nested stack: a layer, or a part of one.
type unitOf struct {
	name string
	ids  []string
}

// Room left under CloudFormation's per-template limits for each nested
// stack, so the outputs and parameters the split adds still fit.
const (
	chunkResources  = 400
	chunkParameters = 150
)

// chunk cuts each layer into stacks of at most chunkResources resources
// and chunkParameters values from elsewhere, in dependency order (each
// resource after what it refers to, ties by logical ID, which keeps a
// security group with its rules), so a stack only takes values from
// earlier ones.
func chunk(ids []string, deps map[string][]string, needs map[string][]need, layer map[string]int) []unitOf {
	var units []unitOf
	for l := range layers {
		var in []string
		for _, id := range ids {
			if layer[id] == l {
				in = append(in, id)
			}
		}
		order := topological(in, deps)
		var parts []unitOf
		cur := unitOf{}
		own := map[string]bool{}
		external := map[string]bool{}
		outside := func(id string) map[string]bool {
			extra := map[string]bool{}
			for _, n := range needs[id] {
				if (n.res == "" || !own[n.res]) && !external[n.key] {
					extra[n.key] = true
				}
			}
			return extra
		}
		for _, id := range order {
			extra := outside(id)
			if len(cur.ids) >= chunkResources || len(cur.ids) > 0 && len(external)+len(extra) > chunkParameters {
				parts = append(parts, cur)
				cur, own, external = unitOf{}, map[string]bool{}, map[string]bool{}
				extra = outside(id)
			}
			cur.ids = append(cur.ids, id)
			own[id] = true
			for k := range extra {
				external[k] = true
			}
		}
		if len(cur.ids) > 0 {
			parts = append(parts, cur)
		}
		for i := range parts {
			parts[i].name = layers[l]
			if len(parts) > 1 {
				parts[i].name = fmt.Sprintf("%s-%d", layers[l], i+1)
			}
		}
		units = append(units, parts...)
	}
	return units
}

// topological orders ids so each comes after the ids it depends on among
// them, breaking ties by ID.
func topological(ids []string, deps map[string][]string) []string {
	inSet := map[string]bool{}
	for _, id := range ids {
		inSet[id] = true
	}
	indeg := map[string]int{}
	users := map[string][]string{}
	for _, id := range ids {
		for _, d := range slices.Compact(slices.Sorted(slices.Values(deps[id]))) {
			if inSet[d] && d != id {
				indeg[id]++
				users[d] = append(users[d], id)
			}
		}
	}
	var ready, out []string
	for _, id := range ids {
		if indeg[id] == 0 {
			ready = append(ready, id)
		}
	}
	for len(ready) > 0 {
		slices.Sort(ready)
		id := ready[0]
		ready = ready[1:]
		out = append(out, id)
		for _, u := range users[id] {
			if indeg[u]--; indeg[u] == 0 {
				ready = append(ready, u)
			}
		}
	}
	return out
}
