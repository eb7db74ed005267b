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
	// Settings are every variable in effect, secrets masked.
	Settings []Setting

	// Identity names the account the Google calls run as; "" when there
	// are none or it cannot be told, and IdentityNote says which.
	Identity     string
	IdentityNote string
	// IdentityErr says why there are no credentials at all.
	IdentityErr error

	// SourceName is ROLLCALL_SOURCE as an operator knows it.
	SourceName string
	// Source reads the rows; SourceErr says why it could not be opened.
	Source    Source
	SourceErr error
	// Sheet, for a Google Sheet, shows its title and tabs.
	Sheet Inspector

	// Feedback, when ROLLCALL_FEEDBACK_TAB is set, finds out whether the
	// tab may be written; FeedbackTab names it.
	Feedback    WriteChecker
	FeedbackTab string

	// StoreName is ROLLCALL_STORE.
	StoreName string
	// Store reads the directory; StoreErr says why it could not be opened.
	Store    Store
	StoreErr error
	// StoreBusy, when set, says why the store cannot be read now though
	// nothing is wrong with it (a bolt file that `rollcall serve` holds).
	StoreBusy string
	// LastRun, when set, reads the store's newest sync run.
	LastRun func(ctx context.Context) (SyncRun, bool, error)
	// Lease, when set, reads the sync lease the store keeps.
	Lease func(ctx context.Context) (Lease, bool, error)
	// Scheduled says syncs are expected on a schedule (a deployment), so
	// that a last sync older than OverdueAfter is a warning.
	Scheduled    bool
	OverdueAfter time.Duration
	// Plan is what a sync would do with the sheet's employees against the
	// content hashes the store holds, the deletion brake (at
	// MaxDeletePercent) included: the sync's own planning, handed in.
	Plan             func(employees []roster.Employee, stored map[string]string) Plan
	MaxDeletePercent float64

	Kakao      Kakao
	Protection Protection
	Texts      []Text

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
	// Read is the tab or range the source reads.
	Read string
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
	// Stored is how many employees the store holds.
	Stored int
	// Refused says the deletion brake would refuse the sync.
	Refused bool
}

// SyncRun is a sync run as the store recorded it.
type SyncRun struct {
	StartedAt time.Time
	// Error is why it failed; "" when it did not.
	Error   string
	Refused bool
	DryRun  bool
}

// Lease is the sync lease as the store keeps it.
type Lease struct {
	Holder                string
	AcquiredAt, ExpiresAt time.Time
}

// Kakao is the profile look-up's configuration and its probe.
type Kakao struct {
	KeySet  bool
	Origins []string
	// CustomOrigins says ROLLCALL_KAKAO_OTP_ORIGINS was set.
	CustomOrigins bool
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
	// SkillOpen says ROLLCALL_SKILL_SECRET=off.
	SkillOpen   bool
	BotID       string
	SyncToken   bool
	Invokers    []string
	Audience    string
	AuthBlockID string
	// Required says serve refuses to start without a skill secret (Cloud
	// Run) unless it is off.
	Required bool
}

// Text is one of the bot's words in effect.
type Text struct {
	// Var is its variable: ROLLCALL_TEXT_VERIFIED.
	Var string
	// Value is the text shown.
	Value string
	// Custom says the deployment set it.
	Custom bool
}
