// Package sheets reads HR's employee list from a Google Sheet (Sheets API v4)
// as HR sees the cells, and writes the feedback tab. Its errors name the fix
// and never carry cell contents.
package sheets

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/googleapis/gax-go/v2"
	"golang.org/x/oauth2/google"
	"google.golang.org/api/option"
	gsheets "google.golang.org/api/sheets/v4"

	"github.com/rollcall/rollcall/internal/a1"
	"github.com/rollcall/rollcall/internal/doctor"
	"github.com/rollcall/rollcall/internal/roster"
	"github.com/rollcall/rollcall/internal/rostersync"
)

var _ rostersync.Source = (*Source)(nil)

// Defaults for Options' zero values; the waits add up to over a minute, to
// outlast a per-minute quota (backoff). requestTimeout bounds one attempt.
const (
	DefaultMaxAttempts = 9
	DefaultBackoffBase = time.Second
	DefaultMaxBackoff  = 32 * time.Second
	requestTimeout     = 30 * time.Second
)

// Options tunes a Source. The zero value reads Google's API with
// Application Default Credentials.
type Options struct {
	// Endpoint is the base URL of the Sheets API (ROLLCALL_SHEETS_ENDPOINT,
	// a fake's), called without credentials.
	Endpoint string
	// HTTPClient carries every request; the caller then authenticates.
	HTTPClient *http.Client
	// Account names whom a 403 says to share with; else the credentials'.
	Account string
	// MaxAttempts bounds the tries of one request.
	MaxAttempts int
	// BackoffBase is the first wait between attempts, doubled (with jitter)
	// for each later one up to MaxBackoff.
	BackoffBase, MaxBackoff time.Duration
	// Now and Sleep are the retries' clock (time.Now, gax.Sleep when nil),
	// for a test to move; Sleep returns early when its context ends.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
	// FeedbackTab names the tab Feedback writes (ROLLCALL_FEEDBACK_TAB): the
	// credentials then ask to write, and the roster is never read from it.
	FeedbackTab string
}

// Ref names a spreadsheet and, optionally, one of its tabs, as config reads
// it from ROLLCALL_SOURCE (config.SheetRef).
type Ref struct {
	// SpreadsheetID is the id in the sheet's URL, between "/d/" and the next "/".
	SpreadsheetID string
	// GID is the tab's sheetId from the URL's "#gid=", when HasGID (0 is a
	// valid id).
	GID    int64
	HasGID bool
}

// Source reads one tab, or one range, of a Google Sheet.
type Source struct {
	svc     *gsheets.Service
	ref     Ref
	rangeA1 string
	creds   *google.Credentials // nil without Google's credentials
	opts    Options             // every default filled in
}

// New returns a Source that reads rangeA1 of the spreadsheet ref names; without
// Options.Endpoint or HTTPClient it needs Application Default Credentials now.
func New(ctx context.Context, ref Ref, rangeA1 string, opts Options) (*Source, error) {
	// config has checked the id; this guards the URL path it goes into.
	if id := ref.SpreadsheetID; id == "" || url.PathEscape(id) != id {
		return nil, fmt.Errorf("new sheets source: %q is not a spreadsheet id", id)
	}
	if opts.MaxAttempts < 0 || opts.BackoffBase < 0 || opts.MaxBackoff < 0 {
		return nil, errors.New("new sheets source: MaxAttempts, BackoffBase and MaxBackoff must not be negative")
	}
	opts.MaxAttempts = cmp.Or(opts.MaxAttempts, DefaultMaxAttempts)
	opts.BackoffBase = cmp.Or(opts.BackoffBase, DefaultBackoffBase)
	opts.MaxBackoff = cmp.Or(opts.MaxBackoff, DefaultMaxBackoff)
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Sleep == nil {
		opts.Sleep = gax.Sleep
	}
	s := &Source{ref: ref, rangeA1: rangeA1, opts: opts}

	var clientOpts []option.ClientOption
	if opts.HTTPClient != nil {
		clientOpts = append(clientOpts, option.WithHTTPClient(opts.HTTPClient))
	}
	if opts.Endpoint != "" {
		// The client resolves "v4/spreadsheets/..." against it.
		endpoint := strings.TrimSuffix(opts.Endpoint, "/") + "/"
		clientOpts = append(clientOpts, option.WithEndpoint(endpoint), option.WithoutAuthentication())
	}
	if opts.HTTPClient == nil && opts.Endpoint == "" {
		scope := gsheets.SpreadsheetsReadonlyScope
		if opts.FeedbackTab != "" {
			scope = gsheets.SpreadsheetsScope // Feedback writes its tab
		}
		creds, err := google.FindDefaultCredentials(ctx, scope)
		if err != nil {
			fix := fmt.Sprintf("on a workstation: gcloud auth application-default login --scopes=%s,%s",
				"https://www.googleapis.com/auth/cloud-platform", scope)
			return nil, withFix(fmt.Errorf("new sheets source: find Application Default Credentials (%s): %w", fix, err), fix)
		}
		s.creds = creds
		clientOpts = append(clientOpts, option.WithCredentials(creds))
	}
	svc, err := gsheets.NewService(ctx, clientOpts...)
	if err != nil {
		return nil, fmt.Errorf("new sheets source: %w", err)
	}
	s.svc = svc
	return s, nil
}

// Rows reads the sheet whole or not at all: rows[i] is row i+1, merged status
// and leave-date cells spread.
func (s *Source) Rows(ctx context.Context) ([][]string, error) {
	var tabs []*gsheets.Sheet
	rangeA1 := s.rangeA1
	if rangeA1 == "" {
		var err error
		if _, tabs, err = s.metadata(ctx); err != nil {
			return nil, err
		}
		tab, err := s.pickTab(tabs)
		if err != nil {
			return nil, err
		}
		rangeA1 = a1.Quote(tab.Properties.Title)
	}
	what := "read spreadsheet " + s.ref.SpreadsheetID
	vr, err := s.values(ctx, rangeA1)
	if err != nil {
		return nil, s.explain(ctx, what, err, rangeA1, false)
	}
	rows, r, err := toRows(vr)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if len(rows) == 0 {
		return rows, nil
	}
	if tabs == nil {
		// A configured range: the values said which tab's merges to read.
		if _, tabs, err = s.metadata(ctx); err != nil {
			return nil, err
		}
	}
	// The merges that apply are those of the tab the API says it read.
	i := slices.IndexFunc(tabs, func(t *gsheets.Sheet) bool { return t.Properties.Title == r.Tab })
	if i < 0 {
		return nil, fmt.Errorf("%s: the range %q that the API read is on no tab it listed (a tab renamed meanwhile?); "+
			"the next sync reads it again", what, vr.Range)
	}
	var merges []roster.Merge
	for _, m := range tabs[i].Merges {
		if m == nil {
			continue
		}
		merges = append(merges, roster.Merge{Row: int(m.StartRowIndex), Col: int(m.StartColumnIndex),
			LastRow: int(m.EndRowIndex) - 1, LastCol: int(m.EndColumnIndex) - 1})
	}
	return roster.SpreadMerges(rows, merges, r.Cells.FirstCol-1), nil
}

// values reads a range as HR sees it (formatted values).
func (s *Source) values(ctx context.Context, rangeA1 string) (*gsheets.ValueRange, error) {
	return retry(ctx, s, "values.get", func(ctx context.Context) (*gsheets.ValueRange, error) {
		return s.svc.Spreadsheets.Values.Get(s.ref.SpreadsheetID, rangeA1).
			ValueRenderOption("FORMATTED_VALUE").MajorDimension("ROWS").Context(ctx).Do()
	})
}

// metadata reads the spreadsheet's title, and its tabs (their properties
// and merges) in order, on every read: HR may have renamed a tab.
func (s *Source) metadata(ctx context.Context) (*gsheets.Spreadsheet, []*gsheets.Sheet, error) {
	const fields = "properties.title,sheets(properties(sheetId,title,index,sheetType,hidden),merges)"
	ss, err := retry(ctx, s, "spreadsheets.get", func(ctx context.Context) (*gsheets.Spreadsheet, error) {
		return s.svc.Spreadsheets.Get(s.ref.SpreadsheetID).Fields(fields).Context(ctx).Do()
	})
	if err != nil {
		return nil, nil, s.explain(ctx, "read spreadsheet "+s.ref.SpreadsheetID, err, "", false)
	}
	return ss, sortedTabs(ss), nil
}

// sortedTabs lists a spreadsheet's tabs in their order.
func sortedTabs(ss *gsheets.Spreadsheet) []*gsheets.Sheet {
	tabs := slices.DeleteFunc(slices.Clone(ss.Sheets), func(sh *gsheets.Sheet) bool { return sh == nil || sh.Properties == nil })
	slices.SortStableFunc(tabs, func(a, b *gsheets.Sheet) int { return cmp.Compare(a.Properties.Index, b.Properties.Index) })
	return tabs
}

// pickTab picks the reference's gid, hidden or not, else the first grid tab
// that is neither hidden (an archive) nor the feedback tab.
func (s *Source) pickTab(tabs []*gsheets.Sheet) (*gsheets.Sheet, error) {
	id, fb := s.ref.SpreadsheetID, s.opts.FeedbackTab
	isGrid := func(p *gsheets.SheetProperties) bool { return p.SheetType == "" || p.SheetType == "GRID" }
	if !s.ref.HasGID {
		for _, tab := range tabs {
			if p := tab.Properties; isGrid(p) && !p.Hidden && (fb == "" || p.Title != fb) {
				return tab, nil
			}
		}
		return nil, fmt.Errorf("read spreadsheet %s: it has no visible tab of cells "+
			"(name a hidden tab with #gid= in ROLLCALL_SOURCE or with ROLLCALL_SHEET_RANGE)", id)
	}
	i := slices.IndexFunc(tabs, func(tab *gsheets.Sheet) bool { return tab.Properties.SheetId == s.ref.GID })
	switch {
	case i < 0:
		return nil, fmt.Errorf("read spreadsheet %s: %w: no tab has gid %d: check #gid= in ROLLCALL_SOURCE", id, ErrNotFound, s.ref.GID)
	case fb != "" && tabs[i].Properties.Title == fb:
		return nil, fmt.Errorf("read spreadsheet %s: the tab of gid %d is the feedback tab (ROLLCALL_FEEDBACK_TAB), "+
			"not the employee list: check #gid= in ROLLCALL_SOURCE", id, s.ref.GID)
	case !isGrid(tabs[i].Properties):
		return nil, fmt.Errorf("read spreadsheet %s: the tab of gid %d is a %s, not a grid of cells: "+
			"check #gid= in ROLLCALL_SOURCE", id, s.ref.GID, strings.ToLower(tabs[i].Properties.SheetType))
	}
	return tabs[i], nil
}

// toRows numbers the API's values like the sheet's rows and says which range
// the API read.
func toRows(vr *gsheets.ValueRange) ([][]string, a1.Range, error) {
	if vr.MajorDimension != "" && vr.MajorDimension != "ROWS" {
		return nil, a1.Range{}, fmt.Errorf("the API answered in %s, not ROWS", vr.MajorDimension)
	}
	if len(vr.Values) == 0 {
		return [][]string{}, a1.Range{}, nil
	}
	r, err := a1.Parse(vr.Range)
	if err != nil {
		return nil, r, fmt.Errorf("unexpected range in the API's answer: %w", err)
	}
	if cells, err := a1.ParseCells(r.Tab); r.Bare && err == nil {
		r.Cells = cells // cells without a tab name
	}
	rows := slices.Repeat([][]string{{}}, r.Cells.FirstRow-1)
	for _, vals := range vr.Values {
		row := make([]string, len(vals))
		for j, v := range vals {
			if v != nil { // FORMATTED_VALUE gives strings, and null for an empty cell
				row[j] = fmt.Sprint(v)
			}
		}
		rows = append(rows, row)
	}
	return rows, r, nil
}

// Inspect reads the spreadsheet's title and tabs, and which one Rows reads,
// writing nothing. A refusal is explained as Rows explains it.
func (s *Source) Inspect(ctx context.Context) (doctor.Sheet, error) {
	ss, tabs, err := s.metadata(ctx)
	if err != nil {
		return doctor.Sheet{}, err
	}
	in := doctor.Sheet{Read: s.rangeA1}
	if ss.Properties != nil {
		in.Title = ss.Properties.Title
	}
	for _, t := range tabs {
		in.Tabs = append(in.Tabs, t.Properties.Title)
	}
	if in.Read == "" {
		tab, err := s.pickTab(tabs)
		if err != nil {
			return in, err
		}
		in.Read = tab.Properties.Title
	}
	return in, nil
}
