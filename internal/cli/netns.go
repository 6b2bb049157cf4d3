package cli

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"time"

	"github.com/netwright/netwright/internal/runtime/netns"
	"github.com/netwright/netwright/internal/runtime/up"
)

func execCommand() *command {
	c := &command{
		name: "exec", args: "TASK -- COMMAND...",
		summary: "run a command in a task's network namespace (up --isolation netns)",
		about: "Run COMMAND in the network namespace of a task of a running `netwright up --isolation netns`, as `ip netns exec` does, " +
			"with the task's VPC resolver as its nameserver: `netwright exec orders-1 -- curl app.shop.local:8080`. TASK is the ID `up` prints and `status` shows. " +
			"The exit status is COMMAND's. It needs root, as `up` does in netns mode; for a rootless `up`, its user (the run starts COMMAND itself, through STATE-DIR/exec.sock).",
	}
	c.define = func(fs *flagSet) func(Env, []string) int {
		admin := fs.String(flagSpec{long: "admin", value: "ADDR", usage: "address of the admin API of the running `netwright up`"}, "127.0.0.1:9901")
		return func(env Env, pos []string) int {
			if len(pos) < 2 {
				fmt.Fprintf(env.Stderr, "netwright exec: want TASK -- COMMAND...\n")
				return ExitUsage
			}
			var list struct {
				Isolation  string         `json:"isolation"`
				ExecSocket string         `json:"exec_socket"`
				Tasks      []up.NetnsTask `json:"tasks"`
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := getJSON(ctx, &http.Client{}, "http://"+*admin+"/netns", &list); err != nil {
				fmt.Fprintf(env.Stderr, "netwright exec: %v (is `netwright up` running with --admin %s?)\n", err, *admin)
				return ExitUsage
			}
			if list.Isolation != up.IsolationNetns {
				fmt.Fprintf(env.Stderr, "netwright exec: the running `netwright up` isolates tasks with %s, not netns: tasks have no namespaces\n", list.Isolation)
				return ExitUsage
			}
			for _, t := range list.Tasks {
				if t.Task != pos[0] {
					continue
				}
				var code int
				var err error
				if list.ExecSocket != "" {
					// A rootless run: it runs the command itself.
					code, err = execVia(list.ExecSocket, t.Task, pos[1:], env)
				} else {
					code, err = netns.Exec(t.Namespace, t.Resolver, pos[1:], os.Environ(), os.Stdin, env.Stdout, env.Stderr)
				}
				if err != nil {
					fmt.Fprintf(env.Stderr, "netwright exec: %v\n", err)
					return ExitUsage
				}
				return code
			}
			fmt.Fprintf(env.Stderr, "netwright exec: no task %s (netwright status lists them)\n", pos[0])
			return ExitUsage
		}
	}
	return c
}

// execVia runs a command through a rootless run's exec socket, with
// this process's standard input and env's output (through pipes where
// they are not files).
func execVia(sock, task string, argv []string, env Env) (int, error) {
	var wait []func()
	file := func(w io.Writer) (*os.File, error) {
		if f, ok := w.(*os.File); ok {
			return f, nil
		}
		r, pw, err := os.Pipe()
		if err != nil {
			return nil, err
		}
		copied := make(chan struct{})
		go func() { _, _ = io.Copy(w, r); r.Close(); close(copied) }()
		wait = append(wait, func() { pw.Close(); <-copied })
		return pw, nil
	}
	defer func() {
		for _, w := range wait {
			w()
		}
	}()
	stdout, err := file(env.Stdout)
	if err != nil {
		return 0, err
	}
	stderr, err := file(env.Stderr)
	if err != nil {
		return 0, err
	}
	// The command is the run's child, not in this terminal's process
	// group: its Ctrl-C and the like reach it through the socket.
	signals := make(chan os.Signal, 8)
	signal.Notify(signals, netns.Forwarded...)
	defer signal.Stop(signals)
	return netns.ExecVia(sock, task, argv, os.Environ(), os.Stdin, stdout, stderr, signals)
}

func downCommand() *command {
	c := &command{
		name: "down", summary: "remove the network namespaces of `up` runs that are gone",
		about: "Remove the network namespaces (/run/netns/nw<pid>x...) that `netwright up --isolation netns` runs left when they crashed or were killed; " +
			"their links, routes and nftables tables go with them. A running `up` keeps its own, and removes them when it stops. `up` does this too when it starts. " +
			"Run by a user who is not root, it removes the names a rootless run of that user left in $TMPDIR/netwright-UID-netns.",
	}
	c.define = func(fs *flagSet) func(Env, []string) int {
		return func(env Env, pos []string) int {
			if !c.wantArgs(env, pos, 0) {
				return ExitUsage
			}
			gone, err := netns.RemoveLeftovers()
			for _, n := range gone {
				fmt.Fprintf(env.Stdout, "removed %s\n", n)
			}
			if err != nil {
				fmt.Fprintf(env.Stderr, "netwright down: %v\n", err)
				return ExitUsage
			}
			if len(gone) == 0 {
				fmt.Fprintln(env.Stdout, "nothing to remove")
			}
			return ExitOK
		}
	}
	return c
}
