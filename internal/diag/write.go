package diag

import (
	"bytes"
	"fmt"
	"io"
	"strings"
)

// WriteOptions controls how diagnostics are printed.
type WriteOptions struct {
	// Sources maps a filename to its contents, for the snippet under each
	// diagnostic. A file not in the map gets no snippet.
	Sources map[string][]byte
	// Color adds ANSI colour. Callers set it only for terminals, never when
	// NO_COLOR is set.
	Color bool
}

// Write prints each diagnostic as "file:line:col: severity: summary", the
// offending source line with a caret under the column, and the detail.
func Write(w io.Writer, ds Diagnostics, opt WriteOptions) error {
	var b bytes.Buffer
	for _, d := range ds {
		sev := d.Severity.String()
		if opt.Color {
			code := "31" // red
			if d.Severity == Warning {
				code = "33" // yellow
			}
			sev = "\x1b[1;" + code + "m" + sev + "\x1b[0m"
		}
		if d.Subject != nil {
			b.WriteString(d.Subject.Filename)
			if d.Subject.Start.IsValid() {
				fmt.Fprintf(&b, ":%s", d.Subject.Start)
			}
			b.WriteString(": ")
		}
		fmt.Fprintf(&b, "%s: %s\n", sev, d.Summary)
		if d.Subject != nil && d.Subject.Start.IsValid() {
			if line, ok := sourceLine(opt.Sources[d.Subject.Filename], d.Subject.Start.Line); ok {
				fmt.Fprintf(&b, "  %4d | %s\n", d.Subject.Start.Line, line)
				col := max(d.Subject.Start.Column, 1)
				// Keep tabs so the caret lines up under tab-indented text.
				pad := []rune(line)
				var caret strings.Builder
				for i := 0; i < col-1 && i < len(pad); i++ {
					if pad[i] == '\t' {
						caret.WriteByte('\t')
					} else {
						caret.WriteByte(' ')
					}
				}
				fmt.Fprintf(&b, "       | %s^\n", caret.String())
			}
		}
		if d.Detail != "" {
			for _, l := range strings.Split(d.Detail, "\n") {
				fmt.Fprintf(&b, "  %s\n", l)
			}
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

// sourceLine returns line n (1-based) of src without its line ending.
func sourceLine(src []byte, n int) (string, bool) {
	if src == nil || n < 1 {
		return "", false
	}
	for i := 1; ; i++ {
		line, rest, found := bytes.Cut(src, []byte("\n"))
		if i == n {
			return strings.TrimRight(string(line), "\r"), true
		}
		if !found {
			return "", false
		}
		src = rest
	}
}
