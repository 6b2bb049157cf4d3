package report

import (
	"fmt"
	"strings"

	"github.com/netwright/netwright/internal/design"
)

// hybridSections are the sites with their connections and hybrid DNS,
// and the CloudFront distribution, when the design has them.
func hybridSections(d *design.Design) []section {
	var out []section
	if len(d.Sites) > 0 {
		sites := section{Title: "On-premises sites", Text: []string{"Each site reaches only the VPCs its declared flows need: their Transit Gateway route tables learn its blocks, and its own route table learns theirs."},
			Headers: []string{"Site", "Blocks", "Connection", "Transit Gateway attachments", "DNS"}}
		for _, s := range d.Sites {
			var blocks []string
			for _, c := range s.CIDRs {
				blocks = append(blocks, c.String())
			}
			var conn []string
			if dx := s.DirectConnect; dx != nil {
				conn = append(conn, fmt.Sprintf("Direct Connect gateway %s (ASN %d)", dx.ID, dx.ASN))
			}
			if v := s.VPN; v != nil {
				conn = append(conn, fmt.Sprintf("Site-to-Site VPN %s, %d tunnels with BGP (site ASN %d)", v.ID, len(v.Tunnels), s.ASN))
			}
			dns := "none"
			if s.DNS != nil {
				dns = strings.Join(s.DNS.Domains, ", ")
			}
			sites.Rows = append(sites.Rows, []string{design.SiteRef(s.Name), strings.Join(blocks, ", "), strings.Join(conn, "; "), strings.Join(s.Attachments(), ", "), dns})
		}
		for _, ep := range d.ResolverEndpoints {
			sites.Text = append(sites.Text, fmt.Sprintf("Route 53 Resolver %s endpoint %s in %s.", strings.ToLower(ep.Direction), ep.ID, strings.Join(ep.Subnets, ", ")))
		}
		for _, r := range d.ResolverRules {
			var t []string
			for _, a := range r.Targets {
				t = append(t, a.String())
			}
			sites.Text = append(sites.Text, fmt.Sprintf("%s is forwarded to %s for %s.", r.Domain, strings.Join(t, ", "), strings.Join(r.VPCs, ", ")))
		}
		out = append(out, sites)
	}
	if dist := d.Distribution; dist != nil {
		edge := section{Title: "CloudFront", Text: []string{fmt.Sprintf("%s answers %s with certificate %s; the public ALB admits only %s and requests carrying the %s header.",
			dist.ID, strings.Join(dist.Aliases, ", "), dist.Certificate, design.CloudFrontPrefixList, design.OriginHeader)},
			Headers: []string{"Path", "Origin", "Methods", "Cache policy"}}
		for _, c := range append(dist.Behaviors, dist.DefaultBehavior) {
			path := c.PathPattern
			if path == "" {
				path = "default"
			}
			edge.Rows = append(edge.Rows, []string{path, c.Target, strings.Join(c.Methods, ", "), c.CachePolicy})
		}
		out = append(out, edge)
	}
	return out
}
