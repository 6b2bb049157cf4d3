package analysis

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/netwright/netwright/internal/design"
)

// naclWithRules gives the base design's app NACL n outbound rules of its
// own, numbered 100, 110, ... as plan numbers them.
func naclWithRules(d *design.Design, n int) *design.NetworkACL {
	acl := nacl(d, "acl-fx-app")
	acl.Outbound = nil
	for i := range n {
		acl.Outbound = append(acl.Outbound, design.NACLRule{Number: 100 + 10*i, Protocol: "tcp", FromPort: 20000 + i, ToPort: 20000 + i,
			CIDR: netip.MustParsePrefix("10.0.0.0/16"), Allow: true, Reason: "by hand"})
	}
	return acl
}

func init() {
	// 40 rules and the default deny: 41 entries, past the 40 AWS allows.
	breakers["NW133"] = func(d *design.Design) { naclWithRules(d, 40) }
}

// TestNACLLimits checks NW133 and the NACL part of NW116 on the edges of
// AWS's limits (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html):
// a direction holds 20 entries by default and 40 at most, the default
// deny among them; rule numbers run 1-32766, each once per direction.
func TestNACLLimits(t *testing.T) {
	tests := []struct {
		name         string
		edit         func(d *design.Design)
		nw133, nw116 bool
	}{
		{"the base as planned", func(*design.Design) {}, false, false},
		{"19 rules fit the default quota", func(d *design.Design) { naclWithRules(d, 19) }, false, false},
		{"20 rules and the deny pass the default quota", func(d *design.Design) { naclWithRules(d, 20) }, false, true},
		{"39 rules and the deny fit the maximum", func(d *design.Design) { naclWithRules(d, 39) }, false, true},
		{"40 rules and the deny pass the maximum", func(d *design.Design) { naclWithRules(d, 40) }, true, false},
		{"rule number 0", func(d *design.Design) { naclWithRules(d, 2).Outbound[0].Number = 0 }, true, false},
		{"rule number 32767 is the default deny's", func(d *design.Design) { naclWithRules(d, 2).Outbound[1].Number = 32767 }, true, false},
		{"rule number 32766 is the last", func(d *design.Design) { naclWithRules(d, 2).Outbound[1].Number = 32766 }, false, false},
		{"one number twice in a direction", func(d *design.Design) { naclWithRules(d, 2).Outbound[1].Number = 100 }, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := buildFile(t, "testdata/checks/base.yaml")
			tt.edit(d)
			r := Analyze(d)
			if got := len(findingsOf(r, "NW133")) > 0; got != tt.nw133 {
				t.Errorf("NW133 fires = %v; want %v (%v)", got, tt.nw133, findingsOf(r, "NW133"))
			}
			var quota []Finding
			for _, f := range findingsOf(r, "NW116") {
				if strings.Contains(f.Subject, "acl-") {
					quota = append(quota, f)
				}
			}
			if got := len(quota) > 0; got != tt.nw116 {
				t.Errorf("NW116 fires on the NACL = %v; want %v (%v)", got, tt.nw116, quota)
			}
		})
	}
}

// TestSecurityGroupRuleWeights checks NW116 counts a group's rules as AWS
// does: a rule naming a managed prefix list counts as the list's weight
// (VPC Lattice's 10: https://docs.aws.amazon.com/vpc/latest/userguide/working-with-aws-managed-prefix-lists.html),
// so seven such rules weigh 70, past the 60 a direction holds, and six
// weigh 60, within it.
func TestSecurityGroupRuleWeights(t *testing.T) {
	for _, tt := range []struct {
		rules int
		fires bool
	}{{6, false}, {7, true}} {
		d := buildFile(t, "testdata/checks/base.yaml")
		g := &d.SecurityGroups[0]
		g.Egress = nil
		for i := range tt.rules {
			g.Egress = append(g.Egress, design.SGRule{Protocol: "tcp", FromPort: 9000 + i, ToPort: 9000 + i,
				PeerPrefixList: design.LatticePrefixList("us-east-1"), Description: "by hand"})
		}
		var quota []Finding
		for _, f := range findingsOf(Analyze(d), "NW116") {
			if f.Subject == g.ID {
				quota = append(quota, f)
			}
		}
		if got := len(quota) > 0; got != tt.fires {
			t.Errorf("%d Lattice prefix-list rules: NW116 fires = %v; want %v (%v)", tt.rules, got, tt.fires, quota)
		}
	}
}
