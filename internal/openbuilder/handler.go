package openbuilder

import (
	"bytes"
	"context"
	"errors"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/rollcall/rollcall/internal/openbuilder/payload"
	"github.com/rollcall/rollcall/internal/roster"
	"github.com/rollcall/rollcall/internal/secret"
	"github.com/rollcall/rollcall/internal/verify"
)

// maxBodyBytes caps a skill request body; Kakao's are a few KiB.
const maxBodyBytes = 64 << 10

// SecretHeader carries the skill secret; builders without custom headers
// send it as the query parameter "secret".
const SecretHeader = "X-Rollcall-Secret"

// Verifier is the verification use case; *verify.Verifier is one.
type Verifier interface {
	Verify(ctx context.Context, r verify.Request) (verify.Outcome, error)
}

// Gatekeeper is the bindings use case; *binding.Service is one.
type Gatekeeper interface {
	// Gate returns the employee userID is bound to, with their current
	// fields, and true; false when the user is not verified.
	Gate(ctx context.Context, userID string) (roster.Employee, bool, error)
	Unbind(ctx context.Context, userID string) error
}

// HandlerConfig configures the skill endpoints.
type HandlerConfig struct {
	// SkillSecret, when set, must arrive in SecretHeader or ?secret=.
	SkillSecret string
	// BotID, when set, must equal the request's bot.id.
	BotID string
	// Clients, when set, limits per address the calls the secret does not
	// authenticate (Kakao calls every bot from a few addresses).
	Clients interface {
		Allow(key string) (ok bool, retryAfter time.Duration)
	}
	// Texts are the words the answers show; empty fields are rollcall's.
	Texts Texts
	// Gates, when set, serves /kakao/gate and /kakao/unbind, whose "not
	// verified" answer offers a quick reply to AuthBlockID when it is set.
	Gates       Gatekeeper
	AuthBlockID string
}

// Handler serves Open Builder's skills. A well-formed call is answered 200
// in the skill's own format, so that the bot shows the user a message.
type Handler struct {
	cfg      HandlerConfig // Texts with the defaults filled in
	secret   secret.Shared
	bot      secret.Shared // compared like a secret: it admits calls
	verifier Verifier
}

// NewHandler returns the skill endpoints, verifying through v.
func NewHandler(cfg HandlerConfig, v Verifier) *Handler {
	cfg.Texts = cfg.Texts.withDefaults()
	return &Handler{
		cfg:      cfg,
		secret:   secret.New(cfg.SkillSecret),
		bot:      secret.New(cfg.BotID),
		verifier: v,
	}
}

// Register mounts POST /kakao/validate and /kakao/skill, and /kakao/gate
// and /kakao/unbind when the handler has Gates.
func (h *Handler) Register(r gin.IRoutes) {
	route(r, h, "/kakao/validate", h.validate)
	route(r, h, "/kakao/skill", h.skill)
	if h.cfg.Gates != nil {
		route(r, h, "/kakao/gate", h.gate)
		route(r, h, "/kakao/unbind", h.unbind)
	}
}

// route mounts POST path behind the checks every skill shares, in order: the
// client limit (429, unauthenticated calls only), the secret (401), the body
// cap (413), decoding (400), the bot (403).
func route[P interface{ BotID() string }](r gin.IRoutes, h *Handler, path string, serve func(c *gin.Context, p P)) {
	r.POST(path, func(c *gin.Context) {
		body, ok := h.admit(c)
		if !ok {
			return
		}
		var p P
		err := payload.Decode(body.Bytes(), &p) // copies what it keeps
		bodies.Put(body)
		if err != nil {
			refuse(c, http.StatusBadRequest, "bad_request", err.Error())
			return
		}
		if h.bot.IsSet() && !h.bot.Matches(p.BotID()) {
			refuse(c, http.StatusForbidden, "bad_bot_id", "this bot is not allowed")
			return
		}
		serve(c, p)
	})
}

// tooManyRequests is the "error" of a 429 answer.
const tooManyRequests = "too many requests"

// bodies keeps request-body buffers between requests: a new one for each was
// 14% of the bytes a launch-day verification allocated (docs/benchmarks.md,
// "The rest of p99: the GC").
var bodies = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// admit applies the client limit and the secret, then reads the body into a
// buffer of bodies, the caller's to put back; on refusal it has answered.
func (h *Handler) admit(c *gin.Context) (*bytes.Buffer, bool) {
	authenticated := false
	if h.secret.IsSet() {
		got := c.GetHeader(SecretHeader)
		if got == "" {
			got = c.Query("secret")
		}
		authenticated = h.secret.Matches(got)
	}
	if !authenticated && h.cfg.Clients != nil {
		if ok, wait := h.cfg.Clients.Allow(c.ClientIP()); !ok {
			c.Header("Retry-After", retryAfter(wait))
			refuse(c, http.StatusTooManyRequests, "client_rate_limited", tooManyRequests)
			return nil, false
		}
	}
	if h.secret.IsSet() && !authenticated {
		refuse(c, http.StatusUnauthorized, "bad_secret", "missing or wrong skill secret")
		return nil, false
	}
	buf := bodies.Get().(*bytes.Buffer)
	buf.Reset()
	// Sized by Content-Length: ReadFrom grows it no further.
	buf.Grow(int(min(max(c.Request.ContentLength, 0), maxBodyBytes)) + bytes.MinRead)
	_, err := buf.ReadFrom(http.MaxBytesReader(c.Writer, c.Request.Body, maxBodyBytes))
	if err != nil {
		bodies.Put(buf)
		if _, tooBig := errors.AsType[*http.MaxBytesError](err); tooBig {
			refuse(c, http.StatusRequestEntityTooLarge, "body_too_large", "request body too large")
		} else {
			refuse(c, http.StatusBadRequest, "bad_request", "could not read the request body")
		}
		return nil, false
	}
	return buf, true
}

// retryAfter is wait as a Retry-After value: whole seconds, rounded up, at least 1.
func retryAfter(wait time.Duration) string {
	return strconv.FormatInt(int64(max(math.Ceil(wait.Seconds()), 1)), 10)
}
