package analysis

import (
	"testing"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/plan/plantest"
)

func init() {
	// An ALB named as an app called internal-... once had it named (issue
	// 13 item 5), and a service's security group given the name of its
	// ALB's group.
	breakers["NW130"] = func(d *design.Design) {
		d.LoadBalancers[0].Name = "internal-" + d.LoadBalancers[0].Name
		group(d, "sg-fx-web").Name = group(d, "sg-"+d.LoadBalancers[0].ID).Name
	}
}

// TestNamesCheck: NW130 says what each broken name breaks, and stays quiet
// on the designs of specs whose names once broke the rules.
func TestNamesCheck(t *testing.T) {
	d := buildFile(t, "testdata/checks/base.yaml")
	breakers["NW130"](d)
	var got []string
	for _, f := range findingsOf(Analyze(d), "NW130") {
		got = append(got, f.Subject+": "+f.Summary)
	}
	want := []string{
		`alb-fx-public: load balancer name "internal-fx-public" begins with "internal-", which AWS reserves (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html)`,
		`sg-fx-web: security group name "fx-public" is already the name of sg-alb-fx-public in vpc-fx (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html)`,
	}
	if len(got) != len(want) {
		t.Fatalf("NW130 found %q; want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("NW130 finding %d = %s; want %s", i, got[i], want[i])
		}
	}

	for name, src := range map[string]string{
		"lattice":     plantest.LatticeSpec,
		"accelerator": plantest.AcceleratorSpec,
		"internal-tools": `version: 1
app: internal-tools
services:
  public: {port: 8080, public: true, depends_on: [api]}
  api: {port: 9090, load_balancing: least_outstanding_requests}
tls: {domain: tools.example.com}
`,
		"reserved lattice prefixes": `version: 1
app: svc--tg
services:
  web: {port: 8080, public: true, depends_on: [api]}
  api: {port: 9090}
mesh: {target: vpc_lattice}
tls: {domain: tools.example.com}
`,
	} {
		t.Run(name, func(t *testing.T) {
			for _, f := range findingsOf(Analyze(plantest.Design(t, name+".yaml", []byte(src))), "NW130") {
				t.Errorf("%s: %s", f.Subject, f.Summary)
			}
		})
	}
}
