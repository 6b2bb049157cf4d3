package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/netwright/netwright/internal/didyoumean"
)

// flagSpec describes one flag as users see it: in --help, in shell
// completion and in docs/commands.md.
type flagSpec struct {
	long  string // the name after --
	short string // a one-letter name after -, or ""
	// value names the flag's argument in help (FORMAT, FILE, DIR); ""
	// for a boolean flag.
	value string
	usage string
	// brief is the usage cut short for completion menus; "" uses usage
	// up to its first ";" or "(".
	brief string
	// choices are the values the flag accepts; others are a usage error.
	choices []string
	// suggest are values completion offers without limiting the flag
	// to them.
	suggest []string
	// files says what completes the flag's value: "dir" for a directory,
	// or glob patterns such as "*.json"; "" completes nothing.
	files string
	// deprecated, when set, hides the flag from completion and lists it
	// under Deprecated in help with this advice.
	deprecated string
	def        string // the default as help shows it; "" shows none
}

// flagSet is a command's flags, parsed by the flag package (which takes
// -name and --name alike) and described by flagSpecs.
type flagSet struct {
	fs    *flag.FlagSet
	specs []*flagSpec
}

func newFlagSet(name string) *flagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	// The flag package prints its own errors and usage; we print ours.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return &flagSet{fs: fs}
}

// add registers v under the flag's long and short names.
func (f *flagSet) add(s flagSpec, v flag.Value) {
	f.fs.Var(v, s.long, s.usage)
	if s.short != "" {
		f.fs.Var(v, s.short, s.usage)
	}
	f.specs = append(f.specs, &s)
}

// String defines a string flag; with choices, any other value is a usage
// error.
func (f *flagSet) String(s flagSpec, def string) *string {
	p := new(string)
	*p = def
	if s.def == "" && def != "" {
		s.def = def
	}
	f.add(s, &stringValue{p: p, choices: s.choices})
	return p
}

// Output defines -o/--output, the format of what the command prints; the
// first format is the default.
func (f *flagSet) Output(formats ...string) *string {
	return f.String(flagSpec{long: "output", short: "o", value: "FORMAT", choices: formats,
		usage: "output format: " + orList(formats)}, formats[0])
}

// Alias makes name another spelling of the flag long, kept for scripts
// that use it; advice says what to use instead.
func (f *flagSet) Alias(name, long, advice string) {
	target := f.fs.Lookup(long)
	for _, s := range f.specs {
		if s.long == long {
			a := *s
			a.long, a.short, a.deprecated, a.usage = name, "", advice, "same as "+s.names()
			f.fs.Var(target.Value, name, a.usage)
			f.specs = append(f.specs, &a)
			return
		}
	}
	panic("cli: alias of unknown flag " + long)
}

// Bool defines a boolean flag.
func (f *flagSet) Bool(s flagSpec, def bool) *bool {
	p := new(bool)
	*p = def
	s.value = ""
	s.def = strconv.FormatBool(def)
	f.add(s, (*boolValue)(p))
	return p
}

// Int defines an integer flag.
func (f *flagSet) Int(s flagSpec, def int) *int {
	p := new(int)
	*p = def
	s.def = strconv.Itoa(def)
	f.add(s, (*intValue)(p))
	return p
}

// Duration defines a duration flag (2s, 500ms).
func (f *flagSet) Duration(s flagSpec, def time.Duration) *time.Duration {
	p := new(time.Duration)
	*p = def
	s.def = def.String()
	f.add(s, (*durationValue)(p))
	return p
}

// Var defines a flag of another type, such as a repeatable one.
func (f *flagSet) Var(s flagSpec, v flag.Value) { f.add(s, v) }

type stringValue struct {
	p       *string
	choices []string
}

func (v *stringValue) String() string {
	if v == nil || v.p == nil {
		return ""
	}
	return *v.p
}

func (v *stringValue) Set(s string) error {
	if len(v.choices) > 0 && !oneOf(s, v.choices...) {
		return fmt.Errorf("must be %s", orList(v.choices))
	}
	*v.p = s
	return nil
}

type boolValue bool

func (b *boolValue) String() string {
	if b == nil {
		return "false"
	}
	return strconv.FormatBool(bool(*b))
}

func (b *boolValue) Set(s string) error {
	v, err := strconv.ParseBool(s)
	if err != nil {
		return errors.New("must be true or false")
	}
	*b = boolValue(v)
	return nil
}

// IsBoolFlag lets --watch stand alone, as the flag package's bools do.
func (b *boolValue) IsBoolFlag() bool { return true }

type intValue int

func (i *intValue) String() string {
	if i == nil {
		return "0"
	}
	return strconv.Itoa(int(*i))
}

func (i *intValue) Set(s string) error {
	v, err := strconv.Atoi(s)
	if err != nil {
		return errors.New("must be a whole number")
	}
	*i = intValue(v)
	return nil
}

type durationValue time.Duration

func (d *durationValue) String() string {
	if d == nil {
		return "0s"
	}
	return time.Duration(*d).String()
}

func (d *durationValue) Set(s string) error {
	v, err := time.ParseDuration(s)
	if err != nil {
		return errors.New("must be a duration such as 2s or 500ms")
	}
	*d = durationValue(v)
	return nil
}

// orList writes "a, b or c".
func orList(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}

// dashed writes a flag name as users type it: -o, --output.
func dashed(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// names is "-o, --output" for a flag with both names.
func (s *flagSpec) names() string {
	if s.short != "" {
		return dashed(s.short) + ", " + dashed(s.long)
	}
	return dashed(s.long)
}

// writeHelp writes the flags section of a command's help: each flag as
// typed (-o, --output FORMAT), then its description, wrapped.
func (f *flagSet) writeHelp(w io.Writer) {
	var b strings.Builder
	b.WriteString("\nFlags:\n")
	var deprecated []*flagSpec
	for _, s := range f.specs {
		if s.deprecated != "" {
			deprecated = append(deprecated, s)
			continue
		}
		writeFlagHelp(&b, s)
	}
	writeFlagHelp(&b, &flagSpec{long: "help", short: "h", usage: "print this help"})
	if len(deprecated) > 0 {
		b.WriteString("\nDeprecated (still accepted):\n")
		for _, s := range deprecated {
			writeFlagHelp(&b, s)
		}
	}
	io.WriteString(w, b.String())
}

func writeFlagHelp(b *strings.Builder, s *flagSpec) {
	b.WriteString("  " + s.names())
	if s.value != "" {
		b.WriteString(" " + s.value)
	}
	b.WriteString("\n")
	text := s.usage
	if s.def != "" && s.deprecated == "" {
		text += " (default " + s.def + ")"
	}
	wrap(b, text, "      ", 80)
}

// wrap writes text in lines of at most width columns, each after indent.
func wrap(b *strings.Builder, text, indent string, width int) {
	line := indent
	for _, word := range strings.Fields(text) {
		if len(line) > len(indent) && len(line)+1+len(word) > width {
			b.WriteString(line + "\n")
			line = indent
		}
		if len(line) > len(indent) {
			line += " "
		}
		line += word
	}
	if len(line) > len(indent) {
		b.WriteString(line + "\n")
	}
}

// flagNameRE finds a flag name in the flag package's error messages,
// which write every name with one dash.
var flagNameRE = regexp.MustCompile(`(^|\s)-([A-Za-z0-9][A-Za-z0-9_-]*)(:|$)`)

// parse parses args, allowing flags after the positional arguments too
// (netwright plan FILE -o json), and returns the positional arguments.
// A parse error is returned as a message that writes flags as users type
// them, with a suggestion for a misspelt one; errHelp for -h and --help.
func (f *flagSet) parse(args []string) ([]string, error) {
	var pos []string
	for {
		if err := f.fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			msg := strings.Replace(err.Error(), " for flag -", " for -", 1)
			msg = flagNameRE.ReplaceAllStringFunc(msg, func(m string) string {
				sub := flagNameRE.FindStringSubmatch(m)
				return sub[1] + dashed(sub[2]) + sub[3]
			})
			if name, ok := strings.CutPrefix(err.Error(), "flag provided but not defined: -"); ok {
				var known []string
				for _, s := range f.specs {
					if s.deprecated == "" {
						known = append(known, s.long)
					}
				}
				if sug := didyoumean.Suggest(strings.TrimLeft(name, "-"), known); sug != "" {
					msg += fmt.Sprintf(" (did you mean --%s?)", sug)
				}
			}
			return nil, errors.New(msg)
		}
		rest := f.fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if i := len(args) - len(rest) - 1; i >= 0 && args[i] == "--" {
			// Parsing stopped at "--": everything after it is positional.
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// used reports whether the flag named long (or its short name) was given.
func (f *flagSet) used(long string) bool {
	var set bool
	f.fs.Visit(func(fl *flag.Flag) {
		if fl.Name == long {
			set = true
		}
	})
	return set
}
