package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rollcall/rollcall/internal/kakao/kakaotest"
	"github.com/rollcall/rollcall/internal/roster"
)

func TestGenerateRosterIsASheetRollcallReadsWhole(t *testing.T) {
	t.Parallel()
	const n, strangers = 3000, 400
	r, err := generateRoster(n, strangers, 7)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Employees) != n || len(r.Strangers) != strangers {
		t.Fatalf("got %d employees and %d strangers, want %d and %d", len(r.Employees), len(r.Strangers), n, strangers)
	}
	var buf bytes.Buffer
	if err := writeCSV(&buf, r.Employees); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := roster.ParseRoster(rows, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	// Every row is an employee: distinct, valid mobile numbers, none left.
	if len(parsed.Employees) != n || len(parsed.Problems) != 0 || parsed.Left != 0 {
		t.Fatalf("ParseRoster: %d employees, %d problems (%v), %d left; want %d, 0, 0",
			len(parsed.Employees), len(parsed.Problems), parsed.Problems, parsed.Left, n)
	}
	// The baseline's reading of Kakao's phone format finds the same key as
	// rollcall's normaliser, and strangers are in no row.
	inSheet := map[string]bool{}
	for i, e := range parsed.Employees {
		inSheet[e.Phone] = true
		if got := e164FromKakao(kakaoPhone(r.Employees[i].Phone)); got != e.Phone {
			t.Errorf("row %d: baseline key %q, rollcall's %q", e.Row, got, e.Phone)
		}
		if e.Name == "" || e.Department == "" || e.Position == "" || e.Email == "" {
			t.Errorf("row %d has an empty field: %+v", e.Row, e)
		}
	}
	for _, s := range r.Strangers {
		phone, err := roster.NormalizePhone(s)
		if err != nil {
			t.Errorf("stranger's phone is not a mobile number: %v", err)
		}
		if inSheet[phone] {
			t.Errorf("a stranger's phone is in the sheet")
		}
	}
}

func TestGenerateRosterIsDeterministic(t *testing.T) {
	t.Parallel()
	a, err := generateRoster(200, 20, 42)
	if err != nil {
		t.Fatal(err)
	}
	b, err := generateRoster(200, 20, 42)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("same seed, different rosters (-first +second):\n%s", diff)
	}
	c, err := generateRoster(200, 20, 43)
	if err != nil {
		t.Fatal(err)
	}
	if cmp.Equal(a, c) {
		t.Error("different seeds gave the same roster")
	}
}

func TestGenerateRosterRefusesBadSizes(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ n, strangers int }{{-1, 0}, {0, -1}, {50_000_000, 0}} {
		if _, err := generateRoster(tt.n, tt.strangers, 1); err == nil {
			t.Errorf("generateRoster(%d, %d) succeeded, want an error", tt.n, tt.strangers)
		}
	}
}

func TestKakaoPhone(t *testing.T) {
	t.Parallel()
	if got, want := kakaoPhone("010-1234-5678"), "+82 10-1234-5678"; got != want {
		t.Errorf("kakaoPhone = %q, want %q", got, want)
	}
	if got, want := e164FromKakao("+82 10-1234-5678"), "+821012345678"; got != want {
		t.Errorf("e164FromKakao = %q, want %q", got, want)
	}
}

// issuer is a hand-written otpIssuer that records what it was asked.
type issuer struct{ profiles []kakaotest.Profile }

func (f *issuer) IssueReusable(p kakaotest.Profile) string {
	f.profiles = append(f.profiles, p)
	return "http://127.0.0.1:1/otp/" + strings.Repeat("0", 23) + string(rune('a'+len(f.profiles)%6)) + "/profile"
}

func TestBuildCalls(t *testing.T) {
	t.Parallel()
	template, err := os.ReadFile("../" + validationTemplate)
	if err != nil {
		t.Fatal(err)
	}
	r, err := generateRoster(50, 10, 1)
	if err != nil {
		t.Fatal(err)
	}
	employees := map[string]bool{}
	for _, e := range r.Employees {
		employees[kakaoPhone(e.Phone)] = true
	}
	var fake issuer
	calls, err := buildCalls(template, &fake, r, 100, 10, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(calls) != 100 || len(fake.profiles) != 100 {
		t.Fatalf("got %d calls and %d OTPs, want 100 of each", len(calls), len(fake.profiles))
	}
	users := map[string]bool{}
	var fails int
	for i, c := range calls {
		var req struct {
			Value struct{ Origin, Resolved string }
			User  struct {
				ID         string
				Properties struct{ BotUserKey string }
			}
			Bot struct{ ID string }
		}
		if err := json.Unmarshal(c.body, &req); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
		if req.Value.Origin == "" || req.Value.Origin != req.Value.Resolved {
			t.Errorf("call %d: value = %+v, want the OTP URL in origin and resolved", i, req.Value)
		}
		if req.Bot.ID == "" {
			t.Errorf("call %d lost the template's bot", i)
		}
		if req.User.ID == "" || req.User.ID != req.User.Properties.BotUserKey {
			t.Errorf("call %d: user %+v, want id = botUserKey", i, req.User)
		}
		users[req.User.ID] = true
		isEmployee := employees[fake.profiles[i].PhoneNumber]
		switch {
		case isEmployee && !bytes.Equal(c.want, wantSuccess), !isEmployee && !bytes.Equal(c.want, wantFail):
			t.Errorf("call %d: employee %v, want %s", i, isEmployee, c.want)
		}
		if !isEmployee {
			fails++
		}
	}
	if fails != 10 {
		t.Errorf("%d strangers among 100 calls, want 10", fails)
	}
	if len(users) != 100 {
		t.Errorf("%d distinct users, want 100", len(users))
	}
}
