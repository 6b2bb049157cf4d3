// Package runtimetest holds what tests of the local runtime and of
// `netwright up` share: a buffer the runtime's goroutines may write to
// while the test reads it. It is for tests only.
package runtimetest

import (
	"bytes"
	"sync"
)

// Buffer is a bytes.Buffer safe for concurrent use: tasks' output, an
// access log, or a command's streams, read while they are written.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

// String returns what was written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
