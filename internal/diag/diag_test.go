package diag

import (
	"bytes"
	"strings"
	"testing"
)

func at(line, col int) *Range {
	return &Range{Filename: "s.yaml", Start: Pos{line, col}, End: Pos{line, col}}
}

func TestWriteSnippet(t *testing.T) {
	src := []byte("version: 1\nservices:\n\tweb:\n\t  prot: 1\n")
	ds := Diagnostics{
		{Severity: Error, Summary: `unknown key "prot"`, Detail: "Did you mean \"port\"?\nSecond line.", Subject: at(4, 4)},
		{Severity: Warning, Summary: "no position", Subject: &Range{Filename: "s.yaml"}},
		{Severity: Error, Summary: "no subject"},
	}
	var b bytes.Buffer
	if err := Write(&b, ds, WriteOptions{Sources: map[string][]byte{"s.yaml": src}}); err != nil {
		t.Fatal(err)
	}
	want := "s.yaml:4:4: error: unknown key \"prot\"\n" +
		"     4 | \t  prot: 1\n" +
		"       | \t  ^\n" +
		"  Did you mean \"port\"?\n  Second line.\n" +
		"s.yaml: warning: no position\n" +
		"error: no subject\n"
	if got := b.String(); got != want {
		t.Errorf("Write() =\n%s\nwant\n%s", got, want)
	}
}

func TestWriteColour(t *testing.T) {
	var b bytes.Buffer
	Write(&b, Diagnostics{{Severity: Warning, Summary: "w"}}, WriteOptions{Color: true})
	if !strings.Contains(b.String(), "\x1b[1;33mwarning\x1b[0m") {
		t.Errorf("Write with colour = %q; want a yellow warning", b.String())
	}
}

func TestSortAndErrors(t *testing.T) {
	ds := Diagnostics{
		{Severity: Warning, Summary: "b", Subject: at(3, 1)},
		{Severity: Error, Summary: "a", Subject: at(3, 1)},
		{Severity: Error, Summary: "c", Subject: at(1, 5)},
		{Severity: Warning, Summary: "none"},
	}
	ds.Sort()
	var got []string
	for _, d := range ds {
		got = append(got, d.Summary)
	}
	if strings.Join(got, ",") != "none,c,a,b" {
		t.Errorf("Sort order = %v; want none,c,a,b", got)
	}
	if !ds.HasErrors() || len(ds.Errors()) != 2 || len(ds) != 4 {
		t.Errorf("HasErrors/Errors wrong: %v", ds.Errors())
	}
	if (Diagnostics{{Severity: Warning}}).HasErrors() {
		t.Error("warnings alone count as errors")
	}
}

func TestSeverityText(t *testing.T) {
	for _, s := range []Severity{Error, Warning, Note} {
		b, err := s.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back Severity
		if err := back.UnmarshalText(b); err != nil || back != s {
			t.Errorf("%v: round trip gave %v, %v", s, back, err)
		}
	}
	if got := []string{Error.String(), Warning.String(), Note.String()}; got[0] != "error" || got[1] != "warning" || got[2] != "note" {
		t.Errorf("names = %v", got)
	}
	if !(Error < Warning && Warning < Note) {
		t.Error("severities must order most severe first; findings sort on it")
	}
	var s Severity
	if err := s.UnmarshalText([]byte("fatal")); err == nil {
		t.Error("unknown severity accepted")
	}
}
