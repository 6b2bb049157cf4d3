package cloudformation

import (
	"fmt"
	"strings"

	"github.com/netwright/netwright/internal/design"
)

func latticeTG(service string) string { return logicalID("lattice-tg-" + service) }

// lattice writes the mesh compiled to VPC Lattice: the service network
// associated with this Region's VPCs, and per service a Lattice service,
// its target group, listener, rules in route order with their weights, and
// the auth policy admitting exactly the declared callers' task roles. It
// writes only what the design gives the stack to own
// (design.LatticeOwners): on EKS the AWS Gateway API Controller makes the
// services, their target groups and auth policies from the Kubernetes
// export, and the stack the network, its VPC associations and auth policy.
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
	own := lat.Owners
	if !lat.StackOwnsServices() {
		*b.notes = append(*b.notes, fmt.Sprintf("VPC Lattice: the stack creates the service network %s, its VPC associations and auth policy; the AWS Gateway API Controller creates the services, listeners, rules, target groups and service auth policies from the routes and policies of export --format kubernetes, finding the network by the Gateway's name.", lat.ServiceNetwork))
	}
	for _, v := range vpcs {
		if !design.StackMakes(own.VPCAssociations) {
			break
		}
		b.add(sn+logicalID(v)+"Association", "AWS::VpcLattice::ServiceNetworkVpcAssociation", latticeSNVpcAssociation{ServiceNetworkIdentifier: ref(sn), VpcIdentifier: ref(logicalID(v))})
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
		if !lat.StackOwnsServices() {
			break
		}
		id := logicalID(ls.ID)
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
		if lat.AuthType == "AWS_IAM" && design.StackMakes(own.ServiceAuthPolicies) {
			var principals []any
			for _, c := range ls.AllowedCallers {
				if s := b.d.Service(c); s != nil && s.Platform != nil && b.placedHere(s) {
					principals = append(principals, getAtt(logicalID(s.Platform.Identity), "Arn"))
				}
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
	if lat.AuthType == "AWS_IAM" && lat.NetworkAuth == design.LatticeNetworkAccount && design.StackMakes(own.NetworkAuthPolicy) {
		// Without a policy of its own an AWS_IAM network denies everything.
		b.add(sn+"AuthPolicy", "AWS::VpcLattice::AuthPolicy", latticeAuthPolicy{ResourceIdentifier: ref(sn), Policy: map[string]any{"Version": "2012-10-17", "Statement": []any{
			map[string]any{"Effect": "Allow", "Action": "vpc-lattice-svcs:Invoke", "Resource": "*", "Principal": map[string]any{"AWS": sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root")}},
		}}})
	}
	for _, tg := range lat.TargetGroups {
		if !tgFor[tg.Service] || !design.StackMakes(own.TargetGroups) {
			continue
		}
		var vpc string
		if s := b.d.Service(tg.Service); s != nil {
			for _, p := range s.Placements {
				if b.inRegion(p.VPC) {
					vpc = p.VPC
				}
			}
		}
		cfg := latticeTGConfig{Port: tg.Port, Protocol: tg.Protocol, ProtocolVersion: tg.ProtocolVersion, VpcIdentifier: ref(logicalID(vpc))}
		if h := tg.Health; h != nil {
			cfg.HealthCheck = &latticeHealthCheck{Enabled: true, Path: h.Path, Protocol: h.Protocol, ProtocolVersion: h.ProtocolVersion, Matcher: &latticeMatcher{HttpCode: h.Matcher},
				HealthCheckIntervalSeconds: seconds(h.Interval), HealthCheckTimeoutSeconds: seconds(h.Timeout), HealthyThresholdCount: h.HealthyThreshold, UnhealthyThresholdCount: h.UnhealthyThreshold}
		}
		b.add(latticeTG(tg.Service), "AWS::VpcLattice::TargetGroup", latticeTargetGroup{Name: tg.Name, Type: "IP", Config: cfg})
		b.output(latticeTG(tg.Service)+"Arn", "VPC Lattice target group of "+tg.Service, getAtt(latticeTG(tg.Service), "Arn"))
	}
	for _, ls := range lat.Services {
		if !lat.StackOwnsServices() {
			break // the controller annotates each route with its service's DNS name
		}
		id := logicalID(ls.ID)
		b.output(id+"DnsName", "DNS name callers use for "+ls.Service+" through VPC Lattice", getAtt(id, "DnsEntry.DomainName"))
	}
}
