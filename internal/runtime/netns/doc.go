// Package netns builds a design's VPCs out of Linux network namespaces
// for `netwright up --isolation netns`, so the design's routes, security
// groups and NACLs act on every packet between its tasks, and records
// VPC Flow Logs.
//
// A Fabric is one run's network: the VPC router (one namespace for
// every VPC, with one kernel route table per subnet compiled from the
// subnet's route table, and an nftables table holding each subnet's NACL
// and each interface's security groups, stateful through conntrack); a
// namespace per network interface (Attach: tasks and load balancer
// nodes; New: NAT gateways, which translate sources to their own
// address, and GWLB endpoints), each joined to the router by a veth pair
// and holding its designed address in its subnet's block; a namespace
// per Transit Gateway (transit.go), joined to the router by a port per
// VPC attachment and AZ and to its peers by a port per peering and AZ;
// and the internet, a namespace behind each internet gateway holding the
// addresses the design's egress destinations stand for. Every name
// carries the run (nw<pid>x<n>-...); Close removes all of it, and
// RemoveLeftovers what a run that died left. Nothing is added to the
// host's namespace.
//
// The path of a packet from a task: out of its namespace to its
// subnet's router address (base + 1); in the router, the prerouting
// chain marks it with its interface's device group, which picks its
// subnet's route table; the forward chain applies the NACL of the
// subnet it leaves and the egress rules of the interface it comes from,
// then the NACL of the subnet it enters and the ingress rules of the
// interface it goes to (replies pass the groups by conntrack, never the
// NACLs); the kernel's longest prefix match picks what
// design.RouteTable.RouteFor picks, since each table holds the design's
// routes with every local block as a blackhole and a host route to each
// interface the table's local route reaches; a route through a NAT
// gateway or GWLB endpoint goes to that interface's namespace, which
// hands it back to the router to be routed by its own subnet's table. A
// route to a Transit Gateway goes to the gateway's namespace by the port
// of the VPC's attachment for the subnet's AZ; there the table of the
// route table associated with that attachment (design's RoutesFor, so
// the match is RouteFor's) sends it to a peer gateway or back to the
// router by the port of the destination's attachment for the same AZ,
// which enters the destination VPC in the subnet AttachmentEntry names:
// the router applies that subnet's NACL and routes with its table, as
// the analyzer walks the same path. As AWS evaluates an attachment
// subnet's NACL, a packet from a gateway meets only its outbound rules
// (none when it stays in that subnet), and a packet to a gateway only
// the inbound rules of the attachment subnet its port stands for.
//
// A route to a GWLB endpoint goes to the endpoint's namespace, which
// hands the packet over a link of its own to the GWLB's node in its AZ;
// the node sends it in GENEVE to an appliance task and hands what comes
// back to the endpoint, which returns it to the router (gwlb.go). The
// internet gateway translates each exposed interface's address to its
// Elastic IP and back (eip.go).
//
// An on-premises site is a namespace behind its gateway's Direct
// Connect and VPN attachments (sites.go).
//
// A load balancer node whose target group preserves client addresses
// connects from them, and gets the answers back (preserve.go).
//
// VPC Lattice's service network is a namespace holding the link-local
// block 169.254.171.0/24, joined to the router by a link per associated
// VPC, whose subnets route the block there (others drop it); a group
// rule naming Lattice's managed prefix list matches the block, so the
// callers' egress and the targets' ingress rules and both subnets' NACLs
// decide what Lattice carries (lattice.go).
//
// It runs as root, or rootless in a user namespace `up` makes where the
// kernel allows (rootless.go; `netwright exec` then asks the run,
// execsock.go).
//
// What it does not run: VPN failover (a site sends by its entry
// attachment), VPC peering
// connections (a route to one is a blackhole), Transit Gateway appliance
// mode, and interface and gateway endpoints. It owns namespaces and
// packets, not what runs in them: runtime/up opens the tasks' sockets in
// them (Namespace.Listen, Dialer, Start).
package netns
