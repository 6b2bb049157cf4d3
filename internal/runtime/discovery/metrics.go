package discovery

import (
	"strings"

	"github.com/miekg/dns"
	"github.com/prometheus/client_golang/prometheus"
)

// Instrument counts DNS queries in reg as netwright_dns_queries_total, by
// name, type and rcode. Names are kept few: a service's name, its task
// names as "*.<service>.<namespace>", "unknown" for other names in a
// namespace and "outside" for the rest.
func (r *Registry) Instrument(reg prometheus.Registerer) error {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "netwright_dns_queries_total",
		Help: "DNS queries the Cloud Map server answered, by name, query type and response code."},
		[]string{"name", "type", "rcode"})
	if err := reg.Register(c); err != nil {
		return err
	}
	r.mu.Lock()
	r.queries = c
	r.mu.Unlock()
	return nil
}

// count records one answered query.
func (r *Registry) count(req, m *dns.Msg) {
	r.mu.RLock()
	c := r.queries
	r.mu.RUnlock()
	if c == nil || len(req.Question) != 1 {
		return
	}
	q := req.Question[0]
	label := "outside"
	name := strings.ToLower(strings.TrimSuffix(q.Name, "."))
	if zone, labels, ok := r.zone(name); ok {
		label = "unknown"
		switch {
		case len(labels) == 1 && m.Rcode == dns.RcodeSuccess:
			label = name
		case len(labels) == 2 && m.Rcode == dns.RcodeSuccess:
			label = "*." + labels[1] + "." + zone
		}
	}
	k := [3]string{label, dns.TypeToString[q.Qtype], dns.RcodeToString[m.Rcode]}
	if ctr, ok := r.counters.Load(k); ok {
		ctr.(prometheus.Counter).Inc()
		return
	}
	ctr := c.WithLabelValues(k[0], k[1], k[2])
	r.counters.Store(k, ctr)
	ctr.Inc()
}
