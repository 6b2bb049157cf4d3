package plan

import (
	"fmt"
	"strings"
	"testing"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/diag"
	"github.com/netwright/netwright/internal/spec"
)

// namesSpec is a spec that gives AWS every kind of name the architects
// make: public ALB and NLB, an internal ALB (least_outstanding_requests),
// target groups, security groups, access-log bucket, flow-log group, Cloud
// Map, and the mesh compiled to target.
func namesSpec(app, web, api, target string) string {
	return fmt.Sprintf(`version: 1
app: %s
services:
  %s: {port: 8080, public: true, depends_on: [%s]}
  %s: {port: 9090, load_balancing: least_outstanding_requests}
  udp: {port: 5353, protocol: udp, public: true}
mesh: {target: %s}
tls: {domain: names.example.com}
`, app, web, api, api, target)
}

// checkNames fails the test for every name in d that AWS would refuse.
func checkNames(t *testing.T, d *design.Design) {
	t.Helper()
	for _, p := range d.NameProblems() {
		t.Errorf("%s: %v (%s)", p.Of, p.Err, p.Kind.Source())
	}
}

// TestGeneratedNamesAWSAccepts plans specs whose app and service names are
// valid spec names yet made names AWS refused: an ALB named internal-...
// (issue 13 item 5), security groups named sg-..., Lattice names with
// reserved prefixes or two hyphens together, a bucket named xn--..., and a
// service whose security group took its load balancer's name.
func TestGeneratedNamesAWSAccepts(t *testing.T) {
	for _, tt := range []struct {
		name, app, web, api, target string
	}{
		{"internal- ALB", "internal-tools", "web", "api", "service_connect"},
		{"sg- groups", "sg-shop", "web", "api", "service_connect"},
		{"svc- Lattice services", "svc-shop", "web", "api", "vpc_lattice"},
		{"tg- Lattice target groups", "tg-shop", "web", "api", "vpc_lattice"},
		{"servicenetwork- Lattice network", "servicenetwork-x", "web", "api", "vpc_lattice"},
		{"two hyphens in Lattice names", "my--shop", "web", "api--v2", "vpc_lattice"},
		{"xn-- bucket", "xn--shop", "web", "api", "none"},
		{"service named like its ALB's group", "shop", "public", "api", "service_connect"},
		{"service named like the NLB's group", "shop", "web", "nlb", "service_connect"},
		{"long names", "a-thirty-one-character-app-name", "a-thirty-one-character-web-name", "a-thirty-one-character-api-name", "vpc_lattice"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			src := namesSpec(tt.app, tt.web, tt.api, tt.target)
			d := build(t, src)
			checkNames(t, d)
			again, _ := build(t, src).JSON()
			if first, _ := d.JSON(); string(first) != string(again) {
				t.Error("two builds name things differently")
			}
		})
	}
}

// TestInternalToolsALB pins item 5's case: an app named internal-tools gets
// load balancers whose names keep the app's name, in a form AWS takes.
func TestInternalToolsALB(t *testing.T) {
	d := build(t, namesSpec("internal-tools", "web", "api", "service_connect"))
	want := map[string]string{
		"alb-internal-tools-public":   "nw-internal-tools-public-",
		"nlb-internal-tools-public":   "nw-internal-tools-nlb-",
		"alb-internal-tools-internal": "nw-internal-tools-interna-",
	}
	for _, lb := range d.LoadBalancers {
		prefix, ok := want[lb.ID]
		if !ok {
			continue
		}
		delete(want, lb.ID)
		if err := design.ValidName(design.NameLoadBalancer, lb.Name); err != nil {
			t.Errorf("%s: %v", lb.ID, err)
		}
		if !strings.HasPrefix(lb.Name, prefix) {
			t.Errorf("%s is named %q; want %s...", lb.ID, lb.Name, prefix)
		}
	}
	for id := range want {
		t.Errorf("no load balancer %s", id)
	}
}

// TestClientAliasTooLong: a namespace Service Connect cannot take is an
// error at discovery.namespace whose fix is a length that works.
func TestClientAliasTooLong(t *testing.T) {
	plan := func(ns string) (*design.Design, string) {
		// api is called through Service Connect (an internal load balancer
		// in front of it would take its alias away).
		src := strings.Replace(namesSpec("shop", "web", "api", "service_connect"), ", load_balancing: least_outstanding_requests", "", 1) + "discovery: {namespace: " + ns + "}\n"
		s, ds := spec.Parse("alias.yaml", []byte(src))
		if ds.HasErrors() {
			t.Fatalf("spec errors: %v", ds)
		}
		d, ds := Build(s)
		var msgs []string
		for _, x := range ds {
			if x.Severity == diag.Error {
				msgs = append(msgs, x.Summary+": "+x.Detail)
			}
		}
		return d, strings.Join(msgs, "\n")
	}
	label := strings.Repeat("n", 60)
	long := label + "." + label + ".local" // 127 characters
	d, msg := plan(long)
	if d != nil || !strings.Contains(msg, "discovery.namespace is too long for Service Connect") {
		t.Fatalf("a %d-character namespace planned (%s)", len(long), msg)
	}
	var limit int
	if _, err := fmt.Sscanf(msg[strings.Index(msg, "to at most ")+len("to at most "):], "%d", &limit); err != nil {
		t.Fatalf("the fix names no length: %s", msg)
	}
	fits := long[len(long)-limit:]
	fits = strings.TrimLeft(fits, ".")
	if d, msg := plan(fits); d == nil {
		t.Fatalf("the suggested length %d does not plan: %s", limit, msg)
	} else {
		checkNames(t, d)
	}
	d, msg = plan("Shop.Local")
	if d == nil {
		t.Fatalf("an uppercase namespace does not plan: %s", msg)
	}
	var aliases []string
	for _, s := range d.Mesh.ServiceConnect.Services {
		for _, a := range s.ClientAliases {
			aliases = append(aliases, a.DNSName)
		}
	}
	if got := strings.Join(aliases, " "); got != "api.shop.local" {
		t.Errorf("namespace Shop.Local gives the client aliases %q; want api.shop.local", got)
	}
}

// FuzzGeneratedNames: any app and service names the spec accepts yield
// names AWS accepts, under each mesh target.
func FuzzGeneratedNames(f *testing.F) {
	for _, app := range []string{"internal-tools", "sg-shop", "svc-x", "tg-x", "xn--x", "a--b", "servicenetwork-x", "sthree-x", "amzn-s3-demo-x", "shop"} {
		f.Add(app, "public", "api", uint8(0))
		f.Add(app, "web", "nlb", uint8(1))
		f.Add(app, "default", "endpoints", uint8(2))
	}
	targets := []string{"service_connect", "vpc_lattice", "none"}
	f.Fuzz(func(t *testing.T, app, web, api string, target uint8) {
		if web == api || web == "udp" || api == "udp" {
			return
		}
		for _, s := range []string{app, web, api} {
			if strings.ContainsAny(s, ":{}[],#&*!|>'\"%@`\n\r\t ") {
				return // not a YAML plain scalar; the spec tests cover those
			}
		}
		src := namesSpec(app, web, api, targets[int(target)%len(targets)])
		s, ds := spec.Parse("fuzz.yaml", []byte(src))
		if s == nil || ds.HasErrors() {
			return
		}
		d, ds := Build(s)
		if d == nil || ds.HasErrors() {
			return
		}
		checkNames(t, d)
	})
}
