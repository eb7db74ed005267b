package main

import (
	"github.com/rollcall/rollcall/internal/rostersync"
	"github.com/rollcall/rollcall/internal/sheets"
)

// feedbackOption makes the sync engine write each run's result into HR's
// spreadsheet when ROLLCALL_FEEDBACK_TAB names a tab (config.Load allows it
// for Google Sheets sources only); the store's history supplies the last
// change.
func feedbackOption(source rostersync.Source, st store) []rostersync.EngineOption {
	src, ok := source.(*sheets.Source)
	if !ok {
		return nil
	}
	if fb := src.Feedback(); fb != nil {
		return []rostersync.EngineOption{rostersync.WithFeedback(fb, st)}
	}
	return nil
}
