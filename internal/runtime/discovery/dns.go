package discovery

import (
	"context"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/miekg/dns"

	"github.com/netwright/netwright/internal/cloudmap"
)

// negativeTTL is the SOA minimum Route 53 gives private hosted zones, so
// resolvers cache NXDOMAIN and empty answers for that long.
const negativeTTL = 300

// nameServer is the name server every zone's SOA and NS name; nsTTL is
// the TTL Route 53 gives a zone's NS record (two days).
const (
	nameServer = "ns-local.netwright."
	nsTTL      = 172800
)

// ServeDNS answers one query with Cloud Map's semantics:
//   - <service>.<namespace> A: the addresses of up to eight healthy tasks
//     (MULTIVALUE) or one random healthy task (WEIGHTED), all tasks when
//     none is healthy; SRV the same tasks as `1 1 <port>
//     <task>.<service>.<namespace>` with their A records as additional data;
//   - <task>.<service>.<namespace> A: that task's address;
//   - <namespace> SOA and NS: the zone's, as Route 53 creates them;
//   - a record type the service does not keep: no answer (NOERROR);
//   - any other name in a namespace: NXDOMAIN; a name outside every
//     namespace: REFUSED, as a private hosted zone's resolver never sees it.
func (r *Registry) ServeDNS(w dns.ResponseWriter, req *dns.Msg) {
	m := r.answer(req)
	r.count(req, m)
	if _, udp := w.RemoteAddr().(*net.UDPAddr); udp {
		size := dns.MinMsgSize
		if o := req.IsEdns0(); o != nil {
			size = int(max(o.UDPSize(), dns.MinMsgSize))
		}
		m.Truncate(size)
	}
	_ = w.WriteMsg(m) // a client that went away needs no answer
}

// Outside answers a query for a name outside every namespace, which a
// Registry alone refuses: a VPC resolver's other names (the internet's,
// a domain a Resolver rule forwards). It returns the answer's records
// and its rcode, or ok false to refuse the query as before.
type Outside func(q dns.Question) (answer []dns.RR, rcode int, ok bool)

func (r *Registry) answer(req *dns.Msg) *dns.Msg { return r.answerWith(req, nil) }

func (r *Registry) answerWith(req *dns.Msg, outside Outside) *dns.Msg {
	m := new(dns.Msg)
	m.SetReply(req)
	if req.Opcode != dns.OpcodeQuery || len(req.Question) != 1 {
		m.Rcode = dns.RcodeNotImplemented
		if len(req.Question) != 1 {
			m.Rcode = dns.RcodeFormatError
		}
		return m
	}
	if o := req.IsEdns0(); o != nil {
		m.SetEdns0(max(o.UDPSize(), dns.MinMsgSize), false)
	}
	q := req.Question[0]
	name := strings.ToLower(strings.TrimSuffix(q.Name, "."))
	zone, labels, ok := r.zone(name)
	if !ok && outside != nil && q.Qclass == dns.ClassINET {
		if rrs, rcode, ok := outside(q); ok {
			m.Answer, m.Rcode, m.RecursionAvailable = rrs, rcode, true
			return m
		}
	}
	if !ok || q.Qclass != dns.ClassINET {
		m.Rcode = dns.RcodeRefused
		return m
	}
	m.Authoritative = true
	// The SOA goes in the authority section of negative answers only.
	soa := func() []dns.RR {
		return []dns.RR{&dns.SOA{Hdr: dns.RR_Header{Name: dns.Fqdn(zone), Rrtype: dns.TypeSOA, Class: dns.ClassINET, Ttl: negativeTTL},
			Ns: nameServer, Mbox: "hostmaster.netwright.", Serial: 1, Refresh: 7200, Retry: 900, Expire: 1209600, Minttl: negativeTTL}}
	}
	switch len(labels) {
	case 0: // the namespace's apex: its SOA and NS, as Route 53 keeps them
		if q.Qtype == dns.TypeSOA || q.Qtype == dns.TypeANY {
			m.Answer = append(m.Answer, soa()...)
		}
		if q.Qtype == dns.TypeNS || q.Qtype == dns.TypeANY {
			m.Answer = append(m.Answer, &dns.NS{Hdr: dns.RR_Header{Name: dns.Fqdn(zone), Rrtype: dns.TypeNS, Class: dns.ClassINET, Ttl: nsTTL}, Ns: nameServer})
		}
		if len(m.Answer) == 0 {
			m.Ns = soa()
		}
		return m
	case 1:
		svc, ins := r.lookup(labels[0], zone)
		if svc == nil || !svc.DNS {
			break
		}
		m.Answer, m.Extra = r.records(q, svc, ins)
		if len(m.Answer) == 0 {
			m.Ns = soa()
		}
		return m
	case 2:
		svc, in, ok := r.instance(labels[0], labels[1], zone)
		if svc == nil || !svc.DNS || !ok {
			break
		}
		if ttl, keeps := svc.TTLs["A"]; keeps && (q.Qtype == dns.TypeA || q.Qtype == dns.TypeANY) && in.Addr.Is4() {
			m.Answer = []dns.RR{aRecord(q.Name, in, ttl)}
		} else {
			m.Ns = soa()
		}
		return m
	}
	m.Rcode = dns.RcodeNameError
	m.Ns = soa()
	return m
}

// records answers a query for a service name.
func (r *Registry) records(q dns.Question, svc *Service, ins []cloudmap.Instance) (answer, extra []dns.RR) {
	if len(ins) == 0 {
		return nil, nil
	}
	chosen := cloudmap.Answer(ins, svc.Policy, r.intn)
	if ttl, ok := svc.TTLs["A"]; ok && (q.Qtype == dns.TypeA || q.Qtype == dns.TypeANY) {
		for _, in := range chosen {
			if in.Addr.Is4() {
				answer = append(answer, aRecord(q.Name, in, ttl))
			}
		}
	}
	if ttl, ok := svc.TTLs["SRV"]; ok && (q.Qtype == dns.TypeSRV || q.Qtype == dns.TypeANY) {
		aTTL, keepsA := svc.TTLs["A"]
		for _, in := range chosen {
			target := dns.Fqdn(in.ID + "." + svc.Name + "." + svc.Namespace)
			answer = append(answer, &dns.SRV{Hdr: dns.RR_Header{Name: q.Name, Rrtype: dns.TypeSRV, Class: dns.ClassINET, Ttl: seconds(ttl)},
				Priority: 1, Weight: 1, Port: uint16(in.Port), Target: target})
			if keepsA && in.Addr.Is4() {
				extra = append(extra, aRecord(target, in, aTTL))
			}
		}
	}
	return answer, extra
}

func aRecord(name string, in cloudmap.Instance, ttl time.Duration) dns.RR {
	return &dns.A{Hdr: dns.RR_Header{Name: name, Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: seconds(ttl)}, A: in.Addr.AsSlice()}
}

func seconds(d time.Duration) uint32 { return uint32(d / time.Second) }

// DNSServer serves the registry over UDP and TCP on one address.
type DNSServer struct {
	udp *udpServer
	tcp *dns.Server
	// Addr is the address both listen on, with the port chosen when the
	// requested one was 0.
	Addr string
}

// ListenDNS binds UDP and TCP on addr (host:port; port 0 picks a free
// one, the same for both) and starts answering. A port already in use is
// an error that names it.
func (r *Registry) ListenDNS(addr string) (*DNSServer, error) {
	_, port, _ := net.SplitHostPort(addr)
	var pc net.PacketConn
	var ln net.Listener
	// With port 0 the UDP port is free but the same TCP port may not be
	// (another socket's ephemeral port): pick again a few times.
	for try := 0; ; try++ {
		var err error
		pc, err = net.ListenPacket("udp", addr)
		if err != nil {
			return nil, fmt.Errorf("DNS on %s (udp): %w", addr, err)
		}
		ln, err = net.Listen("tcp", pc.LocalAddr().String())
		if err == nil {
			break
		}
		pc.Close()
		if port != "0" || try == 20 {
			return nil, fmt.Errorf("DNS on %s (tcp): %w", pc.LocalAddr(), err)
		}
	}
	return r.ServeDNSOn(pc, ln), nil
}

// ServeDNSOn answers on sockets the caller opened (the VPC resolver's
// address in a network namespace, for `netwright up --isolation
// netns`): UDP on pc and TCP on ln, which Shutdown closes.
func (r *Registry) ServeDNSOn(pc net.PacketConn, ln net.Listener) *DNSServer {
	return r.ServeDNSOnOutside(pc, ln, nil)
}

// ServeDNSOnOutside is ServeDNSOn with outside answering the names
// outside every namespace: a VPC's Route 53 Resolver.
func (r *Registry) ServeDNSOnOutside(pc net.PacketConn, ln net.Listener, outside Outside) *DNSServer {
	var h dns.Handler = r
	if outside != nil {
		h = dns.HandlerFunc(func(w dns.ResponseWriter, req *dns.Msg) {
			m := r.answerWith(req, outside)
			r.count(req, m)
			_ = w.WriteMsg(m)
		})
	}
	udp := newUDPServer(r, pc)
	udp.outside = outside
	s := &DNSServer{Addr: pc.LocalAddr().String(), udp: udp,
		tcp: &dns.Server{Listener: ln, Handler: h, ReadTimeout: 5 * time.Second, WriteTimeout: 5 * time.Second}}
	started := make(chan struct{})
	s.tcp.NotifyStartedFunc = func() { close(started) }
	go s.udp.serve()
	go s.tcp.ActivateAndServe()
	<-started
	return s
}

// Shutdown stops both listeners and waits for queries in flight, up to
// ctx's deadline.
func (s *DNSServer) Shutdown(ctx context.Context) error {
	s.udp.close() // a UDP answer is never in flight past its batch
	return s.tcp.ShutdownContext(ctx)
}
