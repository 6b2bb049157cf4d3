//go:build linux

package netns

import (
	"context"
	"io"
	"net"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/plan/plantest"
)

// TestPreserveClients: a load balancer node that preserves its clients'
// addresses connects to a target from a client's address, the target
// sees that address and its answers come back to the node; behind a node
// without groups the target's groups decide by the client's address (one
// they do not admit is dropped), while a rule naming the node's group
// admits it from any client; the node's own connections are as before,
// and a reload's new rules keep it. Without PreserveClients the node
// cannot take the address.
func TestPreserveClients(t *testing.T) {
	d := plantest.File(t, "../../../examples/three-tier.yaml")
	var lb *design.LoadBalancer
	for i := range d.LoadBalancers {
		if d.LoadBalancers[i].Scheme == design.InternetFacing {
			lb = &d.LoadBalancers[i]
		}
	}
	web := d.Service("web")
	if lb == nil || web == nil {
		t.Fatal("three-tier has no internet-facing load balancer or no web service")
	}
	client, stranger := netip.MustParseAddr("203.0.113.7"), netip.MustParseAddr("198.51.100.99")
	for i := range d.SecurityGroups {
		if d.SecurityGroups[i].ID == web.Placements[0].SecurityGroups[0] {
			d.SecurityGroups[i].Ingress = append(d.SecurityGroups[i].Ingress, design.SGRule{Protocol: "tcp", FromPort: web.Port, ToPort: web.Port,
				PeerCIDR: netip.MustParsePrefix("203.0.113.0/24"), Description: "the test's clients"})
		}
	}
	// The web tier's NACL admits everyone on its port and lets the
	// answers out to everyone (with the client's address preserved, a
	// NACL sees the client, as in AWS), so that its groups decide who
	// reaches it.
	for i := range d.NetworkACLs {
		if slices.Contains(d.NetworkACLs[i].Subnets, web.Placements[0].Subnets[0]) {
			d.NetworkACLs[i].Inbound = append(d.NetworkACLs[i].Inbound, design.NACLRule{Number: 90, Protocol: "tcp", FromPort: web.Port, ToPort: web.Port,
				CIDR: netip.MustParsePrefix("0.0.0.0/0"), Allow: true, Reason: "the test's clients"})
			d.NetworkACLs[i].Outbound = append(d.NetworkACLs[i].Outbound, design.NACLRule{Number: 90, Protocol: "tcp", FromPort: 1024, ToPort: 65535,
				CIDR: netip.MustParsePrefix("0.0.0.0/0"), Allow: true, Reason: "answers to the test's clients"})
		}
	}
	f := fabric(t, d)
	_, sub := d.Subnet(lb.Subnets[0])
	// An NLB without security groups, and one with the groups web's
	// group admits by reference.
	node, err := f.Attach(Attachment{Owner: "lb-bare", Subnet: sub.ID, Addr: LastUsable(sub.CIDR)})
	if err != nil {
		t.Fatal(err)
	}
	grouped, err := f.Attach(Attachment{Owner: "lb-" + lb.Name, Subnet: sub.ID, Addr: plus(LastUsable(sub.CIDR), ^uint32(4)), Groups: lb.SecurityGroups})
	if err != nil {
		t.Fatal(err)
	}
	wsid := web.Placements[0].Subnets[0]
	_, wsub := d.Subnet(wsid)
	target, err := f.Attach(Attachment{Owner: "web-1", Service: "web", Subnet: wsid, Addr: plus(wsub.CIDR.Masked().Addr(), 4), Groups: web.Placements[0].SecurityGroups})
	if err != nil {
		t.Fatal(err)
	}
	at := netip.AddrPortFrom(target.Addr, uint16(web.Port)).String()
	ln, err := target.NS.Listen("tcp", at)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			// The address it saw, then an echo of a line: an answer that
			// must find its way back.
			c.Write([]byte(c.RemoteAddr().(*net.TCPAddr).IP.String() + "\n"))
			b := make([]byte, 64)
			n, _ := c.Read(b)
			c.Write(b[:n])
			c.Close()
		}
	})
	fromNode := func(node *ENI, src netip.Addr) (string, error) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), dropTimeout)
		defer cancel()
		c, err := node.NS.DialFrom(ctx, "tcp", at, src, net.Dialer{})
		if err != nil {
			return "", err
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(5 * time.Second))
		if _, err := c.Write([]byte("ping\n")); err != nil {
			return "", err
		}
		b, err := io.ReadAll(c)
		return strings.ReplaceAll(string(b), "\n", " "), err
	}
	from := func(src netip.Addr) (string, error) { return fromNode(node, src) }
	if got, err := from(client); err == nil {
		t.Fatalf("the node connected from %s without PreserveClients (%q)", client, got)
	}
	for _, e := range []*ENI{node, grouped} {
		if err := f.PreserveClients(e); err != nil {
			t.Fatal(err)
		}
	}
	check := func(when string) {
		t.Helper()
		if got, err := from(client); err != nil || got != client.String()+" ping " {
			t.Errorf("%s: from the client %s: %q %v; want the target to see %s and answer", when, client, got, err, client)
		}
		if got, err := fromNode(grouped, grouped.Addr); err != nil || got != grouped.Addr.String()+" ping " {
			t.Errorf("%s: from the node's own address: %q %v", when, got, err)
		}
		if got, err := from(stranger); !isTimeout(err) {
			t.Errorf("%s: from %s, which web's groups do not admit: %q %v; want it dropped", when, stranger, got, err)
		}
		// AWS matches a group reference by the interface that sends: web's
		// rule naming the load balancer's group admits its node's
		// connections from any client.
		if got, err := fromNode(grouped, stranger); err != nil || got != stranger.String()+" ping " {
			t.Errorf("%s: the node with the group web admits, from %s: %q %v; want it admitted by the reference", when, stranger, got, err)
		}
	}
	check("preserving")
	if err := f.PreserveClients(node); err != nil {
		t.Errorf("a second PreserveClients: %v", err)
	}
	if err := f.Update(d); err != nil {
		t.Fatal(err)
	}
	check("after a reload")
}
