package plan

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/ipam"
)

// groupsByID indexes a design's security groups.
func groupsByID(d *design.Design) map[string]*design.SecurityGroup {
	m := map[string]*design.SecurityGroup{}
	for i := range d.SecurityGroups {
		m[d.SecurityGroups[i].ID] = &d.SecurityGroups[i]
	}
	return m
}

func subnetByID(d *design.Design) map[string]design.Subnet {
	m := map[string]design.Subnet{}
	for _, v := range d.VPCs {
		for _, s := range v.Subnets {
			m[s.ID] = s
		}
	}
	return m
}

// admits reports whether an ingress rule lets a task with the given groups
// and subnet block in on proto/port.
func admits(r design.SGRule, groups []string, block netip.Prefix, proto string, port int) bool {
	if r.Protocol != proto || port < r.FromPort || port > r.ToPort {
		return false
	}
	switch {
	case r.PeerGroup != "":
		return slices.Contains(groups, r.PeerGroup)
	case r.PeerCIDR.IsValid():
		return r.PeerCIDR.Bits() <= block.Bits() && r.PeerCIDR.Contains(block.Addr())
	}
	return false
}

// TestSecurityGroupsFollowIntent checks, for every example, that each
// declared service flow is admitted by the callee's group only through
// rules made for that flow, that no undeclared pair of services is
// admitted on any port, and that only internet-facing load balancers admit
// the internet.
func TestSecurityGroupsFollowIntent(t *testing.T) {
	for name, src := range examples(t) {
		t.Run(name, func(t *testing.T) {
			d := mustBuild(t, name, src)
			groups := groupsByID(d)
			subnets := subnetByID(d)
			declared := map[[2]string][]design.Flow{}
			for _, f := range d.Flows {
				if f.Kind == design.FlowService {
					declared[[2]string{f.From, f.To}] = append(declared[[2]string{f.From, f.To}], f)
				}
			}
			for _, caller := range d.Services {
				for _, callee := range d.Services {
					if caller.Name == callee.Name {
						continue
					}
					flows := declared[[2]string{caller.Name, callee.Name}]
					for _, cpl := range caller.Placements {
						for _, tpl := range callee.Placements {
							block := subnets[cpl.Subnets[0]].CIDR
							for _, gid := range tpl.SecurityGroups {
								for _, r := range groups[gid].Ingress {
									for _, proto := range []string{"tcp", "udp"} {
										for _, port := range []int{r.FromPort, r.ToPort} {
											if !admits(r, cpl.SecurityGroups, block, proto, port) || r.PeerCIDR == anyIPv4 {
												continue
											}
											ok := slices.ContainsFunc(flows, func(f design.Flow) bool {
												return f.Port == port && f.Transport == proto && slices.Contains(r.Flows, f.ID)
											})
											if !ok {
												t.Errorf("%s admits %s on %s %d by rule %q, which no declared flow made", gid, caller.Name, proto, port, r.Description)
											}
										}
									}
								}
							}
						}
					}
					// Every declared flow is admitted where the caller runs:
					// by the callee, or by its internal load balancer, which
					// the callee admits for that flow.
					for _, f := range flows {
						for _, cpl := range caller.Placements {
							tpl := placementIn(&callee, cpl.VPC)
							if tpl == nil {
								tpl = &callee.Placements[0]
							}
							block := subnets[cpl.Subnets[0]].CIDR
							ok := false
							for _, gid := range tpl.SecurityGroups {
								for _, r := range groups[gid].Ingress {
									ok = ok || admits(r, cpl.SecurityGroups, block, f.Transport, f.Port) && slices.Contains(r.Flows, f.ID)
									// A call VPC Lattice carries arrives from Lattice's prefix list.
									ok = ok || latticeCarries(d, f) && strings.HasSuffix(r.PeerPrefixList, ".vpc-lattice") && r.Protocol == f.Transport && r.FromPort <= f.Port && f.Port <= r.ToPort
									if lbg := groups[r.PeerGroup]; lbg != nil && lbg.Kind == design.SGLoadBalancer && slices.Contains(r.Flows, f.ID) {
										for _, lr := range lbg.Ingress {
											ok = ok || lr.PeerGroup != "" && admits(lr, cpl.SecurityGroups, block, f.Transport, lr.FromPort) && slices.Contains(lr.Flows, f.ID)
										}
									}
								}
							}
							if !ok {
								t.Errorf("declared flow %s is not admitted in %s", f.ID, tpl.VPC)
							}
						}
					}
				}
			}
			lbs := map[string]design.LoadBalancer{}
			for _, lb := range d.LoadBalancers {
				lbs[lb.ID] = lb
			}
			// An internal load balancer admits only the declared callers of
			// the services behind it.
			for _, g := range d.SecurityGroups {
				if g.Kind != design.SGLoadBalancer || lbs[g.Owner].Scheme != design.Internal {
					continue
				}
				for _, r := range g.Ingress {
					peer := groups[r.PeerGroup]
					if r.PeerCIDR.IsValid() && len(r.Flows) > 0 {
						// A site's blocks: only for a flow from that site.
						for _, id := range r.Flows {
							if !slices.ContainsFunc(d.Flows, func(f design.Flow) bool {
								st := d.Site(design.SiteName(f.From))
								return f.ID == id && st != nil && slices.Contains(st.CIDRs, r.PeerCIDR)
							}) {
								t.Errorf("internal %s admits %s for flow %s, which is not from a site holding it", g.ID, r.Peer(), id)
							}
						}
						continue
					}
					if peer == nil || len(r.Flows) == 0 {
						t.Errorf("internal %s admits %s without a declared flow", g.ID, r.Peer())
						continue
					}
					for _, id := range r.Flows {
						if !slices.ContainsFunc(d.Flows, func(f design.Flow) bool { return f.ID == id && f.From == peer.Owner }) {
							t.Errorf("internal %s admits %s for flow %s, which it does not make", g.ID, peer.Owner, id)
						}
					}
				}
			}
			for _, g := range d.SecurityGroups {
				for _, r := range g.Ingress {
					if !r.PeerCIDR.IsValid() || ipam.IsPrivate(r.PeerCIDR) {
						continue
					}
					if g.Kind != design.SGLoadBalancer || lbs[g.Owner].Scheme != design.InternetFacing {
						t.Errorf("%s (%s) admits %s: only internet-facing load balancers may", g.ID, g.Kind, r.PeerCIDR)
					}
				}
				if g.Kind == design.SGDefault && len(g.Ingress)+len(g.Egress) > 0 {
					t.Errorf("default group %s has rules", g.ID)
				}
				for _, r := range append(slices.Clone(g.Ingress), g.Egress...) {
					if r.Description == "" {
						t.Errorf("%s has a rule without a description", g.ID)
					}
				}
				if len(g.Ingress) > 60 || len(g.Egress) > 60 {
					t.Errorf("%s has %d/%d rules, past the quota", g.ID, len(g.Ingress), len(g.Egress))
				}
			}
			// No service reaches the internet unless it declared egress or
			// needs NAT to start.
			for _, svc := range d.Services {
				egress := slices.ContainsFunc(d.Flows, func(f design.Flow) bool { return f.Kind == design.FlowEgress && f.From == svc.Name })
				for _, pl := range svc.Placements {
					for _, r := range groups[pl.SecurityGroups[0]].Egress {
						if r.PeerCIDR == anyIPv4 && !egress {
							t.Errorf("%s may reach the whole internet on %s but declares no egress", svc.Name, r.Ports())
						}
					}
				}
			}
		})
	}
}

// naclOf maps each subnet to its NACL.
func naclOf(d *design.Design) map[string]*design.NetworkACL {
	m := map[string]*design.NetworkACL{}
	for i := range d.NetworkACLs {
		for _, s := range d.NetworkACLs[i].Subnets {
			m[s] = &d.NetworkACLs[i]
		}
	}
	return m
}

// passes simulates one connection across two subnets' NACLs: the request
// out of the client's subnet and into the server's, and the answer back on
// the lowest, a middle and the highest ephemeral port.
func passes(t *testing.T, nacls map[string]*design.NetworkACL, client, server design.Subnet, proto string, port int) bool {
	t.Helper()
	if client.ID == server.ID {
		return true // NACLs do not filter inside one subnet
	}
	c, s := nacls[client.ID], nacls[server.ID]
	ok, _ := design.Decide(c.Outbound, proto, port, server.CIDR.Addr())
	in, _ := design.Decide(s.Inbound, proto, port, client.CIDR.Addr())
	ok = ok && in
	for _, eph := range []int{1024, 40000, 65535} {
		out, _ := design.Decide(s.Outbound, proto, eph, client.CIDR.Addr())
		back, _ := design.Decide(c.Inbound, proto, eph, server.CIDR.Addr())
		ok = ok && out && back
	}
	return ok
}

// TestNACLsNeverBlockDeclaredFlows checks, for every example, that each
// flow the security groups allow for a declared edge also passes the
// NACLs of every subnet pair it may use, both ways: service to service,
// load balancer to target, and client to load balancer.
func TestNACLsNeverBlockDeclaredFlows(t *testing.T) {
	for name, src := range examples(t) {
		t.Run(name, func(t *testing.T) {
			d := mustBuild(t, name, src)
			nacls := naclOf(d)
			subnets := subnetByID(d)
			for _, f := range d.Flows {
				if f.Kind != design.FlowService {
					continue
				}
				caller, callee := d.Service(f.From), d.Service(f.To)
				for _, cpl := range caller.Placements {
					tpl := placementIn(callee, cpl.VPC)
					if tpl == nil {
						tpl = &callee.Placements[0]
					}
					dst, port := tpl.Subnets, f.Port
					for _, lb := range d.LoadBalancers {
						if lb.Scheme != design.Internal || lb.VPC != tpl.VPC {
							continue
						}
						for _, l := range lb.Listeners {
							for _, tg := range forwardedTargetGroups(l) {
								if strings.Contains(tg, "-"+callee.Name+"-") {
									dst, port = lb.Subnets, l.Port // the LB-to-target hop is checked below
								}
							}
						}
					}
					for _, a := range cpl.Subnets {
						for _, b := range dst {
							if !passes(t, nacls, subnets[a], subnets[b], f.Transport, port) {
								t.Errorf("flow %s is blocked by NACLs between %s and %s", f.ID, a, b)
							}
						}
					}
				}
			}
			client := design.Subnet{ID: "internet", CIDR: netip.MustParsePrefix("198.51.100.7/32")}
			nacls["internet"] = &design.NetworkACL{
				Inbound:  []design.NACLRule{{Number: 1, Protocol: "all", CIDR: anyIPv4, Allow: true}},
				Outbound: []design.NACLRule{{Number: 1, Protocol: "all", CIDR: anyIPv4, Allow: true}},
			}
			for _, lb := range d.LoadBalancers {
				for _, l := range lb.Listeners {
					for _, lbs := range lb.Subnets {
						if lb.Type != design.GWLB && lb.Scheme == design.InternetFacing && !passes(t, nacls, client, subnets[lbs], "tcp", l.Port) && l.Protocol != "UDP" {
							t.Errorf("clients cannot reach %s port %d through the NACL of %s", lb.ID, l.Port, lbs)
						}
						for _, tgID := range forwardedTargetGroups(l) {
							var tg design.TargetGroup
							for _, x := range d.TargetGroups {
								if x.ID == tgID {
									tg = x
								}
							}
							svc := d.Service(tg.Service)
							pl := placementIn(svc, lb.VPC)
							if pl == nil {
								pl = &svc.Placements[0]
							}
							proto := transport(svc.Protocol)
							if tg.Protocol == "GENEVE" {
								proto = "udp"
							}
							for _, ts := range pl.Subnets {
								if !passes(t, nacls, subnets[lbs], subnets[ts], proto, tg.Port) {
									t.Errorf("%s cannot reach %s in %s on %d through the NACLs", lb.ID, svc.Name, ts, tg.Port)
								}
							}
						}
					}
				}
			}
		})
	}
}

// TestNACLReturnsUseFullEphemeralRange guards the trap in AWS-FACTS: NAT
// gateways and load balancers answer from 1024-65535, so no NACL may open
// only 32768-65535 for returns.
func TestNACLReturnsUseFullEphemeralRange(t *testing.T) {
	for name, src := range examples(t) {
		d := mustBuild(t, name, src)
		for _, n := range d.NetworkACLs {
			for _, r := range append(slices.Clone(n.Inbound), n.Outbound...) {
				if r.ToPort == 65535 && r.FromPort > 1024 {
					t.Errorf("%s: %s rule %d opens %d-65535; returns need 1024-65535", name, n.ID, r.Number, r.FromPort)
				}
			}
		}
	}
}

// latticeCarries reports whether VPC Lattice carries a declared call: the
// callee is a Lattice service whose auth admits the caller.
func latticeCarries(d *design.Design, f design.Flow) bool {
	if d.Mesh == nil || d.Mesh.Lattice == nil {
		return false
	}
	for _, ls := range d.Mesh.Lattice.Services {
		if ls.Service == f.To && slices.Contains(ls.AllowedCallers, f.From) {
			return true
		}
	}
	return false
}

// TestPreservedClientsAdmittedByTheNLBsGroup: a UDP service behind an
// internet-facing NLB keeps its clients' addresses (ip targets, UDP), and
// its group admits it by naming the NLB's group, which AWS matches by the
// sending interface whatever the source address: no rule opens the
// service's port to the internet itself, so nothing but the NLB reaches it.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-security-groups.html
func TestPreservedClientsAdmittedByTheNLBsGroup(t *testing.T) {
	d := build(t, `version: 1
app: arcade
services:
  game: {port: 7777, protocol: udp, public: true}
`)
	var tg *design.TargetGroup
	for i := range d.TargetGroups {
		if d.TargetGroups[i].Service == "game" && d.TargetGroups[i].Protocol == "UDP" {
			tg = &d.TargetGroups[i]
		}
	}
	if tg == nil || !tg.PreserveClientIP {
		t.Fatalf("game's UDP target group %+v; want one that keeps the client's address", tg)
	}
	byID := groupsByID(d)
	game := byID[d.Service("game").Placements[0].SecurityGroups[0]]
	byNLB := false
	for _, r := range game.Ingress {
		if r.PeerCIDR.IsValid() && r.PeerCIDR.Bits() == 0 {
			t.Errorf("game's group admits %s from %s: %s", r.Protocol, r.PeerCIDR, r.Description)
		}
		if r.PeerGroup != "" && byID[r.PeerGroup].Kind == design.SGLoadBalancer && r.Protocol == "udp" && r.FromPort == 7777 {
			byNLB = true
		}
	}
	if !byNLB {
		t.Error("game's group does not name the NLB's group on udp 7777")
	}
}
