package plan

import (
	"strings"
	"testing"

	"github.com/netwright/netwright/internal/design"
)

const globalSpec = `version: 1
app: g
regions: [us-east-1, eu-west-1, ap-southeast-2]
services:
  web: {port: 8080, public: true, health: {path: /ready}}
tls: {domain: g.example.com}
global:
  domain: g.example.com
`

func TestFailoverRecordsWithHealthChecks(t *testing.T) {
	d := build(t, globalSpec+"  routing: failover\n  primary: eu-west-1\n")
	g := d.Global
	if len(g.Records) != 2 {
		t.Fatalf("records = %+v; want a primary and a secondary", g.Records)
	}
	p, s := g.Records[0], g.Records[1]
	if p.Failover != "PRIMARY" || p.SetIdentifier != "eu-west-1" || s.Failover != "SECONDARY" || s.SetIdentifier != "us-east-1" {
		t.Errorf("failover records = %+v, %+v", p, s)
	}
	checks := map[string]design.Route53HealthCheck{}
	for _, hc := range g.HealthChecks {
		checks[hc.ID] = hc
	}
	for _, r := range g.Records {
		hc, ok := checks[r.HealthCheck]
		if !ok || !r.EvaluateTargetHealth || r.AliasTarget != "alb-g-"+r.SetIdentifier+"-public" {
			t.Errorf("record %+v lacks its health check or alias", r)
		}
		if hc.Type != "HTTPS" || hc.Path != "/ready" || hc.Port != 443 {
			t.Errorf("health check %+v; want HTTPS 443 /ready", hc)
		}
	}
	for _, err := range d.Validate() {
		t.Error(err)
	}
}

func TestWeightedAndGeolocationRecords(t *testing.T) {
	d := build(t, globalSpec+"  routing: weighted\n  weights: {us-east-1: 60, eu-west-1: 40, ap-southeast-2: 0}\n")
	got := map[string]int{}
	for _, r := range d.Global.Records {
		got[r.SetIdentifier] = *r.Weight
	}
	if got["us-east-1"] != 60 || got["eu-west-1"] != 40 || got["ap-southeast-2"] != 0 {
		t.Errorf("weights = %v", got)
	}
	d = build(t, globalSpec+"  routing: geolocation\n  geo: {EU: eu-west-1, OC: ap-southeast-2, default: us-east-1}\n")
	var locs []string
	for _, r := range d.Global.Records {
		locs = append(locs, r.GeoLocation+">"+r.AliasTarget)
	}
	if want := "EU>alb-g-eu-west-1-public OC>alb-g-ap-southeast-2-public *>alb-g-us-east-1-public"; strings.Join(locs, " ") != want {
		t.Errorf("geolocation records = %v; want %s", locs, want)
	}
}

func TestAcceleratorFrontsRegions(t *testing.T) {
	d := build(t, globalSpec+"  routing: latency\n  accelerator: true\n")
	g := d.Global
	if g.Accelerator == nil || len(g.Accelerator.EndpointGroups) != 3 || len(g.Records) != 1 || g.Records[0].AliasTarget != g.Accelerator.ID {
		t.Fatalf("global = %+v", g)
	}
	if ports := g.Accelerator.Listeners; len(ports) != 2 || ports[0].Port != 80 || ports[1].Port != 443 {
		t.Errorf("accelerator listeners = %+v; want 80 and 443", ports)
	}
}

// TestHealthCheckReachesATarget: Route 53's HTTPS check asks the ALB by
// its own DNS name (the Host header is FullyQualifiedDomainName) and is
// healthy only on 200-399 (the Route 53 API reference, HealthCheckConfig).
// When every rule of the public listener needs a host and the default
// action answers 404, that check would fail in every Region forever, so
// failover could never tell a dead Region from a live one: the check is
// then TCP on 443, and the alias's evaluate-target-health judges the
// targets.
func TestHealthCheckReachesATarget(t *testing.T) {
	src := `version: 1
app: g
regions: [us-east-1, eu-west-1]
services:
  web: {port: 8080, public: true, health: {path: /ready}}
  api: {port: 9090, public: true, health: {path: /live}}
ingress:
  - {host: api.g.example.com, to: api}
  - {host: www.g.example.com, to: web}
tls: {domain: g.example.com}
global:
  domain: g.example.com
  routing: failover
  primary: eu-west-1
`
	d := build(t, src)
	for _, hc := range d.Global.HealthChecks {
		if hc.Type != "TCP" || hc.Port != 443 || hc.Path != "" {
			t.Errorf("health check %+v; want TCP 443: an HTTPS check by the ALB's name gets the default action's 404", hc)
		}
	}
	for _, r := range d.Global.Records {
		if !r.EvaluateTargetHealth {
			t.Errorf("record %+v does not evaluate target health", r)
		}
	}
	if !strings.Contains(strings.Join(noteTexts(d), "\n"), "TCP") {
		t.Errorf("no note says why the health checks are TCP: %v", noteTexts(d))
	}
}

func noteTexts(d *design.Design) []string {
	var out []string
	for _, n := range d.Notes {
		out = append(out, n.Text)
	}
	return out
}
