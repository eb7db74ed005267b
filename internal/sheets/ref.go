package sheets

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
