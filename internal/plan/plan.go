// Package plan holds netwright's architects: from a validated spec it
// designs the whole network and returns it as a design.Design. The VPC
// architect lays out VPCs, subnets sized from demand, routing, NAT, VPC
// endpoints, flow logs and Transit Gateways for the four patterns; the
// load-balancing, security and discovery architects add load balancers,
// security groups, NACLs and Cloud Map namespaces.
//
// plan owns design decisions and explains them as notes; it does not parse
// specs (spec) or check a finished design against intent (analysis).
package plan

import (
	"fmt"
	"slices"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/diag"
	"github.com/netwright/netwright/internal/spec"
)

// planner carries one Build.
type planner struct {
	spec  *spec.Spec
	d     *design.Design
	diags diag.Diagnostics
	// vpcs are the VPCs being laid out, in design order.
	vpcs []*vpcPlan
	// natNeeded says whether private subnets need a default route to NAT.
	natNeeded bool
	// missingStartup are the start-up endpoints network.endpoints lacks,
	// whose traffic goes through NAT.
	missingStartup []string
	// controllersViaNAT are the VPCs whose nodes reach the EKS
	// controllers' AWS APIs through NAT (controllerAPIs).
	controllersViaNAT []string
	// home maps a service to its VPC, and crossFlows the pairs of VPCs a
	// declared flow crosses; both are filled on first use, after layout.
	home       map[string]*vpcPlan
	crossFlows map[[2]string]string
	// names are the names given to AWS resources (names.go).
	names nameBook
	// podPolicies are the EKS workloads' NetworkPolicies by service, made
	// from their groups' rules before the groups are folded into the
	// nodes' or fitted to quotas (kubernetes.go).
	podPolicies map[string]*design.PodPolicy
	// lbNotes are the plan's notes on internal load balancers, by load
	// balancer, so a load balancer dropped later takes its note with it.
	lbNotes map[string]design.Note
	// unsized are the internal load balancers an earlier pass dropped
	// (dropUnusedInternalLBs): the layout sizes no subnet for them.
	unsized map[string]bool
}

// Build designs the network for a validated spec. The design is nil when
// the diagnostics hold errors.
func Build(s *spec.Spec) (*design.Design, diag.Diagnostics) {
	d, diags, dropped := buildPass(s, nil)
	if len(dropped) > 0 {
		// Whether an internal load balancer is used is known only once
		// the flows and the mesh are designed, after the subnets are
		// sized: design again, sizing no subnet for the ones dropped.
		d, diags, _ = buildPass(s, dropped)
	}
	return d, diags
}

// buildPass is one pass of Build; unsized are internal load balancers to
// size no subnet for. It returns the internal load balancers it dropped.
func buildPass(s *spec.Spec, unsized map[string]bool) (*design.Design, diag.Diagnostics, map[string]bool) {
	p := &planner{
		spec:    s,
		unsized: unsized,
		d: &design.Design{
			FormatVersion: design.FormatVersion,
			App:           s.App,
			Environment:   s.Environment,
			Pattern:       s.Network.Pattern,
			Compute:       s.Network.Compute,
			Regions:       slices.Clone(s.Regions),
		},
	}
	p.decideNAT()
	p.layoutVPCs()
	if p.diags.HasErrors() {
		// The rest needs the layout, but some checks do not: report
		// their problems beside the layout's.
		p.specOnlyChecks()
		p.diags.Sort()
		return nil, p.diags, nil
	}
	p.transit()
	p.singleVPCTransit()
	p.sites()
	p.routing()
	p.loadBalancers()
	p.steerInspection()
	p.services()
	p.flows()
	p.mesh()
	dropped := p.dropUnusedInternalLBs()
	p.albOwners() // of the load balancers the design keeps
	p.resolver()
	p.security()
	p.networkACLs()
	p.distribution()
	p.discovery()
	p.platforms()
	p.kubernetes()
	p.waivers()
	p.globalRouting()
	p.optimize()
	p.checkQuotas()
	p.diags.Sort()
	if p.diags.HasErrors() {
		return nil, p.diags, dropped
	}
	return p.d, p.diags, dropped
}

func (p *planner) note(topic, format string, args ...any) {
	p.d.Notes = append(p.d.Notes, design.Note{Topic: topic, Text: fmt.Sprintf(format, args...)})
}

func (p *planner) errorAt(r *diag.Range, summary, detail string) {
	if r == nil {
		r = &diag.Range{Filename: p.spec.Filename}
	}
	p.diags = append(p.diags, diag.Diagnostic{Severity: diag.Error, Summary: summary, Detail: detail, Subject: r})
}

func (p *planner) warnAt(r *diag.Range, summary, detail string) {
	if r == nil {
		r = &diag.Range{Filename: p.spec.Filename}
	}
	p.diags = append(p.diags, diag.Diagnostic{Severity: diag.Warning, Summary: summary, Detail: detail, Subject: r})
}

// suggest attaches the values the last diagnostic's detail proposes.
func (p *planner) suggest(s ...diag.Suggestion) {
	d := &p.diags[len(p.diags)-1]
	d.Suggestions = append(d.Suggestions, s...)
}
