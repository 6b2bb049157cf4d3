package discovery

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/netwright/netwright/internal/cloudmap"
	"github.com/netwright/netwright/internal/plan/plantest"
)

// registry is three-tier's namespace (webapp.local, services app and web,
// A and SRV with TTL 10 s) with n tasks of app registered, the first
// healthy of them healthy.
func registry(t testing.TB, n, healthy int) *Registry {
	t.Helper()
	r := NewRegistry(plantest.File(t, "../../../examples/three-tier.yaml"))
	r.rand = rand.New(rand.NewPCG(7, 7)).IntN
	for i := range n {
		in := cloudmap.Instance{ID: fmt.Sprintf("task-%02d", i), Addr: netip.AddrFrom4([4]byte{10, 0, 1, byte(10 + i)}), Port: 8080, Healthy: i < healthy}
		if err := r.Register("webapp.local", "app", in); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

func serve(t *testing.T, r *Registry) string {
	t.Helper()
	s, err := r.ListenDNS("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})
	return s.Addr
}

func query(t *testing.T, addr, net, name string, qtype uint16) *dns.Msg {
	t.Helper()
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(name), qtype)
	c := &dns.Client{Net: net, Timeout: 5 * time.Second}
	in, _, err := c.Exchange(m, addr)
	if err != nil {
		t.Fatalf("%s %s over %s: %v", name, dns.TypeToString[qtype], net, err)
	}
	return in
}

func addrsOf(rrs []dns.RR) []string {
	var out []string
	for _, rr := range rrs {
		if a, ok := rr.(*dns.A); ok {
			out = append(out, a.A.String())
		}
	}
	slices.Sort(out)
	return out
}

func TestAnswersHealthyTasksUpToEight(t *testing.T) {
	for _, tt := range []struct {
		name        string
		n, healthy  int
		want        int
		onlyHealthy bool
	}{
		{"three of ten healthy", 10, 3, 3, true},
		{"ten healthy", 10, 10, 8, true},
		{"none healthy fails open", 10, 0, 8, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			addr := serve(t, registry(t, tt.n, tt.healthy))
			for _, network := range []string{"udp", "tcp"} {
				in := query(t, addr, network, "app.webapp.local", dns.TypeA)
				if in.Rcode != dns.RcodeSuccess || !in.Authoritative {
					t.Fatalf("%s: rcode %s, aa %v", network, dns.RcodeToString[in.Rcode], in.Authoritative)
				}
				got := addrsOf(in.Answer)
				if len(got) != tt.want || len(slices.Compact(slices.Clone(got))) != len(got) {
					t.Errorf("%s: answered %v; want %d distinct addresses", network, got, tt.want)
				}
				for _, a := range got {
					// registry makes task i 10.0.1.(10+i), healthy when i < healthy.
					if i := int(netip.MustParseAddr(a).As4()[3]) - 10; tt.onlyHealthy && i >= tt.healthy {
						t.Errorf("%s: answered %s, which is not healthy", network, a)
					}
				}
				for _, rr := range in.Answer {
					if rr.Header().Ttl != 10 {
						t.Errorf("%s: TTL %d; want the designed 10", network, rr.Header().Ttl)
					}
				}
			}
		})
	}
}

func TestHealthChangesTheAnswer(t *testing.T) {
	r := registry(t, 2, 2)
	addr := serve(t, r)
	if err := r.SetHealth("webapp.local", "app", "task-00", false); err != nil {
		t.Fatal(err)
	}
	if got := addrsOf(query(t, addr, "udp", "app.webapp.local", dns.TypeA).Answer); !slices.Equal(got, []string{"10.0.1.11"}) {
		t.Errorf("after task-00 turned unhealthy: %v; want only 10.0.1.11", got)
	}
	r.Deregister("webapp.local", "app", "task-01")
	if got := addrsOf(query(t, addr, "udp", "app.webapp.local", dns.TypeA).Answer); !slices.Equal(got, []string{"10.0.1.10"}) {
		t.Errorf("with only the unhealthy task-00 left: %v; want it (fail open)", got)
	}
	if err := r.SetHealth("webapp.local", "app", "task-01", true); err == nil {
		t.Error("SetHealth of a deregistered task succeeded")
	}
}

func TestWeightedAnswersOne(t *testing.T) {
	r := registry(t, 6, 4)
	r.services["app.webapp.local"].Policy = cloudmap.Weighted
	addr := serve(t, r)
	seen := map[string]bool{}
	for range 50 {
		got := addrsOf(query(t, addr, "udp", "app.webapp.local", dns.TypeA).Answer)
		if len(got) != 1 {
			t.Fatalf("WEIGHTED answered %v; want one address", got)
		}
		seen[got[0]] = true
	}
	if len(seen) != 4 || seen["10.0.1.14"] || seen["10.0.1.15"] {
		t.Errorf("WEIGHTED picked %v over 50 queries; want each of the 4 healthy tasks and no other", seen)
	}
}

func TestSRVPointsAtTaskNames(t *testing.T) {
	addr := serve(t, registry(t, 3, 3))
	in := query(t, addr, "udp", "app.webapp.local", dns.TypeSRV)
	if len(in.Answer) != 3 || len(in.Extra) < 3 {
		t.Fatalf("SRV: %d answers, %d additional; want 3 and 3", len(in.Answer), len(in.Extra))
	}
	for _, rr := range in.Answer {
		srv := rr.(*dns.SRV)
		if srv.Priority != 1 || srv.Weight != 1 || srv.Port != 8080 || !strings.HasSuffix(srv.Target, ".app.webapp.local.") {
			t.Errorf("SRV %v; want 1 1 8080 <task>.app.webapp.local.", srv)
		}
		// The target resolves on its own, to that task.
		a := query(t, addr, "udp", srv.Target, dns.TypeA)
		if len(a.Answer) != 1 {
			t.Errorf("%s: %v; want its address", srv.Target, a.Answer)
		}
	}
}

func TestRcodes(t *testing.T) {
	addr := serve(t, registry(t, 1, 1))
	for _, tt := range []struct {
		name    string
		qtype   uint16
		rcode   int
		answers int
	}{
		{"APP.WebApp.Local", dns.TypeA, dns.RcodeSuccess, 1},    // names compare without case
		{"app.webapp.local", dns.TypeAAAA, dns.RcodeSuccess, 0}, // a type it does not keep: no data
		{"web.webapp.local", dns.TypeA, dns.RcodeSuccess, 0},    // known service, no tasks yet
		{"nope.webapp.local", dns.TypeA, dns.RcodeNameError, 0},
		{"task-99.app.webapp.local", dns.TypeA, dns.RcodeNameError, 0},
		{"webapp.local", dns.TypeA, dns.RcodeSuccess, 0},
		{"example.com", dns.TypeA, dns.RcodeRefused, 0},
		{"local", dns.TypeA, dns.RcodeRefused, 0},
	} {
		in := query(t, addr, "udp", tt.name, tt.qtype)
		if in.Rcode != tt.rcode || len(in.Answer) != tt.answers {
			t.Errorf("%s %s: %s with %d answers; want %s with %d", tt.name, dns.TypeToString[tt.qtype],
				dns.RcodeToString[in.Rcode], len(in.Answer), dns.RcodeToString[tt.rcode], tt.answers)
		}
		if tt.rcode != dns.RcodeRefused && tt.answers == 0 && (len(in.Ns) != 1 || in.Ns[0].Header().Rrtype != dns.TypeSOA) {
			t.Errorf("%s: a negative answer without the zone's SOA: %v", tt.name, in.Ns)
		}
	}
}

// TestTruncatesOverUDP registers tasks with long IDs, so eight SRV records
// and their addresses pass 512 bytes: UDP without EDNS gets TC and TCP
// gets everything.
func TestTruncatesOverUDP(t *testing.T) {
	r := registry(t, 0, 0)
	for i := range 8 {
		id := fmt.Sprintf("%s-%d", strings.Repeat("t", 50), i)
		if err := r.Register("webapp.local", "app", cloudmap.Instance{ID: id, Addr: netip.AddrFrom4([4]byte{10, 0, 2, byte(i + 1)}), Port: 8080, Healthy: true}); err != nil {
			t.Fatal(err)
		}
	}
	addr := serve(t, r)
	if in := query(t, addr, "udp", "app.webapp.local", dns.TypeSRV); !in.Truncated {
		t.Errorf("a %d-answer SRV reply over UDP was not truncated", len(in.Answer))
	}
	if in := query(t, addr, "tcp", "app.webapp.local", dns.TypeSRV); in.Truncated || len(in.Answer) != 8 {
		t.Errorf("over TCP: truncated %v, %d answers; want all 8", in.Truncated, len(in.Answer))
	}
}

// TestDig asks with dig, a DNS client netwright does not share code with.
func TestDig(t *testing.T) {
	dig, err := exec.LookPath("dig")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("dig is not installed; .ci/run installs bind9-dnsutils")
		}
		t.Skip("dig not installed (apt-get install bind9-dnsutils)")
	}
	addr := serve(t, registry(t, 3, 2))
	host, port, _ := strings.Cut(addr, ":")
	run := func(args ...string) string {
		out, err := exec.Command(dig, append([]string{"@" + host, "-p", port, "+time=5", "+tries=1"}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("dig %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	if got := strings.Fields(run("+short", "app.webapp.local", "A")); !slices.Equal(sorted(got), []string{"10.0.1.10", "10.0.1.11"}) {
		t.Errorf("dig A: %v; want the two healthy tasks", got)
	}
	if got := run("+short", "+tcp", "app.webapp.local", "SRV"); strings.Count(got, "1 1 8080 task-0") != 2 {
		t.Errorf("dig SRV over TCP:\n%s\nwant two `1 1 8080 task-0N.app.webapp.local.` lines", got)
	}
	if got := run("nope.webapp.local", "A"); !strings.Contains(got, "status: NXDOMAIN") || !strings.Contains(got, "flags: qr aa") {
		t.Errorf("dig of an unknown name:\n%s\nwant an authoritative NXDOMAIN", got)
	}
	if got := run("example.com", "A"); !strings.Contains(got, "status: REFUSED") {
		t.Errorf("dig of a name outside the namespaces:\n%s\nwant REFUSED", got)
	}
}

func sorted(s []string) []string { slices.Sort(s); return s }

func discover(t *testing.T, h http.Handler, body string) (int, map[string]any) {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/", bytes.NewBufferString(body))
	req.Header.Set("X-Amz-Target", discoverTarget)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	var out map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
		t.Fatalf("%s: not JSON: %v\n%s", body, err, w.Body)
	}
	return w.Code, out
}

func TestDiscoverInstances(t *testing.T) {
	r := registry(t, 5, 2)
	srv := httptest.NewServer(r)
	defer srv.Close()
	for _, tt := range []struct {
		body    string
		count   int
		healthy string // every instance returned has this status, when set
	}{
		{`{"NamespaceName":"webapp.local","ServiceName":"app"}`, 5, ""},
		{`{"NamespaceName":"webapp.local","ServiceName":"app","HealthStatus":"HEALTHY"}`, 2, "HEALTHY"},
		{`{"NamespaceName":"webapp.local","ServiceName":"app","HealthStatus":"UNHEALTHY"}`, 3, "UNHEALTHY"},
		{`{"NamespaceName":"webapp.local","ServiceName":"app","HealthStatus":"HEALTHY_OR_ELSE_ALL"}`, 2, "HEALTHY"},
		{`{"NamespaceName":"webapp.local","ServiceName":"app","MaxResults":4}`, 4, ""},
		{`{"NamespaceName":"webapp.local","ServiceName":"web","HealthStatus":"HEALTHY"}`, 0, ""},
	} {
		code, out := discover(t, r, tt.body)
		ins, _ := out["Instances"].([]any)
		if code != http.StatusOK || len(ins) != tt.count {
			t.Errorf("%s: %d with %d instances; want 200 with %d", tt.body, code, len(ins), tt.count)
		}
		for _, i := range ins {
			m := i.(map[string]any)
			attrs := m["Attributes"].(map[string]any)
			if !strings.HasPrefix(attrs["AWS_INSTANCE_IPV4"].(string), "10.0.1.") || attrs["AWS_INSTANCE_PORT"] != "8080" {
				t.Errorf("%s: attributes %v", tt.body, attrs)
			}
			if tt.healthy != "" && m["HealthStatus"] != tt.healthy {
				t.Errorf("%s: returned a %s instance", tt.body, m["HealthStatus"])
			}
		}
	}
	for i := range 5 {
		r.SetHealth("webapp.local", "app", fmt.Sprintf("task-%02d", i), false)
	}
	if _, out := discover(t, r, `{"NamespaceName":"webapp.local","ServiceName":"app","HealthStatus":"HEALTHY_OR_ELSE_ALL"}`); len(out["Instances"].([]any)) != 5 {
		t.Errorf("HEALTHY_OR_ELSE_ALL with none healthy returned %v; want all five (failing open)", out["Instances"])
	}
	for _, tt := range []struct{ body, typ string }{
		{`{"NamespaceName":"other.local","ServiceName":"app"}`, "NamespaceNotFound"},
		{`{"NamespaceName":"webapp.local","ServiceName":"db"}`, "ServiceNotFound"},
		{`{"NamespaceName":"webapp.local","ServiceName":"app","HealthStatus":"OK"}`, "InvalidInput"},
		{`{"NamespaceName":"webapp.local","ServiceName":"app","MaxResults":101}`, "InvalidInput"},
		{`{"NamespaceName":"webapp.local"}`, "InvalidInput"},
		{`{"Namespace":"webapp.local"}`, "InvalidInput"},
		{`not json`, "InvalidInput"},
	} {
		if code, out := discover(t, r, tt.body); code != http.StatusBadRequest || out["__type"] != tt.typ {
			t.Errorf("%s: %d %v; want 400 %s", tt.body, code, out, tt.typ)
		}
	}
	// Over a real connection, with the wrong action and the wrong method.
	req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(`{}`))
	req.Header.Set("X-Amz-Target", "Route53AutoNaming_v20170314.ListServices")
	if resp, err := srv.Client().Do(req); err != nil || resp.StatusCode != http.StatusBadRequest {
		t.Errorf("another action: %v %v; want 400", resp, err)
	} else {
		resp.Body.Close()
	}
	if resp, err := srv.Client().Get(srv.URL); err != nil || resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET: %v %v; want 405", resp, err)
	} else {
		resp.Body.Close()
	}
}

func TestRegisterRejectsUnknownServices(t *testing.T) {
	r := registry(t, 0, 0)
	if err := r.Register("webapp.local", "db", cloudmap.Instance{ID: "x", Addr: netip.MustParseAddr("10.0.0.1")}); err == nil {
		t.Error("registered an instance of a service the design does not have")
	}
	if err := r.Register("webapp.local", "app", cloudmap.Instance{ID: "x"}); err == nil {
		t.Error("registered an instance without an address")
	}
}

func TestPortInUseIsAnError(t *testing.T) {
	r := registry(t, 0, 0)
	addr := serve(t, r)
	if _, err := r.ListenDNS(addr); err == nil || !strings.Contains(err.Error(), addr) {
		t.Errorf("a second server on %s: %v; want an error naming the address", addr, err)
	}
}

// TestMalformedPackets: garbage over UDP and TCP gets FORMERR or
// nothing, never a crash or a stall; good queries are answered after it.
func TestMalformedPackets(t *testing.T) {
	addr := serve(t, registry(t, 3, 3))
	good := new(dns.Msg)
	good.SetQuestion("app.webapp.local.", dns.TypeA)
	packed, _ := good.Pack()
	junk := [][]byte{
		{},
		{0x01},
		[]byte("GET / HTTP/1.1\r\n\r\n"),
		append(slices.Clone(packed[:12]), 0xff, 0xff, 0xff), // a header promising a question that is not there
		append(slices.Clone(packed[:4]), 0xff, 0xff, 0, 0, 0, 0, 0, 0),
		bytes.Repeat([]byte{0xc0, 0x0c}, 300), // compression pointers to themselves
	}
	uc, err := net.Dial("udp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer uc.Close()
	for _, b := range junk {
		uc.Write(b)
	}
	for _, b := range junk {
		tc, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		// A length prefix larger than what follows, then the bytes.
		tc.Write(append([]byte{byte((len(b) + 9) >> 8), byte(len(b) + 9)}, b...))
		tc.Close()
	}
	for _, proto := range []string{"udp", "tcp"} {
		if in := query(t, addr, proto, "app.webapp.local", dns.TypeA); in.Rcode != dns.RcodeSuccess || len(in.Answer) != 3 {
			t.Errorf("%s after junk: %s with %d answers", proto, dns.RcodeToString[in.Rcode], len(in.Answer))
		}
	}
	// A malformed question over UDP is answered FORMERR when its header
	// can be read, as a DNS server does.
	uc2, err := net.Dial("udp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer uc2.Close()
	uc2.SetDeadline(time.Now().Add(5 * time.Second))
	uc2.Write(junk[3])
	buf := make([]byte, 512)
	n, err := uc2.Read(buf)
	if err != nil {
		t.Fatalf("no answer to a malformed question: %v", err)
	}
	var m dns.Msg
	if err := m.Unpack(buf[:n]); err != nil || m.Rcode != dns.RcodeFormatError {
		t.Errorf("malformed question answered %v (%v); want FORMERR", dns.RcodeToString[m.Rcode], err)
	}
}

// TestUDPBurst: queries sent in bursts from several sockets, each burst
// more than one batch, each get exactly their own answer; a response sent
// to the server gets nothing. Bursts stay within what a default socket
// buffer holds, so a machine with a small net.core.rmem_max passes too.
func TestUDPBurst(t *testing.T) {
	addr := serve(t, registry(t, 3, 3))
	const sockets, waves, each = 3, 3, 50
	errs := make(chan error, sockets)
	for s := range sockets {
		go func() {
			c, err := net.Dial("udp", addr)
			if err != nil {
				errs <- err
				return
			}
			defer c.Close()
			seen := map[uint16]bool{}
			buf := make([]byte, 4096)
			for w := range waves {
				for i := range each {
					q := new(dns.Msg)
					q.SetQuestion("app.webapp.local.", dns.TypeA)
					q.Id = uint16(s*1000 + w*each + i)
					b, _ := q.Pack()
					if _, err := c.Write(b); err != nil {
						errs <- err
						return
					}
				}
				c.SetReadDeadline(time.Now().Add(5 * time.Second))
				for len(seen) < (w+1)*each {
					n, err := c.Read(buf)
					if err != nil {
						errs <- fmt.Errorf("socket %d: %d of %d answers: %v", s, len(seen), (w+1)*each, err)
						return
					}
					var m dns.Msg
					if err := m.Unpack(buf[:n]); err != nil || m.Rcode != dns.RcodeSuccess || len(m.Answer) == 0 {
						errs <- fmt.Errorf("socket %d: answer %v (%v)", s, m.Rcode, err)
						return
					}
					if int(m.Id)/1000 != s || seen[m.Id] {
						errs <- fmt.Errorf("socket %d got the answer to query %d", s, m.Id)
						return
					}
					seen[m.Id] = true
				}
			}
			errs <- nil
		}()
	}
	for range sockets {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	c, err := net.Dial("udp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r := new(dns.Msg)
	r.SetQuestion("app.webapp.local.", dns.TypeA)
	r.Response = true
	b, _ := r.Pack()
	c.Write(b)
	c.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	if _, err := c.Read(make([]byte, 512)); err == nil {
		t.Error("a response sent to the server was answered")
	}
}
