package operator

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/rollcall/rollcall/internal/logging"
	"github.com/rollcall/rollcall/internal/roster"
	"github.com/rollcall/rollcall/internal/rostersync"
)

// Reasons a sync answer other than 200 gives in its "reason" field.
const (
	// ReasonBusy: another sync holds the lock (409); nothing changed.
	ReasonBusy = "busy"
	// ReasonRefused: the deletion brake refused the plan (409); nothing
	// changed. Run it again with ?force=true once the sheet is checked.
	ReasonRefused = "refused"
	// ReasonReadFailed: the sheet could not be read in full (502, an
	// upstream failure); nothing changed.
	ReasonReadFailed = "read_failed"
	// ReasonStoreUnavailable: the directory store failed or did not answer
	// in time (503); the next sync repairs whatever an interrupted apply
	// left.
	ReasonStoreUnavailable = "store_unavailable"
	// ReasonLeaseLost: the sync lost its lease to time or another holder
	// and stopped before writing more (503).
	ReasonLeaseLost = "lease_lost"
	// ReasonFailed: anything else (500).
	ReasonFailed = "failed"
)

// syncAnswer is the body of POST /internal/sync: the report's fields at the
// top level, exactly as rostersync.Report marshals them ("landed" says
// whether none, part or all of a failed run's changes landed), and a reason
// when the sync did not run to the end.
type syncAnswer struct {
	rostersync.Report
	Reason string `json:"reason,omitempty"`
}

// sync runs one sync and answers its report:
//
//	200 the sync ran (or the dry run planned)
//	400 bad query string; nothing ran
//	409 reason "busy": another sync holds the lock; or reason "refused":
//	    the deletion brake refused it (report.refused is true)
//	502 reason "read_failed": the sheet could not be read (report.error)
//	503 reason "store_unavailable": the store failed or did not answer in
//	    time; reason "lease_lost": the sync lost its lease (report.error)
//	500 reason "failed": anything else (report.error)
//
// The run is detached from the request's cancellation: Cloud Scheduler
// gives up on a slow answer (its attempt deadline) and closes the
// connection, and a sync cancelled half-way through its writes would leave
// the directory partly applied until the next run. It is bounded by the run
// timeout instead, and the response's write deadline is extended to match,
// so that the server's write timeout does not cut the answer short.
func (h *Handler) sync(c *gin.Context) {
	via, ok := h.authorize(c)
	if !ok {
		return
	}
	opts, err := parseOptions(c.Request.URL.RawQuery)
	if err != nil {
		c.JSON(http.StatusBadRequest, gin.H{"error": err.Error()})
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request.Context()), h.runTimeout)
	defer cancel()
	log := logging.FromContext(ctx)
	rc := http.NewResponseController(c.Writer)
	if err := rc.SetWriteDeadline(time.Now().Add(h.runTimeout + 10*time.Second)); err != nil && !errors.Is(err, http.ErrNotSupported) {
		log.DebugContext(ctx, "could not extend the write deadline of a sync answer", "error", err.Error())
	}

	report, err := h.syncer.Run(ctx, opts)
	if report.Problems == nil {
		report.Problems = []roster.Problem{}
	}
	status, reason := outcome(err)
	level := logLevel(status)
	// The engine has logged the run's counts; this line says who asked and
	// what they were told.
	log.Log(ctx, level, "sync trigger answered", "via", via, "status", status, "reason", reason)
	c.JSON(status, syncAnswer{Report: report, Reason: reason})
}

// outcome maps a run's error to the HTTP status and reason: the one place
// where sync errors become responses.
func outcome(err error) (int, string) {
	switch {
	case err == nil:
		return http.StatusOK, ""
	case errors.Is(err, rostersync.ErrLeaseLost):
		return http.StatusServiceUnavailable, ReasonLeaseLost
	case errors.Is(err, rostersync.ErrBusy):
		return http.StatusConflict, ReasonBusy
	case errors.Is(err, rostersync.ErrRefused):
		return http.StatusConflict, ReasonRefused
	case errors.Is(err, rostersync.ErrRead):
		return http.StatusBadGateway, ReasonReadFailed
	case errors.Is(err, rostersync.ErrStore):
		return http.StatusServiceUnavailable, ReasonStoreUnavailable
	default:
		return http.StatusInternalServerError, ReasonFailed
	}
}

// parseOptions reads ?dry_run= and ?force= strictly: each at most once,
// with a value strconv.ParseBool accepts ("true", "false", "1", "0", ...).
// Any other parameter is refused, so that a misspelt dry_run never runs a
// real sync.
func parseOptions(rawQuery string) (rostersync.Options, error) {
	var opts rostersync.Options
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return opts, errors.New("malformed query string")
	}
	for key, values := range q {
		var dst *bool
		switch key {
		case "dry_run":
			dst = &opts.DryRun
		case "force":
			dst = &opts.Force
		default:
			return opts, fmt.Errorf("unknown query parameter %q: only dry_run and force are accepted", key)
		}
		if len(values) != 1 {
			return opts, fmt.Errorf("%s is given %d times", key, len(values))
		}
		b, err := strconv.ParseBool(values[0])
		if err != nil {
			return opts, fmt.Errorf("%s=%q: want true or false", key, values[0])
		}
		*dst = b
	}
	return opts, nil
}

// logLevel is the level of the line that logs an answer of this status.
func logLevel(status int) slog.Level {
	switch {
	case status >= http.StatusInternalServerError:
		return slog.LevelError
	case status >= http.StatusBadRequest:
		return slog.LevelWarn
	default:
		return slog.LevelInfo
	}
}
