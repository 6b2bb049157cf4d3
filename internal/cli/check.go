package cli

import (
	"fmt"
	"net/netip"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/netwright/netwright/internal/analysis"
	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/diag"
	"github.com/netwright/netwright/internal/render/findings"
)

// designFrom builds the design from a spec, or reads a saved one (plan -o
// json output, possibly edited by hand) when designPath is set. sources
// holds the spec's text, for snippets in findings.
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
	d, src, code := build(env, specPath)
	if d == nil {
		return nil, nil, code
	}
	return d, map[string][]byte{specPath: src}, code
}

// designFlag is --design, which reads a saved design instead of a spec.
func designFlag(fs *flagSet, usage string) *string {
	return fs.String(flagSpec{long: "design", value: "FILE", files: "*.json", usage: usage}, "")
}

func checkCommand() *command {
	c := &command{
		name: "check", args: "FILE", argFiles: specFiles,
		summary: "verify reachability against the declared intent and run the checklist",
		about: "Verify a design: every declared flow must pass and nothing else may (all pairs, with AWS semantics), and run the production checklist. " +
			"FILE is a spec; or leave it out and give --design.",
	}
	c.define = func(fs *flagSet) func(Env, []string) int {
		designPath := designFlag(fs, "check a saved design (plan -o json output) instead of a spec")
		output := fs.Output("text", "json", "sarif", "junit")
		fs.Alias("format", "output", "use -o/--output")
		failOn := fs.String(flagSpec{long: "fail-on", value: "SEVERITY", choices: []string{"error", "warning", "never"},
			usage: "exit 1 when a finding is at least this severe: error, warning or never"}, "error")
		from := fs.String(flagSpec{long: "from", value: "CIDR",
			usage: "on an imported design, list what this range reaches (NW150) instead of what the internet reaches"}, "")
		return func(env Env, pos []string) int {
			if *designPath == "" && len(pos) != 1 || *designPath != "" && len(pos) != 0 {
				fmt.Fprintln(env.Stderr, "netwright check: give a spec FILE, or --design FILE alone")
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
			if *from != "" {
				p, err := netip.ParsePrefix(*from)
				if err != nil || !p.Addr().Is4() {
					fmt.Fprintf(env.Stderr, "netwright check: --from %q is not an IPv4 CIDR block\n", *from)
					return ExitUsage
				}
				r = analysis.AnalyzeFrom(d, p.Masked())
			}
			o := findings.Options{SpecFile: specPath, Sources: sources, Version: version()}
			var err error
			switch *output {
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

// reachAnswer is reach's answer, as -o json writes it.
type reachAnswer struct {
	From      string `json:"from"`
	To        string `json:"to"`
	Protocol  string `json:"protocol"`
	Port      int    `json:"port"`
	Reachable bool   `json:"reachable"`
	// Path is the AWS resources the flow crosses, in order, and
	// Explanations why it is blocked, with Reachability Analyzer's codes.
	Path         []string               `json:"path"`
	Explanations []analysis.Explanation `json:"explanations"`
	// Paths are the legs of the flow (a call through a load balancer has
	// two), each with its hops.
	Paths []analysis.Path `json:"paths"`
}

func reachCommand() *command {
	c := &command{
		name: "reach", args: "FILE SRC DST[:PORT]", argFiles: specFiles,
		summary: "show the hop-by-hop path of one flow and what admits or blocks it",
		about: "Say whether SRC can open connections to DST on PORT, with every hop of the path and the rule that admits or blocks it at each; " +
			"SRC and DST are service names, internet, or an on-premises site (onprem:SITE), and PORT defaults to DST's (a site has none). On a design (--design, such as one netwright import wrote) " +
			"they may also be AWS IDs (interfaces, instances, ECS tasks, load balancers by ARN, name or DNS name, NAT gateways) or addresses, private or public; " +
			"the answer names the AWS resources on the path and, when blocked, Reachability Analyzer's explanation codes. Exit 1 when the flow is blocked.",
	}
	c.define = func(fs *flagSet) func(Env, []string) int {
		designPath := designFlag(fs, "use a saved design (plan -o json output) instead of a spec; then give only SRC and DST")
		proto := fs.String(flagSpec{long: "protocol", value: "PROTO", suggest: []string{"tcp", "udp", "icmp"},
			usage: "tcp, udp, icmp (PORT is then the ICMP type, 8 echo request by default) or an IANA protocol number (default: the destination's transport)"}, "")
		output := fs.Output("text", "json")
		return func(env Env, pos []string) int {
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
			rest, site := strings.CutPrefix(pos[1], design.OnpremPrefix)
			dst, portText, hasPort := strings.Cut(rest, ":")
			if site {
				dst = design.OnpremPrefix + dst
			}
			port := 0
			if hasPort {
				p, err := strconv.Atoi(portText)
				if err != nil || p < 1 || p > 65535 {
					fmt.Fprintf(env.Stderr, "netwright reach: %q is not a port\n", portText)
					return ExitUsage
				}
				port = p
			}
			d, _, code := designFrom(env, specPath, *designPath)
			if d == nil {
				return code
			}
			transport := "tcp"
			if svc := d.Service(dst); svc != nil {
				if !hasPort {
					port = svc.Port
				}
				if svc.Protocol == design.ProtoUDP {
					transport = "udp"
				}
			}
			if !hasPort && (src == design.Internet || dst == design.Internet) {
				port = 443
			}
			if *proto != "" {
				p, ok := protocolName(*proto)
				if !ok {
					fmt.Fprintf(env.Stderr, "netwright reach: --protocol %q: want tcp, udp, icmp or a protocol number 0-255\n", *proto)
					return ExitUsage
				}
				transport = p
				if !hasPort && p != "tcp" && p != "udp" {
					// ICMP's echo request, or a protocol without ports.
					port, hasPort = map[bool]int{true: 8, false: 0}[p == "icmp"], true
				}
			}
			if port == 0 && (transport == "tcp" || transport == "udp") {
				fmt.Fprintf(env.Stderr, "netwright reach: give the port, as %s:PORT\n", dst)
				return ExitUsage
			}
			e := analysis.NewEngine(d)
			var a reachAnswer
			if byName(d, src) && byName(d, dst) && !d.Imported() {
				paths, err := e.Reach(src, dst, port, transport)
				if err != nil {
					fmt.Fprintf(env.Stderr, "netwright reach: %v\n", err)
					return ExitUsage
				}
				a = reachAnswer{From: src, To: dst, Protocol: transport, Port: port, Reachable: true, Paths: paths, Explanations: []analysis.Explanation{}, Path: []string{}}
				for _, p := range paths {
					if !p.Ports.Contains(port) {
						a.Reachable = false
					}
					a.Path = append(a.Path, p.Components...)
					a.Explanations = append(a.Explanations, analysis.Explain(p)...)
				}
			} else {
				if !hasPort {
					fmt.Fprintf(env.Stderr, "netwright reach: give the port: %s:PORT\n", dst)
					return ExitUsage
				}
				ans, err := e.ReachAWS(src, dst, port, transport)
				if err != nil {
					fmt.Fprintf(env.Stderr, "netwright reach: %v\n", err)
					return ExitUsage
				}
				a = reachAnswer{From: src, To: dst, Protocol: transport, Port: port, Reachable: ans.Reachable, Paths: ans.Legs, Path: ans.Path, Explanations: ans.Explanations}
			}
			if a.Paths == nil {
				a.Paths = []analysis.Path{}
			}
			var err error
			if *output == "json" {
				err = writeJSON(env.Stdout, a)
			} else {
				_, err = fmt.Fprint(env.Stdout, reachText(a))
			}
			if err != nil {
				return wrote(env, c.name, err)
			}
			if !a.Reachable {
				return ExitSpec
			}
			return ExitOK
		}
	}
	return c
}

// protocolName turns --protocol into the engine's name: tcp, udp, icmp,
// or another protocol's number.
func protocolName(p string) (string, bool) {
	switch strings.ToLower(p) {
	case "tcp", "6":
		return "tcp", true
	case "udp", "17":
		return "udp", true
	case "icmp", "1":
		return "icmp", true
	}
	n, err := strconv.Atoi(p)
	if err != nil || n < 0 || n > 255 {
		return "", false
	}
	return strconv.Itoa(n), true
}

// byName reports whether a reach end is a service of the design, the
// internet or an on-premises site (onprem:SITE), which the planned
// design's flows answer for.
func byName(d *design.Design, name string) bool {
	if site, ok := strings.CutPrefix(name, design.OnpremPrefix); ok {
		return d.Site(site) != nil
	}
	return name == design.Internet || d.Service(name) != nil
}

func reachText(a reachAnswer) string {
	var b strings.Builder
	verdict := "reachable"
	if !a.Reachable {
		verdict = "BLOCKED"
	}
	fmt.Fprintf(&b, "%s -> %s %s %d: %s\n", a.From, a.To, a.Protocol, a.Port, verdict)
	if len(a.Path) > 0 {
		fmt.Fprintf(&b, "path: %s\n", strings.Join(a.Path, " -> "))
	}
	for _, x := range a.Explanations {
		fmt.Fprintf(&b, "%s at %s: %s\n", x.Code, x.Component, x.Detail)
	}
	for _, p := range a.Paths {
		fmt.Fprintf(&b, "\n%s -> %s (%s: %s pass)\n", p.From, p.To, p.Proto, p.PortsText)
		for _, h := range p.Hops {
			mark := "ok     "
			if !h.Allowed {
				mark = "BLOCKED"
			}
			fmt.Fprintf(&b, "  %s %s: %s\n", mark, h.Where, h.Detail)
		}
	}
	return b.String()
}
