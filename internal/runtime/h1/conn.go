package h1

import (
	"bufio"
	"net"
	"sync"
	"time"

	"github.com/netwright/netwright/internal/clock"
)

// Conn is a keep-alive connection to an upstream, its buffers lent by
// a Buffers.
type Conn struct {
	Net net.Conn
	R   *bufio.Reader
	W   *bufio.Writer
	// Deadline is the connection's read deadline, on the data path's
	// clock.
	Deadline  clock.Deadline
	idleSince time.Time
	from      *Buffers
}

// Buffers lends upstream connections their reader and writer; a reader's
// size bounds the response heads read through it.
type Buffers struct {
	readers, writers sync.Pool
}

// NewBuffers makes a lender of readers of readSize and writers of
// writeSize bytes.
func NewBuffers(readSize, writeSize int) *Buffers {
	return &Buffers{
		readers: sync.Pool{New: func() any { return bufio.NewReaderSize(nil, readSize) }},
		writers: sync.Pool{New: func() any { return bufio.NewWriterSize(nil, writeSize) }},
	}
}

// Conn wraps c, its read deadline on clk.
func (b *Buffers) Conn(c net.Conn, clk clock.Clock) *Conn {
	u := &Conn{Net: c, R: b.readers.Get().(*bufio.Reader), W: b.writers.Get().(*bufio.Writer), from: b}
	u.Deadline.Init(c, clk)
	u.R.Reset(c)
	u.W.Reset(c)
	return u
}

// Close closes the connection and gives its buffers back.
func (u *Conn) Close() {
	u.Deadline.Stop()
	u.Net.Close()
	u.R.Reset(nil)
	u.W.Reset(nil)
	u.from.readers.Put(u.R)
	u.from.writers.Put(u.W)
}

// Pool holds an upstream's idle connections, newest last. The zero value
// is an empty pool.
type Pool struct {
	mu     sync.Mutex
	idle   []*Conn
	closed bool
}

// Get returns the newest idle connection younger than maxIdle, or nil.
func (p *Pool) Get(now time.Time, maxIdle time.Duration) *Conn {
	p.mu.Lock()
	defer p.mu.Unlock()
	if n := len(p.idle); n > 0 {
		u := p.idle[n-1]
		p.idle[n-1] = nil
		p.idle = p.idle[:n-1]
		if now.Sub(u.idleSince) < maxIdle {
			return u
		}
		// The newest is too old: so are the rest.
		u.Close()
		for _, o := range p.idle {
			o.Close()
		}
		p.idle = p.idle[:0]
	}
	return nil
}

// Put keeps u for reuse, closing the oldest connections past max or
// maxIdle.
func (p *Pool) Put(u *Conn, now time.Time, max int, maxIdle time.Duration) {
	u.idleSince = now
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		u.Close()
		return
	}
	p.idle = append(p.idle, u)
	drop := 0
	for drop < len(p.idle) && (len(p.idle)-drop > max || now.Sub(p.idle[drop].idleSince) >= maxIdle) {
		p.idle[drop].Close()
		drop++
	}
	if drop > 0 {
		p.idle = append(p.idle[:0], p.idle[drop:]...)
	}
}

// Close drops every idle connection; later ones are closed when put.
func (p *Pool) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	for _, u := range p.idle {
		u.Close()
	}
	p.idle = nil
}

// CloseIdle drops the idle connections; the pool stays open.
func (p *Pool) CloseIdle() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, u := range p.idle {
		u.Close()
	}
	p.idle = p.idle[:0]
}

// CopyBuffers lends 32 KB copy buffers.
var CopyBuffers = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

// BufferPool lends an httputil.ReverseProxy CopyBuffers' buffers, so a
// response's copy allocates none.
type BufferPool struct{}

// Get lends a buffer.
func (BufferPool) Get() []byte { return *CopyBuffers.Get().(*[]byte) }

// Put takes a buffer back.
func (BufferPool) Put(b []byte) { CopyBuffers.Put(&b) }

// CopyBody copies n bytes of a body from c to dst, flushing dst whenever
// c has nothing more buffered; each wait for more of it may last wait,
// counted from before dst has what came so far.
func (c *Conn) CopyBody(dst *bufio.Writer, n int64, wait time.Duration) error {
	for n > 0 {
		if c.R.Buffered() == 0 {
			c.Deadline.Set(wait)
			if err := dst.Flush(); err != nil {
				return err
			}
			if _, err := c.R.Peek(1); err != nil {
				return err
			}
		}
		p, _ := c.R.Peek(int(min(int64(c.R.Buffered()), n)))
		if _, err := dst.Write(p); err != nil {
			return err
		}
		c.R.Discard(len(p))
		n -= int64(len(p))
	}
	return nil
}
