package cloudformation

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// generic is a template as plain JSON values.
func plain(t *testing.T, f File) map[string]any {
	t.Helper()
	b, err := f.Template.JSON()
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func resourcesOf(m map[string]any, typ string) map[string]map[string]any {
	out := map[string]map[string]any{}
	for id, r := range m["Resources"].(map[string]any) {
		r := r.(map[string]any)
		if r["Type"] == typ {
			props, _ := r["Properties"].(map[string]any)
			out[id] = props
		}
	}
	return out
}

func refTo(v any) string {
	m, _ := v.(map[string]any)
	if r, ok := m["Ref"].(string); ok {
		return r
	}
	if a, ok := m["Fn::GetAtt"].([]any); ok && len(a) == 2 {
		return a[0].(string)
	}
	return ""
}

// containerPorts returns each ECS service's mapped ports as "tcp 8080".
func containerPorts(m map[string]any) map[string][]string {
	defs := resourcesOf(m, "AWS::ECS::TaskDefinition")
	out := map[string][]string{}
	for id, svc := range resourcesOf(m, "AWS::ECS::Service") {
		td := defs[refTo(svc["TaskDefinition"])]
		for _, c := range td["ContainerDefinitions"].([]any) {
			for _, pm := range c.(map[string]any)["PortMappings"].([]any) {
				pm := pm.(map[string]any)
				out[id] = append(out[id], strings.ToLower(pm["Protocol"].(string))+" "+jsonNumber(pm["ContainerPort"]))
			}
		}
	}
	return out
}

func jsonNumber(v any) string {
	b, _ := json.Marshal(v)
	return strings.Trim(string(b), `"`)
}

// TestExportsDeploy checks, in every exported template, what AWS requires
// beyond the schema (issue 13): each ECS service registers in Cloud Map
// with the container and port an SRV record needs (the ECS API reference,
// ServiceRegistry: with awsvpc and SRV records, containerName and
// containerPort or port); each target group a service registers in sends
// to a port its container maps, and its health checks to a TCP port the
// container maps too (no load balancer checks UDP or GENEVE: ELB API
// reference, CreateTargetGroup HealthCheckProtocol); every GENEVE target
// group has a service that registers in it; every ECS service turns on the
// deployment circuit breaker with rollback; and no container image has a
// default.
func TestExportsDeploy(t *testing.T) {
	for name, f := range examples(t) {
		if f.Nested {
			continue
		}
		t.Run(name, func(t *testing.T) {
			m := plain(t, f)
			ports := containerPorts(m)
			discovery := resourcesOf(m, "AWS::ServiceDiscovery::Service")
			tgs := resourcesOf(m, "AWS::ElasticLoadBalancingV2::TargetGroup")
			registered := map[string]bool{}
			for id, svc := range resourcesOf(m, "AWS::ECS::Service") {
				for _, r := range asList(svc["ServiceRegistries"]) {
					r := r.(map[string]any)
					sd := discovery[refTo(r["RegistryArn"])]
					if sd == nil {
						t.Errorf("%s registers in a Cloud Map service the template does not create", id)
						continue
					}
					srv := false
					if dc, ok := sd["DnsConfig"].(map[string]any); ok {
						for _, rec := range asList(dc["DnsRecords"]) {
							srv = srv || rec.(map[string]any)["Type"] == "SRV"
						}
					}
					if srv && (r["ContainerName"] == nil || r["ContainerPort"] == nil) {
						t.Errorf("%s registers in %s, which has SRV records, without ContainerName and ContainerPort", id, refTo(r["RegistryArn"]))
					}
					if r["ContainerPort"] != nil && !slices.Contains(ports[id], "tcp "+jsonNumber(r["ContainerPort"])) && !slices.Contains(ports[id], "udp "+jsonNumber(r["ContainerPort"])) {
						t.Errorf("%s registers port %s in Cloud Map, which its container does not map (%v)", id, jsonNumber(r["ContainerPort"]), ports[id])
					}
				}
				for _, lb := range asList(svc["LoadBalancers"]) {
					lb := lb.(map[string]any)
					tgID := refTo(lb["TargetGroupArn"])
					tg := tgs[tgID]
					if tg == nil {
						t.Errorf("%s registers in a target group the template does not create", id)
						continue
					}
					registered[tgID] = true
					transport := map[string]string{"UDP": "udp", "GENEVE": "udp"}[tg["Protocol"].(string)]
					if transport == "" {
						transport = "tcp"
					}
					port := jsonNumber(lb["ContainerPort"])
					if !slices.Contains(ports[id], transport+" "+port) {
						t.Errorf("%s registers %s port %s in %s, which its container does not map (%v)", id, transport, port, tgID, ports[id])
					}
					hp := jsonNumber(tg["HealthCheckPort"])
					if hp == "traffic-port" {
						hp = jsonNumber(tg["Port"])
					}
					if !slices.Contains(ports[id], "tcp "+hp) {
						t.Errorf("%s: %s checks health on tcp %s, which the container does not map (%v)", id, tgID, hp, ports[id])
					}
				}
				dc := svc["DeploymentConfiguration"].(map[string]any)
				if cb, _ := dc["DeploymentCircuitBreaker"].(map[string]any); cb == nil || cb["Enable"] != true || cb["Rollback"] != true {
					t.Errorf("%s deploys without the circuit breaker and rollback: %v", id, dc)
				}
			}
			if len(resourcesOf(m, "AWS::ECS::Service")) > 0 {
				for id, tg := range tgs {
					if tg["Protocol"] == "GENEVE" && !registered[id] {
						t.Errorf("no ECS service registers its appliances in the GENEVE target group %s", id)
					}
				}
			}
			for id, p := range f.Template.Parameters {
				if strings.HasSuffix(id, "Image") && p.Default != "" {
					t.Errorf("parameter %s defaults to %s: a placeholder that listens elsewhere never passes the health checks", id, p.Default)
				}
			}
		})
	}
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}
