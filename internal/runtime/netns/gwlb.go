//go:build linux

package netns

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"slices"
	"strconv"
	"sync/atomic"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/runtime/geneve"
)

// Gateway Load Balancers, as AWS runs them: a packet the router sends to
// a GWLB endpoint goes from the endpoint's namespace over a link of its
// own (PrivateLink: no route table, group or NACL between them) to the
// GWLB's node in the endpoint's AZ (cross-zone load balancing off, as
// the design has it), a namespace at an address in the GWLB's subnet
// there. The node reads it from a TUN device of the endpoint's, wraps it
// in GENEVE with AWS's options (geneve: the endpoint, the flow's cookie)
// and sends it over UDP 6081 through the router, where the appliances'
// groups and NACLs see it, to one of the target service's tasks in its
// AZ, chosen by a hash both directions of a flow share (GWLB's flow
// stickiness). The appliance sends the packet back as it came; the node
// unwraps it and writes it to the endpoint's TUN device, the kernel
// hands it back to the endpoint over the link, and the endpoint to the
// router, which routes it on with the endpoint subnet's table. An
// appliance that drops a packet drops it from the path; with no
// appliance running in its AZ the node drops everything, as a GWLB with
// no healthy target in a zone without cross-zone load balancing does.

// gwlbNode is a GWLB's node in one AZ.
type gwlbNode struct {
	lb   *design.LoadBalancer
	eni  *ENI
	az   string
	conn *net.UDPConn
	// targets are the appliances of the GWLB's target service in the
	// node's AZ, kept current as tasks attach and detach.
	targets atomic.Pointer[[]netip.Addr]
	// endpoints are those of the GWLB's endpoints in the node's AZ.
	endpoints map[uint64]*gwlbEndpoint
}

// gwlbEndpoint is an endpoint's side of the node: its TUN device there.
type gwlbEndpoint struct {
	id    string
	index uint64 // the endpoint option's value
	tun   *os.File
}

// Kernel tables of the GWLB paths: in an endpoint's namespace, what came
// from the router goes to the node; in a node's, what came from an
// endpoint goes to its TUN device and what the TUN device gives back to
// the endpoint.
const (
	toNodeTable  = 10
	toTUNTable   = 100
	fromTUNTable = 200
)

// buildGWLBs makes every GWLB's nodes, one in each of its subnets, and
// joins each GWLB endpoint to the node in its AZ.
func (f *Fabric) buildGWLBs() error {
	for i := range f.d.LoadBalancers {
		lb := &f.d.LoadBalancers[i]
		if lb.Type != design.GWLB {
			continue
		}
		for _, sid := range lb.Subnets {
			sn := f.subnets[sid]
			if sn == nil {
				return fmt.Errorf("gateway load balancer %s: no subnet %s", lb.ID, sid)
			}
			// The last usable address but one: the top three are a load
			// balancer node's, a NAT gateway's and a GWLB endpoint's, and
			// no NAT gateway is in a GWLB's subnet.
			addr := plus(LastUsable(sn.s.CIDR), ^uint32(0))
			e, err := f.attach(Attachment{Owner: lb.ID + "-" + sn.s.AZ, Subnet: sid, Addr: addr}, true)
			if err != nil {
				return fmt.Errorf("gateway load balancer %s: %w", lb.ID, err)
			}
			n := &gwlbNode{lb: lb, eni: e, az: sn.s.AZ, endpoints: map[uint64]*gwlbEndpoint{}}
			n.targets.Store(&[]netip.Addr{})
			pc, err := e.NS.ListenPacket("udp", netip.AddrPortFrom(addr, geneve.Port).String())
			if err != nil {
				return fmt.Errorf("gateway load balancer %s: %w", lb.ID, err)
			}
			n.conn = pc.(*net.UDPConn)
			if err := geneve.Fragmentable(n.conn); err != nil {
				return err
			}
			f.gwlbNodes = append(f.gwlbNodes, n)
		}
	}
	for _, g := range f.d.GatewayLoadBalancerEndpoints {
		e := f.vpcs[f.subnets[g.Subnet].vpc.ID].gwlbes[g.ID]
		var node *gwlbNode
		for _, n := range f.gwlbNodes {
			if n.lb.ID == g.LoadBalancer && (node == nil || n.az == g.AZ) {
				node = n
			}
		}
		if node == nil {
			continue // its GWLB is not in the design: the endpoint passes packets on
		}
		if err := f.joinEndpoint(e, g.ID, node); err != nil {
			return fmt.Errorf("GWLB endpoint %s: %w", g.ID, err)
		}
	}
	for _, n := range f.gwlbNodes {
		f.goroutines.Go(func() { f.serveNode(n) })
		for _, ep := range n.endpoints {
			f.goroutines.Go(func() { f.serveTUN(n, ep) })
		}
	}
	return nil
}

// joinEndpoint links an endpoint's namespace to its node and gives it a
// TUN device there.
func (f *Fabric) joinEndpoint(e *ENI, id string, n *gwlbNode) error {
	p, err := f.link(e.NS, n.eni.NS, 0)
	if err != nil {
		return err
	}
	eth, err := e.NS.nl.LinkByName("eth0")
	if err != nil {
		return err
	}
	index := uint64(len(f.gwlbEndpoints) + 1)
	// In the endpoint: what the router sends goes to the node.
	if err := policy(e.NS.nl, eth.Attrs().Name, toNodeTable, p.here, p.thereAddr); err != nil {
		return err
	}
	name := "g" + strconv.FormatUint(index, 10)
	tun, err := openTUN(n.eni.NS, name)
	if err != nil {
		return err
	}
	ep := &gwlbEndpoint{id: id, index: index, tun: tun}
	f.gwlbEndpoints = append(f.gwlbEndpoints, ep)
	n.endpoints[index] = ep
	tl, err := n.eni.NS.nl.LinkByName(name)
	if err != nil {
		return err
	}
	if err := n.eni.NS.nl.LinkSetUp(tl); err != nil {
		return err
	}
	// In the node: from the endpoint into its TUN device, and what the
	// device gives back to the endpoint.
	if err := policy(n.eni.NS.nl, p.there.Attrs().Name, toTUNTable+int(index), tl, netip.Addr{}); err != nil {
		return err
	}
	return policy(n.eni.NS.nl, name, fromTUNTable+int(index), p.there, p.hereAddr)
}

// policy routes every packet that arrives on interface iif by a table
// of its own: a default route out of link (to gw, when valid).
func policy(h *netlink.Handle, iif string, table int, link netlink.Link, gw netip.Addr) error {
	r := netlink.NewRule()
	r.IifName, r.Table, r.Priority = iif, table, rulePrio
	if err := h.RuleAdd(r); err != nil {
		return fmt.Errorf("rule for %s: %w", iif, err)
	}
	route := &netlink.Route{Table: table, Dst: prefixNet(netip.MustParsePrefix("0.0.0.0/0")), LinkIndex: link.Attrs().Index}
	if gw.IsValid() {
		route.Gw, route.Flags = gw.AsSlice(), int(netlink.FLAG_ONLINK)
	} else {
		route.Scope = netlink.SCOPE_LINK
	}
	if err := h.RouteReplace(route); err != nil {
		return fmt.Errorf("route from %s: %w", iif, err)
	}
	return nil
}

// openTUN makes a TUN device (IPv4 packets, no header) in a namespace.
func openTUN(ns *Namespace, name string) (*os.File, error) {
	fd := -1
	err := ns.Do(func() error {
		var err error
		if fd, err = unix.Open("/dev/net/tun", unix.O_RDWR|unix.O_CLOEXEC|unix.O_NONBLOCK, 0); err != nil {
			return err
		}
		ifr, err := unix.NewIfreq(name)
		if err != nil {
			return err
		}
		ifr.SetUint16(unix.IFF_TUN | unix.IFF_NO_PI)
		return unix.IoctlIfreq(fd, unix.TUNSETIFF, ifr)
	})
	if err != nil {
		if fd >= 0 {
			unix.Close(fd)
		}
		return nil, fmt.Errorf("TUN device %s: %w", name, err)
	}
	return os.NewFile(uintptr(fd), name), nil
}

// serveTUN wraps what an endpoint sends the node and sends it to an
// appliance, until the device closes.
func (f *Fabric) serveTUN(n *gwlbNode, ep *gwlbEndpoint) {
	buf := make([]byte, 1<<16)
	out := make([]byte, 0, 1<<16+128)
	for {
		k, err := ep.tun.Read(buf)
		if err != nil {
			if errors.Is(err, os.ErrClosed) {
				return
			}
			continue
		}
		pkt := buf[:k]
		fl, ok := geneve.FlowOf(pkt)
		targets := *n.targets.Load()
		if !ok || len(targets) == 0 {
			continue
		}
		h := fl.Hash()
		to := targets[h%uint32(len(targets))]
		out = geneve.Append(out[:0], geneve.Header{Endpoint: ep.index, Cookie: h}, pkt)
		_, _ = n.conn.WriteToUDPAddrPort(out, netip.AddrPortFrom(to, geneve.Port))
	}
}

// serveNode unwraps what the appliances send back and hands each packet
// to the endpoint it came through, until the socket closes.
func (f *Fabric) serveNode(n *gwlbNode) {
	buf := make([]byte, 1<<16+128)
	for {
		k, from, err := n.conn.ReadFromUDPAddrPort(buf)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		if !slices.Contains(*n.targets.Load(), from.Addr()) {
			continue // not one of the GWLB's appliances
		}
		h, inner, err := geneve.Parse(buf[:k])
		if err != nil {
			continue
		}
		if ep := n.endpoints[h.Endpoint]; ep != nil {
			_, _ = ep.tun.Write(inner)
		}
	}
}

// steer keeps each GWLB node's appliances current: the interfaces of
// its target group's service in its AZ. The caller holds f.mu.
func (f *Fabric) steer() {
	for _, n := range f.gwlbNodes {
		service := ""
		for _, l := range n.lb.Listeners {
			for _, fw := range l.DefaultAction.Forward {
				for _, tg := range f.d.TargetGroups {
					if tg.ID == fw.TargetGroup {
						service = tg.Service
					}
				}
			}
		}
		var out []netip.Addr
		for _, e := range f.enis {
			if service != "" && e.Service == service && f.subnets[e.Subnet].s.AZ == n.az {
				out = append(out, e.Addr)
			}
		}
		slices.SortFunc(out, netip.Addr.Compare)
		n.targets.Store(&out)
	}
}

// closeGWLBs closes the nodes' sockets and devices and waits for their
// goroutines.
func (f *Fabric) closeGWLBs() error {
	var errs []error
	for _, n := range f.gwlbNodes {
		if n.conn != nil {
			errs = append(errs, n.conn.Close())
		}
		for _, ep := range n.endpoints {
			errs = append(errs, ep.tun.Close())
		}
	}
	f.goroutines.Wait()
	return errors.Join(errs...)
}
