package openbuilder

import "github.com/rollcall/rollcall/internal/roster"

// gateAnswer is the one place that turns a gate outcome into its answer:
// verified, the employee's data and output context; otherwise a message,
// the employee context deleted and, when not verified, the quick reply to
// the auth block.
func gateAnswer(t Texts, outcome string, e roster.Employee, authBlockID string) skillResponse {
	switch outcome {
	case gateVerified:
		return verifiedAnswer(greet(e.Name, t.GateVerified, textGateVerifiedNoName), e)
	case gateNotVerified:
		r := skillText(t.NotVerified, map[string]string{"verified": "false"})
		r.Template.QuickReplies = authQuickReply(t.VerifyButton, authBlockID)
		r.Context = noEmployeeContext()
		return r
	default:
		r := skillText(t.Undecided, map[string]string{"verified": "false"})
		r.Context = noEmployeeContext()
		return r
	}
}

// unbindAnswer says the binding is gone, or, when the store failed, to
// try again later.
func unbindAnswer(t Texts, done bool) skillResponse {
	text := t.Unbound
	if !done {
		text = t.Undecided
	}
	r := skillText(text, map[string]string{"verified": "false"})
	r.Context = noEmployeeContext()
	return r
}
