package discovery

import (
	"testing"

	"github.com/miekg/dns"
)

// TestApexRecords: the namespace's apex answers its SOA and NS, as
// Route 53 creates them for a private hosted zone, over UDP and TCP; any
// other type there is an empty answer with the SOA as authority.
func TestApexRecords(t *testing.T) {
	addr := serve(t, registry(t, 1, 1))
	for _, network := range []string{"udp", "tcp"} {
		soa := query(t, addr, network, "webapp.local", dns.TypeSOA)
		if soa.Rcode != dns.RcodeSuccess || !soa.Authoritative || len(soa.Answer) != 1 {
			t.Fatalf("%s: webapp.local SOA: %s, %d answers; want the zone's SOA", network, dns.RcodeToString[soa.Rcode], len(soa.Answer))
		}
		if s, ok := soa.Answer[0].(*dns.SOA); !ok || s.Hdr.Name != "webapp.local." || s.Minttl != negativeTTL {
			t.Errorf("%s: SOA answer %v", network, soa.Answer[0])
		}
		ns := query(t, addr, network, "WebApp.Local", dns.TypeNS)
		if ns.Rcode != dns.RcodeSuccess || len(ns.Answer) != 1 {
			t.Fatalf("%s: webapp.local NS: %s, %d answers; want the zone's NS", network, dns.RcodeToString[ns.Rcode], len(ns.Answer))
		}
		if n, ok := ns.Answer[0].(*dns.NS); !ok || n.Ns != "ns-local.netwright." {
			t.Errorf("%s: NS answer %v", network, ns.Answer[0])
		}
		a := query(t, addr, network, "webapp.local", dns.TypeA)
		if a.Rcode != dns.RcodeSuccess || len(a.Answer) != 0 || len(a.Ns) != 1 {
			t.Errorf("%s: webapp.local A: %s, %d answers, %d authority; want none, with the SOA", network, dns.RcodeToString[a.Rcode], len(a.Answer), len(a.Ns))
		}
	}
}
