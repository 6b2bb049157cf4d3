package alb

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/netwright/netwright/internal/clock/clocktest"
	"github.com/netwright/netwright/internal/runtime/runtimetest"
)

// TestSlowBodyGets408: on the data path a client that stops partway
// through a request body gets ALB's 408 once the idle timeout has passed
// since its last byte, exactly then and not a nanosecond sooner, logged;
// while the body's parts, each within the timeout, keep the request going
// however long it takes. The idle timeout runs on a fake clock.
func TestSlowBodyGets408(t *testing.T) {
	const idle = time.Minute
	clk := clocktest.New(t)
	e := newEchoTarget(t)
	var logged runtimetest.Buffer
	x := plainListener(t, idle, Options{AccessLog: NewAccessLog(&logged), Clock: clk})
	x.Register("tg", "echo", e.addr())
	_, addr := serveFastPath(t, x, idle)

	// send writes the head and parts bytes of a 10-byte body, a third of
	// the idle timeout apart, each once the listener waits for it.
	send := func(parts int) (net.Conn, *bufio.Reader) {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		c.SetDeadline(time.Now().Add(time.Minute)) // a bound on the test, on the wall
		io.WriteString(c, "POST /upload HTTP/1.1\r\nHost: api.internal\r\nContent-Length: 10\r\n\r\n")
		clk.BlockUntilDue(idle) // the listener reads the body, the timeout counted from now
		for range parts {
			clk.AdvanceAndWait(idle / 3)
			io.WriteString(c, "x")
			clk.BlockUntilDue(idle) // read, and the timeout counted again from this byte
		}
		return c, bufio.NewReader(c)
	}
	c, br := send(10)
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("a body sent a byte every third of the idle timeout (%v in all): %v %v; want 200", 10*idle/3, resp, err)
	}
	c.Close()

	_, br = send(4)
	clk.AdvanceAndWait(idle - time.Nanosecond)
	if next, ok := clk.Next(); !ok || next != time.Nanosecond {
		t.Fatalf("a nanosecond before the idle timeout the next timer is %v away (%v); want the timeout's, 1ns", next, ok)
	}
	clk.AdvanceAndWait(time.Nanosecond)
	resp, err = http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != http.StatusRequestTimeout || resp.Header.Get("Server") != "awselb/2.0" {
		t.Fatalf("a body that stops for the idle timeout: %v %v; want ALB's 408", resp, err)
	}
	for deadline := time.Now().Add(5 * time.Second); strings.Count(logged.String(), "\n") < 2 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	// Lines are written once answers are out, in either order.
	var codes []string
	for _, l := range strings.Split(strings.TrimSuffix(logged.String(), "\n"), "\n") {
		codes = append(codes, splitLogLine(t, l)["elb_status_code"])
	}
	if slices.Sort(codes); !slices.Equal(codes, []string{"200", "408"}) {
		t.Errorf("access log:\n%s\nwant a 200 and a 408", logged.String())
	}
}
