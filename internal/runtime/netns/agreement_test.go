//go:build linux

package netns

import (
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/netwright/netwright/internal/analysis"
	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/plan/plantest"
	"github.com/netwright/netwright/internal/portset"
)

// dropTimeout is how long a connection attempt waits before it counts
// as dropped. Every attempt runs at once, so the test takes about this
// long per example; a passing attempt answers in well under a
// millisecond between namespaces.
const dropTimeout = 700 * time.Millisecond

// retryTimeout is how long an attempt the analyzer admits waits when it
// is tried again after timing out among all the others.
const retryTimeout = 3 * time.Second

// placedTask is one task the agreement test runs: a service's in one of
// its subnets.
type placedTask struct {
	service *design.Service
	subnet  *design.Subnet
	eni     *ENI
}

// appliances are the flows each appliance task of the tests started
// and dropped, by its owner; placeTasks fills it.
var appliances = map[string]*applianceLog{}

// placeTasks attaches one task of every service in each subnet of its
// placements, numbered from each subnet's fifth address, and serves the
// service's port on it: an appliance's is the built-in appliance's
// GENEVE, whose flows land in appliances by the task's owner.
func placeTasks(t *testing.T, f *Fabric, d *design.Design) []placedTask {
	next := map[string]netip.Addr{}
	var out []placedTask
	for i := range d.Services {
		s := &d.Services[i]
		for _, pl := range s.Placements {
			for _, sid := range pl.Subnets {
				_, sub := d.Subnet(sid)
				a, ok := next[sid]
				if !ok {
					a = plus(sub.CIDR.Masked().Addr(), 4)
				}
				next[sid] = a.Next()
				e, err := f.Attach(Attachment{Owner: fmt.Sprintf("%s-%s", s.Name, sid), Service: s.Name, Subnet: sid, Addr: a, Groups: pl.SecurityGroups})
				if err != nil {
					t.Fatal(err)
				}
				if s.Kind == design.KindAppliance {
					appliances[e.Owner] = serveAppliance(t, e)
				} else {
					serve(t, e, transport(s), s.Port)
				}
				out = append(out, placedTask{service: s, subnet: sub, eni: e})
			}
		}
	}
	return out
}

func transport(s *design.Service) string {
	if s.Protocol == design.ProtoUDP {
		return "udp"
	}
	return "tcp"
}

// TestAnalyzerAndRuntimeAgree runs every example in namespaces with one
// task of each service in each of its subnets, tries every ordered pair
// of services on every port either declares (its service port, and the
// ports of the flows between them), from inside the caller's namespace
// to the callee's address, and wants what the packets met to be what the
// analyzer answers for the same two subnets: a connection the analyzer
// admits connects (or is refused by the callee's host), one it blocks
// times out. Pairs in different VPCs are tried too, through the Transit
// Gateways and their peerings.
func TestAnalyzerAndRuntimeAgree(t *testing.T) {
	for name, d := range plantest.Examples(t, "../../../examples") {
		t.Run(name, func(t *testing.T) {
			_, count := agree(t, fabric(t, d), d)
			if count[passed] == 0 || count[dropped] == 0 {
				t.Errorf("%d attempts passed and %d were dropped: an agreement test needs both", count[passed], count[dropped])
			}
		})
	}
}

// agree runs d's tasks on f, tries every pair and port, and fails the
// test where the packets and the analyzer disagree.
func agree(t *testing.T, f *Fabric, d *design.Design) ([]placedTask, map[outcome]int) {
	tasks := placeTasks(t, f, d)
	e := analysis.NewEngine(d)
	type attempt struct {
		from, to placedTask
		proto    string
		port     int
		want     outcome
		got      outcome
		err      error
		took     time.Duration
	}
	ports := map[[2]string][]int{}
	for _, fl := range d.Flows {
		if fl.Kind == design.FlowService {
			k := [2]string{fl.From, fl.To}
			ports[k] = append(ports[k], fl.Port)
			ports[[2]string{fl.To, fl.From}] = append(ports[[2]string{fl.To, fl.From}], fl.Port)
		}
	}
	var attempts []*attempt
	crossVPC, siteTries := map[outcome]int{}, map[outcome]int{}
	for _, a := range tasks {
		for _, b := range tasks {
			if a.service.Name == b.service.Name {
				continue
			}
			ps := append([]int{a.service.Port, b.service.Port}, ports[[2]string{a.service.Name, b.service.Name}]...)
			slices.Sort(ps)
			for _, p := range slices.Compact(ps) {
				proto := transport(b.service)
				src := analysis.Endpoint{Kind: analysis.EndService, Name: a.service.Name, VPC: a.eni.VPC, Subnets: []*design.Subnet{a.subnet}, Groups: a.eni.Groups}
				dst := analysis.Endpoint{Kind: analysis.EndService, Name: b.service.Name, VPC: b.eni.VPC, Subnets: []*design.Subnet{b.subnet}, Groups: b.eni.Groups}
				want := dropped
				if !e.Query(src, dst, proto, portset.Of(p, p)).Blocked() {
					want = passed
				}
				attempts = append(attempts, &attempt{from: a, to: b, proto: proto, port: p, want: want})
				if a.eni.VPC != b.eni.VPC {
					crossVPC[want]++
				}
			}
		}
	}
	// Sites: each of a site's host addresses calls every task, and every
	// task calls each of them, on the ports of the flows that name the
	// site and the task's service port.
	for _, st := range d.Sites {
		ns := f.Site(st.Name)
		if ns == nil {
			continue
		}
		var sitePorts []int
		for _, fl := range d.Flows {
			if fl.From == design.SiteRef(st.Name) || fl.To == design.SiteRef(st.Name) {
				sitePorts = append(sitePorts, fl.Port)
			}
		}
		for _, h := range st.Hosts() {
			host := placedTask{service: &design.Service{Name: design.SiteRef(st.Name)}, eni: &ENI{Owner: design.SiteRef(st.Name), Addr: h, NS: ns}}
			siteEnd := analysis.Endpoint{Kind: analysis.EndSite, Name: design.SiteRef(st.Name), Addrs: []netip.Addr{h}}
			for _, fl := range d.Flows {
				if fl.To == design.SiteRef(st.Name) {
					serve(t, host.eni, fl.Transport, fl.Port)
				}
			}
			for _, b := range tasks {
				ps := append([]int{b.service.Port}, sitePorts...)
				slices.Sort(ps)
				for _, p := range slices.Compact(ps) {
					proto := transport(b.service)
					end := analysis.Endpoint{Kind: analysis.EndService, Name: b.service.Name, VPC: b.eni.VPC, Subnets: []*design.Subnet{b.subnet}, Groups: b.eni.Groups}
					for _, dir := range []struct {
						from, to placedTask
						src, dst analysis.Endpoint
						toSite   bool
						port     int
						proto    string
					}{{host, b, siteEnd, end, false, p, proto}, {b, host, end, siteEnd, true, p, "tcp"}} {
						if dir.toSite && !slices.Contains(sitePorts, p) {
							continue
						}
						want := dropped
						if !e.Query(dir.src, dir.dst, dir.proto, portset.Of(p, p)).Blocked() {
							want = passed
						}
						attempts = append(attempts, &attempt{from: dir.from, to: dir.to, proto: dir.proto, port: p, want: want})
						siteTries[want]++
					}
				}
			}
		}
	}
	var wg sync.WaitGroup
	limit := make(chan struct{}, 512)
	for _, at := range attempts {
		wg.Go(func() {
			limit <- struct{}{}
			defer func() { <-limit }()
			start := time.Now()
			defer func() { at.took = time.Since(start) }()
			at.got, at.err = try(at.from.eni, at.proto, netip.AddrPortFrom(at.to.eni.Addr, uint16(at.port)), dropTimeout)
		})
	}
	wg.Wait()
	// On a loaded machine (the race detector, every package's tests at
	// once) a connection can take longer than dropTimeout to open: an
	// attempt the analyzer admits that timed out is tried again alone,
	// with a longer wait. One the network really drops times out again.
	for _, at := range attempts {
		if at.want == passed && at.got == dropped && at.err == nil {
			at.got, at.err = try(at.from.eni, at.proto, netip.AddrPortFrom(at.to.eni.Addr, uint16(at.port)), retryTimeout)
		}
	}
	var bad []string
	count := map[outcome]int{}
	slowest := time.Duration(0)
	for _, at := range attempts {
		count[at.got]++
		if at.got == passed {
			slowest = max(slowest, at.took)
		}
		if at.err != nil || at.got != at.want {
			bad = append(bad, fmt.Sprintf("%s (%s) -> %s (%s) %s/%d: the runtime %s (%v), the analyzer says it %s",
				at.from.service.Name, at.from.eni.Addr, at.to.service.Name, at.to.eni.Addr, at.proto, at.port, at.got, at.err, at.want))
		}
	}
	sort.Strings(bad)
	for _, b := range bad {
		t.Error(b)
	}
	t.Logf("%d attempts agree: %d pass (the slowest in %v), %d dropped; across VPCs %d pass and %d are dropped; with sites %d pass and %d are dropped",
		len(attempts)-len(bad), count[passed], slowest, count[dropped], crossVPC[passed], crossVPC[dropped], siteTries[passed], siteTries[dropped])
	return tasks, count
}
