package kubernetes

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	gwv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/netwright/netwright/internal/design"
)

// Names the AWS Gateway API Controller for VPC Lattice answers to.
const (
	latticeGatewayClass = "amazon-vpc-lattice"
	gatewayGroup        = "gateway.networking.k8s.io"
)

// listenerName names a Gateway listener for a Lattice protocol and port.
func listenerName(protocol string, port int) string {
	switch {
	case protocol == "HTTPS" && port == 443:
		return "https"
	case protocol == "HTTP" && port == 80:
		return "http"
	}
	return fmt.Sprintf("%s-%d", strings.ToLower(protocol), port)
}

// lattice writes the mesh compiled to VPC Lattice for the AWS Gateway API
// Controller: a Gateway named for the service network the stack creates
// (the controller adopts a network of that name), and per Lattice
// service an HTTPRoute (GRPCRoute for gRPC) with the designed rules in
// priority order and their weights, a TargetGroupPolicy per service it
// forwards to (protocol and health check), and an IAMAuthPolicy admitting
// exactly the declared callers' roles.
func (r *renderer) lattice() {
	if r.d.Mesh == nil || r.d.Mesh.Lattice == nil {
		return
	}
	lat := r.d.Mesh.Lattice
	gw := gwv1.Gateway{TypeMeta: typeMeta("gateway.networking.k8s.io/v1", "Gateway"), ObjectMeta: r.meta(lat.ServiceNetwork, nil),
		Spec: gwv1.GatewaySpec{GatewayClassName: latticeGatewayClass}}
	for _, ls := range lat.Services {
		if ls.Protocol == "TLS_PASSTHROUGH" {
			continue
		}
		n := gwv1.SectionName(listenerName(ls.Protocol, ls.Port))
		if !slices.ContainsFunc(gw.Spec.Listeners, func(l gwv1.Listener) bool { return l.Name == n }) {
			gw.Spec.Listeners = append(gw.Spec.Listeners, gwv1.Listener{Name: n, Protocol: gwv1.ProtocolType(ls.Protocol), Port: gwv1.PortNumber(ls.Port)})
		}
	}
	if len(gw.Spec.Listeners) == 0 {
		return
	}
	r.add(SharedFile, gw)
	r.note("The AWS Gateway API Controller gives VPC Lattice listener rules their priorities in the order of an HTTPRoute's rules, which the routes keep; it names each Lattice service <route>-<namespace>.")
	forwards := map[string]bool{}
	for _, ls := range lat.Services {
		if ls.Protocol == "TLS_PASSTHROUGH" {
			r.note(fmt.Sprintf("%s: VPC Lattice passes TLS through to it, which needs a custom domain; it has no route in the Kubernetes export.", ls.Service))
			continue
		}
		for _, t := range ls.DefaultTarget {
			forwards[strings.TrimPrefix(t.Node, "vn-")] = true
		}
		for _, rl := range ls.Rules {
			for _, t := range rl.Targets {
				forwards[strings.TrimPrefix(t.Node, "vn-")] = true
			}
		}
		r.route(ls, lat)
	}
	for _, tg := range lat.TargetGroups {
		w := r.k.Workload(tg.Service)
		if !forwards[tg.Service] || w == nil {
			continue
		}
		p := targetGroupPolicy{TypeMeta: typeMeta(appNetworkingVersion, "TargetGroupPolicy"), Metadata: r.meta(w.Name, labels(w.Labels)),
			Spec: tgpSpec{TargetRef: policyTargetRef{Group: "", Kind: "Service", Name: w.Name}, Protocol: tg.Protocol}}
		if tg.ProtocolVersion != "GRPC" {
			p.Spec.ProtocolVersion = tg.ProtocolVersion // behind a GRPCRoute the controller uses HTTP/2 whatever it says
		}
		if h := tg.Health; h != nil {
			p.Spec.HealthCheck = &tgpHealthCheck{Enabled: true, IntervalSeconds: int(seconds(h.Interval)), TimeoutSeconds: int(seconds(h.Timeout)),
				HealthyThresholdCount: h.HealthyThreshold, UnhealthyThresholdCount: h.UnhealthyThreshold, StatusMatch: h.Matcher, Path: h.Path,
				Protocol: h.Protocol, ProtocolVersion: h.ProtocolVersion}
		}
		r.add(w.Name+".yaml", p)
	}
}

// backends are a rule's weighted Services.
func (r *renderer) backends(targets []design.WeightedNode) []gwv1.BackendRef {
	var out []gwv1.BackendRef
	for _, t := range targets {
		name := strings.TrimPrefix(t.Node, "vn-")
		s := r.d.Service(name)
		w := r.k.Workload(name)
		if s == nil || w == nil {
			continue
		}
		weight, port := int32(t.Weight), gwv1.PortNumber(s.Port)
		kind := gwv1.Kind("Service")
		out = append(out, gwv1.BackendRef{BackendObjectReference: gwv1.BackendObjectReference{Kind: &kind, Name: gwv1.ObjectName(w.Name), Port: &port}, Weight: &weight})
	}
	return out
}

// route writes one Lattice service's route and auth policy into the file
// of the service it stands for.
func (r *renderer) route(ls design.LatticeService, lat *design.Lattice) {
	owner := r.k.Workload(ls.Service)
	if owner == nil {
		return
	}
	file := owner.Name + ".yaml"
	section := gwv1.SectionName(listenerName(ls.Protocol, ls.Port))
	parent := gwv1.ParentReference{Name: gwv1.ObjectName(lat.ServiceNetwork), SectionName: &section}
	meta := r.meta(owner.Name, labels(owner.Labels))
	svc := r.d.Service(ls.Service)
	kind := "HTTPRoute"
	rules := append(slices.Clone(ls.Rules), design.LatticeRule{Targets: ls.DefaultTarget, Source: "default"})
	if svc.Protocol == "grpc" {
		kind = "GRPCRoute"
		route := gwv1.GRPCRoute{TypeMeta: typeMeta("gateway.networking.k8s.io/v1", kind), ObjectMeta: meta,
			Spec: gwv1.GRPCRouteSpec{CommonRouteSpec: gwv1.CommonRouteSpec{ParentRefs: []gwv1.ParentReference{parent}}}}
		for _, rl := range rules {
			rule := gwv1.GRPCRouteRule{}
			for _, b := range r.backends(rl.Targets) {
				rule.BackendRefs = append(rule.BackendRefs, gwv1.GRPCBackendRef{BackendRef: b})
			}
			if !rl.Match.IsEmpty() {
				m := gwv1.GRPCRouteMatch{}
				for _, h := range rl.Match.Headers {
					exact := gwv1.GRPCHeaderMatchExact
					m.Headers = append(m.Headers, gwv1.GRPCHeaderMatch{Type: &exact, Name: gwv1.GRPCHeaderName(h.Key), Value: h.Value})
				}
				if rl.Match.PathPrefix != "" || rl.Match.PathExact != "" || rl.Match.Method != "" {
					r.note(fmt.Sprintf("%s: a GRPCRoute matches gRPC methods and headers, not paths or HTTP methods; route %s keeps only its header matches (%s).", ls.Service, rl.Source, rl.Match))
				}
				rule.Matches = []gwv1.GRPCRouteMatch{m}
			}
			route.Spec.Rules = append(route.Spec.Rules, rule)
		}
		r.add(file, route)
	} else {
		route := gwv1.HTTPRoute{TypeMeta: typeMeta("gateway.networking.k8s.io/v1", kind), ObjectMeta: meta,
			Spec: gwv1.HTTPRouteSpec{CommonRouteSpec: gwv1.CommonRouteSpec{ParentRefs: []gwv1.ParentReference{parent}}}}
		for _, rl := range rules {
			rule := gwv1.HTTPRouteRule{}
			for _, b := range r.backends(rl.Targets) {
				rule.BackendRefs = append(rule.BackendRefs, gwv1.HTTPBackendRef{BackendRef: b})
			}
			if !rl.Match.IsEmpty() {
				m := gwv1.HTTPRouteMatch{}
				switch {
				case rl.Match.PathPrefix != "":
					t, v := gwv1.PathMatchPathPrefix, rl.Match.PathPrefix
					m.Path = &gwv1.HTTPPathMatch{Type: &t, Value: &v}
				case rl.Match.PathExact != "":
					t, v := gwv1.PathMatchExact, rl.Match.PathExact
					m.Path = &gwv1.HTTPPathMatch{Type: &t, Value: &v}
				}
				for _, h := range rl.Match.Headers {
					exact := gwv1.HeaderMatchExact
					m.Headers = append(m.Headers, gwv1.HTTPHeaderMatch{Type: &exact, Name: gwv1.HTTPHeaderName(h.Key), Value: h.Value})
				}
				if rl.Match.Method != "" {
					method := gwv1.HTTPMethod(rl.Match.Method)
					m.Method = &method
				}
				rule.Matches = []gwv1.HTTPRouteMatch{m}
			}
			route.Spec.Rules = append(route.Spec.Rules, rule)
		}
		r.add(file, route)
	}
	if lat.AuthType != "AWS_IAM" {
		return
	}
	r.authPolicy(file, owner, kind, ls)
}

// authPolicy admits exactly the declared callers' roles (their ARNs from
// the stack), or no one when nothing is declared to call the service.
func (r *renderer) authPolicy(file string, owner *design.PodWorkload, kind string, ls design.LatticeService) {
	var principals []string
	var outs []design.StackOutput
	for _, c := range ls.AllowedCallers {
		s := r.d.Service(c)
		if s == nil || s.Platform == nil {
			continue
		}
		o := r.output(s.Platform.Identity, design.OutputARN)
		outs = append(outs, o)
		principals = append(principals, placeholder(o))
	}
	statement := map[string]any{"Effect": "Allow", "Action": "vpc-lattice-svcs:Invoke", "Resource": "*", "Principal": map[string]any{"AWS": principals}}
	if len(principals) == 0 {
		statement["Effect"], statement["Principal"] = "Deny", "*"
	}
	b, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": []any{statement}})
	policy := string(b)
	p := iamAuthPolicy{TypeMeta: typeMeta(appNetworkingVersion, "IAMAuthPolicy"), Metadata: r.meta(owner.Name, labels(owner.Labels)),
		Spec: iapSpec{TargetRef: policyTargetRef{Group: gatewayGroup, Kind: kind, Name: owner.Name}, Policy: policy}}
	r.add(file, p)
	// Each role ARN replaces its placeholder: the policy split at its
	// quotes has the placeholder alone at a known index.
	parts := strings.Split(policy, `"`)
	for _, o := range outs {
		if i := slices.Index(parts, placeholder(o)); i >= 0 {
			r.repl = append(r.repl, replacement{output: o, kind: "IAMAuthPolicy", name: owner.Name, fieldPath: "spec.policy", delimiter: `"`, index: i})
		}
	}
}
