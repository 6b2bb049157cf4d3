package mesh

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/netwright/netwright/internal/clock"
)

// The kinds of fault a proxy injects.
const (
	// FaultDelay holds each call Value (a duration, 100ms by default).
	FaultDelay = "delay"
	// FaultAbort answers Value (an HTTP status, 503 by default); a TCP
	// connection is reset.
	FaultAbort = "abort"
	// FaultDrop ends the call's connection without an answer.
	FaultDrop = "drop"
	// FaultPartition makes the target unreachable: connections to it (or
	// from it) time out as a black hole's do.
	FaultPartition = "partition"
	// FaultKill makes the task dead: every connection to it is reset.
	FaultKill = "kill"
	// FaultStall takes the call and never answers.
	FaultStall = "stall"
)

var faultKinds = []string{FaultAbort, FaultDelay, FaultDrop, FaultKill, FaultPartition, FaultStall}

// Fault is one injected fault.
type Fault struct {
	ID int `json:"id"`
	// Target is a task ("orders-1"), a service ("orders") or a pair of
	// either ("web->orders": calls from the first to the second).
	Target string `json:"target"`
	Kind   string `json:"kind"`
	// Value is the delay ("200ms") or the status ("503").
	Value string `json:"value,omitempty"`
	// Share is the share of calls it hits, 0 to 1 (1 when 0).
	Share float64 `json:"share,omitempty"`
	// For is how long it lasts from when it was added (forever when 0);
	// Until is then, on the runtime's clock.
	For   string    `json:"for,omitempty"`
	Until time.Time `json:"until,omitzero"`

	from, to string // a pair's ends; to alone otherwise
	delay    time.Duration
	status   int
}

// Faults is the table of injected faults, read on every call.
type Faults struct {
	clock clock.Clock
	rng   *lockedRand
	mu    sync.Mutex
	next  int
	list  atomic.Pointer[[]*Fault]
	// changed is closed and replaced when a fault goes, waking stalls.
	changed chan struct{}
	// added runs when a fault is added (the HTTP/2 fast path's
	// connections then go away, so new calls take the faults' path).
	added func()
}

func newFaults(c clock.Clock, rng *lockedRand) *Faults {
	f := &Faults{clock: c, rng: rng, changed: make(chan struct{})}
	f.list.Store(&[]*Fault{})
	return f
}

// ParseFault checks a fault as the admin API and `netwright fault add`
// take it and fills in its defaults.
func ParseFault(f Fault) (Fault, error) {
	f.Target = strings.TrimSpace(f.Target)
	if f.Target == "" {
		return f, errors.New("a fault needs a target: a task (orders-1), a service (orders) or a pair (web->orders)")
	}
	f.from, f.to = "", f.Target
	if a, b, ok := strings.Cut(f.Target, "->"); ok {
		f.from, f.to = strings.TrimSpace(a), strings.TrimSpace(b)
		if f.from == "" || f.to == "" {
			return f, fmt.Errorf("target %q: a pair is FROM->TO", f.Target)
		}
	}
	if !slices.Contains(faultKinds, f.Kind) {
		return f, fmt.Errorf("kind %q: want one of %s", f.Kind, strings.Join(faultKinds, ", "))
	}
	if f.Share < 0 || f.Share > 1 {
		return f, fmt.Errorf("share %v: want 0 to 1", f.Share)
	}
	switch f.Kind {
	case FaultDelay:
		if f.Value == "" {
			f.Value = "100ms"
		}
		d, err := time.ParseDuration(f.Value)
		if err != nil || d < 0 || d > 10*time.Minute {
			return f, fmt.Errorf("delay %q: want a duration up to 10m, such as 200ms", f.Value)
		}
		f.delay = d
	case FaultAbort:
		if f.Value == "" {
			f.Value = "503"
		}
		n, err := strconv.Atoi(f.Value)
		if err != nil || n < 200 || n > 599 {
			return f, fmt.Errorf("abort %q: want an HTTP status, 200 to 599", f.Value)
		}
		f.status = n
	default:
		if f.Value != "" {
			return f, fmt.Errorf("a %s fault takes no value", f.Kind)
		}
	}
	if f.For != "" {
		d, err := time.ParseDuration(f.For)
		if err != nil || d <= 0 {
			return f, fmt.Errorf("for %q: want a positive duration, such as 30s", f.For)
		}
	}
	return f, nil
}

// Add checks f and adds it; its ID and end are set.
func (t *Faults) Add(f Fault) (Fault, error) {
	f, err := ParseFault(f)
	if err != nil {
		return f, err
	}
	if f.For != "" {
		d, _ := time.ParseDuration(f.For)
		f.Until = t.clock.Now().Add(d)
	}
	t.mu.Lock()
	t.next++
	f.ID = t.next
	list := append(slices.Clone(*t.list.Load()), &f)
	t.list.Store(&list)
	t.mu.Unlock()
	if t.added != nil {
		t.added()
	}
	return f, nil
}

// Clear removes the faults on target (every fault when empty) and
// returns how many went.
func (t *Faults) Clear(target string) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	old := *t.list.Load()
	var keep []*Fault
	for _, f := range old {
		if target != "" && f.Target != target && strconv.Itoa(f.ID) != target {
			keep = append(keep, f)
		}
	}
	t.list.Store(&keep)
	close(t.changed)
	t.changed = make(chan struct{})
	return len(old) - len(keep)
}

// any reports whether any fault is in the table, in force or not: the
// proxies' fast path leaves every call to the full one while there is.
func (t *Faults) any() bool { return len(*t.list.Load()) > 0 }

// List returns the faults in force, oldest first.
func (t *Faults) List() []Fault {
	now := t.clock.Now()
	out := []Fault{}
	for _, f := range *t.list.Load() {
		if f.live(now) {
			out = append(out, *f)
		}
	}
	return out
}

// Changed returns a channel closed when a fault is next cleared.
func (t *Faults) Changed() <-chan struct{} {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.changed
}

func (f *Fault) live(now time.Time) bool { return f.Until.IsZero() || now.Before(f.Until) }

func (f *Fault) names(task, service string) bool {
	return f.to == task || f.to == service
}

// hits reports whether a call falls in the fault's share.
func (t *Faults) hits(f *Fault) bool {
	return f.Share == 0 || f.Share >= 1 || t.rng.Float64() < f.Share
}

// atIngress returns the fault that hits a call into task of service (a
// task or service fault other than a partition), or nil. Kill is checked
// first: a dead task does nothing else.
func (t *Faults) atIngress(task, service string) *Fault {
	list := *t.list.Load()
	if len(list) == 0 {
		return nil
	}
	now := t.clock.Now()
	var hit *Fault
	for _, f := range list {
		if f.from != "" || f.Kind == FaultPartition || !f.live(now) || !f.names(task, service) {
			continue
		}
		if f.Kind == FaultKill {
			return f
		}
		if hit == nil && t.hits(f) {
			hit = f
		}
	}
	return hit
}

// killed reports whether task is dead by a fault.
func (t *Faults) killed(task, service string) bool { return t.kill(task, service) != nil }

// kill returns the fault that makes task dead, or nil.
func (t *Faults) kill(task, service string) *Fault {
	list := *t.list.Load()
	now := t.clock.Now()
	for _, f := range list {
		if f.Kind == FaultKill && f.from == "" && f.live(now) && f.names(task, service) {
			return f
		}
	}
	return nil
}

// onPath returns the fault that hits a try from caller (task, service)
// to target (task, service): a pair's fault of any kind, or a partition
// of either end.
func (t *Faults) onPath(callerTask, callerService, task, service string) *Fault {
	list := *t.list.Load()
	if len(list) == 0 {
		return nil
	}
	now := t.clock.Now()
	for _, f := range list {
		if !f.live(now) {
			continue
		}
		switch {
		case f.from != "":
			if (f.from == callerTask || f.from == callerService) && f.names(task, service) && t.hits(f) {
				return f
			}
		case f.Kind == FaultPartition:
			if (f.names(task, service) || f.names(callerTask, callerService)) && t.hits(f) {
				return f
			}
		}
	}
	return nil
}
