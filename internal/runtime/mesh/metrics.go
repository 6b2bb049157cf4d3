package mesh

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the proxies' series, named and labelled as Service
// Connect's CloudWatch metrics are (namespace AWS/ECS, MESH-FACTS 1.3),
// so a dashboard written against CloudWatch reads the same: the server
// side (a task's ingress) by DiscoveryName, ServiceName and ClusterName,
// the client side (a caller's egress) by TargetDiscoveryName, ServiceName
// (the caller) and ClusterName. Envoy's own counters the data plane's
// decisions show in (retries, timeouts, overflows, ejections, denials)
// are netwright_mesh_*.
type metrics struct {
	cluster string

	newConns, processed, requests, grpcRequests, clientTLSErrors *prometheus.CounterVec
	activeConns                                                  *prometheus.GaugeVec

	// targetCodes are HTTPCode_Target_2XX_Count to 5XX, by class (2-5).
	targetCodes     [6]*prometheus.CounterVec
	targetRequests  *prometheus.CounterVec
	targetProcessed *prometheus.CounterVec
	targetTLSErrors *prometheus.CounterVec
	targetTime      *prometheus.HistogramVec

	retries, retrySuccess, timeouts, overflow, ejections, denied, faults *prometheus.CounterVec
	rotations                                                            prometheus.Counter
}

func newMetrics(reg prometheus.Registerer, cluster string) (*metrics, error) {
	server := []string{"DiscoveryName", "ServiceName", "ClusterName"}
	client := []string{"TargetDiscoveryName", "ServiceName", "ClusterName"}
	m := &metrics{cluster: cluster,
		activeConns:     prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "ActiveConnectionCount", Help: "Connections open to a task's proxy (Service Connect's ActiveConnectionCount)."}, server),
		newConns:        prometheus.NewCounterVec(prometheus.CounterOpts{Name: "NewConnectionCount", Help: "Connections made to a task's proxy (Service Connect's NewConnectionCount)."}, server),
		processed:       prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ProcessedBytes", Help: "Bytes a task's proxy received and sent (Service Connect's ProcessedBytes)."}, server),
		requests:        prometheus.NewCounterVec(prometheus.CounterOpts{Name: "RequestCount", Help: "Requests a task's proxy received, every try counted (Service Connect's RequestCount)."}, server),
		grpcRequests:    prometheus.NewCounterVec(prometheus.CounterOpts{Name: "GrpcRequestCount", Help: "gRPC requests a task's proxy received (Service Connect's GrpcRequestCount)."}, server),
		clientTLSErrors: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ClientTLSNegotiationErrorCount", Help: "TLS handshakes that failed at a task's proxy (Service Connect's ClientTLSNegotiationErrorCount)."}, server),
		targetRequests:  prometheus.NewCounterVec(prometheus.CounterOpts{Name: "RequestCountPerTarget", Help: "Requests a caller's proxy answered its task, after retries (Service Connect's RequestCountPerTarget)."}, client),
		targetProcessed: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "TargetProcessedBytes", Help: "Bytes a caller's proxy sent and received for its task (Service Connect's TargetProcessedBytes)."}, client),
		targetTLSErrors: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "TargetTLSNegotiationErrorCount", Help: "TLS handshakes a caller's proxy failed with a target (Service Connect's TargetTLSNegotiationErrorCount)."}, client),
		targetTime: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "TargetResponseTime", Help: "Milliseconds from a caller's proxy taking a request to the target's answer's head (Service Connect's TargetResponseTime).",
			Buckets: []float64{0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 15000}}, client),
		retries:      prometheus.NewCounterVec(prometheus.CounterOpts{Name: "netwright_mesh_upstream_rq_retry_total", Help: "Retries callers' proxies made (Envoy's upstream_rq_retry)."}, client),
		retrySuccess: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "netwright_mesh_upstream_rq_retry_success_total", Help: "Requests a retry saved (Envoy's upstream_rq_retry_success)."}, client),
		timeouts:     prometheus.NewCounterVec(prometheus.CounterOpts{Name: "netwright_mesh_upstream_rq_timeout_total", Help: "Requests past their timeout at the caller's proxy (Envoy's upstream_rq_timeout)."}, client),
		overflow:     prometheus.NewCounterVec(prometheus.CounterOpts{Name: "netwright_mesh_upstream_rq_overflow_total", Help: "Requests a circuit breaker refused with 503 and x-envoy-overloaded, by breaker."}, append(client, "breaker")),
		ejections:    prometheus.NewCounterVec(prometheus.CounterOpts{Name: "netwright_mesh_outlier_ejections_total", Help: "Tasks a caller's proxy ejected by outlier detection."}, client),
		denied:       prometheus.NewCounterVec(prometheus.CounterOpts{Name: "netwright_mesh_denied_total", Help: "Calls refused by authorization (403, or a reset for TCP), by the caller's identity."}, append(server, "Caller")),
		faults:       prometheus.NewCounterVec(prometheus.CounterOpts{Name: "netwright_mesh_faults_total", Help: "Calls a fault hit, by kind."}, []string{"Target", "kind"}),
		rotations:    prometheus.NewCounter(prometheus.CounterOpts{Name: "netwright_mesh_identity_rotations_total", Help: "Task identities renewed at half their lifetime."}),
	}
	for class := 2; class <= 5; class++ {
		name := "HTTPCode_Target_" + string(rune('0'+class)) + "XX_Count"
		m.targetCodes[class] = prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: "Responses of class " + string(rune('0'+class)) + "XX callers' proxies passed to their tasks (Service Connect's " + name + ")."}, client)
	}
	if reg == nil {
		return m, nil
	}
	var errs []error
	for _, c := range []prometheus.Collector{m.activeConns, m.newConns, m.processed, m.requests, m.grpcRequests, m.clientTLSErrors,
		m.targetCodes[2], m.targetCodes[3], m.targetCodes[4], m.targetCodes[5], m.targetRequests, m.targetProcessed, m.targetTLSErrors, m.targetTime,
		m.retries, m.retrySuccess, m.timeouts, m.overflow, m.ejections, m.denied, m.faults, m.rotations} {
		errs = append(errs, reg.Register(c))
	}
	return m, errors.Join(errs...)
}

func (m *metrics) server(discovery, service string) []string {
	return []string{discovery, service, m.cluster}
}

func (m *metrics) client(target, caller string) []string {
	return []string{target, caller, m.cluster}
}

// code counts a response of status for target's caller.
func (m *metrics) code(status int, labels []string) {
	if class := status / 100; class >= 2 && class <= 5 {
		m.targetCodes[class].WithLabelValues(labels...).Inc()
	}
}
