package up

import (
	"bufio"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/netip"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/plan/plantest"
)

// latticeEgress returns web-1's address for api from the mesh's status:
// where web-1 calls the Lattice service.
func latticeEgress(t *testing.T, rt *Runtime) string {
	t.Helper()
	for _, p := range rt.mesh.Status().Proxies {
		if p.Task == "web-1" && len(p.Egress) == 1 {
			return p.Egress[0].Addr
		}
	}
	t.Fatalf("no egress of web-1 to api in the mesh's status; notes %v", rt.Notes)
	return ""
}

// getFrom sends one request from a task's namespace, waiting at most
// wait for the answer.
func getFrom(rt *Runtime, task, addr string, header http.Header, wait time.Duration) (*http.Response, []byte, error) {
	conn, err := dialFrom(rt, task, addr, wait)
	if err != nil {
		return nil, nil, err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(wait))
	req, _ := http.NewRequest(http.MethodGet, "http://"+addr+"/", nil)
	for k, v := range header {
		req.Header[k] = v
	}
	if err := req.Write(conn); err != nil {
		return nil, nil, err
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), req)
	if err != nil {
		return nil, nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, body, err
}

// flows sums the flow stats' packets of the owners with a prefix in a
// direction, to a port, from a source block (any when invalid).
func flows(rt *Runtime, owner, direction string, port int, from netip.Prefix) (accepted, rejected uint64) {
	rt.collectFlows()
	for _, f := range rt.FlowStats() {
		if strings.HasPrefix(f.Owner, owner) && f.Direction == direction && f.DstPort == port && (!from.IsValid() || from.Contains(f.Src)) {
			accepted += f.Accepted
			rejected += f.Rejected
		}
	}
	return accepted, rejected
}

// TestNetnsLattice: in netns mode web calls api through VPC Lattice at a
// link-local address, out of its own namespace; Lattice's semantics hold
// (the 90/10 weights, the header rule, the auth policy's 403), and
// Lattice reaches api's and api-v2's tasks from its own address in
// 169.254.171.0/24, which their groups admit as the managed prefix list.
func TestNetnsLattice(t *testing.T) {
	d := plantest.Design(t, "lat.yaml", []byte(latticeSpec))
	rt := startNetns(t, d, Options{MeshSeed: 7, FlowLogDir: t.TempDir()})
	if st := getStatus(t, rt); st.Mesh == nil || st.Mesh.Semantics != "vpc_lattice" {
		t.Fatalf("status's mesh: %+v; want vpc_lattice; notes %v", st.Mesh, rt.Notes)
	}
	egress := latticeEgress(t, rt)
	ap, err := netip.ParseAddrPort(egress)
	if err != nil || !design.LatticeCIDR.Contains(ap.Addr()) || int(ap.Port()) != d.Mesh.Lattice.Services[0].Port {
		t.Fatalf("web-1 calls api at %s; want an address of %s on the Lattice listener's port %d", egress, design.LatticeCIDR, d.Mesh.Lattice.Services[0].Port)
	}
	e := entry(t, rt, design.InternetFacing, "HTTPS")
	c := client(t, rt)
	counts := map[string]int{}
	for range 200 {
		code, tree, err := callEntry(c, e)
		if err != nil || code != http.StatusOK || len(tree.Calls) != 1 || tree.Calls[0].Error != "" {
			t.Fatalf("GET: %d %v %+v", code, err, tree.Calls)
		}
		if tree.Calls[0].Via != "VPC Lattice" {
			t.Fatalf("web's call went via %q; want VPC Lattice", tree.Calls[0].Via)
		}
		svc, _, _ := cutLast(tree.Calls[0].Task, "-")
		counts[svc]++
	}
	// api-v2's count is binomial, mean 20, sd 4.2: 5 to 40 is beyond 3.5
	// sd, and the seed makes the run repeat.
	if counts["api-v2"] < 5 || counts["api-v2"] > 40 || counts["api"]+counts["api-v2"] != 200 {
		t.Errorf("calls by service %v; want 90/10 (api-v2 5 to 40 of 200)", counts)
	}
	// The header rule, from web-1's namespace to the link-local address.
	for range 10 {
		resp, body, err := getFrom(rt, "web-1", egress, http.Header{"X-Canary": {"true"}}, 10*time.Second)
		if err != nil {
			t.Fatalf("web-1's call to %s: %v", egress, err)
		}
		var tree Call
		_ = json.Unmarshal(body, &tree)
		if resp.StatusCode != http.StatusOK || tree.Service != "api-v2" {
			t.Fatalf("x-canary: true: %s, answered by %q; the rule sends it to api-v2", resp.Status, tree.Service)
		}
	}
	// Lattice reached the targets from its block, and web's interface
	// sent to Lattice's: the fabric carried both halves.
	lattice := design.LatticeCIDR
	if a, _ := flows(rt, "api-", "ingress", 9090, lattice); a == 0 {
		t.Errorf("no packets from %s accepted at api's interfaces on 9090", lattice)
	}
	if a, _ := flows(rt, "web-", "egress", int(ap.Port()), netip.Prefix{}); a == 0 {
		t.Errorf("no packets from web's interfaces to Lattice on %d in the flow stats", ap.Port())
	}

	// An auth policy that leaves web out: Lattice refuses web's calls.
	next := plantest.Design(t, "lat.yaml", []byte(latticeSpec))
	for i := range next.Mesh.Lattice.Services {
		next.Mesh.Lattice.Services[i].AllowedCallers = nil
	}
	if _, err := rt.Reload(next); err != nil {
		t.Fatal(err)
	}
	resp, body, err := getFrom(rt, "web-1", egress, nil, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(string(body), "AccessDeniedException") {
		t.Errorf("a call no policy allows: %s %s; want 403 AccessDeniedException", resp.Status, body)
	}
}

// TestNetnsLatticeGroupsDecide: a target whose group does not admit
// Lattice's prefix list is never reached (Lattice's connections are
// dropped at its interface, and its health checks fail), while the
// other target serves; a caller whose group does not let it out to the
// prefix list does not reach Lattice at all.
func TestNetnsLatticeGroupsDecide(t *testing.T) {
	d := plantest.Design(t, "lat.yaml", []byte(latticeSpec))
	pl := design.LatticePrefixList(d.VPCs[0].Region)
	for i := range d.SecurityGroups {
		if g := &d.SecurityGroups[i]; g.Owner == "api-v2" || strings.HasSuffix(g.ID, "-api-v2") {
			var kept []design.SGRule
			for _, r := range g.Ingress {
				if r.PeerPrefixList != pl {
					kept = append(kept, r)
				}
			}
			if len(kept) == len(g.Ingress) {
				t.Fatalf("api-v2's group %s admits no %s", g.ID, pl)
			}
			g.Ingress = kept
		}
	}
	rt, clk := startNetnsOnClock(t, d, Options{MeshSeed: 7, FlowLogDir: t.TempDir()})
	egress := latticeEgress(t, rt)
	// Lattice's health checks, from its address: api's tasks pass,
	// api-v2's fail (stepped a second at a time on the runtime's clock,
	// waiting for the checks' states, at most 300 s of it).
	health := func() map[string]string {
		out := map[string]string{}
		for _, p := range rt.mesh.Status().Proxies {
			if p.Task == "web-1" && len(p.Egress) == 1 {
				for _, tg := range p.Egress[0].Targets {
					out[tg.Task] = tg.Health
				}
			}
		}
		return out
	}
	want := map[string]string{"api-1": "healthy", "api-2": "healthy", "api-v2-1": "unhealthy"}
	for step := 0; !maps.Equal(health(), want); step++ {
		if step == 300 {
			t.Fatalf("Lattice's health checks: %v; want %v", health(), want)
		}
		clk.Advance(time.Second)
		time.Sleep(20 * time.Millisecond)
	}
	// x-canary sends the call to api-v2 only: it gets no answer.
	_, _, err := getFrom(rt, "web-1", egress, http.Header{"X-Canary": {"true"}}, 1500*time.Millisecond)
	if err == nil || !isTimeout(err) {
		t.Errorf("a call to api-v2, whose group does not admit Lattice: %v; want no answer", err)
	}
	eventually(t, "Lattice's packets to api-v2 rejected at its interface", func() bool {
		_, r := flows(rt, "api-v2-", "ingress", 9090, design.LatticeCIDR)
		return r > 0
	})
	if a, _ := flows(rt, "api-v2-", "ingress", 9090, design.LatticeCIDR); a > 0 {
		t.Errorf("%d packets from Lattice accepted at api-v2's interface", a)
	}

	// web's group without its egress to the prefix list.
	next := plantest.Design(t, "lat.yaml", []byte(latticeSpec))
	for i := range next.SecurityGroups {
		if g := &next.SecurityGroups[i]; strings.HasSuffix(g.ID, "-web") {
			var kept []design.SGRule
			for _, r := range g.Egress {
				if r.PeerPrefixList != pl {
					kept = append(kept, r)
				}
			}
			if len(kept) == len(g.Egress) {
				t.Fatalf("web's group %s lets nothing out to %s", g.ID, pl)
			}
			g.Egress = kept
		}
	}
	if _, err := rt.Reload(next); err != nil {
		t.Fatal(err)
	}
	if conn, err := dialFrom(rt, "web-1", egress, 700*time.Millisecond); err == nil || !isTimeout(err) {
		if conn != nil {
			conn.Close()
		}
		t.Errorf("web-1's connection to Lattice at %s with no egress to %s: %v; want it dropped", egress, pl, err)
	}
	if _, r := flows(rt, "web-", "egress", int(netip.MustParseAddrPort(egress).Port()), netip.Prefix{}); r == 0 {
		t.Errorf("no REJECT at web's interfaces of its call to Lattice")
	}
}

// TestNetnsLatticeNotAssociated: a VPC not associated with the service
// network does not reach its services: the call leaves the task and goes
// nowhere.
func TestNetnsLatticeNotAssociated(t *testing.T) {
	d := plantest.Design(t, "lat.yaml", []byte(latticeSpec))
	d.Mesh.Lattice.VPCs = nil
	rt := startNetns(t, d, Options{FlowLogDir: t.TempDir()})
	egress := latticeEgress(t, rt)
	if conn, err := dialFrom(rt, "web-1", egress, 700*time.Millisecond); err == nil || !isTimeout(err) {
		if conn != nil {
			conn.Close()
		}
		t.Errorf("web-1's connection to Lattice at %s from a VPC not associated: %v; want no answer", egress, err)
	}
	// Its groups and NACL let the call out (nothing is rejected at its
	// interface): the route, which a VPC not associated lacks, drops it.
	if a, r := flows(rt, "web-", "egress", int(netip.MustParseAddrPort(egress).Port()), netip.Prefix{}); r != 0 || a != 0 {
		t.Errorf("web's interfaces counted %d packets accepted and %d rejected to Lattice; want none: no route takes them past the router", a, r)
	}
}

// TestNetnsLatticeNACLs: the subnets' NACLs apply on both of Lattice's
// hops. Without the app subnets' outbound rule for the answers to
// Lattice's block, a target's answers to Lattice are dropped as they
// leave its subnet; without the outbound rule to 443, the caller's
// connection to the Lattice service is dropped as it leaves.
func TestNetnsLatticeNACLs(t *testing.T) {
	without := func(match func(design.NACLRule) bool) *design.Design {
		d := plantest.Design(t, "lat.yaml", []byte(latticeSpec))
		n := 0
		for i := range d.NetworkACLs {
			acl := &d.NetworkACLs[i]
			var kept []design.NACLRule
			for _, r := range acl.Outbound {
				if match(r) {
					n++
					continue
				}
				kept = append(kept, r)
			}
			acl.Outbound = kept
		}
		if n == 0 {
			t.Fatal("no NACL rule to take out")
		}
		return d
	}
	d := without(func(r design.NACLRule) bool { return r.CIDR == design.LatticeCIDR })
	rt := startNetns(t, d, Options{FlowLogDir: t.TempDir()})
	egress := latticeEgress(t, rt)
	if _, _, err := getFrom(rt, "web-1", egress, http.Header{"X-Canary": {"true"}}, 1500*time.Millisecond); err == nil || !isTimeout(err) {
		t.Errorf("a call whose target's subnet lets no answer out to Lattice: %v; want no answer", err)
	}
	dropped := func(owner string, to netip.Prefix) bool {
		rt.collectFlows()
		for _, f := range rt.FlowStats() {
			if strings.HasPrefix(f.Owner, owner) && f.Direction == "egress" && to.Contains(f.Dst) && f.Rejected > 0 {
				return true
			}
		}
		return false
	}
	eventually(t, "api-v2's answers to Lattice rejected as they leave", func() bool { return dropped("api-v2-", design.LatticeCIDR) })

	next := without(func(r design.NACLRule) bool { return r.FromPort == 443 && r.ToPort == 443 && r.CIDR.Bits() == 0 })
	if _, err := rt.Reload(next); err != nil {
		t.Fatal(err)
	}
	if conn, err := dialFrom(rt, "web-1", egress, 700*time.Millisecond); err == nil || !isTimeout(err) {
		if conn != nil {
			conn.Close()
		}
		t.Errorf("web-1's connection to Lattice, which its subnet's NACL does not let out: %v; want it dropped", err)
	}
	if !dropped("web-", design.LatticeCIDR) {
		t.Errorf("no REJECT of web's connection to Lattice at its interface")
	}
}

// TestNetnsLatticeAcrossVPCs: hub-spoke with its mesh on VPC Lattice,
// whose service network is associated with both spokes: portal's task,
// in the app spoke, calls identity, in the shared spoke, through Lattice
// (the call enters the service network by the app spoke's link and
// leaves by the shared spoke's to identity's tasks).
func TestNetnsLatticeAcrossVPCs(t *testing.T) {
	src, err := os.ReadFile("../../../examples/hub-spoke.yaml")
	if err != nil {
		t.Fatal(err)
	}
	d := plantest.Design(t, "hub-spoke.yaml", append(src, "mesh: {target: vpc_lattice, mtls: off}\n"...))
	if d.Mesh == nil || d.Mesh.Lattice == nil || len(d.Mesh.Lattice.VPCs) < 2 {
		t.Fatalf("hub-spoke on Lattice: %+v; want a service network associated with the spokes", d.Mesh.Lattice)
	}
	rt := startNetns(t, d, Options{FlowLogDir: t.TempDir()})
	identity := ""
	for _, p := range rt.mesh.Status().Proxies {
		for _, u := range p.Egress {
			if p.Task == "portal-1" && u.Service == "identity" {
				identity = u.Addr
			}
		}
	}
	ap, err := netip.ParseAddrPort(identity)
	if err != nil || !design.LatticeCIDR.Contains(ap.Addr()) {
		t.Fatalf("portal-1 calls identity at %q; want an address of %s; notes %v", identity, design.LatticeCIDR, rt.Notes)
	}
	resp, body, err := getFrom(rt, "portal-1", identity, nil, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	var tree Call
	_ = json.Unmarshal(body, &tree)
	if resp.StatusCode != http.StatusOK || tree.Service != "identity" {
		t.Fatalf("portal-1's call to identity through Lattice: %s %s", resp.Status, body)
	}
	vpc := map[string]string{}
	for _, nt := range rt.NetnsTasks() {
		for _, e := range rt.fabric.ENIs() {
			if e.Owner == nt.Task {
				vpc[nt.Service] = e.VPC
			}
		}
	}
	if vpc["portal"] == "" || vpc["portal"] == vpc["identity"] {
		t.Fatalf("portal in %q, identity in %q: want two VPCs", vpc["portal"], vpc["identity"])
	}
	if a, _ := flows(rt, "identity-", "ingress", 8443, design.LatticeCIDR); a == 0 {
		t.Errorf("no packets from Lattice accepted at identity's interfaces in the shared spoke")
	}
}
