package payload

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// seedPayloads are the shared examples and recorded variants.
func seedPayloads(f *testing.F, files ...string) {
	for _, name := range files {
		f.Add(readTestdata(f, name))
	}
	for _, s := range []string{
		``, `{}`, `null`, `[]`, `{"value":42}`, `{"value":{"origin":{"otp":"x"}}}`,
		`{"value":{"origin":"{\"otp\":\"https://talk-plugin-capi.kakao.com/otp/a/profile\"}"}}`,
		`{"action":{"params":{"p":"{\"otp\":{\"otp\":1}}"},"detailParams":{"p":{"value":[1,{"otp":null}]}}}}`,
		`{"user":{"properties":{"appUserId":-0.5e10}}}`,
		`{"action":{"detailParams":{"age":{"origin":23,"value":23},"n":5,"o":{"origin":{"otp":"https://talk-plugin-capi.kakao.com/otp/a/profile"}}}}}`,
		`{"value":{"origin":23,"resolved":{"otp":["x"]}}}`,
	} {
		f.Add([]byte(s))
	}
}

func FuzzDecodeValidation(f *testing.F) {
	seedPayloads(f, "kakao/validation-request.json", "requests/validation-origin-json.json",
		"requests/validation-resolved-only.json", "requests/validation-no-otp.json",
		"requests/validation-typed.json", "requests/validation-live-profile.json")
	f.Fuzz(func(t *testing.T, body []byte) {
		var r ValidationRequest
		if err := Decode(body, &r); err != nil {
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("decode error %T %v, want *DecodeError", err, err)
			}
			return
		}
		checkFound(t, r.FindOTP)
	})
}

func FuzzDecodeSkill(f *testing.F) {
	seedPayloads(f, "kakao/skill-request.json", "requests/skill-params-only.json",
		"requests/skill-detail-value-object.json", "requests/skill-no-otp.json",
		"requests/panel-skill-profile.json", "requests/skilltest-typed-params.json",
		"requests/skilltest-typed-params-profile.json", "requests/live-entities-profile.json",
		"requests/live-quickreply-gate.json")
	f.Fuzz(func(t *testing.T, body []byte) {
		var p SkillPayload
		if err := Decode(body, &p); err != nil {
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("decode error %T %v, want *DecodeError", err, err)
			}
			return
		}
		checkFound(t, p.FindOTP)
	})
}

// checkFound: FindOTP is deterministic, and what it finds is a trimmed
// OTP-looking URL (internal/kakao's FuzzCheckOTPURL judges such URLs).
func checkFound(t *testing.T, find func() (string, bool)) {
	t.Helper()
	otp, ok := find()
	if again, ok2 := find(); again != otp || ok2 != ok {
		t.Fatalf("FindOTP not deterministic: %q, %v then %q, %v", otp, ok, again, ok2)
	}
	if !ok {
		if otp != "" {
			t.Fatalf("FindOTP = %q, false", otp)
		}
		return
	}
	if !looksLikeOTPURL(otp) || strings.TrimSpace(otp) != otp {
		t.Fatalf("FindOTP = %q: not an OTP-looking URL", otp)
	}
}

// FuzzPlainString: whenever plainString reads a JSON value, it reads what
// json.Unmarshal reads.
func FuzzPlainString(f *testing.F) {
	for _, s := range []string{`"https://talk-plugin-capi.kakao.com/otp/a/profile"`, `"a\"b"`, "\"\xff\"", `"\u00e9"`, `""`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, ok := plainString(b)
		if !ok {
			return
		}
		var want string
		if err := json.Unmarshal(b, &want); err != nil || got != want {
			t.Errorf("plainString(%q) = %q; json.Unmarshal: %q, %v", b, got, want, err)
		}
	})
}
