package plan

import (
	"fmt"
	"slices"
	"strings"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/spec"
)

// Configuration scanners' check IDs (trivy's AVD IDs, checkov's) for what
// a netwright design does on purpose. docs/checks.md lists each with the
// reason the design gives.
const (
	trivyPublicEgress    = "AVD-AWS-0104" // security group egress to 0.0.0.0/0
	trivyNACLAllPorts    = "AVD-AWS-0102" // NACL rule for every protocol and port
	trivyNACLRemoteAdmin = "AVD-AWS-0105" // NACL ingress from 0.0.0.0/0 covering 22 or 3389
	trivyPublicLB        = "AVD-AWS-0053" // internet-facing load balancer
	trivyHTTPListener    = "AVD-AWS-0054" // listener without TLS
	trivyBucketCMK       = "AVD-AWS-0132" // bucket without a customer-managed key
	trivyInsights        = "AVD-AWS-0034" // ECS cluster without Container Insights
	checkovNACLAllPorts  = "CKV_AWS_352"  // NACL ingress for all ports
	checkovHTTPListener  = "CKV_AWS_2"    // ALB listener protocol HTTPS
	checkovBucketCMK     = "CKV_AWS_145"  // bucket encrypted with KMS by default
	checkovInsights      = "CKV_AWS_65"   // ECS cluster Container Insights
	trivyCloudFrontWAF   = "AVD-AWS-0011" // CloudFront distribution without a WAF web ACL
	checkovCloudFrontWAF = "CKV_AWS_68"   // CloudFront distribution with WAF enabled
)

// removable ends a waiver's reason for NAT egress that the missing
// endpoints alone make.
const removable = "; add the endpoints to remove this rule"

// waivers records, on each resource a configuration scanner flags and the
// design means as it is, why: exporters write it in the scanners' inline
// form beside the resource. Where a finding is a weakness, the design
// removes it instead (Container Insights is on in production; tasks on
// ECS on EC2 and EKS have no NAT egress for image pulls).
func (p *planner) waivers() {
	inspected := p.spec.Inspection != nil && slices.Contains(p.spec.Inspection.Flows, "egress")
	for gi := range p.d.SecurityGroups {
		g := &p.d.SecurityGroups[gi]
		for ri := range g.Egress {
			r := &g.Egress[ri]
			if !r.PeerCIDR.IsValid() || r.PeerCIDR.Bits() != 0 || r.Waiver != nil && len(r.Flows) == 0 && len(p.missingStartup) == 0 {
				continue // no rule, or one that says its own reason (controllerAPIs)
			}
			var hosts, owners []string
			for _, id := range r.Flows {
				if f := p.flowByID(id); f.Kind == design.FlowEgress {
					hosts = append(hosts, fmt.Sprintf("%s:%d", f.Destination, f.Port))
					if o := "services." + f.From + ".egress"; !slices.Contains(owners, o) {
						owners = append(owners, o)
					}
				}
			}
			// A rule the controllers' NAT egress made says its own reason
			// (controllerAPIs); other reasons merged into it are added.
			prior := ""
			if r.Waiver != nil {
				prior = r.Waiver.Reason
			}
			var why string
			switch {
			case len(hosts) > 0:
				why = fmt.Sprintf("declared egress to %s (%s): a host name, and a security group takes addresses only; the rule opens tcp %s alone, through NAT", strings.Join(hosts, ", "), strings.Join(owners, ", "), r.Ports())
				if inspected {
					why += fmt.Sprintf(", and the %s appliances inspect it on the way out (inspection.flows egress)", p.spec.Inspection.Appliance)
				}
			case prior != "":
				why = fmt.Sprintf("network.endpoints lacks %s: image pulls and AWS calls also reach AWS's public endpoints through NAT on tcp 443", strings.Join(p.missingStartup, ", "))
			default:
				why = fmt.Sprintf("network.endpoints lacks %s: image pulls and AWS calls reach AWS's public endpoints through NAT on tcp 443"+removable, strings.Join(p.missingStartup, ", "))
			}
			if prior != "" && !strings.Contains(prior, why) {
				if len(hosts) > 0 {
					// The declared egress keeps the rule whatever the
					// endpoints.
					prior = strings.TrimSuffix(prior, removable)
				}
				why = prior + "; " + why
			}
			r.Waiver = &design.Waiver{Checks: []string{trivyPublicEgress}, Reason: why}
		}
	}
	for ni := range p.d.NetworkACLs {
		n := &p.d.NetworkACLs[ni]
		open := n.Tier == design.TierTransit || n.Tier == design.TierFirewall
		for k, rules := range [][]design.NACLRule{n.Inbound, n.Outbound} {
			inbound := k == 0
			for ri := range rules {
				r := &rules[ri]
				switch {
				case open && r.Protocol == "all" && r.Allow:
					why := "Transit Gateway attachment subnets: AWS advises their NACL stay open both ways; the traffic is filtered in the subnets it comes from and goes to"
					if n.Tier == design.TierFirewall {
						why = "GWLB endpoint subnets carry every inspected flow to the appliances, which filter it; the flows' own subnets filter them as well"
					}
					r.Waiver = &design.Waiver{Checks: []string{trivyNACLAllPorts, trivyNACLRemoteAdmin, checkovNACLAllPorts}, Reason: why}
				case inbound && r.Allow && r.Protocol == "tcp" && r.CIDR.Bits() == 0 && (r.FromPort <= 22 && r.ToPort >= 22 || r.FromPort <= 3389 && r.ToPort >= 3389):
					r.Waiver = &design.Waiver{Checks: []string{trivyNACLRemoteAdmin},
						Reason: "answers to connections the subnet opened, on the ephemeral ports NAT gateways and load balancers answer on (1024-65535; NACLs are stateless); the security groups admit no SSH or RDP"}
				}
			}
		}
	}
	for li := range p.d.LoadBalancers {
		lb := &p.d.LoadBalancers[li]
		if lb.Scheme == design.InternetFacing {
			var public []string
			for _, tgID := range lbTargetGroups(lb) {
				public = append(public, p.targetGroupByID(tgID).Service)
			}
			slices.Sort(public)
			lb.Waiver = &design.Waiver{Checks: []string{trivyPublicLB},
				Reason: fmt.Sprintf("internet-facing on purpose: it serves the public services (%s); its security group admits only its listeners' ports", strings.Join(slices.Compact(public), ", "))}
		}
		if a := lb.AccessLogs; a != nil {
			a.Waiver = &design.Waiver{Checks: []string{trivyBucketCMK, checkovBucketCMK},
				Reason: "Elastic Load Balancing writes access logs only to a bucket encrypted with S3-managed keys (SSE-S3); a KMS key is not supported"}
		}
		for k := range lb.Listeners {
			l := &lb.Listeners[k]
			if lb.Type == design.ALB && l.Protocol == "HTTP" && l.DefaultAction.Type != design.ActionRedirect {
				l.Waiver = &design.Waiver{Checks: []string{trivyHTTPListener, checkovHTTPListener},
					Reason: "an internal listener inside the VPC: only the declared callers' groups reach it; HTTPS here would need a certificate for an internal name from a private certificate authority"}
			}
		}
	}
	switch {
	case p.spec.Network.Compute == spec.ComputeEKS:
	case p.spec.Environment == "production":
		p.d.ContainerInsights = true
	default:
		p.d.InsightsWaiver = &design.Waiver{Checks: []string{trivyInsights, checkovInsights},
			Reason: fmt.Sprintf("Container Insights is on in production only (it is billed per metric); this is environment %s", p.spec.Environment)}
	}
}

// lbTargetGroups returns the target groups a load balancer's listeners
// forward to, in order.
func lbTargetGroups(lb *design.LoadBalancer) []string {
	var out []string
	for _, l := range lb.Listeners {
		for _, id := range forwardedTargetGroups(l) {
			if !slices.Contains(out, id) {
				out = append(out, id)
			}
		}
	}
	return out
}
