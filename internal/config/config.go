// Package config loads rollcall's configuration from environment variables,
// once, at start-up. Every problem is reported together, each naming its
// variable, so an operator fixes a deployment in one go. Nothing else in
// rollcall reads the environment.
package config

import (
	"fmt"
	"log/slog"
	"net/mail"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/rollcall/rollcall/internal/binding"
	"github.com/rollcall/rollcall/internal/kakao"
	"github.com/rollcall/rollcall/internal/logging"
	"github.com/rollcall/rollcall/internal/sheets"
)

// Config is everything rollcall is told by its environment.
type Config struct {
	Port   int
	Source Source
	Store  Store
	Kakao  Kakao
	Sync   Sync
	Log    Log
	// Bindings is in bindings.go.
	Bindings Bindings
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
	// Kind is SourceCSV, SourceXLSX or SourceSheets.
	Kind string
	// Location is a file path, or the spreadsheet URL or id as given.
	Location string
	// Range is an A1 range (ROLLCALL_SHEET_RANGE); "" means the default tab.
	Range string
	// SheetsEndpoint, when set, is a Sheets API base URL used without
	// Google credentials (tests and local fakes).
	SheetsEndpoint string
}

// Store says where the directory is kept.
type Store struct {
	// Kind is StoreBolt or StoreFirestore.
	Kind string
	// Path is the bolt file.
	Path string
	// Project and Database name the Firestore database ("" = "(default)").
	Project, Database string
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

// Kakao configures the skill endpoints and the profile look-up.
type Kakao struct {
	RESTAPIKey  Secret
	OTPOrigins  []string
	SkillSecret Secret
	BotID       string
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

// Defaults, as the contract states them.
const (
	DefaultPort      = 8080
	DefaultSource    = "examples/employees.csv"
	DefaultStore     = "bolt:rollcall.db"
	DefaultMaxDelete = 20
)

// Load reads the configuration through getenv (os.Getenv in production, a
// map in tests). Its error lists every problem found, one per line.
func Load(getenv func(string) string) (Config, error) {
	l := loader{getenv: getenv}
	c := Config{
		Port: l.port("PORT", DefaultPort),
		Source: Source{
			Location:       l.str("ROLLCALL_SOURCE", DefaultSource),
			Range:          l.str("ROLLCALL_SHEET_RANGE", ""),
			SheetsEndpoint: l.baseURL("ROLLCALL_SHEETS_ENDPOINT"),
		},
		Store: l.store("ROLLCALL_STORE", DefaultStore),
		Kakao: Kakao{
			RESTAPIKey:  Secret(l.str("ROLLCALL_KAKAO_REST_API_KEY", "")),
			OTPOrigins:  l.origins("ROLLCALL_KAKAO_OTP_ORIGINS", strings.Join(kakao.DefaultOrigins(), ",")),
			SkillSecret: Secret(l.str("ROLLCALL_SKILL_SECRET", "")),
			BotID:       l.str("ROLLCALL_BOT_ID", ""),
		},
		Sync: Sync{
			Token:            Secret(l.str("ROLLCALL_SYNC_TOKEN", "")),
			Invokers:         l.emails("ROLLCALL_SYNC_INVOKERS"),
			Audience:         l.baseURL("ROLLCALL_SYNC_AUDIENCE"),
			MaxDeletePercent: l.percent("ROLLCALL_MAX_DELETE_PERCENT", DefaultMaxDelete),
		},
		Log: Log{
			Format: l.logFormat("ROLLCALL_LOG_FORMAT", logging.FormatJSON),
			Level:  l.logLevel("ROLLCALL_LOG_LEVEL", slog.LevelInfo),
		},
	}
	c.Bindings = Bindings{
		TTL:         l.bindingTTL("ROLLCALL_BINDING_TTL", binding.DefaultTTL),
		AuthBlockID: l.blockID("ROLLCALL_AUTH_BLOCK_ID"),
	}
	c.Source.Kind = l.sourceKind("ROLLCALL_SOURCE", c.Source.Location)
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

// loader reads variables and collects problems instead of stopping at the first.
type loader struct {
	getenv   func(string) string
	problems []string
}

func (l *loader) fail(name, format string, args ...any) {
	l.problems = append(l.problems, name+": "+fmt.Sprintf(format, args...))
}

func (l *loader) str(name, def string) string {
	if v := strings.TrimSpace(l.getenv(name)); v != "" {
		return v
	}
	return def
}

func (l *loader) port(name string, def int) int {
	v := l.str(name, strconv.Itoa(def))
	p, err := strconv.Atoi(v)
	if err != nil || p < 0 || p > 65535 {
		l.fail(name, "%q is not a port number (0–65535)", v)
	}
	return p
}

func (l *loader) percent(name string, def float64) float64 {
	v := l.str(name, strconv.FormatFloat(def, 'f', -1, 64))
	p, err := strconv.ParseFloat(v, 64)
	if err != nil || p < 0 || p > 100 {
		l.fail(name, "%q is not a percentage (0–100)", v)
	}
	return p
}

func (l *loader) list(name, def string) []string {
	var out []string
	for _, item := range strings.Split(l.str(name, def), ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// origins reads the OTP origin allow-list with the rules the Kakao client
// enforces, so that a bad list stops start-up with the others.
func (l *loader) origins(name, def string) []string {
	out := l.list(name, def)
	if _, err := kakao.ParseOrigins(out); err != nil {
		l.fail(name, "%v", err)
	}
	return out
}

func (l *loader) emails(name string) []string {
	out := l.list(name, "")
	for _, e := range out {
		if a, err := mail.ParseAddress(e); err != nil || a.Address != e {
			// The address is an operator's service account, not a person's PII.
			l.fail(name, "%q is not an email address", e)
		}
	}
	return out
}

func (l *loader) baseURL(name string) string {
	v := l.str(name, "")
	if v == "" {
		return ""
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		l.fail(name, "%q is not an http(s) URL", v)
	}
	return v
}

func (l *loader) store(name, def string) Store {
	v := l.str(name, def)
	kind, rest, _ := strings.Cut(v, ":")
	switch kind {
	case StoreBolt:
		if rest == "" {
			l.fail(name, "bolt: needs a file path, e.g. bolt:rollcall.db")
		}
		return Store{Kind: StoreBolt, Path: rest}
	case StoreFirestore:
		project, database, _ := strings.Cut(rest, "/")
		if !validID(project) || (database != "" && !validID(database)) {
			l.fail(name, "%q: want firestore:PROJECT_ID or firestore:PROJECT_ID/DATABASE_ID", v)
		}
		return Store{Kind: StoreFirestore, Project: project, Database: database}
	}
	l.fail(name, "%q: want bolt:PATH, firestore:PROJECT_ID or firestore:PROJECT_ID/DATABASE_ID", v)
	return Store{}
}

// validID accepts Google Cloud project and Firestore database ids: lowercase
// letters, digits and hyphens (and "(default)").
func validID(s string) bool {
	if s == "(default)" {
		return true
	}
	if s == "" || len(s) > 63 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

func (l *loader) sourceKind(name, loc string) string {
	switch strings.ToLower(filepath.Ext(loc)) {
	case ".csv":
		return SourceCSV
	case ".xlsx":
		return SourceXLSX
	case ".xls":
		l.fail(name, "%q: old .xls files are not supported; save it as .xlsx or .csv", loc)
		return ""
	}
	if sheets.IsSheetsSource(loc) {
		if _, err := sheets.ParseSource(loc); err != nil {
			l.fail(name, "%v", err)
		}
		return SourceSheets
	}
	l.fail(name, "%q is neither a Google Sheets URL or spreadsheet id nor a .csv or .xlsx file", loc)
	return ""
}

func (l *loader) logFormat(name string, def logging.Format) logging.Format {
	switch f := logging.Format(strings.ToLower(l.str(name, string(def)))); f {
	case logging.FormatJSON, logging.FormatText:
		return f
	default:
		l.fail(name, "%q: want json or text", f)
		return def
	}
}

func (l *loader) logLevel(name string, def slog.Level) slog.Level {
	var level slog.Level
	v := l.str(name, def.String())
	if v == "warning" {
		v = "warn"
	}
	if err := level.UnmarshalText([]byte(v)); err != nil {
		l.fail(name, "%q: want debug, info, warn or error", v)
		return def
	}
	return level
}
