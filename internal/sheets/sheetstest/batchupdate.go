package sheetstest

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Format is what the formatting requests of spreadsheets.batchUpdate set on
// one tab.
type Format struct {
	// FrozenRowCount is gridProperties.frozenRowCount.
	FrozenRowCount int
	// Bold lists the ranges repeatCell made bold (or not), in order.
	Bold []BoldRange
	// ColumnWidths maps a 0-based column to its pixelSize.
	ColumnWidths map[int]int
}

// BoldRange is a repeatCell that set textFormat.bold over a GridRange
// (0-based, end exclusive, as on the wire).
type BoldRange struct {
	StartRow, EndRow, StartColumn, EndColumn int
	Bold                                     bool
	FontSize                                 int
}

// IsBold says whether the cell at 0-based row r, column c is bold: the last
// repeatCell over it decides.
func (f Format) IsBold(r, c int) bool {
	bold := false
	for _, b := range f.Bold {
		if r >= b.StartRow && r < b.EndRow && c >= b.StartColumn && c < b.EndColumn {
			bold = b.Bold
		}
	}
	return bold
}

// Format returns the formatting applied to the tab of spreadsheet id
// titled title.
func (s *Server) Format(id, title string) Format {
	s.mu.Lock()
	defer s.mu.Unlock()
	sp := s.spreadsheets[id]
	if sp == nil || sp.tab(title) == nil {
		return Format{}
	}
	if f := s.writesOf(id).formats[sp.tab(title).ID]; f != nil {
		out := *f
		out.Bold = slices.Clone(f.Bold)
		return out
	}
	return Format{}
}

// gridRangeJSON is a GridRange on the wire: a missing sheetId is 0, the
// first tab's id, as in proto3.
type gridRangeJSON struct {
	SheetID          int64 `json:"sheetId"`
	StartRowIndex    *int  `json:"startRowIndex"`
	EndRowIndex      *int  `json:"endRowIndex"`
	StartColumnIndex *int  `json:"startColumnIndex"`
	EndColumnIndex   *int  `json:"endColumnIndex"`
}

// batchRequest holds the kinds of request the fake applies; any other kind
// is refused like an unknown field.
type batchRequest struct {
	AddSheet *struct {
		Properties struct {
			SheetID *int64 `json:"sheetId"`
			Title   string `json:"title"`
		} `json:"properties"`
	} `json:"addSheet"`
	DeleteSheet *struct {
		SheetID int64 `json:"sheetId"`
	} `json:"deleteSheet"`
	UpdateSheetProperties *struct {
		Properties struct {
			SheetID        int64 `json:"sheetId"`
			GridProperties struct {
				FrozenRowCount int `json:"frozenRowCount"`
			} `json:"gridProperties"`
		} `json:"properties"`
		Fields string `json:"fields"`
	} `json:"updateSheetProperties"`
	RepeatCell *struct {
		Range gridRangeJSON `json:"range"`
		Cell  struct {
			UserEnteredFormat struct {
				TextFormat struct {
					Bold     bool `json:"bold"`
					FontSize int  `json:"fontSize"`
				} `json:"textFormat"`
			} `json:"userEnteredFormat"`
		} `json:"cell"`
		Fields string `json:"fields"`
	} `json:"repeatCell"`
	UpdateDimensionProperties *struct {
		Range struct {
			SheetID    int64  `json:"sheetId"`
			Dimension  string `json:"dimension"`
			StartIndex int    `json:"startIndex"`
			EndIndex   int    `json:"endIndex"`
		} `json:"range"`
		Properties struct {
			PixelSize int `json:"pixelSize"`
		} `json:"properties"`
		Fields string `json:"fields"`
	} `json:"updateDimensionProperties"`
	UpdateCells *struct {
		Range  gridRangeJSON     `json:"range"`
		Rows   []json.RawMessage `json:"rows"`
		Fields string            `json:"fields"`
	} `json:"updateCells"`
}

// batchUpdate applies the requests atomically: one invalid request fails
// them all and changes nothing, as in the API. s.mu is held.
func (s *Server) batchUpdate(sp *spreadsheet, body []byte) (map[string]any, []string, *Error) {
	var req struct {
		Requests []json.RawMessage `json:"requests"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		return nil, nil, &Error{Code: 400, Status: "INVALID_ARGUMENT", Message: "Invalid JSON payload received. " + err.Error()}
	}
	if len(req.Requests) == 0 {
		return nil, nil, &Error{Code: 400, Status: "INVALID_ARGUMENT", Message: "Must specify at least one request."}
	}
	formats := map[int64]*Format{}
	for id, f := range s.writesOf(sp.id).formats {
		cp := *f
		cp.Bold = slices.Clone(f.Bold)
		cp.ColumnWidths = map[int]int{}
		for k, v := range f.ColumnWidths {
			cp.ColumnWidths[k] = v
		}
		formats[id] = &cp
	}
	format := func(id int64) *Format {
		if formats[id] == nil {
			formats[id] = &Format{ColumnWidths: map[int]int{}}
		}
		return formats[id]
	}
	var replies []any
	var touched []string
	var clears []func() // updateCells' clears, applied once every request is valid
	for i, raw := range req.Requests {
		invalid := func(kind, format string, args ...any) *Error {
			return &Error{Code: 400, Status: "INVALID_ARGUMENT", Message: fmt.Sprintf("Invalid requests[%d].%s: ", i, kind) + fmt.Sprintf(format, args...)}
		}
		var kinds map[string]json.RawMessage
		if err := json.Unmarshal(raw, &kinds); err != nil || len(kinds) != 1 {
			return nil, nil, &Error{Code: 400, Status: "INVALID_ARGUMENT", Message: fmt.Sprintf("Invalid requests[%d]: exactly one kind of request must be set", i)}
		}
		var r batchRequest
		d := json.NewDecoder(strings.NewReader(string(raw)))
		d.DisallowUnknownFields()
		if err := d.Decode(&r); err != nil {
			return nil, nil, &Error{Code: 400, Status: "INVALID_ARGUMENT", Message: fmt.Sprintf("Invalid JSON payload received in requests[%d]: %v", i, err)}
		}
		tabByID := func(id int64) *Tab {
			for j := range sp.tabs {
				if sp.tabs[j].ID == id && !sp.tabs[j].Chart {
					return &sp.tabs[j]
				}
			}
			return nil
		}
		switch {
		case r.AddSheet != nil:
			p := r.AddSheet.Properties
			if p.Title == "" {
				return nil, nil, invalid("addSheet", "a sheet title must be given")
			}
			if slices.ContainsFunc(sp.tabs, func(t Tab) bool { return strings.EqualFold(t.Title, p.Title) }) {
				return nil, nil, invalid("addSheet", "A sheet with the name %q already exists. Please enter another name.", p.Title)
			}
			id := int64(1_000_000_000 + len(sp.tabs))
			if p.SheetID != nil {
				id = *p.SheetID
			}
			if tabByID(id) != nil {
				return nil, nil, invalid("addSheet", "Sheet with id %d already exists", id)
			}
			sp.tabs = append(sp.tabs, Tab{ID: id, Title: p.Title})
			replies = append(replies, map[string]any{"addSheet": map[string]any{"properties": map[string]any{
				"sheetId": id, "title": p.Title, "index": len(sp.tabs) - 1, "sheetType": "GRID",
				"gridProperties": map[string]any{"rowCount": defaultRowCount, "columnCount": defaultColumnCount},
			}}})
			touched = append(touched, p.Title)
		case r.DeleteSheet != nil:
			t := tabByID(r.DeleteSheet.SheetID)
			if t == nil {
				return nil, nil, invalid("deleteSheet", "No grid with id: %d", r.DeleteSheet.SheetID)
			}
			touched = append(touched, t.Title)
			sp.tabs = slices.DeleteFunc(sp.tabs, func(tab Tab) bool { return tab.ID == r.DeleteSheet.SheetID })
			replies = append(replies, map[string]any{})
		case r.UpdateSheetProperties != nil:
			u := r.UpdateSheetProperties
			t := tabByID(u.Properties.SheetID)
			switch {
			case u.Fields == "":
				return nil, nil, invalid("updateSheetProperties", "At least one field must be updated, but none were specified.")
			case t == nil:
				return nil, nil, invalid("updateSheetProperties", "No grid with id: %d", u.Properties.SheetID)
			case u.Fields != "gridProperties.frozenRowCount":
				return nil, nil, invalid("updateSheetProperties", "the fake updates gridProperties.frozenRowCount only, not %q", u.Fields)
			}
			format(t.ID).FrozenRowCount = u.Properties.GridProperties.FrozenRowCount
			replies = append(replies, map[string]any{})
			touched = append(touched, t.Title)
		case r.RepeatCell != nil:
			c := r.RepeatCell
			t := tabByID(c.Range.SheetID)
			switch {
			case c.Fields == "":
				return nil, nil, invalid("repeatCell", "At least one field must be updated, but none were specified.")
			case t == nil:
				return nil, nil, invalid("repeatCell", "No grid with id: %d", c.Range.SheetID)
			}
			rows, cols := t.size()
			g := c.Range
			f := c.Cell.UserEnteredFormat.TextFormat
			format(t.ID).Bold = append(format(t.ID).Bold, BoldRange{
				StartRow: deref(g.StartRowIndex, 0), EndRow: deref(g.EndRowIndex, rows),
				StartColumn: deref(g.StartColumnIndex, 0), EndColumn: deref(g.EndColumnIndex, cols),
				Bold: f.Bold, FontSize: f.FontSize,
			})
			replies = append(replies, map[string]any{})
			touched = append(touched, t.Title)
		case r.UpdateDimensionProperties != nil:
			u := r.UpdateDimensionProperties
			t := tabByID(u.Range.SheetID)
			switch {
			case u.Fields == "":
				return nil, nil, invalid("updateDimensionProperties", "At least one field must be updated, but none were specified.")
			case t == nil:
				return nil, nil, invalid("updateDimensionProperties", "No grid with id: %d", u.Range.SheetID)
			case u.Range.Dimension != "COLUMNS" || u.Fields != "pixelSize":
				return nil, nil, invalid("updateDimensionProperties", "the fake sets the pixelSize of COLUMNS only")
			}
			for col := u.Range.StartIndex; col < u.Range.EndIndex; col++ {
				format(t.ID).ColumnWidths[col] = u.Properties.PixelSize
			}
			replies = append(replies, map[string]any{})
			touched = append(touched, t.Title)
		case r.UpdateCells != nil:
			// With no rows, the fields named are cleared over the whole range.
			u := r.UpdateCells
			t := tabByID(u.Range.SheetID)
			switch {
			case u.Fields == "":
				return nil, nil, invalid("updateCells", "At least one field must be updated, but none were specified.")
			case t == nil:
				return nil, nil, invalid("updateCells", "No grid with id: %d", u.Range.SheetID)
			case u.Fields != "userEnteredValue" || len(u.Rows) > 0:
				return nil, nil, invalid("updateCells", "the fake clears userEnteredValue over a range only")
			}
			rows, cols := t.size()
			g, id := u.Range, t.ID
			clears = append(clears, func() {
				t := tabByID(id)
				t.Rows = cloneCells(t.Rows)
				for r := deref(g.StartRowIndex, 0); r < deref(g.EndRowIndex, rows) && r < len(t.Rows); r++ {
					for c := deref(g.StartColumnIndex, 0); c < deref(g.EndColumnIndex, cols) && c < len(t.Rows[r]); c++ {
						t.Rows[r][c] = Cell{}
					}
				}
			})
			replies = append(replies, map[string]any{})
			touched = append(touched, t.Title)
		default:
			return nil, nil, &Error{Code: 400, Status: "INVALID_ARGUMENT", Message: fmt.Sprintf("Invalid requests[%d]: the fake does not apply this kind of request", i)}
		}
	}
	for _, clear := range clears {
		clear()
	}
	s.writesOf(sp.id).formats = formats
	slices.Sort(touched)
	return map[string]any{"spreadsheetId": sp.id, "replies": replies}, slices.Compact(touched), nil
}

func deref(p *int, def int) int {
	if p == nil {
		return def
	}
	return *p
}
