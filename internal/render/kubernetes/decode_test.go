package kubernetes

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	gwv1 "sigs.k8s.io/gateway-api/apis/v1"
	"sigs.k8s.io/yaml"
)

// object is one decoded manifest: its kind, name, the typed object (for
// the kinds with Go types) and the generic form.
type object struct {
	file, apiVersion, kind, name string
	typed                        any
	raw                          map[string]any
}

// typedKinds are the kinds decoded with the Kubernetes API's own Go types.
var typedKinds = map[string]func() any{
	"v1/Namespace":                           func() any { return &corev1.Namespace{} },
	"v1/ServiceAccount":                      func() any { return &corev1.ServiceAccount{} },
	"v1/Service":                             func() any { return &corev1.Service{} },
	"apps/v1/Deployment":                     func() any { return &appsv1.Deployment{} },
	"networking.k8s.io/v1/NetworkPolicy":     func() any { return &networkingv1.NetworkPolicy{} },
	"networking.k8s.io/v1/Ingress":           func() any { return &networkingv1.Ingress{} },
	"gateway.networking.k8s.io/v1/Gateway":   func() any { return &gwv1.Gateway{} },
	"gateway.networking.k8s.io/v1/HTTPRoute": func() any { return &gwv1.HTTPRoute{} },
	"gateway.networking.k8s.io/v1/GRPCRoute": func() any { return &gwv1.GRPCRoute{} },
}

// crdKinds are the AWS controllers' kinds, checked against their CRDs.
var crdKinds = map[string]string{
	"elbv2.k8s.aws/v1beta1/TargetGroupBinding":                  "targetgroupbindings.yaml",
	"vpcresources.k8s.aws/v1beta1/SecurityGroupPolicy":          "securitygrouppolicies.yaml",
	"application-networking.k8s.aws/v1alpha1/TargetGroupPolicy": "targetgrouppolicies.yaml",
	"application-networking.k8s.aws/v1alpha1/IAMAuthPolicy":     "iamauthpolicies.yaml",
}

// decodeAll decodes every manifest file strictly: the typed kinds with
// their Go types (an unknown field fails), the CRD kinds against their
// published schemas with unknown fields refused and their metadata as
// ObjectMeta, and any other kind fails.
func decodeAll(t *testing.T, files map[string][]byte) []object {
	t.Helper()
	var out []object
	for name, b := range files {
		if !strings.HasSuffix(name, ".yaml") || name == KustomizationFile {
			continue
		}
		for i, doc := range bytes.Split(b, []byte("\n---\n")) {
			o, err := decode(doc)
			if err != nil {
				t.Errorf("%s document %d: %v", name, i, err)
				continue
			}
			o.file = name
			out = append(out, o)
		}
	}
	return out
}

func decode(doc []byte) (object, error) {
	var raw map[string]any
	if err := yaml.Unmarshal(doc, &raw); err != nil {
		return object{}, err
	}
	o := object{raw: raw}
	o.apiVersion, _ = raw["apiVersion"].(string)
	o.kind, _ = raw["kind"].(string)
	gvk := o.apiVersion + "/" + o.kind
	if mk, ok := typedKinds[gvk]; ok {
		o.typed = mk()
		if err := yaml.UnmarshalStrict(doc, o.typed); err != nil {
			return o, fmt.Errorf("%s: %w", gvk, err)
		}
		o.name = o.typed.(metav1.Object).GetName()
		return o, nil
	}
	crd, ok := crdKinds[gvk]
	if !ok {
		return o, fmt.Errorf("%s: no Go type or CRD to check it with", gvk)
	}
	if err := crdSchema(crd).Validate(jsonValue(raw)); err != nil {
		return o, fmt.Errorf("%s does not match its CRD: %v", gvk, err)
	}
	md, _ := json.Marshal(raw["metadata"])
	var meta metav1.ObjectMeta
	if err := yaml.UnmarshalStrict(md, &meta); err != nil {
		return o, fmt.Errorf("%s metadata: %w", gvk, err)
	}
	o.name = meta.Name
	return o, nil
}

func jsonValue(v any) any {
	b, _ := json.Marshal(v)
	out, _ := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	return out
}

var schemas = map[string]*jsonschema.Schema{}

// crdSchema compiles a CRD's openAPIV3Schema as a JSON Schema with the
// API server's structural rule: an object with properties and no
// additionalProperties or x-kubernetes-preserve-unknown-fields has no
// other fields (the server prunes them; a strict client refuses them).
func crdSchema(file string) *jsonschema.Schema {
	if s := schemas[file]; s != nil {
		return s
	}
	b, err := os.ReadFile(filepath.Join("testdata", "crds", file))
	if err != nil {
		panic(err)
	}
	var crd struct {
		Spec struct {
			Versions []struct {
				Name   string `json:"name"`
				Schema struct {
					OpenAPIV3Schema map[string]any `json:"openAPIV3Schema"`
				} `json:"schema"`
			} `json:"versions"`
		} `json:"spec"`
	}
	if err := yaml.Unmarshal(b, &crd); err != nil {
		panic(err)
	}
	schema := structural(crd.Spec.Versions[0].Schema.OpenAPIV3Schema)
	c := jsonschema.NewCompiler()
	if err := c.AddResource(file, jsonValue(schema)); err != nil {
		panic(err)
	}
	s, err := c.Compile(file)
	if err != nil {
		panic(err)
	}
	schemas[file] = s
	return s
}

// structural closes every object schema that lists its properties, and
// drops the Kubernetes extensions a JSON Schema validator does not know.
func structural(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, c := range t {
			if strings.HasPrefix(k, "x-kubernetes-") {
				continue
			}
			out[k] = structural(c)
		}
		_, hasProps := t["properties"]
		_, hasAdditional := t["additionalProperties"]
		if hasProps && !hasAdditional && t["x-kubernetes-preserve-unknown-fields"] != true {
			out["additionalProperties"] = false
		}
		if md, ok := out["properties"].(map[string]any); ok {
			if m, ok := md["metadata"].(map[string]any); ok && len(m) == 1 {
				md["metadata"] = map[string]any{"type": "object"} // checked as ObjectMeta
			}
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, c := range t {
			out[i] = structural(c)
		}
		return out
	}
	return v
}

// TestDecodeRejectsUnknownFields checks the checker: an unknown field, a
// value outside an enum and a missing required field fail for a typed
// kind and for each CRD kind.
func TestDecodeRejectsUnknownFields(t *testing.T) {
	for _, doc := range []string{
		"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: a}\nspec: {podSelector: {}, policyType: [Ingress]}\n",
		"apiVersion: elbv2.k8s.aws/v1beta1\nkind: TargetGroupBinding\nmetadata: {name: a}\nspec: {serviceRef: {name: a, port: 80}, targetGroupARN: x, targetTyp: ip}\n",
		"apiVersion: elbv2.k8s.aws/v1beta1\nkind: TargetGroupBinding\nmetadata: {name: a}\nspec: {serviceRef: {name: a, port: 80}, targetGroupARN: x, targetType: pod}\n",
		"apiVersion: elbv2.k8s.aws/v1beta1\nkind: TargetGroupBinding\nmetadata: {name: a}\nspec: {serviceRef: {name: a, port: 80}}\n",
		"apiVersion: vpcresources.k8s.aws/v1beta1\nkind: SecurityGroupPolicy\nmetadata: {name: a}\nspec: {podSelector: {}, securityGroups: {groupIds: []}}\n",
		"apiVersion: vpcresources.k8s.aws/v1beta1\nkind: SecurityGroupPolicy\nmetadata: {name: a, labelz: {}}\nspec: {podSelector: {}}\n",
		"apiVersion: application-networking.k8s.aws/v1alpha1\nkind: TargetGroupPolicy\nmetadata: {name: a}\nspec: {targetRef: {group: '', kind: Service, name: a}, healthCheck: {intervalSeconds: 1}}\n",
		"apiVersion: application-networking.k8s.aws/v1alpha1\nkind: IAMAuthPolicy\nmetadata: {name: a}\nspec: {targetRef: {group: x, kind: HTTPRoute, name: a}, polic: '{}'}\n",
		"apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: a}\n",
	} {
		if _, err := decode([]byte(doc)); err == nil {
			t.Errorf("decode accepted:\n%s", doc)
		}
	}
	ok := "apiVersion: elbv2.k8s.aws/v1beta1\nkind: TargetGroupBinding\nmetadata: {name: a}\nspec: {serviceRef: {name: a, port: 80}, targetGroupARN: x, targetType: ip}\n"
	if _, err := decode([]byte(ok)); err != nil {
		t.Errorf("decode refused a valid TargetGroupBinding: %v", err)
	}
}
