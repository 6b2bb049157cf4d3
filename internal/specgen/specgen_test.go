package specgen

import (
	"bytes"
	"strings"
	"testing"
)

func TestSpecSize(t *testing.T) {
	src := Spec(Options{Services: 100, Dependencies: 300})
	if !bytes.Equal(src, Spec(Options{Services: 100, Dependencies: 300})) {
		t.Fatal("Spec is not deterministic")
	}
	services := strings.Count(string(src), "\n  svc-")
	deps := 0
	for _, line := range strings.Split(string(src), "\n") {
		if rest, ok := strings.CutPrefix(line, "    depends_on: ["); ok {
			deps += strings.Count(rest, "svc-")
		}
	}
	if services != 100 || deps != 300 {
		t.Errorf("Spec(100, 300) has %d services and %d dependencies", services, deps)
	}
}
