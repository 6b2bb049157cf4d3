package analysis

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/diag"
	"github.com/netwright/netwright/internal/portset"
)

// Exposed is one address a source range reaches: Network Access
// Analyzer's question ("what can the internet reach?") answered for
// every interface and internet-facing listener of a real network.
type Exposed struct {
	// Target is the interface or load balancer reached, Addr its address.
	Target string     `json:"target"`
	Addr   netip.Addr `json:"addr"`
	Proto  string     `json:"protocol"`
	Ports  string     `json:"ports"`
	// Source is an address of the range that reaches it.
	Source netip.Addr `json:"source"`
	// Opened names the rules (security group and NACL) that admit it.
	Opened string `json:"opened"`
}

// Internet is every IPv4 address, the range exposure is asked about by
// default.
var everywhere = netip.MustParsePrefix("0.0.0.0/0")

// Exposure lists every interface address and load balancer listener the
// range from reaches, on which ports, with the rules that open them: for
// the internet (the public part of from), interfaces with a public
// address and internet-facing listeners, reached through the internet
// gateway; for the private part, every interface, reached from a host of
// the range in each subnet it overlaps (a host no security group limits).
func (e *Engine) Exposure(from netip.Prefix) []Exposed {
	var out []Exposed
	for i := range e.d.Interfaces {
		n := &e.d.Interfaces[i]
		if n.Type == "nat_gateway" || strings.HasPrefix(n.Owner, "arn:aws:elasticloadbalancing:") || len(n.PrivateIPs) == 0 || e.subnets[n.Subnet] == nil {
			continue
		}
		dst := Endpoint{Kind: EndService, Name: n.ID, VPC: n.VPC, Subnets: []*design.Subnet{e.subnets[n.Subnet]}, Addrs: []netip.Addr{n.PrivateIPs[0]},
			IDs: []string{n.ID}, Groups: n.SecurityGroups, Real: true, PublicIP: n.PublicIP}
		addr := n.PrivateIPs[0]
		var sources []Endpoint
		if n.PublicIP.IsValid() {
			addr = n.PublicIP
			for _, a := range e.internetSources(from, n.SecurityGroups) {
				sources = append(sources, Internet(a))
			}
		}
		sources = append(sources, e.hostsIn(from)...)
		for _, tr := range []string{"tcp", "udp"} {
			got, src := portset.Set{}, netip.Addr{}
			var opened []string
			for _, s := range sources {
				p := e.Query(s, dst, tr, portset.All())
				if p.Ports.IsEmpty() || p.Ports.Subtract(got).IsEmpty() {
					continue
				}
				got = got.Union(p.Ports)
				if !src.IsValid() {
					src = s.Addrs0()
				}
				if a := admitters(p); a != "" && !slices.Contains(opened, a) {
					opened = append(opened, a)
				}
			}
			if !got.IsEmpty() {
				out = append(out, Exposed{Target: n.ID, Addr: addr, Proto: tr, Ports: got.String(), Source: src, Opened: strings.Join(opened, "; ")})
			}
		}
	}
	if from.Contains(clientAddr) || from.Bits() == 0 {
		for i := range e.d.LoadBalancers {
			lb := &e.d.LoadBalancers[i]
			if lb.Scheme != design.InternetFacing {
				continue
			}
			for _, l := range lb.Listeners {
				for _, tr := range []string{"tcp", "udp"} {
					if !listenerCarries(l.Protocol, tr) {
						continue
					}
					a := e.reachLB(Internet(clientAddr), lb, l.Port, tr)
					if a.Reachable {
						opened := fmt.Sprintf("listener %s %d", l.Protocol, l.Port)
						if len(a.Legs) > 0 {
							opened += "; " + admitters(a.Legs[0])
						}
						out = append(out, Exposed{Target: lb.ID, Proto: tr, Ports: fmt.Sprint(l.Port), Source: clientAddr, Opened: opened})
					}
				}
			}
		}
	}
	return out
}

// internetSources are public addresses of from to ask with: a client
// anywhere, and one inside each block a rule of the groups admits.
func (e *Engine) internetSources(from netip.Prefix, groups []string) []netip.Addr {
	var out []netip.Addr
	add := func(a netip.Addr) {
		if private, _ := isPrivate(a); !private && a.IsValid() && from.Contains(a) && !containsAddr(out, a) {
			out = append(out, a)
		}
	}
	if from.Contains(clientAddr) {
		add(clientAddr)
	}
	for _, gid := range groups {
		if g := e.groups[gid]; g != nil {
			for _, r := range g.Ingress {
				for _, c := range append([]netip.Prefix{r.PeerCIDR}, r.PrefixListCIDRs...) {
					if !c.IsValid() || !c.Overlaps(from) {
						continue
					}
					o := c
					if from.Bits() > c.Bits() {
						o = from
					}
					a := o.Addr()
					if o.Bits() < 32 {
						a = a.Next()
					}
					add(a)
				}
			}
		}
	}
	return out
}

func containsAddr(as []netip.Addr, a netip.Addr) bool {
	for _, x := range as {
		if x == a {
			return true
		}
	}
	return false
}

// hostsIn are hosts of the private part of from: one in each subnet the
// range overlaps, limited by no security group.
func (e *Engine) hostsIn(from netip.Prefix) []Endpoint {
	if from.Bits() == 0 {
		return nil
	}
	var out []Endpoint
	for _, v := range e.d.VPCs {
		for i := range v.Subnets {
			s := e.subnets[v.Subnets[i].ID]
			if s == nil || !s.CIDR.Overlaps(from) {
				continue
			}
			a := addrOf(s)
			if !from.Contains(a) {
				a = from.Addr()
			}
			out = append(out, Endpoint{Kind: EndService, Name: "a host of " + from.String(), VPC: v.ID, Subnets: []*design.Subnet{s}, Addrs: []netip.Addr{a}, NoGroups: true, Real: true})
		}
	}
	return out
}

// exposureFindings are NW150's findings: each exposed address, with the
// rules that open it.
func exposureFindings(e *Engine, from netip.Prefix) []Finding {
	var fs []Finding
	what := "the internet"
	if from.Bits() > 0 {
		what = from.String()
	}
	for _, x := range e.Exposure(from) {
		target := x.Target
		if x.Addr.IsValid() {
			target = x.Addr.String() + " (" + x.Target + ")"
		}
		fs = append(fs, Finding{Subject: x.Target + " " + x.Proto,
			Summary: fmt.Sprintf("%s is reachable from %s on %s %s (from %s): %s", target, what, x.Proto, x.Ports, x.Source, x.Opened)})
	}
	return fs
}

var _ = register(Check{
	ID: "NW150", Severity: diag.Warning, Title: "Reachable from the internet (imported networks)",
	Rationale: "Network Access Analyzer's question for a network netwright did not design: every address and port the internet (or `check --from CIDR`) reaches, through internet gateways and internet-facing listeners, is attack surface someone chose or forgot.",
	Fix:       "Read the rules named: narrow or remove the one that opens what should be closed.",
	run: func(d *design.Design, e *Engine) []Finding {
		if !d.Imported() {
			return nil
		}
		return exposureFindings(e, e.from)
	},
})
