// Package sheets reads HR's employee list from a Google Sheet through the
// Sheets API v4 (a rostersync.Source), with formatted values as HR sees
// them, and writes the feedback tab's cells it is given (a
// rostersync.Feedback). It retries the API's transient failures and turns
// its refusals into errors that name the fix. It never logs or returns cell
// contents: errors name only the spreadsheet id, a tab, a range, an account.
package sheets
