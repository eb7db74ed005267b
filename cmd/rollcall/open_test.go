package main

import (
	"context"
	"errors"
	"testing"
	"time"
)

// deafSource blocks in Rows until released, whatever its context says, as
// a read from a hung network mount does in the kernel.
type deafSource struct {
	entered chan struct{}
	release chan struct{}
}

func (d deafSource) Rows(context.Context) ([][]string, error) {
	close(d.entered)
	<-d.release
	return [][]string{{"이름", "휴대전화"}}, nil
}

func TestAbandonableStopsWaitingForADeafRead(t *testing.T) {
	t.Parallel()
	src := deafSource{entered: make(chan struct{}), release: make(chan struct{})}
	defer close(src.release)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		_, err := abandonable{src}.Rows(ctx)
		done <- err
	}()
	<-src.entered
	cancel() // SIGTERM, or the sync's deadline
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Rows after cancel = %v, want context.Canceled", err)
		}
	case <-time.After(time.Minute): // only catches a hang
		t.Fatal("Rows still waiting for the deaf read after its context ended")
	}
}

func TestAbandonablePassesARead(t *testing.T) {
	t.Parallel()
	src := deafSource{entered: make(chan struct{}), release: make(chan struct{})}
	close(src.release)
	rows, err := abandonable{src}.Rows(t.Context())
	if err != nil || len(rows) != 1 {
		t.Errorf("Rows = %v, %v", rows, err)
	}
}
