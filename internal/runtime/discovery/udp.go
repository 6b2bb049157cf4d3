package discovery

import (
	"encoding/binary"
	"errors"
	"net"
	"sync"

	"github.com/miekg/dns"
	"golang.org/x/net/ipv4"
)

// udpBatch is how many datagrams one system call reads or writes.
const udpBatch = 32

// udpReadSize bounds a query read over UDP: larger ones are cut and then
// answered FORMERR, as miekg/dns's server reads 512 bytes by default.
const udpReadSize = 4096

// udpServer answers DNS over UDP in batches: one recvmmsg takes every
// query waiting (up to udpBatch), each is answered in turn on the same
// goroutine, and one sendmmsg sends the answers. Under load this spends
// one system call each way per batch instead of per query, and no
// goroutine per query. TCP stays on miekg/dns's server.
type udpServer struct {
	r       *Registry
	outside Outside
	pc      net.PacketConn
	p       *ipv4.PacketConn
	done    chan struct{}
	once    sync.Once
}

func newUDPServer(r *Registry, pc net.PacketConn) *udpServer {
	if uc, ok := pc.(*net.UDPConn); ok {
		_ = uc.SetReadBuffer(4 << 20)
	}
	return &udpServer{r: r, pc: pc, p: ipv4.NewPacketConn(pc), done: make(chan struct{})}
}

// serve answers until close.
func (s *udpServer) serve() {
	defer close(s.done)
	in := make([]ipv4.Message, udpBatch)
	for i := range in {
		in[i].Buffers = [][]byte{make([]byte, udpReadSize)}
	}
	out := make([]ipv4.Message, 0, udpBatch)
	bufs := make([][]byte, udpBatch)
	for {
		n, err := s.p.ReadBatch(in, 0)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue // a failed read (an ICMP error) loses nothing else
		}
		out = out[:0]
		for i := range n {
			resp, ok := s.r.respond(in[i].Buffers[0][:in[i].N], bufs[i][:0], s.outside)
			if !ok {
				continue
			}
			bufs[i] = resp
			out = append(out, ipv4.Message{Buffers: [][]byte{resp}, Addr: in[i].Addr})
		}
		for len(out) > 0 {
			k, err := s.p.WriteBatch(out, 0)
			if err != nil {
				if errors.Is(err, net.ErrClosed) {
					return
				}
				k = 1 // a client that went away: skip its answer
			}
			out = out[k:]
		}
	}
}

func (s *udpServer) close() {
	s.once.Do(func() { s.pc.Close() })
	<-s.done
}

// respond answers one UDP query into buf; ok is false when nothing is
// sent back. It does what miekg/dns's server does before and after
// ServeDNS: a packet without a whole header gets nothing, a response is
// ignored, one that does not parse gets FORMERR, and the answer is cut
// to the size the client can take.
func (r *Registry) respond(b, buf []byte, outside Outside) ([]byte, bool) {
	if len(b) < 12 {
		return nil, false
	}
	req := new(dns.Msg)
	if err := req.Unpack(b); err != nil {
		m := new(dns.Msg)
		m.Id = binary.BigEndian.Uint16(b)
		m.Response = true
		m.Opcode = int(b[2]>>3) & 0xf
		m.Rcode = dns.RcodeFormatError
		out, err := m.PackBuffer(buf)
		return out, err == nil
	}
	if req.Response {
		return nil, false
	}
	m := r.answerWith(req, outside)
	r.count(req, m)
	size := dns.MinMsgSize
	if o := req.IsEdns0(); o != nil {
		size = int(max(o.UDPSize(), dns.MinMsgSize))
	}
	m.Truncate(size)
	out, err := m.PackBuffer(buf)
	return out, err == nil
}
