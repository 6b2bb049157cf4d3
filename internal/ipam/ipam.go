// Package ipam allocates IPv4 CIDR blocks: the smallest prefix that holds a
// number of addresses, and non-overlapping, aligned child blocks packed into
// a parent. It knows nothing of AWS beyond what callers pass in.
package ipam

import (
	"cmp"
	"errors"
	"fmt"
	"math/bits"
	"net/netip"
	"slices"
)

// PrefixFor returns the longest IPv4 prefix length (the smallest block) that
// holds at least n addresses: PrefixFor(16) is 28, PrefixFor(17) is 27.
func PrefixFor(n int) int {
	if n <= 1 {
		return 32
	}
	return 32 - bits.Len(uint(n-1))
}

// Size returns the number of addresses in an IPv4 prefix of the given
// length.
func Size(prefixLen int) int { return 1 << (32 - prefixLen) }

// Request is one block to allocate.
type Request struct {
	// Bits is the prefix length wanted, such as 24.
	Bits int
	// Key identifies the request in the result; Allocate keeps it opaque.
	Key string
}

// ErrNoSpace is returned, wrapped, when the requests do not fit.
var ErrNoSpace = errors.New("not enough address space")

// Allocate packs the requests into parent without overlap, each block
// aligned to its own size. It places the largest blocks first (ties in
// request order), which packs power-of-two blocks with no gaps, so the
// requests fit exactly when their sizes add up to no more than the parent.
// The result is in request order and is the same on every run.
func Allocate(parent netip.Prefix, reqs []Request) ([]netip.Prefix, error) {
	if !parent.Addr().Is4() || parent.Masked() != parent {
		return nil, fmt.Errorf("allocate in %s: parent must be a masked IPv4 prefix", parent)
	}
	order := make([]int, len(reqs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(reqs[a].Bits, reqs[b].Bits) })

	out := make([]netip.Prefix, len(reqs))
	next := uint64(addrToUint(parent.Addr()))
	end := next + uint64(Size(parent.Bits()))
	for _, i := range order {
		r := reqs[i]
		if r.Bits < parent.Bits() || r.Bits > 32 {
			return nil, fmt.Errorf("allocate /%d for %s in %s: %w", r.Bits, r.Key, parent, ErrNoSpace)
		}
		size := uint64(Size(r.Bits))
		start := (next + size - 1) / size * size // align up
		if start+size > end {
			return nil, fmt.Errorf("allocate /%d for %s in %s: %w", r.Bits, r.Key, parent, ErrNoSpace)
		}
		out[i] = netip.PrefixFrom(uintToAddr(uint32(start)), r.Bits)
		next = start + size
	}
	return out, nil
}

// SmallestParent returns the longest prefix length whose block holds all
// the requested blocks, or 0 when even a /0 cannot.
func SmallestParent(reqs []Request) int {
	total := 0
	for _, r := range reqs {
		total += Size(r.Bits)
	}
	if total == 0 {
		return 32
	}
	return PrefixFor(total)
}

// Overlaps reports whether any two prefixes overlap, and which.
func Overlaps(ps []netip.Prefix) (a, b netip.Prefix, ok bool) {
	sorted := slices.Clone(ps)
	slices.SortFunc(sorted, func(x, y netip.Prefix) int {
		return cmp.Or(x.Addr().Compare(y.Addr()), cmp.Compare(x.Bits(), y.Bits()))
	})
	for i := 1; i < len(sorted); i++ {
		if sorted[i-1].Overlaps(sorted[i]) {
			return sorted[i-1], sorted[i], true
		}
	}
	return netip.Prefix{}, netip.Prefix{}, false
}

// Within reports whether child lies wholly inside parent.
func Within(child, parent netip.Prefix) bool {
	return parent.Bits() <= child.Bits() && parent.Contains(child.Addr())
}

func addrToUint(a netip.Addr) uint32 {
	b := a.As4()
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

func uintToAddr(u uint32) netip.Addr {
	return netip.AddrFrom4([4]byte{byte(u >> 24), byte(u >> 16), byte(u >> 8), byte(u)})
}

// Nth returns the n-th block of the given length after base's start, for
// laying out /16s across 10.0.0.0/8. ok is false past the end of base.
func Nth(base netip.Prefix, bitsLen, n int) (netip.Prefix, bool) {
	if bitsLen < base.Bits() || n < 0 || n >= 1<<(bitsLen-base.Bits()) {
		return netip.Prefix{}, false
	}
	start := addrToUint(base.Addr()) + uint32(n)*uint32(Size(bitsLen))
	return netip.PrefixFrom(uintToAddr(start), bitsLen), true
}

// privateRanges are RFC 1918 space and the RFC 6598 shared range AWS
// allows for VPCs.
var privateRanges = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"),
	netip.MustParsePrefix("100.64.0.0/10"),
}

// IsPrivate reports whether p lies wholly in private address space (RFC
// 1918 or the RFC 6598 shared range).
func IsPrivate(p netip.Prefix) bool {
	for _, r := range privateRanges {
		if Within(p, r) {
			return true
		}
	}
	return false
}
