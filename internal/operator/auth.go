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

// keyFetchTimeout bounds fetching Google's public keys (cached between
// requests as Google's Cache-Control allows).
const keyFetchTimeout = 10 * time.Second

// refusal says why a request is not authenticated: public is what the caller
// reads, reason a fixed code for the log, cause the validator's error if any.
// None of them holds the presented credentials.
type refusal struct {
	public string
	reason string
	cause  error
}

// The refusals callers can read. They never say which check an ID token
// failed: the log does.
const (
	publicNotConfigured = "sync triggering is not configured on this service (ROLLCALL_SYNC_TOKEN or ROLLCALL_SYNC_INVOKERS)"
	publicMissing       = "missing credentials: send Authorization: Bearer <token>"
	publicInvalid       = "invalid credentials"
	reasonMissing       = "missing_bearer"
)

// authorize is every endpoint's first handler: it lets an authenticated
// request through, with how the caller authenticated at viaKey, as logged,
// and answers any other 401 with a JSON error.
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
	// A request without credentials is a scanner or a typo; bad
	// credentials, or a service that cannot be triggered at all, are worth
	// an operator's look.
	level := slog.LevelWarn
	if ref.reason == reasonMissing {
		level = slog.LevelInfo
	}
	logging.FromContext(ctx).Log(ctx, level, "refused an unauthenticated request", attrs...)
	c.Header("WWW-Authenticate", "Bearer")
	c.AbortWithStatusJSON(http.StatusUnauthorized, gin.H{"error": ref.public})
}

const viaKey = "operator.via"

// authenticate is the one check every endpoint makes. The request must carry
// "Authorization: Bearer <credential>" where the credential is either the
// configured static token (compared in constant time) or, when invokers are
// configured, a Google-signed OIDC ID token (checkIDToken).
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

// bearer returns the credential of the request's only Authorization header
// if it uses the Bearer scheme (case-insensitive, as RFC 9110 says).
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

// checkIDToken accepts an RS256 ID token, checked against Google's public
// keys, unexpired, issued by accounts.google.com (the idtoken package does
// not check the issuer), carrying the audience of audienceOf, whose "email"
// is one of the invokers with "email_verified" true.
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
		// A service account's address is not PII, but it stays out of the
		// default log level anyway.
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

// audienceOf returns the audience an ID token must carry: the configured
// one, or else the URL of SyncPath on the host the request was sent to, as
// Cloud Scheduler defaults it: <scheme>://<Host header, port included><SyncPath>,
// where scheme is the first X-Forwarded-Proto when it is http or https
// (Cloud Run terminates TLS and sets it), else https on a TLS connection,
// else http. Every endpoint expects it, so one token serves them all.
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
