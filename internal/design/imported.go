package design

import (
	"net/netip"
	"slices"
)

// What a network netwright did not design holds beside what it designs:
// the parts of a real AWS account (read by internal/awsimport from the
// AWS CLI's answers) that a planned design never has. A planned design
// leaves all of these empty; Source says a design was read, not planned.

// Source says where an imported design came from.
type Source struct {
	// Kind is "aws" for a design read from the AWS CLI's describe calls.
	Kind string `json:"kind"`
	// Accounts and Regions are those the files came from, sorted.
	Accounts []string `json:"accounts,omitempty"`
	Regions  []string `json:"regions,omitempty"`
	// Files is how many files were read.
	Files int `json:"files"`
	// Unanswerable lists the questions the files cannot answer (a call
	// whose answer is missing), as the import warned.
	Unanswerable []string `json:"unanswerable,omitempty"`
}

// Imported reports whether the design was read from a real network
// rather than planned: the planner's own rules (tiers in every AZ,
// demand within capacity, rule descriptions) do not hold for it.
func (d *Design) Imported() bool { return d.Source != nil }

// Route target kinds found only in real networks.
const (
	TargetVPCPeering        = "vpc_peering"
	TargetVPNGateway        = "virtual_private_gateway"
	TargetNetworkInterface  = "network_interface"
	TargetEgressOnlyGateway = "egress_only_internet_gateway"
	// TargetOther is a target netwright does not follow (a local gateway,
	// a carrier gateway, a Cloud WAN core network); Target names it.
	TargetOther = "other"
)

// RouteBlackhole is the state of a route whose target is gone.
const RouteBlackhole = "blackhole"

// NetworkInterface is an elastic network interface as EC2 describes it:
// one address in one subnet, with its security groups and what it
// belongs to.
type NetworkInterface struct {
	ID     string `json:"id"`
	VPC    string `json:"vpc"`
	Subnet string `json:"subnet"`
	AZ     string `json:"az,omitempty"`
	// PrivateIPs are its IPv4 addresses, the primary first.
	PrivateIPs []netip.Addr `json:"private_ips"`
	// PublicIP is the public address associated with it (an Elastic IP
	// or an auto-assigned one), or none.
	PublicIP       netip.Addr `json:"public_ip,omitzero"`
	SecurityGroups []string   `json:"security_groups,omitempty"`
	// Type is EC2's InterfaceType: interface, nat_gateway,
	// network_load_balancer, vpc_endpoint, transit_gateway,
	// gateway_load_balancer_endpoint, lambda, ...
	Type string `json:"type"`
	// Owner is the resource it belongs to: an instance ID, an ECS task
	// ARN, a load balancer ARN, a NAT gateway, endpoint or attachment
	// ID; empty when nothing names it.
	Owner string `json:"owner,omitempty"`
	// SourceDestCheck drops packets neither from nor to the interface's
	// own addresses; an appliance a route targets needs it off.
	SourceDestCheck bool   `json:"source_dest_check"`
	Status          string `json:"status,omitempty"`
	Description     string `json:"description,omitempty"`
}

// Instance is an EC2 instance and the interfaces attached to it.
type Instance struct {
	ID         string   `json:"id"`
	Name       string   `json:"name,omitempty"`
	State      string   `json:"state"`
	Interfaces []string `json:"interfaces"`
}

// Task is a running ECS task in awsvpc mode: its interface and address.
type Task struct {
	ARN       string     `json:"arn"`
	Cluster   string     `json:"cluster,omitempty"`
	Service   string     `json:"service,omitempty"`
	Interface string     `json:"interface,omitempty"`
	Addr      netip.Addr `json:"addr,omitzero"`
	Status    string     `json:"status,omitempty"`
}

// VPCPeering is a VPC peering connection: the two VPCs and the blocks
// each side may send to across it.
type VPCPeering struct {
	ID        string `json:"id"`
	Requester string `json:"requester"`
	Accepter  string `json:"accepter"`
	// RequesterCIDRs and AccepterCIDRs are each VPC's IPv4 blocks as the
	// peering reports them.
	RequesterCIDRs []netip.Prefix `json:"requester_cidrs"`
	AccepterCIDRs  []netip.Prefix `json:"accepter_cidrs"`
	// Status is active when traffic flows.
	Status string `json:"status"`
}

// Other returns the peer of vpc across the peering, and the blocks that
// side accepts, or "" when vpc is neither side.
func (p *VPCPeering) Other(vpc string) (string, []netip.Prefix) {
	switch vpc {
	case p.Requester:
		return p.Accepter, p.AccepterCIDRs
	case p.Accepter:
		return p.Requester, p.RequesterCIDRs
	}
	return "", nil
}

// VPNGateway is a virtual private gateway and its Site-to-Site VPN
// connections.
type VPNGateway struct {
	ID string `json:"id"`
	// VPC is the VPC it is attached to (state attached), or "".
	VPC         string          `json:"vpc,omitempty"`
	State       string          `json:"state"`
	Connections []VPNConnection `json:"connections,omitempty"`
}

// PrefixList is a managed prefix list and its entries.
type PrefixList struct {
	ID    string         `json:"id"`
	Name  string         `json:"name"`
	CIDRs []netip.Prefix `json:"cidrs"`
}

// Target is one target registered in a target group.
type Target struct {
	// ID is an IP address, an instance ID, or a Lambda or ALB ARN.
	ID   string `json:"id"`
	Port int    `json:"port"`
	AZ   string `json:"az,omitempty"`
	// Health is the state DescribeTargetHealth reports: healthy,
	// unhealthy, initial, draining, unused, unavailable.
	Health string `json:"health,omitempty"`
}

// Interface returns a network interface by ID, or nil.
func (d *Design) Interface(id string) *NetworkInterface {
	for i := range d.Interfaces {
		if d.Interfaces[i].ID == id {
			return &d.Interfaces[i]
		}
	}
	return nil
}

// InterfaceAt returns the interface holding a private or public address,
// or nil.
func (d *Design) InterfaceAt(a netip.Addr) *NetworkInterface {
	for i := range d.Interfaces {
		n := &d.Interfaces[i]
		if slices.Contains(n.PrivateIPs, a) || n.PublicIP.IsValid() && n.PublicIP == a {
			return n
		}
	}
	return nil
}

// VPCPeering returns a VPC peering connection by ID, or nil.
func (d *Design) VPCPeering(id string) *VPCPeering {
	for i := range d.VPCPeerings {
		if d.VPCPeerings[i].ID == id {
			return &d.VPCPeerings[i]
		}
	}
	return nil
}

// VPNGatewayByID returns a virtual private gateway by ID, or nil.
func (d *Design) VPNGatewayByID(id string) *VPNGateway {
	for i := range d.VPNGateways {
		if d.VPNGateways[i].ID == id {
			return &d.VPNGateways[i]
		}
	}
	return nil
}

// NATGateway returns a NAT gateway by ID and its VPC, or nils.
func (d *Design) NATGateway(id string) (*VPC, *NATGateway) {
	for i := range d.VPCs {
		v := &d.VPCs[i]
		for j := range v.NATGateways {
			if v.NATGateways[j].ID == id {
				return v, &v.NATGateways[j]
			}
		}
	}
	return nil, nil
}
