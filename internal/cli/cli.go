// Package cli is netwright's command line: it parses arguments, runs the
// stages (spec, plan, renderers) and prints their results. It is the only
// package that writes to stdout and stderr or decides the exit code; it
// holds no design logic.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
)

// Exit codes.
const (
	ExitOK    = 0 // success, or a spec with warnings only
	ExitSpec  = 1 // the spec or design has errors
	ExitUsage = 2 // the command line is wrong, or a file cannot be read
)

// Env is what a command may touch: its streams, arguments and the
// environment. Tests pass their own.
type Env struct {
	Stdout, Stderr io.Writer
	// Getenv reads an environment variable.
	Getenv func(string) string
	// ReadFile reads a file by path.
	ReadFile func(string) ([]byte, error)
	// IsTerminal reports whether w is a terminal, for colour.
	IsTerminal func(w io.Writer) bool
	// Interrupted returns a context cancelled when the user asks a
	// long-running command to stop (Ctrl-C, SIGTERM); nil means those
	// signals.
	Interrupted func() (context.Context, context.CancelFunc)
}

// OSEnv is the real process environment.
func OSEnv() Env {
	return Env{
		Stdout:   os.Stdout,
		Stderr:   os.Stderr,
		Getenv:   os.Getenv,
		ReadFile: os.ReadFile,
		IsTerminal: func(w io.Writer) bool {
			f, ok := w.(*os.File)
			if !ok {
				return false
			}
			st, err := f.Stat()
			return err == nil && st.Mode()&os.ModeCharDevice != 0
		},
	}
}

// Main runs netwright with the process's arguments and exits.
func Main() {
	os.Exit(Run(OSEnv(), os.Args[1:]))
}

type command struct {
	name, args, summary string
	run                 func(env Env, args []string) int
}

func commands() []command {
	return []command{
		{"validate", "FILE", "check a spec and print every problem in it", runValidate},
		{"plan", "FILE", "design the network and print it (-o text|json|yaml)", runPlan},
		{"check", "FILE", "verify reachability against the declared intent and run the checklist", runCheck},
		{"reach", "FILE SRC DST[:PORT]", "show the hop-by-hop path of one flow and what admits or blocks it", runReach},
		{"export", "FILE", "write the design as CloudFormation, Terraform, an SVG diagram or a review report (--format, -o DIR)", runExport},
		{"up", "FILE", "run the design on this machine: tasks, ALB listeners, Cloud Map DNS", runUp},
		{"status", "", "show a running `up`: listeners, rules, targets and their health (--watch)", runStatus},
		{"optimize", "FILE", "print performance recommendations and the monthly cost estimate", runOptimize},
		{"route", "FILE", "show which ALB listener rule a request matches and where it goes", runRoute},
		{"schema", "", "print the JSON Schema of the spec", runSchema},
		{"version", "", "print netwright's version", runVersion},
	}
}

// Run runs one command line and returns the exit code.
func Run(env Env, args []string) int {
	if len(args) == 0 {
		usage(env.Stderr)
		return ExitUsage
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		if len(args) > 1 {
			return Run(env, []string{args[1], "--help"})
		}
		usage(env.Stdout)
		return ExitOK
	case "-v", "--version":
		return runVersion(env, nil)
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(env, args[1:])
		}
	}
	fmt.Fprintf(env.Stderr, "netwright: unknown command %q\n", args[0])
	usage(env.Stderr)
	return ExitUsage
}

func usage(w io.Writer) {
	var b strings.Builder
	b.WriteString("netwright designs, checks and exports container networks on AWS from one YAML spec.\n\n")
	b.WriteString("Usage:\n  netwright <command> [flags] [arguments]\n\nCommands:\n")
	for _, c := range commands() {
		fmt.Fprintf(&b, "  %-9s %s\n", c.name, c.summary)
	}
	b.WriteString("\nRun 'netwright <command> --help' for a command's flags.\n")
	b.WriteString("Exit status: 0 success, 1 the spec has errors, 2 usage or I/O error.\n")
	io.WriteString(w, b.String())
}

// flagSet is a command's flags and the usage text it prints.
type flagSet struct {
	*flag.FlagSet
	usage func(io.Writer)
}

// newFlags makes a command's flag set that prints its own usage.
func newFlags(env Env, name, args, summary string) *flagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	// The flag package calls Usage itself on errors and on -help; we print
	// it ourselves instead, to stdout for -help and stderr for errors.
	fs.Usage = func() {}
	return &flagSet{FlagSet: fs, usage: func(w io.Writer) {
		fmt.Fprintf(w, "Usage: netwright %s [flags] %s\n\n%s.\n", name, args, summary)
		var n int
		fs.VisitAll(func(*flag.Flag) { n++ })
		if n > 0 {
			fmt.Fprintln(w, "\nFlags:")
			fs.SetOutput(w)
			fs.PrintDefaults()
			fs.SetOutput(env.Stderr)
		}
	}}
}

// parseFlags parses a command's flags, allowing them after the positional
// arguments too (netwright plan FILE -o json), and returns the positional
// arguments; nargs < 0 leaves counting them to the command. ok is false when the command should stop with code.
func parseFlags(env Env, fs *flagSet, args []string, nargs int) (pos []string, code int, ok bool) {
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fs.usage(env.Stdout)
				return nil, ExitOK, false
			}
			fs.usage(env.Stderr)
			return nil, ExitUsage, false
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
	if nargs >= 0 && len(pos) != nargs {
		fmt.Fprintf(env.Stderr, "netwright %s: want %d argument(s), got %d\n", fs.Name(), nargs, len(pos))
		fs.usage(env.Stderr)
		return nil, ExitUsage, false
	}
	return pos, ExitOK, true
}

func runVersion(env Env, args []string) int {
	fs := newFlags(env, "version", "", "Print netwright's version, the spec versions it reads, and the Go toolchain")
	if _, code, ok := parseFlags(env, fs, args, 0); !ok {
		return code
	}
	version := "(devel)"
	goVersion := ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" {
			version = bi.Main.Version
		}
		goVersion = bi.GoVersion
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				version += " " + s.Value[:12]
			}
		}
	}
	fmt.Fprintf(env.Stdout, "netwright %s\nspec versions: 1\ndesign format: 1\n%s\n", version, goVersion)
	return ExitOK
}
