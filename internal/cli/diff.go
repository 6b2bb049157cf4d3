package cli

import (
	"fmt"
	"strings"

	"github.com/netwright/netwright/internal/analysis"
	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/diag"
	"github.com/netwright/netwright/internal/render/findings"
)

// bindFlag is --bind NAME=ID[,ID...], repeatable: where a spec's service
// is in a real network, when netwright cannot find it by name.
func bindFlag(fs *flagSet) *multiFlag {
	var m multiFlag
	fs.Var(flagSpec{long: "bind", value: "NAME=ID", usage: "where the spec's service NAME is in the real network: an ECS service name, instance, interface, task or security group IDs, or addresses, comma-separated; repeatable"}, &m)
	return &m
}

// bindings turns --bind values into a map, or reports a usage error.
func bindings(env Env, cmd string, m multiFlag) (map[string]string, bool) {
	out := map[string]string{}
	for _, v := range m {
		name, ids, ok := strings.Cut(v, "=")
		if !ok || name == "" || ids == "" {
			fmt.Fprintf(env.Stderr, "netwright %s: --bind %q: want NAME=ID[,ID...]\n", cmd, v)
			return nil, false
		}
		out[name] = ids
	}
	return out, true
}

// realDesign reads a design netwright import wrote.
func realDesign(env Env, cmd, path string) (*design.Design, int) {
	d, _, code := designFrom(env, "", path)
	if d == nil {
		return nil, code
	}
	if !d.Imported() {
		fmt.Fprintf(env.Stderr, "netwright %s: %s is a planned design, not a real network: give the design netwright import wrote\n", cmd, path)
		return nil, ExitUsage
	}
	return d, ExitOK
}

func diffCommand() *command {
	c := &command{
		name: "diff", args: "SPEC", argFiles: specFiles,
		summary: "compare a spec's intent with a real network: flows it blocks or admits, services missing or extra",
		about: "Compare what SPEC declares with the real network in --design (a design netwright import wrote): declared flows the network blocks, " +
			"with Reachability Analyzer's explanation codes; flows it admits that the spec does not declare, with the rule that admits them; " +
			"services of the spec it lacks, and workloads it runs that the spec does not have. Each service is found by its ECS service's name, an " +
			"instance's Name tag or a security group's name, or where --bind says. Exit 1 on drift (a finding at --fail-on), for CI.",
	}
	c.define = func(fs *flagSet) func(Env, []string) int {
		designPath := designFlag(fs, "the real network: a design netwright import wrote (required)")
		binds := bindFlag(fs)
		output := fs.Output("text", "json", "sarif")
		failOn := fs.String(flagSpec{long: "fail-on", value: "SEVERITY", choices: []string{"error", "warning", "never"},
			usage: "exit 1 when a finding is at least this severe: error, warning (the default: extra workloads are drift too) or never"}, "warning")
		return func(env Env, pos []string) int {
			if !c.wantArgs(env, pos, 1) {
				return ExitUsage
			}
			if *designPath == "" {
				fmt.Fprintln(env.Stderr, "netwright diff: give the real network with --design FILE (netwright import writes it)")
				return ExitUsage
			}
			given, ok := bindings(env, c.name, *binds)
			if !ok {
				return ExitUsage
			}
			spec, sources, code := designFrom(env, pos[0], "")
			if spec == nil {
				return code
			}
			real, code := realDesign(env, c.name, *designPath)
			if real == nil {
				return code
			}
			drift, err := analysis.Diff(spec, real, given)
			if err != nil {
				fmt.Fprintf(env.Stderr, "netwright diff: %v\n", err)
				return ExitUsage
			}
			r := drift.Report()
			o := findings.Options{SpecFile: pos[0], Sources: sources, Version: version(), Checks: analysis.DriftChecks(),
				Clean: "No drift: every declared flow passes in the real network, nothing else does, and every service is there."}
			switch *output {
			case "json":
				err = writeJSON(env.Stdout, struct {
					Spec     string             `json:"spec"`
					Design   string             `json:"design"`
					Checks   []analysis.Check   `json:"checks"`
					Bindings []analysis.Binding `json:"bindings"`
					Findings []analysis.Finding `json:"findings"`
					Matrix   []analysis.Cell    `json:"matrix"`
				}{pos[0], *designPath, analysis.DriftChecks(), drift.Bindings, drift.Findings, drift.Matrix})
			case "sarif":
				err = findings.SARIF(env.Stdout, r, o)
			default:
				var b strings.Builder
				for _, x := range drift.Bindings {
					fmt.Fprintf(&b, "%s is %s %s (%s)\n", x.Service, x.How, x.Resource, orNone(strings.Join(x.Interfaces, ", ")))
				}
				b.WriteString("\n")
				if _, err = fmt.Fprint(env.Stdout, b.String()); err == nil {
					err = findings.Text(env.Stdout, r, o)
				}
			}
			if err != nil {
				return wrote(env, c.name, err)
			}
			switch {
			case *failOn == "never":
				return ExitOK
			case r.Count(diag.Error) > 0, *failOn == "warning" && r.Count(diag.Warning) > 0:
				return ExitSpec
			}
			return ExitOK
		}
	}
	return c
}

func orNone(s string) string {
	if s == "" {
		return "no interface known"
	}
	return s
}
