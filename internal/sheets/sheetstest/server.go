package sheetstest

import (
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
)

// Server is a fake Google Sheets API v4 on loopback. Point the real client
// at it with option.WithEndpoint(s.Endpoint()) and
// option.WithoutAuthentication(). It is safe for concurrent use.
type Server struct {
	// URL is the server's base URL, such as http://127.0.0.1:41234.
	URL string

	tb  testing.TB
	srv *httptest.Server

	mu           sync.Mutex
	spreadsheets map[string]*spreadsheet
	failures     []Error
	always       Error // FailAlways: Code 0 is none
	log          []Request
	writes       map[string]*writeLog // by spreadsheet id (write.go)
}

// Request is one request the fake served.
type Request struct {
	// Method is the HTTP method.
	Method string
	// Path is the URL path, unescaped: /v4/spreadsheets/ID/values/'직원 목록'!A:Z.
	Path string
	// Query holds the query parameters.
	Query url.Values
	// Status is the HTTP status of the answer.
	Status int
}

// NewServer starts a fake with no spreadsheets; it stops when the test ends.
func NewServer(tb testing.TB) *Server {
	tb.Helper()
	s := &Server{tb: tb, spreadsheets: map[string]*spreadsheet{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	tb.Cleanup(s.srv.Close)
	return s
}

// Endpoint is the base URL to give the client: URL with a trailing slash,
// below which the client adds "v4/spreadsheets/...".
func (s *Server) Endpoint() string { return s.URL + "/" }

// SetSheet creates or replaces the spreadsheet id with the given tabs, in
// order, readable by the caller.
func (s *Server) SetSheet(id string, tabs ...Tab) {
	s.tb.Helper()
	ids, titles := map[int64]bool{}, map[string]bool{}
	for _, t := range tabs {
		if ids[t.ID] || titles[t.Title] || t.Title == "" {
			s.tb.Errorf("sheetstest: spreadsheet %s: tabs need distinct ids and distinct, non-empty titles", id)
			return
		}
		ids[t.ID], titles[t.Title] = true, true
		rows, cols := t.size()
		if len(t.Rows) > rows || slices.ContainsFunc(t.Rows, func(r []Cell) bool { return len(r) > cols }) {
			s.tb.Errorf("sheetstest: spreadsheet %s, tab %d: the cells do not fit the grid", id, t.ID)
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.spreadsheets[id] = &spreadsheet{id: id, tabs: slices.Clone(tabs)}
}

// Deny makes spreadsheet id refuse the caller (403 PERMISSION_DENIED), as
// a sheet not shared with rollcall's service account does.
func (s *Server) Deny(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sp := s.spreadsheets[id]; sp != nil {
		sp.denied = true
		return
	}
	// The API says 403, not 404, for a spreadsheet the caller cannot see.
	s.spreadsheets[id] = &spreadsheet{id: id, denied: true}
}

// FailNext makes the next n requests, whatever they ask, fail with the
// HTTP status code and the API's usual error for it.
func (s *Server) FailNext(n, code int) { s.FailNextWith(n, StatusError(code)) }

// FailNextWith makes the next n requests fail with e.
func (s *Server) FailNextWith(n int, e Error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.failures = append(s.failures, e)
	}
}

// Requests returns the requests served so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.log)
}

// Count returns how many requests were made to path (unescaped, as in
// Request.Path), such as "/v4/spreadsheets/ID".
func (s *Server) Count(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.log {
		if r.Path == path {
			n++
		}
	}
	return n
}

// serve answers a request, logging it before the answer leaves, so that a
// client that has its answer also finds its request in the log.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	rec := httptest.NewRecorder()
	s.route(rec, r)
	s.mu.Lock()
	s.log = append(s.log, Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Status: rec.Code})
	s.mu.Unlock()
	maps.Copy(w.Header(), rec.Header())
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

var methodNotFound = Error{Code: http.StatusNotFound, Status: "NOT_FOUND", Message: "Method not found."}

func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	if len(s.failures) > 0 {
		e := s.failures[0]
		s.failures = s.failures[1:]
		s.mu.Unlock()
		e.write(w)
		return
	}
	if e := s.always; e.Code != 0 {
		s.mu.Unlock()
		e.write(w)
		return
	}
	s.mu.Unlock()

	// Split the escaped path, so that a "/" inside a range stays in it.
	rest, ok := strings.CutPrefix(r.URL.EscapedPath(), "/v4/spreadsheets/")
	if !ok || r.Method != http.MethodGet && r.Method != http.MethodPost && r.Method != http.MethodPut {
		methodNotFound.write(w)
		return
	}
	var seg []string
	for _, p := range strings.Split(rest, "/") {
		u, err := url.PathUnescape(p)
		if err != nil {
			StatusError(http.StatusBadRequest).write(w)
			return
		}
		seg = append(seg, u)
	}
	if r.Method != http.MethodGet {
		s.routeWrite(w, r, seg)
		return
	}

	var m method
	switch {
	case len(seg) == 1 && seg[0] != "":
		m = getSpreadsheet
	case len(seg) == 2 && seg[0] != "" && seg[1] == "values:batchGet":
		m = batchGetValues
	case len(seg) == 3 && seg[1] == "values" && seg[2] != "":
		m = getValues
	default:
		methodNotFound.write(w)
		return
	}
	q := r.URL.Query()
	if e := checkQuery(q, m); e != nil {
		e.write(w)
		return
	}

	s.mu.Lock()
	var sp *spreadsheet
	if found := s.spreadsheets[seg[0]]; found != nil {
		cp := *found // its tabs are never modified in place
		sp = &cp
	}
	s.mu.Unlock()
	switch {
	case sp == nil:
		StatusError(http.StatusNotFound).write(w)
		return
	case sp.denied:
		StatusError(http.StatusForbidden).write(w)
		return
	}

	var body map[string]any
	var e *Error
	switch m {
	case getSpreadsheet:
		body = sp.json()
	case getValues:
		body, e = sp.values(seg[2], q)
	case batchGetValues:
		body, e = sp.batchValues(q)
	}
	if e != nil {
		e.write(w)
		return
	}
	if f := q.Get("fields"); f != "" {
		mask, err := parseFields(f)
		if err != nil {
			(&Error{Code: 400, Status: "INVALID_ARGUMENT", Message: "Invalid field selection " + f}).write(w)
			return
		}
		body, _ = mask.apply(body).(map[string]any)
	}
	writeJSON(w, http.StatusOK, body)
}
