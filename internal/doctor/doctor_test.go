package doctor

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"testing"
	"time"

	"github.com/rollcall/rollcall/internal/config"
	"github.com/rollcall/rollcall/internal/origin"
	"github.com/rollcall/rollcall/internal/roster"
	"github.com/rollcall/rollcall/internal/rostersync"
)

// rowsSource is a hand-written Source.
type rowsSource struct {
	rows [][]string
	err  error
}

func (s rowsSource) Rows(context.Context) ([][]string, error) { return s.rows, s.err }

// fakeStore is a hand-written Store holding hashes, runs and a lease.
type fakeStore struct {
	hashes map[string]string
	last   time.Time
	runs   []rostersync.Report
	lease  *rostersync.Lease
	err    error
}

func (s fakeStore) Hashes(context.Context) (map[string]string, error) { return s.hashes, s.err }
func (s fakeStore) Count(context.Context) (int, error)                { return len(s.hashes), s.err }
func (s fakeStore) LastSync(context.Context) (time.Time, error)       { return s.last, s.err }
func (s fakeStore) Runs(context.Context, int) ([]rostersync.Report, error) {
	return s.runs, s.err
}

func (s fakeStore) Lease(context.Context) (rostersync.Lease, bool, error) {
	if s.lease == nil {
		return rostersync.Lease{}, false, s.err
	}
	return *s.lease, true, s.err
}

// remedied is an adapter's error that offers its fix.
type remedied struct{ msg, fix string }

func (e remedied) Error() string  { return e.msg }
func (e remedied) Remedy() string { return e.fix }

var now = time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)

// sheet is a header and n employees with phones 010-0000-0001...
func sheet(n int) [][]string {
	rows := [][]string{{"이름", "휴대전화", "비고"}}
	for i := 1; i <= n; i++ {
		rows = append(rows, []string{fmt.Sprintf("직원%d", i), fmt.Sprintf("010-0000-%04d", i), ""})
	}
	return rows
}

// storedHashes is what a store holds after syncing sheet(n).
func storedHashes(t *testing.T, n int) map[string]string {
	t.Helper()
	r, err := roster.ParseRoster(sheet(n), now)
	if err != nil {
		t.Fatal(err)
	}
	h := map[string]string{}
	for _, e := range r.Employees {
		h[e.Phone] = e.Hash()
	}
	return h
}

func healthy(t *testing.T) Setup {
	origins, err := origin.Parse([]string{"https://talk-plugin-capi.kakao.com"})
	if err != nil {
		t.Fatal(err)
	}
	return Setup{
		Config: config.Config{
			Source: config.Source{Location: "sheet"},
			Store:  config.Store{Kind: config.StoreFirestore, Project: "p"},
			Kakao:  config.Kakao{RESTAPIKey: "k", Origins: origins, Timeout: time.Second, SkillSecret: "s", BotID: "bot"},
			Sync: config.Sync{Invokers: []string{"s@p.iam.gserviceaccount.com"}, Audience: "https://x/internal/sync",
				MaxDeletePercent: 20},
			Bindings: config.Bindings{AuthBlockID: "b"},
			Texts:    config.Texts{Verified: "{name}님"},
		},
		Account: func(context.Context) (string, error) { return "rollcall-runtime@p.iam.gserviceaccount.com", nil },
		Source:  rowsSource{rows: sheet(10)},
		Store: fakeStore{hashes: storedHashes(t, 10), last: now.Add(-time.Minute),
			runs: []rostersync.Report{{StartedAt: now.Add(-time.Minute)}}},
		Now: func() time.Time { return now },
	}
}

func check(t *testing.T, r Result, name string) Check {
	t.Helper()
	for _, c := range r.Checks {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no %s check in %+v", name, r)
	return Check{}
}

func TestRunHealthy(t *testing.T) {
	t.Parallel()
	r := Run(context.Background(), healthy(t))
	if r.Status != OK {
		var b bytes.Buffer
		_ = r.WriteText(&b)
		t.Fatalf("status %s, want ok:\n%s", r.Status, b.String())
	}
	for _, c := range r.Checks {
		if c.Fix != "" {
			t.Errorf("%s is ok but has a fix %q", c.Name, c.Fix)
		}
	}
	if c := check(t, r, CheckHeader); !strings.Contains(c.Detail, `phone ← B "휴대전화"`) || !strings.Contains(c.Detail, `ignored: "비고"`) {
		t.Errorf("header detail %q", c.Detail)
	}
	if c := check(t, r, CheckRows); !strings.Contains(c.Detail, "leave 10 unchanged") {
		t.Errorf("rows detail %q", c.Detail)
	}
}

func TestRunFindsWhatIsWrong(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(s *Setup)
		check  string
		status Status
		say    string // in the detail
		fix    string // in the fix
	}{
		{"bad configuration", func(s *Setup) { s.ConfigProblems = []string{"ROLLCALL_STORE: \"x\": want bolt:PATH"} },
			CheckConfig, Fail, "ROLLCALL_STORE", "correct the variables"},
		{"source refused, with the adapter's fix", func(s *Setup) {
			s.Source = rowsSource{err: remedied{"read spreadsheet X: denied", "share the spreadsheet with a@b as Viewer"}}
		}, CheckSource, Fail, "denied", "share the spreadsheet with a@b"},
		{"no phone column", func(s *Setup) { s.Source = rowsSource{rows: [][]string{{"이름", "부서"}, {"가", "나"}}} },
			CheckHeader, Fail, "no phone header", "휴대전화"},
		{"the brake would refuse", func(s *Setup) { s.Source = rowsSource{rows: sheet(5)} },
			CheckRows, Warn, "delete 5", "--force"},
		{"store refused", func(s *Setup) {
			s.Store = fakeStore{err: remedied{"no Firestore database", "create it in Native mode"}}
		}, CheckStore, Fail, "no Firestore database", "Native mode"},
		{"store file not made yet", func(s *Setup) {
			s.Config.Store = config.Store{Kind: config.StoreBolt, Path: "rollcall.db"}
			s.Store, s.StoreErr = nil, fmt.Errorf("x: %w", fs.ErrNotExist)
		}, CheckStore, Warn, "does not exist yet", "rollcall sync"},
		{"Firestore credentials file missing", func(s *Setup) {
			s.Store, s.StoreErr = nil, fmt.Errorf("find credentials: %w", fs.ErrNotExist)
		}, CheckStore, Fail, "find credentials", "correct ROLLCALL_STORE"},
		{"sync overdue", func(s *Setup) {
			st := s.Store.(fakeStore)
			st.last = now.Add(-3 * time.Hour)
			s.Store = st
		}, CheckStore, Warn, "3h0m0s ago", "Cloud Scheduler"},
		{"last run failed", func(s *Setup) {
			st := s.Store.(fakeStore)
			st.runs = []rostersync.Report{{StartedAt: now, Error: "could not read the sheet"}}
			s.Store = st
		}, CheckStore, Warn, "failed: could not read the sheet", "source"},
		{"Kakao refuses the key", func(s *Setup) {
			s.KakaoProbe = func(context.Context) error { return remedied{"ip mismatched", "add the address"} }
		}, CheckKakao, Fail, "ip mismatched", "add the address"},
		{"Kakao unreachable", func(s *Setup) {
			s.KakaoProbe = func(context.Context) error { return errors.New("dial tcp: timeout") }
		}, CheckKakao, Warn, "not checked", "network"},
		{"no key", func(s *Setup) { s.Config.Kakao.RESTAPIKey = "" }, CheckKakao, Warn, "not set", "ROLLCALL_KAKAO_REST_API_KEY"},
		{"no key on Cloud Run", func(s *Setup) { s.Config.Kakao.RESTAPIKey, s.Config.CloudRun = "", true }, CheckKakao, Fail, "not set", "App Keys"},
		{"no secret on Cloud Run", func(s *Setup) { s.Config.Kakao.SkillSecret, s.Config.CloudRun = "", true },
			CheckProtection, Fail, "refuses to start", "ROLLCALL_SKILL_SECRET"},
		{"open for development", func(s *Setup) {
			s.Config.Kakao.SkillSecret, s.Config.Kakao.BotID, s.Config.Bindings.AuthBlockID = "", "", ""
			s.Config.Sync = config.Sync{MaxDeletePercent: 20}
		}, CheckProtection, Warn, "no skill secret; no bot id", "ROLLCALL_AUTH_BLOCK_ID"},
		{"feedback tab read-only", func(s *Setup) {
			s.CheckFeedback = func(context.Context) error { return remedied{"denied", "share it as Editor"} }
			s.Config.Source.FeedbackTab = "결과"
		}, CheckFeedback, Fail, "denied", "as Editor"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := healthy(t)
			tt.change(&s)
			r := Run(context.Background(), s)
			c := check(t, r, tt.check)
			if c.Status != tt.status || !strings.Contains(c.Detail, tt.say) || !strings.Contains(c.Fix, tt.fix) {
				t.Errorf("%s check = %+v, want %s saying %q with a fix saying %q", tt.check, c, tt.status, tt.say, tt.fix)
			}
			if r.Status.rank() < tt.status.rank() || r.Failed() != (tt.status == Fail) {
				t.Errorf("overall status %s, want at least %s", r.Status, tt.status)
			}
			var b bytes.Buffer
			if err := r.WriteText(&b); err != nil {
				t.Fatal(err)
			}
			for _, line := range strings.Split(strings.TrimSpace(b.String()), "\n") {
				if f := strings.Fields(line); f[0] != string(OK) && f[0] != string(Warn) && f[0] != string(Fail) {
					t.Errorf("line %q does not start with its status", line)
				}
			}
			if strings.Contains(b.String(), "010-0000") || strings.Contains(b.String(), "직원1") {
				t.Errorf("the text shows a phone or a name:\n%s", b.String())
			}
		})
	}
}

// TestStoreLease: a lease past its time was not released (a sync stopped
// midway): a warning; a lease in time is a sync running.
func TestStoreLease(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		expires time.Time
		status  Status
		say     string
	}{
		{now.Add(-time.Minute), Warn, "expired at 2026-12-06T11:59:00Z unreleased"},
		{now.Add(time.Minute), OK, "a sync is running (host/1/ab"},
	} {
		s := healthy(t)
		st := s.Store.(fakeStore)
		st.lease = &rostersync.Lease{Holder: "host/1/ab", AcquiredAt: now.Add(-2 * time.Minute), ExpiresAt: tt.expires}
		s.Store = st
		c := check(t, Run(context.Background(), s), CheckStore)
		if c.Status != tt.status || !strings.Contains(c.Detail, tt.say) {
			t.Errorf("store check %+v, want %s saying %q", c, tt.status, tt.say)
		}
	}
}
