package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/netwright/netwright/internal/runtime/mesh"
	"github.com/netwright/netwright/internal/runtime/up"
)

func faultCommand() *command {
	c := &command{
		name: "fault", args: "add TARGET KIND | list | clear [TARGET]", argWords: func() []string { return []string{"add", "list", "clear"} },
		summary: "inject faults at a running `up`'s mesh proxies: delay, abort, drop, partition, kill, stall",
		about: "Add, list or clear faults at the mesh proxies of a running `netwright up`. TARGET is a task (orders-1), a service (orders) or a pair (web->orders: " +
			"calls from the first to the second); KIND is delay (--value 200ms), abort (--value 503; a reset for TCP), drop, partition, kill or stall. " +
			"--share hits that share of calls, --for ends the fault after that long. `clear` removes the faults on TARGET (a target as given, or a fault's ID), or all of them.",
	}
	c.define = func(fs *flagSet) func(Env, []string) int {
		admin := fs.String(flagSpec{long: "admin", value: "ADDR", usage: "address of the admin API of the running `netwright up`"}, "127.0.0.1:9901")
		value := fs.String(flagSpec{long: "value", value: "V", usage: "the delay (200ms) or the abort's HTTP status (503)"}, "")
		share := fs.String(flagSpec{long: "share", value: "S", usage: "the share of calls the fault hits, 0 to 1 (default 1: every call)"}, "")
		dur := fs.Duration(flagSpec{long: "for", value: "D", usage: "remove the fault after D on the runtime's clock (e.g. 30s); 0 keeps it until cleared"}, 0)
		state := fs.String(flagSpec{long: "state-dir", value: "DIR", files: "dir", usage: "the running `up`'s state directory, whose admin-token add and clear send"}, ".netwright")
		token := fs.String(flagSpec{long: "token", value: "T", usage: "the admin token add and clear send, in place of STATE-DIR/admin-token's"}, "")
		output := fs.Output("text", "json")
		return func(env Env, pos []string) int {
			if len(pos) == 0 {
				fmt.Fprintf(env.Stderr, "netwright fault: want add, list or clear\nRun 'netwright fault --help' for its flags.\n")
				return ExitUsage
			}
			client := &http.Client{Timeout: 5 * time.Second}
			base := "http://" + *admin + "/faults"
			ctx, stop := interrupted(env)
			defer stop()
			fail := func(err error) int {
				fmt.Fprintf(env.Stderr, "netwright fault %s: %v\n", pos[0], err)
				return ExitUsage
			}
			// add and clear change the running design: they carry the
			// admin token `up` wrote to its state directory.
			tok := *token
			if tok == "" && pos[0] != "list" {
				b, err := env.ReadFile(filepath.Join(*state, adminTokenFile))
				if err != nil {
					return fail(fmt.Errorf("the admin token: %v (run it where `netwright up` runs, or give --state-dir or --token)", err))
				}
				tok = strings.TrimSpace(string(b))
			}
			call := func(ctx context.Context, c *http.Client, method, u string, body []byte, want int, v any) error {
				return callAdmin(ctx, c, tok, method, u, body, want, v)
			}
			switch pos[0] {
			case "add":
				if len(pos) != 3 {
					fmt.Fprintf(env.Stderr, "netwright fault add: want TARGET KIND, got %d argument(s)\n", len(pos)-1)
					return ExitUsage
				}
				f := mesh.Fault{Target: pos[1], Kind: pos[2], Value: *value}
				if *share != "" {
					s, err := strconv.ParseFloat(*share, 64)
					if err != nil {
						return fail(fmt.Errorf("--share %q: want a number 0 to 1", *share))
					}
					f.Share = s
				}
				if *dur < 0 {
					return fail(fmt.Errorf("--for must not be negative"))
				}
				if *dur > 0 {
					f.For = dur.String()
				}
				if _, err := mesh.ParseFault(f); err != nil {
					return fail(err)
				}
				body, _ := json.Marshal(f)
				var added mesh.Fault
				if err := call(ctx, client, http.MethodPost, base, body, http.StatusCreated, &added); err != nil {
					return fail(err)
				}
				if *output == "json" {
					return wrote(env, c.name, writeJSON(env.Stdout, added))
				}
				fmt.Fprintf(env.Stdout, "fault %d: %s\n", added.ID, describeFault(added))
				return ExitOK
			case "list":
				if len(pos) != 1 {
					return fail(fmt.Errorf("takes no argument"))
				}
				var list up.FaultList
				if err := getJSON(ctx, client, base, &list); err != nil {
					return fail(fmt.Errorf("%v (is `netwright up` running with --admin %s?)", err, *admin))
				}
				if *output == "json" {
					return wrote(env, c.name, writeJSON(env.Stdout, list))
				}
				return wrote(env, c.name, printFaults(env.Stdout, list))
			case "clear":
				if len(pos) > 2 {
					return fail(fmt.Errorf("want at most one TARGET"))
				}
				u := base
				if len(pos) == 2 {
					u += "?target=" + url.QueryEscape(pos[1])
				}
				var out struct {
					Cleared int `json:"cleared"`
				}
				if err := call(ctx, client, http.MethodDelete, u, nil, http.StatusOK, &out); err != nil {
					return fail(err)
				}
				if *output == "json" {
					return wrote(env, c.name, writeJSON(env.Stdout, out))
				}
				fmt.Fprintf(env.Stdout, "%d fault(s) cleared\n", out.Cleared)
				return ExitOK
			}
			fmt.Fprintf(env.Stderr, "netwright fault: %q: want add, list or clear\n", pos[0])
			return ExitUsage
		}
	}
	return c
}

// callAdmin sends a request to the admin API with the admin token and
// decodes its JSON answer, which must come with status want.
func callAdmin(ctx context.Context, c *http.Client, token, method, u string, body []byte, want int, v any) error {
	req, err := http.NewRequestWithContext(ctx, method, u, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set(up.TokenHeader, token)
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != want {
		return fmt.Errorf("%s: %s", resp.Status, bytes.TrimSpace(b))
	}
	return json.Unmarshal(b, v)
}

func describeFault(f mesh.Fault) string {
	s := f.Kind + " " + f.Target
	if f.Value != "" {
		s += " (" + f.Value + ")"
	}
	if f.Share > 0 && f.Share < 1 {
		s += fmt.Sprintf(", %g of calls", f.Share)
	}
	if !f.Until.IsZero() {
		s += ", until " + f.Until.Format(time.RFC3339)
	}
	return s
}

func printFaults(w io.Writer, l up.FaultList) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	if len(l.Mesh) == 0 && len(l.Tasks) == 0 {
		fmt.Fprintln(tw, "no faults")
	}
	for _, f := range l.Mesh {
		fmt.Fprintf(tw, "%d\t%s\n", f.ID, describeFault(f))
	}
	for _, id := range sortedKeys(l.Tasks) {
		f := l.Tasks[id]
		fmt.Fprintf(tw, "task\t%s: error_rate %g, latency_ms %d, fail_health %v\n", id, f.ErrorRate, f.LatencyMS, f.FailHealth)
	}
	return tw.Flush()
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}
