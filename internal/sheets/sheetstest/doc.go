// Package sheetstest is a fake of the Google Sheets API v4 for tests: an HTTP
// server on loopback that speaks the API's documented wire format, so that
// tests exercise the real client library (google.golang.org/api/sheets/v4)
// pointed at it with option.WithEndpoint.
//
// It serves the read-only methods rollcall may call — spreadsheets.get,
// spreadsheets.values.get and spreadsheets.values.batchGet — and refuses
// what the real API refuses: unknown spreadsheets (404), unknown tabs and
// malformed or out-of-grid ranges (400 "Unable to parse range"), unknown
// query parameters and enum values (400), each with Google's error body
// {"error":{"code","message","status"}}. Tests can share a spreadsheet or
// not (403), make the next requests fail with any status, and read the log
// of requests it served. Number cells come formatted (Number), merged
// blocks read as Sheets returns them (Merge: the value in the top-left cell,
// the blocks in the Sheet resource's "merges"), and a hidden tab
// (Tab.Hidden) says so in its properties and is skipped by a range without
// a tab name, which means the first visible tab.
//
// It also serves the writes of rollcall's feedback tab (write.go,
// batchupdate.go): spreadsheets.batchUpdate with addSheet,
// updateSheetProperties (frozen rows), repeatCell (bold text) and
// updateDimensionProperties (column widths), updateCells (clearing values),
// spreadsheets.values.update and spreadsheets.values.clear. It records each write with the tabs it touched
// and counts revisions; ShareAsViewer makes writes fail with 403.
//
// Differences from the real API, on purpose: it does not check credentials;
// tab names in ranges match exactly (case included); R1C1 notation, named
// ranges and the "ranges" filter of spreadsheets.get are not supported.
package sheetstest
