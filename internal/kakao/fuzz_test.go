package kakao

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
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
	} {
		f.Add([]byte(s))
	}
}

func FuzzDecodeValidation(f *testing.F) {
	seedPayloads(f, "kakao/validation-request.json", "requests/validation-origin-json.json",
		"requests/validation-resolved-only.json", "requests/validation-no-otp.json")
	f.Fuzz(func(t *testing.T, body []byte) {
		r, err := DecodeValidation(body)
		if err != nil {
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("DecodeValidation error %T %v, want *DecodeError", err, err)
			}
			return
		}
		checkFound(t, r.FindOTP)
		checkValidationCall(t, body, r)
	})
}

// checkValidationCall: the handler's decoder reads what DecodeValidation
// reads of the fields a verification needs, and finds the same OTP URL.
func checkValidationCall(t *testing.T, body []byte, full ValidationRequest) {
	t.Helper()
	lean, err := decodeValidationCall(body)
	if err != nil {
		t.Fatalf("decodeValidationCall: %v; DecodeValidation accepted the body", err)
	}
	if lean.Bot.ID != full.Bot.ID || lean.User.ID != full.User.ID || lean.Value != full.Value {
		t.Fatalf("decodeValidationCall = %+v, want the fields of %+v", lean, full)
	}
	otp, ok := lean.FindOTP()
	if wantOTP, wantOK := full.FindOTP(); otp != wantOTP || ok != wantOK {
		t.Fatalf("FindOTP after decodeValidationCall = %q, %v; want %q, %v", otp, ok, wantOTP, wantOK)
	}
}

// checkSkillCall is checkValidationCall for the block skill.
func checkSkillCall(t *testing.T, body []byte, full SkillPayload) {
	t.Helper()
	lean, err := decodeSkillCall(body)
	if err != nil {
		t.Fatalf("decodeSkillCall: %v; DecodeSkill accepted the body", err)
	}
	if lean.Bot.ID != full.Bot.ID || lean.UserRequest.User.ID != full.UserRequest.User.ID {
		t.Fatalf("decodeSkillCall = %+v, want the fields of %+v", lean, full)
	}
	if diff := cmp.Diff(full.Action.Params, lean.Action.Params); diff != "" {
		t.Fatalf("decodeSkillCall params (-full +lean):\n%s", diff)
	}
	if diff := cmp.Diff(full.Action.DetailParams, lean.Action.DetailParams); diff != "" {
		t.Fatalf("decodeSkillCall detailParams (-full +lean):\n%s", diff)
	}
	otp, ok := lean.FindOTP()
	if wantOTP, wantOK := full.FindOTP(); otp != wantOTP || ok != wantOK {
		t.Fatalf("FindOTP after decodeSkillCall = %q, %v; want %q, %v", otp, ok, wantOTP, wantOK)
	}
}

func FuzzDecodeSkill(f *testing.F) {
	seedPayloads(f, "kakao/skill-request.json", "requests/skill-params-only.json",
		"requests/skill-detail-value-object.json", "requests/skill-no-otp.json")
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := DecodeSkill(body)
		if err != nil {
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("DecodeSkill error %T %v, want *DecodeError", err, err)
			}
			return
		}
		checkFound(t, p.FindOTP)
		checkSkillCall(t, body, p)
	})
}

// checkFound: FindOTP is deterministic, and what it finds is a trimmed
// OTP-looking URL that Origins.Check can judge without panicking.
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
	origins, err := ParseOrigins(DefaultOrigins())
	if err != nil {
		t.Fatal(err)
	}
	if u, err := origins.Check(otp); err == nil && !strings.HasSuffix(u.Host, "kakao.com") {
		t.Fatalf("Check(%q) accepted host %q", otp, u.Host)
	}
}

// FuzzOriginsExact: the profile client requests a URL that Origins.exact
// accepts without parsing it, so exact must accept only URLs that Check
// accepts and rebuilds unchanged, without a query — and all of them.
func FuzzOriginsExact(f *testing.F) {
	origins, err := ParseOrigins(append(DefaultOrigins(), "http://127.0.0.1:8090", "http://[::1]:9000"))
	if err != nil {
		f.Fatal(err)
	}
	const path = "/otp/5f1a0e11aa22bb33cc44dd55/profile"
	for _, s := range []string{
		"https://talk-plugin-capi.kakao.com" + path, "https://talk-plugin.kakao.com" + path,
		"http://127.0.0.1:8090" + path, "http://[::1]:9000" + path, "https://talk-plugin-capi.kakao.com:443" + path,
		"https://talk-plugin-capi.kakao.com" + path + "?a=b", "https://talk-plugin-capi.kakao.com.evil.com" + path,
		"HTTPS://talk-plugin-capi.kakao.com" + path, "https://talk-plugin-capi.kakao.com/otp/a-_B/profile",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := origins.Check(raw)
		want := err == nil && u.String() == raw && u.RawQuery == ""
		if got := origins.exact(raw); got != want {
			t.Fatalf("exact(%q) = %v; Check = %v, %v", raw, got, u, err)
		}
	})
}

// FuzzParamValueShortcuts: the shortcuts of ParamValue and FlexString read
// a JSON string or number exactly as encoding/json does.
func FuzzParamValueShortcuts(f *testing.F) {
	for _, s := range []string{`"abc"`, `"홍길동"`, `"a\"b"`, `"\u00e9"`, "\"\xff\"", "\"a\tb\"", `""`, `"`,
		`0`, `-0.5e10`, `12`, `01`, `1.`, `1e`, `-`, `1E+3`, `true`, `{"otp":1}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if !json.Valid(b) {
			return
		}
		var want string
		if json.Unmarshal(b, &want) == nil {
			got, err := unquote(b)
			if err != nil || got != want {
				t.Fatalf("unquote(%q) = %q, %v; want %q", b, got, err, want)
			}
		}
		if isJSONNumber(b) {
			var buf bytes.Buffer
			if err := json.Compact(&buf, b); err != nil || buf.String() != string(b) {
				t.Fatalf("isJSONNumber(%q) but Compact = %q, %v", b, buf.String(), err)
			}
			var n json.Number
			if err := json.Unmarshal(b, &n); err != nil {
				t.Fatalf("isJSONNumber(%q) but it is no JSON number: %v", b, err)
			}
		}
	})
}
