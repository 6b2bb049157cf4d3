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
	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/render/cloudformation"
	"github.com/netwright/netwright/internal/render/diagram"
	"github.com/netwright/netwright/internal/render/kubernetes"
	"github.com/netwright/netwright/internal/render/report"
	"github.com/netwright/netwright/internal/render/terraform"
)

// exported is what one export format makes of a design: the files, the
// lines that say what was written, and notes on what it leaves out.
type exported struct {
	files map[string][]byte
	// describe says what was written into dir, a line each.
	describe func(dir string) []string
	notes    []string
}

// exporter makes one export format. Its error means the design cannot be
// written in that format (a limit passed): a problem of the design, exit 1.
type exporter struct {
	name   string
	render func(d *design.Design, o exportOptions) (exported, error)
}

// exporters are the export formats, the default first. Tests replace one
// to make it fail.
var exporters = []exporter{
	{"cloudformation", exportCloudFormation},
	{"terraform", exportTerraform},
	{"svg", exportSVG},
	{"report", exportReport},
	{"kubernetes", exportKubernetes},
}

// exportOptions are the flags only some formats read.
type exportOptions struct {
	// workloads adds Deployment skeletons to the Kubernetes manifests.
	workloads bool
	// ingress adds the Ingresses the AWS Load Balancer Controller makes
	// the design's ALBs from.
	ingress bool
}

func exportFormats() []string {
	var names []string
	for _, e := range exporters {
		names = append(names, e.name)
	}
	return names
}

func exportCommand() *command {
	c := &command{
		name: "export", args: "FILE | --design FILE", argFiles: specFiles,
		summary: "write the design as CloudFormation, Terraform, an SVG diagram, a review report or Kubernetes manifests",
		about: "Design the network and write it into a directory as CloudFormation templates (one per Region, JSON and YAML), a Terraform configuration, " +
			"an SVG architecture diagram, an HTML and Markdown review report, or for compute eks the cluster's half as Kubernetes manifests (kustomize-ready). Here -o/--output names the directory the files go to (the other commands " +
			"print to stdout, and their -o is its format); --format chooses what is written. Exit 1 when the design cannot be written in the format " +
			"(a CloudFormation limit), 2 when the files cannot be written. With --design it exports a saved design; a real network netwright import read " +
			"exports as svg or report only.",
	}
	c.define = func(fs *flagSet) func(Env, []string) int {
		format := fs.String(flagSpec{long: "format", value: "FORMAT", choices: exportFormats(), brief: "what to write",
			usage: "what to write: cloudformation (a template per Region, JSON and YAML), terraform (a configuration), svg (the architecture diagram), report (HTML and Markdown design review with the diagram) or kubernetes (an EKS design's manifests: a file per service, one of shared objects, kustomization.yaml and stack-outputs.env)"},
			exporters[0].name)
		dir := fs.String(flagSpec{long: "output", short: "o", value: "DIR", files: "dir", def: "the current directory",
			usage: "directory to write into; created if missing. Files of the same name are replaced, others are left alone"}, ".")
		designPath := designFlag(fs, "export a saved design (plan -o json output, or a real network netwright import wrote: svg and report only) instead of a spec")
		workloads := fs.Bool(flagSpec{long: "workloads", usage: "kubernetes only: add a Deployment skeleton per service (replicas, rolling update, zone spread, readiness check, dependency addresses)"}, false)
		ingress := fs.Bool(flagSpec{long: "ingress", usage: "kubernetes only: add the Ingresses the AWS Load Balancer Controller makes the ALBs from (needs network.alb_owner: controller)"}, false)
		return func(env Env, pos []string) int {
			if *designPath == "" && !c.wantArgs(env, pos, 1) {
				return ExitUsage
			}
			if *designPath != "" && len(pos) != 0 {
				fmt.Fprintln(env.Stderr, "netwright export: give a spec FILE, or --design FILE alone")
				return ExitUsage
			}
			if *workloads && *format != "kubernetes" {
				fmt.Fprintf(env.Stderr, "netwright export: --workloads needs --format kubernetes\n")
				return ExitUsage
			}
			if *ingress && *format != "kubernetes" {
				fmt.Fprintf(env.Stderr, "netwright export: --ingress needs --format kubernetes\n")
				return ExitUsage
			}
			specPath := ""
			if len(pos) == 1 {
				specPath = pos[0]
			}
			d, _, code := designFrom(env, specPath, *designPath)
			if d == nil {
				return code
			}
			if d.Imported() && *format != "svg" && *format != "report" {
				fmt.Fprintf(env.Stderr, "netwright export: %s is a network that exists (netwright import read it): it exports as svg or report, not %s\n", *designPath, *format)
				return ExitUsage
			}
			var x exporter
			for _, e := range exporters {
				if e.name == *format {
					x = e
				}
			}
			out, err := x.render(d, exportOptions{workloads: *workloads, ingress: *ingress})
			if err != nil {
				fmt.Fprintf(env.Stderr, "netwright export: the design cannot be written as %s: %v\n", x.name, err)
				return ExitSpec
			}
			if err := writeDir(*dir, out.files); err != nil {
				fmt.Fprintf(env.Stderr, "netwright export: %v\n", err)
				return ExitUsage
			}
			for _, line := range out.describe(*dir) {
				fmt.Fprintln(env.Stdout, line)
			}
			for _, n := range out.notes {
				fmt.Fprintf(env.Stderr, "note: %s\n", n)
			}
			return ExitOK
		}
	}
	return c
}

func exportCloudFormation(d *design.Design, _ exportOptions) (exported, error) {
	files, notes, err := cloudformation.Build(d)
	if err != nil {
		return exported{}, err
	}
	out := exported{files: map[string][]byte{}, notes: notes}
	for _, f := range files {
		j, err := f.Template.JSON()
		if err != nil {
			return exported{}, err
		}
		y, err := f.Template.YAML()
		if err != nil {
			return exported{}, err
		}
		out.files[f.Name+".template.json"], out.files[f.Name+".template.yaml"] = j, y
	}
	guide, guideName := cloudformation.Readme(d, files), cloudformation.ReadmeName(d)
	if guide != nil {
		out.files[guideName] = guide
	}
	ignore := cloudformation.TrivyIgnore(files)
	if ignore != nil {
		out.files[".trivyignore.yaml"] = ignore
	}
	out.describe = func(dir string) []string {
		var lines []string
		for _, f := range files {
			lines = append(lines, fmt.Sprintf("%s: %d resources for %s (%s, %s)", f.Name, len(f.Template.Resources), f.Region,
				filepath.Join(dir, f.Name+".template.json"), filepath.Join(dir, f.Name+".template.yaml")))
		}
		if guide != nil {
			lines = append(lines, "deploy order: "+filepath.Join(dir, guideName))
		}
		if ignore != nil {
			lines = append(lines, "scanner findings the design means, with reasons: "+filepath.Join(dir, ".trivyignore.yaml")+" (trivy config --ignorefile), and beside each resource in the YAML templates")
		}
		return lines
	}
	return out, nil
}

func exportTerraform(d *design.Design, _ exportOptions) (exported, error) {
	files, notes, err := terraform.Render(d)
	if err != nil {
		return exported{}, err
	}
	return exported{files: files, notes: notes, describe: func(dir string) []string {
		return []string{fmt.Sprintf("terraform: %d files in %s (%s)", len(files), dir, strings.Join(sortedNames(files), ", "))}
	}}, nil
}

func exportSVG(d *design.Design, _ exportOptions) (exported, error) {
	var svg bytes.Buffer
	if err := diagram.SVG(&svg, d); err != nil {
		return exported{}, err
	}
	return listed("svg", map[string][]byte{d.App + ".svg": svg.Bytes()}), nil
}

func exportReport(d *design.Design, _ exportOptions) (exported, error) {
	var svg, md, page bytes.Buffer
	if err := diagram.SVG(&svg, d); err != nil {
		return exported{}, err
	}
	r := analysis.Analyze(d)
	if err := report.Markdown(&md, d, r, d.App+".svg"); err != nil {
		return exported{}, err
	}
	if err := report.HTML(&page, d, r); err != nil {
		return exported{}, err
	}
	return listed("report", map[string][]byte{d.App + ".svg": svg.Bytes(), d.App + "-report.md": md.Bytes(), d.App + "-report.html": page.Bytes()}), nil
}

func exportKubernetes(d *design.Design, o exportOptions) (exported, error) {
	files, notes, err := kubernetes.Render(d, kubernetes.Options{Workloads: o.workloads, Ingress: o.ingress})
	if err != nil {
		return exported{}, err
	}
	out := listed("kubernetes", files)
	out.notes = notes
	return out, nil
}

// listed describes files a line each: "svg: DIR/app.svg".
func listed(format string, files map[string][]byte) exported {
	return exported{files: files, describe: func(dir string) []string {
		var lines []string
		for _, n := range sortedNames(files) {
			lines = append(lines, fmt.Sprintf("%s: %s", format, filepath.Join(dir, n)))
		}
		return lines
	}}
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
		// A name may be in a subdirectory (the Terraform export's cluster
		// configuration).
		sub := filepath.Join(dir, filepath.Dir(name))
		if err := os.MkdirAll(sub, 0o755); err != nil {
			return fmt.Errorf("write %s: %w", name, err)
		}
		tmp, err := os.CreateTemp(sub, "."+filepath.Base(name)+".*")
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
