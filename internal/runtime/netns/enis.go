package netns

import (
	"net/netip"
	"slices"

	"github.com/vishvananda/netlink"

	"github.com/netwright/netwright/internal/design"
)

// ENI is a network interface of the design in a namespace of its own.
type ENI struct {
	// ID is the interface's name in flow logs: eni- and its owner.
	ID string
	// Owner is what holds the interface: a task ID, a load balancer,
	// a NAT gateway or a GWLB endpoint.
	Owner string
	// Service is the service whose task it is, if any.
	Service string
	Subnet  string
	VPC     string
	Addr    netip.Addr
	// Public is the interface's public address (its Elastic IP), which
	// the internet gateway translates Addr to and from; invalid for an
	// interface the internet does not reach.
	Public netip.Addr
	Groups []string
	// NS is the interface's namespace, where its owner's sockets open.
	NS *Namespace

	link    link // the router's end
	exposed bool // reachable from the internet gateway
	// preserveMark and preserveRule are a node's that preserves its
	// clients' addresses (preserve.go).
	preserveMark uint32
	preserveRule *netlink.Rule
}

// Attachment is an interface to attach: who holds it, where, and its
// security groups.
type Attachment struct {
	Owner string
	// Service is the service a task belongs to: a GWLB's target group
	// names its appliances by service.
	Service string
	Subnet  string
	Addr    netip.Addr
	Groups  []string
	// Exposed interfaces are reachable from the internet gateway (NAT
	// gateways, internet-facing load balancer nodes): they get a public
	// address, Public when valid (an imported NAT gateway's), else one
	// of 192.0.2.0/24.
	Exposed bool
	Public  netip.Addr
}

// ClientAddr is the internet address requests through the front doors
// come from.
var ClientAddr = netip.MustParseAddr("198.51.100.10")

// EgressAddrs are the internet addresses the design's egress flows go
// to, each once, sorted: the internet answers on them.
func EgressAddrs(d *design.Design) []netip.Addr {
	var out []netip.Addr
	for _, fl := range d.Flows {
		if fl.Kind == design.FlowEgress {
			if a := design.EgressAddr(fl.Destination); a.Is4() && !slices.Contains(out, a) {
				out = append(out, a)
			}
		}
	}
	slices.SortFunc(out, netip.Addr.Compare)
	return out
}

// plus returns a + n.
func plus(a netip.Addr, n uint32) netip.Addr {
	b := a.As4()
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3]) + n
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// TasksBelow is the first address of a subnet tasks do not take: the
// top three usable ones are a load balancer node's, a NAT gateway's and
// a GWLB endpoint's.
func TasksBelow(p netip.Prefix) netip.Addr { return plus(LastUsable(p), ^uint32(1)) }

// LastUsable is a subnet's last address before its broadcast address.
func LastUsable(p netip.Prefix) netip.Addr {
	return plus(p.Masked().Addr(), uint32(1)<<(32-p.Bits())-2)
}

// LatticeAddr is the address of the design's i-th VPC Lattice service
// (from 0, below LatticeServices) in every VPC associated with the
// service network: one of the link-local block design.LatticeCIDR, where
// Lattice's traffic in a VPC goes to and comes from.
func LatticeAddr(i int) netip.Addr {
	return plus(design.LatticeCIDR.Masked().Addr(), uint32(1+i))
}

// LatticeServices is how many Lattice services get an address.
const LatticeServices = 253

// LatticeSource is the address VPC Lattice connects to targets from,
// for calls and health checks: in its block, which the targets' groups
// admit as the managed prefix list and their subnets' NACLs by CIDR.
var LatticeSource = netip.MustParseAddr("169.254.171.254")
