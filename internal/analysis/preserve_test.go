package analysis_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/netwright/netwright/internal/analysis"
	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/plan/plantest"
)

// TestNLBPreservedClientAnswersReturnThroughTheNode: a UDP service
// behind an internet-facing NLB (ip targets keep the client's address
// for UDP) in private subnets with no route to the internet is
// reachable: the NLB keeps the flow and the answers go back through it,
// whatever the target's route table says; the target's groups and NACLs
// see the client. Turning preservation off for a TCP service's group
// whose targets' group admits the NLB alone keeps it reachable; turning
// it on blocks it at the target's groups.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/network/edit-target-group-attributes.html#client-ip-preservation
func TestNLBPreservedClientAnswersReturnThroughTheNode(t *testing.T) {
	d := plantest.Design(t, "arcade.yaml", []byte(`version: 1
app: arcade
regions: [eu-west-1]
services:
  game:
    port: 7777
    protocol: udp
    public: true
  broker:
    port: 1883
    protocol: tcp
    public: true
`))
	reach := func(d *design.Design, to string, port int, proto string) ([]analysis.Path, bool) {
		t.Helper()
		paths, err := analysis.NewEngine(d).Reach(design.Internet, to, port, proto)
		if err != nil {
			t.Fatal(err)
		}
		return paths, !slices.ContainsFunc(paths, func(p analysis.Path) bool { return !p.Ports.Contains(port) })
	}
	paths, ok := reach(d, "game", 7777, "udp")
	if !ok {
		t.Fatalf("internet -> game udp 7777 blocked: %+v", paths)
	}
	var back string
	for _, h := range paths[len(paths)-1].Hops {
		if strings.HasPrefix(h.Where, "route back") {
			back = h.Detail
		}
	}
	if !strings.Contains(back, "answers return through") {
		t.Errorf("the target's answers: %q; want them back through the NLB", back)
	}
	if _, ok := reach(d, "broker", 1883, "tcp"); !ok {
		t.Fatal("internet -> broker tcp 1883 blocked without preservation")
	}
	for i := range d.TargetGroups {
		if d.TargetGroups[i].Service == "broker" {
			d.TargetGroups[i].PreserveClientIP = true
		}
	}
	paths, ok = reach(d, "broker", 1883, "tcp")
	if ok {
		t.Fatal("internet -> broker tcp 1883 reachable with the client's address preserved, which broker's group does not admit")
	}
	if ex := analysis.Explain(paths[len(paths)-1]); len(ex) == 0 || !strings.Contains(ex[0].Detail, "security groups") {
		t.Errorf("blocked by %+v; want broker's security groups", ex)
	}
}
