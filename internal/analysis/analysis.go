package analysis

import (
	"cmp"
	"net/netip"
	"slices"
	"strings"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/diag"
)

// Finding is one problem the analyzer found.
type Finding struct {
	Check    string        `json:"check"`
	Severity diag.Severity `json:"severity"`
	Summary  string        `json:"summary"`
	// Subject is the design object the finding is about.
	Subject string `json:"subject,omitempty"`
	// Origin is the spec line it comes from, when known.
	Origin *diag.Range `json:"origin,omitempty"`
	// Path is the blocked path of a declared flow, or the witness path of
	// an undeclared one.
	Path *Path `json:"path,omitempty"`

	// severitySet marks a finding whose severity differs from its check's.
	severitySet bool
}

// as returns f with a severity other than its check's.
func (f Finding) as(s diag.Severity) Finding {
	f.Severity, f.severitySet = s, true
	return f
}

// Report is everything one analysis found.
type Report struct {
	Findings []Finding `json:"findings"`
	Matrix   []Cell    `json:"matrix"`
}

// Analyze runs intent and every check on a design.
func Analyze(d *design.Design) *Report {
	return AnalyzeFrom(d, everywhere)
}

// onImported are the checks that mean something on a network netwright
// did not design; the rest judge what the planner made.
var onImported = map[string]bool{"NW106": true, "NW114": true, "NW150": true}

// AnalyzeFrom is Analyze with exposure (NW150) asked about the range from
// instead of the whole internet. On an imported network it runs the
// checks that apply to one (onImported) and no intent: nothing was
// declared.
func AnalyzeFrom(d *design.Design, from netip.Prefix) *Report {
	e := NewEngine(d)
	e.from = from
	r := &Report{}
	for _, c := range checklist() {
		if d.Imported() && !onImported[c.ID] {
			continue
		}
		for _, f := range c.run(d, e) {
			f.Check = c.ID
			if !f.severitySet {
				f.Severity = c.Severity
			}
			r.Findings = append(r.Findings, f)
		}
	}
	if !d.Imported() {
		_, r.Matrix = e.intent()
	}
	sortFindings(r.Findings)
	if r.Findings == nil {
		r.Findings = []Finding{}
	}
	return r
}

// Count returns the number of findings of a severity.
func (r *Report) Count(s diag.Severity) int {
	n := 0
	for _, f := range r.Findings {
		if f.Severity == s {
			n++
		}
	}
	return n
}

func sortFindings(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.Severity, b.Severity), strings.Compare(a.Check, b.Check),
			strings.Compare(a.Subject, b.Subject), strings.Compare(a.Summary, b.Summary))
	})
}
