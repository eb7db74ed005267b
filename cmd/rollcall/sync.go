package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/rollcall/rollcall/internal/config"
	"github.com/rollcall/rollcall/internal/operator"
	"github.com/rollcall/rollcall/internal/rostersync"
)

// syncOnce is `rollcall sync [--dry-run] [--force] [--json]`.
func syncOnce(ctx context.Context, args []string, cfg config.Config, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("sync", flag.ContinueOnError)
	var opts rostersync.Options
	fs.BoolVar(&opts.DryRun, "dry-run", false, "plan and report without changing the store")
	fs.BoolVar(&opts.Force, "force", false, "apply a sync that the deletion brake would refuse")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}

	source, err := openSource(ctx, cfg.Source, 0)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, cfg.Store, false)
	if err != nil {
		return fmt.Errorf("open store %s: %w", cfg.Store, err)
	}
	defer st.Close()

	ctx, cancel := context.WithTimeout(ctx, operator.DefaultRunTimeout)
	defer cancel()
	report, err := rostersync.NewEngine(source, st, cfg.Sync.MaxDeletePercent, feedbackOption(source, st)...).Run(ctx, opts)
	if *asJSON {
		if encErr := writeJSON(stdout, report); encErr != nil {
			return fmt.Errorf("print the report: %w", encErr)
		}
	} else {
		printReport(stdout, report)
	}
	switch {
	case err == nil:
		return nil
	case errors.Is(err, rostersync.ErrRefused):
		return withCode(exitRefused, errSilent)
	default:
		return withCode(exitFailed, err)
	}
}

// printReport writes the report for a person at a terminal.
func printReport(w io.Writer, r rostersync.Report) {
	verb := "synced"
	if r.DryRun {
		verb = "dry run (nothing changed)"
	}
	if r.Refused {
		verb = "REFUSED (nothing changed)"
	}
	if r.Error != "" {
		switch r.Landed {
		case rostersync.LandedPart:
			verb = "FAILED (part of its changes may have landed; the next sync completes or repairs them)"
		case rostersync.LandedAll:
			verb = "FAILED after its changes landed"
		default:
			verb = "FAILED (nothing changed)"
		}
	}
	fmt.Fprintf(w, "%s: %d rows, %d employees, %d marked as left\n", verb, r.Rows, r.Employees, r.Left)
	fmt.Fprintf(w, "  added %d, updated %d, deleted %d, unchanged %d  (%d ms)\n", r.Added, r.Updated, r.Deleted, r.Unchanged, r.DurationMS)
	if r.BindingsRevoked > 0 {
		fmt.Fprintf(w, "  %d Kakao users must verify again (a leaver's, or a phone now another person's)\n", r.BindingsRevoked)
	}
	if r.Refused {
		fmt.Fprintf(w, "  %s (rollcall sync --force)\n", r.RefusedReason)
	}
	if r.Feedback != nil && r.Feedback.Error != "" {
		fmt.Fprintf(w, "  the result could not be written for HR in the sheet: %s\n", r.Feedback.Error)
	}
	if len(r.Problems) > 0 {
		fmt.Fprintf(w, "%d rows need attention:\n", len(r.Problems))
		for _, p := range r.Problems {
			fmt.Fprintf(w, "  row %d: %s\n", p.Row, p.Reason)
		}
	}
}
