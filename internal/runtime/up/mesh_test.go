package up

import (
	"compress/gzip"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"

	"github.com/netwright/netwright/internal/clock/clocktest"
	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/plan/plantest"
)

// meshSpec is a small mesh: web (public, HTTP) calls api (HTTP, three
// tasks) and ledger (TCP, two tasks).
const meshSpec = `version: 1
app: meshy
services:
  web: {port: 8080, public: true, replicas: 2, depends_on: [api, ledger]}
  api: {port: 9090, replicas: 3}
  ledger: {port: 7000, protocol: tcp, replicas: 2}
mesh: {target: service_connect, mtls: off}
tls: {domain: meshy.example.com}
`

func meshDesign(t *testing.T, edits ...string) *design.Design {
	t.Helper()
	src := meshSpec
	for i := 0; i+1 < len(edits); i += 2 {
		if !strings.Contains(src, edits[i]) {
			t.Fatalf("the mesh spec has no %q", edits[i])
		}
		src = strings.Replace(src, edits[i], edits[i+1], 1)
	}
	return plantest.Design(t, "meshy.yaml", []byte(src))
}

// callEntry sends one GET through the public HTTPS listener and returns
// the status and the call tree.
func callEntry(c *http.Client, e Entry) (int, Call, error) {
	resp, err := c.Get("https://" + e.Addr + "/")
	if err != nil {
		return 0, Call{}, err
	}
	defer resp.Body.Close()
	var tree Call
	b, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(b, &tree)
	return resp.StatusCode, tree, nil
}

// counter sums a family's counters (or histograms' counts) whose labels
// include want.
func counter(fams map[string]*dto.MetricFamily, name string, want map[string]string) float64 {
	sum := 0.0
	f := fams[name]
	if f == nil {
		return 0
	}
	for _, m := range f.GetMetric() {
		ok := true
		for k, v := range want {
			found := false
			for _, l := range m.GetLabel() {
				found = found || l.GetName() == k && l.GetValue() == v
			}
			ok = ok && found
		}
		if !ok {
			continue
		}
		switch {
		case m.Counter != nil:
			sum += m.GetCounter().GetValue()
		case m.Gauge != nil:
			sum += m.GetGauge().GetValue()
		case m.Histogram != nil:
			sum += float64(m.GetHistogram().GetSampleCount())
		}
	}
	return sum
}

func addFault(t *testing.T, rt *Runtime, body string) {
	t.Helper()
	if code := admin(t, rt, http.MethodPost, "/faults", body); code != http.StatusCreated {
		t.Fatalf("POST /faults %s: %d", body, code)
	}
}

// TestMeshCallsGoThroughTheProxies: with Service Connect every call
// between services goes through the caller's proxy and the callee's,
// which count Service Connect's metrics on both sides.
func TestMeshCallsGoThroughTheProxies(t *testing.T) {
	rt := startDesign(t, meshDesign(t), Options{Ephemeral: true})
	e := entry(t, rt, design.InternetFacing, "HTTPS")
	code, tree, err := callEntry(client(t, rt), e)
	if err != nil || code != http.StatusOK {
		t.Fatalf("GET through the entry: %d %v", code, err)
	}
	if len(tree.Calls) != 2 {
		t.Fatalf("web made calls %+v; want api and ledger", tree.Calls)
	}
	for _, c := range tree.Calls {
		if c.Via != "Service Connect proxy" || c.Error != "" || !strings.HasPrefix(c.Task, c.Service+"-") {
			t.Errorf("web's call to %s: via %q, task %q, error %q; want an answer through the Service Connect proxy", c.Service, c.Via, c.Task, c.Error)
		}
	}
	fams := metrics(t, rt)
	if n := counter(fams, "RequestCount", map[string]string{"DiscoveryName": "api", "ServiceName": "api", "ClusterName": "meshy"}); n != 1 {
		t.Errorf("api's RequestCount %v; want 1", n)
	}
	if n := counter(fams, "HTTPCode_Target_2XX_Count", map[string]string{"TargetDiscoveryName": "api", "ServiceName": "web"}); n != 1 {
		t.Errorf("web's HTTPCode_Target_2XX_Count for api %v; want 1", n)
	}
	if n := counter(fams, "NewConnectionCount", map[string]string{"DiscoveryName": "ledger"}); n != 1 {
		t.Errorf("ledger's NewConnectionCount %v; want 1", n)
	}
	st := getStatus(t, rt)
	if st.Mesh == nil || st.Mesh.Semantics != "service_connect" || len(st.Mesh.Proxies) != 7 {
		t.Fatalf("status's mesh: %+v; want service_connect with 7 proxies", st.Mesh)
	}
}

// load sends GETs through e from workers clients until stop closes,
// checking each answer's call tree.
func meshLoad(t *testing.T, rt *Runtime, e Entry, workers int, stop <-chan struct{}) (*atomic.Int64, func() []string) {
	var answered atomic.Int64
	var mu sync.Mutex
	var problems []string
	var wg sync.WaitGroup
	c := client(t, rt)
	for range workers {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				code, tree, err := callEntry(c, e)
				mu.Lock()
				switch {
				case err != nil:
					problems = append(problems, err.Error())
				case code != http.StatusOK:
					problems = append(problems, "status "+http.StatusText(code))
				}
				for _, sub := range tree.Calls {
					if sub.Error != "" {
						problems = append(problems, "web's call to "+sub.Service+": "+sub.Error)
					}
				}
				mu.Unlock()
				answered.Add(1)
			}
		})
	}
	return &answered, func() []string { wg.Wait(); return problems }
}

// TestMeshKilledTaskUnderLoadServiceConnect kills one of api's three
// tasks (and one of ledger's two) while web's tasks keep calling: with
// Service Connect's semantics no caller sees an error (a failed try is
// retried on another task), and each web proxy ejects the dead task once
// it has failed five times in 30 s.
func TestMeshKilledTaskUnderLoadServiceConnect(t *testing.T) {
	rt, _ := startOnClock(t, meshDesign(t), Options{})
	e := entry(t, rt, design.InternetFacing, "HTTPS")
	stop := make(chan struct{})
	answered, done := meshLoad(t, rt, e, 4, stop)
	eventually(t, "the load's first answers", func() bool { return answered.Load() >= 20 })
	addFault(t, rt, `{"target": "api-2", "kind": "kill"}`)
	addFault(t, rt, `{"target": "ledger-1", "kind": "kill"}`)
	seen := answered.Load()
	eventually(t, "120 answers after the kill", func() bool { return answered.Load() >= seen+120 })
	close(stop)
	if problems := done(); len(problems) > 0 {
		t.Errorf("%d callers saw errors, first %q; Service Connect retries on another task", len(problems), problems[0])
	}
	fams := metrics(t, rt)
	if n := counter(fams, "netwright_mesh_outlier_ejections_total", map[string]string{"TargetDiscoveryName": "api"}); n < 1 || n > 2 {
		t.Errorf("api ejections %v; want one per web proxy that met the dead task", n)
	}
	if n := counter(fams, "netwright_mesh_upstream_rq_retry_total", map[string]string{"TargetDiscoveryName": "api"}); n < 5 {
		t.Errorf("retries to api %v; want the dead task's tries retried", n)
	}
	if n := counter(fams, "netwright_mesh_upstream_rq_retry_total", map[string]string{"TargetDiscoveryName": "ledger"}); n < 1 {
		t.Errorf("retries to ledger %v; want the dead task's connections retried", n)
	}
	// Ejected: the proxies stop trying it (for 30 s, on a clock that
	// stands still here).
	tries := counter(fams, "netwright_mesh_faults_total", map[string]string{"Target": "api-2"})
	c := client(t, rt)
	for range 30 {
		if code, _, err := callEntry(c, e); err != nil || code != http.StatusOK {
			t.Fatalf("GET after the ejection: %d %v", code, err)
		}
	}
	if again := counter(metrics(t, rt), "netwright_mesh_faults_total", map[string]string{"Target": "api-2"}); again != tries {
		t.Errorf("the dead task was tried %v more times after its ejection", again-tries)
	}
	st := getStatus(t, rt)
	ejected := 0
	for _, p := range st.Mesh.Proxies {
		for _, u := range p.Egress {
			for _, tg := range u.Targets {
				if tg.Task == "api-2" && tg.State == "ejected" {
					ejected++
				}
			}
		}
	}
	if ejected == 0 {
		t.Errorf("no web proxy shows api-2 ejected in status")
	}
}

// TestMeshAbortShowsRetriesInMetrics: a 503 answered to 10% of api's
// calls (at api's proxies) is retried by the callers' proxies: the
// retries show in the metrics, the callers see (almost) none of it.
// With 300 calls and p = 0.1 per try, the retries are binomial around
// 33 (sd 5.4): 10 to 70 bounds them beyond 4 sd; a call fails only if
// three tries in a row do (p = 0.001).
func TestMeshAbortShowsRetriesInMetrics(t *testing.T) {
	rt := startDesign(t, meshDesign(t), Options{Ephemeral: true, MeshSeed: 17})
	e := entry(t, rt, design.InternetFacing, "HTTPS")
	addFault(t, rt, `{"target": "api", "kind": "abort", "value": "503", "share": 0.1}`)
	c := client(t, rt)
	failed := 0
	for range 300 {
		code, tree, err := callEntry(c, e)
		if err != nil || code != http.StatusOK {
			t.Fatalf("GET: %d %v", code, err)
		}
		for _, sub := range tree.Calls {
			if sub.Service == "api" && sub.Error != "" {
				failed++
			}
		}
	}
	fams := metrics(t, rt)
	retries := counter(fams, "netwright_mesh_upstream_rq_retry_total", map[string]string{"TargetDiscoveryName": "api"})
	if retries < 10 || retries > 70 {
		t.Errorf("%v retries to api; want about 33 (10 to 70)", retries)
	}
	served := counter(fams, "RequestCount", map[string]string{"DiscoveryName": "api"})
	answered := counter(fams, "RequestCountPerTarget", map[string]string{"TargetDiscoveryName": "api"})
	if answered != 300 || served != answered+retries {
		t.Errorf("api's proxies took %v requests, callers' answered %v with %v retries; want 300 answered and every try taken", served, answered, retries)
	}
	if errs := counter(fams, "HTTPCode_Target_5XX_Count", map[string]string{"TargetDiscoveryName": "api"}); errs != float64(failed) || failed > 3 {
		t.Errorf("%d calls failed (HTTPCode_Target_5XX_Count %v); want at most 3 and the metric to agree", failed, errs)
	}
}

// TestMeshPartitionTimesOutAtTheCaller: with api partitioned, each try's
// connection attempt times out (5 s, Envoy's connect timeout), and the
// per-request timeout (12 s here) ends the call during the third try:
// web's call fails with 504, counted as a timeout. All on the runtime's
// clock.
func TestMeshPartitionTimesOutAtTheCaller(t *testing.T) {
	rt, clk := startOnClock(t, meshDesign(t, "mesh:", "traffic: {api: {timeout: 12s}}\nmesh:"), Options{})
	e := entry(t, rt, design.InternetFacing, "HTTPS")
	addFault(t, rt, `{"target": "api", "kind": "partition"}`)
	type answer struct {
		code int
		tree Call
		err  error
	}
	got := make(chan answer, 1)
	go func() {
		code, tree, err := callEntry(client(t, rt), e)
		got <- answer{code, tree, err}
	}()
	a := advanceUntilAnswer(t, clk, got, 12*time.Second)
	if a.err != nil || a.code != http.StatusOK {
		t.Fatalf("GET: %d %v", a.code, a.err)
	}
	for _, sub := range a.tree.Calls {
		switch sub.Service {
		case "api":
			if !strings.Contains(sub.Error, "504") {
				t.Errorf("web's call to api: %q; want the proxy's 504 (upstream request timeout)", sub.Error)
			}
		case "ledger":
			if sub.Error != "" {
				t.Errorf("web's call to ledger: %q; only api is partitioned", sub.Error)
			}
		}
	}
	if n := counter(metrics(t, rt), "netwright_mesh_upstream_rq_timeout_total", map[string]string{"TargetDiscoveryName": "api"}); n != 1 {
		t.Errorf("timeouts to api %v; want 1", n)
	}
}

// advanceUntilAnswer waits until a call's timeout of limit is set on clk
// (the call reached the caller's proxy; the clock moving before then
// would count time the call had not yet had), then steps clk a second at
// a time until an answer comes, failing past limit and a bit on the
// clock.
func advanceUntilAnswer[T any](t *testing.T, clk *clocktest.Clock, got <-chan T, limit time.Duration) T {
	t.Helper()
	clk.BlockUntilDue(limit)
	for passed := time.Duration(0); passed <= limit+2*time.Second; passed += time.Second {
		select {
		case a := <-got:
			if passed < limit {
				t.Errorf("answered after %v on the clock; want %v", passed, limit)
			}
			return a
		case <-time.After(50 * time.Millisecond):
		}
		clk.Advance(time.Second)
	}
	select {
	case a := <-got:
		return a
	case <-time.After(10 * time.Second):
		t.Fatalf("no answer %v after on the clock", limit)
	}
	var zero T
	return zero
}

// latticeSpec routes api's calls 90/10 to api and api-v2 through VPC
// Lattice with AWS_IAM auth.
const latticeSpec = `version: 1
app: lat
services:
  web: {port: 8080, public: true, depends_on: [api]}
  api: {port: 9090, replicas: 2}
  api-v2: {port: 9090, replicas: 1}
traffic:
  api:
    routes:
      - match: {headers: {x-canary: "true"}}
        to: {api-v2: 100}
      - to: {api: 90, api-v2: 10}
mesh: {target: vpc_lattice}
tls: {domain: lat.example.com}
`

// TestLatticeWeightsAndAuth: through VPC Lattice's semantics web's calls
// to api split 90/10 between api and api-v2 (1000 calls: the canary's
// count is binomial, mean 100, sd 9.5; 55 to 145 is beyond 4.7 sd, and
// the seed makes the run repeat), and a caller the auth policy does not
// name gets Lattice's 403 AccessDeniedException.
func TestLatticeWeightsAndAuth(t *testing.T) {
	d := plantest.Design(t, "lat.yaml", []byte(latticeSpec))
	rt := startDesign(t, d, Options{Ephemeral: true, MeshSeed: 7})
	if st := getStatus(t, rt); st.Mesh == nil || st.Mesh.Semantics != "vpc_lattice" {
		t.Fatalf("status's mesh: %+v; want vpc_lattice", st.Mesh)
	}
	e := entry(t, rt, design.InternetFacing, "HTTPS")
	c := client(t, rt)
	counts := map[string]int{}
	for range 1000 {
		code, tree, err := callEntry(c, e)
		if err != nil || code != http.StatusOK || len(tree.Calls) != 1 || tree.Calls[0].Error != "" {
			t.Fatalf("GET: %d %v %+v", code, err, tree.Calls)
		}
		svc, _, _ := cutLast(tree.Calls[0].Task, "-")
		counts[svc]++
	}
	if counts["api-v2"] < 55 || counts["api-v2"] > 145 || counts["api"]+counts["api-v2"] != 1000 {
		t.Errorf("calls by service %v; want 90/10 (api-v2 55 to 145 of 1000)", counts)
	}

	// The header rule sends a call to the canary whatever the weights.
	web := rt.mesh.Status().Proxies
	egress := ""
	for _, p := range web {
		if p.Service == "web" && len(p.Egress) == 1 {
			egress = p.Egress[0].Addr
		}
	}
	if egress == "" {
		t.Fatal("no web proxy with an egress to api in status")
	}
	for range 20 {
		req, _ := http.NewRequest(http.MethodGet, "http://"+egress+"/", nil)
		req.Header.Set("X-Canary", "true")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var tree Call
		_ = json.NewDecoder(resp.Body).Decode(&tree)
		resp.Body.Close()
		if tree.Service != "api-v2" {
			t.Fatalf("x-canary: true went to %q; the rule sends it to api-v2", tree.Service)
		}
	}

	// An auth policy that leaves web out: Lattice refuses web's calls.
	for i := range d.Mesh.Lattice.Services {
		d.Mesh.Lattice.Services[i].AllowedCallers = nil
	}
	if _, err := rt.Reload(d); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get("http://" + egress + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(string(body), "AccessDeniedException") || !strings.Contains(string(body), "vpc-lattice-svcs:Invoke") {
		t.Errorf("a call no policy allows: %d %s; want 403 AccessDeniedException", resp.StatusCode, body)
	}
	if n := counter(metrics(t, rt), "netwright_mesh_denied_total", map[string]string{"Caller": "web"}); n != 1 {
		t.Errorf("denials counted %v; want 1", n)
	}
}

// ingressOf returns a task's proxy's ingress address from status.
func ingressOf(t *testing.T, rt *Runtime, task string) string {
	t.Helper()
	for _, p := range rt.mesh.Status().Proxies {
		if p.Task == task && p.Ingress != "" {
			return p.Ingress
		}
	}
	t.Fatalf("no proxy of %s with an ingress", task)
	return ""
}

// TestStrictMutualTLSDeniesByDefault: under the model's strict mutual
// TLS the declared callers' calls go through; a task of a service that
// is not a declared caller gets 403 over HTTP and a reset over TCP; a
// caller with no certificate, or speaking plaintext, gets no further
// than the handshake. Each denial is counted.
func TestStrictMutualTLSDeniesByDefault(t *testing.T) {
	d := meshDesign(t, "mtls: off", "mtls: strict", "replicas: 2}\nmesh", "replicas: 2}\n  spy: {port: 6000, replicas: 1}\nmesh")
	rt, clk := startOnClock(t, d, Options{Mesh: MeshModel})
	e := entry(t, rt, design.InternetFacing, "HTTPS")
	code, tree, err := callEntry(client(t, rt), e)
	if err != nil || code != http.StatusOK || len(tree.Calls) != 2 {
		t.Fatalf("GET: %d %v %+v", code, err, tree)
	}
	for _, c := range tree.Calls {
		if c.Error != "" || c.Via != "mesh proxy (model)" {
			t.Errorf("web's call to %s under strict mTLS: via %q, error %q", c.Service, c.Via, c.Error)
		}
	}
	api, ledger := ingressOf(t, rt, "api-1"), ingressOf(t, rt, "ledger-1")

	// spy is in the mesh with an identity of its own, but calls nobody.
	spy := &http.Client{Transport: &http.Transport{TLSClientConfig: rt.mesh.ClientTLS("spy", "api", "http/1.1")}}
	resp, err := spy.Get("https://" + api + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(string(body), "RBAC: access denied") {
		t.Errorf("spy's call to api: %d %q; want 403 RBAC: access denied", resp.StatusCode, body)
	}
	// web is a declared caller: the same call with its identity passes.
	webc := &http.Client{Transport: &http.Transport{TLSClientConfig: rt.mesh.ClientTLS("web", "api", "http/1.1")}}
	if resp, err := webc.Get("https://" + api + "/"); err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("web's own call to api's proxy: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	// TCP: spy's connection to ledger is reset, nothing read.
	conn, err := tls.Dial("tcp", ledger, rt.mesh.ClientTLS("spy", "ledger"))
	if err != nil {
		t.Fatal(err)
	}
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	n, err := conn.Read(make([]byte, 64))
	conn.Close()
	if n != 0 || err == nil || isTimeout(err) {
		t.Errorf("spy's TCP connection to ledger read %d bytes, %v; want a reset", n, err)
	}
	// No certificate, or no TLS at all: refused.
	noCert := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS13}}}
	if resp, err := noCert.Get("https://" + api + "/"); err == nil {
		resp.Body.Close()
		t.Errorf("a caller with no certificate got %s", resp.Status)
	}
	if resp, err := http.Get("http://" + api + "/"); err == nil {
		resp.Body.Close()
		t.Errorf("a plaintext caller got %s", resp.Status)
	}
	fams := metrics(t, rt)
	if n := counter(fams, "netwright_mesh_denied_total", map[string]string{"Caller": "spy"}); n != 2 {
		t.Errorf("spy's denials counted %v; want 2 (HTTP and TCP)", n)
	}
	// The proxy counts a failed handshake when its side of it ends, which
	// may be after the caller has given up.
	eventually(t, "api's failed handshakes counted: the caller with no certificate and the plaintext one", func() bool {
		return counter(metrics(t, rt), "ClientTLSNegotiationErrorCount", map[string]string{"DiscoveryName": "api"}) >= 2
	})

	// Identities: one URI SAN, spiffe://<namespace>/<service>, renewed
	// at half their hour on the runtime's clock.
	id, cert, err := rt.mesh.Identity("api")
	if err != nil {
		t.Fatal(err)
	}
	if len(cert.URIs) != 1 || cert.URIs[0].String() != id || !strings.HasPrefix(id, "spiffe://") || !strings.HasSuffix(id, "/api") || len(cert.DNSNames) != 0 {
		t.Errorf("api's identity %s: URIs %v; want one SPIFFE URI SAN", id, cert.URIs)
	}
	clk.Advance(29 * time.Minute)
	if _, again, _ := rt.mesh.Identity("api"); again.SerialNumber.Cmp(cert.SerialNumber) != 0 {
		t.Errorf("api's identity renewed before half its life")
	}
	clk.Advance(2 * time.Minute)
	_, renewed, _ := rt.mesh.Identity("api")
	if renewed.SerialNumber.Cmp(cert.SerialNumber) == 0 || renewed.NotAfter.Sub(cert.NotAfter) != 31*time.Minute {
		t.Errorf("api's identity not renewed past half its life: %v until %v", renewed.SerialNumber, renewed.NotAfter)
	}
	// Calls go on with the new identities.
	if code, tree, err := callEntry(client(t, rt), e); err != nil || code != http.StatusOK || tree.Calls[0].Error != "" {
		t.Errorf("GET after the rotation: %d %v %+v", code, err, tree.Calls)
	}
}

// otlpReceiver is an OTLP/HTTP traces endpoint that decodes what it gets.
type otlpReceiver struct {
	mu    sync.Mutex
	spans []*tracepb.Span
	// services maps a span ID to its resource's service.name.
	services map[string]string
}

func (o *otlpReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/v1/traces" || r.Header.Get("Content-Type") != "application/x-protobuf" {
		http.Error(w, "want protobuf at /v1/traces", http.StatusBadRequest)
		return
	}
	var body io.Reader = r.Body
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		body = zr
	}
	b, _ := io.ReadAll(body)
	var req coltracepb.ExportTraceServiceRequest
	if err := proto.Unmarshal(b, &req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	o.mu.Lock()
	for _, rs := range req.GetResourceSpans() {
		svc := ""
		for _, a := range rs.GetResource().GetAttributes() {
			if a.GetKey() == "service.name" {
				svc = a.GetValue().GetStringValue()
			}
		}
		for _, ss := range rs.GetScopeSpans() {
			for _, s := range ss.GetSpans() {
				o.spans = append(o.spans, s)
				o.services[hex.EncodeToString(s.GetSpanId())] = svc
			}
		}
	}
	o.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-protobuf")
	out, _ := proto.Marshal(&coltracepb.ExportTraceServiceResponse{})
	w.Write(out)
}

// TestTracesReachAnOTLPReceiver: with OTEL_EXPORTER_OTLP_ENDPOINT set,
// the proxies' and the built-in workload's spans go over OTLP/HTTP; one
// call's spans share the trace ID its call tree carries, each hop the
// child of the one before (web's workload, web's proxy, api's proxy,
// api's workload); a partitioned call's span at the caller says it
// timed out.
func TestTracesReachAnOTLPReceiver(t *testing.T) {
	recv := &otlpReceiver{services: map[string]string{}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: recv}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://"+ln.Addr().String())
	t.Setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "")
	rt, clk := startOnClock(t, meshDesign(t, "mesh:", "traffic: {api: {timeout: 12s}}\nmesh:"), Options{ExportTraces: true})
	e := entry(t, rt, design.InternetFacing, "HTTPS")
	code, tree, err := callEntry(client(t, rt), e)
	if err != nil || code != http.StatusOK || tree.TraceID == "" {
		t.Fatalf("GET: %d %v, trace %q", code, err, tree.TraceID)
	}
	for _, c := range tree.Calls {
		if c.Protocol != "tcp" && c.TraceID != tree.TraceID { // TCP carries no trace context
			t.Errorf("%s's part of the call tree is in trace %q; want %q", c.Service, c.TraceID, tree.TraceID)
		}
	}
	addFault(t, rt, `{"target": "web->api", "kind": "partition"}`)
	got := make(chan Call, 1)
	go func() { _, tr, _ := callEntry(client(t, rt), e); got <- tr }()
	partitioned := advanceUntilAnswer(t, clk, got, 12*time.Second)
	// A span ends as its answer leaves: wait for the partitioned call's.
	timedOut := func() bool {
		if err := rt.tracing.Flush(t.Context()); err != nil {
			t.Fatal(err)
		}
		recv.mu.Lock()
		defer recv.mu.Unlock()
		for _, s := range recv.spans {
			if hex.EncodeToString(s.GetTraceId()) == partitioned.TraceID && s.GetName() == "egress api" &&
				s.GetStatus().GetCode() == tracepb.Status_STATUS_CODE_ERROR && s.GetStatus().GetMessage() == "upstream request timeout" {
				return true
			}
		}
		return false
	}
	eventually(t, "the partitioned call's egress span, timed out, at the receiver", timedOut)

	recv.mu.Lock()
	defer recv.mu.Unlock()
	byID := map[string]*tracepb.Span{}
	for _, s := range recv.spans {
		byID[hex.EncodeToString(s.GetSpanId())] = s
	}
	// The chain from api's workload up to web's.
	var apiWork *tracepb.Span
	for _, s := range recv.spans {
		if hex.EncodeToString(s.GetTraceId()) == tree.TraceID && s.GetName() == "workload api" {
			apiWork = s
		}
	}
	if apiWork == nil {
		t.Fatalf("no span of api's workload in trace %s among %d spans", tree.TraceID, len(recv.spans))
	}
	var chain []string
	for s := apiWork; s != nil; s = byID[hex.EncodeToString(s.GetParentSpanId())] {
		chain = append(chain, recv.services[hex.EncodeToString(s.GetSpanId())]+":"+s.GetName())
	}
	want := []string{"api:workload api", "api:ingress api", "web:egress api", "web:workload web"}
	if strings.Join(chain, " < ") != strings.Join(want, " < ") {
		t.Errorf("the call's spans: %v; want %v", chain, want)
	}
}

// egressOf returns a task's proxy's egress address for dep.
func egressOf(t *testing.T, rt *Runtime, task, dep string) string {
	t.Helper()
	for _, p := range rt.mesh.Status().Proxies {
		for _, u := range p.Egress {
			if p.Task == task && u.Service == dep {
				return u.Addr
			}
		}
	}
	t.Fatalf("no egress of %s to %s", task, dep)
	return ""
}

// TestModelRetriesAndCircuitBreaker: the spec's own model (up --mesh
// model). A try stalled past its per-try timeout (1 s) is retried, after
// Envoy's jittered back-off, on another task; with max_requests 1 a
// second call while one is in flight gets 503 with x-envoy-overloaded at
// once. On the runtime's clock.
func TestModelRetriesAndCircuitBreaker(t *testing.T) {
	d := meshDesign(t, "mesh:", "traffic: {api: {timeout: 10s, retries: {attempts: 2, on: [5xx], per_try_timeout: 1s}, circuit_breaker: {max_requests: 1}}}\nmesh:")
	rt, clk := startOnClock(t, d, Options{Mesh: MeshModel})
	if st := getStatus(t, rt); st.Mesh == nil || st.Mesh.Semantics != "model" {
		t.Fatalf("status's mesh: %+v; want model", st.Mesh)
	}
	egress := "http://" + egressOf(t, rt, "web-1", "api") + "/"
	// web-1's proxy tries api-1 first (round robin from the first task).
	addFault(t, rt, `{"target": "api-1", "kind": "stall"}`)
	type answer struct {
		resp *http.Response
		err  error
	}
	get := func() <-chan answer {
		ch := make(chan answer, 1)
		go func() { r, err := http.Get(egress); ch <- answer{r, err} }()
		return ch
	}
	got := get()
	// The try at api-1 stalls there; its per-try timer was set before it
	// left, so a second on the clock ends it.
	eventually(t, "the first try stalled at api-1", func() bool {
		return counter(metrics(t, rt), "netwright_mesh_faults_total", map[string]string{"Target": "api-1", "kind": "stall"}) >= 1
	})
	clk.Advance(time.Second)
	// The retry waits out its back-off on the clock: step from timer to
	// timer, never past 25 ms (Envoy's first back-off is under 25 ms), so
	// the retry's own per-try timeout cannot pass however slowly it is
	// answered.
	var a answer
	backoff := time.Duration(0)
	deadline := time.Now().Add(30 * time.Second)
	for a.resp == nil && a.err == nil {
		select {
		case a = <-got:
			continue
		case <-time.After(2 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("no answer 30 s after the per-try timeout, %v of back-off stepped on the clock", backoff)
		}
		if d, ok := clk.Next(); ok && backoff+d < 25*time.Millisecond {
			clk.Advance(d)
			backoff += d
		}
	}
	if a.err != nil || a.resp.StatusCode != http.StatusOK {
		t.Fatalf("a call whose first try stalled: %v %v; want the retry's 200", a.resp, a.err)
	}
	// The call ends when its answer is all read: its proxy's handler has
	// returned by then, and with it the breaker's one request.
	io.Copy(io.Discard, a.resp.Body)
	a.resp.Body.Close()
	fams := metrics(t, rt)
	if n := counter(fams, "netwright_mesh_upstream_rq_retry_total", map[string]string{"TargetDiscoveryName": "api", "ServiceName": "web"}); n != 1 {
		t.Errorf("retries %v; want 1", n)
	}

	// Stall every api task: one call holds the only request the breaker
	// allows; the next overflows.
	addFault(t, rt, `{"target": "api", "kind": "stall"}`)
	stalls := counter(metrics(t, rt), "netwright_mesh_faults_total", map[string]string{"kind": "stall"})
	held := get()
	eventually(t, "the first call in flight", func() bool {
		return counter(metrics(t, rt), "netwright_mesh_faults_total", map[string]string{"kind": "stall"}) > stalls
	})
	resp, err := http.Get(egress)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("X-Envoy-Overloaded") != "true" {
		t.Errorf("a call past max_requests: %s, x-envoy-overloaded %q; want 503 and true", resp.Status, resp.Header.Get("X-Envoy-Overloaded"))
	}
	if code := admin(t, rt, http.MethodDelete, "/faults", ""); code != http.StatusOK {
		t.Fatalf("DELETE /faults: %d", code)
	}
	if a := <-held; a.err != nil || a.resp.StatusCode != http.StatusOK {
		t.Errorf("the held call once the stall cleared: %v %v", a.resp, a.err)
	} else {
		a.resp.Body.Close()
	}
}
