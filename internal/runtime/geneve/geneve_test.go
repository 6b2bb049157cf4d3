package geneve

import (
	"bytes"
	"encoding/hex"
	"net/netip"
	"testing"
)

// ipv4 is a TCP SYN from 10.1.0.100:40000 to 203.0.113.10:443, header
// only.
var ipv4 = mustHex("4500002c0001400040060000" + "0a010064" + "cb00710a" + "9c4001bb" + "00000000000000005002ffff00000000")

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

// TestWire pins the bytes: the header with its option length, the
// protocol type, and AWS's three options in order.
func TestWire(t *testing.T) {
	got := Append(nil, Header{Endpoint: 0x0102030405060708, Attachment: 9, Cookie: 0xcafe}, ipv4)
	want := mustHex("08000800" + "00000000" +
		"0108" + "01" + "02" + "0102030405060708" +
		"0108" + "02" + "02" + "0000000000000009" +
		"0108" + "03" + "01" + "0000cafe")
	want = append(want, ipv4...)
	if !bytes.Equal(got, want) {
		t.Errorf("Append =\n%x\nwant\n%x", got, want)
	}
	h, inner, err := Parse(got)
	if err != nil || h != (Header{Endpoint: 0x0102030405060708, Attachment: 9, Cookie: 0xcafe}) || !bytes.Equal(inner, ipv4) {
		t.Errorf("Parse(Append(...)) = %+v, %x, %v", h, inner, err)
	}
}

func TestParseRefuses(t *testing.T) {
	for _, c := range []struct {
		name string
		pkt  []byte
		want error
	}{
		{"short", []byte{0, 0, 8}, ErrShort},
		{"version 1", mustHex("4000080000000000"), ErrVersion},
		{"ethernet inside", mustHex("0000655800000000"), ErrProto},
		{"options past the end", mustHex("0300080000000000"), ErrShort},
		{"an option longer than the options", mustHex("010008000000000001080105"), ErrShort},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, _, err := Parse(c.pkt); err != c.want {
				t.Errorf("Parse(%x) = %v; want %v", c.pkt, err, c.want)
			}
		})
	}
}

func TestFlowAndItsHash(t *testing.T) {
	f, ok := FlowOf(ipv4)
	want := Flow{Src: netip.MustParseAddr("10.1.0.100"), Dst: netip.MustParseAddr("203.0.113.10"), SrcPort: 40000, DstPort: 443, Proto: 6, Flags: SYN}
	if !ok || f != want {
		t.Fatalf("FlowOf = %+v, %v; want %+v", f, ok, want)
	}
	back := Flow{Src: f.Dst, Dst: f.Src, SrcPort: f.DstPort, DstPort: f.SrcPort, Proto: 6}
	if f.Hash() != back.Hash() {
		t.Errorf("a flow and its answers hash apart: %d, %d", f.Hash(), back.Hash())
	}
	other := f
	other.SrcPort++
	if f.Hash() == other.Hash() {
		t.Errorf("two flows hash alike")
	}
}

func FuzzParse(f *testing.F) {
	f.Add(Append(nil, Header{Endpoint: 1}, ipv4))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		h, inner, err := Parse(b)
		if err == nil {
			FlowOf(inner)
			_ = h
		}
	})
}

// TestApplianceIsStateful: a flow passes both ways once its SYN did; a
// flow whose SYN the appliance never saw (its other direction took
// another path) is dropped, answers included.
func TestApplianceIsStateful(t *testing.T) {
	var started, dropped []Flow
	a := &Appliance{Started: func(f Flow) { started = append(started, f) }, Dropped: func(f Flow) { dropped = append(dropped, f) }}
	c, s := netip.MustParseAddr("10.1.0.100"), netip.MustParseAddr("203.0.113.10")
	syn := Flow{Src: c, Dst: s, SrcPort: 40000, DstPort: 443, Proto: 6, Flags: SYN}
	synAck := Flow{Src: s, Dst: c, SrcPort: 443, DstPort: 40000, Proto: 6, Flags: SYN | ACK}
	ack := syn
	ack.Flags = ACK
	for _, c := range []struct {
		name string
		f    Flow
		want bool
	}{
		{"a SYN starts a flow", syn, true},
		{"its SYN-ACK", synAck, true},
		{"its ACK", ack, true},
		{"a SYN-ACK of a flow never started", Flow{Src: s, Dst: c, SrcPort: 443, DstPort: 40001, Proto: 6, Flags: SYN | ACK}, false},
		{"an ACK of a flow never started", Flow{Src: c, Dst: s, SrcPort: 40002, DstPort: 443, Proto: 6, Flags: ACK}, false},
		{"UDP", Flow{Src: c, Dst: s, SrcPort: 5000, DstPort: 53, Proto: 17}, true},
	} {
		if got := a.Pass(c.f); got != c.want {
			t.Errorf("%s: Pass(%+v) = %v; want %v", c.name, c.f, got, c.want)
		}
	}
	if len(started) != 2 || len(dropped) != 2 {
		t.Errorf("started %v, dropped %v; want 2 of each", started, dropped)
	}
}
