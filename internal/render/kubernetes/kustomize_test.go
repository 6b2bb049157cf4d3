package kubernetes

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
)

// TestKustomizeBuild runs kustomize itself (its api module, as
// `kustomize build` does) over each export with stack-outputs.env filled
// in, and checks the replacements set every placeholder: no ${...} is
// left, and each stack output's value is in the built manifests as many
// times as its placeholder was in the files.
func TestKustomizeBuild(t *testing.T) {
	for name, d := range designs(t) {
		t.Run(name, func(t *testing.T) {
			files, _ := render(t, d, Options{Workloads: true})
			fs := filesys.MakeFsInMemory()
			dir := "/export"
			want := map[string]int{}
			for f, b := range files {
				if f == OutputsFile {
					continue
				}
				if err := fs.WriteFile(filepath.Join(dir, f), b); err != nil {
					t.Fatal(err)
				}
				if f != KustomizationFile {
					for _, p := range placeholderRE.FindAllString(string(b), -1) {
						want[strings.Trim(p, "${}")]++
					}
				}
			}
			// Fill every line the user must, as the stack would.
			var env strings.Builder
			for _, line := range strings.Split(string(files[OutputsFile]), "\n") {
				if key, ok := strings.CutSuffix(line, "="); ok && !strings.HasPrefix(line, "#") {
					fmt.Fprintf(&env, "%s=value-of-%s\n", key, key)
				} else {
					env.WriteString(line + "\n")
				}
			}
			if err := fs.WriteFile(filepath.Join(dir, OutputsFile), []byte(env.String())); err != nil {
				t.Fatal(err)
			}
			m, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(fs, dir)
			if err != nil {
				t.Fatalf("kustomize build: %v", err)
			}
			built, err := m.AsYaml()
			if err != nil {
				t.Fatal(err)
			}
			if left := placeholderRE.FindAllString(string(built), -1); len(left) > 0 {
				t.Errorf("placeholders left after kustomize build: %v", left)
			}
			if len(want) == 0 {
				t.Fatal("no manifest takes a value from the stack")
			}
			for key, n := range want {
				if got := strings.Count(string(built), "value-of-"+key); got < n {
					t.Errorf("%s is set %d times; the manifests name it %d times", key, got, n)
				}
			}
			// A replacement of part of a value (a subnet of a list, the
			// bucket after its key) leaves the rest as it was: each
			// annotation is built as written, its placeholders filled.
			fill := func(v string) string {
				return placeholderRE.ReplaceAllStringFunc(v, func(p string) string { return "value-of-" + strings.Trim(p, "${}") })
			}
			source := map[string]map[string]string{}
			for _, o := range decodeAll(t, files) {
				md, _ := o.raw["metadata"].(map[string]any)
				a, _ := md["annotations"].(map[string]any)
				for k, v := range a {
					if source[o.kind+"/"+o.name] == nil {
						source[o.kind+"/"+o.name] = map[string]string{}
					}
					source[o.kind+"/"+o.name][k] = fill(v.(string))
				}
			}
			for _, res := range m.Resources() {
				for k, v := range res.GetAnnotations() {
					if w, ok := source[res.GetKind()+"/"+res.GetName()][k]; ok && w != v {
						t.Errorf("%s %s annotation %s is built as %q; want %q", res.GetKind(), res.GetName(), k, v, w)
					}
				}
			}
		})
	}
}
