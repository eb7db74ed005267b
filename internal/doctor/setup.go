package doctor

import (
	"context"
	"time"

	"github.com/rollcall/rollcall/internal/config"
	"github.com/rollcall/rollcall/internal/rostersync"
)

// Setup is what the checks are given: the configuration as it stands and
// the adapters, opened but not yet used. A nil adapter skips what needs it.
type Setup struct {
	ConfigProblems []string // why the configuration did not load; then nothing else is set
	Config         config.Config

	// Account names the Google account the Sheets and Firestore calls run
	// as: "" when it cannot be known, an error when there are no credentials.
	Account func(ctx context.Context) (string, error)

	Source    rostersync.Source
	SourceErr error                                    // why Source could not be opened
	Sheet     func(ctx context.Context) (Sheet, error) // a Google Sheet's title and tabs; nil: a file

	// CheckFeedback finds out, without writing, whether the feedback tab may be written; nil: unset.
	CheckFeedback func(ctx context.Context) error

	Store     Store
	StoreErr  error  // why Store could not be opened
	StoreBusy string // why a sound store cannot be read now (a bolt file `rollcall serve` holds)

	// KakaoProbe asks Kakao whether it accepts the key, reading no profile; nil skips it.
	KakaoProbe func(ctx context.Context) error
	Now        func() time.Time // time.Now when nil
}

// Sheet is what a spreadsheet shows of itself without a cell being read.
type Sheet struct {
	Title string
	Tabs  []string
	Read  string // the tab or range the source reads
}

// Store is what the checks read of the directory store. None of it writes.
type Store interface {
	// Hashes returns each stored employee's content hash, by phone.
	Hashes(ctx context.Context) (map[string]string, error)
	Count(ctx context.Context) (int, error)
	LastSync(ctx context.Context) (time.Time, error)
	Runs(ctx context.Context, limit int) ([]rostersync.Report, error)
	Lease(ctx context.Context) (rostersync.Lease, bool, error)
}
