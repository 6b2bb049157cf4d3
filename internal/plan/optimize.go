package plan

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/netwright/netwright/internal/awsfacts"
	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/spec"
)

// secondsPerMonth is the 730-hour month AWS bills by.
const secondsPerMonth = awsfacts.HoursPerMonth * 3600

// assumedCallSeconds is the call duration the pool sizing assumes when the
// spec gives none: 100 ms.
const assumedCallSeconds = 0.1

// Path MTUs (AWS-FACTS.md; the Transit Gateway's 8500 is from the Transit
// Gateway guide, "Quotas": maximum transmission unit).
const transitGatewayMTU = 8500

// optimize is the performance optimizer: from the workload and the design
// it writes recommendations, each with its reason, effect and source, and
// the monthly cost estimate.
func (p *planner) optimize() {
	w := p.spec.Workload
	p.d.Workload = design.Workload{LatencySensitive: w.LatencySensitive, BandwidthIntensive: w.BandwidthIntensive,
		BulkDataTransfer: w.BulkDataTransfer, RequestsPerSecond: w.RequestsPerSecond, AvgResponseBytes: w.AvgResponseBytes}
	p.sameAZ()
	p.enhancedNetworking()
	p.jumboFrames()
	p.connectionPooling()
	p.endpointsVersusNAT()
	for i := range p.d.Recommendations {
		p.d.Recommendations[i].ID = fmt.Sprintf("NWP%03d", i+1)
	}
	p.costEstimate()
}

func (p *planner) recommend(topic, title, reason, effect, source string) {
	p.d.Recommendations = append(p.d.Recommendations, design.Recommendation{Topic: topic, Title: title, Reason: reason, Effect: effect, Source: source})
}

// monthlyGB is the traffic of a path carrying rps requests a second at
// the workload's average response size, over a month.
func (p *planner) monthlyGB(rps float64) float64 {
	return rps * float64(p.spec.Workload.AvgResponseBytes) * secondsPerMonth / 1e9
}

// serviceRPS spreads the workload's peak requests over the call graph: the
// public services share it evenly, and each request a service serves calls
// each of its dependencies once (what the local runtime's built-in workload
// does). A cycle in the graph is followed once.
func (p *planner) serviceRPS() map[string]float64 {
	rps := map[string]float64{}
	var public []string
	for _, svc := range p.spec.Services {
		if svc.Public {
			public = append(public, svc.Name)
		}
	}
	if len(public) == 0 || p.spec.Workload.RequestsPerSecond == 0 {
		return rps
	}
	var visit func(name string, r float64, path []string)
	visit = func(name string, r float64, path []string) {
		if slices.Contains(path, name) || len(path) > 64 {
			return
		}
		rps[name] += r
		for _, dep := range p.spec.Service(name).DependsOn {
			visit(dep.Service, r, append(path, name))
		}
	}
	for _, name := range public {
		visit(name, float64(p.spec.Workload.RequestsPerSecond)/float64(len(public)), nil)
	}
	return rps
}

func usd(v float64) string {
	if v >= 100 {
		return fmt.Sprintf("$%.0f", v)
	}
	return fmt.Sprintf("$%.2f", v)
}

// sameAZ estimates cross-AZ traffic per service pair and recommends keeping
// the chattiest in one zone.
func (p *planner) sameAZ() {
	rps := p.serviceRPS()
	azs := p.spec.Network.AZs
	if len(rps) == 0 || p.spec.Workload.AvgResponseBytes == 0 || azs < 2 {
		return
	}
	share := float64(azs-1) / float64(azs)
	price := awsfacts.LookupPrice("inter_az_gb").USD
	type pair struct {
		from, to string
		usd, gb  float64
	}
	var pairs []pair
	for _, f := range p.d.Flows {
		if f.Kind == design.FlowService && p.spec.Service(f.To).Kind == spec.KindService && rps[f.From] > 0 {
			gb := p.monthlyGB(rps[f.From])
			pairs = append(pairs, pair{f.From, f.To, gb * share * price * 2, gb})
		}
	}
	slices.SortStableFunc(pairs, func(a, b pair) int { return cmp.Compare(b.usd, a.usd) })
	if len(pairs) == 0 || pairs[0].usd < 1 && !p.spec.Workload.LatencySensitive && !p.spec.Workload.BandwidthIntensive {
		return
	}
	how := "On ECS, Service Connect spreads calls over every AZ: run a pair that must stay in-zone in one task definition."
	if p.spec.Network.Compute == spec.ComputeEKS {
		how = "On EKS, annotate the callee's Service with service.kubernetes.io/topology-mode: Auto (Topology Aware Routing)."
	}
	var names []string
	total := 0.0
	for _, pr := range pairs[:min(len(pairs), 3)] {
		names = append(names, fmt.Sprintf("%s -> %s %.0f GB, %s", pr.from, pr.to, pr.gb, usd(pr.usd)))
		total += pr.usd
	}
	p.recommend("placement", "Keep the chattiest service pairs in one Availability Zone",
		fmt.Sprintf("At %d requests/s of %d bytes spread over the call graph, the busiest pairs move (a month, cross-zone cost): %s. With tasks spread over %d AZs, %.0f%% of calls cross zones.",
			p.spec.Workload.RequestsPerSecond, p.spec.Workload.AvgResponseBytes, strings.Join(names, "; "), azs, share*100),
		fmt.Sprintf("In-zone calls save up to %s a month on these pairs and take the cross-zone hop off %.0f%% of their calls. %s Keep every service in every AZ so a zone failure still leaves capacity.", usd(total), share*100, how),
		"prices.tsv inter_az_gb ($0.01/GB, charged each way); traffic: the public services share requests_per_second, each request calls every dependency once, responses of avg_response_bytes, 730 hours")
}

func (p *planner) enhancedNetworking() {
	if !p.spec.Workload.LatencySensitive {
		return
	}
	switch p.spec.Network.Compute {
	case spec.ComputeECSEC2, spec.ComputeEKS:
		p.recommend("instances", "Use ENA instances in a cluster placement group per AZ",
			"workload.latency_sensitive is set and the tasks run on EC2 instances you choose.",
			"Current-generation instances with the Elastic Network Adapter (and ENA Express between instances that support it) lower tail latency; a cluster placement group packs a node group's instances close together. A cluster group lives in one AZ, so make one node group and group per AZ to stay multi-AZ.",
			"EC2 User Guide: Enhanced networking (ENA, ENA Express) and Placement groups (cluster strategy)")
	default:
		p.recommend("instances", "Fargate cannot use placement groups; use ecs_ec2 if tail latency matters most",
			"workload.latency_sensitive is set, but Fargate chooses the hosts.",
			"On EC2 capacity providers you can pick ENA instance families and cluster placement groups per AZ; Fargate trades that control for no host management.",
			"EC2 User Guide: Placement groups; ECS Developer Guide: capacity providers")
	}
}

// jumboFrames recommends 9001-byte frames inside the VPC for bulk
// transfer, and warns for each bulk path that crosses a 1500-byte hop.
func (p *planner) jumboFrames() {
	if !p.spec.Workload.BulkDataTransfer {
		return
	}
	var inside, transit []string
	for _, f := range p.d.Flows {
		if f.Kind != design.FlowService {
			continue
		}
		from, to := p.vpcOf(f.From), p.vpcOf(f.To)
		if from == to || p.spec.Network.Pattern == spec.PatternMultiRegion {
			inside = append(inside, f.From+" -> "+f.To)
		} else {
			transit = append(transit, f.From+" -> "+f.To)
		}
	}
	effect := fmt.Sprintf("Set the tasks' interface MTU to %d (the VPC default on current instances): fewer packets per byte on paths inside the VPC (%s).", awsfacts.IntraVPCMTU, strings.Join(inside, ", "))
	if len(transit) > 0 {
		effect += fmt.Sprintf(" Paths through the Transit Gateway (%s) carry at most %d bytes.", strings.Join(transit, ", "), transitGatewayMTU)
	}
	p.recommend("mtu", "Use jumbo frames on paths that stay inside the VPC",
		"workload.bulk_data_transfer is set.", effect+" Keep ICMP 'fragmentation needed' (type 3 code 4) open so Path MTU Discovery works where the MTU drops.",
		"AWS-FACTS.md: MTU 9001 inside a VPC, 1500 through an internet gateway, VPN or inter-region peering; Transit Gateway guide: MTU 8500")
	for _, f := range p.d.Flows {
		var hop string
		switch {
		case f.Kind == design.FlowEgress:
			hop = "an internet gateway through NAT"
		case f.Kind == design.FlowIngress:
			hop = "an internet gateway"
		default:
			continue
		}
		p.warnAt(f.Origin, fmt.Sprintf("bulk flow %s crosses %s: its path MTU is %d, not %d", f.ID, hop, awsfacts.InternetMTU, awsfacts.IntraVPCMTU),
			"workload.bulk_data_transfer is set, but jumbo frames stop at the internet gateway; large transfers on this path are sent in 1500-byte packets. Keep ICMP type 3 code 4 open so Path MTU Discovery works.")
	}
	if p.spec.Network.Pattern == spec.PatternMultiRegion {
		p.warnAt(p.spec.At("regions"), fmt.Sprintf("bulk traffic between Regions crosses inter-Region peering at MTU %d", awsfacts.InternetMTU),
			"Jumbo frames do not cross Regions; replicate in large application-level batches instead.")
	}
}

// connectionPooling sizes keep-alive pools and timeouts.
func (p *planner) connectionPooling() {
	var behindALB []string
	for _, tg := range p.d.TargetGroups {
		if tg.Protocol == "HTTP" && !slices.Contains(behindALB, tg.Service) {
			behindALB = append(behindALB, tg.Service)
		}
	}
	if len(behindALB) > 0 {
		p.recommend("keepalive", "Keep application keep-alive timeouts longer than the ALB's 60 s idle timeout",
			fmt.Sprintf("%s sit behind an ALB whose idle timeout is %s; a target that closes an idle connection first races the ALB's next request on it.", strings.Join(behindALB, ", "), albIdleTimeout),
			"Set the servers' keep-alive (idle) timeout above 60 s, for example 75 s (Node.js server.keepAliveTimeout, Go http.Server.IdleTimeout, gunicorn --keep-alive): no 502s from connections the target closed.",
			"AWS-FACTS.md: ALB idle timeout default 60 s; application keep-alive timeouts must be longer")
	}
	rps := p.serviceRPS()
	var lines []string
	for _, svc := range p.spec.Services {
		if svc.Kind != spec.KindService || len(svc.DependsOn) == 0 || rps[svc.Name] == 0 {
			continue
		}
		inFlight := int(math.Ceil(rps[svc.Name] * assumedCallSeconds / float64(svc.Replicas)))
		lines = append(lines, fmt.Sprintf("%s: %d per dependency", svc.Name, max(inFlight, 2)))
	}
	if len(lines) == 0 {
		return
	}
	p.recommend("pooling", "Size client connection pools to the calls in flight",
		fmt.Sprintf("At %d requests/s spread over the call graph and an assumed %.0f ms per call, each caller task keeps about this many calls in flight to each dependency: %s. Go's http.Transport keeps 2 idle connections per host by default, which reconnects for the rest.",
			p.spec.Workload.RequestsPerSecond, assumedCallSeconds*1000, strings.Join(lines, "; ")),
		"Set the clients' idle pool per host (Go MaxIdleConnsPerHost, traffic.<service>.connection_pool.max_idle_per_host) to those numbers: connections are reused instead of opened per call, saving a TCP and TLS handshake each.",
		"Little's law (in flight = rate x time); caddyserver/caddy #2805 on Go's default of 2 idle connections per host")
}

// endpointsVersusNAT weighs interface endpoints' hourly price against NAT
// data processing.
func (p *planner) endpointsVersusNAT() {
	if len(p.missingStartup) == 0 || !p.natNeeded {
		return
	}
	var missingInterface []string
	for _, e := range p.missingStartup {
		if k, _ := awsfacts.LookupEndpoint(e); k == awsfacts.InterfaceEndpoint {
			missingInterface = append(missingInterface, e)
		}
	}
	azs := p.spec.Network.AZs
	endpointMonth := float64(len(missingInterface)*azs*awsfacts.HoursPerMonth) * awsfacts.LookupPrice("interface_endpoint_hour").USD
	saving := awsfacts.LookupPrice("nat_gateway_gb").USD - awsfacts.LookupPrice("interface_endpoint_gb").USD
	breakEven := endpointMonth / saving
	p.recommend("endpoints", "Add the endpoints tasks need to start: "+strings.Join(p.missingStartup, ", "),
		"Image pulls, logs and AWS API calls from private subnets go through NAT, which charges per GB processed (a Copilot user paid for 122 GB of NAT traffic in one day: aws/copilot-cli #5167).",
		fmt.Sprintf("The interface endpoints cost about %s a month over %d AZs and save %s per GB against NAT, so they pay for themselves past %.0f GB a month; S3 (image layers) is a free gateway endpoint.", usd(endpointMonth), azs, usd(saving), breakEven),
		"prices.tsv interface_endpoint_hour, interface_endpoint_gb and nat_gateway_gb")
}

// costEstimate prices the design's fixed network resources and, when the
// workload is known, its traffic.
func (p *planner) costEstimate() {
	est := &design.CostEstimate{Basis: awsfacts.PricesAsOf + "; traffic at the peak workload.requests_per_second all month, an upper bound"}
	hourly := func(what string, n int, key string) {
		if n == 0 {
			return
		}
		price := awsfacts.LookupPrice(key)
		est.Items = append(est.Items, design.CostItem{What: what, Quantity: fmt.Sprintf("%d x 730 h", n), USD: round(float64(n*awsfacts.HoursPerMonth) * price.USD)})
	}
	var nats, ifaceAZ, tgwAttach, eips, gwlbe int
	for _, v := range p.d.VPCs {
		nats += len(v.NATGateways)
		for _, e := range v.Endpoints {
			if e.Kind == design.EndpointInterface {
				ifaceAZ += len(e.Subnets)
			}
		}
	}
	eips += nats
	lbs := map[string]int{}
	for _, lb := range p.d.LoadBalancers {
		lbs[lb.Type]++
		if lb.Scheme == design.InternetFacing {
			eips += len(lb.Subnets) // each public node holds a public IPv4 address
		}
	}
	for _, t := range p.d.TransitGateways {
		tgwAttach += len(t.Attachments) + len(t.SiteAttachments)
	}
	tgwAttach += len(p.d.TransitGatewayPeerings) * 2
	gwlbe = len(p.d.GatewayLoadBalancerEndpoints)
	hourly("NAT gateways", nats, "nat_gateway_hour")
	hourly("interface endpoint ENIs (endpoints x AZs)", ifaceAZ, "interface_endpoint_hour")
	hourly("public IPv4 addresses (NAT and load balancer nodes)", eips, "public_ipv4_hour")
	hourly("Application Load Balancers", lbs[design.ALB], "alb_hour")
	hourly("Network Load Balancers", lbs[design.NLB], "nlb_hour")
	hourly("Gateway Load Balancers", lbs[design.GWLB], "gwlb_hour")
	hourly("GWLB endpoints", gwlbe, "gwlb_endpoint_hour")
	hourly("Transit Gateway attachments (peering counted on both sides)", tgwAttach, "tgw_attachment_hour")
	if g := p.d.Global; g != nil {
		if g.Accelerator != nil {
			hourly("Global Accelerator", 1, "global_accelerator_hour")
		}
		if n := len(g.HealthChecks); n > 0 {
			est.Items = append(est.Items, design.CostItem{What: "Route 53 health checks", Quantity: fmt.Sprintf("%d x 1 month", n), USD: round(float64(n) * awsfacts.LookupPrice("route53_health_check_month").USD)})
		}
	}
	if m := p.d.Mesh; m != nil && m.Lattice != nil {
		hourly("VPC Lattice services", len(m.Lattice.Services), "lattice_service_hour")
	}
	var vpns, dxs, resolverENIs int
	for _, s := range p.d.Sites {
		if s.VPN != nil {
			vpns++
		}
		if s.DirectConnect != nil {
			dxs++
		}
	}
	for _, ep := range p.d.ResolverEndpoints {
		resolverENIs += len(ep.Subnets)
	}
	hourly("Site-to-Site VPN connections", vpns, "vpn_connection_hour")
	hourly("Direct Connect ports (assumed: one dedicated 1 Gbps port per site; hosted or faster ports cost otherwise)", dxs, "dx_port_1g_hour")
	hourly("Route 53 Resolver endpoint ENIs (endpoints x AZs)", resolverENIs, "resolver_endpoint_eni_hour")
	if rps := p.serviceRPS(); len(rps) > 0 && p.spec.Workload.AvgResponseBytes > 0 {
		azs := p.spec.Network.AZs
		crossAZ := 0.0
		for _, f := range p.d.Flows {
			if f.Kind == design.FlowService {
				crossAZ += p.monthlyGB(rps[f.From]) * float64(azs-1) / float64(azs)
			}
		}
		est.Items = append(est.Items, design.CostItem{What: "traffic between AZs on declared calls", Quantity: fmt.Sprintf("%.0f GB each way", crossAZ),
			USD: round(crossAZ * 2 * awsfacts.LookupPrice("inter_az_gb").USD)})
		out := p.monthlyGB(float64(p.spec.Workload.RequestsPerSecond))
		if p.d.Distribution != nil {
			// CloudFront answers the internet; what the ALB sends it is free.
			est.Items = append(est.Items, design.CostItem{What: "responses to the internet through CloudFront", Quantity: fmt.Sprintf("%.0f GB", out),
				USD: round(out * awsfacts.LookupPrice("cloudfront_out_gb").USD)})
		} else {
			est.Items = append(est.Items, design.CostItem{What: "responses to the internet", Quantity: fmt.Sprintf("%.0f GB", out),
				USD: round(out * awsfacts.LookupPrice("internet_out_gb").USD)})
		}
	}
	if rps := p.spec.Workload.RequestsPerSecond; p.d.Distribution != nil && rps > 0 {
		reqs := float64(rps) * 3600 * awsfacts.HoursPerMonth
		est.Items = append(est.Items, design.CostItem{What: "CloudFront HTTPS requests", Quantity: fmt.Sprintf("%.0f million", reqs/1e6),
			USD: round(reqs / 10000 * awsfacts.LookupPrice("cloudfront_https_10k").USD)})
	}
	slices.SortStableFunc(est.Items, func(a, b design.CostItem) int { return cmp.Compare(b.USD, a.USD) })
	for _, it := range est.Items {
		est.TotalUSD += it.USD
	}
	est.TotalUSD = round(est.TotalUSD)
	p.d.Cost = est
}

func round(v float64) float64 { return math.Round(v*100) / 100 }
