// Package flowlog reads Amazon VPC Flow Logs as AWS delivers them: the
// default version 2 format, custom formats (named by the header line S3
// delivery writes, or given as a field list), every field through version
// 8, NODATA and SKIPDATA records, gzip files, and CloudWatch Logs exports
// (the lines an export task writes to S3, or the JSON the AWS CLI prints
// for get-log-events and filter-log-events). It streams: a Reader holds one
// line at a time, so a file of any size reads in constant memory, and
// parsing a record allocates nothing. It owns the format and the record;
// it does not judge traffic (internal/analysis does) or know the design.
package flowlog

import (
	"fmt"
	"strings"
)

// Field is one flow log field.
type Field uint8

// The fields, in the order AWS's table of available fields lists them
// (https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html).
const (
	FieldUnknown Field = iota // a field this build does not know; its column is skipped
	FieldVersion
	FieldAccountID
	FieldInterfaceID
	FieldSrcAddr
	FieldDstAddr
	FieldSrcPort
	FieldDstPort
	FieldProtocol
	FieldPackets
	FieldBytes
	FieldStart
	FieldEnd
	FieldAction
	FieldLogStatus
	FieldVPCID
	FieldSubnetID
	FieldInstanceID
	FieldTCPFlags
	FieldType
	FieldPktSrcAddr
	FieldPktDstAddr
	FieldRegion
	FieldAZID
	FieldSublocationType
	FieldSublocationID
	FieldPktSrcAWSService
	FieldPktDstAWSService
	FieldFlowDirection
	FieldTrafficPath
	FieldECSClusterARN
	FieldECSClusterName
	FieldECSContainerInstanceARN
	FieldECSContainerInstanceID
	FieldECSContainerID
	FieldECSSecondContainerID
	FieldECSServiceName
	FieldECSTaskDefinitionARN
	FieldECSTaskARN
	FieldECSTaskID
	FieldRejectReason
	numFields
)

// fieldInfo is each field's name and the flow log version that added it.
var fieldInfo = [numFields]struct {
	name    string
	version int
}{
	FieldUnknown:                 {"", 0},
	FieldVersion:                 {"version", 2},
	FieldAccountID:               {"account-id", 2},
	FieldInterfaceID:             {"interface-id", 2},
	FieldSrcAddr:                 {"srcaddr", 2},
	FieldDstAddr:                 {"dstaddr", 2},
	FieldSrcPort:                 {"srcport", 2},
	FieldDstPort:                 {"dstport", 2},
	FieldProtocol:                {"protocol", 2},
	FieldPackets:                 {"packets", 2},
	FieldBytes:                   {"bytes", 2},
	FieldStart:                   {"start", 2},
	FieldEnd:                     {"end", 2},
	FieldAction:                  {"action", 2},
	FieldLogStatus:               {"log-status", 2},
	FieldVPCID:                   {"vpc-id", 3},
	FieldSubnetID:                {"subnet-id", 3},
	FieldInstanceID:              {"instance-id", 3},
	FieldTCPFlags:                {"tcp-flags", 3},
	FieldType:                    {"type", 3},
	FieldPktSrcAddr:              {"pkt-srcaddr", 3},
	FieldPktDstAddr:              {"pkt-dstaddr", 3},
	FieldRegion:                  {"region", 4},
	FieldAZID:                    {"az-id", 4},
	FieldSublocationType:         {"sublocation-type", 4},
	FieldSublocationID:           {"sublocation-id", 4},
	FieldPktSrcAWSService:        {"pkt-src-aws-service", 5},
	FieldPktDstAWSService:        {"pkt-dst-aws-service", 5},
	FieldFlowDirection:           {"flow-direction", 5},
	FieldTrafficPath:             {"traffic-path", 5},
	FieldECSClusterARN:           {"ecs-cluster-arn", 7},
	FieldECSClusterName:          {"ecs-cluster-name", 7},
	FieldECSContainerInstanceARN: {"ecs-container-instance-arn", 7},
	FieldECSContainerInstanceID:  {"ecs-container-instance-id", 7},
	FieldECSContainerID:          {"ecs-container-id", 7},
	FieldECSSecondContainerID:    {"ecs-second-container-id", 7},
	FieldECSServiceName:          {"ecs-service-name", 7},
	FieldECSTaskDefinitionARN:    {"ecs-task-definition-arn", 7},
	FieldECSTaskARN:              {"ecs-task-arn", 7},
	FieldECSTaskID:               {"ecs-task-id", 7},
	FieldRejectReason:            {"reject-reason", 8},
}

// String returns the field's name as AWS writes it, such as "srcaddr".
func (f Field) String() string {
	if f < numFields && f != FieldUnknown {
		return fieldInfo[f].name
	}
	return "unknown"
}

// Version is the flow log version that added the field.
func (f Field) Version() int {
	if f < numFields {
		return fieldInfo[f].version
	}
	return 0
}

// Fields returns every field this build reads, in AWS's order.
func Fields() []Field {
	out := make([]Field, 0, numFields-1)
	for f := FieldVersion; f < numFields; f++ {
		out = append(out, f)
	}
	return out
}

// FieldByName returns the field AWS names name ("srcaddr", or "${srcaddr}"
// as a flow log's LogFormat writes it).
func FieldByName(name string) (Field, bool) {
	name = strings.TrimSuffix(strings.TrimPrefix(name, "${"), "}")
	for f := FieldVersion; f < numFields; f++ {
		if fieldInfo[f].name == name {
			return f, true
		}
	}
	return FieldUnknown, false
}

// Format is the fields of a record, in order.
type Format struct {
	Fields []Field
	// Unknown names the fields of a header this build does not know (a
	// field AWS added after version 8); their columns are skipped.
	Unknown []string
	// index[f] is the column of field f, or -1.
	index [numFields]int
}

// DefaultFormat is the default format: the version 2 fields in order.
func DefaultFormat() *Format {
	f, _ := ParseFormat("version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status")
	return f
}

// ParseFormat reads a field list: the header line S3 delivery writes
// ("version account-id interface-id ..."), or a LogFormat as given to
// create-flow-logs ("${version} ${account-id} ..."). A name that looks
// like a field but is unknown is kept as a skipped column (Unknown says
// which); anything else is an error.
func ParseFormat(s string) (*Format, error) {
	f := &Format{}
	for i := range f.index {
		f.index[i] = -1
	}
	for _, name := range strings.Fields(s) {
		field, ok := FieldByName(name)
		if !ok {
			bare := strings.TrimSuffix(strings.TrimPrefix(name, "${"), "}")
			if !fieldLike(bare) {
				return nil, fmt.Errorf("%q is not a flow log field", name)
			}
			f.Unknown = append(f.Unknown, bare)
		} else if f.index[field] >= 0 {
			return nil, fmt.Errorf("field %s is given twice", field)
		} else {
			f.index[field] = len(f.Fields)
		}
		f.Fields = append(f.Fields, field)
	}
	if len(f.Fields) == 0 {
		return nil, fmt.Errorf("no fields")
	}
	return f, nil
}

// fieldLike reports whether s is written as AWS writes field names:
// lower-case letters, digits and dashes, starting with a letter.
func fieldLike(s string) bool {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// Has reports whether the format carries a field.
func (f *Format) Has(field Field) bool { return field < numFields && f.index[field] >= 0 }

// Version is the version AWS gives records of this format: that of its
// newest field.
func (f *Format) Version() int {
	v := 2
	for _, field := range f.Fields {
		v = max(v, field.Version())
	}
	return v
}

// String writes the format as S3 delivery's header line.
func (f *Format) String() string {
	names := make([]string, len(f.Fields))
	u := 0
	for i, field := range f.Fields {
		if field == FieldUnknown {
			names[i] = f.Unknown[u]
			u++
			continue
		}
		names[i] = field.String()
	}
	return strings.Join(names, " ")
}
