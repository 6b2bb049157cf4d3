package terraform

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/netwright/netwright/internal/plan/plantest"
)

// TestCustomerGatewayASNArgument checks a customer gateway's ASN goes in
// bgp_asn up to 2,147,483,647 and in bgp_asn_extended above it:
// CreateCustomerGateway says "If the ASN is larger than 2,147,483,647, you
// must use BgpAsnExtended"
// (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateCustomerGateway.html),
// and hashicorp/aws parses bgp_asn with strconv.ParseInt(v, 10, 32), so a
// larger value fails at apply (internal/service/ec2/vpnsite_customer_gateway.go).
func TestCustomerGatewayASNArgument(t *testing.T) {
	src, err := os.ReadFile("../../../examples/hybrid.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		asn, arg string
	}{
		{"65010", "bgp_asn"},
		{"2147483647", "bgp_asn"},
		{"2147483648", "bgp_asn_extended"},
		{"4200000001", "bgp_asn_extended"},
	} {
		t.Run(tc.asn, func(t *testing.T) {
			spec := strings.Replace(string(src), "asn: 65010", "asn: "+tc.asn, 1)
			files, _, err := Render(plantest.Design(t, "hybrid.yaml", []byte(spec)))
			if err != nil {
				t.Fatal(err)
			}
			cgw := regexp.MustCompile(`(?s)resource "aws_customer_gateway" "\w+" \{.*?\n\}`).FindString(string(files["network.tf"]))
			if cgw == "" {
				t.Fatalf("network.tf has no customer gateway:\n%s", files["network.tf"])
			}
			got := regexp.MustCompile(`(?m)^\s*(bgp_asn\w*)\s*=\s*"(\d+)"`).FindAllStringSubmatch(cgw, -1)
			if len(got) != 1 || got[0][1] != tc.arg || got[0][2] != tc.asn {
				t.Errorf("customer gateway with ASN %s:\n%s\nwant only %s = %q", tc.asn, cgw, tc.arg, tc.asn)
			}
			m := regexp.MustCompile(`"hashicorp/aws"[^}]*version\s*=\s*">=\s*([0-9.]+)`).FindSubmatch(files["versions.tf"])
			if m == nil || versionLess(string(m[1]), argumentsSince[[2]string{"aws_customer_gateway", "bgp_asn_extended"}]) {
				t.Errorf("versions.tf admits a hashicorp/aws without bgp_asn_extended:\n%s", files["versions.tf"])
			}
		})
	}
}
