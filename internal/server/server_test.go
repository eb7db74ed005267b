package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/rollcall/rollcall/internal/logging"
)

// readiness is a Readiness fake with fixed answers.
type readiness struct {
	last time.Time
	err  error
}

func (r readiness) LastSync(context.Context) (time.Time, error) { return r.last, r.err }

// cachedReadiness is a Readiness that also reports Staleness, as the
// directory held in memory does.
type cachedReadiness struct {
	readiness
	stale string
}

func (r cachedReadiness) Stale() string { return r.stale }

// routes is a Routes fake that mounts handler functions.
type routes map[string]gin.HandlerFunc

func (rs routes) Register(r gin.IRoutes) {
	for path, h := range rs {
		r.POST(path, h)
	}
}

func newTestServer(t *testing.T, ready Readiness, rs routes) (*Server, *bytes.Buffer) {
	t.Helper()
	var logs bytes.Buffer
	return New(Options{Logger: slog.New(slog.NewJSONHandler(&logs, nil)), Ready: ready, Routes: []Routes{rs}}), &logs
}

func TestEndpoints(t *testing.T) {
	t.Parallel()
	synced := readiness{last: time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)}
	tests := []struct {
		name       string
		ready      Readiness
		method     string
		path       string
		wantStatus int
		wantBody   map[string]any
	}{
		{"health", readiness{}, "GET", "/health", 200, map[string]any{"status": "ok"}},
		{"ready after a sync", synced, "GET", "/ready", 200, map[string]any{"status": "ready", "last_sync": "2026-11-25T00:00:00Z"}},
		{"not ready before the first sync", readiness{}, "GET", "/ready", 503,
			map[string]any{"status": "unavailable", "reason": "the directory has never been synced"}},
		{"not ready when the store is down", readiness{err: errors.New("dial tcp: refused")}, "GET", "/ready", 503,
			map[string]any{"status": "unavailable", "reason": "the directory store cannot be reached"}},
		{"ready from a current copy", cachedReadiness{readiness: synced}, "GET", "/ready", 200,
			map[string]any{"status": "ready", "directory": "current", "last_sync": "2026-11-25T00:00:00Z", "reason": nil}},
		{"ready but stale when the store is down after a load", cachedReadiness{readiness: synced, stale: "store down"}, "GET", "/ready", 200,
			map[string]any{"status": "ready", "directory": "stale", "last_sync": "2026-11-25T00:00:00Z", "reason": "store down"}},
		{"a copy that was never loaded is not ready", cachedReadiness{readiness: readiness{err: errors.New("dial tcp: refused")}}, "GET", "/ready", 503,
			map[string]any{"status": "unavailable", "reason": "the directory store cannot be reached", "directory": nil}},
		{"a plain store says nothing of copies", synced, "GET", "/ready", 200,
			map[string]any{"status": "ready", "directory": nil}},
		{"unknown path", synced, "GET", "/nope", 404, map[string]any{"error": "not found"}},
		{"unknown method", synced, "DELETE", "/health", 405, map[string]any{"error": "method not allowed"}},
		{"panicking handler", synced, "POST", "/boom", 500, map[string]any{"error": "internal error"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, _ := newTestServer(t, tt.ready, routes{"/boom": func(*gin.Context) { panic("bug") }})
			rec := httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, httptest.NewRequest(tt.method, tt.path, nil))
			if rec.Code != tt.wantStatus {
				t.Errorf("status = %d, want %d", rec.Code, tt.wantStatus)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
				t.Errorf("Content-Type = %q", ct)
			}
			var got map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
				t.Fatalf("body %q: %v", rec.Body, err)
			}
			for k, want := range tt.wantBody {
				if got[k] != want {
					t.Errorf("body[%q] = %v, want %v", k, got[k], want)
				}
			}
		})
	}
}

func TestAccessLogHasNoQueryString(t *testing.T) {
	t.Parallel()
	s, logs := newTestServer(t, readiness{}, routes{"/kakao/skill": func(c *gin.Context) { c.JSON(200, gin.H{}) }})
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest("POST", "/kakao/skill?secret=hunter2&x=010-1234-5678", nil))
	if strings.Contains(logs.String(), "hunter2") || strings.Contains(logs.String(), "1234") {
		t.Errorf("access log leaks the query string: %s", logs)
	}
	if !strings.Contains(logs.String(), `"route":"/kakao/skill"`) || !strings.Contains(logs.String(), `"status":200`) {
		t.Errorf("access log lacks route or status: %s", logs)
	}
}

func TestServeDrainsInFlightRequests(t *testing.T) {
	t.Parallel()
	started := make(chan struct{})
	s, _ := newTestServer(t, readiness{}, routes{"/slow": func(c *gin.Context) {
		close(started)
		time.Sleep(300 * time.Millisecond)
		c.JSON(200, gin.H{"done": true})
	}})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- s.Serve(ctx, ln) }()

	type result struct {
		status int
		body   string
		err    error
	}
	got := make(chan result, 1)
	go func() {
		resp, err := http.Post("http://"+ln.Addr().String()+"/slow", "application/json", nil)
		if err != nil {
			got <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		got <- result{status: resp.StatusCode, body: string(b)}
	}()
	<-started
	stop() // SIGTERM arrives while the request is in flight

	r := <-got
	if r.err != nil || r.status != 200 || !strings.Contains(r.body, "done") {
		t.Errorf("in-flight request: status %d body %q err %v; want 200", r.status, r.body, r.err)
	}
	if err := <-served; err != nil {
		t.Errorf("Serve = %v, want a clean stop", err)
	}
	if _, err := http.Get("http://" + ln.Addr().String() + "/health"); err == nil {
		t.Error("server still accepts connections after shutdown")
	}
}

func TestTraceAttrs(t *testing.T) {
	t.Parallel()
	const trace = "105445aa7843bc8bf206b12000100000"
	tests := []struct {
		project, header string
		want            []any
	}{
		{"p", trace + "/1;o=1", []any{"logging.googleapis.com/trace", "projects/p/traces/" + trace,
			"logging.googleapis.com/spanId", "1", "logging.googleapis.com/trace_sampled", true}},
		{"p", trace, []any{"logging.googleapis.com/trace", "projects/p/traces/" + trace}},
		{"", trace + "/1;o=1", nil},
		{"p", "", nil},
		{"p", "not-a-trace/1", nil},
		{"p", trace + "/abc;o=1", []any{"logging.googleapis.com/trace", "projects/p/traces/" + trace, "logging.googleapis.com/trace_sampled", true}},
	}
	for _, tt := range tests {
		got := traceAttrs(tt.project, tt.header)
		if fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("traceAttrs(%q, %q) = %v, want %v", tt.project, tt.header, got, tt.want)
		}
	}
}

func TestRequestLogsCarryTrace(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	s := New(Options{Logger: slog.New(slog.NewJSONHandler(&logs, nil)), Project: "proj", Ready: readiness{}})
	req := httptest.NewRequest("GET", "/health", nil)
	req.Header.Set("X-Cloud-Trace-Context", "105445aa7843bc8bf206b12000100000/7;o=1")
	s.Handler().ServeHTTP(httptest.NewRecorder(), req)
	var line map[string]any
	if err := json.Unmarshal(logs.Bytes(), &line); err != nil {
		t.Fatalf("log %q: %v", logs.String(), err)
	}
	if line["logging.googleapis.com/trace"] != "projects/proj/traces/105445aa7843bc8bf206b12000100000" {
		t.Errorf("access log line = %v, want the trace", line)
	}
}

// TestRequestLoggerIsTheServers: whatever logger a request's context
// carries (none, the server's own as Serve's base context does, another),
// the handlers and the access log write with the server's, tagged with the
// trace when there is one.
func TestRequestLoggerIsTheServers(t *testing.T) {
	t.Parallel()
	const trace = "105445aa7843bc8bf206b12000100000"
	var other bytes.Buffer
	otherLog := slog.New(slog.NewJSONHandler(&other, nil))
	t.Cleanup(func() { // after the parallel subtests
		if other.Len() != 0 {
			t.Errorf("the context's other logger wrote %q", other.String())
		}
	})
	tests := []struct {
		name      string
		ctxLogger func(server *slog.Logger) *slog.Logger // nil: no logger in the context
		trace     bool
	}{
		{name: "no logger"},
		{name: "the server's", ctxLogger: func(s *slog.Logger) *slog.Logger { return s }},
		{name: "the server's with a trace", ctxLogger: func(s *slog.Logger) *slog.Logger { return s }, trace: true},
		{name: "another", ctxLogger: func(*slog.Logger) *slog.Logger { return otherLog }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var logs bytes.Buffer
			log := slog.New(slog.NewJSONHandler(&logs, nil))
			s := New(Options{Logger: log, Project: "proj", Ready: readiness{}, Routes: []Routes{routes{"/inner": func(c *gin.Context) {
				logging.FromContext(c.Request.Context()).InfoContext(c.Request.Context(), "inner")
				c.JSON(200, gin.H{})
			}}}})
			ctx := context.Background()
			if tt.ctxLogger != nil {
				ctx = logging.WithLogger(ctx, tt.ctxLogger(log))
			}
			req := httptest.NewRequestWithContext(ctx, "POST", "/inner", nil)
			if tt.trace {
				req.Header.Set("X-Cloud-Trace-Context", trace+"/7;o=1")
			}
			s.Handler().ServeHTTP(httptest.NewRecorder(), req)
			lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
			if len(lines) != 2 || !strings.Contains(lines[0], `"msg":"inner"`) || !strings.Contains(lines[1], `"route":"/inner"`) {
				t.Fatalf("logs = %q, want the handler's line and the access line", lines)
			}
			for _, l := range lines {
				if got := strings.Contains(l, "projects/proj/traces/"+trace); got != tt.trace {
					t.Errorf("line %s: has the trace = %v, want %v", l, got, tt.trace)
				}
			}
		})
	}
}

// TestAccessLogCarriesWhatHandlersAdd: a request has one line, which holds
// what its handler added to the request line at the level it asked for; a
// 5xx is an error whatever the handler said.
func TestAccessLogCarriesWhatHandlersAdd(t *testing.T) {
	t.Parallel()
	add := func(level slog.Level, status int, attrs ...slog.Attr) gin.HandlerFunc {
		return func(c *gin.Context) {
			line := logging.RequestLineOf(c)
			if line == nil {
				t.Errorf("no request line among the request's values")
			} else {
				line.Add(level, attrs...)
			}
			c.JSON(status, gin.H{})
		}
	}
	tests := []struct {
		name      string
		handler   gin.HandlerFunc
		level     string
		wantAttrs []string
	}{
		{"info stays info", add(slog.LevelInfo, 200, slog.String("outcome", "employee")), "INFO", []string{`"outcome":"employee"`}},
		{"a warning raises the line", add(slog.LevelWarn, 200, slog.String("outcome", "undecided"), slog.String("reason", "kakao_unavailable")),
			"WARN", []string{`"outcome":"undecided"`, `"reason":"kakao_unavailable"`}},
		{"debug does not lower it", add(slog.LevelDebug, 200, slog.Int("n", 1)), "INFO", []string{`"n":1`}},
		{"a 5xx is an error", add(slog.LevelInfo, 503), "ERROR", []string{`"status":503`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, logs := newTestServer(t, readiness{}, routes{"/kakao/skill": tt.handler})
			s.Handler().ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("POST", "/kakao/skill", nil))
			lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
			if len(lines) != 1 {
				t.Fatalf("%d log lines, want the one access line:\n%s", len(lines), logs)
			}
			for _, want := range append(tt.wantAttrs, `"level":"`+tt.level+`"`, `"route":"/kakao/skill"`, `"msg":"request"`) {
				if !strings.Contains(lines[0], want) {
					t.Errorf("access line lacks %s: %s", want, lines[0])
				}
			}
		})
	}
}

func TestClientIP(t *testing.T) {
	t.Parallel()
	var seen string
	s := New(Options{
		Logger: slog.New(slog.DiscardHandler),
		Ready:  readiness{},
		Routes: []Routes{routes{"/ip": func(c *gin.Context) { seen = c.ClientIP() }}},
	})

	tests := []struct {
		name, peer, xff, want string
	}{
		{"Cloud Run front end: the last forwarded address", "169.254.169.126:5000", "6.6.6.6, 203.0.113.7", "203.0.113.7"},
		{"direct client cannot spoof", "198.51.100.9:5000", "203.0.113.7", "198.51.100.9"},
	}
	for _, tt := range tests {
		req := httptest.NewRequest("POST", "/ip", nil)
		req.RemoteAddr = tt.peer
		req.Header.Set("X-Forwarded-For", tt.xff)
		s.Handler().ServeHTTP(httptest.NewRecorder(), req)
		if seen != tt.want {
			t.Errorf("%s: ClientIP = %q, want %q", tt.name, seen, tt.want)
		}
	}
}
