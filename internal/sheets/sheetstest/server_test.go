package sheetstest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rollcall/rollcall/internal/sheets/sheetstest"
)

const id = "1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms"

func newFake(t *testing.T) *sheetstest.Server {
	t.Helper()
	f := sheetstest.NewServer(t)
	f.SetSheet(id,
		sheetstest.Tab{ID: 0, Title: "Sheet1", Rows: sheetstest.TextRows([]string{"a", "b"})},
		sheetstest.Tab{ID: 123456, Title: "직원 목록", RowCount: 50, ColumnCount: 6, Rows: [][]sheetstest.Cell{
			{sheetstest.Text("이름"), sheetstest.Text("휴대전화"), sheetstest.Text("")},
			{},
			{sheetstest.Text("홍길동"), sheetstest.Number(1012345678, "010-1234-5678"), {}, {}},
			{sheetstest.Text(""), sheetstest.Text("")},
		}},
	)
	return f
}

// get requests path (already escaped, as a client sends it) and returns the
// status and the decoded JSON body, numbers kept as json.Number.
func get(t *testing.T, f *sheetstest.Server, method, path string) (int, any) {
	t.Helper()
	req, err := http.NewRequest(method, f.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if ct := res.Header.Get("Content-Type"); ct != "application/json; charset=UTF-8" {
		t.Errorf("Content-Type = %q, want application/json; charset=UTF-8", ct)
	}
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, decode(t, string(b))
}

func decode(t *testing.T, s string) any {
	t.Helper()
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatalf("decode %q: %v", s, err)
	}
	return v
}

func values(rangeA1 string) string {
	return "/v4/spreadsheets/" + id + "/values/" + url.PathEscape(rangeA1)
}

func TestWireFormat(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		method     string
		path       string
		wantStatus int
		wantBody   string
	}{
		{
			name: "spreadsheets.get omits zero sheetId and index", path: "/v4/spreadsheets/" + id,
			wantStatus: 200,
			wantBody: `{"spreadsheetId":"` + id + `",
				"properties":{"title":"Untitled spreadsheet","locale":"ko_KR","timeZone":"Asia/Seoul"},
				"sheets":[
					{"properties":{"title":"Sheet1","sheetType":"GRID","gridProperties":{"rowCount":1000,"columnCount":26}}},
					{"properties":{"sheetId":123456,"title":"직원 목록","index":1,"sheetType":"GRID","gridProperties":{"rowCount":50,"columnCount":6}}}],
				"spreadsheetUrl":"https://docs.google.com/spreadsheets/d/` + id + `/edit"}`,
		},
		{
			name: "spreadsheets.get with fields", path: "/v4/spreadsheets/" + id + "?fields=sheets.properties(sheetId%2Ctitle)&alt=json&prettyPrint=false",
			wantStatus: 200,
			wantBody:   `{"sheets":[{"properties":{"title":"Sheet1"}},{"properties":{"sheetId":123456,"title":"직원 목록"}}]}`,
		},
		{
			name: "a range beyond the grid", path: values("'직원 목록'!A:Z"),
			wantStatus: 400, // the tab has 6 columns
			wantBody:   `{"error":{"code":400,"message":"Range ('직원 목록'!A:Z) exceeds grid limits. Max rows: 50, max columns: 6","status":"INVALID_ARGUMENT"}}`,
		},
		{
			name: "whole tab by quoted name: formatted, trailing empties omitted, blank row inside kept", path: values("'직원 목록'"),
			wantStatus: 200,
			wantBody:   `{"range":"'직원 목록'!A1:F50","majorDimension":"ROWS","values":[["이름","휴대전화"],[],["홍길동","010-1234-5678"]]}`,
		},
		{
			name: "unquoted Korean tab name with columns", path: values("직원 목록!A:F"),
			wantStatus: 200,
			wantBody:   `{"range":"'직원 목록'!A1:F50","majorDimension":"ROWS","values":[["이름","휴대전화"],[],["홍길동","010-1234-5678"]]}`,
		},
		{
			name: "unformatted values are JSON numbers", path: values("'직원 목록'!A3:F20") + "?valueRenderOption=UNFORMATTED_VALUE",
			wantStatus: 200,
			wantBody:   `{"range":"'직원 목록'!A3:F20","majorDimension":"ROWS","values":[["홍길동",1012345678]]}`,
		},
		{
			name: "columns", path: values("'직원 목록'!A1:B3") + "?majorDimension=COLUMNS",
			wantStatus: 200,
			wantBody:   `{"range":"'직원 목록'!A1:B3","majorDimension":"COLUMNS","values":[["이름","","홍길동"],["휴대전화","","010-1234-5678"]]}`,
		},
		{
			name: "cells without a tab mean the first tab", path: values("B1"),
			wantStatus: 200,
			wantBody:   `{"range":"Sheet1!B1","majorDimension":"ROWS","values":[["b"]]}`,
		},
		{
			name: "an empty range has no values", path: values("Sheet1!C5:D9"),
			wantStatus: 200,
			wantBody:   `{"range":"Sheet1!C5:D9","majorDimension":"ROWS"}`,
		},
		{
			name: "batchGet", path: "/v4/spreadsheets/" + id + "/values:batchGet?ranges=Sheet1!A1&ranges=" + url.QueryEscape("'직원 목록'!B3"),
			wantStatus: 200,
			wantBody: `{"spreadsheetId":"` + id + `","valueRanges":[
				{"range":"Sheet1!A1","majorDimension":"ROWS","values":[["a"]]},
				{"range":"'직원 목록'!B3","majorDimension":"ROWS","values":[["010-1234-5678"]]}]}`,
		},
		{
			name: "unknown spreadsheet", path: "/v4/spreadsheets/nope",
			wantStatus: 404,
			wantBody:   `{"error":{"code":404,"message":"Requested entity was not found.","status":"NOT_FOUND"}}`,
		},
		{
			name: "unknown tab", path: values("Nope!A1:B2"),
			wantStatus: 400,
			wantBody:   `{"error":{"code":400,"message":"Unable to parse range: Nope!A1:B2","status":"INVALID_ARGUMENT"}}`,
		},
		{
			name: "malformed range", path: values("Sheet1!A1:"),
			wantStatus: 400,
			wantBody:   `{"error":{"code":400,"message":"Unable to parse range: Sheet1!A1:","status":"INVALID_ARGUMENT"}}`,
		},
		{
			name: "unquoted name that is no tab", path: values("직원목록"),
			wantStatus: 400,
			wantBody:   `{"error":{"code":400,"message":"Unable to parse range: 직원목록","status":"INVALID_ARGUMENT"}}`,
		},
		{
			name: "bad enum", path: values("Sheet1") + "?valueRenderOption=PRETTY",
			wantStatus: 400,
			wantBody: `{"error":{"code":400,"status":"INVALID_ARGUMENT",
				"message":"Invalid value at 'value_render_option' (type.googleapis.com/google.apps.sheets.v4.ValueRenderOption), \"PRETTY\""}}`,
		},
		{
			name: "unknown parameter", path: values("Sheet1") + "?includeGridData=true",
			wantStatus: 400,
			wantBody: `{"error":{"code":400,"status":"INVALID_ARGUMENT",
				"message":"Invalid JSON payload received. Unknown name \"includeGridData\": Cannot bind query parameter. Field 'includeGridData' could not be found in request message."}}`,
		},
		{
			name: "no such method", method: http.MethodPost, path: "/v4/spreadsheets/" + id,
			wantStatus: 404,
			wantBody:   `{"error":{"code":404,"message":"Method not found.","status":"NOT_FOUND"}}`,
		},
	}
	f := newFake(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			method := tt.method
			if method == "" {
				method = http.MethodGet
			}
			status, got := get(t, f, method, tt.path)
			if status != tt.wantStatus {
				t.Errorf("status = %d, want %d", status, tt.wantStatus)
			}
			if diff := cmp.Diff(decode(t, tt.wantBody), got); diff != "" {
				t.Errorf("body mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDenyAndFailNext(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	f.SetSheet("privateSheet0123456789", sheetstest.Tab{Title: "Sheet1"})
	f.Deny("privateSheet0123456789")
	f.FailNext(2, http.StatusTooManyRequests)

	var got []int
	for range 3 {
		status, _ := get(t, f, http.MethodGet, "/v4/spreadsheets/"+id)
		got = append(got, status)
	}
	status, body := get(t, f, http.MethodGet, "/v4/spreadsheets/privateSheet0123456789")
	got = append(got, status)
	if diff := cmp.Diff([]int{429, 429, 200, 403}, got); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
	want := decode(t, `{"error":{"code":403,"message":"The caller does not have permission","status":"PERMISSION_DENIED"}}`)
	if diff := cmp.Diff(want, body); diff != "" {
		t.Errorf("403 body (-want +got):\n%s", diff)
	}
	if got, want := f.Count("/v4/spreadsheets/"+id), 3; got != want {
		t.Errorf("Count = %d, want %d", got, want)
	}
}

func TestRequestsLogUnescapesPaths(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	get(t, f, http.MethodGet, values("'직원 목록'!A1:B2")+"?majorDimension=ROWS")

	reqs := f.Requests()
	if len(reqs) != 1 {
		t.Fatalf("got %d requests, want 1", len(reqs))
	}
	want := sheetstest.Request{
		Method: "GET",
		Path:   "/v4/spreadsheets/" + id + "/values/'직원 목록'!A1:B2",
		Query:  url.Values{"majorDimension": {"ROWS"}},
		Status: 200,
	}
	if diff := cmp.Diff(want, reqs[0]); diff != "" {
		t.Errorf("request (-want +got):\n%s", diff)
	}
}

func TestSlashInTabName(t *testing.T) {
	t.Parallel()
	f := sheetstest.NewServer(t)
	f.SetSheet(id, sheetstest.Tab{Title: "2024/07", Rows: sheetstest.TextRows([]string{"x"})})
	status, got := get(t, f, http.MethodGet, values("'2024/07'!A1"))
	if status != 200 {
		t.Fatalf("status = %d, want 200", status)
	}
	want := decode(t, `{"range":"'2024/07'!A1","majorDimension":"ROWS","values":[["x"]]}`)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
