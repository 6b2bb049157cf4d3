package diagram

// Each flow's label (its port) is placed on one of its own segments, where
// it overlaps no box, no text, no other label and no other flow's line,
// and does not straddle a border. The last leg is tried first (the label
// then sits by the service it names the port of), the middle of a segment
// before its ends. A flow with no such place goes without a label rather
// than covering something. Flows of one kind into the same box on the
// same port share one label: the first placed stands for the rest.

const labelH = 13.0

func (l *Layout) placeLabels() {
	obs, _ := l.obstacles()
	var placed []Rect
	type group struct {
		kind, label string
		to          *Box
	}
	shared := map[group]string{}
	for ai := range l.Arrows {
		a := &l.Arrows[ai]
		a.LabelBox, a.LabelOf = nil, ""
		if a.Label == "" {
			continue
		}
		g := group{a.Kind, a.Label, a.To}
		if flow, ok := shared[g]; ok {
			a.LabelOf = flow
			continue
		}
		w := TextWidth(a.Label) + 4
		var found *Rect
	legs:
		for k := len(a.Legs) - 1; k >= 0; k-- {
			leg := a.Legs[k]
			for s := len(leg) - 1; s >= 1; s-- {
				p, q := leg[s-1], leg[s]
				for _, t := range []float64{0.5, 0.35, 0.65, 0.2, 0.8, 0.1, 0.9} {
					c := Point{p.X + (q.X-p.X)*t, p.Y + (q.Y-p.Y)*t}
					// On the line, else beside it.
					cands := []Rect{{c.X - w/2, c.Y - labelH/2, w, labelH}}
					if p.Y == q.Y {
						cands = append(cands, Rect{c.X - w/2, c.Y - labelH - 1, w, labelH}, Rect{c.X - w/2, c.Y + 1, w, labelH})
					} else {
						cands = append(cands, Rect{c.X + 2, c.Y - labelH/2, w, labelH}, Rect{c.X - w - 2, c.Y - labelH/2, w, labelH})
					}
					for _, r := range cands {
						if l.labelFits(r, obs, placed, ai) {
							found = &r
							break legs
						}
					}
				}
			}
		}
		if found != nil {
			shared[g] = a.Flow
			placed = append(placed, *found)
			a.LabelBox = &Box{Kind: "label", Label: a.Label, X: found.X, Y: found.Y, W: found.W, H: found.H}
		}
	}
	for ai := range l.Arrows { // a flow before the one that placed its group's label
		if a := &l.Arrows[ai]; a.Label != "" && a.LabelBox == nil && a.LabelOf == "" {
			if flow, ok := shared[group{a.Kind, a.Label, a.To}]; ok {
				a.LabelOf = flow
			}
		}
	}
}

// labelFits reports whether a label's rectangle is clear: inside the
// canvas, off every box and text, wholly inside or outside each
// container, clear of the labels placed and of other arrows' lines.
func (l *Layout) labelFits(r Rect, obs []obstacle, placed []Rect, self int) bool {
	if r.X < 0 || r.Y < 0 || r.X+r.W > l.W || r.Y+r.H > l.H {
		return false
	}
	for _, o := range obs {
		if o.container {
			if intersects(r, o.r) && !contains(o.r, r) {
				return false
			}
			if tr, ok := textRect(o.box); ok && intersects(r, tr) {
				return false
			}
			continue
		}
		if intersects(r, o.r) {
			return false
		}
	}
	for _, p := range placed {
		if intersects(grow(r, 2), p) {
			return false
		}
	}
	for ai, a := range l.Arrows {
		if ai == self {
			continue
		}
		for _, leg := range a.Legs {
			for s := 1; s < len(leg); s++ {
				if segmentHits(leg[s-1], leg[s], r) {
					return false
				}
			}
		}
	}
	return true
}

func grow(r Rect, d float64) Rect { return Rect{r.X - d, r.Y - d, r.W + 2*d, r.H + 2*d} }

// intersects reports whether two rectangles share interior.
func intersects(a, b Rect) bool {
	return a.X < b.X+b.W && b.X < a.X+a.W && a.Y < b.Y+b.H && b.Y < a.Y+a.H
}

// contains reports whether outer holds inner whole.
func contains(outer, inner Rect) bool {
	return inner.X >= outer.X && inner.Y >= outer.Y && inner.X+inner.W <= outer.X+outer.W && inner.Y+inner.H <= outer.Y+outer.H
}

// segmentHits reports whether an axis-parallel segment passes through a
// rectangle's interior.
func segmentHits(p, q Point, r Rect) bool {
	if p.Y == q.Y {
		return p.Y > r.Y && p.Y < r.Y+r.H && min(p.X, q.X) < r.X+r.W && max(p.X, q.X) > r.X
	}
	return p.X > r.X && p.X < r.X+r.W && min(p.Y, q.Y) < r.Y+r.H && max(p.Y, q.Y) > r.Y
}
