package design

import (
	"net/netip"
	"testing"
)

// TestTransitRouteOrder pins AWS's Transit Gateway route evaluation: the
// longest prefix first, then for one prefix a static route, a VPC's
// propagated route, a Direct Connect gateway's, a VPN's.
func TestTransitRouteOrder(t *testing.T) {
	p := netip.MustParsePrefix("10.200.0.0/16")
	routes := []TransitGatewayRoute{
		{Destination: p, Attachment: "vpn", Propagated: AttachVPN},
		{Destination: p, Attachment: "dx", Propagated: AttachDirectConnect},
		{Destination: p, Attachment: "vpc", Propagated: AttachVPC},
		{Destination: p, Attachment: "static"},
		{Destination: netip.MustParsePrefix("10.200.1.0/24"), Attachment: "longer", Propagated: AttachVPN},
	}
	vpn, dx, vpc, static, longer := routes[0], routes[1], routes[2], routes[3], routes[4]
	for _, tt := range []struct {
		routes []TransitGatewayRoute
		dst    string
		want   string
	}{
		{[]TransitGatewayRoute{vpn, dx, vpc, static, longer}, "10.200.1.1", "longer"},
		{[]TransitGatewayRoute{vpn, dx, vpc, static, longer}, "10.200.2.1", "static"},
		{[]TransitGatewayRoute{vpn, dx, vpc}, "10.200.2.1", "vpc"},
		{[]TransitGatewayRoute{vpn, dx}, "10.200.2.1", "dx"},
		{[]TransitGatewayRoute{dx, vpn}, "10.200.2.1", "dx"},
		{[]TransitGatewayRoute{vpn}, "10.200.2.1", "vpn"},
	} {
		tgw := TransitGateway{RouteTables: []TransitGatewayRouteTable{{Associations: []string{"a"}, Routes: tt.routes}}}
		_, r := tgw.RouteFor("a", netip.MustParseAddr(tt.dst))
		if r == nil || r.Attachment != tt.want {
			t.Errorf("RouteFor(%s) over %d routes = %+v; want %s", tt.dst, len(tt.routes), r, tt.want)
		}
	}
}

// TestTunnelInsideCIDR pins the tunnel /30s AWS takes: 169.254.0.0/16,
// not the ones it reserves.
func TestTunnelInsideCIDR(t *testing.T) {
	for s, want := range map[string]bool{
		"169.254.100.0/30":   true,
		"169.254.100.4/30":   true,
		"169.254.5.0/30":     false, // reserved
		"169.254.169.252/30": false, // reserved
		"169.254.100.0/29":   false,
		"10.0.0.0/30":        false,
		"169.254.100.2/30":   false, // not a block's first address
	} {
		if got := ValidTunnelInsideCIDR(netip.MustParsePrefix(s)); got != want {
			t.Errorf("ValidTunnelInsideCIDR(%s) = %v; want %v", s, got, want)
		}
	}
}
