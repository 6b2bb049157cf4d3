package analysis

import "net/netip"

// netipFor returns an address for an egress destination: the CIDR's first
// address, or for a host name a documentation address standing for it
// (names are not resolved: the design must not depend on DNS answers).
func netipFor(dest string) netip.Addr {
	if p, err := netip.ParsePrefix(dest); err == nil {
		return p.Addr()
	}
	if a, err := netip.ParseAddr(dest); err == nil {
		return a
	}
	return netip.MustParseAddr("203.0.113.10")
}
