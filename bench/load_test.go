package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// linuxOnly skips tests that send from 127.1.x.y: Linux routes all of
// 127.0.0.0/8 to the loopback interface, other systems only 127.0.0.1.
func linuxOnly(t *testing.T) {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("the load's source addresses 127.1.x.y are loopback on Linux only")
	}
}

func TestDriveCountsEveryWrongAnswer(t *testing.T) {
	t.Parallel()
	linuxOnly(t)
	var mu sync.Mutex
	sources := map[string]bool{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, _ := strings.Cut(r.RemoteAddr, ":")
		mu.Lock()
		sources[host] = true
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
	client := newLoadClient(3)
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
	if len(sources) != 3 {
		t.Errorf("requests came from %d addresses (%v), want 3", len(sources), sources)
	}
}

func TestDrivePaced(t *testing.T) {
	t.Parallel()
	linuxOnly(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"status":"SUCCESS"}`)
	}))
	t.Cleanup(srv.Close)
	client := newLoadClient(1)
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

func TestSourceAddr(t *testing.T) {
	t.Parallel()
	tests := []struct {
		i    int
		want string
	}{{0, "127.1.0.1"}, {253, "127.1.0.254"}, {254, "127.1.1.1"}, {511, "127.1.2.4"}}
	for _, tt := range tests {
		if got := sourceAddr(tt.i).String(); got != tt.want {
			t.Errorf("sourceAddr(%d) = %s, want %s", tt.i, got, tt.want)
		}
	}
}
