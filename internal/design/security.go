package design

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/netwright/netwright/internal/awsfacts"
)

// Security group kinds.
const (
	SGService      = "service"       // one application service's tasks
	SGDataStore    = "data_store"    // one data store
	SGAppliance    = "appliance"     // an inspection appliance's tasks
	SGLoadBalancer = "load_balancer" // one load balancer
	SGEndpoints    = "endpoints"     // a VPC's interface endpoints
	SGClients      = "clients"       // "clients of X": the quota fallback
	SGNodes        = "nodes"         // ECS container instances or EKS nodes
	SGControlPlane = "control_plane" // the EKS control plane's network interfaces
	SGDefault      = "default"       // the VPC's default group, emptied
	SGResolver     = "resolver"      // a Route 53 Resolver endpoint's ENIs
)

// SecurityGroup is a stateful, allow-only set of rules attached to ENIs.
type SecurityGroup struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	VPC         string `json:"vpc"`
	Kind        string `json:"kind"`
	// Owner is the service, load balancer or endpoint set the group
	// protects.
	Owner   string   `json:"owner,omitempty"`
	Ingress []SGRule `json:"ingress"`
	Egress  []SGRule `json:"egress"`
}

// SGRule is one security group rule. Exactly one of PeerGroup, PeerCIDR
// and PeerPrefixList is set.
type SGRule struct {
	// Protocol is tcp, udp or icmp.
	Protocol string `json:"protocol"`
	FromPort int    `json:"from_port"`
	ToPort   int    `json:"to_port"`
	// PeerGroup is another security group's ID.
	PeerGroup string       `json:"peer_group,omitempty"`
	PeerCIDR  netip.Prefix `json:"peer_cidr,omitzero"`
	// PeerPrefixList is an AWS-managed prefix list, such as
	// com.amazonaws.us-east-1.s3.
	PeerPrefixList string `json:"peer_prefix_list,omitempty"`
	// PrefixListCIDRs are the entries of a customer-managed prefix list
	// the rule names, when known (imported networks).
	PrefixListCIDRs []netip.Prefix `json:"prefix_list_cidrs,omitempty"`
	// Description says which part of the spec made the rule.
	Description string `json:"description"`
	// Flows are the IDs of the declared flows the rule serves, if any.
	Flows []string `json:"flows,omitempty"`
	// Waiver says why a configuration scanner's finding on the rule is
	// the design's intent, or nil.
	Waiver *Waiver `json:"waiver,omitempty"`
}

// RulesWeight counts security group rules as AWS counts them against the
// rules-per-group quota: a rule naming a managed prefix list as the
// list's weight (VPC Lattice's 10, CloudFront's 55), or as its known
// entries when they are more (a customer-managed list counts as its
// maximum entries, at least the entries it has), any other as one.
func RulesWeight(rules []SGRule) int {
	n := 0
	for _, r := range rules {
		switch {
		case r.PeerPrefixList != "":
			n += max(awsfacts.PrefixListWeight(r.PeerPrefixList), len(r.PrefixListCIDRs))
		default:
			n++
		}
	}
	return n
}

// Waiver records why a resource a configuration scanner flags is what the
// design means: the scanners' check IDs (trivy's AVD-AWS-..., checkov's
// CKV_AWS_...) and the reason. Exporters write it beside the resource in
// each scanner's inline form, so a reviewer who runs the scanner finds
// the finding explained where it stands.
type Waiver struct {
	Checks []string `json:"checks"`
	Reason string   `json:"reason"`
}

// Merge adds another waiver's checks and reason to w, keeping the reason
// within limit characters.
func (w *Waiver) Merge(o *Waiver, limit int) *Waiver {
	if o == nil {
		return w
	}
	if w == nil {
		c := *o
		c.Checks = slices.Clone(o.Checks)
		return &c
	}
	for _, c := range o.Checks {
		if !slices.Contains(w.Checks, c) {
			w.Checks = append(w.Checks, c)
		}
	}
	if !strings.Contains(w.Reason, o.Reason) && len(w.Reason)+len(o.Reason)+2 <= limit {
		w.Reason += "; " + o.Reason
	}
	return w
}

// Peer returns the rule's peer as text.
func (r SGRule) Peer() string {
	switch {
	case r.PeerGroup != "":
		return r.PeerGroup
	case r.PeerPrefixList != "":
		return r.PeerPrefixList
	}
	return r.PeerCIDR.String()
}

// Ports returns "443", "1024-65535" or "all".
func (r SGRule) Ports() string { return portRange(r.FromPort, r.ToPort) }

func portRange(from, to int) string {
	switch {
	case from == 0 && to == 65535:
		return "all"
	case from == to:
		return fmt.Sprint(from)
	}
	return fmt.Sprintf("%d-%d", from, to)
}

// NetworkACL is a stateless, ordered list of rules for a set of subnets.
type NetworkACL struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	VPC  string `json:"vpc"`
	// Tier is the subnet tier it guards; Group the microservice group.
	Tier     string     `json:"tier"`
	Group    string     `json:"group,omitempty"`
	Subnets  []string   `json:"subnets"`
	Inbound  []NACLRule `json:"inbound"`
	Outbound []NACLRule `json:"outbound"`
}

// NACLRule is one numbered NACL entry. Rules are evaluated lowest number
// first; the first match decides; a final implicit rule denies the rest.
type NACLRule struct {
	Number   int          `json:"number"`
	Protocol string       `json:"protocol"` // tcp, udp or all
	FromPort int          `json:"from_port"`
	ToPort   int          `json:"to_port"`
	CIDR     netip.Prefix `json:"cidr"`
	// Allow is false for a deny rule.
	Allow  bool   `json:"allow"`
	Reason string `json:"reason"`
	// Waiver says why a configuration scanner's finding on the rule is
	// the design's intent, or nil.
	Waiver *Waiver `json:"waiver,omitempty"`
}

// Ports returns "443", "1024-65535" or "all".
func (r NACLRule) Ports() string { return portRange(r.FromPort, r.ToPort) }

// Matches reports whether the rule applies to a packet with the given
// protocol, port and remote address (the source inbound, the destination
// outbound).
func (r NACLRule) Matches(protocol string, port int, remote netip.Addr) bool {
	if r.Protocol != "all" && r.Protocol != protocol {
		return false
	}
	if r.Protocol != "all" && (port < r.FromPort || port > r.ToPort) {
		return false
	}
	return r.CIDR.Contains(remote)
}

// Decide evaluates rules as a NACL does: the lowest-numbered matching rule
// decides; none matching denies. It returns the deciding rule, or nil for
// the implicit deny.
func Decide(rules []NACLRule, protocol string, port int, remote netip.Addr) (bool, *NACLRule) {
	var best *NACLRule
	for i := range rules {
		r := &rules[i]
		if r.Matches(protocol, port, remote) && (best == nil || r.Number < best.Number) {
			best = r
		}
	}
	if best == nil {
		return false, nil
	}
	return best.Allow, best
}
