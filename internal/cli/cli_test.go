package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/plan/plantest"
	"github.com/netwright/netwright/internal/runtime/runtimetest"
	"github.com/netwright/netwright/internal/runtime/up"
)

type result struct {
	code           int
	stdout, stderr string
}

// run runs the CLI in memory; terminal says whether stderr looks like a
// terminal, env holds the environment variables.
func run(t *testing.T, terminal bool, env map[string]string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(Env{
		Stdout:     &out,
		Stderr:     &errb,
		Getenv:     func(k string) string { return env[k] },
		ReadFile:   os.ReadFile,
		IsTerminal: func(io.Writer) bool { return terminal },
	}, args)
	return result{code, out.String(), errb.String()}
}

func TestExitCodesAndStreams(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout string // substring; "" means stdout must be empty
		wantStderr string // substring; "" means stderr must be empty
	}{
		{"no arguments", nil, ExitUsage, "", "Usage:"},
		{"unknown command", []string{"deploy"}, ExitUsage, "", `unknown command "deploy"`},
		{"help", []string{"help"}, ExitOK, "Commands:", ""},
		{"help for a command", []string{"help", "plan"}, ExitOK, "Usage: netwright plan", ""},
		{"version", []string{"version"}, ExitOK, "netwright", ""},
		{"valid spec", []string{"validate", "../../examples/three-tier.yaml"}, ExitOK, "valid (3 services)", ""},
		{"invalid spec", []string{"validate", "../../testdata/errors/unknown-keys.yaml"}, ExitSpec, "", "unknown-keys.yaml:3:1: error: unknown key \"netwrok\""},
		{"plan error found only by the architects", []string{"validate", "../../testdata/errors/cidr-too-small.yaml"}, ExitSpec, "", "is too small"},
		{"missing file", []string{"plan", "nope.yaml"}, ExitUsage, "", "nope.yaml"},
		{"too many arguments", []string{"plan", "a.yaml", "b.yaml"}, ExitUsage, "", "want 1 argument"},
		{"bad output format", []string{"plan", "../../examples/shop.yaml", "-o", "xml"}, ExitUsage, "", `invalid value "xml" for -o: must be text, json or yaml`},
		{"unknown flag", []string{"plan", "--frobnicate", "../../examples/shop.yaml"}, ExitUsage, "", "flag provided but not defined"},
		{"plan text", []string{"plan", "../../examples/shop.yaml"}, ExitOK, "VPC shop (app) 10.0.0.0/16", ""},
		{"schema", []string{"schema"}, ExitOK, `"$schema"`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, false, nil, tt.args...)
			if r.code != tt.wantCode {
				t.Errorf("exit code = %d; want %d (stderr %q)", r.code, tt.wantCode, r.stderr)
			}
			check := func(stream, got, want string) {
				if want == "" && got != "" {
					t.Errorf("%s = %q; want it empty", stream, got)
				}
				if want != "" && !strings.Contains(got, want) {
					t.Errorf("%s = %q; want it to contain %q", stream, got, want)
				}
			}
			check("stdout", r.stdout, tt.wantStdout)
			check("stderr", r.stderr, tt.wantStderr)
		})
	}
}

func TestEveryCommandHasHelp(t *testing.T) {
	for _, c := range commands() {
		r := run(t, false, nil, c.name, "--help")
		if r.code != ExitOK || !strings.Contains(r.stdout, "Usage: netwright "+c.name) {
			t.Errorf("%s --help = %d, %q; want usage on stdout and exit 0", c.name, r.code, r.stdout)
		}
	}
}

func TestPlanJSONAndYAMLCarryTheDesign(t *testing.T) {
	j := run(t, false, nil, "plan", "../../examples/hub-spoke.yaml", "-o", "json")
	if j.code != ExitOK {
		t.Fatalf("plan -o json: %d %s", j.code, j.stderr)
	}
	d, err := design.Decode([]byte(j.stdout))
	if err != nil {
		t.Fatalf("plan -o json output does not decode: %v", err)
	}
	if len(d.VPCs) != 3 || len(d.TransitGateways) != 1 {
		t.Errorf("decoded design has %d VPCs and %d TGWs; want 3 and 1", len(d.VPCs), len(d.TransitGateways))
	}
	y := run(t, false, nil, "plan", "-o", "yaml", "../../examples/hub-spoke.yaml")
	if y.code != ExitOK {
		t.Fatalf("plan -o yaml: %d %s", y.code, y.stderr)
	}
	var fromYAML, fromJSON any
	if err := yaml.Unmarshal([]byte(y.stdout), &fromYAML); err != nil {
		t.Fatalf("plan -o yaml output is not YAML: %v", err)
	}
	if err := json.Unmarshal([]byte(j.stdout), &fromJSON); err != nil {
		t.Fatal(err)
	}
	// Compare through JSON so YAML and JSON number types line up.
	a, _ := json.Marshal(fromYAML)
	b, _ := json.Marshal(fromJSON)
	if !bytes.Equal(a, b) {
		t.Error("plan -o yaml and -o json carry different designs")
	}
	if strings.Contains(y.stdout, "{\"") || strings.Contains(y.stdout, "[\"") {
		t.Error("plan -o yaml should use block style, not JSON flow style")
	}
}

func TestColour(t *testing.T) {
	const bad = "../../testdata/errors/unknown-keys.yaml"
	if r := run(t, true, nil, "validate", bad); !strings.Contains(r.stderr, "\x1b[") {
		t.Error("no colour on a terminal")
	}
	if r := run(t, true, map[string]string{"NO_COLOR": "1"}, "validate", bad); strings.Contains(r.stderr, "\x1b[") {
		t.Error("colour despite NO_COLOR")
	}
	if r := run(t, false, nil, "validate", bad); strings.Contains(r.stderr, "\x1b[") {
		t.Error("colour when stderr is not a terminal")
	}
}

func TestDiagnosticsShowSnippet(t *testing.T) {
	r := run(t, false, nil, "validate", "../../testdata/errors/unknown-keys.yaml")
	for _, want := range []string{"     7 |     prot: 8080", "       |     ^", `Did you mean "port"?`, "4 error(s), 0 warning(s)"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
}

func TestRoute(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantCode int
		want     []string
	}{
		{"host rule, any case", []string{"--host", "TRACK.shop.example.com", "--path", "/live"}, ExitOK,
			[]string{"matched: priority 10, ingress[1]", "tg-shop-tracking-8081 (tracking on HTTP 8081)"}},
		{"path rule, query split off", []string{"--host", "shop.example.com", "--path", "/shop.mobile.v1.MobileAPI/Get?debug=1"}, ExitOK,
			[]string{"matched: priority 20, ingress[0]", "path-pattern /shop.mobile.v1.MobileAPI/*", "mobile-api"}},
		{"paths are case-sensitive", []string{"--host", "shop.example.com", "--path", "/API/mobile/v2"}, ExitOK,
			[]string{"matched: the default action", "storefront"}},
		{"bad header", []string{"--header", "nocolon"}, ExitUsage, nil},
		{"bad source ip", []string{"--source-ip", "300.1.1.1"}, ExitUsage, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, false, nil, append([]string{"route", "../../examples/shop.yaml"}, tt.args...)...)
			if r.code != tt.wantCode {
				t.Fatalf("exit code = %d; want %d (stderr %q)", r.code, tt.wantCode, r.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("stdout lacks %q:\n%s", w, r.stdout)
				}
			}
		})
	}
	if r := run(t, false, nil, "route", "../../testdata/errors/inspection.yaml"); r.code != ExitSpec || !strings.Contains(r.stderr, "no public ALB") {
		t.Errorf("route on a spec without a public ALB = %d, %q", r.code, r.stderr)
	}
}

func TestCheckAndReach(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantCode int
		want     string
	}{
		{"clean example", []string{"check", "../../examples/shop.yaml"}, ExitOK, "No findings"},
		{"broken design fails", []string{"check", "--design", "../analysis/testdata/checks/NW101.json"}, ExitSpec, "NW101 Declared flow is blocked"},
		{"fail-on never", []string{"check", "--design", "../analysis/testdata/checks/NW101.json", "--fail-on", "never"}, ExitOK, "NW101"},
		{"warnings fail with fail-on warning", []string{"check", "--design", "../analysis/testdata/checks/NW121.json", "--fail-on", "warning"}, ExitSpec, "NW121"},
		{"warnings pass by default", []string{"check", "--design", "../analysis/testdata/checks/NW121.json"}, ExitOK, "NW121"},
		{"sarif", []string{"check", "--format", "sarif", "../../examples/three-tier.yaml"}, ExitOK, `"version": "2.1.0"`},
		{"junit", []string{"check", "--format", "junit", "../../examples/three-tier.yaml"}, ExitOK, "<testsuite"},
		{"spec and design together", []string{"check", "--design", "x.json", "../../examples/shop.yaml"}, ExitUsage, ""},
		{"reach through the public entry", []string{"reach", "../../examples/three-tier.yaml", "internet", "web"}, ExitOK, "internet -> web tcp 443: reachable"},
		{"reach blocked", []string{"reach", "../../examples/three-tier.yaml", "web", "db"}, ExitSpec, "BLOCKED security groups of db (ingress)"},
		{"reach with port", []string{"reach", "../../examples/three-tier.yaml", "app", "db:5432"}, ExitOK, "app -> db tcp 5432: reachable"},
		{"reach on a design", []string{"reach", "--design", "../analysis/testdata/checks/NW101.json", "app", "db"}, ExitSpec, "BLOCKED"},
		{"reach unknown service", []string{"reach", "../../examples/three-tier.yaml", "web", "ghost"}, ExitUsage, ""},
		{"reach from a site", []string{"reach", "../../examples/hybrid.yaml", "onprem:corp", "inventory"}, ExitOK, "onprem:corp -> inventory tcp 7000: reachable"},
		{"reach a site", []string{"reach", "../../examples/hybrid.yaml", "orders", "onprem:corp:5432"}, ExitOK, "arrives at onprem:corp"},
		{"reach from a site, undeclared", []string{"reach", "../../examples/hybrid.yaml", "onprem:corp", "orders"}, ExitSpec, "BLOCKED"},
		{"reach a site without a port", []string{"reach", "../../examples/hybrid.yaml", "orders", "onprem:corp"}, ExitUsage, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, false, nil, tt.args...)
			if r.code != tt.wantCode {
				t.Fatalf("exit code = %d; want %d\nstdout %s\nstderr %s", r.code, tt.wantCode, r.stdout, r.stderr)
			}
			if !strings.Contains(r.stdout, tt.want) {
				t.Errorf("stdout lacks %q:\n%s", tt.want, r.stdout)
			}
		})
	}
}

func TestExport(t *testing.T) {
	dir := t.TempDir()
	r := run(t, false, nil, "export", "../../examples/two-region.yaml", "-o", dir)
	if r.code != ExitOK {
		t.Fatalf("export = %d: %s", r.code, r.stderr)
	}
	for _, name := range []string{"pay-us-east-1.template.json", "pay-us-east-1.template.yaml", "pay-eu-west-1.template.json", "pay-eu-west-1.template.yaml",
		"pay-us-east-1-peering-request.template.yaml", "pay-us-east-1-peering-routes.template.yaml", "pay-eu-west-1-peering-routes.template.yaml", "pay-README.md"} {
		b, err := os.ReadFile(dir + "/" + name)
		if err != nil || len(b) == 0 {
			t.Errorf("%s not written: %v", name, err)
		}
		if fi, err := os.Stat(dir + "/" + name); err == nil && fi.Mode().Perm() != 0o644 {
			t.Errorf("%s has mode %v, want -rw-r--r-- like any file a user writes", name, fi.Mode().Perm())
		}
	}
	if left, _ := filepath.Glob(dir + "/.*"); len(left) != 1 || filepath.Base(left[0]) != ".trivyignore.yaml" {
		t.Errorf("export left temporary files behind, or no .trivyignore.yaml: %v", left)
	}
	if !strings.Contains(r.stderr, "note: ") {
		t.Errorf("export printed no notes on what it leaves out: %q", r.stderr)
	}
	tf := t.TempDir()
	if r := run(t, false, nil, "export", "--format", "terraform", "-o", tf, "../../examples/two-region.yaml"); r.code != ExitOK {
		t.Errorf("terraform export = %d: %s", r.code, r.stderr)
	}
	if _, err := os.Stat(tf + "/versions.tf"); err != nil {
		t.Errorf("terraform export wrote no versions.tf: %v", err)
	}
	if b, err := os.ReadFile(filepath.Join(tf, "pay-README.md")); err != nil || !strings.Contains(string(b), "aws_ec2_transit_gateway_peering_attachment_accepter") {
		t.Errorf("terraform export wrote no deployment guide naming the accepter: %v", err)
	}
	svg := t.TempDir()
	if r := run(t, false, nil, "export", "--format", "svg", "-o", svg, "../../examples/two-region.yaml"); r.code != ExitOK {
		t.Errorf("svg export = %d: %s", r.code, r.stderr)
	}
	if b, err := os.ReadFile(svg + "/pay.svg"); err != nil || !strings.HasPrefix(string(b), "<svg") {
		t.Errorf("svg export wrote no pay.svg: %v", err)
	}
	rep := t.TempDir()
	if r := run(t, false, nil, "export", "--format", "report", "-o", rep, "../../examples/two-region.yaml"); r.code != ExitOK {
		t.Errorf("report export = %d: %s", r.code, r.stderr)
	}
	for _, n := range []string{"pay-report.html", "pay-report.md", "pay.svg"} {
		if _, err := os.Stat(rep + "/" + n); err != nil {
			t.Errorf("report export wrote no %s", n)
		}
	}
	if r := run(t, false, nil, "export", "--format", "pdf", "../../examples/two-region.yaml"); r.code != ExitUsage {
		t.Errorf("an unavailable format exits %d; want %d", r.code, ExitUsage)
	}
}

// TestExportEKSClusterConfiguration checks that the Terraform export of an
// EKS design writes the cluster configuration into its own directory, as
// files of their own mode and no temporary files left in either.
func TestExportEKSClusterConfiguration(t *testing.T) {
	tf := t.TempDir()
	if r := run(t, false, nil, "export", "--format", "terraform", "-o", tf, "../../examples/eks-storefront.yaml"); r.code != ExitOK {
		t.Fatalf("terraform export = %d: %s", r.code, r.stderr)
	}
	for _, n := range []string{"versions.tf", "cluster/versions.tf", "cluster/variables.tf", "cluster/main.tf"} {
		fi, err := os.Stat(filepath.Join(tf, n))
		if err != nil {
			t.Errorf("terraform export wrote no %s: %v", n, err)
			continue
		}
		if fi.Mode().Perm() != 0o644 {
			t.Errorf("%s has mode %v; want -rw-r--r--", n, fi.Mode().Perm())
		}
	}
	for _, d := range []string{tf, filepath.Join(tf, "cluster")} {
		if left, _ := filepath.Glob(d + "/.*"); len(left) != 0 {
			t.Errorf("export left temporary files behind: %v", left)
		}
	}
}

// TestExportIngress checks --ingress: the Ingresses of a design whose ALBs
// the AWS Load Balancer Controller owns are written; --ingress for a design
// whose ALBs the stack makes, and no --ingress for one whose ALBs the
// controller makes, exit 1 saying why; --ingress without --format
// kubernetes is a usage error.
func TestExportIngress(t *testing.T) {
	variant := "../../testdata/specs/eks-storefront-ingress.yaml"
	dir := t.TempDir()
	if r := run(t, false, nil, "export", "--format", "kubernetes", "--ingress", "-o", dir, variant); r.code != ExitOK {
		t.Fatalf("export --ingress = %d: %s", r.code, r.stderr)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "_ingress.yaml")); err != nil || !strings.Contains(string(b), "kind: Ingress") {
		t.Errorf("export --ingress wrote no Ingress: %v", err)
	}
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"export", "--format", "kubernetes", "--ingress", "-o", t.TempDir(), "../../examples/eks-storefront.yaml"}, ExitSpec, "network.alb_owner stack"},
		{[]string{"export", "--format", "kubernetes", "-o", t.TempDir(), variant}, ExitSpec, "export with --ingress"},
		{[]string{"export", "--ingress", "-o", t.TempDir(), variant}, ExitUsage, "--ingress needs --format kubernetes"},
	} {
		if r := run(t, false, nil, tc.args...); r.code != tc.code || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%v = %d %q; want %d saying %q", tc.args, r.code, r.stderr, tc.code, tc.want)
		}
	}
}

// freeOffset finds a port offset at which three-tier's listener ports
// (80, 443, 9000) and the others given are free on loopback.
func freeOffset(t *testing.T, more ...int) int {
	t.Helper()
	for off := 30000; off < 56000; off += 1013 {
		var lns []net.Listener
		ok := true
		for _, p := range append([]int{80, 443, 9000}, more...) {
			ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p+off))
			if err != nil {
				ok = false
				break
			}
			lns = append(lns, ln)
		}
		for _, ln := range lns {
			ln.Close()
		}
		if ok {
			return off
		}
	}
	t.Fatal("no free port offset")
	return 0
}

func TestUp(t *testing.T) {
	state := t.TempDir()
	var out, errb bytes.Buffer
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // stop as soon as it is up
	env := Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }, ReadFile: os.ReadFile,
		IsTerminal: func(io.Writer) bool { return false }, Interrupted: func() (context.Context, context.CancelFunc) { return ctx, func() {} }}
	off := freeOffset(t)
	code := Run(env, []string{"up", "--port-offset", fmt.Sprint(off), "--dns", "127.0.0.1:0", "--admin", "127.0.0.1:0", "--state-dir", state, "../../examples/three-tier.yaml"})
	if code != ExitOK {
		t.Fatalf("up = %d: %s", code, errb.String())
	}
	for _, want := range []string{"webapp is up: 8 tasks", fmt.Sprintf("https://127.0.0.1:%d", 443+off), "Cloud Map DNS", "console              http://127.0.0.1:", "/?token=", "stopped"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("stdout lacks %q:\n%s", want, out.String())
		}
	}
	if b, err := os.ReadFile(filepath.Join(state, "ca.pem")); err != nil || !bytes.HasPrefix(b, []byte("-----BEGIN CERTIFICATE-----")) {
		t.Errorf("ca.pem: %v", err)
	}
	if logs, err := filepath.Glob(filepath.Join(state, "access-logs", "*.log")); err != nil || len(logs) != 2 {
		t.Errorf("access logs: %v %v; want one file for each of three-tier's two load balancers", logs, err)
	}
	// A port already taken is a usage error that names it.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	r := run(t, false, nil, "up", "--admin", ln.Addr().String(), "--dns", "127.0.0.1:0", "--state-dir", state, "../../examples/three-tier.yaml")
	if r.code != ExitUsage || !strings.Contains(r.stderr, ln.Addr().String()) || !strings.Contains(r.stderr, "--admin") {
		t.Errorf("admin address in use: %d %q; want exit 2 naming the address and --admin", r.code, r.stderr)
	}
	if r := run(t, false, nil, "up", "--port-offset", "-1", "../../examples/three-tier.yaml"); r.code != ExitUsage {
		t.Errorf("a negative offset: exit %d", r.code)
	}
}

func TestStatus(t *testing.T) {
	d := plantest.File(t, "../../examples/three-tier.yaml")
	rt, err := up.Start(context.Background(), d, up.Options{Ephemeral: true})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		rt.Shutdown(ctx)
	}()
	r := run(t, false, nil, "status", "--admin", rt.AdminAddr)
	if r.code != ExitOK {
		t.Fatalf("status = %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{"webapp-public (internet-facing) HTTPS 443", "rule default", "-> forward to tg-webapp-web-8080",
		"target group tg-webapp-app-9000 (least_outstanding_requests)", "web-1", "app-3", "0 in flight"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("status lacks %q:\n%s", want, r.stdout)
		}
	}
	// -o json is the admin API's /status document.
	r = run(t, false, nil, "status", "--admin", rt.AdminAddr, "-o", "json")
	var st up.Status
	decodeJSON(t, r, &st)
	if r.code != ExitOK || len(st.Listeners) == 0 || st.Listeners[0].LoadBalancer == "" || len(st.Listeners[0].TargetGroups) == 0 {
		t.Errorf("status -o json = %d, %+v", r.code, st)
	}
	// --watch prints again until interrupted, then exits 0.
	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 400*time.Millisecond)
	defer cancel()
	env := Env{Stdout: &out, Stderr: io.Discard, Getenv: func(string) string { return "" }, ReadFile: os.ReadFile,
		IsTerminal: func(io.Writer) bool { return false }, Interrupted: func() (context.Context, context.CancelFunc) { return ctx, cancel }}
	if code := Run(env, []string{"status", "--admin", rt.AdminAddr, "--watch", "50ms"}); code != ExitOK {
		t.Errorf("status --watch = %d", code)
	}
	if n := strings.Count(out.String(), "webapp-public (internet-facing) HTTPS 443"); n < 2 {
		t.Errorf("status --watch 50ms over 400ms printed %d times; want several", n)
	}
	// With -o json, --watch writes one document per line.
	out.Reset()
	ctx, cancel = context.WithTimeout(context.Background(), 400*time.Millisecond)
	defer cancel()
	if code := Run(env, []string{"status", "--admin", rt.AdminAddr, "--watch", "50ms", "-o", "json"}); code != ExitOK {
		t.Errorf("status --watch -o json = %d", code)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) < 2 {
		t.Errorf("status --watch -o json printed %d lines; want several", len(lines))
	}
	for _, l := range lines {
		var st up.Status
		if err := json.Unmarshal([]byte(l), &st); err != nil || len(st.Listeners) == 0 {
			t.Errorf("status --watch -o json line %q: %v", l, err)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	if r := run(t, false, nil, "status", "--admin", addr); r.code != ExitUsage || !strings.Contains(r.stderr, "is `netwright up` running") {
		t.Errorf("status with nothing listening: %d %q", r.code, r.stderr)
	}
}

// TestUpReloadsOnChange: `up` watches its spec; a spec with errors prints
// its diagnostics and keeps the running design; a valid change reloads.
func TestUpReloadsOnChange(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(dir, "three-tier.yaml")
	src, err := os.ReadFile("../../examples/three-tier.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(spec, src, 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb runtimetest.Buffer
	ctx, cancel := context.WithCancel(context.Background())
	env := Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }, ReadFile: os.ReadFile,
		IsTerminal: func(io.Writer) bool { return false }, Interrupted: func() (context.Context, context.CancelFunc) { return ctx, func() {} }}
	done := make(chan int)
	off := freeOffset(t, 9100)
	go func() {
		done <- Run(env, []string{"up", "--port-offset", fmt.Sprint(off), "--dns", "127.0.0.1:0", "--admin", "127.0.0.1:0",
			"--state-dir", dir, "--access-logs=false", "--isolation", "loopback", spec})
	}()
	waitFor := func(b *runtimetest.Buffer, what string) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for !strings.Contains(b.String(), what) {
			if time.Now().After(deadline) {
				cancel()
				t.Fatalf("no %q within 20 s:\nstdout:\n%s\nstderr:\n%s", what, out.String(), errb.String())
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	waitFor(&out, "Watching")
	if err := os.WriteFile(spec, bytes.Replace(src, []byte("replicas: 3"), []byte("replicas: three"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor(&errb, "has errors; the running design is unchanged")
	if !strings.Contains(errb.String(), "replicas") {
		t.Errorf("the diagnostics do not name the bad key:\n%s", errb.String())
	}
	if err := os.WriteFile(spec, bytes.Replace(src, []byte("replicas: 3"), []byte("replicas: 4"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor(&out, "reloaded "+spec+": 4 tasks started")
	// A listener the reload opens is printed with its address, as at
	// start: the app tier's internal ALB moves from 9000 to 9100.
	moved := bytes.Replace(src, []byte("replicas: 3"), []byte("replicas: 4"), 1)
	moved = bytes.Replace(moved, []byte("port: 9000"), []byte("port: 9100"), 1)
	if err := os.WriteFile(spec, moved, 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor(&out, "listeners: 1 opened")
	reload := out.String()[strings.LastIndex(out.String(), "reloaded "):]
	if !regexp.MustCompile(fmt.Sprintf(`\n  \S+-internal\S* +internal +9100 HTTP  -> http://127\.[0-9.]+:%d\n`, 9100+off)).MatchString(reload) {
		t.Errorf("the reload does not print the listener it opened:\n%s", reload)
	}
	cancel()
	if code := <-done; code != ExitOK {
		t.Errorf("up = %d: %s", code, errb.String())
	}
}

// TestStatusCloudFront: a design behind CloudFront shows its edge: the
// viewer addresses, behaviors, the origin and the cache's counts; the
// ALB rules show the origin header's stand-in, never this run's secret.
func TestStatusCloudFront(t *testing.T) {
	d := plantest.File(t, "../../examples/hybrid.yaml")
	rt, err := up.Start(context.Background(), d, up.Options{Ephemeral: true})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		rt.Shutdown(ctx)
	}()
	r := run(t, false, nil, "status", "--admin", rt.AdminAddr)
	if r.code != ExitOK {
		t.Fatalf("status = %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{"cf-orders (cloudfront) HTTPS 443 at 127.0.0.1:", "behavior /assets/* -> origin-us-east-1, CachingOptimized",
		"behavior default (*) -> origin-us-east-1, CachingDisabled", "origin origin-us-east-1", "cache: 0 objects, 0 hits",
		"X-Origin-Verify={{origin-secret}}"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("status lacks %q:\n%s", want, r.stdout)
		}
	}
}
