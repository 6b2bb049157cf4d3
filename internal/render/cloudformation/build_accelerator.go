package cloudformation

import (
	"fmt"
	"strings"

	"github.com/netwright/netwright/internal/design"
)

// AcceleratorRegion is where Global Accelerator's control plane lives:
// accelerators, listeners and endpoint groups are created through
// us-west-2 whatever Regions their endpoints are in.
const AcceleratorRegion = "us-west-2"

// acceleratorZoneID is the Route 53 hosted zone of every accelerator's
// DNS name, the one alias records to an accelerator name.
const acceleratorZoneID = "Z2BJ6XQ5FK7U4H"

// acceleratorEndpoint reports whether the load balancer is an endpoint of
// the design's accelerator, so its stack exports the ARN the accelerator's
// stack is given.
func acceleratorEndpoint(d *design.Design, lb string) bool {
	if d.Global == nil || d.Global.Accelerator == nil {
		return false
	}
	for _, eg := range d.Global.Accelerator.EndpointGroups {
		for _, e := range eg.Endpoints {
			if e == lb {
				return true
			}
		}
	}
	return false
}

// accelerator renders the Global Accelerator and the domain's record in
// their own template, deployed in us-west-2 after the Regional stacks:
// CloudFormation cannot reference across Regions, so each endpoint's
// load balancer ARN is a parameter, given from that Region's stack output
// of the same name.
func accelerator(d *design.Design) (File, error) {
	g, acc := d.Global, d.Global.Accelerator
	b := &builder{d: d, region: AcceleratorRegion, t: &Template{AWSTemplateFormatVersion: "2010-09-09",
		Description: fmt.Sprintf("netwright design of %s (%s): Global Accelerator in front of %s, deployed in %s after the Regional stacks", d.App, d.Environment, strings.Join(d.Regions, ", "), AcceleratorRegion),
		Resources:   map[string]Resource{}}}
	aid := logicalID(acc.ID)
	b.add(aid, "AWS::GlobalAccelerator::Accelerator", gaAccelerator{Name: acc.Name, IpAddressType: "IPV4", Enabled: true, Tags: tags(acc.Name)})
	for _, l := range acc.Listeners {
		lid := fmt.Sprintf("%sListener%d", aid, l.Port)
		b.add(lid, "AWS::GlobalAccelerator::Listener", gaListener{AcceleratorArn: ref(aid), Protocol: l.Protocol,
			PortRanges: []gaPortRange{{FromPort: l.Port, ToPort: l.Port}}, ClientAffinity: "NONE"})
		for _, eg := range acc.EndpointGroups {
			var eps []gaEndpoint
			for _, e := range eg.Endpoints {
				p := logicalID(e) + "Arn"
				b.param(p, "String", fmt.Sprintf("ARN of the load balancer %s: output %s of the %s-%s stack", e, p, d.App, eg.Region), "")
				// Load balancer endpoints are health-checked by their own
				// target groups; the group's health-check settings apply
				// only to EC2 and Elastic IP endpoints, so none are set.
				eps = append(eps, gaEndpoint{EndpointId: ref(p), ClientIPPreservationEnabled: true})
			}
			dial := eg.TrafficDial
			b.add(fmt.Sprintf("%s%s", lid, logicalID(eg.Region)), "AWS::GlobalAccelerator::EndpointGroup", gaEndpointGroup{ListenerArn: ref(lid),
				EndpointGroupRegion: eg.Region, TrafficDialPercentage: &dial, EndpointConfigurations: eps})
		}
	}
	b.param("HostedZoneId", "AWS::Route53::HostedZone::Id", "public hosted zone that holds "+g.Domain, "")
	for k, r := range g.Records {
		b.add(fmt.Sprintf("%sRecord%d", logicalID("global-"+d.App), k), "AWS::Route53::RecordSet", recordSet{HostedZoneId: ref("HostedZoneId"), Name: g.Domain + ".", Type: r.Type,
			AliasTarget: aliasTarget{DNSName: getAtt(aid, "DnsName"), HostedZoneId: acceleratorZoneID, EvaluateTargetHealth: r.EvaluateTargetHealth}})
	}
	b.output(aid+"DnsName", "DNS name of the accelerator "+acc.Name, getAtt(aid, "DnsName"))
	b.output(aid+"Ipv4Addresses", "the accelerator's two static anycast addresses", map[string]any{"Fn::Join": []any{",", getAtt(aid, "Ipv4Addresses")}})
	return File{Name: d.App + "-global", Region: AcceleratorRegion, Template: b.t}, b.err
}
