package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rollcall/rollcall/internal/config"
	"github.com/rollcall/rollcall/internal/kakao"
	"github.com/rollcall/rollcall/internal/kakao/kakaotest"
	"github.com/rollcall/rollcall/internal/logging"
	"github.com/rollcall/rollcall/internal/logging/logtest"
	"github.com/rollcall/rollcall/internal/rostersync"
)

// The example sheet's people that these tests speak of.
const (
	employeePhone = "+82 10-1234-5678" // 홍길동, row 4 of examples/employees.csv
	strangerPhone = "+82 10-9999-0000" // not in the sheet
)

// testEnv is a rollcall configuration in a temporary directory, with a copy
// of the example sheet that a test may edit.
type testEnv struct {
	dir   string
	sheet string
	vars  map[string]string
}

func newTestEnv(t *testing.T) *testEnv {
	t.Helper()
	dir := t.TempDir()
	example, err := os.ReadFile("../../examples/employees.csv")
	if err != nil {
		t.Fatal(err)
	}
	sheet := filepath.Join(dir, "employees.csv")
	if err := os.WriteFile(sheet, example, 0o600); err != nil {
		t.Fatal(err)
	}
	return &testEnv{dir: dir, sheet: sheet, vars: map[string]string{
		"ROLLCALL_SOURCE":    sheet,
		"ROLLCALL_STORE":     "bolt:" + filepath.Join(dir, "rollcall.db"),
		"ROLLCALL_LOG_LEVEL": "debug",
	}}
}

func (e *testEnv) getenv(k string) string { return e.vars[k] }

// run runs the rollcall command in-process and returns its exit code and output.
func (e *testEnv) run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, e.getenv, &out, &errOut)
	return exitCode(err, &errOut), out.String(), errOut.String()
}

// removeRow deletes the sheet line that holds text.
func (e *testEnv) removeRow(t *testing.T, text string) {
	t.Helper()
	b, err := os.ReadFile(e.sheet)
	if err != nil {
		t.Fatal(err)
	}
	var kept []string
	for _, line := range strings.Split(string(b), "\n") {
		if !strings.Contains(line, text) {
			kept = append(kept, line)
		}
	}
	if err := os.WriteFile(e.sheet, []byte(strings.Join(kept, "\n")), 0o600); err != nil {
		t.Fatal(err)
	}
}

func syncJSON(t *testing.T, e *testEnv, args ...string) (int, rostersync.Report) {
	t.Helper()
	code, out, errOut := e.run(t, append([]string{"sync", "--json"}, args...)...)
	var r rostersync.Report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("sync --json printed %q (stderr %s): %v", out, errOut, err)
	}
	return code, r
}

func TestSyncCommand(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)

	code, first := syncJSON(t, e)
	if code != 0 || first.Added != 10 || first.Employees != 10 || first.Rows != 14 || first.Left != 2 {
		t.Fatalf("first sync: exit %d, report %+v; want exit 0, 14 rows, 10 employees added, 2 left", code, first)
	}
	if len(first.Problems) != 2 {
		t.Errorf("first sync problems = %+v, want the office line and the duplicate", first.Problems)
	}

	code, second := syncJSON(t, e)
	if code != 0 || second.Unchanged != 10 || second.Added+second.Updated+second.Deleted != 0 {
		t.Errorf("second sync: exit %d, report %+v; want 10 unchanged and nothing else", code, second)
	}

	if code, out, _ := e.run(t, "check", "010-1234-5678"); code != 0 || !strings.Contains(out, "employee") {
		t.Errorf("check before removal: exit %d %q, want 0", code, out)
	}
	e.removeRow(t, "홍길동")
	code, third := syncJSON(t, e)
	if code != 0 || third.Deleted != 1 {
		t.Errorf("sync after removing a row: exit %d, report %+v; want 1 deleted", code, third)
	}
	if code, out, _ := e.run(t, "check", "01012345678"); code != 1 || !strings.Contains(out, "not an employee") {
		t.Errorf("check after removal: exit %d %q, want 1", code, out)
	}
}

func TestSyncCommandBrakeAndFailures(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	if code, _ := syncJSON(t, e); code != 0 {
		t.Fatalf("first sync exit %d", code)
	}
	// The title, the blank row and the header: a sheet with no one in it.
	header := strings.Join(strings.SplitAfterN(mustRead(t, e.sheet), "\n", 4)[:3], "")

	// An emptied sheet would delete everyone: refused, dry run or not.
	if err := os.WriteFile(e.sheet, []byte(header), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{nil, {"--dry-run"}} {
		code, r := syncJSON(t, e, args...)
		if code != 3 || !r.Refused || r.Deleted != 10 {
			t.Errorf("sync %v of an emptied sheet: exit %d, report %+v; want exit 3, refused, 10 planned deletions", args, code, r)
		}
	}
	if code, _, _ := e.run(t, "check", "010-1234-5678"); code != 0 {
		t.Errorf("a refused sync deleted an employee (check exit %d)", code)
	}

	// A missing file is a failed read: exit 1, nothing deleted, even forced.
	if err := os.Remove(e.sheet); err != nil {
		t.Fatal(err)
	}
	if code, r := syncJSON(t, e, "--force"); code != 1 || r.Error == "" {
		t.Errorf("sync of a missing file: exit %d, report %+v; want exit 1 with an error", code, r)
	}
	if code, _, _ := e.run(t, "check", "010-1234-5678"); code != 0 {
		t.Errorf("a failed read deleted an employee (check exit %d)", code)
	}

	// Forced, the emptied sheet goes through.
	if err := os.WriteFile(e.sheet, []byte(header), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, r := syncJSON(t, e, "--force"); code != 0 || r.Deleted != 10 {
		t.Errorf("forced sync: exit %d, report %+v; want 10 deleted", code, r)
	}
}

func TestCommandUsage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		args     []string
		vars     map[string]string
		wantCode int
		wantErr  string
	}{
		{"no command", nil, nil, 2, "usage"},
		{"unknown command", []string{"frobnicate"}, nil, 2, "unknown command"},
		{"version", []string{"version"}, nil, 0, ""},
		{"bad store", []string{"sync"}, map[string]string{"ROLLCALL_STORE": "nonsense:x"}, 2, "ROLLCALL_STORE"},
		{"several bad variables", []string{"serve"}, map[string]string{"ROLLCALL_STORE": "nonsense:x", "PORT": "x", "ROLLCALL_LOG_LEVEL": "loud"}, 2, "PORT"},
		{"bad origins", []string{"serve"}, map[string]string{"ROLLCALL_KAKAO_OTP_ORIGINS": "http://evil.example"}, 2, "ROLLCALL_KAKAO_OTP_ORIGINS"},
		{"sync flag", []string{"sync", "--fast"}, nil, 2, "flag provided but not defined"},
		{"check without phone", []string{"check"}, nil, 2, "usage"},
		{"check garbage", []string{"check", "hello"}, nil, 2, "not a mobile phone number"},
		{"check before any sync", []string{"check", "010-1234-5678"}, nil, 2, "never been synced"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newTestEnv(t)
			for k, v := range tt.vars {
				e.vars[k] = v
			}
			code, _, errOut := e.run(t, tt.args...)
			if code != tt.wantCode || !strings.Contains(errOut, tt.wantErr) {
				t.Errorf("rollcall %v: exit %d, stderr %q; want exit %d mentioning %q", tt.args, code, errOut, tt.wantCode, tt.wantErr)
			}
		})
	}
}

// skillRequest returns the shared validation request with its OTP URL replaced.
func skillRequest(t *testing.T, file, otp string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("../../internal/kakao/testdata/kakao", file))
	if err != nil {
		t.Fatal(err)
	}
	return strings.ReplaceAll(string(b), "https://talk-plugin-capi.kakao.com/otp/5f1a0e11aa22bb33cc44dd55/profile", otp)
}

// newTestService builds `rollcall serve`'s service in-process from e's
// variables, with fake (if any) standing in for Kakao. Its JSON log lines go
// to the returned buffer; the store is closed when the test ends.
func newTestService(t *testing.T, e *testEnv, fake *kakaotest.Server) (*service, *logtest.Buffer, context.Context) {
	t.Helper()
	return newTestServiceAt(t, e, fake, time.Now)
}

// newTestServiceAt is newTestService on the clock now, which a test moves
// instead of waiting for a check or a cache to fall due.
func newTestServiceAt(t *testing.T, e *testEnv, fake *kakaotest.Server, now func() time.Time) (*service, *logtest.Buffer, context.Context) {
	t.Helper()
	var opts kakao.ProfileOptions
	if fake != nil {
		e.vars["ROLLCALL_KAKAO_REST_API_KEY"] = fake.APIKey()
		e.vars["ROLLCALL_KAKAO_OTP_ORIGINS"] = fake.Origin()
		opts.Transport = fake.Transport()
	}
	cfg, err := config.Load(e.getenv)
	if err != nil {
		t.Fatal(err)
	}
	logs := &logtest.Buffer{}
	ctx := logging.WithLogger(context.Background(), logging.New(logs, logging.FormatJSON, slog.LevelDebug))
	svc, err := newService(ctx, cfg, opts, now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.store.Close() })
	return svc, logs, ctx
}

func TestServeAnswersSkillsEndToEnd(t *testing.T) {
	t.Parallel()
	fake := kakaotest.NewServer(t)
	e := newTestEnv(t)
	e.vars["ROLLCALL_SKILL_SECRET"] = "s3cret-skill-value"
	svc, logs, ctx := newTestService(t, e, fake)
	ts := httptest.NewServer(svc.server.Handler())
	defer ts.Close()

	if code := get(t, ts.URL+"/ready"); code != http.StatusServiceUnavailable {
		t.Errorf("/ready before the first sync = %d, want 503", code)
	}
	svc.firstSync(ctx)
	if code := get(t, ts.URL+"/ready"); code != http.StatusOK {
		t.Errorf("/ready after the first sync = %d, want 200", code)
	}

	post := func(path, file string, p kakaotest.Profile) map[string]any {
		t.Helper()
		req, _ := http.NewRequest("POST", ts.URL+path, strings.NewReader(skillRequest(t, file, fake.Issue(p))))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Rollcall-Secret", "s3cret-skill-value")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || resp.StatusCode != 200 {
			t.Fatalf("POST %s: status %d, decode %v", path, resp.StatusCode, err)
		}
		return body
	}
	employee := kakaotest.Profile{AppUserID: 1, Nickname: "길동", PhoneNumber: employeePhone, Email: "gd@example.com"}
	stranger := kakaotest.Profile{AppUserID: 2, Nickname: "낯선이", PhoneNumber: strangerPhone}

	if got := post("/kakao/validate", "validation-request.json", employee); got["status"] != "SUCCESS" {
		t.Errorf("validate employee = %v, want SUCCESS", got)
	}
	if got := post("/kakao/validate", "validation-request.json", stranger); got["status"] != "FAIL" {
		t.Errorf("validate stranger = %v, want FAIL", got)
	}
	if got := post("/kakao/skill", "skill-request.json", employee); fmt.Sprint(got["data"]) == "" || !strings.Contains(fmt.Sprint(got["data"]), "verified:true") {
		t.Errorf("skill employee = %v, want data.verified true", got)
	}

	// The leaver loses access at the next sync.
	e.removeRow(t, "홍길동")
	if _, err := svc.engine.Run(ctx, rostersync.Options{}); err != nil {
		t.Fatalf("sync: %v", err)
	}
	if got := post("/kakao/validate", "validation-request.json", employee); got["status"] != "FAIL" {
		t.Errorf("validate after removal = %v, want FAIL", got)
	}
	if got := post("/kakao/skill", "skill-request.json", employee); !strings.Contains(fmt.Sprint(got["data"]), "verified:false") {
		t.Errorf("skill after removal = %v, want data.verified false", got)
	}

	// One line per skill call, the access line, saying what was decided.
	var skillLines int
	for line := range strings.Lines(logs.String()) {
		if !strings.Contains(line, `"route":"/kakao/`) {
			continue
		}
		skillLines++
		for _, want := range []string{`"message":"request"`, `"outcome":"`, `"reason":"`, `"user":"`} {
			if !strings.Contains(line, want) {
				t.Errorf("skill call's line lacks %s: %s", want, line)
			}
		}
	}
	if skillLines != 5 {
		t.Errorf("%d log lines for 5 skill calls, want one each:\n%s", skillLines, logs)
	}
	assertNoPII(t, logs.String(), fake)
}

// assertNoPII fails if a log holds a phone number in any common form, an OTP
// URL, a name or email of the example sheet, or a secret.
func assertNoPII(t *testing.T, logs string, fake *kakaotest.Server) {
	t.Helper()
	if !strings.Contains(logs, `"outcome":"employee"`) {
		t.Fatalf("the logs show no verification at all; the check would prove nothing:\n%s", logs)
	}
	// Cloud Logging reads one JSON object a line, with severity and message.
	for i, line := range strings.Split(strings.TrimSpace(logs), "\n") {
		var entry map[string]any
		if err := json.Unmarshal([]byte(line), &entry); err != nil {
			t.Errorf("log line %d is not JSON: %q", i+1, line)
			continue
		}
		if _, ok := entry["severity"].(string); !ok || entry["message"] == nil {
			t.Errorf("log line %d lacks severity or message: %q", i+1, line)
		}
	}
	forbidden := []string{
		"1234-5678", "12345678", "1012345678", "9999-0000", "99990000",
		"/otp/", fake.Origin(), fake.APIKey(), "s3cret-skill-value",
		"홍길동", "길동", "낯선이", "gd@example.com", "example.co", "인사팀",
	}
	for _, s := range forbidden {
		if strings.Contains(logs, s) {
			t.Errorf("the logs contain %q", s)
		}
	}
	// Any phone number, in the forms Kakao and HR write them.
	phone := regexp.MustCompile(`\+82|\b0?1[016789][ -]?\d{3,4}[ -]?\d{4}\b`)
	if m := phone.FindAllString(logs, -1); len(m) > 0 {
		t.Errorf("the logs contain phone numbers: %q", m)
	}
}

func get(t *testing.T, url string) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestServeCommand runs `rollcall serve` as a user does, on a free port, and
// stops it the way Cloud Run does.
func TestServeCommand(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	e.vars["PORT"] = fmt.Sprint(port)

	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var stderr bytes.Buffer
	go func() { done <- run(ctx, []string{"serve"}, e.getenv, &bytes.Buffer{}, &stderr) }()

	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	deadline := time.Now().Add(time.Minute) // a loaded machine's start
	for {
		resp, err := http.Get(base + "/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			stop()
			t.Fatalf("/ready never became 200; logs:\n%s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	stop()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve returned %v, want a clean stop", err)
		}
	case <-time.After(30 * time.Second): // the drain's own deadline is 8 s; this only catches a hang
		t.Fatal("serve did not stop within 30 s")
	}
}

func TestServeCheckConfig(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	e.vars["ROLLCALL_KAKAO_REST_API_KEY"] = "very-secret-kakao-key"
	e.vars["ROLLCALL_SYNC_TOKEN"] = "very-secret-sync-token"
	code, out, errOut := e.run(t, "serve", "--check-config")
	if code != 0 || !strings.Contains(out, "configuration ok") || !strings.Contains(out, "ROLLCALL_KAKAO_REST_API_KEY") {
		t.Errorf("serve --check-config: exit %d, stdout %q, stderr %q; want 0 and the configuration", code, out, errOut)
	}
	if strings.Contains(out+errOut, "very-secret") {
		t.Errorf("serve --check-config printed a secret:\n%s%s", out, errOut)
	}
	e.vars["ROLLCALL_STORE"] = "nonsense:x"
	if code, _, errOut := e.run(t, "serve", "--check-config"); code != 2 || !strings.Contains(errOut, "ROLLCALL_STORE") {
		t.Errorf("serve --check-config with a bad store: exit %d, stderr %q; want 2 naming ROLLCALL_STORE", code, errOut)
	}
}

func TestServeSyncTrigger(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		token      string // configured
		header     string // sent
		query      string
		wantStatus int
	}{
		{"refused when no credential is configured", "", "Bearer anything", "", 401},
		{"no credentials", "tok-123", "", "", 401},
		{"wrong token", "tok-123", "Bearer tok-124", "", 401},
		{"token", "tok-123", "Bearer tok-123", "", 200},
		{"dry run", "tok-123", "Bearer tok-123", "?dry_run=true", 200},
		{"bad query", "tok-123", "Bearer tok-123", "?dry_run=maybe", 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newTestEnv(t)
			e.vars["ROLLCALL_SYNC_TOKEN"] = tt.token
			svc, _, _ := newTestService(t, e, nil)
			req := httptest.NewRequest("POST", "/internal/sync"+tt.query, nil)
			if tt.header != "" {
				req.Header.Set("Authorization", tt.header)
			}
			rec := httptest.NewRecorder()
			svc.server.Handler().ServeHTTP(rec, req)
			if rec.Code != tt.wantStatus {
				t.Fatalf("status = %d (%s), want %d", rec.Code, rec.Body, tt.wantStatus)
			}
			n, err := svc.store.Count(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			wantCount := 0
			if tt.wantStatus == 200 && tt.query == "" {
				wantCount = 10
				var r rostersync.Report
				if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil || r.Added != 10 {
					t.Errorf("report %s: %v; want 10 added", rec.Body, err)
				}
			}
			if n != wantCount {
				t.Errorf("directory holds %d employees, want %d", n, wantCount)
			}
		})
	}
}

func TestServeLimitsFloodsPerUser(t *testing.T) {
	t.Parallel()
	fake := kakaotest.NewServer(t)
	svc, _, ctx := newTestService(t, newTestEnv(t), fake)
	svc.firstSync(ctx)

	ask := func(user string) int {
		body := skillRequest(t, "validation-request.json", fake.Issue(kakaotest.Profile{PhoneNumber: employeePhone}))
		body = strings.ReplaceAll(body, "a3f0c1d2e4b5968778a9b0c1d2e3f40516273849a0b1c2d3e4f5061728394a5b6c", user)
		rec := httptest.NewRecorder()
		svc.server.Handler().ServeHTTP(rec, httptest.NewRequest("POST", "/kakao/validate", strings.NewReader(body)))
		return rec.Code
	}
	statuses := map[int]int{}
	for range 30 {
		statuses[ask("flooding-user")]++
	}
	if statuses[http.StatusTooManyRequests] == 0 || statuses[http.StatusOK] == 0 {
		t.Errorf("30 requests from one user: statuses %v, want some 200 then 429", statuses)
	}
	if code := ask("another-user"); code != http.StatusOK {
		t.Errorf("another user during the flood: status %d, want 200", code)
	}
	kakaoCalls := len(fake.Requests())
	if kakaoCalls != statuses[http.StatusOK]+1 {
		t.Errorf("Kakao was asked %d times, want %d: a refused request must not reach Kakao", kakaoCalls, statuses[http.StatusOK]+1)
	}
}
