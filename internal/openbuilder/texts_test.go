package openbuilder_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"

	"github.com/rollcall/rollcall/internal/kakao/kakaotest"
	"github.com/rollcall/rollcall/internal/openbuilder"
	"github.com/rollcall/rollcall/internal/roster"
)

// companyTexts are a company's own words, every one of them set.
var companyTexts = openbuilder.Texts{
	Verified:     "{name}님 반갑습니다. 총무팀 확인이 끝났어요.",
	NotEmployee:  "명단에 없어요. 총무팀 김대리(내선 1234)에게 문의해 주세요.",
	NoProfile:    "전화번호 제공에 동의해 주셔야 확인할 수 있어요.",
	Undecided:    "지금은 확인할 수 없어요. 10분 뒤에 다시 해 주세요.",
	GateVerified: "{name}님, 사내 메뉴를 여는 중이에요.",
	NotVerified:  "사내 메뉴는 임직원 확인 뒤에 쓸 수 있어요.",
	Unbound:      "확인을 풀었어요.",
	VerifyButton: "임직원 확인",
}

// TestCustomTextsGolden: a company's words reach every answer they belong
// to (the defaults are the other golden files, unchanged).
func TestCustomTextsGolden(t *testing.T) {
	t.Parallel()
	hong := hongProfile(t)
	noName := roster.Employee{Phone: hongEmployee.Phone, Department: "인사팀", Position: "대리", Row: 2}
	nameless := func(_ context.Context, phone string) (roster.Employee, bool, error) {
		return noName, phone == noName.Phone, nil
	}
	tests := []struct {
		name, path, request string
		profile             *kakaotest.Profile
		behavior            kakaotest.Behavior
		gates               *keeper
		dir                 directoryFunc
		golden              string
	}{
		{name: "validate stranger", path: "/kakao/validate", request: "kakao/validation-request.json", profile: &strangerProfile, golden: "custom-validate-not-employee"},
		{name: "validate no OTP", path: "/kakao/validate", request: "requests/validation-no-otp.json", golden: "custom-validate-no-otp"},
		{name: "validate kakao 500", path: "/kakao/validate", request: "kakao/validation-request.json", profile: &hong, behavior: kakaotest.InternalError, golden: "custom-validate-error"},
		{name: "skill employee", path: "/kakao/skill", request: "kakao/skill-request.json", profile: &hong, golden: "custom-skill-employee"},
		{name: "skill employee without a name", path: "/kakao/skill", request: "kakao/skill-request.json", profile: &hong, dir: nameless, golden: "custom-skill-employee-no-name"},
		{name: "skill stranger", path: "/kakao/skill", request: "kakao/skill-request.json", profile: &strangerProfile, golden: "custom-skill-not-employee"},
		{name: "skill no OTP", path: "/kakao/skill", request: "requests/skill-no-otp.json", golden: "custom-skill-no-otp"},
		{name: "skill kakao 500", path: "/kakao/skill", request: "kakao/skill-request.json", profile: &hong, behavior: kakaotest.InternalError, golden: "custom-skill-error"},
		{name: "gate verified", path: "/kakao/gate", request: "kakao/skill-request.json", gates: boundKeeper(), golden: "custom-gate-verified"},
		{name: "gate not verified", path: "/kakao/gate", request: "kakao/skill-request.json", gates: &keeper{}, golden: "custom-gate-not-verified"},
		{name: "gate store down", path: "/kakao/gate", request: "kakao/skill-request.json", gates: &keeper{err: errors.New("down")}, golden: "custom-gate-undecided"},
		{name: "unbind", path: "/kakao/unbind", request: "kakao/skill-request.json", gates: boundKeeper(), golden: "custom-unbind"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake := kakaotest.NewServer(t)
			fake.SetBehavior(tt.behavior)
			o := stackOptions{handler: openbuilder.HandlerConfig{Texts: companyTexts}, authBlockID: authBlock}
			if tt.gates != nil {
				o.gates = tt.gates
			}
			if tt.dir != nil {
				o.dir = tt.dir
			}
			s := newStack(t, fake, o)
			body, otp := readFile(t, tt.request), ""
			if tt.profile != nil {
				otp = fake.Issue(*tt.profile)
				body = withOTP(t, tt.request, otp)
			}
			rec := s.post(tt.path, body, nil)
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d, want 200; body %s", rec.Code, rec.Body)
			}
			checkGolden(t, tt.golden, rec.Body.Bytes(), otp)
		})
	}
}

// TestCustomTextWithoutName: a greeting without {name} is shown as it is,
// to an employee with a name and to one without.
func TestCustomTextWithoutName(t *testing.T) {
	t.Parallel()
	fake := kakaotest.NewServer(t)
	const plain = "확인되었습니다."
	s := newStack(t, fake, stackOptions{handler: openbuilder.HandlerConfig{Texts: openbuilder.Texts{Verified: plain}}})
	otp := fake.Issue(hongProfile(t))
	rec := s.post("/kakao/skill", withOTP(t, "kakao/skill-request.json", otp), nil)
	if got := skillText(t, rec.Body.Bytes()); got != plain {
		t.Errorf("text %q, want %q", got, plain)
	}
}

// skillText is the text of a SkillResponse's first simpleText.
func skillText(t *testing.T, body []byte) string {
	t.Helper()
	var r struct {
		Template struct {
			Outputs []struct {
				SimpleText *struct{ Text string } `json:"simpleText"`
			} `json:"outputs"`
		} `json:"template"`
	}
	if err := json.Unmarshal(body, &r); err != nil || len(r.Template.Outputs) == 0 || r.Template.Outputs[0].SimpleText == nil {
		t.Fatalf("not a simpleText SkillResponse (%v): %s", err, body)
	}
	return r.Template.Outputs[0].SimpleText.Text
}
