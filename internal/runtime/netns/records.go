package netns

import (
	"fmt"
	"io"
	"net/netip"
	"strings"
	"time"

	"github.com/netwright/netwright/internal/design"
)

// FlowLogFields are the fields of a record, in order: version 5's
// custom format as S3 delivery writes it, its header line naming them.
var FlowLogFields = []string{"version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport", "protocol",
	"packets", "bytes", "start", "end", "action", "log-status", "vpc-id", "subnet-id", "tcp-flags", "flow-direction",
	"pkt-srcaddr", "pkt-dstaddr", "reject-reason"}

// Account is the account ID records carry: AWS's documentation account.
const Account = "123456789012"

// FlowRecord is one VPC Flow Logs record.
type FlowRecord struct {
	Interface string     `json:"interface_id"`
	Owner     string     `json:"owner"`
	VPC       string     `json:"vpc_id"`
	Subnet    string     `json:"subnet_id"`
	Src       netip.Addr `json:"srcaddr"`
	Dst       netip.Addr `json:"dstaddr"`
	SrcPort   int        `json:"srcport"`
	DstPort   int        `json:"dstport"`
	// Protocol is the IANA number: 6 TCP, 17 UDP, 1 ICMP.
	Protocol int    `json:"protocol"`
	Packets  uint64 `json:"packets"`
	Bytes    uint64 `json:"bytes"`
	// Start and End bound the aggregation interval.
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	// Action is ACCEPT or REJECT; Direction ingress or egress.
	Action    string `json:"action"`
	Direction string `json:"flow_direction"`
	// TCPFlags OR the flags seen: FIN 1, SYN 2, RST 4, SYN-ACK 18.
	TCPFlags int `json:"tcp_flags"`
	// PktSrc and PktDst are the packet's own addresses. They differ from
	// Src and Dst where an interface passes packets on for others (a NAT
	// gateway's, a GWLB endpoint's): AWS then records the interface's
	// address as srcaddr (leaving) or dstaddr (arriving).
	PktSrc netip.Addr `json:"pkt_srcaddr"`
	PktDst netip.Addr `json:"pkt_dstaddr"`
}

// String is the record as a line of the log, fields as FlowLogFields.
func (r FlowRecord) String() string {
	return strings.Join([]string{"5", Account, r.Interface, r.Src.String(), r.Dst.String(), fmt.Sprint(r.SrcPort), fmt.Sprint(r.DstPort),
		fmt.Sprint(r.Protocol), fmt.Sprint(r.Packets), fmt.Sprint(r.Bytes), fmt.Sprint(r.Start.Unix()), fmt.Sprint(r.End.Unix()),
		r.Action, "OK", r.VPC, r.Subnet, fmt.Sprint(r.TCPFlags), r.Direction, field(r.PktSrc), field(r.PktDst), "-"}, " ")
}

// field is an address as a flow log writes it: "-" when there is none.
func field(a netip.Addr) string {
	if !a.IsValid() {
		return "-"
	}
	return a.String()
}

// WriteFlowLogHeader writes the header line.
func WriteFlowLogHeader(w io.Writer) error {
	_, err := fmt.Fprintln(w, strings.Join(FlowLogFields, " "))
	return err
}

// FlowLogsOn reports whether a VPC keeps flow logs, and their longest
// aggregation interval.
func FlowLogsOn(v *design.VPC) (time.Duration, bool) {
	if v.FlowLogs == nil {
		return 0, false
	}
	s := v.FlowLogs.MaxAggregationSeconds
	if s != 60 && s != 600 {
		s = 600 // AWS's default
	}
	return time.Duration(s) * time.Second, true
}
