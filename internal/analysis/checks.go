package analysis

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/netwright/netwright/internal/albrules"
	"github.com/netwright/netwright/internal/awsfacts"
	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/diag"
	"github.com/netwright/netwright/internal/portset"
)

// Check is one item of the production checklist.
type Check struct {
	ID       string        `json:"id"`
	Severity diag.Severity `json:"severity"`
	Title    string        `json:"title"`
	// Rationale says why it matters; Fix how to mend it.
	Rationale string `json:"rationale"`
	Fix       string `json:"fix"`
	// Peers are the equivalent checkov and trivy IDs, where one exists.
	Peers string `json:"peers,omitempty"`
	run   func(d *design.Design, e *Engine) []Finding
}

// Checks returns the checklist in ID order.
func Checks() []Check { return checklist() }

// checklist is every check in ID order: the production checklist in this
// file and the deploy-semantics checks registered by the files named
// checks_*.go (register).
func checklist() []Check {
	all := slices.Concat(checks, registered)
	slices.SortFunc(all, func(a, b Check) int { return strings.Compare(a.ID, b.ID) })
	return all
}

// registered are checks kept in files of their own, added by register.
var registered []Check

// register adds checks from another file of the package; call it from a
// package-level var initialiser so the checklist is whole before any use.
func register(cs ...Check) bool {
	registered = append(registered, cs...)
	return true
}

// CheckByID returns one check.
func CheckByID(id string) (Check, bool) {
	for _, c := range checklist() {
		if c.ID == id {
			return c, true
		}
	}
	return Check{}, false
}

func finding(subject, format string, args ...any) Finding {
	return Finding{Subject: subject, Summary: fmt.Sprintf(format, args...)}
}

func isPublicCIDR(p netip.Prefix) bool {
	for _, r := range []string{"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"} {
		pr := netip.MustParsePrefix(r)
		if pr.Bits() <= p.Bits() && pr.Contains(p.Addr()) {
			return false
		}
	}
	return true
}

func lbByID(d *design.Design, id string) *design.LoadBalancer {
	for i := range d.LoadBalancers {
		if d.LoadBalancers[i].ID == id {
			return &d.LoadBalancers[i]
		}
	}
	return nil
}

var checks = []Check{
	{ID: "NW101", Severity: diag.Error, Title: "Declared flow is blocked",
		Rationale: "Every dependency, public entry and egress the spec declares must pass routes, security groups, NACLs and load balancer hops in every AZ, or the application fails in production.",
		Fix:       "Read the blocked path: each hop that blocks names the setting to change.",
		run: func(d *design.Design, e *Engine) []Finding {
			fs, _ := e.intent()
			return slices.DeleteFunc(slices.Clone(fs), func(f Finding) bool { return f.Check != "NW101" })
		}},
	{ID: "NW102", Severity: diag.Error, Title: "Undeclared flow is allowed",
		Rationale: "Least privilege: a service may reach only what it declares. An extra path is what an attacker or a bug uses.",
		Fix:       "Remove the rule named in the witness path, or declare the dependency in the spec.",
		run: func(d *design.Design, e *Engine) []Finding {
			fs, _ := e.intent()
			return slices.DeleteFunc(slices.Clone(fs), func(f Finding) bool { return f.Check != "NW102" })
		}},
	{ID: "NW103", Severity: diag.Error, Title: "Security group admits the internet outside a public load balancer",
		Rationale: "Only an internet-facing load balancer's listeners should face the internet; tasks, data stores and endpoints must not.",
		Fix:       "Admit the load balancer's group instead of a public CIDR.", Peers: "CKV_AWS_24, CKV_AWS_25, CKV_AWS_260; AVD-AWS-0107",
		run: func(d *design.Design, _ *Engine) []Finding {
			var fs []Finding
			for _, g := range d.SecurityGroups {
				lb := lbByID(d, g.Owner)
				for _, r := range g.Ingress {
					if !r.PeerCIDR.IsValid() || !isPublicCIDR(r.PeerCIDR) {
						continue
					}
					ok := g.Kind == design.SGLoadBalancer && lb != nil && lb.Scheme == design.InternetFacing && listens(lb, r.FromPort, r.ToPort)
					if !ok && !preservesClients(d, g) {
						fs = append(fs, finding(g.ID, "%s admits %s on %s %s", g.ID, r.PeerCIDR, r.Protocol, r.Ports()))
					}
				}
			}
			return fs
		}},
	{ID: "NW104", Severity: diag.Warning, Title: "Open egress",
		Rationale: "Egress to the whole internet on every port lets a compromised task exfiltrate anywhere; declared egress names ports.",
		Fix:       "Limit egress to the declared destinations and ports.", Peers: "CKV_AWS_382; AVD-AWS-0104",
		run: func(d *design.Design, _ *Engine) []Finding {
			var fs []Finding
			for _, g := range d.SecurityGroups {
				for _, r := range g.Egress {
					if r.PeerCIDR.IsValid() && r.PeerCIDR.Bits() == 0 && r.FromPort == 0 && r.ToPort == 65535 {
						fs = append(fs, finding(g.ID, "%s allows egress to %s on every %s port", g.ID, r.PeerCIDR, r.Protocol))
					}
				}
			}
			return fs
		}},
	{ID: "NW105", Severity: diag.Warning, Title: "Security group rule without a description",
		Rationale: "A rule nobody can explain is a rule nobody dares remove.",
		Fix:       "Describe which dependency or entry made the rule.", Peers: "CKV_AWS_23; AVD-AWS-0124",
		run: func(d *design.Design, _ *Engine) []Finding {
			var fs []Finding
			for _, g := range d.SecurityGroups {
				for _, r := range append(slices.Clone(g.Ingress), g.Egress...) {
					if strings.TrimSpace(r.Description) == "" {
						fs = append(fs, finding(g.ID, "%s has a %s %s rule to %s without a description", g.ID, r.Protocol, r.Ports(), r.Peer()))
					}
				}
			}
			return fs
		}},
	{ID: "NW106", Severity: diag.Error, Title: "Default security group has rules",
		Rationale: "Anything launched without a group lands in the VPC's default group; with rules, it is reachable.",
		Fix:       "Remove every rule from the default group.", Peers: "CKV2_AWS_12",
		run: func(d *design.Design, _ *Engine) []Finding {
			var fs []Finding
			for _, g := range d.SecurityGroups {
				if g.Kind == design.SGDefault && len(g.Ingress)+len(g.Egress) > 0 {
					fs = append(fs, finding(g.ID, "default group %s has %d rules", g.ID, len(g.Ingress)+len(g.Egress)))
				}
			}
			return fs
		}},
	{ID: "NW107", Severity: diag.Error, Title: "NACL return range breaks NAT and load balancer answers",
		Rationale: "NAT gateways and load balancers answer on ports 1024-65535; the common 32768-65535 example drops part of their returns.",
		Fix:       "Open return traffic on 1024-65535.",
		run: func(d *design.Design, _ *Engine) []Finding {
			var fs []Finding
			for _, n := range d.NetworkACLs {
				for dir, rules := range map[string][]design.NACLRule{"inbound": n.Inbound, "outbound": n.Outbound} {
					for _, r := range rules {
						if r.Allow && r.ToPort == 65535 && r.FromPort > 1024 && r.FromPort < 65535 {
							fs = append(fs, finding(n.ID, "%s %s rule %d opens %d-65535 for answers; NAT and ELB use 1024-65535", n.ID, dir, r.Number, r.FromPort))
						}
					}
				}
			}
			return fs
		}},
	{ID: "NW108", Severity: diag.Error, Title: "Tasks in public subnets",
		Rationale: "Tasks in a subnet routed to an internet gateway can be given public addresses and skip every load balancer.",
		Fix:       "Place services in private subnets; only load balancers and NAT belong in public ones.",
		run: func(d *design.Design, e *Engine) []Finding {
			var fs []Finding
			for _, s := range d.Services {
				for _, pl := range s.Placements {
					for _, sid := range pl.Subnets {
						sub := e.subnets[sid]
						if sub == nil {
							continue
						}
						if r := e.tables[sub.RouteTable].RouteFor(clientAddr); r != nil && r.TargetKind == design.TargetInternetGateway {
							fs = append(fs, finding(s.Name, "%s runs in %s, whose route table sends the internet to %s", s.Name, sid, r.Target))
						}
					}
				}
			}
			return fs
		}},
	{ID: "NW109", Severity: diag.Error, Title: "HTTP listener without a redirect to HTTPS",
		Rationale: "Plain HTTP sends credentials and cookies in clear text.",
		Fix:       "Make port 80 redirect to HTTPS 443.", Peers: "CKV_AWS_2, CKV_AWS_103; AVD-AWS-0054",
		run: func(d *design.Design, _ *Engine) []Finding {
			var fs []Finding
			for _, lb := range d.LoadBalancers {
				for _, l := range lb.Listeners {
					if lb.Scheme == design.InternetFacing && l.Protocol == "HTTP" && l.DefaultAction.Type != design.ActionRedirect {
						fs = append(fs, finding(l.ID, "%s serves HTTP on %d without redirecting to HTTPS", lb.ID, l.Port))
					}
				}
			}
			return fs
		}},
	{ID: "NW110", Severity: diag.Error, Title: "TLS policy allows versions below 1.2",
		Rationale: "TLS 1.0 and 1.1 are deprecated and fail compliance scans.",
		Fix:       "Use ELBSecurityPolicy-TLS13-1-2-2021-06 or newer.", Peers: "CKV_AWS_103; AVD-AWS-0047",
		run: func(d *design.Design, _ *Engine) []Finding {
			var fs []Finding
			for _, lb := range d.LoadBalancers {
				for _, l := range lb.Listeners {
					if old := oldTLS(l.SSLPolicy); old != "" {
						fs = append(fs, finding(l.ID, "%s uses %s, which accepts TLS %s", l.ID, l.SSLPolicy, old))
					}
				}
			}
			return fs
		}},
	{ID: "NW111", Severity: diag.Warning, Title: "ALB keeps invalid header fields",
		Rationale: "Dropping invalid headers closes HTTP desync and smuggling tricks.",
		Fix:       "Turn on routing.http.drop_invalid_header_fields.", Peers: "CKV_AWS_131; AVD-AWS-0052",
		run: func(d *design.Design, _ *Engine) []Finding {
			var fs []Finding
			for _, lb := range d.LoadBalancers {
				if lb.Type == design.ALB && !lb.DropInvalidHeaders {
					fs = append(fs, finding(lb.ID, "%s does not drop invalid header fields", lb.ID))
				}
			}
			return fs
		}},
	{ID: "NW112", Severity: diag.Warning, Title: "Deletion protection off in production",
		Rationale: "A load balancer deleted by mistake takes the entry point and its DNS name with it.",
		Fix:       "Turn on deletion protection.", Peers: "CKV_AWS_150",
		run: func(d *design.Design, _ *Engine) []Finding {
			var fs []Finding
			for _, lb := range d.LoadBalancers {
				if d.Environment == "production" && !lb.DeletionProtection {
					fs = append(fs, finding(lb.ID, "%s has no deletion protection in production", lb.ID))
				}
			}
			return fs
		}},
	{ID: "NW113", Severity: diag.Note, Title: "Redundant security group rule",
		Rationale: "Security groups are a union of allow rules, so a rule another covers changes nothing; it is redundant, not shadowed, and hides the real policy.",
		Fix:       "Remove the narrower rule.",
		run: func(d *design.Design, _ *Engine) []Finding {
			var fs []Finding
			for _, g := range d.SecurityGroups {
				for dir, rules := range map[string][]design.SGRule{"ingress": g.Ingress, "egress": g.Egress} {
					for i, r := range rules {
						for j, o := range rules {
							if i != j && sgCovers(o, r) && (!sgCovers(r, o) || j < i) {
								fs = append(fs, finding(g.ID, "%s %s rule %s %s %s is redundant: %s %s %s covers it", g.ID, dir, r.Protocol, r.Ports(), r.Peer(), o.Protocol, o.Ports(), o.Peer()))
								break
							}
						}
					}
				}
			}
			return fs
		}},
	{ID: "NW114", Severity: diag.Warning, Title: "Shadowed NACL rule",
		Rationale: "NACLs stop at the first matching rule; a rule every packet of which an earlier rule decides never applies.",
		Fix:       "Reorder or remove the rule.",
		run: func(d *design.Design, _ *Engine) []Finding {
			var fs []Finding
			for _, n := range d.NetworkACLs {
				for dir, rules := range map[string][]design.NACLRule{"inbound": n.Inbound, "outbound": n.Outbound} {
					sorted := slices.Clone(rules)
					slices.SortFunc(sorted, func(a, b design.NACLRule) int { return a.Number - b.Number })
					for i, r := range sorted {
						for _, o := range sorted[:i] {
							if naclCovers(o, r) {
								fs = append(fs, finding(n.ID, "%s %s rule %d is shadowed by rule %d", n.ID, dir, r.Number, o.Number))
								break
							}
						}
					}
				}
			}
			return fs
		}},
	{ID: "NW115", Severity: diag.Error, Title: "Listener rule can never match",
		Rationale: "ALB tries rules by priority; a rule an earlier one covers never receives traffic, so a route the team believes in does not exist.",
		Fix:       "Narrow the earlier rule or change the priorities.",
		run: func(d *design.Design, _ *Engine) []Finding {
			var fs []Finding
			for _, lb := range d.LoadBalancers {
				for _, l := range lb.Listeners {
					rules := slices.Clone(l.Rules)
					slices.SortFunc(rules, func(a, b design.ListenerRule) int { return a.Priority - b.Priority })
					for i, r := range rules {
						for _, o := range rules[:i] {
							if albrules.Subsumes(&o.Conditions, &r.Conditions) {
								fs = append(fs, Finding{Subject: r.ID, Origin: r.Origin, Summary: fmt.Sprintf("%s (priority %d) can never match: %s (priority %d) catches all its requests", r.Source, r.Priority, o.Source, o.Priority)})
								break
							}
						}
					}
				}
			}
			return fs
		}},
	{ID: "NW116", Severity: diag.Error, Title: "Quota exceeded",
		Rationale: "AWS rejects resources past a quota at deploy time: 60 rules per security group and direction (a rule naming a managed prefix list counts as the list's weight), 5 groups per ENI, 100 rules per ALB, 1,000 Cloud Map instances per service; a NACL direction past 20 entries (the default deny among them) needs an increase, up to 40 (past that, NW133).",
		Fix:       "Use the fallback netwright proposes, or request a quota increase before deploying.",
		run: func(d *design.Design, _ *Engine) []Finding {
			var fs []Finding
			for _, g := range d.SecurityGroups {
				// Counted as AWS counts them: a rule naming a prefix list
				// as the list's weight.
				if in, out := design.RulesWeight(g.Ingress), design.RulesWeight(g.Egress); in > awsfacts.RulesPerSecurityGroup || out > awsfacts.RulesPerSecurityGroup {
					fs = append(fs, finding(g.ID, "%s has ingress rules weighing %d and egress rules weighing %d (a prefix list counts as its weight); the limit is %d each", g.ID, in, out, awsfacts.RulesPerSecurityGroup))
				}
			}
			for _, s := range d.Services {
				for _, p := range s.Placements {
					if len(p.SecurityGroups) > 5 {
						fs = append(fs, finding(s.Name, "%s's tasks carry %d security groups; an ENI takes 5", s.Name, len(p.SecurityGroups)))
					}
				}
			}
			for _, lb := range d.LoadBalancers {
				n := 0
				for _, l := range lb.Listeners {
					n += len(l.Rules)
				}
				if n > 100 {
					fs = append(fs, finding(lb.ID, "%s has %d listener rules; an ALB takes 100", lb.ID, n))
				}
			}
			for _, ns := range d.Namespaces {
				for _, s := range ns.Services {
					if s.MaxInstances > 1000 {
						fs = append(fs, finding(s.ID, "%s may register %d instances; Cloud Map takes 1,000 per service", s.DNSName, s.MaxInstances))
					}
				}
			}
			for _, n := range d.NetworkACLs {
				// Past the maximum no quota helps: NW133's.
				in, out := naclEntries(n.Inbound), naclEntries(n.Outbound)
				if max(in, out) > awsfacts.NACLRulesPerDirection && max(in, out) <= awsfacts.NACLRulesPerDirectionMax {
					f := finding(n.ID, "%s has %d inbound and %d outbound entries with the default deny; the default quota is %d each (raise \"Rules per network ACL\" to %d)",
						n.ID, in, out, awsfacts.NACLRulesPerDirection, max(in, out))
					f = f.as(diag.Warning)
					fs = append(fs, f)
				}
			}
			return fs
		}},
	{ID: "NW117", Severity: diag.Error, Title: "Subnet too small for its tasks",
		Rationale: "ECS places one ENI per task and a rolling deploy runs up to twice the tasks: a full subnet fails deploys and scale-outs.",
		Fix:       "Use a larger subnet, or lower max_replicas.",
		run: func(d *design.Design, _ *Engine) []Finding {
			var fs []Finding
			for _, v := range d.VPCs {
				for _, s := range v.Subnets {
					switch {
					case s.PeakIPs > s.Capacity:
						fs = append(fs, finding(s.ID, "%s needs %d addresses at peak but holds %d", s.ID, s.PeakIPs, s.Capacity))
					case s.PeakIPs+s.HeadroomIPs > s.Capacity:
						f := finding(s.ID, "%s holds its peak of %d addresses but not the %d of headroom", s.ID, s.PeakIPs, s.HeadroomIPs)
						f = f.as(diag.Warning)
						fs = append(fs, f)
					}
				}
			}
			return fs
		}},
	{ID: "NW118", Severity: diag.Warning, Title: "Subnet too fragmented for EKS prefix delegation",
		Rationale: "Prefix delegation needs free, aligned /28 blocks; the blocks holding AWS's reserved addresses are never free, and a subnet can fail with InsufficientCidrBlocks while showing free addresses.",
		Fix:       "Give the subnet room for the prefixes plus two spare /28 blocks, or reserve a CIDR for prefixes.",
		run: func(d *design.Design, _ *Engine) []Finding {
			var fs []Finding
			for _, v := range d.VPCs {
				for _, s := range v.Subnets {
					if !slices.ContainsFunc(s.Demand, func(dm design.Demand) bool { return strings.Contains(dm.What, "prefix delegation") }) {
						continue
					}
					blocks := 1 << (28 - s.CIDR.Bits())
					need := (s.PeakIPs + 15) / 16
					if need > blocks-2 {
						fs = append(fs, finding(s.ID, "%s needs %d aligned /28 prefixes but has %d usable (%d less the 2 holding reserved addresses)", s.ID, need, blocks-2, blocks))
					}
				}
			}
			return fs
		}},
	{ID: "NW119", Severity: diag.Warning, Title: "Timing does not cohere",
		Rationale: "A stopped task must leave DNS answers and target groups before it stops answering, and retries must fit in the route timeout.",
		Fix:       "Make the deregistration delay longer than the time a dead task stays in DNS answers, and attempts x per-try timeout no longer than the route timeout.",
		run: func(d *design.Design, _ *Engine) []Finding {
			var fs []Finding
			// A task ECS stops is deregistered from Cloud Map and its target
			// groups at once, then drains; callers that resolve it by name
			// keep it until ECS's update (about 30 s) and their cached TTL
			// pass, so it must drain at least that long.
			ttl := map[string]time.Duration{}
			for _, ns := range d.Namespaces {
				for _, s := range ns.Services {
					for _, r := range s.Records {
						ttl[s.Service] = max(ttl[s.Service], time.Duration(r.TTL))
					}
				}
			}
			for _, s := range d.Services {
				t, ok := ttl[s.Name]
				need := 30*time.Second + t
				if !ok || callers(d, s.Name) == 0 || fronted(d, s.Name) || time.Duration(s.DeregistrationDelay) >= need {
					continue
				}
				fs = append(fs, finding(s.Name, "%s drains for %s, but callers resolving it by name may keep it for %s (ECS's 30 s update to Cloud Map plus the %s TTL)", s.Name, s.DeregistrationDelay, design.Duration(need), design.Duration(t)))
			}
			if d.Mesh != nil {
				for _, r := range d.Mesh.VirtualRouters {
					for _, rt := range r.Routes {
						if rt.Retry == nil || rt.Timeout == 0 {
							continue
						}
						total := time.Duration(rt.Retry.PerTryTimeout) * time.Duration(rt.Retry.MaxRetries+1)
						if total > time.Duration(rt.Timeout) {
							fs = append(fs, finding(rt.Name, "%s allows %d tries of %s, %s in all, but the route times out after %s", rt.Name, rt.Retry.MaxRetries+1, rt.Retry.PerTryTimeout, design.Duration(total), rt.Timeout))
						}
					}
				}
			}
			return fs
		}},
	{ID: "NW120", Severity: diag.Warning, Title: "Image pulls go through NAT",
		Rationale: "Without ECR and S3 endpoints, every image layer is NAT data processing (aws/copilot-cli #5167: 122 GB in a day).",
		Fix:       "Add the s3 gateway and ecr.api, ecr.dkr interface endpoints.",
		run: func(d *design.Design, _ *Engine) []Finding {
			var fs []Finding
			have := map[string]bool{}
			for _, v := range d.VPCs {
				for _, e := range v.Endpoints {
					have[e.Service] = true
				}
			}
			var missing []string
			for _, e := range []string{"ecr.api", "ecr.dkr", "s3"} {
				if !have[e] {
					missing = append(missing, e)
				}
			}
			if len(missing) > 0 {
				fs = append(fs, finding("endpoints", "no %s endpoint: image pulls cross NAT", strings.Join(missing, ", ")))
			}
			return fs
		}},
	{ID: "NW121", Severity: diag.Warning, Title: "VPC flow logs off",
		Rationale: "Without flow logs, accepted and rejected traffic leaves no trace to investigate.",
		Fix:       "Turn on flow logs for ALL traffic.", Peers: "CKV2_AWS_11; AVD-AWS-0178",
		run: func(d *design.Design, _ *Engine) []Finding {
			var fs []Finding
			for _, v := range d.VPCs {
				if v.FlowLogs == nil {
					fs = append(fs, finding(v.ID, "%s has no flow logs", v.ID))
				}
			}
			return fs
		}},
	{ID: "NW122", Severity: diag.Warning, Title: "Load balancer access logs off",
		Rationale: "Access logs are the record of who called what through the entry point.",
		Fix:       "Send access logs to an S3 bucket.", Peers: "CKV_AWS_91",
		run: func(d *design.Design, _ *Engine) []Finding {
			var fs []Finding
			for _, lb := range d.LoadBalancers {
				if lb.Type != design.GWLB && lb.AccessLogs == nil {
					fs = append(fs, finding(lb.ID, "%s writes no access logs", lb.ID))
				}
			}
			return fs
		}},
	{ID: "NW123", Severity: diag.Warning, Title: "Service not in every AZ",
		Rationale: "With fewer tasks than AZs, some AZ runs none; losing the others leaves the service down.",
		Fix:       "Run at least one task per AZ in production.",
		run: func(d *design.Design, _ *Engine) []Finding {
			var fs []Finding
			if d.Environment != "production" {
				return nil
			}
			for _, s := range d.Services {
				for _, p := range s.Placements {
					if s.Replicas < len(p.Subnets) && s.Kind == design.KindService {
						fs = append(fs, finding(s.Name, "%s runs %d tasks over %d AZs in %s", s.Name, s.Replicas, len(p.Subnets), p.VPC))
					}
				}
			}
			return fs
		}},
	{ID: "NW124", Severity: diag.Warning, Title: "Data subnet routes to the internet",
		Rationale: "Data stores need no internet path; a default route lets a compromised store reach out.",
		Fix:       "Remove the default route from the data tier's route table.",
		run: func(d *design.Design, e *Engine) []Finding {
			var fs []Finding
			for _, v := range d.VPCs {
				for _, s := range v.Subnets {
					if s.Tier != design.TierData {
						continue
					}
					if r := e.tables[s.RouteTable].RouteFor(clientAddr); r != nil && (r.TargetKind == design.TargetNATGateway || r.TargetKind == design.TargetInternetGateway) {
						f := finding(s.ID, "data subnet %s routes the internet to %s", s.ID, r.Target)
						f = f.as(diag.Error)
						fs = append(fs, f)
					}
				}
			}
			return fs
		}},
	{ID: "NW125", Severity: diag.Warning, Title: "No outlier detection or circuit breaking between services",
		Rationale: "A failing task keeps its share of calls until its health check fails unless a proxy ejects it after a few errors. ECS Service Connect's Envoy does outlier detection on its own; VPC Lattice and calls without a mesh do not.",
		Fix:       "Use mesh.target service_connect on ECS, or keep health check intervals short and retry in the clients.",
		run: func(d *design.Design, _ *Engine) []Finding {
			if d.Mesh == nil || d.Environment != "production" || d.Mesh.Target == "service_connect" {
				return nil
			}
			var without []string
			for _, n := range d.Mesh.VirtualNodes {
				if callers(d, n.Service) > 0 {
					without = append(without, n.Service)
				}
			}
			if len(without) == 0 {
				return nil
			}
			return []Finding{finding("mesh", "calls to %s have no outlier detection (mesh.target %s)", strings.Join(without, ", "), d.Mesh.Target)}
		}},
}

func listens(lb *design.LoadBalancer, from, to int) bool {
	for _, l := range lb.Listeners {
		if l.Port >= from && l.Port <= to {
			return true
		}
	}
	return false
}

// preservesClients reports whether a group belongs to a service behind an
// internet-facing NLB that keeps client addresses, which AWS requires the
// target to admit.
func preservesClients(d *design.Design, g design.SecurityGroup) bool {
	for _, tg := range d.TargetGroups {
		if tg.PreserveClientIP && tg.Service == g.Owner {
			return true
		}
	}
	return false
}

// fronted reports whether an internal load balancer carries the calls to
// a service, so callers never hold its tasks' addresses.
func fronted(d *design.Design, svc string) bool {
	for _, v := range d.VPCs {
		if lb, _, _ := frontOf(d, svc, v.ID); lb != nil {
			return true
		}
	}
	return false
}

func callers(d *design.Design, svc string) int {
	n := 0
	for _, f := range d.Flows {
		if f.Kind == design.FlowService && f.To == svc {
			n++
		}
	}
	return n
}

func oldTLS(policy string) string {
	switch {
	case policy == "":
		return ""
	case strings.Contains(policy, "TLS13-1-0") || strings.Contains(policy, "TLS-1-0") || policy == "ELBSecurityPolicy-2016-08" || policy == "ELBSecurityPolicy-2015-05" || policy == "ELBSecurityPolicy-FS-2018-06":
		return "1.0"
	case strings.Contains(policy, "1-1"):
		return "1.1"
	}
	return ""
}

func sgCovers(a, b design.SGRule) bool {
	if a.Protocol != b.Protocol || a.FromPort > b.FromPort || a.ToPort < b.ToPort {
		return false
	}
	switch {
	case a.PeerGroup != "" || b.PeerGroup != "":
		return a.PeerGroup == b.PeerGroup
	case a.PeerPrefixList != "" || b.PeerPrefixList != "":
		return a.PeerPrefixList == b.PeerPrefixList
	}
	return a.PeerCIDR.Bits() <= b.PeerCIDR.Bits() && a.PeerCIDR.Contains(b.PeerCIDR.Addr())
}

func naclCovers(a, b design.NACLRule) bool {
	ports := func(r design.NACLRule) portset.Set {
		if r.Protocol == "all" {
			return portset.All()
		}
		return portset.Of(r.FromPort, r.ToPort)
	}
	return (a.Protocol == "all" || a.Protocol == b.Protocol) && ports(a).ContainsSet(ports(b)) &&
		a.CIDR.Bits() <= b.CIDR.Bits() && a.CIDR.Contains(b.CIDR.Addr())
}
