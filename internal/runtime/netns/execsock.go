//go:build linux

package netns

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
)

// A rootless run's namespaces are named only in its own mount namespace
// and belong to its user namespace, which a Go program (always
// multithreaded) cannot enter: setns into a user namespace needs a
// single thread. So `netwright exec` asks the run itself, over a unix
// socket only its user may open: ExecVia sends the command, its
// environment and directory, with its standard input, output and error
// as file descriptors (SCM_RIGHTS); ServeExec starts the command in the
// task's namespace with them, as Exec does, and answers with its exit
// status. The command runs as root of the run's user namespace (its
// user outside); it ends when the asking process goes.

// execRequest is what ExecVia sends, with three descriptors.
type execRequest struct {
	Task string   `json:"task"`
	Argv []string `json:"argv"`
	Env  []string `json:"env"`
	Dir  string   `json:"dir"`
}

// execSignal is what ExecVia sends after its request, once for each
// signal its process gets that the command should have (an interactive
// command's Ctrl-C).
type execSignal struct {
	Signal int `json:"signal"`
}

// Forwarded are the signals ExecVia's caller passes on to the command.
var Forwarded = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT, syscall.SIGUSR1, syscall.SIGUSR2}

// execReply is ServeExec's answer.
type execReply struct {
	Code  int    `json:"code"`
	Error string `json:"error,omitempty"`
}

// maxExecRequest bounds a request (its environment is most of it).
const maxExecRequest = 1 << 20

// ExecServer answers ExecVia on a unix socket; Close stops it and the
// commands it started.
type ExecServer struct {
	ln     *net.UnixListener
	ctx    context.Context
	cancel context.CancelFunc
	runs   sync.WaitGroup
}

// ServeExec listens on the unix socket path (mode 0600) and runs each
// request's command in the namespace find names for its task, with
// that namespace's VPC resolver.
func ServeExec(path string, find func(task string) (nsPath string, resolver netip.Addr, ok bool)) (*ExecServer, error) {
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	ln, err := net.ListenUnix("unixpacket", &net.UnixAddr{Name: path, Net: "unixpacket"})
	if err != nil {
		return nil, err
	}
	// Connecting needs write permission: its user's alone (the umask,
	// usually 022, already kept it from others until now).
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, err
	}
	s := &ExecServer{ln: ln}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.runs.Go(func() {
		for {
			c, err := ln.AcceptUnix()
			if err != nil {
				return
			}
			s.runs.Go(func() { s.serve(c, find) })
		}
	})
	return s, nil
}

func (s *ExecServer) serve(c *net.UnixConn, find func(string) (string, netip.Addr, bool)) {
	defer c.Close()
	reply := func(code int, err error) {
		r := execReply{Code: code}
		if err != nil {
			r.Error = err.Error()
		}
		b, _ := json.Marshal(r)
		_, _ = c.Write(b)
	}
	buf, oob := make([]byte, maxExecRequest), make([]byte, unix.CmsgSpace(3*4))
	n, oobn, _, _, err := c.ReadMsgUnix(buf, oob)
	if err != nil {
		return
	}
	var files []*os.File
	defer func() {
		for _, f := range files {
			f.Close()
		}
	}()
	msgs, err := unix.ParseSocketControlMessage(oob[:oobn])
	if err == nil {
		for _, m := range msgs {
			fds, err := unix.ParseUnixRights(&m)
			if err != nil {
				continue
			}
			for _, fd := range fds {
				files = append(files, os.NewFile(uintptr(fd), "exec"))
			}
		}
	}
	var req execRequest
	if err := json.Unmarshal(buf[:n], &req); err != nil || len(files) != 3 || len(req.Argv) == 0 {
		reply(0, fmt.Errorf("a bad exec request (%d bytes, %d descriptors)", n, len(files)))
		return
	}
	nsPath, resolver, ok := find(req.Task)
	if !ok {
		reply(0, fmt.Errorf("no task %s (netwright status lists them)", req.Task))
		return
	}
	ctx, cancel := context.WithCancel(s.ctx)
	defer cancel()
	// The asker's signals go to the command; the asking process gone (its
	// end of the socket closed), the command goes too.
	signals := make(chan syscall.Signal, 8)
	go func() {
		defer cancel()
		msg := make([]byte, 256)
		for {
			n, err := c.Read(msg)
			if err != nil || n == 0 {
				return
			}
			var m execSignal
			if json.Unmarshal(msg[:n], &m) != nil || !forwarded(syscall.Signal(m.Signal)) {
				continue // not one the asker may send
			}
			select {
			case signals <- syscall.Signal(m.Signal):
			default: // the command has not taken the last ones yet
			}
		}
	}()
	code, err := execIn(ctx, nsPath, resolver, req.Argv, req.Env, req.Dir, files[0], files[1], files[2], signals)
	reply(code, err)
}

// Close stops listening, ends the commands in progress and waits.
func (s *ExecServer) Close() error {
	if s == nil {
		return nil
	}
	err := s.ln.Close()
	s.cancel()
	s.runs.Wait()
	return err
}

// forwarded reports whether sig is one of Forwarded.
func forwarded(sig syscall.Signal) bool {
	for _, f := range Forwarded {
		if f == sig {
			return true
		}
	}
	return false
}

// ExecVia runs argv in task's namespace through the ExecServer at path,
// with stdin, stdout and stderr as the command's, passes it each signal
// from signals (those of Forwarded; the caller relays its own with
// signal.Notify), and returns its exit status.
func ExecVia(path, task string, argv, env []string, stdin, stdout, stderr *os.File, signals <-chan os.Signal) (int, error) {
	c, err := net.DialUnix("unixpacket", nil, &net.UnixAddr{Name: path, Net: "unixpacket"})
	if err != nil {
		return 0, fmt.Errorf("the run's exec socket: %w", err)
	}
	defer c.Close()
	dir, _ := os.Getwd()
	b, err := json.Marshal(execRequest{Task: task, Argv: argv, Env: env, Dir: dir})
	if err != nil {
		return 0, err
	}
	if len(b) > maxExecRequest {
		return 0, fmt.Errorf("the command and its environment are %d bytes, more than %d", len(b), maxExecRequest)
	}
	rights := unix.UnixRights(int(stdin.Fd()), int(stdout.Fd()), int(stderr.Fd()))
	if _, _, err := c.WriteMsgUnix(b, rights, nil); err != nil {
		return 0, fmt.Errorf("the run's exec socket: %w", err)
	}
	done := make(chan struct{})
	defer close(done)
	go func() {
		for {
			select {
			case sig, ok := <-signals:
				if !ok {
					return
				}
				if s, isSys := sig.(syscall.Signal); isSys {
					m, _ := json.Marshal(execSignal{Signal: int(s)})
					_, _ = c.Write(m)
				}
			case <-done:
				return
			}
		}
	}()
	buf := make([]byte, 64<<10)
	n, err := c.Read(buf)
	if err != nil {
		if errors.Is(err, syscall.ECONNRESET) || n == 0 {
			return 0, errors.New("the run ended before the command did")
		}
		return 0, err
	}
	var r execReply
	if err := json.Unmarshal(buf[:n], &r); err != nil {
		return 0, fmt.Errorf("the run's answer: %w", err)
	}
	if r.Error != "" {
		return 0, errors.New(r.Error)
	}
	return r.Code, nil
}
