package up

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/plan/plantest"
)

// TestNetnsHybrid runs examples/hybrid.yaml with its data centre: the
// site calls inventory through the internal ALB, as its flow declares,
// and is answered; orders resolves a name of the site's domain through
// its VPC's resolver (the Resolver rule forwards it through the outbound
// endpoint to the site's DNS server) and reaches the site's database;
// the site resolves inventory's Cloud Map name at the inbound endpoint;
// the site calling shop's task, which nothing declares, times out.
func TestNetnsHybrid(t *testing.T) {
	d := plantest.File(t, "../../../examples/hybrid.yaml")
	rt := startNetns(t, d, Options{})
	corp := d.Site("corp")
	siteNS := rt.fabric.Site("corp")
	if siteNS == nil {
		t.Fatal("no namespace for the site")
	}
	fromSite := func(timeout time.Duration) func(ctx context.Context, network, addr string) (net.Conn, error) {
		return siteNS.Dialer(&net.Dialer{Timeout: timeout, LocalAddr: &net.TCPAddr{IP: corp.Hosts()[0].AsSlice()}})
	}

	// The site -> inventory through the internal ALB.
	inventory, ok := rt.internal["inventory"]
	if !ok {
		t.Fatalf("no internal load balancer for inventory: %v", rt.internal)
	}
	c := &http.Client{Timeout: 3 * time.Second, Transport: &http.Transport{DialContext: fromSite(2 * time.Second)}}
	resp, err := c.Get("http://" + inventory.Addr + "/")
	if err != nil {
		t.Fatalf("the site -> inventory through %s: %v", inventory.Addr, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("the site -> inventory: %s", resp.Status)
	}

	// orders -> the site's database, by a name the site's DNS answers.
	orders := rt.tasks["orders-1"]
	got := lookupFrom(t, orders.eni.NS, rt.fabric.Resolver(orders.eni.VPC), "db.corp.example.com")
	if len(got) != 1 || got[0] != corp.Hosts()[0] {
		t.Fatalf("db.corp.example.com from orders-1's resolver = %v; want %s, forwarded to the site", got, corp.Hosts()[0])
	}
	conn, err := orders.eni.NS.Dialer(&net.Dialer{Timeout: 2 * time.Second})(context.Background(), "tcp", netip.AddrPortFrom(got[0], 5432).String())
	if err != nil {
		t.Fatalf("orders-1 -> the site's database: %v", err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(2 * time.Second))
	line, err := bufio.NewReader(conn).ReadString('\n')
	conn.Close()
	if err != nil || !strings.Contains(line, "onprem:corp:5432") {
		t.Errorf("the site's database answered %q, %v", line, err)
	}

	// The site resolves inventory's Cloud Map name at the inbound endpoint.
	var inbound netip.Addr
	for i, ep := range d.ResolverEndpoints {
		if ep.Direction == design.ResolverInbound {
			_, sub := d.Subnet(ep.Subnets[0])
			inbound = endpointAddr(sub, i)
		}
	}
	if addrs := lookupFrom(t, siteNS, inbound, "inventory.orders.local"); len(addrs) == 0 {
		t.Errorf("the site got no address for inventory.orders.local from the inbound endpoint %s", inbound)
	}

	// The site -> shop's task: undeclared, dropped.
	shop := rt.tasks["shop-1"]
	ctx, cancel := context.WithTimeout(context.Background(), 700*time.Millisecond)
	defer cancel()
	if conn, err := fromSite(700*time.Millisecond)(ctx, "tcp", netip.AddrPortFrom(shop.designed, 8080).String()); err == nil {
		conn.Close()
		t.Errorf("the site reached shop-1 (%s:8080), which no flow declares", shop.designed)
	}
}
