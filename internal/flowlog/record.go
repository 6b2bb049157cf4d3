package flowlog

import (
	"bytes"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
)

// Action is what the security groups and network ACLs did with the
// traffic.
type Action uint8

// Actions.
const (
	ActionNone   Action = iota // "-": a NODATA or SKIPDATA record
	ActionAccept               // ACCEPT
	ActionReject               // REJECT
)

func (a Action) String() string {
	switch a {
	case ActionAccept:
		return "ACCEPT"
	case ActionReject:
		return "REJECT"
	}
	return "-"
}

// Status is a record's log-status.
type Status uint8

// Statuses.
const (
	StatusOK Status = iota // data is logging normally
	// StatusNoData: no traffic to or from the interface during the
	// aggregation interval.
	StatusNoData
	// StatusSkipData: some records were skipped during the interval (an
	// internal capacity constraint or error).
	StatusSkipData
)

func (s Status) String() string {
	switch s {
	case StatusNoData:
		return "NODATA"
	case StatusSkipData:
		return "SKIPDATA"
	}
	return "OK"
}

// Direction is a record's flow-direction, relative to its interface.
type Direction uint8

// Directions.
const (
	DirectionUnknown Direction = iota // not logged ("-" or no such field)
	DirectionIngress
	DirectionEgress
)

func (d Direction) String() string {
	switch d {
	case DirectionIngress:
		return "ingress"
	case DirectionEgress:
		return "egress"
	}
	return "-"
}

// TCP flags as flow logs report them: OR-ed over the aggregation interval
// (a short connection may show SYN and FIN, 3, or SYN-ACK and FIN, 19, in
// one record); ACK is reported only with SYN.
const (
	FlagFIN    = 1
	FlagSYN    = 2
	FlagRST    = 4
	FlagSYNACK = 18
)

// Record is one flow log record. A number a record does not carry (the
// field is "-" or not in the format) is -1; an address it does not carry
// is the zero netip.Addr; text it does not carry is nil. The byte slices
// point into the Reader's buffer: they are valid until the next call to
// Next, so copy what must outlive it.
type Record struct {
	Version     int
	AccountID   []byte
	InterfaceID []byte
	SrcAddr     netip.Addr
	DstAddr     netip.Addr
	SrcPort     int
	DstPort     int
	// Protocol is the IANA protocol number: 6 TCP, 17 UDP, 1 ICMP.
	Protocol int
	Packets  int64
	Bytes    int64
	// Start and End are the Unix seconds of the first and last packet of
	// the aggregation interval.
	Start     int64
	End       int64
	Action    Action
	LogStatus Status

	VPCID      []byte
	SubnetID   []byte
	InstanceID []byte
	TCPFlags   int
	// Type is IPv4, IPv6 or EFA.
	Type []byte
	// PktSrcAddr and PktDstAddr are the packet's own addresses: through a
	// NAT gateway (or any interface that forwards) they differ from
	// SrcAddr and DstAddr, which are the interface's view.
	PktSrcAddr netip.Addr
	PktDstAddr netip.Addr

	Region          []byte
	AZID            []byte
	SublocationType []byte
	SublocationID   []byte

	PktSrcAWSService []byte
	PktDstAWSService []byte
	FlowDirection    Direction
	// TrafficPath is the path egress traffic takes (1 within the VPC, 2
	// internet gateway or gateway endpoint, 3 virtual private gateway, 4
	// intra-Region peering, 5 inter-Region peering, 6 local gateway, 7
	// gateway endpoint, 8 internet gateway), or -1.
	TrafficPath int

	ECSClusterARN           []byte
	ECSClusterName          []byte
	ECSContainerInstanceARN []byte
	ECSContainerInstanceID  []byte
	ECSContainerID          []byte
	ECSSecondContainerID    []byte
	ECSServiceName          []byte
	ECSTaskDefinitionARN    []byte
	ECSTaskARN              []byte
	ECSTaskID               []byte
	// RejectReason says why traffic was rejected, when AWS logs a reason
	// beyond the groups and NACLs, such as BPA (VPC Block Public Access);
	// nil ("-") for any other rejection.
	RejectReason []byte
}

// reset empties r for the next record.
func (r *Record) reset() {
	*r = Record{Version: -1, SrcPort: -1, DstPort: -1, Protocol: -1, Packets: -1, Bytes: -1, Start: -1, End: -1, TCPFlags: -1, TrafficPath: -1}
}

// maxFields is the most columns a line may have: a bound, so a line of
// garbage cannot make the parser split forever.
const maxFields = 256

// ErrFieldCount is the error of a line whose column count is not the
// format's.
var ErrFieldCount = errors.New("wrong number of fields")

// Parse reads one record (a line without its newline) of format f into r.
// It allocates nothing for IPv4 records.
func (f *Format) Parse(line []byte, r *Record) error {
	r.reset()
	col := 0
	for len(line) > 0 {
		// Fields are separated by single spaces; be lenient with runs of
		// blanks and a trailing carriage return.
		i := 0
		for i < len(line) && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r') {
			i++
		}
		line = line[i:]
		if len(line) == 0 {
			break
		}
		j := 0
		for j < len(line) && line[j] != ' ' && line[j] != '\t' && line[j] != '\r' {
			j++
		}
		v := line[:j]
		line = line[j:]
		if col >= len(f.Fields) {
			col++
			if col > maxFields {
				break
			}
			continue
		}
		if err := r.set(f.Fields[col], v); err != nil {
			return fmt.Errorf("%s %q: %w", f.Fields[col], v, err)
		}
		col++
	}
	if col != len(f.Fields) {
		return fmt.Errorf("%w: %d, the format has %d", ErrFieldCount, col, len(f.Fields))
	}
	return nil
}

var dash = []byte("-")

func (r *Record) set(f Field, v []byte) error {
	if bytes.Equal(v, dash) {
		return nil
	}
	var err error
	switch f {
	case FieldVersion:
		r.Version, err = atoi(v)
	case FieldAccountID:
		r.AccountID = v
	case FieldInterfaceID:
		r.InterfaceID = v
	case FieldSrcAddr:
		r.SrcAddr, err = parseAddr(v)
	case FieldDstAddr:
		r.DstAddr, err = parseAddr(v)
	case FieldSrcPort:
		r.SrcPort, err = port(v)
	case FieldDstPort:
		r.DstPort, err = port(v)
	case FieldProtocol:
		r.Protocol, err = atoi(v)
		if err == nil && r.Protocol > 255 {
			err = errors.New("not an IANA protocol number")
		}
	case FieldPackets:
		r.Packets, err = atoi64(v)
	case FieldBytes:
		r.Bytes, err = atoi64(v)
	case FieldStart:
		r.Start, err = atoi64(v)
	case FieldEnd:
		r.End, err = atoi64(v)
	case FieldAction:
		switch string(v) {
		case "ACCEPT":
			r.Action = ActionAccept
		case "REJECT":
			r.Action = ActionReject
		default:
			err = errors.New("not ACCEPT or REJECT")
		}
	case FieldLogStatus:
		switch string(v) {
		case "OK":
			r.LogStatus = StatusOK
		case "NODATA":
			r.LogStatus = StatusNoData
		case "SKIPDATA":
			r.LogStatus = StatusSkipData
		default:
			err = errors.New("not OK, NODATA or SKIPDATA")
		}
	case FieldVPCID:
		r.VPCID = v
	case FieldSubnetID:
		r.SubnetID = v
	case FieldInstanceID:
		r.InstanceID = v
	case FieldTCPFlags:
		r.TCPFlags, err = atoi(v)
	case FieldType:
		r.Type = v
	case FieldPktSrcAddr:
		r.PktSrcAddr, err = parseAddr(v)
	case FieldPktDstAddr:
		r.PktDstAddr, err = parseAddr(v)
	case FieldRegion:
		r.Region = v
	case FieldAZID:
		r.AZID = v
	case FieldSublocationType:
		r.SublocationType = v
	case FieldSublocationID:
		r.SublocationID = v
	case FieldPktSrcAWSService:
		r.PktSrcAWSService = v
	case FieldPktDstAWSService:
		r.PktDstAWSService = v
	case FieldFlowDirection:
		switch string(v) {
		case "ingress":
			r.FlowDirection = DirectionIngress
		case "egress":
			r.FlowDirection = DirectionEgress
		default:
			err = errors.New("not ingress or egress")
		}
	case FieldTrafficPath:
		r.TrafficPath, err = atoi(v)
	case FieldECSClusterARN:
		r.ECSClusterARN = v
	case FieldECSClusterName:
		r.ECSClusterName = v
	case FieldECSContainerInstanceARN:
		r.ECSContainerInstanceARN = v
	case FieldECSContainerInstanceID:
		r.ECSContainerInstanceID = v
	case FieldECSContainerID:
		r.ECSContainerID = v
	case FieldECSSecondContainerID:
		r.ECSSecondContainerID = v
	case FieldECSServiceName:
		r.ECSServiceName = v
	case FieldECSTaskDefinitionARN:
		r.ECSTaskDefinitionARN = v
	case FieldECSTaskARN:
		r.ECSTaskARN = v
	case FieldECSTaskID:
		r.ECSTaskID = v
	case FieldRejectReason:
		r.RejectReason = v
	}
	return err
}

var errNumber = errors.New("not a number")

func atoi64(b []byte) (int64, error) {
	if len(b) == 0 || len(b) > 18 {
		return 0, errNumber
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, errNumber
		}
		n = n*10 + int64(c-'0')
	}
	return n, nil
}

func atoi(b []byte) (int, error) {
	if len(b) > 9 {
		return 0, errNumber
	}
	n, err := atoi64(b)
	return int(n), err
}

func port(b []byte) (int, error) {
	n, err := atoi(b)
	if err == nil && n > 65535 {
		return 0, errors.New("not a port")
	}
	return n, err
}

var errAddr = errors.New("not an IP address")

// parseAddr reads an IPv4 address without allocating, and anything else
// through netip (IPv6 records, which are rarer, allocate).
func parseAddr(b []byte) (netip.Addr, error) {
	if bytes.IndexByte(b, ':') >= 0 {
		addr, err := netip.ParseAddr(string(b))
		if err != nil {
			return netip.Addr{}, errAddr
		}
		return addr, nil
	}
	var a [4]byte
	part, digits, n := 0, 0, 0
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case c >= '0' && c <= '9':
			if digits == 3 || digits > 0 && n == 0 {
				return netip.Addr{}, errAddr
			}
			n = n*10 + int(c-'0')
			digits++
			if n > 255 {
				return netip.Addr{}, errAddr
			}
		case c == '.':
			if digits == 0 || part == 3 {
				return netip.Addr{}, errAddr
			}
			a[part] = byte(n)
			part, digits, n = part+1, 0, 0
		default:
			return netip.Addr{}, errAddr
		}
	}
	if part != 3 || digits == 0 {
		return netip.Addr{}, errAddr
	}
	a[3] = byte(n)
	return netip.AddrFrom4(a), nil
}

// AppendField appends the text of one field of r as a flow log writes it,
// "-" when r does not carry it.
func (r *Record) AppendField(dst []byte, f Field) []byte {
	num := func(n int64) []byte {
		if n < 0 {
			return append(dst, '-')
		}
		return strconv.AppendInt(dst, n, 10)
	}
	text := func(b []byte) []byte {
		if b == nil {
			return append(dst, '-')
		}
		return append(dst, b...)
	}
	addr := func(a netip.Addr) []byte {
		if !a.IsValid() {
			return append(dst, '-')
		}
		return a.AppendTo(dst)
	}
	switch f {
	case FieldVersion:
		return num(int64(r.Version))
	case FieldAccountID:
		return text(r.AccountID)
	case FieldInterfaceID:
		return text(r.InterfaceID)
	case FieldSrcAddr:
		return addr(r.SrcAddr)
	case FieldDstAddr:
		return addr(r.DstAddr)
	case FieldSrcPort:
		return num(int64(r.SrcPort))
	case FieldDstPort:
		return num(int64(r.DstPort))
	case FieldProtocol:
		return num(int64(r.Protocol))
	case FieldPackets:
		return num(r.Packets)
	case FieldBytes:
		return num(r.Bytes)
	case FieldStart:
		return num(r.Start)
	case FieldEnd:
		return num(r.End)
	case FieldAction:
		return append(dst, r.Action.String()...)
	case FieldLogStatus:
		return append(dst, r.LogStatus.String()...)
	case FieldVPCID:
		return text(r.VPCID)
	case FieldSubnetID:
		return text(r.SubnetID)
	case FieldInstanceID:
		return text(r.InstanceID)
	case FieldTCPFlags:
		return num(int64(r.TCPFlags))
	case FieldType:
		return text(r.Type)
	case FieldPktSrcAddr:
		return addr(r.PktSrcAddr)
	case FieldPktDstAddr:
		return addr(r.PktDstAddr)
	case FieldRegion:
		return text(r.Region)
	case FieldAZID:
		return text(r.AZID)
	case FieldSublocationType:
		return text(r.SublocationType)
	case FieldSublocationID:
		return text(r.SublocationID)
	case FieldPktSrcAWSService:
		return text(r.PktSrcAWSService)
	case FieldPktDstAWSService:
		return text(r.PktDstAWSService)
	case FieldFlowDirection:
		return append(dst, r.FlowDirection.String()...)
	case FieldTrafficPath:
		return num(int64(r.TrafficPath))
	case FieldECSClusterARN:
		return text(r.ECSClusterARN)
	case FieldECSClusterName:
		return text(r.ECSClusterName)
	case FieldECSContainerInstanceARN:
		return text(r.ECSContainerInstanceARN)
	case FieldECSContainerInstanceID:
		return text(r.ECSContainerInstanceID)
	case FieldECSContainerID:
		return text(r.ECSContainerID)
	case FieldECSSecondContainerID:
		return text(r.ECSSecondContainerID)
	case FieldECSServiceName:
		return text(r.ECSServiceName)
	case FieldECSTaskDefinitionARN:
		return text(r.ECSTaskDefinitionARN)
	case FieldECSTaskARN:
		return text(r.ECSTaskARN)
	case FieldECSTaskID:
		return text(r.ECSTaskID)
	case FieldRejectReason:
		return text(r.RejectReason)
	}
	return append(dst, '-')
}

// Append appends r as a line of format f (without the newline), as AWS
// writes it: what Parse reads back. A column the format does not know is
// "-".
func (f *Format) Append(dst []byte, r *Record) []byte {
	for i, field := range f.Fields {
		if i > 0 {
			dst = append(dst, ' ')
		}
		dst = r.AppendField(dst, field)
	}
	return dst
}
