package diagram

import (
	"fmt"
	"html"
	"io"
	"slices"
	"strings"

	"github.com/netwright/netwright/internal/design"
)

var fills = map[string]string{
	"region": "#f7f7f7", "vpc": "#ffffff", "az": "#eef3f8", "tgw": "#fff4e5", "band": "#f2f2f2", "internet": "#e8f0fe", "site": "#e0f2f1", "tierlabel": "none",
	"public": "#e6f4ea", "transit": "#fff4e5", "firewall": "#fde7e9", "inspection": "#fde7e9", "endpoints": "#f3e8fd", "app": "#e8f0fe", "data": "#fef7e0",
	"service": "#d2e3fc", "data-chip": "#fce8b2", "appliance": "#f9d1d5", "lb": "#ceead6", "nat": "#feefc3", "igw": "#d7f0dd", "attachment": "#ffe0b2", "gwlbe": "#f6c6cc",
}

var strokes = map[string]string{"region": "#5f6368", "vpc": "#1a73e8", "subnet": "#80868b", "tgw": "#e37400", "internet": "#1a73e8", "site": "#00796b"}

// arrowColours are the flows' colours; each has at least 3:1 contrast on
// white, so a line reads on every fill.
var arrowColours = map[string]string{"ingress": "#1a73e8", "service": "#188038", "data": "#c5221f", "egress": "#b06000", "inspection": "#8430ce", "peering": "#e37400", "onprem": "#00796b"}

// chipFill is a chip's fill.
func chipFill(b *Box) string {
	if b.Class == "data" {
		return fills["data-chip"]
	}
	return fills[b.Class]
}

// Write renders the layout as a self-contained SVG. Chips carry data-ref
// and data-subnet, flows data-flow and data-kind, for the console.
func (l *Layout) Write(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f" font-family="DejaVu Sans Mono, monospace" font-size="11" role="img" aria-label="architecture diagram">`+"\n", l.W, l.H, l.W, l.H)
	b.WriteString(`<defs>`)
	kinds := []string{"data", "egress", "ingress", "inspection", "peering", "service"}
	if slices.Contains(l.Kinds, siteKind) {
		kinds = []string{"data", "egress", "ingress", "inspection", "onprem", "peering", "service"}
	}
	for _, kind := range kinds {
		fmt.Fprintf(&b, `<marker id="arrow-%s" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="10" markerHeight="10" markerUnits="userSpaceOnUse" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="%s"/></marker>`, kind, arrowColours[kind])
	}
	b.WriteString("</defs>\n")
	fmt.Fprintf(&b, `<rect x="0" y="0" width="%.0f" height="%.0f" fill="#ffffff"/>`+"\n", l.W, l.H)
	for _, box := range l.Root {
		drawBox(&b, box)
	}
	for _, a := range l.Arrows {
		drawArrow(&b, a)
	}
	for _, a := range l.Arrows {
		if lb := a.LabelBox; lb != nil {
			fmt.Fprintf(&b, `<g class="label" data-flow="%s"><rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#ffffff" opacity="0.9"/><text x="%.1f" y="%.1f" fill="%s">%s</text></g>`+"\n",
				html.EscapeString(a.Flow), lb.X, lb.Y, lb.W, lb.H, lb.X+2, lb.Y+labelH-3, arrowColours[a.Kind], html.EscapeString(lb.Label))
		}
	}
	lx, ly := l.Legend.X, l.Legend.Y
	fmt.Fprintf(&b, `<g class="legend"><rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#ffffff" stroke="#dadce0"/>`, lx, ly, l.Legend.W, l.Legend.H)
	for i, k := range l.Kinds {
		yy := ly + pad/2 + float64(i)*lineH + lineH/2
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="2"%s marker-end="url(#arrow-%s)"/>`, lx+pad, yy, lx+pad+40, yy, arrowColours[k.kind], dashes(k.kind), k.kind)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f">%s</text>`, lx+2*pad+40, yy+4, html.EscapeString(k.text))
	}
	b.WriteString("</g>\n</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func dashes(kind string) string {
	if kind == "inspection" || kind == "peering" {
		return ` stroke-dasharray="5 3"`
	}
	return ""
}

func drawBox(b *strings.Builder, box *Box) {
	fill := fills[box.Kind]
	switch box.Kind {
	case "subnet":
		fill = fills[box.Class]
	case "chip":
		fill = chipFill(box)
	}
	stroke := strokes[box.Kind]
	if stroke == "" {
		stroke = "#bdc1c6"
	}
	attrs := ""
	if box.Ref != "" {
		attrs += fmt.Sprintf(` data-ref="%s"`, html.EscapeString(box.Ref))
	}
	if box.Subnet != "" {
		attrs += fmt.Sprintf(` data-subnet="%s"`, html.EscapeString(box.Subnet))
	}
	if box.Kind != "tierlabel" && box.Kind != "az" {
		dash := ""
		if box.Kind == "vpc" || box.Kind == "region" {
			dash = ` stroke-dasharray="6 3"`
		}
		fmt.Fprintf(b, `<rect class="%s" x="%.1f" y="%.1f" width="%.1f" height="%.1f" rx="4" fill="%s" stroke="%s"%s%s/>`+"\n", box.Kind, box.X, box.Y, box.W, box.H, fill, stroke, dash, attrs)
	}
	tx, ty := box.X+pad/2, box.Y+lineH
	if box.Kind == "chip" {
		ty = box.Y + chipH - 5
	}
	weight := ""
	if box.Kind == "region" || box.Kind == "vpc" || box.Kind == "internet" || box.Kind == "site" {
		weight = ` font-weight="bold"`
	}
	if box.Kind == "internet" {
		tx, ty = box.X+(box.W-TextWidth(box.Label))/2, box.Y+box.H/2+4
	}
	fmt.Fprintf(b, `<text x="%.1f" y="%.1f"%s>%s</text>`+"\n", tx, ty, weight, html.EscapeString(box.Label))
	if box.Sub != "" {
		sx, sy := tx, ty+lineH
		if box.Kind == "vpc" {
			sx, sy = tx+TextWidth(box.Label)+pad, ty
		}
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" fill="#5f6368">%s</text>`+"\n", sx, sy, html.EscapeString(box.Sub))
	}
	for _, c := range box.Children {
		drawBox(b, c)
	}
}

func drawArrow(b *strings.Builder, a Arrow) {
	var d strings.Builder
	for _, leg := range a.Legs {
		for i, p := range leg {
			if i == 0 {
				fmt.Fprintf(&d, "M%.1f,%.1f", p.X, p.Y)
			} else {
				fmt.Fprintf(&d, " L%.1f,%.1f", p.X, p.Y)
			}
		}
		d.WriteByte(' ')
	}
	flow := ""
	if a.Flow != "" {
		flow = fmt.Sprintf(` data-flow="%s"`, html.EscapeString(a.Flow))
	}
	fmt.Fprintf(b, `<path class="arrow arrow-%s"%s data-kind="%s" d="%s" fill="none" stroke="%s" stroke-width="1.5"%s marker-end="url(#arrow-%s)"/>`+"\n",
		a.Kind, flow, a.Kind, strings.TrimSpace(d.String()), arrowColours[a.Kind], dashes(a.Kind), a.Kind)
}

// SVG renders a design's diagram.
func SVG(w io.Writer, d *design.Design) error { return Build(d).Write(w) }
