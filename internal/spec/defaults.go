package spec

import (
	"slices"
	"time"

	"github.com/netwright/netwright/internal/awsfacts"
)

// DataStorePorts are the engine ports data stores listen on when the spec
// gives none.
var DataStorePorts = map[string]int{
	KindPostgres:  5432,
	KindMySQL:     3306,
	KindAurora:    3306,
	KindRedis:     6379,
	KindMemcached: 11211,
	KindKafka:     9092,
}

// ApplianceGenevePort is where appliances behind a Gateway Load Balancer
// receive GENEVE-encapsulated packets.
const ApplianceGenevePort = 6081

// Health check defaults for an ALB target group (AWS-FACTS.md).
const (
	DefaultHealthInterval       = 30 * time.Second
	DefaultHealthTimeout        = 5 * time.Second
	DefaultHealthyThreshold     = 5
	DefaultUnhealthyThreshold   = 2
	DefaultHTTPMatcher          = "200"
	DefaultGRPCMatcher          = "12"
	DefaultGRPCHealthPath       = "/AWS.ALB/healthcheck"
	DefaultDeregistrationDelay  = 300 * time.Second
	DefaultDiscoveryTTL         = 10 * time.Second
	DefaultProductionAZs        = 3
	DefaultNonProductionAZs     = 2
	DefaultProductionReplicas   = 2
	DefaultNonProductionReplica = 1
)

// applyDefaults fills every value the user left out, following SPEC-v1.md.
func (d *decoder) applyDefaults(s *Spec) {
	prod := false
	if s.Environment == "" {
		s.Environment = "production"
	}
	prod = s.Environment == "production"
	if len(s.Regions) == 0 {
		s.Regions = []string{"us-east-1"}
	}

	nw := &s.Network
	if nw.Pattern == "" {
		nw.Pattern = PatternThreeTier
		if len(s.Regions) > 1 {
			nw.Pattern = PatternMultiRegion
		}
	}
	if nw.AZs == 0 {
		nw.AZs = DefaultNonProductionAZs
		if prod {
			nw.AZs = DefaultProductionAZs
		}
		// A small Region gets all it has rather than an error the user
		// did not ask for.
		for _, r := range s.Regions {
			if reg, ok := awsfacts.LookupRegion(r); ok {
				nw.AZs = min(nw.AZs, len(reg.AZLetters))
			}
		}
	}
	if nw.NAT == "" {
		nw.NAT = NATSingle
		if prod {
			nw.NAT = NATPerAZ
		}
	}
	if d.set["network.endpoints"] == nil {
		nw.Endpoints = slices.Clone(awsfacts.DefaultEndpoints)
	}
	if nw.Compute == "" {
		nw.Compute = ComputeFargate
	}
	if d.set["network.flow_logs"] == nil {
		nw.FlowLogs = true
	}
	if d.set["network.pod_security_groups"] == nil && nw.Compute == ComputeEKS {
		nw.PodSecurityGroups = prod
	}
	if nw.ALBOwner == "" {
		nw.ALBOwner = ALBOwnerStack
	}

	for i := range s.Services {
		svc := &s.Services[i]
		if svc.Kind == "" {
			svc.Kind = KindService
		}
		if svc.Port == 0 {
			switch {
			case svc.IsDataStore():
				svc.Port = DataStorePorts[svc.Kind]
			case svc.Kind == KindAppliance:
				svc.Port = ApplianceGenevePort
			}
		}
		if svc.Protocol == "" {
			switch {
			case svc.IsDataStore():
				svc.Protocol = ProtoTCP
			case svc.Kind == KindAppliance:
				svc.Protocol = ProtoUDP
			default:
				svc.Protocol = ProtoHTTP
			}
		}
		if svc.Replicas == 0 {
			svc.Replicas = DefaultNonProductionReplica
			if prod {
				svc.Replicas = DefaultProductionReplicas
			}
		}
		if svc.MaxReplicas == 0 {
			svc.MaxReplicas = svc.Replicas
		}
		h := &svc.Health
		if h.Interval == 0 {
			h.Interval = DefaultHealthInterval
		}
		if h.Timeout == 0 {
			h.Timeout = min(DefaultHealthTimeout, h.Interval-time.Second)
		}
		if h.HealthyThreshold == 0 {
			h.HealthyThreshold = DefaultHealthyThreshold
		}
		if h.UnhealthyThreshold == 0 {
			h.UnhealthyThreshold = DefaultUnhealthyThreshold
		}
		switch {
		case svc.Protocol == ProtoGRPC:
			if h.Path == "" {
				h.Path = DefaultGRPCHealthPath
			}
			if h.Matcher == "" {
				h.Matcher = DefaultGRPCMatcher
			}
		case IsHTTPLike(svc.Protocol):
			if h.Path == "" {
				h.Path = "/"
			}
			if h.Matcher == "" {
				h.Matcher = DefaultHTTPMatcher
			}
		}
		if svc.LoadBalancing == "" {
			svc.LoadBalancing = "round_robin"
		}
		if d.set["services."+svc.Name+".deregistration_delay"] == nil {
			svc.DeregistrationDelay = DefaultDeregistrationDelay
		}
	}
	// Dependency ports default to the callee's, which needs every service's
	// defaults first.
	for i := range s.Services {
		for j := range s.Services[i].DependsOn {
			dep := &s.Services[i].DependsOn[j]
			if callee := s.Service(dep.Service); callee != nil && dep.Port == 0 {
				dep.Port = callee.Port
			}
		}
	}

	for i := range s.Sites {
		st := &s.Sites[i]
		if st.Connect == "" {
			st.Connect = ConnectVPN
		}
		if st.ASN == 0 {
			st.ASN = DefaultCustomerASN
		}
	}

	if s.TLS.Certificate == "" {
		s.TLS.Certificate = "auto"
	}
	if s.TLS.Policy == "" {
		s.TLS.Policy = awsfacts.DefaultTLSPolicy
	}
	if s.Discovery.Namespace == "" {
		s.Discovery.Namespace = s.App + ".local"
	}
	if s.Discovery.Type == "" {
		s.Discovery.Type = "dns_private"
	}
	if d.set["discovery.ttl"] == nil {
		s.Discovery.TTL = DefaultDiscoveryTTL
	}
	if s.Discovery.Routing == "" {
		s.Discovery.Routing = "multivalue"
	}
	if s.Mesh.Target == "" {
		s.Mesh.Target = "service_connect"
		if nw.Compute == ComputeEKS {
			s.Mesh.Target = "vpc_lattice"
		}
	}
	if s.Mesh.MTLS == "" {
		s.Mesh.MTLS = "strict"
		if s.Mesh.Target == "none" {
			s.Mesh.MTLS = "off"
		}
	}
	if s.Global != nil && s.Global.Routing == "" {
		s.Global.Routing = "latency"
	}
}
