//go:build !unix

package up

import "os/exec"

func setGroup(*exec.Cmd) {}

// signalGroup can only kill the process itself here.
func signalGroup(cmd *exec.Cmd, _ bool) { _ = cmd.Process.Kill() }
