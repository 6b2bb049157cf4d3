package analysis

import (
	"fmt"
	"strings"
	"testing"

	"github.com/netwright/netwright/internal/golden"
)

// checksDoc is docs/checks.md, made from the checklist itself so the table
// in the docs is always the one the analyzer runs.
func checksDoc() string {
	var b strings.Builder
	b.WriteString("# The checklist\n\n`netwright check` runs these checks on every design (generated from the code by\n")
	b.WriteString("`go test ./internal/analysis -update`; do not edit by hand). Errors fail `check` by default;\n")
	b.WriteString("`--fail-on warning` fails on warnings too; notes never fail.\n\n")
	b.WriteString("| ID | severity | check | why | fix | checkov / trivy |\n| --- | --- | --- | --- | --- | --- |\n")
	for _, c := range Checks() {
		peers := c.Peers
		if peers == "" {
			peers = "none (needs the whole design)"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", c.ID, c.Severity, c.Title, c.Rationale, c.Fix, peers)
	}
	b.WriteString(scannerSection)
	return b.String()
}

// scannerSection says what configuration scanners flag in netwright's
// exports on purpose, and why; internal/plan/waivers.go writes the same
// reasons beside each resource in the exports.
const scannerSection = `
## What scanners flag on purpose

trivy (` + "`trivy config`" + `) and checkov read one resource at a time. Where a
finding is a weakness, the design removes it: tasks on ECS on EC2 and EKS
have no NAT egress for image pulls (their hosts pull, through the nodes
group), Container Insights is on in production, and the access-log bucket
keeps versions. Where the finding is the design's intent, the export says
why beside the resource, in each scanner's inline form: ` + "`# trivy:ignore:ID reason`" + `
above it (YAML templates and Terraform), ` + "`checkov:skip=ID:reason`" + ` inside it
(Terraform) or in its ` + "`Metadata`" + ` (CloudFormation). trivy reads no inline
ignores in JSON templates, so the CloudFormation export also writes
` + "`.trivyignore.yaml`" + ` with the same reasons per template
(` + "`trivy config --ignorefile DIR/.trivyignore.yaml DIR`" + `).
` + "`scripts/scan-exports.sh`" + ` runs trivy on every example's exports in CI and fails on
anything at HIGH or CRITICAL left unexplained.

| scanner check | severity | what it flags | why the design keeps it |
| --- | --- | --- | --- |
| AVD-AWS-0104 | critical | security group egress to 0.0.0.0/0 | declared egress to a host name (` + "`services.X.egress`" + `): a security group takes addresses only, so the rule opens that one port, through NAT (and the appliances inspect it when ` + "`inspection.flows`" + ` has egress); or ` + "`network.endpoints`" + ` lacks the endpoints Fargate tasks need to start, so image pulls reach AWS's public endpoints through NAT (add the endpoints and the rule goes); or, on an EKS nodes group, ` + "`network.endpoints`" + ` lacks ` + "`elasticloadbalancing`" + ` or ` + "`vpc-lattice`" + `, which the AWS Load Balancer Controller and the AWS Gateway API Controller call from the nodes through NAT (add them and the rule goes) |
| AVD-AWS-0102, AVD-AWS-0105, CKV_AWS_352 | critical, medium | NACL rule for every protocol and port | Transit Gateway attachment subnets, whose NACL AWS advises to keep open (traffic is filtered where it starts and ends), and GWLB endpoint subnets, which carry every inspected flow to the appliances |
| AVD-AWS-0105 | medium | NACL ingress from 0.0.0.0/0 on a range holding 22 or 3389 | answers on the ephemeral ports 1024-65535 that NAT gateways and load balancers answer on (NACLs are stateless); the security groups admit no SSH or RDP |
| AVD-AWS-0053 | high | internet-facing load balancer | it serves the spec's public services; its group admits only its listeners' ports |
| AVD-AWS-0054, CKV_AWS_2 | critical | load balancer listener without TLS | an internal ALB listener inside the VPC, reached only by the declared callers' groups; HTTPS there needs a certificate for an internal name from a private CA |
| AVD-AWS-0132, CKV_AWS_145 | high | bucket without a customer-managed KMS key | Elastic Load Balancing writes access logs only to a bucket encrypted with S3-managed keys (SSE-S3) |
| AVD-AWS-0034, CKV_AWS_65 | low | ECS cluster without Container Insights | outside production only (it is billed per metric) |
| AVD-AWS-0011, CKV_AWS_68 | high | CloudFront distribution without a WAF web ACL | ` + "`edge.cloudfront`" + ` designs no AWS WAF rules (the spec declares none); the ALB behind admits only CloudFront's origin-facing servers with the secret origin header. Attach a web ACL (scope CLOUDFRONT, in us-east-1) by its ARN as the distribution's WebACLId |

Left as scanners report them, all low: CloudWatch log groups without a
customer-managed key (AVD-AWS-0017; CloudWatch Logs encrypts at rest by
default) and the access-log bucket without server access logging
(AVD-AWS-0089; it would need a bucket of its own for the logs' logs).
`

func TestChecksDocIsCurrent(t *testing.T) {
	golden.Check(t, "../../docs/checks.md", []byte(checksDoc()))
}
