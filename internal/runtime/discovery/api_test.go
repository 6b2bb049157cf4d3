package discovery

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// TestDiscoverInstancesWhileHealthChanges calls DiscoverInstances and
// asks DNS from many goroutines while health pushes flip the tasks'
// health: every call must come back (a registry lock taken twice in one
// request deadlocks as soon as a health push waits between the two), and
// the race detector must find nothing.
func TestDiscoverInstancesWhileHealthChanges(t *testing.T) {
	r := registry(t, 6, 6)
	var stop atomic.Bool
	var wg sync.WaitGroup
	calls := func() {
		for i := 0; i < 300 && !stop.Load(); i++ {
			req := httptest.NewRequest(http.MethodPost, "/", bytes.NewBufferString(`{"NamespaceName":"webapp.local","ServiceName":"app","HealthStatus":"HEALTHY_OR_ELSE_ALL"}`))
			req.Header.Set("X-Amz-Target", discoverTarget)
			w := httptest.NewRecorder()
			r.ServeHTTP(w, req)
			if w.Code != http.StatusOK {
				t.Errorf("DiscoverInstances: %d %s", w.Code, w.Body)
				return
			}
			m := new(dns.Msg)
			m.SetQuestion("app.webapp.local.", dns.TypeA)
			if a := r.answer(m); a.Rcode != dns.RcodeSuccess || len(a.Answer) == 0 {
				t.Errorf("app.webapp.local A: %s with %d answers", dns.RcodeToString[a.Rcode], len(a.Answer))
				return
			}
		}
	}
	for range 8 {
		wg.Go(calls)
	}
	wg.Go(func() {
		for i := 0; i < 3000 && !stop.Load(); i++ {
			if err := r.SetHealth("webapp.local", "app", fmt.Sprintf("task-%02d", i%6), i%3 != 0); err != nil {
				t.Error(err)
				return
			}
		}
	})
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		stop.Store(true)
		t.Fatal("DiscoverInstances, DNS and health pushes did not finish in 60 s: the registry is deadlocked")
	}
}
