package alb

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httputil"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/netwright/netwright/internal/clock"
	"github.com/netwright/netwright/internal/runtime/h1"
)

// A target's response head must fit the upstream reader, ALB's limit on
// it: past that ALB answers 502.
const upstreamBufSize = maxResponseHeader

var upBuffers = h1.NewBuffers(upstreamBufSize, 4<<10)

// clientError is a failure reading the request body from the client.
type clientError struct{ error }

// errClientGone: the client closed its connection while the target was
// answering.
var errClientGone = errors.New("alb: the client left before the answer")

// watch watches cc from after on (on clk) for a client that leaves,
// while u carries its request (h1.Watcher).
func (cc *clientConn) watch(u *h1.Conn, clk clock.Clock, after time.Duration) *h1.Watcher {
	w := &cc.watcher
	w.R, w.DL = cc.br, &cc.dl
	w.Watch(u, clk, after)
	return w
}

// errResponseHead is a target response head the data path refuses, as
// net/http's client would: ALB answers 502.
var errResponseHead = h1.ErrResponseHead

// proxyFast sends the request in cc.head to ex.t and streams the answer
// back. It returns the status sent (0 when the client left first) and
// whether the client connection can carry another request.
func (x *Listener) proxyFast(cc *clientConn, ex *exchange, keep bool) (int, bool) {
	h := &cc.head
	t := ex.t
	head := x.upstreamHead(cc, ex.trace)
	var resp h1.Response
	for attempt := 0; ; attempt++ {
		u := t.pool.Get(ex.received, x.idle)
		reused := u != nil
		if u == nil {
			ctx, cancel := context.WithTimeout(context.Background(), targetConnectTimeout)
			c, err := x.dial(ctx, "tcp", t.addr)
			cancel()
			if err != nil {
				return x.failFast(cc, ex, err, keep && !h.hasBody())
			}
			u = upBuffers.Conn(rawIO(c), x.clock)
		}
		ex.sent = x.now()
		started, err := x.exchangeHead(u, cc, head, &resp, ex)
		if err == nil {
			ex.headers, ex.targetStatus = x.now(), resp.Code
			if x.metrics != nil {
				x.responseTimer(ex.tg).Observe(ex.headers.Sub(ex.sent).Seconds())
			}
			x.countOnce(ex, resp.Code) // relay answers with the target's status, whatever comes
			return x.relay(cc, u, t, &resp, keep, ex)
		}
		u.Close()
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

// targetConnectTimeout is ALB's time to connect to a target.
const targetConnectTimeout = 10 * time.Second

// exchangeHead writes the request to u and reads the response head,
// skipping informational responses. started reports whether any of the
// response came.
func (x *Listener) exchangeHead(u *h1.Conn, cc *clientConn, head []byte, resp *h1.Response, ex *exchange) (started bool, err error) {
	cc.source.idle = x.idle // each part of the body within the idle timeout
	ex.bodyIn, err = send(u, head, cc)
	cc.source.idle = 0
	if err != nil {
		return false, err
	}
	if cc.br.Buffered() == 0 { // nothing of the client's pending: watch it
		w := cc.watch(u, x.clock, x.watchAfter)
		defer func() {
			if w.Stop() {
				err = errClientGone
			}
		}()
	}
	for {
		u.Deadline.Set(x.idle)
		started, err = resp.Read(u.R, cc.head.method == http.MethodHead, &cc.respBuf)
		if err != nil || resp.Code >= 200 || resp.Code == http.StatusSwitchingProtocols {
			if err == nil && resp.Code == http.StatusSwitchingProtocols {
				err = errResponseHead // nothing asked to upgrade
			}
			return started, err
		}
		u.R.Discard(len(resp.Raw)) // 1xx: the final answer follows
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
			b = h1.AppendField(b, f.name, f.value)
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

// send writes the head and the client's body to the target; it returns
// the body's length.
func send(u *h1.Conn, head []byte, cc *clientConn) (int64, error) {
	h := &cc.head
	if _, err := u.W.Write(head); err != nil {
		return 0, err
	}
	var n int64
	switch {
	case h.chunked:
		buf := h1.CopyBuffers.Get().(*[]byte)
		defer h1.CopyBuffers.Put(buf)
		cw := httputil.NewChunkedWriter(u.W)
		var err error
		if n, err = io.CopyBuffer(cw, readerOnly{httputil.NewChunkedReader(cc.br)}, *buf); err != nil {
			return n, clientOr(err, u.W)
		}
		if err := h1.ReadTrailers(cc.br); err != nil {
			return n, clientError{err}
		}
		cw.Close()
		u.W.WriteString("\r\n")
	case h.contentLength > 0:
		var err error
		if n, err = io.CopyN(u.W, cc.br, h.contentLength); err != nil {
			return n, clientOr(err, u.W)
		}
	}
	batchWrites()
	return n, u.W.Flush()
}

// batchWrites lets every other connection that is ready to run get to
// its own write before this one writes, as an event loop does: it
// reads all that one wait on the poller returned, then writes all the
// answers at once. Without it each connection writes as soon as it has
// read, so on one thread the answers leave one by one, several
// microseconds apart, and each wakes its peer (the client, the target)
// alone: on one thread wrk waited on epoll 0.7 to 1.2 times a request
// behind netwright without it, 0.23 to 0.32 with it, about as behind
// HAProxy, and the machine idled between wake-ups. The yield costs a trip
// through the scheduler; with nothing else ready it comes straight back.
// See BENCHMARKS.md, "One thread: answers in bursts".
func batchWrites() { runtime.Gosched() }

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

// relay writes the response head and streams the body to the client,
// then keeps or closes u. It returns the status and whether the client
// connection can carry another request.
func (x *Listener) relay(cc *clientConn, u *h1.Conn, t *target, r *h1.Response, keep bool, ex *exchange) (int, bool) {
	h := &cc.head
	b := h1.AppendStatusLine(cc.scratch[:0], r.Code)
	rest := r.Raw[strings.IndexByte(r.Raw, '\n')+1:]
	for {
		name, value, next, end, _ := h1.NextField(rest) // parse already checked every line
		if end {
			break
		}
		rest = next
		if !r.HopByHop(name) {
			b = h1.AppendField(b, name, value)
		}
	}
	for _, c := range ex.cookies {
		b = h1.AppendField(b, "Set-Cookie", c.String())
	}
	if !r.Date {
		b = append(b, "Date: "...)
		b = x.now().UTC().AppendFormat(b, http.TimeFormat)
		b = append(b, "\r\n"...)
	}
	// Framing: the length when known, else chunked for HTTP/1.1 clients
	// and the end of the connection for HTTP/1.0 ones.
	chunkOut := false
	switch {
	case r.NoBody:
		if r.ContentLength >= 0 && r.Code != http.StatusNoContent {
			b = h1.AppendField(b, "Content-Length", strconv.FormatInt(r.ContentLength, 10))
		}
	case r.ContentLength >= 0:
		b = append(b, "Content-Length: "...)
		b = strconv.AppendInt(b, r.ContentLength, 10)
		b = append(b, "\r\n"...)
	case h.minor == 1:
		chunkOut = true
		b = append(b, "Transfer-Encoding: chunked\r\n"...)
	default:
		keep = false
	}
	b = h1.AppendConnection(b, keep, h.minor)
	b = append(b, "\r\n"...)
	cc.scratch = b
	u.R.Discard(len(r.Raw))
	ex.out = int64(len(b))
	if _, err := cc.bw.Write(b); err != nil {
		u.Close()
		return r.Code, false
	}
	reusable := !r.Close && ex.class.tier < ambiguous // after an ambiguous request the target's connection closes too
	var err error
	switch {
	case r.NoBody:
	case r.ContentLength >= 0:
		err = u.CopyBody(cc.bw, r.ContentLength, x.idle)
		if err == nil {
			ex.out += r.ContentLength
		}
	default:
		var dst io.Writer = cc.bw
		var cw io.WriteCloser
		if chunkOut {
			cw = httputil.NewChunkedWriter(cc.bw)
			dst = cw
		}
		var src io.Reader = u.R
		if r.Chunked {
			src = httputil.NewChunkedReader(u.R)
		} else {
			reusable = false // delimited by the end of the connection
		}
		var n int64
		n, err = x.stream(dst, cc.bw, u, src)
		ex.out += n
		if err == nil && r.Chunked {
			u.Deadline.Set(x.idle)
			err = h1.ReadTrailers(u.R)
		}
		if err == nil && chunkOut {
			cw.Close()
			_, err = cc.bw.WriteString("\r\n")
		}
	}
	if err == nil {
		batchWrites()
		err = cc.bw.Flush()
	}
	if err != nil {
		// A target failing mid-body, or a client gone: both connections
		// end, as the answer cannot be completed.
		u.Close()
		return r.Code, false
	}
	if reusable {
		// The read deadline stays: the next exchange sets its own before
		// reading.
		t.pool.Put(u, ex.headers, x.maxIdle, x.idle) // idle since about then
	} else {
		u.Close()
	}
	// And once more before reading the client's next request, which has
	// rarely come yet: the other answers of the burst leave first, and
	// the read finds the request more often, saving a read that would
	// find nothing and a wait on the poller.
	batchWrites()
	return r.Code, keep
}

// stream copies src (a chunked or connection-delimited body) to dst until
// its end, flushing the client writer whenever the target has nothing
// more buffered.
func (x *Listener) stream(dst io.Writer, flush *bufio.Writer, u *h1.Conn, src io.Reader) (int64, error) {
	buf := h1.CopyBuffers.Get().(*[]byte)
	defer h1.CopyBuffers.Put(buf)
	var total int64
	for {
		if u.R.Buffered() == 0 {
			u.Deadline.Set(x.idle) // as in h1.Conn.CopyBody
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

func timedOut(err error) bool { return h1.TimedOut(err) }
