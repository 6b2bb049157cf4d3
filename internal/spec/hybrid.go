package spec

import (
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/netwright/netwright/internal/awsfacts"
	"github.com/netwright/netwright/internal/diag"
)

// How a site connects (Site.Connect).
const (
	ConnectVPN           = "vpn"
	ConnectDirectConnect = "direct_connect"
	ConnectBoth          = "both"
)

// OnpremPrefix starts a reference to an on-premises site in depends_on
// and callers_from: onprem:SITE, with :PORT in depends_on.
const OnpremPrefix = "onprem:"

// Limits of the hybrid and edge keys (AWS-FACTS.md, "Hybrid and edge").
const (
	// MaxSiteCIDRs is the routes a transit virtual interface's BGP session
	// takes from on premises (the session goes down past it); a VPN's is
	// larger, so the smaller bounds both.
	MaxSiteCIDRs = 100
	// DefaultCustomerASN is the customer gateway ASN AWS gives when none
	// is written (CreateCustomerGateway's default).
	DefaultCustomerASN = 65000
	// MaxCustomerASN is the largest BGP ASN a customer gateway takes
	// (BgpAsnExtended; BgpAsn stops at 2,147,483,647).
	MaxCustomerASN = 4294967294
	// MaxStaticPaths is CloudFront's default quota of cache behaviors per
	// distribution.
	MaxStaticPaths = 75
)

// Site is one on-premises network joined to the design through the
// Transit Gateway (netwright's addition to the contract).
type Site struct {
	Name string
	At   *diag.Range
	// CIDRs are the site's IPv4 blocks, 1 to 100, none overlapping a VPC
	// or another site.
	CIDRs []netip.Prefix
	// Connect is vpn (default), direct_connect, or both (Direct Connect
	// preferred, the VPN its backup).
	Connect string
	// ASN is the customer side's BGP ASN, 1 to 4,294,967,294. Default
	// 65000.
	ASN int64
	// DNS names the domains the site's servers answer for; nil when the
	// site has no DNS to share.
	DNS *SiteDNS
}

// SiteDNS is a site's DNS: the domains its servers answer for, which the
// VPCs resolve through a Route 53 Resolver outbound endpoint.
type SiteDNS struct {
	At      *diag.Range
	Domains []string
	// Servers are the site's DNS servers, in the site's CIDRs.
	Servers []netip.Addr
}

// SiteRef is a reference to a site: a call to it (depends_on
// onprem:SITE:PORT, over TCP) or a caller from it (callers_from
// onprem:SITE, Port 0).
type SiteRef struct {
	Site string
	Port int
	At   *diag.Range
}

// Edge is what stands in front of the public load balancer.
type Edge struct {
	At *diag.Range
	// CloudFront puts a CloudFront distribution in front of the public
	// ALB, which then admits only CloudFront. Default false.
	CloudFront bool
	// StaticPaths are CloudFront path patterns cached at the edge; the
	// rest is forwarded uncached. At most 75.
	StaticPaths []string
	// Certificate is the ACM certificate ARN in us-east-1 CloudFront
	// serves; default tls.certificate when that is in us-east-1, or an
	// auto certificate when the home Region is us-east-1.
	Certificate string
}

// Site returns the named site, or nil.
func (s *Spec) Site(name string) *Site {
	for i := range s.Sites {
		if s.Sites[i].Name == name {
			return &s.Sites[i]
		}
	}
	return nil
}

// SiteNames returns the names of the sites, sorted.
func (s *Spec) SiteNames() []string {
	var out []string
	for _, st := range s.Sites {
		out = append(out, st.Name)
	}
	return out
}

func (d *decoder) onprem(n *yaml.Node, s *Spec) {
	d.entries(n, "onprem", func(k, v *yaml.Node) {
		if !d.label(k, k.Value, "onprem") {
			return
		}
		st := Site{Name: k.Value, At: d.rng(k)}
		p := "onprem." + st.Name
		d.mapping(v, p, map[string]field{
			"cidrs": func(_, v *yaml.Node) {
				d.list(v, p+".cidrs", func(_ int, item *yaml.Node) {
					c, ok := d.prefix(item, p+".cidrs")
					if !ok {
						return
					}
					if !c.Addr().Is4() {
						d.errorAt(item, fmt.Sprintf("%s.cidrs: %s is not an IPv4 block", p, c), "netwright routes IPv4 to sites; list the site's IPv4 blocks.")
						return
					}
					if c.Bits() == 0 {
						d.errorAt(item, fmt.Sprintf("%s.cidrs: %s is every address", p, c), "A site's blocks are its own networks; 0.0.0.0/0 would send the internet to it.")
						return
					}
					for _, o := range st.CIDRs {
						if o.Overlaps(c) {
							d.errorAt(item, fmt.Sprintf("%s.cidrs: %s overlaps %s", p, c, o), "List each of the site's blocks once, without overlaps.")
							return
						}
					}
					st.CIDRs = append(st.CIDRs, c)
				})
			},
			"connect": func(_, v *yaml.Node) {
				st.Connect, _ = d.enum(v, p+".connect", ConnectVPN, ConnectDirectConnect, ConnectBoth)
			},
			"asn": func(_, v *yaml.Node) {
				if a, ok := d.integer(v, p+".asn", 1, MaxCustomerASN, "A BGP ASN is 1 to 4294967294; private ASNs are 64512-65534 and 4200000000-4294967294."); ok {
					st.ASN = int64(a)
				}
			},
			"dns": func(k, v *yaml.Node) { st.DNS = d.siteDNS(k, v, p+".dns") },
		})
		if d.set[p+".cidrs"] == nil && resolve(v).Kind == yaml.MappingNode {
			d.errorAt(k, p+" has no cidrs", "List the site's IPv4 blocks, such as cidrs: [10.200.0.0/16].")
		}
		if len(st.CIDRs) > MaxSiteCIDRs {
			d.errorRange(d.at(p+".cidrs"), fmt.Sprintf("%s has %d blocks; a Direct Connect BGP session takes %d routes from a site", p, len(st.CIDRs), MaxSiteCIDRs),
				"Summarise the site's blocks into fewer, larger ones.")
		}
		s.Sites = append(s.Sites, st)
	})
	slices.SortFunc(s.Sites, func(a, b Site) int { return strings.Compare(a.Name, b.Name) })
}

func (d *decoder) siteDNS(k, n *yaml.Node, p string) *SiteDNS {
	dns := &SiteDNS{At: d.rng(k)}
	d.mapping(n, p, map[string]field{
		"domains": func(_, v *yaml.Node) {
			d.list(v, p+".domains", func(_ int, item *yaml.Node) {
				dom, ok := d.str(item, p+".domains")
				if !ok {
					return
				}
				dom = strings.TrimSuffix(strings.ToLower(dom), ".")
				if !isHostname(dom) || !strings.Contains(dom, ".") {
					d.errorAt(item, fmt.Sprintf("%s.domains: %q is not a domain name", p, dom), "Write a name such as corp.example.com; the Resolver forwards it and every name under it.")
					return
				}
				if slices.Contains(dns.Domains, dom) {
					d.errorAt(item, fmt.Sprintf("%s.domains: %s is listed twice", p, dom), "List each domain once.")
					return
				}
				dns.Domains = append(dns.Domains, dom)
			})
		},
		"servers": func(_, v *yaml.Node) {
			d.list(v, p+".servers", func(_ int, item *yaml.Node) {
				txt, ok := d.str(item, p+".servers")
				if !ok {
					return
				}
				a, err := netip.ParseAddr(txt)
				if err != nil || !a.Is4() {
					d.errorAt(item, fmt.Sprintf("%s.servers: %q is not an IPv4 address", p, txt), "Write the DNS server's address, such as 10.200.0.10.")
					return
				}
				if slices.Contains(dns.Servers, a) {
					d.errorAt(item, fmt.Sprintf("%s.servers: %s is listed twice", p, a), "List each server once.")
					return
				}
				dns.Servers = append(dns.Servers, a)
			})
		},
	})
	if len(dns.Domains) == 0 {
		d.errorAt(k, p+" has no domains", "List the domains the site's DNS servers answer for, such as domains: [corp.example.com].")
	}
	if len(dns.Servers) == 0 {
		d.errorAt(k, p+" has no servers", "List the site's DNS servers, such as servers: [10.200.0.10, 10.200.0.11].")
	}
	return dns
}

// siteRef reads onprem:SITE (callers_from, withPort false) or
// onprem:SITE:PORT (depends_on).
func (d *decoder) siteRef(n *yaml.Node, text, p string, withPort bool) (SiteRef, bool) {
	parts := strings.Split(strings.TrimPrefix(text, OnpremPrefix), ":")
	want, form := 1, "onprem:SITE, such as onprem:corp"
	if withPort {
		want, form = 2, "onprem:SITE:PORT, such as onprem:corp:5432"
	}
	if !strings.HasPrefix(text, OnpremPrefix) || len(parts) != want || parts[0] == "" {
		d.errorAt(n, fmt.Sprintf("%s: %q is not a site reference", p, text), "Write "+form+".")
		return SiteRef{}, false
	}
	ref := SiteRef{Site: parts[0], At: d.rng(n)}
	if withPort {
		port, err := strconv.Atoi(parts[1])
		if err != nil || port < 1 || port > 65535 {
			d.errorAt(n, fmt.Sprintf("%s: %q has an invalid port", p, text), "A port is 1 to 65535.")
			return SiteRef{}, false
		}
		ref.Port = port
	}
	return ref, true
}

func (d *decoder) edge(k, n *yaml.Node, s *Spec) {
	e := &Edge{At: d.rng(k)}
	d.mapping(n, "edge", map[string]field{
		"cloudfront": func(_, v *yaml.Node) { e.CloudFront, _ = d.boolean(v, "edge.cloudfront") },
		"static_paths": func(_, v *yaml.Node) {
			d.list(v, "edge.static_paths", func(_ int, item *yaml.Node) {
				pa, ok := d.str(item, "edge.static_paths")
				if !ok {
					return
				}
				if len(pa) > 255 || !cloudFrontPathRE.MatchString(pa) {
					d.errorAt(item, fmt.Sprintf("edge.static_paths: %q is not a CloudFront path pattern", pa),
						"A path pattern starts with /, is at most 255 characters of A-Z a-z 0-9 _ - . $ / ~ \" ' @ : + & and the wildcards * and ?.")
					return
				}
				if slices.Contains(e.StaticPaths, pa) {
					d.errorAt(item, fmt.Sprintf("edge.static_paths: %s is listed twice", pa), "List each path once.")
					return
				}
				e.StaticPaths = append(e.StaticPaths, pa)
			})
			if len(e.StaticPaths) > MaxStaticPaths {
				d.errorAt(v, fmt.Sprintf("edge.static_paths has %d paths; a distribution holds %d cache behaviors by default", len(e.StaticPaths), MaxStaticPaths),
					"Use wider patterns, such as /assets/*, for the static files.")
			}
		},
		"certificate": func(_, v *yaml.Node) {
			c, ok := d.str(v, "edge.certificate")
			if !ok {
				return
			}
			if !acmARNRE.MatchString(c) {
				d.errorAt(v, fmt.Sprintf("edge.certificate: %q is not an ACM certificate ARN", c), "Give an ACM certificate ARN in us-east-1, such as arn:aws:acm:us-east-1:123456789012:certificate/<uuid>.")
				return
			}
			e.Certificate = c
		},
	})
	s.Edge = e
}

// cloudFrontPathRE is what a cache behavior's PathPattern takes
// (CloudFront's CacheBehavior reference).
var cloudFrontPathRE = regexp.MustCompile(`^/[A-Za-z0-9_\-.$/~"'@:+&*?]*$`)

// acmRegion returns the Region of an ACM certificate ARN.
func acmRegion(arn string) string {
	parts := strings.Split(arn, ":")
	if len(parts) < 4 {
		return ""
	}
	return parts[3]
}

func (d *decoder) validateHybrid(s *Spec) {
	// Sites: their blocks apart from each other and from the VPC the
	// spec names; the ASN one AWS takes in the home Region.
	home := s.Regions[0]
	for i := range s.Sites {
		st := &s.Sites[i]
		p := "onprem." + st.Name
		for _, c := range st.CIDRs {
			if s.Network.CIDR.IsValid() && c.Overlaps(s.Network.CIDR) {
				d.errorRange(d.at("network.cidr"), fmt.Sprintf("%s.cidrs: %s overlaps network.cidr %s", p, c, s.Network.CIDR),
					"Traffic to an address both hold would stay in the VPC (its local route wins): give network.cidr a block the site does not use, or leave it out and netwright picks free /16s.")
			}
			for _, o := range s.Sites[:i] {
				for _, oc := range o.CIDRs {
					if c.Overlaps(oc) {
						d.errorRange(d.at(p+".cidrs"), fmt.Sprintf("%s.cidrs: %s overlaps onprem.%s's %s", p, c, o.Name, oc),
							"Two sites cannot share addresses: the Transit Gateway would send them all to one site.")
					}
				}
			}
		}
		if awsfacts.ReservedCustomerASN(home, st.ASN) {
			d.errorRange(d.at(p+".asn"), fmt.Sprintf("%s.asn: %d is reserved by AWS in %s", p, st.ASN, home),
				"Use your own ASN, or a private one from 64512-65534.")
		}
		if st.DNS != nil {
			for _, a := range st.DNS.Servers {
				if !slices.ContainsFunc(st.CIDRs, func(c netip.Prefix) bool { return c.Contains(a) }) {
					d.errorRange(d.at(p+".dns.servers", p+".dns"), fmt.Sprintf("%s.dns.servers: %s is in none of the site's cidrs", p, a),
						"The Resolver reaches the servers over the site's connection, which carries only the site's blocks: add the server's block to cidrs.")
				}
			}
		}
	}
	names := s.SiteNames()
	for _, svc := range s.Services {
		p := "services." + svc.Name
		seen := map[string]bool{}
		for _, ref := range svc.Onprem {
			if s.Site(ref.Site) == nil {
				d.errorRange(ref.At, fmt.Sprintf("%s.depends_on: unknown site %q", p, ref.Site), suggest(ref.Site, names, "Declare it under onprem, or remove the dependency."))
				continue
			}
			key := ref.Site + ":" + strconv.Itoa(ref.Port)
			if seen[key] {
				d.errorRange(ref.At, fmt.Sprintf("%s.depends_on: onprem:%s is listed twice", p, key), "List each call once.")
			}
			seen[key] = true
		}
		if len(svc.Onprem) > 0 && (svc.IsDataStore() || svc.Kind == KindAppliance) {
			d.errorRange(svc.Onprem[0].At, fmt.Sprintf("%s is a %s and cannot call a site", p, svc.Kind), "Only application services declare calls.")
		}
		for _, ref := range svc.CallersFrom {
			switch {
			case s.Site(ref.Site) == nil:
				d.errorRange(ref.At, fmt.Sprintf("%s.callers_from: unknown site %q", p, ref.Site), suggest(ref.Site, names, "Declare it under onprem, or remove the entry."))
			case svc.Kind != KindService:
				d.errorRange(ref.At, fmt.Sprintf("%s is a %s; sites call only application services", p, svc.Kind),
					"A site reaches a service through an internal load balancer in front of its tasks; managed data stores and appliances have none.")
			case svc.Public:
				d.errorRange(ref.At, fmt.Sprintf("%s is public; callers_from is for private services", p),
					"A site reaches a public service through its public entry like any client; callers_from puts an internal load balancer in front of a private one.")
			}
		}
		for i, ref := range svc.CallersFrom {
			if slices.ContainsFunc(svc.CallersFrom[:i], func(o SiteRef) bool { return o.Site == ref.Site }) {
				d.errorRange(ref.At, fmt.Sprintf("%s.callers_from: onprem:%s is listed twice", p, ref.Site), "List each site once.")
			}
		}
	}
	if len(s.Sites) > 0 {
		for _, st := range s.Sites {
			used := slices.ContainsFunc(s.Services, func(svc Service) bool {
				return slices.ContainsFunc(svc.Onprem, func(r SiteRef) bool { return r.Site == st.Name }) ||
					slices.ContainsFunc(svc.CallersFrom, func(r SiteRef) bool { return r.Site == st.Name })
			})
			if !used && st.DNS == nil {
				d.warnRange(st.At, fmt.Sprintf("onprem.%s is connected but no flow uses it", st.Name),
					"Nothing crosses to or from a site no flow names: declare depends_on: [onprem:"+st.Name+":PORT] or callers_from: [onprem:"+st.Name+"], or remove the site.")
			}
		}
	}

	e := s.Edge
	if e == nil {
		return
	}
	if !e.CloudFront {
		if len(e.StaticPaths) > 0 || e.Certificate != "" {
			d.warnRange(d.at("edge.static_paths", "edge.certificate"), "edge settings are ignored without edge.cloudfront: true", "Set edge.cloudfront: true, or remove them.")
		}
		return
	}
	if s.Global != nil {
		d.errorRange(d.at("edge.cloudfront"), "edge.cloudfront and global both route clients to the Regions",
			"With CloudFront in front, the domain points at the distribution and CloudFront fails over between the Regions' ALBs, which admit only CloudFront (Route 53's health checks could not reach them): remove global, or edge.")
	}
	publicHTTP := slices.ContainsFunc(s.Services, func(svc Service) bool { return svc.Public && IsHTTPLike(svc.Protocol) && !svc.StaticIP })
	if !publicHTTP {
		d.errorRange(d.at("edge.cloudfront"), "edge.cloudfront needs a public HTTP service",
			"CloudFront's origin is the public ALB, which fronts services with public: true over http, http2, grpc or websocket.")
	}
	switch {
	case e.Certificate != "" && acmRegion(e.Certificate) != "us-east-1":
		d.errorRange(d.at("edge.certificate"), fmt.Sprintf("edge.certificate is in %s; CloudFront takes certificates only from us-east-1", acmRegion(e.Certificate)),
			"Request or import the certificate in us-east-1 (N. Virginia) and give its ARN.")
	case e.Certificate == "" && s.TLS.Certificate != "auto" && acmRegion(s.TLS.Certificate) != "us-east-1":
		d.errorRange(d.at("tls.certificate", "edge.cloudfront"), fmt.Sprintf("CloudFront needs a certificate in us-east-1, but tls.certificate is in %s", acmRegion(s.TLS.Certificate)),
			"Set edge.certificate to an ACM certificate for "+orDomain(s.TLS.Domain)+" in us-east-1.")
	case e.Certificate == "" && s.TLS.Certificate == "auto" && home != "us-east-1":
		d.errorRange(d.at("edge.cloudfront"), fmt.Sprintf("CloudFront needs a certificate in us-east-1, but the auto certificate is requested in %s", home),
			"Request a certificate for "+orDomain(s.TLS.Domain)+" in us-east-1 and set edge.certificate to its ARN.")
	}
}

func orDomain(dom string) string {
	if dom == "" {
		return "the domain"
	}
	return dom
}
