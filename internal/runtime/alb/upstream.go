package alb

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/net/http/httpguts"

	"github.com/netwright/netwright/internal/clock"
)

// upConn is a keep-alive connection to a target, for the data path.
type upConn struct {
	c         net.Conn
	br        *bufio.Reader
	bw        *bufio.Writer
	idleSince time.Time
	// dl is the connection's read deadline, on the listener's clock.
	dl clock.Deadline
}

// A target's response head must fit the upstream reader, ALB's limit on
// it: past that ALB answers 502.
const upstreamBufSize = maxResponseHeader

var (
	upReaders = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, upstreamBufSize) }}
	upWriters = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 4<<10) }}
)

func newUpConn(c net.Conn, clk clock.Clock) *upConn {
	u := &upConn{c: c, br: upReaders.Get().(*bufio.Reader), bw: upWriters.Get().(*bufio.Writer)}
	u.dl.Init(c, clk)
	u.br.Reset(c)
	u.bw.Reset(c)
	return u
}

func (u *upConn) close() {
	u.dl.Stop()
	u.c.Close()
	u.br.Reset(nil)
	u.bw.Reset(nil)
	upReaders.Put(u.br)
	upWriters.Put(u.bw)
}

// connPool holds a target's idle connections, newest last.
type connPool struct {
	mu     sync.Mutex
	idle   []*upConn
	closed bool
}

// get returns the newest idle connection younger than maxIdle, or nil.
func (p *connPool) get(now time.Time, maxIdle time.Duration) *upConn {
	p.mu.Lock()
	defer p.mu.Unlock()
	if n := len(p.idle); n > 0 {
		u := p.idle[n-1]
		p.idle[n-1] = nil
		p.idle = p.idle[:n-1]
		if now.Sub(u.idleSince) < maxIdle {
			return u
		}
		// The newest is too old: so are the rest.
		u.close()
		for _, o := range p.idle {
			o.close()
		}
		p.idle = p.idle[:0]
	}
	return nil
}

// put keeps u for reuse, closing the oldest connections past max or
// maxIdle.
func (p *connPool) put(u *upConn, now time.Time, max int, maxIdle time.Duration) {
	u.idleSince = now
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		u.close()
		return
	}
	p.idle = append(p.idle, u)
	drop := 0
	for drop < len(p.idle) && (len(p.idle)-drop > max || now.Sub(p.idle[drop].idleSince) >= maxIdle) {
		p.idle[drop].close()
		drop++
	}
	if drop > 0 {
		p.idle = append(p.idle[:0], p.idle[drop:]...)
	}
}

// close drops every idle connection; later ones are closed when put.
func (p *connPool) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	for _, u := range p.idle {
		u.close()
	}
	p.idle = nil
}

// clientError is a failure reading the request body from the client.
type clientError struct{ error }

// errClientGone: the client closed its connection while the target was
// answering.
var errClientGone = errors.New("alb: the client left before the answer")

// watcher notices a client that leaves while the target answers, as
// net/http's server does with a background read: the data path reads
// nothing from the client until the answer is out, so without it a client
// that gives up on a slow target would be noticed only when the answer is
// written. It starts only after a while (the client's reader is idle
// then), so a quick answer costs a timer's reset and stop and no system
// call. Each connection has one, its timer made on the first watch and
// reset for each request after.
type watcher struct {
	cc    *clientConn
	timer clock.Timer
	// done receives once a read ahead that started has ended.
	done chan struct{}
	gone atomic.Bool

	mu sync.Mutex
	// u is the target's connection, which a client that leaves closes;
	// gen counts the watches, so a timer of an earlier one that fired
	// late starts nothing; started and stopped order start against stop.
	u                *upConn
	gen              uint64
	started, stopped bool
}

// watch watches cc from after on (on clk), while u carries its request.
func (cc *clientConn) watch(u *upConn, clk clock.Clock, after time.Duration) *watcher {
	w := &cc.watcher
	w.mu.Lock()
	w.u, w.started, w.stopped = u, false, false
	w.gen++
	w.mu.Unlock()
	w.gone.Store(false)
	if w.timer == nil {
		w.cc, w.done = cc, make(chan struct{}, 1)
		w.timer = clk.AfterFunc(after, w.fire)
	} else {
		w.timer.Reset(after)
	}
	return w
}

// fire starts the read ahead on a goroutine of its own, not the timer's:
// a clock's timer function returns at once (a fake clock waits for
// them).
func (w *watcher) fire() {
	w.mu.Lock()
	gen, stopped := w.gen, w.stopped
	w.mu.Unlock()
	if !stopped {
		go w.start(gen)
	}
}

// start reads ahead on the client's connection, into its reader (whose
// owner waits on the target): an end or a failure means the client left,
// and the wait for the target is cut short.
func (w *watcher) start(gen uint64) {
	w.mu.Lock()
	if w.stopped || w.gen != gen {
		w.mu.Unlock()
		return
	}
	w.cc.dl.Clear() // before stop can set its own
	w.started = true
	u := w.u
	w.mu.Unlock()
	defer func() { w.done <- struct{}{} }()
	if _, err := w.cc.br.Peek(1); err != nil && !timedOut(err) {
		w.gone.Store(true)
		u.c.Close()
	}
}

// stop ends the watch and hands the client's reader back; it reports
// whether the client left.
func (w *watcher) stop() bool {
	w.timer.Stop()
	w.mu.Lock()
	w.stopped = true
	started := w.started
	w.mu.Unlock()
	if started {
		w.cc.dl.Expire() // ends the read ahead
		<-w.done
		w.cc.dl.Clear()
	}
	return w.gone.Load()
}

// errResponseHead is a target response head the data path refuses, as
// net/http's client would: ALB answers 502.
var errResponseHead = errors.New("alb: malformed or oversized response head from the target")

// proxyFast sends the request in cc.head to ex.t and streams the answer
// back. It returns the status sent (0 when the client left first) and
// whether the client connection can carry another request.
func (x *Listener) proxyFast(cc *clientConn, ex *exchange, keep bool) (int, bool) {
	h := &cc.head
	t := ex.t
	head := x.upstreamHead(cc, ex.trace)
	var resp respHead
	for attempt := 0; ; attempt++ {
		u := t.pool.get(ex.received, x.idle)
		reused := u != nil
		if u == nil {
			ctx, cancel := context.WithTimeout(context.Background(), targetConnectTimeout)
			c, err := x.dial(ctx, "tcp", t.addr)
			cancel()
			if err != nil {
				return x.failFast(cc, ex, err, keep && !h.hasBody())
			}
			u = newUpConn(rawIO(c), x.clock)
		}
		ex.sent = x.now()
		started, err := x.exchangeHead(u, cc, head, &resp, ex)
		if err == nil {
			ex.headers, ex.targetStatus = x.now(), resp.code
			if x.metrics != nil {
				x.responseTimer(ex.tg).Observe(ex.headers.Sub(ex.sent).Seconds())
			}
			x.countOnce(ex, resp.code) // relay answers with the target's status, whatever comes
			return x.relay(cc, u, t, &resp, keep, ex)
		}
		u.close()
		var ce clientError
		switch {
		case errors.As(err, &ce) && timedOut(ce.error):
			// The client stopped partway through the body for the idle
			// timeout: ALB's 408, and the connection ends.
			cc.c.SetWriteDeadline(time.Now().Add(5 * time.Second))
			x.countOnce(ex, http.StatusRequestTimeout)
			ex.out = int64(writeALBStatus(cc.c, http.StatusRequestTimeout, x.now()))
			return http.StatusRequestTimeout, false
		case errors.As(err, &ce), errors.Is(err, errClientGone):
			return 0, false // the client left: logged as 460
		case reused && !started && !h.hasBody() && attempt == 0 && !timedOut(err):
			continue // the target closed an idle connection: a fresh one
		}
		return x.failFast(cc, ex, err, keep && !h.hasBody())
	}
}

func timedOut(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// targetConnectTimeout is ALB's time to connect to a target.
const targetConnectTimeout = 10 * time.Second

// exchangeHead writes the request to u and reads the response head,
// skipping informational responses. started reports whether any of the
// response came.
func (x *Listener) exchangeHead(u *upConn, cc *clientConn, head []byte, resp *respHead, ex *exchange) (started bool, err error) {
	cc.source.idle = x.idle // each part of the body within the idle timeout
	ex.bodyIn, err = u.send(head, cc)
	cc.source.idle = 0
	if err != nil {
		return false, err
	}
	if cc.br.Buffered() == 0 { // nothing of the client's pending: watch it
		w := cc.watch(u, x.clock, x.watchAfter)
		defer func() {
			if w.stop() {
				err = errClientGone
			}
		}()
	}
	for {
		u.dl.Set(x.idle)
		started, err = resp.read(u.br, cc.head.method == http.MethodHead, &cc.respBuf)
		if err != nil || resp.code >= 200 || resp.code == http.StatusSwitchingProtocols {
			if err == nil && resp.code == http.StatusSwitchingProtocols {
				err = errResponseHead // nothing asked to upgrade
			}
			return started, err
		}
		u.br.Discard(len(resp.raw)) // 1xx: the final answer follows
	}
}

// upstreamHead builds the request head ALB sends the target into
// cc.scratch: the client's head without hop-by-hop fields, with Host
// first, and X-Forwarded-For, -Proto, -Port and X-Amzn-Trace-Id set.
func (x *Listener) upstreamHead(cc *clientConn, trace string) []byte {
	h := &cc.head
	b := append(cc.scratch[:0], h.method...)
	b = append(b, ' ')
	b = append(b, h.target...)
	b = append(b, " HTTP/1.1\r\nHost: "...)
	b = append(b, h.host...)
	b = append(b, "\r\n"...)
	for _, f := range h.fields {
		if !f.drop && !(f.invalid && x.lb.DropInvalidHeaders) {
			b = appendField(b, f.name, f.value)
		}
	}
	if cc.clientIP != "" {
		b = append(b, "X-Forwarded-For: "...)
		for _, v := range h.xff {
			b = append(append(b, v...), ", "...)
		}
		b = append(append(b, cc.clientIP...), "\r\n"...)
	}
	if x.tls {
		b = append(b, "X-Forwarded-Proto: https\r\nX-Forwarded-Port: "...)
	} else {
		b = append(b, "X-Forwarded-Proto: http\r\nX-Forwarded-Port: "...)
	}
	b = strconv.AppendInt(b, int64(x.l.Port), 10)
	b = append(b, "\r\nX-Amzn-Trace-Id: "...)
	b = append(append(b, trace...), "\r\n"...)
	if h.teTrailers {
		b = append(b, "Te: trailers\r\n"...)
	}
	switch {
	case h.chunked:
		b = append(b, "Transfer-Encoding: chunked\r\n"...)
	case h.contentLength >= 0:
		b = append(b, "Content-Length: "...)
		b = strconv.AppendInt(b, h.contentLength, 10)
		b = append(b, "\r\n"...)
	}
	b = append(b, "\r\n"...)
	cc.scratch = b
	return b
}

func appendField(b []byte, name, value string) []byte {
	b = append(b, name...)
	b = append(b, ": "...)
	b = append(b, value...)
	return append(b, "\r\n"...)
}

// send writes the head and the client's body to the target; it returns
// the body's length.
func (u *upConn) send(head []byte, cc *clientConn) (int64, error) {
	h := &cc.head
	if _, err := u.bw.Write(head); err != nil {
		return 0, err
	}
	var n int64
	switch {
	case h.chunked:
		buf := buffers.Get().(*[]byte)
		defer buffers.Put(buf)
		cw := httputil.NewChunkedWriter(u.bw)
		var err error
		if n, err = io.CopyBuffer(cw, readerOnly{httputil.NewChunkedReader(cc.br)}, *buf); err != nil {
			return n, clientOr(err, u.bw)
		}
		if err := readTrailers(cc.br); err != nil {
			return n, clientError{err}
		}
		cw.Close()
		u.bw.WriteString("\r\n")
	case h.contentLength > 0:
		var err error
		if n, err = io.CopyN(u.bw, cc.br, h.contentLength); err != nil {
			return n, clientOr(err, u.bw)
		}
	}
	return n, u.bw.Flush()
}

// readerOnly hides a reader's WriteTo, so copies go through the buffer.
type readerOnly struct{ io.Reader }

// clientOr blames a failed body copy on the client unless the write to
// the target failed.
func clientOr(err error, w *bufio.Writer) error {
	if _, werr := w.Write(nil); werr != nil {
		return werr
	}
	return clientError{err}
}

// respHead is a parsed response head; its strings share raw.
type respHead struct {
	raw  string
	code int
	// Framing: none (HEAD, 1xx, 204, 304), a length, chunked, or to the
	// end of the connection.
	noBody        bool
	contentLength int64
	chunked       bool
	close         bool
	date          bool
	// connection holds a Connection value naming headers to drop.
	connection string
}

// read reads a response head from br without consuming it; its strings
// are held in buf.
func (r *respHead) read(br *bufio.Reader, isHead bool, buf *[]byte) (started bool, err error) {
	if _, err := br.Peek(1); err != nil {
		return false, err
	}
	head, err := peekHead(br, nil, 0)
	switch {
	case errors.Is(err, errHeadFull):
		return true, errResponseHead
	case err != nil:
		return true, err
	}
	return true, r.parse(hold(buf, head), isHead)
}

func (r *respHead) parse(raw string, isHead bool) error {
	*r = respHead{raw: raw, contentLength: -1}
	line, rest, ok := nextLine(raw)
	proto, status, _ := strings.Cut(line, " ")
	code, _, _ := strings.Cut(status, " ")
	n, err := strconv.Atoi(code)
	if !ok || proto != "HTTP/1.1" && proto != "HTTP/1.0" || len(code) != 3 || err != nil || n < 100 {
		return errResponseHead
	}
	r.code = n
	r.close = proto == "HTTP/1.0"
	for {
		name, value, next, end, err := nextField(rest)
		if err != nil {
			return errResponseHead
		}
		if end {
			break
		}
		rest = next
		switch {
		case strings.EqualFold(name, "Content-Length"):
			n, ok := parseLength(value)
			if !ok || r.contentLength >= 0 && r.contentLength != n {
				return errResponseHead
			}
			r.contentLength = n
		case strings.EqualFold(name, "Transfer-Encoding"):
			if !strings.EqualFold(value, "chunked") {
				return errResponseHead
			}
			r.chunked = true
		case strings.EqualFold(name, "Connection"):
			for tok := range strings.SplitSeq(value, ",") {
				switch tok = strings.TrimSpace(tok); {
				case strings.EqualFold(tok, "close"):
					r.close = true
				case strings.EqualFold(tok, "keep-alive"):
					r.close = r.close && proto != "HTTP/1.0"
				case tok != "":
					r.connection = value
				}
			}
		case strings.EqualFold(name, "Date"):
			r.date = true
		}
	}
	r.noBody = isHead || n < 200 || n == http.StatusNoContent || n == http.StatusNotModified
	if r.chunked {
		r.contentLength = -1
	}
	return nil
}

// hopByHop reports whether a response field stays between the target and
// the load balancer.
func (r *respHead) hopByHop(name string) bool {
	switch {
	case strings.EqualFold(name, "Connection"), strings.EqualFold(name, "Keep-Alive"),
		strings.EqualFold(name, "Proxy-Connection"), strings.EqualFold(name, "Proxy-Authenticate"),
		strings.EqualFold(name, "Te"), strings.EqualFold(name, "Trailer"),
		strings.EqualFold(name, "Transfer-Encoding"), strings.EqualFold(name, "Upgrade"),
		strings.EqualFold(name, "Content-Length"):
		return true
	}
	return r.connection != "" && httpguts.HeaderValuesContainsToken([]string{r.connection}, name)
}

// relay writes the response head and streams the body to the client,
// then keeps or closes u. It returns the status and whether the client
// connection can carry another request.
func (x *Listener) relay(cc *clientConn, u *upConn, t *target, r *respHead, keep bool, ex *exchange) (int, bool) {
	h := &cc.head
	b := appendStatusLine(cc.scratch[:0], r.code)
	rest := r.raw[strings.IndexByte(r.raw, '\n')+1:]
	for {
		name, value, next, end, _ := nextField(rest) // parse already checked every line
		if end {
			break
		}
		rest = next
		if !r.hopByHop(name) {
			b = appendField(b, name, value)
		}
	}
	for _, c := range ex.cookies {
		b = appendField(b, "Set-Cookie", c.String())
	}
	if !r.date {
		b = append(b, "Date: "...)
		b = x.now().UTC().AppendFormat(b, http.TimeFormat)
		b = append(b, "\r\n"...)
	}
	// Framing: the length when known, else chunked for HTTP/1.1 clients
	// and the end of the connection for HTTP/1.0 ones.
	chunkOut := false
	switch {
	case r.noBody:
		if r.contentLength >= 0 && r.code != http.StatusNoContent {
			b = appendField(b, "Content-Length", strconv.FormatInt(r.contentLength, 10))
		}
	case r.contentLength >= 0:
		b = append(b, "Content-Length: "...)
		b = strconv.AppendInt(b, r.contentLength, 10)
		b = append(b, "\r\n"...)
	case h.minor == 1:
		chunkOut = true
		b = append(b, "Transfer-Encoding: chunked\r\n"...)
	default:
		keep = false
	}
	b = appendConnection(b, keep, h.minor)
	b = append(b, "\r\n"...)
	cc.scratch = b
	u.br.Discard(len(r.raw))
	ex.out = int64(len(b))
	if _, err := cc.bw.Write(b); err != nil {
		u.close()
		return r.code, false
	}
	reusable := !r.close && ex.class.tier < ambiguous // after an ambiguous request the target's connection closes too
	var err error
	switch {
	case r.noBody:
	case r.contentLength >= 0:
		err = x.copyBody(cc.bw, u, r.contentLength)
		if err == nil {
			ex.out += r.contentLength
		}
	default:
		var dst io.Writer = cc.bw
		var cw io.WriteCloser
		if chunkOut {
			cw = httputil.NewChunkedWriter(cc.bw)
			dst = cw
		}
		var src io.Reader = u.br
		if r.chunked {
			src = httputil.NewChunkedReader(u.br)
		} else {
			reusable = false // delimited by the end of the connection
		}
		var n int64
		n, err = x.stream(dst, cc.bw, u, src)
		ex.out += n
		if err == nil && r.chunked {
			u.dl.Set(x.idle)
			err = readTrailers(u.br)
		}
		if err == nil && chunkOut {
			cw.Close()
			_, err = cc.bw.WriteString("\r\n")
		}
	}
	if err == nil {
		err = cc.bw.Flush()
	}
	if err != nil {
		// A target failing mid-body, or a client gone: both connections
		// end, as the answer cannot be completed.
		u.close()
		return r.code, false
	}
	if reusable {
		// The read deadline stays: the next exchange sets its own before
		// reading.
		t.pool.put(u, ex.headers, x.maxIdle, x.idle) // idle since about then
	} else {
		u.close()
	}
	return r.code, keep
}

// copyBody copies n bytes of a response body, flushing to the client
// whenever the target has nothing more buffered.
func (x *Listener) copyBody(dst *bufio.Writer, u *upConn, n int64) error {
	for n > 0 {
		if u.br.Buffered() == 0 {
			// The wait for the target counts from before the client has
			// what came so far.
			u.dl.Set(x.idle)
			if err := dst.Flush(); err != nil {
				return err
			}
			if _, err := u.br.Peek(1); err != nil {
				return err
			}
		}
		p, _ := u.br.Peek(int(min(int64(u.br.Buffered()), n)))
		if _, err := dst.Write(p); err != nil {
			return err
		}
		u.br.Discard(len(p))
		n -= int64(len(p))
	}
	return nil
}

// stream copies src (a chunked or connection-delimited body) to dst until
// its end, flushing the client writer whenever the target has nothing
// more buffered.
func (x *Listener) stream(dst io.Writer, flush *bufio.Writer, u *upConn, src io.Reader) (int64, error) {
	buf := buffers.Get().(*[]byte)
	defer buffers.Put(buf)
	var total int64
	for {
		if u.br.Buffered() == 0 {
			u.dl.Set(x.idle) // as in copyBody
			if err := flush.Flush(); err != nil {
				return total, err
			}
		}
		n, err := src.Read(*buf)
		if n > 0 {
			if _, werr := dst.Write((*buf)[:n]); werr != nil {
				return total, werr
			}
			total += int64(n)
		}
		if err == io.EOF {
			return total, nil
		}
		if err != nil {
			return total, err
		}
	}
}

// failFast answers a forward that got no response: 504 when the target
// did not answer in time, else 502.
func (x *Listener) failFast(cc *clientConn, ex *exchange, err error, keep bool) (int, bool) {
	code := http.StatusBadGateway
	switch {
	case timedOut(err):
		ex.errorReason, code = "TargetResponseTimeout", http.StatusGatewayTimeout
	case errors.Is(err, errResponseHead):
		ex.errorReason = "TargetResponseError"
	default:
		ex.errorReason = "TargetConnectionError"
	}
	if !cc.writeStatus(code, keep, ex, x) {
		return code, false
	}
	return code, keep
}
