package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/netwright/netwright/internal/analysis"
	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/diag"
	"github.com/netwright/netwright/internal/flowlog"
	"github.com/netwright/netwright/internal/render/findings"
)

// flowsDocument is flows -o json.
type flowsDocument struct {
	Files []flowsFile `json:"files"`
	*analysis.TrafficReport
	Checks []analysis.Check `json:"checks"`
}

// flowsFile is what was read of one file.
type flowsFile struct {
	Path    string `json:"path"`
	Records int64  `json:"records"`
	Format  string `json:"format"`
	// Bad is the lines that could not be read; the first are in stderr.
	Bad int `json:"bad"`
}

func isSpecFile(path string) bool {
	return strings.HasSuffix(path, ".yaml") || strings.HasSuffix(path, ".yml")
}

func flowsCommand() *command {
	c := &command{
		name: "flows", args: "[SPEC] FILE...", argFiles: []string{"*.log", "*.gz", "*.json", "*.yaml", "*.yml"},
		summary: "read VPC Flow Logs: declared flows seen and never seen, undeclared flows accepted, rejects by cause, NAT, top talkers",
		about: "Read VPC Flow Logs (the default format, custom formats from S3's header line or --format, every field through version 8, gzip, " +
			"CloudWatch Logs exports) in constant memory, and say what the traffic was against a design: a spec (SPEC, ending in .yaml), a saved or " +
			"imported design (--design), or both (the spec's flows in the real network --design holds). It names each address (a service, task, " +
			"load balancer, NAT gateway, instance, or the internet) and reports the declared flows seen and never seen, undeclared flows accepted " +
			"with the rule that let them through, rejects by cause (reject-reason, a NACL dropping answers, or the rule the design names), " +
			"NAT-translated conversations by their real ends (pkt-srcaddr, pkt-dstaddr) and the top talkers. Exit 1 on a finding at --fail-on.",
	}
	c.define = func(fs *flagSet) func(Env, []string) int {
		designPath := designFlag(fs, "the design the logs are read against: plan -o json output, or a real network netwright import wrote")
		format := fs.String(flagSpec{long: "format", value: "FIELDS",
			usage: "the records' fields, for files without a header line: \"version account-id ...\" or the flow log's LogFormat (\"${version} ${account-id} ...\"); default the version 2 format, or each file's header"}, "")
		top := fs.Int(flagSpec{long: "top", value: "N", usage: "how many top talkers to list"}, 10)
		binds := bindFlag(fs)
		output := fs.Output("text", "json", "sarif")
		failOn := fs.String(flagSpec{long: "fail-on", value: "SEVERITY", choices: []string{"error", "warning", "never"},
			usage: "exit 1 when a finding is at least this severe: error (the default: undeclared flows accepted, declared flows rejected), warning (declared flows never seen too) or never"}, "error")
		return func(env Env, pos []string) int {
			specPath := ""
			if len(pos) > 0 && isSpecFile(pos[0]) {
				specPath, pos = pos[0], pos[1:]
			}
			if len(pos) == 0 {
				fmt.Fprintln(env.Stderr, "netwright flows: give the flow log FILEs")
				return ExitUsage
			}
			if specPath == "" && *designPath == "" {
				fmt.Fprintln(env.Stderr, "netwright flows: give a SPEC, --design FILE, or both")
				return ExitUsage
			}
			var fixed *flowlog.Format
			if *format != "" {
				f, err := flowlog.ParseFormat(*format)
				if err != nil {
					fmt.Fprintf(env.Stderr, "netwright flows: --format: %v\n", err)
					return ExitUsage
				}
				fixed = f
			}
			given, ok := bindings(env, c.name, *binds)
			if !ok {
				return ExitUsage
			}
			var spec, d *design.Design
			var sources map[string][]byte
			if specPath != "" {
				var code int
				if spec, sources, code = designFrom(env, specPath, ""); spec == nil {
					return code
				}
				d = spec
			}
			if *designPath != "" {
				var code int
				if d, _, code = designFrom(env, "", *designPath); d == nil {
					return code
				}
				if spec == nil && !d.Imported() {
					spec = d
				}
			}
			t, err := analysis.NewTraffic(d, spec, given)
			if err != nil {
				fmt.Fprintf(env.Stderr, "netwright flows: %v\n", err)
				return ExitUsage
			}
			var files []flowsFile
			for _, path := range pos {
				ff, err := readFlowLog(env, t, path, fixed)
				if err != nil {
					fmt.Fprintf(env.Stderr, "netwright flows: %v\n", err)
					return ExitUsage
				}
				files = append(files, ff)
			}
			rep := t.Report(*top)
			r := &analysis.Report{Findings: rep.Findings}
			o := findings.Options{SpecFile: specPath, Sources: sources, Version: version(), Checks: analysis.TrafficChecks(),
				Clean: "No findings."}
			switch *output {
			case "json":
				err = writeJSON(env.Stdout, flowsDocument{Files: files, TrafficReport: rep, Checks: analysis.TrafficChecks()})
			case "sarif":
				err = findings.SARIF(env.Stdout, r, o)
			default:
				_, err = io.WriteString(env.Stdout, flowsText(files, rep))
				if err == nil && len(r.Findings) > 0 {
					_, err = io.WriteString(env.Stdout, "\n")
					if err == nil {
						err = findings.Text(env.Stdout, r, o)
					}
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

// readFlowLog streams one file's records into t.
func readFlowLog(env Env, t *analysis.Traffic, path string, fixed *flowlog.Format) (flowsFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return flowsFile{}, err
	}
	defer f.Close()
	rd, err := flowlog.NewReader(f, fixed)
	if err != nil {
		return flowsFile{}, fmt.Errorf("%s: %w", path, err)
	}
	ff := flowsFile{Path: path}
	for {
		rec, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return flowsFile{}, fmt.Errorf("%s: line %d: %w", path, rd.Line(), err)
		}
		t.Add(rec)
		ff.Records++
	}
	ff.Format, ff.Bad = rd.Format().String(), rd.Bad()
	for _, p := range rd.Problems() {
		fmt.Fprintf(env.Stderr, "%s:%d: warning: skipped: %v\n", path, p.Line, p.Err)
	}
	if rd.Bad() > len(rd.Problems()) {
		fmt.Fprintf(env.Stderr, "%s: warning: %d more lines skipped\n", path, rd.Bad()-len(rd.Problems()))
	}
	if u := rd.Format().Unknown; len(u) > 0 {
		fmt.Fprintf(env.Stderr, "%s: note: fields this netwright does not know are skipped: %s\n", path, strings.Join(u, ", "))
	}
	return ff, nil
}

func conversationText(c analysis.Conversation) string {
	s := fmt.Sprintf("%s -> %s %s %d (%s -> %s)", c.Client, c.Server, c.Protocol, c.Port, c.ClientAddr, c.ServerAddr)
	if c.Via != "" {
		s += " via " + c.Via
	}
	return s
}

func flowsText(files []flowsFile, r *analysis.TrafficReport) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d records from %d files: %d accepted, %d rejected, %d NODATA, %d SKIPDATA; %d bytes\n",
		r.Records, len(files), r.Accepted, r.Rejected, r.NoData, r.SkipData, r.Bytes)
	if r.Overflow > 0 {
		fmt.Fprintf(&b, "%d records of conversations past the first %d are in the totals only\n", r.Overflow, analysis.MaxConversations)
	}
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	if len(r.Declared) > 0 {
		fmt.Fprintln(tw, "\nDeclared flows")
		for _, d := range r.Declared {
			state := "seen"
			switch {
			case d.Rejected > 0:
				state = "REJECTED"
			case !d.Seen:
				state = "never seen"
			}
			fmt.Fprintf(tw, "  %s\t%s\t%d records accepted, %d rejected, %d bytes\n", d.Flow, state, d.Records, d.Rejected, d.Bytes)
		}
	}
	if len(r.Undeclared) > 0 {
		fmt.Fprintln(tw, "\nUndeclared flows accepted")
		for _, c := range r.Undeclared {
			fmt.Fprintf(tw, "  %s\t%d records, %d bytes\t%s\n", conversationText(c), c.Accepted, c.Bytes, c.Rule)
		}
	}
	if len(r.Rejects) > 0 {
		fmt.Fprintln(tw, "\nRejected, by cause")
		for _, rc := range r.Rejects {
			fmt.Fprintf(tw, "  %d records: %s\n", rc.Records, rc.Cause)
			for _, c := range rc.Conversations {
				fmt.Fprintf(tw, "    %s\t%d rejected\n", conversationText(c), c.Rejected)
			}
		}
	}
	if len(r.Translated) > 0 {
		fmt.Fprintln(tw, "\nTranslated (NAT), by their real ends")
		for _, c := range r.Translated {
			fmt.Fprintf(tw, "  %s\t%d records, %d bytes\n", conversationText(c), c.Records, c.Bytes)
		}
	}
	if len(r.TopTalkers) > 0 {
		fmt.Fprintln(tw, "\nTop talkers")
		for _, c := range r.TopTalkers {
			fmt.Fprintf(tw, "  %s\t%d bytes\t%d packets\n", conversationText(c), c.Bytes, c.Packets)
		}
	}
	tw.Flush()
	return b.String()
}
