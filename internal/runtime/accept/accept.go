// Package accept is the accept loop every socket of the local runtime is
// served with (the ALB and NLB listeners, the built-in tasks and
// appliances): each connection on a goroutine of its own, counted so its
// owner can wait for them, and a back-off on the errors that pass (out of
// file descriptors, a connection aborted before it was accepted) instead
// of a spin. It does not own what is done with a connection.
package accept

import (
	"errors"
	"net"
	"sync"
	"syscall"
	"time"

	"github.com/netwright/netwright/internal/clock"
)

// Back-off after a temporary error: the first wait, doubled after each
// error in a row up to the last, as net/http's Server.Serve waits.
const (
	FirstBackoff = 5 * time.Millisecond
	LastBackoff  = time.Second
)

// Loop accepts connections and hands each to Handle.
type Loop struct {
	// Handle serves one connection, on a goroutine of its own; closing
	// the connection is its.
	Handle func(net.Conn)
	// Conns, when set, counts the Handle goroutines running, for an owner
	// that waits for them to end.
	Conns *sync.WaitGroup
	// Clock times the back-off; the system's clock when nil.
	Clock clock.Clock
}

// Serve accepts on ln until ln is closed (it returns nil then) or Accept
// fails with an error that does not pass, which it returns. After a
// temporary error it waits FirstBackoff, doubling to LastBackoff while
// the errors go on, before it accepts again.
func (l Loop) Serve(ln net.Listener) error {
	clk := clock.Or(l.Clock)
	var delay time.Duration
	for {
		c, err := ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			if !Temporary(err) {
				return err
			}
			delay = min(max(2*delay, FirstBackoff), LastBackoff)
			t := clk.NewTimer(delay)
			<-t.C()
			continue
		}
		delay = 0
		if l.Conns != nil {
			l.Conns.Go(func() { l.Handle(c) })
		} else {
			go l.Handle(c)
		}
	}
}

// Temporary reports whether an Accept error passes: the process or the
// system is out of file descriptors (EMFILE, ENFILE) or buffers, a
// connection was aborted before it was accepted (ECONNABORTED), or a
// timeout.
func Temporary(err error) bool {
	for _, e := range []error{syscall.EMFILE, syscall.ENFILE, syscall.ECONNABORTED, syscall.ENOBUFS, syscall.ENOMEM} {
		if errors.Is(err, e) {
			return true
		}
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
