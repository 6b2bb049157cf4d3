//go:build linux

package netns

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestUserNamespaceRefusal: each switch that refuses unprivileged user
// namespaces is named with the setting that allows them; a kernel
// without the switches (or with them on) may be tried; a refused start
// says what refused it.
func TestUserNamespaceRefusal(t *testing.T) {
	for _, c := range []struct {
		files map[string]string
		want  string
	}{
		{map[string]string{}, ""},
		{map[string]string{"sys/user/max_user_namespaces": "15000\n", "sys/kernel/unprivileged_userns_clone": "1\n"}, ""},
		{map[string]string{"sys/kernel/unprivileged_userns_clone": "0\n"}, "kernel.unprivileged_userns_clone is 0"},
		{map[string]string{"sys/user/max_user_namespaces": "0\n"}, "user.max_user_namespaces is 0"},
		{map[string]string{"sys/kernel/apparmor_restrict_unprivileged_userns": "1\n"}, "kernel.apparmor_restrict_unprivileged_userns is 1"},
		{map[string]string{"sys/kernel/apparmor_restrict_unprivileged_userns": "0\n"}, ""},
	} {
		proc := t.TempDir()
		for name, v := range c.files {
			p := filepath.Join(proc, name)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(v), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		err := userNamespaceRefusal(proc)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%v: refused: %v", c.files, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%v: %v, want one naming %q", c.files, err, c.want)
		}
		if c.want != "" {
			if err := rootlessError(proc, syscall.EPERM); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%v: a refused start says %v, want %q", c.files, err, c.want)
			}
		}
	}
	for errno, want := range map[syscall.Errno]string{syscall.EPERM: "security module", syscall.ENOSPC: "max_user_namespaces is reached", syscall.EINVAL: "CONFIG_USER_NS"} {
		err := rootlessError(t.TempDir(), &os.SyscallError{Syscall: "fork/exec", Err: errno})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%v: %v, want %q", errno, err, want)
		}
	}
}
