package kakao

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/rollcall/rollcall/internal/logging"
	"github.com/rollcall/rollcall/internal/ratelimit"
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
	// Before runs ahead of both endpoints, before the secret is checked:
	// for example ratelimit's per-client-IP middleware.
	Before []gin.HandlerFunc
	// UserLimiter, when set, limits calls per Kakao user (the request's
	// user.id; calls without one share a single key). It is asked after the
	// request is decoded and its bot checked, before Kakao is; a user over
	// the limit gets 429 {"error":"too many requests"} with Retry-After.
	UserLimiter UserLimiter
	// Observer, when set, is told about every verification.
	Observer VerificationObserver
}

// Handler serves Open Builder's validation and block skills.
//
// Requests that are not skill calls get a JSON error and never reach Kakao:
// 401 for a missing or wrong secret (checked before the body is read), 413
// for a body over MaxBodyBytes, 400 for a body that is not a payload of the
// right shape, 403 for another bot, 429 for a user over UserLimiter's limit
// (and whatever HandlerConfig.Before answers). A well-formed call is answered 200
// in the skill's own format, so that the bot shows the user a message: one
// without an OTP URL (the user did not share the profile) is a validation
// FAIL, which makes Kakao ask for the profile again, or a skill answer with
// verified "false"; an OTP URL outside the allow-list is ERROR / undecided.
type Handler struct {
	secretSum [sha256.Size]byte
	hasSecret bool
	botID     string
	msgs      Messages // with their defaults filled in
	timeout   time.Duration
	verifier  *Verifier
	before    []gin.HandlerFunc
	users     UserLimiter
	observer  VerificationObserver
	bodies    *bufferPool
	// jsonContentType is the Content-Type of every answer, shared
	// read-only (net/http copies it when it writes the header).
	jsonContentType []string
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
		before:    slices.Clone(cfg.Before),
		users:     cfg.UserLimiter,
		observer:  cfg.Observer,
		bodies:    newBufferPool(),

		jsonContentType: []string{"application/json; charset=utf-8"},
	}
	if h.timeout <= 0 {
		h.timeout = DefaultVerifyTimeout
	}
	return h
}

// Register mounts POST /kakao/validate and POST /kakao/skill, each behind
// HandlerConfig.Before.
func (h *Handler) Register(r gin.IRoutes) {
	r.POST("/kakao/validate", slices.Concat(h.before, []gin.HandlerFunc{h.validate})...)
	r.POST("/kakao/skill", slices.Concat(h.before, []gin.HandlerFunc{h.skill})...)
}

// Refusal reasons of requests that never reach a verification.
const (
	refusedSecret  = "bad_secret"
	refusedBot     = "bad_bot_id"
	refusedTooBig  = "body_too_large"
	refusedBadBody = "bad_request"
	refusedLimited = "rate_limited"
)

// validate answers the parameter validation skill. A well-formed request is
// always answered 200 in the validation format, so the bot shows the message.
func (h *Handler) validate(c *gin.Context) {
	const endpoint = EndpointValidate
	start := time.Now()
	body, ok := h.admit(c, endpoint)
	if !ok {
		return
	}
	req, err := decodeValidationCall(body.Bytes())
	h.bodies.put(body)
	if err != nil {
		h.refuse(c, endpoint, http.StatusBadRequest, refusedBadBody, err.Error())
		return
	}
	if !h.botAllowed(req.Bot.ID) {
		h.refuse(c, endpoint, http.StatusForbidden, refusedBot, "this bot is not allowed")
		return
	}
	if !h.userAllowed(c, endpoint, req.User.ID) {
		return
	}
	otp, found := req.FindOTP()
	o, err := h.verify(c.Request.Context(), otp, found)
	answer := h.bodies.get()
	answer.Write(h.msgs.validationAnswer(otp, o).appendJSON(answer.AvailableBuffer()))
	h.writeJSON(c, answer.Bytes())
	h.bodies.put(answer)
	h.verified(c, endpoint, req.User.ID, o, err, time.Since(start))
}

// skill answers the block skill with a SkillResponse v2.0.
func (h *Handler) skill(c *gin.Context) {
	const endpoint = EndpointSkill
	start := time.Now()
	body, ok := h.admit(c, endpoint)
	if !ok {
		return
	}
	p, err := decodeSkillCall(body.Bytes())
	h.bodies.put(body)
	if err != nil {
		h.refuse(c, endpoint, http.StatusBadRequest, refusedBadBody, err.Error())
		return
	}
	if !h.botAllowed(p.Bot.ID) {
		h.refuse(c, endpoint, http.StatusForbidden, refusedBot, "this bot is not allowed")
		return
	}
	if !h.userAllowed(c, endpoint, p.UserRequest.User.ID) {
		return
	}
	otp, found := p.FindOTP()
	o, err := h.verify(c.Request.Context(), otp, found)
	answer := h.bodies.get()
	answer.Write(h.msgs.skillAnswer(o).appendJSON(answer.AvailableBuffer()))
	h.writeJSON(c, answer.Bytes())
	h.bodies.put(answer)
	h.verified(c, endpoint, p.UserRequest.User.ID, o, err, time.Since(start))
}

// writeJSON answers 200 with the JSON answer b, as c.JSON would. The
// callers append the answer to a pooled buffer's free space and then keep
// it in the buffer (a Write onto itself when it fitted), so that the buffer
// grows once and holds the next answers without allocating.
func (h *Handler) writeJSON(c *gin.Context, b []byte) {
	c.Writer.Header()["Content-Type"] = h.jsonContentType
	c.Writer.WriteHeader(http.StatusOK)
	_, _ = c.Writer.Write(b) // the client has gone: nothing left to tell it
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

// admit checks the secret, then reads the body within MaxBodyBytes into a
// buffer of h.bodies, which the caller puts back once it has decoded it. On
// refusal it has written the JSON error.
func (h *Handler) admit(c *gin.Context, endpoint string) (*bytes.Buffer, bool) {
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
	body := h.bodies.get()
	if _, err := body.ReadFrom(http.MaxBytesReader(c.Writer, c.Request.Body, MaxBodyBytes)); err != nil {
		h.bodies.put(body)
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

// userAllowed applies the per-user limit. On refusal it has answered 429
// with Retry-After.
func (h *Handler) userAllowed(c *gin.Context, endpoint, userID string) bool {
	if h.users == nil {
		return true
	}
	ok, wait := h.users.Allow(userID)
	if ok {
		return true
	}
	c.Header("Retry-After", ratelimit.RetryAfter(wait))
	h.refuse(c, endpoint, http.StatusTooManyRequests, refusedLimited, ratelimit.TooManyRequestsMessage,
		slog.String("user", userDigest(userID)))
	return false
}

// refuse answers a request that is not a verification with a JSON error,
// and logs why at warning level.
func (h *Handler) refuse(c *gin.Context, endpoint string, status int, reason, msg string, attrs ...slog.Attr) {
	c.AbortWithStatusJSON(status, gin.H{"error": msg})
	attrs = append([]slog.Attr{slog.String("reason", reason)}, attrs...)
	logRequest(c, slog.LevelWarn, "kakao request refused", endpoint, attrs...)
}

// verified tells the observer and the log about an answered verification.
func (h *Handler) verified(c *gin.Context, endpoint, userID string, o Outcome, err error, elapsed time.Duration) {
	if h.observer != nil {
		h.observer.ObserveVerification(endpoint, o.Kind.String(), o.Reason, elapsed)
	}
	// outcome, reason, user, kakao_status, error: room on the stack for all.
	attrs := make([]slog.Attr, 0, 5)
	attrs = append(attrs,
		slog.String("outcome", o.Kind.String()),
		slog.String("reason", o.Reason),
		slog.String("user", userDigest(userID)),
	)
	if status, ok := errors.AsType[*ProfileStatusError](err); ok {
		attrs = append(attrs, slog.Int("kakao_status", status.Code))
	}
	if err != nil {
		// The verifier has made err safe to log: no URL, key or phone number.
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	level := slog.LevelInfo
	if o.Kind == OutcomeUndecided {
		level = slog.LevelWarn
	}
	logRequest(c, level, "kakao verification", endpoint, attrs...)
}

// logRequest puts attrs on the request's one access-log line when the
// server keeps one (logging.RequestLine), where the route already names the
// endpoint; a handler mounted without it writes a line of its own, msg,
// naming the endpoint.
func logRequest(c *gin.Context, level slog.Level, msg, endpoint string, attrs ...slog.Attr) {
	if line, ok := logging.RequestLineOf(c); ok {
		line.Add(level, attrs...)
		return
	}
	ctx := c.Request.Context()
	logging.FromContext(ctx).LogAttrs(ctx, level, msg, append([]slog.Attr{slog.String("endpoint", endpoint)}, attrs...)...)
}

// userDigest is a short, stable digest of a bot user key: enough to follow
// one user through the logs, not to recover the key.
func userDigest(id string) string {
	if id == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(id))
	var digest [8]byte
	hex.Encode(digest[:], sum[:4])
	return string(digest[:])
}
