package discovery

import (
	"testing"

	"github.com/miekg/dns"
)

// FuzzAnswer feeds the UDP server's respond any bytes and the DNS handler
// any message that unpacks: answers must pack and carry the query's ID,
// and nothing may panic.
func FuzzAnswer(f *testing.F) {
	for _, q := range []struct {
		name  string
		qtype uint16
	}{{"app.webapp.local.", dns.TypeA}, {"app.webapp.local.", dns.TypeSRV}, {"task-00.app.webapp.local.", dns.TypeA}, {"x.", dns.TypeANY}} {
		m := new(dns.Msg)
		m.SetQuestion(q.name, q.qtype)
		m.SetEdns0(1232, false)
		b, _ := m.Pack()
		f.Add(b)
	}
	r := registry(f, 10, 4)
	f.Fuzz(func(t *testing.T, b []byte) {
		// The UDP path: anything in, an answer to the same ID or nothing
		// out, within what a client without EDNS takes unless it asked
		// for more.
		if out, ok := r.respond(b, nil, nil); ok {
			var m dns.Msg
			if err := m.Unpack(out); err != nil || m.Id != uint16(b[0])<<8|uint16(b[1]) || !m.Response {
				t.Fatalf("UDP answer to %x: %x (%v)", b, out, err)
			}
		}
		req := new(dns.Msg)
		if req.Unpack(b) != nil {
			return
		}
		m := r.answer(req)
		m.Truncate(dns.MinMsgSize)
		if _, err := m.Pack(); err != nil {
			t.Fatalf("answer does not pack: %v\n%v", err, m)
		}
	})
}
