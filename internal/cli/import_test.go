package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

const fixtureAccount = "../awsimport/testdata/network"

// TestImportThenReach is the brownfield path: import the fixture
// account's AWS CLI answers into a design file, then ask reach about it
// by AWS IDs, addresses and names, as text and as JSON.
func TestImportThenReach(t *testing.T) {
	file := filepath.Join(t.TempDir(), "design.json")
	r := run(t, false, nil, "import", fixtureAccount, "-o", file)
	if r.code != ExitOK || !strings.Contains(r.stdout, "design: "+file) {
		t.Fatalf("import = %d\nstdout %s\nstderr %s", r.code, r.stdout, r.stderr)
	}

	var a reachAnswer
	r = run(t, false, nil, "reach", "--design", file, "-o", "json", "i-0a00000000000app1", "10.0.20.5:5432")
	if err := json.Unmarshal([]byte(r.stdout), &a); err != nil {
		t.Fatalf("reach -o json: %v\n%s", err, r.stdout)
	}
	if r.code != ExitSpec || a.Reachable || len(a.Explanations) != 1 || a.Explanations[0].Code != "ENI_SG_RULES_MISMATCH" || a.Explanations[0].Component != "sg-0a0000000000000a3" {
		t.Errorf("reach worker db = %d %+v; want blocked by the database's group, ENI_SG_RULES_MISMATCH", r.code, a)
	}
	if len(a.Path) == 0 || a.Path[0] != "eni-0a00000000000app1" || a.Path[len(a.Path)-1] != "eni-0a00000000000db01" {
		t.Errorf("path = %v; want from the worker's interface to the database's", a.Path)
	}

	r = run(t, false, nil, "reach", "--design", file, "internet", "shop-public:443")
	if r.code != ExitOK || !strings.Contains(r.stdout, "internet -> shop-public tcp 443: reachable") || !strings.Contains(r.stdout, "eni-0a0000000000task1") {
		t.Errorf("reach internet shop-public:443 = %d\n%s%s; want reachable through the listener to a task", r.code, r.stdout, r.stderr)
	}
	r = run(t, false, nil, "reach", "--design", file, "i-0a00000000000app1", "192.168.1.10:443")
	if r.code != ExitSpec || !strings.Contains(r.stdout, "BAD_STATE_VPN at vpn-0a000000000000001") {
		t.Errorf("reach to on premises = %d\n%s; want BAD_STATE_VPN", r.code, r.stdout)
	}
	r = run(t, false, nil, "reach", "--design", file, "i-0a00000000000app1", "10.9.9.9")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "give the port") {
		t.Errorf("reach without a port = %d %s; want a usage error", r.code, r.stderr)
	}
	r = run(t, false, nil, "reach", "--design", file, "i-nothere", "10.9.9.9:80")
	if r.code != ExitUsage {
		t.Errorf("reach from an unknown ID = %d; want a usage error", r.code)
	}
}

func TestImportCommandsAndErrors(t *testing.T) {
	r := run(t, false, nil, "import", "--commands")
	if r.code != ExitOK || !strings.HasPrefix(r.stdout, "#!/bin/sh") || !strings.Contains(r.stdout, "aws ec2 \"$call\"") {
		t.Errorf("import --commands = %d\n%s", r.code, r.stdout)
	}
	if r := run(t, false, nil, "import", "no/such/dir"); r.code != ExitUsage {
		t.Errorf("import of a missing directory = %d; want %d", r.code, ExitUsage)
	}
	if r := run(t, false, nil, "import", t.TempDir()); r.code != ExitSpec || !strings.Contains(r.stderr, "no VPCs in the files") {
		t.Errorf("import of an empty directory = %d %s; want an error", r.code, r.stderr)
	}
	r = run(t, false, nil, "import", fixtureAccount)
	if r.code != ExitOK || !strings.Contains(r.stdout, `"kind": "aws"`) {
		t.Errorf("import to stdout = %d", r.code)
	}
}
