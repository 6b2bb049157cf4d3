package up

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Call is one node of the call tree the built-in workload returns: the
// task that answered, how long it took as its caller saw it, and the calls
// it made to its own dependencies.
type Call struct {
	Service string `json:"service"`
	Task    string `json:"task,omitempty"`
	Via     string `json:"via,omitempty"` // how the caller reached it
	// Client is the address the task saw the request come from: the first
	// X-Forwarded-For entry behind a load balancer, else the peer.
	Client    string  `json:"client,omitempty"`
	LatencyMS float64 `json:"latency_ms,omitempty"`
	Error     string  `json:"error,omitempty"`
	Calls     []Call  `json:"calls,omitempty"`
}

// maxDepth bounds a call tree, in case a hand-edited design has a cycle.
const maxDepth = 16

// depthHeader carries the depth of a call through the graph.
const depthHeader = "X-Netwright-Depth"

// dependency is how a task reaches one of its dependencies.
type dependency struct {
	service string
	via     string
	// dial returns an address to call: a load balancer's, or a task's
	// found through discovery.
	dial func(ctx context.Context) (string, error)
	// http is false for a data store or TCP service: the call is a
	// connect.
	http bool
}

// Faults are what the admin API can make a built-in task do wrong.
type Faults struct {
	// ErrorRate is the share of requests (0 to 1) answered 500.
	ErrorRate float64 `json:"error_rate"`
	// LatencyMS is added before answering each request.
	LatencyMS int `json:"latency_ms"`
	// FailHealth makes health checks get 503.
	FailHealth bool `json:"fail_health"`
}

// workload is the built-in task: it answers health checks and, on any
// other request, calls every dependency and returns the call tree.
type workload struct {
	service, task string
	health        map[string]bool // health-check paths
	deps          []dependency
	client        *http.Client
	faults        atomic.Pointer[Faults]
}

func (w *workload) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	// A call from another task carries the depth; anything else on a
	// health-check path is a health check.
	f := w.faults.Load()
	if w.health[r.URL.Path] && r.Header.Get(depthHeader) == "" {
		if f != nil && f.FailHealth {
			http.Error(rw, "failing health checks (fault injected)", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(rw, "ok")
		return
	}
	if f != nil && f.LatencyMS > 0 {
		select {
		case <-time.After(time.Duration(f.LatencyMS) * time.Millisecond):
		case <-r.Context().Done():
			return
		}
	}
	if f != nil && f.ErrorRate > 0 && rand.Float64() < f.ErrorRate {
		http.Error(rw, "error (fault injected)", http.StatusInternalServerError)
		return
	}
	depth, _ := strconv.Atoi(r.Header.Get(depthHeader))
	out := Call{Service: w.service, Task: w.task, Client: clientOf(r)}
	if depth < maxDepth {
		for _, d := range w.deps {
			out.Calls = append(out.Calls, w.call(r.Context(), d, depth+1))
		}
	}
	rw.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(rw).Encode(out) // a caller that left needs no answer
}

func (w *workload) call(ctx context.Context, d dependency, depth int) (c Call) {
	c = Call{Service: d.service, Via: d.via}
	start := time.Now()
	defer func() { c.LatencyMS = float64(time.Since(start).Microseconds()) / 1000 }()
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	addr, err := d.dial(ctx)
	if err != nil {
		c.Error = err.Error()
		return c
	}
	if !d.http {
		conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", addr)
		if err != nil {
			c.Error = err.Error()
			return c
		}
		defer conn.Close()
		// A data-store task writes its task ID and closes.
		b, _ := io.ReadAll(io.LimitReader(conn, 256))
		c.Task = strings.TrimSpace(string(b))
		return c
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/", nil)
	req.Header.Set(depthHeader, strconv.Itoa(depth))
	resp, err := w.client.Do(req)
	if err != nil {
		c.Error = err.Error()
		return c
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		c.Error = resp.Status
		return c
	}
	var got Call
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&got); err != nil {
		c.Error = "not a call tree: " + err.Error()
		return c
	}
	c.Task, c.Client, c.Calls = got.Task, got.Client, got.Calls
	return c
}

func clientOf(r *http.Request) string {
	if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
		first, _, _ := strings.Cut(xff, ",")
		return strings.TrimSpace(first)
	}
	host, _, _ := net.SplitHostPort(r.RemoteAddr)
	return host
}

// serveTCP is a data store's or TCP service's built-in task: it writes its
// task ID to each connection and closes it.
func serveTCP(ln net.Listener, task string) {
	for {
		conn, err := ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		go func() {
			defer conn.Close()
			conn.SetWriteDeadline(time.Now().Add(5 * time.Second))
			fmt.Fprintln(conn, task)
		}()
	}
}
