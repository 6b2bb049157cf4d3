package alb

import (
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// rawTCP is a TCP connection of the data path whose reads and writes
// call the system as raw system calls, through the socket's RawConn: the
// poller waits as it does for net.TCPConn's (deadlines included), but a
// call does not go through the runtime's system-call bookkeeping. The
// socket is non-blocking, so a call never blocks in the kernel; marking
// it as a system call only lets the runtime's monitor take the thread's
// P away whenever the kernel is slow to return (a write on loopback
// delivers the segment to its reader before it returns, and the scheduler
// preempts the writer for that reader), handing the P to another thread
// that has to be woken, while the first one, back from the kernel,
// finds no P and goes to sleep. On a machine whose cores are all busy
// that churn cost a context switch every few requests (see BENCHMARKS.md).
//
// The data path uses it for every client connection (under the tls.Conn
// of an HTTPS one) and every connection to a target.
type rawTCP struct {
	*net.TCPConn
	rc syscall.RawConn
	// The read and the write in progress: their buffers, what was done,
	// and the functions the RawConn calls, made once so a call allocates
	// nothing. rmu and wmu order calls of each kind, as the socket's own
	// locks would.
	rmu, wmu sync.Mutex
	r, w     rawOp
	readFn   func(fd uintptr) bool
	writeFn  func(fd uintptr) bool
}

// rawOp is a read or a write in progress.
type rawOp struct {
	p     []byte
	n     int
	errno syscall.Errno
}

// rawIO returns c with raw reads and writes when it is a TCP connection,
// else c itself.
func rawIO(c net.Conn) net.Conn {
	tc, ok := c.(*net.TCPConn)
	if !ok {
		return c
	}
	rc, err := tc.SyscallConn()
	if err != nil {
		return c
	}
	rt := &rawTCP{TCPConn: tc, rc: rc}
	rt.readFn, rt.writeFn = rt.r.read, rt.w.write
	return rt
}

// read reads into op.p once it can; false while the socket has nothing.
func (op *rawOp) read(fd uintptr) bool {
	for {
		r, _, e := unix.RawSyscall(unix.SYS_READ, fd, uintptr(unsafe.Pointer(&op.p[0])), uintptr(len(op.p)))
		switch e {
		case syscall.EINTR:
			continue
		case syscall.EAGAIN:
			return false // the poller waits for more
		}
		op.n, op.errno = int(r), e
		return true
	}
}

// write writes what is left of op.p; false while the socket has no room.
func (op *rawOp) write(fd uintptr) bool {
	for op.n < len(op.p) {
		r, _, e := unix.RawSyscall(unix.SYS_WRITE, fd, uintptr(unsafe.Pointer(&op.p[op.n])), uintptr(len(op.p)-op.n))
		switch e {
		case 0:
			op.n += int(r)
		case syscall.EINTR:
		case syscall.EAGAIN:
			return false // the poller waits for room
		default:
			op.errno = e
			return true
		}
	}
	return true
}

func (c *rawTCP) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return c.TCPConn.Read(p)
	}
	c.rmu.Lock()
	defer c.rmu.Unlock()
	c.r = rawOp{p: p}
	err := c.rc.Read(c.readFn)
	n, errno := c.r.n, c.r.errno
	c.r.p = nil
	switch {
	case err != nil:
		return 0, c.opError("read", err)
	case errno != 0:
		return 0, c.opError("read", os.NewSyscallError("read", errno))
	case n == 0:
		return 0, io.EOF
	}
	return n, nil
}

func (c *rawTCP) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return c.TCPConn.Write(p)
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.w = rawOp{p: p}
	err := c.rc.Write(c.writeFn)
	n, errno := c.w.n, c.w.errno
	c.w.p = nil
	switch {
	case err != nil:
		return n, c.opError("write", err)
	case errno != 0:
		return n, c.opError("write", os.NewSyscallError("write", errno))
	}
	return n, nil
}

// opError is err as net.TCPConn's Read and Write report theirs; the
// RawConn's own (a deadline, a closed connection) keep their cause.
func (c *rawTCP) opError(op string, err error) error {
	var oe *net.OpError
	if errors.As(err, &oe) {
		oe.Op = op
		return oe
	}
	return &net.OpError{Op: op, Net: "tcp", Source: c.LocalAddr(), Addr: c.RemoteAddr(), Err: err}
}
