package operator_test

import (
	"encoding/base64"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rollcall/rollcall/internal/logging/logtest"

	"github.com/rollcall/rollcall/internal/logging"
	"github.com/rollcall/rollcall/internal/operator"
)

// endpoints are the two routes that share one authentication.
var endpoints = []struct{ method, path string }{
	{http.MethodPost, operator.SyncPath},
	{http.MethodGet, operator.StatusPath},
}

func TestAuthentication(t *testing.T) {
	t.Parallel()
	keys := newGoogleKeys(t)
	otherKey := newRSAKey(t)
	both := operator.Config{Token: testToken, Invokers: []string{testInvoker}, Audience: testAudience}
	tokenOnly := operator.Config{Token: testToken}
	invokersOnly := operator.Config{Invokers: []string{"other@x.iam.gserviceaccount.com", testInvoker}, Audience: testAudience}
	edited := func(edit func(map[string]any)) func(*testing.T) string {
		return func(t *testing.T) string { return "Bearer " + keys.idToken(t, edit) }
	}
	fixed := func(s string) func(*testing.T) string { return func(*testing.T) string { return s } }
	header := func(t *testing.T, alg, kid string) string {
		return "Bearer " + signJWT(t, keys.key, map[string]any{"alg": alg, "kid": kid}, claims())
	}

	tests := []struct {
		name string
		cfg  operator.Config
		// auth returns the Authorization header ("" for none).
		auth      func(*testing.T) string
		want      int
		wantError string // a part of the 401 body's error
	}{
		{"no header", both, fixed(""), http.StatusUnauthorized, "missing credentials"},
		{"wrong scheme", both, fixed("Basic " + base64.StdEncoding.EncodeToString([]byte("u:"+testToken))), http.StatusUnauthorized, "missing credentials"},
		{"bearer without credential", both, fixed("Bearer "), http.StatusUnauthorized, "missing credentials"},
		{"static token", both, fixed("Bearer " + testToken), http.StatusOK, ""},
		{"static token, scheme in lower case", both, fixed("bearer " + testToken), http.StatusOK, ""},
		{"static token without invokers", tokenOnly, fixed("Bearer " + testToken), http.StatusOK, ""},
		{"wrong token", both, fixed("Bearer wrong-token"), http.StatusUnauthorized, "invalid credentials"},
		{"token prefix", both, fixed("Bearer " + testToken[:len(testToken)-1]), http.StatusUnauthorized, "invalid credentials"},
		{"token with a suffix", both, fixed("Bearer " + testToken + "x"), http.StatusUnauthorized, "invalid credentials"},
		{"static token when only invokers are configured", invokersOnly, fixed("Bearer " + testToken), http.StatusUnauthorized, "invalid credentials"},
		{"ID token from an allowed invoker", both, edited(nil), http.StatusOK, ""},
		{"ID token without a static token configured", invokersOnly, edited(nil), http.StatusOK, ""},
		{"ID token with the short issuer", both, edited(func(c map[string]any) { c["iss"] = "accounts.google.com" }), http.StatusOK, ""},
		{"ID token for another audience", both, edited(func(c map[string]any) { c["aud"] = "https://elsewhere.example/internal/sync" }), http.StatusUnauthorized, "invalid credentials"},
		{"ID token without an audience", both, edited(func(c map[string]any) { delete(c, "aud") }), http.StatusUnauthorized, "invalid credentials"},
		{"ID token from another email", both, edited(func(c map[string]any) { c["email"] = "intruder@evil.iam.gserviceaccount.com" }), http.StatusUnauthorized, "invalid credentials"},
		{"ID token without an email", both, edited(func(c map[string]any) { delete(c, "email") }), http.StatusUnauthorized, "invalid credentials"},
		{"ID token with email_verified false", both, edited(func(c map[string]any) { c["email_verified"] = false }), http.StatusUnauthorized, "invalid credentials"},
		{"ID token without email_verified", both, edited(func(c map[string]any) { delete(c, "email_verified") }), http.StatusUnauthorized, "invalid credentials"},
		{"ID token with email_verified as a string", both, edited(func(c map[string]any) { c["email_verified"] = "yes" }), http.StatusUnauthorized, "invalid credentials"},
		{"expired ID token", both, edited(func(c map[string]any) {
			c["iat"], c["exp"] = time.Now().Add(-2*time.Hour).Unix(), time.Now().Add(-time.Hour).Unix()
		}), http.StatusUnauthorized, "invalid credentials"},
		{"ID token without expiry", both, edited(func(c map[string]any) { delete(c, "exp") }), http.StatusUnauthorized, "invalid credentials"},
		{"ID token from another issuer", both, edited(func(c map[string]any) { c["iss"] = "https://evil.example" }), http.StatusUnauthorized, "invalid credentials"},
		{"ID token signed by another key", both, func(t *testing.T) string {
			return "Bearer " + signJWT(t, otherKey, map[string]any{"alg": "RS256", "kid": keys.kid}, claims())
		}, http.StatusUnauthorized, "invalid credentials"},
		{"ID token with an unknown key id", both, func(t *testing.T) string {
			return "Bearer " + signJWT(t, keys.key, map[string]any{"alg": "RS256", "kid": "unknown"}, claims())
		}, http.StatusUnauthorized, "invalid credentials"},
		{"ID token with a swapped payload", both, func(t *testing.T) string {
			good := strings.Split(keys.idToken(t, func(c map[string]any) { c["email"] = "intruder@evil.iam.gserviceaccount.com" }), ".")
			bad := strings.Split(keys.idToken(t, nil), ".")
			return "Bearer " + good[0] + "." + bad[1] + "." + good[2]
		}, http.StatusUnauthorized, "invalid credentials"},
		// The idtoken package slices an ES256 signature without checking
		// its length: this one would panic if it reached the validator.
		{"ES256 header with a short signature", both, func(t *testing.T) string {
			tok := header(t, "ES256", iapKid)
			return tok[:strings.LastIndex(tok, ".")] + ".AAAA"
		}, http.StatusUnauthorized, "invalid credentials"},
		{"ES256 token signed by an IAP key", both, func(t *testing.T) string { return "Bearer " + keys.iapToken(t) }, http.StatusUnauthorized, "invalid credentials"},
		{"alg none", both, func(t *testing.T) string {
			tok := header(t, "none", keys.kid)
			return tok[:strings.LastIndex(tok, ".")+1]
		}, http.StatusUnauthorized, "invalid credentials"},
		{"three garbage segments", both, fixed("Bearer a.b.c"), http.StatusUnauthorized, "invalid credentials"},
		{"ID token when only a static token is configured", tokenOnly, edited(nil), http.StatusUnauthorized, "invalid credentials"},
		{"nothing configured, no header", operator.Config{}, fixed(""), http.StatusUnauthorized, "not configured"},
		{"nothing configured, empty token", operator.Config{}, fixed("Bearer "), http.StatusUnauthorized, "not configured"},
		{"nothing configured, ID token", operator.Config{Audience: testAudience}, edited(nil), http.StatusUnauthorized, "not configured"},
	}
	for _, ep := range endpoints {
		for _, tt := range tests {
			t.Run(ep.path+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				syncer := &fakeSyncer{}
				h := newHandler(t, tt.cfg, syncer, &fakeStatus{}, keys)
				w := do(router(t, h, nil), request(ep.method, ep.path, tt.auth(t)))
				if w.Code != tt.want {
					t.Fatalf("status = %d, want %d; body %s", w.Code, tt.want, w.Body)
				}
				body := decode(t, w)
				wantCalls := int32(0)
				if tt.want == http.StatusOK && ep.path == operator.SyncPath {
					wantCalls = 1
				}
				if got := syncer.calls.Load(); got != wantCalls {
					t.Errorf("the syncer ran %d times, want %d", got, wantCalls)
				}
				if tt.want != http.StatusUnauthorized {
					return
				}
				if got := w.Header().Get("WWW-Authenticate"); got != "Bearer" {
					t.Errorf("WWW-Authenticate = %q, want Bearer", got)
				}
				if msg, _ := body["error"].(string); !strings.Contains(msg, tt.wantError) {
					t.Errorf("error = %q, want it to contain %q", msg, tt.wantError)
				}
			})
		}
	}
}

func TestAuthenticationTwoAuthorizationHeaders(t *testing.T) {
	t.Parallel()
	keys := newGoogleKeys(t)
	h := newHandler(t, operator.Config{Token: testToken}, &fakeSyncer{}, &fakeStatus{}, keys)
	r := request(http.MethodPost, operator.SyncPath, "Bearer "+testToken)
	r.Header.Add("Authorization", "Bearer wrong")
	if w := do(router(t, h, nil), r); w.Code != http.StatusUnauthorized {
		t.Errorf("status = %d, want 401", w.Code)
	}
}

// TestDefaultAudience pins what an ID token's audience is compared with
// when ROLLCALL_SYNC_AUDIENCE is not set: the request's own URL of
// /internal/sync, for both endpoints.
func TestDefaultAudience(t *testing.T) {
	t.Parallel()
	keys := newGoogleKeys(t)
	tests := []struct {
		name     string
		path     string
		host     string
		forwared string // X-Forwarded-Proto
		aud      string
		want     int
	}{
		{"Cloud Run: https from X-Forwarded-Proto", operator.SyncPath, "rollcall-abc.a.run.app", "https", "https://rollcall-abc.a.run.app/internal/sync", http.StatusOK},
		{"status accepts the sync audience", operator.StatusPath, "rollcall-abc.a.run.app", "https", "https://rollcall-abc.a.run.app/internal/sync", http.StatusOK},
		{"status refuses its own URL", operator.StatusPath, "rollcall-abc.a.run.app", "https", "https://rollcall-abc.a.run.app/internal/status", http.StatusUnauthorized},
		{"first of several forwarded protocols", operator.SyncPath, "rollcall-abc.a.run.app", "https, http", "https://rollcall-abc.a.run.app/internal/sync", http.StatusOK},
		{"forwarded protocol in upper case", operator.SyncPath, "rollcall-abc.a.run.app", "HTTPS", "https://rollcall-abc.a.run.app/internal/sync", http.StatusOK},
		{"plain http without the header", operator.SyncPath, "localhost:8080", "", "http://localhost:8080/internal/sync", http.StatusOK},
		{"https audience over plain http", operator.SyncPath, "localhost:8080", "", "https://localhost:8080/internal/sync", http.StatusUnauthorized},
		{"port is part of the host", operator.SyncPath, "localhost:8080", "", "http://localhost/internal/sync", http.StatusUnauthorized},
		{"unknown forwarded protocol is ignored", operator.SyncPath, "localhost:8080", "gopher", "http://localhost:8080/internal/sync", http.StatusOK},
		{"service root is not the audience", operator.SyncPath, "rollcall-abc.a.run.app", "https", "https://rollcall-abc.a.run.app", http.StatusUnauthorized},
		{"query string is not part of the audience", operator.SyncPath, "rollcall-abc.a.run.app", "https", "https://rollcall-abc.a.run.app/internal/sync?force=true", http.StatusUnauthorized},
		{"another host", operator.SyncPath, "rollcall-abc.a.run.app", "https", "https://other.a.run.app/internal/sync", http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHandler(t, operator.Config{Invokers: []string{testInvoker}}, &fakeSyncer{}, &fakeStatus{}, keys)
			method := http.MethodPost
			if tt.path == operator.StatusPath {
				method = http.MethodGet
			}
			r := request(method, tt.path, "Bearer "+keys.idToken(t, func(c map[string]any) { c["aud"] = tt.aud }))
			r.Host = tt.host
			if tt.forwared != "" {
				r.Header.Set("X-Forwarded-Proto", tt.forwared)
			}
			if w := do(router(t, h, nil), r); w.Code != tt.want {
				t.Errorf("status = %d, want %d; body %s", w.Code, tt.want, w.Body)
			}
		})
	}
}

func TestConfiguredAudienceIgnoresTheRequestURL(t *testing.T) {
	t.Parallel()
	keys := newGoogleKeys(t)
	h := newHandler(t, operator.Config{Invokers: []string{testInvoker}, Audience: testAudience}, &fakeSyncer{}, &fakeStatus{}, keys)
	for aud, want := range map[string]int{
		testAudience:                           http.StatusOK,
		"http://example.com/internal/sync":     http.StatusUnauthorized, // the request's own URL
		"https://rollcall.example/internal/sy": http.StatusUnauthorized,
	} {
		r := request(http.MethodPost, operator.SyncPath, "Bearer "+keys.idToken(t, func(c map[string]any) { c["aud"] = aud }))
		if w := do(router(t, h, nil), r); w.Code != want {
			t.Errorf("audience %q: status = %d, want %d", aud, w.Code, want)
		}
	}
}

func TestValidatorCachesGoogleKeys(t *testing.T) {
	t.Parallel()
	keys := newGoogleKeys(t)
	h := newHandler(t, operator.Config{Invokers: []string{testInvoker}, Audience: testAudience}, &fakeSyncer{}, &fakeStatus{}, keys)
	for range 3 {
		if w := do(router(t, h, nil), request(http.MethodPost, operator.SyncPath, "Bearer "+keys.idToken(t, nil))); w.Code != http.StatusOK {
			t.Fatalf("status = %d, want 200; body %s", w.Code, w.Body)
		}
	}
	if n := keys.fetches.Load(); n != 1 {
		t.Errorf("Google's keys were fetched %d times, want 1 (cached per Cache-Control)", n)
	}
}

// TestLogsHoldNoCredentials checks that neither tokens nor the invoker's
// email reach the log at the default level, and tokens not even at debug.
func TestLogsHoldNoCredentials(t *testing.T) {
	t.Parallel()
	keys := newGoogleKeys(t)
	for _, level := range []slog.Level{slog.LevelInfo, slog.LevelDebug} {
		var buf logtest.Buffer
		log := logging.New(&buf, logging.FormatJSON, level)
		h := newHandler(t, operator.Config{Token: testToken, Invokers: []string{testInvoker}, Audience: testAudience}, &fakeSyncer{}, &fakeStatus{}, keys)
		e := router(t, h, log)
		valid := keys.idToken(t, nil)
		stranger := keys.idToken(t, func(c map[string]any) { c["email"] = "stranger@x.iam.gserviceaccount.com" })
		expired := keys.idToken(t, func(c map[string]any) { c["exp"] = time.Now().Add(-time.Hour).Unix() })
		secrets := []string{testToken, "wrong-" + testToken, valid, stranger, expired}
		for _, s := range secrets {
			for _, ep := range endpoints {
				do(e, request(ep.method, ep.path, "Bearer "+s))
			}
		}
		out := buf.String()
		if !strings.Contains(out, "refused an unauthenticated request") {
			t.Fatalf("no refusal was logged at %v; the test proves nothing:\n%s", level, out)
		}
		for _, s := range secrets {
			if strings.Contains(out, s) {
				t.Errorf("a credential reached the %v log:\n%s", level, out)
			}
		}
		if level == slog.LevelInfo && (strings.Contains(out, testInvoker) || strings.Contains(out, "stranger@")) {
			t.Errorf("an invoker's email reached the info log:\n%s", out)
		}
	}
}
