package design

import "net/netip"

// EgressAddr is the address an egress destination stands for: a block's
// first address, an address itself, or for a host name a documentation
// address (203.0.113.10) standing for any such host: names are not
// resolved, so a design does not depend on DNS answers. The verifier
// asks about that address; the local runtime's internet answers on it.
func EgressAddr(dest string) netip.Addr {
	if p, err := netip.ParsePrefix(dest); err == nil {
		return p.Addr()
	}
	if a, err := netip.ParseAddr(dest); err == nil {
		return a
	}
	return netip.MustParseAddr("203.0.113.10")
}
