package cloudmap

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"testing"
)

func instances(n, healthy int) []Instance {
	var out []Instance
	for i := range n {
		out = append(out, Instance{ID: fmt.Sprintf("task-%d", i), Addr: netip.AddrFrom4([4]byte{10, 0, 0, byte(i + 1)}), Port: 8080, Healthy: i < healthy})
	}
	return out
}

func TestMultivalueAnswersUpToEightHealthy(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, tt := range []struct{ n, healthy, want int }{{3, 3, 3}, {12, 12, 8}, {12, 5, 5}, {12, 0, 8}, {2, 0, 2}, {0, 0, 0}} {
		got := Answer(instances(tt.n, tt.healthy), Multivalue, rng.IntN)
		if len(got) != tt.want {
			t.Errorf("%d instances, %d healthy: %d answers; want %d", tt.n, tt.healthy, len(got), tt.want)
		}
		seen := map[string]bool{}
		for _, in := range got {
			if tt.healthy > 0 && !in.Healthy {
				t.Errorf("answered unhealthy %s while %d are healthy", in.ID, tt.healthy)
			}
			if seen[in.ID] {
				t.Errorf("answered %s twice", in.ID)
			}
			seen[in.ID] = true
		}
	}
}

func TestAllUnhealthyFailsOpen(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	got := Answer(instances(3, 0), Weighted, rng.IntN)
	if len(got) != 1 {
		t.Fatalf("WEIGHTED with none healthy answered %d; want 1 (as if all were healthy)", len(got))
	}
}

func TestWeightedSpreadsOverHealthy(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	in := instances(4, 2)
	counts := map[string]int{}
	for range 1000 {
		got := Answer(in, Weighted, rng.IntN)
		if len(got) != 1 || !got[0].Healthy {
			t.Fatalf("WEIGHTED answered %v; want one healthy instance", got)
		}
		counts[got[0].ID]++
	}
	if counts["task-0"] < 400 || counts["task-1"] < 400 {
		t.Errorf("WEIGHTED picks %v; want both healthy instances about equally", counts)
	}
}

func TestSRVValue(t *testing.T) {
	got := SRVValue(Instance{ID: "task-1", Port: 9090}, "api", "shop.local")
	if want := "1 1 9090 task-1.api.shop.local"; got != want {
		t.Errorf("SRVValue = %q; want %q", got, want)
	}
}

func TestAnswerDoesNotModifyInput(t *testing.T) {
	in := instances(10, 10)
	before := fmt.Sprint(in)
	Answer(in, Multivalue, rand.New(rand.NewPCG(4, 4)).IntN)
	if fmt.Sprint(in) != before {
		t.Error("Answer reordered its input")
	}
}
