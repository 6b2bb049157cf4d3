package up

import (
	"encoding/json"
	"net"
	"net/http"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// appByCloudMap resolves three-tier's app the way an application
// configured with app.webapp.local:9000 does (an A record and the
// service's port) and calls each address; it returns the addresses.
func appByCloudMap(t *testing.T, rt *Runtime, port int) []string {
	t.Helper()
	m := new(dns.Msg)
	m.SetQuestion("app.webapp.local.", dns.TypeA)
	in, _, err := (&dns.Client{Timeout: 5 * time.Second}).Exchange(m, rt.DNSAddr)
	if err != nil {
		t.Fatal(err)
	}
	var addrs []string
	c := &http.Client{Timeout: 10 * time.Second}
	for _, rr := range in.Answer {
		a := rr.(*dns.A).A.String()
		addrs = append(addrs, a)
		resp, err := c.Get("http://" + net.JoinHostPort(a, strconv.Itoa(port)) + "/")
		if err != nil {
			t.Errorf("app.webapp.local's %s at the designed port %d: %v", a, port, err)
			continue
		}
		var tree Call
		err = json.NewDecoder(resp.Body).Decode(&tree)
		resp.Body.Close()
		if err != nil || tree.Service != "app" {
			t.Errorf("%s:%d answered %+v (%v); want app's call tree", a, port, tree, err)
		}
	}
	slices.Sort(addrs)
	return addrs
}

// TestTasksListenOnTheirServicesPorts: each task has an address of its
// own and listens on its service's designed port there, as with ECS's
// awsvpc, so an A record and the port reach it; SRV and
// AWS_INSTANCE_PORT say the same port. A reload that starts app anew
// gives the new tasks addresses of their own (the old ones still drain
// on theirs), on the same port.
func TestTasksListenOnTheirServicesPorts(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("tasks have addresses of their own on Linux only")
	}
	d := threeTier(t)
	rt := startDesign(t, d, Options{Ephemeral: true})
	port := d.Service("app").Port
	for _, task := range rt.Tasks {
		_, p, _ := net.SplitHostPort(task.Addr)
		if s := d.Service(task.Service); p != strconv.Itoa(s.Port) {
			t.Errorf("%s listens on %s; want %s's port %d", task.ID, task.Addr, s.Name, s.Port)
		}
	}
	before := appByCloudMap(t, rt, port)
	if len(before) != 3 {
		t.Fatalf("app.webapp.local answered %v; want app's three tasks", before)
	}
	m := new(dns.Msg)
	m.SetQuestion("app.webapp.local.", dns.TypeSRV)
	in, _, err := (&dns.Client{Timeout: 5 * time.Second}).Exchange(m, rt.DNSAddr)
	if err != nil {
		t.Fatal(err)
	}
	for _, rr := range in.Answer {
		if got := rr.(*dns.SRV).Port; int(got) != port {
			t.Errorf("SRV %v: port %d; want %d", rr, got, port)
		}
	}
	req, _ := http.NewRequest(http.MethodPost, "http://"+rt.AdminAddr+"/", strings.NewReader(`{"NamespaceName":"webapp.local","ServiceName":"app"}`))
	req.Header.Set("X-Amz-Target", "Route53AutoNaming_v20170314.DiscoverInstances")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		Instances []struct{ Attributes map[string]string }
	}
	err = json.NewDecoder(resp.Body).Decode(&out)
	resp.Body.Close()
	if err != nil || len(out.Instances) != 3 {
		t.Fatalf("DiscoverInstances: %+v %v", out, err)
	}
	for _, i := range out.Instances {
		if i.Attributes["AWS_INSTANCE_PORT"] != strconv.Itoa(port) {
			t.Errorf("AWS_INSTANCE_PORT %q; want %d", i.Attributes["AWS_INSTANCE_PORT"], port)
		}
	}

	// app starts anew (a fourth task) while its old tasks drain.
	if _, err := rt.Reload(threeTier(t, "    replicas: 3\n    max_replicas: 20", "    replicas: 4\n    max_replicas: 20")); err != nil {
		t.Fatal(err)
	}
	var after []string
	eventually(t, "Cloud Map to answer with app's four new tasks", func() bool {
		after = appByCloudMap(t, rt, port)
		return len(after) == 4
	})
	for _, a := range after {
		if slices.Contains(before, a) {
			t.Errorf("a new app task took %s, which an old one holds while it drains", a)
		}
	}
}
