package main

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"

	"github.com/rollcall/rollcall/internal/kakao/kakaotest"
)

// otpIssuer mints reusable OTP URLs; *kakaotest.Server is the one the bench
// uses.
type otpIssuer interface {
	IssueReusable(p kakaotest.Profile) string
}

// The answers a call must get, as they appear in the validation answer.
var (
	wantSuccess = []byte(`"status":"SUCCESS"`)
	wantFail    = []byte(`"status":"FAIL"`)
)

// caller is the Kakao user of one call: the phone Kakao gives for them, and
// whether they are no employee (must FAIL).
type caller struct {
	phone    string
	stranger bool
}

// buildCalls issues otps reusable OTP URLs — strangerPct percent of them for
// strangers, the rest for employees drawn at random from the roster — and
// returns one validation request per URL, each from a different Kakao user.
// Strangers are spread evenly among the employees.
func buildCalls(template []byte, kakao otpIssuer, r team, otps, strangerPct int, seed uint64) ([]call, error) {
	if len(r.Employees) == 0 {
		return nil, errors.New("no employees to verify")
	}
	rng := rand.New(rand.NewPCG(seed, seed+1))
	callers := make([]caller, 0, otps)
	strangers := 0
	for i := range otps {
		// i*pct/100 steps up once every 100/pct calls: that call is a stranger.
		if (i+1)*strangerPct/100 > i*strangerPct/100 {
			if strangers >= len(r.Strangers) {
				return nil, fmt.Errorf("roster has %d strangers, need more", len(r.Strangers))
			}
			callers = append(callers, caller{r.Strangers[strangers], true})
			strangers++
		} else {
			callers = append(callers, caller{phone: r.Employees[rng.IntN(len(r.Employees))].Phone})
		}
	}
	return callsFor(template, kakao, callers, rng)
}

// launchDayCalls returns one validation request for every employee and,
// strangerPct percent of them all, for strangers, in a random order: the
// whole company verifying once.
func launchDayCalls(template []byte, kakao otpIssuer, r team, strangerPct int, seed uint64) ([]call, error) {
	strangers := len(r.Employees) * strangerPct / max(100-strangerPct, 1)
	if strangers > len(r.Strangers) {
		return nil, fmt.Errorf("roster has %d strangers, need %d", len(r.Strangers), strangers)
	}
	callers := make([]caller, 0, len(r.Employees)+strangers)
	for _, e := range r.Employees {
		callers = append(callers, caller{phone: e.Phone})
	}
	for _, phone := range r.Strangers[:strangers] {
		callers = append(callers, caller{phone, true})
	}
	rng := rand.New(rand.NewPCG(seed, seed+2))
	rng.Shuffle(len(callers), func(i, j int) { callers[i], callers[j] = callers[j], callers[i] })
	return callsFor(template, kakao, callers, rng)
}

// callsFor returns a validation request for each caller, each from another
// Kakao user, with the answer it must get.
func callsFor(template []byte, kakao otpIssuer, callers []caller, rng *rand.Rand) ([]call, error) {
	calls := make([]call, 0, len(callers))
	for i, c := range callers {
		want := wantSuccess
		if c.stranger {
			want = wantFail
		}
		otp := kakao.IssueReusable(kakaotest.Profile{
			AppUserID:   4_000_000_000 + int64(i),
			Nickname:    "벤치 사용자",
			PhoneNumber: kakaoPhone(c.phone),
		})
		var key [32]byte
		for j := range key {
			key[j] = byte(rng.Uint32())
		}
		body, err := validationBody(template, otp, hex.EncodeToString(key[:]))
		if err != nil {
			return nil, err
		}
		calls = append(calls, call{body: body, want: want})
	}
	return calls, nil
}

// validationBody is the template validation request with its OTP URL
// (value.origin and value.resolved) and its user (user.id and
// user.properties.botUserKey) replaced; everything else is kept as Open
// Builder sends it.
func validationBody(template []byte, otpURL, userKey string) ([]byte, error) {
	var req map[string]any
	if err := json.Unmarshal(template, &req); err != nil {
		return nil, fmt.Errorf("read the validation request template: %w", err)
	}
	req["value"] = map[string]any{"origin": otpURL, "resolved": otpURL}
	user, _ := req["user"].(map[string]any)
	if user == nil {
		user = map[string]any{"type": "botUserKey"}
	}
	user["id"] = userKey
	props, _ := user["properties"].(map[string]any)
	if props == nil {
		props = map[string]any{}
	}
	props["botUserKey"] = userKey
	user["properties"] = props
	req["user"] = user
	body, err := json.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("write a validation request: %w", err)
	}
	return body, nil
}
