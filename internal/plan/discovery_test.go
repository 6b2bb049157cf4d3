package plan

import (
	"testing"
	"time"

	"github.com/netwright/netwright/internal/design"
)

func TestDiscoveryRecordsAndTiming(t *testing.T) {
	d := build(t, `version: 1
app: d
environment: staging
services:
  web: {port: 8080, public: true, depends_on: [api], health: {interval: 10s, timeout: 2s, unhealthy_threshold: 3}}
  api: {port: 9090, replicas: 2, max_replicas: 6, health: {interval: 20s, timeout: 4s, unhealthy_threshold: 2}}
discovery: {namespace: d.internal, ttl: 15s, routing: weighted}
tls: {domain: d.example.com}
`)
	if len(d.Namespaces) != 1 {
		t.Fatalf("namespaces = %d; want 1", len(d.Namespaces))
	}
	ns := d.Namespaces[0]
	if ns.Name != "d.internal" || ns.Type != design.NamespaceDNSPrivate || ns.VPC != "vpc-d" {
		t.Errorf("namespace = %+v", ns)
	}
	byName := map[string]design.DiscoveryService{}
	for _, s := range ns.Services {
		byName[s.Service] = s
	}
	api := byName["api"]
	if api.DNSName != "api.d.internal" || api.RoutingPolicy != "WEIGHTED" || !api.CustomHealthCheck || api.MaxInstances != 12 {
		t.Errorf("api registration = %+v", api)
	}
	if len(api.Records) != 2 || api.Records[0].Type != "A" || api.Records[1].Type != "SRV" || api.Records[1].TTL != design.Duration(15*time.Second) {
		t.Errorf("api records = %+v; want A and SRV with TTL 15s", api.Records)
	}
	// api has no load balancer: its own check, 2 x 20s + 4s, then 30s for
	// ECS to update Cloud Map, then the 15s TTL.
	if got, want := api.DeadTaskGone, design.Duration(44*time.Second+30*time.Second+15*time.Second); got != want {
		t.Errorf("api dead task gone after %s; want %s", got, want)
	}
	// web is behind the ALB: its target group's 3 x 10s + 2s.
	if got, want := byName["web"].DeadTaskGone, design.Duration(32*time.Second+30*time.Second+15*time.Second); got != want {
		t.Errorf("web dead task gone after %s; want %s", got, want)
	}
}

func TestDiscoveryHubSpokeSharesOneNamespace(t *testing.T) {
	d := build(t, `version: 1
app: h
network: {pattern: hub_spoke, spokes: [s]}
services:
  web: {port: 8080, depends_on: [auth]}
  auth: {port: 8443, spoke: s}
`)
	if len(d.Namespaces) != 1 {
		t.Fatalf("namespaces = %d; want 1 shared by the spokes", len(d.Namespaces))
	}
	if got := d.Namespaces[0].AssociatedVPCs; len(got) != 2 {
		t.Errorf("associated VPCs = %v; want the other spoke and the hub", got)
	}
}
