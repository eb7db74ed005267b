package logtest

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

func TestWaitForReturnsOnceTheLineIsWritten(t *testing.T) {
	t.Parallel()
	var b Buffer
	done := make(chan error, 1)
	go func() { done <- b.WaitFor(context.Background(), "ready", 2) }()
	fmt.Fprintln(&b, "ready")
	fmt.Fprintln(&b, "something else")
	fmt.Fprintln(&b, "ready again")
	if err := <-done; err != nil {
		t.Fatalf("WaitFor = %v", err)
	}
	if got := b.Count("ready"); got != 2 {
		t.Errorf("Count = %d, want 2", got)
	}
}

func TestWaitForEndsWithItsContext(t *testing.T) {
	t.Parallel()
	var b Buffer
	fmt.Fprintln(&b, "ready")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := b.WaitFor(ctx, "ready", 2); !errors.Is(err, context.Canceled) {
		t.Errorf("WaitFor on a line written once, want twice = %v, want context.Canceled", err)
	}
	if err := b.WaitFor(ctx, "ready", 1); err != nil {
		t.Errorf("WaitFor on a line already written = %v, want nil even with ctx done", err)
	}
}
