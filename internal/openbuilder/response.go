package openbuilder

import (
	"strings"

	"github.com/rollcall/rollcall/internal/roster"
	"github.com/rollcall/rollcall/internal/verify"
)

// Validation statuses of the parameter validation skill.
const (
	statusSuccess = "SUCCESS"
	statusFail    = "FAIL"
	statusError   = "ERROR"
)

// validationResponse answers the parameter validation skill. FAIL shows
// Message and asks for the parameter again; ERROR shows Message.
type validationResponse struct {
	Status  string            `json:"status"`
	Value   string            `json:"value,omitempty"`
	Data    map[string]string `json:"data,omitempty"`
	Message string            `json:"message,omitempty"`
}

// validationSuccess accepts value (the OTP URL) and hands the employee's
// name, department and position to the bot as data.
func validationSuccess(value string, e roster.Employee) validationResponse {
	return validationResponse{Status: statusSuccess, Value: value, Data: employeeData(e)}
}

// validationFail refuses the value with a message for the user.
func validationFail(message string) validationResponse {
	return validationResponse{Status: statusFail, Message: message}
}

// validationError says the value could not be checked, with a message for
// the user.
func validationError(message string) validationResponse {
	return validationResponse{Status: statusError, Message: message}
}

// maxSimpleText is the longest simpleText Kakao accepts, in characters.
const maxSimpleText = 1000

// skillResponse is a skillResponse v2.0 with a single simpleText output,
// and the output context of a verified answer.
// Data is read by the bot as webhook.<key>.
type skillResponse struct {
	Version  string            `json:"version"`
	Template skillTemplate     `json:"template"`
	Context  *skillContext     `json:"context,omitempty"` // context.go
	Data     map[string]string `json:"data,omitempty"`
}

// skillTemplate holds the outputs shown to the user and the quick replies
// under them.
type skillTemplate struct {
	Outputs      []skillOutput `json:"outputs"`
	QuickReplies []quickReply  `json:"quickReplies,omitempty"`
}

// skillOutput is one output; rollcall only sends simpleText.
type skillOutput struct {
	SimpleText *simpleText `json:"simpleText,omitempty"`
}

// simpleText is a text bubble of at most maxSimpleText characters.
type simpleText struct {
	Text string `json:"text"`
}

// skillVerified answers an employee: data.verified is "true" and carries the
// employee's name, department and position, and the employee output context
// their department and position.
func skillVerified(text string, e roster.Employee) skillResponse {
	r := verifiedAnswer(text, e)
	r.Data["outcome"] = verify.Employee.String()
	return r
}

// verifiedAnswer is a verified employee's SkillResponse, for the skill and
// the gate: their data, data.verified "true" and the employee context.
func verifiedAnswer(text string, e roster.Employee) skillResponse {
	data := employeeData(e)
	data["verified"] = "true"
	r := skillText(text, data)
	r.Context = employeeContext(e)
	return r
}

// skillNotVerified answers anyone else: data.verified is "false" and
// data.outcome says whether rollcall decided (not_employee) or could not
// (undecided), so that a bot can branch to "try again later".
func skillNotVerified(text string, kind verify.Kind) skillResponse {
	if kind == verify.Employee {
		kind = verify.Undecided // never claim an employee without their data
	}
	return skillText(text, map[string]string{"verified": "false", "outcome": kind.String()})
}

func skillText(text string, data map[string]string) skillResponse {
	return skillResponse{
		Version:  "2.0",
		Template: skillTemplate{Outputs: []skillOutput{{SimpleText: &simpleText{Text: truncateRunes(text, maxSimpleText)}}}},
		Data:     data,
	}
}

func employeeData(e roster.Employee) map[string]string {
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

// The texts users see.
const (
	// textVerified greets an employee; "{name}" is replaced by their name.
	textVerified       = "{name}님, 임직원 인증이 완료되었어요."
	textVerifiedNoName = "임직원 인증이 완료되었어요."
	textNotEmployee    = "등록된 임직원 정보를 찾지 못했어요. 인사팀에 문의해 주세요."
	// textUndecided asks to try again later: Kakao or the directory failed.
	textUndecided = "잠시 후 다시 시도해 주세요."
	// textNoProfile asks to share the Kakao profile again: the request
	// carried no OTP URL.
	textNoProfile = "카카오 프로필 정보를 받지 못했어요. 휴대전화 번호 제공에 동의한 뒤 다시 시도해 주세요."
)

func greeting(e roster.Employee) string { return greet(e, textVerified, textVerifiedNoName) }

// greet puts e's name into withName's "{name}", or answers noName when
// the sheet gave no name.
func greet(e roster.Employee, withName, noName string) string {
	if e.Name == "" {
		return noName
	}
	return strings.ReplaceAll(withName, "{name}", e.Name)
}

// validationAnswer is the one place that turns a verification outcome into
// the validation skill's answer. A request without an OTP URL is a FAIL, so
// that Kakao asks for the profile again; a failure to decide is an ERROR.
func validationAnswer(otpURL string, o verify.Outcome) validationResponse {
	switch {
	case o.Kind == verify.Employee:
		return validationSuccess(otpURL, o.Employee)
	case o.Kind == verify.NotEmployee:
		return validationFail(textNotEmployee)
	case o.Reason == verify.ReasonNoOTP:
		return validationFail(textNoProfile)
	default:
		return validationError(textUndecided)
	}
}

// skillAnswer is the one place that turns a verification outcome into the
// block skill's answer.
func skillAnswer(o verify.Outcome) skillResponse {
	switch {
	case o.Kind == verify.Employee:
		return skillVerified(greeting(o.Employee), o.Employee)
	case o.Kind == verify.NotEmployee:
		return skillNotVerified(textNotEmployee, o.Kind)
	case o.Reason == verify.ReasonNoOTP:
		return skillNotVerified(textNoProfile, o.Kind)
	default:
		return skillNotVerified(textUndecided, o.Kind)
	}
}
