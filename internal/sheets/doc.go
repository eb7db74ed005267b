// Package sheets reads HR's employee list from a Google Sheet through the
// Sheets API v4, as a rostersync.Source, and writes the feedback tab's cells
// it is given (a rostersync.Feedback; what the tab says is the sync's).
//
// It owns everything specific to Google Sheets: finding the tab a "#gid="
// names (config reads the URL HR copies from the browser), reading it with
// formatted values so that phone numbers arrive as HR sees them, laying a
// feedback page out for a person, retrying the API's transient failures, and
// turning the API's refusals into errors an operator can act on.
//
// It never logs or returns cell contents; errors may name the spreadsheet id,
// a tab, a range and a service account, none of which is personal data.
package sheets
