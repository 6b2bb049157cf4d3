package cloudformation

import (
	"fmt"
	"slices"

	"github.com/netwright/netwright/internal/design"
)

// identities writes the IAM role of every service placed in this Region,
// with the permissions the design gives it: an ECS task role, or for EKS
// a role for EKS Pod Identity, whose ARN is an output the cluster stack
// (clusterTemplate) takes to associate it with the service account.
func (b *builder) identities() {
	for _, id := range b.d.Identities {
		s := b.d.Service(id.Service)
		if s == nil || !b.placedHere(s) {
			continue
		}
		role := iamRole{AssumeRolePolicyDocument: policy("Allow", map[string]any{"Service": id.Principal}, "sts:AssumeRole", nil)}
		if id.Kind == design.IdentityEKSPod {
			role.AssumeRolePolicyDocument = policy("Allow", map[string]any{"Service": id.Principal}, []string{"sts:AssumeRole", "sts:TagSession"}, nil)
		}
		for k, perm := range id.Permissions {
			if perm.LatticeServiceNetwork != "" && b.latticeHere() {
				// The network's services, which a controller makes after
				// this stack: by the network they are associated with.
				doc := policy("Allow", nil, perm.Actions, sub("arn:${AWS::Partition}:vpc-lattice:${AWS::Region}:${AWS::AccountId}:service/*"))
				doc.(map[string]any)["Statement"].([]any)[0].(map[string]any)["Condition"] = map[string]any{
					"ArnEquals": map[string]any{"vpc-lattice-svcs:ServiceNetworkArn": getAtt(logicalID("lattice-"+perm.LatticeServiceNetwork), "Arn")}}
				role.Policies = append(role.Policies, iamPolicy{PolicyName: fmt.Sprintf("%s-%d", id.ID, k), PolicyDocument: doc})
				continue
			}
			var resources []any
			for _, ls := range perm.LatticeServices {
				if b.latticeHere() {
					resources = append(resources, sub("${"+logicalID(ls)+".Arn}/*"))
				}
			}
			if len(resources) == 0 {
				continue
			}
			role.Policies = append(role.Policies, iamPolicy{PolicyName: fmt.Sprintf("%s-%d", id.ID, k), PolicyDocument: policy("Allow", nil, perm.Actions, resources)})
		}
		rid := logicalID(id.ID)
		b.add(rid, "AWS::IAM::Role", role)
		if id.Kind == design.IdentityEKSPod {
			b.output(rid+"Arn", fmt.Sprintf("IAM role of %s's pods (EKS Pod Identity), associated with service account %s/%s by stack %s", id.Service, id.Namespace, id.ServiceAccount, ClusterStackName(b.d, b.region)), getAtt(rid, "Arn"))
		}
	}
}

// placedHere reports whether a service runs in this Region.
func (b *builder) placedHere(s *design.Service) bool {
	return slices.ContainsFunc(s.Placements, func(p design.Placement) bool { return b.inRegion(p.VPC) })
}

// latticeHere reports whether this Region's template holds the VPC Lattice
// services.
func (b *builder) latticeHere() bool {
	m := b.d.Mesh
	return m != nil && m.Lattice != nil && slices.ContainsFunc(m.Lattice.VPCs, b.inRegion)
}

func (b *builder) ecs() {
	b.identities()
	if b.d.Compute == design.ComputeEKS {
		return
	}
	var services []design.Service
	for _, s := range b.d.Services {
		if s.Platform == nil {
			*b.notes = append(*b.notes, "Managed data stores (RDS, Aurora, ElastiCache, MSK) are not exported: create them in the data subnets with the data stores' security groups.")
			continue
		}
		if b.placedHere(&s) {
			services = append(services, s)
		}
	}
	if len(services) == 0 {
		return
	}
	scByService := map[string]design.ServiceConnectService{}
	var namespace any
	if m := b.d.Mesh; m != nil && m.ServiceConnect != nil {
		for _, s := range m.ServiceConnect.Services {
			scByService[s.Service] = s
		}
		for _, ns := range b.d.Namespaces {
			if b.inRegion(ns.VPC) {
				namespace = getAtt(logicalID(ns.ID), "Arn")
			}
		}
	}
	cluster := logicalID("cluster-" + b.d.App)
	props := ecsCluster{ClusterName: b.d.App}
	if namespace != nil {
		props.ServiceConnectDefaults = &serviceConnectDefaults{Namespace: namespace}
	}
	if b.d.ContainerInsights {
		props.ClusterSettings = []nameValue{{Name: "containerInsights", Value: "enabled"}}
	}
	b.add(cluster, "AWS::ECS::Cluster", props)
	b.waive(cluster, b.d.InsightsWaiver)
	b.add(cluster+"Logs", "AWS::Logs::LogGroup", logGroup{LogGroupName: "/netwright/" + b.d.App + "/tasks", RetentionInDays: 30})
	b.add(cluster+"ExecutionRole", "AWS::IAM::Role", iamRole{
		AssumeRolePolicyDocument: policy("Allow", map[string]any{"Service": "ecs-tasks.amazonaws.com"}, "sts:AssumeRole", nil),
		ManagedPolicyArns:        []any{sub("arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy")},
	})
	if b.latticeHere() {
		b.add(cluster+"LatticeRole", "AWS::IAM::Role", iamRole{
			AssumeRolePolicyDocument: policy("Allow", map[string]any{"Service": "ecs.amazonaws.com"}, "sts:AssumeRole", nil),
			ManagedPolicyArns:        []any{sub("arn:${AWS::Partition}:iam::aws:policy/AmazonECSInfrastructureRolePolicyForVpcLattice")},
		})
	}
	launch, compat := "FARGATE", "FARGATE"
	if b.d.Compute == design.ComputeECSEC2 {
		launch, compat = "EC2", "EC2"
		*b.notes = append(*b.notes, "compute ecs_ec2: the ECS services use the EC2 launch type; the container instances (an Auto Scaling group with awsvpc trunking) are not exported: give them the nodes security group.")
	}
	for _, s := range services {
		pf := s.Platform
		sid := logicalID("ecs-service-" + s.Name)
		image := logicalID(s.Name) + "Image"
		b.param(image, "String", pf.Image.Describe(s.Name), "")
		var ports []portMapping
		for _, cp := range pf.Ports {
			ports = append(ports, portMapping{Name: cp.Name, ContainerPort: cp.Port, Protocol: cp.Protocol, AppProtocol: cp.AppProtocol})
		}
		b.add(sid+"TaskDefinition", "AWS::ECS::TaskDefinition", taskDefinition{
			Family: b.d.App + "-" + s.Name, NetworkMode: "awsvpc", RequiresCompatibilities: []string{compat}, Cpu: "256", Memory: "512",
			ExecutionRoleArn: getAtt(cluster+"ExecutionRole", "Arn"), TaskRoleArn: getAtt(logicalID(pf.Identity), "Arn"),
			ContainerDefinitions: []containerDefinition{{Name: s.Name, Image: ref(image), Essential: true, PortMappings: ports, Environment: b.dependencyEnvironment(pf),
				LogConfiguration: logConfiguration{LogDriver: "awslogs", Options: map[string]any{"awslogs-group": ref(cluster + "Logs"), "awslogs-region": ref("AWS::Region"), "awslogs-stream-prefix": s.Name}}}},
		})
		var pl *design.Placement
		for i := range s.Placements {
			if b.inRegion(s.Placements[i].VPC) {
				pl = &s.Placements[i]
			}
		}
		dep := pf.Deployment
		svc := ecsService{Cluster: ref(cluster), ServiceName: s.Name, TaskDefinition: ref(sid + "TaskDefinition"), DesiredCount: s.Replicas, LaunchType: launch,
			NetworkConfiguration: networkConfiguration{AwsvpcConfiguration: awsvpcConfiguration{Subnets: refs(pl.Subnets), SecurityGroups: refs(pl.SecurityGroups), AssignPublicIp: "DISABLED"}},
			DeploymentConfiguration: deploymentConfiguration{MaximumPercent: dep.MaxPercent, MinimumHealthyPercent: dep.MinHealthyPercent,
				DeploymentCircuitBreaker: &deploymentCircuitBreaker{Enable: dep.CircuitBreaker, Rollback: dep.Rollback}},
			HealthCheckGracePeriodSeconds: seconds(dep.HealthCheckGrace)}
		var deps []string
		for _, r := range pf.Registrations {
			tg := b.d.TargetGroup(r.TargetGroup)
			if tg == nil || !b.inRegion(tg.VPC) {
				continue
			}
			svc.LoadBalancers = append(svc.LoadBalancers, ecsLoadBalancer{ContainerName: s.Name, ContainerPort: r.ContainerPort, TargetGroupArn: ref(logicalID(tg.ID))})
			for _, l := range b.d.ListenersForwardingTo(tg.ID) {
				deps = append(deps, logicalID(l))
			}
		}
		for _, r := range pf.Discovery {
			if ns, ds := b.discoveryService(r.Service); ds != nil && b.inRegion(ns.VPC) {
				svc.ServiceRegistries = append(svc.ServiceRegistries, serviceRegistry{RegistryArn: getAtt(logicalID(ds.ID), "Arn"), ContainerName: s.Name, ContainerPort: r.ContainerPort})
			}
		}
		if scs, ok := scByService[s.Name]; ok && namespace != nil {
			cfg := &serviceConnectConfiguration{Enabled: true, Namespace: namespace}
			if !scs.ClientOnly {
				t := &scTimeout{PerRequestTimeoutSeconds: seconds(scs.PerRequest), IdleTimeoutSeconds: seconds(scs.Idle)}
				svcCfg := scService{PortName: pf.Port(design.PortTraffic).Name, DiscoveryName: scs.DiscoveryName, Timeout: t}
				if scs.TLS {
					svcCfg.Tls = b.serviceConnectTLS(cluster)
				}
				for _, a := range scs.ClientAliases {
					svcCfg.ClientAliases = append(svcCfg.ClientAliases, scClientAlias{Port: a.Port, DnsName: a.DNSName})
				}
				cfg.Services = []scService{svcCfg}
			}
			svc.ServiceConnectConfiguration = cfg
		}
		// ECS registers the tasks of every service a Lattice rule forwards
		// to, a canary backend as much as the service callers name, only
		// through this configuration.
		if m := b.d.Mesh; m != nil && m.Lattice != nil && m.Lattice.StackOwnsServices() && m.Lattice.StackMakesTargetGroup(s.Name) {
			svc.VpcLatticeConfigurations = []vpcLatticeConfiguration{{RoleArn: getAtt(cluster+"LatticeRole", "Arn"), TargetGroupArn: getAtt(latticeTG(s.Name), "Arn"), PortName: pf.Port(design.PortTraffic).Name}}
		}
		for _, after := range pf.StartAfter {
			if o := b.d.Service(after); o != nil && o.Platform != nil && b.placedHere(o) {
				deps = append(deps, logicalID("ecs-service-"+after))
			}
		}
		slices.Sort(deps)
		b.add(sid, "AWS::ECS::Service", svc, slices.Compact(deps)...)
	}
}

// serviceConnectTLS is a service's Service Connect TLS: certificates from
// the Private CA the user gives (ECS's documentation: short-lived mode
// recommended, tagged AmazonECSManaged=true), managed through the ECS
// infrastructure role for Service Connect TLS, made once per template.
func (b *builder) serviceConnectTLS(cluster string) *scTLS {
	role := cluster + "ServiceConnectTlsRole"
	if _, ok := b.t.Resources[role]; !ok {
		b.param("ServiceConnectPrivateCaArn", "String", "ARN of the AWS Private CA that issues Service Connect TLS certificates (short-lived mode recommended; it must carry the tag AmazonECSManaged=true)", "")
		b.add(role, "AWS::IAM::Role", iamRole{
			AssumeRolePolicyDocument: policy("Allow", map[string]any{"Service": "ecs.amazonaws.com"}, "sts:AssumeRole", nil),
			ManagedPolicyArns:        []any{sub("arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonECSInfrastructureRolePolicyForServiceConnectTransportLayerSecurity")},
		})
	}
	return &scTLS{IssuerCertificateAuthority: scTLSIssuer{AwsPcaAuthorityArn: ref("ServiceConnectPrivateCaArn")}, RoleArn: getAtt(role, "Arn")}
}

// dependencyEnvironment is <SERVICE>_ADDR=host:port for each service the
// tasks call, the way the design connects them; load balancers' and VPC
// Lattice services' names come from the resources that own them.
func (b *builder) dependencyEnvironment(pf *design.Platform) []nameValue {
	var env []nameValue
	for _, dep := range pf.Dependencies {
		var value any = fmt.Sprintf("%s:%d", dep.Host, dep.Port)
		switch dep.Via {
		case design.ViaLoadBalancer:
			value = sub(fmt.Sprintf("${%s.DNSName}:%d", logicalID(dep.LoadBalancer), dep.Port))
		case design.ViaLattice:
			value = sub(fmt.Sprintf("${%s.DnsEntry.DomainName}:%d", logicalID(dep.LatticeService), dep.Port))
		}
		env = append(env, nameValue{Name: dep.Env, Value: value})
	}
	return env
}

// discoveryService returns a Cloud Map service by ID and its namespace.
func (b *builder) discoveryService(id string) (*design.Namespace, *design.DiscoveryService) {
	for i := range b.d.Namespaces {
		ns := &b.d.Namespaces[i]
		for j := range ns.Services {
			if ns.Services[j].ID == id {
				return ns, &ns.Services[j]
			}
		}
	}
	return nil, nil
}

var continents = map[string]bool{"AF": true, "AN": true, "AS": true, "EU": true, "NA": true, "OC": true, "SA": true}

// global writes this Region's Route 53 records and health checks: every
// Region's stack adds the records that alias its own load balancer.
func (b *builder) global() {
	g := b.d.Global
	if g == nil || g.Accelerator != nil {
		return
	}
	lbRegion := map[string]bool{}
	for _, lb := range b.d.LoadBalancers {
		lbRegion[lb.ID] = b.inRegion(lb.VPC)
	}
	mine := false
	for _, r := range g.Records {
		mine = mine || lbRegion[r.AliasTarget]
	}
	if !mine {
		return
	}
	b.param("HostedZoneId", "AWS::Route53::HostedZone::Id", "public hosted zone that holds "+g.Domain, "")
	for _, hc := range g.HealthChecks {
		if !lbRegion[hc.Target] {
			continue
		}
		b.add(logicalID(hc.ID), "AWS::Route53::HealthCheck", route53HealthCheck{HealthCheckConfig: healthCheckConfig{Type: hc.Type,
			FullyQualifiedDomainName: getAtt(logicalID(hc.Target), "DNSName"), Port: hc.Port, ResourcePath: hc.Path,
			RequestInterval: hc.IntervalSeconds, FailureThreshold: hc.FailureThreshold}})
	}
	for k, r := range g.Records {
		if !lbRegion[r.AliasTarget] {
			continue
		}
		lb := logicalID(r.AliasTarget)
		rs := recordSet{HostedZoneId: ref("HostedZoneId"), Name: g.Domain + ".", Type: r.Type, SetIdentifier: r.SetIdentifier, Region: r.Region, Weight: r.Weight, Failover: r.Failover,
			AliasTarget: aliasTarget{DNSName: getAtt(lb, "DNSName"), HostedZoneId: getAtt(lb, "CanonicalHostedZoneID"), EvaluateTargetHealth: r.EvaluateTargetHealth}}
		if r.HealthCheck != "" {
			rs.HealthCheckId = ref(logicalID(r.HealthCheck))
		}
		switch {
		case r.GeoLocation == "":
		case continents[r.GeoLocation]:
			rs.GeoLocation = &geoLocation{ContinentCode: r.GeoLocation}
		default:
			rs.GeoLocation = &geoLocation{CountryCode: r.GeoLocation}
		}
		b.add(fmt.Sprintf("%sRecord%d", logicalID("global-"+b.d.App), k), "AWS::Route53::RecordSet", rs)
	}
}
