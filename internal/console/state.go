package console

import (
	"net/http"
	"slices"

	"github.com/netwright/netwright/internal/analysis"
	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/diag"
)

// The page's view of a design, as GET /api/state answers it.

type stateJSON struct {
	Mode     string `json:"mode"`
	App      string `json:"app"`
	Filename string `json:"filename"`
	Version  int    `json:"version"`
	// OK is false when the spec as saved has errors; the design shown is
	// then the last one built (or none).
	OK            bool          `json:"ok"`
	HasDesign     bool          `json:"has_design"`
	Diagnostics   []diagJSON    `json:"diagnostics"`
	Findings      []diagJSON    `json:"findings"`
	Services      []serviceJSON `json:"services"`
	LoadBalancers []lbJSON      `json:"load_balancers"`
	Flows         []flowJSON    `json:"flows"`
	Subnets       []subnetJSON  `json:"subnets"`
	// Ends are what the reach form may name: every service and the
	// internet.
	Ends []string `json:"ends"`
	// Public says whether the design has a public HTTPS ALB listener, which
	// the route form asks.
	Public bool `json:"public"`
	// TargetGroups are each service's target group IDs.
	TargetGroups map[string][]string `json:"target_groups"`
}

// diagJSON is a diagnostic or a checklist finding with its place in the
// spec.
type diagJSON struct {
	Check    string `json:"check,omitempty"`
	Severity string `json:"severity"`
	Summary  string `json:"summary"`
	Detail   string `json:"detail,omitempty"`
	Subject  string `json:"subject,omitempty"`
	File     string `json:"file,omitempty"`
	Line     int    `json:"line,omitempty"`
	Column   int    `json:"column,omitempty"`
}

type serviceJSON struct {
	Name      string   `json:"name"`
	Kind      string   `json:"kind"`
	Protocol  string   `json:"protocol"`
	Port      int      `json:"port"`
	Public    bool     `json:"public"`
	VPCs      []string `json:"vpcs"`
	Subnets   []string `json:"subnets"`
	DependsOn []string `json:"depends_on"`
	Line      int      `json:"line,omitempty"`
}

type lbJSON struct {
	ID        string         `json:"id"`
	Name      string         `json:"name"`
	Type      string         `json:"type"`
	Scheme    string         `json:"scheme"`
	VPC       string         `json:"vpc"`
	Listeners []listenerJSON `json:"listeners"`
}

type listenerJSON struct {
	ID       string     `json:"id"`
	Protocol string     `json:"protocol"`
	Port     int        `json:"port"`
	Default  string     `json:"default"`
	Rules    []ruleJSON `json:"rules"`
}

type ruleJSON struct {
	Priority   int    `json:"priority"`
	Conditions string `json:"conditions"`
	Action     string `json:"action"`
	Source     string `json:"source"`
	Line       int    `json:"line,omitempty"`
}

type flowJSON struct {
	ID       string `json:"id"`
	Kind     string `json:"kind"`
	From     string `json:"from"`
	To       string `json:"to"`
	Port     int    `json:"port"`
	Protocol string `json:"protocol"`
}

type subnetJSON struct {
	VPC      string `json:"vpc"`
	ID       string `json:"id"`
	Name     string `json:"name"`
	Tier     string `json:"tier"`
	AZ       string `json:"az"`
	CIDR     string `json:"cidr"`
	Capacity int    `json:"capacity"`
	Peak     int    `json:"peak"`
	Headroom int    `json:"headroom"`
	// Free is what is left at peak: Capacity - Peak.
	Free int `json:"free"`
	// UsePercent is the peak's share of the capacity.
	UsePercent int `json:"use_percent"`
}

func diagnosticsJSON(ds diag.Diagnostics) []diagJSON {
	out := []diagJSON{}
	for _, d := range ds {
		j := diagJSON{Severity: d.Severity.String(), Summary: d.Summary, Detail: d.Detail}
		if r := d.Subject; r != nil {
			j.File, j.Line, j.Column = r.Filename, r.Start.Line, r.Start.Column
		}
		out = append(out, j)
	}
	return out
}

// findingsJSON lists the checklist's findings, each at its origin in the
// spec, else at the service it is about.
func findingsJSON(d *design.Design, fs []analysis.Finding) []diagJSON {
	out := []diagJSON{}
	for _, f := range fs {
		j := diagJSON{Check: f.Check, Severity: f.Severity.String(), Summary: f.Summary, Subject: f.Subject}
		r := f.Origin
		if r == nil && d != nil {
			if s := d.Service(f.Subject); s != nil {
				r = s.Origin
			}
		}
		if r != nil {
			j.File, j.Line, j.Column = r.Filename, r.Start.Line, r.Start.Column
		}
		out = append(out, j)
	}
	// Errors first, then warnings, then notes; the checklist's order
	// within each.
	slices.SortStableFunc(out, func(a, b diagJSON) int { return severityRank(a.Severity) - severityRank(b.Severity) })
	return out
}

func severityRank(s string) int {
	switch s {
	case "error":
		return 0
	case "warning":
		return 1
	}
	return 2
}

func (c *Console) stateJSON() stateJSON {
	s := c.snap()
	out := stateJSON{Mode: "serve", Filename: c.opt.Filename, Version: s.version, OK: s.ok, Diagnostics: diagnosticsJSON(s.diagnostics), Findings: findingsJSON(s.design, s.findings),
		Services: []serviceJSON{}, LoadBalancers: []lbJSON{}, Flows: []flowJSON{}, Subnets: []subnetJSON{}, Ends: []string{}, TargetGroups: map[string][]string{}}
	if c.opt.Live != nil {
		out.Mode = "up"
	}
	d := s.design
	if d == nil {
		return out
	}
	out.HasDesign, out.App = true, d.App
	lb, _ := d.PublicHTTPSListener()
	out.Public = lb != nil
	for _, svc := range d.Services {
		j := serviceJSON{Name: svc.Name, Kind: svc.Kind, Protocol: svc.Protocol, Port: svc.Port, Public: svc.Public, VPCs: []string{}, Subnets: []string{}, DependsOn: []string{}}
		for _, p := range svc.Placements {
			j.VPCs = append(j.VPCs, p.VPC)
			j.Subnets = append(j.Subnets, p.Subnets...)
		}
		for _, f := range d.Flows {
			if f.Kind == design.FlowService && f.From == svc.Name {
				j.DependsOn = append(j.DependsOn, f.To)
			}
		}
		if svc.Origin != nil {
			j.Line = svc.Origin.Start.Line
		}
		out.Services = append(out.Services, j)
		out.Ends = append(out.Ends, svc.Name)
	}
	out.Ends = append(out.Ends, design.Internet)
	for _, lb := range d.LoadBalancers {
		j := lbJSON{ID: lb.ID, Name: lb.Name, Type: lb.Type, Scheme: lb.Scheme, VPC: lb.VPC, Listeners: []listenerJSON{}}
		for _, l := range lb.Listeners {
			lj := listenerJSON{ID: l.ID, Protocol: l.Protocol, Port: l.Port, Default: l.DefaultAction.String(), Rules: []ruleJSON{}}
			rules := slices.Clone(l.Rules)
			slices.SortStableFunc(rules, func(a, b design.ListenerRule) int { return a.Priority - b.Priority })
			for _, r := range rules {
				rj := ruleJSON{Priority: r.Priority, Conditions: r.Conditions.String(), Action: r.Action.String(), Source: r.Source}
				if r.Origin != nil {
					rj.Line = r.Origin.Start.Line
				}
				lj.Rules = append(lj.Rules, rj)
			}
			j.Listeners = append(j.Listeners, lj)
		}
		out.LoadBalancers = append(out.LoadBalancers, j)
	}
	for _, tg := range d.TargetGroups {
		out.TargetGroups[tg.Service] = append(out.TargetGroups[tg.Service], tg.ID)
	}
	for _, f := range d.Flows {
		out.Flows = append(out.Flows, flowJSON{ID: f.ID, Kind: string(f.Kind), From: f.From, To: f.To, Port: f.Port, Protocol: f.Protocol})
	}
	for _, v := range d.VPCs {
		for _, sn := range v.Subnets {
			j := subnetJSON{VPC: v.Name, ID: sn.ID, Name: sn.Name, Tier: sn.Tier, AZ: sn.AZ, CIDR: sn.CIDR.String(), Capacity: sn.Capacity, Peak: sn.PeakIPs, Headroom: sn.HeadroomIPs, Free: sn.Capacity - sn.PeakIPs}
			if sn.Capacity > 0 {
				j.UsePercent = sn.PeakIPs * 100 / sn.Capacity
			}
			out.Subnets = append(out.Subnets, j)
		}
	}
	return out
}

func (c *Console) serveState(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, c.stateJSON())
}
