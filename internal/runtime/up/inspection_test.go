package up

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"

	"github.com/netwright/netwright/internal/analysis"
	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/plan/plantest"
)

// TestInspectionThroughTheAppliance: hub-spoke sends the internet traffic
// of the portal spoke's public ALB through the spoke's GWLB endpoints to
// the hub's appliances, so each request to the portal passes an
// appliance task (locally between the ALB and its targets), which sees
// the flow's original source and destination, and still gets its answer.
func TestInspectionThroughTheAppliance(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("inspection follows designed addresses, which need Linux's loopback twins")
	}
	d, rt := start(t, "hub-spoke")
	callPortal(t, d, rt, 4)
	families := metrics(t, rt)
	f := families["netwright_appliance_flows_total"]
	if f == nil {
		t.Fatal("no appliance flows counted")
	}
	flows := 0
	for _, m := range f.Metric {
		labels := map[string]string{}
		for _, l := range m.Label {
			labels[l.GetName()] = l.GetValue()
		}
		if !strings.HasPrefix(labels["task"], "firewall-") {
			t.Errorf("a flow through %q; want a firewall task", labels["task"])
		}
		// The original destination is a portal task, the original
		// source the load balancer's side.
		if !strings.HasPrefix(labels["destination"], strings.Split(rt.tasksAddr("portal-1"), ".")[0]) || labels["source"] == "" {
			t.Errorf("flow %v", labels)
		}
		dst := labels["destination"]
		found := false
		for _, tk := range rt.Tasks {
			found = found || tk.Addr == dst && tk.Service == "portal"
		}
		if !found {
			t.Errorf("the appliance saw destination %s, which is not a portal task", dst)
		}
		flows += int(m.GetCounter().GetValue())
	}
	if flows == 0 {
		t.Error("no flow passed an appliance")
	}
}

// callPortal sends n requests to the public HTTPS entry and checks that
// each call tree follows the design.
func callPortal(t *testing.T, d *design.Design, rt *Runtime, n int) {
	t.Helper()
	e := entry(t, rt, design.InternetFacing, "HTTPS")
	c := client(t, rt)
	for range n {
		resp, err := c.Get("https://" + e.Addr + "/")
		if err != nil {
			t.Fatal(err)
		}
		var tree Call
		err = json.NewDecoder(resp.Body).Decode(&tree)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("through the inspected path: %s %v", resp.Status, err)
		}
		checkTree(t, d, tree, map[string]bool{})
	}
}

// metrics reads the admin API's /metrics with Prometheus's parser.
func metrics(t *testing.T, rt *Runtime) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get("http://" + rt.AdminAddr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	families, err := textParser().TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("/metrics does not parse: %v", err)
	}
	return families
}

// TestInspectionBehindTheNLB: an NLB in the spoke's public subnets, which
// the internet reaches through GWLB endpoints, passes the appliances too.
func TestInspectionBehindTheNLB(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("inspection follows designed addresses, which need Linux's loopback twins")
	}
	src, err := os.ReadFile("../../../examples/hub-spoke.yaml")
	if err != nil {
		t.Fatal(err)
	}
	spec := strings.Replace(string(src), "  firewall:\n", "  broker:\n    port: 1883\n    protocol: tcp\n    public: true\n  firewall:\n", 1)
	d := plantest.Design(t, "hub-spoke-nlb.yaml", []byte(spec))
	rt := startDesign(t, d, Options{Ephemeral: true})
	if got := tcpAnswer(t, rt, 1883); !strings.HasPrefix(got, "broker-") {
		t.Fatalf("through the NLB and the appliance: %q; want a broker task", got)
	}
	seen := false
	for _, m := range metrics(t, rt)["netwright_appliance_flows_total"].GetMetric() {
		for _, l := range m.Label {
			if l.GetName() == "destination" && strings.HasPrefix(rt.taskAt(l.GetValue()), "broker-") {
				seen = true
			}
		}
	}
	if !seen {
		t.Error("no appliance saw a flow to a broker task")
	}
}

// taskAt names the task at addr.
func (rt *Runtime) taskAt(addr string) string {
	for _, tk := range rt.Tasks {
		if tk.Addr == addr {
			return tk.ID
		}
	}
	return ""
}

// TestInspectionEastWest: with east_west inspection, the portal's calls
// to identity in the shared spoke turn through the hub's appliances
// (spoke, Transit Gateway, hub transit subnets, GWLB endpoint), which see
// a portal task as the source and an identity task as the destination;
// without it they go direct.
func TestInspectionEastWest(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("inspection follows designed addresses, which need Linux's loopback twins")
	}
	src, err := os.ReadFile("../../../examples/hub-spoke.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, eastWest := range []bool{true, false} {
		spec := string(src)
		if eastWest {
			spec = strings.Replace(spec, "flows: [ingress, egress]", "flows: [ingress, egress, east_west]", 1)
		}
		d := plantest.Design(t, fmt.Sprintf("hub-spoke-ew-%v.yaml", eastWest), []byte(spec))
		rt := startDesign(t, d, Options{Ephemeral: true})
		callPortal(t, d, rt, 3)
		seen := false
		for _, m := range metrics(t, rt)["netwright_appliance_flows_total"].GetMetric() {
			labels := map[string]string{}
			for _, l := range m.Label {
				labels[l.GetName()] = l.GetValue()
			}
			// The destination is an identity task, or its mesh proxy on its address.
			if strings.HasPrefix(rt.taskAtIP(labels["destination"]), "identity-") {
				seen = true
				if from := rt.taskAtIP(labels["source"]); !strings.HasPrefix(from, "portal-") {
					t.Errorf("a flow to identity from %q (%s); want a portal task", from, labels["source"])
				}
			}
		}
		if seen != eastWest {
			t.Errorf("east_west inspection %v: an appliance saw portal's calls to identity: %v", eastWest, seen)
		}
	}
}

// taskAtIP names the task at an address with or without its port.
func (rt *Runtime) taskAtIP(addr string) string {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	for _, tk := range rt.Tasks {
		if h, _, _ := net.SplitHostPort(tk.Addr); h == host {
			return tk.ID
		}
	}
	return ""
}

// TestInspectionAgreesWithTheVerifier: the runtime sends a flow through an
// appliance exactly where the verifier's path from the same subnet to the
// same address crosses a GWLB endpoint's subnet (issue 14: one model of AWS
// paths, in design). Every subnet of every VPC against every task subnet's
// address, in the inspected examples.
func TestInspectionAgreesWithTheVerifier(t *testing.T) {
	src, err := os.ReadFile("../../../examples/hub-spoke.yaml")
	if err != nil {
		t.Fatal(err)
	}
	designs := map[string]*design.Design{
		"hub-spoke":           plantest.Design(t, "hub-spoke.yaml", src),
		"hub-spoke-east-west": plantest.Design(t, "hub-spoke-ew.yaml", []byte(strings.Replace(string(src), "flows: [ingress, egress]", "flows: [ingress, egress, east_west]", 1))),
	}
	for name, d := range designs {
		t.Run(name, func(t *testing.T) {
			e := analysis.NewEngine(d)
			firewall := map[string]bool{}
			for _, g := range d.GatewayLoadBalancerEndpoints {
				firewall[g.Subnet] = true
			}
			checked, inspectedPaths := 0, 0
			for _, v := range d.VPCs {
				for _, from := range v.Subnets {
					for _, s := range d.Services {
						for _, pl := range s.Placements {
							for _, sid := range pl.Subnets {
								_, to := d.Subnet(sid)
								dst := to.CIDR.Addr().Next().Next().Next().Next()
								visited, _ := e.Route(from.ID, dst)
								crosses := len(visited) > 1 && slices.ContainsFunc(visited[1:], func(x *design.Subnet) bool { return firewall[x.ID] })
								if got := inspected(d, from.ID, dst); got != crosses {
									t.Errorf("%s to %s (%s): runtime inspects %v, the verifier's path crosses an endpoint %v", from.ID, dst, sid, got, crosses)
								}
								checked++
								if crosses {
									inspectedPaths++
								}
							}
						}
					}
				}
			}
			if checked == 0 || inspectedPaths == 0 && name == "hub-spoke-east-west" {
				t.Errorf("checked %d paths, %d inspected", checked, inspectedPaths)
			}
		})
	}
}
