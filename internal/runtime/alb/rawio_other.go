//go:build !linux

package alb

import "net"

// rawIO returns c: raw system calls are for Linux (rawio_linux.go).
func rawIO(c net.Conn) net.Conn { return c }
