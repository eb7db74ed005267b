package sheets

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"golang.org/x/oauth2/google"
	gsheets "google.golang.org/api/sheets/v4"
)

// Inspection is what a spreadsheet shows of itself without a cell read.
type Inspection struct {
	// Title is the spreadsheet's title.
	Title string
	// Tabs are the titles of its tabs, in order.
	Tabs []string
	// Read is the tab or range the source reads.
	Read string
}

// Inspect reads the spreadsheet's title and tabs, and which one Rows reads,
// writing nothing. A refusal is explained as Rows explains it.
func (s *Source) Inspect(ctx context.Context) (Inspection, error) {
	ss, tabs, err := s.metadata(ctx)
	if err != nil {
		return Inspection{}, err
	}
	in := Inspection{Tabs: titles(tabs), Read: s.rangeA1}
	if ss.Properties != nil {
		in.Title = ss.Properties.Title
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

// titles lists the tabs' titles.
func titles(tabs []*gsheets.Sheet) []string {
	out := make([]string, len(tabs))
	for i, t := range tabs {
		out[i] = t.Properties.Title
	}
	return out
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
	quoted := titles(sortedTabs(ss))
	for i, t := range quoted {
		quoted[i] = strconv.Quote(t)
	}
	return strings.Join(quoted, ", ")
}

// CheckWrite finds out, without writing, whether rollcall may write the
// feedback tab: it asks to delete a tab that cannot exist, which a Viewer
// is refused (403) and an Editor fails (400), changing nothing. Were the API
// ever to check the request first, the sync's own write would still say 403.
func (f *Feedback) CheckWrite(ctx context.Context) error {
	_, _, err := retry(ctx, f.src, "batchUpdate probe", f.batch([]*gsheets.Request{{
		// No tab has a negative sheetId.
		DeleteSheet: &gsheets.DeleteSheetRequest{SheetId: -1, ForceSendFields: []string{"SheetId"}},
	}}))
	if err == nil || statusOf(err) == http.StatusBadRequest {
		return nil
	}
	return f.explain(ctx, "write", err)
}

// CredentialsAccount names the account of Application Default Credentials,
// "" when they do not say; it fails when there are none.
func CredentialsAccount(ctx context.Context) (string, error) {
	creds, err := google.FindDefaultCredentials(ctx, "https://www.googleapis.com/auth/cloud-platform")
	if err != nil {
		return "", withFix(fmt.Errorf("no Application Default Credentials: %w", err),
			"on a workstation: gcloud auth application-default login; on Cloud Run the service account's are found by themselves")
	}
	if creds.JSON != nil {
		return accountFromJSON(creds.JSON), nil
	}
	return (&Source{onMetadata: true}).Account(ctx), nil
}
