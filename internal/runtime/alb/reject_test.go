package alb

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/netwright/netwright/internal/runtime/runtimetest"
)

// TestSlowBodyGets408: on the data path a client that stops partway
// through a request body gets ALB's 408 once the idle timeout passes
// (no sooner), logged, while the body's parts, each within the timeout,
// keep the request going however long it takes.
func TestSlowBodyGets408(t *testing.T) {
	const idle = 300 * time.Millisecond
	e := newEchoTarget(t)
	var logged runtimetest.Buffer
	x := plainListener(t, idle, Options{AccessLog: NewAccessLog(&logged)})
	x.Register("tg", "echo", e.addr())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{Current: func() *Listener { return x }, Fallback: &http.Server{Handler: x}, IdleTimeout: idle}
	go s.Serve(ln)
	t.Cleanup(func() { s.Close() })
	addr := ln.Addr().String()

	send := func(parts int) (*http.Response, time.Duration, error) {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		io.WriteString(c, "POST /upload HTTP/1.1\r\nHost: api.internal\r\nContent-Length: 10\r\n\r\n")
		for range parts {
			time.Sleep(idle / 3)
			io.WriteString(c, "x")
		}
		last := time.Now()
		if parts == 10 {
			last = time.Time{}
		}
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err == nil {
			resp.Body.Close()
		}
		return resp, time.Since(last), err
	}
	if resp, _, err := send(10); err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("a body sent a byte every third of the idle timeout: %v %v; want 200", resp, err)
	}
	resp, took, err := send(4)
	if err != nil || resp.StatusCode != http.StatusRequestTimeout || resp.Header.Get("Server") != "awselb/2.0" || took < idle {
		t.Errorf("a body that stops: %v %v after %v; want ALB's 408 after the %v idle timeout", resp, err, took, idle)
	}
	for deadline := time.Now().Add(5 * time.Second); strings.Count(logged.String(), "\n") < 2 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	lines := strings.Split(strings.TrimSuffix(logged.String(), "\n"), "\n")
	if len(lines) != 2 || splitLogLine(t, lines[1])["elb_status_code"] != "408" {
		t.Errorf("access log:\n%s\nwant a 200 and a 408", logged.String())
	}
}
