package operator

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/rollcall/rollcall/internal/doctor"
	"github.com/rollcall/rollcall/internal/logging"
	"github.com/rollcall/rollcall/internal/rostersync"
)

// StatusRuns is how many runs GET /internal/status shows.
const StatusRuns = 20

const statusTimeout = 10 * time.Second

// statusAnswer is the body of GET /internal/status; it names problem rows by number, never content.
type statusAnswer struct {
	DirectorySize int `json:"directory_size"`
	// LastSync is RFC 3339 in UTC, or null if never synced.
	LastSync *string             `json:"last_sync"`
	Runs     []rostersync.Report `json:"runs"`
}

// showStatus answers the directory size, the last sync and the last
// StatusRuns runs, newest first; 503 if the store fails.
func (h *Handler) showStatus(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), statusTimeout)
	defer cancel()
	answer, err := h.readStatus(ctx)
	if err == nil {
		c.JSON(http.StatusOK, answer)
		return
	}
	logging.FromContext(ctx).ErrorContext(ctx, "could not read the sync status", "error", err.Error())
	body := gin.H{"error": "could not read the sync status from the directory store", "reason": ReasonStoreUnavailable}
	// A set-up failure the store named says its fix, quoting no server message.
	var r doctor.Remedy
	if errors.As(err, &r) {
		body["error"], body["fix"] = err.Error(), r.Remedy()
	}
	c.JSON(http.StatusServiceUnavailable, body)
}

func (h *Handler) readStatus(ctx context.Context) (statusAnswer, error) {
	size, err := h.status.Count(ctx)
	if err != nil {
		return statusAnswer{}, fmt.Errorf("count the directory: %w", err)
	}
	last, err := h.status.LastSync(ctx)
	if err != nil {
		return statusAnswer{}, fmt.Errorf("read the last sync: %w", err)
	}
	runs, err := h.status.Runs(ctx, StatusRuns)
	if err != nil {
		return statusAnswer{}, fmt.Errorf("read the sync history: %w", err)
	}
	// Whatever order and count a store keeps, the answer is newest first, at most StatusRuns.
	slices.SortStableFunc(runs, func(a, b rostersync.Report) int { return b.StartedAt.Compare(a.StartedAt) })
	runs = runs[:min(len(runs), StatusRuns)]
	for i := range runs {
		runs[i].Problems = nonNil(runs[i].Problems)
	}
	answer := statusAnswer{DirectorySize: size, Runs: nonNil(runs)}
	if !last.IsZero() {
		s := last.UTC().Format(time.RFC3339)
		answer.LastSync = &s
	}
	return answer, nil
}

// nonNil returns s, or an empty slice for nil: JSON's [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
