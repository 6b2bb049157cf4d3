//go:build linux

package netns

import (
	"fmt"
	"net/netip"
	"os"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/nftables"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/netwright/netwright/internal/plan/plantest"
)

// hostState is what a run must leave as it found it in the host's
// namespace: links, addresses, routes of every table, policy rules,
// nftables tables and named namespaces.
func hostState(t *testing.T) []string {
	t.Helper()
	h, err := netlink.NewHandle()
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	var out []string
	links, err := h.LinkList()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range links {
		out = append(out, fmt.Sprintf("link %d %s", l.Attrs().Index, l.Attrs().Name))
	}
	addrs, err := h.AddrList(nil, unix.AF_UNSPEC)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range addrs {
		out = append(out, "addr "+a.IPNet.String())
	}
	routes, err := h.RouteListFiltered(unix.AF_UNSPEC, &netlink.Route{Table: unix.RT_TABLE_UNSPEC}, netlink.RT_FILTER_TABLE)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range routes {
		out = append(out, fmt.Sprintf("route table %d %v dev %d via %v", r.Table, r.Dst, r.LinkIndex, r.Gw))
	}
	rules, err := h.RuleList(unix.AF_UNSPEC)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rules {
		out = append(out, fmt.Sprintf("rule %d table %d mark %d", r.Priority, r.Table, r.Mark))
	}
	c, err := nftables.New()
	if err != nil {
		t.Fatal(err)
	}
	tables, err := c.ListTables()
	if err != nil {
		t.Fatal(err)
	}
	for _, tb := range tables {
		out = append(out, fmt.Sprintf("nftables table %d %s", tb.Family, tb.Name))
	}
	// Namespaces of this process only: other test binaries run beside.
	entries, _ := os.ReadDir(netnsDir())
	for _, e := range entries {
		if pid, ok := ownerPID(e.Name()); !ok || pid == os.Getpid() {
			out = append(out, "netns "+e.Name())
		}
	}
	slices.Sort(out)
	return out
}

// TestHostUnchanged runs a design with traffic and wants the host's
// namespace as it was after: nothing added, nothing left; and while it
// runs, no route to a designed address in the host's namespace.
func TestHostUnchanged(t *testing.T) {
	d := plantest.File(t, "../../../examples/three-tier.yaml")
	before := hostState(t)
	t.Run("run", func(t *testing.T) {
		f := fabric(t, d)
		agree(t, f, d)
		h, err := netlink.NewHandle()
		if err != nil {
			t.Fatal(err)
		}
		defer h.Close()
		routes, err := h.RouteListFiltered(unix.AF_INET, &netlink.Route{Table: unix.RT_TABLE_UNSPEC}, netlink.RT_FILTER_TABLE)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range routes {
			if r.Dst == nil {
				continue
			}
			p, _ := netip.AddrFromSlice(r.Dst.IP)
			if d.VPCs[0].CIDR.Contains(p.Unmap()) {
				t.Errorf("the host's namespace routes to %v, a designed address", r.Dst)
			}
		}
	})
	if diff := cmp.Diff(before, hostState(t)); diff != "" {
		t.Errorf("the host's namespace changed (-before +after):\n%s", diff)
	}
}
