package alb

import (
	"net/http"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/netwright/netwright/internal/runtime/health"
)

// Metrics are the numbers CloudWatch gives for an ALB, as Prometheus
// series: requests by rule, target group and status class
// (RequestCount, HTTPCode_*), target response time (TargetResponseTime),
// healthy and unhealthy targets (HealthyHostCount, UnHealthyHostCount) and
// open client connections (ActiveConnectionCount).
type Metrics struct {
	requests     *prometheus.CounterVec
	responseTime *prometheus.HistogramVec
	healthy      *prometheus.GaugeVec
	unhealthy    *prometheus.GaugeVec
	// Connections counts open client connections per load balancer; the
	// server that accepts them updates it.
	Connections *prometheus.GaugeVec
}

// NewMetrics makes the series and registers them.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "netwright_alb_requests_total",
			Help: "Requests a load balancer listener answered, by matched rule (priority or default), target group (empty when none) and status class (2xx..5xx)."},
			[]string{"load_balancer", "listener", "rule", "target_group", "code_class"}),
		responseTime: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "netwright_alb_target_response_seconds",
			Help:    "Time from sending a request to a target until its response headers arrived.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 16)},
			[]string{"load_balancer", "target_group"}),
		healthy: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "netwright_alb_healthy_targets",
			Help: "Targets of a target group in the healthy state."}, []string{"load_balancer", "target_group"}),
		unhealthy: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "netwright_alb_unhealthy_targets",
			Help: "Targets of a target group in the unhealthy state."}, []string{"load_balancer", "target_group"}),
		Connections: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "netwright_alb_active_connections",
			Help: "Client connections open to a load balancer listener."}, []string{"load_balancer", "listener"}),
	}
	for _, c := range []prometheus.Collector{m.requests, m.responseTime, m.healthy, m.unhealthy, m.Connections} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// counterKey names one request counter of a listener.
type counterKey struct{ rule, tg, class string }

// requestCounter returns the listener's counter for a rule, target group
// and status class, looked up once and then kept, so counting a request
// does not hash five label values.
func (x *Listener) requestCounter(rule, tg, class string) prometheus.Counter {
	k := counterKey{rule, tg, class}
	if c, ok := x.counters.Load(k); ok {
		return c.(prometheus.Counter)
	}
	c := x.metrics.requests.WithLabelValues(x.lb.Name, strconv.Itoa(x.l.Port), rule, tg, class)
	x.counters.Store(k, c)
	return c
}

// responseTimer returns the listener's target response time histogram
// for a target group, kept after the first lookup.
func (x *Listener) responseTimer(tg string) prometheus.Observer {
	k := counterKey{tg: tg, class: "response-time"}
	if o, ok := x.counters.Load(k); ok {
		return o.(prometheus.Observer)
	}
	o := x.metrics.responseTime.WithLabelValues(x.lb.Name, tg)
	x.counters.Store(k, o)
	return o
}

// statusRecorder remembers the status a handler wrote and counts the
// body bytes.
type statusRecorder struct {
	http.ResponseWriter
	code  int
	bytes int64
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.code == 0 {
		s.code = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.code == 0 {
		s.code = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach Flush and Hijack.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

func codeClass(code int) string {
	if code == 0 {
		return "none" // the client left before an answer
	}
	switch code / 100 {
	case 1:
		return "1xx"
	case 2:
		return "2xx"
	case 3:
		return "3xx"
	case 4:
		return "4xx"
	case 5:
		return "5xx"
	}
	return strconv.Itoa(code/100) + "xx"
}

// observeHealth sets the healthy and unhealthy counts of every group.
func (x *Listener) observeHealth() {
	for id, g := range x.groups {
		x.observeGroup(id, g)
	}
}

// observeGroup sets the healthy and unhealthy counts of one group.
func (x *Listener) observeGroup(id string, g *group) {
	if x.metrics == nil {
		return
	}
	g.mu.Lock()
	var h, u int
	for _, t := range g.targets {
		switch t.state {
		case health.Healthy:
			h++
		case health.Unhealthy:
			u++
		}
	}
	g.mu.Unlock()
	x.metrics.healthy.WithLabelValues(x.lb.Name, id).Set(float64(h))
	x.metrics.unhealthy.WithLabelValues(x.lb.Name, id).Set(float64(u))
}
