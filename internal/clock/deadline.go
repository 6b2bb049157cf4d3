package clock

import (
	"sync"
	"time"
)

// Deadline is a connection's read deadline kept on a clock, so the data
// path's I/O timeouts (a client's or a target's idle timeout, a flow's)
// run on the clock the rest of the runtime runs on.
//
// On the system's clock it is the socket's own deadline, set as
// SetReadDeadline sets it: nothing more on the hot path than the call
// itself. On any other clock it is one of that clock's timers, which,
// once the time passes on that clock, sets the socket's deadline in the
// past: the read in progress, and any later one, fails with a timeout
// (os.ErrDeadlineExceeded) exactly as it would have at a wall-clock
// deadline. The socket itself then carries no deadline of its own, so a
// fake clock's test decides alone when a timeout happens.
//
// The zero value is unusable; Init it once per connection. A Deadline's
// methods may be called from any goroutine.
type Deadline struct {
	conn interface{ SetReadDeadline(time.Time) error }
	// clk is nil on the system's clock.
	clk Clock

	mu    sync.Mutex
	timer Timer
	due   time.Time
	armed bool
}

// aLongTimeAgo is a deadline in the past: reads fail at once.
var aLongTimeAgo = time.Unix(1, 0)

// Init makes d the read deadline of conn on c (the system's clock when
// nil), with none set.
func (d *Deadline) Init(conn interface{ SetReadDeadline(time.Time) error }, c Clock) {
	d.conn = conn
	if _, real := c.(Real); real {
		c = nil
	}
	d.clk = c
}

// OnSystemClock reports whether d is the socket's own deadline.
func (d *Deadline) OnSystemClock() bool { return d.clk == nil }

// Set makes reads fail with a timeout once after has passed on the clock
// from now, replacing any deadline set before.
func (d *Deadline) Set(after time.Duration) {
	if d.clk == nil {
		d.conn.SetReadDeadline(time.Now().Add(after))
		return
	}
	d.SetUntil(d.clk.Now().Add(after))
}

// SetUntil makes reads fail with a timeout once the clock reaches t, a
// time of d's clock, replacing any deadline set before. Unlike
// Set(t.Sub(now)), the clock is read once, so a clock that moves between
// the caller's reading and this one moves nothing.
func (d *Deadline) SetUntil(t time.Time) {
	if d.clk == nil {
		d.conn.SetReadDeadline(t)
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.due, d.armed = t, true
	d.conn.SetReadDeadline(time.Time{}) // one that expired before
	after := t.Sub(d.clk.Now())
	if d.timer == nil {
		d.timer = d.clk.AfterFunc(after, d.fire)
	} else {
		d.timer.Reset(after)
	}
}

// fire expires the socket's deadline if d is still due by now: a Set
// that came after the timer fired but before this ran moved it on.
func (d *Deadline) fire() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.armed && !d.clk.Now().Before(d.due) {
		d.armed = false
		d.conn.SetReadDeadline(aLongTimeAgo)
	}
}

// Clear removes the deadline: reads wait as long as they take.
func (d *Deadline) Clear() {
	if d.clk == nil {
		d.conn.SetReadDeadline(time.Time{})
		return
	}
	d.disarm()
	d.conn.SetReadDeadline(time.Time{})
}

// Expire makes the read in progress, and later ones, fail with a timeout
// at once, on any clock (to stop a read, not to time one).
func (d *Deadline) Expire() {
	if d.clk != nil {
		d.disarm()
	}
	d.conn.SetReadDeadline(aLongTimeAgo)
}

// Stop releases the clock's timer; call it when the connection ends.
// The socket's deadline is left as it is.
func (d *Deadline) Stop() {
	if d.clk != nil {
		d.disarm()
	}
}

func (d *Deadline) disarm() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.armed = false
	if d.timer != nil {
		d.timer.Stop()
	}
}
