package analysis

import (
	"strings"
	"testing"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/plan/plantest"
)

// TestReachAcrossSecondaryBlocks: in a VPC with secondary blocks each
// route table has a local route per block (VPC user guide, "VPC CIDR
// blocks"), and the engine follows the one the destination lies in, by
// longest prefix. Everything declared passes and nothing else does; a
// table that lost a block's local route blocks the way into that block.
func TestReachAcrossSecondaryBlocks(t *testing.T) {
	d := plantest.Design(t, "big.yaml", []byte(plantest.SecondaryBlocksSpec))
	v := &d.VPCs[0]
	if len(v.SecondaryCIDRs) == 0 {
		t.Fatal("the spec plans no secondary blocks")
	}
	r := Analyze(d)
	for _, f := range r.Findings {
		// (10,000 tasks pass Cloud Map's 1,000 instances: NW116, which
		// is the spec's to mend, not the addressing's.)
		if f.Check == "NW101" || f.Check == "NW102" || f.Check == "NW133" {
			t.Errorf("%s %s: %s", f.Check, f.Severity, f.Summary)
		}
	}
	for _, c := range r.Matrix {
		var got []string
		if c.TCP != "none" {
			got = append(got, "tcp "+c.TCP)
		}
		if c.UDP != "none" {
			got = append(got, "udp "+c.UDP)
		}
		if strings.Join(got, ", ") != c.Declared {
			t.Errorf("%s -> %s passes %v; declared %s", c.From, c.To, got, c.Declared)
		}
	}

	// w1's tasks and the database lie in different blocks.
	e := NewEngine(d)
	w1, _ := e.ServiceEndpoint("w1", "")
	db, _ := e.ServiceEndpoint("db", "")
	from, _ := v.BlockHolding(w1.Subnets[0].CIDR)
	to, _ := v.BlockHolding(db.Subnets[0].CIDR)
	if from == to {
		t.Fatalf("w1 and db share the block %s; the test wants two", from)
	}
	paths, err := e.Reach("w1", "db", 5432, "tcp")
	if err != nil || len(paths) != 1 || paths[0].Blocked() {
		t.Fatalf("w1 -> db = %+v, %v; want open", paths, err)
	}

	// Without the local route for db's block, w1's table sends the
	// packet to its default route, the NAT gateway, which cannot reach a
	// private address.
	for i := range v.RouteTables {
		rt := &v.RouteTables[i]
		if rt.ID != w1.Subnets[0].RouteTable {
			continue
		}
		var keep []design.Route
		for _, r := range rt.Routes {
			if !(r.TargetKind == design.TargetLocal && r.Destination == to) {
				keep = append(keep, r)
			}
		}
		rt.Routes = keep
	}
	paths, _ = NewEngine(d).Reach("w1", "db", 5432, "tcp")
	if len(paths) != 1 || !paths[0].Blocked() {
		t.Fatalf("w1 -> db without the local route to %s = %+v; want blocked", to, paths)
	}
	found := false
	for _, h := range paths[0].Hops {
		found = found || !h.Allowed && strings.Contains(h.Where, "route") && strings.Contains(h.Detail, "0.0.0.0/0")
	}
	if !found {
		t.Errorf("no blocked route hop names the default route: %+v", paths[0].Hops)
	}
	if errs := d.Validate(); len(errs) == 0 {
		t.Errorf("Validate accepts a route table without the local route to %s", to)
	}
}
