package analysis

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/portset"
)

// Explanation is one reason a path is blocked, as Reachability Analyzer
// gives it: the code, the AWS resource, and what netwright found there.
type Explanation struct {
	Code      string `json:"code"`
	Component string `json:"component"`
	Detail    string `json:"detail"`
}

// Answer is what one reachability question found, in Reachability
// Analyzer's terms: whether the destination is reachable, the AWS
// resources on the path in order, and why not.
type Answer struct {
	Reachable    bool          `json:"reachable"`
	Path         []string      `json:"path"`
	Explanations []Explanation `json:"explanations"`
	// Legs are the hop-by-hop paths: one, or two through a load balancer
	// (client to listener, load balancer to each target).
	Legs []Path `json:"legs"`
}

// end is a resolved end of a question: an endpoint, or a load balancer
// (reached through a listener), or a NAT gateway (which accepts no
// connections).
type end struct {
	ep  Endpoint
	lb  *design.LoadBalancer
	nat string
}

// Resolve finds what a name stands for: an interface (eni-), instance
// (i-), ECS task (its ARN or ID), load balancer (ARN, name or DNS
// name), NAT gateway (nat-), a service name, a private or public address
// held by an interface, or "internet". An address no interface holds is a
// host outside the network: on the internet, or (private) on premises.
func (e *Engine) resolve(name string) (end, error) {
	d := e.d
	if name == design.Internet {
		return end{ep: Internet(clientAddr)}, nil
	}
	if a, err := netip.ParseAddr(name); err == nil {
		if n := d.InterfaceAt(a); n != nil {
			return e.resolveInterface(n, a)
		}
		if _, s := d.SubnetAt(a); s != nil {
			return end{ep: Endpoint{Kind: EndService, Name: name, VPC: d.SubnetVPC(s.ID), Subnets: []*design.Subnet{s}, Addrs: []netip.Addr{a}, IDs: []string{name}, Real: true}}, nil
		}
		ep := Internet(a)
		ep.Name = name
		return end{ep: ep}, nil
	}
	if n := d.Interface(name); n != nil {
		return e.resolveInterface(n, netip.Addr{})
	}
	for _, in := range d.Instances {
		if in.ID == name {
			if len(in.Interfaces) == 0 {
				return end{}, fmt.Errorf("instance %s has no network interface", name)
			}
			if n := d.Interface(in.Interfaces[0]); n != nil {
				r, err := e.resolveInterface(n, netip.Addr{})
				r.ep.Name = name
				return r, err
			}
			return end{}, fmt.Errorf("instance %s: its interface %s is not in the network", name, in.Interfaces[0])
		}
	}
	for _, t := range d.Tasks {
		if t.ARN == name || strings.HasSuffix(t.ARN, "/"+name) {
			n := d.Interface(t.Interface)
			if n == nil {
				return end{}, fmt.Errorf("task %s: its interface %q is not in the network", name, t.Interface)
			}
			r, err := e.resolveInterface(n, netip.Addr{})
			r.ep.Name = name
			return r, err
		}
	}
	for i := range d.LoadBalancers {
		lb := &d.LoadBalancers[i]
		if lb.ID == name || lb.Name == name || lb.DNSName != "" && strings.EqualFold(lb.DNSName, name) {
			return end{ep: e.LBEndpoint(lb), lb: lb}, nil
		}
	}
	if _, nat := d.NATGateway(name); nat != nil {
		return end{nat: nat.ID, ep: Endpoint{Name: name}}, nil
	}
	if svc := d.Service(name); svc != nil {
		return end{ep: e.serviceEnd(svc)}, nil
	}
	return end{}, fmt.Errorf("%q is no interface, instance, task, load balancer, NAT gateway, service or address in the design", name)
}

func (e *Engine) resolveInterface(n *design.NetworkInterface, at netip.Addr) (end, error) {
	d := e.d
	if strings.HasPrefix(n.Owner, "arn:aws:elasticloadbalancing:") {
		for i := range d.LoadBalancers {
			if lb := &d.LoadBalancers[i]; lb.ID == n.Owner {
				return end{ep: e.LBEndpoint(lb), lb: lb}, nil
			}
		}
	}
	if n.Type == "nat_gateway" {
		return end{nat: cmp.Or(n.Owner, n.ID), ep: Endpoint{Name: n.ID}}, nil
	}
	s := e.subnets[n.Subnet]
	if s == nil {
		return end{}, fmt.Errorf("interface %s: subnet %s is not in the network", n.ID, n.Subnet)
	}
	addr := at
	if !addr.IsValid() || addr == n.PublicIP {
		if len(n.PrivateIPs) == 0 {
			return end{}, fmt.Errorf("interface %s has no IPv4 address", n.ID)
		}
		addr = n.PrivateIPs[0]
	}
	return end{ep: Endpoint{Kind: EndService, Name: n.ID, VPC: n.VPC, Subnets: []*design.Subnet{s}, Addrs: []netip.Addr{addr}, IDs: []string{n.ID},
		Groups: n.SecurityGroups, Real: true, PublicIP: n.PublicIP}}, nil
}

// serviceEnd is a service's tasks: their own interfaces in an imported
// network when they are known, else the subnets and groups it is placed
// with.
func (e *Engine) serviceEnd(svc *design.Service) Endpoint {
	ep := Endpoint{Kind: EndService, Name: svc.Name}
	for _, t := range e.d.Tasks {
		if t.Service != svc.Name {
			continue
		}
		n := e.d.Interface(t.Interface)
		if n == nil || e.subnets[n.Subnet] == nil || len(n.PrivateIPs) == 0 {
			continue
		}
		ep.VPC, ep.Real, ep.Groups = n.VPC, true, n.SecurityGroups
		ep.Subnets = append(ep.Subnets, e.subnets[n.Subnet])
		ep.Addrs = append(ep.Addrs, n.PrivateIPs[0])
		ep.IDs = append(ep.IDs, n.ID)
	}
	if len(ep.Subnets) > 0 {
		return ep
	}
	out, _ := e.ServiceEndpoint(svc.Name, "")
	return out
}

// lbEndpoint is a load balancer's nodes: its own interfaces when the
// network shows them, else its subnets.
func (e *Engine) lbNodes(lb *design.LoadBalancer) Endpoint {
	ep := Endpoint{Kind: EndLoadBalancer, Name: lb.ID, VPC: lb.VPC, Groups: lb.SecurityGroups, Real: e.d.Imported(), NoGroups: noGroups(e.d, lb)}
	for _, n := range e.d.Interfaces {
		if n.Owner == lb.ID && slices.Contains(lb.Subnets, n.Subnet) && e.subnets[n.Subnet] != nil && len(n.PrivateIPs) > 0 {
			ep.Subnets = append(ep.Subnets, e.subnets[n.Subnet])
			ep.Addrs = append(ep.Addrs, n.PrivateIPs[0])
			ep.IDs = append(ep.IDs, n.ID)
		}
	}
	if len(ep.Subnets) == 0 {
		for _, s := range lb.Subnets {
			if e.subnets[s] != nil {
				ep.Subnets = append(ep.Subnets, e.subnets[s])
			}
		}
	}
	if lb.Scheme == design.InternetFacing {
		// Its nodes have public addresses.
		ep.PublicIP = netip.MustParseAddr("192.0.2.1")
	}
	return ep
}

// listenerCarries reports whether a listener protocol carries a transport.
func listenerCarries(protocol, transport string) bool {
	switch protocol {
	case "UDP":
		return transport == "udp"
	case "TCP_UDP":
		return true
	case "GENEVE":
		return transport == "udp"
	}
	return transport == "tcp"
}

// ReachAWS answers one question about a network in Reachability
// Analyzer's terms: can src open connections to dst on port over proto,
// along which AWS resources, and if not, why, with AWS's explanation
// codes. src and dst are what Resolve takes.
func (e *Engine) ReachAWS(src, dst string, port int, proto string) (Answer, error) {
	s, err := e.resolve(src)
	if err != nil {
		return Answer{}, err
	}
	t, err := e.resolve(dst)
	if err != nil {
		return Answer{}, err
	}
	if s.lb != nil {
		return Answer{}, fmt.Errorf("%s is a load balancer: it forwards connections but opens none of its own; ask from a client", src)
	}
	if s.nat != "" {
		return Answer{}, fmt.Errorf("%s is a NAT gateway: it translates connections but opens none of its own", src)
	}
	if s.ep.Kind == EndInternet && t.ep.Kind == EndInternet {
		return Answer{}, fmt.Errorf("neither %s nor %s is in the network", src, dst)
	}
	want := portset.Of(port, port)
	var a Answer
	switch {
	case t.nat != "":
		a.Explanations = []Explanation{{Code: CodeNoPossibleDestination, Component: t.nat,
			Detail: "a NAT gateway accepts no connections: it translates connections its VPC opens and drops what arrives unasked"}}
		a.Path = []string{cmp.Or(first(s.ep.IDs), s.ep.Name), t.nat}
	case t.lb != nil:
		a = e.reachLB(s.ep, t.lb, port, proto)
	default:
		p := e.Query(s.ep, t.ep, proto, want)
		a.Legs = []Path{p}
		a.Reachable = p.Ports.Contains(port)
		a.Path = p.Components
		a.Explanations = Explain(p)
	}
	if a.Explanations == nil {
		a.Explanations = []Explanation{}
	}
	if a.Legs == nil {
		a.Legs = []Path{}
	}
	if a.Path == nil {
		a.Path = []string{}
	}
	return a, nil
}

// Explain lists a path's blocking hops as explanations, each once.
func Explain(p Path) []Explanation {
	var out []Explanation
	for _, h := range p.Hops {
		if h.Allowed || h.Code == "" {
			continue
		}
		x := Explanation{Code: h.Code, Component: h.Component, Detail: h.Where + ": " + h.Detail}
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// noGroups reports whether no security group filters a load
// balancer: an NLB made without groups (an imported load balancer's
// groups are as AWS says).
func noGroups(d *design.Design, lb *design.LoadBalancer) bool {
	return len(lb.SecurityGroups) == 0 && (d.Imported() || lb.Type == design.NLB)
}

// forwardedFrom is what a target sees of a connection a load
// balancer's nodes send on with the client's address preserved: the
// nodes, in their subnets and with their security groups, at the
// client's address, and the answers going back to the node that keeps
// the flow (Forwarded). A target's rule naming the load balancer's group
// admits it whatever the client (AWS matches a group reference by the
// sending interface:
// https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-security-groups.html);
// a rule by address block must admit the client's address, and must for
// an NLB without groups.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/network/edit-target-group-attributes.html#client-ip-preservation
func forwardedFrom(nodes, client Endpoint) Endpoint {
	from := nodes
	from.Forwarded = true
	from.Addrs = make([]netip.Addr, len(nodes.Subnets))
	for i := range from.Addrs {
		from.Addrs[i] = client.Addrs0()
	}
	return from
}

// reachLB follows a connection to a load balancer's listener and on to
// its targets: the listener must accept the port and transport, a target
// group must have targets in the load balancer's zones (or any zone with
// cross-zone), and one target must be reachable from the load balancer's
// nodes (from the client, when the group preserves its address).
func (e *Engine) reachLB(src Endpoint, lb *design.LoadBalancer, port int, proto string) Answer {
	var a Answer
	nodes := e.lbNodes(lb)
	if src.Kind == EndInternet && lb.Scheme != design.InternetFacing {
		a.Explanations = []Explanation{{Code: CodeIGWPrivateIPIngress, Component: lb.ID, Detail: lb.Name + " is internal: it has no public address the internet can reach"}}
		a.Path = []string{"internet", lb.ID}
		return a
	}
	var ln *design.Listener
	for i := range lb.Listeners {
		if lb.Listeners[i].Port == port && listenerCarries(lb.Listeners[i].Protocol, proto) {
			ln = &lb.Listeners[i]
		}
	}
	if ln == nil {
		var ports []string
		for _, l := range lb.Listeners {
			ports = append(ports, fmt.Sprintf("%s %d", l.Protocol, l.Port))
		}
		a.Explanations = []Explanation{{Code: CodeELBv2ListenersMatch, Component: lb.ID,
			Detail: fmt.Sprintf("%s has no listener for %s %d (it listens on %s)", lb.Name, proto, port, cmp.Or(strings.Join(ports, ", "), "nothing"))}}
		a.Path = []string{cmp.Or(first(src.IDs), src.Name), lb.ID}
		return a
	}
	in := e.Query(src, nodes, proto, portset.Of(port, port))
	in.To = lb.ID + " " + ln.ID
	a.Legs = []Path{in}
	a.Path = append(slices.Clone(in.Components), ln.ID)
	if !in.Ports.Contains(port) {
		a.Explanations = Explain(in)
		return a
	}
	tgs := e.targetGroupsOf(*ln)
	if len(tgs) == 0 {
		// A listener that redirects or answers itself: the load balancer
		// is the far end.
		a.Reachable = true
		return a
	}
	azs := map[string]bool{}
	for _, s := range nodes.Subnets {
		azs[s.AZ] = true
	}
	targets, outside := 0, 0
	var blocked *Path
	for _, tg := range tgs {
		for _, t := range tg.Targets {
			te, ok := e.targetEnd(t)
			if !ok {
				continue
			}
			targets++
			if te.Subnets[0] != nil && !azs[te.Subnets[0].AZ] {
				outside++
				continue
			}
			from := nodes
			if tg.PreserveClientIP && lb.Type == design.NLB {
				from = forwardedFrom(nodes, src)
			}
			p := e.Query(from, te, design.Transport(strings.ToLower(tg.Protocol)), portset.Of(t.Port, t.Port))
			p.From = lb.ID
			if p.Ports.Contains(t.Port) {
				a.Reachable = true
				a.Legs = append(a.Legs, p)
				a.Path = append(a.Path, tg.ID)
				a.Path = append(a.Path, p.Components...)
				a.Explanations = nil
				return a
			}
			if blocked == nil {
				blocked = &p
			}
		}
	}
	switch {
	case targets == 0:
		a.Explanations = []Explanation{{Code: CodeELBv2ListenerNoTG, Component: ln.ID, Detail: "the listener's target groups have no registered targets"}}
	case outside == targets:
		a.Explanations = []Explanation{{Code: CodeELBv2NoTargetsInAZ, Component: lb.ID, Detail: "every target is in an Availability Zone the load balancer is not enabled in, so none receives traffic"}}
	case blocked != nil:
		a.Legs = append(a.Legs, *blocked)
		a.Explanations = Explain(*blocked)
	}
	return a
}

// Addrs0 is the end's first address: the client's for the internet.
func (ep Endpoint) Addrs0() netip.Addr {
	if ep.Kind == EndInternet {
		return ep.Addr
	}
	if len(ep.Addrs) > 0 {
		return ep.Addrs[0]
	}
	if len(ep.Subnets) > 0 && ep.Subnets[0] != nil {
		return addrOf(ep.Subnets[0])
	}
	return netip.Addr{}
}

// targetEnd is a registered target: an IP address (the interface holding
// it, or the subnet holding it) or an instance.
func (e *Engine) targetEnd(t design.Target) (Endpoint, bool) {
	r, err := e.resolve(t.ID)
	if err != nil || r.lb != nil || r.nat != "" || r.ep.Kind == EndInternet || len(r.ep.Subnets) == 0 {
		return Endpoint{}, false
	}
	return r.ep, true
}
