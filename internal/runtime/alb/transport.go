package alb

import (
	"context"
	"net"
	"net/http"
	"time"

	"github.com/netwright/netwright/internal/design"
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
	if protocolVersion == design.VersionHTTP2 || protocolVersion == design.VersionGRPC {
		return t.HTTP2
	}
	return t.HTTP1
}

// CloseIdleConnections drops every pooled connection.
func (t Transports) CloseIdleConnections() {
	t.HTTP1.CloseIdleConnections()
	t.HTTP2.CloseIdleConnections()
}
