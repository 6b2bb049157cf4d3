package mesh

import (
	"bytes"
	"io"
	"net"
	"testing"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// rawH2 is a bare HTTP/2 client, for what grpc-go never sends.
type rawH2 struct {
	t    *testing.T
	fr   *http2.Framer
	hbuf bytes.Buffer
	enc  *hpack.Encoder
}

func newRawH2(t *testing.T, c net.Conn) *rawH2 {
	t.Helper()
	if _, err := io.WriteString(c, http2.ClientPreface); err != nil {
		t.Fatal(err)
	}
	r := &rawH2{t: t, fr: http2.NewFramer(c, c)}
	r.fr.ReadMetaHeaders = hpack.NewDecoder(4096, nil)
	r.enc = hpack.NewEncoder(&r.hbuf)
	if err := r.fr.WriteSettings(); err != nil {
		t.Fatal(err)
	}
	return r
}

// request opens stream id: a gRPC call's head with extra fields.
func (r *rawH2) request(id uint32, extra [][2]string, end bool) {
	r.t.Helper()
	r.hbuf.Reset()
	for _, f := range append([][2]string{{":method", "POST"}, {":scheme", "http"}, {":authority", "api"}, {":path", "/t.T/Unary"},
		{"content-type", "application/grpc"}, {"te", "trailers"}}, extra...) {
		r.enc.WriteField(hpack.HeaderField{Name: f[0], Value: f[1]})
	}
	block := r.hbuf.Bytes()
	frag := block[:min(len(block), 16<<10)]
	block = block[len(frag):]
	if err := r.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: frag, EndStream: end, EndHeaders: len(block) == 0}); err != nil {
		r.t.Fatal(err)
	}
	for len(block) > 0 {
		frag = block[:min(len(block), 16<<10)]
		block = block[len(frag):]
		if err := r.fr.WriteContinuation(id, len(block) == 0, frag); err != nil {
			r.t.Fatal(err)
		}
	}
}

// next reads frames until one of stream id that answers it: its
// RST_STREAM code, or its first head's :status.
func (r *rawH2) next(id uint32) (reset, status string) {
	r.t.Helper()
	for {
		f, err := r.fr.ReadFrame()
		if err != nil {
			r.t.Fatalf("reading stream %d's answer: %v", id, err)
		}
		switch f := f.(type) {
		case *http2.SettingsFrame:
			if !f.IsAck() {
				r.fr.WriteSettingsAck()
			}
		case *http2.RSTStreamFrame:
			if f.StreamID == id {
				return f.ErrCode.String(), ""
			}
		case *http2.MetaHeadersFrame:
			if f.StreamID == id {
				return "", f.PseudoValue("status")
			}
		case *http2.GoAwayFrame:
			r.t.Fatalf("GOAWAY %v before stream %d's answer", f.ErrCode, id)
		}
	}
}

func (r *rawH2) waitReset(id uint32) string {
	code, st := r.next(id)
	if code == "" {
		return "answered " + st
	}
	return code
}

func (r *rawH2) waitStatus(id uint32) string {
	code, st := r.next(id)
	if code != "" {
		return "reset " + code
	}
	return st
}

// FuzzH2Frames feeds arbitrary bytes after the preface to a running
// caller's proxy and a running target's proxy: neither may panic (the
// test process would end), and each must end the connection once the
// caller's side closes, never hang.
func FuzzH2Frames(f *testing.F) {
	settings := []byte{0, 0, 0, 4, 0, 0, 0, 0, 0}
	headers := func(flags byte, id byte, block ...byte) []byte {
		return append([]byte{0, 0, byte(len(block)), 1, flags, 0, 0, 0, id}, block...)
	}
	// A HEADERS of a GET /, a CONTINUATION that never ends, DATA past
	// the window, a WINDOW_UPDATE overflow, and a PING.
	f.Add(append(settings, headers(5, 1, 0x82, 0x86, 0x84, 0x41, 0x03, 'a', 'p', 'i')...))
	f.Add(append(settings, append(headers(1, 1, 0x82, 0x86), 0, 0, 1, 9, 0, 0, 0, 0, 1, 0x84)...))
	f.Add(append(append(settings, headers(4, 1, 0x83, 0x86, 0x84, 0x41, 0x03, 'a', 'p', 'i')...), 0, 0x40, 0, 0, 0, 0, 0, 0, 1))
	f.Add(append(settings, 0, 0, 4, 8, 0, 0, 0, 0, 0, 0x7f, 0xff, 0xff, 0xff, 0, 0, 4, 8, 0, 0, 0, 0, 0, 0x7f, 0xff, 0xff, 0xff))
	f.Add(append(settings, 0, 0, 8, 6, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8))
	f.Add([]byte{0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0})
	tk := startH2Task(f, "api-1")
	_, web, apis := h2Mesh(f, nil, nil, tk)
	egress, _ := web.Egress("api")
	targets := []string{egress, apis[0].Ingress()}
	f.Cleanup(func() { web.Close(); apis[0].Close() })
	f.Fuzz(func(t *testing.T, in []byte) {
		for _, addr := range targets {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			c.SetDeadline(time.Now().Add(10 * time.Second))
			c.Write([]byte(http2.ClientPreface))
			c.Write(in)
			c.(*net.TCPConn).CloseWrite()
			if _, err := io.Copy(io.Discard, c); err != nil {
				t.Errorf("%s: the proxy did not end the connection: %v", addr, err)
			}
			c.Close()
		}
	})
}
