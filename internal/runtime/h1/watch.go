package h1

import (
	"bufio"
	"sync"
	"sync/atomic"
	"time"

	"github.com/netwright/netwright/internal/clock"
)

// Watcher notices a client that leaves while an upstream answers, as
// net/http's server does with a background read: a data path reads
// nothing from its client until the answer is out, so without it a client
// that gives up on a slow upstream would be noticed only when the answer
// is written. It starts only after a while (the client's reader is idle
// then), so a quick answer costs a timer's reset and stop and no system
// call. A client connection has one, its timer made on the first watch
// and reset for each request after.
type Watcher struct {
	// R is the client's reader and DL its read deadline: the watch reads
	// ahead into R, and ends its read by expiring DL.
	R  *bufio.Reader
	DL *clock.Deadline

	timer clock.Timer
	// done receives once a read ahead that started has ended.
	done chan struct{}
	gone atomic.Bool

	mu sync.Mutex
	// u is the upstream's connection, which a client that leaves closes;
	// gen counts the watches, so a timer of an earlier one that fired
	// late starts nothing; started and stopped order start against stop.
	u                *Conn
	gen              uint64
	started, stopped bool
}

// Watch watches the client from after on (on clk), while u carries its
// request. Stop ends the watch.
func (w *Watcher) Watch(u *Conn, clk clock.Clock, after time.Duration) {
	w.mu.Lock()
	w.u, w.started, w.stopped = u, false, false
	w.gen++
	w.mu.Unlock()
	w.gone.Store(false)
	if w.timer == nil {
		w.done = make(chan struct{}, 1)
		w.timer = clock.Or(clk).AfterFunc(after, w.fire)
	} else {
		w.timer.Reset(after)
	}
}

// fire starts the read ahead on a goroutine of its own, not the timer's:
// a clock's timer function returns at once (a fake clock waits for
// them).
func (w *Watcher) fire() {
	w.mu.Lock()
	gen, stopped := w.gen, w.stopped
	w.mu.Unlock()
	if !stopped {
		go w.start(gen)
	}
}

// start reads ahead on the client's connection, into its reader (whose
// owner waits on the upstream): an end or a failure means the client
// left, and the wait for the upstream is cut short.
func (w *Watcher) start(gen uint64) {
	w.mu.Lock()
	if w.stopped || w.gen != gen {
		w.mu.Unlock()
		return
	}
	w.DL.Clear() // before stop can set its own
	w.started = true
	u := w.u
	w.mu.Unlock()
	defer func() { w.done <- struct{}{} }()
	if _, err := w.R.Peek(1); err != nil && !TimedOut(err) {
		w.gone.Store(true)
		u.Net.Close()
	}
}

// Stop ends the watch and hands the client's reader back; it reports
// whether the client left.
func (w *Watcher) Stop() bool {
	w.timer.Stop()
	w.mu.Lock()
	w.stopped = true
	started := w.started
	w.mu.Unlock()
	if started {
		w.DL.Expire() // ends the read ahead
		<-w.done
		w.DL.Clear()
	}
	return w.gone.Load()
}
