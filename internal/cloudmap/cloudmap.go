// Package cloudmap answers discovery queries with AWS Cloud Map's
// semantics, for the local runtime's DNS server and API and for tests of
// the design: MULTIVALUE answers up to eight healthy instances, WEIGHTED
// one random healthy instance, and when no instance is healthy both answer
// as if all were. It also writes SRV record values the way Cloud Map does.
//
// It owns answer selection only; which instances exist and their health
// come from its callers.
package cloudmap

import (
	"fmt"
	"net/netip"
)

// MaxMultivalueAnswers is how many records a MULTIVALUE query returns at
// most.
const MaxMultivalueAnswers = 8

// Routing policies.
const (
	Multivalue = "MULTIVALUE"
	Weighted   = "WEIGHTED"
)

// Instance is one registered task.
type Instance struct {
	ID      string
	Addr    netip.Addr
	Port    int
	Healthy bool
}

// Answer picks the instances a query returns. rand(n) returns a number in
// [0, n); callers pass math/rand/v2's IntN, or a fixed function in tests.
// The input is not modified; the result is a new slice.
func Answer(instances []Instance, policy string, rand func(n int) int) []Instance {
	pool := make([]Instance, 0, len(instances))
	for _, in := range instances {
		if in.Healthy {
			pool = append(pool, in)
		}
	}
	if len(pool) == 0 {
		// Cloud Map: with no healthy instance, answer as if all were.
		pool = append(pool, instances...)
	}
	if len(pool) == 0 {
		return nil
	}
	if policy == Weighted {
		return []Instance{pool[rand(len(pool))]}
	}
	// Partial Fisher-Yates: a random choice of up to eight, in random order.
	n := min(len(pool), MaxMultivalueAnswers)
	for i := range n {
		j := i + rand(len(pool)-i)
		pool[i], pool[j] = pool[j], pool[i]
	}
	return pool[:n]
}

// SRVValue is the SRV record Cloud Map writes for an instance: priority 1,
// weight 1, the port, and the target <instance-id>.<service>.<namespace>.
func SRVValue(in Instance, service, namespace string) string {
	return fmt.Sprintf("1 1 %d %s.%s.%s", in.Port, in.ID, service, namespace)
}
