package cloudformation

import (
	"strings"

	"github.com/netwright/netwright/internal/design"
)

func latticeTG(service string) string { return logicalID("lattice-tg-" + service) }

// lattice writes the mesh compiled to VPC Lattice: the service network
// associated with this Region's VPCs, and per service a Lattice service,
// its target group, listener, rules in route order with their weights, and
// the auth policy admitting exactly the declared callers' task roles.
func (b *builder) lattice() {
	m := b.d.Mesh
	if m == nil || m.Lattice == nil {
		return
	}
	lat := m.Lattice
	var vpcs []string
	for _, v := range lat.VPCs {
		if b.inRegion(v) {
			vpcs = append(vpcs, v)
		}
	}
	if len(vpcs) == 0 {
		return
	}
	sn := logicalID("lattice-" + lat.ServiceNetwork)
	b.add(sn, "AWS::VpcLattice::ServiceNetwork", latticeServiceNetwork{Name: lat.ServiceNetwork, AuthType: lat.AuthType})
	for _, v := range vpcs {
		b.add(sn+logicalID(v)+"Association", "AWS::VpcLattice::ServiceNetworkVpcAssociation", latticeSNVpcAssociation{ServiceNetworkIdentifier: ref(sn), VpcIdentifier: ref(logicalID(v))})
	}
	nodes := map[string]design.VirtualNode{}
	for _, n := range m.VirtualNodes {
		nodes[n.Name] = n
	}
	tgFor := map[string]bool{}
	forward := func(targets []design.WeightedNode) latticeForward {
		var f latticeForward
		for _, t := range targets {
			svc := strings.TrimPrefix(t.Node, "vn-")
			tgFor[svc] = true
			f.TargetGroups = append(f.TargetGroups, latticeWeightedTG{TargetGroupIdentifier: ref(latticeTG(svc)), Weight: t.Weight})
		}
		return f
	}
	for _, ls := range lat.Services {
		id := logicalID("lattice-service-" + ls.Service)
		b.add(id, "AWS::VpcLattice::Service", latticeService{Name: ls.Name, AuthType: lat.AuthType})
		b.add(id+"Association", "AWS::VpcLattice::ServiceNetworkServiceAssociation", latticeSNServiceAssociation{ServiceNetworkIdentifier: ref(sn), ServiceIdentifier: ref(id)})
		b.add(id+"Listener", "AWS::VpcLattice::Listener", latticeListener{ServiceIdentifier: ref(id), Protocol: ls.Protocol, Port: ls.Port,
			DefaultAction: latticeDefaultAction{Forward: forward(ls.DefaultTarget)}})
		for _, r := range ls.Rules {
			match := latticeHTTPMatch{Method: r.Match.Method}
			switch {
			case r.Match.PathPrefix != "":
				match.PathMatch = &latticePathMatch{Match: latticePathMatchType{Prefix: r.Match.PathPrefix}, CaseSensitive: true}
			case r.Match.PathExact != "":
				match.PathMatch = &latticePathMatch{Match: latticePathMatchType{Exact: r.Match.PathExact}, CaseSensitive: true}
			}
			for _, h := range r.Match.Headers {
				match.HeaderMatches = append(match.HeaderMatches, latticeHeaderMatch{Name: h.Key, Match: latticeHeaderMatchType{Exact: h.Value}})
			}
			b.add(id+"Rule"+itoa(r.Priority), "AWS::VpcLattice::Rule", latticeRule{ListenerIdentifier: ref(id + "Listener"), ServiceIdentifier: ref(id), Priority: r.Priority,
				Match: latticeMatch{HttpMatch: match}, Action: latticeRuleAction{Forward: forward(r.Targets)}})
		}
		if lat.AuthType == "AWS_IAM" {
			var principals []any
			for _, c := range ls.AllowedCallers {
				principals = append(principals, getAtt(logicalID("ecs-service-"+c)+"TaskRole", "Arn"))
			}
			statement := map[string]any{"Effect": "Allow", "Action": "vpc-lattice-svcs:Invoke", "Resource": "*"}
			if len(principals) > 0 {
				statement["Principal"] = map[string]any{"AWS": principals}
			} else {
				statement["Effect"], statement["Principal"] = "Deny", "*" // nobody is declared to call it
			}
			b.add(id+"AuthPolicy", "AWS::VpcLattice::AuthPolicy", latticeAuthPolicy{ResourceIdentifier: ref(id), Policy: map[string]any{"Version": "2012-10-17", "Statement": []any{statement}}})
		}
	}
	for _, svc := range sortedKeys(tgFor) {
		n := nodes["vn-"+svc]
		var vpc string
		if s := b.d.Service(svc); s != nil {
			for _, p := range s.Placements {
				if b.inRegion(p.VPC) {
					vpc = p.VPC
				}
			}
		}
		proto, version := "HTTP", map[string]string{"http": "HTTP1", "http2": "HTTP2", "grpc": "GRPC"}[n.Protocol]
		if n.Protocol == "tcp" {
			proto, version = "TCP", ""
		}
		cfg := latticeTGConfig{Port: n.Port, Protocol: proto, ProtocolVersion: version, VpcIdentifier: ref(logicalID(vpc))}
		if proto == "HTTP" {
			cfg.HealthCheck = &latticeHealthCheck{Enabled: true, Path: n.Health.Path, Protocol: "HTTP", HealthCheckIntervalSeconds: seconds(n.Health.Interval),
				HealthCheckTimeoutSeconds: seconds(n.Health.Timeout), HealthyThresholdCount: n.Health.HealthyThreshold, UnhealthyThresholdCount: n.Health.UnhealthyThreshold}
		}
		b.add(latticeTG(svc), "AWS::VpcLattice::TargetGroup", latticeTargetGroup{Name: lat.TargetGroupName(svc), Type: "IP", Config: cfg})
	}
}
