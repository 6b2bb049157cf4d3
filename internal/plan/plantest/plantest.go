// Package plantest plans specs for the tests of the stages after plan
// (analysis, the renderers), so each of them builds its fixtures the same
// way and fails the test, not panics, on a spec that does not plan.
package plantest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/plan"
	"github.com/netwright/netwright/internal/spec"
)

// LatticeSpec is a spec whose mesh compiles to VPC Lattice, with header
// and method routes and weights, which no example does.
const LatticeSpec = `version: 1
app: lat
services:
  web: {port: 8080, public: true, depends_on: [api]}
  api: {port: 9090, protocol: grpc}
  api-v2: {port: 9090, protocol: grpc}
traffic:
  api:
    routes:
      - match: {headers: {x-canary: "true"}}
        to: {api-v2: 100}
      - match: {path: /v1/*, method: POST}
        to: {api: 90, api-v2: 10}
mesh: {target: vpc_lattice}
tls: {domain: lat.example.com}
`

// EKSSpec is an EKS spec (mesh vpc_lattice by default) with a public
// service calling one dependency, which calls a data store: what every
// EKS user starts with, and no example is.
const EKSSpec = `version: 1
app: kube
network: {compute: eks}
services:
  web: {port: 8080, public: true, depends_on: [api]}
  api: {port: 9090, protocol: grpc, depends_on: [db]}
  db: {kind: postgres}
tls: {domain: kube.example.com}
`

// CloudMapSpec is an ECS spec without a mesh, so ECS registers its tasks in
// Cloud Map (A and SRV records), with a public UDP service checked on a
// TCP health port, which no example has.
const CloudMapSpec = `version: 1
app: dns
mesh: {target: none}
services:
  web: {port: 8080, public: true, depends_on: [api, stats]}
  api: {port: 9090, protocol: http2}
  stats: {port: 8125, protocol: udp, public: true, health: {port: 8126}}
tls: {domain: dns.example.com}
`

// AcceleratorSpec is a two-Region spec behind Global Accelerator, which no
// example is, weighted so the traffic dials differ.
const AcceleratorSpec = `version: 1
app: edge
regions: [us-east-1, ap-southeast-2]
network: {pattern: multi_region, azs: 2}
services:
  web: {port: 8080, public: true, depends_on: [api]}
  api: {port: 9090, protocol: grpc}
tls: {domain: edge.example.com}
global:
  domain: edge.example.com
  routing: weighted
  weights: {us-east-1: 3, ap-southeast-2: 1}
  accelerator: true
`

// SecondaryBlocksSpec is a spec whose VPC needs secondary CIDR blocks,
// which no example does: six workers of 10,000 tasks each fill a /16 app
// subnet in each of three AZs, past the /16 a VPC block may be.
const SecondaryBlocksSpec = `version: 1
app: big
regions: [us-east-1]
network: {azs: 3, nat: single}
services:
  web: {port: 8080, public: true, replicas: 3, depends_on: [w0, w1, w2, w3, w4, w5]}
  w0: {port: 9000, replicas: 3, max_replicas: 10000, depends_on: [db], egress: [api.example.com:443]}
  w1: {port: 9001, replicas: 3, max_replicas: 10000, depends_on: [db]}
  w2: {port: 9002, replicas: 3, max_replicas: 10000, depends_on: [db]}
  w3: {port: 9003, replicas: 3, max_replicas: 10000, depends_on: [db]}
  w4: {port: 9004, replicas: 3, max_replicas: 10000, depends_on: [db]}
  w5: {port: 9005, replicas: 3, max_replicas: 10000, depends_on: [db]}
  db: {kind: postgres}
tls: {domain: big.example.com}
`

// Design parses and plans src, named name in diagnostics, and fails the
// test when either step reports errors that stop the design.
func Design(tb testing.TB, name string, src []byte) *design.Design {
	tb.Helper()
	s, ds := spec.Parse(name, src)
	if s == nil {
		tb.Fatalf("%s does not parse: %v", name, ds)
	}
	d, ds := plan.Build(s)
	if d == nil {
		tb.Fatalf("%s does not plan: %v", name, ds)
	}
	return d
}

// File plans the spec at path.
func File(tb testing.TB, path string) *design.Design {
	tb.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return Design(tb, filepath.Base(path), src)
}

// Examples plans every *.yaml in dir, keyed by file name without ".yaml".
func Examples(tb testing.TB, dir string) map[string]*design.Design {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(files) == 0 {
		tb.Fatalf("no specs in %s: %v", dir, err)
	}
	out := map[string]*design.Design{}
	for _, f := range files {
		out[strings.TrimSuffix(filepath.Base(f), ".yaml")] = File(tb, f)
	}
	return out
}
