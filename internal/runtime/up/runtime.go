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
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/netwright/netwright/internal/clock"
	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/runtime/alb"
	"github.com/netwright/netwright/internal/runtime/cloudfront"
	"github.com/netwright/netwright/internal/runtime/discovery"
	"github.com/netwright/netwright/internal/runtime/mesh"
	"github.com/netwright/netwright/internal/runtime/netns"
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
	// Clock runs every designed time: the health checks' intervals and
	// timeouts, ECS's lag, deregistration delays and draining, restart
	// back-offs, injected latency and the load balancers' idle timeouts
	// (deadlines on their sockets, kept on this clock). The system's
	// clock when nil; tests advance a fake one.
	Clock clock.Clock
	// Output receives the output of `run` commands, each line after its
	// task's name, and ECS's replacements; nil discards it. It is written
	// from many goroutines, a line at a time: the caller serialises
	// writes to a stream it also prints to.
	Output io.Writer
	// AccessLogDir, when set, receives each load balancer's access log in
	// ALB's format, as <load balancer name>.log (appended to).
	AccessLogDir string
	// Isolation is loopback (the default), netns or auto
	// (isolation.go): netns puts every task in a network namespace of
	// its own behind the design's routes, security groups and NACLs; auto
	// is netns where namespaces can be made, else loopback.
	Isolation string
	// FlowLogDir, when set, receives each VPC's flow log in netns mode,
	// as <vpc-id>.log (appended to).
	FlowLogDir string
	// ExecSocket, when set, is where a rootless netns run (one in a user
	// namespace: netns.InUserNamespace) answers `netwright exec` (a
	// unix socket only its user may open): its namespaces are named in
	// its own mount namespace alone (netns.ServeExec).
	ExecSocket string
	// Mesh is whose semantics the tasks' proxies run: MeshAuto (the
	// design's mesh target: Service Connect, VPC Lattice, or no proxies
	// for none), MeshModel (the spec's own mesh model) or MeshOff.
	Mesh string
	// ExportTraces sends the spans of the proxies and the built-in
	// workload over OTLP/HTTP, to where OpenTelemetry's standard
	// variables (OTEL_EXPORTER_OTLP_ENDPOINT, ...) say.
	ExportTraces bool
	// MeshSeed, when not zero, seeds the mesh's weighted picks and fault
	// shares (tests).
	MeshSeed uint64
	// Token guards the admin API's calls that change something (faults):
	// they must carry it in the X-Netwright-Token header, or get 403.
	// Calls that only read (status, metrics, flows, Cloud Map's
	// DiscoverInstances) need none. Empty makes a fresh random one;
	// Runtime.Token holds it either way.
	Token string
}

// Entry is one load balancer listener served locally.
type Entry struct {
	LoadBalancer, Scheme, Protocol string
	Port                           int    // designed
	Addr                           string // local host:port
	// Key names the listener as Changes does:
	// "<type>/<load balancer>:<port>/<sockets>".
	Key string
}

// Task is one running task.
type Task struct {
	Service, ID, Addr string
	// own is the task's interface in netns mode, whose namespace its
	// own calls and checks come from; nil in loopback mode.
	own *netns.ENI
	// app is where the task's own application listens when that is not
	// Addr: in netns mode, a task behind a mesh proxy's ingress listens
	// on its namespace's loopback (behindProxy).
	app string
}

// appAddr is where the task's application listens.
func (t Task) appAddr() string {
	if t.app != "" {
		return t.app
	}
	return t.Addr
}

// dial reaches the task's address as its own container would: from its
// namespace in netns mode; nil (a plain dial) otherwise.
func (t Task) dial() func(ctx context.Context, network, addr string) (net.Conn, error) {
	if t.own == nil {
		return nil
	}
	return t.own.NS.Dialer(&net.Dialer{Timeout: 10 * time.Second})
}

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
	// Isolation is the mode Start chose: loopback or netns.
	Isolation string
	// Token is what the admin API's calls that change something carry
	// (Options.Token).
	Token string

	opt       Options
	clock     clock.Clock
	ctx       context.Context
	stop      context.CancelFunc
	reg       *discovery.Registry
	dns       *discovery.DNSServer
	admin     *http.Server
	lbMetrics *alb.Metrics
	certs     []tls.Certificate
	roots     *x509.CertPool
	out       io.Writer
	perTask   bool // tasks have addresses of their own (Linux)
	// fabric is the design's network in namespaces (netns mode), nodes
	// its load balancers' interfaces, resolvers the VPCs' DNS servers.
	fabric    *netns.Fabric
	execs     *netns.ExecServer
	nodes     map[string]*netns.ENI
	resolvers []*discovery.DNSServer
	internet  *internetStubs // isolation.go
	sites     *sites         // hybrid.go
	// edge is the CloudFront distribution's edge (edge.go), originSecret
	// the origin header's value this run's ALB rules check and the edge
	// sends in place of design.OriginSecret.
	edge         *servedEdge
	edgeCounts   cloudfront.Counters
	originSecret string
	doorMu       sync.Mutex
	doors        map[string]*frontDoor // by listener key (isolation.go)
	flowMu       sync.Mutex
	flowLog      *netns.FlowLog
	flowFiles    map[string]*os.File
	flowStats    map[FlowStat]*FlowStat
	flows        *applianceFlows
	taskCalls    *prometheus.CounterVec
	mesh         *mesh.Mesh
	tracing      *mesh.Tracing
	// lattice is VPC Lattice's services in netns mode (lattice.go).
	lattice *latticeFront
	// console is what the admin API serves at its other paths (SetConsole).
	console atomic.Pointer[http.Handler]
	// goroutines counts every goroutine the runtime starts (servers,
	// accept loops and their connections, health checks, retiring,
	// `run` commands), which Shutdown waits for.
	goroutines sync.WaitGroup

	// reloading serialises Reload and guards stopped, set by Shutdown;
	// mu guards what the admin API reads.
	reloading sync.Mutex
	stopped   bool
	mu        sync.RWMutex
	design    *design.Design
	tasks     map[string]*runningTask   // by slot
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
}

// Start brings the design up. On error everything started is stopped.
func Start(ctx context.Context, d *design.Design, opt Options) (rt *Runtime, err error) {
	ctx, stop := context.WithCancel(ctx)
	rt = &Runtime{opt: opt, clock: clock.Or(opt.Clock), ctx: ctx, stop: stop, design: &design.Design{}, tasks: map[string]*runningTask{}, workloads: map[string]*workload{},
		albs: map[string]*servedALB{}, nlbs: map[string]*servedNLB{}, logs: map[string]*alb.AccessLog{}, out: opt.Output}
	if rt.out == nil {
		rt.out = io.Discard
	}
	defer func() {
		if err != nil {
			sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_ = rt.Shutdown(sctx)
			rt = nil
		}
	}()
	rt.Token = opt.Token
	if rt.Token == "" {
		rt.Token = newToken()
	}
	rt.originSecret = newToken()
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
	if rt.internet, err = newInternetStubs(metrics); err != nil {
		return rt, err
	}
	if rt.sites, err = newSites(metrics); err != nil {
		return rt, err
	}
	rt.taskCalls = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "netwright_task_calls_total",
		Help: "Calls the built-in workload's tasks made to their dependencies, by calling service, called service, how they went (via) and result (ok, error)."},
		[]string{"service", "target", "via", "result"})
	if err := metrics.Register(rt.taskCalls); err != nil {
		return rt, err
	}
	if err := rt.edgeMetrics(metrics); err != nil {
		return rt, err
	}
	adminLn, err := net.Listen("tcp", rt.ephemeral(opt.AdminAddr))
	if err != nil {
		return rt, fmt.Errorf("the admin API on %s: %w (change it with --admin)", opt.AdminAddr, err)
	}
	rt.AdminAddr = adminLn.Addr().String()
	rt.admin = rt.serveAdmin(adminLn, metrics)

	certs, caPEM, ca, caKey, err := localCA(time.Now()) // the wall clock's: clients check it
	if err != nil {
		return rt, err
	}
	rt.tracing = &mesh.Tracing{Export: opt.ExportTraces}
	if err := rt.tracing.Start(ctx); err != nil {
		return rt, fmt.Errorf("traces: %w", err)
	}
	if rt.mesh, err = mesh.New(mesh.Options{Clock: rt.clock, Metrics: metrics, CA: ca, CAKey: caKey, Tracing: rt.tracing, Log: rt.out, Cluster: d.App, Seed: opt.MeshSeed,
		HealthDial: rt.latticeHealthDial}); err != nil {
		return rt, err
	}
	rt.certs, rt.CAPEM = certs, caPEM
	rt.roots = x509.NewCertPool()
	rt.roots.AppendCertsFromPEM(caPEM)
	if err := rt.isolate(d); err != nil {
		return rt, err
	}
	places, note := placed(d)
	rt.perTask = places != nil
	if rt.fabric == nil {
		rt.Notes = append(rt.Notes, note)
	}
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

// listenAddr is where a designed listener port is served.
func (rt *Runtime) listenAddr(port int) string {
	if rt.opt.Ephemeral {
		return "127.0.0.1:0"
	}
	return "127.0.0.1:" + strconv.Itoa(port+rt.opt.PortOffset)
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

// errStopped answers a Reload after Shutdown.
var errStopped = errors.New("the runtime is stopped")

// Shutdown stops the health checks, stops accepting at every load
// balancer, lets requests in flight finish until ctx ends (a request
// holds the tasks it passes through, so the graph drains with it), then
// stops the tasks and DNS, and waits (until ctx ends) for every
// goroutine the runtime started to end.
func (rt *Runtime) Shutdown(ctx context.Context) error {
	rt.reloading.Lock()
	rt.stopped = true
	rt.stop() // health checks, retiring, `run` commands (SIGTERM), WebSocket sessions
	var errs []error
	rt.mu.RLock()
	var servers []server
	for _, s := range rt.albs {
		if s.srv != nil {
			servers = append(servers, s.srv)
		}
	}
	if rt.admin != nil {
		servers = append(servers, rt.admin)
	}
	if rt.edge != nil {
		for _, s := range rt.edge.srvs {
			servers = append(servers, s)
		}
	}
	for _, s := range servers {
		if err := s.Shutdown(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	if rt.edge != nil {
		for _, t := range rt.edge.transports {
			t.CloseIdleConnections()
		}
	}
	for _, s := range rt.nlbs {
		s.closeSockets()
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
	rt.mu.RUnlock()
	// A replacement waiting for the lock finds the runtime stopped.
	rt.reloading.Unlock()
	rt.lattice.close()
	if rt.mesh != nil {
		errs = append(errs, rt.mesh.Close(ctx))
	}
	waited := make(chan struct{})
	go func() { rt.goroutines.Wait(); close(waited) }()
	select {
	case <-waited:
	case <-ctx.Done():
		errs = append(errs, fmt.Errorf("run commands and connections still stopping: %w", ctx.Err()))
	}
	if rt.tracing != nil {
		errs = append(errs, rt.tracing.Shutdown(ctx))
	}
	if rt.dns != nil {
		errs = append(errs, rt.dns.Shutdown(ctx))
	}
	errs = append(errs, rt.closeFabric(ctx))
	for _, l := range rt.logs {
		if l != nil {
			errs = append(errs, l.Flush()) // the lines gathered, before their file closes
		}
	}
	for _, f := range rt.files {
		errs = append(errs, f.Close())
	}
	return errors.Join(errs...)
}
