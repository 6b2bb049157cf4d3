package nlb

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/netip"
	"os"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/netwright/netwright/internal/clock"
	"github.com/netwright/netwright/internal/clock/clocktest"
	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/runtime/health"
)

func tcpHealth() design.TargetHealth {
	return design.TargetHealth{Protocol: "TCP", Interval: design.Duration(time.Second), Timeout: design.Duration(time.Second), HealthyThreshold: 2, UnhealthyThreshold: 2}
}

// newListener is an NLB listener of protocol proto in front of group tg.
func newListener(t *testing.T, proto string, tg design.TargetGroup, opt Options) *Listener {
	t.Helper()
	lb := &design.LoadBalancer{ID: "nlb-test", Name: "nlb-test", Type: design.NLB}
	tg.ID, tg.Health = "tg", tcpHealth()
	l := &design.Listener{ID: "lst", Port: 1883, Protocol: proto, DefaultAction: design.Action{Type: design.ActionForward, Forward: []design.WeightedTarget{{TargetGroup: "tg", Weight: 1}}}}
	x, err := New(lb, l, []design.TargetGroup{tg}, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(x.Close)
	return x
}

// serve runs x on a loopback port and returns its address.
func serve(t *testing.T, x *Listener) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go x.ServeTCP(ln)
	return ln.Addr().String()
}

// acceptEach serves each connection ln accepts with handle, closing it
// after, until ln closes.
func acceptEach(ln net.Listener, handle func(net.Conn)) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			handle(c)
		}()
	}
}

// echo is a TCP target: it reads until the client half-closes, then
// answers "<name> <client address> <what it read>" and closes.
func echo(t *testing.T, name string, wrap func(net.Conn) net.Conn) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go acceptEach(ln, func(c net.Conn) {
		host, _, _ := net.SplitHostPort(c.RemoteAddr().String())
		if wrap != nil {
			c = wrap(c)
		}
		b, _ := io.ReadAll(c)
		fmt.Fprintf(c, "%s %s %s", name, host, b)
	})
	return ln
}

func register(t *testing.T, x *Listener, lns map[string]net.Listener) {
	t.Helper()
	for name, ln := range lns {
		if err := x.Register(name, ln.Addr().String()); err != nil {
			t.Fatal(err)
		}
	}
	x.CheckHealth(context.Background())
	x.CheckHealth(context.Background())
}

// exchange sends msg over a connection to addr (from src when set),
// half-closes, and returns the answer's fields: target, client, message.
func exchange(t *testing.T, dial func() (net.Conn, error), msg string) []string {
	t.Helper()
	c, err := dial()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, msg); err != nil {
		t.Fatal(err)
	}
	switch cw := c.(type) {
	case *net.TCPConn:
		cw.CloseWrite()
	case *tls.Conn:
		cw.CloseWrite()
	}
	b, err := io.ReadAll(c)
	if err != nil {
		t.Fatal(err)
	}
	f := strings.SplitN(string(b), " ", 3)
	if len(f) != 3 {
		t.Fatalf("answer %q", b)
	}
	return f
}

func dialFrom(addr, src string) func() (net.Conn, error) {
	return func() (net.Conn, error) {
		d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}}
		return d.Dial("tcp", addr)
	}
}

// TestTCPPassthrough: bytes and half-closes pass through; the 5-tuple
// hash spreads connections over the targets; the target sees the node's
// address unless the group preserves the client's.
func TestTCPPassthrough(t *testing.T) {
	targets := map[string]net.Listener{"a": echo(t, "a", nil), "b": echo(t, "b", nil), "c": echo(t, "c", nil)}
	x := newListener(t, "TCP", design.TargetGroup{Protocol: "TCP"}, Options{Node: netip.MustParseAddr("127.0.0.77")})
	register(t, x, targets)
	addr := serve(t, x)
	seen := map[string]int{}
	for range 30 {
		f := exchange(t, dialFrom(addr, "127.0.0.9"), "hello\nworld")
		seen[f[0]]++
		if f[1] != "127.0.0.77" || f[2] != "hello\nworld" {
			t.Fatalf("the target saw %q from %s; want the bytes as sent, from the node 127.0.0.77", f[2], f[1])
		}
	}
	if len(seen) != 3 {
		t.Errorf("30 connections from new source ports reached %v; the flow hash should use every target", seen)
	}

	y := newListener(t, "TCP", design.TargetGroup{Protocol: "TCP", PreserveClientIP: true, Stickiness: "source_ip"}, Options{Node: netip.MustParseAddr("127.0.0.77")})
	register(t, y, targets)
	addr = serve(t, y)
	for _, src := range []string{"127.0.0.9", "127.0.0.10", "127.0.0.11", "127.0.0.12"} {
		first := ""
		for range 5 {
			f := exchange(t, dialFrom(addr, src), "x")
			if f[1] != src {
				t.Errorf("preserving client IP, the target saw %s; want %s", f[1], src)
			}
			if first == "" {
				first = f[0]
			} else if f[0] != first {
				t.Errorf("source_ip stickiness: %s reached %s then %s", src, first, f[0])
			}
		}
	}
}

// TestHealthAndFailOpen: a target that stops accepting turns unhealthy
// after the threshold and gets no new connections; with none healthy
// the listener sends to all of them.
func TestHealthAndFailOpen(t *testing.T) {
	a, b := echo(t, "a", nil), echo(t, "b", nil)
	x := newListener(t, "TCP", design.TargetGroup{Protocol: "TCP"}, Options{})
	register(t, x, map[string]net.Listener{"a": a, "b": b})
	b.Close()
	x.CheckHealth(context.Background())
	if st := state(x, "b"); st != health.Healthy {
		t.Errorf("one failed check: b is %s; the threshold is 2", st)
	}
	x.CheckHealth(context.Background())
	if st := state(x, "b"); st != health.Unhealthy {
		t.Fatalf("two failed checks: b is %s", st)
	}
	addr := serve(t, x)
	for range 20 {
		if f := exchange(t, dialFrom(addr, "127.0.0.1"), "x"); f[0] != "a" {
			t.Fatalf("a connection reached %s, which is unhealthy", f[0])
		}
	}
	a.Close()
	x.CheckHealth(context.Background())
	x.CheckHealth(context.Background())
	if x.pick(1) == nil || x.pick(2) == nil {
		t.Error("with no healthy target the listener does not fail open")
	}
}

func state(x *Listener, id string) string {
	for _, ts := range x.Targets() {
		if ts.ID == id {
			return ts.State
		}
	}
	return ""
}

// cert makes a self-signed certificate for localhost and 127.0.0.1.
func cert(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"}, DNSNames: []string{"localhost"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pool
}

// TestTLS: a TLS listener terminates TLS with its certificate; to a TCP
// group the target gets plain bytes, to a TLS group TLS again.
func TestTLS(t *testing.T) {
	c, pool := cert(t)
	cfg := &tls.Config{Certificates: []tls.Certificate{c}}
	dialTLS := func(addr string) func() (net.Conn, error) {
		return func() (net.Conn, error) {
			return tls.Dial("tcp", addr, &tls.Config{RootCAs: pool, ServerName: "localhost"})
		}
	}
	plain := newListener(t, "TLS", design.TargetGroup{Protocol: "TCP"}, Options{TLS: cfg})
	register(t, plain, map[string]net.Listener{"plain": echo(t, "plain", nil)})
	if f := exchange(t, dialTLS(serve(t, plain)), "secret"); f[0] != "plain" || f[2] != "secret" {
		t.Errorf("TLS to a TCP group: %v", f)
	}
	wrap := func(c net.Conn) net.Conn { return tls.Server(c, cfg) }
	again := newListener(t, "TLS", design.TargetGroup{Protocol: "TLS"}, Options{TLS: cfg})
	register(t, again, map[string]net.Listener{"tls": echo(t, "tls", wrap)})
	if f := exchange(t, dialTLS(serve(t, again)), "secret"); f[0] != "tls" || f[2] != "secret" {
		t.Errorf("TLS to a TLS group: %v", f)
	}
	if _, err := New(&design.LoadBalancer{ID: "n", Type: design.NLB}, &design.Listener{ID: "l", Protocol: "TLS",
		DefaultAction: design.Action{Type: design.ActionForward, Forward: []design.WeightedTarget{{TargetGroup: "tg"}}}},
		[]design.TargetGroup{{ID: "tg"}}, Options{}); err == nil {
		t.Error("a TLS listener without a certificate was accepted")
	}
}

// udpEcho answers each datagram with "<name> <data>".
func udpEcho(t *testing.T, name string) *net.UDPConn {
	t.Helper()
	pc, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	go func() {
		buf := make([]byte, 2048)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			pc.WriteTo([]byte(name+" "+string(buf[:n])), from)
		}
	}()
	return pc
}

// TestUDPFlows: every datagram of a flow (client address and port) goes
// to the same target and its answers come back; a flow ends exactly
// NLB's 120 s UDP idle timeout after its last datagram, on a fake clock,
// and one that still has traffic outlives the others.
func TestUDPFlows(t *testing.T) {
	const idle = UDPIdleTimeout
	clk := clocktest.New(t)
	x := newListener(t, "UDP", design.TargetGroup{Protocol: "UDP"}, Options{Clock: clk})
	for _, name := range []string{"a", "b", "c"} {
		pc := udpEcho(t, name)
		if err := x.Register(name, pc.LocalAddr().String()); err != nil {
			t.Fatal(err)
		}
	}
	pc, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	go x.ServeUDP(pc)
	seen := map[string]bool{}
	var kept net.Conn // the first flow, which gets traffic later
	for i := range 12 {
		c, err := net.Dial("udp", pc.LocalAddr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if i == 0 {
			kept = c
		}
		c.SetDeadline(time.Now().Add(time.Minute))
		first := ""
		for i := range 4 {
			fmt.Fprintf(c, "ping%d", i)
			buf := make([]byte, 100)
			n, err := c.Read(buf)
			if err != nil {
				t.Fatal(err)
			}
			name, data, _ := strings.Cut(string(buf[:n]), " ")
			if data != fmt.Sprintf("ping%d", i) {
				t.Errorf("answer %q", buf[:n])
			}
			if first == "" {
				first = name
			} else if name != first {
				t.Errorf("one flow reached %s then %s", first, name)
			}
		}
		seen[first] = true
	}
	if len(seen) < 2 {
		t.Errorf("12 flows all reached %v", seen)
	}
	waitFlows := func(n int64) {
		t.Helper()
		for deadline := time.Now().Add(time.Minute); flows(x) != n; time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%d flows open; want %d", flows(x), n)
			}
		}
	}
	waitFlows(12)
	clk.AdvanceAndWait(idle / 2)
	fmt.Fprint(kept, "again")
	if _, err := kept.Read(make([]byte, 100)); err != nil {
		t.Fatal(err)
	}
	stepToTimeout := func(open int64) {
		t.Helper()
		clk.AdvanceAndWait(idle/2 - time.Nanosecond)
		if next, ok := clk.Next(); !ok || next != time.Nanosecond || flows(x) != open {
			t.Fatalf("a nanosecond before the idle timeout: next timer %v away (%v), %d flows open; want the timeout's, 1ns, and %d", next, ok, flows(x), open)
		}
		clk.AdvanceAndWait(time.Nanosecond)
	}
	stepToTimeout(12)
	waitFlows(1) // the one with traffic a half timeout ago stays
	clk.BlockUntilDue(idle / 2)
	stepToTimeout(1)
	waitFlows(0)
}

func flows(x *Listener) int64 {
	var n int64
	for _, ts := range x.Targets() {
		n += ts.InFlight
	}
	return n
}

// TestCloseEndsConnections: Close ends connections in progress.
func TestCloseEndsConnections(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go io.Copy(io.Discard, c) // holds the connection open
		}
	}()
	x := newListener(t, "TCP", design.TargetGroup{Protocol: "TCP"}, Options{})
	register(t, x, map[string]net.Listener{"hold": ln})
	c, err := net.Dial("tcp", serve(t, x))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Write([]byte("x"))
	for deadline := time.Now().Add(5 * time.Second); flows(x) == 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the connection never reached the listener")
		}
	}
	x.Close()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Read(make([]byte, 1)); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("read after Close: %v; want the connection ended", err)
	}
}

// TestTCPIdleTimeout: a flow that carries traffic, in either direction,
// outlives NLB's 350 s idle timeout many times over. One left idle is
// dropped exactly 350 s after its last byte, not a nanosecond sooner, as
// NLB drops it: neither end hears anything; an end that sends afterwards
// gets a reset, and what it sent reaches no one. The timeout runs on a
// fake clock.
func TestTCPIdleTimeout(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	type targetEnd struct {
		c    net.Conn
		got  *strings.Builder // what the target read, once done
		done chan error       // what ended the target's echo
	}
	ends := make(chan targetEnd, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		e := targetEnd{c: c, got: &strings.Builder{}, done: make(chan error, 1)}
		ends <- e
		_, err = io.Copy(c, io.TeeReader(c, e.got)) // an echo that keeps what it read
		e.done <- err
	}()
	const idle = TCPIdleTimeout
	clk := clocktest.New(t)
	x := newListener(t, "TCP", design.TargetGroup{Protocol: "TCP"}, Options{Clock: clk})
	if err := x.Register("echo", ln.Addr().String()); err != nil {
		t.Fatal(err)
	}
	c, err := net.Dial("tcp", serve(t, x))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(time.Minute)) // a bound on the test, on the wall
	buf := make([]byte, 2)
	// ping's echo has passed the relay both ways when it returns: both
	// directions' idle timeouts count from now.
	ping := func() error {
		if _, err := c.Write([]byte("p\n")); err != nil {
			return err
		}
		_, err := io.ReadFull(c, buf)
		return err
	}
	pings := 0
	for passed := time.Duration(0); passed < 3*idle; passed += idle / 5 {
		if err := ping(); err != nil {
			t.Fatalf("an active flow failed after %v: %v", passed, err)
		}
		pings++
		clk.AdvanceAndWait(idle / 5)
	}
	if err := ping(); err != nil {
		t.Fatalf("an active flow failed after %v: %v", 3*idle, err)
	}
	pings++
	var target targetEnd
	select {
	case target = <-ends:
	case <-time.After(time.Minute):
		t.Fatal("the target never got the connection")
	}
	defer target.c.Close()

	clk.AdvanceAndWait(idle - time.Nanosecond)
	if next, ok := clk.Next(); !ok || next != time.Nanosecond || x.idledOut.Load() != 0 {
		t.Fatalf("a nanosecond before the idle timeout: next timer %v away (%v), %d flows dropped; want the timeout's, 1ns, and none", next, ok, x.idledOut.Load())
	}
	clk.AdvanceAndWait(time.Nanosecond)
	for deadline := time.Now().Add(time.Minute); x.idledOut.Load() == 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the flow was not dropped at the idle timeout")
		}
	}
	// Dropped, and neither end told: nothing waits to be read.
	c.SetReadDeadline(time.Now())
	if n, err := c.Read(buf); n > 0 || !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("the client, silent past the idle timeout: read %d, %v; want nothing (NLB sends nothing when it drops a flow)", n, err)
	}
	select {
	case err := <-target.done:
		t.Fatalf("the target heard of the dropped flow (%v); want nothing until it sends", err)
	default:
	}
	// The client sends: it gets a reset.
	c.SetDeadline(time.Now().Add(time.Minute))
	c.Write([]byte("late\n"))
	if _, err := io.ReadFull(c, buf); !errors.Is(err, syscall.ECONNRESET) {
		t.Errorf("the client sending on a dropped flow: %v; want a reset", err)
	}
	// The target sends: it gets a reset too, and never had the client's
	// late send.
	target.c.Write([]byte("t"))
	select {
	case err := <-target.done:
		if !errors.Is(err, syscall.ECONNRESET) {
			t.Errorf("the target sending on a dropped flow: %v; want a reset", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("the target sending on a dropped flow heard nothing in a minute; want a reset")
	}
	if got, want := target.got.String(), strings.Repeat("p\n", pings); got != want {
		t.Errorf("the target read %q; want the pings alone, %q", got, want)
	}
}

// TestDeadTargetResetsTheClient: a target that refuses the connection, or
// resets it mid-flow, gets the client a reset, as NLB passes it on, not a
// clean end of stream.
func TestDeadTargetResetsTheClient(t *testing.T) {
	gone, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := gone.Addr().String()
	gone.Close()
	resetting, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer resetting.Close()
	go acceptEach(resetting, func(c net.Conn) {
		c.Read(make([]byte, 1))
		c.(*net.TCPConn).SetLinger(0)
		c.Close()
	})
	for _, tt := range []struct{ name, addr string }{{"a refusing target", refused}, {"a target that resets", resetting.Addr().String()}} {
		t.Run(tt.name, func(t *testing.T) {
			x := newListener(t, "TCP", design.TargetGroup{Protocol: "TCP"}, Options{})
			if err := x.Register("dead", tt.addr); err != nil {
				t.Fatal(err)
			}
			c, err := net.Dial("tcp", serve(t, x))
			if err == nil {
				defer c.Close()
				c.SetDeadline(time.Now().Add(10 * time.Second))
				c.Write([]byte("hello"))
				_, err = io.ReadAll(c)
			}
			// The reset may come before the client's connect returns.
			if !errors.Is(err, syscall.ECONNRESET) {
				t.Errorf("the client read %v; want a reset", err)
			}
		})
	}
}

// TestIdleMeasuredByTheKernel: on Linux, on the system's clock, the time
// since either end last sent comes from the kernel (the bytes splice
// past the relay), so a flow idles out at the timeout itself: once both
// ends have been silent longer than it, none is left; right after an end
// sends, the timeout counts from that send. The loops wait for the
// kernel's counters to move.
func TestIdleMeasuredByTheKernel(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("TCP_INFO is Linux's")
	}
	pair := func() (net.Conn, net.Conn) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		out, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		in, err := ln.Accept()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { out.Close(); in.Close() })
		return out, in
	}
	client, a := pair() // a: the relay's side of the client's connection
	_, b := pair()
	const idle = 50 * time.Millisecond
	f := &tcpFlow{a: a, b: b, idle: idle, clk: clock.Real{}, kernel: true}
	until := func(what string, cond func(left time.Duration) bool) time.Duration {
		t.Helper()
		for deadline := time.Now().Add(time.Minute); ; time.Sleep(time.Millisecond) {
			if left := f.untilIdle(); cond(left) {
				return left
			}
			if time.Now().After(deadline) {
				t.Fatalf("waited a minute for %s: %v left", what, f.untilIdle())
			}
		}
	}
	until("the kernel to count both ends silent for the timeout", func(left time.Duration) bool { return left <= 0 })
	client.Write([]byte("x"))
	if left := until("the kernel to count the client's send", func(left time.Duration) bool { return left > 0 }); left > idle {
		t.Errorf("after the client sent: %v left of a %v idle timeout; want the timeout counted from that send", left, idle)
	}
}
