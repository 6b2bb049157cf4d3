//go:build linux

package netns

import (
	"testing"

	"github.com/netwright/netwright/internal/design"
)

// TestLatticePrefixList: a group rule naming VPC Lattice's IPv4 managed
// prefix list, in any Region, matches Lattice's block; its IPv6 list and
// other AWS lists do not.
func TestLatticePrefixList(t *testing.T) {
	for _, c := range []struct {
		name string
		want bool
	}{
		{design.LatticePrefixList("us-east-1"), true},
		{design.LatticePrefixList("eu-west-3"), true},
		{"com.amazonaws.us-east-1.ipv6.vpc-lattice", false},
		{"com.amazonaws.us-east-1.s3", false},
		{design.CloudFrontPrefixList, false},
		{"com.amazonaws..vpc-lattice", false},
		{"", false},
	} {
		if got := isLatticePrefixList(c.name); got != c.want {
			t.Errorf("isLatticePrefixList(%q) = %v; want %v", c.name, got, c.want)
		}
	}
}

// TestLatticeAddrs: the services' addresses are in Lattice's block,
// distinct, and never its source's.
func TestLatticeAddrs(t *testing.T) {
	seen := map[string]bool{}
	for i := range LatticeServices {
		a := LatticeAddr(i)
		if !design.LatticeCIDR.Contains(a) || a == LatticeSource || seen[a.String()] || a == design.LatticeCIDR.Addr() {
			t.Fatalf("LatticeAddr(%d) = %v: want a distinct address of %s other than %v and the block's own", i, a, design.LatticeCIDR, LatticeSource)
		}
		seen[a.String()] = true
	}
}
