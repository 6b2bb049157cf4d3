package plan

import (
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/netwright/netwright/internal/awsfacts"
	"github.com/netwright/netwright/internal/diag"
	"github.com/netwright/netwright/internal/spec"
)

// The advice a diagnostic gives must be advice AWS can follow: a VPC
// block is a /16 to a /28 (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html),
// a quota is raised only so far (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html:
// 40 NACL entries a direction, 50 IPv4 blocks per VPC, 1,000 routes).

var (
	cidrInText   = regexp.MustCompile(`\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}/\d{1,2}\b`)
	prefixInText = regexp.MustCompile(`(?:^|[\s(])/(\d{1,2})\b`)
)

// checkAdvice fails the test for a suggestion AWS would not accept, and
// for a VPC block or prefix length in a detail that is not one.
func checkAdvice(t *testing.T, d diag.Diagnostic) {
	t.Helper()
	for _, s := range d.Suggestions {
		switch s.Kind {
		case diag.SuggestCIDR:
			p, err := netip.ParsePrefix(s.Value)
			if err != nil || !awsfacts.ValidVPCBlock(p) {
				t.Errorf("%q suggests %s %s, which is not a /16 to /28 VPC block", d.Summary, s.For, s.Value)
			}
		case diag.SuggestPrefixLength:
			n, err := strconv.Atoi(s.Value)
			if err != nil || n < awsfacts.MinSubnetPrefix || n > awsfacts.MaxSubnetPrefix {
				t.Errorf("%q suggests a /%s for %s; a VPC block is a /16 to a /28", d.Summary, s.Value, s.For)
			}
		case diag.SuggestQuota:
			n, err := strconv.Atoi(s.Value)
			if most := awsfacts.QuotaMax(s.For); err != nil || n < 1 || most > 0 && n > most {
				t.Errorf("%q suggests %q = %s; AWS raises it to %d at most", d.Summary, s.For, s.Value, most)
			}
		case diag.SuggestCount:
			if n, err := strconv.Atoi(s.Value); err != nil || n < 1 {
				t.Errorf("%q suggests %s %s, not a count", d.Summary, s.Value, s.For)
			}
		default:
			t.Errorf("%q: unknown suggestion kind %q", d.Summary, s.Kind)
		}
	}
	for _, c := range cidrInText.FindAllString(d.Detail, -1) {
		if p, err := netip.ParsePrefix(c); err != nil || !awsfacts.ValidVPCBlock(p) {
			t.Errorf("detail of %q names %s, not a /16 to /28 block: %s", d.Summary, c, d.Detail)
		}
	}
	for _, m := range prefixInText.FindAllStringSubmatch(d.Detail, -1) {
		if n, _ := strconv.Atoi(m[1]); n < awsfacts.MinSubnetPrefix || n > awsfacts.MaxSubnetPrefix {
			t.Errorf("detail of %q names a /%d: %s", d.Summary, n, d.Detail)
		}
	}
}

// suggestion returns the value of the diagnostic's suggestion of a kind.
func suggestion(d diag.Diagnostic, kind string) (string, bool) {
	for _, s := range d.Suggestions {
		if s.Kind == kind {
			return s.Value, true
		}
	}
	return "", false
}

// egressSpec is a three-tier spec whose one service declares n egress
// destinations written as CIDRs, none a neighbour of another.
func egressSpec(n int) string {
	var b strings.Builder
	b.WriteString("version: 1\napp: feeds\nnetwork: {nat: single}\nservices:\n  poller:\n    port: 8080\n    egress:\n")
	for i := range n {
		fmt.Fprintf(&b, "      - 198.51.%d.%d/32:8443\n", 100+i/100, 2*(i%100)+1)
	}
	return b.String()
}

// groupedSpec needs 53 /16 blocks in one VPC: 26 groups of three services
// that share callers (so share a subnet of a /16 in each of two AZs).
func groupedSpec() string {
	var b strings.Builder
	b.WriteString("version: 1\napp: huge\nregions: [us-east-1]\nnetwork: {pattern: microservices, azs: 2}\nservices:\n")
	for k := range 26 {
		fmt.Fprintf(&b, "  c%d: {port: 8080, depends_on: [s%d, s%d, s%d]}\n", k, 3*k, 3*k+1, 3*k+2)
	}
	for i := range 78 {
		fmt.Fprintf(&b, "  s%d: {port: %d, max_replicas: 10000}\n", i, 9000+i)
	}
	return b.String()
}

// TestDiagnosticsSuggestValidValues triggers each diagnostic of plan that
// proposes a CIDR, a prefix length, a count or a quota value, checks the
// value is one AWS accepts, and where the spec can take it, that planning
// again with it clears the diagnostic.
func TestDiagnosticsSuggestValidValues(t *testing.T) {
	tests := []struct {
		name, src, summary string
		// apply returns the spec with the suggested value applied, when the
		// spec can take it.
		apply func(src, value string) string
		kind  string
	}{
		{name: "network.cidr too small", src: "version: 1\napp: shop\nnetwork: {cidr: 10.0.0.0/24}\nservices:\n  api: {port: 8080, max_replicas: 60}\n  web: {port: 8080, public: true, max_replicas: 30}\ntls: {domain: shop.example.com}\n",
			summary: "network.cidr 10.0.0.0/24 is too small", kind: diag.SuggestCIDR,
			apply: func(src, v string) string { return strings.Replace(src, "10.0.0.0/24", v, 1) }},
		{name: "network.cidr too small for one block", src: wideSpec(", cidr: 10.20.0.0/20", 6, 3, ""),
			summary: "network.cidr 10.20.0.0/20 is too small", kind: diag.SuggestCIDR,
			apply: func(src, v string) string { return strings.Replace(src, "10.20.0.0/20", v, 1) }},
		{name: "CIDR blocks past the default quota", src: wideSpec("", 12, 6, ""), summary: "IPv4 CIDR blocks in big", kind: diag.SuggestQuota},
		{name: "CIDR blocks past the maximum", src: groupedSpec(), summary: "IPv4 blocks of a /16, past the 50", kind: diag.SuggestCount},
		{name: "NACL past the default quota", src: fanOutSpec(30, 2), summary: "network ACL acl-m-app-edge", kind: diag.SuggestQuota},
		{name: "NACL past the maximum", src: egressSpec(41), summary: "network ACL acl-feeds-app needs", kind: diag.SuggestCount,
			apply: func(_, v string) string { n, _ := strconv.Atoi(v); return egressSpec(n) }},
		{name: "VPCs past the default quota", src: "version: 1\napp: p\nnetwork: {pattern: hub_spoke, spokes: [a, b, c, d, e]}\nservices:\n  web: {port: 8080}\n",
			summary: "VPCs in us-east-1", kind: diag.SuggestQuota},
		// Seven Lattice services on seven ports: seven egress rules naming
		// Lattice's prefix list, each counting as its weight of 10 (the VPC
		// user guide, AWS-managed prefix lists): 70 and more of the 60 a
		// group holds by default, though only nine rules are written.
		{name: "prefix list weight past the default quota", src: "version: 1\napp: lw\nservices:\n  web: {port: 8080, public: true, depends_on: [a, b, c, d, e, f, g]}\n" +
			"  a: {port: 9001}\n  b: {port: 9002}\n  c: {port: 9003}\n  d: {port: 9004}\n  e: {port: 9005}\n  f: {port: 9006}\n  g: {port: 9007}\n" +
			"mesh: {target: vpc_lattice, mtls: off}\ntls: {domain: lw.example.com}\n",
			summary: "outbound rules of sg-lw-web, counting each prefix list as its weight", kind: diag.SuggestQuota},
		{name: "Elastic IPs past the default quota", src: "version: 1\napp: e\nregions: [us-east-1]\nnetwork: {azs: 6, nat: per_az}\nservices:\n  web: {port: 8080, egress: [api.example.com:443]}\n",
			summary: "Elastic IPs in us-east-1", kind: diag.SuggestQuota},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, ds := planSpec(t, tt.src)
			var found *diag.Diagnostic
			for i, d := range ds {
				checkAdvice(t, d)
				if strings.Contains(d.Summary, tt.summary) && found == nil {
					found = &ds[i]
				}
			}
			if found == nil {
				t.Fatalf("no diagnostic containing %q in %v", tt.summary, ds)
			}
			v, ok := suggestion(*found, tt.kind)
			if !ok {
				t.Fatalf("%q suggests no %s: %v", found.Summary, tt.kind, found.Suggestions)
			}
			if !strings.Contains(found.Detail, v) {
				t.Errorf("detail %q does not say the suggested %s", found.Detail, v)
			}
			if tt.kind == diag.SuggestCount && strings.Contains(tt.summary, "past the 50") {
				// Each of the specs must fit the 50 blocks.
				n, _ := strconv.Atoi(strings.Fields(found.Summary[strings.Index(found.Summary, "need ")+5:])[0])
				specs, _ := strconv.Atoi(v)
				if specs < 2 || ceilDiv(n, specs) > awsfacts.CIDRBlocksPerVPCMax {
					t.Errorf("%d blocks over %d specs is more than %d each", n, specs, awsfacts.CIDRBlocksPerVPCMax)
				}
			}
			if tt.apply == nil {
				return
			}
			_, again := planSpec(t, tt.apply(tt.src, v))
			for _, d := range again {
				checkAdvice(t, d)
				if d.Severity == diag.Error {
					t.Errorf("with %s = %s the plan still fails: %s", tt.kind, v, d.Summary)
				}
			}
		})
	}
}

// TestFixtureAdviceIsValid checks the advice of every diagnostic plan
// gives on the error fixtures and the examples.
func TestFixtureAdviceIsValid(t *testing.T) {
	files, _ := filepath.Glob("../../testdata/errors/*.yaml")
	examples, _ := filepath.Glob("../../examples/*.yaml")
	for _, f := range append(files, examples...) {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if s, _ := spec.Parse(filepath.Base(f), src); s != nil {
			_, ds := Build(s)
			for _, d := range ds {
				checkAdvice(t, d)
			}
		}
	}
}

// TestSubnetPastASixteenAdvice: a subnet is a /16 at most, so a subnet
// that needs more is an error whose advice must fit the pattern: in
// three_tier, microservices spreads the services (and planning so
// succeeds); in microservices, where services share a subnet only to keep
// the subnet quota, the advice is that quota, never microservices again.
func TestSubnetPastASixteenAdvice(t *testing.T) {
	threeTier := wideSpec("", 8, 3, "")
	_, ds := planSpec(t, threeTier)
	if len(ds.Errors()) == 0 || !strings.Contains(ds.Errors()[0].Summary, "more than a /16 subnet holds") || !strings.Contains(ds.Errors()[0].Detail, "network.pattern microservices") {
		t.Fatalf("three_tier: %v; want an error advising microservices", ds.Errors())
	}
	_, again := planSpec(t, wideSpec(", pattern: microservices", 8, 3, ""))
	if again.HasErrors() {
		t.Errorf("with network.pattern microservices the plan still fails: %v", again.Errors())
	}
	var b strings.Builder
	b.WriteString("version: 1\napp: huge\nregions: [us-east-1]\nnetwork: {pattern: microservices, azs: 2}\nservices:\n")
	for k := range 20 {
		fmt.Fprintf(&b, "  c%d: {port: 8080, depends_on: [s%d, s%d, s%d, s%d, s%d, s%d]}\n", k, 6*k, 6*k+1, 6*k+2, 6*k+3, 6*k+4, 6*k+5)
	}
	for i := range 120 {
		fmt.Fprintf(&b, "  s%d: {port: %d, max_replicas: 10000}\n", i, 9000+i)
	}
	_, ds = planSpec(t, b.String())
	found := false
	for _, d := range ds.Errors() {
		if strings.Contains(d.Summary, "more than a /16 subnet holds") {
			found = true
			if strings.Contains(d.Detail, "network.pattern microservices") || !strings.Contains(d.Detail, "Subnets per VPC") {
				t.Errorf("microservices: %q advises %q", d.Summary, d.Detail)
			}
		}
	}
	if !found {
		t.Errorf("no error about a subnet past a /16 in %v", ds)
	}
}
