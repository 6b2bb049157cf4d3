package sdkshapes

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/servicediscovery"
	"golang.org/x/tools/txtar"
)

// outputs maps each answer's top-level key to the SDK output type of the
// call that prints it (docs/commands.md, netwright import, lists them).
var outputs = map[string]func() any{
	"Vpcs":                         func() any { return &ec2.DescribeVpcsOutput{} },
	"Subnets":                      func() any { return &ec2.DescribeSubnetsOutput{} },
	"RouteTables":                  func() any { return &ec2.DescribeRouteTablesOutput{} },
	"SecurityGroups":               func() any { return &ec2.DescribeSecurityGroupsOutput{} },
	"NetworkAcls":                  func() any { return &ec2.DescribeNetworkAclsOutput{} },
	"NetworkInterfaces":            func() any { return &ec2.DescribeNetworkInterfacesOutput{} },
	"Reservations":                 func() any { return &ec2.DescribeInstancesOutput{} },
	"NatGateways":                  func() any { return &ec2.DescribeNatGatewaysOutput{} },
	"InternetGateways":             func() any { return &ec2.DescribeInternetGatewaysOutput{} },
	"VpcEndpoints":                 func() any { return &ec2.DescribeVpcEndpointsOutput{} },
	"VpcPeeringConnections":        func() any { return &ec2.DescribeVpcPeeringConnectionsOutput{} },
	"VpnGateways":                  func() any { return &ec2.DescribeVpnGatewaysOutput{} },
	"VpnConnections":               func() any { return &ec2.DescribeVpnConnectionsOutput{} },
	"TransitGateways":              func() any { return &ec2.DescribeTransitGatewaysOutput{} },
	"TransitGatewayAttachments":    func() any { return &ec2.DescribeTransitGatewayAttachmentsOutput{} },
	"TransitGatewayVpcAttachments": func() any { return &ec2.DescribeTransitGatewayVpcAttachmentsOutput{} },
	"TransitGatewayRouteTables":    func() any { return &ec2.DescribeTransitGatewayRouteTablesOutput{} },
	"Routes":                       func() any { return &ec2.SearchTransitGatewayRoutesOutput{} },
	"PrefixLists":                  func() any { return &ec2.DescribeManagedPrefixListsOutput{} },
	"Entries":                      func() any { return &ec2.GetManagedPrefixListEntriesOutput{} },
	"LoadBalancers":                func() any { return &elbv2.DescribeLoadBalancersOutput{} },
	"Listeners":                    func() any { return &elbv2.DescribeListenersOutput{} },
	"Rules":                        func() any { return &elbv2.DescribeRulesOutput{} },
	"TargetGroups":                 func() any { return &elbv2.DescribeTargetGroupsOutput{} },
	"TargetHealthDescriptions":     func() any { return &elbv2.DescribeTargetHealthOutput{} },
	"Attributes":                   func() any { return &elbv2.DescribeLoadBalancerAttributesOutput{} },
	"services":                     func() any { return &ecs.DescribeServicesOutput{} },
	"tasks":                        func() any { return &ecs.DescribeTasksOutput{} },
	"Namespaces":                   func() any { return &servicediscovery.ListNamespacesOutput{} },
	"Services":                     func() any { return &servicediscovery.ListServicesOutput{} },
}

// parents are the keys a per-parent answer is wrapped with; they are not
// the SDK's and are taken off before decoding.
var parents = []string{"TransitGatewayRouteTableId", "PrefixListId", "ListenerArn", "TargetGroupArn", "LoadBalancerArn", "NamespaceId"}

// check decodes every JSON document in b into its call's output type,
// refusing any member the SDK does not have.
func check(t *testing.T, name string, b []byte) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	for {
		var doc map[string]json.RawMessage
		if err := dec.Decode(&doc); errors.Is(err, io.EOF) {
			return
		} else if err != nil {
			t.Errorf("%s: %v", name, err)
			return
		}
		for _, p := range parents {
			delete(doc, p)
		}
		var out func() any
		for k := range doc {
			if f, ok := outputs[k]; ok {
				out = f
			}
		}
		if out == nil {
			t.Errorf("%s: no SDK output type for keys %v", name, keys(doc))
			continue
		}
		clean, _ := json.Marshal(doc)
		strict := json.NewDecoder(bytes.NewReader(clean))
		strict.DisallowUnknownFields()
		if err := strict.Decode(out()); err != nil {
			t.Errorf("%s: not the shape of the SDK's %T: %v", name, out(), err)
		}
	}
}

func keys(m map[string]json.RawMessage) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestFixturesHaveTheSDKsShapes: every file of the fixture account and
// every answer the reach cases lay over it decodes strictly into the AWS
// SDK for Go v2's output type of its call.
func TestFixturesHaveTheSDKsShapes(t *testing.T) {
	n := 0
	err := filepath.WalkDir("../testdata/network", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		check(t, p, b)
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	cases, _ := filepath.Glob("../../analysis/testdata/reach/*.txtar")
	for _, c := range cases {
		ar, err := txtar.ParseFile(c)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range ar.Files {
			if strings.HasSuffix(f.Name, ".json") {
				check(t, c+": "+f.Name, f.Data)
				n++
			}
		}
	}
	if n < 30 {
		t.Fatalf("checked %d files; the fixtures are not where they were", n)
	}
}

// TestCheckCanFail: the strict decoding the test relies on refuses a
// member the SDK does not have (a misspelt CidrBlock).
func TestCheckCanFail(t *testing.T) {
	s := json.NewDecoder(strings.NewReader(`{"Vpcs": [{"VpcId": "vpc-1", "CidrBlok": "10.0.0.0/16"}]}`))
	s.DisallowUnknownFields()
	if err := s.Decode(&ec2.DescribeVpcsOutput{}); err == nil {
		t.Error("a misspelt member (CidrBlok) decoded into DescribeVpcsOutput")
	}
}
