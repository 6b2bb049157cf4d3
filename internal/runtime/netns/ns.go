//go:build linux

package netns

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/google/nftables"
	"github.com/vishvananda/netlink"
	vnetns "github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// rootNetnsDir is where named network namespaces live, as `ip netns`
// keeps them: a bind mount of each namespace, which keeps it alive
// without a process in it and lets `ip netns exec` and `netwright exec`
// enter it. A rootless run keeps them in a directory of its user's
// instead (rootless.go), mounted in its own mount namespace alone.
const rootNetnsDir = "/run/netns"

// netnsDir is this process's directory of named namespaces: /run/netns
// for root in the host's user namespace, else its user's (Dir).
var netnsDir = sync.OnceValue(func() string {
	if uid, ok := outerUID(); ok {
		return rootlessDir(uid)
	}
	if os.Geteuid() != 0 {
		return rootlessDir(os.Getuid())
	}
	return rootNetnsDir
})

// Dir is the directory whose bind mounts name this process's
// namespaces: /run/netns when it runs as root, the user's own directory
// (in the system's temporary directory) in a rootless run.
func Dir() string { return netnsDir() }

// Prefix starts the name of every namespace netwright makes:
// nw<pid>x<run>-<role>, so a crashed run's leftovers are known by the
// process that made them (RemoveLeftovers).
const Prefix = "nw"

// hostNS is the network namespace the process started in, which every
// thread that entered another returns to.
var hostNS = sync.OnceValues(func() (vnetns.NsHandle, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	return vnetns.GetFromPath("/proc/self/ns/net")
})

// Namespace is one network namespace of a run: a task's, a load
// balancer node's, a NAT gateway's, the VPC router's or the internet's.
// Sockets opened in it (Listen, ListenPacket, Dial) keep it for their
// life, whichever thread serves them; commands started in it (Start) run
// in it.
type Namespace struct {
	// Name is the namespace's name under /run/netns.
	Name string
	h    vnetns.NsHandle
	nl   *netlink.Handle
}

// Path is the namespace's bind mount, which `ip netns exec NAME` and
// nsenter --net=PATH enter.
func (n *Namespace) Path() string { return filepath.Join(netnsDir(), n.Name) }

// newNamespace makes a named network namespace, with its loopback up.
func newNamespace(name string) (*Namespace, error) {
	host, err := hostNS()
	if err != nil {
		return nil, fmt.Errorf("the host's network namespace: %w", err)
	}
	var h vnetns.NsHandle
	err = onThread(host, func() error {
		var err error
		// newNamed unshares this (locked) thread into the new namespace;
		// onThread puts it back (or, rootless, lets the thread end).
		h, err = newNamed(netnsDir(), name)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("network namespace %s: %w", name, err)
	}
	n := &Namespace{Name: name, h: h}
	// The handle's sockets are made on a thread in the namespace:
	// netlink's own NewHandleAt returns its thread to the namespace it
	// came from and ignores a failure to, which a rootless run (that may
	// not enter the host's namespace again) would leave in the pool.
	err = n.Do(func() error {
		var err error
		n.nl, err = netlink.NewHandle()
		return err
	})
	if err != nil {
		n.remove()
		return nil, fmt.Errorf("netlink in %s: %w", name, err)
	}
	lo, err := n.nl.LinkByName("lo")
	if err == nil {
		err = n.nl.LinkSetUp(lo)
	}
	if err != nil {
		n.remove()
		return nil, fmt.Errorf("loopback in %s: %w", name, err)
	}
	return n, nil
}

// remove deletes the namespace's name; the namespace goes, with its
// interfaces and rules, when no socket or process holds it any more.
func (n *Namespace) remove() error {
	if n.nl != nil {
		n.nl.Close()
	}
	n.h.Close()
	return removeNamed(n.Name)
}

// newNamed makes a network namespace, moves the calling (locked) thread
// into it, and names it by a bind mount at dir/name, as `ip netns add`
// does.
func newNamed(dir, name string) (vnetns.NsHandle, error) {
	if err := ownDir(dir); err != nil {
		return vnetns.None(), err
	}
	p := filepath.Join(dir, name)
	f, err := os.OpenFile(p, os.O_RDONLY|os.O_CREATE|os.O_EXCL, 0o444)
	if errors.Is(err, os.ErrNotExist) { // another rootless run's Close removed the directory
		if err = ownDir(dir); err == nil {
			f, err = os.OpenFile(p, os.O_RDONLY|os.O_CREATE|os.O_EXCL, 0o444)
		}
	}
	if err != nil {
		return vnetns.None(), err
	}
	f.Close()
	if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
		os.Remove(p)
		return vnetns.None(), err
	}
	if err := unix.Mount("/proc/self/task/"+strconv.Itoa(unix.Gettid())+"/ns/net", p, "bind", unix.MS_BIND, ""); err != nil {
		os.Remove(p)
		return vnetns.None(), err
	}
	return vnetns.GetFromPath(p)
}

// nftConn is a lasting nftables connection to the namespace: its socket
// is made on a thread in the namespace (see newNamespace).
func (n *Namespace) nftConn() (*nftables.Conn, error) {
	var c *nftables.Conn
	err := n.Do(func() error {
		var err error
		c, err = nftables.New(nftables.AsLasting())
		return err
	})
	return c, err
}

func removeNamed(name string) error {
	p := filepath.Join(netnsDir(), name)
	// ip netns's way: detach the bind mount, then remove the file. A
	// rootless run's file outlives its mount namespace as a plain file,
	// which is no mount (EINVAL), and which its user may not try to
	// unmount from outside (EPERM): removing it is what counts.
	uerr := unmount(p)
	if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
		if uerr != nil && !errors.Is(uerr, os.ErrNotExist) && !errors.Is(uerr, unix.EINVAL) {
			return fmt.Errorf("unmount %s: %w", p, uerr)
		}
		return err
	}
	return nil
}

// onThread runs fn on a thread of its own in the network namespace ns,
// then returns the thread to the host's namespace. A thread that cannot
// be returned is never handed back to Go's pool: its goroutine ends
// locked, which ends the thread.
func onThread(ns vnetns.NsHandle, fn func() error) error {
	host, err := hostNS()
	if err != nil {
		return err
	}
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		// Every thread of the pool is in the host's namespace already, and
		// a rootless run may not enter it (setns is refused: it belongs to
		// the host's user namespace); fn may leave it (newNamespace).
		if ns == host {
			ns = vnetns.None()
		}
		if err := setNS(ns); err != nil {
			errc <- fmt.Errorf("enter network namespace: %w", err)
			return // the thread ends with its goroutine, as it is locked
		}
		err := fn()
		if vnetns.Set(host) != nil {
			errc <- err
			return // the thread is not in the host's namespace: let it end
		}
		runtime.UnlockOSThread()
		errc <- err
	}()
	return <-errc
}

// setNS moves the thread to ns; nothing for None.
func setNS(ns vnetns.NsHandle) error {
	if !ns.IsOpen() {
		return nil
	}
	return vnetns.Set(ns)
}

// Do runs fn on a thread in the namespace. Sockets fn opens stay in the
// namespace; it must not start goroutines that expect to be there.
func (n *Namespace) Do(fn func() error) error { return onThread(n.h, fn) }

// Listen opens a listening socket in the namespace.
func (n *Namespace) Listen(network, addr string) (net.Listener, error) {
	var ln net.Listener
	err := n.Do(func() error {
		var err error
		ln, err = net.Listen(network, addr)
		return err
	})
	return ln, err
}

// ListenPacket opens a packet socket in the namespace.
func (n *Namespace) ListenPacket(network, addr string) (net.PacketConn, error) {
	var pc net.PacketConn
	err := n.Do(func() error {
		var err error
		pc, err = net.ListenPacket(network, addr)
		return err
	})
	return pc, err
}

// Dialer dials from the namespace: the socket is made there (its
// connection then served from any thread).
func (n *Namespace) Dialer(d *net.Dialer) func(ctx context.Context, network, addr string) (net.Conn, error) {
	if d == nil {
		d = &net.Dialer{}
	}
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		var c net.Conn
		err := n.Do(func() error {
			var err error
			c, err = d.DialContext(ctx, network, addr)
			return err
		})
		return c, err
	}
}

// DialContext connects from the namespace.
func (n *Namespace) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	return n.Dialer(nil)(ctx, network, addr)
}

// Start starts cmd in the namespace: the child is forked from a thread
// that is in it.
func (n *Namespace) Start(cmd *exec.Cmd) error { return n.Do(cmd.Start) }

// sysctl writes a network sysctl of the namespace, such as
// net/ipv4/ip_forward.
func (n *Namespace) sysctl(key, value string) error {
	return n.Do(func() error {
		return os.WriteFile(filepath.Join("/proc/sys", key), []byte(value), 0o644)
	})
}

// runName is a run's part of its namespaces' names: the process ID and a
// number of the run within it.
func runName(pid, seq int) string { return Prefix + strconv.Itoa(pid) + "x" + strconv.Itoa(seq) }

// Leftovers lists the namespaces under /run/netns that netwright runs
// made whose process is gone (a run that crashed or was killed).
func Leftovers() ([]string, error) {
	entries, err := os.ReadDir(netnsDir())
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		pid, ok := ownerPID(e.Name())
		if !ok || pid == os.Getpid() || processAlive(pid) {
			continue
		}
		out = append(out, e.Name())
	}
	return out, nil
}

// ownerPID is the process that made a namespace named by runName.
func ownerPID(name string) (int, bool) {
	rest, ok := strings.CutPrefix(name, Prefix)
	if !ok {
		return 0, false
	}
	digits, _, ok := strings.Cut(rest, "x")
	if !ok {
		return 0, false
	}
	pid, err := strconv.Atoi(digits)
	return pid, err == nil && pid > 0
}

func processAlive(pid int) bool {
	_, err := os.Stat("/proc/" + strconv.Itoa(pid))
	return err == nil
}

// RemoveLeftovers removes the namespaces of runs whose process is gone
// and returns their names. Their interfaces, routes and nftables tables
// go with them: none of it lives in the host's namespace.
func RemoveLeftovers() ([]string, error) {
	names, err := Leftovers()
	if err != nil {
		return nil, err
	}
	var errs []error
	for _, n := range names {
		errs = append(errs, removeNamed(n))
	}
	return names, errors.Join(errs...)
}

// ownDir makes the directory the names are bound in, or checks the one
// there: a directory (not a link) of this user's, which nobody else may
// write. A rootless run's directory is in the temporary directory, where
// another user could have made it first to hold or refuse the names.
func ownDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	fi, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	switch {
	case !fi.IsDir():
		return fmt.Errorf("%s is not a directory: remove it and start again", dir)
	case ok && int(st.Uid) != os.Geteuid():
		return fmt.Errorf("%s belongs to another user (uid %d): remove it, or set TMPDIR to a directory of your own", dir, st.Uid)
	case fi.Mode().Perm()&0o022 != 0:
		return fmt.Errorf("%s is writable by others (mode %v): remove it and start again", dir, fi.Mode().Perm())
	}
	return nil
}
