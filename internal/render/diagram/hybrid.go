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
	for _, s := range d.Sites {
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
		out = append(out, fmt.Sprintf("%s %s: %s to %s", design.SiteRef(s.Name), strings.Join(blocks, ", "), strings.Join(conn, " + "), s.TransitGateway))
	}
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
