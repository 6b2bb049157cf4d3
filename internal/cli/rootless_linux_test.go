//go:build linux

package cli

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/netwright/netwright/internal/runtime/netns"
	"github.com/netwright/netwright/internal/runtime/runtimetest"
	"github.com/netwright/netwright/internal/runtime/up"
)

// testMainEnv makes this test binary the CLI when it is run as a
// command (for tests that need a process of their own); named "dial"
// it connects to its argument for two seconds and prints connected,
// refused or timeout (a command to run in a task's namespace).
const testMainEnv = "NETWRIGHT_CLI_TEST_MAIN"

func TestMain(m *testing.M) {
	if filepath.Base(os.Args[0]) == "dial" && len(os.Args) == 2 {
		c, err := net.DialTimeout("tcp", os.Args[1], 2*time.Second)
		var ne net.Error
		switch {
		case err == nil:
			c.Close()
			fmt.Println("connected")
		case errors.As(err, &ne) && ne.Timeout():
			fmt.Println("timeout")
		default:
			fmt.Println("refused:", err)
		}
		os.Exit(0)
	}
	if os.Getenv(testMainEnv) == "netwright" {
		os.Exit(Run(OSEnv(), os.Args[1:]))
	}
	os.Exit(m.Run())
}

// nobody is the user the rootless test runs as when the test runs as
// root.
const nobody = 65534

// TestUpRootless runs `up --isolation auto` as a user who is not root
// (nobody, when the test runs as root): it starts itself again in a user
// namespace, says it chose netns mode there, and the design runs in
// namespaces as it does for root: the front door on the host's 127.0.0.1 answers through the
// internet gateway, `netwright exec` (as the same user) runs in a
// task's namespace with the VPC's resolver, a declared call connects and
// an undeclared one times out, and when it stops no namespace is left;
// `down` as the same user removes a dead run's names.
func TestUpRootless(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the design in namespaces")
	}
	if err := netns.UserNamespaceRefusal(); err != nil {
		t.Skipf("rootless netns mode cannot run here: %v", err)
	}
	cred := (*syscall.Credential)(nil)
	uid := os.Getuid()
	if os.Geteuid() == 0 {
		cred, uid = &syscall.Credential{Uid: nobody, Gid: nobody}, nobody
	}
	// A directory the user may read, with this binary (the CLI, by
	// testMainEnv) and the spec; a state directory it owns.
	dir, err := os.MkdirTemp("", "netwright-rootless-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	bin := filepath.Join(dir, "netwright")
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	copyFile(t, self, bin, 0o755)
	dialer := filepath.Join(dir, "dial")
	if err := os.Symlink(bin, dialer); err != nil {
		t.Fatal(err)
	}
	spec := filepath.Join(dir, "three-tier.yaml")
	copyFile(t, "../../examples/three-tier.yaml", spec, 0o644)
	state := filepath.Join(dir, "state")
	for _, p := range []string{dir, state} {
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if cred != nil {
		if err := os.Chown(state, nobody, nobody); err != nil {
			t.Fatal(err)
		}
	}
	command := func(args ...string) *exec.Cmd {
		cmd := exec.Command(bin, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), testMainEnv+"=netwright", "TMPDIR="+os.TempDir())
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		return cmd
	}

	off := freeOffset(t)
	upCmd := command("up", "--port-offset", fmt.Sprint(off), "--dns", "127.0.0.1:0", "--admin", "127.0.0.1:0",
		"--state-dir", state, "--access-logs=false", "--watch=false", "--isolation", "auto", spec)
	var out, errb runtimetest.Buffer
	upCmd.Stdout, upCmd.Stderr = &out, &errb
	if err := upCmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- upCmd.Wait() }()
	stopped := false
	stop := func() error {
		if stopped {
			return nil
		}
		stopped = true
		_ = upCmd.Process.Signal(os.Interrupt)
		select {
		case err := <-exited:
			return err
		case <-time.After(30 * time.Second):
			_ = upCmd.Process.Kill()
			return fmt.Errorf("up did not stop within 30 s:\n%s", errb.String())
		}
	}
	t.Cleanup(func() { _ = stop() })
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(out.String(), "Ctrl-C stops it.") {
		select {
		case err := <-exited:
			t.Fatalf("up ended (%v):\nstdout:\n%s\nstderr:\n%s", err, out.String(), errb.String())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("up not ready within 60 s:\nstdout:\n%s\nstderr:\n%s", out.String(), errb.String())
		}
	}
	if _, why, refused := strings.Cut(errb.String(), "note: Isolation: loopback, chosen by auto: "); refused {
		t.Skipf("the kernel refuses a user namespace here: %s", strings.SplitN(why, "\n", 2)[0])
	}
	if !strings.Contains(out.String(), "isolation netns") || !strings.Contains(errb.String(), "rootless: in a user namespace") {
		t.Fatalf("up did not run netns mode rootless:\nstdout:\n%s\nstderr:\n%s", out.String(), errb.String())
	}
	nsDir := filepath.Join(os.TempDir(), fmt.Sprintf("netwright-%d-netns", uid))
	if !strings.Contains(errb.String(), nsDir) {
		t.Errorf("the note does not name the namespaces' directory %s:\n%s", nsDir, errb.String())
	}
	admin := regexp.MustCompile(`DiscoverInstances +http://(\S+)/`).FindStringSubmatch(out.String())
	door := regexp.MustCompile(`internet-facing +443 HTTPS +-> (https://\S+)`).FindStringSubmatch(out.String())
	if admin == nil || door == nil {
		t.Fatalf("no admin address or front door in:\n%s", out.String())
	}

	// The front door, on the host's loopback, through the internet
	// gateway to the web tier.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	// The local CA's certificate is the run's; what is checked here is
	// the path, not the certificate.
	insecure := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}} //nolint:gosec // a test of the path
	var body string
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, door[1]+"/", nil)
		resp, err := insecure.Do(req)
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				body = string(b)
				break
			}
		}
		if ctx.Err() != nil {
			t.Fatalf("the front door %s never answered 200 (%v)", door[1], err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !strings.Contains(body, `"service":"web"`) || !strings.Contains(body, `"client":"`+netns.ClientAddr.String()+`"`) {
		t.Errorf("the front door's answer is not the web tier's to the internet client:\n%s", body)
	}

	var list struct {
		ExecSocket string         `json:"exec_socket"`
		Tasks      []up.NetnsTask `json:"tasks"`
	}
	if err := getJSON(ctx, http.DefaultClient, "http://"+admin[1]+"/netns", &list); err != nil {
		t.Fatal(err)
	}
	if list.ExecSocket != filepath.Join(state, "exec.sock") {
		t.Errorf("exec socket %q, want %q", list.ExecSocket, filepath.Join(state, "exec.sock"))
	}
	task := map[string]up.NetnsTask{}
	for _, tk := range list.Tasks {
		if !strings.HasPrefix(tk.Namespace, nsDir+"/") {
			t.Errorf("task %s's namespace %s is not in %s", tk.Task, tk.Namespace, nsDir)
		}
		task[tk.Task] = tk
	}
	web, app, db := task["web-1"], task["app-1"], task["db-1"]
	if !web.Addr.IsValid() || !app.Addr.IsValid() || !db.Addr.IsValid() {
		t.Fatalf("tasks web-1, app-1, db-1 not all listed: %+v", list.Tasks)
	}
	exe := func(id string, argv ...string) string {
		t.Helper()
		b, err := command(append([]string{"exec", "--admin", admin[1], id, "--"}, argv...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("exec %s %v: %v\n%s", id, argv, err, b)
		}
		return string(b)
	}
	// In web-1's namespace: its address, its VPC's resolver.
	where := exe("web-1", "/bin/sh", "-c", "cat /proc/net/fib_trie /etc/resolv.conf")
	if !strings.Contains(where, "|-- "+web.Addr.String()+"\n") || !strings.Contains(where, "nameserver "+web.Resolver.String()+"\n") {
		t.Errorf("exec web-1 did not run in its namespace with its resolver %s:\n%s", web.Resolver, where)
	}
	// The database's port: declared from the app tier, not from the web
	// tier, which times out as in AWS.
	dbAddr := net.JoinHostPort(db.Addr.String(), "5432")
	dial := func(id string) string {
		t.Helper()
		return strings.TrimSpace(exe(id, dialer, dbAddr))
	}
	if got := dial("app-1"); got != "connected" {
		t.Errorf("app-1 -> db-1:5432 (declared): %s, want connected", got)
	}
	if got := dial("web-1"); got != "timeout" {
		t.Errorf("web-1 -> db-1:5432 (undeclared): %s, want timeout", got)
	}

	if err := stop(); err != nil {
		t.Fatalf("up: %v\nstderr:\n%s", err, errb.String())
	}
	if !strings.Contains(out.String(), "\nstopped\n") {
		t.Errorf("up did not stop cleanly:\nstdout:\n%s\nstderr:\n%s", out.String(), errb.String())
	}
	left, err := os.ReadDir(nsDir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	for _, e := range left {
		if strings.Contains(e.Name(), fmt.Sprintf("nw%dx", upCmd.Process.Pid)) {
			t.Errorf("namespace name %s left in %s", e.Name(), nsDir)
		}
	}

	// A run that died leaves the names of its namespaces (the namespaces
	// died with it): `down`, as the same user, removes them.
	dead := 4194000
	for ; dead < 4194304; dead++ {
		if _, err := os.Stat(fmt.Sprint("/proc/", dead)); os.IsNotExist(err) {
			break
		}
	}
	stale := filepath.Join(nsDir, fmt.Sprintf("nw%dx1-router", dead))
	if err := os.MkdirAll(nsDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(stale, nil, 0o444); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		os.Remove(stale)
		os.Remove(nsDir) // when no other run's names are in it
	})
	if cred != nil {
		for _, p := range []string{nsDir, stale} {
			if err := os.Chown(p, nobody, nobody); err != nil {
				t.Fatal(err)
			}
		}
	}
	b, err := command("down").CombinedOutput()
	if err != nil || !strings.Contains(string(b), "removed "+filepath.Base(stale)) {
		t.Errorf("down: %v\n%s", err, b)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("%s is still there after down: %v", stale, err)
	}
}

func copyFile(t *testing.T, from, to string, mode os.FileMode) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(to, mode); err != nil {
		t.Fatal(err)
	}
}
