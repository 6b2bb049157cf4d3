package kubernetes

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/netwright/netwright/internal/design"
)

// IngressFile holds the Ingresses of the ALBs the AWS Load Balancer
// Controller makes (--ingress).
const IngressFile = "_ingress.yaml"

// The AWS Load Balancer Controller's Ingress vocabulary
// (kubernetes-sigs/aws-load-balancer-controller docs/guide/ingress).
const (
	albAnnotation = "alb.ingress.kubernetes.io/"
	// albIngressClass is the IngressClass the controller's Helm chart
	// makes (ingressClass: alb).
	albIngressClass = "alb"
	// useAnnotation as a backend's port name makes the backend's service
	// name the name of an actions.<name> annotation.
	useAnnotation     = "use-annotation"
	defaultActionName = "default-action"
)

// ErrStackOwnsALBs is returned for --ingress on a design whose ALBs the
// stack makes: an Ingress would make a second ALB beside each.
var ErrStackOwnsALBs = errors.New("the stack makes the design's ALBs (network.alb_owner stack), so an Ingress would make a second ALB beside each: set network.alb_owner: controller to give them to the AWS Load Balancer Controller, or export without --ingress")

// ErrIngressNeeded is returned without --ingress for a design whose ALBs
// the controller makes: nothing else would make them.
var ErrIngressNeeded = errors.New("the AWS Load Balancer Controller makes the design's ALBs (network.alb_owner controller) only from their Ingresses: export with --ingress")

// groupName is what the controller accepts as an IngressGroup's name.
var groupName = regexp.MustCompile(`^([a-z0-9][-a-z0-9.]*)?[a-z0-9]$`)

// albAction is the controller's actions.<name> annotation: a forward to
// Services with weights, a fixed response or a redirect (pkg/ingress
// config_types.go Action).
type albAction struct {
	Type                string            `json:"type"`
	ForwardConfig       *albForward       `json:"forwardConfig,omitempty"`
	FixedResponseConfig *albFixedResponse `json:"fixedResponseConfig,omitempty"`
	RedirectConfig      *albRedirect      `json:"redirectConfig,omitempty"`
}

type albForward struct {
	TargetGroups []albTargetGroup `json:"targetGroups"`
}

type albTargetGroup struct {
	ServiceName string `json:"serviceName"`
	ServicePort int    `json:"servicePort"`
	Weight      int    `json:"weight"`
}

type albFixedResponse struct {
	ContentType string `json:"contentType"`
	StatusCode  string `json:"statusCode"`
	MessageBody string `json:"messageBody,omitempty"`
}

type albRedirect struct {
	Protocol   string `json:"protocol,omitempty"`
	Port       string `json:"port,omitempty"`
	StatusCode string `json:"statusCode"`
}

// albCondition is one element of the controller's conditions.<name>
// annotation (config_types.go RuleCondition).
type albCondition struct {
	Field                   string          `json:"field"`
	HostHeaderConfig        *albValues      `json:"hostHeaderConfig,omitempty"`
	HTTPHeaderConfig        *albHeader      `json:"httpHeaderConfig,omitempty"`
	HTTPRequestMethodConfig *albValues      `json:"httpRequestMethodConfig,omitempty"`
	QueryStringConfig       *albQueryString `json:"queryStringConfig,omitempty"`
	SourceIPConfig          *albValues      `json:"sourceIPConfig,omitempty"`
}

type albValues struct {
	Values []string `json:"values"`
}

type albHeader struct {
	HTTPHeaderName string   `json:"httpHeaderName"`
	Values         []string `json:"values"`
}

type albQueryString struct {
	Values []albKeyValue `json:"values"`
}

type albKeyValue struct {
	Key   string `json:"key,omitempty"`
	Value string `json:"value"`
}

// ingresses writes an IngressGroup per ALB the AWS Load Balancer
// Controller makes.
func (r *renderer) ingresses() {
	claimed := map[string]string{} // target group -> the Ingress that forwards to it
	for i := range r.d.LoadBalancers {
		if lb := &r.d.LoadBalancers[i]; !lb.StackOwns() {
			r.ingressGroup(lb, claimed)
		}
	}
}

// sslRedirectPort returns the HTTPS port the controller's ssl-redirect
// sends every HTTP listener of the load balancer to, or 0 when a listener
// is not such a redirect (each listener then gets an Ingress of its own).
func sslRedirectPort(lb *design.LoadBalancer) int {
	port := 0
	for _, l := range lb.Listeners {
		if l.Protocol != "HTTP" {
			continue
		}
		a := l.DefaultAction
		if len(l.Rules) > 0 || a.Type != design.ActionRedirect || a.RedirectProtocol != "HTTPS" || a.StatusCode != 301 || port != 0 && a.RedirectPort != port {
			return 0
		}
		port = a.RedirectPort
	}
	for _, l := range lb.Listeners {
		if l.Protocol == "HTTPS" && l.Port == port {
			return port
		}
	}
	return 0
}

// ingressGroup writes one ALB as an IngressGroup: an Ingress per listener
// (HTTP listeners that only redirect to HTTPS fold into the controller's
// ssl-redirect), each with its rules in the designed order and its
// default action as the default backend. The load balancer's own settings
// go on the first Ingress (they are exclusive within a group); the target
// groups' go on the Services they are made from.
func (r *renderer) ingressGroup(lb *design.LoadBalancer, claimed map[string]string) {
	if !groupName.MatchString(lb.Name) || len(lb.Name) > 63 {
		r.errs = append(r.errs, fmt.Errorf("load balancer %s: its name %q cannot name an IngressGroup (lower-case letters, digits, '-' and '.', at most 63)", lb.ID, lb.Name))
		return
	}
	redirect := sslRedirectPort(lb)
	sslPolicy := ""
	order := 0
	for _, l := range lb.Listeners {
		if redirect > 0 && l.Protocol == "HTTP" {
			continue // the controller's ssl-redirect
		}
		if l.Protocol != "HTTP" && l.Protocol != "HTTPS" {
			r.errs = append(r.errs, fmt.Errorf("listener %s: an Ingress listens on HTTP or HTTPS, not %s", l.ID, l.Protocol))
			continue
		}
		order++
		ing := networkingv1.Ingress{TypeMeta: typeMeta("networking.k8s.io/v1", "Ingress"), ObjectMeta: r.meta(l.ID, nil)}
		class := albIngressClass
		ing.Spec.IngressClassName = &class
		a := map[string]string{
			albAnnotation + "group.name":  lb.Name,
			albAnnotation + "group.order": strconv.Itoa(order),
			albAnnotation + "target-type": "ip",
		}
		ports := []map[string]int{{l.Protocol: l.Port}}
		if l.Protocol == "HTTPS" {
			if sslPolicy != "" && l.SSLPolicy != sslPolicy {
				r.errs = append(r.errs, fmt.Errorf("load balancer %s: its HTTPS listeners use %s and %s, but an ALB of the controller has one ssl-policy", lb.ID, sslPolicy, l.SSLPolicy))
			}
			sslPolicy = l.SSLPolicy
			a[albAnnotation+"ssl-policy"] = l.SSLPolicy
			if l.Certificate == design.CertificateAuto {
				o := r.output(l.ID, design.OutputCertificateARN)
				a[albAnnotation+"certificate-arn"] = placeholder(o)
				r.repl = append(r.repl, replacement{output: o, kind: "Ingress", name: l.ID, fieldPath: annotationPath("certificate-arn")})
			} else {
				a[albAnnotation+"certificate-arn"] = l.Certificate
			}
			if l.Port == redirect {
				for _, h := range lb.Listeners {
					if h.Protocol == "HTTP" {
						ports = append(ports, map[string]int{"HTTP": h.Port})
					}
				}
				a[albAnnotation+"ssl-redirect"] = strconv.Itoa(redirect)
			}
		}
		a[albAnnotation+"listen-ports"] = mustJSON(ports)
		if order == 1 {
			r.loadBalancerAnnotations(lb, l.ID, a)
		}
		ing.Spec.DefaultBackend = actionBackend(defaultActionName)
		a[albAnnotation+"actions."+defaultActionName] = r.actionAnnotation(l.ID, l.DefaultAction, claimed)
		for _, rule := range l.Rules {
			name := fmt.Sprintf("rule-%d", rule.Priority)
			a[albAnnotation+"actions."+name] = r.actionAnnotation(l.ID, rule.Action, claimed)
			ir := networkingv1.IngressRule{IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{}}}
			c := rule.Conditions
			var conds []albCondition
			switch {
			case c.Host == "":
			case kubernetesHost(c.Host):
				ir.Host = c.Host
			default: // a host a rule of the Ingress cannot hold, which ALB can
				conds = append(conds, albCondition{Field: "host-header", HostHeaderConfig: &albValues{[]string{c.Host}}})
			}
			for _, h := range c.Headers {
				conds = append(conds, albCondition{Field: "http-header", HTTPHeaderConfig: &albHeader{HTTPHeaderName: h.Key, Values: []string{h.Value}}})
			}
			if len(c.Methods) > 0 {
				conds = append(conds, albCondition{Field: "http-request-method", HTTPRequestMethodConfig: &albValues{c.Methods}})
			}
			for _, q := range c.Query {
				conds = append(conds, albCondition{Field: "query-string", QueryStringConfig: &albQueryString{[]albKeyValue{{Key: q.Key, Value: q.Value}}}})
			}
			if len(c.SourceIPs) > 0 {
				var ips []string
				for _, p := range c.SourceIPs {
					ips = append(ips, p.String())
				}
				conds = append(conds, albCondition{Field: "source-ip", SourceIPConfig: &albValues{ips}})
			}
			if len(conds) > 0 {
				a[albAnnotation+"conditions."+name] = mustJSON(conds)
			}
			// ImplementationSpecific passes the path to ALB as its
			// path-pattern unchanged, and keeps the paths in the order
			// written; no path adds no condition.
			pathType := networkingv1.PathTypeImplementationSpecific
			ir.HTTP.Paths = []networkingv1.HTTPIngressPath{{Path: c.Path, PathType: &pathType, Backend: *actionBackend(name)}}
			ing.Spec.Rules = append(ing.Spec.Rules, ir)
		}
		ing.Annotations = a
		r.add(IngressFile, ing)
	}
}

// loadBalancerAnnotations sets what the load balancer itself is: its
// name, scheme, subnets and security groups (the stack's, so the
// controller makes none and leaves the design's rules alone) and its
// attributes, with the access-log bucket last (kustomize replaces the
// bucket's name after its key).
func (r *renderer) loadBalancerAnnotations(lb *design.LoadBalancer, ingress string, a map[string]string) {
	a[albAnnotation+"load-balancer-name"] = lb.Name
	a[albAnnotation+"scheme"] = lb.Scheme
	a[albAnnotation+"ip-address-type"] = "ipv4"
	a[albAnnotation+"subnets"] = r.outputList(ingress, "subnets", lb.Subnets, design.OutputID)
	a[albAnnotation+"security-groups"] = r.outputList(ingress, "security-groups", lb.SecurityGroups, design.OutputID)
	a[albAnnotation+"manage-backend-security-group-rules"] = "false"
	attrs := []string{
		fmt.Sprintf("deletion_protection.enabled=%t", lb.DeletionProtection),
		fmt.Sprintf("idle_timeout.timeout_seconds=%d", seconds(lb.IdleTimeout)),
		fmt.Sprintf("routing.http.drop_invalid_header_fields.enabled=%t", lb.DropInvalidHeaders),
	}
	if al := lb.AccessLogs; al != nil {
		o := r.output(al.Bucket, design.OutputName)
		attrs = append(attrs, "access_logs.s3.enabled=true", "access_logs.s3.prefix="+al.Prefix, bucketAttribute+placeholder(o))
		r.repl = append(r.repl, replacement{output: o, kind: "Ingress", name: ingress, fieldPath: annotationPath("load-balancer-attributes"), delimiter: bucketAttribute, index: 1})
	}
	a[albAnnotation+"load-balancer-attributes"] = strings.Join(attrs, ",")
	if lb.DeletionProtection {
		r.note(fmt.Sprintf("%s has deletion protection (deletion_protection.enabled=true in its Ingress): the AWS Load Balancer Controller cannot delete it when its Ingresses are deleted; set the attribute to false and apply before deleting them.", lb.Name))
	}
}

// bucketAttribute is the access-log bucket's key in the
// load-balancer-attributes annotation, which ends with the bucket's name.
const bucketAttribute = "access_logs.s3.bucket="

// outputList is a stringList annotation of stack outputs, each set by a
// replacement of its part.
func (r *renderer) outputList(ingress, annotation string, objects []string, attribute string) string {
	var parts []string
	for i, obj := range objects {
		o := r.output(obj, attribute)
		parts = append(parts, placeholder(o))
		rp := replacement{output: o, kind: "Ingress", name: ingress, fieldPath: annotationPath(annotation)}
		if len(objects) > 1 {
			rp.delimiter, rp.index = ",", i
		}
		r.repl = append(r.repl, rp)
	}
	return strings.Join(parts, ",")
}

// annotationPath is the kustomize field path of a controller annotation.
func annotationPath(name string) string { return "metadata.annotations.[" + albAnnotation + name + "]" }

func actionBackend(name string) *networkingv1.IngressBackend {
	return &networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{Name: name, Port: networkingv1.ServiceBackendPort{Name: useAnnotation}}}
}

// kubernetesHost reports whether an Ingress rule's host can hold a
// host-header value: a DNS subdomain in lower case, or one with a
// leading "*." label.
func kubernetesHost(h string) bool {
	if strings.HasPrefix(h, "*.") {
		return len(validation.IsWildcardDNS1123Subdomain(h)) == 0
	}
	return len(validation.IsDNS1123Subdomain(h)) == 0
}

// actionAnnotation is a listener action as the controller's JSON: a
// forward names the Services the controller makes target groups of, so
// each of the design's groups must be forwarded to from one Ingress only
// (the controller makes a group per Ingress and Service).
func (r *renderer) actionAnnotation(ingress string, a design.Action, claimed map[string]string) string {
	switch a.Type {
	case design.ActionFixed:
		return mustJSON(albAction{Type: "fixed-response", FixedResponseConfig: &albFixedResponse{ContentType: "text/plain", StatusCode: strconv.Itoa(a.StatusCode), MessageBody: a.Body}})
	case design.ActionRedirect:
		return mustJSON(albAction{Type: "redirect", RedirectConfig: &albRedirect{Protocol: a.RedirectProtocol, Port: strconv.Itoa(a.RedirectPort), StatusCode: fmt.Sprintf("HTTP_%d", a.StatusCode)}})
	case design.ActionForward:
	default:
		r.errs = append(r.errs, fmt.Errorf("listener %s: action %q has no Ingress form", ingress, a.Type))
		return ""
	}
	fc := &albForward{}
	for _, f := range a.Forward {
		tg := r.d.TargetGroup(f.TargetGroup)
		w := r.k.Workload(tg.Service)
		if tg.StackOwns() || w == nil {
			r.errs = append(r.errs, fmt.Errorf("listener %s: target group %s is not one the controller makes of a workload's Service", ingress, tg.ID))
			continue
		}
		if other, ok := claimed[tg.ID]; ok && other != ingress {
			r.errs = append(r.errs, fmt.Errorf("target group %s: the Ingresses %s and %s forward to it, and the controller would make a group for each", tg.ID, other, ingress))
		}
		claimed[tg.ID] = ingress
		fc.TargetGroups = append(fc.TargetGroups, albTargetGroup{ServiceName: w.Name, ServicePort: tg.Port, Weight: f.Weight})
	}
	return mustJSON(albAction{Type: "forward", ForwardConfig: fc})
}

// targetGroupAnnotations are the annotations of a Service the controller
// makes a target group of: the design's group's protocol, health check
// and attributes (a Service's annotations take precedence over its
// Ingress's).
func (r *renderer) targetGroupAnnotations(tg *design.TargetGroup) map[string]string {
	if tg.Stickiness != "" && tg.Stickiness != "lb_cookie" || tg.PreserveClientIP {
		r.errs = append(r.errs, fmt.Errorf("target group %s: stickiness %q or client IP preservation, which an ALB's group of the controller cannot have", tg.ID, tg.Stickiness))
	}
	h := tg.Health
	a := map[string]string{
		albAnnotation + "target-type":                  tg.TargetType,
		albAnnotation + "backend-protocol":             tg.Protocol,
		albAnnotation + "backend-protocol-version":     tg.ProtocolVersion,
		albAnnotation + "healthcheck-protocol":         h.Protocol,
		albAnnotation + "healthcheck-port":             strconv.Itoa(h.Port),
		albAnnotation + "healthcheck-path":             h.Path,
		albAnnotation + "healthcheck-interval-seconds": strconv.Itoa(int(seconds(h.Interval))),
		albAnnotation + "healthcheck-timeout-seconds":  strconv.Itoa(int(seconds(h.Timeout))),
		albAnnotation + "healthy-threshold-count":      strconv.Itoa(h.HealthyThreshold),
		albAnnotation + "unhealthy-threshold-count":    strconv.Itoa(h.UnhealthyThreshold),
		albAnnotation + "success-codes":                h.Matcher,
	}
	attrs := []string{fmt.Sprintf("deregistration_delay.timeout_seconds=%d", seconds(tg.DeregistrationDelay))}
	if tg.Algorithm != "" {
		attrs = append(attrs, "load_balancing.algorithm.type="+tg.Algorithm)
		if tg.AnomalyMitigation {
			attrs = append(attrs, "load_balancing.algorithm.anomaly_mitigation=on")
		}
	}
	if tg.SlowStart > 0 {
		attrs = append(attrs, fmt.Sprintf("slow_start.duration_seconds=%d", seconds(tg.SlowStart)))
	}
	if tg.Stickiness == "lb_cookie" {
		attrs = append(attrs, "stickiness.enabled=true", "stickiness.type=lb_cookie", fmt.Sprintf("stickiness.lb_cookie.duration_seconds=%d", seconds(tg.StickinessDuration)))
	}
	a[albAnnotation+"target-group-attributes"] = strings.Join(attrs, ",")
	for k, v := range a {
		if v == "" {
			delete(a, k)
		}
	}
	return a
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only the types above, which always marshal
	}
	return string(b)
}
