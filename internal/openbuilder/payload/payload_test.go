package payload

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// The OTP URLs of the shared examples.
const (
	exampleOTP    = "https://talk-plugin-capi.kakao.com/otp/5f1a0e11aa22bb33cc44dd55/profile"
	exampleOldOTP = "https://talk-plugin.kakao.com/otp/62247d59d36c554596ea60eb/profile"
)

// readTestdata reads internal/openbuilder/testdata/NAME, except that kakao/NAME is one of Kakao's
// own samples, kept beside the Kakao adapter.
func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	dir := filepath.Join("..", "testdata")
	if strings.HasPrefix(name, "kakao/") {
		dir = filepath.Join("..", "..", "kakao", "testdata")
	}
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDecodeValidationSharedExample(t *testing.T) {
	t.Parallel()
	var got ValidationRequest
	if err := Decode(readTestdata(t, "kakao/validation-request.json"), &got); err != nil {
		t.Fatalf("decode: %v", err)
	}
	want := ValidationRequest{
		Bot:   entity{ID: "5f1a0b2a9c8d7e0001f0e1d2"},
		User:  entity{ID: "a3f0c1d2e4b5968778a9b0c1d2e3f40516273849a0b1c2d3e4f5061728394a5b6c"},
		Value: validationValue{Origin: exampleOTP, Resolved: exampleOTP},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("decode mismatch (-want +got):\n%s", diff)
	}
}

func TestDecodeSkillSharedExample(t *testing.T) {
	t.Parallel()
	var got SkillPayload
	if err := Decode(readTestdata(t, "kakao/skill-request.json"), &got); err != nil {
		t.Fatalf("decode: %v", err)
	}
	pluginValue := paramValue(`{"otp":"` + exampleOTP + `","app_user_id":3001234567}`)
	want := SkillPayload{
		Bot:         entity{ID: "5f1a0b2a9c8d7e0001f0e1d2"},
		UserRequest: userRequest{User: entity{ID: "a3f0c1d2e4b5968778a9b0c1d2e3f40516273849a0b1c2d3e4f5061728394a5b6c"}},
		Action: action{
			Params:       map[string]paramValue{"profile": pluginValue},
			DetailParams: map[string]detailParam{"profile": {Origin: exampleOTP, Value: pluginValue}},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("decode mismatch (-want +got):\n%s", diff)
	}
}

func TestParamValue(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{`"plain"`, "plain"},
		{`"{\"otp\":\"x\"}"`, `{"otp":"x"}`},
		{`{ "otp" : "x" }`, `{"otp":"x"}`},
		{`42`, "42"},
		{`null`, ""},
		{`[1, 2]`, "[1,2]"},
	}
	for _, tt := range tests {
		var got paramValue
		if err := got.UnmarshalJSON([]byte(tt.in)); err != nil {
			t.Errorf("UnmarshalJSON(%s): %v", tt.in, err)
			continue
		}
		if string(got) != tt.want {
			t.Errorf("UnmarshalJSON(%s) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		body   string
		skill  bool
		inText string // part of the error message
	}{
		{"empty", "", false, "empty"},
		{"blank", " \n ", true, "empty"},
		{"truncated", `{"value":`, false, "malformed"},
		{"trailing garbage", `{"value":{}} x`, false, "malformed"},
		{"array", `[]`, false, "not a JSON object"},
		{"null", `null`, true, "not a JSON object"},
		{"string", `"x"`, true, "not a JSON object"},
		{"value as number", `{"value":42}`, false, `"value"`},
		// Strict where rollcall reads: the ids, and the objects it walks.
		{"user id as number", `{"user":{"id":12}}`, false, `"user.id"`},
		{"skill user id as number", `{"userRequest":{"user":{"id":12}}}`, true, `"userRequest.user.id"`},
		// Liberal elsewhere: a value of another type is simply not an OTP.
		{"origin as number", `{"value":{"origin":7}}`, false, ""},
		{"origin and resolved typed", `{"value":{"origin":{"otp":1},"resolved":[true,null]}}`, false, ""},
		{"other fields ignored", `{"user":{"properties":{"appUserId":true}}}`, false, ""},
		{"lang null, extras", `{"user":{"id":"u"},"lang":null,"timezone":9,"isInSlotFilling":"yes","params":{"age":23},"extra":[{}]}`, false, ""},
		{"detail origin as number", `{"action":{"detailParams":{"age":{"origin":23,"value":23,"groupName":null}}}}`, true, ""},
		{"detail origin as boolean or object", `{"action":{"detailParams":{"g":{"origin":false,"value":false},"o":{"origin":{"amount":3},"value":{"amount":3}}}}}`, true, ""},
		{"detail entry not an object", `{"action":{"detailParams":{"age":23,"n":null,"l":[1]}}}`, true, ""},
		{"params of every type", `{"action":{"params":{"gender":false,"n":3.5,"o":{"amount":3},"l":[1],"z":null}}}`, true, ""},
		{"properties, contexts, clientExtra", `{"userRequest":{"lang":null,"user":{"id":"u","properties":{"appUserId":3001234567,"plusfriendUserKey":12,"isFriend":"true"}}},` +
			`"action":{"clientExtra":{"a":[1,{"b":null}]}},"contexts":[{"name":"x","lifeSpan":"5","params":{"a":{"value":1}}}],"intent":{"extra":5},"flow":null}`, true, ""},
		{"action as string", `{"action":"x"}`, true, `"action"`},
		{"detailParams as array", `{"action":{"detailParams":[]}}`, true, `"action.detailParams"`},
		{"bot id as object", `{"bot":{"id":{}}}`, true, `"bot.id"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var err error
			if tt.skill {
				err = Decode([]byte(tt.body), new(SkillPayload))
			} else {
				err = Decode([]byte(tt.body), new(ValidationRequest))
			}
			if tt.inText == "" {
				if err != nil {
					t.Fatalf("decode %q: %v, want no error", tt.body, err)
				}
				return
			}
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("decode %q: err = %v, want a *DecodeError", tt.body, err)
			}
			if !strings.Contains(err.Error(), tt.inText) {
				t.Errorf("decode %q: error %q does not mention %q", tt.body, err, tt.inText)
			}
		})
	}
}

func TestValidationFindOTP(t *testing.T) {
	t.Parallel()
	const pluginJSON = `{"otp":"` + exampleOTP + `","app_user_id":3001234567}`
	tests := []struct {
		name   string
		value  validationValue
		want   string
		wantOK bool
	}{
		{"origin is the URL", validationValue{Origin: exampleOTP, Resolved: exampleOTP}, exampleOTP, true},
		{"older host", validationValue{Origin: exampleOldOTP}, exampleOldOTP, true},
		{"origin carries JSON", validationValue{Origin: pluginJSON}, exampleOTP, true},
		{"resolved carries JSON", validationValue{Origin: "프로필", Resolved: paramValue(pluginJSON)}, exampleOTP, true},
		{"origin wins over resolved", validationValue{Origin: exampleOldOTP, Resolved: paramValue(pluginJSON)}, exampleOldOTP, true},
		{"white space trimmed", validationValue{Origin: " " + exampleOTP + "\n"}, exampleOTP, true},
		// Shape only: the allow-list decides about hosts later.
		{"foreign host still found", validationValue{Origin: "https://evil.example/otp/abc/profile"}, "https://evil.example/otp/abc/profile", true},
		{"empty", validationValue{}, "", false},
		{"utterance", validationValue{Origin: "임직원 인증", Resolved: "임직원 인증"}, "", false},
		{"not an OTP path", validationValue{Origin: "https://talk-plugin-capi.kakao.com/other"}, "", false},
		// Disguised URLs are found, so that internal/kakao refuses them.
		{"dot segments", validationValue{Origin: "https://talk-plugin-capi.kakao.com/otp/../admin/profile"}, "https://talk-plugin-capi.kakao.com/otp/../admin/profile", true},
		{"fragment trick", validationValue{Origin: "https://evil.com#@talk-plugin-capi.kakao.com/otp/a/profile"}, "https://evil.com#@talk-plugin-capi.kakao.com/otp/a/profile", true},
		{"ftp", validationValue{Origin: "ftp://talk-plugin-capi.kakao.com/otp/abc/profile"}, "", false},
		{"JSON without otp", validationValue{Origin: `{"app_user_id":1}`}, "", false},
		{"JSON otp not a URL", validationValue{Origin: `{"otp":"hello"}`}, "", false},
		{"broken JSON", validationValue{Origin: `{"otp":`}, "", false},
		{"JSON otp as number", validationValue{Origin: `{"otp":5}`}, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := ValidationRequest{Value: tt.value}.FindOTP()
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("FindOTP() = %q, %v; want %q, %v", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestSkillFindOTP(t *testing.T) {
	t.Parallel()
	plugin := func(otp string) paramValue { return paramValue(`{"otp":"` + otp + `","app_user_id":1}`) }
	const (
		otpA = "https://talk-plugin-capi.kakao.com/otp/aaaaaaaaaaaaaaaaaaaaaaaa/profile"
		otpB = "https://talk-plugin-capi.kakao.com/otp/bbbbbbbbbbbbbbbbbbbbbbbb/profile"
	)
	tests := []struct {
		name   string
		action action
		want   string
	}{
		{"detail origin", action{DetailParams: map[string]detailParam{"profile": {Origin: otpA}}}, otpA},
		{"params JSON", action{Params: map[string]paramValue{"profile": plugin(otpA)}}, otpA},
		{"params URL", action{Params: map[string]paramValue{"profile": paramValue(otpA)}}, otpA},
		{"detail value JSON", action{DetailParams: map[string]detailParam{"profile": {Origin: "프로필", Value: plugin(otpA)}}}, otpA},
		{"origin beats params", action{
			Params:       map[string]paramValue{"a": plugin(otpB)},
			DetailParams: map[string]detailParam{"z": {Origin: otpA}},
		}, otpA},
		{"params beat detail values", action{
			Params:       map[string]paramValue{"z": plugin(otpA)},
			DetailParams: map[string]detailParam{"a": {Origin: "x", Value: plugin(otpB)}},
		}, otpA},
		{"sorted names", action{DetailParams: map[string]detailParam{
			"profile2": {Origin: otpB}, "profile1": {Origin: otpA}, "zzz": {Origin: "nothing"},
		}}, otpA},
		{"sorted params", action{Params: map[string]paramValue{
			"b": plugin(otpB), "a": plugin(otpA), "c": "안녕",
		}}, otpA},
		{"none", action{Params: map[string]paramValue{"note": "안녕"}, DetailParams: map[string]detailParam{"note": {Origin: "안녕", Value: "안녕"}}}, ""},
		{"nil maps", action{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// Map order varies between runs; so must not the answer.
			for range 20 {
				got, ok := SkillPayload{Action: tt.action}.FindOTP()
				if got != tt.want || ok != (tt.want != "") {
					t.Fatalf("FindOTP() = %q, %v; want %q", got, ok, tt.want)
				}
			}
		})
	}
}

// TestFindOTPInRecordedVariants decodes each request variant in testdata and
// finds its OTP URL.
func TestFindOTPInRecordedVariants(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file  string
		skill bool
		want  string
	}{
		{"kakao/validation-request.json", false, exampleOTP},
		{"kakao/skill-request.json", true, exampleOTP},
		{"requests/validation-origin-json.json", false, exampleOTP},
		{"requests/validation-resolved-only.json", false, exampleOldOTP},
		{"requests/validation-no-otp.json", false, ""},
		{"requests/skill-params-only.json", true, exampleOTP},
		{"requests/skill-detail-value-object.json", true, exampleOTP},
		{"requests/skill-no-otp.json", true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			body := readTestdata(t, tt.file)
			var got string
			var ok bool
			if tt.skill {
				var p SkillPayload
				if err := Decode(body, &p); err != nil {
					t.Fatalf("decode: %v", err)
				}
				got, ok = p.FindOTP()
			} else {
				var r ValidationRequest
				if err := Decode(body, &r); err != nil {
					t.Fatalf("decode: %v", err)
				}
				got, ok = r.FindOTP()
			}
			if got != tt.want || ok != (tt.want != "") {
				t.Errorf("FindOTP() = %q, %v; want %q", got, ok, tt.want)
			}
		})
	}
}

// BenchmarkDecode measures what every verification pays to read its skill
// request: the decode and the OTP URL's search.
func BenchmarkDecode(b *testing.B) {
	b.Run("validation", func(b *testing.B) {
		benchDecode[ValidationRequest](b, readTestdata(b, "kakao/validation-request.json"))
	})
	b.Run("skill", func(b *testing.B) {
		benchDecode[SkillPayload](b, readTestdata(b, "kakao/skill-request.json"))
	})
}

func benchDecode[P interface{ FindOTP() (string, bool) }](b *testing.B, body []byte) {
	b.ReportAllocs()
	for b.Loop() {
		var p P
		if err := Decode(body, &p); err != nil {
			b.Fatal(err)
		}
		if _, ok := p.FindOTP(); !ok {
			b.Fatal("no OTP URL")
		}
	}
}

func TestPlainStringReadsAsUnmarshal(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		`"https://talk-plugin-capi.kakao.com/otp/a/profile"`, `""`, `"홍길동"`,
		`"a\"b"`, `"a\\b"`, `"\u0041"`, `"a\/b"`, "\"\xff\xfe\"", "\"a\xe2\x80\"",
		`42`, `null`, `{"otp":"x"}`, `"`,
	} {
		var want string
		wantOK := json.Unmarshal([]byte(in), &want) == nil
		got, ok := plainString([]byte(in))
		if ok && (!wantOK || got != want) {
			t.Errorf("plainString(%q) = %q, but json.Unmarshal reads %q (ok %v)", in, got, want, wantOK)
		}
		if !ok && wantOK && strings.HasPrefix(in, `"`) && !strings.Contains(in, `\`) && utf8.ValidString(in) {
			t.Errorf("plainString(%q) declined a plain string", in)
		}
	}
}
