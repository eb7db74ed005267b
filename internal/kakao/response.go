package kakao

import (
	"strings"

	"github.com/rollcall/rollcall/internal/directory"
)

// Validation statuses of the parameter validation skill.
const (
	StatusSuccess = "SUCCESS"
	StatusFail    = "FAIL"
	StatusError   = "ERROR"
)

// ValidationResponse answers the parameter validation skill. FAIL shows
// Message and asks for the parameter again; ERROR shows Message.
type ValidationResponse struct {
	Status  string            `json:"status"`
	Value   string            `json:"value,omitempty"`
	Data    map[string]string `json:"data,omitempty"`
	Message string            `json:"message,omitempty"`
}

// ValidationSuccess accepts value (the OTP URL) and hands the employee's
// name, department and position to the bot as data.
func ValidationSuccess(value string, e directory.Employee) ValidationResponse {
	return ValidationResponse{Status: StatusSuccess, Value: value, Data: employeeData(e)}
}

// ValidationFail refuses the value with a message for the user.
func ValidationFail(message string) ValidationResponse {
	return ValidationResponse{Status: StatusFail, Message: message}
}

// ValidationError says the value could not be checked, with a message for
// the user.
func ValidationError(message string) ValidationResponse {
	return ValidationResponse{Status: StatusError, Message: message}
}

// MaxSimpleText is the longest simpleText Kakao accepts, in characters.
const MaxSimpleText = 1000

// SkillResponse is a SkillResponse v2.0 with a single simpleText output.
// Data is read by the bot as webhook.<key>.
type SkillResponse struct {
	Version  string            `json:"version"`
	Template SkillTemplate     `json:"template"`
	Data     map[string]string `json:"data,omitempty"`
}

// SkillTemplate holds the outputs shown to the user.
type SkillTemplate struct {
	Outputs []SkillOutput `json:"outputs"`
}

// SkillOutput is one output; rollcall only sends simpleText.
type SkillOutput struct {
	SimpleText *SimpleText `json:"simpleText,omitempty"`
}

// SimpleText is a text bubble of at most MaxSimpleText characters.
type SimpleText struct {
	Text string `json:"text"`
}

// SkillVerified answers an employee: data.verified is "true" and carries the
// employee's name, department and position.
func SkillVerified(text string, e directory.Employee) SkillResponse {
	data := employeeData(e)
	data["verified"] = "true"
	data["outcome"] = OutcomeEmployee.String()
	return skillText(text, data)
}

// SkillNotVerified answers anyone else: data.verified is "false" and
// data.outcome says whether rollcall decided (not_employee) or could not
// (undecided), so that a bot can branch to "try again later".
func SkillNotVerified(text string, kind OutcomeKind) SkillResponse {
	if kind == OutcomeEmployee {
		kind = OutcomeUndecided // never claim an employee without their data
	}
	return skillText(text, map[string]string{"verified": "false", "outcome": kind.String()})
}

func skillText(text string, data map[string]string) SkillResponse {
	return SkillResponse{
		Version:  "2.0",
		Template: SkillTemplate{Outputs: []SkillOutput{{SimpleText: &SimpleText{Text: truncateRunes(text, MaxSimpleText)}}}},
		Data:     data,
	}
}

func employeeData(e directory.Employee) map[string]string {
	return map[string]string{"name": e.Name, "department": e.Department, "position": e.Position}
}

func truncateRunes(s string, n int) string {
	i := 0
	for pos := range s {
		if i == n {
			return s[:pos]
		}
		i++
	}
	return s
}

// Messages are the texts users see. Empty fields take DefaultMessages'.
type Messages struct {
	// Verified greets an employee; "{name}" is replaced by their name.
	Verified string
	// VerifiedNoName greets an employee whose name the directory lacks.
	VerifiedNoName string
	// NotEmployee tells someone that they are not in the directory.
	NotEmployee string
	// Undecided asks to try again later: Kakao or the directory failed.
	Undecided string
	// NoProfile asks to share the Kakao profile again: the request carried
	// no OTP URL.
	NoProfile string
}

// DefaultMessages returns rollcall's friendly Korean texts.
func DefaultMessages() Messages {
	return Messages{
		Verified:       "{name}님, 임직원 인증이 완료되었어요.",
		VerifiedNoName: "임직원 인증이 완료되었어요.",
		NotEmployee:    "등록된 임직원 정보를 찾지 못했어요. 인사팀에 문의해 주세요.",
		Undecided:      "잠시 후 다시 시도해 주세요.",
		NoProfile:      "카카오 프로필 정보를 받지 못했어요. 휴대전화 번호 제공에 동의한 뒤 다시 시도해 주세요.",
	}
}

func (m Messages) withDefaults() Messages {
	d := DefaultMessages()
	for _, f := range []struct{ got, def *string }{
		{&m.Verified, &d.Verified},
		{&m.VerifiedNoName, &d.VerifiedNoName},
		{&m.NotEmployee, &d.NotEmployee},
		{&m.Undecided, &d.Undecided},
		{&m.NoProfile, &d.NoProfile},
	} {
		if strings.TrimSpace(*f.got) == "" {
			*f.got = *f.def
		}
	}
	return m
}

func (m Messages) greeting(e directory.Employee) string {
	if e.Name == "" {
		return m.VerifiedNoName
	}
	return strings.ReplaceAll(m.Verified, "{name}", e.Name)
}

// ValidationAnswer is the one place that turns a verification outcome into
// the validation skill's answer. A request without an OTP URL is a FAIL, so
// that Kakao asks for the profile again; a failure to decide is an ERROR.
func (m Messages) ValidationAnswer(otpURL string, o Outcome) ValidationResponse {
	return m.withDefaults().validationAnswer(otpURL, o)
}

// validationAnswer is ValidationAnswer for messages whose empty ones have
// been given their defaults already (NewHandler does, once).
func (m Messages) validationAnswer(otpURL string, o Outcome) ValidationResponse {
	switch {
	case o.Kind == OutcomeEmployee:
		return ValidationSuccess(otpURL, o.Employee)
	case o.Kind == OutcomeNotEmployee:
		return ValidationFail(m.NotEmployee)
	case o.Reason == ReasonNoOTP:
		return ValidationFail(m.NoProfile)
	default:
		return ValidationError(m.Undecided)
	}
}

// SkillAnswer is the one place that turns a verification outcome into the
// block skill's answer.
func (m Messages) SkillAnswer(o Outcome) SkillResponse {
	return m.withDefaults().skillAnswer(o)
}

// skillAnswer is SkillAnswer for messages whose empty ones have been given
// their defaults already (NewHandler does, once).
func (m Messages) skillAnswer(o Outcome) SkillResponse {
	switch {
	case o.Kind == OutcomeEmployee:
		return SkillVerified(m.greeting(o.Employee), o.Employee)
	case o.Kind == OutcomeNotEmployee:
		return SkillNotVerified(m.NotEmployee, o.Kind)
	case o.Reason == ReasonNoOTP:
		return SkillNotVerified(m.NoProfile, o.Kind)
	default:
		return SkillNotVerified(m.Undecided, o.Kind)
	}
}
