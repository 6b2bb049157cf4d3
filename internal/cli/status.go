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

func statusCommand() *command {
	c := &command{
		name: "status", summary: "show a running `up`: listeners, rules, targets and their health",
		about: "Print what a running `netwright up` serves: its load balancer listeners, their rules, and each target group's targets with their health and requests in flight. " +
			"With --watch it prints again until interrupted; -o json then writes one JSON document per line.",
	}
	c.define = func(fs *flagSet) func(Env, []string) int {
		admin := fs.String(flagSpec{long: "admin", value: "ADDR", usage: "address of the admin API of the running `netwright up`"}, "127.0.0.1:9901")
		watch := fs.Duration(flagSpec{long: "watch", value: "INTERVAL", usage: "print again at this interval until interrupted (e.g. 2s); 0 prints once"}, 0)
		output := fs.Output("text", "json")
		return func(env Env, pos []string) int {
			if !c.wantArgs(env, pos, 0) {
				return ExitUsage
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
				switch {
				case *output == "json" && *watch > 0:
					// One document per line (JSON Lines), so a reader can
					// take each as it comes.
					enc := json.NewEncoder(env.Stdout)
					enc.SetEscapeHTML(false)
					err = enc.Encode(st)
				case *output == "json":
					err = writeJSON(env.Stdout, st)
				default:
					err = printStatus(env.Stdout, st)
				}
				if err != nil {
					return wrote(env, c.name, err)
				}
				if *watch == 0 {
					return ExitOK
				}
				select {
				case <-ctx.Done():
					return ExitOK
				case <-time.After(*watch):
					if *output != "json" {
						fmt.Fprintln(env.Stdout)
					}
				}
			}
		}
	}
	return c
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

func printStatus(w io.Writer, st up.Status) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	if st.Isolation != "" {
		fmt.Fprintf(tw, "isolation %s\n", st.Isolation)
	}
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
	if cf := st.CloudFront; cf != nil {
		fmt.Fprintf(tw, "%s (cloudfront) HTTPS 443 at %s, HTTP 80 at %s (redirected)\n", cf.Distribution, cf.Addr, cf.HTTPAddr)
		for _, b := range cf.Behaviors {
			fmt.Fprintf(tw, "  behavior %s\n", b)
		}
		for _, o := range cf.Origins {
			from := ""
			if o.From != "" {
				from = " from " + o.From
			}
			fmt.Fprintf(tw, "  origin %s\t%s\t%s%s\n", o.ID, o.LoadBalancer, o.URL, from)
		}
		fmt.Fprintf(tw, "  cache: %d objects, %d hits, %d misses, %d errors\n", cf.Objects, cf.Hits, cf.Misses, cf.Errors)
	}
	if len(st.Flows) > 0 {
		fmt.Fprintf(tw, "flows (packets per interface, direction, peer and port)\n")
		for _, f := range st.Flows {
			fmt.Fprintf(tw, "  %s\t%s\t%s -> %s:%d/%d\t%d accepted\t%d rejected\n", f.Interface, f.Direction, f.Src, f.Dst, f.DstPort, f.Protocol, f.Accepted, f.Rejected)
		}
	}
	if m := st.Mesh; m != nil {
		fmt.Fprintf(tw, "mesh: %s semantics\n", m.Semantics)
		for _, n := range m.Notes {
			fmt.Fprintf(tw, "  note: %s\n", n)
		}
		for _, p := range m.Proxies {
			fmt.Fprintf(tw, "  proxy %s\t%s\t%s\t%s\n", p.Task, p.Ingress, p.Identity, p.TLS)
			for _, u := range p.Egress {
				fmt.Fprintf(tw, "    -> %s at %s\n", u.Service, u.Addr)
				for _, t := range u.Targets {
					state := t.State
					if !t.EjectedUntil.IsZero() {
						state += " until " + t.EjectedUntil.Format(time.RFC3339)
					}
					if t.Health != "" {
						state += ", Lattice health " + t.Health
					}
					fmt.Fprintf(tw, "      %s\t%s\t%s\t%d in flight\n", t.Task, t.Addr, state, t.InFlight)
				}
			}
		}
		for _, f := range m.Faults {
			fmt.Fprintf(tw, "  fault %d\t%s\n", f.ID, describeFault(f))
		}
	}
	return tw.Flush()
}
