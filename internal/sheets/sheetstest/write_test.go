package sheetstest_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rollcall/rollcall/internal/sheets/sheetstest"
)

// send makes a request with a JSON body and returns the status and the
// decoded answer.
func send(t *testing.T, f *sheetstest.Server, method, path, body string) (int, any) {
	t.Helper()
	req, err := http.NewRequest(method, f.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, decode(t, string(b))
}

func TestWriteWireFormat(t *testing.T) {
	t.Parallel()
	batch := "/v4/spreadsheets/" + id + ":batchUpdate"
	tests := []struct {
		name, method, path, body string
		wantStatus               int
		wantBody                 string
	}{
		{
			name: "addSheet answers the new sheet's properties", method: "POST", path: batch,
			body:       `{"requests":[{"addSheet":{"properties":{"title":"결과"}}}]}`,
			wantStatus: 200,
			wantBody: `{"spreadsheetId":"` + id + `","replies":[{"addSheet":{"properties":{"sheetId":1000000002,"title":"결과","index":2,
				"sheetType":"GRID","gridProperties":{"rowCount":1000,"columnCount":26}}}}]}`,
		},
		{
			name: "addSheet of a taken name", method: "POST", path: batch,
			body:       `{"requests":[{"addSheet":{"properties":{"title":"sheet1"}}}]}`,
			wantStatus: 400,
			wantBody: `{"error":{"code":400,"status":"INVALID_ARGUMENT",
				"message":"Invalid requests[0].addSheet: A sheet with the name \"sheet1\" already exists. Please enter another name."}}`,
		},
		{
			name: "formatting answers empty replies", method: "POST", path: batch,
			body: `{"requests":[
				{"updateSheetProperties":{"properties":{"sheetId":123456,"gridProperties":{"frozenRowCount":2}},"fields":"gridProperties.frozenRowCount"}},
				{"repeatCell":{"range":{"sheetId":123456,"startRowIndex":0,"endRowIndex":1},"cell":{"userEnteredFormat":{"textFormat":{"bold":true}}},"fields":"userEnteredFormat.textFormat.bold"}},
				{"updateDimensionProperties":{"range":{"sheetId":123456,"dimension":"COLUMNS","startIndex":0,"endIndex":2},"properties":{"pixelSize":120},"fields":"pixelSize"}}]}`,
			wantStatus: 200,
			wantBody:   `{"spreadsheetId":"` + id + `","replies":[{},{},{}]}`,
		},
		{
			name: "a request without fields", method: "POST", path: batch,
			body:       `{"requests":[{"updateSheetProperties":{"properties":{"sheetId":123456}}}]}`,
			wantStatus: 400,
			wantBody: `{"error":{"code":400,"status":"INVALID_ARGUMENT",
				"message":"Invalid requests[0].updateSheetProperties: At least one field must be updated, but none were specified."}}`,
		},
		{
			name: "values.update", method: "PUT", path: values("'직원 목록'!A2") + "?valueInputOption=RAW",
			body:       `{"range":"'직원 목록'!A2","majorDimension":"ROWS","values":[["a","b"],["c"]]}`,
			wantStatus: 200,
			wantBody:   `{"spreadsheetId":"` + id + `","updatedRange":"'직원 목록'!A2:B3","updatedRows":2,"updatedColumns":2,"updatedCells":3}`,
		},
		{
			name: "values.update needs valueInputOption", method: "PUT", path: values("Sheet1!A1"),
			body:       `{"values":[["a"]]}`,
			wantStatus: 400,
			wantBody:   `{"error":{"code":400,"status":"INVALID_ARGUMENT","message":"'valueInputOption' is required but not specified"}}`,
		},
		{
			name: "values.clear", method: "POST", path: values("Sheet1") + ":clear",
			body:       `{}`,
			wantStatus: 200,
			wantBody:   `{"spreadsheetId":"` + id + `","clearedRange":"Sheet1!A1:Z1000"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t)
			status, got := send(t, f, tt.method, tt.path, tt.body)
			if status != tt.wantStatus {
				t.Errorf("status = %d, want %d", status, tt.wantStatus)
			}
			if diff := cmp.Diff(decode(t, tt.wantBody), got); diff != "" {
				t.Errorf("body (-want +got):\n%s", diff)
			}
			wantRevisions := 0
			if status == 200 {
				wantRevisions = 1
			}
			if got := f.Revisions(id); got != wantRevisions {
				t.Errorf("revisions = %d, want %d", got, wantRevisions)
			}
		})
	}
}

func TestWritesAreReadBackAndRecorded(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	send(t, f, "PUT", values("Sheet1!A1")+"?valueInputOption=RAW", `{"values":[["x","",null,"y"]]}`)
	_, got := get(t, f, http.MethodGet, values("Sheet1!A1:D2"))
	if diff := cmp.Diff(decode(t, `{"range":"Sheet1!A1:D2","majorDimension":"ROWS","values":[["x","","","y"]]}`), got); diff != "" {
		t.Errorf("after values.update (-want +got):\n%s", diff)
	}
	// One bad request fails the whole batch: nothing is applied.
	status, _ := send(t, f, "POST", "/v4/spreadsheets/"+id+":batchUpdate", `{"requests":[
		{"addSheet":{"properties":{"title":"new"}}},
		{"repeatCell":{"range":{"sheetId":99},"cell":{},"fields":"userEnteredFormat"}}]}`)
	if status != 400 || len(f.Titles(id)) != 2 {
		t.Errorf("a batch with an unknown sheetId: status %d, tabs %q; want 400 and no new tab", status, f.Titles(id))
	}
	want := []sheetstest.Write{{Method: "values.update", Tabs: []string{"Sheet1"}}}
	if diff := cmp.Diff(want, f.Writes(id)); diff != "" {
		t.Errorf("writes (-want +got):\n%s", diff)
	}
}

func TestViewerReadsButCannotWrite(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	f.ShareAsViewer(id)
	if status, _ := get(t, f, http.MethodGet, values("Sheet1")); status != 200 {
		t.Errorf("a Viewer's read: status %d, want 200", status)
	}
	status, body := send(t, f, "POST", values("Sheet1")+":clear", `{}`)
	want := decode(t, `{"error":{"code":403,"message":"The caller does not have permission","status":"PERMISSION_DENIED"}}`)
	if diff := cmp.Diff(want, body); status != 403 || diff != "" {
		t.Errorf("a Viewer's write: status %d, body (-want +got):\n%s", status, diff)
	}
	if f.Revisions(id) != 0 {
		t.Errorf("a Viewer made %d revisions", f.Revisions(id))
	}
}

// TestUpdateCellsClears: updateCells without rows clears the values of its
// range, the whole tab when the range names only the sheet, and nothing
// when another request of the batch is refused.
func TestUpdateCellsClears(t *testing.T) {
	t.Parallel()
	batch := "/v4/spreadsheets/" + id + ":batchUpdate"
	clearStaff := `{"updateCells":{"range":{"sheetId":123456},"fields":"userEnteredValue"}}`
	f := newFake(t)
	if status, got := send(t, f, "POST", batch, `{"requests":[`+clearStaff+`,{"deleteSheet":{"sheetId":-1}}]}`); status != 400 {
		t.Fatalf("a batch with a refused request: status %d, %v; want 400", status, got)
	}
	if tab, _ := f.Tab(id, "직원 목록"); tab.Rows[2][0].Formatted != "홍길동" {
		t.Errorf("a refused batch cleared the tab: %+v", tab.Rows)
	}
	if status, got := send(t, f, "POST", batch, `{"requests":[`+clearStaff+`]}`); status != 200 {
		t.Fatalf("updateCells: status %d, %v; want 200", status, got)
	}
	tab, _ := f.Tab(id, "직원 목록")
	for _, row := range tab.Rows {
		for _, c := range row {
			if c != (sheetstest.Cell{}) {
				t.Errorf("cell %+v left after updateCells", c)
			}
		}
	}
	if other, _ := f.Tab(id, "Sheet1"); other.Rows[0][0].Formatted != "a" {
		t.Errorf("updateCells of one tab cleared another: %+v", other.Rows)
	}
	status, got := send(t, f, "POST", batch, `{"requests":[{"updateCells":{"range":{"sheetId":123456},"fields":"userEnteredFormat"}}]}`)
	if status != 400 {
		t.Errorf("updateCells of another field: status %d, %v; want 400 (the fake clears values only)", status, got)
	}
}
