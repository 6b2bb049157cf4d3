// Package specgen writes synthetic but realistic specs of any size, for
// benchmarks and scale tests: services in layers where each calls a few in
// the next layer, with a mix of protocols and data stores. It only writes
// YAML text; parsing and planning it is the caller's business.
package specgen

import (
	"fmt"
	"strings"
)

// Options sizes a generated spec.
type Options struct {
	// Services is the number of services, data stores included.
	Services int
	// Dependencies is the total number of depends_on edges.
	Dependencies int
	// Pattern is the network pattern; empty means three_tier.
	Pattern string
}

var protocols = []string{"http", "grpc", "http2", "tcp", "websocket"}

// Spec returns the YAML of a spec with the given size. The same options
// always give the same bytes. Every tenth service is a data store (postgres
// or redis); each caller calls the services 7, 14, 21... places after it
// (wrapping round), so the edges are spread evenly over the callers and the
// graph may have cycles, as real applications' call graphs do.
func Spec(o Options) []byte {
	if o.Pattern == "" {
		o.Pattern = "three_tier"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "version: 1\napp: bench\nenvironment: production\nnetwork:\n  pattern: %s\n  azs: 3\n", o.Pattern)
	b.WriteString("services:\n")
	isStore := func(i int) bool { return i%10 == 9 }
	callers := 0
	for i := range o.Services {
		if !isStore(i) {
			callers++
		}
	}
	perCaller, extra := 0, 0
	if callers > 0 {
		perCaller, extra = o.Dependencies/callers, o.Dependencies%callers
	}
	caller := 0
	for i := range o.Services {
		name := fmt.Sprintf("svc-%04d", i)
		if isStore(i) {
			kind := "postgres"
			if i%20 == 19 {
				kind = "redis"
			}
			fmt.Fprintf(&b, "  %s:\n    kind: %s\n    replicas: 2\n", name, kind)
			continue
		}
		proto := protocols[i%len(protocols)]
		fmt.Fprintf(&b, "  %s:\n    port: %d\n    protocol: %s\n    replicas: 3\n    max_replicas: 6\n", name, 8000+i%1000, proto)
		n := perCaller
		if caller < extra {
			n++
		}
		caller++
		if n > 0 && i+1 < o.Services {
			b.WriteString("    depends_on: [")
			written := 0
			for k := 1; written < n && i+k < o.Services+n; k++ {
				j := (i + k*7) % o.Services
				if j == i {
					continue
				}
				if written > 0 {
					b.WriteString(", ")
				}
				fmt.Fprintf(&b, "svc-%04d", j)
				written++
			}
			b.WriteString("]\n")
		}
	}
	return []byte(b.String())
}
