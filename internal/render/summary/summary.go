// Package summary renders a design as the readable text `netwright plan`
// prints: VPCs, subnets per AZ with CIDR, capacity and expected use, route
// tables, NAT, endpoints, Transit Gateways, services, declared flows and the
// architects' notes. It reads only the design; machine-readable output is
// the design's own JSON.
package summary

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/netwright/netwright/internal/design"
)

// Write prints the summary of d to w.
func Write(w io.Writer, d *design.Design) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s, %s pattern, %s compute, %s\n", d.App, d.Environment, d.Pattern, d.Compute, strings.Join(d.Regions, ", "))
	for i := range d.VPCs {
		writeVPC(&b, &d.VPCs[i])
	}
	if len(d.TransitGateways) > 0 {
		writeTransit(&b, d)
	}
	writeServices(&b, d)
	writeFlows(&b, d)
	if len(d.Notes) > 0 {
		b.WriteString("\nNotes\n")
		for _, n := range d.Notes {
			fmt.Fprintf(&b, "  - [%s] %s\n", n.Topic, n.Text)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func table(b *strings.Builder, indent string, header string, rows [][]string) {
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "%s%s\n", indent, header)
	for _, r := range rows {
		fmt.Fprintf(tw, "%s%s\n", indent, strings.Join(r, "\t"))
	}
	tw.Flush()
}

func writeVPC(b *strings.Builder, v *design.VPC) {
	fmt.Fprintf(b, "\nVPC %s (%s) %s in %s, AZs %s\n", v.Name, v.Role, v.CIDR, v.Region, strings.Join(v.AZs, ", "))
	var rows [][]string
	for _, s := range v.Subnets {
		tier := s.Tier
		if s.Group != "" {
			tier += "/" + s.Group
		}
		use := 0
		if s.Capacity > 0 {
			use = s.PeakIPs * 100 / s.Capacity
		}
		rows = append(rows, []string{s.Name, tier, s.AZ, s.CIDR.String(), fmt.Sprint(s.Capacity), fmt.Sprintf("%d (%d%%)", s.PeakIPs, use), fmt.Sprint(s.HeadroomIPs), s.RouteTable})
	}
	b.WriteString("  Subnets\n")
	table(b, "    ", "NAME\tTIER\tAZ\tCIDR\tUSABLE\tPEAK USE\tHEADROOM\tROUTE TABLE", rows)

	b.WriteString("  Route tables\n")
	for _, rt := range v.RouteTables {
		fmt.Fprintf(b, "    %s\n", rt.ID)
		var rr [][]string
		for _, r := range rt.Routes {
			target := r.Target
			if r.TargetKind == design.TargetLocal {
				target = "local"
			}
			rr = append(rr, []string{r.DestinationString(), "->", target})
		}
		tw := tabwriter.NewWriter(b, 0, 0, 1, ' ', 0)
		for _, r := range rr {
			fmt.Fprintf(tw, "      %s\n", strings.Join(r, "\t"))
		}
		tw.Flush()
	}
	if v.InternetGateway != "" {
		fmt.Fprintf(b, "  Internet gateway %s\n", v.InternetGateway)
	}
	if len(v.NATGateways) > 0 {
		var ns []string
		for _, n := range v.NATGateways {
			ns = append(ns, fmt.Sprintf("%s (%s)", n.ID, n.AZ))
		}
		fmt.Fprintf(b, "  NAT gateways %s\n", strings.Join(ns, ", "))
	} else {
		b.WriteString("  NAT gateways none\n")
	}
	if len(v.Endpoints) > 0 {
		var gw, ifc []string
		for _, e := range v.Endpoints {
			if e.Kind == design.EndpointGateway {
				gw = append(gw, e.Service)
			} else {
				ifc = append(ifc, e.Service)
			}
		}
		if len(gw) > 0 {
			fmt.Fprintf(b, "  Gateway endpoints %s\n", strings.Join(gw, ", "))
		}
		if len(ifc) > 0 {
			fmt.Fprintf(b, "  Interface endpoints %s\n", strings.Join(ifc, ", "))
		}
	}
	if v.FlowLogs != nil {
		fmt.Fprintf(b, "  Flow logs %s traffic to %s, kept %d days\n", v.FlowLogs.TrafficType, v.FlowLogs.LogGroup, v.FlowLogs.RetentionDays)
	} else {
		b.WriteString("  Flow logs off\n")
	}
}

func writeTransit(b *strings.Builder, d *design.Design) {
	b.WriteString("\nTransit Gateways\n")
	for _, t := range d.TransitGateways {
		fmt.Fprintf(b, "  %s in %s (ASN %d)\n", t.ID, t.Region, t.ASN)
		for _, a := range t.Attachments {
			mode := ""
			if a.ApplianceMode {
				mode = ", appliance mode"
			}
			fmt.Fprintf(b, "    attachment %s: %s%s\n", a.ID, a.VPC, mode)
		}
		for _, rt := range t.RouteTables {
			fmt.Fprintf(b, "    route table %s (associated: %s)\n", rt.ID, strings.Join(rt.Associations, ", "))
			tw := tabwriter.NewWriter(b, 0, 0, 1, ' ', 0)
			for _, r := range rt.Routes {
				fmt.Fprintf(tw, "      %s\t->\t%s\t(%s)\n", r.Destination, r.Attachment, r.Reason)
			}
			tw.Flush()
		}
	}
	for _, p := range d.TransitGatewayPeerings {
		fmt.Fprintf(b, "  peering %s: %s <-> %s\n", p.ID, p.Requester, p.Accepter)
	}
}

func writeServices(b *strings.Builder, d *design.Design) {
	b.WriteString("\nServices\n")
	var rows [][]string
	for _, s := range d.Services {
		var where []string
		for _, p := range s.Placements {
			where = append(where, fmt.Sprintf("%s (%d subnets)", p.VPC, len(p.Subnets)))
		}
		public := ""
		if s.Public {
			public = "public"
			if s.StaticIP {
				public += ", static IP"
			}
		}
		rows = append(rows, []string{s.Name, s.Kind, fmt.Sprintf("%d/%s", s.Port, s.Protocol), fmt.Sprintf("%d-%d", s.Replicas, s.MaxReplicas), public, strings.Join(where, ", ")})
	}
	table(b, "  ", "NAME\tKIND\tPORT\tTASKS\tEXPOSURE\tPLACED IN", rows)
}

func writeFlows(b *strings.Builder, d *design.Design) {
	b.WriteString("\nDeclared flows (everything else is denied)\n")
	var rows [][]string
	for _, f := range d.Flows {
		to := f.To
		if f.Destination != "" {
			to = fmt.Sprintf("%s (%s)", f.To, f.Destination)
		}
		rows = append(rows, []string{f.From, "->", to, fmt.Sprintf("%d/%s", f.Port, f.Transport), f.Protocol})
	}
	table(b, "  ", "FROM\t\tTO\tPORT\tPROTOCOL", rows)
}
