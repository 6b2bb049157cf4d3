package cli

import (
	"bytes"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/netwright/netwright/internal/analysis"
	"github.com/netwright/netwright/internal/render/cloudformation"
	"github.com/netwright/netwright/internal/render/diagram"
	"github.com/netwright/netwright/internal/render/report"
	"github.com/netwright/netwright/internal/render/terraform"
)

func runExport(env Env, args []string) int {
	fs := newFlags(env, "export", "FILE", "Design the network and write it as CloudFormation templates (one per Region, JSON and YAML), a Terraform configuration, an SVG architecture diagram or an HTML and Markdown review report")
	format := fs.String("format", "cloudformation", "what to write: cloudformation (a template per Region, JSON and YAML), terraform (a configuration), svg (the architecture diagram) or report (HTML and Markdown design review with the diagram)")
	dir := fs.String("o", ".", "directory to write into; created if missing. Files of the same name are replaced, others are left alone")
	pos, code, ok := parseFlags(env, fs, args, 1)
	if !ok {
		return code
	}
	if !oneOf(*format, "cloudformation", "terraform", "svg", "report") {
		fmt.Fprintf(env.Stderr, "netwright export: --format must be cloudformation, terraform, svg or report, not %q\n", *format)
		return ExitUsage
	}
	d, code := build(env, pos[0])
	if d == nil {
		return code
	}
	if *format == "svg" || *format == "report" {
		var svg, md, page bytes.Buffer
		err := diagram.SVG(&svg, d)
		files := map[string][]byte{d.App + ".svg": svg.Bytes()}
		if *format == "report" && err == nil {
			r := analysis.Analyze(d)
			if err = report.Markdown(&md, d, r, d.App+".svg"); err == nil {
				err = report.HTML(&page, d, r)
			}
			files[d.App+"-report.md"], files[d.App+"-report.html"] = md.Bytes(), page.Bytes()
		}
		if err == nil {
			err = writeDir(*dir, files)
		}
		if err != nil {
			fmt.Fprintf(env.Stderr, "netwright export: %v\n", err)
			return ExitUsage
		}
		for _, n := range sortedNames(files) {
			fmt.Fprintf(env.Stdout, "%s: %s\n", *format, filepath.Join(*dir, n))
		}
		return ExitOK
	}
	if *format == "terraform" {
		files, notes, err := terraform.Render(d)
		if err == nil {
			err = writeDir(*dir, files)
		}
		if err != nil {
			fmt.Fprintf(env.Stderr, "netwright export: %v\n", err)
			return ExitUsage
		}
		fmt.Fprintf(env.Stdout, "terraform: %d files in %s (%s)\n", len(files), *dir, strings.Join(sortedNames(files), ", "))
		for _, n := range notes {
			fmt.Fprintf(env.Stderr, "note: %s\n", n)
		}
		return ExitOK
	}
	files, notes, err := cloudformation.Build(d)
	if err != nil {
		fmt.Fprintf(env.Stderr, "netwright export: %v\n", err)
		return ExitSpec
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		fmt.Fprintf(env.Stderr, "netwright export: %v\n", err)
		return ExitUsage
	}
	for _, f := range files {
		j, err := f.Template.JSON()
		if err == nil {
			var y []byte
			if y, err = f.Template.YAML(); err == nil {
				err = writeFiles(*dir, map[string][]byte{f.Name + ".template.json": j, f.Name + ".template.yaml": y})
			}
		}
		if err != nil {
			fmt.Fprintf(env.Stderr, "netwright export: %v\n", err)
			return ExitUsage
		}
		fmt.Fprintf(env.Stdout, "%s: %d resources for %s (%s, %s)\n", f.Name, len(f.Template.Resources), f.Region,
			filepath.Join(*dir, f.Name+".template.json"), filepath.Join(*dir, f.Name+".template.yaml"))
	}
	if guide := cloudformation.Readme(d, files); guide != nil {
		name := cloudformation.ReadmeName(d)
		if err := writeFiles(*dir, map[string][]byte{name: guide}); err != nil {
			fmt.Fprintf(env.Stderr, "netwright export: %v\n", err)
			return ExitUsage
		}
		fmt.Fprintf(env.Stdout, "deploy order: %s\n", filepath.Join(*dir, name))
	}
	for _, n := range notes {
		fmt.Fprintf(env.Stderr, "note: %s\n", n)
	}
	return ExitOK
}

// writeDir creates dir if it is missing and writes the files into it.
func writeDir[M ~map[string][]byte](dir string, files M) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return writeFiles(dir, files)
}

// writeFiles writes each file through a temporary file renamed into place,
// so an interrupted export never leaves a half-written template.
func writeFiles[M ~map[string][]byte](dir string, files M) error {
	for _, name := range sortedNames(files) {
		tmp, err := os.CreateTemp(dir, "."+name+".*")
		if err != nil {
			return fmt.Errorf("write %s: %w", name, err)
		}
		_, werr := tmp.Write(files[name])
		// CreateTemp makes the file private; an exported template is not.
		merr := tmp.Chmod(0o644)
		cerr := tmp.Close()
		if werr != nil || merr != nil || cerr != nil {
			os.Remove(tmp.Name())
			return fmt.Errorf("write %s: %v", name, firstErr(werr, merr, cerr))
		}
		if err := os.Rename(tmp.Name(), filepath.Join(dir, name)); err != nil {
			os.Remove(tmp.Name())
			return fmt.Errorf("write %s: %w", name, err)
		}
	}
	return nil
}

func sortedNames[M ~map[string][]byte](m M) []string {
	return slices.Sorted(maps.Keys(m))
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}
