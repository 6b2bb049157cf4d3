package plan

import (
	"math"
	"strings"
	"testing"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/spec"
)

func recommendation(d *design.Design, topic string) *design.Recommendation {
	for i := range d.Recommendations {
		if d.Recommendations[i].Topic == topic {
			return &d.Recommendations[i]
		}
	}
	return nil
}

// TestSameAZTrafficAndCost checks the placement arithmetic on a small graph:
// 100 requests/s of 10 kB to web, which calls api once per request. Over
// 730 hours that is 100 x 10,000 x 2,628,000 = 2,628 GB; two thirds cross
// zones over 3 AZs, charged $0.01/GB each way: $35.04.
func TestSameAZTrafficAndCost(t *testing.T) {
	d := build(t, `version: 1
app: c
network: {endpoints: [s3, ecr.api, ecr.dkr, logs]}
services:
  web: {port: 8080, public: true, depends_on: [api]}
  api: {port: 9090}
workload: {requests_per_second: 100, avg_response_bytes: 10000}
tls: {domain: c.example.com}
`)
	r := recommendation(d, "placement")
	if r == nil {
		t.Fatalf("no placement recommendation in %+v", d.Recommendations)
	}
	if !strings.Contains(r.Reason, "web -> api 2628 GB, $35.04") || r.Source == "" {
		t.Errorf("placement reason = %q", r.Reason)
	}
	items := map[string]design.CostItem{}
	for _, it := range d.Cost.Items {
		items[it.What] = it
	}
	if got := items["traffic between AZs on declared calls"].USD; math.Abs(got-35.04) > 0.005 {
		t.Errorf("cross-AZ cost = %v; want 35.04", got)
	}
	if got := items["responses to the internet"].USD; math.Abs(got-236.52) > 0.005 {
		t.Errorf("internet cost = %v; want 2628 GB x $0.09 = 236.52", got)
	}
	if got := items["Application Load Balancers"].USD; math.Abs(got-16.43) > 0.005 {
		t.Errorf("ALB cost = %v; want 730 h x $0.0225", got)
	}
	sum := 0.0
	for _, it := range d.Cost.Items {
		sum += it.USD
	}
	if math.Abs(sum-d.Cost.TotalUSD) > 0.01 {
		t.Errorf("total %v is not the sum of items %v", d.Cost.TotalUSD, sum)
	}
}

func TestEndpointsVersusNAT(t *testing.T) {
	d := build(t, `version: 1
app: e
network: {azs: 2, endpoints: [s3]}
services:
  api: {port: 9090}
`)
	r := recommendation(d, "endpoints")
	if r == nil {
		t.Fatal("no endpoints recommendation though image pulls go through NAT")
	}
	// 3 interface endpoints (ecr.api, ecr.dkr, logs) x 2 AZs x 730 h x $0.01
	// = $43.80, saving $0.035/GB: break-even 1251 GB.
	if !strings.Contains(r.Effect, "$43.80") || !strings.Contains(r.Effect, "1251 GB") {
		t.Errorf("effect = %q", r.Effect)
	}
}

// TestMTUWarningOnInternetPath checks bulk transfer warns for each path
// that leaves through an internet gateway.
func TestMTUWarningOnInternetPath(t *testing.T) {
	s, _ := spec.Parse("b.yaml", []byte(`version: 1
app: b
services:
  web: {port: 8080, public: true, depends_on: [store]}
  store: {port: 9000, egress: [backup.example.com:443]}
workload: {bulk_data_transfer: true}
tls: {domain: b.example.com}
`))
	d, ds := Build(s)
	if d == nil {
		t.Fatal(ds)
	}
	var warnings []string
	for _, w := range ds {
		warnings = append(warnings, w.Summary)
	}
	joined := strings.Join(warnings, "\n")
	for _, want := range []string{"bulk flow store->internet(backup.example.com):443/tcp crosses an internet gateway through NAT: its path MTU is 1500", "bulk flow internet->web:443/tcp crosses an internet gateway"} {
		if !strings.Contains(joined, want) {
			t.Errorf("no warning %q in:\n%s", want, joined)
		}
	}
	if strings.Contains(joined, "web->store") {
		t.Errorf("a path inside the VPC was warned about:\n%s", joined)
	}
	if r := recommendation(d, "mtu"); r == nil || !strings.Contains(r.Effect, "web -> store") {
		t.Errorf("mtu recommendation = %+v", r)
	}
}
