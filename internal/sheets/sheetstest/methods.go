package sheetstest

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
)

// method is one of the API methods the fake serves.
type method int

const (
	getSpreadsheet method = iota + 1 // spreadsheets.get
	getValues                        // spreadsheets.values.get
	batchGetValues                   // spreadsheets.values.batchGet
)

// standardParams are the query parameters every Google API method accepts.
var standardParams = []string{
	"$.xgafv", "access_token", "alt", "callback", "fields", "key",
	"oauth_token", "prettyPrint", "quotaUser", "upload_protocol", "uploadType",
}

// methodParams are each method's own query parameters.
var methodParams = map[method][]string{
	getSpreadsheet: {"ranges", "includeGridData", "excludeTablesInBandedRanges"},
	getValues:      {"majorDimension", "valueRenderOption", "dateTimeRenderOption"},
	batchGetValues: {"ranges", "majorDimension", "valueRenderOption", "dateTimeRenderOption"},
}

// enums are the values each enum parameter accepts, and its type's name in
// the API's error message.
var enums = map[string]struct {
	field, typ string
	values     []string
}{
	"majorDimension":       {"major_dimension", "Dimension", []string{"DIMENSION_UNSPECIFIED", "ROWS", "COLUMNS"}},
	"valueRenderOption":    {"value_render_option", "ValueRenderOption", []string{"FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA"}},
	"dateTimeRenderOption": {"date_time_render_option", "DateTimeRenderOption", []string{"SERIAL_NUMBER", "FORMATTED_STRING"}},
}

// checkQuery refuses the parameters the real API refuses: unknown names,
// values outside an enum, a response format other than JSON.
func checkQuery(q url.Values, m method) *Error {
	for name, vals := range q {
		if !slices.Contains(standardParams, name) && !slices.Contains(methodParams[m], name) {
			return &Error{Code: http.StatusBadRequest, Status: "INVALID_ARGUMENT", Message: fmt.Sprintf(
				"Invalid JSON payload received. Unknown name %q: Cannot bind query parameter. "+
					"Field '%s' could not be found in request message.", name, name)}
		}
		if e, ok := enums[name]; ok {
			for _, v := range vals {
				if !slices.Contains(e.values, v) {
					return &Error{Code: http.StatusBadRequest, Status: "INVALID_ARGUMENT", Message: fmt.Sprintf(
						"Invalid value at '%s' (type.googleapis.com/google.apps.sheets.v4.%s), %q", e.field, e.typ, v)}
				}
			}
		}
		for _, v := range vals {
			bad := (name == "alt" && v != "json") ||
				((name == "includeGridData" || name == "prettyPrint" || name == "excludeTablesInBandedRanges") &&
					v != "true" && v != "false")
			if bad {
				return &Error{Code: http.StatusBadRequest, Status: "INVALID_ARGUMENT", Message: fmt.Sprintf(
					"Invalid value at '%s', %q", name, v)}
			}
		}
	}
	return nil
}

// json is the Spreadsheet resource (without grid data). Like the real API
// it omits fields at their zero value: the first tab has no "sheetId" and
// no "index".
func (s *spreadsheet) json() map[string]any {
	sheets := make([]any, 0, len(s.tabs))
	for i, t := range s.tabs {
		props := map[string]any{"title": t.Title}
		if t.ID != 0 {
			props["sheetId"] = t.ID
		}
		if i != 0 {
			props["index"] = i
		}
		if t.Hidden {
			props["hidden"] = true
		}
		if t.Chart {
			props["sheetType"] = "OBJECT"
		} else {
			rows, cols := t.size()
			props["sheetType"] = "GRID"
			props["gridProperties"] = map[string]any{"rowCount": rows, "columnCount": cols}
		}
		sheet := map[string]any{"properties": props}
		if len(t.Merges) > 0 {
			sheet["merges"] = t.mergesJSON()
		}
		sheets = append(sheets, sheet)
	}
	return map[string]any{
		"spreadsheetId": s.id,
		"properties": map[string]any{
			"title":    "Untitled spreadsheet",
			"locale":   "ko_KR",
			"timeZone": "Asia/Seoul",
		},
		"sheets":         sheets,
		"spreadsheetUrl": "https://docs.google.com/spreadsheets/d/" + s.id + "/edit",
	}
}

// values answers spreadsheets.values.get: a ValueRange.
func (s *spreadsheet) values(a1 string, q url.Values) (map[string]any, *Error) {
	g, e := s.resolve(a1)
	if e != nil {
		return nil, e
	}
	return g.valueRange(q.Get("valueRenderOption"), q.Get("majorDimension")), nil
}

// batchValues answers spreadsheets.values.batchGet; one bad range fails all.
func (s *spreadsheet) batchValues(q url.Values) (map[string]any, *Error) {
	out := map[string]any{"spreadsheetId": s.id}
	var vrs []any
	for _, a1 := range q["ranges"] {
		g, e := s.resolve(a1)
		if e != nil {
			return nil, e
		}
		vrs = append(vrs, g.valueRange(q.Get("valueRenderOption"), q.Get("majorDimension")))
	}
	if len(vrs) > 0 {
		out["valueRanges"] = vrs
	}
	return out, nil
}

// valueRange lists the range's cells by rows or by columns, as the API
// does: trailing empty cells and trailing empty rows (or columns) left out,
// empty ones inside kept as "" and [], no "values" at all when all is empty.
func (g gridRange) valueRange(render, major string) map[string]any {
	if major == "" || major == "DIMENSION_UNSPECIFIED" {
		major = "ROWS"
	}
	outer, inner := [2]int{g.r1, g.r2}, [2]int{g.c1, g.c2}
	at := func(o, i int) Cell { return g.tab.cell(o, i) }
	if major == "COLUMNS" {
		outer, inner = inner, outer
		at = func(o, i int) Cell { return g.tab.cell(i, o) }
	}
	var lines []any
	last := -1 // index of the last non-empty line
	for o := outer[0]; o <= outer[1]; o++ {
		var line []any
		end := inner[0] - 1 // last non-empty cell
		for i := inner[0]; i <= inner[1]; i++ {
			if !at(o, i).empty() {
				end = i
			}
		}
		line = make([]any, 0, end-inner[0]+1)
		for i := inner[0]; i <= end; i++ {
			line = append(line, at(o, i).render(render))
		}
		lines = append(lines, line)
		if len(line) > 0 {
			last = len(lines) - 1
		}
	}
	vr := map[string]any{"range": g.String(), "majorDimension": major}
	if last >= 0 {
		vr["values"] = lines[:last+1]
	}
	return vr
}
