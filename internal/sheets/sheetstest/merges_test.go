package sheetstest_test

import (
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rollcall/rollcall/internal/sheets/sheetstest"
)

// TestMergedHeaderAndNumberCells: a merged two-row header reads as Sheets
// returns it (a block's value in its top-left cell only, the others empty)
// and number cells come formatted, as HR sees them.
func TestMergedHeaderAndNumberCells(t *testing.T) {
	t.Parallel()
	const sheet = "1MergedHeaderTestSheet_0123456789abcdefGHIJ"
	f := sheetstest.NewServer(t)
	T, N := sheetstest.Text, sheetstest.Number
	f.SetSheet(sheet, sheetstest.Tab{ID: 7, Title: "명단", RowCount: 10, ColumnCount: 4,
		Rows: [][]sheetstest.Cell{
			{T("성명"), T("연락처"), T("연락처"), T("재직여부")}, // what Rows holds under a merge is hidden
			{T("성명"), T("사내전화"), T("휴대전화"), T("재직여부")},
			{T("홍길동"), T("02-123-4567"), N(1012345678, "1,012,345,678"), T("재직")},
		},
		Merges: []sheetstest.Merge{
			{Row: 1, Col: 1, LastRow: 2, LastCol: 1},
			{Row: 1, Col: 2, LastRow: 1, LastCol: 3},
			{Row: 1, Col: 4, LastRow: 2, LastCol: 4},
		},
	})
	tests := []struct {
		name, path, want string
	}{
		{"values", "/v4/spreadsheets/" + sheet + "/values/" + url.PathEscape("'명단'"),
			`{"range":"'명단'!A1:D10","majorDimension":"ROWS","values":[["성명","연락처","","재직여부"],["","사내전화","휴대전화"],["홍길동","02-123-4567","1,012,345,678","재직"]]}`},
		{"unformatted", "/v4/spreadsheets/" + sheet + "/values/" + url.PathEscape("명단!C3") + "?valueRenderOption=UNFORMATTED_VALUE",
			`{"range":"'명단'!C3","majorDimension":"ROWS","values":[[1012345678]]}`},
		{"merges in the sheet resource", "/v4/spreadsheets/" + sheet + "?fields=sheets.merges",
			`{"sheets":[{"merges":[
				{"sheetId":7,"startRowIndex":0,"endRowIndex":2,"startColumnIndex":0,"endColumnIndex":1},
				{"sheetId":7,"startRowIndex":0,"endRowIndex":1,"startColumnIndex":1,"endColumnIndex":3},
				{"sheetId":7,"startRowIndex":0,"endRowIndex":2,"startColumnIndex":3,"endColumnIndex":4}]}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, got := get(t, f, "GET", tt.path)
			if status != 200 {
				t.Fatalf("status %d: %v", status, got)
			}
			if diff := cmp.Diff(decode(t, tt.want), got); diff != "" {
				t.Errorf("body (-want +got):\n%s", diff)
			}
		})
	}
}

// TestHiddenTab: a hidden tab says so in its properties, as the API does
// ("hidden": true, left out when false), and a range without a tab name
// reads the first visible tab.
func TestHiddenTab(t *testing.T) {
	t.Parallel()
	const sheet = "1HiddenTabTestSheet_0123456789abcdefGHIJKL"
	f := sheetstest.NewServer(t)
	f.SetSheet(sheet,
		sheetstest.Tab{ID: 3, Title: "보관", Hidden: true, RowCount: 5, ColumnCount: 2, Rows: sheetstest.TextRows([]string{"old"})},
		sheetstest.Tab{ID: 4, Title: "명단", RowCount: 5, ColumnCount: 2, Rows: sheetstest.TextRows([]string{"new"})},
	)
	status, got := get(t, f, "GET", "/v4/spreadsheets/"+sheet+"?fields=sheets.properties(title,hidden)")
	if status != 200 {
		t.Fatalf("status %d: %v", status, got)
	}
	want := `{"sheets":[{"properties":{"title":"보관","hidden":true}},{"properties":{"title":"명단"}}]}`
	if diff := cmp.Diff(decode(t, want), got); diff != "" {
		t.Errorf("spreadsheets.get (-want +got):\n%s", diff)
	}
	status, got = get(t, f, "GET", "/v4/spreadsheets/"+sheet+"/values/A1:B2")
	want = `{"range":"'명단'!A1:B2","majorDimension":"ROWS","values":[["new"]]}`
	if diff := cmp.Diff(decode(t, want), got); status != 200 || diff != "" {
		t.Errorf("values.get A1:B2: status %d (-want +got):\n%s", status, diff)
	}
}
