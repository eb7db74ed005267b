package doctor

import (
	"context"
	"time"

	"github.com/rollcall/rollcall/internal/roster"
)

// Setup is what the checks are given: the configuration as it stands and
// the adapters, opened but not yet used. A nil adapter skips what needs it.
type Setup struct {
	// ConfigProblems lists why the configuration did not load; the other
	// fields are then unset.
	ConfigProblems []string
	Settings       []Setting // every variable in effect, secrets masked

	// Identity names the account the Google calls run as; when it cannot,
	// IdentityNote says why, or IdentityErr that there are no credentials.
	Identity     string
	IdentityNote string
	IdentityErr  error

	SourceName string // ROLLCALL_SOURCE as given
	Source     Source
	SourceErr  error     // why Source could not be opened
	Sheet      Inspector // a Google Sheet's title and tabs

	// Feedback finds out whether ROLLCALL_FEEDBACK_TAB (FeedbackTab) may be
	// written; nil when it is unset.
	Feedback    WriteChecker
	FeedbackTab string

	StoreName string // ROLLCALL_STORE
	Store     Store
	StoreErr  error // why Store could not be opened
	// StoreBusy says why the store cannot be read now though nothing is
	// wrong with it (a bolt file that `rollcall serve` holds).
	StoreBusy string
	LastRun   func(ctx context.Context) (SyncRun, bool, error) // the newest run
	Lease     func(ctx context.Context) (Lease, bool, error)   // the sync lease
	// OverdueAfter, when syncs run on a schedule (a deployment), is the age
	// of the last sync that makes a warning; 0 for none.
	OverdueAfter time.Duration
	// Plan is the sync's own planning of the sheet's employees against the
	// stored content hashes, the deletion brake at MaxDeletePercent included.
	Plan             func(employees []roster.Employee, stored map[string]string) Plan
	MaxDeletePercent float64

	Kakao      Kakao
	Protection Protection
	Texts      []Setting // the bot's words: ROLLCALL_TEXT_*, "" for the default

	// Now is the clock (time.Now when nil): leave dates and ages.
	Now func() time.Time
}

// Setting is one configuration variable as shown.
type Setting struct {
	Name, Value string
}

// Source reads HR's rows, as a sync does.
type Source interface {
	Rows(ctx context.Context) ([][]string, error)
}

// Sheet is what a spreadsheet shows of itself without a cell being read.
type Sheet struct {
	Title string
	Tabs  []string
	Read  string // the tab or range the source reads
}

// Inspector reads a Google Sheet's title and tabs.
type Inspector interface {
	Inspect(ctx context.Context) (Sheet, error)
}

// WriteChecker finds out, without writing, whether the feedback tab may be
// written.
type WriteChecker interface {
	CheckWrite(ctx context.Context) error
}

// Store is what the checks read of the directory store. None of it writes.
type Store interface {
	// Hashes returns each stored employee's content hash, by phone.
	Hashes(ctx context.Context) (map[string]string, error)
	Count(ctx context.Context) (int, error)
	LastSync(ctx context.Context) (time.Time, error)
}

// Plan is what a sync would do.
type Plan struct {
	Added, Updated, Deleted, Unchanged int
	Stored                             int  // employees the store holds
	Refused                            bool // by the deletion brake
}

// SyncRun is a sync run as the store recorded it.
type SyncRun struct {
	StartedAt       time.Time
	Error           string // why it failed; "" when it did not
	Refused, DryRun bool
}

// Lease is the sync lease as the store keeps it.
type Lease struct {
	Holder                string
	AcquiredAt, ExpiresAt time.Time
}

// Kakao is the profile look-up's configuration and its probe.
type Kakao struct {
	KeySet        bool
	Origins       []string
	CustomOrigins bool // not Kakao's default origins
	Timeout       time.Duration
	// Required says a missing key is a failure, not a warning: a
	// deployment (Cloud Run) cannot verify anyone without it.
	Required bool
	// Probe asks Kakao whether it accepts the key from this machine,
	// reading no profile; nil skips the question.
	Probe func(ctx context.Context) error
}

// Protection is what guards the endpoints.
type Protection struct {
	SkillSecretSet bool
	SkillOpen      bool // ROLLCALL_SKILL_SECRET=off
	BotID          string
	SyncToken      bool
	Invokers       []string
	Audience       string
	AuthBlockID    string
	// Required says serve refuses to start without a skill secret (Cloud
	// Run) unless it is off.
	Required bool
}
