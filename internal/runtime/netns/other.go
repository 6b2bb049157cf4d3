//go:build !linux

package netns

import (
	"context"
	"errors"
	"io"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"time"

	"github.com/netwright/netwright/internal/design"
)

// errLinux answers everything elsewhere: network namespaces are Linux's.
var errLinux = errors.New("network namespaces need Linux")

type link = struct{}

// Fabric is Linux's (fabric.go); elsewhere New refuses.
type Fabric struct{}

// Namespace is Linux's (ns.go).
type Namespace struct{ Name string }

// FlowLog is Linux's (flowlog.go).
type FlowLog struct{}

func New(*design.Design, int) (*Fabric, error)             { return nil, errLinux }
func RemoveLeftovers() ([]string, error)                   { return nil, nil }
func Leftovers() ([]string, error)                         { return nil, nil }
func (f *Fabric) Run() string                              { return "" }
func (f *Fabric) Router() *Namespace                       { return nil }
func (f *Fabric) Internet() *Namespace                     { return nil }
func (f *Fabric) Site(string) *Namespace                   { return nil }
func (f *Fabric) Resolver(string) netip.Addr               { return netip.Addr{} }
func (f *Fabric) Resolvers() []netip.Addr                  { return nil }
func (f *Fabric) ENI(string) *ENI                          { return nil }
func (f *Fabric) Lattice() *Namespace                      { return nil }
func (f *Fabric) ENIs() []*ENI                             { return nil }
func (f *Fabric) Attach(Attachment) (*ENI, error)          { return nil, errLinux }
func (f *Fabric) Detach(*ENI) error                        { return nil }
func (f *Fabric) Update(*design.Design) error              { return errLinux }
func (f *Fabric) FlowLog(time.Time) *FlowLog               { return &FlowLog{} }
func (f *Fabric) Close() error                             { return nil }
func (l *FlowLog) Collect(time.Time) ([]FlowRecord, error) { return nil, nil }
func (n *Namespace) Path() string                          { return "" }
func (n *Namespace) Listen(string, string) (net.Listener, error) {
	return nil, errLinux
}
func (n *Namespace) ListenPacket(string, string) (net.PacketConn, error) {
	return nil, errLinux
}
func (n *Namespace) DialContext(context.Context, string, string) (net.Conn, error) {
	return nil, errLinux
}

func (n *Namespace) Dialer(*net.Dialer) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(context.Context, string, string) (net.Conn, error) { return nil, errLinux }
}
func (n *Namespace) Start(*exec.Cmd) error { return errLinux }

// Exec is Linux's (exec.go).
func Exec(string, netip.Addr, []string, []string, io.Reader, io.Writer, io.Writer) (int, error) {
	return 0, errLinux
}

// RootlessEnv is Linux's (rootless.go).
const RootlessEnv = "NETWRIGHT_ROOTLESS"

func Dir() string                 { return "" }
func InUserNamespace() bool       { return false }
func UserNamespaceRefusal() error { return errLinux }
func RootlessError(error) error   { return errLinux }
func Rootless([]string) (*exec.Cmd, error) {
	return nil, errLinux
}

// ExecServer is Linux's (execsock.go).
type ExecServer struct{}

func (s *ExecServer) Close() error { return nil }
func ServeExec(string, func(string) (string, netip.Addr, bool)) (*ExecServer, error) {
	return nil, errLinux
}

// Forwarded are the signals ExecVia passes on (Linux's execsock.go).
var Forwarded = []os.Signal{os.Interrupt}

func ExecVia(string, string, []string, []string, *os.File, *os.File, *os.File, <-chan os.Signal) (int, error) {
	return 0, errLinux
}

func (f *Fabric) PreserveClients(*ENI) error { return errLinux }
func (n *Namespace) DialFrom(context.Context, string, string, netip.Addr, net.Dialer) (net.Conn, error) {
	return nil, errLinux
}
