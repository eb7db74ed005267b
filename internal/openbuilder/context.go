package openbuilder

import "github.com/rollcall/rollcall/internal/roster"

// EmployeeContext is the name of the output context that a verified answer
// carries, so that blocks can take it as an input context and branch on
// the employee's department and position.
const EmployeeContext = "employee"

// employeeLifeSpan is how many turns the employee context lives.
const employeeLifeSpan = 10

// SkillContext is a SkillResponse's context: output contexts to set.
type SkillContext struct {
	Values []ContextValue `json:"values"`
}

// ContextValue is one output context; a LifeSpan of 0 deletes it.
type ContextValue struct {
	Name     string            `json:"name"`
	LifeSpan int               `json:"lifeSpan"`
	Params   map[string]string `json:"params"`
}

// QuickReply is a button under the answer; rollcall's lead to a block.
type QuickReply struct {
	Label   string `json:"label"`
	Action  string `json:"action"`
	BlockID string `json:"blockId"`
}

// employeeContext is the output context of a verified answer: the
// employee's department and position, for EmployeeContext's life span.
func employeeContext(e roster.Employee) *SkillContext {
	return &SkillContext{Values: []ContextValue{{
		Name:     EmployeeContext,
		LifeSpan: employeeLifeSpan,
		Params:   map[string]string{"department": e.Department, "position": e.Position},
	}}}
}

// noEmployeeContext deletes the employee context, so that a user who has
// just been found not verified (or unbound) cannot reach the blocks it
// opens with a context set by an earlier answer.
func noEmployeeContext() *SkillContext {
	return &SkillContext{Values: []ContextValue{{Name: EmployeeContext, LifeSpan: 0, Params: map[string]string{}}}}
}

// authQuickReply leads to the auth block, or is nil without its id.
func authQuickReply(label, blockID string) []QuickReply {
	if blockID == "" {
		return nil
	}
	return []QuickReply{{Label: label, Action: "block", BlockID: blockID}}
}
