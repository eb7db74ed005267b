package config

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLoadTexts(t *testing.T) {
	t.Parallel()
	got, err := Load(env(map[string]string{
		"ROLLCALL_TEXT_VERIFIED":      "{name}님 반갑습니다.",
		"ROLLCALL_TEXT_NOT_EMPLOYEE":  "  총무팀 김대리(내선 1234)에게 문의해 주세요.  ",
		"ROLLCALL_TEXT_VERIFY_BUTTON": "임직원 확인하기",
		"ROLLCALL_TEXT_UNBOUND":       strings.Repeat("가", MaxText),
	}))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	want := Texts{
		Verified:     "{name}님 반갑습니다.",
		NotEmployee:  "총무팀 김대리(내선 1234)에게 문의해 주세요.",
		VerifyButton: "임직원 확인하기",
		Unbound:      strings.Repeat("가", MaxText),
	}
	if diff := cmp.Diff(want, got.Texts); diff != "" {
		t.Errorf("Texts (-want +got):\n%s", diff)
	}
	if !strings.Contains(got.Describe(), `ROLLCALL_TEXT_VERIFIED       "{name}님 반갑습니다."`) ||
		!strings.Contains(got.Describe(), "ROLLCALL_TEXT_UNDECIDED      (default)") {
		t.Errorf("Describe does not show the texts:\n%s", got.Describe())
	}
}

// TestLoadBadTexts: a bad text stops start-up naming its variable and what
// is wrong, every one of them at once.
func TestLoadBadTexts(t *testing.T) {
	t.Parallel()
	_, err := Load(env(map[string]string{
		"ROLLCALL_TEXT_VERIFIED":      "{이름}님 반갑습니다.",
		"ROLLCALL_TEXT_NOT_EMPLOYEE":  "{name}님은 명단에 없어요.",
		"ROLLCALL_TEXT_NO_PROFILE":    "   ",
		"ROLLCALL_TEXT_UNDECIDED":     strings.Repeat("가", MaxText+1),
		"ROLLCALL_TEXT_VERIFY_BUTTON": "임직원 인증 하러 가기 버튼입니다",
		"ROLLCALL_TEXT_GATE_VERIFIED": "{name}님, {department} 메뉴예요.",
	}))
	if err == nil {
		t.Fatal("Load accepted bad texts")
	}
	for _, want := range []string{
		"ROLLCALL_TEXT_VERIFIED: unknown placeholder {이름}: only {name} is replaced",
		"ROLLCALL_TEXT_NOT_EMPLOYEE: {name} has no name to stand for in this text",
		"ROLLCALL_TEXT_NO_PROFILE: is blank",
		"ROLLCALL_TEXT_UNDECIDED: has 1001 characters: at most 1000",
		"ROLLCALL_TEXT_VERIFY_BUTTON: has 18 characters: at most 14",
		"ROLLCALL_TEXT_GATE_VERIFIED: unknown placeholder {department}",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not say %q:\n%v", want, err)
		}
	}
}
