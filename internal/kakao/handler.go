package kakao

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/rollcall/rollcall/internal/logging"
)

// Limits and names of the skill endpoints.
const (
	// MaxBodyBytes caps a skill request body; Kakao's are a few KiB.
	MaxBodyBytes = 64 << 10
	// SecretHeader carries the skill secret; builders without custom headers
	// send it as the query parameter "secret".
	SecretHeader = "X-Rollcall-Secret"
	// DefaultVerifyTimeout bounds a verification (profile and directory
	// look-up), so that the bot hears back within 3 s of asking.
	DefaultVerifyTimeout = 2900 * time.Millisecond
)

// HandlerConfig configures the skill endpoints; the server wiring fills it
// from the environment.
type HandlerConfig struct {
	// SkillSecret, when set, must arrive in SecretHeader or ?secret=.
	SkillSecret string
	// BotID, when set, must equal the request's bot.id.
	BotID string
	// Messages overrides the texts users see, field by field.
	Messages Messages
	// Timeout bounds a verification; 0 means DefaultVerifyTimeout.
	Timeout time.Duration
}

// Handler serves Open Builder's validation and block skills.
//
// Requests that are not skill calls get a JSON error and never reach Kakao:
// 401 for a missing or wrong secret (checked before the body is read), 413
// for a body over MaxBodyBytes, 400 for a body that is not a payload of the
// right shape, 403 for another bot. A well-formed call is always answered 200
// in the skill's own format, so that the bot shows the user a message: one
// without an OTP URL (the user did not share the profile) is a validation
// FAIL, which makes Kakao ask for the profile again, or a skill answer with
// verified "false"; an OTP URL outside the allow-list is ERROR / undecided.
type Handler struct {
	secretSum [sha256.Size]byte
	hasSecret bool
	botID     string
	msgs      Messages
	timeout   time.Duration
	verifier  *Verifier
}

// NewHandler returns the skill endpoints, verifying through v.
func NewHandler(cfg HandlerConfig, v *Verifier) *Handler {
	h := &Handler{
		hasSecret: cfg.SkillSecret != "",
		secretSum: sha256.Sum256([]byte(cfg.SkillSecret)),
		botID:     cfg.BotID,
		msgs:      cfg.Messages.withDefaults(),
		timeout:   cfg.Timeout,
		verifier:  v,
	}
	if h.timeout <= 0 {
		h.timeout = DefaultVerifyTimeout
	}
	return h
}

// Register mounts POST /kakao/validate and POST /kakao/skill.
func (h *Handler) Register(r gin.IRoutes) {
	r.POST("/kakao/validate", h.validate)
	r.POST("/kakao/skill", h.skill)
}

// Refusal reasons of requests that never reach a verification.
const (
	refusedSecret  = "bad_secret"
	refusedBot     = "bad_bot_id"
	refusedTooBig  = "body_too_large"
	refusedBadBody = "bad_request"
)

// validate answers the parameter validation skill. A well-formed request is
// always answered 200 in the validation format, so the bot shows the message.
func (h *Handler) validate(c *gin.Context) {
	const endpoint = "validate"
	start := time.Now()
	body, ok := h.admit(c, endpoint)
	if !ok {
		return
	}
	req, err := DecodeValidation(body)
	if err != nil {
		h.refuse(c, endpoint, http.StatusBadRequest, refusedBadBody, err.Error())
		return
	}
	if !h.botAllowed(req.Bot.ID) {
		h.refuse(c, endpoint, http.StatusForbidden, refusedBot, "this bot is not allowed")
		return
	}
	otp, found := req.FindOTP()
	o, err := h.verify(c.Request.Context(), otp, found)
	c.JSON(http.StatusOK, h.msgs.ValidationAnswer(otp, o))
	h.logVerification(c.Request.Context(), endpoint, req.User.ID, o, err, start)
}

// skill answers the block skill with a SkillResponse v2.0.
func (h *Handler) skill(c *gin.Context) {
	const endpoint = "skill"
	start := time.Now()
	body, ok := h.admit(c, endpoint)
	if !ok {
		return
	}
	p, err := DecodeSkill(body)
	if err != nil {
		h.refuse(c, endpoint, http.StatusBadRequest, refusedBadBody, err.Error())
		return
	}
	if !h.botAllowed(p.Bot.ID) {
		h.refuse(c, endpoint, http.StatusForbidden, refusedBot, "this bot is not allowed")
		return
	}
	otp, found := p.FindOTP()
	o, err := h.verify(c.Request.Context(), otp, found)
	c.JSON(http.StatusOK, h.msgs.SkillAnswer(o))
	h.logVerification(c.Request.Context(), endpoint, p.UserRequest.User.ID, o, err, start)
}

// verify runs the use case within the handler's time budget.
func (h *Handler) verify(ctx context.Context, otp string, found bool) (Outcome, error) {
	if !found {
		return Outcome{Kind: OutcomeUndecided, Reason: ReasonNoOTP}, nil
	}
	ctx, cancel := context.WithTimeout(ctx, h.timeout)
	defer cancel()
	return h.verifier.Verify(ctx, otp)
}

// admit checks the secret, then reads the body within MaxBodyBytes. On
// refusal it has written the JSON error.
func (h *Handler) admit(c *gin.Context, endpoint string) ([]byte, bool) {
	if h.hasSecret && !h.secretOK(c) {
		h.refuse(c, endpoint, http.StatusUnauthorized, refusedSecret, "missing or wrong skill secret")
		return nil, false
	}
	if c.Request.ContentLength > MaxBodyBytes {
		h.refuse(c, endpoint, http.StatusRequestEntityTooLarge, refusedTooBig, "request body too large")
		return nil, false
	}
	if c.Request.Body == nil {
		h.refuse(c, endpoint, http.StatusBadRequest, refusedBadBody, "empty request body")
		return nil, false
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, MaxBodyBytes))
	if err != nil {
		if _, tooBig := errors.AsType[*http.MaxBytesError](err); tooBig {
			h.refuse(c, endpoint, http.StatusRequestEntityTooLarge, refusedTooBig, "request body too large")
		} else {
			h.refuse(c, endpoint, http.StatusBadRequest, refusedBadBody, "could not read the request body")
		}
		return nil, false
	}
	return body, true
}

// secretOK compares digests, so the comparison takes the same time whatever
// the lengths and contents.
func (h *Handler) secretOK(c *gin.Context) bool {
	got := c.GetHeader(SecretHeader)
	if got == "" {
		got = c.Query("secret")
	}
	if got == "" {
		return false
	}
	sum := sha256.Sum256([]byte(got))
	return subtle.ConstantTimeCompare(sum[:], h.secretSum[:]) == 1
}

func (h *Handler) botAllowed(id string) bool {
	return h.botID == "" || subtle.ConstantTimeCompare([]byte(id), []byte(h.botID)) == 1
}

// refuse answers a request that is not a verification with a JSON error.
func (h *Handler) refuse(c *gin.Context, endpoint string, status int, reason, msg string) {
	c.AbortWithStatusJSON(status, gin.H{"error": msg})
	logging.FromContext(c.Request.Context()).LogAttrs(c.Request.Context(), slog.LevelWarn, "kakao request refused",
		slog.String("endpoint", endpoint),
		slog.Int("status", status),
		slog.String("reason", reason),
	)
}

// logVerification writes the one line of a verification: outcome, reason,
// latency and a short digest of the bot user key. err has been made safe to
// log by the verifier (no URL, key or phone number).
func (h *Handler) logVerification(ctx context.Context, endpoint, userID string, o Outcome, err error, start time.Time) {
	attrs := []slog.Attr{
		slog.String("endpoint", endpoint),
		slog.String("outcome", o.Kind.String()),
		slog.String("reason", o.Reason),
		slog.Float64("latency_ms", float64(time.Since(start).Microseconds())/1000),
		slog.String("user", userDigest(userID)),
	}
	if status, ok := errors.AsType[*ProfileStatusError](err); ok {
		attrs = append(attrs, slog.Int("kakao_status", status.Code))
	}
	level := slog.LevelInfo
	if o.Kind == OutcomeUndecided {
		level = slog.LevelWarn
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	logging.FromContext(ctx).LogAttrs(ctx, level, "kakao verification", attrs...)
}

// userDigest is a short, stable digest of a bot user key: enough to follow
// one user through the logs, not to recover the key.
func userDigest(id string) string {
	if id == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:4])
}
