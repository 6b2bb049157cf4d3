package cli

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/tools/txtar"
)

const driftSpec = "../analysis/testdata/drift/shop.yaml"

// importedDesign imports the fixture account into a design file.
func importedDesign(t *testing.T) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "design.json")
	if r := run(t, false, nil, "import", fixtureAccount, "-o", file); r.code != ExitOK {
		t.Fatalf("import = %d %s", r.code, r.stderr)
	}
	return file
}

// validSARIF fails the test unless out is a SARIF 2.1.0 log.
func validSARIF(t *testing.T, out string) {
	t.Helper()
	f, err := os.Open("../render/findings/testdata/sarif-2.1.0-rtm.5.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
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
	log, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
	if err != nil {
		t.Fatalf("SARIF does not parse: %v", err)
	}
	if err := schema.Validate(log); err != nil {
		t.Fatalf("SARIF does not validate: %v", err)
	}
}

// TestDiffCommand: diff of the fixture spec against the fixture account
// exits 1 with the blocked call, the missing service and the extra
// instances, in text, JSON and SARIF; --fail-on never exits 0; --bind
// binds billing by hand, so it is no longer missing; a planned design
// in --design is refused.
func TestDiffCommand(t *testing.T) {
	file := importedDesign(t)
	r := run(t, false, nil, "diff", driftSpec, "--design", file)
	for _, want := range []string{"worker is instance name i-0a00000000000app1", "NW160 Declared flow is blocked in the real network", "ENI_SG_RULES_MISMATCH at sg-0a0000000000000a3",
		"NW162", "service billing is nowhere", "NW163", "Reachability between services"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("diff text lacks %q:\n%s", want, r.stdout)
		}
	}
	if r.code != ExitSpec {
		t.Errorf("diff with drift = %d; want %d", r.code, ExitSpec)
	}
	r = run(t, false, nil, "diff", driftSpec, "--design", file, "-o", "json")
	var doc struct {
		Bindings []struct{ Service, How string }   `json:"bindings"`
		Findings []struct{ Check, Subject string } `json:"findings"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil || len(doc.Bindings) != 3 {
		t.Fatalf("diff -o json: %v, %d bindings\n%s", err, len(doc.Bindings), r.stdout)
	}
	checks := map[string]int{}
	for _, f := range doc.Findings {
		checks[f.Check]++
	}
	if checks["NW160"] != 1 || checks["NW162"] != 1 || checks["NW163"] != 5 || checks["NW161"] == 0 {
		t.Errorf("diff findings by check = %v; want one blocked flow, one missing service, five extra instances, undeclared flows", checks)
	}
	r = run(t, false, nil, "diff", driftSpec, "--design", file, "-o", "sarif")
	validSARIF(t, r.stdout)
	if !strings.Contains(r.stdout, `"ruleId": "NW160"`) || !strings.Contains(r.stdout, `"id": "NW163"`) {
		t.Errorf("SARIF lacks the drift rules or results")
	}
	if r := run(t, false, nil, "diff", driftSpec, "--design", file, "--fail-on", "never"); r.code != ExitOK {
		t.Errorf("diff --fail-on never = %d; want 0", r.code)
	}
	r = run(t, false, nil, "diff", driftSpec, "--design", file, "--bind", "billing=i-0a00000000000web1", "-o", "json")
	if strings.Contains(r.stdout, `"check": "NW162"`) || !strings.Contains(r.stdout, `"how": "given"`) {
		t.Errorf("diff --bind billing=...: billing still missing or not bound by hand:\n%s", r.stdout)
	}
	if r := run(t, false, nil, "diff", driftSpec, "--design", file, "--bind", "nosuch=i-0a00000000000web1"); r.code != ExitUsage || !strings.Contains(r.stderr, `no service "nosuch"`) {
		t.Errorf("diff --bind of an unknown service = %d %s; want a usage error", r.code, r.stderr)
	}
	planned := filepath.Join(t.TempDir(), "planned.json")
	p := run(t, false, nil, "plan", driftSpec, "-o", "json")
	os.WriteFile(planned, []byte(p.stdout), 0o644)
	if r := run(t, false, nil, "diff", driftSpec, "--design", planned); r.code != ExitUsage || !strings.Contains(r.stderr, "planned design") {
		t.Errorf("diff against a planned design = %d %s; want a usage error", r.code, r.stderr)
	}
	if r := run(t, false, nil, "diff", driftSpec); r.code != ExitUsage {
		t.Errorf("diff without --design = %d; want a usage error", r.code)
	}
}

// logOf is one section of a flows fixture.
func logOf(t *testing.T, file, name string) []byte {
	t.Helper()
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range ar.Files {
		if f.Name == name {
			return f.Data
		}
	}
	t.Fatalf("%s has no %s", file, name)
	return nil
}

// TestFlowsCommand reads the fixture account's flow logs gzipped, as S3
// delivers them, against the fixture spec in the imported account: the
// undeclared flows and the rejected declared one fail it; JSON and SARIF
// carry the same; a bad line is a warning with its file and line; the
// form up --isolation netns writes reads against the spec alone.
func TestFlowsCommand(t *testing.T) {
	file := importedDesign(t)
	dir := t.TempDir()
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(logOf(t, "../analysis/testdata/flows/account.txtar", "flows.log"))
	zw.Write([]byte("this is not a record\n"))
	zw.Close()
	logFile := filepath.Join(dir, "123456789012_vpcflowlogs_us-east-1_fl-0a1b_20240501T1000Z_hash.log.gz")
	os.WriteFile(logFile, gz.Bytes(), 0o644)

	r := run(t, false, nil, "flows", driftSpec, "--design", file, logFile)
	for _, want := range []string{"16 records from 1 files", "worker->db:5432/tcp", "REJECTED", "never seen", "Undeclared flows accepted",
		"let through at eni-0a00000000000app1 (egress): sg-0a0000000000000a4 -1 all 0.0.0.0/0", "VPC Block Public Access (reject-reason BPA)",
		"via nat-0a000000000000001", "Top talkers", "NW171"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("flows text lacks %q:\n%s", want, r.stdout)
		}
	}
	if r.code != ExitSpec || !strings.Contains(r.stderr, logFile+":18: warning: skipped") {
		t.Errorf("flows = %d, stderr %s; want 1 and the bad line's warning", r.code, r.stderr)
	}
	r = run(t, false, nil, "flows", driftSpec, "--design", file, logFile, "-o", "json")
	var doc struct {
		Files    []struct{ Records, Bad int } `json:"files"`
		Records  int                          `json:"records"`
		Declared []struct {
			Flow string
			Seen bool
		} `json:"declared"`
		Translated []struct{ Client, Server, Via string } `json:"translated"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil || doc.Records != 16 || len(doc.Files) != 1 || doc.Files[0].Bad != 1 {
		t.Fatalf("flows -o json: %v %+v\n%s", err, doc, r.stdout)
	}
	if len(doc.Translated) != 1 || doc.Translated[0].Client != "worker" || doc.Translated[0].Via != "nat-0a000000000000001" {
		t.Errorf("translated = %+v; want worker through the NAT gateway", doc.Translated)
	}
	r = run(t, false, nil, "flows", driftSpec, "--design", file, logFile, "-o", "sarif")
	validSARIF(t, r.stdout)
	if !strings.Contains(r.stdout, `"ruleId": "NW171"`) {
		t.Error("SARIF lacks the undeclared flows")
	}

	netns := filepath.Join(dir, "vpc-shop.log")
	os.WriteFile(netns, logOf(t, "../analysis/testdata/flows/netns.txtar", "vpc-shop.log"), 0o644)
	r = run(t, false, nil, "flows", "../../examples/shop.yaml", netns, "--fail-on", "never")
	if r.code != ExitOK || !strings.Contains(r.stdout, "a NACL: answers were rejected whose requests were accepted") || !strings.Contains(r.stdout, "storefront->cart:8080/tcp") {
		t.Errorf("flows of up's netns log = %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := run(t, false, nil, "flows", netns); r.code != ExitUsage {
		t.Errorf("flows without a spec or design = %d; want a usage error", r.code)
	}
	if r := run(t, false, nil, "flows", "../../examples/shop.yaml", netns, "--format", "version Src"); r.code != ExitUsage {
		t.Errorf("flows --format with a bad field = %d; want a usage error", r.code)
	}
}

// TestReachICMPAndOtherProtocols: reach --protocol icmp pings (PORT is
// the ICMP type, 8 when left out); another protocol's number crosses a
// NAT gateway only if TCP, UDP or ICMP; an unknown protocol is a usage
// error.
func TestReachICMPAndOtherProtocols(t *testing.T) {
	file := importedDesign(t)
	r := run(t, false, nil, "reach", "--design", file, "--protocol", "icmp", "i-0a00000000000app1", "8.8.8.8")
	if r.code != ExitOK || !strings.Contains(r.stdout, "i-0a00000000000app1 -> 8.8.8.8 icmp 8: reachable") {
		t.Errorf("reach --protocol icmp = %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = run(t, false, nil, "reach", "--design", file, "--protocol", "47", "i-0a00000000000app1", "198.51.100.20")
	if r.code != ExitSpec || !strings.Contains(r.stdout, "PROTOCOL_RESTRICTION at nat-0a000000000000001") {
		t.Errorf("reach --protocol 47 through NAT = %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := run(t, false, nil, "reach", "--design", file, "--protocol", "sctp", "i-0a00000000000app1", "8.8.8.8"); r.code != ExitUsage {
		t.Errorf("reach --protocol sctp = %d; want a usage error", r.code)
	}
}

// TestExportImportedDesign: export --design writes the diagram and the
// review of a real network; CloudFormation and Terraform of a network
// that exists are refused; a design and a spec together are a usage
// error.
func TestExportImportedDesign(t *testing.T) {
	file := importedDesign(t)
	dir := t.TempDir()
	for _, format := range []string{"svg", "report"} {
		r := run(t, false, nil, "export", "--design", file, "--format", format, "-o", dir)
		if r.code != ExitOK {
			t.Fatalf("export --design --format %s = %d %s", format, r.code, r.stderr)
		}
	}
	svg, err := os.ReadFile(filepath.Join(dir, "123456789012.svg"))
	if err != nil || !strings.Contains(string(svg), "EC2 worker") {
		t.Errorf("the diagram of the imported network: %v", err)
	}
	md, err := os.ReadFile(filepath.Join(dir, "123456789012-report.md"))
	if err != nil || !strings.Contains(string(md), "A network that exists, read by netwright import") {
		t.Errorf("the review of the imported network: %v", err)
	}
	for _, format := range []string{"cloudformation", "terraform"} {
		if r := run(t, false, nil, "export", "--design", file, "--format", format, "-o", dir); r.code != ExitUsage || !strings.Contains(r.stderr, "exports as svg or report") {
			t.Errorf("export --design --format %s of a real network = %d %s; want a usage error", format, r.code, r.stderr)
		}
	}
	if r := run(t, false, nil, "export", "--design", file, driftSpec); r.code != ExitUsage {
		t.Errorf("export with --design and a spec = %d; want a usage error", r.code)
	}
}
