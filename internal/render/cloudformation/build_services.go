package cloudformation

import (
	"fmt"
	"slices"
	"strings"

	"github.com/netwright/netwright/internal/design"
)

func (b *builder) security() {
	for _, g := range b.d.SecurityGroups {
		if !b.inRegion(g.VPC) {
			continue
		}
		if g.Kind == design.SGDefault {
			*b.notes = append(*b.notes, "CloudFormation cannot manage a VPC's default security group: remove its rules after the stack is created (aws ec2 revoke-security-group-ingress/-egress), or enforce it with the AWS Config rule vpc-default-security-group-closed.")
			continue
		}
		gid := logicalID(g.ID)
		switch g.Kind {
		case design.SGNodes:
			b.output(gid+"Id", g.Description+": give it to the instances or node group", ref(gid))
			if sns := b.d.NodeSubnets(g.VPC); len(sns) > 0 {
				b.output(logicalID(g.VPC)+"NodeSubnetIds", "subnets (comma-separated) to create the EKS cluster and its node groups on: the pods' tier, whose NACLs admit what the nodes need",
					map[string]any{"Fn::Join": []any{",", refs(sns)}})
			}
		case design.SGControlPlane:
			b.output(gid+"Id", g.Description, ref(gid))
		}
		// Naming one egress rule replaces the allow-all rule EC2 adds to
		// every new group; this one matches nothing, and the group's real
		// egress rules are resources of their own below.
		b.add(gid, "AWS::EC2::SecurityGroup", securityGroup{GroupDescription: g.Description, VpcId: ref(logicalID(g.VPC)), Tags: tags(g.Name),
			SecurityGroupEgress: []inlineEgress{{IpProtocol: "-1", CidrIp: "127.0.0.1/32", Description: "replaces the default allow-all egress; real rules follow"}}})
		for k, r := range g.Ingress {
			in := securityGroupIngress{GroupId: ref(gid), IpProtocol: r.Protocol, FromPort: r.FromPort, ToPort: r.ToPort, Description: r.Description}
			switch {
			case r.PeerGroup != "":
				in.SourceSecurityGroupId = ref(logicalID(r.PeerGroup))
			case r.PeerPrefixList != "":
				in.SourcePrefixListId = b.prefixList(r.PeerPrefixList)
			default:
				in.CidrIp = r.PeerCIDR.String()
			}
			b.add(fmt.Sprintf("%sIn%d", gid, k), "AWS::EC2::SecurityGroupIngress", in)
			b.waive(fmt.Sprintf("%sIn%d", gid, k), r.Waiver)
		}
		for k, r := range g.Egress {
			out := securityGroupEgress{GroupId: ref(gid), IpProtocol: r.Protocol, FromPort: r.FromPort, ToPort: r.ToPort, Description: r.Description}
			switch {
			case r.PeerGroup != "":
				out.DestinationSecurityGroupId = ref(logicalID(r.PeerGroup))
			case r.PeerPrefixList != "":
				out.DestinationPrefixListId = b.prefixList(r.PeerPrefixList)
			default:
				out.CidrIp = r.PeerCIDR.String()
			}
			b.add(fmt.Sprintf("%sOut%d", gid, k), "AWS::EC2::SecurityGroupEgress", out)
			b.waive(fmt.Sprintf("%sOut%d", gid, k), r.Waiver)
		}
	}
}

// prefixList refers to an AWS-managed prefix list by a parameter: its ID
// differs per Region and account, and CloudFormation cannot look it up.
func (b *builder) prefixList(name string) any {
	service := name[strings.LastIndex(name, ".")+1:]
	param := "PrefixList" + logicalID(service)
	b.param(param, "String", fmt.Sprintf("ID (pl-...) of the managed prefix list %s: aws ec2 describe-managed-prefix-lists --filters Name=prefix-list-name,Values=%s", name, name), "")
	return ref(param)
}

func (b *builder) loadBalancing() {
	var logs *design.AccessLogs
	for _, lb := range b.d.LoadBalancers {
		if b.inRegion(lb.VPC) && lb.AccessLogs != nil && logs == nil {
			logs = lb.AccessLogs
		}
	}
	if logs != nil {
		b.add("LoadBalancerLogsBucket", "AWS::S3::Bucket", bucket{
			PublicAccessBlockConfiguration: publicAccessBlock{true, true, true, true},
			BucketEncryption:               bucketEncryption{ServerSideEncryptionConfiguration: []serverSideEncryptionRule{{ServerSideEncryptionByDefault: serverSideEncryptionByDefault{SSEAlgorithm: "AES256"}}}},
			// Versions keep a log that is overwritten or deleted.
			VersioningConfiguration: &versioning{Status: "Enabled"},
		})
		b.waive("LoadBalancerLogsBucket", logs.Waiver)
		b.add("LoadBalancerLogsBucketPolicy", "AWS::S3::BucketPolicy", bucketPolicy{Bucket: ref("LoadBalancerLogsBucket"),
			PolicyDocument: policy("Allow", map[string]any{"Service": "logdelivery.elasticloadbalancing.amazonaws.com"}, "s3:PutObject", sub("${LoadBalancerLogsBucket.Arn}/*/AWSLogs/${AWS::AccountId}/*"))})
	}
	for _, tg := range b.d.TargetGroups {
		if b.inRegion(tg.VPC) && tg.StackOwns() {
			b.targetGroup(tg)
		}
	}
	certParam := false
	for _, lb := range b.d.LoadBalancers {
		if !b.inRegion(lb.VPC) {
			continue
		}
		if !lb.StackOwns() {
			// The AWS Load Balancer Controller makes the ALB, its listeners,
			// rules and target groups from the Ingress; the stack keeps what
			// the Ingress names: the groups and bucket above, and the
			// certificate it is given, which it outputs.
			for _, l := range lb.Listeners {
				if l.Certificate == design.CertificateAuto && !certParam {
					b.param("CertificateArn", "String", "ACM certificate for the public domain (netwright's auto: request it in ACM with DNS validation, then pass its ARN)", "")
					certParam = true
				}
			}
			continue
		}
		lid := logicalID(lb.ID)
		props := loadBalancer{Name: lb.Name, Type: lb.Type, Scheme: lb.Scheme, SecurityGroups: refs(lb.SecurityGroups)}
		if lb.Type == design.GWLB {
			props.Scheme = ""
		}
		// An internet-facing load balancer, and an Elastic IP, depend on
		// the VPC's gateway attachment (CloudFormation's DependsOn page,
		// "When a DependsOn attribute is required").
		var igw []string
		if v := b.d.VPC(lb.VPC); lb.Scheme == design.InternetFacing && v != nil && v.InternetGateway != "" {
			igw = append(igw, logicalID(v.InternetGateway)+"Attachment")
		}
		if lb.ElasticIPs {
			for _, s := range lb.Subnets {
				eipID := lid + logicalID(s) + "EIP"
				b.add(eipID, "AWS::EC2::EIP", eip{Domain: "vpc", Tags: tags(lb.Name)}, igw...)
				props.SubnetMappings = append(props.SubnetMappings, subnetMapping{SubnetId: ref(logicalID(s)), AllocationId: getAtt(eipID, "AllocationId")})
			}
		} else {
			props.Subnets = refs(lb.Subnets)
		}
		attr := func(k, v string) { props.LoadBalancerAttributes = append(props.LoadBalancerAttributes, keyValue{k, v}) }
		if lb.Type != design.GWLB {
			attr("deletion_protection.enabled", fmt.Sprint(lb.DeletionProtection))
		}
		switch lb.Type {
		case design.ALB:
			attr("idle_timeout.timeout_seconds", fmt.Sprint(seconds(lb.IdleTimeout)))
			attr("routing.http.drop_invalid_header_fields.enabled", fmt.Sprint(lb.DropInvalidHeaders))
		default:
			attr("load_balancing.cross_zone.enabled", fmt.Sprint(lb.CrossZone))
		}
		deps := slices.Clone(igw)
		if lb.AccessLogs != nil && lb.Type == design.ALB {
			attr("access_logs.s3.enabled", "true")
			attr("access_logs.s3.prefix", lb.AccessLogs.Prefix)
			props.LoadBalancerAttributes = append(props.LoadBalancerAttributes, keyValue{"access_logs.s3.bucket", ref("LoadBalancerLogsBucket")})
			deps = append(deps, "LoadBalancerLogsBucketPolicy")
		}
		b.add(lid, "AWS::ElasticLoadBalancingV2::LoadBalancer", props, deps...)
		b.waive(lid, lb.Waiver)
		if lb.Type != design.GWLB {
			b.output(lid+"DNSName", "DNS name of "+lb.Name, getAtt(lid, "DNSName"))
			if acceleratorEndpoint(b.d, lb.ID) {
				b.output(lid+"Arn", "ARN of "+lb.Name+", an endpoint of the Global Accelerator", ref(lid))
			}
		}
		for _, l := range lb.Listeners {
			lisID := logicalID(l.ID)
			lp := listener{LoadBalancerArn: ref(lid), DefaultActions: []action{b.action(l.DefaultAction)}}
			if lb.Type != design.GWLB {
				lp.Port, lp.Protocol = l.Port, l.Protocol
			}
			if l.Certificate != "" {
				cert := any(l.Certificate)
				if l.Certificate == "auto" {
					if !certParam {
						b.param("CertificateArn", "String", "ACM certificate for the public domain (netwright's auto: request it in ACM with DNS validation, then pass its ARN)", "")
						certParam = true
					}
					cert = ref("CertificateArn")
				}
				lp.Certificates = []certificate{{CertificateArn: cert}}
				lp.SslPolicy = l.SSLPolicy
			}
			if l.ALPNPolicy != "" {
				lp.AlpnPolicy = []string{l.ALPNPolicy}
			}
			b.add(lisID, "AWS::ElasticLoadBalancingV2::Listener", lp)
			b.waive(lisID, l.Waiver)
			for _, r := range l.Rules {
				b.add(logicalID(r.ID), "AWS::ElasticLoadBalancingV2::ListenerRule", listenerRule{ListenerArn: ref(lisID), Priority: r.Priority,
					Conditions: conditions(r.Conditions), Actions: []action{b.action(r.Action)}})
			}
		}
		if lb.Type == design.GWLB {
			svc := lid + "EndpointService"
			b.add(svc, "AWS::EC2::VPCEndpointService", vpcEndpointService{AcceptanceRequired: false, GatewayLoadBalancerArns: []any{ref(lid)}})
			for _, e := range b.d.GatewayLoadBalancerEndpoints {
				if e.LoadBalancer == lb.ID {
					// An endpoint may sit in another VPC than the GWLB: the
					// spoke that holds the public load balancers.
					b.add(logicalID(e.ID), "AWS::EC2::VPCEndpoint", vpcEndpoint{VpcId: ref(logicalID(b.d.SubnetVPC(e.Subnet))), VpcEndpointType: "GatewayLoadBalancer",
						ServiceName: sub("com.amazonaws.vpce.${AWS::Region}.${" + svc + "}"), SubnetIds: []any{ref(logicalID(e.Subnet))}})
				}
			}
		}
	}
}

func (b *builder) action(a design.Action) action {
	switch a.Type {
	case design.ActionRedirect:
		return action{Type: "redirect", RedirectConfig: &redirectConfig{Protocol: a.RedirectProtocol, Port: fmt.Sprint(a.RedirectPort), StatusCode: fmt.Sprintf("HTTP_%d", a.StatusCode)}}
	case design.ActionFixed:
		return action{Type: "fixed-response", FixedResponseConfig: &fixedResponseConfig{StatusCode: fmt.Sprint(a.StatusCode), ContentType: "text/plain", MessageBody: a.Body}}
	}
	fc := &forwardConfig{}
	for _, f := range a.Forward {
		fc.TargetGroups = append(fc.TargetGroups, targetGroupTuple{TargetGroupArn: ref(logicalID(f.TargetGroup)), Weight: f.Weight})
	}
	return action{Type: "forward", ForwardConfig: fc}
}

func conditions(c design.Conditions) []ruleCondition {
	var out []ruleCondition
	if c.Host != "" {
		out = append(out, ruleCondition{Field: "host-header", HostHeaderConfig: &values{[]string{c.Host}}})
	}
	if c.Path != "" {
		out = append(out, ruleCondition{Field: "path-pattern", PathPatternConfig: &values{[]string{c.Path}}})
	}
	for _, h := range c.Headers {
		var v any = h.Value
		if h.Value == design.OriginSecret {
			// CloudFront's origin header: its value is a parameter.
			v = ref(OriginSecretParameter)
		}
		out = append(out, ruleCondition{Field: "http-header", HttpHeaderConfig: &httpHeaderConfig{HttpHeaderName: h.Key, Values: []any{v}}})
	}
	if len(c.Methods) > 0 {
		out = append(out, ruleCondition{Field: "http-request-method", HttpRequestMethodConfig: &values{c.Methods}})
	}
	for _, q := range c.Query {
		out = append(out, ruleCondition{Field: "query-string", QueryStringConfig: &queryStringConfig{[]queryStringKeyValue{{Key: q.Key, Value: q.Value}}}})
	}
	if len(c.SourceIPs) > 0 {
		var ips []string
		for _, p := range c.SourceIPs {
			ips = append(ips, p.String())
		}
		out = append(out, ruleCondition{Field: "source-ip", SourceIpConfig: &values{ips}})
	}
	return out
}

func (b *builder) targetGroup(tg design.TargetGroup) {
	h := tg.Health
	props := targetGroup{Name: tg.Name, Port: tg.Port, Protocol: tg.Protocol, ProtocolVersion: tg.ProtocolVersion, TargetType: tg.TargetType, VpcId: ref(logicalID(tg.VPC)),
		HealthCheckEnabled: true, HealthCheckProtocol: h.Protocol, HealthCheckPort: "traffic-port", HealthCheckPath: h.Path,
		HealthCheckIntervalSeconds: seconds(h.Interval), HealthCheckTimeoutSeconds: seconds(h.Timeout), HealthyThresholdCount: h.HealthyThreshold, UnhealthyThresholdCount: h.UnhealthyThreshold}
	if h.Port != tg.Port {
		props.HealthCheckPort = fmt.Sprint(h.Port)
	}
	switch {
	case tg.ProtocolVersion == "GRPC":
		props.Matcher = &matcher{GrpcCode: h.Matcher}
	case h.Matcher != "":
		props.Matcher = &matcher{HttpCode: h.Matcher}
	}
	attr := func(k, v string) { props.TargetGroupAttributes = append(props.TargetGroupAttributes, keyValue{k, v}) }
	if tg.Protocol != "GENEVE" {
		attr("deregistration_delay.timeout_seconds", fmt.Sprint(seconds(tg.DeregistrationDelay)))
	}
	if tg.Algorithm != "" && tg.Protocol == "HTTP" {
		attr("load_balancing.algorithm.type", tg.Algorithm)
		if tg.AnomalyMitigation {
			attr("load_balancing.algorithm.anomaly_mitigation", "on")
		}
	}
	switch tg.Stickiness {
	case "lb_cookie":
		attr("stickiness.enabled", "true")
		attr("stickiness.type", "lb_cookie")
		attr("stickiness.lb_cookie.duration_seconds", fmt.Sprint(seconds(tg.StickinessDuration)))
	case "source_ip":
		attr("stickiness.enabled", "true")
		attr("stickiness.type", "source_ip")
	}
	if tg.SlowStart > 0 {
		attr("slow_start.duration_seconds", fmt.Sprint(seconds(tg.SlowStart)))
	}
	if tg.Protocol == "TCP" || tg.Protocol == "UDP" || tg.Protocol == "TLS" {
		attr("preserve_client_ip.enabled", fmt.Sprint(tg.PreserveClientIP))
	}
	b.add(logicalID(tg.ID), "AWS::ElasticLoadBalancingV2::TargetGroup", props)
}

func (b *builder) discovery() {
	// A Cloud Map service exists for the platform to register tasks in;
	// Service Connect registers its own.
	registered := map[string]bool{}
	for _, s := range b.d.Services {
		if s.Platform != nil {
			for _, r := range s.Platform.Discovery {
				registered[r.Service] = true
			}
		}
	}
	for _, ns := range b.d.Namespaces {
		if !b.inRegion(ns.VPC) {
			continue
		}
		nid := logicalID(ns.ID)
		if ns.Type == design.NamespaceHTTP {
			b.add(nid, "AWS::ServiceDiscovery::HttpNamespace", httpNamespace{Name: ns.Name})
		} else {
			b.add(nid, "AWS::ServiceDiscovery::PrivateDnsNamespace", privateDNSNamespace{Name: ns.Name, Vpc: ref(logicalID(ns.VPC))})
		}
		b.output(nid+"Id", "Cloud Map namespace "+ns.Name, ref(nid))
		if len(ns.AssociatedVPCs) > 0 {
			*b.notes = append(*b.notes, fmt.Sprintf("Associate the namespace %s's private hosted zone with %s after the stack is created (aws route53 associate-vpc-with-hosted-zone): CloudFormation cannot add VPCs to a zone Cloud Map made.", ns.Name, strings.Join(ns.AssociatedVPCs, ", ")))
		}
		for _, s := range ns.Services {
			if !registered[s.ID] {
				continue
			}
			props := discoveryService{Name: s.Service, NamespaceId: ref(nid), HealthCheckCustomConfig: &healthCheckCustomConfig{FailureThreshold: 1}}
			if len(s.Records) > 0 {
				dc := &dnsConfig{RoutingPolicy: s.RoutingPolicy}
				for _, r := range s.Records {
					dc.DnsRecords = append(dc.DnsRecords, dnsRecord{Type: r.Type, TTL: seconds(r.TTL)})
				}
				props.DnsConfig = dc
			}
			b.add(logicalID(s.ID), "AWS::ServiceDiscovery::Service", props)
		}
	}
}
