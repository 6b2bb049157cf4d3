//go:build linux

package netns

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"os/exec"
	"runtime"
	"syscall"

	"golang.org/x/sys/unix"
)

// Exec runs a command in the network namespace at nsPath, as `ip netns
// exec` does, with the VPC's resolver as its nameserver: on a thread of
// its own it unshares a mount namespace, binds a resolv.conf naming
// resolver over /etc/resolv.conf there (not in the host's), enters the
// network namespace and starts the command, which inherits both. It
// returns the command's exit status.
func Exec(nsPath string, resolver netip.Addr, argv []string, env []string, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
	return execIn(context.Background(), nsPath, resolver, argv, env, "", stdin, stdout, stderr, nil)
}

// execIn is Exec, in dir (the current directory when empty), killing the
// command when ctx ends, and passing it each signal from signals.
func execIn(ctx context.Context, nsPath string, resolver netip.Addr, argv []string, env []string, dir string, stdin io.Reader, stdout, stderr io.Writer, signals <-chan syscall.Signal) (int, error) {
	if len(argv) == 0 {
		return 0, errors.New("no command")
	}
	resolv, err := os.CreateTemp("", "netwright-resolv-*.conf")
	if err != nil {
		return 0, err
	}
	defer os.Remove(resolv.Name())
	fmt.Fprintf(resolv, "# netwright exec: the VPC's resolver\nnameserver %s\n", resolver)
	if err := resolv.Close(); err != nil {
		return 0, err
	}
	ns, err := os.Open(nsPath)
	if err != nil {
		return 0, fmt.Errorf("the task's namespace: %w", err)
	}
	defer ns.Close()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir, cmd.Env, cmd.Stdin, cmd.Stdout, cmd.Stderr = dir, env, stdin, stdout, stderr
	if signals != nil {
		// Started for another process (the exec socket): a group of its
		// own, so a signal reaches the whole of it (a shell's pipeline,
		// a wrapper's child), as a terminal's Ctrl-C reaches its
		// foreground group, and so does the kill when ctx ends.
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		cmd.Cancel = func() error { return unix.Kill(-cmd.Process.Pid, unix.SIGKILL) }
	}
	started := make(chan error, 1)
	go func() {
		// The thread's namespaces change for good: it stays locked, and
		// ends with this goroutine.
		runtime.LockOSThread()
		if err := unix.Unshare(unix.CLONE_NEWNS); err != nil {
			started <- fmt.Errorf("mount namespace: %w", err)
			return
		}
		if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_SLAVE, ""); err != nil {
			started <- fmt.Errorf("mount namespace: %w", err)
			return
		}
		if err := unix.Mount(resolv.Name(), "/etc/resolv.conf", "", unix.MS_BIND, ""); err != nil {
			started <- fmt.Errorf("resolv.conf: %w", err)
			return
		}
		if err := unix.Setns(int(ns.Fd()), unix.CLONE_NEWNET); err != nil {
			started <- fmt.Errorf("enter %s: %w", nsPath, err)
			return
		}
		started <- cmd.Start()
	}()
	if err := <-started; err != nil {
		return 0, err
	}
	waited := make(chan struct{})
	defer close(waited)
	go func() {
		for {
			select {
			case sig, ok := <-signals:
				if !ok {
					return
				}
				_ = unix.Kill(-cmd.Process.Pid, sig)
			case <-waited:
				return
			}
		}
	}()
	err = cmd.Wait()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return 128 + int(ws.Signal()), nil // as a shell reports a command a signal ended
		}
		return exit.ExitCode(), nil
	}
	if err != nil {
		return 0, err
	}
	return 0, nil
}
