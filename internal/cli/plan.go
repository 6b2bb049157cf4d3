package cli

import (
	"bytes"
	"fmt"

	"go.yaml.in/yaml/v3"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/diag"
	"github.com/netwright/netwright/internal/plan"
	"github.com/netwright/netwright/internal/render/summary"
	"github.com/netwright/netwright/internal/spec"
)

// load reads and parses a spec file, printing its diagnostics. The spec is
// nil when the run should stop with code.
func load(env Env, path string) (*spec.Spec, []byte, int) {
	src, err := env.ReadFile(path)
	if err != nil {
		fmt.Fprintf(env.Stderr, "netwright: %v\n", err)
		return nil, nil, ExitUsage
	}
	s, ds := spec.Parse(path, src)
	printDiags(env, ds, path, src)
	if s == nil {
		return nil, src, ExitSpec
	}
	return s, src, ExitOK
}

func printDiags(env Env, ds diag.Diagnostics, path string, src []byte) {
	if len(ds) == 0 {
		return
	}
	color := env.IsTerminal(env.Stderr) && env.Getenv("NO_COLOR") == ""
	diag.Write(env.Stderr, ds, diag.WriteOptions{Sources: map[string][]byte{path: src}, Color: color})
	errs := len(ds.Errors())
	fmt.Fprintf(env.Stderr, "%d error(s), %d warning(s)\n", errs, len(ds)-errs)
}

// build reads, parses and designs a spec, printing every diagnostic. The
// design is nil when the run should stop with code.
func build(env Env, path string) (*design.Design, int) {
	s, src, code := load(env, path)
	if s == nil {
		return nil, code
	}
	d, ds := plan.Build(s)
	printDiags(env, ds, path, src)
	if d == nil {
		return nil, ExitSpec
	}
	return d, ExitOK
}

func runValidate(env Env, args []string) int {
	fs := newFlags(env, "validate", "FILE", "Check a spec: decode it strictly, validate every key and reference, and design it, printing every problem with its line and column")
	pos, code, ok := parseFlags(env, fs, args, 1)
	if !ok {
		return code
	}
	// A spec is valid only if it can be designed: plan finds what no key
	// check can, such as a CIDR too small for the demand.
	d, code := build(env, pos[0])
	if d == nil {
		return code
	}
	fmt.Fprintf(env.Stdout, "%s: valid (%d services)\n", pos[0], len(d.Services))
	return ExitOK
}

func runPlan(env Env, args []string) int {
	fs := newFlags(env, "plan", "FILE", "Design the network for a spec and print it: a readable summary, or the whole design as JSON or YAML")
	format := fs.String("o", "text", "output format: text, json or yaml")
	pos, code, ok := parseFlags(env, fs, args, 1)
	if !ok {
		return code
	}
	if *format != "text" && *format != "json" && *format != "yaml" {
		fmt.Fprintf(env.Stderr, "netwright plan: -o must be text, json or yaml, not %q\n", *format)
		return ExitUsage
	}
	d, code := build(env, pos[0])
	if d == nil {
		return code
	}
	out, err := encodeDesign(d, *format)
	if err != nil {
		fmt.Fprintf(env.Stderr, "netwright plan: %v\n", err)
		return ExitSpec
	}
	env.Stdout.Write(out)
	return ExitOK
}

// encodeDesign writes the design in the chosen format. YAML is the JSON
// form re-encoded, so both carry the same field names in the same order.
func encodeDesign(d *design.Design, format string) ([]byte, error) {
	switch format {
	case "json":
		return d.JSON()
	case "yaml":
		j, err := d.JSON()
		if err != nil {
			return nil, err
		}
		var n yaml.Node
		if err := yaml.Unmarshal(j, &n); err != nil {
			return nil, fmt.Errorf("convert design to yaml: %w", err)
		}
		plainStyle(&n)
		var b bytes.Buffer
		enc := yaml.NewEncoder(&b)
		enc.SetIndent(2)
		if err := enc.Encode(&n); err != nil {
			return nil, fmt.Errorf("encode design as yaml: %w", err)
		}
		return b.Bytes(), nil
	default:
		var b bytes.Buffer
		if err := summary.Write(&b, d); err != nil {
			return nil, err
		}
		return b.Bytes(), nil
	}
}

// plainStyle drops the JSON flow and quoting styles, so the YAML encoder
// writes block style and quotes only where YAML needs it.
func plainStyle(n *yaml.Node) {
	n.Style = 0
	for _, c := range n.Content {
		plainStyle(c)
	}
}

func runSchema(env Env, args []string) int {
	fs := newFlags(env, "schema", "", "Print the JSON Schema (draft 2020-12) of the spec, for editors such as yaml-language-server")
	if _, code, ok := parseFlags(env, fs, args, 0); !ok {
		return code
	}
	env.Stdout.Write(spec.Schema())
	return ExitOK
}

func runOptimize(env Env, args []string) int {
	fs := newFlags(env, "optimize", "FILE", "Design the network and print the performance optimizer's recommendations, each with its reason, expected effect and source, and the monthly cost estimate")
	pos, code, ok := parseFlags(env, fs, args, 1)
	if !ok {
		return code
	}
	d, code := build(env, pos[0])
	if d == nil {
		return code
	}
	if err := summary.WriteRecommendations(env.Stdout, d); err != nil {
		fmt.Fprintf(env.Stderr, "netwright optimize: %v\n", err)
		return ExitSpec
	}
	return ExitOK
}
