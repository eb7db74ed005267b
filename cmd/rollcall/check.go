package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/rollcall/rollcall/internal/config"
	"github.com/rollcall/rollcall/internal/roster"
)

// check is `rollcall check PHONE`. It prints nothing about the person beyond
// what was typed: the answer and the sheet row, not the name.
func check(ctx context.Context, args []string, cfg config.Config, stdout, _ io.Writer) error {
	if len(args) != 1 {
		return withCode(exitUsage, errors.New("usage: rollcall check PHONE"))
	}
	phone, err := roster.NormalizePhone(args[0])
	if err != nil {
		return withCode(exitUsage, fmt.Errorf("%q: %w", args[0], err))
	}
	st, err := openStore(ctx, cfg.Store, false)
	if err != nil {
		return withCode(exitUsage, fmt.Errorf("open store %s: %w", cfg.Store, err))
	}
	defer st.Close()
	ctx, cancel := context.WithTimeout(ctx, storeCheckTimeout)
	defer cancel()
	last, err := st.LastSync(ctx)
	if err != nil {
		return withCode(exitUsage, fmt.Errorf("read the store: %w", err))
	}
	if last.IsZero() {
		return withCode(exitUsage, errors.New("the store has never been synced: run rollcall sync first"))
	}
	e, ok, err := st.Lookup(ctx, phone)
	if err != nil {
		return withCode(exitUsage, fmt.Errorf("look up %s: %w", phone, err))
	}
	if !ok {
		fmt.Fprintf(stdout, "%s: not an employee\n", phone)
		return withCode(exitFailed, errSilent)
	}
	fmt.Fprintf(stdout, "%s: employee (sheet row %d)\n", phone, e.Row)
	return nil
}
