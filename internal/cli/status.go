package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"text/tabwriter"
	"time"

	"github.com/netwright/netwright/internal/runtime/up"
)

func runStatus(env Env, args []string) int {
	fs := newFlags(env, "status", "", "Print what a running `netwright up` serves: its load balancer listeners, their rules, and each target group's targets with their health and requests in flight")
	admin := fs.String("admin", "127.0.0.1:9901", "address of the admin API of the running `netwright up`")
	watch := fs.Duration("watch", 0, "print again at this interval until interrupted (e.g. 2s); 0 prints once")
	if _, code, ok := parseFlags(env, fs, args, 0); !ok {
		return code
	}
	if *watch < 0 {
		fmt.Fprintf(env.Stderr, "netwright status: --watch must not be negative\n")
		return ExitUsage
	}
	ctx, stop := interrupted(env)
	defer stop()
	client := &http.Client{Timeout: 5 * time.Second}
	for {
		var st up.Status
		err := getJSON(ctx, client, "http://"+*admin+"/status", &st)
		if err != nil {
			if ctx.Err() != nil {
				return ExitOK
			}
			fmt.Fprintf(env.Stderr, "netwright status: %v (is `netwright up` running with --admin %s?)\n", err, *admin)
			return ExitUsage
		}
		printStatus(env.Stdout, st)
		if *watch == 0 {
			return ExitOK
		}
		select {
		case <-ctx.Done():
			return ExitOK
		case <-time.After(*watch):
			fmt.Fprintln(env.Stdout)
		}
	}
}

func getJSON(ctx context.Context, c *http.Client, url string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return json.NewDecoder(io.LimitReader(resp.Body, 16<<20)).Decode(v)
}

func printStatus(w io.Writer, st up.Status) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, l := range st.Listeners {
		fmt.Fprintf(tw, "%s (%s) %s %d at %s\n", l.LoadBalancer, l.Scheme, l.Protocol, l.Port, l.Addr)
		for _, r := range l.Rules {
			fmt.Fprintf(tw, "  rule %s\t%s\t-> %s\n", r.Priority, r.Conditions, r.Action)
		}
		for _, g := range l.TargetGroups {
			fmt.Fprintf(tw, "  target group %s (%s)\n", g.ID, g.Algorithm)
			for _, t := range g.Targets {
				fmt.Fprintf(tw, "    %s\t%s\t%s\t%d in flight\n", t.ID, t.Addr, t.State, t.InFlight)
			}
		}
	}
	tw.Flush()
}
