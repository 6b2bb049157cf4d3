package plan

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/netwright/netwright/internal/awsfacts"
	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/diag"
	"github.com/netwright/netwright/internal/ipam"
)

// A VPC block is a /16 at most (VPC user guide, "VPC CIDR blocks"). When a
// VPC's subnets need more, the VPC gets secondary blocks: the /16s that
// follow its primary in the pool, or, when the spec gives network.cidr as
// a /16, the /16s beside it (then 100.64.0.0/10), each one AWS accepts
// beside the primary (awsfacts.SecondaryCIDRAllowed). Subnets are packed
// into the blocks, each subnet in one block and each tier in one block
// where that takes no more blocks than packing subnets one by one.

// blockItem is what is packed into a block: a whole tier (members its
// subnets) or one subnet.
type blockItem struct {
	bits    int
	members []int
	whole   bool // a whole tier, laid out inside its own aligned block
}

func (it blockItem) size() int { return ipam.Size(it.bits) }

// packBlocks assigns the subnets to blocks of blockBits: first fit,
// largest first, which for power-of-two sizes needs the fewest blocks.
func packBlocks(subnets []subnetPlan, reqs []ipam.Request, blockBits int) [][]blockItem {
	ffd := func(items []blockItem) [][]blockItem {
		slices.SortStableFunc(items, func(a, b blockItem) int { return cmp.Compare(a.bits, b.bits) })
		var bins [][]blockItem
		var used []int
		for _, it := range items {
			placed := false
			for i := range bins {
				if used[i]+it.size() <= ipam.Size(blockBits) {
					bins[i] = append(bins[i], it)
					used[i] += it.size()
					placed = true
					break
				}
			}
			if !placed {
				bins = append(bins, []blockItem{it})
				used = append(used, it.size())
			}
		}
		return bins
	}
	var keys []string
	members := map[string][]int{}
	for i := range subnets {
		k := subnetLabel(&subnets[i])
		if _, ok := members[k]; !ok {
			keys = append(keys, k)
		}
		members[k] = append(members[k], i)
	}
	var tiers, single []blockItem
	for _, k := range keys {
		var rs []ipam.Request
		for _, j := range members[k] {
			rs = append(rs, reqs[j])
			single = append(single, blockItem{bits: reqs[j].Bits, members: []int{j}})
		}
		if bits := ipam.SmallestParent(rs); bits >= blockBits {
			tiers = append(tiers, blockItem{bits: bits, members: members[k], whole: true})
			continue
		}
		for _, j := range members[k] {
			tiers = append(tiers, blockItem{bits: reqs[j].Bits, members: []int{j}})
		}
	}
	byTier, tight := ffd(tiers), ffd(single)
	if len(byTier) > len(tight) {
		return tight
	}
	return byTier
}

// allocateAcrossBlocks gives v the secondary blocks its subnets need
// beside its /16 primary and lays the subnets out in them. next returns
// the next candidate block; it reports false when there is none.
func (p *planner) allocateAcrossBlocks(v *vpcPlan, reqs []ipam.Request, next func() (netip.Prefix, bool)) ([]netip.Prefix, bool) {
	primary := v.vpc.CIDR
	bins := packBlocks(v.subnets, reqs, primary.Bits())
	if len(bins) > awsfacts.CIDRBlocksPerVPCMax {
		specs := ceilDiv(len(bins), awsfacts.CIDRBlocksPerVPCMax)
		p.errorAt(p.spec.At("services"), fmt.Sprintf("the %s VPC's subnets need %d IPv4 blocks of a /%d, past the %d a VPC may have", v.vpc.Name, len(bins), primary.Bits(), awsfacts.CIDRBlocksPerVPCMax),
			fmt.Sprintf("AWS raises \"IPv4 CIDR blocks per VPC\" to %d at most, and a block is a /16 at most. Split the application into at least %d specs, each with its own VPC, or lower max_replicas.", awsfacts.CIDRBlocksPerVPCMax, specs))
		p.suggest(diag.Suggestion{Kind: diag.SuggestCount, For: "specs to split the application into", Value: strconv.Itoa(specs)})
		return nil, false
	}
	blocks := []netip.Prefix{primary}
	for len(blocks) < len(bins) {
		c, ok := next()
		if !ok {
			p.errorAt(p.spec.At("network.cidr", "services"), fmt.Sprintf("no free block AWS accepts beside %s is left for the %s VPC's %d secondary blocks", primary, v.vpc.Name, len(bins)-1),
				"Give network.cidr as a /16 in a range with room beside it, or lower max_replicas.")
			return nil, false
		}
		blocks = append(blocks, c)
	}
	v.vpc.SecondaryCIDRs = blocks[1:]
	out := make([]netip.Prefix, len(reqs))
	for b, bin := range bins {
		itemReqs := make([]ipam.Request, len(bin))
		for i, it := range bin {
			itemReqs[i] = ipam.Request{Bits: it.bits, Key: subnetLabel(&v.subnets[it.members[0]])}
		}
		placed, err := ipam.Allocate(blocks[b], itemReqs)
		if err != nil {
			p.errorAt(p.spec.At("network.cidr", "services"), fmt.Sprintf("the subnets of %s do not fit in %s", v.vpc.Name, blocks[b]), err.Error())
			return nil, false
		}
		for i, it := range bin {
			if !it.whole {
				out[it.members[0]] = placed[i]
				continue
			}
			var rs []ipam.Request
			for _, j := range it.members {
				rs = append(rs, reqs[j])
			}
			inner, err := ipam.Allocate(placed[i], rs)
			if err != nil {
				p.errorAt(p.spec.At("network.cidr", "services"), fmt.Sprintf("the subnets of %s do not fit in %s", v.vpc.Name, placed[i]), err.Error())
				return nil, false
			}
			for n, j := range it.members {
				out[j] = inner[n]
			}
		}
	}
	p.note("cidr", "%s's subnets need more addresses than one /%d, the largest VPC block, holds: besides %s it has the secondary blocks %s. Each subnet lies in one block, tiers are kept whole where they fit, and every route table has a local route for each block.",
		v.vpc.Name, primary.Bits(), primary, prefixList(v.vpc.SecondaryCIDRs))
	return out, true
}

// blocksBeside returns a source of secondary blocks for primary: the
// blocks of its size after it, then before it, in its private range (or
// the /8 around it), then those of 100.64.0.0/10, skipping what is taken
// and what AWS refuses beside primary.
func blocksBeside(primary netip.Prefix, taken *[]netip.Prefix) func() (netip.Prefix, bool) {
	bits := primary.Bits()
	around, _ := primary.Addr().Prefix(8)
	for _, r := range []string{"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"} {
		if pr := netip.MustParsePrefix(r); ipam.Within(primary, pr) {
			around = pr
		}
	}
	var cands []netip.Prefix
	n := 0 // blocks of primary's size in around
	if bits >= around.Bits() {
		n = 1 << (bits - around.Bits())
	}
	self := 0
	for i := range n {
		if c, _ := ipam.Nth(around, bits, i); c == primary {
			self = i
		}
	}
	for i := self + 1; i < n; i++ {
		c, _ := ipam.Nth(around, bits, i)
		cands = append(cands, c)
	}
	for i := self - 1; i >= 0; i-- {
		c, _ := ipam.Nth(around, bits, i)
		cands = append(cands, c)
	}
	shared := awsfacts.SharedAddressSpace()
	if around != shared {
		for i := range 1 << (bits - shared.Bits()) {
			c, _ := ipam.Nth(shared, bits, i)
			cands = append(cands, c)
		}
	}
	i := 0
	return func() (netip.Prefix, bool) {
		for ; i < len(cands); i++ {
			c := cands[i]
			if awsfacts.SecondaryCIDRAllowed(primary, c) && !slices.ContainsFunc(*taken, c.Overlaps) {
				*taken = append(*taken, c)
				i++
				return c, true
			}
		}
		return netip.Prefix{}, false
	}
}

// vpcBlocks returns the VPC's blocks merged where they are siblings, as
// routes and rules that name the whole VPC name them.
func vpcBlocks(v *design.VPC) []netip.Prefix { return aggregate(v.Blocks()) }

// localRoutes returns the route AWS adds to every route table of the VPC
// for each of its blocks.
func localRoutes(v *design.VPC) []design.Route {
	var rs []design.Route
	for _, b := range v.Blocks() {
		rs = append(rs, design.Route{Destination: b, TargetKind: design.TargetLocal})
	}
	return rs
}

func prefixList(ps []netip.Prefix) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	return strings.Join(s, ", ")
}
