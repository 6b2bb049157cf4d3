package discovery

import (
	"testing"

	"github.com/miekg/dns"
)

// FuzzAnswer feeds the DNS handler any message that unpacks: it must
// answer with a message that packs, and never panic.
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
