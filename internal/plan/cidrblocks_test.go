package plan

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netwright/netwright/internal/awsfacts"
	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/diag"
	"github.com/netwright/netwright/internal/ipam"
)

// wideSpec is a spec with services services at 10,000 tasks each in
// AZs azs: over three AZs six services fill a /16 app subnet per AZ, so
// the VPC's subnets need more than the /16 a VPC block may be at most.
func wideSpec(network string, services, azs int, extra string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "version: 1\napp: big\nregions: [us-east-1]\nnetwork: {azs: %d%s}\nservices:\n  web: {port: 8080, public: true, depends_on: [", azs, network)
	for i := range services {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "w%d", i)
	}
	b.WriteString("]}\n")
	for i := range services {
		fmt.Fprintf(&b, "  w%d: {port: %d, max_replicas: 10000, depends_on: [db]}\n", i, 9000+i)
	}
	b.WriteString("  db: {kind: postgres}\ntls: {domain: big.example.com}\n" + extra)
	return b.String()
}

// checkBlocks checks what AWS requires of a VPC's blocks and what uses
// them: each block /16-/28 and allowed beside the primary, no overlap,
// each subnet in one block, a local route per block in every table.
func checkBlocks(t *testing.T, v design.VPC) {
	t.Helper()
	blocks := v.Blocks()
	if len(blocks) > awsfacts.CIDRBlocksPerVPCMax {
		t.Errorf("%s has %d blocks; AWS allows %d", v.ID, len(blocks), awsfacts.CIDRBlocksPerVPCMax)
	}
	if a, b, ok := ipam.Overlaps(blocks); ok {
		t.Errorf("%s: blocks %s and %s overlap", v.ID, a, b)
	}
	for _, b := range v.SecondaryCIDRs {
		if !awsfacts.SecondaryCIDRAllowed(v.CIDR, b) {
			t.Errorf("%s: AWS refuses %s beside the primary %s", v.ID, b, v.CIDR)
		}
	}
	used := map[netip.Prefix]bool{}
	for _, s := range v.Subnets {
		b, ok := v.BlockHolding(s.CIDR)
		if !ok {
			t.Errorf("subnet %s (%s) lies in no block of %s (%v)", s.ID, s.CIDR, v.ID, blocks)
		}
		used[b] = true
	}
	for _, b := range blocks {
		if !used[b] {
			t.Errorf("%s: block %s holds no subnet", v.ID, b)
		}
	}
	for _, rt := range v.RouteTables {
		var locals []netip.Prefix
		for _, r := range rt.Routes {
			if r.TargetKind == design.TargetLocal {
				locals = append(locals, r.Destination)
			}
		}
		if !slices.Equal(locals, blocks) {
			t.Errorf("route table %s has local routes %v; want one per block %v", rt.ID, locals, blocks)
		}
	}
}

// TestSecondaryCIDRBlocks: subnets that need more than a /16 get
// secondary /16 blocks from the pool, tiers kept whole where they fit,
// and the design validates and passes the declared flows.
func TestSecondaryCIDRBlocks(t *testing.T) {
	d, ds := planSpec(t, wideSpec("", 6, 3, ""))
	if ds.HasErrors() {
		t.Fatalf("plan errors: %v", ds)
	}
	v := d.VPCs[0]
	got := []string{v.CIDR.String()}
	for _, b := range v.SecondaryCIDRs {
		got = append(got, b.String())
	}
	if diff := cmp.Diff([]string{"10.0.0.0/16", "10.1.0.0/16", "10.2.0.0/16", "10.3.0.0/16"}, got); diff != "" {
		t.Errorf("blocks (-want +got):\n%s", diff)
	}
	checkBlocks(t, v)
	for _, err := range d.Validate() {
		t.Error(err)
	}
	// The small tiers share a block, each whole.
	tiers := map[string]map[netip.Prefix]bool{}
	for _, s := range v.Subnets {
		b, _ := v.BlockHolding(s.CIDR)
		if tiers[s.Tier] == nil {
			tiers[s.Tier] = map[netip.Prefix]bool{}
		}
		tiers[s.Tier][b] = true
	}
	for _, tier := range []string{design.TierPublic, design.TierData} {
		if len(tiers[tier]) != 1 {
			t.Errorf("the %s tier spans blocks %v; want one", tier, tiers[tier])
		}
	}
	if !hasNote(d, "cidr", "secondary") {
		t.Errorf("no note says the VPC has secondary blocks: %v", d.Notes)
	}
	for _, dg := range ds {
		if strings.Contains(dg.Summary, "CIDR blocks") {
			t.Errorf("4 blocks fit the default quota of 5; got %s: %s", dg.Severity, dg.Summary)
		}
	}
	declaredFlowsPass(t, d)
}

// TestSecondaryBlocksBesideNetworkCIDR: a /16 network.cidr that is too
// small is extended by the /16s next to it, and a warning says which
// addresses beyond network.cidr the VPC uses.
func TestSecondaryBlocksBesideNetworkCIDR(t *testing.T) {
	d, ds := planSpec(t, wideSpec(", cidr: 10.20.0.0/16", 6, 3, ""))
	if ds.HasErrors() {
		t.Fatalf("plan errors: %v", ds)
	}
	v := d.VPCs[0]
	if want := []netip.Prefix{netip.MustParsePrefix("10.21.0.0/16"), netip.MustParsePrefix("10.22.0.0/16"), netip.MustParsePrefix("10.23.0.0/16")}; !slices.Equal(v.SecondaryCIDRs, want) || v.CIDR != netip.MustParsePrefix("10.20.0.0/16") {
		t.Errorf("blocks = %s %v; want 10.20.0.0/16 %v", v.CIDR, v.SecondaryCIDRs, want)
	}
	checkBlocks(t, v)
	warned := slices.ContainsFunc(ds, func(dg diag.Diagnostic) bool {
		return dg.Severity == diag.Warning && strings.Contains(dg.Summary, "network.cidr 10.20.0.0/16") && strings.Contains(dg.Summary, "10.21.0.0/16")
	})
	if !warned {
		t.Errorf("no warning names the blocks added beside network.cidr: %v", ds)
	}
	// 192.168.0.0/16 has no other /16: AWS allows 100.64.0.0/10 beside it.
	d, ds = planSpec(t, wideSpec(", cidr: 192.168.0.0/16", 6, 3, ""))
	if ds.HasErrors() {
		t.Fatalf("plan errors: %v", ds)
	}
	checkBlocks(t, d.VPCs[0])
	for _, b := range d.VPCs[0].SecondaryCIDRs {
		if !ipam.Within(b, netip.MustParsePrefix("100.64.0.0/10")) {
			t.Errorf("secondary %s beside 192.168.0.0/16; want a block of 100.64.0.0/10", b)
		}
	}
}

// TestSecondaryBlocksPastDefaultQuota: six AZs of /16 app subnets need
// seven blocks, past the default quota of five: a warning asks for the
// value needed, which AWS can grant (50 at most).
func TestSecondaryBlocksPastDefaultQuota(t *testing.T) {
	d, ds := planSpec(t, wideSpec("", 12, 6, ""))
	if ds.HasErrors() {
		t.Fatalf("plan errors: %v", ds)
	}
	n := len(d.VPCs[0].Blocks())
	if n <= awsfacts.CIDRBlocksPerVPC {
		t.Fatalf("%d blocks; the test wants more than %d", n, awsfacts.CIDRBlocksPerVPC)
	}
	checkBlocks(t, d.VPCs[0])
	i := slices.IndexFunc(ds, func(dg diag.Diagnostic) bool { return strings.Contains(dg.Summary, "IPv4 CIDR blocks") })
	if i < 0 {
		t.Fatalf("no diagnostic about the CIDR-block quota: %v", ds)
	}
	want := diag.Suggestion{Kind: diag.SuggestQuota, For: "IPv4 CIDR blocks per VPC", Value: fmt.Sprint(n)}
	if ds[i].Severity != diag.Warning || !slices.Contains(ds[i].Suggestions, want) {
		t.Errorf("%s: %s (%v); want a warning suggesting %v", ds[i].Severity, ds[i].Summary, ds[i].Suggestions, want)
	}
	declaredFlowsPass(t, d)
}

// TestSecondaryBlocksAcrossTransitGateway: a spoke with secondary blocks
// is routed whole: the Transit Gateway and the other VPCs' tables name
// each of its blocks, and its flows pass.
func TestSecondaryBlocksAcrossTransitGateway(t *testing.T) {
	src := wideSpec(", pattern: hub_spoke, spokes: [bulk]", 6, 3, "")
	for i := range 6 {
		src = strings.Replace(src, fmt.Sprintf("  w%d: {port", i), fmt.Sprintf("  w%d: {spoke: bulk, port", i), 1)
	}
	d, ds := planSpec(t, src)
	if ds.HasErrors() {
		t.Fatalf("plan errors: %v", ds)
	}
	spoke := d.VPC("vpc-big-bulk")
	if spoke == nil || len(spoke.SecondaryCIDRs) == 0 {
		t.Fatalf("spoke = %+v; want secondary blocks", spoke)
	}
	for _, v := range d.VPCs {
		checkBlocks(t, v)
	}
	covered := func(dsts []netip.Prefix) bool {
		for _, b := range spoke.Blocks() {
			if !slices.ContainsFunc(dsts, func(p netip.Prefix) bool { return ipam.Within(b, p) }) {
				return false
			}
		}
		return true
	}
	for _, rt := range d.TransitGateways[0].RouteTables {
		if rt.Name != "hub" {
			continue
		}
		var dsts []netip.Prefix
		for _, r := range rt.Routes {
			if r.Attachment == "tgw-attach-big-bulk" {
				dsts = append(dsts, r.Destination)
			}
		}
		if !covered(dsts) {
			t.Errorf("transit gateway table %s routes %v to the spoke; want all of %v", rt.ID, dsts, spoke.Blocks())
		}
	}
	for _, v := range d.VPCs {
		if v.ID == spoke.ID {
			continue
		}
		for _, rt := range v.RouteTables {
			var dsts []netip.Prefix
			for _, r := range rt.Routes {
				if r.TargetKind == design.TargetTransitGateway && r.Destination.Bits() > 0 {
					dsts = append(dsts, r.Destination)
				}
			}
			if len(dsts) > 0 && slices.ContainsFunc(dsts, spoke.CIDR.Overlaps) && !covered(dsts) {
				t.Errorf("route table %s reaches %v of the spoke; want all of %v", rt.ID, dsts, spoke.Blocks())
			}
		}
	}
	for _, err := range d.Validate() {
		t.Error(err)
	}
	declaredFlowsPass(t, d)
}
