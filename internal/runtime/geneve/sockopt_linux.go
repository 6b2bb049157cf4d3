package geneve

import (
	"net"

	"golang.org/x/sys/unix"
)

// Fragmentable lets a socket's datagrams be fragmented on the way: a
// full-sized packet wrapped in GENEVE is larger than a 1500-byte link
// (AWS's appliances take 8500 bytes; local links have 1500).
func Fragmentable(c *net.UDPConn) error {
	rc, err := c.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	if err := rc.Control(func(fd uintptr) {
		serr = unix.SetsockoptInt(int(fd), unix.IPPROTO_IP, unix.IP_MTU_DISCOVER, unix.IP_PMTUDISC_DONT)
	}); err != nil {
		return err
	}
	return serr
}
