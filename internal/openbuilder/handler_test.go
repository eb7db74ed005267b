package openbuilder_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rollcall/rollcall/internal/kakao"
	"github.com/rollcall/rollcall/internal/kakao/kakaotest"
	"github.com/rollcall/rollcall/internal/openbuilder"
	"github.com/rollcall/rollcall/internal/roster"
	"github.com/rollcall/rollcall/internal/verify"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// otpPlaceholder stands for the fake's OTP URL in golden files.
const otpPlaceholder = "{{OTP}}"

// checkGolden compares a response body with testdata/golden/<name>.json,
// the fake's OTP URL replaced by otpPlaceholder.
func checkGolden(t *testing.T, name string, body []byte, otp string) {
	t.Helper()
	if otp != "" {
		body = bytes.ReplaceAll(body, []byte(otp), []byte(otpPlaceholder))
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, body, "", "  "); err != nil {
		t.Fatalf("response is not JSON: %v\n%s", err, body)
	}
	buf.WriteByte('\n')
	path := filepath.Join("testdata", "golden", name+".json")
	if *update {
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run %s -update to create it)", err, t.Name())
	}
	if diff := cmp.Diff(string(want), buf.String()); diff != "" {
		t.Errorf("response differs from %s (-want +got):\n%s", path, diff)
	}
}

// TestEndpointsGolden runs the shared request examples (and recorded
// variants) through the gin handler against the fake Kakao and compares the
// answers with golden files. Every answer arrives within 3 s, also when
// Kakao hangs.
func TestEndpointsGolden(t *testing.T) {
	t.Parallel()
	hong := hongProfile(t)
	tests := []struct {
		name     string
		path     string
		request  string
		profile  *kakaotest.Profile // nil: the request carries no OTP
		behavior kakaotest.Behavior
		golden   string
	}{
		{"validate employee", "/kakao/validate", "kakao/validation-request.json", &hong, kakaotest.Normal, "validate-employee"},
		{"validate employee, OTP as JSON", "/kakao/validate", "requests/validation-origin-json.json", &hong, kakaotest.Normal, "validate-employee"},
		{"validate stranger", "/kakao/validate", "kakao/validation-request.json", &strangerProfile, kakaotest.Normal, "validate-not-employee"},
		{"validate kakao 500", "/kakao/validate", "kakao/validation-request.json", &hong, kakaotest.InternalError, "validate-error"},
		{"validate kakao hangs", "/kakao/validate", "kakao/validation-request.json", &hong, kakaotest.Hang, "validate-error"},
		{"validate kakao garbage", "/kakao/validate", "kakao/validation-request.json", &hong, kakaotest.Garbage, "validate-error"},
		{"validate kakao huge body", "/kakao/validate", "kakao/validation-request.json", &hong, kakaotest.HugeBody, "validate-error"},
		{"validate phone omitted", "/kakao/validate", "kakao/validation-request.json", &hong, kakaotest.PhoneOmitted, "validate-error"},
		{"validate phone null", "/kakao/validate", "kakao/validation-request.json", &hong, kakaotest.PhoneNull, "validate-error"},
		{"validate no OTP", "/kakao/validate", "requests/validation-no-otp.json", nil, kakaotest.Normal, "validate-no-otp"},

		{"skill employee", "/kakao/skill", "kakao/skill-request.json", &hong, kakaotest.Normal, "skill-employee"},
		{"skill employee, params only", "/kakao/skill", "requests/skill-params-only.json", &hong, kakaotest.Normal, "skill-employee"},
		{"skill employee, value object", "/kakao/skill", "requests/skill-detail-value-object.json", &hong, kakaotest.Normal, "skill-employee"},
		{"skill stranger", "/kakao/skill", "kakao/skill-request.json", &strangerProfile, kakaotest.Normal, "skill-not-employee"},
		{"skill kakao 500", "/kakao/skill", "kakao/skill-request.json", &hong, kakaotest.InternalError, "skill-error"},
		{"skill kakao hangs", "/kakao/skill", "kakao/skill-request.json", &hong, kakaotest.Hang, "skill-error"},
		{"skill kakao garbage", "/kakao/skill", "kakao/skill-request.json", &hong, kakaotest.Garbage, "skill-error"},
		{"skill phone omitted", "/kakao/skill", "kakao/skill-request.json", &hong, kakaotest.PhoneOmitted, "skill-error"},
		{"skill no OTP", "/kakao/skill", "requests/skill-no-otp.json", nil, kakaotest.Normal, "skill-no-otp"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake := kakaotest.NewServer(t)
			fake.SetBehavior(tt.behavior)
			s := newStack(t, fake, stackOptions{}) // production timeouts
			body, otp := readFile(t, tt.request), ""
			if tt.profile != nil {
				otp = fake.Issue(*tt.profile)
				body = withOTP(t, tt.request, otp)
			}

			// A hanging Kakao is answered by the profile look-up's own
			// deadline (the golden answer is ERROR); no wall-clock bound here,
			// which a loaded machine could miss.
			rec := s.post(tt.path, body, nil)
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d, want 200; body %s", rec.Code, rec.Body)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
				t.Errorf("Content-Type = %q", ct)
			}
			checkGolden(t, tt.golden, rec.Body.Bytes(), otp)

			wantRequests := 0
			if tt.profile != nil {
				wantRequests = 1
			}
			if n := len(fake.Requests()); n != wantRequests {
				t.Errorf("fake got %d requests, want %d", n, wantRequests)
			}
		})
	}
}

// TestValidateGoldenIsTheSharedExample keeps the validation goldens honest:
// they are Kakao's shared examples, byte for byte in meaning.
func TestValidateGoldenIsTheSharedExample(t *testing.T) {
	t.Parallel()
	var shared map[string]json.RawMessage
	if err := json.Unmarshal(readFile(t, "kakao/validation-responses.json"), &shared); err != nil {
		t.Fatal(err)
	}
	for golden, example := range map[string]string{
		"validate-employee":     "employee",
		"validate-not-employee": "not_employee",
		"validate-error":        "cannot_tell",
	} {
		var got, want any
		g := bytes.ReplaceAll(readFile(t, "golden/"+golden+".json"), []byte(otpPlaceholder), []byte(sharedOTP))
		if err := json.Unmarshal(g, &got); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(shared[example], &want); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("golden %s differs from the shared %q (-want +got):\n%s", golden, example, diff)
		}
	}
}

// TestSSRF: an OTP URL that is not on the allow-list, however disguised,
// and a redirect from the allowed origin, reach no other server, and the key
// is sent nowhere else.
func TestSSRF(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// otp builds the request's OTP URL from the allowed fake and the
		// other server's OTP URL.
		otp      func(allowed, other string) string
		redirect bool
		plain    bool // the other server speaks plain http
	}{
		{name: "another host", otp: func(_, other string) string { return other }},
		{name: "plain http to a non-allowed origin", plain: true, otp: func(_, other string) string { return other }},
		{name: "user-info trick", otp: func(allowed, other string) string {
			return strings.Replace(other, "://", "://"+hostOf(allowed)+"@", 1)
		}},
		{name: "fragment trick", otp: func(allowed, other string) string {
			o, _ := url.Parse(other)
			return o.Scheme + "://" + o.Host + "#@" + hostOf(allowed) + o.Path
		}},
		{name: "backslash trick", otp: func(allowed, other string) string {
			o, _ := url.Parse(other)
			return o.Scheme + "://" + o.Host + `\@` + hostOf(allowed) + o.Path
		}},
		{name: "redirect to another host", redirect: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake := kakaotest.NewServer(t)
			var other *kakaotest.Server
			if tt.plain {
				other = kakaotest.NewServer(t, kakaotest.PlainHTTP(), kakaotest.WithAPIKey(fake.APIKey()))
			} else {
				other = kakaotest.NewServer(t, kakaotest.WithAPIKey(fake.APIKey()))
			}
			s := newStack(t, fake, stackOptions{})
			stolen := other.IssueReusable(hongProfile(t))
			otp := fake.Issue(hongProfile(t))
			if tt.redirect {
				fake.RedirectTo(stolen)
			} else {
				otp = tt.otp(fake.Origin(), stolen)
			}

			for _, path := range []string{"/kakao/validate", "/kakao/skill"} {
				body := withOTP(t, "kakao/validation-request.json", otp)
				if path == "/kakao/skill" {
					body = withOTP(t, "kakao/skill-request.json", otp)
				}
				rec := s.post(path, body, nil)
				if rec.Code != http.StatusOK {
					t.Fatalf("%s: status %d, want 200; body %s", path, rec.Code, rec.Body)
				}
				var got struct {
					Status string            `json:"status"`
					Data   map[string]string `json:"data"`
				}
				if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
					t.Fatal(err)
				}
				if got.Status == "SUCCESS" || got.Data["verified"] == "true" {
					t.Errorf("%s: verified through a refused OTP URL: %s", path, rec.Body)
				}
			}
			if reqs := other.Requests(); len(reqs) != 0 {
				t.Errorf("the other server got %d requests, want none: %+v", len(reqs), reqs)
			}
			for _, r := range fake.Requests() {
				if r.Query.Get("rest_api_key") == "" {
					t.Errorf("request to the allowed fake without the key: %+v", r)
				}
			}
		})
	}
}

func hostOf(origin string) string {
	u, _ := url.Parse(origin)
	return u.Host
}

// TestLookAlikeHostsNeverReachTheNetwork uses Kakao's real origins with a
// transport that records and refuses everything: a look-alike must not even
// be attempted.
func TestLookAlikeHostsNeverReachTheNetwork(t *testing.T) {
	t.Parallel()
	const path = "/otp/5f1a0e11aa22bb33cc44dd55/profile"
	for _, otp := range []string{
		"https://talk-plugin-capi.kakao.com.evil.com" + path,
		"https://talk-plugin-capi.kakao.com@evil.com" + path,
		"https://evil.com#@talk-plugin-capi.kakao.com" + path,
		"http://talk-plugin-capi.kakao.com" + path,
		"https://talk-plugin-capi%2ekakao.com" + path,
		"https://127.0.0.1" + path,
	} {
		rt := &kakaotest.NoNetwork{}
		fake := kakaotest.NewServer(t)
		s := newStack(t, fake, stackOptions{origins: kakao.DefaultOrigins(), profile: kakao.ProfileOptions{Transport: rt}})
		rec := s.post("/kakao/validate", withOTP(t, "kakao/validation-request.json", otp), nil)
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"status":"ERROR"`) {
			t.Errorf("%s: got %d %s, want 200 ERROR", otp, rec.Code, rec.Body)
		}
		if n := rt.Attempts(); n != 0 {
			t.Errorf("%s: %d requests attempted, want none", otp, n)
		}
		if !strings.Contains(s.logs.String(), `"reason":"origin_refused"`) {
			t.Errorf("%s: log does not say origin_refused:\n%s", otp, s.logs)
		}
	}
}

// chunked hides a body's length, so only the reading limit can catch it.
type chunked struct{ io.Reader }

func TestBadInput(t *testing.T) {
	t.Parallel()
	huge := `{"value":{"origin":"` + strings.Repeat("a", openbuilder.MaxBodyBytes) + `"}}`
	tests := []struct {
		name     string
		path     string
		body     string
		unsized  bool // send without Content-Length
		header   http.Header
		query    string
		cfg      openbuilder.HandlerConfig
		wantCode int
		// For 200: the skill-format answer expected.
		wantStatus   string // validation status
		wantVerified string // skill data.verified
	}{
		{name: "malformed JSON", path: "/kakao/validate", body: `{"value":`, wantCode: 400},
		{name: "not an object", path: "/kakao/validate", body: `[]`, wantCode: 400},
		{name: "null", path: "/kakao/skill", body: `null`, wantCode: 400},
		{name: "empty body", path: "/kakao/skill", body: ``, wantCode: 400},
		{name: "value as number", path: "/kakao/validate", body: `{"value":42}`, wantCode: 400},
		{name: "origin as number", path: "/kakao/validate", body: `{"value":{"origin":42}}`, wantCode: 200, wantStatus: "FAIL"},
		{name: "action as string", path: "/kakao/skill", body: `{"action":"x"}`, wantCode: 400},
		{name: "user id as number", path: "/kakao/skill", body: `{"userRequest":{"user":{"id":7}}}`, wantCode: 400},
		{name: "detailParams as array", path: "/kakao/skill", body: `{"action":{"detailParams":[]}}`, wantCode: 400},
		{name: "params as string", path: "/kakao/skill", body: `{"action":{"params":"x"}}`, wantCode: 400},
		{name: "invalid UTF-8", path: "/kakao/validate", body: "{\"value\":{\"origin\":\"\xff\xfe\"}}", wantCode: 200, wantStatus: "FAIL"},
		{name: "oversize body", path: "/kakao/validate", body: huge, wantCode: 413},
		{name: "oversize body, no length", path: "/kakao/skill", body: huge, unsized: true, wantCode: 413},
		{name: "missing OTP, validate", path: "/kakao/validate", body: `{"value":{"origin":"인증"}}`, wantCode: 200, wantStatus: "FAIL"},
		{name: "missing OTP, skill", path: "/kakao/skill", body: `{"action":{"params":{}}}`, wantCode: 200, wantVerified: "false"},
		{name: "OTP not Kakao's", path: "/kakao/validate", body: `{"value":{"origin":"https://evil.com/otp/abc/profile"}}`, wantCode: 200, wantStatus: "ERROR"},

		{name: "missing secret", path: "/kakao/validate", body: "{{valid}}", cfg: openbuilder.HandlerConfig{SkillSecret: "hunter2"}, wantCode: 401},
		{name: "wrong secret header", path: "/kakao/validate", body: "{{valid}}", cfg: openbuilder.HandlerConfig{SkillSecret: "hunter2"},
			header: http.Header{openbuilder.SecretHeader: {"hunter3"}}, wantCode: 401},
		{name: "secret prefix", path: "/kakao/skill", body: "{{valid}}", cfg: openbuilder.HandlerConfig{SkillSecret: "hunter2"},
			query: "?secret=hunter", wantCode: 401},
		{name: "wrong secret query", path: "/kakao/skill", body: "{{valid}}", cfg: openbuilder.HandlerConfig{SkillSecret: "hunter2"},
			query: "?secret=hunter22", wantCode: 401},
		{name: "secret before body", path: "/kakao/skill", body: huge, cfg: openbuilder.HandlerConfig{SkillSecret: "hunter2"}, wantCode: 401},
		{name: "right secret header", path: "/kakao/validate", body: "{{valid}}", cfg: openbuilder.HandlerConfig{SkillSecret: "hunter2"},
			header: http.Header{openbuilder.SecretHeader: {"hunter2"}}, wantCode: 200, wantStatus: "SUCCESS"},
		{name: "right secret query", path: "/kakao/validate", body: "{{valid}}", cfg: openbuilder.HandlerConfig{SkillSecret: "hunter2"},
			query: "?secret=hunter2", wantCode: 200, wantStatus: "SUCCESS"},
		{name: "wrong bot", path: "/kakao/validate", body: "{{valid}}", cfg: openbuilder.HandlerConfig{BotID: "another-bot"}, wantCode: 403},
		{name: "no bot", path: "/kakao/skill", body: `{"action":{}}`, cfg: openbuilder.HandlerConfig{BotID: "5f1a0b2a9c8d7e0001f0e1d2"}, wantCode: 403},
		{name: "right bot", path: "/kakao/validate", body: "{{valid}}", cfg: openbuilder.HandlerConfig{BotID: "5f1a0b2a9c8d7e0001f0e1d2"},
			wantCode: 200, wantStatus: "SUCCESS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake := kakaotest.NewServer(t)
			s := newStack(t, fake, stackOptions{handler: tt.cfg})
			body := []byte(tt.body)
			if tt.body == "{{valid}}" {
				body = withOTP(t, "kakao/validation-request.json", fake.Issue(hongProfile(t)))
			}
			var rd io.Reader = bytes.NewReader(body)
			if tt.unsized {
				rd = chunked{rd}
			}
			req := httptest.NewRequest(http.MethodPost, tt.path+tt.query, rd)
			for k, v := range tt.header {
				req.Header[k] = v
			}
			rec := httptest.NewRecorder()
			s.handler.ServeHTTP(rec, req)

			if rec.Code != tt.wantCode {
				t.Fatalf("status %d, want %d; body %s", rec.Code, tt.wantCode, rec.Body)
			}
			if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type = %q, want JSON", ct)
			}
			var got struct {
				Error  string            `json:"error"`
				Status string            `json:"status"`
				Data   map[string]string `json:"data"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
				t.Fatalf("body is not JSON: %v: %s", err, rec.Body)
			}
			switch {
			case tt.wantCode != http.StatusOK:
				if got.Error == "" {
					t.Errorf("4xx body %s has no error", rec.Body)
				}
			case tt.wantStatus != "":
				if got.Status != tt.wantStatus {
					t.Errorf("status %q, want %q: %s", got.Status, tt.wantStatus, rec.Body)
				}
			default:
				if got.Data["verified"] != tt.wantVerified {
					t.Errorf("verified %q, want %q: %s", got.Data["verified"], tt.wantVerified, rec.Body)
				}
			}
			if tt.wantCode >= 400 && len(fake.Requests()) != 0 {
				t.Errorf("a refused request reached Kakao")
			}
		})
	}
}

func TestNoAPIKeyAnswersErrorAndSaysWhy(t *testing.T) {
	t.Parallel()
	fake := kakaotest.NewServer(t)
	s := newStack(t, fake, stackOptions{key: noKey})
	rec := s.post("/kakao/validate", withOTP(t, "kakao/validation-request.json", fake.Issue(hongProfile(t))), nil)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"status":"ERROR"`) {
		t.Fatalf("got %d %s, want 200 ERROR", rec.Code, rec.Body)
	}
	if n := len(fake.Requests()); n != 0 {
		t.Errorf("fake got %d requests without a key, want none", n)
	}
	if n := strings.Count(s.logs.String(), `"reason":"no_api_key"`); n != 1 {
		t.Errorf("log says no_api_key %d times, want once:\n%s", n, s.logs)
	}
}

// TestSlowDirectoryIsCutOff: the verification's deadline covers the
// directory too, so a hanging store still gets the bot an answer. The
// deadline is generous so that a loaded machine's Kakao fake answers
// within it; the directory, which never answers, still runs it out.
func TestSlowDirectoryIsCutOff(t *testing.T) {
	t.Parallel()
	fake := kakaotest.NewServer(t)
	hanging := directoryFunc(func(ctx context.Context, _ string) (roster.Employee, bool, error) {
		<-ctx.Done()
		return roster.Employee{}, false, ctx.Err()
	})
	s := newStack(t, fake, stackOptions{dir: hanging, verify: verify.Options{Timeout: 3 * time.Second}})
	rec := s.post("/kakao/skill", withOTP(t, "kakao/skill-request.json", fake.Issue(hongProfile(t))), nil)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"outcome":"undecided"`) {
		t.Fatalf("got %d %s, want 200 undecided", rec.Code, rec.Body)
	}
	if !strings.Contains(s.logs.String(), `"reason":"directory_error"`) {
		t.Errorf("log does not say directory_error:\n%s", s.logs)
	}
}

// TestLogsCarryNoPII captures the log of full verifications on both
// endpoints — an employee, a stranger, a Kakao failure, a store failure
// naming the phone, no key — and checks that no phone number (in any
// format), OTP URL, name, email, user key, secret or API key appears.
func TestLogsCarryNoPII(t *testing.T) {
	t.Parallel()
	const secret = "s3cret-skill-value"
	fake := kakaotest.NewServer(t, kakaotest.WithAPIKey("k3y-abcdef-0123456789"))
	leakyStore := directoryFunc(func(_ context.Context, phone string) (roster.Employee, bool, error) {
		return roster.Employee{}, false, &leakyError{phone: phone}
	})
	cfg := openbuilder.HandlerConfig{SkillSecret: secret}
	stacks := []*stack{
		newStack(t, fake, stackOptions{handler: cfg}),
		newStack(t, fake, stackOptions{handler: cfg, dir: leakyStore}),
		newStack(t, fake, stackOptions{handler: cfg, key: noKey}),
	}
	var otps []string
	run := func(s *stack, path, file string, p kakaotest.Profile) {
		otp := fake.Issue(p)
		otps = append(otps, otp)
		rec := s.post(path+"?secret="+secret, withOTP(t, file, otp), nil)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: status %d: %s", path, rec.Code, rec.Body)
		}
	}
	hong := hongProfile(t)
	for _, ep := range []struct{ path, file string }{
		{"/kakao/validate", "kakao/validation-request.json"},
		{"/kakao/skill", "kakao/skill-request.json"},
	} {
		run(stacks[0], ep.path, ep.file, hong)
		run(stacks[0], ep.path, ep.file, strangerProfile)
		run(stacks[1], ep.path, ep.file, hong)
		run(stacks[2], ep.path, ep.file, hong)
	}
	fake.SetBehavior(kakaotest.InternalError)
	run(stacks[0], "/kakao/validate", "kakao/validation-request.json", hong)

	var logs strings.Builder
	for _, s := range stacks {
		logs.WriteString(s.logs.String())
	}
	out := logs.String()

	// The log must say what happened, or this test proves nothing.
	for _, want := range []string{`"outcome":"employee"`, `"outcome":"not_employee"`, `"reason":"directory_error"`,
		`"reason":"no_api_key"`, `"kakao_status":500`, `"user":"`} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s:\n%s", want, out)
		}
	}
	if n := strings.Count(out, `"message":"request"`); n != 9 {
		t.Errorf("%d request lines, want 9:\n%s", n, out)
	}

	forbidden := []string{
		// hong's phone, every way it can be written
		"+821023456789", "821023456789", "01023456789", "010-2345-6789", "+82 10-2345-6789", "10-2345-6789", "2345-6789", "23456789",
		// the stranger's
		"+821099990000", "01099990000", "010-9999-0000", "99990000",
		// names, nicknames, emails, the department
		"홍길동", "김낯선", "gildong.hong@example.co.kr", "stranger@example.com", "인사팀", "대리",
		// keys, the secret, the user's keys
		fake.APIKey(), secret, "a3f0c1d2e4b5968778a9b0c1d2e3f40516273849a0b1c2d3e4f5061728394a5b6c", "Xy7-AbCdEf12",
		"talk-plugin", "/otp/",
	}
	for _, otp := range otps {
		u, _ := url.Parse(otp)
		forbidden = append(forbidden, otp, strings.Split(u.Path, "/")[2])
	}
	for _, f := range forbidden {
		if strings.Contains(out, f) {
			t.Errorf("log contains %q:\n%s", f, out)
		}
	}
}

// leakyError is a store error that names the document it failed on, as
// some clients do.
type leakyError struct{ phone string }

func (e *leakyError) Error() string {
	return "rpc error: code = Unavailable desc = employees/" + e.phone + " (" + strings.TrimPrefix(e.phone, "+82") + ")"
}
