//go:build linux

package netns

import (
	"fmt"
	"testing"

	"github.com/netwright/netwright/internal/plan/plantest"
)

// BenchmarkFabricShop is the shop example's network: the router, the
// internet, NAT gateways and every subnet's routes and rules (New).
func BenchmarkFabricShop(b *testing.B) {
	d := plantest.File(b, "../../../examples/shop.yaml")
	for b.Loop() {
		f, err := New(d, int(testRuns.Add(1)))
		if err != nil {
			b.Skip(err)
		}
		b.StopTimer()
		f.Close()
		b.StartTimer()
	}
}

// BenchmarkAttachTask is one task's start cost: its namespace, veth,
// addresses, routes and its place in the groups' sets.
func BenchmarkAttachTask(b *testing.B) {
	d := plantest.File(b, "../../../examples/shop.yaml")
	f, err := New(d, int(testRuns.Add(1)))
	if err != nil {
		b.Skip(err)
	}
	defer f.Close()
	s := d.Service("orders")
	pl := s.Placements[0]
	_, sub := d.Subnet(pl.Subnets[0])
	i := 0
	for b.Loop() {
		i++
		e, err := f.Attach(Attachment{Owner: fmt.Sprintf("bench-%d", i), Subnet: sub.ID, Addr: plus(sub.CIDR.Addr(), uint32(4+i%32)), Groups: pl.SecurityGroups})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		f.Detach(e)
		b.StartTimer()
	}
}

// BenchmarkFabricHubSpoke is hub-spoke's network: three VPCs, the
// Transit Gateway's namespace and its six ports, the GWLB's two nodes
// with their endpoints' links and TUN devices, NAT gateways with Elastic
// IPs (New).
func BenchmarkFabricHubSpoke(b *testing.B) {
	d := plantest.File(b, "../../../examples/hub-spoke.yaml")
	for b.Loop() {
		f, err := New(d, int(testRuns.Add(1)))
		if err != nil {
			b.Skip(err)
		}
		b.StopTimer()
		f.Close()
		b.StartTimer()
	}
}
