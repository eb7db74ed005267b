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

// How a caller authenticated, as logged.
const (
	viaToken   = "token"
	viaIDToken = "id_token"
)

// keyFetchTimeout bounds fetching Google's public keys (cached between
// requests for as long as Google's Cache-Control allows).
const keyFetchTimeout = 10 * time.Second

// googleIssuer reports whether iss names Google as an ID token's issuer.
// The idtoken package checks signature, expiry and audience, not the issuer.
func googleIssuer(iss string) bool {
	return iss == "https://accounts.google.com" || iss == "accounts.google.com"
}

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
)

// reasonMissing is the logged reason of a request without bearer credentials.
const reasonMissing = "missing_bearer"

// authorize authenticates the request for either endpoint. On failure it
// answers 401 with a JSON error and reports false; on success it returns
// how the caller authenticated.
func (h *Handler) authorize(c *gin.Context) (string, bool) {
	ctx := c.Request.Context()
	log := logging.FromContext(ctx)
	via, ref := h.authenticate(ctx, c.Request)
	if ref != nil {
		attrs := []any{"route", c.FullPath(), "reason", ref.reason}
		if ref.cause != nil {
			attrs = append(attrs, "error", ref.cause.Error())
		}
		// A request without credentials is a scanner or a typo; one with
		// bad credentials, or a service that cannot be triggered at all,
		// is worth an operator's look.
		level := slog.LevelWarn
		if ref.reason == reasonMissing {
			level = slog.LevelInfo
		}
		log.Log(ctx, level, "refused an unauthenticated request", attrs...)
		c.Header("WWW-Authenticate", "Bearer")
		c.AbortWithStatusJSON(http.StatusUnauthorized, gin.H{"error": ref.public})
		return "", false
	}
	return via, true
}

// authenticate is the one check both endpoints make. The request must carry
// "Authorization: Bearer <credential>" where the credential is either
//
//   - the configured static token (compared in constant time), or
//   - when invokers are configured, a Google-signed OIDC ID token (RS256,
//     checked against Google's public keys) that is unexpired, issued by
//     accounts.google.com, carries the audience given by audienceOf, and
//     whose "email" claim is one of the invokers with "email_verified" true.
//
// With neither a token nor invokers configured, every request is refused.
func (h *Handler) authenticate(ctx context.Context, r *http.Request) (string, *refusal) {
	if !h.token.IsSet() && h.validator == nil {
		return "", &refusal{public: publicNotConfigured, reason: "not_configured"}
	}
	cred, ok := bearer(r.Header)
	if !ok {
		return "", &refusal{public: publicMissing, reason: reasonMissing}
	}
	if h.token.Matches(cred) {
		return viaToken, nil
	}
	if strings.Count(cred, ".") != 2 {
		return "", &refusal{public: publicInvalid, reason: "bad_token"}
	}
	if h.validator == nil {
		return "", &refusal{public: publicInvalid, reason: "id_tokens_not_accepted"}
	}
	if err := h.checkIDToken(ctx, r, cred); err != nil {
		return "", err
	}
	return viaIDToken, nil
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

// checkIDToken validates a Google-signed ID token and its caller.
func (h *Handler) checkIDToken(ctx context.Context, r *http.Request, token string) *refusal {
	// Google signs service accounts' ID tokens with RS256. Other algorithms
	// are refused before validation: the library's ES256 path (for IAP)
	// is not ours to accept.
	if alg, ok := algorithm(token); !ok || alg != "RS256" {
		return &refusal{public: publicInvalid, reason: "id_token_algorithm"}
	}
	vctx, cancel := context.WithTimeout(ctx, keyFetchTimeout)
	defer cancel()
	payload, err := h.validator.Validate(vctx, token, h.audienceOf(r))
	if err != nil {
		// The library's errors name the failed check, never the token.
		return &refusal{public: publicInvalid, reason: "id_token_invalid", cause: err}
	}
	if !googleIssuer(payload.Issuer) {
		return &refusal{public: publicInvalid, reason: "id_token_issuer"}
	}
	email, _ := payload.Claims["email"].(string)
	if !slices.ContainsFunc(h.invokers, func(inv string) bool { return strings.EqualFold(inv, email) }) {
		// A service account's address is not PII, but keep it out of
		// the default log level anyway.
		logging.FromContext(ctx).DebugContext(ctx, "ID token from an invoker that is not allowed", "invoker", email)
		return &refusal{public: publicInvalid, reason: "invoker_not_allowed"}
	}
	if verified, _ := payload.Claims["email_verified"].(bool); !verified {
		return &refusal{public: publicInvalid, reason: "email_not_verified"}
	}
	logging.FromContext(ctx).DebugContext(ctx, "ID token accepted", "invoker", email)
	return nil
}

// algorithm reads the "alg" of a JWT's header.
func algorithm(token string) (string, bool) {
	head, _, _ := strings.Cut(token, ".")
	raw, err := base64.RawURLEncoding.DecodeString(head)
	if err != nil {
		return "", false
	}
	var h struct {
		Alg string `json:"alg"`
	}
	if err := json.Unmarshal(raw, &h); err != nil {
		return "", false
	}
	return h.Alg, true
}

// audienceOf returns the audience an ID token must carry: the configured
// Audience exactly, or else the URL of SyncPath on the host the request was
// sent to — the default audience Cloud Scheduler uses for a target URL
// without a query string. It is
//
//	<scheme>://<Host header><SyncPath>
//
// where scheme is the first value of X-Forwarded-Proto when it is "http" or
// "https" (Cloud Run terminates TLS and sets it), else "https" when the
// connection itself is TLS, else "http"; the Host header is taken as sent,
// port included. GET /internal/status expects the same audience, so one
// token serves a scheduler or an operator for both endpoints.
func (h *Handler) audienceOf(r *http.Request) string {
	if h.audience != "" {
		return h.audience
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if fwd := r.Header.Get("X-Forwarded-Proto"); fwd != "" {
		first, _, _ := strings.Cut(fwd, ",")
		if p := strings.ToLower(strings.TrimSpace(first)); p == "http" || p == "https" {
			scheme = p
		}
	}
	return scheme + "://" + r.Host + SyncPath
}
