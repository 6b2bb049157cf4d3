package alb

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"testing"
	"time"
)

// TestRawIO: a connection with raw reads and writes reads, writes, times
// out, ends and fails as net.TCPConn does.
func TestRawIO(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			close(accepted)
			return
		}
		accepted <- c
	}()
	dialed, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer dialed.Close()
	peer, ok := <-accepted
	if !ok {
		t.Fatal("no connection accepted")
	}
	defer peer.Close()
	c := rawIO(dialed)
	if _, raw := c.(*rawTCP); !raw {
		t.Fatalf("rawIO gave a %T", c)
	}
	c.SetDeadline(time.Now().Add(time.Minute))
	peer.SetDeadline(time.Now().Add(time.Minute))

	// 8 MB each way, more than the socket buffers hold: writes wait for
	// room, reads for data.
	payload := bytes.Repeat([]byte("0123456789abcdef"), 512<<10)
	got := make(chan []byte, 1)
	go func() {
		b, _ := io.ReadAll(io.LimitReader(peer, int64(len(payload))))
		got <- b
	}()
	if n, err := c.Write(payload); n != len(payload) || err != nil {
		t.Fatalf("Write = %d, %v", n, err)
	}
	if b := <-got; !bytes.Equal(b, payload) {
		t.Fatalf("the peer read %d bytes, not the %d written", len(b), len(payload))
	}
	go peer.Write(payload)
	if b, err := io.ReadAll(io.LimitReader(c, int64(len(payload)))); err != nil || !bytes.Equal(b, payload) {
		t.Fatalf("read %d bytes of %d: %v", len(b), len(payload), err)
	}

	// A read deadline: a timeout, as net.TCPConn's, and the connection
	// still reads after it.
	c.SetReadDeadline(time.Now().Add(10 * time.Millisecond))
	if _, err := c.Read(make([]byte, 1)); !timedOut(err) || !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("a read past its deadline: %v", err)
	}
	var oe *net.OpError
	if _, err := c.Read(make([]byte, 1)); !errors.As(err, &oe) || oe.Op != "read" {
		t.Errorf("the error of a read: %#v; want a *net.OpError of op read", err)
	}
	c.SetReadDeadline(time.Now().Add(time.Minute))
	peer.Write([]byte("x"))
	if b := make([]byte, 4); func() bool { n, err := c.Read(b); return n != 1 || err != nil || b[0] != 'x' }() {
		t.Fatal("no read after a timeout")
	}

	// The peer closes: io.EOF. Closed here: net.ErrClosed.
	peer.Close()
	if n, err := c.Read(make([]byte, 4)); n != 0 || err != io.EOF {
		t.Fatalf("a read after the peer closed = %d, %v; want io.EOF", n, err)
	}
	c.Close()
	if _, err := c.Read(make([]byte, 4)); !errors.Is(err, net.ErrClosed) {
		t.Errorf("a read after Close: %v", err)
	}
	if _, err := c.Write([]byte("x")); !errors.Is(err, net.ErrClosed) {
		t.Errorf("a write after Close: %v", err)
	}

	// What is not a TCP connection stays as it is.
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	if rawIO(a) != a {
		t.Error("rawIO wrapped a pipe")
	}
}
