package operator_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rollcall/rollcall/internal/operator"
	"github.com/rollcall/rollcall/internal/roster"
	"github.com/rollcall/rollcall/internal/rostersync"
)

// runAt returns a report of a run that started at minute m of a fixed hour.
func runAt(m int) rostersync.Report {
	return rostersync.Report{Rows: m, Employees: m, Problems: []roster.Problem{},
		StartedAt: time.Date(2026, 3, 2, 9, m, 0, 0, time.UTC)}
}

func TestStatus(t *testing.T) {
	t.Parallel()
	keys := newGoogleKeys(t)
	seoul := time.FixedZone("KST", 9*60*60)
	var many []rostersync.Report
	for m := range 25 {
		many = append(many, runAt(m))
	}
	var last20 []rostersync.Report
	for m := 24; m >= 5; m-- {
		last20 = append(last20, runAt(m))
	}
	tests := []struct {
		name     string
		count    int
		lastSync time.Time
		runs     []rostersync.Report
		want     string
	}{
		{
			name: "never synced", runs: nil,
			want: `{"directory_size":0,"last_sync":null,"runs":[]}`,
		},
		{
			name: "newest first, in UTC", count: 42, lastSync: time.Date(2026, 3, 2, 18, 30, 15, 999, seoul),
			runs: []rostersync.Report{runAt(1), runAt(3), runAt(2)},
			want: `{"directory_size":42,"last_sync":"2026-03-02T09:30:15Z","runs":` + mustJSON(t, []rostersync.Report{runAt(3), runAt(2), runAt(1)}) + `}`,
		},
		{
			name: "at most twenty runs", count: 7, lastSync: time.Date(2026, 3, 2, 9, 24, 0, 0, time.UTC),
			runs: many,
			want: `{"directory_size":7,"last_sync":"2026-03-02T09:24:00Z","runs":` + mustJSON(t, last20) + `}`,
		},
		{
			name: "nil problems answer as a list", count: 1, lastSync: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC),
			runs: []rostersync.Report{{StartedAt: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}},
			want: `{"directory_size":1,"last_sync":"2026-03-02T09:00:00Z","runs":` + mustJSON(t, []rostersync.Report{runAt(0)}) + `}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var limit int
			status := &fakeStatus{
				runs: func(_ context.Context, l int) ([]rostersync.Report, error) {
					limit = l
					return tt.runs, nil
				},
				count:    func(context.Context) (int, error) { return tt.count, nil },
				lastSync: func(context.Context) (time.Time, error) { return tt.lastSync, nil },
			}
			syncer := &fakeSyncer{}
			h := newHandler(t, operator.Config{Token: testToken}, syncer, status, keys)
			w := do(router(t, h, nil), request(http.MethodGet, operator.StatusPath, "Bearer "+testToken))
			if w.Code != http.StatusOK {
				t.Fatalf("status = %d, want 200; body %s", w.Code, w.Body)
			}
			if diff := cmp.Diff(decodeString(t, tt.want), decode(t, w)); diff != "" {
				t.Errorf("body (-want +got):\n%s", diff)
			}
			if limit != operator.StatusRuns {
				t.Errorf("Runs limit = %d, want %d", limit, operator.StatusRuns)
			}
			if n := syncer.calls.Load(); n != 0 {
				t.Errorf("status ran %d syncs", n)
			}
		})
	}
}

func TestStatusStoreFailure(t *testing.T) {
	t.Parallel()
	keys := newGoogleKeys(t)
	boom := errors.New("firestore: deadline exceeded on projects/secret-project")
	tests := []struct {
		name   string
		status *fakeStatus
	}{
		{"count", &fakeStatus{count: func(context.Context) (int, error) { return 0, boom }}},
		{"last sync", &fakeStatus{lastSync: func(context.Context) (time.Time, error) { return time.Time{}, boom }}},
		{"runs", &fakeStatus{runs: func(context.Context, int) ([]rostersync.Report, error) { return nil, boom }}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHandler(t, operator.Config{Token: testToken}, &fakeSyncer{}, tt.status, keys)
			w := do(router(t, h, nil), request(http.MethodGet, operator.StatusPath, "Bearer "+testToken))
			if w.Code != http.StatusServiceUnavailable {
				t.Errorf("status = %d, want 503", w.Code)
			}
			body := decode(t, w)
			if body["reason"] != operator.ReasonStoreUnavailable {
				t.Errorf("reason = %v, want %q", body["reason"], operator.ReasonStoreUnavailable)
			}
			if msg, _ := body["error"].(string); msg == "" || strings.Contains(msg, "secret-project") {
				t.Errorf("error = %q, want a message that does not show the internal error", msg)
			}
		})
	}
}

func TestNewRequiresItsDependencies(t *testing.T) {
	t.Parallel()
	if _, err := operator.New(operator.Config{Token: testToken}, nil, &fakeStatus{}); err == nil {
		t.Errorf("New without a syncer succeeded")
	}
	if _, err := operator.New(operator.Config{Token: testToken}, &fakeSyncer{}, nil); err == nil {
		t.Errorf("New without a status succeeded")
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func decodeString(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("%v: %s", err, s)
	}
	return m
}
