// Package diagram draws a design as an SVG architecture diagram in the
// manner of AWS reference architectures: Regions, VPCs, AZ columns and
// tier rows, subnets with their CIDRs, the load balancers, NAT gateways,
// endpoints and services inside them, Transit Gateways, and arrows for the
// declared flows (ingress, service to service, data). It lays out boxes on
// a grid, so nothing overlaps, which its tests check on the geometry. It
// reads only the design and needs no external program.
package diagram

import (
	"fmt"
	"slices"
	"strings"

	"github.com/netwright/netwright/internal/design"
)

// Geometry, in SVG user units. Text is monospace, so its width is known.
const (
	charW     = 6.6 // width of one 11px monospace character
	lineH     = 14.0
	pad       = 10.0
	chipH     = 18.0
	cellW     = 210.0
	headerH   = 22.0
	tierLabel = 90.0
	// tierChars and chipChars are the longest labels that fit a tier
	// label and a chip.
	tierChars = 12
	chipChars = 29
)

// Box is one drawn rectangle with its label and the boxes inside it.
type Box struct {
	Kind     string  `json:"kind"` // region, vpc, az, subnet, chip, tgw, band, internet
	Label    string  `json:"label"`
	Sub      string  `json:"sub,omitempty"` // a second line, such as a CIDR
	X        float64 `json:"x"`
	Y        float64 `json:"y"`
	W        float64 `json:"w"`
	H        float64 `json:"h"`
	Children []*Box  `json:"children,omitempty"`
	// Service names the service a chip stands for, so arrows can find it.
	Service string `json:"service,omitempty"`
	Class   string `json:"class,omitempty"`
}

// TextWidth is the width a label takes.
func TextWidth(s string) float64 { return float64(len([]rune(s))) * charW }

// Arrow is one declared flow drawn between two chips.
type Arrow struct {
	From, To *Box
	Kind     string // ingress, service, data
	Label    string
}

// Layout is a whole diagram.
type Layout struct {
	W, H   float64
	Root   []*Box
	Arrows []Arrow
	// Legend is the key to the arrows' colours, top right.
	Legend *Box
}

// legendW is the legend's width: its longest line and a sample arrow.
const legendW = 330.0

var tierOrder = []string{design.TierPublic, design.TierTransit, design.TierFirewall, design.TierInspection, design.TierEndpoints, design.TierApp, design.TierData}

// Build lays out a design.
func Build(d *design.Design) *Layout {
	l := &Layout{}
	y := pad
	internet := &Box{Kind: "internet", Label: "Internet", X: pad, Y: y, H: chipH + 2*pad}
	internet.W = TextWidth(internet.Label) + 2*pad
	l.Root = append(l.Root, internet)
	y += internet.H + 2*pad
	chips := map[string][]*Box{} // service -> chips in the first AZ column
	lbChips := map[string]*Box{}
	maxW := internet.X + internet.W
	for _, region := range d.Regions {
		rb := &Box{Kind: "region", Label: "Region " + region, X: pad, Y: y}
		x := rb.X + pad
		top := y + headerH + pad
		bottom := top
		for i := range d.VPCs {
			v := &d.VPCs[i]
			if v.Region != region {
				continue
			}
			vb := layoutVPC(d, v, x, top, chips, lbChips)
			rb.Children = append(rb.Children, vb)
			x += vb.W + 2*pad
			bottom = max(bottom, vb.Y+vb.H)
		}
		for _, t := range d.TransitGateways {
			if t.Region != region {
				continue
			}
			label := fmt.Sprintf("Transit Gateway %s (ASN %d)", t.ID, t.ASN)
			tb := &Box{Kind: "tgw", Label: label, Sub: fmt.Sprintf("%d attachments, %d route tables", len(t.Attachments), len(t.RouteTables)), X: rb.X + pad, Y: bottom + pad}
			tb.W = max(TextWidth(tb.Label), TextWidth(tb.Sub)) + 2*pad
			tb.H = 2*lineH + pad
			rb.Children = append(rb.Children, tb)
			bottom = tb.Y + tb.H
		}
		rb.W = max(x-rb.X-pad, TextWidth(rb.Label)+2*pad)
		rb.H = bottom - rb.Y + pad
		l.Root = append(l.Root, rb)
		y = rb.Y + rb.H + 2*pad
		maxW = max(maxW, rb.X+rb.W)
	}
	if len(d.TransitGatewayPeerings) > 0 {
		var ps []string
		for _, p := range d.TransitGatewayPeerings {
			ps = append(ps, p.ID)
		}
		b := &Box{Kind: "band", Label: "Transit Gateway peering: " + strings.Join(ps, ", "), X: pad, Y: y}
		b.W, b.H = TextWidth(b.Label)+2*pad, lineH+pad
		l.Root = append(l.Root, b)
		y += b.H + 2*pad
		maxW = max(maxW, b.X+b.W)
	}
	l.W, l.H = max(maxW+pad, internet.X+internet.W+2*pad+legendW+pad), y
	l.Legend = &Box{Kind: "legend", X: l.W - legendW - pad, Y: pad, W: legendW, H: 3*lineH + pad}
	for _, f := range d.Flows {
		switch f.Kind {
		case design.FlowIngress:
			for _, lb := range d.LoadBalancers {
				if lb.Scheme == design.InternetFacing && lbChips[lb.ID] != nil && servesService(d, lb, f.To) {
					l.Arrows = append(l.Arrows, Arrow{From: internet, To: lbChips[lb.ID], Kind: "ingress", Label: fmt.Sprint(f.Port)})
					if to := first(chips[f.To]); to != nil {
						l.Arrows = append(l.Arrows, Arrow{From: lbChips[lb.ID], To: to, Kind: "ingress"})
					}
				}
			}
		case design.FlowService:
			from, to := first(chips[f.From]), first(chips[f.To])
			if from == nil || to == nil {
				continue
			}
			kind := "service"
			if s := d.Service(f.To); s != nil && s.Kind != design.KindService {
				kind = "data"
			}
			l.Arrows = append(l.Arrows, Arrow{From: from, To: to, Kind: kind, Label: fmt.Sprint(f.Port)})
		}
	}
	return l
}

func first(bs []*Box) *Box {
	if len(bs) == 0 {
		return nil
	}
	return bs[0]
}

func servesService(d *design.Design, lb design.LoadBalancer, svc string) bool {
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

// layoutVPC draws one VPC: a header, the AZ column heads, then one row per
// tier (and microservice group) with a subnet cell per AZ holding chips
// for what runs there; endpoints in a footer band.
func layoutVPC(d *design.Design, v *design.VPC, x, y float64, chips map[string][]*Box, lbChips map[string]*Box) *Box {
	label := fmt.Sprintf("VPC %s (%s)", v.Name, v.Role)
	if v.Role == "" {
		label = fmt.Sprintf("VPC %s (%s)", v.Name, v.ID)
	}
	vb := &Box{Kind: "vpc", Label: label, Sub: blocksText(v), X: x, Y: y}
	// A row per tier (and group), and in a real network, where one zone
	// has several subnets of a tier, a row per subnet of them: n is its
	// place among its tier's subnets in its zone.
	type rowKey struct {
		tier, group string
		n           int
	}
	var rows []rowKey
	rowOf := map[string]rowKey{}
	for _, t := range tierOrder {
		count := map[[2]string]int{}
		for _, s := range v.Subnets {
			if s.Tier != t {
				continue
			}
			c := [2]string{s.Group, s.AZ}
			k := rowKey{s.Tier, s.Group, count[c]}
			count[c]++
			rowOf[s.ID] = k
			if !slices.Contains(rows, k) {
				rows = append(rows, k)
			}
		}
	}
	colX := func(az int) float64 { return x + pad + tierLabel + float64(az)*(cellW+pad) }
	cy := y + headerH + lineH + pad
	for i, az := range v.AZs {
		ab := &Box{Kind: "az", Label: az, X: colX(i), Y: cy, W: cellW, H: lineH}
		vb.Children = append(vb.Children, ab)
	}
	cy += lineH + pad/2
	for _, rk := range rows {
		label := rk.tier
		if rk.group != "" {
			label = rk.group
		}
		rowTop := cy
		rowH := 0.0
		var cells []*Box
		for az := range v.AZs {
			var s *design.Subnet
			for i := range v.Subnets {
				if rowOf[v.Subnets[i].ID] == rk && v.Subnets[i].AZIndex == az {
					s = &v.Subnets[i]
				}
			}
			if s == nil {
				continue
			}
			name := strings.TrimPrefix(s.Name, v.Name+"-")
			if d.Imported() {
				// Real subnets' names are their own, often empty.
				name = cmpOr(s.Name, s.ID)
			}
			cell := &Box{Kind: "subnet", Class: rk.tier, Label: shorten(name, chipChars+2), Sub: s.CIDR.String(), X: colX(az), Y: rowTop, W: cellW}
			cyc := rowTop + 2*lineH + pad/2
			for _, c := range chipsFor(d, v, s) {
				c.X, c.Y = cell.X+pad/2, cyc
				c.W = min(TextWidth(c.Label)+pad, cellW-pad)
				c.H = chipH
				cell.Children = append(cell.Children, c)
				cyc += chipH + 4
				if az == 0 && c.Service != "" {
					chips[c.Service] = append(chips[c.Service], c)
				}
				if c.Kind == "chip" && c.Class == "lb" && lbChips[c.Service] == nil {
					lbChips[c.Service] = c
				}
			}
			cell.H = cyc - rowTop + pad/2
			rowH = max(rowH, cell.H)
			cells = append(cells, cell)
		}
		for _, c := range cells {
			c.H = rowH
		}
		lb := &Box{Kind: "tierlabel", Label: shorten(label, tierChars), X: x + pad, Y: rowTop + pad, W: tierLabel - pad, H: lineH}
		vb.Children = append(vb.Children, lb)
		vb.Children = append(vb.Children, cells...)
		cy = rowTop + rowH + pad
	}
	var eps []string
	for _, e := range v.Endpoints {
		eps = append(eps, e.Service)
	}
	if len(eps) > 0 {
		text := "VPC endpoints: " + strings.Join(eps, ", ")
		band := &Box{Kind: "band", Label: text, X: x + pad, Y: cy, H: lineH + pad}
		band.W = TextWidth(text) + pad
		vb.Children = append(vb.Children, band)
		cy += band.H + pad
	}
	for _, p := range d.VPCPeerings {
		if other, _ := p.Other(v.ID); other != "" {
			name := other
			if ov := d.VPC(other); ov != nil && ov.Name != "" {
				name = ov.Name + " " + other
			}
			text := fmt.Sprintf("VPC peering %s to %s (%s)", p.ID, name, p.Status)
			band := &Box{Kind: "band", Label: text, X: x + pad, Y: cy, H: lineH + pad}
			band.W = TextWidth(text) + pad
			vb.Children = append(vb.Children, band)
			cy += band.H + pad
		}
	}
	for _, g := range d.VPNGateways {
		if g.VPC == v.ID {
			text := fmt.Sprintf("Virtual private gateway %s, %d VPN connections", g.ID, len(g.Connections))
			band := &Box{Kind: "band", Label: text, X: x + pad, Y: cy, H: lineH + pad}
			band.W = TextWidth(text) + pad
			vb.Children = append(vb.Children, band)
			cy += band.H + pad
		}
	}
	if v.InternetGateway != "" {
		text := "Internet gateway " + v.InternetGateway
		band := &Box{Kind: "band", Label: text, X: x + pad, Y: cy, H: lineH + pad}
		band.W = TextWidth(text) + pad
		vb.Children = append(vb.Children, band)
		cy += band.H + pad
	}
	vb.W = pad + tierLabel + float64(len(v.AZs))*(cellW+pad)
	for _, c := range vb.Children {
		vb.W = max(vb.W, c.X+c.W-x+pad)
	}
	vb.W = max(vb.W, TextWidth(vb.Label)+TextWidth(vb.Sub)+3*pad)
	vb.H = cy - y
	return vb
}

// blocksText is the VPC's blocks as its header shows them: every one up
// to the default quota of five, else the first two, the last and how
// many.
func blocksText(v *design.VPC) string {
	bs := v.Blocks()
	if len(bs) > 5 {
		return fmt.Sprintf("%s, %s … %s (%d blocks)", bs[0], bs[1], bs[len(bs)-1], len(bs))
	}
	s := make([]string, len(bs))
	for i, b := range bs {
		s[i] = b.String()
	}
	return strings.Join(s, ", ")
}

func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// chipsFor lists what runs in a subnet: NAT gateways, load balancer
// nodes, GWLB endpoints, and services' tasks.
func chipsFor(d *design.Design, v *design.VPC, s *design.Subnet) []*Box {
	var out []*Box
	for _, n := range v.NATGateways {
		if n.Subnet == s.ID {
			out = append(out, &Box{Kind: "chip", Class: "nat", Label: "NAT gateway"})
		}
	}
	for _, lb := range d.LoadBalancers {
		if slices.Contains(lb.Subnets, s.ID) {
			kind := map[string]string{design.ALB: "ALB", design.NLB: "NLB", design.GWLB: "GWLB"}[lb.Type]
			out = append(out, &Box{Kind: "chip", Class: "lb", Service: lb.ID, Label: shorten(kind+" "+strings.TrimPrefix(lb.Name, v.Name+"-"), chipChars)})
		}
	}
	for _, e := range d.GatewayLoadBalancerEndpoints {
		if e.Subnet == s.ID {
			out = append(out, &Box{Kind: "chip", Class: "nat", Label: "GWLB endpoint"})
		}
	}
	// In a real network: instances, and interfaces nothing else names
	// (a database's, an appliance's), by what they are.
	for _, in := range d.Instances {
		for _, id := range in.Interfaces {
			if n := d.Interface(id); n != nil && n.Subnet == s.ID {
				out = append(out, &Box{Kind: "chip", Class: "service", Label: shorten("EC2 "+cmpOr(in.Name, in.ID), chipChars)})
				break
			}
		}
	}
	for _, n := range d.Interfaces {
		if n.Subnet == s.ID && n.Owner == "" && n.Type == "interface" {
			out = append(out, &Box{Kind: "chip", Class: "data", Label: shorten("ENI "+cmpOr(n.Description, n.ID), chipChars)})
		}
	}
	for _, svc := range d.Services {
		for _, p := range svc.Placements {
			if slices.Contains(p.Subnets, s.ID) {
				class := "service"
				if svc.Kind != design.KindService {
					class = "data"
				}
				label := fmt.Sprintf("%s :%d", svc.Name, svc.Port)
				out = append(out, &Box{Kind: "chip", Class: class, Service: svc.Name, Label: shorten(label, chipChars)})
			}
		}
	}
	return out
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
