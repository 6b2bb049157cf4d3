package awsfacts

import (
	"net/netip"
	"testing"
)

// TestSecondaryCIDRAllowed follows the table "IPv4 CIDR block association
// restrictions" of the VPC user guide
// (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html#add-cidr-block-restrictions).
func TestSecondaryCIDRAllowed(t *testing.T) {
	tests := []struct {
		primary, cand string
		want          bool
	}{
		{"10.0.0.0/16", "10.1.0.0/16", true},
		{"10.20.0.0/16", "10.21.0.0/16", true},
		{"10.0.0.0/16", "172.16.0.0/16", false},   // another RFC 1918 range
		{"10.0.0.0/16", "192.168.0.0/16", false},  // another RFC 1918 range
		{"10.1.0.0/16", "10.0.0.0/16", false},     // primary in 10.0.0.0/15
		{"10.1.0.0/16", "10.0.128.0/17", false},   // inside 10.0.0.0/16
		{"10.2.0.0/16", "10.0.0.0/16", true},      // primary outside 10.0.0.0/15
		{"10.0.0.0/16", "198.19.0.0/16", false},   // benchmarking range
		{"10.0.0.0/16", "100.64.0.0/16", true},    // shared address space
		{"10.0.0.0/16", "203.0.113.0/24", true},   // publicly routable
		{"172.16.0.0/16", "172.17.0.0/16", true},  // same RFC 1918 range
		{"172.16.0.0/16", "172.31.0.0/16", false}, // the default VPC's range
		{"172.16.0.0/16", "10.0.0.0/16", false},
		{"192.168.0.0/16", "100.64.0.0/16", true},
		{"192.168.0.0/16", "172.16.0.0/16", false},
		{"192.168.0.0/20", "192.168.16.0/20", true},
		{"198.19.0.0/16", "10.0.0.0/16", false},
		{"198.19.0.0/16", "100.64.0.0/16", true},
		{"100.64.0.0/16", "10.0.0.0/16", false},
		{"100.64.0.0/16", "100.65.0.0/16", true},
		{"100.64.0.0/16", "198.19.0.0/16", false},
		{"10.0.0.0/16", "10.0.0.0/16", false},  // overlaps the primary
		{"10.0.0.0/16", "10.4.0.0/14", false},  // larger than a /16
		{"10.0.0.0/16", "10.4.0.0/29", false},  // smaller than a /28
		{"10.0.0.0/16", "10.4.0.1/24", false},  // not canonical
		{"10.0.0.0/15", "10.4.0.0/16", false},  // the primary is not a VPC block
		{"10.0.0.0/24", "10.0.1.0/24", false},  // primary in 10.0.0.0/15, candidate in 10.0.0.0/16
		{"10.0.0.0/24", "10.2.0.0/24", true},   // ... and outside it
		{"10.9.0.0/24", "10.9.1.0/24", true},   // primary outside 10.0.0.0/15
		{"10.9.0.0/24", "10.0.1.0/24", true},   // primary outside 10.0.0.0/15
		{"10.0.128.0/17", "10.1.0.0/16", true}, // primary in 10.0.0.0/15, candidate in 10.1.0.0/16
	}
	for _, tt := range tests {
		got := SecondaryCIDRAllowed(netip.MustParsePrefix(tt.primary), netip.MustParsePrefix(tt.cand))
		if got != tt.want {
			t.Errorf("SecondaryCIDRAllowed(%s, %s) = %v; want %v", tt.primary, tt.cand, got, tt.want)
		}
	}
}

func TestQuotaMax(t *testing.T) {
	for name, want := range map[string]int{
		"Rules per network ACL":    40,
		"IPv4 CIDR blocks per VPC": 50,
		"Routes per route table":   1000,
		"VPCs per Region":          0,
	} {
		if got := QuotaMax(name); got != want {
			t.Errorf("QuotaMax(%q) = %d; want %d", name, got, want)
		}
	}
}
