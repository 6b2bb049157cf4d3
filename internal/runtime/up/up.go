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
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/miekg/dns"

	"github.com/netwright/netwright/internal/clock"
	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/runtime/alb"
	"github.com/netwright/netwright/internal/runtime/discovery"
	"github.com/netwright/netwright/internal/runtime/health"
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
	// task's name; nil discards it. A *SyncWriter is used as is, so the
	// caller can print to the same stream.
	Output io.Writer
	// AccessLogDir, when set, receives each load balancer's access log in
	// ALB's format, as <load balancer name>.log (appended to).
	AccessLogDir string
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

// taskHealth checks a service's tasks with the service's health check,
// as ECS checks a task's container: unhealthy after the unhealthy
// threshold of failures in a row, healthy again after the healthy
// threshold of passes. Each change goes to decided; initial gives each
// task's health to start from.
func taskHealth(ctx context.Context, s *design.Service, ts []Task, initial func(id string) bool, scale float64, decided func(t Task, healthy bool)) {
	h := s.Health
	interval := time.Duration(float64(h.Interval) * scale)
	timeout := time.Duration(float64(h.Timeout) * scale)
	if interval <= 0 || len(ts) == 0 {
		return
	}
	if timeout <= 0 || timeout > interval {
		timeout = interval
	}
	tallies := make([]health.Tally, len(ts))
	healthy := make([]bool, len(ts))
	for i, t := range ts {
		healthy[i] = initial(t.ID)
	}
	version := protocolVersion(s.Protocol)
	transports := alb.NewTransports(4, 2*interval, nil)
	defer transports.CloseIdleConnections()
	check := health.Check{Path: h.Path, Matcher: h.Matcher, GRPC: version == "GRPC", UserAgent: taskHealthAgent, Timeout: timeout}
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
			ok := health.Probe(ctx, clock.Real{}, transports.For(version), check)
			if ctx.Err() != nil {
				return
			}
			state := health.Unhealthy
			if healthy[i] {
				state = health.Healthy
			}
			next := tallies[i].Observe(state, ok, max(h.HealthyThreshold, 1), max(h.UnhealthyThreshold, 1))
			if next == state {
				continue
			}
			healthy[i] = next == health.Healthy
			decided(t, healthy[i])
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
	wl := rt.workload(r.PathValue("task"))
	if wl == nil {
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

// serveAdmin runs the admin API's server on ln.
func serveAdmin(ln net.Listener, h http.Handler) *http.Server {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 60 * time.Second}
	go func() { _ = srv.Serve(ln) }() // Serve returns when Shutdown closes ln
	return srv
}

func targetGroup(d *design.Design, id string) *design.TargetGroup {
	for i := range d.TargetGroups {
		if d.TargetGroups[i].ID == id {
			return &d.TargetGroups[i]
		}
	}
	return nil
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
	ID        string                `json:"id"`
	Algorithm string                `json:"algorithm"`
	Targets   []health.TargetStatus `json:"targets"`
}
