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
	"github.com/rollcall/rollcall/internal/rostersync"
	"github.com/rollcall/rollcall/internal/sheets"
	"github.com/rollcall/rollcall/internal/sheets/sheetstest"
)

// slowTransport delays every request by delay before sending it, as a slow
// Google Sheets does, and closes started at the first.
type slowTransport struct {
	delay   time.Duration
	once    sync.Once
	started chan struct{}
}

func (s *slowTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	s.once.Do(func() { close(s.started) })
	select {
	case <-time.After(s.delay):
	case <-r.Context().Done():
		return nil, r.Context().Err()
	}
	return http.DefaultTransport.RoundTrip(r)
}

// TestSlowSheetsReadKeepsItsLease: two instances share one store; one
// sync's Sheets read lasts several times the lease's TTL. The lease,
// renewed all along, turns the other instance's sync away; the slow sync
// then applies, and the other one runs after it.
func TestSlowSheetsReadKeepsItsLease(t *testing.T) {
	t.Parallel()
	const ttl = time.Second
	fake := sheetstest.NewServer(t)
	fake.SetSheet(sheetID, staffSheet(staffRows)...)
	ref := sheets.Ref{SpreadsheetID: sheetID, GID: staffGID, HasGID: true}
	slow := &slowTransport{delay: 3 * ttl, started: make(chan struct{})}
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
	defer st.Close()
	a := rostersync.NewEngine(slowSrc, st, 20, rostersync.WithHolder("instance-a"), rostersync.WithLeaseTTL(ttl))
	b := rostersync.NewEngine(src, st, 20, rostersync.WithHolder("instance-b"), rostersync.WithLeaseTTL(ttl))

	type result struct {
		r   rostersync.Report
		err error
	}
	done := make(chan result, 1)
	go func() {
		r, err := a.Run(context.Background(), rostersync.Options{})
		done <- result{r, err}
	}()
	<-slow.started
	time.Sleep(2 * ttl) // a's lease, unrenewed, would have expired by now
	if r, err := b.Run(context.Background(), rostersync.Options{}); !errors.Is(err, rostersync.ErrBusy) {
		t.Errorf("b's sync during a's slow read = %v (report %+v), want ErrBusy", err, r)
	}
	got := <-done
	if got.err != nil || got.r.Added != 5 {
		t.Fatalf("a's slow sync = %v, report %+v; want 5 added", got.err, got.r)
	}
	if r, err := b.Run(context.Background(), rostersync.Options{}); err != nil || r.Unchanged != 5 {
		t.Errorf("b's sync after a's = %v, report %+v; want 5 unchanged", err, r)
	}
}
