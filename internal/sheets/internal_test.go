package sheets

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"google.golang.org/api/googleapi"
	gsheets "google.golang.org/api/sheets/v4"
)

func TestStartRow(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want int
	}{
		{"Sheet1!A1:Z1000", 1},
		{"Sheet1!A3:F10", 3},
		{"Sheet1!$B$12:F", 12},
		{"'직원 목록'!A1:Z1000", 1},
		{"'직원 목록'!C7:F9", 7},
		{"'It''s!here'!B5:C6", 5},
		{"Sheet1!A:F", 1},
		{"Sheet1!4:9", 4},
		{"Sheet1!B2", 2},
		{"Sheet1", 1},
		{"'직원 목록'", 1},
		{"A5:F9", 5},
	}
	// startRow is the 1-based sheet row where the range the API echoes begins.
	startRow := func(echo string) (int, error) {
		rows, _, err := toRows(&gsheets.ValueRange{Range: echo, Values: [][]any{{"x"}}})
		return len(rows), err
	}
	for _, tt := range tests {
		got, err := startRow(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("startRow(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"'unterminated!A1", "Sheet1!", "'x'A1", "Sheet1!A0:B2", "Sheet1!A1B:C3", "Sheet1!:B2"} {
		if got, err := startRow(bad); err == nil {
			t.Errorf("startRow(%q) = %d, want an error", bad, got)
		}
	}
}

func TestAccountFromJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, json, want string
	}{
		{"service account key", `{"type":"service_account","client_email":"rollcall@acme.iam.gserviceaccount.com","private_key":"-"}`,
			"rollcall@acme.iam.gserviceaccount.com"},
		{"impersonation", `{"type":"impersonated_service_account","service_account_impersonation_url":` +
			`"https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/sync@acme.iam.gserviceaccount.com:generateAccessToken"}`,
			"sync@acme.iam.gserviceaccount.com"},
		{"user login", `{"type":"authorized_user","client_id":"x","refresh_token":"y"}`,
			"the Google account of your application-default login"},
		{"external account without impersonation", `{"type":"external_account"}`, ""},
		{"not JSON", `nope`, ""},
		{"none", ``, ""},
	}
	for _, tt := range tests {
		if got := accountFromJSON([]byte(tt.json)); got != tt.want {
			t.Errorf("%s: accountFromJSON = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestBackoff(t *testing.T) {
	t.Parallel()
	const base, limit = 100 * time.Millisecond, time.Second
	tests := []struct {
		attempt int
		full    time.Duration
	}{
		{1, 100 * time.Millisecond},
		{2, 200 * time.Millisecond},
		{3, 400 * time.Millisecond},
		{4, 800 * time.Millisecond},
		{5, time.Second},
		{60, time.Second},
	}
	for _, tt := range tests {
		for range 50 {
			got := backoff(base, limit, tt.attempt)
			if got < tt.full/2 || got > tt.full {
				t.Fatalf("backoff(attempt %d) = %v, want within [%v, %v]", tt.attempt, got, tt.full/2, tt.full)
			}
		}
	}
}

func TestRetryable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		want bool
	}{
		{&googleapi.Error{Code: http.StatusTooManyRequests}, true},
		{&googleapi.Error{Code: http.StatusInternalServerError}, true},
		{&googleapi.Error{Code: http.StatusServiceUnavailable}, true},
		{fmt.Errorf("wrapped: %w", &googleapi.Error{Code: http.StatusBadGateway}), true},
		{&googleapi.Error{Code: http.StatusBadRequest}, false},
		{&googleapi.Error{Code: http.StatusForbidden}, false},
		{&googleapi.Error{Code: http.StatusNotFound}, false},
		{errors.New("connection reset by peer"), true},
		{context.DeadlineExceeded, true}, // one attempt's own timeout
		{context.Canceled, false},
	}
	for _, tt := range tests {
		if got := retryable(tt.err); got != tt.want {
			t.Errorf("retryable(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}
