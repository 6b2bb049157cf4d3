package portset

import (
	"math/rand/v2"
	"testing"
)

func TestOperations(t *testing.T) {
	a := Of(80, 80).Union(Of(443, 443)).Union(Of(1024, 65535))
	if got := a.String(); got != "80, 443, 1024-65535" {
		t.Errorf("String = %q", got)
	}
	if got := Of(81, 100).Union(Of(80, 80)).Union(Of(101, 200)).String(); got != "80-200" {
		t.Errorf("adjacent ranges merge: %q", got)
	}
	if got := a.Intersect(Of(400, 2000)).String(); got != "443, 1024-2000" {
		t.Errorf("Intersect = %q", got)
	}
	if got := All().Subtract(Of(1024, 65535)).Subtract(Of(22, 22)).String(); got != "0-21, 23-1023" {
		t.Errorf("Subtract = %q", got)
	}
	if !a.ContainsSet(Of(2000, 3000)) || a.ContainsSet(Of(1000, 1100)) || !a.Contains(443) || a.Contains(444) {
		t.Error("Contains/ContainsSet wrong")
	}
	if (Set{}).String() != "none" || All().String() != "all" || !Of(5, 4).IsEmpty() {
		t.Error("empty and full sets")
	}
}

// TestAgainstBitmap checks the interval operations against a plain bitmap
// on random sets.
func TestAgainstBitmap(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	random := func() (Set, map[int]bool) {
		s, m := Set{}, map[int]bool{}
		for range rng.IntN(5) {
			lo := rng.IntN(200)
			hi := lo + rng.IntN(30)
			s = s.Union(Of(lo, hi))
			for p := lo; p <= hi; p++ {
				m[p] = true
			}
		}
		return s, m
	}
	for range 300 {
		a, am := random()
		b, bm := random()
		u, in, sub := a.Union(b), a.Intersect(b), a.Subtract(b)
		for p := 0; p < 260; p++ {
			if u.Contains(p) != (am[p] || bm[p]) || in.Contains(p) != (am[p] && bm[p]) || sub.Contains(p) != (am[p] && !bm[p]) {
				t.Fatalf("port %d: a=%v b=%v union=%v intersect=%v subtract=%v", p, a, b, u, in, sub)
			}
		}
	}
}
