package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// completionCase is a command line being typed (the last word is the one
// completed) and the completions a shell must offer.
type completionCase struct {
	line []string
	want []string
}

// completionCases runs in a directory holding spec.yaml, design.json,
// notes.txt and the directory sub.
func completionCases() []completionCase {
	all := append(commandNames(), "--help", "--version")
	return []completionCase{
		{[]string{"pl"}, []string{"plan"}},
		{[]string{""}, all},
		{[]string{"plan", "-o", ""}, []string{"text", "json", "yaml"}},
		{[]string{"plan", "--output", "y"}, []string{"yaml"}},
		{[]string{"check", "-o", ""}, []string{"text", "json", "sarif", "junit"}},
		{[]string{"check", "--f"}, []string{"--fail-on", "--from"}}, // not the deprecated --format
		{[]string{"check", "--fail-on", ""}, []string{"error", "warning", "never"}},
		{[]string{"reach", "--protocol", ""}, []string{"icmp", "tcp", "udp"}},
		{[]string{"reach", "-o", ""}, []string{"text", "json"}},
		{[]string{"export", "--format", ""}, []string{"cloudformation", "terraform", "svg", "report", "kubernetes"}},
		{[]string{"route", "--method", "P"}, []string{"POST", "PUT", "PATCH"}},
		{[]string{"status", "--"}, []string{"--admin", "--watch", "--output", "--help"}},
		{[]string{"completion", ""}, []string{"bash", "zsh", "fish"}},
		{[]string{"help", "exp"}, []string{"export"}},
		{[]string{"plan", "s"}, []string{"spec.yaml", "sub"}},
		{[]string{"validate", ""}, []string{"spec.yaml", "sub"}},
		{[]string{"check", "--design", ""}, []string{"design.json", "sub"}},
		{[]string{"export", "-o", ""}, []string{"sub"}},
		{[]string{"up", "--state-dir", ""}, []string{"sub"}},
	}
}

// completionDir makes the directory the cases complete files in.
func completionDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range []string{"spec.yaml", "design.json", "notes.txt"} {
		if err := os.WriteFile(filepath.Join(dir, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// shell finds a shell, or skips the test outside CI.
func shell(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not installed; .ci/run installs it", name)
		}
		t.Skipf("%s not installed (apt-get install %s)", name, name)
	}
	return p
}

func script(t *testing.T, sh, dir string) string {
	t.Helper()
	r := run(t, false, nil, "completion", sh)
	if r.code != ExitOK || r.stderr != "" {
		t.Fatalf("completion %s = %d, %q", sh, r.code, r.stderr)
	}
	path := filepath.Join(dir, "..", "netwright."+sh)
	if err := os.WriteFile(path, []byte(r.stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func checkCompletions(t *testing.T, c completionCase, got []string) {
	t.Helper()
	// Shells write directories as sub or sub/.
	for i, g := range got {
		got[i] = strings.TrimSuffix(g, "/")
	}
	got = slices.Compact(slices.Sorted(slices.Values(got)))
	want := slices.Sorted(slices.Values(c.want))
	if !slices.Equal(got, want) {
		t.Errorf("netwright %s<TAB> = %q; want %q", strings.Join(c.line, " "), got, want)
	}
}

// TestBashCompletion loads the script into bash, checks it is the
// completion of netwright (complete -p), and runs its function on each
// case as bash would.
func TestBashCompletion(t *testing.T) {
	bash := shell(t, "bash")
	dir := completionDir(t)
	path := script(t, "bash", dir)
	out, err := exec.Command(bash, "--norc", "--noprofile", "-c", "source "+path+" && complete -p netwright").CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "complete -F _netwright netwright" {
		t.Fatalf("complete -p netwright = %q, %v", out, err)
	}
	for _, c := range completionCases() {
		// Bash splits --flag=value at the "=": COMP_WORDS holds it alone.
		words := append([]string{"netwright"}, c.line...)
		var quoted []string
		for _, w := range words {
			quoted = append(quoted, "'"+w+"'")
		}
		driver := "source " + path + "\nCOMP_WORDS=(" + strings.Join(quoted, " ") + ")\nCOMP_CWORD=" +
			strconv.Itoa(len(words)-1) + "\n_netwright\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n"
		cmd := exec.Command(bash, "--norc", "--noprofile", "-c", driver)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%q: %v\n%s", c.line, err, out)
		}
		checkCompletions(t, c, strings.Fields(string(out)))
	}
	// --output=json: bash hands the words --output, = and the value.
	cmd := exec.Command(bash, "--norc", "--noprofile", "-c", "source "+path+"\nCOMP_WORDS=(netwright plan --output = j)\nCOMP_CWORD=4\n_netwright\necho \"${COMPREPLY[@]}\"")
	if out, err := cmd.CombinedOutput(); err != nil || strings.TrimSpace(string(out)) != "json" {
		t.Errorf("netwright plan --output=j<TAB> = %q, %v; want json", out, err)
	}
}

// TestFishCompletion asks fish itself what it would complete (complete
// -C) with the script loaded.
func TestFishCompletion(t *testing.T) {
	fish := shell(t, "fish")
	dir := completionDir(t)
	path := script(t, "fish", dir)
	if out, err := exec.Command(fish, "--no-config", "-n", path).CombinedOutput(); err != nil {
		t.Fatalf("fish -n: %v\n%s", err, out)
	}
	for _, c := range completionCases() {
		cmd := exec.Command(fish, "--no-config", "-c", "source "+path+"; complete -C "+fishQuote("netwright "+strings.Join(c.line, " ")))
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "HOME="+dir)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%q: %v\n%s", c.line, err, out)
		}
		var got []string
		for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			if v, _, _ := strings.Cut(l, "\t"); v != "" {
				got = append(got, v)
			}
		}
		checkCompletions(t, optionsOnDash(c), got)
	}
}

// zshCapture drives an interactive zsh in a pseudo-terminal (zsh/zpty),
// presses TAB after the line, and prints each match compadd is given
// (the method of github.com/Valodim/zsh-capture-completion).
const zshCapture = `zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "source ${0:h}/init.zsh"
zpty -w z "$1"$'\t'
integer nulls=0
while zpty -r z line; do print -r -- "$line"; done 2>/dev/null | while IFS= read -r line; do
  [[ $line == *'<hit>'* ]] && print -r -- "${${line#*<hit>}%$'\r'}"
  [[ $line == *$'\0'* ]] && (( ++nulls == 2 )) && break
done
zpty -d z
`

const zshInit = `PROMPT=
autoload -Uz compinit
compinit -u -d "${0:h}/zcompdump"
source "${0:h}/../netwright.zsh"
bindkey '^I' complete-word
null-line() { echo -E - $'\0' }
compprefuncs=(null-line)
comppostfuncs=(null-line exit)
compadd() {
  if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then
    builtin compadd "$@"
    return
  fi
  typeset -a hits
  builtin compadd -A hits "$@"
  (( $#hits )) || return 1
  print -rl -- "<hit>"${^hits}
  builtin compadd "$@"
}
`

// TestZshCompletion loads the script into an interactive zsh with
// compinit and captures what TAB offers.
func TestZshCompletion(t *testing.T) {
	zsh := shell(t, "zsh")
	dir := completionDir(t)
	script(t, "zsh", dir)
	driver := filepath.Join(dir, "..", "zsh")
	if err := os.MkdirAll(driver, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{"capture.zsh": zshCapture, "init.zsh": zshInit} {
		if err := os.WriteFile(filepath.Join(driver, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if out, err := exec.Command(zsh, "-n", filepath.Join(dir, "..", "netwright.zsh")).CombinedOutput(); err != nil {
		t.Fatalf("zsh -n: %v\n%s", err, out)
	}
	for _, c := range completionCases() {
		cmd := exec.Command(zsh, "-f", filepath.Join(driver, "capture.zsh"), "netwright "+strings.Join(c.line, " "))
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "HOME="+dir)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%q: %v\n%s", c.line, err, out)
		}
		checkCompletions(t, optionsOnDash(c), strings.Fields(string(out)))
	}
}

// optionsOnDash adapts a case to zsh and fish, which offer --help and
// --version beside the commands only once a "-" is typed.
func optionsOnDash(c completionCase) completionCase {
	if len(c.line) == 1 && c.line[0] == "" {
		c.want = commandNames()
	}
	return c
}
