package main

import (
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/rollcall/rollcall/internal/bolt"
	"github.com/rollcall/rollcall/internal/clocktest"
	"github.com/rollcall/rollcall/internal/rostersync"
	"github.com/rollcall/rollcall/internal/sheets"
	"github.com/rollcall/rollcall/internal/sheets/sheetstest"
)

// slowTransport holds every request until release is closed, as a slow
// Google Sheets does, and closes started at the first.
type slowTransport struct {
	release chan struct{}
	once    sync.Once
	started chan struct{}
}

func (s *slowTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	s.once.Do(func() { close(s.started) })
	select {
	case <-s.release:
	case <-r.Context().Done():
		return nil, r.Context().Err()
	}
	return http.DefaultTransport.RoundTrip(r)
}

// TestSlowSheetsReadKeepsItsLease: two instances share one store; one
// sync's Sheets read lasts twice the lease's TTL, on a clock the test moves
// (the store's and both engines'). The lease, renewed all along, turns the
// other instance's sync away; the slow sync then applies, and the other one
// runs after it.
func TestSlowSheetsReadKeepsItsLease(t *testing.T) {
	t.Parallel()
	const ttl = time.Minute
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	clock := clocktest.New(start)
	fake := sheetstest.NewServer(t)
	fake.SetSheet(sheetID, staffSheet(staffRows)...)
	ref := sheets.Ref{SpreadsheetID: sheetID, GID: staffGID, HasGID: true}
	slow := &slowTransport{release: make(chan struct{}), started: make(chan struct{})}
	slowSrc, err := sheets.New(t.Context(), ref, "", sheets.Options{Endpoint: fake.Endpoint(), HTTPClient: &http.Client{Transport: slow}})
	if err != nil {
		t.Fatal(err)
	}
	src, err := sheets.New(t.Context(), ref, "", sheets.Options{Endpoint: fake.Endpoint()})
	if err != nil {
		t.Fatal(err)
	}
	st, err := bolt.Open(filepath.Join(t.TempDir(), "rollcall.db"))
	if err != nil {
		t.Fatal(err)
	}
	st.Now = clock.Now
	defer st.Close()
	opts := []rostersync.EngineOption{rostersync.WithLeaseTTL(ttl), rostersync.WithClock(clock.Now), rostersync.WithAfter(clock.After)}
	a := rostersync.NewEngine(slowSrc, st, 20, append(opts, rostersync.WithHolder("instance-a"))...)
	b := rostersync.NewEngine(src, st, 20, append(opts, rostersync.WithHolder("instance-b"))...)

	type result struct {
		r   rostersync.Report
		err error
	}
	// wait ends when a's sync does: a sync that lost its lease stops
	// waiting on the clock. Its bound only ends a test that hangs.
	wait, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	done := make(chan result, 1)
	go func() {
		r, err := a.Run(context.Background(), rostersync.Options{})
		done <- result{r, err}
		cancel()
	}()
	<-slow.started
	// Twice the TTL passes while a reads, a third of it at a time, each
	// step once a's renewer waits on the clock again (its renewal done).
	for range 7 {
		if err := clock.BlockUntil(wait, 1); err != nil {
			select {
			case got := <-done:
				t.Fatalf("a's sync ended during its slow read: %v, report %+v; want its lease renewed", got.err, got.r)
			default:
				t.Fatalf("a's sync never waited on the clock to renew its lease: %v", err)
			}
		}
		if clock.Now().Sub(start) < 2*ttl {
			clock.Advance(ttl / 3)
		}
	}
	if r, err := b.Run(context.Background(), rostersync.Options{}); !errors.Is(err, rostersync.ErrBusy) {
		t.Errorf("b's sync during a's slow read = %v (report %+v), want ErrBusy", err, r)
	}
	close(slow.release)
	got := <-done
	if got.err != nil || got.r.Added != 5 {
		t.Fatalf("a's slow sync = %v, report %+v; want 5 added", got.err, got.r)
	}
	if r, err := b.Run(context.Background(), rostersync.Options{}); err != nil || r.Unchanged != 5 {
		t.Errorf("b's sync after a's = %v, report %+v; want 5 unchanged", err, r)
	}
}
