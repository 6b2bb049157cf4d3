package up

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/netip"
	"strconv"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/runtime/nlb"
)

// servedNLB is one NLB listener being served.
type servedNLB struct {
	lb   *design.LoadBalancer
	l    *design.Listener
	x    *nlb.Listener
	addr string
}

// nodeAddr is the loopback twin of the address an NLB node would have:
// the last usable address of the load balancer's first subnet (tasks are
// numbered from the bottom). Invalid when tasks do not get their own
// addresses (not Linux) or the subnet is unknown.
func nodeAddr(d *design.Design, lb *design.LoadBalancer, perTask bool) netip.Addr {
	if !perTask || len(lb.Subnets) == 0 {
		return netip.Addr{}
	}
	for _, v := range d.VPCs {
		for _, s := range v.Subnets {
			if s.ID != lb.Subnets[0] || !s.CIDR.Addr().Is4() {
				continue
			}
			p := s.CIDR.Masked()
			b := p.Addr().As4()
			host := uint32(1)<<(32-p.Bits()) - 2 // the last usable: AWS keeps the broadcast address
			n := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3]) + host
			return netip.AddrFrom4([4]byte{127, byte(n >> 16), byte(n >> 8), byte(n)})
		}
	}
	return netip.Addr{}
}

// startNLB serves every listener of a network load balancer: TCP and TLS
// on a TCP socket, UDP on a UDP one, TCP_UDP on both, each on its
// designed port plus the offset.
func (rt *Runtime) startNLB(ctx context.Context, d *design.Design, lb *design.LoadBalancer, opt Options, tasks map[string][]Task,
	listen func(what, addr string) (net.Listener, error), certs []tls.Certificate, perTask bool) error {
	node := nodeAddr(d, lb, perTask)
	for j := range lb.Listeners {
		l := &lb.Listeners[j]
		o := nlb.Options{Node: node, TimeScale: opt.TimeScale}
		if l.Protocol == "TLS" {
			o.TLS = &tls.Config{Certificates: certs, MinVersion: tls.VersionTLS12}
		}
		x, err := nlb.New(lb, l, d.TargetGroups, o)
		if err != nil {
			return err
		}
		rt.nlbs = append(rt.nlbs, x)
		tg := targetGroup(d, x.TargetGroup())
		for _, t := range tasks[tg.Service] {
			if err := x.Register(t.ID, t.Addr); err != nil {
				return err
			}
		}
		addr := "127.0.0.1:" + strconv.Itoa(l.Port+opt.PortOffset)
		if opt.Ephemeral {
			addr = "127.0.0.1:0"
		}
		what := fmt.Sprintf("%s listener %d", lb.Name, l.Port)
		if l.Protocol != "UDP" {
			ln, err := listen(what, addr)
			if err != nil {
				return fmt.Errorf("%w (change the offset with --port-offset)", err)
			}
			rt.tcp = append(rt.tcp, ln)
			addr = ln.Addr().String() // TCP_UDP: UDP on the same port
			go x.ServeTCP(ln)
		}
		if l.Protocol == "UDP" || l.Protocol == "TCP_UDP" {
			ua, _ := net.ResolveUDPAddr("udp", addr)
			pc, err := net.ListenUDP("udp", ua)
			if err != nil {
				return fmt.Errorf("%s on %s (udp): %w (change the offset with --port-offset)", what, addr, err)
			}
			rt.udp = append(rt.udp, pc)
			addr = pc.LocalAddr().String()
			go x.ServeUDP(pc)
		}
		rt.nlbListeners = append(rt.nlbListeners, servedNLB{lb: lb, l: l, x: x, addr: addr})
		rt.Entries = append(rt.Entries, Entry{LoadBalancer: lb.Name, Scheme: lb.Scheme, Protocol: l.Protocol, Port: l.Port, Addr: addr})
		go x.RunHealthChecks(ctx)
	}
	return nil
}
