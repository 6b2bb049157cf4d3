package findings

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/netwright/netwright/internal/analysis"
	"github.com/netwright/netwright/internal/design"
)

// broken is the analyzer's report on a fixture design with findings of
// every severity and a blocked path.
func broken(t *testing.T) *analysis.Report {
	t.Helper()
	var r analysis.Report
	for _, id := range []string{"NW101", "NW113", "NW121"} {
		b, err := os.ReadFile("../../analysis/testdata/checks/" + id + ".json")
		if err != nil {
			t.Fatal(err)
		}
		d, err := design.Decode(b)
		if err != nil {
			t.Fatal(err)
		}
		got := analysis.Analyze(d)
		r.Findings = append(r.Findings, got.Findings...)
		r.Matrix = got.Matrix
	}
	return &r
}

func TestSARIFValidatesAgainstSchema(t *testing.T) {
	schemaFile, err := os.Open("testdata/sarif-2.1.0-rtm.5.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(schemaFile)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("sarif.json", doc); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile("sarif.json")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := SARIF(&out, broken(t), Options{SpecFile: "spec.yaml"}); err != nil {
		t.Fatal(err)
	}
	log, err := jsonschema.UnmarshalJSON(bytes.NewReader(out.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(log); err != nil {
		t.Fatalf("SARIF output does not validate: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), `"ruleId": "NW101"`) {
		t.Error("the blocked flow is not in the SARIF results")
	}
	// And the schema rejects a broken log, so the check can fail.
	var bad map[string]any
	json.Unmarshal(out.Bytes(), &bad)
	bad["version"] = "9.9"
	b, _ := json.Marshal(bad)
	badLog, _ := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if schema.Validate(badLog) == nil {
		t.Error("the schema accepted version 9.9")
	}
}

func TestJUnit(t *testing.T) {
	var out bytes.Buffer
	if err := JUnit(&out, broken(t)); err != nil {
		t.Fatal(err)
	}
	var suite struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Cases    []struct {
			Name     string `xml:"name,attr"`
			Failures []struct {
				Message string `xml:"message,attr"`
			} `xml:"failure"`
		} `xml:"testcase"`
	}
	if err := xml.Unmarshal(out.Bytes(), &suite); err != nil {
		t.Fatalf("JUnit output does not parse: %v", err)
	}
	if suite.Tests != len(analysis.Checks()) || suite.Failures != 2 {
		t.Errorf("tests=%d failures=%d; want one case per check and 2 failing (the note passes)", suite.Tests, suite.Failures)
	}
}

func TestTextAndJSON(t *testing.T) {
	r := broken(t)
	var text bytes.Buffer
	if err := Text(&text, r, Options{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"ERRORS (", "NW101 Declared flow is blocked", "BLOCKED security groups of db (ingress)", "fix: ", "Reachability between services", "NOTES ("} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, text.String())
		}
	}
	var js bytes.Buffer
	if err := JSON(&js, r); err != nil {
		t.Fatal(err)
	}
	var back struct {
		Checks   []analysis.Check   `json:"checks"`
		Findings []analysis.Finding `json:"findings"`
	}
	if err := json.Unmarshal(js.Bytes(), &back); err != nil || len(back.Checks) != len(analysis.Checks()) || len(back.Findings) != len(r.Findings) {
		t.Errorf("JSON round trip: %v, %d checks, %d findings", err, len(back.Checks), len(back.Findings))
	}
}
