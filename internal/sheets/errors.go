package sheets

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"cloud.google.com/go/compute/metadata"
	"golang.org/x/oauth2/google"
	"google.golang.org/api/googleapi"
)

// Errors an operator can act on; each wraps the *googleapi.Error behind it.
var (
	// ErrForbidden: the spreadsheet is not shared with rollcall's account.
	ErrForbidden = errors.New("access to the spreadsheet is denied")
	// ErrNotFound: no spreadsheet has that id, or no tab has that gid.
	ErrNotFound = errors.New("spreadsheet not found")
	// ErrBadRange: the API cannot parse the range, or its tab does not exist.
	ErrBadRange = errors.New("bad range")
	// ErrAPIDisabled: the Sheets API is off in the credentials' project.
	ErrAPIDisabled = errors.New("the Google Sheets API is disabled")
	// ErrNotSpreadsheet: a file the API cannot read, such as an uploaded .xlsx.
	ErrNotSpreadsheet = errors.New("not a Google Sheets document")
	// ErrQuota: the per-minute quota was used up, every attempt included.
	ErrQuota = errors.New("the Sheets API quota is exceeded")
)

// errRefused is a 401's: the credentials themselves were refused.
var errRefused = errors.New("the credentials were refused")

// explain turns a failed call, named by what, into an error that says what to
// do; a feedback call's 403 asks for Editor.
func (s *Source) explain(ctx context.Context, what string, err error, rangeA1 string, feedback bool) error {
	if gerr, ok := errors.AsType[*googleapi.Error](err); ok {
		if fix, detail, sentinel := s.diagnose(ctx, gerr, rangeA1, feedback); sentinel != nil {
			return withFix(fmt.Errorf("%s: %w%s (%w)", what, sentinel, cmp.Or(detail, ": "+fix), apiError{gerr}), fix)
		}
	}
	return fmt.Errorf("%s: %w", what, err)
}

// diagnose is the table of the refusals a set-up meets: each one's fix,
// detail and sentinel; a nil sentinel for any other failure.
func (s *Source) diagnose(ctx context.Context, gerr *googleapi.Error, rangeA1 string, feedback bool) (fix, detail string, sentinel error) {
	status, disabled := parseBody(gerr.Body)
	switch code := gerr.Code; {
	case code == http.StatusForbidden && disabled:
		return "enable sheets.googleapis.com in the Google Cloud project of rollcall's credentials " +
			"(gcloud services enable sheets.googleapis.com)", "", ErrAPIDisabled
	case code == http.StatusForbidden && feedback:
		return "share the spreadsheet with " + cmp.Or(s.Account(ctx), "rollcall's service account") +
			" as Editor, or unset ROLLCALL_FEEDBACK_TAB", "", ErrForbidden
	case code == http.StatusForbidden:
		account := cmp.Or(s.Account(ctx), "the service account rollcall runs as")
		return "share the spreadsheet with " + account + " as Viewer (as Editor when ROLLCALL_FEEDBACK_TAB is set)",
			": the sheet is not shared with " + account + ": share it as Viewer", ErrForbidden
	case code == http.StatusNotFound:
		return "put the spreadsheet's URL, as the browser shows it, in ROLLCALL_SOURCE",
			": check the id in ROLLCALL_SOURCE", ErrNotFound
	case code == http.StatusBadRequest && status == "FAILED_PRECONDITION":
		fix := "open it in Google Sheets, use File > Save as Google Sheets, and put the new sheet's URL in ROLLCALL_SOURCE"
		return fix, " (an uploaded Excel file?): " + fix, ErrNotSpreadsheet
	case code == http.StatusBadRequest && rangeA1 != "":
		// "Unable to parse range: NOPE!A5:F15" is most often a tab name
		// typed wrong: name the tabs that exist.
		hint, fix := "", "correct ROLLCALL_SHEET_RANGE"
		if tabs := s.tabsHint(ctx); tabs != "" {
			hint = ": the spreadsheet's tabs are " + tabs
			fix = "set ROLLCALL_SHEET_RANGE to one of the tabs " + tabs + ", e.g. 'TAB'!A:Z, or unset it to read the first tab"
		}
		if s.rangeA1 != "" {
			hint += ": check ROLLCALL_SHEET_RANGE"
		}
		return fix, fmt.Sprintf(" %q%s", rangeA1, hint), ErrBadRange
	case code == http.StatusTooManyRequests:
		return "wait a minute and try again; if it lasts, ask for a higher Sheets API quota in the Google Cloud console", "", ErrQuota
	case code == http.StatusUnauthorized:
		return "check Application Default Credentials (on a workstation: gcloud auth application-default login)", "", errRefused
	}
	return "", "", nil
}

// tabsHint names the tabs, for an error about a range the API could not
// parse; "" when they cannot be read. One short attempt: an error waits.
func (s *Source) tabsHint(ctx context.Context) string {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	ss, err := s.svc.Spreadsheets.Get(s.ref.SpreadsheetID).Fields("sheets.properties(title,index)").Context(ctx).Do()
	if err != nil {
		return ""
	}
	var quoted []string
	for _, t := range sortedTabs(ss) {
		quoted = append(quoted, strconv.Quote(t.Properties.Title))
	}
	return strings.Join(quoted, ", ")
}

// fixError is an explained error with its fix alone, for rollcall doctor.
type fixError struct {
	err error
	fix string
}

func (e *fixError) Error() string  { return e.err.Error() }
func (e *fixError) Unwrap() error  { return e.err }
func (e *fixError) Remedy() string { return e.fix }

func withFix(err error, fix string) error { return &fixError{err: err, fix: fix} }

// apiError shows a *googleapi.Error on one line: its Error() appends the
// whole details JSON.
type apiError struct{ err *googleapi.Error }

func (e apiError) Error() string {
	msg := e.err.Message
	if msg == "" {
		msg = http.StatusText(e.err.Code)
	}
	return fmt.Sprintf("Sheets API: HTTP %d: %s", e.err.Code, msg)
}

func (e apiError) Unwrap() error { return e.err }

// parseBody reads what googleapi.Error drops of Google's error body: the
// status, and whether the API is disabled.
func parseBody(body string) (status string, disabled bool) {
	var b struct {
		Error struct {
			Status          string `json:"status"`
			Details, Errors []struct {
				Reason string `json:"reason"`
			}
		} `json:"error"`
	}
	if json.Unmarshal([]byte(body), &b) != nil {
		return "", false
	}
	for _, r := range append(b.Error.Details, b.Error.Errors...) {
		disabled = disabled || r.Reason == "SERVICE_DISABLED" || r.Reason == "accessNotConfigured"
	}
	return b.Error.Status, disabled
}

// Account names the Google account the source's calls run as, or "" when
// it cannot tell.
func (s *Source) Account(ctx context.Context) string {
	if s.opts.Account != "" || s.creds == nil {
		return s.opts.Account
	}
	return accountOf(ctx, s.creds)
}

// CredentialsAccount names the account of Application Default Credentials,
// "" when they do not say; it fails when there are none.
func CredentialsAccount(ctx context.Context) (string, error) {
	creds, err := google.FindDefaultCredentials(ctx, "https://www.googleapis.com/auth/cloud-platform")
	if err != nil {
		return "", withFix(fmt.Errorf("no Application Default Credentials: %w", err),
			"on a workstation: gcloud auth application-default login; on Cloud Run the service account's are found by themselves")
	}
	return accountOf(ctx, creds), nil
}

// accountOf names the account of credentials: a file's, else (Cloud Run,
// GCE) the metadata server's.
func accountOf(ctx context.Context, creds *google.Credentials) string {
	if creds.JSON != nil {
		return accountFromJSON(creds.JSON)
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	email, err := metadata.EmailWithContext(ctx, "default")
	if err != nil {
		return ""
	}
	return email
}

// accountFromJSON names the account behind an Application Default
// Credentials file, or returns "" when the file does not say.
func accountFromJSON(b []byte) string {
	var f struct {
		Type            string `json:"type"`
		ClientEmail     string `json:"client_email"`
		ImpersonatedURL string `json:"service_account_impersonation_url"`
	}
	if json.Unmarshal(b, &f) != nil {
		return ""
	}
	if f.ClientEmail != "" {
		return f.ClientEmail
	}
	// .../projects/-/serviceAccounts/NAME@PROJECT.iam.gserviceaccount.com:generateAccessToken
	if _, after, ok := strings.Cut(f.ImpersonatedURL, "/serviceAccounts/"); ok {
		if email, _, ok := strings.Cut(after, ":"); ok && email != "" {
			return email
		}
	}
	if f.Type == "authorized_user" {
		return "the Google account of your application-default login"
	}
	return ""
}
