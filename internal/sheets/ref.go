package sheets

// Ref names a spreadsheet and, optionally, one of its tabs. config reads it
// from ROLLCALL_SOURCE (config.SheetRef has the same fields).
type Ref struct {
	// SpreadsheetID is the id in the sheet's URL, between "/d/" and the next "/".
	SpreadsheetID string
	// GID is the tab's sheetId, from the URL's "gid" parameter. It is
	// meaningful only when HasGID is set: 0 is a valid tab id.
	GID int64
	// HasGID says whether the source named a tab.
	HasGID bool
}
