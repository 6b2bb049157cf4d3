package alb

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// maxResponseHeader is ALB's limit on a target's whole response header:
// past it the client gets 502.
const maxResponseHeader = 32 << 10

// Transports are the upstream clients of a listener, one per protocol
// version a target group can speak: ALB sends HTTP1 target groups
// HTTP/1.1 and HTTP2 and GRPC target groups HTTP/2 (without TLS here, by
// prior knowledge, as to a target group of protocol HTTP).
type Transports struct {
	HTTP1, HTTP2 *http.Transport
}

// NewTransports dials with dial (a plain dial when nil), sizes the pools to conns connections per target (not Go's
// default of 2 idle ones) and closes idle connections after idle.
func NewTransports(conns int, idle time.Duration, dial func(ctx context.Context, network, addr string) (net.Conn, error)) Transports {
	if dial == nil {
		dial = (&net.Dialer{Timeout: 10 * time.Second}).DialContext // ALB's target connect timeout
	}
	// DisableCompression: ALB adds no Accept-Encoding, and a target's
	// compressed answer goes to the client as it is.
	h1 := &http.Transport{
		DisableCompression:     true,
		DialContext:            dial,
		MaxResponseHeaderBytes: maxResponseHeader,
		MaxIdleConns:           conns * 16,
		MaxIdleConnsPerHost:    conns,
		IdleConnTimeout:        idle,
		ResponseHeaderTimeout:  idle, // a target silent past the idle timeout gets 504
	}
	h2 := &http.Transport{
		DisableCompression:     true,
		DialContext:            dial,
		MaxResponseHeaderBytes: maxResponseHeader,
		IdleConnTimeout:        idle,
		Protocols:              new(http.Protocols),
	}
	h2.Protocols.SetUnencryptedHTTP2(true)
	return Transports{HTTP1: h1, HTTP2: h2}
}

// For returns the client for a target group's protocol version.
func (t Transports) For(protocolVersion string) *http.Transport {
	if protocolVersion == "HTTP2" || protocolVersion == "GRPC" {
		return t.HTTP2
	}
	return t.HTTP1
}

// CloseIdleConnections drops every pooled connection.
func (t Transports) CloseIdleConnections() {
	t.HTTP1.CloseIdleConnections()
	t.HTTP2.CloseIdleConnections()
}

// Check is one health check.
type Check struct {
	// Addr is the target's host:port; Path the HTTP path or gRPC method
	// checked, or empty for a TCP connect.
	Addr, Path string
	// Matcher is the codes that pass: "200", "200,202" or "200-299",
	// HTTP status codes, or gRPC status codes when GRPC is set (ALB's
	// defaults are 200 and 12).
	Matcher   string
	GRPC      bool
	UserAgent string
	Timeout   time.Duration
}

// grpcEmpty is a gRPC request of one empty, uncompressed message.
var grpcEmpty = []byte{0, 0, 0, 0, 0}

// MinProbeTimeout is the least time a health check gets, whatever the
// time scale: designed timeouts are 2 s or more, and a check shrunk far
// below that (for tests and demos) would fail healthy targets on a busy
// machine.
const MinProbeTimeout = 500 * time.Millisecond

// Probe runs one health check within its timeout (MinProbeTimeout at
// least). ALB's target groups and
// the local runtime's task checks both use it. rt must speak HTTP/2 for
// a gRPC check.
func Probe(ctx context.Context, rt http.RoundTripper, c Check) bool {
	ctx, cancel := context.WithTimeout(ctx, max(c.Timeout, MinProbeTimeout))
	defer cancel()
	if c.Path == "" {
		conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", c.Addr)
		if err == nil {
			conn.Close()
		}
		return err == nil
	}
	method, body := http.MethodGet, io.Reader(nil)
	if c.GRPC {
		method, body = http.MethodPost, bytes.NewReader(grpcEmpty)
	}
	req, err := http.NewRequestWithContext(ctx, method, "http://"+c.Addr+c.Path, body)
	if err != nil {
		return false
	}
	req.Header.Set("User-Agent", c.UserAgent)
	if c.GRPC {
		req.Header.Set("Content-Type", "application/grpc")
		req.Header.Set("Te", "trailers")
	}
	resp, err := rt.RoundTrip(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	if !c.GRPC {
		return matches(c.Matcher, resp.StatusCode, "200")
	}
	// The status is in the trailers, or in the headers of a response
	// with no messages.
	if _, err := io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20)); err != nil {
		return false
	}
	code := resp.Trailer.Get("Grpc-Status")
	if code == "" {
		code = resp.Header.Get("Grpc-Status")
	}
	n, err := strconv.Atoi(code)
	return resp.StatusCode == http.StatusOK && err == nil && matches(c.Matcher, n, "12")
}

// bufferPool lends the proxy its 32 KB copy buffers instead of
// allocating one per response.
type bufferPool struct{}

var buffers = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

func (bufferPool) Get() []byte  { return *buffers.Get().(*[]byte) }
func (bufferPool) Put(b []byte) { buffers.Put(&b) }
