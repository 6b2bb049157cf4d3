//go:build linux

package netns

import (
	"bufio"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestExecSocket: ExecVia runs a command through ServeExec in the
// namespace its task names, with the caller's output and the VPC's
// resolver, and returns its exit status; a task the run does not have
// is an error naming it.
func TestExecSocket(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("binds a resolv.conf in a mount namespace: run as root (a rootless run does it in its user namespace)")
	}
	resolver := netip.MustParseAddr("10.0.0.2")
	sock := filepath.Join(t.TempDir(), "exec.sock")
	s, err := ServeExec(sock, func(task string) (string, netip.Addr, bool) {
		return "/proc/self/ns/net", resolver, task == "web-1"
	})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if st, err := os.Stat(sock); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("the socket: %v %v; want mode 0600", st, err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	code, err := ExecVia(sock, "web-1", []string{"/bin/sh", "-c", "cat /etc/resolv.conf; exit 3"}, os.Environ(), os.Stdin, w, w, nil)
	w.Close()
	out, _ := io.ReadAll(r)
	if err != nil || code != 3 || !strings.Contains(string(out), "nameserver 10.0.0.2\n") {
		t.Errorf("exec: %d %v %q; want exit 3 and the VPC's resolver", code, err, out)
	}
	if _, err := ExecVia(sock, "db-9", []string{"true"}, nil, os.Stdin, os.Stdout, os.Stderr, nil); err == nil || !strings.Contains(err.Error(), "no task db-9") {
		t.Errorf("an unknown task: %v", err)
	}
}

// TestExecSocketForwardsSignals: a signal the asking process gets (an
// interactive command's Ctrl-C) reaches the command, which the run
// started, outside the asker's process group; one not in Forwarded does
// not.
func TestExecSocketForwardsSignals(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("binds a resolv.conf in a mount namespace: run as root (a rootless run does it in its user namespace)")
	}
	sock := filepath.Join(t.TempDir(), "exec.sock")
	s, err := ServeExec(sock, func(string) (string, netip.Addr, bool) {
		return "/proc/self/ns/net", netip.MustParseAddr("10.0.0.2"), true
	})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	signals := make(chan os.Signal, 2)
	type result struct {
		code int
		err  error
	}
	done := make(chan result, 1)
	go func() {
		code, err := ExecVia(sock, "web-1", []string{"/bin/sh", "-c", `trap 'echo got-usr2' USR2; trap 'echo got-winch' WINCH; trap 'echo got-int; exit 7' INT; echo ready; while :; do sleep 0.05; done`}, os.Environ(), os.Stdin, w, w, signals)
		done <- result{code, err}
	}()
	r.SetReadDeadline(time.Now().Add(10 * time.Second)) // a signal lost fails the test, not hangs it
	br := bufio.NewReader(r)
	if line, err := br.ReadString('\n'); err != nil || line != "ready\n" {
		t.Fatalf("the command's first line: %q %v", line, err)
	}
	signals <- syscall.SIGWINCH // not forwarded: the command's trap would say so before got-usr2
	signals <- syscall.SIGUSR2
	// The signal reaches the command's group: the shell may first report
	// its sleep, which the signal ended.
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatalf("after SIGUSR2: %v", err)
		}
		if line == "got-winch\n" {
			t.Fatal("SIGWINCH, not one of Forwarded, reached the command")
		}
		if line == "got-usr2\n" {
			break
		}
	}
	signals <- syscall.SIGINT
	select {
	case res := <-done:
		w.Close()
		rest, _ := io.ReadAll(br)
		if res.err != nil || res.code != 7 || !strings.HasSuffix(string(rest), "got-int\n") {
			t.Errorf("after SIGINT: exit %d %v, output %q; want exit 7 from the command's trap", res.code, res.err, rest)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the command did not end within 10 s of SIGINT")
	}
}

// TestExecSocketSignalsTheGroup: a forwarded signal reaches the whole of
// the command's process group (a shell's child too), and a command a
// signal ends exits 128+n, as a shell reports it.
func TestExecSocketSignalsTheGroup(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("binds a resolv.conf in a mount namespace: run as root (a rootless run does it in its user namespace)")
	}
	sock := filepath.Join(t.TempDir(), "exec.sock")
	s, err := ServeExec(sock, func(string) (string, netip.Addr, bool) {
		return "/proc/self/ns/net", netip.MustParseAddr("10.0.0.2"), true
	})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	run := func(script string) (int, string) {
		t.Helper()
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		signals := make(chan os.Signal, 1)
		done := make(chan int, 1)
		go func() {
			code, _ := ExecVia(sock, "web-1", []string{"/bin/sh", "-c", script}, os.Environ(), os.Stdin, w, w, signals)
			done <- code
		}()
		r.SetReadDeadline(time.Now().Add(10 * time.Second))
		br := bufio.NewReader(r)
		if line, err := br.ReadString('\n'); err != nil || line != "ready\n" {
			t.Fatalf("the command's first line: %q %v", line, err)
		}
		signals <- syscall.SIGTERM
		select {
		case code := <-done:
			w.Close()
			rest, _ := io.ReadAll(br)
			return code, string(rest)
		case <-time.After(5 * time.Second):
			t.Fatal("the command did not end within 5 s of SIGTERM: the signal did not reach its group")
		}
		return 0, ""
	}
	// The shell waits on its child and runs its trap only once the child
	// ends: at once only if the signal reached the child too. The child
	// says ready itself, so it exists when the signal is sent (a shell
	// that said ready before forking could take the signal first and
	// then wait out a child that never got it).
	if code, out := run("trap 'echo term; exit 5' TERM; sh -c 'echo ready; exec sleep 30'; echo after"); code != 5 || !strings.HasSuffix(out, "term\n") {
		t.Errorf("a shell waiting on sleep: exit %d, output %q; want 5 and its trap's line", code, out)
	}
	if code, out := run("echo ready; exec sleep 30"); code != 128+int(syscall.SIGTERM) || out != "" {
		t.Errorf("a command SIGTERM ends: exit %d, output %q; want %d", code, out, 128+int(syscall.SIGTERM))
	}
}
