package clocktest

import (
	"sync"
	"testing"
	"time"
)

// TestTimersFireInOrder: Advance fires what is due in the order of the
// timers' times, reading each timer's time as it fires; a stopped timer
// does not fire; a channel keeps one time, as the system's does.
func TestTimersFireInOrder(t *testing.T) {
	c := New(t)
	start := c.Now()
	var mu sync.Mutex
	var fired []time.Duration
	record := func() {
		mu.Lock()
		defer mu.Unlock()
		fired = append(fired, c.Now().Sub(start))
	}
	c.AfterFunc(3*time.Second, record)
	c.AfterFunc(1*time.Second, record)
	stopped := c.AfterFunc(2*time.Second, record)
	if !stopped.Stop() {
		t.Fatal("Stop of a pending timer reported it was not pending")
	}
	ch := c.NewTimer(time.Second)
	c.AdvanceAndWait(5 * time.Second)
	if got := c.Now().Sub(start); got != 5*time.Second {
		t.Errorf("the clock reads %v after advancing 5s", got)
	}
	if len(fired) != 2 || fired[0] != time.Second || fired[1] != 3*time.Second {
		t.Errorf("fired at %v; want [1s 3s]", fired)
	}
	if at := <-ch.C(); at.Sub(start) != time.Second {
		t.Errorf("the timer's channel got %v; want its time, 1s", at.Sub(start))
	}
	ch.Reset(time.Second)
	c.Advance(time.Second)
	ch.Reset(time.Second)
	c.Advance(time.Second)
	<-ch.C()
	select {
	case <-ch.C():
		t.Error("a channel held two times")
	default:
	}
	if c.Pending() != 0 {
		t.Errorf("%d timers pending after all fired", c.Pending())
	}
}

// TestAdvanceAndWaitFollowsChains: a function that sets the next timer
// within the step has it fired by the same AdvanceAndWait, after it
// returned.
func TestAdvanceAndWaitFollowsChains(t *testing.T) {
	c := New(t)
	n := 0
	var tick func()
	tick = func() {
		n++
		c.AfterFunc(10*time.Second, tick)
	}
	c.AfterFunc(10*time.Second, tick)
	c.AdvanceAndWait(35 * time.Second)
	if n != 3 {
		t.Errorf("a chain of 10 s timers fired %d times in 35 s; want 3", n)
	}
	if d, ok := c.Next(); !ok || d != 5*time.Second {
		t.Errorf("the next timer in %v (%v); want 5s", d, ok)
	}
	c.BlockUntilDue(5 * time.Second)
}
