package analysis

import (
	"net/netip"

	"github.com/netwright/netwright/internal/design"
)

// netipFor returns an address for an egress destination
// (design.EgressAddr, which the local runtime's internet answers on).
func netipFor(dest string) netip.Addr { return design.EgressAddr(dest) }
