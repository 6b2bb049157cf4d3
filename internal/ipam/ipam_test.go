package ipam

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"testing"
)

func TestPrefixFor(t *testing.T) {
	tests := []struct{ n, want int }{
		{0, 32}, {1, 32}, {2, 31}, {16, 28}, {17, 27}, {256, 24}, {257, 23}, {65536, 16}, {65537, 15},
	}
	for _, tt := range tests {
		if got := PrefixFor(tt.n); got != tt.want {
			t.Errorf("PrefixFor(%d) = %d; want %d", tt.n, got, tt.want)
		}
	}
}

func TestAllocatePacksLargestFirstAligned(t *testing.T) {
	parent := netip.MustParsePrefix("10.0.0.0/22")
	reqs := []Request{{28, "a"}, {24, "b"}, {26, "c"}, {24, "d"}, {28, "e"}}
	got, err := Allocate(parent, reqs)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"10.0.2.64/28", "10.0.0.0/24", "10.0.2.0/26", "10.0.1.0/24", "10.0.2.80/28"}
	for i, p := range got {
		if p.String() != want[i] {
			t.Errorf("Allocate(...)[%d] (%s) = %s; want %s", i, reqs[i].Key, p, want[i])
		}
	}
}

func TestAllocateNoSpace(t *testing.T) {
	_, err := Allocate(netip.MustParsePrefix("10.0.0.0/24"), []Request{{25, "a"}, {25, "b"}, {28, "c"}})
	if !errors.Is(err, ErrNoSpace) {
		t.Fatalf("Allocate over capacity: err = %v; want ErrNoSpace", err)
	}
	if got := SmallestParent([]Request{{25, "a"}, {25, "b"}, {28, "c"}}); got != 23 {
		t.Errorf("SmallestParent = /%d; want /23", got)
	}
}

// TestAllocateProperties checks on random requests that blocks never
// overlap, stay inside the parent, are aligned, and that everything fits
// whenever the sizes add up.
func TestAllocateProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	parent := netip.MustParsePrefix("10.0.0.0/16")
	for round := range 500 {
		var reqs []Request
		total := 0
		for i := range 1 + rng.IntN(40) {
			b := 18 + rng.IntN(11)
			reqs = append(reqs, Request{b, fmt.Sprint(i)})
			total += Size(b)
		}
		got, err := Allocate(parent, reqs)
		if total > Size(16) {
			if err == nil {
				t.Fatalf("round %d: %d addresses fit in a /16", round, total)
			}
			continue
		}
		if err != nil {
			t.Fatalf("round %d: %d addresses did not fit in a /16: %v", round, total, err)
		}
		if a, b, ok := Overlaps(got); ok {
			t.Fatalf("round %d: %s overlaps %s", round, a, b)
		}
		for i, p := range got {
			if !Within(p, parent) || p.Masked() != p || p.Bits() != reqs[i].Bits {
				t.Fatalf("round %d: block %s for /%d is misplaced", round, p, reqs[i].Bits)
			}
		}
	}
}

func TestNth(t *testing.T) {
	base := netip.MustParsePrefix("10.0.0.0/8")
	if p, ok := Nth(base, 16, 3); !ok || p.String() != "10.3.0.0/16" {
		t.Errorf("Nth(10/8, 16, 3) = %s, %v; want 10.3.0.0/16", p, ok)
	}
	if _, ok := Nth(base, 16, 256); ok {
		t.Error("Nth(10/8, 16, 256) should be past the end")
	}
}
