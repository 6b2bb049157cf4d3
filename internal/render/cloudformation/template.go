// Package cloudformation renders a design as AWS CloudFormation templates,
// one per Region plus one per Transit Gateway peering stage of the
// design's deployment, built from typed Go structures and written as JSON
// and YAML, with a deployment guide (Readme) giving the order. Logical IDs
// derive from design IDs, so a changed spec gives a reviewable diff. It
// reads only the design.
//
// What one stack cannot hold is passed in as parameters: IDs earlier
// stacks output (peer Transit Gateways, peering attachments, route
// tables), and what the user gives (the S3 prefix list, images, the
// certificate); what the templates leave out is listed in Notes. App Mesh
// resources are never emitted: the service is gone.
package cloudformation

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"go.yaml.in/yaml/v3"
)

// MaxResources and MaxTemplateBytes are CloudFormation's limits per
// template.
const (
	MaxResources     = 500
	MaxTemplateBytes = 1 << 20
)

// Template is one CloudFormation template.
type Template struct {
	AWSTemplateFormatVersion string               `json:"AWSTemplateFormatVersion"`
	Description              string               `json:"Description"`
	Parameters               map[string]Parameter `json:"Parameters,omitempty"`
	Resources                map[string]Resource  `json:"Resources"`
	Outputs                  map[string]Output    `json:"Outputs,omitempty"`
}

// Parameter is a value the user supplies when creating the stack.
type Parameter struct {
	Type        string `json:"Type"`
	Description string `json:"Description"`
	Default     string `json:"Default,omitempty"`
	// NoEcho hides a secret's value in the console and API answers.
	NoEcho    bool `json:"NoEcho,omitempty"`
	MinLength int  `json:"MinLength,omitempty"`
}

// Resource is one resource with its typed properties.
type Resource struct {
	Type       string   `json:"Type"`
	DependsOn  []string `json:"DependsOn,omitempty"`
	Metadata   any      `json:"Metadata,omitempty"`
	Properties any      `json:"Properties"`
	// Comments go above the resource in YAML: trivy's inline ignores,
	// which it reads in YAML templates only.
	Comments []string `json:"-"`
}

// Output is a value users look up after creation.
type Output struct {
	Description string `json:"Description"`
	Value       any    `json:"Value"`
	Export      *struct {
		Name any `json:"Name"`
	} `json:"Export,omitempty"`
}

// File is one rendered template.
type File struct {
	// Name is the file name without extension, such as shop-us-east-1.
	Name   string
	Region string
	// Stage is the design's deployment stage the stack makes; empty for
	// the Global Accelerator's stack, which deploys after every stage.
	Stage    string
	Template *Template
	// Nested marks a layer stack of a split template; the parent names it
	// by ${TemplateBaseURL}/<Name>.template.json.
	Nested bool
}

// JSON returns the template as indented JSON; encoding/json sorts map
// keys, so the bytes are the same on every run.
func (t *Template) JSON() ([]byte, error) {
	b, err := json.MarshalIndent(t, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode template: %w", err)
	}
	return append(b, '\n'), nil
}

// YAML returns the same template as YAML.
func (t *Template) YAML() ([]byte, error) {
	j, err := t.JSON()
	if err != nil {
		return nil, err
	}
	var n yaml.Node
	if err := yaml.Unmarshal(j, &n); err != nil {
		return nil, fmt.Errorf("convert template to yaml: %w", err)
	}
	var plain func(*yaml.Node)
	plain = func(n *yaml.Node) {
		n.Style = 0
		for _, c := range n.Content {
			plain(c)
		}
	}
	plain(&n)
	// Comments above the resources that carry them (the document's
	// mapping, its Resources key, that mapping's keys).
	if doc := n.Content; len(doc) == 1 {
		top := doc[0].Content
		for i := 0; i+1 < len(top); i += 2 {
			if top[i].Value != "Resources" {
				continue
			}
			res := top[i+1].Content
			for j := 0; j+1 < len(res); j += 2 {
				if r, ok := t.Resources[res[j].Value]; ok && len(r.Comments) > 0 {
					res[j].HeadComment = "# " + strings.Join(r.Comments, "\n# ")
				}
			}
		}
	}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&n); err != nil {
		return nil, fmt.Errorf("encode template as yaml: %w", err)
	}
	return b.Bytes(), nil
}

// ref, getAtt, sub and friends write intrinsic functions.
func ref(id string) any { return map[string]any{"Ref": id} }

func getAtt(id, attr string) any { return map[string]any{"Fn::GetAtt": []string{id, attr}} }

func sub(s string) any { return map[string]any{"Fn::Sub": s} }

func azByIndex(i int) any {
	return map[string]any{"Fn::Select": []any{i, map[string]any{"Fn::GetAZs": ""}}}
}

// logicalID turns a design ID into a CloudFormation logical ID: letters
// and digits only, each word capitalised: subnet-shop-app-a becomes
// SubnetShopAppA.
func logicalID(id string) string {
	var b strings.Builder
	upper := true
	for _, r := range id {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			upper = true
			continue
		}
		if upper {
			r = unicode.ToUpper(r)
			upper = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

func refs(ids []string) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = ref(logicalID(id))
	}
	return out
}

func tags(name string) []Tag { return []Tag{{Key: "Name", Value: name}} }

// sortedKeys returns a map's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// TrivyIgnore is the .trivyignore.yaml for the JSON templates, in which
// trivy reads no inline ignores: for each template and check, the reasons
// of the resources the design waives it on (the YAML templates carry the
// same as comments beside each resource). trivy takes it with
// --ignorefile; it names whole files, so a finding of the same check on
// another resource of the file would pass unnoticed: scan the YAML
// templates to see each resource's own reason. nil when nothing is waived.
func TrivyIgnore(files []File) []byte {
	type entry struct {
		id, path string
		reasons  []string
	}
	var entries []*entry
	for _, f := range files {
		byID := map[string]*entry{}
		for _, rid := range sortedKeys(f.Template.Resources) {
			for _, c := range f.Template.Resources[rid].Comments {
				id, reason, ok := strings.Cut(strings.TrimPrefix(c, "trivy:ignore:"), " ")
				if !ok {
					continue
				}
				e := byID[id]
				if e == nil {
					e = &entry{id: id, path: f.Name + ".template.json"}
					byID[id] = e
					entries = append(entries, e)
				}
				if r := rid + ": " + reason; !slices.Contains(e.reasons, r) {
					e.reasons = append(e.reasons, r)
				}
			}
		}
	}
	if len(entries) == 0 {
		return nil
	}
	var b strings.Builder
	b.WriteString("# trivy reads no inline ignores in JSON templates: this file gives, for\n")
	b.WriteString("# each JSON template, the checks the design means to trip and why\n")
	b.WriteString("# (trivy config --ignorefile .trivyignore.yaml .). The YAML templates carry\n")
	b.WriteString("# the same reasons beside each resource.\n")
	b.WriteString("misconfigurations:\n")
	for _, e := range entries {
		fmt.Fprintf(&b, "  - id: %s\n    paths:\n      - %q\n    statement: %q\n", e.id, e.path, strings.Join(e.reasons, "; "))
	}
	return []byte(b.String())
}
