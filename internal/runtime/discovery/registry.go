// Package discovery serves a design's Cloud Map namespaces on this
// machine for `netwright up`: a DNS server (UDP and TCP) that answers
// <service>.<namespace> with A and SRV records of the registered tasks the
// way Cloud Map does, and an HTTP API in the shape of Cloud Map's
// DiscoverInstances. Which tasks exist and whether they are healthy come
// from the runtime through the Registry; answer selection is
// internal/cloudmap's.
package discovery

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/netwright/netwright/internal/cloudmap"
	"github.com/netwright/netwright/internal/design"
)

// Service is one discovery service of a namespace and its registered
// instances.
type Service struct {
	Namespace string
	Name      string
	// DNS is set when the namespace is DNS_PRIVATE: the service has
	// records; in an HTTP namespace it is found through the API only.
	DNS bool
	// Policy is cloudmap.Multivalue or cloudmap.Weighted.
	Policy string
	// TTLs holds the TTL of each record type the service keeps (A, SRV).
	TTLs map[string]time.Duration

	instances []cloudmap.Instance // in registration order
	// revision is Cloud Map's InstancesRevision: it grows with every
	// instance registered, replaced or deregistered, not with health.
	revision int64
}

// Registry holds the namespaces, their services and the registered
// instances. It is safe for concurrent use.
type Registry struct {
	mu       sync.RWMutex
	services map[string]*Service // by lower-case "<service>.<namespace>"
	zones    []string            // lower-case DNS namespace names, longest first
	spaces   map[string]bool     // every namespace name, lower case
	// rand picks answers; math/rand/v2's IntN unless a test fixes it with
	// a seeded source, which is not safe for concurrent use: randMu
	// serialises the calls.
	randMu sync.Mutex
	rand   func(n int) int
	// queries counts DNS queries when Instrument was called; counters
	// keeps its series by label values, so a query hashes none.
	queries  *prometheus.CounterVec
	counters sync.Map
}

// intn returns a random number in [0, n).
func (r *Registry) intn(n int) int {
	r.randMu.Lock()
	defer r.randMu.Unlock()
	return r.rand(n)
}

// NewRegistry makes a registry of the design's namespaces and services,
// with no instances registered.
func NewRegistry(d *design.Design) *Registry {
	r := &Registry{services: map[string]*Service{}, spaces: map[string]bool{}, rand: rand.IntN}
	for _, ns := range d.Namespaces {
		name := strings.ToLower(ns.Name)
		r.spaces[name] = true
		dns := ns.Type == design.NamespaceDNSPrivate
		if dns {
			r.zones = append(r.zones, name)
		}
		for _, s := range ns.Services {
			svc := &Service{Namespace: ns.Name, Name: s.Service, DNS: dns, Policy: s.RoutingPolicy, TTLs: map[string]time.Duration{}}
			if svc.Policy == "" {
				svc.Policy = cloudmap.Multivalue
			}
			for _, rec := range s.Records {
				svc.TTLs[rec.Type] = time.Duration(rec.TTL)
			}
			r.services[key(s.Service, ns.Name)] = svc
		}
	}
	// Longest first, so a namespace nested in another's name wins.
	slices.SortFunc(r.zones, func(a, b string) int { return len(b) - len(a) })
	return r
}

// Reconfigure takes the namespaces and services of a new design, as a
// reload does: a service the new design keeps keeps its instances and
// their health; the others' go.
func (r *Registry) Reconfigure(d *design.Design) {
	next := NewRegistry(d)
	r.mu.Lock()
	defer r.mu.Unlock()
	for k, svc := range next.services {
		if old, ok := r.services[k]; ok {
			svc.instances, svc.revision = old.instances, old.revision
		}
	}
	r.services, r.zones, r.spaces = next.services, next.zones, next.spaces
}

// Healthy reports an instance's health, and whether it is registered.
func (r *Registry) Healthy(namespace, service, id string) (healthy, ok bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	svc, found := r.services[key(service, namespace)]
	if !found {
		return false, false
	}
	for _, in := range svc.instances {
		if in.ID == id {
			return in.Healthy, true
		}
	}
	return false, false
}

func key(service, namespace string) string {
	return strings.ToLower(service + "." + namespace)
}

// Register adds or replaces an instance of service in namespace.
func (r *Registry) Register(namespace, service string, in cloudmap.Instance) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	svc, ok := r.services[key(service, namespace)]
	if !ok {
		return fmt.Errorf("no service %s in namespace %s", service, namespace)
	}
	if !in.Addr.IsValid() || in.ID == "" {
		return fmt.Errorf("instance of %s.%s needs an ID and an address", service, namespace)
	}
	svc.revision++
	if i := slices.IndexFunc(svc.instances, func(x cloudmap.Instance) bool { return x.ID == in.ID }); i >= 0 {
		svc.instances[i] = in
		return nil
	}
	svc.instances = append(svc.instances, in)
	return nil
}

// Deregister removes an instance; removing an unknown one is not an error.
func (r *Registry) Deregister(namespace, service, id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if svc, ok := r.services[key(service, namespace)]; ok {
		n := len(svc.instances)
		svc.instances = slices.DeleteFunc(svc.instances, func(x cloudmap.Instance) bool { return x.ID == id })
		if len(svc.instances) != n {
			svc.revision++
		}
	}
}

// SetHealth records an instance's health, as ECS pushes it to Cloud Map.
func (r *Registry) SetHealth(namespace, service, id string, healthy bool) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	svc, ok := r.services[key(service, namespace)]
	if !ok {
		return fmt.Errorf("no service %s in namespace %s", service, namespace)
	}
	i := slices.IndexFunc(svc.instances, func(x cloudmap.Instance) bool { return x.ID == id })
	if i < 0 {
		return fmt.Errorf("no instance %s of %s.%s", id, service, namespace)
	}
	svc.instances[i].Healthy = healthy
	return nil
}

// lookup returns a copy of the service and its instances, or nil.
func (r *Registry) lookup(service, namespace string) (*Service, []cloudmap.Instance) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	svc, ok := r.services[key(service, namespace)]
	if !ok {
		return nil, nil
	}
	cp := *svc
	cp.instances = nil
	return &cp, slices.Clone(svc.instances)
}

// instance finds a registered instance by ID, for the names SRV records
// point at (<instance-id>.<service>.<namespace>).
func (r *Registry) instance(id, service, namespace string) (*Service, cloudmap.Instance, bool) {
	svc, ins := r.lookup(service, namespace)
	if svc == nil {
		return nil, cloudmap.Instance{}, false
	}
	for _, in := range ins {
		if strings.EqualFold(in.ID, id) {
			return svc, in, true
		}
	}
	return svc, cloudmap.Instance{}, false
}

// zone returns the DNS namespace a name (lower case, no trailing dot) is
// in, and the labels before it.
func (r *Registry) zone(name string) (zone string, labels []string, ok bool) {
	r.mu.RLock()
	zones := r.zones
	r.mu.RUnlock()
	for _, z := range zones {
		if name == z {
			return z, nil, true
		}
		if strings.HasSuffix(name, "."+z) {
			return z, strings.Split(strings.TrimSuffix(name, "."+z), "."), true
		}
	}
	return "", nil, false
}
