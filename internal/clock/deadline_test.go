package clock_test

import (
	"errors"
	"net"
	"os"
	"testing"
	"time"

	"github.com/netwright/netwright/internal/clock"
	"github.com/netwright/netwright/internal/clock/clocktest"
)

// readOnce starts a read of c and returns its outcome's channel.
func readOnce(c net.Conn) <-chan error {
	done := make(chan error, 1)
	go func() {
		_, err := c.Read(make([]byte, 1))
		done <- err
	}()
	return done
}

// TestDeadlineOnAFakeClock: a read under a Deadline on a fake clock times
// out exactly when the clock reaches the deadline, not a nanosecond
// before; a later Set moves it, Clear removes it, Expire ends a read at
// once.
func TestDeadlineOnAFakeClock(t *testing.T) {
	clk := clocktest.New(t)
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	var d clock.Deadline
	d.Init(a, clk)
	defer d.Stop()
	if d.OnSystemClock() {
		t.Fatal("a Deadline on a fake clock says it is the socket's own")
	}

	d.Set(10 * time.Second)
	done := readOnce(a)
	clk.AdvanceAndWait(4 * time.Second)
	d.Set(10 * time.Second) // moved on: due 14 s from the start
	clk.AdvanceAndWait(10*time.Second - time.Nanosecond)
	if next, ok := clk.Next(); !ok || next != time.Nanosecond {
		t.Fatalf("a nanosecond before the deadline the next timer is %v (%v); want it 1ns away", next, ok)
	}
	select {
	case err := <-done:
		t.Fatalf("the read ended (%v) before the deadline", err)
	default:
	}
	clk.AdvanceAndWait(time.Nanosecond)
	if err := <-done; !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("the read at the deadline: %v; want a timeout", err)
	}

	// A new Set clears the expired deadline; Clear removes the timer.
	d.Set(time.Second)
	d.Clear()
	if n := clk.Pending(); n != 0 {
		t.Errorf("%d timers pending after Clear", n)
	}
	done = readOnce(a)
	clk.AdvanceAndWait(time.Hour)
	go b.Write([]byte("x"))
	if err := <-done; err != nil {
		t.Errorf("a read with the deadline cleared, an hour on: %v; want the byte", err)
	}

	done = readOnce(a)
	d.Expire()
	if err := <-done; !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("a read after Expire: %v; want a timeout", err)
	}
}

// TestDeadlineOnTheSystemClock: on the system's clock a Deadline is the
// socket's own and sets no timer.
func TestDeadlineOnTheSystemClock(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	var d clock.Deadline
	d.Init(a, clock.Real{})
	if !d.OnSystemClock() {
		t.Fatal("a Deadline on the system's clock says it is not the socket's own")
	}
	d.Set(time.Millisecond)
	if err := <-readOnce(a); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("a read past a 1ms deadline: %v; want a timeout", err)
	}
}

// TestSetUntil: a deadline given as a time of the clock holds whenever it
// is set: one set after the clock moved on (a relay computing it from
// when its flow last carried traffic, late to run) fires at that time,
// not that much later.
func TestSetUntil(t *testing.T) {
	clk := clocktest.New(t)
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	var d clock.Deadline
	d.Init(a, clk)
	defer d.Stop()
	due := clk.Now().Add(10 * time.Second)
	clk.AdvanceAndWait(4 * time.Second) // the clock moves before the deadline is set
	d.SetUntil(due)
	done := readOnce(a)
	clk.AdvanceAndWait(6*time.Second - time.Nanosecond)
	select {
	case err := <-done:
		t.Fatalf("the read ended (%v) before the deadline", err)
	default:
	}
	clk.AdvanceAndWait(time.Nanosecond)
	if err := <-done; !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("the read at the deadline: %v; want a timeout", err)
	}
	// On the system's clock it is the socket's own deadline.
	var sys clock.Deadline
	sys.Init(b, clock.Real{})
	sys.SetUntil(time.Now().Add(-time.Second))
	if _, err := b.Read(make([]byte, 1)); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("a read past a system-clock deadline: %v; want a timeout", err)
	}
}
