package openbuilder

import "github.com/rollcall/rollcall/internal/roster"

// employeeContextName is the name of the output context that a verified answer
// carries, so that blocks can take it as an input context and branch on
// the employee's department and position.
const employeeContextName = "employee"

// employeeLifeSpan is how many turns the employee context lives.
const employeeLifeSpan = 10

// skillContext is a SkillResponse's context: output contexts to set.
type skillContext struct {
	Values []contextValue `json:"values"`
}

// contextValue is one output context; a LifeSpan of 0 deletes it.
type contextValue struct {
	Name     string            `json:"name"`
	LifeSpan int               `json:"lifeSpan"`
	Params   map[string]string `json:"params"`
}

// quickReply is a button under the answer; rollcall's lead to a block.
type quickReply struct {
	Label   string `json:"label"`
	Action  string `json:"action"`
	BlockID string `json:"blockId"`
}

// employeeContext is the output context of a verified answer: the
// employee's department and position, for employeeContextName's life span.
func employeeContext(e roster.Employee) *skillContext {
	return &skillContext{Values: []contextValue{{
		Name:     employeeContextName,
		LifeSpan: employeeLifeSpan,
		Params:   map[string]string{"department": e.Department, "position": e.Position},
	}}}
}

// noEmployeeContext deletes the employee context, so that a user who has
// just been found not verified (or unbound) cannot reach the blocks it
// opens with a context set by an earlier answer.
func noEmployeeContext() *skillContext {
	return &skillContext{Values: []contextValue{{Name: employeeContextName, LifeSpan: 0, Params: map[string]string{}}}}
}

// authQuickReply leads to the auth block, or is nil without its id.
func authQuickReply(label, blockID string) []quickReply {
	if blockID == "" {
		return nil
	}
	return []quickReply{{Label: label, Action: "block", BlockID: blockID}}
}
