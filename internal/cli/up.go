package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/netwright/netwright/internal/runtime/up"
)

func runUp(env Env, args []string) int {
	fs := newFlags(env, "up", "FILE", "Run the design on this machine until interrupted: every service's tasks (the built-in workload), every ALB listener with its rules, target groups and health checks, HTTPS from a local CA, the Cloud Map DNS server and the DiscoverInstances API")
	offset := fs.Int("port-offset", 8000, "added to each designed listener port (443 serves on 8443)")
	dnsAddr := fs.String("dns", "127.0.0.1:8600", "address of the Cloud Map DNS server (UDP and TCP)")
	admin := fs.String("admin", "127.0.0.1:9901", "address of the admin API (Cloud Map DiscoverInstances)")
	state := fs.String("state-dir", ".netwright", "directory the local CA's certificate (ca.pem) and the access logs are written to")
	watch := fs.Bool("watch", true, "reload the design when FILE changes (checked every half second)")
	accessLogs := fs.Bool("access-logs", true, "write each load balancer's access log, in ALB's format, to STATE-DIR/access-logs/NAME.log")
	pos, code, ok := parseFlags(env, fs, args, 1)
	if !ok {
		return code
	}
	if *offset < 0 || *offset > 65000 {
		fmt.Fprintf(env.Stderr, "netwright up: --port-offset must be 0 to 65000, not %d\n", *offset)
		return ExitUsage
	}
	// The watcher and `run` commands print while the main goroutine waits.
	env.Stdout, env.Stderr = &up.SyncWriter{W: env.Stdout}, &up.SyncWriter{W: env.Stderr}
	if isTerm := env.IsTerminal; isTerm != nil {
		env.IsTerminal = func(w io.Writer) bool {
			if s, ok := w.(*up.SyncWriter); ok {
				w = s.W
			}
			return isTerm(w)
		}
	}
	src, err := env.ReadFile(pos[0])
	if err != nil {
		fmt.Fprintf(env.Stderr, "netwright up: %v\n", err)
		return ExitUsage
	}
	d, code := build(env, pos[0])
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
	opt := up.Options{PortOffset: *offset, DNSAddr: *dnsAddr, AdminAddr: *admin, Output: env.Stdout}
	if *accessLogs {
		opt.AccessLogDir = filepath.Join(*state, "access-logs")
	}
	rt, err := up.Start(ctx, d, opt)
	if err != nil {
		fmt.Fprintf(env.Stderr, "netwright up: %v\n", err)
		return ExitUsage
	}
	caFile := filepath.Join(*state, "ca.pem")
	werr := os.MkdirAll(*state, 0o755)
	if werr == nil {
		werr = writeFiles(*state, map[string][]byte{"ca.pem": rt.CAPEM})
	}
	if werr != nil {
		fmt.Fprintf(env.Stderr, "netwright up: the CA certificate: %v\n", werr)
	}
	fmt.Fprintf(env.Stdout, "%s is up: %d tasks\n", d.App, len(rt.Tasks))
	for _, e := range rt.Entries {
		scheme := strings.ToLower(e.Protocol) // https, http, tcp, tls, udp
		if e.Protocol == "TCP_UDP" {
			scheme = "tcp+udp"
		}
		fmt.Fprintf(env.Stdout, "  %-40s %-15s %5d %-5s -> %s://%s\n", e.LoadBalancer, e.Scheme, e.Port, e.Protocol, scheme, e.Addr)
	}
	fmt.Fprintf(env.Stdout, "  Cloud Map DNS        %s (udp, tcp)\n  DiscoverInstances    http://%s/\n  CA certificate       %s (curl --cacert %s https://localhost:PORT/)\n", rt.DNSAddr, rt.AdminAddr, caFile, caFile)
	if opt.AccessLogDir != "" {
		fmt.Fprintf(env.Stdout, "  access logs          %s\n", opt.AccessLogDir)
	}
	for _, n := range rt.Notes {
		fmt.Fprintf(env.Stderr, "note: %s\n", n)
	}
	if *watch {
		fmt.Fprintf(env.Stdout, "Watching %s: a saved change reloads the design.\n", pos[0])
		go watchSpec(ctx, env, pos[0], src, rt)
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
func watchSpec(ctx context.Context, env Env, path string, last []byte, rt *up.Runtime) {
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
		d, _ := build(env, path)
		if d == nil {
			fmt.Fprintf(env.Stderr, "netwright up: %s has errors; the running design is unchanged\n", path)
			continue
		}
		ch, err := rt.Reload(d)
		if err != nil {
			fmt.Fprintf(env.Stderr, "netwright up: reloading %s: %v; the running design is unchanged\n", path, err)
			continue
		}
		fmt.Fprintf(env.Stdout, "reloaded %s: %d tasks started, %d kept, %d stopped after draining; listeners: %d opened, %d replaced, %d closed\n",
			path, len(ch.Started), len(ch.Kept), len(ch.Stopped), len(ch.Opened), len(ch.Replaced), len(ch.Closed))
		for _, e := range rt.Entries {
			if slices.ContainsFunc(ch.Opened, func(k string) bool {
				return strings.HasSuffix(k, fmt.Sprintf("/%s:%d/%s", e.LoadBalancer, e.Port, e.Protocol))
			}) {
				fmt.Fprintf(env.Stdout, "  %-40s %-15s %5d %-5s -> %s://%s\n", e.LoadBalancer, e.Scheme, e.Port, e.Protocol, strings.ToLower(e.Protocol), e.Addr)
			}
		}
	}
}
