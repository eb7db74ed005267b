package bolt

import (
	"context"
	"errors"
	"runtime"
	"sync"
)

// groupCommit writes binds in shared commits: one committer at a time
// appends every bind queued so far to the bindings journal (journal.go) in
// one write and one sync, and answers them all; a bind arriving meanwhile
// goes in the next. So a bind waits for one or two durable appends, never
// for a window as bbolt's Batch does (MaxBatchDelay, paid by every bind on
// a quiet server): the launch-day rush (docs/benchmarks.md) measured p50
// +0.9 and +1.8 ms over the minimal handler with it, +3.7 and +4.5 ms with
// Batch.
type groupCommit struct {
	db     *Store
	mu     sync.Mutex
	queue  []*pendingBind
	busy   bool // a committer is running
	closed bool
	done   sync.WaitGroup
}

// errClosed refuses a bind after Close.
var errClosed = errors.New("the store is closed")

// pendingBind is one bind waiting for its commit.
type pendingBind struct {
	key, value []byte
	result     chan error
}

// put queues one bind and waits until its commit is on disk, or ctx ends
// (the bind may then still land).
func (g *groupCommit) put(ctx context.Context, key, value []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	p := &pendingBind{key: key, value: value, result: make(chan error, 1)}
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		return errClosed
	}
	g.queue = append(g.queue, p)
	if !g.busy {
		g.busy = true
		g.done.Add(1)
		go g.commit()
	}
	g.mu.Unlock()
	select {
	case err := <-p.result:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// commit writes the queue in commits until it is empty.
func (g *groupCommit) commit() {
	defer g.done.Done()
	for first := true; ; first = false {
		// Yield before every batch but the first: the goroutines ready to run
		// include binds, which then share it (10.4 binds a commit at
		// saturation, 8.8 without); the bind that started the committer does
		// not wait for them (docs/benchmarks.md, "the first commit does not yield").
		if !first {
			runtime.Gosched()
		}
		g.mu.Lock()
		batch := g.queue
		g.queue = nil
		if len(batch) == 0 {
			g.busy = false
			g.mu.Unlock()
			return
		}
		g.mu.Unlock()
		err := g.db.appendBinds(batch)
		for _, p := range batch {
			p.result <- err
		}
	}
}

// close refuses further binds and waits for the queued ones' commits.
func (g *groupCommit) close() {
	g.mu.Lock()
	g.closed = true
	g.mu.Unlock()
	g.done.Wait()
}
