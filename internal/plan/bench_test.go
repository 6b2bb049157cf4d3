package plan

import (
	"testing"

	"github.com/netwright/netwright/internal/spec"
	"github.com/netwright/netwright/internal/specgen"
)

// BenchmarkPlan2000 parses and plans a generated spec of 2,000 services
// with 6,000 dependencies, the size named in BENCHMARKS.md.
func BenchmarkPlan2000(b *testing.B) {
	src := specgen.Spec(specgen.Options{Services: 2000, Dependencies: 6000})
	b.ReportAllocs()
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		s, ds := spec.Parse("bench.yaml", src)
		if s == nil {
			b.Fatal(ds)
		}
		if d, ds := Build(s); d == nil {
			b.Fatal(ds)
		}
	}
}

// BenchmarkBuild2000 is the architects alone on the same spec.
func BenchmarkBuild2000(b *testing.B) {
	src := specgen.Spec(specgen.Options{Services: 2000, Dependencies: 6000})
	s, ds := spec.Parse("bench.yaml", src)
	if s == nil {
		b.Fatal(ds)
	}
	b.ReportAllocs()
	for b.Loop() {
		if d, ds := Build(s); d == nil {
			b.Fatal(ds)
		}
	}
}

// TestPlanLargeSpec keeps the benchmark's input valid in the ordinary test
// run: a generated spec of 2,000 services plans without errors and passes
// the design's invariants.
func TestPlanLargeSpec(t *testing.T) {
	src := specgen.Spec(specgen.Options{Services: 2000, Dependencies: 6000})
	s, ds := spec.Parse("bench.yaml", src)
	if s == nil {
		t.Fatal(ds)
	}
	d, ds := Build(s)
	if d == nil {
		t.Fatal(ds)
	}
	if len(d.Flows) != 6000 {
		t.Errorf("flows = %d; want 6000", len(d.Flows))
	}
	for _, err := range d.Validate() {
		t.Error(err)
	}
}
