package up

import (
	"bufio"
	"io"
	"net"
	"net/netip"
	"sync"
	"time"

	proxyproto "github.com/pires/go-proxyproto"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/netwright/netwright/internal/runtime/accept"
	"github.com/netwright/netwright/internal/runtime/geneve"
)

// The built-in appliance of inspection.go's paths.

// applianceFlows counts the flows the built-in appliances passed on.
type applianceFlows struct {
	c *prometheus.CounterVec
}

func newApplianceFlows(reg prometheus.Registerer) (*applianceFlows, error) {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "netwright_appliance_flows_total",
		Help: "Flows a built-in appliance task inspected and passed on, by task, original source address and original destination."},
		[]string{"task", "source", "destination"})
	if err := reg.Register(c); err != nil {
		return nil, err
	}
	return &applianceFlows{c: c}, nil
}

// serveAppliance is the built-in pass-through appliance: each connection
// starts with a PROXY v2 header naming the original source and
// destination; the flow is counted and relayed to the destination from
// the source's address.
func serveAppliance(ln net.Listener, task string, flows *applianceFlows) {
	var flowsRunning sync.WaitGroup
	defer flowsRunning.Wait()
	_ = accept.Loop{Conns: &flowsRunning, Handle: func(c net.Conn) {
		defer c.Close()
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		br := bufio.NewReader(c)
		h, err := proxyproto.Read(br)
		if err != nil {
			return // not a flow from the gateway
		}
		c.SetReadDeadline(time.Time{})
		src, _ := h.SourceAddr.(*net.TCPAddr)
		dst := h.DestinationAddr.String()
		if flows != nil && src != nil {
			flows.c.WithLabelValues(task, src.IP.String(), dst).Inc()
		}
		d := net.Dialer{Timeout: 10 * time.Second}
		if src != nil {
			d.LocalAddr = &net.TCPAddr{IP: src.IP} // transparent: the target sees the original source
		}
		up, err := d.Dial("tcp", dst)
		if err != nil {
			return
		}
		defer up.Close()
		done := make(chan struct{})
		go func() {
			io.Copy(up, br) // what the header left buffered, then the rest
			up.(*net.TCPConn).CloseWrite()
			close(done)
		}()
		io.Copy(c, up)
		c.(*net.TCPConn).CloseWrite()
		<-done
	}}.Serve(ln) // it returns when the task stops
}

// serveGeneveAppliance is the built-in appliance in netns mode, where
// its GWLB's nodes send it packets in GENEVE (internal/runtime/netns):
// geneve.Appliance, stateful, sending each packet it passes back to the
// node; each flow it starts is counted by its original source and
// destination.
func serveGeneveAppliance(pc net.PacketConn, task string, flows *applianceFlows) {
	if uc, ok := pc.(*net.UDPConn); ok {
		_ = geneve.Fragmentable(uc)
	}
	a := &geneve.Appliance{Started: func(f geneve.Flow) {
		if flows != nil {
			flows.c.WithLabelValues(task, f.Src.String(), netip.AddrPortFrom(f.Dst, f.DstPort).String()).Inc()
		}
	}}
	_ = a.Serve(pc) // it returns when the task stops
}
