package mesh

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"errors"
	"math"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"

	"github.com/netwright/netwright/internal/clock"
)

// The proxies' own HTTP/2 data path (gRPC and HTTP/2 listeners), after
// HAProxy's: each connection has one goroutine, its reader, which
// forwards every frame it reads straight to the other side's connection
// under that connection's lock, into its outbound buffer, handed when
// the reader has nothing more buffered to that connection's writer, a
// goroutine of its own that writes to the socket. A caller's stream is
// mapped to a stream of a pooled, multiplexed connection to the upstream
// (the target's proxy at the caller's side, the task at the target's),
// so a unary call costs a wake-up per network read and one per write,
// not a chain of goroutine hand-offs. Frames are read and written by
// x/net/http2's Framer, headers by its hpack.
//
// No reader ever writes to a socket: a peer that grants window but
// stops reading its connection fills its own connection's buffer, no
// other's. The buffer is bounded (as Envoy's and HAProxy's per
// connection buffers are): DATA goes into it only while it holds less
// than h2OutRoom, the rest held with the stream's (so the stream it came
// from is not credited for it, and its window bounds it); everything
// else (heads, window updates, resets, PING and SETTINGS
// acknowledgements) goes in regardless, up to h2OutMax bytes and
// h2OutControl PING, SETTINGS and RST_STREAM frames not yet written
// (Envoy's max_outbound_control_frames): past either, or when a write
// waits h2WriteTimeout on the mesh's clock, the connection ends and its
// streams are reset, and only its own.
//
// Flow control runs end to end per stream: a side is never sent more
// than its stream and connection windows allow, and a side's stream is
// credited (WINDOW_UPDATE) only for data forwarded to the other, so a
// stream buffers at most the window the proxy granted (h2StreamWindow).
// A connection's window is credited as data comes: a connection shared
// by many callers' streams (the target's proxy's to its task) is never
// held up by one caller that reads nothing. h2fast.go holds the calls' semantics.

// The fast path's HTTP/2 settings.
const (
	// h2StreamWindow is the window the proxy grants each stream, each
	// way: the most it buffers for one stream.
	h2StreamWindow = 256 << 10
	// h2ConnWindow is the window the proxy grants each connection.
	h2ConnWindow = 1 << 20
	// h2MaxStreams is how many streams a caller may have open on one
	// connection (net/http's server's default).
	h2MaxStreams = 250
	// h2MaxHeaderList is the largest header list taken (net/http's
	// server's default MaxHeaderBytes); a longer one is answered 431.
	h2MaxHeaderList = 1 << 20
	// h2WriteTimeout bounds a write to a connection that reads nothing:
	// then the connection ends.
	h2WriteTimeout = 30 * time.Second
	// h2OutRoom is how much of a connection's outbound buffer DATA may
	// fill: more waits, held with its stream, until the writer takes
	// the buffer.
	h2OutRoom = 256 << 10
	// h2OutKick is how much a reader's batch frames for a connection
	// before its writer starts on it, whether or not the batch ended.
	h2OutKick = 16 << 10
	// h2OutMax bounds a connection's outbound buffer (frames framed, not
	// yet taken by its writer): room for DATA and a header list of the
	// largest size taken, twice over.
	h2OutMax = h2OutRoom + 2*h2MaxHeaderList
	// h2OutControl bounds the PING, SETTINGS and RST_STREAM frames a
	// connection has not written yet: a peer that makes the proxy answer
	// them faster than it reads the answers floods it (Envoy's
	// Http2ProtocolOptions.max_outbound_control_frames and its default,
	// envoyproxy/envoy api/envoy/config/core/v3/protocol.proto).
	h2OutControl = 1000
	// h2InitialWindow is the protocol's initial window, 65535.
	h2InitialWindow = 65535
	// A caller's stream it resets within h2PrematureAge of opening it
	// is reset prematurely; a connection of a caller that resets
	// prematurely more than half of its streams once it opened
	// h2PrematureStreams (or half as many prematurely before) gets
	// GOAWAY ENHANCE_YOUR_CALM: the "rapid reset" attack
	// (CVE-2023-44487) opens and cancels streams at no cost to itself
	// and past any stream limit. Envoy's premature reset check and its
	// defaults.
	h2PrematureAge     = time.Second
	h2PrematureStreams = 500
	// h2FirstSettingsTimeout bounds the wait for a caller's SETTINGS
	// after its preface.
	h2FirstSettingsTimeout = 2 * time.Second
	// h2StallTimeout bounds how long a stream's data may be held for
	// want of its reader's window with none coming: then the stream is
	// reset (CANCEL) both ways (Envoy's stream idle timeout's default).
	h2StallTimeout = 5 * time.Minute
)

// errH2Gone: the connection closed or went away before a stream opened.
var errH2Gone = errors.New("mesh: the HTTP/2 connection is going away")

// h2conn is one HTTP/2 connection of the fast path: a caller's, which
// the proxy serves (serving), or one the proxy made to an upstream.
type h2conn struct {
	p       *Proxy
	c       net.Conn
	br      *bufio.Reader
	fr      *http2.Framer
	serving bool
	srv     h2server // serving: the egress or ingress
	peer    string   // serving at an ingress: the caller's identity
	scheme  string   // upstream: the :scheme of requests
	idle    time.Duration
	pool    *h2pool // upstream: the pool it is in

	mu sync.Mutex
	// out holds the frames framed for the writer (writeLoop), outCtl
	// counts the PING, SETTINGS and RST_STREAM frames in it, flightCtl
	// those in the write in progress; roomWanted is set when DATA was
	// held for want of room in it; shut is how the writer ends the
	// connection once it has written out.
	out               []byte
	outCtl, flightCtl int
	roomWanted        bool
	shut              h2shut
	// kick wakes the writer; wdone is closed when it ends; wd bounds
	// each of its writes on the mesh's clock.
	kick    chan struct{}
	wdone   chan struct{}
	wd      clock.Deadline
	henc    *hpack.Encoder
	hbuf    bytes.Buffer
	broken  bool
	streams map[uint32]*h2half
	// waiting are the streams with data held for want of window.
	waiting                      []*h2half
	sendWin, recvWin, recvCredit int32
	peerInit                     int32
	peerFrame, peerMaxStreams    uint32
	peerHeaderList               uint32
	// nextID is the next stream an upstream connection opens; lastID
	// the last a caller opened; goingAway is set once a GOAWAY went
	// (serving) or came (upstream).
	nextID, lastID uint32
	// seenID is the last stream a caller opened, taken or refused.
	seenID    uint32
	goingAway bool
	// closing: the GOAWAY went and the connection only reads until the
	// caller closes (closeLocked).
	closing      bool
	lastSettings int // SETTINGS frames taken
	// closed counts the caller's streams that ended, premature those it
	// reset prematurely.
	closed, premature int
	// draining is set when the proxy drains: the connection closes once
	// its streams are done.
	draining atomic.Bool
	// settled is closed at the peer's first SETTINGS, done when the
	// connection's reader ends.
	settled, done chan struct{}
}

// fail closes the connection: its reader ends it.
func (c *h2conn) fail() {
	c.mu.Lock()
	c.breakLocked()
	c.mu.Unlock()
}

// usable reports whether a stream may open on the connection.
func (c *h2conn) usable() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return !c.broken && !c.goingAway
}

// takesStreams reports whether the connection is usable and takes
// streams at all (a peer may allow none).
func (c *h2conn) takesStreams() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return !c.broken && !c.goingAway && c.peerMaxStreams > 0
}

// h2half is a stream as one connection sees it.
type h2half struct {
	s  *h2stream
	c  *h2conn
	id uint32
	// Guarded by c.mu: the windows, the data held for want of window
	// (its first pendNoCredit bytes were credited already), whether
	// END_STREAM follows it, and trailers held behind it.
	sendWin, recvWin, recvCredit int32
	pend                         []byte
	pendNoCredit                 int
	pendEnd, queued              bool
	pendTrailers                 []hpack.HeaderField
	// stall fires h2StallTimeout after data was first held; moved is
	// set when held data went since it was set.
	stall clock.Timer
	moved bool
	// endSent: END_STREAM (or RST_STREAM) went on c; endRecv: the peer
	// ended its side.
	endSent, endRecv atomic.Bool
	gone             atomic.Bool
}

// h2reader is a reader goroutine's state: the connections it wrote to,
// flushed when it has nothing more to read.
type h2reader struct {
	dirty []*h2conn
	scr   []*h2half
}

func (rd *h2reader) mark(c *h2conn) {
	if !slices.Contains(rd.dirty, c) {
		rd.dirty = append(rd.dirty, c)
	}
}

// flush hands what the reader framed to the connections' writers.
func (rd *h2reader) flush() {
	for _, c := range rd.dirty {
		c.kickWriter()
	}
	rd.dirty = rd.dirty[:0]
}

// h2shut is how a connection's writer ends it.
type h2shut uint8

const (
	h2Open       h2shut = iota
	h2CloseWrite        // once out is written, closes the sending side
	h2Close             // once out is written, closes the connection
	h2Abort             // closed already: what is left is dropped
)

// errH2Flood: the connection's outbound buffer is full.
var errH2Flood = errors.New("mesh: the HTTP/2 connection's peer reads too little of what it is sent")

// h2out is the Framer's writer: it appends each frame to the
// connection's outbound buffer (under c.mu, as every frame is written),
// and ends a connection whose buffer passes its bounds. Once the
// connection ends (shut), frames are dropped.
type h2out struct{ c *h2conn }

func (w h2out) Write(b []byte) (int, error) {
	c := w.c
	if c.shut != h2Open {
		return len(b), nil // the connection ends: what its writer had goes, nothing more
	}
	if len(c.out)+len(b) > h2OutMax {
		c.floodLocked("more than " + strconv.Itoa(h2OutMax>>10) + " KiB")
		return 0, errH2Flood
	}
	if len(b) >= 9 {
		switch http2.FrameType(b[3]) {
		case http2.FramePing, http2.FrameSettings, http2.FrameRSTStream:
			if c.outCtl++; c.outCtl+c.flightCtl > h2OutControl {
				c.floodLocked("more than " + strconv.Itoa(h2OutControl) + " PING, SETTINGS and RST_STREAM frames")
				return 0, errH2Flood
			}
		}
	}
	c.out = append(c.out, b...)
	if len(c.out) >= h2OutKick && len(c.out)-len(b) < h2OutKick {
		c.kickWriter() // a long batch's frames go out as they come
	}
	return len(b), nil
}

// floodLocked ends a connection whose peer left what (its outbound
// buffer's bound) unread.
func (c *h2conn) floodLocked(what string) {
	if c.shut != h2Abort {
		c.p.m.logf("%s closed the HTTP/2 connection with %s: %s waited unwritten, the peer reads too little", c.p.task.ID, c.c.RemoteAddr(), what)
	}
	c.breakLocked()
}

// writeSide makes a clock.Deadline, which times reads, time a
// connection's writes.
type writeSide struct{ c net.Conn }

func (w writeSide) SetReadDeadline(t time.Time) error { return w.c.SetWriteDeadline(t) }

// kickWriter wakes the connection's writer.
func (c *h2conn) kickWriter() {
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

func (c *h2conn) flushLocked() {
	if len(c.out) > 0 {
		c.kickWriter()
	}
}

// roomLocked is how much DATA the outbound buffer takes now.
func (c *h2conn) roomLocked() int {
	return max(h2OutRoom-len(c.out), 0)
}

// breakLocked marks the connection failed and closes it at once, what
// was not written yet dropped: its reader ends, and with it the
// connection's streams.
func (c *h2conn) breakLocked() {
	c.broken = true
	if c.shut != h2Abort {
		c.shut = h2Abort
		closeNow(c.c)
		c.kickWriter()
	}
}

// closeNow closes c at once. A TLS connection's own socket is closed,
// with no close_notify: tls.Conn's Close would write one (waiting up to
// 5 s when the peer reads nothing) unless a write is in progress, and
// the caller holds the connection's lock.
func closeNow(c net.Conn) {
	if tc, ok := c.(*tls.Conn); ok {
		tc.NetConn().Close()
		return
	}
	c.Close()
}

// endLocked marks the connection done: no frame is framed any more, its
// writer writes what was and then closes it (its reader then ends).
func (c *h2conn) endLocked() {
	c.broken = true
	if c.shut == h2Open {
		c.shut = h2Close
		c.kickWriter()
	}
}

// writeLoop is the connection's writer: it writes the outbound buffer
// whenever it holds frames, each write bounded by h2WriteTimeout (then
// the connection ends), until the connection ends. The buffer is taken
// whole (a write per batch a reader framed), and once taken, the
// streams whose DATA waited for its room go on.
func (c *h2conn) writeLoop() {
	defer close(c.wdone)
	rd := &h2reader{}
	var buf []byte
	for {
		c.mu.Lock()
		c.flightCtl = 0
		for len(c.out) == 0 && c.shut == h2Open {
			c.mu.Unlock()
			<-c.kick
			c.mu.Lock()
		}
		shut := c.shut
		if shut == h2Abort || len(c.out) == 0 {
			c.mu.Unlock()
			switch shut {
			case h2CloseWrite:
				closeWrite(c.c)
			case h2Close:
				c.c.Close()
			}
			return
		}
		buf, c.out = c.out, buf[:0]
		c.flightCtl, c.outCtl = c.outCtl, 0
		room := c.roomWanted
		c.roomWanted = false
		c.mu.Unlock()
		if room {
			c.flushWaiting(rd) // into out, for the next write
			rd.flush()
		}
		c.wd.Set(h2WriteTimeout)
		_, err := c.c.Write(buf)
		c.wd.Stop()
		if err != nil {
			if errors.Is(err, os.ErrDeadlineExceeded) {
				c.p.m.logf("%s closed the HTTP/2 connection with %s: the peer read nothing for %v", c.p.task.ID, c.c.RemoteAddr(), h2WriteTimeout)
			}
			c.fail()
			return
		}
		if cap(buf) > 2*h2OutRoom {
			buf = nil // a burst's: not kept for an idle connection
		}
	}
}

func newH2Conn(p *Proxy, c net.Conn, br *bufio.Reader, serving bool, idle time.Duration) *h2conn {
	if br == nil {
		br = bufio.NewReaderSize(c, 16<<10)
	}
	hc := &h2conn{p: p, c: c, br: br, serving: serving, idle: idle, kick: make(chan struct{}, 1), wdone: make(chan struct{}),
		streams: map[uint32]*h2half{}, sendWin: h2InitialWindow, recvWin: h2ConnWindow, peerInit: h2InitialWindow,
		peerFrame: 16 << 10, peerMaxStreams: math.MaxUint32, peerHeaderList: math.MaxUint32, nextID: 1, settled: make(chan struct{}), done: make(chan struct{})}
	hc.wd.Init(writeSide{c}, p.m.clock)
	hc.fr = http2.NewFramer(h2out{hc}, br)
	hc.fr.ReadMetaHeaders = hpack.NewDecoder(4096, nil)
	hc.fr.MaxHeaderListSize = h2MaxHeaderList
	hc.fr.SetMaxReadFrameSize(16 << 10) // the SETTINGS_MAX_FRAME_SIZE the proxy leaves at its default
	hc.henc = hpack.NewEncoder(&hc.hbuf)
	return hc
}

// start writes the connection's opening, before its reader and writer
// run: the preface (upstream), the proxy's settings and the connection
// window past the initial one.
func (c *h2conn) start() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.serving {
		c.out = append(c.out, http2.ClientPreface...)
	}
	s := []http2.Setting{{ID: http2.SettingInitialWindowSize, Val: h2StreamWindow}, {ID: http2.SettingMaxHeaderListSize, Val: h2MaxHeaderList}}
	if c.serving {
		s = append(s, http2.Setting{ID: http2.SettingMaxConcurrentStreams, Val: h2MaxStreams})
	} else {
		s = append(s, http2.Setting{ID: http2.SettingEnablePush, Val: 0})
	}
	c.fr.WriteSettings(s...)
	c.fr.WriteWindowUpdate(0, h2ConnWindow-h2InitialWindow)
	c.wd.Set(h2WriteTimeout)
	_, err := c.c.Write(c.out)
	c.wd.Stop()
	c.out, c.outCtl = c.out[:0], 0
	return err
}

// readLoop reads the connection's frames until it ends, then ends its
// streams; it starts the connection's writer and returns once that ended.
func (c *h2conn) readLoop() {
	c.p.m.goroutines.Go(c.writeLoop)
	rd := &h2reader{}
	first := c.serving
	for {
		if c.br.Buffered() == 0 {
			rd.flush()
			if first {
				// The caller's SETTINGS follows its preface at once
				// (x/net's server waits as long).
				c.c.SetReadDeadline(time.Now().Add(h2FirstSettingsTimeout))
			} else {
				c.setReadDeadline()
			}
		}
		f, err := c.fr.ReadFrame()
		if err != nil {
			var se http2.StreamError
			if errors.As(err, &se) {
				c.resetStream(rd, se.StreamID, se.Code)
				continue
			}
			var ce http2.ConnectionError
			if errors.As(err, &ce) {
				c.goAway(rd, http2.ErrCode(ce), true)
				break
			}
			if errors.Is(err, os.ErrDeadlineExceeded) && !c.idleOut() {
				continue
			}
			break
		}
		if first {
			// A caller's first frame after the preface is its SETTINGS.
			if sf, ok := f.(*http2.SettingsFrame); !ok || sf.IsAck() {
				c.goAway(rd, http2.ErrCodeProtocol, true)
				break
			}
			first = false
		}
		if !c.handle(rd, f) {
			break
		}
	}
	rd.flush()
	c.closeAll(rd)
	rd.flush()
	<-c.wdone
}

// setReadDeadline bounds the wait for a frame by the idle timeout while
// the connection carries no stream.
// (under c.mu: a stream another reader opens on an upstream connection
// clears it, so no deadline can cut a frame of a stream in half).
func (c *h2conn) setReadDeadline() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closing {
		return
	}
	if len(c.streams) == 0 && c.idle > 0 {
		c.c.SetReadDeadline(time.Now().Add(c.idle))
	} else {
		c.c.SetReadDeadline(time.Time{})
	}
}

// idleOut ends a connection whose read waited its idle timeout: true
// when it carried no stream, so it ends.
func (c *h2conn) idleOut() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closing {
		return true
	}
	if len(c.streams) > 0 {
		return false
	}
	if !c.goingAway {
		c.goingAway = true
		if c.serving {
			c.fr.WriteGoAway(c.lastID, http2.ErrCodeNo, nil)
		} else {
			c.fr.WriteGoAway(0, http2.ErrCodeNo, nil)
		}
	}
	c.flushLocked()
	return true
}

// handle acts on one frame; false ends the connection.
func (c *h2conn) handle(rd *h2reader, f http2.Frame) bool {
	switch f := f.(type) {
	case *http2.MetaHeadersFrame:
		return c.onHeaders(rd, f)
	case *http2.DataFrame:
		return c.onData(rd, f)
	case *http2.RSTStreamFrame:
		return c.onReset(rd, f.StreamID, f.ErrCode)
	case *http2.WindowUpdateFrame:
		return c.onWindowUpdate(rd, f.StreamID, f.Increment)
	case *http2.SettingsFrame:
		return c.onSettings(rd, f)
	case *http2.PingFrame:
		if !f.IsAck() {
			c.mu.Lock()
			c.fr.WritePing(true, f.Data)
			rd.mark(c)
			c.mu.Unlock()
		}
	case *http2.GoAwayFrame:
		c.onGoAway(rd, f)
	case *http2.PushPromiseFrame:
		// The proxy disables push; a caller cannot push.
		c.goAway(rd, http2.ErrCodeProtocol, true)
		return false
	}
	return true
}

func (c *h2conn) onSettings(rd *h2reader, f *http2.SettingsFrame) bool {
	if f.IsAck() {
		return true
	}
	c.mu.Lock()
	// The open streams' windows change by the net change of
	// INITIAL_WINDOW_SIZE, however many times the frame sets it
	// (RFC 9113 6.9.2).
	oldInit := c.peerInit
	err := f.ForeachSetting(func(s http2.Setting) error {
		if err := s.Valid(); err != nil {
			return err
		}
		switch s.ID {
		case http2.SettingInitialWindowSize:
			c.peerInit = int32(s.Val)
		case http2.SettingMaxFrameSize:
			c.peerFrame = s.Val
		case http2.SettingMaxConcurrentStreams:
			c.peerMaxStreams = s.Val
		case http2.SettingMaxHeaderListSize:
			c.peerHeaderList = s.Val
		case http2.SettingHeaderTableSize:
			c.henc.SetMaxDynamicTableSizeLimit(s.Val)
		}
		return nil
	})
	if err != nil {
		c.mu.Unlock()
		var ce http2.ConnectionError
		code := http2.ErrCodeProtocol
		if errors.As(err, &ce) {
			code = http2.ErrCode(ce)
		}
		c.goAway(rd, code, true)
		return false
	}
	delta := c.peerInit - oldInit
	for _, h := range c.streams {
		if int64(h.sendWin)+int64(delta) > math.MaxInt32 {
			c.mu.Unlock()
			c.goAway(rd, http2.ErrCodeFlowControl, true)
			return false
		}
		h.sendWin += delta
	}
	c.fr.WriteSettingsAck()
	rd.mark(c)
	first := c.lastSettings == 0
	c.lastSettings++
	c.mu.Unlock()
	if first {
		rd.flush() // the ACK before the first stream
		close(c.settled)
	}
	if delta > 0 {
		c.flushWaiting(rd)
	}
	return true
}

// onGoAway: no new stream goes on the connection; those past the last
// the peer took were not processed, and are failed so they go again.
func (c *h2conn) onGoAway(rd *h2reader, f *http2.GoAwayFrame) {
	c.mu.Lock()
	c.goingAway = true
	var refused []*h2half
	if !c.serving {
		for id, h := range c.streams {
			if id > f.LastStreamID {
				refused = append(refused, h)
			}
		}
	}
	empty := len(c.streams) == 0
	if empty && !c.serving {
		c.endLocked()
	}
	c.mu.Unlock()
	for _, h := range refused {
		c.onReset(rd, h.id, http2.ErrCodeRefusedStream)
	}
}

// goAway sends GOAWAY (once): the connection takes no new stream; with
// now, or when it carries none, it closes.
func (c *h2conn) goAway(rd *h2reader, code http2.ErrCode, now bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.goingAway || now {
		c.goingAway = true
		c.fr.WriteGoAway(c.lastID, code, nil)
		rd.mark(c)
	}
	if now {
		c.endLocked()
	} else if len(c.streams) == 0 {
		c.closeLocked()
	}
}

// closeLocked ends a connection with no stream left after its GOAWAY,
// once what was framed is written: an upstream's then; a caller's
// gracefully, as net/http's server does, so the GOAWAY is read before
// the connection goes: the proxy stops writing, and reads (refusing new
// streams) until the caller closes or a second passes.
func (c *h2conn) closeLocked() {
	if c.closing {
		return
	}
	if !c.serving || c.broken {
		c.endLocked()
		return
	}
	c.broken, c.closing = true, true
	c.shut = h2CloseWrite
	c.kickWriter()
	c.c.SetReadDeadline(time.Now().Add(time.Second))
}

// onData forwards a DATA frame's payload to the stream's other side.
func (c *h2conn) onData(rd *h2reader, f *http2.DataFrame) bool {
	n := int32(f.Length)
	data := f.Data()
	c.mu.Lock()
	if n > c.recvWin {
		c.mu.Unlock()
		c.goAway(rd, http2.ErrCodeFlowControl, true)
		return false
	}
	c.recvWin -= n
	// The connection's window is credited as data comes, whatever the
	// stream: one stream's data held for want of its reader's window is
	// bounded by the stream's window, and holds up no other stream.
	c.connCreditLocked(rd, n)
	h := c.streams[f.StreamID]
	if h == nil || h.endRecv.Load() {
		// A stream the proxy ended: the data is dropped.
		closed := h != nil || f.StreamID <= c.idBound()
		c.mu.Unlock()
		if !closed {
			c.goAway(rd, http2.ErrCodeProtocol, true)
			return false
		}
		if h != nil {
			c.resetStream(rd, f.StreamID, http2.ErrCodeStreamClosed)
		}
		return true
	}
	if n > h.recvWin {
		c.mu.Unlock()
		c.resetStream(rd, f.StreamID, http2.ErrCodeFlowControl)
		return true
	}
	h.recvWin -= n
	if pad := n - int32(len(data)); pad > 0 {
		c.creditLocked(rd, h, pad)
	}
	end := f.StreamEnded()
	if end {
		h.endRecv.Store(true)
	}
	c.mu.Unlock()
	s := h.s
	s.mu.Lock()
	s.forward(rd, h, data, end)
	s.mu.Unlock()
	return true
}

// idBound is the highest stream ID the peer may have used.
func (c *h2conn) idBound() uint32 {
	if c.serving {
		return c.seenID
	}
	return c.nextID - 2
}

// connCreditLocked returns n bytes of the connection's window to the
// peer, a WINDOW_UPDATE once a quarter of the window is owed.
func (c *h2conn) connCreditLocked(rd *h2reader, n int32) {
	if n <= 0 || c.broken {
		return
	}
	c.recvCredit += n
	if c.recvCredit >= h2ConnWindow/4 {
		c.fr.WriteWindowUpdate(0, uint32(c.recvCredit))
		c.recvWin += c.recvCredit
		c.recvCredit = 0
		rd.mark(c)
	}
}

// creditLocked returns n bytes of stream h's window to the peer once
// they were forwarded (or dropped), a WINDOW_UPDATE once a quarter of a
// window is owed; the connection's window was credited as they came.
func (c *h2conn) creditLocked(rd *h2reader, h *h2half, n int32) {
	if n <= 0 || c.broken || h == nil {
		return
	}
	if !h.endRecv.Load() && !h.gone.Load() {
		h.recvCredit += n
		if h.recvCredit >= h2StreamWindow/4 {
			c.fr.WriteWindowUpdate(h.id, uint32(h.recvCredit))
			h.recvWin += h.recvCredit
			h.recvCredit = 0
			rd.mark(c)
		}
	}
}

func (c *h2conn) credit(rd *h2reader, h *h2half, n int) {
	if n <= 0 {
		return
	}
	c.mu.Lock()
	c.creditLocked(rd, h, int32(n))
	c.mu.Unlock()
}

// send writes data on stream h as far as the windows allow and holds the
// rest (credited when written unless noCredit); end ends the stream
// after it. It returns how many bytes went that credit their source.
func (c *h2conn) send(rd *h2reader, h *h2half, data []byte, end, noCredit bool) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.broken || h.gone.Load() || h.endSent.Load() {
		if noCredit {
			return 0
		}
		return len(data) // dropped: the source's window is owed all the same
	}
	if len(h.pend) > 0 || h.pendEnd || h.pendTrailers != nil {
		if noCredit {
			h.pendNoCredit += len(data)
		}
		h.pend = append(h.pend, data...)
		h.pendEnd = h.pendEnd || end
		c.queueLocked(h)
		return 0
	}
	n := c.allowedLocked(h, len(data))
	rest := data[n:]
	c.writeDataLocked(rd, h, data[:n], end && len(rest) == 0)
	if len(rest) > 0 {
		if noCredit {
			h.pendNoCredit += len(rest)
		}
		h.pend = append(h.pend, rest...)
		h.pendEnd = end
		c.queueLocked(h)
	}
	if noCredit {
		return 0
	}
	return n
}

// allowedLocked is how much of n bytes of DATA may go on h now: what
// the windows allow, and the outbound buffer has room for (when that is
// less, the writer sends the stream's data on once it took the buffer).
func (c *h2conn) allowedLocked(h *h2half, n int) int {
	n = int(max(min(int64(n), int64(c.sendWin), int64(h.sendWin)), 0))
	if room := c.roomLocked(); room < n {
		c.roomWanted = true
		n = room
	}
	return n
}

func (c *h2conn) queueLocked(h *h2half) {
	if !h.queued {
		h.queued = true
		c.waiting = append(c.waiting, h)
	}
	if h.stall == nil && h.s != nil {
		h.moved = false
		h.stall = c.p.m.clock.AfterFunc(h2StallTimeout, func() { h.s.stalled(h) })
	}
}

// stalled resets a stream whose held data on h got no window for
// h2StallTimeout, so a reader that grants none holds a stream (and its
// upstream's) for no longer.
func (s *h2stream) stalled(h *h2half) {
	rd := &h2reader{}
	s.mu.Lock()
	c := h.c
	c.mu.Lock()
	stuck := h.queued && !h.moved && !h.gone.Load()
	if h.queued && !stuck {
		h.moved = false
		h.stall = c.p.m.clock.AfterFunc(h2StallTimeout, func() { s.stalled(h) })
	} else {
		h.stall = nil
	}
	c.mu.Unlock()
	if stuck && !s.done {
		s.reset(rd, http2.ErrCodeCancel, http2.ErrCodeCancel)
	}
	s.mu.Unlock()
	rd.flush()
}

// writeDataLocked writes data on h in frames the peer takes, debiting
// the windows; end ends the stream.
func (c *h2conn) writeDataLocked(rd *h2reader, h *h2half, data []byte, end bool) {
	if len(data) == 0 && !end {
		return
	}
	c.sendWin -= int32(len(data))
	h.sendWin -= int32(len(data))
	for {
		chunk := data
		if len(chunk) > int(c.peerFrame) {
			chunk = chunk[:c.peerFrame]
		}
		data = data[len(chunk):]
		last := len(data) == 0
		if err := c.fr.WriteData(h.id, end && last, chunk); err != nil {
			c.breakLocked()
			return
		}
		if last {
			break
		}
	}
	if end {
		h.endSent.Store(true)
	}
	rd.mark(c)
}

// flushPendLocked writes what of h's held data the windows now allow
// (and its END_STREAM and trailers when all went); it returns the bytes
// written that credit their source.
func (c *h2conn) flushPendLocked(rd *h2reader, h *h2half) int {
	if c.broken || h.gone.Load() {
		return 0
	}
	n := c.allowedLocked(h, len(h.pend))
	all := n == len(h.pend)
	end := all && h.pendEnd && h.pendTrailers == nil
	if n > 0 || end {
		c.writeDataLocked(rd, h, h.pend[:n], end)
		h.moved = true
	}
	cr := max(n-h.pendNoCredit, 0)
	h.pendNoCredit = max(h.pendNoCredit-n, 0)
	if all {
		h.pend = h.pend[:0]
		if h.pendTrailers != nil {
			c.writeHeadersLocked(rd, h, true, nil, h.pendTrailers)
			h.pendTrailers = nil
		}
		h.pendEnd = false
	} else {
		h.pend = h.pend[n:]
	}
	return cr
}

// flushWaiting writes the held data of the streams waiting for window.
func (c *h2conn) flushWaiting(rd *h2reader) {
	c.mu.Lock()
	rd.scr = append(rd.scr[:0], c.waiting...)
	c.mu.Unlock()
	for _, h := range rd.scr {
		s := h.s
		s.mu.Lock()
		c.mu.Lock()
		cr := c.flushPendLocked(rd, h)
		c.dequeueLocked(h)
		c.mu.Unlock()
		if src := s.other(h); src != nil && src.c != nil {
			src.c.credit(rd, src, cr)
		}
		s.settle(rd)
		s.mu.Unlock()
	}
}

func (c *h2conn) dequeueLocked(h *h2half) {
	if h.queued && len(h.pend) == 0 && !h.pendEnd && h.pendTrailers == nil {
		h.queued = false
		if i := slices.Index(c.waiting, h); i >= 0 {
			c.waiting = slices.Delete(c.waiting, i, i+1)
		}
	}
}

func (c *h2conn) onWindowUpdate(rd *h2reader, id, incr uint32) bool {
	if id == 0 {
		c.mu.Lock()
		if int64(c.sendWin)+int64(incr) > math.MaxInt32 {
			c.mu.Unlock()
			c.goAway(rd, http2.ErrCodeFlowControl, true)
			return false
		}
		c.sendWin += int32(incr)
		c.mu.Unlock()
		c.flushWaiting(rd)
		return true
	}
	h, ok := c.opened(rd, id) // WINDOW_UPDATE on a stream never opened: RFC 9113 5.1
	if h == nil {
		return ok
	}
	s := h.s
	s.mu.Lock()
	defer s.mu.Unlock()
	c.mu.Lock()
	if int64(h.sendWin)+int64(incr) > math.MaxInt32 {
		c.mu.Unlock()
		s.reset(rd, http2.ErrCodeFlowControl, http2.ErrCodeCancel)
		return true
	}
	h.sendWin += int32(incr)
	cr := 0
	if h.queued {
		cr = c.flushPendLocked(rd, h)
		c.dequeueLocked(h)
	}
	c.mu.Unlock()
	if src := s.other(h); src != nil && src.c != nil {
		src.c.credit(rd, src, cr)
	}
	s.settle(rd)
	return true
}

// writeHeadersLocked encodes a header block (pseudo fields first, then
// fields) and writes it as HEADERS and CONTINUATION frames the peer
// takes.
func (c *h2conn) writeHeadersLocked(rd *h2reader, h *h2half, end bool, pseudo, fields []hpack.HeaderField) {
	c.hbuf.Reset()
	for _, f := range pseudo {
		c.henc.WriteField(f)
	}
	for _, f := range fields {
		c.henc.WriteField(f)
	}
	block := c.hbuf.Bytes()
	frag := block
	if len(frag) > int(c.peerFrame) {
		frag = frag[:c.peerFrame]
	}
	block = block[len(frag):]
	if err := c.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: h.id, BlockFragment: frag, EndStream: end, EndHeaders: len(block) == 0}); err != nil {
		c.breakLocked()
		return
	}
	for len(block) > 0 {
		frag = block
		if len(frag) > int(c.peerFrame) {
			frag = frag[:c.peerFrame]
		}
		block = block[len(frag):]
		if err := c.fr.WriteContinuation(h.id, len(block) == 0, frag); err != nil {
			c.breakLocked()
			return
		}
	}
	if end {
		h.endSent.Store(true)
	}
	rd.mark(c)
}

// writeTrailers writes trailers on h after any held data.
func (c *h2conn) writeTrailers(rd *h2reader, h *h2half, fields []hpack.HeaderField) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.broken || h.gone.Load() || h.endSent.Load() {
		return
	}
	if len(h.pend) > 0 || h.pendEnd {
		h.pendTrailers = fields
		c.queueLocked(h)
		return
	}
	c.writeHeadersLocked(rd, h, true, nil, fields)
}

// writeRSTLocked resets h on the connection.
func (c *h2conn) writeRST(rd *h2reader, h *h2half, code http2.ErrCode) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.broken || h.gone.Load() || h.id == 0 || h.endSent.Load() && h.endRecv.Load() {
		return // closed both ways (a reset answers no reset)
	}
	c.fr.WriteRSTStream(h.id, code)
	h.endSent.Store(true)
	rd.mark(c)
}

// resetStream answers a stream error: RST_STREAM, and the stream, if
// the proxy carries it, ends both ways.
func (c *h2conn) resetStream(rd *h2reader, id uint32, code http2.ErrCode) {
	c.mu.Lock()
	h := c.streams[id]
	if h == nil {
		if c.serving && id%2 == 1 && id > c.seenID {
			// A caller's new stream refused before it opened (its header
			// block malformed): seen all the same, so its DATA in flight
			// is a closed stream's, and a lower ID is not taken after it.
			c.seenID = id
		}
		if !c.broken && id != 0 {
			c.fr.WriteRSTStream(id, code)
			rd.mark(c)
		}
		c.mu.Unlock()
		return
	}
	c.mu.Unlock()
	s := h.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if h == &s.down {
		s.reset(rd, code, http2.ErrCodeCancel)
	} else {
		s.reset(rd, http2.ErrCodeInternal, code)
	}
}

// opened returns stream id's half, or nil when it is closed; a frame
// for a stream never opened ends the connection (PROTOCOL_ERROR), and ok
// is then false.
func (c *h2conn) opened(rd *h2reader, id uint32) (h *h2half, ok bool) {
	c.mu.Lock()
	h = c.streams[id]
	idle := h == nil && id > c.idBound()
	c.mu.Unlock()
	if idle {
		c.goAway(rd, http2.ErrCodeProtocol, true)
		return nil, false
	}
	return h, true
}

// onReset: the peer reset a stream.
func (c *h2conn) onReset(rd *h2reader, id uint32, code http2.ErrCode) bool {
	h, ok := c.opened(rd, id) // RST_STREAM on a stream never opened: RFC 9113 6.4
	if h == nil {
		return ok
	}
	ended := h.endRecv.Swap(true) // the peer had ended its side before
	h.endSent.Store(true)
	s := h.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if h == &s.down {
		if c.p.m.clock.Now().Sub(s.opened) < h2PrematureAge && c.prematureReset() {
			c.goAway(rd, http2.ErrCodeEnhanceYourCalm, false)
		}
		s.reset(rd, 0, code) // the caller's cancel goes upstream as it came
		return true
	}
	if h != s.up {
		return true // an earlier try's
	}
	if code == http2.ErrCodeNo && ended && s.answered {
		s.upstreamDone(rd) // the answer is whole: only the request is cut short
		return true
	}
	s.upstreamFailed(rd, code)
	return true
}

// prematureReset counts a stream the caller reset prematurely; true
// when the connection resets too many so.
func (c *h2conn) prematureReset() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.premature++
	if c.closed+1 < h2PrematureStreams { // +1: the one being reset
		return c.premature*2 >= h2PrematureStreams
	}
	return c.premature*2 > c.closed+1
}

// add registers h as stream id; false when the connection goes away.
func (c *h2conn) add(h *h2half) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.broken || c.goingAway {
		return false
	}
	c.streams[h.id] = h
	h.c = c
	h.sendWin, h.recvWin = c.peerInit, h2StreamWindow
	return true
}

// remove forgets h, dropping what it held; it returns how much of that
// the source's stream was not credited for yet. A connection going away
// closes with its last stream.
func (c *h2conn) remove(rd *h2reader, h *h2half) (held int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if h.gone.Swap(true) {
		return 0
	}
	delete(c.streams, h.id)
	if c.serving {
		c.closed++
	}
	held = max(len(h.pend)-h.pendNoCredit, 0)
	h.pend, h.pendTrailers, h.pendEnd = nil, nil, false
	h.pendNoCredit = 0
	c.dequeueLocked(h)
	if h.stall != nil {
		h.stall.Stop()
		h.stall = nil
	}
	if len(c.streams) == 0 && (c.goingAway || c.draining.Load()) {
		if c.serving && !c.goingAway {
			c.goingAway = true
			c.fr.WriteGoAway(c.lastID, http2.ErrCodeNo, nil)
		}
		c.closeLocked()
	}
	return held
}

// closeAll ends every stream of a connection that ended.
func (c *h2conn) closeAll(rd *h2reader) {
	c.mu.Lock()
	c.endLocked() // what was framed (a GOAWAY) goes first
	c.goingAway = true
	hs := make([]*h2half, 0, len(c.streams))
	for _, h := range c.streams {
		hs = append(hs, h)
	}
	c.mu.Unlock()
	for _, h := range hs {
		h.endRecv.Store(true)
		h.endSent.Store(true)
		s := h.s
		s.mu.Lock()
		if h == &s.down {
			s.reset(rd, 0, http2.ErrCodeCancel)
		} else if h == s.up {
			s.upstreamFailed(rd, http2.ErrCodeInternal)
		}
		s.mu.Unlock()
	}
	if c.pool != nil {
		c.pool.drop(c)
	}
	close(c.done)
}

// streamCount is how many streams the connection carries.
func (c *h2conn) streamCount() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.streams)
}

// h2pool is the multiplexed connections to one upstream address.
type h2pool struct {
	mu     sync.Mutex
	conns  []*h2conn
	closed bool
	// waiting are the streams that wait for the connection being dialed
	// (none dialed while empty).
	waiting []*h2stream
}

// wait queues s for the connection being dialed; true when none is, so
// the caller dials.
func (hp *h2pool) wait(s *h2stream) bool {
	hp.mu.Lock()
	defer hp.mu.Unlock()
	hp.waiting = append(hp.waiting, s)
	return len(hp.waiting) == 1
}

// dialed ends a dial: the streams that waited for it.
func (hp *h2pool) dialed() []*h2stream {
	hp.mu.Lock()
	defer hp.mu.Unlock()
	w := hp.waiting
	hp.waiting = nil
	return w
}

// get returns a connection with room for another stream, or nil.
func (hp *h2pool) get() *h2conn {
	hp.mu.Lock()
	defer hp.mu.Unlock()
	for _, c := range hp.conns {
		c.mu.Lock()
		ok := !c.broken && !c.goingAway && uint32(len(c.streams)) < c.peerMaxStreams && c.nextID < 1<<31-1
		c.mu.Unlock()
		if ok {
			return c
		}
	}
	return nil
}

// put adds a new connection; false when the pool is closed.
func (hp *h2pool) put(c *h2conn) bool {
	hp.mu.Lock()
	defer hp.mu.Unlock()
	if hp.closed {
		return false
	}
	hp.conns = append(hp.conns, c)
	return true
}

func (hp *h2pool) drop(c *h2conn) {
	hp.mu.Lock()
	defer hp.mu.Unlock()
	if i := slices.Index(hp.conns, c); i >= 0 {
		hp.conns = slices.Delete(hp.conns, i, i+1)
	}
}

func (hp *h2pool) close() {
	hp.mu.Lock()
	hp.closed = true
	conns := slices.Clone(hp.conns)
	hp.mu.Unlock()
	for _, c := range conns {
		c.c.Close()
	}
}

// connectionHeaders are the connection-specific fields RFC 9113 8.2.2
// makes a message malformed with (te is allowed as "trailers" only).
func connectionHeader(name, value string) bool {
	switch name {
	case "connection", "proxy-connection", "keep-alive", "transfer-encoding", "upgrade":
		return true
	case "te":
		return value != "trailers"
	}
	return false
}

// h2fields is a header list as a TextMapCarrier to read the trace
// context from, and the routes' header matches.
type h2fields []hpack.HeaderField

func (h *h2fields) Get(key string) string {
	for _, f := range *h {
		if strings.EqualFold(f.Name, key) { // routes name them canonically, as net/http's Header
			return f.Value
		}
	}
	return ""
}
func (h *h2fields) Set(string, string) {}
func (h *h2fields) Keys() []string     { return nil }

// headerListSize is a header list's size as SETTINGS_MAX_HEADER_LIST_SIZE
// counts it.
func headerListSize(fs []hpack.HeaderField) uint32 {
	n := uint32(0)
	for _, f := range fs {
		n += f.Size()
	}
	return n
}

func statusField(code int) hpack.HeaderField {
	return hpack.HeaderField{Name: ":status", Value: strconv.Itoa(code)}
}

func isGRPCType(ct string) bool { return strings.HasPrefix(ct, "application/grpc") }
