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
	writeSites(&b, d)
	writeServices(&b, d)
	writePlatform(&b, d)
	writeFlows(&b, d)
	writeSecurity(&b, d)
	writeNACLs(&b, d)
	writeLoadBalancers(&b, d)
	writeEdge(&b, d)
	writeDiscovery(&b, d)
	writeMesh(&b, d)
	writeGlobal(&b, d)
	writeOptimizer(&b, d)
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
	cidr := v.CIDR.String()
	if len(v.SecondaryCIDRs) > 0 {
		var more []string
		for _, c := range v.SecondaryCIDRs {
			more = append(more, c.String())
		}
		cidr += " with secondary blocks " + strings.Join(more, ", ")
	}
	fmt.Fprintf(b, "\nVPC %s (%s) %s in %s, AZs %s\n", v.Name, v.Role, cidr, v.Region, strings.Join(v.AZs, ", "))
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
		for _, a := range t.SiteAttachments {
			fmt.Fprintf(b, "    attachment %s: %s (%s)\n", a.ID, design.SiteRef(a.Site), a.Kind)
		}
		for _, rt := range t.RouteTables {
			fmt.Fprintf(b, "    route table %s (associated: %s)\n", rt.ID, strings.Join(rt.Associations, ", "))
			if len(rt.Propagations) > 0 {
				fmt.Fprintf(b, "      learns from: %s\n", strings.Join(rt.Propagations, ", "))
			}
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
	if d.Deployment != nil {
		writeDeployment(b, d)
	}
}

// stageDoes says what a deployment stage makes.
var stageDoes = map[string]string{
	design.StageBase:           "the Region's stack",
	design.StagePeeringRequest: "request peering",
	design.StagePeeringAccept:  "accept peering",
	design.StagePeeringRoutes:  "associate and route through peering",
}

func writeDeployment(b *strings.Builder, d *design.Design) {
	b.WriteString("  deploy in order:\n")
	for i, s := range d.Deployment.Stages {
		what := stageDoes[s.Kind]
		if len(s.Peerings) > 0 {
			what += " " + strings.Join(s.Peerings, ", ")
		}
		var takes []string
		for _, in := range s.Takes {
			takes = append(takes, in.Object+" from "+in.From)
		}
		if len(takes) > 0 {
			what += "; takes " + strings.Join(takes, ", ")
		}
		fmt.Fprintf(b, "    %d. %s: %s\n", i+1, s.ID, what)
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

// writePlatform says how each service runs: the ports its container maps,
// its identity, its rollout, where its tasks register, and how it reaches
// what it calls.
func writePlatform(b *strings.Builder, d *design.Design) {
	var rows [][]string
	for _, s := range d.Services {
		pf := s.Platform
		if pf == nil {
			continue
		}
		var ports []string
		for _, cp := range pf.Ports {
			p := fmt.Sprintf("%s %d", cp.Protocol, cp.Port)
			if cp.Purpose != design.PortTraffic {
				p += " (" + cp.Purpose + ")"
			}
			ports = append(ports, p)
		}
		dep := pf.Deployment
		rollout := fmt.Sprintf("%d%%/%d%%", dep.MaxPercent, dep.MinHealthyPercent)
		if dep.CircuitBreaker {
			rollout += " breaker"
			if dep.Rollback {
				rollout += "+rollback"
			}
		}
		var reg []string
		for _, r := range pf.Registrations {
			reg = append(reg, r.TargetGroup)
		}
		for _, r := range pf.Discovery {
			reg = append(reg, r.Service)
		}
		var calls []string
		for _, a := range pf.Dependencies {
			via := a.Host
			switch a.Via {
			case design.ViaLoadBalancer:
				via = a.LoadBalancer
			case design.ViaLattice:
				via = a.LatticeService
			}
			calls = append(calls, fmt.Sprintf("%s=%s:%d", a.Env, via, a.Port))
		}
		rows = append(rows, []string{s.Name, strings.Join(ports, ", "), pf.Identity, rollout, orDash(strings.Join(reg, ", ")), orDash(strings.Join(calls, " "))})
	}
	if len(rows) == 0 {
		return
	}
	b.WriteString("\nPlatform\n")
	table(b, "  ", "SERVICE\tPORTS\tIDENTITY\tROLLOUT (MAX/MIN)\tREGISTERS IN\tCALLS", rows)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
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

// owner names a security group by what it protects.
func owner(d *design.Design, id string) string {
	for _, g := range d.SecurityGroups {
		if g.ID == id {
			if g.Kind == design.SGEndpoints {
				return "endpoints(" + strings.TrimPrefix(g.VPC, "vpc-") + ")"
			}
			if g.Owner != "" {
				return g.Owner
			}
		}
	}
	return id
}

func writeSecurity(b *strings.Builder, d *design.Design) {
	if len(d.SecurityGroups) == 0 {
		return
	}
	b.WriteString("\nSecurity groups: who may open connections to whom (everything else is denied)\n")
	type pair struct{ from, to, vpc string }
	ports := map[pair][]string{}
	var order []pair
	add := func(pr pair, port string) {
		if _, ok := ports[pr]; !ok {
			order = append(order, pr)
		}
		for _, p := range ports[pr] {
			if p == port {
				return
			}
		}
		ports[pr] = append(ports[pr], port)
	}
	for _, g := range d.SecurityGroups {
		for _, r := range g.Ingress {
			from := r.Peer()
			if r.PeerGroup != "" {
				from = owner(d, r.PeerGroup)
			}
			add(pair{from, owner(d, g.ID), g.VPC}, r.Protocol+" "+r.Ports())
		}
		for _, r := range g.Egress {
			if r.PeerGroup != "" {
				continue // shown as the peer's ingress
			}
			add(pair{owner(d, g.ID), r.Peer(), g.VPC}, r.Protocol+" "+r.Ports())
		}
	}
	var rows [][]string
	for _, pr := range order {
		rows = append(rows, []string{strings.TrimPrefix(pr.vpc, "vpc-"), pr.from, "->", pr.to, strings.Join(ports[pr], ", ")})
	}
	table(b, "  ", "VPC\tFROM\t\tTO\tPORTS", rows)
	var empty []string
	for _, g := range d.SecurityGroups {
		if g.Kind == design.SGDefault {
			empty = append(empty, g.ID)
		}
	}
	fmt.Fprintf(b, "  Default groups emptied: %s\n", strings.Join(empty, ", "))
	var attach [][]string
	for _, s := range d.Services {
		for _, p := range s.Placements {
			attach = append(attach, []string{s.Name, strings.TrimPrefix(p.VPC, "vpc-"), strings.Join(p.SecurityGroups, ", ")})
		}
	}
	b.WriteString("  Groups on each task\n")
	table(b, "    ", "SERVICE\tVPC\tGROUPS", attach)
}

func writeNACLs(b *strings.Builder, d *design.Design) {
	if len(d.NetworkACLs) == 0 {
		return
	}
	b.WriteString("\nNetwork ACLs (stateless; first match by number; the rest is denied)\n")
	for _, n := range d.NetworkACLs {
		fmt.Fprintf(b, "  %s (%d subnets)\n", n.ID, len(n.Subnets))
		for _, dir := range []struct {
			name  string
			rules []design.NACLRule
			word  string
		}{{"in ", n.Inbound, "from"}, {"out", n.Outbound, "to"}} {
			tw := tabwriter.NewWriter(b, 0, 0, 1, ' ', 0)
			for _, r := range dir.rules {
				action := "allow"
				if !r.Allow {
					action = "deny"
				}
				fmt.Fprintf(tw, "    %s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\n", dir.name, r.Number, action, r.Protocol, r.Ports(), dir.word, r.CIDR, r.Reason)
			}
			tw.Flush()
		}
	}
}

func writeLoadBalancers(b *strings.Builder, d *design.Design) {
	if len(d.LoadBalancers) == 0 {
		return
	}
	b.WriteString("\nLoad balancers\n")
	for _, lb := range d.LoadBalancers {
		kind := map[string]string{design.ALB: "ALB", design.NLB: "NLB", design.GWLB: "GWLB"}[lb.Type]
		var attrs []string
		if lb.Scheme != "" {
			attrs = append(attrs, lb.Scheme)
		}
		attrs = append(attrs, fmt.Sprintf("%d subnets", len(lb.Subnets)))
		if lb.IdleTimeout > 0 {
			attrs = append(attrs, "idle timeout "+lb.IdleTimeout.String())
		}
		if lb.DropInvalidHeaders {
			attrs = append(attrs, "drops invalid header fields")
		}
		if lb.DeletionProtection {
			attrs = append(attrs, "deletion protection")
		}
		if lb.ElasticIPs {
			attrs = append(attrs, "Elastic IPs")
		}
		if lb.CrossZone {
			attrs = append(attrs, "cross-zone")
		}
		if lb.AccessLogs != nil {
			attrs = append(attrs, fmt.Sprintf("access logs to s3://%s/%s", lb.AccessLogs.Bucket, lb.AccessLogs.Prefix))
		}
		if !lb.StackOwns() {
			attrs = append(attrs, "made by the AWS Load Balancer Controller")
		}
		fmt.Fprintf(b, "  %s %s: %s\n", kind, lb.ID, strings.Join(attrs, ", "))
		for _, l := range lb.Listeners {
			extra := ""
			if l.SSLPolicy != "" {
				extra = fmt.Sprintf(" (%s, certificate %s)", l.SSLPolicy, l.Certificate)
			}
			fmt.Fprintf(b, "    listener %s %d%s\n", l.Protocol, l.Port, extra)
			tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
			for _, r := range l.Rules {
				fmt.Fprintf(tw, "      priority %d\t%s\t%s\t%s\n", r.Priority, r.Source, r.Conditions.String(), r.Action.String())
			}
			fmt.Fprintf(tw, "      default\t\t\t%s\n", l.DefaultAction.String())
			tw.Flush()
		}
	}
	b.WriteString("\nTarget groups\n")
	var rows [][]string
	for _, tg := range d.TargetGroups {
		proto := tg.Protocol
		if tg.ProtocolVersion != "" {
			proto += "/" + tg.ProtocolVersion
		}
		h := tg.Health
		check := fmt.Sprintf("%s %d", h.Protocol, h.Port)
		if h.Path != "" {
			check += " " + h.Path + " " + h.Matcher
		}
		timing := fmt.Sprintf("every %s, timeout %s, %d/%d", h.Interval, h.Timeout, h.HealthyThreshold, h.UnhealthyThreshold)
		var attrs []string
		if tg.Algorithm != "" {
			attrs = append(attrs, tg.Algorithm)
		}
		if tg.AnomalyMitigation {
			attrs = append(attrs, "anomaly mitigation")
		}
		if tg.Stickiness != "" {
			st := tg.Stickiness
			if tg.StickinessDuration > 0 {
				st += " " + tg.StickinessDuration.String()
			}
			attrs = append(attrs, st)
		}
		if tg.SlowStart > 0 {
			attrs = append(attrs, "slow start "+tg.SlowStart.String())
		}
		if tg.PreserveClientIP {
			attrs = append(attrs, "client IP preserved")
		}
		attrs = append(attrs, "deregistration "+tg.DeregistrationDelay.String())
		rows = append(rows, []string{tg.ID, fmt.Sprintf("%s %d", proto, tg.Port), check, timing, h.UnhealthyAfter.String(), h.HealthyAfter.String(), strings.Join(attrs, ", ")})
	}
	table(b, "  ", "TARGET GROUP\tPROTOCOL\tHEALTH CHECK\tTIMING (HEALTHY/UNHEALTHY)\tOUT AFTER\tIN AFTER\tSETTINGS", rows)
	if len(d.GatewayLoadBalancerEndpoints) > 0 {
		var ids []string
		for _, e := range d.GatewayLoadBalancerEndpoints {
			ids = append(ids, e.ID)
		}
		fmt.Fprintf(b, "  GWLB endpoints: %s\n", strings.Join(ids, ", "))
	}
}

func writeDiscovery(b *strings.Builder, d *design.Design) {
	for _, ns := range d.Namespaces {
		where := strings.TrimPrefix(ns.VPC, "vpc-")
		for _, v := range ns.AssociatedVPCs {
			where += ", " + strings.TrimPrefix(v, "vpc-")
		}
		fmt.Fprintf(b, "\nCloud Map namespace %s (%s) in %s\n", ns.Name, ns.Type, where)
		var rows [][]string
		for _, s := range ns.Services {
			var recs []string
			for _, r := range s.Records {
				recs = append(recs, fmt.Sprintf("%s %s", r.Type, r.TTL))
			}
			rows = append(rows, []string{s.DNSName, strings.Join(recs, ", "), s.RoutingPolicy, fmt.Sprint(s.Port), fmt.Sprint(s.MaxInstances), s.DeadTaskGone.String()})
		}
		table(b, "  ", "NAME\tRECORDS (TTL)\tROUTING\tPORT\tMAX INSTANCES\tDEAD TASK GONE AFTER", rows)
	}
}

func writeMesh(b *strings.Builder, d *design.Design) {
	m := d.Mesh
	if m == nil {
		return
	}
	fmt.Fprintf(b, "\nMesh (App Mesh model, compiled to %s; mTLS %s)\n", m.Target, m.MTLS)
	for _, r := range m.VirtualRouters {
		name := r.Service
		for _, vs := range m.VirtualServices {
			if vs.Provider == r.Name {
				name = vs.Name
			}
		}
		fmt.Fprintf(b, "  %s (%s %d)\n", name, r.Protocol, r.Port)
		tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
		for _, rt := range r.Routes {
			var targets []string
			for _, t := range rt.Targets {
				targets = append(targets, fmt.Sprintf("%s %d", strings.TrimPrefix(t.Node, "vn-"), t.Weight))
			}
			retry := "no retries"
			if rt.Retry != nil {
				retry = fmt.Sprintf("%d retries on %s, %s per try", rt.Retry.MaxRetries, strings.Join(rt.Retry.Events, ","), rt.Retry.PerTryTimeout)
			}
			fmt.Fprintf(tw, "    %d\t%s\t%s\t-> %s\ttimeout %s, %s\n", rt.Priority, rt.Source, rt.Match.String(), strings.Join(targets, ", "), rt.Timeout, retry)
		}
		tw.Flush()
	}
	if sc := m.ServiceConnect; sc != nil {
		b.WriteString("  ECS Service Connect\n")
		var rows [][]string
		for _, s := range sc.Services {
			if s.ClientOnly {
				rows = append(rows, []string{s.Service, "client only", "", "", "-"})
				continue
			}
			perRequest := "-"
			if s.PerRequest > 0 {
				perRequest = s.PerRequest.String()
			}
			tls := "off"
			if s.TLS {
				tls = "one-way TLS 1.3"
			}
			rows = append(rows, []string{s.Service, s.ClientAliases[0].DNSName + ":" + fmt.Sprint(s.ClientAliases[0].Port), perRequest, s.Idle.String(), tls})
		}
		table(b, "    ", "SERVICE\tCLIENT ALIAS\tPER REQUEST\tIDLE\tTLS", rows)
	}
	if lat := m.Lattice; lat != nil {
		fmt.Fprintf(b, "  VPC Lattice service network %s (auth %s) with %s\n", lat.ServiceNetwork, lat.AuthType, strings.Join(lat.VPCs, ", "))
		for _, s := range lat.Services {
			fmt.Fprintf(b, "    %s: %s %d, callers allowed: %s\n", s.Name, s.Protocol, s.Port, strings.Join(s.AllowedCallers, ", "))
			for _, r := range s.Rules {
				var targets []string
				for _, t := range r.Targets {
					targets = append(targets, fmt.Sprintf("%s %d", strings.TrimPrefix(t.Node, "vn-"), t.Weight))
				}
				fmt.Fprintf(b, "      rule %d %s -> %s\n", r.Priority, r.Match.String(), strings.Join(targets, ", "))
			}
		}
	}
}

func writeGlobal(b *strings.Builder, d *design.Design) {
	g := d.Global
	if g == nil {
		return
	}
	fmt.Fprintf(b, "\nGlobal routing for %s (Route 53 %s)\n", g.Domain, g.Policy)
	var rows [][]string
	for _, r := range g.Records {
		var how []string
		switch {
		case r.Region != "":
			how = append(how, "latency "+r.Region)
		case r.Weight != nil:
			how = append(how, fmt.Sprintf("weight %d", *r.Weight))
		case r.Failover != "":
			how = append(how, strings.ToLower(r.Failover))
		case r.GeoLocation != "":
			how = append(how, "location "+r.GeoLocation)
		}
		if r.EvaluateTargetHealth {
			how = append(how, "evaluate target health")
		}
		rows = append(rows, []string{r.Type, r.SetIdentifier, r.AliasTarget, strings.Join(how, ", "), r.HealthCheck})
	}
	table(b, "  ", "TYPE\tSET\tALIAS TO\tROUTING\tHEALTH CHECK", rows)
	for _, hc := range g.HealthChecks {
		fmt.Fprintf(b, "  health check %s: %s port %d %s on %s every %ds, unhealthy after %d failures\n", hc.ID, hc.Type, hc.Port, hc.Path, hc.Target, hc.IntervalSeconds, hc.FailureThreshold)
	}
	if a := g.Accelerator; a != nil {
		fmt.Fprintf(b, "  Global Accelerator %s (two static anycast IPs)\n", a.ID)
		for _, eg := range a.EndpointGroups {
			fmt.Fprintf(b, "    %s: %s, traffic dial %d%%\n", eg.Region, strings.Join(eg.Endpoints, ", "), eg.TrafficDial)
		}
	}
}

func writeOptimizer(b *strings.Builder, d *design.Design) {
	if len(d.Recommendations) > 0 {
		b.WriteString("\nRecommendations (netwright optimize shows the reasons and sources)\n")
		for _, r := range d.Recommendations {
			fmt.Fprintf(b, "  %s %s\n", r.ID, r.Title)
		}
	}
	WriteCost(b, d)
}

// WriteCost prints the monthly cost estimate.
func WriteCost(w io.Writer, d *design.Design) {
	c := d.Cost
	if c == nil || len(c.Items) == 0 {
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\nEstimated monthly network cost: $%.2f (%s)\n", c.TotalUSD, c.Basis)
	var rows [][]string
	for _, it := range c.Items {
		rows = append(rows, []string{it.What, it.Quantity, fmt.Sprintf("$%.2f", it.USD)})
	}
	table(&b, "  ", "ITEM\tQUANTITY\tUSD", rows)
	io.WriteString(w, b.String())
}

// WriteRecommendations prints every recommendation in full, then the cost.
func WriteRecommendations(w io.Writer, d *design.Design) error {
	var b strings.Builder
	if len(d.Recommendations) == 0 {
		b.WriteString("No recommendations: set workload keys (latency_sensitive, bulk_data_transfer, requests_per_second, avg_response_bytes) to get sized advice.\n")
	}
	for _, r := range d.Recommendations {
		fmt.Fprintf(&b, "%s [%s] %s\n  why:    %s\n  effect: %s\n  source: %s\n\n", r.ID, r.Topic, r.Title, r.Reason, r.Effect, r.Source)
	}
	WriteCost(&b, d)
	_, err := io.WriteString(w, b.String())
	return err
}
