// Package operator owns the endpoints an operator's tools call: POST
// /internal/sync, GET /internal/status, /internal/doctor and /metrics, behind
// a static bearer token or Cloud Scheduler's ID token (metrics also to loopback).
package operator

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"time"

	"github.com/gin-gonic/gin"
	"google.golang.org/api/idtoken"
	"google.golang.org/api/option"

	"github.com/rollcall/rollcall/internal/doctor"
	"github.com/rollcall/rollcall/internal/rostersync"
	"github.com/rollcall/rollcall/internal/secret"
)

// Paths of the endpoints; SyncPath's URL is every endpoint's default ID-token audience.
const (
	SyncPath    = "/internal/sync"
	StatusPath  = "/internal/status"
	DoctorPath  = "/internal/doctor"
	MetricsPath = "/metrics"
)

// DefaultRunTimeout bounds a sync started over HTTP: room for a Sheets quota
// wait, within Cloud Scheduler's default attempt deadline (3 min).
const DefaultRunTimeout = 3 * time.Minute

// Syncer runs one sync; *rostersync.Engine satisfies it.
type Syncer interface {
	Run(ctx context.Context, opts rostersync.Options) (rostersync.Report, error)
}

// Status reads what GET /internal/status shows; the stores satisfy it.
type Status interface {
	// Runs returns the reports of the last limit runs, newest first.
	Runs(ctx context.Context, limit int) ([]rostersync.Report, error)
	Count(ctx context.Context) (int, error)
	// LastSync returns when the store was last synced, the zero time if never.
	LastSync(ctx context.Context) (time.Time, error)
}

// Config says who may call the endpoints (ROLLCALL_SYNC_*) and what they serve.
type Config struct {
	Token      string        // a static bearer token, when set
	Invokers   []string      // service accounts whose ID tokens are accepted
	Audience   string        // the ID tokens' exact audience; "" is audienceOf's default
	Metrics    http.Handler  // served at MetricsPath when set
	RunTimeout time.Duration // DefaultRunTimeout when not positive
	// Doctor, served at DoctorPath when set, runs the service's own checks.
	Doctor func(ctx context.Context) doctor.Result
	// ValidatorClient, when set, fetches Google's public keys: tests serve their own.
	ValidatorClient *http.Client
}

// Handler serves the operator endpoints.
type Handler struct {
	cfg       Config
	token     secret.Shared
	validator *idtoken.Validator // nil when no invokers are configured
	syncer    Syncer
	status    Status
}

// New returns the endpoints, running syncs with syncer and reading the history from status.
func New(cfg Config, syncer Syncer, status Status) (*Handler, error) {
	if syncer == nil || status == nil {
		return nil, errors.New("operator: a syncer and a status are required")
	}
	if cfg.RunTimeout <= 0 {
		cfg.RunTimeout = DefaultRunTimeout
	}
	h := &Handler{cfg: cfg, token: secret.New(cfg.Token), syncer: syncer, status: status}
	if len(cfg.Invokers) > 0 {
		var vopts []idtoken.ClientOption
		if cfg.ValidatorClient != nil {
			vopts = append(vopts, option.WithHTTPClient(cfg.ValidatorClient))
		}
		// This context only builds the client; each key fetch has the request's.
		v, err := idtoken.NewValidator(context.Background(), vopts...)
		if err != nil {
			return nil, fmt.Errorf("operator: build the ID token validator: %w", err)
		}
		h.validator = v
	}
	return h, nil
}

// Register mounts the endpoints, MetricsPath and DoctorPath when configured.
func (h *Handler) Register(r gin.IRoutes) {
	r.POST(SyncPath, h.authorize, h.sync)
	r.GET(StatusPath, h.authorize, h.showStatus)
	if h.cfg.Metrics != nil {
		r.GET(MetricsPath, h.showMetrics)
	}
	if h.cfg.Doctor != nil {
		r.GET(DoctorPath, h.authorize, h.showDoctor)
	}
}

// showDoctor answers 200 whatever the checks found: the answer is the diagnosis.
func (h *Handler) showDoctor(c *gin.Context) {
	c.JSON(http.StatusOK, h.cfg.Doctor(c.Request.Context()))
}

// showMetrics serves a Prometheus sidecar on loopback or a caller with the
// sync credentials: the headcount is not for the public.
func (h *Handler) showMetrics(c *gin.Context) {
	if !fromLoopback(c.Request) {
		h.authorize(c)
	}
	if !c.IsAborted() {
		h.cfg.Metrics.ServeHTTP(c.Writer, c.Request)
	}
}

// fromLoopback reads the peer address, never X-Forwarded-For, which a client
// writes; Cloud Run's front end connects from 169.254.0.0/16, not loopback.
func fromLoopback(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}
