package operator_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/rollcall/rollcall/internal/logging"
	"github.com/rollcall/rollcall/internal/operator"
	"github.com/rollcall/rollcall/internal/rostersync"
)

func TestMain(m *testing.M) {
	gin.SetMode(gin.ReleaseMode) // once, before any test runs: gin's mode is global
	os.Exit(m.Run())
}

// The URLs the idtoken package fetches Google's public keys from.
const (
	googleCertsURL = "https://www.googleapis.com/oauth2/v3/certs"        // RS256
	iapCertsURL    = "https://www.gstatic.com/iap/verify/public_key-jwk" // ES256
)

// Test identities.
const (
	testAudience = "https://rollcall.example/internal/sync"
	testInvoker  = "scheduler@rollcall-test.iam.gserviceaccount.com"
	testToken    = "operator-token-0123456789"
)

// googleKeys plays Google's key endpoints for the ID-token validator, with a
// test RSA key, over an http.Client whose transport never reaches the
// network.
type googleKeys struct {
	key     *rsa.PrivateKey
	kid     string
	iap     *ecdsa.PrivateKey // served as IAP's ES256 key iapKid
	fetches atomic.Int32
}

// iapKid names the ES256 key of the IAP key set.
const iapKid = "iap-key-1"

func newGoogleKeys(t *testing.T) *googleKeys {
	t.Helper()
	iap, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return &googleKeys{key: newRSAKey(t), kid: "test-key-1", iap: iap}
}

func newRSAKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// roundTripFunc is an http.RoundTripper made of a function.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// client returns the http.Client to give as operator.Config.ValidatorClient.
func (g *googleKeys) client() *http.Client {
	return &http.Client{Transport: roundTripFunc(g.serve)}
}

func (g *googleKeys) serve(r *http.Request) (*http.Response, error) {
	var body any
	switch r.URL.String() {
	case googleCertsURL:
		g.fetches.Add(1)
		body = map[string]any{"keys": []map[string]string{{
			"kty": "RSA", "alg": "RS256", "use": "sig", "kid": g.kid,
			"n": base64.RawURLEncoding.EncodeToString(g.key.N.Bytes()),
			"e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(g.key.E)).Bytes()),
		}}}
	case iapCertsURL:
		pub, err := g.iap.PublicKey.Bytes() // uncompressed point: 0x04 || X || Y
		if err != nil {
			return nil, err
		}
		body = map[string]any{"keys": []map[string]string{{
			"kty": "EC", "alg": "ES256", "use": "sig", "crv": "P-256", "kid": iapKid,
			"x": base64.RawURLEncoding.EncodeToString(pub[1:33]),
			"y": base64.RawURLEncoding.EncodeToString(pub[33:]),
		}}}
	default:
		return nil, fmt.Errorf("test transport: unexpected request to %s", r.URL.Redacted())
	}
	b, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	return &http.Response{
		StatusCode: http.StatusOK,
		Header:     http.Header{"Content-Type": {"application/json"}, "Cache-Control": {"public, max-age=3600"}},
		Body:       io.NopCloser(bytes.NewReader(b)),
		Request:    r,
	}, nil
}

// claims returns the claims of a valid ID token from testInvoker for
// testAudience, as Cloud Scheduler would send it.
func claims() map[string]any {
	now := time.Now()
	return map[string]any{
		"iss":            "https://accounts.google.com",
		"aud":            testAudience,
		"azp":            "112233445566778899000",
		"sub":            "112233445566778899000",
		"email":          testInvoker,
		"email_verified": true,
		"iat":            now.Unix(),
		"exp":            now.Add(time.Hour).Unix(),
	}
}

// idToken signs claims (changed by edit) with the test key.
func (g *googleKeys) idToken(t *testing.T, edit func(map[string]any)) string {
	t.Helper()
	c := claims()
	if edit != nil {
		edit(c)
	}
	return signJWT(t, g.key, map[string]any{"alg": "RS256", "kid": g.kid, "typ": "JWT"}, c)
}

// signJWT signs a JWT with RS256 whatever the header's "alg" says.
func signJWT(t *testing.T, key *rsa.PrivateKey, header, claims map[string]any) string {
	t.Helper()
	enc := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return base64.RawURLEncoding.EncodeToString(b)
	}
	signed := enc(header) + "." + enc(claims)
	sum := sha256.Sum256([]byte(signed))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	return signed + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// iapToken signs claims with the IAP key (ES256), as IAP would.
func (g *googleKeys) iapToken(t *testing.T) string {
	t.Helper()
	enc := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return base64.RawURLEncoding.EncodeToString(b)
	}
	signed := enc(map[string]any{"alg": "ES256", "kid": iapKid, "typ": "JWT"}) + "." + enc(claims())
	sum := sha256.Sum256([]byte(signed))
	r, s, err := ecdsa.Sign(rand.Reader, g.iap, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	sig := make([]byte, 64)
	r.FillBytes(sig[:32])
	s.FillBytes(sig[32:])
	return signed + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// fakeSyncer is a Syncer made of a function; it counts its calls.
type fakeSyncer struct {
	run   func(context.Context, rostersync.Options) (rostersync.Report, error)
	calls atomic.Int32
}

func (f *fakeSyncer) Run(ctx context.Context, opts rostersync.Options) (rostersync.Report, error) {
	f.calls.Add(1)
	if f.run == nil {
		return rostersync.Report{}, nil
	}
	return f.run(ctx, opts)
}

// fakeStatus is a Status made of functions; nil ones answer empty.
type fakeStatus struct {
	runs     func(context.Context, int) ([]rostersync.Report, error)
	count    func(context.Context) (int, error)
	lastSync func(context.Context) (time.Time, error)
}

func (f *fakeStatus) Runs(ctx context.Context, limit int) ([]rostersync.Report, error) {
	if f.runs == nil {
		return nil, nil
	}
	return f.runs(ctx, limit)
}

func (f *fakeStatus) Count(ctx context.Context) (int, error) {
	if f.count == nil {
		return 0, nil
	}
	return f.count(ctx)
}

func (f *fakeStatus) LastSync(ctx context.Context) (time.Time, error) {
	if f.lastSync == nil {
		return time.Time{}, nil
	}
	return f.lastSync(ctx)
}

// router mounts h on a gin engine whose requests carry log (or a logger
// that discards, when log is nil), as the server's middleware does.
func router(t *testing.T, h *operator.Handler, log *slog.Logger) *gin.Engine {
	t.Helper()
	e := gin.New()
	e.ContextWithFallback = true
	if log != nil {
		e.Use(func(c *gin.Context) {
			c.Request = c.Request.WithContext(logging.WithLogger(c.Request.Context(), log))
			c.Next()
		})
	}
	h.Register(e)
	return e
}

// newHandler builds a handler whose validator fetches keys from keys.
func newHandler(t *testing.T, cfg operator.Config, syncer operator.Syncer, status operator.Status, keys *googleKeys) *operator.Handler {
	t.Helper()
	cfg.ValidatorClient = keys.client()
	h, err := operator.New(cfg, syncer, status)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return h
}

// request returns a request carrying authorization (none if empty).
func request(method, target, authorization string) *http.Request {
	r := httptest.NewRequest(method, target, nil)
	if authorization != "" {
		r.Header.Set("Authorization", authorization)
	}
	return r
}

// do serves r and returns the recorded response.
func do(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// decode parses a JSON object body.
func decode(t *testing.T, w *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	if ct := w.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("Content-Type = %q, want application/json; charset=utf-8", ct)
	}
	var m map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &m); err != nil {
		t.Fatalf("body is not a JSON object: %v\n%s", err, w.Body)
	}
	return m
}
