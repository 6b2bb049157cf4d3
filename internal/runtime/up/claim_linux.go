package up

import (
	"io"
	"net"
)

// claimAddr marks a task's address and port as this runtime's for as long
// as the returned closer stays open, so another netwright runtime on the
// machine does not take it. A task's own socket says the same while it
// listens, but a `run` command's socket is released for the command to
// bind, and stays free while the command starts or waits out its restart
// back-off: without the claim, another runtime's task could listen there
// in the meantime and answer this runtime's load balancers in the
// command's place. The claim is an abstract Unix socket named for the
// address: the kernel refuses a second one in the same network
// namespace (the namespace the address lives in) and removes it when
// the process ends, so a runtime that died leaves no stale claim. It
// fails with EADDRINUSE when another runtime holds the address.
func claimAddr(network, addr string) (io.Closer, error) {
	return net.ListenPacket("unixgram", "@netwright/task/"+network+"/"+addr)
}
