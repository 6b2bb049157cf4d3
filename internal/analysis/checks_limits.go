package analysis

import (
	"fmt"
	"slices"

	"github.com/netwright/netwright/internal/awsfacts"
	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/diag"
)

// naclEntries is what AWS counts against "Rules per network ACL" in one
// direction: the rules and the default deny.
func naclEntries(rules []design.NACLRule) int { return len(rules) + awsfacts.NACLDefaultRules }

// NW133 follows the VPC user guide's quotas
// (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html):
// "Rules per network ACL" counts one direction, its default deny among
// them, and can be raised to 40 at most; rule numbers run 1 to 32766
// (32767 is the default deny's), one rule to a number in each direction.
var _ = register(Check{ID: "NW133", Severity: diag.Error, Title: "NACL over AWS's limits",
	Rationale: fmt.Sprintf("AWS allows a network ACL %d entries in each direction at most, the default deny among them, whatever quota is requested, and rule numbers %d-%d, each once per direction; past them the stack fails to deploy.",
		awsfacts.NACLRulesPerDirectionMax, awsfacts.NACLRuleNumberMin, awsfacts.NACLRuleNumberMax),
	Fix: "Merge rules (port ranges, blocks widened to the tier or the VPC, while the security groups keep least privilege) or split the subnets the NACL guards, and number rules within the range.",
	run: func(d *design.Design, _ *Engine) []Finding {
		var fs []Finding
		for _, n := range d.NetworkACLs {
			for _, dir := range []struct {
				name  string
				rules []design.NACLRule
			}{{"inbound", n.Inbound}, {"outbound", n.Outbound}} {
				if e := naclEntries(dir.rules); e > awsfacts.NACLRulesPerDirectionMax {
					fs = append(fs, finding(n.ID, "%s has %d %s rules and the default deny: %d entries, past the %d AWS allows a direction", n.ID, len(dir.rules), dir.name, e, awsfacts.NACLRulesPerDirectionMax))
				}
				var seen []int
				for _, r := range dir.rules {
					if r.Number < awsfacts.NACLRuleNumberMin || r.Number > awsfacts.NACLRuleNumberMax {
						fs = append(fs, finding(n.ID, "%s %s rule number %d is outside %d-%d", n.ID, dir.name, r.Number, awsfacts.NACLRuleNumberMin, awsfacts.NACLRuleNumberMax))
					}
					if slices.Contains(seen, r.Number) {
						fs = append(fs, finding(n.ID, "%s has two %s rules numbered %d", n.ID, dir.name, r.Number))
					}
					seen = append(seen, r.Number)
				}
			}
		}
		return fs
	}})
