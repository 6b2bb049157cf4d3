// Package diagram draws a design as an SVG architecture diagram in the
// manner of AWS reference architectures: Regions, VPCs, AZ columns and
// tier rows, subnets with their CIDRs, the load balancers, NAT gateways,
// internet gateways, Transit Gateway attachments, GWLB endpoints and
// services inside them, Transit Gateways, and the declared flows (ingress,
// service to service, data, egress) drawn along the path AWS carries them:
// through the internet gateway, the GWLB endpoints an inspected flow is
// routed to, the NAT gateway, and the Transit Gateway a flow crosses, as
// the verifier's route walk (analysis.Engine.Route) finds it. Boxes are laid
// out on a grid; flows are routed orthogonally in the gutters between
// boxes, never across one, and each label is placed where it overlaps
// nothing (route.go, labels.go). Tests check all of it on the geometry.
// It reads only the design and needs no external program.
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
	// gap is the gutter between subnets, rows, VPCs and Regions, where
	// flows are routed.
	gap = 26.0
	// tierChars and chipChars are the longest labels that fit a tier
	// label and a chip.
	tierChars = 12
	chipChars = 29
)

// Box is one drawn rectangle with its label and the boxes inside it.
type Box struct {
	Kind     string  `json:"kind"` // region, vpc, az, subnet, chip, tgw, band, internet, tierlabel
	Label    string  `json:"label"`
	Sub      string  `json:"sub,omitempty"` // a second line, such as a CIDR
	X        float64 `json:"x"`
	Y        float64 `json:"y"`
	W        float64 `json:"w"`
	H        float64 `json:"h"`
	Children []*Box  `json:"children,omitempty"`
	// Service names the service a chip stands for, or the load balancer's
	// ID for a load balancer chip.
	Service string `json:"service,omitempty"`
	Class   string `json:"class,omitempty"`
	// Ref names what the box stands for, for the console's live colours
	// and panels: service:NAME, lb:ID, igw:ID, tgw:ID, internet.
	Ref string `json:"ref,omitempty"`
	// Subnet is the subnet a cell or chip is in.
	Subnet string `json:"subnet,omitempty"`
}

// TextWidth is the width a label takes.
func TextWidth(s string) float64 { return float64(len([]rune(s))) * charW }

// Point is a point of a drawn path.
type Point struct{ X, Y float64 }

// Arrow is one flow (or an inspection or peering link) drawn from one box
// to another through the boxes AWS carries it through.
type Arrow struct {
	// Flow is the design flow's ID; empty for links that are not flows.
	Flow string
	Kind string // ingress, service, data, egress, inspection, peering
	From *Box
	To   *Box
	// Via are the boxes between, in order: gateways, GWLB endpoints,
	// attachments, load balancers.
	Via []*Box
	// Legs are the routed polylines, one per hop between two boxes.
	Legs [][]Point
	// Label is the flow's port; LabelBox where it is drawn, or nil when
	// it is not (a link, or nowhere free). LabelOf names the flow whose
	// label stands for this one's too: flows of one kind into the same
	// box on the same port share one label.
	Label    string
	LabelBox *Box
	LabelOf  string
}

// Boxes are the arrow's boxes in order: From, Via..., To.
func (a Arrow) Boxes() []*Box {
	return append(append([]*Box{a.From}, a.Via...), a.To)
}

// Layout is a whole diagram.
type Layout struct {
	W, H   float64
	Root   []*Box
	Arrows []Arrow
	// Legend is the key to the arrows' colours, top right, and Kinds
	// the arrow kinds it explains.
	Legend *Box
	Kinds  []legendKind
}

// legendW is the legend's width: its longest line and a sample arrow.
const legendW = 350.0

// legendKind is an arrow kind and its meaning.
type legendKind struct{ kind, text string }

// legendKinds are the arrow kinds in every legend; sites add siteKind.
var legendKinds = []legendKind{
	{"ingress", "internet to load balancer to service"},
	{"service", "service to service (depends_on)"},
	{"data", "service to data store"},
	{"egress", "service to the internet"},
	{"inspection", "GWLB endpoint to appliance"},
	{"peering", "Transit Gateway peering"},
}

var siteKind = legendKind{"onprem", "on-premises site to or from a service"}

var tierOrder = []string{design.TierPublic, design.TierTransit, design.TierFirewall, design.TierInspection, design.TierEndpoints, design.TierApp, design.TierData}

// Build lays out a design and routes its flows.
func Build(d *design.Design) *Layout {
	l := &Layout{}
	internet := &Box{Kind: "internet", Label: "Internet", Ref: "internet", X: gap, Y: pad, H: chipH + 2*pad}
	internet.W = TextWidth(internet.Label) + 4*pad
	l.Root = append(l.Root, internet)
	l.Kinds = legendKinds
	if len(d.Sites) > 0 {
		l.Kinds = append(slices.Clip(l.Kinds), siteKind)
	}
	legendH := float64(len(l.Kinds))*lineH + pad
	y := max(internet.Y+internet.H, pad+legendH) + 2*gap
	maxW := internet.X + internet.W
	idx := &index{chips: map[string][]*Box{}, lbs: map[string]*Box{}, subnetChips: map[string][]*Box{}, tgws: map[string]*Box{}, igws: map[string]*Box{}, sites: map[string]*Box{}, internet: internet}
	for _, region := range d.Regions {
		rb := &Box{Kind: "region", Label: "Region " + region, X: gap, Y: y}
		x := rb.X + gap
		top := y + headerH + gap/2
		bottom := top
		for i := range d.VPCs {
			v := &d.VPCs[i]
			if v.Region != region {
				continue
			}
			vb := layoutVPC(d, v, x, top, idx)
			rb.Children = append(rb.Children, vb)
			x += vb.W + gap
			bottom = max(bottom, vb.Y+vb.H)
		}
		tx := rb.X + gap
		for _, t := range d.TransitGateways {
			if t.Region != region {
				continue
			}
			label := fmt.Sprintf("Transit Gateway %s (ASN %d)", t.ID, t.ASN)
			tb := &Box{Kind: "tgw", Label: label, Ref: "tgw:" + t.ID, Sub: fmt.Sprintf("%d attachments, %d route tables", len(t.Attachments), len(t.RouteTables)), X: tx, Y: bottom + 2*gap}
			tb.W = max(TextWidth(tb.Label), TextWidth(tb.Sub)) + 2*pad
			tb.H = 2*lineH + pad
			rb.Children = append(rb.Children, tb)
			idx.tgws[t.ID] = tb
			tx += tb.W + gap
			x = max(x, tx)
			bottom = max(bottom, tb.Y+tb.H)
		}
		rb.W = max(x-rb.X, TextWidth(rb.Label)+2*pad)
		rb.H = bottom - rb.Y + gap
		l.Root = append(l.Root, rb)
		y = rb.Y + rb.H + gap
		maxW = max(maxW, rb.X+rb.W)
	}
	if len(d.TransitGatewayPeerings) > 0 {
		var ps []string
		for _, p := range d.TransitGatewayPeerings {
			ps = append(ps, p.ID)
		}
		b := &Box{Kind: "band", Label: "Transit Gateway peering: " + strings.Join(ps, ", "), X: gap, Y: y}
		b.W, b.H = TextWidth(b.Label)+2*pad, lineH+pad
		l.Root = append(l.Root, b)
		y += b.H + gap
		maxW = max(maxW, b.X+b.W)
	}
	sx := gap
	for i := range d.Sites {
		b := siteBox(&d.Sites[i], sx, y)
		l.Root = append(l.Root, b)
		idx.sites[d.Sites[i].Name] = b
		sx += b.W + gap
		maxW = max(maxW, b.X+b.W)
		if i == len(d.Sites)-1 {
			y += b.H + gap
		}
	}
	for _, label := range hybridBands(d) {
		b := &Box{Kind: "band", Label: label, X: gap, Y: y}
		b.W, b.H = TextWidth(b.Label)+2*pad, lineH+pad
		l.Root = append(l.Root, b)
		y += b.H + gap
		maxW = max(maxW, b.X+b.W)
	}
	l.W, l.H = max(maxW+gap, internet.X+internet.W+2*gap+legendW+gap), y
	l.Legend = &Box{Kind: "legend", X: l.W - legendW - gap, Y: pad, W: legendW, H: legendH}
	l.Arrows = arrows(d, idx)
	l.route()
	l.placeLabels()
	return l
}

// index finds the boxes flows are drawn between.
type index struct {
	// chips are each service's chips in its first AZ column.
	chips map[string][]*Box
	// lbs are each load balancer's chip in its first subnet.
	lbs map[string]*Box
	// subnetChips are the chips in each subnet.
	subnetChips map[string][]*Box
	tgws        map[string]*Box
	igws        map[string]*Box // by VPC ID
	sites       map[string]*Box // by site name
	internet    *Box
}

// layoutVPC draws one VPC: a header, its internet gateway, the AZ column
// heads, then one row per tier (and microservice group) with a subnet cell
// per AZ holding chips for what runs there; endpoints, peerings and VPN
// gateways in footer bands.
func layoutVPC(d *design.Design, v *design.VPC, x, y float64, idx *index) *Box {
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
	cy := y + headerH + pad/2
	if v.InternetGateway != "" {
		igw := &Box{Kind: "chip", Class: "igw", Label: "Internet gateway " + v.InternetGateway, Ref: "igw:" + v.InternetGateway, X: x + pad, Y: cy, H: chipH}
		igw.W = TextWidth(igw.Label) + pad
		vb.Children = append(vb.Children, igw)
		idx.igws[v.ID] = igw
		cy += chipH + gap
	}
	colX := func(az int) float64 { return x + pad + tierLabel + gap + float64(az)*(cellW+gap) }
	for i, az := range v.AZs {
		vb.Children = append(vb.Children, &Box{Kind: "az", Label: az, X: colX(i), Y: cy, W: cellW, H: lineH})
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
			cell := &Box{Kind: "subnet", Class: rk.tier, Label: shorten(name, chipChars+2), Sub: s.CIDR.String(), Subnet: s.ID, X: colX(az), Y: rowTop, W: cellW}
			cyc := rowTop + 2*lineH + pad/2
			for _, c := range chipsFor(d, v, s) {
				c.X, c.Y = cell.X+pad/2, cyc
				c.W = min(TextWidth(c.Label)+pad, cellW-pad)
				c.H = chipH
				c.Subnet = s.ID
				cell.Children = append(cell.Children, c)
				idx.subnetChips[s.ID] = append(idx.subnetChips[s.ID], c)
				cyc += chipH + 4
				if az == 0 && c.Ref == "service:"+c.Service {
					idx.chips[c.Service] = append(idx.chips[c.Service], c)
				}
				if c.Class == "lb" && idx.lbs[c.Service] == nil {
					idx.lbs[c.Service] = c
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
		cy = rowTop + rowH + gap
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
	vb.W = pad + tierLabel + gap + float64(len(v.AZs))*(cellW+gap)
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

// chipsFor lists what runs in a subnet: NAT gateways, Transit Gateway
// attachments, load balancer nodes, GWLB endpoints, and services' tasks.
func chipsFor(d *design.Design, v *design.VPC, s *design.Subnet) []*Box {
	var out []*Box
	for _, n := range v.NATGateways {
		if n.Subnet == s.ID {
			out = append(out, &Box{Kind: "chip", Class: "nat", Label: "NAT gateway", Ref: "nat:" + n.ID})
		}
	}
	for _, t := range d.TransitGateways {
		for _, a := range t.Attachments {
			if a.VPC == v.ID && slices.Contains(a.Subnets, s.ID) {
				out = append(out, &Box{Kind: "chip", Class: "attachment", Label: "TGW attachment", Ref: "attachment:" + a.ID})
			}
		}
	}
	for _, lb := range d.LoadBalancers {
		if slices.Contains(lb.Subnets, s.ID) {
			kind := map[string]string{design.ALB: "ALB", design.NLB: "NLB", design.GWLB: "GWLB"}[lb.Type]
			out = append(out, &Box{Kind: "chip", Class: "lb", Service: lb.ID, Ref: "lb:" + lb.ID, Label: shorten(kind+" "+strings.TrimPrefix(lb.Name, v.Name+"-"), chipChars)})
		}
	}
	for _, e := range d.GatewayLoadBalancerEndpoints {
		if e.Subnet == s.ID {
			out = append(out, &Box{Kind: "chip", Class: "gwlbe", Service: e.LoadBalancer, Label: "GWLB endpoint", Ref: "gwlbe:" + e.ID})
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
				switch {
				case svc.Kind == design.KindAppliance:
					class = "appliance"
				case svc.Kind != design.KindService:
					class = "data"
				}
				label := fmt.Sprintf("%s :%d", svc.Name, svc.Port)
				out = append(out, &Box{Kind: "chip", Class: class, Service: svc.Name, Ref: "service:" + svc.Name, Label: shorten(label, chipChars)})
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
