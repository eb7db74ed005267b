package config

import (
	"fmt"
	"log/slog"
	"net/mail"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rollcall/rollcall/internal/a1"
	"github.com/rollcall/rollcall/internal/binding"
	"github.com/rollcall/rollcall/internal/logging"
	"github.com/rollcall/rollcall/internal/origin"
)

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

// percent reads a percentage from 0 to 100.
func (l *loader) percent(name string, def float64) float64 {
	v := l.str(name, strconv.FormatFloat(def, 'f', -1, 64))
	p, err := strconv.ParseFloat(v, 64)
	// Written so that NaN, which ParseFloat accepts, fails: it would turn the deletion brake off.
	if err != nil || !(p >= 0 && p <= 100) {
		l.fail(name, "%q is not a percentage: want a number from 0 to 100, e.g. 20", v)
		return def
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

// origins reads the OTP origin allow-list.
func (l *loader) origins(name, def string) origin.List {
	o, err := origin.Parse(l.list(name, def))
	if err != nil {
		l.fail(name, "%v", err)
	}
	return o
}

// kakaoTimeout reads a Go duration under Kakao's 5 s limit for a skill.
func (l *loader) kakaoTimeout(name string, def time.Duration) time.Duration {
	v := l.str(name, def.String())
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 || d >= 5*time.Second {
		l.fail(name, "%q: want a duration above 0 and below Kakao's 5s, e.g. 2.5s", v)
		return def
	}
	return d
}

// limit reads a positive whole number, or off (0).
func (l *loader) limit(name string, def int) int {
	v := l.str(name, strconv.Itoa(def))
	if strings.EqualFold(v, "off") {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		l.fail(name, "%q: want a positive whole number, or off", v)
		return def
	}
	return n
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
		if !cloudID.MatchString(project) || (database != "" && !cloudID.MatchString(database)) {
			l.fail(name, "%q: want firestore:PROJECT_ID or firestore:PROJECT_ID/DATABASE_ID", v)
		}
		return Store{Kind: StoreFirestore, Project: project, Database: database}
	}
	l.fail(name, "%q: want bolt:PATH, firestore:PROJECT_ID or firestore:PROJECT_ID/DATABASE_ID", v)
	return Store{}
}

// cloudID matches Google Cloud project and Firestore database ids.
var cloudID = regexp.MustCompile(`^([a-z0-9-]{1,63}|\(default\))$`)

// source reads the kind of the employee list and, for a Google Sheet, its reference.
func (l *loader) source(name, loc string) (string, SheetRef) {
	switch strings.ToLower(filepath.Ext(loc)) {
	case ".csv":
		return SourceCSV, SheetRef{}
	case ".xlsx":
		return SourceXLSX, SheetRef{}
	case ".xls":
		l.fail(name, "%q: old .xls files are not supported; save it as .xlsx or .csv", loc)
		return "", SheetRef{}
	}
	if strings.Contains(loc, "://") || strings.HasPrefix(strings.ToLower(loc), "docs.google.com/") {
		ref, err := parseURL(loc)
		if err != nil {
			l.fail(name, "%v", err)
		}
		return SourceSheets, ref
	}
	if checkID(loc, minBareIDLen) == nil {
		return SourceSheets, SheetRef{SpreadsheetID: loc}
	}
	l.fail(name, "%q is neither a Google Sheets URL or spreadsheet id nor a .csv or .xlsx file", loc)
	return "", SheetRef{}
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

func (l *loader) bindingTTL(name string, def time.Duration) time.Duration {
	d, err := binding.ParseTTL(l.str(name, showTTL(def)))
	if err != nil {
		l.fail(name, "%v", err)
	}
	return d
}

// blockIDRE matches an Open Builder block id (24 hex digits today), with room to spare.
var blockIDRE = regexp.MustCompile(`^[0-9A-Za-z]{0,64}$`)

// blockID reads an Open Builder block id.
func (l *loader) blockID(name string) string {
	v := l.str(name, "")
	if !blockIDRE.MatchString(v) {
		l.fail(name, "%q is not an Open Builder block id (letters and digits, e.g. 5f1a0c7e3b2d4a0001a1b2c3, from the block's URL)", v)
	}
	return v
}

// maxTabTitle is the longest tab name Google Sheets accepts.
const maxTabTitle = 100

// feedbackTab checks ROLLCALL_FEEDBACK_TAB against the source it writes into.
func (l *loader) feedbackTab(name string, src Source) {
	tab := src.FeedbackTab
	// A range that is not A1 notation names no tab here: the source reports it.
	readFrom, _ := a1.Parse(src.Range)
	switch {
	case tab == "":
	case src.Kind != SourceSheets:
		l.fail(name, "a feedback tab needs a Google Sheets source; ROLLCALL_SOURCE is a %s file: unset %s", src.Kind, name)
	case utf8.RuneCountInString(tab) > maxTabTitle:
		l.fail(name, "a tab name is at most %d characters, this one %d", maxTabTitle, utf8.RuneCountInString(tab))
	case readFrom.Tab == tab:
		l.fail(name, "%q is the tab ROLLCALL_SHEET_RANGE reads the employee list from: name another tab", tab)
	}
}
