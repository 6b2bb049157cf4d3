package awsfacts

import (
	"slices"
	"testing"
)

func TestRegionsSortedAndUnique(t *testing.T) {
	codes := RegionCodes()
	if !slices.IsSorted(codes) {
		t.Fatalf("regions are not sorted by code; LookupRegion's binary search needs them sorted")
	}
	if len(slices.Compact(slices.Clone(codes))) != len(codes) {
		t.Fatalf("a region code appears twice")
	}
	for _, c := range codes {
		if _, ok := LookupRegion(c); !ok {
			t.Errorf("LookupRegion(%q) not found", c)
		}
	}
}

func TestAZNames(t *testing.T) {
	r, ok := LookupRegion("ap-northeast-1")
	if !ok {
		t.Fatal("ap-northeast-1 missing")
	}
	if got, want := r.AZNames(3), []string{"ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"}; !slices.Equal(got, want) {
		t.Errorf("AZNames(3) = %v; want %v", got, want)
	}
	if got := r.AZNames(4); got != nil {
		t.Errorf("AZNames(4) = %v; want nil for a 3-AZ region", got)
	}
	if _, ok := LookupRegion("us-east-7"); ok {
		t.Error("LookupRegion(us-east-7) found a region that does not exist")
	}
}

func TestTLSPolicies(t *testing.T) {
	p, ok := LookupTLSPolicy(DefaultTLSPolicy)
	if !ok || p.MinVersion != "1.2" {
		t.Errorf("LookupTLSPolicy(%q) = %v, %v; want min version 1.2", DefaultTLSPolicy, p, ok)
	}
	if !slices.IsSorted(TLSPolicyNames()) {
		t.Error("TLS policies are not sorted by name")
	}
	for _, name := range DefaultEndpoints {
		if _, ok := LookupEndpoint(name); !ok {
			t.Errorf("default endpoint %q is unknown", name)
		}
	}
}

func TestPricesTable(t *testing.T) {
	if PricesAsOf == "" {
		t.Error("prices.tsv does not state its date and basis")
	}
	for _, key := range []string{"nat_gateway_hour", "nat_gateway_gb", "interface_endpoint_hour", "inter_az_gb", "alb_hour", "tgw_attachment_hour"} {
		p := LookupPrice(key)
		if p.USD <= 0 || p.Source == "" || p.Unit == "" {
			t.Errorf("price %s = %+v; want a positive price with unit and source", key, p)
		}
	}
}
