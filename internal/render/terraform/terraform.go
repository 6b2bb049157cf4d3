// Package terraform renders a design as Terraform for the AWS provider
// (v5 and v6 resource names), written with hclwrite so the output is
// canonically formatted HCL: versions.tf, variables.tf, one file per layer
// (network, security, load balancing, services) and outputs.tf. A
// multi-Region design uses one aliased provider per Region. It reads only
// the design.
package terraform

import (
	"slices"
	"strings"
	"unicode"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"

	"github.com/netwright/netwright/internal/design"
)

// Files are the rendered configuration, by file name.
type Files map[string][]byte

// writer builds the configuration's files.
type writer struct {
	d     *design.Design
	files map[string]*hclwrite.File
	vars  map[string]string // name -> description
	// sensitive are the variables that hold secrets.
	sensitive map[string]bool
	notes     []string
	aliases   map[string]string // Region -> provider alias
	// regions has a provider each: the design's, and us-west-2 for
	// Global Accelerator's control plane.
	regions []string
	// err is the first reason the design cannot be rendered.
	err error
	// podRoles are the EKS pods' roles the cluster configuration
	// associates.
	podRoles []podRole
}

func (w *writer) fail(err error) {
	if w.err == nil {
		w.err = err
	}
}

// name turns a design ID into a Terraform name: letters, digits and
// underscores, not starting with a digit.
func name(id string) string {
	var b strings.Builder
	for _, r := range id {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		} else {
			b.WriteByte('_')
		}
	}
	s := b.String()
	if s == "" || unicode.IsDigit(rune(s[0])) {
		s = "_" + s
	}
	return s
}

// ref is an expression such as aws_vpc.shop.id.
func ref(parts ...string) hclwrite.Tokens {
	tr := hcl.Traversal{hcl.TraverseRoot{Name: parts[0]}}
	for _, p := range parts[1:] {
		tr = append(tr, hcl.TraverseAttr{Name: p})
	}
	return hclwrite.TokensForTraversal(tr)
}

func list(items ...hclwrite.Tokens) hclwrite.Tokens { return hclwrite.TokensForTuple(items) }

func refs(typ string, ids []string, attr string) hclwrite.Tokens {
	var items []hclwrite.Tokens
	for _, id := range ids {
		items = append(items, ref(typ, name(id), attr))
	}
	return list(items...)
}

func (w *writer) file(n string) *hclwrite.Body {
	f, ok := w.files[n]
	if !ok {
		f = hclwrite.NewEmptyFile()
		w.files[n] = f
	}
	return f.Body()
}

// resource appends a resource block in a Region and returns its body.
func (w *writer) resource(file, typ, id, region string, waivers ...*design.Waiver) *hclwrite.Body {
	body := w.file(file)
	if len(body.Blocks()) > 0 {
		body.AppendNewline()
	}
	trivy, checkov := scannerComments(waivers)
	for _, c := range trivy {
		body.AppendUnstructuredTokens(hclwrite.Tokens{{Type: hclsyntax.TokenComment, Bytes: []byte("# " + c + "\n")}})
	}
	b := body.AppendNewBlock("resource", []string{typ, name(id)}).Body()
	for _, c := range checkov {
		b.AppendUnstructuredTokens(hclwrite.Tokens{{Type: hclsyntax.TokenComment, Bytes: []byte("# " + c + "\n")}})
	}
	if alias := w.aliases[region]; alias != "" {
		b.SetAttributeTraversal("provider", hcl.Traversal{hcl.TraverseRoot{Name: "aws"}, hcl.TraverseAttr{Name: alias}})
	}
	return b
}

// scannerComments writes waivers in the scanners' inline forms: trivy's
// "trivy:ignore:ID reason", read on the lines above a resource, and
// checkov's "checkov:skip=ID:reason", read inside it.
func scannerComments(waivers []*design.Waiver) (trivy, checkov []string) {
	for _, wv := range waivers {
		if wv == nil {
			continue
		}
		for _, c := range wv.Checks {
			if strings.HasPrefix(c, "CKV") {
				checkov = append(checkov, "checkov:skip="+c+":"+wv.Reason)
			} else {
				trivy = append(trivy, "trivy:ignore:"+c+" "+wv.Reason)
			}
		}
	}
	return trivy, checkov
}

func (w *writer) variable(n, desc string) hclwrite.Tokens {
	w.vars[n] = desc
	return ref("var", n)
}

func str(s string) cty.Value { return cty.StringVal(s) }

func num(n int) cty.Value { return cty.NumberIntVal(int64(n)) }

func tagsOf(b *hclwrite.Body, n string) {
	b.SetAttributeValue("tags", cty.MapVal(map[string]cty.Value{"Name": str(n)}))
}

// Render returns the files and notes on what is left out.
func Render(d *design.Design) (Files, []string, error) {
	w := &writer{d: d, files: map[string]*hclwrite.File{}, vars: map[string]string{}, aliases: map[string]string{}, sensitive: map[string]bool{}}
	w.regions = d.Regions
	if d.Global != nil && d.Global.Accelerator != nil && !slices.Contains(d.Regions, acceleratorRegion) {
		w.regions = append(slices.Clone(d.Regions), acceleratorRegion)
	}
	if len(w.regions) > 1 {
		for _, r := range w.regions {
			w.aliases[r] = name(r)
		}
	}
	w.versions()
	w.network()
	w.privateZones()
	w.transit()
	w.sites()
	w.security()
	w.resolver()
	w.loadBalancing()
	w.distribution()
	w.services()
	w.lattice()
	w.outputs()
	w.writeVariables()
	if w.err != nil {
		return nil, nil, w.err
	}
	out := Files{}
	for n, f := range w.files {
		out[n] = hclwrite.Format(f.Bytes())
	}
	for n, b := range w.cluster() {
		out[n] = b
	}
	if guide := w.readme(); guide != nil {
		out[ReadmeName(d)] = guide
	}
	slices.Sort(w.notes)
	return out, slices.Compact(w.notes), nil
}

// writeVariables declares the variables the configuration uses.
func (w *writer) writeVariables() {
	vars := w.file("variables.tf")
	for _, n := range slices.Sorted(mapKeys(w.vars)) {
		if len(vars.Blocks()) > 0 {
			vars.AppendNewline()
		}
		v := vars.AppendNewBlock("variable", []string{n}).Body()
		v.SetAttributeTraversal("type", hcl.Traversal{hcl.TraverseRoot{Name: "string"}})
		v.SetAttributeValue("description", str(w.vars[n]))
		if w.sensitive[n] {
			v.SetAttributeValue("sensitive", cty.True)
		}
	}
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// providerConstraint is the hashicorp/aws releases the configuration
// works with. Its floor is the first release with every argument the
// writer sets (the newest: aws_cloudfront_distribution's cache behaviors'
// grpc_config, in 5.83.0); an older provider refuses the configuration
// instead of being upgraded. TestProviderFloorHasEveryArgument keeps the
// two in step.
const providerConstraint = ">= 5.83, < 7.0"

func (w *writer) versions() {
	b := w.file("versions.tf")
	tf := b.AppendNewBlock("terraform", nil).Body()
	tf.SetAttributeValue("required_version", str(">= 1.5"))
	rp := tf.AppendNewBlock("required_providers", nil).Body()
	rp.SetAttributeValue("aws", cty.ObjectVal(map[string]cty.Value{"source": str("hashicorp/aws"), "version": str(providerConstraint)}))
	for _, r := range w.regions {
		b.AppendNewline()
		p := b.AppendNewBlock("provider", []string{"aws"}).Body()
		if a := w.aliases[r]; a != "" {
			p.SetAttributeValue("alias", str(a))
		}
		p.SetAttributeValue("region", str(r))
	}
}

// azData declares the Region's AZ list, which subnets pick from by index.
func (w *writer) azData(region string) hclwrite.Tokens {
	n := "available"
	if a := w.aliases[region]; a != "" {
		n = a
	}
	body := w.file("network.tf")
	for _, blk := range body.Blocks() {
		if blk.Type() == "data" && slices.Equal(blk.Labels(), []string{"aws_availability_zones", n}) {
			return ref("data", "aws_availability_zones", n, "names")
		}
	}
	blk := body.AppendNewBlock("data", []string{"aws_availability_zones", n}).Body()
	if a := w.aliases[region]; a != "" {
		blk.SetAttributeTraversal("provider", hcl.Traversal{hcl.TraverseRoot{Name: "aws"}, hcl.TraverseAttr{Name: a}})
	}
	blk.SetAttributeValue("state", str("available"))
	body.AppendNewline()
	return ref("data", "aws_availability_zones", n, "names")
}

// accountData declares the account and partition the Region's provider
// runs in, for policies that name the account, and returns the tokens of
// the account's root principal ARN inside a string template.
func (w *writer) accountData(region string) string {
	n := "current"
	if a := w.aliases[region]; a != "" {
		n = a
	}
	body := w.file("services.tf")
	for _, blk := range body.Blocks() {
		if blk.Type() == "data" && slices.Equal(blk.Labels(), []string{"aws_caller_identity", n}) {
			return "arn:${data.aws_partition." + n + ".partition}:iam::${data.aws_caller_identity." + n + ".account_id}:root"
		}
	}
	for _, typ := range []string{"aws_caller_identity", "aws_partition"} {
		blk := body.AppendNewBlock("data", []string{typ, n}).Body()
		if a := w.aliases[region]; a != "" {
			blk.SetAttributeTraversal("provider", hcl.Traversal{hcl.TraverseRoot{Name: "aws"}, hcl.TraverseAttr{Name: a}})
		}
		body.AppendNewline()
	}
	return "arn:${data.aws_partition." + n + ".partition}:iam::${data.aws_caller_identity." + n + ".account_id}:root"
}

func index(list hclwrite.Tokens, i int) hclwrite.Tokens {
	t := append(hclwrite.Tokens{}, list...)
	t = append(t, &hclwrite.Token{Type: hclsyntax.TokenOBrack, Bytes: []byte("[")})
	t = append(t, hclwrite.TokensForValue(num(i))...)
	t = append(t, &hclwrite.Token{Type: hclsyntax.TokenCBrack, Bytes: []byte("]")})
	return t
}

func travers(parts ...string) hcl.Traversal {
	tr := hcl.Traversal{hcl.TraverseRoot{Name: parts[0]}}
	for _, p := range parts[1:] {
		tr = append(tr, hcl.TraverseAttr{Name: p})
	}
	return tr
}
