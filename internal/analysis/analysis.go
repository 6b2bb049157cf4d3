package analysis

import (
	"cmp"
	"slices"
	"strings"

	"github.com/netwright/netwright/internal/diag"
)

// Severity of a finding.
type Severity string

// Severities, most severe first.
const (
	SevError   Severity = "error"
	SevWarning Severity = "warning"
	SevNote    Severity = "note"
)

func (s Severity) rank() int {
	switch s {
	case SevError:
		return 0
	case SevWarning:
		return 1
	}
	return 2
}

// Finding is one problem the analyzer found.
type Finding struct {
	Check    string   `json:"check"`
	Severity Severity `json:"severity"`
	Summary  string   `json:"summary"`
	// Subject is the design object the finding is about.
	Subject string `json:"subject,omitempty"`
	// Origin is the spec line it comes from, when known.
	Origin *diag.Range `json:"origin,omitempty"`
	// Path is the blocked path of a declared flow, or the witness path of
	// an undeclared one.
	Path *Path `json:"path,omitempty"`
}

// Report is everything one analysis found.
type Report struct {
	Findings []Finding `json:"findings"`
	Matrix   []Cell    `json:"matrix"`
}

// Count returns the number of findings of a severity.
func (r *Report) Count(s Severity) int {
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
		return cmp.Or(cmp.Compare(a.Severity.rank(), b.Severity.rank()), strings.Compare(a.Check, b.Check),
			strings.Compare(a.Subject, b.Subject), strings.Compare(a.Summary, b.Summary))
	})
}
