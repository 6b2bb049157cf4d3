package alb

import (
	"bytes"
	"crypto/tls"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/netwright/netwright/internal/clock/clocktest"
)

// fmtLine is how log built a line before it appended its fields itself:
// fmt and string concatenation. The line log writes must stay this one,
// byte for byte.
func fmtLine(x *Listener, r *logRequest, ex *exchange, done time.Time) string {
	iso := func(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000Z") }
	q := func(s string) string {
		if s == "" {
			s = "-"
		}
		return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
	}
	dash := func(s string) string {
		if s == "" {
			return "-"
		}
		return s
	}
	typ := r.typ
	if x.tls {
		switch typ {
		case "http":
			typ = "https"
		case "ws":
			typ = "wss"
		case "grpc":
			typ = "grpcs"
		}
	}
	target, tgARN, targetStatus := "-", "-", "-"
	reqTime, targetTime, respTime := -1.0, -1.0, -1.0
	if ex.t != nil {
		target = ex.t.addr
		tgARN = x.arn("targetgroup", ex.tg)
	}
	if !ex.sent.IsZero() {
		reqTime = ex.sent.Sub(ex.received).Seconds()
	}
	if !ex.headers.IsZero() {
		targetTime = ex.headers.Sub(ex.sent).Seconds()
		respTime = done.Sub(ex.headers).Seconds()
		targetStatus = strconv.Itoa(ex.targetStatus)
	} else if ex.t == nil && !ex.rejected {
		reqTime = 0
		respTime = 0
	}
	status := r.code
	if status == 0 {
		status = ex.elbStatus
	}
	if status == 0 {
		status = StatusClientClosed
	}
	cipher, proto, domain := "-", "-", "-"
	if r.tls != nil {
		cipher, proto = cipherName(r.tls.CipherSuite), tlsVersionName(r.tls.Version)
		if r.tls.ServerName != "" {
			domain = r.tls.ServerName
		}
	}
	scheme := "http"
	if x.tls {
		scheme = "https"
	}
	host := r.host
	if !strings.Contains(host, ":") {
		host += ":" + strconv.Itoa(x.l.Port)
	}
	request := r.method + " " + scheme + "://" + host + r.uri + " " + r.proto
	priority := strconv.Itoa(ex.priority)
	if ex.action == "" {
		priority = "-"
	}
	targets, statuses := "-", "-"
	if ex.t != nil {
		targets, statuses = target, targetStatus
	}
	return fmt.Sprintf("%s %s %s %s %s %.3f %.3f %.3f %d %s %d %d %s %s %s %s %s %s %s %s %s %s %s %s %s %s %s %s %s -\n",
		typ, iso(done), x.arn("app", x.lb.Name), r.remote, target, reqTime, targetTime, respTime,
		status, targetStatus, r.received, r.sent,
		q(request), q(r.userAgent), cipher, proto, tgARN, q(ex.trace), q(domain), `"-"`,
		priority, iso(ex.received), q(dash(ex.action)), q(dash(ex.redirect)), q(dash(ex.errorReason)),
		q(targets), q(statuses), q(ex.class.Tier()), q(ex.class.Reason()))
}

// TestAccessLogLine checks the line log appends against fmtLine's for
// every shape of request: forwarded or answered by the load balancer,
// rejected, a client that left, TLS or not, with quotes and backslashes
// to escape, a host with or without its port, sub-millisecond and
// negative times.
func TestAccessLogLine(t *testing.T) {
	received := time.Date(2026, 11, 28, 12, 0, 0, 123456789, time.UTC)
	done := received.Add(1234567 * time.Microsecond)
	tgt := &target{id: "t1", addr: "127.0.0.1:9101"}
	session := &tls.ConnectionState{Version: tls.VersionTLS13, CipherSuite: tls.TLS_AES_128_GCM_SHA256, ServerName: "shop.example.com"}
	reqs := []*logRequest{
		{typ: "http", remote: "10.0.1.5:40000", method: "GET", host: "api.internal", uri: "/api/orders?id=7", proto: "HTTP/1.1", userAgent: "wrk", received: 61, sent: 120, code: 200},
		{typ: "ws", remote: "[::1]:5", method: "GET", host: `h:8080`, uri: `/a"b\c`, proto: "HTTP/1.0", userAgent: `curl "quoted" \ back`, tls: session, code: 101},
		{typ: "grpc", remote: "1.2.3.4:1", method: "POST", host: "g", uri: "/svc/M", proto: "HTTP/2.0", code: 0},
		{typ: "h2", remote: "1.2.3.4:1", method: "PUT", host: "x", uri: "/", proto: "HTTP/2.0", userAgent: "", code: 503, tls: &tls.ConnectionState{Version: tls.VersionTLS12, CipherSuite: tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256}},
	}
	exs := []*exchange{
		{received: received, trace: "Root=1-abc-def", priority: 10, action: "forward", t: tgt, tg: "tg-rr",
			sent: received.Add(150 * time.Microsecond), headers: received.Add(900 * time.Microsecond), targetStatus: 200},
		{received: received, priority: 0, action: "redirect", redirect: `https://x/"y"`},
		{received: received, action: "forward", t: tgt, tg: "tg-lor", sent: received.Add(time.Millisecond), elbStatus: StatusClientClosed,
			errorReason: "TargetConnectionError", class: desyncClass{tier: ambiguous, reason: "AmbiguousUri"}},
		{received: received, rejected: true, class: desyncClass{tier: severe, reason: "BadContentLength"}},
		{received: received, action: "fixed-response", priority: 50000},
		{received: done.Add(time.Second), action: "forward", t: tgt, tg: "not-a-group", sent: done.Add(2 * time.Second), headers: done.Add(3 * time.Second), targetStatus: 502},
	}
	for _, secure := range []bool{false, true} {
		x := listener(t, time.Second)
		x.tls, x.region = secure, "eu-west-1"
		x.now = func() time.Time { return done }
		var buf bytes.Buffer
		x.accessLog = NewAccessLog(&buf)
		for i, r := range reqs {
			for j, ex := range exs {
				buf.Reset()
				x.log(r, ex)
				if want := fmtLine(x, r, ex, done); buf.String() != want {
					t.Errorf("tls %v, request %d, exchange %d:\n got %q\nwant %q", secure, i, j, buf.String(), want)
				}
			}
		}
		// The cached ARNs follow a change of region.
		x.region = "us-east-1"
		buf.Reset()
		x.log(reqs[0], exs[0])
		if want := fmtLine(x, reqs[0], exs[0], done); buf.String() != want || !strings.Contains(want, ":us-east-1:") {
			t.Errorf("after a change of region:\n got %q\nwant %q", buf.String(), want)
		}
	}
}

// TestBufferedAccessLog: a buffered log writes nothing until its delay
// passes on its clock, or 64 KB gathered, or Flush; then the lines
// whole and in order, in one write.
func TestBufferedAccessLog(t *testing.T) {
	clk := clocktest.New(t)
	var w countingWriter
	l := NewBufferedAccessLog(&w, clk, 100*time.Millisecond)
	l.write([]byte("one\n"))
	l.write([]byte("two\n"))
	if w.buf.Len() != 0 {
		t.Fatalf("written before the delay: %q", w.buf.String())
	}
	clk.AdvanceAndWait(99 * time.Millisecond)
	if w.buf.Len() != 0 {
		t.Fatalf("written 1 ms before the delay: %q", w.buf.String())
	}
	clk.AdvanceAndWait(time.Millisecond)
	if w.buf.String() != "one\ntwo\n" || w.writes != 1 {
		t.Fatalf("after the delay: %q in %d writes; want both lines in one", w.buf.String(), w.writes)
	}
	// The next batch waits its own delay, from its first line.
	clk.AdvanceAndWait(time.Second)
	l.write([]byte("three\n"))
	clk.AdvanceAndWait(50 * time.Millisecond)
	if w.writes != 1 {
		t.Fatalf("the second batch written early: %q", w.buf.String())
	}
	if err := l.Flush(); err != nil || w.buf.String() != "one\ntwo\nthree\n" || w.writes != 2 {
		t.Fatalf("after Flush: %q in %d writes (%v)", w.buf.String(), w.writes, err)
	}
	clk.AdvanceAndWait(time.Second) // the stopped timer writes nothing more
	if w.writes != 2 {
		t.Fatalf("%d writes after Flush had written everything", w.writes)
	}
	// 64 KB gathered go at once, before any delay.
	line := []byte(strings.Repeat("x", 1023) + "\n")
	for range 64 {
		l.write(line)
	}
	if w.writes != 3 || w.buf.Len() != len("one\ntwo\nthree\n")+64<<10 {
		t.Fatalf("64 KB gathered: %d writes, %d bytes", w.writes, w.buf.Len())
	}
	if err := l.Flush(); err != nil || w.writes != 3 {
		t.Fatalf("Flush with nothing waiting: %d writes (%v)", w.writes, err)
	}
}

type countingWriter struct {
	buf    bytes.Buffer
	writes int
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.writes++
	return w.buf.Write(p)
}

// TestAccessLogAllocatesNothing: with access logs on, a request's line
// costs no allocation (TestNoAllocs covers the rest of the data path).
func TestAccessLogAllocatesNothing(t *testing.T) {
	x := listener(t, time.Second)
	x.region = "eu-west-1"
	x.accessLog = NewBufferedAccessLog(discard{}, clocktest.New(t), time.Minute)
	received := time.Now()
	r := &logRequest{typ: "http", remote: "10.0.1.5:40000", method: "GET", host: "api.internal", uri: "/api/orders?id=7", proto: "HTTP/1.1",
		userAgent: `wrk "1"`, received: 61, sent: 120, code: 200}
	ex := &exchange{received: received, trace: "Root=1-abc-def", priority: 10, action: "forward", t: &target{addr: "127.0.0.1:9101"}, tg: "tg-rr",
		sent: received.Add(150 * time.Microsecond), headers: received.Add(900 * time.Microsecond), targetStatus: 200}
	x.log(r, ex) // the ARNs, computed once
	if n := testing.AllocsPerRun(1000, func() { x.log(r, ex) }); n != 0 {
		t.Errorf("%v allocations per line", n)
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
