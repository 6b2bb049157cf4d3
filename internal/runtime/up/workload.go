package up

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/netwright/netwright/internal/clock"
	"github.com/netwright/netwright/internal/runtime/mesh"
)

// Call is one node of the call tree the built-in workload returns: the
// task that answered, how long it took as its caller saw it, and the calls
// it made to its own dependencies.
type Call struct {
	Service string `json:"service"`
	Task    string `json:"task,omitempty"`
	Via     string `json:"via,omitempty"` // how the caller reached it
	// Protocol is what the caller spoke: http, http2, grpc, websocket,
	// tcp or udp.
	Protocol string `json:"protocol,omitempty"`
	// Client is the address the task saw the request come from: the first
	// X-Forwarded-For entry behind a load balancer, else the peer.
	Client    string  `json:"client,omitempty"`
	LatencyMS float64 `json:"latency_ms,omitempty"`
	Error     string  `json:"error,omitempty"`
	// TraceID is the W3C trace the call was part of: the caller's
	// traceparent's, or a new one's.
	TraceID string `json:"trace_id,omitempty"`
	Calls   []Call `json:"calls,omitempty"`
}

// maxDepth bounds a call tree, in case a hand-edited design has a cycle.
const maxDepth = 16

// depthHeader carries the depth of a call through the graph (as gRPC
// metadata too, lower-cased).
const depthHeader = "X-Netwright-Depth"

// CallMethod is the gRPC method the built-in workload calls its gRPC
// dependencies with. A built-in gRPC task answers any method but its
// health checks the same way: an empty request in, the call tree out as
// the JSON text of a google.protobuf.StringValue.
const CallMethod = "/netwright.v1.Workload/Call"

// dependency is how a task reaches one of its dependencies.
type dependency struct {
	service, via string
	// protocol is what the dependency speaks: http, http2, grpc,
	// websocket, tcp or udp (data stores: tcp).
	protocol string
	// tls is set when the call goes through an HTTPS listener.
	tls bool
	// dial returns an address to call: a load balancer's, or a task's
	// found through discovery.
	dial func(ctx context.Context) (string, error)
}

// workload is the built-in task of a service speaking HTTP/1.1, HTTP/2
// (cleartext, by prior knowledge, as ALB and Service Connect send it),
// gRPC or WebSocket on one port: it answers health checks and, on any
// other request, calls every dependency and returns the call tree.
type workload struct {
	service, task string
	health        map[string]bool // health-check paths and gRPC methods
	// deps are how it reaches each dependency, replaced on a reload.
	deps    atomic.Pointer[[]dependency]
	clients *clients
	faults  atomic.Pointer[Faults]
	grpc    *grpc.Server
	srv     *http.Server // the task's server, closed to kill it
	// ctx ends when the runtime stops, closing WebSocket sessions.
	ctx context.Context
	// clock times injected latency.
	clock clock.Clock
	// tracer makes the task's spans: one per request, child of the
	// caller's traceparent, whose context its calls carry on.
	tracer trace.Tracer
	// calls counts its calls to its dependencies; nil counts none.
	calls *prometheus.CounterVec
}

func newWorkload(ctx context.Context, clk clock.Clock, service, task string, c *clients, tracer trace.Tracer) *workload {
	w := &workload{ctx: ctx, clock: clk, service: service, task: task, health: map[string]bool{}, clients: c, tracer: tracer}
	w.grpc = grpc.NewServer(grpc.UnknownServiceHandler(w.serveGRPC))
	return w
}

// close stops the gRPC server and drops the task's client connections.
func (w *workload) close() {
	w.grpc.Stop()
	w.clients.close()
}

func (w *workload) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	if r.ProtoMajor == 2 && strings.HasPrefix(r.Header.Get("Content-Type"), "application/grpc") {
		w.grpc.ServeHTTP(rw, r)
		return
	}
	f := w.faults.Load()
	if w.isHealthCheck(r) {
		if f != nil && f.FailHealth {
			http.Error(rw, "failing health checks (fault injected)", http.StatusServiceUnavailable)
			return
		}
		if f != nil && f.HealthChecks {
			if err := w.fault(r.Context(), f); err != nil {
				if !errors.Is(err, context.Canceled) {
					http.Error(rw, err.Error(), http.StatusInternalServerError)
				}
				return
			}
		}
		fmt.Fprintln(rw, "ok")
		return
	}
	if err := w.fault(r.Context(), f); err != nil {
		if !errors.Is(err, context.Canceled) {
			http.Error(rw, err.Error(), http.StatusInternalServerError)
		}
		return
	}
	depth, _ := strconv.Atoi(r.Header.Get(depthHeader))
	ctx, span := w.tracer.Start(mesh.Extract(r.Context(), r.Header), "workload "+w.service, trace.WithSpanKind(trace.SpanKindServer),
		trace.WithAttributes(attribute.String("netwright.task", w.task)))
	defer span.End()
	tree := w.tree(ctx, depth, clientOf(r.Header.Get("X-Forwarded-For"), r.RemoteAddr))
	if strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
		w.serveWebSocket(rw, r, tree)
		return
	}
	rw.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(rw).Encode(tree) // a caller that left needs no answer
}

// isHealthCheck tells a health check from a request: it asks a
// health-check path and is not a call from another task (which carries
// the depth). On "/", which users call too, only the health checkers'
// requests are checks: ALB's (ELB-HealthChecker/2.0) and the runtime's
// task checks (netwright-task-health).
func (w *workload) isHealthCheck(r *http.Request) bool {
	if !w.health[r.URL.Path] || r.Header.Get(depthHeader) != "" {
		return false
	}
	ua := r.Header.Get("User-Agent")
	return r.URL.Path != "/" || strings.HasPrefix(ua, "ELB-HealthChecker/") || ua == taskHealthAgent
}

// fault applies the injected latency (on the runtime's clock) and error
// rate: nil to answer.
func (w *workload) fault(ctx context.Context, f *Faults) error {
	if f == nil {
		return nil
	}
	if f.LatencyMS > 0 && !clock.Sleep(ctx, w.clock, time.Duration(f.LatencyMS)*time.Millisecond) {
		return ctx.Err()
	}
	if f.ErrorRate > 0 && rand.Float64() < f.ErrorRate {
		return errors.New("error (fault injected)")
	}
	return nil
}

// tree calls every dependency and returns what this task saw.
func (w *workload) tree(ctx context.Context, depth int, client string) Call {
	out := Call{Service: w.service, Task: w.task, Client: client}
	if sc := trace.SpanContextFromContext(ctx); sc.HasTraceID() {
		out.TraceID = sc.TraceID().String()
	}
	if deps := w.deps.Load(); depth < maxDepth && deps != nil {
		for _, d := range *deps {
			out.Calls = append(out.Calls, w.call(ctx, d, depth+1))
		}
	}
	return out
}

// serveWebSocket accepts the upgrade, sends the call tree as the first
// text message and echoes every message after it until the client closes
// or the runtime stops.
func (w *workload) serveWebSocket(rw http.ResponseWriter, r *http.Request, tree Call) {
	c, err := websocket.Accept(rw, r, &websocket.AcceptOptions{InsecureSkipVerify: true}) // any origin: the load balancer does not check it
	if err != nil {
		return // Accept answered the client
	}
	defer c.CloseNow()
	b, _ := json.Marshal(tree)
	if err := c.Write(w.ctx, websocket.MessageText, b); err != nil {
		return
	}
	for {
		typ, msg, err := c.Read(w.ctx)
		if err != nil {
			return
		}
		if err := c.Write(w.ctx, typ, msg); err != nil {
			return
		}
	}
}

// serveGRPC answers every gRPC method: the standard health check
// (grpc.health.v1.Health/Check) and the designed health method as health
// checks (a method the task does not implement answers UNIMPLEMENTED,
// which ALB's default matcher, 12, counts healthy), anything else with
// the call tree.
func (w *workload) serveGRPC(_ any, stream grpc.ServerStream) error {
	ctx := stream.Context()
	method, _ := grpc.MethodFromServerStream(stream)
	md, _ := metadata.FromIncomingContext(ctx)
	depthMD := md.Get(strings.ToLower(depthHeader))
	f := w.faults.Load()
	const healthCheck = "/grpc.health.v1.Health/Check"
	if (w.health[method] || method == healthCheck) && len(depthMD) == 0 {
		if f != nil && f.FailHealth {
			return status.Error(codes.Unavailable, "failing health checks (fault injected)")
		}
		if f != nil && f.HealthChecks {
			if err := w.fault(ctx, f); err != nil {
				return status.Error(codes.Internal, err.Error())
			}
		}
		if method != healthCheck {
			return status.Errorf(codes.Unimplemented, "%s is a health check path, not a method", method)
		}
		return stream.SendMsg(&healthpb.HealthCheckResponse{Status: healthpb.HealthCheckResponse_SERVING})
	}
	if err := w.fault(ctx, f); err != nil {
		return status.Error(codes.Internal, err.Error())
	}
	var in emptypb.Empty // any message parses as one
	if err := stream.RecvMsg(&in); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	depth := 0
	if len(depthMD) > 0 {
		depth, _ = strconv.Atoi(depthMD[0])
	}
	remote := ""
	if p, ok := peer.FromContext(ctx); ok {
		remote = p.Addr.String()
	}
	xff := ""
	if v := md.Get("x-forwarded-for"); len(v) > 0 {
		xff = v[0]
	}
	h := http.Header{}
	for _, k := range []string{"traceparent", "tracestate"} {
		if v := md.Get(k); len(v) > 0 {
			h.Set(k, v[0])
		}
	}
	ctx, span := w.tracer.Start(mesh.Extract(ctx, h), "workload "+w.service, trace.WithSpanKind(trace.SpanKindServer),
		trace.WithAttributes(attribute.String("netwright.task", w.task)))
	defer span.End()
	b, _ := json.Marshal(w.tree(ctx, depth, clientOf(xff, remote)))
	return stream.SendMsg(wrapperspb.String(string(b)))
}

func (w *workload) call(ctx context.Context, d dependency, depth int) (c Call) {
	c = Call{Service: d.service, Via: d.via, Protocol: d.protocol}
	start := time.Now()
	defer func() {
		c.LatencyMS = float64(time.Since(start).Microseconds()) / 1000
		if w.calls != nil {
			result := "ok"
			if c.Error != "" {
				result = "error"
			}
			w.calls.WithLabelValues(w.service, d.service, d.via, result).Inc()
		}
	}()
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	addr, err := d.dial(ctx)
	if err != nil {
		c.Error = err.Error()
		return c
	}
	var got Call
	switch d.protocol {
	case "http", "http2":
		got, err = w.clients.callHTTP(ctx, d, addr, depth)
	case "grpc":
		got, err = w.clients.callGRPC(ctx, d, addr, depth)
	case "websocket":
		got, err = w.clients.callWebSocket(ctx, d, addr, depth)
	case "udp":
		got.Task, err = w.clients.callUDP(ctx, addr)
	case "tls":
		got.Task, err = w.clients.callTLS(ctx, addr)
	default:
		got.Task, err = w.clients.callTCP(ctx, addr)
	}
	if err != nil {
		c.Error = err.Error()
		return c
	}
	c.Task, c.Client, c.Calls, c.TraceID = got.Task, got.Client, got.Calls, got.TraceID
	return c
}

// clients are a task's connections to its dependencies, all made from
// the task's own address.
type clients struct {
	// dial connects from the task's address (through an appliance where
	// the design inspects the path); src is that address.
	dial func(ctx context.Context, network, addr string) (net.Conn, error)
	src  net.IP
	// dialUDP, when set, makes UDP calls' sockets (in the task's
	// namespace); else they are bound to src.
	dialUDP func(ctx context.Context, network, addr string) (net.Conn, error)
	roots   *x509.CertPool // the local CA, for HTTPS listeners
	// http1 speaks HTTP/1.1 (and WebSocket); http2 speaks HTTP/2, by
	// prior knowledge without TLS and through ALPN with it.
	http1, http2 *http.Client
	mu           sync.Mutex
	grpc         map[string]*grpc.ClientConn // by scheme and address
}

func newClients(addr string, roots *x509.CertPool, dial func(ctx context.Context, network, addr string) (net.Conn, error)) *clients {
	host, _, _ := net.SplitHostPort(addr)
	c := &clients{dial: dial, src: net.ParseIP(host), roots: roots, grpc: map[string]*grpc.ClientConn{}}
	tlsCfg := &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
	h1 := &http.Transport{DialContext: c.dial, TLSClientConfig: tlsCfg, MaxIdleConnsPerHost: 64, IdleConnTimeout: 90 * time.Second, Protocols: new(http.Protocols)}
	h1.Protocols.SetHTTP1(true)
	h2 := &http.Transport{DialContext: c.dial, TLSClientConfig: tlsCfg, IdleConnTimeout: 90 * time.Second, Protocols: new(http.Protocols)}
	h2.Protocols.SetHTTP2(true)
	h2.Protocols.SetUnencryptedHTTP2(true)
	c.http1, c.http2 = &http.Client{Transport: h1}, &http.Client{Transport: h2}
	return c
}

func (c *clients) close() {
	c.http1.CloseIdleConnections()
	c.http2.CloseIdleConnections()
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, conn := range c.grpc {
		conn.Close()
	}
	clear(c.grpc)
}

func scheme(secure bool, plain, tls string) string {
	if secure {
		return tls
	}
	return plain
}

func (c *clients) callHTTP(ctx context.Context, d dependency, addr string, depth int) (Call, error) {
	client := c.http1
	if d.protocol == "http2" {
		client = c.http2
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, scheme(d.tls, "http", "https")+"://"+addr+"/", nil)
	req.Header.Set(depthHeader, strconv.Itoa(depth))
	mesh.Inject(ctx, req.Header)
	resp, err := client.Do(req)
	if err != nil {
		return Call{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return Call{}, errors.New(resp.Status)
	}
	if d.protocol == "http2" && resp.ProtoMajor != 2 {
		return Call{}, fmt.Errorf("answered in %s, not HTTP/2", resp.Proto)
	}
	return decodeTree(io.LimitReader(resp.Body, 1<<20))
}

func decodeTree(r io.Reader) (Call, error) {
	var got Call
	if err := json.NewDecoder(r).Decode(&got); err != nil {
		return Call{}, fmt.Errorf("not a call tree: %w", err)
	}
	return got, nil
}

func (c *clients) callGRPC(ctx context.Context, d dependency, addr string, depth int) (Call, error) {
	conn, err := c.grpcConn(addr, d.tls)
	if err != nil {
		return Call{}, err
	}
	ctx = metadata.AppendToOutgoingContext(ctx, strings.ToLower(depthHeader), strconv.Itoa(depth))
	h := http.Header{}
	mesh.Inject(ctx, h)
	for k, v := range h {
		ctx = metadata.AppendToOutgoingContext(ctx, strings.ToLower(k), v[0])
	}
	var out wrapperspb.StringValue
	if err := conn.Invoke(ctx, CallMethod, &emptypb.Empty{}, &out); err != nil {
		return Call{}, err
	}
	return decodeTree(strings.NewReader(out.Value))
}

// grpcConn returns the task's connection to addr, made on first use.
func (c *clients) grpcConn(addr string, secure bool) (*grpc.ClientConn, error) {
	key := scheme(secure, "h2c://", "h2://") + addr
	c.mu.Lock()
	defer c.mu.Unlock()
	if conn, ok := c.grpc[key]; ok {
		return conn, nil
	}
	creds := insecure.NewCredentials()
	if secure {
		creds = credentials.NewTLS(&tls.Config{RootCAs: c.roots, MinVersion: tls.VersionTLS12})
	}
	conn, err := grpc.NewClient("passthrough:///"+addr, grpc.WithTransportCredentials(creds),
		grpc.WithContextDialer(func(ctx context.Context, a string) (net.Conn, error) { return c.dial(ctx, "tcp", a) }))
	if err != nil {
		return nil, err
	}
	c.grpc[key] = conn
	return conn, nil
}

// callWebSocket opens a session, reads the call tree the task sends
// first, and closes.
func (c *clients) callWebSocket(ctx context.Context, d dependency, addr string, depth int) (Call, error) {
	ws, _, err := websocket.Dial(ctx, scheme(d.tls, "ws", "wss")+"://"+addr+"/", &websocket.DialOptions{
		HTTPClient: c.http1,
		HTTPHeader: wsHeader(ctx, depth),
	})
	if err != nil {
		return Call{}, err
	}
	defer ws.CloseNow()
	_, msg, err := ws.Read(ctx)
	if err != nil {
		return Call{}, err
	}
	ws.Close(websocket.StatusNormalClosure, "")
	return decodeTree(strings.NewReader(string(msg)))
}

func wsHeader(ctx context.Context, depth int) http.Header {
	h := http.Header{depthHeader: {strconv.Itoa(depth)}}
	mesh.Inject(ctx, h)
	return h
}

// callTCP connects; a data store's or TCP service's task writes its ID.
func (c *clients) callTCP(ctx context.Context, addr string) (string, error) {
	conn, err := c.dial(ctx, "tcp", addr)
	if err != nil {
		return "", err
	}
	return readID(ctx, conn), nil
}

// readID reads the task ID a TCP or TLS task writes, and closes.
func readID(ctx context.Context, conn net.Conn) string {
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	b, _ := io.ReadAll(io.LimitReader(conn, 256))
	return strings.TrimSpace(string(b))
}

// callTLS connects with TLS, trusting the local CA; a TLS service's task
// writes its ID.
func (c *clients) callTLS(ctx context.Context, addr string) (string, error) {
	raw, err := c.dial(ctx, "tcp", addr)
	if err != nil {
		return "", err
	}
	conn := tls.Client(raw, &tls.Config{RootCAs: c.roots, ServerName: "localhost", MinVersion: tls.VersionTLS12})
	if err := conn.HandshakeContext(ctx); err != nil {
		raw.Close()
		return "", err
	}
	return readID(ctx, conn), nil
}

// callUDP sends one datagram; a UDP service's task answers with its ID.
func (c *clients) callUDP(ctx context.Context, addr string) (string, error) {
	dial := (&net.Dialer{LocalAddr: &net.UDPAddr{IP: c.src}}).DialContext
	if c.dialUDP != nil {
		dial = c.dialUDP
	}
	conn, err := dial(ctx, "udp", addr)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	deadline := time.Now().Add(2 * time.Second)
	if dl, ok := ctx.Deadline(); ok && dl.Before(deadline) {
		deadline = dl
	}
	conn.SetDeadline(deadline)
	if _, err := conn.Write([]byte("netwright\n")); err != nil {
		return "", err
	}
	buf := make([]byte, 256)
	n, err := conn.Read(buf)
	if err != nil {
		return "", fmt.Errorf("no answer over UDP: %w", err)
	}
	return strings.TrimSpace(string(buf[:n])), nil
}

// clientOf is the address a task saw a request come from: the first
// X-Forwarded-For entry behind a load balancer, else the peer.
func clientOf(xff, remote string) string {
	if xff != "" {
		first, _, _ := strings.Cut(xff, ",")
		return strings.TrimSpace(first)
	}
	host, _, _ := net.SplitHostPort(remote)
	return host
}

// serveUDP is a UDP service's built-in task: it answers each datagram
// with its task ID.
func serveUDP(pc net.PacketConn, task string) {
	buf := make([]byte, 64<<10)
	for {
		_, from, err := pc.ReadFrom(buf)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		_, _ = pc.WriteTo([]byte(task+"\n"), from) // UDP: a lost answer is the client's to retry
	}
}
