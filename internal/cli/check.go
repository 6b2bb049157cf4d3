package cli

import (
	"fmt"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/netwright/netwright/internal/analysis"
	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/render/findings"
)

// designFrom builds the design from a spec, or reads a saved one (plan -o
// json output, possibly edited by hand) when designPath is set.
func designFrom(env Env, specPath, designPath string) (*design.Design, map[string][]byte, int) {
	if designPath != "" {
		b, err := env.ReadFile(designPath)
		if err != nil {
			fmt.Fprintf(env.Stderr, "netwright: %v\n", err)
			return nil, nil, ExitUsage
		}
		d, err := design.Decode(b)
		if err != nil {
			fmt.Fprintf(env.Stderr, "netwright: %s: %v\n", designPath, err)
			return nil, nil, ExitSpec
		}
		return d, nil, ExitOK
	}
	s, src, code := load(env, specPath)
	if s == nil {
		return nil, nil, code
	}
	d, code := build(env, specPath)
	return d, map[string][]byte{specPath: src, s.Filename: src}, code
}

func runCheck(env Env, args []string) int {
	fs := newFlags(env, "check", "FILE", "Verify a design: every declared flow must pass and nothing else may (all pairs, with AWS semantics), and run the production checklist; the file is a spec, or leave it out and give --design")
	designPath := fs.String("design", "", "check a saved design (plan -o json output) instead of a spec")
	format := fs.String("format", "text", "output format: text, json, sarif or junit")
	failOn := fs.String("fail-on", "error", "exit 1 when a finding is at least this severe: error, warning or never")
	pos, code, ok := parseFlags(env, fs, args, -1)
	if !ok {
		return code
	}
	if *designPath == "" && len(pos) != 1 || *designPath != "" && len(pos) != 0 {
		fmt.Fprintln(env.Stderr, "netwright check: give a spec FILE, or --design FILE alone")
		return ExitUsage
	}
	if !oneOf(*format, "text", "json", "sarif", "junit") || !oneOf(*failOn, "error", "warning", "never") {
		fmt.Fprintf(env.Stderr, "netwright check: --format must be text, json, sarif or junit and --fail-on error, warning or never\n")
		return ExitUsage
	}
	specPath := ""
	if len(pos) == 1 {
		specPath = pos[0]
	}
	d, sources, code := designFrom(env, specPath, *designPath)
	if d == nil {
		return code
	}
	if errs := d.Validate(); len(errs) > 0 {
		for _, err := range errs {
			fmt.Fprintf(env.Stderr, "netwright check: invalid design: %v\n", err)
		}
		return ExitSpec
	}
	r := analysis.Analyze(d)
	o := findings.Options{SpecFile: specPath, Sources: sources, Version: version()}
	var err error
	switch *format {
	case "json":
		err = findings.JSON(env.Stdout, r)
	case "sarif":
		err = findings.SARIF(env.Stdout, r, o)
	case "junit":
		err = findings.JUnit(env.Stdout, r)
	default:
		err = findings.Text(env.Stdout, r, o)
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "netwright check: %v\n", err)
		return ExitSpec
	}
	switch {
	case *failOn == "never":
		return ExitOK
	case r.Count(analysis.SevError) > 0, *failOn == "warning" && r.Count(analysis.SevWarning) > 0:
		return ExitSpec
	}
	return ExitOK
}

func oneOf(s string, options ...string) bool {
	for _, o := range options {
		if s == o {
			return true
		}
	}
	return false
}

func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "devel"
}

func runReach(env Env, args []string) int {
	fs := newFlags(env, "reach", "FILE SRC DST[:PORT]", "Say whether SRC can open connections to DST on PORT, with every hop of the path and the rule that admits or blocks it at each; SRC and DST are service names or internet, and PORT defaults to DST's")
	designPath := fs.String("design", "", "use a saved design (plan -o json output) instead of a spec; then give only SRC and DST")
	proto := fs.String("protocol", "", "tcp or udp (default: the destination's transport)")
	pos, code, ok := parseFlags(env, fs, args, -1)
	if !ok {
		return code
	}
	want := 3
	if *designPath != "" {
		want = 2
	}
	if len(pos) != want {
		fmt.Fprintf(env.Stderr, "netwright reach: want %d arguments (%s), got %d\n", want, map[int]string{3: "FILE SRC DST[:PORT]", 2: "SRC DST[:PORT]"}[want], len(pos))
		return ExitUsage
	}
	specPath := ""
	if want == 3 {
		specPath, pos = pos[0], pos[1:]
	}
	src := pos[0]
	dst, portText, hasPort := strings.Cut(pos[1], ":")
	d, _, code := designFrom(env, specPath, *designPath)
	if d == nil {
		return code
	}
	port, transport := 0, "tcp"
	if svc := d.Service(dst); svc != nil {
		port = svc.Port
		if svc.Protocol == "udp" {
			transport = "udp"
		}
	}
	if src == design.Internet {
		port = 443
	}
	if hasPort {
		p, err := strconv.Atoi(portText)
		if err != nil || p < 1 || p > 65535 {
			fmt.Fprintf(env.Stderr, "netwright reach: %q is not a port\n", portText)
			return ExitUsage
		}
		port = p
	}
	if dst == design.Internet && !hasPort {
		port = 443
	}
	if *proto != "" {
		if !oneOf(*proto, "tcp", "udp") {
			fmt.Fprintln(env.Stderr, "netwright reach: --protocol must be tcp or udp")
			return ExitUsage
		}
		transport = *proto
	}
	paths, err := analysis.NewEngine(d).Reach(src, dst, port, transport)
	if err != nil {
		fmt.Fprintf(env.Stderr, "netwright reach: %v\n", err)
		return ExitUsage
	}
	var b strings.Builder
	verdict := "reachable"
	for _, p := range paths {
		if !p.Ports.Contains(port) {
			verdict = "BLOCKED"
		}
	}
	fmt.Fprintf(&b, "%s -> %s %s %d: %s\n", src, dst, transport, port, verdict)
	for _, p := range paths {
		fmt.Fprintf(&b, "\n%s -> %s (%s: %s pass)\n", p.From, p.To, p.Proto, p.PortsText)
		for _, h := range p.Hops {
			mark := "ok     "
			if !h.Allowed {
				mark = "BLOCKED"
			}
			fmt.Fprintf(&b, "  %s %s: %s\n", mark, h.Where, h.Detail)
		}
	}
	fmt.Fprint(env.Stdout, b.String())
	if verdict == "BLOCKED" {
		return ExitSpec
	}
	return ExitOK
}
