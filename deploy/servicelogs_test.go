package deploy

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/rollcall/rollcall/internal/kakao/kakaotest"
)

const (
	logsSkillSecret = "deploytest-skill-secret"
	logsSyncToken   = "deploytest-sync-token-0123456789"
)

// captureLogs runs `rollcall serve`, the binary Cloud Run runs, with a fake
// Kakao through what the metrics count — verifications answered SUCCESS,
// FAIL and ERROR; syncs finished (applied and dry), refused by the brake and
// failed (a 5xx) — and returns the JSON lines it wrote, so that the metrics
// are checked against the service's own lines, not lines written down here.
func captureLogs(t *testing.T) ([]map[string]any, error) {
	bin := rollcallBinary(t)
	fake, err := kakaotest.Start(kakaotest.PlainHTTP())
	if err != nil {
		return nil, err
	}
	defer fake.Close()
	dir, err := os.MkdirTemp("", "rollcall-logs-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	sheet := filepath.Join(dir, "employees.csv")
	example, err := os.ReadFile(filepath.Join(repoRoot(t), "examples", "employees.csv"))
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(sheet, example, 0o600); err != nil {
		return nil, err
	}

	srv := startServe(t, bin, dir,
		"ROLLCALL_SOURCE="+sheet,
		"ROLLCALL_STORE=bolt:"+filepath.Join(dir, "rollcall.db"),
		"ROLLCALL_KAKAO_REST_API_KEY="+fake.APIKey(),
		"ROLLCALL_KAKAO_OTP_ORIGINS="+fake.Origin(),
		"ROLLCALL_SKILL_SECRET="+logsSkillSecret,
		"ROLLCALL_SYNC_TOKEN="+logsSyncToken,
	)
	srv.waitFor(t, func() bool { return srv.status(t, "/ready") == http.StatusOK }, "/ready to answer 200 after the first sync")

	request, err := os.ReadFile(filepath.Join(repoRoot(t), "internal", "kakao", "testdata", "kakao", "validation-request.json"))
	if err != nil {
		return nil, err
	}
	var body map[string]any
	if err := json.Unmarshal(request, &body); err != nil {
		return nil, fmt.Errorf("validation-request.json: %w", err)
	}
	validate := func(p kakaotest.Profile, want string) error {
		body["value"] = map[string]any{"origin": fake.Issue(p)}
		b, _ := json.Marshal(body)
		code, answer, err := srv.post("/kakao/validate", string(b), "X-Rollcall-Secret", logsSkillSecret)
		if err != nil || code != http.StatusOK || !strings.Contains(answer, `"`+want+`"`) {
			return fmt.Errorf("POST /kakao/validate: %d %s (%w), want 200 with %s", code, answer, err, want)
		}
		return nil
	}
	if err := validate(kakaotest.Profile{AppUserID: 1, PhoneNumber: "+82 10-1234-5678"}, "SUCCESS"); err != nil {
		return nil, err
	}
	if err := validate(kakaotest.Profile{AppUserID: 2, PhoneNumber: "+82 10-9999-0000"}, "FAIL"); err != nil {
		return nil, err
	}
	fake.SetBehavior(kakaotest.InternalError)
	if err := validate(kakaotest.Profile{AppUserID: 3, PhoneNumber: "+82 10-1234-5678"}, "ERROR"); err != nil {
		return nil, err
	}
	fake.SetBehavior(kakaotest.Normal)

	sync := func(query string, want int) error {
		code, answer, err := srv.post("/internal/sync"+query, "", "Authorization", "Bearer "+logsSyncToken)
		if err != nil || code != want {
			return fmt.Errorf("POST /internal/sync%s: %d %s (%w), want %d", query, code, answer, err, want)
		}
		return nil
	}
	if err := sync("", http.StatusOK); err != nil {
		return nil, err
	}
	if err := sync("?dry_run=true", http.StatusOK); err != nil {
		return nil, err
	}
	// Five of the ten employees gone trips the deletion brake; the title and
	// header rows (lines 1-3) stay.
	lines := strings.Split(string(example), "\n")
	if err := os.WriteFile(sheet, []byte(strings.Join(slices.Delete(lines, 3, 8), "\n")), 0o600); err != nil {
		return nil, err
	}
	if err := sync("", http.StatusConflict); err != nil {
		return nil, err
	}
	if err := os.Remove(sheet); err != nil {
		return nil, err
	}
	if err := sync("", http.StatusBadGateway); err != nil {
		return nil, err
	}
	srv.stop(t)

	var out []map[string]any
	for line := range strings.Lines(srv.stderr.String()) {
		var entry map[string]any
		if err := json.Unmarshal([]byte(line), &entry); err != nil {
			return nil, fmt.Errorf("log line %q is not JSON: %w", line, err)
		}
		out = append(out, entry)
	}
	return out, nil
}

// post sends a POST with one header and returns the status and body.
func (s *server) post(path, body, header, value string) (int, string, error) {
	req, err := http.NewRequest(http.MethodPost, s.base+path, strings.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(header, value)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

// TestLogMetricFiltersMatchTheServiceLogs evaluates every log-based metric's
// filter and extractors on the lines the service wrote: each matches some
// lines and not all, extracts its labels and value from every line it
// matches, and the label values the policies and the dashboard select on
// are among those extracted.
func TestLogMetricFiltersMatchTheServiceLogs(t *testing.T) {
	t.Parallel()
	const service = "rollcall"
	var entries []map[string]any
	lines, err := captureLogs(t)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range lines {
		entries = append(entries, logEntry(line, service))
	}
	metrics := loadMetrics(t)
	seen := map[string]map[string]map[string]bool{} // metric → label → values
	for _, name := range sortedKeys(metrics) {
		m := metrics[name]
		filter := strings.ReplaceAll(m.Filter, "${SERVICE}", service)
		seen[name] = map[string]map[string]bool{}
		matched := 0
		for _, e := range entries {
			ok, err := matches(filter, e)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if !ok {
				continue
			}
			matched++
			for label, extractor := range m.LabelExtractors {
				v, ok, err := extract(extractor, e)
				if err != nil || !ok || v == "" {
					t.Errorf("%s: label %s = %s finds nothing (%v) in %v", name, label, extractor, err, e["jsonPayload"])
					continue
				}
				if seen[name][label] == nil {
					seen[name][label] = map[string]bool{}
				}
				seen[name][label][v] = true
			}
			if m.ValueExtractor != "" {
				v, ok, err := extract(m.ValueExtractor, e)
				if _, perr := strconv.ParseFloat(v, 64); err != nil || !ok || perr != nil {
					t.Errorf("%s: value %s = %q (%v), not a number, in %v", name, m.ValueExtractor, v, err, e["jsonPayload"])
				}
			}
		}
		if matched == 0 || matched == len(entries) {
			t.Errorf("%s matches %d of the service's %d log lines; want some, not all:\n%s", name, matched, len(entries), filter)
		}
	}
	for _, u := range allMetricUses(t) {
		if _, ok := metrics[u.metric]; !ok {
			continue
		}
		for label, value := range u.labels {
			if resourceLabels[label] {
				continue
			}
			if !seen[u.metric][label][value] {
				t.Errorf("%s selects %s{%s=%q}, a value the service's lines never gave (they gave %v)",
					u.where, u.metric, label, value, sortedKeys(seen[u.metric][label]))
			}
		}
	}
	// The verifications' outcomes are all there, so the ERROR share has its
	// numerator and denominator.
	if got := sortedKeys(seen["rollcall_verifications"]["outcome"]); !slices.Equal(got, []string{"employee", "not_employee", "undecided"}) {
		t.Errorf("verification outcomes seen %v, want employee, not_employee, undecided", got)
	}
	if got := sortedKeys(seen["rollcall_syncs"]["result"]); !slices.Equal(got, []string{"failed", "finished", "refused"}) {
		t.Errorf("sync results seen %v, want failed, finished, refused", got)
	}
}
