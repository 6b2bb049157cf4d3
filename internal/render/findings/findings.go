// Package findings writes the analyzer's report for people and machines:
// text grouped by severity with spec snippets, JSON, SARIF 2.1.0 (which
// GitHub code scanning reads) and JUnit XML (which CI systems read). It
// formats; it does not judge.
package findings

import (
	"cmp"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/netwright/netwright/internal/analysis"
	"github.com/netwright/netwright/internal/diag"
)

// Options says where findings come from.
type Options struct {
	// SpecFile is the spec's path, for findings without a line of their
	// own; empty when the design was read from a file.
	SpecFile string
	// Sources maps file names to contents, for snippets in text output.
	Sources map[string][]byte
	// Version is netwright's version, for SARIF.
	Version string
	// Checks are the checks the findings come from (their titles, fixes
	// and SARIF rules): nil means the checklist netwright check runs;
	// diff and flows give their own.
	Checks []analysis.Check
	// Clean is what Text says when there is no finding; empty says what
	// check's clean report means.
	Clean string
}

// checks are the checks findings come from.
func (o Options) checks() []analysis.Check {
	if o.Checks != nil {
		return o.Checks
	}
	return analysis.Checks()
}

func (o Options) check(id string) analysis.Check {
	for _, c := range o.checks() {
		if c.ID == id {
			return c
		}
	}
	return analysis.Check{ID: id}
}

// Text writes the findings grouped by severity, each with its check, its
// blocked or witness path, and a snippet of the spec line it comes from,
// then the all-pairs matrix with what differs from the declared intent.
func Text(w io.Writer, r *analysis.Report, o Options) error {
	var b strings.Builder
	for _, sev := range []diag.Severity{diag.Error, diag.Warning, diag.Note} {
		n := r.Count(sev)
		if n == 0 {
			continue
		}
		fmt.Fprintf(&b, "%s (%d)\n", strings.ToUpper(sev.String())+"S", n)
		for _, f := range r.Findings {
			if f.Severity != sev {
				continue
			}
			c := o.check(f.Check)
			fmt.Fprintf(&b, "  %s %s: %s\n", f.Check, c.Title, f.Summary)
			if f.Origin != nil && f.Origin.Start.IsValid() {
				var snippet strings.Builder
				diag.Write(&snippet, diag.Diagnostics{{Severity: diag.Warning, Summary: "from here", Subject: f.Origin}}, diag.WriteOptions{Sources: o.Sources})
				for _, line := range strings.Split(strings.TrimRight(snippet.String(), "\n"), "\n") {
					fmt.Fprintf(&b, "    %s\n", line)
				}
			}
			if f.Path != nil {
				for _, h := range f.Path.Hops {
					mark := "ok     "
					if !h.Allowed {
						mark = "BLOCKED"
					}
					fmt.Fprintf(&b, "    %s %s: %s\n", mark, h.Where, h.Detail)
				}
			}
			fmt.Fprintf(&b, "    fix: %s\n", c.Fix)
		}
	}
	if len(r.Findings) == 0 {
		b.WriteString(cmp.Or(o.Clean, "No findings: every declared flow passes, nothing else does, and the checklist is clean.") + "\n")
	}
	if o.Checks != nil && len(r.Matrix) == 0 {
		fmt.Fprintf(&b, "\n%d error(s), %d warning(s), %d note(s)\n", r.Count(diag.Error), r.Count(diag.Warning), r.Count(diag.Note))
		_, err := io.WriteString(w, b.String())
		return err
	}
	b.WriteString("\nReachability between services (ports that pass; * marks what differs from intent)\n")
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  FROM\tTO\tTCP\tUDP\tDECLARED\tVIA")
	for _, c := range r.Matrix {
		if c.TCP == "none" && c.UDP == "none" && c.Declared == "none" {
			continue
		}
		mark := ""
		if differs(c) {
			mark = " *"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s%s\t%s\n", c.From, c.To, c.TCP, c.UDP, c.Declared, mark, c.Via)
	}
	tw.Flush()
	fmt.Fprintf(&b, "\n%d error(s), %d warning(s), %d note(s)\n", r.Count(diag.Error), r.Count(diag.Warning), r.Count(diag.Note))
	_, err := io.WriteString(w, b.String())
	return err
}

// differs reports whether a matrix cell passes something other than what
// is declared.
func differs(c analysis.Cell) bool {
	var got []string
	if c.TCP != "none" {
		got = append(got, "tcp "+c.TCP)
	}
	if c.UDP != "none" {
		got = append(got, "udp "+c.UDP)
	}
	gotText := strings.Join(got, ", ")
	if gotText == "" {
		gotText = "none"
	}
	return gotText != c.Declared
}

// JSON writes the report with the checklist it ran (check's report; diff
// and flows write their own documents).
func JSON(w io.Writer, r *analysis.Report) error {
	out := struct {
		Checks []analysis.Check `json:"checks"`
		*analysis.Report
	}{analysis.Checks(), r}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return fmt.Errorf("encode report: %w", err)
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// SARIF writes a SARIF 2.1.0 log with one rule per check.
func SARIF(w io.Writer, r *analysis.Report, o Options) error {
	type text struct {
		Text string `json:"text"`
	}
	type rule struct {
		ID                   string            `json:"id"`
		Name                 string            `json:"name"`
		ShortDescription     text              `json:"shortDescription"`
		FullDescription      text              `json:"fullDescription"`
		Help                 text              `json:"help"`
		DefaultConfiguration map[string]string `json:"defaultConfiguration"`
		Properties           map[string]string `json:"properties,omitempty"`
	}
	type region struct {
		StartLine   int `json:"startLine"`
		StartColumn int `json:"startColumn,omitempty"`
	}
	type physical struct {
		ArtifactLocation map[string]string `json:"artifactLocation"`
		Region           region            `json:"region"`
	}
	type logical struct {
		Name string `json:"name"`
		Kind string `json:"kind"`
	}
	type location struct {
		PhysicalLocation *physical `json:"physicalLocation,omitempty"`
		LogicalLocations []logical `json:"logicalLocations,omitempty"`
	}
	type result struct {
		RuleID    string     `json:"ruleId"`
		Level     string     `json:"level"`
		Message   text       `json:"message"`
		Locations []location `json:"locations"`
	}
	var rules []rule
	for _, c := range o.checks() {
		rl := rule{ID: c.ID, Name: strings.ReplaceAll(c.Title, " ", ""), ShortDescription: text{c.Title}, FullDescription: text{c.Rationale},
			Help: text{c.Fix}, DefaultConfiguration: map[string]string{"level": c.Severity.String()}}
		if c.Peers != "" {
			rl.Properties = map[string]string{"equivalents": c.Peers}
		}
		rules = append(rules, rl)
	}
	results := []result{}
	for _, f := range r.Findings {
		loc := location{}
		switch {
		case f.Origin != nil && f.Origin.Start.IsValid():
			loc.PhysicalLocation = &physical{ArtifactLocation: map[string]string{"uri": f.Origin.Filename}, Region: region{f.Origin.Start.Line, f.Origin.Start.Column}}
		case o.SpecFile != "":
			loc.PhysicalLocation = &physical{ArtifactLocation: map[string]string{"uri": o.SpecFile}, Region: region{StartLine: 1}}
		}
		if f.Subject != "" {
			loc.LogicalLocations = []logical{{Name: f.Subject, Kind: "resource"}}
		}
		results = append(results, result{RuleID: f.Check, Level: f.Severity.String(), Message: text{f.Summary}, Locations: []location{loc}})
	}
	version := o.Version
	if version == "" {
		version = "devel"
	}
	log := map[string]any{
		"$schema": "https://json.schemastore.org/sarif-2.1.0.json",
		"version": "2.1.0",
		"runs": []any{map[string]any{
			"tool": map[string]any{"driver": map[string]any{
				"name": "netwright", "version": version, "informationUri": "https://github.com/netwright/netwright", "rules": rules,
			}},
			"results": results,
		}},
	}
	b, err := json.MarshalIndent(log, "", "  ")
	if err != nil {
		return fmt.Errorf("encode sarif: %w", err)
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// JUnit writes one test case per check, failed by its error and warning
// findings (notes pass).
func JUnit(w io.Writer, r *analysis.Report) error {
	type failure struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
		Text    string `xml:",chardata"`
	}
	type testcase struct {
		Name      string    `xml:"name,attr"`
		Classname string    `xml:"classname,attr"`
		Failures  []failure `xml:"failure"`
	}
	type testsuite struct {
		XMLName  xml.Name   `xml:"testsuite"`
		Name     string     `xml:"name,attr"`
		Tests    int        `xml:"tests,attr"`
		Failures int        `xml:"failures,attr"`
		Cases    []testcase `xml:"testcase"`
	}
	suite := testsuite{Name: "netwright check"}
	for _, c := range analysis.Checks() {
		tc := testcase{Name: c.ID + " " + c.Title, Classname: "netwright." + c.ID}
		for _, f := range r.Findings {
			if f.Check == c.ID && f.Severity != diag.Note {
				tc.Failures = append(tc.Failures, failure{Message: f.Summary, Type: f.Severity.String(), Text: c.Fix})
			}
		}
		if len(tc.Failures) > 0 {
			suite.Failures++
		}
		suite.Cases = append(suite.Cases, tc)
	}
	suite.Tests = len(suite.Cases)
	b, err := xml.MarshalIndent(suite, "", "  ")
	if err != nil {
		return fmt.Errorf("encode junit: %w", err)
	}
	_, err = w.Write(append(append([]byte(xml.Header), b...), '\n'))
	return err
}
