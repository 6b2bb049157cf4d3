package cloudformation

import (
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/golden"
	"github.com/netwright/netwright/internal/plan/plantest"
)

// threeRegions peers three Regions in a full mesh: two Regions request
// peerings and two accept them.
const threeRegions = `version: 1
app: tri
regions: [us-east-1, eu-west-1, ap-southeast-2]
network: {pattern: multi_region, azs: 2}
services:
  web: {port: 8080, public: true, depends_on: [api]}
  api: {port: 9090}
tls: {domain: tri.example.com}
`

// peered returns the designs whose Transit Gateways peer across Regions.
func peered(t *testing.T) map[string]*design.Design {
	t.Helper()
	return map[string]*design.Design{
		"two-region":  plantest.File(t, "../../../examples/two-region.yaml"),
		"accelerator": plantest.Design(t, "accelerator.yaml", []byte(plantest.AcceleratorSpec)),
		"tri":         plantest.Design(t, "tri.yaml", []byte(threeRegions)),
	}
}

// userInputs are the parameters a user gives by hand (each described in
// the template and listed in the deployment guide); every other parameter
// must come from an earlier stack's output.
var userInputs = map[string]bool{"CertificateArn": true, "ServiceConnectPrivateCaArn": true, "HostedZoneId": true, "PrefixListS3": true, "TemplateBaseURL": true}

// TestStacksTakeOnlyFromEarlierStacks deploys the exports in the order
// Build returns them and checks each stack's parameters are given by a
// stack already deployed (an output of the same name) or by the user:
// the graph of parameters and outputs across stacks has no cycle and no
// value that nothing yields.
func TestStacksTakeOnlyFromEarlierStacks(t *testing.T) {
	for name, d := range peered(t) {
		t.Run(name, func(t *testing.T) {
			files, _, err := Build(d)
			if err != nil {
				t.Fatal(err)
			}
			var deployed []File
			for _, f := range files {
				if f.Nested {
					continue
				}
				for _, p := range sortedKeys(f.Template.Parameters) {
					// Container images are the user's too: no default image
					// would pass the health checks.
					if userInputs[p] || strings.HasSuffix(p, "Image") || f.Template.Parameters[p].Default != "" {
						continue
					}
					if _, ok := outputOf(deployed, p); !ok {
						t.Errorf("stack %s takes %s, which no stack deployed before it outputs", f.Name, p)
					}
				}
				deployed = append(deployed, f)
			}
		})
	}
}

// peeringUses returns the Transit Gateway associations and routes of a
// template that go through peering attachment p, directly or through the
// parameter that carries its ID.
func peeringUses(tmpl *Template, p string) (associations, routes []string) {
	through := func(v any) bool {
		r, _ := v.(map[string]any)["Ref"].(string)
		return r == logicalID(p) || r == logicalID(p)+"Id"
	}
	for _, id := range sortedKeys(tmpl.Resources) {
		switch props := tmpl.Resources[id].Properties.(type) {
		case tgwRouteTableAssociation:
			if through(props.TransitGatewayAttachmentId) {
				associations = append(associations, id)
			}
		case tgwRoute:
			if through(props.TransitGatewayAttachmentId) {
				routes = append(routes, id)
			}
		}
	}
	return associations, routes
}

// TestBothSidesAssociatePeering checks that each peering attachment is
// associated with a Transit Gateway route table, and routed through, in
// the requester's Region and in the accepter's.
func TestBothSidesAssociatePeering(t *testing.T) {
	for name, d := range peered(t) {
		t.Run(name, func(t *testing.T) {
			files, _, err := Build(d)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range d.TransitGatewayPeerings {
				for _, side := range []string{p.Requester, p.Accepter} {
					region := d.TransitGateway(side).Region
					var assoc, routes []string
					for _, f := range files {
						if f.Region == region {
							a, r := peeringUses(f.Template, p.ID)
							assoc, routes = append(assoc, a...), append(routes, r...)
						}
					}
					if len(assoc) != 1 || len(routes) == 0 {
						t.Errorf("%s in %s: %d associations and %d routes through %s; want 1 and at least 1", side, region, len(assoc), len(routes), p.ID)
					}
				}
			}
		})
	}
}

var (
	stepRE   = regexp.MustCompile(`(?m)^## \d+\. (?:Stack (\S+) in \S+|Accept peering (\S+) in (\S+))$`)
	acceptRE = regexp.MustCompile(`aws ec2 accept-transit-gateway-peering-attachment --region (\S+)`)
)

// TestNoPeeringRouteBeforeAcceptance reads the deployment guide's steps
// and checks that it deploys every stack, in Build's order; that each
// peering attachment is accepted, from the accepter's Region, after the
// stack that requests it; and that no stack associates or routes through
// an attachment before its acceptance step.
func TestNoPeeringRouteBeforeAcceptance(t *testing.T) {
	for name, d := range peered(t) {
		t.Run(name, func(t *testing.T) {
			files, _, err := Build(d)
			if err != nil {
				t.Fatal(err)
			}
			guide := string(Readme(d, files))
			if guide == "" {
				t.Fatal("no deployment guide for a design whose Regions peer")
			}
			step := map[string]int{} // stack name or "accept <peering>" -> step
			var stacks []string
			for i, m := range stepRE.FindAllStringSubmatch(guide, -1) {
				if m[1] != "" {
					step[m[1]] = i
					stacks = append(stacks, m[1])
					continue
				}
				step["accept "+m[2]] = i
				if p := d.Peering(m[2]); p == nil || d.TransitGateway(p.Accepter).Region != m[3] {
					t.Errorf("the guide accepts %s in %s, not in the accepter's Region", m[2], m[3])
				}
			}
			var want []string
			for _, f := range files {
				if !f.Nested {
					want = append(want, f.Name)
				}
			}
			if diff := cmp.Diff(want, stacks); diff != "" {
				t.Errorf("the guide's stacks differ from Build's order (-build +guide):\n%s", diff)
			}
			if n := len(acceptRE.FindAllString(guide, -1)); n != len(d.TransitGatewayPeerings) {
				t.Errorf("the guide runs accept-transit-gateway-peering-attachment %d times; want %d", n, len(d.TransitGatewayPeerings))
			}
			for _, p := range d.TransitGatewayPeerings {
				accepted, ok := step["accept "+p.ID]
				if !ok {
					t.Errorf("the guide never accepts %s", p.ID)
					continue
				}
				for _, f := range files {
					if _, ok := f.Template.Resources[logicalID(p.ID)]; ok && step[f.Name] > accepted {
						t.Errorf("%s is accepted at step %d, before %s requests it at step %d", p.ID, accepted+1, f.Name, step[f.Name]+1)
					}
					a, r := peeringUses(f.Template, p.ID)
					if uses := slices.Concat(a, r); len(uses) > 0 && step[f.Name] < accepted {
						t.Errorf("stack %s (step %d) uses %s in %v before its acceptance (step %d)", f.Name, step[f.Name]+1, p.ID, uses, accepted+1)
					}
				}
			}
		})
	}
}

// TestReadmeGolden compares the deployment guides with golden files, and
// checks a design whose Regions deploy as one stack each gets none.
func TestReadmeGolden(t *testing.T) {
	for name, d := range peered(t) {
		t.Run(name, func(t *testing.T) {
			files, _, err := Build(d)
			if err != nil {
				t.Fatal(err)
			}
			got := Readme(d, files)
			golden.Check(t, filepath.Join("testdata", ReadmeName(d)), got)
		})
	}
	d := plantest.File(t, "../../../examples/three-tier.yaml")
	files, _, err := Build(d)
	if err != nil {
		t.Fatal(err)
	}
	if g := Readme(d, files); g != nil {
		t.Errorf("a one-stack design has a deployment guide:\n%s", g)
	}
}

// TestUnstagedPeeringIsRefused checks a design that peers Regions with no
// stage accepting the peering (one stack per Region, the order that never
// deploys) is refused rather than exported.
func TestUnstagedPeeringIsRefused(t *testing.T) {
	d := plantest.File(t, "../../../examples/two-region.yaml")
	d.Deployment = nil
	if _, _, err := Build(d); err == nil || !strings.Contains(err.Error(), "accepts") {
		t.Errorf("Build of a design that never accepts its peering = %v; want an error", err)
	}
}
