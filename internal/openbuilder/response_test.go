package openbuilder

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/rollcall/rollcall/internal/roster"
	"github.com/rollcall/rollcall/internal/verify"
)

// defaults are rollcall's own words, as every answer shows them unless
// configured otherwise.
var defaults = Texts{}.withDefaults()

// exampleOTP is the OTP URL of the shared examples.
const exampleOTP = "https://talk-plugin-capi.kakao.com/otp/5f1a0e11aa22bb33cc44dd55/profile"

var hong = roster.Employee{
	Phone: "+821023456789", Name: "홍길동", Department: "인사팀", Position: "대리", Email: "gildong.hong@example.co.kr", Row: 2,
}

// TestValidationAnswerMatchesSharedExamples: the default answers are exactly
// the shared validation-responses.json.
func TestValidationAnswerMatchesSharedExamples(t *testing.T) {
	t.Parallel()
	var want map[string]validationResponse
	b, err := os.ReadFile(filepath.Join("..", "kakao", "testdata", "kakao", "validation-responses.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	got := map[string]validationResponse{
		"employee":     validationAnswer(defaults, exampleOTP, verify.Outcome{Reason: verify.ReasonEmployee, Employee: hong}),
		"not_employee": validationAnswer(defaults, exampleOTP, verify.Outcome{Reason: verify.ReasonNotInDirectory}),
		"cannot_tell":  validationAnswer(defaults, exampleOTP, verify.Outcome{Reason: verify.ReasonKakaoTimeout}),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("answers mismatch (-want +got):\n%s", diff)
	}
	// The data is the employee's fields as a map of them is written.
	gotJSON, err := json.Marshal(got["employee"].Data)
	if err != nil {
		t.Fatal(err)
	}
	wantJSON, err := json.Marshal(map[string]string{"name": hong.Name, "department": hong.Department, "position": hong.Position})
	if err != nil {
		t.Fatal(err)
	}
	if string(gotJSON) != string(wantJSON) {
		t.Errorf("data = %s, want %s", gotJSON, wantJSON)
	}
}

func TestSkillAnswer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		o    verify.Outcome
		want skillResponse
	}{
		{"employee", verify.Outcome{Reason: verify.ReasonEmployee, Employee: hong}, skillResponse{
			Version:  "2.0",
			Template: skillTemplate{Outputs: []skillOutput{{SimpleText: &simpleText{Text: "홍길동님, 임직원 인증이 완료되었어요."}}}},
			Context: &skillContext{Values: []contextValue{{Name: "employee", LifeSpan: 10,
				Params: map[string]string{"department": "인사팀", "position": "대리"}}}},
			Data: map[string]string{"verified": "true", "outcome": "employee", "name": "홍길동", "department": "인사팀", "position": "대리"},
		}},
		{"employee without a name", verify.Outcome{Reason: verify.ReasonEmployee, Employee: roster.Employee{Phone: "+821023456789"}}, skillResponse{
			Version:  "2.0",
			Template: skillTemplate{Outputs: []skillOutput{{SimpleText: &simpleText{Text: textVerifiedNoName}}}},
			Context: &skillContext{Values: []contextValue{{Name: "employee", LifeSpan: 10,
				Params: map[string]string{"department": "", "position": ""}}}},
			Data: map[string]string{"verified": "true", "outcome": "employee", "name": "", "department": "", "position": ""},
		}},
		{"not an employee", verify.Outcome{Reason: verify.ReasonNotInDirectory}, skillResponse{
			Version:  "2.0",
			Template: skillTemplate{Outputs: []skillOutput{{SimpleText: &simpleText{Text: defaults.NotEmployee}}}},
			Data:     map[string]string{"verified": "false", "outcome": "not_employee"},
		}},
		{"undecided", verify.Outcome{Reason: verify.ReasonKakaoStatus}, skillResponse{
			Version:  "2.0",
			Template: skillTemplate{Outputs: []skillOutput{{SimpleText: &simpleText{Text: defaults.Undecided}}}},
			Data:     map[string]string{"verified": "false", "outcome": "undecided"},
		}},
		{"no OTP", verify.Outcome{Reason: verify.ReasonNoOTP}, skillResponse{
			Version:  "2.0",
			Template: skillTemplate{Outputs: []skillOutput{{SimpleText: &simpleText{Text: defaults.NoProfile}}}},
			Data:     map[string]string{"verified": "false", "outcome": "undecided"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, skillAnswer(defaults, tt.o)); diff != "" {
				t.Errorf("SkillAnswer mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestValidationAnswerNoOTPAsksAgain(t *testing.T) {
	t.Parallel()
	got := validationAnswer(defaults, "", verify.Outcome{Reason: verify.ReasonNoOTP})
	want := validationResponse{Status: "FAIL", Message: defaults.NoProfile}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

func TestSimpleTextIsCapped(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("가", maxSimpleText+7)
	got := verifiedAnswer(long, hong).Template.Outputs[0].SimpleText.Text
	if n := utf8.RuneCountInString(got); n != maxSimpleText {
		t.Errorf("text has %d characters, want %d", n, maxSimpleText)
	}
	if !utf8.ValidString(got) {
		t.Error("truncation split a character")
	}
	if short := skillNotVerified("짧다", verify.NotEmployee).Template.Outputs[0].SimpleText.Text; short != "짧다" {
		t.Errorf("short text = %q", short)
	}
}

func TestSkillNotVerifiedNeverClaimsAnEmployee(t *testing.T) {
	t.Parallel()
	got := skillNotVerified("x", verify.Employee)
	if got.Data["verified"] != "false" || got.Data["outcome"] == "employee" || got.Data["name"] != "" {
		t.Errorf("SkillNotVerified(OutcomeEmployee) data = %v", got.Data)
	}
}

func TestSkillResponseJSONShape(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(skillNotVerified("안녕", verify.NotEmployee))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"version":"2.0","template":{"outputs":[{"simpleText":{"text":"안녕"}}]},"data":{"outcome":"not_employee","verified":"false"}}`
	if string(b) != want {
		t.Errorf("JSON = %s\nwant   %s", b, want)
	}
}
