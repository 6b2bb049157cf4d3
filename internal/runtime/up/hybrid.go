package up

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/miekg/dns"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/runtime/discovery"
	"github.com/netwright/netwright/internal/runtime/netns"
)

// On-premises sites in netns mode. The fabric makes each site a
// namespace behind its Transit Gateway's Direct Connect and VPN
// attachments (internal/runtime/netns); here the site gets what answers
// in it, and the VPCs their Route 53 Resolver endpoints:
//
//   - at each of the site's host addresses (design.Site.Hosts), a stub on
//     every port a flow to the site names (the data centre's database),
//     answering with a line and counted in
//     netwright_site_stub_connections_total by destination and source;
//   - at each of its DNS servers, DNS for its domains: every name in them
//     is the site's first host address (the design names no host there);
//   - each outbound Resolver endpoint is an interface in its first subnet
//     with its security group, from which the VPC's resolver asks the
//     site's DNS servers for the names in a domain a rule forwards, so
//     the query crosses the endpoint's group, the routes, the Transit
//     Gateway and the NACLs as in AWS;
//   - each inbound endpoint is an interface in its first subnet with its
//     group, answering the Cloud Map names for the site.
type sites struct {
	stubs *internetStubs
	// outbound are the outbound endpoints' interfaces, by endpoint ID.
	outbound map[string]*netns.ENI
	dns      []*dns.Server
	inbound  []*discovery.DNSServer
}

func newSites(reg prometheus.Registerer) (*sites, error) {
	st, err := newStubs(reg, "netwright_site_stub_connections_total",
		"Connections (TCP) and datagrams (UDP) the on-premises sites' stubs of netns mode answered, by declared destination and source address.")
	if err != nil {
		return nil, err
	}
	return &sites{stubs: st, outbound: map[string]*netns.ENI{}}, nil
}

// endpointAddr is where the i-th Resolver endpoint's interface is in
// its first subnet: below the load balancer node, NAT gateway and GWLB
// endpoint addresses at the top (and the GWLB node's), one address per
// endpoint, above the tasks numbered from the bottom.
func endpointAddr(s *design.Subnet, i int) netip.Addr {
	a := netns.TasksBelow(s.CIDR).Prev()
	for range i {
		a = a.Prev()
	}
	return a
}

// startSites opens the sites' stubs and DNS servers and the Resolver
// endpoints' interfaces.
func (rt *Runtime) startSites(d *design.Design, f *netns.Fabric) error {
	s := rt.sites
	for i := range d.Sites {
		st := &d.Sites[i]
		ns := f.Site(st.Name)
		if ns == nil {
			continue
		}
		for _, fl := range d.Flows {
			if fl.To != design.SiteRef(st.Name) {
				continue
			}
			for _, h := range st.Hosts() {
				if err := s.stubs.listen(ns, netip.AddrPortFrom(h, uint16(fl.Port)), fl.Transport, fmt.Sprintf("%s:%d", fl.To, fl.Port)); err != nil {
					return err
				}
			}
		}
		if st.DNS == nil {
			continue
		}
		h := siteDNS(st)
		for _, srv := range st.DNS.Servers {
			at := netip.AddrPortFrom(srv, design.DNSPort).String()
			pc, err := ns.ListenPacket("udp", at)
			if err != nil {
				return fmt.Errorf("site %s DNS: %w", st.Name, err)
			}
			ln, err := ns.Listen("tcp", at)
			if err != nil {
				pc.Close()
				return fmt.Errorf("site %s DNS: %w", st.Name, err)
			}
			for _, server := range []*dns.Server{{PacketConn: pc, Handler: h}, {Listener: ln, Handler: h}} {
				started := make(chan struct{})
				server.NotifyStartedFunc = func() { close(started) }
				s.dns = append(s.dns, server)
				go server.ActivateAndServe() // Shutdown ends it (sites.close)
				<-started
			}
		}
	}
	for i, ep := range d.ResolverEndpoints {
		if len(ep.Subnets) == 0 {
			continue
		}
		_, sub := d.Subnet(ep.Subnets[0])
		if sub == nil {
			continue
		}
		e, err := f.Attach(netns.Attachment{Owner: ep.ID, Subnet: sub.ID, Addr: endpointAddr(sub, i), Groups: []string{ep.SecurityGroup}})
		if err != nil {
			return fmt.Errorf("resolver endpoint %s: %w", ep.ID, err)
		}
		if ep.Direction == design.ResolverOutbound {
			s.outbound[ep.ID] = e
			continue
		}
		at := netip.AddrPortFrom(e.Addr, design.DNSPort).String()
		pc, err := e.NS.ListenPacket("udp", at)
		if err != nil {
			return fmt.Errorf("resolver endpoint %s: %w", ep.ID, err)
		}
		ln, err := e.NS.Listen("tcp", at)
		if err != nil {
			pc.Close()
			return fmt.Errorf("resolver endpoint %s: %w", ep.ID, err)
		}
		s.inbound = append(s.inbound, rt.reg.ServeDNSOn(pc, ln))
	}
	return nil
}

// siteDNS answers a site's domains: every name in them is the site's
// first host; anything else is refused.
func siteDNS(st *design.Site) dns.Handler {
	host := st.Hosts()[0]
	return dns.HandlerFunc(func(w dns.ResponseWriter, req *dns.Msg) {
		m := new(dns.Msg)
		m.SetReply(req)
		if len(req.Question) != 1 || !inDomains(req.Question[0].Name, st.DNS.Domains) {
			m.Rcode = dns.RcodeRefused
			_ = w.WriteMsg(m)
			return
		}
		m.Authoritative = true
		if q := req.Question[0]; q.Qtype == dns.TypeA {
			m.Answer = append(m.Answer, &dns.A{Hdr: dns.RR_Header{Name: q.Name, Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: 60}, A: host.AsSlice()})
		}
		_ = w.WriteMsg(m)
	})
}

// inDomains reports whether name is one of domains or under one.
func inDomains(name string, domains []string) bool {
	name = strings.ToLower(strings.TrimSuffix(name, "."))
	return slices.ContainsFunc(domains, func(d string) bool {
		d = strings.ToLower(strings.TrimSuffix(d, "."))
		return name == d || strings.HasSuffix(name, "."+d)
	})
}

// forwarder answers the names a Resolver rule associated with vpc
// forwards, asking the rule's targets from its outbound endpoint's
// interface, each for up to a second.
func (s *sites) forwarder(d *design.Design, vpc string) func(dns.Question) ([]dns.RR, int, bool) {
	var rules []design.ResolverRule
	for _, r := range d.ResolverRules {
		if slices.Contains(r.VPCs, vpc) && s.outbound[r.Endpoint] != nil {
			rules = append(rules, r)
		}
	}
	return func(q dns.Question) ([]dns.RR, int, bool) {
		for _, r := range rules {
			if !inDomains(q.Name, []string{r.Domain}) {
				continue
			}
			e := s.outbound[r.Endpoint]
			for _, target := range r.Targets {
				m, err := exchangeFrom(e.NS, q, netip.AddrPortFrom(target, design.DNSPort))
				if err == nil {
					return m.Answer, m.Rcode, true
				}
			}
			return nil, dns.RcodeServerFailure, true // no target answered, as the Resolver says
		}
		return nil, 0, false
	}
}

// exchangeFrom asks one question of a DNS server over UDP from a
// namespace.
func exchangeFrom(ns *netns.Namespace, q dns.Question, server netip.AddrPort) (*dns.Msg, error) {
	c, err := ns.Dialer(&net.Dialer{Timeout: time.Second})(context.Background(), "udp", server.String())
	if err != nil {
		return nil, err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(time.Second))
	conn := &dns.Conn{Conn: c}
	req := new(dns.Msg)
	req.SetQuestion(q.Name, q.Qtype)
	req.RecursionDesired = true
	if err := conn.WriteMsg(req); err != nil {
		return nil, err
	}
	return conn.ReadMsg()
}

// close stops the sites' stubs and DNS servers and the inbound
// endpoints' servers.
func (s *sites) close(ctx context.Context) error {
	if s == nil {
		return nil
	}
	errs := []error{s.stubs.close()}
	for _, srv := range s.dns {
		errs = append(errs, srv.ShutdownContext(ctx))
	}
	for _, srv := range s.inbound {
		errs = append(errs, srv.Shutdown(ctx))
	}
	s.dns, s.inbound = nil, nil
	return errors.Join(errs...)
}
