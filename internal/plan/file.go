package plan

import (
	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/diag"
	"github.com/netwright/netwright/internal/spec"
)

// File decodes a spec file and designs it, returning every problem in it
// at once, sorted: the spec's own and the architects'. When the spec has
// errors it cannot be designed, but the architects' checks that read only
// the spec (the order and overlap of the ingress rules) still run on what
// decoded, so fixing the spec does not reveal a second round of errors.
// The design is nil when the diagnostics hold errors.
func File(filename string, src []byte) (*design.Design, diag.Diagnostics) {
	s, ds := spec.Decode(filename, src)
	switch {
	case s == nil:
		return nil, ds
	case ds.HasErrors():
		p := &planner{spec: s}
		p.specOnlyChecks()
		ds = append(ds, p.diags...)
		ds.Sort()
		return nil, ds
	}
	d, more := Build(s)
	ds = append(ds, more...)
	ds.Sort()
	return d, ds
}

// specOnlyChecks runs the architects' checks that need no layout, for a
// spec that cannot be laid out.
func (p *planner) specOnlyChecks() {
	p.orderIngress()
}
