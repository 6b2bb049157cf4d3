//go:build linux

package netns

import (
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
	code, err := ExecVia(sock, "web-1", []string{"/bin/sh", "-c", "cat /etc/resolv.conf; exit 3"}, os.Environ(), os.Stdin, w, w)
	w.Close()
	out, _ := io.ReadAll(r)
	if err != nil || code != 3 || !strings.Contains(string(out), "nameserver 10.0.0.2\n") {
		t.Errorf("exec: %d %v %q; want exit 3 and the VPC's resolver", code, err, out)
	}
	if _, err := ExecVia(sock, "db-9", []string{"true"}, nil, os.Stdin, os.Stdout, os.Stderr); err == nil || !strings.Contains(err.Error(), "no task db-9") {
		t.Errorf("an unknown task: %v", err)
	}
}
