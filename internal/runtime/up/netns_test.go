package up

import (
	"context"
	"encoding/json"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/plan/plantest"
	"github.com/netwright/netwright/internal/runtime/netns"
)

// startNetns starts an example in netns mode, or skips where network
// namespaces cannot be made.
func startNetns(t *testing.T, d *design.Design, opt Options) *Runtime {
	t.Helper()
	opt.Ephemeral, opt.Isolation = true, IsolationAuto
	rt := startDesign(t, d, opt)
	if rt.Isolation != IsolationNetns {
		t.Skipf("network namespaces are refused here: %v", rt.Notes)
	}
	return rt
}

func TestNetnsServesTheSameGraph(t *testing.T) {
	for _, example := range []string{"three-tier", "shop", "eks-storefront"} {
		t.Run(example, func(t *testing.T) {
			d := plantest.File(t, "../../../examples/"+example+".yaml")
			rt := startNetns(t, d, Options{FlowLogDir: t.TempDir()})
			e := entry(t, rt, design.InternetFacing, "HTTPS")
			resp, err := client(t, rt).Get("https://" + strings.Replace(e.Addr, "127.0.0.1", "localhost", 1) + "/")
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET / through %s: %s", e.LoadBalancer, resp.Status)
			}
			var tree Call
			if err := json.NewDecoder(resp.Body).Decode(&tree); err != nil {
				t.Fatal(err)
			}
			seen := map[string]bool{}
			checkTree(t, d, tree, seen)
			// shop's services call each other through Service Connect's
			// proxies (three-tier's through its internal ALB), which run
			// in the tasks' namespaces too.
			if meshed := viaCount(tree, "Service Connect proxy"); (example == "shop") != (meshed > 0) {
				t.Errorf("%d calls through Service Connect proxies; notes %v", meshed, rt.Notes)
			}
			// eks-storefront's api calls orders through VPC Lattice, at its
			// link-local address, from the pods' namespaces.
			if lattice := viaCount(tree, "VPC Lattice"); (example == "eks-storefront") != (lattice > 0) {
				t.Errorf("%d calls through VPC Lattice; notes %v", lattice, rt.Notes)
			}
		})
	}
}

// netnsTask is a running task's namespace, by ID.
func netnsTask(t *testing.T, rt *Runtime, id string) NetnsTask {
	t.Helper()
	for _, nt := range rt.NetnsTasks() {
		if nt.Task == id {
			return nt
		}
	}
	t.Fatalf("no task %s in %v", id, rt.NetnsTasks())
	return NetnsTask{}
}

// TestNetnsUndeclaredCallIsRejectedAndLogged: web's task calling the
// database, which no flow declares, times out, and the flow log written
// when up stops has the REJECT at web's interface, after its header.
func TestNetnsUndeclaredCallIsRejectedAndLogged(t *testing.T) {
	d := plantest.File(t, "../../../examples/three-tier.yaml")
	dir := t.TempDir()
	rt, err := Start(context.Background(), d, Options{Ephemeral: true, Isolation: IsolationAuto, FlowLogDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if rt.Isolation != IsolationNetns {
		rt.Shutdown(context.Background())
		t.Skipf("network namespaces are refused here: %v", rt.Notes)
	}
	db := rt.tasksAddr("db-1")
	for _, c := range []struct {
		from string
		want bool
	}{{"app-1", true}, {"web-1", false}} {
		ctx, cancel := context.WithTimeout(context.Background(), 700*time.Millisecond)
		conn, err := rt.tasks[c.from].eni.NS.DialContext(ctx, "tcp", db)
		cancel()
		if (err == nil) != c.want {
			t.Errorf("%s -> db-1 (%s): %v; want connected %v", c.from, db, err, c.want)
		}
		if conn != nil {
			conn.Close()
		}
	}
	if err := rt.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, d.VPCs[0].ID+".log"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if lines[0] != strings.Join(netns.FlowLogFields, " ") {
		t.Errorf("the first line is %q, not the header", lines[0])
	}
	_, port, _ := strings.Cut(db, ":")
	reject := regexp.MustCompile(` eni-web-1 10\.[0-9.]+ ` + regexp.QuoteMeta(strings.Split(db, ":")[0]) + ` [0-9]+ ` + port + ` 6 [0-9]+ [0-9]+ [0-9]+ [0-9]+ REJECT OK .* egress `)
	if !slices.ContainsFunc(lines, reject.MatchString) {
		t.Errorf("no REJECT of web-1's call to %s in the flow log:\n%s", db, b)
	}
}

// TestNetnsReloadKeepsNamespaces: a reload that changes only web keeps
// the namespaces of the other tasks, and web's old tasks lose theirs.
func TestNetnsReloadKeepsNamespaces(t *testing.T) {
	d := plantest.File(t, "../../../examples/three-tier.yaml")
	rt := startNetns(t, d, Options{})
	app, web := netnsTask(t, rt, "app-1"), netnsTask(t, rt, "web-1")
	next := plantest.File(t, "../../../examples/three-tier.yaml")
	next.Service("web").Replicas++
	ch, err := rt.Reload(next)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(ch.Kept, "app-1") || !slices.Contains(ch.Started, "web-1") {
		t.Fatalf("the reload kept %v and started %v", ch.Kept, ch.Started)
	}
	if got := netnsTask(t, rt, "app-1"); got != app {
		t.Errorf("app-1's namespace changed: %+v -> %+v", app, got)
	}
	if _, err := os.Stat(app.Namespace); err != nil {
		t.Errorf("app-1's namespace: %v", err)
	}
	eventually(t, "web-1's old namespace to go", func() bool {
		_, err := os.Stat(web.Namespace)
		return os.IsNotExist(err)
	})
	if now := netnsTask(t, rt, "web-1"); now.Namespace == web.Namespace {
		t.Errorf("the new web-1 runs in the old one's namespace %s", now.Namespace)
	}
	// The groups and NACLs still hold after the reload compiled them
	// anew: app reaches the database, web does not.
	db := rt.tasksAddr("db-1")
	for _, c := range []struct {
		from string
		want bool
	}{{"app-1", true}, {"web-1", false}} {
		conn, err := dialFrom(rt, c.from, db, 700*time.Millisecond)
		if (err == nil) != c.want {
			t.Errorf("after the reload, %s -> db-1 (%s): %v; want connected %v", c.from, db, err, c.want)
		}
		if conn != nil {
			conn.Close()
		}
	}
	// The new tasks serve: the graph answers through the entry.
	e := entry(t, rt, design.InternetFacing, "HTTPS")
	resp, err := client(t, rt).Get("https://" + strings.Replace(e.Addr, "127.0.0.1", "localhost", 1) + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET / after the reload: %s", resp.Status)
	}
}

// viaCount counts the calls in a tree that went via.
func viaCount(c Call, via string) int {
	n := 0
	if c.Via == via {
		n++
	}
	for _, sub := range c.Calls {
		n += viaCount(sub, via)
	}
	return n
}

// TestNetnsIngressThroughTheAppliance: hub-spoke's front door in netns
// mode. The internet gateway's edge route table sends what the internet
// sends the ALB's subnets to the spoke's GWLB endpoints, whose GWLB in
// the hub hands it to a firewall task in GENEVE; the ALB's subnets send
// their answers back through the same endpoints, whose subnet routes
// them to the internet gateway. The HTTPS listener answers with the call
// tree, the HTTP listener with its redirect; the appliances saw both
// flows start, from the client, and the flow log has the answers
// leaving by an endpoint (symmetric routing).
func TestNetnsIngressThroughTheAppliance(t *testing.T) {
	d := plantest.File(t, "../../../examples/hub-spoke.yaml")
	dir := t.TempDir()
	rt, err := Start(context.Background(), d, Options{Ephemeral: true, Isolation: IsolationAuto, FlowLogDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			rt.Shutdown(context.Background())
		}
	})
	if rt.Isolation != IsolationNetns {
		t.Skipf("network namespaces are refused here: %v", rt.Notes)
	}
	c := client(t, rt)
	c.Timeout = 5 * time.Second
	e := entry(t, rt, design.InternetFacing, "HTTPS")
	resp, err := c.Get("https://" + strings.Replace(e.Addr, "127.0.0.1", "localhost", 1) + "/")
	if err != nil {
		t.Fatalf("GET / through %s: %v", e.LoadBalancer, err)
	}
	var tree Call
	err = json.NewDecoder(resp.Body).Decode(&tree)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET / through %s: %s %v", e.LoadBalancer, resp.Status, err)
	}
	seen := map[string]bool{}
	checkTree(t, d, tree, seen)
	for _, s := range []string{"portal", "reports", "reports-db", "identity", "identity-db"} {
		if !seen[s] {
			t.Errorf("%s is not in the call tree %+v", s, tree)
		}
	}
	h := entry(t, rt, design.InternetFacing, "HTTP")
	resp, err = c.Get("http://" + h.Addr + "/")
	if err != nil {
		t.Fatalf("GET / through %s's HTTP listener: %v", h.LoadBalancer, err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusMovedPermanently || !strings.HasPrefix(loc, "https://") {
		t.Errorf("the HTTP listener answered %s, Location %q; want 301 to HTTPS", resp.Status, loc)
	}
	// The appliances saw both flows start, from the client to the
	// ALB's node on 443 and 80.
	ports := map[string]bool{}
	if f := metrics(t, rt)["netwright_appliance_flows_total"]; f != nil {
		for _, m := range f.Metric {
			labels := map[string]string{}
			for _, l := range m.Label {
				labels[l.GetName()] = l.GetValue()
			}
			if strings.HasPrefix(labels["task"], "firewall-") && labels["source"] == netns.ClientAddr.String() {
				_, port, _ := strings.Cut(labels["destination"], ":")
				ports[port] = true
			}
		}
	}
	if !ports["443"] || !ports["80"] {
		t.Errorf("the firewall saw the client's flows to ports %v; want 443 and 80", ports)
	}
	// The flow log written when up stops: the ALB's answers to the
	// client came back into a GWLB endpoint of the spoke (its
	// pkt-srcaddr the ALB's node in the ALB's subnets, its pkt-dstaddr
	// the client), not straight to the internet gateway.
	stopped = true
	if err := rt.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "vpc-portal.log"))
	if err != nil {
		t.Fatal(err)
	}
	var albSubnets []string
	for _, lb := range d.LoadBalancers {
		if lb.ID == e.LoadBalancer || lb.Name == e.LoadBalancer {
			albSubnets = lb.Subnets
		}
	}
	inALBSubnets := func(a string) bool {
		addr, err := netip.ParseAddr(a)
		return err == nil && slices.ContainsFunc(albSubnets, func(id string) bool {
			_, s := d.Subnet(id)
			return s != nil && s.CIDR.Contains(addr)
		})
	}
	back := map[string]bool{}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		// interface-id 2, srcport 5, action 12, flow-direction 17,
		// pkt-srcaddr 18, pkt-dstaddr 19.
		if len(f) == 21 && strings.HasPrefix(f[2], "eni-gwlbe-portal-") && f[12] == "ACCEPT" && f[17] == "ingress" &&
			inALBSubnets(f[18]) && f[19] == netns.ClientAddr.String() {
			back[f[5]] = true
		}
	}
	if !back["443"] || !back["80"] {
		t.Errorf("the ALB's answers came back through a GWLB endpoint from ports %v; want 443 and 80. Flow log:\n%s", back, b)
	}
}
