package operator_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/rollcall/rollcall/internal/doctor"
	"github.com/rollcall/rollcall/internal/operator"
)

// TestDoctorEndpoint: GET /internal/doctor takes the sync's credentials and
// answers the checks as they are, failed ones included, with 200.
func TestDoctorEndpoint(t *testing.T) {
	t.Parallel()
	keys := newGoogleKeys(t)
	ran := 0
	result := doctor.Result{Status: doctor.Fail, Checks: []doctor.Check{
		{Name: doctor.CheckSource, Status: doctor.Fail, Detail: "denied", Fix: "share it"},
	}}
	doc := func(context.Context) doctor.Result { ran++; return result }
	h := newHandler(t, operator.Config{Token: testToken, Doctor: doc}, &fakeSyncer{}, &fakeStatus{}, keys)
	r := router(t, h, nil)
	for _, auth := range []string{"", "Bearer nope"} {
		if w := do(r, request(http.MethodGet, operator.DoctorPath, auth)); w.Code != http.StatusUnauthorized {
			t.Errorf("GET %s with %q = %d, want 401", operator.DoctorPath, auth, w.Code)
		}
	}
	if ran != 0 {
		t.Errorf("the checks ran %d times without credentials", ran)
	}
	w := do(r, request(http.MethodGet, operator.DoctorPath, "Bearer "+testToken))
	body := decode(t, w)
	if w.Code != http.StatusOK || body["status"] != "fail" || ran != 1 {
		t.Errorf("GET %s = %d %v (ran %d), want 200 with the failed checks", operator.DoctorPath, w.Code, body, ran)
	}

	// Without a doctor, the path is not served.
	bare := newHandler(t, operator.Config{Token: testToken}, &fakeSyncer{}, &fakeStatus{}, keys)
	if w := do(router(t, bare, nil), request(http.MethodGet, operator.DoctorPath, "Bearer "+testToken)); w.Code != http.StatusNotFound {
		t.Errorf("GET %s without a doctor = %d, want 404", operator.DoctorPath, w.Code)
	}
}

// diagnosed is a store error that names a set-up failure and its fix, as
// the Firestore adapter's are.
type diagnosed struct{}

func (diagnosed) Error() string  { return "no Firestore database: create it in Native mode (NotFound)" }
func (diagnosed) Remedy() string { return "create it in Native mode" }

// TestStatusNamesASetUpFailure: /internal/status's 503 carries the fix of a
// failure the store diagnosed.
func TestStatusNamesASetUpFailure(t *testing.T) {
	t.Parallel()
	failing := &fakeStatus{count: func(context.Context) (int, error) {
		return 0, errors.Join(errors.New("count employees"), diagnosed{})
	}}
	h := newHandler(t, operator.Config{Token: testToken}, &fakeSyncer{}, failing, newGoogleKeys(t))
	w := do(router(t, h, nil), request(http.MethodGet, operator.StatusPath, "Bearer "+testToken))
	body := decode(t, w)
	if w.Code != http.StatusServiceUnavailable || body["fix"] != "create it in Native mode" ||
		!strings.Contains(body["error"].(string), "no Firestore database") {
		t.Errorf("GET %s = %d %v, want 503 with the diagnosis and its fix", operator.StatusPath, w.Code, body)
	}
}
