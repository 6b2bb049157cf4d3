//go:build linux

package netns

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"net/netip"
	"slices"
	"time"

	"github.com/google/nftables"
)

// VPC Flow Logs. The router counts every packet it passes or drops at
// an interface in the flows set (rules.go), per interface, 5-tuple,
// action, direction and the packet's TCP flags, in the kernel. A
// FlowLog reads the counts at the end of each aggregation interval,
// takes what was added since the last read, and makes one record per
// interface, 5-tuple, action and direction, with the TCP flags seen
// OR-ed as AWS reports them; an element that did not move in an
// interval is removed from the set.

// FlowLog aggregates the router's counts into records.
type FlowLog struct {
	f     *Fabric
	start time.Time
	last  map[string]nftables.SetElement // the counts at the last read, by key
}

// FlowLog starts aggregating at start.
func (f *Fabric) FlowLog(start time.Time) *FlowLog {
	return &FlowLog{f: f, start: start, last: map[string]nftables.SetElement{}}
}

// flowID is a record's identity within an interval.
type flowID struct {
	ifindex          uint32
	src, dst         netip.Addr
	sport, dport     int
	proto            int
	reject, incoming bool
}

// Collect closes the interval at now: the records of every interface,
// 5-tuple, action and direction that counted packets since the last
// Collect, sorted by interface, then 5-tuple.
func (l *FlowLog) Collect(now time.Time) ([]FlowRecord, error) {
	f := l.f
	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		return nil, nil
	}
	els, err := f.nft.GetSetElements(f.flows)
	f.mu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("flow counts: %w", err)
	}
	recs := map[flowID]*FlowRecord{}
	var idle []nftables.SetElement
	seen := map[string]bool{}
	for _, e := range els {
		if len(e.Key) != flowKeyLen || e.Counter == nil {
			continue
		}
		k := string(e.Key)
		seen[k] = true
		packets, bytes := e.Counter.Packets, e.Counter.Bytes
		if prev, ok := l.last[k]; ok {
			packets -= prev.Counter.Packets
			bytes -= prev.Counter.Bytes
		}
		l.last[k] = e
		if packets == 0 {
			idle = append(idle, nftables.SetElement{Key: e.Key})
			delete(l.last, k)
			continue
		}
		id, flags := decodeKey(e.Key)
		r := recs[id]
		if r == nil {
			r = f.record(id, l.start, now)
			recs[id] = r
		}
		r.Packets += packets
		r.Bytes += bytes
		r.TCPFlags |= flags
	}
	for k := range l.last {
		if !seen[k] {
			delete(l.last, k) // removed, or the set was full
		}
	}
	if len(idle) > 0 {
		f.mu.Lock()
		if !f.closed {
			err = f.nft.SetDeleteElements(f.flows, idle)
			if err == nil {
				err = f.nft.Flush()
			}
		}
		f.mu.Unlock()
	}
	l.start = now
	out := make([]FlowRecord, 0, len(recs))
	for _, r := range recs {
		out = append(out, *r)
	}
	slices.SortFunc(out, func(a, b FlowRecord) int {
		return cmp.Or(cmp.Compare(a.Interface, b.Interface), a.Src.Compare(b.Src), a.Dst.Compare(b.Dst), cmp.Compare(a.SrcPort, b.SrcPort),
			cmp.Compare(a.DstPort, b.DstPort), cmp.Compare(a.Protocol, b.Protocol), cmp.Compare(a.Action, b.Action), cmp.Compare(a.Direction, b.Direction))
	})
	if err != nil {
		return out, fmt.Errorf("flow counts: %w", err)
	}
	return out, nil
}

// decodeKey reads a flows set key (rules.go's flowKey) and the AWS TCP
// flags of its packets.
func decodeKey(k []byte) (flowID, int) {
	reg := func(i int) []byte { return k[i*4 : i*4+4] }
	id := flowID{
		ifindex: binary.NativeEndian.Uint32(reg(0)),
		src:     netip.AddrFrom4([4]byte(reg(1))),
		dst:     netip.AddrFrom4([4]byte(reg(2))),
		sport:   int(binary.BigEndian.Uint16(reg(3))),
		dport:   int(binary.BigEndian.Uint16(reg(4))),
		proto:   int(reg(5)[0]),
	}
	code := reg(6)
	id.reject, id.incoming = code[1]&codeReject != 0, code[1]&codeIngress != 0
	flags := 0
	if id.proto == 6 {
		tcp := code[0]
		const fin, syn, rst, ack = 0x01, 0x02, 0x04, 0x10
		if tcp&fin != 0 {
			flags |= 1
		}
		if tcp&rst != 0 {
			flags |= 4
		}
		switch {
		case tcp&syn != 0 && tcp&ack != 0:
			flags |= 18
		case tcp&syn != 0:
			flags |= 2
		}
	} else {
		id.sport, id.dport = portsOf(id)
	}
	return id, flags
}

// portsOf is what AWS records as ports: for UDP the ports, for other
// protocols without ports 0.
func portsOf(id flowID) (int, int) {
	if id.proto == 17 {
		return id.sport, id.dport
	}
	return 0, 0
}

// record starts the record of a flow at an interface.
func (f *Fabric) record(id flowID, start, end time.Time) *FlowRecord {
	r := &FlowRecord{Src: id.src, Dst: id.dst, PktSrc: id.src, PktDst: id.dst, SrcPort: id.sport, DstPort: id.dport, Protocol: id.proto,
		Start: start, End: end, Action: "ACCEPT", Direction: "egress", Interface: fmt.Sprintf("if%d", id.ifindex)}
	if id.reject {
		r.Action = "REJECT"
	}
	if id.incoming {
		r.Direction = "ingress"
	}
	f.mu.Lock()
	if e := f.byIndex[id.ifindex]; e != nil {
		r.Interface, r.Owner, r.VPC, r.Subnet = e.ID, e.Owner, e.VPC, e.Subnet
		// A packet passed on for another: the interface's own address
		// stands where the packet's is another's (AWS's NAT gateway
		// example in the Flow Logs guide).
		switch {
		case id.incoming && id.dst != e.Addr:
			r.Dst = e.Addr
		case !id.incoming && id.src != e.Addr:
			r.Src = e.Addr
		}
	}
	f.mu.Unlock()
	return r
}
