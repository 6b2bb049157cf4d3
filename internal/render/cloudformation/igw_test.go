package cloudformation

import (
	"slices"
	"strings"
	"testing"
)

// TestCreatedAfterTheGatewayAttachment: CloudFormation's DependsOn page
// ("When a DependsOn attribute is required") lists Elastic IPs and Elastic
// Load Balancing load balancers with a public address among the resources
// that depend on the VPC-gateway attachment; neither refers to it, so each
// must name it.
func TestCreatedAfterTheGatewayAttachment(t *testing.T) {
	checked := 0
	for name, f := range examples(t) {
		if f.Nested {
			continue // a layer stack: its parent orders the stacks
		}
		for id, r := range plain(t, f)["Resources"].(map[string]any) {
			r := r.(map[string]any)
			props, _ := r["Properties"].(map[string]any)
			switch r["Type"] {
			case "AWS::EC2::EIP":
			case "AWS::ElasticLoadBalancingV2::LoadBalancer":
				if props["Scheme"] != "internet-facing" {
					continue
				}
			default:
				continue
			}
			checked++
			deps, _ := r["DependsOn"].([]any)
			if !slices.ContainsFunc(deps, func(d any) bool {
				s, _ := d.(string)
				return strings.HasSuffix(s, "Attachment") && strings.HasPrefix(s, "Igw")
			}) {
				t.Errorf("%s: %s (%s) does not depend on the internet gateway's attachment: %v", name, id, r["Type"], deps)
			}
		}
	}
	if checked == 0 {
		t.Fatal("no Elastic IP or internet-facing load balancer found")
	}
}
