package ratelimit_test

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/rollcall/rollcall/internal/logging"
	"github.com/rollcall/rollcall/internal/ratelimit"
)

func TestMain(m *testing.M) {
	gin.SetMode(gin.TestMode)
	os.Exit(m.Run())
}

// cloudRunFrontEnd is the peer address Cloud Run's front end connects from.
const cloudRunFrontEnd = "169.254.169.126:41234"

// newEngine is an engine behind the per-client limiter, trusting proxies as
// given (nil trusts none).
func newEngine(t *testing.T, l *ratelimit.Limiter, trusted []string) *gin.Engine {
	t.Helper()
	e := gin.New()
	if err := e.SetTrustedProxies(trusted); err != nil {
		t.Fatal(err)
	}
	e.RemoteIPHeaders = []string{"X-Forwarded-For"}
	e.POST("/kakao/skill", l.PerClientIP(), func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"ok": true}) })
	return e
}

// request is a skill call as it reaches the container.
type request struct {
	peer string // RemoteAddr
	xff  string // X-Forwarded-For, "" for none
}

func (r request) send(e *gin.Engine) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/kakao/skill", nil)
	req.RemoteAddr = r.peer
	if r.xff != "" {
		req.Header.Set("X-Forwarded-For", r.xff)
	}
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	return rec
}

// TestPerClientIP floods the limiter from one client and then asks from
// another: the flood gets 429s, the other client is served.
func TestPerClientIP(t *testing.T) {
	t.Parallel()
	const burst = 3
	tests := []struct {
		name    string
		trusted []string
		flood   []request // sent in turn, burst+2 times in all
		other   request
		// wantOtherOK is whether the other client is served after the flood.
		wantOtherOK bool
	}{
		{
			name:    "Cloud Run: the front end's last X-Forwarded-For entry is the client",
			trusted: []string{"169.254.0.0/16"},
			flood: []request{
				{cloudRunFrontEnd, "203.0.113.7"},
				// forged entries before the front end's do not change the key
				{cloudRunFrontEnd, "198.51.100.1, 203.0.113.7"},
				{cloudRunFrontEnd, "10.0.0.1, 169.254.1.1, 203.0.113.7"},
				{cloudRunFrontEnd, "not-an-ip, 203.0.113.7"},
			},
			other:       request{cloudRunFrontEnd, "198.51.100.9"},
			wantOtherOK: true,
		},
		{
			name:    "a direct client cannot choose its key with X-Forwarded-For",
			trusted: []string{"169.254.0.0/16"},
			flood: []request{
				{"203.0.113.7:5000", "198.51.100.1"},
				{"203.0.113.7:5001", "198.51.100.2"},
				{"203.0.113.7:5002", ""},
			},
			other:       request{"198.51.100.9:5000", ""},
			wantOtherOK: true,
		},
		{
			// Why the server must trust the front end: without it every
			// Cloud Run request has the front end's address, and one
			// client's flood starves everyone.
			name:    "Cloud Run with no trusted proxy: every client shares one bucket",
			trusted: nil,
			flood: []request{
				{cloudRunFrontEnd, "203.0.113.7"},
			},
			other:       request{cloudRunFrontEnd, "198.51.100.9"},
			wantOtherOK: false,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			clk := newClock()
			e := newEngine(t, ratelimit.New(1, burst, ratelimit.WithClock(clk.Now)), tt.trusted)
			var statuses []int
			var last *httptest.ResponseRecorder
			for i := range burst + 2 {
				last = tt.flood[i%len(tt.flood)].send(e)
				statuses = append(statuses, last.Code)
			}
			want := []int{200, 200, 200, 429, 429}
			for i := range want {
				if statuses[i] != want[i] {
					t.Fatalf("flood statuses = %v, want %v", statuses, want)
				}
			}
			if got := last.Header().Get("Retry-After"); got != "1" {
				t.Errorf("Retry-After = %q, want %q", got, "1")
			}
			if ct := last.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
				t.Errorf("Content-Type = %q", ct)
			}
			var body map[string]string
			if err := json.Unmarshal(last.Body.Bytes(), &body); err != nil || body["error"] != "too many requests" {
				t.Errorf("429 body = %s (%v), want {\"error\":\"too many requests\"}", last.Body, err)
			}

			got := tt.other.send(e).Code
			if (got == http.StatusOK) != tt.wantOtherOK {
				t.Errorf("other client: status %d, want served = %v", got, tt.wantOtherOK)
			}
		})
	}
}

// TestRefusalMarksTheRequestLine: a refused request's log line is a
// warning that says why; a served one's is left alone.
func TestRefusalMarksTheRequestLine(t *testing.T) {
	t.Parallel()
	var lines []*logging.RequestLine
	e := gin.New()
	e.Use(func(c *gin.Context) {
		line := logging.NewRequestLine()
		lines = append(lines, line)
		c.Set(logging.RequestLineKey, line)
	})
	l := ratelimit.New(1, 1, ratelimit.WithClock(newClock().Now))
	e.POST("/kakao/skill", l.PerClientIP(), func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"ok": true}) })
	for range 2 {
		request{"203.0.113.7:5000", ""}.send(e)
	}
	if len(lines) != 2 {
		t.Fatalf("%d requests seen, want 2", len(lines))
	}
	if got := lines[0].Level(); got != slog.LevelInfo || len(lines[0].Attrs()) != 0 {
		t.Errorf("served request's line: level %v, attrs %v; want INFO and none", got, lines[0].Attrs())
	}
	want := slog.String("reason", ratelimit.ClientLimitedReason)
	if got := lines[1].Level(); got != slog.LevelWarn || len(lines[1].Attrs()) != 1 || !lines[1].Attrs()[0].Equal(want) {
		t.Errorf("refused request's line: level %v, attrs %v; want WARN and %v", got, lines[1].Attrs(), want)
	}
}
