package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestDriveCountsEveryWrongAnswer(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	secrets := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		secrets[r.Header.Get(skillSecretHeader)]++
		mu.Unlock()
		body, _ := io.ReadAll(r.Body)
		switch {
		case bytes.Contains(body, []byte("busy")):
			w.WriteHeader(http.StatusTooManyRequests)
		case bytes.Contains(body, []byte("stranger")):
			io.WriteString(w, `{"status":"FAIL","message":"..."}`)
		default:
			io.WriteString(w, `{"status":"SUCCESS","value":"x"}`)
		}
	}))
	t.Cleanup(srv.Close)
	calls := []call{
		{body: []byte(`{"who":"employee"}`), want: wantSuccess},
		{body: []byte(`{"who":"stranger"}`), want: wantFail},
		{body: []byte(`{"who":"stranger"}`), want: wantSuccess}, // answered FAIL: an error
		{body: []byte(`{"who":"busy"}`), want: wantSuccess},     // 429: an error
	}
	client := newLoadClient(3, "s3cret")
	t.Cleanup(client.CloseIdleConnections)
	// One worker sends the calls in order, so each is sent 10 times.
	got := drive(context.Background(), client, srv.URL, calls, loadConfig{Concurrency: 1, Duration: time.Minute, MaxRequests: 40})

	if got.Requests != 40 || len(got.Samples) != 40 {
		t.Fatalf("%d requests, %d samples; want 40 of each (the cap)", got.Requests, len(got.Samples))
	}
	want := map[string]int64{`answered "FAIL", want "SUCCESS"`: 10, "HTTP 429": 10}
	if diff := cmp.Diff(want, got.Errors); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
	if got.errorCount() != 20 {
		t.Errorf("errorCount = %d, want 20", got.errorCount())
	}
	if diff := cmp.Diff(map[string]int{"s3cret": 40}, secrets); diff != "" {
		t.Errorf("skill secrets sent (-want +got):\n%s", diff)
	}
}

func TestDrivePaced(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"status":"SUCCESS"}`)
	}))
	t.Cleanup(srv.Close)
	client := newLoadClient(1, "")
	t.Cleanup(client.CloseIdleConnections)
	// 100 requests a second for 300 ms is at most 32 (each of the two
	// workers every 20 ms, from its first); a closed loop would send
	// thousands.
	got := drive(context.Background(), client, srv.URL, []call{{body: []byte(`{}`), want: wantSuccess}},
		loadConfig{Concurrency: 2, Duration: 300 * time.Millisecond, MaxRequests: 1000, Rate: 100})
	if got.Requests < 1 || got.Requests > 32 || got.errorCount() != 0 {
		t.Errorf("paced at 100/s for 300 ms: %d requests, %d errors; want 1 to 32, none", got.Requests, got.errorCount())
	}
}
