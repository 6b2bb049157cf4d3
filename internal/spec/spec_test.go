package spec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"
)

func mustParse(t *testing.T, src string) *Spec {
	t.Helper()
	s, ds := Parse("t.yaml", []byte(src))
	if ds.HasErrors() {
		t.Fatalf("Parse: %v", ds)
	}
	return s
}

func TestDefaults(t *testing.T) {
	prod := mustParse(t, "version: 1\napp: a\nservices:\n  web: {port: 8080, public: true}\n  db: {kind: postgres}\n  g: {port: 50051, protocol: grpc}\ntls: {domain: a.example.com}\n")
	dev := mustParse(t, "version: 1\napp: a\nenvironment: dev\nregions: [us-west-1]\nservices:\n  web: {port: 8080}\n")
	eks := mustParse(t, "version: 1\napp: a\nnetwork: {compute: eks}\nservices:\n  web: {port: 8080}\n")
	tests := []struct {
		name      string
		got, want any
	}{
		{"environment", prod.Environment, "production"},
		{"regions", prod.Regions, []string{"us-east-1"}},
		{"pattern", prod.Network.Pattern, PatternThreeTier},
		{"production azs", prod.Network.AZs, 3},
		{"dev azs", dev.Network.AZs, 2},
		{"production nat", prod.Network.NAT, NATPerAZ},
		{"dev nat", dev.Network.NAT, NATSingle},
		{"endpoints", prod.Network.Endpoints, []string{"s3", "ecr.api", "ecr.dkr", "logs", "sts", "secretsmanager"}},
		{"compute", prod.Network.Compute, ComputeFargate},
		{"flow logs", prod.Network.FlowLogs, true},
		{"kind", prod.Service("web").Kind, KindService},
		{"protocol", prod.Service("web").Protocol, ProtoHTTP},
		{"production replicas", prod.Service("web").Replicas, 2},
		{"dev replicas", dev.Service("web").Replicas, 1},
		{"max replicas", prod.Service("web").MaxReplicas, 2},
		{"health path", prod.Service("web").Health.Path, "/"},
		{"health interval", prod.Service("web").Health.Interval, 30 * time.Second},
		{"health timeout", prod.Service("web").Health.Timeout, 5 * time.Second},
		{"healthy threshold", prod.Service("web").Health.HealthyThreshold, 5},
		{"unhealthy threshold", prod.Service("web").Health.UnhealthyThreshold, 2},
		{"http matcher", prod.Service("web").Health.Matcher, "200"},
		{"grpc matcher", prod.Service("g").Health.Matcher, "12"},
		{"grpc health path", prod.Service("g").Health.Path, "/AWS.ALB/healthcheck"},
		{"deregistration delay", prod.Service("web").DeregistrationDelay, 300 * time.Second},
		{"load balancing", prod.Service("web").LoadBalancing, "round_robin"},
		{"postgres port", prod.Service("db").Port, 5432},
		{"postgres protocol", prod.Service("db").Protocol, ProtoTCP},
		{"postgres health path", prod.Service("db").Health.Path, ""},
		{"certificate", prod.TLS.Certificate, "auto"},
		{"tls policy", prod.TLS.Policy, "ELBSecurityPolicy-TLS13-1-2-2021-06"},
		{"namespace", prod.Discovery.Namespace, "a.local"},
		{"discovery type", prod.Discovery.Type, "dns_private"},
		{"ttl", prod.Discovery.TTL, 10 * time.Second},
		{"routing", prod.Discovery.Routing, "multivalue"},
		{"ecs mesh", prod.Mesh.Target, "service_connect"},
		{"eks mesh", eks.Mesh.Target, "vpc_lattice"},
		{"mtls", prod.Mesh.MTLS, "strict"},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, tt.got); diff != "" {
			t.Errorf("default %s (-want +got):\n%s", tt.name, diff)
		}
	}
	// us-west-1 has two AZs: the default of 3 shrinks rather than fails.
	if n := mustParse(t, "version: 1\napp: a\nregions: [us-west-1]\nservices:\n  w: {port: 1}\n").Network.AZs; n != 2 {
		t.Errorf("us-west-1 production azs = %d; want 2", n)
	}
	mr := mustParse(t, "version: 1\napp: a\nregions: [us-east-1, eu-west-1]\nservices:\n  w: {port: 1}\n")
	if mr.Network.Pattern != PatternMultiRegion {
		t.Errorf("two regions: pattern = %s; want multi_region", mr.Network.Pattern)
	}
	if got := mustParse(t, "version: 1\napp: a\nnetwork: {endpoints: []}\nservices:\n  w: {port: 1}\n").Network.Endpoints; len(got) != 0 {
		t.Errorf("endpoints: [] = %v; want none", got)
	}
	if got := mustParse(t, "version: 1\napp: a\nservices:\n  w: {port: 1, depends_on: [d]}\n  d: {kind: redis}\n").Service("w").DependsOn[0].Port; got != 6379 {
		t.Errorf("dependency port = %d; want the callee's 6379", got)
	}
}

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Duration
		wantErr bool
	}{
		{"500ms", 500 * time.Millisecond, false},
		{"30s", 30 * time.Second, false},
		{"5m", 5 * time.Minute, false},
		{"7d", 7 * 24 * time.Hour, false},
		{"1d12h", 36 * time.Hour, false},
		{"d", 0, true},
		{"-5s", 0, true},
		{"10", 0, true},
		{"1w", 0, true},
		{"999999999d", 0, true},
	}
	for _, tt := range tests {
		got, err := ParseDuration(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
	if got := FormatDuration(7 * 24 * time.Hour); got != "7d" {
		t.Errorf("FormatDuration(7d) = %q; want 7d", got)
	}
}

func TestOrderingIsByName(t *testing.T) {
	s := mustParse(t, "version: 1\napp: a\nservices:\n  zeta: {port: 1}\n  alpha: {port: 2}\n  mid: {port: 3}\ntraffic:\n  zeta: {timeout: 1s}\n  alpha: {timeout: 1s}\nmesh: {target: vpc_lattice}\n")
	var names []string
	for _, svc := range s.Services {
		names = append(names, svc.Name)
	}
	if !slices.IsSorted(names) || s.Traffic[0].Service != "alpha" {
		t.Errorf("services %v and traffic %v are not sorted by name", names, s.Traffic)
	}
}

func TestPositions(t *testing.T) {
	s := mustParse(t, "version: 1\napp: a\nnetwork:\n  cidr: 10.0.0.0/16\nservices:\n  w: {port: 1}\n")
	if r := s.At("network.cidr"); r.Start.Line != 4 || r.Start.Column != 3 {
		t.Errorf("At(network.cidr) = %v; want 4:3", r.Start)
	}
	if r := s.At("services.w"); r.Start.Line != 6 {
		t.Errorf("At(services.w) = %v; want line 6", r.Start)
	}
}

// TestFullSpecParses checks a spec that writes every key is accepted.
func TestFullSpecParses(t *testing.T) {
	for _, f := range []string{"testdata/full.yaml", "testdata/full-hub.yaml"} {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, ds := Parse(f, src); ds.HasErrors() {
			t.Fatalf("%s: %v", f, ds)
		}
	}
}

// keyPaths lists the dotted key paths of a YAML document, with map keys
// the user chooses (service names, header names) as "*".
func keyPaths(n *yaml.Node, path string, free map[string]bool, out map[string]bool) {
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			keyPaths(c, path, free, out)
		}
	case yaml.SequenceNode:
		for _, c := range n.Content {
			keyPaths(c, path+"[]", free, out)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i].Value
			if free[path] {
				k = "*"
			}
			p := strings.TrimPrefix(path+"."+k, ".")
			out[p] = true
			keyPaths(n.Content[i+1], p, free, out)
		}
	}
}

// schemaPaths lists the property paths a JSON Schema describes.
func schemaPaths(s map[string]any, defs map[string]any, path string, out map[string]bool) {
	if ref, ok := s["$ref"].(string); ok {
		schemaPaths(defs[strings.TrimPrefix(ref, "#/$defs/")].(map[string]any), defs, path, out)
	}
	for _, k := range []string{"oneOf", "anyOf"} {
		if alts, ok := s[k].([]any); ok {
			for _, a := range alts {
				schemaPaths(a.(map[string]any), defs, path, out)
			}
		}
	}
	if props, ok := s["properties"].(map[string]any); ok {
		for k, v := range props {
			p := strings.TrimPrefix(path+"."+k, ".")
			out[p] = true
			schemaPaths(v.(map[string]any), defs, p, out)
		}
	}
	if ap, ok := s["additionalProperties"].(map[string]any); ok {
		p := path + ".*"
		if len(ap) > 0 && (ap["properties"] != nil || ap["$ref"] != nil) {
			out[strings.TrimPrefix(p, ".")] = true
			schemaPaths(ap, defs, strings.TrimPrefix(p, "."), out)
		}
	}
	if items, ok := s["items"].(map[string]any); ok {
		schemaPaths(items, defs, path+"[]", out)
	}
}

// TestSchemaMatchesParser checks the JSON Schema describes exactly the keys
// the parser accepts: full.yaml writes every key the parser knows (and
// parses clean, so it holds no unknown key), and its key paths must equal
// the schema's property paths.
func TestSchemaMatchesParser(t *testing.T) {
	free := map[string]bool{"services": true, "traffic": true, "onprem": true, "ingress[].headers": true, "ingress[].query": true,
		"ingress[].to.weighted": true, "global.weights": true, "global.geo": true,
		"traffic.*.routes[].to": true, "traffic.*.routes[].match.headers": true}
	fromSpec := map[string]bool{}
	for _, f := range []string{"testdata/full.yaml", "testdata/full-hub.yaml"} {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var doc yaml.Node
		if err := yaml.Unmarshal(src, &doc); err != nil {
			t.Fatal(err)
		}
		keyPaths(&doc, "", free, fromSpec)
	}
	for p := range fromSpec {
		// The entries of free-form maps (headers, weights) are values, not
		// schema properties; services and traffic entries are objects.
		if parent, ok := strings.CutSuffix(p, ".*"); ok && free[parent] && parent != "services" && parent != "traffic" && parent != "onprem" {
			delete(fromSpec, p)
		}
	}
	var schema map[string]any
	if err := json.Unmarshal(Schema(), &schema); err != nil {
		t.Fatalf("schema is not JSON: %v", err)
	}
	fromSchema := map[string]bool{}
	schemaPaths(schema, schema["$defs"].(map[string]any), "", fromSchema)
	if diff := cmp.Diff(fromSchema, fromSpec); diff != "" {
		t.Errorf("schema properties (-) and full.yaml keys (+) differ:\n%s", diff)
	}
}

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(Schema()))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("spec.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("spec.json")
	if err != nil {
		t.Fatalf("compile schema: %v", err)
	}
	return sch
}

// yamlToJSONValue decodes YAML into the generic values a JSON Schema
// validator reads.
func yamlToJSONValue(t *testing.T, src []byte) any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(src, &v); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	out, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestExamplesMatchSchema validates every example and full.yaml against
// the schema editors use, and checks the schema rejects an unknown key.
func TestExamplesMatchSchema(t *testing.T) {
	sch := compileSchema(t)
	files, _ := filepath.Glob("../../examples/*.yaml")
	files = append(files, "testdata/full.yaml", "testdata/full-hub.yaml")
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(yamlToJSONValue(t, src)); err != nil {
			t.Errorf("%s does not match the schema: %v", f, err)
		}
	}
	bad := yamlToJSONValue(t, []byte("version: 1\napp: a\nservices:\n  w: {prot: 1}\n"))
	if err := sch.Validate(bad); err == nil {
		t.Error("the schema accepts an unknown service key")
	}
}

// TestSchemaFileIsCurrent checks the copy editors point at, schema/ at the
// repository root, is the schema netwright prints.
func TestSchemaFileIsCurrent(t *testing.T) {
	b, err := os.ReadFile("../../schema/spec-v1.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, Schema()) {
		t.Error("schema/spec-v1.schema.json differs from internal/spec/spec-v1.schema.json; copy it over")
	}
}

// TestReservedCustomerASN checks a site's ASN against the ones AWS keeps
// from customer gateways in the home Region: "7224 — Reserved in all
// Regions", 9059 in eu-west-1, 10124 in ap-northeast-1, 17943 in
// ap-southeast-1 (https://docs.aws.amazon.com/vpn/latest/s2svpn/cgw-options.html).
func TestReservedCustomerASN(t *testing.T) {
	for _, tc := range []struct {
		region   string
		asn      int
		reserved bool
	}{
		{"us-east-1", 7224, true},
		{"us-west-2", 7224, true},
		{"eu-west-1", 9059, true},
		{"us-east-1", 9059, false},
		{"ap-northeast-1", 10124, true},
		{"eu-west-1", 10124, false},
		{"ap-southeast-1", 17943, true},
		{"ap-southeast-2", 17943, false},
		{"ap-southeast-1", 65010, false},
	} {
		t.Run(fmt.Sprintf("%s/%d", tc.region, tc.asn), func(t *testing.T) {
			src := fmt.Sprintf("version: 1\napp: hyb\nregions: [%s]\nservices:\n  api: {port: 8080, depends_on: [\"onprem:corp:5432\"]}\nonprem:\n  corp:\n    cidrs: [10.200.0.0/16]\n    asn: %d\n", tc.region, tc.asn)
			_, ds := Parse("hyb.yaml", []byte(src))
			got := strings.Contains(ds.Error(), "is reserved by AWS")
			if got != tc.reserved {
				t.Errorf("asn %d in %s: diagnostics %v; want reserved %v", tc.asn, tc.region, ds, tc.reserved)
			}
		})
	}
}
