package config

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// SheetRef names a spreadsheet and maybe one of its tabs; sheets.Ref has the same fields.
type SheetRef struct {
	SpreadsheetID string // between "/d/" and the next "/" in the URL
	GID           int64  // the tab's sheetId from the URL's "gid"
	HasGID        bool   // the URL named a tab: 0 is a valid GID
}

var errBadSheet = errors.New("not a Google Sheets URL or spreadsheet id")

// Bounds on a spreadsheet id (Google's are 25 to 44 characters): a short
// word is not a bare id, while in a URL the structure says it is one.
const (
	minBareIDLen = 20
	maxIDLen     = 128
)

var sheetIDRE = regexp.MustCompile(`^[A-Za-z0-9_-]*$`)

// sheetPathRE finds the id in /spreadsheets/d/<id>/..., also below /u/<n>/ (a
// signed-in user's index) and /a/<domain>/ (old Google Workspace links).
var sheetPathRE = regexp.MustCompile(`^/(?:a/[^/]+/)?spreadsheets(?:/|$)(?:(?:u/\d+/)?d/([^/]*))?`)

// parseURL reads the URL HR copies from the browser, in any of its shapes
// ("#gid=" or "?gid=", "/u/0/d/", without "https://", with "?usp=sharing").
func parseURL(s string) (SheetRef, error) {
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return SheetRef{}, fmt.Errorf("%w: the URL cannot be parsed", errBadSheet)
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return SheetRef{}, fmt.Errorf("%w: the URL's scheme is %q, not https", errBadSheet, u.Scheme)
	}
	if !strings.EqualFold(u.Hostname(), "docs.google.com") {
		return SheetRef{}, fmt.Errorf("%w: the URL's host is %q, not docs.google.com", errBadSheet, u.Hostname())
	}
	m := sheetPathRE.FindStringSubmatch(u.Path)
	switch {
	case m == nil:
		return SheetRef{}, fmt.Errorf("%w: the URL's path does not start with /spreadsheets/", errBadSheet)
	case m[1] == "":
		return SheetRef{}, fmt.Errorf("%w: the URL has no /d/<spreadsheet id>", errBadSheet)
	case m[1] == "e":
		return SheetRef{}, fmt.Errorf("%w: a published-to-the-web link (/d/e/...) cannot be read through the API: "+
			"copy the URL from the address bar while the sheet is open for editing", errBadSheet)
	}
	if err := checkID(m[1], 1); err != nil {
		return SheetRef{}, err
	}
	ref := SheetRef{SpreadsheetID: m[1]}

	// The fragment is what the browser shows for the tab on screen; the
	// query's gid is what Google put in a shared link. Prefer the fragment.
	q, err := url.ParseQuery(u.Fragment)
	if err != nil || !q.Has("gid") {
		q = u.Query()
	}
	if q.Has("gid") {
		gid := q.Get("gid")
		n, err := strconv.ParseInt(gid, 10, 64)
		if err != nil || n < 0 {
			return SheetRef{}, fmt.Errorf("%w: gid %q is not a tab id (a number)", errBadSheet, gid)
		}
		ref.GID, ref.HasGID = n, true
	}
	return ref, nil
}

func checkID(id string, minLen int) error {
	if len(id) < minLen || len(id) > maxIDLen {
		return fmt.Errorf("%w: a spreadsheet id is %d to %d characters long, this one %d",
			errBadSheet, minLen, maxIDLen, len(id))
	}
	if !sheetIDRE.MatchString(id) {
		return fmt.Errorf("%w: a spreadsheet id has only letters, digits, '-' and '_'", errBadSheet)
	}
	return nil
}
