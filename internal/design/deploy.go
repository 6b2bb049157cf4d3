package design

import (
	"cmp"
	"fmt"
	"slices"
)

// Deployment stage kinds.
const (
	// StageBase is a Region's own stack: everything the design places in
	// the Region except what a later stage of the Region makes. It needs
	// nothing from another stage.
	StageBase = "base"
	// StagePeeringRequest creates Transit Gateway peering attachments from
	// the Region's gateway, the requester side. An attachment is created in
	// the pendingAcceptance state.
	StagePeeringRequest = "peering_request"
	// StagePeeringAccept accepts peering attachments in the accepter's
	// Region. It is an API call (AcceptTransitGatewayPeeringAttachment):
	// CloudFormation has no resource that makes it.
	StagePeeringAccept = "peering_accept"
	// StagePeeringRoutes associates accepted peering attachments with the
	// Region's Transit Gateway route tables and adds the static routes
	// through them, which an attachment takes only once it is accepted.
	StagePeeringRoutes = "peering_routes"
)

// Deployment is the order a design is created in: stages, each in one
// Region, run one after another in the order listed; each stage takes the
// IDs it needs from stages before it. The exporters write a stack (or a
// command) per stage and wire each taken value from the stage that makes
// it; the checklist verifies the order (NW127).
//
// A design without a Deployment deploys each Region as one base stage,
// with no stage needing another.
type Deployment struct {
	Stages []Stage `json:"stages"`
}

// Stage is one step of the deployment.
type Stage struct {
	// ID names the stage: "<kind>-<region>" with the kind's underscores as
	// hyphens, such as base-us-east-1 or peering-accept-eu-west-1.
	ID     string `json:"id"`
	Kind   string `json:"kind"`
	Region string `json:"region"`
	// Peerings are the Transit Gateway peering attachments a request stage
	// creates, an accept stage accepts, or whose route table associations
	// and routes in the Region a routes stage makes. Empty for base.
	Peerings []string `json:"peerings,omitempty"`
	// Takes are the IDs the stage uses that earlier stages create.
	Takes []StageInput `json:"takes,omitempty"`
}

// StageInput is one value a stage takes from an earlier one: the AWS ID
// of a design object, such as the peer Region's Transit Gateway.
type StageInput struct {
	// Object is the design ID of the object whose AWS ID is taken.
	Object string `json:"object"`
	// From is the stage that creates it.
	From string `json:"from"`
}

// StageID names the stage of a kind in a Region.
func StageID(kind, region string) string {
	id := []byte(kind)
	for i, c := range id {
		if c == '_' {
			id[i] = '-'
		}
	}
	return string(id) + "-" + region
}

// Stages returns the deployment's stages in order: the planned ones, or,
// for a design without a Deployment, one base stage per Region.
func (d *Design) Stages() []Stage {
	if d.Deployment != nil {
		return d.Deployment.Stages
	}
	out := make([]Stage, len(d.Regions))
	for i, r := range d.Regions {
		out[i] = Stage{ID: StageID(StageBase, r), Kind: StageBase, Region: r}
	}
	return out
}

// Stage returns the stage with the given ID, or nil.
func (d *Design) Stage(id string) *Stage {
	stages := d.Stages()
	for i := range stages {
		if stages[i].ID == id {
			return &stages[i]
		}
	}
	return nil
}

// TransitGateway returns the Transit Gateway with the given ID, or nil.
func (d *Design) TransitGateway(id string) *TransitGateway {
	for i := range d.TransitGateways {
		if d.TransitGateways[i].ID == id {
			return &d.TransitGateways[i]
		}
	}
	return nil
}

// Peering returns the Transit Gateway peering with the given ID, or nil.
func (d *Design) Peering(id string) *TransitGatewayPeering {
	for i := range d.TransitGatewayPeerings {
		if d.TransitGatewayPeerings[i].ID == id {
			return &d.TransitGatewayPeerings[i]
		}
	}
	return nil
}

// peeringStage returns the ID of the stage of a kind in a Region that
// lists peering p, or "".
func (d *Design) peeringStage(kind, region, p string) string {
	for _, s := range d.Stages() {
		if s.Kind == kind && s.Region == region && slices.Contains(s.Peerings, p) {
			return s.ID
		}
	}
	return ""
}

// baseStage returns the ID of the Region's base stage, or "" when the
// deployment has none.
func (d *Design) baseStage(region string) string {
	if id := StageID(StageBase, region); d.Stage(id) != nil {
		return id
	}
	return ""
}

// PeeringRequestStage returns the ID of the stage that creates peering
// attachment p: the request stage that lists it, else the base stage of
// the requester's Region; "" when none does.
func (d *Design) PeeringRequestStage(p string) string {
	peering := d.Peering(p)
	if peering == nil {
		return ""
	}
	req := d.TransitGateway(peering.Requester)
	if req == nil {
		return ""
	}
	if id := d.peeringStage(StagePeeringRequest, req.Region, p); id != "" {
		return id
	}
	return d.baseStage(req.Region)
}

// PeeringAcceptStage returns the ID of the stage that accepts peering
// attachment p in the accepter's Region, or "" when nothing accepts it.
func (d *Design) PeeringAcceptStage(p string) string {
	peering := d.Peering(p)
	if peering == nil {
		return ""
	}
	acc := d.TransitGateway(peering.Accepter)
	if acc == nil {
		return ""
	}
	return d.peeringStage(StagePeeringAccept, acc.Region, p)
}

// AttachmentUseStage returns the ID of the stage that associates, or
// routes through, attachment a in a Transit Gateway route table in a
// Region: for a peering attachment the Region's routes stage that lists
// it, else the Region's base stage.
func (d *Design) AttachmentUseStage(region, a string) string {
	if d.Peering(a) != nil {
		if id := d.peeringStage(StagePeeringRoutes, region, a); id != "" {
			return id
		}
	}
	return d.baseStage(region)
}

// CreatorStage returns the ID of the stage that creates a design object:
// a VPC, Transit Gateway, VPC attachment or Transit Gateway route table is
// made by its Region's base stage, a peering attachment by
// PeeringRequestStage. It returns "" for an object no stage creates.
func (d *Design) CreatorStage(object string) string {
	if d.Peering(object) != nil {
		return d.PeeringRequestStage(object)
	}
	if v := d.VPC(object); v != nil {
		return d.baseStage(v.Region)
	}
	for _, t := range d.TransitGateways {
		if t.ID == object {
			return d.baseStage(t.Region)
		}
		for _, a := range t.Attachments {
			if a.ID == object {
				return d.baseStage(t.Region)
			}
		}
		for _, rt := range t.RouteTables {
			if rt.ID == object {
				return d.baseStage(t.Region)
			}
		}
		for _, a := range t.SiteAttachments {
			if a.ID == object {
				return d.baseStage(t.Region)
			}
		}
	}
	return ""
}

// StageDependency says one stage needs another done first.
type StageDependency struct {
	// Stage is the stage that needs On; On is "" when no stage creates
	// Object.
	Stage string `json:"stage"`
	On    string `json:"on"`
	// Object is the design object the dependency is about.
	Object string `json:"object"`
	// Value is set when Stage uses Object's AWS ID, which On creates;
	// clear when On accepts the peering attachment Object that Stage
	// routes through, which passes no value.
	Value bool `json:"value"`
	// Use says what in Stage needs it.
	Use string `json:"use"`
}

// StageDependencies returns every dependency of one stage on another that
// the design's Transit Gateways and peerings make, sorted by stage, the
// stage depended on and object. A stage's own objects are not listed.
//
// A peering attachment is created by its request stage from the IDs of
// both gateways; accepted by its accept stage, which takes its ID; and
// associated and routed through, on each side, by a stage that takes the
// route table's and the attachment's IDs and runs after the acceptance.
func (d *Design) StageDependencies() []StageDependency {
	var out []StageDependency
	add := func(stage, object string, value bool, on, use string) {
		if stage == "" || stage == on {
			return
		}
		out = append(out, StageDependency{Stage: stage, On: on, Object: object, Value: value, Use: use})
	}
	for _, t := range d.TransitGateways {
		for _, rt := range t.RouteTables {
			use := func(a, what string) {
				at := d.AttachmentUseStage(t.Region, a)
				add(at, rt.ID, true, d.CreatorStage(rt.ID), what)
				add(at, a, true, d.CreatorStage(a), what)
				if d.Peering(a) != nil {
					if acc := d.PeeringAcceptStage(a); acc != "" {
						add(at, a, false, acc, what)
					}
				}
			}
			for _, a := range rt.Associations {
				use(a, fmt.Sprintf("association of %s with %s", a, rt.ID))
			}
			for _, r := range rt.Routes {
				use(r.Attachment, fmt.Sprintf("route in %s to %s through %s", rt.ID, r.Destination, r.Attachment))
			}
		}
	}
	for _, p := range d.TransitGatewayPeerings {
		at := d.PeeringRequestStage(p.ID)
		use := "peering attachment " + p.ID
		add(at, p.Requester, true, d.CreatorStage(p.Requester), use)
		add(at, p.Accepter, true, d.CreatorStage(p.Accepter), use)
		if acc := d.PeeringAcceptStage(p.ID); acc != "" {
			add(acc, p.ID, true, at, "acceptance of "+p.ID)
		}
	}
	slices.SortFunc(out, func(a, b StageDependency) int {
		return cmp.Or(cmp.Compare(a.Stage, b.Stage), cmp.Compare(a.On, b.On), cmp.Compare(a.Object, b.Object),
			cmp.Compare(btoi(a.Value), btoi(b.Value)), cmp.Compare(a.Use, b.Use))
	})
	// One entry per stage, stage depended on, object and kind: the first
	// use names it.
	return slices.CompactFunc(out, func(a, b StageDependency) bool {
		return a.Stage == b.Stage && a.On == b.On && a.Object == b.Object && a.Value == b.Value
	})
}

// StageTakes returns the values a stage needs from other stages, by the
// design's dependencies: what its Takes should be.
func (d *Design) StageTakes(stage string) []StageInput {
	var out []StageInput
	for _, dep := range d.StageDependencies() {
		if dep.Stage == stage && dep.Value && dep.On != "" {
			out = append(out, StageInput{Object: dep.Object, From: dep.On})
		}
	}
	return out
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// validateDeployment checks the deployment's shape: stage IDs are unique
// and named for their kind and Region, kinds and Regions are known, every
// listed peering exists, and every value taken names a stage. Whether the
// order deploys is the checklist's (NW127).
func (d *Design) validateDeployment() []error {
	if d.Deployment == nil {
		return nil
	}
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	ids := map[string]bool{}
	for _, s := range d.Deployment.Stages {
		if ids[s.ID] {
			bad("deployment stage %s is listed twice", s.ID)
		}
		ids[s.ID] = true
	}
	for _, s := range d.Deployment.Stages {
		switch s.Kind {
		case StageBase, StagePeeringRequest, StagePeeringAccept, StagePeeringRoutes:
		default:
			bad("deployment stage %s: unknown kind %q", s.ID, s.Kind)
		}
		if !slices.Contains(d.Regions, s.Region) {
			bad("deployment stage %s: region %q is not one of the design's", s.ID, s.Region)
		}
		if s.ID != StageID(s.Kind, s.Region) {
			bad("deployment stage %s: want id %s for a %s stage in %s", s.ID, StageID(s.Kind, s.Region), s.Kind, s.Region)
		}
		if s.Kind == StageBase && len(s.Peerings) > 0 {
			bad("deployment stage %s: a base stage lists no peerings", s.ID)
		}
		for _, p := range s.Peerings {
			if d.Peering(p) == nil {
				bad("deployment stage %s: peering %q does not exist", s.ID, p)
			}
		}
		for _, in := range s.Takes {
			if !ids[in.From] {
				bad("deployment stage %s: takes %s from %q, which is not a stage", s.ID, in.Object, in.From)
			}
		}
	}
	return errs
}
