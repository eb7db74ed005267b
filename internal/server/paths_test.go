package server

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
)

// TestEveryAnswerIsTheRoutes: a trailing slash reaches the route without
// it, never a redirect, and HEAD answers wherever GET does, with GET's
// status and headers and no body. Served through net/http, as in
// production, since it is net/http that leaves a HEAD answer's body out.
func TestEveryAnswerIsTheRoutes(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t, readiness{last: time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)},
		routes{"/kakao/validate": func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "SUCCESS"}) }})
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	tests := []struct {
		method, path string
		wantStatus   int
		wantKey      string // a key of the JSON body; "" for HEAD, which has none
	}{
		{"POST", "/kakao/validate/", 200, "status"},
		{"POST", "/kakao/validate//", 200, "status"},
		{"GET", "/health/", 200, "status"},
		{"GET", "/ready/", 200, "last_sync"},
		{"GET", "/nope/", 404, "error"},
		{"POST", "/health/", 405, "error"},
		{"GET", "/kakao/validate/", 405, "error"},
		{"HEAD", "/health", 200, ""},
		{"HEAD", "/health/", 200, ""},
		{"HEAD", "/ready", 200, ""},
		{"HEAD", "/nope", 404, ""},
		{"HEAD", "/kakao/validate", 405, ""},
	}
	for _, tt := range tests {
		req, err := http.NewRequest(tt.method, ts.URL+tt.path, strings.NewReader(""))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", tt.method, tt.path, err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatalf("%s %s: read: %v", tt.method, tt.path, err)
		}
		if resp.StatusCode != tt.wantStatus {
			t.Errorf("%s %s: status %d (%s), want %d", tt.method, tt.path, resp.StatusCode, body, tt.wantStatus)
		}
		if ct := resp.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
			t.Errorf("%s %s: Content-Type %q, want JSON", tt.method, tt.path, ct)
		}
		if tt.method == "HEAD" {
			if len(body) != 0 {
				t.Errorf("HEAD %s: body %q, want none", tt.path, body)
			}
			continue
		}
		var got map[string]any
		if err := json.Unmarshal(body, &got); err != nil || got[tt.wantKey] == nil {
			t.Errorf("%s %s: body %q (%v), want JSON with %q", tt.method, tt.path, body, err, tt.wantKey)
		}
	}
}
