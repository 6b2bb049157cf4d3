package up

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/plan/plantest"
)

// BenchmarkStartShop is `up` ready for the shop example (29 tasks, its
// ALB), in each isolation mode: Start returns once every task serves.
func BenchmarkStartShop(b *testing.B) {
	d := plantest.File(b, "../../../examples/shop.yaml")
	for _, mode := range []string{IsolationLoopback, IsolationNetns} {
		b.Run(mode, func(b *testing.B) {
			for b.Loop() {
				rt, err := Start(context.Background(), d, Options{Ephemeral: true, Isolation: mode})
				if err != nil {
					b.Skip(err)
				}
				b.StopTimer()
				rt.Shutdown(context.Background())
				b.StartTimer()
			}
		})
	}
}

// BenchmarkInternalALB sends requests to three-tier's internal ALB from
// a web task, 16 at a time, in each mode, and reports requests per
// second and the 99th percentile latency: loopback mode from the host,
// netns mode from web-1's namespace to the ALB's node, through the
// router's rules both ways and to app's tasks.
func BenchmarkInternalALB(b *testing.B) {
	d := plantest.File(b, "../../../examples/three-tier.yaml")
	for _, mode := range []string{IsolationLoopback, IsolationNetns} {
		b.Run(mode, func(b *testing.B) {
			rt, err := Start(context.Background(), d, Options{Ephemeral: true, Isolation: mode})
			if err != nil {
				b.Skip(err)
			}
			defer rt.Shutdown(context.Background())
			var addr string
			for _, e := range rt.Entries {
				if e.Scheme == design.Internal {
					addr = e.Addr
				}
			}
			tr := &http.Transport{MaxIdleConnsPerHost: 64}
			if mode == IsolationNetns {
				tr.DialContext = rt.tasks["web-1"].Task.dial()
			}
			c := &http.Client{Transport: tr, Timeout: 10 * time.Second}
			defer tr.CloseIdleConnections()
			get := func() error {
				resp, err := c.Get("http://" + addr + "/")
				if err != nil {
					return err
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					return fmt.Errorf("%s", resp.Status)
				}
				return nil
			}
			if err := get(); err != nil {
				b.Fatal(err)
			}
			const workers = 16
			var mu sync.Mutex
			var lat []time.Duration
			b.ResetTimer()
			start := time.Now()
			var wg sync.WaitGroup
			n := b.N
			for w := range workers {
				wg.Go(func() {
					var mine []time.Duration
					for i := w; i < n; i += workers {
						t0 := time.Now()
						if err := get(); err != nil {
							b.Error(err)
							return
						}
						mine = append(mine, time.Since(t0))
					}
					mu.Lock()
					lat = append(lat, mine...)
					mu.Unlock()
				})
			}
			wg.Wait()
			elapsed := time.Since(start)
			b.StopTimer()
			slices.Sort(lat)
			if len(lat) > 0 {
				b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "req/s")
				b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
			}
		})
	}
}
