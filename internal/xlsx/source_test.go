package xlsx

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"github.com/rollcall/rollcall/internal/localfile"
)

// tab is one worksheet of a test workbook: cell name → value. A value of type
// formatted gets a number format.
type tab struct {
	name  string
	cells map[string]any
}

// formatted is a cell value shown through a number format: a built-in one by
// id (0 is General) or, when custom is set, a custom format code.
type formatted struct {
	value  any
	id     int
	custom string
}

// writeWorkbook saves a real .xlsx with the given tabs, in order, to a test's
// temporary directory and returns its path.
func writeWorkbook(t *testing.T, tabs ...tab) string {
	t.Helper()
	f := excelize.NewFile()
	defer func() {
		if err := f.Close(); err != nil {
			t.Errorf("close new workbook: %v", err)
		}
	}()
	for i, tb := range tabs {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", tb.name); err != nil {
				t.Fatalf("name tab %q: %v", tb.name, err)
			}
		} else if _, err := f.NewSheet(tb.name); err != nil {
			t.Fatalf("add tab %q: %v", tb.name, err)
		}
		for cell, v := range tb.cells {
			fv, ok := v.(formatted)
			if !ok {
				fv = formatted{value: v, id: -1}
			}
			if err := f.SetCellValue(tb.name, cell, fv.value); err != nil {
				t.Fatalf("set %s!%s: %v", tb.name, cell, err)
			}
			if !ok {
				continue
			}
			style := &excelize.Style{NumFmt: fv.id}
			if fv.custom != "" {
				style = &excelize.Style{CustomNumFmt: &fv.custom}
			}
			id, err := f.NewStyle(style)
			if err != nil {
				t.Fatalf("new style: %v", err)
			}
			if err := f.SetCellStyle(tb.name, cell, cell, id); err != nil {
				t.Fatalf("style %s!%s: %v", tb.name, cell, err)
			}
		}
	}
	path := filepath.Join(t.TempDir(), "employees.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatalf("save workbook: %v", err)
	}
	return path
}

// grid is a 6-row, 4-column tab whose cells name themselves ("B3"), with row
// 3 left blank.
func grid(name string) tab {
	cells := map[string]any{}
	for _, col := range []string{"A", "B", "C", "D"} {
		for _, row := range []string{"1", "2", "4", "5", "6"} {
			cells[col+row] = col + row
		}
	}
	return tab{name, cells}
}

func TestRows(t *testing.T) {
	t.Parallel()
	roster := tab{"직원목록", map[string]any{"A1": "이름", "B1": "휴대전화", "A2": "홍길동", "B2": "010-1234-5678"}}
	other := tab{"기타", map[string]any{"A1": "other"}}
	tests := []struct {
		name  string
		tabs  []tab
		sheet string
		want  [][]string
	}{
		{"first tab by default", []tab{roster, other}, "",
			[][]string{{"이름", "휴대전화"}, {"홍길동", "010-1234-5678"}}},
		{"a tab by name", []tab{roster, other}, "기타", [][]string{{"other"}}},
		{"a tab by name in another case", []tab{{"Staff", map[string]any{"A1": "x"}}}, "STAFF", [][]string{{"x"}}},
		{"phones typed as numbers", []tab{{"Sheet1", map[string]any{
			"A1": 1012345678,                                            // an integer, no style
			"A2": 1.012345678e9,                                         // a float
			"A3": formatted{value: 1012345678, id: 0},                   // General, explicitly
			"A4": formatted{value: 1012345678, id: 1},                   // "0"
			"A5": formatted{value: 1012345678, custom: "000-0000-0000"}, // shows the lost zero
			"A6": formatted{value: 821012345678, id: 0},                 // 12 digits
			"A7": "010-1234-5678",                                       // text
		}}}, "", [][]string{{"1012345678"}, {"1012345678"}, {"1012345678"}, {"1012345678"},
			{"010-1234-5678"}, {"821012345678"}, {"010-1234-5678"}}},
		{"blank rows inside kept, trailing ones dropped", []tab{{"Sheet1", map[string]any{
			"A1": "h", "A3": "x", "B6": "y", "A9": formatted{value: "", id: 1},
		}}}, "", [][]string{{"h"}, nil, {"x"}, nil, nil, {"", "y"}}},
		{"blank rows above the header", []tab{{"Sheet1", map[string]any{"B3": "h", "B4": "x"}}}, "",
			[][]string{nil, nil, {"", "h"}, {"", "x"}}},
		{"a range of a korean tab keeps row numbers", []tab{other, grid("직원목록")}, "직원목록!B2:C5",
			[][]string{nil, {"B2", "C2"}, nil, {"B4", "C4"}, {"B5", "C5"}}},
		{"whole columns", []tab{grid("직원목록")}, "직원목록!C:D",
			[][]string{{"C1", "D1"}, {"C2", "D2"}, nil, {"C4", "D4"}, {"C5", "D5"}, {"C6", "D6"}}},
		{"columns from a row on", []tab{grid("직원목록")}, "직원목록!$D$4:D",
			[][]string{nil, nil, nil, {"D4"}, {"D5"}, {"D6"}}},
		{"whole rows", []tab{grid("직원목록")}, "직원목록!5:6",
			[][]string{nil, nil, nil, nil, {"A5", "B5", "C5", "D5"}, {"A6", "B6", "C6", "D6"}}},
		{"corners in either order", []tab{grid("직원목록")}, "직원목록!b2:a1",
			[][]string{{"A1", "B1"}, {"A2", "B2"}}},
		{"a range past the data", []tab{grid("직원목록")}, "직원목록!E1:Z100", nil},
		{"a quoted tab name", []tab{other, grid("Jo's list!")}, "'Jo''s list!'!A6", [][]string{nil, nil, nil, nil, nil, {"A6"}}},
		{"a quoted tab name with a bang, alone", []tab{other, {"직원!목록", map[string]any{"A1": "x"}}}, "'직원!목록'",
			[][]string{{"x"}}},
		{"a range of the first tab", []tab{grid("Sheet1"), other}, "A1:A2", [][]string{{"A1"}, {"A2"}}},
		{"a tab named like a range wins", []tab{grid("Sheet1"), {"A1", map[string]any{"A1": "tab"}}}, "A1",
			[][]string{{"tab"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := New(writeWorkbook(t, tt.tabs...), tt.sheet).Rows(t.Context())
			if err != nil {
				t.Fatalf("Rows: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Rows (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRowsScientificNotation covers a writer that stores a number as
// "1.012345678E9" in the sheet's XML: HR's Excel shows 1012345678, and so
// must rollcall.
func TestRowsScientificNotation(t *testing.T) {
	t.Parallel()
	path := writeWorkbook(t, tab{"Sheet1", map[string]any{"A1": 1012345678}})
	rewriteEntry(t, path, "xl/worksheets/sheet1.xml", "<v>1012345678</v>", "<v>1.012345678E9</v>")
	got, err := New(path, "").Rows(t.Context())
	if err != nil {
		t.Fatalf("Rows: %v", err)
	}
	if diff := cmp.Diff([][]string{{"1012345678"}}, got); diff != "" {
		t.Errorf("Rows (-want +got):\n%s", diff)
	}
}

// rewriteEntry replaces old with new in one file inside the zip at path.
func rewriteEntry(t *testing.T, path, entry, old, new string) {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	replaced := false
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		if err != nil {
			t.Fatal(err)
		}
		rc.Close()
		if f.Name == entry && bytes.Contains(data, []byte(old)) {
			data, replaced = bytes.ReplaceAll(data, []byte(old), []byte(new)), true
		}
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if !replaced {
		t.Fatalf("%s does not contain %q", entry, old)
	}
	if err := os.WriteFile(path, out.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestRowsErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	notZip := filepath.Join(dir, "text.xlsx")
	if err := os.WriteFile(notZip, []byte("이름,휴대전화\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	book := writeWorkbook(t, tab{"직원목록", map[string]any{"A1": "x"}}, tab{"Sheet2", nil})
	tests := []struct {
		name     string
		path     string
		sheet    string
		maxSize  int64
		want     error // nil: any error
		wantText []string
	}{
		{"missing file", filepath.Join(dir, "nope.xlsx"), "", localfile.MaxSize, fs.ErrNotExist,
			[]string{"nope.xlsx", "no such file"}},
		{"a directory", dir, "", localfile.MaxSize, localfile.ErrNotAFile, []string{dir}},
		{"too large", book, "", 100, localfile.ErrTooLarge, []string{book, "limit is 100"}},
		{"not a workbook", notZip, "", localfile.MaxSize, nil, []string{"text.xlsx", "not an .xlsx workbook"}},
		{"missing tab", book, "직원 목록", localfile.MaxSize, ErrTabNotFound,
			[]string{book, `"직원 목록"`, `"직원목록", "Sheet2"`}},
		{"missing tab of a range", book, "Staff!A:Z", localfile.MaxSize, ErrTabNotFound,
			[]string{`"Staff"`, `"직원목록", "Sheet2"`}},
		{"a bare name that is neither a tab nor a range", book, "A1:", localfile.MaxSize, ErrTabNotFound, nil},
		{"bad range", book, "직원목록!A1:B2:C3", localfile.MaxSize, ErrBadRange, []string{"A1:B2:C3"}},
		{"column past XFD", book, "직원목록!A:XFE", localfile.MaxSize, ErrBadRange, nil},
		{"no tab before the bang", book, "!A:Z", localfile.MaxSize, ErrBadRange, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := New(tt.path, tt.sheet)
			s.maxSize = tt.maxSize
			rows, err := s.Rows(t.Context())
			if err == nil || (tt.want != nil && !errors.Is(err, tt.want)) {
				t.Fatalf("Rows = %q, %v; want error %v", rows, err, tt.want)
			}
			if rows != nil {
				t.Errorf("Rows returned %d rows with an error; want none", len(rows))
			}
			for _, w := range tt.wantText {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}

func TestRowsCanceled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := New(writeWorkbook(t, grid("Sheet1")), "").Rows(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Rows with a canceled context = %v; want context.Canceled", err)
	}
}

func TestRowsReadsTheFileAfresh(t *testing.T) {
	t.Parallel()
	path := writeWorkbook(t, tab{"Sheet1", map[string]any{"A1": "before"}})
	s := New(path, "")
	if _, err := s.Rows(t.Context()); err != nil {
		t.Fatalf("first Rows: %v", err)
	}
	edited := writeWorkbook(t, tab{"Sheet1", map[string]any{"A1": "after"}})
	data, err := os.ReadFile(edited)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := s.Rows(t.Context())
	if err != nil {
		t.Fatalf("second Rows: %v", err)
	}
	if diff := cmp.Diff([][]string{{"after"}}, got); diff != "" {
		t.Errorf("Rows after an edit (-want +got):\n%s", diff)
	}
}

func TestRowsDateCells(t *testing.T) {
	t.Parallel()
	const serial = 46326 // 2026-10-31
	cells := map[string]any{
		"A1":  formatted{value: serial, id: 14},                                // m/d/yyyy or the locale's short date
		"A2":  formatted{value: serial, id: 15},                                // d-mmm-yy
		"A3":  formatted{value: serial, custom: "yyyy. m. d"},                  // Korean Sheets style
		"A4":  formatted{value: serial, custom: `yyyy"년" m"월" d"일"`},           // Korean long date
		"A5":  formatted{value: serial, custom: "[$-412]mm/dd/yy;@"},           // a locale tag
		"A6":  formatted{value: serial + 0.75, id: 22},                         // a date and time
		"A7":  formatted{value: 0.75, custom: "h:mm"},                          // a time, not a date
		"A8":  formatted{value: serial, id: 0},                                 // General: a number
		"A9":  formatted{value: 1012345678, custom: "000-0000-0000"},           // a phone
		"A10": formatted{value: 1012345678, custom: `"Tel "000-0000-0000;"d"`}, // "d" is literal
		"A11": "2026-10-31",                                                    // text stays text
	}
	got, err := New(writeWorkbook(t, tab{"Sheet1", cells}), "").Rows(t.Context())
	if err != nil {
		t.Fatalf("Rows: %v", err)
	}
	want := [][]string{{"2026-10-31"}, {"2026-10-31"}, {"2026-10-31"}, {"2026-10-31"}, {"2026-10-31"},
		{"2026-10-31"}, {"18:00"}, {"46326"}, {"010-1234-5678"}, {"Tel 010-1234-5678"}, {"2026-10-31"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Rows (-want +got):\n%s", diff)
	}
}
