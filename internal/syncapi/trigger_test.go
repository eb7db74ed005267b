package syncapi_test

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

	"github.com/rollcall/rollcall/internal/directory"
	"github.com/rollcall/rollcall/internal/mirror"
	"github.com/rollcall/rollcall/internal/syncapi"
)

// reportJSON returns r as a JSON object, plus a reason if not empty: what
// POST /internal/sync must answer.
func reportJSON(t *testing.T, r mirror.Report, reason string) map[string]any {
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
	done := mirror.Report{Rows: 12, Employees: 10, Left: 1, Added: 2, Updated: 1, Deleted: 1, Unchanged: 6,
		Problems:  []directory.Problem{{Row: 7, Code: directory.ProblemInvalidPhone, Reason: "휴대전화 번호를 읽을 수 없습니다"}},
		StartedAt: started, DurationMS: 120}
	busy := mirror.Report{Error: mirror.ErrBusy.Error(), StartedAt: started, Problems: []directory.Problem{}}
	refused := mirror.Report{Refused: true, RefusedReason: "the sync would delete 9 of 10 employees", Rows: 1, Employees: 1,
		Deleted: 9, Unchanged: 1, StartedAt: started, DurationMS: 80, Problems: []directory.Problem{}}
	readFailed := mirror.Report{Error: "could not read the sheet: HTTP 503", StartedAt: started, Problems: []directory.Problem{}}
	storeFailed := mirror.Report{Rows: 3, Employees: 3, Added: 3, Error: "apply the sync: disk full", StartedAt: started, Problems: []directory.Problem{}}
	storeDown := mirror.Report{Error: "the directory store failed: take the sync lease: context deadline exceeded", StartedAt: started, Problems: []directory.Problem{}}
	leaseLost := mirror.Report{Error: "the sync lease was lost: could not read the sheet: context canceled", StartedAt: started, Problems: []directory.Problem{}}

	tests := []struct {
		name       string
		report     mirror.Report
		err        error
		wantStatus int
		wantReason string
		// want overrides the expected body (else report and wantReason).
		want *mirror.Report
	}{
		{"applied", done, nil, http.StatusOK, "", nil},
		{"busy", busy, fmt.Errorf("take the sync lease: %w", mirror.ErrBusy), http.StatusConflict, syncapi.ReasonBusy, nil},
		{"refused", refused, mirror.ErrRefused, http.StatusConflict, syncapi.ReasonRefused, nil},
		{"read failed", readFailed, fmt.Errorf("%w: HTTP 503", mirror.ErrRead), http.StatusBadGateway, syncapi.ReasonReadFailed, nil},
		{"store failed", storeFailed, fmt.Errorf("%w: apply the sync: disk full", mirror.ErrStore), http.StatusServiceUnavailable, syncapi.ReasonStoreUnavailable, nil},
		{"store down", storeDown, fmt.Errorf("%w: take the sync lease: %w", mirror.ErrStore, context.DeadlineExceeded), http.StatusServiceUnavailable, syncapi.ReasonStoreUnavailable, nil},
		{"lease lost", leaseLost, fmt.Errorf("%w: %w: context canceled", mirror.ErrLeaseLost, mirror.ErrRead), http.StatusServiceUnavailable, syncapi.ReasonLeaseLost, nil},
		{"other failure", storeFailed, errors.New("something unforeseen"), http.StatusInternalServerError, syncapi.ReasonFailed, nil},
		{"nil problems answer as a list", mirror.Report{StartedAt: started}, nil, http.StatusOK, "",
			&mirror.Report{StartedAt: started, Problems: []directory.Problem{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			syncer := &fakeSyncer{run: func(context.Context, mirror.Options) (mirror.Report, error) { return tt.report, tt.err }}
			h := newHandler(t, syncapi.Config{Token: testToken}, syncer, &fakeStatus{}, keys)
			w := do(router(t, h, nil), request(http.MethodPost, syncapi.SyncPath, "Bearer "+testToken))
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
		want    mirror.Options
		wantBad bool
	}{
		{"", mirror.Options{}, false},
		{"dry_run=true", mirror.Options{DryRun: true}, false},
		{"force=true", mirror.Options{Force: true}, false},
		{"dry_run=true&force=true", mirror.Options{DryRun: true, Force: true}, false},
		{"dry_run=false&force=false", mirror.Options{}, false},
		{"dry_run=1", mirror.Options{DryRun: true}, false},
		{"dry_run=yes", mirror.Options{}, true},
		{"dry_run=", mirror.Options{}, true},
		{"dry_run", mirror.Options{}, true},
		{"force=truee", mirror.Options{}, true},
		{"dry_run=true&dry_run=false", mirror.Options{}, true},
		{"dryrun=true", mirror.Options{}, true},
		{"dry_run=true&secret=x", mirror.Options{}, true},
		{"dry_run=%zz", mirror.Options{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			t.Parallel()
			var got *mirror.Options
			syncer := &fakeSyncer{run: func(_ context.Context, o mirror.Options) (mirror.Report, error) {
				got = &o
				return mirror.Report{DryRun: o.DryRun, Forced: o.Force}, nil
			}}
			h := newHandler(t, syncapi.Config{Token: testToken}, syncer, &fakeStatus{}, keys)
			w := do(router(t, h, nil), request(http.MethodPost, syncapi.SyncPath+"?"+tt.query, "Bearer "+testToken))
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
	h := newHandler(t, syncapi.Config{Token: testToken}, &fakeSyncer{}, &fakeStatus{}, newGoogleKeys(t))
	if w := do(router(t, h, nil), request(http.MethodPost, syncapi.SyncPath+"?dry_run=maybe", "")); w.Code != http.StatusUnauthorized {
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
	syncer := &fakeSyncer{run: func(ctx context.Context, _ mirror.Options) (mirror.Report, error) {
		_, hasDeadline := ctx.Deadline()
		got = seen{err: ctx.Err(), hasDeadline: hasDeadline, value: ctx.Value(key{})}
		return mirror.Report{}, nil
	}}
	h := newHandler(t, syncapi.Config{Token: testToken}, syncer, &fakeStatus{}, newGoogleKeys(t), syncapi.WithRunTimeout(time.Hour))
	ctx, cancel := context.WithCancel(context.WithValue(t.Context(), key{}, "kept"))
	cancel() // the client has gone
	r := request(http.MethodPost, syncapi.SyncPath, "Bearer "+testToken).WithContext(ctx)
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
	h := newHandler(t, syncapi.Config{Token: testToken}, &fakeSyncer{}, &fakeStatus{}, newGoogleKeys(t))
	srv := httptest.NewUnstartedServer(router(t, h, nil))
	srv.Config.WriteTimeout = time.Nanosecond
	srv.Start()
	defer srv.Close()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL+syncapi.SyncPath, nil)
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
