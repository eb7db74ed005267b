package openbuilder_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rollcall/rollcall/internal/logging/logtest"
	"github.com/rollcall/rollcall/internal/origin"

	"github.com/gin-gonic/gin"

	"github.com/rollcall/rollcall/internal/kakao"
	"github.com/rollcall/rollcall/internal/kakao/kakaotest"
	"github.com/rollcall/rollcall/internal/logging"
	"github.com/rollcall/rollcall/internal/openbuilder"
	"github.com/rollcall/rollcall/internal/roster"
	"github.com/rollcall/rollcall/internal/server"
	"github.com/rollcall/rollcall/internal/verify"
)

func TestMain(m *testing.M) {
	gin.SetMode(gin.TestMode) // gin's init ran before the test flags existed
	os.Exit(m.Run())
}

// sharedOTP is the OTP URL in the shared request examples; tests replace it
// with one the fake issued.
const sharedOTP = "https://talk-plugin-capi.kakao.com/otp/5f1a0e11aa22bb33cc44dd55/profile"

// The people of the tests. hong is the shared otp-profile-response.json and
// an employee; stranger is not in the directory.
var (
	hongEmployee = roster.Employee{
		Phone: "+821023456789", Name: "홍길동", Department: "인사팀", Position: "대리",
		Email: "gildong.hong@example.co.kr", Row: 2,
	}
	strangerProfile = kakaotest.Profile{
		AppUserID: 3009999000, Nickname: "김낯선", PhoneNumber: "+82 10-9999-0000", Email: "stranger@example.com",
	}
)

// hongProfile reads the shared otp-profile-response.json as the fake's
// profile, so the fake answers exactly what Kakao's documentation shows.
func hongProfile(t testing.TB) kakaotest.Profile {
	t.Helper()
	p, err := kakaotest.ParseProfile(readFile(t, "kakao/otp-profile-response.json"))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// directoryFunc is a hand-written verify.Directory fake.
type directoryFunc func(ctx context.Context, phone string) (roster.Employee, bool, error)

func (f directoryFunc) Lookup(ctx context.Context, phone string) (roster.Employee, bool, error) {
	return f(ctx, phone)
}

// exampleDirectory knows hong only.
func exampleDirectory() directoryFunc {
	return func(_ context.Context, phone string) (roster.Employee, bool, error) {
		if phone == hongEmployee.Phone {
			return hongEmployee, true, nil
		}
		return roster.Employee{}, false, nil
	}
}

// stack is the Kakao adapter wired like production, against a fake Kakao:
// handler is the server with its request log in logs, engine the skill
// endpoints alone (for benchmarks).
type stack struct {
	fake    *kakaotest.Server
	handler http.Handler
	engine  *gin.Engine
	logs    *logtest.Buffer
}

type stackOptions struct {
	key     string // "" means the fake's key; use noKey for none
	origins []string
	dir     verify.Directory
	handler openbuilder.HandlerConfig
	verify  verify.Options
	profile kakao.ProfileOptions // a nil Transport means the fake's
	// gates, when set, mounts /kakao/gate and /kakao/unbind answering
	// from it, with authBlockID.
	gates       openbuilder.Gatekeeper
	authBlockID string
}

const noKey = "\x00none"

func newStack(t testing.TB, fake *kakaotest.Server, o stackOptions) *stack {
	t.Helper()
	if o.origins == nil {
		o.origins = []string{fake.Origin()}
	}
	origins, err := origin.Parse(o.origins)
	if err != nil {
		t.Fatal(err)
	}
	switch o.key {
	case "":
		o.key = fake.APIKey()
	case noKey:
		o.key = ""
	}
	if o.dir == nil {
		o.dir = exampleDirectory()
	}
	if o.profile.Transport == nil {
		o.profile.Transport = fake.Transport()
	}
	if o.profile.Timeout == 0 {
		o.profile.Timeout = 2500 * time.Millisecond // ROLLCALL_KAKAO_TIMEOUT's default
	}
	client := kakao.NewProfileClient(o.key, origins, o.profile)
	o.handler.Gates, o.handler.AuthBlockID = o.gates, o.authBlockID
	h := openbuilder.NewHandler(o.handler, verify.New(client, o.dir, o.verify))
	e := gin.New()
	e.ContextWithFallback = true
	h.Register(e)
	logs := &logtest.Buffer{}
	srv := server.New(server.Options{Logger: logging.New(logs, logging.FormatJSON, slog.LevelDebug), Routes: []server.Routes{h}})
	return &stack{fake: fake, handler: srv.Handler(), engine: e, logs: logs}
}

// post sends body to path through the server.
func (s *stack) post(path string, body []byte, header http.Header) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for k, vs := range header {
		req.Header[k] = vs
	}
	rec := httptest.NewRecorder()
	s.handler.ServeHTTP(rec, req)
	return rec
}

// withOTP returns a shared example request carrying otp instead of the
// example's OTP URL.
func withOTP(t testing.TB, file, otp string) []byte {
	t.Helper()
	b := readFile(t, file)
	if !bytes.Contains(b, []byte(sharedOTP)) {
		t.Fatalf("%s does not carry the shared OTP URL", file)
	}
	escaped, err := json.Marshal(otp) // backslashes and quotes must stay valid JSON
	if err != nil {
		t.Fatal(err)
	}
	return bytes.ReplaceAll(b, []byte(sharedOTP), escaped[1:len(escaped)-1])
}

// readFile reads testdata/NAME, except that kakao/NAME is one of Kakao's own
// samples, kept beside the Kakao adapter (payload's tests read both too).
func readFile(t testing.TB, name string) []byte {
	t.Helper()
	dir := "testdata"
	if strings.HasPrefix(name, "kakao/") {
		dir = filepath.Join("..", "kakao", "testdata")
	}
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
