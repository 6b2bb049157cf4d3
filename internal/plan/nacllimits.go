package plan

import (
	"cmp"
	"fmt"
	"math/bits"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/netwright/netwright/internal/awsfacts"
	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/diag"
	"github.com/netwright/netwright/internal/ipam"
	"github.com/netwright/netwright/internal/spec"
)

// A direction of a NACL holds awsfacts.NACLRulesPerDirection entries by
// default and awsfacts.NACLRulesPerDirectionMax at most, AWS's default
// deny among them. fitNACL keeps a direction within them:
//
//  1. Up to the default quota, the rules stay as compactNACL made them:
//     exact, naming only the blocks declared flows cross.
//  2. Past it, blocks are summarised where that adds only addresses no
//     subnet holds, and port ranges that touch are joined: no other
//     subnet or port is admitted. What still does not fit the default quota needs
//     "Rules per network ACL" raised, which the warning says to the value.
//  3. Past the maximum, no quota helps: rules are widened, fewest first,
//     in three steps, port ranges to one block, then blocks to the tier's,
//     then to the VPC's. The security groups still admit only the declared
//     flows; each widened rule and a note say what was widened.
//  4. What still does not fit is an error.
const naclDefaultDeny = awsfacts.NACLDefaultRules

// fitNACL returns one direction's compacted rules fitted to AWS's limits,
// with the diagnostics and notes that say how.
func (p *planner) fitNACL(acl design.NetworkACL, rules []design.NACLRule, dir string) []design.NACLRule {
	entries := func() int { return len(rules) + naclDefaultDeny }
	if entries() <= awsfacts.NACLRulesPerDirection {
		return rules
	}
	ix := p.addressIndex()
	before := len(rules)
	rules = compactNACL(joinTouchingPorts(summariseSafely(rules, ix)))
	if len(rules) < before {
		p.note("nacl", "%s's %d %s rules were more than the %d entries a NACL direction holds by default (the default deny among them); summarising blocks over addresses no subnet holds and joining touching port ranges leaves %d, admitting no other subnet.",
			acl.ID, before, dir, awsfacts.NACLRulesPerDirection, len(rules))
	}
	if entries() > awsfacts.NACLRulesPerDirectionMax {
		var widened []string
		rules, widened = widenNACL(rules, ix, awsfacts.NACLRulesPerDirectionMax-naclDefaultDeny)
		if len(widened) > 0 {
			p.note("nacl", "%s needed more %s rules than the %d entries AWS allows a NACL direction at most (the default deny among them), so netwright widened %s. The security groups still admit only the declared flows.",
				acl.ID, dir, awsfacts.NACLRulesPerDirectionMax, strings.Join(widened, "; "))
		}
	}
	if entries() > awsfacts.NACLRulesPerDirectionMax {
		p.naclPastMaximum(acl, rules, dir, ix)
		return rules
	}
	if entries() > awsfacts.NACLRulesPerDirection {
		need := entries()
		alt := ""
		if p.spec.Network.Pattern == spec.PatternMicroservices {
			alt = ", or use network.pattern three_tier, whose tiers share fewer blocks"
		}
		p.warnAt(nil, fmt.Sprintf("network ACL %s has %d %s rules and the default deny, past the default quota of %d entries", acl.ID, len(rules), dir, awsfacts.NACLRulesPerDirection),
			fmt.Sprintf("Request an increase of \"Rules per network ACL\" to at least %d in Service Quotas before deploying (AWS raises it to %d at most, for every NACL in the Region)%s.", need, awsfacts.NACLRulesPerDirectionMax, alt))
		p.suggest(diag.Suggestion{Kind: diag.SuggestQuota, For: "Rules per network ACL", Value: strconv.Itoa(need)})
	}
	return rules
}

// naclPastMaximum reports a direction past AWS's maximum even after
// widening: what is left names blocks outside the design's VPCs, which
// only the spec can change.
func (p *planner) naclPastMaximum(acl design.NetworkACL, rules []design.NACLRule, dir string, ix *addressIndex) {
	limit := awsfacts.NACLRulesPerDirectionMax - naclDefaultDeny
	outside := map[netip.Prefix]int{}
	inside := 0
	for _, r := range rules {
		if _, ok := ix.vpcBlockHolding(r.CIDR); ok || r.CIDR.Bits() == 0 {
			inside++
			continue
		}
		outside[r.CIDR]++
	}
	// The service whose CIDR egress names most of those blocks is where
	// the spec must change.
	var at *diag.Range
	most := 0
	for _, svc := range p.spec.Services {
		n := 0
		for _, e := range svc.Egress {
			for c := range outside {
				if e.Prefix.IsValid() && e.Prefix.Overlaps(c) {
					n++
					break
				}
			}
		}
		if n > most {
			most, at = n, p.spec.At("services."+svc.Name+".egress", "services."+svc.Name)
		}
	}
	summary := fmt.Sprintf("network ACL %s needs %d %s rules and the default deny, past the %d entries AWS allows a direction at most", acl.ID, len(rules), dir, awsfacts.NACLRulesPerDirectionMax)
	perBlock := 1
	for _, n := range outside {
		perBlock = max(perBlock, n)
	}
	fits := (limit - inside) / perBlock
	if len(outside) == 0 || fits < 1 {
		p.errorAt(at, summary, "Even with port ranges merged and blocks widened to the VPC it holds too many rules; split the services in its subnets over more specs, or declare fewer flows that cross it.")
		return
	}
	p.errorAt(at, summary, fmt.Sprintf("Even with port ranges merged and blocks widened to the VPC, %d of its rules name blocks outside the design's VPCs, one rule each: the egress destinations written as CIDRs. Declare at most %d distinct CIDR egress destinations through these subnets, summarising neighbouring ones into larger blocks.", len(rules)-inside, fits))
	p.suggest(diag.Suggestion{Kind: diag.SuggestCount, For: "CIDR egress destinations through " + acl.ID, Value: strconv.Itoa(fits)})
}

// addressIndex knows which subnet, tier and VPC block each address of the
// design belongs to.
type addressIndex struct {
	subnets []indexedSubnet
	blocks  []netip.Prefix // every VPC's blocks
}

type indexedSubnet struct {
	cidr      netip.Prefix
	tier, vpc string
	block     netip.Prefix // the VPC block holding it
}

func (p *planner) addressIndex() *addressIndex {
	ix := &addressIndex{}
	for _, v := range p.d.VPCs {
		blocks := v.Blocks()
		ix.blocks = append(ix.blocks, blocks...)
		for _, s := range v.Subnets {
			is := indexedSubnet{cidr: s.CIDR, tier: s.Tier, vpc: v.ID}
			for _, b := range blocks {
				if ipam.Within(s.CIDR, b) {
					is.block = b
				}
			}
			ix.subnets = append(ix.subnets, is)
		}
	}
	return ix
}

// vpcBlockHolding returns the VPC block c lies in.
func (ix *addressIndex) vpcBlockHolding(c netip.Prefix) (netip.Prefix, bool) {
	for _, b := range ix.blocks {
		if ipam.Within(c, b) {
			return b, true
		}
	}
	return netip.Prefix{}, false
}

// safe reports whether widening to s adds only addresses no subnet holds:
// s lies in one VPC block and every subnet it touches lies in one of have.
func (ix *addressIndex) safe(s netip.Prefix, have []netip.Prefix) bool {
	if _, ok := ix.vpcBlockHolding(s); !ok {
		return false
	}
	for _, sub := range ix.subnets {
		if sub.cidr.Overlaps(s) && !slices.ContainsFunc(have, func(h netip.Prefix) bool { return ipam.Within(sub.cidr, h) }) {
			return false
		}
	}
	return true
}

// tierBlock returns the smallest block holding every subnet of the one
// tier c's subnets belong to, within c's VPC block, and the tier.
func (ix *addressIndex) tierBlock(c netip.Prefix) (netip.Prefix, string, bool) {
	block, ok := ix.vpcBlockHolding(c)
	if !ok {
		return netip.Prefix{}, "", false
	}
	tier := ""
	for _, s := range ix.subnets {
		if s.cidr.Overlaps(c) {
			if tier != "" && s.tier != tier {
				return netip.Prefix{}, "", false
			}
			tier = s.tier
		}
	}
	if tier == "" {
		return netip.Prefix{}, "", false
	}
	out := netip.Prefix{}
	for _, s := range ix.subnets {
		if s.tier == tier && s.block == block {
			if !out.IsValid() {
				out = s.cidr
			} else {
				out = supernet(out, s.cidr)
			}
		}
	}
	return supernet(out, c), tier, true
}

// supernet returns the smallest prefix holding both a and b.
func supernet(a, b netip.Prefix) netip.Prefix {
	x, y := a.Addr().As4(), b.Addr().As4()
	ux := uint32(x[0])<<24 | uint32(x[1])<<16 | uint32(x[2])<<8 | uint32(x[3])
	uy := uint32(y[0])<<24 | uint32(y[1])<<16 | uint32(y[2])<<8 | uint32(y[3])
	n := min(a.Bits(), b.Bits(), bits.LeadingZeros32(ux^uy))
	out, _ := a.Addr().Prefix(n)
	return out
}

// ruleKey is what rules must share to merge their blocks.
type ruleKey struct {
	proto    string
	from, to int
}

// summariseSafely merges, for each protocol and port range, blocks into
// the smallest block holding them where that adds only addresses no
// subnet holds (the last /28 of a tier's /26 that three AZs leave empty,
// say). Blocks outside the design's VPCs are left alone.
func summariseSafely(rules []design.NACLRule, ix *addressIndex) []design.NACLRule {
	var order []ruleKey
	groups := map[ruleKey][]netip.Prefix{}
	for _, r := range rules {
		k := ruleKey{r.Protocol, r.FromPort, r.ToPort}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], r.CIDR)
	}
	replaced := map[ruleKey]map[netip.Prefix]netip.Prefix{} // old block -> summary
	for _, k := range order {
		blocks := aggregate(groups[k])
		for changed := true; changed; {
			changed = false
			for i := 0; i+1 < len(blocks); i++ {
				s := supernet(blocks[i], blocks[i+1])
				if !ix.safe(s, blocks) {
					continue
				}
				blocks = slices.DeleteFunc(blocks, func(b netip.Prefix) bool { return ipam.Within(b, s) })
				blocks = aggregate(append(blocks, s))
				changed = true
				break
			}
		}
		for _, old := range groups[k] {
			for _, b := range blocks {
				if ipam.Within(old, b) && b != old {
					if replaced[k] == nil {
						replaced[k] = map[netip.Prefix]netip.Prefix{}
					}
					replaced[k][old] = b
				}
			}
		}
	}
	if len(replaced) == 0 {
		return rules
	}
	var out []design.NACLRule
	done := map[ruleKey]map[netip.Prefix]bool{}
	for _, r := range rules {
		k := ruleKey{r.Protocol, r.FromPort, r.ToPort}
		to, ok := replaced[k][r.CIDR]
		if !ok {
			out = append(out, r)
			continue
		}
		if done[k] == nil {
			done[k] = map[netip.Prefix]bool{}
		}
		if done[k][to] {
			continue
		}
		done[k][to] = true
		r.Reason += fmt.Sprintf("; summarised as %s, whose other addresses hold no subnet", to)
		r.CIDR = to
		out = append(out, r)
	}
	return out
}

// joinTouchingPorts joins the port ranges of one protocol and block that
// overlap or touch (8080 and 8081 into 8080-8081); nothing more passes.
func joinTouchingPorts(rules []design.NACLRule) []design.NACLRule {
	type blockKey struct {
		proto string
		cidr  netip.Prefix
	}
	var order []blockKey
	groups := map[blockKey][]design.NACLRule{}
	for _, r := range rules {
		k := blockKey{r.Protocol, r.CIDR}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], r)
	}
	var out []design.NACLRule
	for _, k := range order {
		g := groups[k]
		if k.proto == "all" || len(g) == 1 {
			out = append(out, g...)
			continue
		}
		slices.SortStableFunc(g, func(a, b design.NACLRule) int {
			return cmp.Or(cmp.Compare(a.FromPort, b.FromPort), cmp.Compare(a.ToPort, b.ToPort))
		})
		cur := g[0]
		for _, r := range g[1:] {
			if r.FromPort <= cur.ToPort+1 {
				if r.ToPort > cur.ToPort {
					cur.ToPort = r.ToPort
					cur.Reason += "; joined with " + r.Reason
				}
				continue
			}
			out = append(out, cur)
			cur = r
		}
		out = append(out, cur)
	}
	return out
}

// Widening levels, narrowest first.
const (
	widenPorts = iota // one port range per protocol and block
	widenTier         // blocks to their tier's block
	widenVPC          // blocks to their VPC block
)

// widenNACL merges rules until at most limit remain or nothing more can
// merge, the narrowest level first. At each step it merges, among rules
// that share a protocol and a block at that level, as many as still need
// to go (or all there are), choosing those whose ports lie closest
// together. It returns the rules and what it widened, in words.
func widenNACL(rules []design.NACLRule, ix *addressIndex, limit int) ([]design.NACLRule, []string) {
	type target struct {
		proto string
		cidr  netip.Prefix
	}
	type merge struct {
		t        target
		members  []int // rule indexes, by port
		span     int
		external bool // the block is outside the design's VPCs
	}
	var widened []string
	for level := widenPorts; level <= widenVPC && len(rules) > limit; level++ {
		for len(rules) > limit {
			members := map[target][]int{}
			var targets []target
			what := map[target]string{}
			for i, r := range rules {
				if r.Protocol == "all" {
					continue
				}
				t := target{r.Protocol, r.CIDR}
				switch level {
				case widenTier:
					b, tier, ok := ix.tierBlock(r.CIDR)
					if !ok {
						continue
					}
					t.cidr = b
					what[t] = fmt.Sprintf("%s (the block holding the %s tier)", b, tier)
				case widenVPC:
					b, ok := ix.vpcBlockHolding(r.CIDR)
					if !ok {
						continue
					}
					t.cidr = b
					what[t] = fmt.Sprintf("%s (the VPC's block)", b)
				default:
					what[t] = r.CIDR.String()
				}
				if _, ok := members[t]; !ok {
					targets = append(targets, t)
				}
				members[t] = append(members[t], i)
			}
			// For each target, the k rules with the narrowest port span,
			// k being what must go plus one.
			var cands []merge
			for _, t := range targets {
				idx := members[t]
				if len(idx) < 2 {
					continue
				}
				slices.SortStableFunc(idx, func(a, b int) int {
					return cmp.Or(cmp.Compare(rules[a].FromPort, rules[b].FromPort), cmp.Compare(rules[a].ToPort, rules[b].ToPort))
				})
				k := min(len(idx), len(rules)-limit+1)
				_, inside := ix.vpcBlockHolding(t.cidr)
				best := merge{t: t, span: -1, external: !inside}
				for i := 0; i+k <= len(idx); i++ {
					w := idx[i : i+k]
					hi := 0
					for _, j := range w {
						hi = max(hi, rules[j].ToPort)
					}
					if span := hi - rules[w[0]].FromPort; best.span < 0 || span < best.span {
						best.members, best.span = w, span
					}
				}
				cands = append(cands, best)
			}
			if len(cands) == 0 {
				break
			}
			// Inside the VPCs first (the internet's rules stay narrowest),
			// then the merge that saves most, then the narrowest; ties in
			// address order.
			slices.SortStableFunc(cands, func(a, b merge) int {
				ext := func(m merge) int {
					if m.external {
						return 1
					}
					return 0
				}
				return cmp.Or(cmp.Compare(ext(a), ext(b)), cmp.Compare(len(b.members), len(a.members)), cmp.Compare(a.span, b.span),
					a.t.cidr.Addr().Compare(b.t.cidr.Addr()), cmp.Compare(a.t.cidr.Bits(), b.t.cidr.Bits()), strings.Compare(a.t.proto, b.t.proto))
			})
			m := cands[0]
			first := rules[m.members[0]]
			merged := design.NACLRule{Protocol: m.t.proto, FromPort: first.FromPort, ToPort: first.ToPort, CIDR: m.t.cidr, Allow: true}
			for _, i := range m.members {
				merged.FromPort = min(merged.FromPort, rules[i].FromPort)
				merged.ToPort = max(merged.ToPort, rules[i].ToPort)
			}
			desc := fmt.Sprintf("%s %s to %s", m.t.proto, portRangeText(merged.FromPort, merged.ToPort), what[m.t])
			merged.Reason = fmt.Sprintf("%s and %d more; widened to fit AWS's maximum of %d NACL entries: %s", strings.SplitN(first.Reason, "; ", 2)[0], len(m.members)-1, awsfacts.NACLRulesPerDirectionMax, desc)
			widened = append(widened, fmt.Sprintf("%d rules into one, %s", len(m.members), desc))
			var next []design.NACLRule
			for i, r := range rules {
				if !slices.Contains(m.members, i) {
					next = append(next, r)
				}
			}
			rules = compactNACL(append(next, merged))
		}
	}
	return rules, widened
}

func portRangeText(from, to int) string {
	if from == to {
		return "port " + strconv.Itoa(from)
	}
	return fmt.Sprintf("ports %d-%d", from, to)
}
