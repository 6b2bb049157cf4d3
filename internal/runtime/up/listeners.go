package up

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/netwright/netwright/internal/clock"
	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/runtime/accept"
	"github.com/netwright/netwright/internal/runtime/alb"
	"github.com/netwright/netwright/internal/runtime/nlb"
)

// servedALB is one ALB listener: its socket and server stay across
// reloads; the listener behind the handler is swapped.
type servedALB struct {
	lb     *design.LoadBalancer
	l      *design.Listener
	srv    server
	addr   string
	x      atomic.Pointer[alb.Listener]
	cancel context.CancelFunc // the current listener's health checks
}

func (s *servedALB) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.x.Load().ServeHTTP(w, r) }

// servedNLB is one NLB listener: TCP connections are handed to the
// current listener; a UDP socket belongs to one listener and is opened
// again when it is replaced.
type servedNLB struct {
	lb  *design.LoadBalancer
	l   *design.Listener
	tcp net.Listener
	udp *net.UDPConn
	// udpDoor is an internet-facing UDP listener's front door in netns
	// mode (isolation.go).
	udpDoor *udpDoor
	addr    string
	x       atomic.Pointer[nlb.Listener]
	cancel  context.CancelFunc
}

// closeSockets stops the listener accepting connections and datagrams.
func (s *servedNLB) closeSockets() {
	if s.tcp != nil {
		s.tcp.Close()
	}
	if s.udp != nil {
		s.udp.Close()
	}
	if s.udpDoor != nil {
		s.udpDoor.Close()
	}
}

// server is a load balancer listener's server, or the admin API's.
type server interface {
	Shutdown(context.Context) error
}

// serveALB starts serving s on ln with the listener's own HTTP/1.1 data
// path, which hands what it does not serve (HTTP/2 by ALPN among it) to
// net/http.
func (rt *Runtime) serveALB(s *servedALB, ln net.Listener) server {
	conns := rt.lbMetrics.Connections.WithLabelValues(s.lb.Name, strconv.Itoa(s.l.Port))
	idle := time.Duration(s.lb.IdleTimeout)
	if idle <= 0 {
		idle = 60 * time.Second
	}
	srv := &alb.Server{
		TLS:     rt.albTLS(s.l),
		Current: s.x.Load,
		// The fallback reads whole headers within the idle timeout (heads
		// past the data path's 8 KB, and requests after a handover).
		Fallback:    &http.Server{Handler: s, ReadHeaderTimeout: idle, IdleTimeout: idle},
		IdleTimeout: idle,
		Clock:       rt.clock,
		OnConn:      func(d int) { conns.Add(float64(d)) },
	}
	rt.goroutines.Go(func() { _ = srv.Serve(ln) }) // Serve returns when Shutdown closes ln
	return srv
}

// albTLS is an ALB listener's TLS configuration: nil unless HTTPS.
func (rt *Runtime) albTLS(l *design.Listener) *tls.Config {
	if l.Protocol != "HTTPS" {
		return nil
	}
	return &tls.Config{Certificates: rt.certs, NextProtos: []string{"h2", "http/1.1"}, MinVersion: tls.VersionTLS12}
}

// serveNLB hands each connection its TCP socket accepts to the listener
// current at accept; it returns when the socket closes.
func (rt *Runtime) serveNLB(s *servedNLB) {
	err := accept.Loop{Conns: &rt.goroutines, Handle: func(c net.Conn) { s.x.Load().Handle(c) }}.Serve(s.tcp)
	if err != nil {
		fmt.Fprintf(rt.out, "[nlb] %s:%d stopped accepting: %v\n", s.lb.Name, s.l.Port, err)
	}
}

// runHealthChecks (re)starts a listener's target health checks, which
// end with cancel or the runtime.
func (rt *Runtime) runHealthChecks(run func(context.Context)) (cancel context.CancelFunc) {
	ctx, cancel := context.WithCancel(rt.ctx)
	rt.goroutines.Go(func() { run(ctx) })
	return cancel
}

// listenerKey names a served listener across reloads: a load balancer
// of the same type and name, on the same port with the same sockets (TCP,
// UDP or both). A protocol change that keeps them (HTTP and HTTPS, TCP and
// TLS) is served in place: the new listener decides TLS per connection.
func listenerKey(lb *design.LoadBalancer, l *design.Listener) string {
	sockets := "tcp"
	switch l.Protocol {
	case "UDP":
		sockets = "udp"
	case "TCP_UDP":
		sockets = "tcp+udp"
	}
	return lb.Type + "/" + lb.Name + ":" + strconv.Itoa(l.Port) + "/" + sockets
}

// accessLogDelay is the longest an access-log line waits in memory
// before it is written (a busy listener writes sooner, every 64 KB).
const accessLogDelay = 100 * time.Millisecond

// accessLog is a load balancer's access log, opened on first use; nil
// when access logs are off or the file cannot be opened (a note says so).
func (rt *Runtime) accessLog(lb *design.LoadBalancer) *alb.AccessLog {
	if rt.opt.AccessLogDir == "" {
		return nil
	}
	if l, ok := rt.logs[lb.Name]; ok {
		return l
	}
	err := os.MkdirAll(rt.opt.AccessLogDir, 0o755)
	var f *os.File
	if err == nil {
		f, err = os.OpenFile(filepath.Join(rt.opt.AccessLogDir, lb.Name+".log"), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	}
	if err != nil {
		rt.Notes = append(rt.Notes, fmt.Sprintf("no access log for %s: %v", lb.Name, err))
		rt.logs[lb.Name] = nil
		return nil
	}
	rt.files = append(rt.files, f)
	rt.logs[lb.Name] = alb.NewBufferedAccessLog(f, rt.clock, accessLogDelay)
	return rt.logs[lb.Name]
}

// listenerDrain is the longest a replaced or removed ALB listener keeps
// requests in flight.
const listenerDrain = 30 * time.Second

// retireListener lets a replaced ALB listener finish its requests in
// flight, for listenerDrain at most (on the runtime's clock, and no
// longer than the runtime runs); it gets no new ones.
func (rt *Runtime) retireListener(x *alb.Listener) {
	rt.goroutines.Go(func() {
		ctx, cancel := clock.WithTimeout(rt.ctx, rt.clock, listenerDrain)
		defer cancel()
		x.WaitIdle(ctx, nil)
		x.Close()
	})
}

// closeListener stops a removed ALB listener accepting and lets its
// requests in flight finish (listenerDrain at most).
func (rt *Runtime) closeListener(s *servedALB) {
	s.cancel()
	rt.goroutines.Go(func() {
		ctx, cancel := clock.WithTimeout(rt.ctx, rt.clock, listenerDrain)
		defer cancel()
		_ = s.srv.Shutdown(ctx)
		s.x.Load().Close()
	})
}
