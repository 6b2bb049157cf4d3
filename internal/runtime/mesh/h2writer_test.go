package mesh

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/netwright/netwright/internal/clock/clocktest"
	"github.com/netwright/netwright/internal/runtime/runtimetest"
)

// A caller that grants window but stops reading its socket: each
// connection's frames go out through its own writer, so the reader that
// forwards them never waits on that caller's full socket, and the
// connection the proxies share for every caller's streams keeps moving.

// stallConn is a caller's connection that stops reading once stalled,
// until it is closed.
type stallConn struct {
	net.Conn
	stalled atomic.Bool
	closed  chan struct{}
	once    sync.Once
}

func (c *stallConn) Read(b []byte) (int, error) {
	if c.stalled.Load() {
		<-c.closed
		return 0, net.ErrClosed
	}
	return c.Conn.Read(b)
}

func (c *stallConn) Close() error {
	c.once.Do(func() { close(c.closed) })
	return c.Conn.Close()
}

// stuckCaller starts a real grpc-go caller of web's egress that grants
// 1 GiB of window, opens a /t.T/Flood call, takes its first message and
// then reads its socket no more; it returns once the task's sends stop
// moving (the proxies hold the rest back), with how many it sent.
func stuckCaller(t *testing.T, web *Proxy, tk *h2Task) int {
	t.Helper()
	addr, _ := web.Egress("api")
	var sc *stallConn
	dial := func(ctx context.Context, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, "tcp", addr)
		if err != nil {
			return nil, err
		}
		c.(*net.TCPConn).SetReadBuffer(64 << 10) // fills sooner
		sc = &stallConn{Conn: c, closed: make(chan struct{})}
		return sc, nil
	}
	conn, err := grpc.NewClient("passthrough:///"+addr, grpc.WithTransportCredentials(insecure.NewCredentials()), grpc.WithContextDialer(dial),
		grpc.WithInitialWindowSize(1<<30), grpc.WithInitialConnWindowSize(1<<30), grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(16<<20)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	st, err := conn.NewStream(testCtx(t), &grpc.StreamDesc{ServerStreams: true}, "/t.T/Flood")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SendMsg(wrapperspb.Bytes(nil)); err != nil {
		t.Fatal(err)
	}
	st.CloseSend()
	var first wrapperspb.BytesValue
	if err := st.RecvMsg(&first); err != nil {
		t.Fatal(err)
	}
	sc.stalled.Store(true)
	sent := waitStill(func() int { return int(tk.sent.Load()) })
	if sent >= 120 {
		t.Fatalf("the task sent all of its %d MiB to a caller that stopped reading", sent)
	}
	return sent
}

// TestH2FastStuckCallerStallsNoOtherCaller: while one caller's
// connection is full (it granted window, then stopped reading), another
// caller's calls, multiplexed with the stuck one's on the same
// connection between the proxies and the same connection to the task,
// keep completing.
func TestH2FastStuckCallerStallsNoOtherCaller(t *testing.T) {
	tk := startH2Task(t, "api-1")
	_, web, apis := h2Mesh(t, nil, func(c *Config) { c.Upstreams["api"].Timeout = 0 }, tk)
	sent := stuckCaller(t, web, tk)
	t.Logf("the task sent %d MiB before the stuck caller held it back", sent)

	conn := h2Client(t, web)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for i := range 20 {
		var out wrapperspb.BytesValue
		if err := conn.Invoke(ctx, "/t.T/Unary", wrapperspb.Bytes(payload(100<<10, byte(i))), &out); err != nil {
			t.Fatalf("call %d of another caller, beside the stuck one: %v", i+1, err)
		}
		if len(out.Value) != 100<<10 {
			t.Fatalf("call %d: %d bytes back; want %d", i+1, len(out.Value), 100<<10)
		}
	}
	if got := web.poolConns(); got != 1 {
		t.Errorf("web's proxy has %d connections to api's; want both callers' streams on 1", got)
	}
	fastOnly(t, web, apis...)
}

// TestH2FastStuckCallerEndedAfterWriteTimeout: a caller that reads
// nothing for h2WriteTimeout (on the mesh's clock) has its connection
// ended and its streams reset, the task's call with them; another
// caller's connection goes on.
func TestH2FastStuckCallerEndedAfterWriteTimeout(t *testing.T) {
	clk := clocktest.New(t)
	tk := startH2Task(t, "api-1")
	var log runtimetest.Buffer
	_, web, _ := h2MeshWith(t, Options{Clock: clk, Log: &log}, func(c *Config) { c.Upstreams["api"].Timeout = 0 }, tk)
	other := h2Client(t, web)
	var out wrapperspb.BytesValue
	if err := other.Invoke(testCtx(t), "/t.T/Unary", wrapperspb.Bytes([]byte("before")), &out); err != nil {
		t.Fatal(err)
	}
	stuckCaller(t, web, tk)
	// The stuck caller's connection's writer waits in a write: its
	// buffer is full and stays so.
	if n := waitStill(func() int { return unwritten(web) }); n < h2OutRoom {
		t.Fatalf("web's proxy holds %d bytes unwritten for the stuck caller; want its buffer's room (%d) full", n, h2OutRoom)
	}

	ended := func(within time.Duration) string {
		select {
		case got := <-tk.seen:
			return got
		case <-time.After(within):
			return ""
		}
	}
	clk.AdvanceAndWait(h2WriteTimeout - time.Second)
	if got := ended(100 * time.Millisecond); got != "" {
		t.Fatalf("the stuck caller's call ended (%s) before the write timeout", got)
	}
	clk.AdvanceAndWait(time.Second)
	if got := ended(10 * time.Second); got != "flood: Canceled" {
		t.Fatalf("the task's call of the caller stuck for %v: %q; want it cancelled", h2WriteTimeout, got)
	}
	if err := other.Invoke(testCtx(t), "/t.T/Unary", wrapperspb.Bytes([]byte("after")), &out); err != nil {
		t.Fatalf("another caller's call after the stuck caller's connection ended: %v", err)
	}
	if got, want := log.String(), "web-1 closed the HTTP/2 connection with"; !strings.Contains(got, want) || !strings.Contains(got, "the peer read nothing for 30s") {
		t.Errorf("the mesh's log:\n%s\nwant a line that %s a caller: the peer read nothing for 30s", got, want)
	}
}

// poolConns is how many HTTP/2 connections p's egress pools hold.
func (p *Proxy) poolConns() int {
	n := 0
	for _, e := range p.egress {
		e.pools.mu.Lock()
		for _, hp := range e.pools.h2 {
			hp.mu.Lock()
			n += len(hp.conns)
			hp.mu.Unlock()
		}
		e.pools.mu.Unlock()
	}
	return n
}

// unwritten is the most any of p's callers' connections holds for its
// writer.
func unwritten(p *Proxy) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for hc := range p.h2 {
		hc.mu.Lock()
		n = max(n, len(hc.out))
		hc.mu.Unlock()
	}
	return n
}

// TestH2FastPingFloodEndsTheConnection: a caller's burst of PINGs is
// answered while fewer than h2OutControl acknowledgements wait
// unwritten; a caller that sends PINGs without end and reads none of
// the acknowledgements has its connection closed once h2OutControl of
// them wait (Envoy's flood check), rather than the proxy buffering them
// without bound or waiting for the write timeout.
func TestH2FastPingFloodEndsTheConnection(t *testing.T) {
	tk := startH2Task(t, "api-1")
	var log runtimetest.Buffer
	_, web, _ := h2MeshWith(t, Options{Log: &log}, nil, tk)
	addr, _ := web.Egress("api")
	c, r := rawCaller(t, addr)
	pings := func(n int) []byte {
		var b bytes.Buffer
		fr := http2.NewFramer(&b, nil)
		for range n {
			fr.WritePing(false, [8]byte{7})
		}
		return b.Bytes()
	}
	burst := h2OutControl / 2
	if _, err := c.Write(pings(burst)); err != nil {
		t.Fatal(err)
	}
	for acks := 0; acks < burst; {
		f, err := r.fr.ReadFrame()
		if err != nil {
			t.Fatalf("reading the acknowledgements of a burst of %d PINGs, %d read: %v", burst, acks, err)
		}
		if p, ok := f.(*http2.PingFrame); ok && p.IsAck() {
			acks++
		}
	}

	c.(*net.TCPConn).SetReadBuffer(4 << 10)
	batch := pings(4096)
	// Twice as many PINGs as the proxy's socket holds acknowledgements
	// of (the largest send buffer the kernel grows it to; 64 MiB at
	// least).
	limit := 64 << 20
	if b, err := os.ReadFile("/proc/sys/net/ipv4/tcp_wmem"); err == nil {
		if f := strings.Fields(string(b)); len(f) == 3 {
			if n, err := strconv.Atoi(f[2]); err == nil {
				limit = max(limit, 2*n)
			}
		}
	}
	var err error
	for i := 0; i < limit/len(batch) && err == nil; i++ {
		_, err = c.Write(batch)
	}
	if errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatal("the proxy stopped reading the caller that floods it")
	}
	for err == nil {
		_, err = r.fr.ReadFrame()
	}
	if errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatal("the proxy kept the connection of a caller flooding it with PINGs")
	}
	t.Logf("the connection ended: %v", err)
	if got := log.String(); !strings.Contains(got, "more than 1000 PING, SETTINGS and RST_STREAM frames waited unwritten") {
		t.Errorf("the mesh's log:\n%s\nwant the flood told", got)
	}
}

// TestH2OutboundBufferBounded: heads framed for a connection whose
// writer takes nothing (its peer reads nothing) fill its buffer to
// h2OutMax at most; the frame past it ends the connection (closed, its
// streams to be reset by its reader) instead of growing the buffer.
func TestH2OutboundBufferBounded(t *testing.T) {
	tk := startH2Task(t, "api-1")
	_, web, _ := h2Mesh(t, nil, nil, tk)
	ours, theirs := net.Pipe()
	defer theirs.Close()
	hc := newH2Conn(web, ours, nil, true, 0) // no writer runs: nothing is written
	h := &h2half{c: hc, id: 1}
	big := []hpack.HeaderField{{Name: "x-big", Value: strings.Repeat("b", 200<<10)}}
	hc.mu.Lock()
	defer hc.mu.Unlock()
	rd := &h2reader{}
	for i := 0; !hc.broken; i++ {
		if i > 2*h2OutMax/(200<<10) {
			t.Fatalf("%d heads of 200 KiB framed, %d bytes buffered: the connection was not ended", i, len(hc.out))
		}
		hc.writeHeadersLocked(rd, h, false, []hpack.HeaderField{statusField(200)}, big)
		if len(hc.out) > h2OutMax {
			t.Fatalf("%d bytes buffered; want at most %d", len(hc.out), h2OutMax)
		}
	}
	if _, err := theirs.Write([]byte{0}); err == nil {
		t.Error("the connection past its buffer's bound is still open")
	}
}
