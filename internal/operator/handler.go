package operator

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"google.golang.org/api/idtoken"
	"google.golang.org/api/option"

	"github.com/rollcall/rollcall/internal/rostersync"
	"github.com/rollcall/rollcall/internal/secret"
)

// Paths of the endpoints.
const (
	// SyncPath runs a sync. It is also the path of the default ID-token
	// audience of both endpoints.
	SyncPath = "/internal/sync"
	// StatusPath shows the number of employees and the sync history.
	StatusPath = "/internal/status"
)

// DefaultRunTimeout bounds a sync started over HTTP: room for a Sheets read
// that waits out a per-minute quota and for the apply, within Cloud
// Scheduler's default attempt deadline (3 min). The lease, renewed while the
// sync runs, keeps it alone however long it takes.
const DefaultRunTimeout = 3 * time.Minute

// Syncer runs one sync; *rostersync.Engine satisfies it.
type Syncer interface {
	Run(ctx context.Context, opts rostersync.Options) (rostersync.Report, error)
}

// Status reads what GET /internal/status shows; the stores
// satisfy it.
type Status interface {
	// Runs returns the reports of the last limit runs, newest first.
	Runs(ctx context.Context, limit int) ([]rostersync.Report, error)
	// Count returns how many employees the store holds.
	Count(ctx context.Context) (int, error)
	// LastSync returns when the store was last synced, the zero time
	// if never.
	LastSync(ctx context.Context) (time.Time, error)
}

// Config says who may call the endpoints; the server wiring fills it from
// ROLLCALL_SYNC_TOKEN, ROLLCALL_SYNC_INVOKERS and ROLLCALL_SYNC_AUDIENCE.
type Config struct {
	// Token, when set, is a static bearer token accepted as is.
	Token string
	// Invokers are the service-account emails whose Google-signed ID
	// tokens are accepted; none means ID tokens are not accepted.
	Invokers []string
	// Audience is the audience those ID tokens must carry exactly. When
	// empty it is the request's own URL of SyncPath (see audienceOf).
	Audience string
	// Metrics, when set, is served at GET MetricsPath to the same callers,
	// and to any caller on loopback (a Prometheus sidecar).
	Metrics http.Handler
}

// Option tunes a Handler.
type Option func(*options)

type options struct {
	validatorClient *http.Client
	runTimeout      time.Duration
	doctor          Doctor // doctor.go
}

// WithValidatorClient makes the ID-token validator fetch Google's public
// keys through client, so that tests can answer with their own keys.
func WithValidatorClient(client *http.Client) Option {
	return func(o *options) { o.validatorClient = client }
}

// WithRunTimeout bounds a sync started over HTTP (DefaultRunTimeout when
// not set or not positive).
func WithRunTimeout(d time.Duration) Option {
	return func(o *options) { o.runTimeout = d }
}

// Handler serves the operator endpoints: POST /internal/sync, GET
// /internal/status and GET /metrics.
type Handler struct {
	token      secret.Shared
	invokers   []string
	audience   string
	validator  *idtoken.Validator // nil when no invokers are configured
	syncer     Syncer
	status     Status
	metrics    http.Handler // nil: GET MetricsPath is not served
	runTimeout time.Duration
	doctor     Doctor // nil: GET DoctorPath is not served
}

// New returns the endpoints, running syncs with syncer and reading the
// history from status.
func New(cfg Config, syncer Syncer, status Status, opts ...Option) (*Handler, error) {
	if syncer == nil || status == nil {
		return nil, errors.New("operator: a syncer and a status are required")
	}
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	h := &Handler{
		token:      secret.New(cfg.Token),
		invokers:   cfg.Invokers,
		audience:   cfg.Audience,
		syncer:     syncer,
		status:     status,
		metrics:    cfg.Metrics,
		runTimeout: o.runTimeout,
		doctor:     o.doctor,
	}
	if h.runTimeout <= 0 {
		h.runTimeout = DefaultRunTimeout
	}
	if len(cfg.Invokers) > 0 {
		var vopts []idtoken.ClientOption
		if o.validatorClient != nil {
			vopts = append(vopts, option.WithHTTPClient(o.validatorClient))
		}
		// The context only builds the HTTP client; every key fetch uses
		// the request's context.
		v, err := idtoken.NewValidator(context.Background(), vopts...)
		if err != nil {
			return nil, fmt.Errorf("operator: build the ID token validator: %w", err)
		}
		h.validator = v
	}
	return h, nil
}

// Register mounts POST /internal/sync, GET /internal/status and, when
// Config.Metrics is set, GET /metrics; with WithDoctor, GET /internal/doctor.
func (h *Handler) Register(r gin.IRoutes) {
	r.POST(SyncPath, h.sync)
	r.GET(StatusPath, h.showStatus)
	if h.metrics != nil {
		r.GET(MetricsPath, h.showMetrics)
	}
	if h.doctor != nil {
		r.GET(DoctorPath, h.showDoctor)
	}
}
