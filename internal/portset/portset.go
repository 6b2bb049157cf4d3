// Package portset is sets of ports kept as sorted, disjoint intervals, so
// "every port a rule set admits" is a few ranges, never 65,536 booleans.
package portset

import (
	"fmt"
	"strings"
)

// Range is the ports Lo through Hi, inclusive.
type Range struct{ Lo, Hi int }

// Set is a set of ports: sorted, disjoint, non-adjacent ranges. The zero
// Set is empty. Sets are values; operations return new sets.
type Set struct{ r []Range }

// Of returns the set of ports lo through hi (empty when lo > hi).
func Of(lo, hi int) Set {
	if lo > hi {
		return Set{}
	}
	return Set{[]Range{{lo, hi}}}
}

// All is every port, 0 through 65535.
func All() Set { return Of(0, 65535) }

// IsEmpty reports whether the set holds no port.
func (s Set) IsEmpty() bool { return len(s.r) == 0 }

// Ranges returns the set's intervals in order.
func (s Set) Ranges() []Range { return append([]Range(nil), s.r...) }

// Contains reports whether port is in the set.
func (s Set) Contains(port int) bool {
	for _, r := range s.r {
		if port >= r.Lo && port <= r.Hi {
			return true
		}
	}
	return false
}

// ContainsSet reports whether every port of t is in s.
func (s Set) ContainsSet(t Set) bool { return t.Subtract(s).IsEmpty() }

// Union returns the ports in either set.
func (s Set) Union(t Set) Set {
	all := append(append([]Range(nil), s.r...), t.r...)
	// Insertion sort by Lo: sets are short.
	for i := 1; i < len(all); i++ {
		for j := i; j > 0 && all[j].Lo < all[j-1].Lo; j-- {
			all[j], all[j-1] = all[j-1], all[j]
		}
	}
	var out []Range
	for _, r := range all {
		if n := len(out); n > 0 && r.Lo <= out[n-1].Hi+1 {
			out[n-1].Hi = max(out[n-1].Hi, r.Hi)
			continue
		}
		out = append(out, r)
	}
	return Set{out}
}

// Intersect returns the ports in both sets.
func (s Set) Intersect(t Set) Set {
	var out []Range
	i, j := 0, 0
	for i < len(s.r) && j < len(t.r) {
		lo, hi := max(s.r[i].Lo, t.r[j].Lo), min(s.r[i].Hi, t.r[j].Hi)
		if lo <= hi {
			out = append(out, Range{lo, hi})
		}
		if s.r[i].Hi < t.r[j].Hi {
			i++
		} else {
			j++
		}
	}
	return Set{out}
}

// Subtract returns the ports in s but not in t.
func (s Set) Subtract(t Set) Set {
	var out []Range
	for _, r := range s.r {
		cur := []Range{r}
		for _, x := range t.r {
			var next []Range
			for _, c := range cur {
				if x.Hi < c.Lo || x.Lo > c.Hi {
					next = append(next, c)
					continue
				}
				if x.Lo > c.Lo {
					next = append(next, Range{c.Lo, x.Lo - 1})
				}
				if x.Hi < c.Hi {
					next = append(next, Range{x.Hi + 1, c.Hi})
				}
			}
			cur = next
		}
		out = append(out, cur...)
	}
	return Set{out}
}

// String writes "80, 443, 1024-65535", "all" or "none".
func (s Set) String() string {
	switch {
	case s.IsEmpty():
		return "none"
	case len(s.r) == 1 && s.r[0] == Range{0, 65535}:
		return "all"
	}
	parts := make([]string, len(s.r))
	for i, r := range s.r {
		if r.Lo == r.Hi {
			parts[i] = fmt.Sprint(r.Lo)
		} else {
			parts[i] = fmt.Sprintf("%d-%d", r.Lo, r.Hi)
		}
	}
	return strings.Join(parts, ", ")
}
