package diagram

import (
	"fmt"
	"strings"

	"github.com/netwright/netwright/internal/design"
)

// hybridBands are the diagram's lines for each on-premises site (its
// blocks, connections, tunnels and Transit Gateway) and the CloudFront
// distribution in front of the public ALBs.
func hybridBands(d *design.Design) []string {
	var out []string
	if dist := d.Distribution; dist != nil {
		var origins []string
		for _, o := range dist.Origins {
			origins = append(origins, o.LoadBalancer)
		}
		cached := "nothing cached"
		if len(dist.Behaviors) > 0 {
			var paths []string
			for _, c := range dist.Behaviors {
				paths = append(paths, c.PathPattern)
			}
			cached = "cached " + strings.Join(paths, ", ")
		}
		out = append(out, fmt.Sprintf("CloudFront %s -> %s (%s header; %s)", dist.ID, strings.Join(origins, ", "), design.OriginHeader, cached))
	}
	return out
}

// siteBox is an on-premises site: its blocks, and how it connects to its
// Transit Gateway. Flows to and from the site end at it.
func siteBox(s *design.Site, x, y float64) *Box {
	var blocks, conn []string
	for _, c := range s.CIDRs {
		blocks = append(blocks, c.String())
	}
	if dx := s.DirectConnect; dx != nil {
		conn = append(conn, "Direct Connect "+dx.ID)
	}
	if v := s.VPN; v != nil {
		conn = append(conn, fmt.Sprintf("VPN %s (%d tunnels, BGP ASN %d)", v.ID, len(v.Tunnels), s.ASN))
	}
	b := &Box{Kind: "site", Label: design.SiteRef(s.Name) + " " + strings.Join(blocks, ", "), Ref: "site:" + s.Name,
		Sub: strings.Join(conn, " + ") + " to " + s.TransitGateway, X: x, Y: y}
	b.W = max(TextWidth(b.Label), TextWidth(b.Sub)) + 2*pad
	b.H = 2*lineH + pad
	return b
}
