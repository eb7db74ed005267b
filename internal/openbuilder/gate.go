package openbuilder

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/rollcall/rollcall/internal/openbuilder/payload"
	"github.com/rollcall/rollcall/internal/roster"
	"github.com/rollcall/rollcall/internal/userkey"
)

// Gatekeeper is the bindings use case as the gate and unbind skills call
// it; *binding.Service is one.
type Gatekeeper interface {
	// Gate returns the employee userID is bound to, with their current
	// fields, and true; false when the user is not verified.
	Gate(ctx context.Context, userID string) (roster.Employee, bool, error)
	Unbind(ctx context.Context, userID string) error
}

// Gates serves POST /kakao/gate and POST /kakao/unbind: employee-only
// blocks ask the gate instead of the profile plugin.
type Gates struct {
	h           *Handler
	keeper      Gatekeeper
	authBlockID string
}

// NewGates returns the gate and unbind endpoints, admitted as h admits its
// own, answering from k. A "not verified" answer offers a quick reply to
// authBlockID when it is set.
func NewGates(h *Handler, k Gatekeeper, authBlockID string) *Gates {
	return &Gates{h: h, keeper: k, authBlockID: authBlockID}
}

// Register mounts POST /kakao/gate and POST /kakao/unbind.
func (g *Gates) Register(r gin.IRoutes) {
	route(r, g.h, "/kakao/gate", g.gate)
	route(r, g.h, "/kakao/unbind", g.unbind)
}

// The outcomes a gate call logs.
const (
	gateVerified    = "verified"
	gateNotVerified = "not_verified"
	gateUndecided   = "undecided"
)

// gate answers whether the caller is verified, from their binding alone:
// no call to Kakao.
func (g *Gates) gate(c *gin.Context, p payload.GatePayload) {
	userID := p.UserID()
	e, ok, err := g.keeper.Gate(c.Request.Context(), userID)
	outcome := gateNotVerified
	switch {
	case err != nil:
		outcome = gateUndecided
	case ok:
		outcome = gateVerified
	}
	g.log(c, "gate", outcome, userID, err)
	c.JSON(http.StatusOK, gateAnswer(g.h.texts, outcome, e, g.authBlockID))
}

// unbind deletes the caller's binding; a caller without one, or without a
// user id, is told the same: there is nothing left to unbind.
func (g *Gates) unbind(c *gin.Context, p payload.GatePayload) {
	userID := p.UserID()
	var err error
	if userID != "" {
		err = g.keeper.Unbind(c.Request.Context(), userID)
	}
	outcome := "unbound"
	if err != nil {
		outcome = gateUndecided
	}
	g.log(c, "unbind", outcome, userID, err)
	c.JSON(http.StatusOK, unbindAnswer(g.h.texts, err == nil))
}

// log puts the call's outcome on its access line. Errors of the bindings
// use case name neither the user nor the phone.
func (g *Gates) log(c *gin.Context, endpoint, outcome, userID string, err error) {
	attrs := []slog.Attr{slog.String("outcome", outcome), slog.String("user", userkey.Short(userID))}
	level := slog.LevelInfo
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
		level = slog.LevelWarn
	}
	logRequest(c, level, "kakao "+endpoint, endpoint, attrs...)
}
