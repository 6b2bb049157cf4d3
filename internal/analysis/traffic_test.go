package analysis

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/flowlog"
	"github.com/netwright/netwright/internal/golden"
	"github.com/netwright/netwright/internal/plan/plantest"
)

// trafficText writes a traffic report as the tests compare it.
func trafficText(r *TrafficReport) string {
	var b strings.Builder
	fmt.Fprintf(&b, "records %d accepted %d rejected %d nodata %d skipdata %d bytes %d\n", r.Records, r.Accepted, r.Rejected, r.NoData, r.SkipData, r.Bytes)
	conv := func(c Conversation) string {
		s := fmt.Sprintf("%s -> %s %s %d (%s -> %s)", c.Client, c.Server, c.Protocol, c.Port, c.ClientAddr, c.ServerAddr)
		if c.Via != "" {
			s += " via " + c.Via
		}
		return s
	}
	for _, d := range r.Declared {
		fmt.Fprintf(&b, "declared %s seen=%t records=%d rejected=%d bytes=%d\n", d.Flow, d.Seen, d.Records, d.Rejected, d.Bytes)
	}
	for _, c := range r.Undeclared {
		fmt.Fprintf(&b, "undeclared %s records=%d bytes=%d: %s\n", conv(c), c.Accepted, c.Bytes, c.Rule)
	}
	for _, rc := range r.Rejects {
		fmt.Fprintf(&b, "rejected %d: %s\n", rc.Records, rc.Cause)
		for _, c := range rc.Conversations {
			fmt.Fprintf(&b, "  %s rejected=%d\n", conv(c), c.Rejected)
		}
	}
	for _, c := range r.Translated {
		fmt.Fprintf(&b, "translated %s records=%d bytes=%d\n", conv(c), c.Records, c.Bytes)
	}
	for _, c := range r.TopTalkers {
		fmt.Fprintf(&b, "talker %s bytes=%d packets=%d\n", conv(c), c.Bytes, c.Packets)
	}
	for _, f := range r.Findings {
		fmt.Fprintf(&b, "%s %s %s\n", f.Check, f.Severity, f.Subject)
	}
	return b.String()
}

// TestFlowsFixtures reads each case in testdata/flows: flow logs with the
// spec (and the real network) they are read against; the report is in
// testdata/flows/NAME.want. account.txtar is the fixture account's logs
// with every field through version 8 (declared flows seen, rejected and
// never seen; undeclared ones with the rules at each interface; rejects
// by reject-reason and by the design's NACL and groups; NAT by pkt-*
// fields); netns.txtar is the form up --isolation netns writes, read
// against a planned design, with a NACL found by the stateless-reply
// pattern.
func TestFlowsFixtures(t *testing.T) {
	files, _ := filepath.Glob("testdata/flows/*.txtar")
	if len(files) == 0 {
		t.Fatal("no cases")
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".txtar")
		t.Run(name, func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var spec, d *design.Design
			var logs []txtar.File
			for _, f := range ar.Files {
				switch {
				case f.Name == "spec":
					spec = plantest.File(t, strings.TrimSpace(string(f.Data)))
				case f.Name == "design":
					d = importNetwork(t, nil)
				case strings.HasSuffix(f.Name, ".log"):
					logs = append(logs, f)
				default:
					t.Fatalf("unknown section %q", f.Name)
				}
			}
			if d == nil {
				d = spec
			}
			tr, err := NewTraffic(d, spec, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range logs {
				rd, err := flowlog.NewReader(bytes.NewReader(f.Data), nil)
				if err != nil {
					t.Fatal(err)
				}
				for {
					rec, err := rd.Next()
					if errors.Is(err, io.EOF) {
						break
					}
					if err != nil {
						t.Fatal(err)
					}
					tr.Add(rec)
				}
				if rd.Bad() > 0 {
					t.Fatalf("%s: %v", f.Name, rd.Problems())
				}
			}
			golden.Check(t, "testdata/flows/"+name+".want", []byte(trafficText(tr.Report(5))))
		})
	}
}

// TestTrafficAddAllocatesNothing: once a conversation is known, reading
// another of its records allocates nothing.
func TestTrafficAddAllocatesNothing(t *testing.T) {
	d := importNetwork(t, nil)
	tr, err := NewTraffic(d, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	f, _ := flowlog.ParseFormat("version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status vpc-id subnet-id tcp-flags flow-direction pkt-srcaddr pkt-dstaddr reject-reason")
	var r flowlog.Record
	line := []byte("8 123456789012 eni-0a0000000000task1 10.0.10.25 10.0.20.5 40000 5432 6 10 1200 1714557600 1714557660 ACCEPT OK vpc-0a10000000000000a subnet-0a00000000000app1 3 egress 10.0.10.25 10.0.20.5 -")
	if err := f.Parse(line, &r); err != nil {
		t.Fatal(err)
	}
	tr.Add(&r)
	if n := testing.AllocsPerRun(1000, func() { tr.Add(&r) }); n != 0 {
		t.Errorf("Add allocates %v times per record of a known conversation; want 0", n)
	}
}

// BenchmarkFlows is flows' whole path (read, parse, attribute, count)
// over the fixture account's addresses, for BENCHMARKS.md.
func BenchmarkFlows(b *testing.B) {
	d := importNetwork(b, nil)
	var buf bytes.Buffer
	buf.WriteString("version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status vpc-id subnet-id tcp-flags flow-direction pkt-srcaddr pkt-dstaddr reject-reason\n")
	enis := []string{"eni-0a0000000000task1 10.0.10.25 10.0.20.5", "eni-0a00000000000db01 10.0.10.25 10.0.20.5", "eni-0a00000000000app1 10.0.10.50 203.0.113.77", "eni-0a00000000000alb1 198.51.100.7 10.0.0.100"}
	for i := range 100_000 {
		e := enis[i%len(enis)]
		parts := strings.Fields(e)
		fmt.Fprintf(&buf, "8 123456789012 %s %d 443 6 10 1200 1714557600 1714557660 ACCEPT OK vpc-0a10000000000000a subnet-0a00000000000app1 3 egress %s %s -\n", e, 1024+i%50000, parts[1], parts[2])
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		tr, _ := NewTraffic(d, nil, nil)
		rd, _ := flowlog.NewReader(bytes.NewReader(data), nil)
		for {
			rec, err := rd.Next()
			if err != nil {
				break
			}
			tr.Add(rec)
		}
		tr.Report(10)
	}
}
