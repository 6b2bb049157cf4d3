package up

import (
	"crypto/tls"
	"encoding/json"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/plan/plantest"
)

const arcade = `version: 1
app: arcade
regions: [eu-west-1]
services:
  web:
    port: 8080
    public: true
    static_ip: true
  broker:
    port: 1883
    protocol: tcp
    public: true
    load_balancing: ip_hash
  game:
    port: 7777
    protocol: udp
    public: true
  vault:
    port: 8443
    protocol: tls
    public: true
tls:
  domain: arcade.example.com
`

func nlbEntry(t *testing.T, rt *Runtime, port int) Entry {
	t.Helper()
	for _, e := range rt.Entries {
		if e.Port == port && strings.Contains(e.LoadBalancer, "nlb") {
			return e
		}
	}
	t.Fatalf("no NLB listener on %d in %v", port, rt.Entries)
	return Entry{}
}

// TestNetworkLoadBalancer runs a design whose public services sit behind
// an NLB: HTTPS through its TLS listener to an HTTP service, TCP passed
// through, UDP answered, TLS terminated and started again to a TLS
// service; status lists its listeners with healthy targets.
func TestNetworkLoadBalancer(t *testing.T) {
	d := plantest.Design(t, "arcade.yaml", []byte(arcade))
	rt, clk := startOnClock(t, d, Options{})

	resp, err := client(t, rt).Get("https://" + nlbEntry(t, rt, 443).Addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	var tree Call
	err = json.NewDecoder(resp.Body).Decode(&tree)
	resp.Body.Close()
	if err != nil || tree.Service != "web" {
		t.Fatalf("HTTPS through the NLB: %+v %v; want web's call tree", tree, err)
	}
	// Without client IP preservation the task sees the NLB node.
	if tree.Client == "127.0.0.1" || tree.Client == "" {
		t.Errorf("web saw the call come from %q; want the load balancer node's address", tree.Client)
	}

	read := func(c net.Conn) string {
		t.Helper()
		defer c.Close()
		c.SetDeadline(time.Now().Add(10 * time.Second))
		b, err := io.ReadAll(c)
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(string(b))
	}
	c, err := net.Dial("tcp", nlbEntry(t, rt, 1883).Addr)
	if err != nil {
		t.Fatal(err)
	}
	if got := read(c); !strings.HasPrefix(got, "broker-") {
		t.Errorf("TCP through the NLB answered %q; want a broker task", got)
	}
	tc, err := tls.Dial("tcp", nlbEntry(t, rt, 8443).Addr, &tls.Config{RootCAs: roots(t, rt), ServerName: "localhost"})
	if err != nil {
		t.Fatal(err)
	}
	if got := read(tc); !strings.HasPrefix(got, "vault-") {
		t.Errorf("TLS through the NLB answered %q; want a vault task", got)
	}
	if got, err := udpAnswer(t, nlbEntry(t, rt, 7777).Addr); err != nil || !strings.HasPrefix(got, "game-") {
		t.Errorf("UDP through the NLB: %q %v; want a game task", got, err)
	}

	// NLB's targets start in the initial state and need the healthy
	// threshold of passes: the first at once, the others an interval
	// apart.
	nlbHealthy := func() bool {
		st := getStatus(t, rt)
		n := 0
		for _, l := range st.Listeners {
			if l.LoadBalancer != d.LoadBalancers[0].Name {
				continue
			}
			for _, tg := range l.TargetGroups {
				for _, ts := range tg.Targets {
					if ts.State != "healthy" {
						return false
					}
					n++
				}
			}
		}
		return n > 0
	}
	h := d.TargetGroups[0].Health
	for i := 1; i < h.HealthyThreshold; i++ {
		if nlbHealthy() {
			t.Fatalf("the NLB's targets healthy after %d checks; the threshold is %d", i, h.HealthyThreshold)
		}
		clk.AdvanceAndWait(time.Duration(h.Interval))
	}
	if !nlbHealthy() {
		t.Errorf("the NLB's targets are not all healthy after %d checks: %+v", h.HealthyThreshold, getStatus(t, rt).Listeners)
	}
	if d.LoadBalancers[0].Type != design.NLB {
		t.Fatalf("arcade's load balancer is %s", d.LoadBalancers[0].Type)
	}
}

// udpAnswer sends a datagram to addr and returns the answer.
func udpAnswer(t *testing.T, addr string) (string, error) {
	t.Helper()
	uc, err := net.Dial("udp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer uc.Close()
	uc.SetDeadline(time.Now().Add(10 * time.Second))
	uc.Write([]byte("ping"))
	buf := make([]byte, 100)
	n, err := uc.Read(buf)
	return string(buf[:n]), err
}
