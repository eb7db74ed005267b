package sheets_test

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/api/googleapi"

	"github.com/rollcall/rollcall/internal/clocktest"
	"github.com/rollcall/rollcall/internal/logging"
	"github.com/rollcall/rollcall/internal/sheets"
	"github.com/rollcall/rollcall/internal/sheets/sheetstest"
)

const (
	sheetID   = "1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms"
	staffGID  = 123456
	staffPath = "/v4/spreadsheets/" + sheetID + "/values/'직원 목록'"
	metaPath  = "/v4/spreadsheets/" + sheetID
)

// staff is HR's tab: a title row, a blank row, the header on row 3, a phone
// kept as a number with a phone format, and a blank row between employees.
var staff = [][]sheetstest.Cell{
	{sheetstest.Text("2026 직원 명부")},
	{},
	{sheetstest.Text("이름"), sheetstest.Text("휴대전화"), sheetstest.Text("부서")},
	{sheetstest.Text("홍길동"), sheetstest.Number(1012345678, "010-1234-5678"), sheetstest.Text("인사")},
	{},
	{sheetstest.Text("김철수"), sheetstest.Text("010 9876 5432"), {}, {}},
}

// newFake serves one spreadsheet: an unrelated first tab (sheetId 777, so
// that "first" cannot be confused with "gid 0"), HR's tab, and a tab whose
// title has an apostrophe.
func newFake(t *testing.T) *sheetstest.Server {
	t.Helper()
	f := sheetstest.NewServer(t)
	f.SetSheet(sheetID,
		sheetstest.Tab{ID: 777, Title: "안내", Rows: sheetstest.TextRows([]string{"읽어 주세요"})},
		sheetstest.Tab{ID: staffGID, Title: "직원 목록", Rows: staff},
		sheetstest.Tab{ID: 42, Title: "HR's copy", Rows: sheetstest.TextRows([]string{"phone"}, []string{"010-1111-2222"})},
	)
	return f
}

// fast are Options for tests: the default retries, on a clock that moves
// when they wait instead of waiting.
func fast(f *sheetstest.Server) sheets.Options {
	return newWaits().options(sheets.Options{Endpoint: f.Endpoint()})
}

// waits is the clock of a Source under test: Sleep returns at once, moving
// the clock by the wait and recording it. It starts at the wall clock's
// now, so that a context's deadline means the same on both.
type waits struct {
	clock *clocktest.Clock
	mu    sync.Mutex
	slept []time.Duration
}

func newWaits() *waits { return &waits{clock: clocktest.New(time.Now())} }

// options returns opts with the waits' clock.
func (w *waits) options(opts sheets.Options) sheets.Options {
	opts.Now, opts.Sleep = w.clock.Now, w.sleep
	return opts
}

func (w *waits) sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.slept = append(w.slept, d)
	w.clock.Advance(d)
	return nil
}

// all returns the waits so far.
func (w *waits) all() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]time.Duration(nil), w.slept...)
}

func newSource(t *testing.T, ref sheets.Ref, rangeA1 string, opts sheets.Options) *sheets.Source {
	t.Helper()
	s, err := sheets.New(context.Background(), ref, rangeA1, opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

var staffRows = [][]string{
	{"2026 직원 명부"},
	{},
	{"이름", "휴대전화", "부서"},
	{"홍길동", "010-1234-5678", "인사"},
	{},
	{"김철수", "010 9876 5432"},
}

func TestRows(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		ref       sheets.Ref
		rangeA1   string
		want      [][]string
		wantPaths map[string]int
	}{
		{
			name:      "first tab without a gid",
			ref:       sheets.Ref{SpreadsheetID: sheetID},
			want:      [][]string{{"읽어 주세요"}},
			wantPaths: map[string]int{metaPath: 1, "/v4/spreadsheets/" + sheetID + "/values/'안내'": 1},
		},
		{
			name:      "the tab of the gid, formatted phones, blank rows kept",
			ref:       sheets.Ref{SpreadsheetID: sheetID, GID: staffGID, HasGID: true},
			want:      staffRows,
			wantPaths: map[string]int{metaPath: 1, staffPath: 1},
		},
		{
			name:      "a tab title with an apostrophe",
			ref:       sheets.Ref{SpreadsheetID: sheetID, GID: 42, HasGID: true},
			want:      [][]string{{"phone"}, {"010-1111-2222"}},
			wantPaths: map[string]int{metaPath: 1, "/v4/spreadsheets/" + sheetID + "/values/'HR''s copy'": 1},
		},
		{
			name:    "an explicit range with a Korean tab name wins over the gid",
			ref:     sheets.Ref{SpreadsheetID: sheetID, GID: 777, HasGID: true},
			rangeA1: "직원 목록!A:Z",
			want:    staffRows,
			// The metadata is read after the values, for the tab's merges.
			wantPaths: map[string]int{metaPath: 1, "/v4/spreadsheets/" + sheetID + "/values/직원 목록!A:Z": 1},
		},
		{
			name:    "a range starting at row 3 keeps sheet row numbers",
			ref:     sheets.Ref{SpreadsheetID: sheetID},
			rangeA1: "'직원 목록'!A3:C",
			// Rows 1 and 2 of the sheet are above the range: they come back empty.
			want: [][]string{{}, {}, {"이름", "휴대전화", "부서"}, {"홍길동", "010-1234-5678", "인사"}, {}, {"김철수", "010 9876 5432"}},
		},
		{
			name:    "a range starting at column B",
			ref:     sheets.Ref{SpreadsheetID: sheetID},
			rangeA1: "'직원 목록'!B4:B6",
			want:    [][]string{{}, {}, {}, {"010-1234-5678"}, {}, {"010 9876 5432"}},
		},
		{
			name:    "an empty range",
			ref:     sheets.Ref{SpreadsheetID: sheetID},
			rangeA1: "'직원 목록'!H10:J20",
			want:    [][]string{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t)
			got, err := newSource(t, tt.ref, tt.rangeA1, fast(f)).Rows(context.Background())
			if err != nil {
				t.Fatalf("Rows: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
			for path, want := range tt.wantPaths {
				if got := f.Count(path); got != want {
					t.Errorf("%d requests to %s, want %d (log: %+v)", got, path, want, f.Requests())
				}
			}
		})
	}
}

func TestRowsAsksForFormattedRows(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	if _, err := newSource(t, sheets.Ref{SpreadsheetID: sheetID}, "'직원 목록'!A:C", fast(f)).Rows(context.Background()); err != nil {
		t.Fatalf("Rows: %v", err)
	}
	reqs := f.Requests()
	if len(reqs) != 2 || reqs[0].Path == metaPath || reqs[1].Path != metaPath {
		t.Fatalf("%d requests, want the values, then the metadata for merges: %+v", len(reqs), reqs)
	}
	if got := reqs[1].Query.Get("fields"); !strings.Contains(got, "merges") || !strings.Contains(got, "hidden") {
		t.Errorf("spreadsheets.get fields = %q, want the tabs' merges and whether they are hidden", got)
	}
	q := reqs[0].Query
	if got := q.Get("valueRenderOption"); got != "FORMATTED_VALUE" {
		t.Errorf("valueRenderOption = %q, want FORMATTED_VALUE", got)
	}
	if got := q.Get("majorDimension"); got != "ROWS" {
		t.Errorf("majorDimension = %q, want ROWS", got)
	}
}

func TestRowsReadsTheTabEvenAfterARename(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	src := newSource(t, sheets.Ref{SpreadsheetID: sheetID, GID: staffGID, HasGID: true}, "", fast(f))
	if _, err := src.Rows(context.Background()); err != nil {
		t.Fatalf("first Rows: %v", err)
	}
	f.SetSheet(sheetID, sheetstest.Tab{ID: staffGID, Title: "재직자", Rows: sheetstest.TextRows([]string{"phone"})})
	got, err := src.Rows(context.Background())
	if err != nil {
		t.Fatalf("Rows after the rename: %v", err)
	}
	if diff := cmp.Diff([][]string{{"phone"}}, got); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
}

func TestRowsRetries(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		fail         int // requests that fail
		status       int
		wantErr      bool
		wantRequests int
	}{
		{"429 twice, then success", 2, http.StatusTooManyRequests, false, 2 + 2},
		{"503 once, then success", 1, http.StatusServiceUnavailable, false, 1 + 2},
		{"500 on every attempt", 4, http.StatusInternalServerError, true, 4},
		{"429 on every attempt", 10, http.StatusTooManyRequests, true, 4},
		{"400 is not retried", 1, http.StatusBadRequest, true, 1},
		{"401 is not retried", 1, http.StatusUnauthorized, true, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t)
			f.FailNext(tt.fail, tt.status)
			opts := fast(f)
			opts.MaxAttempts = 4
			got, err := newSource(t, sheets.Ref{SpreadsheetID: sheetID, GID: staffGID, HasGID: true}, "", opts).
				Rows(context.Background())
			if n := len(f.Requests()); n != tt.wantRequests {
				t.Errorf("%d requests, want %d", n, tt.wantRequests)
			}
			if !tt.wantErr {
				if err != nil {
					t.Fatalf("Rows: %v", err)
				}
				if diff := cmp.Diff(staffRows, got); diff != "" {
					t.Errorf("rows (-want +got):\n%s", diff)
				}
				return
			}
			if err == nil {
				t.Fatalf("Rows = %d rows, want an error", len(got))
			}
			if got != nil {
				t.Errorf("Rows returned %d rows with its error, want none", len(got))
			}
			var gerr *googleapi.Error
			if !errors.As(err, &gerr) || gerr.Code != tt.status {
				t.Errorf("error %v does not wrap the API's %d", err, tt.status)
			}
		})
	}
}

func TestRowsRetriesTransportErrors(t *testing.T) {
	t.Parallel()
	// A loopback port with nothing listening: every attempt is refused.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()

	rt := &countingTransport{next: http.DefaultTransport}
	src := newSource(t, sheets.Ref{SpreadsheetID: sheetID}, "Sheet1", newWaits().options(sheets.Options{
		Endpoint:    "http://" + addr,
		HTTPClient:  &http.Client{Transport: rt},
		MaxAttempts: 3,
	}))
	if _, err := src.Rows(context.Background()); err == nil {
		t.Fatal("Rows succeeded against a closed port")
	}
	if got := rt.count(); got != 3 {
		t.Errorf("%d attempts, want 3", got)
	}
}

type countingTransport struct {
	next http.RoundTripper
	mu   sync.Mutex
	n    int
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.mu.Lock()
	c.n++
	c.mu.Unlock()
	return c.next.RoundTrip(r)
}

func (c *countingTransport) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

func TestRowsErrorsForOperators(t *testing.T) {
	t.Parallel()
	const account = "rollcall@acme-hr.iam.gserviceaccount.com"
	tests := []struct {
		name     string
		setup    func(*sheetstest.Server)
		ref      sheets.Ref
		rangeA1  string
		account  string
		wantIs   error
		wantNot  error
		wantText []string
	}{
		{
			name:     "not shared, account known",
			setup:    func(f *sheetstest.Server) { f.Deny(sheetID) },
			ref:      sheets.Ref{SpreadsheetID: sheetID},
			account:  account,
			wantIs:   sheets.ErrForbidden,
			wantText: []string{sheetID, "not shared with " + account, "share it as Viewer"},
		},
		{
			name:     "not shared, account unknown",
			setup:    func(f *sheetstest.Server) { f.Deny(sheetID) },
			ref:      sheets.Ref{SpreadsheetID: sheetID},
			rangeA1:  "Sheet1!A:F",
			wantIs:   sheets.ErrForbidden,
			wantText: []string{"not shared with the service account rollcall runs as", "share it as Viewer"},
		},
		{
			name:     "unknown spreadsheet",
			ref:      sheets.Ref{SpreadsheetID: "1NoSuchSpreadsheet0000000000000000000000000"},
			wantIs:   sheets.ErrNotFound,
			wantText: []string{"1NoSuchSpreadsheet0000000000000000000000000", "ROLLCALL_SOURCE"},
		},
		{
			name:     "unknown gid",
			ref:      sheets.Ref{SpreadsheetID: sheetID, GID: 999, HasGID: true},
			wantIs:   sheets.ErrNotFound,
			wantText: []string{"gid 999", "#gid="},
		},
		{
			name:     "unknown tab in the range",
			ref:      sheets.Ref{SpreadsheetID: sheetID},
			rangeA1:  "직원목록!A:Z",
			wantIs:   sheets.ErrBadRange,
			wantText: []string{`"직원목록!A:Z"`, "ROLLCALL_SHEET_RANGE", "Unable to parse range", `"안내", "직원 목록", "HR's copy"`},
		},
		{
			name:     "range beyond the grid",
			ref:      sheets.Ref{SpreadsheetID: sheetID},
			rangeA1:  "'직원 목록'!A1:AB9",
			wantIs:   sheets.ErrBadRange,
			wantText: []string{"ROLLCALL_SHEET_RANGE", "exceeds grid limits"},
		},
		{
			name: "Sheets API disabled",
			setup: func(f *sheetstest.Server) {
				f.FailNextWith(1, sheetstest.Error{
					Code: 403, Status: "PERMISSION_DENIED",
					Message: "Google Sheets API has not been used in project 1234 before or it is disabled.",
					Details: []map[string]any{{
						"@type":  "type.googleapis.com/google.rpc.ErrorInfo",
						"reason": "SERVICE_DISABLED", "domain": "googleapis.com",
					}},
				})
			},
			ref:      sheets.Ref{SpreadsheetID: sheetID},
			wantIs:   sheets.ErrAPIDisabled,
			wantNot:  sheets.ErrForbidden,
			wantText: []string{"enable sheets.googleapis.com"},
		},
		{
			name: "an uploaded Excel file",
			setup: func(f *sheetstest.Server) {
				f.FailNextWith(1, sheetstest.Error{Code: 400, Status: "FAILED_PRECONDITION",
					Message: "This operation is not supported for this document"})
			},
			ref:      sheets.Ref{SpreadsheetID: sheetID},
			wantIs:   sheets.ErrNotSpreadsheet,
			wantText: []string{"Save as Google Sheets"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t)
			if tt.setup != nil {
				tt.setup(f)
			}
			opts := fast(f)
			opts.Account = tt.account
			_, err := newSource(t, tt.ref, tt.rangeA1, opts).Rows(context.Background())
			if !errors.Is(err, tt.wantIs) {
				t.Fatalf("Rows error = %v, want one that is %v", err, tt.wantIs)
			}
			if tt.wantNot != nil && errors.Is(err, tt.wantNot) {
				t.Errorf("Rows error = %v, must not be %v", err, tt.wantNot)
			}
			for _, s := range tt.wantText {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not say %q", err, s)
				}
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q spans several lines", err)
			}
			// A range's error also reads the tab titles, once: the
			// failed call itself is not tried again.
			if reqs := f.Requests(); f.Count(reqs[0].Path) != 1 {
				t.Errorf("%d requests to %s, want 1: an operator's error is not retried", f.Count(reqs[0].Path), reqs[0].Path)
			}
		})
	}
}

// cancelOnRetry is a slog handler that cancels a context when the source
// logs that it will wait to retry, and keeps the records.
type cancelOnRetry struct {
	cancel  context.CancelFunc
	mu      *sync.Mutex
	records *[]slog.Record
}

func (h cancelOnRetry) Enabled(context.Context, slog.Level) bool { return true }
func (h cancelOnRetry) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h cancelOnRetry) WithGroup(string) slog.Handler            { return h }
func (h cancelOnRetry) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	*h.records = append(*h.records, r.Clone())
	h.mu.Unlock()
	h.cancel()
	return nil
}

func TestRowsStopsWaitingWhenCancelled(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	f.FailNext(10, http.StatusServiceUnavailable)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var records []slog.Record
	h := cancelOnRetry{cancel: cancel, mu: &sync.Mutex{}, records: &records}
	ctx = logging.WithLogger(ctx, slog.New(h))

	// The wall clock's wait (Options.Sleep unset): were it not cut short by
	// the cancellation, it would last an hour.
	opts := sheets.Options{Endpoint: f.Endpoint(), BackoffBase: time.Hour, MaxBackoff: time.Hour}
	_, err := newSource(t, sheets.Ref{SpreadsheetID: sheetID}, "Sheet1", opts).Rows(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Rows error = %v, want context.Canceled", err)
	}
	if n := len(f.Requests()); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
	if len(records) != 1 {
		t.Fatalf("%d log records, want 1", len(records))
	}
	var keys []string
	records[0].Attrs(func(a slog.Attr) bool { keys = append(keys, a.Key); return true })
	if diff := cmp.Diff([]string{"op", "attempt", "status", "wait_ms"}, keys); diff != "" {
		t.Errorf("log attributes (-want +got):\n%s", diff)
	}
}

func TestNewRefusesBadOptions(t *testing.T) {
	t.Parallel()
	f := sheetstest.NewServer(t)
	tests := []struct {
		name string
		ref  sheets.Ref
		opts sheets.Options
	}{
		{"no id", sheets.Ref{}, sheets.Options{Endpoint: f.Endpoint()}},
		{"bad id", sheets.Ref{SpreadsheetID: "a/b"}, sheets.Options{Endpoint: f.Endpoint()}},
		{"negative attempts", sheets.Ref{SpreadsheetID: sheetID}, sheets.Options{Endpoint: f.Endpoint(), MaxAttempts: -1}},
		{"negative backoff", sheets.Ref{SpreadsheetID: sheetID}, sheets.Options{Endpoint: f.Endpoint(), BackoffBase: -time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := sheets.New(context.Background(), tt.ref, "", tt.opts); err == nil {
				t.Error("New succeeded, want an error")
			}
		})
	}
}
