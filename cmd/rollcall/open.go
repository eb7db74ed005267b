package main

import (
	"context"
	"fmt"
	"time"

	"github.com/rollcall/rollcall/internal/binding"
	"github.com/rollcall/rollcall/internal/bolt"
	"github.com/rollcall/rollcall/internal/config"
	"github.com/rollcall/rollcall/internal/csv"
	"github.com/rollcall/rollcall/internal/firestore"
	"github.com/rollcall/rollcall/internal/memdir"
	"github.com/rollcall/rollcall/internal/roster"
	"github.com/rollcall/rollcall/internal/rostersync"
	"github.com/rollcall/rollcall/internal/sheets"
	"github.com/rollcall/rollcall/internal/xlsx"
)

// store is what the commands need of a store.
type store interface {
	rostersync.Store
	Lookup(ctx context.Context, phone string) (roster.Employee, bool, error)
	Runs(ctx context.Context, limit int) ([]rostersync.Report, error)
	Count(ctx context.Context) (int, error)
	LastSync(ctx context.Context) (time.Time, error)
	memdir.Store  // what the directory in memory reads: Status, Changes, VisitEmployees
	binding.Store // the bindings of verified Kakao users
	Close() error
}

// Every store adapter must satisfy it.
var (
	_ store = (*bolt.Store)(nil)
	_ store = (*firestore.Store)(nil)
)

// openStore opens the configured store.
func openStore(ctx context.Context, c config.Store) (store, error) {
	switch c.Kind {
	case config.StoreBolt:
		s, err := bolt.Open(c.Path)
		if err != nil {
			return nil, fmt.Errorf("open store %s: %w", c, err)
		}
		return s, nil
	default:
		s, err := firestore.Open(ctx, c.Project, c.Database)
		if err != nil {
			return nil, fmt.Errorf("open store %s: %w", c, err)
		}
		return s, nil
	}
}

// openSource opens the configured employee list.
func openSource(ctx context.Context, c config.Source) (rostersync.Source, error) {
	switch c.Kind {
	case config.SourceCSV:
		return csv.New(c.Location), nil
	case config.SourceXLSX:
		return xlsx.New(c.Location, c.Range), nil
	default:
		src, err := sheets.New(ctx, sheets.Ref(c.Sheet), c.Range, sheets.Options{Endpoint: c.SheetsEndpoint, FeedbackTab: c.FeedbackTab})
		if err != nil {
			return nil, fmt.Errorf("open the Google Sheet: %w", err)
		}
		return src, nil
	}
}
