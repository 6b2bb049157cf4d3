package up

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/miekg/dns"

	"github.com/netwright/netwright/internal/clock"
	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/runtime/accept"
	"github.com/netwright/netwright/internal/runtime/alb"
	"github.com/netwright/netwright/internal/runtime/discovery"
	"github.com/netwright/netwright/internal/runtime/mesh"
	"github.com/netwright/netwright/internal/runtime/netns"
)

// runningTask is one running task and what stops it. The runtime keeps tasks
// by slot, "<service>-<n>" for the n-th of its replicas, which is also
// the first task's ID there; one ECS replaces gets a new ID in the same
// slot.
type runningTask struct {
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
	// proxy is the task's mesh proxy, or nil; ingress is the socket at
	// the task's address its proxy takes over in netns mode
	// (behindProxy).
	proxy   *mesh.Proxy
	ingress net.Listener
	// cancel stops a `run` command.
	cancel context.CancelFunc
	// eni is the task's interface in netns mode, detached when it stops.
	eni    *netns.ENI
	fabric *netns.Fabric
	// claim keeps other runtimes off the task's address while it
	// runs (claimAddr), its `run` command's restarts included; nil in
	// netns mode, where the address is in a namespace of this runtime's.
	claim io.Closer
}

// stop ends the task at once.
func (t *runningTask) stop() {
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
	if t.ingress != nil {
		t.ingress.Close()
	}
	if t.cancel != nil {
		t.cancel()
	}
	if t.eni != nil {
		t.fabric.Detach(t.eni) // its address goes with it
	}
	if t.proxy != nil {
		t.proxy.Close()
	}
	if t.claim != nil {
		t.claim.Close()
	}
}

var httpFamily = map[string]bool{"http": true, "http2": true, "grpc": true, "websocket": true}

// openTask makes a task's socket: UDP for a UDP service, else TCP, on
// host at port (0: a free one), and claims the address for the task's
// life (claimAddr). An address another runtime claimed is in use: the
// error wraps EADDRINUSE, as a listening socket's would; at port 0 the
// kernel is asked for another port, a few times.
func openTask(s *design.Service, id, host string, port int, spec string) (*runningTask, error) {
	for try := 1; ; try++ {
		t, err := openTaskOnce(s, id, host, port, spec)
		if port != 0 || try == 8 || !errors.Is(err, syscall.EADDRINUSE) {
			return t, err
		}
	}
}

func openTaskOnce(s *design.Service, id, host string, port int, spec string) (*runningTask, error) {
	t := &runningTask{Task: Task{Service: s.Name, ID: id}, spec: spec}
	hostPort := net.JoinHostPort(host, strconv.Itoa(port))
	network := "tcp"
	if s.Protocol == design.ProtoUDP && s.Kind != design.KindAppliance { // appliances pass TCP on locally
		pc, err := net.ListenPacket("udp", hostPort)
		if err != nil {
			return nil, fmt.Errorf("task %s: %w", id, err)
		}
		t.pc, t.Addr, network = pc, pc.LocalAddr().String(), "udp"
	} else {
		ln, err := net.Listen("tcp", hostPort)
		if err != nil {
			return nil, fmt.Errorf("task %s on %s: %w", id, host, err)
		}
		t.lns, t.Addr = []net.Listener{ln}, ln.Addr().String()
	}
	claim, err := claimAddr(network, t.Addr)
	if err != nil {
		t.stop()
		return nil, fmt.Errorf("task %s on %s: another netwright runtime holds the address for a task of its own: %w", id, t.Addr, err)
	}
	t.claim = claim
	return t, nil
}

// startTask runs task n of s on the socket openTask made: the `run`
// command, or the built-in workload for the service's protocol. The
// caller holds rt.mu.
func (rt *Runtime) startTask(d *design.Design, s *design.Service, n int, t *runningTask, internal map[string]Entry, byService map[string][]Task) {
	switch {
	case s.Run != "":
		rt.startProcess(d, s, n, t, internal, byService)
	case s.Kind == design.KindAppliance && t.pc != nil: // netns: GENEVE from the GWLB
		rt.goroutines.Go(func() { serveGeneveAppliance(t.pc, t.ID, rt.flows) })
	case s.Kind == design.KindAppliance:
		rt.goroutines.Go(func() { serveAppliance(t.lns[0], t.ID, rt.flows) })
	case t.pc != nil:
		rt.goroutines.Go(func() { serveUDP(t.pc, t.ID) })
		// A TCP listener on the same port answers the target group's TCP
		// health checks, as a UDP service's health port would.
		listen := net.Listen
		if t.eni != nil {
			listen = t.eni.NS.Listen
		}
		if ln, err := listen("tcp", t.Addr); err == nil {
			t.lns = append(t.lns, ln)
			rt.goroutines.Go(func() { rt.serveTCP(ln, t.ID) })
		} else {
			rt.Notes = append(rt.Notes, fmt.Sprintf("%s has no TCP port for health checks (%v); its load balancers fail open to it.", t.ID, err))
		}
	case s.Kind != "service" || !httpFamily[s.Protocol]:
		ln := t.lns[0]
		if s.Protocol == "tls" {
			ln = tls.NewListener(ln, &tls.Config{Certificates: rt.certs, MinVersion: tls.VersionTLS12})
		}
		rt.goroutines.Go(func() { rt.serveTCP(ln, t.ID) })
	default:
		c := newClients(t.Addr, rt.roots, rt.taskDialer(t.Addr))
		if t.eni != nil { // from its namespace, where the kernel routes and filters
			c = newClients(t.Addr, rt.roots, t.Task.dial())
			c.dialUDP = c.dial
		}
		w := newWorkload(rt.ctx, rt.clock, s.Name, t.ID, c, rt.tracing.For(s.Name))
		w.calls = rt.taskCalls
		for _, tg := range d.TargetGroups {
			if tg.Service == s.Name && tg.Health.Path != "" {
				w.health[tg.Health.Path] = true
			}
		}
		if s.Health.Path != "" {
			w.health[s.Health.Path] = true
		}
		deps := rt.dependencies(d, t, internal, byService)
		w.deps.Store(&deps)
		t.w = w
		t.srv = rt.serveTask(t.lns[0], w)
		w.srv = t.srv
		rt.workloads[t.ID] = w
	}
}

// serveTask runs a built-in task's server on ln: HTTP/1.1 and, by prior
// knowledge, cleartext HTTP/2 (for HTTP2 and gRPC callers).
func (rt *Runtime) serveTask(ln net.Listener, h http.Handler) *http.Server {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 60 * time.Second, Protocols: new(http.Protocols)}
	srv.Protocols.SetHTTP1(true)
	srv.Protocols.SetUnencryptedHTTP2(true)
	rt.goroutines.Go(func() { _ = srv.Serve(ln) }) // Serve returns when Close closes ln
	return srv
}

// serveTCP is a data store's or TCP service's built-in task: it writes
// its task ID to each connection and closes it.
func (rt *Runtime) serveTCP(ln net.Listener, task string) {
	_ = accept.Loop{Conns: &rt.goroutines, Handle: func(conn net.Conn) {
		defer conn.Close()
		conn.SetWriteDeadline(time.Now().Add(5 * time.Second))
		fmt.Fprintln(conn, task)
	}}.Serve(ln) // it returns when the task stops
}

// dependencies are how task t reaches each service it depends on: its
// mesh proxy where the mesh carries the call, else as resolveDependency
// decides.
func (rt *Runtime) dependencies(d *design.Design, t *runningTask, internal map[string]Entry, byService map[string][]Task) []dependency {
	var deps []dependency
	for _, f := range d.Flows {
		if f.Kind == design.FlowService && f.From == t.Service {
			if addr, ok := rt.meshDependency(t, f.To); ok {
				dep := rt.resolveDependency(d, f.To, t, internal, rt.reg, byService)
				dep.via, dep.tls = rt.meshVia(), false
				dep.dial = func(context.Context) (string, error) { return addr, nil }
				deps = append(deps, dep)
				continue
			}
			deps = append(deps, rt.resolveDependency(d, f.To, t, internal, rt.reg, byService))
		}
	}
	return deps
}

// resolveDependency decides how a task reaches service to, as the design does: an
// internal load balancer in front of it, else its Cloud Map name (asked of
// the local DNS server, SRV for the port), else its tasks directly. from
// is the calling task: in netns mode it asks its VPC's resolver from its
// namespace.
func (rt *Runtime) resolveDependency(d *design.Design, to string, from *runningTask, internal map[string]Entry, reg *discovery.Registry, tasks map[string][]Task) dependency {
	svc := d.Service(to)
	dep := dependency{service: to, protocol: "tcp"}
	if svc != nil && svc.Kind == design.KindService {
		dep.protocol = svc.Protocol
	}
	if e, ok := internal[to]; ok {
		dep.via = "load balancer " + e.LoadBalancer
		dep.tls = e.Protocol == "HTTPS"
		dep.dial = func(context.Context) (string, error) { return e.Addr, nil }
		return dep
	}
	for _, ns := range d.Namespaces {
		for _, s := range ns.Services {
			if s.Service == to && ns.Type == design.NamespaceDNSPrivate {
				name := dns.Fqdn(s.DNSName)
				dep.via = "Cloud Map " + s.DNSName
				server := rt.resolverOf(from)
				var dial func(ctx context.Context, network, addr string) (net.Conn, error)
				if from != nil {
					dial = from.Task.dial()
				}
				dep.dial = func(ctx context.Context) (string, error) { return resolveSRV(ctx, dial, server, name) }
				return dep
			}
		}
	}
	var next atomic.Uint64
	dep.via = "direct"
	dep.dial = func(context.Context) (string, error) {
		ts := tasks[to]
		if len(ts) == 0 {
			return "", fmt.Errorf("%s has no tasks running", to)
		}
		return ts[int(next.Add(1)-1)%len(ts)].Addr, nil
	}
	return dep
}

// resolveSRV asks the DNS server for name's SRV records and returns the
// first target's address and port, as a client library would.
// dial, when set, makes the query's connection (from a task's namespace).
func resolveSRV(ctx context.Context, dial func(ctx context.Context, network, addr string) (net.Conn, error), server, name string) (string, error) {
	m := new(dns.Msg)
	m.SetQuestion(name, dns.TypeSRV)
	c := &dns.Client{Timeout: 2 * time.Second}
	var in *dns.Msg
	var err error
	if dial == nil {
		in, _, err = c.ExchangeContext(ctx, m, server)
	} else {
		ctx, cancel := context.WithTimeout(ctx, c.Timeout)
		defer cancel()
		var conn net.Conn
		if conn, err = dial(ctx, "udp", server); err == nil {
			co := &dns.Conn{Conn: conn}
			if dl, ok := ctx.Deadline(); ok {
				conn.SetDeadline(dl)
			}
			in, _, err = c.ExchangeWithConnContext(ctx, m, co)
			conn.Close()
		}
	}
	if err != nil {
		return "", fmt.Errorf("SRV %s: %w", name, err)
	}
	for _, rr := range in.Answer {
		srv, ok := rr.(*dns.SRV)
		if !ok {
			continue
		}
		for _, x := range in.Extra {
			if a, ok := x.(*dns.A); ok && a.Hdr.Name == srv.Target {
				return net.JoinHostPort(a.A.String(), strconv.Itoa(int(srv.Port))), nil
			}
		}
	}
	return "", fmt.Errorf("SRV %s: %s with no usable answer", name, dns.RcodeToString[in.Rcode])
}

// envName turns a service name into an environment variable's: "orders-db"
// becomes ORDERS_DB.
func envName(service string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			return r
		}
		return '_'
	}, service)
}

// startProcess runs task n of s with its `run` command. The task's port
// is the one its socket held, released just before the command starts;
// the environment says where the task listens and how to reach the DNS
// server and each dependency.
func (rt *Runtime) startProcess(d *design.Design, s *design.Service, n int, t *runningTask, internal map[string]Entry, byService map[string][]Task) {
	host, port, _ := net.SplitHostPort(t.appAddr())
	env := []string{"PORT=" + port, "HOST=" + host, "NETWRIGHT_DNS=" + rt.resolverOf(t), "NETWRIGHT_SERVICE=" + s.Name, "NETWRIGHT_TASK=" + t.ID}
	for _, f := range d.Flows {
		if f.Kind != "service" || f.From != s.Name {
			continue
		}
		addr := ""
		if a, ok := rt.meshDependency(t, f.To); ok {
			addr = a
		} else if e, ok := internal[f.To]; ok {
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
	t.proc = &process{task: t.ID, command: s.Run, env: env, out: rt.out, clock: rt.clock, start: t.startIn()}
	rt.goroutines.Go(func() { t.proc.run(ctx) })
}

// retireTasks stops tasks a reload removed once no request is in flight
// to them at any of the listeners prior (which no longer send them new
// ones), or their target groups' longest deregistration delay has passed
// on the runtime's clock, or the runtime stops. Calls that reached them
// straight through Cloud Map get a second more. after, when set, runs
// once they stopped.
func (rt *Runtime) retireTasks(old *design.Design, gone []*runningTask, prior []*alb.Listener, after func()) {
	if len(gone) == 0 {
		return
	}
	delay := time.Duration(0)
	for _, tg := range old.TargetGroups {
		delay = max(delay, time.Duration(tg.DeregistrationDelay))
	}
	retired := map[string]bool{}
	for _, t := range gone {
		retired[t.Addr] = true
	}
	rt.goroutines.Go(func() {
		deadline := rt.clock.Now().Add(delay)
		drained, cancel := clock.WithTimeout(rt.ctx, rt.clock, delay)
		defer cancel()
		for _, x := range prior {
			x.WaitIdle(drained, retired)
		}
		// Calls that came straight through Cloud Map finish too.
		ctx, cancel := clock.WithTimeout(rt.ctx, rt.clock, max(deadline.Sub(rt.clock.Now()), 0)+time.Second)
		defer cancel()
		for _, t := range gone {
			if t.proxy != nil {
				t.proxy.Shutdown(ctx) // drains, as Service Connect's agent does
			}
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

func targetGroup(d *design.Design, id string) *design.TargetGroup {
	for i := range d.TargetGroups {
		if d.TargetGroups[i].ID == id {
			return &d.TargetGroups[i]
		}
	}
	return nil
}
