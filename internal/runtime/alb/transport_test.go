package alb

import (
	"context"
	"net"
	"testing"
	"time"

	"google.golang.org/grpc"
	grpchealth "google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

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
	tr := NewTransports(4, time.Minute, nil)
	defer tr.CloseIdleConnections()
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
		if got := Probe(context.Background(), tr.For("GRPC"), c); got != tt.want {
			t.Errorf("gRPC check of %s, matcher %q: %v; want %v", tt.path, tt.matcher, got, tt.want)
		}
	}
	// Over HTTP/1.1 a gRPC server cannot be checked.
	c := Check{Addr: addr, Path: "/grpc.health.v1.Health/Check", Matcher: "0", GRPC: true, Timeout: 2 * time.Second}
	if Probe(context.Background(), tr.For("HTTP1"), c) {
		t.Error("a gRPC check over HTTP/1.1 passed")
	}
	ln.Close()
	srv.Stop()
	if Probe(context.Background(), tr.For("GRPC"), Check{Addr: addr, Path: "/AWS.ALB/healthcheck", GRPC: true, Timeout: time.Second}) {
		t.Error("a stopped server passed its check")
	}
}
