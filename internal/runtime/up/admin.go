package up

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/pprof"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/runtime/health"
	"github.com/netwright/netwright/internal/runtime/mesh"
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
	// Mesh is the tasks' proxies, when the design runs a mesh.
	Mesh *mesh.Status `json:"mesh,omitempty"`
	// CloudFront is the distribution's edge, when the design has one.
	CloudFront *EdgeStatus `json:"cloudfront,omitempty"`
}

// FaultList is what GET /faults returns: the mesh's faults and the
// built-in tasks' own.
type FaultList struct {
	Mesh  []mesh.Fault      `json:"mesh"`
	Tasks map[string]Faults `json:"tasks"`
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
			Isolation string `json:"isolation"`
			// ExecSocket is set for a rootless run, which runs exec's
			// commands itself (netns.ExecVia).
			ExecSocket string      `json:"exec_socket,omitempty"`
			Tasks      []NetnsTask `json:"tasks"`
		}{rt.Isolation, rt.ExecSocket(), rt.NetnsTasks()})
	})
	mux.HandleFunc("PUT /faults/{task}", rt.withToken(rt.setFaults))
	mux.HandleFunc("DELETE /faults/{task}", rt.withToken(rt.setFaults))
	// The mesh's faults, at the proxies: `netwright fault`.
	mux.HandleFunc("POST /faults", rt.withToken(rt.addFault))
	mux.HandleFunc("GET /faults", rt.listFaults)
	mux.HandleFunc("DELETE /faults", rt.withToken(rt.clearFaults))
	// Cloud Map's actions are POSTs to /; the rest is the console's.
	mux.Handle("POST /{$}", rt.reg)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if h := rt.console.Load(); h != nil {
			(*h).ServeHTTP(w, r)
			return
		}
		http.NotFound(w, r)
	})
	// Requests end with the runtime, the console's event streams too.
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 60 * time.Second,
		BaseContext: func(net.Listener) context.Context { return rt.ctx }}
	rt.goroutines.Go(func() { _ = srv.Serve(ln) }) // Serve returns when Shutdown closes ln
	return srv
}

// TokenHeader carries the admin token (Options.Token) on calls that
// change something.
const TokenHeader = "X-Netwright-Token"

// newToken is a fresh random token: 128 bits, hex.
func newToken() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("up: no randomness: " + err.Error()) // crypto/rand does not fail on Linux
	}
	return hex.EncodeToString(b[:])
}

// withToken refuses a call without the admin token in its header: 403.
// A header, not a cookie, so another site's page cannot make the call
// with a browser's credentials.
func (rt *Runtime) withToken(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get(TokenHeader)), []byte(rt.Token)) != 1 {
			http.Error(w, "this call changes the running design: it needs the admin token in the "+TokenHeader+" header (netwright up prints it in the console's URL and writes it to STATE-DIR/admin-token)", http.StatusForbidden)
			return
		}
		h(w, r)
	}
}

// SetConsole serves h at the admin address's paths the admin API does
// not serve (the web console's page and API); nil serves nothing there.
func (rt *Runtime) SetConsole(h http.Handler) {
	if h == nil {
		rt.console.Store(nil)
		return
	}
	rt.console.Store(&h)
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
				// The origin header's value stays a secret: the design's stand-in.
				cond := strings.ReplaceAll(r.Conditions.String(), rt.originSecret, design.OriginSecret)
				ls.Rules = append(ls.Rules, RuleStatus{Priority: strconv.Itoa(r.Priority), Conditions: cond, Action: r.Action.String()})
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
	out.CloudFront = rt.edgeStatus()
	rt.mu.RUnlock()
	out.Isolation = rt.Isolation
	if rt.fabric != nil {
		out.Flows = rt.FlowStats()
	}
	if rt.mesh != nil && rt.mesh.Config() != nil {
		st := rt.mesh.Status()
		out.Mesh = &st
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out) // a client that left needs no answer
}

// addFault adds a mesh fault (POST, a JSON mesh.Fault) and answers it
// with its ID and end.
func (rt *Runtime) addFault(w http.ResponseWriter, r *http.Request) {
	var f mesh.Fault
	dec := json.NewDecoder(io.LimitReader(r.Body, 4096))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		http.Error(w, "the body is not a fault: "+err.Error(), http.StatusBadRequest)
		return
	}
	if rt.mesh == nil || rt.mesh.Config() == nil {
		http.Error(w, "no mesh runs: the design's mesh.target is none (try up --mesh model)", http.StatusConflict)
		return
	}
	if err := rt.knownTarget(f.Target); err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	added, err := rt.mesh.Faults().Add(f)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	_ = json.NewEncoder(w).Encode(added)
}

// knownTarget checks that each end of a fault's target names a task or
// a service of the design.
func (rt *Runtime) knownTarget(target string) error {
	rt.mu.RLock()
	defer rt.mu.RUnlock()
	ends := []string{target}
	if a, b, ok := strings.Cut(target, "->"); ok {
		ends = []string{strings.TrimSpace(a), strings.TrimSpace(b)}
	}
	for _, e := range ends {
		found := rt.design.Service(e) != nil
		for _, t := range rt.Tasks {
			found = found || t.ID == e
		}
		if !found {
			return fmt.Errorf("no task or service %q", e)
		}
	}
	return nil
}

func (rt *Runtime) listFaults(w http.ResponseWriter, _ *http.Request) {
	out := FaultList{Mesh: []mesh.Fault{}, Tasks: map[string]Faults{}}
	if rt.mesh != nil {
		out.Mesh = rt.mesh.Faults().List()
	}
	rt.mu.RLock()
	for id, wl := range rt.workloads {
		if f := wl.faults.Load(); f != nil {
			out.Tasks[id] = *f
		}
	}
	rt.mu.RUnlock()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out)
}

// clearFaults removes the mesh's faults on ?target= (a target as given,
// or a fault's ID), or all of them, with the built-in tasks' own.
func (rt *Runtime) clearFaults(w http.ResponseWriter, r *http.Request) {
	target := r.URL.Query().Get("target")
	n := 0
	if rt.mesh != nil {
		n = rt.mesh.Faults().Clear(target)
	}
	rt.mu.RLock()
	for id, wl := range rt.workloads {
		if (target == "" || target == id) && wl.faults.Swap(nil) != nil {
			n++
		}
	}
	rt.mu.RUnlock()
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, "{\"cleared\":%d}\n", n)
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
