// Package logtest helps tests read what rollcall logs. It is a test helper:
// production code never imports it.
package logtest

import (
	"bytes"
	"sync"
)

// Buffer is a bytes.Buffer that a logger (or a child process's output) and a
// test may write and read at the same time.
type Buffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends p.
func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns everything written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
