package accept

import (
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/netwright/netwright/internal/clock/clocktest"
)

// fakeListener answers each Accept with the next of its results, then
// blocks until it is closed.
type fakeListener struct {
	results chan result
	closed  chan struct{}
	once    sync.Once
	mu      sync.Mutex
	accepts int
}

type result struct {
	c   net.Conn
	err error
}

func newFakeListener() *fakeListener {
	return &fakeListener{results: make(chan result), closed: make(chan struct{})}
}

func (l *fakeListener) Accept() (net.Conn, error) {
	l.mu.Lock()
	l.accepts++
	l.mu.Unlock()
	select {
	case r := <-l.results:
		return r.c, r.err
	case <-l.closed:
		return nil, fmt.Errorf("accept: %w", net.ErrClosed)
	}
}

func (l *fakeListener) Close() error   { l.once.Do(func() { close(l.closed) }); return nil }
func (l *fakeListener) Addr() net.Addr { return &net.TCPAddr{} }

func (l *fakeListener) calls() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.accepts
}

// accepted is an Accept error as the system returns it.
func accepted(errno syscall.Errno) error {
	return &net.OpError{Op: "accept", Net: "tcp", Err: os.NewSyscallError("accept4", errno)}
}

// TestBacksOffOnTemporaryErrors: a listener out of file descriptors is
// asked again after 5 ms, then 10, 20, ... up to a second between tries,
// not in a spin; a connection accepted resets the back-off, and each is
// handled; closing the listener ends the loop, and an error that does
// not pass ends it with that error.
func TestBacksOffOnTemporaryErrors(t *testing.T) {
	clk := clocktest.New(t)
	ln := newFakeListener()
	var conns sync.WaitGroup
	handled := make(chan net.Conn, 1)
	served := make(chan error, 1)
	go func() {
		served <- Loop{Clock: clk, Conns: &conns, Handle: func(c net.Conn) { handled <- c }}.Serve(ln)
	}()
	want := []time.Duration{5, 10, 20, 40, 80, 160, 320, 640, 1000, 1000}
	for i, errno := range []syscall.Errno{syscall.EMFILE, syscall.ENFILE, syscall.ECONNABORTED, syscall.EMFILE, syscall.EMFILE, syscall.EMFILE, syscall.EMFILE, syscall.EMFILE, syscall.EMFILE, syscall.EMFILE} {
		ln.results <- result{err: accepted(errno)}
		clk.BlockUntil(1) // waiting out the back-off
		wait, _ := clk.Next()
		if wait != want[i]*time.Millisecond {
			t.Fatalf("back-off after %d temporary errors in a row: %v; want %v", i+1, wait, want[i]*time.Millisecond)
		}
		if n := ln.calls(); n != i+1 {
			t.Fatalf("%d Accept calls during the back-off after %d errors; want no more until it passes", n, i+1)
		}
		clk.Advance(wait)
	}
	a, b := net.Pipe()
	defer b.Close()
	ln.results <- result{c: a}
	if got := <-handled; got != a {
		t.Fatalf("handled %v; want the accepted connection", got)
	}
	conns.Wait()
	ln.results <- result{err: accepted(syscall.EMFILE)}
	clk.BlockUntil(1)
	if wait, _ := clk.Next(); wait != 5*time.Millisecond {
		t.Errorf("back-off after a connection, then an error: %v; want it back to 5ms", wait)
	}
	clk.Advance(5 * time.Millisecond)
	ln.Close()
	if err := <-served; err != nil {
		t.Errorf("Serve on a closed listener: %v; want nil", err)
	}

	// An error that does not pass ends the loop with it.
	ln = newFakeListener()
	go func() { served <- Loop{Clock: clk, Handle: func(c net.Conn) { c.Close() }}.Serve(ln) }()
	ln.results <- result{err: accepted(syscall.EINVAL)}
	if err := <-served; !errors.Is(err, syscall.EINVAL) {
		t.Errorf("Serve after EINVAL: %v; want the error", err)
	}
	if n := clk.Pending(); n != 0 {
		t.Errorf("%d timers set for an error that does not pass", n)
	}
}

func TestTemporary(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want bool
	}{
		{accepted(syscall.EMFILE), true},
		{accepted(syscall.ENFILE), true},
		{accepted(syscall.ECONNABORTED), true},
		{accepted(syscall.EINVAL), false},
		{net.ErrClosed, false},
		{os.ErrDeadlineExceeded, true},
	} {
		if got := Temporary(tt.err); got != tt.want {
			t.Errorf("Temporary(%v) = %v; want %v", tt.err, got, tt.want)
		}
	}
}
