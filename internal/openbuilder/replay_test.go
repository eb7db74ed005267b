package openbuilder_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"testing"

	"github.com/rollcall/rollcall/internal/kakao/kakaotest"
	"github.com/rollcall/rollcall/internal/roster"
)

// TestReplayCapturedShapes sends every recorded payload shape to all four
// skill endpoints: the shared examples, the console's test panel, the
// skill-test button with typed parameter values (numbers, booleans,
// objects, null), and live KakaoTalk payloads with entity values, contexts,
// clientExtra and numeric ids in user.properties. Each is a well-formed
// Kakao payload, so each endpoint answers 200 in its own format — never
// 400 over a field rollcall does not read — and the payloads that carry
// the profile plugin's OTP verify the employee.
func TestReplayCapturedShapes(t *testing.T) {
	t.Parallel()
	const (
		panelUser     = "8c1d3f2e9a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e"
		skilltestUser = "7d2e4c1a9b8f"
		recordedUser  = "b7c2"
	)
	tests := []struct {
		file string
		// userRequestID is the userRequest.user.id the gate asks about
		// ("" for a validation request, which has none).
		userRequestID string
		// What /kakao/validate and /kakao/skill answer.
		validate, skillVerified string
	}{
		{"kakao/skill-request.json", exampleUserID, "FAIL", "true"},
		{"kakao/validation-request.json", "", "SUCCESS", "false"},
		{"requests/panel-skill-profile.json", panelUser, "FAIL", "true"},
		{"requests/skilltest-typed-params.json", skilltestUser, "FAIL", "false"},
		{"requests/skilltest-typed-params-profile.json", skilltestUser, "FAIL", "true"},
		{"requests/live-entities-profile.json", exampleUserID, "FAIL", "true"},
		{"requests/live-quickreply-gate.json", exampleUserID, "FAIL", "false"},
		{"requests/validation-typed.json", "", "FAIL", "false"},
		{"requests/validation-live-profile.json", "", "SUCCESS", "false"},
		{"requests/skill-params-only.json", recordedUser, "FAIL", "true"},
		{"requests/skill-detail-value-object.json", recordedUser, "FAIL", "true"},
		{"requests/skill-no-otp.json", exampleUserID, "FAIL", "false"},
		{"requests/validation-origin-json.json", "", "SUCCESS", "false"},
		{"requests/validation-no-otp.json", "", "FAIL", "false"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			fake := kakaotest.NewServer(t)
			k := &keeper{bound: map[string]roster.Employee{}}
			if tt.userRequestID != "" {
				k.bound[tt.userRequestID] = hongEmployee
			}
			s := newStack(t, fake, stackOptions{gates: k})
			// Each call gets a fresh OTP: the fake's, like Kakao's, serve one
			// look-up each.
			body := func() []byte {
				b := readFile(t, tt.file)
				if bytes.Contains(b, []byte(sharedOTP)) {
					b = withOTP(t, tt.file, fake.Issue(hongProfile(t)))
				}
				return b
			}
			var got struct {
				Status string            `json:"status"`
				Data   map[string]string `json:"data"`
			}
			answer := func(path string) {
				t.Helper()
				rec := s.post(path, body(), nil)
				got.Status, got.Data = "", nil
				if rec.Code != http.StatusOK {
					t.Fatalf("%s: status %d, want 200; body %s", path, rec.Code, rec.Body)
				}
				if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
					t.Fatalf("%s: %v: %s", path, err, rec.Body)
				}
			}

			answer("/kakao/validate")
			if got.Status != tt.validate {
				t.Errorf("/kakao/validate: status %q, want %q", got.Status, tt.validate)
			}
			answer("/kakao/skill")
			if got.Data["verified"] != tt.skillVerified {
				t.Errorf("/kakao/skill: verified %q, want %q", got.Data["verified"], tt.skillVerified)
			}
			kakaoCalls := len(fake.Requests())
			answer("/kakao/gate")
			if want := map[bool]string{true: "true", false: "false"}[tt.userRequestID != ""]; got.Data["verified"] != want {
				t.Errorf("/kakao/gate: verified %q, want %q", got.Data["verified"], want)
			}
			answer("/kakao/unbind")
			if n := len(fake.Requests()); n != kakaoCalls {
				t.Errorf("the gate and unbind made %d requests to Kakao, want none", n-kakaoCalls)
			}
			// The gate asks about the user; unbind only when there is one.
			want := []string{tt.userRequestID}
			if tt.userRequestID != "" {
				want = append(want, tt.userRequestID)
			}
			if !slices.Equal(k.asked, want) {
				t.Errorf("gate and unbind asked about %q, want userRequest.user.id: %q", k.asked, want)
			}
		})
	}
}
