package openbuilder

import (
	"github.com/rollcall/rollcall/internal/roster"
	"github.com/rollcall/rollcall/internal/verify"
)

// validationResponse answers the parameter validation skill. FAIL shows
// Message and asks for the parameter again; ERROR shows Message.
type validationResponse struct {
	Status  string        `json:"status"`
	Value   string        `json:"value,omitempty"`
	Data    *employeeView `json:"data,omitempty"`
	Message string        `json:"message,omitempty"`
}

// employeeView is a SUCCESS's data, written as a map of the employee's
// fields would be (keys sorted, none omitted) but without a map:
// BenchmarkValidate 196 → 189 allocations, 21.3 → 20.8 kB.
type employeeView struct {
	Department string `json:"department"`
	Name       string `json:"name"`
	Position   string `json:"position"`
}

// maxSimpleText is the longest simpleText Kakao accepts, in characters.
const maxSimpleText = 1000

// employeeContext names the output context a verified answer carries, so
// that blocks can take it as an input context and branch on the employee's
// department and position.
const employeeContext = "employee"

// skillResponse is a SkillResponse v2.0 as rollcall sends it: one
// simpleText output (at most maxSimpleText characters) and quick replies to
// blocks. Context sets the employee output context (verified), deletes it
// (a LifeSpan of 0: the gate's and unbind's other answers) or is nil. The
// bot reads Data as webhook.<key>.
type skillResponse struct {
	Version  string            `json:"version"`
	Template skillTemplate     `json:"template"`
	Context  *skillContext     `json:"context,omitempty"`
	Data     map[string]string `json:"data,omitempty"`
}

type skillTemplate struct {
	Outputs      []skillOutput `json:"outputs"`
	QuickReplies []quickReply  `json:"quickReplies,omitempty"`
}

type skillOutput struct {
	SimpleText *simpleText `json:"simpleText,omitempty"`
}

type simpleText struct {
	Text string `json:"text"`
}

type quickReply struct {
	Label   string `json:"label"`
	Action  string `json:"action"`
	BlockID string `json:"blockId"`
}

type skillContext struct {
	Values []contextValue `json:"values"`
}

type contextValue struct {
	Name     string            `json:"name"`
	LifeSpan int               `json:"lifeSpan"`
	Params   map[string]string `json:"params"`
}

// validationAnswer is the one place that turns a verification outcome into
// the validation skill's answer. SUCCESS accepts the OTP URL and hands the
// employee's data to the bot; a request without an OTP URL is a FAIL, so
// that Kakao asks for the profile again; a failure to decide is an ERROR.
func validationAnswer(t Texts, otpURL string, o verify.Outcome) validationResponse {
	switch {
	case o.Kind == verify.Employee:
		return validationResponse{Status: "SUCCESS", Value: otpURL, Data: &employeeView{
			Department: o.Employee.Department, Name: o.Employee.Name, Position: o.Employee.Position,
		}}
	case o.Kind == verify.NotEmployee:
		return validationResponse{Status: "FAIL", Message: t.NotEmployee}
	case o.Reason == verify.ReasonNoOTP:
		return validationResponse{Status: "FAIL", Message: t.NoProfile}
	}
	return validationResponse{Status: "ERROR", Message: t.Undecided}
}

// skillAnswer is the one place that turns a verification outcome into the
// block skill's answer.
func skillAnswer(t Texts, o verify.Outcome) skillResponse {
	switch {
	case o.Kind == verify.Employee:
		r := verifiedAnswer(greet(o.Employee.Name, t.Verified, textVerifiedNoName), o.Employee)
		r.Data["outcome"] = verify.Employee.String()
		return r
	case o.Kind == verify.NotEmployee:
		return skillNotVerified(t.NotEmployee, o.Kind)
	case o.Reason == verify.ReasonNoOTP:
		return skillNotVerified(t.NoProfile, o.Kind)
	}
	return skillNotVerified(t.Undecided, o.Kind)
}

// verifiedAnswer is a verified employee's SkillResponse, for the skill and
// the gate: data.verified "true" with the employee's name, department and
// position, and the employee context with the last two.
func verifiedAnswer(text string, e roster.Employee) skillResponse {
	r := skillText(text, map[string]string{
		"verified": "true", "name": e.Name, "department": e.Department, "position": e.Position,
	})
	r.Context = &skillContext{Values: []contextValue{{
		Name:     employeeContext,
		LifeSpan: 10, // turns
		Params:   map[string]string{"department": e.Department, "position": e.Position},
	}}}
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

// unverifiedAnswer is the gate's and unbind's answer to anyone not
// verified: it deletes the employee context, so that a context set by an
// earlier answer opens no block.
func unverifiedAnswer(text string) skillResponse {
	r := skillText(text, map[string]string{"verified": "false"})
	r.Context = &skillContext{Values: []contextValue{{Name: employeeContext, Params: map[string]string{}}}}
	return r
}

func skillText(text string, data map[string]string) skillResponse {
	return skillResponse{
		Version:  "2.0",
		Template: skillTemplate{Outputs: []skillOutput{{SimpleText: &simpleText{Text: truncateRunes(text, maxSimpleText)}}}},
		Data:     data,
	}
}

// truncateRunes cuts s to its first n characters.
func truncateRunes(s string, n int) string {
	for pos := range s {
		if n == 0 {
			return s[:pos]
		}
		n--
	}
	return s
}
