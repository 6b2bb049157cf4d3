// Package up runs a design on this machine, in one process, for
// `netwright up`: each service's tasks (netwright's built-in workload),
// the Cloud Map DNS server and DiscoverInstances API, and every ALB
// listener with its rules, target groups and health checks, with HTTPS
// from a local certificate authority. Requests sent to a public listener
// flow through the designed graph: each task calls its dependencies the
// way the design connects them (an internal load balancer, Cloud Map DNS,
// or a data store's address) and answers with the call tree.
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
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/miekg/dns"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/netwright/netwright/internal/cloudmap"
	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/runtime/alb"
	"github.com/netwright/netwright/internal/runtime/discovery"
	"github.com/netwright/netwright/internal/runtime/nlb"
)

// Options says where the runtime listens.
type Options struct {
	// PortOffset is added to each designed listener port (443 serves on
	// 8443 with the default 8000), so no listener needs root.
	PortOffset int
	// Ephemeral listens on free ports instead, for tests.
	Ephemeral bool
	// DNSAddr and AdminAddr are host:port for the DNS server and the
	// admin API (DiscoverInstances).
	DNSAddr, AdminAddr string
	// TimeScale multiplies health-check intervals and timeouts (0 or 1:
	// as designed), for tests and demos.
	TimeScale float64
	// Output receives the output of `run` commands, each line after its
	// task's name; nil discards it.
	Output io.Writer
	// ReadHeaderTimeout bounds how long a load balancer listener waits
	// for a request's header (10 s when 0), so slow clients cannot hold
	// connections.
	ReadHeaderTimeout time.Duration
	// AccessLogDir, when set, receives each load balancer's access log in
	// ALB's format, as <load balancer name>.log (appended to).
	AccessLogDir string
}

// Entry is one load balancer listener served locally.
type Entry struct {
	LoadBalancer, Scheme, Protocol string
	Port                           int    // designed
	Addr                           string // local host:port
}

// Task is one running task.
type Task struct {
	Service, ID, Addr string
}

// Runtime is a running design. Shutdown stops it.
type Runtime struct {
	Entries   []Entry
	Tasks     []Task
	DNSAddr   string
	AdminAddr string
	// CAPEM is the local CA's certificate, which clients trust for the
	// HTTPS listeners; it is made anew on each start.
	CAPEM []byte
	// Notes say what is not run the way AWS would run it.
	Notes []string

	servers []*http.Server // load balancer listeners and the admin API
	// listeners are the served ALB listeners, with what status shows.
	listeners []served
	tasks     []*http.Server
	tcp       []net.Listener
	udp       []net.PacketConn
	albs      []*alb.Listener
	nlbs      []*nlb.Listener
	// nlbListeners are the served NLB listeners, for status.
	nlbListeners []servedNLB
	dns          *discovery.DNSServer
	stop         context.CancelFunc
	design       *design.Design
	// workloads are the built-in tasks by ID, for the fault API.
	workloads map[string]*workload
	// logs are the open access-log files.
	logs []*os.File
	// procs are the tasks run by `run` commands.
	procs  []*process
	procWG sync.WaitGroup
}

var httpFamily = map[string]bool{"http": true, "http2": true, "grpc": true, "websocket": true}

// Start brings the design up. On error everything started is stopped.
func Start(ctx context.Context, d *design.Design, opt Options) (rt *Runtime, err error) {
	ctx, stop := context.WithCancel(ctx)
	rt = &Runtime{stop: stop, design: d, workloads: map[string]*workload{}}
	if opt.TimeScale <= 0 {
		opt.TimeScale = 1
	}
	if opt.ReadHeaderTimeout <= 0 {
		opt.ReadHeaderTimeout = 10 * time.Second
	}
	var opened []net.Listener // closed on failure, served or not
	defer func() {
		if err != nil {
			for _, ln := range opened {
				ln.Close()
			}
			sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_ = rt.Shutdown(sctx)
			rt = nil
		}
	}()
	listen := func(what, addr string) (net.Listener, error) {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			return nil, fmt.Errorf("%s on %s: %w", what, addr, err)
		}
		opened = append(opened, ln)
		return ln, nil
	}
	ephemeral := func(addr string) string {
		if opt.Ephemeral {
			return "127.0.0.1:0"
		}
		return addr
	}

	reg := discovery.NewRegistry(d)
	if rt.dns, err = reg.ListenDNS(ephemeral(opt.DNSAddr)); err != nil {
		return rt, fmt.Errorf("%w (change it with --dns)", err)
	}
	rt.DNSAddr = rt.dns.Addr
	metrics := prometheus.NewRegistry()
	if err := reg.Instrument(metrics); err != nil {
		return rt, err
	}
	lbMetrics, err := alb.NewMetrics(metrics)
	if err != nil {
		return rt, err
	}
	adminLn, err := listen("the admin API", ephemeral(opt.AdminAddr))
	if err != nil {
		return rt, fmt.Errorf("%w (change it with --admin)", err)
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
	mux.Handle("/", reg)
	rt.servers = append(rt.servers, serve(adminLn, mux, nil, nil, 10*time.Second))

	certs, caPEM, err := localCA(time.Now())
	if err != nil {
		return rt, err
	}
	rt.CAPEM = caPEM
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(caPEM)

	// Tasks listen first, so load balancers and discovery know them.
	tasks := map[string][]Task{}
	lns := map[string]net.Listener{}
	ips, note := taskAddrs(d)
	rt.Notes = append(rt.Notes, note)
	pcs := map[string]net.PacketConn{}
	for _, s := range d.Services {
		for i := range max(s.Replicas, 1) {
			host := "127.0.0.1"
			if ips != nil {
				host = ips[s.Name][i].String()
			}
			t := Task{Service: s.Name, ID: fmt.Sprintf("%s-%d", s.Name, i+1)}
			if s.Protocol == "udp" {
				pc, err := net.ListenPacket("udp", net.JoinHostPort(host, "0"))
				if err != nil {
					return rt, fmt.Errorf("task %s: %w", t.ID, err)
				}
				rt.udp = append(rt.udp, pc)
				pcs[t.ID], t.Addr = pc, pc.LocalAddr().String()
			} else {
				ln, err := listen("task", net.JoinHostPort(host, "0"))
				if err != nil {
					return rt, err
				}
				lns[t.ID], t.Addr = ln, ln.Addr().String()
			}
			tasks[s.Name] = append(tasks[s.Name], t)
			rt.Tasks = append(rt.Tasks, t)
		}
	}

	for _, ns := range d.Namespaces {
		for _, s := range ns.Services {
			for _, t := range tasks[s.Service] {
				ap := netip.MustParseAddrPort(t.Addr)
				if err := reg.Register(ns.Name, s.Service, cloudmap.Instance{ID: t.ID, Addr: ap.Addr(), Port: int(ap.Port()), Healthy: true}); err != nil {
					return rt, err
				}
			}
		}
	}

	// Load balancers: every HTTP and HTTPS listener of every ALB.
	internal := map[string]Entry{} // service -> the internal listener in front of it
	for i := range d.LoadBalancers {
		lb := &d.LoadBalancers[i]
		if lb.Type == design.NLB {
			if err := rt.startNLB(ctx, d, lb, opt, tasks, listen, certs, ips != nil); err != nil {
				return rt, err
			}
			continue
		}
		if lb.Type != design.ALB {
			continue
		}
		var accessLog *alb.AccessLog
		if opt.AccessLogDir != "" {
			if err := os.MkdirAll(opt.AccessLogDir, 0o755); err != nil {
				return rt, fmt.Errorf("access logs: %w", err)
			}
			f, err := os.OpenFile(filepath.Join(opt.AccessLogDir, lb.Name+".log"), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
			if err != nil {
				return rt, fmt.Errorf("access logs: %w", err)
			}
			rt.logs = append(rt.logs, f)
			accessLog = alb.NewAccessLog(f)
		}
		region := ""
		if v := d.VPC(lb.VPC); v != nil {
			region = v.Region
		}
		local := map[int]int{}
		lbLns := map[int]net.Listener{}
		for _, l := range lb.Listeners {
			addr := "127.0.0.1:" + strconv.Itoa(l.Port+opt.PortOffset)
			if opt.Ephemeral {
				addr = "127.0.0.1:0"
			}
			ln, err := listen(fmt.Sprintf("%s listener %d", lb.Name, l.Port), addr)
			if err != nil {
				return rt, fmt.Errorf("%w (change the offset with --port-offset)", err)
			}
			lbLns[l.Port] = ln
			local[l.Port] = ln.Addr().(*net.TCPAddr).Port
		}
		for j := range lb.Listeners {
			l := &lb.Listeners[j]
			https := l.Protocol == "HTTPS"
			x, err := alb.New(lb, l, d.TargetGroups, alb.Options{TLS: https, Metrics: lbMetrics, TimeScale: opt.TimeScale, AccessLog: accessLog, Region: region, MapPort: func(p int) int {
				if lp, ok := local[p]; ok {
					return lp
				}
				return p
			}})
			if err != nil {
				return rt, err
			}
			rt.albs = append(rt.albs, x)
			rt.listeners = append(rt.listeners, served{lb: lb, l: l, x: x})
			for _, tgID := range x.TargetGroups() {
				tg := targetGroup(d, tgID)
				for _, t := range tasks[tg.Service] {
					if err := x.Register(tgID, t.ID, t.Addr); err != nil {
						return rt, err
					}
				}
				if lb.Scheme == design.Internal && tg.Service != "" {
					internal[tg.Service] = Entry{LoadBalancer: lb.Name, Scheme: lb.Scheme, Protocol: l.Protocol, Port: l.Port, Addr: lbLns[l.Port].Addr().String()}
				}
			}
			var cfg *tls.Config
			if https {
				cfg = &tls.Config{Certificates: certs, NextProtos: []string{"h2", "http/1.1"}, MinVersion: tls.VersionTLS12}
			}
			conns := lbMetrics.Connections.WithLabelValues(lb.Name, strconv.Itoa(l.Port))
			rt.servers = append(rt.servers, serve(lbLns[l.Port], x, cfg, func(_ net.Conn, st http.ConnState) {
				switch st {
				case http.StateNew:
					conns.Inc()
				case http.StateClosed, http.StateHijacked:
					conns.Dec()
				}
			}, opt.ReadHeaderTimeout))
			rt.listeners[len(rt.listeners)-1].addr = lbLns[l.Port].Addr().String()
			rt.Entries = append(rt.Entries, Entry{LoadBalancer: lb.Name, Scheme: lb.Scheme, Protocol: l.Protocol, Port: l.Port, Addr: lbLns[l.Port].Addr().String()})
			go x.RunHealthChecks(ctx)
		}
	}

	// The tasks themselves.
	out := &lockedWriter{w: io.Discard}
	if opt.Output != nil {
		out.w = opt.Output
	}
	for _, s := range d.Services {
		for i, t := range tasks[s.Name] {
			if s.Run != "" {
				rt.startProcess(ctx, d, &s, i, t, lns[t.ID], pcs[t.ID], internal, tasks, out)
				continue
			}
			if pc := pcs[t.ID]; pc != nil {
				go serveUDP(pc, t.ID)
				// A TCP listener on the same port answers the target
				// group's TCP health checks, as a UDP service's health
				// port would.
				if ln, err := net.Listen("tcp", t.Addr); err == nil {
					rt.tcp = append(rt.tcp, ln)
					go serveTCP(ln, t.ID)
				} else {
					rt.Notes = append(rt.Notes, fmt.Sprintf("%s has no TCP port for health checks (%v); its load balancers fail open to it.", t.ID, err))
				}
				continue
			}
			if s.Kind != "service" || !httpFamily[s.Protocol] {
				ln := lns[t.ID]
				rt.tcp = append(rt.tcp, ln)
				if s.Protocol == "tls" {
					ln = tls.NewListener(ln, &tls.Config{Certificates: certs, MinVersion: tls.VersionTLS12})
				}
				go serveTCP(ln, t.ID)
				continue
			}
			w := newWorkload(ctx, s.Name, t.ID, newClients(t.Addr, roots))
			for _, tg := range d.TargetGroups {
				if tg.Service == s.Name && tg.Health.Path != "" {
					w.health[tg.Health.Path] = true
				}
			}
			if s.Health.Path != "" {
				w.health[s.Health.Path] = true
			}
			for _, f := range d.Flows {
				if f.Kind == "service" && f.From == s.Name {
					w.deps = append(w.deps, rt.dependency(d, f.To, internal, reg, tasks))
				}
			}
			rt.workloads[t.ID] = w
			srv := serveTask(lns[t.ID], w)
			rt.tasks = append(rt.tasks, srv)
			w.srv = srv
		}
	}
	// ECS checks each task's container health and pushes it to Cloud Map.
	for _, ns := range d.Namespaces {
		for _, ds := range ns.Services {
			if s := d.Service(ds.Service); s != nil && s.Protocol != "udp" {
				go taskHealth(ctx, reg, ns.Name, s, tasks[s.Name], opt.TimeScale)
			}
		}
	}
	return rt, nil
}

// startProcess runs task t of s with its `run` command. The task's port
// is the one its listener held, released just before the command starts;
// the environment says where the task listens and how to reach the
// DNS server and each dependency.
func (rt *Runtime) startProcess(ctx context.Context, d *design.Design, s *design.Service, i int, t Task, ln net.Listener, pc net.PacketConn, internal map[string]Entry, tasks map[string][]Task, out *lockedWriter) {
	host, port, _ := net.SplitHostPort(t.Addr)
	env := []string{"PORT=" + port, "HOST=" + host, "NETWRIGHT_DNS=" + rt.DNSAddr, "NETWRIGHT_SERVICE=" + s.Name, "NETWRIGHT_TASK=" + t.ID}
	for _, f := range d.Flows {
		if f.Kind != "service" || f.From != s.Name {
			continue
		}
		addr := ""
		if e, ok := internal[f.To]; ok {
			addr = e.Addr
		} else if ts := tasks[f.To]; len(ts) > 0 {
			addr = ts[i%len(ts)].Addr // spread the tasks over the dependency's
		}
		env = append(env, envName(f.To)+"_ADDR="+addr)
	}
	if ln != nil {
		ln.Close()
	} else {
		pc.Close()
	}
	p := &process{task: t.ID, command: s.Run, env: env, out: out}
	rt.procs = append(rt.procs, p)
	rt.procWG.Go(func() { p.run(ctx) })
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

// ecsHealthLag is how long a task's health status takes to reach Cloud
// Map after ECS decides it: ECS pushes it as a custom health status,
// which takes about 30 s to take effect.
const ecsHealthLag = 30 * time.Second

// taskHealth checks a service's tasks with the service's health check
// and tells Cloud Map, as ECS does: unhealthy after the unhealthy
// threshold of failures in a row, healthy again after the healthy
// threshold of passes, in either case ecsHealthLag later.
func taskHealth(ctx context.Context, reg *discovery.Registry, namespace string, s *design.Service, ts []Task, scale float64) {
	h := s.Health
	interval := time.Duration(float64(h.Interval) * scale)
	timeout := time.Duration(float64(h.Timeout) * scale)
	if interval <= 0 || len(ts) == 0 {
		return
	}
	if timeout <= 0 || timeout > interval {
		timeout = interval
	}
	tallies := make([]alb.Tally, len(ts))
	healthy := make([]bool, len(ts))
	for i := range healthy {
		healthy[i] = true
	}
	version := protocolVersion(s.Protocol)
	transports := alb.NewTransports(4, 2*interval)
	defer transports.CloseIdleConnections()
	check := alb.Check{Path: h.Path, Matcher: h.Matcher, GRPC: version == "GRPC", UserAgent: taskHealthAgent, Timeout: timeout}
	if check.Matcher == "" && !check.GRPC {
		check.Matcher = "200-299" // a container check passes on any success
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		for i, t := range ts {
			check.Addr = t.Addr
			ok := alb.Probe(ctx, transports.For(version), check)
			state := alb.Unhealthy
			if healthy[i] {
				state = alb.Healthy
			}
			next := tallies[i].Observe(state, ok, max(h.HealthyThreshold, 1), max(h.UnhealthyThreshold, 1))
			if next == state {
				continue
			}
			healthy[i] = next == alb.Healthy
			// Decisions reach Cloud Map in order: each waits the same lag.
			time.AfterFunc(time.Duration(float64(ecsHealthLag)*scale), func(id string, ok bool) func() {
				return func() {
					if ctx.Err() == nil {
						_ = reg.SetHealth(namespace, s.Name, id, ok) // the task is registered
					}
				}
			}(t.ID, healthy[i]))
		}
	}
}

// taskHealthAgent is the User-Agent of the task health checks.
const taskHealthAgent = "netwright-task-health"

// protocolVersion is the HTTP version a service's protocol speaks, as a
// target group's protocol version names it.
func protocolVersion(protocol string) string {
	switch protocol {
	case "grpc":
		return "GRPC"
	case "http2":
		return "HTTP2"
	}
	return "HTTP1"
}

// setFaults sets (PUT, a JSON Faults) or clears (DELETE) a built-in
// task's faults.
func (rt *Runtime) setFaults(w http.ResponseWriter, r *http.Request) {
	wl, ok := rt.workloads[r.PathValue("task")]
	if !ok {
		http.Error(w, "no built-in task "+r.PathValue("task"), http.StatusNotFound)
		return
	}
	if r.Method == http.MethodDelete {
		wl.faults.Store(nil)
		w.WriteHeader(http.StatusNoContent)
		return
	}
	var f Faults
	dec := json.NewDecoder(io.LimitReader(r.Body, 4096))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		http.Error(w, "the body is not faults: "+err.Error(), http.StatusBadRequest)
		return
	}
	if f.ErrorRate < 0 || f.ErrorRate > 1 || f.LatencyMS < 0 || f.LatencyMS > 600000 {
		http.Error(w, "error_rate must be 0 to 1 and latency_ms 0 to 600000", http.StatusBadRequest)
		return
	}
	wl.faults.Store(&f)
	w.WriteHeader(http.StatusNoContent)
}

// dependency decides how a task reaches service to, as the design does: an
// internal load balancer in front of it, else its Cloud Map name (asked of
// the local DNS server, SRV for the port), else its tasks directly.
func (rt *Runtime) dependency(d *design.Design, to string, internal map[string]Entry, reg *discovery.Registry, tasks map[string][]Task) dependency {
	svc := d.Service(to)
	dep := dependency{service: to, protocol: "tcp"}
	if svc != nil && svc.Kind == "service" {
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
				dep.dial = func(ctx context.Context) (string, error) { return resolveSRV(ctx, rt.DNSAddr, name) }
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
func resolveSRV(ctx context.Context, server, name string) (string, error) {
	m := new(dns.Msg)
	m.SetQuestion(name, dns.TypeSRV)
	in, _, err := (&dns.Client{Timeout: 2 * time.Second}).ExchangeContext(ctx, m, server)
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

// serveTask runs a built-in task's server on ln: HTTP/1.1 and, by prior
// knowledge, cleartext HTTP/2 (for HTTP2 and gRPC callers).
func serveTask(ln net.Listener, h http.Handler) *http.Server {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 60 * time.Second, Protocols: new(http.Protocols)}
	srv.Protocols.SetHTTP1(true)
	srv.Protocols.SetUnencryptedHTTP2(true)
	go func() { _ = srv.Serve(ln) }() // Serve returns when Close closes ln
	return srv
}

// serve runs an HTTP server on ln, with TLS when cfg is set, telling
// state (when set) of each connection's changes.
func serve(ln net.Listener, h http.Handler, cfg *tls.Config, state func(net.Conn, http.ConnState), headerTimeout time.Duration) *http.Server {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: headerTimeout, IdleTimeout: 60 * time.Second, TLSConfig: cfg, ConnState: state}
	if cfg != nil {
		ln = tls.NewListener(ln, cfg)
	}
	go func() { _ = srv.Serve(ln) }() // Serve returns when Shutdown closes ln
	return srv
}

// Shutdown stops the health checks, stops accepting at every load
// balancer, lets requests in flight finish until ctx ends (a request
// holds the tasks it passes through, so the graph drains with it), then
// stops the tasks and DNS.
func (rt *Runtime) Shutdown(ctx context.Context) error {
	rt.stop()
	var errs []error
	for _, s := range rt.servers {
		if err := s.Shutdown(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	// Nothing reaches the tasks now but connections a cancelled health
	// check may have left half-open: close, do not wait for them.
	for _, s := range rt.tasks {
		errs = append(errs, s.Close())
	}
	for _, ln := range rt.tcp {
		ln.Close()
	}
	for _, pc := range rt.udp {
		pc.Close()
	}
	for _, w := range rt.workloads {
		w.close()
	}
	for _, x := range rt.albs {
		x.Close()
	}
	for _, x := range rt.nlbs {
		x.Close()
	}
	// The commands got SIGTERM when stop cancelled their context.
	waited := make(chan struct{})
	go func() { rt.procWG.Wait(); close(waited) }()
	select {
	case <-waited:
	case <-ctx.Done():
		errs = append(errs, fmt.Errorf("run commands still stopping: %w", ctx.Err()))
	}
	if rt.dns != nil {
		errs = append(errs, rt.dns.Shutdown(ctx))
	}
	for _, f := range rt.logs {
		errs = append(errs, f.Close())
	}
	return errors.Join(errs...)
}

func targetGroup(d *design.Design, id string) *design.TargetGroup {
	for i := range d.TargetGroups {
		if d.TargetGroups[i].ID == id {
			return &d.TargetGroups[i]
		}
	}
	return nil
}

// served is one ALB listener being served.
type served struct {
	lb   *design.LoadBalancer
	l    *design.Listener
	x    *alb.Listener
	addr string
}

// Status is what GET /status on the admin API returns: every listener
// with its rules, and every target group with its targets' health.
type Status struct {
	Listeners []ListenerStatus `json:"listeners"`
}

// ListenerStatus is one served listener.
type ListenerStatus struct {
	LoadBalancer string              `json:"load_balancer"`
	Scheme       string              `json:"scheme"`
	Port         int                 `json:"port"`
	Protocol     string              `json:"protocol"`
	Addr         string              `json:"addr"`
	Rules        []RuleStatus        `json:"rules"`
	TargetGroups []TargetGroupStatus `json:"target_groups"`
}

// RuleStatus is a listener rule, the default last.
type RuleStatus struct {
	Priority   string `json:"priority"`
	Conditions string `json:"conditions"`
	Action     string `json:"action"`
}

// TargetGroupStatus is a target group and its targets.
type TargetGroupStatus struct {
	ID        string             `json:"id"`
	Algorithm string             `json:"algorithm"`
	Targets   []alb.TargetStatus `json:"targets"`
}

func (rt *Runtime) status(w http.ResponseWriter, _ *http.Request) {
	var out Status
	defer func() {
		for _, s := range rt.nlbListeners {
			ls := ListenerStatus{LoadBalancer: s.lb.Name, Scheme: s.lb.Scheme, Port: s.l.Port, Protocol: s.l.Protocol, Addr: s.addr,
				Rules: []RuleStatus{{Priority: "default", Action: s.l.DefaultAction.String()}}}
			algo := "flow_hash"
			if tg := targetGroup(rt.design, s.x.TargetGroup()); tg != nil && tg.Stickiness == "source_ip" {
				algo = "source_ip"
			}
			ls.TargetGroups = []TargetGroupStatus{{ID: s.x.TargetGroup(), Algorithm: algo, Targets: s.x.Targets()}}
			out.Listeners = append(out.Listeners, ls)
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(out) // a client that left needs no answer
	}()
	for _, s := range rt.listeners {
		ls := ListenerStatus{LoadBalancer: s.lb.Name, Scheme: s.lb.Scheme, Port: s.l.Port, Protocol: s.l.Protocol, Addr: s.addr}
		for _, r := range s.l.Rules {
			ls.Rules = append(ls.Rules, RuleStatus{Priority: strconv.Itoa(r.Priority), Conditions: r.Conditions.String(), Action: r.Action.String()})
		}
		ls.Rules = append(ls.Rules, RuleStatus{Priority: "default", Action: s.l.DefaultAction.String()})
		for _, id := range s.x.TargetGroups() {
			algo := ""
			if tg := targetGroup(rt.design, id); tg != nil {
				algo = tg.Algorithm
			}
			ls.TargetGroups = append(ls.TargetGroups, TargetGroupStatus{ID: id, Algorithm: algo, Targets: s.x.Targets(id)})
		}
		out.Listeners = append(out.Listeners, ls)
	}
}
