package up

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"time"

	"github.com/netwright/netwright/internal/cloudmap"
	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/runtime/alb"
	"github.com/netwright/netwright/internal/runtime/mesh"
	"github.com/netwright/netwright/internal/runtime/netns"
	"github.com/netwright/netwright/internal/runtime/nlb"
)

// apply makes the runtime run d (see Reload), in five phases: keep the
// tasks that stay and open sockets for new ones; build every listener
// and register its targets, opening the TCP sockets of new listeners;
// open the UDP sockets last, after which nothing can fail; swap the new
// tasks, listeners and Cloud Map records in; retire what went.
func (rt *Runtime) apply(d *design.Design) (ch Changes, err error) {
	rt.reloading.Lock()
	defer rt.reloading.Unlock()
	if rt.stopped {
		return ch, errStopped
	}
	rt.mu.RLock()
	oldDesign, oldTasks := rt.design, rt.tasks
	rt.mu.RUnlock()
	meshCfg, err := rt.meshConfig(d)
	if err != nil {
		return ch, err
	}
	if len(oldDesign.VPCs) > 0 {
		if err := rt.reloadFabric(d); err != nil {
			return ch, err
		}
	}

	next, err := rt.keepTasks(d, oldDesign, oldTasks, meshCfg, &ch)
	defer func() {
		if err != nil {
			next.stopFresh()
		}
	}()
	if err != nil {
		return ch, err
	}
	// Where the design inspects traffic, load balancers reach their
	// targets through the appliances.
	gw := newGateway(d, next.byService, designedAddrs(next.tasks))
	if rt.fabric != nil {
		gw = nil // the routes take packets through the GWLB endpoints
	}
	lbs, err := rt.buildListeners(d, gw, next.byService)
	defer func() {
		if err != nil {
			lbs.closeOpened()
		}
	}()
	if err != nil {
		return ch, err
	}
	if err := rt.openUDP(lbs); err != nil {
		return ch, err
	}
	edge, err := rt.buildEdge(d, lbs)
	if err != nil {
		return ch, err
	}
	if err := rt.registerInCloudMap(d, next); err != nil {
		edge.closeOpened()
		return ch, err
	}
	// From here on nothing fails: the new tasks run.
	next.fresh = nil
	rt.gateway.Store(gw)
	rt.mu.Lock()
	rt.mesh.SetConfig(meshCfg)
	for slot, t := range next.tasks {
		if oldTasks[slot] != t {
			rt.startProxy(d, t)
		}
	}
	rt.setEndpoints(next.tasks)
	rt.gateway.Store(newGateway(d, next.byService, designedAddrs(next.tasks))) // with the proxies' addresses
	rt.startTasks(d, oldTasks, next, lbs.internal)
	prior := rt.servedALBs() // requests in flight there may still be with tasks that go
	albsNow, nlbsNow, entries := rt.swapListeners(lbs, &ch)
	entries = append(entries, rt.swapEdge(d, edge, &ch)...)
	rt.retire(oldDesign, oldTasks, next, prior, albsNow, nlbsNow, &ch)
	rt.design, rt.tasks, rt.albs, rt.nlbs = d, next.tasks, albsNow, nlbsNow
	rt.internal, rt.byService = lbs.internal, next.byService
	rt.Entries, rt.Tasks = entries, nil
	for i := range d.Services {
		rt.Tasks = append(rt.Tasks, next.byService[d.Services[i].Name]...)
	}
	rt.mu.Unlock()
	if rt.fabric != nil {
		rt.retireNodes(d)
	}
	rt.restartTaskHealth(d, next.byService)
	for _, l := range [][]string{ch.Started, ch.Kept, ch.Stopped, ch.Opened, ch.Replaced, ch.Closed} {
		slices.Sort(l)
	}
	return ch, nil
}

// identity is what makes a service's tasks the same across a reload:
// a change to it starts them anew.
func identity(d *design.Design, s *design.Service) string {
	var deps []string
	for _, f := range d.Flows {
		if f.Kind == design.FlowService && f.From == s.Name {
			deps = append(deps, f.To+":"+strconv.Itoa(f.Port))
		}
	}
	slices.Sort(deps)
	b, _ := json.Marshal(struct {
		Kind, Protocol, Run string
		Port, Replicas      int
		Health              design.HealthCheck
		Deps                []string
	}{s.Kind, s.Protocol, s.Run, s.Port, max(s.Replicas, 1), s.Health, deps})
	return string(b)
}

// taskSet is the tasks a design runs, as the first phase leaves them.
type taskSet struct {
	tasks map[string]*runningTask // by slot
	// fresh are the tasks this apply opened, stopped again if it fails.
	fresh     []*runningTask
	byService map[string][]Task
	// keptIDs are the IDs of tasks that keep running.
	keptIDs map[string]bool
}

func (ts *taskSet) stopFresh() {
	for _, t := range ts.fresh {
		t.stop()
	}
}

// keepTasks is the first phase: it keeps the tasks of services whose
// identity is unchanged and opens the sockets of new ones (not started
// yet). In netns mode a task whose service takes calls through the mesh
// gets its proxy's ingress socket at its address and one of its own
// behind it (behindProxy).
func (rt *Runtime) keepTasks(d, oldDesign *design.Design, oldTasks map[string]*runningTask, meshCfg *mesh.Config, ch *Changes) (*taskSet, error) {
	var places map[string][]place
	var pool *addrPool
	var held, planned map[netip.Addr]bool
	if rt.perTask || rt.fabric != nil {
		places, _ = placed(d)
		pool = newAddrPool(places, oldTasks)
		held, planned = heldAddrs(oldTasks), plannedAddrs(places)
	}
	keep := keptServices(d, oldDesign, oldTasks)
	next := &taskSet{tasks: map[string]*runningTask{}, byService: map[string][]Task{}, keptIDs: map[string]bool{}}
	for i := range d.Services {
		s := &d.Services[i]
		spec := identity(d, s)
		for n := range max(s.Replicas, 1) {
			id := fmt.Sprintf("%s-%d", s.Name, n+1) // the slot
			if keep[s.Name] {
				next.tasks[id] = oldTasks[id]
				next.keptIDs[next.tasks[id].ID] = true
				ch.Kept = append(ch.Kept, next.tasks[id].ID)
			} else {
				var t *runningTask
				var err error
				if rt.fabric != nil {
					t, err = rt.attachTask(d, s, id, spec, places[s.Name][n], held, planned)
					if err == nil {
						err = behindProxy(meshCfg, s, t)
					}
				} else if places != nil {
					var pl place
					t, pl, err = pool.openAt(s, id, spec, places[s.Name][n])
					if t != nil {
						t.designed = pl.designed
					}
				} else {
					t, err = openTask(s, id, "127.0.0.1", 0, spec)
				}
				if err != nil {
					return next, err
				}
				next.fresh = append(next.fresh, t)
				next.tasks[id] = t
				ch.Started = append(ch.Started, id)
			}
			next.byService[s.Name] = append(next.byService[s.Name], next.tasks[id].Task)
		}
	}
	return next, nil
}

// keptServices says which services keep their tasks: those whose
// identity is unchanged. A `run` command learns where its dependencies
// are once, from its environment, so it also starts anew when one of
// them would move: a dependency it reaches directly got new tasks, or
// the internal load balancer in front of one changed. That can cascade.
func keptServices(d, oldDesign *design.Design, oldTasks map[string]*runningTask) map[string]bool {
	keep := map[string]bool{}
	for i := range d.Services {
		s := &d.Services[i]
		spec := identity(d, s)
		kept := true
		for n := range max(s.Replicas, 1) {
			old, ok := oldTasks[fmt.Sprintf("%s-%d", s.Name, n+1)]
			kept = kept && ok && old.spec == spec
		}
		keep[s.Name] = kept
	}
	oldFront, newFront := internalFronts(oldDesign), internalFronts(d)
	for moved := true; moved; {
		moved = false
		for i := range d.Services {
			s := &d.Services[i]
			if s.Run == "" || !keep[s.Name] {
				continue
			}
			for _, f := range d.Flows {
				if f.Kind == design.FlowService && f.From == s.Name &&
					(oldFront[f.To] != newFront[f.To] || newFront[f.To] == "" && !keep[f.To]) {
					keep[s.Name], moved = false, true
					break
				}
			}
		}
	}
	return keep
}

// internalFronts maps each service behind an internal ALB to that
// listener ("<load balancer>:<port>"), as tasks find it.
func internalFronts(d *design.Design) map[string]string {
	out := map[string]string{}
	for _, lb := range d.LoadBalancers {
		if lb.Type != design.ALB || lb.Scheme != design.Internal {
			continue
		}
		for _, l := range lb.Listeners {
			for _, a := range l.Actions() {
				for _, f := range a.Forward {
					if tg := targetGroup(d, f.TargetGroup); tg != nil && tg.Service != "" {
						out[tg.Service] = lb.Name + ":" + strconv.Itoa(l.Port)
					}
				}
			}
		}
	}
	return out
}

// designedAddrs maps each task's local address to its designed one.
func designedAddrs(tasks map[string]*runningTask) map[string]netip.Addr {
	designed := map[string]netip.Addr{}
	for _, t := range tasks {
		if t.designed.IsValid() {
			designed[t.Addr] = t.designed
			if t.proxy != nil && t.proxy.Ingress() != "" {
				designed[t.proxy.Ingress()] = t.designed // the task's proxy, on its address
			}
		}
	}
	return designed
}

// listenerSet is every listener of a design, built and registered but
// not serving, as the second and third phases leave them.
type listenerSet struct {
	albs []pendingALB
	nlbs []pendingNLB
	// opened are the sockets this apply opened, closed again if it fails.
	opened []io.Closer
	// internal maps a service to the internal listener in front of it.
	internal map[string]Entry
}

type pendingALB struct {
	s *servedALB
	x *alb.Listener
	// ln is set for a listener not served before.
	ln net.Listener
}

type pendingNLB struct {
	s *servedNLB
	x *nlb.Listener
	// For a listener not served before: its TCP socket, and the address
	// to open its UDP one on.
	tcp     net.Listener
	udpAddr string
	// node is the load balancer's node in netns mode.
	node *netns.ENI
}

func (ls *listenerSet) closeOpened() {
	for _, c := range ls.opened {
		c.Close()
	}
}

// buildListeners is the second phase: it builds every ALB and NLB
// listener of d and registers its targets; a listener not served before
// gets its TCP socket now.
func (rt *Runtime) buildListeners(d *design.Design, gw *gateway, byService map[string][]Task) (*listenerSet, error) {
	ls := &listenerSet{internal: map[string]Entry{}}
	newTCP := map[string]net.Listener{} // by listenerKey
	for i := range d.LoadBalancers {
		lb := &d.LoadBalancers[i]
		if lb.Type != design.ALB && lb.Type != design.NLB {
			continue
		}
		region := ""
		if v := d.VPC(lb.VPC); v != nil {
			region = v.Region
		}
		var node *netns.ENI
		if rt.fabric != nil {
			var err error
			if node, err = rt.lbNode(d, lb); err != nil {
				return ls, err
			}
		}
		local := map[int]int{} // designed port -> local port, for redirects
		addrs := map[int]string{}
		for j := range lb.Listeners {
			l := &lb.Listeners[j]
			key := listenerKey(lb, l)
			listenAt, listen := rt.listenAddr(l.Port), net.Listen
			if node != nil && (lb.Scheme == design.Internal || l.Protocol != "UDP") { // in the VPC, on its node's address
				listenAt, listen = netip.AddrPortFrom(node.Addr, uint16(l.Port)).String(), node.NS.Listen
			}
			if s, ok := rt.albs[key]; ok {
				addrs[l.Port] = s.addr
			} else if s, ok := rt.nlbs[key]; ok {
				addrs[l.Port] = s.addr
			} else if l.Protocol != "UDP" {
				ln, err := listen("tcp", listenAt)
				if err != nil {
					return ls, fmt.Errorf("%s listener %d on %s: %w (change the offset with --port-offset)", lb.Name, l.Port, rt.listenAddr(l.Port), err)
				}
				ls.opened = append(ls.opened, ln)
				newTCP[key] = ln
				addrs[l.Port] = ln.Addr().String()
				if node != nil && lb.Scheme == design.InternetFacing { // reached from 127.0.0.1 through the internet
					door, err := rt.openFrontDoor(key, rt.listenAddr(l.Port), netip.AddrPortFrom(node.Public, uint16(l.Port)))
					if err != nil {
						return ls, fmt.Errorf("%s listener %d on %s: %w (change the offset with --port-offset)", lb.Name, l.Port, rt.listenAddr(l.Port), err)
					}
					ls.opened = append(ls.opened, door)
					addrs[l.Port] = door.Addr().String()
				}
			} else {
				addrs[l.Port] = listenAt // port 0 is resolved when it opens
			}
			_, p, _ := net.SplitHostPort(addrs[l.Port])
			local[l.Port], _ = strconv.Atoi(p)
		}
		for j := range lb.Listeners {
			l := &lb.Listeners[j]
			key := listenerKey(lb, l)
			if lb.Type == design.NLB {
				p, err := rt.buildNLB(d, lb, l, gw, node, byService)
				if err != nil {
					return ls, err
				}
				if p.s = rt.nlbs[key]; p.s == nil {
					p.tcp = newTCP[key]
					if l.Protocol == "UDP" || l.Protocol == "TCP_UDP" {
						p.udpAddr = addrs[l.Port]
					}
					if p.udpAddr == "" {
						p.s = &servedNLB{tcp: p.tcp, addr: addrs[l.Port]}
					}
				}
				ls.nlbs = append(ls.nlbs, p)
				continue
			}
			dial := gw.dialer(lb.Subnets[0])
			if node != nil {
				dial = nodeDialer(node)
			}
			x, err := alb.New(lb, withOriginSecret(l, rt.originSecret), d.TargetGroups, alb.Options{TLS: l.Protocol == "HTTPS", Metrics: rt.lbMetrics, Clock: rt.clock,
				AccessLog: rt.accessLog(lb), Region: region, Dial: dial, MapPort: func(p int) int {
					if lp, ok := local[p]; ok {
						return lp
					}
					return p
				}})
			if err != nil {
				return ls, err
			}
			for _, tgID := range x.TargetGroups() {
				tg := targetGroup(d, tgID)
				for _, t := range byService[tg.Service] {
					if err := x.Register(tgID, t.ID, t.Addr); err != nil {
						return ls, err
					}
				}
				if lb.Scheme == design.Internal && tg.Service != "" {
					ls.internal[tg.Service] = Entry{LoadBalancer: lb.Name, Scheme: lb.Scheme, Protocol: l.Protocol, Port: l.Port, Addr: addrs[l.Port]}
				}
			}
			p := pendingALB{x: x, s: rt.albs[key]}
			if p.s == nil {
				p.ln = newTCP[key]
				p.s = &servedALB{lb: lb, l: l, addr: addrs[l.Port]}
			}
			ls.albs = append(ls.albs, p)
		}
	}
	return ls, nil
}

// buildNLB builds one NLB listener with its targets registered.
func (rt *Runtime) buildNLB(d *design.Design, lb *design.LoadBalancer, l *design.Listener, gw *gateway, node *netns.ENI, byService map[string][]Task) (pendingNLB, error) {
	o := nlb.Options{Node: nodeAddr(d, lb, rt.perTask), Clock: rt.clock, Dial: gw.dialerFrom(lb.Subnets[0])}
	if node != nil {
		// From the node's namespace: from its address, or, for a target
		// group that preserves client addresses, from the client's
		// (netns.Fabric.PreserveClients), which the target then sees, as
		// do its subnet's NACL and its groups' rules by address block.
		o.Node = node.Addr
		o.Dial = func(ctx context.Context, network, addr string, src netip.Addr) (net.Conn, error) {
			if src == node.Addr {
				src = netip.Addr{}
			}
			return node.NS.DialFrom(ctx, network, addr, src, net.Dialer{Timeout: 10 * time.Second})
		}
		o.DialUDP = func(addr string, src netip.Addr) (*net.UDPConn, error) {
			if src == node.Addr {
				src = netip.Addr{}
			}
			c, err := node.NS.DialFrom(context.Background(), "udp", addr, src, net.Dialer{})
			if err != nil {
				return nil, err
			}
			return c.(*net.UDPConn), nil
		}
	}
	if l.Protocol == "TLS" {
		o.TLS = &tls.Config{Certificates: rt.certs, MinVersion: tls.VersionTLS12}
	}
	x, err := nlb.New(lb, l, d.TargetGroups, o)
	if err != nil {
		return pendingNLB{}, err
	}
	if tg := targetGroup(d, x.TargetGroup()); node != nil && tg != nil && tg.PreserveClientIP {
		if err := rt.fabric.PreserveClients(node); err != nil {
			return pendingNLB{}, fmt.Errorf("%s: client IP preservation: %w", lb.Name, err)
		}
	}
	for _, t := range byService[targetGroup(d, x.TargetGroup()).Service] {
		if err := x.Register(t.ID, t.Addr); err != nil {
			return pendingNLB{}, err
		}
	}
	return pendingNLB{x: x, node: node}, nil
}

// openUDP is the third phase: the UDP sockets of new listeners open
// last, as nothing can fail after them.
func (rt *Runtime) openUDP(ls *listenerSet) error {
	for k := range ls.nlbs {
		p := &ls.nlbs[k]
		if p.s != nil {
			continue
		}
		lb, port := p.x.LoadBalancer(), p.x.DesignListener().Port
		doorAt := ""
		switch {
		case p.node != nil && lb.Scheme == design.InternetFacing:
			// On the node's address; from the host through the internet,
			// by a front door on the host's address (the TCP door's, for
			// TCP_UDP).
			doorAt, p.udpAddr = p.udpAddr, netip.AddrPortFrom(p.node.Addr, uint16(port)).String()
		case p.tcp != nil:
			p.udpAddr = p.tcp.Addr().String() // TCP_UDP: the same port
		}
		var pc net.PacketConn
		var err error
		if p.node != nil {
			pc, err = p.node.NS.ListenPacket("udp", p.udpAddr)
		} else {
			pc, err = net.ListenPacket("udp", p.udpAddr)
		}
		if err != nil {
			return fmt.Errorf("%s listener %d on %s (udp): %w (change the offset with --port-offset)", lb.Name, port, p.udpAddr, err)
		}
		ls.opened = append(ls.opened, pc)
		s := &servedNLB{udp: pc.(*net.UDPConn), tcp: p.tcp, addr: pc.LocalAddr().String()}
		if doorAt != "" {
			door, err := rt.openUDPDoor(doorAt, netip.AddrPortFrom(p.node.Public, uint16(port)))
			if err != nil {
				return fmt.Errorf("%s listener %d on %s (udp): %w (change the offset with --port-offset)", lb.Name, port, doorAt, err)
			}
			ls.opened = append(ls.opened, door)
			s.udpDoor, s.addr = door, door.LocalAddr().String()
		}
		p.s = s
	}
	return nil
}

// registerInCloudMap begins the fourth phase, the swap: Cloud Map first,
// so new tasks are found as they start. Kept tasks keep their records
// and health.
func (rt *Runtime) registerInCloudMap(d *design.Design, next *taskSet) error {
	rt.reg.Reconfigure(d)
	for _, ns := range d.Namespaces {
		for _, s := range ns.Services {
			for _, t := range next.byService[s.Service] {
				if _, ok := rt.reg.Healthy(ns.Name, s.Service, t.ID); ok && next.keptIDs[t.ID] {
					continue // kept, with its health
				}
				ap := netip.MustParseAddrPort(t.Addr)
				if err := rt.reg.Register(ns.Name, s.Service, cloudmap.Instance{ID: t.ID, Addr: ap.Addr(), Port: int(ap.Port()), Healthy: true}); err != nil {
					return err // the design's own namespace: cannot happen
				}
			}
		}
	}
	return nil
}

// startTasks starts the new tasks; kept built-in tasks learn where their
// dependencies are now. The caller holds rt.mu.
func (rt *Runtime) startTasks(d *design.Design, oldTasks map[string]*runningTask, next *taskSet, internal map[string]Entry) {
	for i := range d.Services {
		s := &d.Services[i]
		for n := range next.byService[s.Name] {
			slot := fmt.Sprintf("%s-%d", s.Name, n+1)
			tk := next.tasks[slot]
			if oldTasks[slot] == tk {
				if tk.w != nil {
					deps := rt.dependencies(d, tk, internal, next.byService)
					tk.w.deps.Store(&deps)
				}
				continue
			}
			rt.startTask(d, s, n, tk, internal, next.byService)
		}
	}
}

// servedALBs are the ALB listeners in service. The caller holds rt.mu.
func (rt *Runtime) servedALBs() []*alb.Listener {
	var out []*alb.Listener
	for _, s := range rt.albs {
		out = append(out, s.x.Load())
	}
	return out
}

// swapListeners puts the new listeners in service: a served one gets its
// replacement (which adopts its targets' health) behind the same socket,
// the replaced one finishing its requests in flight; a new one starts
// serving. The caller holds rt.mu.
func (rt *Runtime) swapListeners(ls *listenerSet, ch *Changes) (albsNow map[string]*servedALB, nlbsNow map[string]*servedNLB, entries []Entry) {
	albsNow = map[string]*servedALB{}
	for _, p := range ls.albs {
		s := p.s
		key := listenerKey(s.lb, s.l)
		if old := s.x.Load(); old != nil {
			p.x.Adopt(old)
			s.cancel()
			ch.Replaced = append(ch.Replaced, key)
			rt.retireListener(old)
		} else {
			p.x.Adopt(nil)
			ch.Opened = append(ch.Opened, key)
		}
		s.lb, s.l = p.x.LoadBalancer(), p.x.DesignListener()
		s.x.Store(p.x)
		s.cancel = rt.runHealthChecks(p.x.RunHealthChecks)
		if s.srv == nil {
			s.srv = rt.serveALB(s, p.ln)
		} else {
			s.srv.(*alb.Server).SetTLS(rt.albTLS(s.l)) // HTTP and HTTPS share a key
		}
		albsNow[key] = s
		entries = append(entries, Entry{LoadBalancer: s.lb.Name, Scheme: s.lb.Scheme, Protocol: s.l.Protocol, Port: s.l.Port, Addr: s.addr, Key: key})
	}
	nlbsNow = map[string]*servedNLB{}
	for _, p := range ls.nlbs {
		s := p.s
		if s.lb == nil {
			s.lb, s.l = p.x.LoadBalancer(), p.x.DesignListener()
		}
		key := listenerKey(s.lb, s.l)
		if old := s.x.Load(); old != nil {
			p.x.Adopt(old)
			s.cancel()
			ch.Replaced = append(ch.Replaced, key)
			if s.udp != nil { // a UDP socket serves one listener: open it again
				addr := s.udp.LocalAddr().(*net.UDPAddr)
				s.udp.Close()
				if pc, err := net.ListenUDP("udp", addr); err == nil {
					s.udp = pc
				} else {
					rt.Notes = append(rt.Notes, fmt.Sprintf("%s: UDP not served after the reload: %v", key, err))
					s.udp = nil
				}
			}
		} else {
			ch.Opened = append(ch.Opened, key)
			if s.tcp != nil {
				rt.goroutines.Go(func() { rt.serveNLB(s) })
			}
		}
		s.lb, s.l = p.x.LoadBalancer(), p.x.DesignListener()
		s.x.Store(p.x)
		if s.udp != nil {
			x, udp := p.x, s.udp
			rt.goroutines.Go(func() { _ = x.ServeUDP(udp) })
		}
		s.cancel = rt.runHealthChecks(p.x.RunHealthChecks)
		nlbsNow[key] = s
		entries = append(entries, Entry{LoadBalancer: s.lb.Name, Scheme: s.lb.Scheme, Protocol: s.l.Protocol, Port: s.l.Port, Addr: s.addr, Key: key})
	}
	return albsNow, nlbsNow, entries
}

// retire is the fifth phase: listeners the design no longer has stop
// accepting and drain; tasks it no longer runs leave Cloud Map (unless
// a task of the same ID replaced them), drain from the listeners that
// served until now, then stop. The caller holds rt.mu.
func (rt *Runtime) retire(oldDesign *design.Design, oldTasks map[string]*runningTask, next *taskSet, prior []*alb.Listener, albsNow map[string]*servedALB, nlbsNow map[string]*servedNLB, ch *Changes) {
	for key, s := range rt.albs {
		if _, ok := albsNow[key]; !ok {
			ch.Closed = append(ch.Closed, key)
			rt.closeListener(s)
			rt.closeFrontDoor(key)
		}
	}
	for key, s := range rt.nlbs {
		if _, ok := nlbsNow[key]; !ok {
			ch.Closed = append(ch.Closed, key)
			s.cancel()
			s.closeSockets()
			rt.closeFrontDoor(key)
		}
	}
	var gone []*runningTask
	running := map[string]bool{} // the IDs of the tasks now in service
	for _, t := range next.tasks {
		running[t.ID] = true
	}
	for slot, t := range oldTasks {
		if next.tasks[slot] != t {
			gone = append(gone, t)
			ch.Stopped = append(ch.Stopped, t.ID)
			if rt.workloads[t.ID] == t.w {
				delete(rt.workloads, t.ID)
			}
		}
	}
	// A task replaced under the same ID was registered anew already.
	for _, ns := range oldDesign.Namespaces {
		for _, s := range ns.Services {
			for _, t := range gone {
				if t.Service == s.Service && !running[t.ID] {
					rt.reg.Deregister(ns.Name, s.Service, t.ID)
				}
			}
		}
	}
	rt.retireTasks(oldDesign, gone, prior, nil)
}
