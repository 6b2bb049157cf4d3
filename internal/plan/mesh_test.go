package plan

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/spec"
)

const meshSpec = `version: 1
app: m
network: {compute: %s}
services:
  web: {port: 8080, depends_on: [api, cache]}
  api: {port: 9090, protocol: grpc}
  api-v2: {port: 9090, protocol: grpc}
  ledger: {port: 7000, protocol: tcp}
  cache: {kind: redis}
traffic:
  api:
    timeout: 10s
    retries: {attempts: 3, on: [unavailable], per_try_timeout: 3s}
    routes:
      - match: {headers: {x-canary: "true"}}
        to: {api-v2: 100}
      - match: {path: /v1/*}
        to: {api: 90, api-v2: 10}
      - match: {path: /v2/orders, method: POST}
        to: {api-v2: 100}
`

func buildMesh(t *testing.T, compute, extra string) (*design.Design, []string) {
	t.Helper()
	src := strings.Replace(meshSpec, "%s", compute, 1) + extra
	s, ds := spec.Parse("m.yaml", []byte(src))
	if s == nil {
		t.Fatal(ds)
	}
	d, more := Build(s)
	if d == nil {
		t.Fatal(more)
	}
	var warnings []string
	for _, w := range append(ds, more...) {
		warnings = append(warnings, w.Summary)
	}
	return d, warnings
}

func TestMeshModelDefaultsAndRoutes(t *testing.T) {
	d, _ := buildMesh(t, "fargate", "mesh: {target: vpc_lattice}\n")
	m := d.Mesh
	var routers = map[string]design.VirtualRouter{}
	for _, r := range m.VirtualRouters {
		routers[r.Service] = r
	}
	// web has no traffic policy: App Mesh's defaults.
	web := routers["web"].Routes
	if len(web) != 1 || web[0].Timeout != design.Duration(15*time.Second) || web[0].Retry.MaxRetries != 2 ||
		!cmp.Equal(web[0].Retry.Events, []string{"503", "connect-failure", "refused-stream"}) {
		t.Errorf("default route = %+v", web)
	}
	// tcp has no retries.
	if l := routers["ledger"].Routes[0]; l.Retry != nil {
		t.Errorf("tcp route retries: %+v", l.Retry)
	}
	api := routers["api"].Routes
	var got []string
	for _, r := range api {
		got = append(got, r.Source)
	}
	if diff := cmp.Diff([]string{"traffic.api.routes[0]", "traffic.api.routes[1]", "traffic.api.routes[2]", "default"}, got); diff != "" {
		t.Errorf("api routes keep the spec's order, then the default (-want +got):\n%s", diff)
	}
	if api[1].Match.PathPrefix != "/v1/" || api[2].Match.PathExact != "/v2/orders" || api[2].Match.Method != "POST" {
		t.Errorf("matches = %+v, %+v", api[1].Match, api[2].Match)
	}
	if api[0].Retry.MaxRetries != 3 || api[0].Retry.PerTryTimeout != design.Duration(3*time.Second) || api[0].Timeout != design.Duration(10*time.Second) {
		t.Errorf("api retry/timeout = %+v, %s", api[0].Retry, api[0].Timeout)
	}
	for _, n := range m.VirtualNodes {
		if n.Service == "web" && !cmp.Equal(n.Backends, []string{"api.m.local"}) {
			t.Errorf("web backends = %v; want the mesh service it calls (redis is not in the mesh)", n.Backends)
		}
		if n.ConnectionPool.MaxConnections != 2147483647 {
			t.Errorf("%s circuit breaker = %d; App Mesh leaves it off", n.Name, n.ConnectionPool.MaxConnections)
		}
	}
}

// TestLatticeKeepsRouteOrderAndWeights checks the VPC Lattice compile:
// rules in the routes' order with their weights, the default as the
// default action, auth admitting exactly the declared callers, and a
// warning for each setting Lattice cannot express.
func TestLatticeKeepsRouteOrderAndWeights(t *testing.T) {
	d, warnings := buildMesh(t, "eks", "")
	lat := d.Mesh.Lattice
	if lat == nil || d.Mesh.Target != "vpc_lattice" || lat.AuthType != "AWS_IAM" {
		t.Fatalf("lattice = %+v", lat)
	}
	var api design.LatticeService
	names := map[string]bool{}
	for _, s := range lat.Services {
		names[s.Service] = true
		if s.Service == "api" {
			api = s
		}
	}
	if names["ledger"] {
		t.Error("a plain TCP service became a Lattice service")
	}
	want := []design.LatticeRule{
		{Priority: 10, Match: design.MeshMatch{Headers: []design.KeyValue{{Key: "x-canary", Value: "true"}}}, Targets: []design.WeightedNode{{Node: "vn-api-v2", Weight: 100}}, Source: "traffic.api.routes[0]"},
		{Priority: 20, Match: design.MeshMatch{PathPrefix: "/v1/"}, Targets: []design.WeightedNode{{Node: "vn-api", Weight: 90}, {Node: "vn-api-v2", Weight: 10}}, Source: "traffic.api.routes[1]"},
		{Priority: 30, Match: design.MeshMatch{PathExact: "/v2/orders", Method: "POST"}, Targets: []design.WeightedNode{{Node: "vn-api-v2", Weight: 100}}, Source: "traffic.api.routes[2]"},
	}
	if diff := cmp.Diff(want, api.Rules); diff != "" {
		t.Errorf("api rules (-want +got):\n%s", diff)
	}
	if !cmp.Equal(api.DefaultTarget, []design.WeightedNode{{Node: "vn-api", Weight: 100}}) || !cmp.Equal(api.AllowedCallers, []string{"web"}) {
		t.Errorf("api default %v, callers %v", api.DefaultTarget, api.AllowedCallers)
	}
	for _, w := range []string{"traffic.api.retries is dropped by the vpc_lattice export", "traffic.api.timeout is dropped by the vpc_lattice export"} {
		if !strings.Contains(strings.Join(warnings, "\n"), w) {
			t.Errorf("no warning %q in %v", w, warnings)
		}
	}
	// Nothing calls ledger: no Lattice service, and nothing to warn of.
	if strings.Contains(strings.Join(warnings, "\n"), "services.ledger") {
		t.Errorf("a warning about ledger, which nothing calls: %v", warnings)
	}
	// Called, a plain TCP service stays out of Lattice with a warning.
	src := strings.Replace(strings.Replace(meshSpec, "%s", "eks", 1), "depends_on: [api, cache]", "depends_on: [api, cache, ledger]", 1)
	sp, _ := spec.Parse("m.yaml", []byte(src))
	_, ds := Build(sp)
	if !strings.Contains(fmt.Sprint(ds), "services.ledger (tcp) cannot be a VPC Lattice service") {
		t.Errorf("no warning for ledger, a TCP service web calls: %v", ds)
	}
}

// TestLatticeLeavesTLSOnCloudMap: a called TLS service stays out of VPC
// Lattice, with a warning, as a TCP one does. Lattice passes TLS through
// only to a service with a custom domain name, and then its auth policy
// admits anonymous principals only (the Lattice user guide, "TLS
// listeners"): a TLS_PASSTHROUGH listener on the designed service fails
// to create, and an auth policy naming the callers' roles would deny every
// call.
func TestLatticeLeavesTLSOnCloudMap(t *testing.T) {
	for _, compute := range []string{"fargate", "eks"} {
		t.Run(compute, func(t *testing.T) {
			src := strings.Replace(strings.Replace(meshSpec, "%s", compute, 1), "ledger: {port: 7000, protocol: tcp}", "ledger: {port: 7000, protocol: tls}", 1)
			src = strings.Replace(src, "depends_on: [api, cache]", "depends_on: [api, cache, ledger]", 1) + "mesh: {target: vpc_lattice}\n"
			sp, ds := spec.Parse("m.yaml", []byte(src))
			if sp == nil {
				t.Fatal(ds)
			}
			d, more := Build(sp)
			if d == nil {
				t.Fatal(more)
			}
			for _, ls := range d.Mesh.Lattice.Services {
				if ls.Service == "ledger" || ls.Protocol == "TLS_PASSTHROUGH" {
					t.Errorf("Lattice service %s with a %s listener: Lattice passes TLS through only for a custom domain, with anonymous auth", ls.Service, ls.Protocol)
				}
			}
			if d.Mesh.Lattice.TargetGroupName("ledger") != "" {
				t.Error("a Lattice target group for ledger, which no Lattice service forwards to")
			}
			if !strings.Contains(fmt.Sprint(more), "services.ledger (tls) cannot be a VPC Lattice service") {
				t.Errorf("no warning for ledger, a TLS service web calls: %v", more)
			}
		})
	}
}

func TestServiceConnectCompile(t *testing.T) {
	d, warnings := buildMesh(t, "fargate", "mesh: {mtls: permissive}\n")
	sc := d.Mesh.ServiceConnect
	if sc == nil || sc.Namespace != "m.local" {
		t.Fatalf("service connect = %+v", sc)
	}
	by := map[string]design.ServiceConnectService{}
	for _, s := range sc.Services {
		by[s.Service] = s
	}
	if web := by["web"]; !web.ClientOnly || web.DiscoveryName != "" {
		t.Errorf("web (called by nobody in the mesh) = %+v; want client-only", web)
	}
	api := by["api"]
	if api.DiscoveryName != "api" || len(api.ClientAliases) != 1 || api.ClientAliases[0] != (design.ClientAlias{DNSName: "api.m.local", Port: 9090}) ||
		api.PerRequest != design.Duration(10*time.Second) || !api.TLS {
		t.Errorf("api = %+v", api)
	}
	joined := strings.Join(warnings, "\n")
	for _, w := range []string{"traffic.api.retries is dropped by the service_connect export", "traffic.api.routes[0] is dropped by the service_connect export", "mesh.mtls permissive becomes TLS"} {
		if !strings.Contains(joined, w) {
			t.Errorf("no warning %q in %v", w, warnings)
		}
	}
}
