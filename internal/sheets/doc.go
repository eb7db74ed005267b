// Package sheets reads HR's employee list from a Google Sheet through the
// Sheets API v4, as a rostersync.Source.
//
// It owns everything specific to Google Sheets: recognising the URL HR copies
// from the browser (or a bare spreadsheet id), finding the tab a "#gid="
// names, reading it with formatted values so that phone numbers arrive as HR
// sees them, retrying the API's transient failures, and turning the API's
// refusals into errors an operator can act on.
//
// It never logs or returns cell contents; errors may name the spreadsheet id,
// a tab, a range and a service account, none of which is personal data.
package sheets
