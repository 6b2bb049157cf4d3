package layering

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/netwright/netwright/"

// foundation lists the packages anyone may import: they hold data and facts
// and decide nothing.
var foundation = []string{"internal/diag", "internal/didyoumean", "internal/awsfacts", "internal/ipam", "internal/portset", "internal/clock", "internal/flowlog"}

// runtimeBase is what every runtime package may import.
var runtimeBase = append([]string{"internal/design", "internal/cloudmap", "internal/albrules"}, foundation...)

// allowed lists, for each package (by path under the module, a trailing /
// meaning every package below), the internal packages its non-test code
// may import besides the foundation. Tests are free to build fixtures with
// any stage.
var allowed = map[string][]string{
	"internal/diag":       {},
	"internal/didyoumean": {},
	"internal/awsfacts":   {},
	"internal/ipam":       {},
	"internal/portset":    {},
	"internal/clock":      {},
	"internal/flowlog":    {},
	// A test's clock: tests only.
	"internal/clock/clocktest": {"internal/clock"},
	"internal/layering":        {},
	"internal/golden":          {},
	"internal/netpol":          {},
	"internal/spec":            foundation,
	"internal/design":          foundation,
	"internal/cloudmap":        foundation,
	"internal/albrules":        append([]string{"internal/design"}, foundation...),
	"internal/plan":            append([]string{"internal/spec", "internal/design", "internal/albrules"}, foundation...),
	"internal/plan/plantest":   {"internal/spec", "internal/design", "internal/plan"},
	"internal/awsimport":       append([]string{"internal/design"}, foundation...),
	// A module of its own, for tests only: the fixtures against the AWS
	// SDK's output types.
	"internal/awsimport/sdkshapes": {},
	"internal/analysis/":           append([]string{"internal/design", "internal/analysis/", "internal/albrules"}, foundation...),
	"internal/render/":             append([]string{"internal/design", "internal/analysis/", "internal/portset", "internal/render/"}, foundation...),
	// The runtime's packages, from the bottom: health and the accept loop
	// serve both load balancers, and nlb does not borrow from alb; up
	// runs them all.
	"internal/runtime/health": foundation,
	"internal/runtime/accept": foundation,
	// The HTTP/1.1 wire (heads parsed in place, pooled upstream
	// connections) the ALB's and the mesh's data paths share, so neither
	// copies the other's.
	"internal/runtime/h1":        foundation,
	"internal/runtime/discovery": runtimeBase,
	"internal/runtime/alb":       append([]string{"internal/runtime/health", "internal/runtime/accept", "internal/runtime/h1"}, runtimeBase...),
	"internal/runtime/nlb":       append([]string{"internal/runtime/health", "internal/runtime/accept"}, runtimeBase...),
	// The design's network in Linux namespaces, under up.
	"internal/runtime/geneve": foundation,
	"internal/runtime/netns":  append([]string{"internal/runtime/geneve"}, runtimeBase...),
	// The mesh's proxies check Lattice's targets with health's probe and
	// accept with the one loop; up runs the mesh.
	"internal/runtime/mesh": append([]string{"internal/runtime/health", "internal/runtime/accept", "internal/runtime/h1"}, runtimeBase...),
	// A distribution's edge: up gives it the ways to its origins.
	"internal/runtime/cloudfront":  runtimeBase,
	"internal/runtime/up":          append([]string{"internal/runtime/"}, runtimeBase...),
	"internal/runtime/runtimetest": {},
	"internal/console":             append([]string{"internal/design", "internal/analysis/", "internal/render/", "internal/albrules"}, foundation...),
	"internal/console/browsertest": {},
	"internal/console/uplive":      append([]string{"internal/console", "internal/design", "internal/runtime/"}, foundation...),
	"internal/cli":                 {"internal/"},
	"cmd/netwright":                {"internal/cli"},
	"internal/specgen":             {},
	"bench/":                       {"internal/specgen"},
}

// rule returns the allowed imports of a package, matching the longest key.
func rule(pkg string) ([]string, bool) {
	best, found := "", false
	for k := range allowed {
		if (k == pkg || strings.HasSuffix(k, "/") && strings.HasPrefix(pkg+"/", k)) && len(k) > len(best) {
			best, found = k, true
		}
	}
	return allowed[best], found
}

func matches(imp string, patterns []string) bool {
	return slices.ContainsFunc(patterns, func(p string) bool {
		return imp == p || strings.HasSuffix(p, "/") && strings.HasPrefix(imp+"/", p)
	})
}

// packages returns every directory with Go files, relative to the root.
func packages(t *testing.T, root string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(path, ".go") {
			rel, _ := filepath.Rel(root, filepath.Dir(path))
			out[filepath.ToSlash(rel)] = append(out[filepath.ToSlash(rel)], path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestImportDirection(t *testing.T) {
	root := "../.."
	fset := token.NewFileSet()
	for pkg, files := range packages(t, root) {
		allow, ok := rule(pkg)
		if !ok {
			t.Errorf("package %s has no layering rule; add it to allowed", pkg)
			continue
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			af, err := parser.ParseFile(fset, f, nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, is := range af.Imports {
				imp, _ := strconv.Unquote(is.Path.Value)
				rel, internal := strings.CutPrefix(imp, module)
				if !internal {
					continue
				}
				if rel != pkg && !matches(rel, allow) {
					t.Errorf("%s imports %s, against the layering (spec -> plan -> design -> analysis | render | runtime)", f, imp)
				}
			}
		}
	}
}

// TestOnePackageDoc requires exactly one "// Package x" doc comment in
// each package's non-test files (or a "// Command" one for main).
func TestOnePackageDoc(t *testing.T) {
	fset := token.NewFileSet()
	for pkg, files := range packages(t, "../..") {
		docs := 0
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			af, err := parser.ParseFile(fset, f, nil, parser.PackageClauseOnly|parser.ParseComments)
			if err != nil {
				t.Fatal(err)
			}
			if af.Doc != nil {
				text := af.Doc.Text()
				if !strings.HasPrefix(text, "Package "+af.Name.Name+" ") && !strings.HasPrefix(text, "Command ") {
					t.Errorf("%s: package doc must start with %q", f, "Package "+af.Name.Name)
				}
				docs++
			}
		}
		if docs != 1 {
			t.Errorf("package %s has %d package doc comments; want exactly 1", pkg, docs)
		}
	}
}

// TestOnlyCLIWritesOutput keeps stdout, stderr and os.Exit in internal/cli.
func TestOnlyCLIWritesOutput(t *testing.T) {
	for pkg, files := range packages(t, "../..") {
		// Commands under bench/ are tools of their own.
		if pkg == "internal/cli" || !strings.HasPrefix(pkg, "internal/") {
			continue
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, banned := range []string{"os.Stdout", "os.Stderr", "os.Exit(", "fmt.Print", "log.Print", "log.Fatal"} {
				if strings.Contains(string(b), banned) {
					t.Errorf("%s uses %s; only internal/cli writes output or exits", f, banned)
				}
			}
		}
	}
}

// TestNLBDoesNotBorrowFromALB: the two load balancers share health
// checks and the accept loop through packages of their own
// (internal/runtime/health, internal/runtime/accept), not one another.
func TestNLBDoesNotBorrowFromALB(t *testing.T) {
	for _, pair := range [][2]string{{"internal/runtime/nlb", "internal/runtime/alb"}, {"internal/runtime/alb", "internal/runtime/nlb"}, {"internal/runtime/health", "internal/runtime/alb"}} {
		allow, _ := rule(pair[0])
		if matches(pair[1], allow) {
			t.Errorf("the layering lets %s import %s", pair[0], pair[1])
		}
	}
}
