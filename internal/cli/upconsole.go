package cli

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/netwright/netwright/internal/console"
	"github.com/netwright/netwright/internal/console/uplive"
	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/diag"
	"github.com/netwright/netwright/internal/runtime/up"
)

// upConsole is the console of a running `up`; nil when it is off. Its
// methods do nothing on nil.
type upConsole struct {
	c    *console.Console
	live *uplive.Live
}

// startUpConsole serves the console of a running design at its admin
// address, with the runtime's token, until ctx ends, and prints its URL
// with the token.
func startUpConsole(ctx context.Context, env Env, path string, src []byte, d *design.Design, rt *up.Runtime, logDir string) *upConsole {
	addr, _ := net.ResolveTCPAddr("tcp", rt.AdminAddr)
	live := uplive.New(rt, d, logDir)
	c := console.New(console.Options{Token: rt.Token, Filename: path, Live: live, AnyHost: addr == nil || !isLoopback(addr)})
	c.Update(src, d, nil)
	rt.SetConsole(c)
	go c.RunLive(ctx, time.Second)
	fmt.Fprintf(env.Stdout, "  console              %s\n", c.URL(rt.AdminAddr))
	if logDir == "" {
		fmt.Fprintln(env.Stderr, "note: the console shows no requests without access logs (--access-logs=false)")
	}
	return &upConsole{c: c, live: live}
}

// reloaded tells the page of a reload that went through.
func (u *upConsole) reloaded(src []byte, d *design.Design, ds diag.Diagnostics, text string) {
	if u == nil {
		return
	}
	u.live.Reloaded(d)
	u.c.Update(src, d, ds)
	u.c.Publish("reload", map[string]any{"ok": true, "text": text})
}

// failed tells the page of a save that did not reload, with its
// diagnostics.
func (u *upConsole) failed(src []byte, ds diag.Diagnostics, text string) {
	if u == nil {
		return
	}
	u.c.Update(src, nil, ds)
	u.c.Publish("reload", map[string]any{"ok": false, "text": text})
}
