package up

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/netwright/netwright/internal/clock/clocktest"
	"github.com/netwright/netwright/internal/design"
)

// startNetnsOnClock starts d in netns mode on a test clock, or skips
// where network namespaces cannot be made.
func startNetnsOnClock(t *testing.T, d *design.Design, opt Options) (*Runtime, *clocktest.Clock) {
	t.Helper()
	clk := clocktest.New(t)
	opt.Clock = clk
	return startNetns(t, d, opt), clk
}

// dialFrom connects from a task's namespace, waiting at most wait: a
// packet the groups drop leaves the caller waiting, as in AWS.
func dialFrom(rt *Runtime, task, addr string, wait time.Duration) (net.Conn, error) {
	rt.mu.RLock()
	var from *runningTask
	for _, x := range rt.tasks {
		if x.ID == task {
			from = x
		}
	}
	rt.mu.RUnlock()
	if from == nil || from.eni == nil {
		return nil, errors.New("no task " + task + " in a namespace")
	}
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	return from.eni.NS.DialContext(ctx, "tcp", addr)
}

// TestNetnsMeshServiceConnect: in netns mode each task's proxy holds
// the task's designed address and its service's port (Service Connect's
// ingress on the container port), its egress listeners are on the
// namespace's loopback, and calls go proxy to proxy between namespaces
// with Service Connect's semantics: a killed task's tries are retried on
// another task and it is ejected, and no caller sees an error.
func TestNetnsMeshServiceConnect(t *testing.T) {
	d := meshDesign(t)
	rt, _ := startNetnsOnClock(t, d, Options{FlowLogDir: t.TempDir()})
	st := getStatus(t, rt)
	if st.Mesh == nil || st.Mesh.Semantics != "service_connect" || len(st.Mesh.Proxies) != 7 {
		t.Fatalf("status's mesh: %+v; want service_connect with 7 proxies; notes %v", st.Mesh, rt.Notes)
	}
	designed := map[string]string{}
	for _, nt := range rt.NetnsTasks() {
		designed[nt.Task] = nt.Addr.String()
	}
	for _, p := range st.Mesh.Proxies {
		port := map[string]string{"web": "8080", "api": "9090", "ledger": "7000"}[p.Service]
		if p.Ingress != "" && p.Ingress != designed[p.Task]+":"+port {
			t.Errorf("%s's proxy takes calls at %s; want its designed address and port %s:%s", p.Task, p.Ingress, designed[p.Task], port)
		}
		for _, u := range p.Egress {
			if !strings.HasPrefix(u.Addr, "127.0.0.1:") {
				t.Errorf("%s's egress to %s is at %s; want the namespace's loopback", p.Task, u.Service, u.Addr)
			}
		}
	}
	e := entry(t, rt, design.InternetFacing, "HTTPS")
	code, tree, err := callEntry(client(t, rt), e)
	if err != nil || code != http.StatusOK || len(tree.Calls) != 2 {
		t.Fatalf("GET through the entry: %d %v %+v", code, err, tree)
	}
	for _, c := range tree.Calls {
		if c.Via != "Service Connect proxy" || c.Error != "" {
			t.Errorf("web's call to %s: via %q, error %q; want an answer through the Service Connect proxy", c.Service, c.Via, c.Error)
		}
	}

	stop := make(chan struct{})
	answered, done := meshLoad(t, rt, e, 4, stop)
	eventually(t, "the load's first answers", func() bool { return answered.Load() >= 20 })
	addFault(t, rt, `{"target": "api-2", "kind": "kill"}`)
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
	// The proxies' calls crossed the router: api's interfaces accepted
	// web's proxies on 9090, as the flow logs count them.
	rt.collectFlows()
	accepted := uint64(0)
	for _, f := range rt.FlowStats() {
		if strings.HasPrefix(f.Owner, "api-") && f.Direction == "ingress" && f.DstPort == 9090 {
			accepted += f.Accepted
		}
	}
	if accepted == 0 {
		t.Errorf("no packets to api's interfaces on 9090 in the flow stats: the proxies did not cross the router")
	}
}

// TestNetnsMeshGroupsHoldThroughTheProxies: the proxies do not get a
// caller around the security groups. With api's group no longer
// admitting web, web's proxy's tries to api's proxies are dropped at
// api's interfaces (each connection attempt times out, 5 s on the
// runtime's clock, and the per-request timeout ends the call), logged as
// REJECTs; ledger, which its group still admits, answers.
func TestNetnsMeshGroupsHoldThroughTheProxies(t *testing.T) {
	d := meshDesign(t, "mesh:", "traffic: {api: {timeout: 12s}}\nmesh:")
	for i := range d.SecurityGroups {
		if g := &d.SecurityGroups[i]; g.ID == "sg-meshy-api" {
			g.Ingress = nil
		}
	}
	rt, clk := startNetnsOnClock(t, d, Options{})
	e := entry(t, rt, design.InternetFacing, "HTTPS")
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
				t.Errorf("web's call to api, which api's group does not admit: %q; want the proxy's 504 after its tries were dropped", sub.Error)
			}
		case "ledger":
			if sub.Error != "" {
				t.Errorf("web's call to ledger: %q; ledger's group admits web", sub.Error)
			}
		}
	}
	rt.collectFlows()
	rejected := uint64(0)
	for _, f := range rt.FlowStats() {
		if strings.HasPrefix(f.Owner, "api-") && f.Direction == "ingress" && f.DstPort == 9090 {
			rejected += f.Rejected
		}
	}
	if rejected == 0 {
		t.Errorf("no REJECT of web's proxies at api's interfaces on 9090")
	}
}

// TestNetnsStrictMutualTLS: under the model's strict mutual TLS in netns
// mode, web's calls go through; spy, in the mesh with an identity of its
// own but no declared caller of api, cannot reach api's proxy at all
// while the groups do not admit it (they come first), and once rules
// let spy's group out to api and into api (the reload compiles them) it
// gets through the network and is refused by api's proxy: 403 RBAC:
// access denied.
func TestNetnsStrictMutualTLS(t *testing.T) {
	d := meshDesign(t, "mtls: off", "mtls: strict", "replicas: 2}\nmesh", "replicas: 2}\n  spy: {port: 6000, replicas: 1}\nmesh")
	rt, _ := startNetnsOnClock(t, d, Options{Mesh: MeshModel})
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
	api := ingressOf(t, rt, "api-1")
	if _, err := dialFrom(rt, "spy-1", api, 700*time.Millisecond); err == nil || !isTimeout(err) {
		t.Fatalf("spy's connection to api's proxy at %s: %v; want it dropped by api's group", api, err)
	}

	next := meshDesign(t, "mtls: off", "mtls: strict", "replicas: 2}\nmesh", "replicas: 2}\n  spy: {port: 6000, replicas: 1}\nmesh")
	for i := range next.SecurityGroups {
		switch g := &next.SecurityGroups[i]; g.ID {
		case "sg-meshy-api":
			g.Ingress = append(g.Ingress, design.SGRule{Protocol: "tcp", FromPort: 9090, ToPort: 9090, PeerGroup: "sg-meshy-spy", Description: "the test admits spy"})
		case "sg-meshy-spy":
			g.Egress = append(g.Egress, design.SGRule{Protocol: "tcp", FromPort: 9090, ToPort: 9090, PeerGroup: "sg-meshy-api", Description: "the test lets spy call api"})
		}
	}
	if _, err := rt.Reload(next); err != nil {
		t.Fatal(err)
	}
	conn, err := dialFrom(rt, "spy-1", api, 5*time.Second)
	if err != nil {
		t.Fatalf("spy's connection to api's proxy once admitted: %v", err)
	}
	tc := tls.Client(conn, rt.mesh.ClientTLS("spy", "api", "http/1.1"))
	defer tc.Close()
	tc.SetDeadline(time.Now().Add(10 * time.Second))
	req, _ := http.NewRequest(http.MethodGet, "https://"+api+"/", nil)
	if err := req.Write(tc); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(tc), req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("spy's call to api, admitted by the groups: %s; want 403 from api's proxy", resp.Status)
	}
	if n := counter(metrics(t, rt), "netwright_mesh_denied_total", map[string]string{"Caller": "spy"}); n != 1 {
		t.Errorf("spy's denials counted %v; want 1", n)
	}
	// web still calls through after the reload.
	if code, tree, err := callEntry(client(t, rt), e); err != nil || code != http.StatusOK || slices.ContainsFunc(tree.Calls, func(c Call) bool { return c.Error != "" }) {
		t.Errorf("GET after the reload: %d %v %+v", code, err, tree.Calls)
	}
}
