package cloudformation

import (
	"fmt"
	"net/netip"
	"slices"
	"time"

	"github.com/netwright/netwright/internal/design"
)

// builder collects one Region's template.
type builder struct {
	d      *design.Design
	region string
	t      *Template
	notes  *[]string
	// err is the first logical ID two resources both claimed.
	err error
}

func (b *builder) add(id, typ string, props any, dependsOn ...string) {
	if old, dup := b.t.Resources[id]; dup && b.err == nil {
		b.err = fmt.Errorf("two resources (%s and %s) get the logical ID %s; rename one of the names they come from", old.Type, typ, id)
	}
	b.t.Resources[id] = Resource{Type: typ, Properties: props, DependsOn: dependsOn}
}

func (b *builder) param(id, typ, desc, def string) {
	if b.t.Parameters == nil {
		b.t.Parameters = map[string]Parameter{}
	}
	b.t.Parameters[id] = Parameter{Type: typ, Description: desc, Default: def}
}

func (b *builder) output(id, desc string, value any) {
	if b.t.Outputs == nil {
		b.t.Outputs = map[string]Output{}
	}
	o := Output{Description: desc, Value: value}
	o.Export = &struct {
		Name any `json:"Name"`
	}{Name: sub("${AWS::StackName}-" + id)}
	b.t.Outputs[id] = o
}

// Build renders the design as one template per Region, and notes on what
// it left out.
func Build(d *design.Design) ([]File, []string, error) {
	var files []File
	var notes []string
	for _, region := range d.Regions {
		b := &builder{d: d, region: region, notes: &notes,
			t: &Template{AWSTemplateFormatVersion: "2010-09-09",
				Description: fmt.Sprintf("netwright design of %s (%s) in %s", d.App, d.Environment, region),
				Resources:   map[string]Resource{}}}
		b.network()
		b.transit()
		b.security()
		b.loadBalancing()
		b.discovery()
		b.lattice()
		b.ecs()
		b.global()
		if b.err != nil {
			return nil, nil, b.err
		}
		f := File{Name: d.App + "-" + region, Region: region, Template: b.t}
		j, err := b.t.JSON()
		if err != nil {
			return nil, nil, err
		}
		if len(b.t.Resources) <= MaxResources && len(j) <= MaxTemplateBytes && len(b.t.Parameters) <= MaxParameters && len(b.t.Outputs) <= MaxOutputs {
			files = append(files, f)
			continue
		}
		parts, err := split(f)
		if err != nil {
			return nil, nil, err
		}
		for _, p := range parts {
			if pj, err := p.Template.JSON(); err != nil || len(pj) > MaxTemplateBytes {
				return nil, nil, fmt.Errorf("the %s template is larger than CloudFormation's 1 MB even split by layer; split the application into several specs", p.Name)
			}
		}
		notes = append(notes, fmt.Sprintf("The %s template passed CloudFormation's limits (%d resources), so it is split into a parent stack and nested stacks per layer: upload the *-network, *-security, *-loadbalancing and *-services templates to S3 and give their URL prefix as TemplateBaseURL.", region, len(b.t.Resources)))
		files = append(files, parts...)
	}
	if d.Global != nil && d.Global.Accelerator != nil {
		f, err := accelerator(d)
		if err != nil {
			return nil, nil, err
		}
		files = append(files, f)
		notes = append(notes, fmt.Sprintf("Deploy %s-global in %s after the Regional stacks: it takes each endpoint load balancer's ARN from the output of the same name in its Region's stack (CloudFormation cannot reference across Regions).", d.App, AcceleratorRegion))
	}
	if d.Compute == "eks" {
		notes = append(notes, "compute eks: the network, load balancers and discovery are exported; the EKS cluster and workloads are not (use eksctl or Terraform's EKS module on these subnets).")
	}
	slices.Sort(notes)
	return files, slices.Compact(notes), nil
}

func (b *builder) vpcs() []*design.VPC {
	var out []*design.VPC
	for i := range b.d.VPCs {
		if b.d.VPCs[i].Region == b.region {
			out = append(out, &b.d.VPCs[i])
		}
	}
	return out
}

func (b *builder) inRegion(vpc string) bool {
	v := b.d.VPC(vpc)
	return v != nil && v.Region == b.region
}

func (b *builder) network() {
	for _, v := range b.vpcs() {
		vid := logicalID(v.ID)
		b.add(vid, "AWS::EC2::VPC", vpc{CidrBlock: v.CIDR.String(), EnableDnsSupport: v.DNSSupport, EnableDnsHostnames: v.DNSHostnames, Tags: tags(v.Name)})
		b.output(vid+"Id", "VPC "+v.Name, ref(vid))
		// Secondary blocks; a subnet in one waits for its association.
		blockID := map[netip.Prefix]string{}
		for k, c := range v.SecondaryCIDRs {
			blockID[c] = fmt.Sprintf("%sCidrBlock%d", vid, k+2)
			b.add(blockID[c], "AWS::EC2::VPCCidrBlock", vpcCidrBlock{VpcId: ref(vid), CidrBlock: c.String()})
		}
		for _, s := range v.Subnets {
			sid := logicalID(s.ID)
			var deps []string
			if blk, ok := v.BlockHolding(s.CIDR); ok && blockID[blk] != "" {
				deps = append(deps, blockID[blk])
			}
			b.add(sid, "AWS::EC2::Subnet", subnet{VpcId: ref(vid), CidrBlock: s.CIDR.String(), AvailabilityZone: azByIndex(s.AZIndex), Tags: tags(s.Name)}, deps...)
			b.add(sid+"RouteTableAssociation", "AWS::EC2::SubnetRouteTableAssociation", subnetRouteTableAssociation{SubnetId: ref(sid), RouteTableId: ref(logicalID(s.RouteTable))})
		}
		if v.InternetGateway != "" {
			igw := logicalID(v.InternetGateway)
			b.add(igw, "AWS::EC2::InternetGateway", internetGateway{Tags: tags(v.Name)})
			b.add(igw+"Attachment", "AWS::EC2::VPCGatewayAttachment", vpcGatewayAttachment{VpcId: ref(vid), InternetGatewayId: ref(igw)})
		}
		for _, n := range v.NATGateways {
			nid := logicalID(n.ID)
			b.add(nid+"EIP", "AWS::EC2::EIP", eip{Domain: "vpc", Tags: tags(n.ID)}, logicalID(v.InternetGateway)+"Attachment")
			b.add(nid, "AWS::EC2::NatGateway", natGateway{AllocationId: getAtt(nid+"EIP", "AllocationId"), SubnetId: ref(logicalID(n.Subnet)), Tags: tags(n.ID)})
		}
		for _, rt := range v.RouteTables {
			rid := logicalID(rt.ID)
			b.add(rid, "AWS::EC2::RouteTable", routeTable{VpcId: ref(vid), Tags: tags(rt.Name)})
			if rt.EdgeGateway != "" {
				b.add(rid+"EdgeAssociation", "AWS::EC2::GatewayRouteTableAssociation", gatewayRouteTableAssociation{GatewayId: ref(logicalID(rt.EdgeGateway)), RouteTableId: ref(rid)})
			}
			locals := 0
			for k, r := range rt.Routes {
				if r.TargetKind == design.TargetLocal {
					locals++
					continue // implicit, one per block
				}
				if r.TargetKind == design.TargetGatewayEndpoint {
					continue // added by the endpoint's RouteTableIds
				}
				// Numbered as if the table had one local route, so a
				// secondary block renames no route.
				k := k - locals + 1
				props := route{RouteTableId: ref(rid), DestinationCidrBlock: r.Destination.String()}
				var deps []string
				switch r.TargetKind {
				case design.TargetInternetGateway:
					props.GatewayId = ref(logicalID(r.Target))
					deps = append(deps, logicalID(r.Target)+"Attachment")
				case design.TargetNATGateway:
					props.NatGatewayId = ref(logicalID(r.Target))
				case design.TargetTransitGateway:
					props.TransitGatewayId = ref(logicalID(r.Target))
					deps = append(deps, logicalID("tgw-attach-"+v.Name))
				case design.TargetGWLBEndpoint:
					props.VpcEndpointId = ref(logicalID(r.Target))
				}
				b.add(fmt.Sprintf("%sRoute%d", rid, k), "AWS::EC2::Route", props, deps...)
			}
		}
		for _, e := range v.Endpoints {
			eid := logicalID(e.ID)
			props := vpcEndpoint{VpcId: ref(vid), ServiceName: sub("com.amazonaws.${AWS::Region}." + e.Service)}
			if e.Kind == design.EndpointGateway {
				props.VpcEndpointType = "Gateway"
				props.RouteTableIds = refs(e.RouteTables)
			} else {
				yes := e.PrivateDNS
				props.VpcEndpointType = "Interface"
				props.SubnetIds = refs(e.Subnets)
				props.SecurityGroupIds = []any{ref(logicalID("sg-" + v.Name + "-endpoints"))}
				props.PrivateDnsEnabled = &yes
			}
			b.add(eid, "AWS::EC2::VPCEndpoint", props)
		}
		if fl := v.FlowLogs; fl != nil {
			fid := logicalID(fl.ID)
			b.add(fid+"LogGroup", "AWS::Logs::LogGroup", logGroup{LogGroupName: fl.LogGroup, RetentionInDays: fl.RetentionDays})
			b.add(fid+"Role", "AWS::IAM::Role", iamRole{
				AssumeRolePolicyDocument: policy("Allow", map[string]any{"Service": "vpc-flow-logs.amazonaws.com"}, "sts:AssumeRole", nil),
				Policies: []iamPolicy{{PolicyName: "write-flow-logs", PolicyDocument: policy("Allow", nil,
					[]string{"logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"}, getAtt(fid+"LogGroup", "Arn"))}},
			})
			b.add(fid, "AWS::EC2::FlowLog", flowLog{ResourceId: ref(vid), ResourceType: "VPC", TrafficType: fl.TrafficType, LogDestinationType: "cloud-watch-logs",
				LogGroupName: ref(fid + "LogGroup"), DeliverLogsPermissionArn: getAtt(fid+"Role", "Arn"), MaxAggregationInterval: fl.MaxAggregationSeconds})
		}
	}
	for _, n := range b.d.NetworkACLs {
		if !b.inRegion(n.VPC) {
			continue
		}
		nid := logicalID(n.ID)
		b.add(nid, "AWS::EC2::NetworkAcl", networkACL{VpcId: ref(logicalID(n.VPC)), Tags: tags(n.Name)})
		for _, s := range n.Subnets {
			b.add(logicalID(s)+"NetworkAclAssociation", "AWS::EC2::SubnetNetworkAclAssociation", subnetNetworkACLAssociation{SubnetId: ref(logicalID(s)), NetworkAclId: ref(nid)})
		}
		for _, dir := range []struct {
			egress bool
			rules  []design.NACLRule
			word   string
		}{{false, n.Inbound, "In"}, {true, n.Outbound, "Out"}} {
			for _, r := range dir.rules {
				e := networkACLEntry{NetworkAclId: ref(nid), RuleNumber: r.Number, Protocol: protocolNumber(r.Protocol), RuleAction: "allow", Egress: dir.egress, CidrBlock: r.CIDR.String()}
				if !r.Allow {
					e.RuleAction = "deny"
				}
				if r.Protocol != "all" {
					e.PortRange = &portRange{From: r.FromPort, To: r.ToPort}
				}
				b.add(fmt.Sprintf("%s%s%d", nid, dir.word, r.Number), "AWS::EC2::NetworkAclEntry", e)
			}
		}
	}
}

// protocolNumber is the IP protocol number a NACL entry takes.
func protocolNumber(p string) int {
	switch p {
	case "tcp":
		return 6
	case "udp":
		return 17
	case "icmp":
		return 1
	}
	return -1
}

func policy(effect string, principal map[string]any, action any, resource any) any {
	st := map[string]any{"Effect": effect, "Action": action}
	if principal != nil {
		st["Principal"] = principal
	}
	if resource != nil {
		st["Resource"] = resource
	}
	return map[string]any{"Version": "2012-10-17", "Statement": []any{st}}
}

func (b *builder) transit() {
	for _, t := range b.d.TransitGateways {
		if t.Region != b.region {
			continue
		}
		tid := logicalID(t.ID)
		props := transitGateway{AmazonSideAsn: t.ASN, DefaultRouteTableAssociation: "disable", DefaultRouteTablePropagation: "disable", Tags: tags(t.ID)}
		if t.SecurityGroupReferencing {
			props.SecurityGroupReferencingSupport = "enable"
		}
		b.add(tid, "AWS::EC2::TransitGateway", props)
		for _, a := range t.Attachments {
			att := tgwVPCAttachment{TransitGatewayId: ref(tid), VpcId: ref(logicalID(a.VPC)), SubnetIds: refs(a.Subnets)}
			if a.ApplianceMode {
				att.Options = &tgwAttachmentOptions{ApplianceModeSupport: "enable"}
			}
			b.add(logicalID(a.ID), "AWS::EC2::TransitGatewayVpcAttachment", att)
		}
		for _, p := range b.d.TransitGatewayPeerings {
			if p.Requester != t.ID {
				continue
			}
			peer := ""
			for _, o := range b.d.TransitGateways {
				if o.ID == p.Accepter {
					peer = o.Region
				}
			}
			param := logicalID(p.Accepter) + "Id"
			b.param(param, "String", fmt.Sprintf("ID of %s in %s, from that Region's stack output %sId", p.Accepter, peer, logicalID(p.Accepter)), "")
			b.param("PeerAccountId", "String", "account that owns the peer Transit Gateways", "")
			b.add(logicalID(p.ID), "AWS::EC2::TransitGatewayPeeringAttachment", tgwPeeringAttachment{TransitGatewayId: ref(tid), PeerTransitGatewayId: ref(param), PeerRegion: peer, PeerAccountId: ref("PeerAccountId")})
			*b.notes = append(*b.notes, "Transit Gateway peering: the accepter Region's stack must accept each peering attachment (AWS::EC2::TransitGatewayPeeringAttachment is created by the requester) before its routes work.")
		}
		b.output(tid+"Id", "Transit Gateway "+t.ID, ref(tid))
		for _, rt := range t.RouteTables {
			rid := logicalID(rt.ID)
			b.add(rid, "AWS::EC2::TransitGatewayRouteTable", tgwRouteTable{TransitGatewayId: ref(tid)})
			for _, a := range rt.Associations {
				if b.ownsAttachment(a) {
					b.add(rid+logicalID(a)+"Association", "AWS::EC2::TransitGatewayRouteTableAssociation", tgwRouteTableAssociation{TransitGatewayAttachmentId: ref(logicalID(a)), TransitGatewayRouteTableId: ref(rid)})
				}
			}
			for k, r := range rt.Routes {
				b.add(fmt.Sprintf("%sRoute%d", rid, k), "AWS::EC2::TransitGatewayRoute", tgwRoute{TransitGatewayRouteTableId: ref(rid), DestinationCidrBlock: r.Destination.String(), TransitGatewayAttachmentId: b.attachmentRef(r.Attachment)})
			}
		}
	}
}

// ownsAttachment reports whether this Region's template creates the
// attachment: its VPC attachments, and the peerings it requests.
func (b *builder) ownsAttachment(id string) bool {
	for _, t := range b.d.TransitGateways {
		for _, a := range t.Attachments {
			if a.ID == id {
				return t.Region == b.region
			}
		}
	}
	for _, p := range b.d.TransitGatewayPeerings {
		if p.ID == id {
			for _, t := range b.d.TransitGateways {
				if t.ID == p.Requester {
					return t.Region == b.region
				}
			}
		}
	}
	return false
}

// attachmentRef refers to an attachment this template owns, or to a
// parameter naming one another Region's stack made.
func (b *builder) attachmentRef(id string) any {
	if b.ownsAttachment(id) {
		return ref(logicalID(id))
	}
	param := logicalID(id) + "Id"
	b.param(param, "String", "ID of the Transit Gateway attachment "+id+", from the Region that created it", "")
	return ref(param)
}

func itoa(n int) string { return fmt.Sprint(n) }

func lbName(s string) string {
	if len(s) <= 32 {
		return s
	}
	return s[:32]
}

func seconds(d design.Duration) int { return int(time.Duration(d) / time.Second) }
