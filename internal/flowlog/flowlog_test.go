package flowlog

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// describe writes the fields a record carries, in its format's order, as
// name=value: what a test compares.
func describe(f *Format, r *Record) string {
	var parts []string
	for _, field := range f.Fields {
		if field == FieldUnknown {
			continue
		}
		v := string(r.AppendField(nil, field))
		if v == "-" || field == FieldLogStatus && !f.Has(FieldLogStatus) {
			continue
		}
		parts = append(parts, field.String()+"="+v)
	}
	return strings.Join(parts, " ")
}

type recordCase struct {
	format, log, want, problems, headers, unknown string
}

func readCase(t *testing.T, file string) recordCase {
	t.Helper()
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var c recordCase
	for _, f := range ar.Files {
		s := string(f.Data)
		switch f.Name {
		case "format":
			c.format = strings.TrimSpace(s)
		case "log":
			c.log = s
		case "want":
			c.want = strings.TrimSpace(s)
		case "problems":
			c.problems = strings.TrimSpace(s)
		case "headers":
			c.headers = strings.TrimSpace(s)
		case "unknown":
			c.unknown = strings.TrimSpace(s)
		default:
			t.Fatalf("unknown section %q", f.Name)
		}
	}
	return c
}

// readAll reads every record of a file and describes each.
func readAll(t *testing.T, in io.Reader, format *Format) (string, *Reader) {
	t.Helper()
	rd, err := NewReader(in, format)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for {
		rec, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		got = append(got, describe(rd.Format(), rec))
	}
	return strings.Join(got, "\n"), rd
}

// TestRecords reads each file in testdata/records (flow logs as AWS
// delivers them, with the records expected beside them), plain and
// gzipped: every field of every record, the unreadable lines with their
// numbers, the header lines, and the fields this build does not know.
func TestRecords(t *testing.T) {
	files, _ := filepath.Glob("testdata/records/*.txtar")
	if len(files) == 0 {
		t.Fatal("no cases")
	}
	for _, file := range files {
		c := readCase(t, file)
		var format *Format
		if c.format != "" {
			var err error
			if format, err = ParseFormat(c.format); err != nil {
				t.Fatalf("%s: format: %v", file, err)
			}
		}
		var zipped bytes.Buffer
		zw := gzip.NewWriter(&zipped)
		zw.Write([]byte(c.log))
		zw.Close()
		for _, v := range []struct {
			name string
			in   io.Reader
		}{{"plain", strings.NewReader(c.log)}, {"gzip", &zipped}} {
			t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar")+"/"+v.name, func(t *testing.T) {
				got, rd := readAll(t, v.in, format)
				if got != c.want {
					t.Errorf("records:\n%s\nwant:\n%s", got, c.want)
				}
				var probs []string
				for _, p := range rd.Problems() {
					probs = append(probs, p.Error())
				}
				if g := strings.Join(probs, "\n"); g != c.problems {
					t.Errorf("problems:\n%s\nwant:\n%s", g, c.problems)
				}
				if rd.Bad() != len(rd.Problems()) {
					t.Errorf("Bad() = %d; want %d", rd.Bad(), len(rd.Problems()))
				}
				if c.headers != "" && strconv.Itoa(rd.Headers()) != c.headers {
					t.Errorf("headers = %d; want %s", rd.Headers(), c.headers)
				}
				if g := strings.Join(rd.Format().Unknown, " "); g != c.unknown {
					t.Errorf("unknown fields = %q; want %q", g, c.unknown)
				}
			})
		}
	}
}

// TestDefaultFormatIsVersion2: the default format is the 14 version 2
// fields in AWS's order, and version 2.
func TestDefaultFormatIsVersion2(t *testing.T) {
	f := DefaultFormat()
	want := "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status"
	if f.String() != want || f.Version() != 2 {
		t.Errorf("DefaultFormat() = %q (version %d); want %q (version 2)", f, f.Version(), want)
	}
}

// TestFieldVersions pins the version that added each field, as AWS's
// table of available fields gives them: a custom format's records carry
// the version of its newest field.
func TestFieldVersions(t *testing.T) {
	want := map[int]string{
		2: "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status",
		3: "vpc-id subnet-id instance-id tcp-flags type pkt-srcaddr pkt-dstaddr",
		4: "region az-id sublocation-type sublocation-id",
		5: "pkt-src-aws-service pkt-dst-aws-service flow-direction traffic-path",
		7: "ecs-cluster-arn ecs-cluster-name ecs-container-instance-arn ecs-container-instance-id ecs-container-id ecs-second-container-id ecs-service-name ecs-task-definition-arn ecs-task-arn ecs-task-id",
		8: "reject-reason",
	}
	got := map[int][]string{}
	for _, f := range Fields() {
		got[f.Version()] = append(got[f.Version()], f.String())
	}
	for v, names := range want {
		if g := strings.Join(got[v], " "); g != names {
			t.Errorf("version %d fields = %q; want %q", v, g, names)
		}
	}
	if len(got) != len(want) {
		t.Errorf("versions %v; want %v", len(got), len(want))
	}
	f, _ := ParseFormat("version srcaddr ecs-task-id")
	if f.Version() != 7 {
		t.Errorf("version of a format with ecs-task-id = %d; want 7", f.Version())
	}
}

func TestParseFormatErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "no fields"},
		{"version srcaddr srcaddr", "field srcaddr is given twice"},
		{"version Src-Addr", `"Src-Addr" is not a flow log field`},
	} {
		if _, err := ParseFormat(tc.in); err == nil || err.Error() != tc.want {
			t.Errorf("ParseFormat(%q) = %v; want %q", tc.in, err, tc.want)
		}
	}
}

// TestAppendRoundTrip: what Append writes, Parse reads back the same, for
// every record of every fixture.
func TestAppendRoundTrip(t *testing.T) {
	files, _ := filepath.Glob("testdata/records/*.txtar")
	for _, file := range files {
		c := readCase(t, file)
		var format *Format
		if c.format != "" {
			format, _ = ParseFormat(c.format)
		}
		rd, _ := NewReader(strings.NewReader(c.log), format)
		for {
			rec, err := rd.Next()
			if err != nil {
				break
			}
			f := rd.Format()
			line := f.Append(nil, rec)
			var back Record
			if err := f.Parse(line, &back); err != nil {
				t.Fatalf("%s: Parse(Append(%s)) = %v", file, describe(f, rec), err)
			}
			if a, b := describe(f, rec), describe(f, &back); a != b {
				t.Errorf("%s: round trip changed the record:\n%s\n%s", file, a, b)
			}
		}
	}
}

var sample = []byte("8 123456789012 eni-0a0000000000task1 10.0.10.25 10.0.20.5 40000 5432 6 10 1200 1714557600 1714557660 ACCEPT OK vpc-0a10000000000000a subnet-0a00000000000app1 3 egress 10.0.10.25 10.0.20.5 -")

// TestParseAllocatesNothing: the hot path, one record, allocates nothing.
func TestParseAllocatesNothing(t *testing.T) {
	f, _ := ParseFormat("version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status vpc-id subnet-id tcp-flags flow-direction pkt-srcaddr pkt-dstaddr reject-reason")
	var r Record
	if n := testing.AllocsPerRun(1000, func() {
		if err := f.Parse(sample, &r); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("Parse allocates %v times per record; want 0", n)
	}
}

// lines is a source of n records, made as they are read into one reused
// buffer, so a test can stream far more than it holds, and the source
// itself allocates almost nothing.
type lines struct {
	n, i int
	buf  []byte
	rest []byte
}

func (l *lines) Read(p []byte) (int, error) {
	total := 0
	for len(p) > 0 {
		if len(l.rest) == 0 {
			if l.i >= l.n {
				break
			}
			l.buf = l.buf[:0]
			if l.i == 0 {
				l.buf = append(l.buf, "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status vpc-id subnet-id tcp-flags flow-direction pkt-srcaddr pkt-dstaddr reject-reason\n"...)
			}
			l.buf = append(l.buf, "8 123456789012 eni-0a0000000000task"...)
			l.buf = strconv.AppendInt(l.buf, int64(l.i%7), 10)
			l.buf = append(l.buf, " 10.0."...)
			l.buf = strconv.AppendInt(l.buf, int64(l.i%250), 10)
			l.buf = append(l.buf, '.')
			l.buf = strconv.AppendInt(l.buf, int64(l.i%200+1), 10)
			l.buf = append(l.buf, " 10.0.20.5 "...)
			l.buf = strconv.AppendInt(l.buf, int64(1024+l.i%60000), 10)
			l.buf = append(l.buf, " 5432 6 10 1200 1714557600 1714557660 ACCEPT OK vpc-0a10000000000000a subnet-0a00000000000app1 3 egress 10.0.10.25 10.0.20.5 -\n"...)
			l.rest = l.buf
			l.i++
		}
		n := copy(p, l.rest)
		p, l.rest, total = p[n:], l.rest[n:], total+n
	}
	if total == 0 {
		return 0, io.EOF
	}
	return total, nil
}

// TestStreamsInConstantMemory reads 200,000 records (about 36 MB) and
// wants the reader's allocations to stay what one buffer costs: they do
// not grow with the input.
func TestStreamsInConstantMemory(t *testing.T) {
	src := &lines{n: 200_000}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	rd, err := NewReader(src, nil)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for {
		_, err := rd.Next()
		if err != nil {
			break
		}
		n++
	}
	runtime.ReadMemStats(&after)
	if n != 200_000 || rd.Bad() != 0 {
		t.Fatalf("read %d records, %d bad; want 200000, 0", n, rd.Bad())
	}
	// The reader's share is its 64 KB buffer and the header's format.
	if got := after.TotalAlloc - before.TotalAlloc; got > 1<<20 {
		t.Errorf("reading 200,000 records allocated %d bytes; want under 1 MB (constant memory)", got)
	}
}

// BenchmarkReader reads records in the form up writes (21 fields), for
// BENCHMARKS.md: throughput in MB/s and allocations per record.
func BenchmarkReader(b *testing.B) {
	var buf bytes.Buffer
	src := &lines{n: 100_000}
	io.Copy(&buf, src)
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		rd, _ := NewReader(bytes.NewReader(data), nil)
		for {
			if _, err := rd.Next(); err != nil {
				break
			}
		}
	}
}

// BenchmarkReaderGzip is the same records gzipped, as S3 delivers them.
func BenchmarkReaderGzip(b *testing.B) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	io.Copy(zw, &lines{n: 100_000})
	zw.Close()
	data := buf.Bytes()
	var plain bytes.Buffer
	io.Copy(&plain, &lines{n: 100_000})
	b.SetBytes(int64(plain.Len()))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		rd, _ := NewReader(bytes.NewReader(data), nil)
		for {
			if _, err := rd.Next(); err != nil {
				break
			}
		}
	}
}
