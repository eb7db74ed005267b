package openbuilder

import (
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

// skillResponse is a SkillResponse v2.0 as rollcall sends it: one
// simpleText output, with a quick reply to the auth block when the gate
// finds the user not verified. Context sets the employee output context on
// a verified answer and deletes it on the gate's and unbind's other
// answers; the block skill's other answers leave it as it is (nil). The
// bot reads Data as webhook.<key>.
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

// validationAnswer is the one place that turns a verification outcome into
// the validation skill's answer. A request without an OTP URL is a FAIL, so
// that Kakao asks for the profile again; a failure to decide is an ERROR.
func validationAnswer(t Texts, otpURL string, o verify.Outcome) validationResponse {
	switch {
	case o.Kind == verify.Employee:
		return validationSuccess(otpURL, o.Employee)
	case o.Kind == verify.NotEmployee:
		return validationFail(t.NotEmployee)
	case o.Reason == verify.ReasonNoOTP:
		return validationFail(t.NoProfile)
	default:
		return validationError(t.Undecided)
	}
}

// skillAnswer is the one place that turns a verification outcome into the
// block skill's answer.
func skillAnswer(t Texts, o verify.Outcome) skillResponse {
	switch {
	case o.Kind == verify.Employee:
		return skillVerified(greet(o.Employee.Name, t.Verified, textVerifiedNoName), o.Employee)
	case o.Kind == verify.NotEmployee:
		return skillNotVerified(t.NotEmployee, o.Kind)
	case o.Reason == verify.ReasonNoOTP:
		return skillNotVerified(t.NoProfile, o.Kind)
	default:
		return skillNotVerified(t.Undecided, o.Kind)
	}
}
