package analysis

import (
	"fmt"
	"slices"
	"strings"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/diag"
)

var _ = register(Check{ID: "NW127", Severity: diag.Error, Title: "Deployment order with a cross-stack cycle or a value no stack creates",
	Rationale: "Stacks are created one after another, each from IDs that stacks before it output. A stack that needs a value only a later stack yields, or one that needs it back (a cycle across stacks or Regions), never finishes; neither does one that uses something no stack creates. A Transit Gateway peering attachment is created pendingAcceptance and takes no association or route until the accepter's Region accepts it, which no CloudFormation resource does (docs.aws.amazon.com/vpc/latest/tgw/tgw-peering-accept-reject.html).",
	Fix:       "Deploy in stages: each Region's base stack; then the peering attachments, in the requester's Region; then their acceptance in the accepter's Region; then the associations and static routes through them on both sides. netwright plan orders peering this way (the design's deployment).",
	run:       func(d *design.Design, _ *Engine) []Finding { return deployOrder(d) }})

// deployOrder checks the design's deployment stages (design.Stages: one
// per Region when the design has none) against what the design's Transit
// Gateways and peerings need of each other (design.StageDependencies).
func deployOrder(d *design.Design) []Finding {
	var fs []Finding
	stages := d.Stages()
	pos := map[string]int{}
	for i, s := range stages {
		pos[s.ID] = i
	}
	deps := d.StageDependencies()
	for _, dep := range deps {
		if dep.On == "" {
			fs = append(fs, finding(dep.Object, "stage %s uses %s (%s), which no stage of the deployment creates", dep.Stage, dep.Object, dep.Use))
		}
	}
	inCycle := map[string]bool{}
	for _, scc := range components(stages, deps) {
		var why []string
		for _, dep := range deps {
			if slices.Contains(scc, dep.Stage) && slices.Contains(scc, dep.On) {
				inCycle[dep.Stage+" "+dep.On] = true
				why = append(why, dependsWhy(dep))
			}
		}
		fs = append(fs, finding(scc[0], "stages %s need each other, so none can be created first: %s", strings.Join(scc, ", "), strings.Join(why, "; ")))
	}
	for _, dep := range deps {
		if dep.On != "" && !inCycle[dep.Stage+" "+dep.On] && pos[dep.On] > pos[dep.Stage] {
			fs = append(fs, finding(dep.Stage, "stage %s runs before %s, yet %s", dep.Stage, dep.On, dependsWhy(dep)))
		}
	}
	if d.Deployment != nil {
		for _, s := range stages {
			for _, in := range d.StageTakes(s.ID) {
				if !slices.Contains(s.Takes, in) {
					fs = append(fs, finding(s.ID, "stage %s uses %s, created by stage %s, but does not take it: nothing passes its ID to the stack", s.ID, in.Object, in.From))
				}
			}
			for _, in := range s.Takes {
				if c := d.CreatorStage(in.Object); c != in.From {
					fs = append(fs, finding(s.ID, "stage %s takes %s from stage %s, which does not create it (%s)", s.ID, in.Object, in.From, orNone(c)))
				}
			}
		}
	}
	for _, p := range d.TransitGatewayPeerings {
		req, acc := d.TransitGateway(p.Requester), d.TransitGateway(p.Accepter)
		if req == nil || acc == nil {
			continue // reported above as a value no stage creates
		}
		if d.PeeringAcceptStage(p.ID) == "" {
			fs = append(fs, finding(p.ID, "no stage accepts peering %s in %s, the accepter's Region: the attachment stays pendingAcceptance and every association and route through it fails", p.ID, acc.Region))
		}
		for _, s := range stages {
			if !slices.Contains(s.Peerings, p.ID) {
				continue
			}
			switch {
			case s.Kind == design.StagePeeringRequest && s.Region != req.Region:
				fs = append(fs, finding(s.ID, "stage %s requests peering %s from %s, but its requester %s is in %s", s.ID, p.ID, s.Region, req.ID, req.Region))
			case s.Kind == design.StagePeeringAccept && s.Region != acc.Region:
				fs = append(fs, finding(s.ID, "stage %s accepts peering %s in %s, but only the accepter's Region, %s, can", s.ID, p.ID, s.Region, acc.Region))
			}
		}
	}
	for _, t := range d.TransitGateways {
		own := map[string]bool{}
		for _, a := range t.Attachments {
			own[a.ID] = true
		}
		for _, a := range t.SiteAttachments {
			own[a.ID] = true
		}
		for _, p := range d.TransitGatewayPeerings {
			own[p.ID] = p.Requester == t.ID || p.Accepter == t.ID
		}
		for _, rt := range t.RouteTables {
			used := append([]string(nil), rt.Associations...)
			for _, r := range rt.Routes {
				used = append(used, r.Attachment)
			}
			slices.Sort(used)
			for _, a := range slices.Compact(used) {
				if !own[a] && d.CreatorStage(a) != "" {
					fs = append(fs, finding(rt.ID, "%s (on %s in %s) uses attachment %s, which no stack creates on that gateway", rt.ID, t.ID, t.Region, a))
				}
			}
		}
	}
	return fs
}

// dependsWhy says why one stage needs another.
func dependsWhy(dep design.StageDependency) string {
	if dep.Value {
		return fmt.Sprintf("%s takes %s from %s for the %s", dep.Stage, dep.Object, dep.On, dep.Use)
	}
	return fmt.Sprintf("%s needs %s accepted by %s for the %s", dep.Stage, dep.Object, dep.On, dep.Use)
}

func orNone(stage string) string {
	if stage == "" {
		return "no stage does"
	}
	return "stage " + stage + " does"
}

// components returns the strongly connected components of more than one
// stage in the graph of stage dependencies (Tarjan's algorithm): each is
// a set of stages that need each other. Stages in a component keep the
// deployment's order; components come in the order of their first stage.
func components(stages []design.Stage, deps []design.StageDependency) [][]string {
	next := map[string][]string{}
	for _, dep := range deps {
		if dep.On != "" && !slices.Contains(next[dep.Stage], dep.On) {
			next[dep.Stage] = append(next[dep.Stage], dep.On)
		}
	}
	order := map[string]int{}
	for i, s := range stages {
		order[s.ID] = i
	}
	index, low := map[string]int{}, map[string]int{}
	onStack := map[string]bool{}
	var stack []string
	var out [][]string
	var visit func(v string)
	visit = func(v string) {
		index[v], low[v] = len(index), len(index)
		stack = append(stack, v)
		onStack[v] = true
		for _, w := range next[v] {
			if _, seen := index[w]; !seen {
				visit(w)
				low[v] = min(low[v], low[w])
			} else if onStack[w] {
				low[v] = min(low[v], index[w])
			}
		}
		if low[v] != index[v] {
			return
		}
		var scc []string
		for {
			w := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			onStack[w] = false
			scc = append(scc, w)
			if w == v {
				break
			}
		}
		if len(scc) > 1 {
			slices.SortFunc(scc, func(a, b string) int { return order[a] - order[b] })
			out = append(out, scc)
		}
	}
	for _, s := range stages {
		if _, seen := index[s.ID]; !seen {
			visit(s.ID)
		}
	}
	slices.SortFunc(out, func(a, b []string) int { return order[a[0]] - order[b[0]] })
	return out
}
