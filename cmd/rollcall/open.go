package main

import (
	"context"
	"fmt"

	"github.com/rollcall/rollcall/internal/binding"
	"github.com/rollcall/rollcall/internal/bolt"
	"github.com/rollcall/rollcall/internal/config"
	"github.com/rollcall/rollcall/internal/csv"
	"github.com/rollcall/rollcall/internal/doctor"
	"github.com/rollcall/rollcall/internal/firestore"
	"github.com/rollcall/rollcall/internal/memdir"
	"github.com/rollcall/rollcall/internal/roster"
	"github.com/rollcall/rollcall/internal/rostersync"
	"github.com/rollcall/rollcall/internal/sheets"
	"github.com/rollcall/rollcall/internal/xlsx"
)

// store is what the commands need of every store adapter.
type store interface {
	rostersync.Store
	doctor.Store  // the doctor's and GET /internal/status's reads
	memdir.Store  // what the directory in memory reads
	binding.Store // the bindings of verified Kakao users
	Lookup(ctx context.Context, phone string) (roster.Employee, bool, error)
	Close() error
}

// openStore opens the configured store; readOnly opens a bolt file read-only.
func openStore(ctx context.Context, c config.Store, readOnly bool) (store, error) {
	var s store
	var err error
	switch {
	case c.Kind == config.StoreFirestore:
		s, err = firestore.Open(ctx, c.Project, c.Database)
	case readOnly:
		s, err = bolt.OpenReadOnly(c.Path)
	default:
		s, err = bolt.Open(c.Path)
	}
	if err != nil {
		return nil, err // not a typed nil
	}
	return s, nil
}

// openSource opens the configured employee list; attempts bounds the tries
// of each Sheets call (0: the sheets package's default).
func openSource(ctx context.Context, c config.Source, attempts int) (rostersync.Source, error) {
	switch c.Kind {
	case config.SourceCSV:
		return abandonable{csv.New(c.Location)}, nil
	case config.SourceXLSX:
		return abandonable{xlsx.New(c.Location, c.Range)}, nil
	default:
		opts := sheets.Options{Endpoint: c.SheetsEndpoint, FeedbackTab: c.FeedbackTab, MaxAttempts: attempts}
		src, err := sheets.New(ctx, sheets.Ref(c.Sheet), c.Range, opts)
		if err != nil {
			return nil, fmt.Errorf("open the Google Sheet: %w", err)
		}
		return src, nil
	}
}

// feedbackOption writes each run's result into HR's sheet when ROLLCALL_FEEDBACK_TAB is set.
func feedbackOption(source rostersync.Source, st store) []rostersync.EngineOption {
	if src, ok := source.(*sheets.Source); ok && src.Feedback() != nil {
		return []rostersync.EngineOption{rostersync.WithFeedback(src.Feedback(), st)}
	}
	return nil
}

// abandonable lets a file source's caller stop waiting: a read from a hung
// network mount blocks in the kernel, where no context reaches, and would
// hold off SIGTERM and the sync's lease. The read is left on its goroutine.
type abandonable struct{ source rostersync.Source }

// Rows returns the source's rows, or ctx's error as soon as ctx is done.
func (a abandonable) Rows(ctx context.Context) ([][]string, error) {
	type result struct {
		rows [][]string
		err  error
	}
	done := make(chan result, 1) // buffered: an abandoned read must not block
	go func() {
		rows, err := a.source.Rows(ctx)
		done <- result{rows, err}
	}()
	select {
	case r := <-done:
		return r.rows, r.err
	case <-ctx.Done():
		return nil, fmt.Errorf("read the employee list: %w", context.Cause(ctx))
	}
}
