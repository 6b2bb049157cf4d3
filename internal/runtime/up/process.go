package up

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"sync/atomic"
	"time"

	"github.com/netwright/netwright/internal/clock"
)

// process runs a service's `run` command as one task, restarting it
// with back-off when it dies, until its context ends.
type process struct {
	task, command string
	env           []string
	out           io.Writer // a line at a time
	clock         clock.Clock
	pid           atomic.Int64 // of the running command, 0 between runs
	// start starts the command (in its task's namespace); cmd.Start
	// when nil.
	start func(*exec.Cmd) error
	// starts counts how many times the command was started.
	starts atomic.Int64
}

// Back-off between restarts: doubling from the first to the last, and
// back to the first after a run this long.
const (
	firstBackoff = time.Second
	lastBackoff  = 30 * time.Second
	stableRun    = 10 * time.Second
	stopGrace    = 5 * time.Second
)

func (p *process) run(ctx context.Context) {
	backoff := firstBackoff
	for ctx.Err() == nil {
		start := p.clock.Now()
		err := p.once(ctx)
		if ctx.Err() != nil {
			return
		}
		if clock.Since(p.clock, start) > stableRun {
			backoff = firstBackoff
		}
		fmt.Fprintf(p.out, "[%s] exited (%v); restarting in %s\n", p.task, err, backoff)
		if !clock.Sleep(ctx, p.clock, backoff) {
			return
		}
		backoff = min(backoff*2, lastBackoff)
	}
}

// once starts the command in its own process group and waits for it; when
// ctx ends the group gets SIGTERM, then SIGKILL after a grace period.
func (p *process) once(ctx context.Context) error {
	cmd := exec.Command("/bin/sh", "-c", p.command)
	cmd.Env = append(os.Environ(), p.env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	cmd.Stderr = cmd.Stdout
	setGroup(cmd)
	start := p.start
	if start == nil {
		start = (*exec.Cmd).Start
	}
	if err := start(cmd); err != nil {
		return err
	}
	p.starts.Add(1)
	p.pid.Store(int64(cmd.Process.Pid))
	defer p.pid.Store(0)
	var copied sync.WaitGroup
	copied.Go(func() { prefixLines(p.out, p.task, stdout) })
	done := make(chan error, 1)
	go func() { copied.Wait(); done <- cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		signalGroup(cmd, false)
		select {
		case err := <-done:
			return err
		case <-time.After(stopGrace):
			signalGroup(cmd, true)
			return <-done
		}
	}
}

// prefixLines copies r to w a line at a time, each line after [task].
func prefixLines(w io.Writer, task string, r io.Reader) {
	s := bufio.NewScanner(r)
	s.Buffer(make([]byte, 64<<10), 1<<20)
	for s.Scan() {
		fmt.Fprintf(w, "[%s] %s\n", task, s.Text())
	}
	_, _ = io.Copy(io.Discard, r) // a line past 1 MB: drain the rest
}
