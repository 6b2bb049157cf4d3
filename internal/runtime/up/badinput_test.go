package up

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/plan/plantest"
)

// TestBadClients: malformed HTTP gets ALB's own 400 (or 505 for a
// version it does not speak); a client that stops partway through its
// header gets ALB's 408 once the idle timeout passes (no sooner), while
// one that keeps sending a byte now and then is not cut; a well-behaved
// client is served meanwhile; every one of those answers is in the
// access log, as ALB logs every request it answers.
func TestBadClients(t *testing.T) {
	const idle = 400 * time.Millisecond
	d := plantest.File(t, "../../../examples/three-tier.yaml")
	for i := range d.LoadBalancers {
		d.LoadBalancers[i].IdleTimeout = design.Duration(idle)
	}
	logs := t.TempDir()
	rt := startDesign(t, d, Options{Ephemeral: true, AccessLogDir: logs})
	e := entry(t, rt, design.InternetFacing, "HTTP")
	addr := e.Addr
	read := func(c net.Conn) (*http.Response, error) {
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err == nil {
			resp.Body.Close()
		}
		return resp, err
	}

	for _, tt := range []struct {
		junk string
		code int
	}{
		{"GARBAGE\r\n\r\n", http.StatusBadRequest},
		{"GET / HTTP/9.9\r\nHost: x\r\n\r\n", http.StatusHTTPVersionNotSupported},
		{"GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n", http.StatusBadRequest},
		{"GET / HTTP/1.1\r\n\x00\x01\x02\r\n\r\n", http.StatusBadRequest},
	} {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(c, tt.junk)
		resp, err := read(c)
		c.Close()
		if err != nil || resp.StatusCode != tt.code || resp.Header.Get("Server") != "awselb/2.0" {
			t.Errorf("%q: %v %v; want ALB's own %d", tt.junk, resp, err, tt.code)
		}
	}

	// Part of a header, then nothing: 408 after the idle timeout.
	stalled, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer stalled.Close()
	io.WriteString(stalled, "GET /stalled HTTP/1.1\r\nHost: x\r\n")
	sentAt := time.Now()
	resp, err := read(stalled)
	if took := time.Since(sentAt); err != nil || resp.StatusCode != http.StatusRequestTimeout || resp.Header.Get("Server") != "awselb/2.0" || took < idle {
		t.Errorf("a client silent partway through its header: %v %v after %v; want ALB's 408 after the %v idle timeout", resp, err, took, idle)
	}

	// A header sent a line every quarter of the idle timeout, for three
	// timeouts: each byte resets it, so nothing is answered; then it stops.
	trickle, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer trickle.Close()
	io.WriteString(trickle, "GET /trickle HTTP/1.1\r\nHost: x\r\n")
	for i := range 12 {
		trickle.SetReadDeadline(time.Now().Add(idle / 4))
		if n, err := trickle.Read(make([]byte, 1)); n > 0 || err != nil && !isTimeout(err) {
			t.Fatalf("a client sending its header a line at a time was answered or cut after %d lines (%d bytes, %v)", i, n, err)
		}
		if _, err := io.WriteString(trickle, "X-Slow: 1\r\n"); err != nil {
			t.Fatal(err)
		}
	}
	// Meanwhile a well-behaved client is redirected promptly.
	normal, err := (&http.Client{Timeout: 5 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Get("http://" + addr + "/")
	if err != nil || normal.StatusCode != http.StatusMovedPermanently {
		t.Fatalf("a normal request beside slow clients: %v %v", normal, err)
	}
	normal.Body.Close()
	if resp, err := read(trickle); err != nil || resp.StatusCode != http.StatusRequestTimeout {
		t.Errorf("a trickling client that stopped: %v %v; want 408", resp, err)
	}

	// The access log has a line for each (the redirect too).
	var b []byte
	eventually(t, "the access log's lines", func() bool {
		b, _ = os.ReadFile(filepath.Join(logs, e.LoadBalancer+".log"))
		return strings.Count(string(b), "\n") >= 7
	})
	var codes []string
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		f := strings.Fields(line)
		codes = append(codes, f[8])
		if f[8] != "301" && (f[5] != "-1.000" || f[6] != "-1.000" || f[7] != "-1.000") {
			t.Errorf("a request answered before routing logged processing times %s %s %s; ALB logs -1", f[5], f[6], f[7])
		}
	}
	want := map[string]int{"400": 3, "505": 1, "408": 2, "301": 1}
	for code, n := range want {
		count := 0
		for _, c := range codes {
			if c == code {
				count++
			}
		}
		if count != n {
			t.Errorf("the access log has %d lines with %s; want %d (codes %v)", count, code, n, codes)
		}
	}
	if !strings.Contains(string(b), `"GET http://x:80/ HTTP/9.9"`) || !strings.Contains(string(b), `"GET http://x:80/stalled HTTP/1.1"`) {
		t.Errorf("the refused requests' lines do not name them:\n%s", b)
	}
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}
