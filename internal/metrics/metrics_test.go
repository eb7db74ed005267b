package metrics_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/rollcall/rollcall/internal/kakao"
	"github.com/rollcall/rollcall/internal/kakao/kakaotest"
	"github.com/rollcall/rollcall/internal/logging"
	"github.com/rollcall/rollcall/internal/metrics"
	"github.com/rollcall/rollcall/internal/openbuilder"
	"github.com/rollcall/rollcall/internal/origin"
	"github.com/rollcall/rollcall/internal/roster"
	"github.com/rollcall/rollcall/internal/rostersync"
	"github.com/rollcall/rollcall/internal/verify"
)

// The decorators are what they wrap.
var (
	_ metrics.SyncRunner   = (*rostersync.Engine)(nil)
	_ metrics.Verifier     = (*verify.Verifier)(nil)
	_ openbuilder.Verifier = (*metrics.ObservedVerifier)(nil)
)

func TestMain(m *testing.M) {
	gin.SetMode(gin.TestMode)
	os.Exit(m.Run())
}

// scrape GETs /metrics from m's handler and parses the exposition.
func scrape(t *testing.T, m *metrics.Metrics) (map[string]*dto.MetricFamily, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /metrics: status %d: %s", rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("GET /metrics: Content-Type %q, want the text format", ct)
	}
	text := rec.Body.String()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(text))
	if err != nil {
		t.Fatalf("parse /metrics: %v\n%s", err, text)
	}
	return fams, text
}

// series names one series: a metric and its labels, as "k=v,k=v" sorted
// by name.
type series struct{ name, labels string }

// values returns every series of the named families: a counter's or a
// gauge's value, or a histogram's sample count.
func values(fams map[string]*dto.MetricFamily, names ...string) map[series]float64 {
	got := map[series]float64{}
	for _, name := range names {
		f, ok := fams[name]
		if !ok {
			continue
		}
		for _, m := range f.GetMetric() {
			var labels []string
			for _, l := range m.GetLabel() {
				labels = append(labels, l.GetName()+"="+l.GetValue())
			}
			slices.Sort(labels)
			s := series{name, strings.Join(labels, ",")}
			switch {
			case m.Counter != nil:
				got[s] = m.GetCounter().GetValue()
			case m.Gauge != nil:
				got[s] = m.GetGauge().GetValue()
			case m.Histogram != nil:
				got[s] = float64(m.GetHistogram().GetSampleCount())
			}
		}
	}
	return got
}

// The people of the Kakao test: hong is an employee, the stranger is not.
var (
	hong     = kakaotest.Profile{AppUserID: 3001234567, Nickname: "홍길동", PhoneNumber: "+82 10-2345-6789", Email: "hong@example.com"}
	stranger = kakaotest.Profile{AppUserID: 3009999000, Nickname: "김낯선", PhoneNumber: "+82 10-9999-0000"}
)

const userID = "a3f0c1d2e4b5968778a9b0c1d2e3f405"

// kakaoStack is the Kakao adapter wired like production against the fake
// Kakao, observed by m.
func kakaoStack(t *testing.T, fake *kakaotest.Server, m *metrics.Metrics) *gin.Engine {
	t.Helper()
	origins, err := origin.Parse([]string{fake.Origin()})
	if err != nil {
		t.Fatal(err)
	}
	dir := directoryFunc(func(_ context.Context, phone string) (roster.Employee, bool, error) {
		if phone == "+821023456789" {
			return roster.Employee{Phone: phone, Name: "홍길동", Row: 2}, true, nil
		}
		return roster.Employee{}, false, nil
	})
	client := kakao.NewProfileClient(fake.APIKey(), origins, kakao.ProfileOptions{Transport: fake.Transport()})
	h := openbuilder.NewHandler(openbuilder.HandlerConfig{}, m.WrapVerifier(verify.New(client, dir, verify.Options{})))
	e := gin.New()
	e.ContextWithFallback = true
	h.Register(e)
	return e
}

type directoryFunc func(ctx context.Context, phone string) (roster.Employee, bool, error)

func (f directoryFunc) Lookup(ctx context.Context, phone string) (roster.Employee, bool, error) {
	return f(ctx, phone)
}

// post sends a skill call carrying otp ("" for none) as user userID.
func post(t *testing.T, e *gin.Engine, path, otp string) int {
	t.Helper()
	var body string
	switch path {
	case "/kakao/validate":
		body = fmt.Sprintf(`{"bot":{"id":"b"},"user":{"id":%q},"value":{"origin":%q}}`, userID, otp)
	default:
		body = fmt.Sprintf(`{"bot":{"id":"b"},"userRequest":{"user":{"id":%q}},"action":{"detailParams":{"profile":{"origin":%q}}}}`, userID, otp)
	}
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	req = req.WithContext(logging.WithLogger(req.Context(), slog.New(slog.DiscardHandler)))
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	return rec.Code
}

// TestKakaoMetrics runs verifications through the real Kakao handler and
// profile client against the fake Kakao, then scrapes /metrics.
func TestKakaoMetrics(t *testing.T) {
	t.Parallel()
	fake := kakaotest.NewServer(t)
	m := metrics.New()
	e := kakaoStack(t, fake, m)

	var otps []string
	call := func(path string, p *kakaotest.Profile) {
		t.Helper()
		otp := ""
		if p != nil {
			otp = fake.Issue(*p)
			otps = append(otps, otp)
		}
		if code := post(t, e, path, otp); code != http.StatusOK {
			t.Fatalf("%s: status %d, want 200", path, code)
		}
	}
	call("/kakao/validate", &hong)
	call("/kakao/validate", &hong)
	call("/kakao/skill", &stranger)
	call("/kakao/validate", nil) // no OTP: no request to Kakao
	if code := post(t, e, "/kakao/validate", "https://evil.example/otp/5f1a0e11aa22bb33cc44dd55/profile"); code != http.StatusOK {
		t.Fatalf("refused origin: status %d", code)
	}
	fake.SetBehavior(kakaotest.InternalError)
	call("/kakao/skill", &hong)

	fams, text := scrape(t, m)
	want := map[series]float64{
		{"rollcall_kakao_verifications_total", "outcome=not_employee,reason=not_in_directory"}: 1,
		{"rollcall_kakao_verifications_total", "outcome=undecided,reason=kakao_status"}:        1,
		{"rollcall_kakao_verifications_total", "outcome=employee,reason=employee"}:             2,
		{"rollcall_kakao_verifications_total", "outcome=undecided,reason=no_otp"}:              1,
		{"rollcall_kakao_verifications_total", "outcome=undecided,reason=origin_refused"}:      1,

		{"rollcall_kakao_verification_duration_seconds", "outcome=not_employee"}: 1,
		{"rollcall_kakao_verification_duration_seconds", "outcome=undecided"}:    3,
		{"rollcall_kakao_verification_duration_seconds", "outcome=employee"}:     2,

		// Only the requests that reached Kakao.
		{"rollcall_kakao_profile_request_duration_seconds", "result=ok"}:           3,
		{"rollcall_kakao_profile_request_duration_seconds", "result=kakao_status"}: 1,
		{"rollcall_kakao_profile_errors_total", "kind=kakao_status,status=5xx"}:    1,
	}
	got := values(fams, "rollcall_kakao_verifications_total", "rollcall_kakao_verification_duration_seconds",
		"rollcall_kakao_profile_request_duration_seconds", "rollcall_kakao_profile_errors_total")
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Kakao series (-want +got):\n%s", diff)
	}
	if n := len(fake.Requests()); n != 4 {
		t.Errorf("the fake got %d requests, want 4", n)
	}

	// Nothing personal in any series.
	forbidden := []string{userID, "+821023456789", "01023456789", "2345-6789", "9999-0000", "홍길동", "김낯선",
		"hong@example.com", fake.APIKey(), "/otp/", "evil.example"}
	forbidden = append(forbidden, otps...)
	for _, f := range forbidden {
		if strings.Contains(text, f) {
			t.Errorf("/metrics contains %q", f)
		}
	}
}

// TestProfileTimeout: a Kakao that hangs shows as a timeout with no status.
func TestProfileTimeout(t *testing.T) {
	t.Parallel()
	fake := kakaotest.NewServer(t)
	fake.SetBehavior(kakaotest.Hang)
	m := metrics.New()
	origins, err := origin.Parse([]string{fake.Origin()})
	if err != nil {
		t.Fatal(err)
	}
	client := kakao.NewProfileClient(fake.APIKey(), origins,
		kakao.ProfileOptions{Transport: fake.Transport(), Timeout: 100 * time.Millisecond})
	v := m.WrapVerifier(verify.New(client, nil, verify.Options{}))
	if _, err := v.Verify(context.Background(), verify.Request{OTPURL: fake.Issue(hong)}); !errors.Is(err, verify.ErrUnavailable) {
		t.Fatalf("Verify = %v, want ErrUnavailable", err)
	}
	fams, _ := scrape(t, m)
	want := map[series]float64{
		{"rollcall_kakao_profile_request_duration_seconds", "result=kakao_timeout"}: 1,
		{"rollcall_kakao_profile_errors_total", "kind=kakao_timeout,status=none"}:   1,
	}
	got := values(fams, "rollcall_kakao_profile_request_duration_seconds", "rollcall_kakao_profile_errors_total")
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// syncRunner is a hand-written SyncRunner answering from a list.
type syncRunner struct {
	answers []syncAnswer
	calls   int
}

type syncAnswer struct {
	report rostersync.Report
	err    error
}

func (s *syncRunner) Run(context.Context, rostersync.Options) (rostersync.Report, error) {
	a := s.answers[s.calls]
	s.calls++
	return a.report, a.err
}

func TestSyncMetrics(t *testing.T) {
	t.Parallel()
	started := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	runs := []syncAnswer{
		{rostersync.Report{Employees: 10, Added: 10, DurationMS: 1500, StartedAt: started}, nil},
		{rostersync.Report{Employees: 9, Added: 1, Updated: 2, Deleted: 2, DurationMS: 500, StartedAt: started.Add(time.Hour)}, nil},
		{rostersync.Report{DryRun: true, Employees: 1, Deleted: 8, DurationMS: 100}, nil}, // a dry run changes nothing
		{rostersync.Report{Refused: true, Employees: 1, Deleted: 8, DurationMS: 200}, rostersync.ErrRefused},
		{rostersync.Report{Error: rostersync.ErrBusy.Error()}, fmt.Errorf("take the sync lease: %w", rostersync.ErrBusy)},
		{rostersync.Report{DurationMS: 30_000}, fmt.Errorf("%w: sheet unreachable", rostersync.ErrRead)},
	}
	m := metrics.New()
	runner := &syncRunner{answers: runs}
	s := m.WrapSync(runner)
	for i, want := range runs {
		r, err := s.Run(context.Background(), rostersync.Options{})
		if r.DurationMS != want.report.DurationMS || !errors.Is(err, want.err) {
			t.Errorf("run %d: got %+v, %v; want what the wrapped runner returned", i, r, err)
		}
	}

	fams, _ := scrape(t, m)
	want := map[series]float64{
		{"rollcall_sync_runs_total", "dry_run=false,result=ok"}:      2,
		{"rollcall_sync_runs_total", "dry_run=true,result=ok"}:       1,
		{"rollcall_sync_runs_total", "dry_run=false,result=refused"}: 1,
		{"rollcall_sync_runs_total", "dry_run=false,result=busy"}:    1,
		{"rollcall_sync_runs_total", "dry_run=false,result=failed"}:  1,

		{"rollcall_sync_duration_seconds", "result=ok"}:      3,
		{"rollcall_sync_duration_seconds", "result=refused"}: 1,
		{"rollcall_sync_duration_seconds", "result=failed"}:  1,

		{"rollcall_sync_changes_total", "change=added"}:   11,
		{"rollcall_sync_changes_total", "change=updated"}: 2,
		{"rollcall_sync_changes_total", "change=deleted"}: 2,

		{"rollcall_directory_employees", ""}: 9,
		// The second applied run finished at 10:00:00.5.
		{"rollcall_sync_last_success_timestamp_seconds", ""}: float64(started.Add(time.Hour).Unix()) + 0.5,
	}
	got := values(fams, "rollcall_sync_runs_total", "rollcall_sync_duration_seconds", "rollcall_sync_changes_total",
		"rollcall_directory_employees", "rollcall_sync_last_success_timestamp_seconds")
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sync series (-want +got):\n%s", diff)
	}
	if h := fams["rollcall_sync_duration_seconds"].GetMetric(); len(h) > 0 {
		var sum float64
		for _, s := range h {
			sum += s.GetHistogram().GetSampleSum()
		}
		if math.Abs(sum-32.3) > 1e-9 { // 1.5 + 0.5 + 0.1 + 0.2 + 30
			t.Errorf("sync durations add up to %v s, want 32.3", sum)
		}
	}
}

func TestSyncResult(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		want string
	}{
		{nil, "ok"},
		{rostersync.ErrRefused, "refused"},
		{rostersync.ErrBusy, "busy"},
		{fmt.Errorf("take the sync lease: %w", rostersync.ErrBusy), "busy"},
		{fmt.Errorf("%w: boom", rostersync.ErrRead), "failed"},
		{io.ErrUnexpectedEOF, "failed"},
	}
	for _, tt := range tests {
		if got := metrics.SyncResult(tt.err); got != tt.want {
			t.Errorf("SyncResult(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}

// TestHTTPMetrics: requests by method, route pattern and status, with
// anything unexpected counted as "other" rather than as a new series.
func TestHTTPMetrics(t *testing.T) {
	t.Parallel()
	m := metrics.New()
	m.ObserveRequest("POST", "/kakao/validate", 200, 30*time.Millisecond)
	m.ObserveRequest("POST", "/kakao/validate", 200, 40*time.Millisecond)
	m.ObserveRequest("POST", "/kakao/skill", 429, time.Millisecond)
	m.ObserveRequest("GET", "(unmatched)", 404, time.Millisecond)
	m.ObserveRequest("BREW", "/health", 405, time.Millisecond)
	// Mistakes a caller could make: a raw path with a query, a path with a
	// phone number, a status that is not one.
	m.ObserveRequest("GET", "/kakao/skill?secret=hunter2", 200, time.Millisecond)
	m.ObserveRequest("GET", "/lookup/+821023456789", 200, time.Millisecond)
	m.ObserveRequest("GET", "/health", 0, time.Millisecond)
	m.ObserveRequest("GET", "/health", 418, time.Millisecond) // a code rollcall never answers

	fams, text := scrape(t, m)
	want := map[series]float64{
		{"rollcall_http_requests_total", "method=POST,route=/kakao/validate,status=200"}: 2,
		{"rollcall_http_requests_total", "method=POST,route=/kakao/skill,status=429"}:    1,
		{"rollcall_http_requests_total", "method=GET,route=(unmatched),status=404"}:      1,
		{"rollcall_http_requests_total", "method=other,route=/health,status=405"}:        1,
		{"rollcall_http_requests_total", "method=GET,route=other,status=200"}:            2,
		{"rollcall_http_requests_total", "method=GET,route=/health,status=other"}:        1,
		{"rollcall_http_requests_total", "method=GET,route=/health,status=418"}:          1,

		{"rollcall_http_request_duration_seconds", "method=POST,route=/kakao/validate"}: 2,
		{"rollcall_http_request_duration_seconds", "method=POST,route=/kakao/skill"}:    1,
		{"rollcall_http_request_duration_seconds", "method=GET,route=(unmatched)"}:      1,
		{"rollcall_http_request_duration_seconds", "method=other,route=/health"}:        1,
		{"rollcall_http_request_duration_seconds", "method=GET,route=other"}:            2,
		{"rollcall_http_request_duration_seconds", "method=GET,route=/health"}:          2,
	}
	got := values(fams, "rollcall_http_requests_total", "rollcall_http_request_duration_seconds")
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("HTTP series (-want +got):\n%s", diff)
	}
	for _, f := range []string{"hunter2", "821023456789", "BREW"} {
		if strings.Contains(text, f) {
			t.Errorf("/metrics contains %q", f)
		}
	}
}

// verifierFunc is a hand-written Verifier.
type verifierFunc func(context.Context, verify.Request) (verify.Outcome, error)

func (f verifierFunc) Verify(ctx context.Context, r verify.Request) (verify.Outcome, error) {
	return f(ctx, r)
}

// fetcherFunc is a hand-written verify.ProfileFetcher.
type fetcherFunc func(context.Context, string) (string, error)

func (f fetcherFunc) Fetch(ctx context.Context, otpURL string) (string, error) { return f(ctx, otpURL) }

// TestUnexpectedCodes: reason codes outside the expected shape are counted
// as "other", and a user refused by their limit is not a verification.
func TestUnexpectedCodes(t *testing.T) {
	t.Parallel()
	m := metrics.New()
	for _, o := range []verify.Outcome{
		{Reason: verify.ReasonEmployee},
		{Reason: "user 010-2345-6789"},
		{Reason: verify.ReasonUserLimited},
	} {
		v := m.WrapVerifier(verifierFunc(func(context.Context, verify.Request) (verify.Outcome, error) { return o, nil }))
		if got, _ := v.Verify(t.Context(), verify.Request{}); got != o {
			t.Errorf("the decorator changed the outcome: %+v, want %+v", got, o)
		}
	}
	v := m.WrapVerifier(verify.New(fetcherFunc(func(context.Context, string) (string, error) {
		return "", &statusError{999}
	}), nil, verify.Options{}))
	if _, err := v.Verify(t.Context(), verify.Request{OTPURL: "x"}); err == nil {
		t.Fatal("the decorator swallowed the error")
	}
	fams, text := scrape(t, m)
	want := map[series]float64{
		{"rollcall_kakao_verifications_total", "outcome=employee,reason=employee"}:      1,
		{"rollcall_kakao_verifications_total", "outcome=undecided,reason=other"}:        1,
		{"rollcall_kakao_verifications_total", "outcome=undecided,reason=kakao_status"}: 1,
		{"rollcall_kakao_profile_errors_total", "kind=kakao_status,status=other"}:       1,
	}
	got := values(fams, "rollcall_kakao_verifications_total", "rollcall_kakao_profile_errors_total")
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if strings.Contains(text, "010-2345") {
		t.Error("/metrics contains a phone number")
	}
}

// statusError is a refusal carrying an HTTP status, as kakao's is.
type statusError struct{ code int }

func (e *statusError) Error() string   { return fmt.Sprintf("HTTP %d", e.code) }
func (e *statusError) Unwrap() error   { return verify.ErrRefused }
func (e *statusError) StatusCode() int { return e.code }

// TestRegistryPerInstance: each Metrics counts on its own, and none
// touches Prometheus's global registry.
func TestRegistryPerInstance(t *testing.T) {
	t.Parallel()
	a, b := metrics.New(), metrics.New()
	a.ObserveRequest("GET", "/health", 200, time.Millisecond)
	fa, _ := scrape(t, a)
	fb, _ := scrape(t, b)
	key := series{"rollcall_http_requests_total", "method=GET,route=/health,status=200"}
	if got := values(fa, key.name)[key]; got != 1 {
		t.Errorf("first instance counted %v requests, want 1", got)
	}
	if got, ok := values(fb, key.name)[key]; ok {
		t.Errorf("second instance counted %v requests, want none", got)
	}
	for _, want := range []string{"go_goroutines", "process_cpu_seconds_total", "rollcall_sync_changes_total"} {
		if _, ok := fa[want]; !ok {
			t.Errorf("/metrics lacks %s", want)
		}
	}

	global, err := prometheus.DefaultGatherer.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range global {
		if strings.HasPrefix(f.GetName(), "rollcall_") {
			t.Errorf("%s is in the global registry", f.GetName())
		}
	}
}

func BenchmarkObserveRequest(b *testing.B) {
	m := metrics.New()
	b.ReportAllocs()
	for b.Loop() {
		m.ObserveRequest("POST", "/kakao/validate", 200, 42*time.Millisecond)
	}
}
