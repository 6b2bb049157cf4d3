package design

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/netwright/netwright/internal/awsfacts"
	"github.com/netwright/netwright/internal/diag"
)

// How a site connects (Site.Connect).
const (
	ConnectVPN           = "vpn"
	ConnectDirectConnect = "direct_connect"
	ConnectBoth          = "both" // Direct Connect preferred, the VPN its backup
)

// Site attachment kinds (SiteAttachment.Kind) and the kinds a
// propagated Transit Gateway route comes from (TransitGatewayRoute.Propagated).
const (
	AttachVPC           = "vpc"
	AttachVPN           = "vpn"
	AttachDirectConnect = "direct_connect_gateway"
)

// OnpremPrefix starts a site's name where flows and queries name it:
// onprem:corp.
const OnpremPrefix = "onprem:"

// SiteRef is how flows name a site: onprem:NAME.
func SiteRef(name string) string { return OnpremPrefix + name }

// SiteName returns the site a flow end names, or "".
func SiteName(end string) string {
	if n, ok := strings.CutPrefix(end, OnpremPrefix); ok {
		return n
	}
	return ""
}

// Site is an on-premises network joined to a Transit Gateway by a
// Site-to-Site VPN, a Direct Connect gateway, or both.
type Site struct {
	Name  string         `json:"name"`
	CIDRs []netip.Prefix `json:"cidrs"`
	// Connect is vpn, direct_connect or both.
	Connect string `json:"connect"`
	Region  string `json:"region"`
	// TransitGateway is the gateway the site attaches to, in Region.
	TransitGateway string `json:"transit_gateway"`
	// CustomerGateway describes the site's router to AWS; set with a VPN.
	CustomerGateway *CustomerGateway `json:"customer_gateway,omitempty"`
	// VPN is the Site-to-Site VPN connection on the Transit Gateway.
	VPN *VPNConnection `json:"vpn,omitempty"`
	// DirectConnect is the Direct Connect gateway associated with the
	// Transit Gateway, reached over a transit virtual interface.
	DirectConnect *DirectConnectGateway `json:"direct_connect,omitempty"`
	// ASN is the site's BGP ASN, on its VPN and Direct Connect sessions.
	ASN int64 `json:"asn"`
	// DNS is the site's DNS the VPCs forward to, or nil.
	DNS    *SiteDNS    `json:"dns,omitempty"`
	Origin *diag.Range `json:"origin,omitempty"`
}

// CustomerGateway is the site's VPN device as AWS knows it. Its public
// address is the user's to give at deploy time.
type CustomerGateway struct {
	ID string `json:"id"`
	// ASN is the device's BGP ASN.
	ASN int64 `json:"asn"`
}

// VPNConnection is a Site-to-Site VPN connection: two IPsec tunnels, each
// with its own BGP session. A designed site's connection ends on a
// Transit Gateway (Attachment, Tunnels); one read from an account
// (netwright import) carries what AWS reports of it.
type VPNConnection struct {
	ID string `json:"id"`
	// Attachment is the Transit Gateway attachment the connection makes.
	Attachment string      `json:"attachment,omitempty"`
	Tunnels    []VPNTunnel `json:"tunnels,omitempty"`
	// State is the state AWS reports (imported networks); empty for a
	// designed connection.
	State string `json:"state,omitempty"`
	// TunnelsUp is how many of its tunnels report UP (imported networks).
	TunnelsUp int `json:"tunnels_up,omitempty"`
	// Routes are its static routes (the on-premises blocks), if any.
	Routes []netip.Prefix `json:"routes,omitempty"`
	// TransitGateway is set for an imported connection that ends on a
	// Transit Gateway rather than a virtual private gateway.
	TransitGateway string `json:"transit_gateway,omitempty"`
}

// VPNTunnel is one of a VPN connection's two tunnels.
type VPNTunnel struct {
	// InsideCIDR is the tunnel's /30 from 169.254.0.0/16 that carries its
	// BGP session.
	InsideCIDR netip.Prefix `json:"inside_cidr"`
}

// DirectConnectGateway is a Direct Connect gateway associated with a
// Transit Gateway. The transit virtual interface to it rides a Direct
// Connect connection the user orders; its ID is given at deploy time.
type DirectConnectGateway struct {
	ID string `json:"id"`
	// ASN is the Amazon side's ASN; it must differ from the Transit
	// Gateway's.
	ASN int64 `json:"asn"`
	// Attachment is the Transit Gateway attachment the association makes.
	Attachment string `json:"attachment"`
	// AllowedPrefixes are the VPC blocks advertised to the site, at most
	// 20 per Transit Gateway.
	AllowedPrefixes []netip.Prefix `json:"allowed_prefixes"`
}

// SiteDNS is the site's DNS: the domains its servers answer for.
type SiteDNS struct {
	Domains []string     `json:"domains"`
	Servers []netip.Addr `json:"servers"`
}

// SiteAttachment attaches a site to a Transit Gateway: a VPN attachment
// or a Direct Connect gateway attachment. AWS creates it with the VPN
// connection or the gateway association.
type SiteAttachment struct {
	ID   string `json:"id"`
	Site string `json:"site"`
	// Kind is vpn or direct_connect_gateway.
	Kind string `json:"kind"`
}

// Resolver endpoint directions.
const (
	ResolverInbound  = "INBOUND"
	ResolverOutbound = "OUTBOUND"
)

// ResolverEndpoint is a Route 53 Resolver endpoint: ENIs in two or more
// subnets of different AZs through which the site asks the VPC's
// resolver (inbound) or the VPC's resolver asks the site (outbound).
type ResolverEndpoint struct {
	ID        string   `json:"id"`
	Direction string   `json:"direction"`
	VPC       string   `json:"vpc"`
	Subnets   []string `json:"subnets"`
	// SecurityGroup admits DNS (TCP and UDP 53) from or to the site only.
	SecurityGroup string `json:"security_group"`
}

// ResolverRule forwards a domain to a site's DNS servers through an
// outbound endpoint, in every VPC associated with it.
type ResolverRule struct {
	ID       string       `json:"id"`
	Domain   string       `json:"domain"`
	Site     string       `json:"site"`
	Endpoint string       `json:"endpoint"`
	Targets  []netip.Addr `json:"targets"`
	// VPCs are associated with the rule: their resolver forwards the
	// domain.
	VPCs []string `json:"vpcs"`
}

// DNSPort is where resolvers answer, over UDP and TCP.
const DNSPort = 53

// Site returns the named site, or nil.
func (d *Design) Site(name string) *Site {
	for i := range d.Sites {
		if d.Sites[i].Name == name {
			return &d.Sites[i]
		}
	}
	return nil
}

// SiteAt returns the site whose blocks hold addr, or nil.
func (d *Design) SiteAt(addr netip.Addr) *Site {
	for i := range d.Sites {
		if slices.ContainsFunc(d.Sites[i].CIDRs, func(c netip.Prefix) bool { return c.Contains(addr) }) {
			return &d.Sites[i]
		}
	}
	return nil
}

// SiteAttachment returns a site attachment by ID and its gateway, or nils.
func (d *Design) SiteAttachment(id string) (*TransitGateway, *SiteAttachment) {
	for i := range d.TransitGateways {
		t := &d.TransitGateways[i]
		for j := range t.SiteAttachments {
			if t.SiteAttachments[j].ID == id {
				return t, &t.SiteAttachments[j]
			}
		}
	}
	return nil, nil
}

// EntryAttachment is the attachment a site's traffic arrives on: the
// Direct Connect gateway's when it has one (preferred in both), else the
// VPN's.
func (s *Site) EntryAttachment() string {
	if s.DirectConnect != nil {
		return s.DirectConnect.Attachment
	}
	if s.VPN != nil {
		return s.VPN.Attachment
	}
	return ""
}

// Hosts are the addresses that stand for a site's hosts, one in each of
// its blocks: the tenth, or the first for blocks smaller than a /28. The
// verifier asks about them; the local runtime's site answers on them.
func (s *Site) Hosts() []netip.Addr {
	var out []netip.Addr
	for _, c := range s.CIDRs {
		a := c.Masked().Addr().Next()
		if c.Bits() <= 28 {
			for range 9 {
				a = a.Next()
			}
		}
		out = append(out, a)
	}
	return out
}

// Attachments are the site's Transit Gateway attachments, Direct Connect
// first.
func (s *Site) Attachments() []string {
	var out []string
	if s.DirectConnect != nil {
		out = append(out, s.DirectConnect.Attachment)
	}
	if s.VPN != nil {
		out = append(out, s.VPN.Attachment)
	}
	return out
}

// routeRank orders Transit Gateway routes to one prefix as AWS does:
// static routes first, then routes propagated from VPCs, Direct Connect
// gateways, and Site-to-Site VPNs (AWS-FACTS.md, "Hybrid and edge").
func routeRank(r *TransitGatewayRoute) int {
	switch r.Propagated {
	case "":
		return 0
	case AttachVPC:
		return 1
	case AttachDirectConnect:
		return 2
	case AttachVPN:
		return 3
	}
	return 4
}

// validateSites checks what a site's connection must hold: a VPN's two
// tunnels with /30 inside CIDRs AWS accepts, a Direct Connect gateway's
// ASN apart from the Transit Gateway's and at most 200 allowed prefixes,
// sites apart from every VPC and each other, and with both connections
// each attachment associated with the same table and propagating into
// the same ones, so the VPN carries what Direct Connect does when it is
// down.
func (d *Design) validateSites() []error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	for i, s := range d.Sites {
		t := d.TransitGateway(s.TransitGateway)
		if t == nil {
			bad("site %s: transit gateway %q does not exist", s.Name, s.TransitGateway)
			continue
		}
		for _, c := range s.CIDRs {
			for _, v := range d.VPCs {
				for _, b := range v.Blocks() {
					if b.Overlaps(c) {
						bad("site %s: %s overlaps vpc %s's %s", s.Name, c, v.ID, b)
					}
				}
			}
			for _, o := range d.Sites[:i] {
				for _, oc := range o.CIDRs {
					if oc.Overlaps(c) {
						bad("site %s: %s overlaps site %s's %s", s.Name, c, o.Name, oc)
					}
				}
			}
		}
		if (s.VPN != nil) != (s.Connect != ConnectDirectConnect) || (s.DirectConnect != nil) != (s.Connect != ConnectVPN) {
			bad("site %s: connect %s does not match its connections", s.Name, s.Connect)
		}
		if s.VPN != nil {
			if s.CustomerGateway == nil {
				bad("site %s: a VPN needs a customer gateway", s.Name)
			}
			if len(s.VPN.Tunnels) != awsfacts.VPNTunnelsPerConnection {
				bad("site %s: vpn %s has %d tunnels; a Site-to-Site VPN has %d", s.Name, s.VPN.ID, len(s.VPN.Tunnels), awsfacts.VPNTunnelsPerConnection)
			}
			for _, tn := range s.VPN.Tunnels {
				if !ValidTunnelInsideCIDR(tn.InsideCIDR) {
					bad("site %s: tunnel inside cidr %s is not a /30 of 169.254.0.0/16 AWS accepts", s.Name, tn.InsideCIDR)
				}
			}
		}
		if dx := s.DirectConnect; dx != nil {
			if dx.ASN == int64(t.ASN) {
				bad("site %s: direct connect gateway %s has the transit gateway's ASN %d; the association fails", s.Name, dx.ID, dx.ASN)
			}
			if len(dx.AllowedPrefixes) > awsfacts.DirectConnectAllowedPrefixes {
				bad("site %s: %d allowed prefixes; a transit gateway association takes %d", s.Name, len(dx.AllowedPrefixes), awsfacts.DirectConnectAllowedPrefixes)
			}
		}
		if s.DirectConnect != nil && s.VPN != nil {
			dx, vpn := s.DirectConnect.Attachment, s.VPN.Attachment
			for _, rt := range t.RouteTables {
				if slices.Contains(rt.Associations, dx) != slices.Contains(rt.Associations, vpn) {
					bad("site %s: route table %s is associated with one of its attachments only", s.Name, rt.ID)
				}
				if slices.Contains(rt.Propagations, dx) != slices.Contains(rt.Propagations, vpn) {
					bad("site %s: route table %s learns its routes from one of its attachments only; the VPN would not back Direct Connect up", s.Name, rt.ID)
				}
			}
		}
	}
	return errs
}

// ValidTunnelInsideCIDR reports whether AWS takes p as a VPN tunnel's
// inside CIDR: a /30 of 169.254.0.0/16, none it reserves.
func ValidTunnelInsideCIDR(p netip.Prefix) bool {
	if p.Bits() != 30 || !linkLocal.Contains(p.Addr()) || p.Masked() != p {
		return false
	}
	for _, r := range awsfacts.VPNReservedInsideCIDRs {
		if netip.MustParsePrefix(r) == p {
			return false
		}
	}
	return true
}

var linkLocal = netip.MustParsePrefix("169.254.0.0/16")
