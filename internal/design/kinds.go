package design

// Service kinds (Service.Kind), as the spec names them.
const (
	KindService   = "service"
	KindAppliance = "appliance"
	KindPostgres  = "postgres"
	KindMySQL     = "mysql"
	KindAurora    = "aurora"
	KindRedis     = "redis"
	KindMemcached = "memcached"
	KindKafka     = "kafka"
)

// IsDataStore reports whether a service kind is a managed data store.
func IsDataStore(kind string) bool {
	switch kind {
	case KindPostgres, KindMySQL, KindAurora, KindRedis, KindMemcached, KindKafka:
		return true
	}
	return false
}

// Application protocols (Service.Protocol, Flow.Protocol for calls on a
// service's own port).
const (
	ProtoHTTP      = "http"
	ProtoHTTP2     = "http2"
	ProtoGRPC      = "grpc"
	ProtoWebSocket = "websocket"
	ProtoTCP       = "tcp"
	ProtoUDP       = "udp"
	ProtoTLS       = "tls"
)

// IsHTTPLike reports whether a protocol is carried over HTTP: an ALB can
// route it.
func IsHTTPLike(protocol string) bool {
	switch protocol {
	case ProtoHTTP, ProtoHTTP2, ProtoGRPC, ProtoWebSocket:
		return true
	}
	return false
}

// Target group protocol versions.
const (
	VersionHTTP1 = "HTTP1"
	VersionHTTP2 = "HTTP2"
	VersionGRPC  = "GRPC"
)

// ProtocolVersion is the protocol version of a target group for a
// service's protocol: HTTP1, HTTP2 or GRPC for protocols an ALB (or VPC
// Lattice) carries, "" for the others. The one mapping the architects,
// the exporters and the local runtime share.
func ProtocolVersion(protocol string) string {
	switch protocol {
	case ProtoHTTP, ProtoWebSocket:
		return VersionHTTP1
	case ProtoHTTP2:
		return VersionHTTP2
	case ProtoGRPC:
		return VersionGRPC
	}
	return ""
}

// Transport is the layer-4 protocol a service's port uses: udp for udp
// services, tcp for the rest.
func Transport(protocol string) string {
	if protocol == ProtoUDP {
		return ProtoUDP
	}
	return ProtoTCP
}
