package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"time"

	"github.com/rollcall/rollcall/internal/binding"
	"github.com/rollcall/rollcall/internal/config"
	"github.com/rollcall/rollcall/internal/doctor"
	"github.com/rollcall/rollcall/internal/kakao"
	"github.com/rollcall/rollcall/internal/logging"
	"github.com/rollcall/rollcall/internal/memdir"
	"github.com/rollcall/rollcall/internal/metrics"
	"github.com/rollcall/rollcall/internal/operator"
	"github.com/rollcall/rollcall/internal/rostersync"
	"github.com/rollcall/rollcall/internal/server"
)

// Deadlines of the service's own calls to the store.
const (
	storeCheckTimeout = 30 * time.Second // was the store ever synced?
	// failedReloadWait keeps a failed sync's answer from waiting long on a store that is down.
	failedReloadWait = time.Second
)

// service is rollcall serve's object graph, built once at start-up.
type service struct {
	store     store
	directory *memdir.Directory
	engine    *metrics.ObservedSync // the sync engine, its runs counted, reloading directory after each
	server    *server.Server
}

// The directory in memory is what /ready reports on, staleness included.
var _ server.Staleness = (*memdir.Directory)(nil)

// newService builds the service without starting it; kakaoOpts lets tests
// point the profile client at a fake, and now is the clock of all that expires.
func newService(ctx context.Context, cfg config.Config, kakaoOpts kakao.ProfileOptions, now func() time.Time) (*service, error) {
	source, err := openSource(ctx, cfg.Source, 0)
	if err != nil {
		return nil, err
	}
	st, err := openStore(ctx, cfg.Store, false)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", cfg.Store, err)
	}
	dir := memdir.New(st, memdir.Options{Logger: logging.FromContext(ctx), Now: now})
	m := metrics.New()
	binds := binding.New(st, dir, binding.Options{TTL: cfg.Bindings.TTL, Now: now, LocalReads: cfg.Store.Kind == config.StoreBolt})
	skills := newSkills(cfg, kakaoOpts, dir, binds, m, now)
	engine := m.WrapSync(&reloadingSync{
		engine:    rostersync.NewEngine(source, st, cfg.Sync.MaxDeletePercent, feedbackOption(source, st)...),
		directory: dir,
	})
	probe := kakaoProbe(cfg.Kakao, kakaoOpts) // one client for every GET /internal/doctor
	syncRoutes, err := operator.New(operator.Config{
		Token:    cfg.Sync.Token.Reveal(),
		Invokers: cfg.Sync.Invokers,
		Audience: cfg.Sync.Audience,
		Metrics:  m.Handler(), // the headcount is not public: the sync credentials, or loopback
		// On Cloud Run only the service's own identity can tell whether it may read the sheet.
		Doctor: func(ctx context.Context) doctor.Result {
			return doctor.Run(ctx, doctorSetup(cfg, source, st, probe))
		},
	}, engine, st)
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("set up %s: %w", operator.SyncPath, err)
	}
	return &service{
		store:     st,
		directory: dir,
		engine:    engine,
		server: server.New(server.Options{
			Logger:   logging.FromContext(ctx),
			Project:  cfg.Store.Project,
			Ready:    dir,
			Routes:   []server.Routes{skills, syncRoutes},
			Requests: m.ObserveRequest,
		}),
	}, nil
}

// serve is `rollcall serve [--check-config]`: it listens on PORT until ctx is
// done, or with --check-config only prints the configuration, secrets masked.
func serve(ctx context.Context, args []string, cfg config.Config, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	checkOnly := fs.Bool("check-config", false, "validate the configuration, print it and exit")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if cfg.SkillSecretMissing() {
		return withCode(exitUsage, errors.New("ROLLCALL_SKILL_SECRET: not set, and this is Cloud Run (K_SERVICE is set): "+
			"set the secret Open Builder sends, or set it to off to leave /kakao/* open on purpose"))
	}
	if *checkOnly {
		fmt.Fprintf(stdout, "configuration ok\n%s", cfg.Describe())
		return nil
	}
	levels := map[doctor.Status]slog.Level{
		doctor.OK: slog.LevelInfo, doctor.Warn: slog.LevelWarn, doctor.Fail: slog.LevelError,
	}
	for _, c := range doctor.StartChecks(ctx, cfg) {
		logging.FromContext(ctx).Log(ctx, levels[c.Status], c.Name+" check: "+c.Detail, "fix", c.Fix)
	}
	svc, err := newService(ctx, cfg, kakao.ProfileOptions{}, time.Now)
	if err != nil {
		return err
	}
	defer svc.store.Close()

	ln, err := net.Listen("tcp", net.JoinHostPort("", strconv.Itoa(cfg.Port)))
	if err != nil {
		return fmt.Errorf("PORT %d: %w", cfg.Port, err)
	}
	go svc.start(ctx)
	go svc.directory.Watch(ctx)
	return svc.server.Serve(ctx, ln)
}

// start loads the directory into memory, after a first sync when the store
// was never synced. Until then /ready answers 503 and skill calls ERROR.
func (s *service) start(ctx context.Context) {
	s.firstSync(ctx)
	if err := s.directory.Refresh(ctx); err != nil {
		// The directory has logged the store's failure itself, once.
		logging.FromContext(ctx).Debug("the directory could not be loaded at start", "error", err.Error())
	}
}

// firstSync fills a never-synced store, so that a fresh checkout serves the example sheet.
func (s *service) firstSync(ctx context.Context) {
	log := logging.FromContext(ctx)
	lctx, cancel := context.WithTimeout(ctx, storeCheckTimeout)
	last, err := s.store.LastSync(lctx)
	cancel()
	if err != nil || !last.IsZero() {
		return // an unreachable store shows in /ready; a synced one needs nothing
	}
	log.Info("the directory has never been synced: syncing now")
	ctx, cancel = context.WithTimeout(ctx, operator.DefaultRunTimeout)
	defer cancel()
	if _, err := s.engine.Run(ctx, rostersync.Options{}); err != nil && !errors.Is(err, rostersync.ErrBusy) {
		log.Error("first sync failed; /ready stays 503 until a sync succeeds", "error", err.Error())
	}
}

// reloadingSync reloads this instance's directory after each sync; other
// instances see the result at their directory's next check.
type reloadingSync struct {
	engine    *rostersync.Engine
	directory *memdir.Directory
}

// Run runs one sync, then reloads the directory when the run moved the store
// (it succeeded, or all its changes landed; see docs/replication.md).
func (r *reloadingSync) Run(ctx context.Context, opts rostersync.Options) (rostersync.Report, error) {
	report, err := r.engine.Run(ctx, opts)
	if opts.DryRun || (err != nil && report.Landed != rostersync.LandedAll) {
		return report, err
	}
	if err != nil {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, failedReloadWait)
		defer cancel()
	}
	if rerr := r.directory.Refresh(ctx); rerr != nil {
		logging.FromContext(ctx).WarnContext(ctx, "the sync ran but the directory in memory could not be reloaded: it will be at its next check",
			"error", rerr.Error())
	}
	return report, err
}
