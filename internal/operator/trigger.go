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
	"github.com/rollcall/rollcall/internal/rostersync"
)

// Reasons a sync answer other than 200 gives in its "reason" field, with
// their statuses; nothing changed unless said.
const (
	ReasonBusy             = "busy"              // 409: another sync holds the lock
	ReasonRefused          = "refused"           // 409: the deletion brake refused it; ?force=true once the sheet is checked
	ReasonReadFailed       = "read_failed"       // 502: the sheet could not be read in full
	ReasonStoreUnavailable = "store_unavailable" // 503: the store failed or timed out; the next sync repairs a cut apply
	ReasonLeaseLost        = "lease_lost"        // 503: the sync lost its lease and stopped writing
	ReasonFailed           = "failed"            // 500: anything else
)

// syncAnswer is the body of POST /internal/sync: the report, and why it did not run to the end.
type syncAnswer struct {
	rostersync.Report
	Reason string `json:"reason,omitempty"`
}

// sync runs one sync and answers its report. The run outlives the request:
// Cloud Scheduler hangs up at its deadline, and a cut sync stays half-applied until the next.
func (h *Handler) sync(c *gin.Context) {
	opts, err := parseOptions(c.Request.URL.RawQuery)
	if err != nil {
		c.JSON(http.StatusBadRequest, gin.H{"error": err.Error()})
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request.Context()), h.cfg.RunTimeout)
	defer cancel()
	log := logging.FromContext(ctx)
	rc := http.NewResponseController(c.Writer)
	if err := rc.SetWriteDeadline(time.Now().Add(h.cfg.RunTimeout + 10*time.Second)); err != nil && !errors.Is(err, http.ErrNotSupported) {
		log.DebugContext(ctx, "could not extend the write deadline of a sync answer", "error", err.Error())
	}

	report, err := h.syncer.Run(ctx, opts)
	report.Problems = nonNil(report.Problems)
	status, reason := outcome(err)
	// The engine has logged the counts; this says who asked and what they were told.
	level := slog.LevelInfo
	switch {
	case status >= http.StatusInternalServerError:
		level = slog.LevelError
	case status >= http.StatusBadRequest:
		level = slog.LevelWarn
	}
	log.Log(ctx, level, "sync trigger answered", "via", c.GetString(viaKey), "status", status, "reason", reason)
	c.JSON(status, syncAnswer{Report: report, Reason: reason})
}

// outcome is the one place where a sync's error becomes an HTTP status and reason.
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

// parseOptions reads ?dry_run= and ?force= strictly, so that a misspelt
// dry_run never runs a real sync.
func parseOptions(rawQuery string) (rostersync.Options, error) {
	var opts rostersync.Options
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return opts, errors.New("malformed query string")
	}
	fields := map[string]*bool{"dry_run": &opts.DryRun, "force": &opts.Force}
	for key, values := range q {
		dst, ok := fields[key]
		if !ok {
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
