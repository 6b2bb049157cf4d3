package cli

import (
	"os"
	"strings"
	"testing"
)

// TestDocsCoverEveryCommandAndFlag: docs/commands.md has a section for
// every command naming each of its flags as typed, and the README's table
// has a row for every command.
func TestDocsCoverEveryCommandAndFlag(t *testing.T) {
	docs, err := os.ReadFile("../../docs/commands.md")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	sections := map[string]string{}
	for _, part := range strings.Split(string(docs), "\n## netwright ")[1:] {
		name, _, _ := strings.Cut(part, " ")
		name, _, _ = strings.Cut(name, "\n")
		body, _, _ := strings.Cut(part, "\n## ")
		sections[name] = body
	}
	for _, c := range commands() {
		body, ok := sections[c.name]
		if !ok {
			t.Errorf("docs/commands.md has no section \"## netwright %s\"", c.name)
			continue
		}
		fs := newFlagSet(c.name)
		c.define(fs)
		for _, s := range fs.specs {
			names := []string{"--" + s.long}
			if s.short != "" {
				names = append(names, "-"+s.short)
			}
			for _, n := range names {
				if !strings.Contains(body, n) {
					t.Errorf("docs/commands.md, netwright %s: %s is not documented", c.name, n)
				}
			}
		}
		if !strings.Contains(string(readme), "| `netwright "+c.name) {
			t.Errorf("README.md's table has no row for netwright %s", c.name)
		}
	}
}
