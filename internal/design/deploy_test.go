package design

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// peered returns two Regions' Transit Gateways joined by a peering, each
// with a route table that associates and routes through it, deployed as
// the planner stages it.
func peered() *Design {
	tgw := func(region, vpc, cidr, peer, peerCIDR string) TransitGateway {
		return TransitGateway{ID: "tgw-" + region, Region: region,
			Attachments: []TransitGatewayAttachment{{ID: "tgw-attach-" + vpc, VPC: vpc}},
			RouteTables: []TransitGatewayRouteTable{{ID: "tgw-rtb-" + region, Associations: []string{"tgw-attach-" + vpc, "tgw-peer"},
				Routes: []TransitGatewayRoute{
					{Destination: netip.MustParsePrefix(cidr), Attachment: "tgw-attach-" + vpc},
					{Destination: netip.MustParsePrefix(peerCIDR), Attachment: "tgw-peer"},
				}}}}
	}
	d := &Design{Regions: []string{"us-east-1", "eu-west-1"},
		TransitGateways: []TransitGateway{
			tgw("us-east-1", "vpc-us", "10.0.0.0/16", "eu-west-1", "10.1.0.0/16"),
			tgw("eu-west-1", "vpc-eu", "10.1.0.0/16", "us-east-1", "10.0.0.0/16"),
		},
		TransitGatewayPeerings: []TransitGatewayPeering{{ID: "tgw-peer", Requester: "tgw-us-east-1", Accepter: "tgw-eu-west-1"}},
	}
	stage := func(kind, region string, peerings ...string) Stage {
		return Stage{ID: StageID(kind, region), Kind: kind, Region: region, Peerings: peerings}
	}
	d.Deployment = &Deployment{Stages: []Stage{
		stage(StageBase, "us-east-1"), stage(StageBase, "eu-west-1"),
		stage(StagePeeringRequest, "us-east-1", "tgw-peer"),
		stage(StagePeeringAccept, "eu-west-1", "tgw-peer"),
		stage(StagePeeringRoutes, "us-east-1", "tgw-peer"), stage(StagePeeringRoutes, "eu-west-1", "tgw-peer"),
	}}
	for i := range d.Deployment.Stages {
		d.Deployment.Stages[i].Takes = d.StageTakes(d.Deployment.Stages[i].ID)
	}
	return d
}

func TestStagesWithoutDeploymentAreOneBasePerRegion(t *testing.T) {
	d := &Design{Regions: []string{"us-east-1", "eu-west-1"}}
	want := []Stage{{ID: "base-us-east-1", Kind: StageBase, Region: "us-east-1"}, {ID: "base-eu-west-1", Kind: StageBase, Region: "eu-west-1"}}
	if diff := cmp.Diff(want, d.Stages()); diff != "" {
		t.Errorf("Stages() differs (-want +got):\n%s", diff)
	}
}

// TestStagedPeeringTakesOnlyFromEarlierStages pins the order the planner
// writes: every value a stage takes comes from a stage before it, and the
// routes through the peering wait for its acceptance on both sides.
func TestStagedPeeringTakesOnlyFromEarlierStages(t *testing.T) {
	d := peered()
	pos := map[string]int{}
	for i, s := range d.Stages() {
		pos[s.ID] = i
	}
	for _, dep := range d.StageDependencies() {
		if dep.On == "" {
			t.Errorf("%s: %s uses %s, which no stage creates", dep.Stage, dep.Use, dep.Object)
			continue
		}
		if pos[dep.On] >= pos[dep.Stage] {
			t.Errorf("%s needs %s (%s) but runs first", dep.Stage, dep.On, dep.Use)
		}
	}
	want := []StageInput{{Object: "tgw-rtb-eu-west-1", From: "base-eu-west-1"}, {Object: "tgw-peer", From: "peering-request-us-east-1"}}
	if diff := cmp.Diff(want, d.Stage("peering-routes-eu-west-1").Takes); diff != "" {
		t.Errorf("the accepter's routes stage takes (-want +got):\n%s", diff)
	}
	var waits []string
	for _, dep := range d.StageDependencies() {
		if !dep.Value {
			waits = append(waits, dep.Stage+" after "+dep.On)
		}
	}
	if diff := cmp.Diff([]string{"peering-routes-eu-west-1 after peering-accept-eu-west-1", "peering-routes-us-east-1 after peering-accept-eu-west-1"}, waits); diff != "" {
		t.Errorf("routes do not wait for the acceptance (-want +got):\n%s", diff)
	}
}

// TestOneStackPerRegionIsACycle shows why the planner stages peering: with
// one stack per Region, the requester's stack needs the accepter's gateway
// and the accepter's stack needs the requester's peering attachment.
func TestOneStackPerRegionIsACycle(t *testing.T) {
	d := peered()
	d.Deployment = nil
	var got []string
	for _, dep := range d.StageDependencies() {
		got = append(got, dep.Stage+" <- "+dep.On+" "+dep.Object)
	}
	want := []string{"base-eu-west-1 <- base-us-east-1 tgw-peer", "base-us-east-1 <- base-eu-west-1 tgw-eu-west-1"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("dependencies (-want +got):\n%s", diff)
	}
	if d.PeeringAcceptStage("tgw-peer") != "" {
		t.Error("a design without a deployment accepts its peering")
	}
}

func TestValidateDeployment(t *testing.T) {
	if errs := peered().validateDeployment(); len(errs) > 0 {
		t.Fatalf("validateDeployment() = %v; want none", errs)
	}
	tests := []struct {
		name   string
		break_ func(d *Design)
		want   string
	}{
		{"unknown kind", func(d *Design) { d.Deployment.Stages[2].Kind = "peering" }, `unknown kind "peering"`},
		{"unknown region", func(d *Design) { d.Deployment.Stages[0].Region = "mars-1" }, `region "mars-1"`},
		{"id not of its kind", func(d *Design) { d.Deployment.Stages[3].ID = "accept" }, "want id peering-accept-eu-west-1"},
		{"twice", func(d *Design) { d.Deployment.Stages[1] = d.Deployment.Stages[0] }, "listed twice"},
		{"unknown peering", func(d *Design) { d.Deployment.Stages[2].Peerings = []string{"tgw-peer-gone"} }, `peering "tgw-peer-gone" does not exist`},
		{"base with peerings", func(d *Design) { d.Deployment.Stages[0].Peerings = []string{"tgw-peer"} }, "a base stage lists no peerings"},
		{"takes from nowhere", func(d *Design) { d.Deployment.Stages[3].Takes[0].From = "elsewhere" }, `from "elsewhere", which is not a stage`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := peered()
			tt.break_(d)
			var msgs []string
			for _, e := range d.validateDeployment() {
				msgs = append(msgs, e.Error())
			}
			if !strings.Contains(strings.Join(msgs, "\n"), tt.want) {
				t.Errorf("validateDeployment() = %q; want one containing %q", msgs, tt.want)
			}
		})
	}
}
