//go:build linux

package netns

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/runtime/geneve"
)

// testRuns numbers the fabrics of a test binary.
var testRuns atomic.Int64

// fabric builds d's fabric for a test and removes it when the test ends;
// it skips where network namespaces are refused (CI runs as root).
func fabric(t testing.TB, d *design.Design) *Fabric {
	t.Helper()
	f, err := New(d, int(testRuns.Add(1)))
	if err != nil {
		if errors.Is(err, os.ErrPermission) || errors.Is(err, syscall.EPERM) {
			t.Skipf("network namespaces are refused here (run as root): %v", err)
		}
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := f.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return f
}

// serve answers on an interface's address: TCP connections get a line
// and are closed, UDP datagrams an answer. It stops when the test ends.
func serve(t testing.TB, e *ENI, proto string, port int) {
	t.Helper()
	addr := netip.AddrPortFrom(e.Addr, uint16(port)).String()
	var wg sync.WaitGroup
	if proto == "udp" {
		pc, err := e.NS.ListenPacket("udp", addr)
		if err != nil {
			t.Fatal(err)
		}
		wg.Go(func() {
			buf := make([]byte, 512)
			for {
				_, from, err := pc.ReadFrom(buf)
				if err != nil {
					return
				}
				pc.WriteTo([]byte(e.Owner+"\n"), from)
			}
		})
		t.Cleanup(func() { pc.Close(); wg.Wait() })
		return
	}
	ln, err := e.NS.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Write([]byte(e.Owner + "\n"))
			c.Close()
		}
	})
	t.Cleanup(func() { ln.Close(); wg.Wait() })
}

// outcome is what a connection attempt met on the network.
type outcome string

const (
	passed  outcome = "passes"  // connected, or refused by the host: the network let it through
	dropped outcome = "dropped" // no answer within the timeout: filtered, as AWS drops
)

// try opens a connection (TCP) or sends a datagram (UDP) from an
// interface's namespace to addr and says what happened.
func try(e *ENI, proto string, addr netip.AddrPort, timeout time.Duration) (outcome, error) {
	d := &net.Dialer{Timeout: timeout}
	if e.link == nil && e.Addr.IsValid() { // a site's host: from its own address
		if proto == "udp" {
			d.LocalAddr = &net.UDPAddr{IP: e.Addr.AsSlice()}
		} else {
			d.LocalAddr = &net.TCPAddr{IP: e.Addr.AsSlice()}
		}
	}
	c, err := e.NS.Dialer(d)(context.Background(), proto, addr.String())
	if proto == "tcp" {
		switch {
		case err == nil:
			c.Close()
			return passed, nil
		case errors.Is(err, syscall.ECONNREFUSED):
			return passed, nil
		case isTimeout(err):
			return dropped, nil
		}
		return "", err
	}
	if err != nil {
		return "", err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(timeout))
	if _, err := c.Write([]byte("hello\n")); err != nil {
		return "", err
	}
	buf := make([]byte, 64)
	_, err = c.Read(buf)
	switch {
	case err == nil, errors.Is(err, syscall.ECONNREFUSED):
		return passed, nil
	case isTimeout(err):
		return dropped, nil
	}
	return "", err
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// applianceLog is what a test's appliance task passed and dropped.
type applianceLog struct {
	mu               sync.Mutex
	started, dropped []geneve.Flow
}

func (l *applianceLog) flows() (started, dropped []geneve.Flow) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.started), slices.Clone(l.dropped)
}

// serveAppliance runs the built-in appliance on an interface's GENEVE
// port until the test ends.
func serveAppliance(t testing.TB, e *ENI) *applianceLog {
	t.Helper()
	pc, err := e.NS.ListenPacket("udp", netip.AddrPortFrom(e.Addr, geneve.Port).String())
	if err != nil {
		t.Fatal(err)
	}
	l := &applianceLog{}
	a := &geneve.Appliance{
		Started: func(f geneve.Flow) { l.mu.Lock(); l.started = append(l.started, f); l.mu.Unlock() },
		Dropped: func(f geneve.Flow) { l.mu.Lock(); l.dropped = append(l.dropped, f); l.mu.Unlock() },
	}
	var wg sync.WaitGroup
	wg.Go(func() { a.Serve(pc) })
	t.Cleanup(func() { pc.Close(); wg.Wait() })
	return l
}
