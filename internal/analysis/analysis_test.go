package analysis

import (
	"net/netip"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/plan/plantest"
)

func buildFile(t testing.TB, path string) *design.Design {
	t.Helper()
	return plantest.File(t, path)
}

// TestExamplesCheckClean checks every example: no finding at all, and the
// all-pairs matrix passes exactly what the spec declares.
func TestExamplesCheckClean(t *testing.T) {
	files, _ := filepath.Glob("../../examples/*.yaml")
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			r := Analyze(buildFile(t, f))
			for _, x := range r.Findings {
				t.Errorf("%s %s: %s", x.Check, x.Severity, x.Summary)
			}
			if len(r.Matrix) == 0 {
				t.Fatal("empty matrix")
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
		})
	}
}

func findingsOf(r *Report, check string) []Finding {
	var out []Finding
	for _, f := range r.Findings {
		if f.Check == check {
			out = append(out, f)
		}
	}
	return out
}

func blockedHops(f Finding) []string {
	var out []string
	for _, h := range f.Path.Hops {
		if !h.Allowed {
			out = append(out, h.Where)
		}
	}
	return out
}

func threeTier(t *testing.T) *design.Design { return buildFile(t, "../../examples/three-tier.yaml") }

func group(d *design.Design, id string) *design.SecurityGroup {
	for i := range d.SecurityGroups {
		if d.SecurityGroups[i].ID == id {
			return &d.SecurityGroups[i]
		}
	}
	panic("no group " + id)
}

func nacl(d *design.Design, id string) *design.NetworkACL {
	for i := range d.NetworkACLs {
		if d.NetworkACLs[i].ID == id {
			return &d.NetworkACLs[i]
		}
	}
	panic("no nacl " + id)
}

// TestHandBrokenDesigns breaks a planned design the ways a hand edit
// does and checks each is caught with the hop that blocks it.
func TestHandBrokenDesigns(t *testing.T) {
	tests := []struct {
		name      string
		breakIt   func(d *design.Design)
		flow      string
		wantHop   string
		wantCheck string
	}{
		{"removed security group rule", func(d *design.Design) {
			g := group(d, "sg-webapp-db")
			g.Ingress = nil
		}, "app->db:5432/tcp", "security groups of db (ingress)", ""},
		{"NACL without ephemeral returns", func(d *design.Design) {
			n := nacl(d, "acl-webapp-data")
			for i := range n.Outbound {
				if n.Outbound[i].FromPort == 1024 {
					n.Outbound[i].FromPort = 32768
				}
			}
		}, "app->db:5432/tcp", "acl-webapp-data outbound answers", "NW107"},
		{"route to a missing NAT", func(d *design.Design) {
			d.VPCs[0].NATGateways = nil
		}, "app->internet(api.stripe.com):443/tcp", "route subnet-webapp-app-a to internet 203.0.113.10", ""},
		{"data subnet with an internet route", func(d *design.Design) {
			for i := range d.VPCs[0].RouteTables {
				rt := &d.VPCs[0].RouteTables[i]
				if rt.ID == "rtb-webapp-data" {
					rt.Routes = append(rt.Routes, design.Route{Destination: netip.MustParsePrefix("0.0.0.0/0"), TargetKind: design.TargetNATGateway, Target: "nat-webapp-a"})
				}
			}
		}, "", "", "NW124"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := threeTier(t)
			tt.breakIt(d)
			r := Analyze(d)
			if tt.flow != "" {
				var hit *Finding
				for _, f := range findingsOf(r, "NW101") {
					if f.Subject == tt.flow {
						hit = &f
					}
				}
				if hit == nil {
					t.Fatalf("flow %s not reported blocked; findings %v", tt.flow, r.Findings)
				}
				if got := blockedHops(*hit); !slices.Contains(got, tt.wantHop) {
					t.Errorf("blocked hops = %v; want %q among them", got, tt.wantHop)
				}
			}
			if tt.wantCheck != "" && len(findingsOf(r, tt.wantCheck)) == 0 {
				t.Errorf("%s not reported; findings %v", tt.wantCheck, r.Findings)
			}
		})
	}
}

// TestUndeclaredFlowHasWitness adds a rule letting web reach the database
// and checks the finding names the rules that admit it.
func TestUndeclaredFlowHasWitness(t *testing.T) {
	d := threeTier(t)
	g := group(d, "sg-webapp-db")
	g.Ingress = append(g.Ingress, design.SGRule{Protocol: "tcp", FromPort: 5432, ToPort: 5432, PeerGroup: "sg-webapp-web", Description: "added by hand"})
	w := group(d, "sg-webapp-web")
	w.Egress = append(w.Egress, design.SGRule{Protocol: "tcp", FromPort: 0, ToPort: 65535, PeerCIDR: netip.MustParsePrefix("10.20.0.0/16"), Description: "wide"})
	fs := findingsOf(Analyze(d), "NW102")
	if len(fs) != 1 || fs[0].Subject != "web->db" {
		t.Fatalf("NW102 findings = %v; want web->db", fs)
	}
	if !strings.Contains(fs[0].Summary, "tcp 5432") || !strings.Contains(fs[0].Summary, "added by hand") || !strings.Contains(fs[0].Summary, "wide") {
		t.Errorf("witness %q lacks the port or the admitting rules", fs[0].Summary)
	}
}

func TestReach(t *testing.T) {
	e := NewEngine(threeTier(t))
	paths, err := e.Reach("internet", "web", 443, "tcp")
	if err != nil || len(paths) != 2 || paths[0].Blocked() || paths[1].Blocked() {
		t.Fatalf("internet -> web = %+v, %v; want two open hops", paths, err)
	}
	paths, _ = e.Reach("web", "db", 5432, "tcp")
	if len(paths) != 1 || !paths[0].Blocked() || !slices.Contains(blockedHops(Finding{Path: &paths[0]}), "security groups of db (ingress)") {
		t.Errorf("web -> db = %+v; want blocked at db's groups", paths)
	}
	if _, err := e.Reach("ghost", "db", 1, "tcp"); err == nil {
		t.Error("Reach from an unknown service succeeded")
	}
}
