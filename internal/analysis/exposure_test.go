package analysis

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestExposure asks the fixture account what the internet reaches, and
// what 10.0.0.0/8 reaches: Network Access Analyzer's question.
func TestExposure(t *testing.T) {
	d := importNetwork(t, nil)
	list := func(from string) []string {
		var out []string
		for _, x := range NewEngine(d).Exposure(netip.MustParsePrefix(from)) {
			out = append(out, fmt.Sprintf("%s %s %s %s", x.Target, x.Addr, x.Proto, x.Ports))
		}
		return out
	}
	lb := "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/shop-public/50dc6c495c0c9188"
	want := []string{
		// The web server: 443 from anywhere, 22 from the office, 9000-9100 from the monitoring prefix list.
		"eni-0a00000000000web1 54.0.0.10 tcp 22, 443, 9000-9100",
		// Not the host with a public address behind a NAT route (answers leave through the NAT),
		// not the one in a public subnet without a public address, not the tasks.
		lb + " invalid IP tcp 80",
		lb + " invalid IP tcp 443",
	}
	if diff := cmp.Diff(want, list("0.0.0.0/0")); diff != "" {
		t.Errorf("exposure to the internet (-want +got):\n%s", diff)
	}
	// From the VPC's own range: a host in the worker's subnet reaches its
	// 22 (no NACL between them); hosts elsewhere are stopped by the app
	// NACL's deny of 22.
	got := strings.Join(list("10.0.10.0/24"), "\n")
	if !strings.Contains(got, "eni-0a00000000000app1 10.0.10.50 tcp 22, 443") {
		t.Errorf("exposure to 10.0.10.0/24:\n%s\nwant the worker on 22 and 443", got)
	}
	got = strings.Join(list("10.2.0.0/16"), "\n")
	if !strings.Contains(got, "eni-0a00000000000app1 10.0.10.50 tcp 443") || strings.Contains(got, "eni-0a00000000000app1 10.0.10.50 tcp 22") {
		t.Errorf("exposure to 10.2.0.0/16 (the spoke, through the Transit Gateway):\n%s\nwant the worker on 443 only: the app NACL denies 22", got)
	}
	r := AnalyzeFrom(d, everywhere)
	n := 0
	for _, f := range r.Findings {
		if f.Check == "NW150" {
			n++
		}
		if f.Check == "NW101" || f.Check == "NW102" {
			t.Errorf("intent check %s on an imported network, which declares nothing: %s", f.Check, f.Summary)
		}
	}
	if n != 3 {
		t.Errorf("NW150 findings = %d; want 3", n)
	}
}
