package up

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/plan/plantest"
)

// TestBadClients: malformed HTTP gets 400; a client trickling its header
// (slowloris) is cut off at the header timeout while other clients are
// served; neither stalls nor crashes the load balancer.
func TestBadClients(t *testing.T) {
	d := plantest.File(t, "../../../examples/three-tier.yaml")
	rt := startDesign(t, d, Options{Ephemeral: true, ReadHeaderTimeout: 300 * time.Millisecond})
	addr := entry(t, rt, design.InternetFacing, "HTTP").Addr

	for _, junk := range []string{"GARBAGE\r\n\r\n", "GET / HTTP/9.9\r\nHost: x\r\n\r\n", "GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n", "GET / HTTP/1.1\r\n\x00\x01\x02\r\n\r\n"} {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(5 * time.Second))
		io.WriteString(c, junk)
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		c.Close()
		if err != nil || resp.StatusCode != http.StatusBadRequest && resp.StatusCode != http.StatusHTTPVersionNotSupported {
			t.Errorf("%q: %v %v; want 400", junk, resp, err)
		}
	}

	// Slowloris: a few bytes of header every 100 ms.
	slow := make([]net.Conn, 20)
	for i := range slow {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		io.WriteString(c, "GET / HTTP/1.1\r\n")
		slow[i] = c
	}
	start := time.Now()
	cut := make(chan time.Duration, len(slow))
	for _, c := range slow {
		go func() {
			for i := 0; ; i++ {
				if _, err := io.WriteString(c, "X-Slow-"+strings.Repeat("a", i%5)+": 1\r\n"); err != nil {
					break
				}
				c.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
				if _, err := c.Read(make([]byte, 1)); err != nil && !isTimeout(err) {
					break // the server closed it
				}
				if time.Since(start) > 10*time.Second {
					break
				}
			}
			cut <- time.Since(start)
		}()
	}
	// Meanwhile a well-behaved client is redirected promptly.
	resp, err := (&http.Client{Timeout: 5 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Get("http://" + addr + "/")
	if err != nil || resp.StatusCode != http.StatusMovedPermanently {
		t.Fatalf("a normal request beside slow clients: %v %v", resp, err)
	}
	resp.Body.Close()
	for range slow {
		if d := <-cut; d > 5*time.Second {
			t.Errorf("a slowloris client was still connected after %v; the header timeout is 300 ms", d)
		}
	}
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}
