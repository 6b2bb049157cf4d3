package cli

import (
	"io"
	"sync"
)

// syncWriter serialises writes to W from many goroutines: `up`'s
// watcher, the tasks' output and whatever else a command prints to the
// same stream.
type syncWriter struct {
	mu sync.Mutex
	W  io.Writer
}

func (l *syncWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.W.Write(b)
}
