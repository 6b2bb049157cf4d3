package analysis

import (
	"cmp"
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
	e := NewEngine(d)
	r := &Report{}
	for _, c := range checklist() {
		for _, f := range c.run(d, e) {
			f.Check = c.ID
			if !f.severitySet {
				f.Severity = c.Severity
			}
			r.Findings = append(r.Findings, f)
		}
	}
	_, r.Matrix = e.intent()
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
