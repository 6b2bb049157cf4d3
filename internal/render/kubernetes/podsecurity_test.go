package kubernetes

import (
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	psaapi "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
)

// restricted evaluates a pod template with Kubernetes' own Pod Security
// Admission checks at the restricted level, the latest version: what a
// namespace labelled pod-security.kubernetes.io/enforce=restricted admits.
func restricted(t *testing.T, tmpl *corev1.PodTemplateSpec) policy.AggregateCheckResult {
	t.Helper()
	ev, err := policy.NewEvaluator(policy.DefaultChecks(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return policy.AggregateCheckResults(ev.EvaluatePod(psaapi.LevelVersion{Level: psaapi.LevelRestricted, Version: psaapi.LatestVersion()}, &tmpl.ObjectMeta, &tmpl.Spec))
}

// TestDeploymentsRestricted: every Deployment skeleton is admitted by the
// Pod Security Standards' restricted profile, with a read-only root file
// system and a writable /tmp.
func TestDeploymentsRestricted(t *testing.T) {
	for name, d := range designs(t) {
		t.Run(name, func(t *testing.T) {
			files, _ := render(t, d, Options{Workloads: true})
			n := 0
			for _, o := range decodeAll(t, files) {
				dep, ok := o.typed.(*appsv1.Deployment)
				if !ok {
					continue
				}
				n++
				if r := restricted(t, &dep.Spec.Template); !r.Allowed {
					t.Errorf("%s: not admitted at restricted: %v", dep.Name, r.ForbiddenDetails)
				}
				for _, c := range dep.Spec.Template.Spec.Containers {
					if c.SecurityContext == nil || c.SecurityContext.ReadOnlyRootFilesystem == nil || !*c.SecurityContext.ReadOnlyRootFilesystem {
						t.Errorf("%s: container %s has a writable root file system", dep.Name, c.Name)
					}
					if len(c.VolumeMounts) != 1 || c.VolumeMounts[0].MountPath != "/tmp" {
						t.Errorf("%s: container %s mounts %v; want /tmp", dep.Name, c.Name, c.VolumeMounts)
					}
				}
			}
			if n != len(d.Kubernetes.Workloads) {
				t.Errorf("%d Deployments; want %d", n, len(d.Kubernetes.Workloads))
			}
		})
	}
}

// TestLowPortRestricted: a port below 1024 is bound through the
// namespaced sysctl, which the restricted profile admits, not through a
// capability, which it does not (but NET_BIND_SERVICE, which a non-root
// process would not hold anyway).
func TestLowPortRestricted(t *testing.T) {
	ports := []corev1.ContainerPort{{ContainerPort: 8080}, {ContainerPort: 80}}
	sc, mounts := restrictedContainer()
	tmpl := &corev1.PodTemplateSpec{Spec: corev1.PodSpec{SecurityContext: restrictedPod(ports),
		Containers: []corev1.Container{{Name: "web", Image: "web", Ports: ports, SecurityContext: sc, VolumeMounts: mounts}}}}
	if r := restricted(t, tmpl); !r.Allowed {
		t.Fatalf("not admitted at restricted: %v", r.ForbiddenDetails)
	}
	if got := tmpl.Spec.SecurityContext.Sysctls; len(got) != 1 || got[0].Name != "net.ipv4.ip_unprivileged_port_start" || got[0].Value != "0" {
		t.Errorf("sysctls %v; want net.ipv4.ip_unprivileged_port_start=0", got)
	}
	if got := restrictedPod(ports[:1]).Sysctls; got != nil {
		t.Errorf("sysctls %v for port 8080 only; want none", got)
	}
	// The check is real: a pod without the contexts is refused.
	bare := &corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "web", Image: "web"}}}}
	if restricted(t, bare).Allowed {
		t.Error("a pod with no security context admitted at restricted")
	}
}
