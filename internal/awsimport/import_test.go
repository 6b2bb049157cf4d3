package awsimport

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/netwright/netwright/internal/golden"
)

func readNetwork(t *testing.T) (string, []byte) {
	t.Helper()
	d, ds := ReadDir(os.DirFS("testdata/network"), ".")
	if ds.HasErrors() {
		t.Fatalf("import: %v", ds)
	}
	if errs := d.Validate(); len(errs) > 0 {
		t.Fatalf("imported design does not validate: %v", errs)
	}
	b, err := d.JSON()
	if err != nil {
		t.Fatal(err)
	}
	var w strings.Builder
	for _, x := range ds {
		w.WriteString(x.Severity.String() + ": " + x.Summary + "\n")
	}
	return w.String(), b
}

// TestImportNetwork imports the fixture account and compares the design
// and the warnings with their golden files.
func TestImportNetwork(t *testing.T) {
	warnings, b := readNetwork(t)
	golden.Check(t, "testdata/golden/network.json", b)
	golden.Check(t, "testdata/golden/network.warnings", []byte(warnings))
}

// TestCommandsCollectWhatImportReads checks the collection script is
// valid shell and makes every call whose answer Import reads, wrapping
// the per-parent answers that name no parent with the key Import wants.
func TestCommandsCollectWhatImportReads(t *testing.T) {
	script := Commands()
	calls := map[string]string{
		"Vpcs": "describe-vpcs", "Subnets": "describe-subnets", "RouteTables": "describe-route-tables",
		"SecurityGroups": "describe-security-groups", "NetworkAcls": "describe-network-acls",
		"NetworkInterfaces": "describe-network-interfaces", "Reservations": "describe-instances",
		"NatGateways": "describe-nat-gateways", "InternetGateways": "describe-internet-gateways",
		"VpcEndpoints": "describe-vpc-endpoints", "VpcPeeringConnections": "describe-vpc-peering-connections",
		"TransitGateways": "describe-transit-gateways", "TransitGatewayAttachments": "describe-transit-gateway-attachments",
		"TransitGatewayVpcAttachments": "describe-transit-gateway-vpc-attachments",
		"TransitGatewayRouteTables":    "describe-transit-gateway-route-tables",
		"Routes":                       `{"TransitGatewayRouteTableId": "%s", "Routes": %s}`,
		"PrefixLists":                  "describe-managed-prefix-lists",
		"Entries":                      `{"PrefixListId": "%s", "Entries": %s}`,
		"VpnGateways":                  "describe-vpn-gateways", "VpnConnections": "describe-vpn-connections",
		"LoadBalancers": "describe-load-balancers", "Listeners": "describe-listeners --load-balancer-arn",
		"Rules": "describe-rules --listener-arn", "TargetGroups": "describe-target-groups",
		"TargetHealthDescriptions": `{"TargetGroupArn": "%s", "TargetHealthDescriptions": %s}`,
		"Attributes":               `{"LoadBalancerArn": "%s", "Attributes": %s}`,
		"services":                 "ecs describe-services", "tasks": "ecs describe-tasks",
		"Namespaces": "servicediscovery list-namespaces", "Services": `{"NamespaceId": "%s", "Services": %s}`,
	}
	for key := range readers {
		call, ok := calls[key]
		if !ok {
			t.Errorf("Import reads %q but the test does not say which command collects it", key)
			continue
		}
		if !strings.Contains(script, call) {
			t.Errorf("Commands() lacks %q, which collects %q", call, key)
		}
	}
	cmd := exec.Command("sh", "-n")
	cmd.Stdin = strings.NewReader(script)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("sh -n: %v\n%s", err, out)
	}
}

// TestImportConcatenatedAndWrapped reads answers in the forms the
// commands write: calls concatenated in one file, per-parent answers
// wrapped, and says what it cannot read.
func TestImportConcatenatedAndWrapped(t *testing.T) {
	files := []File{
		{Name: "vpcs.json", Data: []byte(`{"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16", "OwnerId": "111122223333"}]}
{"Vpcs": [{"VpcId": "vpc-2", "CidrBlock": "10.1.0.0/16", "OwnerId": "111122223333"}], "NextToken": null}`)},
		{Name: "subnets.json", Data: []byte(`{"Subnets": [{"SubnetId": "subnet-1", "VpcId": "vpc-1", "CidrBlock": "10.0.0.0/24", "AvailabilityZone": "eu-west-1a"}]}`)},
		{Name: "lb/health.json", Data: []byte(`{"TargetGroupArn": "arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/a/1", "TargetHealthDescriptions": [{"Target": {"Id": "10.0.0.9", "Port": 80}}]}
{"TargetGroupArn": "arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/a/1", "TargetHealthDescriptions": [{"Target": {"Id": "10.0.0.10", "Port": 80}}]}`)},
		{Name: "lb/groups.json", Data: []byte(`{"TargetGroups": [{"TargetGroupArn": "arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/a/1", "TargetGroupName": "a", "Port": 80, "Protocol": "HTTP", "VpcId": "vpc-1"}]}`)},
		{Name: "bare-health.json", Data: []byte(`{"TargetHealthDescriptions": []}`)},
		{Name: "odd.json", Data: []byte(`{"Reservations": [], "Mystery": 1}`)},
		{Name: "broken.json", Data: []byte(`{"Vpcs": [`)},
	}
	d, ds := Import(files)
	if ds.HasErrors() {
		t.Fatalf("Import = %v", ds)
	}
	if len(d.VPCs) != 2 || len(d.VPCs[0].Subnets) != 1 || d.VPCs[0].Region != "eu-west-1" {
		t.Errorf("vpcs = %+v; want both concatenated answers, the subnet in eu-west-1", d.VPCs)
	}
	if len(d.TargetGroups) != 1 || len(d.TargetGroups[0].Targets) != 2 {
		t.Errorf("target groups = %+v; want both wrapped answers' targets", d.TargetGroups)
	}
	var text strings.Builder
	for _, x := range ds {
		if x.Subject != nil {
			text.WriteString(x.Subject.Filename + ": ")
		}
		text.WriteString(x.Summary + "\n")
	}
	for _, want := range []string{
		`bare-health.json: "TargetHealthDescriptions" names no parent`,
		`odd.json: top-level key "Mystery" is not an answer netwright reads`,
		`broken.json: not the JSON the AWS CLI prints`,
		"no describe-route-tables answer: no route is known",
	} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("warnings lack %q:\n%s", want, text.String())
		}
	}
}

// TestClientIPPreservationDefaults pins NLB's defaults (AWS-FACTS.md,
// "Imported networks"): on for instance targets and UDP or TCP_UDP
// groups, off for IP targets of TCP and TLS groups, never for ALB.
func TestClientIPPreservationDefaults(t *testing.T) {
	for _, tt := range []struct {
		protocol, targetType string
		want                 bool
	}{
		{"TCP", "instance", true}, {"TCP", "ip", false}, {"TLS", "ip", false}, {"TLS", "instance", true},
		{"UDP", "ip", true}, {"TCP_UDP", "ip", true}, {"HTTP", "instance", false}, {"HTTPS", "ip", false},
	} {
		if got := preserveDefault(targetGroup{Protocol: tt.protocol, TargetType: tt.targetType}); got != tt.want {
			t.Errorf("preserveDefault(%s, %s) = %v; want %v", tt.protocol, tt.targetType, got, tt.want)
		}
	}
}
