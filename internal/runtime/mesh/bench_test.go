package mesh

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	rtmetrics "runtime/metrics"
	"slices"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

// The added latency of a proxy pair: caller -> its proxy -> the target's
// proxy -> the target, against caller -> target, over HTTP/1.1 and gRPC,
// and beside two HAProxy instances as the sidecars when haproxy is on
// the PATH (same machine, same run, same keep-alive settings). The
// figures are in BENCHMARKS.md; bench/mesh.sh runs them.

func testCA(tb testing.TB) (*x509.Certificate, *ecdsa.PrivateKey) {
	tb.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true, IsCA: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		tb.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(der)
	return ca, key
}

// pair starts a mesh with web calling api over protocol (Service
// Connect's semantics, plaintext between the proxies), api's task at
// backend; it returns the address web's task calls api at.
func pair(tb testing.TB, protocol, backend string) string {
	tb.Helper()
	_, web, _ := pairWith(tb, protocol, Options{}, backend)
	addr, _ := web.Egress("api")
	return addr
}

// pairWith starts pair's mesh with opt (its CA filled in) and a task of
// api at each of backends; it returns the mesh, web's proxy and api's.
func pairWith(tb testing.TB, protocol string, opt Options, backends ...string) (*Mesh, *Proxy, []*Proxy) {
	tb.Helper()
	ca, key := testCA(tb)
	opt.CA, opt.CAKey = ca, key
	m, err := New(opt)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = m.Close(context.Background()) })
	m.SetConfig(&Config{Semantics: ServiceConnect, TrustDomain: "bench.local", Members: map[string]bool{"web": true, "api": true},
		Callers: map[string][]string{"api": {"web"}},
		Upstreams: map[string]*Upstream{"api": {Service: "api", Protocol: protocol, Timeout: 15 * time.Second, Idle: 5 * time.Minute,
			Routes:  []Route{{Targets: []Target{{Service: "api", Weight: 1}}}},
			Outlier: map[string]*Outlier{"api": {Window: scFailureWindow, Failures: scFailures, Base: scEjectBase, Max: scEjectMax, MaxPercent: 100}},
			Retry:   &Retry{Max: scRetries, On: map[string]bool{"connect-failure": true, "reset": true, "503": true}}}},
		Ingress: map[string]*Ingress{"api": {Service: "api", Protocol: protocol, DiscoveryName: "api"}}})
	var apis []*Proxy
	var eps []Endpoint
	for i, backend := range backends {
		id := fmt.Sprintf("api-%d", i+1)
		api, err := m.StartProxy(Task{ID: id, Service: "api", Addr: backend}, nil, Loopback{})
		if err != nil {
			tb.Fatal(err)
		}
		apis = append(apis, api)
		eps = append(eps, Endpoint{Task: id, Addr: api.Ingress(), AppAddr: backend})
	}
	m.SetEndpoints(map[string][]Endpoint{"api": eps})
	web, err := m.StartProxy(Task{ID: "web-1", Service: "web", Addr: "127.0.0.1:1"}, []string{"api"}, Loopback{})
	if err != nil {
		tb.Fatal(err)
	}
	return m, web, apis
}

func httpBackend(tb testing.TB) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	body := []byte(`{"service":"api","task":"api-1"}`)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	})}
	go srv.Serve(ln)
	tb.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

func grpcBackend(tb testing.TB) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	s := grpc.NewServer(grpc.UnknownServiceHandler(func(_ any, stream grpc.ServerStream) error {
		var in emptypb.Empty
		if err := stream.RecvMsg(&in); err != nil {
			return err
		}
		return stream.SendMsg(wrapperspb.String("api-1"))
	}))
	go s.Serve(ln)
	tb.Cleanup(s.Stop)
	return ln.Addr().String()
}

// latency runs b.N sequential calls and reports their p50 and p99.
func latency(b *testing.B, call func() error) {
	b.Helper()
	for range 100 { // warm the pools
		if err := call(); err != nil {
			b.Fatal(err)
		}
	}
	times := make([]time.Duration, 0, b.N)
	created := func() uint64 {
		s := []rtmetrics.Sample{{Name: "/sched/goroutines-created:goroutines"}}
		rtmetrics.Read(s)
		return s[0].Value.Uint64()
	}
	b.ResetTimer()
	g0 := created()
	for range b.N {
		start := time.Now()
		if err := call(); err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
	}
	b.StopTimer()
	// The goroutines the process started per call (the caller's and the
	// task's included: direct's figure is theirs).
	b.ReportMetric(float64(created()-g0)/float64(b.N), "goroutines/op")
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(times[len(times)*99/100].Microseconds()), "p99-µs")
}

func httpCall(c *http.Client, url string) func() error {
	return func() error {
		resp, err := c.Get(url)
		if err != nil {
			return err
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("status %d", resp.StatusCode)
		}
		return err
	}
}

// haproxyPair starts two HAProxy instances as the sidecars of web and
// api (the caller's forwarding to the target's, the target's to the
// task), keep-alive on both hops; it returns the caller's side's address.
func haproxyPair(b *testing.B, backend string, h2 bool) string {
	b.Helper()
	bin, err := exec.LookPath("haproxy")
	if err != nil {
		b.Skip("haproxy is not installed (apt-get install haproxy)")
	}
	free := func() string {
		ln, _ := net.Listen("tcp", "127.0.0.1:0")
		defer ln.Close()
		return ln.Addr().String()
	}
	proto := ""
	if h2 {
		proto = " proto h2"
	}
	start := func(listen, to string) {
		cfg := fmt.Sprintf(`global
  nbthread 2
defaults
  mode http
  timeout connect 5s
  timeout client 5m
  timeout server 15s
  http-reuse always
  option http-keep-alive
frontend in
  bind %s%s
  default_backend out
backend out
  server s1 %s%s
`, listen, proto, to, proto)
		path := filepath.Join(b.TempDir(), "haproxy.cfg")
		if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
			b.Fatal(err)
		}
		cmd := exec.Command(bin, "-f", path)
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	}
	server, client := free(), free()
	start(server, backend)
	start(client, server)
	for range 100 {
		if c, err := net.Dial("tcp", client); err == nil {
			c.Close()
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	return client
}

func h1Client() *http.Client {
	return &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
}

func BenchmarkPairHTTP1(b *testing.B) {
	backend := httpBackend(b)
	b.Run("direct", func(b *testing.B) { latency(b, httpCall(h1Client(), "http://"+backend+"/")) })
	b.Run("netwright", func(b *testing.B) { latency(b, httpCall(h1Client(), "http://"+pair(b, "http", backend)+"/")) })
	b.Run("haproxy", func(b *testing.B) { latency(b, httpCall(h1Client(), "http://"+haproxyPair(b, backend, false)+"/")) })
}

func grpcCall(b *testing.B, addr string) func() error {
	conn, err := grpc.NewClient("passthrough:///"+addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { conn.Close() })
	return func() error {
		var out wrapperspb.StringValue
		return conn.Invoke(context.Background(), "/netwright.v1.Workload/Call", &emptypb.Empty{}, &out)
	}
}

func BenchmarkPairGRPC(b *testing.B) {
	backend := grpcBackend(b)
	b.Run("direct", func(b *testing.B) { latency(b, grpcCall(b, backend)) })
	b.Run("netwright", func(b *testing.B) { latency(b, grpcCall(b, pair(b, "grpc", backend))) })
	b.Run("haproxy", func(b *testing.B) { latency(b, grpcCall(b, haproxyPair(b, backend, true))) })
}

// BenchmarkPairThroughput is requests/s through caller -> proxy -> proxy
// -> task with 32 callers at once.
func BenchmarkPairThroughput(b *testing.B) {
	backend := httpBackend(b)
	run := func(b *testing.B, url string) {
		c := h1Client()
		b.SetParallelism(16) // 32 callers on 2 cores
		b.ResetTimer()
		start := time.Now()
		b.RunParallel(func(pb *testing.PB) {
			call := httpCall(c, url)
			for pb.Next() {
				if err := call(); err != nil {
					b.Error(err)
					return
				}
			}
		})
		b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
	}
	b.Run("netwright", func(b *testing.B) { run(b, "http://"+pair(b, "http", backend)+"/") })
	b.Run("haproxy", func(b *testing.B) { run(b, "http://"+haproxyPair(b, backend, false)+"/") })
}

// BenchmarkPairGRPCThroughput is unary gRPC calls/s through caller ->
// proxy -> proxy -> task with 32 callers at once on one client
// connection (gRPC multiplexes them).
func BenchmarkPairGRPCThroughput(b *testing.B) {
	backend := grpcBackend(b)
	run := func(b *testing.B, addr string) {
		call := grpcCall(b, addr)
		for range 100 {
			if err := call(); err != nil {
				b.Fatal(err)
			}
		}
		b.SetParallelism(16) // 32 callers on 2 cores
		b.ResetTimer()
		start := time.Now()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := call(); err != nil {
					b.Error(err)
					return
				}
			}
		})
		b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "calls/s")
	}
	b.Run("netwright", func(b *testing.B) { run(b, pair(b, "grpc", backend)) })
	b.Run("haproxy", func(b *testing.B) { run(b, haproxyPair(b, backend, true)) })
}
