//go:build linux

package netns

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// A rootless run: a user who is not root runs `up` in netns mode where
// the kernel lets unprivileged users make user namespaces. `up` starts
// itself again (Rootless) in a new user namespace, where it is root
// with every capability over the namespaces it then makes, and in a
// mount namespace of its own, where the bind mounts that name its
// network namespaces live (in the user's directory, rootlessDir, as
// /run/netns is root's). It stays in the host's network namespace, so
// its front doors, DNS server and admin API listen on the host's
// 127.0.0.1 as a root run's do; every namespace it makes belongs to its
// user namespace, and the kernel removes them all when it ends.
//
// The host's network namespace belongs to the host's user namespace,
// so a thread that entered one of the run's namespaces cannot come back
// (setns: EPERM): onThread lets such a thread end, and Go starts
// another. That is the cost of rootless operation: a thread per socket
// opened in a namespace (BENCHMARKS.md).

// RootlessEnv marks the process Rootless starts, so it never starts
// itself again.
const RootlessEnv = "NETWRIGHT_ROOTLESS"

// rootlessDir is the directory of a rootless run's namespace names for
// the user uid (outside the user namespace).
func rootlessDir(uid int) string {
	return filepath.Join(os.TempDir(), "netwright-"+strconv.Itoa(uid)+"-netns")
}

// outerUID is the user outside the user namespace this process is root
// in; false in the host's user namespace.
func outerUID() (int, bool) {
	b, err := os.ReadFile("/proc/self/uid_map")
	if err != nil {
		return 0, false
	}
	f := strings.Fields(string(b))
	// The initial user namespace maps everything: 0 0 4294967295.
	if len(f) < 3 || f[0] == "0" && f[1] == "0" && f[2] == "4294967295" {
		return 0, false
	}
	if f[0] != "0" {
		return 0, false
	}
	uid, err := strconv.Atoi(f[1])
	return uid, err == nil
}

// InUserNamespace reports whether this process runs in a user namespace
// Rootless made (or any other than the host's, with itself as root).
func InUserNamespace() bool {
	_, ok := outerUID()
	return ok
}

// procFile reads a number from /proc/sys; false when the file is not
// there (the kernel has no such switch).
func procFile(path string) (int, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(b)))
	return n, err == nil
}

// UserNamespaceRefusal says why this kernel refuses an unprivileged
// user namespace, from the switches that refuse one; nil when none does,
// and Rootless may try (the kernel has the last word).
func UserNamespaceRefusal() error { return userNamespaceRefusal("/proc") }

func userNamespaceRefusal(proc string) error {
	if n, ok := procFile(proc + "/sys/kernel/unprivileged_userns_clone"); ok && n == 0 {
		return errors.New("the kernel refuses unprivileged user namespaces: kernel.unprivileged_userns_clone is 0 (sysctl -w kernel.unprivileged_userns_clone=1 allows them)")
	}
	if n, ok := procFile(proc + "/sys/user/max_user_namespaces"); ok && n == 0 {
		return errors.New("the kernel refuses user namespaces: user.max_user_namespaces is 0 (sysctl -w user.max_user_namespaces=15000 allows them)")
	}
	if n, ok := procFile(proc + "/sys/kernel/apparmor_restrict_unprivileged_userns"); ok && n == 1 {
		return errors.New("AppArmor refuses unprivileged user namespaces: kernel.apparmor_restrict_unprivileged_userns is 1 (an AppArmor profile allowing userns for netwright, or sysctl -w kernel.apparmor_restrict_unprivileged_userns=0, allows them)")
	}
	return nil
}

// Rootless is the command that runs this program again, with args, in a
// new user namespace (its user as root there) and a new mount
// namespace, marked with RootlessEnv. The caller starts it and waits;
// a Start that fails means the kernel refused (RootlessError says why).
func Rootless(args []string) (*exec.Cmd, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(self, args...)
	cmd.Env = append(os.Environ(), RootlessEnv+"=1")
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags:  syscall.CLONE_NEWUSER | syscall.CLONE_NEWNS,
		UidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getuid(), Size: 1}},
		GidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getgid(), Size: 1}},
		// An unprivileged user may map its group only with setgroups off.
		GidMappingsEnableSetgroups: false,
		Pdeathsig:                  syscall.SIGTERM,
	}
	return cmd, nil
}

// RootlessError explains a failure to start the command Rootless made.
func RootlessError(err error) error {
	return rootlessError("/proc", err)
}

func rootlessError(proc string, err error) error {
	if r := userNamespaceRefusal(proc); r != nil {
		return r
	}
	switch {
	case errors.Is(err, syscall.EPERM), errors.Is(err, syscall.EACCES):
		return fmt.Errorf("the kernel refused an unprivileged user namespace (%v): a security module (AppArmor, SELinux) or a seccomp filter may forbid it", err)
	case errors.Is(err, syscall.ENOSPC):
		return fmt.Errorf("the kernel refused a user namespace (%v): user.max_user_namespaces is reached", err)
	case errors.Is(err, syscall.EINVAL):
		return fmt.Errorf("the kernel refused a user namespace (%v): it was built without CONFIG_USER_NS", err)
	}
	return fmt.Errorf("a user namespace: %w", err)
}
