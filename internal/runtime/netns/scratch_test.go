package netns

import (
	"context"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/netwright/netwright/internal/plan/plantest"
)

func TestScratch(t *testing.T) {
	d := plantest.File(t, "../../../examples/three-tier.yaml")
	f, err := New(d, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	att := func(svc string) *ENI {
		s := d.Service(svc)
		pl := s.Placements[0]
		_, sub := d.Subnet(pl.Subnets[0])
		e, err := f.Attach(Attachment{Owner: svc + "-1", Subnet: sub.ID, Addr: plus(sub.CIDR.Addr(), 4), Groups: pl.SecurityGroups})
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	web, app, db := att("web"), att("app"), att("db")
	t.Log(web.Addr, app.Addr, db.Addr)
	ln, err := db.NS.Listen("tcp", netip.AddrPortFrom(db.Addr, 5432).String())
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Write([]byte("hi\n"))
			c.Close()
		}
	}()
	for _, from := range []*ENI{app, web} {
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		c, err := from.NS.DialContext(ctx, "tcp", netip.AddrPortFrom(db.Addr, 5432).String())
		cancel()
		t.Logf("%s -> db: %v %v", from.Owner, c != nil, err)
		if c != nil {
			c.Close()
		}
	}
	_ = net.Listen
	time.Sleep(100 * time.Millisecond)
	els, err := f.nft.GetSetElements(f.flows)
	t.Log(len(els), err)
	for _, e := range els {
		t.Logf("%x %+v", e.Key, e.Counter)
	}
}
