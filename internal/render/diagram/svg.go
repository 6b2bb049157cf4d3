package diagram

import (
	"fmt"
	"html"
	"io"
	"strings"

	"github.com/netwright/netwright/internal/design"
)

var fills = map[string]string{
	"region": "#f7f7f7", "vpc": "#ffffff", "az": "#eef3f8", "tgw": "#fff4e5", "band": "#f2f2f2", "internet": "#e8f0fe", "tierlabel": "none",
	"public": "#e6f4ea", "transit": "#fff4e5", "firewall": "#fde7e9", "inspection": "#fde7e9", "endpoints": "#f3e8fd", "app": "#e8f0fe", "data": "#fef7e0",
	"service": "#d2e3fc", "data-chip": "#fce8b2", "lb": "#ceead6", "nat": "#feefc3",
}

var strokes = map[string]string{"region": "#5f6368", "vpc": "#1a73e8", "subnet": "#80868b", "tgw": "#e37400", "internet": "#1a73e8"}

var arrowColours = map[string]string{"ingress": "#1a73e8", "service": "#188038", "data": "#c5221f"}

// Write renders the layout as a self-contained SVG.
func (l *Layout) Write(w io.Writer) error {
	var b strings.Builder
	width := l.W
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f" font-family="DejaVu Sans Mono, monospace" font-size="11">`+"\n", width, l.H, width, l.H)
	b.WriteString(`<defs>`)
	for _, kind := range []string{"data", "ingress", "service"} {
		fmt.Fprintf(&b, `<marker id="arrow-%s" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="%s"/></marker>`, kind, arrowColours[kind])
	}
	b.WriteString("</defs>\n")
	fmt.Fprintf(&b, `<rect x="0" y="0" width="%.0f" height="%.0f" fill="#ffffff"/>`+"\n", width, l.H)
	for _, box := range l.Root {
		drawBox(&b, box)
	}
	for _, a := range l.Arrows {
		drawArrow(&b, a)
	}
	// Legend, to the right of the internet box.
	lx, ly := l.Legend.X, l.Legend.Y
	fmt.Fprintf(&b, `<g class="legend"><rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#ffffff" stroke="#dadce0"/>`, lx, ly, l.Legend.W, l.Legend.H)
	for i, k := range []string{"ingress", "service", "data"} {
		yy := ly + pad/2 + float64(i)*lineH + lineH/2
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="2" marker-end="url(#arrow-%s)"/>`, lx+pad, yy, lx+pad+40, yy, arrowColours[k], k)
		text := map[string]string{"ingress": "internet to load balancer to service", "service": "service to service (depends_on)", "data": "service to data store"}[k]
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f">%s</text>`, lx+2*pad+40, yy+4, html.EscapeString(text))
	}
	b.WriteString("</g>\n</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func drawBox(b *strings.Builder, box *Box) {
	fill := fills[box.Kind]
	if box.Kind == "subnet" {
		fill = fills[box.Class]
	}
	if box.Kind == "chip" {
		fill = fills[box.Class]
		if box.Class == "data" {
			fill = fills["data-chip"]
		}
	}
	stroke := strokes[box.Kind]
	if stroke == "" {
		stroke = "#bdc1c6"
	}
	if box.Kind != "tierlabel" && box.Kind != "az" {
		dash := ""
		if box.Kind == "vpc" || box.Kind == "region" {
			dash = ` stroke-dasharray="6 3"`
		}
		fmt.Fprintf(b, `<rect class="%s" x="%.1f" y="%.1f" width="%.1f" height="%.1f" rx="4" fill="%s" stroke="%s"%s/>`+"\n", box.Kind, box.X, box.Y, box.W, box.H, fill, stroke, dash)
	}
	tx, ty := box.X+pad/2, box.Y+lineH
	if box.Kind == "chip" {
		ty = box.Y + chipH - 5
	}
	weight := ""
	if box.Kind == "region" || box.Kind == "vpc" || box.Kind == "internet" {
		weight = ` font-weight="bold"`
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
	x1, y1 := a.From.X+a.From.W, a.From.Y+a.From.H/2
	x2, y2 := a.To.X, a.To.Y+a.To.H/2
	if a.From.Kind == "internet" {
		x1, y1 = a.From.X+a.From.W/2, a.From.Y+a.From.H
		x2, y2 = a.To.X+a.To.W/2, a.To.Y
	}
	dx := max(40, (x2-x1)/2)
	fmt.Fprintf(b, `<path class="arrow-%s" d="M%.1f,%.1f C%.1f,%.1f %.1f,%.1f %.1f,%.1f" fill="none" stroke="%s" stroke-width="1.5" opacity="0.8" marker-end="url(#arrow-%s)"/>`+"\n",
		a.Kind, x1, y1, x1+dx, y1, x2-dx, y2, x2, y2, arrowColours[a.Kind], a.Kind)
}

// SVG renders a design's diagram.
func SVG(w io.Writer, d *design.Design) error { return Build(d).Write(w) }
