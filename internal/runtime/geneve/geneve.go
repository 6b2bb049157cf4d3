// Package geneve encodes and decodes GENEVE (RFC 8926) as a Gateway
// Load Balancer speaks it to its appliances: UDP port 6081, an IPv4
// packet inside (protocol type 0x0800), and AWS's options (class 0x0108)
// naming the GWLB endpoint the packet came through, the attachment and
// the flow's cookie. An appliance sends each packet it passes back as it
// came, to the address it came from. It owns the wire format only: the
// netns fabric's GWLB nodes and the runtime's built-in appliance use it.
package geneve

import (
	"encoding/binary"
	"errors"
	"hash/fnv"
	"net"
	"net/netip"
	"sync"
)

// Port is GENEVE's UDP port, on which a GWLB and its appliances talk.
const Port = 6081

// protoIPv4 is the protocol type of an IPv4 packet inside.
const protoIPv4 = 0x0800

// AWS's option class and types (Elastic Load Balancing, "Gateway Load
// Balancers": the GWLBE/VPCE ID, the attachment ID and the flow cookie).
const (
	awsClass      = 0x0108
	optEndpoint   = 1
	optAttachment = 2
	optCookie     = 3
)

// Header is what a GWLB tells an appliance beside the packet.
type Header struct {
	// Endpoint names the GWLB endpoint the packet came through (AWS's
	// 8-byte VPC endpoint ID); the GWLB hands the answer back to it.
	Endpoint uint64
	// Attachment is the attachment ID (0 when none).
	Attachment uint64
	// Cookie is the flow's cookie.
	Cookie uint32
}

// headerLen is the fixed header, then the three options: 4 bytes of
// option header and 8, 8 and 4 of data.
const headerLen = 8 + (4 + 8) + (4 + 8) + (4 + 4)

// Append appends the GENEVE packet carrying inner (an IPv4 packet) to
// dst.
func Append(dst []byte, h Header, inner []byte) []byte {
	optWords := (headerLen - 8) / 4
	dst = append(dst, byte(optWords), 0)
	dst = binary.BigEndian.AppendUint16(dst, protoIPv4)
	dst = append(dst, 0, 0, 0, 0) // VNI 0, reserved
	opt := func(typ byte, data []byte) {
		dst = binary.BigEndian.AppendUint16(dst, awsClass)
		dst = append(dst, typ, byte(len(data)/4))
		dst = append(dst, data...)
	}
	opt(optEndpoint, binary.BigEndian.AppendUint64(nil, h.Endpoint))
	opt(optAttachment, binary.BigEndian.AppendUint64(nil, h.Attachment))
	opt(optCookie, binary.BigEndian.AppendUint32(nil, h.Cookie))
	return append(dst, inner...)
}

// Errors Parse returns.
var (
	ErrShort   = errors.New("geneve: packet too short")
	ErrVersion = errors.New("geneve: not version 0")
	ErrProto   = errors.New("geneve: not an IPv4 packet inside")
)

// Parse reads a GENEVE packet: the header's AWS options (others are
// skipped) and the packet inside, which aliases pkt.
func Parse(pkt []byte) (Header, []byte, error) {
	var h Header
	if len(pkt) < 8 {
		return h, nil, ErrShort
	}
	if pkt[0]>>6 != 0 {
		return h, nil, ErrVersion
	}
	if binary.BigEndian.Uint16(pkt[2:4]) != protoIPv4 {
		return h, nil, ErrProto
	}
	end := 8 + int(pkt[0]&0x3f)*4
	if len(pkt) < end {
		return h, nil, ErrShort
	}
	for o := 8; o+4 <= end; {
		class, typ, n := binary.BigEndian.Uint16(pkt[o:]), pkt[o+2], int(pkt[o+3]&0x1f)*4
		data := pkt[o+4:]
		if o+4+n > end {
			return h, nil, ErrShort
		}
		data = data[:n]
		if class == awsClass {
			switch {
			case typ == optEndpoint && n == 8:
				h.Endpoint = binary.BigEndian.Uint64(data)
			case typ == optAttachment && n == 8:
				h.Attachment = binary.BigEndian.Uint64(data)
			case typ == optCookie && n == 4:
				h.Cookie = binary.BigEndian.Uint32(data)
			}
		}
		o += 4 + n
	}
	return h, pkt[end:], nil
}

// Flow is the 5-tuple of an IPv4 packet (ports 0 for protocols without
// them), and a TCP segment's flags.
type Flow struct {
	Src, Dst         netip.Addr
	SrcPort, DstPort uint16
	Proto            uint8
	Flags            uint8
}

// TCP flags (Flow.Flags).
const (
	FIN = 0x01
	SYN = 0x02
	RST = 0x04
	ACK = 0x10
)

// FlowOf reads the 5-tuple of an IPv4 packet; ok is false for anything
// else.
func FlowOf(p []byte) (f Flow, ok bool) {
	if len(p) < 20 || p[0]>>4 != 4 {
		return f, false
	}
	ihl := int(p[0]&0x0f) * 4
	if ihl < 20 || len(p) < ihl {
		return f, false
	}
	f.Proto = p[9]
	f.Src = netip.AddrFrom4([4]byte(p[12:16]))
	f.Dst = netip.AddrFrom4([4]byte(p[16:20]))
	fragment := binary.BigEndian.Uint16(p[6:8])&0x1fff != 0
	if (f.Proto == 6 || f.Proto == 17) && !fragment && len(p) >= ihl+4 {
		f.SrcPort = binary.BigEndian.Uint16(p[ihl:])
		f.DstPort = binary.BigEndian.Uint16(p[ihl+2:])
		if f.Proto == 6 && len(p) >= ihl+14 {
			f.Flags = p[ihl+13]
		}
	}
	return f, true
}

// Hash is a hash of the flow that both directions share, as a GWLB's
// flow stickiness needs: a flow and its answers meet one appliance.
func (f Flow) Hash() uint32 {
	a, b := f.Src.As4(), f.Dst.As4()
	pa, pb := f.SrcPort, f.DstPort
	if string(a[:]) > string(b[:]) || a == b && pa > pb {
		a, b, pa, pb = b, a, pb, pa
	}
	h := fnv.New32a()
	h.Write(a[:])
	h.Write(b[:])
	h.Write([]byte{byte(pa >> 8), byte(pa), byte(pb >> 8), byte(pb), f.Proto})
	return h.Sum32()
}

// key is a flow's both directions.
func (f Flow) key() Flow {
	if f.Src.Compare(f.Dst) > 0 || f.Src == f.Dst && f.SrcPort > f.DstPort {
		f.Src, f.Dst, f.SrcPort, f.DstPort = f.Dst, f.Src, f.DstPort, f.SrcPort
	}
	f.Flags = 0
	return f
}

// Appliance is netwright's built-in appliance behind a GWLB: stateful,
// as the firewalls behind one are. It passes a TCP flow it saw start (a
// SYN without ACK) in both directions, and drops TCP segments of flows
// whose start it never saw: what an appliance meets when a path is
// asymmetric and it sees only one direction, or a flow's middle. Other
// protocols pass. Each packet it passes goes back to the node it came
// from as it came.
type Appliance struct {
	// Started, when set, is told of each flow it passes the first packet
	// of (the SYN for TCP).
	Started func(Flow)
	// Dropped, when set, is told of each segment it drops.
	Dropped func(Flow)

	mu    sync.Mutex
	flows map[Flow]bool
}

// maxFlows bounds the flows an Appliance remembers; past it, a new flow
// takes the place of an old one.
const maxFlows = 1 << 16

// Pass decides a packet of flow f and remembers what it passed.
func (a *Appliance) Pass(f Flow) bool {
	k := f.key()
	a.mu.Lock()
	if a.flows == nil {
		a.flows = map[Flow]bool{}
	}
	known := a.flows[k]
	start := !known && (f.Proto != 6 || f.Flags&(SYN|ACK) == SYN)
	switch {
	case start:
		if len(a.flows) >= maxFlows {
			for old := range a.flows {
				delete(a.flows, old)
				break
			}
		}
		a.flows[k] = true
	case known && f.Proto == 6 && f.Flags&RST != 0:
		delete(a.flows, k)
	}
	a.mu.Unlock()
	switch {
	case start && a.Started != nil:
		a.Started(f)
	case !start && !known && a.Dropped != nil:
		a.Dropped(f)
	}
	return start || known
}

// Serve answers GENEVE on pc until it closes: each packet that passes
// goes back to its sender unchanged.
func (a *Appliance) Serve(pc net.PacketConn) error {
	buf := make([]byte, 1<<16+128)
	for {
		n, from, err := pc.ReadFrom(buf)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			return err
		}
		_, inner, err := Parse(buf[:n])
		if err != nil {
			continue
		}
		if f, ok := FlowOf(inner); ok && a.Pass(f) {
			_, _ = pc.WriteTo(buf[:n], from)
		}
	}
}
