package cloudformation

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/netwright/netwright/internal/design"
)

// builder collects one stack's template: a Region's base stack, or one of
// its Transit Gateway peering stacks.
type builder struct {
	d      *design.Design
	region string
	// stage is the design's deployment stage the template makes.
	stage design.Stage
	t     *Template
	notes *[]string
	// err is the first logical ID two resources both claimed, or the first
	// value the stage uses that the deployment does not pass it.
	err error
}

func (b *builder) add(id, typ string, props any, dependsOn ...string) {
	if old, dup := b.t.Resources[id]; dup && b.err == nil {
		b.err = fmt.Errorf("two resources (%s and %s) get the logical ID %s; rename one of the names they come from", old.Type, typ, id)
	}
	b.t.Resources[id] = Resource{Type: typ, Properties: props, DependsOn: dependsOn}
}

// waive writes waivers on a resource in the scanners' inline forms:
// trivy's "trivy:ignore:ID reason" comments above it (in the YAML
// template; trivy reads no ignores in JSON, see the export's
// .trivyignore.yaml), and checkov's Metadata skips, which it reads in both.
func (b *builder) waive(id string, waivers ...*design.Waiver) {
	r, ok := b.t.Resources[id]
	if !ok {
		return
	}
	var skips []any
	for _, w := range waivers {
		if w == nil {
			continue
		}
		for _, c := range w.Checks {
			if strings.HasPrefix(c, "CKV") {
				skips = append(skips, map[string]any{"id": c, "comment": w.Reason})
			} else {
				r.Comments = append(r.Comments, "trivy:ignore:"+c+" "+w.Reason)
			}
		}
	}
	if len(skips) > 0 {
		r.Metadata = map[string]any{"checkov": map[string]any{"skip": skips}}
	}
	b.t.Resources[id] = r
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

func (b *builder) newTemplate(description string) {
	b.t = &Template{AWSTemplateFormatVersion: "2010-09-09", Description: description, Resources: map[string]Resource{}}
}

// Build renders the design as CloudFormation stacks in the order they
// deploy (the design's deployment stages): each Region's base stack, then
// the stacks of any Transit Gateway peering stages, then the Global
// Accelerator's stack. An accept stage has no stack: Readme gives its
// command. The notes say what the templates leave out.
func Build(d *design.Design) ([]File, []string, error) {
	if err := deployable(d); err != nil {
		return nil, nil, err
	}
	var files []File
	var notes []string
	for _, stage := range d.Stages() {
		region := stage.Region
		b := &builder{d: d, region: region, stage: stage, notes: &notes}
		switch stage.Kind {
		case design.StagePeeringAccept:
			continue
		case design.StagePeeringRequest, design.StagePeeringRoutes:
			b.newTemplate(fmt.Sprintf("netwright design of %s (%s) in %s: %s", d.App, d.Environment, region, stageWhat[stage.Kind]))
			b.transit()
			b.outputsTaken()
			if b.err != nil {
				return nil, nil, b.err
			}
			files = append(files, File{Name: StackName(d, stage), Region: region, Stage: stage.ID, Template: b.t})
			continue
		}
		b.newTemplate(fmt.Sprintf("netwright design of %s (%s) in %s", d.App, d.Environment, region))
		b.network()
		b.privateZones()
		b.transit()
		b.sites()
		b.security()
		b.resolver()
		b.loadBalancing()
		b.distribution()
		b.discovery()
		b.lattice()
		b.ecs()
		b.clusterOutputs()
		b.global()
		b.outputsTaken()
		if b.err != nil {
			return nil, nil, b.err
		}
		f := File{Name: StackName(d, stage), Region: region, Stage: stage.ID, Template: b.t}
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
	for _, r := range d.Regions {
		f, err := sitesTemplate(d, r, &notes)
		if err != nil {
			return nil, nil, err
		}
		if f != nil {
			files = append(files, *f)
			notes = append(notes, fmt.Sprintf("Deploy %s after %s: it associates the sites' Transit Gateway attachments, which CloudFormation does not return, so each is a parameter the command in its description looks up (%s says the order).", f.Name, StackName(d, design.Stage{Kind: design.StageBase, Region: r}), ReadmeName(d)))
		}
	}
	for _, r := range d.Regions {
		f, err := clusterTemplate(d, r, &notes)
		if err != nil {
			return nil, nil, err
		}
		if f != nil {
			files = append(files, *f)
			notes = append(notes, fmt.Sprintf("Deploy %s after %s and after the EKS cluster exists on its subnets: it associates the pods' roles with their service accounts (EKS Pod Identity), which needs the cluster (%s says the order).", f.Name, StackName(d, design.Stage{Kind: design.StageBase, Region: r}), ReadmeName(d)))
		}
	}
	if d.Global != nil && d.Global.Accelerator != nil {
		f, err := accelerator(d)
		if err != nil {
			return nil, nil, err
		}
		files = append(files, f)
		notes = append(notes, fmt.Sprintf("Deploy %s-global in %s after the Regional stacks: it takes each endpoint load balancer's ARN from the output of the same name in its Region's stack (CloudFormation cannot reference across Regions).", d.App, AcceleratorRegion))
	}
	if d.Deployment != nil {
		notes = append(notes, fmt.Sprintf("The stacks deploy in stages, with an AWS CLI step that accepts each Transit Gateway peering attachment: %s says the order and the commands.", ReadmeName(d)))
	}
	if d.Compute == "eks" {
		notes = append(notes, "compute eks: the network, load balancers and discovery are exported; the EKS cluster and workloads are not (use eksctl or Terraform's EKS module on these subnets).")
	}
	if albs := d.ControllerALBs(); len(albs) > 0 {
		notes = append(notes, fmt.Sprintf("AWS Load Balancer Controller: the stack creates the security groups of the ALBs %s and their access-log bucket, and outputs them with the subnets and the certificate it is given; the controller creates the ALBs, their listeners, rules and target groups from the Ingresses of export --format kubernetes --ingress.", strings.Join(albs, ", ")))
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
				b.waive(fmt.Sprintf("%s%s%d", nid, dir.word, r.Number), r.Waiver)
			}
		}
	}
}

// privateZones writes the private hosted zones that give interface
// endpoints' names to the VPCs without endpoints of their own: the zone
// associated with its VPCs, and an alias A record of the apex (and of
// every name under it, for ECR's registries) to the endpoint's regional
// DNS name, the first of its DnsEntries ("zone-id:name").
func (b *builder) privateZones() {
	for _, z := range b.d.PrivateZones {
		var vpcs []hostedZoneVPC
		for _, v := range z.VPCs {
			if b.inRegion(v) {
				vpcs = append(vpcs, hostedZoneVPC{VPCId: ref(logicalID(v)), VPCRegion: ref("AWS::Region")})
			}
		}
		if len(vpcs) == 0 {
			continue
		}
		zid := logicalID(z.ID)
		b.add(zid, "AWS::Route53::HostedZone", hostedZone{Name: z.Name, VPCs: vpcs, HostedZoneConfig: &hostedZoneConfig{Comment: "netwright: " + z.Name + " through the interface endpoint " + z.Endpoint}})
		entry := map[string]any{"Fn::Select": []any{0, getAtt(logicalID(z.Endpoint), "DnsEntries")}}
		target := aliasTarget{
			DNSName:      map[string]any{"Fn::Select": []any{1, map[string]any{"Fn::Split": []any{":", entry}}}},
			HostedZoneId: map[string]any{"Fn::Select": []any{0, map[string]any{"Fn::Split": []any{":", entry}}}},
		}
		names := []string{z.Name + "."}
		if z.Wildcard {
			names = append(names, "*."+z.Name+".")
		}
		for k, n := range names {
			b.add(fmt.Sprintf("%sRecord%d", zid, k), "AWS::Route53::RecordSet", recordSet{HostedZoneId: ref(zid), Name: n, Type: "A", AliasTarget: target})
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

// transit writes the Transit Gateway objects the builder's stage makes in
// its Region: in a base stage the gateways, their VPC attachments, route
// tables, and the associations and routes of VPC attachments; in a request
// stage the peering attachments; in a routes stage the associations and
// routes through accepted peering attachments. What another stage makes
// is a parameter (ref).
func (b *builder) transit() {
	for _, t := range b.d.TransitGateways {
		if t.Region != b.region {
			continue
		}
		tid := logicalID(t.ID)
		if b.d.CreatorStage(t.ID) == b.stage.ID {
			props := transitGateway{AmazonSideAsn: t.ASN, DefaultRouteTableAssociation: "disable", DefaultRouteTablePropagation: "disable", Tags: tags(t.ID)}
			if t.SecurityGroupReferencing {
				props.SecurityGroupReferencingSupport = "enable"
			}
			b.add(tid, "AWS::EC2::TransitGateway", props)
			for _, a := range t.Attachments {
				att := tgwVPCAttachment{TransitGatewayId: ref(tid), VpcId: ref(logicalID(a.VPC)), SubnetIds: refs(a.Subnets)}
				if a.ApplianceMode || t.SecurityGroupReferencing {
					att.Options = &tgwAttachmentOptions{}
				}
				if a.ApplianceMode {
					att.Options.ApplianceModeSupport = "enable"
				}
				if t.SecurityGroupReferencing {
					// Both ends must allow it; AWS's pages disagree on the
					// attachment's default, so it is said.
					att.Options.SecurityGroupReferencingSupport = "enable"
				}
				b.add(logicalID(a.ID), "AWS::EC2::TransitGatewayVpcAttachment", att)
			}
			b.output(tid+"Id", "Transit Gateway "+t.ID, ref(tid))
			for _, rt := range t.RouteTables {
				b.add(logicalID(rt.ID), "AWS::EC2::TransitGatewayRouteTable", tgwRouteTable{TransitGatewayId: ref(tid)})
			}
		}
		for _, p := range b.d.TransitGatewayPeerings {
			if p.Requester != t.ID || b.d.PeeringRequestStage(p.ID) != b.stage.ID {
				continue
			}
			peer := b.d.TransitGateway(p.Accepter)
			if peer == nil {
				b.fail(fmt.Errorf("peering %s: accepter %s does not exist", p.ID, p.Accepter))
				continue
			}
			// Every Region of a design deploys in one account, the
			// stack's own.
			b.add(logicalID(p.ID), "AWS::EC2::TransitGatewayPeeringAttachment", tgwPeeringAttachment{TransitGatewayId: b.ref(t.ID), PeerTransitGatewayId: b.ref(p.Accepter),
				PeerRegion: peer.Region, PeerAccountId: ref("AWS::AccountId"), Tags: tags(p.ID)})
		}
		for _, rt := range t.RouteTables {
			rid := logicalID(rt.ID)
			for _, a := range rt.Associations {
				if b.isSiteAttachment(a) {
					continue // the sites stack's (sitesTemplate)
				}
				if b.d.AttachmentUseStage(t.Region, a) == b.stage.ID {
					b.add(rid+logicalID(a)+"Association", "AWS::EC2::TransitGatewayRouteTableAssociation", tgwRouteTableAssociation{TransitGatewayAttachmentId: b.ref(a), TransitGatewayRouteTableId: b.ref(rt.ID)})
				}
			}
			for _, a := range rt.Propagations {
				if !b.isSiteAttachment(a) && b.d.AttachmentUseStage(t.Region, a) == b.stage.ID {
					b.add(rid+logicalID(a)+"Propagation", "AWS::EC2::TransitGatewayRouteTablePropagation", tgwPropagation{TransitGatewayAttachmentId: b.ref(a), TransitGatewayRouteTableId: b.ref(rt.ID)})
				}
			}
			for k, r := range rt.Routes {
				if r.Propagated != "" {
					continue // learned, not written: the propagations above
				}
				if b.d.AttachmentUseStage(t.Region, r.Attachment) == b.stage.ID {
					b.add(fmt.Sprintf("%sRoute%d", rid, k), "AWS::EC2::TransitGatewayRoute", tgwRoute{TransitGatewayRouteTableId: b.ref(rt.ID), DestinationCidrBlock: r.Destination.String(), TransitGatewayAttachmentId: b.ref(r.Attachment)})
				}
			}
		}
	}
}

func (b *builder) fail(err error) {
	if b.err == nil {
		b.err = err
	}
}

// ref refers to a design object: a resource of this stack, or a parameter
// given from the output of the same name of the earlier stack that makes
// it, which the stage's Takes must name.
func (b *builder) ref(object string) any {
	from := b.d.CreatorStage(object)
	if from == b.stage.ID {
		return ref(logicalID(object))
	}
	if !slices.Contains(b.stage.Takes, design.StageInput{Object: object, From: from}) {
		b.fail(fmt.Errorf("deployment stage %s uses %s, made by stage %q, but does not take it; plan the design again (see check NW127)", b.stage.ID, object, from))
	}
	param := logicalID(object) + "Id"
	desc := fmt.Sprintf("ID of %s: output %s of stack %s", object, param, StackName(b.d, *b.d.Stage(from)))
	if s := b.d.Stage(from); s != nil && s.Region != b.region {
		desc += " in " + s.Region
	}
	b.param(param, "String", desc, "")
	return ref(param)
}

// outputsTaken outputs every ID a later stage takes from this stack, under
// the name of the parameter it is given as.
func (b *builder) outputsTaken() {
	takers := map[string][]string{}
	for _, dep := range b.d.StageDependencies() {
		if dep.On == b.stage.ID && dep.Value {
			takers[dep.Object] = append(takers[dep.Object], dep.Stage)
		}
	}
	for _, object := range sortedKeys(takers) {
		id := logicalID(object) + "Id"
		if _, ok := b.t.Outputs[id]; !ok {
			b.output(id, fmt.Sprintf("%s, taken by deployment stages %s", object, strings.Join(takers[object], ", ")), ref(logicalID(object)))
		}
	}
}

func itoa(n int) string { return fmt.Sprint(n) }

func seconds(d design.Duration) int { return int(time.Duration(d) / time.Second) }

// clusterOutputs outputs what the Kubernetes export's manifests take from
// the stack (design.ClusterOutputs), for the resources of this template.
func (b *builder) clusterOutputs() {
	for _, o := range b.d.ClusterOutputs() {
		id := logicalID(o.Object)
		switch o.Kind {
		case design.OutputLogsBucket:
			id = "LoadBalancerLogsBucket" // one per Region
		case design.OutputCertificate:
			if _, ok := b.t.Parameters["CertificateArn"]; ok {
				b.output(o.CloudFormationName(), o.Description, ref("CertificateArn"))
			}
			continue
		}
		if _, ok := b.t.Resources[id]; !ok {
			continue
		}
		// A target group's ARN, a security group's or subnet's ID, a
		// bucket's name; a role's ARN.
		var value any = ref(id)
		if o.Kind == design.OutputRole {
			value = getAtt(id, "Arn")
		}
		b.output(o.CloudFormationName(), o.Description, value)
	}
}
