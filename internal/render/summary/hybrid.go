package summary

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/netwright/netwright/internal/design"
)

// writeSites writes the on-premises sites, their connections and the
// hybrid DNS.
func writeSites(b *strings.Builder, d *design.Design) {
	if len(d.Sites) == 0 {
		return
	}
	b.WriteString("\nOn-premises sites\n")
	for _, s := range d.Sites {
		blocks := make([]string, len(s.CIDRs))
		for i, c := range s.CIDRs {
			blocks[i] = c.String()
		}
		fmt.Fprintf(b, "  %s: %s, ASN %d, %s on %s\n", design.SiteRef(s.Name), strings.Join(blocks, ", "), s.ASN, s.Connect, s.TransitGateway)
		if dx := s.DirectConnect; dx != nil {
			prefixes := make([]string, len(dx.AllowedPrefixes))
			for i, p := range dx.AllowedPrefixes {
				prefixes[i] = p.String()
			}
			fmt.Fprintf(b, "    Direct Connect gateway %s (ASN %d), attachment %s, advertises %s\n", dx.ID, dx.ASN, dx.Attachment, strings.Join(prefixes, ", "))
		}
		if v := s.VPN; v != nil {
			tunnels := make([]string, len(v.Tunnels))
			for i, t := range v.Tunnels {
				tunnels[i] = t.InsideCIDR.String()
			}
			fmt.Fprintf(b, "    VPN %s from customer gateway %s, attachment %s, BGP over tunnels %s\n", v.ID, s.CustomerGateway.ID, v.Attachment, strings.Join(tunnels, ", "))
		}
		if s.DNS != nil {
			servers := make([]string, len(s.DNS.Servers))
			for i, a := range s.DNS.Servers {
				servers[i] = a.String()
			}
			fmt.Fprintf(b, "    DNS %s at %s\n", strings.Join(s.DNS.Domains, ", "), strings.Join(servers, ", "))
		}
	}
	if len(d.ResolverEndpoints) > 0 {
		b.WriteString("  Route 53 Resolver\n")
		tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
		for _, ep := range d.ResolverEndpoints {
			fmt.Fprintf(tw, "    %s\t%s\t%s\t%s\n", ep.ID, strings.ToLower(ep.Direction), strings.Join(ep.Subnets, ", "), ep.SecurityGroup)
		}
		for _, r := range d.ResolverRules {
			targets := make([]string, len(r.Targets))
			for i, a := range r.Targets {
				targets[i] = a.String()
			}
			fmt.Fprintf(tw, "    %s\tforward %s\tto %s via %s\tfor %s\n", r.ID, r.Domain, strings.Join(targets, ", "), r.Endpoint, strings.Join(r.VPCs, ", "))
		}
		tw.Flush()
	}
}

// writeEdge writes the CloudFront distribution.
func writeEdge(b *strings.Builder, d *design.Design) {
	dist := d.Distribution
	if dist == nil {
		return
	}
	fmt.Fprintf(b, "\nCloudFront %s (%s, certificate %s, viewers TLS %s and up)\n", dist.ID, strings.Join(dist.Aliases, ", "), dist.Certificate, dist.MinimumProtocol)
	for _, o := range dist.Origins {
		fmt.Fprintf(b, "  origin %s: %s in %s, %s with the %s header\n", o.ID, o.LoadBalancer, o.Region, o.ProtocolPolicy, o.Header)
	}
	if g := dist.OriginGroup; g != nil {
		fmt.Fprintf(b, "  origin group %s: %s, failing over on %v\n", g.ID, strings.Join(g.Members, " then "), g.StatusCodes)
	}
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	for _, c := range append(dist.Behaviors, dist.DefaultBehavior) {
		path := c.PathPattern
		if path == "" {
			path = "default"
		}
		cache := "cached"
		if c.CachePolicy == design.CachingDisabledPolicy {
			cache = "not cached"
		}
		fmt.Fprintf(tw, "  %s\t-> %s\t%s\t%s\n", path, c.Target, strings.Join(c.Methods, ","), cache)
	}
	tw.Flush()
}
