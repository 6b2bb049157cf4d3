// Package report writes the design review a team attaches to a review: a
// single self-contained HTML file (or Markdown) with the diagram, subnets
// and capacity, the security-group matrix, listener rules, target groups,
// discovery names, mesh policy, the analyzer's findings, the optimizer's
// recommendations and the monthly cost estimate. It reads the design and
// the analyzer's report.
package report

import (
	"bytes"
	"fmt"
	"html"
	"io"
	"strings"

	"github.com/netwright/netwright/internal/analysis"
	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/render/diagram"
)

// section is one part of the report: a title, sentences, and a table.
type section struct {
	Title   string
	Text    []string
	Headers []string
	Rows    [][]string
}

func sections(d *design.Design, r *analysis.Report) []section {
	var out []section
	intro := section{Title: "Overview", Text: []string{
		fmt.Sprintf("%s, %s environment: the %s pattern on %s, in %s.", d.App, d.Environment, d.Pattern, d.Compute, strings.Join(d.Regions, ", ")),
		fmt.Sprintf("%d VPCs, %d services, %d declared flows; everything else is denied.", len(d.VPCs), len(d.Services), len(d.Flows)),
	}}
	if d.Imported() {
		intro.Text = []string{
			fmt.Sprintf("A network that exists, read by netwright import from %d files of the AWS CLI's answers (accounts %s, Regions %s): what it holds, not what a spec asked for.",
				d.Source.Files, strings.Join(d.Source.Accounts, ", "), strings.Join(d.Regions, ", ")),
			fmt.Sprintf("%d VPCs, %d network interfaces, %d instances, %d ECS services with %d tasks, %d load balancers. Nothing is declared: netwright diff compares it with a spec.",
				len(d.VPCs), len(d.Interfaces), len(d.Instances), len(d.Services), len(d.Tasks), len(d.LoadBalancers)),
		}
		for _, q := range d.Source.Unanswerable {
			intro.Text = append(intro.Text, "Not answerable from the files: "+q)
		}
	}
	for _, n := range d.Notes {
		intro.Text = append(intro.Text, n.Text)
	}
	out = append(out, intro)

	subnets := section{Title: "Subnets and capacity", Headers: []string{"VPC", "Subnet", "Tier", "AZ", "CIDR", "Usable", "Peak", "Headroom"}}
	if d.Imported() {
		subnets.Headers = []string{"VPC", "Subnet", "Tier", "AZ", "CIDR", "Usable", "Interfaces", "Route table"}
		subnets.Text = []string{"The tier is what the subnet's default route makes it: public through an internet gateway, app through anything else, data with none."}
	}
	for _, v := range d.VPCs {
		for _, s := range v.Subnets {
			tier := s.Tier
			if s.Group != "" {
				tier += "/" + s.Group
			}
			if d.Imported() {
				n := 0
				for _, in := range d.Interfaces {
					if in.Subnet == s.ID {
						n++
					}
				}
				subnets.Rows = append(subnets.Rows, []string{v.Name + " " + v.ID, s.Name + " " + s.ID, tier, s.AZ, s.CIDR.String(), fmt.Sprint(s.Capacity), fmt.Sprint(n), s.RouteTable})
				continue
			}
			subnets.Rows = append(subnets.Rows, []string{v.Name, s.Name, tier, s.AZ, s.CIDR.String(), fmt.Sprint(s.Capacity), fmt.Sprint(s.PeakIPs), fmt.Sprint(s.HeadroomIPs)})
		}
	}
	out = append(out, subnets)

	owner := map[string]string{}
	for _, g := range d.SecurityGroups {
		owner[g.ID] = g.Owner
		if owner[g.ID] == "" {
			owner[g.ID] = g.ID
		}
	}
	sg := section{Title: "Security groups: who may open connections to whom", Text: []string{"Each service, data store, load balancer and endpoint set has its own group; a rule exists only for a declared flow."},
		Headers: []string{"From", "To", "Protocol", "Ports", "Why"}}
	if d.Imported() {
		sg.Text = []string{"Every inbound rule of every group, as the account has them; Why is the rule's description."}
	}
	for _, g := range d.SecurityGroups {
		for _, rule := range g.Ingress {
			from := rule.Peer()
			if o, ok := owner[rule.PeerGroup]; ok {
				from = o
			}
			sg.Rows = append(sg.Rows, []string{from, owner[g.ID], rule.Protocol, rule.Ports(), rule.Description})
		}
	}
	out = append(out, sg)

	rules := section{Title: "Load balancers and listener rules", Headers: []string{"Load balancer", "Listener", "Priority", "Rule", "Conditions", "Action"}}
	for _, lb := range d.LoadBalancers {
		for _, l := range lb.Listeners {
			for _, rl := range l.Rules {
				rules.Rows = append(rules.Rows, []string{lb.ID, fmt.Sprintf("%s %d", l.Protocol, l.Port), fmt.Sprint(rl.Priority), rl.Source, rl.Conditions.String(), rl.Action.String()})
			}
			rules.Rows = append(rules.Rows, []string{lb.ID, fmt.Sprintf("%s %d", l.Protocol, l.Port), "default", "", "", l.DefaultAction.String()})
		}
	}
	out = append(out, rules)
	out = append(out, hybridSections(d)...)

	tgs := section{Title: "Target groups and health checks", Headers: []string{"Target group", "Protocol", "Health check", "Out of service after", "Back in after", "Algorithm"}}
	if d.Imported() {
		tgs.Headers = []string{"Target group", "Protocol", "Health check", "Targets"}
	}
	for _, tg := range d.TargetGroups {
		if d.Imported() {
			h := tg.Health
			var targets []string
			for _, t := range tg.Targets {
				targets = append(targets, fmt.Sprintf("%s:%d %s", t.ID, t.Port, t.Health))
			}
			tgs.Rows = append(tgs.Rows, []string{tg.Name, strings.TrimSpace(tg.Protocol + " " + tg.ProtocolVersion),
				strings.TrimSpace(fmt.Sprintf("%s %d %s every %s, timeout %s", h.Protocol, h.Port, h.Path, h.Interval, h.Timeout)), strings.Join(targets, ", ")})
			continue
		}
		h := tg.Health
		check := fmt.Sprintf("%s %d %s every %s, timeout %s", h.Protocol, h.Port, h.Path, h.Interval, h.Timeout)
		tgs.Rows = append(tgs.Rows, []string{tg.ID, strings.TrimSpace(tg.Protocol + " " + tg.ProtocolVersion), check, h.UnhealthyAfter.String(), h.HealthyAfter.String(), tg.Algorithm})
	}
	out = append(out, tgs)

	disc := section{Title: "Service discovery", Headers: []string{"Name", "Records", "Routing", "Dead task gone after"}}
	for _, ns := range d.Namespaces {
		for _, s := range ns.Services {
			var recs []string
			for _, rec := range s.Records {
				recs = append(recs, fmt.Sprintf("%s (TTL %s)", rec.Type, rec.TTL))
			}
			disc.Rows = append(disc.Rows, []string{s.DNSName, strings.Join(recs, ", "), s.RoutingPolicy, s.DeadTaskGone.String()})
		}
	}
	out = append(out, disc)

	if m := d.Mesh; m != nil {
		mesh := section{Title: "Mesh traffic policy", Text: []string{fmt.Sprintf("Kept in App Mesh's model, compiled to %s; mTLS %s.", m.Target, m.MTLS)},
			Headers: []string{"Service", "Priority", "Match", "Targets", "Timeout", "Retries"}}
		for _, vr := range m.VirtualRouters {
			for _, rt := range vr.Routes {
				var targets []string
				for _, t := range rt.Targets {
					targets = append(targets, fmt.Sprintf("%s %d", strings.TrimPrefix(t.Node, "vn-"), t.Weight))
				}
				retries := "none"
				if rt.Retry != nil {
					retries = fmt.Sprintf("%d on %s", rt.Retry.MaxRetries, strings.Join(rt.Retry.Events, ", "))
				}
				mesh.Rows = append(mesh.Rows, []string{vr.Service, fmt.Sprint(rt.Priority), rt.Match.String(), strings.Join(targets, ", "), rt.Timeout.String(), retries})
			}
		}
		out = append(out, mesh)
	}

	findings := section{Title: "Findings", Headers: []string{"Check", "Severity", "Finding"}}
	for _, f := range r.Findings {
		findings.Rows = append(findings.Rows, []string{f.Check, f.Severity.String(), f.Summary})
	}
	if len(r.Findings) == 0 {
		findings.Text = []string{"No findings: every declared flow passes, nothing else does, and the checklist is clean."}
	}
	out = append(out, findings)

	recs := section{Title: "Recommendations", Headers: []string{"ID", "Recommendation", "Why", "Effect", "Source"}}
	for _, rc := range d.Recommendations {
		recs.Rows = append(recs.Rows, []string{rc.ID, rc.Title, rc.Reason, rc.Effect, rc.Source})
	}
	out = append(out, recs)

	if c := d.Cost; c != nil {
		cost := section{Title: "Monthly cost estimate", Text: []string{fmt.Sprintf("About $%.2f a month (%s).", c.TotalUSD, c.Basis)}, Headers: []string{"Item", "Quantity", "USD"}}
		for _, it := range c.Items {
			cost.Rows = append(cost.Rows, []string{it.What, it.Quantity, fmt.Sprintf("%.2f", it.USD)})
		}
		out = append(out, cost)
	}
	return out
}

// Markdown writes the report as Markdown; the diagram is the SVG file
// named svgName, written beside it.
func Markdown(w io.Writer, d *design.Design, r *analysis.Report, svgName string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s: network design review\n\n![architecture](%s)\n", d.App, svgName)
	cell := func(s string) string { return strings.ReplaceAll(strings.ReplaceAll(s, "|", "\\|"), "\n", " ") }
	for _, s := range sections(d, r) {
		fmt.Fprintf(&b, "\n## %s\n\n", s.Title)
		for _, t := range s.Text {
			fmt.Fprintf(&b, "%s\n\n", t)
		}
		if len(s.Rows) == 0 {
			continue
		}
		fmt.Fprintf(&b, "| %s |\n|%s\n", strings.Join(s.Headers, " | "), strings.Repeat(" --- |", len(s.Headers)))
		for _, row := range s.Rows {
			cells := make([]string, len(row))
			for i, c := range row {
				cells[i] = cell(c)
			}
			fmt.Fprintf(&b, "| %s |\n", strings.Join(cells, " | "))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

const style = `body{font-family:system-ui,sans-serif;margin:2em;color:#202124;max-width:1400px}
h1{font-size:1.6em}h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #dadce0}
table{border-collapse:collapse;font-size:.85em;margin:.5em 0}th,td{border:1px solid #dadce0;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f1f3f4}.diagram{overflow-x:auto;border:1px solid #dadce0;padding:4px}`

// HTML writes the report as one self-contained HTML file with the
// diagram inline.
func HTML(w io.Writer, d *design.Design, r *analysis.Report) error {
	var svg bytes.Buffer
	if err := diagram.SVG(&svg, d); err != nil {
		return err
	}
	var b strings.Builder
	e := html.EscapeString
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>%s network design review</title><style>%s</style></head><body>\n", e(d.App), style)
	fmt.Fprintf(&b, "<h1>%s: network design review</h1>\n<div class=\"diagram\">%s</div>\n", e(d.App), svg.String())
	for _, s := range sections(d, r) {
		fmt.Fprintf(&b, "<h2>%s</h2>\n", e(s.Title))
		for _, t := range s.Text {
			fmt.Fprintf(&b, "<p>%s</p>\n", e(t))
		}
		if len(s.Rows) == 0 {
			continue
		}
		b.WriteString("<table><tr>")
		for _, h := range s.Headers {
			fmt.Fprintf(&b, "<th>%s</th>", e(h))
		}
		b.WriteString("</tr>\n")
		for _, row := range s.Rows {
			b.WriteString("<tr>")
			for _, c := range row {
				fmt.Fprintf(&b, "<td>%s</td>", e(c))
			}
			b.WriteString("</tr>\n")
		}
		b.WriteString("</table>\n")
	}
	b.WriteString("</body></html>\n")
	_, err := io.WriteString(w, b.String())
	return err
}
