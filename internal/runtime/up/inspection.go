package up

import (
	"context"
	"fmt"
	"hash/fnv"
	"net"
	"net/netip"
	"time"

	proxyproto "github.com/pires/go-proxyproto"

	"github.com/netwright/netwright/internal/design"
)

// Inspection through a Gateway Load Balancer, locally: where the design
// routes traffic between a load balancer's subnet and a target through a
// GWLB endpoint, the load balancer's connection to the target goes to one
// of the appliance service's tasks instead, chosen by a hash of the flow
// (so both directions of a flow meet the same appliance, as GWLB keeps
// them), with a PROXY protocol v2 header carrying the original source and
// destination in place of GWLB's GENEVE encapsulation. The appliance
// (netwright's built-in pass-through unless the service has `run`) reads
// the header, counts the flow and connects on to the destination from
// the original source's address, so the target sees what it would
// without inspection.

// gateway is a design's GWLB in front of its appliance's tasks.
type gateway struct {
	appliances []Task
	// route is the route table of each subnet, for finding inspected
	// paths; designed maps a task's local address to its designed one.
	d        *design.Design
	designed map[string]netip.Addr
}

// newGateway returns the design's GWLB and its appliances, or nil when
// the design has no GWLB with a running appliance service.
func newGateway(d *design.Design, byService map[string][]Task, designed map[string]netip.Addr) *gateway {
	for _, lb := range d.LoadBalancers {
		if lb.Type != design.GWLB || len(lb.Listeners) == 0 || len(lb.Listeners[0].DefaultAction.Forward) == 0 {
			continue
		}
		tg := targetGroup(d, lb.Listeners[0].DefaultAction.Forward[0].TargetGroup)
		if tg == nil || len(byService[tg.Service]) == 0 {
			continue
		}
		return &gateway{appliances: byService[tg.Service], d: d, designed: designed}
	}
	return nil
}

// inspected reports whether the design sends traffic from subnet to dst
// through a GWLB endpoint: the route its route table takes for dst targets
// one, or targets a Transit Gateway whose route for dst (in the table
// associated with the subnet's VPC attachment) leads to an attachment whose
// subnets route dst to one. That is the hub-spoke east_west path: spoke,
// Transit Gateway, the hub's transit subnets, the GWLB endpoint. The route
// lookups are design's, the ones the verifier follows.
func inspected(d *design.Design, subnet string, dst netip.Addr) bool {
	vpc, s := d.Subnet(subnet)
	if s == nil {
		return false
	}
	_, rt := d.RouteTable(s.RouteTable)
	r := routeFor(rt, dst)
	if r == nil {
		return false
	}
	if r.TargetKind == design.TargetGWLBEndpoint {
		return true
	}
	if r.TargetKind != design.TargetTransitGateway {
		return false
	}
	tgw, from := d.AttachmentOf(vpc.ID)
	if tgw == nil || tgw.ID != r.Target {
		return false
	}
	_, next := tgw.RouteFor(from.ID, dst)
	if next == nil {
		return false
	}
	for _, a := range tgw.Attachments {
		if a.ID != next.Attachment || a.VPC == vpc.ID || len(a.Subnets) == 0 {
			continue
		}
		_, entry := d.Subnet(a.Subnets[0])
		_, t := d.RouteTable(entry.RouteTable)
		if r := routeFor(t, dst); r != nil && r.TargetKind == design.TargetGWLBEndpoint {
			return true
		}
	}
	return false
}

// routeFor is the route a table takes for dst, or nil without a table.
func routeFor(rt *design.RouteTable, dst netip.Addr) *design.Route {
	if rt == nil {
		return nil
	}
	return rt.RouteFor(dst)
}

// subnetOf returns the subnet whose CIDR holds a designed address.
func subnetOf(d *design.Design, a netip.Addr) string {
	if _, s := d.SubnetAt(a); s != nil {
		return s.ID
	}
	return ""
}

// taskDialer is how a task calls its dependencies: from its own address,
// through an appliance where the design inspects the path from its subnet
// (east_west), with the gateway current at each dial.
func (rt *Runtime) taskDialer(taskAddr string) func(ctx context.Context, network, addr string) (net.Conn, error) {
	host, _, _ := net.SplitHostPort(taskAddr)
	src, _ := netip.ParseAddr(host)
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		g := rt.gateway.Load()
		subnet := ""
		if g != nil {
			subnet = subnetOf(g.d, g.designed[taskAddr])
		}
		return g.dialerFrom(subnet)(ctx, network, addr, src)
	}
}

// edgeInspected reports whether the internet reaches a subnet through a
// GWLB endpoint: the route table on its VPC's internet gateway (ingress
// routing) sends the subnet's traffic to one. That is where the design
// inspects the traffic of internet-facing load balancers.
func edgeInspected(d *design.Design, subnet string) bool {
	v, s := d.Subnet(subnet)
	if s == nil {
		return false
	}
	r := routeFor(v.EdgeTable(), s.CIDR.Addr())
	return r != nil && r.TargetKind == design.TargetGWLBEndpoint
}

// dialer returns how a load balancer in subnet reaches its targets:
// through an appliance where the design inspects the path, else directly.
// The traffic of an internet-facing load balancer whose subnet the
// internet reaches through a GWLB endpoint is inspected in AWS before it
// reaches the load balancer; locally the load balancer's connections to
// its targets pass the appliance instead, which then sees the load
// balancer's side as the flow's source rather than the client's.
func (g *gateway) dialer(subnet string) func(ctx context.Context, network, addr string) (net.Conn, error) {
	if g != nil && edgeInspected(g.d, subnet) {
		return g.throughAppliance
	}
	dial := g.dialerFrom(subnet)
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		return dial(ctx, network, addr, netip.Addr{})
	}
}

// dialerFrom is dialer for a load balancer that connects from a given
// source (an NLB keeping the client's address); the appliance sees that
// source as the flow's.
func (g *gateway) dialerFrom(subnet string) func(ctx context.Context, network, addr string, src netip.Addr) (net.Conn, error) {
	return func(ctx context.Context, network, addr string, src netip.Addr) (net.Conn, error) {
		direct := &net.Dialer{Timeout: 10 * time.Second}
		if src.IsValid() {
			direct.LocalAddr = &net.TCPAddr{IP: src.AsSlice()}
		}
		if g == nil {
			return direct.DialContext(ctx, network, addr)
		}
		dst, ok := g.designed[addr]
		if !ok || !inspected(g.d, subnet, dst) && !edgeInspected(g.d, subnet) {
			return direct.DialContext(ctx, network, addr)
		}
		return g.appliance(ctx, direct, network, addr)
	}
}

// throughAppliance dials addr through an appliance task.
func (g *gateway) throughAppliance(ctx context.Context, network, addr string) (net.Conn, error) {
	return g.appliance(ctx, &net.Dialer{Timeout: 10 * time.Second}, network, addr)
}

// appliance connects to the appliance task of a flow with a PROXY v2
// header naming the original source and destination.
func (g *gateway) appliance(ctx context.Context, direct *net.Dialer, network, addr string) (net.Conn, error) {
	c, err := direct.DialContext(ctx, network, g.pick(addr))
	if err != nil {
		return nil, fmt.Errorf("appliance: %w", err)
	}
	to, _ := net.ResolveTCPAddr("tcp", addr)
	h := proxyproto.HeaderProxyFromAddrs(2, c.LocalAddr(), to)
	if _, err := h.WriteTo(c); err != nil {
		c.Close()
		return nil, fmt.Errorf("appliance: %w", err)
	}
	return c, nil
}

// pick chooses the appliance of a flow.
func (g *gateway) pick(flow string) string {
	h := fnv.New64a()
	h.Write([]byte(flow))
	return g.appliances[h.Sum64()%uint64(len(g.appliances))].Addr
}
