package cli

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/netwright/netwright/internal/analysis"
	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/diag"
)

// TestDiagnosticsPrintedOnce: every command that reads a spec prints each
// of its diagnostics once, with one count, though the spec goes through
// two stages (it used to be loaded twice by check and reach).
func TestDiagnosticsPrintedOnce(t *testing.T) {
	const spec = "../../testdata/errors/inspection.yaml" // one warning, no error
	const warning = "warning: services.filter is an appliance but no inspection section uses it"
	tests := []struct {
		args []string
		code int
	}{
		{[]string{"validate", spec}, ExitOK},
		{[]string{"plan", spec}, ExitOK},
		{[]string{"check", spec}, ExitOK},
		{[]string{"check", "-o", "sarif", spec}, ExitOK},
		{[]string{"reach", spec, "web", "web"}, ExitSpec}, // a task does not call itself
		{[]string{"optimize", spec}, ExitOK},
		{[]string{"route", spec}, ExitSpec}, // no public ALB
		{[]string{"export", "-o", "", spec}, ExitOK},
	}
	for _, tt := range tests {
		t.Run(strings.Join(slices.DeleteFunc(slices.Clone(tt.args), func(a string) bool { return a == spec }), " "), func(t *testing.T) {
			args := tt.args
			if args[0] == "export" {
				args = []string{"export", "-o", t.TempDir(), spec}
			}
			r := run(t, false, nil, args...)
			if r.code != tt.code {
				t.Fatalf("exit code = %d; want %d (stderr %q)", r.code, tt.code, r.stderr)
			}
			if n := strings.Count(r.stderr, warning); n != 1 {
				t.Errorf("the warning is printed %d times; want once:\n%s", n, r.stderr)
			}
			if n := strings.Count(r.stderr, "0 error(s), 1 warning(s)"); n != 1 {
				t.Errorf("the count is printed %d times; want once:\n%s", n, r.stderr)
			}
		})
	}
}

// TestEveryProblemInOneRun: a spec error does not hide the design-stage
// errors of the same file.
func TestEveryProblemInOneRun(t *testing.T) {
	const spec = "../../testdata/errors/spec-and-design-errors.yaml"
	r := run(t, false, nil, "validate", spec)
	if r.code != ExitSpec {
		t.Fatalf("validate = %d; want %d", r.code, ExitSpec)
	}
	for _, want := range []string{
		"spec-and-design-errors.yaml:17:7: error: tls.domain is needed for an auto certificate",
		"spec-and-design-errors.yaml:12:5: error: ingress[1] can never match",
		"3 error(s), 0 warning(s)",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
}

// decodeJSON decodes a command's stdout strictly into v.
func decodeJSON(t *testing.T, r result, v any) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(r.stdout))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("stdout is not the JSON expected: %v\n%s", err, r.stdout)
	}
	if dec.More() {
		t.Fatalf("stdout holds more than one JSON document:\n%s", r.stdout)
	}
}

// TestJSONOutput: every command that answers a question answers in JSON
// with -o json and --output json alike; the answers decode and say what
// the text says.
func TestJSONOutput(t *testing.T) {
	for _, flag := range []string{"-o", "--output", "--output="} {
		args := func(cmd string, rest ...string) []string {
			if flag == "--output=" {
				return append([]string{cmd, "--output=json"}, rest...)
			}
			return append([]string{cmd, flag, "json"}, rest...)
		}
		t.Run(flag, func(t *testing.T) {
			t.Run("validate", func(t *testing.T) {
				var v struct {
					File        string
					Valid       bool
					Services    int
					Errors      int
					Warnings    int
					Diagnostics diag.Diagnostics
				}
				r := run(t, false, nil, args("validate", "../../examples/three-tier.yaml")...)
				decodeJSON(t, r, &v)
				if r.code != ExitOK || !v.Valid || v.Services != 3 || v.Diagnostics == nil || len(v.Diagnostics) != 0 {
					t.Errorf("validate three-tier = %d, %+v; want valid, 3 services, diagnostics []", r.code, v)
				}
				r = run(t, false, nil, args("validate", "../../testdata/errors/spec-and-design-errors.yaml")...)
				v.Diagnostics = nil
				decodeJSON(t, r, &v)
				if r.code != ExitSpec || v.Valid || v.Errors != 3 || len(v.Diagnostics) != 3 {
					t.Fatalf("validate with errors = %d, %+v; want invalid with 3 errors", r.code, v)
				}
				if d := v.Diagnostics[0]; d.Severity != diag.Error || d.Subject == nil || d.Subject.Start.Line != 12 || !strings.Contains(d.Summary, "can never match") {
					t.Errorf("first diagnostic = %+v; want the rule on line 12", d)
				}
				if r.stderr != "" {
					t.Errorf("validate -o json also printed the diagnostics on stderr:\n%s", r.stderr)
				}
			})
			t.Run("plan", func(t *testing.T) {
				r := run(t, false, nil, args("plan", "../../examples/three-tier.yaml")...)
				if _, err := design.Decode([]byte(r.stdout)); err != nil || r.code != ExitOK {
					t.Errorf("plan = %d, %v", r.code, err)
				}
			})
			t.Run("check", func(t *testing.T) {
				var v struct {
					Checks   []analysis.Check   `json:"checks"`
					Findings []analysis.Finding `json:"findings"`
				}
				r := run(t, false, nil, args("check", "--design", "../analysis/testdata/checks/NW101.json")...)
				if err := json.Unmarshal([]byte(r.stdout), &v); err != nil || r.code != ExitSpec {
					t.Fatalf("check = %d, %v:\n%s", r.code, err, r.stdout)
				}
				if len(v.Checks) == 0 || len(v.Findings) == 0 || v.Findings[0].Check != "NW101" {
					t.Errorf("check JSON = %d checks, findings %+v; want the checklist and an NW101 finding", len(v.Checks), v.Findings)
				}
			})
			t.Run("reach", func(t *testing.T) {
				var v reachAnswer
				r := run(t, false, nil, args("reach", "../../examples/three-tier.yaml", "web", "db")...)
				decodeJSON(t, r, &v)
				if r.code != ExitSpec || v.Reachable || v.From != "web" || v.To != "db" || v.Port != 5432 || v.Protocol != "tcp" || len(v.Paths) == 0 {
					t.Fatalf("reach web db = %d, %+v; want blocked on tcp 5432 with its path", r.code, v)
				}
				blocked := false
				for _, h := range v.Paths[0].Hops {
					if !h.Allowed && h.Where == "security groups of db (ingress)" {
						blocked = true
					}
				}
				if !blocked {
					t.Errorf("reach web db hops = %+v; want db's security groups to block", v.Paths[0].Hops)
				}
				v = reachAnswer{}
				r = run(t, false, nil, args("reach", "../../examples/three-tier.yaml", "app", "db:5432")...)
				decodeJSON(t, r, &v)
				if r.code != ExitOK || !v.Reachable || v.Paths[0].PortsText != "5432" {
					t.Errorf("reach app db:5432 = %d, %+v; want reachable", r.code, v)
				}
			})
			t.Run("route", func(t *testing.T) {
				var v routeAnswer
				r := run(t, false, nil, args("route", "../../examples/shop.yaml", "--host", "TRACK.shop.example.com", "--path", "/live")...)
				decodeJSON(t, r, &v)
				if r.code != ExitOK || v.Rule == nil || v.Rule.Priority != 10 || v.Rule.Source != "ingress[1]" || v.Listener.Port != 443 {
					t.Fatalf("route = %d, %+v; want priority 10, ingress[1] on 443", r.code, v)
				}
				if len(v.Targets) != 1 || v.Targets[0].Service != "tracking" || v.Targets[0].Percent != 100 {
					t.Errorf("route targets = %+v; want all of it to tracking", v.Targets)
				}
				v = routeAnswer{}
				r = run(t, false, nil, args("route", "../../examples/shop.yaml", "--host", "shop.example.com", "--path", "/API/mobile/v2")...)
				decodeJSON(t, r, &v)
				if v.Rule != nil || v.Action.Type != design.ActionForward || len(v.Targets) != 1 || v.Targets[0].Service != "storefront" {
					t.Errorf("route to the default = %+v; want no rule and a forward to storefront", v)
				}
			})
			t.Run("optimize", func(t *testing.T) {
				var v struct {
					Recommendations []design.Recommendation
					Cost            *design.CostEstimate
				}
				r := run(t, false, nil, args("optimize", "../../examples/three-tier.yaml")...)
				decodeJSON(t, r, &v)
				if r.code != ExitOK || len(v.Recommendations) == 0 || v.Recommendations[0].ID == "" || v.Cost == nil || v.Cost.TotalUSD <= 0 {
					t.Errorf("optimize = %d, %+v; want recommendations and a cost", r.code, v)
				}
			})
			t.Run("version", func(t *testing.T) {
				var v struct {
					Version      string
					Revision     string
					SpecVersions []int `json:"spec_versions"`
					DesignFormat int   `json:"design_format"`
					Go           string
				}
				r := run(t, false, nil, args("version")...)
				decodeJSON(t, r, &v)
				if r.code != ExitOK || v.Version == "" || v.DesignFormat != design.FormatVersion || len(v.SpecVersions) != 1 || !strings.HasPrefix(v.Go, "go") {
					t.Errorf("version = %d, %+v", r.code, v)
				}
			})
		})
	}
}

// TestOldSpellings: check's --format still works, with a note that it is
// deprecated; plan's -o is the same flag as --output.
func TestOldSpellings(t *testing.T) {
	r := run(t, false, nil, "check", "--format", "sarif", "../../examples/three-tier.yaml")
	if r.code != ExitOK || !strings.Contains(r.stdout, `"version": "2.1.0"`) {
		t.Errorf("check --format sarif = %d:\n%s", r.code, r.stdout)
	}
	if !strings.Contains(r.stderr, "--format is deprecated; use -o/--output") {
		t.Errorf("check --format does not say it is deprecated: %q", r.stderr)
	}
	if r := run(t, false, nil, "check", "-o", "sarif", "../../examples/three-tier.yaml"); strings.Contains(r.stderr, "deprecated") {
		t.Errorf("check -o warns: %q", r.stderr)
	}
}

// TestHelpWritesFlagsAsTyped: help shows -o, --output and --design as
// users type them, never Go's single-dash -design.
func TestHelpWritesFlagsAsTyped(t *testing.T) {
	singleDash := regexp.MustCompile(`(^|[\s(])-[a-z][a-z-]+`)
	for _, c := range commands() {
		t.Run(c.name, func(t *testing.T) {
			r := run(t, false, nil, c.name, "--help")
			if r.code != ExitOK {
				t.Fatalf("%s --help = %d", c.name, r.code)
			}
			if m := singleDash.FindString(r.stdout); m != "" {
				t.Errorf("%s --help writes %q with one dash:\n%s", c.name, m, r.stdout)
			}
			fs := newFlagSet(c.name)
			c.define(fs)
			for _, s := range fs.specs {
				if !strings.Contains(r.stdout, "\n  "+s.names()) {
					t.Errorf("%s --help does not list %q", c.name, s.names())
				}
			}
			if !strings.Contains(r.stdout, "  -h, --help") {
				t.Errorf("%s --help does not list -h, --help", c.name)
			}
		})
	}
	r := run(t, false, nil, "plan", "--help")
	if !strings.Contains(r.stdout, "  -o, --output FORMAT\n      output format: text, json or yaml (default text)\n") {
		t.Errorf("plan --help:\n%s", r.stdout)
	}
}

// TestFlagErrors: errors name flags as users type them, and suggest the
// flag a typo meant.
func TestFlagErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"plan", "--frobnicate", "x.yaml"}, "flag provided but not defined: --frobnicate"},
		{[]string{"plan", "--outptu", "json", "x.yaml"}, "(did you mean --output?)"},
		{[]string{"check", "--fail-on", "sometimes", "x.yaml"}, `invalid value "sometimes" for --fail-on: must be error, warning or never`},
		{[]string{"status", "--watch", "soon"}, `invalid value "soon" for --watch: must be a duration`},
		{[]string{"up", "--port-offset", "x", "x.yaml"}, `invalid value "x" for --port-offset`},
		{[]string{"reach", "-o"}, "flag needs an argument: -o"},
		{[]string{"export", "--format", "pdf", "x.yaml"}, "must be cloudformation, terraform, svg, report or kubernetes"},
		{[]string{"chek"}, `unknown command "chek" (did you mean "check"?)`},
	}
	for _, tt := range tests {
		r := run(t, false, nil, tt.args...)
		if r.code != ExitUsage || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("%q = %d, %q; want exit 2 and %q", tt.args, r.code, r.stderr, tt.want)
		}
	}
	// "--" ends the flags: what follows is an argument even if it looks
	// like a flag.
	if r := run(t, false, nil, "validate", "--", "-o"); r.code != ExitUsage || !strings.Contains(r.stderr, "open -o") {
		t.Errorf("validate -- -o = %d, %q; want -o read as the file name", r.code, r.stderr)
	}
}

// TestExportExitCodes: the same outcome exits the same for every format:
// 1 when the design cannot be written in the format, 2 when the files
// cannot be written.
func TestExportExitCodes(t *testing.T) {
	blocker := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(blocker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for i, x := range exporters {
		t.Run(x.name, func(t *testing.T) {
			example := "../../examples/three-tier.yaml"
			if x.name == "kubernetes" {
				example = "../../examples/eks-storefront.yaml"
			}
			r := run(t, false, nil, "export", "--format", x.name, "-o", filepath.Join(blocker, "out"), example)
			if r.code != ExitUsage || !strings.Contains(r.stderr, "a-file") {
				t.Errorf("export into a path under a file = %d, %q; want exit 2 naming the path", r.code, r.stderr)
			}
			saved := exporters[i]
			defer func() { exporters[i] = saved }()
			exporters[i].render = func(*design.Design, exportOptions) (exported, error) {
				return exported{}, errors.New("the design passes a limit of the format")
			}
			r = run(t, false, nil, "export", "--format", x.name, "-o", t.TempDir(), example)
			if r.code != ExitSpec || !strings.Contains(r.stderr, "cannot be written as "+x.name+": the design passes a limit") {
				t.Errorf("a renderer's failure = %d, %q; want exit 1 with the reason", r.code, r.stderr)
			}
		})
	}
}
