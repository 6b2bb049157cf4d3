package alb

import (
	"context"
	"io"
	"sync/atomic"
	"time"

	"github.com/netwright/netwright/internal/clock"
)

// idleWatch is ALB's connection idle timeout on a request served by
// ServeHTTP, whatever the protocol version: when no data moves between
// the client and the target for the idle timeout (the request body, the
// response head or body, a WebSocket's frames either way), the request
// to the target is cancelled. Before the response head that is a 504;
// after it the answer is cut and the client's connection (HTTP/1) or
// stream (HTTP/2) reset; an upgraded connection is closed. It is a timer,
// not a socket deadline, so it runs on the listener's clock.
type idleWatch struct {
	idle  time.Duration
	timer clock.Timer
	fired atomic.Bool
}

// watchIdle returns ctx with the watch's cancellation; stop ends the
// watch when the request is done.
func watchIdle(ctx context.Context, c clock.Clock, idle time.Duration) (_ context.Context, w *idleWatch, stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	w = &idleWatch{idle: idle}
	w.timer = c.AfterFunc(idle, func() {
		w.fired.Store(true)
		cancel()
	})
	return ctx, w, func() {
		w.timer.Stop()
		cancel()
	}
}

// touch notes that data moved.
func (w *idleWatch) touch() {
	if w != nil && !w.fired.Load() {
		w.timer.Reset(w.idle)
	}
}

// timedOut reports whether the idle timeout ended the request.
func (w *idleWatch) timedOut() bool { return w != nil && w.fired.Load() }

// idleBody is a response body whose reads keep the watch from firing.
type idleBody struct {
	io.ReadCloser
	w *idleWatch
}

func (b *idleBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if n > 0 {
		b.w.touch()
	}
	return n, err
}

// idleConn is an upgraded (WebSocket) connection to the target: frames
// either way keep the watch from firing, and are counted for the access
// log.
type idleConn struct {
	io.ReadWriteCloser
	w *idleWatch
	// in counts bytes from the client to the target, out the other way.
	in, out atomic.Int64
}

func (c *idleConn) Read(p []byte) (int, error) {
	n, err := c.ReadWriteCloser.Read(p)
	if n > 0 {
		c.out.Add(int64(n))
		c.w.touch()
	}
	return n, err
}

func (c *idleConn) Write(p []byte) (int, error) {
	n, err := c.ReadWriteCloser.Write(p)
	if n > 0 {
		c.in.Add(int64(n))
		c.w.touch()
	}
	return n, err
}
