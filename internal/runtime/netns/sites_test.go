//go:build linux

package netns

import (
	"net/netip"
	"testing"

	"github.com/netwright/netwright/internal/plan/plantest"
)

// TestSites: hybrid's data centre is a namespace behind the Transit
// Gateway's Direct Connect and VPN attachments. orders reaches the
// site's database (declared) across the gateway; shop calling it, and
// the site calling shop, are dropped (undeclared); the agreement test
// has compared every pair with the analyzer first.
func TestSites(t *testing.T) {
	d := plantest.File(t, "../../../examples/hybrid.yaml")
	f := fabric(t, d)
	tasks, _ := agree(t, f, d)
	corp := d.Site("corp")
	db := placedTask{eni: &ENI{Addr: corp.Hosts()[0]}}
	site := placedTask{eni: &ENI{Owner: "onprem:corp", Addr: corp.Hosts()[0], NS: f.Site("corp")}}
	for _, c := range []struct {
		name     string
		from, to placedTask
		port     int
		want     outcome
	}{
		{"orders -> onprem:corp:5432 (declared)", taskOf(t, tasks, "orders"), db, 5432, passed},
		{"shop -> onprem:corp:5432 (undeclared)", taskOf(t, tasks, "shop"), db, 5432, dropped},
		{"onprem:corp -> shop:8080 (undeclared)", site, taskOf(t, tasks, "shop"), 8080, dropped},
	} {
		got, err := try(c.from.eni, "tcp", netip.AddrPortFrom(c.to.eni.Addr, uint16(c.port)), dropTimeout)
		if err != nil || got != c.want {
			t.Errorf("%s: %s (%v); want %s", c.name, got, err, c.want)
		}
	}
	if f.Site("corp") == nil || f.Site("elsewhere") != nil {
		t.Errorf("Site: corp %v, elsewhere %v", f.Site("corp"), f.Site("elsewhere"))
	}
}
