package diagram

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// pathProblems lists every way the layout's flows break the drawing
// rules: a leg that does not start and end on the borders of its boxes, a
// segment that is not horizontal or vertical, a segment that crosses a box
// or text it has no end in (or runs along a border), and a label that
// overlaps a box, a text, another label or another flow's line, or
// straddles a border. It is written apart from the router, which must
// satisfy it.
func pathProblems(l *Layout) []string {
	var out []string
	obs, parent := l.obstacles()
	onBorder := func(p Point, b *Box) bool {
		inX := p.X >= b.X && p.X <= b.X+b.W
		inY := p.Y >= b.Y && p.Y <= b.Y+b.H
		return inX && (p.Y == b.Y || p.Y == b.Y+b.H) || inY && (p.X == b.X || p.X == b.X+b.W)
	}
	for _, a := range l.Arrows {
		name := a.Kind + " " + a.Flow + " " + a.From.Label + " -> " + a.To.Label
		bs := a.Boxes()
		if len(a.Legs) != len(bs)-1 {
			out = append(out, fmt.Sprintf("%s: %d legs for %d boxes", name, len(a.Legs), len(bs)))
			continue
		}
		for k, leg := range a.Legs {
			from, to := bs[k], bs[k+1]
			if len(leg) < 2 || !onBorder(leg[0], from) || !onBorder(leg[len(leg)-1], to) {
				out = append(out, fmt.Sprintf("%s: leg %d (%v) does not run from the border of %q to the border of %q", name, k, leg, from.Label, to.Label))
				continue
			}
			for s := 1; s < len(leg); s++ {
				p, q := leg[s-1], leg[s]
				if p.X != q.X && p.Y != q.Y {
					out = append(out, fmt.Sprintf("%s: leg %d segment %v-%v is diagonal", name, k, p, q))
					continue
				}
				for _, o := range obs {
					if o.container && (isAncestor(parent, o.box, from) || isAncestor(parent, o.box, to)) {
						continue
					}
					if crossesClosed(p, q, o.r) {
						what := o.box.Kind + " " + fmt.Sprintf("%q", o.box.Label)
						if !o.container && o.r != o.box.rect() {
							what = "the text of " + what
						}
						out = append(out, fmt.Sprintf("%s: leg %d segment %v-%v crosses %s", name, k, p, q, what))
					}
				}
			}
		}
	}
	// Labels.
	var labels []*Box
	for ai, a := range l.Arrows {
		lb := a.LabelBox
		if lb == nil {
			continue
		}
		r := lb.rect()
		for _, o := range obs {
			if o.container && !o.r.inside(r) && intersects(r, o.r) || !o.container && intersects(r, o.r) {
				out = append(out, fmt.Sprintf("label %q of %s overlaps %s %q", lb.Label, a.Flow, o.box.Kind, o.box.Label))
			}
		}
		for _, other := range labels {
			if intersects(r, other.rect()) {
				out = append(out, fmt.Sprintf("label %q of %s overlaps label %q", lb.Label, a.Flow, other.Label))
			}
		}
		labels = append(labels, lb)
		for bi, b := range l.Arrows {
			for _, leg := range b.Legs {
				for s := 1; s < len(leg) && bi != ai; s++ {
					if segmentHits(leg[s-1], leg[s], r) {
						out = append(out, fmt.Sprintf("label %q of %s covers the line of %s %s", lb.Label, a.Flow, b.Kind, b.Flow))
					}
				}
			}
		}
	}
	return out
}

// inside reports whether r holds o whole.
func (r Rect) inside(o Rect) bool { return contains(r, o) }

// crossesClosed reports whether a horizontal or vertical segment enters a
// rectangle's interior or runs along its border; touching it at an end
// only is allowed.
func crossesClosed(p, q Point, r Rect) bool {
	if p.Y == q.Y {
		lo, hi := min(p.X, q.X), max(p.X, q.X)
		return p.Y >= r.Y && p.Y <= r.Y+r.H && lo < r.X+r.W && hi > r.X
	}
	lo, hi := min(p.Y, q.Y), max(p.Y, q.Y)
	return p.X >= r.X && p.X <= r.X+r.W && lo < r.Y+r.H && hi > r.Y
}

func TestFlowsAvoidBoxesAndLabelsOverlapNothing(t *testing.T) {
	for name, d := range designs(t) {
		t.Run(name, func(t *testing.T) {
			l := Build(d)
			for _, p := range pathProblems(l) {
				t.Error(p)
			}
			// Every declared flow is drawn, and most carry their label (or share
			// one with flows of the same kind into the same box on the same port).
			drawn, labelled := map[string]bool{}, 0
			for _, a := range l.Arrows {
				drawn[a.Flow] = true
				if a.LabelBox != nil {
					labelled++
				}
				if a.LabelOf != "" {
					// A shared label is another flow's of the same kind,
					// port and end, and drawn.
					stands := slices.ContainsFunc(l.Arrows, func(o Arrow) bool {
						return o.Flow == a.LabelOf && o.LabelBox != nil && o.Label == a.Label && o.To == a.To && o.Kind == a.Kind
					})
					if !stands || a.LabelBox != nil {
						t.Errorf("flow %s shares the label of %s, which does not stand for it", a.Flow, a.LabelOf)
					}
					labelled++
				}
			}
			for _, f := range d.Flows {
				if !drawn[f.ID] {
					t.Errorf("flow %s (%s -> %s) is not drawn", f.ID, f.From, f.To)
				}
			}
			if flows := len(d.Flows); labelled < flows/2 {
				t.Errorf("%d of %d flows have a label; want at least half", labelled, flows)
			}
		})
	}
}

// TestPathCheckCanFail moves a chip onto a routed path and a label onto
// another, and checks both are reported.
func TestPathCheckCanFail(t *testing.T) {
	l := Build(designs(t)["shop"])
	var a *Arrow
	for i := range l.Arrows {
		if len(l.Arrows[i].Legs[len(l.Arrows[i].Legs)-1]) >= 3 {
			a = &l.Arrows[i]
			break
		}
	}
	if a == nil {
		t.Fatal("no arrow with a bend")
	}
	leg := a.Legs[len(a.Legs)-1]
	mid := leg[1]
	// A stray chip on the path's corner, in the canvas root.
	l.Root = append(l.Root, &Box{Kind: "chip", Label: "stray", X: mid.X - 5, Y: mid.Y - 5, W: 10, H: 10})
	var labelled []*Arrow
	for i := range l.Arrows {
		if l.Arrows[i].LabelBox != nil {
			labelled = append(labelled, &l.Arrows[i])
		}
	}
	*labelled[1].LabelBox = *labelled[0].LabelBox
	got := strings.Join(pathProblems(l), "\n")
	if !strings.Contains(got, `crosses chip "stray"`) || !strings.Contains(got, "overlaps label") {
		t.Errorf("problems = %q; want a crossing of the stray chip and two labels overlapping", got)
	}
}

// TestPathsAsAWSCarriesThem: flows pass the boxes the route walk finds.
func TestPathsAsAWSCarriesThem(t *testing.T) {
	ds := designs(t)
	refs := func(a Arrow) []string {
		var out []string
		for _, b := range a.Boxes() {
			ref := b.Ref
			if i := strings.IndexByte(ref, ':'); i > 0 {
				ref = ref[:i]
			}
			out = append(out, ref)
		}
		return out
	}
	find := func(l *Layout, kind, from, to string) []string {
		for _, a := range l.Arrows {
			if a.Kind == kind && a.From.Ref == from && a.To.Ref == to {
				return refs(a)
			}
		}
		t.Fatalf("no %s arrow from %s to %s", kind, from, to)
		return nil
	}
	hub := Build(ds["hub-spoke"])
	tests := []struct {
		name string
		got  []string
		want []string
	}{
		{"hub-spoke ingress: the internet gateway, its edge route to a GWLB endpoint, the ALB",
			find(hub, "ingress", "internet", "service:portal"), []string{"internet", "igw", "gwlbe", "lb", "service"}},
		{"hub-spoke spoke to spoke: out by the attachment, through the Transit Gateway, in by the other",
			find(hub, "service", "service:portal", "service:identity"), []string{"service", "attachment", "tgw", "attachment", "service"}},
		{"hub-spoke egress: through the Transit Gateway to the hub, its GWLB endpoint, NAT and internet gateway",
			find(hub, "egress", "service:portal", "internet"), []string{"service", "attachment", "tgw", "attachment", "gwlbe", "nat", "igw", "internet"}},
		{"three-tier: web calls app through the internal ALB",
			find(Build(ds["three-tier"]), "service", "service:web", "service:app"), []string{"service", "lb", "service"}},
		{"shop egress: NAT gateway, then the internet gateway",
			find(Build(ds["shop"]), "egress", "service:payments", "internet"), []string{"service", "nat", "igw", "internet"}},
	}
	for _, tt := range tests {
		if !slices.Equal(tt.got, tt.want) {
			t.Errorf("%s: boxes = %v; want %v", tt.name, tt.got, tt.want)
		}
	}
	// No Transit Gateway stands unconnected.
	for _, name := range []string{"hub-spoke", "two-region"} {
		l := Build(ds[name])
		for _, r := range l.Root {
			for _, b := range r.Children {
				if b.Kind != "tgw" {
					continue
				}
				connected := false
				for _, a := range l.Arrows {
					connected = connected || slices.Contains(a.Boxes(), b)
				}
				if !connected {
					t.Errorf("%s: %s is drawn with no flow or peering through it", name, b.Label)
				}
			}
		}
	}
}
