package design

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"

	"github.com/netwright/netwright/internal/ipam"
)

// Validate checks the model's invariants: IDs are unique and every
// reference resolves; subnets lie inside their VPC and do not overlap; VPCs
// that can be connected do not overlap; every AZ of a VPC has every tier
// (and group) the VPC has; and every subnet's capacity covers its demand.
// It returns every violation, sorted, or nil. A design from plan always
// passes; a hand-edited one may not.
func (d *Design) Validate() []error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	ids := map[string]string{}
	claim := func(id, what string) {
		if id == "" {
			bad("%s has no id", what)
			return
		}
		if prev, ok := ids[id]; ok {
			bad("id %q is used by both %s and %s", id, prev, what)
			return
		}
		ids[id] = what
	}

	var vpcCIDRs []netip.Prefix
	subnetVPC := map[string]string{}
	for _, v := range d.VPCs {
		claim(v.ID, "vpc "+v.Name)
		if !v.CIDR.IsValid() || v.CIDR.Bits() < 16 || v.CIDR.Bits() > 28 {
			bad("vpc %s: cidr %s is not a /16 to /28", v.ID, v.CIDR)
		}
		vpcCIDRs = append(vpcCIDRs, v.CIDR)
		rts := map[string]bool{}
		for _, rt := range v.RouteTables {
			claim(rt.ID, "route table "+rt.Name)
			rts[rt.ID] = true
		}
		var cidrs []netip.Prefix
		tiersByAZ := map[string]map[string]bool{}
		allTiers := map[string]bool{}
		for _, s := range v.Subnets {
			claim(s.ID, "subnet "+s.Name)
			subnetVPC[s.ID] = v.ID
			if !ipam.Within(s.CIDR, v.CIDR) {
				bad("subnet %s: %s is outside vpc %s (%s)", s.ID, s.CIDR, v.ID, v.CIDR)
			}
			if s.CIDR.Bits() > 28 {
				bad("subnet %s: %s is smaller than a /28", s.ID, s.CIDR)
			}
			cidrs = append(cidrs, s.CIDR)
			if !slices.Contains(v.AZs, s.AZ) {
				bad("subnet %s: az %s is not one of vpc %s's", s.ID, s.AZ, v.ID)
			}
			if !rts[s.RouteTable] {
				bad("subnet %s: route table %q does not exist in vpc %s", s.ID, s.RouteTable, v.ID)
			}
			want := 1<<(32-s.CIDR.Bits()) - 5
			if s.Capacity != want {
				bad("subnet %s: capacity %d; a %s holds %d usable addresses", s.ID, s.Capacity, s.CIDR, want)
			}
			sum := 0
			for _, dm := range s.Demand {
				sum += dm.IPs
			}
			if sum != s.PeakIPs {
				bad("subnet %s: demand items add up to %d, not peak_ips %d", s.ID, sum, s.PeakIPs)
			}
			if s.PeakIPs+s.HeadroomIPs > s.Capacity {
				bad("subnet %s: peak %d plus headroom %d exceeds capacity %d", s.ID, s.PeakIPs, s.HeadroomIPs, s.Capacity)
			}
			key := s.Tier + "/" + s.Group
			allTiers[key] = true
			if tiersByAZ[s.AZ] == nil {
				tiersByAZ[s.AZ] = map[string]bool{}
			}
			tiersByAZ[s.AZ][key] = true
		}
		if a, b, ok := ipam.Overlaps(cidrs); ok {
			bad("vpc %s: subnets %s and %s overlap", v.ID, a, b)
		}
		for _, az := range v.AZs {
			for _, t := range sortedKeys(allTiers) {
				if !tiersByAZ[az][t] {
					bad("vpc %s: az %s has no %s subnet", v.ID, az, t)
				}
			}
		}
		targets := map[string]bool{v.InternetGateway: v.InternetGateway != ""}
		if v.InternetGateway != "" {
			claim(v.InternetGateway, "internet gateway of "+v.ID)
		}
		for _, n := range v.NATGateways {
			claim(n.ID, "nat gateway in "+n.AZ)
			targets[n.ID] = true
			if subnetVPC[n.Subnet] != v.ID {
				bad("nat gateway %s: subnet %q is not in vpc %s", n.ID, n.Subnet, v.ID)
			}
		}
		for _, e := range v.Endpoints {
			claim(e.ID, "endpoint "+e.Service)
			targets[e.ID] = true
			for _, s := range e.Subnets {
				if subnetVPC[s] != v.ID {
					bad("endpoint %s: subnet %q is not in vpc %s", e.ID, s, v.ID)
				}
			}
			for _, rt := range e.RouteTables {
				if !rts[rt] {
					bad("endpoint %s: route table %q is not in vpc %s", e.ID, rt, v.ID)
				}
			}
		}
		for _, tgw := range d.TransitGateways {
			if tgw.Region == v.Region {
				targets[tgw.ID] = true
			}
		}
		for _, rt := range v.RouteTables {
			local := 0
			for _, r := range rt.Routes {
				if r.TargetKind == TargetLocal {
					local++
					if r.Destination != v.CIDR {
						bad("route table %s: local route to %s is not the vpc cidr %s", rt.ID, r.Destination, v.CIDR)
					}
					continue
				}
				if !targets[r.Target] {
					bad("route table %s: route to %s targets %q, which does not exist in vpc %s", rt.ID, r.DestinationString(), r.Target, v.ID)
				}
			}
			if local != 1 {
				bad("route table %s: has %d local routes; want 1", rt.ID, local)
			}
		}
	}
	if a, b, ok := ipam.Overlaps(vpcCIDRs); ok && (len(d.TransitGateways) > 0) {
		bad("vpcs %s and %s overlap but are joined by a transit gateway", a, b)
	}

	attachments := map[string]bool{}
	for _, p := range d.TransitGatewayPeerings {
		claim(p.ID, "transit gateway peering")
		attachments[p.ID] = true
	}
	for _, tgw := range d.TransitGateways {
		claim(tgw.ID, "transit gateway in "+tgw.Region)
		for _, a := range tgw.Attachments {
			claim(a.ID, "transit gateway attachment of "+a.VPC)
			attachments[a.ID] = true
			if d.VPC(a.VPC) == nil {
				bad("attachment %s: vpc %q does not exist", a.ID, a.VPC)
			}
			for _, s := range a.Subnets {
				if subnetVPC[s] != a.VPC {
					bad("attachment %s: subnet %q is not in vpc %s", a.ID, s, a.VPC)
				}
			}
		}
	}
	for _, tgw := range d.TransitGateways {
		for _, rt := range tgw.RouteTables {
			claim(rt.ID, "transit gateway route table "+rt.Name)
			for _, a := range rt.Associations {
				if !attachments[a] {
					bad("transit gateway route table %s: association %q does not exist", rt.ID, a)
				}
			}
			for _, r := range rt.Routes {
				if !attachments[r.Attachment] {
					bad("transit gateway route table %s: route to %s uses %q, which does not exist", rt.ID, r.Destination, r.Attachment)
				}
			}
		}
	}

	for _, s := range d.Services {
		for _, p := range s.Placements {
			if d.VPC(p.VPC) == nil {
				bad("service %s: vpc %q does not exist", s.Name, p.VPC)
			}
			for _, sn := range p.Subnets {
				if subnetVPC[sn] != p.VPC {
					bad("service %s: subnet %q is not in vpc %s", s.Name, sn, p.VPC)
				}
			}
		}
	}
	services := make(map[string]bool, len(d.Services))
	for _, s := range d.Services {
		services[s.Name] = true
	}
	for _, f := range d.Flows {
		for _, end := range []string{f.From, f.To} {
			if end != Internet && !services[end] {
				bad("flow %s: service %q does not exist", f.ID, end)
			}
		}
	}
	slices.SortFunc(errs, func(a, b error) int { return cmp.Compare(a.Error(), b.Error()) })
	return errs
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
