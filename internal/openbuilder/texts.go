package openbuilder

import (
	"cmp"
	"strings"
)

// Texts are the words the bot shows (ROLLCALL_TEXT_*), empty for the default;
// "{name}" in Verified and GateVerified is the employee's name.
type Texts struct {
	Verified     string // a verification's SUCCESS (/kakao/skill)
	NotEmployee  string // FAIL: the phone is not in the directory
	NoProfile    string // no consent to the phone number, or none sent
	Undecided    string // ERROR: could not decide
	GateVerified string // the gate's answer to a verified user
	NotVerified  string // the gate's answer to anyone not verified
	Unbound      string // the unbind answer
	VerifyButton string // the quick reply's label to the auth block
}

// namePlaceholder is the one placeholder a text may hold, where a name fits.
const namePlaceholder = "{name}"

// The nameless wordings, for an employee the sheet gives no name.
const (
	textVerifiedNoName     = "임직원 인증이 완료되었어요."
	textGateVerifiedNoName = "임직원 확인이 되었어요."
)

// withDefaults fills every empty field with rollcall's own words.
func (t Texts) withDefaults() Texts {
	return Texts{
		Verified:     cmp.Or(t.Verified, "{name}님, 임직원 인증이 완료되었어요."),
		NotEmployee:  cmp.Or(t.NotEmployee, "등록된 임직원 정보를 찾지 못했어요. 인사팀에 문의해 주세요."),
		NoProfile:    cmp.Or(t.NoProfile, "카카오 프로필 정보를 받지 못했어요. 휴대전화 번호 제공에 동의한 뒤 다시 시도해 주세요."),
		Undecided:    cmp.Or(t.Undecided, "잠시 후 다시 시도해 주세요."),
		GateVerified: cmp.Or(t.GateVerified, "{name}님, 임직원 확인이 되었어요."),
		NotVerified:  cmp.Or(t.NotVerified, "임직원만 이용할 수 있어요. 먼저 임직원 인증을 해 주세요."),
		Unbound:      cmp.Or(t.Unbound, "임직원 인증을 해제했어요. 다시 이용하려면 인증해 주세요."),
		VerifyButton: cmp.Or(t.VerifyButton, "인증하기"),
	}
}

// greet fills withName's "{name}"; noName stands in when there is no name
// to fill.
func greet(name, withName, noName string) string {
	if !strings.Contains(withName, namePlaceholder) {
		return withName
	}
	if name == "" {
		return noName
	}
	return strings.ReplaceAll(withName, namePlaceholder, name)
}
