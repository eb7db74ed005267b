package openbuilder

import "github.com/rollcall/rollcall/internal/roster"

// The texts the gate and unbind skills show.
const (
	// textGateVerified greets a bound employee; "{name}" is their name.
	textGateVerified       = "{name}님, 임직원 확인이 되었어요."
	textGateVerifiedNoName = "임직원 확인이 되었어요."
	// textGateNotVerified asks the user to verify first.
	textGateNotVerified = "임직원만 이용할 수 있어요. 먼저 임직원 인증을 해 주세요."
	// textUnbound says the binding is gone.
	textUnbound = "임직원 인증을 해제했어요. 다시 이용하려면 인증해 주세요."
)

// gateAnswer is the one place that turns a gate outcome into its answer:
// verified, the employee's data and output context; otherwise a message,
// the employee context deleted and, when not verified, the quick reply to
// the auth block.
func gateAnswer(outcome string, e roster.Employee, authBlockID string) skillResponse {
	switch outcome {
	case gateVerified:
		return verifiedAnswer(greet(e, textGateVerified, textGateVerifiedNoName), e)
	case gateNotVerified:
		r := skillText(textGateNotVerified, map[string]string{"verified": "false"})
		r.Template.QuickReplies = authQuickReply(authBlockID)
		r.Context = noEmployeeContext()
		return r
	default:
		r := skillText(textUndecided, map[string]string{"verified": "false"})
		r.Context = noEmployeeContext()
		return r
	}
}

// unbindAnswer says the binding is gone, or, when the store failed, to
// try again later.
func unbindAnswer(done bool) skillResponse {
	text := textUnbound
	if !done {
		text = textUndecided
	}
	r := skillText(text, map[string]string{"verified": "false"})
	r.Context = noEmployeeContext()
	return r
}
