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

// designSpec reads a spec file and designs it, returning every problem
// in it (plan.File). code is ExitUsage when the file cannot be read.
func designSpec(env Env, path string) (d *design.Design, src []byte, ds diag.Diagnostics, code int) {
	src, err := env.ReadFile(path)
	if err != nil {
		fmt.Fprintf(env.Stderr, "netwright: %v\n", err)
		return nil, nil, nil, ExitUsage
	}
	d, ds = plan.File(path, src)
	if d == nil {
		return nil, src, ds, ExitSpec
	}
	return d, src, ds, ExitOK
}

// build reads and designs a spec file and prints its diagnostics, once
// each. The design is nil when the run should stop with code.
func build(env Env, path string) (*design.Design, []byte, int) {
	d, src, ds, code := designSpec(env, path)
	printDiags(env, ds, path, src)
	return d, src, code
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

func validateCommand() *command {
	c := &command{
		name: "validate", args: "FILE", argFiles: specFiles,
		summary: "check a spec and print every problem in it",
		about: "Check a spec: decode it strictly, validate every key and reference, and design it, printing every problem with its line and column, " +
			"the spec's and the design's together in one run. With -o json the problems are in the JSON on stdout instead of on stderr.",
	}
	c.define = func(fs *flagSet) func(Env, []string) int {
		output := fs.Output("text", "json")
		return func(env Env, pos []string) int {
			if !c.wantArgs(env, pos, 1) {
				return ExitUsage
			}
			// A spec is valid only if it can be designed: plan finds what no
			// key check can, such as a CIDR too small for the demand.
			d, src, ds, code := designSpec(env, pos[0])
			if src == nil {
				return code
			}
			if *output == "json" {
				out := struct {
					File        string           `json:"file"`
					Valid       bool             `json:"valid"`
					Services    int              `json:"services"`
					Errors      int              `json:"errors"`
					Warnings    int              `json:"warnings"`
					Diagnostics diag.Diagnostics `json:"diagnostics"`
				}{File: pos[0], Valid: d != nil, Errors: len(ds.Errors()), Diagnostics: ds}
				if d != nil {
					out.Services = len(d.Services)
				}
				out.Warnings = len(ds) - out.Errors
				if out.Diagnostics == nil {
					out.Diagnostics = diag.Diagnostics{}
				}
				if err := writeJSON(env.Stdout, out); err != nil {
					return wrote(env, c.name, err)
				}
				return code
			}
			printDiags(env, ds, pos[0], src)
			if d == nil {
				return code
			}
			_, err := fmt.Fprintf(env.Stdout, "%s: valid (%d services)\n", pos[0], len(d.Services))
			return wrote(env, c.name, err)
		}
	}
	return c
}

func planCommand() *command {
	c := &command{
		name: "plan", args: "FILE", argFiles: specFiles,
		summary: "design the network and print it",
		about:   "Design the network for a spec and print it: a readable summary, or the whole design as JSON or YAML (the JSON is what --design reads back).",
	}
	c.define = func(fs *flagSet) func(Env, []string) int {
		output := fs.Output("text", "json", "yaml")
		return func(env Env, pos []string) int {
			if !c.wantArgs(env, pos, 1) {
				return ExitUsage
			}
			d, _, code := build(env, pos[0])
			if d == nil {
				return code
			}
			out, err := encodeDesign(d, *output)
			if err != nil {
				fmt.Fprintf(env.Stderr, "netwright plan: %v\n", err)
				return ExitSpec
			}
			_, err = env.Stdout.Write(out)
			return wrote(env, c.name, err)
		}
	}
	return c
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

func schemaCommand() *command {
	c := &command{
		name: "schema", summary: "print the JSON Schema of the spec",
		about: "Print the JSON Schema (draft 2020-12) of the spec, for editors such as yaml-language-server. It is JSON already, so there is no --output.",
	}
	c.define = func(fs *flagSet) func(Env, []string) int {
		return func(env Env, pos []string) int {
			if !c.wantArgs(env, pos, 0) {
				return ExitUsage
			}
			_, err := env.Stdout.Write(spec.Schema())
			return wrote(env, c.name, err)
		}
	}
	return c
}

func optimizeCommand() *command {
	c := &command{
		name: "optimize", args: "FILE", argFiles: specFiles,
		summary: "print performance recommendations and the monthly cost estimate",
		about:   "Design the network and print the performance optimizer's recommendations, each with its reason, expected effect and source, and the monthly cost estimate.",
	}
	c.define = func(fs *flagSet) func(Env, []string) int {
		output := fs.Output("text", "json")
		return func(env Env, pos []string) int {
			if !c.wantArgs(env, pos, 1) {
				return ExitUsage
			}
			d, _, code := build(env, pos[0])
			if d == nil {
				return code
			}
			if *output == "json" {
				out := struct {
					Recommendations []design.Recommendation `json:"recommendations"`
					Cost            *design.CostEstimate    `json:"cost"`
				}{d.Recommendations, d.Cost}
				if out.Recommendations == nil {
					out.Recommendations = []design.Recommendation{}
				}
				return wrote(env, c.name, writeJSON(env.Stdout, out))
			}
			return wrote(env, c.name, summary.WriteRecommendations(env.Stdout, d))
		}
	}
	return c
}
