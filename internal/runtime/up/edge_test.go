package up

import (
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"net/netip"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/plan/plantest"
	"github.com/netwright/netwright/internal/runtime/netns"
)

// forwardedBy counts the requests a load balancer forwarded to its
// targets and they answered 2xx.
func forwardedBy(t *testing.T, rt *Runtime, lb string) int {
	t.Helper()
	n := 0.0
	for _, m := range metrics(t, rt)["netwright_alb_requests_total"].GetMetric() {
		labels := map[string]string{}
		for _, l := range m.GetLabel() {
			labels[l.GetName()] = l.GetValue()
		}
		if labels["load_balancer"] == lb && labels["target_group"] != "" && labels["code_class"] == "2xx" {
			n += m.GetCounter().GetValue()
		}
	}
	return int(n)
}

// edgeRequests reads netwright_cloudfront_requests_total by result.
func edgeRequests(t *testing.T, rt *Runtime) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, m := range metrics(t, rt)["netwright_cloudfront_requests_total"].GetMetric() {
		for _, l := range m.GetLabel() {
			if l.GetName() == "result" {
				out[l.GetValue()] = int(m.GetCounter().GetValue())
			}
		}
	}
	return out
}

// edgeGet sends GET path to the CloudFront edge and returns the answer's
// status and X-Cache, its body read.
func edgeGet(t *testing.T, c *http.Client, addr, path string) (int, http.Header) {
	t.Helper()
	resp, err := c.Get("https://" + strings.Replace(addr, "127.0.0.1", "localhost", 1) + path)
	if err != nil {
		t.Fatalf("GET %s through CloudFront: %v", path, err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, resp.Header
}

// checkEdge runs the CloudFront path of examples/hybrid.yaml: a static
// path's second request is a Hit the ALB never sees; a dynamic path goes
// to the ALB each time; the ALB answers a request without the origin
// header 403 (direct reports whether the client can reach it at all).
func checkEdge(t *testing.T, rt *Runtime, direct func(t *testing.T, alb Entry)) {
	t.Helper()
	cf := entry(t, rt, "cloudfront", "HTTPS")
	alb := entry(t, rt, design.InternetFacing, "HTTPS")
	c := client(t, rt)
	c.Timeout = 10 * time.Second

	before := forwardedBy(t, rt, alb.LoadBalancer)
	code, h := edgeGet(t, c, cf.Addr, "/assets/app.js")
	if code != http.StatusOK || h.Get("X-Cache") != "Miss from cloudfront" {
		t.Fatalf("first GET /assets/app.js: %d, X-Cache %q", code, h.Get("X-Cache"))
	}
	if !strings.HasSuffix(h.Get("Via"), ".cloudfront.net (CloudFront)") || len(h.Get("X-Amz-Cf-Id")) != 56 {
		t.Errorf("Via %q, X-Amz-Cf-Id %q", h.Get("Via"), h.Get("X-Amz-Cf-Id"))
	}
	code, h = edgeGet(t, c, cf.Addr, "/assets/app.js")
	if code != http.StatusOK || h.Get("X-Cache") != "Hit from cloudfront" || h.Get("Age") == "" {
		t.Fatalf("second GET /assets/app.js: %d, X-Cache %q, Age %q", code, h.Get("X-Cache"), h.Get("Age"))
	}
	if n := forwardedBy(t, rt, alb.LoadBalancer) - before; n != 1 {
		t.Fatalf("the ALB forwarded %d requests for two GETs of a static path; want 1", n)
	}
	before = forwardedBy(t, rt, alb.LoadBalancer)
	for range 3 {
		if code, h := edgeGet(t, c, cf.Addr, "/orders/42"); code != http.StatusOK || h.Get("X-Cache") != "Miss from cloudfront" {
			t.Fatalf("GET /orders/42: %d, X-Cache %q", code, h.Get("X-Cache"))
		}
	}
	if n := forwardedBy(t, rt, alb.LoadBalancer) - before; n != 3 {
		t.Errorf("the ALB forwarded %d requests for three GETs of a dynamic path; want 3", n)
	}
	direct(t, alb)
	st := getStatus(t, rt)
	if st.CloudFront == nil || st.CloudFront.Addr != cf.Addr || st.CloudFront.Hits != 1 || len(st.CloudFront.Origins) != 1 {
		t.Errorf("status: %+v", st.CloudFront)
	}
	if got := edgeRequests(t, rt); got["hit"] != 1 || got["miss"] != 4 {
		t.Errorf("netwright_cloudfront_requests_total = %v; want 1 hit, 4 misses", got)
	}
	for _, l := range st.Listeners {
		for _, r := range l.Rules {
			if strings.Contains(r.Conditions, rt.originSecret) {
				t.Errorf("status shows the origin secret in %s's rule %s", l.LoadBalancer, r.Priority)
			}
		}
	}
}

// TestCloudFrontEdge: in loopback mode the public ALB's front door is
// reached directly too, and without the origin header it answers 403.
func TestCloudFrontEdge(t *testing.T) {
	_, rt := start(t, "hybrid")
	checkEdge(t, rt, func(t *testing.T, alb Entry) {
		resp, err := client(t, rt).Get("https://" + strings.Replace(alb.Addr, "127.0.0.1", "localhost", 1) + "/orders/42")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("GET straight to the ALB without the origin header: %s; want 403", resp.Status)
		}
	})
}

// TestNetnsCloudFrontEdge: in netns mode the edge reaches the ALB from
// CloudFront's origin-facing range through the internet gateway, which
// the ALB's group admits; a client going straight to the ALB's front
// door is not in the prefix list, so the group refuses it (a REJECT at
// the ALB's node), as in AWS.
func TestNetnsCloudFrontEdge(t *testing.T) {
	d := plantest.File(t, "../../../examples/hybrid.yaml")
	rt := startNetns(t, d, Options{})
	checkEdge(t, rt, func(t *testing.T, alb Entry) {
		c := client(t, rt)
		c.Timeout = 1500 * time.Millisecond
		if resp, err := c.Get("https://" + strings.Replace(alb.Addr, "127.0.0.1", "localhost", 1) + "/orders/42"); err == nil {
			resp.Body.Close()
			t.Fatalf("a client outside CloudFront's prefix list reached the ALB: %s", resp.Status)
		}
		rt.collectFlows()
		rejected := false
		for _, s := range rt.FlowStats() {
			rejected = rejected || strings.HasPrefix(s.Owner, "lb-") && s.Src == netns.ClientAddr && s.Rejected > 0
		}
		if !rejected {
			t.Errorf("no REJECT of the client %s at a load balancer node: %+v", netns.ClientAddr, rt.FlowStats())
		}
		// From CloudFront's range but without the header (another
		// distribution's request): the group admits it, the rule does not.
		node := rt.nodes[alb.LoadBalancer]
		fromCF := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
			DialContext:     rt.fabric.Internet().Dialer(&net.Dialer{Timeout: 2 * time.Second, LocalAddr: &net.TCPAddr{IP: design.CloudFrontOriginAddr.AsSlice()}}),
			TLSClientConfig: &tls.Config{RootCAs: rt.roots, ServerName: "localhost"}}}
		resp, err := fromCF.Get("https://" + netip.AddrPortFrom(node.Public, uint16(alb.Port)).String() + "/orders/42")
		if err != nil {
			t.Fatalf("from CloudFront's range to the ALB: %v", err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("from CloudFront's range without the origin header: %s; want 403", resp.Status)
		}
	})
}

// hybrid plans examples/hybrid.yaml with edits (pairs of old, new).
func hybrid(t *testing.T, edits ...string) *design.Design {
	t.Helper()
	b, err := os.ReadFile("../../../examples/hybrid.yaml")
	if err != nil {
		t.Fatal(err)
	}
	src := string(b)
	for i := 0; i+1 < len(edits); i += 2 {
		if !strings.Contains(src, edits[i]) {
			t.Fatalf("hybrid.yaml has no %q", edits[i])
		}
		src = strings.Replace(src, edits[i], edits[i+1], 1)
	}
	return plantest.Design(t, "hybrid.yaml", []byte(src))
}

// TestReloadCloudFront: a reload that changes static_paths keeps the
// edge's address and its counts and caches the new paths, not the old
// (its cache starts empty); one that drops CloudFront closes the edge.
func TestReloadCloudFront(t *testing.T) {
	const paths = "static_paths: [/assets/*, /favicon.ico]"
	rt := startDesign(t, hybrid(t), Options{Ephemeral: true})
	cf := entry(t, rt, "cloudfront", "HTTPS")
	c := client(t, rt)
	for range 2 {
		edgeGet(t, c, cf.Addr, "/assets/a.js") // a miss, then a hit
	}
	ch, err := rt.Reload(hybrid(t, paths, "static_paths: [/static/*]"))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(ch.Replaced, edgeKey("cf-orders", 443)) {
		t.Errorf("reload: %+v; want the edge replaced", ch)
	}
	if got := entry(t, rt, "cloudfront", "HTTPS"); got.Addr != cf.Addr {
		t.Errorf("the edge moved from %s to %s", cf.Addr, got.Addr)
	}
	for _, want := range []struct{ path, xcache string }{
		{"/static/a.js", "Miss from cloudfront"}, {"/static/a.js", "Hit from cloudfront"},
		{"/assets/a.js", "Miss from cloudfront"}, {"/assets/a.js", "Miss from cloudfront"},
	} {
		if _, h := edgeGet(t, c, cf.Addr, want.path); h.Get("X-Cache") != want.xcache {
			t.Errorf("GET %s after the reload: X-Cache %q; want %q", want.path, h.Get("X-Cache"), want.xcache)
		}
	}
	if got := edgeRequests(t, rt); got["hit"] != 2 || got["miss"] != 4 {
		t.Errorf("netwright_cloudfront_requests_total across a reload = %v; want 2 hits, 4 misses", got)
	}
	ch, err = rt.Reload(hybrid(t, "edge:\n  cloudfront: true\n  "+paths+"\n", ""))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(ch.Closed, edgeKey("cf-orders", 443)) || slices.ContainsFunc(rt.Entries, func(e Entry) bool { return e.Scheme == "cloudfront" }) {
		t.Errorf("reload without CloudFront: %+v, entries %v", ch, rt.Entries)
	}
	closed := false
	for deadline := time.Now().Add(5 * time.Second); !closed && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		c, err := net.DialTimeout("tcp", cf.Addr, time.Second)
		if err != nil {
			closed = true
		} else {
			c.Close()
		}
	}
	if !closed {
		t.Errorf("the edge still accepts on %s", cf.Addr)
	}
	if st := getStatus(t, rt); st.CloudFront != nil {
		t.Errorf("status still shows the edge: %+v", st.CloudFront)
	}
}
