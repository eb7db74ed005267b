package rostersync

import "context"

// PlanApplier is a Store that also revokes Kakao users' bindings as it
// applies a plan: those to the phones it deletes (leavers) and those to
// the phones whose employee is now another person (a phone reissued to a
// new hire, a column sorted by mistake), judged against the plan's
// Updated. A binding is to a person (contract, section 3).
type PlanApplier interface {
	// ApplyPlan applies p as Apply(p.Puts(), p.Deleted) does and returns
	// how many bindings it revoked.
	ApplyPlan(ctx context.Context, p Plan) (revoked int, err error)
}

// applyPlan applies p to st and returns how many bindings it revoked: 0
// from a store that keeps no bindings.
func applyPlan(ctx context.Context, st Store, p Plan) (int, error) {
	if pa, ok := st.(PlanApplier); ok {
		return pa.ApplyPlan(ctx, p)
	}
	return 0, st.Apply(ctx, p.Puts(), p.Deleted)
}
