package mesh

import (
	"context"
	"errors"
	"net/http"
	"sync"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// Propagator is W3C Trace Context (traceparent, tracestate), which every
// proxy and the built-in workload read and write.
var Propagator = propagation.TraceContext{}

// Tracing makes the runtime's spans: one tracer per service (the
// service.name of its spans), every span sampled so each call has a
// trace ID, exported over OTLP/HTTP only when Export is on.
type Tracing struct {
	// Export sends spans with OpenTelemetry's OTLP/HTTP exporter, which
	// reads the SDK's standard variables (OTEL_EXPORTER_OTLP_ENDPOINT,
	// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, _HEADERS, _TIMEOUT, ...).
	Export bool

	once     sync.Once
	err      error
	exporter sdktrace.SpanExporter
	mu       sync.Mutex
	tps      map[string]*sdktrace.TracerProvider
}

// Start makes the exporter, when exporting.
func (t *Tracing) Start(ctx context.Context) error {
	t.once.Do(func() {
		t.tps = map[string]*sdktrace.TracerProvider{}
		if t.Export {
			t.exporter, t.err = otlptracehttp.New(ctx)
		}
	})
	return t.err
}

// exporting reports whether spans leave the process.
func (t *Tracing) exporting() bool {
	_ = t.Start(context.Background())
	return t.exporter != nil
}

// For returns the tracer of service's spans.
func (t *Tracing) For(service string) trace.Tracer {
	_ = t.Start(context.Background())
	t.mu.Lock()
	defer t.mu.Unlock()
	tp := t.tps[service]
	if tp == nil {
		opts := []sdktrace.TracerProviderOption{sdktrace.WithSampler(sdktrace.AlwaysSample()),
			sdktrace.WithResource(resource.NewSchemaless(attribute.String("service.name", service), attribute.String("service.namespace", "netwright")))}
		if t.exporter != nil {
			opts = append(opts, sdktrace.WithBatcher(keepOpen{t.exporter}))
		}
		tp = sdktrace.NewTracerProvider(opts...)
		t.tps[service] = tp
	}
	return tp.Tracer("github.com/netwright/netwright/internal/runtime/mesh")
}

// Tracer is the runtime's own tracer (service.name netwright-up).
func (t *Tracing) Tracer() trace.Tracer { return t.For("netwright-up") }

// Flush exports the spans ended so far.
func (t *Tracing) Flush(ctx context.Context) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	var errs []error
	for _, tp := range t.tps {
		errs = append(errs, tp.ForceFlush(ctx))
	}
	return errors.Join(errs...)
}

// Shutdown exports what is left and stops.
func (t *Tracing) Shutdown(ctx context.Context) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	var errs []error
	for _, tp := range t.tps {
		errs = append(errs, tp.Shutdown(ctx))
	}
	if t.exporter != nil {
		errs = append(errs, t.exporter.Shutdown(ctx))
	}
	return errors.Join(errs...)
}

// keepOpen shares one exporter among the services' providers, which
// each shut down their batchers; the exporter is shut down once.
type keepOpen struct{ sdktrace.SpanExporter }

func (keepOpen) Shutdown(context.Context) error { return nil }

// Extract reads the trace context of an incoming request's header.
func Extract(ctx context.Context, h http.Header) context.Context {
	return Propagator.Extract(ctx, propagation.HeaderCarrier(h))
}

// Inject writes ctx's trace context into an outgoing request's header.
func Inject(ctx context.Context, h http.Header) {
	Propagator.Inject(ctx, propagation.HeaderCarrier(h))
}
