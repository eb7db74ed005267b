package operator

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/rollcall/rollcall/internal/logging"
)

// keyFetchTimeout bounds fetching Google's public keys, which the library caches.
const keyFetchTimeout = 10 * time.Second

// refusal is why a request is refused: public for the caller, reason for the
// log, cause the validator's error. None holds the credentials.
type refusal struct {
	public string
	reason string
	cause  error
}

// The refusals callers read never say which check an ID token failed: the log does.
const (
	publicNotConfigured = "sync triggering is not configured on this service (ROLLCALL_SYNC_TOKEN or ROLLCALL_SYNC_INVOKERS)"
	publicMissing       = "missing credentials: send Authorization: Bearer <token>"
	publicInvalid       = "invalid credentials"
	reasonMissing       = "missing_bearer"
)

// authorize is every endpoint's first handler: it records at viaKey how the
// caller authenticated, or answers 401.
func (h *Handler) authorize(c *gin.Context) {
	ctx := c.Request.Context()
	via, ref := h.authenticate(ctx, c.Request)
	if ref == nil {
		c.Set(viaKey, via)
		return
	}
	attrs := []any{"route", c.FullPath(), "reason", ref.reason}
	if ref.cause != nil {
		attrs = append(attrs, "error", ref.cause.Error())
	}
	// No credentials is a scanner or a typo; anything else is worth a look.
	level := slog.LevelWarn
	if ref.reason == reasonMissing {
		level = slog.LevelInfo
	}
	logging.FromContext(ctx).Log(ctx, level, "refused an unauthenticated request", attrs...)
	c.Header("WWW-Authenticate", "Bearer")
	c.AbortWithStatusJSON(http.StatusUnauthorized, gin.H{"error": ref.public})
}

const viaKey = "operator.via"

// authenticate accepts a bearer credential that is the static token or, when
// invokers are configured, a Google-signed ID token.
func (h *Handler) authenticate(ctx context.Context, r *http.Request) (string, *refusal) {
	if !h.token.IsSet() && h.validator == nil {
		return "", &refusal{public: publicNotConfigured, reason: "not_configured"}
	}
	cred, ok := bearer(r.Header)
	switch {
	case !ok:
		return "", &refusal{public: publicMissing, reason: reasonMissing}
	case h.token.Matches(cred):
		return "token", nil
	case strings.Count(cred, ".") != 2:
		return "", &refusal{public: publicInvalid, reason: "bad_token"}
	case h.validator == nil:
		return "", &refusal{public: publicInvalid, reason: "id_tokens_not_accepted"}
	}
	if err := h.checkIDToken(ctx, r, cred); err != nil {
		return "", err
	}
	return "id_token", nil
}

// bearer returns the credential of the only Authorization header if its scheme is Bearer, any case.
func bearer(header http.Header) (string, bool) {
	values := header.Values("Authorization")
	if len(values) != 1 {
		return "", false
	}
	scheme, cred, ok := strings.Cut(strings.TrimSpace(values[0]), " ")
	cred = strings.TrimSpace(cred)
	if !ok || !strings.EqualFold(scheme, "Bearer") || cred == "" {
		return "", false
	}
	return cred, true
}

// checkIDToken accepts a valid RS256 ID token from a verified invoker; the
// idtoken package does not check the issuer, so this does.
func (h *Handler) checkIDToken(ctx context.Context, r *http.Request, token string) *refusal {
	// Google signs service accounts' ID tokens with RS256; the library's
	// ES256 path (for IAP) is not ours to accept.
	if algorithm(token) != "RS256" {
		return &refusal{public: publicInvalid, reason: "id_token_algorithm"}
	}
	vctx, cancel := context.WithTimeout(ctx, keyFetchTimeout)
	defer cancel()
	payload, err := h.validator.Validate(vctx, token, h.audienceOf(r))
	if err != nil {
		// The library's errors name the failed check, never the token.
		return &refusal{public: publicInvalid, reason: "id_token_invalid", cause: err}
	}
	if payload.Issuer != "https://accounts.google.com" && payload.Issuer != "accounts.google.com" {
		return &refusal{public: publicInvalid, reason: "id_token_issuer"}
	}
	log := logging.FromContext(ctx)
	email, _ := payload.Claims["email"].(string)
	if !slices.ContainsFunc(h.cfg.Invokers, func(inv string) bool { return strings.EqualFold(inv, email) }) {
		// Not PII (a service account), but kept below the default level.
		log.DebugContext(ctx, "ID token from an invoker that is not allowed", "invoker", email)
		return &refusal{public: publicInvalid, reason: "invoker_not_allowed"}
	}
	if verified, _ := payload.Claims["email_verified"].(bool); !verified {
		return &refusal{public: publicInvalid, reason: "email_not_verified"}
	}
	log.DebugContext(ctx, "ID token accepted", "invoker", email)
	return nil
}

// algorithm reads the "alg" of a JWT's header; "" when it cannot.
func algorithm(token string) string {
	head, _, _ := strings.Cut(token, ".")
	raw, err := base64.RawURLEncoding.DecodeString(head)
	var h struct {
		Alg string `json:"alg"`
	}
	if err != nil || json.Unmarshal(raw, &h) != nil {
		return ""
	}
	return h.Alg
}

// audienceOf is the configured audience, or SyncPath's URL on this host as
// Cloud Scheduler defaults it (Cloud Run terminates TLS and sets
// X-Forwarded-Proto); every endpoint expects it, so one token serves all.
func (h *Handler) audienceOf(r *http.Request) string {
	if h.cfg.Audience != "" {
		return h.cfg.Audience
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	first, _, _ := strings.Cut(r.Header.Get("X-Forwarded-Proto"), ",")
	if p := strings.ToLower(strings.TrimSpace(first)); p == "http" || p == "https" {
		scheme = p
	}
	return scheme + "://" + r.Host + SyncPath
}
