package operator_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/rollcall/rollcall/internal/operator"
)

// TestMetricsNeedCredentialsOrLoopback: /metrics shows the directory's size,
// so a caller from outside needs the sync credentials; a sidecar on loopback
// does not.
func TestMetricsNeedCredentialsOrLoopback(t *testing.T) {
	t.Parallel()
	metrics := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		io.WriteString(w, "rollcall_directory_employees 13\n")
	})
	cfg := operator.Config{Token: testToken, Metrics: metrics}
	h := router(t, newHandler(t, cfg, &fakeSyncer{}, &fakeStatus{}, newGoogleKeys(t)), nil)

	tests := []struct {
		name, remote, auth, forwarded string
		want                          int
	}{
		{name: "no credentials from outside", remote: "192.0.2.1:1234", want: http.StatusUnauthorized},
		{name: "Cloud Run's front end without credentials", remote: "169.254.169.126:4000", want: http.StatusUnauthorized},
		{name: "a forged X-Forwarded-For", remote: "192.0.2.1:1234", forwarded: "127.0.0.1", want: http.StatusUnauthorized},
		{name: "wrong token", remote: "192.0.2.1:1234", auth: "Bearer wrong-token", want: http.StatusUnauthorized},
		{name: "the sync token", remote: "192.0.2.1:1234", auth: "Bearer " + testToken, want: http.StatusOK},
		{name: "a sidecar on IPv4 loopback", remote: "127.0.0.1:50000", want: http.StatusOK},
		{name: "a sidecar on IPv6 loopback", remote: "[::1]:50000", want: http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := request(http.MethodGet, operator.MetricsPath, tt.auth)
			r.RemoteAddr = tt.remote
			if tt.forwarded != "" {
				r.Header.Set("X-Forwarded-For", tt.forwarded)
			}
			w := do(h, r)
			if w.Code != tt.want {
				t.Fatalf("GET /metrics = %d %s, want %d", w.Code, w.Body, tt.want)
			}
			if tt.want == http.StatusOK {
				if !strings.Contains(w.Body.String(), "rollcall_directory_employees 13") {
					t.Errorf("body %q, want the metrics", w.Body)
				}
				return
			}
			if body := decode(t, w); body["error"] == nil || strings.Contains(w.Body.String(), "rollcall_") {
				t.Errorf("refusal %s: want a JSON error and no metrics", w.Body)
			}
		})
	}

	// Without a Metrics handler there is no /metrics at all.
	plain := router(t, newHandler(t, operator.Config{Token: testToken}, &fakeSyncer{}, &fakeStatus{}, newGoogleKeys(t)), nil)
	if w := do(plain, request(http.MethodGet, operator.MetricsPath, "Bearer "+testToken)); w.Code != http.StatusNotFound {
		t.Errorf("GET /metrics without a Metrics handler = %d, want 404", w.Code)
	}
}
