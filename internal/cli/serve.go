package cli

import (
	"fmt"
	"net"

	"github.com/netwright/netwright/internal/console"
	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/diag"
	"github.com/netwright/netwright/internal/plan"
)

func serveCommand() *command {
	c := &command{
		name: "serve", args: "FILE", argFiles: specFiles,
		summary: "show the design in a browser: diagram, findings, reach and route forms, subnets",
		about: "Serve the console for a design that is not running: the architecture diagram, the checklist's findings linked to their place in the spec, " +
			"reach and route as forms, and the subnets with their use and headroom. It follows FILE as it is saved. " +
			"The URL it prints carries a token that every API call needs; it binds to loopback unless --addr says otherwise.",
	}
	c.define = func(fs *flagSet) func(Env, []string) int {
		addr := fs.String(flagSpec{long: "addr", value: "ADDR", usage: "address to serve the console on; a non-loopback address serves other machines too"}, "127.0.0.1:9902")
		return func(env Env, pos []string) int {
			if !c.wantArgs(env, pos, 1) {
				return ExitUsage
			}
			return runServe(env, pos[0], *addr)
		}
	}
	return c
}

func runServe(env Env, path, addr string) int {
	if _, err := env.ReadFile(path); err != nil {
		fmt.Fprintf(env.Stderr, "netwright: %v\n", err)
		return ExitUsage
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintf(env.Stderr, "netwright serve: %v\n", err)
		return ExitUsage
	}
	c := console.New(console.Options{Filename: path, AnyHost: !isLoopback(ln.Addr())})
	ctx, stop := interrupted(env)
	defer stop()
	build := func(name string, src []byte) (*design.Design, diag.Diagnostics) {
		d, ds := plan.File(name, src)
		printDiags(env, ds, name, src)
		return d, ds
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.Follow(ctx, path, env.ReadFile, build, watchInterval, nil)
	}()
	fmt.Fprintf(env.Stdout, "Console for %s: %s\n", path, c.URL(ln.Addr().String()))
	if !isLoopback(ln.Addr()) {
		fmt.Fprintf(env.Stderr, "netwright serve: %s is not a loopback address: other machines can reach the console (the token still guards it)\n", ln.Addr())
	}
	fmt.Fprintf(env.Stdout, "Following %s: a saved change updates the page.\nCtrl-C stops it.\n", path)
	err = c.Serve(ctx, ln)
	<-done
	if err != nil {
		fmt.Fprintf(env.Stderr, "netwright serve: %v\n", err)
		return ExitUsage
	}
	fmt.Fprintln(env.Stdout, "stopped")
	return ExitOK
}

// isLoopback reports whether a listener's address is on loopback only.
func isLoopback(a net.Addr) bool {
	t, ok := a.(*net.TCPAddr)
	return ok && t.IP.IsLoopback()
}
