// Package clock is the time the local runtime runs on: health-check
// rhythms and timeouts, deregistration delays, ECS's lag and restart
// back-offs read the time and wait through a Clock, and the data path's
// I/O timeouts (idle connections, slow bodies, silent targets, idle
// flows) are Deadlines on it, so tests drive them with a fake one
// (clocktest) instead of waiting on the wall clock. On the system's
// clock a Deadline is the socket's own deadline, at no extra cost.
package clock

import (
	"context"
	"time"
)

// Clock tells the time and makes timers.
type Clock interface {
	Now() time.Time
	// NewTimer sends the time on the timer's channel once d has passed.
	NewTimer(d time.Duration) Timer
	// AfterFunc calls f on a goroutine of its own once d has passed; the
	// timer's channel is nil.
	AfterFunc(d time.Duration, f func()) Timer
}

// Timer is a pending event of a Clock, as *time.Timer is one of the
// system's.
type Timer interface {
	C() <-chan time.Time
	// Stop prevents the timer from firing; it reports whether it did.
	Stop() bool
	// Reset makes the timer fire once d has passed from now; it reports
	// whether the timer was pending.
	Reset(d time.Duration) bool
}

// Real is the system's clock.
type Real struct{}

// Now is time.Now.
func (Real) Now() time.Time { return time.Now() }

// NewTimer is time.NewTimer.
func (Real) NewTimer(d time.Duration) Timer { return realTimer{time.NewTimer(d)} }

// AfterFunc is time.AfterFunc.
func (Real) AfterFunc(d time.Duration, f func()) Timer { return realTimer{time.AfterFunc(d, f)} }

type realTimer struct{ t *time.Timer }

func (r realTimer) C() <-chan time.Time        { return r.t.C }
func (r realTimer) Stop() bool                 { return r.t.Stop() }
func (r realTimer) Reset(d time.Duration) bool { return r.t.Reset(d) }

// Or returns c, or the system's clock when c is nil.
func Or(c Clock) Clock {
	if c == nil {
		return Real{}
	}
	return c
}

// Since is the time passed on c since t.
func Since(c Clock, t time.Time) time.Duration { return c.Now().Sub(t) }

// Sleep waits on c for d to pass or ctx to end, and reports whether d
// passed.
func Sleep(ctx context.Context, c Clock, d time.Duration) bool {
	t := c.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C():
		return true
	case <-ctx.Done():
		return false
	}
}

// WithTimeout is context.WithTimeout on c: the context ends once d has
// passed on c (its cause then is context.DeadlineExceeded). On the
// system's clock it is context.WithTimeout itself. A context of another
// clock has no Deadline, which the system's network calls would read as
// wall-clock time.
func WithTimeout(ctx context.Context, c Clock, d time.Duration) (context.Context, context.CancelFunc) {
	if _, real := c.(Real); real {
		return context.WithTimeout(ctx, d)
	}
	ctx, cancel := context.WithCancelCause(ctx)
	t := c.AfterFunc(d, func() { cancel(context.DeadlineExceeded) })
	return ctx, func() {
		t.Stop()
		cancel(context.Canceled)
	}
}
