package cli

import (
	"fmt"
	"io"
	"strings"
)

var shells = []string{"bash", "zsh", "fish"}

func completionCommand() *command {
	c := &command{
		name: "completion", args: "SHELL", argWords: func() []string { return shells },
		summary: "print the shell completion script for bash, zsh or fish",
		about: "Print a script that completes netwright's commands, flags and flag values (output formats, export formats, files and directories) in bash, zsh or fish. " +
			"Load it with: bash, source <(netwright completion bash) in ~/.bashrc; zsh, netwright completion zsh > \"${fpath[1]}/_netwright\" " +
			"(or source <(netwright completion zsh) after compinit); fish, netwright completion fish > ~/.config/fish/completions/netwright.fish.",
	}
	c.define = func(fs *flagSet) func(Env, []string) int {
		return func(env Env, pos []string) int {
			if !c.wantArgs(env, pos, 1) {
				return ExitUsage
			}
			var script string
			switch pos[0] {
			case "bash":
				script = bashCompletion()
			case "zsh":
				script = zshCompletion()
			case "fish":
				script = fishCompletion()
			default:
				fmt.Fprintf(env.Stderr, "netwright completion: %q is not a shell netwright completes; give %s\n", pos[0], orList(shells))
				return ExitUsage
			}
			_, err := io.WriteString(env.Stdout, script)
			return wrote(env, c.name, err)
		}
	}
	return c
}

// completable is a command with the flags completion offers.
type completable struct {
	*command
	flags []*flagSpec
}

func completables() []completable {
	var out []completable
	for _, c := range commands() {
		fs := newFlagSet(c.name)
		c.define(fs)
		cc := completable{command: c}
		for _, s := range fs.specs {
			if s.deprecated == "" {
				cc.flags = append(cc.flags, s)
			}
		}
		cc.flags = append(cc.flags, &flagSpec{long: "help", short: "h", usage: "print this help"})
		out = append(out, cc)
	}
	return out
}

// values are the words that complete a flag's value.
func (s *flagSpec) values() []string {
	if len(s.choices) > 0 {
		return s.choices
	}
	return s.suggest
}

func bashCompletion() string {
	var b strings.Builder
	b.WriteString(`# bash completion for netwright: commands, flags and flag values.
# Load it with: source <(netwright completion bash)
_netwright_files() {
  # The files among the completions of $cur that match a pattern given,
  # and directories to go on into.
  local f p
  local -a out=()
  while IFS= read -r f; do
    if [[ -d $f ]]; then
      out+=("$f")
      continue
    fi
    for p in "$@"; do
      if [[ $f == $p ]]; then
        out+=("$f")
        break
      fi
    done
  done < <(compgen -f -- "$cur")
  COMPREPLY=("${out[@]}")
  compopt -o filenames 2>/dev/null
}

_netwright() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
  # --flag=value arrives as three words: --flag, = and value.
  if [[ $cur == = ]]; then
    cur=
  elif [[ $prev == = ]] && ((COMP_CWORD > 2)); then
    prev=${COMP_WORDS[COMP_CWORD-2]}
  fi
  if ((COMP_CWORD == 1)); then
`)
	names := strings.Join(commandNames(), " ")
	fmt.Fprintf(&b, "    COMPREPLY=($(compgen -W %q -- \"$cur\"))\n", names+" --help --version")
	b.WriteString("    return\n  fi\n  case ${COMP_WORDS[1]} in\n")
	for _, c := range completables() {
		fmt.Fprintf(&b, "  %s)\n", c.name)
		// A flag that takes a value completes the value.
		cases := 0
		for _, s := range c.flags {
			if s.value == "" {
				continue
			}
			if cases == 0 {
				b.WriteString("    case $prev in\n")
			}
			cases++
			pat := dashed(s.long)
			if s.short != "" {
				pat = dashed(s.short) + "|" + pat
			}
			fmt.Fprintf(&b, "    %s)\n", pat)
			switch {
			case len(s.values()) > 0:
				fmt.Fprintf(&b, "      COMPREPLY=($(compgen -W %q -- \"$cur\"))\n", strings.Join(s.values(), " "))
			case s.files == "dir":
				b.WriteString("      COMPREPLY=($(compgen -d -- \"$cur\"))\n      compopt -o filenames 2>/dev/null\n")
			case s.files != "":
				fmt.Fprintf(&b, "      _netwright_files %s\n", shellWords(strings.Fields(s.files)))
			default:
				b.WriteString("      COMPREPLY=()\n")
			}
			b.WriteString("      return ;;\n")
		}
		if cases > 0 {
			b.WriteString("    esac\n")
		}
		var flags []string
		for _, s := range c.flags {
			if s.short != "" {
				flags = append(flags, dashed(s.short))
			}
			flags = append(flags, dashed(s.long))
		}
		fmt.Fprintf(&b, "    if [[ $cur == -* ]]; then\n      COMPREPLY=($(compgen -W %q -- \"$cur\"))\n      return\n    fi\n", strings.Join(flags, " "))
		switch {
		case len(c.argFiles) > 0:
			fmt.Fprintf(&b, "    _netwright_files %s\n", shellWords(c.argFiles))
		case c.argWords != nil:
			fmt.Fprintf(&b, "    COMPREPLY=($(compgen -W %q -- \"$cur\"))\n", strings.Join(c.argWords(), " "))
		}
		b.WriteString("    ;;\n")
	}
	b.WriteString("  esac\n}\n\ncomplete -F _netwright netwright\n")
	return b.String()
}

// shellWords quotes each word for sh with single quotes.
func shellWords(words []string) string {
	var q []string
	for _, w := range words {
		q = append(q, "'"+strings.ReplaceAll(w, "'", `'\''`)+"'")
	}
	return strings.Join(q, " ")
}

// zshText escapes text for a description inside an _arguments spec in
// single quotes: brackets and colons are syntax there.
func zshText(s string) string {
	s = strings.ReplaceAll(s, "'", `'\''`)
	s = strings.NewReplacer("[", `\[`, "]", `\]`, ":", `\:`).Replace(s)
	return s
}

// menuText is a flag's description for a completion menu: its brief, or
// its usage up to the first ";" or "(".
func (s *flagSpec) menuText() string {
	if s.brief != "" {
		return s.brief
	}
	text := s.usage
	if i := strings.IndexAny(text, ";("); i > 0 {
		text = text[:i]
	}
	return strings.TrimSpace(text)
}

func zshCompletion() string {
	var b strings.Builder
	b.WriteString(`#compdef netwright
# zsh completion for netwright: commands, flags and flag values.
# Put it on $fpath as _netwright, or source it after compinit.
_netwright() {
  local curcontext=$curcontext state line
  local -a commands
  commands=(
`)
	for _, c := range commands() {
		desc := strings.NewReplacer("'", `'\''`, ":", `\:`).Replace(c.summary)
		fmt.Fprintf(&b, "    '%s:%s'\n", c.name, desc)
	}
	b.WriteString(`  )
  _arguments -C '(- *)'{-h,--help}'[print the commands]' '(- *)'{-v,--version}'[print the version]' '1: :->command' '*:: :->args' && return
  case $state in
  command)
    _describe -t commands 'netwright command' commands
    ;;
  args)
    case ${words[1]} in
`)
	for _, c := range completables() {
		fmt.Fprintf(&b, "    %s)\n      _arguments -s \\\n", c.name)
		for _, s := range c.flags {
			desc := zshText(s.menuText())
			action := ""
			if s.value != "" {
				action = ":" + strings.ToLower(s.value) + ":"
				switch {
				case len(s.values()) > 0:
					action += "(" + strings.Join(s.values(), " ") + ")"
				case s.files == "dir":
					action += "_files -/"
				case s.files != "":
					action += "_files -g '\\''" + zshGlob(strings.Fields(s.files)) + "'\\''"
				default:
					action += " "
				}
			}
			if s.short != "" {
				fmt.Fprintf(&b, "        '(%s %s)'{%s,%s}'[%s]%s' \\\n", dashed(s.short), dashed(s.long), dashed(s.short), dashed(s.long), desc, action)
			} else {
				fmt.Fprintf(&b, "        '%s[%s]%s' \\\n", dashed(s.long), desc, action)
			}
		}
		switch {
		case len(c.argFiles) > 0:
			fmt.Fprintf(&b, "        '1:file:_files -g '\\''%s'\\''' \\\n", zshGlob(c.argFiles))
		case c.argWords != nil:
			fmt.Fprintf(&b, "        '1:%s:(%s)' \\\n", strings.ToLower(c.args), strings.Join(c.argWords(), " "))
		}
		b.WriteString("        && return\n      ;;\n")
	}
	b.WriteString(`    esac
    ;;
  esac
  return 1
}

if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
  _netwright "$@"
else
  compdef _netwright netwright
fi
`)
	return b.String()
}

// zshGlob joins patterns into one zsh glob: *.yaml and *.yml become
// *.(yaml|yml).
func zshGlob(patterns []string) string {
	var exts []string
	for _, p := range patterns {
		ext, ok := strings.CutPrefix(p, "*.")
		if !ok {
			return strings.Join(patterns, " ")
		}
		exts = append(exts, ext)
	}
	if len(exts) == 1 {
		return "*." + exts[0]
	}
	return "*.(" + strings.Join(exts, "|") + ")"
}

func fishCompletion() string {
	var b strings.Builder
	b.WriteString("# fish completion for netwright: commands, flags and flag values.\n")
	b.WriteString("# Save it as ~/.config/fish/completions/netwright.fish\n")
	b.WriteString(`complete -c netwright -f
function __netwright_files --description 'the files with a suffix given, and directories'
    set -l token (commandline -ct)
    for f in $token*
        if test -d $f
            echo $f/
            continue
        end
        for s in $argv
            if string match -q -- "*$s" $f
                echo $f
                break
            end
        end
    end
end
`)
	names := strings.Join(commandNames(), " ")
	for _, c := range commands() {
		fmt.Fprintf(&b, "complete -c netwright -n 'not __fish_seen_subcommand_from %s' -a %s -d %s\n", names, c.name, fishQuote(c.summary))
	}
	for _, c := range completables() {
		cond := fmt.Sprintf("'__fish_seen_subcommand_from %s'", c.name)
		for _, s := range c.flags {
			line := fmt.Sprintf("complete -c netwright -n %s -l %s", cond, s.long)
			if s.short != "" {
				line += " -s " + s.short
			}
			if s.value != "" {
				switch {
				case len(s.values()) > 0:
					line += " -x -a " + fishQuote(strings.Join(s.values(), " "))
				case s.files == "dir":
					line += " -x -a '(__fish_complete_directories)'"
				case s.files != "":
					line += " -x -a " + fishQuote("(__netwright_files "+fishSuffixes(strings.Fields(s.files))+")")
				default:
					line += " -x"
				}
			}
			line += " -d " + fishQuote(s.menuText())
			b.WriteString(line + "\n")
		}
		switch {
		case len(c.argFiles) > 0:
			fmt.Fprintf(&b, "complete -c netwright -n %s -a %s\n", cond, fishQuote("(__netwright_files "+fishSuffixes(c.argFiles)+")"))
		case c.argWords != nil:
			fmt.Fprintf(&b, "complete -c netwright -n %s -a %s\n", cond, fishQuote(strings.Join(c.argWords(), " ")))
		}
	}
	return b.String()
}

// fishSuffixes turns glob patterns (*.yaml) into the suffixes
// __netwright_files takes (.yaml).
func fishSuffixes(patterns []string) string {
	var out []string
	for _, p := range patterns {
		out = append(out, strings.TrimPrefix(p, "*"))
	}
	return strings.Join(out, " ")
}

// fishQuote quotes s for fish with single quotes.
func fishQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, "'", `\'`).Replace(s) + "'"
}
