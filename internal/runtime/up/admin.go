package up

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/pprof"
	"slices"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/netwright/netwright/internal/runtime/health"
)

// The admin API: Cloud Map's DiscoverInstances (the registry's own
// handler), GET /status for `netwright status`, /metrics, the built-in
// tasks' faults, and the runtime's own profiles.

// Faults are what the admin API can make a built-in task do wrong.
type Faults struct {
	// ErrorRate is the share of requests (0 to 1) answered 500 (gRPC:
	// INTERNAL).
	ErrorRate float64 `json:"error_rate"`
	// LatencyMS is added before answering each request.
	LatencyMS int `json:"latency_ms"`
	// FailHealth makes health checks fail: HTTP 503, gRPC UNAVAILABLE.
	FailHealth bool `json:"fail_health"`
	// HealthChecks makes LatencyMS and ErrorRate apply to health checks
	// too (the load balancers' and the task's own), so a health check's
	// timeout and thresholds can be tried; by default they spare them.
	HealthChecks bool `json:"health_checks"`
}

// Status is what GET /status on the admin API returns: every listener
// with its rules, and every target group with its targets' health.
type Status struct {
	Listeners []ListenerStatus `json:"listeners"`
	// Isolation is loopback or netns; in netns mode Flows counts the
	// packets each interface accepted and rejected, per peer and port.
	Isolation string     `json:"isolation,omitempty"`
	Flows     []FlowStat `json:"flows,omitempty"`
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

// serveAdmin runs the admin API on ln, with /metrics from metrics.
func (rt *Runtime) serveAdmin(ln net.Listener, metrics *prometheus.Registry) *http.Server {
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(metrics, promhttp.HandlerOpts{}))
	// Profiles of the runtime itself, for finding what slows the data
	// plane (go tool pprof http://ADMIN/debug/pprof/profile).
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("GET /status", rt.status)
	mux.HandleFunc("GET /flows", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(rt.FlowStats())
	})
	// Where each task's namespace is, for `netwright exec`.
	mux.HandleFunc("GET /netns", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(struct {
			Isolation string      `json:"isolation"`
			Tasks     []NetnsTask `json:"tasks"`
		}{rt.Isolation, rt.NetnsTasks()})
	})
	mux.HandleFunc("PUT /faults/{task}", rt.setFaults)
	mux.HandleFunc("DELETE /faults/{task}", rt.setFaults)
	mux.Handle("/", rt.reg)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 60 * time.Second}
	rt.goroutines.Go(func() { _ = srv.Serve(ln) }) // Serve returns when Shutdown closes ln
	return srv
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
	out.Isolation = rt.Isolation
	if rt.fabric != nil {
		out.Flows = rt.FlowStats()
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out) // a client that left needs no answer
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

// workload returns a built-in task by ID.
func (rt *Runtime) workload(id string) *workload {
	rt.mu.RLock()
	defer rt.mu.RUnlock()
	return rt.workloads[id]
}
