//go:build linux

package netns

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOwnDir: the directory a run names its namespaces in must be this
// user's own, not a link and not writable by others; a rootless run's is
// in the temporary directory, where another user could make it first.
func TestOwnDir(t *testing.T) {
	base := t.TempDir()
	fresh := filepath.Join(base, "fresh")
	if err := ownDir(fresh); err != nil {
		t.Fatalf("a new directory: %v", err)
	}
	open := filepath.Join(base, "open")
	if err := os.Mkdir(open, 0o777); err != nil {
		t.Fatal(err)
	}
	os.Chmod(open, 0o777) // past the umask
	if err := ownDir(open); err == nil || !strings.Contains(err.Error(), "writable by others") {
		t.Errorf("a directory anyone may write: %v; want refused", err)
	}
	link := filepath.Join(base, "link")
	if err := os.Symlink(fresh, link); err != nil {
		t.Fatal(err)
	}
	if err := ownDir(link); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("a link to a directory: %v; want refused", err)
	}
	if os.Geteuid() == 0 {
		theirs := filepath.Join(base, "theirs")
		if err := os.Mkdir(theirs, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Chown(theirs, 65534, 65534); err != nil {
			t.Fatal(err)
		}
		if err := ownDir(theirs); err == nil || !strings.Contains(err.Error(), "another user") {
			t.Errorf("another user's directory: %v; want refused", err)
		}
	}
}
