//go:build linux

package netns

import (
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/nftables"

	"github.com/netwright/netwright/internal/analysis"
	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/plan/plantest"
	"github.com/netwright/netwright/internal/portset"
)

// clone copies a design deeply, for a test to change.
func clone(t *testing.T, d *design.Design) *design.Design {
	t.Helper()
	b, err := d.JSON()
	if err != nil {
		t.Fatal(err)
	}
	c, err := design.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func taskOf(t *testing.T, tasks []placedTask, service string) placedTask {
	t.Helper()
	for _, p := range tasks {
		if p.service.Name == service {
			return p
		}
	}
	t.Fatalf("no task of %s", service)
	return placedTask{}
}

// naclOf returns the NACL of a service's first subnet.
func naclOf(t *testing.T, d *design.Design, service string) *design.NetworkACL {
	sub := d.Service(service).Placements[0].Subnets[0]
	for i := range d.NetworkACLs {
		if slices.Contains(d.NetworkACLs[i].Subnets, sub) {
			return &d.NetworkACLs[i]
		}
	}
	t.Fatalf("no NACL on %s", sub)
	return nil
}

// hasRecord reports whether records hold one at owner's interface with
// the action and direction, to or from port.
func hasRecord(recs []FlowRecord, owner, action, direction string, port int) bool {
	return slices.ContainsFunc(recs, func(r FlowRecord) bool {
		return r.Owner == owner && r.Action == action && r.Direction == direction && (r.DstPort == port || r.SrcPort == port) && r.Packets > 0
	})
}

func dial(t *testing.T, from, to placedTask, port int) outcome {
	t.Helper()
	got, err := try(from.eni, "tcp", netip.AddrPortFrom(to.eni.Addr, uint16(port)), dropTimeout)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// TestDeclaredPassesUndeclaredIsRejected: app calls db (declared); web
// calling db is dropped silently and logged REJECT at web's interface,
// where its groups' egress refuses it.
func TestDeclaredPassesUndeclaredIsRejected(t *testing.T) {
	d := plantest.File(t, "../../../examples/three-tier.yaml")
	f := fabric(t, d)
	log := f.FlowLog(time.Unix(0, 0))
	tasks, _ := agree(t, f, d)
	web, app, db := taskOf(t, tasks, "web"), taskOf(t, tasks, "app"), taskOf(t, tasks, "db")
	if got := dial(t, app, db, 5432); got != passed {
		t.Errorf("app -> db:5432 %s; it is declared", got)
	}
	if got := dial(t, web, db, 5432); got != dropped {
		t.Errorf("web -> db:5432 %s; it is not declared", got)
	}
	recs, err := log.Collect(time.Unix(60, 0))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []struct {
		owner, action, direction string
	}{
		{app.eni.Owner, "ACCEPT", "egress"}, {db.eni.Owner, "ACCEPT", "ingress"}, {web.eni.Owner, "REJECT", "egress"},
	} {
		if !hasRecord(recs, want.owner, want.action, want.direction, 5432) {
			t.Errorf("no %s %s record at %s for port 5432 in %v", want.action, want.direction, want.owner, recs)
		}
	}
	if hasRecord(recs, db.eni.Owner, "ACCEPT", "ingress", 5432) && slices.ContainsFunc(recs, func(r FlowRecord) bool {
		return r.Owner == db.eni.Owner && r.Src == web.eni.Addr
	}) {
		t.Errorf("web's refused packets reached db's interface: %v", recs)
	}
}

// TestNACLs: a NACL deny on the callee's subnet drops the call, logged
// REJECT where it enters; a NACL that refuses the answers on the
// ephemeral range drops the reply, which AWS logs as an ACCEPT of the
// request and a REJECT of the answer. The analyzer agrees on both.
func TestNACLs(t *testing.T) {
	base := plantest.File(t, "../../../examples/three-tier.yaml")
	everyone := netip.MustParsePrefix("0.0.0.0/0")
	t.Run("deny", func(t *testing.T) {
		d := clone(t, base)
		n := naclOf(t, d, "db")
		n.Inbound = append(n.Inbound, design.NACLRule{Number: 1, Protocol: "tcp", FromPort: 5432, ToPort: 5432, CIDR: everyone})
		f := fabric(t, d)
		log := f.FlowLog(time.Unix(0, 0))
		tasks, _ := agree(t, f, d)
		app, db := taskOf(t, tasks, "app"), taskOf(t, tasks, "db")
		if got := dial(t, app, db, 5432); got != dropped {
			t.Errorf("app -> db:5432 %s past a NACL deny", got)
		}
		recs, _ := log.Collect(time.Unix(60, 0))
		if !hasRecord(recs, db.eni.Owner, "REJECT", "ingress", 5432) {
			t.Errorf("no REJECT ingress at %s: %v", db.eni.Owner, recs)
		}
	})
	t.Run("ephemeral answers", func(t *testing.T) {
		d := clone(t, base)
		n := naclOf(t, d, "db")
		n.Outbound = append(n.Outbound, design.NACLRule{Number: 1, Protocol: "tcp", FromPort: 1024, ToPort: 65535, CIDR: everyone})
		f := fabric(t, d)
		log := f.FlowLog(time.Unix(0, 0))
		tasks, _ := agree(t, f, d)
		app, db := taskOf(t, tasks, "app"), taskOf(t, tasks, "db")
		if got := dial(t, app, db, 5432); got != dropped {
			t.Errorf("app -> db:5432 %s with its answers refused", got)
		}
		recs, _ := log.Collect(time.Unix(60, 0))
		if !hasRecord(recs, db.eni.Owner, "ACCEPT", "ingress", 5432) || !hasRecord(recs, db.eni.Owner, "REJECT", "egress", 5432) {
			t.Errorf("want an ACCEPT of the request and a REJECT of the answer at %s: %v", db.eni.Owner, recs)
		}
	})
}

// TestScaleOut: a task attached while the fabric runs joins the groups
// its service carries, so the rules that name them admit it at once,
// with no rule changed; detached, its namespace and its place in the
// groups go.
func TestScaleOut(t *testing.T) {
	d := plantest.File(t, "../../../examples/three-tier.yaml")
	f := fabric(t, d)
	tasks, _ := agree(t, f, d)
	app, db := taskOf(t, tasks, "app"), taskOf(t, tasks, "db")
	generation := f.tables
	pl := app.service.Placements[0]
	e, err := f.Attach(Attachment{Owner: "app-new", Subnet: app.subnet.ID, Addr: plus(app.eni.Addr, 20), Groups: pl.SecurityGroups})
	if err != nil {
		t.Fatal(err)
	}
	scaled := placedTask{service: app.service, subnet: app.subnet, eni: e}
	if got := dial(t, scaled, db, 5432); got != passed {
		t.Errorf("a new app task -> db:5432 %s", got)
	}
	if f.tables != generation {
		t.Errorf("attaching a task rebuilt the rules")
	}
	path := e.NS.Path()
	if err := f.Detach(e); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("%s is still there after Detach: %v", path, err)
	}
	for _, g := range pl.SecurityGroups {
		els, err := f.nft.GetSetElements(f.sets[g])
		if err != nil {
			t.Fatal(err)
		}
		a := e.Addr.As4()
		if slices.ContainsFunc(els, func(el nftables.SetElement) bool { return string(el.Key) == string(a[:]) }) {
			t.Errorf("%s is still a member of %s after Detach", e.Addr, g)
		}
	}
}

// TestInternetEgress: a declared egress goes out through the NAT
// gateway, which the internet sees by its Elastic IP; an egress to a
// port the groups do not name is dropped, as the analyzer says.
func TestInternetEgress(t *testing.T) {
	d := plantest.File(t, "../../../examples/three-tier.yaml")
	f := fabric(t, d)
	log := f.FlowLog(time.Unix(0, 0))
	tasks, _ := agree(t, f, d)
	app, web := taskOf(t, tasks, "app"), taskOf(t, tasks, "web")
	stripe := design.EgressAddr("api.stripe.com")
	internet := &ENI{Owner: "internet", Addr: stripe, NS: f.Internet()}
	var seen []netip.Addr
	ln, err := f.Internet().Listen("tcp", netip.AddrPortFrom(stripe, 443).String())
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			ap := netip.MustParseAddrPort(c.RemoteAddr().String())
			seen = append(seen, ap.Addr())
			c.Close()
		}
	}()
	e := analysis.NewEngine(d)
	for _, c := range []struct {
		from placedTask
		port int
	}{{app, 443}, {app, 80}, {web, 443}} {
		src := analysis.Endpoint{Kind: analysis.EndService, Name: c.from.service.Name, VPC: c.from.eni.VPC, Subnets: []*design.Subnet{c.from.subnet}, Groups: c.from.eni.Groups}
		want := dropped
		if !e.Query(src, analysis.Internet(stripe), "tcp", portset.Of(c.port, c.port)).Blocked() {
			want = passed
		}
		got, err := try(c.from.eni, "tcp", netip.AddrPortFrom(stripe, uint16(c.port)), dropTimeout)
		if err != nil || got != want {
			t.Errorf("%s -> %s:%d %s (%v); the analyzer says it %s", c.from.service.Name, stripe, c.port, got, err, want)
		}
	}
	ln.Close()
	<-done
	_ = internet
	if len(seen) != 1 || seen[0] == app.eni.Addr {
		t.Fatalf("the internet saw calls from %v; want one, from a NAT gateway", seen)
	}
	nat := natAt(f, seen[0])
	if nat == nil {
		t.Fatalf("the internet saw %s, which is no NAT gateway's public address", seen[0])
	}
	if !publicBlock.Contains(seen[0]) || seen[0] == nat.Addr {
		t.Errorf("the internet saw %s; want the NAT gateway's Elastic IP, not its private %s", seen[0], nat.Addr)
	}
	// At the NAT gateway's interface the task's packets show the
	// interface as dstaddr and the internet host as pkt-dstaddr; its
	// answers back to the task the interface as srcaddr and the host as
	// pkt-srcaddr.
	recs, err := log.Collect(time.Unix(60, 0))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []FlowRecord{
		{Direction: "ingress", Src: app.eni.Addr, Dst: nat.Addr, PktSrc: app.eni.Addr, PktDst: stripe},
		{Direction: "egress", Src: nat.Addr, Dst: app.eni.Addr, PktSrc: stripe, PktDst: app.eni.Addr},
	} {
		if !slices.ContainsFunc(recs, func(r FlowRecord) bool {
			return r.Owner == nat.Owner && r.Direction == want.Direction && r.Src == want.Src && r.Dst == want.Dst && r.PktSrc == want.PktSrc && r.PktDst == want.PktDst
		}) {
			t.Errorf("no %s record at %s with srcaddr %s dstaddr %s pkt-srcaddr %s pkt-dstaddr %s among %d records", want.Direction, nat.Owner, want.Src, want.Dst, want.PktSrc, want.PktDst, len(recs))
		}
	}
}

// natAt is the NAT gateway with a public address, or nil.
func natAt(f *Fabric, a netip.Addr) *ENI {
	for _, v := range f.vpcs {
		for _, e := range v.nats {
			if e.Public == a {
				return e
			}
		}
	}
	return nil
}

// TestExec runs commands in a task's namespace as `netwright exec`
// does: the VPC's resolver is its nameserver, a declared call connects,
// an undeclared one times out.
func TestExec(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	d := plantest.File(t, "../../../examples/three-tier.yaml")
	f := fabric(t, d)
	tasks, _ := agree(t, f, d)
	web, app, db := taskOf(t, tasks, "web"), taskOf(t, tasks, "app"), taskOf(t, tasks, "db")
	run := func(e *ENI, script string) (int, string) {
		var out strings.Builder
		code, err := Exec(e.NS.Path(), f.Resolver(e.VPC), []string{"bash", "-c", script}, os.Environ(), nil, &out, &out)
		if err != nil {
			t.Fatal(err)
		}
		return code, out.String()
	}
	if code, out := run(app.eni, "cat /etc/resolv.conf"); code != 0 || !strings.Contains(out, "nameserver "+f.Resolver(app.eni.VPC).String()) {
		t.Errorf("resolv.conf in the task: %d %q", code, out)
	}
	connect := fmt.Sprintf("timeout 1 bash -c 'exec 3<>/dev/tcp/%s/5432'", db.eni.Addr)
	if code, out := run(app.eni, connect); code != 0 {
		t.Errorf("app -> db from exec: exit %d %q", code, out)
	}
	if code, _ := run(web.eni, connect); code != 124 {
		t.Errorf("web -> db from exec: exit %d; want 124, timed out", code)
	}
	host, err := os.ReadFile("/etc/resolv.conf")
	if err != nil || strings.Contains(string(host), "netwright") {
		t.Errorf("the host's resolv.conf changed: %q %v", host, err)
	}
}

// TestUpdateKeepsEnforcing: after a reload compiles the groups and NACLs
// into a new table and removes the old one, the new table filters and
// marks packets for their subnets' route tables: a declared call still
// passes, an undeclared one is still dropped, and egress still finds its
// NAT gateway.
func TestUpdateKeepsEnforcing(t *testing.T) {
	d := plantest.File(t, "../../../examples/three-tier.yaml")
	f := fabric(t, d)
	tasks, _ := agree(t, f, d)
	if err := f.Update(clone(t, d)); err != nil {
		t.Fatal(err)
	}
	web, app, db := taskOf(t, tasks, "web"), taskOf(t, tasks, "app"), taskOf(t, tasks, "db")
	if got := dial(t, app, db, 5432); got != passed {
		t.Errorf("after the update app -> db:5432 %s", got)
	}
	if got := dial(t, web, db, 5432); got != dropped {
		t.Errorf("after the update web -> db:5432 %s; it is not declared", got)
	}
	stripe := design.EgressAddr("api.stripe.com")
	ln, err := f.Internet().Listen("tcp", netip.AddrPortFrom(stripe, 443).String())
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if got := dial(t, app, placedTask{eni: &ENI{Addr: stripe}}, 443); got != passed {
		t.Errorf("after the update app -> api.stripe.com:443 %s", got)
	}
}
