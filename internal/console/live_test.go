package console

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/netwright/netwright/internal/plan"
)

// countingLive is a running design whose flow counts the test sets.
type countingLive struct {
	mu     sync.Mutex
	counts map[string]FlowCount
}

func (l *countingLive) Status() LiveStatus {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := map[string]FlowCount{}
	for k, v := range l.counts {
		c[k] = v
	}
	return LiveStatus{Counts: c}
}
func (l *countingLive) set(flow string, requests, errors uint64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.counts[flow] = FlowCount{Requests: requests, Errors: errors}
}
func (*countingLive) Requests(uint64) []Request      { return nil }
func (*countingLive) SetFaults(string, Faults) error { return nil }
func (*countingLive) ClearFaults(string) error       { return nil }
func (*countingLive) Client() *http.Client           { return http.DefaultClient }

// TestRatesOverAWindow: a flow's rates are taken over the last
// rateWindow readings, so its error colour stays for the ticks after its
// last request instead of going out at the first tick that saw none.
func TestRatesOverAWindow(t *testing.T) {
	src, err := os.ReadFile("../../examples/three-tier.yaml")
	if err != nil {
		t.Fatal(err)
	}
	live := &countingLive{counts: map[string]FlowCount{}}
	c := New(Options{Filename: "three-tier.yaml", Token: "secret", Live: live})
	d, ds := plan.File("three-tier.yaml", src)
	c.Update(src, d, ds)
	flow := d.Flows[0].ID

	srv := httptest.NewServer(c)
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/api/events", nil)
	req.Header.Set(TokenHeader, "secret")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	rd := bufio.NewReader(resp.Body)
	// nextLive is the next "live" event's share of errors on the flow.
	nextLive := func() float64 {
		var name, data string
		for {
			line, err := rd.ReadString('\n')
			if err != nil {
				t.Fatalf("reading events: %v", err)
			}
			line = strings.TrimRight(line, "\n")
			switch {
			case strings.HasPrefix(line, "event: "):
				name = line[7:]
			case strings.HasPrefix(line, "data: "):
				data += line[6:]
			case line == "" && name == "live":
				var lv struct{ Flows []flowRate }
				if err := json.Unmarshal([]byte(data), &lv); err != nil {
					t.Fatal(err)
				}
				for _, f := range lv.Flows {
					if f.ID == flow {
						return f.ErrorShare
					}
				}
				t.Fatalf("no rate for %s in %s", flow, data)
			case line == "":
				name, data = "", ""
			}
		}
	}
	go c.RunLive(ctx, 20*time.Millisecond)
	nextLive() // the first reading: nothing yet
	live.set(flow, 10, 10)
	for share := nextLive(); share != 1; share = nextLive() {
		if share != 0 {
			t.Fatalf("error share %v; want 0 before the requests are read, then 1", share)
		}
	}
	// No request since: the window still holds the failed ones for the
	// next rateWindow-1 readings at least, then lets them go.
	for i := 1; i < rateWindow; i++ {
		if share := nextLive(); share != 1 {
			t.Fatalf("error share %v at reading %d after the last request; want 1 within the window of %d", share, i, rateWindow)
		}
	}
	for i := 0; ; i++ {
		if share := nextLive(); share == 0 {
			break
		}
		if i > rateWindow {
			t.Fatalf("errors still shown %d readings after the window", i)
		}
	}
}
