package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/rollcall/rollcall/internal/bolt"
	"github.com/rollcall/rollcall/internal/config"
	"github.com/rollcall/rollcall/internal/doctor"
	"github.com/rollcall/rollcall/internal/kakao"
	"github.com/rollcall/rollcall/internal/logging"
	"github.com/rollcall/rollcall/internal/rostersync"
	"github.com/rollcall/rollcall/internal/sheets"
)

// doctorAttempts: a Sheets call is tried twice, so that a blip passes and a
// used-up quota is reported at once, not waited out as a sync does.
const doctorAttempts = 2

// doctorCmd is `rollcall doctor [--json]`, changing nothing (a bolt file is
// opened read-only); a configuration that does not load is a failed check.
func doctorCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("doctor", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print the checks as JSON")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	var setup doctor.Setup
	cfg, err := config.Load(getenv)
	if cerr, ok := errors.AsType[*config.Error](err); ok {
		setup.ConfigProblems = cerr.Problems
	} else if err != nil {
		return withCode(exitUsage, err)
	} else {
		ctx = logging.WithLogger(ctx, logging.New(stderr, cfg.Log.Format, cfg.Log.Level).With("command", "doctor"))
		source, srcErr := openSource(ctx, cfg.Source, doctorAttempts)
		st, stErr := openStore(ctx, cfg.Store, true)
		if stErr == nil {
			defer st.Close()
		}
		setup = doctorSetup(cfg, source, st, kakaoProbe(cfg.Kakao, kakao.ProfileOptions{}))
		setup.SourceErr, setup.StoreErr = srcErr, stErr
		if errors.Is(stErr, bolt.ErrLocked) {
			setup.StoreErr, setup.StoreBusy = nil, stErr.Error()+": ask the running service instead: GET /internal/doctor"
		}
	}
	res := doctor.Run(ctx, setup)
	if *asJSON {
		err = writeJSON(stdout, res)
	} else {
		err = res.WriteText(stdout)
	}
	if err != nil {
		return fmt.Errorf("print the checks: %w", err)
	}
	if res.Failed() {
		return withCode(exitFailed, errSilent)
	}
	return nil
}

// doctorSetup hands the checks the adapters: the CLI's, or the service's own.
func doctorSetup(cfg config.Config, source rostersync.Source, st doctor.Store, probe func(context.Context) error) doctor.Setup {
	s := doctor.Setup{Config: cfg, Source: source, Store: st, KakaoProbe: probe, Account: sheets.CredentialsAccount}
	src, ok := source.(*sheets.Source)
	if !ok {
		return s
	}
	s.Sheet = src.Inspect
	if fb := src.Feedback(); fb != nil {
		s.CheckFeedback = fb.CheckWrite
	}
	if cfg.Source.SheetsEndpoint == "" {
		// The account the Sheets client found comes before the credentials' own look-up.
		s.Account = func(ctx context.Context) (string, error) {
			if a := src.Account(ctx); a != "" {
				return a, nil
			}
			return sheets.CredentialsAccount(ctx)
		}
	}
	return s
}

// kakaoProbe asks Kakao about the key through one client (opts lets tests
// point it at a fake); nil without a key.
func kakaoProbe(c config.Kakao, opts kakao.ProfileOptions) func(context.Context) error {
	if c.RESTAPIKey == "" {
		return nil
	}
	opts.Timeout = c.Timeout
	return kakao.NewProfileClient(c.RESTAPIKey.Reveal(), c.Origins, opts).Probe
}
