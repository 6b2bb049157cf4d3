package console

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// Live is a running design as the console shows it and acts on it. The
// caller adapts the runtime to it; the console reads it, never the
// runtime itself.
type Live interface {
	// Status is the running design now.
	Status() LiveStatus
	// Requests returns the requests the load balancers finished after
	// the one numbered after (0 for all that are kept), oldest first.
	Requests(after uint64) []Request
	// SetFaults sets a built-in task's faults; ClearFaults removes them.
	SetFaults(task string, f Faults) error
	ClearFaults(task string) error
	// Client is an HTTP client that trusts the runtime's certificate
	// authority, for the requests the page sends.
	Client() *http.Client
}

// LiveStatus is a running design at one moment.
type LiveStatus struct {
	// Entries are the listeners a request can be sent to.
	Entries   []Entry    `json:"entries"`
	Listeners []Listener `json:"listeners"`
	Tasks     []Task     `json:"tasks"`
	// Counts are the requests each declared flow (by design flow ID) has
	// carried and how many failed, since the start: the console turns
	// them into rates.
	Counts    map[string]FlowCount `json:"-"`
	CloudMap  []CloudMapAnswer     `json:"cloud_map"`
	Semantics map[string][]string  `json:"semantics"`
	// FlowLogs says whether accepted and rejected connections are
	// recorded (the network-enforced mode); FlowLogsNote says what the
	// page shows instead when they are not.
	FlowLogs     bool   `json:"flow_logs"`
	FlowLogsNote string `json:"flow_logs_note"`
	// FlowStats are the flow logs' counts so far, when FlowLogs.
	FlowStats []FlowStat `json:"flow_stats"`
}

// FlowStat is what the flow logs counted at one network interface for
// one peer, port and direction: packets accepted and rejected.
type FlowStat struct {
	Interface string `json:"interface"`
	// Owner holds the interface: a task, a load balancer node.
	Owner     string `json:"owner"`
	Direction string `json:"direction"`
	Src       string `json:"src"`
	Dst       string `json:"dst"`
	// SrcName and DstName are the tasks at those addresses, if any.
	SrcName  string `json:"src_name,omitempty"`
	DstName  string `json:"dst_name,omitempty"`
	Port     int    `json:"port"`
	Protocol string `json:"protocol"`
	Accepted uint64 `json:"accepted"`
	Rejected uint64 `json:"rejected"`
}

// Entry is one listener a request can be sent to.
type Entry struct {
	Key          string `json:"key"`
	LoadBalancer string `json:"load_balancer"`
	Scheme       string `json:"scheme"`
	Protocol     string `json:"protocol"`
	Port         int    `json:"port"`
	Addr         string `json:"addr"`
}

// Listener is a served listener with its target groups.
type Listener struct {
	LoadBalancer string        `json:"load_balancer"`
	Port         int           `json:"port"`
	Protocol     string        `json:"protocol"`
	Addr         string        `json:"addr"`
	TargetGroups []TargetGroup `json:"target_groups"`
}

// TargetGroup is a target group's targets and their health.
type TargetGroup struct {
	ID      string   `json:"id"`
	Service string   `json:"service"`
	Targets []Target `json:"targets"`
}

// Target is one registered target.
type Target struct {
	Addr     string `json:"addr"`
	Health   string `json:"health"`
	Reason   string `json:"reason,omitempty"`
	InFlight int64  `json:"in_flight"`
}

// Task is one running task.
type Task struct {
	Service string `json:"service"`
	ID      string `json:"id"`
	Addr    string `json:"addr"`
	Subnet  string `json:"subnet"`
	// Health is healthy, unhealthy or initial.
	Health string `json:"health"`
	// Builtin marks a task of the built-in workload, which takes faults.
	Builtin bool `json:"builtin"`
	// Faults describes its faults, or is empty.
	Faults string `json:"faults,omitempty"`
}

// FlowCount is what a flow has carried.
type FlowCount struct {
	Requests, Errors uint64
}

// CloudMapAnswer is what Cloud Map answers for a service's name.
type CloudMapAnswer struct {
	Service string   `json:"service"`
	Name    string   `json:"name"`
	Answers []string `json:"answers"`
}

// Request is one request a load balancer finished, as its access log
// has it.
type Request struct {
	Seq          uint64    `json:"seq"`
	Time         time.Time `json:"time"`
	LoadBalancer string    `json:"load_balancer"`
	Method       string    `json:"method"`
	Path         string    `json:"path"`
	Status       int       `json:"status"`
	Target       string    `json:"target"`
	MS           float64   `json:"ms"`
	TraceID      string    `json:"trace_id"`
}

// Faults are what a built-in task can be made to do wrong.
type Faults struct {
	ErrorRate    float64 `json:"error_rate"`
	LatencyMS    int     `json:"latency_ms"`
	FailHealth   bool    `json:"fail_health"`
	HealthChecks bool    `json:"health_checks"`
}

// liveJSON is the "live" event and GET /api/live.
type liveJSON struct {
	LiveStatus
	Flows []flowRate `json:"flows"`
}

type flowRate struct {
	ID         string  `json:"id"`
	From       string  `json:"from"`
	To         string  `json:"to"`
	RPS        float64 `json:"rps"`
	ErrorShare float64 `json:"error_share"`
	Requests   uint64  `json:"requests"`
	Errors     uint64  `json:"errors"`
}

// rates turns two readings of the flow counts into requests per second
// and the share of them that failed.
func (c *Console) rates(st LiveStatus, prev map[string]FlowCount, elapsed time.Duration) []flowRate {
	d := c.snap().design
	out := []flowRate{}
	if d == nil {
		return out
	}
	for _, f := range d.Flows {
		now := st.Counts[f.ID]
		was := prev[f.ID]
		r := flowRate{ID: f.ID, From: f.From, To: f.To, Requests: now.Requests, Errors: now.Errors}
		if dr := now.Requests - was.Requests; now.Requests >= was.Requests && dr > 0 {
			if elapsed > 0 {
				r.RPS = float64(dr) / elapsed.Seconds()
			}
			r.ErrorShare = float64(now.Errors-min(was.Errors, now.Errors)) / float64(dr)
			r.ErrorShare = min(r.ErrorShare, 1)
		}
		out = append(out, r)
	}
	return out
}

// rateWindow is how many intervals a flow's rates are taken over.
const rateWindow = 5

// RunLive sends the page the running design every interval (health,
// flow rates over the last rateWindow intervals, new requests) until ctx
// ends. Nothing is read while no page listens.
func (c *Console) RunLive(ctx context.Context, interval time.Duration) {
	if c.opt.Live == nil {
		return
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	// Rates are over the last rateWindow readings, so an edge keeps its
	// colour for a few seconds after its last request instead of blinking
	// out at the first tick that saw none.
	type reading struct {
		at     time.Time
		counts map[string]FlowCount
	}
	var window []reading
	var seq uint64
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if c.Subscribers() == 0 {
			window = nil
			continue
		}
		now := time.Now()
		st := c.opt.Live.Status()
		window = append(window, reading{now, st.Counts})
		if len(window) > rateWindow+1 {
			window = window[len(window)-rateWindow-1:]
		}
		first := window[0]
		c.Publish("live", liveJSON{LiveStatus: st, Flows: c.rates(st, first.counts, now.Sub(first.at))})
		if rs := c.opt.Live.Requests(seq); len(rs) > 0 {
			seq = rs[len(rs)-1].Seq
			c.Publish("requests", rs)
		}
	}
}

func (c *Console) serveLive(w http.ResponseWriter, r *http.Request) {
	st := c.opt.Live.Status()
	writeJSON(w, http.StatusOK, liveJSON{LiveStatus: st, Flows: c.rates(st, st.Counts, 0)})
}

type sendForm struct {
	// Entry is the key of the listener to send to.
	Entry   string      `json:"entry"`
	Method  string      `json:"method"`
	Host    string      `json:"host"`
	Path    string      `json:"path"`
	Headers [][2]string `json:"headers"`
}

// sendAnswer is what came back, with the call tree when the built-in
// workload answered.
type sendAnswer struct {
	URL     string          `json:"url"`
	Status  int             `json:"status"`
	MS      float64         `json:"ms"`
	TraceID string          `json:"trace_id"`
	Tree    json.RawMessage `json:"tree,omitempty"`
	Body    string          `json:"body,omitempty"`
}

// newTraceID is an X-Amzn-Trace-Id Root: the load balancer keeps it and
// adds its own Self, so the access log's line carries it.
func newTraceID(now time.Time) string {
	var b [12]byte
	rand.Read(b[:])
	return fmt.Sprintf("1-%08x-%s", now.Unix(), hex.EncodeToString(b[:]))
}

// maxBody is the most of an answer's body the page is shown.
const maxBody = 1 << 20

func (c *Console) serveSend(w http.ResponseWriter, r *http.Request) {
	var f sendForm
	if !decodeForm(w, r, &f) {
		return
	}
	var entry *Entry
	st := c.opt.Live.Status()
	for i := range st.Entries {
		if st.Entries[i].Key == f.Entry {
			entry = &st.Entries[i]
		}
	}
	if entry == nil {
		badRequest(w, fmt.Sprintf("no entry %q: choose one the page lists", f.Entry))
		return
	}
	scheme := ""
	switch entry.Protocol {
	case "HTTPS":
		scheme = "https"
	case "HTTP":
		scheme = "http"
	default:
		badRequest(w, fmt.Sprintf("%s %d is %s: the page sends HTTP requests only", entry.LoadBalancer, entry.Port, entry.Protocol))
		return
	}
	path := f.Path
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	method := f.Method
	if method == "" {
		method = http.MethodGet
	}
	u := scheme + "://" + entry.Addr + path
	ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, u, nil)
	if err != nil {
		badRequest(w, err.Error())
		return
	}
	for _, h := range f.Headers {
		if h[0] != "" {
			req.Header.Add(h[0], h[1])
		}
	}
	if f.Host != "" {
		req.Host = f.Host
	}
	start := time.Now()
	trace := newTraceID(start)
	req.Header.Set("X-Amzn-Trace-Id", "Root="+trace)
	resp, err := c.opt.Live.Client().Do(req)
	if err != nil {
		writeJSON(w, http.StatusBadGateway, map[string]string{"error": "the request failed: " + err.Error()})
		return
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	a := sendAnswer{URL: u, Status: resp.StatusCode, MS: float64(time.Since(start).Microseconds()) / 1000, TraceID: "Root=" + trace}
	var probe struct {
		Service string `json:"service"`
	}
	if json.Unmarshal(body, &probe) == nil && probe.Service != "" {
		a.Tree = body
	} else {
		a.Body = string(body)
	}
	writeJSON(w, http.StatusOK, a)
}

type faultForm struct {
	Task   string `json:"task"`
	Faults Faults `json:"faults"`
}

func (c *Console) serveAddFault(w http.ResponseWriter, r *http.Request) {
	var f faultForm
	if !decodeForm(w, r, &f) {
		return
	}
	if f.Faults.ErrorRate < 0 || f.Faults.ErrorRate > 1 || f.Faults.LatencyMS < 0 || f.Faults.LatencyMS > 600000 {
		badRequest(w, "error_rate must be 0 to 1 and latency_ms 0 to 600000")
		return
	}
	if err := c.opt.Live.SetFaults(f.Task, f.Faults); err != nil {
		badRequest(w, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"task": f.Task})
}

func (c *Console) serveClearFaults(w http.ResponseWriter, r *http.Request) {
	task := r.URL.Query().Get("task")
	if err := c.opt.Live.ClearFaults(task); err != nil {
		badRequest(w, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"task": task})
}
