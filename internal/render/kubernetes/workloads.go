package kubernetes

import (
	"fmt"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	"github.com/netwright/netwright/internal/design"
)

func typeMeta(apiVersion, kind string) metav1.TypeMeta {
	return metav1.TypeMeta{APIVersion: apiVersion, Kind: kind}
}

// shared writes the namespace and its default deny: every pod of the
// namespace is isolated both ways, so only what the workloads' policies
// allow passes.
func (r *renderer) shared() {
	ns := corev1.Namespace{TypeMeta: typeMeta("v1", "Namespace"), ObjectMeta: r.meta(r.k.Namespace, nil)}
	ns.Namespace = ""
	r.add(SharedFile, ns)
	r.add(SharedFile, networkingv1.NetworkPolicy{TypeMeta: typeMeta("networking.k8s.io/v1", "NetworkPolicy"), ObjectMeta: r.meta("default-deny", nil),
		Spec: networkingv1.NetworkPolicySpec{PodSelector: metav1.LabelSelector{}, PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}}})
}

// portName names a container or Service port by what it carries
// (IANA_SVC_NAME: at most 15 characters).
func portName(svc *design.Service, cp design.ContainerPort) string {
	if cp.Purpose == design.PortHealth {
		return "health"
	}
	switch svc.Protocol {
	case "http":
		return "http"
	case "http2":
		return "h2c"
	case "grpc":
		return "grpc"
	case "websocket":
		return "ws"
	case "tls":
		return "tls"
	case "udp":
		return "udp"
	}
	return "tcp"
}

// appProtocol is a Service port's application protocol: IANA's names, or
// Kubernetes' own for cleartext HTTP/2 (gRPC included) and WebSocket.
func appProtocol(svc *design.Service, cp design.ContainerPort) *string {
	var p string
	switch {
	case cp.Purpose == design.PortHealth:
		p = "http"
		if svc.Health.Path == "" {
			return nil
		}
	case svc.Protocol == "http":
		p = "http"
	case svc.Protocol == "http2" || svc.Protocol == "grpc":
		p = "kubernetes.io/h2c"
	case svc.Protocol == "websocket":
		p = "kubernetes.io/ws"
	case svc.Protocol == "tls":
		p = "tls"
	default:
		return nil
	}
	return &p
}

func protocol(transport string) corev1.Protocol {
	if transport == "udp" {
		return corev1.ProtocolUDP
	}
	return corev1.ProtocolTCP
}

// workload writes one service's objects.
func (r *renderer) workload(w design.PodWorkload) {
	svc := r.d.Service(w.Service)
	file := w.Name + ".yaml"
	pl := labels(w.Labels)
	r.add(file, corev1.ServiceAccount{TypeMeta: typeMeta("v1", "ServiceAccount"), ObjectMeta: r.meta(w.ServiceAccount, pl)})

	service := corev1.Service{TypeMeta: typeMeta("v1", "Service"), ObjectMeta: r.meta(w.Name, pl),
		Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeClusterIP, Selector: pl}}
	for _, cp := range svc.Platform.Ports {
		service.Spec.Ports = append(service.Spec.Ports, corev1.ServicePort{Name: portName(svc, cp), Port: int32(cp.Port), TargetPort: intstr.FromString(portName(svc, cp)),
			Protocol: protocol(cp.Protocol), AppProtocol: appProtocol(svc, cp)})
	}
	for _, reg := range svc.Platform.Registrations {
		if tg := r.d.TargetGroup(reg.TargetGroup); !tg.StackOwns() {
			// The controller makes this group of the Service, from the
			// settings on it, and registers the pods itself.
			if service.Annotations != nil {
				r.errs = append(r.errs, fmt.Errorf("%s: the controller would make two target groups of its Service, with one set of settings", w.Name))
			}
			service.Annotations = r.targetGroupAnnotations(tg)
		}
	}
	r.add(file, service)
	if r.o.Workloads {
		r.add(file, r.deployment(w, svc))
	}
	r.add(file, r.networkPolicy(w))
	if len(w.SecurityGroups) > 0 {
		sgp := securityGroupPolicy{TypeMeta: typeMeta(vpcResourcesAPIVersion, "SecurityGroupPolicy"), Metadata: r.meta(w.Name, pl),
			Spec: sgpSpec{PodSelector: &metav1.LabelSelector{MatchLabels: pl}}}
		for i, g := range w.SecurityGroups {
			o := r.output(g, design.OutputID)
			sgp.Spec.SecurityGroups.GroupIDs = append(sgp.Spec.SecurityGroups.GroupIDs, placeholder(o))
			r.repl = append(r.repl, replacement{output: o, kind: "SecurityGroupPolicy", name: w.Name, fieldPath: fmt.Sprintf("spec.securityGroups.groupIds.%d", i)})
		}
		r.add(file, sgp)
	}
	for _, reg := range svc.Platform.Registrations {
		tg := r.d.TargetGroup(reg.TargetGroup)
		if !tg.StackOwns() {
			continue // the controller's: no binding
		}
		o := r.output(tg.ID, design.OutputARN)
		r.add(file, targetGroupBinding{TypeMeta: typeMeta(elbv2APIVersion, "TargetGroupBinding"), Metadata: r.meta(tg.ID, pl),
			Spec: tgbSpec{ServiceRef: tgbServiceRef{Name: w.Name, Port: intstr.FromInt32(int32(reg.ContainerPort))}, TargetGroupARN: placeholder(o), TargetType: tg.TargetType, IPAddressType: "ipv4"}})
		r.repl = append(r.repl, replacement{output: o, kind: "TargetGroupBinding", name: tg.ID, fieldPath: "spec.targetGroupARN"})
	}
}

func seconds(d design.Duration) int32 { return int32(time.Duration(d) / time.Second) }

// deployment is a Deployment skeleton: the design's replicas, a rolling
// update no larger than the subnets were sized for, pods spread evenly
// over the zones (the sizing assumes it), the readiness check from the
// design's health check, and each dependency's address. The image is the
// service's name, to be set with kustomize edit set image.
func (r *renderer) deployment(w design.PodWorkload, svc *design.Service) appsv1.Deployment {
	pl := labels(w.Labels)
	replicas := int32(svc.Replicas)
	roll := svc.Platform.Deployment
	surge, unavailable := intstr.FromString(fmt.Sprintf("%d%%", roll.MaxPercent-100)), intstr.FromString(fmt.Sprintf("%d%%", 100-roll.MinHealthyPercent))
	c := corev1.Container{Name: w.Name, Image: w.Name}
	for _, cp := range svc.Platform.Ports {
		c.Ports = append(c.Ports, corev1.ContainerPort{Name: portName(svc, cp), ContainerPort: int32(cp.Port), Protocol: protocol(cp.Protocol)})
	}
	for _, dep := range svc.Platform.Dependencies {
		value := ""
		if dep.Host != "" {
			value = fmt.Sprintf("%s:%d", dep.Host, dep.Port)
		}
		c.Env = append(c.Env, corev1.EnvVar{Name: dep.Env, Value: value})
		if dep.Host == "" {
			r.notes = append(r.notes, fmt.Sprintf("%s: set %s in its Deployment to the DNS name AWS assigns to %s (the %s's DNS name, known once deployed) and port %d.", w.Name, dep.Env, dep.Service, map[string]string{design.ViaLattice: "VPC Lattice service (the HTTPRoute's application-networking.k8s.aws/lattice-assigned-domain-name annotation)", design.ViaLoadBalancer: "internal load balancer"}[dep.Via], dep.Port))
		}
	}
	if p := w.Readiness; p != nil {
		probe := &corev1.Probe{PeriodSeconds: seconds(p.Period), TimeoutSeconds: seconds(p.Timeout), SuccessThreshold: int32(p.SuccessThreshold), FailureThreshold: int32(p.FailureThreshold)}
		if p.Kind == design.ProbeHTTP {
			probe.HTTPGet = &corev1.HTTPGetAction{Path: p.Path, Port: intstr.FromInt32(int32(p.Port))}
		} else {
			probe.TCPSocket = &corev1.TCPSocketAction{Port: intstr.FromInt32(int32(p.Port))}
		}
		c.ReadinessProbe = probe
	}
	c.SecurityContext, c.VolumeMounts = restrictedContainer()
	meta := r.meta(w.Name, pl)
	meta.Annotations = map[string]string{annotationImage: svc.Platform.Image.Describe(svc.Name)}
	return appsv1.Deployment{TypeMeta: typeMeta("apps/v1", "Deployment"), ObjectMeta: meta,
		Spec: appsv1.DeploymentSpec{
			Replicas: &replicas,
			Selector: &metav1.LabelSelector{MatchLabels: pl},
			Strategy: appsv1.DeploymentStrategy{Type: appsv1.RollingUpdateDeploymentStrategyType, RollingUpdate: &appsv1.RollingUpdateDeployment{MaxSurge: &surge, MaxUnavailable: &unavailable}},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: pl},
				Spec: corev1.PodSpec{
					ServiceAccountName: w.ServiceAccount,
					SecurityContext:    restrictedPod(c.Ports),
					Containers:         []corev1.Container{c},
					Volumes:            []corev1.Volume{{Name: "tmp", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}},
					TopologySpreadConstraints: []corev1.TopologySpreadConstraint{{MaxSkew: 1, TopologyKey: "topology.kubernetes.io/zone",
						WhenUnsatisfiable: corev1.DoNotSchedule, LabelSelector: &metav1.LabelSelector{MatchLabels: pl}}},
				},
			},
		}}
}

// restrictedPod is the pod's half of the Pod Security Standards'
// restricted profile: no root, the runtime's default seccomp profile. A
// port below 1024 is bound through the namespaced sysctl the baseline
// profile allows, not a capability (a non-root process has none).
func restrictedPod(ports []corev1.ContainerPort) *corev1.PodSecurityContext {
	sc := &corev1.PodSecurityContext{RunAsNonRoot: ptr.To(true), SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}}
	for _, p := range ports {
		if p.ContainerPort < 1024 {
			sc.Sysctls = []corev1.Sysctl{{Name: "net.ipv4.ip_unprivileged_port_start", Value: "0"}}
			break
		}
	}
	return sc
}

// restrictedContainer is the container's half: no privilege escalation,
// every capability dropped, a read-only root file system with a writable
// /tmp (an emptyDir).
func restrictedContainer() (*corev1.SecurityContext, []corev1.VolumeMount) {
	return &corev1.SecurityContext{AllowPrivilegeEscalation: ptr.To(false), ReadOnlyRootFilesystem: ptr.To(true), RunAsNonRoot: ptr.To(true),
			Capabilities: &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}}},
		[]corev1.VolumeMount{{Name: "tmp", MountPath: "/tmp"}}
}
