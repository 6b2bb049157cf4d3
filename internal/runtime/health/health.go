// Package health is target health for the local runtime's load
// balancers and task checks: the states ELB reports, the tally that
// moves a target between them by thresholds, the check itself (an HTTP
// status, a gRPC status from the trailers, or a TCP connect, within its
// timeout), the matcher of passing codes, and the rhythm checks run at.
// It does not own targets, their groups or how a check's connection is
// made: the alb and nlb listeners and `up`'s task checks do, each with
// the client for its target's protocol version.
package health

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/netwright/netwright/internal/clock"
)

// Target health states, as ELB reports them.
const (
	Initial   = "initial"
	Healthy   = "healthy"
	Unhealthy = "unhealthy"
	Draining  = "draining"
)

// TargetStatus is one target as `netwright status` shows it.
type TargetStatus struct {
	ID       string `json:"id"`
	Addr     string `json:"addr"`
	State    string `json:"state"`
	InFlight int64  `json:"in_flight"`
}

// Tally is a target's current run of health-check results.
type Tally struct{ passes, fails int }

// Observe adds one check result and returns the target's next state, as
// ELB moves it: healthy after the healthy threshold of passes in a row,
// unhealthy after the unhealthy threshold of failures in a row, else
// unchanged.
func (c *Tally) Observe(state string, ok bool, healthyThreshold, unhealthyThreshold int) string {
	if ok {
		c.passes, c.fails = c.passes+1, 0
		if c.passes >= healthyThreshold {
			return Healthy
		}
	} else {
		c.passes, c.fails = 0, c.fails+1
		if c.fails >= unhealthyThreshold {
			return Unhealthy
		}
	}
	return state
}

// Check is one health check.
type Check struct {
	// Addr is the target's host:port; Path the HTTP path or gRPC method
	// checked, or empty for a TCP connect.
	Addr, Path string
	// Matcher is the codes that pass: "200", "200,202" or "200-299",
	// HTTP status codes, or gRPC status codes when GRPC is set (ALB's
	// defaults are 200 and 12).
	Matcher   string
	GRPC      bool
	UserAgent string
	// Timeout bounds the check, on the clock Probe is given.
	Timeout time.Duration
	// Dial makes a TCP check's connection; a plain dial when nil. (An
	// HTTP check connects through the round tripper Probe is given.)
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
}

// grpcEmpty is a gRPC request of one empty, uncompressed message.
var grpcEmpty = []byte{0, 0, 0, 0, 0}

// Probe runs one health check within its timeout on clk. ALB's and NLB's
// target groups and the local runtime's task checks all use it. rt must
// speak HTTP/2 for a gRPC check.
func Probe(ctx context.Context, clk clock.Clock, rt http.RoundTripper, c Check) bool {
	ctx, cancel := clock.WithTimeout(ctx, clk, c.Timeout)
	defer cancel()
	if c.Path == "" {
		dial := c.Dial
		if dial == nil {
			dial = (&net.Dialer{}).DialContext
		}
		conn, err := dial(ctx, "tcp", c.Addr)
		if err == nil {
			conn.Close()
		}
		return err == nil
	}
	method, body := http.MethodGet, io.Reader(nil)
	if c.GRPC {
		method, body = http.MethodPost, bytes.NewReader(grpcEmpty)
	}
	req, err := http.NewRequestWithContext(ctx, method, "http://"+c.Addr+c.Path, body)
	if err != nil {
		return false
	}
	req.Header.Set("User-Agent", c.UserAgent)
	if c.GRPC {
		req.Header.Set("Content-Type", "application/grpc")
		req.Header.Set("Te", "trailers")
	}
	resp, err := rt.RoundTrip(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	if !c.GRPC {
		return Matches(c.Matcher, resp.StatusCode, "200")
	}
	// The status is in the trailers, or in the headers of a response
	// with no messages.
	if _, err := io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20)); err != nil {
		return false
	}
	code := resp.Trailer.Get("Grpc-Status")
	if code == "" {
		code = resp.Header.Get("Grpc-Status")
	}
	n, err := strconv.Atoi(code)
	return resp.StatusCode == http.StatusOK && err == nil && Matches(c.Matcher, n, "12")
}

// Matches reports whether code satisfies an ELB matcher: "200",
// "200,202" or "200-299" (def when empty).
func Matches(matcher string, code int, def string) bool {
	if matcher == "" {
		matcher = def
	}
	for _, part := range strings.Split(matcher, ",") {
		lo, hi, isRange := strings.Cut(strings.TrimSpace(part), "-")
		l, err1 := strconv.Atoi(lo)
		h, err2 := l, error(nil)
		if isRange {
			h, err2 = strconv.Atoi(hi)
		}
		if err1 == nil && err2 == nil && code >= l && code <= h {
			return true
		}
	}
	return false
}

// DefaultInterval is the interval Every keeps when it is given none.
const DefaultInterval = 30 * time.Second

// Every runs f at once and then every interval on clk (DefaultInterval
// when not positive) until ctx ends: the rhythm of a health checker. The
// times keep to the rhythm whatever a round takes, as a ticker's do; a
// round that outlasts the interval is followed by the next at once, and
// the times it overran are skipped. Each round runs as a function of one
// of clk's timers (the first too, due at once), so a test clock knows
// when it has ended; rounds never overlap, and Every returns once ctx has
// ended and no round runs.
func Every(ctx context.Context, clk clock.Clock, interval time.Duration, f func()) {
	if interval <= 0 {
		interval = DefaultInterval
	}
	var mu sync.Mutex // held through a round
	var timer clock.Timer
	next := clk.Now()
	var round func()
	round = func() {
		mu.Lock()
		defer mu.Unlock()
		if ctx.Err() != nil {
			return
		}
		f()
		next = next.Add(interval)
		wait := next.Sub(clk.Now())
		if wait <= 0 {
			// Late: the next round at once, and the rhythm's time before
			// now is where it goes on from.
			next = next.Add(-wait / interval * interval)
			wait = 0
		}
		timer = clk.AfterFunc(wait, round)
	}
	mu.Lock()
	timer = clk.AfterFunc(0, round)
	mu.Unlock()
	<-ctx.Done()
	mu.Lock()
	if timer != nil {
		timer.Stop()
	}
	mu.Unlock()
}
