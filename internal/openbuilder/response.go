package openbuilder

import (
	"github.com/rollcall/rollcall/internal/roster"
	"github.com/rollcall/rollcall/internal/verify"
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
func ValidationSuccess(value string, e roster.Employee) ValidationResponse {
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

// SkillResponse is a SkillResponse v2.0 with a single simpleText output,
// and the output context of a verified answer.
// Data is read by the bot as webhook.<key>.
type SkillResponse struct {
	Version  string            `json:"version"`
	Template SkillTemplate     `json:"template"`
	Context  *SkillContext     `json:"context,omitempty"` // context.go
	Data     map[string]string `json:"data,omitempty"`
}

// SkillTemplate holds the outputs shown to the user and the quick replies
// under them.
type SkillTemplate struct {
	Outputs      []SkillOutput `json:"outputs"`
	QuickReplies []QuickReply  `json:"quickReplies,omitempty"`
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
// employee's name, department and position, and the employee output context
// their department and position.
func SkillVerified(text string, e roster.Employee) SkillResponse {
	r := verifiedAnswer(text, e)
	r.Data["outcome"] = verify.Employee.String()
	return r
}

// verifiedAnswer is a verified employee's SkillResponse, for the skill and
// the gate: their data, data.verified "true" and the employee context.
func verifiedAnswer(text string, e roster.Employee) SkillResponse {
	data := employeeData(e)
	data["verified"] = "true"
	r := skillText(text, data)
	r.Context = employeeContext(e)
	return r
}

// SkillNotVerified answers anyone else: data.verified is "false" and
// data.outcome says whether rollcall decided (not_employee) or could not
// (undecided), so that a bot can branch to "try again later".
func SkillNotVerified(text string, kind verify.Kind) SkillResponse {
	if kind == verify.Employee {
		kind = verify.Undecided // never claim an employee without their data
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

// validationAnswer is the one place that turns a verification outcome into
// the validation skill's answer. A request without an OTP URL is a FAIL, so
// that Kakao asks for the profile again; a failure to decide is an ERROR.
func validationAnswer(t Texts, otpURL string, o verify.Outcome) ValidationResponse {
	switch {
	case o.Kind == verify.Employee:
		return ValidationSuccess(otpURL, o.Employee)
	case o.Kind == verify.NotEmployee:
		return ValidationFail(t.NotEmployee)
	case o.Reason == verify.ReasonNoOTP:
		return ValidationFail(t.NoProfile)
	default:
		return ValidationError(t.Undecided)
	}
}

// skillAnswer is the one place that turns a verification outcome into the
// block skill's answer.
func skillAnswer(t Texts, o verify.Outcome) SkillResponse {
	switch {
	case o.Kind == verify.Employee:
		return SkillVerified(greet(o.Employee.Name, t.Verified, textVerifiedNoName), o.Employee)
	case o.Kind == verify.NotEmployee:
		return SkillNotVerified(t.NotEmployee, o.Kind)
	case o.Reason == verify.ReasonNoOTP:
		return SkillNotVerified(t.NoProfile, o.Kind)
	default:
		return SkillNotVerified(t.Undecided, o.Kind)
	}
}
