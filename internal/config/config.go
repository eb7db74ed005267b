// Package config loads rollcall's configuration from the environment, once,
// reporting every problem together, each naming its variable.
package config

import (
	"log/slog"
	"strings"
	"time"

	"github.com/rollcall/rollcall/internal/binding"
	"github.com/rollcall/rollcall/internal/logging"
	"github.com/rollcall/rollcall/internal/origin"
	"github.com/rollcall/rollcall/internal/ratelimit"
	"github.com/rollcall/rollcall/internal/rostersync"
)

// Config is everything rollcall is told by its environment.
type Config struct {
	Port              int
	Source            Source
	Store             Store
	Kakao             Kakao
	Sync              Sync
	Log               Log
	Bindings          Bindings
	CloudRun          bool  // K_SERVICE is set
	Texts             Texts // the bot's words
	FirestoreEmulator bool  // FIRESTORE_EMULATOR_HOST is set: no credentials are used
}

// The kinds of source and store.
const (
	SourceCSV    = "csv"
	SourceXLSX   = "xlsx"
	SourceSheets = "sheets"

	StoreBolt      = "bolt"
	StoreFirestore = "firestore"
)

// Source says where the employee list comes from.
type Source struct {
	Kind           string   // SourceCSV, SourceXLSX or SourceSheets
	Location       string   // a file path, or the spreadsheet URL or id as given
	Sheet          SheetRef // Location parsed, for SourceSheets
	Range          string   // an A1 range; "" means the default tab
	SheetsEndpoint string   // a Sheets API base URL used without credentials (tests, fakes)
	FeedbackTab    string   // the tab each sync writes its result into for HR; "": none
}

// Store says where the directory is kept.
type Store struct {
	Kind              string // StoreBolt or StoreFirestore
	Path              string // the bolt file
	Project, Database string // the Firestore database; Database "" is "(default)"
}

// String returns the store in ROLLCALL_STORE's syntax.
func (s Store) String() string {
	if s.Kind == StoreBolt {
		return "bolt:" + s.Path
	}
	if s.Database != "" {
		return "firestore:" + s.Project + "/" + s.Database
	}
	return "firestore:" + s.Project
}

// SkillSecretMissing says serve must refuse to start: Cloud Run's public URL
// with skill endpoints that nobody declared open (ROLLCALL_SKILL_SECRET=off).
func (c Config) SkillSecretMissing() bool {
	return c.CloudRun && c.Kakao.SkillSecret == "" && !c.Kakao.SkillOpen
}

// Kakao configures the skill endpoints and the profile look-up.
type Kakao struct {
	RESTAPIKey      Secret
	Origins         origin.List
	Timeout         time.Duration // of one verification's profile look-up
	SkillSecret     Secret        // "" when unset or SkillOpen
	SkillOpen       bool          // ROLLCALL_SKILL_SECRET=off: open on purpose
	BotID           string
	UserRateLimit   int // profile look-ups per user a minute; 0 is off
	ClientRateLimit int // unauthenticated requests per client address a second; 0 is off
}

// Bindings configures "verify once, gate everywhere" (contract, section 3).
type Bindings struct {
	TTL         time.Duration // 0 is off: nothing is bound, and the gate answers not verified
	AuthBlockID string        // the block a "not verified" answer offers as a quick reply; "": none
}

// Sync configures the sync and its HTTP trigger.
type Sync struct {
	Token            Secret
	Invokers         []string
	Audience         string
	MaxDeletePercent float64
}

// Log configures logging.
type Log struct {
	Format logging.Format
	Level  slog.Level
}

// DefaultKakaoOrigins are Kakao's OTP profile origins, current and older (kakao.DefaultOrigins).
const DefaultKakaoOrigins = "https://talk-plugin-capi.kakao.com,https://talk-plugin.kakao.com"

// Load reads the configuration through getenv; its error lists every problem, one a line.
func Load(getenv func(string) string) (Config, error) {
	l := loader{getenv: getenv}
	c := Config{
		Port: l.port("PORT", 8080),
		Source: Source{
			Location:       l.str("ROLLCALL_SOURCE", "examples/employees.csv"),
			Range:          l.str("ROLLCALL_SHEET_RANGE", ""),
			SheetsEndpoint: l.baseURL("ROLLCALL_SHEETS_ENDPOINT"),
			FeedbackTab:    l.str("ROLLCALL_FEEDBACK_TAB", ""),
		},
		Store: l.store("ROLLCALL_STORE", "bolt:rollcall.db"),
		Kakao: Kakao{
			RESTAPIKey:      Secret(l.str("ROLLCALL_KAKAO_REST_API_KEY", "")),
			Origins:         l.origins("ROLLCALL_KAKAO_OTP_ORIGINS", DefaultKakaoOrigins),
			Timeout:         l.kakaoTimeout("ROLLCALL_KAKAO_TIMEOUT", 2500*time.Millisecond),
			BotID:           l.str("ROLLCALL_BOT_ID", ""),
			UserRateLimit:   l.limit("ROLLCALL_USER_RATE_LIMIT", ratelimit.DefaultUserRate),
			ClientRateLimit: l.limit("ROLLCALL_CLIENT_RATE_LIMIT", ratelimit.DefaultClientRate),
		},
		Sync: Sync{
			Token:            l.headerSecret("ROLLCALL_SYNC_TOKEN"),
			Invokers:         l.emails("ROLLCALL_SYNC_INVOKERS"),
			Audience:         l.baseURL("ROLLCALL_SYNC_AUDIENCE"),
			MaxDeletePercent: l.percent("ROLLCALL_MAX_DELETE_PERCENT", rostersync.DefaultMaxDeletePercent),
		},
		Log: Log{
			Format: l.logFormat("ROLLCALL_LOG_FORMAT", logging.FormatJSON),
			Level:  l.logLevel("ROLLCALL_LOG_LEVEL", slog.LevelInfo),
		},
		Bindings: Bindings{
			TTL:         l.bindingTTL("ROLLCALL_BINDING_TTL", binding.DefaultTTL),
			AuthBlockID: l.blockID("ROLLCALL_AUTH_BLOCK_ID"),
		},
		CloudRun: l.str("K_SERVICE", "") != "",
		Texts: Texts{
			Verified:     l.text("ROLLCALL_TEXT_VERIFIED", true, MaxText),
			NotEmployee:  l.text("ROLLCALL_TEXT_NOT_EMPLOYEE", false, MaxText),
			NoProfile:    l.text("ROLLCALL_TEXT_NO_PROFILE", false, MaxText),
			Undecided:    l.text("ROLLCALL_TEXT_UNDECIDED", false, MaxText),
			GateVerified: l.text("ROLLCALL_TEXT_GATE_VERIFIED", true, MaxText),
			NotVerified:  l.text("ROLLCALL_TEXT_NOT_VERIFIED", false, MaxText),
			Unbound:      l.text("ROLLCALL_TEXT_UNBOUND", false, MaxText),
			VerifyButton: l.text("ROLLCALL_TEXT_VERIFY_BUTTON", false, MaxButtonLabel),
		},
		FirestoreEmulator: l.str("FIRESTORE_EMULATOR_HOST", "") != "",
	}
	c.Kakao.SkillSecret = l.headerSecret("ROLLCALL_SKILL_SECRET")
	if strings.EqualFold(c.Kakao.SkillSecret.Reveal(), "off") {
		c.Kakao.SkillSecret, c.Kakao.SkillOpen = "", true
	}
	c.Source.Kind, c.Source.Sheet = l.source("ROLLCALL_SOURCE", c.Source.Location)
	l.feedbackTab("ROLLCALL_FEEDBACK_TAB", c.Source)
	if len(l.problems) > 0 {
		return Config{}, &Error{Problems: l.problems}
	}
	return c, nil
}

// Error lists every configuration problem.
type Error struct {
	Problems []string
}

func (e *Error) Error() string {
	return "invalid configuration:\n  " + strings.Join(e.Problems, "\n  ")
}
