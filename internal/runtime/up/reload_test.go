package up

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/plan/plantest"
)

// threeTier returns the three-tier example with edits applied.
func threeTier(t *testing.T, edits ...string) *design.Design {
	t.Helper()
	b, err := os.ReadFile("../../../examples/three-tier.yaml")
	if err != nil {
		t.Fatal(err)
	}
	src := string(b)
	for i := 0; i+1 < len(edits); i += 2 {
		if !strings.Contains(src, edits[i]) {
			t.Fatalf("three-tier.yaml has no %q", edits[i])
		}
		src = strings.Replace(src, edits[i], edits[i+1], 1)
	}
	return plantest.Design(t, "three-tier.yaml", []byte(src))
}

// TestReloadUnderLoad reloads three-tier while clients send through its
// public entry: app gets a fourth task (its tasks start anew), the
// public listener gets a new rule. Nothing is dropped; web's tasks keep
// running and keep their health; app's old tasks drain and stop; Cloud
// Map answers with the new tasks; the new rule routes.
func TestReloadUnderLoad(t *testing.T) {
	rt, _ := startOnClock(t, threeTier(t), Options{})
	healthy := func(prefix string) bool {
		n := 0
		for _, x := range rt.albListeners() {
			for _, tg := range x.TargetGroups() {
				for _, ts := range x.Targets(tg) {
					if strings.HasPrefix(ts.ID, prefix) {
						if ts.State != "healthy" {
							return false
						}
						n++
					}
				}
			}
		}
		return n > 0
	}
	eventually(t, "web and app healthy", func() bool { return healthy("web-") && healthy("app-") })
	e := entry(t, rt, design.InternetFacing, "HTTPS")
	webAddr := rt.tasksAddr("web-1")
	oldApp := rt.tasksAddr("app-1")

	stop := make(chan struct{})
	results, answered := loadCounted(t, rt, "https://"+e.Addr+"/", 6, stop)
	eventually(t, "the load's first answers", func() bool { return answered.Load() >= 12 })
	next := threeTier(t, "    replicas: 3\n    max_replicas: 20", "    replicas: 4\n    max_replicas: 20",
		"tls:\n", "ingress:\n  - path: /maintenance\n    to: web\n  - to: web\ntls:\n")
	ch, err := rt.Reload(next)
	if err != nil {
		t.Fatal(err)
	}
	// Web's targets carried their health into the new listener.
	if !healthy("web-") {
		t.Error("web's targets are not healthy right after the reload; their health should carry over")
	}
	seen := answered.Load()
	eventually(t, "the load's answers after the reload", func() bool { return answered.Load() >= seen+36 })
	close(stop)
	counts := map[int]int{}
	for _, r := range <-results {
		counts[r.status]++
	}
	if len(counts) != 1 || counts[http.StatusOK] == 0 {
		t.Errorf("statuses across the reload: %v; want every request answered 200", counts)
	}

	if want := []string{"web-1", "web-2", "web-3"}; !subset(want, ch.Kept) || slices.Contains(ch.Started, "web-1") {
		t.Errorf("kept %v, started %v; web is unchanged and keeps its tasks", ch.Kept, ch.Started)
	}
	if !slices.Contains(ch.Started, "app-4") || !slices.Contains(ch.Stopped, "app-1") {
		t.Errorf("started %v, stopped %v; app changed and starts anew with four tasks", ch.Started, ch.Stopped)
	}
	if len(ch.Replaced) == 0 || len(ch.Opened) != 0 || len(ch.Closed) != 0 {
		t.Errorf("listeners replaced %v, opened %v, closed %v; the same listeners, served anew", ch.Replaced, ch.Opened, ch.Closed)
	}
	if got := rt.tasksAddr("web-1"); got != webAddr {
		t.Errorf("web-1 moved from %s to %s; unchanged tasks keep running", webAddr, got)
	}
	eventually(t, "app's old task to stop", func() bool {
		c, err := net.DialTimeout("tcp", oldApp, time.Second)
		if err == nil {
			c.Close()
		}
		return err != nil
	})
	eventually(t, "Cloud Map to answer with app's four tasks", func() bool {
		m := new(dns.Msg)
		m.SetQuestion("app.webapp.local.", dns.TypeA)
		in, _, err := (&dns.Client{Timeout: 5 * time.Second}).Exchange(m, rt.DNSAddr)
		return err == nil && len(in.Answer) == 4
	})
	// The status shows the new rule.
	st := getStatus(t, rt)
	found := false
	for _, l := range st.Listeners {
		for _, r := range l.Rules {
			found = found || strings.Contains(r.Conditions, "/maintenance")
		}
	}
	if !found {
		t.Errorf("status after the reload lacks the new rule: %+v", st.Listeners)
	}
}

func subset(want, got []string) bool {
	for _, w := range want {
		if !slices.Contains(got, w) {
			return false
		}
	}
	return true
}

// TestReloadThatFailsChangesNothing: a design whose listener cannot be
// served (its port is taken) leaves the running design as it was.
func TestReloadThatFailsChangesNothing(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	d := threeTier(t)
	rt, err := Start(context.Background(), d, Options{PortOffset: 20000, DNSAddr: "127.0.0.1:0", AdminAddr: "127.0.0.1:0"})
	if err != nil {
		t.Skipf("ports %d+ are busy here: %v", 20000, err)
	}
	defer rt.Shutdown(context.Background())
	before := slices.Clone(rt.Entries)
	tasks := slices.Clone(rt.Tasks)
	// A new listener on the taken port: 443 moves to it.
	taken := 0
	for _, c := range port {
		taken = taken*10 + int(c-'0')
	}
	next := threeTier(t, "    replicas: 3\n    max_replicas: 12", "    replicas: 5\n    max_replicas: 12")
	for i := range next.LoadBalancers {
		for j := range next.LoadBalancers[i].Listeners {
			if next.LoadBalancers[i].Listeners[j].Port == 443 {
				next.LoadBalancers[i].Listeners[j].Port = taken - 20000
			}
		}
	}
	if _, err := rt.Reload(next); err == nil || !strings.Contains(err.Error(), port) {
		t.Fatalf("reload onto a taken port: %v; want an error naming it", err)
	}
	if !slices.Equal(rt.Entries, before) || !slices.Equal(rt.Tasks, tasks) {
		t.Errorf("a failed reload changed the runtime: %v -> %v", before, rt.Entries)
	}
	resp, err := client(t, rt).Get("https://" + entry(t, rt, design.InternetFacing, "HTTPS").Addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("after a failed reload: %s", resp.Status)
	}
	for _, tk := range rt.Tasks {
		if strings.HasPrefix(tk.ID, "web-") && tk.ID > "web-3" {
			t.Errorf("a failed reload left task %s", tk.ID)
		}
	}
}

// TestReloadFinishesRequestsInFlight: a request already with one of
// app's tasks when a reload replaces them still gets its answer.
func TestReloadFinishesRequestsInFlight(t *testing.T) {
	rt, clk := startOnClock(t, threeTier(t), Options{})
	const latency = 700 * time.Millisecond
	for _, id := range []string{"app-1", "app-2", "app-3"} {
		if code := admin(t, rt, http.MethodPut, "/faults/"+id, `{"latency_ms": 700}`); code != http.StatusNoContent {
			t.Fatalf("PUT faults: %d", code)
		}
	}
	e := entry(t, rt, design.InternetFacing, "HTTPS")
	eventually(t, "app's tasks healthy", func() bool { return targetState(rt, "tg-webapp-app-9000", "app-1") == "healthy" })
	type answer struct {
		tree Call
		err  error
	}
	got := make(chan answer, 1)
	go func() {
		resp, err := client(t, rt).Get("https://" + e.Addr + "/")
		if err != nil {
			got <- answer{err: err}
			return
		}
		defer resp.Body.Close()
		var a answer
		a.err = json.NewDecoder(resp.Body).Decode(&a.tree)
		got <- a
	}()
	clk.BlockUntilDue(latency) // the request is with an app task, waiting out its latency
	if _, err := rt.Reload(threeTier(t, "    replicas: 3\n    max_replicas: 20", "    replicas: 2\n    max_replicas: 20")); err != nil {
		t.Fatal(err)
	}
	select {
	case a := <-got:
		t.Fatalf("the request was answered (%+v %v) before app's latency passed", a.tree, a.err)
	default:
	}
	clk.Advance(latency)
	a := <-got
	if a.err != nil || len(a.tree.Calls) != 1 || a.tree.Calls[0].Error != "" || !strings.HasPrefix(a.tree.Calls[0].Task, "app-") {
		t.Errorf("the request in flight across the reload: %+v %v; want app's answer", a.tree, a.err)
	}
}

// TestReloadOpensAndClosesListeners: a reload that adds a public TCP
// service opens its NLB listener, which answers; reloading the old design
// closes it again.
func TestReloadOpensAndClosesListeners(t *testing.T) {
	rt, _ := startOnClock(t, threeTier(t), Options{})
	withBroker := threeTier(t, "\ntls:\n", "\n  broker:\n    port: 1883\n    protocol: tcp\n    public: true\n\ntls:\n")
	ch, err := rt.Reload(withBroker)
	if err != nil {
		t.Fatal(err)
	}
	var opened string
	for _, k := range ch.Opened {
		if strings.HasPrefix(k, design.NLB+"/") && strings.HasSuffix(k, ":1883/tcp") {
			opened = k
		}
	}
	if opened == "" || !slices.Contains(ch.Started, "broker-1") || len(ch.Stopped) != 0 {
		t.Fatalf("reload adding broker: %+v; want its NLB listener opened, its tasks started, nothing stopped", ch)
	}
	if got := tcpAnswer(t, rt, 1883); !strings.HasPrefix(got, "broker-") {
		t.Errorf("the new NLB listener answered %q; want a broker task", got)
	}
	addr := ""
	for _, e := range rt.Entries {
		if e.Port == 1883 {
			addr = e.Addr
		}
	}
	ch, err = rt.Reload(threeTier(t))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(ch.Closed, opened) || !slices.Contains(ch.Stopped, "broker-1") {
		t.Errorf("reload removing broker: %+v; want %s closed and its tasks stopped", ch, opened)
	}
	if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		c.Close()
		t.Errorf("the NLB listener at %s still accepts after its service went", addr)
	}
}

// TestReloadRestartsRunCommandsWhoseDependenciesMove: a `run` command
// reads its dependencies' addresses once, from its environment, so when a
// dependency it reaches directly gets new tasks it starts anew too; an
// unrelated change keeps it.
func TestReloadRestartsRunCommandsWhoseDependenciesMove(t *testing.T) {
	spec := func(apiReplicas, otherReplicas int) *design.Design {
		return plantest.Design(t, "run.yaml", []byte(fmt.Sprintf(`version: 1
app: runapp
regions: [eu-west-1]
services:
  web:
    port: 8080
    depends_on: [api]
    run: exec sleep 60
  api:
    port: 9000
    replicas: %d
  other:
    port: 9100
    replicas: %d
`, apiReplicas, otherReplicas)))
	}
	rt := startDesign(t, spec(2, 1), Options{Ephemeral: true})
	ch, err := rt.Reload(spec(2, 2))
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(ch.Started, "web-1") || !slices.Contains(ch.Kept, "web-1") {
		t.Errorf("a change to an unrelated service: %+v; web's command keeps running", ch)
	}
	ch, err = rt.Reload(spec(3, 2))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(ch.Started, "web-1") || !slices.Contains(ch.Started, "api-3") {
		t.Errorf("api got new tasks: %+v; web's command, which has their addresses in its environment, starts anew", ch)
	}
}

// TestReloadChangesProtocolInPlace: a service that moves from TCP to TLS
// on the same port keeps its NLB listener's socket; the listener is
// replaced, and the next connection gets TLS.
func TestReloadChangesProtocolInPlace(t *testing.T) {
	broker := func(proto string) *design.Design {
		return threeTier(t, "\ntls:\n", "\n  broker:\n    port: 1883\n    protocol: "+proto+"\n    public: true\n\ntls:\n")
	}
	rt, _ := startOnClock(t, broker("tcp"), Options{})
	if got := tcpAnswer(t, rt, 1883); !strings.HasPrefix(got, "broker-") {
		t.Fatalf("over TCP: %q", got)
	}
	ch, err := rt.Reload(broker("tls"))
	if err != nil {
		t.Fatalf("reload from TCP to TLS on the same port: %v", err)
	}
	replaced := false
	for _, k := range ch.Replaced {
		replaced = replaced || strings.HasSuffix(k, ":1883/tcp")
	}
	if !replaced || len(ch.Opened) != 0 || len(ch.Closed) != 0 {
		t.Errorf("changes %+v; want the 1883 listener replaced in place", ch)
	}
	tc, err := tls.Dial("tcp", nlbEntry(t, rt, 1883).Addr, &tls.Config{RootCAs: roots(t, rt), ServerName: "localhost"})
	if err != nil {
		t.Fatalf("TLS after the reload: %v", err)
	}
	defer tc.Close()
	tc.SetDeadline(time.Now().Add(5 * time.Second))
	b, _ := io.ReadAll(tc)
	if got := strings.TrimSpace(string(b)); !strings.HasPrefix(got, "broker-") {
		t.Errorf("TLS through the NLB after the reload answered %q; want a broker task", got)
	}
}
