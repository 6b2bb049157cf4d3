package cloudformation

import (
	"fmt"
	"slices"
	"strings"

	"github.com/netwright/netwright/internal/design"
)

// ecsProtocols maps a service's protocol to the port mapping's app
// protocol, which Service Connect needs for HTTP metrics and timeouts.
var ecsAppProtocol = map[string]string{"http": "http", "websocket": "http", "http2": "http2", "grpc": "grpc"}

func (b *builder) ecs() {
	if b.d.Compute == "eks" {
		return
	}
	var services []design.Service
	for _, s := range b.d.Services {
		if strings.Contains("postgres mysql aurora redis memcached kafka", s.Kind) {
			*b.notes = append(*b.notes, "Managed data stores (RDS, Aurora, ElastiCache, MSK) are not exported: create them in the data subnets with the data stores' security groups.")
			continue
		}
		for _, p := range s.Placements {
			if b.inRegion(p.VPC) {
				services = append(services, s)
				break
			}
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
	b.add(cluster, "AWS::ECS::Cluster", props)
	b.add(cluster+"Logs", "AWS::Logs::LogGroup", logGroup{LogGroupName: "/netwright/" + b.d.App + "/tasks", RetentionInDays: 30})
	b.add(cluster+"ExecutionRole", "AWS::IAM::Role", iamRole{
		AssumeRolePolicyDocument: policy("Allow", map[string]any{"Service": "ecs-tasks.amazonaws.com"}, "sts:AssumeRole", nil),
		ManagedPolicyArns:        []any{sub("arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy")},
	})
	if m := b.d.Mesh; m != nil && m.Lattice != nil {
		b.add(cluster+"LatticeRole", "AWS::IAM::Role", iamRole{
			AssumeRolePolicyDocument: policy("Allow", map[string]any{"Service": "ecs.amazonaws.com"}, "sts:AssumeRole", nil),
			ManagedPolicyArns:        []any{sub("arn:${AWS::Partition}:iam::aws:policy/AmazonECSInfrastructureRolePolicyForVpcLattice")},
		})
	}
	launch, compat := "FARGATE", "FARGATE"
	if b.d.Compute == "ecs_ec2" {
		launch, compat = "EC2", "EC2"
		*b.notes = append(*b.notes, "compute ecs_ec2: the ECS services use the EC2 launch type; the container instances (an Auto Scaling group with awsvpc trunking) are not exported.")
	}
	for _, s := range services {
		sid := logicalID("ecs-service-" + s.Name)
		image := logicalID(s.Name) + "Image"
		b.param(image, "String", "container image of "+s.Name, "public.ecr.aws/nginx/nginx:stable")
		proto := "tcp"
		if s.Protocol == "udp" {
			proto = "udp"
		}
		// Each service's tasks get their own identity: VPC Lattice auth
		// policies admit callers by it.
		b.add(sid+"TaskRole", "AWS::IAM::Role", iamRole{AssumeRolePolicyDocument: policy("Allow", map[string]any{"Service": "ecs-tasks.amazonaws.com"}, "sts:AssumeRole", nil)})
		b.add(sid+"TaskDefinition", "AWS::ECS::TaskDefinition", taskDefinition{
			Family: b.d.App + "-" + s.Name, NetworkMode: "awsvpc", RequiresCompatibilities: []string{compat}, Cpu: "256", Memory: "512",
			ExecutionRoleArn: getAtt(cluster+"ExecutionRole", "Arn"), TaskRoleArn: getAtt(sid+"TaskRole", "Arn"),
			ContainerDefinitions: []containerDefinition{{Name: s.Name, Image: ref(image), Essential: true,
				PortMappings:     []portMapping{{Name: s.Name, ContainerPort: s.Port, Protocol: proto, AppProtocol: ecsAppProtocol[s.Protocol]}},
				LogConfiguration: logConfiguration{LogDriver: "awslogs", Options: map[string]any{"awslogs-group": ref(cluster + "Logs"), "awslogs-region": ref("AWS::Region"), "awslogs-stream-prefix": s.Name}}}},
		})
		var pl *design.Placement
		for i := range s.Placements {
			if b.inRegion(s.Placements[i].VPC) {
				pl = &s.Placements[i]
			}
		}
		svc := ecsService{Cluster: ref(cluster), ServiceName: s.Name, TaskDefinition: ref(sid + "TaskDefinition"), DesiredCount: s.Replicas, LaunchType: launch,
			NetworkConfiguration:    networkConfiguration{AwsvpcConfiguration: awsvpcConfiguration{Subnets: refs(pl.Subnets), SecurityGroups: refs(pl.SecurityGroups), AssignPublicIp: "DISABLED"}},
			DeploymentConfiguration: deploymentConfiguration{MaximumPercent: 200, MinimumHealthyPercent: 100}}
		var deps []string
		for _, tg := range b.d.TargetGroups {
			if tg.Service != s.Name || !b.inRegion(tg.VPC) || tg.Protocol == "GENEVE" {
				continue
			}
			svc.LoadBalancers = append(svc.LoadBalancers, ecsLoadBalancer{ContainerName: s.Name, ContainerPort: s.Port, TargetGroupArn: ref(logicalID(tg.ID))})
			deps = append(deps, b.listenersOf(tg.ID)...)
		}
		if len(svc.LoadBalancers) > 0 {
			svc.HealthCheckGracePeriodSeconds = 60
		}
		if scs, ok := scByService[s.Name]; ok && namespace != nil {
			cfg := &serviceConnectConfiguration{Enabled: true, Namespace: namespace}
			if !scs.ClientOnly {
				t := &scTimeout{PerRequestTimeoutSeconds: seconds(scs.PerRequest), IdleTimeoutSeconds: seconds(scs.Idle)}
				svcCfg := scService{PortName: s.Name, DiscoveryName: scs.DiscoveryName, Timeout: t}
				for _, a := range scs.ClientAliases {
					svcCfg.ClientAliases = append(svcCfg.ClientAliases, scClientAlias{Port: a.Port, DnsName: a.DNSName})
				}
				cfg.Services = []scService{svcCfg}
			}
			svc.ServiceConnectConfiguration = cfg
		} else {
			for _, ns := range b.d.Namespaces {
				for _, r := range ns.Services {
					if r.Service == s.Name && b.inRegion(ns.VPC) && (b.d.Mesh == nil || b.d.Mesh.ServiceConnect == nil) {
						svc.ServiceRegistries = append(svc.ServiceRegistries, serviceRegistry{RegistryArn: getAtt(logicalID(r.ID), "Arn")})
					}
				}
			}
		}
		if lat := b.d.Mesh; lat != nil && lat.Lattice != nil {
			for _, ls := range lat.Lattice.Services {
				if ls.Service == s.Name {
					svc.VpcLatticeConfigurations = []vpcLatticeConfiguration{{RoleArn: getAtt(cluster+"LatticeRole", "Arn"), TargetGroupArn: getAtt(latticeTG(s.Name), "Arn"), PortName: s.Name}}
				}
			}
		}
		slices.Sort(deps)
		b.add(sid, "AWS::ECS::Service", svc, slices.Compact(deps)...)
	}
}

// listenersOf returns the listeners and rules that forward to a target
// group: ECS needs the group attached to a load balancer before the
// service starts.
func (b *builder) listenersOf(tg string) []string {
	var ids []string
	for _, lb := range b.d.LoadBalancers {
		for _, l := range lb.Listeners {
			for _, f := range l.DefaultAction.Forward {
				if f.TargetGroup == tg {
					ids = append(ids, logicalID(l.ID))
				}
			}
			for _, r := range l.Rules {
				for _, f := range r.Action.Forward {
					if f.TargetGroup == tg {
						ids = append(ids, logicalID(r.ID))
					}
				}
			}
		}
	}
	return ids
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
