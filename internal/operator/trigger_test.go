package operator_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rollcall/rollcall/internal/operator"
	"github.com/rollcall/rollcall/internal/roster"
	"github.com/rollcall/rollcall/internal/rostersync"
)

// reportJSON returns r as a JSON object, plus a reason if not empty: what
// POST /internal/sync must answer.
func reportJSON(t *testing.T, r rostersync.Report, reason string) map[string]any {
	t.Helper()
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if reason != "" {
		m["reason"] = reason
	}
	return m
}

func TestSyncAnswers(t *testing.T) {
	t.Parallel()
	keys := newGoogleKeys(t)
	started := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	done := rostersync.Report{Rows: 12, Employees: 10, Left: 1, Added: 2, Updated: 1, Deleted: 1, Unchanged: 6,
		Problems:  []roster.Problem{{Row: 7, Code: roster.ProblemInvalidPhone, Reason: "휴대전화 번호를 읽을 수 없습니다"}},
		StartedAt: started, DurationMS: 120}
	busy := rostersync.Report{Error: rostersync.ErrBusy.Error(), StartedAt: started, Problems: []roster.Problem{}}
	refused := rostersync.Report{Refused: true, RefusedReason: "the sync would delete 9 of 10 employees", Rows: 1, Employees: 1,
		Deleted: 9, Unchanged: 1, StartedAt: started, DurationMS: 80, Problems: []roster.Problem{}}
	readFailed := rostersync.Report{Error: "could not read the sheet: HTTP 503", StartedAt: started, Problems: []roster.Problem{}}
	storeFailed := rostersync.Report{Rows: 3, Employees: 3, Added: 3, Error: "apply the sync: disk full", StartedAt: started, Problems: []roster.Problem{}}
	cutShort := rostersync.Report{Rows: 3, Employees: 3, Added: 3, Landed: rostersync.LandedPart, Error: "apply the sync: commit 2 of 3: deadline exceeded",
		StartedAt: started, Problems: []roster.Problem{}}
	storeDown := rostersync.Report{Error: "the directory store failed: take the sync lease: context deadline exceeded", StartedAt: started, Problems: []roster.Problem{}}
	leaseLost := rostersync.Report{Error: "the sync lease was lost: could not read the sheet: context canceled", StartedAt: started, Problems: []roster.Problem{}}

	tests := []struct {
		name       string
		report     rostersync.Report
		err        error
		wantStatus int
		wantReason string
		// want overrides the expected body (else report and wantReason).
		want *rostersync.Report
	}{
		{"applied", done, nil, http.StatusOK, "", nil},
		{"busy", busy, fmt.Errorf("take the sync lease: %w", rostersync.ErrBusy), http.StatusConflict, operator.ReasonBusy, nil},
		{"refused", refused, rostersync.ErrRefused, http.StatusConflict, operator.ReasonRefused, nil},
		{"read failed", readFailed, fmt.Errorf("%w: HTTP 503", rostersync.ErrRead), http.StatusBadGateway, operator.ReasonReadFailed, nil},
		{"store failed", storeFailed, fmt.Errorf("%w: apply the sync: disk full", rostersync.ErrStore), http.StatusServiceUnavailable, operator.ReasonStoreUnavailable, nil},
		{"apply cut short: landed part", cutShort, fmt.Errorf("%w: apply the sync: %w", rostersync.ErrStore, context.DeadlineExceeded), http.StatusServiceUnavailable, operator.ReasonStoreUnavailable, nil},
		{"store down", storeDown, fmt.Errorf("%w: take the sync lease: %w", rostersync.ErrStore, context.DeadlineExceeded), http.StatusServiceUnavailable, operator.ReasonStoreUnavailable, nil},
		{"lease lost", leaseLost, fmt.Errorf("%w: %w: context canceled", rostersync.ErrLeaseLost, rostersync.ErrRead), http.StatusServiceUnavailable, operator.ReasonLeaseLost, nil},
		{"other failure", storeFailed, errors.New("something unforeseen"), http.StatusInternalServerError, operator.ReasonFailed, nil},
		{"nil problems answer as a list", rostersync.Report{StartedAt: started}, nil, http.StatusOK, "",
			&rostersync.Report{StartedAt: started, Problems: []roster.Problem{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			syncer := &fakeSyncer{run: func(context.Context, rostersync.Options) (rostersync.Report, error) { return tt.report, tt.err }}
			h := newHandler(t, operator.Config{Token: testToken}, syncer, &fakeStatus{}, keys)
			w := do(router(t, h, nil), request(http.MethodPost, operator.SyncPath, "Bearer "+testToken))
			if w.Code != tt.wantStatus {
				t.Errorf("status = %d, want %d", w.Code, tt.wantStatus)
			}
			want := tt.report
			if tt.want != nil {
				want = *tt.want
			}
			if diff := cmp.Diff(reportJSON(t, want, tt.wantReason), decode(t, w)); diff != "" {
				t.Errorf("body (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSyncQuery(t *testing.T) {
	t.Parallel()
	keys := newGoogleKeys(t)
	tests := []struct {
		query   string
		want    rostersync.Options
		wantBad bool
	}{
		{"", rostersync.Options{}, false},
		{"dry_run=true", rostersync.Options{DryRun: true}, false},
		{"force=true", rostersync.Options{Force: true}, false},
		{"dry_run=true&force=true", rostersync.Options{DryRun: true, Force: true}, false},
		{"dry_run=false&force=false", rostersync.Options{}, false},
		{"dry_run=1", rostersync.Options{DryRun: true}, false},
		{"dry_run=yes", rostersync.Options{}, true},
		{"dry_run=", rostersync.Options{}, true},
		{"dry_run", rostersync.Options{}, true},
		{"force=truee", rostersync.Options{}, true},
		{"dry_run=true&dry_run=false", rostersync.Options{}, true},
		{"dryrun=true", rostersync.Options{}, true},
		{"dry_run=true&secret=x", rostersync.Options{}, true},
		{"dry_run=%zz", rostersync.Options{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			t.Parallel()
			var got *rostersync.Options
			syncer := &fakeSyncer{run: func(_ context.Context, o rostersync.Options) (rostersync.Report, error) {
				got = &o
				return rostersync.Report{DryRun: o.DryRun, Forced: o.Force}, nil
			}}
			h := newHandler(t, operator.Config{Token: testToken}, syncer, &fakeStatus{}, keys)
			w := do(router(t, h, nil), request(http.MethodPost, operator.SyncPath+"?"+tt.query, "Bearer "+testToken))
			body := decode(t, w)
			if tt.wantBad {
				if w.Code != http.StatusBadRequest {
					t.Errorf("status = %d, want 400", w.Code)
				}
				if msg, _ := body["error"].(string); msg == "" {
					t.Errorf("400 body %v has no error", body)
				}
				if got != nil {
					t.Errorf("a sync ran with %+v after a bad query", *got)
				}
				return
			}
			if w.Code != http.StatusOK || got == nil {
				t.Fatalf("status = %d (ran: %v), want 200 and a run", w.Code, got != nil)
			}
			if diff := cmp.Diff(tt.want, *got); diff != "" {
				t.Errorf("options (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSyncBadQueryNeedsCredentialsFirst(t *testing.T) {
	t.Parallel()
	h := newHandler(t, operator.Config{Token: testToken}, &fakeSyncer{}, &fakeStatus{}, newGoogleKeys(t))
	if w := do(router(t, h, nil), request(http.MethodPost, operator.SyncPath+"?dry_run=maybe", "")); w.Code != http.StatusUnauthorized {
		t.Errorf("status = %d, want 401 before the query is looked at", w.Code)
	}
}

// TestSyncOutlivesTheClient checks that the run's context is not the
// request's: a client that gives up must not cancel a sync half-way.
func TestSyncOutlivesTheClient(t *testing.T) {
	t.Parallel()
	type seen struct {
		err         error
		hasDeadline bool
		value       any
	}
	type key struct{}
	var got seen
	syncer := &fakeSyncer{run: func(ctx context.Context, _ rostersync.Options) (rostersync.Report, error) {
		_, hasDeadline := ctx.Deadline()
		got = seen{err: ctx.Err(), hasDeadline: hasDeadline, value: ctx.Value(key{})}
		return rostersync.Report{}, nil
	}}
	h := newHandler(t, operator.Config{Token: testToken, RunTimeout: time.Hour}, syncer, &fakeStatus{}, newGoogleKeys(t))
	ctx, cancel := context.WithCancel(context.WithValue(t.Context(), key{}, "kept"))
	cancel() // the client has gone
	r := request(http.MethodPost, operator.SyncPath, "Bearer "+testToken).WithContext(ctx)
	do(router(t, h, nil), r)
	if want := (seen{hasDeadline: true, value: "kept"}); got != want {
		t.Errorf("the run's context: %+v, want %+v (not cancelled, bounded, request values kept)", got, want)
	}
}

// TestSyncAnswerOutlivesTheWriteTimeout serves the endpoint from a real
// server whose write timeout has passed before any handler can answer: a
// sync's answer still arrives, because the handler extends its deadline.
func TestSyncAnswerOutlivesTheWriteTimeout(t *testing.T) {
	t.Parallel()
	h := newHandler(t, operator.Config{Token: testToken}, &fakeSyncer{}, &fakeStatus{}, newGoogleKeys(t))
	srv := httptest.NewUnstartedServer(router(t, h, nil))
	srv.Config.WriteTimeout = time.Nanosecond
	srv.Start()
	defer srv.Close()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL+operator.SyncPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatalf("POST: %v (the server's write timeout cut the answer)", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("status = %d, want 200", resp.StatusCode)
	}
}
