package diagram

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/netwright/netwright/internal/analysis"
	"github.com/netwright/netwright/internal/design"
)

// internetAddr stands for an address on the internet when a path to it is
// walked (TEST-NET-2); every route to the internet is 0.0.0.0/0.
var internetAddr = netip.MustParseAddr("198.51.100.10")

// arrows lists what the diagram draws between boxes: every declared flow
// through the boxes AWS carries it through, then the links from GWLB
// endpoints to their appliances and between peered Transit Gateways.
func arrows(d *design.Design, idx *index) []Arrow {
	p := &paths{d: d, idx: idx, engine: analysis.NewEngine(d)}
	var out []Arrow
	for _, f := range d.Flows {
		label := fmt.Sprintf(":%d", f.Port)
		switch f.Kind {
		case design.FlowIngress:
			for i := range d.LoadBalancers {
				lb := &d.LoadBalancers[i]
				lbChip := idx.lbs[lb.ID]
				to := p.chipIn(f.To, lb.VPC)
				if lb.Scheme != design.InternetFacing || lbChip == nil || to == nil || !servesService(d, lb, f.To) {
					continue
				}
				via := p.fromInternet(lb.VPC, lbChip)
				via = append(via, lbChip)
				via = append(via, p.between(lbChip, to)...)
				out = append(out, Arrow{Flow: f.ID, Kind: "ingress", From: idx.internet, To: to, Via: dedupe(via), Label: label})
			}
		case design.FlowService:
			// From each VPC the caller runs in, to the callee in the same
			// VPC when it runs there too.
			kind := "service"
			if s := d.Service(f.To); s != nil && s.Kind != design.KindService && s.Kind != design.KindAppliance {
				kind = "data"
			}
			for _, from := range idx.chips[f.From] {
				to := p.chipIn(f.To, p.vpcOf(from))
				if to == nil {
					to = first(idx.chips[f.To])
				}
				if to == nil {
					continue
				}
				var via []*Box
				if lb := p.internalLB(f.To, p.vpcOf(from)); lb != nil {
					via = append(p.between(from, lb), lb)
					via = append(via, p.between(lb, to)...)
				} else {
					via = p.between(from, to)
				}
				out = append(out, Arrow{Flow: f.ID, Kind: kind, From: from, To: to, Via: dedupe(via), Label: label})
			}
		case design.FlowEgress:
			for _, from := range idx.chips[f.From] {
				via, ok := p.toInternet(from)
				if !ok {
					continue
				}
				out = append(out, Arrow{Flow: f.ID, Kind: "egress", From: from, To: idx.internet, Via: dedupe(via), Label: label})
			}
		}
	}
	for _, f := range d.Flows {
		if f.Kind == design.FlowOnprem {
			out = append(out, p.siteFlow(f)...)
		}
	}
	out = append(out, inspectionLinks(d, idx)...)
	for _, pr := range d.TransitGatewayPeerings {
		if a, b := idx.tgws[pr.Requester], idx.tgws[pr.Accepter]; a != nil && b != nil {
			out = append(out, Arrow{Kind: "peering", From: a, To: b})
		}
	}
	return out
}

// inspectionLinks joins each GWLB endpoint in a VPC's first AZ to its
// Gateway Load Balancer, and the Gateway Load Balancer to its appliances.
func inspectionLinks(d *design.Design, idx *index) []Arrow {
	var out []Arrow
	linked := map[string]bool{}
	for _, e := range d.GatewayLoadBalancerEndpoints {
		_, s := d.Subnet(e.Subnet)
		gwlb := idx.lbs[e.LoadBalancer]
		if s == nil || s.AZIndex != 0 || gwlb == nil {
			continue
		}
		ep := chipWithRef(idx.subnetChips[e.Subnet], "gwlbe:"+e.ID)
		if ep == nil {
			continue
		}
		out = append(out, Arrow{Kind: "inspection", From: ep, To: gwlb})
		if linked[e.LoadBalancer] {
			continue
		}
		linked[e.LoadBalancer] = true
		lb := loadBalancer(d, e.LoadBalancer)
		for _, svc := range d.Services {
			if app := first(idx.chips[svc.Name]); lb != nil && app != nil && svc.Kind == design.KindAppliance && servesService(d, lb, svc.Name) {
				out = append(out, Arrow{Kind: "inspection", From: gwlb, To: app})
			}
		}
	}
	return out
}

// paths finds the boxes between two ends with the verifier's route walk.
type paths struct {
	d      *design.Design
	idx    *index
	engine *analysis.Engine
}

// between returns the boxes a packet from one chip's subnet to another's
// passes on the way: GWLB endpoints, NAT gateways, and at each Transit
// Gateway crossing the attachment it leaves by, the gateway (both, across
// a peering) and the attachment it arrives by.
func (p *paths) between(from, to *Box) []*Box {
	_, dst := p.d.Subnet(to.Subnet)
	if dst == nil || from.Subnet == "" {
		return nil
	}
	visited, ok := p.engine.Route(from.Subnet, hostIn(dst))
	if !ok || len(visited) < 2 {
		return nil
	}
	return p.hops(visited, false)
}

// hops turns the subnets a route walk visited into boxes: every subnet
// after the first, and the last too when the walk goes on to the internet.
func (p *paths) hops(visited []*design.Subnet, throughLast bool) []*Box {
	var out []*Box
	vpcOf := func(s *design.Subnet) *design.VPC { v, _ := p.d.Subnet(s.ID); return v }
	end := len(visited) - 1
	if throughLast {
		end = len(visited)
	}
	for i := 1; i < end; i++ {
		prev, cur := visited[i-1], visited[i]
		pv, cv := vpcOf(prev), vpcOf(cur)
		if pv != nil && cv != nil && pv.ID != cv.ID {
			// Left by the attachment in the AZ it was in.
			if t, a := p.d.AttachmentOf(pv.ID); t != nil {
				for _, sid := range a.Subnets {
					if _, s := p.d.Subnet(sid); s != nil && s.AZIndex == prev.AZIndex {
						if c := chipWithRef(p.idx.subnetChips[sid], "attachment:"+a.ID); c != nil {
							out = append(out, c)
						}
					}
				}
				if b := p.idx.tgws[t.ID]; b != nil {
					out = append(out, b)
				}
			}
			if t, _ := p.d.AttachmentOf(cv.ID); t != nil {
				if b := p.idx.tgws[t.ID]; b != nil {
					out = append(out, b)
				}
			}
		}
		if c := p.waypoint(cur); c != nil {
			out = append(out, c)
		}
	}
	return out
}

// waypoint is the chip a packet passes in a subnet it crosses: the
// attachment in a transit subnet, else the GWLB endpoint, else the NAT
// gateway.
func (p *paths) waypoint(s *design.Subnet) *Box {
	chips := p.idx.subnetChips[s.ID]
	for _, prefix := range []string{"attachment:", "gwlbe:", "nat:"} {
		for _, c := range chips {
			if strings.HasPrefix(c.Ref, prefix) {
				return c
			}
		}
	}
	return nil
}

// fromInternet returns the boxes from the internet to a load balancer's
// chip: the VPC's internet gateway, and the GWLB endpoint its edge route
// table sends the load balancer's subnet's traffic to.
func (p *paths) fromInternet(vpc string, lbChip *Box) []*Box {
	var out []*Box
	if igw := p.idx.igws[vpc]; igw != nil {
		out = append(out, igw)
	}
	v := p.d.VPC(vpc)
	_, s := p.d.Subnet(lbChip.Subnet)
	if v == nil || s == nil {
		return out
	}
	if rt := v.EdgeTable(); rt != nil {
		if r := rt.RouteFor(hostIn(s)); r != nil && r.TargetKind == design.TargetGWLBEndpoint {
			for _, e := range p.d.GatewayLoadBalancerEndpoints {
				if e.ID == r.Target {
					if c := chipWithRef(p.idx.subnetChips[e.Subnet], "gwlbe:"+e.ID); c != nil {
						out = append(out, c)
					}
				}
			}
		}
	}
	return out
}

// toInternet returns the boxes from a chip to the internet: what the
// route walk crosses, then the internet gateway it leaves by.
func (p *paths) toInternet(from *Box) ([]*Box, bool) {
	visited, ok := p.engine.Route(from.Subnet, internetAddr)
	if !ok || len(visited) == 0 {
		return nil, false
	}
	out := p.hops(visited, true)
	if v, _ := p.d.Subnet(visited[len(visited)-1].ID); v != nil {
		if igw := p.idx.igws[v.ID]; igw != nil {
			out = append(out, igw)
		}
	}
	return out, true
}

// internalLB returns the chip of the internal load balancer in front of a
// service, which its callers reach it through, or nil.
func (p *paths) internalLB(svc, vpc string) *Box {
	for i := range p.d.LoadBalancers {
		lb := &p.d.LoadBalancers[i]
		if lb.Scheme != design.InternetFacing && lb.Type != design.GWLB && lb.VPC == vpc && servesService(p.d, lb, svc) {
			return p.idx.lbs[lb.ID]
		}
	}
	return nil
}

// vpcOf returns the ID of the VPC a chip is in.
func (p *paths) vpcOf(b *Box) string {
	if v, _ := p.d.Subnet(b.Subnet); v != nil {
		return v.ID
	}
	return ""
}

// chipIn returns a service's chip in a VPC's first AZ, or nil.
func (p *paths) chipIn(svc, vpc string) *Box {
	for _, c := range p.idx.chips[svc] {
		if p.vpcOf(c) == vpc {
			return c
		}
	}
	return nil
}

// hostIn is the address a subnet's tasks are represented by: the first
// assignable one.
func hostIn(s *design.Subnet) netip.Addr {
	a := s.CIDR.Addr()
	for range 4 {
		a = a.Next()
	}
	return a
}

func chipWithRef(chips []*Box, ref string) *Box {
	for _, c := range chips {
		if c.Ref == ref {
			return c
		}
	}
	return nil
}

// dedupe drops a box repeated next to itself.
func dedupe(bs []*Box) []*Box {
	var out []*Box
	for _, b := range bs {
		if len(out) == 0 || out[len(out)-1] != b {
			out = append(out, b)
		}
	}
	return out
}

func first(bs []*Box) *Box {
	if len(bs) == 0 {
		return nil
	}
	return bs[0]
}

func servesService(d *design.Design, lb *design.LoadBalancer, svc string) bool {
	for _, l := range lb.Listeners {
		for _, a := range l.Actions() {
			for _, f := range a.Forward {
				for _, tg := range d.TargetGroups {
					if tg.ID == f.TargetGroup && tg.Service == svc {
						return true
					}
				}
			}
		}
	}
	return false
}

func loadBalancer(d *design.Design, id string) *design.LoadBalancer {
	for i := range d.LoadBalancers {
		if d.LoadBalancers[i].ID == id {
			return &d.LoadBalancers[i]
		}
	}
	return nil
}

// siteFlow draws a flow between an on-premises site and a service: from
// the site through its Transit Gateway and the VPC's attachment (and the
// internal load balancer a caller from the site goes through) to the
// service, or from the service along its route to the site.
func (p *paths) siteFlow(f design.Flow) []Arrow {
	label := fmt.Sprintf(":%d", f.Port)
	if name, ok := strings.CutPrefix(f.From, design.OnpremPrefix); ok {
		site, st := p.idx.sites[name], p.d.Site(name)
		to := first(p.idx.chips[f.To])
		if site == nil || st == nil || to == nil {
			return nil
		}
		vpc := p.vpcOf(to)
		var via []*Box
		if b := p.idx.tgws[st.TransitGateway]; b != nil {
			via = append(via, b)
		}
		if t, a := p.d.AttachmentOf(vpc); t != nil && len(a.Subnets) > 0 {
			if c := chipWithRef(p.idx.subnetChips[a.Subnets[0]], "attachment:"+a.ID); c != nil {
				via = append(via, c)
			}
		}
		if lb := p.internalLB(f.To, vpc); lb != nil {
			via = append(via, lb)
		}
		return []Arrow{{Flow: f.ID, Kind: "onprem", From: site, To: to, Via: dedupe(via), Label: label}}
	}
	name, _ := strings.CutPrefix(f.To, design.OnpremPrefix)
	site, st := p.idx.sites[name], p.d.Site(name)
	if site == nil || st == nil || len(st.CIDRs) == 0 {
		return nil
	}
	var out []Arrow
	for _, from := range p.idx.chips[f.From] {
		visited, ok := p.engine.Route(from.Subnet, st.CIDRs[0].Addr().Next())
		if !ok || len(visited) == 0 {
			continue
		}
		via := p.hops(visited, true)
		if b := p.idx.tgws[st.TransitGateway]; b != nil {
			via = append(via, b)
		}
		out = append(out, Arrow{Flow: f.ID, Kind: "onprem", From: from, To: site, Via: dedupe(via), Label: label})
	}
	return out
}
