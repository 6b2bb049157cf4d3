package awsfacts

import "net/netip"

// Hard limits: the most a quota can be raised to, and the ranges AWS
// accepts at all. A design past one of these cannot deploy, whatever is
// requested (VPC user guide, "Amazon VPC quotas" and "VPC CIDR blocks").
const (
	// NACLRulesPerDirection (the default quota) and NACLRulesPerDirectionMax
	// count the entries of one direction of a network ACL, IPv4 and IPv6
	// apart, the default deny rule (the "*", rule 32767) among them: a NACL
	// holds NACLRulesPerDirection-1 rules of its own by default and
	// NACLRulesPerDirectionMax-1 at most.
	NACLRulesPerDirectionMax = 40
	// NACLDefaultRules is the rule AWS adds to each direction and that
	// cannot be removed: the final deny.
	NACLDefaultRules = 1
	// NACLRuleNumberMin and NACLRuleNumberMax bound the rule numbers a
	// NACL entry may have; 32767 is the default deny's.
	NACLRuleNumberMin = 1
	NACLRuleNumberMax = 32766

	// CIDRBlocksPerVPC is the default quota of IPv4 CIDR blocks per VPC,
	// the primary block among them; CIDRBlocksPerVPCMax is the most AWS
	// raises it to.
	CIDRBlocksPerVPC    = 5
	CIDRBlocksPerVPCMax = 50

	// RoutesPerRouteTableMax is the most "Routes per route table" is raised
	// to; SecurityGroupsPerENIMax the most "Security groups per network
	// interface" is.
	RoutesPerRouteTableMax  = 1000
	SecurityGroupsPerENIMax = 16
)

// QuotaMax returns the most AWS raises the named quota to (Service Quotas
// names), or 0 when AWS documents no such maximum.
func QuotaMax(name string) int {
	switch name {
	case "Rules per network ACL":
		return NACLRulesPerDirectionMax
	case "IPv4 CIDR blocks per VPC":
		return CIDRBlocksPerVPCMax
	case "Routes per route table":
		return RoutesPerRouteTableMax
	case "Security groups per network interface":
		return SecurityGroupsPerENIMax
	}
	return 0
}

var (
	rfc1918 = []netip.Prefix{
		netip.MustParsePrefix("10.0.0.0/8"),
		netip.MustParsePrefix("172.16.0.0/12"),
		netip.MustParsePrefix("192.168.0.0/16"),
	}
	sharedRange     = netip.MustParsePrefix("100.64.0.0/10") // RFC 6598
	benchmarkRange  = netip.MustParsePrefix("198.19.0.0/16")
	firstTen15      = netip.MustParsePrefix("10.0.0.0/15")
	firstTen16      = netip.MustParsePrefix("10.0.0.0/16")
	defaultVPCRange = netip.MustParsePrefix("172.31.0.0/16")
)

func within(child, parent netip.Prefix) bool {
	return parent.Bits() <= child.Bits() && parent.Contains(child.Addr())
}

// ValidVPCBlock reports whether p can be a VPC's IPv4 CIDR block, primary
// or secondary: a canonical IPv4 prefix from /16 to /28.
func ValidVPCBlock(p netip.Prefix) bool {
	return p.IsValid() && p.Addr().Is4() && p.Masked() == p && p.Bits() >= MinSubnetPrefix && p.Bits() <= MaxSubnetPrefix
}

// rfc1918Range returns the RFC 1918 range p lies in, or false.
func rfc1918Range(p netip.Prefix) (netip.Prefix, bool) {
	for _, r := range rfc1918 {
		if within(p, r) {
			return r, true
		}
	}
	return netip.Prefix{}, false
}

// SecondaryCIDRAllowed reports whether AWS lets a VPC whose primary block
// is primary associate cand as another IPv4 block. It follows the VPC user
// guide's "IPv4 CIDR block association restrictions": a VPC whose primary
// block is in one RFC 1918 range takes further blocks from that range (not
// 10.0.0.0/16 when the primary is in 10.0.0.0/15, not 172.31.0.0/16), from
// 100.64.0.0/10 or publicly routable space, never from another RFC 1918
// range nor 198.19.0.0/16; a primary in 198.19.0.0/16, 100.64.0.0/10 or
// public space takes no RFC 1918 block. cand must be a valid VPC block and
// must not overlap the primary; overlaps with other secondary blocks are
// the caller's to check.
func SecondaryCIDRAllowed(primary, cand netip.Prefix) bool {
	if !ValidVPCBlock(primary) || !ValidVPCBlock(cand) || primary.Overlaps(cand) {
		return false
	}
	candRange, candPrivate := rfc1918Range(cand)
	primRange, primPrivate := rfc1918Range(primary)
	switch {
	case primPrivate:
		if candPrivate && candRange != primRange {
			return false
		}
		if cand.Overlaps(benchmarkRange) {
			return false
		}
		if primRange == rfc1918[0] && within(primary, firstTen15) && cand.Overlaps(firstTen16) {
			return false
		}
		if primRange == rfc1918[1] && cand.Overlaps(defaultVPCRange) {
			return false
		}
		return true
	case within(primary, benchmarkRange):
		return !candPrivate
	default: // 100.64.0.0/10 or publicly routable
		return !candPrivate && !cand.Overlaps(benchmarkRange)
	}
}

// SharedAddressSpace is 100.64.0.0/10 (RFC 6598), which AWS accepts as a
// secondary block beside any primary.
func SharedAddressSpace() netip.Prefix { return sharedRange }
