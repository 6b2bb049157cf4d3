package flowlog

import (
	"bytes"
	"net/netip"
	"testing"
	"time"

	"github.com/netwright/netwright/internal/runtime/netns"
)

// TestReadsWhatUpWrites: the flow log up --isolation netns writes (its
// header line, then its records) reads back field for field.
func TestReadsWhatUpWrites(t *testing.T) {
	rec := netns.FlowRecord{Interface: "eni-orders-1", VPC: "vpc-shop", Subnet: "subnet-shop-app-orders-a",
		Src: netip.MustParseAddr("10.0.1.4"), Dst: netip.MustParseAddr("10.0.3.196"),
		PktSrc: netip.MustParseAddr("10.0.1.4"), PktDst: netip.MustParseAddr("10.0.3.196"), SrcPort: 40200, DstPort: 5432, Protocol: 6,
		Packets: 3, Bytes: 180, Start: time.Unix(1714557600, 0), End: time.Unix(1714557660, 0), Action: "REJECT", Direction: "ingress", TCPFlags: 18}
	var b bytes.Buffer
	if err := netns.WriteFlowLogHeader(&b); err != nil {
		t.Fatal(err)
	}
	b.WriteString(rec.String() + "\n")
	rd, err := NewReader(&b, nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := rd.Next()
	if err != nil {
		t.Fatalf("Next: %v (problems %v)", err, rd.Problems())
	}
	got := describe(rd.Format(), r)
	want := "version=5 account-id=123456789012 interface-id=eni-orders-1 srcaddr=10.0.1.4 dstaddr=10.0.3.196 srcport=40200 dstport=5432 protocol=6 packets=3 bytes=180 start=1714557600 end=1714557660 action=REJECT log-status=OK vpc-id=vpc-shop subnet-id=subnet-shop-app-orders-a tcp-flags=18 flow-direction=ingress pkt-srcaddr=10.0.1.4 pkt-dstaddr=10.0.3.196"
	if got != want {
		t.Errorf("up's record reads as\n%s\nwant\n%s", got, want)
	}
	if rd.Headers() != 1 || rd.Bad() != 0 {
		t.Errorf("headers %d, bad lines %d; want 1, 0", rd.Headers(), rd.Bad())
	}
}
