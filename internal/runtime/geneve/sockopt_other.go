//go:build !linux

package geneve

import "net"

// Fragmentable is Linux's (sockopt_linux.go); elsewhere the system's
// default stands.
func Fragmentable(*net.UDPConn) error { return nil }
