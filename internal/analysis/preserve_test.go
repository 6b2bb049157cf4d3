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
// whatever the target's route table says; the target's NACL sees the
// client. A TCP service's group that admits the NLB's group admits it
// with preservation on too (AWS matches a group reference by the sending
// interface), but its NACL must then admit the client; behind an NLB
// without groups its groups must admit the client as well.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-security-groups.html
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
	// broker's group admits the NLB's group, which admits the NLB's
	// traffic whatever its source address; its subnet's NACL sees the
	// client's, and (planned without preservation) lets no answer out to
	// it.
	sgHop := func(paths []analysis.Path) (analysis.Hop, bool) {
		for _, h := range paths[len(paths)-1].Hops {
			if strings.HasPrefix(h.Where, "security groups of broker") {
				return h, true
			}
		}
		return analysis.Hop{}, false
	}
	paths, ok = reach(d, "broker", 1883, "tcp")
	if h, found := sgHop(paths); ok || !found || !h.Allowed {
		t.Errorf("with the client's address preserved: reachable %v, broker's groups %+v; want them to admit the NLB by its group, and the path blocked by the NACL", ok, h)
	}
	if ex := analysis.Explain(paths[len(paths)-1]); len(ex) == 0 || !strings.Contains(ex[0].Component, "acl-") {
		t.Errorf("blocked by %+v; want broker's subnet's NACL, which sees the client", ex)
	}
	// An NLB without groups: broker's reference to them admits nothing.
	for i := range d.LoadBalancers {
		d.LoadBalancers[i].SecurityGroups = nil
	}
	paths, _ = reach(d, "broker", 1883, "tcp")
	if h, found := sgHop(paths); !found || h.Allowed {
		t.Errorf("an NLB without groups, the client's address preserved: broker's groups %+v; want them to refuse the client", h)
	}
}
