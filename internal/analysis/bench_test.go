package analysis

import (
	"testing"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/diag"
	"github.com/netwright/netwright/internal/plan/plantest"
	"github.com/netwright/netwright/internal/specgen"
)

func generated(tb testing.TB, services, deps int) *design.Design {
	tb.Helper()
	return plantest.Design(tb, "bench.yaml", specgen.Spec(specgen.Options{Services: services, Dependencies: deps}))
}

// BenchmarkAnalyze1000 runs all-pairs reachability and the full checklist
// on a generated design of 1,000 services and 3,000 dependencies.
func BenchmarkAnalyze1000(b *testing.B) {
	d := generated(b, 1000, 3000)
	b.ReportAllocs()
	for b.Loop() {
		if r := Analyze(d); r.Count(diag.Error) > 0 {
			b.Fatalf("generated design has errors: %v", r.Findings[0].Summary)
		}
	}
}
