package analysis

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/plan/plantest"
)

// The single-Region base fixture has no peering, so its NW127 breaker
// gives it a Transit Gateway route through an attachment no stack
// creates: a route to a peer Region the design lost.
func init() {
	breakers["NW127"] = func(d *design.Design) {
		d.TransitGateways = append(d.TransitGateways, design.TransitGateway{ID: "tgw-fx", Region: d.VPCs[0].Region, ASN: 64512,
			RouteTables: []design.TransitGatewayRouteTable{{ID: "tgw-rtb-fx", Name: "fx", Associations: []string{},
				Routes: []design.TransitGatewayRoute{{Destination: netip.MustParsePrefix("10.200.0.0/16"), Attachment: "tgw-peer-fx-gone", Reason: "a peer Region the design lost"}}}}})
	}
}

// threeRegions peers three Regions in a full mesh: two request stages,
// two accept stages, three routes stages.
const threeRegions = `version: 1
app: tri
regions: [us-east-1, eu-west-1, ap-southeast-2]
network: {pattern: multi_region, azs: 2}
services:
  web: {port: 8080, public: true, depends_on: [api]}
  api: {port: 9090}
tls: {domain: tri.example.com}
`

// TestDeployOrderQuietOnStagedPeering checks NW127 finds nothing in the
// planner's staged peering, for two and three Regions (every example is
// checked clean by TestExamplesCheckClean).
func TestDeployOrderQuietOnStagedPeering(t *testing.T) {
	for name, d := range map[string]*design.Design{
		"two-region": buildFile(t, "../../examples/two-region.yaml"),
		"tri":        plantest.Design(t, "tri.yaml", []byte(threeRegions)),
	} {
		if fs := findingsOf(Analyze(d), "NW127"); len(fs) > 0 {
			t.Errorf("%s: %v", name, fs)
		}
	}
}

// stage returns the planned two-region design's stage, to break.
func stage(d *design.Design, id string) *design.Stage {
	for i := range d.Deployment.Stages {
		if d.Deployment.Stages[i].ID == id {
			return &d.Deployment.Stages[i]
		}
	}
	panic("no stage " + id)
}

// TestDeployOrderFires breaks the two-region design's deployment in the
// ways a hand edit, or the exporters before stages, would, and checks
// NW127 says what is wrong with each.
func TestDeployOrderFires(t *testing.T) {
	const peer = "tgw-peer-us-east-1-eu-west-1"
	tests := []struct {
		name   string
		break_ func(d *design.Design)
		want   []string
	}{
		{"one stack per Region", func(d *design.Design) { d.Deployment = nil }, []string{
			"stages base-us-east-1, base-eu-west-1 need each other, so none can be created first: " +
				"base-eu-west-1 takes " + peer + " from base-us-east-1 for the association of " + peer + " with tgw-rtb-pay-eu-west-1; " +
				"base-us-east-1 takes tgw-pay-eu-west-1 from base-eu-west-1 for the peering attachment " + peer,
			"no stage accepts peering " + peer + " in eu-west-1, the accepter's Region",
		}},
		{"routes before the acceptance", func(d *design.Design) {
			s := d.Deployment.Stages
			i := slices.IndexFunc(s, func(s design.Stage) bool { return s.ID == "peering-routes-eu-west-1" })
			r := s[i]
			s = slices.Delete(s, i, i+1)
			d.Deployment.Stages = slices.Insert(s, 3, r)
		}, []string{"stage peering-routes-eu-west-1 runs before peering-accept-eu-west-1, yet peering-routes-eu-west-1 needs " + peer + " accepted by peering-accept-eu-west-1"}},
		{"accepter's routes in its base stack", func(d *design.Design) {
			d.Deployment.Stages = slices.DeleteFunc(d.Deployment.Stages, func(s design.Stage) bool { return s.ID == "peering-routes-eu-west-1" })
		}, []string{"stages base-eu-west-1, peering-request-us-east-1, peering-accept-eu-west-1 need each other"}},
		{"accepted in the requester's Region", func(d *design.Design) {
			s := stage(d, "peering-accept-eu-west-1")
			s.ID, s.Region = "peering-accept-us-east-1", "us-east-1"
		}, []string{
			"no stage accepts peering " + peer + " in eu-west-1",
			"stage peering-accept-us-east-1 accepts peering " + peer + " in us-east-1, but only the accepter's Region, eu-west-1, can",
		}},
		{"a value not taken", func(d *design.Design) { stage(d, "peering-request-us-east-1").Takes = nil }, []string{
			"stage peering-request-us-east-1 uses tgw-pay-eu-west-1, created by stage base-eu-west-1, but does not take it",
		}},
		{"a value from the wrong stage", func(d *design.Design) {
			stage(d, "peering-routes-us-east-1").Takes[1].From = "base-us-east-1"
		}, []string{"stage peering-routes-us-east-1 takes " + peer + " from stage base-us-east-1, which does not create it (stage peering-request-us-east-1 does)"}},
		{"a route through another gateway's attachment", func(d *design.Design) {
			rt := &d.TransitGateways[1].RouteTables[0]
			rt.Routes = append(rt.Routes, design.TransitGatewayRoute{Destination: netip.MustParsePrefix("10.0.0.0/24"), Attachment: "tgw-attach-pay-us-east-1", Reason: "by hand"})
		}, []string{"tgw-rtb-pay-eu-west-1 (on tgw-pay-eu-west-1 in eu-west-1) uses attachment tgw-attach-pay-us-east-1, which no stack creates on that gateway"}},
		{"a peering to a gateway that is gone", func(d *design.Design) { d.TransitGatewayPeerings[0].Accepter = "tgw-pay-gone" }, []string{
			"stage peering-request-us-east-1 uses tgw-pay-gone (peering attachment " + peer + "), which no stage of the deployment creates",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := buildFile(t, "../../examples/two-region.yaml")
			tt.break_(d)
			var got []string
			for _, f := range findingsOf(Analyze(d), "NW127") {
				got = append(got, f.Summary)
			}
			for _, w := range tt.want {
				if !slices.ContainsFunc(got, func(g string) bool { return strings.Contains(g, w) }) {
					t.Errorf("NW127 findings %q; want one containing %q", got, w)
				}
			}
		})
	}
}
