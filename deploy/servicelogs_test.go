package deploy

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
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

// Cloud Logging's query terms and extractors on a jsonPayload field, read
// one at a time: this checks that each names what the service writes, and
// does not evaluate the query language.
var (
	payloadTerm    = regexp.MustCompile(`jsonPayload\.([a-z_]+)\s*(=~|=|:)\s*("(?:[^"\\]|\\.)*"|[^\s)]+)`)
	payloadExtract = regexp.MustCompile(`^(?:EXTRACT\(jsonPayload\.([a-z_]+)\)|REGEXP_EXTRACT\(jsonPayload\.([a-z_]+), "((?:[^"\\]|\\.)*)"\))$`)
)

// fieldValues are the values each jsonPayload field took in the service's
// lines, as text.
type fieldValues map[string]map[string]bool

// extracted returns what extractor (EXTRACT or REGEXP_EXTRACT of one
// field) draws from the service's lines.
func (fv fieldValues) extracted(t *testing.T, extractor string) map[string]bool {
	t.Helper()
	m := payloadExtract.FindStringSubmatch(extractor)
	if m == nil {
		t.Fatalf("extractor %s: not EXTRACT(jsonPayload.field) or REGEXP_EXTRACT(jsonPayload.field, \"re\")", extractor)
	}
	if m[1] != "" {
		return fv[m[1]]
	}
	re := regexp.MustCompile(strings.ReplaceAll(m[3], `\\`, `\`))
	got := map[string]bool{}
	for v := range fv[m[2]] {
		if sub := re.FindStringSubmatch(v); len(sub) == 2 {
			got[sub[1]] = true
		}
	}
	return got
}

// TestLogMetricsReadWhatTheServiceWrites checks every log-based metric
// against the lines the service wrote: each jsonPayload field its filter
// and extractors name is in them, each value or pattern its filter compares
// a field with is among that field's values, its value extractor draws
// numbers, and the label values the policies and the dashboard select on
// are among those its label extractors draw.
func TestLogMetricsReadWhatTheServiceWrites(t *testing.T) {
	t.Parallel()
	lines, err := captureLogs(t)
	if err != nil {
		t.Fatal(err)
	}
	fv := fieldValues{}
	for _, line := range lines {
		for k, v := range line {
			if fv[k] == nil {
				fv[k] = map[string]bool{}
			}
			fv[k][fmt.Sprint(v)] = true
		}
	}
	metrics := loadMetrics(t)
	for _, name := range sortedKeys(metrics) {
		m := metrics[name]
		for _, term := range payloadTerm.FindAllStringSubmatch(m.Filter, -1) {
			field, op, want := term[1], term[2], term[3]
			values := fv[field]
			if len(values) == 0 {
				t.Errorf("%s: the filter reads jsonPayload.%s, which no line of the service has", name, field)
				continue
			}
			found := false
			for v := range values {
				switch {
				case op == ":" && want == "*":
					found = true
				case op == "=~":
					found = found || regexp.MustCompile(strings.Trim(want, `"`)).MatchString(v)
				case op == "=":
					found = found || v == strings.Trim(want, `"`)
				default:
					t.Fatalf("%s: term %s: an operator this test does not read", name, term[0])
				}
			}
			if !found {
				t.Errorf("%s: the filter's %s matches no line of the service (jsonPayload.%s was %v)", name, term[0], field, sortedKeys(values))
			}
		}
		if m.ValueExtractor != "" {
			for v := range fv.extracted(t, m.ValueExtractor) {
				if _, err := strconv.ParseFloat(v, 64); err != nil {
					t.Errorf("%s: the value %s drew %q, not a number", name, m.ValueExtractor, v)
				}
			}
		}
	}
	for _, u := range allMetricUses(t) {
		m, ok := metrics[u.metric]
		if !ok {
			continue
		}
		for label, value := range u.labels {
			if resourceLabels[label] {
				continue
			}
			if got := fv.extracted(t, m.LabelExtractors[label]); !got[value] {
				t.Errorf("%s selects %s{%s=%q}, a value the service's lines never gave (they gave %v)", u.where, u.metric, label, value, sortedKeys(got))
			}
		}
	}
	// Every outcome and result is written, so that a share has its
	// numerator and its denominator.
	if got := sortedKeys(fv.extracted(t, metrics["rollcall_verifications"].LabelExtractors["outcome"])); !slices.Equal(got, []string{"employee", "not_employee", "undecided"}) {
		t.Errorf("verification outcomes written %v, want employee, not_employee, undecided", got)
	}
	if got := sortedKeys(fv.extracted(t, metrics["rollcall_syncs"].LabelExtractors["result"])); !slices.Equal(got, []string{"failed", "finished", "refused"}) {
		t.Errorf("sync results written %v, want failed, finished, refused", got)
	}
}
