package alb

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/netwright/netwright/internal/runtime/runtimetest"
)

// rawTarget answers each request with the head (and the body of a
// chunked or sized request) it received, as it came.
func rawTarget(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				br := bufio.NewReader(c)
				for {
					c.SetReadDeadline(time.Now().Add(10 * time.Second))
					var head strings.Builder
					length, chunked := 0, false
					for {
						line, err := br.ReadString('\n')
						if err != nil {
							return
						}
						head.WriteString(line)
						if line == "\r\n" {
							break
						}
						name, value, _ := strings.Cut(strings.TrimSpace(line), ":")
						switch value = strings.TrimSpace(value); {
						case strings.EqualFold(name, "Content-Length"):
							length, _ = strconv.Atoi(value)
						case strings.EqualFold(name, "Transfer-Encoding"):
							chunked = true
						}
					}
					var body []byte
					if chunked {
						body, _ = io.ReadAll(httputil.NewChunkedReader(br))
						br.ReadString('\n') // the last chunk's blank line
					} else {
						body = make([]byte, length)
						io.ReadFull(br, body)
					}
					seen := head.String() + string(body)
					io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: "+strconv.Itoa(len(seen))+"\r\n\r\n"+seen)
				}
			}()
		}
	}()
	return ln.Addr().String()
}

// rawExchange sends raw down a new connection to addr and reads one
// answer; closed reports whether the connection ended after it, waited
// for long when the caller expects it to end, briefly when not (a busy
// machine can only make a closing connection look kept, never the
// reverse).
func rawExchange(t *testing.T, addr, raw string, expectClosed bool) (resp *http.Response, body string, closed bool) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(c, raw)
	br := bufio.NewReader(c)
	resp, err = http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("%q: %v", raw, err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	wait := 200 * time.Millisecond
	if expectClosed {
		wait = 5 * time.Second
	}
	c.SetReadDeadline(time.Now().Add(wait))
	_, err = br.ReadByte()
	return resp, string(b), err == io.EOF
}

// TestDesyncMitigation: requests are classified as ALB's desync
// mitigation does and handled as its default, defensive mode: compliant
// and acceptable ones served on kept connections, ambiguous ones (both
// Content-Length and Transfer-Encoding) served with the body framed by
// Transfer-Encoding and then both connections closed, severe ones (two
// different Content-Lengths) refused with 400; each logged with its
// classification and reason, on the data path and on a request handed
// to the full path alike.
func TestDesyncMitigation(t *testing.T) {
	var logged runtimetest.Buffer
	x := plainListener(t, 5*time.Second, Options{AccessLog: NewAccessLog(&logged)})
	x.Register("tg", "raw", rawTarget(t))
	_, addr := serveFastPath(t, x, 5*time.Second)
	for i, tt := range []struct {
		name, raw        string
		code             int
		closed           bool
		tier, reason     string
		seen, notSeen    string
		fromLoadBalancer bool
	}{
		{"compliant", "GET /ok HTTP/1.1\r\nHost: a\r\n\r\n", 200, false, "-", "-", "", "", false},
		{"acceptable", "GET /zero HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n", 200, false, "Acceptable", "GetHeadZeroContentLength", "", "", false},
		{"ambiguous", "POST /cl-te HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
			200, true, "Ambiguous", "BothTeClPresent", "\r\n\r\nabc", "Content-Length", false},
		{"severe", "POST /two HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400, true, "Severe", "MultipleContentLength", "", "", true},
		{"ambiguous, handed over", "GET /fixed HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
			200, true, "Ambiguous", "BothTeClPresent", "fixed", "", false},
	} {
		resp, body, closed := rawExchange(t, addr, tt.raw, tt.closed)
		if resp.StatusCode != tt.code || closed != tt.closed {
			t.Errorf("%s: %d, connection closed %v; want %d, closed %v", tt.name, resp.StatusCode, closed, tt.code, tt.closed)
		}
		if tt.fromLoadBalancer && resp.Header.Get("Server") != "awselb/2.0" {
			t.Errorf("%s: answered by %q; want ALB's own page", tt.name, resp.Header.Get("Server"))
		}
		if !strings.Contains(body, tt.seen) || tt.notSeen != "" && strings.Contains(body, tt.notSeen) {
			t.Errorf("%s: the target saw %q; want %q in it and not %q", tt.name, body, tt.seen, tt.notSeen)
		}
		for deadline := time.Now().Add(5 * time.Second); strings.Count(logged.String(), "\n") <= i && time.Now().Before(deadline); {
			time.Sleep(5 * time.Millisecond)
		}
		lines := strings.Split(strings.TrimSuffix(logged.String(), "\n"), "\n")
		if len(lines) != i+1 {
			t.Fatalf("%s: %d access-log lines after %d requests", tt.name, len(lines), i+1)
		}
		if f := splitLogLine(t, lines[i]); f["classification"] != tt.tier || f["classification_reason"] != tt.reason {
			t.Errorf("%s: logged classification %q, reason %q; want %q, %q", tt.name, f["classification"], f["classification_reason"], tt.tier, tt.reason)
		}
	}
}

// TestClassifyHead: the classification of heads, worst reason first.
func TestClassifyHead(t *testing.T) {
	for _, tt := range []struct{ raw, tier, reason string }{
		{"GET / HTTP/1.1\r\nHost: a\r\n\r\n", "-", "-"},
		{"GET / HTTP/1.1\nHost: a\n\n", "Acceptable", "NonCrLfLineTermination"},
		{"GET /a b HTTP/1.1\r\nHost: a\r\n\r\n", "Acceptable", "SpaceInUri"},
		{"GET / HTTP/1.2\r\nHost: a\r\n\r\n", "Acceptable", "NonCompliantVersion"},
		{"GET / HTTP/1.1\r\nHost: a\r\nX-Name: caf\xc3\xa9\r\n\r\n", "Acceptable", "NonCompliantHeader"},
		{"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n", "Ambiguous", "UndefinedContentLengthSemantics"},
		{"GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n", "Ambiguous", "UndefinedTransferEncodingSemantics"},
		{"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n", "Ambiguous", "DuplicateContentLength"},
		{"POST / HTTP/1.1\r\nHost: a\r\nTransfer_Encoding: chunked\r\n\r\n", "Ambiguous", "SuspiciousHeader"},
		{"POST / HTTP/1.1\r\nHost: a\r\nContent-Length : 5\r\n\r\n", "Ambiguous", "SuspiciousHeader"},
		{"POST / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n", "Ambiguous", "MultilineHeader"},
		{"POST / HTTP/1.1\r\nHost: a\r\nno colon\r\n\r\n", "Ambiguous", "MissingHeaderColon"},
		{"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: x\r\n\r\n", "Severe", "BadContentLength"},
		{"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", "Severe", "BadTransferEncoding"},
		{"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", "Severe", "MultipleTransferEncodingChunked"},
		{"POST / HTTP/9.9\r\nHost: a\r\n\r\n", "Acceptable", "NonCompliantVersion"},
		{"POST / HTTP/1\r\nHost: a\r\n\r\n", "Severe", "BadVersion"},
		{"P(ST / HTTP/1.1\r\nHost: a\r\n\r\n", "Severe", "BadMethod"},
	} {
		c := classifyHead(tt.raw)
		if c.Tier() != tt.tier || c.Reason() != tt.reason {
			t.Errorf("classifyHead(%q) = %s %s; want %s %s", tt.raw, c.Tier(), c.Reason(), tt.tier, tt.reason)
		}
	}
}

// TestOversizedAndInvalidHeaders: a header past net/http's 1 MB gets
// ALB's 400, not 431; with drop_invalid_header_fields a field whose name
// has a space is dropped and the request served, on the data path and
// when it is handed to the full path; without it the field reaches the
// target as it came.
func TestOversizedAndInvalidHeaders(t *testing.T) {
	for _, drop := range []bool{true, false} {
		x := plainListener(t, 5*time.Second, Options{})
		x.lb.DropInvalidHeaders = drop
		x.Register("tg", "raw", rawTarget(t))
		_, addr := serveFastPath(t, x, 5*time.Second)
		resp, body, _ := rawExchange(t, addr, "GET /x HTTP/1.1\r\nHost: a\r\nX User: alice\r\nX-Ok: 1\r\n\r\n", false)
		if resp.StatusCode != 200 || !strings.Contains(body, "X-Ok: 1") || strings.Contains(body, "alice") != !drop {
			t.Errorf("drop_invalid_header_fields %v: %d, the target saw %q", drop, resp.StatusCode, body)
		}
		if drop {
			if resp, body, _ := rawExchange(t, addr, "GET /fixed HTTP/1.1\r\nHost: a\r\nX User: alice\r\n\r\n", false); resp.StatusCode != 200 || body != "fixed" {
				t.Errorf("a fixed response with a dropped field: %d %q; want 200 fixed", resp.StatusCode, body)
			}
		}
	}
	x := plainListener(t, 5*time.Second, Options{})
	_, addr := serveFastPath(t, x, 5*time.Second)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(20 * time.Second))
	go func() {
		io.WriteString(c, "GET /big HTTP/1.1\r\nHost: a\r\nX-Big: "+strings.Repeat("b", 1100<<10)+"\r\n\r\n")
	}()
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Server") != "awselb/2.0" {
		t.Errorf("a header past 1 MB: %s from %q; want ALB's 400", resp.Status, resp.Header.Get("Server"))
	}
}
