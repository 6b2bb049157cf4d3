package up

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/runtime/cloudfront"
)

// The CloudFront distribution's edge: viewers reach it on 127.0.0.1
// (HTTPS, and HTTP redirected to it), and it reaches its origins, the
// public ALBs' HTTPS listeners, with the origin header's value the ALB
// rules check. In netns mode it connects from the internet namespace,
// from design.CloudFrontOriginAddr (the origin-facing prefix list the
// ALB's group admits), to the ALB node's public address through the
// internet gateway; in loopback mode to the listener's local address.

// edgePortShift is added, beside the port offset, to CloudFront's
// viewer ports (443 and 80), so they do not take the public ALB's.
const edgePortShift = 1000

// servedEdge is the distribution's viewer sockets and servers, kept
// across reloads; the edge behind them is swapped.
type servedEdge struct {
	dist        string
	https, http net.Listener
	srvs        []*http.Server
	x           atomic.Pointer[cloudfront.Edge]
	origins     []EdgeOrigin
	transports  []*http.Transport
}

func (s *servedEdge) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.x.Load().ServeHTTP(w, r) }

// EdgeStatus is the CloudFront edge in GET /status.
type EdgeStatus struct {
	Distribution string       `json:"distribution"`
	Addr         string       `json:"addr"`      // HTTPS
	HTTPAddr     string       `json:"http_addr"` // redirected to HTTPS
	Origins      []EdgeOrigin `json:"origins"`
	Behaviors    []string     `json:"behaviors"`
	Hits         int64        `json:"hits"`
	Misses       int64        `json:"misses"`
	Errors       int64        `json:"errors"`
	Objects      int          `json:"objects"`
}

// EdgeOrigin is an origin as the edge reaches it.
type EdgeOrigin struct {
	ID           string `json:"id"`
	LoadBalancer string `json:"load_balancer"`
	URL          string `json:"url"`
	// From is the address the edge connects from in netns mode.
	From string `json:"from,omitempty"`
}

// pendingEdge is a design's edge built but not serving.
type pendingEdge struct {
	x          *cloudfront.Edge
	origins    []EdgeOrigin
	transports []*http.Transport
	// https and http are set when the sockets are new.
	https, http net.Listener
}

func (p *pendingEdge) closeOpened() {
	if p == nil {
		return
	}
	for _, ln := range []net.Listener{p.https, p.http} {
		if ln != nil {
			ln.Close()
		}
	}
	for _, t := range p.transports {
		t.CloseIdleConnections()
	}
}

// edgeAddr is where a CloudFront viewer port is served.
func (rt *Runtime) edgeAddr(port int) string {
	if rt.opt.Ephemeral {
		return "127.0.0.1:0"
	}
	return "127.0.0.1:" + strconv.Itoa(port+rt.opt.PortOffset+edgePortShift)
}

// buildEdge builds d's distribution's edge, its origins the public ALB
// listeners ls holds; it opens the viewer sockets when none serve yet.
// A design without a distribution builds none.
func (rt *Runtime) buildEdge(d *design.Design, ls *listenerSet) (*pendingEdge, error) {
	dist := d.Distribution
	if dist == nil {
		return nil, nil
	}
	p := &pendingEdge{}
	origins := map[string]cloudfront.Origin{}
	for _, o := range dist.Origins {
		var lb *design.LoadBalancer
		for i := range d.LoadBalancers {
			if d.LoadBalancers[i].ID == o.LoadBalancer {
				lb = &d.LoadBalancers[i]
			}
		}
		if lb == nil {
			p.closeOpened()
			return nil, fmt.Errorf("distribution %s: origin %s is load balancer %s, which the design does not have", dist.ID, o.ID, o.LoadBalancer)
		}
		l := originListener(lb)
		if l == nil {
			p.closeOpened()
			return nil, fmt.Errorf("distribution %s: origin %s (%s) has no HTTP or HTTPS listener", dist.ID, o.ID, lb.Name)
		}
		scheme := "https"
		if l.Protocol != "HTTPS" {
			scheme = "http"
		}
		tr := &http.Transport{
			TLSClientConfig: &tls.Config{RootCAs: rt.roots, ServerName: "localhost", MinVersion: tls.VersionTLS12},
			// CloudFront's origin connection timeout and response timeout
			// defaults, and a pool sized for the edge's concurrency.
			ResponseHeaderTimeout: 30 * time.Second,
			MaxIdleConnsPerHost:   64,
			IdleConnTimeout:       5 * time.Second, // CloudFront's origin keep-alive default
		}
		eo := EdgeOrigin{ID: o.ID, LoadBalancer: lb.Name}
		var host string
		if node := rt.nodes[lb.Name]; rt.fabric != nil && node != nil {
			host = netip.AddrPortFrom(node.Public, uint16(l.Port)).String()
			tr.DialContext = rt.fabric.Internet().Dialer(&net.Dialer{Timeout: 10 * time.Second, LocalAddr: &net.TCPAddr{IP: design.CloudFrontOriginAddr.AsSlice()}})
			eo.From = design.CloudFrontOriginAddr.String()
		} else {
			for _, a := range ls.albs {
				if a.x.LoadBalancer().Name == lb.Name && a.x.DesignListener().Port == l.Port {
					host = a.s.addr
				}
			}
			tr.DialContext = (&net.Dialer{Timeout: 10 * time.Second}).DialContext
		}
		if host == "" {
			p.closeOpened()
			return nil, fmt.Errorf("distribution %s: origin %s (%s:%d) is not served", dist.ID, o.ID, lb.Name, l.Port)
		}
		u := &url.URL{Scheme: scheme, Host: host}
		eo.URL = u.String()
		p.transports = append(p.transports, tr)
		p.origins = append(p.origins, eo)
		origins[o.ID] = cloudfront.Origin{ID: o.ID, URL: u, Transport: tr}
	}
	httpsAddr := ""
	if s := rt.edge; s != nil {
		httpsAddr = s.https.Addr().String()
	} else {
		var err error
		if p.https, err = net.Listen("tcp", rt.edgeAddr(443)); err != nil {
			p.closeOpened()
			return nil, fmt.Errorf("CloudFront %s on %s: %w (change the offset with --port-offset)", dist.ID, rt.edgeAddr(443), err)
		}
		if p.http, err = net.Listen("tcp", rt.edgeAddr(80)); err != nil {
			p.closeOpened()
			return nil, fmt.Errorf("CloudFront %s on %s: %w (change the offset with --port-offset)", dist.ID, rt.edgeAddr(80), err)
		}
		httpsAddr = p.https.Addr().String()
	}
	_, port, _ := net.SplitHostPort(httpsAddr)
	httpsPort, _ := strconv.Atoi(port)
	x, err := cloudfront.New(dist, cloudfront.Options{Secret: rt.originSecret, Origins: origins, Clock: rt.clock, HTTPSPort: httpsPort, Counters: &rt.edgeCounts})
	if err != nil {
		p.closeOpened()
		return nil, err
	}
	p.x = x
	return p, nil
}

// originListener is the listener CloudFront reaches an ALB origin on:
// HTTPS on 443 (https-only), else its first HTTPS one, else HTTP.
func originListener(lb *design.LoadBalancer) *design.Listener {
	var https, plain *design.Listener
	for i := range lb.Listeners {
		l := &lb.Listeners[i]
		switch {
		case l.Protocol == "HTTPS" && l.Port == 443:
			return l
		case l.Protocol == "HTTPS" && https == nil:
			https = l
		case l.Protocol == "HTTP" && plain == nil:
			plain = l
		}
	}
	if https != nil {
		return https
	}
	return plain
}

// swapEdge puts the built edge in service (or stops the one serving when
// the design has no distribution any more) and returns its entries. The
// caller holds rt.mu.
func (rt *Runtime) swapEdge(d *design.Design, p *pendingEdge, ch *Changes) []Entry {
	if p == nil {
		if s := rt.edge; s != nil {
			ch.Closed = append(ch.Closed, edgeKey(s.dist, 443), edgeKey(s.dist, 80))
			rt.goroutines.Go(func() {
				ctx, cancel := context.WithTimeout(rt.ctx, listenerDrain)
				defer cancel()
				_ = closeEdge(ctx, s)
			})
			rt.edge = nil
		}
		return nil
	}
	s := rt.edge
	if s == nil {
		s = &servedEdge{https: p.https, http: p.http}
		tlsCfg := &tls.Config{Certificates: rt.certs, NextProtos: []string{"h2", "http/1.1"}, MinVersion: tls.VersionTLS12}
		secure := &http.Server{Handler: s, TLSConfig: tlsCfg, ReadHeaderTimeout: 60 * time.Second, IdleTimeout: 60 * time.Second}
		plain := &http.Server{Handler: s, ReadHeaderTimeout: 60 * time.Second, IdleTimeout: 60 * time.Second}
		s.srvs = []*http.Server{secure, plain}
		s.x.Store(p.x)
		rt.goroutines.Go(func() { _ = secure.ServeTLS(p.https, "", "") })
		rt.goroutines.Go(func() { _ = plain.Serve(p.http) })
		ch.Opened = append(ch.Opened, edgeKey(d.Distribution.ID, 443), edgeKey(d.Distribution.ID, 80))
	} else {
		old := s.transports
		s.x.Store(p.x)
		for _, t := range old {
			t.CloseIdleConnections()
		}
		ch.Replaced = append(ch.Replaced, edgeKey(d.Distribution.ID, 443), edgeKey(d.Distribution.ID, 80))
	}
	s.dist, s.origins, s.transports = d.Distribution.ID, p.origins, p.transports
	rt.edge = s
	return []Entry{
		{LoadBalancer: d.Distribution.ID, Scheme: "cloudfront", Protocol: "HTTPS", Port: 443, Addr: s.https.Addr().String(), Key: edgeKey(s.dist, 443)},
		{LoadBalancer: d.Distribution.ID, Scheme: "cloudfront", Protocol: "HTTP", Port: 80, Addr: s.http.Addr().String(), Key: edgeKey(s.dist, 80)},
	}
}

// edgeKey names an edge viewer port as Changes does.
func edgeKey(dist string, port int) string {
	return "cloudfront/" + dist + ":" + strconv.Itoa(port) + "/tcp"
}

// closeEdge stops the edge's servers, letting requests in flight finish
// until ctx ends.
func closeEdge(ctx context.Context, s *servedEdge) error {
	var first error
	for _, srv := range s.srvs {
		if err := srv.Shutdown(ctx); err != nil && first == nil {
			first = err
		}
	}
	for _, t := range s.transports {
		t.CloseIdleConnections()
	}
	return first
}

// edgeStatus is the edge's part of GET /status, nil without one. The
// caller holds rt.mu.
func (rt *Runtime) edgeStatus() *EdgeStatus {
	s := rt.edge
	if s == nil {
		return nil
	}
	x := s.x.Load()
	st := x.Stats()
	out := &EdgeStatus{Distribution: s.dist, Addr: s.https.Addr().String(), HTTPAddr: s.http.Addr().String(), Origins: slices.Clone(s.origins),
		Hits: st.Hits, Misses: st.Misses, Errors: st.Errors, Objects: st.Objects}
	if d := rt.design.Distribution; d != nil {
		for _, b := range append(slices.Clone(d.Behaviors), d.DefaultBehavior) {
			pattern := b.PathPattern
			if pattern == "" {
				pattern = "default (*)"
			}
			pol, _ := cloudfront.Policy(b.CachePolicy)
			out.Behaviors = append(out.Behaviors, fmt.Sprintf("%s -> %s, %s", pattern, b.Target, pol.Name))
		}
	}
	return out
}

// edgeMetrics registers the edge's answers as CloudFront's Requests
// metric, by X-Cache result; they count on across reloads.
func (rt *Runtime) edgeMetrics(reg prometheus.Registerer) error {
	for _, r := range []struct {
		result string
		n      *atomic.Int64
	}{{"hit", &rt.edgeCounts.Hits}, {"miss", &rt.edgeCounts.Misses}, {"error", &rt.edgeCounts.Errors}} {
		c := prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "netwright_cloudfront_requests_total",
			Help:        "Requests CloudFront's edge answered (CloudWatch's Requests), by X-Cache: hit, miss (from the origin, below 400) or error (4xx and 5xx, refusals at the edge).",
			ConstLabels: prometheus.Labels{"result": r.result}}, func() float64 { return float64(r.n.Load()) })
		if err := reg.Register(c); err != nil {
			return err
		}
	}
	return nil
}

// withOriginSecret returns l with the design's stand-in for the origin
// header's value replaced by this run's secret, which the edge sends;
// l itself is unchanged.
func withOriginSecret(l *design.Listener, secret string) *design.Listener {
	has := func(r design.ListenerRule) bool {
		return slices.ContainsFunc(r.Conditions.Headers, func(h design.KeyValue) bool { return h.Value == design.OriginSecret })
	}
	if !slices.ContainsFunc(l.Rules, has) {
		return l
	}
	c := *l
	c.Rules = slices.Clone(l.Rules)
	for i := range c.Rules {
		if !has(c.Rules[i]) {
			continue
		}
		hs := slices.Clone(c.Rules[i].Conditions.Headers)
		for j := range hs {
			if hs[j].Value == design.OriginSecret {
				hs[j].Value = secret
			}
		}
		c.Rules[i].Conditions.Headers = hs
	}
	return &c
}
