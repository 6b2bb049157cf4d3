package mesh

import (
	"sync"
	"sync/atomic"
	"time"
)

// cluster is one caller proxy's view of a target service's tasks: the
// round-robin position, each task's passive health (outlier detection
// is each caller's own, as Envoy's is) and what is in flight, for the
// circuit breakers.
type cluster struct {
	service string
	mu      sync.Mutex
	hosts   map[string]*host // by task ID; kept across endpoint updates
	next    uint64
	// active and retries are requests and retries in flight.
	active, retries, conns atomic.Int64
}

// host is a task's passive health as one caller's proxy sees it.
type host struct {
	failures     []time.Time // Service Connect: within its window
	consecutive  int         // Envoy: failures in a row
	ejections    int         // the ejection multiplier
	ejectedUntil time.Time
	// decayed is when the multiplier last came down (or the task came
	// back).
	decayed  time.Time
	inFlight atomic.Int64
}

func newCluster(service string) *cluster {
	return &cluster{service: service, hosts: map[string]*host{}}
}

func (c *cluster) host(task string) *host {
	h := c.hosts[task]
	if h == nil {
		h = &host{}
		c.hosts[task] = h
	}
	return h
}

// decay brings an ejection multiplier down by one for every interval a
// task has been back in (Envoy), lazily, when the cluster is next used.
func (h *host) decay(now time.Time, interval time.Duration) {
	if h.ejections == 0 || interval <= 0 || now.Before(h.ejectedUntil) {
		return
	}
	if h.decayed.Before(h.ejectedUntil) {
		h.decayed = h.ejectedUntil
	}
	for h.ejections > 0 && !now.Before(h.decayed.Add(interval)) {
		h.ejections--
		h.decayed = h.decayed.Add(interval)
	}
}

// pick chooses a task in round-robin order among those available: not
// ejected, not unhealthy, not in avoid (the tasks a request already
// tried). With none available it takes any not tried, then any (Envoy's
// panic mode: below half healthy it balances over all).
func (c *cluster) pick(now time.Time, eps []Endpoint, avoid []string, od *Outlier, healthy func(string) bool) (Endpoint, bool) {
	if len(eps) == 0 {
		return Endpoint{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	interval := time.Duration(0)
	if od != nil {
		interval = od.Interval
		if interval == 0 {
			interval = od.Base
		}
	}
	tried := func(task string) bool {
		for _, a := range avoid {
			if a == task {
				return true
			}
		}
		return false
	}
	n := uint64(len(eps))
	start := c.next
	c.next++
	for pass := range 3 {
		for i := range n {
			e := eps[(start+i)%n]
			if pass < 2 && tried(e.Task) {
				continue
			}
			if pass == 0 {
				h := c.host(e.Task)
				h.decay(now, interval)
				if now.Before(h.ejectedUntil) || healthy != nil && !healthy(e.Task) {
					continue
				}
			}
			return e, true
		}
	}
	return Endpoint{}, false
}

// report records how a try to task went and reports whether it ejected
// the task.
func (c *cluster) report(now time.Time, task string, failed bool, od *Outlier, total int) (ejected bool, until time.Time) {
	if od == nil || od.Failures <= 0 {
		return false, time.Time{}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	h := c.host(task)
	if !failed {
		h.consecutive = 0
		return false, time.Time{}
	}
	if now.Before(h.ejectedUntil) {
		return false, time.Time{} // a try sent before the ejection
	}
	trip := false
	if od.Window > 0 {
		keep := h.failures[:0]
		for _, t := range h.failures {
			if now.Sub(t) < od.Window {
				keep = append(keep, t)
			}
		}
		h.failures = append(keep, now)
		trip = len(h.failures) >= od.Failures
	} else {
		h.consecutive++
		trip = h.consecutive >= od.Failures
	}
	if !trip {
		return false, time.Time{}
	}
	// Envoy ejects past max_ejection_percent only while none is ejected.
	out := 0
	for _, o := range c.hosts {
		if now.Before(o.ejectedUntil) {
			out++
		}
	}
	if out > 0 && total > 0 && (out+1)*100 > od.MaxPercent*total {
		return false, time.Time{}
	}
	h.ejections++
	d := od.Base * time.Duration(h.ejections)
	if od.Max > 0 && d > od.Max {
		d = od.Max
	}
	h.ejectedUntil = now.Add(d)
	h.failures, h.consecutive = h.failures[:0], 0
	return true, h.ejectedUntil
}

// ejectedUntil is when task comes back, or zero.
func (c *cluster) ejectedUntil(now time.Time, task string) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if h := c.hosts[task]; h != nil && now.Before(h.ejectedUntil) {
		return h.ejectedUntil
	}
	return time.Time{}
}

func (c *cluster) inFlight(task string) int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	if h := c.hosts[task]; h != nil {
		return h.inFlight.Load()
	}
	return 0
}

// hostFor returns task's host, made on first use.
func (c *cluster) hostFor(task string) *host {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.host(task)
}
