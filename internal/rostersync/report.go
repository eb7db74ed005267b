package rostersync

import (
	"time"

	"github.com/rollcall/rollcall/internal/roster"
)

// What a run's Report.Landed says: nothing changed in the store; part of
// the run's writes, which the next sync completes or repairs
// (docs/replication.md); or every planned change (a failed run failed
// after, recording the run).
const (
	LandedNone = "none"
	LandedPart = "part"
	LandedAll  = "all"
)

// Report says what a sync run found and did. Its JSON form is part of the
// external contract (rollcall sync --json, POST /internal/sync). It holds no
// PII: rows are named by number, never by content.
type Report struct {
	DryRun        bool   `json:"dry_run"`
	Forced        bool   `json:"forced"`
	Refused       bool   `json:"refused"` // the deletion brake stopped the run
	RefusedReason string `json:"refused_reason,omitempty"`
	Rows          int    `json:"rows"`      // the sheet's non-blank data rows
	Employees     int    `json:"employees"` // the distinct employees the sheet lists
	Left          int    `json:"left"`      // the rows marked as having left
	Added         int    `json:"added"`
	Updated       int    `json:"updated"`
	Deleted       int    `json:"deleted"`
	Unchanged     int    `json:"unchanged"`
	// BindingsRevoked counts the Kakao users' bindings the run deleted
	// (leavers', and those to a phone now another person's).
	BindingsRevoked int              `json:"bindings_revoked"`
	Problems        []roster.Problem `json:"problems"` // the rows skipped, and why
	// IgnoredColumns holds the headers of the columns not read, so that a
	// column HR meant is seen missing.
	IgnoredColumns []string  `json:"ignored_columns,omitempty"`
	Error          string    `json:"error,omitempty"` // why the run failed
	Landed         string    `json:"landed"`          // how much of its changes reached the store
	StartedAt      time.Time `json:"started_at"`
	DurationMS     int64     `json:"duration_ms"`

	// Feedback says whether the result reached HR's feedback tab; nil when
	// none was written (no tab configured, a dry run, an unread sheet).
	Feedback *FeedbackStatus `json:"feedback,omitempty"`
}

// Applied reports whether the run changed the store or could have: a real
// run that was neither refused nor failed.
func (r Report) Applied() bool { return !r.DryRun && !r.Refused && r.Error == "" }

// Finished is when the run ended, StartedAt plus DurationMS: what a store
// records as the directory's last sync.
func (r Report) Finished() time.Time {
	return r.StartedAt.Add(time.Duration(r.DurationMS) * time.Millisecond)
}
