// Package logtest helps tests read what rollcall logs. It is a test helper:
// production code never imports it.
package logtest

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
)

// Buffer is a bytes.Buffer that a logger (or a child process's output) and a
// test may write and read at the same time, and that a test may wait on for
// a line: an event, not a deadline.
type Buffer struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	written chan struct{} // closed and replaced at every Write
}

// Write appends p.
func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.written != nil {
		close(b.written)
		b.written = nil
	}
	return b.buf.Write(p)
}

// String returns everything written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Count returns how many times s was written so far.
func (b *Buffer) Count(s string) int {
	return strings.Count(b.String(), s)
}

// WaitFor waits until s has been written at least n times, or ctx is done.
// A test passes the count it saw before the action whose line it awaits,
// plus one.
func (b *Buffer) WaitFor(ctx context.Context, s string, n int) error {
	for {
		b.mu.Lock()
		if strings.Count(b.buf.String(), s) >= n {
			b.mu.Unlock()
			return nil
		}
		if b.written == nil {
			b.written = make(chan struct{})
		}
		written := b.written
		b.mu.Unlock()
		select {
		case <-written:
		case <-ctx.Done():
			return fmt.Errorf("waiting for %q written %d times: %w", s, n, ctx.Err())
		}
	}
}
