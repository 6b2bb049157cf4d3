//go:build !linux

package up

import "io"

// claimAddr claims nothing where there are no abstract Unix sockets:
// tasks there listen on ports of 127.0.0.1 the kernel chose, which
// another runtime's tasks, choosing likewise, meet only by chance.
func claimAddr(network, addr string) (io.Closer, error) { return nopCloser{}, nil }

type nopCloser struct{}

func (nopCloser) Close() error { return nil }
