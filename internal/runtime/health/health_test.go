package health

import (
	"context"
	"net"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/grpc"
	grpchealth "google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/netwright/netwright/internal/clock"
	"github.com/netwright/netwright/internal/clock/clocktest"
)

func TestMatcher(t *testing.T) {
	for _, tt := range []struct {
		matcher string
		code    int
		want    bool
	}{{"", 200, true}, {"", 204, false}, {"200-299", 204, true}, {"200-299", 301, false}, {"200,302", 302, true}, {"200, 302", 301, false}, {"bad", 200, false}} {
		if got := Matches(tt.matcher, tt.code, "200"); got != tt.want {
			t.Errorf("Matches(%q, %d) = %v; want %v", tt.matcher, tt.code, got, tt.want)
		}
	}
}

func TestTally(t *testing.T) {
	var c Tally
	state := Healthy
	for i, tt := range []struct {
		ok   bool
		want string
	}{{false, Healthy}, {true, Healthy}, {false, Healthy}, {false, Unhealthy}, {true, Unhealthy}, {true, Unhealthy}, {true, Healthy}} {
		state = c.Observe(state, tt.ok, 3, 2)
		if state != tt.want {
			t.Fatalf("after result %d (%v) of thresholds 3 and 2: %s; want %s", i, tt.ok, state, tt.want)
		}
	}
}

// h2c is a client of cleartext HTTP/2 by prior knowledge, as a GRPC
// target group's checks speak.
func h2c(t *testing.T) *http.Transport {
	tr := &http.Transport{Protocols: new(http.Protocols)}
	tr.Protocols.SetUnencryptedHTTP2(true)
	t.Cleanup(tr.CloseIdleConnections)
	return tr
}

// TestGRPCProbe checks a real gRPC server the way a GRPC target group
// does: over cleartext HTTP/2, matching the grpc-status of the answer.
func TestGRPCProbe(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer()
	hs := grpchealth.NewServer()
	healthpb.RegisterHealthServer(srv, hs)
	go srv.Serve(ln)
	defer srv.Stop()
	clk := clock.Real{}
	tr, h1 := h2c(t), &http.Transport{}
	defer h1.CloseIdleConnections()
	addr := ln.Addr().String()
	for _, tt := range []struct {
		path, matcher string
		want          bool
	}{
		{"/AWS.ALB/healthcheck", "", true},          // UNIMPLEMENTED, ALB's default 12
		{"/AWS.ALB/healthcheck", "0", false},        // not OK
		{"/grpc.health.v1.Health/Check", "0", true}, // OK
		{"/grpc.health.v1.Health/Check", "", false},
		{"/grpc.health.v1.Health/Check", "0-99", true},
	} {
		c := Check{Addr: addr, Path: tt.path, Matcher: tt.matcher, GRPC: true, Timeout: 5 * time.Second}
		if got := Probe(context.Background(), clk, tr, c); got != tt.want {
			t.Errorf("gRPC check of %s, matcher %q: %v; want %v", tt.path, tt.matcher, got, tt.want)
		}
	}
	// Over HTTP/1.1 a gRPC server cannot be checked.
	c := Check{Addr: addr, Path: "/grpc.health.v1.Health/Check", Matcher: "0", GRPC: true, Timeout: 2 * time.Second}
	if Probe(context.Background(), clk, h1, c) {
		t.Error("a gRPC check over HTTP/1.1 passed")
	}
	ln.Close()
	srv.Stop()
	if Probe(context.Background(), clk, tr, Check{Addr: addr, Path: "/AWS.ALB/healthcheck", GRPC: true, Timeout: time.Second}) {
		t.Error("a stopped server passed its check")
	}
}

// TestProbeTimesOutOnItsClock: a target that never answers fails its
// check once the check's timeout has passed on the clock, not before,
// however long the wall clock takes.
func TestProbeTimesOutOnItsClock(t *testing.T) {
	stuck := make(chan struct{})
	arrived := make(chan struct{}, 1)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		select {
		case <-stuck:
		case <-r.Context().Done():
		}
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	defer srv.Close()
	defer close(stuck)
	clk := clocktest.New(t)
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	done := make(chan bool)
	go func() {
		done <- Probe(context.Background(), clk, tr, Check{Addr: ln.Addr().String(), Path: "/", Timeout: 5 * time.Second})
	}()
	<-arrived
	clk.Advance(5*time.Second - time.Nanosecond)
	select {
	case ok := <-done:
		t.Fatalf("the check ended (%v) before its 5 s timeout passed on its clock", ok)
	default:
	}
	clk.Advance(time.Nanosecond)
	if <-done {
		t.Error("a check the target never answered passed")
	}
}

// TestEveryKeepsItsRhythm: rounds come at once and then every interval,
// on the clock; a round that outlasts intervals is followed by the next
// at once and the rhythm goes on from its own times; after ctx ends no
// round runs.
func TestEveryKeepsItsRhythm(t *testing.T) {
	clk := clocktest.New(t)
	start := clk.Now()
	ctx, cancel := context.WithCancel(context.Background())
	var rounds []time.Duration
	var slow atomic.Bool
	returned := make(chan struct{})
	go func() {
		defer close(returned)
		Every(ctx, clk, 10*time.Second, func() {
			rounds = append(rounds, clk.Now().Sub(start))
			if slow.Swap(false) {
				clk.Advance(25 * time.Second) // the round takes 25 s
			}
		})
	}()
	clk.BlockUntil(1) // the first round started
	clk.AdvanceAndWait(30 * time.Second)
	slow.Store(true)
	clk.AdvanceAndWait(10 * time.Second) // the round at 40 s takes until 65 s
	clk.AdvanceAndWait(10 * time.Second)
	cancel()
	<-returned
	clk.AdvanceAndWait(time.Minute)
	want := []time.Duration{0, 10 * time.Second, 20 * time.Second, 30 * time.Second, 40 * time.Second, 65 * time.Second, 70 * time.Second}
	if len(rounds) != len(want) {
		t.Fatalf("rounds at %v; want %v", rounds, want)
	}
	for i := range want {
		if rounds[i] != want[i] {
			t.Fatalf("rounds at %v; want %v", rounds, want)
		}
	}
	if n := clk.Pending(); n != 0 {
		t.Errorf("%d timers left after Every returned", n)
	}
}
