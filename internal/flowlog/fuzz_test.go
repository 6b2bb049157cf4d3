package flowlog

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse: any line in any format either parses or is an error, never
// a panic; what parses, Append writes back so Parse reads the same
// record. Seeds: every record of the fixtures (testdata/records) and the
// corpus in testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	f.Add("version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status", string(sample[:50]))
	f.Add(DefaultFormat().String(), "2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA")
	f.Fuzz(func(t *testing.T, format, line string) {
		fm, err := ParseFormat(format)
		if err != nil {
			return
		}
		var r Record
		if err := fm.Parse([]byte(line), &r); err != nil {
			return
		}
		out := fm.Append(nil, &r)
		var back Record
		if err := fm.Parse(out, &back); err != nil {
			t.Fatalf("Parse(%q) = %v after Append of a parsed record", out, err)
		}
		if a, b := describe(fm, &r), describe(fm, &back); a != b {
			t.Fatalf("round trip:\n%s\n%s", a, b)
		}
	})
}

// FuzzReader: any bytes (text, JSON, gzip) read to the end without a
// panic, and every record the reader returns re-parses in its format.
func FuzzReader(f *testing.F) {
	files, _ := filepath.Glob("testdata/records/*.txtar")
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		if i := bytes.Index(b, []byte("-- log --\n")); i >= 0 {
			b = b[i+len("-- log --\n"):]
			if j := bytes.Index(b, []byte("\n-- ")); j >= 0 {
				b = b[:j+1]
			}
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rd, err := NewReader(bytes.NewReader(data), nil)
		if err != nil {
			return
		}
		for range 100_000 {
			rec, err := rd.Next()
			if errors.Is(err, io.EOF) || err != nil {
				return
			}
			line := rd.Format().Append(nil, rec)
			var back Record
			if err := rd.Format().Parse(line, &back); err != nil {
				t.Fatalf("record %q does not re-parse: %v", line, err)
			}
		}
	})
}
