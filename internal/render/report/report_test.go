package report

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/net/html"

	"github.com/netwright/netwright/internal/analysis"
	"github.com/netwright/netwright/internal/awsimport"
	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/golden"
	"github.com/netwright/netwright/internal/plan/plantest"
)

func example(t *testing.T, name string) (*design.Design, *analysis.Report) {
	t.Helper()
	d := plantest.File(t, "../../../examples/"+name+".yaml")
	return d, analysis.Analyze(d)
}

func TestMarkdownGolden(t *testing.T) {
	for _, name := range []string{"three-tier", "shop", "hub-spoke", "two-region"} {
		d, r := example(t, name)
		var b bytes.Buffer
		if err := Markdown(&b, d, r, d.App+".svg"); err != nil {
			t.Fatal(err)
		}
		golden.Check(t, filepath.Join("testdata", name+".md"), b.Bytes())
	}
}

// TestHTMLIsSelfContained parses the HTML report and checks it has the
// diagram inline, every section, and no external resource.
func TestHTMLIsSelfContained(t *testing.T) {
	d, r := example(t, "shop")
	var b bytes.Buffer
	if err := HTML(&b, d, r); err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatalf("the report is not HTML: %v", err)
	}
	var headings []string
	var svgs, tables int
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "h2":
				headings = append(headings, n.FirstChild.Data)
			case "svg":
				svgs++
			case "table":
				tables++
			case "script", "link", "img":
				t.Errorf("the report loads an external %s", n.Data)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	want := []string{"Overview", "Subnets and capacity", "Security groups: who may open connections to whom", "Load balancers and listener rules",
		"Target groups and health checks", "Service discovery", "Mesh traffic policy", "Findings", "Recommendations", "Monthly cost estimate"}
	if diff := cmp.Diff(want, headings); diff != "" {
		t.Errorf("sections (-want +got):\n%s", diff)
	}
	if svgs != 1 || tables < 8 {
		t.Errorf("%d inline diagrams and %d tables; want 1 and at least 8", svgs, tables)
	}
	if !strings.Contains(b.String(), "storefront calls catalog") {
		t.Error("the security-group matrix lacks a declared edge")
	}
}

// TestImportedNetworkGolden: the review of a network netwright import read
// (the fixture account) says what it is, not what a planned design
// promises: where it came from, its interfaces per subnet and route
// tables, every group's rules as they are, each target group's targets
// and their health, and the findings that apply to real networks.
func TestImportedNetworkGolden(t *testing.T) {
	d, ds := awsimport.ReadDir(os.DirFS("../../awsimport/testdata/network"), ".")
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	var b bytes.Buffer
	if err := Markdown(&b, d, analysis.Analyze(d), d.App+".svg"); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "testdata/imported.md", b.Bytes())
	for _, wrong := range []string{"everything else is denied", "a rule exists only for a declared flow", "the  pattern"} {
		if strings.Contains(b.String(), wrong) {
			t.Errorf("the review of a real network says %q", wrong)
		}
	}
}
