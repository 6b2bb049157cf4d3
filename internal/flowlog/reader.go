package flowlog

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// maxLine is the longest line a Reader takes (a record of every field
// with long ARNs is under 2 KB); a longer one is skipped as an error.
const maxLine = 64 << 10

// Problem is a line the Reader could not read, with its number.
type Problem struct {
	Line int
	Err  error
}

func (p Problem) Error() string { return fmt.Sprintf("line %d: %v", p.Line, p.Err) }

// Reader reads flow log records from one file, whatever shape AWS
// delivered it in:
//
//   - text lines of records, in the default format, a custom format
//     given to NewReader, or the format a header line names (S3 delivery
//     writes one at the top of each file; a header further down, as in
//     files joined with cat, changes the format from there on);
//   - lines of a CloudWatch Logs export task, each record after the
//     event's timestamp ("2024-05-01T10:00:00.000Z 2 123456789012 ...");
//   - the JSON the AWS CLI prints for CloudWatch Logs' get-log-events
//     and filter-log-events ({"events": [{"message": ...}, ...]}, pages
//     concatenated or not) or a subscription's payload ({"logEvents":
//     [...]}), each event's message a record;
//   - any of these compressed with gzip (one or several members).
//
// It holds one line at a time. Lines it cannot read are counted and the
// first few kept (Problems); reading goes on.
type Reader struct {
	br     *bufio.Reader
	format *Format
	// fixed is a format given by the caller, which header lines do not
	// change.
	fixed bool
	rec   Record
	line  int
	json  *json.Decoder
	walk  jsonWalk
	// msg is the current JSON event's message.
	msg      []byte
	problems []Problem
	bad      int
	// Headers counts the header lines read.
	headers int
	// closer is the gzip reader, closed at the end.
	closer io.Closer
}

// MaxProblems is how many unreadable lines a Reader keeps; it counts them
// all.
const MaxProblems = 20

// NewReader reads records from r. format is the records' format; nil
// reads the default format until a header line names another.
func NewReader(r io.Reader, format *Format) (*Reader, error) {
	br := bufio.NewReaderSize(r, maxLine)
	rd := &Reader{br: br, format: format, fixed: format != nil}
	if format == nil {
		rd.format = DefaultFormat()
	}
	magic, _ := br.Peek(2)
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		rd.closer = zr
		rd.br = bufio.NewReaderSize(zr, maxLine)
	}
	if first := rd.firstByte(); first == '{' || first == '[' {
		rd.json = json.NewDecoder(rd.br)
	}
	return rd, nil
}

// firstByte is the first byte that is not white space, without consuming
// anything.
func (r *Reader) firstByte() byte {
	for n := 1; n <= 4096; n++ {
		b, err := r.br.Peek(n)
		if len(b) < n {
			return 0
		}
		if c := b[n-1]; c != ' ' && c != '\n' && c != '\r' && c != '\t' {
			return c
		}
		if err != nil {
			return 0
		}
	}
	return 0
}

// Format is the format records are read in now.
func (r *Reader) Format() *Format { return r.format }

// Line is the number of the line (or JSON event) last read.
func (r *Reader) Line() int { return r.line }

// Problems are the first unreadable lines, and Bad how many there were.
func (r *Reader) Problems() []Problem { return r.problems }

// Bad is the number of lines that could not be read.
func (r *Reader) Bad() int { return r.bad }

// Headers is the number of header lines read.
func (r *Reader) Headers() int { return r.headers }

// Next returns the next record, or io.EOF at the end. The record and the
// byte slices in it are valid until the next call.
func (r *Reader) Next() (*Record, error) {
	for {
		line, err := r.nextLine()
		if err != nil {
			if errors.Is(err, io.EOF) && r.closer != nil {
				r.closer.Close()
				r.closer = nil
			}
			return nil, err
		}
		line = bytes.TrimRight(line, "\r\n")
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		line = stripTimestamp(line)
		if isHeader(line) {
			r.headers++
			if r.fixed {
				continue
			}
			f, err := ParseFormat(string(line))
			if err != nil {
				r.problem(err)
				continue
			}
			r.format = f
			continue
		}
		if err := r.format.Parse(line, &r.rec); err != nil {
			r.problem(err)
			continue
		}
		return &r.rec, nil
	}
}

func (r *Reader) problem(err error) {
	r.bad++
	if len(r.problems) < MaxProblems {
		r.problems = append(r.problems, Problem{Line: r.line, Err: err})
	}
}

// nextLine is the next line of text, or the next JSON event's message.
func (r *Reader) nextLine() ([]byte, error) {
	if r.json != nil {
		return r.nextEvent()
	}
	for {
		line, err := r.br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			// A line longer than any record: skip to its end.
			r.line++
			r.problem(fmt.Errorf("longer than %d bytes", maxLine))
			for errors.Is(err, bufio.ErrBufferFull) {
				_, err = r.br.ReadSlice('\n')
			}
			if err != nil {
				return nil, eof(err)
			}
			continue
		}
		if len(line) == 0 && err != nil {
			return nil, eof(err)
		}
		r.line++
		return line, nil
	}
}

func eof(err error) error {
	if errors.Is(err, io.EOF) {
		return io.EOF
	}
	return err
}

// event is one CloudWatch Logs event as the AWS CLI prints it.
type event struct {
	Message string `json:"message"`
}

// jsonWalk is where a Reader is in a JSON document: the containers it is
// in, whether the next string in the innermost object is a key, and the
// depth of the events array it is reading, if any.
type jsonWalk struct {
	stack     []byte // '{' or '['
	expectKey []bool
	pending   bool // the last key was events or logEvents
	events    int  // depth of the events array, or 0
}

// nextEvent walks the JSON documents for arrays named events or
// logEvents and returns each event's message in turn; one event is
// decoded at a time.
func (r *Reader) nextEvent() ([]byte, error) {
	w := &r.walk
	for {
		if w.events > 0 && len(w.stack) == w.events && r.json.More() {
			var ev event
			r.line++
			if err := r.json.Decode(&ev); err != nil {
				return nil, fmt.Errorf("event %d: %w", r.line, err)
			}
			r.msg = append(r.msg[:0], ev.Message...)
			return r.msg, nil
		}
		tok, err := r.json.Token()
		if err != nil {
			if errors.Is(err, io.EOF) && len(w.stack) == 0 {
				return nil, io.EOF
			}
			return nil, fmt.Errorf("json: %w", err)
		}
		inObject := len(w.stack) > 0 && w.stack[len(w.stack)-1] == '{'
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				if len(w.stack) >= 64 {
					return nil, errors.New("json: nested too deep")
				}
				w.stack = append(w.stack, byte(t))
				w.expectKey = append(w.expectKey, t == '{')
				if t == '[' && w.pending && w.events == 0 {
					w.events = len(w.stack)
				}
			case '}', ']':
				if w.events == len(w.stack) {
					w.events = 0
				}
				w.stack, w.expectKey = w.stack[:len(w.stack)-1], w.expectKey[:len(w.expectKey)-1]
				if len(w.expectKey) > 0 {
					w.expectKey[len(w.expectKey)-1] = w.stack[len(w.stack)-1] == '{'
				}
			}
			w.pending = false
		case string:
			if inObject && w.expectKey[len(w.expectKey)-1] {
				w.expectKey[len(w.expectKey)-1] = false
				w.pending = t == "events" || t == "logEvents"
				continue
			}
			w.pending = false
			if inObject {
				w.expectKey[len(w.expectKey)-1] = true
			}
		default:
			w.pending = false
			if inObject {
				w.expectKey[len(w.expectKey)-1] = true
			}
		}
	}
}

// stripTimestamp removes the timestamp a CloudWatch Logs export task
// writes before each event ("2024-05-01T10:00:00.000Z ").
func stripTimestamp(line []byte) []byte {
	if len(line) > 20 && line[4] == '-' && line[7] == '-' && line[10] == 'T' && line[0] >= '0' && line[0] <= '9' {
		if i := bytes.IndexByte(line, ' '); i > 0 && line[i-1] == 'Z' {
			return line[i+1:]
		}
	}
	return line
}

// isHeader reports whether a line is a header: its first word is a field
// name (a record's first value never is).
func isHeader(line []byte) bool {
	line = bytes.TrimLeft(line, " \t")
	end := bytes.IndexAny(line, " \t")
	if end < 0 {
		end = len(line)
	}
	first := line[:end]
	if len(first) > 3 && first[0] == '$' && first[1] == '{' && first[len(first)-1] == '}' {
		first = first[2 : len(first)-1]
	}
	if len(first) == 0 || first[0] < 'a' || first[0] > 'z' {
		return false
	}
	for f := FieldVersion; f < numFields; f++ {
		if string(first) == fieldInfo[f].name {
			return true
		}
	}
	return false
}
