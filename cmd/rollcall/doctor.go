package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/rollcall/rollcall/internal/bolt"
	"github.com/rollcall/rollcall/internal/config"
	"github.com/rollcall/rollcall/internal/doctor"
	"github.com/rollcall/rollcall/internal/firestore"
	"github.com/rollcall/rollcall/internal/kakao"
	"github.com/rollcall/rollcall/internal/logging"
	"github.com/rollcall/rollcall/internal/roster"
	"github.com/rollcall/rollcall/internal/rostersync"
	"github.com/rollcall/rollcall/internal/sheets"
)

const (
	// overdueAfter without a sync makes a deployment's store check warn:
	// Cloud Scheduler calls every minute (deploy/scheduler.sh).
	overdueAfter = time.Hour
	// doctorAttempts: a Sheets call is tried twice, so that a blip passes
	// and a used-up quota is reported at once, not waited out as a sync does.
	doctorAttempts = 2
)

// doctorCmd is `rollcall doctor [--json]`: every check with the identity
// this process runs as, changing nothing. A configuration that does not
// load is a failed check, not bad usage.
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
		log := logging.New(stderr, cfg.Log.Format, cfg.Log.Level).With("command", "doctor")
		ctx = logging.WithLogger(ctx, log)
		var closeAll func()
		setup, closeAll = openForDoctor(ctx, cfg)
		defer closeAll()
	}
	res := doctor.Run(ctx, setup)
	if *asJSON {
		err = res.WriteJSON(stdout)
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

// openForDoctor opens the source and the store for reading only (a bolt
// file read-only, never created) and describes the rest of cfg.
func openForDoctor(ctx context.Context, cfg config.Config) (doctor.Setup, func()) {
	source, srcErr := openSource(ctx, cfg.Source, doctorAttempts)
	var st doctorReads
	var stErr error
	if cfg.Store.Kind == config.StoreBolt {
		st, stErr = bolt.OpenReadOnly(cfg.Store.Path)
	} else {
		st, stErr = firestore.Open(ctx, cfg.Store.Project, cfg.Store.Database)
	}
	if stErr != nil {
		st = nil // not a typed nil, which the checks would read
	}
	setup := doctorSetup(ctx, cfg, source, st, doctorKakao(cfg.Kakao, cfg.CloudRun, kakao.ProfileOptions{}))
	setup.SourceErr, setup.StoreErr = srcErr, stErr
	if errors.Is(stErr, bolt.ErrLocked) {
		setup.StoreErr, setup.StoreBusy = nil, stErr.Error()+": ask the running service instead: GET /internal/doctor"
	}
	return setup, func() {
		if st != nil {
			_ = st.Close()
		}
	}
}

// doctorSetup hands the checks the configuration and the adapters: the
// CLI's, or the service's own for GET /internal/doctor.
func doctorSetup(ctx context.Context, cfg config.Config, source rostersync.Source, st doctorReads, k doctor.Kakao) doctor.Setup {
	s := doctor.Setup{
		SourceName:       cfg.Source.Location,
		Source:           source,
		StoreName:        cfg.Store.String(),
		Plan:             planner(cfg.Sync.MaxDeletePercent),
		MaxDeletePercent: cfg.Sync.MaxDeletePercent,
		Kakao:            k,
		Protection: doctor.Protection{
			SkillSecretSet: cfg.Kakao.SkillSecret != "",
			SkillOpen:      cfg.Kakao.SkillOpen,
			BotID:          cfg.Kakao.BotID,
			SyncToken:      cfg.Sync.Token != "",
			Invokers:       cfg.Sync.Invokers,
			Audience:       cfg.Sync.Audience,
			AuthBlockID:    cfg.Bindings.AuthBlockID,
			Required:       cfg.CloudRun,
		},
		Settings: doctorSettings(cfg.Settings()),
		Texts:    doctorSettings(cfg.Texts.Vars()),
	}
	if cfg.Store.Kind == config.StoreFirestore { // a deployment, synced on a schedule
		s.OverdueAfter = overdueAfter
	}
	if st != nil {
		s.Store, s.LastRun, s.Lease = st, lastRun(st), leaseOf(st)
	}
	if src, ok := source.(*sheets.Source); ok {
		s.Sheet = src
		if fb := src.Feedback(); fb != nil {
			s.Feedback, s.FeedbackTab = fb, cfg.Source.FeedbackTab
		}
	}
	s.Identity, s.IdentityNote, s.IdentityErr = identity(ctx, cfg, source)
	return s
}

// identity names the Google account the calls run as, or says why none.
func identity(ctx context.Context, cfg config.Config, source rostersync.Source) (account, note string, err error) {
	sheetsCalls := cfg.Source.Kind == config.SourceSheets && cfg.Source.SheetsEndpoint == ""
	firestoreCalls := cfg.Store.Kind == config.StoreFirestore && !cfg.FirestoreEmulator
	if src, ok := source.(*sheets.Source); ok && sheetsCalls {
		if a := src.Account(ctx); a != "" {
			return a, "", nil
		}
	}
	switch {
	case sheetsCalls || firestoreCalls:
		a, err := sheets.CredentialsAccount(ctx)
		return a, "", err
	case cfg.Source.Kind == config.SourceSheets || cfg.Store.Kind == config.StoreFirestore:
		return "", "no Google credentials in use: ROLLCALL_SHEETS_ENDPOINT or FIRESTORE_EMULATOR_HOST points at a local fake", nil
	}
	return "", "no Google calls: the source is a file and the store is " + cfg.Store.Kind, nil
}

// doctorKakao is the Kakao check's settings and its probe, through one
// client (opts lets tests point it at a fake).
func doctorKakao(c config.Kakao, cloudRun bool, opts kakao.ProfileOptions) doctor.Kakao {
	k := doctor.Kakao{
		KeySet:        c.RESTAPIKey != "",
		Origins:       c.Origins.Strings(),
		CustomOrigins: !slices.Equal(c.Origins.Strings(), kakao.DefaultOrigins()),
		Timeout:       c.Timeout,
		Required:      cloudRun,
	}
	if k.KeySet {
		opts.Timeout = c.Timeout
		k.Probe = kakao.NewProfileClient(c.RESTAPIKey.Reveal(), c.Origins, opts).Probe
	}
	return k
}

// doctorSettings hands variables to the checks.
func doctorSettings(vs []config.Setting) []doctor.Setting {
	out := make([]doctor.Setting, len(vs))
	for i, v := range vs {
		out[i] = doctor.Setting(v)
	}
	return out
}

// doctorReads is what the doctor and GET /internal/status read of a store.
type doctorReads interface {
	doctor.Store
	Runs(ctx context.Context, limit int) ([]rostersync.Report, error)
	Lease(ctx context.Context) (rostersync.Lease, bool, error)
	Close() error
}

// planner plans as the sync does, the deletion brake included.
func planner(maxDeletePercent float64) func([]roster.Employee, map[string]string) doctor.Plan {
	return func(employees []roster.Employee, stored map[string]string) doctor.Plan {
		p := rostersync.NewPlan(employees, stored)
		return doctor.Plan{Added: len(p.Added), Updated: len(p.Updated), Deleted: len(p.Deleted),
			Unchanged: p.Unchanged, Stored: p.Stored, Refused: p.TripsBrake(maxDeletePercent)}
	}
}

// lastRun reads the store's newest run for the doctor.
func lastRun(st doctorReads) func(context.Context) (doctor.SyncRun, bool, error) {
	return func(ctx context.Context) (doctor.SyncRun, bool, error) {
		runs, err := st.Runs(ctx, 1)
		if err != nil || len(runs) == 0 {
			return doctor.SyncRun{}, false, err
		}
		r := runs[0]
		return doctor.SyncRun{StartedAt: r.StartedAt, Error: r.Error, Refused: r.Refused, DryRun: r.DryRun}, true, nil
	}
}

// leaseOf reads the store's sync lease for the doctor.
func leaseOf(st doctorReads) func(context.Context) (doctor.Lease, bool, error) {
	return func(ctx context.Context) (doctor.Lease, bool, error) {
		l, held, err := st.Lease(ctx)
		return doctor.Lease(l), held, err
	}
}
