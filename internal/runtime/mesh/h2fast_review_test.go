package mesh

import (
	"bytes"
	"context"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/netwright/netwright/internal/clock/clocktest"
	"github.com/netwright/netwright/internal/design"
)

// The tests of a review of the HTTP/2 data path: each failed before its
// fix.

// startRawTask starts a bare HTTP/2 (prior knowledge) task: answer
// writes the answer to each request's head, in the connection's reader;
// a PING's ACK it gets is sent on acks.
func startRawTask(t *testing.T, answer func(w *rawWriter, id uint32)) (addr string, acks chan [8]byte) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	acks = make(chan [8]byte, 16)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(20 * time.Second))
				if _, err := io.ReadFull(c, make([]byte, len(http2.ClientPreface))); err != nil {
					return
				}
				w := &rawWriter{fr: http2.NewFramer(c, c)}
				w.fr.ReadMetaHeaders = hpack.NewDecoder(4096, nil)
				w.enc = hpack.NewEncoder(&w.hbuf)
				w.fr.WriteSettings()
				for {
					f, err := w.fr.ReadFrame()
					if err != nil {
						return
					}
					switch f := f.(type) {
					case *http2.SettingsFrame:
						if !f.IsAck() {
							w.fr.WriteSettingsAck()
						}
					case *http2.PingFrame:
						if f.IsAck() {
							select {
							case acks <- f.Data:
							default:
							}
						} else {
							w.fr.WritePing(true, f.Data)
						}
					case *http2.MetaHeadersFrame:
						w.path = f.PseudoValue("path")
						answer(w, f.StreamID)
					}
				}
			}()
		}
	}()
	return ln.Addr().String(), acks
}

// rawWriter writes a raw task's frames.
type rawWriter struct {
	path string // the request's :path
	fr   *http2.Framer
	hbuf bytes.Buffer
	enc  *hpack.Encoder
}

func (w *rawWriter) headers(id uint32, end bool, fields ...string) {
	w.hbuf.Reset()
	for i := 0; i+1 < len(fields); i += 2 {
		w.enc.WriteField(hpack.HeaderField{Name: fields[i], Value: fields[i+1]})
	}
	w.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: w.hbuf.Bytes(), EndStream: end, EndHeaders: true})
}

func (w *rawWriter) data(id uint32, b []byte) {
	for len(b) > 0 {
		n := min(len(b), 16<<10)
		w.fr.WriteData(id, false, b[:n])
		b = b[n:]
	}
}

// rawCaller dials addr as a bare HTTP/2 caller, its connection bounded
// by a 20 s deadline.
func rawCaller(t *testing.T, addr string) (net.Conn, *rawH2) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(20 * time.Second))
	return c, newRawH2(t, c)
}

// TestH2FastNoErrorResetKeepsTheAnswer: an upstream that ends its answer
// (END_STREAM trailers) and then resets the stream with NO_ERROR, as
// grpc-go's server does when the caller has not half-closed, still has
// its whole answer delivered (RFC 9113 8.1), including what the proxy
// held for want of the caller's window when the reset came; only then
// is the caller's stream reset NO_ERROR.
func TestH2FastNoErrorResetKeepsTheAnswer(t *testing.T) {
	const size = 200 << 10 // past the caller's 64 KB window, within the proxy's
	body := payload(size, 3)
	var once sync.Once
	answered := make(chan struct{})
	taskAddr, acks := startRawTask(t, func(w *rawWriter, id uint32) {
		w.headers(id, false, ":status", "200", "content-type", "application/grpc")
		w.data(id, body)
		w.headers(id, true, "grpc-status", "0")
		w.fr.WriteRSTStream(id, http2.ErrCodeNo)
		// The proxy reads its frames in order: the PING's ACK says it
		// took the reset.
		w.fr.WritePing(false, [8]byte{1})
		once.Do(func() { close(answered) })
	})
	m, _, _ := h2Mesh(t, nil, func(c *Config) { c.Upstreams["api"].Timeout = 0 })
	api, err := m.StartProxy(Task{ID: "api-1", Service: "api", Addr: taskAddr}, nil, Loopback{})
	if err != nil {
		t.Fatal(err)
	}
	// The caller speaks straight to api's ingress, as web's proxy would:
	// api's proxy holds what the caller's window does not take.
	_, cl := rawCaller(t, api.Ingress())
	cl.request(1, nil, false) // no END_STREAM: the caller has not half-closed
	got := 0
	for got < h2InitialWindow {
		f, err := cl.fr.ReadFrame()
		if err != nil {
			t.Fatalf("after %d bytes: %v", got, err)
		}
		switch f := f.(type) {
		case *http2.DataFrame:
			got += len(f.Data())
		case *http2.RSTStreamFrame:
			t.Fatalf("RST_STREAM %v after %d of %d bytes", f.ErrCode, got, size)
		}
	}
	<-answered
	select {
	case <-acks:
	case <-time.After(10 * time.Second):
		t.Fatal("the proxy answered no PING")
	}
	// Now window for the rest.
	cl.fr.WriteWindowUpdate(0, size)
	cl.fr.WriteWindowUpdate(1, size)
	for {
		f, err := cl.fr.ReadFrame()
		if err != nil {
			t.Fatalf("after %d bytes: %v", got, err)
		}
		switch f := f.(type) {
		case *http2.DataFrame:
			got += len(f.Data())
		case *http2.RSTStreamFrame:
			t.Fatalf("RST_STREAM %v after %d of %d bytes, before the trailers", f.ErrCode, got, size)
		case *http2.MetaHeadersFrame:
			if !f.StreamEnded() {
				t.Fatalf("a second head without END_STREAM: %v", f)
			}
			if got != size || grpcStatusField(f) != "0" {
				t.Fatalf("trailers %v after %d of %d bytes", f.RegularFields(), got, size)
			}
			// Then the reset: the caller may stop sending.
			for {
				f, err := cl.fr.ReadFrame()
				if err != nil {
					t.Fatalf("waiting for the reset: %v", err)
				}
				if r, ok := f.(*http2.RSTStreamFrame); ok && r.StreamID == 1 {
					if r.ErrCode != http2.ErrCodeNo {
						t.Errorf("reset %v after the answer; want NO_ERROR", r.ErrCode)
					}
					return
				}
			}
		}
	}
}

func grpcStatusField(f *http2.MetaHeadersFrame) string {
	fs := h2fields(f.RegularFields())
	return fs.Get("grpc-status")
}

// TestH2FastRejectedHeadersThenData: a header block the proxy rejects
// (an uppercase field name) resets that stream only: the DATA in flight
// behind it is a closed stream's, not a connection error, and the
// connection goes on with the next stream.
func TestH2FastRejectedHeadersThenData(t *testing.T) {
	tk := startH2Task(t, "api-1")
	_, web, _ := h2Mesh(t, nil, nil, tk)
	addr, _ := web.Egress("api")
	_, cl := rawCaller(t, addr)
	cl.request(1, [][2]string{{"X-Bad", "1"}}, false)
	cl.fr.WriteData(1, true, []byte{0, 0, 0, 0, 0})
	if code := cl.waitReset(1); code != "PROTOCOL_ERROR" {
		t.Fatalf("stream 1: %s; want reset PROTOCOL_ERROR", code)
	}
	// A PING's ACK: the proxy read the DATA behind the reset.
	cl.fr.WritePing(false, [8]byte{7})
	for acked := false; !acked; {
		f, err := cl.fr.ReadFrame()
		if err != nil {
			t.Fatal(err)
		}
		switch f := f.(type) {
		case *http2.GoAwayFrame:
			t.Fatalf("GOAWAY %v: the connection is gone for the body of a rejected header block", f.ErrCode)
		case *http2.PingFrame:
			acked = f.IsAck()
		}
	}
	cl.request(3, nil, false)
	cl.fr.WriteData(3, true, []byte{0, 0, 0, 0, 0})
	if st := cl.waitStatus(3); st != "200" { // next fails the test on GOAWAY
		t.Errorf("stream 3: %s", st)
	}
}

// rawTaskProxy starts a mesh whose api task is a raw task answering
// with answer, and returns api's proxy.
func rawTaskProxy(t *testing.T, opt Options, answer func(w *rawWriter, id uint32)) (*Proxy, chan [8]byte) {
	t.Helper()
	taskAddr, acks := startRawTask(t, answer)
	m, _, _ := h2MeshWith(t, opt, func(c *Config) { c.Upstreams["api"].Timeout = 0 })
	api, err := m.StartProxy(Task{ID: "api-1", Service: "api", Addr: taskAddr}, nil, Loopback{})
	if err != nil {
		t.Fatal(err)
	}
	return api, acks
}

// pingPong sends a PING and reads until its ACK, counting the DATA of
// stream id on the way: the proxy read every frame sent before it.
func (r *rawH2) pingPong(id uint32) (data int) {
	r.t.Helper()
	r.fr.WritePing(false, [8]byte{9})
	for {
		f, err := r.fr.ReadFrame()
		if err != nil {
			r.t.Fatalf("waiting for the PING's ACK: %v", err)
		}
		switch f := f.(type) {
		case *http2.DataFrame:
			if f.StreamID == id {
				data += len(f.Data())
			}
		case *http2.PingFrame:
			if f.IsAck() {
				return data
			}
		case *http2.GoAwayFrame:
			r.t.Fatalf("GOAWAY %v", f.ErrCode)
		}
	}
}

// TestH2FastSettingsNetWindowChange: a SETTINGS frame that sets
// INITIAL_WINDOW_SIZE twice (0, then 131070) changes the open streams'
// windows by the net change (+65535), not by the last value's change
// from the one before the frame (RFC 9113 6.9.2): the proxy sends no
// more than the caller granted.
func TestH2FastSettingsNetWindowChange(t *testing.T) {
	const size = 200 << 10
	api, acks := rawTaskProxy(t, Options{}, func(w *rawWriter, id uint32) {
		w.headers(id, false, ":status", "200", "content-type", "application/grpc")
		w.data(id, payload(size, 5))
		w.fr.WritePing(false, [8]byte{1})
	})
	_, cl := rawCaller(t, api.Ingress())
	cl.fr.WriteWindowUpdate(0, 100<<20) // window enough on the connection
	cl.request(1, nil, true)
	got := 0
	for got < h2InitialWindow {
		f, err := cl.fr.ReadFrame()
		if err != nil {
			t.Fatalf("after %d bytes: %v", got, err)
		}
		if d, ok := f.(*http2.DataFrame); ok && d.StreamID == 1 {
			got += len(d.Data())
		}
	}
	select { // the task sent it all: the proxy holds the rest
	case <-acks:
	case <-time.After(10 * time.Second):
		t.Fatal("the proxy answered no PING")
	}
	cl.fr.WriteSettings(http2.Setting{ID: http2.SettingInitialWindowSize, Val: 0}, http2.Setting{ID: http2.SettingInitialWindowSize, Val: 2 * h2InitialWindow})
	got += cl.pingPong(1)
	if got != 2*h2InitialWindow {
		t.Fatalf("the proxy sent %d bytes on a stream the caller granted %d", got, 2*h2InitialWindow)
	}
}

// held is how many bytes p's proxy holds for its callers for want of
// their windows.
func held(p *Proxy) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for hc := range p.h2 {
		hc.mu.Lock()
		for _, h := range hc.streams {
			n += len(h.pend)
		}
		hc.mu.Unlock()
	}
	return n
}

// waitStill waits (up to 10 s) until f's value is above 0 and stops
// changing, and returns it.
func waitStill(f func() int) int {
	last, still := -1, 0
	for i := 0; i < 200 && still < 5; i++ {
		time.Sleep(50 * time.Millisecond)
		if n := f(); n == last && n > 0 {
			still++
		} else {
			last, still = n, 0
		}
	}
	return last
}

// TestH2FastUnreadStreamsStarveNoOtherCaller: a caller that opens 6
// streams and grants them no window makes api's proxy hold up to a
// stream window for each; its connection to its task (shared with
// every other caller) is credited as the data comes, so another
// caller's call on it still goes through.
func TestH2FastUnreadStreamsStarveNoOtherCaller(t *testing.T) {
	tk := startH2Task(t, "api-1")
	_, web, apis := h2Mesh(t, nil, func(c *Config) { c.Upstreams["api"].Timeout = 0 }, tk)
	// The bad caller speaks straight to api's ingress (as another
	// service's proxy would), window 0 for its streams.
	_, r := rawCaller(t, apis[0].Ingress())
	r.fr.WriteSettings(http2.Setting{ID: http2.SettingInitialWindowSize, Val: 0})
	for i := range 6 {
		r.open(uint32(2*i+1), "/t.T/Flood", nil, false)
		r.fr.WriteData(uint32(2*i+1), true, []byte{0, 0, 0, 0, 0}) // an empty BytesValue
	}
	n := waitStill(func() int { return held(apis[0]) })
	t.Logf("api's proxy holds %d KiB for the caller that reads nothing", n>>10)
	if n < 6*h2StreamWindow*3/4 {
		t.Errorf("api's proxy holds %d bytes for 6 unread streams; want about 6 stream windows (%d)", n, 6*h2StreamWindow)
	}
	conn := h2Client(t, web)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := conn.Invoke(ctx, "/t.T/Unary", wrapperspb.Bytes([]byte("hi")), &wrapperspb.BytesValue{}); err != nil {
		t.Fatalf("a well-behaved caller's call, behind another caller's unread streams: %v", err)
	}
}

// open opens stream id: a gRPC call's head for path with extra fields.
func (r *rawH2) open(id uint32, path string, extra [][2]string, end bool) {
	r.t.Helper()
	r.hbuf.Reset()
	for _, f := range append([][2]string{{":method", "POST"}, {":scheme", "http"}, {":authority", "api"}, {":path", path},
		{"content-type", "application/grpc"}, {"te", "trailers"}}, extra...) {
		r.enc.WriteField(hpack.HeaderField{Name: f[0], Value: f[1]})
	}
	if err := r.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: r.hbuf.Bytes(), EndStream: end, EndHeaders: true}); err != nil {
		r.t.Fatal(err)
	}
}

// TestH2FastStalledStreamIsReset: a stream whose answer the proxy holds
// for want of a window the caller never grants is reset both ways after
// h2StallTimeout (on the mesh's clock), not held forever; window that
// lets some of it go restarts the wait.
func TestH2FastStalledStreamIsReset(t *testing.T) {
	clk := clocktest.New(t)
	api, acks := rawTaskProxy(t, Options{Clock: clk}, func(w *rawWriter, id uint32) {
		w.headers(id, false, ":status", "200", "content-type", "application/grpc")
		w.data(id, payload(100<<10, 5))
		w.fr.WritePing(false, [8]byte{1})
	})
	_, cl := rawCaller(t, api.Ingress())
	cl.fr.WriteSettings(http2.Setting{ID: http2.SettingInitialWindowSize, Val: 0})
	cl.request(1, nil, true)
	select { // the task sent it all: the proxy holds it
	case <-acks:
	case <-time.After(10 * time.Second):
		t.Fatal("the proxy answered no PING")
	}
	// reads until the PING's ACK: the stream's reset, or "".
	resetBy := func() string {
		cl.fr.WritePing(false, [8]byte{2})
		code := ""
		for {
			f, err := cl.fr.ReadFrame()
			if err != nil {
				t.Fatalf("waiting for the PING's ACK: %v", err)
			}
			switch f := f.(type) {
			case *http2.RSTStreamFrame:
				if f.StreamID == 1 {
					code = f.ErrCode.String()
				}
			case *http2.PingFrame:
				if f.IsAck() {
					return code
				}
			}
		}
	}
	if code := resetBy(); code != "" {
		t.Fatalf("stream reset %s at once", code)
	}
	clk.AdvanceAndWait(h2StallTimeout * 3 / 5)
	cl.fr.WriteWindowUpdate(1, 1000) // some goes: the wait starts again
	if code := resetBy(); code != "" {
		t.Fatalf("stream reset %s before its timeout", code)
	}
	clk.AdvanceAndWait(h2StallTimeout * 3 / 5)
	if code := resetBy(); code != "" {
		t.Fatalf("stream reset %s %v after it last moved", code, h2StallTimeout*3/5)
	}
	clk.AdvanceAndWait(h2StallTimeout)
	if code := resetBy(); code != "CANCEL" {
		t.Fatalf("stream held %v with no window: reset %q; want CANCEL", h2StallTimeout, code)
	}
}

// gatedDial holds the dials to addr once armed until gate closes,
// telling dialing of each.
type gatedDial struct {
	Loopback
	addr    string
	armed   *atomic.Bool
	gate    chan struct{}
	dialing chan struct{}
}

func (g *gatedDial) Dial(ctx context.Context, t Task, addr string) (net.Conn, error) {
	if addr == g.addr && g.armed.Load() {
		select {
		case g.dialing <- struct{}{}:
		default:
		}
		select {
		case <-g.gate:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return g.Loopback.Dial(ctx, t, addr)
}

// TestH2FastIngressDialBlocksNoStream: while the target's proxy dials
// its task for one stream (the task takes one stream per connection),
// the other streams of the same caller connection go on.
func TestH2FastIngressDialBlocksNoStream(t *testing.T) {
	tk := startH2Task(t, "api-1", grpc.MaxConcurrentStreams(1))
	m, web, _ := h2Mesh(t, nil, func(c *Config) { c.Upstreams["api"].Timeout = 0 })
	g := &gatedDial{addr: tk.addr, armed: new(atomic.Bool), gate: make(chan struct{}), dialing: make(chan struct{}, 1)}
	defer close(g.gate)
	api, err := m.StartProxy(Task{ID: "api-1", Service: "api", Addr: tk.addr}, nil, g)
	if err != nil {
		t.Fatal(err)
	}
	m.SetEndpoints(map[string][]Endpoint{"api": {{Task: "api-1", Addr: api.Ingress(), AppAddr: tk.addr}}})
	conn := h2Client(t, web)
	ctx := testCtx(t)
	bidi, err := conn.NewStream(ctx, &grpc.StreamDesc{ServerStreams: true, ClientStreams: true}, "/t.T/Bidi")
	if err != nil {
		t.Fatal(err)
	}
	var in wrapperspb.BytesValue
	bidi.SendMsg(wrapperspb.Bytes([]byte("1")))
	if err := bidi.RecvMsg(&in); err != nil {
		t.Fatal(err)
	}
	g.armed.Store(true) // the next dial to the task waits
	go conn.Invoke(ctx, "/t.T/Unary", wrapperspb.Bytes(nil), &wrapperspb.BytesValue{})
	select {
	case <-g.dialing:
	case <-time.After(10 * time.Second):
		t.Fatal("api's proxy never dialed its task for a second stream")
	}
	got := make(chan error, 1)
	go func() {
		bidi.SendMsg(wrapperspb.Bytes([]byte("2")))
		got <- bidi.RecvMsg(&in)
	}()
	select {
	case err := <-got:
		if err != nil || string(in.Value) != "2" {
			t.Fatalf("bidi echo: %q, %v", in.Value, err)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("an open stream stalled while the target's proxy dials its task for another")
	}
}

// TestH2FastRapidResetGoesAway: a caller that opens streams and resets
// each at once (HEADERS then RST_STREAM, CVE-2023-44487's "rapid
// reset") gets GOAWAY ENHANCE_YOUR_CALM once it reset half of
// h2PrematureStreams so; the streams the proxies open for it stay far
// below what it sent.
func TestH2FastRapidResetGoesAway(t *testing.T) {
	tk := startH2Task(t, "api-1")
	_, web, apis := h2Mesh(t, nil, nil, tk)
	addr, _ := web.Egress("api")
	c, cl := rawCaller(t, addr)
	goAway := make(chan http2.ErrCode, 1)
	go func() {
		defer close(goAway)
		for {
			f, err := cl.fr.ReadFrame()
			if err != nil {
				return
			}
			if g, ok := f.(*http2.GoAwayFrame); ok {
				goAway <- g.ErrCode
				io.Copy(io.Discard, c)
				return
			}
		}
	}()
	const n = 20000
	sent := 0
	for i := range n {
		id := uint32(2*i + 1)
		cl.hbuf.Reset()
		for _, f := range [][2]string{{":method", "POST"}, {":scheme", "http"}, {":authority", "api"}, {":path", "/t.T/Block"}, {"content-type", "application/grpc"}} {
			cl.enc.WriteField(hpack.HeaderField{Name: f[0], Value: f[1]})
		}
		if cl.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: cl.hbuf.Bytes(), EndHeaders: true}) != nil ||
			cl.fr.WriteRSTStream(id, http2.ErrCodeCancel) != nil {
			break // the proxy closed the connection
		}
		sent++
	}
	code, ok := <-goAway
	if !ok || code != http2.ErrCodeEnhanceYourCalm {
		t.Fatalf("after %d HEADERS+RST_STREAM: GOAWAY %v (%v); want ENHANCE_YOUR_CALM", sent, code, ok)
	}
	opened := web.fastRequests.Load()
	t.Logf("%d HEADERS+RST_STREAM sent: web's proxy opened %d streams, api's %d", sent, opened, apis[0].fastRequests.Load())
	if opened > 2*h2PrematureStreams {
		t.Errorf("web's proxy opened %d streams for a rapid-reset caller; want no more than %d", opened, 2*h2PrematureStreams)
	}
}

// TestH2FastMalformedMessages: what RFC 9113 makes malformed or a
// connection error, each way: a caller's trailers with a pseudo-header
// field and a :path not starting with "/" reset the stream
// (PROTOCOL_ERROR), as does a body that is not its content-length (RFC
// 9113 8.1.1); a task's 1xx head that ends the stream or trailers
// with a pseudo-header field or a body short of its content-length are
// not passed on (the caller's stream is reset); RST_STREAM and
// WINDOW_UPDATE on a stream never opened end the connection (GOAWAY
// PROTOCOL_ERROR) whose last stream is the last one taken, not one
// refused for MAX_CONCURRENT_STREAMS.
func TestH2FastMalformedMessages(t *testing.T) {
	api, _ := rawTaskProxy(t, Options{}, func(w *rawWriter, id uint32) {
		switch w.path {
		case "/t.T/Interim": // an interim head that ends the stream
			w.headers(id, true, ":status", "103", "link", "</a>")
		case "/t.T/ShortBody": // 4 bytes of a content-length of 10
			w.headers(id, false, ":status", "200", "content-type", "text/plain", "content-length", "10")
			w.fr.WriteData(id, false, []byte("four"))
			w.fr.WriteData(id, true, nil)
		case "/t.T/PseudoTrailers": // trailers with a pseudo-header field
			w.headers(id, false, ":status", "200", "content-type", "application/grpc")
			w.headers(id, true, ":status", "200", "grpc-status", "0")
		}
		// others: no answer
	})
	t.Run("task", func(t *testing.T) {
		_, cl := rawCaller(t, api.Ingress())
		cl.open(1, "/t.T/Interim", nil, true)
		if st := cl.waitStatus(1); st == "103" {
			t.Errorf("a 1xx head with END_STREAM passed on")
		}
		cl.open(3, "/t.T/PseudoTrailers", nil, true)
		if st := cl.waitStatus(3); st != "200" {
			t.Fatalf("stream 3: %s", st)
		}
		for {
			f, err := cl.fr.ReadFrame()
			if err != nil {
				t.Fatal(err)
			}
			if h, ok := f.(*http2.MetaHeadersFrame); ok && h.StreamID == 3 {
				t.Fatalf("trailers with a pseudo-header field passed on as %v", h.Fields)
			}
			if r, ok := f.(*http2.RSTStreamFrame); ok && r.StreamID == 3 {
				if r.ErrCode != http2.ErrCodeInternal {
					t.Errorf("stream 3 reset %v; want INTERNAL_ERROR", r.ErrCode)
				}
				break
			}
		}
	})
	t.Run("caller", func(t *testing.T) {
		_, cl := rawCaller(t, api.Ingress())
		cl.request(5, nil, false)
		cl.hbuf.Reset()
		cl.enc.WriteField(hpack.HeaderField{Name: ":path", Value: "/x"})
		cl.enc.WriteField(hpack.HeaderField{Name: "grpc-status", Value: "0"})
		cl.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 5, BlockFragment: cl.hbuf.Bytes(), EndStream: true, EndHeaders: true})
		if code := cl.waitReset(5); code != "PROTOCOL_ERROR" {
			t.Errorf("trailers with :path: %s; want reset PROTOCOL_ERROR", code)
		}
		cl.hbuf.Reset()
		for _, f := range [][2]string{{":method", "POST"}, {":scheme", "http"}, {":authority", "api"}, {":path", "t.T/Unary"}, {"content-type", "application/grpc"}} {
			cl.enc.WriteField(hpack.HeaderField{Name: f[0], Value: f[1]})
		}
		cl.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 7, BlockFragment: cl.hbuf.Bytes(), EndStream: true, EndHeaders: true})
		if code := cl.waitReset(7); code != "PROTOCOL_ERROR" {
			t.Errorf(":path t.T/Unary: %s; want reset PROTOCOL_ERROR", code)
		}
	})
	t.Run("content-length", func(t *testing.T) {
		_, cl := rawCaller(t, api.Ingress())
		cl.open(1, "/t.T/None", [][2]string{{"content-length", "5"}}, false)
		cl.fr.WriteData(1, true, []byte("abc"))
		if code := cl.waitReset(1); code != "PROTOCOL_ERROR" {
			t.Errorf("3 bytes of a content-length of 5: %s; want reset PROTOCOL_ERROR", code)
		}
		cl.open(3, "/t.T/None", [][2]string{{"content-length", "2"}}, false)
		cl.fr.WriteData(3, false, []byte("abcde"))
		if code := cl.waitReset(3); code != "PROTOCOL_ERROR" {
			t.Errorf("5 bytes of a content-length of 2: %s; want reset PROTOCOL_ERROR", code)
		}
		cl.open(5, "/t.T/ShortBody", nil, true)
		if st := cl.waitStatus(5); st != "200" {
			t.Fatalf("stream 5: %s", st)
		}
		for {
			f, err := cl.fr.ReadFrame()
			if err != nil {
				t.Fatal(err)
			}
			if d, ok := f.(*http2.DataFrame); ok && d.StreamID == 5 && d.StreamEnded() {
				t.Fatalf("an answer of 4 bytes of a content-length of 10 passed on as whole")
			}
			if r, ok := f.(*http2.RSTStreamFrame); ok && r.StreamID == 5 {
				if r.ErrCode != http2.ErrCodeInternal {
					t.Errorf("stream 5 reset %v; want INTERNAL_ERROR", r.ErrCode)
				}
				break
			}
		}
	})
	idle := func(t *testing.T, send func(cl *rawH2, id uint32)) {
		_, cl := rawCaller(t, api.Ingress())
		const first = 11
		last := uint32(first + 2*h2MaxStreams)
		for id := uint32(first); id <= last; id += 2 { // 250 streams open, then one refused
			cl.open(id, "/t.T/None", nil, false)
		}
		if code := cl.waitReset(last); code != "REFUSED_STREAM" {
			t.Fatalf("stream %d past MAX_CONCURRENT_STREAMS: %s; want reset REFUSED_STREAM", last, code)
		}
		send(cl, last+100)
		for {
			f, err := cl.fr.ReadFrame()
			if err != nil {
				t.Fatalf("no GOAWAY: %v", err)
			}
			if g, ok := f.(*http2.GoAwayFrame); ok {
				if g.ErrCode != http2.ErrCodeProtocol || g.LastStreamID != last-2 {
					t.Errorf("GOAWAY %v, last stream %d; want PROTOCOL_ERROR, %d", g.ErrCode, g.LastStreamID, last-2)
				}
				return
			}
		}
	}
	t.Run("idle-rst", func(t *testing.T) {
		idle(t, func(cl *rawH2, id uint32) { cl.fr.WriteRSTStream(id, http2.ErrCodeCancel) })
	})
	t.Run("idle-window-update", func(t *testing.T) {
		idle(t, func(cl *rawH2, id uint32) { cl.fr.WriteWindowUpdate(id, 1) })
	})
}

// TestH2FastFirstSettingsBounded: a caller that sends the preface and
// then nothing has its connection closed after h2FirstSettingsTimeout,
// not the idle timeout (5 minutes).
func TestH2FastFirstSettingsBounded(t *testing.T) {
	_, web, _ := h2Mesh(t, nil, nil)
	addr, _ := web.Egress("api")
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, http2.ClientPreface)
	start := time.Now()
	c.SetReadDeadline(start.Add(h2FirstSettingsTimeout + 5*time.Second))
	if _, err := io.Copy(io.Discard, c); err != nil {
		t.Fatalf("the connection of a caller that sent no SETTINGS is still open after %v: %v", time.Since(start), err)
	}
}

// TestH2FastLocalBodyWaitsForWindow: the proxy's own answer to a
// non-gRPC call (404, no route) whose text body the caller's window
// holds back goes out whole once the caller grants window, and only
// then is the caller's stream, which never ended its request, reset
// NO_ERROR.
func TestH2FastLocalBodyWaitsForWindow(t *testing.T) {
	_, web, _ := h2Mesh(t, nil, func(c *Config) {
		c.Upstreams["api"].Protocol, c.Ingress["api"].Protocol = "http2", "http2"
		c.Upstreams["api"].Routes = []Route{{Match: design.MeshMatch{PathPrefix: "/only"}, Targets: []Target{{Service: "api", Weight: 1}}}}
	})
	addr, _ := web.Egress("api")
	_, cl := rawCaller(t, addr)
	cl.fr.WriteSettings(http2.Setting{ID: http2.SettingInitialWindowSize, Val: 0})
	cl.hbuf.Reset()
	for _, f := range [][2]string{{":method", "POST"}, {":scheme", "http"}, {":authority", "api"}, {":path", "/elsewhere"}, {"content-type", "text/plain"}} {
		cl.enc.WriteField(hpack.HeaderField{Name: f[0], Value: f[1]})
	}
	cl.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: cl.hbuf.Bytes(), EndHeaders: true})
	if st := cl.waitStatus(1); st != "404" {
		t.Fatalf("stream 1: %s; want 404", st)
	}
	if n := cl.pingPong(1); n != 0 {
		t.Fatalf("%d bytes of body past a window of 0", n)
	}
	cl.fr.WriteWindowUpdate(1, 1<<10)
	var body []byte
	for {
		f, err := cl.fr.ReadFrame()
		if err != nil {
			t.Fatalf("after %q: %v", body, err)
		}
		switch f := f.(type) {
		case *http2.DataFrame:
			body = append(body, f.Data()...)
		case *http2.RSTStreamFrame:
			if f.StreamID != 1 {
				continue
			}
			if string(body) != "no route matched" || f.ErrCode != http2.ErrCodeNo {
				t.Fatalf("body %q, then reset %v; want %q, then NO_ERROR", body, f.ErrCode, "no route matched")
			}
			return
		}
	}
}
