package cli

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/netwright/netwright/internal/runtime/up"
)

// faultSpec is a small Service Connect mesh: web calls api.
const faultSpec = `version: 1
app: faulty
services:
  web: {port: 8080, public: true, depends_on: [api]}
  api: {port: 9090, replicas: 2}
mesh: {target: service_connect, mtls: off}
tls: {domain: faulty.example.com}
`

// freeAddr is a loopback address no one listens on now.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestFaultCommand runs `netwright up` and drives its mesh faults with
// `netwright fault add|list|clear`: add and clear carry the admin token
// `up` leaves in its state directory (readable by its owner alone, gone
// when `up` stops); without it, or with another, the call is refused.
func TestFaultCommand(t *testing.T) {
	dir := t.TempDir()
	spec, state := filepath.Join(dir, "faulty.yaml"), filepath.Join(dir, "state")
	if err := os.WriteFile(spec, []byte(faultSpec), 0o644); err != nil {
		t.Fatal(err)
	}
	admin, off := freeAddr(t), strconv.Itoa(freeOffset(t))
	ctx, stop := context.WithCancel(context.Background())
	env := Env{Stdout: io.Discard, Stderr: io.Discard, Getenv: func(string) string { return "" }, ReadFile: os.ReadFile,
		IsTerminal: func(io.Writer) bool { return false }, Interrupted: func() (context.Context, context.CancelFunc) { return ctx, stop }}
	exited := make(chan int, 1)
	go func() {
		exited <- Run(env, []string{"up", "--port-offset", off, "--dns", "127.0.0.1:0", "--admin", admin, "--state-dir", state,
			"--isolation", "loopback", "--watch=false", "--access-logs=false", spec})
	}()
	defer func() {
		stop()
		if code := <-exited; code != ExitOK {
			t.Errorf("up = %d", code)
		}
		if _, err := os.Stat(filepath.Join(state, adminTokenFile)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("the admin token is left after up stopped: %v", err)
		}
	}()
	tokenFile := filepath.Join(state, adminTokenFile)
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := os.Stat(tokenFile); err == nil {
			break
		}
		select {
		case code := <-exited:
			exited <- code
			t.Fatalf("up exited %d before it wrote its token", code)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("up wrote no admin token within 30 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if fi, err := os.Stat(tokenFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("%s: %v %v; want mode 0600", tokenFile, fi.Mode(), err)
	}

	r := run(t, false, nil, "fault", "add", "api", "abort", "--value", "503", "--share", "0.5", "--admin", admin, "--state-dir", state)
	if r.code != ExitOK || r.stdout != "fault 1: abort api (503), 0.5 of calls\n" {
		t.Fatalf("fault add = %d %q %q", r.code, r.stdout, r.stderr)
	}
	r = run(t, false, nil, "fault", "add", "web->api", "delay", "--value", "200ms", "--for", "1m", "--admin", admin, "--state-dir", state, "-o", "json")
	var added struct {
		ID     int    `json:"id"`
		Target string `json:"target"`
		Kind   string `json:"kind"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &added); r.code != ExitOK || err != nil || added.ID != 2 || added.Target != "web->api" || added.Kind != "delay" {
		t.Fatalf("fault add -o json = %d %q %q", r.code, r.stdout, r.stderr)
	}
	// Without the token, or with another: refused, nothing added.
	if r := run(t, false, nil, "fault", "add", "api", "kill", "--admin", admin, "--state-dir", t.TempDir()); r.code != ExitUsage || !strings.Contains(r.stderr, "admin token") {
		t.Errorf("fault add with no token = %d %q; want exit 2 naming the admin token", r.code, r.stderr)
	}
	if r := run(t, false, nil, "fault", "add", "api", "kill", "--admin", admin, "--token", "guess"); r.code != ExitUsage || !strings.Contains(r.stderr, "403") {
		t.Errorf("fault add with a wrong token = %d %q; want exit 2 and 403", r.code, r.stderr)
	}
	// An unknown target or kind is refused by up or before.
	if r := run(t, false, nil, "fault", "add", "nope", "kill", "--admin", admin, "--state-dir", state); r.code != ExitUsage || !strings.Contains(r.stderr, `no task or service "nope"`) {
		t.Errorf("fault add nope = %d %q", r.code, r.stderr)
	}
	if r := run(t, false, nil, "fault", "add", "api", "melt", "--admin", admin, "--state-dir", state); r.code != ExitUsage {
		t.Errorf("fault add api melt = %d %q", r.code, r.stderr)
	}

	r = run(t, false, nil, "fault", "list", "--admin", admin)
	if r.code != ExitOK || !strings.Contains(r.stdout, "1  abort api (503), 0.5 of calls") || !strings.Contains(r.stdout, "2  delay web->api (200ms), until ") || strings.Count(r.stdout, "\n") != 2 {
		t.Errorf("fault list = %d %q %q; want the two faults", r.code, r.stdout, r.stderr)
	}
	r = run(t, false, nil, "fault", "list", "--admin", admin, "-o", "json")
	var list up.FaultList
	if err := json.Unmarshal([]byte(r.stdout), &list); r.code != ExitOK || err != nil || len(list.Mesh) != 2 {
		t.Errorf("fault list -o json = %d %q: %v", r.code, r.stdout, err)
	}

	if r := run(t, false, nil, "fault", "clear", "api", "--admin", admin, "--state-dir", state); r.code != ExitOK || r.stdout != "1 fault(s) cleared\n" {
		t.Errorf("fault clear api = %d %q %q", r.code, r.stdout, r.stderr)
	}
	if r := run(t, false, nil, "fault", "clear", "--admin", admin, "--token", "guess"); r.code != ExitUsage || !strings.Contains(r.stderr, "403") {
		t.Errorf("fault clear with a wrong token = %d %q; want 403", r.code, r.stderr)
	}
	if r := run(t, false, nil, "fault", "clear", "--admin", admin, "--state-dir", state); r.code != ExitOK || r.stdout != "1 fault(s) cleared\n" {
		t.Errorf("fault clear = %d %q %q", r.code, r.stdout, r.stderr)
	}
	if r := run(t, false, nil, "fault", "list", "--admin", admin); r.code != ExitOK || r.stdout != "no faults\n" {
		t.Errorf("fault list after clear = %d %q", r.code, r.stdout)
	}
	if r := run(t, false, nil, "fault", "list", "--admin", freeAddr(t)); r.code != ExitUsage || !strings.Contains(r.stderr, "is `netwright up` running") {
		t.Errorf("fault list with nothing listening = %d %q", r.code, r.stderr)
	}
}
