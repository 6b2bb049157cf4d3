package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/netwright/netwright/internal/plan"
	"github.com/netwright/netwright/internal/runtime/netns"
	"github.com/netwright/netwright/internal/runtime/up"
)

func upCommand() *command {
	c := &command{
		name: "up", args: "FILE", argFiles: specFiles,
		summary: "run the design on this machine: tasks, load balancers, Cloud Map DNS",
		about: "Run the design on this machine until interrupted: every service's tasks (its run command or the built-in workload), " +
			"every ALB and NLB listener with its rules, target groups and health checks, HTTPS from a local CA, GWLB inspection, a CloudFront distribution's edge, " +
			"the Cloud Map DNS server and the DiscoverInstances API. It reloads the design when FILE changes.",
	}
	c.define = func(fs *flagSet) func(Env, []string) int {
		offset := fs.Int(flagSpec{long: "port-offset", value: "N", usage: "added to each designed listener port, so that 443 serves on 8443 by default; CloudFront's edge serves its 443 and 80 at 1000 more (9443, 9080)"}, 8000)
		dnsAddr := fs.String(flagSpec{long: "dns", value: "ADDR", usage: "address of the Cloud Map DNS server (UDP and TCP)"}, "127.0.0.1:8600")
		admin := fs.String(flagSpec{long: "admin", value: "ADDR", usage: "address of the admin API and the web console: DiscoverInstances, /status, /metrics, faults, the console's page (its URL, with the token, is printed at start)"}, "127.0.0.1:9901")
		state := fs.String(flagSpec{long: "state-dir", value: "DIR", files: "dir", usage: "directory the local CA's certificate (ca.pem) and the access logs are written to"}, ".netwright")
		watch := fs.Bool(flagSpec{long: "watch", usage: "reload the design when FILE changes (checked every half second); --watch=false turns it off"}, true)
		accessLogs := fs.Bool(flagSpec{long: "access-logs", usage: "write each load balancer's access log, in ALB's format, to STATE-DIR/access-logs/NAME.log; --access-logs=false turns them off"}, true)
		isolation := fs.String(flagSpec{long: "isolation", value: "MODE", choices: []string{up.IsolationAuto, up.IsolationNetns, up.IsolationLoopback},
			usage: "netns: every task in a network namespace at its designed address, with the design's routes, security groups and NACLs on every packet and VPC Flow Logs in STATE-DIR/flow-logs (as root, or rootless in a user namespace of its own where the kernel allows); loopback: tasks on loopback addresses, nothing between them; auto: netns where it can"}, up.IsolationAuto)
		meshMode := fs.String(flagSpec{long: "mesh", value: "MODE", choices: []string{"auto", "model", "off"}, usage: "the tasks' mesh proxies: auto runs the design's target (Service Connect, VPC Lattice or none), model the spec's own mesh model (local-only), off none"}, "auto")
		return func(env Env, pos []string) int {
			if !c.wantArgs(env, pos, 1) {
				return ExitUsage
			}
			return runUp(env, pos[0], *offset, *dnsAddr, *admin, *state, *isolation, *watch, *accessLogs, *meshMode)
		}
	}
	return c
}

func runUp(env Env, path string, offset int, dnsAddr, admin, state, isolation string, watch, accessLogs bool, meshMode string) int {
	if offset < 0 || offset > 65000 {
		fmt.Fprintf(env.Stderr, "netwright up: --port-offset must be 0 to 65000, not %d\n", offset)
		return ExitUsage
	}
	if code, done := upRootless(env, &isolation); done {
		return code
	}
	// The watcher and `run` commands print while the main goroutine waits.
	env.Stdout, env.Stderr = &syncWriter{W: env.Stdout}, &syncWriter{W: env.Stderr}
	if isTerm := env.IsTerminal; isTerm != nil {
		env.IsTerminal = func(w io.Writer) bool {
			if s, ok := w.(*syncWriter); ok {
				w = s.W
			}
			return isTerm(w)
		}
	}
	d, src, code := build(env, path)
	if d == nil {
		return code
	}
	// A proxy allocates per request and keeps little: collecting garbage
	// less often buys about a fifth more requests per second (BENCHMARKS.md).
	if env.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	ctx, stop := interrupted(env)
	defer stop()
	opt := up.Options{PortOffset: offset, DNSAddr: dnsAddr, AdminAddr: admin, Output: env.Stdout, Isolation: isolation,
		FlowLogDir: filepath.Join(state, "flow-logs"), ExecSocket: execSocket(state),
		// OpenTelemetry's SDK variables say where spans go; set, they go.
		ExportTraces: env.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != "" || env.Getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != ""}
	if meshMode != "auto" {
		opt.Mesh = meshMode
	}
	if accessLogs {
		opt.AccessLogDir = filepath.Join(state, "access-logs")
	}
	rt, err := up.Start(ctx, d, opt)
	if err != nil {
		fmt.Fprintf(env.Stderr, "netwright up: %v\n", err)
		return ExitUsage
	}
	caFile := filepath.Join(state, "ca.pem")
	werr := os.MkdirAll(state, 0o755)
	if werr == nil {
		werr = writeFiles(state, map[string][]byte{"ca.pem": rt.CAPEM})
	}
	if werr != nil {
		fmt.Fprintf(env.Stderr, "netwright up: the CA certificate: %v\n", werr)
	}
	// The admin token, for `netwright fault` run from the same place.
	tokenFile := filepath.Join(state, adminTokenFile)
	if err := writeToken(tokenFile, rt.Token); err != nil {
		fmt.Fprintf(env.Stderr, "netwright up: the admin token: %v (`netwright fault` needs --token)\n", err)
	} else {
		defer os.Remove(tokenFile)
	}
	fmt.Fprintf(env.Stdout, "%s is up: %d tasks, isolation %s\n", d.App, len(rt.Tasks), rt.Isolation)
	for _, e := range rt.Entries {
		printEntry(env.Stdout, e)
	}
	fmt.Fprintf(env.Stdout, "  Cloud Map DNS        %s (udp, tcp)\n  DiscoverInstances    http://%s/\n  CA certificate       %s (curl --cacert %s https://localhost:PORT/)\n", rt.DNSAddr, rt.AdminAddr, caFile, caFile)
	if opt.AccessLogDir != "" {
		fmt.Fprintf(env.Stdout, "  access logs          %s\n", opt.AccessLogDir)
	}
	if rt.Isolation == up.IsolationNetns {
		fmt.Fprintf(env.Stdout, "  flow logs            %s\n  a task's namespace   netwright exec TASK -- COMMAND\n", opt.FlowLogDir)
	}
	for _, n := range rt.Notes {
		fmt.Fprintf(env.Stderr, "note: %s\n", n)
	}
	web := startUpConsole(ctx, env, path, src, d, rt, opt.AccessLogDir)
	if watch {
		fmt.Fprintf(env.Stdout, "Watching %s: a saved change reloads the design.\n", path)
		go watchSpec(ctx, env, path, src, rt, web)
	}
	fmt.Fprintln(env.Stdout, "Ctrl-C stops it.")
	<-ctx.Done()
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := rt.Shutdown(sctx); err != nil {
		fmt.Fprintf(env.Stderr, "netwright up: stopping: %v\n", err)
		return ExitUsage
	}
	fmt.Fprintln(env.Stdout, "stopped")
	return ExitOK
}

// upRootless runs `up` again in a user namespace of its own when it
// is not root and its isolation may be netns (netns.Rootless): done, with
// that run's exit status. Where the kernel refuses, netns fails with the
// reason and auto becomes loopback, saying why.
func upRootless(env Env, isolation *string) (int, bool) {
	if *isolation == up.IsolationLoopback || os.Geteuid() == 0 || env.Getenv(netns.RootlessEnv) != "" {
		return 0, false
	}
	refused := func(err error) (int, bool) {
		if *isolation == up.IsolationNetns {
			fmt.Fprintf(env.Stderr, "netwright up: --isolation netns: not root, and %v; run it as root, or with --isolation loopback\n", err)
			return ExitUsage, true
		}
		fmt.Fprintf(env.Stderr, "note: Isolation: loopback, chosen by auto: not root, and %v: nothing stands between tasks.\n", err)
		*isolation = up.IsolationLoopback
		return 0, false
	}
	if err := netns.UserNamespaceRefusal(); err != nil {
		return refused(err)
	}
	cmd, err := netns.Rootless(os.Args[1:])
	if err != nil {
		return refused(err)
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, env.Stdout, env.Stderr
	// The child's parent-death signal follows the thread that started
	// it: keep that thread until the child ends.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	// Signals the terminal sends reach the whole process group; the ones
	// sent to this process alone (kill PID) are passed on.
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)
	if err := cmd.Start(); err != nil {
		return refused(netns.RootlessError(err))
	}
	done := make(chan struct{})
	go func() {
		for {
			select {
			case s := <-sigs:
				_ = cmd.Process.Signal(s)
			case <-done:
				return
			}
		}
	}()
	err = cmd.Wait()
	close(done)
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		if exit.ExitCode() < 0 {
			return ExitUsage, true // ended by a signal
		}
		return exit.ExitCode(), true
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "netwright up: %v\n", err)
		return ExitUsage, true
	}
	return ExitOK, true
}

// execSocket is where a rootless run answers `netwright exec`: in its
// state directory, by absolute path, as exec may run elsewhere.
func execSocket(state string) string {
	p, err := filepath.Abs(filepath.Join(state, "exec.sock"))
	if err != nil {
		return ""
	}
	return p
}

// printEntry prints one served listener and the URL that reaches it.
func printEntry(w io.Writer, e up.Entry) {
	scheme := strings.ToLower(e.Protocol) // https, http, tcp, tls, udp
	if e.Protocol == "TCP_UDP" {
		scheme = "tcp+udp"
	}
	fmt.Fprintf(w, "  %-40s %-15s %5d %-5s -> %s://%s\n", e.LoadBalancer, e.Scheme, e.Port, e.Protocol, scheme, e.Addr)
}

func interrupted(env Env) (context.Context, context.CancelFunc) {
	if env.Interrupted != nil {
		return env.Interrupted()
	}
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

// watchInterval is how often `up` looks at the spec for a change.
const watchInterval = 500 * time.Millisecond

// watchSpec reloads the runtime when the spec's content changes. A spec
// with errors, or a design the runtime cannot serve, leaves the running
// design as it is; the diagnostics say why.
func watchSpec(ctx context.Context, env Env, path string, last []byte, rt *up.Runtime, web *upConsole) {
	tick := time.NewTicker(watchInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		src, err := env.ReadFile(path)
		if err != nil || bytes.Equal(src, last) {
			continue // a file being replaced may be missing for a moment
		}
		last = src
		d, ds := plan.File(path, src)
		printDiags(env, ds, path, src)
		if d == nil {
			fmt.Fprintf(env.Stderr, "netwright up: %s has errors; the running design is unchanged\n", path)
			web.failed(src, ds, "the spec has errors; the running design is unchanged")
			continue
		}
		ch, err := rt.Reload(d)
		if err != nil {
			fmt.Fprintf(env.Stderr, "netwright up: reloading %s: %v; the running design is unchanged\n", path, err)
			web.failed(src, ds, "reloading: "+err.Error()+"; the running design is unchanged")
			continue
		}
		web.reloaded(src, d, ds, fmt.Sprintf("reloaded: %d tasks started, %d kept, %d stopped; listeners: %d opened, %d replaced, %d closed",
			len(ch.Started), len(ch.Kept), len(ch.Stopped), len(ch.Opened), len(ch.Replaced), len(ch.Closed)))
		fmt.Fprintf(env.Stdout, "reloaded %s: %d tasks started, %d kept, %d stopped after draining; listeners: %d opened, %d replaced, %d closed\n",
			path, len(ch.Started), len(ch.Kept), len(ch.Stopped), len(ch.Opened), len(ch.Replaced), len(ch.Closed))
		for _, e := range rt.Entries {
			if slices.Contains(ch.Opened, e.Key) {
				printEntry(env.Stdout, e)
			}
		}
	}
}

// adminTokenFile is where `up` leaves its admin token in the state
// directory, readable by its user alone.
const adminTokenFile = "admin-token"

// writeToken writes the admin token to a new file only its owner may
// read, in place of a run's before.
func writeToken(path, token string) error {
	if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = f.WriteString(token + "\n")
	return errors.Join(err, f.Close())
}
