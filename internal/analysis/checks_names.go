package analysis

import (
	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/diag"
)

// NW130: every name the design gives an AWS resource is one AWS takes
// (design.NameProblems holds the rules, each kind's from its AWS page).
var _ = register(Check{ID: "NW130", Severity: diag.Error, Title: "Name AWS refuses",
	Rationale: "AWS checks a resource's name when it creates it: a load balancer named internal-..., a security group named sg-..., a VPC Lattice name with two hyphens together or a reserved prefix, an S3 bucket named xn--..., a name past its length, or a name another resource of its kind already has in the Region or VPC stops the deploy halfway.",
	Fix:       "Rename the resource as its kind's rules allow (the finding names the rule and the AWS page); netwright's architects name every resource that way. Where the name comes from the spec, change the spec.",
	Peers:     "none; cfn-lint E3031 checks one property's pattern at a time, never uniqueness",
	run: func(d *design.Design, _ *Engine) []Finding {
		var out []Finding
		for _, p := range d.NameProblems() {
			out = append(out, finding(p.Of, "%v (%s)", p.Err, p.Kind.Source()))
		}
		return out
	}})
