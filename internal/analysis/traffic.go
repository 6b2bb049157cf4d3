package analysis

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/diag"
	"github.com/netwright/netwright/internal/flowlog"
	"github.com/netwright/netwright/internal/portset"
)

// Traffic reads VPC Flow Log records against a design (netwright flows):
// it names each address (a service of the spec, a task, load balancer,
// NAT gateway or instance of the real network, the internet), turns
// records into conversations (who opened what, on which port), and
// reports the declared flows seen and never seen, the undeclared ones
// accepted with the rule that let them through, rejects by cause,
// NAT-translated conversations by their real ends, and the top talkers.
// Add takes one record at a time; what it keeps is bounded
// (MaxConversations), so logs of any size read in constant memory.
type Traffic struct {
	e    *Engine
	spec *design.Design // declared flows; nil when none
	bs   *Bindings

	names   []string
	nameIdx map[string]int32
	// byENI and byAddr name the interfaces and addresses the design knows.
	byENI  map[string]int32
	byAddr map[netip.Addr]int32
	// ownAddr is each interface's addresses, to tell its own packets.
	ownAddr map[netip.Addr]string
	nats    map[string]string // NAT gateway interface -> NAT gateway ID
	ports   map[int]bool      // ports the design listens on
	// internet is the entity of addresses outside the design.
	internet int32
	convs    map[convKey]*convStats
	// stateless marks the conversations with answers a NACL dropped.
	stateless map[convKey]bool
	// seen holds, by interface and 5-tuple, accepted and rejected
	// records, to find the stateless-reply pattern: a record rejected
	// whose reverse was accepted on the same interface is an answer a
	// NACL dropped (security groups are stateful and let answers out).
	seen map[tupleKey]*tupleSeen
	// enis interns interface IDs.
	enis    map[string]int32
	eniName []int32

	Records, NoData, SkipData, Accepted, Rejected, Overflow int64
}

// MaxConversations is the most distinct conversations Traffic keeps;
// records of others count in the totals (Overflow) only.
const MaxConversations = 1 << 16

type convKey struct {
	client, server int32
	proto          uint8
	port           uint16
	via            int32 // the NAT gateway that translated it, or -1
}

type convStats struct {
	records, packets, bytes int64
	// inPackets and inBytes are counted at the receiving interface of a
	// sender whose own interface is in the design: the conversation's
	// size when the sender's records are not in the logs.
	inPackets, inBytes     int64
	accepted, rejected     int64
	clientAddr, serverAddr netip.Addr
	eni                    string
	causes                 map[string]int64
	// at are where the records show the conversation accepted: the
	// client's interface (outbound) and the server's (inbound).
	at []acceptedAt
}

// acceptedAt is an interface that accepted a conversation's request.
type acceptedAt struct {
	eni     string
	inbound bool
	remote  netip.Addr
	port    int
}

type tupleKey struct {
	eni              int32
	src, dst         netip.Addr
	proto            uint8
	srcPort, dstPort uint16
}

type tupleSeen struct {
	accepted bool
	// rejected is set for a rejected record, with the conversation it
	// counted in.
	rejected bool
	conv     convKey
}

// NewTraffic prepares to read flow logs against d: a planned design, or
// a real network netwright import wrote. spec, when given, declares the
// flows (for a planned d it may be d itself); given binds its services in
// a real network (Bind).
func NewTraffic(d, spec *design.Design, given map[string]string) (*Traffic, error) {
	t := &Traffic{e: NewEngine(d), spec: spec, nameIdx: map[string]int32{}, byENI: map[string]int32{}, byAddr: map[netip.Addr]int32{},
		ownAddr: map[netip.Addr]string{}, nats: map[string]string{}, ports: map[int]bool{}, convs: map[convKey]*convStats{}, seen: map[tupleKey]*tupleSeen{},
		enis: map[string]int32{}}
	t.internet = t.intern(design.Internet)
	if spec != nil && d.Imported() {
		bs, err := t.e.Bind(spec, given)
		if err != nil {
			return nil, err
		}
		t.bs = bs
	}
	for _, s := range d.Services {
		t.ports[s.Port] = true
	}
	for _, lb := range d.LoadBalancers {
		for _, l := range lb.Listeners {
			t.ports[l.Port] = true
		}
	}
	for _, tg := range d.TargetGroups {
		t.ports[tg.Port] = true
	}
	if spec != nil {
		for _, f := range spec.Flows {
			t.ports[f.Port] = true
		}
	}
	for i := range d.Interfaces {
		n := &d.Interfaces[i]
		name := t.e.interfaceName(n, t.bs)
		t.byENI[n.ID] = t.intern(name)
		for _, a := range n.PrivateIPs {
			t.byAddr[a] = t.byENI[n.ID]
			t.ownAddr[a] = n.ID
		}
		if n.PublicIP.IsValid() {
			t.byAddr[n.PublicIP] = t.byENI[n.ID]
			t.ownAddr[n.PublicIP] = n.ID
		}
		if n.Type == "nat_gateway" {
			t.nats[n.ID] = cmp.Or(n.Owner, n.ID)
		}
	}
	return t, nil
}

func (t *Traffic) intern(name string) int32 {
	if i, ok := t.nameIdx[name]; ok {
		return i
	}
	i := int32(len(t.names))
	t.names = append(t.names, name)
	t.nameIdx[name] = i
	return i
}

// interfaceName is what an interface is, in a report: the spec's
// service bound to it, or what owns it in the real network.
func (e *Engine) interfaceName(n *design.NetworkInterface, bs *Bindings) string {
	if bs != nil {
		if s := bs.ServiceOf(n.ID); s != "" {
			return s
		}
	}
	for _, t := range e.d.Tasks {
		if t.Interface == n.ID && t.Service != "" {
			if bs != nil {
				return "ECS service " + t.Service
			}
			return t.Service
		}
	}
	if strings.HasPrefix(n.Owner, "arn:aws:elasticloadbalancing:") {
		if lb := lbByID(e.d, n.Owner); lb != nil {
			return "load balancer " + lb.Name
		}
	}
	switch {
	case n.Type == "nat_gateway":
		return "NAT gateway " + cmp.Or(n.Owner, n.ID)
	case strings.HasPrefix(n.Owner, "i-"):
		for _, in := range e.d.Instances {
			if in.ID == n.Owner && in.Name != "" {
				return "instance " + in.ID + " (" + in.Name + ")"
			}
		}
		return "instance " + n.Owner
	case n.Owner != "":
		return n.Owner
	}
	return "interface " + n.ID
}

// nameOf is the entity an address belongs to: an interface of the
// design, a subnet's only service (or load balancer) in a planned
// design, the subnet, or the internet for a public address outside the
// design.
func (t *Traffic) nameOf(a netip.Addr) int32 {
	if i, ok := t.byAddr[a]; ok {
		return i
	}
	if !a.IsValid() {
		return t.intern("-")
	}
	_, s := t.e.d.SubnetAt(a)
	if s == nil {
		if private, _ := isPrivate(a); private || a.Is6() && a.IsPrivate() {
			return t.cache(a, t.intern(prefixOf(a)+" (outside the design)"))
		}
		return t.cache(a, t.internet)
	}
	var here []string
	for _, svc := range t.e.d.Services {
		for _, pl := range svc.Placements {
			if slices.Contains(pl.Subnets, s.ID) && !slices.Contains(here, svc.Name) {
				here = append(here, svc.Name)
			}
		}
	}
	if len(here) == 0 {
		for _, lb := range t.e.d.LoadBalancers {
			if slices.Contains(lb.Subnets, s.ID) {
				here = append(here, "load balancer "+lb.Name)
			}
		}
	}
	if len(here) == 1 {
		return t.cache(a, t.intern(here[0]))
	}
	return t.cache(a, t.intern("subnet "+s.ID))
}

func (t *Traffic) cache(a netip.Addr, i int32) int32 {
	if len(t.byAddr) < MaxConversations {
		t.byAddr[a] = i
	}
	return i
}

func prefixOf(a netip.Addr) string {
	bits := 24
	if a.Is6() {
		bits = 64
	}
	p, _ := a.Prefix(bits)
	return p.String()
}

// Add reads one record.
func (t *Traffic) Add(r *flowlog.Record) {
	t.Records++
	switch r.LogStatus {
	case flowlog.StatusNoData:
		t.NoData++
		return
	case flowlog.StatusSkipData:
		t.SkipData++
		return
	}
	switch r.Action {
	case flowlog.ActionAccept:
		t.Accepted++
	case flowlog.ActionReject:
		t.Rejected++
	}
	src, dst := r.SrcAddr, r.DstAddr
	if !src.IsValid() || !dst.IsValid() {
		return
	}
	eni := t.eni(r.InterfaceID)
	via := int32(-1)
	if r.PktSrcAddr.IsValid() && r.PktSrcAddr != src || r.PktDstAddr.IsValid() && r.PktDstAddr != dst {
		// Translated (a NAT gateway, or an interface that forwards):
		// the packet's own addresses are the real ends.
		if r.PktSrcAddr.IsValid() {
			src = r.PktSrcAddr
		}
		if r.PktDstAddr.IsValid() {
			dst = r.PktDstAddr
		}
		if eni >= 0 {
			via = t.eniName[eni]
		} else {
			via = t.intern("a forwarding interface")
		}
	}
	ownENI, srcKnown := t.ownAddr[r.SrcAddr]
	own := r.FlowDirection == flowlog.DirectionEgress || r.FlowDirection == flowlog.DirectionUnknown && srcKnown && ownENI == string(r.InterfaceID)
	counted := own || !srcKnown

	client, server, sport := src, dst, r.DstPort
	if t.isReply(r) {
		client, server, sport = dst, src, r.SrcPort
	}
	k := convKey{client: t.nameOf(client), server: t.nameOf(server), proto: uint8(max(r.Protocol, 0)), port: uint16(max(sport, 0)), via: via}
	c := t.convs[k]
	if c == nil {
		if len(t.convs) >= MaxConversations {
			t.Overflow++
			return
		}
		c = &convStats{clientAddr: client, serverAddr: server, eni: string(r.InterfaceID)}
		t.convs[k] = c
	}
	c.records++
	if counted {
		c.packets += max(r.Packets, 0)
		c.bytes += max(r.Bytes, 0)
	} else {
		c.inPackets += max(r.Packets, 0)
		c.inBytes += max(r.Bytes, 0)
	}
	tk := tupleKey{eni: eni, src: r.SrcAddr, dst: r.DstAddr, proto: k.proto, srcPort: uint16(max(r.SrcPort, 0)), dstPort: uint16(max(r.DstPort, 0))}
	ts := t.seen[tk]
	if ts == nil && len(t.seen) < MaxConversations {
		ts = &tupleSeen{}
		t.seen[tk] = ts
	}
	switch r.Action {
	case flowlog.ActionAccept:
		c.accepted++
		if ts != nil {
			ts.accepted = true
		}
		if client == src && len(c.at) < 2 && len(r.InterfaceID) > 0 {
			inbound := r.FlowDirection == flowlog.DirectionIngress || r.FlowDirection == flowlog.DirectionUnknown && t.ownAddr[r.DstAddr] == string(r.InterfaceID)
			remote := r.DstAddr
			if inbound {
				remote = r.SrcAddr
			}
			if !slices.ContainsFunc(c.at, func(a acceptedAt) bool { return a.inbound == inbound }) {
				c.at = append(c.at, acceptedAt{eni: string(r.InterfaceID), inbound: inbound, remote: remote, port: max(r.DstPort, 0)})
			}
		}
	case flowlog.ActionReject:
		c.rejected++
		if c.causes == nil {
			c.causes = map[string]int64{}
		}
		cause := ""
		if len(r.RejectReason) > 0 {
			cause = "reject-reason " + string(r.RejectReason)
		} else {
			cause = t.designCause(r)
		}
		if _, ok := c.causes[cause]; ok || len(c.causes) < 16 {
			c.causes[cause]++
		}
		if ts != nil {
			ts.rejected, ts.conv = true, k
		}
	}
}

// eni interns an interface ID, and the name of what translates through
// it (a NAT gateway, or the interface).
func (t *Traffic) eni(id []byte) int32 {
	if i, ok := t.enis[string(id)]; ok {
		return i
	}
	i := int32(len(t.eniName))
	if len(t.enis) >= MaxConversations {
		return -1
	}
	name, ok := t.nats[string(id)]
	if !ok {
		name = "interface " + string(id)
	}
	t.enis[string(id)] = i
	t.eniName = append(t.eniName, t.intern(name))
	return i
}

// isReply reports whether a record is the answering side of a
// conversation: TCP flags say so (SYN-ACK), or else its source port is
// one the design listens on and its destination port is not, or else its
// source port is the lower.
func (t *Traffic) isReply(r *flowlog.Record) bool {
	if r.Protocol == 6 && r.TCPFlags >= 0 && r.TCPFlags&flowlog.FlagSYN != 0 {
		return r.TCPFlags&0x10 != 0
	}
	if r.Protocol != 6 && r.Protocol != 17 || r.SrcPort < 0 || r.DstPort < 0 {
		return false
	}
	sl, dl := t.ports[r.SrcPort], t.ports[r.DstPort]
	switch {
	case sl && !dl:
		return true
	case dl && !sl:
		return false
	}
	return r.SrcPort < r.DstPort
}

// designCause says which rule of the design rejects a record at its
// interface: the subnet's NACL (with the rule) or the interface's
// security groups; "" when the design cannot say.
func (t *Traffic) designCause(r *flowlog.Record) string {
	n := t.e.d.Interface(string(r.InterfaceID))
	if n == nil {
		if eni, ok := t.ownAddr[r.DstAddr]; ok {
			n = t.e.d.Interface(eni)
		}
	}
	if n == nil {
		return ""
	}
	s := t.e.subnets[n.Subnet]
	proto := protoName(r.Protocol)
	inbound := slices.Contains(n.PrivateIPs, r.DstAddr) || n.PublicIP == r.DstAddr
	remote, port := r.SrcAddr, r.DstPort
	if !inbound {
		remote = r.DstAddr
	}
	if s != nil && !s.CIDR.Contains(remote) {
		if acl := t.e.nacls[s.ID]; acl != nil {
			rules := acl.Outbound
			if inbound {
				rules = acl.Inbound
			}
			if ok, rule := design.Decide(rules, proto, max(port, 0), remote); !ok {
				if rule == nil {
					return "NACL " + acl.ID + " (no rule admits it: the default deny)"
				}
				return fmt.Sprintf("NACL %s rule %d", acl.ID, rule.Number)
			}
		}
	}
	if proto != "tcp" && proto != "udp" {
		return ""
	}
	peer := Endpoint{Kind: EndInternet, Addr: remote}
	ps := t.e.groupPortSet(n.SecurityGroups, !inbound, proto, peer, location{addr: remote})
	if !ps.Contains(max(port, 0)) {
		return "security groups " + strings.Join(n.SecurityGroups, ", ")
	}
	return ""
}

func protoName(p int) string {
	switch p {
	case 6:
		return "tcp"
	case 17:
		return "udp"
	case 1:
		return "icmp"
	}
	return strconv.Itoa(p)
}

// Conversation is what one client opened to one server on one port, as
// the records show it.
type Conversation struct {
	Client   string `json:"client"`
	Server   string `json:"server"`
	Protocol string `json:"protocol"`
	Port     int    `json:"port"`
	// ClientAddr and ServerAddr are the addresses of its first record.
	ClientAddr netip.Addr `json:"client_addr"`
	ServerAddr netip.Addr `json:"server_addr"`
	// Via is the NAT gateway (or forwarding interface) that translated it.
	Via      string `json:"via,omitempty"`
	Records  int64  `json:"records"`
	Accepted int64  `json:"accepted"`
	Rejected int64  `json:"rejected"`
	Packets  int64  `json:"packets"`
	Bytes    int64  `json:"bytes"`
	// Rule is what let an undeclared conversation through, or why a
	// rejected one was rejected.
	Rule string `json:"rule,omitempty"`
}

// DeclaredSeen is a declared flow and what the records show of it.
type DeclaredSeen struct {
	Flow     string `json:"flow"`
	Seen     bool   `json:"seen"`
	Records  int64  `json:"records"`
	Bytes    int64  `json:"bytes"`
	Rejected int64  `json:"rejected"`
	origin   *diag.Range
}

// RejectCause is one reason records were rejected and how many.
type RejectCause struct {
	Cause   string `json:"cause"`
	Records int64  `json:"records"`
	// Conversations are the rejected conversations with this cause, the
	// largest first (at most ten).
	Conversations []Conversation `json:"conversations"`
}

// TrafficReport is what flow logs showed.
type TrafficReport struct {
	Records    int64          `json:"records"`
	NoData     int64          `json:"nodata"`
	SkipData   int64          `json:"skipdata"`
	Accepted   int64          `json:"accepted"`
	Rejected   int64          `json:"rejected"`
	Bytes      int64          `json:"bytes"`
	Overflow   int64          `json:"overflow"`
	Declared   []DeclaredSeen `json:"declared"`
	Undeclared []Conversation `json:"undeclared"`
	Rejects    []RejectCause  `json:"rejects"`
	Translated []Conversation `json:"translated"`
	TopTalkers []Conversation `json:"top_talkers"`
	Findings   []Finding      `json:"findings"`
}

// trafficChecks are what netwright flows reports.
var trafficChecks = []Check{
	{ID: "NW170", Severity: diag.Warning, Title: "Declared flow never seen in the flow logs",
		Rationale: "The spec declares the flow, but no accepted record shows it: it is unused (and its rules could go), or it fails before the network.",
		Fix:       "Check the flow logs cover the interfaces and the time it runs; remove the dependency from the spec if it is gone."},
	{ID: "NW171", Severity: diag.Error, Title: "Undeclared flow accepted",
		Rationale: "Traffic the spec does not declare passed the real network: the rule named let it through.",
		Fix:       "Narrow or remove the rule named, or declare the flow."},
	{ID: "NW172", Severity: diag.Error, Title: "Declared flow rejected",
		Rationale: "Records of a flow the spec declares were rejected, so the application fails some of its calls.",
		Fix:       "Read the cause: the NACL rule or security groups named; a rejected answer means a NACL does not admit the ephemeral ports 1024-65535."},
	{ID: "NW173", Severity: diag.Note, Title: "Traffic rejected",
		Rationale: "What the network rejected, by cause: VPC Block Public Access (reject-reason BPA) or another reason AWS logs, a NACL (an answer rejected after its request was accepted: security groups are stateful and would have let it out), or the rule the design names.",
		Fix:       "Nothing, when the traffic is unwanted (scans from the internet); else the cause names the setting."},
}

// TrafficChecks are the checks netwright flows reports.
func TrafficChecks() []Check { return slices.Clone(trafficChecks) }

// Report summarises what was read: top is how many talkers to list.
func (t *Traffic) Report(top int) *TrafficReport {
	rep := &TrafficReport{Records: t.Records, NoData: t.NoData, SkipData: t.SkipData, Accepted: t.Accepted, Rejected: t.Rejected,
		Overflow: t.Overflow, Declared: []DeclaredSeen{}, Undeclared: []Conversation{}, Rejects: []RejectCause{},
		Translated: []Conversation{}, TopTalkers: []Conversation{}, Findings: []Finding{}}
	keys := make([]convKey, 0, len(t.convs))
	for k := range t.convs {
		keys = append(keys, k)
	}
	conv := func(k convKey) Conversation {
		c := t.convs[k]
		out := Conversation{Client: t.names[k.client], Server: t.names[k.server], Protocol: protoName(int(k.proto)), Port: int(k.port),
			ClientAddr: c.clientAddr, ServerAddr: c.serverAddr, Records: c.records, Accepted: c.accepted, Rejected: c.rejected, Packets: c.packets, Bytes: c.bytes}
		if out.Bytes == 0 && out.Packets == 0 {
			out.Packets, out.Bytes = c.inPackets, c.inBytes
		}
		if k.via >= 0 {
			out.Via = t.names[k.via]
		}
		return out
	}
	slices.SortFunc(keys, func(a, b convKey) int {
		ca, cb := conv(a), conv(b)
		return cmp.Or(cmp.Compare(cb.Bytes, ca.Bytes), cmp.Compare(cb.Records, ca.Records), strings.Compare(ca.Client, cb.Client),
			strings.Compare(ca.Server, cb.Server), cmp.Compare(ca.Port, cb.Port), strings.Compare(ca.Protocol, cb.Protocol), strings.Compare(ca.Via, cb.Via))
	})

	t.stateless = map[convKey]bool{}
	for tk, ts := range t.seen {
		if !ts.rejected {
			continue
		}
		back := tupleKey{eni: tk.eni, src: tk.dst, dst: tk.src, proto: tk.proto, srcPort: tk.dstPort, dstPort: tk.srcPort}
		if b := t.seen[back]; b != nil && b.accepted {
			t.stateless[ts.conv] = true
		}
	}
	// Declared flows, and which conversations they account for.
	declared := map[convKey]bool{}
	var flows []design.Flow
	if t.spec != nil {
		flows = t.spec.Flows
	}
	for _, f := range flows {
		ds := DeclaredSeen{Flow: f.ID, origin: f.Origin}
		for _, k := range keys {
			if t.declares(f, k) {
				declared[k] = true
				c := t.convs[k]
				ds.Records += c.accepted
				ds.Rejected += c.rejected
				ds.Bytes += conv(k).Bytes
			}
		}
		ds.Seen = ds.Records > 0
		rep.Declared = append(rep.Declared, ds)
		switch {
		case ds.Rejected > 0:
			rep.Findings = append(rep.Findings, Finding{Check: "NW172", Severity: diag.Error, Subject: f.ID, Origin: f.Origin,
				Summary: fmt.Sprintf("declared flow %s: %d records rejected (%s)", f.ID, ds.Rejected, t.causesOf(f, keys))})
		case !ds.Seen:
			rep.Findings = append(rep.Findings, Finding{Check: "NW170", Severity: diag.Warning, Subject: f.ID, Origin: f.Origin,
				Summary: fmt.Sprintf("declared flow %s is never seen in the flow logs", f.ID)})
		}
	}

	causes := map[string]*RejectCause{}
	for _, k := range keys {
		c := t.convs[k]
		cv := conv(k)
		rep.Bytes += cv.Bytes
		if k.via >= 0 {
			rep.Translated = append(rep.Translated, cv)
		}
		if c.accepted > 0 && flows != nil && !declared[k] && t.judged(k) {
			cv.Rule = t.ruleFor(c, k)
			rep.Undeclared = append(rep.Undeclared, cv)
			rep.Findings = append(rep.Findings, Finding{Check: "NW171", Severity: diag.Error, Subject: cv.Client + "->" + cv.Server,
				Summary: fmt.Sprintf("%s opened %s %d to %s (%s to %s), which no declared flow asks for: %d records, %d bytes accepted; %s",
					cv.Client, cv.Protocol, cv.Port, cv.Server, cv.ClientAddr, cv.ServerAddr, c.accepted, c.bytes, cv.Rule)})
		}
		for cause, n := range c.causes {
			name := t.causeName(cause, k)
			rc := causes[name]
			if rc == nil {
				rc = &RejectCause{Cause: name}
				causes[name] = rc
			}
			rc.Records += n
			if len(rc.Conversations) < 10 {
				x := cv
				x.Rule = name
				rc.Conversations = append(rc.Conversations, x)
			}
		}
	}
	for _, rc := range causes {
		rep.Rejects = append(rep.Rejects, *rc)
		rep.Findings = append(rep.Findings, Finding{Check: "NW173", Severity: diag.Note, Subject: rc.Cause,
			Summary: fmt.Sprintf("%d records rejected: %s", rc.Records, rc.Cause)})
	}
	slices.SortFunc(rep.Rejects, func(a, b RejectCause) int {
		return cmp.Or(cmp.Compare(b.Records, a.Records), strings.Compare(a.Cause, b.Cause))
	})
	for _, k := range keys {
		if len(rep.TopTalkers) >= top {
			break
		}
		if conv(k).Bytes > 0 {
			rep.TopTalkers = append(rep.TopTalkers, conv(k))
		}
	}
	sortFindings(rep.Findings)
	return rep
}

// causeName names a reject cause for the report.
func (t *Traffic) causeName(cause string, k convKey) string {
	switch {
	case strings.HasPrefix(cause, "reject-reason BPA"):
		return "VPC Block Public Access (reject-reason BPA)"
	case strings.HasPrefix(cause, "reject-reason "):
		return cause
	case cause == "" && t.stateless[k]:
		return "a NACL: answers were rejected whose requests were accepted on the same interface (security groups are stateful and let answers out)"
	case cause == "":
		return "security group or NACL (the records cannot say which)"
	}
	return cause
}

// causesOf lists the causes of a declared flow's rejected records.
func (t *Traffic) causesOf(f design.Flow, keys []convKey) string {
	var out []string
	for _, k := range keys {
		if !t.declares(f, k) {
			continue
		}
		for cause := range t.convs[k].causes {
			if name := t.causeName(cause, k); !slices.Contains(out, name) {
				out = append(out, name)
			}
		}
	}
	slices.Sort(out)
	return strings.Join(out, "; ")
}

// judged reports whether a conversation is one intent speaks about: it
// ends at a service of the spec, or starts at one.
func (t *Traffic) judged(k convKey) bool {
	if t.spec == nil {
		return false
	}
	return t.spec.Service(t.names[k.server]) != nil || t.spec.Service(t.names[k.client]) != nil
}

// declares reports whether a declared flow accounts for a conversation:
// the same ends and port; the internet to a load balancer that forwards
// to the service on the flow's port, or that load balancer on to the
// service; a call to the internal load balancer in front of the callee.
func (t *Traffic) declares(f design.Flow, k convKey) bool {
	client, server := t.names[k.client], t.names[k.server]
	proto := protoName(int(k.proto))
	if proto != f.Transport {
		return false
	}
	port := int(k.port)
	switch f.Kind {
	case design.FlowService:
		if client == f.From && server == f.To {
			return port == f.Port || t.servesOn(f.To, port)
		}
		if client == f.From && t.fronts(server, f.To, port, design.Internal) {
			return true
		}
		return t.fronts(client, f.To, -1, design.Internal) && server == f.To
	case design.FlowIngress:
		// The internet's leg to the load balancer is the flow's only when
		// the listener forwards to no other service: the leg on from the
		// load balancer says which service it was.
		if client == design.Internet && port == f.Port && t.fronts(server, f.To, port, design.InternetFacing) {
			return !t.frontsOther(server, f.To, port)
		}
		return t.fronts(client, f.To, -1, design.InternetFacing) && server == f.To
	case design.FlowEgress:
		return client == f.From && server == design.Internet && port == f.Port
	}
	return false
}

// servesOn reports whether a service's target groups send it traffic on
// port (a container port other than the spec's).
func (t *Traffic) servesOn(service string, port int) bool {
	for _, tg := range t.e.d.TargetGroups {
		if tg.Service == service && tg.Port == port {
			return true
		}
	}
	return false
}

// fronts reports whether the entity named lbName is a load balancer of a
// scheme that forwards to service (on the listener port, unless -1).
func (t *Traffic) fronts(lbName, service string, port int, scheme string) bool {
	name, ok := strings.CutPrefix(lbName, "load balancer ")
	if !ok {
		return false
	}
	for i := range t.e.d.LoadBalancers {
		lb := &t.e.d.LoadBalancers[i]
		if lb.Name != name || lb.Scheme != scheme {
			continue
		}
		for j := range lb.Listeners {
			l := &lb.Listeners[j]
			if port >= 0 && l.Port != port {
				continue
			}
			for _, tg := range t.e.targetGroupsOf(*l) {
				if tg.Service == service {
					return true
				}
				if t.bs != nil {
					if b := t.bs.ByService[service]; b != nil {
						for _, ll := range t.e.listenersTo(b, scheme) {
							if ll.lb.ID == lb.ID {
								return true
							}
						}
					}
				}
			}
		}
	}
	return false
}

// frontsOther reports whether the load balancer named lbName forwards
// on port to a service other than service.
func (t *Traffic) frontsOther(lbName, service string, port int) bool {
	name, _ := strings.CutPrefix(lbName, "load balancer ")
	for i := range t.e.d.LoadBalancers {
		lb := &t.e.d.LoadBalancers[i]
		if lb.Name != name {
			continue
		}
		for j := range lb.Listeners {
			if lb.Listeners[j].Port != port {
				continue
			}
			for _, tg := range t.e.targetGroupsOf(lb.Listeners[j]) {
				if tg.Service != "" && tg.Service != service && (t.bs == nil || t.bs.ByService[tg.Service] != nil || t.spec.Service(tg.Service) != nil) {
					return true
				}
			}
		}
	}
	return false
}

// ruleFor names the rules that let an accepted conversation through, at
// each interface whose records accepted it: the security group rules and
// the NACL rule that admit it there, as the design has them.
func (t *Traffic) ruleFor(c *convStats, k convKey) string {
	proto := protoName(int(k.proto))
	var out []string
	for _, at := range c.at {
		if s := t.rulesAt(at, proto); s != "" {
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		// A planned design has no interfaces: ask of the services'
		// placements.
		client, server := t.names[k.client], t.names[k.server]
		src, ok1 := t.e.ServiceEndpoint(client, "")
		dst, ok2 := t.e.ServiceEndpoint(server, "")
		if server == design.Internet {
			dst, ok2 = Internet(c.serverAddr), true
		}
		if client == design.Internet {
			src, ok1 = Internet(c.clientAddr), true
		}
		if !ok1 || !ok2 || proto != "tcp" && proto != "udp" {
			return "no rule of the design could be named for it"
		}
		p := t.e.Query(src, dst, proto, portset.Of(int(k.port), int(k.port)))
		if !p.Ports.Contains(int(k.port)) {
			return "the design blocks it (" + blockers(p) + "): what runs differs from the design"
		}
		return "let through by " + admitters(p)
	}
	return "let through " + strings.Join(out, "; ")
}

func paren(s string) string {
	if s == "" {
		return ""
	}
	return "(" + s + ")"
}

// rulesAt names the rules of an interface that admit one accepted
// request: its security groups' and its subnet's NACL's.
func (t *Traffic) rulesAt(at acceptedAt, proto string) string {
	n := t.e.d.Interface(at.eni)
	if n == nil {
		return ""
	}
	dir, naclDir := "egress", "outbound"
	if at.inbound {
		dir, naclDir = "ingress", "inbound"
	}
	var parts []string
	if len(n.SecurityGroups) > 0 {
		peer := Endpoint{Kind: EndService, Name: at.remote.String(), Addr: at.remote}
		if other := t.e.d.InterfaceAt(at.remote); other != nil {
			peer.Groups = other.SecurityGroups
		}
		var admit []string
		for _, gid := range n.SecurityGroups {
			g := t.e.groups[gid]
			if g == nil {
				continue
			}
			rules := g.Egress
			if at.inbound {
				rules = g.Ingress
			}
			for _, r := range rules {
				if r.Carries(proto) && r.Names(peerAt(peer, location{addr: at.remote})) && (proto != "tcp" && proto != "udp" || at.port >= r.FromPort && at.port <= r.ToPort) {
					admit = append(admit, strings.TrimSpace(fmt.Sprintf("%s %s %s %s %s", gid, r.Protocol, r.Ports(), r.Peer(), paren(r.Description))))
				}
			}
		}
		if len(admit) == 0 {
			admit = append(admit, "no rule of "+strings.Join(n.SecurityGroups, ", ")+" admits it now: the network has changed since it was imported")
		}
		parts = append(parts, strings.Join(admit, "; "))
	}
	if s := t.e.subnets[n.Subnet]; s != nil && !s.CIDR.Contains(at.remote) {
		if acl := t.e.nacls[s.ID]; acl != nil {
			rules := acl.Outbound
			if at.inbound {
				rules = acl.Inbound
			}
			if ok, rule := design.Decide(rules, proto, at.port, at.remote); ok && rule != nil {
				parts = append(parts, fmt.Sprintf("NACL %s %s rule %d", acl.ID, naclDir, rule.Number))
			} else {
				parts = append(parts, fmt.Sprintf("NACL %s %s denies it now: the network has changed since it was imported", acl.ID, naclDir))
			}
		}
	}
	return fmt.Sprintf("at %s (%s): %s", n.ID, dir, strings.Join(parts, ", "))
}
