package plan

import (
	"fmt"
	"slices"
	"strings"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/spec"
)

// services records each service and the subnets its tasks use.
func (p *planner) services() {
	placements := map[string][]design.Placement{}
	for _, v := range p.vpcs {
		bySvc := map[string][]string{}
		var order []string
		for j, sp := range v.subnets {
			for _, svc := range sp.services {
				if _, ok := bySvc[svc.Name]; !ok {
					order = append(order, svc.Name)
				}
				bySvc[svc.Name] = append(bySvc[svc.Name], v.vpc.Subnets[j].ID)
			}
		}
		for _, name := range order {
			placements[name] = append(placements[name], design.Placement{VPC: v.vpc.ID, Subnets: bySvc[name]})
		}
	}
	for i := range p.spec.Services {
		svc := &p.spec.Services[i]
		h := svc.Health
		p.d.Services = append(p.d.Services, design.Service{
			Name:        svc.Name,
			Kind:        svc.Kind,
			Port:        svc.Port,
			Protocol:    svc.Protocol,
			Public:      svc.Public,
			StaticIP:    svc.StaticIP,
			Replicas:    svc.Replicas,
			MaxReplicas: svc.MaxReplicas,
			Health: design.HealthCheck{
				Path:               h.Path,
				Interval:           design.Duration(h.Interval),
				Timeout:            design.Duration(h.Timeout),
				HealthyThreshold:   h.HealthyThreshold,
				UnhealthyThreshold: h.UnhealthyThreshold,
				Matcher:            h.Matcher,
			},
			LoadBalancing:       svc.LoadBalancing,
			Stickiness:          design.Duration(svc.Stickiness),
			DeregistrationDelay: design.Duration(svc.DeregistrationDelay),
			SlowStart:           design.Duration(svc.SlowStart),
			Run:                 svc.Run,
			Placements:          placements[svc.Name],
			Origin:              svc.At,
		})
	}
}

// transport is the layer-4 protocol a service's port uses.
func transport(protocol string) string { return design.Transport(protocol) }

// flows records the declared intent: every dependency, the public entry
// to each public service, and each egress destination.
func (p *planner) flows() {
	var fs []design.Flow
	for _, svc := range p.spec.Services {
		for _, dep := range svc.DependsOn {
			callee := p.spec.Service(dep.Service)
			proto := callee.Protocol
			if dep.Port != callee.Port {
				proto = transport(callee.Protocol)
			}
			tr := transport(callee.Protocol)
			fs = append(fs, design.Flow{
				ID:   fmt.Sprintf("%s->%s:%d/%s", svc.Name, dep.Service, dep.Port, tr),
				Kind: design.FlowService, From: svc.Name, To: dep.Service,
				Port: dep.Port, Transport: tr, Protocol: proto, Origin: dep.At,
			})
		}
		if svc.Public {
			// The internet reaches an HTTP-like service through the ALB's
			// HTTPS listener, anything else through an NLB on its own port.
			port, proto := svc.Port, svc.Protocol
			if spec.IsHTTPLike(svc.Protocol) && !svc.StaticIP {
				port, proto = 443, "https"
			}
			tr := transport(svc.Protocol)
			fs = append(fs, design.Flow{
				ID:   fmt.Sprintf("%s->%s:%d/%s", design.Internet, svc.Name, port, tr),
				Kind: design.FlowIngress, From: design.Internet, To: svc.Name,
				Port: port, Transport: tr, Protocol: proto, Origin: svc.At,
			})
		}
		for _, e := range svc.Egress {
			dst := e.Host
			if dst == "" {
				dst = e.Prefix.String()
			}
			fs = append(fs, design.Flow{
				ID:   fmt.Sprintf("%s->%s(%s):%d/tcp", svc.Name, design.Internet, dst, e.Port),
				Kind: design.FlowEgress, From: svc.Name, To: design.Internet, Destination: dst,
				Port: e.Port, Transport: "tcp", Protocol: "tcp", Origin: e.At,
			})
		}
	}
	fs = append(fs, p.siteFlows()...)
	slices.SortFunc(fs, func(a, b design.Flow) int { return strings.Compare(a.ID, b.ID) })
	fs = slices.CompactFunc(fs, func(a, b design.Flow) bool { return a.ID == b.ID })
	p.d.Flows = fs
}
