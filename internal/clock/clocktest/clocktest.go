// Package clocktest is a clock.Clock for tests: its time moves only when
// the test advances it, so a test of health checks, delays and back-offs
// runs in memory, exactly and at once, however busy the machine.
package clocktest

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/netwright/netwright/internal/clock"
)

// Clock is a fake clock. Timers fire when Advance passes their time, in
// the order of their times; AfterFunc's functions run on goroutines of
// their own, as the system's do, and AdvanceAndWait waits for them.
type Clock struct {
	tb testing.TB

	mu      sync.Mutex
	now     time.Time
	pending []*timer
	seq     int
	// running counts AfterFunc functions that have not returned.
	running int
	// changed is closed and replaced whenever pending or running change.
	changed chan struct{}
}

// settleWait bounds how long a test waits, on the wall clock, for the
// functions of fired timers to return, or for timers to be set.
const settleWait = time.Minute

// New returns a clock at an arbitrary fixed time. It fails tb when a wait
// of AdvanceAndWait or BlockUntil does not end within a minute.
func New(tb testing.TB) *Clock {
	return &Clock{tb: tb, now: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), changed: make(chan struct{})}
}

var _ clock.Clock = (*Clock)(nil)

type timer struct {
	c    *Clock
	when time.Time
	seq  int // the order of timers with the same time
	ch   chan time.Time
	f    func()
	set  bool // pending
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// NewTimer returns a timer whose channel receives the time once d has
// passed; at once when d is not positive.
func (c *Clock) NewTimer(d time.Duration) clock.Timer {
	t := &timer{c: c, ch: make(chan time.Time, 1)}
	t.Reset(d)
	return t
}

// AfterFunc runs f on a goroutine of its own once d has passed; at once
// when d is not positive.
func (c *Clock) AfterFunc(d time.Duration, f func()) clock.Timer {
	t := &timer{c: c, f: f}
	t.Reset(d)
	return t
}

func (t *timer) C() <-chan time.Time { return t.ch }

func (t *timer) Stop() bool {
	c := t.c
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.unset(t)
}

func (t *timer) Reset(d time.Duration) bool {
	c := t.c
	c.mu.Lock()
	defer c.mu.Unlock()
	was := c.unset(t)
	t.when = c.now.Add(d)
	if d <= 0 {
		c.fire(t)
		return was
	}
	c.seq++
	t.seq, t.set = c.seq, true
	c.pending = append(c.pending, t)
	c.signal()
	return was
}

// unset removes t from the pending timers. The caller holds c.mu.
func (c *Clock) unset(t *timer) bool {
	if !t.set {
		return false
	}
	t.set = false
	c.pending = slices.DeleteFunc(c.pending, func(x *timer) bool { return x == t })
	c.signal()
	return true
}

// fire delivers t: the time on its channel (dropped when the last one
// was not received, as a system timer's channel holds one), or its
// function on a goroutine of its own. The caller holds c.mu.
func (c *Clock) fire(t *timer) {
	if t.f == nil {
		select {
		case t.ch <- t.when:
		default:
		}
		return
	}
	c.running++
	c.signal()
	go func() {
		defer func() {
			c.mu.Lock()
			c.running--
			c.signal()
			c.mu.Unlock()
		}()
		t.f()
	}()
}

// signal wakes whoever waits for a change. The caller holds c.mu.
func (c *Clock) signal() {
	close(c.changed)
	c.changed = make(chan struct{})
}

// next removes and returns the earliest pending timer due by until, or
// nil. The caller holds c.mu.
func (c *Clock) next(until time.Time) *timer {
	var first *timer
	for _, t := range c.pending {
		if !t.when.After(until) && (first == nil || t.when.Before(first.when) || t.when.Equal(first.when) && t.seq < first.seq) {
			first = t
		}
	}
	if first != nil {
		c.unset(first)
	}
	return first
}

// Advance moves the clock d forward, firing every timer due on the way in
// the order of their times (the clock reads each timer's time as it
// fires). It does not wait for the functions it starts; a timer one of
// them sets is fired by this Advance only if it is set in time.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	until := c.now.Add(d)
	for t := c.next(until); t != nil; t = c.next(until) {
		c.moveTo(t.when)
		c.fire(t)
	}
	c.moveTo(until)
}

// moveTo sets the time to t unless it is past t already (a function
// advanced it). The caller holds c.mu.
func (c *Clock) moveTo(t time.Time) {
	if t.After(c.now) {
		c.now = t
	}
}

// AdvanceAndWait waits until every function a timer started has
// returned, then moves the clock d forward one due time after another: at
// each it fires the timers due then and waits again, so timers those
// functions set within d fire too. A health check's round that a timer starts has
// ended when it returns; one that waits on a later time of this clock
// never ends here: use Advance for it.
func (c *Clock) AdvanceAndWait(d time.Duration) {
	c.tb.Helper()
	c.Wait()
	c.mu.Lock()
	until := c.now.Add(d)
	c.mu.Unlock()
	for {
		c.mu.Lock()
		t := c.next(until)
		if t == nil {
			c.moveTo(until)
			c.mu.Unlock()
			return
		}
		c.moveTo(t.when)
		c.fire(t)
		// Others due at the same time fire together.
		for u := c.next(t.when); u != nil; u = c.next(t.when) {
			c.fire(u)
		}
		c.mu.Unlock()
		c.Wait()
	}
}

// Wait waits until every function a timer started (and any they start at
// once) has returned.
func (c *Clock) Wait() {
	c.tb.Helper()
	c.wait("the functions of fired timers to return", func() bool { return c.running == 0 })
}

// BlockUntil waits until at least n timers are pending: until the code
// under test is waiting on the clock.
func (c *Clock) BlockUntil(n int) {
	c.tb.Helper()
	c.wait("timers to be set", func() bool { return len(c.pending) >= n })
}

// BlockUntilDue waits until a timer is pending that fires exactly d from
// now: until the code under test waits on the clock for d.
func (c *Clock) BlockUntilDue(d time.Duration) {
	c.tb.Helper()
	c.wait("a timer due in "+d.String(), func() bool {
		return slices.ContainsFunc(c.pending, func(t *timer) bool { return t.when.Sub(c.now) == d })
	})
}

// Pending counts the timers set and not yet fired or stopped.
func (c *Clock) Pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.pending)
}

// Next is how long until the earliest pending timer fires.
func (c *Clock) Next() (time.Duration, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var first *timer
	for _, t := range c.pending {
		if first == nil || t.when.Before(first.when) {
			first = t
		}
	}
	if first == nil {
		return 0, false
	}
	return first.when.Sub(c.now), true
}

// wait waits, on the wall clock for at most settleWait, until cond holds
// (called with c.mu held).
func (c *Clock) wait(what string, cond func() bool) {
	c.tb.Helper()
	deadline := time.NewTimer(settleWait)
	defer deadline.Stop()
	for {
		c.mu.Lock()
		ok, changed := cond(), c.changed
		c.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-changed:
		case <-deadline.C:
			c.tb.Fatalf("clocktest: waited %v for %s", settleWait, what)
		}
	}
}
