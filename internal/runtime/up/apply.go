package up

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/pprof"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/netwright/netwright/internal/cloudmap"
	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/runtime/alb"
	"github.com/netwright/netwright/internal/runtime/discovery"
	"github.com/netwright/netwright/internal/runtime/nlb"
)

// Runtime is a running design. Reload changes it; Shutdown stops it.
type Runtime struct {
	// Entries and Tasks are what Start (or the last Reload) brought up;
	// read them before the next Reload.
	Entries   []Entry
	Tasks     []Task
	DNSAddr   string
	AdminAddr string
	// CAPEM is the local CA's certificate, which clients trust for the
	// HTTPS listeners; it is made anew on each start.
	CAPEM []byte
	// Notes say what is not run the way AWS would run it.
	Notes []string

	opt       Options
	ctx       context.Context
	stop      context.CancelFunc
	reg       *discovery.Registry
	dns       *discovery.DNSServer
	admin     *http.Server
	lbMetrics *alb.Metrics
	certs     []tls.Certificate
	roots     *x509.CertPool
	out       *SyncWriter
	perTask   bool // tasks have addresses of their own (Linux)
	flows     *applianceFlows

	// reloading serialises Reload; mu guards what the admin API reads.
	reloading sync.Mutex
	mu        sync.RWMutex
	design    *design.Design
	tasks     map[string]*task          // by task ID
	workloads map[string]*workload      // the built-in tasks, for the fault API
	albs      map[string]*servedALB     // by listenerKey
	gateway   atomic.Pointer[gateway]   // the design's GWLB, for tasks' calls
	nlbs      map[string]*servedNLB     // by listenerKey
	logs      map[string]*alb.AccessLog // by load balancer name
	files     []*os.File
	// healthStops end each service's task health checks.
	healthStops map[string]context.CancelFunc
	// internal and byService are what the last apply connected tasks
	// with, for a task ECS replaces in between; replaced counts each
	// slot's replacements, for the new tasks' IDs.
	internal  map[string]Entry
	byService map[string][]Task
	replaced  map[string]int
	// retiring counts tasks and listeners still draining after a reload.
	retiring sync.WaitGroup
	procWG   sync.WaitGroup
}

// task is one running task and what stops it. The runtime keeps tasks
// by slot, "<service>-<n>" for the n-th of its replicas, which is also
// the first task's ID there; one ECS replaces gets a new ID in the same
// slot.
type task struct {
	Task
	spec string // the service's runtime identity when it started
	// designed is the private address the task's loopback one stands
	// for; invalid when tasks share 127.0.0.1.
	designed netip.Addr
	w        *workload
	srv      *http.Server
	lns      []net.Listener
	pc       net.PacketConn
	proc     *process
	// cancel stops a `run` command.
	cancel context.CancelFunc
}

// stop ends the task at once.
func (t *task) stop() {
	if t.srv != nil {
		t.srv.Close()
	}
	if t.w != nil {
		t.w.close()
	}
	for _, ln := range t.lns {
		ln.Close()
	}
	if t.pc != nil {
		t.pc.Close()
	}
	if t.cancel != nil {
		t.cancel()
	}
}

// servedALB is one ALB listener: its socket and server stay across
// reloads; the listener behind the handler is swapped.
type servedALB struct {
	lb     *design.LoadBalancer
	l      *design.Listener
	srv    server
	addr   string
	x      atomic.Pointer[alb.Listener]
	cancel context.CancelFunc // the current listener's health checks
}

func (s *servedALB) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.x.Load().ServeHTTP(w, r) }

// servedNLB is one NLB listener: TCP connections are handed to the
// current listener; a UDP socket belongs to one listener and is opened
// again when it is replaced.
type servedNLB struct {
	lb     *design.LoadBalancer
	l      *design.Listener
	tcp    net.Listener
	udp    *net.UDPConn
	addr   string
	x      atomic.Pointer[nlb.Listener]
	cancel context.CancelFunc
}

// server is a load balancer listener's server, or the admin API's.
type server interface {
	Shutdown(context.Context) error
}

// serveALB starts serving s on ln with the listener's own HTTP/1.1 data
// path, which hands what it does not serve (HTTP/2 by ALPN among it) to
// net/http.
func (rt *Runtime) serveALB(s *servedALB, ln net.Listener) server {
	conns := rt.lbMetrics.Connections.WithLabelValues(s.lb.Name, strconv.Itoa(s.l.Port))
	idle := time.Duration(s.lb.IdleTimeout)
	if idle <= 0 {
		idle = 60 * time.Second
	}
	srv := &alb.Server{
		TLS:     rt.albTLS(s.l),
		Current: s.x.Load,
		// The fallback reads whole headers within the idle timeout (heads
		// past the data path's 8 KB, and requests after a handover).
		Fallback:    &http.Server{Handler: s, ReadHeaderTimeout: idle, IdleTimeout: idle},
		IdleTimeout: idle,
		OnConn:      func(d int) { conns.Add(float64(d)) },
	}
	go func() { _ = srv.Serve(ln) }() // Serve returns when Shutdown closes ln
	return srv
}

// albTLS is an ALB listener's TLS configuration: nil unless HTTPS.
func (rt *Runtime) albTLS(l *design.Listener) *tls.Config {
	if l.Protocol != "HTTPS" {
		return nil
	}
	return &tls.Config{Certificates: rt.certs, NextProtos: []string{"h2", "http/1.1"}, MinVersion: tls.VersionTLS12}
}

// listenerKey names a served listener across reloads: a load balancer
// of the same type and name, on the same port with the same sockets (TCP,
// UDP or both). A protocol change that keeps them (HTTP and HTTPS, TCP and
// TLS) is served in place: the new listener decides TLS per connection.
func listenerKey(lb *design.LoadBalancer, l *design.Listener) string {
	sockets := "tcp"
	switch l.Protocol {
	case "UDP":
		sockets = "udp"
	case "TCP_UDP":
		sockets = "tcp+udp"
	}
	return lb.Type + "/" + lb.Name + ":" + strconv.Itoa(l.Port) + "/" + sockets
}

var httpFamily = map[string]bool{"http": true, "http2": true, "grpc": true, "websocket": true}

// Start brings the design up. On error everything started is stopped.
func Start(ctx context.Context, d *design.Design, opt Options) (rt *Runtime, err error) {
	if opt.TimeScale <= 0 {
		opt.TimeScale = 1
	}
	ctx, stop := context.WithCancel(ctx)
	rt = &Runtime{opt: opt, ctx: ctx, stop: stop, design: &design.Design{}, tasks: map[string]*task{}, workloads: map[string]*workload{},
		albs: map[string]*servedALB{}, nlbs: map[string]*servedNLB{}, logs: map[string]*alb.AccessLog{}, out: &SyncWriter{W: io.Discard}}
	if w, ok := opt.Output.(*SyncWriter); ok {
		rt.out = w
	} else if opt.Output != nil {
		rt.out.W = opt.Output
	}
	defer func() {
		if err != nil {
			sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_ = rt.Shutdown(sctx)
			rt = nil
		}
	}()
	rt.reg = discovery.NewRegistry(d)
	if rt.dns, err = rt.reg.ListenDNS(rt.ephemeral(opt.DNSAddr)); err != nil {
		return rt, fmt.Errorf("%w (change it with --dns)", err)
	}
	rt.DNSAddr = rt.dns.Addr
	metrics := prometheus.NewRegistry()
	if err := rt.reg.Instrument(metrics); err != nil {
		return rt, err
	}
	if rt.lbMetrics, err = alb.NewMetrics(metrics); err != nil {
		return rt, err
	}
	if rt.flows, err = newApplianceFlows(metrics); err != nil {
		return rt, err
	}
	adminLn, err := net.Listen("tcp", rt.ephemeral(opt.AdminAddr))
	if err != nil {
		return rt, fmt.Errorf("the admin API on %s: %w (change it with --admin)", opt.AdminAddr, err)
	}
	rt.AdminAddr = adminLn.Addr().String()
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(metrics, promhttp.HandlerOpts{}))
	// Profiles of the runtime itself, for finding what slows the data
	// plane (go tool pprof http://ADMIN/debug/pprof/profile).
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("GET /status", rt.status)
	mux.HandleFunc("PUT /faults/{task}", rt.setFaults)
	mux.HandleFunc("DELETE /faults/{task}", rt.setFaults)
	mux.Handle("/", rt.reg)
	rt.admin = serveAdmin(adminLn, mux)

	certs, caPEM, err := localCA(time.Now())
	if err != nil {
		return rt, err
	}
	rt.certs, rt.CAPEM = certs, caPEM
	rt.roots = x509.NewCertPool()
	rt.roots.AppendCertsFromPEM(caPEM)
	places, note := placed(d)
	rt.perTask = places != nil
	rt.Notes = append(rt.Notes, note)
	if _, err := rt.apply(d); err != nil {
		return rt, err
	}
	return rt, nil
}

func (rt *Runtime) ephemeral(addr string) string {
	if rt.opt.Ephemeral {
		return "127.0.0.1:0"
	}
	return addr
}

// Changes says what a Reload did.
type Changes struct {
	// Started, Kept and Stopped are task IDs.
	Started, Kept, Stopped []string
	// Opened, Replaced and Closed are listeners by Entry.Key,
	// "<type>/<load balancer>:<port>/<sockets>".
	Opened, Replaced, Closed []string
}

// Reload runs d in place of the running design. It builds every
// listener and opens every new socket first; if any of that fails the
// running design is untouched. Then it swaps: tasks of services whose
// runtime definition is unchanged keep running; new listeners take new
// connections while requests in flight finish on the old ones; targets
// that stay keep their health; tasks that go drain from their target
// groups before they stop; Cloud Map's records follow.
func (rt *Runtime) Reload(d *design.Design) (Changes, error) {
	return rt.apply(d)
}

// identity is what makes a service's tasks the same across a reload:
// a change to it starts them anew.
func identity(d *design.Design, s *design.Service) string {
	var deps []string
	for _, f := range d.Flows {
		if f.Kind == "service" && f.From == s.Name {
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

// apply makes the runtime run d: see Reload.
func (rt *Runtime) apply(d *design.Design) (ch Changes, err error) {
	rt.reloading.Lock()
	defer rt.reloading.Unlock()
	rt.mu.RLock()
	oldDesign, oldTasks := rt.design, rt.tasks
	rt.mu.RUnlock()

	// 1. Tasks: keep, or open new sockets.
	var places map[string][]place
	var pool *addrPool
	if rt.perTask {
		places, _ = placed(d)
		pool = newAddrPool(places, oldTasks)
	}
	tasks := map[string]*task{}
	var fresh []*task
	defer func() {
		if err != nil {
			for _, t := range fresh {
				t.stop()
			}
		}
	}()
	// Keep the tasks of services whose identity is unchanged. A `run`
	// command learns where its dependencies are once, from its
	// environment, so it also starts anew when one of them would move:
	// a dependency it reaches directly got new tasks, or the internal
	// load balancer in front of one changed. That can cascade.
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
				if f.Kind == "service" && f.From == s.Name &&
					(oldFront[f.To] != newFront[f.To] || newFront[f.To] == "" && !keep[f.To]) {
					keep[s.Name], moved = false, true
					break
				}
			}
		}
	}
	byService := map[string][]Task{}
	keptIDs := map[string]bool{} // the IDs of tasks that keep running
	for i := range d.Services {
		s := &d.Services[i]
		spec := identity(d, s)
		for n := range max(s.Replicas, 1) {
			id := fmt.Sprintf("%s-%d", s.Name, n+1) // the slot
			if keep[s.Name] {
				tasks[id] = oldTasks[id]
				keptIDs[tasks[id].ID] = true
				ch.Kept = append(ch.Kept, tasks[id].ID)
			} else {
				var t *task
				var err error
				if places != nil {
					var pl place
					t, pl, err = pool.openAt(s, id, spec, places[s.Name][n])
					if t != nil {
						t.designed = pl.designed
					}
				} else {
					t, err = openTask(s, id, "127.0.0.1", 0, spec)
				}
				if err != nil {
					return ch, err
				}
				fresh = append(fresh, t)
				tasks[id] = t
				ch.Started = append(ch.Started, id)
			}
			byService[s.Name] = append(byService[s.Name], tasks[id].Task)
		}
	}
	// Where the design inspects traffic, load balancers reach their
	// targets through the appliances.
	designed := map[string]netip.Addr{}
	for _, t := range tasks {
		if t.designed.IsValid() {
			designed[t.Addr] = t.designed
		}
	}
	gw := newGateway(d, byService, designed)

	// 2. Load balancer listeners, built and registered but not serving.
	type pendingALB struct {
		s *servedALB
		x *alb.Listener
		// ln is set for a listener not served before.
		ln net.Listener
	}
	type pendingNLB struct {
		s *servedNLB
		x *nlb.Listener
		// For a listener not served before: its TCP socket, and the
		// address to open its UDP one on.
		tcp     net.Listener
		udpAddr string
	}
	var albs []pendingALB
	var nlbs []pendingNLB
	var opened []io.Closer
	newTCP := map[string]net.Listener{} // by listenerKey
	defer func() {
		if err != nil {
			for _, ln := range opened {
				ln.Close()
			}
		}
	}()
	internal := map[string]Entry{} // service -> the internal listener in front of it
	for i := range d.LoadBalancers {
		lb := &d.LoadBalancers[i]
		if lb.Type != design.ALB && lb.Type != design.NLB {
			continue
		}
		region := ""
		if v := d.VPC(lb.VPC); v != nil {
			region = v.Region
		}
		local := map[int]int{} // designed port -> local port, for redirects
		addrs := map[int]string{}
		for j := range lb.Listeners {
			l := &lb.Listeners[j]
			key := listenerKey(lb, l)
			if s, ok := rt.albs[key]; ok {
				addrs[l.Port] = s.addr
			} else if s, ok := rt.nlbs[key]; ok {
				addrs[l.Port] = s.addr
			} else if l.Protocol != "UDP" {
				ln, err := net.Listen("tcp", rt.listenAddr(l.Port))
				if err != nil {
					return ch, fmt.Errorf("%s listener %d on %s: %w (change the offset with --port-offset)", lb.Name, l.Port, rt.listenAddr(l.Port), err)
				}
				opened = append(opened, ln)
				newTCP[key] = ln
				addrs[l.Port] = ln.Addr().String()
			} else {
				addrs[l.Port] = rt.listenAddr(l.Port) // port 0 is resolved when it opens
			}
			_, p, _ := net.SplitHostPort(addrs[l.Port])
			local[l.Port], _ = strconv.Atoi(p)
		}
		for j := range lb.Listeners {
			l := &lb.Listeners[j]
			key := listenerKey(lb, l)
			if lb.Type == design.NLB {
				o := nlb.Options{Node: nodeAddr(d, lb, rt.perTask), Dial: gw.dialerFrom(lb.Subnets[0])}
				if l.Protocol == "TLS" {
					o.TLS = &tls.Config{Certificates: rt.certs, MinVersion: tls.VersionTLS12}
				}
				x, err := nlb.New(lb, l, d.TargetGroups, o)
				if err != nil {
					return ch, err
				}
				for _, t := range byService[targetGroup(d, x.TargetGroup()).Service] {
					if err := x.Register(t.ID, t.Addr); err != nil {
						return ch, err
					}
				}
				p := pendingNLB{x: x, s: rt.nlbs[key]}
				if p.s == nil {
					p.tcp = newTCP[key]
					if l.Protocol == "UDP" || l.Protocol == "TCP_UDP" {
						p.udpAddr = addrs[l.Port]
					}
					if p.udpAddr == "" {
						p.s = &servedNLB{tcp: p.tcp, addr: p.tcp.Addr().String()}
					}
				}
				nlbs = append(nlbs, p)
				continue
			}
			https := l.Protocol == "HTTPS"
			x, err := alb.New(lb, l, d.TargetGroups, alb.Options{TLS: https, Metrics: rt.lbMetrics,
				AccessLog: rt.accessLog(lb), Region: region, Dial: gw.dialer(lb.Subnets[0]), MapPort: func(p int) int {
					if lp, ok := local[p]; ok {
						return lp
					}
					return p
				}})
			if err != nil {
				return ch, err
			}
			for _, tgID := range x.TargetGroups() {
				tg := targetGroup(d, tgID)
				for _, t := range byService[tg.Service] {
					if err := x.Register(tgID, t.ID, t.Addr); err != nil {
						return ch, err
					}
				}
				if lb.Scheme == design.Internal && tg.Service != "" {
					internal[tg.Service] = Entry{LoadBalancer: lb.Name, Scheme: lb.Scheme, Protocol: l.Protocol, Port: l.Port, Addr: addrs[l.Port]}
				}
			}
			p := pendingALB{x: x, s: rt.albs[key]}
			if p.s == nil {
				p.ln = newTCP[key]
				p.s = &servedALB{lb: lb, l: l, addr: p.ln.Addr().String()}
			}
			albs = append(albs, p)
		}
	}
	// UDP sockets of new listeners open last: nothing can fail after.
	for k := range nlbs {
		p := &nlbs[k]
		if p.s != nil {
			continue
		}
		if p.tcp != nil {
			p.udpAddr = p.tcp.Addr().String() // TCP_UDP: the same port
		}
		ua, _ := net.ResolveUDPAddr("udp", p.udpAddr)
		pc, err := net.ListenUDP("udp", ua)
		if err != nil {
			return ch, fmt.Errorf("%s listener %d on %s (udp): %w (change the offset with --port-offset)", p.x.LoadBalancer().Name, p.x.DesignListener().Port, p.udpAddr, err)
		}
		opened = append(opened, pc)
		p.s = &servedNLB{udp: pc, tcp: p.tcp, addr: pc.LocalAddr().String()}
	}

	// 3. Swap. Cloud Map first, so new tasks are found as they start;
	// the tasks' calls read the gateway as they dial.
	rt.gateway.Store(gw)
	rt.reg.Reconfigure(d)
	for _, ns := range d.Namespaces {
		for _, s := range ns.Services {
			for _, t := range byService[s.Service] {
				if _, ok := rt.reg.Healthy(ns.Name, s.Service, t.ID); ok && keptIDs[t.ID] {
					continue // kept, with its health
				}
				ap := netip.MustParseAddrPort(t.Addr)
				if err := rt.reg.Register(ns.Name, s.Service, cloudmap.Instance{ID: t.ID, Addr: ap.Addr(), Port: int(ap.Port()), Healthy: true}); err != nil {
					return ch, err // the design's own namespace: cannot happen
				}
			}
		}
	}
	fresh = nil // from here on they run
	rt.mu.Lock()
	for i := range d.Services {
		s := &d.Services[i]
		for n := range byService[s.Name] {
			slot := fmt.Sprintf("%s-%d", s.Name, n+1)
			tk := tasks[slot]
			if oldTasks[slot] == tk {
				if tk.w != nil {
					deps := rt.dependencies(d, s, internal, byService)
					tk.w.deps.Store(&deps)
				}
				continue
			}
			rt.startTask(d, s, n, tk, internal, byService)
		}
	}
	// The listeners serving until now: requests in flight there may
	// still be with tasks that go.
	var prior []*alb.Listener
	for _, s := range rt.albs {
		prior = append(prior, s.x.Load())
	}
	var entries []Entry
	albsNow := map[string]*servedALB{}
	for _, p := range albs {
		s := p.s
		key := listenerKey(s.lb, s.l)
		if old := s.x.Load(); old != nil {
			p.x.Adopt(old)
			s.cancel()
			ch.Replaced = append(ch.Replaced, key)
			rt.retireListener(old)
		} else {
			ch.Opened = append(ch.Opened, key)
		}
		s.lb, s.l = p.x.LoadBalancer(), p.x.DesignListener()
		s.x.Store(p.x)
		hctx, cancel := context.WithCancel(rt.ctx)
		s.cancel = cancel
		go p.x.RunHealthChecks(hctx)
		if s.srv == nil {
			s.srv = rt.serveALB(s, p.ln)
		} else {
			s.srv.(*alb.Server).SetTLS(rt.albTLS(s.l)) // HTTP and HTTPS share a key
		}
		albsNow[key] = s
		entries = append(entries, Entry{LoadBalancer: s.lb.Name, Scheme: s.lb.Scheme, Protocol: s.l.Protocol, Port: s.l.Port, Addr: s.addr, Key: key})
	}
	nlbsNow := map[string]*servedNLB{}
	for _, p := range nlbs {
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
				go acceptNLB(s)
			}
		}
		s.lb, s.l = p.x.LoadBalancer(), p.x.DesignListener()
		s.x.Store(p.x)
		if s.udp != nil {
			go p.x.ServeUDP(s.udp)
		}
		hctx, cancel := context.WithCancel(rt.ctx)
		s.cancel = cancel
		go p.x.RunHealthChecks(hctx)
		nlbsNow[key] = s
		entries = append(entries, Entry{LoadBalancer: s.lb.Name, Scheme: s.lb.Scheme, Protocol: s.l.Protocol, Port: s.l.Port, Addr: s.addr, Key: key})
	}
	// Listeners the design no longer has stop accepting and drain.
	for key, s := range rt.albs {
		if _, ok := albsNow[key]; !ok {
			ch.Closed = append(ch.Closed, key)
			s.cancel()
			rt.retiring.Go(func() {
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				_ = s.srv.Shutdown(ctx)
				s.x.Load().Close()
			})
		}
	}
	for key, s := range rt.nlbs {
		if _, ok := nlbsNow[key]; !ok {
			ch.Closed = append(ch.Closed, key)
			s.cancel()
			if s.tcp != nil {
				s.tcp.Close()
			}
			if s.udp != nil {
				s.udp.Close()
			}
		}
	}
	// Tasks the design no longer runs drain, then stop.
	var gone []*task
	running := map[string]bool{} // the IDs of the tasks now in service
	for _, t := range tasks {
		running[t.ID] = true
	}
	for slot, t := range oldTasks {
		if tasks[slot] != t {
			gone = append(gone, t)
			ch.Stopped = append(ch.Stopped, t.ID)
			if rt.workloads[t.ID] == t.w {
				delete(rt.workloads, t.ID)
			}
		}
	}
	// A task replaced under the same ID was re-registered above.
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
	rt.design, rt.tasks, rt.albs, rt.nlbs = d, tasks, albsNow, nlbsNow
	rt.internal, rt.byService = internal, byService
	rt.Entries, rt.Tasks = entries, nil
	for i := range d.Services {
		rt.Tasks = append(rt.Tasks, byService[d.Services[i].Name]...)
	}
	rt.mu.Unlock()
	rt.restartTaskHealth(d, byService)
	for _, l := range [][]string{ch.Started, ch.Kept, ch.Stopped, ch.Opened, ch.Replaced, ch.Closed} {
		slices.Sort(l)
	}
	return ch, nil
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

// acceptNLB hands each connection to the listener current at accept.
func acceptNLB(s *servedNLB) {
	for {
		c, err := s.tcp.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		go s.x.Load().Handle(c)
	}
}

// listenAddr is where a designed listener port is served.
func (rt *Runtime) listenAddr(port int) string {
	if rt.opt.Ephemeral {
		return "127.0.0.1:0"
	}
	return "127.0.0.1:" + strconv.Itoa(port+rt.opt.PortOffset)
}

// accessLog is a load balancer's access log, opened on first use; nil
// when access logs are off or the file cannot be opened (a note says so).
func (rt *Runtime) accessLog(lb *design.LoadBalancer) *alb.AccessLog {
	if rt.opt.AccessLogDir == "" {
		return nil
	}
	if l, ok := rt.logs[lb.Name]; ok {
		return l
	}
	err := os.MkdirAll(rt.opt.AccessLogDir, 0o755)
	var f *os.File
	if err == nil {
		f, err = os.OpenFile(filepath.Join(rt.opt.AccessLogDir, lb.Name+".log"), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	}
	if err != nil {
		rt.Notes = append(rt.Notes, fmt.Sprintf("no access log for %s: %v", lb.Name, err))
		rt.logs[lb.Name] = nil
		return nil
	}
	rt.files = append(rt.files, f)
	rt.logs[lb.Name] = alb.NewAccessLog(f)
	return rt.logs[lb.Name]
}

// openTask makes a task's socket: UDP for a UDP service, else TCP, on
// host at port (0: a free one).
func openTask(s *design.Service, id, host string, port int, spec string) (*task, error) {
	t := &task{Task: Task{Service: s.Name, ID: id}, spec: spec}
	hostPort := net.JoinHostPort(host, strconv.Itoa(port))
	if s.Protocol == "udp" && s.Kind != "appliance" { // appliances pass TCP on locally
		pc, err := net.ListenPacket("udp", hostPort)
		if err != nil {
			return nil, fmt.Errorf("task %s: %w", id, err)
		}
		t.pc, t.Addr = pc, pc.LocalAddr().String()
		return t, nil
	}
	ln, err := net.Listen("tcp", hostPort)
	if err != nil {
		return nil, fmt.Errorf("task %s on %s: %w", id, host, err)
	}
	t.lns, t.Addr = []net.Listener{ln}, ln.Addr().String()
	return t, nil
}

// startTask runs task n of s on the socket openTask made: the `run`
// command, or the built-in workload for the service's protocol. The
// caller holds rt.mu.
func (rt *Runtime) startTask(d *design.Design, s *design.Service, n int, t *task, internal map[string]Entry, byService map[string][]Task) {
	switch {
	case s.Run != "":
		rt.startProcess(d, s, n, t, internal, byService)
	case s.Kind == "appliance":
		go serveAppliance(t.lns[0], t.ID, rt.flows)
	case t.pc != nil:
		go serveUDP(t.pc, t.ID)
		// A TCP listener on the same port answers the target group's TCP
		// health checks, as a UDP service's health port would.
		if ln, err := net.Listen("tcp", t.Addr); err == nil {
			t.lns = append(t.lns, ln)
			go serveTCP(ln, t.ID)
		} else {
			rt.Notes = append(rt.Notes, fmt.Sprintf("%s has no TCP port for health checks (%v); its load balancers fail open to it.", t.ID, err))
		}
	case s.Kind != "service" || !httpFamily[s.Protocol]:
		ln := t.lns[0]
		if s.Protocol == "tls" {
			ln = tls.NewListener(ln, &tls.Config{Certificates: rt.certs, MinVersion: tls.VersionTLS12})
		}
		go serveTCP(ln, t.ID)
	default:
		w := newWorkload(rt.ctx, s.Name, t.ID, newClients(t.Addr, rt.roots, rt.taskDialer(t.Addr)))
		for _, tg := range d.TargetGroups {
			if tg.Service == s.Name && tg.Health.Path != "" {
				w.health[tg.Health.Path] = true
			}
		}
		if s.Health.Path != "" {
			w.health[s.Health.Path] = true
		}
		deps := rt.dependencies(d, s, internal, byService)
		w.deps.Store(&deps)
		t.w = w
		t.srv = serveTask(t.lns[0], w)
		w.srv = t.srv
		rt.workloads[t.ID] = w
	}
}

func (rt *Runtime) dependencies(d *design.Design, s *design.Service, internal map[string]Entry, byService map[string][]Task) []dependency {
	var deps []dependency
	for _, f := range d.Flows {
		if f.Kind == "service" && f.From == s.Name {
			deps = append(deps, rt.dependency(d, f.To, internal, rt.reg, byService))
		}
	}
	return deps
}

// startProcess runs task n of s with its `run` command. The task's port
// is the one its socket held, released just before the command starts;
// the environment says where the task listens and how to reach the DNS
// server and each dependency.
func (rt *Runtime) startProcess(d *design.Design, s *design.Service, n int, t *task, internal map[string]Entry, byService map[string][]Task) {
	host, port, _ := net.SplitHostPort(t.Addr)
	env := []string{"PORT=" + port, "HOST=" + host, "NETWRIGHT_DNS=" + rt.DNSAddr, "NETWRIGHT_SERVICE=" + s.Name, "NETWRIGHT_TASK=" + t.ID}
	for _, f := range d.Flows {
		if f.Kind != "service" || f.From != s.Name {
			continue
		}
		addr := ""
		if e, ok := internal[f.To]; ok {
			addr = e.Addr
		} else if ts := byService[f.To]; len(ts) > 0 {
			addr = ts[n%len(ts)].Addr // spread the tasks over the dependency's
		}
		env = append(env, envName(f.To)+"_ADDR="+addr)
	}
	for _, ln := range t.lns {
		ln.Close()
	}
	t.lns = nil
	if t.pc != nil {
		t.pc.Close()
		t.pc = nil
	}
	ctx, cancel := context.WithCancel(rt.ctx)
	t.cancel = cancel
	t.proc = &process{task: t.ID, command: s.Run, env: env, out: rt.out}
	rt.procWG.Go(func() { t.proc.run(ctx) })
}

// retireListener lets a replaced ALB listener finish its requests in
// flight; it gets no new ones.
func (rt *Runtime) retireListener(x *alb.Listener) {
	rt.retiring.Go(func() {
		deadline := time.Now().Add(30 * time.Second)
		for time.Now().Before(deadline) && x.InFlight() > 0 {
			time.Sleep(20 * time.Millisecond)
		}
		x.Close()
	})
}

// retireTasks stops tasks a reload removed once no request is in flight
// to them at any load balancer, or their target groups' longest
// deregistration delay has passed (time-scaled). No new request reaches
// them: the listeners now in service do not have them.
// after, when set, runs once they stopped.
func (rt *Runtime) retireTasks(old *design.Design, gone []*task, prior []*alb.Listener, after func()) {
	if len(gone) == 0 {
		return
	}
	delay := time.Duration(0)
	for _, tg := range old.TargetGroups {
		delay = max(delay, time.Duration(float64(tg.DeregistrationDelay)*rt.opt.TimeScale))
	}
	retired := map[string]bool{}
	for _, t := range gone {
		retired[t.Addr] = true
	}
	rt.retiring.Go(func() {
		deadline := time.Now().Add(delay)
		for time.Now().Before(deadline) && inFlightTo(prior, retired) > 0 {
			time.Sleep(20 * time.Millisecond)
		}
		// Calls that came straight through Cloud Map finish too.
		ctx, cancel := context.WithDeadline(rt.ctx, deadline.Add(time.Second))
		defer cancel()
		for _, t := range gone {
			if t.srv != nil {
				_ = t.srv.Shutdown(ctx)
			}
			t.stop()
		}
		if after != nil {
			after()
		}
	})
}

// inFlightTo counts requests in flight at the listeners to the targets
// at addrs.
func inFlightTo(xs []*alb.Listener, addrs map[string]bool) int64 {
	var n int64
	for _, x := range xs {
		for _, tg := range x.TargetGroups() {
			for _, ts := range x.Targets(tg) {
				if addrs[ts.Addr] {
					n += ts.InFlight
				}
			}
		}
	}
	return n
}

// restartTaskHealth runs the task health checks of d's services anew,
// each task starting from the health Cloud Map has for it.
func (rt *Runtime) restartTaskHealth(d *design.Design, byService map[string][]Task) {
	rt.mu.Lock()
	for _, stop := range rt.healthStops {
		stop()
	}
	rt.healthStops = map[string]context.CancelFunc{}
	rt.mu.Unlock()
	for i := range d.Services {
		rt.startTaskHealth(d, &d.Services[i], byService[d.Services[i].Name])
	}
}

// startTaskHealth (re)starts the checks of one service's tasks, as ECS
// checks each task's container health: it pushes each decision to Cloud
// Map (ecsHealthLag later) and replaces a task of a service (not a data
// store or appliance) once it is unhealthy.
func (rt *Runtime) startTaskHealth(d *design.Design, s *design.Service, ts []Task) {
	var namespaces []string
	for _, ns := range d.Namespaces {
		for _, ds := range ns.Services {
			if ds.Service == s.Name {
				namespaces = append(namespaces, ns.Name)
			}
		}
	}
	replace := s.Kind == "service"
	if s.Protocol == "udp" || len(ts) == 0 || len(namespaces) == 0 && !replace {
		return
	}
	ctx, cancel := context.WithCancel(rt.ctx)
	rt.mu.Lock()
	if stop := rt.healthStops[s.Name]; stop != nil {
		stop()
	}
	rt.healthStops[s.Name] = cancel
	rt.mu.Unlock()
	initial := func(id string) bool {
		for _, ns := range namespaces {
			if healthy, ok := rt.reg.Healthy(ns, s.Name, id); ok {
				return healthy
			}
		}
		return true
	}
	lag := time.Duration(float64(ecsHealthLag) * rt.opt.TimeScale)
	go taskHealth(ctx, s, ts, initial, rt.opt.TimeScale, func(t Task, healthy bool) {
		// Decisions reach Cloud Map in order: each waits the same lag.
		time.AfterFunc(lag, func() {
			if rt.ctx.Err() == nil {
				for _, ns := range namespaces {
					_ = rt.reg.SetHealth(ns, s.Name, t.ID, healthy) // gone if it was replaced and stopped since
				}
			}
		})
		if !healthy && replace {
			go rt.replaceTask(s.Name, t.ID)
		}
	})
}

// Shutdown stops the health checks, stops accepting at every load
// balancer, lets requests in flight finish until ctx ends (a request
// holds the tasks it passes through, so the graph drains with it), then
// stops the tasks and DNS.
func (rt *Runtime) Shutdown(ctx context.Context) error {
	rt.reloading.Lock()
	defer rt.reloading.Unlock()
	rt.stop()
	var errs []error
	rt.mu.RLock()
	defer rt.mu.RUnlock()
	var servers []server
	for _, s := range rt.albs {
		servers = append(servers, s.srv)
	}
	if rt.admin != nil {
		servers = append(servers, rt.admin)
	}
	for _, s := range servers {
		if err := s.Shutdown(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	for _, s := range rt.nlbs {
		if s.tcp != nil {
			s.tcp.Close()
		}
		if s.udp != nil {
			s.udp.Close()
		}
		s.x.Load().Close()
	}
	// Nothing reaches the tasks now but connections a cancelled health
	// check may have left half-open: close, do not wait for them.
	for _, t := range rt.tasks {
		t.stop()
	}
	for _, s := range rt.albs {
		s.x.Load().Close()
	}
	// The commands got SIGTERM when stop cancelled their context; tasks
	// retiring after a reload stop at once too.
	waited := make(chan struct{})
	go func() { rt.procWG.Wait(); rt.retiring.Wait(); close(waited) }()
	select {
	case <-waited:
	case <-ctx.Done():
		errs = append(errs, fmt.Errorf("run commands still stopping: %w", ctx.Err()))
	}
	if rt.dns != nil {
		errs = append(errs, rt.dns.Shutdown(ctx))
	}
	for _, f := range rt.files {
		errs = append(errs, f.Close())
	}
	return errors.Join(errs...)
}

// workload returns a built-in task by ID.
func (rt *Runtime) workload(id string) *workload {
	rt.mu.RLock()
	defer rt.mu.RUnlock()
	return rt.workloads[id]
}

func (rt *Runtime) status(w http.ResponseWriter, _ *http.Request) {
	rt.mu.RLock()
	var out Status
	keys := func(m map[string]bool) []string {
		return slices.Sorted(func(yield func(string) bool) {
			for k := range m {
				if !yield(k) {
					return
				}
			}
		})
	}
	names := map[string]bool{}
	for k := range rt.albs {
		names[k] = true
	}
	for k := range rt.nlbs {
		names[k] = true
	}
	for _, key := range keys(names) {
		if s, ok := rt.albs[key]; ok {
			x := s.x.Load()
			ls := ListenerStatus{LoadBalancer: s.lb.Name, Scheme: s.lb.Scheme, Port: s.l.Port, Protocol: s.l.Protocol, Addr: s.addr}
			for _, r := range s.l.Rules {
				ls.Rules = append(ls.Rules, RuleStatus{Priority: strconv.Itoa(r.Priority), Conditions: r.Conditions.String(), Action: r.Action.String()})
			}
			ls.Rules = append(ls.Rules, RuleStatus{Priority: "default", Action: s.l.DefaultAction.String()})
			for _, id := range x.TargetGroups() {
				algo := ""
				if tg := targetGroup(rt.design, id); tg != nil {
					algo = tg.Algorithm
				}
				ls.TargetGroups = append(ls.TargetGroups, TargetGroupStatus{ID: id, Algorithm: algo, Targets: x.Targets(id)})
			}
			out.Listeners = append(out.Listeners, ls)
			continue
		}
		s := rt.nlbs[key]
		x := s.x.Load()
		ls := ListenerStatus{LoadBalancer: s.lb.Name, Scheme: s.lb.Scheme, Port: s.l.Port, Protocol: s.l.Protocol, Addr: s.addr,
			Rules: []RuleStatus{{Priority: "default", Action: s.l.DefaultAction.String()}}}
		algo := "flow_hash"
		if tg := targetGroup(rt.design, x.TargetGroup()); tg != nil && tg.Stickiness == "source_ip" {
			algo = "source_ip"
		}
		ls.TargetGroups = []TargetGroupStatus{{ID: x.TargetGroup(), Algorithm: algo, Targets: x.Targets()}}
		out.Listeners = append(out.Listeners, ls)
	}
	rt.mu.RUnlock()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out) // a client that left needs no answer
}
