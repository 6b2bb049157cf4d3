// Package cli is netwright's command line: it parses arguments, runs the
// stages (spec, plan, renderers) and prints their results. It is the only
// package that writes to stdout and stderr or decides the exit code; it
// holds no design logic.
package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/didyoumean"
)

// Exit codes, the same for every command.
const (
	ExitOK    = 0 // success, or a spec with warnings only
	ExitSpec  = 1 // the spec or design has errors (check: a finding; reach: a blocked flow)
	ExitUsage = 2 // the command line is wrong, or a file cannot be read or written
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

// command is one netwright command: what help, completion and
// docs/commands.md say about it, and how it runs.
type command struct {
	name    string
	args    string // the positional arguments, as the usage line shows them
	summary string // one line, for the command list
	about   string // what --help says the command does
	// argFiles are glob patterns of the files the first positional
	// argument names, for completion; argWords are the words it may be
	// instead. Both empty: nothing completes.
	argFiles []string
	argWords func() []string
	// define adds the command's flags and returns the function that runs
	// it on the positional arguments once the flags are parsed.
	define func(fs *flagSet) func(env Env, pos []string) int
}

var specFiles = []string{"*.yaml", "*.yml"}

func commands() []*command {
	return []*command{
		validateCommand(),
		planCommand(),
		checkCommand(),
		reachCommand(),
		importCommand(),
		diffCommand(),
		flowsCommand(),
		exportCommand(),
		upCommand(),
		serveCommand(),
		statusCommand(),
		execCommand(),
		downCommand(),
		faultCommand(),
		optimizeCommand(),
		routeCommand(),
		schemaCommand(),
		versionCommand(),
		completionCommand(),
		helpCommand(),
	}
}

func lookup(name string) *command {
	for _, c := range commands() {
		if c.name == name {
			return c
		}
	}
	return nil
}

func commandNames() []string {
	var names []string
	for _, c := range commands() {
		names = append(names, c.name)
	}
	return names
}

// Run runs one command line and returns the exit code.
func Run(env Env, args []string) int {
	if len(args) == 0 {
		usage(env.Stderr)
		return ExitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help":
		usage(env.Stdout)
		return ExitOK
	case "-v", "--version":
		args = []string{"version"}
	}
	c := lookup(args[0])
	if c == nil {
		msg := fmt.Sprintf("netwright: unknown command %q", args[0])
		if s := didyoumean.Suggest(args[0], commandNames()); s != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", s)
		}
		fmt.Fprintln(env.Stderr, msg)
		usage(env.Stderr)
		return ExitUsage
	}
	return c.run(env, args[1:])
}

func (c *command) run(env Env, args []string) int {
	fs := newFlagSet(c.name)
	runner := c.define(fs)
	pos, err := fs.parse(args)
	if errors.Is(err, flag.ErrHelp) {
		c.help(env.Stdout, fs)
		return ExitOK
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "netwright %s: %v\nRun 'netwright %s --help' for its flags.\n", c.name, err, c.name)
		return ExitUsage
	}
	for _, s := range fs.specs {
		if s.deprecated != "" && fs.used(s.long) {
			fmt.Fprintf(env.Stderr, "netwright %s: --%s is deprecated; %s\n", c.name, s.long, s.deprecated)
		}
	}
	return runner(env, pos)
}

// help writes a command's --help: usage line, what it does, its flags.
func (c *command) help(w io.Writer, fs *flagSet) {
	var b strings.Builder
	fmt.Fprintf(&b, "Usage: netwright %s [flags]", c.name)
	if c.args != "" {
		b.WriteString(" " + c.args)
	}
	b.WriteString("\n\n")
	wrap(&b, c.about, "", 80)
	io.WriteString(w, b.String())
	fs.writeHelp(w)
}

// wantArgs checks the number of positional arguments; ok is false after
// it has said what is wrong.
func (c *command) wantArgs(env Env, pos []string, n int) bool {
	if len(pos) == n {
		return true
	}
	fmt.Fprintf(env.Stderr, "netwright %s: want %d argument(s) (%s), got %d\nRun 'netwright %s --help' for its flags.\n", c.name, n, c.args, len(pos), c.name)
	return false
}

func usage(w io.Writer) {
	var b strings.Builder
	b.WriteString("netwright designs, checks and exports container networks on AWS from one YAML spec.\n\n")
	b.WriteString("Usage:\n  netwright <command> [flags] [arguments]\n\nCommands:\n")
	for _, c := range commands() {
		fmt.Fprintf(&b, "  %-10s %s\n", c.name, c.summary)
	}
	b.WriteString("\nRun 'netwright <command> --help' for a command's flags.\n")
	b.WriteString("-o, --output sets the format of what a command prints (text, json, ...);\n")
	b.WriteString("for export, which writes files, it names their directory.\n")
	b.WriteString("Exit status: 0 success, 1 the spec has errors, 2 usage or I/O error.\n")
	io.WriteString(w, b.String())
}

// writeJSON writes v as indented JSON and a newline, with <, > and &
// as they are (a terminal or jq reads them; no browser does).
func writeJSON(w io.Writer, v any) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(b.Bytes())
	return err
}

// wrote reports the outcome of writing a command's answer: a write that
// fails is an I/O error.
func wrote(env Env, name string, err error) int {
	if err != nil {
		fmt.Fprintf(env.Stderr, "netwright %s: %v\n", name, err)
		return ExitUsage
	}
	return ExitOK
}

func helpCommand() *command {
	return &command{
		name: "help", args: "[COMMAND]", summary: "print the commands, or one command's flags",
		about:    "Print the list of commands, or with COMMAND the same help as netwright COMMAND --help.",
		argWords: commandNames,
		define: func(fs *flagSet) func(Env, []string) int {
			return func(env Env, pos []string) int {
				switch {
				case len(pos) == 0:
					usage(env.Stdout)
					return ExitOK
				case len(pos) > 1:
					fmt.Fprintln(env.Stderr, "netwright help: give one command")
					return ExitUsage
				}
				return Run(env, []string{pos[0], "--help"})
			}
		},
	}
}

func versionCommand() *command {
	c := &command{
		name: "version", summary: "print netwright's version",
		about: "Print netwright's version, the spec versions it reads, the design format it writes, and the Go toolchain it was built with.",
	}
	c.define = func(fs *flagSet) func(Env, []string) int {
		output := fs.Output("text", "json")
		return func(env Env, pos []string) int {
			if !c.wantArgs(env, pos, 0) {
				return ExitUsage
			}
			v := struct {
				Version      string `json:"version"`
				Revision     string `json:"revision,omitempty"`
				SpecVersions []int  `json:"spec_versions"`
				DesignFormat int    `json:"design_format"`
				Go           string `json:"go"`
			}{Version: "(devel)", SpecVersions: []int{1}, DesignFormat: design.FormatVersion}
			if bi, ok := debug.ReadBuildInfo(); ok {
				if bi.Main.Version != "" {
					v.Version = bi.Main.Version
				}
				v.Go = bi.GoVersion
				for _, s := range bi.Settings {
					if s.Key == "vcs.revision" {
						v.Revision = s.Value
					}
				}
			}
			if *output == "json" {
				return wrote(env, c.name, writeJSON(env.Stdout, v))
			}
			text := v.Version
			if len(v.Revision) >= 12 {
				text += " " + v.Revision[:12]
			}
			_, err := fmt.Fprintf(env.Stdout, "netwright %s\nspec versions: 1\ndesign format: %d\n%s\n", text, v.DesignFormat, v.Go)
			return wrote(env, c.name, err)
		}
	}
	return c
}
