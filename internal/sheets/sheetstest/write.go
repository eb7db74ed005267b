package sheetstest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// The write side: spreadsheets.batchUpdate (addSheet and the formatting
// requests in batchupdate.go), spreadsheets.values.update and
// spreadsheets.values.clear. Each successful call is one revision of the
// spreadsheet, as in Google Sheets' version history, and is recorded with
// the tabs it touched. A spreadsheet shared as Viewer answers every write
// with 403 PERMISSION_DENIED and still serves reads.

// Write is one successful write call the fake applied.
type Write struct {
	// Method is "batchUpdate", "values.update" or "values.clear".
	Method string
	// Tabs are the titles of the tabs it changed (for addSheet, the new one).
	Tabs []string
}

// writeLog is a spreadsheet's history of writes; it survives SetSheet, as a
// spreadsheet's version history survives edits.
type writeLog struct {
	writes  []Write
	formats map[int64]*Format // by sheetId
	viewer  bool
}

func (s *Server) writesOf(id string) *writeLog {
	if s.writes == nil {
		s.writes = map[string]*writeLog{}
	}
	w := s.writes[id]
	if w == nil {
		w = &writeLog{formats: map[int64]*Format{}}
		s.writes[id] = w
	}
	return w
}

// ShareAsViewer makes the caller a Viewer of spreadsheet id: reads are
// served, writes refused with 403 PERMISSION_DENIED.
func (s *Server) ShareAsViewer(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.writesOf(id).viewer = true
}

// Writes returns the writes applied to spreadsheet id, in order.
func (s *Server) Writes(id string) []Write {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.writesOf(id).writes)
}

// Revisions counts the revisions the writes made of spreadsheet id.
func (s *Server) Revisions(id string) int { return len(s.Writes(id)) }

// routeWrite serves a POST or PUT to /v4/spreadsheets/...; seg is the
// unescaped path below it.
func (s *Server) routeWrite(w http.ResponseWriter, r *http.Request, seg []string) {
	var name string
	var allowed []string
	switch {
	case r.Method == http.MethodPost && len(seg) == 1 && strings.HasSuffix(seg[0], ":batchUpdate"):
		name = "batchUpdate"
		seg[0] = strings.TrimSuffix(seg[0], ":batchUpdate")
	case r.Method == http.MethodPut && len(seg) == 3 && seg[1] == "values" && seg[2] != "":
		name = "values.update"
		allowed = []string{"valueInputOption", "includeValuesInResponse", "responseValueRenderOption", "responseDateTimeRenderOption"}
	case r.Method == http.MethodPost && len(seg) == 3 && seg[1] == "values" && strings.HasSuffix(seg[2], ":clear"):
		name = "values.clear"
		seg[2] = strings.TrimSuffix(seg[2], ":clear")
	default:
		methodNotFound.write(w)
		return
	}
	q := r.URL.Query()
	for key := range q {
		if !slices.Contains(standardParams, key) && !slices.Contains(allowed, key) {
			(&Error{Code: http.StatusBadRequest, Status: "INVALID_ARGUMENT", Message: fmt.Sprintf(
				"Invalid JSON payload received. Unknown name %q: Cannot bind query parameter. "+
					"Field '%s' could not be found in request message.", key, key)}).write(w)
			return
		}
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		StatusError(http.StatusBadRequest).write(w)
		return
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	sp := s.spreadsheets[seg[0]]
	switch {
	case sp == nil:
		StatusError(http.StatusNotFound).write(w)
		return
	case sp.denied || s.writesOf(sp.id).viewer:
		StatusError(http.StatusForbidden).write(w)
		return
	}
	cp := *sp
	cp.tabs = slices.Clone(sp.tabs) // tabs are replaced, never changed in place
	var res map[string]any
	var touched []string
	var e *Error
	switch name {
	case "batchUpdate":
		res, touched, e = s.batchUpdate(&cp, body)
	case "values.update":
		res, touched, e = updateValues(&cp, seg[2], q.Get("valueInputOption"), body)
	default:
		res, touched, e = clearValues(&cp, seg[2], body)
	}
	if e != nil {
		e.write(w)
		return
	}
	s.spreadsheets[sp.id] = &cp
	wl := s.writesOf(sp.id)
	wl.writes = append(wl.writes, Write{Method: name, Tabs: touched})
	writeJSON(w, http.StatusOK, res)
}

// updateValues applies spreadsheets.values.update: the ValueRange's rows
// from the range's top-left cell. Strings are kept as text whatever the
// valueInputOption (the fake parses no numbers, dates or formulas); "" and
// null leave a cell empty and unchanged respectively.
func updateValues(sp *spreadsheet, a1, input string, body []byte) (map[string]any, []string, *Error) {
	switch input {
	case "RAW", "USER_ENTERED":
	case "":
		return nil, nil, &Error{Code: 400, Status: "INVALID_ARGUMENT", Message: "'valueInputOption' is required but not specified"}
	default:
		return nil, nil, &Error{Code: 400, Status: "INVALID_ARGUMENT", Message: fmt.Sprintf(
			"Invalid value at 'value_input_option' (type.googleapis.com/google.apps.sheets.v4.ValueInputOption), %q", input)}
	}
	var vr struct {
		Range          string  `json:"range"`
		MajorDimension string  `json:"majorDimension"`
		Values         [][]any `json:"values"`
	}
	if err := json.Unmarshal(body, &vr); err != nil {
		return nil, nil, &Error{Code: 400, Status: "INVALID_ARGUMENT", Message: "Invalid JSON payload received. " + err.Error()}
	}
	if vr.Range != "" && vr.Range != a1 {
		return nil, nil, &Error{Code: 400, Status: "INVALID_ARGUMENT", Message: fmt.Sprintf(
			"Requested writing within range [%s], but tried writing to [%s]", a1, vr.Range)}
	}
	if vr.MajorDimension != "" && vr.MajorDimension != "ROWS" {
		return nil, nil, &Error{Code: 400, Status: "INVALID_ARGUMENT", Message: "the fake writes ROWS only"}
	}
	g, e := sp.resolve(a1)
	if e != nil {
		return nil, nil, e
	}
	rows, cols := g.tab.size()
	tab := *g.tab
	tab.Rows = cloneCells(tab.Rows)
	updatedRows, updatedCols, cells := 0, 0, 0
	for i, line := range vr.Values {
		r := g.r1 + i
		if r > rows || g.c1+len(line)-1 > cols {
			return nil, nil, &Error{Code: 400, Status: "INVALID_ARGUMENT", Message: fmt.Sprintf(
				"Range (%s!%s) exceeds grid limits. Max rows: %d, max columns: %d",
				quoteTitle(tab.Title), columnName(g.c1+len(line)-1)+strconv.Itoa(r), rows, cols)}
		}
		for j, v := range line {
			if v == nil {
				continue
			}
			tab.setCell(r, g.c1+j, cellOf(v))
			cells++
		}
		if len(line) > 0 {
			updatedRows++
			updatedCols = max(updatedCols, len(line))
		}
	}
	*g.tab = tab
	res := map[string]any{"spreadsheetId": sp.id, "updatedRange": gridRange{tab: &tab, r1: g.r1, c1: g.c1,
		r2: g.r1 + max(len(vr.Values), 1) - 1, c2: g.c1 + max(updatedCols, 1) - 1}.String()}
	if cells > 0 {
		res["updatedRows"], res["updatedColumns"], res["updatedCells"] = updatedRows, updatedCols, cells
	}
	return res, []string{tab.Title}, nil
}

// clearValues applies spreadsheets.values.clear: the range's values go,
// their formatting stays.
func clearValues(sp *spreadsheet, a1 string, body []byte) (map[string]any, []string, *Error) {
	var req map[string]any
	if len(strings.TrimSpace(string(body))) > 0 && (json.Unmarshal(body, &req) != nil || len(req) > 0) {
		return nil, nil, &Error{Code: 400, Status: "INVALID_ARGUMENT", Message: "Invalid JSON payload received: the request body must be empty"}
	}
	g, e := sp.resolve(a1)
	if e != nil {
		return nil, nil, e
	}
	tab := *g.tab
	tab.Rows = cloneCells(tab.Rows)
	for r := g.r1; r <= g.r2 && r <= len(tab.Rows); r++ {
		for c := g.c1; c <= g.c2 && c <= len(tab.Rows[r-1]); c++ {
			tab.Rows[r-1][c-1] = Cell{}
		}
	}
	*g.tab = tab
	return map[string]any{"spreadsheetId": sp.id, "clearedRange": g.String()}, []string{tab.Title}, nil
}

// cellOf is the cell a JSON value written RAW makes.
func cellOf(v any) Cell {
	switch v := v.(type) {
	case string:
		return Text(v)
	case float64:
		return Number(v, strconv.FormatFloat(v, 'f', -1, 64))
	case bool:
		return Cell{Value: v, Formatted: strings.ToUpper(strconv.FormatBool(v))}
	default:
		return Text(fmt.Sprint(v))
	}
}

// setCell sets the cell at 1-based row r, column c, growing Rows to hold it.
func (t *Tab) setCell(r, c int, cell Cell) {
	for len(t.Rows) < r {
		t.Rows = append(t.Rows, nil)
	}
	for len(t.Rows[r-1]) < c {
		t.Rows[r-1] = append(t.Rows[r-1], Cell{})
	}
	t.Rows[r-1][c-1] = cell
}

func cloneCells(rows [][]Cell) [][]Cell {
	out := make([][]Cell, len(rows))
	for i, r := range rows {
		out[i] = slices.Clone(r)
	}
	return out
}
