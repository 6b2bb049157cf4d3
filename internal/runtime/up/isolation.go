package up

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/miekg/dns"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/runtime/accept"
	"github.com/netwright/netwright/internal/runtime/discovery"
	"github.com/netwright/netwright/internal/runtime/health"
	"github.com/netwright/netwright/internal/runtime/netns"
	"github.com/netwright/netwright/internal/runtime/nlb"
)

// Isolation modes (Options.Isolation).
const (
	// IsolationLoopback runs every task on a loopback twin of its
	// address: nothing stands between tasks.
	IsolationLoopback = "loopback"
	// IsolationNetns runs every task, load balancer node, NAT gateway
	// and GWLB endpoint in a network namespace of its own at its
	// designed address, behind a VPC router that applies the design's
	// routes, security groups and NACLs to every packet
	// (internal/runtime/netns).
	IsolationNetns = "netns"
	// IsolationAuto is netns where this process may make namespaces,
	// else loopback, with a note saying why.
	IsolationAuto = "auto"
)

// fabricRuns numbers the fabrics of this process, for their names.
var fabricRuns atomic.Int64

// isolate chooses the isolation and, for netns, builds the fabric, the
// VPC resolvers and the flow logs.
func (rt *Runtime) isolate(d *design.Design) error {
	mode := cmp.Or(rt.opt.Isolation, IsolationLoopback)
	switch mode {
	case IsolationLoopback:
		rt.Isolation = IsolationLoopback
		return nil
	case IsolationNetns, IsolationAuto:
	default:
		return fmt.Errorf("isolation %q is not one of loopback, netns and auto", mode)
	}
	if gone, err := netns.RemoveLeftovers(); err == nil && len(gone) > 0 {
		rt.Notes = append(rt.Notes, fmt.Sprintf("Removed %d network namespaces a run that is gone left behind.", len(gone)))
	}
	f, err := netns.New(d, int(fabricRuns.Add(1)))
	if err != nil {
		if mode == IsolationNetns {
			if netns.InUserNamespace() {
				return fmt.Errorf("--isolation netns, rootless in a user namespace of its own: %w (the kernel refused it there; as root it may not)", err)
			}
			return fmt.Errorf("--isolation netns: %w (it needs root, or CAP_NET_ADMIN and CAP_SYS_ADMIN; `netwright up` run by a user who is not root makes a user namespace for it where the kernel allows)", err)
		}
		rt.Isolation = IsolationLoopback
		rt.Notes = append(rt.Notes, fmt.Sprintf("Isolation: loopback, as network namespaces could not be made (%v): nothing stands between tasks.", err))
		return nil
	}
	rt.fabric, rt.Isolation = f, IsolationNetns
	rootless := ""
	if netns.InUserNamespace() {
		rootless = ", rootless: in a user namespace of its own, its user root there alone"
	}
	rt.Notes = append(rt.Notes, fmt.Sprintf("Isolation: netns: every task in a network namespace at its designed address, security groups, NACLs and routes on every packet (namespaces %s-* in %s%s).", f.Run(), netns.Dir(), rootless))
	if rootless != "" && rt.opt.ExecSocket != "" {
		s, err := netns.ServeExec(rt.opt.ExecSocket, rt.netnsTask)
		if err != nil {
			return fmt.Errorf("the exec socket %s: %w", rt.opt.ExecSocket, err)
		}
		rt.execs = s
	}
	if err := rt.internet.serve(d, f); err != nil {
		return err
	}
	if err := rt.startSites(d, f); err != nil {
		return err
	}
	for i, a := range f.Resolvers() {
		outside := rt.vpcResolver(d, d.VPCs[i].ID)
		addr := netip.AddrPortFrom(a, 53).String()
		pc, err := f.Router().ListenPacket("udp", addr)
		if err != nil {
			return fmt.Errorf("VPC resolver %s: %w", addr, err)
		}
		ln, err := f.Router().Listen("tcp", addr)
		if err != nil {
			pc.Close()
			return fmt.Errorf("VPC resolver %s: %w", addr, err)
		}
		rt.resolvers = append(rt.resolvers, rt.reg.ServeDNSOnOutside(pc, ln, outside))
	}
	return rt.startFlowLogs(d)
}

// reloadFabric makes the fabric follow a reloaded design: its groups and
// NACLs are compiled anew; a change to the VPCs' layout needs a restart.
func (rt *Runtime) reloadFabric(d *design.Design) error {
	if rt.fabric == nil {
		return nil
	}
	rt.collectFlows() // counts of the rules that go
	return rt.fabric.Update(d)
}

// taskSubnet is the subnet of the design that holds a task's place.
func taskSubnet(d *design.Design, a netip.Addr) *design.Subnet {
	_, s := d.SubnetAt(a)
	return s
}

// attachTask opens a new task in a namespace of its own: the planned
// address of its place, or, when a task still holds that one (a reload
// starting it anew while its predecessor drains, or ECS's replacement),
// the next address of its subnet no task holds or is planned on. Its
// socket opens inside the namespace on the service's port.
func (rt *Runtime) attachTask(d *design.Design, s *design.Service, id, spec string, pl place, held, planned map[netip.Addr]bool) (*runningTask, error) {
	sub := taskSubnet(d, pl.designed)
	if sub == nil {
		return nil, fmt.Errorf("task %s: no subnet holds %s", id, pl.designed)
	}
	top := netns.TasksBelow(sub.CIDR)
	a := pl.designed
	for held[a] || a != pl.designed && planned[a] {
		a = a.Next()
		if !sub.CIDR.Contains(a) || !a.Less(top) {
			return nil, fmt.Errorf("task %s: subnet %s has no free address", id, sub.ID)
		}
	}
	owner := id
	for n := 2; rt.fabric.ENI(owner) != nil; n++ {
		owner = id + "." + strconv.Itoa(n) // its predecessor, draining
	}
	var groups []string
	if len(s.Placements) > 0 {
		groups = s.Placements[0].SecurityGroups
	}
	eni, err := rt.fabric.Attach(netns.Attachment{Owner: owner, Service: s.Name, Subnet: sub.ID, Addr: a, Groups: groups})
	if err != nil {
		return nil, fmt.Errorf("task %s: %w", id, err)
	}
	t := &runningTask{Task: Task{Service: s.Name, ID: id}, spec: spec, designed: a, eni: eni, fabric: rt.fabric}
	hostPort := netip.AddrPortFrom(a, uint16(s.Port)).String()
	// An appliance takes GENEVE from its GWLB's nodes on its UDP port.
	if s.Protocol == design.ProtoUDP {
		pc, err := eni.NS.ListenPacket("udp", hostPort)
		if err != nil {
			rt.fabric.Detach(eni)
			return nil, fmt.Errorf("task %s: %w", id, err)
		}
		t.pc, t.Addr = pc, hostPort
	} else {
		ln, err := eni.NS.Listen("tcp", hostPort)
		if err != nil {
			rt.fabric.Detach(eni)
			return nil, fmt.Errorf("task %s: %w", id, err)
		}
		t.lns, t.Addr = []net.Listener{ln}, hostPort
	}
	t.Task.own = eni
	held[a] = true
	return t, nil
}

// heldAddrs are the designed addresses of running tasks.
func heldAddrs(tasks map[string]*runningTask) map[netip.Addr]bool {
	out := map[netip.Addr]bool{}
	for _, t := range tasks {
		if t.eni != nil {
			out[t.designed] = true
		}
	}
	return out
}

func plannedAddrs(places map[string][]place) map[netip.Addr]bool {
	out := map[netip.Addr]bool{}
	for _, ps := range places {
		for _, p := range ps {
			out[p.designed] = true
		}
	}
	return out
}

// lbNode is a load balancer's node in the fabric: an interface at the
// last usable address of its first subnet with the load balancer's
// groups, reachable from the internet gateway when internet-facing.
// Made on first use, kept across reloads. The caller holds
// rt.reloading.
func (rt *Runtime) lbNode(d *design.Design, lb *design.LoadBalancer) (*netns.ENI, error) {
	if e := rt.nodes[lb.Name]; e != nil {
		return e, nil
	}
	if len(lb.Subnets) == 0 {
		return nil, fmt.Errorf("load balancer %s has no subnets", lb.Name)
	}
	_, sub := d.Subnet(lb.Subnets[0])
	if sub == nil {
		return nil, fmt.Errorf("load balancer %s: no subnet %s", lb.Name, lb.Subnets[0])
	}
	e, err := rt.fabric.Attach(netns.Attachment{Owner: "lb-" + lb.Name, Subnet: sub.ID, Addr: netns.LastUsable(sub.CIDR), Groups: lb.SecurityGroups,
		Exposed: lb.Scheme == design.InternetFacing})
	if err != nil {
		return nil, err
	}
	if rt.nodes == nil {
		rt.nodes = map[string]*netns.ENI{}
	}
	rt.nodes[lb.Name] = e
	return e, nil
}

// retireNodes detaches the nodes of load balancers a design no longer
// has. The caller holds rt.reloading.
func (rt *Runtime) retireNodes(d *design.Design) {
	for name, e := range rt.nodes {
		if !slices.ContainsFunc(d.LoadBalancers, func(lb design.LoadBalancer) bool { return lb.Name == name }) {
			rt.fabric.Detach(e)
			delete(rt.nodes, name)
		}
	}
}

// nodeDialer dials a load balancer's targets from its node.
func nodeDialer(e *netns.ENI) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return e.NS.Dialer(&net.Dialer{Timeout: 10 * time.Second}) // ALB's target connect timeout
}

// resolverOf is the DNS server a task asks: its VPC's resolver in netns
// mode, else the runtime's.
func (rt *Runtime) resolverOf(t *runningTask) string {
	if t != nil && t.eni != nil {
		return netip.AddrPortFrom(rt.fabric.Resolver(t.eni.VPC), 53).String()
	}
	return rt.DNSAddr
}

// startFlowLogs opens STATE-DIR's flow-logs/<vpc-id>.log for every VPC
// with flow logs and collects the router's counts at the shortest of
// their aggregation intervals, on the runtime's clock. AWS's interval is
// the longest a record aggregates, so shorter is as AWS may write.
func (rt *Runtime) startFlowLogs(d *design.Design) error {
	rt.flowLog = rt.fabric.FlowLog(rt.clock.Now())
	rt.flowFiles = map[string]*os.File{}
	interval := time.Duration(0)
	for i := range d.VPCs {
		v := &d.VPCs[i]
		every, ok := netns.FlowLogsOn(v)
		if !ok {
			continue
		}
		if interval == 0 || every < interval {
			interval = every
		}
		if rt.opt.FlowLogDir == "" {
			continue
		}
		if err := os.MkdirAll(rt.opt.FlowLogDir, 0o755); err != nil {
			return fmt.Errorf("flow logs: %w", err)
		}
		f, err := os.OpenFile(filepath.Join(rt.opt.FlowLogDir, v.ID+".log"), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
		if err != nil {
			return fmt.Errorf("flow logs: %w", err)
		}
		if st, err := f.Stat(); err == nil && st.Size() == 0 {
			_ = netns.WriteFlowLogHeader(f)
		}
		rt.flowFiles[v.ID] = f
	}
	if interval == 0 {
		interval = 10 * time.Minute
	}
	rt.goroutines.Go(func() { health.Every(rt.ctx, rt.clock, interval, rt.collectFlows) })
	return nil
}

// FlowStat counts the packets one interface accepted and rejected in one
// direction with one peer on one port, over the run.
type FlowStat struct {
	Interface string     `json:"interface_id"`
	Owner     string     `json:"owner"`
	Direction string     `json:"flow_direction"`
	Src       netip.Addr `json:"srcaddr"`
	Dst       netip.Addr `json:"dstaddr"`
	DstPort   int        `json:"dstport"`
	Protocol  int        `json:"protocol"`
	Accepted  uint64     `json:"accepted_packets"`
	Rejected  uint64     `json:"rejected_packets"`
}

// collectFlows closes an aggregation interval: its records go to their
// VPCs' logs and into the counts the admin API shows.
func (rt *Runtime) collectFlows() {
	rt.flowMu.Lock()
	defer rt.flowMu.Unlock()
	if rt.flowLog == nil {
		return
	}
	recs, err := rt.flowLog.Collect(rt.clock.Now())
	if err != nil && rt.ctx.Err() == nil {
		fmt.Fprintf(rt.out, "[flow-logs] %v\n", err)
	}
	if rt.flowStats == nil {
		rt.flowStats = map[FlowStat]*FlowStat{}
	}
	for _, r := range recs {
		if f := rt.flowFiles[r.VPC]; f != nil {
			fmt.Fprintln(f, r.String())
		}
		k := FlowStat{Interface: r.Interface, Owner: r.Owner, Direction: r.Direction, Src: r.Src, Dst: r.Dst, DstPort: r.DstPort, Protocol: r.Protocol}
		s := rt.flowStats[k]
		if s == nil {
			c := k
			s = &c
			rt.flowStats[k] = s
		}
		if r.Action == "REJECT" {
			s.Rejected += r.Packets
		} else {
			s.Accepted += r.Packets
		}
	}
}

// FlowStats returns the counts of every flow so far, sorted.
func (rt *Runtime) FlowStats() []FlowStat {
	rt.flowMu.Lock()
	defer rt.flowMu.Unlock()
	out := make([]FlowStat, 0, len(rt.flowStats))
	for _, s := range rt.flowStats {
		out = append(out, *s)
	}
	slices.SortFunc(out, func(a, b FlowStat) int {
		return cmp.Or(cmp.Compare(a.Interface, b.Interface), cmp.Compare(a.Direction, b.Direction), a.Src.Compare(b.Src), a.Dst.Compare(b.Dst),
			cmp.Compare(a.DstPort, b.DstPort), cmp.Compare(a.Protocol, b.Protocol))
	})
	return out
}

// closeFabric ends netns mode: the last interval's records are written
// (a short run leaves complete logs), the resolvers stop and every
// namespace goes.
func (rt *Runtime) closeFabric(ctx context.Context) error {
	if rt.fabric == nil {
		return nil
	}
	var errs []error
	rt.collectFlows()
	rt.flowMu.Lock()
	rt.flowLog = nil
	for _, f := range rt.flowFiles {
		errs = append(errs, f.Close())
	}
	rt.flowMu.Unlock()
	for _, s := range rt.resolvers {
		errs = append(errs, s.Shutdown(ctx))
	}
	errs = append(errs, rt.execs.Close(), rt.internet.close(), rt.sites.close(ctx))
	rt.doorMu.Lock()
	for key := range rt.doors {
		rt.doorMu.Unlock()
		rt.closeFrontDoor(key)
		rt.doorMu.Lock()
	}
	rt.doorMu.Unlock()
	errs = append(errs, rt.fabric.Close())
	return errors.Join(errs...)
}

// NetnsTask is where a task runs in netns mode, for `netwright exec`.
type NetnsTask struct {
	Task      string     `json:"task"`
	Service   string     `json:"service"`
	Namespace string     `json:"namespace"`
	Addr      netip.Addr `json:"addr"`
	Resolver  netip.Addr `json:"resolver"`
}

// NetnsTasks lists the tasks' namespaces; empty in loopback mode.
func (rt *Runtime) NetnsTasks() []NetnsTask {
	rt.mu.RLock()
	defer rt.mu.RUnlock()
	var out []NetnsTask
	for _, t := range rt.tasks {
		if t.eni != nil {
			out = append(out, NetnsTask{Task: t.ID, Service: t.Service, Namespace: t.eni.NS.Path(), Addr: t.designed, Resolver: rt.fabric.Resolver(t.eni.VPC)})
		}
	}
	slices.SortFunc(out, func(a, b NetnsTask) int { return cmp.Compare(a.Task, b.Task) })
	return out
}

// netnsTask finds a task's namespace and resolver for the exec socket.
func (rt *Runtime) netnsTask(id string) (string, netip.Addr, bool) {
	for _, t := range rt.NetnsTasks() {
		if t.Task == id {
			return t.Namespace, t.Resolver, true
		}
	}
	return "", netip.Addr{}, false
}

// ExecSocket is where this run answers `netwright exec` itself (a
// rootless run), or empty.
func (rt *Runtime) ExecSocket() string {
	if rt.execs == nil {
		return ""
	}
	return rt.opt.ExecSocket
}

// startIn is how a `run` command starts: in its task's namespace in
// netns mode.
func (t *runningTask) startIn() func(*exec.Cmd) error {
	if t.eni != nil {
		return t.eni.NS.Start
	}
	return nil
}

// vpcResolver is what a VPC's resolver (the Route 53 Resolver at base +
// 2) answers beyond the Cloud Map names: a name in a domain a Resolver
// rule associated with the VPC forwards, asked of the site's DNS servers
// through the rule's outbound endpoint (hybrid.go); each egress
// destination the design declares by host name, with the address the
// internet stub answers on (design.EgressAddr), as a public DNS answer
// would. Other names are refused: nothing leaves the machine to resolve
// them.
func (rt *Runtime) vpcResolver(d *design.Design, vpc string) discovery.Outside {
	hosts := map[string]netip.Addr{}
	for _, fl := range d.Flows {
		if fl.Kind != design.FlowEgress {
			continue
		}
		if _, err := netip.ParseAddr(fl.Destination); err == nil {
			continue
		}
		if _, err := netip.ParsePrefix(fl.Destination); err == nil {
			continue
		}
		hosts[dns.Fqdn(strings.ToLower(fl.Destination))] = design.EgressAddr(fl.Destination)
	}
	forward := rt.sites.forwarder(d, vpc)
	return func(q dns.Question) ([]dns.RR, int, bool) {
		if rrs, rcode, ok := forward(q); ok {
			return rrs, rcode, true
		}
		a, ok := hosts[strings.ToLower(q.Name)]
		if !ok {
			return nil, 0, false
		}
		if q.Qtype != dns.TypeA {
			return nil, dns.RcodeSuccess, true
		}
		return []dns.RR{&dns.A{Hdr: dns.RR_Header{Name: q.Name, Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: 60}, A: a.AsSlice()}}, dns.RcodeSuccess, true
	}
}

// internetStubs are the internet's side of the design's egress: at
// each declared destination's address and port, in the internet
// namespace, a stub that answers every connection (or datagram) with a
// line naming itself and counts it by destination and by the source it
// saw (a NAT gateway's Elastic IP).
type internetStubs struct {
	c    *prometheus.CounterVec
	lns  []net.Listener
	pcs  []net.PacketConn
	runs sync.WaitGroup
}

func newInternetStubs(reg prometheus.Registerer) (*internetStubs, error) {
	return newStubs(reg, "netwright_internet_stub_connections_total",
		"Connections (TCP) and datagrams (UDP) the internet stubs of netns mode answered, by declared destination and the source address the internet saw.")
}

func newStubs(reg prometheus.Registerer, name, help string) (*internetStubs, error) {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, []string{"destination", "source"})
	if err := reg.Register(c); err != nil {
		return nil, err
	}
	return &internetStubs{c: c}, nil
}

// serve opens a stub for every egress flow's destination and port.
func (s *internetStubs) serve(d *design.Design, f *netns.Fabric) error {
	seen := map[string]bool{}
	for _, fl := range d.Flows {
		if fl.Kind != design.FlowEgress {
			continue
		}
		a := design.EgressAddr(fl.Destination)
		if !a.Is4() {
			continue
		}
		at := netip.AddrPortFrom(a, uint16(fl.Port))
		if seen[fl.Transport+at.String()] {
			continue
		}
		seen[fl.Transport+at.String()] = true
		if err := s.listen(f.Internet(), at, fl.Transport, net.JoinHostPort(fl.Destination, strconv.Itoa(fl.Port))); err != nil {
			return err
		}
	}
	return nil
}

// listen opens one stub in ns at at, named name.
func (s *internetStubs) listen(ns *netns.Namespace, at netip.AddrPort, transport, name string) error {
	answer := []byte("netwright stub for " + name + "\n")
	if transport == "udp" {
		pc, err := ns.ListenPacket("udp", at.String())
		if err != nil {
			return fmt.Errorf("stub %s: %w", name, err)
		}
		s.pcs = append(s.pcs, pc)
		s.runs.Go(func() {
			buf := make([]byte, 1500)
			for {
				_, from, err := pc.ReadFrom(buf)
				if err != nil {
					return
				}
				s.c.WithLabelValues(name, addrOnly(from.String())).Inc()
				_, _ = pc.WriteTo(answer, from)
			}
		})
		return nil
	}
	ln, err := ns.Listen("tcp", at.String())
	if err != nil {
		return fmt.Errorf("stub %s: %w", name, err)
	}
	s.lns = append(s.lns, ln)
	s.runs.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.c.WithLabelValues(name, addrOnly(c.RemoteAddr().String())).Inc()
			_ = c.SetWriteDeadline(time.Now().Add(time.Second))
			_, _ = c.Write(answer)
			c.Close()
		}
	})
	return nil
}

func addrOnly(hostPort string) string {
	h, _, err := net.SplitHostPort(hostPort)
	if err != nil {
		return hostPort
	}
	return h
}

// close stops the stubs and waits for them.
func (s *internetStubs) close() error {
	if s == nil {
		return nil
	}
	var errs []error
	for _, ln := range s.lns {
		errs = append(errs, ln.Close())
	}
	for _, pc := range s.pcs {
		errs = append(errs, pc.Close())
	}
	s.runs.Wait()
	s.lns, s.pcs = nil, nil
	return errors.Join(errs...)
}

// frontDoor is an internet-facing load balancer listener's way in from
// the host in netns mode: a listener on 127.0.0.1 (what `up` prints and
// curl calls) whose every connection is made anew from the internet
// namespace, from the client's address (netns.ClientAddr), to the load
// balancer node's public address. So the request crosses the internet
// gateway (its Elastic IP translation, its edge route table and the GWLB
// endpoints it names), the public subnet's NACL and the load balancer's
// security group, as a client's does in AWS, and the load balancer sees
// the client's address.
type frontDoor struct {
	net.Listener
	mu    sync.Mutex
	conns map[net.Conn]bool
	runs  sync.WaitGroup
}

// openFrontDoor listens on addr and relays to to through the internet.
func (rt *Runtime) openFrontDoor(key, addr string, to netip.AddrPort) (*frontDoor, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	door := &frontDoor{Listener: ln, conns: map[net.Conn]bool{}}
	dial := rt.fabric.Internet().Dialer(&net.Dialer{Timeout: 10 * time.Second, LocalAddr: &net.TCPAddr{IP: netns.ClientAddr.AsSlice()}})
	track := func(c net.Conn, on bool) bool {
		door.mu.Lock()
		defer door.mu.Unlock()
		if on && door.conns == nil {
			return false // closed
		}
		if on {
			door.conns[c] = true
		} else {
			delete(door.conns, c)
		}
		return true
	}
	door.runs.Go(func() {
		_ = accept.Loop{Conns: &door.runs, Handle: func(c net.Conn) {
			defer c.Close()
			if !track(c, true) {
				return
			}
			defer track(c, false)
			up, err := dial(rt.ctx, "tcp", to.String())
			if err != nil {
				return
			}
			defer up.Close()
			if !track(up, true) {
				return
			}
			defer track(up, false)
			done := make(chan struct{})
			go func() {
				_, _ = io.Copy(up, c)
				_ = up.(*net.TCPConn).CloseWrite()
				close(done)
			}()
			_, _ = io.Copy(c, up)
			if tc, ok := c.(*net.TCPConn); ok {
				_ = tc.CloseWrite()
			}
			<-done
		}}.Serve(ln)
	})
	rt.doorMu.Lock()
	if rt.doors == nil {
		rt.doors = map[string]*frontDoor{}
	}
	if old := rt.doors[key]; old != nil {
		rt.doorMu.Unlock()
		old.close()
		rt.doorMu.Lock()
	}
	rt.doors[key] = door
	rt.doorMu.Unlock()
	return door, nil
}

// closeFrontDoor closes a listener's front door, if it has one, with
// the connections through it.
func (rt *Runtime) closeFrontDoor(key string) {
	rt.doorMu.Lock()
	door := rt.doors[key]
	delete(rt.doors, key)
	rt.doorMu.Unlock()
	if door != nil {
		door.close()
	}
}

func (d *frontDoor) close() {
	d.Listener.Close()
	d.mu.Lock()
	conns := d.conns
	d.conns = nil
	d.mu.Unlock()
	for c := range conns {
		c.Close()
	}
	d.runs.Wait()
}

// udpDoor is an internet-facing UDP listener's way in from the host in
// netns mode, as frontDoor is a TCP one's: a socket on 127.0.0.1 whose
// every client (address and port) is a flow sent anew from the internet
// namespace, from the client's address (netns.ClientAddr) and a port of
// its own, to the load balancer node's public address; the node's
// answers go back to the client. A flow idle for NLB's UDP idle timeout
// ends.
type udpDoor struct {
	*net.UDPConn
	dial  func(ctx context.Context, network, addr string) (net.Conn, error)
	to    string
	mu    sync.Mutex
	flows map[netip.AddrPort]net.Conn
	runs  sync.WaitGroup
}

// openUDPDoor listens on addr and relays to to through the internet.
func (rt *Runtime) openUDPDoor(addr string, to netip.AddrPort) (*udpDoor, error) {
	pc, err := net.ListenPacket("udp", addr)
	if err != nil {
		return nil, err
	}
	d := &udpDoor{UDPConn: pc.(*net.UDPConn), to: to.String(), flows: map[netip.AddrPort]net.Conn{},
		dial: rt.fabric.Internet().Dialer(&net.Dialer{LocalAddr: &net.UDPAddr{IP: netns.ClientAddr.AsSlice()}})}
	d.runs.Go(d.serve)
	return d, nil
}

func (d *udpDoor) serve() {
	buf := make([]byte, 64<<10)
	for {
		n, from, err := d.ReadFromUDPAddrPort(buf)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		c := d.flow(from)
		if c == nil {
			continue // closed, or the internet refused a socket: dropped
		}
		_, _ = c.Write(buf[:n]) // UDP: a lost datagram is the client's to retry
	}
}

// flow is the client's flow through the internet, opened on its first
// datagram; nil once the door is closed.
func (d *udpDoor) flow(from netip.AddrPort) net.Conn {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.flows == nil {
		return nil
	}
	if c := d.flows[from]; c != nil {
		return c
	}
	c, err := d.dial(context.Background(), "udp", d.to)
	if err != nil {
		return nil
	}
	d.flows[from] = c
	d.runs.Go(func() {
		defer func() {
			d.mu.Lock()
			if d.flows != nil {
				delete(d.flows, from)
			}
			d.mu.Unlock()
			c.Close()
		}()
		buf := make([]byte, 64<<10)
		for {
			_ = c.SetReadDeadline(time.Now().Add(nlb.UDPIdleTimeout))
			n, err := c.Read(buf)
			if err != nil {
				return // idle, or closed
			}
			_, _ = d.WriteToUDPAddrPort(buf[:n], from)
		}
	})
	return c
}

// Close stops the door and its flows and waits for them.
func (d *udpDoor) Close() error {
	err := d.UDPConn.Close()
	d.mu.Lock()
	flows := d.flows
	d.flows = nil
	d.mu.Unlock()
	for _, c := range flows {
		c.Close()
	}
	d.runs.Wait()
	return err
}
