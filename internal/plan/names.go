package plan

import (
	"fmt"
	"strings"

	"github.com/netwright/netwright/internal/design"
)

// nameBook gives AWS resources their names: each valid for its kind
// (design.FitName keeps a valid name and makes a stable, valid one of any
// other) and unique where AWS wants it unique, in a Region, a VPC or the
// account. It remembers the names given, by kind and scope.
type nameBook map[string]bool

// take returns the first candidate, made valid for kind within limit
// characters, that nothing of the kind holds in scope yet; when every one
// is held, the first with "-2", "-3", ... after it. AWS compares these
// names without regard to case, and so does take.
func (b nameBook) take(kind design.NameKind, scope string, limit int, candidates ...string) string {
	try := func(want string) (string, bool) {
		n := design.FitNameWithin(kind, want, limit)
		key := fmt.Sprintf("%d\x00%s\x00%s", kind, scope, strings.ToLower(n))
		if b[key] {
			return "", false
		}
		b[key] = true
		return n, true
	}
	for _, c := range candidates {
		if n, ok := try(c); ok {
			return n
		}
	}
	for i := 2; ; i++ {
		if n, ok := try(fmt.Sprintf("%s-%d", candidates[0], i)); ok {
			return n
		}
	}
}

// awsName names a resource of kind, unique in scope (see nameBook.take).
func (p *planner) awsName(kind design.NameKind, scope string, candidates ...string) string {
	return p.awsNameWithin(kind, scope, kind.MaxLen(), candidates...)
}

// awsNameWithin is awsName for names kept within limit characters, as
// some kinds' names always were.
func (p *planner) awsNameWithin(kind design.NameKind, scope string, limit int, candidates ...string) string {
	if p.names == nil {
		p.names = nameBook{}
	}
	return p.names.take(kind, scope, limit, candidates...)
}
