// Package diag holds netwright's diagnostics: problems found in a spec, a plan
// or a design, each with a severity, a one-line summary, a detail that says how
// to fix it, and the source range it concerns.
//
// Every stage that can find problems returns them all at once as Diagnostics
// instead of stopping at the first, so a user fixes a file in one pass. diag
// owns the data and its text rendering; it does not decide what is a problem.
package diag

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Severity says whether a diagnostic stops the run.
type Severity int

const (
	// Error means the input cannot be used as it is.
	Error Severity = iota
	// Warning means the input works but something in it is probably not what
	// the user wants, or an export will drop a setting.
	Warning
	// Note is advice: nothing is wrong, but something could be simpler.
	Note
)

// String returns "error", "warning" or "note".
func (s Severity) String() string {
	switch s {
	case Warning:
		return "warning"
	case Note:
		return "note"
	}
	return "error"
}

// MarshalText writes the severity as its name.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads "error", "warning" or "note".
func (s *Severity) UnmarshalText(b []byte) error {
	switch string(b) {
	case "error":
		*s = Error
	case "warning":
		*s = Warning
	case "note":
		*s = Note
	default:
		return fmt.Errorf("unknown severity %q", b)
	}
	return nil
}

// Pos is a 1-based line and column in a source file. The zero Pos means
// "no position".
type Pos struct {
	Line   int `json:"line"`
	Column int `json:"column"`
}

// IsValid reports whether p points somewhere.
func (p Pos) IsValid() bool { return p.Line > 0 }

// String returns "line:column".
func (p Pos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Column) }

// Range is the part of a file a diagnostic is about. End may equal Start.
type Range struct {
	Filename string `json:"filename"`
	Start    Pos    `json:"start"`
	End      Pos    `json:"end"`
}

// Diagnostic is one problem.
type Diagnostic struct {
	Severity Severity `json:"severity"`
	// Summary is one line, lowercase, with no final period.
	Summary string `json:"summary"`
	// Detail says why it is a problem and how to fix it, in sentences.
	Detail string `json:"detail,omitempty"`
	// Subject is where the problem is, or nil when it concerns no one place.
	Subject *Range `json:"subject,omitempty"`
	// Suggestions are the values Detail proposes (a CIDR block, a prefix
	// length, a count, a quota), so a tool or a test can use them without
	// reading the text.
	Suggestions []Suggestion `json:"suggestions,omitempty"`
}

// Suggestion kinds.
const (
	SuggestCIDR         = "cidr"          // an IPv4 block, such as 10.0.0.0/22
	SuggestPrefixLength = "prefix_length" // a prefix length, such as 22
	SuggestCount        = "count"         // how many of something, such as specs to split into
	SuggestQuota        = "quota"         // a Service Quotas value to request
)

// Suggestion is one value a diagnostic's detail proposes.
type Suggestion struct {
	// Kind is one of the Suggest constants.
	Kind string `json:"kind"`
	// For names what the value is for: a spec key ("network.cidr") or a
	// Service Quotas name ("Rules per network ACL").
	For string `json:"for"`
	// Value is the value as the user would write it.
	Value string `json:"value"`
}

// Diagnostics is a list of problems, usually from one stage.
type Diagnostics []Diagnostic

// HasErrors reports whether any diagnostic is an error.
func (ds Diagnostics) HasErrors() bool {
	return slices.ContainsFunc(ds, func(d Diagnostic) bool { return d.Severity == Error })
}

// Errors returns only the errors.
func (ds Diagnostics) Errors() Diagnostics {
	return slices.DeleteFunc(slices.Clone(ds), func(d Diagnostic) bool { return d.Severity != Error })
}

// Sort orders diagnostics by file, line, column, then severity and summary,
// so output is the same on every run.
func (ds Diagnostics) Sort() {
	slices.SortStableFunc(ds, func(a, b Diagnostic) int {
		ar, br := a.rangeOrZero(), b.rangeOrZero()
		return cmp.Or(
			cmp.Compare(ar.Filename, br.Filename),
			cmp.Compare(ar.Start.Line, br.Start.Line),
			cmp.Compare(ar.Start.Column, br.Start.Column),
			cmp.Compare(a.Severity, b.Severity),
			strings.Compare(a.Summary, b.Summary),
		)
	})
}

func (d Diagnostic) rangeOrZero() Range {
	if d.Subject == nil {
		return Range{}
	}
	return *d.Subject
}

// Error makes Diagnostics usable as an error; it lists the summaries.
func (ds Diagnostics) Error() string {
	var b strings.Builder
	for i, d := range ds {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(d.String())
	}
	return b.String()
}

// String returns "file:line:col: severity: summary".
func (d Diagnostic) String() string {
	var b strings.Builder
	if d.Subject != nil {
		b.WriteString(d.Subject.Filename)
		if d.Subject.Start.IsValid() {
			fmt.Fprintf(&b, ":%s", d.Subject.Start)
		}
		b.WriteString(": ")
	}
	fmt.Fprintf(&b, "%s: %s", d.Severity, d.Summary)
	return b.String()
}
