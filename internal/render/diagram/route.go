package diagram

import (
	"container/heap"
	"math"
	"slices"
)

// Flows are routed orthogonally on a grid of lines drawn in the gutters
// around every box (a few tracks each side) and through the sides of the
// boxes flows start and end at. A path may cross the border of a box only
// when that box holds one of the leg's ends (its subnet, VPC, Region); it
// never crosses another box, a chip or any text, and never runs along a
// border. A* finds the cheapest path: length, a cost per bend, and a cost
// for a track another flow already uses, so flows spread over the gutter.

const (
	bendCost  = 24.0
	reuseCost = 1.5 // per unit of length, per flow already on the track
)

// Rect is an axis-aligned rectangle.
type Rect struct{ X, Y, W, H float64 }

func (b *Box) rect() Rect { return Rect{b.X, b.Y, b.W, b.H} }

// obstacle is a rectangle paths avoid: a box, or the text drawn in one.
type obstacle struct {
	r   Rect
	box *Box
	// container marks a box others are drawn in (Region, VPC, subnet): a
	// leg whose end is inside it may cross its border.
	container bool
}

// textRect is where a box's own label (and second line) is drawn.
func textRect(b *Box) (Rect, bool) {
	switch b.Kind {
	case "region", "vpc", "subnet", "az", "tierlabel":
	default:
		return Rect{}, false
	}
	w := TextWidth(b.Label)
	h := lineH + 2
	switch {
	case b.Kind == "vpc":
		w += pad + TextWidth(b.Sub)
	case b.Sub != "":
		w = max(w, TextWidth(b.Sub))
		h += lineH
	}
	return Rect{b.X + 3, b.Y + 3, w + 4, h}, true
}

// obstacles lists every box and text area, and each box's parent.
func (l *Layout) obstacles() ([]obstacle, map[*Box]*Box) {
	var out []obstacle
	parent := map[*Box]*Box{}
	var walk func(p *Box, bs []*Box)
	walk = func(p *Box, bs []*Box) {
		for _, b := range bs {
			parent[b] = p
			if t, ok := textRect(b); ok {
				out = append(out, obstacle{r: t, box: b})
			}
			switch b.Kind {
			case "az", "tierlabel":
			default:
				out = append(out, obstacle{r: b.rect(), box: b, container: len(b.Children) > 0 || b.Kind == "region" || b.Kind == "vpc" || b.Kind == "subnet"})
			}
			walk(b, b.Children)
		}
	}
	walk(nil, l.Root)
	if l.Legend != nil {
		out = append(out, obstacle{r: l.Legend.rect(), box: l.Legend})
	}
	return out, parent
}

// router holds the grid and what blocks each of its segments.
type router struct {
	xs, ys []float64
	nx, ny int
	obs    []obstacle
	// hBlock[j*nx+i] lists the obstacles crossing the segment from node
	// (i, j) to (i+1, j); vBlock[j*nx+i] from (i, j) to (i, j+1).
	hBlock, vBlock [][]int32
	// hUse and vUse count the flows already routed along each segment.
	hUse, vUse []int
	// scratch for A*, reused by each search.
	cost []float64
	prev []int32
	gen  []uint32
	tick uint32
}

func newRouter(obs []obstacle, ends []*Box, w, h float64) *router {
	var xs, ys []float64
	add := func(s *[]float64, v float64) {
		if v > 0 {
			*s = append(*s, v)
		}
	}
	for _, o := range obs {
		r := o.r
		if o.box != nil && o.box.Kind == "chip" || o.box == nil {
			continue
		}
		if o.container || o.box.Kind == "tgw" || o.box.Kind == "internet" || o.box.Kind == "site" || o.box.Kind == "band" || o.box.Kind == "legend" {
			for _, d := range []float64{6, 12, 18} {
				add(&xs, r.X-d)
				add(&xs, r.X+r.W+d)
				add(&ys, r.Y-d)
				add(&ys, r.Y+r.H+d)
			}
		}
	}
	// The sides of every box a flow may start or end at, and lines
	// through them: several along the wide boxes many flows meet.
	for _, b := range ends {
		add(&xs, b.X)
		add(&xs, b.X+b.W)
		add(&ys, b.Y)
		add(&ys, b.Y+b.H)
		for y := b.Y + b.H/2 - 5; y <= b.Y+b.H/2+5; y += 5 {
			add(&ys, y)
		}
		if b.Kind == "chip" && b.W < 60 {
			add(&xs, b.X+b.W/2)
			continue
		}
		for x := b.X + 8; x <= b.X+b.W-8; x += 10 {
			add(&xs, x)
		}
	}
	add(&xs, w-pad/2)
	add(&ys, h-pad/2)
	xs, ys = uniq(xs), uniq(ys)
	r := &router{xs: xs, ys: ys, nx: len(xs), ny: len(ys), obs: obs}
	n := r.nx * r.ny
	r.hBlock, r.vBlock = make([][]int32, n), make([][]int32, n)
	r.hUse, r.vUse = make([]int, n), make([]int, n)
	r.cost, r.prev, r.gen = make([]float64, n*4), make([]int32, n*4), make([]uint32, n*4)
	for k, o := range obs {
		b := o.r
		// Horizontal segments on rows within [Y, Y+H] that overlap the
		// open span (X, X+W); vertical ones likewise.
		j0, j1 := span(ys, b.Y, b.Y+b.H)
		i0, i1 := openSpan(xs, b.X, b.X+b.W)
		for j := j0; j < j1; j++ {
			for i := i0; i < i1; i++ {
				r.hBlock[j*r.nx+i] = append(r.hBlock[j*r.nx+i], int32(k))
			}
		}
		i0, i1 = span(xs, b.X, b.X+b.W)
		j0, j1 = openSpan(ys, b.Y, b.Y+b.H)
		for i := i0; i < i1; i++ {
			for j := j0; j < j1; j++ {
				r.vBlock[j*r.nx+i] = append(r.vBlock[j*r.nx+i], int32(k))
			}
		}
	}
	return r
}

func uniq(s []float64) []float64 {
	slices.Sort(s)
	return slices.Compact(s)
}

// span returns the indices of the values in [lo, hi], as a half-open
// range.
func span(vs []float64, lo, hi float64) (int, int) {
	a, _ := slices.BinarySearch(vs, lo)
	b := a
	for b < len(vs) && vs[b] <= hi {
		b++
	}
	return a, b
}

// openSpan returns the segments (from vs[i] to vs[i+1]) that overlap the
// open interval (lo, hi), as a half-open range of i.
func openSpan(vs []float64, lo, hi float64) (int, int) {
	a := 0
	for a+1 < len(vs) && vs[a+1] <= lo {
		a++
	}
	b := a
	for b+1 < len(vs) && vs[b] < hi {
		b++
	}
	return a, b
}

// Directions: right, left, down, up.
var dirs = [4][2]int{{1, 0}, {-1, 0}, {0, 1}, {0, -1}}

// boundary returns the grid nodes on a box's border (its corners left
// out) and the direction that leaves the box from each.
func (r *router) boundary(b *Box) map[int32]int {
	out := map[int32]int{}
	i0, i1 := span(r.xs, b.X, b.X+b.W)
	j0, j1 := span(r.ys, b.Y, b.Y+b.H)
	for j := j0; j < j1; j++ {
		for i := i0; i < i1; i++ {
			x, y := r.xs[i], r.ys[j]
			onX := x == b.X || x == b.X+b.W
			onY := y == b.Y || y == b.Y+b.H
			if onX == onY {
				continue
			}
			d := 0
			switch {
			case x == b.X:
				d = 1
			case y == b.Y:
				d = 3
			case y == b.Y+b.H:
				d = 2
			}
			out[int32(j*r.nx+i)] = d
		}
	}
	return out
}

// blocked reports whether the segment from node n in direction d crosses
// an obstacle that is not exempt, and the segment's index.
func (r *router) step(n int, d int, exempt []bool) (next int, seg int, horizontal bool, ok bool) {
	i, j := n%r.nx, n/r.nx
	ni, nj := i+dirs[d][0], j+dirs[d][1]
	if ni < 0 || nj < 0 || ni >= r.nx || nj >= r.ny {
		return 0, 0, false, false
	}
	next = nj*r.nx + ni
	var bl []int32
	if d < 2 {
		seg, horizontal = j*r.nx+min(i, ni), true
		bl = r.hBlock[seg]
	} else {
		seg = min(j, nj)*r.nx + i
		bl = r.vBlock[seg]
	}
	for _, k := range bl {
		if !exempt[k] {
			return 0, 0, false, false
		}
	}
	return next, seg, horizontal, true
}

type item struct {
	state int32
	f     float64
}
type queue []item

func (q queue) Len() int { return len(q) }
func (q queue) Less(a, b int) bool {
	if q[a].f != q[b].f {
		return q[a].f < q[b].f
	}
	return q[a].state < q[b].state
}
func (q queue) Swap(a, b int) { q[a], q[b] = q[b], q[a] }
func (q *queue) Push(x any)   { *q = append(*q, x.(item)) }
func (q *queue) Pop() any {
	old := *q
	it := old[len(old)-1]
	*q = old[:len(old)-1]
	return it
}

// route finds the cheapest path from one box's border to another's, with
// the given obstacles exempt, and records its segments as used.
func (r *router) route(from, to *Box, exempt []bool) ([]Point, bool) {
	starts, goals := r.boundary(from), r.boundary(to)
	if len(starts) == 0 || len(goals) == 0 {
		return nil, false
	}
	r.tick++
	if r.tick == 0 {
		clear(r.gen)
		r.tick = 1
	}
	t := to.rect()
	h := func(n int) float64 {
		x, y := r.xs[n%r.nx], r.ys[n/r.nx]
		dx := max(t.X-x, 0, x-(t.X+t.W))
		dy := max(t.Y-y, 0, y-(t.Y+t.H))
		return dx + dy
	}
	get := func(s int) float64 {
		if r.gen[s] != r.tick {
			return math.Inf(1)
		}
		return r.cost[s]
	}
	set := func(s int, c float64, p int32) {
		r.gen[s], r.cost[s], r.prev[s] = r.tick, c, p
	}
	var q queue
	// Start nearer the middle of a side when it costs nothing more.
	fc := Point{from.X + from.W/2, from.Y + from.H/2}
	keys := make([]int32, 0, len(starts))
	for n := range starts {
		keys = append(keys, n)
	}
	slices.Sort(keys)
	for _, n := range keys {
		d := starts[n]
		x, y := r.xs[int(n)%r.nx], r.ys[int(n)/r.nx]
		c := (math.Abs(x-fc.X) + math.Abs(y-fc.Y)) * 0.05
		s := int(n)*4 + d
		if c < get(s) {
			set(s, c, -1)
			heap.Push(&q, item{int32(s), c + h(int(n))})
		}
	}
	for q.Len() > 0 {
		it := heap.Pop(&q).(item)
		s := int(it.state)
		n, d := s/4, s%4
		c := get(s)
		if it.f > c+h(n)+1e-9 {
			continue
		}
		if _, ok := goals[int32(n)]; ok && r.prev[s] != -1 {
			return r.trace(s), true
		}
		for d2 := range 4 {
			if d2 == d^1 {
				continue
			}
			next, seg, horiz, ok := r.step(n, d2, exempt)
			if !ok {
				continue
			}
			length := math.Abs(r.xs[next%r.nx]-r.xs[n%r.nx]) + math.Abs(r.ys[next/r.nx]-r.ys[n/r.nx])
			nc := c + length
			if d2 != d {
				nc += bendCost
			}
			if horiz {
				nc += float64(r.hUse[seg]) * reuseCost * length
			} else {
				nc += float64(r.vUse[seg]) * reuseCost * length
			}
			ns := next*4 + d2
			if nc < get(ns) {
				set(ns, nc, int32(s))
				heap.Push(&q, item{int32(ns), nc + h(next)})
			}
		}
	}
	return nil, false
}

// trace walks back from a state to its start, marks the segments used,
// and returns the path's corners.
func (r *router) trace(s int) []Point {
	var nodes []int
	for s != -1 {
		nodes = append(nodes, s/4)
		s = int(r.prev[s])
	}
	slices.Reverse(nodes)
	for k := 1; k < len(nodes); k++ {
		a, b := nodes[k-1], nodes[k]
		if a/r.nx == b/r.nx {
			r.hUse[a/r.nx*r.nx+min(a%r.nx, b%r.nx)]++
		} else {
			r.vUse[min(a/r.nx, b/r.nx)*r.nx+a%r.nx]++
		}
	}
	var pts []Point
	for _, n := range nodes {
		p := Point{r.xs[n%r.nx], r.ys[n/r.nx]}
		if k := len(pts); k >= 2 && (pts[k-2].X == pts[k-1].X && pts[k-1].X == p.X || pts[k-2].Y == pts[k-1].Y && pts[k-1].Y == p.Y) {
			pts[k-1] = p
			continue
		}
		pts = append(pts, p)
	}
	return pts
}

// route routes every arrow's legs. A leg that finds no path is drawn
// straight, which the geometry tests report.
func (l *Layout) route() {
	obs, parent := l.obstacles()
	var ends []*Box
	for _, a := range l.Arrows {
		ends = append(ends, a.Boxes()...)
	}
	r := newRouter(obs, uniqBoxes(ends), l.W, l.H)
	exempt := make([]bool, len(obs))
	for ai := range l.Arrows {
		a := &l.Arrows[ai]
		bs := a.Boxes()
		a.Legs = nil
		for k := 1; k < len(bs); k++ {
			clear(exempt)
			for k2, o := range obs {
				if o.container && (isAncestor(parent, o.box, bs[k-1]) || isAncestor(parent, o.box, bs[k])) {
					exempt[k2] = true
				}
			}
			pts, ok := r.route(bs[k-1], bs[k], exempt)
			if !ok {
				a1, b1 := bs[k-1], bs[k]
				pts = []Point{{a1.X + a1.W/2, a1.Y + a1.H/2}, {b1.X + b1.W/2, b1.Y + b1.H/2}}
			}
			a.Legs = append(a.Legs, pts)
		}
	}
}

func isAncestor(parent map[*Box]*Box, anc, b *Box) bool {
	for p := parent[b]; p != nil; p = parent[p] {
		if p == anc {
			return true
		}
	}
	return false
}

func uniqBoxes(bs []*Box) []*Box {
	seen := map[*Box]bool{}
	var out []*Box
	for _, b := range bs {
		if !seen[b] {
			seen[b] = true
			out = append(out, b)
		}
	}
	return out
}
