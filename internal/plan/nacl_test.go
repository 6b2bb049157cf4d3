package plan

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/netwright/netwright/internal/analysis"
	"github.com/netwright/netwright/internal/awsfacts"
	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/diag"
	"github.com/netwright/netwright/internal/spec"
)

// fanOutSpec is a microservices spec whose edge service calls n services,
// each on a port of its own, so the edge's NACL needs an outbound rule per
// callee (and, over three AZs, one per callee block).
func fanOutSpec(n, azs int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "version: 1\napp: m\nnetwork: {pattern: microservices, azs: %d, nat: none, endpoints: [s3, ecr.api, ecr.dkr, logs]}\nservices:\n  edge: {port: 8080, depends_on: [", azs)
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("s" + strconv.Itoa(i))
	}
	b.WriteString("]}\n")
	for i := range n {
		fmt.Fprintf(&b, "  s%d: {port: %d}\n", i, 9000+7*i)
	}
	return b.String()
}

// plan parses and plans src, failing on spec errors, and returns the
// design (nil on plan errors) and the plan's diagnostics.
func planSpec(t *testing.T, src string) (*design.Design, diag.Diagnostics) {
	t.Helper()
	s, ds := spec.Parse("inline.yaml", []byte(src))
	if ds.HasErrors() {
		t.Fatalf("spec errors: %v", ds)
	}
	return Build(s)
}

// naclEntries is what AWS counts against "Rules per network ACL" for one
// direction: its rules and the default deny.
func naclEntries(rules []design.NACLRule) int { return len(rules) + awsfacts.NACLDefaultRules }

// declaredFlowsPass fails the test when the analyzer finds a declared flow
// blocked or an undeclared one allowed.
func declaredFlowsPass(t *testing.T, d *design.Design) {
	t.Helper()
	for _, f := range analysis.Analyze(d).Findings {
		if f.Check == "NW101" || f.Check == "NW102" {
			t.Errorf("%s: %s", f.Check, f.Summary)
		}
	}
}

// TestNACLPastMaximumIsAggregated: an edge calling 45 services needs 46
// outbound rules, past the 40 entries AWS allows a direction at most (the
// default deny among them), which no quota increase reaches. The architect
// widens rules (port ranges, then the callees' tier block) until they fit,
// says what it widened, and the declared flows still pass.
func TestNACLPastMaximumIsAggregated(t *testing.T) {
	d, ds := planSpec(t, fanOutSpec(45, 2))
	if ds.HasErrors() {
		t.Fatalf("plan errors: %v", ds)
	}
	for _, n := range d.NetworkACLs {
		for dir, rules := range map[string][]design.NACLRule{"inbound": n.Inbound, "outbound": n.Outbound} {
			if got := naclEntries(rules); got > awsfacts.NACLRulesPerDirectionMax {
				t.Errorf("%s %s has %d entries; AWS allows %d", n.ID, dir, got, awsfacts.NACLRulesPerDirectionMax)
			}
		}
	}
	edge := naclByID(t, d, "acl-m-app-edge")
	widened := 0
	for _, r := range edge.Outbound {
		if strings.Contains(r.Reason, "widened") {
			widened++
		}
	}
	if widened == 0 {
		t.Errorf("no outbound rule of %s says it was widened: %v", edge.ID, edge.Outbound)
	}
	if !hasNote(d, "nacl", "acl-m-app-edge") {
		t.Errorf("no nacl note names acl-m-app-edge; notes: %v", d.Notes)
	}
	for _, dg := range ds {
		if strings.Contains(dg.Summary, "network ACL") && strings.Contains(dg.Detail, "up to 40") && !strings.Contains(dg.Detail, "at least") {
			t.Errorf("advice names no quota value: %s: %s", dg.Summary, dg.Detail)
		}
	}
	declaredFlowsPass(t, d)
}

// TestNACLOverDefaultQuotaAsksForAValue: 31 rules fit AWS's maximum of 40
// entries but not the default 20; the warning asks for the value needed,
// with the default deny counted, and carries it.
func TestNACLOverDefaultQuotaAsksForAValue(t *testing.T) {
	d, ds := planSpec(t, fanOutSpec(30, 2))
	if ds.HasErrors() {
		t.Fatalf("plan errors: %v", ds)
	}
	edge := naclByID(t, d, "acl-m-app-edge")
	want := strconv.Itoa(naclEntries(edge.Outbound))
	found := false
	for _, dg := range ds {
		if !strings.Contains(dg.Summary, "acl-m-app-edge") {
			continue
		}
		found = true
		if dg.Severity != diag.Warning {
			t.Errorf("%s is an error; want a warning", dg.Summary)
		}
		if !strings.Contains(dg.Detail, "at least "+want) {
			t.Errorf("detail %q does not ask for at least %s", dg.Detail, want)
		}
		if len(dg.Suggestions) != 1 || dg.Suggestions[0] != (diag.Suggestion{Kind: diag.SuggestQuota, For: "Rules per network ACL", Value: want}) {
			t.Errorf("suggestions = %v; want the quota %s", dg.Suggestions, want)
		}
	}
	if !found {
		t.Fatalf("no diagnostic about acl-m-app-edge in %v", ds)
	}
}

// TestNACLSafeSummarisationFitsDefaultQuota: over three AZs each callee's
// three subnets are two blocks (a /27 and a /28 of a /26 whose last /28 is
// empty), so 12 callees need 25 outbound rules. Summarising each pair to
// the /26, over addresses no subnet holds, fits the default quota without
// widening to any other subnet, and no warning is needed.
func TestNACLSafeSummarisationFitsDefaultQuota(t *testing.T) {
	d, ds := planSpec(t, fanOutSpec(12, 3))
	if ds.HasErrors() {
		t.Fatalf("plan errors: %v", ds)
	}
	for _, dg := range ds {
		if strings.Contains(dg.Summary, "network ACL") {
			t.Errorf("unexpected %s: %s", dg.Severity, dg.Summary)
		}
	}
	for _, n := range d.NetworkACLs {
		for dir, rules := range map[string][]design.NACLRule{"inbound": n.Inbound, "outbound": n.Outbound} {
			if got := naclEntries(rules); got > awsfacts.NACLRulesPerDirection {
				t.Errorf("%s %s has %d entries; want at most the default %d", n.ID, dir, got, awsfacts.NACLRulesPerDirection)
			}
			for _, r := range rules {
				if strings.Contains(r.Reason, "widened") {
					t.Errorf("%s %s rule %d was widened: %s", n.ID, dir, r.Number, r.Reason)
				}
				// A summarised block holds only subnets the rule's flows
				// reach, or none.
				if strings.Contains(r.Reason, "summarised") {
					for _, v := range d.VPCs {
						for _, s := range v.Subnets {
							if r.CIDR.Overlaps(s.CIDR) && !strings.Contains(s.Name, "-app-") && !strings.Contains(s.Name, "-endpoints-") {
								t.Errorf("%s rule %d (%s) takes in %s", n.ID, r.Number, r.CIDR, s.Name)
							}
						}
					}
				}
			}
		}
	}
	declaredFlowsPass(t, d)
}

func naclByID(t *testing.T, d *design.Design, id string) design.NetworkACL {
	t.Helper()
	for _, n := range d.NetworkACLs {
		if n.ID == id {
			return n
		}
	}
	t.Fatalf("no network ACL %s", id)
	return design.NetworkACL{}
}

func hasNote(d *design.Design, topic, text string) bool {
	for _, n := range d.Notes {
		if n.Topic == topic && strings.Contains(n.Text, text) {
			return true
		}
	}
	return false
}
