package openbuilder

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/rollcall/rollcall/internal/logging"
	"github.com/rollcall/rollcall/internal/openbuilder/payload"
	"github.com/rollcall/rollcall/internal/userkey"
	"github.com/rollcall/rollcall/internal/verify"
)

// validate answers the parameter validation skill.
func (h *Handler) validate(c *gin.Context, req payload.ValidationRequest) {
	otp, _ := req.FindOTP()
	if o, ok := h.verify(c, otp, req.User.ID); ok {
		c.JSON(http.StatusOK, validationAnswer(h.cfg.Texts, otp, o))
	}
}

// skill answers the block skill with a SkillResponse v2.0.
func (h *Handler) skill(c *gin.Context, p payload.SkillPayload) {
	otp, _ := p.FindOTP()
	if o, ok := h.verify(c, otp, p.UserID()); ok {
		c.JSON(http.StatusOK, skillAnswer(h.cfg.Texts, o))
	}
}

// verify runs the use case and logs its outcome. A user over their limit
// is answered 429 here, and ok is false.
func (h *Handler) verify(c *gin.Context, otp, userID string) (o verify.Outcome, ok bool) {
	o, err := h.verifier.Verify(c.Request.Context(), verify.Request{OTPURL: otp, UserID: userID})
	if o.Reason == verify.ReasonUserLimited {
		c.Header("Retry-After", retryAfter(o.RetryAfter))
		refuse(c, http.StatusTooManyRequests, o.Reason, tooManyRequests, slog.String("user", userkey.Short(userID)))
		return o, false
	}
	// Room for every attribute below, so that appending never copies.
	attrs := append(make([]slog.Attr, 0, 6),
		slog.String("outcome", o.Kind().String()),
		slog.String("reason", o.Reason),
		slog.String("user", userkey.Short(userID)),
	)
	if o.KakaoTime > 0 {
		attrs = append(attrs, slog.Float64("kakao_ms", float64(o.KakaoTime.Microseconds())/1000))
	}
	if status, isStatus := errors.AsType[kakaoStatus](err); isStatus {
		attrs = append(attrs, slog.Int("kakao_status", status.StatusCode()))
	}
	if err != nil {
		// The use case has made err safe to log: no URL, key or phone number.
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	level := slog.LevelInfo
	switch {
	case o.Reason == verify.ReasonBindFailed:
		level = slog.LevelError // our own store failed an employee: an operator must look
	case o.Kind() == verify.Undecided:
		level = slog.LevelWarn
	}
	logging.RequestLineOf(c).Add(level, attrs...)
	return o, true
}

// kakaoStatus is an error carrying the HTTP status Kakao answered;
// *kakao.ProfileStatusError is one.
type kakaoStatus interface {
	error
	StatusCode() int
}

// gate answers from the caller's binding alone, with no call to Kakao.
func (h *Handler) gate(c *gin.Context, p payload.GatePayload) {
	userID, t := p.UserID(), h.cfg.Texts
	e, ok, err := h.cfg.Gates.Gate(c.Request.Context(), userID)
	var outcome string
	var answer skillResponse
	switch {
	case err != nil:
		outcome, answer = "undecided", unverifiedAnswer(t.Undecided)
	case !ok:
		outcome, answer = "not_verified", unverifiedAnswer(t.NotVerified)
		if h.cfg.AuthBlockID != "" {
			answer.Template.QuickReplies = []quickReply{{Label: t.VerifyButton, Action: "block", BlockID: h.cfg.AuthBlockID}}
		}
	default:
		outcome, answer = "verified", verifiedAnswer(greet(e.Name, t.GateVerified, textGateVerifiedNoName), e)
	}
	logGate(c, outcome, userID, err)
	c.JSON(http.StatusOK, answer)
}

// unbind deletes the caller's binding; a caller without one, or without a
// user id, is told the same: there is nothing left to unbind.
func (h *Handler) unbind(c *gin.Context, p payload.GatePayload) {
	userID := p.UserID()
	var err error
	if userID != "" {
		err = h.cfg.Gates.Unbind(c.Request.Context(), userID)
	}
	outcome, text := "unbound", h.cfg.Texts.Unbound
	if err != nil {
		outcome, text = "undecided", h.cfg.Texts.Undecided
	}
	logGate(c, outcome, userID, err)
	c.JSON(http.StatusOK, unverifiedAnswer(text))
}

// logGate puts a gate or unbind call's outcome on its access line. Errors
// of the bindings use case name neither the user nor the phone.
func logGate(c *gin.Context, outcome, userID string, err error) {
	attrs := []slog.Attr{slog.String("outcome", outcome), slog.String("user", userkey.Short(userID))}
	level := slog.LevelInfo
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
		level = slog.LevelWarn
	}
	logging.RequestLineOf(c).Add(level, attrs...)
}

// refuse answers a request that the endpoint will not serve with status
// and a JSON error msg, and logs reason at warning level.
func refuse(c *gin.Context, status int, reason, msg string, attrs ...slog.Attr) {
	c.AbortWithStatusJSON(status, gin.H{"error": msg})
	attrs = append([]slog.Attr{slog.String("reason", reason)}, attrs...)
	logging.RequestLineOf(c).Add(slog.LevelWarn, attrs...)
}
