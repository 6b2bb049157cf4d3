package spec

import (
	"strings"
	"testing"
)

// TestLabelSuggestsOnlyValidNames: the "did you mean" of a bad name is
// itself a name the spec takes, or there is none.
func TestLabelSuggestsOnlyValidNames(t *testing.T) {
	for _, tt := range []struct{ app, suggestion string }{
		{"Shop", `Did you mean "shop"?`},
		{"Web-", ""},
		{"Shop_App", ""},
	} {
		_, ds := Parse("label.yaml", []byte("version: 1\napp: "+tt.app+"\nservices:\n  web: {port: 8080}\n"))
		var detail string
		for _, d := range ds {
			if strings.HasPrefix(d.Summary, "app:") {
				detail = d.Detail
			}
		}
		if detail == "" {
			t.Errorf("app %q: no diagnostic", tt.app)
			continue
		}
		if got := strings.HasPrefix(detail, "Did you mean"); got != (tt.suggestion != "") || !strings.HasPrefix(detail, tt.suggestion) {
			t.Errorf("app %q: detail %q; want %q", tt.app, detail, tt.suggestion)
		}
	}
}
