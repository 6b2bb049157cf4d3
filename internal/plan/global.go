package plan

import (
	"fmt"
	"slices"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/spec"
)

// Route 53 health check settings netwright uses: Route 53's standard
// 30-second interval and its default failure threshold of 3.
const (
	r53Interval         = 30
	r53FailureThreshold = 3
)

// globalRouting aliases the domain to each Region's public entry with the
// chosen policy, health checks and evaluate-target-health, or to a Global
// Accelerator in front of them.
func (p *planner) globalRouting() {
	g := p.spec.Global
	if g == nil || len(p.spec.Regions) < 2 {
		return
	}
	gr := &design.GlobalRouting{Domain: g.Domain, Policy: g.Routing}
	entry := map[string]string{} // Region -> public load balancer
	var order []string
	for _, lb := range p.d.LoadBalancers {
		if lb.Scheme != design.InternetFacing {
			continue
		}
		region := p.d.VPC(lb.VPC).Region
		if _, ok := entry[region]; !ok || lb.Type == design.ALB {
			if !ok {
				order = append(order, region)
			}
			entry[region] = lb.ID
		}
	}
	// Route 53 asks the ALB by its own DNS name (the Host header is the
	// check's FullyQualifiedDomainName), so only the listener's default
	// action answers it, and an HTTPS check is healthy only on 200-399
	// (the Route 53 API reference, HealthCheckConfig). A default action
	// that forwards is checked on its group's health path; one that
	// answers 404, because every rule needs a host or other condition,
	// would fail the check in every Region forever: the check is then TCP
	// on 443, and evaluate-target-health judges the targets.
	path, checkHTTPS := "/", true
	if _, l := p.d.PublicHTTPSListener(); l != nil {
		if len(l.DefaultAction.Forward) > 0 {
			path = p.targetGroupByID(l.DefaultAction.Forward[0].TargetGroup).Health.Path
		} else {
			checkHTTPS = false
		}
	}
	kind := "an HTTPS health check"
	for _, region := range order {
		lb := entry[region]
		hc := design.Route53HealthCheck{ID: "hc-" + p.spec.App + "-" + region, Region: region, Target: lb, IntervalSeconds: r53Interval, FailureThreshold: r53FailureThreshold}
		switch {
		case lbByType(p.d, lb) == design.ALB && checkHTTPS:
			hc.Type, hc.Port, hc.Path = "HTTPS", 443, path
		case lbByType(p.d, lb) == design.ALB:
			hc.Type, hc.Port = "TCP", 443
			kind = "a TCP health check on 443 (the HTTPS listener answers requests no rule matches, as Route 53's by the load balancer's own name are, with its default action's error, so an HTTPS check would never pass)"
		default:
			hc.Type, hc.Port = "TCP", p.firstListenerPort(lb)
		}
		gr.HealthChecks = append(gr.HealthChecks, hc)
	}
	if g.Accelerator {
		acc := &design.Accelerator{ID: "ga-" + p.spec.App, Name: design.FitNameWithin(design.NameAccelerator, p.spec.App+"-global", 32)}
		for _, port := range p.publicPorts() {
			acc.Listeners = append(acc.Listeners, design.AcceleratorListener{Protocol: "TCP", Port: port})
		}
		maxWeight := 0
		for _, w := range g.Weights {
			maxWeight = max(maxWeight, w.Weight)
		}
		for _, region := range order {
			eg := design.EndpointGroup{Region: region, Endpoints: []string{entry[region]}, TrafficDial: 100, HealthCheckPath: path}
			if g.Routing == "weighted" && maxWeight > 0 {
				eg.TrafficDial = weightOf(g.Weights, region) * 100 / maxWeight
			}
			acc.EndpointGroups = append(acc.EndpointGroups, eg)
		}
		gr.Accelerator = acc
		gr.Records = []design.GlobalRecord{{Type: "A", AliasTarget: acc.ID, EvaluateTargetHealth: true}}
		if g.Routing == "geolocation" || g.Routing == "failover" {
			p.warnAt(p.spec.At("global.accelerator"), fmt.Sprintf("global.routing %s is replaced by Global Accelerator's routing", g.Routing),
				"An accelerator sends each client to the closest healthy Region (traffic dials set shares); it has no geolocation or primary/secondary records. Turn accelerator off to keep Route 53's policy.")
		}
		p.note("global", "%s points at Global Accelerator %s: two static anycast addresses, each Region's entry point an endpoint group, clients sent to the closest healthy Region.", g.Domain, acc.ID)
		p.d.Global = gr
		return
	}
	hcOf := func(region string) string { return "hc-" + p.spec.App + "-" + region }
	record := func(region string) design.GlobalRecord {
		return design.GlobalRecord{SetIdentifier: region, Type: "A", AliasTarget: entry[region], EvaluateTargetHealth: true, HealthCheck: hcOf(region)}
	}
	switch g.Routing {
	case "latency":
		for _, region := range order {
			r := record(region)
			r.Region = region
			gr.Records = append(gr.Records, r)
		}
	case "weighted":
		for _, region := range order {
			r := record(region)
			w := weightOf(g.Weights, region)
			r.Weight = &w
			gr.Records = append(gr.Records, r)
		}
	case "failover":
		secondary := ""
		for _, region := range p.spec.Regions {
			if region != g.Primary && secondary == "" {
				secondary = region
			}
		}
		primary := record(g.Primary)
		primary.Failover = "PRIMARY"
		second := record(secondary)
		second.Failover = "SECONDARY"
		gr.Records = append(gr.Records, primary, second)
	case "geolocation":
		for _, geo := range g.Geo {
			r := record(geo.Region)
			r.GeoLocation = geo.Location
			if geo.Location == "default" {
				r.GeoLocation = "*"
			}
			r.SetIdentifier = geo.Location + "-" + geo.Region
			gr.Records = append(gr.Records, r)
		}
	}
	p.note("global", "%s uses Route 53 %s routing: an alias record per Region to its public load balancer, with evaluate-target-health and %s every %d s (unhealthy after %d failures).", g.Domain, g.Routing, kind, r53Interval, r53FailureThreshold)
	p.d.Global = gr
}

func weightOf(ws []spec.RegionWeight, region string) int {
	for _, w := range ws {
		if w.Region == region {
			return w.Weight
		}
	}
	return 0
}

func lbByType(d *design.Design, id string) string {
	for _, lb := range d.LoadBalancers {
		if lb.ID == id {
			return lb.Type
		}
	}
	return ""
}

func (p *planner) firstListenerPort(lb string) int {
	for _, l := range p.d.LoadBalancers {
		if l.ID == lb && len(l.Listeners) > 0 {
			return l.Listeners[0].Port
		}
	}
	return 443
}

// publicPorts are the ports the public load balancers listen on, sorted.
func (p *planner) publicPorts() []int {
	var ports []int
	for _, lb := range p.d.LoadBalancers {
		if lb.Scheme != design.InternetFacing {
			continue
		}
		for _, l := range lb.Listeners {
			if !slices.Contains(ports, l.Port) && l.Protocol != "UDP" {
				ports = append(ports, l.Port)
			}
		}
	}
	slices.Sort(ports)
	return ports
}
