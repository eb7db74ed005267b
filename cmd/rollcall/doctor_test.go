package main

// Issue 21's acceptance for `rollcall doctor`: the example sheet on the
// embedded store, then the Google Sheet of the wire-format fake with each
// failure a set-up meets reproduced: the right fail line and fix, exit 1,
// and nothing written anywhere (the fake's write log and the store file).

import (
	"crypto/sha256"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rollcall/rollcall/internal/doctor"
	"github.com/rollcall/rollcall/internal/kakao/kakaotest"
	"github.com/rollcall/rollcall/internal/sheets/sheetstest"
)

// doctorJSON runs `rollcall doctor --json` and decodes its answer.
func doctorJSON(t *testing.T, e *testEnv) (int, doctor.Result, string) {
	t.Helper()
	code, out, errOut := e.run(t, "doctor", "--json")
	var r doctor.Result
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("doctor --json printed %q (stderr %s): %v", out, errOut, err)
	}
	return code, r, errOut
}

func checkNamed(r doctor.Result, name string) doctor.Check {
	for _, c := range r.Checks {
		if c.Name == name {
			return c
		}
	}
	return doctor.Check{}
}

func fileSum(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// piiRE finds a phone, an email or a name of the example sheet; a phone's
// 010 must start a number, not sit inside a timestamp's digits or its
// fraction of a second (".010514087").
var piiRE = regexp.MustCompile(`(?:^|[^0-9.])010[- ]?\d{4}|\+82|@example|홍길동|김하늘|gildong`)

func TestDoctorOnTheExampleSheet(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	db := filepath.Join(e.dir, "rollcall.db")

	// A fresh checkout: no store file yet, and doctor makes none.
	code, r, _ := doctorJSON(t, e)
	if code != 0 || r.Status == doctor.Fail {
		t.Fatalf("doctor before any sync: exit %d, %+v; want exit 0", code, r)
	}
	if _, err := os.Stat(db); err == nil {
		t.Error("doctor created the store file")
	}
	if c := checkNamed(r, doctor.CheckStore); c.Status != doctor.Warn || !strings.Contains(c.Fix, "rollcall sync") {
		t.Errorf("store check before any sync = %+v, want a warning to sync", c)
	}

	if code, _ := syncJSON(t, e); code != 0 {
		t.Fatalf("sync exit %d", code)
	}
	before := fileSum(t, db)
	code, out, errOut := e.run(t, "doctor")
	if code != 0 {
		t.Fatalf("doctor exit %d:\n%s\n%s", code, out, errOut)
	}
	if fileSum(t, db) != before {
		t.Error("doctor changed the store file")
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var names []string
	for _, l := range lines {
		f := strings.Fields(l)
		if f[0] != "ok" && f[0] != "warn" {
			t.Errorf("line %q is neither ok nor warn", l)
		}
		names = append(names, f[1])
	}
	want := "config identity source header rows store kakao protection texts"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("checks %q, want %q", got, want)
	}
	for _, s := range []string{`phone ← D "휴대폰 번호"`, `name ← A "성명"`, "row 3", "row 14 invalid_phone",
		"a sync would add 0, update 0, delete 0, leave 10 unchanged", "10 employees"} {
		if !strings.Contains(out, s) {
			t.Errorf("doctor does not say %q:\n%s", s, out)
		}
	}
	if m := piiRE.FindString(out + errOut); m != "" {
		t.Errorf("doctor printed personal data %q:\n%s\n%s", m, out, errOut)
	}
}

// newDoctorSheetEnv is a rollcall reading the fake's Google Sheet, with a
// feedback tab, into a bolt store that one sync has filled.
func newDoctorSheetEnv(t *testing.T) (*testEnv, *sheetstest.Server) {
	t.Helper()
	e := newTestEnv(t)
	fake := sheetstest.NewServer(t)
	fake.SetSheet(sheetID, staffSheet(staffRows)...)
	e.vars["ROLLCALL_SOURCE"] = sheetURL
	e.vars["ROLLCALL_SHEETS_ENDPOINT"] = fake.URL
	e.vars["ROLLCALL_FEEDBACK_TAB"] = "rollcall 결과"
	if code, r := syncJSON(t, e); code != 0 || r.Added != 5 {
		t.Fatalf("first sync: exit %d, %+v", code, r)
	}
	return e, fake
}

func TestDoctorOnAGoogleSheet(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		setup func(e *testEnv, f *sheetstest.Server)
		check string // the failing check
		say   []string
		fix   string
	}{
		{name: "healthy"},
		{
			name:  "sheet not shared",
			setup: func(_ *testEnv, f *sheetstest.Server) { f.Deny(sheetID) },
			check: doctor.CheckSource, say: []string{"denied", "The caller does not have permission"},
			fix: "share the spreadsheet with",
		},
		{
			name:  "Sheets API disabled",
			setup: func(_ *testEnv, f *sheetstest.Server) { f.FailAlways(sheetstest.ServiceDisabled("123456789012")) },
			check: doctor.CheckSource, say: []string{"Google Sheets API is disabled"},
			fix: "gcloud services enable sheets.googleapis.com",
		},
		{
			name: "wrong id",
			setup: func(e *testEnv, _ *sheetstest.Server) {
				e.vars["ROLLCALL_SOURCE"] = "1Rc4llE2eNoSuchSheet_0123456789abcdefGHIJKLm"
			},
			check: doctor.CheckSource, say: []string{"spreadsheet not found", "Requested entity was not found."},
			fix: "ROLLCALL_SOURCE",
		},
		{
			name:  "wrong tab",
			setup: func(e *testEnv, _ *sheetstest.Server) { e.vars["ROLLCALL_SHEET_RANGE"] = "직원 목록!A:F" },
			check: doctor.CheckSource, say: []string{"Unable to parse range", `"안내", "직원목록"`},
			fix: `set ROLLCALL_SHEET_RANGE to one of the tabs "안내", "직원목록"`,
		},
		{
			name:  "quota",
			setup: func(_ *testEnv, f *sheetstest.Server) { f.FailAlways(sheetstest.QuotaExceeded("123456789012")) },
			check: doctor.CheckSource, say: []string{"quota is exceeded", "Quota exceeded for quota metric"},
			fix: "higher Sheets API quota",
		},
		{
			name:  "feedback tab shared as Viewer",
			setup: func(_ *testEnv, f *sheetstest.Server) { f.ShareAsViewer(sheetID) },
			check: doctor.CheckFeedback, say: []string{`feedback tab "rollcall 결과"`, "denied"},
			fix: "as Editor",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e, fake := newDoctorSheetEnv(t)
			db := filepath.Join(e.dir, "rollcall.db")
			writes, sum := len(fake.Writes(sheetID)), fileSum(t, db)
			if tt.setup != nil {
				tt.setup(e, fake)
			}
			code, r, errOut := doctorJSON(t, e)

			if got := len(fake.Writes(sheetID)); got != writes {
				t.Errorf("doctor made %d writes to the spreadsheet, want none", got-writes)
			}
			if fileSum(t, db) != sum {
				t.Error("doctor changed the store file")
			}
			b, _ := json.Marshal(r)
			if m := piiRE.FindString(string(b) + errOut); m != "" {
				t.Errorf("doctor printed personal data %q: %s %s", m, b, errOut)
			}
			if tt.check == "" {
				if code != 0 || r.Status == doctor.Fail {
					t.Fatalf("exit %d, %s; want 0 and no failure", code, b)
				}
				if c := checkNamed(r, doctor.CheckFeedback); c.Status != doctor.OK {
					t.Errorf("feedback check %+v, want ok", c)
				}
				if c := checkNamed(r, doctor.CheckSource); !strings.Contains(c.Detail, `reading 직원목록`) {
					t.Errorf("source check %+v does not name the tab read", c)
				}
				return
			}
			if code != 1 || r.Status != doctor.Fail {
				t.Errorf("exit %d, status %s; want 1 and fail", code, r.Status)
			}
			c := checkNamed(r, tt.check)
			if c.Status != doctor.Fail {
				t.Fatalf("%s check %+v, want fail (all: %s)", tt.check, c, b)
			}
			for _, s := range tt.say {
				if !strings.Contains(c.Detail, s) {
					t.Errorf("%s detail %q does not say %q", tt.check, c.Detail, s)
				}
			}
			if !strings.Contains(c.Fix, tt.fix) {
				t.Errorf("%s fix %q does not say %q", tt.check, c.Fix, tt.fix)
			}
		})
	}
}

// TestSyncNamesTheTabsOfAWrongRange: `rollcall sync` says which tabs exist.
func TestSyncNamesTheTabsOfAWrongRange(t *testing.T) {
	t.Parallel()
	e, fake := newDoctorSheetEnv(t)
	e.vars["ROLLCALL_SHEET_RANGE"] = "NOPE!A5:F15"
	writes := len(fake.Writes(sheetID))
	code, r := syncJSON(t, e)
	if code != 1 || !strings.Contains(r.Error, `the spreadsheet's tabs are "안내", "직원목록"`) {
		t.Errorf("sync with a wrong tab: exit %d, error %q; want 1 and the tabs named", code, r.Error)
	}
	if got := len(fake.Writes(sheetID)); got != writes {
		t.Errorf("%d writes after an unread sheet, want none", got-writes)
	}
}

// TestDoctorEndpoint: GET /internal/doctor answers 401 without the sync
// credentials, and with them the CLI's checks, run by the service itself.
func TestDoctorEndpoint(t *testing.T) {
	t.Parallel()
	e, fake := newDoctorSheetEnv(t)
	kakao := kakaotest.NewServer(t)
	e.vars["ROLLCALL_SYNC_TOKEN"] = "doctor-sync-token"
	svc, logs, ctx := newTestService(t, e, kakao)
	svc.firstSync(ctx)
	ts := httptest.NewServer(svc.server.Handler())
	defer ts.Close()
	writes := len(fake.Writes(sheetID))

	for _, auth := range []string{"", "Bearer wrong"} {
		req, _ := http.NewRequest(http.MethodGet, ts.URL+"/internal/doctor", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("GET /internal/doctor with %q = %d, want 401", auth, resp.StatusCode)
		}
	}
	req, _ := http.NewRequest(http.MethodGet, ts.URL+"/internal/doctor", nil)
	req.Header.Set("Authorization", "Bearer doctor-sync-token")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var served doctor.Result
	if err := json.NewDecoder(resp.Body).Decode(&served); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /internal/doctor = %d, %v", resp.StatusCode, err)
	}
	if c := checkNamed(served, doctor.CheckKakao); c.Status != doctor.OK || !strings.Contains(c.Detail, "Kakao did not refuse it") {
		t.Errorf("kakao check %+v, want the key not refused by the fake", c)
	}
	if got := len(fake.Writes(sheetID)); got != writes {
		t.Errorf("the endpoint made %d writes to the spreadsheet, want none", got-writes)
	}
	b, _ := json.Marshal(served)
	if m := piiRE.FindString(string(b) + logs.String()); m != "" || strings.Contains(string(b)+logs.String(), kakao.APIKey()) {
		t.Errorf("the endpoint or its log shows personal data or the key %q: %s", m, b)
	}

	// The CLI, once the service has let the store file go: the same checks.
	svc.store.Close()
	_, cli, _ := doctorJSON(t, e)
	summary := func(r doctor.Result) []string {
		var out []string
		for _, c := range r.Checks {
			if c.Name != doctor.CheckKakao { // the CLI's probe has no fake to ask
				out = append(out, c.Name+" "+string(c.Status))
			}
		}
		return out
	}
	if diff := cmp.Diff(summary(cli), summary(served)); diff != "" {
		t.Errorf("endpoint and CLI checks differ (-cli +endpoint):\n%s", diff)
	}
}

// TestDoctorWithABadConfiguration: a configuration that does not load is a
// failed check (exit 1) naming the variables; serve refuses it (exit 2).
func TestDoctorWithABadConfiguration(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	e.vars["ROLLCALL_TEXT_NOT_EMPLOYEE"] = "{name}님은 명단에 없어요."
	e.vars["ROLLCALL_TEXT_VERIFY_BUTTON"] = "임직원 인증 하러 가기 버튼"
	code, out, _ := e.run(t, "doctor")
	if code != 1 || !strings.HasPrefix(out, "fail  config") ||
		!strings.Contains(out, "ROLLCALL_TEXT_NOT_EMPLOYEE") || !strings.Contains(out, "ROLLCALL_TEXT_VERIFY_BUTTON") {
		t.Errorf("doctor with bad texts: exit %d\n%s\nwant 1 and a failed config check naming both", code, out)
	}
	if code, _, errOut := e.run(t, "serve", "--check-config"); code != 2 || !strings.Contains(errOut, "ROLLCALL_TEXT_NOT_EMPLOYEE") {
		t.Errorf("serve with bad texts: exit %d, stderr %q; want 2 naming the variable", code, errOut)
	}
	if code, _, _ := e.run(t, "doctor", "--nope"); code != 2 {
		t.Errorf("doctor --nope: exit %d, want 2", code)
	}
}

// TestServeSpeaksTheCompanysWords: ROLLCALL_TEXT_* reach the service's
// answers, and the doctor shows them.
func TestServeSpeaksTheCompanysWords(t *testing.T) {
	t.Parallel()
	fake := kakaotest.NewServer(t)
	e := newTestEnv(t)
	e.vars["ROLLCALL_TEXT_NOT_EMPLOYEE"] = "명단에 없어요. 총무팀 김대리(내선 1234)에게 문의해 주세요."
	e.vars["ROLLCALL_TEXT_VERIFIED"] = "{name}님, 환영합니다."
	svc, _, ctx := newTestService(t, e, fake)
	svc.firstSync(ctx)
	ts := httptest.NewServer(svc.server.Handler())
	defer ts.Close()
	post := func(path, file string, p kakaotest.Profile) string {
		t.Helper()
		resp, err := http.Post(ts.URL+path, "application/json", strings.NewReader(skillRequest(t, file, fake.Issue(p))))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	if got := post("/kakao/validate", "validation-request.json", kakaotest.Profile{AppUserID: 2, PhoneNumber: strangerPhone}); !strings.Contains(got, "총무팀 김대리(내선 1234)") {
		t.Errorf("validate stranger = %s, want the company's words", got)
	}
	if got := post("/kakao/skill", "skill-request.json", kakaotest.Profile{AppUserID: 1, PhoneNumber: employeePhone}); !strings.Contains(got, "홍길동님, 환영합니다.") {
		t.Errorf("skill employee = %s, want the company's greeting", got)
	}
	svc.store.Close()
	if _, out, _ := e.run(t, "doctor"); !strings.Contains(out, `2 of 8 texts set by the deployment: VERIFIED "{name}님, 환영합니다."`) {
		t.Errorf("doctor does not show the texts in effect:\n%s", out)
	}
}
